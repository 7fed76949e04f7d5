//! The 41 mistakes of `../shared/oracle/samples/error-cases.txt`, each appended to a copy of the
//! oracle's `samples/basic`: `check` must report each on the file and line where Shorewall
//! 5.2.8 reports it (`samples/error-cases.expected`), with the same severity.

use std::{fs, path::Path};

use shorewall_ls::{cli::check, model::Severity};
use shorewall_tests::shared_or_skip;

struct Case {
    name: String,
    file: String,
    text: String,
}

fn cases(oracle: &Path) -> Vec<Case> {
    let text = fs::read_to_string(oracle.join("samples/error-cases.txt")).unwrap_or_default();
    text.lines()
        .filter(|it| !it.starts_with('#') && !it.trim().is_empty())
        .filter_map(|line| {
            let mut parts = line.splitn(3, '|');
            Some(Case {
                name: parts.next()?.to_owned(),
                file: parts.next()?.to_owned(),
                text: parts.next()?.replace("\\t", "\t").replace("\\n", "\n"),
            })
        })
        .collect()
}

/// What the real compiler said: (severity, file name, line or None for EOF).
fn expected(oracle: &Path, name: &str) -> Option<(Severity, String, Option<u32>, String)> {
    let text = fs::read_to_string(oracle.join("samples/error-cases.expected")).ok()?;
    let line = text
        .lines()
        .find(|it| it.split('\t').next() == Some(name))?;
    let message = line.split('\t').nth(2)?.to_owned();
    let severity = if message.starts_with("WARNING") {
        Severity::Warning
    } else {
        Severity::Error
    };
    // The place is the first "<dir>/FILE (line N)" or "(EOF)" in the configuration directory:
    // an error in a library macro names the macro's line first, then the rules line it comes
    // from, and the rules line is the one the user can fix.
    let place = message
        .split(" | ")
        .find(|it| it.contains("<dir>/"))
        .or(message.split(" | ").next())?;
    let (before, position) = place.rsplit_once(" (")?;
    let file = before.rsplit('/').next()?.to_owned();
    let line = position
        .strip_prefix("line ")
        .and_then(|it| it.trim_end_matches(')').parse().ok());
    Some((severity, file, line, message))
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn every_error_case_is_reported_on_its_line() {
    let Some(oracle) = shared_or_skip("oracle", "every_error_case_is_reported_on_its_line") else {
        return;
    };
    let cases = cases(&oracle);
    assert_eq!(cases.len(), 41, "error-cases.txt changed");
    let tmp = std::env::temp_dir().join(format!("shorewall-ls-error-cases-{}", std::process::id()));
    let mut failures = Vec::new();
    for case in &cases {
        let dir = tmp.join(&case.name).join("shorewall6");
        copy_dir(&oracle.join("samples/basic"), &dir);
        let path = dir.join(&case.file);
        let mut text = fs::read_to_string(&path).unwrap();
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&case.text);
        text.push('\n');
        fs::write(&path, text).unwrap();
        let Some((severity, file, line, message)) = expected(&oracle, &case.name) else {
            failures.push(format!("{}: no expected output", case.name));
            continue;
        };
        // The compiler sometimes names the last file it read after an "(EOF)" error (actions.std
        // for DROP_DEFAULT); the mistake is in the file the case changed.
        let file = if line.is_none() {
            case.file.clone()
        } else {
            file
        };
        let reported = check::check_directory(&dir, &dir);
        let found = reported.iter().any(|it| {
            it.path == file && it.severity == severity && line.is_none_or(|line| it.line == line)
        });
        if !found {
            failures.push(format!(
                "{}: expected {severity:?} on {file}:{line:?} ({message}); got:\n    {}",
                case.name,
                reported
                    .iter()
                    .map(|it| format!(
                        "{}:{}: {:?} {} [{}]",
                        it.path, it.line, it.severity, it.message, it.code
                    ))
                    .collect::<Vec<_>>()
                    .join("\n    ")
            ));
        }
    }
    let _ = fs::remove_dir_all(&tmp);
    let caught = cases.len() - failures.len();
    eprintln!(
        "oracle error cases caught on the right line: {caught}/{}",
        cases.len()
    );
    assert!(
        failures.is_empty(),
        "{} cases missed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
