//! Pure domain of Ratusz: law as code. No I/O, no async, no database.
//!
//! Each legal rule cites its basis in a doc comment and is tested exhaustively.

pub mod alerts;
pub mod calendar;
pub mod cases;
pub mod clock;
pub mod eservices;
pub mod intake;
pub mod letters;
pub mod password;
pub mod registry;
pub mod roles;
pub mod validate;
