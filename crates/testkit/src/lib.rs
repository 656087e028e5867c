//! Local stand-ins for services outside Ratusz, for the integration tests and the benchmarks
//! (`ratusz bench alerts`), never for the product: the product talks to a real SMTP relay and a
//! real SMS gateway.
//!
//! - [`smtp::Sink`]: an SMTP server with RFC 5321's minimum command set that accepts every
//!   message (or refuses chosen recipients) and records the recipients it accepted.
//! - [`sms::Gateway`]: an HTTP server implementing the part of SMSAPI.pl's published HTTP API
//!   (`POST /sms.do`) that Ratusz uses, with the faults a real gateway shows (HTTP 500, a hang,
//!   invalid numbers, a repeated `idx`).
//!
//! Both exist once here so that the tests and the benchmark binary share them.

pub mod sms;
pub mod smtp;
