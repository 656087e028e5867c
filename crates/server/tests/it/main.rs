//! The one integration-test binary: drives the real app over HTTP, on SQLite always and on
//! PostgreSQL too when `RATUSZ_TEST_PG_URL` is set (each test gets its own schema there).

mod support;

mod smoke;

mod alerts;
mod alerts_duty;
mod alerts_feeds;
mod alerts_push;
mod alerts_sms;
mod antivirus;
mod audit_chain;
mod auth;
mod bad_input;
mod cli;
mod durability;
mod eservices;
mod fuzz;
mod intake;
mod isolation;
mod jobs;
mod portal;
mod registry;
mod schema;
