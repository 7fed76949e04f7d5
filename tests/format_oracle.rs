//! Meaning, checked with the real Shorewall 5.2.8 compiler (`../shared/oracle/compile6`, and
//! `compile4` for IPv4 directories): `shorewall-ls fmt` never changes the rules a configuration
//! compiles to, and `fmt --upgrade` makes a 4.4 configuration compile to what Shorewall's own
//! `update` makes of it.
//!
//! The corpus holds whole directories (Debian's samples) and parts of real ones; a part is
//! completed with the missing `shorewall[6].conf`, `zones`, `interfaces`, `policy` and `params`
//! of Debian's three-interface sample, the same on both sides of the comparison. A directory
//! the compiler still rejects is reported with its error and not compared.
//!
//! Skips with a message without `../shared`, or where Shorewall is not installed (`.ci/run`
//! installs it).

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
    sync::atomic::{AtomicU32, Ordering},
};

use shorewall_tests::shared_or_skip;

/// The compiler the oracle scripts run.
const COMPILER: &str = "/usr/share/shorewall/compiler.pl";

/// The corpus and oracle directories, or `None` (with a message) if a test cannot run here.
fn setup(test: &str) -> Option<(PathBuf, PathBuf)> {
    let corpus = shared_or_skip("corpus", test)?;
    let oracle = shared_or_skip("oracle", test)?;
    if !Path::new(COMPILER).exists() {
        eprintln!("SKIP {test}: Shorewall is not installed ({COMPILER} is missing)");
        return None;
    }
    Some((corpus, oracle))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    V4,
    V6,
}

impl Family {
    /// `4` or `6`, as in the oracle's and the samples' names.
    fn digit(self) -> &'static str {
        match self {
            Family::V4 => "4",
            Family::V6 => "6",
        }
    }

    fn conf(self) -> &'static str {
        match self {
            Family::V4 => "shorewall.conf",
            Family::V6 => "shorewall6.conf",
        }
    }

    /// The family of a corpus directory: by its configuration file, else by its name.
    fn of(dir: &Path) -> Family {
        let name = dir.to_string_lossy();
        if dir.join("shorewall.conf").is_file() {
            Family::V4
        } else if dir.join("shorewall6.conf").is_file() {
            Family::V6
        } else if name.ends_with("/shorewall") || name.contains("samples4") {
            Family::V4
        } else {
            Family::V6
        }
    }
}

/// A directory under the system's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "shorewall-ls-oracle-{}-{n}-{tag}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    /// A new directory holding copies of `from`'s regular files.
    fn copy_of(tag: &str, from: &Path) -> TempDir {
        let dir = TempDir::new(tag);
        copy_files(from, &dir.0);
        dir
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Copies the regular files of `from` (not its subdirectories) into `to`, replacing files of
/// the same name.
fn copy_files(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_file() {
            fs::copy(&path, to.join(entry.file_name())).expect("copy");
        }
    }
}

/// A command for one of Shorewall's tools. Shorewall refuses to run with a `SHOREWALL_*`
/// variable in its environment (`The variable name ... is reserved`), and the tests' own
/// `SHOREWALL_LS_SHARED` is one.
fn shorewall_command(program: &Path) -> Command {
    let mut command = Command::new(program);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("SHOREWALL") {
            command.env_remove(name);
        }
    }
    command
}

/// The oracle's ip6tables-restore (or iptables-restore) text for `dir`, or its error.
fn compile(oracle: &Path, family: Family, dir: &Path) -> Result<String, String> {
    let script = oracle.join(format!("compile{}", family.digit()));
    let output = shorewall_command(&script)
        .arg(dir)
        .output()
        .map_err(|it| format!("{}: {it}", script.display()))?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(stderr)
    }
}

/// Runs `shorewall-ls fmt ARGS DIR` in process; panics unless it succeeds.
fn fmt(dir: &Path, args: &[&str]) {
    let mut argv: Vec<String> = vec!["fmt".to_owned()];
    argv.extend(args.iter().map(|it| (*it).to_owned()));
    argv.push(dir.display().to_string());
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = shorewall_ls::cli::run(&argv, &mut out, &mut err);
    assert_eq!(
        code,
        0,
        "fmt {argv:?} failed: {}",
        String::from_utf8_lossy(&err)
    );
}

/// The first line that differs between two compiler outputs.
fn first_difference(a: &str, b: &str) -> String {
    let idx = a
        .lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or(a.lines().count().min(b.lines().count()));
    format!(
        "line {}: {:?} vs {:?}",
        idx + 1,
        a.lines().nth(idx),
        b.lines().nth(idx)
    )
}

/// The first ERROR line of a compiler message.
fn error_line(stderr: &str) -> String {
    stderr
        .lines()
        .find(|it| it.contains("ERROR"))
        .unwrap_or(stderr)
        .trim()
        .to_owned()
}

/// Every directory of the corpus that holds a configuration (one of the files Shorewall needs).
fn config_dirs(dir: &Path, out: &mut Vec<PathBuf>) {
    const MARKERS: &[&str] = &[
        "rules",
        "zones",
        "interfaces",
        "policy",
        "shorewall.conf",
        "shorewall6.conf",
    ];
    if MARKERS.iter().any(|it| dir.join(it).is_file()) {
        out.push(dir.to_path_buf());
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut subdirs: Vec<PathBuf> = entries
        .flatten()
        .map(|it| it.path())
        .filter(|it| it.is_dir())
        .collect();
    subdirs.sort();
    for subdir in subdirs {
        config_dirs(&subdir, out);
    }
}

/// A copy of `dir` with the files a compile needs that it lacks, from Debian's sample.
fn completed(corpus: &Path, dir: &Path, family: Family) -> TempDir {
    let copy = TempDir::copy_of("orig", dir);
    let sample = corpus.join(format!("debian-samples{}-three-interfaces", family.digit()));
    for name in [family.conf(), "zones", "interfaces", "policy", "params"] {
        if !copy.0.join(name).exists() {
            let _ = fs::copy(sample.join(name), copy.0.join(name));
        }
    }
    copy
}

/// Shorewall's own `update -e` on a copy of `dir` (the reference for `--upgrade`).
fn shorewall_update(oracle: &Path, family: Family, dir: &Path) -> Result<TempDir, String> {
    let copy = TempDir::copy_of("update", dir);
    let (tool, caps) = match family {
        Family::V4 => ("shorewall", "capabilities4"),
        Family::V6 => ("shorewall6", "capabilities"),
    };
    fs::copy(oracle.join(caps), copy.0.join("capabilities")).map_err(|it| it.to_string())?;
    let tool = ["/sbin", "/usr/sbin", "/usr/bin", "/bin"]
        .iter()
        .map(|it| Path::new(it).join(tool))
        .find(|it| it.is_file())
        .ok_or_else(|| format!("{tool} is not installed"))?;
    let output = shorewall_command(&tool)
        .args(["update", "-e"])
        .arg(&copy.0)
        .output()
        .map_err(|it| format!("{}: {it}", tool.display()))?;
    if !output.status.success() {
        return Err(error_line(&String::from_utf8_lossy(&output.stderr)));
    }
    for entry in fs::read_dir(&copy.0)
        .map_err(|it| it.to_string())?
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "capabilities" || name.ends_with(".bak") {
            let _ = fs::remove_file(entry.path());
        }
    }
    Ok(copy)
}

/// Whether a compiler error is one that `--upgrade` is for.
fn is_old_spelling(error: &str) -> bool {
    [
        "Unknown ACTION (SECTION)",
        "Unknown ACTION (COMMENT)",
        "Unknown zone (FORMAT)",
    ]
    .iter()
    .any(|it| error.contains(it))
}

#[test]
fn formatted_corpus_compiles_identically() {
    let Some((corpus, oracle)) = setup("formatted_corpus_compiles_identically") else {
        return;
    };
    let mut dirs = Vec::new();
    config_dirs(&corpus, &mut dirs);
    let (mut same, mut upgraded, mut rejected) = (Vec::new(), Vec::new(), Vec::new());
    let mut failures = Vec::new();
    for dir in &dirs {
        let shown = dir
            .strip_prefix(&corpus)
            .unwrap_or(dir)
            .display()
            .to_string();
        let family = Family::of(dir);
        let original = completed(&corpus, dir, family);
        match compile(&oracle, family, &original.0) {
            Ok(want) => {
                let formatted = TempDir::copy_of("fmt", &original.0);
                fmt(&formatted.0, &[]);
                match compile(&oracle, family, &formatted.0) {
                    Ok(got) if got == want => same.push(shown),
                    Ok(got) => failures.push(format!("{shown}: {}", first_difference(&want, &got))),
                    Err(err) => {
                        failures.push(format!("{shown}: formatted copy: {}", error_line(&err)))
                    }
                }
            }
            Err(err) if is_old_spelling(&err) => {
                let want = shorewall_update(&oracle, family, &original.0)
                    .and_then(|it| compile(&oracle, family, &it.0));
                let formatted = TempDir::copy_of("upgrade", &original.0);
                fmt(&formatted.0, &["--upgrade"]);
                let got = compile(&oracle, family, &formatted.0);
                match (want, got) {
                    (Ok(want), Ok(got)) if want == got => upgraded.push(shown),
                    (Ok(want), Ok(got)) => failures.push(format!(
                        "{shown} (upgrade): {}",
                        first_difference(&want, &got)
                    )),
                    (Err(err), _) => {
                        rejected.push(format!("{shown}: even after shorewall update: {err}"))
                    }
                    (_, Err(err)) => {
                        failures.push(format!("{shown} (upgrade): {}", error_line(&err)))
                    }
                }
            }
            Err(err) => rejected.push(format!("{shown}: {}", error_line(&err))),
        }
    }
    eprintln!(
        "format oracle: {} directories compile identically after fmt: {}",
        same.len(),
        same.join(", ")
    );
    eprintln!(
        "format oracle: {} 4.4 directories compile after fmt --upgrade as after shorewall update: {}",
        upgraded.len(),
        upgraded.join(", ")
    );
    eprintln!(
        "format oracle: {} directories not compared, rejected by Shorewall:\n  {}",
        rejected.len(),
        rejected.join("\n  ")
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(!same.is_empty(), "no corpus directory compiled");
}

/// Debian's sample with every standard macro and action copied in and invoked from `rules`
/// (the few the compiler refuses in this family are dropped first): their formatted copies
/// compile to the same rules.
#[test]
fn formatted_macros_and_actions_compile_identically() {
    let Some((corpus, oracle)) = setup("formatted_macros_and_actions_compile_identically") else {
        return;
    };
    for family in [Family::V6, Family::V4] {
        let original = TempDir::copy_of(
            "lib",
            &corpus.join(format!("debian-samples{}-three-interfaces", family.digit())),
        );
        let mut libraries = vec![corpus.join("debian-shorewall-5.2.8-macros-actions")];
        if family == Family::V6 {
            libraries.push(corpus.join("debian-shorewall6-5.2.8-macros-actions"));
        }
        for library in &libraries {
            copy_files(library, &original.0);
        }
        // Every rule kept by the optimizer, so that every macro's rules show.
        let conf = original.0.join(family.conf());
        let text = fs::read_to_string(&conf).expect("read conf");
        let text: String = text
            .lines()
            .map(|it| {
                if it.starts_with("OPTIMIZE=") {
                    "OPTIMIZE=0"
                } else {
                    it
                }
            })
            .map(|it| format!("{it}\n"))
            .collect();
        fs::write(&conf, text).expect("write conf");
        let mut names: Vec<String> = fs::read_dir(&original.0)
            .expect("read dir")
            .flatten()
            .map(|it| it.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let mut invocations = String::new();
        for name in &names {
            if let Some(name) = name.strip_prefix("macro.") {
                invocations.push_str(&format!("{name}(ACCEPT)\tnet\t$FW\n"));
            } else if let Some(name) = name.strip_prefix("action.") {
                if !name.contains("template") {
                    invocations.push_str(&format!("{name}\tnet\t$FW\n"));
                }
            }
        }
        let rules = original.0.join("rules");
        let mut text = fs::read_to_string(&rules).expect("read rules");
        let first_added = text.lines().count() + 1;
        text.push_str(&invocations);
        fs::write(&rules, &text).expect("write rules");
        // Drop the invocations the compiler refuses, one at a time.
        let mut dropped = Vec::new();
        let want = loop {
            match compile(&oracle, family, &original.0) {
                Ok(want) => break want,
                Err(err) => {
                    let line = err
                        .split("rules (line ")
                        .nth(1)
                        .and_then(|it| it.split(')').next())
                        .and_then(|it| it.parse::<usize>().ok())
                        .filter(|it| *it >= first_added && dropped.len() < 40);
                    let Some(line) = line else {
                        panic!("IPv{} library does not compile: {err}", family.digit());
                    };
                    let text = fs::read_to_string(&rules).expect("read rules");
                    let mut lines: Vec<&str> = text.lines().collect();
                    dropped.push(lines.remove(line - 1).to_owned());
                    fs::write(&rules, lines.join("\n") + "\n").expect("write rules");
                }
            }
        };
        let formatted = TempDir::copy_of("libfmt", &original.0);
        fmt(&formatted.0, &[]);
        let got = compile(&oracle, family, &formatted.0).unwrap_or_else(|err| {
            panic!(
                "formatted IPv{} library: {}",
                family.digit(),
                error_line(&err)
            )
        });
        let invoked = invocations.lines().count() - dropped.len();
        eprintln!(
            "format oracle: IPv{}: {invoked} standard macros and actions invoked ({} refused by \
             the compiler in this family: {}), {} lines of rules",
            family.digit(),
            dropped.len(),
            dropped
                .iter()
                .map(|it| it.split('\t').next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join(" "),
            want.lines().count()
        );
        assert!(
            want == got,
            "IPv{}: {}",
            family.digit(),
            first_difference(&want, &got)
        );
    }
}

/// The oracle's 4.4-style sample, which 5.2.8 rejects: after `fmt --upgrade` it compiles to
/// what it compiles to after Shorewall's own `update`.
#[test]
fn upgraded_old44_compiles_like_shorewall_update() {
    let Some((_, oracle)) = setup("upgraded_old44_compiles_like_shorewall_update") else {
        return;
    };
    let old = oracle.join("samples/old44");
    let error = compile(&oracle, Family::V6, &old).err().unwrap_or_default();
    assert!(
        is_old_spelling(&error),
        "old44 should be rejected as 4.4 syntax: {error}"
    );
    let updated = shorewall_update(&oracle, Family::V6, &old).expect("shorewall6 update");
    let want = compile(&oracle, Family::V6, &updated.0).expect("compile the updated copy");
    let upgraded = TempDir::copy_of("old44", &old);
    fmt(&upgraded.0, &["--upgrade"]);
    let got = compile(&oracle, Family::V6, &upgraded.0).expect("compile the upgraded copy");
    assert!(want == got, "{}", first_difference(&want, &got));
    let rules = fs::read_to_string(upgraded.0.join("rules")).expect("read rules");
    assert!(
        rules.contains("SSH(ACCEPT)") && rules.contains("?SECTION NEW"),
        "{rules}"
    );
}

/// `Macro/TARGET` and `Macro(TARGET)` compile alike, so `--upgrade` changes nothing a valid
/// 5.2 configuration compiles to.
#[test]
fn macro_target_upgrade_compiles_identically() {
    let Some((_, oracle)) = setup("macro_target_upgrade_compiles_identically") else {
        return;
    };
    let original = TempDir::copy_of("macro", &oracle.join("samples/basic"));
    let rules = original.0.join("rules");
    let mut text = fs::read_to_string(&rules).expect("read rules");
    text.push_str(
        "SSH/ACCEPT\tloc\t$FW\nDNS/ACCEPT:info\t$FW\tnet\nHTTP/DROP:info:web\tnet\tdmz\n\
         Ping/ACCEPT\tloc\tdmz\tipv6-icmp\t-\nSMTP/REJECT:warning\tnet\t$FW\n",
    );
    fs::write(&rules, text).expect("write rules");
    let want = compile(&oracle, Family::V6, &original.0).expect("compile the original");
    let upgraded = TempDir::copy_of("macro-up", &original.0);
    fmt(&upgraded.0, &["--upgrade"]);
    let text = fs::read_to_string(upgraded.0.join("rules")).expect("read rules");
    assert!(
        text.contains("HTTP(DROP):info:web") && !text.contains("SSH/ACCEPT"),
        "{text}"
    );
    let got = compile(&oracle, Family::V6, &upgraded.0).expect("compile the upgraded copy");
    assert!(want == got, "{}", first_difference(&want, &got));
}
