//! Local stand-ins for services outside Ratusz, for the integration tests and the benchmarks
//! (`ratusz bench alerts`), never for the product: the product talks to a real SMTP relay and a
//! real SMS gateway and the browsers' own push services.
//!
//! - [`smtp::Sink`]: an SMTP server with RFC 5321's minimum command set that accepts every
//!   message (or refuses chosen recipients) and records the recipients it accepted.
//! - [`sms::Gateway`]: an HTTP server implementing the part of SMSAPI.pl's published HTTP API
//!   (`POST /sms.do`) that Ratusz uses, with the faults a real gateway shows (HTTP 500, a hang,
//!   invalid numbers, a repeated `idx`).
//! - [`push::PushService`]: a web push service (RFC 8030) that holds its browsers' keys,
//!   decrypts every message (RFC 8291) and checks its VAPID signature (RFC 8292), with
//!   expired subscriptions (410) and server faults.
//! - [`site::Site`]: a web server of fixed files with chosen HTTP errors (another service's
//!   CAP feed).
//!
//! They exist once here so that the tests and the benchmark binary share them.

pub mod push;
pub mod site;
pub mod sms;
pub mod smtp;

/// Serves `app` on a free local port, on its own thread and runtime (it lives as long as the
/// process); returns the port.
pub(crate) fn serve_local(app: axum::Router) -> std::io::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let port = listener.local_addr()?.port();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let listener = rt.block_on(async { tokio::net::TcpListener::from_std(listener) })?;
    std::thread::spawn(move || {
        let _ = rt.block_on(axum::serve(listener, app).into_future());
    });
    Ok(port)
}
