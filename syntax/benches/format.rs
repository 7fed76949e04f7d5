//! Format benchmark: formats a 10,000-line rules file and prints the median time of one
//! format, with and without the parse before it, on the file as generated and once formatted
//! (what format-on-save sees most of the time).
//!
//! The file is the one `../shared/oracle/gen-synthetic 10000 DIR` writes when the development
//! environment's `shared` directory is there (or `$SHOREWALL_LS_SHARED`), and otherwise a
//! file cycling through a few lines of the same shapes. Run with
//! `cargo bench -p shorewall-syntax --bench format`; `-- N` sets the number of rule lines and
//! `--runs R` the number of timed runs.

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use shorewall_syntax::{
    format::{format, format_text, FormatOptions},
    parse, Family, FileKind, FileType,
};

fn main() {
    let mut lines = 10_000usize;
    let mut runs = 30usize;
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
    let options = FormatOptions::default();
    let formatted = format(&parse(&text, file_type), &options);
    assert_eq!(
        format(&parse(&formatted, file_type), &options),
        formatted,
        "formatting must be idempotent"
    );
    println!(
        "format: {} lines, {} bytes ({origin}), median of {runs} runs:",
        text.lines().count(),
        text.len()
    );
    for (name, input) in [("as generated", &text), ("already formatted", &formatted)] {
        let tree = parse(input, file_type);
        let format_only = median(runs, || format(&tree, &options));
        let with_parse = median(runs, || format_text(input, file_type, &options));
        let parse_only = median(runs, || parse(input, file_type));
        println!(
            "  {name:>17}: format {:.2} ms, format_text (parse included) {:.2} ms (parse alone \
             {:.2} ms)",
            ms(format_only),
            ms(with_parse),
            ms(parse_only)
        );
    }
}

fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1e3
}

/// The median time of `runs` calls of `f` (after one warm-up call); dropping the result is not
/// counted.
fn median<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    drop(f());
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            let res = std::hint::black_box(f());
            let elapsed = start.elapsed();
            drop(res);
            elapsed
        })
        .collect();
    times.sort();
    times[times.len() / 2]
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
    let dir = std::env::temp_dir().join(format!("shorewall-ls-fmt-bench-{}", std::process::id()));
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

/// A header, the sections, then `lines` rules cycling through shapes like gen-synthetic's.
fn synthetic(lines: usize) -> String {
    const SHAPES: &[&str] = &[
        "SSH(ACCEPT)\tnet:2001:db8:0:{i}::1\tloc",
        "DROP\tnet\tdmz:[2001:db8:ff:{i}::2]\ttcp\t1031,1032,1033",
        "REJECT\tnet:<2001:db8:0:{i}::3,2001:db8:ff:2::3>\t$FW\tudp\t1038:1048",
        "ACCEPT\tloc:2001:db8:0:{i}::4/64\tnet\ttcp\t1045\t-\t-\t4/min:5",
        "DROP:info\tloc:2001:db8:0:{i}::5/48\tall",
        "ACCEPT\tloc\t$FW:[2001:db8:ff:{i}::6]\ttcp,udp\t1059",
        "REJECT\tdmz:2001:db8:0:{i}::7\tnet\ttcp\t1066",
        "ACCEPT\tdmz\t$FW\tipv6-icmp\t129",
        "ACCEPT\tnet:2001:db8:0:{i}::9\tloc:[2001:db8:ff:8::9]\ttcp\t1080\t1032",
        "ACCEPT\tnet\tdmz\ttcp\t{i}\t-\t-\ts:10/sec:3",
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
        out.push_str(&SHAPES[i % SHAPES.len()].replace("{i}", &format!("{:x}", i % 1000)));
        out.push('\n');
    }
    out
}
