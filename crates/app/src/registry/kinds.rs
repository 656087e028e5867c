//! The registry's enumerations, stored as text. Their Polish and English labels live in the
//! Fluent files (`registry-channel-paper` …), so the code only knows the stable codes.

use crate::FieldError;

/// Declares an enumeration stored as text, with `as_str`, `parse_field` and `ALL`.
macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s.trim() { $($code => Some($name::$variant),)+ _ => None }
            }

            /// Parses a form or API value, naming `field` and the allowed codes on failure.
            pub fn parse_field(field: &str, s: &str) -> Result<Self, FieldError> {
                Self::parse(s).ok_or_else(|| {
                    let allowed = Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ");
                    FieldError::new(
                        field,
                        "unknown-value",
                        format!("Wybierz jedną z wartości: {allowed}."),
                        format!("Choose one of: {allowed}."),
                    )
                })
            }
        }
    };
}

text_enum!(
    /// How an incoming item reached the office (sposób doręczenia).
    Channel {
        Paper = "paper",
        Portal = "portal",
        Email = "email",
        EDelivery = "edelivery",
        Epuap = "epuap",
        Ksef = "ksef",
    }
);

text_enum!(
    /// What an incoming item is (rodzaj przesyłki).
    ItemKind {
        Letter = "letter",
        Application = "application",
        Invoice = "invoice",
        Complaint = "complaint",
        Motion = "motion",
        Petition = "petition",
        PublicInfoRequest = "public_info_request",
        Other = "other",
    }
);

text_enum!(
    /// Who may see an item, a case or a document.
    AccessLevel {
        /// May be published or shown to any staff member of the unit.
        Public = "public",
        /// Staff of the unit (the default).
        Internal = "internal",
        /// Only the handler, the unit's managers and approvers (personal data, sensitive matters).
        Restricted = "restricted",
    }
);

text_enum!(
    /// How an outgoing letter leaves the office.
    DispatchMethod {
        EDelivery = "edelivery",
        Portal = "portal",
        Post = "post",
        RegisteredPost = "registered_post",
        Email = "email",
        InPerson = "in_person",
    }
);

text_enum!(
    /// The manner in an assignment (sposób załatwienia w dekretacji).
    Manner {
        Handle = "handle",
        ForInformation = "for_information",
        ForOpinion = "for_opinion",
        Cooperate = "cooperate",
    }
);

text_enum!(
    /// Kinds of documents in a case file.
    DocumentKind {
        IncomingLetter = "incoming_letter",
        Scan = "scan",
        Attachment = "attachment",
        Letter = "letter",
        Decision = "decision",
        Order = "order",
        Certificate = "certificate",
        DeficiencyNotice = "deficiency_notice",
        DelayNotice = "delay_notice",
        Note = "note",
    }
);

text_enum!(
    /// Where a document is in its life.
    DocumentStatus {
        /// A received or filed document; final as it is.
        Filed = "filed",
        Draft = "draft",
        PendingApproval = "pending_approval",
        Approved = "approved",
        Rejected = "rejected",
        Dispatched = "dispatched",
        /// A draft its author gave up; kept in the file for the record.
        Withdrawn = "withdrawn",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_values_name_the_field() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(*c));
        }
        for k in DocumentStatus::ALL {
            assert_eq!(DocumentStatus::parse(k.as_str()), Some(*k));
        }
        let e = DispatchMethod::parse_field("method", "pigeon").unwrap_err();
        assert_eq!(e.field, "method");
        assert!(e.message_pl.contains("edelivery"));
    }
}
