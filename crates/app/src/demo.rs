//! The demo municipality "Gmina Przykładowo": units, staff and residents for training and for the
//! browser tests. The credentials are public on purpose (README); never use them in production.

use ratusz_core::roles::{AccountKind, Role};
use ratusz_store::accounts::UserRow;
use ratusz_store::tenants::TenantRow;

use crate::accounts::{NewStaff, insert_resident, new_user};
use crate::audit::Actor;
use crate::{App, AppError};

pub const SLUG: &str = "przykladowo";
pub const NAME: &str = "Gmina Przykładowo";
pub const STAFF_PASSWORD: &str = "Demo-Ratusz-2026!";
pub const RESIDENT_PASSWORD: &str = "Demo-Mieszkaniec-2026!";
/// The TOTP secret every demo staff account is enrolled with; add it to an authenticator app.
pub const STAFF_TOTP_SECRET: &str = "RATUSZDEMOPRZYKLADOWOSECRET23456";

/// Units of the demo office: (symbol, name).
pub const UNITS: [(&str, &str); 5] = [
    ("OR", "Wydział Organizacyjny"),
    ("FN", "Wydział Finansowy"),
    ("GK", "Wydział Gospodarki Komunalnej"),
    ("USC", "Urząd Stanu Cywilnego"),
    ("OŚ", "Referat Ochrony Środowiska"),
];

/// Staff: (e-mail, name, role, unit symbol).
pub const STAFF: [(&str, &str, Role, Option<&str>); 6] = [
    (
        "admin@przykladowo.gov.pl",
        "Adam Administrator",
        Role::Admin,
        None,
    ),
    (
        "kancelaria@przykladowo.gov.pl",
        "Krystyna Kancelaryjna",
        Role::Registrar,
        None,
    ),
    (
        "kierownik.gk@przykladowo.gov.pl",
        "Marek Kierownik",
        Role::Manager,
        Some("GK"),
    ),
    (
        "referent.gk@przykladowo.gov.pl",
        "Ewa Referent",
        Role::Clerk,
        Some("GK"),
    ),
    (
        "referent.or@przykladowo.gov.pl",
        "Piotr Urzędnik",
        Role::Clerk,
        Some("OR"),
    ),
    (
        "usc@przykladowo.gov.pl",
        "Zofia Stanu-Cywilnego",
        Role::Clerk,
        Some("USC"),
    ),
];

/// Residents: (e-mail, name).
pub const RESIDENTS: [(&str, &str); 2] = [
    ("jan.kowalski@example.pl", "Jan Kowalski"),
    ("anna.nowak@example.pl", "Anna Nowak"),
];

impl App {
    /// Creates the demo municipality, or returns it unchanged if it exists.
    pub fn ensure_demo(&self, hosts: &[String]) -> Result<TenantRow, AppError> {
        if let Some(t) = self.tenant_by_slug(SLUG)? {
            self.ensure_demo_registry(&t)?;
            return self.tenant_by_slug(SLUG)?.ok_or(AppError::NotFound);
        }
        let actor = Actor::Cli {
            label: "demo-seed".into(),
        };
        let tenant = self.create_tenant(SLUG, NAME, hosts, &actor)?;
        let mut unit_ids = Vec::new();
        for (symbol, name) in UNITS {
            let u = self.create_unit(&tenant.tenant_id, symbol, name, &actor)?;
            unit_ids.push((symbol, u.id));
        }
        for (email, name, role, unit) in STAFF {
            let unit_id = unit.and_then(|s| {
                unit_ids
                    .iter()
                    .find(|(sym, _)| *sym == s)
                    .map(|(_, id)| id.clone())
            });
            self.create_staff(
                &tenant.tenant_id,
                &NewStaff {
                    email: email.into(),
                    display_name: name.into(),
                    password: STAFF_PASSWORD.into(),
                    role,
                    unit_id,
                    totp_secret: Some(STAFF_TOTP_SECRET.into()),
                },
                &actor,
            )?;
        }
        let hash = self.hash_password(RESIDENT_PASSWORD)?;
        let now = self.now_ts();
        self.store.write(|conn| {
            for (email, name) in RESIDENTS {
                let user = UserRow {
                    email_verified_at: Some(now),
                    ..new_user(
                        &tenant.tenant_id,
                        AccountKind::Resident,
                        email,
                        email,
                        name,
                        Some(hash.clone()),
                        now,
                    )
                };
                insert_resident(conn, &user, now)?;
                crate::audit::record(
                    conn,
                    &tenant.tenant_id,
                    &actor,
                    "user.create",
                    ("user", Some(&user.id)),
                    serde_json::json!({ "email": email, "kind": "resident" }),
                    now,
                )?;
            }
            Ok::<_, AppError>(())
        })?;
        self.ensure_demo_registry(&tenant)?;
        self.tenant_by_slug(SLUG)?.ok_or(AppError::NotFound)
    }

    /// The registry part of the demo: letterhead, the file plan and letter templates. Added to a
    /// demo created by an older version, too.
    pub fn ensure_demo_registry(&self, tenant: &TenantRow) -> Result<(), AppError> {
        let actor = Actor::Cli {
            label: "demo-seed".into(),
        };
        let mut settings: serde_json::Value =
            serde_json::from_str(&tenant.settings).unwrap_or_else(|_| serde_json::json!({}));
        if settings.get("office_name").is_none()
            && let Some(obj) = settings.as_object_mut()
        {
            obj.insert("office_name".into(), "Urząd Gminy Przykładowo".into());
            obj.insert("place".into(), "Przykładowo".into());
            obj.insert("address".into(), "ul. Rynek 1\n12-345 Przykładowo".into());
            let text = settings.to_string();
            self.store.write(|c| {
                ratusz_store::tenants::set_settings(c, &tenant.tenant_id, &text)?;
                Ok::<_, AppError>(())
            })?;
        }
        if crate::accessibility::of_settings(
            &self
                .store
                .read(|c| ratusz_store::tenants::tenant(c, &tenant.tenant_id))?
                .settings,
        ) == crate::accessibility::Accessibility::default()
        {
            self.set_demo_accessibility(&tenant.tenant_id)?;
        }
        if self.file_classes(&tenant.tenant_id)?.is_empty() {
            self.import_file_plan_as(
                &tenant.tenant_id,
                &actor,
                crate::registry::file_plan::DEMO_FILE_PLAN_CSV.as_bytes(),
            )?;
        }
        // Templates added to the demo later reach demos created before, by name.
        let have: Vec<String> = self
            .letter_templates(&tenant.tenant_id)?
            .into_iter()
            .map(|t| t.name)
            .collect();
        {
            for (name, kind, title, body) in DEMO_TEMPLATES
                .iter()
                .filter(|(name, ..)| !have.iter().any(|h| h == name))
            {
                self.create_template_as(
                    &tenant.tenant_id,
                    &actor,
                    None,
                    &crate::casefiles::templates::TemplateInput {
                        name: (*name).into(),
                        kind: (*kind).into(),
                        title: (*title).into(),
                        body: (*body).into(),
                    },
                )?;
            }
        }
        self.ensure_demo_intake_rules(&tenant.tenant_id, &actor)?;
        // The demo office's address register (for alert subscriptions by address).
        if self.store.read(|c| {
            Ok::<_, AppError>(ratusz_store::alerts::count_points(c, &tenant.tenant_id)?)
        })? == 0
        {
            self.import_address_points(&tenant.tenant_id, &actor, DEMO_ADDRESSES)?;
        }
        if self.services(&tenant.tenant_id, "", true)?.is_empty() {
            for (_, source) in ratusz_core::eservices::DEMO_SERVICES {
                self.import_service_as(&tenant.tenant_id, &actor, source)?;
            }
        }
        Ok(())
    }
}

impl App {
    /// The demo office's accessibility statement (what a real office fills in).
    fn set_demo_accessibility(&self, tenant_id: &str) -> Result<(), AppError> {
        let a = crate::accessibility::Accessibility {
            published: "2026-01-15".into(),
            updated: "2026-11-20".into(),
            prepared: "2026-03-31".into(),
            reviewed: "2026-11-20".into(),
            contact_name: "Anna Dostępna, sekretarz gminy".into(),
            contact_email: "dostepnosc@przykladowo.gov.pl".into(),
            contact_phone: "+48 12 345 67 89".into(),
            architecture:
                "Urząd mieści się w budynku przy ul. Rynek 1. Do wejścia głównego prowadzi \
                pochylnia; drzwi otwierają się automatycznie. Biuro obsługi interesantów jest na \
                parterze, przy wejściu. Na parkingu przed urzędem są dwa miejsca dla osób z \
                niepełnosprawnościami. Do budynku można wejść z psem asystującym."
                    .into(),
            ..crate::accessibility::Accessibility::default()
        };
        let a = crate::accessibility::validate(&a)?;
        self.store.write(|c| {
            let t = ratusz_store::tenants::tenant(c, tenant_id)?;
            let mut settings: serde_json::Value =
                serde_json::from_str(&t.settings).unwrap_or_else(|_| serde_json::json!({}));
            if let Some(obj) = settings.as_object_mut() {
                obj.insert(
                    "accessibility".into(),
                    serde_json::to_value(&a).map_err(|e| AppError::Internal(e.to_string()))?,
                );
            }
            ratusz_store::tenants::set_settings(c, tenant_id, &settings.to_string())?;
            Ok::<_, AppError>(())
        })
    }
}

/// The demo municipality's address register: three localities, 86 address points (made up,
/// near Kraków), in the CSV form `import_address_points` reads.
pub const DEMO_ADDRESSES: &str = include_str!("alerts/demo-addresses.csv");

/// Letter templates of the demo office: (name, document kind, title, body).
pub const DEMO_TEMPLATES: [(&str, &str, &str, &str); 9] = [
    (
        "Potwierdzenie wpływu",
        "letter",
        "Potwierdzenie wpływu wniosku",
        "Szanowni Państwo,\n\npotwierdzam, że Państwa pismo w sprawie: {{tytul_sprawy}}, wpłynęło do urzędu {{data_wplywu}}. Sprawa otrzymała znak {{znak_sprawy}}; prosimy powoływać się na niego w dalszej korespondencji.\n\nSprawę prowadzi {{komorka}}. Zgodnie z Kodeksem postępowania administracyjnego sprawa powinna zostać załatwiona do {{termin}}.\n\nZ poważaniem",
    ),
    (
        "Odpowiedź na pismo",
        "letter",
        "Odpowiedź na pismo w sprawie: {{tytul_sprawy}}",
        "Szanowni Państwo,\n\nw odpowiedzi na pismo, które wpłynęło do urzędu {{data_wplywu}}, w sprawie: {{tytul_sprawy}}, uprzejmie informuję, że sprawa została rozpatrzona.\n\n[Tu wpisz treść odpowiedzi.]\n\nW razie pytań prosimy o kontakt: {{komorka}}, {{prowadzacy}}.\n\nZ poważaniem",
    ),
    (
        "Zezwolenie na zajęcie pasa drogowego",
        "decision",
        "Decyzja w sprawie zajęcia pasa drogowego",
        "DECYZJA\n\nNa podstawie art. 40 ust. 1 ustawy z dnia 21 marca 1985 r. o drogach publicznych oraz art. 104 Kodeksu postępowania administracyjnego, po rozpatrzeniu wniosku z dnia {{data_wplywu}} złożonego przez {{adresat}}\n\norzekam\n\nzezwolić na zajęcie pasa drogowego [miejsce, cel, okres].\n\nUZASADNIENIE\n\n[Tu wpisz uzasadnienie.]\n\n POUCZENIE\n\nOd decyzji przysługuje odwołanie do Samorządowego Kolegium Odwoławczego za pośrednictwem {{urzad}} w terminie 14 dni od dnia jej doręczenia.",
    ),
    (
        "Zezwolenie na usunięcie drzew",
        "decision",
        "Decyzja w sprawie zezwolenia na usunięcie drzew",
        "DECYZJA\n\nNa podstawie art. 83 ust. 1 i art. 83a ust. 1 ustawy z dnia 16 kwietnia 2004 r. o ochronie przyrody oraz art. 104 Kodeksu postępowania administracyjnego, po rozpatrzeniu wniosku z dnia {{data_wplywu}} złożonego przez {{adresat}}\n\norzekam\n\nzezwolić na usunięcie [liczba, gatunek i obwód pnia drzew] rosnących na nieruchomości [adres, numer działki], w terminie do [data].\n\nUZASADNIENIE\n\n[Tu wpisz uzasadnienie.]\n\nPOUCZENIE\n\nOd decyzji przysługuje odwołanie do Samorządowego Kolegium Odwoławczego za pośrednictwem {{urzad}} w terminie 14 dni od dnia jej doręczenia.",
    ),
    (
        "Zaświadczenie",
        "certificate",
        "Zaświadczenie",
        "Na podstawie art. 217 Kodeksu postępowania administracyjnego, na wniosek {{adresat}} z dnia {{data_wplywu}}, zaświadcza się, że [treść zaświadczenia].\n\nZaświadczenie wydaje się w celu [cel].",
    ),
    (
        "Wezwanie do usunięcia braków",
        "deficiency_notice",
        "Wezwanie do usunięcia braków wniosku",
        "Na podstawie art. 64 § 2 Kodeksu postępowania administracyjnego wzywam do usunięcia braków wniosku z dnia {{data_wplywu}} w sprawie: {{tytul_sprawy}} (znak {{znak_sprawy}}), w terminie 7 dni od dnia doręczenia niniejszego wezwania, przez uzupełnienie:\n\n{{braki}}\n\nPouczenie: nieusunięcie braków w wyznaczonym terminie spowoduje pozostawienie wniosku bez rozpoznania (art. 64 § 2 KPA). Do czasu usunięcia braków bieg terminu załatwienia sprawy nie rozpoczyna się.\n\nZ poważaniem",
    ),
    (
        "Przekazanie według właściwości",
        "letter",
        "Przekazanie podania według właściwości",
        "Na podstawie art. 65 § 1 Kodeksu postępowania administracyjnego przekazuję według właściwości podanie w sprawie: {{tytul_sprawy}}, które wpłynęło do urzędu {{data_wplywu}} (wnoszący: {{wnoszacy}}). Sprawa nie należy do właściwości gminy.\n\nPodanie wniesione do organu niewłaściwego przed upływem terminu uważa się za wniesione z zachowaniem terminu (art. 65 § 2 KPA).\n\nZałącznik: podanie wraz z załącznikami.\n\nDo wiadomości: {{wnoszacy}}.\n\nZ poważaniem",
    ),
    (
        "Zawiadomienie o przekazaniu podania",
        "letter",
        "Zawiadomienie o przekazaniu podania według właściwości",
        "Szanowni Państwo,\n\nna podstawie art. 65 § 1 Kodeksu postępowania administracyjnego zawiadamiam, że Państwa podanie z dnia {{data_wplywu}} w sprawie: {{tytul_sprawy}} zostało przekazane według właściwości do: {{organ_wlasciwy}}, {{adres_organu}}, ponieważ sprawa nie należy do właściwości gminy. Dalszą korespondencję w tej sprawie prosimy kierować do tego organu.\n\nZ poważaniem",
    ),
    (
        "Zawiadomienie o zwłoce",
        "delay_notice",
        "Zawiadomienie o niezałatwieniu sprawy w terminie",
        "Na podstawie art. 36 § 1 Kodeksu postępowania administracyjnego zawiadamiam, że sprawa: {{tytul_sprawy}} (znak {{znak_sprawy}}) nie zostanie załatwiona w terminie do {{termin}}.\n\nPrzyczyna zwłoki: {{przyczyna_zwloki}}\n\nNowy termin załatwienia sprawy: {{nowy_termin}}.\n\nPouczenie: na niezałatwienie sprawy w terminie stronie przysługuje ponaglenie (art. 37 § 1 KPA), wnoszone za pośrednictwem organu prowadzącego postępowanie.\n\nZ poważaniem",
    ),
];

/// Routing rules of the demo office: (name, match kind, pattern, unit symbol, class, procedure,
/// item kind, weight %, competent authority (name, address), required elements).
type DemoRule = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    i32,
    Option<(&'static str, &'static str)>,
    &'static str,
);

/// What an application to remove a tree must state (ustawa o ochronie przyrody, art. 83b
/// ust. 1), as words the robot looks for.
const TREE_REQUIRED: &str = "nazwa gatunku drzewa: gatunk*, lip*, dąb, dęb*, brzoz*, klon*, sosn*, świerk*, topol*, wierzb*, jesion*, kasztanowc*, orzech*, jabło*, grusz*, czereśni*, wiśni*\n\
obwód pnia drzewa mierzony na wysokości 130 cm: obwod*, obwód\n\
miejsce, w którym rośnie drzewo (numer działki, rysunek albo mapa): dział*, rysun*, map*, szkic*\n\
przyczyna usunięcia drzewa: przyczyn*, chor*, zagraż*, zagroż*, obumar*, posusz*, budow*, uszkodz*, pochylon*";

const DEMO_RULES: [DemoRule; 6] = [
    (
        "Usunięcie drzew",
        "fuzzy",
        "usunięcie drzew*",
        "GK",
        Some("6131"),
        Some("administrative"),
        Some("application"),
        90,
        None,
        TREE_REQUIRED,
    ),
    (
        "Wycinka drzew",
        "fuzzy",
        "wycinkę drzew*",
        "GK",
        Some("6131"),
        Some("administrative"),
        Some("application"),
        90,
        None,
        TREE_REQUIRED,
    ),
    (
        "Zajęcie pasa drogowego",
        "phrase",
        "pasa drogowego",
        "GK",
        None,
        Some("administrative"),
        Some("application"),
        85,
        None,
        "",
    ),
    (
        "Podatki i opłaty lokalne",
        "any_word",
        "podatek podatku podatkowej opłaty odpady* śmieci",
        "FN",
        None,
        None,
        None,
        70,
        None,
        "",
    ),
    (
        "Akty stanu cywilnego",
        "any_word",
        "akt* urodzenia małżeństwa zgonu stanu cywilnego",
        "USC",
        None,
        None,
        None,
        70,
        None,
        "",
    ),
    (
        "Prawo jazdy i rejestracja pojazdów (starosta)",
        "regex",
        r"praw[oa] jazdy|rejestracj\w* (pojazdu|samochodu|motocykla)",
        "OR",
        Some("03"),
        Some("other"),
        Some("application"),
        95,
        Some((
            "Starosta Przykładowski",
            "Starostwo Powiatowe w Przykładowie, Wydział Komunikacji\nul. Powiatowa 1\n12-345 Przykładowo",
        )),
        "",
    ),
];

impl App {
    /// The demo office's routing rules for the intake robot (added once).
    fn ensure_demo_intake_rules(&self, tenant_id: &str, actor: &Actor) -> Result<(), AppError> {
        let units = self.units(tenant_id)?;
        let now = self.now_ts();
        self.store.write(|conn| {
            if !ratusz_store::intake::rules(conn, tenant_id)?.is_empty() {
                return Ok(());
            }
            for (
                name,
                kind,
                pattern,
                unit,
                class,
                procedure,
                item_kind,
                weight,
                forward,
                required,
            ) in DEMO_RULES
            {
                let Some(u) = units.iter().find(|u| u.symbol == unit) else {
                    continue;
                };
                let row = ratusz_store::intake::RuleRow {
                    id: ratusz_store::new_id(),
                    tenant_id: tenant_id.to_owned(),
                    name: name.into(),
                    match_kind: kind.into(),
                    pattern: pattern.into(),
                    unit_id: u.id.clone(),
                    class_symbol: class.map(str::to_owned),
                    procedure_kind: procedure.map(str::to_owned),
                    item_kind: item_kind.map(str::to_owned),
                    weight,
                    forward_to: forward.map(|f| f.0.to_owned()),
                    forward_address: forward.map(|f| f.1.to_owned()),
                    required: required.into(),
                    enabled: true,
                    created_by: "demo-seed".into(),
                    created_at: now,
                    updated_at: now,
                };
                ratusz_store::intake::insert_rule(conn, &row)?;
                crate::audit::record(
                    conn,
                    tenant_id,
                    actor,
                    "intake.rule_added",
                    ("intake_rule", Some(&row.id)),
                    serde_json::json!({"name": row.name, "pattern": row.pattern}),
                    now,
                )?;
            }
            Ok::<_, AppError>(())
        })
    }
}
