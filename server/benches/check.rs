//! Check benchmark: the wall time of `shorewall-ls check` on a generated 10,000-line
//! configuration, from the files on disk to the sorted report, as the CLI runs it (the
//! machine's Shorewall library and name tables where present, else the built-in ones).
//!
//! The configuration is written by this benchmark (deterministic): a shorewall6 directory with
//! four zones, params, and a rules file of macros, actions with log levels, port lists and
//! ranges, addresses in brackets, `$PARAM`s and rate limits, in every section. Prints the
//! median and the 99th percentile over `--runs` runs (after one warm-up run) and the number of
//! diagnostics (0 errors expected). Run with `cargo bench -p shorewall-ls --bench check`;
//! `-- N` sets the number of lines of the rules file.

use std::{
    fmt::Write as _,
    path::Path,
    time::{Duration, Instant},
};

use shorewall_ls::{cli::check, model::Severity};

fn main() {
    let mut lines = 10_000usize;
    let mut runs = 50usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next().and_then(|it| it.parse().ok()).unwrap_or(runs),
            "--bench" => {}
            other => lines = other.parse().unwrap_or(lines),
        }
    }
    let runs = runs.max(1);
    let root =
        std::env::temp_dir().join(format!("shorewall-ls-check-bench-{}", std::process::id()));
    let dir = root.join("shorewall6");
    let _ = std::fs::remove_dir_all(&root);
    if let Err(error) = write_config(&dir, lines) {
        println!(
            "check: cannot write the configuration in {}: {error}",
            dir.display()
        );
        return;
    }
    let total_lines: usize = [
        "zones",
        "interfaces",
        "policy",
        "params",
        "shorewall6.conf",
        "rules",
    ]
    .iter()
    .filter_map(|it| std::fs::read_to_string(dir.join(it)).ok())
    .map(|it| it.lines().count())
    .sum();

    let once = || {
        let start = Instant::now();
        // What `shorewall-ls check` does: the model, then the compile stage.
        let reported = check::check_directory(&dir, &root);
        (start.elapsed(), reported)
    };
    let (_, reported) = once();
    let errors = reported
        .iter()
        .filter(|it| it.severity == Severity::Error)
        .count();
    let mut times: Vec<Duration> = (0..runs).map(|_| once().0).collect();
    times.sort();
    let at = |fraction: f64| -> Duration {
        let idx = ((times.len() as f64 - 1.0) * fraction).round() as usize;
        times[idx.min(times.len() - 1)]
    };
    println!(
        "check: {total_lines} lines ({lines} rules), {runs} runs: median {:.1} ms, p99 {:.1} ms, min {:.1} ms; {} diagnostics, {errors} errors",
        ms(at(0.5)),
        ms(at(0.99)),
        ms(times[0]),
        reported.len(),
    );
    if errors > 0 {
        for it in reported.iter().take(5) {
            println!("  {}:{}: {} [{}]", it.path, it.line, it.message, it.code);
        }
    }
    let _ = std::fs::remove_dir_all(&root);
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// A shorewall6 directory whose rules file has `lines` lines.
fn write_config(dir: &Path, lines: usize) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text);
    write(
        "shorewall6.conf",
        "STARTUP_ENABLED=No\nLOG_LEVEL=info\nIGNOREUNKNOWNVARIABLES=No\nOPTIMIZE=All\n",
    )?;
    write(
        "zones",
        "fw\tfirewall\nnet\tipv6\nloc\tipv6\ndmz\tipv6\nvpn\tipv6\n",
    )?;
    write(
        "interfaces",
        "?FORMAT 2\nnet\teth0\ttcpflags,forward=1,sourceroute=0\nloc\teth1\ttcpflags,forward=1\n\
         dmz\teth2\ttcpflags,forward=1\nvpn\ttun0\tforward=1\n",
    )?;
    write(
        "policy",
        "$FW\tall\tACCEPT\nloc\tnet\tACCEPT\nvpn\tloc\tACCEPT\nnet\tall\tDROP\tinfo\n\
         all\tall\tREJECT\tinfo\n",
    )?;
    write(
        "params",
        "WEB=2001:db8:0:2::80\nMAIL=2001:db8:0:2::25\nADMINS=2001:db8:0:1::10,2001:db8:0:1::11\n\
         OFFICE=2001:db8:100::/48\nSSH_PORT=22\n",
    )?;
    let mut rules = String::from(
        "#ACTION\tSOURCE\tDEST\tPROTO\tDPORT\tSPORT\tORIGDEST\tRATE\n?SECTION ALL\n\
         ?SECTION ESTABLISHED\n?SECTION RELATED\nACCEPT\tall\tall\tipv6-icmp\n?SECTION INVALID\n\
         DROP\tnet\tall\n?SECTION UNTRACKED\n?SECTION NEW\n",
    );
    let header_lines = rules.lines().count();
    let macros = [
        "SSH", "DNS", "HTTP", "HTTPS", "SMTP", "IMAPS", "NTP", "Ping",
    ];
    let actions = [
        "ACCEPT",
        "DROP",
        "REJECT",
        "ACCEPT:info",
        "DROP:info",
        "REJECT:warning",
    ];
    let pairs = [
        ("net", "loc"),
        ("net", "dmz"),
        ("net", "$FW"),
        ("loc", "net"),
        ("loc", "dmz"),
        ("loc", "$FW"),
        ("dmz", "net"),
        ("vpn", "$FW"),
    ];
    for idx in 0..lines.saturating_sub(header_lines) {
        let (source, dest) = pairs[idx % pairs.len()];
        let host = format!("2001:db8:{:x}::{:x}", (idx / 1000) % 256, idx % 1000 + 1);
        let _ = match idx % 6 {
            0 => writeln!(
                rules,
                "{}({})\t{source}\t{dest}:[{host}]",
                macros[idx % macros.len()],
                actions[idx % 3]
            ),
            1 => writeln!(
                rules,
                "{}\t{source}:[{host}/128]\t{dest}\ttcp\t{},{}",
                actions[idx % actions.len()],
                1024 + idx % 60000,
                2048 + idx % 60000
            ),
            2 => writeln!(
                rules,
                "{}\t{source}\t{dest}\tudp\t{}:{}",
                actions[idx % actions.len()],
                1000 + idx % 30000,
                1100 + idx % 30000
            ),
            3 => writeln!(rules, "ACCEPT\t{source}:[$ADMINS]\t{dest}\ttcp\t$SSH_PORT"),
            4 => writeln!(
                rules,
                "ACCEPT\t{source}:[$OFFICE]\tdmz:[$WEB]\ttcp\thttp,https\t-\t-\t{}/min:{}",
                1 + idx % 50,
                5 + idx % 10
            ),
            _ => writeln!(
                rules,
                "REJECT:info\t{source}\t{dest}\ttcp,udp\t{}\t# rule {idx}",
                5000 + idx % 1000
            ),
        };
    }
    write("rules", &rules)
}
