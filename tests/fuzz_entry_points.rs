//! The fuzz targets' entry points (`shorewall_tests::fuzzing`) over the corpus and over every
//! input a fuzzer ever crashed on (`tests/fuzz_regressions/TARGET/`), so that the targets keep
//! compiling and working, and every crash found stays fixed.

use std::{fs, path::Path};

use shorewall_tests::{
    fuzzing::{self, corpus_dir_inputs, corpus_file_inputs, example_sessions, DirInput, FileInput},
    shared_or_skip, workspace_root,
};

/// The saved crash inputs of one fuzz target.
fn regressions(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = workspace_root().join("tests/fuzz_regressions").join(target);
    let mut res: Vec<(String, Vec<u8>)> = fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            Some((name, fs::read(entry.path()).ok()?))
        })
        .collect();
    res.sort();
    res
}

/// The one-file inputs of the project's example configuration and of `../shared/corpus`.
fn file_inputs() -> Vec<Vec<u8>> {
    let mut res = corpus_file_inputs(&workspace_root().join("examples"));
    assert!(!res.is_empty(), "the project's examples/ are missing");
    if let Some(corpus) = shared_or_skip("corpus", "fuzz_entry_points over ../shared/corpus") {
        let shared = corpus_file_inputs(&corpus);
        assert!(!shared.is_empty(), "no corpus file found");
        res.extend(shared);
    }
    res
}

/// The directory inputs of the project's example configuration and of `../shared/corpus`.
fn dir_inputs() -> Vec<Vec<u8>> {
    let mut res = corpus_dir_inputs(&workspace_root().join("examples"));
    assert!(!res.is_empty(), "the project's examples/ are missing");
    if let Some(corpus) = shared_or_skip("corpus", "fuzz_entry_points over ../shared/corpus") {
        let shared = corpus_dir_inputs(&corpus);
        assert!(!shared.is_empty(), "no corpus directory found");
        res.extend(shared);
    }
    res
}

#[test]
fn encodings_round_trip() {
    let text = "ACCEPT\tnet\t$FW\ttcp\t22\n";
    let file = FileInput::decode(&FileInput::encode(
        "rules",
        shorewall_syntax::Family::Ipv4,
        text,
    ));
    assert_eq!(
        (file.name, file.family, file.text.as_str()),
        ("rules", shorewall_syntax::Family::Ipv4, text)
    );
    let files = vec![
        ("rules".to_owned(), text.to_owned()),
        ("macro.Mine".to_owned(), "PARAM - - tcp 1\n".to_owned()),
        ("zones".to_owned(), String::new()),
    ];
    let dir = DirInput::decode(&DirInput::encode(shorewall_syntax::Family::Ipv6, &files));
    assert_eq!(dir.dir, Path::new("/fuzz/shorewall6"));
    assert_eq!(dir.files, files);
    // Names that are not one path component are dropped, never read.
    let dir = DirInput::decode(b"\x00../etc/passwd\nx\xff/abs\ny\xff\n\xffok\nz");
    assert_eq!(dir.files, vec![("ok".to_owned(), "z".to_owned())]);
}

#[test]
fn parse_entry_point_over_the_corpus() {
    for (name, input) in regressions("parse") {
        eprintln!("parse regression {name}");
        fuzzing::parse(&input);
    }
    for input in &file_inputs() {
        fuzzing::parse(input);
    }
}

#[test]
fn check_entry_point_over_the_corpus() {
    for (name, input) in regressions("check") {
        eprintln!("check regression {name}");
        fuzzing::check(&input);
    }
    for input in &dir_inputs() {
        fuzzing::check(input);
    }
}

#[test]
fn fmt_entry_point_over_the_corpus() {
    for (name, input) in regressions("fmt") {
        eprintln!("fmt regression {name}");
        fuzzing::fmt(&input);
    }
    for input in &file_inputs() {
        fuzzing::fmt(input);
    }
}

#[test]
fn compile_entry_point_over_the_corpus() {
    for (name, input) in regressions("compile") {
        eprintln!("compile regression {name}");
        fuzzing::compile(&input);
    }
    let inputs = dir_inputs();
    let compiled = inputs.iter().filter(|it| fuzzing::compile(it)).count();
    eprintln!("{compiled} of {} directories compiled", inputs.len());
    // The example is a complete IPv6 configuration that Shorewall compiles: the target must
    // reach the compiler, not stop at the model.
    assert!(compiled > 0, "no corpus directory reached the compiler");
}

#[test]
fn lsp_entry_point_over_the_examples() {
    for (name, input) in regressions("lsp") {
        eprintln!("lsp regression {name}");
        fuzzing::lsp(&input);
    }
    let sessions = example_sessions();
    assert!(!sessions.is_empty(), "the project's examples/ are missing");
    for input in &sessions {
        fuzzing::lsp(input);
    }
}

#[test]
fn lsp_entry_point_answers_every_request() {
    // The server answers what the session asks, the final `shutdown` included, in well-formed
    // frames; a broken frame in the middle costs a warning, not the session.
    let input = fuzzing::SessionInput::encode(&[
        br#"{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///fuzz/shorewall6/rules"},"position":{"line":0,"character":0}}}"#.to_vec(),
        b"!Content-Length: 2\r\n\r\n{]".to_vec(),
        br#"{"jsonrpc":"2.0","id":2,"method":"no/such/method"}"#.to_vec(),
    ]);
    let output = fuzzing::SessionInput::decode(&input).serve();
    fuzzing::check_frames(&output);
    let text = String::from_utf8_lossy(&output);
    for needle in [
        "\"id\":0",
        "\"id\":1",
        "\"message\":\"Method not found\",\"data\":\"no/such/method\"},\"id\":2",
        "\"id\":999999",
        "dropped a malformed message: not JSON",
    ] {
        assert!(text.contains(needle), "{needle} not in {text}");
    }
}
