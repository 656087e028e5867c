//! Sign-in: password, then TOTP or a recovery code; TOTP enrolment; sessions.

use super::*;

fn totp_for(secret_b32: &str, account: &str) -> Result<TOTP, AppError> {
    let bytes = Secret::Encoded(secret_b32.to_owned())
        .to_bytes()
        .map_err(|_| AppError::Internal("stored TOTP secret is not base32".into()))?;
    TOTP::new(
        TotpAlg::SHA1,
        6,
        1,
        30,
        bytes,
        Some(TOTP_ISSUER.to_owned()),
        account.to_owned(),
    )
    .map_err(|e| AppError::Internal(format!("TOTP: {e}")))
}

/// The 30-second step (current, previous or next, for clock drift) whose code equals `code`.
fn matching_step(totp: &TOTP, code: &str, now_secs: i64) -> Option<i64> {
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let current = now_secs.max(0) / 30;
    [current, current - 1, current + 1]
        .into_iter()
        .find(|&step| {
            step >= 0
                && constant_time_eq(
                    totp.generate((step * 30) as u64).as_bytes(),
                    code.as_bytes(),
                )
        })
}

/// Equality of secrets in time that does not depend on where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Recovery codes look like `ab12-cd34-ef56-gh78` (80 bits); stored as SHA-256.
fn new_recovery_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    let mut out = String::with_capacity(19);
    for i in 0..16 {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        let idx = (rng.next_u32() as usize) % ALPHABET.len();
        out.push(char::from(ALPHABET[idx]));
    }
    out
}

fn normalize_recovery_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl App {
    /// First step of sign-in: e-mail and password. Throttled per account and per IP.
    pub fn sign_in(
        &self,
        tenant_id: &str,
        email: &str,
        password: &str,
        ip: &str,
        user_agent: Option<&str>,
    ) -> Result<NewSession, AppError> {
        let key = email.trim().to_lowercase();
        let now = self.now_ts();
        let since = now - THROTTLE_WINDOW_SECS * 1_000_000;
        let (by_account, by_ip) = self.store.read(|c| {
            repo::login_failures_since(c, tenant_id, &key, ip, since).map_err(AppError::from)
        })?;
        if by_account >= MAX_FAILURES_PER_ACCOUNT || by_ip >= MAX_FAILURES_PER_IP {
            return Err(AppError::Throttled {
                retry_after_secs: THROTTLE_WINDOW_SECS,
            });
        }
        let user = self
            .store
            .read(|c| repo::user_by_email(c, tenant_id, &key).map_err(AppError::from))?;
        let ok = match &user {
            Some(u) => {
                let hash = u.password_hash.clone().unwrap_or_default();
                self.verify_password(&hash, password) && u.disabled_at.is_none()
            }
            None => {
                let _ = self.verify_password(&dummy_hash(self), password);
                false
            }
        };
        let Some(user) = user.filter(|_| ok) else {
            self.store.write(|conn| {
                repo::record_login_failure(conn, tenant_id, &key, ip, now)?;
                record(
                    conn,
                    tenant_id,
                    &Actor::Anonymous { ip: ip.to_owned() },
                    "auth.sign_in_failed",
                    ("account", None),
                    json!({ "email": key }),
                    now,
                )
            })?;
            return Err(AppError::BadCredentials);
        };
        if user.kind == AccountKind::Resident.as_str() && user.email_verified_at.is_none() {
            return Err(AppError::Conflict("email_not_verified".into()));
        }
        let state = if user.totp_enabled_at.is_some() {
            SessionState::NeedsTotp
        } else if user.kind == AccountKind::Staff.as_str() {
            SessionState::NeedsEnrolment
        } else {
            SessionState::Full
        };
        let token = random_token(32);
        let idle = self.settings.session_idle.whole_microseconds() as i64;
        self.store.write(|conn| {
            repo::clear_login_failures(conn, tenant_id, &key)?;
            repo::insert_session(
                conn,
                &SessionRow {
                    id: ratusz_store::new_id(),
                    tenant_id: tenant_id.to_owned(),
                    user_id: user.id.clone(),
                    token_hash: sha256_hex(token.as_bytes()),
                    csrf_token: random_token(24),
                    mfa_verified: state == SessionState::Full,
                    created_at: now,
                    last_seen_at: now,
                    expires_at: now + idle,
                    ip: Some(ip.to_owned()),
                    user_agent: user_agent.map(|s| s.chars().take(300).collect()),
                },
            )?;
            let action = if state == SessionState::Full {
                "auth.sign_in"
            } else {
                "auth.password_accepted"
            };
            record(
                conn,
                tenant_id,
                &Actor::User {
                    id: user.id.clone(),
                    label: user.email.clone(),
                },
                action,
                ("user", Some(&user.id)),
                json!({ "ip": ip }),
                now,
            )
        })?;
        Ok(NewSession {
            token,
            state,
            staff: user.kind == AccountKind::Staff.as_str(),
        })
    }

    /// Second step: a TOTP code or a recovery code. Failures count towards the account's limit.
    pub fn verify_second_factor(
        &self,
        principal: &Principal,
        code: &str,
        ip: &str,
    ) -> Result<(), AppError> {
        let Via::Session {
            session_id,
            state: SessionState::NeedsTotp,
            ..
        } = &principal.via
        else {
            return Err(AppError::Forbidden);
        };
        let user = &principal.user;
        let tenant_id = &principal.tenant_id;
        let now = self.now_ts();
        let since = now - THROTTLE_WINDOW_SECS * 1_000_000;
        let (by_account, _) = self.store.read(|c| {
            repo::login_failures_since(c, tenant_id, &user.email_key, ip, since)
                .map_err(AppError::from)
        })?;
        if by_account >= MAX_FAILURES_PER_ACCOUNT {
            return Err(AppError::Throttled {
                retry_after_secs: THROTTLE_WINDOW_SECS,
            });
        }
        let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let step = match &user.totp_secret {
            Some(secret) => matching_step(
                &totp_for(secret, &user.email)?,
                &digits,
                self.clock.now().unix_timestamp(),
            ),
            None => None,
        };
        let accepted = self.store.write(|conn| {
            // A code is accepted once: a replayed one (same or older step) counts as wrong.
            let totp_ok = match step {
                Some(step) => repo::consume_totp_step(conn, tenant_id, &user.id, step)?,
                None => false,
            };
            let recovery_used = !totp_ok && {
                let normalized = normalize_recovery_code(code);
                normalized.len() == 16
                    && repo::use_recovery_code(
                        conn,
                        tenant_id,
                        &user.id,
                        &sha256_hex(normalized.as_bytes()),
                        now,
                    )?
            };
            if !totp_ok && !recovery_used {
                // Committed (the closure returns Ok): failures count towards the lock-out
                // and stay in the audit log.
                repo::record_login_failure(conn, tenant_id, &user.email_key, ip, now)?;
                record(
                    conn,
                    tenant_id,
                    &principal.actor(),
                    "auth.second_factor_failed",
                    ("user", Some(&user.id)),
                    json!({ "ip": ip }),
                    now,
                )?;
                return Ok::<_, AppError>(false);
            }
            repo::mark_session_mfa(conn, tenant_id, session_id)?;
            repo::clear_login_failures(conn, tenant_id, &user.email_key)?;
            record(
                conn,
                tenant_id,
                &principal.actor(),
                "auth.sign_in",
                ("user", Some(&user.id)),
                json!({ "ip": ip, "factor": if recovery_used { "recovery_code" } else { "totp" } }),
                now,
            )?;
            Ok(true)
        })?;
        if accepted {
            Ok(())
        } else {
            Err(AppError::BadTotp)
        }
    }

    /// Starts (or restarts) TOTP enrolment: a fresh secret, not yet active.
    pub fn begin_enrolment(&self, principal: &Principal) -> Result<Enrolment, AppError> {
        if principal.user.totp_enabled_at.is_some() {
            return Err(AppError::Conflict("totp_already_enabled".into()));
        }
        let secret = match &principal.user.totp_secret {
            Some(s) => s.clone(),
            None => {
                let mut bytes = [0u8; 20];
                rand::thread_rng().fill_bytes(&mut bytes);
                let s = Secret::Raw(bytes.to_vec()).to_encoded().to_string();
                let now = self.now_ts();
                self.store.write(|c| {
                    repo::set_totp(
                        c,
                        &principal.tenant_id,
                        &principal.user.id,
                        Some(&s),
                        None,
                        now,
                    )
                    .map_err(AppError::from)
                })?;
                s
            }
        };
        let t = totp_for(&secret, &principal.user.email)?;
        Ok(Enrolment {
            secret_base32: secret,
            otpauth_url: t.get_url(),
        })
    }

    /// Confirms enrolment with a first code; returns the recovery codes (shown once).
    pub fn confirm_enrolment(
        &self,
        principal: &Principal,
        code: &str,
    ) -> Result<Vec<String>, AppError> {
        let Via::Session { session_id, .. } = &principal.via else {
            return Err(AppError::Forbidden);
        };
        let user = &principal.user;
        if user.totp_enabled_at.is_some() {
            return Err(AppError::Conflict("totp_already_enabled".into()));
        }
        let secret = user
            .totp_secret
            .clone()
            .ok_or(AppError::Conflict("enrolment_not_started".into()))?;
        let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let ok = digits.len() == 6
            && totp_for(&secret, &user.email)?
                .check(&digits, self.clock.now().unix_timestamp().max(0) as u64);
        if !ok {
            return Err(AppError::field(
                "code",
                "bad-code",
                "Kod się nie zgadza. Sprawdź, czy zegar telefonu jest dokładny, i wpisz aktualny 6-cyfrowy kod.",
                "The code does not match. Check that your phone's clock is right and enter the current 6-digit code.",
            ));
        };
        let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
        let hashes: Vec<String> = codes
            .iter()
            .map(|c| sha256_hex(normalize_recovery_code(c).as_bytes()))
            .collect();
        let now = self.now_ts();
        self.store.write(|conn| {
            repo::set_totp(
                conn,
                &principal.tenant_id,
                &user.id,
                Some(&secret),
                Some(now),
                now,
            )?;
            repo::replace_recovery_codes(conn, &principal.tenant_id, &user.id, &hashes, now)?;
            repo::mark_session_mfa(conn, &principal.tenant_id, session_id)?;
            record(
                conn,
                &principal.tenant_id,
                &principal.actor(),
                "user.totp_enabled",
                ("user", Some(&user.id)),
                json!({}),
                now,
            )
        })?;
        Ok(codes)
    }

    /// The principal of a session cookie, if the session is alive. Slides the expiry.
    pub fn resolve_session(
        &self,
        tenant_id: &str,
        token: &str,
    ) -> Result<Option<Principal>, AppError> {
        let now = self.now_ts();
        let hash = sha256_hex(token.as_bytes());
        let found = self.store.read(|conn| -> Result<_, AppError> {
            let Some(s) = repo::session_by_token(conn, tenant_id, &hash)? else {
                return Ok(None);
            };
            if s.expires_at <= now {
                return Ok(None);
            }
            let Some(user) = repo::user(conn, tenant_id, &s.user_id)? else {
                return Ok(None);
            };
            if user.disabled_at.is_some() {
                return Ok(None);
            }
            let grants = grants_of(&repo::roles(conn, tenant_id, &user.id)?);
            Ok(Some((s, user, grants)))
        })?;
        let Some((s, user, grants)) = found else {
            return Ok(None);
        };
        // Touch at most once a minute: one write per minute per session, not per request.
        if now - s.last_seen_at > 60_000_000 {
            let idle = self.settings.session_idle.whole_microseconds() as i64;
            self.store.write(|c| {
                repo::touch_session(c, tenant_id, &s.id, now, now + idle).map_err(AppError::from)
            })?;
        }
        let state = if s.mfa_verified {
            SessionState::Full
        } else if user.totp_enabled_at.is_some() {
            SessionState::NeedsTotp
        } else if user.kind == AccountKind::Staff.as_str() {
            SessionState::NeedsEnrolment
        } else {
            SessionState::Full
        };
        Ok(Some(Principal {
            tenant_id: tenant_id.to_owned(),
            user,
            grants,
            via: Via::Session {
                session_id: s.id,
                csrf: s.csrf_token,
                state,
            },
        }))
    }

    pub fn sign_out(&self, principal: &Principal) -> Result<(), AppError> {
        let Via::Session { session_id, .. } = &principal.via else {
            return Ok(());
        };
        let now = self.now_ts();
        self.store.write(|conn| {
            repo::delete_session(conn, &principal.tenant_id, session_id)?;
            record(
                conn,
                &principal.tenant_id,
                &principal.actor(),
                "auth.sign_out",
                ("user", Some(&principal.user.id)),
                json!({}),
                now,
            )
        })
    }

    /// Ends every session of the user (all browsers and devices).
    pub fn sign_out_everywhere(&self, principal: &Principal) -> Result<usize, AppError> {
        let now = self.now_ts();
        self.store.write(|conn| {
            let n = repo::delete_user_sessions(conn, &principal.tenant_id, &principal.user.id)?;
            record(
                conn,
                &principal.tenant_id,
                &principal.actor(),
                "auth.sign_out_everywhere",
                ("user", Some(&principal.user.id)),
                json!({ "sessions": n }),
                now,
            )?;
            Ok(n)
        })
    }
}

/// A signed-in device as its owner sees it (never the token).
#[derive(Debug, Clone)]
pub struct DeviceSession {
    pub last_seen_at: i64,
    pub created_at: i64,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub current: bool,
}

impl App {
    /// The principal's live sessions, marking the one in use.
    pub fn my_sessions(&self, principal: &Principal) -> Result<Vec<DeviceSession>, AppError> {
        let current = match &principal.via {
            Via::Session { session_id, .. } => Some(session_id.clone()),
            Via::Token { .. } => None,
        };
        let now = self.now_ts();
        let rows = self
            .store
            .read(|c| repo::user_sessions(c, &principal.tenant_id, &principal.user.id, now))?;
        Ok(rows
            .into_iter()
            .map(|s| DeviceSession {
                current: current.as_deref() == Some(s.id.as_str()),
                last_seen_at: s.last_seen_at,
                created_at: s.created_at,
                ip: s.ip,
                user_agent: s.user_agent,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_are_long_and_normalise() {
        let c = new_recovery_code();
        assert_eq!(c.len(), 19);
        assert_eq!(normalize_recovery_code(&c).len(), 16);
        assert_eq!(
            normalize_recovery_code(&c.to_uppercase()),
            normalize_recovery_code(&c)
        );
        assert_ne!(new_recovery_code(), c);
    }
}
