//! Hostile input, from the command line (`check`, `compile`, `fmt --check`, `syntax`) and from
//! the language server (the file opened in an editor): huge files, a huge line, binary junk,
//! text that is not UTF-8, deep and circular INCLUDEs, INCLUDEs of a device and of a FIFO, a
//! symlink loop, a `params` file full of shell.
//!
//! Each must end in a clear diagnostic. Time and memory are bounded by construction (files
//! over a size limit and non-regular files are never read, INCLUDE depth is limited, shell is
//! never run); the tests check the result, and the runner (`bounded`) turns a hang or a
//! runaway allocation into a failure instead of a stuck machine.

mod bounded;

use bounded::{junk, messages, run, uri, write_small_config, Lsp, Outcome, Scratch};

/// The configuration directory of every test, inside its scratch directory.
const DIR: &str = "shorewall6";

/// A scratch directory holding a small valid configuration in [`DIR`] and `rules`.
fn config(name: &str, rules: impl AsRef<[u8]>) -> Scratch {
    let scratch = Scratch::new(name);
    write_small_config(&scratch, DIR);
    scratch.write(&format!("{DIR}/rules"), rules);
    scratch
}

/// Asserts that a run exited with one of `codes` and said `needle` (on stdout or stderr).
#[track_caller]
fn said(outcome: &Outcome, codes: &[i32], needle: &str) {
    assert!(
        outcome.code.is_some_and(|it| codes.contains(&it)),
        "exit code {:?}, expected one of {codes:?}; stderr: {}",
        outcome.code,
        tail(&outcome.stderr)
    );
    assert!(
        outcome.stdout.contains(needle) || outcome.stderr.contains(needle),
        "{needle:?} not said; stdout: {}\nstderr: {}",
        tail(&outcome.stdout),
        tail(&outcome.stderr)
    );
}

/// The end of a long output, for failure messages.
fn tail(text: &str) -> &str {
    let mut start = text.len().saturating_sub(2000);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

/// `check DIR` and `compile DIR` both report `needle` with exit code 1.
#[track_caller]
fn dir_commands_report(scratch: &Scratch, needle: &str) {
    for command in ["check", "compile"] {
        let outcome = run(&[command, DIR], &scratch.path);
        said(&outcome, &[1], needle);
    }
}

/// `fmt --check FILE` and `syntax FILE` both refuse `file` with exit code 2 and `needle`.
#[track_caller]
fn file_commands_refuse(scratch: &Scratch, file: &str, needle: &str) {
    for command in [&["fmt", "--check"][..], &["syntax"][..]] {
        let path = format!("{DIR}/{file}");
        let args: Vec<&str> = command.iter().copied().chain([path.as_str()]).collect();
        let outcome = run(&args, &scratch.path);
        said(&outcome, &[2], needle);
    }
}

/// Opens `file` of the scratch configuration in the server with `text` (what an editor holds)
/// and returns the messages of its first diagnostics; checks that the server still answers
/// and shuts down cleanly.
fn server_diagnostics(scratch: &Scratch, file: &str, text: &str) -> String {
    let mut lsp = Lsp::start(&scratch.path);
    let uri = uri(&scratch.join(&format!("{DIR}/{file}")));
    lsp.open(&uri, text);
    let res = messages(&lsp.diagnostics(&uri));
    let symbols = lsp.request(
        "textDocument/documentSymbol",
        serde_json::json!({ "textDocument": { "uri": uri } }),
    );
    assert!(symbols.get("result").is_some(), "{symbols}");
    lsp.shutdown();
    res
}

/// Valid rules followed by comment lines up to 10 MB, and a rule with an unknown zone on the
/// last line: everything is read (the last line is reported), in bounded time and memory.
/// (The cost of 10 MB of rules, line after line, is what the benchmarks measure.)
#[test]
fn ten_megabyte_rules_file() {
    let mut text = String::new();
    for port in 1..=10_000 {
        text.push_str(&format!("ACCEPT\tnet\t$FW\ttcp\t{port}\n"));
    }
    let comment = format!("# {}\n", "x".repeat(1000));
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(&comment);
    }
    text.push_str("ACCEPT\tnowhere\t$FW\ttcp\t22\n");
    let last_line = text.lines().count();
    let scratch = config("ten-megabytes", &text);
    let site = format!("rules:{last_line}:");
    for command in ["check", "compile"] {
        let outcome = run(&[command, DIR], &scratch.path);
        said(&outcome, &[1], &site);
        said(&outcome, &[1], "nowhere");
    }
    let rules = format!("{DIR}/rules");
    said(
        &run(&["fmt", "--check", &rules], &scratch.path),
        &[0, 1],
        "",
    );
    said(
        &run(&["syntax", &rules], &scratch.path),
        &[0],
        "SOURCE_FILE",
    );
    let diagnostics = server_diagnostics(&scratch, "rules", &text);
    assert!(diagnostics.contains("nowhere"), "{diagnostics}");
}

/// A file over the size limit is refused unread, by the CLI and when the server meets it in
/// an INCLUDE.
#[test]
fn file_over_the_size_limit() {
    let big = "# padding\n".repeat(1_700_000);
    let scratch = config("over-limit", &big);
    scratch.write(&format!("{DIR}/big"), &big);
    dir_commands_report(&scratch, "too large");
    file_commands_refuse(&scratch, "rules", "too large");
    let rules = "ACCEPT\tnet\t$FW\ttcp\t22\nINCLUDE big\n";
    scratch.write(&format!("{DIR}/rules"), rules);
    let diagnostics = server_diagnostics(&scratch, "rules", rules);
    assert!(diagnostics.contains("too large"), "{diagnostics}");
}

/// One rule on a line of over 100,000 characters (8,000 source addresses) is read and
/// compiled whole.
#[test]
fn hundred_thousand_character_line() {
    let addresses: Vec<String> = (0..8000).map(|it| format!("2001:db8::{it:x}")).collect();
    let line = format!("ACCEPT\tnet:{}\t$FW\ttcp\t22\n", addresses.join(","));
    assert!(line.len() > 100_000);
    let scratch = config("long-line", &line);
    let check = run(&["check", DIR], &scratch.path);
    said(&check, &[0], "");
    let compile = run(&["compile", DIR], &scratch.path);
    said(&compile, &[0], "-s 2001:db8::1f3f ");
    let rules = format!("{DIR}/rules");
    said(
        &run(&["fmt", "--check", &rules], &scratch.path),
        &[0, 1],
        "",
    );
    said(
        &run(&["syntax", &rules], &scratch.path),
        &[0],
        "2001:db8::1f3f",
    );
    let diagnostics = server_diagnostics(&scratch, "rules", &line);
    assert_eq!(diagnostics, "");
}

/// Random bytes: not UTF-8, refused with the offset of the first bad byte. In the editor the
/// same bytes arrive decoded with replacement characters and are parsed as broken text.
#[test]
fn binary_junk() {
    let bytes = junk(64 * 1024, 0x5eed);
    let offset = std::str::from_utf8(&bytes).unwrap_err().valid_up_to();
    let scratch = config("junk", &bytes);
    let needle = format!("not UTF-8 text (invalid byte at offset {offset})");
    dir_commands_report(&scratch, &needle);
    file_commands_refuse(&scratch, "rules", &needle);
    let diagnostics = server_diagnostics(&scratch, "rules", &String::from_utf8_lossy(&bytes));
    assert!(!diagnostics.is_empty());
    // Junk that is valid UTF-8 (control characters, NULs) is parsed and reported.
    let ascii: Vec<u8> = bytes.iter().map(|it| it & 0x7F).collect();
    scratch.write(&format!("{DIR}/rules"), &ascii);
    let check = run(&["check", DIR], &scratch.path);
    said(&check, &[1], "rules:1:");
}

/// A rules file with one byte that is not UTF-8, and an INCLUDE of such a file.
#[test]
fn invalid_utf8_on_disk() {
    let scratch = config("utf8", b"ACCEPT\tnet\t$FW\ttcp\t\xff22\n");
    let needle = "not UTF-8 text (invalid byte at offset 19)";
    dir_commands_report(&scratch, needle);
    file_commands_refuse(&scratch, "rules", needle);
    scratch.write(&format!("{DIR}/latin1"), b"# caf\xe9\n");
    let rules = "ACCEPT\tnet\t$FW\ttcp\t22\nINCLUDE latin1\n";
    scratch.write(&format!("{DIR}/rules"), rules);
    dir_commands_report(&scratch, "rules:2:1: error: INCLUDE file");
    let diagnostics = server_diagnostics(&scratch, "rules", rules);
    assert!(diagnostics.contains("not UTF-8"), "{diagnostics}");
}

/// A chain of 100 INCLUDEs stops at the depth limit; the error names the file where it
/// stopped, and the server reports it there too.
#[test]
fn deep_include_chain() {
    let scratch = config("deep-include", "INCLUDE inc1\n");
    for idx in 1..=100 {
        scratch.write(
            &format!("{DIR}/inc{idx}"),
            format!("INCLUDE inc{}\n", idx + 1),
        );
    }
    scratch.write(&format!("{DIR}/inc101"), "ACCEPT\tnet\t$FW\ttcp\t80\n");
    dir_commands_report(
        &scratch,
        "inc20:1:1: error: INCLUDEs/Scripts nested too deeply",
    );
    let mut lsp = Lsp::start(&scratch.path);
    let rules = uri(&scratch.join(&format!("{DIR}/rules")));
    let inc20 = uri(&scratch.join(&format!("{DIR}/inc20")));
    lsp.open(&rules, "INCLUDE inc1\n");
    lsp.open(&inc20, "INCLUDE inc21\n");
    let diagnostics = messages(&lsp.diagnostics(&inc20));
    assert!(diagnostics.contains("nested too deeply"), "{diagnostics}");
    lsp.shutdown();
}

/// Two files that include each other: a cycle, reported once, not followed forever.
#[test]
fn include_cycle() {
    let scratch = config("include-cycle", "ACCEPT\tnet\t$FW\ttcp\t22\nINCLUDE cyc1\n");
    scratch.write(&format!("{DIR}/cyc1"), "INCLUDE cyc2\n");
    scratch.write(&format!("{DIR}/cyc2"), "INCLUDE cyc1\n");
    dir_commands_report(
        &scratch,
        "cyc2:1:1: error: INCLUDE of shorewall6/cyc1 makes a cycle",
    );
    let mut lsp = Lsp::start(&scratch.path);
    let cyc2 = uri(&scratch.join(&format!("{DIR}/cyc2")));
    lsp.open(&cyc2, "INCLUDE cyc1\n");
    let diagnostics = messages(&lsp.diagnostics(&cyc2));
    assert!(diagnostics.contains("makes a cycle"), "{diagnostics}");
    lsp.shutdown();
}

/// `/dev/zero` never ends: it is not a regular file, so it is never read, whether included,
/// named on the command line, or behind a symlink named `rules`.
#[test]
fn include_of_dev_zero() {
    let rules = "ACCEPT\tnet\t$FW\ttcp\t22\nINCLUDE /dev/zero\n";
    let scratch = config("dev-zero", rules);
    dir_commands_report(
        &scratch,
        "rules:2:1: error: INCLUDE file /dev/zero cannot be read: not a regular file",
    );
    let diagnostics = server_diagnostics(&scratch, "rules", rules);
    assert!(diagnostics.contains("not a regular file"), "{diagnostics}");
    std::fs::remove_file(scratch.join(&format!("{DIR}/rules"))).unwrap();
    std::os::unix::fs::symlink("/dev/zero", scratch.join(&format!("{DIR}/rules"))).unwrap();
    dir_commands_report(&scratch, "rules cannot be read: not a regular file");
    file_commands_refuse(&scratch, "rules", "not a regular file");
}

/// Opening a FIFO with no writer blocks forever: it is never opened.
#[test]
fn include_of_a_fifo() {
    let rules = "ACCEPT\tnet\t$FW\ttcp\t22\nINCLUDE macro.Fifo\n";
    let scratch = config("fifo", rules);
    let status = std::process::Command::new("mkfifo")
        .arg(scratch.join(&format!("{DIR}/macro.Fifo")))
        .status()
        .unwrap();
    assert!(status.success());
    dir_commands_report(
        &scratch,
        "rules:2:1: error: INCLUDE file shorewall6/macro.Fifo cannot be read: not a regular file",
    );
    file_commands_refuse(&scratch, "macro.Fifo", "not a regular file");
    let diagnostics = server_diagnostics(&scratch, "rules", rules);
    assert!(diagnostics.contains("not a regular file"), "{diagnostics}");
}

/// Two symlinks that point at each other, included and named on the command line.
#[test]
fn symlink_loop() {
    let rules = "ACCEPT\tnet\t$FW\ttcp\t22\nINCLUDE loop1\n";
    let scratch = config("symlink-loop", rules);
    std::os::unix::fs::symlink("loop2", scratch.join(&format!("{DIR}/loop1"))).unwrap();
    std::os::unix::fs::symlink("loop1", scratch.join(&format!("{DIR}/loop2"))).unwrap();
    let needle = "Too many levels of symbolic links";
    dir_commands_report(&scratch, needle);
    file_commands_refuse(&scratch, "loop1", needle);
    let diagnostics = server_diagnostics(&scratch, "rules", rules);
    assert!(diagnostics.contains(needle), "{diagnostics}");
}

/// A `params` file is shell, which is never run: command substitutions, backticks and a
/// command after `;` are warned about, and the marker file they would create never appears.
#[test]
fn params_with_shell_is_never_run() {
    let scratch = config("params-shell", "");
    let marker = scratch.join("marker");
    let m = marker.display();
    let params = format!(
        "A=$(touch {m})\nB=`touch {m}`\nC=x; touch {m}; rm -rf {DIR}\nD=\"$(touch {m})\"\nE=${{A:-$(touch {m})}}\n"
    );
    scratch.write(&format!("{DIR}/params"), &params);
    let rules = "ACCEPT\tnet\t$FW\ttcp\t22\nACCEPT\tnet:$A\t$FW\ttcp\t23\n";
    scratch.write(&format!("{DIR}/rules"), rules);

    let check = run(&["check", DIR], &scratch.path);
    for name in ["A", "B", "C"] {
        said(
            &check,
            &[0],
            &format!("the value of ${name} is unknown [params-not-evaluated]"),
        );
    }
    let compile = run(&["compile", DIR], &scratch.path);
    said(&compile, &[1], "a shell-computed param");
    let path = format!("{DIR}/params");
    said(&run(&["fmt", "--check", &path], &scratch.path), &[0, 1], "");
    said(&run(&["syntax", &path], &scratch.path), &[0], "touch");

    let mut lsp = Lsp::start(&scratch.path);
    let params_uri = uri(&scratch.join(&path));
    lsp.open(&params_uri, &params);
    let diagnostics = messages(&lsp.diagnostics(&params_uri));
    assert!(diagnostics.contains("does not run"), "{diagnostics}");
    let rules_uri = uri(&scratch.join(&format!("{DIR}/rules")));
    lsp.open(&rules_uri, rules);
    let _ = lsp.diagnostics(&rules_uri);
    let preview = lsp.request(
        "workspace/executeCommand",
        serde_json::json!({ "command": "shorewall.preview", "arguments": [rules_uri] }),
    );
    assert!(preview.get("id").is_some(), "{preview}");
    lsp.shutdown();

    assert!(!marker.exists(), "a params line was run");
    assert!(scratch.join(&path).exists(), "a params line was run");
}
