//! What the hostile-input and abuse tests share: scratch directories, and running the real
//! `shorewall-ls` binary under a time limit and a memory limit, so that a hang or a runaway
//! allocation fails the test instead of the machine.

#![allow(dead_code, unreachable_pub)]

use std::{
    io::Read,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::atomic::{AtomicUsize, Ordering},
    thread,
    time::{Duration, Instant},
};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_shorewall-ls");

/// How long one run may take before it counts as a hang. Generous, because the tests also run
/// in debug builds on a busy machine: this bounds a hang, it does not measure speed.
pub const TIME_LIMIT: Duration = Duration::from_secs(300);

/// The address space one run may use (`ulimit -v`, in KiB): 4 GiB. A run that needs more
/// dies on a failed allocation, which fails the test.
pub const MEMORY_LIMIT_KIB: u64 = 4 * 1024 * 1024;

/// A directory under the system's temporary directory, removed when dropped.
pub struct Scratch {
    pub path: PathBuf,
}

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "shorewall-ls-{name}-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Scratch { path }
    }

    /// Writes `contents` to `rel` (creating its directory) and returns the path.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, contents).unwrap();
        path
    }

    pub fn join(&self, rel: &str) -> PathBuf {
        self.path.join(rel)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// What a finished run printed and returned.
#[derive(Debug)]
pub struct Outcome {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Starts `shorewall-ls ARGS` in `cwd` with the memory limit, its stdio piped.
pub fn spawn(args: &[&str], cwd: &Path) -> Child {
    Command::new("/bin/sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {MEMORY_LIMIT_KIB} && exec \"$0\" \"$@\""
        ))
        .arg(BIN)
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Runs `shorewall-ls ARGS` in `cwd` with an empty standard input; panics if it does not exit
/// within [`TIME_LIMIT`] (after killing it) or dies of a signal.
pub fn run(args: &[&str], cwd: &Path) -> Outcome {
    let mut child = spawn(args, cwd);
    drop(child.stdin.take());
    let stdout = reader(child.stdout.take().unwrap());
    let stderr = reader(child.stderr.take().unwrap());
    let status = wait_bounded(&mut child, &format!("shorewall-ls {}", args.join(" ")));
    let outcome = Outcome {
        code: status.code(),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    };
    assert!(
        outcome.code.is_some(),
        "shorewall-ls {} died of a signal: {outcome:?}",
        args.join(" ")
    );
    outcome
}

/// Waits for `child` at most [`TIME_LIMIT`]; kills it and panics past that.
pub fn wait_bounded(child: &mut Child, what: &str) -> std::process::ExitStatus {
    let deadline = Instant::now() + TIME_LIMIT;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {TIME_LIMIT:?}");
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// Reads a pipe to its end on a thread of its own, so that a full pipe never blocks the child.
pub fn reader(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// A small valid IPv6 configuration: the firewall, two zones on two interfaces, policies.
pub fn write_small_config(scratch: &Scratch, dir: &str) {
    scratch.write(
        &format!("{dir}/zones"),
        "#ZONE\tTYPE\nfw\tfirewall\nnet\tipv6\nloc\tipv6\n",
    );
    scratch.write(
        &format!("{dir}/interfaces"),
        "#ZONE\tINTERFACE\tOPTIONS\nnet\teth0\t-\nloc\teth1\t-\n",
    );
    scratch.write(
        &format!("{dir}/policy"),
        "#SOURCE\tDEST\tPOLICY\n$FW\tall\tACCEPT\nloc\tnet\tACCEPT\nnet\tall\tDROP\nall\tall\tREJECT\n",
    );
    scratch.write(&format!("{dir}/shorewall6.conf"), "OPTIMIZE=0\n");
}

/// A deterministic stream of pseudo-random bytes (xorshift64*).
pub fn junk(len: usize, mut seed: u64) -> Vec<u8> {
    let mut res = Vec::with_capacity(len);
    while res.len() < len {
        seed ^= seed >> 12;
        seed ^= seed << 25;
        seed ^= seed >> 27;
        res.extend_from_slice(&seed.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
    }
    res.truncate(len);
    res
}

/// The real language server (`shorewall-ls lsp`) under the memory limit, spoken to over its
/// stdin and stdout. Every wait is bounded by [`TIME_LIMIT`]; raw bytes can be sent, so that
/// malformed frames reach the server as they would from a broken client.
pub struct Lsp {
    child: Child,
    stdin: Option<std::process::ChildStdin>,
    incoming: std::sync::mpsc::Receiver<serde_json::Value>,
    /// Messages read while waiting for something else, in arrival order.
    pub queue: std::collections::VecDeque<serde_json::Value>,
    next_id: i64,
}

impl Lsp {
    /// Starts the server in `cwd` and initializes it (UTF-16 positions, no pulled settings).
    pub fn start(cwd: &Path) -> Lsp {
        let mut child = spawn(&["lsp", "--stdio"], cwd);
        let stdout = child.stdout.take().unwrap();
        drop(child.stderr.take());
        let (sender, incoming) = std::sync::mpsc::channel();
        thread::spawn(move || {
            let mut reader = std::io::BufReader::new(stdout);
            while let Some(message) = read_frame(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let mut lsp = Lsp {
            stdin: child.stdin.take(),
            child,
            incoming,
            queue: Default::default(),
            next_id: 1,
        };
        let init = lsp.request(
            "initialize",
            serde_json::json!({ "processId": null, "rootUri": null, "capabilities": {} }),
        );
        assert!(init.get("result").is_some(), "initialize failed: {init}");
        lsp.notify("initialized", serde_json::json!({}));
        lsp
    }

    /// Writes `bytes` to the server as they are.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        use std::io::Write;
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// Frames and sends one message.
    pub fn send(&mut self, message: &serde_json::Value) {
        let body = serde_json::to_vec(message).unwrap();
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend_from_slice(&body);
        self.send_raw(&frame);
    }

    pub fn notify(&mut self, method: &str, params: serde_json::Value) {
        self.send(&message(None, method, params));
    }

    /// Sends a request and returns its id without waiting.
    pub fn send_request(&mut self, method: &str, params: serde_json::Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&message(Some(id), method, params));
        id
    }

    /// Sends a request and returns the whole answer (with `result` or `error`).
    pub fn request(&mut self, method: &str, params: serde_json::Value) -> serde_json::Value {
        let id = self.send_request(method, params);
        self.answer(id)
    }

    pub fn answer(&mut self, id: i64) -> serde_json::Value {
        self.wait_for(&format!("the answer to request {id}"), |it| {
            it.get("id") == Some(&serde_json::json!(id)) && it.get("method").is_none()
        })
    }

    /// The next message matching `wanted`; others stay queued. Panics past [`TIME_LIMIT`].
    pub fn wait_for(
        &mut self,
        what: &str,
        wanted: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        if let Some(idx) = self.queue.iter().position(&wanted) {
            return self.queue.remove(idx).unwrap();
        }
        let deadline = Instant::now() + TIME_LIMIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match self.incoming.recv_timeout(left) {
                Ok(it) => it,
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    panic!("timed out waiting for {what}")
                }
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    panic!("the server exited while waiting for {what}")
                }
            };
            // Requests from the server (configuration, registrations) get a null answer.
            if let (Some(id), Some(_)) = (message.get("id"), message.get("method")) {
                let id = id.clone();
                self.send(&serde_json::json!({ "jsonrpc": "2.0", "id": id, "result": null }));
                continue;
            }
            if wanted(&message) {
                return message;
            }
            self.queue.push_back(message);
        }
    }

    /// Every message that arrives within `window` after the queued ones, in arrival order.
    pub fn drain(&mut self, window: Duration) -> Vec<serde_json::Value> {
        let deadline = Instant::now() + window;
        let mut res: Vec<serde_json::Value> = self.queue.drain(..).collect();
        while let Ok(message) = self
            .incoming
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            res.push(message);
        }
        res
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            serde_json::json!({ "textDocument": { "uri": uri, "languageId": "shorewall", "version": 1, "text": text } }),
        );
    }

    /// The next diagnostics published for `uri`: their messages.
    pub fn diagnostics(&mut self, uri: &str) -> serde_json::Value {
        self.wait_for(&format!("diagnostics of {uri}"), |it| {
            it["method"] == "textDocument/publishDiagnostics" && it["params"]["uri"] == uri
        })["params"]
            .clone()
    }

    /// `shutdown` and `exit`; panics unless the server exits with 0 in time.
    pub fn shutdown(mut self) {
        let answer = self.request("shutdown", serde_json::Value::Null);
        assert!(answer.get("error").is_none(), "{answer}");
        self.send(&serde_json::json!({ "jsonrpc": "2.0", "method": "exit" }));
        self.stdin = None;
        let status = wait_bounded(&mut self.child, "the server's exit");
        assert_eq!(status.code(), Some(0), "the server's exit code");
    }
}

impl Drop for Lsp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A request (with an id) or a notification; `params` left out when null.
pub fn message(id: Option<i64>, method: &str, params: serde_json::Value) -> serde_json::Value {
    let mut res = serde_json::json!({ "jsonrpc": "2.0", "method": method });
    if let Some(id) = id {
        res["id"] = serde_json::json!(id);
    }
    if !params.is_null() {
        res["params"] = params;
    }
    res
}

/// A `file://` URI of an absolute path.
pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The messages of a `publishDiagnostics` notification's parameters, joined by newlines.
pub fn messages(params: &serde_json::Value) -> String {
    params["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|it| it["message"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// One framed message, or `None` at the end of the stream or on a malformed frame.
fn read_frame(reader: &mut impl std::io::BufRead) -> Option<serde_json::Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<usize>().ok();
            }
        }
    }
    let mut body = vec![0; length?];
    std::io::Read::read_exact(reader, &mut body).ok()?;
    serde_json::from_slice(&body).ok()
}
