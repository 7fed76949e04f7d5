//! `oracle-diff`: differential testing of `shorewall-ls check` against the real Shorewall 5.2.8.
//!
//! ```text
//! cargo run -p shorewall-tests --bin oracle_diff -- COMMAND
//!   count                      how many variants the generator makes, by base
//!   ask [--jobs N] [--limit N] ask the oracle about every variant not yet in
//!                              tests/diagnostics/oracle-verdicts.tsv and add its verdict
//!   compare [--show N] [--grep TEXT]
//!                              replay the cached verdicts against check: figures and the
//!                              first N disagreements (default 20)
//!   cascades [--show N]        the variants where check reports two or more errors on the
//!                              same text (one mistake should give one error), by pair of codes
//!   live [--every K]           re-ask the oracle about every K-th cached variant (default 1)
//!                              and report the verdicts that changed
//! ```
//!
//! `tests/diagnostics/oracle-diff.sh` runs `ask` in the background with a log file.

use std::{
    collections::{BTreeMap, HashMap},
    path::PathBuf,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Mutex,
    },
    time::Instant,
};

use shorewall_ls::cli::check::Reported;
use shorewall_tests::differential::{
    self, ask_oracle, check_variant, compare, describe, read_verdicts, verdicts_path,
    write_verdicts, Base, Variant, Verdict,
};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let option = |name: &str| -> Option<String> {
        let idx = args.iter().position(|it| it == name)?;
        args.get(idx + 1).cloned()
    };
    let number = |name: &str, default: usize| -> usize {
        option(name)
            .and_then(|it| it.parse().ok())
            .unwrap_or(default)
    };
    let code = match args.first().map(String::as_str) {
        Some("count") => count(),
        Some("ask") => ask(number("--jobs", 1), number("--limit", usize::MAX)),
        Some("compare") => replay(number("--show", 20), option("--grep")),
        Some("cascades") => cascades(number("--show", 20)),
        Some("live") => live(number("--every", 1)),
        _ => {
            eprintln!("usage: oracle_diff count | ask [--jobs N] [--limit N] | compare [--show N] [--grep TEXT] | cascades [--show N] | live [--every K]");
            2
        }
    };
    std::process::exit(code);
}

fn base_files() -> HashMap<Base, BTreeMap<String, String>> {
    Base::ALL.into_iter().map(|it| (it, it.files())).collect()
}

fn count() -> i32 {
    let all = differential::variants::all();
    let mut by_base: BTreeMap<&str, usize> = BTreeMap::new();
    for variant in &all {
        *by_base.entry(variant.base.name()).or_default() += 1;
    }
    for (base, count) in by_base {
        println!("{base}\t{count}");
    }
    println!("total\t{}", all.len());
    0
}

fn ask(jobs: usize, limit: usize) -> i32 {
    let Some(oracle) = differential::oracle_dir() else {
        eprintln!("oracle_diff: the oracle (../shared/oracle and Shorewall 5.2.8) is not here");
        return 2;
    };
    let path = verdicts_path();
    let cached = read_verdicts(&path);
    let known: std::collections::HashSet<String> =
        cached.iter().map(|(variant, _)| variant.key()).collect();
    let todo: Vec<Variant> = differential::variants::all()
        .into_iter()
        .filter(|it| !known.contains(&it.key()))
        .take(limit)
        .collect();
    eprintln!(
        "oracle_diff: {} cached, {} to ask with {jobs} job(s)",
        cached.len(),
        todo.len()
    );
    let files = base_files();
    let results: Mutex<Vec<(Variant, Verdict)>> = Mutex::new(cached);
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let failed = AtomicUsize::new(0);
    let started = Instant::now();
    let scratch_root = std::env::temp_dir().join(format!("oracle-diff-{}", std::process::id()));
    std::thread::scope(|scope| {
        for job in 0..jobs.max(1) {
            let (todo, files, results, next, done, failed, oracle, path) = (
                &todo, &files, &results, &next, &done, &failed, &oracle, &path,
            );
            let scratch: PathBuf = scratch_root.join(job.to_string());
            scope.spawn(move || loop {
                let idx = next.fetch_add(1, Ordering::Relaxed);
                let Some(variant) = todo.get(idx) else { break };
                let Some(base) = files.get(&variant.base) else {
                    break;
                };
                match ask_oracle(oracle, variant, base, &scratch) {
                    Ok(verdict) => {
                        let mut results = results.lock().unwrap_or_else(|it| it.into_inner());
                        results.push((variant.clone(), verdict));
                        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                        if n % 50 == 0 {
                            let _ = write_verdicts(path, &sorted(&results));
                            eprintln!(
                                "oracle_diff: {n}/{} asked in {:.0} s",
                                todo.len(),
                                started.elapsed().as_secs_f64()
                            );
                        }
                    }
                    Err(error) => {
                        failed.fetch_add(1, Ordering::Relaxed);
                        eprintln!("oracle_diff: {}: {error}", variant.key());
                    }
                }
            });
        }
    });
    let _ = std::fs::remove_dir_all(&scratch_root);
    let results = results.into_inner().unwrap_or_else(|it| it.into_inner());
    if let Err(error) = write_verdicts(&path, &sorted(&results)) {
        eprintln!("oracle_diff: cannot write {}: {error}", path.display());
        return 2;
    }
    eprintln!(
        "oracle_diff: asked {} in {:.0} s ({} failed); {} verdicts in {}",
        done.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64(),
        failed.load(Ordering::Relaxed),
        results.len(),
        path.display()
    );
    i32::from(failed.load(Ordering::Relaxed) > 0)
}

/// The verdicts in the generator's order, then the ones it no longer makes.
fn sorted(results: &[(Variant, Verdict)]) -> Vec<(Variant, Verdict)> {
    let order: HashMap<String, usize> = differential::variants::all()
        .iter()
        .enumerate()
        .map(|(idx, it)| (it.key(), idx))
        .collect();
    let mut res = results.to_vec();
    res.sort_by_key(|(variant, _)| order.get(&variant.key()).copied().unwrap_or(usize::MAX));
    res
}

fn replay(show: usize, grep: Option<String>) -> i32 {
    let verdicts = read_verdicts(&verdicts_path());
    let files = base_files();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut shown = 0;
    let (mut accepted, mut rejected) = (0, 0);
    let started = Instant::now();
    let parses = differential::Parses::default();
    for (variant, verdict) in &verdicts {
        if let Some(grep) = &grep {
            if !variant.key().contains(grep.as_str()) && !verdict.message.contains(grep.as_str()) {
                continue;
            }
        }
        if verdict.accepted {
            accepted += 1;
        } else {
            rejected += 1;
        }
        let Some(base) = files.get(&variant.base) else {
            continue;
        };
        let reported = check_variant(variant, base, &parses);
        let variant_files = variant.files(base);
        if let Some(disagreement) = compare(variant, &variant_files, verdict, &reported) {
            *counts.entry(disagreement.name()).or_default() += 1;
            if shown < show {
                shown += 1;
                println!("{}", describe(variant, verdict, &reported, &disagreement));
            }
        }
    }
    let total: usize = counts.values().sum();
    println!(
        "{} variants ({accepted} accepted, {rejected} rejected by Shorewall 5.2.8), replayed in {:.1} s: {total} disagreements",
        accepted + rejected,
        started.elapsed().as_secs_f64()
    );
    for (name, count) in counts {
        println!("  {name}: {count}");
    }
    i32::from(total > 0)
}

fn cascades(show: usize) -> i32 {
    let files = base_files();
    let parses = differential::Parses::default();
    let mut by_codes: BTreeMap<String, usize> = BTreeMap::new();
    let mut shown = 0;
    let mut variants = 0;
    for (variant, verdict) in &read_verdicts(&verdicts_path()) {
        let Some(base) = files.get(&variant.base) else {
            continue;
        };
        let reported = check_variant(variant, base, &parses);
        let mut by_line: BTreeMap<(&str, u32), Vec<&Reported>> = BTreeMap::new();
        for it in reported
            .iter()
            .filter(|it| it.severity == shorewall_ls::model::Severity::Error)
        {
            by_line.entry((&it.path, it.line)).or_default().push(it);
        }
        // Errors whose ranges overlap are about the same text: one mistake said twice.
        let overlaps = |a: &Reported, b: &Reported| {
            (a.line, a.column) < (b.end_line, b.end_column.max(b.column + 1))
                && (b.line, b.column) < (a.end_line, a.end_column.max(a.column + 1))
        };
        let crowded: Vec<Vec<&Reported>> = by_line
            .values()
            .filter_map(|line| {
                let res: Vec<&Reported> = (0..line.len())
                    .filter(|&a| (0..line.len()).any(|b| a != b && overlaps(line[a], line[b])))
                    .map(|idx| line[idx])
                    .collect();
                (res.len() > 1).then_some(res)
            })
            .collect();
        if crowded.is_empty() {
            continue;
        }
        variants += 1;
        for line in &crowded {
            let mut codes: Vec<&str> = line.iter().map(|it| it.code).collect();
            codes.sort_unstable();
            *by_codes.entry(codes.join(" + ")).or_default() += 1;
        }
        if shown < show {
            shown += 1;
            println!("{}\n  shorewall: {}", variant.key(), verdict.message);
            for line in &crowded {
                for it in line {
                    println!(
                        "  check: {}:{}:{}: {} [{}]",
                        it.path, it.line, it.column, it.message, it.code
                    );
                }
            }
        }
    }
    println!("{variants} variants with two or more errors on the same text");
    for (codes, count) in by_codes {
        println!("  {codes}: {count}");
    }
    i32::from(variants > 0)
}

fn live(every: usize) -> i32 {
    let Some(oracle) = differential::oracle_dir() else {
        eprintln!("oracle_diff: the oracle (../shared/oracle and Shorewall 5.2.8) is not here");
        return 2;
    };
    let files = base_files();
    let scratch = std::env::temp_dir().join(format!("oracle-diff-live-{}", std::process::id()));
    let mut changed = 0;
    let mut asked = 0;
    for (variant, cached) in read_verdicts(&verdicts_path()).iter().step_by(every.max(1)) {
        let Some(base) = files.get(&variant.base) else {
            continue;
        };
        asked += 1;
        match ask_oracle(&oracle, variant, base, &scratch) {
            Ok(verdict) if &verdict == cached => {}
            Ok(verdict) => {
                changed += 1;
                println!(
                    "changed: {}\n  cached: {cached:?}\n  now:    {verdict:?}",
                    variant.key()
                );
            }
            Err(error) => {
                changed += 1;
                println!("failed: {}: {error}", variant.key());
            }
        }
    }
    println!("{asked} variants re-asked, {changed} verdicts changed");
    i32::from(changed > 0)
}
