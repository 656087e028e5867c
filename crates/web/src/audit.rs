//! The audit log page: the chain's integrity and the latest events.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use ratusz_core::roles::Permission;
use serde::Deserialize;

use crate::AppState;
use crate::ctx::{Ctx, PageQuery};
use crate::errors::PageError;
use crate::pages::{PageCtx, render};
use crate::panel::{format_ts, gate};

pub struct EventView {
    pub seq: i64,
    pub when: String,
    pub actor: String,
    pub action: String,
    /// The action in plain words (the code stays visible for support).
    pub label: String,
    pub object: String,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    page: PageCtx,
    section: &'static str,
    head_count: i64,
    head_hash: String,
    /// The result of a full verification, when asked for (`?verify=1`): it walks every event.
    chain: Option<(bool, String)>,
    events: Vec<EventView>,
    older: Option<i64>,
    is_older_page: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AuditQuery {
    before: Option<i64>,
    verify: Option<String>,
}

const PAGE_SIZE: i64 = 100;

pub async fn audit_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PageQuery(q): PageQuery<AuditQuery>,
) -> Result<Response, PageError> {
    if let Err(r) = gate(&ctx, Permission::ReadAudit)? {
        return Ok(r);
    }
    let t = ctx.tr();
    let tid = ctx.tenant.tenant_id.clone();
    let verify = q.verify.is_some();
    let before = q.before.filter(|b| *b > 0);
    let (head, report, rows) = state
        .app
        .blocking(move |a| {
            let report = if verify {
                Some(a.verify_chain(&tid)?)
            } else {
                None
            };
            Ok((
                a.audit_head(&tid)?,
                report,
                a.audit_events(&tid, PAGE_SIZE, before)?,
            ))
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    let chain = report.map(|r| match &r.first_break {
        None => (true, t.t1("audit-chain-ok", "count", &r.events.to_string())),
        Some(b) => (
            false,
            t.t1(
                "audit-chain-bad",
                "detail",
                &format!("#{}: {}", b.seq, b.problem),
            ),
        ),
    });
    let older = rows
        .last()
        .map(|e| e.seq)
        .filter(|s| *s > 1 && rows.len() as i64 == PAGE_SIZE);
    let events = rows
        .into_iter()
        .map(|e| EventView {
            seq: e.seq,
            when: format_ts(e.at),
            actor: e.actor_label,
            label: t.t(&format!("action-{}", e.action.replace(['.', '_'], "-"))),
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
        head_count: head.0,
        head_hash: head.1,
        chain,
        events,
        older,
        is_older_page: before.is_some(),
    })
}
