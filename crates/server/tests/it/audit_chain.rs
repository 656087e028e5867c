//! The audit log is a hash chain: `ratusz audit verify` proves nothing was altered or removed,
//! and concurrent writers still produce one unbroken chain.

use crate::both_engines;
use crate::support::*;
use ratusz_app::audit::Actor;

/// A database prepared the way an admin would: `ratusz migrate`, then the demo municipality and a
/// second one. Returns the demo tenant's id, the other tenant's id and the demo's event count.
fn seeded(engine: Engine) -> (TestDb, String, String, i64) {
    let db = TestDb::new(engine);
    let r = db.run_idempotent(&["migrate"]);
    assert!(r.ok(), "ratusz migrate: {r}");
    assert!(r.stdout.contains("database ready"), "{r}");
    let app = db.app();
    let demo = app.ensure_demo(&[]).expect("demo");
    let other = app
        .create_tenant("sasiednia", "Gmina Sąsiednia", &[], &Actor::cli())
        .expect("second tenant");
    let report = app.verify_chain(&demo.tenant_id).expect("verify");
    assert!(report.first_break.is_none(), "{report:?}");
    assert!(
        report.events >= 8,
        "the demo wrote {} events",
        report.events
    );
    (db, demo.tenant_id, other.tenant_id, report.events)
}

fn verify(db: &TestDb) -> Run {
    db.run_idempotent(&["audit", "verify"])
}

/// The line `verify` printed for a tenant.
fn line_of<'a>(run: &'a Run, tenant_id: &str) -> &'a str {
    run.stdout
        .lines()
        .find(|l| l.split('\t').nth(1) == Some(tenant_id))
        .unwrap_or_else(|| panic!("no line for tenant {tenant_id}: {run}"))
}

fn assert_broken_at(run: &Run, tenant_id: &str, other: &str, seq: i64, problem: &str) {
    assert_eq!(run.code, Some(1), "verify must exit 1: {run}");
    let line = line_of(run, tenant_id);
    assert!(line.starts_with("BROKEN\t"), "{run}");
    assert!(
        line.contains(&format!("seq {seq}")) && !line.contains(&format!("seq {seq}0")),
        "the output must name seq {seq}: {line}"
    );
    assert!(
        line.contains(problem),
        "the output must say {problem:?}: {line}"
    );
    // The untouched municipality is still reported intact.
    assert!(line_of(run, other).starts_with("ok\t"), "{run}");
}

both_engines!(verify_passes_on_an_untouched_chain, |engine| {
    let (db, demo, other, events) = seeded(engine);
    let r = verify(&db);
    assert!(r.ok(), "{r}");
    let line = line_of(&r, &demo);
    assert!(line.starts_with("ok\t"), "{r}");
    assert!(line.contains(&format!("\t{events} events\t")), "{line}");
    assert!(line_of(&r, &other).starts_with("ok\t"), "{r}");
    assert!(!r.stdout.contains("BROKEN"), "{r}");
});

both_engines!(an_edited_event_is_named_by_seq_and_tenant, |engine| {
    let (db, demo, other, _) = seeded(engine);
    let n = db.exec_sql(&format!(
        "UPDATE audit_events SET details = '{{\"symbol\":\"XX\"}}' \
         WHERE tenant_id = '{demo}' AND seq = 3"
    ));
    assert_eq!(n, 1);
    let r = verify(&db);
    assert_broken_at(&r, &demo, &other, 3, "edited");
    // The output names the event's id too.
    let id: Vec<_> = db
        .app()
        .audit_events(&demo, 1000, None)
        .expect("events")
        .into_iter()
        .filter(|e| e.seq == 3)
        .map(|e| e.id)
        .collect();
    assert!(line_of(&r, &demo).contains(&id[0]), "{r}");
});

both_engines!(an_edited_action_is_detected, |engine| {
    let (db, demo, other, _) = seeded(engine);
    let n = db.exec_sql(&format!(
        "UPDATE audit_events SET action = 'nothing.happened' \
         WHERE tenant_id = '{demo}' AND seq = 2"
    ));
    assert_eq!(n, 1);
    assert_broken_at(&verify(&db), &demo, &other, 2, "edited");
});

both_engines!(a_deleted_middle_event_is_named_as_missing, |engine| {
    let (db, demo, other, events) = seeded(engine);
    let middle = events / 2;
    let n = db.exec_sql(&format!(
        "DELETE FROM audit_events WHERE tenant_id = '{demo}' AND seq = {middle}"
    ));
    assert_eq!(n, 1);
    assert_broken_at(&verify(&db), &demo, &other, middle, "missing");
});

both_engines!(a_deleted_last_event_no_longer_matches_the_head, |engine| {
    let (db, demo, other, events) = seeded(engine);
    let n = db.exec_sql(&format!(
        "DELETE FROM audit_events WHERE tenant_id = '{demo}' AND seq = {events}"
    ));
    assert_eq!(n, 1);
    // What remains is a valid chain of events-1; only the head shows that one was removed.
    assert_broken_at(&verify(&db), &demo, &other, events, "removed");
});

both_engines!(a_changed_prev_hash_is_detected, |engine| {
    let (db, demo, other, _) = seeded(engine);
    let n = db.exec_sql(&format!(
        "UPDATE audit_events SET prev_hash = '{}' WHERE tenant_id = '{demo}' AND seq = 5",
        "ab".repeat(32)
    ));
    assert_eq!(n, 1);
    assert_broken_at(&verify(&db), &demo, &other, 5, "prev_hash");
});

both_engines!(
    an_event_rewritten_with_its_own_hash_is_still_detected,
    |engine| {
        // An intruder who edits an event and recomputes its hash breaks the link to the next one.
        let (db, demo, other, _) = seeded(engine);
        let app = db.app();
        let mut ev = app
            .audit_events(&demo, 1000, None)
            .expect("events")
            .into_iter()
            .find(|e| e.seq == 4)
            .expect("event 4");
        ev.details = r#"{"forged":true}"#.into();
        let new_hash = ratusz_store::audit::event_hash(&ev);
        let n = db.exec_sql(&format!(
            "UPDATE audit_events SET details = '{}', hash = '{new_hash}' \
         WHERE tenant_id = '{demo}' AND seq = 4",
            ev.details
        ));
        assert_eq!(n, 1);
        assert_broken_at(&verify(&db), &demo, &other, 5, "prev_hash");
    }
);

both_engines!(a_tampered_head_is_detected, |engine| {
    let (db, demo, other, _) = seeded(engine);
    let n = db.exec_sql(&format!(
        "UPDATE audit_heads SET hash = '{}' WHERE tenant_id = '{demo}'",
        "cd".repeat(32)
    ));
    assert_eq!(n, 1);
    let r = verify(&db);
    assert_eq!(r.code, Some(1), "{r}");
    assert!(line_of(&r, &demo).starts_with("BROKEN\t"), "{r}");
    assert!(line_of(&r, &other).starts_with("ok\t"), "{r}");
});

both_engines!(concurrent_writers_produce_one_unbroken_chain, |engine| {
    const THREADS: usize = 8;
    const PER_THREAD: usize = 10;
    let db = TestDb::new(engine);
    let app = db.app();
    let tenant = app
        .create_tenant("wspolbiezna", "Gmina Współbieżna", &[], &Actor::cli())
        .expect("tenant");
    let before = app.verify_chain(&tenant.tenant_id).expect("verify").events;
    assert_eq!(before, 1, "tenant.create");
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let app = app.clone();
            let tid = tenant.tenant_id.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                for i in 0..PER_THREAD {
                    if i % 2 == 0 {
                        // Through a use case.
                        app.create_unit(
                            &tid,
                            &format!("T{t}U{i}"),
                            &format!("Komórka {t}/{i}"),
                            &Actor::Robot {
                                name: format!("robot-{t}"),
                            },
                        )
                        .expect("create_unit");
                    } else {
                        // Straight into the chain, in a write transaction.
                        let now = app.now_ts();
                        app.store
                            .write(|c| {
                                ratusz_store::audit::append(
                                    c,
                                    &ratusz_store::audit::NewEvent {
                                        tenant_id: &tid,
                                        actor_kind: "robot",
                                        actor_id: None,
                                        actor_label: &format!("robot-{t}"),
                                        action: "test.append",
                                        object_type: "test",
                                        object_id: None,
                                        details: &format!("{{\"t\":{t},\"i\":{i}}}"),
                                    },
                                    now,
                                )
                            })
                            .expect("append");
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("writer thread");
    }
    let expected = before + (THREADS * PER_THREAD) as i64;
    let report = app.verify_chain(&tenant.tenant_id).expect("verify");
    assert_eq!(report.first_break, None);
    assert_eq!(report.events, expected);
    let mut seqs: Vec<i64> = app
        .audit_events(&tenant.tenant_id, 10_000, None)
        .expect("events")
        .into_iter()
        .map(|e| e.seq)
        .collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=expected).collect::<Vec<_>>(), "gap-free 1..=N");
    assert_eq!(
        app.units(&tenant.tenant_id).expect("units").len(),
        THREADS * PER_THREAD / 2
    );
    // And the CLI agrees.
    let r = verify(&db);
    assert!(r.ok(), "{r}");
    assert!(
        line_of(&r, &tenant.tenant_id).contains(&format!("\t{expected} events\t")),
        "{r}"
    );
});

both_engines!(the_cli_exits_cleanly_every_time, |engine| {
    // An admin's cron job or deploy script reads the exit code: 0 intact, 1 broken, never a
    // crash. A crash while exiting is a race, so run a quick command many times.
    const RUNS: usize = 60;
    let db = TestDb::new(engine);
    let r = db.run_idempotent(&["migrate"]);
    assert!(r.ok(), "{r}");
    let tenant = db
        .app()
        .create_tenant("szybka", "Gmina Szybka", &[], &Actor::cli())
        .expect("tenant")
        .tenant_id;
    let mut crashes = Vec::new();
    for i in 0..RUNS {
        let r = db.run(&["audit", "verify"]);
        match (r.code, r.signal) {
            (Some(0), _) => assert!(line_of(&r, &tenant).starts_with("ok\t"), "{r}"),
            (_, Some(signal)) => crashes.push((i, signal, r.stdout.lines().count())),
            _ => panic!("run {i}: {r}"),
        }
    }
    assert!(
        crashes.is_empty(),
        "ratusz audit verify was killed by a signal in {} of {RUNS} runs \
         (run, signal, report lines printed before the crash): {crashes:?}",
        crashes.len()
    );
});
