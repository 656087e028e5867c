//! A local SMTP server: RFC 5321's minimum (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT),
//! one thread per connection. It accepts every message, except to recipients containing the
//! refusal marker, which it refuses with `550` as a real server refuses an unknown mailbox.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// A running sink; it lives as long as the process.
#[derive(Clone)]
pub struct Sink {
    pub port: u16,
    accepted: Arc<Mutex<Vec<String>>>,
    count: Arc<AtomicUsize>,
    record: bool,
}

impl Sink {
    /// Starts a sink on a free local port. Recipients containing `refuse` (when given) are
    /// refused. With `record`, the accepted recipients are kept (tests); without, only counted
    /// (a benchmark's hundred thousand messages).
    pub fn start(refuse: Option<&str>, record: bool) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let sink = Sink {
            port: listener.local_addr()?.port(),
            accepted: Arc::new(Mutex::new(Vec::new())),
            count: Arc::new(AtomicUsize::new(0)),
            record,
        };
        let refuse = refuse.map(str::to_owned);
        let shared = sink.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let sink = shared.clone();
                let refuse = refuse.clone();
                std::thread::spawn(move || sink.serve(stream, refuse.as_deref()));
            }
        });
        Ok(sink)
    }

    /// Messages accepted so far.
    pub fn count(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }

    /// The recipients (the RCPT line's address) of the accepted messages, in order.
    pub fn accepted(&self) -> Vec<String> {
        self.accepted.lock().map(|v| v.clone()).unwrap_or_default()
    }

    fn serve(&self, stream: TcpStream, refuse: Option<&str>) {
        // Replies go out at once (no Nagle delay), as a real MTA's do.
        let _ = stream.set_nodelay(true);
        let Ok(read) = stream.try_clone() else { return };
        let mut reader = BufReader::new(read);
        let mut out = stream;
        let _ = out.write_all(b"220 sink ESMTP\r\n");
        let (mut line, mut rcpt, mut in_data) = (String::new(), String::new(), false);
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if in_data {
                if line == ".\r\n" {
                    in_data = false;
                    self.count.fetch_add(1, Ordering::Relaxed);
                    if self.record
                        && let Ok(mut v) = self.accepted.lock()
                    {
                        v.push(rcpt.clone());
                    }
                    let _ = out.write_all(b"250 queued\r\n");
                }
                continue;
            }
            let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
            let reply: &[u8] = match verb.as_str() {
                "EHLO" => b"250-sink\r\n250-PIPELINING\r\n250 8BITMIME\r\n",
                "HELO" => b"250 sink\r\n",
                "RCPT" => {
                    rcpt = address(&line);
                    if refuse.is_some_and(|r| rcpt.contains(r)) {
                        b"550 5.1.1 no such user\r\n"
                    } else {
                        b"250 ok\r\n"
                    }
                }
                "DATA" => {
                    in_data = true;
                    b"354 go on\r\n"
                }
                "QUIT" => {
                    let _ = out.write_all(b"221 bye\r\n");
                    return;
                }
                _ => b"250 ok\r\n",
            };
            let _ = out.write_all(reply);
        }
    }
}

/// The address between `<` and `>` of a MAIL or RCPT line.
fn address(line: &str) -> String {
    let start = line.find('<').map_or(0, |i| i + 1);
    let end = line[start..].find('>').map_or(line.len(), |i| start + i);
    line[start..end].trim().to_owned()
}
