//! placeholder: owned by the password-policy helper
