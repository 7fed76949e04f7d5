//! One case per diagnostic code (`tests/diagnostics/cases/<code>.txt`): a configuration that must
//! raise the code and a near miss that must not, both overlaid on a small clean shorewall6
//! directory, with the `check` output of each as a snapshot (`UPDATE_EXPECT=1` rewrites it).
//!
//! A case file:
//!
//! ```text
//! # what the case shows (comment lines before the first section)
//! #= bad
//! #- rules
//! ACCEPT nte $FW tcp 22
//! #= good
//! #- rules
//! ACCEPT net $FW tcp 22
//! #= expected bad
//! rules:1:8: error: ... [unknown-zone]
//! #= expected good
//! ```
//!
//! The cases of `tests/diagnostics/cases/one-per-mistake/` have the same form; each bad
//! configuration holds one mistake, which must get one error (not a cascade), and the good one
//! none.
//!
//! `#- NAME` starts a file that replaces the base's file of that name; `#- -NAME` removes it;
//! `<0xff>` in a file is a byte that is not UTF-8. The models are built with the built-in library
//! and name tables, so the cases do not depend on the machine.

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    fs,
    path::{Path, PathBuf},
};

use shorewall_ls::{
    cli::check,
    disk::DiskVfs,
    model::{self, Environment, CODES},
};
use shorewall_tests::workspace_root;

/// The clean directory every case starts from.
const BASE: &[(&str, &str)] = &[
    ("shorewall6.conf", ""),
    ("zones", "fw firewall\nnet ipv6\nloc ipv6\n"),
    ("interfaces", "net eth0\nloc eth1\n"),
    (
        "policy",
        "$FW all ACCEPT\nloc net ACCEPT\nnet all DROP info\nall all REJECT info\n",
    ),
    ("rules", ""),
];

struct Case {
    code: String,
    header: String,
    bad: BTreeMap<String, Option<String>>,
    good: BTreeMap<String, Option<String>>,
    expected_bad: String,
    expected_good: String,
}

fn cases_dir() -> PathBuf {
    workspace_root().join("tests/diagnostics/cases")
}

/// Splits a case file into its sections.
fn parse_case(code: &str, text: &str) -> Case {
    let mut case = Case {
        code: code.to_owned(),
        header: String::new(),
        bad: BTreeMap::new(),
        good: BTreeMap::new(),
        expected_bad: String::new(),
        expected_good: String::new(),
    };
    let mut section = "";
    let mut file: Option<String> = None;
    for line in text.split_inclusive('\n') {
        if let Some(name) = line.strip_prefix("#= ") {
            section = match name.trim() {
                "bad" => "bad",
                "good" => "good",
                "expected bad" => "expected bad",
                "expected good" => "expected good",
                other => panic!("{code}: unknown section '{other}'"),
            };
            file = None;
            continue;
        }
        let files = match section {
            "bad" => &mut case.bad,
            "good" => &mut case.good,
            "expected bad" => {
                case.expected_bad.push_str(line);
                continue;
            }
            "expected good" => {
                case.expected_good.push_str(line);
                continue;
            }
            _ => {
                case.header.push_str(line);
                continue;
            }
        };
        if let Some(name) = line.strip_prefix("#- ") {
            let name = name.trim();
            match name.strip_prefix('-') {
                Some(removed) => {
                    files.insert(removed.to_owned(), None);
                    file = None;
                }
                None => {
                    files.insert(name.to_owned(), Some(String::new()));
                    file = Some(name.to_owned());
                }
            }
            continue;
        }
        match file.as_ref().and_then(|it| files.get_mut(it)) {
            Some(Some(text)) => text.push_str(line),
            _ => assert!(
                line.trim().is_empty(),
                "{code}: text outside a file in section {section}: {line:?}"
            ),
        }
    }
    case
}

/// The case file's text with the given outputs as its snapshots.
fn render_case(case: &Case, bad_output: &str, good_output: &str) -> String {
    let mut res = case.header.clone();
    for (title, files) in [("bad", &case.bad), ("good", &case.good)] {
        let _ = writeln!(res, "#= {title}");
        for (name, text) in files {
            match text {
                Some(text) => {
                    let _ = writeln!(res, "#- {name}");
                    res.push_str(text);
                }
                None => {
                    let _ = writeln!(res, "#- -{name}");
                }
            }
        }
    }
    let _ = writeln!(res, "#= expected bad");
    res.push_str(bad_output);
    let _ = writeln!(res, "#= expected good");
    res.push_str(good_output);
    res
}

/// `check`'s output for the base directory with `overlay` applied, written under `tmp`.
fn check_output(overlay: &BTreeMap<String, Option<String>>, tmp: &Path) -> String {
    let mut files: BTreeMap<String, String> = BASE
        .iter()
        .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
        .collect();
    for (name, text) in overlay {
        match text {
            Some(text) => files.insert(name.clone(), text.clone()),
            None => files.remove(name),
        };
    }
    let dir = tmp.join("shorewall6");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        // `<0xff>` stands for a byte that is not UTF-8 (an unreadable file).
        let bytes: Vec<u8> = text
            .split("<0xff>")
            .enumerate()
            .flat_map(|(idx, part)| {
                let mut bytes = if idx == 0 { Vec::new() } else { vec![0xff] };
                bytes.extend_from_slice(part.as_bytes());
                bytes
            })
            .collect();
        fs::write(dir.join(name), bytes).unwrap();
    }
    // The disk for the directory, the built-in library and name tables for the rest.
    let vfs = DiskVfs;
    let builtin = Environment::builtin(&vfs);
    let env = Environment {
        vfs: &vfs,
        library_dirs: Vec::new(),
        names: builtin.names.clone(),
        parse_cache: None,
    };
    let model = model::build(&dir, &env);
    let mut res = String::new();
    for it in check::report_all(&model, &env, &dir) {
        let _ = writeln!(
            res,
            "{}:{}:{}: {}: {} [{}]",
            it.path,
            it.line,
            it.column,
            it.severity.as_str(),
            it.message.replace(&*dir.to_string_lossy(), "<dir>"),
            it.code
        );
    }
    res
}

fn raises(output: &str, code: &str) -> bool {
    let tag = format!("[{code}]");
    output.lines().any(|it| it.ends_with(&tag))
}

fn case_files() -> Vec<(String, PathBuf)> {
    let mut res: Vec<(String, PathBuf)> = fs::read_dir(cases_dir())
        .map(|it| {
            it.flatten()
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|it| it == "txt"))
                .filter_map(|path| {
                    let code = path.file_stem()?.to_str()?.to_owned();
                    Some((code, path))
                })
                .collect()
        })
        .unwrap_or_default();
    res.sort();
    res
}

#[test]
fn every_code_has_a_case_and_every_case_a_code() {
    let cases: Vec<String> = case_files().into_iter().map(|it| it.0).collect();
    let missing: Vec<&str> = CODES
        .iter()
        .map(|it| it.0)
        .filter(|code| !cases.iter().any(|it| it == code))
        .collect();
    let unknown: Vec<&String> = cases
        .iter()
        .filter(|case| !CODES.iter().any(|it| it.0 == case.as_str()))
        .collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "codes without a case in tests/diagnostics/cases: {missing:?}; cases of no code: {unknown:?}"
    );
}

#[test]
fn each_case_raises_its_code_and_its_near_miss_does_not() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let tmp = std::env::temp_dir().join(format!(
        "shorewall-ls-diagnostic-cases-{}",
        std::process::id()
    ));
    let mut failures = Vec::new();
    for (code, path) in case_files() {
        let text = fs::read_to_string(&path).unwrap();
        let case = parse_case(&code, &text);
        assert!(!case.bad.is_empty(), "{code}: no bad configuration");
        assert!(!case.good.is_empty(), "{code}: no good configuration");
        let bad = check_output(&case.bad, &tmp);
        let good = check_output(&case.good, &tmp);
        if !raises(&bad, &case.code) {
            failures.push(format!(
                "{code}: the bad configuration does not raise it:\n{bad}"
            ));
        }
        if raises(&good, &case.code) {
            failures.push(format!("{code}: the near miss raises it:\n{good}"));
        }
        if bad != case.expected_bad || good != case.expected_good {
            if update {
                fs::write(&path, render_case(&case, &bad, &good)).unwrap();
            } else {
                failures.push(format!(
                    "{code}: the output changed (UPDATE_EXPECT=1 rewrites {}):\nbad:\n{bad}good:\n{good}",
                    path.display()
                ));
            }
        }
    }
    let _ = fs::remove_dir_all(&tmp);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn one_mistake_gets_one_error() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let tmp = std::env::temp_dir().join(format!(
        "shorewall-ls-one-per-mistake-{}",
        std::process::id()
    ));
    let dir = cases_dir().join("one-per-mistake");
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|it| it.path())
        .filter(|it| it.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no cases in {}", dir.display());
    let errors = |output: &str| output.lines().filter(|it| it.contains(": error: ")).count();
    let mut failures = Vec::new();
    for path in paths {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let case = parse_case(&name, &fs::read_to_string(&path).unwrap());
        let bad = check_output(&case.bad, &tmp);
        let good = check_output(&case.good, &tmp);
        if errors(&bad) != 1 {
            failures.push(format!(
                "{name}: the mistake gets {} errors:\n{bad}",
                errors(&bad)
            ));
        }
        if errors(&good) != 0 {
            failures.push(format!(
                "{name}: the fixed configuration gets errors:\n{good}"
            ));
        }
        if bad != case.expected_bad || good != case.expected_good {
            if update {
                fs::write(&path, render_case(&case, &bad, &good)).unwrap();
            } else {
                failures.push(format!(
                    "{name}: the output changed (UPDATE_EXPECT=1 rewrites {}):\nbad:\n{bad}good:\n{good}",
                    path.display()
                ));
            }
        }
    }
    let _ = fs::remove_dir_all(&tmp);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The sections of `docs/diagnostics.md`: (code, text up to the next section).
fn documented_codes() -> Vec<(String, String)> {
    let text = fs::read_to_string(workspace_root().join("docs/diagnostics.md")).unwrap_or_default();
    let mut res: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let code = line
            .strip_prefix("## `")
            .and_then(|it| it.strip_suffix('`'));
        match (code, res.last_mut()) {
            (Some(code), _) => res.push((code.to_owned(), String::new())),
            (None, Some((_, section))) => {
                section.push_str(line);
                section.push('\n');
            }
            (None, None) => {}
        }
    }
    res
}

#[test]
fn docs_describe_every_code_with_its_case() {
    let documented = documented_codes();
    let mut failures = Vec::new();
    for (code, _) in CODES {
        if !documented.iter().any(|it| it.0 == *code) {
            failures.push(format!(
                "{code}: no '## `{code}`' section in docs/diagnostics.md"
            ));
        }
    }
    for (code, section) in &documented {
        if !CODES.iter().any(|it| it.0 == code) {
            failures.push(format!("{code}: documented, but not in model::CODES"));
            continue;
        }
        for part in ["Severity: ", "Example:", "Fix: "] {
            if !section.contains(part) {
                failures.push(format!("{code}: the section has no '{part}'"));
            }
        }
        // The example's output is the case's: the docs show what check prints.
        let case_path = cases_dir().join(format!("{code}.txt"));
        let case = parse_case(code, &fs::read_to_string(case_path).unwrap_or_default());
        if !section.contains(&case.expected_bad) {
            failures.push(format!(
                "{code}: the example's output is not the case's:\n{}",
                case.expected_bad
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
