//! Running an untrusted-input program (poppler's tools, tesseract) under limits.
//!
//! # Limits, and how each is enforced
//!
//! * **Memory**: `RLIMIT_AS` set by `prlimit --as=BYTES -- program …` (util-linux, which
//!   is essential in Debian, so always installed). We chose the program over setting the
//!   limit ourselves between `fork` and `exec` (`CommandExt::pre_exec`, which the `rlimit`
//!   crate also needs) because that hook is `unsafe` — only async-signal-safe calls are
//!   allowed in it, in a multi-threaded server — and the crate has no other unsafe code.
//!   `prlimit` `exec`s the program, so no extra process is left; it costs about a
//!   millisecond per run.
//! * **Output size**: `RLIMIT_FSIZE` (`prlimit --fsize`). Standard output and standard
//!   error go to files in the private directory, so the kernel stops a program that writes
//!   more than the cap (`SIGXFSZ`), and we never read unbounded output into memory. The
//!   same limit bounds every file the program writes (e.g. a page rendered by `pdftoppm`).
//! * **Time**: a thread waits for the child while the caller waits on a channel with a
//!   time-out. On time-out the child's whole process group (it is started in a group of
//!   its own) gets `SIGKILL`, and the waiting thread reaps it, so no zombie remains.
//! * **Environment**: cleared, then only `PATH`, `HOME`, `XDG_CACHE_HOME` (font caches),
//!   `TESSDATA_PREFIX`, `LANG=C.UTF-8` and `OMP_THREAD_LIMIT=1` are passed. One OpenMP
//!   thread makes tesseract's results deterministic and its memory predictable; a server
//!   processes several documents at once anyway. Nothing of the server's secrets reaches
//!   a program that parses hostile input.
//!
//! Programs are looked up in `PATH` by a few lines of our own (rather than the `which`
//! crate): we only need "is there an executable file of this name", and a missing program
//! must become a clear [`DocumentError::ProgramMissing`] naming the Debian package.

use std::ffi::OsStr;
use std::fs::File;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

use crate::DocumentError;

/// Standard error is read up to this many bytes (enough for any diagnostic we match).
const STDERR_CAP: u64 = 64 * 1024;

/// A program we run, with the Debian package that provides it (for the error message).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Program {
    pub name: &'static str,
    pub package: &'static str,
}

pub(crate) const PRLIMIT: Program = Program {
    name: "prlimit",
    package: "util-linux",
};
pub(crate) const PDFINFO: Program = Program {
    name: "pdfinfo",
    package: "poppler-utils",
};
pub(crate) const PDFTOTEXT: Program = Program {
    name: "pdftotext",
    package: "poppler-utils",
};
pub(crate) const PDFTOPPM: Program = Program {
    name: "pdftoppm",
    package: "poppler-utils",
};
pub(crate) const TESSERACT: Program = Program {
    name: "tesseract",
    package: "tesseract-ocr",
};

/// How a run ended, when it ended on its own.
#[derive(Debug)]
pub(crate) struct Finished {
    /// Exit code; `None` when a signal ended the program.
    pub code: Option<i32>,
    /// The signal that ended the program, if one did.
    pub signal: Option<i32>,
    pub stdout: Vec<u8>,
    /// Lossy UTF-8, at most [`STDERR_CAP`] bytes.
    pub stderr: String,
}

impl Finished {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// A short description of the failure for logs: the last line of standard error, or
    /// how the program ended.
    pub fn detail(&self) -> String {
        let line: String = self
            .stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .chars()
            .take(300)
            .collect();
        match (line.is_empty(), self.code, self.signal) {
            (false, _, _) => line,
            (true, Some(code), _) => format!("exit code {code}"),
            (true, None, Some(signal)) => format!("killed by signal {signal}"),
            (true, None, None) => "failed".into(),
        }
    }

    /// Whether the program looks to have died of the memory limit: an allocation failed
    /// (C++ programs then abort with an uncaught `std::bad_alloc`).
    pub fn out_of_memory(&self) -> bool {
        let e = &self.stderr;
        e.contains("bad_alloc")
            || e.contains("Cannot allocate memory")
            || e.contains("Out of memory")
            || e.contains("out of memory")
            || e.contains("malloc fail")
            // The dynamic loader cannot even map the program's libraries.
            || e.contains("failed to map segment")
            || self.signal == Some(Signal::SIGABRT as i32)
    }
}

/// A run that did not finish on its own.
#[derive(Debug)]
pub(crate) enum Stopped {
    /// Killed at its time limit (or the document's deadline had already passed).
    Timeout,
    /// Killed by the kernel for writing more than the output cap.
    OutputTooLarge,
}

/// Runs programs inside one private working directory, against one document's deadline.
pub(crate) struct Runner {
    dir: PathBuf,
    timeout: Duration,
    memory_bytes: u64,
    deadline: Instant,
    prlimit: PathBuf,
    serial: u32,
    /// Distinguishes the output files of runners sharing the directory.
    tag: &'static str,
}

impl Runner {
    /// A runner working in `dir`, each run at most `timeout`, all of them before `deadline`.
    pub fn new(
        dir: &Path,
        timeout: Duration,
        memory_bytes: u64,
        deadline: Instant,
    ) -> Result<Self, DocumentError> {
        Ok(Self {
            dir: dir.to_path_buf(),
            timeout,
            memory_bytes,
            deadline,
            prlimit: locate(PRLIMIT)?,
            serial: 0,
            tag: "run",
        })
    }

    /// A second runner in the same directory under the same limits, for a program run
    /// alongside this runner's (its files are named apart by `tag`).
    pub fn fork(&self, tag: &'static str) -> Runner {
        Runner {
            dir: self.dir.clone(),
            timeout: self.timeout,
            memory_bytes: self.memory_bytes,
            deadline: self.deadline,
            prlimit: self.prlimit.clone(),
            serial: 0,
            tag,
        }
    }

    /// The private working directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the document's deadline has passed.
    pub fn out_of_time(&self) -> bool {
        Instant::now() >= self.deadline
    }

    /// Runs `program` with `args` in the working directory, its output (and every file it
    /// writes) capped at `max_file_bytes`. `Err` only for our own failures (a missing
    /// program, a temp file that cannot be made); the program's own failure is in
    /// [`Finished`] or [`Stopped`].
    pub fn run<S: AsRef<OsStr>>(
        &mut self,
        program: Program,
        args: &[S],
        max_file_bytes: u64,
    ) -> Result<Result<Finished, Stopped>, DocumentError> {
        let path = locate(program)?;
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        let limit = self.timeout.min(remaining);
        if limit.is_zero() {
            return Ok(Err(Stopped::Timeout));
        }
        self.serial += 1;
        let out_path = self.dir.join(format!("{}-{}.out", self.tag, self.serial));
        let err_path = self.dir.join(format!("{}-{}.err", self.tag, self.serial));
        let io = |source| DocumentError::TempFile { source };
        let stdout = File::create(&out_path).map_err(io)?;
        let stderr = File::create(&err_path).map_err(io)?;

        let mut command = Command::new(&self.prlimit);
        command
            .arg(format!("--as={}", self.memory_bytes))
            .arg(format!("--fsize={max_file_bytes}"))
            .arg("--")
            .arg(&path)
            .args(args)
            .current_dir(&self.dir)
            .env_clear()
            .env("LANG", "C.UTF-8")
            .env("OMP_THREAD_LIMIT", "1")
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .process_group(0);
        for name in ["PATH", "HOME", "XDG_CACHE_HOME", "TESSDATA_PREFIX"] {
            if let Some(value) = std::env::var_os(name) {
                command.env(name, value);
            }
        }
        let mut child = command.spawn().map_err(|source| DocumentError::Spawn {
            program: program.name,
            source,
        })?;
        let pid = child.id();
        let (send, receive) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = send.send(child.wait());
        });
        let status = match receive.recv_timeout(limit) {
            Ok(status) => status,
            Err(_) => {
                if let Ok(pid) = i32::try_from(pid) {
                    // The group may be gone already (it exited just now): nothing to do then.
                    let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
                }
                // Reaped by the waiting thread; wait for it so no zombie outlives the call.
                let _ = receive.recv();
                return Ok(Err(Stopped::Timeout));
            }
        };
        let status = status.map_err(|source| DocumentError::Spawn {
            program: program.name,
            source,
        })?;
        if status.signal() == Some(Signal::SIGXFSZ as i32) {
            return Ok(Err(Stopped::OutputTooLarge));
        }
        let stdout = read_capped(&out_path, max_file_bytes).map_err(io)?;
        let stderr = read_capped(&err_path, STDERR_CAP).map_err(io)?;
        let _ = std::fs::remove_file(&out_path);
        let _ = std::fs::remove_file(&err_path);
        Ok(Ok(Finished {
            code: status.code(),
            signal: status.signal(),
            stdout,
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
        }))
    }
}

/// Reads at most `cap` bytes of a file.
pub(crate) fn read_capped(path: &Path, cap: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    File::open(path)?.take(cap).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The program's path in `PATH` (or `/usr/bin`, `/bin` when `PATH` is unset).
pub(crate) fn locate(program: Program) -> Result<PathBuf, DocumentError> {
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into());
    std::env::split_paths(&path)
        .map(|dir| dir.join(program.name))
        .find(|candidate| {
            candidate
                .metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
        .ok_or(DocumentError::ProgramMissing {
            program: program.name,
            package: program.package,
        })
}

/// A private temporary directory (removed when dropped) and a runner working in it.
pub(crate) fn workspace(
    limits: &super::Limits,
    deadline: Instant,
) -> Result<(tempfile::TempDir, Runner), DocumentError> {
    let dir = tempfile::Builder::new()
        .prefix("ratusz-text-")
        .tempdir()
        .map_err(|source| DocumentError::TempFile { source })?;
    let runner = Runner::new(dir.path(), limits.timeout, limits.memory_bytes, deadline)?;
    Ok((dir, runner))
}
