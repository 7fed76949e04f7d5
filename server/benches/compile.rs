//! Compile benchmark: the preview against the real Shorewall 5.2.8 on the same configuration,
//! `../shared/oracle/gen-synthetic 5000 DIR`, side by side; prints both times, peak memory
//! where it can, and the ratio.
//!
//! Ours is timed in process, from the files on disk to the ip6tables-restore text, twice:
//! on one thread, stage by stage (model, lowering, emitting), as the median of `--runs` runs
//! in wall time and as the mean CPU time of the compiling thread (less sensitive to other work
//! on the machine); and on two threads as `shorewall-ls compile` runs it (the compiler beside
//! the model, `compile::beside`), as the median wall time and the mean CPU time of the whole
//! process. Shorewall's time is the best of `--oracle-runs` runs of `compile6` (0 skips it). Without the development
//! environment's `shared` directory there is nothing to compare with, and the benchmark says
//! so. Run with `cargo bench -p shorewall-ls --bench compile`; `-- N` sets the number of rule
//! lines.

use std::{
    path::{Path, PathBuf},
    process::Command,
    sync::Arc,
    time::{Duration, Instant},
};

use shorewall_ls::{
    compile::{beside, emit, lower},
    disk::{self, DiskVfs},
    model::{self, Environment},
};

fn main() {
    let mut lines = 5_000usize;
    let mut runs = 20usize;
    let mut oracle_runs = 3usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next().and_then(|it| it.parse().ok()).unwrap_or(runs),
            "--oracle-runs" => {
                oracle_runs = args
                    .next()
                    .and_then(|it| it.parse().ok())
                    .unwrap_or(oracle_runs)
            }
            "--bench" => {}
            other => lines = other.parse().unwrap_or(lines),
        }
    }
    let Some(shared) = shared_dir() else {
        println!("compile: ../shared/oracle is not here (set SHOREWALL_LS_SHARED); nothing to compare with");
        return;
    };
    let oracle = shared.join("oracle");
    let dir =
        std::env::temp_dir().join(format!("shorewall-ls-compile-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let status = Command::new(oracle.join("gen-synthetic"))
        .arg(lines.to_string())
        .arg(&dir)
        .output();
    if !status.is_ok_and(|it| it.status.success()) {
        println!("compile: gen-synthetic failed");
        return;
    }

    let vfs = DiskVfs;
    let family = model::family_of(&dir, &vfs);
    let env = Environment {
        vfs: &vfs,
        library_dirs: disk::library_dirs(family),
        names: Arc::new(disk::name_tables()),
        parse_cache: None,
    };
    // Each stage's wall time and the CPU time of this thread, which other work on the machine
    // inflates much less than the wall time.
    let once = || {
        let (start, cpu_start) = (Instant::now(), thread_cpu_time());
        let model = model::build(&dir, &env);
        let (built, cpu_built) = (Instant::now(), thread_cpu_time());
        let compiled = lower::compile(&model, &env).expect("the synthetic configuration compiles");
        let (lowered, cpu_lowered) = (Instant::now(), thread_cpu_time());
        let text = emit::emit(&compiled.ruleset, emit::EmitOptions { annotate: false });
        let (emitted, cpu_emitted) = (Instant::now(), thread_cpu_time());
        (
            text,
            [
                built - start,
                lowered - built,
                emitted - lowered,
                emitted - start,
                cpu_built.saturating_sub(cpu_start),
                cpu_lowered.saturating_sub(cpu_built),
                cpu_emitted.saturating_sub(cpu_lowered),
                cpu_emitted.saturating_sub(cpu_start),
            ],
        )
    };
    let (ours, _) = once();
    let one_cpu_start = process_cpu_time();
    let mut times: Vec<[Duration; 8]> = (0..runs.max(1)).map(|_| once().1).collect();
    let one_cpu = process_cpu_time().saturating_sub(one_cpu_start) / times.len() as u32;
    let mut median = |part: usize| {
        times.sort_by_key(|it| it[part]);
        times[times.len() / 2][part]
    };
    let (model_time, lower_time, emit_time, total) = (median(0), median(1), median(2), median(3));
    // The kernel brings a running thread's CPU time up to date only at scheduler ticks, so one
    // reading can be a few milliseconds off: the mean over the runs evens that out.
    let mean = |part: usize| times.iter().map(|it| it[part]).sum::<Duration>() / times.len() as u32;
    let (model_cpu, lower_cpu, emit_cpu, total_cpu) = (mean(4), mean(5), mean(6), mean(7));
    let ms = |it: Duration| it.as_secs_f64() * 1e3;
    let our_rss = peak_rss_kib().map_or_else(String::new, |it| {
        format!(", peak RSS of the bench process {} MB", it / 1024)
    });
    println!(
        "compile: {lines} rule lines, {} output lines; shorewall-ls median of {runs}: {:.1} ms \
         (model {:.1} ms, lowering {:.1} ms, emit {:.1} ms){our_rss}",
        ours.lines().count(),
        ms(total),
        ms(model_time),
        ms(lower_time),
        ms(emit_time),
    );
    if total_cpu > Duration::ZERO {
        println!(
            "compile: CPU time of the compiling thread, mean: {:.1} ms (model {:.1} ms, \
             lowering {:.1} ms, emit {:.1} ms); of the process, freeing included: {:.1} ms",
            ms(total_cpu),
            ms(model_cpu),
            ms(lower_cpu),
            ms(emit_cpu),
            ms(one_cpu),
        );
    }
    // What `shorewall-ls compile` does: the compiler on a second thread while the model checks
    // the rules (`lower::build_and_compile`). Its CPU time is the whole process's over the runs
    // (`/proc/self/stat`, in ticks of 10 ms: over 20 runs, within half a millisecond per run).
    let twice = || {
        let start = Instant::now();
        let (_model, compiled) =
            beside::build_and_compile(&dir, &vfs, env.library_dirs.clone(), env.names.clone());
        let compiled = compiled
            .and_then(Result::ok)
            .expect("the synthetic configuration compiles");
        let text = emit::emit(&compiled.ruleset, emit::EmitOptions { annotate: false });
        (text, start.elapsed())
    };
    if twice().0 != ours {
        println!("compile: WARNING the two-thread compile differs from the one-thread one");
    }
    let cpu_start = process_cpu_time();
    let mut walls: Vec<Duration> = (0..runs.max(1)).map(|_| twice().1).collect();
    let cpu = process_cpu_time().saturating_sub(cpu_start) / walls.len() as u32;
    walls.sort();
    let wall = walls[walls.len() / 2];
    println!(
        "compile: on two threads (model beside compiler, as `shorewall-ls compile` runs), median \
         of {runs}: {:.1} ms wall; CPU time of the process, freeing included, mean: {:.1} ms",
        ms(wall),
        ms(cpu),
    );
    if oracle_runs == 0 {
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    let mut best: Option<(Duration, Option<u64>)> = None;
    for _ in 0..oracle_runs {
        let Some((time, rss, text)) = run_compile6(&oracle, &dir) else {
            println!("compile: compile6 did not run here");
            let _ = std::fs::remove_dir_all(&dir);
            return;
        };
        if text != ours {
            println!("compile: WARNING the outputs differ");
        }
        if best.is_none_or(|(it, _)| time < it) {
            best = Some((time, rss));
        }
    }
    if let Some((time, rss)) = best {
        let rss = rss.map_or_else(String::new, |it| format!(", peak RSS {} MB", it / 1024));
        println!(
            "compile: Shorewall 5.2.8 (compile6) best of {oracle_runs}: {:.0} ms{rss}; \
             shorewall-ls is {:.0}x faster on two threads, {:.0}x on one (wall time)",
            ms(time),
            time.as_secs_f64() / wall.as_secs_f64(),
            time.as_secs_f64() / total.as_secs_f64()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// One run of compile6: wall time, peak RSS in KiB (with GNU time), output.
fn run_compile6(oracle: &Path, dir: &Path) -> Option<(Duration, Option<u64>, String)> {
    let script = oracle.join("compile6");
    let time_tool = Path::new("/usr/bin/time");
    let mut command = if time_tool.is_file() {
        let mut command = Command::new(time_tool);
        command.args(["-f", "%M"]).arg(&script);
        command
    } else {
        Command::new(&script)
    };
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("SHOREWALL") {
            command.env_remove(name);
        }
    }
    let start = Instant::now();
    let output = command.arg(dir).output().ok()?;
    let time = start.elapsed();
    if !output.status.success() {
        return None;
    }
    let rss = String::from_utf8_lossy(&output.stderr)
        .lines()
        .last()
        .and_then(|it| it.trim().parse().ok());
    Some((
        time,
        rss,
        String::from_utf8_lossy(&output.stdout).into_owned(),
    ))
}

/// The CPU time this thread has used (`/proc/thread-self/schedstat`, in nanoseconds; zero
/// where it cannot be read).
fn thread_cpu_time() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|it| it.split_whitespace().next()?.parse().ok())
        .map_or(Duration::ZERO, Duration::from_nanos)
}

/// The CPU time this process has used, its threads ended included (`/proc/self/stat`,
/// user and system time in ticks of 10 ms; zero where it cannot be read).
fn process_cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which is in parentheses: utime and stime are the
    // 12th and 13th (from 0).
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let field = |idx: usize| -> u64 { fields.get(idx).and_then(|it| it.parse().ok()).unwrap_or(0) };
    let ticks = field(11) + field(12);
    Duration::from_millis(ticks * 10)
}

/// The peak resident set of this process in KiB (`VmHWM` on Linux): every run compiles the
/// same configuration and drops its result, so this is about one compile's peak.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|it| it.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn shared_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("SHOREWALL_LS_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    };
    dir.join("oracle/gen-synthetic").is_file().then_some(dir)
}
