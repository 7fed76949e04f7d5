//! The compile preview against Shorewall 5.2.8's own output: every case of `tests/compile/`
//! (a configuration directory in `config/` and what `../shared/oracle/compile6` made of it) must
//! compile to the same bytes, fail where Shorewall fails, and give the warnings Shorewall gives.
//! `tests/compile/regenerate.sh` rebuilds the expected files from the oracle.
//!
//! On a mismatch the failure names each case and the chains that differ.

use std::{
    fs,
    path::{Path, PathBuf},
};

use shorewall_ls::cli::compile::compile_directory;
use shorewall_tests::{ruleset_diff::differing_chains, workspace_root};

fn cases() -> Vec<PathBuf> {
    let dir = workspace_root().join("tests/compile");
    let mut cases: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("tests/compile")
        .flatten()
        .map(|it| it.path())
        .filter(|it| it.join("config").is_dir())
        .collect();
    cases.sort();
    cases
}

fn name(case: &Path) -> String {
    case.file_name()
        .map(|it| it.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A warning as (file name, line, message), from either side's format; a warning Shorewall
/// gives on no line of a file (or at the `(EOF)` of whatever file it has open) has no file
/// and line 0.
type Warning = (String, u32, String);

/// `   WARNING: MESSAGE <case>/config/FILE (line N)` lines of `expected.warnings`, and
/// `   WARNING: MESSAGE [<case>/config/FILE (EOF)]` ones.
fn expected_warnings(text: &str) -> Vec<Warning> {
    let mut warnings: Vec<Warning> = text
        .lines()
        .filter_map(|line| {
            let rest = line.trim_start().strip_prefix("WARNING: ")?;
            if let Some(at_eof) = rest.strip_suffix(" (EOF)") {
                let (message, _) = at_eof.rsplit_once(" <case>/config/")?;
                return Some((String::new(), 0, message.to_owned()));
            }
            let located = rest
                .rsplit_once(" <case>/config/")
                .and_then(|(message, place)| {
                    let (file, line) = place.split_once(" (line ")?;
                    let line = line.strip_suffix(')')?.parse().ok()?;
                    Some((file.to_owned(), line, message.to_owned()))
                });
            Some(located.unwrap_or_else(|| (String::new(), 0, rest.to_owned())))
        })
        .collect();
    warnings.sort();
    warnings
}

/// `PATH:LINE:COL: warning: MESSAGE [compile-warning]` lines of `compile_directory`, and
/// `DIR: warning: MESSAGE [compile-warning]` ones (on no line), with `case`'s path in the
/// message written `<case>` as in `expected.warnings`.
fn our_warnings(case: &Path, lines: &[String]) -> Vec<Warning> {
    let case = case.display().to_string();
    let mut warnings: Vec<Warning> = lines
        .iter()
        .filter_map(|line| {
            let (place, rest) = line.split_once(": warning: ")?;
            let message = rest.rsplit_once(" [")?.0.replace(&case, "<case>");
            let mut parts = place.rsplitn(3, ':');
            let located = (|| {
                let _column = parts.next()?.parse::<u32>().ok()?;
                let line = parts.next()?.parse().ok()?;
                let file = parts.next()?.rsplit('/').next()?;
                Some((file.to_owned(), line))
            })();
            let (file, line) = located.unwrap_or_default();
            Some((file, line, message))
        })
        .collect();
    warnings.sort();
    warnings
}

/// What is wrong with one case, or `None` when it matches.
fn check_case(case: &Path) -> Option<String> {
    let config = case.join("config");
    let result = compile_directory(&config, false, case);
    let expected = fs::read_to_string(case.join("expected.ip6tables")).ok();
    match (expected, result) {
        (Some(expected), Ok(output)) => {
            let mut problems = Vec::new();
            if output.text != expected {
                problems.extend(differing_chains(&expected, &output.text));
            }
            let want = fs::read_to_string(case.join("expected.warnings"))
                .map(|it| expected_warnings(&it))
                .unwrap_or_default();
            let got = our_warnings(case, &output.warnings);
            if want != got {
                problems.push(format!("warnings: expected {want:?}, got {got:?}"));
            }
            (!problems.is_empty()).then(|| problems.join("\n    "))
        }
        (Some(_), Err(errors)) => Some(format!(
            "Shorewall compiles it, the preview fails: {}",
            errors.join(" | ")
        )),
        (None, Ok(_)) => {
            let message = fs::read_to_string(case.join("expected.err")).unwrap_or_default();
            Some(format!(
                "Shorewall fails ({}), the preview compiles it",
                message.trim()
            ))
        }
        (None, Err(errors)) => {
            let expected = fs::read_to_string(case.join("expected.err")).unwrap_or_default();
            compiler_error_mismatch(case, &expected, &errors)
        }
    }
}

/// Where Shorewall and the compiler both reject a configuration, the compiler's first error
/// must be Shorewall's message on the same file and line (`(EOF)`: the message alone).
/// Errors the model reports first (`check`'s own codes, with their own wording and tests) are
/// not compared.
fn compiler_error_mismatch(case: &Path, expected: &str, errors: &[String]) -> Option<String> {
    let ours = errors.first()?;
    let (place, rest) = ours.split_once(": error: ")?;
    let message = rest.strip_suffix(" [compile-error]")?;
    let message = message.replace(&case.display().to_string(), "<case>");
    let theirs = expected
        .lines()
        .find_map(|line| line.trim_start().strip_prefix("ERROR: "))?;
    let (their_message, their_place) = match theirs.rsplit_once(" <case>/config/") {
        Some((message, place)) => (message, Some(place)),
        None => (theirs.rsplit_once(" (EOF)").map_or(theirs, |it| it.0), None),
    };
    let their_message = their_message
        .rsplit_once(" /")
        .filter(|_| their_place.is_none())
        .map_or(their_message, |it| it.0);
    let mut problems = Vec::new();
    if message != their_message {
        problems.push(format!(
            "Shorewall says `{their_message}`, the preview `{message}`"
        ));
    }
    if let Some((file, line)) = their_place.and_then(|it| it.split_once(" (line ")) {
        let line = line.trim_end_matches(')');
        let mut parts = place.rsplitn(3, ':');
        let (_column, our_line, our_file) = (parts.next(), parts.next(), parts.next());
        let our_file = our_file.and_then(|it| it.rsplit('/').next());
        if our_file != Some(file) || our_line != Some(line) {
            problems.push(format!(
                "Shorewall's error is on {file} line {line}, the preview's on {place}"
            ));
        }
    }
    (!problems.is_empty()).then(|| problems.join("; "))
}

#[test]
fn every_golden_case_compiles_as_shorewall_does() {
    let cases = cases();
    assert!(cases.len() >= 100, "tests/compile lost its cases");
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| check_case(case).map(|it| format!("{}:\n    {it}", name(case))))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} golden cases differ from Shorewall 5.2.8:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn warnings_are_read_from_both_formats() {
    let ours = our_warnings(
        Path::new("tests/compile/x"),
        &["tests/compile/x/config/policy:4:1: warning: CONTINUE policy (loc, fw) [compile-warning]"
            .to_owned()],
    );
    let theirs =
        expected_warnings("   WARNING: CONTINUE policy (loc, fw) <case>/config/policy (line 4)\n");
    assert_eq!(ours, theirs);
    assert_eq!(
        ours,
        [(
            "policy".to_owned(),
            4,
            "CONTINUE policy (loc, fw)".to_owned()
        )]
    );
}

#[test]
fn warnings_on_no_line_are_read_from_both_formats() {
    let ours = our_warnings(
        Path::new("/t/x"),
        &[
            "/t/x/config: warning: The blacklist file is no longer supported -- use 'shorewall6 update' to convert /t/x/config/blacklist to the equivalent blrules file [compile-warning]".to_owned(),
            "/t/x/config: warning: The routestopped file is no longer supported [compile-warning]".to_owned(),
        ],
    );
    let theirs = expected_warnings(
        "   WARNING: The blacklist file is no longer supported -- use 'shorewall6 update' to convert <case>/config/blacklist to the equivalent blrules file <case>/config/policy (EOF)\n   WARNING: The routestopped file is no longer supported\n",
    );
    assert_eq!(ours, theirs);
    assert_eq!(ours.len(), 2);
    assert!(ours
        .iter()
        .all(|(file, line, _)| file.is_empty() && *line == 0));
}
