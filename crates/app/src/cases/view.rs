//! What a clerk sees: the case view (file, log, deadline, parties, actions) and "my work".

use ratusz_core::cases::{DueStatus, due_status};
use ratusz_core::registry::ArchiveCategory;
use ratusz_store::casefiles::{self as files, ApprovalStepRow, DocumentRow, DocumentVersionRow};
use ratusz_store::cases::{self as repo, CaseLogRow, CasePartyRow, CasePauseRow, CaseRow};
use ratusz_store::registry::{
    self as reg, AssignmentRow, IncomingFilter, IncomingItemRow, OutgoingFilter, OutgoingItemRow,
};
use serde::Serialize;

use super::deadlines;
use crate::accounts::Principal;
use crate::registry::parse_iso;
use crate::{App, AppError};

/// Cases due within this many days are "due soon".
pub const DUE_SOON_DAYS: u32 = 7;

#[derive(Debug, Clone, Serialize)]
pub struct DocumentView {
    pub document: DocumentRow,
    pub versions: Vec<DocumentVersionRow>,
    pub steps: Vec<ApprovalStepRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    pub case: CaseRow,
    pub unit_symbol: String,
    pub unit_name: String,
    pub handler_name: Option<String>,
    pub class_heading: String,
    pub category: Option<String>,
    pub parties: Vec<CasePartyRow>,
    pub documents: Vec<DocumentView>,
    pub log: Vec<CaseLogRow>,
    pub assignments: Vec<AssignmentRow>,
    pub pauses: Vec<CasePauseRow>,
    pub related: Vec<CaseRow>,
    pub outgoing: Vec<OutgoingItemRow>,
    pub item: Option<IncomingItemRow>,
    pub due_explanation_pl: String,
    pub due_explanation_en: String,
    pub due_status: Option<String>,
    pub stopped_since: Option<String>,
    pub retention_pl: Option<String>,
    pub retention_en: Option<String>,
    /// People who may approve drafts of this case's unit (id, name).
    pub approvers: Vec<(String, String)>,
    /// Staff of the unit who may handle the case (id, name).
    pub unit_staff: Vec<(String, String)>,
    /// Names of users mentioned in the log, assignments and steps (id → name).
    pub names: std::collections::BTreeMap<String, String>,
}

/// One line of "my work".
#[derive(Debug, Clone, Serialize)]
pub struct WorkItem {
    /// `case`, `item` or `approval`.
    pub kind: String,
    pub id: String,
    pub sign: String,
    pub title: String,
    pub due: Option<String>,
    /// `overdue`, `due_soon`, `on_time` or none.
    pub due_status: Option<String>,
    pub status: String,
    /// For approvals: the document waiting.
    pub document_id: Option<String>,
}

fn status_code(s: DueStatus) -> &'static str {
    match s {
        DueStatus::Overdue => "overdue",
        DueStatus::DueSoon => "due_soon",
        DueStatus::OnTime => "on_time",
    }
}

impl App {
    pub fn case_view(&self, p: &Principal, id: &str) -> Result<CaseView, AppError> {
        let case = self.case(p, id)?;
        let today = self.clock.today_warsaw();
        self.store.read(|c| {
            let t = &p.tenant_id;
            let unit = ratusz_store::tenants::unit(c, t, &case.unit_id)?;
            let class = reg::file_class(c, t, &case.class_symbol)?;
            let docs = files::of_case(c, t, &case.id)?;
            let mut documents = Vec::new();
            for d in docs {
                let versions = files::versions(c, t, &d.id)?;
                let steps = files::steps(c, t, &d.id)?;
                documents.push(DocumentView {
                    document: d,
                    versions,
                    steps,
                });
            }
            let pauses = repo::pauses(c, t, &case.id)?;
            let due = deadlines::compute(&case, &pauses)?;
            let category = class.as_ref().and_then(|k| k.category.clone());
            let retention = match (&category, case.closed_on.as_deref().and_then(parse_iso)) {
                (Some(cat), Some(closed)) => cat
                    .parse::<ArchiveCategory>()
                    .ok()
                    .map(|c| c.retention(closed)),
                _ => None,
            };
            let log = repo::log(c, t, &case.id)?;
            let assignments = reg::assignments_of(c, t, "case", &case.id)?;
            let roles = ratusz_store::accounts::all_roles(c, t)?;
            let staff = ratusz_store::accounts::users_of_kind(c, t, "staff")?;
            let name_of = |id: &str| {
                staff
                    .iter()
                    .find(|u| u.id == id)
                    .map(|u| u.display_name.clone())
            };
            let mut approvers = Vec::new();
            let mut unit_staff = Vec::new();
            for r in &roles {
                let in_unit = r.unit_id.as_deref() == Some(case.unit_id.as_str());
                let Some(name) = name_of(&r.user_id) else {
                    continue;
                };
                if r.role == "manager"
                    && (in_unit || r.unit_id.is_none())
                    && !approvers.iter().any(|(i, _)| *i == r.user_id)
                {
                    approvers.push((r.user_id.clone(), name.clone()));
                }
                if in_unit
                    && (r.role == "clerk" || r.role == "manager")
                    && !unit_staff.iter().any(|(i, _)| *i == r.user_id)
                {
                    unit_staff.push((r.user_id.clone(), name));
                }
            }
            let names = staff
                .iter()
                .map(|u| (u.id.clone(), u.display_name.clone()))
                .collect();
            let item = match &case.incoming_item_id {
                Some(i) => reg::incoming(c, t, i)?,
                None => None,
            };
            let outgoing = reg::list_outgoing(
                c,
                t,
                &OutgoingFilter {
                    case_id: Some(case.id.clone()),
                    ..Default::default()
                },
                100,
                0,
            )?;
            Ok(CaseView {
                unit_symbol: unit.as_ref().map(|u| u.symbol.clone()).unwrap_or_default(),
                unit_name: unit.map(|u| u.name).unwrap_or_default(),
                handler_name: case.handler_id.as_deref().and_then(name_of),
                class_heading: class.map(|k| k.heading).unwrap_or_default(),
                category,
                parties: repo::parties(c, t, &case.id)?,
                documents,
                log,
                assignments,
                related: repo::related(c, t, &case.id)?,
                outgoing,
                item,
                due_explanation_pl: due.explain_pl(),
                due_explanation_en: due.explain_en(),
                due_status: match (&case.closed_on, due.due) {
                    (None, Some(d)) => {
                        Some(status_code(due_status(d, today, DUE_SOON_DAYS)).to_owned())
                    }
                    _ => None,
                },
                stopped_since: due.stopped_since.map(crate::registry::iso),
                retention_pl: retention.as_ref().map(|r| r.explain_pl()),
                retention_en: retention.as_ref().map(|r| r.explain_en()),
                pauses,
                approvers,
                unit_staff,
                names,
                case,
            })
        })
    }

    /// "My work": open cases I handle, items assigned to me not yet in a case, and drafts
    /// waiting for my approval — soonest deadline first, overdue and due-soon marked.
    pub fn my_work(&self, p: &Principal, limit: i64) -> Result<Vec<WorkItem>, AppError> {
        let today = self.clock.today_warsaw();
        let mark = |due: Option<&str>| {
            due.and_then(parse_iso)
                .map(|d| status_code(due_status(d, today, DUE_SOON_DAYS)).to_owned())
        };
        let mut out: Vec<WorkItem> = Vec::new();
        let (cases, items, unread) = self.store.read(|c| {
            let mut cases = repo::open_for_handler(c, &p.tenant_id, &p.user.id, limit)?;
            let items = reg::list_incoming(
                c,
                &p.tenant_id,
                &IncomingFilter {
                    handler_id: Some(p.user.id.clone()),
                    without_case: true,
                    ..Default::default()
                },
                limit,
                0,
            )?;
            // A manager also gets what was assigned to the unit without a handler.
            let managed: Vec<String> = p
                .grants
                .iter()
                .filter(|g| g.role == ratusz_core::roles::Role::Manager)
                .filter_map(|g| g.unit.map(|u| u.to_string()))
                .collect();
            let mut items = items;
            if !managed.is_empty() {
                cases.extend(repo::open_without_handler(
                    c,
                    &p.tenant_id,
                    &managed,
                    limit,
                )?);
                items.extend(reg::list_incoming(
                    c,
                    &p.tenant_id,
                    &IncomingFilter {
                        units: Some(managed),
                        without_case: true,
                        without_handler: true,
                        ..Default::default()
                    },
                    limit,
                    0,
                )?);
            }
            let mut with_due = Vec::new();
            for item in items {
                let due = reg::assignments_of(c, &p.tenant_id, "item", &item.id)?
                    .into_iter()
                    .rfind(|a| a.superseded_at.is_none())
                    .and_then(|a| a.deadline);
                with_due.push((item, due));
            }
            // Cases whose applicant wrote through the portal since the case was last opened.
            let ids: Vec<String> = cases.iter().map(|k| k.id.clone()).collect();
            let unread =
                ratusz_store::eservices::contact::unread_in_by_case(c, &p.tenant_id, &ids)?;
            Ok::<_, AppError>((cases, with_due, unread))
        })?;
        let mut messages = Vec::new();
        for (case_id, n) in unread {
            if let Some(case) = cases.iter().find(|k| k.id == case_id) {
                messages.push(WorkItem {
                    kind: "message".into(),
                    due_status: None,
                    id: case.id.clone(),
                    sign: case.sign.clone(),
                    title: format!("{} ({n})", case.title),
                    due: None,
                    status: case.status.clone(),
                    document_id: None,
                });
            }
        }
        for case in cases {
            out.push(WorkItem {
                kind: "case".into(),
                due_status: mark(case.due_date.as_deref()),
                id: case.id,
                sign: case.sign,
                title: case.title,
                due: case.due_date,
                status: case.status,
                document_id: None,
            });
        }
        for (item, due) in items {
            out.push(WorkItem {
                kind: "item".into(),
                due_status: mark(due.as_deref()),
                id: item.id,
                sign: item.item_ref,
                title: item.title,
                due,
                status: "assigned".into(),
                document_id: None,
            });
        }
        for (step, doc, case) in self.my_approvals(p)? {
            out.push(WorkItem {
                kind: "approval".into(),
                due_status: mark(case.due_date.as_deref()),
                id: case.id,
                sign: case.sign,
                title: doc.title,
                due: case.due_date,
                status: step.status,
                document_id: Some(doc.id),
            });
        }
        out.sort_by(|a, b| match (&a.due, &b.due) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.sign.cmp(&b.sign),
        });
        // New letters from applicants first: someone is waiting for an answer.
        messages.extend(out);
        Ok(messages)
    }
}
