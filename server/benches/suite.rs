//! The benchmark suite: how parse, fmt, check, compile and the language server's answers grow
//! with the size of the configuration, beside the real Shorewall compiler.
//!
//! For each size N (default 1,000, 10,000 and 100,000 rule lines) it writes
//! `../shared/oracle/gen-synthetic N DIR` and measures, as the median of `--runs` runs:
//! - parse: the rules file into its syntax tree;
//! - fmt: formatting the rules file (parse included);
//! - check: the model of the directory and `check`'s report;
//! - compile: the directory to ip6tables-restore text (model, lowering, emitting);
//! - the release server over stdio, as an editor drives it: open → first diagnostics (once),
//!   then keystroke → diagnostics, hover and completion (medians of a few each).
//!
//! With `--oracle`, Shorewall 5.2.8's `compile6` compiles the same directory once per size
//! (minutes at 100,000 lines, hence opt-in). The detailed benchmarks stay where they are:
//! `compile` (the preview against compile6, stage by stage), `lsp` (latency percentiles and
//! memory), and the syntax crate's `parse` and `format`.
//!
//! Run: `cargo bench -p shorewall-ls --bench suite [-- [--runs R] [--oracle] [N...]]`.
//! It prints a markdown table (docs/performance.md keeps the last one).

#[allow(dead_code)]
#[path = "../tests/lsp/client.rs"]
mod client;

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use serde_json::{json, Value};
use shorewall_ls::{
    cli::{check, compile},
    disk,
};
use shorewall_syntax::{
    format::{format_text, FormatOptions},
    parse, Family, FileKind, FileType,
};

use client::{uri, Client};

fn main() {
    let mut sizes = Vec::new();
    let mut runs = 5usize;
    let mut oracle = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next().and_then(|it| it.parse().ok()).unwrap_or(runs),
            "--oracle" => oracle = true,
            "--bench" => {}
            other => sizes.extend(other.parse::<usize>().ok()),
        }
    }
    if sizes.is_empty() {
        sizes = vec![1_000, 10_000, 100_000];
    }
    let Some(shared) = shared_dir() else {
        println!("suite: ../shared/oracle is not here (set SHOREWALL_LS_SHARED); no configuration");
        return;
    };
    println!(
        "| rule lines | parse | fmt | check | compile | open → diagnostics | keystroke → diagnostics | hover | completion | compile6 |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for lines in sizes {
        let root =
            std::env::temp_dir().join(format!("shorewall-ls-suite-{}-{lines}", std::process::id()));
        let dir = root.join("shorewall6");
        let _ = std::fs::remove_dir_all(&root);
        let generated = Command::new(shared.join("oracle/gen-synthetic"))
            .arg(lines.to_string())
            .arg(&dir)
            .output();
        if !generated.is_ok_and(|it| it.status.success()) {
            println!("suite: gen-synthetic {lines} failed");
            return;
        }
        let row = measure(&dir, runs, oracle.then(|| shared.join("oracle/compile6")));
        let _ = std::fs::remove_dir_all(&root);
        println!("| {lines} | {row} |");
    }
}

/// One row of the table: every measure on the configuration `dir`.
fn measure(dir: &Path, runs: usize, compile6: Option<PathBuf>) -> String {
    let rules = dir.join("rules");
    let text = disk::read_text(&rules).unwrap_or_default();
    let file_type = FileType::new(FileKind::Rules, Family::Ipv6);
    let parse_time = median(runs, || {
        parse(&text, file_type);
    });
    let fmt_time = median(runs, || {
        format_text(&text, file_type, &FormatOptions::default());
    });
    let check_time = median(runs, || {
        check::check_directory(dir, dir);
    });
    let mut compiled = true;
    let compile_time = median(runs, || {
        compiled &= compile::compile_directory(dir, false, dir).is_ok();
    });
    let server = server_latency(dir);
    let oracle = compile6.map_or("not run".to_owned(), |it| match run_compile6(&it, dir) {
        Some(time) => ms(time),
        None => "failed".to_owned(),
    });
    let compile_cell = if compiled {
        ms(compile_time)
    } else {
        "failed".to_owned()
    };
    format!(
        "{} | {} | {} | {compile_cell} | {} | {} | {} | {} | {oracle}",
        ms(parse_time),
        ms(fmt_time),
        ms(check_time),
        ms(server.open),
        ms(server.keystroke),
        ms(server.hover),
        ms(server.completion),
    )
}

/// The median time of `runs` calls of `work` (after one untimed call).
fn median(runs: usize, mut work: impl FnMut()) -> Duration {
    work();
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn ms(time: Duration) -> String {
    let ms = time.as_secs_f64() * 1e3;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

/// What the server's client sees.
struct ServerLatency {
    open: Duration,
    keystroke: Duration,
    hover: Duration,
    completion: Duration,
}

/// The release server on `dir`'s rules file: open → first diagnostics, then medians of
/// keystroke → diagnostics (a character typed into a zone name and taken back), hover on an
/// action and completion after a zone's colon.
fn server_latency(dir: &Path) -> ServerLatency {
    let mut client = Client::start_program(Path::new(env!("CARGO_BIN_EXE_shorewall-ls")));
    client.initialize(json!({}));
    let path = dir.join("rules");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let uri = uri(&path);
    let lines: Vec<&str> = text.lines().collect();
    let start = Instant::now();
    client.open(&uri, &text);
    wait_for_version(&mut client, &uri, 1);
    let open = start.elapsed();

    // Rule lines spread over the file, each with a zone name followed by a colon.
    let places: Vec<(usize, usize)> = (0..10)
        .filter_map(|idx| {
            let from = 8 + idx * lines.len().saturating_sub(8) / 10;
            (from..lines.len()).find_map(|line| {
                let column = lines[line].find("net:")?;
                Some((line, column + 4))
            })
        })
        .collect();
    let mut version = 1;
    let mut keystrokes = Vec::new();
    let mut hovers = Vec::new();
    let mut completions = Vec::new();
    for &(line, column) in &places {
        for (insert, end) in [("x", column), ("", column + 1)] {
            version += 1;
            let start = Instant::now();
            client.notify(
                "textDocument/didChange",
                json!({
                    "textDocument": { "uri": uri, "version": version },
                    "contentChanges": [{ "range": {
                        "start": { "line": line, "character": column },
                        "end": { "line": line, "character": end } }, "text": insert }]
                }),
            );
            wait_for_version(&mut client, &uri, version);
            keystrokes.push(start.elapsed());
        }
        let at = |character: usize| json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } });
        let start = Instant::now();
        let _ = client.request("textDocument/hover", at(1));
        hovers.push(start.elapsed());
        let start = Instant::now();
        let _ = client.request("textDocument/completion", at(column));
        completions.push(start.elapsed());
    }
    client.shutdown();
    let mid = |mut it: Vec<Duration>| {
        it.sort();
        it.get(it.len() / 2).copied().unwrap_or_default()
    };
    ServerLatency {
        open,
        keystroke: mid(keystrokes),
        hover: mid(hovers),
        completion: mid(completions),
    }
}

/// Waits for the diagnostics of `version` of `uri`.
fn wait_for_version(client: &mut Client, uri: &str, version: i32) -> Value {
    client.wait_for(&format!("diagnostics of version {version}"), |it| {
        it["method"] == "textDocument/publishDiagnostics"
            && it["params"]["uri"] == uri
            && it["params"]["version"] == version
    })
}

/// One run of Shorewall's compiler on `dir`: its wall time, if it succeeded.
fn run_compile6(script: &Path, dir: &Path) -> Option<Duration> {
    let mut command = Command::new(script);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("SHOREWALL") {
            command.env_remove(name);
        }
    }
    let start = Instant::now();
    let output = command.arg(dir).output().ok()?;
    output.status.success().then(|| start.elapsed())
}

fn shared_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("SHOREWALL_LS_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    };
    dir.join("oracle/gen-synthetic").is_file().then_some(dir)
}
