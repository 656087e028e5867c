//! API tokens: creation, revocation, and bearer authentication with a short per-node cache.

use super::*;

/// Bearer tokens verified in the last [`TokenCache::TTL_US`], so that an API client's burst of
/// requests costs one database lookup per second instead of one per request. Revoking a token
/// clears this node's cache at once; other nodes notice within the TTL. Token expiry is checked
/// on every hit.
#[derive(Default)]
pub struct TokenCache {
    entries: std::sync::Mutex<std::collections::HashMap<String, CachedToken>>,
}

struct CachedToken {
    fetched_at: i64,
    expires_at: Option<i64>,
    principal: Principal,
}

impl TokenCache {
    pub const TTL_US: i64 = 1_000_000;
    const MAX_ENTRIES: usize = 10_000;

    fn get(&self, hash: &str, now: i64) -> Option<Principal> {
        let map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let e = map.get(hash)?;
        let fresh = now - e.fetched_at < Self::TTL_US && now >= e.fetched_at;
        let unexpired = e.expires_at.is_none_or(|x| x > now);
        (fresh && unexpired).then(|| e.principal.clone())
    }

    fn put(&self, hash: String, now: i64, expires_at: Option<i64>, principal: Principal) {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= Self::MAX_ENTRIES {
            map.retain(|_, e| now - e.fetched_at < Self::TTL_US);
            if map.len() >= Self::MAX_ENTRIES {
                map.clear();
            }
        }
        map.insert(
            hash,
            CachedToken {
                fetched_at: now,
                expires_at,
                principal,
            },
        );
    }

    pub(crate) fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

impl App {
    /// Creates an API token for a user; returns the raw token (shown once) and its record.
    pub fn create_api_token(
        &self,
        tenant_id: &str,
        user_id: &str,
        name: &str,
        scopes: &[String],
        valid_days: Option<i64>,
        actor: &Actor,
    ) -> Result<(String, ApiTokenRow), AppError> {
        const KNOWN: [&str; 3] = ["read", "write", "admin"];
        if scopes.is_empty() || scopes.iter().any(|s| !KNOWN.contains(&s.as_str())) {
            return Err(AppError::field(
                "scopes",
                "format",
                "Zakresy tokenu: read, write, admin (co najmniej jeden).",
                "Token scopes: read, write, admin (at least one).",
            ));
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::field(
                "name",
                "format",
                "Nazwij token (do 100 znaków).",
                "Name the token (up to 100 characters).",
            ));
        }
        let now = self.now_ts();
        let token = format!("rtz_{}", random_token(32));
        self.store.write(|conn| {
            let user = repo::user(conn, tenant_id, user_id)?.ok_or(AppError::NotFound)?;
            let row = ApiTokenRow {
                id: ratusz_store::new_id(),
                tenant_id: tenant_id.to_owned(),
                user_id: user.id.clone(),
                name: name.to_owned(),
                token_hash: sha256_hex(token.as_bytes()),
                scopes: scopes.join(" "),
                created_at: now,
                expires_at: valid_days.map(|d| now + d * 86_400_000_000),
                revoked_at: None,
                last_used_at: None,
            };
            repo::insert_api_token(conn, &row)?;
            record(
                conn,
                tenant_id,
                actor,
                "api_token.create",
                ("api_token", Some(&row.id)),
                json!({ "user": user.email, "name": name, "scopes": scopes }),
                now,
            )?;
            Ok((token, row))
        })
    }

    /// A tenant's API tokens (hashes only; the secret is never stored).
    pub fn api_tokens(&self, tenant_id: &str) -> Result<Vec<ApiTokenRow>, AppError> {
        self.store
            .read(|c| Ok(repo::api_tokens_of_tenant(c, tenant_id)?))
    }

    pub fn revoke_api_token(
        &self,
        tenant_id: &str,
        token_id: &str,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let now = self.now_ts();
        self.token_cache.clear();
        self.store.write(|conn| {
            repo::revoke_api_token(conn, tenant_id, token_id, now)?;
            record(
                conn,
                tenant_id,
                actor,
                "api_token.revoke",
                ("api_token", Some(token_id)),
                json!({}),
                now,
            )
        })
    }

    /// The signed-in person's own tokens (for a mobile app), newest first.
    pub fn my_api_tokens(&self, p: &Principal) -> Result<Vec<ApiTokenRow>, AppError> {
        if !matches!(p.via, crate::accounts::Via::Session { .. }) {
            return Err(AppError::Forbidden);
        }
        self.store
            .read(|c| Ok(repo::api_tokens_of_user(c, &p.tenant_id, &p.user.id)?))
    }

    /// A token of the signed-in person for a mobile app: scope `write` (never `admin`), valid
    /// for `days` (1–365). Only from a signed-in session, so that a token cannot breed tokens.
    pub fn create_my_api_token(
        &self,
        p: &Principal,
        name: &str,
        days: &str,
    ) -> Result<(String, ApiTokenRow), AppError> {
        if !matches!(p.via, crate::accounts::Via::Session { .. }) {
            return Err(AppError::Forbidden);
        }
        let days = match days.trim().parse::<i64>() {
            Ok(n @ 1..=365) => n,
            _ => {
                return Err(AppError::field(
                    "days",
                    "range",
                    "Podaj ważność tokenu w dniach, od 1 do 365.",
                    "Give the token's validity in days, from 1 to 365.",
                ));
            }
        };
        self.create_api_token(
            &p.tenant_id,
            &p.user.id,
            name,
            &["write".to_owned()],
            Some(days),
            &p.actor(),
        )
    }

    /// Revokes one of the signed-in person's own tokens (another's is "not found").
    pub fn revoke_my_api_token(&self, p: &Principal, token_id: &str) -> Result<(), AppError> {
        let mine = self.my_api_tokens(p)?.into_iter().any(|t| t.id == token_id);
        if !mine {
            return Err(AppError::NotFound);
        }
        self.revoke_api_token(&p.tenant_id, token_id, &p.actor())
    }

    /// The principal of a bearer token, if it is valid, unrevoked and unexpired.
    pub fn authenticate_token(&self, token: &str) -> Result<Option<Principal>, AppError> {
        if !token.starts_with("rtz_") || token.len() > 200 {
            return Ok(None);
        }
        let now = self.now_ts();
        let hash = sha256_hex(token.as_bytes());
        if let Some(p) = self.token_cache.get(&hash, now) {
            return Ok(Some(p));
        }
        let found = self.store.read(|conn| {
            let Some((t, user)) = repo::live_token_user(conn, &hash, now)? else {
                return Ok::<_, AppError>(None);
            };
            let grants = grants_of(&repo::roles(conn, &t.tenant_id, &user.id)?);
            let expires_at = t.expires_at;
            Ok(Some((
                expires_at,
                Principal {
                    tenant_id: t.tenant_id.clone(),
                    user,
                    grants,
                    via: Via::Token {
                        token_id: t.id,
                        scopes: t.scopes.split_whitespace().map(str::to_owned).collect(),
                    },
                },
            )))
        })?;
        Ok(found.map(|(expires_at, p)| {
            self.token_cache.put(hash, now, expires_at, p.clone());
            p
        }))
    }
}
