//! A web server of fixed files, standing in for another service's website (a weather
//! service's CAP feed and alert files): each path answers with its file, or with an HTTP error
//! status a chosen number of times first; hits are counted per path.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

#[derive(Default)]
struct SiteState {
    files: Mutex<HashMap<String, (String, Vec<u8>)>>,
    faults: Mutex<HashMap<String, (u16, usize)>>,
    hits: Mutex<HashMap<String, usize>>,
}

/// A running site; it lives as long as the process.
#[derive(Clone)]
pub struct Site {
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    state: Arc<SiteState>,
}

impl Site {
    /// Starts an empty site on a free local port.
    pub fn start() -> std::io::Result<Self> {
        let state = Arc::new(SiteState::default());
        let port = crate::serve_local(Router::new().fallback(serve).with_state(state.clone()))?;
        Ok(Site {
            base_url: format!("http://127.0.0.1:{port}"),
            state,
        })
    }

    /// Serves `body` as `content_type` at `path` (from now on; replaces what was there).
    pub fn put(&self, path: &str, content_type: &str, body: impl Into<Vec<u8>>) {
        if let Ok(mut f) = self.state.files.lock() {
            f.insert(path.to_owned(), (content_type.to_owned(), body.into()));
        }
    }

    /// The next `times` requests for `path` get HTTP `status` with an empty body.
    pub fn fail(&self, path: &str, status: u16, times: usize) {
        if let Ok(mut f) = self.state.faults.lock() {
            f.insert(path.to_owned(), (status, times));
        }
    }

    /// Requests received for `path` so far (faulty answers included).
    pub fn hits(&self, path: &str) -> usize {
        self.state
            .hits
            .lock()
            .map(|h| h.get(path).copied().unwrap_or(0))
            .unwrap_or(0)
    }
}

async fn serve(State(st): State<Arc<SiteState>>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    if let Ok(mut h) = st.hits.lock() {
        *h.entry(path.clone()).or_default() += 1;
    }
    if let Ok(mut faults) = st.faults.lock()
        && let Some((status, left)) = faults.get_mut(&path)
        && *left > 0
    {
        *left -= 1;
        let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return status.into_response();
    }
    let file = st.files.lock().ok().and_then(|f| f.get(&path).cloned());
    match file {
        Some((ct, body)) => ([(header::CONTENT_TYPE, ct)], body).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
