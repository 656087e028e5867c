//! The `ratusz` command line: the law commands (holidays, deadlines, validators), `--help` of
//! every subcommand, users and tokens end to end, and configuration (`ratusz.toml`, `RATUSZ_*`
//! variables, `*_FILE` secrets, `--config`).

use crate::support::*;
use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

/// An empty working directory (removed with the returned TestDb, which owns it).
fn workdir() -> TestDb {
    TestDb::new(Engine::Sqlite)
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_cmd(ratusz_in(dir).args(args), None)
}

// ------------------------------------------------------------------------------ calendar

#[test]
fn holidays_2025_are_fourteen_dated_lines_with_christmas_eve() {
    let w = workdir();
    let r = run_in(&w.dir, &["calendar", "holidays", "2025"]);
    assert!(r.ok(), "{r}");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 14, "{r}");
    let mut previous = String::new();
    for line in &lines {
        let (date, name) = line.split_once('\t').unwrap_or_else(|| panic!("{line:?}"));
        let b = date.as_bytes();
        assert!(
            b.len() == 10
                && b[4] == b'-'
                && b[7] == b'-'
                && b.iter()
                    .enumerate()
                    .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit()),
            "not YYYY-MM-DD: {line:?}"
        );
        assert!(date.starts_with("2025-"), "{line:?}");
        assert!(!name.trim().is_empty() && !name.contains('\t'), "{line:?}");
        assert!(
            date > previous.as_str(),
            "dates sorted and distinct: {line:?}"
        );
        previous = date.to_owned();
    }
    for expected in [
        "2025-01-01\tNowy Rok",
        "2025-01-06\tŚwięto Trzech Króli",
        "2025-04-20\tWielkanoc",
        "2025-04-21\tPoniedziałek Wielkanocny",
        "2025-06-19\tBoże Ciało",
        "2025-11-11\tNarodowe Święto Niepodległości",
        "2025-12-24\tWigilia Bożego Narodzenia",
    ] {
        assert!(lines.contains(&expected), "{expected:?} missing:\n{r}");
    }
}

#[test]
fn holiday_counts_follow_the_amendments() {
    let w = workdir();
    // 2024: no Christmas Eve yet; 2018: the one-off 12 November.
    let y2024 = run_in(&w.dir, &["calendar", "holidays", "2024"]);
    assert!(y2024.ok(), "{y2024}");
    assert_eq!(y2024.stdout.lines().count(), 13, "{y2024}");
    assert!(!y2024.stdout.contains("Wigilia"), "{y2024}");
    let y2018 = run_in(&w.dir, &["calendar", "holidays", "2018"]);
    assert_eq!(y2018.stdout.lines().count(), 14, "{y2018}");
    assert!(y2018.stdout.contains("2018-11-12\t"), "{y2018}");
}

#[test]
fn holidays_outside_the_table_fail_with_a_message() {
    let w = workdir();
    for year in ["1950", "2201"] {
        let r = run_in(&w.dir, &["calendar", "holidays", year]);
        assert!(!r.ok() && r.code.is_some(), "{r}");
        assert!(r.stdout.is_empty(), "{r}");
        assert!(
            r.stderr.contains(year) && r.stderr.contains("1951"),
            "the message names the year and the range: {r}"
        );
    }
}

fn deadline(dir: &Path, from: &str, term: &str) -> String {
    let r = run_in(
        dir,
        &["calendar", "deadline", "--from", from, "--term", term],
    );
    assert!(r.ok(), "{r}");
    r.stdout.clone()
}

fn date(s: &str) -> time::Date {
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).expect("date")
}

#[test]
fn a_fourteen_day_deadline() {
    let w = workdir();
    assert_eq!(deadline(&w.dir, "2026-11-23", "14d"), "2026-12-07\n");
}

#[test]
fn a_deadline_ending_on_a_saturday_or_holiday_moves_to_the_next_working_day() {
    let w = workdir();
    // 21 Nov 2026 + 14 days = Saturday 5 Dec 2026 → Monday 7 Dec.
    assert_eq!(
        (date("2026-11-21") + time::Duration::days(14)).weekday(),
        time::Weekday::Saturday
    );
    assert_eq!(deadline(&w.dir, "2026-11-21", "14d"), "2026-12-07\n");
    // 28 Oct 2026 + 14 days = Wednesday 11 Nov 2026 (Independence Day) → Thursday 12 Nov.
    assert_eq!(
        (date("2026-10-28") + time::Duration::days(14)).weekday(),
        time::Weekday::Wednesday
    );
    assert_eq!(deadline(&w.dir, "2026-10-28", "14d"), "2026-11-12\n");
    // 10 Dec 2025 + 14 days = Christmas Eve; 25, 26 (holidays), 27 (Saturday), 28 (Sunday)
    // follow → Monday 29 Dec.
    assert_eq!(deadline(&w.dir, "2025-12-10", "14d"), "2025-12-29\n");
    // A month from 31 Jan 2026 is 28 Feb (the last day of the month), a Saturday → 2 March.
    assert_eq!(deadline(&w.dir, "2026-01-31", "1m"), "2026-03-02\n");
    // --explain names the reason.
    let r = run_in(
        &w.dir,
        &[
            "calendar",
            "deadline",
            "--from",
            "2026-11-21",
            "--term",
            "14d",
            "--explain",
        ],
    );
    assert!(r.ok(), "{r}");
    assert!(r.stdout.starts_with("2026-12-07\n"), "{r}");
    assert!(r.stdout.contains("sobota"), "{r}");
    assert!(r.stdout.contains("art. 57"), "{r}");
}

#[test]
fn bad_deadline_input_fails_with_a_message() {
    let w = workdir();
    let r = run_in(
        &w.dir,
        &[
            "calendar",
            "deadline",
            "--from",
            "2026-11-23",
            "--term",
            "0d",
        ],
    );
    assert!(!r.ok(), "{r}");
    assert!(
        r.stderr.contains("--term") && r.stderr.contains("0d"),
        "{r}"
    );
    let r = run_in(
        &w.dir,
        &[
            "calendar",
            "deadline",
            "--from",
            "2026-13-01",
            "--term",
            "14d",
        ],
    );
    assert!(!r.ok(), "{r}");
    assert!(r.stderr.contains("--from"), "{r}");
    assert!(r.stdout.is_empty(), "{r}");
}

// ------------------------------------------------------------------------------ validate

fn validate(dir: &Path, kind: &str, input: &str) -> Run {
    run_cmd(ratusz_in(dir).args(["validate", kind]), Some(input))
}

#[test]
fn validate_reads_stdin_and_prints_a_verdict_per_line() {
    let w = workdir();
    let cases: [(&str, &[(&str, &str)]); 4] = [
        (
            "pesel",
            &[
                ("44051401359", "ok"),
                ("44051401358", "error:checksum"),
                ("4405140135", "error:length"),
                ("", "error:empty"),
            ],
        ),
        (
            "nip",
            &[("5260250274", "ok"), ("5260250275", "error:checksum")],
        ),
        (
            "regon",
            &[("123456785", "ok"), ("123456786", "error:checksum")],
        ),
        (
            "iban",
            &[
                ("PL61109010140000071219812874", "ok"),
                ("PL61109010140000071219812875", "error:checksum"),
                ("DE89370400440532013000", "error:country"),
            ],
        ),
    ];
    for (kind, values) in cases {
        let input: String = values.iter().map(|(v, _)| format!("{v}\n")).collect();
        let expected: String = values.iter().map(|(v, o)| format!("{v}\t{o}\n")).collect();
        let r = validate(&w.dir, kind, &input);
        assert!(r.ok(), "{kind}: {r}");
        assert_eq!(r.stdout, expected, "{kind}");
    }
    // Windows line endings are tolerated.
    let r = validate(&w.dir, "pesel", "44051401359\r\n");
    assert_eq!(r.stdout, "44051401359\tok\n", "{r}");
}

#[test]
fn validate_an_unknown_kind_fails_with_a_message() {
    let w = workdir();
    let r = validate(&w.dir, "passport", "AB123\n");
    assert!(!r.ok(), "{r}");
    assert!(r.stdout.is_empty(), "{r}");
    assert!(
        r.stderr.contains("passport") && r.stderr.contains("pesel"),
        "{r}"
    );
}

// ------------------------------------------------------------------------------ --help

/// The subcommands a help page lists (without `help` itself).
fn subcommands(help: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in help.lines() {
        if line.trim_end() == "Commands:" {
            inside = true;
            continue;
        }
        if inside {
            if !line.starts_with("  ") {
                break;
            }
            if let Some(name) = line.split_whitespace().next()
                && name != "help"
            {
                out.push(name.to_owned());
            }
        }
    }
    out
}

#[test]
fn help_works_for_every_subcommand() {
    let w = workdir();
    let expected: BTreeSet<&str> = [
        "serve",
        "demo",
        "migrate",
        "tenant",
        "tenant create",
        "tenant list",
        "user",
        "user create",
        "user grant",
        "user reset-mfa",
        "user list",
        "token",
        "token create",
        "token revoke",
        "token list",
        "audit",
        "audit verify",
        "calendar",
        "calendar holidays",
        "calendar deadline",
        "validate",
        "jobs",
        "jobs run",
        "jobs retry-dead",
        "jobs release-held-mail",
        "bench",
        "bench http",
        "bench portal",
    ]
    .into_iter()
    .collect();
    let mut seen = BTreeSet::new();
    let mut queue: Vec<Vec<String>> = vec![vec![]];
    while let Some(path) = queue.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let r = run_in(&w.dir, &args);
        assert!(r.ok(), "ratusz {}: {r}", args.join(" "));
        assert!(r.stdout.contains("Usage: ratusz"), "{r}");
        for sub in subcommands(&r.stdout) {
            let mut child = path.clone();
            child.push(sub);
            seen.insert(child.join(" "));
            queue.push(child);
        }
    }
    let seen_refs: BTreeSet<&str> = seen.iter().map(String::as_str).collect();
    let missing: Vec<_> = expected.difference(&seen_refs).collect();
    assert!(missing.is_empty(), "subcommands without help: {missing:?}");
    let r = run_in(&w.dir, &["--version"]);
    assert!(r.ok() && r.stdout.starts_with("ratusz "), "{r}");
    let r = run_in(&w.dir, &["no-such-command"]);
    assert!(!r.ok(), "{r}");
}

// ------------------------------------------------------------------------------ users, tokens

#[test]
fn users_and_tokens_end_to_end() {
    let db = TestDb::new(Engine::Sqlite);
    let r = db.run(&["migrate"]);
    assert!(r.ok(), "{r}");
    assert_eq!(r.stdout.trim(), "database ready (sqlite)");

    // A municipality.
    let r = db.run(&[
        "tenant",
        "create",
        "--slug",
        "testowo",
        "--name",
        "Gmina Testowo",
        "--host",
        "testowo.example",
    ]);
    assert!(r.ok(), "{r}");
    let fields: Vec<&str> = r.stdout.trim().split('\t').collect();
    assert_eq!(fields.len(), 3, "{r}");
    assert_eq!((fields[0], fields[2]), ("testowo", "Gmina Testowo"));
    let tid = fields[1].to_owned();
    let r = db.run(&["tenant", "list"]);
    assert!(
        r.stdout.contains(&format!("testowo\t{tid}\tGmina Testowo")),
        "{r}"
    );
    let r = db.run(&["tenant", "create", "--slug", "Zły Slug", "--name", "X"]);
    assert!(!r.ok(), "{r}");
    assert!(r.stderr.contains("slug"), "{r}");

    // A staff account with a generated password…
    let r = db.run(&[
        "user",
        "create",
        "--tenant",
        "testowo",
        "--email",
        "Szefowa@Testowo.gov.pl",
        "--name",
        "Tamara Testowa",
        "--role",
        "admin",
    ]);
    assert!(r.ok(), "{r}");
    assert!(r.stdout.contains("created Szefowa@Testowo.gov.pl"), "{r}");
    let generated = r
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("temporary password (shown once): "))
        .unwrap_or_else(|| panic!("no generated password: {r}"))
        .trim()
        .to_owned();
    // …and one with a password from stdin.
    let typed = "Kwitnąca-Jabłoń-przy-Rynku-9";
    let r = run_cmd(
        db.ratusz().args([
            "user",
            "create",
            "--tenant",
            "testowo",
            "--email",
            "kancelaria@testowo.gov.pl",
            "--name",
            "Karol Kancelaryjny",
            "--role",
            "registrar",
            "--password-stdin",
        ]),
        Some(&format!("{typed}\n")),
    );
    assert!(r.ok(), "{r}");
    assert!(!r.stdout.contains("temporary password"), "{r}");

    let app = db.app();
    let admin = app
        .user_by_email(&tid, "szefowa@testowo.gov.pl")
        .expect("lookup")
        .expect("admin exists");
    assert!(app.verify_password(
        admin.password_hash.as_deref().unwrap_or_default(),
        &generated
    ));
    let registrar = app
        .user_by_email(&tid, "kancelaria@testowo.gov.pl")
        .expect("lookup")
        .expect("registrar exists");
    assert!(app.verify_password(
        registrar.password_hash.as_deref().unwrap_or_default(),
        typed
    ));
    assert!(!app.verify_password(
        registrar.password_hash.as_deref().unwrap_or_default(),
        &generated
    ));

    let r = db.run(&["user", "list", "--tenant", "testowo"]);
    assert!(r.ok(), "{r}");
    assert!(
        r.stdout
            .contains("Szefowa@Testowo.gov.pl\tTamara Testowa\tadmin\tmfa:off"),
        "{r}"
    );
    // Refusals name what is wrong.
    let r = db.run(&[
        "user", "create", "--tenant", "nieznana", "--email", "a@b.pl", "--name", "Ab", "--role",
        "admin",
    ]);
    assert!(!r.ok() && r.stderr.contains("nieznana"), "{r}");
    let r = db.run(&[
        "user",
        "create",
        "--tenant",
        "testowo",
        "--email",
        "b@testowo.gov.pl",
        "--name",
        "Bb",
        "--role",
        "wojewoda",
    ]);
    assert!(!r.ok() && r.stderr.contains("wojewoda"), "{r}");

    // Reset MFA of a user who has it (the demo admin is enrolled).
    let demo = app.ensure_demo(&[]).expect("demo");
    let demo_admin = "admin@przykladowo.gov.pl";
    let r = db.run(&["user", "list", "--tenant", "przykladowo"]);
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with(&format!("{demo_admin}\t")))
        .unwrap_or_else(|| panic!("{r}"));
    assert!(line.ends_with("mfa:on"), "{line}");
    let r = db.run(&[
        "user",
        "reset-mfa",
        "--tenant",
        "przykladowo",
        "--email",
        demo_admin,
    ]);
    assert!(r.ok(), "{r}");
    let r = db.run(&["user", "list", "--tenant", "przykladowo"]);
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with(&format!("{demo_admin}\t")))
        .unwrap_or_else(|| panic!("{r}"));
    assert!(line.ends_with("mfa:off"), "{line}");
    let u = app
        .user_by_email(&demo.tenant_id, demo_admin)
        .expect("lookup")
        .expect("demo admin");
    assert!(
        u.totp_enabled_at.is_none() && u.totp_secret.is_none(),
        "{u:?}"
    );
    let resets = app
        .store
        .read(|c| ratusz_store::audit::by_action(c, &demo.tenant_id, "user.mfa_reset"))
        .expect("events");
    assert_eq!(resets.len(), 1);
    assert_eq!(resets[0].actor_kind, "cli");

    // API tokens: create, list, use, revoke.
    let r = db.run(&[
        "token",
        "create",
        "--tenant",
        "testowo",
        "--email",
        "szefowa@testowo.gov.pl",
        "--name",
        "ci",
        "--scopes",
        "read,write",
    ]);
    assert!(r.ok(), "{r}");
    let secret = r.stdout.trim().to_owned();
    assert!(secret.starts_with("rtz_") && !secret.contains('\n'), "{r}");
    let token_id = r
        .stderr
        .split_whitespace()
        .skip_while(|w| *w != "id")
        .nth(1)
        .unwrap_or_else(|| panic!("no token id: {r}"))
        .to_owned();
    let p = app
        .authenticate_token(&secret)
        .expect("authenticate")
        .expect("a fresh token authenticates");
    assert_eq!(p.tenant_id, tid);
    // Looked up case-insensitively, kept as typed.
    assert_eq!(p.user.email, "Szefowa@Testowo.gov.pl");
    match &p.via {
        ratusz_app::accounts::Via::Token {
            token_id: id,
            scopes,
        } => {
            assert_eq!(id, &token_id);
            assert_eq!(scopes, &vec!["read".to_string(), "write".to_string()]);
        }
        other => panic!("{other:?}"),
    }
    let r = db.run(&["token", "list", "--tenant", "testowo"]);
    assert!(r.ok(), "{r}");
    assert!(
        r.stdout
            .contains(&format!("{token_id}\tci\tread write\tactive")),
        "{r}"
    );
    assert!(
        !r.stdout.contains(&secret),
        "the list never shows the secret"
    );

    // Another municipality cannot revoke it.
    let r = db.run(&[
        "token",
        "revoke",
        "--tenant",
        "przykladowo",
        "--id",
        &token_id,
    ]);
    assert!(!r.ok(), "{r}");
    assert!(app.authenticate_token(&secret).expect("auth").is_some());

    let r = db.run(&["token", "revoke", "--tenant", "testowo", "--id", &token_id]);
    assert!(r.ok(), "{r}");
    assert_eq!(r.stdout.trim(), format!("revoked {token_id}"));
    let r = db.run(&["token", "list", "--tenant", "testowo"]);
    assert!(
        r.stdout
            .contains(&format!("{token_id}\tci\tread write\trevoked")),
        "{r}"
    );
    // The CLI is another process, like another node: this App may keep the verified token for
    // up to TokenCache::TTL_US (1 s), never longer.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert!(
        app.authenticate_token(&secret).expect("auth").is_none(),
        "a revoked token still authenticates after the cache TTL"
    );
    // Revoking twice is refused.
    let r = db.run(&["token", "revoke", "--tenant", "testowo", "--id", &token_id]);
    assert!(!r.ok(), "{r}");

    let r = db.run(&[
        "token",
        "create",
        "--tenant",
        "testowo",
        "--email",
        "szefowa@testowo.gov.pl",
        "--scopes",
        "root",
    ]);
    assert!(!r.ok() && r.stderr.contains("scopes"), "{r}");
    assert!(r.stdout.is_empty(), "{r}");

    // Everything above is in the audit chain, intact.
    let r = db.run(&["audit", "verify"]);
    assert!(r.ok(), "{r}");
    assert!(r.stdout.contains(&format!("ok\t{tid}\t")), "{r}");
}

#[test]
fn jobs_run_drains_the_outbox() {
    let db = TestDb::new(Engine::Sqlite);
    let app = db.app();
    let demo = app.ensure_demo(&[]).expect("demo");
    app.request_password_reset(&demo.tenant_id, "jan.kowalski@example.pl")
        .expect("reset");
    let r = db.run(&["jobs", "run"]);
    assert!(r.ok(), "{r}");
    assert_eq!(r.stdout.trim(), "1 jobs run");
    let outbox = app.outbox(&demo.tenant_id, 10).expect("outbox");
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].status, ratusz_store::mail::HELD);
    let r = db.run(&["jobs", "run"]);
    assert_eq!(r.stdout.trim(), "0 jobs run", "{r}");

    // Held mail is queued again on request (after SMTP is configured), then held again here.
    let r = db.run(&["jobs", "release-held-mail"]);
    assert!(r.ok(), "{r}");
    assert_eq!(r.stdout.trim(), "1 held messages queued for sending");
    assert!(
        r.stderr.contains("SMTP"),
        "a note that SMTP is missing: {r}"
    );
    let outbox = app.outbox(&demo.tenant_id, 10).expect("outbox");
    assert_eq!(outbox[0].status, ratusz_store::mail::QUEUED);
    let r = db.run(&["jobs", "run"]);
    assert_eq!(r.stdout.trim(), "1 jobs run", "{r}");
    let outbox = app.outbox(&demo.tenant_id, 10).expect("outbox");
    assert_eq!(outbox[0].status, ratusz_store::mail::HELD);
}

#[test]
fn jobs_retry_dead_requeues_a_tenants_dead_jobs() {
    let db = TestDb::new(Engine::Sqlite);
    let app = db.app();
    let demo = app.ensure_demo(&[]).expect("demo");
    let now = app.now_ts();
    let id = app
        .store
        .write(|c| {
            ratusz_store::jobs::enqueue(
                c,
                &ratusz_store::jobs::NewJob {
                    tenant_id: &demo.tenant_id,
                    kind: "no_such_kind",
                    payload: "{}",
                    run_at: now,
                    max_attempts: 1,
                    idempotency_key: None,
                },
                now,
            )
        })
        .expect("enqueue");
    let r = db.run(&["jobs", "run"]);
    assert_eq!(r.stdout.trim(), "1 jobs run", "{r}");
    let status = |app: &ratusz_app::App| {
        app.store
            .read(|c| ratusz_store::jobs::get(c, &id))
            .expect("read")
            .expect("job")
            .status
    };
    assert_eq!(status(&app), ratusz_store::jobs::DEAD);
    let r = db.run(&["jobs", "retry-dead", "--tenant", "przykladowo"]);
    assert!(r.ok(), "{r}");
    assert_eq!(r.stdout.trim(), "1 dead jobs queued again");
    assert_eq!(status(&app), ratusz_store::jobs::QUEUED);
    let r = db.run(&["jobs", "retry-dead", "--tenant", "nieznana"]);
    assert!(!r.ok() && r.stderr.contains("nieznana"), "{r}");
}

// ------------------------------------------------------------------------------ configuration

fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

#[test]
fn database_url_comes_from_ratusz_toml_unless_the_environment_overrides_it() {
    let w = workdir();
    let from_toml = w.dir.join("from-toml.db");
    let from_env = w.dir.join("from-env.db");
    std::fs::write(
        w.dir.join("ratusz.toml"),
        format!("database_url = \"{}\"\n", sqlite_url(&from_toml)),
    )
    .expect("write ratusz.toml");
    let r = run_in(&w.dir, &["migrate"]);
    assert!(r.ok(), "{r}");
    assert!(
        from_toml.is_file(),
        "ratusz.toml's database_url was not used"
    );
    std::fs::remove_file(&from_toml).expect("rm");
    let r = run_cmd(
        ratusz_in(&w.dir)
            .arg("migrate")
            .env("RATUSZ_DATABASE_URL", sqlite_url(&from_env)),
        None,
    );
    assert!(r.ok(), "{r}");
    assert!(from_env.is_file(), "RATUSZ_DATABASE_URL was not used");
    assert!(
        !from_toml.exists(),
        "ratusz.toml won over RATUSZ_DATABASE_URL"
    );
}

#[test]
fn data_dir_comes_from_ratusz_toml_unless_the_environment_overrides_it() {
    let w = workdir();
    let toml_dir = w.dir.join("toml-data");
    let env_dir = w.dir.join("env-data");
    std::fs::write(
        w.dir.join("ratusz.toml"),
        format!("data_dir = \"{}\"\n", toml_dir.display()),
    )
    .expect("write ratusz.toml");
    let r = run_in(&w.dir, &["migrate"]);
    assert!(r.ok(), "{r}");
    assert!(toml_dir.join("ratusz.db").is_file());
    let r = run_cmd(
        ratusz_in(&w.dir)
            .arg("migrate")
            .env("RATUSZ_DATA_DIR", &env_dir),
        None,
    );
    assert!(r.ok(), "{r}");
    assert!(env_dir.join("ratusz.db").is_file());
    // Without any configuration the default is ./data.
    let bare = workdir();
    let r = run_in(&bare.dir, &["migrate"]);
    assert!(r.ok(), "{r}");
    assert!(bare.dir.join("data").join("ratusz.db").is_file());
}

#[test]
fn an_explicit_config_file_is_used_and_a_missing_one_refused() {
    let w = workdir();
    let db = w.dir.join("explicit.db");
    let cfg = w.dir.join("elsewhere.toml");
    std::fs::write(&cfg, format!("database_url = \"{}\"\n", sqlite_url(&db)))
        .expect("write config");
    let r = run_in(
        &w.dir,
        &["--config", cfg.to_str().expect("utf-8"), "migrate"],
    );
    assert!(r.ok(), "{r}");
    assert!(db.is_file());
    // RATUSZ_CONFIG does the same.
    std::fs::remove_file(&db).expect("rm");
    let r = run_cmd(
        ratusz_in(&w.dir).arg("migrate").env("RATUSZ_CONFIG", &cfg),
        None,
    );
    assert!(r.ok(), "{r}");
    assert!(db.is_file());
    let r = run_in(&w.dir, &["--config", "/nonexistent/ratusz.toml", "migrate"]);
    assert!(!r.ok(), "{r}");
    assert!(r.stderr.contains("/nonexistent/ratusz.toml"), "{r}");
    assert!(
        !w.dir.join("data").exists(),
        "a database was created anyway"
    );
}

#[test]
fn a_malformed_config_value_is_refused_with_its_name() {
    let w = workdir();
    std::fs::write(w.dir.join("ratusz.toml"), "pool_size = \"many\"\n").expect("write");
    let r = run_in(&w.dir, &["migrate"]);
    assert!(!r.ok(), "{r}");
    assert!(r.stderr.contains("pool_size"), "{r}");
}

#[test]
fn a_file_secret_supplies_a_setting() {
    // RATUSZ_DATABASE_URL_FILE: the URL is read from the file (the trailing newline dropped).
    let w = workdir();
    let target = w.dir.join("via-file.db");
    let secret = w.dir.join("database_url.secret");
    std::fs::write(&secret, format!("{}\n", sqlite_url(&target))).expect("write");
    let r = run_cmd(
        ratusz_in(&w.dir)
            .arg("migrate")
            .env("RATUSZ_DATABASE_URL_FILE", &secret),
        None,
    );
    assert!(r.ok(), "{r}");
    assert!(
        target.is_file(),
        "the URL from the _FILE secret was not used"
    );
    assert!(!w.dir.join("data").exists());
}

#[test]
fn the_smtp_password_can_come_from_a_file() {
    // The documented example (config.rs): RATUSZ_SMTP__PASSWORD_FILE=/run/secrets/smtp.
    let w = workdir();
    let secret = w.dir.join("smtp.secret");
    std::fs::write(&secret, "hasło-do-poczty\n").expect("write");
    let r = run_cmd(
        ratusz_in(&w.dir)
            .arg("migrate")
            .env("RATUSZ_SMTP__HOST", "127.0.0.1")
            .env("RATUSZ_SMTP__USERNAME", "ratusz")
            .env("RATUSZ_SMTP__PASSWORD_FILE", &secret),
        None,
    );
    assert!(
        r.ok(),
        "RATUSZ_SMTP__PASSWORD_FILE with an existing file must be accepted: {r}"
    );
    // The same with [smtp] in ratusz.toml.
    std::fs::write(
        w.dir.join("ratusz.toml"),
        "[smtp]\nhost = \"127.0.0.1\"\nusername = \"ratusz\"\n",
    )
    .expect("write ratusz.toml");
    let r = run_cmd(
        ratusz_in(&w.dir)
            .arg("migrate")
            .env("RATUSZ_SMTP__PASSWORD_FILE", &secret),
        None,
    );
    assert!(
        r.ok(),
        "RATUSZ_SMTP__PASSWORD_FILE next to [smtp] in ratusz.toml must be accepted: {r}"
    );
}

#[test]
fn a_missing_secret_file_fails_naming_the_variable() {
    let w = workdir();
    let r = run_cmd(
        ratusz_in(&w.dir)
            .arg("migrate")
            .env("RATUSZ_SMTP__HOST", "127.0.0.1")
            .env("RATUSZ_SMTP__PASSWORD_FILE", "/nonexistent/smtp-password"),
        None,
    );
    assert!(!r.ok(), "{r}");
    assert!(r.stderr.contains("RATUSZ_SMTP__PASSWORD_FILE"), "{r}");
    assert!(
        !w.dir.join("data").exists(),
        "a database was created anyway"
    );
}

/// Starts `ratusz serve` in `dir` and reports whether `/healthz` answers on `port` (and the
/// process is still running) — then kills it.
fn serve_answers_on(mut cmd: std::process::Command, port: u16, other_port: u16) -> (bool, bool) {
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut child = Kill(
        cmd.arg("serve")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn serve"),
    );
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let healthy = |p: u16| {
        http.get(format!("http://127.0.0.1:{p}/healthz"))
            .send()
            .is_ok_and(|r| r.status().is_success())
    };
    // A generous limit for a slow machine; not a measurement.
    let give_up = Instant::now() + Duration::from_secs(120);
    while Instant::now() < give_up {
        if child.0.try_wait().expect("try_wait").is_some() {
            return (false, false);
        }
        if healthy(port) {
            return (true, healthy(other_port));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    (false, healthy(other_port))
}

#[test]
fn listen_comes_from_ratusz_toml_unless_ratusz_listen_overrides_it() {
    let w = workdir();
    let (toml_port, env_port) = (free_port(), free_port());
    std::fs::write(
        w.dir.join("ratusz.toml"),
        format!("listen = \"127.0.0.1:{toml_port}\"\n"),
    )
    .expect("write ratusz.toml");
    let (on_toml, _) = serve_answers_on(ratusz_in(&w.dir), toml_port, env_port);
    assert!(
        on_toml,
        "ratusz serve did not listen where ratusz.toml says"
    );
    let mut cmd = ratusz_in(&w.dir);
    cmd.env("RATUSZ_LISTEN", format!("127.0.0.1:{env_port}"));
    let (on_env, also_on_toml) = serve_answers_on(cmd, env_port, toml_port);
    assert!(
        on_env,
        "ratusz serve did not listen where RATUSZ_LISTEN says"
    );
    assert!(
        !also_on_toml,
        "ratusz serve also listened on ratusz.toml's address"
    );
}

#[test]
fn an_integration_gets_a_token_under_its_own_name() {
    // `ratusz token create --integration` makes an account for a robot or external system: it
    // works only through the API, cannot sign in to the pages, and the audit log names it.
    let db = TestDb::new(Engine::Sqlite);
    assert!(db.run(&["migrate"]).ok());
    let app = ratusz_app::App::new(
        db.store(),
        std::sync::Arc::new(ratusz_core::clock::SystemClock),
        test_settings(),
    );
    let demo = app.ensure_demo(&[]).expect("demo");
    let r = db.run(&[
        "token",
        "create",
        "--tenant",
        "przykladowo",
        "--integration",
        "Robot KSeF",
    ]);
    assert!(!r.ok(), "a new integration needs a role: {r}");
    let r = db.run(&[
        "token",
        "create",
        "--tenant",
        "przykladowo",
        "--integration",
        "Robot KSeF",
        "--role",
        "clerk",
        "--unit",
        "FN",
        "--scopes",
        "read,write",
    ]);
    assert!(r.ok(), "{r}");
    let secret = r.stdout.trim().to_owned();
    let p = app
        .authenticate_token(&secret)
        .expect("auth")
        .expect("valid token");
    assert_eq!(p.user.kind, "integration");
    assert_eq!(p.user.display_name, "Robot KSeF");
    assert_eq!(p.grants.len(), 1);
    assert_eq!(p.grants[0].role, ratusz_core::roles::Role::Clerk);
    // A second token reuses the same integration account (no --role needed now).
    let r = db.run(&[
        "token",
        "create",
        "--tenant",
        "przykladowo",
        "--integration",
        "Robot KSeF",
    ]);
    assert!(r.ok(), "{r}");
    let again = app
        .authenticate_token(r.stdout.trim())
        .expect("auth")
        .expect("valid");
    assert_eq!(again.user.id, p.user.id);
    // It cannot sign in to the web pages: it has no password.
    let err = app
        .sign_in(&demo.tenant_id, &p.user.email, "", "127.0.0.1", None)
        .expect_err("no password sign-in");
    assert!(
        matches!(err, ratusz_app::AppError::BadCredentials),
        "{err:?}"
    );
    // An integration is never an administrator.
    let r = db.run(&[
        "token",
        "create",
        "--tenant",
        "przykladowo",
        "--integration",
        "Robot Admin",
        "--role",
        "admin",
    ]);
    assert!(!r.ok(), "{r}");
    assert!(r.stderr.contains("administrator"), "{r}");
}

#[test]
fn granting_a_unit_role_without_a_unit_is_refused() {
    let db = TestDb::new(Engine::Sqlite);
    assert!(db.run(&["migrate"]).ok());
    let app = ratusz_app::App::new(
        db.store(),
        std::sync::Arc::new(ratusz_core::clock::SystemClock),
        test_settings(),
    );
    app.ensure_demo(&[]).expect("demo");
    let args = [
        "user",
        "grant",
        "--tenant",
        "przykladowo",
        "--email",
        "kancelaria@przykladowo.gov.pl",
        "--role",
        "manager",
    ];
    let r = db.run(&args);
    assert!(!r.ok(), "{r}");
    assert!(r.stderr.contains("unit"), "{r}");
    let mut with_unit = args.to_vec();
    with_unit.extend(["--unit", "GK"]);
    let r = db.run(&with_unit);
    assert!(r.ok(), "{r}");
}
