//! Residents: sign-up with e-mail verification, and password reset by e-mail.

use super::*;

impl App {
    /// Registers a resident and sends the verification e-mail. When the address is taken, the
    /// owner gets a notice instead and the caller sees the same answer (no account enumeration).
    pub fn signup_resident(
        &self,
        tenant_id: &str,
        email: &str,
        display_name: &str,
        password: &str,
        password_confirm: &str,
    ) -> Result<(), AppError> {
        let mut errors = Vec::new();
        let email = normalize_email(email).map_err(|e| errors.push(e)).ok();
        let name = validate_display_name(display_name)
            .map_err(|e| errors.push(e))
            .ok();
        let local = email
            .as_ref()
            .map(|(e, _)| e.split('@').next().unwrap_or_default().to_owned());
        if let Some(e) = password_error(
            "password",
            password,
            &[local.as_deref().unwrap_or_default(), display_name],
        ) {
            errors.push(e);
        } else if password != password_confirm {
            errors.push(FieldError::new(
                "password_confirm",
                "mismatch",
                "Hasła się różnią. Wpisz to samo hasło w obu polach.",
                "The passwords differ. Type the same password in both fields.",
            ));
        }
        let (Some((email, key)), Some(name), true) = (email, name, errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let hash = self.hash_password(password)?;
        let now = self.now_ts();
        let token = random_token(32);
        self.store.write(|conn| {
            if let Some(existing) = repo::user_by_email(conn, tenant_id, &key)? {
                crate::mail::enqueue(
                    conn,
                    tenant_id,
                    &existing.email,
                    "Próba założenia konta / Sign-up attempt",
                    &format!(
                        "Ktoś próbował założyć konto na ten adres w portalu urzędu. Masz już konto: \
                         zaloguj się na {url}/login albo ustaw nowe hasło na {url}/password/forgot.\n\n\
                         Someone tried to sign up with this address. You already have an account: \
                         sign in at {url}/login or reset your password at {url}/password/forgot.\n",
                        url = self.settings.public_url
                    ),
                    now,
                )?;
                return Ok(());
            }
            let user = new_user(tenant_id, AccountKind::Resident, &email, &key, &name, Some(hash), now);
            insert_resident(conn, &user, now)?;
            insert_email_token(conn, tenant_id, &user.id, "verify", &token, now, 48)?;
            crate::mail::enqueue(
                conn,
                tenant_id,
                &email,
                "Potwierdź adres e-mail / Confirm your e-mail",
                &format!(
                    "Dzień dobry,\n\naby dokończyć zakładanie konta w portalu urzędu, otwórz link:\n\
                     {url}/verify-email?token={token}\n\nLink jest ważny 48 godzin.\n\n\
                     To finish creating your account, open the link above (valid for 48 hours).\n",
                    url = self.settings.public_url
                ),
                now,
            )?;
            record(
                conn,
                tenant_id,
                &Actor::User { id: user.id.clone(), label: email.clone() },
                "user.signup",
                ("user", Some(&user.id)),
                json!({ "kind": "resident" }),
                now,
            )
        })
    }

    pub fn verify_email(&self, tenant_id: &str, token: &str) -> Result<UserRow, AppError> {
        let now = self.now_ts();
        let hash = sha256_hex(token.trim().as_bytes());
        self.store.write(|conn| {
            let user_id = repo::consume_email_token(conn, tenant_id, "verify", &hash, now)?
                .ok_or(AppError::TokenInvalid)?;
            repo::mark_email_verified(conn, tenant_id, &user_id, now)?;
            let user = repo::user(conn, tenant_id, &user_id)?.ok_or(AppError::NotFound)?;
            record(
                conn,
                tenant_id,
                &Actor::User {
                    id: user.id.clone(),
                    label: user.email.clone(),
                },
                "user.email_verified",
                ("user", Some(&user.id)),
                json!({}),
                now,
            )?;
            Ok(user)
        })
    }

    /// Sends a reset link if the account exists; answers the same either way.
    pub fn request_password_reset(&self, tenant_id: &str, email: &str) -> Result<(), AppError> {
        let (_, key) = normalize_email(email).map_err(|e| AppError::Invalid(vec![e]))?;
        let now = self.now_ts();
        let token = random_token(32);
        self.store.write(|conn| {
            let Some(user) = repo::user_by_email(conn, tenant_id, &key)? else {
                return Ok(());
            };
            if user.disabled_at.is_some() {
                return Ok(());
            }
            insert_email_token(conn, tenant_id, &user.id, "reset", &token, now, 1)?;
            crate::mail::enqueue(
                conn,
                tenant_id,
                &user.email,
                "Ustawienie nowego hasła / Password reset",
                &format!(
                    "Aby ustawić nowe hasło, otwórz link (ważny 1 godzinę):\n{url}/password/reset?token={token}\n\n\
                     Jeśli to nie Ty, zignoruj tę wiadomość.\n\n\
                     To set a new password, open the link above (valid for 1 hour). If it was not you, ignore this message.\n",
                    url = self.settings.public_url
                ),
                now,
            )?;
            record(
                conn,
                tenant_id,
                &Actor::User { id: user.id.clone(), label: user.email.clone() },
                "user.password_reset_requested",
                ("user", Some(&user.id)),
                json!({}),
                now,
            )
        })
    }

    /// Sets a new password from a reset link and signs the user out everywhere.
    pub fn reset_password(
        &self,
        tenant_id: &str,
        token: &str,
        password: &str,
        password_confirm: &str,
    ) -> Result<(), AppError> {
        if let Some(e) = password_error("password", password, &[]) {
            return Err(AppError::Invalid(vec![e]));
        }
        if password != password_confirm {
            return Err(AppError::field(
                "password_confirm",
                "mismatch",
                "Hasła się różnią. Wpisz to samo hasło w obu polach.",
                "The passwords differ. Type the same password in both fields.",
            ));
        }
        let hash = self.hash_password(password)?;
        let now = self.now_ts();
        let token_hash = sha256_hex(token.trim().as_bytes());
        self.store.write(|conn| {
            let user_id = repo::consume_email_token(conn, tenant_id, "reset", &token_hash, now)?
                .ok_or(AppError::TokenInvalid)?;
            let user = repo::user(conn, tenant_id, &user_id)?.ok_or(AppError::NotFound)?;
            let hints = [
                user.email.split('@').next().unwrap_or_default(),
                user.display_name.as_str(),
            ];
            if let Some(e) = password_error("password", password, &hints) {
                return Err(AppError::Invalid(vec![e]));
            }
            repo::set_password(conn, tenant_id, &user_id, &hash, now)?;
            // A reset link proves control of the mailbox, which verifies it too.
            if user.email_verified_at.is_none() {
                repo::mark_email_verified(conn, tenant_id, &user_id, now)?;
            }
            repo::delete_user_sessions(conn, tenant_id, &user_id)?;
            // Proving control of the mailbox lifts a sign-in lock-out of the account.
            repo::clear_login_failures(conn, tenant_id, &user.email_key)?;
            record(
                conn,
                tenant_id,
                &Actor::User {
                    id: user.id.clone(),
                    label: user.email.clone(),
                },
                "user.password_reset",
                ("user", Some(&user.id)),
                json!({}),
                now,
            )
        })
    }
}

fn insert_email_token(
    conn: &mut Db,
    tenant_id: &str,
    user_id: &str,
    purpose: &str,
    token: &str,
    now: i64,
    valid_hours: i64,
) -> Result<(), AppError> {
    repo::insert_email_token(
        conn,
        &EmailTokenRow {
            id: ratusz_store::new_id(),
            tenant_id: tenant_id.to_owned(),
            user_id: user_id.to_owned(),
            purpose: purpose.to_owned(),
            token_hash: sha256_hex(token.as_bytes()),
            created_at: now,
            expires_at: now + valid_hours * 3_600_000_000,
            used_at: None,
        },
    )?;
    Ok(())
}

impl App {
    /// Changes the password of the signed-in user, who proves the current one. Every other
    /// session of the user ends (a thief signed in elsewhere is thrown out).
    pub fn change_password(
        &self,
        principal: &Principal,
        current: &str,
        new: &str,
        confirm: &str,
    ) -> Result<(), AppError> {
        let Via::Session { session_id, .. } = &principal.via else {
            return Err(AppError::Forbidden);
        };
        let user = &principal.user;
        let hash = user.password_hash.clone().unwrap_or_default();
        if !self.verify_password(&hash, current) {
            return Err(AppError::field(
                "current_password",
                "wrong",
                "Obecne hasło jest nieprawidłowe.",
                "The current password is wrong.",
            ));
        }
        let hints = [
            user.email.split('@').next().unwrap_or_default(),
            user.display_name.as_str(),
        ];
        if let Some(e) = password_error("password", new, &hints) {
            return Err(AppError::Invalid(vec![e]));
        }
        if new != confirm {
            return Err(AppError::field(
                "password_confirm",
                "mismatch",
                "Hasła się różnią. Wpisz to samo hasło w obu polach.",
                "The passwords differ. Type the same password in both fields.",
            ));
        }
        if new == current {
            return Err(AppError::field(
                "password",
                "unchanged",
                "Nowe hasło musi być inne niż obecne.",
                "The new password must differ from the current one.",
            ));
        }
        let new_hash = self.hash_password(new)?;
        let now = self.now_ts();
        self.store.write(|conn| {
            repo::set_password(conn, &principal.tenant_id, &user.id, &new_hash, now)?;
            let ended =
                repo::delete_other_sessions(conn, &principal.tenant_id, &user.id, session_id)?;
            record(
                conn,
                &principal.tenant_id,
                &principal.actor(),
                "user.password_change",
                ("user", Some(&user.id)),
                json!({ "other_sessions_ended": ended }),
                now,
            )
        })
    }
}
