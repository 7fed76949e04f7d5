//! Parse benchmark: parses a 10,000-line rules file and prints the throughput (MB/s) and the
//! median time of one parse.
//!
//! The file is the one `../shared/oracle/gen-synthetic 10000 DIR` writes when the development
//! environment's `shared` directory is there (or `$SHOREWALL_LS_SHARED`), and otherwise a file of
//! the same shape generated here. Run with `cargo bench -p shorewall-syntax`; `-- N` sets the
//! number of rule lines and `--runs R` the number of timed parses.

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use shorewall_syntax::{parse, Family, FileKind, FileType};

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
    let (text, origin) = match synthetic_from_oracle(lines) {
        Some(text) => (text, "../shared/oracle/gen-synthetic"),
        None => (synthetic(lines), "built-in generator"),
    };
    let file_type = FileType::new(FileKind::Rules, Family::Ipv6);

    // Warm up, and check once that the parse is clean and lossless.
    let first = parse(&text, file_type);
    assert_eq!(
        first.syntax().to_string(),
        text,
        "the parse must be lossless"
    );
    assert!(first.errors().is_empty(), "{:?}", &first.errors()[..1]);

    // Each parse is timed up to the finished `Parse`; dropping the tree is not counted.
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let parse = std::hint::black_box(parse(&text, file_type));
            let elapsed = start.elapsed();
            drop(parse);
            elapsed
        })
        .collect();
    times.sort();
    let median = times[times.len() / 2];
    let mb = text.len() as f64 / 1_000_000.0;
    println!(
        "parse: {} lines, {} bytes ({origin}); median of {runs} runs: {:.2} ms, {:.1} MB/s \
         (min {:.2} ms, max {:.2} ms)",
        text.lines().count(),
        text.len(),
        median.as_secs_f64() * 1e3,
        mb / median.as_secs_f64(),
        times[0].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
    );
}

/// Runs the oracle's generator into a temporary directory and reads its rules file.
fn synthetic_from_oracle(lines: usize) -> Option<String> {
    let shared = match std::env::var_os("SHOREWALL_LS_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    };
    let script = shared.join("oracle/gen-synthetic");
    if !script.is_file() {
        return None;
    }
    let dir = std::env::temp_dir().join(format!("shorewall-ls-bench-{}", std::process::id()));
    let status = Command::new(&script)
        .arg(lines.to_string())
        .arg(&dir)
        .status()
        .ok()?;
    let text = status
        .success()
        .then(|| std::fs::read_to_string(dir.join("rules")).ok())
        .flatten();
    let _ = std::fs::remove_dir_all(&dir);
    text
}

/// The same shape of file as `gen-synthetic`: the section headers, then `lines` rules that
/// cycle through macros, logged actions, address lists, prefixes, port lists and rate limits.
fn synthetic(lines: usize) -> String {
    let macros = [
        "SSH", "DNS", "HTTP", "HTTPS", "SMTP", "IMAPS", "NTP", "Ping",
    ];
    let acts = [
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
        ("dmz", "$FW"),
    ];
    let mut out = String::from("#ACTION\tSOURCE\tDEST\tPROTO\tDPORT\tSPORT\tORIGDEST\tRATE\n");
    for section in [
        "ALL",
        "ESTABLISHED",
        "RELATED",
        "INVALID",
        "UNTRACKED",
        "NEW",
    ] {
        out.push_str(&format!("?SECTION {section}\n"));
    }
    for i in 0..lines {
        let (a, b) = (i % 1000, (i / 1000) % 256);
        let (src, dst) = pairs[i % 8];
        let srcaddr = format!("2001:db8:{b:x}:{a:x}::{:x}", (i % 250) + 1);
        let dstaddr = format!("2001:db8:ff:{a:x}::{:x}", (i % 200) + 1);
        let port = 1024 + (i * 7) % 60000;
        let act = acts[i % 6];
        let line = match i % 10 {
            0 => format!("{}(ACCEPT)\t{src}:{srcaddr}\t{dst}", macros[(i / 10) % 8]),
            1 => format!(
                "{act}\t{src}\t{dst}:[{dstaddr}]\ttcp\t{port},{},{}",
                port + 1,
                port + 2
            ),
            2 => format!(
                "{act}\t{src}:<{srcaddr},{dstaddr}>\t{dst}\tudp\t{port}:{}",
                port + 10
            ),
            3 => format!(
                "ACCEPT\t{src}:{srcaddr}/64\t{dst}\ttcp\t{port}\t-\t-\t{}/min:{}",
                (i % 9) + 1,
                (i % 5) + 2
            ),
            4 => format!("DROP:info\t{src}:{srcaddr}/48\tall"),
            5 => format!("ACCEPT\t{src}\t{dst}:[{dstaddr}]\ttcp,udp\t{port}"),
            6 => format!("REJECT\t{src}:{srcaddr}\t{dst}\ttcp\t{port}"),
            7 => format!("ACCEPT\t{src}\t{dst}\tipv6-icmp\t{}", 128 + (i % 2)),
            8 => format!(
                "ACCEPT\t{src}:{srcaddr}\t{dst}:[{dstaddr}]\ttcp\t{port}\t{}",
                1024 + (i % 1000)
            ),
            _ => format!(
                "{}\t{src}\t{dst}\ttcp\t{port}\t-\t-\ts:{}/sec:{}",
                if i % 2 == 1 { "ACCEPT" } else { "ACCEPT:info" },
                (i % 20) + 1,
                (i % 7) + 1
            ),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}
