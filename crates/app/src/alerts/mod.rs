//! Crisis alerts to residents: the municipality's address register, residents' subscriptions
//! (double opt-in by e-mail, one-click unsubscribe), alerts written and approved by two
//! different people ([`compose`]), and their fan-out to every matching subscriber
//! ([`deliver`]). The CAP 1.2 model, validation, geometry and the SMS text are pure and live
//! in `ratusz_core::alerts`; CAP and Atom XML in `ratusz_documents::cap`.
//!
//! Residents subscribe by e-mail (confirmed by a link) and by SMS (confirmed by a code sent
//! to the phone, [`phone`]). Alerts that need confirmation go to staff groups one after another
//! until enough confirm ([`escalate`]). Browsers subscribe to web push through the
//! subscription page's script ([`crate::push`]).

pub mod compose;
pub mod deliver;
pub mod escalate;
pub mod feeds;
pub mod import;
pub mod opens;
pub mod phone;

use ratusz_core::alerts::Topic;
use ratusz_store::alerts::{self as repo, AddressPointRow, SubscriberRow};
use ratusz_store::new_id;
use serde_json::json;

use crate::accounts::{normalize_email, random_token};
use crate::audit::{Actor, record};
use crate::{App, AppError, FieldError};

pub use compose::AlertInput;

/// The fan-out job (one per approved alert).
pub const JOB_FANOUT: &str = "alert_fanout";
/// The check of an alert's confirmations after a group's time (see [`escalate`]).
pub const JOB_ESCALATE: &str = "alert_escalate";

/// The name of a locality's district as a place: "Kraków – Nowa Huta".
pub fn place_of(locality: &str, district: &str) -> String {
    format!("{locality} – {district}")
}

/// The most messages the subscription form makes the office send to one e-mail address or
/// phone number in an hour (confirmations, settings links): anyone can fill in the form, and
/// each SMS costs the office money ("SMS pumping").
pub const SENDS_PER_HOUR: i64 = 5;

/// The most messages the subscription form makes the office send in an hour for one
/// connection (IP address), whatever the addresses: a family or the office's own kiosk stays
/// well under it, a script signing up strangers does not.
pub const SENDS_PER_IP_PER_HOUR: i64 = 20;

/// The default of `[sms] codes_per_hour`: SMS codes the form sends in an hour from all
/// senders together. SMS pumping spreads over many numbers and connections; a small
/// municipality's residents sign up far slower, and a city raises it.
pub const SMS_CODES_PER_HOUR: u32 = 200;

/// Messages the subscription form's limits keep in mind (an hour, in microseconds).
const FORM_WINDOW_US: i64 = 3_600_000_000;

pub const PENDING: &str = "pending";
pub const ACTIVE: &str = "active";
pub const UNSUBSCRIBED: &str = "unsubscribed";

/// A resident's subscription as entered. Strings as received.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct SubscribeInput {
    /// E-mail, phone or both; at least one.
    pub email: String,
    pub phone: String,
    /// Topic codes ([`Topic::as_str`]); none means every topic.
    pub topics: Vec<String>,
    pub locality: String,
    /// Street and number of the resident's address point (both or neither).
    pub street: String,
    pub number: String,
    /// A browser's push subscription, as the page's script filled it in (all three or none).
    pub push_endpoint: String,
    pub push_p256dh: String,
    pub push_auth: String,
}

/// What `subscribe` did on one channel, for the page that follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subscribed {
    /// A confirmation link was e-mailed, or a code sent by SMS; for SMS, the token of the
    /// page where the code is entered.
    ConfirmationSent { code_page: Option<String> },
    /// The address already receives alerts; a link to change the settings was sent to it.
    AlreadyActive,
}

/// What `subscribe` did on each channel asked for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SubscribeOutcome {
    pub email: Option<Subscribed>,
    pub sms: Option<Subscribed>,
    /// The token of the browser subscription's settings page (active at once: the browser's
    /// own permission prompt is the resident's consent, and only that browser can read the
    /// messages).
    pub push: Option<String>,
}

/// A subscriber's choice of place and topics, checked, for either channel.
pub(crate) struct Choice {
    pub topics: String,
    pub locality: String,
    pub point: Option<AddressPointRow>,
    pub place_label: String,
}

/// Lower-case without surrounding space and with one space between words, for matching what
/// a resident types against the address register.
fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Street names as residents write them: "ul. Polna", "Polna", "ulica Polna" are the same.
fn bare_street(s: &str) -> String {
    let n = norm(s);
    for prefix in [
        "ulica ", "ul. ", "ul.", "aleja ", "al. ", "plac ", "pl. ", "osiedle ", "os. ",
    ] {
        if let Some(rest) = n.strip_prefix(prefix) {
            return rest.trim().to_owned();
        }
    }
    n
}

impl App {
    /// Replaces the municipality's address register with the points of a CSV file (header
    /// `miejscowosc,ulica,numer,kod_pocztowy,szerokosc,dlugosc`; comma or semicolon; WGS84
    /// degrees with a dot or a comma). All or nothing: a bad line names its number and field.
    pub fn import_address_points(
        &self,
        tenant_id: &str,
        actor: &Actor,
        csv_text: &str,
    ) -> Result<usize, AppError> {
        let delimiter = if csv_text.lines().next().is_some_and(|h| h.contains(';')) {
            b';'
        } else {
            b','
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .trim(csv::Trim::All)
            .from_reader(csv_text.as_bytes());
        let bad = |line: usize, what: &str| {
            AppError::field(
                "file",
                "address-line",
                format!("Wiersz {line}: {what}. Popraw plik i zaimportuj go ponownie."),
                format!("Line {line}: {what}. Fix the file and import it again."),
            )
        };
        let headers = reader
            .headers()
            .map_err(|_| bad(1, "nie da się odczytać nagłówka"))?
            .clone();
        let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
        let (Some(c_loc), Some(c_street), Some(c_num), Some(c_lat), Some(c_lon)) = (
            col("miejscowosc"),
            col("ulica"),
            col("numer"),
            col("szerokosc"),
            col("dlugosc"),
        ) else {
            return Err(bad(
                1,
                "nagłówek musi mieć kolumny miejscowosc, ulica, numer, szerokosc, dlugosc (i nieobowiązkowo kod_pocztowy)",
            ));
        };
        let c_post = col("kod_pocztowy");
        // Optional: the district (dzielnica, osiedle, sołectwo) residents may subscribe to.
        let c_district = col("dzielnica").or_else(|| col("osiedle"));
        let mut rows = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            let record = record.map_err(|_| bad(line, "wiersz nie jest poprawnym CSV"))?;
            let get = |c: usize| record.get(c).unwrap_or("").trim().to_owned();
            let degrees = |c: usize| get(c).replace(',', ".").parse::<f64>().ok();
            let (Some(lat), Some(lon)) = (degrees(c_lat), degrees(c_lon)) else {
                return Err(bad(
                    line,
                    "szerokość i długość muszą być liczbami (stopnie WGS84)",
                ));
            };
            if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                return Err(bad(
                    line,
                    "współrzędne poza zakresem (szerokość ±90, długość ±180)",
                ));
            }
            let locality = get(c_loc);
            let number = get(c_num);
            if locality.is_empty() || number.is_empty() {
                return Err(bad(line, "brak miejscowości albo numeru"));
            }
            rows.push(AddressPointRow {
                id: new_id(),
                tenant_id: tenant_id.to_owned(),
                locality,
                street: get(c_street),
                number,
                postcode: c_post.map(get).unwrap_or_default(),
                lat,
                lon,
                district: c_district.map(get).unwrap_or_default(),
            });
        }
        let n = rows.len();
        let now = self.now_ts();
        self.store.write(|conn| {
            repo::delete_points(conn, tenant_id)?;
            repo::insert_points(conn, &rows)?;
            record(
                conn,
                tenant_id,
                actor,
                "alerts.addresses_imported",
                ("tenant", Some(tenant_id)),
                json!({"points": n}),
                now,
            )?;
            Ok::<_, AppError>(())
        })?;
        Ok(n)
    }

    /// The places of the address register residents subscribe to and staff tick for an area:
    /// each locality, followed by its districts as "locality – district" (see [`place_of`]).
    pub fn alert_localities(&self, tenant_id: &str) -> Result<Vec<String>, AppError> {
        let (localities, districts) = self.store.read(|c| {
            Ok::<_, AppError>((
                repo::localities(c, tenant_id)?,
                repo::districts(c, tenant_id)?,
            ))
        })?;
        let mut out = Vec::with_capacity(localities.len() + districts.len());
        for l in localities {
            let of_it: Vec<String> = districts
                .iter()
                .filter(|(loc, _)| *loc == l)
                .map(|(loc, d)| place_of(loc, d))
                .collect();
            out.push(l);
            out.extend(of_it);
        }
        Ok(out)
    }

    /// A place of [`App::alert_localities`] as (locality, district); the district is empty
    /// for a whole locality.
    pub fn split_place(&self, tenant_id: &str, place: &str) -> Result<(String, String), AppError> {
        let districts = self
            .store
            .read(|c| Ok::<_, AppError>(repo::districts(c, tenant_id)?))?;
        Ok(districts
            .into_iter()
            .find(|(l, d)| place_of(l, d) == place)
            .unwrap_or_else(|| (place.to_owned(), String::new())))
    }

    /// Asks for alerts by e-mail: checks the input, stores the choice as pending and e-mails
    /// the confirmation link (double opt-in). An address that already receives alerts gets a
    /// link to its settings instead, so nobody can change someone else's subscription.
    ///
    /// `from_ip` is the sender's address, for the form's limits (see [`SENDS_PER_IP_PER_HOUR`]
    /// and [`SmsSettings::codes_per_hour`](crate::SmsSettings::codes_per_hour)).
    pub fn subscribe(
        &self,
        tenant_id: &str,
        input: &SubscribeInput,
        from_ip: &str,
    ) -> Result<SubscribeOutcome, AppError> {
        let mut errors = Vec::new();
        let email = if input.email.trim().is_empty() {
            None
        } else {
            match normalize_email(&input.email) {
                Ok((e, _)) => Some(e.to_lowercase()),
                Err(e) => {
                    errors.push(e);
                    None
                }
            }
        };
        let phone = if input.phone.trim().is_empty() {
            None
        } else {
            match ratusz_core::alerts::phone::mobile_number(&input.phone) {
                Ok(n) => Some(n),
                Err(e) => {
                    errors.push(FieldError::new(
                        "phone",
                        e.code(),
                        e.message_pl(),
                        e.message_en(),
                    ));
                    None
                }
            }
        };
        let push = if input.push_endpoint.trim().is_empty() {
            None
        } else {
            match crate::push::check_subscription(
                self.settings.push.as_ref(),
                &input.push_endpoint,
                &input.push_p256dh,
                &input.push_auth,
            ) {
                Ok(b) => Some(b),
                Err(e) => {
                    errors.push(e);
                    None
                }
            }
        };
        if input.email.trim().is_empty()
            && input.phone.trim().is_empty()
            && input.push_endpoint.trim().is_empty()
        {
            errors.push(FieldError::new(
                "email",
                "empty",
                "Podaj adres e-mail albo numer telefonu komórkowego (możesz podać oba) albo włącz powiadomienia w przeglądarce.",
                "Enter an e-mail address or a mobile phone number (or both), or turn on browser notifications.",
            ));
        }
        let mut topics = Vec::new();
        for t in &input.topics {
            match Topic::parse(t.trim()) {
                Some(t) if !topics.contains(&t) => topics.push(t),
                Some(_) => {}
                None => errors.push(FieldError::new(
                    "topics",
                    "unknown-value",
                    "Wybierz rodzaje ostrzeżeń z listy.",
                    "Choose the kinds of alerts from the list.",
                )),
            }
        }
        let localities = self.alert_localities(tenant_id)?;
        let locality = localities
            .iter()
            .find(|l| norm(l) == norm(&input.locality))
            .cloned();
        if locality.is_none() {
            errors.push(FieldError::new(
                "locality",
                "unknown-value",
                "Wybierz miejscowość z listy.",
                "Choose a locality from the list.",
            ));
        }
        let (street, number) = (input.street.trim(), input.number.trim());
        let mut point = None;
        // A street address is looked up in the locality of a chosen district.
        let base_locality = match &locality {
            Some(place) => Some(self.split_place(tenant_id, place)?.0),
            None => None,
        };
        if let Some(loc) = &base_locality {
            match (street.is_empty(), number.is_empty()) {
                (true, true) => {}
                (false, false) => {
                    let streets = self
                        .store
                        .read(|c| Ok::<_, AppError>(repo::streets(c, tenant_id, loc)?))?;
                    let found = match streets
                        .iter()
                        .find(|s| bare_street(s) == bare_street(street))
                    {
                        Some(s) => self.store.read(|c| {
                            Ok::<_, AppError>(repo::find_point(
                                c,
                                tenant_id,
                                loc,
                                s,
                                &number.to_uppercase(),
                            )?)
                        })?,
                        None => None,
                    };
                    match found {
                        Some(p) => point = Some(p),
                        None => errors.push(FieldError::new(
                            "number",
                            "unknown-address",
                            format!("Nie znaleźliśmy adresu {street} {number} w miejscowości {loc}. Sprawdź ulicę i numer albo zostaw je puste, aby dostawać ostrzeżenia dla całej miejscowości."),
                            format!("We did not find {street} {number} in {loc}. Check the street and number, or leave them empty to get alerts for the whole locality."),
                        )),
                    }
                }
                _ => errors.push(FieldError::new(
                    if street.is_empty() {
                        "street"
                    } else {
                        "number"
                    },
                    "empty",
                    "Podaj ulicę i numer domu albo zostaw oba pola puste.",
                    "Enter both the street and the house number, or leave both empty.",
                )),
            }
        }
        let since = self.now_ts() - FORM_WINDOW_US;
        let (mail_sent, sms_sent, (ip_sent, codes_sent)) = self.store.read(|c| {
            Ok::<_, AppError>((
                match &email {
                    Some(e) => ratusz_store::mail::count_to_since(c, tenant_id, e, since)?,
                    None => 0,
                },
                match &phone {
                    Some(n) => ratusz_store::sms::count_to_since(c, tenant_id, n, since)?,
                    None => 0,
                },
                repo::form_sends_since(c, tenant_id, from_ip, since)?,
            ))
        })?;
        self.check_form_limits(
            &mut errors,
            (email.is_some(), phone.is_some()),
            ip_sent,
            codes_sent,
        );
        for (sent, field, pl, en) in [
            (
                mail_sent,
                "email",
                "Na ten adres wysłaliśmy w ostatniej godzinie już kilka wiadomości. Sprawdź skrzynkę (także folder spam) albo spróbuj ponownie za godzinę.",
                "We have sent several messages to this address in the last hour. Check your mailbox (and the spam folder) or try again in an hour.",
            ),
            (
                sms_sent,
                "phone",
                "Na ten numer wysłaliśmy w ostatniej godzinie już kilka SMS-ów. Sprawdź wiadomości w telefonie albo spróbuj ponownie za godzinę.",
                "We have sent several text messages to this number in the last hour. Check the phone's messages or try again in an hour.",
            ),
        ] {
            if sent >= SENDS_PER_HOUR {
                errors.push(FieldError::new(field, "too-many-messages", pl, en));
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let Some(mut locality) = locality else {
            return Err(AppError::Internal("subscription validation".into()));
        };
        // An address point belongs to its locality and, if the register names one, its
        // district: alerts naming either reach it (one name per line).
        if let Some(p) = &point {
            locality = p.locality.clone();
            if !p.district.is_empty() {
                locality.push('\n');
                locality.push_str(&place_of(&p.locality, &p.district));
            }
        }
        let place_label = match &point {
            Some(p) if p.street.is_empty() => format!("{}, {}", p.locality, p.number),
            Some(p) => format!("{}, {} {}", p.locality, p.street, p.number),
            None => locality.clone(),
        };
        let topics_text = topics
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let choice = Choice {
            topics: topics_text,
            locality,
            point,
            place_label,
        };
        let now = self.now_ts();
        let sends: Vec<&str> = [(email.is_some(), "email"), (phone.is_some(), "sms")]
            .into_iter()
            .filter_map(|(given, channel)| given.then_some(channel))
            .collect();
        self.store.write(|conn| {
            if !sends.is_empty() {
                repo::record_form_sends(
                    conn,
                    tenant_id,
                    from_ip,
                    &sends,
                    now,
                    now - FORM_WINDOW_US,
                )?;
            }
            let email = match &email {
                Some(e) => Some(self.subscribe_email(conn, tenant_id, e, &choice, now)?),
                None => None,
            };
            let sms = match &phone {
                Some(n) => Some(self.subscribe_phone(conn, tenant_id, n, &choice, now)?),
                None => None,
            };
            let push = match &push {
                Some(b) => Some(self.subscribe_browser(conn, tenant_id, b, &choice, now)?),
                None => None,
            };
            Ok::<_, AppError>(SubscribeOutcome { email, sms, push })
        })
    }

    /// The form's limits on what strangers can make the office send: per connection (all
    /// messages) and, for SMS, per municipality. `given` is (e-mail, phone).
    fn check_form_limits(
        &self,
        errors: &mut Vec<FieldError>,
        given: (bool, bool),
        ip_sent: i64,
        codes_sent: i64,
    ) {
        let (email, phone) = given;
        if (email || phone) && ip_sent >= SENDS_PER_IP_PER_HOUR {
            errors.push(FieldError::new(
                if email { "email" } else { "phone" },
                "too-many-from-here",
                "Z tego połączenia zapisano w ostatniej godzinie już wiele adresów. Spróbuj ponownie za godzinę albo zapisz się w urzędzie.",
                "Many addresses have been signed up from this connection in the last hour. Try again in an hour or sign up at the office.",
            ));
            return;
        }
        let cap = self.settings.sms.as_ref().map_or(0, |s| s.codes_per_hour);
        if phone && cap > 0 && codes_sent >= i64::from(cap) {
            // Staff should know: it may be an attack on the office's SMS account.
            tracing::warn!(
                cap,
                "alert subscriptions: the hourly limit of SMS codes was reached; phone sign-ups wait"
            );
            errors.push(FieldError::new(
                "phone",
                "sms-codes-paused",
                "W ostatniej godzinie urząd wysłał bardzo wiele kodów SMS i na chwilę wstrzymał ich wysyłkę. Zapisz się teraz e-mailem albo podaj numer telefonu za godzinę.",
                "The office has sent very many SMS codes in the last hour and paused them for a while. Sign up by e-mail now or give your phone number in an hour.",
            ));
        }
    }

    /// The e-mail half of [`App::subscribe`], in its transaction.
    fn subscribe_email(
        &self,
        conn: &mut ratusz_store::Db,
        tenant_id: &str,
        email: &str,
        choice: &Choice,
        now: i64,
    ) -> Result<Subscribed, AppError> {
        let base = self.settings.public_url.trim_end_matches('/').to_owned();
        let Choice {
            topics: topics_text,
            locality,
            point,
            place_label,
        } = choice;
        {
            let existing = repo::subscriber_by_address(conn, tenant_id, "email", email)?;
            if let Some(s) = existing.as_ref().filter(|s| s.status == ACTIVE) {
                crate::mail::enqueue(
                    conn,
                    tenant_id,
                    email,
                    "Ostrzeżenia z urzędu: Twoje ustawienia",
                    &format!(
                        "Ten adres już dostaje ostrzeżenia z urzędu ({}).\n\nAby zmienić rodzaje ostrzeżeń albo miejsce, otwórz:\n{base}/ostrzezenia/subskrypcja/{}\n\nJeśli to nie Ty prosiłeś o tę wiadomość, zignoruj ją: nic się nie zmieni.",
                        s.place_label, s.token
                    ),
                    now,
                )?;
                return Ok(Subscribed::AlreadyActive);
            }
            let token = random_token(24);
            let row = SubscriberRow {
                id: existing.as_ref().map_or_else(new_id, |s| s.id.clone()),
                tenant_id: tenant_id.to_owned(),
                channel: "email".into(),
                address: email.to_owned(),
                topics: topics_text.clone(),
                localities: locality.clone(),
                lat: point.as_ref().map(|p| p.lat),
                lon: point.as_ref().map(|p| p.lon),
                place_label: place_label.clone(),
                status: PENDING.into(),
                token: token.clone(),
                created_at: existing.as_ref().map_or(now, |s| s.created_at),
                confirmed_at: None,
                unsubscribed_at: None,
                confirm_code: None,
                confirm_attempts: 0,
                short_code: None,
                push_p256dh: None,
                push_auth: None,
            };
            if existing.is_some() {
                repo::update_subscriber(conn, &row)?;
            } else {
                repo::insert_subscriber(conn, &row)?;
            }
            crate::mail::enqueue(
                conn,
                tenant_id,
                email,
                "Potwierdź zapis na ostrzeżenia z urzędu",
                &format!(
                    "Aby dostawać ostrzeżenia z urzędu dla: {place_label}, potwierdź zapis, otwierając:\n{base}/ostrzezenia/subskrypcja/{token}\n\nJeśli to nie Ty zapisałeś ten adres, zignoruj tę wiadomość: bez potwierdzenia nie wyślemy żadnego ostrzeżenia."
                ),
                now,
            )?;
            record(
                conn,
                tenant_id,
                &Actor::Robot {
                    name: "alerts".into(),
                },
                "alerts.subscription_requested",
                ("alert_subscriber", Some(&row.id)),
                json!({"channel": "email", "place": place_label, "topics": topics_text}),
                now,
            )?;
            Ok(Subscribed::ConfirmationSent { code_page: None })
        }
    }

    /// The browser half of [`App::subscribe`], in its transaction: active at once. The same
    /// browser subscribing again (same endpoint) changes its choice and keeps its token.
    fn subscribe_browser(
        &self,
        conn: &mut ratusz_store::Db,
        tenant_id: &str,
        browser: &crate::push::BrowserSubscription,
        choice: &Choice,
        now: i64,
    ) -> Result<String, AppError> {
        let existing = repo::subscriber_by_address(conn, tenant_id, "push", &browser.endpoint)?;
        let token = existing
            .as_ref()
            .map_or_else(|| random_token(24), |s| s.token.clone());
        let row = SubscriberRow {
            id: existing.as_ref().map_or_else(new_id, |s| s.id.clone()),
            tenant_id: tenant_id.to_owned(),
            channel: "push".into(),
            address: browser.endpoint.clone(),
            topics: choice.topics.clone(),
            localities: choice.locality.clone(),
            lat: choice.point.as_ref().map(|p| p.lat),
            lon: choice.point.as_ref().map(|p| p.lon),
            place_label: choice.place_label.clone(),
            status: ACTIVE.into(),
            token: token.clone(),
            created_at: existing.as_ref().map_or(now, |s| s.created_at),
            confirmed_at: Some(now),
            unsubscribed_at: None,
            confirm_code: None,
            confirm_attempts: 0,
            short_code: None,
            push_p256dh: Some(browser.p256dh.clone()),
            push_auth: Some(browser.auth.clone()),
        };
        if existing.is_some() {
            repo::update_subscriber(conn, &row)?;
        } else {
            repo::insert_subscriber(conn, &row)?;
        }
        record(
            conn,
            tenant_id,
            &Actor::Robot {
                name: "alerts".into(),
            },
            "alerts.subscription_confirmed",
            ("alert_subscriber", Some(&row.id)),
            json!({"channel": "push", "place": choice.place_label, "topics": choice.topics}),
            now,
        )?;
        Ok(token)
    }

    /// The subscription a link's token opens (`None` for an unknown token).
    pub fn subscription(
        &self,
        tenant_id: &str,
        token: &str,
    ) -> Result<Option<SubscriberRow>, AppError> {
        if token.len() > 100 {
            return Ok(None);
        }
        self.store
            .read(|c| Ok(repo::subscriber_by_token(c, tenant_id, token)?))
    }

    /// Confirms (or, with `active = false`, ends) the subscription a link's token opens.
    pub fn set_subscription_active(
        &self,
        tenant_id: &str,
        token: &str,
        active: bool,
    ) -> Result<SubscriberRow, AppError> {
        let now = self.now_ts();
        self.store.write(|conn| {
            let mut s =
                repo::subscriber_by_token(conn, tenant_id, token)?.ok_or(AppError::NotFound)?;
            // A phone is confirmed by the code sent to it, not by the page's token, which
            // whoever filled in the form has seen (see `phone`).
            if active && s.channel == "sms" && s.status == PENDING {
                return Err(AppError::field(
                    "code",
                    "code-needed",
                    "Wpisz kod z SMS-a, aby potwierdzić zapis.",
                    "Enter the code from the SMS to confirm.",
                ));
            }
            if active {
                s.status = ACTIVE.into();
                s.confirmed_at = Some(now);
                s.unsubscribed_at = None;
            } else {
                s.status = UNSUBSCRIBED.into();
                s.unsubscribed_at = Some(now);
            }
            repo::update_subscriber(conn, &s)?;
            record(
                conn,
                tenant_id,
                &Actor::Robot {
                    name: "alerts".into(),
                },
                if active {
                    "alerts.subscription_confirmed"
                } else {
                    "alerts.unsubscribed"
                },
                ("alert_subscriber", Some(&s.id)),
                json!({"channel": s.channel}),
                now,
            )?;
            Ok(s)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn street_names_match_as_residents_write_them() {
        assert_eq!(bare_street("ul. Polna"), "polna");
        assert_eq!(bare_street("  Ulica   Polna "), "polna");
        assert_eq!(bare_street("Polna"), "polna");
        assert_ne!(bare_street("Polna"), bare_street("Lipowa"));
    }
}
