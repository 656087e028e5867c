//! Accounts: users, role grants, recovery codes, sessions, login failures, API tokens and
//! e-mail tokens. Secrets (session tokens, API tokens, e-mail tokens, recovery codes) are stored
//! only as SHA-256 hashes; they are high-entropy random values, so a fast hash suffices.

use diesel::prelude::*;

use crate::schema::{
    api_tokens, email_tokens, login_failures, recovery_codes, sessions, user_roles, users,
};
use crate::{Db, Result};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub tenant_id: String,
    pub kind: String,
    pub email: String,
    /// The e-mail address trimmed and lower-cased: the sign-in key, unique per tenant.
    pub email_key: String,
    pub display_name: String,
    pub password_hash: Option<String>,
    pub email_verified_at: Option<i64>,
    pub totp_secret: Option<String>,
    pub totp_enabled_at: Option<i64>,
    /// The 30-second step of the last accepted TOTP code: a code is accepted once (RFC 6238 § 5.2).
    pub totp_last_step: Option<i64>,
    pub disabled_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = user_roles)]
pub struct RoleRow {
    pub id: String,
    pub tenant_id: String,
    pub user_id: String,
    pub role: String,
    pub unit_id: Option<String>,
    pub granted_by: Option<String>,
    pub granted_at: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: String,
    pub tenant_id: String,
    pub user_id: String,
    pub token_hash: String,
    pub csrf_token: String,
    pub mfa_verified: bool,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct ApiTokenRow {
    pub id: String,
    pub tenant_id: String,
    pub user_id: String,
    pub name: String,
    pub token_hash: String,
    /// Space-separated scopes, e.g. `read write`.
    pub scopes: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = email_tokens)]
pub struct EmailTokenRow {
    pub id: String,
    pub tenant_id: String,
    pub user_id: String,
    pub purpose: String,
    pub token_hash: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

// ---- users ----

pub fn insert_user(conn: &mut Db, row: &UserRow) -> Result<()> {
    diesel::insert_into(users::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn user(conn: &mut Db, tenant_id: &str, id: &str) -> Result<Option<UserRow>> {
    Ok(users::table
        .filter(users::tenant_id.eq(tenant_id))
        .filter(users::id.eq(id))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn user_by_email(conn: &mut Db, tenant_id: &str, email_key: &str) -> Result<Option<UserRow>> {
    Ok(users::table
        .filter(users::tenant_id.eq(tenant_id))
        .filter(users::email_key.eq(email_key))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn users_of_kind(conn: &mut Db, tenant_id: &str, kind: &str) -> Result<Vec<UserRow>> {
    Ok(users::table
        .filter(users::tenant_id.eq(tenant_id))
        .filter(users::kind.eq(kind))
        .order(users::email_key.asc())
        .select(UserRow::as_select())
        .load(conn)?)
}

pub fn set_password(conn: &mut Db, tenant_id: &str, id: &str, hash: &str, now: i64) -> Result<()> {
    let n = diesel::update(
        users::table
            .filter(users::tenant_id.eq(tenant_id))
            .filter(users::id.eq(id)),
    )
    .set((users::password_hash.eq(hash), users::updated_at.eq(now)))
    .execute(conn)?;
    found(n)
}

/// Stores a TOTP secret; `enabled_at` is `None` while enrolment is pending.
pub fn set_totp(
    conn: &mut Db,
    tenant_id: &str,
    id: &str,
    secret: Option<&str>,
    enabled_at: Option<i64>,
    now: i64,
) -> Result<()> {
    let n = diesel::update(
        users::table
            .filter(users::tenant_id.eq(tenant_id))
            .filter(users::id.eq(id)),
    )
    .set((
        users::totp_secret.eq(secret),
        users::totp_enabled_at.eq(enabled_at),
        users::updated_at.eq(now),
    ))
    .execute(conn)?;
    found(n)
}

pub fn mark_email_verified(conn: &mut Db, tenant_id: &str, id: &str, now: i64) -> Result<()> {
    let n = diesel::update(
        users::table
            .filter(users::tenant_id.eq(tenant_id))
            .filter(users::id.eq(id)),
    )
    .set((
        users::email_verified_at.eq(Some(now)),
        users::updated_at.eq(now),
    ))
    .execute(conn)?;
    found(n)
}

/// Records that the TOTP code of `step` was accepted, unless that step (or a later one) was
/// already used: returns false for a replayed code. Safe under concurrent sign-ins.
pub fn consume_totp_step(conn: &mut Db, tenant_id: &str, id: &str, step: i64) -> Result<bool> {
    let n = diesel::update(
        users::table
            .filter(users::tenant_id.eq(tenant_id))
            .filter(users::id.eq(id))
            .filter(
                users::totp_last_step
                    .is_null()
                    .or(users::totp_last_step.lt(step)),
            ),
    )
    .set(users::totp_last_step.eq(Some(step)))
    .execute(conn)?;
    Ok(n > 0)
}

/// Disables (`Some(time)`) or re-enables (`None`) an account.
pub fn set_disabled(
    conn: &mut Db,
    tenant_id: &str,
    id: &str,
    at: Option<i64>,
    now: i64,
) -> Result<()> {
    let n = diesel::update(
        users::table
            .filter(users::tenant_id.eq(tenant_id))
            .filter(users::id.eq(id)),
    )
    .set((users::disabled_at.eq(at), users::updated_at.eq(now)))
    .execute(conn)?;
    found(n)
}

/// Deletes the user's sessions except one (after a password change on that session).
pub fn delete_other_sessions(
    conn: &mut Db,
    tenant_id: &str,
    user_id: &str,
    keep: &str,
) -> Result<usize> {
    Ok(diesel::delete(
        sessions::table
            .filter(sessions::tenant_id.eq(tenant_id))
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::id.ne(keep)),
    )
    .execute(conn)?)
}

fn found(n: usize) -> Result<()> {
    if n == 0 {
        Err(crate::StoreError::NotFound)
    } else {
        Ok(())
    }
}

// ---- roles ----

pub fn insert_role(conn: &mut Db, row: &RoleRow) -> Result<()> {
    diesel::insert_into(user_roles::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn roles(conn: &mut Db, tenant_id: &str, user_id: &str) -> Result<Vec<RoleRow>> {
    Ok(user_roles::table
        .filter(user_roles::tenant_id.eq(tenant_id))
        .filter(user_roles::user_id.eq(user_id))
        .order(user_roles::granted_at.asc())
        .select(RoleRow::as_select())
        .load(conn)?)
}

pub fn all_roles(conn: &mut Db, tenant_id: &str) -> Result<Vec<RoleRow>> {
    Ok(user_roles::table
        .filter(user_roles::tenant_id.eq(tenant_id))
        .select(RoleRow::as_select())
        .load(conn)?)
}

// ---- recovery codes ----

pub fn replace_recovery_codes(
    conn: &mut Db,
    tenant_id: &str,
    user_id: &str,
    hashes: &[String],
    now: i64,
) -> Result<()> {
    diesel::delete(
        recovery_codes::table
            .filter(recovery_codes::tenant_id.eq(tenant_id))
            .filter(recovery_codes::user_id.eq(user_id)),
    )
    .execute(conn)?;
    for hash in hashes {
        diesel::insert_into(recovery_codes::table)
            .values((
                recovery_codes::id.eq(crate::new_id()),
                recovery_codes::tenant_id.eq(tenant_id),
                recovery_codes::user_id.eq(user_id),
                recovery_codes::code_hash.eq(hash),
                recovery_codes::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Marks an unused recovery code as used; returns whether one matched.
pub fn use_recovery_code(
    conn: &mut Db,
    tenant_id: &str,
    user_id: &str,
    hash: &str,
    now: i64,
) -> Result<bool> {
    let n = diesel::update(
        recovery_codes::table
            .filter(recovery_codes::tenant_id.eq(tenant_id))
            .filter(recovery_codes::user_id.eq(user_id))
            .filter(recovery_codes::code_hash.eq(hash))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(Some(now)))
    .execute(conn)?;
    Ok(n > 0)
}

pub fn unused_recovery_codes(conn: &mut Db, tenant_id: &str, user_id: &str) -> Result<i64> {
    Ok(recovery_codes::table
        .filter(recovery_codes::tenant_id.eq(tenant_id))
        .filter(recovery_codes::user_id.eq(user_id))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)?)
}

// ---- sessions ----

pub fn insert_session(conn: &mut Db, row: &SessionRow) -> Result<()> {
    diesel::insert_into(sessions::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The live session with this token hash, if any (expiry is checked by the caller's clock).
pub fn session_by_token(
    conn: &mut Db,
    tenant_id: &str,
    token_hash: &str,
) -> Result<Option<SessionRow>> {
    Ok(sessions::table
        .filter(sessions::tenant_id.eq(tenant_id))
        .filter(sessions::token_hash.eq(token_hash))
        .select(SessionRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn mark_session_mfa(conn: &mut Db, tenant_id: &str, id: &str) -> Result<()> {
    let n = diesel::update(
        sessions::table
            .filter(sessions::tenant_id.eq(tenant_id))
            .filter(sessions::id.eq(id)),
    )
    .set(sessions::mfa_verified.eq(true))
    .execute(conn)?;
    found(n)
}

pub fn touch_session(
    conn: &mut Db,
    tenant_id: &str,
    id: &str,
    now: i64,
    expires: i64,
) -> Result<()> {
    diesel::update(
        sessions::table
            .filter(sessions::tenant_id.eq(tenant_id))
            .filter(sessions::id.eq(id)),
    )
    .set((
        sessions::last_seen_at.eq(now),
        sessions::expires_at.eq(expires),
    ))
    .execute(conn)?;
    Ok(())
}

pub fn delete_session(conn: &mut Db, tenant_id: &str, id: &str) -> Result<()> {
    diesel::delete(
        sessions::table
            .filter(sessions::tenant_id.eq(tenant_id))
            .filter(sessions::id.eq(id)),
    )
    .execute(conn)?;
    Ok(())
}

/// Deletes every session of a user ("sign out everywhere"); returns how many.
pub fn delete_user_sessions(conn: &mut Db, tenant_id: &str, user_id: &str) -> Result<usize> {
    Ok(diesel::delete(
        sessions::table
            .filter(sessions::tenant_id.eq(tenant_id))
            .filter(sessions::user_id.eq(user_id)),
    )
    .execute(conn)?)
}

pub fn delete_expired_sessions(conn: &mut Db, now: i64) -> Result<usize> {
    Ok(diesel::delete(sessions::table.filter(sessions::expires_at.lt(now))).execute(conn)?)
}

/// The live sessions of a user, most recently used first.
pub fn user_sessions(
    conn: &mut Db,
    tenant_id: &str,
    user_id: &str,
    now: i64,
) -> Result<Vec<SessionRow>> {
    Ok(sessions::table
        .filter(sessions::tenant_id.eq(tenant_id))
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::expires_at.gt(now))
        .order(sessions::last_seen_at.desc())
        .select(SessionRow::as_select())
        .load(conn)?)
}

pub fn count_sessions(conn: &mut Db, tenant_id: &str, user_id: &str) -> Result<i64> {
    Ok(sessions::table
        .filter(sessions::tenant_id.eq(tenant_id))
        .filter(sessions::user_id.eq(user_id))
        .count()
        .get_result(conn)?)
}

// ---- login throttling ----

pub fn record_login_failure(
    conn: &mut Db,
    tenant_id: &str,
    email_key: &str,
    ip: &str,
    now: i64,
) -> Result<()> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::id.eq(crate::new_id()),
            login_failures::tenant_id.eq(tenant_id),
            login_failures::email_key.eq(email_key),
            login_failures::ip.eq(ip),
            login_failures::at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Failures since `since` for the account and for the IP address.
pub fn login_failures_since(
    conn: &mut Db,
    tenant_id: &str,
    email_key: &str,
    ip: &str,
    since: i64,
) -> Result<(i64, i64)> {
    let by_account = login_failures::table
        .filter(login_failures::tenant_id.eq(tenant_id))
        .filter(login_failures::email_key.eq(email_key))
        .filter(login_failures::at.ge(since))
        .count()
        .get_result(conn)?;
    let by_ip = login_failures::table
        .filter(login_failures::tenant_id.eq(tenant_id))
        .filter(login_failures::ip.eq(ip))
        .filter(login_failures::at.ge(since))
        .count()
        .get_result(conn)?;
    Ok((by_account, by_ip))
}

/// A successful sign-in clears the account's failures.
pub fn clear_login_failures(conn: &mut Db, tenant_id: &str, email_key: &str) -> Result<()> {
    diesel::delete(
        login_failures::table
            .filter(login_failures::tenant_id.eq(tenant_id))
            .filter(login_failures::email_key.eq(email_key)),
    )
    .execute(conn)?;
    Ok(())
}

// ---- API tokens ----

pub fn insert_api_token(conn: &mut Db, row: &ApiTokenRow) -> Result<()> {
    diesel::insert_into(api_tokens::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Looks a token up by hash across tenants: the token itself names its tenant.
pub fn api_token_by_hash(conn: &mut Db, token_hash: &str) -> Result<Option<ApiTokenRow>> {
    Ok(api_tokens::table
        .filter(api_tokens::token_hash.eq(token_hash))
        .select(ApiTokenRow::as_select())
        .first(conn)
        .optional()?)
}

/// A live token with its user in one query: unrevoked, unexpired at `now`, user not disabled.
pub fn live_token_user(
    conn: &mut Db,
    token_hash: &str,
    now: i64,
) -> Result<Option<(ApiTokenRow, UserRow)>> {
    Ok(api_tokens::table
        .inner_join(
            users::table.on(users::id
                .eq(api_tokens::user_id)
                .and(users::tenant_id.eq(api_tokens::tenant_id))),
        )
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::revoked_at.is_null())
        .filter(
            api_tokens::expires_at
                .is_null()
                .or(api_tokens::expires_at.gt(now)),
        )
        .filter(users::disabled_at.is_null())
        .select((ApiTokenRow::as_select(), UserRow::as_select()))
        .first(conn)
        .optional()?)
}

pub fn api_tokens_of_tenant(conn: &mut Db, tenant_id: &str) -> Result<Vec<ApiTokenRow>> {
    Ok(api_tokens::table
        .filter(api_tokens::tenant_id.eq(tenant_id))
        .order(api_tokens::created_at.desc())
        .select(ApiTokenRow::as_select())
        .load(conn)?)
}

/// One user's API tokens, newest first.
pub fn api_tokens_of_user(
    conn: &mut Db,
    tenant_id: &str,
    user_id: &str,
) -> Result<Vec<ApiTokenRow>> {
    Ok(api_tokens::table
        .filter(api_tokens::tenant_id.eq(tenant_id))
        .filter(api_tokens::user_id.eq(user_id))
        .order(api_tokens::created_at.desc())
        .select(ApiTokenRow::as_select())
        .load(conn)?)
}

pub fn revoke_api_token(conn: &mut Db, tenant_id: &str, id: &str, now: i64) -> Result<()> {
    let n = diesel::update(
        api_tokens::table
            .filter(api_tokens::tenant_id.eq(tenant_id))
            .filter(api_tokens::id.eq(id))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(Some(now)))
    .execute(conn)?;
    found(n)
}

// ---- e-mail tokens (verification, password reset) ----

pub fn insert_email_token(conn: &mut Db, row: &EmailTokenRow) -> Result<()> {
    diesel::insert_into(email_tokens::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Consumes an unused, unexpired token of `purpose`; returns the user id it was for.
pub fn consume_email_token(
    conn: &mut Db,
    tenant_id: &str,
    purpose: &str,
    token_hash: &str,
    now: i64,
) -> Result<Option<String>> {
    let row: Option<EmailTokenRow> = email_tokens::table
        .filter(email_tokens::tenant_id.eq(tenant_id))
        .filter(email_tokens::purpose.eq(purpose))
        .filter(email_tokens::token_hash.eq(token_hash))
        .filter(email_tokens::used_at.is_null())
        .filter(email_tokens::expires_at.gt(now))
        .select(EmailTokenRow::as_select())
        .first(conn)
        .optional()?;
    let Some(row) = row else { return Ok(None) };
    diesel::update(email_tokens::table.filter(email_tokens::id.eq(&row.id)))
        .set(email_tokens::used_at.eq(Some(now)))
        .execute(conn)?;
    Ok(Some(row.user_id))
}
