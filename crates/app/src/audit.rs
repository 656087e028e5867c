//! Who did what: the actor of a use case and the helper that records an event in the chain.

use ratusz_store::audit::{self, ChainReport, NewEvent};
use ratusz_store::{Db, Store};
use serde::Serialize;

use crate::AppError;

/// Who performs an action. Robots and the CLI act under their own identity, so the audit log
/// always says which of them did what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Actor {
    User { id: String, label: String },
    Robot { name: String },
    Cli { label: String },
    Anonymous { ip: String },
}

impl Actor {
    pub fn kind(&self) -> &'static str {
        match self {
            Actor::User { .. } => "user",
            Actor::Robot { .. } => "robot",
            Actor::Cli { .. } => "cli",
            Actor::Anonymous { .. } => "anonymous",
        }
    }

    pub fn id(&self) -> Option<&str> {
        match self {
            Actor::User { id, .. } => Some(id),
            _ => None,
        }
    }

    pub fn label(&self) -> &str {
        match self {
            Actor::User { label, .. } => label,
            Actor::Robot { name } => name,
            Actor::Cli { label } => label,
            Actor::Anonymous { ip } => ip,
        }
    }

    pub fn cli() -> Self {
        Actor::Cli {
            label: format!(
                "cli:{}",
                std::env::var("USER").unwrap_or_else(|_| "admin".into())
            ),
        }
    }
}

/// Appends an audit event in the caller's write transaction.
pub fn record(
    conn: &mut Db,
    tenant_id: &str,
    actor: &Actor,
    action: &str,
    object: (&str, Option<&str>),
    details: serde_json::Value,
    now: i64,
) -> Result<(), AppError> {
    let details = details.to_string();
    audit::append(
        conn,
        &NewEvent {
            tenant_id,
            actor_kind: actor.kind(),
            actor_id: actor.id(),
            actor_label: actor.label(),
            action,
            object_type: object.0,
            object_id: object.1,
            details: &details,
        },
        now,
    )?;
    Ok(())
}

/// Verifies every tenant's chain.
pub fn verify_all(store: &Store) -> Result<Vec<ChainReport>, AppError> {
    store.read(|conn| {
        let tenants = ratusz_store::tenants::list_tenants(conn)?;
        let mut reports = Vec::with_capacity(tenants.len());
        for t in tenants {
            reports.push(audit::verify(conn, &t.tenant_id)?);
        }
        Ok(reports)
    })
}

impl crate::App {
    /// The chain head: event count and the newest hash (cheap; verifying walks everything).
    pub fn audit_head(&self, tenant_id: &str) -> Result<(i64, String), AppError> {
        self.store.read(|c| Ok(audit::head(c, tenant_id)?))
    }

    /// Verifies one tenant's chain.
    pub fn verify_chain(&self, tenant_id: &str) -> Result<ChainReport, AppError> {
        self.store.read(|c| Ok(audit::verify(c, tenant_id)?))
    }

    /// The newest events of a tenant, newest first, optionally before a sequence number.
    pub fn audit_events(
        &self,
        tenant_id: &str,
        limit: i64,
        before_seq: Option<i64>,
    ) -> Result<Vec<audit::AuditEventRow>, AppError> {
        self.store
            .read(|c| Ok(audit::recent(c, tenant_id, limit, before_seq)?))
    }
}
