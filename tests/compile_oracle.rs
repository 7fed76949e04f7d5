//! The compile preview against the live Shorewall 5.2.8 compiler and the kernel's ip6tables:
//! for every case of `tests/compile/`, `../shared/oracle/compile6` runs now (so a golden file
//! that no longer matches the oracle is noticed too), the preview must give the same bytes, and
//! `../shared/oracle/validate6 --save` must load the preview's ruleset into a throw-away
//! network namespace; where the texts differ, the two loaded rulesets are compared as well, to
//! tell a difference of text from a difference of meaning.
//!
//! Skips with a message without `../shared`, where Shorewall is not installed, and (for the
//! loading part) where `validate6` cannot run (it needs root and `unshare -n`).

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use shorewall_ls::cli::compile::compile_directory;
use shorewall_tests::{ruleset_diff::differing_chains, shared_or_skip, workspace_root};

/// The compiler the oracle scripts run.
const COMPILER: &str = "/usr/share/shorewall/compiler.pl";

/// A command for one of the oracle's tools. Shorewall refuses to run with a `SHOREWALL_*`
/// variable in its environment, and the tests' own `SHOREWALL_LS_SHARED` is one.
fn oracle_command(program: &Path) -> Command {
    let mut command = Command::new(program);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("SHOREWALL") {
            command.env_remove(name);
        }
    }
    command
}

/// compile6's output for `dir`: `Ok(text)`, or `Err(message)` when Shorewall rejects it.
fn compile6(oracle: &Path, dir: &Path) -> Result<String, String> {
    let output = oracle_command(&oracle.join("compile6"))
        .arg(dir)
        .output()
        .map_err(|it| format!("compile6 did not run: {it}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_owned())
    }
}

/// What `validate6 --save` made of a ruleset.
enum Loaded {
    /// The normalised ip6tables-save text.
    Saved(String),
    /// ip6tables rejected it, with the tools' messages.
    Rejected(String),
    /// validate6 cannot run here.
    Unavailable(String),
}

fn validate6(oracle: &Path, ruleset: &str) -> Loaded {
    let child = oracle_command(&oracle.join("validate6"))
        .args(["--save", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(error) => return Loaded::Unavailable(error.to_string()),
    };
    if let Some(mut stdin) = child.stdin.take() {
        // A failed write shows up as a rejection below.
        let _ = stdin.write_all(ruleset.as_bytes());
    }
    let output = match child.wait_with_output() {
        Ok(output) => output,
        Err(error) => return Loaded::Unavailable(error.to_string()),
    };
    let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
    match output.status.code() {
        Some(0) => Loaded::Saved(String::from_utf8_lossy(&output.stdout).into_owned()),
        Some(1) => Loaded::Rejected(stderr),
        _ => Loaded::Unavailable(stderr),
    }
}

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

#[test]
fn the_preview_matches_the_live_compiler_and_loads() {
    let test = "the_preview_matches_the_live_compiler_and_loads";
    let Some(oracle) = shared_or_skip("oracle", test) else {
        return;
    };
    if !Path::new(COMPILER).exists() {
        eprintln!("SKIP {test}: Shorewall is not installed ({COMPILER} is missing)");
        return;
    }
    let mut failures = Vec::new();
    let mut loaded = 0;
    let mut unloadable = 0;
    let mut can_load = true;
    let cases = cases();
    for case in &cases {
        let name = case.file_name().unwrap_or_default().to_string_lossy();
        let config = case.join("config");
        let theirs = compile6(&oracle, &config);
        let golden = fs::read_to_string(case.join("expected.ip6tables")).ok();
        if theirs.as_ref().ok() != golden.as_ref() {
            failures.push(format!(
                "{name}: expected.ip6tables is out of date (tests/compile/regenerate.sh {name})"
            ));
        }
        let ours = compile_directory(&config, false, case);
        let (theirs, ours) = match (theirs, ours) {
            (Ok(theirs), Ok(ours)) => (theirs, ours.text),
            (Err(_), Err(_)) => continue,
            (Ok(_), Err(errors)) => {
                failures.push(format!("{name}: the preview fails: {}", errors.join(" | ")));
                continue;
            }
            (Err(message), Ok(_)) => {
                failures.push(format!(
                    "{name}: Shorewall fails ({message}), the preview compiles"
                ));
                continue;
            }
        };
        let same_text = theirs == ours;
        if !same_text {
            failures.push(format!(
                "{name}: differs in {}",
                differing_chains(&theirs, &ours).join("; ")
            ));
        }
        if !can_load {
            continue;
        }
        match validate6(&oracle, &ours) {
            Loaded::Saved(saved) => {
                loaded += 1;
                if !same_text {
                    if let Loaded::Saved(their_saved) = validate6(&oracle, &theirs) {
                        let meaning = if saved == their_saved {
                            "the same once loaded"
                        } else {
                            "different once loaded too"
                        };
                        failures.push(format!("{name}: {meaning}"));
                    }
                }
            }
            // Some cases use what this kernel lacks (a queue, a capabilities file's claims):
            // the preview must load wherever Shorewall's own ruleset loads.
            Loaded::Rejected(message) => {
                let theirs_loads =
                    !same_text && matches!(validate6(&oracle, &theirs), Loaded::Saved(_));
                if theirs_loads {
                    failures.push(format!("{name}: ip6tables rejects the preview: {message}"));
                } else {
                    unloadable += 1;
                }
            }
            Loaded::Unavailable(message) => {
                eprintln!("SKIP loading the rulesets: validate6 cannot run here ({message})");
                can_load = false;
            }
        }
    }
    eprintln!(
        "{} cases compiled, {loaded} previews loaded into ip6tables, {unloadable} that \
         Shorewall's own ruleset does not load either",
        cases.len()
    );
    assert!(
        failures.is_empty(),
        "the preview and Shorewall 5.2.8 disagree:\n{}",
        failures.join("\n")
    );
}
