//! `compile_diff`: randomized differential testing of the compile preview against the real
//! Shorewall 5.2.8 compiler, on configurations made by `shorewall_tests::compile_random`.
//!
//! ```text
//! cargo run -p shorewall-tests --bin compile_diff -- COMMAND
//!   ask [--from S] [--count N]   run compile6 on every seed of S..S+N (default 0..300) whose
//!                                verdict is not cached in tests/compile/random-verdicts.tsv
//!                                (or was made from another configuration) and cache it
//!   compare [--from S] [--count N] [--show K] [--live]
//!                                compile the cached seeds with the preview and compare with
//!                                the cached verdicts (output hashes); with --live, ask compile6
//!                                again for the first K differences to name the chains
//!   write SEED DIR               write the configuration of SEED to DIR (to reproduce a
//!                                difference or to make a golden case of it)
//! ```
//!
//! The cache holds, per seed, the generator version, a hash of the configuration, and either
//! `ok` and a hash of compile6's output or `err` and its first error line, so `compare` runs
//! without Shorewall.

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use shorewall_ls::cli::compile::compile_directory;
use shorewall_tests::{
    compile_random::{self, config_hash, fnv64, GENERATOR},
    ruleset_diff::differing_chains,
    shared_dir, workspace_root,
};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let option = |name: &str| -> Option<String> {
        let idx = args.iter().position(|it| it == name)?;
        args.get(idx + 1).cloned()
    };
    let number = |name: &str, default: u64| -> u64 {
        option(name)
            .and_then(|it| it.parse().ok())
            .unwrap_or(default)
    };
    let from = number("--from", 0);
    let count = number("--count", 300);
    let code = match args.first().map(String::as_str) {
        Some("ask") => ask(from..from + count),
        Some("compare") => compare(
            from..from + count,
            number("--show", 10) as usize,
            args.iter().any(|it| it == "--live"),
        ),
        Some("write") => match (args.get(1).and_then(|it| it.parse().ok()), args.get(2)) {
            (Some(seed), Some(dir)) => write(seed, Path::new(dir)),
            _ => usage(),
        },
        _ => usage(),
    };
    std::process::exit(code);
}

fn usage() -> i32 {
    eprintln!(
        "usage: compile_diff ask [--from S] [--count N] | compare [--from S] [--count N] \
         [--show K] [--live] | write SEED DIR"
    );
    2
}

/// What compile6 made of a configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    /// It compiled; the hash of the ruleset text.
    Compiled(u64),
    /// It failed with this message (first line).
    Rejected(String),
}

/// A cached verdict: the configuration's hash and the verdict.
type Cached = BTreeMap<u64, (u64, Verdict)>;

fn cache_path() -> PathBuf {
    workspace_root().join("tests/compile/random-verdicts.tsv")
}

fn read_cache() -> Cached {
    let text = fs::read_to_string(cache_path()).unwrap_or_default();
    let mut cached = Cached::new();
    for line in text.lines().filter(|it| !it.starts_with('#')) {
        let fields: Vec<&str> = line.splitn(5, '\t').collect();
        let [seed, generator, config, kind, value] = fields[..] else {
            continue;
        };
        if generator.parse() != Ok(GENERATOR) {
            continue;
        }
        let (Ok(seed), Ok(config)) = (seed.parse(), u64::from_str_radix(config, 16)) else {
            continue;
        };
        let verdict = match kind {
            "ok" => match u64::from_str_radix(value, 16) {
                Ok(hash) => Verdict::Compiled(hash),
                Err(_) => continue,
            },
            _ => Verdict::Rejected(value.to_owned()),
        };
        cached.insert(seed, (config, verdict));
    }
    cached
}

fn write_cache(cached: &Cached) {
    let mut out = String::from(
        "# compile_diff: compile6's verdict per seed (seed, generator, config hash, ok+output hash | err+message)\n",
    );
    for (seed, (config, verdict)) in cached {
        match verdict {
            Verdict::Compiled(hash) => out.push_str(&format!(
                "{seed}\t{GENERATOR}\t{config:016x}\tok\t{hash:016x}\n"
            )),
            Verdict::Rejected(message) => out.push_str(&format!(
                "{seed}\t{GENERATOR}\t{config:016x}\terr\t{message}\n"
            )),
        }
    }
    if let Err(error) = fs::write(cache_path(), out) {
        eprintln!("compile_diff: cannot write the cache: {error}");
    }
}

/// A directory for the configuration of `seed`, written afresh.
fn config_dir(seed: u64) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("compile-diff-{}", std::process::id()))
        .join(seed.to_string());
    let _ = write(seed, &dir);
    dir
}

fn write(seed: u64, dir: &Path) -> i32 {
    let _ = fs::remove_dir_all(dir);
    if let Err(error) = fs::create_dir_all(dir) {
        eprintln!("compile_diff: {}: {error}", dir.display());
        return 2;
    }
    for (name, text) in compile_random::generate(seed) {
        if let Err(error) = fs::write(dir.join(&name), text) {
            eprintln!("compile_diff: {name}: {error}");
            return 2;
        }
    }
    0
}

/// compile6's output for `dir`: `Ok(text)` or `Err(first line of its message)`.
fn compile6(oracle: &Path, dir: &Path) -> Result<String, String> {
    let mut command = Command::new(oracle.join("compile6"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("SHOREWALL") {
            command.env_remove(name);
        }
    }
    let output = command
        .arg(dir)
        .output()
        .map_err(|it| format!("compile6 did not run: {it}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr
            .lines()
            .find(|it| it.contains("ERROR"))
            .or_else(|| stderr.lines().next())
            .unwrap_or("")
            .trim()
            .replace(dir.to_string_lossy().as_ref(), "<dir>")
            .replace('\t', " ");
        Err(first)
    }
}

fn oracle() -> Option<PathBuf> {
    let oracle = shared_dir()?.join("oracle");
    (oracle.join("compile6").exists() && Path::new("/usr/share/shorewall/compiler.pl").exists())
        .then_some(oracle)
}

fn ask(seeds: std::ops::Range<u64>) -> i32 {
    let Some(oracle) = oracle() else {
        eprintln!("compile_diff: the oracle (../shared/oracle and Shorewall 5.2.8) is not here");
        return 2;
    };
    let mut cached = read_cache();
    let mut asked = 0;
    for seed in seeds {
        let files = compile_random::generate(seed);
        let hash = config_hash(&files);
        if cached.get(&seed).is_some_and(|(config, _)| *config == hash) {
            continue;
        }
        let dir = config_dir(seed);
        let verdict = match compile6(&oracle, &dir) {
            Ok(text) => Verdict::Compiled(fnv64(&text)),
            Err(message) => Verdict::Rejected(message),
        };
        let _ = fs::remove_dir_all(&dir);
        cached.insert(seed, (hash, verdict));
        asked += 1;
        if asked % 20 == 0 {
            write_cache(&cached);
            eprintln!("compile_diff: {asked} asked (seed {seed})");
        }
    }
    write_cache(&cached);
    eprintln!("compile_diff: {asked} asked, {} cached", cached.len());
    0
}

/// How the preview and the cached verdict compare on one seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Identical,
    BothReject,
    /// The preview refuses something it does not support (and Shorewall compiles it).
    Refused,
    Differs,
    OnlyWeReject,
    OnlyTheyReject,
}

fn compare(seeds: std::ops::Range<u64>, show: usize, live: bool) -> i32 {
    let cached = read_cache();
    let oracle = if live { oracle() } else { None };
    let mut counts: BTreeMap<Outcome, usize> = BTreeMap::new();
    let mut shown = 0;
    let mut uncached = 0;
    let mut differing_seeds = Vec::new();
    for seed in seeds {
        let files = compile_random::generate(seed);
        let Some((config, verdict)) = cached.get(&seed) else {
            uncached += 1;
            continue;
        };
        if *config != config_hash(&files) {
            uncached += 1;
            continue;
        }
        let dir = config_dir(seed);
        let ours = compile_directory(&dir, false, &dir);
        let (outcome, detail) = match (&ours, verdict) {
            (Ok(ours), Verdict::Compiled(hash)) if fnv64(&ours.text) == *hash => {
                (Outcome::Identical, String::new())
            }
            (Ok(ours), Verdict::Compiled(_)) => {
                let detail = match &oracle {
                    Some(oracle) if shown < show => match compile6(oracle, &dir) {
                        Ok(theirs) => differing_chains(&theirs, &ours.text).join("\n    "),
                        Err(message) => format!("compile6 now fails: {message}"),
                    },
                    _ => String::new(),
                };
                (Outcome::Differs, detail)
            }
            (Err(errors), Verdict::Compiled(_)) => {
                let text = errors.join(" | ");
                if text.contains("not supported") || text.contains("does not support") {
                    (Outcome::Refused, text)
                } else {
                    (Outcome::OnlyWeReject, text)
                }
            }
            (Err(_), Verdict::Rejected(_)) => (Outcome::BothReject, String::new()),
            (Ok(_), Verdict::Rejected(message)) => (Outcome::OnlyTheyReject, message.clone()),
        };
        let _ = fs::remove_dir_all(&dir);
        *counts.entry(outcome).or_default() += 1;
        if outcome != Outcome::Identical && outcome != Outcome::BothReject {
            differing_seeds.push(seed);
            if shown < show {
                shown += 1;
                println!("seed {seed}: {outcome:?}\n    {detail}");
            }
        }
    }
    let total: usize = counts.values().sum();
    println!("{total} seeds compared ({uncached} without a cached verdict)");
    for (outcome, count) in &counts {
        println!("  {outcome:?}\t{count}");
    }
    if !differing_seeds.is_empty() {
        println!(
            "not identical: {}",
            differing_seeds
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    let _ = fs::remove_dir_all(
        std::env::temp_dir().join(format!("compile-diff-{}", std::process::id())),
    );
    i32::from(!differing_seeds.is_empty())
}
