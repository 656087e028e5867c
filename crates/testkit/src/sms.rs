//! A local SMS gateway speaking the part of SMSAPI.pl's published HTTP API that Ratusz uses
//! (<https://www.smsapi.pl/docs>, "Wysyłka SMS"): `POST /sms.do` with a bearer token and a
//! form body.
//!
//! - `to`: numbers separated by commas (with or without the country code 48);
//! - `message`, `from`, `encoding`, `format=json` (the only format served here), `normalize`;
//! - `param1`: one value per number separated by `|`, put in place of `[%1%]` in the message;
//! - `idx`: one external id per number separated by `|`; with `check_idx=1` a request holding
//!   an idx already used is refused whole with error 53, so a resent batch cannot send twice.
//!
//! Answers: `{"count": n, "list": [{"id", "points", "number", "date_sent", "submitted_number",
//! "status": "QUEUE", "idx"}], "invalid_numbers": [{"number", "submitted_number", "message"}]}`
//! or an error object `{"error": code, "message": text}`: 101 authorization failed (HTTP 401),
//! 11 no message, 13 no valid number, 53 idx already used.
//!
//! Faults for tests: the next requests can answer HTTP 500 or hang for a while.

use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Json, Router};
use serde_json::json;

/// One message the gateway accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The number as the gateway normalised it (`48` and nine digits).
    pub number: String,
    /// The text with the parameters put in.
    pub text: String,
    pub sender: String,
    pub idx: Option<String>,
}

/// What the next request meets instead of a normal answer.
#[derive(Debug, Clone, Copy)]
pub enum Fault {
    /// HTTP 500 with an HTML body, as a broken proxy answers.
    Http500,
    /// No answer for this long, then the request is served (a client that gave up has
    /// closed the connection by then, which cancels it: nothing is sent).
    Hang(Duration),
    /// The request is served (the messages are sent), then the answer waits this long: a
    /// client that gives up first never learns they were accepted.
    LoseAnswer(Duration),
}

#[derive(Default)]
struct GwState {
    token: String,
    sent: Mutex<Vec<Sent>>,
    used_idx: Mutex<HashSet<String>>,
    faults: Mutex<VecDeque<Fault>>,
    requests: AtomicUsize,
    count: AtomicUsize,
    record: bool,
}

/// A running gateway; it lives as long as the process.
#[derive(Clone)]
pub struct Gateway {
    /// `http://127.0.0.1:<port>`: the API base, as `https://api.smsapi.pl` is.
    pub base_url: String,
    state: Arc<GwState>,
}

impl Gateway {
    /// Starts a gateway on a free local port, on its own thread and runtime, accepting `token`.
    /// With `record`, accepted messages are kept (tests); without, only counted (benchmarks).
    pub fn start(token: &str, record: bool) -> std::io::Result<Self> {
        let state = Arc::new(GwState {
            token: token.to_owned(),
            record,
            ..GwState::default()
        });
        let port = crate::serve_local(
            Router::new()
                .route("/sms.do", post(send))
                .with_state(state.clone()),
        )?;
        Ok(Gateway {
            base_url: format!("http://127.0.0.1:{port}"),
            state,
        })
    }

    /// The next `n` requests meet `fault`.
    pub fn fail_next(&self, n: usize, fault: Fault) {
        if let Ok(mut f) = self.state.faults.lock() {
            f.extend(std::iter::repeat_n(fault, n));
        }
    }

    /// Messages accepted so far.
    pub fn count(&self) -> usize {
        self.state.count.load(Ordering::Relaxed)
    }

    /// Requests received so far, faulty ones included.
    pub fn requests(&self) -> usize {
        self.state.requests.load(Ordering::Relaxed)
    }

    /// The accepted messages (when recording).
    pub fn sent(&self) -> Vec<Sent> {
        self.state
            .sent
            .lock()
            .map(|v| v.clone())
            .unwrap_or_default()
    }
}

fn error(status: StatusCode, code: u32, message: &str) -> Response {
    (status, Json(json!({ "error": code, "message": message }))).into_response()
}

/// `48` and nine digits, from what a client submitted; `None` when it is not a number.
fn normalise(submitted: &str) -> Option<String> {
    let digits = submitted.trim().trim_start_matches('+');
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match digits.len() {
        9 => Some(format!("48{digits}")),
        11 if digits.starts_with("48") => Some(digits.to_owned()),
        _ => None,
    }
}

async fn send(
    State(st): State<Arc<GwState>>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    st.requests.fetch_add(1, Ordering::Relaxed);
    let fault = st.faults.lock().ok().and_then(|mut f| f.pop_front());
    match fault {
        Some(Fault::Http500) => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "<html><body>500 Internal Server Error</body></html>",
            )
                .into_response();
        }
        Some(Fault::Hang(d)) => tokio::time::sleep(d).await,
        Some(Fault::LoseAnswer(d)) => {
            let answer = serve(&st, &headers, &fields);
            tokio::time::sleep(d).await;
            return answer;
        }
        None => {}
    }
    serve(&st, &headers, &fields)
}

/// Answers one `sms.do` request.
fn serve(st: &GwState, headers: &HeaderMap, fields: &[(String, String)]) -> Response {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if bearer != Some(st.token.as_str()) {
        return error(StatusCode::UNAUTHORIZED, 101, "Authorization failed");
    }
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let message = field("message").unwrap_or("");
    if message.is_empty() {
        return error(StatusCode::OK, 11, "Message is empty");
    }
    let submitted: Vec<&str> = field("to").unwrap_or("").split(',').collect();
    let per_number = |name: &str| -> Vec<Option<String>> {
        let values: Vec<&str> = field(name)
            .map(|v| v.split('|').collect())
            .unwrap_or_default();
        (0..submitted.len())
            .map(|i| values.get(i).map(|v| (*v).to_owned()))
            .collect()
    };
    let params = per_number("param1");
    let idxs = per_number("idx");
    if field("check_idx") == Some("1")
        && let Ok(used) = st.used_idx.lock()
        && idxs.iter().flatten().any(|i| used.contains(i))
    {
        return error(
            StatusCode::OK,
            53,
            "Message with this idx was already sent (check_idx)",
        );
    }
    let sender = field("from").unwrap_or("SMSAPI").to_owned();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (mut list, mut invalid) = (Vec::new(), Vec::new());
    for (i, raw) in submitted.iter().enumerate() {
        let Some(number) = normalise(raw) else {
            invalid.push(json!({
                "number": raw, "submitted_number": raw, "message": "Invalid phone number"
            }));
            continue;
        };
        let text = match &params[i] {
            Some(p) => message.replace("[%1%]", p),
            None => message.to_owned(),
        };
        let n = st.count.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(idx) = &idxs[i]
            && let Ok(mut used) = st.used_idx.lock()
        {
            used.insert(idx.clone());
        }
        if st.record
            && let Ok(mut v) = st.sent.lock()
        {
            v.push(Sent {
                number: number.clone(),
                text,
                sender: sender.clone(),
                idx: idxs[i].clone(),
            });
        }
        list.push(json!({
            "id": format!("{n:016X}"), "points": 0.16, "number": number,
            "date_sent": now, "submitted_number": raw, "status": "QUEUE", "idx": idxs[i],
        }));
    }
    if list.is_empty() {
        return error(StatusCode::OK, 13, "No correct phone numbers");
    }
    Json(json!({ "count": list.len(), "list": list, "invalid_numbers": invalid })).into_response()
}
