//! Roles and permissions. A role is granted per tenant, optionally scoped to one unit
//! (komórka organizacyjna). Least privilege: a permission is checked against the unit it touches.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The kind of account: staff sign in with mandatory TOTP; residents with optional TOTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    Staff,
    Resident,
    /// A robot or integration acting under its own identity (API tokens only).
    Integration,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Staff => "staff",
            Self::Resident => "resident",
            Self::Integration => "integration",
        }
    }
}

impl FromStr for AccountKind {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "staff" => Ok(Self::Staff),
            "resident" => Ok(Self::Resident),
            "integration" => Ok(Self::Integration),
            _ => Err(UnknownValue(s.to_owned())),
        }
    }
}

/// A role (GLOSSARY: kierownik → Manager, kancelaria → Registrar).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Resident,
    Clerk,
    Manager,
    Registrar,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Resident,
        Role::Clerk,
        Role::Manager,
        Role::Registrar,
        Role::Admin,
    ];
    pub const STAFF: [Role; 4] = [Role::Clerk, Role::Manager, Role::Registrar, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Resident => "resident",
            Self::Clerk => "clerk",
            Self::Manager => "manager",
            Self::Registrar => "registrar",
            Self::Admin => "admin",
        }
    }

    pub fn is_staff(self) -> bool {
        self != Role::Resident
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown value: {0}")]
pub struct UnknownValue(pub String);

impl FromStr for Role {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownValue(s.to_owned()))
    }
}

/// What an action needs. Later capabilities add variants; each is granted by [`Role::grants`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Manage users, units, roles and tenant settings.
    AdminTenant,
    /// Read the audit log.
    ReadAudit,
    /// Read the mail outbox.
    ReadOutbox,
    /// Use the staff panel at all.
    UsePanel,
    /// Use the residents' portal as a signed-in resident.
    UsePortal,
    /// Register incoming items (the registry desk).
    RegisterItems,
    /// Read the whole incoming and outgoing registers.
    ReadRegisters,
    /// Assign (dekretacja) items and cases to a unit and a handler.
    AssignItems,
    /// Open and handle cases: documents, drafts, deadlines, closing.
    HandleCases,
    /// Approve or reject drafts (akceptacja).
    ApproveDocuments,
    /// Register outgoing letters and record their dispatch.
    DispatchOutgoing,
    /// Maintain the file plan (JRWA).
    ManageFilePlan,
    /// Maintain letter templates.
    ManageTemplates,
    /// Hand closed cases over to the office archive.
    ArchiveCases,
    /// Write crisis alerts to residents and send them for approval.
    ComposeAlerts,
    /// Approve (or reject) a crisis alert someone else wrote: the second pair of eyes.
    ApproveAlerts,
}

impl Role {
    /// Whether this role grants `permission`. Unit scope is checked separately by [`Grant::allows`].
    pub fn grants(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => matches!(
                permission,
                AdminTenant
                    | ReadAudit
                    | ReadOutbox
                    | UsePanel
                    | ManageFilePlan
                    | ManageTemplates
                    | ComposeAlerts
                    | ApproveAlerts
            ),
            // The registry desk registers, assigns and dispatches mail for the whole office.
            Role::Registrar => matches!(
                permission,
                UsePanel
                    | RegisterItems
                    | ReadRegisters
                    | AssignItems
                    | DispatchOutgoing
                    | ComposeAlerts
            ),
            Role::Manager => matches!(
                permission,
                UsePanel
                    | RegisterItems
                    | AssignItems
                    | HandleCases
                    | ApproveDocuments
                    | DispatchOutgoing
                    | ManageTemplates
                    | ArchiveCases
                    | ComposeAlerts
                    | ApproveAlerts
            ),
            Role::Clerk => matches!(
                permission,
                UsePanel | RegisterItems | HandleCases | DispatchOutgoing
            ),
            Role::Resident => matches!(permission, UsePortal),
        }
    }
}

impl Permission {
    /// Whether the permission concerns the whole office, so that only a tenant-wide grant
    /// carries it. Others (using the panel or the portal) are held by any grant of the role,
    /// whatever its unit.
    pub fn office_wide(self) -> bool {
        matches!(
            self,
            Permission::AdminTenant
                | Permission::ReadAudit
                | Permission::ReadOutbox
                | Permission::ReadRegisters
                | Permission::ManageFilePlan
        )
    }

    /// The API-token scope level the permission needs: 1 read, 2 write, 3 admin.
    pub fn token_level(self) -> u8 {
        match self {
            Permission::AdminTenant | Permission::ManageFilePlan => 3,
            Permission::RegisterItems
            | Permission::AssignItems
            | Permission::HandleCases
            | Permission::ApproveDocuments
            | Permission::DispatchOutgoing
            | Permission::ManageTemplates
            | Permission::ArchiveCases
            | Permission::ComposeAlerts
            | Permission::ApproveAlerts => 2,
            _ => 1,
        }
    }
}

/// One granted role, tenant-wide (`unit == None`) or scoped to a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub unit: Option<uuid::Uuid>,
}

impl Grant {
    /// A grant allows `permission` on `unit` when the role grants it and the scope covers the
    /// target: a tenant-wide grant covers every unit; a unit grant covers only its unit, and
    /// actions without a unit only when the permission is not office-wide.
    pub fn allows(&self, permission: Permission, unit: Option<uuid::Uuid>) -> bool {
        self.role.grants(permission)
            && match (self.unit, unit) {
                (None, _) => true,
                (Some(scope), Some(target)) => scope == target,
                (Some(_), None) => !permission.office_wide(),
            }
    }
}

/// Whether any of `grants` allows `permission` on `unit`.
pub fn allowed(grants: &[Grant], permission: Permission, unit: Option<uuid::Uuid>) -> bool {
    grants.iter().any(|g| g.allows(permission, unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
        assert!("boss".parse::<Role>().is_err());
    }

    #[test]
    fn unit_scope_limits_a_grant() {
        let a = uuid::Uuid::now_v7();
        let b = uuid::Uuid::now_v7();
        let g = Grant {
            role: Role::Clerk,
            unit: Some(a),
        };
        assert!(g.allows(Permission::UsePanel, Some(a)));
        assert!(!g.allows(Permission::UsePanel, Some(b)));
        // A clerk of a unit uses the panel (no unit targeted)…
        assert!(g.allows(Permission::UsePanel, None));
        // …but a unit-scoped grant never carries an office-wide permission.
        let unit_admin = Grant {
            role: Role::Admin,
            unit: Some(a),
        };
        assert!(!unit_admin.allows(Permission::AdminTenant, None));
        assert!(!unit_admin.allows(Permission::ReadAudit, None));
        let wide = Grant {
            role: Role::Admin,
            unit: None,
        };
        assert!(wide.allows(Permission::AdminTenant, Some(b)));
        assert!(!g.allows(Permission::AdminTenant, Some(a)));
        assert!(!allowed(&[], Permission::UsePanel, None));
    }

    #[test]
    fn residents_never_reach_the_panel() {
        let g = Grant {
            role: Role::Resident,
            unit: None,
        };
        assert!(!g.allows(Permission::UsePanel, None));
        assert!(g.allows(Permission::UsePortal, None));
    }
}
