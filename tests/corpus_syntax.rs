//! Every file of `../shared/corpus` (real configurations, the Debian samples, the standard
//! macros and actions) parses losslessly and without a syntax error, and the parser keeps its
//! invariants on every file cut short at many offsets.
//!
//! No corpus file is expected to have syntax errors: the sets the real compiler rejects (see
//! `REJECTED_BY_SHOREWALL`) fail for reasons that are the model's to report, not the parser's.
//! A file that should get syntax errors would be listed in `EXPECTED_SYNTAX_ERRORS` with the
//! reason.

use std::path::{Path, PathBuf};

use shorewall_syntax::{fuzz::check_parser, parse, Family, FileType, LineIndex};

/// Files where a syntax error is right, with why: none today.
const EXPECTED_SYNTAX_ERRORS: &[(&str, &str)] = &[];

/// Sets that Shorewall 5.2.8 rejects (checked with `oracle/compile4` and `compile6`, with the
/// Debian two-interfaces sample's files added where a set lacks them). Their files still parse
/// without syntax errors: each reason is semantic, for the model to report.
const REJECTED_BY_SHOREWALL: &[(&str, &str)] = &[
    (
        "ajmitchelson-gatekeeper",
        "4.4 `SECTION NEW` without `?`: Unknown ACTION (SECTION)",
    ),
    ("bonk-se-server-setup", "4.4 `SECTION NEW` without `?`"),
    ("gcrofils-asimov-remote", "4.4 `SECTION NEW` without `?`"),
    ("xianhuazhou-small-ideas", "4.4 `SECTION NEW` without `?`"),
    (
        "kpcyrd-jenkins-debian",
        "4.4 `FORMAT 2` and `SECTION NEW` without `?`",
    ),
    (
        "ilario-configurazione-fisso",
        "an interface of a zone the set does not define",
    ),
    (
        "adampielak-infra-loadbalancer-shorewall",
        "ipsets need a capability the oracle lacks",
    ),
];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|it| it.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else if path.file_name().is_some_and(|it| it != "SOURCES.md") {
            out.push(path);
        }
    }
}

/// How to read a corpus file. `FileType::from_path` knows `shorewall/` and `shorewall6/`
/// directories; the Debian sets are flat, so their family comes from the set's name, and the
/// standard macros and actions of the `shorewall` package serve both families.
fn file_types(corpus: &Path, path: &Path) -> Vec<FileType> {
    let set = path
        .strip_prefix(corpus)
        .ok()
        .and_then(|it| it.components().next())
        .and_then(|it| it.as_os_str().to_str())
        .unwrap_or("");
    let file_type = FileType::from_path(path);
    if set.contains("samples4") {
        vec![FileType::new(file_type.kind, Family::Ipv4)]
    } else if set == "debian-shorewall-5.2.8-macros-actions" {
        vec![
            FileType::new(file_type.kind, Family::Ipv4),
            FileType::new(file_type.kind, Family::Ipv6),
        ]
    } else {
        vec![file_type]
    }
}

fn relative(corpus: &Path, path: &Path) -> String {
    path.strip_prefix(corpus)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn corpus_parses_losslessly_without_syntax_errors() {
    let Some(corpus) = shorewall_tests::shared_or_skip("corpus", "corpus_syntax") else {
        return;
    };
    let mut paths = Vec::new();
    files(&corpus, &mut paths);
    assert!(paths.len() > 300, "the corpus has {} files", paths.len());
    for (set, reason) in REJECTED_BY_SHOREWALL {
        assert!(
            corpus.join(set).is_dir(),
            "{set} ({reason}) is not in the corpus"
        );
    }
    let mut failures = Vec::new();
    let mut with_errors = Vec::new();
    for path in &paths {
        let name = relative(&corpus, path);
        let text = std::fs::read_to_string(path).unwrap_or_else(|it| panic!("{name}: {it}"));
        for file_type in file_types(&corpus, path) {
            let parse = parse(&text, file_type);
            assert_eq!(parse.syntax().to_string(), text, "{name}: not lossless");
            if parse.errors().is_empty() {
                continue;
            }
            with_errors.push(name.clone());
            if EXPECTED_SYNTAX_ERRORS.iter().any(|(it, _)| *it == name) {
                continue;
            }
            let index = LineIndex::new(&text);
            for error in parse.errors() {
                let pos = index.line_col(error.range.start());
                failures.push(format!(
                    "{name} ({:?}):{}:{}: {}",
                    file_type.family,
                    pos.line + 1,
                    pos.col + 1,
                    error.message
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "unexpected syntax errors:\n{}",
        failures.join("\n")
    );
    for (name, reason) in EXPECTED_SYNTAX_ERRORS {
        assert!(
            with_errors.iter().any(|it| it == name),
            "{name} is listed as having syntax errors ({reason}) but has none"
        );
    }
    eprintln!(
        "corpus_syntax: {} files parsed, {} with syntax errors",
        paths.len(),
        with_errors.len()
    );
}

/// Offsets spread over the text (on character boundaries), and the ends of the first lines,
/// where a cut leaves a line without its newline.
fn cut_points(text: &str) -> Vec<usize> {
    let mut points: Vec<usize> = (0..=24).map(|i| text.len() * i / 24).collect();
    points.extend(text.match_indices('\n').take(16).map(|(i, _)| i));
    points.extend(text.match_indices('\\').take(8).map(|(i, _)| i + 1));
    points.retain(|&i| text.is_char_boundary(i));
    points.sort_unstable();
    points.dedup();
    points
}

#[test]
fn corpus_truncations_keep_the_parser_invariants() {
    let Some(corpus) = shorewall_tests::shared_or_skip("corpus", "corpus_syntax") else {
        return;
    };
    let mut paths = Vec::new();
    files(&corpus, &mut paths);
    let mut parses = 0;
    for path in &paths {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        for file_type in file_types(&corpus, path) {
            check_parser(&text, file_type);
            for cut in cut_points(&text) {
                check_parser(&text[..cut], file_type);
                parses += 1;
            }
        }
    }
    eprintln!("corpus_syntax: {parses} truncated files checked");
}
