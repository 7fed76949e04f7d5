//! Property tests: for random inputs the parse is lossless, keeps its invariants and does not
//! panic (`fuzz::check_parser`). The inputs are random bytes, random soups of Shorewall's
//! tokens, test data and corpus files cut short and spliced together, and the awkward shapes
//! of real files: CRLF, tabs, no final newline, NUL bytes, non-ASCII, 100,000-character lines.
//!
//! The generator is a small deterministic PRNG, so a failure reproduces: the panic message
//! names the seed and the iteration, and `SHOREWALL_PROPERTY_SEED` replays that seed.

use std::{
    fs,
    path::{Path, PathBuf},
};

use crate::{fuzz::check_parser, Family, FileKind, FileType};

/// SplitMix64: tiny, fast, and good enough to pick test inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const KINDS: &[FileKind] = &[
    FileKind::Rules,
    FileKind::BlRules,
    FileKind::Macro,
    FileKind::Action,
    FileKind::Actions,
    FileKind::Zones,
    FileKind::Interfaces,
    FileKind::Hosts,
    FileKind::Policy,
    FileKind::StoppedRules,
    FileKind::RouteStopped,
    FileKind::Mangle,
    FileKind::TcRules,
    FileKind::Snat,
    FileKind::Masq,
    FileKind::Nat,
    FileKind::Netmap,
    FileKind::Providers,
    FileKind::RtRules,
    FileKind::Routes,
    FileKind::Tunnels,
    FileKind::Accounting,
    FileKind::Conntrack,
    FileKind::Maclist,
    FileKind::ProxyArp,
    FileKind::ProxyNdp,
    FileKind::Blacklist,
    FileKind::Ecn,
    FileKind::TcInterfaces,
    FileKind::TcDevices,
    FileKind::TcClasses,
    FileKind::TcFilters,
    FileKind::TcPri,
    FileKind::Secmarks,
    FileKind::ArpRules,
    FileKind::Params,
    FileKind::Conf,
    FileKind::KeyValue,
    FileKind::Other,
];

/// Pieces of Shorewall files, awkward ones included, for the token soups.
const FRAGMENTS: &[&str] = &[
    "ACCEPT",
    "DROP:info",
    "SSH(ACCEPT)",
    "SSH/ACCEPT",
    "DNAT",
    "REDIRECT",
    "IP6TABLES(",
    "net",
    "$FW",
    "all+-",
    "all!",
    "loc:",
    "eth0",
    ":",
    "::",
    "2001:db8::1",
    "192.0.2.1",
    "[",
    "]",
    "<",
    ">",
    "(",
    ")",
    "{",
    "}",
    ";",
    ";;",
    ",",
    "!",
    "+",
    "-",
    "~",
    "&",
    "^",
    "%",
    "@",
    "/",
    "=",
    "=>",
    "$",
    "${X}",
    "$1",
    "@{0}",
    "\\",
    "\\\n",
    "\\ # c\n",
    "\n",
    "\r\n",
    "\r",
    "\t",
    " ",
    "#",
    "# comment\n",
    "?IF ",
    "?ELSIF ",
    "?ELSE",
    "?ENDIF",
    "?SET ",
    "?FORMAT 2",
    "?SECTION NEW",
    "?COMMENT ",
    "?BEGIN PERL\n",
    "?END PERL",
    "BEGIN SHELL\n",
    "END",
    "PERL ",
    "SHELL ",
    "INCLUDE ",
    "SECTION ",
    "COMMENT",
    "DEFAULTS ",
    "\"",
    "'",
    "`",
    "\"a b\"",
    "export ",
    "NAME=",
    "tcp",
    "22",
    "1024:65535",
    "3/min:5",
    "s:name:3/min",
    "\u{e9}",
    "\0",
    "\u{1F600}",
    "\u{feff}",
    "\x0b",
    "\x0c",
    "-",
    "d:5:24",
    "timestart=08:00&utc",
];

fn random_bytes(rng: &mut Rng) -> String {
    let len = rng.below(400);
    let bytes: Vec<u8> = (0..len)
        .map(|_| {
            // Mostly ASCII punctuation, letters and line ends, sometimes anything.
            match rng.below(4) {
                0 => rng.next() as u8,
                1 => *rng.pick(b"\n\t \\#:;,!$?{}[]<>()\"'`=+-~&"),
                _ => b' ' + rng.below(95) as u8,
            }
        })
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn token_soup(rng: &mut Rng) -> String {
    let len = rng.below(120);
    (0..len).map(|_| *rng.pick(FRAGMENTS)).collect()
}

/// Cuts `text` at a random character boundary.
fn cut(rng: &mut Rng, text: &str) -> usize {
    let mut at = rng.below(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A prefix of one sample and a suffix of another.
fn splice(rng: &mut Rng, samples: &[String]) -> String {
    let a = rng.pick(samples);
    let b = rng.pick(samples);
    let (i, j) = (cut(rng, a), cut(rng, b));
    format!("{}{}", &a[..i], &b[j..])
}

/// One of the awkward shapes real files have, applied to a sample.
fn reshape(rng: &mut Rng, text: &str) -> String {
    match rng.below(6) {
        0 => text.replace('\n', "\r\n"),
        1 => text.replace(' ', "\t"),
        2 => text.trim_end_matches('\n').to_owned(),
        3 => {
            let at = cut(rng, text);
            format!("{}\0{}", &text[..at], &text[at..])
        }
        4 => text.replace('e', "\u{e9}"),
        _ => text.replace('\n', "\\\n"),
    }
}

/// Test data files, and the corpus when the development environment has it.
fn samples() -> Vec<String> {
    let mut paths = Vec::new();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    collect(&manifest.join("test_data"), &mut paths);
    collect(&manifest.join("../../shared/corpus"), &mut paths);
    paths
        .iter()
        .filter(|it| it.extension().is_none_or(|ext| ext != "rast"))
        .filter_map(|it| fs::read_to_string(it).ok())
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|it| it.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn random_file_type(rng: &mut Rng) -> FileType {
    let family = if rng.below(2) == 0 {
        Family::Ipv4
    } else {
        Family::Ipv6
    };
    FileType::new(*rng.pick(KINDS), family)
}

/// Runs `iterations` random inputs from `seed`; the panic of a failing check names both.
fn run(seed: u64, iterations: usize, samples: &[String]) {
    let mut rng = Rng(seed);
    for iteration in 0..iterations {
        let text = match rng.below(5) {
            0 => random_bytes(&mut rng),
            1 => token_soup(&mut rng),
            2 => {
                let sample = rng.pick(samples);
                sample[..cut(&mut rng, sample)].to_owned()
            }
            3 => splice(&mut rng, samples),
            _ => {
                let sample = rng.pick(samples).clone();
                reshape(&mut rng, &sample)
            }
        };
        let file_type = random_file_type(&mut rng);
        let result = std::panic::catch_unwind(|| check_parser(&text, file_type));
        if result.is_err() {
            panic!("seed {seed}, iteration {iteration}, {file_type:?}, input {text:?}");
        }
    }
}

/// How many random inputs each test tries: fewer in debug builds, where parsing is slower.
fn iterations() -> usize {
    if cfg!(debug_assertions) {
        3_000
    } else {
        30_000
    }
}

#[test]
fn random_inputs_parse_losslessly() {
    let samples = samples();
    assert!(samples.len() > 50, "too few samples: {}", samples.len());
    let seed = std::env::var("SHOREWALL_PROPERTY_SEED")
        .ok()
        .and_then(|it| it.parse().ok())
        .unwrap_or(0x5eed_2025);
    run(seed, iterations(), &samples);
}

/// Lines of 100,000 characters, in every file kind: the parser must stay linear on them.
#[test]
fn long_lines_parse_losslessly() {
    let long_lines = [
        "a".repeat(100_000),
        format!("ACCEPT\tnet:{}\t$FW", "2001:db8::1,".repeat(8_333)),
        format!("ACCEPT\tnet:[{}]\t$FW", "2001:db8::1],[".repeat(7_142)),
        format!("ACCEPT\tnet\t$FW\ttcp\t{}", "22,".repeat(33_333)),
        format!("{}ACCEPT{}", "SSH(".repeat(20_000), ")".repeat(20_000)),
        format!("ACCEPT\tnet:{}\t$FW", "!a".repeat(50_000)),
        format!("ACCEPT\tnet\t$FW {{ {} }}", "a=b ".repeat(25_000)),
        format!("# {}", "\u{e9}".repeat(50_000)),
        "\u{e9}x".repeat(33_333),
        format!(
            "ACCEPT\tnet\t\"{}\" ${{{}}}",
            "\u{e9}".repeat(25_000),
            "\u{e9}".repeat(25_000)
        ),
        format!("NAME=\"{}\"", "x ".repeat(50_000)),
        " \t".repeat(50_000),
        "\\\n".repeat(50_000),
        ":".repeat(100_000),
        "$".repeat(100_000),
    ];
    // Each takes tenths of a second in a debug build: there, fewer kinds.
    let kinds: &[FileKind] = if cfg!(debug_assertions) {
        &[FileKind::Rules, FileKind::Params, FileKind::Conf]
    } else {
        &[
            FileKind::Rules,
            FileKind::Action,
            FileKind::Macro,
            FileKind::Interfaces,
            FileKind::Policy,
            FileKind::Params,
            FileKind::Conf,
        ]
    };
    for line in &long_lines {
        for &kind in kinds {
            for family in [Family::Ipv4, Family::Ipv6] {
                check_parser(line, FileType::new(kind, family));
            }
        }
    }
}

/// An edit as an editor makes them: characters typed or deleted, a line broken or joined,
/// text pasted, and the characters that carry meaning across lines.
fn random_edit(rng: &mut Rng, text: &str, samples: &[String]) -> String {
    let at = cut(rng, text);
    let inserted: String = match rng.below(8) {
        0 => String::new(),
        1 => "\n".to_owned(),
        2 => (*rng.pick(&[
            "\\",
            "\\\n",
            "?IF 1\n",
            "?ENDIF\n",
            "?FORMAT 2\n",
            "FORMAT 2\n",
            "?BEGIN PERL\n",
            "?END PERL\n",
            "#",
            "\"",
            "'",
            "\r",
            "?SECTION NEW\n",
            "SECTION NEW\n",
            "COMMENT x\n",
            "\t",
            " ",
        ]))
        .to_owned(),
        3 => {
            let sample = rng.pick(samples);
            let (i, j) = (cut(rng, sample), cut(rng, sample));
            sample[i.min(j)..i.max(j)].chars().take(300).collect()
        }
        _ => (0..1 + rng.below(3))
            .map(|_| *rng.pick(FRAGMENTS))
            .collect(),
    };
    let reach = if rng.below(3) == 0 { 200 } else { 3 };
    let mut end = at + rng.below(reach);
    end = end.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{}{}", &text[..at], inserted, &text[end..])
}

/// A reparse after random edits gives the same tree and errors as parsing the new text, and
/// takes the incremental way often enough for that to mean something.
#[test]
fn reparse_after_random_edits_equals_a_full_parse() {
    let samples = samples();
    let seed = std::env::var("SHOREWALL_PROPERTY_SEED")
        .ok()
        .and_then(|it| it.parse().ok())
        .unwrap_or(0x5eed_2026);
    let mut rng = Rng(seed);
    let (mut incremental, mut total) = (0usize, 0usize);
    for iteration in 0..iterations() {
        let mut text = match rng.below(3) {
            0 => token_soup(&mut rng),
            1 => {
                let sample = rng.pick(&samples).clone();
                reshape(&mut rng, &sample)
            }
            _ => rng.pick(&samples).clone(),
        };
        let file_type = random_file_type(&mut rng);
        let mut old = crate::parse(&text, file_type);
        // A few edits in a row, each from the parse the last one made.
        for step in 0..1 + rng.below(4) {
            let new_text = random_edit(&mut rng, &text, &samples);
            let reparsed = crate::reparse(&old, &text, &new_text);
            let full = crate::parse(&new_text, file_type);
            total += 1;
            if let Some(reparsed) = &reparsed {
                incremental += 1;
                if *reparsed != full {
                    panic!(
                        "seed {seed}, iteration {iteration}, step {step}, {file_type:?}\nold {text:?}\nnew {new_text:?}\nreparsed:\n{}\nfull:\n{}",
                        reparsed.debug_dump(),
                        full.debug_dump()
                    );
                }
            }
            old = reparsed.unwrap_or(full);
            text = new_text;
        }
    }
    assert!(
        incremental * 2 > total,
        "only {incremental} of {total} edits were reparsed incrementally"
    );
}
