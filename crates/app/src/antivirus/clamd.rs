//! The client of ClamAV's daemon, clamd.
//!
//! The protocol itself (`zINSTREAM`, 4-byte big-endian length-prefixed chunks ended by a zero
//! length, `zPING`) is spoken by the `clamav-client` crate. What it leaves to the caller is here:
//! connecting with timeouts (its own transports block for ever on a hung daemon), a cap on the
//! size of a reply, keeping clamd's answer when clamd closes the stream early (its
//! `StreamMaxLength`), and reading the reply into a [`Verdict`] instead of a yes/no.
//!
//! When scanning is configured, nothing unscanned is stored: a daemon that cannot be reached or
//! answers nonsense fails the upload ([`ScanError`] → [`crate::AppError::AntivirusUnavailable`]).

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
#[cfg(unix)]
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use clamav_client::TransportProtocol;

/// Where clamd listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClamdAddress {
    /// `tcp://host:port`
    Tcp(String),
    /// `unix:/run/clamav/clamd.ctl`
    Unix(PathBuf),
}

impl FromStr for ClamdAddress {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if let Some(rest) = s.strip_prefix("tcp://") {
            let rest = rest.trim_end_matches('/');
            let port_ok = rest
                .rsplit_once(':')
                .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
            if !port_ok {
                return Err(format!(
                    "clamd address `{s}`: expected tcp://HOST:PORT, e.g. tcp://127.0.0.1:3310"
                ));
            }
            return Ok(ClamdAddress::Tcp(rest.to_owned()));
        }
        if let Some(rest) = s.strip_prefix("unix:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            if !path.starts_with('/') {
                return Err(format!(
                    "clamd address `{s}`: expected unix:/ABSOLUTE/PATH, e.g. unix:/run/clamav/clamd.ctl"
                ));
            }
            return Ok(ClamdAddress::Unix(PathBuf::from(path)));
        }
        Err(format!(
            "clamd address `{s}`: expected tcp://HOST:PORT or unix:/PATH, e.g. tcp://127.0.0.1:3310 or unix:/run/clamav/clamd.ctl"
        ))
    }
}

impl std::fmt::Display for ClamdAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClamdAddress::Tcp(a) => write!(f, "tcp://{a}"),
            ClamdAddress::Unix(p) => write!(f, "unix:{}", p.display()),
        }
    }
}

/// What clamd said about a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Clean,
    /// The name of the signature that matched, e.g. `Win.Test.EICAR_HDB-1`.
    Infected(String),
}

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// Larger than clamd accepts on a stream (`StreamMaxLength`); it cannot be scanned whole.
    #[error("file larger than clamd's StreamMaxLength ({limit} bytes)")]
    TooLarge { limit: usize },
    #[error("clamd at {address}: {source}")]
    Io {
        address: String,
        #[source]
        source: io::Error,
    },
    /// clamd answered with an error of its own (e.g. out of memory, database reload).
    #[error("clamd reported: {0}")]
    Clamd(String),
    #[error("clamd gave an unexpected reply: {0:?}")]
    Protocol(String),
}

/// A clamd client with its limits. Cheap to clone; every call opens its own connection (clamd
/// serves one command per connection unless a session is opened).
#[derive(Debug, Clone)]
pub struct Scanner {
    pub address: ClamdAddress,
    /// Connecting (TCP) may take this long.
    pub connect_timeout: Duration,
    /// Each read or write may wait this long; a scan of a large file takes a while.
    pub io_timeout: Duration,
    /// The most clamd accepts on a stream: keep it at or below clamd's `StreamMaxLength`.
    pub stream_max_bytes: usize,
}

/// Bytes sent per INSTREAM chunk.
const CHUNK: usize = 64 * 1024;
/// clamd's replies are one short line; anything longer is not clamd.
const MAX_REPLY: usize = 4 * 1024;

impl Scanner {
    /// Defaults that suit a clamd on the same machine or network: 5 s to connect, 120 s per
    /// read (clamd's own `MaxScanTime` default is 120 s), 25 MiB a stream (Debian's
    /// `StreamMaxLength`).
    pub fn new(address: ClamdAddress) -> Self {
        Self {
            address,
            connect_timeout: Duration::from_secs(5),
            io_timeout: Duration::from_secs(120),
            stream_max_bytes: 25 * 1024 * 1024,
        }
    }

    /// Scans bytes held in memory.
    pub fn scan(&self, bytes: &[u8]) -> Result<Verdict, ScanError> {
        if bytes.len() > self.stream_max_bytes {
            return Err(ScanError::TooLarge {
                limit: self.stream_max_bytes,
            });
        }
        let reply = clamav_client::scan_buffer(bytes, self, Some(CHUNK)).map_err(|e| self.io(e))?;
        parse_scan_reply(&reply, self.stream_max_bytes)
    }

    /// Asks clamd whether it is there (`zPING` → `PONG`).
    pub fn ping(&self) -> Result<(), ScanError> {
        let reply = clamav_client::ping(self).map_err(|e| self.io(e))?;
        let text = reply_text(&reply);
        if text == "PONG" {
            Ok(())
        } else {
            Err(ScanError::Protocol(text))
        }
    }

    fn io(&self, source: io::Error) -> ScanError {
        ScanError::Io {
            address: self.address.to_string(),
            source,
        }
    }
}

impl TransportProtocol for Scanner {
    type Stream = Conn;

    fn connect(&self) -> io::Result<Conn> {
        let socket = match &self.address {
            ClamdAddress::Tcp(addr) => {
                let mut last = None;
                let mut connected = None;
                for sa in addr.to_socket_addrs()? {
                    match TcpStream::connect_timeout(&sa, self.connect_timeout) {
                        Ok(s) => {
                            connected = Some(s);
                            break;
                        }
                        Err(e) => last = Some(e),
                    }
                }
                let s = connected.ok_or_else(|| {
                    last.unwrap_or_else(|| {
                        io::Error::new(io::ErrorKind::NotFound, "host name has no address")
                    })
                })?;
                s.set_read_timeout(Some(self.io_timeout))?;
                s.set_write_timeout(Some(self.io_timeout))?;
                Socket::Tcp(s)
            }
            #[cfg(unix)]
            ClamdAddress::Unix(path) => {
                let s = UnixStream::connect(path)?;
                s.set_read_timeout(Some(self.io_timeout))?;
                s.set_write_timeout(Some(self.io_timeout))?;
                Socket::Unix(s)
            }
            #[cfg(not(unix))]
            ClamdAddress::Unix(_) => {
                return Err(io::Error::new(
                    io::ErrorKind::Unsupported,
                    "Unix sockets are not available on this system",
                ));
            }
        };
        Ok(Conn::new(socket))
    }
}

enum Socket {
    Tcp(TcpStream),
    #[cfg(unix)]
    Unix(UnixStream),
    /// In-memory peer for the framing tests.
    #[cfg(test)]
    Memory(tests::Peer),
}

/// A connection to clamd that caps the reply and, when clamd hangs up while data is still being
/// sent (it does so past `StreamMaxLength`), stops sending but still reads what clamd said.
pub struct Conn {
    socket: Socket,
    peer_closed: bool,
    read: usize,
}

impl Conn {
    fn new(socket: Socket) -> Self {
        Self {
            socket,
            peer_closed: false,
            read: 0,
        }
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.read >= MAX_REPLY {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "reply longer than any clamd reply",
            ));
        }
        let room = (MAX_REPLY - self.read).min(buf.len());
        let n = match &mut self.socket {
            Socket::Tcp(s) => s.read(&mut buf[..room]),
            #[cfg(unix)]
            Socket::Unix(s) => s.read(&mut buf[..room]),
            #[cfg(test)]
            Socket::Memory(p) => p.read(&mut buf[..room]),
        };
        match n {
            Ok(n) => {
                self.read += n;
                Ok(n)
            }
            // After clamd hung up on a stream, a reset may follow its last words.
            Err(e) if self.peer_closed && e.kind() == io::ErrorKind::ConnectionReset => Ok(0),
            Err(e) => Err(e),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.peer_closed {
            return Ok(buf.len());
        }
        let r = match &mut self.socket {
            Socket::Tcp(s) => s.write(buf),
            #[cfg(unix)]
            Socket::Unix(s) => s.write(buf),
            #[cfg(test)]
            Socket::Memory(p) => p.write(buf),
        };
        match r {
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset
                ) =>
            {
                // The rest is discarded; the reply (or its absence) tells what happened.
                self.peer_closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.peer_closed {
            return Ok(());
        }
        match &mut self.socket {
            Socket::Tcp(s) => s.flush(),
            #[cfg(unix)]
            Socket::Unix(s) => s.flush(),
            #[cfg(test)]
            Socket::Memory(p) => p.flush(),
        }
    }
}

/// The reply as text, without the NUL that ends replies to `z` commands.
fn reply_text(reply: &[u8]) -> String {
    String::from_utf8_lossy(reply)
        .trim_end_matches(['\0', '\n', '\r', ' '])
        .to_owned()
}

/// Reads clamd's answer to `zINSTREAM`: `stream: OK`, `stream: <name> FOUND`, or
/// `<message> ERROR`.
pub fn parse_scan_reply(reply: &[u8], stream_max_bytes: usize) -> Result<Verdict, ScanError> {
    let text = reply_text(reply);
    if text.is_empty() {
        return Err(ScanError::Protocol(
            "connection closed without a reply".into(),
        ));
    }
    if let Some(rest) = text.strip_prefix("stream: ") {
        if rest == "OK" {
            return Ok(Verdict::Clean);
        }
        if let Some(name) = rest.strip_suffix(" FOUND") {
            let name = name.trim();
            if !name.is_empty() {
                return Ok(Verdict::Infected(name.to_owned()));
            }
        }
    }
    if let Some(message) = text.strip_suffix("ERROR") {
        let message = message.trim().trim_end_matches('.').to_owned();
        if message.contains("size limit exceeded") {
            return Err(ScanError::TooLarge {
                limit: stream_max_bytes,
            });
        }
        return Err(ScanError::Clamd(message));
    }
    Err(ScanError::Protocol(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};

    /// What the client wrote and what the "daemon" answers.
    #[derive(Clone, Default)]
    pub(super) struct Peer {
        pub sent: Arc<Mutex<Vec<u8>>>,
        pub reply: Arc<Mutex<VecDeque<u8>>>,
        /// Accept this many bytes, then behave like a closed socket.
        pub accept: Option<usize>,
    }

    impl Read for Peer {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let mut r = self.reply.lock().unwrap();
            let n = buf.len().min(r.len());
            for b in buf.iter_mut().take(n) {
                *b = r.pop_front().unwrap();
            }
            Ok(n)
        }
    }

    impl Write for Peer {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let mut sent = self.sent.lock().unwrap();
            if let Some(max) = self.accept
                && sent.len() + buf.len() > max
            {
                return Err(io::ErrorKind::BrokenPipe.into());
            }
            sent.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    struct Fake(Peer);

    impl TransportProtocol for Fake {
        type Stream = Conn;
        fn connect(&self) -> io::Result<Conn> {
            Ok(Conn::new(Socket::Memory(self.0.clone())))
        }
    }

    fn peer(reply: &[u8]) -> Peer {
        Peer {
            reply: Arc::new(Mutex::new(reply.iter().copied().collect())),
            ..Peer::default()
        }
    }

    #[test]
    fn instream_framing() {
        let p = peer(b"stream: OK\0");
        let data: Vec<u8> = (0..(CHUNK + 10)).map(|i| (i % 251) as u8).collect();
        let reply = clamav_client::scan_buffer(&data, Fake(p.clone()), Some(CHUNK)).unwrap();
        assert_eq!(parse_scan_reply(&reply, 1 << 20).unwrap(), Verdict::Clean);
        let sent = p.sent.lock().unwrap().clone();
        let mut expected = b"zINSTREAM\0".to_vec();
        expected.extend_from_slice(&[0, 1, 0, 0]); // 65536, big-endian
        expected.extend_from_slice(&data[..CHUNK]);
        expected.extend_from_slice(&[0, 0, 0, 10]);
        expected.extend_from_slice(&data[CHUNK..]);
        expected.extend_from_slice(&[0, 0, 0, 0]); // end of stream
        assert_eq!(sent.len(), expected.len());
        assert!(sent == expected, "framing differs");
    }

    #[test]
    fn ping_framing() {
        let p = peer(b"PONG\0");
        let reply = clamav_client::ping(Fake(p.clone())).unwrap();
        assert_eq!(reply_text(&reply), "PONG");
        assert_eq!(p.sent.lock().unwrap().as_slice(), b"zPING\0");
    }

    #[test]
    fn replies() {
        let parse = |r: &[u8]| parse_scan_reply(r, 100);
        assert_eq!(parse(b"stream: OK\0").unwrap(), Verdict::Clean);
        assert_eq!(
            parse(b"stream: Win.Test.EICAR_HDB-1 FOUND\0").unwrap(),
            Verdict::Infected("Win.Test.EICAR_HDB-1".into())
        );
        assert_eq!(
            parse(b"stream: Eicar-Test-Signature.UNOFFICIAL FOUND\0").unwrap(),
            Verdict::Infected("Eicar-Test-Signature.UNOFFICIAL".into())
        );
        assert!(matches!(
            parse(b"INSTREAM size limit exceeded. ERROR\0"),
            Err(ScanError::TooLarge { limit: 100 })
        ));
        match parse(b"stream: Can't allocate memory ERROR\0") {
            Err(ScanError::Clamd(m)) => assert_eq!(m, "stream: Can't allocate memory"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(parse(b""), Err(ScanError::Protocol(_))));
        assert!(matches!(
            parse(b"stream:  FOUND\0"),
            Err(ScanError::Protocol(_))
        ));
        assert!(matches!(
            parse(b"HTTP/1.1 200 OK\r\n"),
            Err(ScanError::Protocol(_))
        ));
        // Not "contains OK": a signature named OK-something is still a finding.
        assert_eq!(
            parse(b"stream: OK.Trojan FOUND\0").unwrap(),
            Verdict::Infected("OK.Trojan".into())
        );
    }

    #[test]
    fn early_hang_up_keeps_clamds_answer() {
        let p = Peer {
            accept: Some(100),
            ..peer(b"INSTREAM size limit exceeded. ERROR\0")
        };
        let reply = clamav_client::scan_buffer(&[7u8; 1000], Fake(p.clone()), Some(64)).unwrap();
        assert!(matches!(
            parse_scan_reply(&reply, 50),
            Err(ScanError::TooLarge { limit: 50 })
        ));
        assert!(p.sent.lock().unwrap().len() <= 100);
    }

    #[test]
    fn overlong_reply_is_refused() {
        let p = peer(&[b'x'; MAX_REPLY + 10]);
        let err = clamav_client::scan_buffer(b"abc", Fake(p), None).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn addresses() {
        assert_eq!(
            "tcp://127.0.0.1:3310".parse::<ClamdAddress>().unwrap(),
            ClamdAddress::Tcp("127.0.0.1:3310".into())
        );
        assert_eq!(
            "unix:/run/clamav/clamd.ctl"
                .parse::<ClamdAddress>()
                .unwrap(),
            ClamdAddress::Unix("/run/clamav/clamd.ctl".into())
        );
        assert_eq!(
            "unix:///tmp/c.sock".parse::<ClamdAddress>().unwrap(),
            ClamdAddress::Unix("/tmp/c.sock".into())
        );
        for bad in [
            "127.0.0.1:3310",
            "tcp://host",
            "tcp://:1",
            "unix:rel",
            "http://x:1",
        ] {
            assert!(bad.parse::<ClamdAddress>().is_err(), "{bad}");
        }
        assert_eq!(
            ClamdAddress::Tcp("h:1".into()).to_string(),
            "tcp://h:1".to_string()
        );
    }

    #[test]
    fn silent_daemon_times_out_and_closed_port_fails() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let mut s = Scanner::new(ClamdAddress::Tcp(addr.to_string()));
        s.io_timeout = Duration::from_millis(200);
        // Accepted (by the kernel's backlog) but never answered.
        assert!(matches!(s.ping(), Err(ScanError::Io { .. })));
        drop(listener);
        assert!(matches!(s.scan(b"abc"), Err(ScanError::Io { .. })));
        s.stream_max_bytes = 2;
        assert!(matches!(
            s.scan(b"abc"),
            Err(ScanError::TooLarge { limit: 2 })
        ));
    }
}
