//! Staff accounts and their roles.

use super::*;

impl App {
    /// Creates a staff account with one role (CLI, admin panel, demo).
    pub fn create_staff(
        &self,
        tenant_id: &str,
        new: &NewStaff,
        actor: &Actor,
    ) -> Result<UserRow, AppError> {
        let mut errors = Vec::new();
        let email = normalize_email(&new.email).map_err(|e| errors.push(e)).ok();
        let name = validate_display_name(&new.display_name)
            .map_err(|e| errors.push(e))
            .ok();
        let local = new.email.split('@').next().unwrap_or_default();
        if let Some(e) = password_error("password", &new.password, &[local, &new.display_name]) {
            errors.push(e);
        }
        if new.role == Role::Resident {
            errors.push(FieldError::new(
                "role",
                "format",
                "Konto mieszkańca zakłada sam mieszkaniec w portalu. Wybierz rolę pracownika.",
                "Residents sign up themselves in the portal. Choose a staff role.",
            ));
        }
        if crate::tenants::role_needs_unit(new.role) && new.unit_id.is_none() {
            errors.push(FieldError::new(
                "unit",
                "required",
                "Referent i kierownik pracują w komórce: wybierz komórkę.",
                "A clerk or manager works in a unit: choose the unit.",
            ));
        }
        let (Some((email, key)), Some(name), true) = (email, name, errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let hash = self.hash_password(&new.password)?;
        let now = self.now_ts();
        self.store.write(|conn| {
            if let Some(unit) = &new.unit_id
                && ratusz_store::tenants::unit(conn, tenant_id, unit)?.is_none()
            {
                return Err(AppError::field(
                    "unit",
                    "unknown",
                    "Wybrana komórka nie istnieje w tej gminie.",
                    "The chosen unit does not exist in this municipality.",
                ));
            }
            if repo::user_by_email(conn, tenant_id, &key)?.is_some() {
                return Err(email_taken());
            }
            let user = UserRow {
                email_verified_at: Some(now),
                totp_secret: new.totp_secret.clone(),
                totp_enabled_at: new.totp_secret.as_ref().map(|_| now),
                ..new_user(
                    tenant_id,
                    AccountKind::Staff,
                    &email,
                    &key,
                    &name,
                    Some(hash),
                    now,
                )
            };
            repo::insert_user(conn, &user)?;
            record(
                conn,
                tenant_id,
                actor,
                "user.create",
                ("user", Some(&user.id)),
                json!({ "email": email, "kind": "staff" }),
                now,
            )?;
            grant_role_tx(
                conn,
                tenant_id,
                &user.id,
                new.role,
                new.unit_id.as_deref(),
                actor,
                now,
            )?;
            Ok(user)
        })
    }

    pub fn grant_role(
        &self,
        tenant_id: &str,
        user_id: &str,
        role: Role,
        unit_id: Option<&str>,
        actor: &Actor,
    ) -> Result<(), AppError> {
        if crate::tenants::role_needs_unit(role) && unit_id.is_none() {
            return Err(AppError::field(
                "unit",
                "required",
                "Referent i kierownik pracują w komórce: wybierz komórkę.",
                "A clerk or manager works in a unit: choose the unit.",
            ));
        }
        if role == Role::Resident {
            return Err(AppError::field(
                "role",
                "format",
                "Rolę mieszkańca ma każde konto mieszkańca; pracownikowi nadaj rolę pracownika.",
                "Every resident account has the resident role; give staff a staff role.",
            ));
        }
        let now = self.now_ts();
        // A permission change takes effect at once for this node's cached API tokens.
        self.token_cache.clear();
        self.store.write(|conn| {
            if repo::user(conn, tenant_id, user_id)?.is_none() {
                return Err(AppError::NotFound);
            }
            grant_role_tx(conn, tenant_id, user_id, role, unit_id, actor, now)
        })
    }

    /// Integration accounts (robots, external systems) of a tenant.
    pub fn integrations(&self, tenant_id: &str) -> Result<Vec<UserRow>, AppError> {
        self.store.read(|c| {
            Ok(repo::users_of_kind(
                c,
                tenant_id,
                AccountKind::Integration.as_str(),
            )?)
        })
    }

    pub fn staff(&self, tenant_id: &str) -> Result<Vec<(UserRow, Vec<RoleRow>)>, AppError> {
        self.store.read(|conn| {
            let users = repo::users_of_kind(conn, tenant_id, AccountKind::Staff.as_str())?;
            let roles = repo::all_roles(conn, tenant_id)?;
            Ok(users
                .into_iter()
                .map(|u| {
                    let r = roles
                        .iter()
                        .filter(|r| r.user_id == u.id)
                        .cloned()
                        .collect();
                    (u, r)
                })
                .collect())
        })
    }

    pub fn user(&self, tenant_id: &str, id: &str) -> Result<Option<UserRow>, AppError> {
        self.store.read(|c| Ok(repo::user(c, tenant_id, id)?))
    }

    pub fn user_by_email(&self, tenant_id: &str, email: &str) -> Result<Option<UserRow>, AppError> {
        let key = email.trim().to_lowercase();
        self.store
            .read(|c| Ok(repo::user_by_email(c, tenant_id, &key)?))
    }

    /// Removes a user's TOTP and recovery codes and signs them out everywhere; a staff user must
    /// enrol again at the next sign-in (lost phone).
    pub fn reset_mfa(&self, tenant_id: &str, user_id: &str, actor: &Actor) -> Result<(), AppError> {
        let now = self.now_ts();
        self.store.write(|conn| {
            repo::set_totp(conn, tenant_id, user_id, None, None, now)?;
            repo::replace_recovery_codes(conn, tenant_id, user_id, &[], now)?;
            repo::delete_user_sessions(conn, tenant_id, user_id)?;
            record(
                conn,
                tenant_id,
                actor,
                "user.mfa_reset",
                ("user", Some(user_id)),
                json!({}),
                now,
            )
        })
    }
}

fn grant_role_tx(
    conn: &mut Db,
    tenant_id: &str,
    user_id: &str,
    role: Role,
    unit_id: Option<&str>,
    actor: &Actor,
    now: i64,
) -> Result<(), AppError> {
    let existing = repo::roles(conn, tenant_id, user_id)?;
    if existing
        .iter()
        .any(|r| r.role == role.as_str() && r.unit_id.as_deref() == unit_id)
    {
        return Ok(());
    }
    repo::insert_role(
        conn,
        &RoleRow {
            id: ratusz_store::new_id(),
            tenant_id: tenant_id.to_owned(),
            user_id: user_id.to_owned(),
            role: role.as_str().into(),
            unit_id: unit_id.map(str::to_owned),
            granted_by: actor.id().map(str::to_owned),
            granted_at: now,
        },
    )?;
    record(
        conn,
        tenant_id,
        actor,
        "role.grant",
        ("user", Some(user_id)),
        json!({ "role": role.as_str(), "unit": unit_id }),
        now,
    )
}

impl App {
    /// Disables or re-enables an account. Disabling ends its sessions and stops its API tokens
    /// at once on this node (other nodes: within the token cache's second). Nobody disables
    /// their own account, so an office cannot lock out its last administrator by mistake.
    pub fn set_user_disabled(
        &self,
        tenant_id: &str,
        user_id: &str,
        disabled: bool,
        actor: &Actor,
    ) -> Result<UserRow, AppError> {
        if disabled && actor.id() == Some(user_id) {
            return Err(AppError::field(
                "user",
                "self",
                "Nie możesz wyłączyć własnego konta. Poproś o to innego administratora.",
                "You cannot disable your own account. Ask another administrator.",
            ));
        }
        let now = self.now_ts();
        self.token_cache.clear();
        self.store.write(|conn| {
            let user = repo::user(conn, tenant_id, user_id)?.ok_or(AppError::NotFound)?;
            repo::set_disabled(conn, tenant_id, user_id, disabled.then_some(now), now)?;
            if disabled {
                repo::delete_user_sessions(conn, tenant_id, user_id)?;
            }
            record(
                conn,
                tenant_id,
                actor,
                if disabled {
                    "user.disable"
                } else {
                    "user.enable"
                },
                ("user", Some(user_id)),
                json!({ "email": user.email }),
                now,
            )?;
            Ok(user)
        })
    }
}

/// The sign-in key of an integration account: integrations have no mailbox, so the key is made
/// from the name under the reserved `.invalid` domain (RFC 2606) and can never receive mail.
pub fn integration_key(name: &str) -> String {
    let slug: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    format!("{slug}@integrations.invalid")
}

impl App {
    /// An integration (robot or external system) acting under its own identity, so the audit
    /// log says which one did what. It has no password and cannot sign in to the web pages;
    /// it works only with API tokens. Created with its role on first use, reused afterwards.
    pub fn ensure_integration(
        &self,
        tenant_id: &str,
        name: &str,
        role: Role,
        unit_id: Option<&str>,
        actor: &Actor,
    ) -> Result<UserRow, AppError> {
        let display = name.trim();
        let key = integration_key(display);
        if display.chars().count() < 2 || key.starts_with('@') {
            return Err(AppError::field(
                "name",
                "format",
                "Nazwij integrację (co najmniej 2 znaki, np. „Robot KSeF”).",
                "Name the integration (at least 2 characters, e.g. \"KSeF robot\").",
            ));
        }
        if role == Role::Resident || role == Role::Admin {
            return Err(AppError::field(
                "role",
                "format",
                "Integracja może mieć rolę referenta, kierownika albo kancelarii, nie administratora.",
                "An integration may be a clerk, manager or registry desk, not an administrator.",
            ));
        }
        if crate::tenants::role_needs_unit(role) && unit_id.is_none() {
            return Err(AppError::field(
                "unit",
                "required",
                "Referent i kierownik pracują w komórce: podaj komórkę.",
                "A clerk or manager works in a unit: give the unit.",
            ));
        }
        // Robots call this for every item they handle: a read answers all but the first call,
        // without taking the writers' turn.
        if let Some(existing) = self
            .store
            .read(|c| Ok::<_, AppError>(repo::user_by_email(c, tenant_id, &key)?))?
            && existing.kind == AccountKind::Integration.as_str()
        {
            return Ok(existing);
        }
        let now = self.now_ts();
        self.store.write(|conn| {
            if let Some(existing) = repo::user_by_email(conn, tenant_id, &key)? {
                if existing.kind != AccountKind::Integration.as_str() {
                    return Err(AppError::Conflict("not_an_integration".into()));
                }
                return Ok(existing);
            }
            let user = new_user(
                tenant_id,
                AccountKind::Integration,
                &key,
                &key,
                display,
                None,
                now,
            );
            repo::insert_user(conn, &user)?;
            record(
                conn,
                tenant_id,
                actor,
                "user.create",
                ("user", Some(&user.id)),
                json!({ "kind": "integration", "name": display }),
                now,
            )?;
            grant_role_tx(conn, tenant_id, &user.id, role, unit_id, actor, now)?;
            Ok(user)
        })
    }
}
