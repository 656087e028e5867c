//! placeholder: owned by the core-law helper
