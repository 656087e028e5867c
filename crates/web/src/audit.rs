//! The audit log page: the chain's integrity and the latest events.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use ratusz_core::roles::Permission;

use crate::AppState;
use crate::ctx::Ctx;
use crate::errors::PageError;
use crate::pages::{PageCtx, render};
use crate::panel::{format_ts, gate};

pub struct EventView {
    pub seq: i64,
    pub when: String,
    pub actor: String,
    pub action: String,
    pub object: String,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    page: PageCtx,
    section: &'static str,
    chain_ok: bool,
    chain_text: String,
    events: Vec<EventView>,
}

pub async fn audit_page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    if let Err(r) = gate(&ctx, Permission::ReadAudit)? {
        return Ok(r);
    }
    let t = ctx.tr();
    let tid = ctx.tenant.tenant_id.clone();
    let (report, rows) = state
        .app
        .blocking(move |a| Ok((a.verify_chain(&tid)?, a.audit_events(&tid, 100, None)?)))
        .await
        .map_err(|e| ctx.fail(e))?;
    let (chain_ok, chain_text) = match &report.first_break {
        None => (
            true,
            t.t1("audit-chain-ok", "count", &report.events.to_string()),
        ),
        Some(b) => (
            false,
            t.t1(
                "audit-chain-bad",
                "detail",
                &format!("#{}: {}", b.seq, b.problem),
            ),
        ),
    };
    let events = rows
        .into_iter()
        .map(|e| EventView {
            seq: e.seq,
            when: format_ts(e.at),
            actor: e.actor_label,
            action: e.action,
            object: match e.object_id {
                Some(id) => format!("{} {}", e.object_type, id),
                None => e.object_type,
            },
        })
        .collect();
    render(&AuditPage {
        page: PageCtx::new(&ctx, "audit-title"),
        section: "audit",
        chain_ok,
        chain_text,
        events,
    })
}
