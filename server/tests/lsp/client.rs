//! A minimal language client for the protocol tests: starts `shorewall-ls lsp --stdio`, frames
//! JSON-RPC messages with `Content-Length` headers, answers the server's own requests
//! (`workspace/configuration`, `client/registerCapability`), and waits for answers and
//! notifications with a timeout, so that a hung server fails the test instead of hanging it.
//!
//! The benchmark `benches/lsp.rs` drives the server with it too (`#[path]`), so it depends on
//! nothing but the standard library and `serde_json`. For the benchmark, the reader thread
//! notes when each message's last byte was read, before the client parses it: the client's
//! own work (parsing, and freeing the values of large answers, which can take milliseconds)
//! is not the server's latency.

use std::{
    collections::VecDeque,
    io::{BufRead, BufReader, Read, Write},
    os::{fd::OwnedFd, unix::net::UnixStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::mpsc::{self, Receiver, RecvTimeoutError},
    time::{Duration, Instant},
};

use serde_json::{json, Value};

/// How long any single wait may take (the tests run the debug build on a shared machine).
pub(crate) const TIMEOUT: Duration = Duration::from_secs(60);

pub(crate) struct Client {
    child: Child,
    stdin: Option<Box<dyn Write + Send>>,
    /// Messages with the moment their last byte was read.
    incoming: Receiver<(Value, Instant)>,
    /// Messages read while waiting for something else.
    queue: VecDeque<(Value, Instant)>,
    /// When the message [`Client::wait_for`] last returned arrived.
    arrived: Option<Instant>,
    next_id: i64,
    /// What `workspace/configuration` answers.
    pub(crate) settings: Value,
    /// The methods of the server's requests answered so far.
    answered: Vec<String>,
}

impl Client {
    /// Starts the server (not yet initialized).
    pub(crate) fn start() -> Client {
        Client::start_program(Path::new(env!("CARGO_BIN_EXE_shorewall-ls")))
    }

    /// Starts `program lsp --stdio` (not yet initialized).
    pub(crate) fn start_program(program: &Path) -> Client {
        Client::start_command(Command::new(program))
    }

    /// Starts the server with one more environment variable (not yet initialized).
    pub(crate) fn start_with_env(name: &str, value: &str) -> Client {
        let mut command = Command::new(env!("CARGO_BIN_EXE_shorewall-ls"));
        command.env(name, value);
        Client::start_command(command)
    }

    fn start_command(mut command: Command) -> Client {
        let mut child = command
            .args(["lsp", "--stdio"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let stdin = child.stdin.take().expect("stdin is piped");
        Client::with_streams(child, Box::new(stdin), Box::new(stdout))
    }

    /// Starts the server with one end of a socket pair as its stdin and stdout, as Node and
    /// libuv (VS Code, Neovim) start language servers (not yet initialized).
    #[allow(dead_code)]
    pub(crate) fn start_on_socket() -> Client {
        let (ours, theirs) = UnixStream::pair().expect("a socket pair");
        let child = Command::new(env!("CARGO_BIN_EXE_shorewall-ls"))
            .args(["lsp", "--stdio"])
            .stdin(Stdio::from(OwnedFd::from(
                theirs.try_clone().expect("a socket"),
            )))
            .stdout(Stdio::from(OwnedFd::from(theirs)))
            .stderr(Stdio::null())
            .spawn()
            .expect("the server starts");
        let writer = SocketWriter(ours.try_clone().expect("a socket"));
        Client::with_streams(child, Box::new(writer), Box::new(ours))
    }

    fn with_streams(
        child: Child,
        stdin: Box<dyn Write + Send>,
        stdout: Box<dyn Read + Send>,
    ) -> Client {
        let stdin = Some(stdin);
        let (sender, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(body) = read_frame(&mut reader) {
                let arrived = Instant::now();
                let Ok(message) = serde_json::from_slice(&body) else {
                    break;
                };
                if sender.send((message, arrived)).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            queue: VecDeque::new(),
            arrived: None,
            next_id: 1,
            settings: Value::Null,
            answered: Vec::new(),
        }
    }

    /// Starts and initializes a server with the given client capabilities; returns it and the
    /// `initialize` result.
    pub(crate) fn initialized(capabilities: Value) -> (Client, Value) {
        let mut client = Client::start();
        let result = client.initialize(capabilities);
        (client, result)
    }

    /// `initialize` with the given client capabilities, then `initialized`; returns the
    /// `initialize` result.
    pub(crate) fn initialize(&mut self, capabilities: Value) -> Value {
        let result = self
            .request(
                "initialize",
                json!({ "processId": null, "rootUri": null, "capabilities": capabilities }),
            )
            .expect("initialize succeeds");
        self.notify("initialized", json!({}));
        result
    }

    /// The server's process id (the benchmark reads its memory use).
    #[allow(dead_code)]
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    pub(crate) fn send(&mut self, message: &Value) {
        let body = serde_json::to_vec(message).expect("JSON");
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin
            .write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes())
            .and_then(|()| stdin.write_all(&body))
            .and_then(|()| stdin.flush())
            .expect("the server reads its input");
    }

    pub(crate) fn notify(&mut self, method: &str, params: Value) {
        let message = match params {
            Value::Null => json!({ "jsonrpc": "2.0", "method": method }),
            params => json!({ "jsonrpc": "2.0", "method": method, "params": params }),
        };
        self.send(&message);
    }

    /// Sends a request and returns its id, without waiting.
    pub(crate) fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        let message = match params {
            Value::Null => json!({ "jsonrpc": "2.0", "id": id, "method": method }),
            params => json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }),
        };
        self.send(&message);
        id
    }

    /// The answer to request `id`: its result, or its error object.
    pub(crate) fn response(&mut self, id: i64) -> Result<Value, Value> {
        let message = self.wait_for(&format!("the answer to request {id}"), |it| {
            it.get("id") == Some(&json!(id)) && it.get("method").is_none()
        });
        match message.get("error") {
            Some(error) => Err(error.clone()),
            None => Ok(message.get("result").cloned().unwrap_or(Value::Null)),
        }
    }

    pub(crate) fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.send_request(method, params);
        self.response(id)
    }

    /// [`Client::request`], and the time from just before it was sent until its answer had
    /// been read (not parsed) from the server's output.
    #[allow(dead_code)]
    pub(crate) fn timed_request(
        &mut self,
        method: &str,
        params: Value,
    ) -> (Result<Value, Value>, Duration) {
        let started = Instant::now();
        let answer = self.request(method, params);
        (answer, self.since(started))
    }

    /// The time from `started` until the message [`Client::wait_for`] last returned had been
    /// read from the server's output.
    #[allow(dead_code)]
    pub(crate) fn since(&self, started: Instant) -> Duration {
        self.arrived
            .map_or(Duration::ZERO, |it| it.saturating_duration_since(started))
    }

    /// The next message matching `wanted` (earlier ones that do not match stay queued).
    pub(crate) fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(idx) = self.queue.iter().position(|(it, _)| wanted(it)) {
            let (message, arrived) = self.queue.remove(idx).expect("the index is in the queue");
            self.arrived = Some(arrived);
            return message;
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let (message, arrived) = match self.incoming.recv_timeout(left) {
                Ok(it) => it,
                Err(RecvTimeoutError::Timeout) => panic!("timed out waiting for {what}"),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server exited while waiting for {what}")
                }
            };
            if self.answer_server_request(&message) {
                continue;
            }
            if wanted(&message) {
                self.arrived = Some(arrived);
                return message;
            }
            self.queue.push_back((message, arrived));
        }
    }

    /// Answers requests the server sends to the client; returns whether `message` was one.
    fn answer_server_request(&mut self, message: &Value) -> bool {
        let (Some(id), Some(method)) = (message.get("id"), message.get("method")) else {
            return false;
        };
        let result = match method.as_str() {
            Some("workspace/configuration") => json!([self.settings.clone()]),
            _ => Value::Null,
        };
        let answer = json!({ "jsonrpc": "2.0", "id": id, "result": result });
        self.send(&answer);
        self.answered.push(method.as_str().unwrap_or("").to_owned());
        true
    }

    /// Waits until the server has asked `method` (and been answered).
    pub(crate) fn wait_for_server_request(&mut self, method: &str) {
        let deadline = Instant::now() + TIMEOUT;
        while !self.answered.iter().any(|it| it == method) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok((message, arrived)) => {
                    if !self.answer_server_request(&message) {
                        self.queue.push_back((message, arrived));
                    }
                }
                Err(_) => panic!("the server did not ask {method}"),
            }
        }
    }

    /// The next `publishDiagnostics` for `uri`.
    pub(crate) fn diagnostics(&mut self, uri: &str) -> Value {
        let message = self.wait_for(&format!("diagnostics of {uri}"), |it| {
            it.get("method") == Some(&json!("textDocument/publishDiagnostics"))
                && it["params"]["uri"] == json!(uri)
        });
        message["params"].clone()
    }

    /// Every message that arrives within `window`, unconsumed ones included.
    pub(crate) fn drain(&mut self, window: Duration) -> Vec<Value> {
        let deadline = Instant::now() + window;
        let mut res: Vec<Value> = self.queue.drain(..).map(|(it, _)| it).collect();
        while let Ok((message, _)) = self
            .incoming
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            if !self.answer_server_request(&message) {
                res.push(message);
            }
        }
        res
    }

    pub(crate) fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "shorewall", "version": 1, "text": text } }),
        );
    }

    /// Closes stdin and returns the exit code, waiting at most [`TIMEOUT`].
    pub(crate) fn finish(mut self) -> Option<i32> {
        self.stdin = None;
        self.exit_code()
    }

    /// The exit code, waiting at most [`TIMEOUT`] with stdin still open (as editors wait).
    pub(crate) fn exit_code(&mut self) -> Option<i32> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the server did not exit");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `shutdown`, `exit`, and the exit code (stdin stays open).
    pub(crate) fn shutdown(mut self) -> Option<i32> {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Ok(Value::Null));
        self.notify("exit", Value::Null);
        self.exit_code()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Our end of the server's socket, for writing: dropped, it closes the server's input (the
/// socket itself stays open for reading).
struct SocketWriter(UnixStream);

impl Write for SocketWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

impl Drop for SocketWriter {
    fn drop(&mut self) {
        let _ = self.0.shutdown(std::net::Shutdown::Write);
    }
}

/// One framed message, or `None` at the end of the stream.
/// The body of the next message.
fn read_frame(reader: &mut impl BufRead) -> Option<Vec<u8>> {
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
    Some(body)
}

/// A configuration directory of its own for each test, removed at the end.
pub(crate) struct TempDir {
    root: PathBuf,
    pub(crate) dir: PathBuf,
}

impl TempDir {
    /// `<tmp>/shorewall-ls-lsp-<pid>-<name>/shorewall6/` with the given files.
    pub(crate) fn new(name: &str, files: &[(&str, &str)]) -> TempDir {
        let root =
            std::env::temp_dir().join(format!("shorewall-ls-lsp-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let dir = root.join("shorewall6");
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let res = TempDir { root, dir };
        for (name, text) in files {
            res.write(name, text);
        }
        res
    }

    pub(crate) fn write(&self, name: &str, text: &str) {
        std::fs::write(self.dir.join(name), text).expect("a temporary file");
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    pub(crate) fn uri(&self, name: &str) -> String {
        uri(&self.path(name))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

pub(crate) fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}
