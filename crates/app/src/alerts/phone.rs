//! Alerts by SMS: a phone subscription's double opt-in and its short unsubscribe link.
//!
//! A resident who gives a mobile number gets a six-digit code by SMS and types it on the page
//! the subscription form leads to. Whoever filled in the form sees that page, so the page's
//! token alone cannot confirm a phone (unlike an e-mail link, which only the mailbox's owner
//! sees): the code, which only the phone's owner sees, can. Five wrong codes void it; asking
//! again sends a new one. Only the code's SHA-256 (salted with the subscription's token) is
//! kept.
//!
//! Every alert SMS ends with ` Wypisz: <office>/w/<code>`: a ten-character code of its own
//! (a 32-character token would not leave room for the alert in two SMS parts).

use ratusz_store::Db;
use ratusz_store::alerts::{self as repo, SubscriberRow};
use ratusz_store::new_id;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{ACTIVE, Choice, PENDING, Subscribed, UNSUBSCRIBED};
use crate::accounts::random_token;
use crate::audit::{Actor, record};
use crate::{App, AppError, FieldError};

/// Wrong codes before a code is void.
pub const MAX_CODE_TRIES: i32 = 5;

/// Letters and digits that cannot be mistaken for one another (no 0/o, 1/l/i).
const SHORT_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

fn short_code() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..ratusz_core::alerts::sms::UNSUBSCRIBE_CODE_LEN)
        .map(|_| SHORT_ALPHABET[rng.gen_range(0..SHORT_ALPHABET.len())] as char)
        .collect()
}

fn six_digits() -> String {
    use rand::Rng;
    format!("{:06}", rand::thread_rng().gen_range(0..1_000_000u32))
}

fn code_hash(token: &str, code: &str) -> String {
    hex::encode(Sha256::digest(format!("{token}:{code}").as_bytes()))
}

fn robot() -> Actor {
    Actor::Robot {
        name: "alerts".into(),
    }
}

impl App {
    /// The unsubscribe link every alert SMS ends with, with a sample code: what the SMS's
    /// length is counted with and what staff see before approving.
    pub fn sms_suffix_sample(&self) -> String {
        ratusz_core::alerts::unsubscribe_suffix(
            &self.settings.public_url,
            &"x".repeat(ratusz_core::alerts::sms::UNSUBSCRIBE_CODE_LEN),
        )
    }

    /// The SMS half of [`App::subscribe`], in its transaction: a pending subscription and the
    /// code by SMS; a number that already receives alerts gets a short note with its settings
    /// link instead (the page's visitor learns nothing about it).
    pub(super) fn subscribe_phone(
        &self,
        conn: &mut Db,
        tenant_id: &str,
        number: &str,
        choice: &Choice,
        now: i64,
    ) -> Result<Subscribed, AppError> {
        let base = self.settings.public_url.trim_end_matches('/').to_owned();
        let existing = repo::subscriber_by_address(conn, tenant_id, "sms", number)?;
        if let Some(s) = existing.as_ref().filter(|s| s.status == ACTIVE) {
            crate::sms::enqueue(
                conn,
                tenant_id,
                number,
                &format!(
                    "Ten numer juz dostaje ostrzezenia z urzedu. Ustawienia: {base}/ostrzezenia/subskrypcja/{}",
                    s.token
                ),
                now,
            )?;
            return Ok(Subscribed::AlreadyActive);
        }
        let token = random_token(24);
        let code = six_digits();
        let row = SubscriberRow {
            id: existing.as_ref().map_or_else(new_id, |s| s.id.clone()),
            tenant_id: tenant_id.to_owned(),
            channel: "sms".into(),
            address: number.to_owned(),
            topics: choice.topics.clone(),
            localities: choice.locality.clone(),
            lat: choice.point.as_ref().map(|p| p.lat),
            lon: choice.point.as_ref().map(|p| p.lon),
            place_label: choice.place_label.clone(),
            status: PENDING.into(),
            token: token.clone(),
            created_at: existing.as_ref().map_or(now, |s| s.created_at),
            confirmed_at: None,
            unsubscribed_at: None,
            confirm_code: Some(code_hash(&token, &code)),
            confirm_attempts: 0,
            short_code: Some(
                existing
                    .as_ref()
                    .and_then(|s| s.short_code.clone())
                    .unwrap_or_else(short_code),
            ),
            push_p256dh: None,
            push_auth: None,
        };
        if existing.is_some() {
            repo::update_subscriber(conn, &row)?;
        } else {
            repo::insert_subscriber(conn, &row)?;
        }
        crate::sms::enqueue(
            conn,
            tenant_id,
            number,
            &format!(
                "Kod potwierdzenia zapisu na ostrzezenia z urzedu: {code}. Jesli to nie Ty sie zapisales, zignoruj te wiadomosc."
            ),
            now,
        )?;
        record(
            conn,
            tenant_id,
            &robot(),
            "alerts.subscription_requested",
            ("alert_subscriber", Some(&row.id)),
            json!({"channel": "sms", "number": ratusz_core::alerts::phone::masked(number),
                   "place": choice.place_label, "topics": choice.topics}),
            now,
        )?;
        Ok(Subscribed::ConfirmationSent {
            code_page: Some(token),
        })
    }

    /// Confirms a phone subscription with the code sent to it.
    pub fn confirm_sms_code(
        &self,
        tenant_id: &str,
        token: &str,
        code: &str,
    ) -> Result<SubscriberRow, AppError> {
        let now = self.now_ts();
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let outcome = self.store.write(|conn| {
            let mut s =
                repo::subscriber_by_token(conn, tenant_id, token)?.ok_or(AppError::NotFound)?;
            if s.channel != "sms" || s.status != PENDING {
                return Ok(Ok(s));
            }
            let Some(hash) = s.confirm_code.clone() else {
                return Ok(Err(FieldError::new(
                    "code",
                    "code-void",
                    "Ten kod już nie obowiązuje. Zapisz się ponownie, a wyślemy nowy kod.",
                    "This code is no longer valid. Subscribe again and we will send a new one.",
                )));
            };
            if code_hash(token, &code) != hash {
                s.confirm_attempts += 1;
                let left = MAX_CODE_TRIES - s.confirm_attempts;
                if left <= 0 {
                    s.confirm_code = None;
                }
                repo::update_subscriber(conn, &s)?;
                return Ok(Err(if left <= 0 {
                    FieldError::new(
                        "code",
                        "code-void",
                        "Pięć razy wpisano zły kod, więc przestał obowiązywać. Zapisz się ponownie, a wyślemy nowy kod.",
                        "A wrong code was entered five times, so it is void. Subscribe again and we will send a new one.",
                    )
                } else {
                    FieldError::new(
                        "code",
                        "code-wrong",
                        format!("To nie jest kod z SMS-a. Sprawdź go i wpisz ponownie (zostało prób: {left})."),
                        format!("That is not the code from the SMS. Check it and enter it again ({left} tries left)."),
                    )
                }));
            }
            s.status = ACTIVE.into();
            s.confirmed_at = Some(now);
            s.unsubscribed_at = None;
            s.confirm_code = None;
            s.confirm_attempts = 0;
            repo::update_subscriber(conn, &s)?;
            record(
                conn,
                tenant_id,
                &robot(),
                "alerts.subscription_confirmed",
                ("alert_subscriber", Some(&s.id)),
                json!({"channel": "sms"}),
                now,
            )?;
            Ok::<_, AppError>(Ok(s))
        })?;
        outcome.map_err(|e| AppError::Invalid(vec![e]))
    }

    /// The SMS subscription an alert SMS's `/w/<code>` link opens.
    pub fn subscription_by_short_code(
        &self,
        tenant_id: &str,
        code: &str,
    ) -> Result<Option<SubscriberRow>, AppError> {
        if code.len() != ratusz_core::alerts::sms::UNSUBSCRIBE_CODE_LEN {
            return Ok(None);
        }
        self.store
            .read(|c| Ok(repo::subscriber_by_short_code(c, tenant_id, code)?))
    }

    /// Ends the SMS subscription of a `/w/<code>` link.
    pub fn unsubscribe_short_code(
        &self,
        tenant_id: &str,
        code: &str,
    ) -> Result<SubscriberRow, AppError> {
        let now = self.now_ts();
        self.store.write(|conn| {
            let mut s =
                repo::subscriber_by_short_code(conn, tenant_id, code)?.ok_or(AppError::NotFound)?;
            if s.status != UNSUBSCRIBED {
                s.status = UNSUBSCRIBED.into();
                s.unsubscribed_at = Some(now);
                repo::update_subscriber(conn, &s)?;
                record(
                    conn,
                    tenant_id,
                    &robot(),
                    "alerts.unsubscribed",
                    ("alert_subscriber", Some(&s.id)),
                    json!({"channel": "sms", "via": "sms-link"}),
                    now,
                )?;
            }
            Ok(s)
        })
    }
}
