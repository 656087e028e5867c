//! The AI intake end to end, with the real `pdftoppm` and `tesseract`: a scanned letter dropped
//! into the watched folder becomes an incoming item with its text, routed to the environment
//! unit (GK in the demo) with the reasons, the sender and PESEL read out, a case opened and a
//! confirmation of receipt drafted for approval; a letter citing a case sign joins that case;
//! the same file twice registers once; the robot's action is undone in one step; a broken file
//! ends as "needs manual reading" without blocking the queue.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::both_engines;
use crate::support::*;
use ratusz_app::intake::folder::WatchedFolder;

const REGISTRAR: &str = "kancelaria@przykladowo.gov.pl";

/// A valid PESEL (checksum and date) used only in tests.
const PESEL: &str = "44051401359";

fn folder_server(engine: Engine) -> (TestServer, WatchedFolder) {
    let dir = std::env::temp_dir().join(format!("ratusz-skaner-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("folder");
    let w = WatchedFolder {
        dir: dir.clone(),
        tenant: "przykladowo".into(),
    };
    let w2 = w.clone();
    let s = TestServer::start_custom(engine, ratusz_web::WebConfig::default(), move |st| {
        st.watched_folder = Some(w2);
    });
    (s, w)
}

/// Renders a resident's letter as a born-digital PDF with the crate's own letter renderer.
fn letter_pdf(sender: &[&str], title: &str, body: &str) -> Vec<u8> {
    let fonts = ratusz_documents::Fonts::system().expect("fonts (fonts-dejavu-core)");
    ratusz_documents::render_letter(
        &fonts,
        &ratusz_documents::LetterPdf {
            office_lines: sender.iter().map(|s| (*s).to_owned()).collect(),
            place_and_date: "Przykładowo, 16 listopada 2026 r.".into(),
            sign: String::new(),
            addressee_lines: vec![
                "Urząd Gminy Przykładowo".into(),
                "ul. Rynek 1".into(),
                "12-345 Przykładowo".into(),
            ],
            title: title.into(),
            body: body.into(),
            signature_lines: vec![sender[0].to_owned()],
            footer_lines: vec![],
            metadata_title: title.into(),
        },
    )
    .expect("render")
}

/// Scans a PDF the way a scanner would: rasterised (real `pdftoppm`), grey, no text layer.
fn scan(pdf: &[u8], dir: &Path) -> Vec<u8> {
    let src = dir.join("source.pdf");
    std::fs::write(&src, pdf).expect("write");
    let out = dir.join("page");
    let st = std::process::Command::new("pdftoppm")
        .args(["-r", "200", "-gray", "-singlefile"])
        .arg(&src)
        .arg(&out)
        .status()
        .expect("pdftoppm (poppler-utils) must be installed: scripts/install-deps.sh");
    assert!(st.success());
    let pgm = std::fs::read(out.with_extension("pgm")).expect("pgm");
    let page = ratusz_documents::GrayImage::from_pgm(&pgm).expect("page image");
    let pdf = ratusz_documents::render_scan_pdf(&[page], 200.0).expect("scan pdf");
    // The scan has no text layer: pdftotext finds nothing in it.
    let scanned = dir.join("scanned.pdf");
    std::fs::write(&scanned, &pdf).expect("write");
    let text = std::process::Command::new("pdftotext")
        .arg(&scanned)
        .arg("-")
        .output()
        .expect("pdftotext");
    assert!(text.status.success(), "our image-only PDF must be valid");
    assert!(
        String::from_utf8_lossy(&text.stdout).trim().is_empty(),
        "a scan has no text layer"
    );
    pdf
}

fn drop_file(w: &WatchedFolder, name: &str, bytes: &[u8]) -> PathBuf {
    let path = w.dir.join(name);
    std::fs::write(&path, bytes).expect("drop");
    path
}

fn item_of(s: &TestServer, id: &str) -> ratusz_app::store::registry::IncomingItemRow {
    s.app
        .store
        .read(|c| ratusz_app::store::registry::incoming(c, &s.demo_tenant, id))
        .expect("read")
        .expect("item")
}

fn intake_of(s: &TestServer, id: &str) -> ratusz_app::store::intake::IntakeRow {
    s.app
        .store
        .read(|c| ratusz_app::store::intake::intake(c, &s.demo_tenant, id))
        .expect("read")
        .expect("intake row")
}

fn gk(s: &TestServer) -> String {
    s.app
        .units(&s.demo_tenant)
        .expect("units")
        .into_iter()
        .find(|u| u.symbol == "GK")
        .expect("GK")
        .id
}

const TREE_LETTER: &str = "Zwracam się z wnioskiem o wydanie zezwolenia na usunięcie drzewa \
    gatunku lipa drobnolistna o obwodzie pnia 180 cm, rosnącego na mojej działce nr 123/4 \
    przy ul. Polnej 5. Drzewo jest chore i pochylone nad budynkiem mieszkalnym.\n\n\
    PESEL wnioskodawcy: 44051401359.\nTelefon: 601 234 567.";

both_engines!(
    a_scanned_letter_dropped_into_the_folder_is_read_routed_and_drafted,
    |engine| {
        let (s, w) = folder_server(engine);
        let work = w
            .dir
            .join("..")
            .join(format!("ratusz-scan-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&work).expect("work dir");
        let pdf = letter_pdf(
            &["Jan Kowalski", "ul. Polna 5", "12-345 Przykładowo"],
            "Wniosek o wydanie zezwolenia na usunięcie drzewa",
            TREE_LETTER,
        );
        let scanned = scan(&pdf, &work);
        drop_file(&w, "skan-0001.pdf", &scanned);

        let pass = s.app.scan_folder(&w, Duration::ZERO).expect("scan folder");
        assert_eq!(pass.registered.len(), 1, "{pass:?}");
        assert!(w.dir.join("przyjete").join("skan-0001.pdf").exists());
        let id = pass.registered[0].clone();
        assert_eq!(intake_of(&s, &id).status, "reading");
        s.app.drain_jobs("test").expect("jobs");

        let row = intake_of(&s, &id);
        let item = item_of(&s, &id);
        // Text from OCR, stored and searchable.
        let texts = s
            .app
            .store
            .read(|c| ratusz_app::store::intake::texts_of_item(c, &s.demo_tenant, &id))
            .expect("texts");
        assert_eq!(texts.len(), 1);
        assert_eq!(texts[0].method, "ocr");
        assert!(texts[0].problem.is_none(), "{:?}", texts[0].problem_detail);
        let confidence = texts[0].ocr_confidence.expect("OCR confidence");
        assert!((50..=100).contains(&confidence), "percent: {confidence}");
        let body = texts[0].body.to_lowercase();
        assert!(body.contains("usunięcie drzewa"), "OCR text: {body}");
        // Routed to the environment unit by itself, with the reason.
        assert_eq!(row.status, "assigned", "{}", row.suggestions);
        assert_eq!(item.unit_id.as_deref(), Some(gk(&s).as_str()));
        assert!(
            row.suggestions.contains("Usunięcie drzew"),
            "{}",
            row.suggestions
        );
        // Sender, PESEL and the heading read out and prefilled.
        assert_eq!(
            item.sender_name, "Jan Kowalski",
            "OCR text: {}",
            texts[0].body
        );
        assert!(
            item.sender_address.contains("Polna 5"),
            "{}",
            item.sender_address
        );
        assert_eq!(item.kind, "application");
        assert!(
            item.title.starts_with("Wniosek o wydanie zezwolenia"),
            "{}",
            item.title
        );
        assert!(row.facts.contains(PESEL), "{}", row.facts);
        // The case is opened under the tree-felling class with a draft awaiting approval.
        let case_id = item.case_id.clone().expect("the robot opened a case");
        let case = s
            .app
            .store
            .read(|c| ratusz_app::store::cases::get(c, &s.demo_tenant, &case_id))
            .expect("read")
            .expect("case");
        assert_eq!(case.class_symbol, "6131");
        assert!(case.sign.starts_with("GK.6131."), "{}", case.sign);
        let draft_id = row.draft_document_id.clone().expect("a draft");
        let draft = s
            .app
            .store
            .read(|c| ratusz_app::store::casefiles::get(c, &s.demo_tenant, &draft_id))
            .expect("read")
            .expect("draft");
        assert_eq!(draft.status, "draft");
        assert_eq!(draft.case_id.as_deref(), Some(case_id.as_str()));
        assert_eq!(draft.title, "Potwierdzenie wpływu wniosku");
        let generated = s
            .app
            .store
            .read(|c| {
                ratusz_app::store::intake::generated_among(
                    c,
                    &s.demo_tenant,
                    std::slice::from_ref(&draft_id),
                )
            })
            .expect("read");
        assert_eq!(generated.len(), 1, "the draft is marked as the robot's");

        // The registrar sees it all on the item's page and in the queue.
        let desk = s.staff(REGISTRAR);
        let page = desk.get(&format!("/panel/incoming/{id}"));
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Odczyt robota wpływu"), "{}", page.body);
        assert!(page.body.contains("przydzielone automatycznie"));
        assert!(page.body.contains("Usunięcie drzew"));
        assert!(page.body.contains(PESEL));
        // The text read by OCR is searchable ("drobnolistna" is only in the scan's text).
        let found = desk.get("/panel/search?q=drobnolistna");
        assert!(
            found.body.contains(&format!("/panel/incoming/{id}")),
            "{}",
            found.body
        );
        let queue = desk.get("/panel/intake");
        assert_eq!(queue.status, 200);
        assert!(queue.body.contains(&item.item_ref), "{}", queue.body);

        // The same scan dropped again registers nothing new.
        drop_file(&w, "skan-0001-ponownie.pdf", &scanned);
        let again = s.app.scan_folder(&w, Duration::ZERO).expect("scan folder");
        assert_eq!(again.registered.len(), 0, "{again:?}");
        assert_eq!(again.already_registered, 1);

        // A letter citing the case joins it, and its handler is told.
        let reply = format!(
            "Anna Nowak\nul. Lipowa 7\n12-345 Przykładowo\n\nDotyczy: znak sprawy {}\n\nW uzupełnieniu wniosku przesyłam zdjęcia drzewa i mapę działki.\n",
            case.sign
        );
        drop_file(&w, "uzupelnienie.txt", reply.as_bytes());
        let pass = s.app.scan_folder(&w, Duration::ZERO).expect("scan folder");
        assert_eq!(pass.registered.len(), 1, "{pass:?}");
        s.app.drain_jobs("test").expect("jobs");
        let second = item_of(&s, &pass.registered[0]);
        assert_eq!(second.case_id.as_deref(), Some(case_id.as_str()));
        let outbox = s.app.outbox(&s.demo_tenant, 50).expect("outbox");
        assert!(
            outbox
                .iter()
                .any(|m| m.subject == format!("Nowe pismo w sprawie {}", case.sign)),
            "the handler is told"
        );

        // Undo in one action: the case closes as opened by mistake, the item returns to the queue.
        let r = desk.submit("/panel/intake", &format!("/panel/intake/{id}/undo"), &[]);
        assert_eq!(r.status, 303, "{}", r.body);
        let row = intake_of(&s, &id);
        assert_eq!(row.status, "suggested");
        let item = item_of(&s, &id);
        assert_eq!(item.case_id, None);
        assert_eq!(item.unit_id, None);
        let case = s
            .app
            .store
            .read(|c| ratusz_app::store::cases::get(c, &s.demo_tenant, &case_id))
            .expect("read")
            .expect("case");
        assert_eq!(case.status, "closed");
        // Confirming the suggestion afterwards assigns it again, by a person.
        let r = desk.submit(
            &format!("/panel/incoming/{id}"),
            &format!("/panel/intake/{id}/confirm"),
            &[("back", "item")],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(intake_of(&s, &id).status, "confirmed");
        assert_eq!(item_of(&s, &id).unit_id.as_deref(), Some(gk(&s).as_str()));
        let _ = std::fs::remove_dir_all(&work);
        let _ = std::fs::remove_dir_all(&w.dir);
    }
);

both_engines!(
    a_broken_file_needs_manual_reading_and_does_not_block_the_queue,
    |engine| {
        let (s, w) = folder_server(engine);
        drop_file(
            &w,
            "a-uszkodzony.pdf",
            b"%PDF-1.7\n1 0 obj << /Type /Catalog broken",
        );
        drop_file(
            &w,
            "b-podatek.txt",
            "Jan Kowalski\nul. Polna 5\n12-345 Przykładowo\n\nWniosek o rozłożenie podatku od nieruchomości na raty.\n"
                .as_bytes(),
        );
        drop_file(&w, "c-obraz.exe", b"MZ\x90\x00not a document");
        let pass = s.app.scan_folder(&w, Duration::ZERO).expect("scan folder");
        assert_eq!(pass.registered.len(), 2, "{pass:?}");
        assert_eq!(pass.refused.len(), 1, "{pass:?}");
        assert!(w.dir.join("odrzucone").join("c-obraz.exe.txt").exists());
        s.app.drain_jobs("test").expect("jobs");
        let broken = intake_of(&s, &pass.registered[0]);
        assert_eq!(broken.status, "manual", "{}", broken.suggestions);
        assert!(broken.problem.is_some());
        assert!(!broken.problem_detail.is_empty());
        let tax = intake_of(&s, &pass.registered[1]);
        assert_ne!(
            tax.status, "reading",
            "the queue went on after the broken file"
        );
        assert!(tax.suggestions.contains("Podatki"), "{}", tax.suggestions);
        let _ = std::fs::remove_dir_all(&w.dir);
    }
);

/// The private Dovecot scripts/test.sh starts: `host:port:user:password`.
fn env_imap() -> Option<(String, u16, String, String)> {
    let v = match std::env::var("RATUSZ_TEST_IMAP")
        .ok()
        .filter(|v| !v.is_empty())
    {
        Some(v) => v,
        None if std::env::var("CI").is_ok_and(|v| v == "true") => panic!(
            "RATUSZ_TEST_IMAP is not set: scripts/test.sh starts a private Dovecot and sets it; \
             run the tests through scripts/test.sh"
        ),
        None => {
            eprintln!("RATUSZ_TEST_IMAP not set: IMAP test not run (scripts/test.sh sets it)");
            return None;
        }
    };
    let mut it = v.splitn(4, ':');
    let host = it.next()?.to_owned();
    let port = it.next()?.parse().ok()?;
    Some((host, port, it.next()?.to_owned(), it.next()?.to_owned()))
}

/// The test server's IMAPS port and the certificate to trust (`RATUSZ_TEST_IMAP_TLS`, set by
/// scripts/test.sh as `PORT:PATH`).
fn env_imap_tls() -> Option<(u16, std::path::PathBuf)> {
    let v = match std::env::var("RATUSZ_TEST_IMAP_TLS")
        .ok()
        .filter(|v| !v.is_empty())
    {
        Some(v) => v,
        None if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("RATUSZ_TEST_IMAP_TLS is not set: run the tests through scripts/test.sh")
        }
        None => {
            eprintln!("RATUSZ_TEST_IMAP_TLS not set: IMAP over TLS not tested");
            return None;
        }
    };
    let (port, path) = v.split_once(':')?;
    Some((port.parse().ok()?, path.into()))
}

/// A MIME message with a text body and attachments (name, media type, bytes).
fn mime(id: &str, subject: &str, body: &str, files: &[(&str, &str, Vec<u8>)]) -> Vec<u8> {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut m = format!(
        "From: \"Jan Kowalski\" <jan.kowalski@example.pl>\r\nTo: urzad@przykladowo.gov.pl\r\n\
         Message-ID: <{id}>\r\nSubject: {subject}\r\nDate: Mon, 23 Nov 2026 10:00:00 +0100\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"GRANICA\"\r\n\r\n\
         --GRANICA\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n"
    )
    .into_bytes();
    for (name, media, bytes) in files {
        m.extend_from_slice(
            format!(
                "--GRANICA\r\nContent-Type: {media}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
                b64.encode(bytes)
            )
            .as_bytes(),
        );
    }
    m.extend_from_slice(b"--GRANICA--\r\n");
    m
}

both_engines!(
    messages_in_the_office_mailbox_register_once_with_their_attachments,
    |engine| {
        let Some((host, port, user, password)) = env_imap() else {
            return;
        };
        // A mailbox folder of this test's own, so parallel tests do not see each other's mail.
        let folder = format!("test-{}", uuid::Uuid::now_v7().simple());
        let tcp = std::net::TcpStream::connect((host.as_str(), port)).expect("dovecot");
        let mut client = imap::Client::new(tcp);
        client.read_greeting().expect("greeting");
        let mut session = client
            .login(&user, &password)
            .map_err(|(e, _)| e)
            .expect("login");
        session.create(&folder).expect("create folder");
        let letter = letter_pdf(
            &["Jan Kowalski", "ul. Polna 5", "12-345 Przykładowo"],
            "Skarga na hałas",
            "Skarżę się na hałas z warsztatu przy ul. Polnej 7 w godzinach nocnych.",
        );
        let complaint = mime(
            "skarga-1@example.pl",
            "Skarga na hałas nocą",
            "Dzień dobry,\r\nw załączeniu skarga na hałas z warsztatu.\r\nJan Kowalski",
            &[
                ("skarga.pdf", "application/pdf", letter),
                (
                    "program.exe",
                    "application/octet-stream",
                    b"MZ\x90\x00binary".to_vec(),
                ),
            ],
        );
        let many: Vec<(String, Vec<u8>)> = (1..=55)
            .map(|n| {
                (
                    format!("zalacznik-{n:02}.txt"),
                    format!("Załącznik numer {n}.").into_bytes(),
                )
            })
            .collect();
        let many_refs: Vec<(&str, &str, Vec<u8>)> = many
            .iter()
            .map(|(n, b)| (n.as_str(), "text/plain", b.clone()))
            .collect();
        let petition = mime(
            "petycja-55@example.pl",
            "Petycja z podpisami",
            "Petycja w sprawie oświetlenia ulicy Lipowej, z listami podpisów w załącznikach.",
            &many_refs,
        );
        session.append(&folder, &complaint).expect("append");
        session.append(&folder, &petition).expect("append");
        let _ = session.logout();

        let s = TestServer::start(engine);
        let mailbox = ratusz_app::intake::mailbox::Mailbox {
            host,
            port,
            security: "none".into(),
            ca_file: None,
            username: user,
            password,
            mailbox: folder,
            tenant: "przykladowo".into(),
        };
        let pass = s.app.read_mailbox(&mailbox).expect("read mailbox");
        assert_eq!(pass.registered.len(), 2, "{pass:?}");
        s.app.drain_jobs("test").expect("jobs");

        let first = item_of(&s, &pass.registered[0]);
        assert_eq!(first.channel, "email");
        assert_eq!(first.sender_name, "Jan Kowalski");
        assert_eq!(first.sender_address, "jan.kowalski@example.pl");
        assert_eq!(first.title, "Skarga na hałas nocą");
        assert!(first.notes.contains("program.exe"), "{}", first.notes);
        let docs = s
            .app
            .store
            .read(|c| ratusz_app::store::casefiles::of_item(c, &s.demo_tenant, &first.id))
            .expect("docs");
        assert_eq!(docs.len(), 2, "the message and the PDF, not the program");
        let reading = intake_of(&s, &first.id);
        assert_ne!(reading.status, "reading");
        assert!(
            reading.suggestions.contains("complaint"),
            "{}",
            reading.suggestions
        );
        let texts = s
            .app
            .store
            .read(|c| ratusz_app::store::intake::texts_of_item(c, &s.demo_tenant, &first.id))
            .expect("texts");
        assert!(
            texts
                .iter()
                .any(|t| t.method == "email" && t.body.contains("warsztatu"))
        );
        assert!(
            texts
                .iter()
                .any(|t| t.method == "pdf_text" && t.body.contains("Polnej 7"))
        );

        // Fifty-five attachments: fifty kept, the rest named in the notes; the queue went on.
        let second = item_of(&s, &pass.registered[1]);
        let docs = s
            .app
            .store
            .read(|c| ratusz_app::store::casefiles::of_item(c, &s.demo_tenant, &second.id))
            .expect("docs");
        assert_eq!(docs.len(), 51);
        assert!(
            second
                .notes
                .contains("ma 55 załączników, pobrano pierwsze 50"),
            "{}",
            second.notes
        );
        assert_ne!(intake_of(&s, &second.id).status, "reading");

        // Reading the mailbox again registers nothing new.
        let again = s.app.read_mailbox(&mailbox).expect("read mailbox");
        assert_eq!(again.registered.len(), 0);
        assert_eq!(again.already_registered, 2);
    }
);

both_engines!(
    the_model_learns_from_the_registrars_assignments_and_votes_with_reasons,
    |engine| {
        let s = TestServer::start(engine);
        let token = s.token(&s.demo_tenant, REGISTRAR, &["write"]);
        let p = s
            .app
            .authenticate_token(&token)
            .expect("auth")
            .expect("principal");
        let units = s.app.units(&s.demo_tenant).expect("units");
        let unit = |sym: &str| {
            units
                .iter()
                .find(|u| u.symbol == sym)
                .expect("unit")
                .id
                .clone()
        };
        let (usc, or) = (unit("USC"), unit("OR"));
        // Too little history: no model, and the robot says so.
        assert!(
            s.app
                .train_intake_model(&s.demo_tenant, &ratusz_app::audit::Actor::cli())
                .expect("train")
                .is_none()
        );
        let topics = [
            (&usc, "Wniosek o wydanie odpisu aktu urodzenia syna"),
            (&usc, "Prośba o odpis zupełny aktu małżeństwa rodziców"),
            (&usc, "Zgłoszenie urodzenia dziecka w szpitalu"),
            (&or, "Zapytanie o godziny pracy urzędu i dyżury sekretarza"),
            (
                &or,
                "Prośba o udostępnienie sali narad na zebranie sołectwa",
            ),
            (
                &or,
                "Zaproszenie wójta na jubileusz koła gospodyń wiejskich",
            ),
        ];
        // Each unit's letters go into one case of its own JRWA class: the class model's labels.
        let (usc_class, or_class) = (
            crate::registry::leaf_class(&s, "14"),
            crate::registry::leaf_class(&s, "0"),
        );
        let usc_clerk = crate::registry::principal(&s, "usc@przykladowo.gov.pl");
        let or_clerk = crate::registry::principal(&s, "referent.or@przykladowo.gov.pl");
        let open = |clerk: &ratusz_app::accounts::Principal, unit_id: &str, class: &str| {
            s.app
                .open_case(
                    clerk,
                    &ratusz_app::cases::OpenCaseInput {
                        unit_id: unit_id.to_owned(),
                        class_symbol: class.to_owned(),
                        procedure_kind: "other".into(),
                        title: "Korespondencja".into(),
                        ..Default::default()
                    },
                )
                .expect("open case")
        };
        let usc_case = open(&usc_clerk, &usc, &usc_class);
        let or_case = open(&or_clerk, &or, &or_class);
        for round in 0..5 {
            for (unit_id, title) in &topics {
                let item = s
                    .app
                    .register_incoming(
                        &p,
                        &ratusz_app::registry::incoming::IncomingInput {
                            channel: "paper".into(),
                            kind: "letter".into(),
                            title: format!("{title} ({round})"),
                            sender_name: "Jan Kowalski".into(),
                            ..Default::default()
                        },
                        vec![],
                    )
                    .expect("register");
                s.app
                    .assign_item(
                        &p,
                        &item.id,
                        &ratusz_app::registry::assign::AssignInput {
                            unit_id: (*unit_id).clone(),
                            ..Default::default()
                        },
                    )
                    .expect("assign");
                let (clerk, case) = if **unit_id == usc {
                    (&usc_clerk, &usc_case)
                } else {
                    (&or_clerk, &or_case)
                };
                s.app.join_item(clerk, &item.id, &case.sign).expect("join");
            }
        }
        let trained = s
            .app
            .train_intake_model(&s.demo_tenant, &ratusz_app::audit::Actor::cli())
            .expect("train")
            .expect("a model");
        assert_eq!(trained.version, 1);
        assert!(trained.examples >= 30, "{trained:?}");
        assert_eq!(trained.labels, 2);
        // The model now routes a new letter about a birth certificate to the USC.
        let s1 = s
            .app
            .suggest(&s.demo_tenant, "Proszę o odpis aktu urodzenia")
            .expect("suggest");
        let u = s1.unit.expect("a unit suggestion");
        assert_eq!(u.value, usc);
        assert!(
            u.reasons
                .iter()
                .any(|r| r.source == ratusz_core::intake::route::Source::Model
                    && !r.evidence.is_empty()),
            "{:?}",
            u.reasons
        );
        // The class model learnt from the cases' classes and votes with the unit model.
        let c = s1.class.expect("a class suggestion");
        assert_eq!(c.value, usc_class);
        assert!(
            c.reasons
                .iter()
                .any(|r| r.source == ratusz_core::intake::route::Source::Model),
            "{:?}",
            c.reasons
        );
        // A second training is a new version; the admin sees both.
        let again = s
            .app
            .train_intake_model(&s.demo_tenant, &ratusz_app::audit::Actor::cli())
            .expect("train")
            .expect("a model");
        assert_eq!(again.version, 2);
        let admin = s.staff("admin@przykladowo.gov.pl");
        let page = admin.get("/panel/admin/intake");
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Makro-F1"), "{}", page.body);
        assert!(page.body.contains("klasę JRWA"), "{}", page.body);
    }
);

/// A tree-felling application that states all the demo rule requires.
const COMPLETE_TREE_LETTER: &str = "Anna Nowak\nul. Lipowa 7\n12-345 Przykładowo\n\nWniosek o wydanie zezwolenia na usunięcie drzewa\n\nWnoszę o usunięcie drzewa gatunku brzoza o obwodzie pnia 150 cm, rosnącego na działce nr 45/2, ponieważ jest obumarłe.\n";

/// The robot's drafts in a case, in the order written: (kind, title, addressee, body, status).
fn robot_drafts(s: &TestServer, case_id: &str) -> Vec<(String, String, String, String, String)> {
    s.app
        .store
        .read(|c| {
            let docs = ratusz_app::store::casefiles::of_case(c, &s.demo_tenant, case_id)?;
            let ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
            let generated = ratusz_app::store::intake::generated_among(c, &s.demo_tenant, &ids)?;
            let mut out = Vec::new();
            for d in docs
                .into_iter()
                .filter(|d| generated.iter().any(|(id, _)| *id == d.id))
            {
                let body = ratusz_app::store::casefiles::version(
                    c,
                    &s.demo_tenant,
                    &d.id,
                    d.current_version,
                )?
                .and_then(|v| v.text_content)
                .unwrap_or_default();
                out.push((
                    d.kind,
                    d.title,
                    d.addressee_name.unwrap_or_default(),
                    body,
                    d.status,
                ));
            }
            Ok::<_, ratusz_app::AppError>(out)
        })
        .expect("read")
}

/// Drops a text letter into the folder, lets the robot read it, and returns the item.
fn read_text_letter(
    s: &TestServer,
    w: &WatchedFolder,
    name: &str,
    text: &str,
) -> (
    ratusz_app::store::registry::IncomingItemRow,
    ratusz_app::store::intake::IntakeRow,
) {
    drop_file(w, name, text.as_bytes());
    let pass = s.app.scan_folder(w, Duration::ZERO).expect("scan folder");
    assert_eq!(pass.registered.len(), 1, "{pass:?}");
    s.app.drain_jobs("test").expect("jobs");
    let id = &pass.registered[0];
    (item_of(s, id), intake_of(s, id))
}

both_engines!(
    an_application_lacking_what_its_rule_requires_gets_a_deficiency_notice_draft,
    |engine| {
        let (s, w) = folder_server(engine);
        // The demo's tree rule requires the species, the trunk's girth, the place and the cause.
        let (item, row) = read_text_letter(
            &s,
            &w,
            "wniosek-wycinka.txt",
            // "Lipowa" in the sender's address is not the species ("lip*" is among its words).
            "Jan Kowalski\nul. Lipowa 5\n12-345 Przykładowo\n\nWniosek o wydanie zezwolenia na usunięcie drzewa\n\nProszę o zezwolenie na usunięcie drzewa, które rośnie przy moim domu.\n",
        );
        assert_eq!(row.status, "assigned", "{}", row.suggestions);
        assert!(
            row.suggestions.contains("obwód pnia"),
            "{}",
            row.suggestions
        );
        assert!(
            !row.suggestions.contains("podpis wnoszącego"),
            "paper needs no e-signature"
        );
        let case_id = item.case_id.clone().expect("a case");
        let drafts = robot_drafts(&s, &case_id);
        assert_eq!(drafts.len(), 1, "{drafts:?}");
        let (kind, title, addressee, body, status) = &drafts[0];
        assert_eq!(kind, "deficiency_notice");
        assert_eq!(title, "Wezwanie do usunięcia braków wniosku");
        assert_eq!(addressee, "Jan Kowalski");
        assert_eq!(status, "draft");
        for what in [
            "art. 64 § 2",
            "1) nazwa gatunku drzewa",
            "2) obwód pnia drzewa mierzony na wysokości 130 cm",
            "miejsce, w którym rośnie drzewo",
            "przyczyna usunięcia drzewa",
        ] {
            assert!(body.contains(what), "{what} in: {body}");
        }
        assert!(!body.contains("[do uzupełnienia]"), "{body}");
        // The registrar sees what is missing on the item's page.
        let page = s
            .staff(REGISTRAR)
            .get(&format!("/panel/incoming/{}", item.id));
        assert!(page.body.contains("W piśmie brakuje"), "{}", page.body);

        // A complete application gets the confirmation of receipt instead.
        let (item, _) = read_text_letter(&s, &w, "wniosek-pelny.txt", COMPLETE_TREE_LETTER);
        let drafts = robot_drafts(&s, &item.case_id.expect("a case"));
        assert_eq!(drafts.len(), 1, "{drafts:?}");
        assert_eq!(drafts[0].1, "Potwierdzenie wpływu wniosku");
        let _ = std::fs::remove_dir_all(&w.dir);
    }
);

both_engines!(
    an_application_by_plain_email_is_asked_for_a_signature,
    |engine| {
        let s = TestServer::start(engine);
        let desk = crate::registry::principal(&s, REGISTRAR);
        let letter = "Wnoszę o zezwolenie na usunięcie drzewa gatunku klon o obwodzie pnia 140 cm, \
            rosnącego na działce nr 7/1, ponieważ zagraża budynkowi.\n\nJan Kowalski";
        let input = ratusz_app::registry::incoming::IncomingInput {
            channel: "email".into(),
            kind: "application".into(),
            title: "Wniosek o usunięcie drzewa".into(),
            sender_name: "Jan Kowalski".into(),
            sender_address: "jan.kowalski@example.pl".into(),
            access_level: "internal".into(),
            ..Default::default()
        };
        let upload = |name: &str, bytes: &[u8]| ratusz_app::registry::upload::Upload {
            file_name: name.into(),
            bytes: bytes.to_vec(),
        };
        let item = s
            .app
            .register_incoming(
                &desk,
                &input,
                vec![upload("wiadomosc.txt", letter.as_bytes())],
            )
            .expect("register");
        s.app.drain_jobs("test").expect("jobs");
        let row = intake_of(&s, &item.id);
        assert!(
            row.suggestions.contains("podpis wnoszącego"),
            "{}",
            row.suggestions
        );
        let case_id = item_of(&s, &item.id).case_id.expect("a case");
        let drafts = robot_drafts(&s, &case_id);
        assert_eq!(drafts.len(), 1, "{drafts:?}");
        assert_eq!(drafts[0].0, "deficiency_notice");
        assert!(drafts[0].3.contains("art. 63 § 3a KPA"), "{}", drafts[0].3);

        // The same application with its signature (XAdES) is complete.
        let item = s
            .app
            .register_incoming(
                &desk,
                &input,
                vec![
                    upload(
                        "wiadomosc.txt",
                        letter.replace("7/1", "8/3").replace("klon", "jesion").as_bytes(),
                    ),
                    upload(
                        // Named plainly: the robot knows a XAdES signature by its content.
                        "wniosek.xml",
                        b"<?xml version=\"1.0\"?><ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo/></ds:Signature>",
                    ),
                ],
            )
            .expect("register");
        s.app.drain_jobs("test").expect("jobs");
        let row = intake_of(&s, &item.id);
        assert!(
            !row.suggestions.contains("podpis wnoszącego"),
            "{}",
            row.suggestions
        );
        let drafts = robot_drafts(&s, &item_of(&s, &item.id).case_id.expect("a case"));
        assert_eq!(drafts[0].1, "Potwierdzenie wpływu wniosku", "{drafts:?}");
    }
);

both_engines!(
    a_matter_of_another_authority_gets_the_forwarding_letter_and_the_applicants_notice,
    |engine| {
        let (s, w) = folder_server(engine);
        let (item, row) = read_text_letter(
            &s,
            &w,
            "prawo-jazdy.txt",
            "Jan Kowalski\nul. Polna 5\n12-345 Przykładowo\n\nWniosek o wydanie prawa jazdy\n\nProszę o wydanie prawa jazdy kategorii B. Egzamin zdałem 10 listopada 2026 r.\n",
        );
        assert_eq!(row.status, "assigned", "{}", row.suggestions);
        assert!(
            row.suggestions.contains("Starosta Przykładowski"),
            "{}",
            row.suggestions
        );
        let case_id = item.case_id.clone().expect("a case");
        let drafts = robot_drafts(&s, &case_id);
        assert_eq!(drafts.len(), 2, "{drafts:?}");
        let (_, title, addressee, body, _) = &drafts[0];
        assert_eq!(title, "Przekazanie podania według właściwości");
        assert_eq!(
            addressee, "Starosta Przykładowski",
            "the letter goes to the authority"
        );
        assert!(body.contains("art. 65 § 1"), "{body}");
        assert!(body.contains("(wnoszący: Jan Kowalski)"), "{body}");
        let (_, title, addressee, body, _) = &drafts[1];
        assert_eq!(
            title,
            "Zawiadomienie o przekazaniu podania według właściwości"
        );
        assert_eq!(addressee, "Jan Kowalski", "the applicant is told");
        assert!(
            body.contains("Starosta Przykładowski, Starostwo Powiatowe"),
            "{body}"
        );
        let page = s
            .staff(REGISTRAR)
            .get(&format!("/panel/incoming/{}", item.id));
        assert!(
            page.body.contains("nie należy do właściwości urzędu"),
            "{}",
            page.body
        );

        // Undo withdraws both of the robot's drafts with the case.
        let desk = s.staff(REGISTRAR);
        let r = desk.submit(
            "/panel/intake",
            &format!("/panel/intake/{}/undo", item.id),
            &[],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let drafts = robot_drafts(&s, &case_id);
        assert!(drafts.iter().all(|d| d.4 == "withdrawn"), "{drafts:?}");
        let _ = std::fs::remove_dir_all(&w.dir);
    }
);

both_engines!(
    a_case_near_its_deadline_gets_one_delay_notice_draft_the_handler_completes,
    |engine| {
        let (s, w) = folder_server(engine);
        let (item, _) = read_text_letter(&s, &w, "wniosek-pelny.txt", COMPLETE_TREE_LETTER);
        let case_id = item.case_id.clone().expect("a case");
        let delay_drafts = |s: &TestServer| {
            robot_drafts(s, &case_id)
                .into_iter()
                .filter(|d| d.0 == "delay_notice")
                .collect::<Vec<_>>()
        };
        // Far from its deadline the case gets nothing.
        s.app.delay_sweep().expect("sweep");
        assert!(delay_drafts(&s).is_empty());
        // Two days before it, the robot drafts the notice once and tells the handler.
        let today = s.app.clock.today_warsaw();
        let due = today + time::Duration::days(2);
        s.app
            .store
            .write(|c| {
                let mut case =
                    ratusz_app::store::cases::get(c, &s.demo_tenant, &case_id)?.expect("case");
                case.due_date = Some(due.to_string());
                ratusz_app::store::cases::update(c, &case)
            })
            .expect("set the deadline");
        assert!(s.app.delay_sweep().expect("sweep") >= 1);
        s.app.delay_sweep().expect("sweep");
        let delay = delay_drafts(&s);
        assert_eq!(delay.len(), 1, "once per deadline: {delay:?}");
        assert_eq!(
            delay[0].1,
            "Zawiadomienie o niezałatwieniu sprawy w terminie"
        );
        assert!(delay[0].3.contains("art. 36 § 1"), "{}", delay[0].3);
        assert!(
            delay[0].3.contains("Przyczyna zwłoki: [do uzupełnienia]"),
            "{}",
            delay[0].3
        );
        let case = s
            .app
            .store
            .read(|c| ratusz_app::store::cases::get(c, &s.demo_tenant, &case_id))
            .expect("read")
            .expect("case");
        let outbox = s.app.outbox(&s.demo_tenant, 50).expect("outbox");
        assert!(
            outbox.iter().any(|m| m
                .subject
                .starts_with(&format!("Termin sprawy {} mija", case.sign))),
            "the handler is told"
        );
        // The draft cannot go for approval while it holds the marks.
        let handler_id = case.handler_id.clone().expect("handler");
        let manager = "kierownik.gk@przykladowo.gov.pl";
        assert_eq!(
            s.app
                .user_by_email(&s.demo_tenant, manager)
                .expect("user")
                .map(|u| u.id),
            Some(handler_id.clone()),
            "the robot's case goes to the unit's manager"
        );
        let handler = crate::registry::principal(&s, manager);
        let doc_id = s
            .app
            .store
            .read(|c| ratusz_app::store::casefiles::of_case(c, &s.demo_tenant, &case_id))
            .expect("docs")
            .into_iter()
            .find(|d| d.kind == "delay_notice")
            .expect("delay notice")
            .id;
        let err = s
            .app
            .submit_for_approval(&handler, &doc_id, std::slice::from_ref(&handler_id), true)
            .unwrap_err();
        assert!(
            matches!(&err, ratusz_app::AppError::Invalid(e) if e[0].code == "unfilled"),
            "{err:?}"
        );
        // Extending the deadline with a reason replaces the robot's draft with a complete one.
        // (The term in force is recomputed from the start of the case: a month and more.)
        let later = (today + time::Duration::days(70)).to_string();
        let notice = s
            .app
            .extend_deadline(&handler, &case_id, &later, "Oczekiwanie na opinię RDOŚ")
            .expect("extend");
        let delay = delay_drafts(&s);
        assert!(delay.iter().all(|d| d.4 == "withdrawn"), "{delay:?}");
        assert_eq!(notice.status, "draft");
        let _ = std::fs::remove_dir_all(&w.dir);
    }
);

both_engines!(
    the_mailbox_is_read_over_imaps_and_starttls_trusting_the_offices_certificate,
    |engine| {
        let (Some((host, port, user, password)), Some((imaps_port, ca))) =
            (env_imap(), env_imap_tls())
        else {
            return;
        };
        let folder = format!("tls-{}", uuid::Uuid::now_v7().simple());
        let tcp = std::net::TcpStream::connect((host.as_str(), port)).expect("dovecot");
        let mut client = imap::Client::new(tcp);
        client.read_greeting().expect("greeting");
        let mut session = client
            .login(&user, &password)
            .map_err(|(e, _)| e)
            .expect("login");
        session.create(&folder).expect("create folder");
        let append = |session: &mut imap::Session<std::net::TcpStream>, id: &str| {
            let m = mime(
                id,
                "Wniosek",
                "Proszę o informację o godzinach pracy urzędu.",
                &[],
            );
            session.append(&folder, &m).expect("append");
        };
        append(&mut session, &format!("starttls-{folder}@example.pl"));

        let s = TestServer::start(engine);
        // The server's certificate is self-signed for "localhost": trusted only as the office's.
        let mailbox = |security: &str, port: u16, ca_file: Option<std::path::PathBuf>| {
            ratusz_app::intake::mailbox::Mailbox {
                host: "localhost".into(),
                port,
                security: security.into(),
                ca_file,
                username: user.clone(),
                password: password.clone(),
                mailbox: folder.clone(),
                tenant: "przykladowo".into(),
            }
        };
        let err = s
            .app
            .read_mailbox(&mailbox("starttls", port, None))
            .unwrap_err();
        assert!(
            matches!(&err, ratusz_app::AppError::Unavailable(m) if m.starts_with("IMAP:")),
            "an untrusted certificate is refused: {err:?}"
        );
        let pass = s
            .app
            .read_mailbox(&mailbox("starttls", port, Some(ca.clone())))
            .expect("STARTTLS");
        assert_eq!(pass.registered.len(), 1, "{pass:?}");

        append(&mut session, &format!("imaps-{folder}@example.pl"));
        let _ = session.logout();
        let pass = s
            .app
            .read_mailbox(&mailbox("tls", imaps_port, Some(ca)))
            .expect("IMAPS");
        assert_eq!(pass.registered.len(), 1, "{pass:?}");
        assert_eq!(pass.already_registered, 1, "{pass:?}");
    }
);

/// `pdf` encrypted (RC4, 128 bits) with a user password, as a resident's protected PDF is.
fn encrypted(pdf: &[u8]) -> Vec<u8> {
    use lopdf::{EncryptionState, EncryptionVersion, Object, Permissions};
    let mut doc = lopdf::Document::load_mem(pdf).expect("load PDF");
    // The key derivation needs the file identifier, which our renderer leaves out.
    let id = Object::string_literal(b"ratusz-intake-0001".to_vec());
    doc.trailer.set("ID", vec![id.clone(), id]);
    let version = EncryptionVersion::V2 {
        document: &doc,
        owner_password: "wlasciciel",
        user_password: "tajne",
        key_length: 128,
        permissions: Permissions::all(),
    };
    let state = EncryptionState::try_from(version).expect("encryption state");
    doc.encrypt(&state).expect("encrypt");
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

/// A DOCX whose document part inflates from about 64 KiB to 64 MiB.
fn docx_bomb() -> Vec<u8> {
    use std::io::Write as _;
    use zip::write::SimpleFileOptions;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    writer
        .start_file("word/document.xml", options)
        .expect("entry");
    writer
        .write_all(&vec![b' '; 64 * 1024 * 1024])
        .expect("write");
    writer.finish().expect("zip").into_inner()
}

/// A PNG claiming `width` × `height` pixels: the signature and the IHDR chunk only.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(b"IHDR");
    png.extend_from_slice(&width.to_be_bytes());
    png.extend_from_slice(&height.to_be_bytes());
    png.extend_from_slice(&[8, 0, 0, 0, 0, 0, 0, 0, 0]);
    png
}

both_engines!(
    each_hostile_or_unreadable_file_ends_as_an_item_with_its_reason,
    |engine| {
        let (s, w) = folder_server(engine);
        let letter = letter_pdf(
            &["Jan Kowalski", "ul. Polna 5", "12-345 Przykładowo"],
            "Wniosek o wydanie zaświadczenia",
            "Proszę o wydanie zaświadczenia o niezaleganiu w podatkach lokalnych.",
        );
        let white = ratusz_documents::GrayImage::white(1240, 1754);
        let files: Vec<(&str, Vec<u8>, &str, &str)> =
            vec![
            ("1-zaszyfrowany.pdf", encrypted(&letter), "encrypted", "PDF zaszyfrowany"),
            ("2-bomba.docx", docx_bomb(), "zip_bomb", "podejrzane archiwum"),
            ("3-ogromny.png", png_header(20_000, 20_000), "too_large", "20000 × 20000"),
            (
                "4-pusty-skan.pdf",
                ratusz_documents::render_scan_pdf(&[white], 150.0).expect("scan"),
                "empty_scan",
                "skan bez rozpoznawalnego tekstu",
            ),
            (
                "5-po-angielsku.txt",
                b"Dear Sir or Madam, I am writing to ask whether the municipality would accept \
                  my application for a permit to remove two trees from my garden. The trees are \
                  old and they are leaning over the house. Kind regards."
                    .to_vec(),
                "not_polish",
                "nie jest po polsku",
            ),
        ];
        for (name, bytes, ..) in &files {
            drop_file(&w, name, bytes);
        }
        let pass = s.app.scan_folder(&w, Duration::ZERO).expect("scan folder");
        assert_eq!(pass.registered.len(), files.len(), "{pass:?}");
        s.app.drain_jobs("test").expect("jobs");
        let desk = s.staff(REGISTRAR);
        for (id, (name, _, code, reason)) in pass.registered.iter().zip(&files) {
            let row = intake_of(&s, id);
            assert_eq!(row.status, "manual", "{name}: {}", row.suggestions);
            assert_eq!(row.problem.as_deref(), Some(*code), "{name}");
            assert!(
                row.problem_detail.contains(reason),
                "{name}: {}",
                row.problem_detail
            );
            // The registry desk sees the reason on the item's page.
            let page = desk.get(&format!("/panel/incoming/{id}"));
            assert!(
                page.body.contains(&row.problem_detail),
                "{name}: {}",
                page.body
            );
        }
        let _ = std::fs::remove_dir_all(&w.dir);
    }
);
