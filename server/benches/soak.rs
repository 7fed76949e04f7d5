//! Edit soak: the release server over stdio takes edits as fast as it answers them for a
//! bounded time, and its memory must stay flat. Prints VmRSS after the warm-up and at the end,
//! with samples in between, and VmHWM (the peak).
//!
//! The configuration is `../shared/oracle/gen-synthetic 1000 DIR` (or a small built-in one).
//! The edits cycle: a character typed into a zone name and taken back, a line replaced, a rule
//! typed on a new line and removed again, with a hover and a completion between rounds; the
//! document returns to its first text after every round, so nothing should grow.
//!
//! Run: `cargo bench -p shorewall-ls --bench soak -- --minutes 10` (default: 30 seconds, so
//! that a plain `cargo bench` stays short).

#[allow(dead_code)]
#[path = "../tests/lsp/client.rs"]
mod client;

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use serde_json::json;

use client::{uri, Client};

fn main() {
    let mut duration = Duration::from_secs(30);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--minutes" {
            if let Some(minutes) = args.next().and_then(|it| it.parse::<f64>().ok()) {
                duration = Duration::from_secs_f64(minutes * 60.0);
            }
        }
    }
    let root = std::env::temp_dir().join(format!("shorewall-ls-soak-{}", std::process::id()));
    let dir = root.join("shorewall6");
    let _ = std::fs::remove_dir_all(&root);
    write_config(&dir);
    let path = dir.join("rules");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let uri = uri(&path);
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let rule_lines: Vec<(usize, usize)> = lines
        .iter()
        .enumerate()
        .filter_map(|(line, it)| Some((line, it.find("net:")? + 4)))
        .collect();
    if rule_lines.is_empty() {
        println!("soak: no rule line with a zone in {}", path.display());
        return;
    }

    let mut client = Client::start_program(Path::new(env!("CARGO_BIN_EXE_shorewall-ls")));
    client.initialize(json!({}));
    let pid = client.pid();
    client.open(&uri, &text);
    let mut version = 1;
    wait(&mut client, &uri, version);

    let started = Instant::now();
    let mut edits = 0u64;
    let mut rounds = 0usize;
    let mut start_rss = None;
    let mut next_sample = started + duration / 10;
    println!("soak: {} rule lines, {:?}", lines.len(), duration);
    while started.elapsed() < duration {
        let (line, column) = rule_lines[(rounds * 7919) % rule_lines.len()];
        rounds += 1;
        let original = &lines[line];
        let changes = [
            // A character typed into the zone name, then taken back.
            (line, column, line, column, "x".to_owned()),
            (line, column, line, column + 1, String::new()),
            // The whole line replaced, then restored.
            (line, 0, line + 1, 0, "DROP\tnet\t$FW\ttcp\t9\n".to_owned()),
            (line, 0, line + 1, 0, format!("{original}\n")),
            // A rule typed on a new line, then removed.
            (line, 0, line, 0, "ACCEPT\tloc\t$FW\tudp\t53\n".to_owned()),
            (line, 0, line + 1, 0, String::new()),
        ];
        for (start_line, start, end_line, end, insert) in changes {
            version += 1;
            client.notify(
                "textDocument/didChange",
                json!({
                    "textDocument": { "uri": uri, "version": version },
                    "contentChanges": [{ "range": {
                        "start": { "line": start_line, "character": start },
                        "end": { "line": end_line, "character": end } }, "text": insert }]
                }),
            );
            edits += 1;
        }
        // Only the last version's diagnostics are awaited: the others may be skipped.
        wait(&mut client, &uri, version);
        let at = json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": column } });
        let _ = client.request("textDocument/hover", at.clone());
        let _ = client.request("textDocument/completion", at);
        let _ = client.drain(Duration::ZERO);
        if start_rss.is_none() && rounds == 50 {
            start_rss = memory(pid, "VmRSS");
            println!("  after warm-up ({edits} edits): VmRSS {}", mib(start_rss));
        }
        if Instant::now() >= next_sample {
            next_sample += duration / 10;
            println!(
                "  {:>5.0} s, {edits} edits: VmRSS {}",
                started.elapsed().as_secs_f64(),
                mib(memory(pid, "VmRSS"))
            );
        }
    }
    let end_rss = memory(pid, "VmRSS");
    let peak = memory(pid, "VmHWM");
    client.shutdown();
    let _ = std::fs::remove_dir_all(&root);
    println!(
        "soak: {edits} edits in {:.0} s ({:.0}/s); VmRSS start {} end {}; VmHWM {}",
        started.elapsed().as_secs_f64(),
        edits as f64 / started.elapsed().as_secs_f64(),
        mib(start_rss),
        mib(end_rss),
        mib(peak)
    );
}

fn wait(client: &mut Client, uri: &str, version: i32) {
    client.wait_for(&format!("diagnostics of version {version}"), |it| {
        it["method"] == "textDocument/publishDiagnostics"
            && it["params"]["uri"] == uri
            && it["params"]["version"] == version
    });
}

/// A field of `/proc/PID/status`, in KiB.
fn memory(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|it| it.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|it| it.trim().trim_end_matches("kB").trim().parse().ok())
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or("?".to_owned(), |it| format!("{:.1} MB", it as f64 / 1024.0))
}

/// `gen-synthetic 1000` where the development environment is, else a small configuration.
fn write_config(dir: &Path) {
    let shared = match std::env::var_os("SHOREWALL_LS_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    };
    let generated = Command::new(shared.join("oracle/gen-synthetic"))
        .arg("1000")
        .arg(dir)
        .output();
    if generated.is_ok_and(|it| it.status.success()) {
        return;
    }
    let _ = std::fs::create_dir_all(dir);
    let files = [
        ("zones", "fw\tfirewall\nnet\tipv6\nloc\tipv6\n".to_owned()),
        ("interfaces", "net\teth0\t-\nloc\teth1\t-\n".to_owned()),
        (
            "policy",
            "$FW\tall\tACCEPT\nnet\tall\tDROP\nall\tall\tREJECT\n".to_owned(),
        ),
        (
            "rules",
            (0..1000)
                .map(|it| format!("ACCEPT\tnet:2001:db8::{it:x}\t$FW\ttcp\t{}\n", it + 1))
                .collect(),
        ),
    ];
    for (name, text) in files {
        let _ = std::fs::write(dir.join(name), text);
    }
}
