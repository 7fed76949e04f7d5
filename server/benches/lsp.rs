//! Language-server benchmark: the release binary over stdio, as an editor drives it, on a
//! configuration with a 10,000-line rules file (`../shared/oracle/gen-synthetic 10000 DIR`).
//!
//! Measured from the client's side of the pipes, so everything the server does counts
//! (framing, JSON, the protocol loop, the analysis), from just before a message is written to
//! the server's stdin until the last byte of the answer is read from its stdout. The client's
//! own parsing of the answer does not count: freeing the values of the large answers
//! (symbols, semantic tokens) made the benchmark's own allocator stall its next request by
//! 2–3 ms, which a trace of both processes showed on the client's thread, after the server's
//! answer was out.
//! - keystroke → diagnostics: a `didChange` of one character (inserted or deleted) until the
//!   `publishDiagnostics` of that version arrives; the next keystroke is sent after it;
//! - completion and hover: request → answer, at several kinds of places, between keystrokes,
//!   and hover again on a line just hovered (apart);
//! - keystrokes typed right after a semantic tokens request (`full/delta` from the last ones
//!   received, as editors ask), before its answer;
//! - keystrokes typed 330 ms after the last, while the server compiles the directory for its
//!   compile-stage diagnostics (it starts 300 ms after a change);
//! - the server's memory: VmRSS from `/proc/PID/status` after the typing (before the two
//!   kinds of keystrokes above), VmRSS and VmHWM at the end, and VmRSS again after two
//!   seconds without a message.
//!
//! Prints p50, p99 and max of each. Run with `cargo bench -p shorewall-ls --bench lsp`;
//! `-- N` sets the number of rule lines, `--keystrokes K` the number of keystrokes.
//! Without the development environment's `shared` directory it says so and stops.

#[allow(dead_code)]
#[path = "../tests/lsp/client.rs"]
mod client;

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use serde_json::{json, Value};

use client::{uri, Client};

fn main() {
    let mut lines = 10_000usize;
    let mut keystrokes = 300usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--keystrokes" => {
                keystrokes = args
                    .next()
                    .and_then(|it| it.parse().ok())
                    .unwrap_or(keystrokes)
            }
            "--bench" => {}
            other => lines = other.parse().unwrap_or(lines),
        }
    }
    let Some(shared) = shared_dir() else {
        println!("lsp: ../shared/oracle is not here (set SHOREWALL_LS_SHARED); no configuration");
        return;
    };
    let root = std::env::temp_dir().join(format!("shorewall-ls-lsp-bench-{}", std::process::id()));
    let dir = root.join("shorewall6");
    let _ = std::fs::remove_dir_all(&root);
    let generated = Command::new(shared.join("oracle/gen-synthetic"))
        .arg(lines.to_string())
        .arg(&dir)
        .output();
    if !generated.is_ok_and(|it| it.status.success()) {
        println!("lsp: gen-synthetic failed");
        return;
    }
    let report = run(&dir, keystrokes);
    let _ = std::fs::remove_dir_all(&root);
    println!("lsp: {lines} rule lines, {keystrokes} keystrokes");
    report.print();
}

/// What one run measured.
struct Report {
    open: Duration,
    diagnostics: Vec<Duration>,
    completion: Vec<(&'static str, Duration)>,
    hover: Vec<(&'static str, Duration)>,
    /// Hover on the ACTION column of a line hovered just before (the pointer moving along it):
    /// apart from `hover`, whose figures are of lines not hovered yet.
    hover_again: Vec<Duration>,
    /// Other requests editors send after an edit (no target for them).
    other: Vec<(&'static str, Duration)>,
    /// Keystrokes typed 330 ms after the last one, while the server compiles the directory
    /// (its compile stage starts 300 ms after a change).
    after_pause: Vec<Duration>,
    /// Keystrokes typed right after a `semanticTokens/full` request, before its answer, as
    /// editors ask for the tokens while someone types.
    beside_tokens: Vec<Duration>,
    rss_kib: Option<u64>,
    hwm_kib: Option<u64>,
    /// VmRSS after two seconds without a message, as when someone stops typing.
    quiet_rss_kib: Option<u64>,
    /// VmRSS after the keystrokes beside the compile stage and the semantic tokens (`rss_kib`
    /// is after the typing, before them).
    end_rss_kib: Option<u64>,
}

impl Report {
    fn print(&self) {
        println!(
            "  open → first diagnostics: {:.1} ms",
            self.open.as_secs_f64() * 1e3
        );
        println!(
            "  {:<34} {}",
            "keystroke → diagnostics",
            summary(&self.diagnostics)
        );
        println!(
            "  {:<34} {}",
            "keystroke during the compile stage",
            summary(&self.after_pause)
        );
        println!(
            "  {:<34} {}",
            "keystroke beside semantic tokens",
            summary(&self.beside_tokens)
        );
        println!(
            "  {:<34} {}",
            "hover again, same line",
            summary(&self.hover_again)
        );
        for (name, samples) in [
            ("completion", &self.completion),
            ("hover", &self.hover),
            ("other (no target)", &self.other),
        ] {
            let all: Vec<Duration> = samples.iter().map(|it| it.1).collect();
            println!("  {name:<34} {}", summary(&all));
            let mut places: Vec<&str> = samples.iter().map(|it| it.0).collect();
            places.dedup();
            places.sort();
            places.dedup();
            for place in places {
                let some: Vec<Duration> = samples
                    .iter()
                    .filter(|it| it.0 == place)
                    .map(|it| it.1)
                    .collect();
                println!("    {:<32} {}", format!("{name}: {place}"), summary(&some));
            }
        }
        let mib =
            |it: Option<u64>| it.map_or("?".to_owned(), |it| format!("{:.1}", it as f64 / 1024.0));
        println!(
            "  server memory: VmRSS {} MB after the typing; {} MB after the compile stages and \
             tokens (VmHWM {} MB); {} MB after 2 s quiet",
            mib(self.rss_kib),
            mib(self.end_rss_kib),
            mib(self.hwm_kib),
            mib(self.quiet_rss_kib)
        );
    }
}

/// `p50 p99 max (n)` in milliseconds.
fn summary(samples: &[Duration]) -> String {
    if samples.is_empty() {
        return "no samples".to_owned();
    }
    let mut sorted = samples.to_vec();
    sorted.sort();
    let at = |q: f64| {
        let idx = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
        sorted[idx].as_secs_f64() * 1e3
    };
    format!(
        "p50 {:7.2} ms   p99 {:7.2} ms   max {:7.2} ms   (n={})",
        at(0.5),
        at(0.99),
        at(1.0),
        sorted.len()
    )
}

/// The release binary next to this benchmark (cargo builds it for benches), or another build
/// named by `SHOREWALL_LS_SERVER`, to compare two versions under the same load.
fn server_binary() -> PathBuf {
    std::env::var_os("SHOREWALL_LS_SERVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_shorewall-ls")))
}

/// A document as the client holds it: its text and version, changed one character at a time.
struct Document {
    uri: String,
    lines: Vec<String>,
    version: i32,
    /// The result id of the last semantic tokens received, which editors send back for a
    /// delta.
    tokens_id: Option<Value>,
}

impl Document {
    /// Inserts `text` (one line, no newline) or deletes `delete` characters at (line, column);
    /// sends the change and returns its version. ASCII only, so columns are the same in
    /// UTF-16 and bytes.
    fn edit(
        &mut self,
        client: &mut Client,
        line: usize,
        column: usize,
        insert: &str,
        delete: usize,
    ) -> i32 {
        let text = &mut self.lines[line];
        text.replace_range(column..column + delete, insert);
        self.version += 1;
        let range = json!({
            "start": { "line": line, "character": column },
            "end": { "line": line, "character": column + delete },
        });
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": self.uri, "version": self.version },
                "contentChanges": [{ "range": range, "text": insert }]
            }),
        );
        self.version
    }

    /// The first rule line at or after `from` that contains `needle`, and the column after it.
    fn find(&self, from: usize, needle: &str) -> Option<(usize, usize)> {
        (from..self.lines.len()).chain(0..from).find_map(|line| {
            let column = self.lines[line].find(needle)?;
            (line > 0 && !self.lines[line].starts_with(['#', '?']))
                .then_some((line, column + needle.len()))
        })
    }
}

fn run(dir: &Path, keystrokes: usize) -> Report {
    let mut client = Client::start_program(&server_binary());
    client.initialize(json!({}));
    let path = dir.join("rules");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let mut document = Document {
        uri: uri(&path),
        lines: text.lines().map(str::to_owned).collect(),
        version: 1,
        tokens_id: None,
    };
    let started = Instant::now();
    client.open(&document.uri, &text);
    wait_for_version(&mut client, &document.uri, 1);
    let open = client.since(started);

    let mut report = Report {
        open,
        diagnostics: Vec::new(),
        completion: Vec::new(),
        hover: Vec::new(),
        hover_again: Vec::new(),
        other: Vec::new(),
        after_pause: Vec::new(),
        beside_tokens: Vec::new(),
        rss_kib: None,
        hwm_kib: None,
        quiet_rss_kib: None,
        end_rss_kib: None,
    };
    let count = document.lines.len();
    let mut keystroke = 0usize;
    let mut round = 0usize;
    while keystroke < keystrokes {
        // A line somewhere in the file, a different one each round.
        let line = 8 + (round * 7919) % count.saturating_sub(9).max(1);
        round += 1;
        // Break the source zone with one character, then repair it: two keystrokes.
        let Some((line, column)) = document.find(line, "\t") else {
            break;
        };
        for (insert, delete) in [("x", 0), ("", 1)] {
            let started = Instant::now();
            let version = document.edit(&mut client, line, column + 1, insert, delete);
            wait_for_version(&mut client, &document.uri, version);
            report.diagnostics.push(client.since(started));
            keystroke += 1;
        }
        // Every few rounds, type a new rule, character by character, above that line.
        if round % 10 == 0 {
            document.lines.insert(line, String::new());
            let started = Instant::now();
            document.version += 1;
            client.notify(
                "textDocument/didChange",
                json!({
                    "textDocument": { "uri": document.uri, "version": document.version },
                    "contentChanges": [{ "range": {
                        "start": { "line": line, "character": 0 },
                        "end": { "line": line, "character": 0 } }, "text": "\n" }]
                }),
            );
            wait_for_version(&mut client, &document.uri, document.version);
            report.diagnostics.push(client.since(started));
            keystroke += 1;
            for ch in "ACCEPT\tnet\t$FW\ttcp\t22".chars() {
                let column = document.lines[line].len();
                let started = Instant::now();
                let version = document.edit(&mut client, line, column, &ch.to_string(), 0);
                wait_for_version(&mut client, &document.uri, version);
                report.diagnostics.push(client.since(started));
                keystroke += 1;
            }
        }
        queries(&mut client, &document, line, &mut report);
        if round % 5 == 0 {
            after_edit(&mut client, &mut document, line, &mut report);
        }
    }
    report.rss_kib = memory(client.pid(), "VmRSS");
    // A pause long enough for the compile stage to start, then a keystroke: break a line's
    // source zone, then repair it.
    for round in 0..20 {
        let line = 8 + (round * 4999) % count.saturating_sub(9).max(1);
        let Some((line, column)) = document.find(line, "\t") else {
            break;
        };
        for (insert, delete) in [("x", 0), ("", 1)] {
            std::thread::sleep(Duration::from_millis(330));
            let started = Instant::now();
            let version = document.edit(&mut client, line, column + 1, insert, delete);
            wait_for_version(&mut client, &document.uri, version);
            report.after_pause.push(client.since(started));
        }
    }
    // Semantic tokens asked for, and a keystroke typed before they come.
    for round in 0..20 {
        let line = 8 + (round * 2999) % count.saturating_sub(9).max(1);
        let Some((line, column)) = document.find(line, "\t") else {
            break;
        };
        for (insert, delete) in [("x", 0), ("", 1)] {
            let tokens = match document.tokens_id.take() {
                Some(id) => client.send_request(
                    "textDocument/semanticTokens/full/delta",
                    json!({ "textDocument": { "uri": document.uri }, "previousResultId": id }),
                ),
                None => client.send_request(
                    "textDocument/semanticTokens/full",
                    json!({ "textDocument": { "uri": document.uri } }),
                ),
            };
            let started = Instant::now();
            let version = document.edit(&mut client, line, column + 1, insert, delete);
            wait_for_version(&mut client, &document.uri, version);
            report.beside_tokens.push(client.since(started));
            let Ok(answer) = client.response(tokens) else {
                panic!("semantic tokens failed");
            };
            document.tokens_id = Some(answer["resultId"].clone());
        }
    }
    report.end_rss_kib = memory(client.pid(), "VmRSS");
    report.hwm_kib = memory(client.pid(), "VmHWM");
    std::thread::sleep(Duration::from_secs(2));
    report.quiet_rss_kib = memory(client.pid(), "VmRSS");
    client.shutdown();
    report
}

/// Completion and hover at the kinds of places an editor asks about, near `line`.
fn queries(client: &mut Client, document: &Document, line: usize, report: &mut Report) {
    let places = [
        (
            "ACTION",
            document
                .find(line, "ACC")
                .map(|(line, column)| (line, column - 1)),
        ),
        ("zone:", document.find(line, "net:")),
        ("$", document.find(line, "$")),
        ("DPORT", document.find(line, "tcp\t1")),
        ("ACTION:", document.find(line, ":info")),
    ];
    for (place, at_place) in places {
        let Some((line, column)) = at_place else {
            continue;
        };
        let (answer, took) =
            client.timed_request("textDocument/completion", at(&document.uri, line, column));
        report.completion.push((place, took));
        assert!(answer.is_ok(), "completion failed: {answer:?}");
    }
    // On the ACTION column, hover adds the ip6tables rules of the line, which takes compiling.
    let places = [
        (
            "zone",
            document
                .find(line, "\tloc")
                .map(|(line, column)| (line, column - 1)),
        ),
        (
            "$FW",
            document
                .find(line, "$FW")
                .map(|(line, column)| (line, column - 1)),
        ),
        (
            "log level (+ ip6tables rules)",
            document
                .find(line, ":info")
                .map(|(line, column)| (line, column - 1)),
        ),
        (
            "macro (+ ip6tables rules)",
            document
                .find(line, "SSH(")
                .map(|(line, column)| (line, column - 3)),
        ),
        (
            "action (+ ip6tables rules)",
            document
                .find(line, "ACCEPT\t")
                .map(|(line, column)| (line, column - 3)),
        ),
    ];
    for (place, at_place) in places {
        let Some((line, column)) = at_place else {
            continue;
        };
        let (answer, took) =
            client.timed_request("textDocument/hover", at(&document.uri, line, column));
        report.hover.push((place, took));
        assert!(answer.is_ok(), "hover failed: {answer:?}");
        if place.starts_with("action") {
            let (answer, took) =
                client.timed_request("textDocument/hover", at(&document.uri, line, column + 1));
            report.hover_again.push(took);
            assert!(answer.is_ok(), "hover failed: {answer:?}");
        }
    }
}

/// What editors ask after an edit besides diagnostics: semantic tokens, code actions at the
/// cursor, symbols, folding.
fn after_edit(client: &mut Client, document: &mut Document, line: usize, report: &mut Report) {
    let uri = json!({ "uri": document.uri });
    let cursor = json!({ "line": line, "character": 2 });
    // As editors do: the tokens' edits since the last ones received; every other time the
    // whole set, to measure both.
    let (tokens_method, tokens_params) = match document.tokens_id.take() {
        Some(id) if report.other.len() % 8 != 0 => (
            "semanticTokens/full/delta",
            json!({ "textDocument": uri, "previousResultId": id }),
        ),
        _ => ("semanticTokens/full", json!({ "textDocument": uri })),
    };
    let (answer, took) =
        client.timed_request(&format!("textDocument/{tokens_method}"), tokens_params);
    report.other.push((tokens_method, took));
    let Ok(answer) = answer else {
        panic!("{tokens_method} failed: {answer:?}");
    };
    document.tokens_id = Some(answer["resultId"].clone());
    let requests = [
        (
            "codeAction",
            json!({ "textDocument": uri, "range": { "start": cursor, "end": cursor },
                    "context": { "diagnostics": [] } }),
        ),
        ("documentSymbol", json!({ "textDocument": uri })),
        ("foldingRange", json!({ "textDocument": uri })),
    ];
    for (method, params) in requests {
        let (answer, took) = client.timed_request(&format!("textDocument/{method}"), params);
        report.other.push((method, took));
        assert!(answer.is_ok(), "{method} failed: {answer:?}");
    }
}

fn at(uri: &str, line: usize, character: usize) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

fn wait_for_version(client: &mut Client, uri: &str, version: i32) {
    client.wait_for(&format!("the diagnostics of version {version}"), |it| {
        it["method"] == json!("textDocument/publishDiagnostics")
            && it["params"]["uri"] == json!(uri)
            && it["params"]["version"] == json!(version)
    });
}

/// A `kB` line of `/proc/PID/status`.
fn memory(pid: u32, key: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(key)?.strip_prefix(':')?;
        rest.trim().trim_end_matches("kB").trim().parse().ok()
    })
}

fn shared_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("SHOREWALL_LS_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    };
    dir.join("oracle/gen-synthetic").is_file().then_some(dir)
}
