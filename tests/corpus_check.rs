//! `check` over every configuration directory of `../shared/corpus`, against the verdicts of the
//! real Shorewall 5.2.8 recorded in `tests/corpus/verdicts.txt` (made by
//! `tests/corpus/verdicts.sh`): a directory it accepts gets no error from us; for one it
//! rejects, we report an error where it stops; a directory without a zones file gets no
//! unknown-zone error and a note that zones were not checked.

use std::{fs, path::Path};

use shorewall_ls::{cli::check, model::Severity};
use shorewall_tests::{shared_or_skip, workspace_root};

struct Verdict {
    accepted: bool,
    dir: String,
    message: String,
}

fn verdicts() -> Vec<Verdict> {
    let text =
        fs::read_to_string(workspace_root().join("tests/corpus/verdicts.txt")).unwrap_or_default();
    text.lines()
        .filter(|it| !it.starts_with('#') && !it.trim().is_empty())
        .filter_map(|line| {
            let mut parts = line.splitn(3, '\t');
            Some(Verdict {
                accepted: parts.next()? == "accepted",
                dir: parts.next()?.to_owned(),
                message: parts.next().unwrap_or("").to_owned(),
            })
        })
        .collect()
}

/// A copy of the directory with Debian's default shorewall6.conf (or shorewall.conf) added when
/// it has none, as `verdicts.sh` makes it.
fn completed_copy(corpus: &Path, rel: &str, tmp: &Path) -> std::path::PathBuf {
    let dir = corpus.join(rel);
    let name = dir
        .file_name()
        .and_then(|it| it.to_str())
        .unwrap_or("shorewall6")
        .to_owned();
    let copy = tmp.join(rel.replace('/', "_")).join(&name);
    fs::create_dir_all(&copy).unwrap();
    for entry in fs::read_dir(&dir).unwrap().flatten() {
        if entry.file_type().is_ok_and(|it| it.is_file()) {
            fs::copy(entry.path(), copy.join(entry.file_name())).unwrap();
        }
    }
    let ipv4 = dir.join("shorewall.conf").exists()
        || (!dir.join("shorewall6.conf").exists()
            && (name == "shorewall" || rel.contains("samples4")));
    let (conf, default) = if ipv4 {
        (
            "shorewall.conf",
            "debian-samples4-one-interface/shorewall.conf",
        )
    } else {
        (
            "shorewall6.conf",
            "debian-samples6-one-interface/shorewall6.conf",
        )
    };
    if !copy.join(conf).exists() {
        fs::copy(corpus.join(default), copy.join(conf)).unwrap();
    }
    copy
}

#[test]
fn corpus_agrees_with_the_real_compiler() {
    let Some(corpus) = shared_or_skip("corpus", "corpus_agrees_with_the_real_compiler") else {
        return;
    };
    let verdicts = verdicts();
    assert!(
        verdicts.len() >= 20,
        "tests/corpus/verdicts.txt is missing or short"
    );
    let tmp = std::env::temp_dir().join(format!("shorewall-ls-corpus-{}", std::process::id()));
    let mut failures = Vec::new();
    let (mut accepted, mut clean) = (0, 0);
    for verdict in &verdicts {
        let dir = completed_copy(&corpus, &verdict.dir, &tmp);
        let reported = check::check_directory(&dir, &dir);
        let errors: Vec<_> = reported
            .iter()
            .filter(|it| it.severity == Severity::Error)
            .collect();
        let shown = |list: &[&check::Reported]| {
            list.iter()
                .map(|it| format!("{}:{}: {} [{}]", it.path, it.line, it.message, it.code))
                .collect::<Vec<_>>()
                .join("\n    ")
        };
        if verdict.accepted {
            accepted += 1;
            if errors.is_empty() {
                clean += 1;
            } else {
                failures.push(format!(
                    "{}: accepted by Shorewall, but:\n    {}",
                    verdict.dir,
                    shown(&errors)
                ));
            }
            continue;
        }
        // A lone rules file: zones are not checked, and one note says so (checked below).
        if verdict.message.contains("'zones' file does not exist") {
            if !reported.iter().any(|it| it.code == "zones-not-checked")
                && dir.join("rules").exists()
            {
                failures.push(format!("{}: no zones-not-checked note", verdict.dir));
            }
            continue;
        }
        // Where the real compiler stopped: "... FILE (line N)" or "... FILE (EOF)".
        let Some((before, position)) = verdict.message.rsplit_once(" (") else {
            continue;
        };
        let file = before.rsplit(' ').next().unwrap_or("").to_owned();
        let line: Option<u32> = position
            .strip_prefix("line ")
            .and_then(|it| it.trim_end_matches(')').parse().ok());
        let found = errors.iter().any(|it| {
            (it.path == file || file == "shorewall.conf" || file == "shorewall6.conf")
                && line.is_none_or(|line| it.line == line)
        });
        if !found {
            failures.push(format!(
                "{}: Shorewall says '{}', we report:\n    {}",
                verdict.dir,
                verdict.message,
                shown(&errors)
            ));
        }
        if !dir.join("zones").exists() {
            if reported.iter().any(|it| it.code == "unknown-zone") {
                failures.push(format!(
                    "{}: unknown-zone errors without a zones file",
                    verdict.dir
                ));
            }
            if dir.join("rules").exists()
                && !reported.iter().any(|it| it.code == "zones-not-checked")
            {
                failures.push(format!("{}: no zones-not-checked note", verdict.dir));
            }
        }
    }
    let _ = fs::remove_dir_all(&tmp);
    eprintln!("corpus directories accepted by Shorewall 5.2.8 with zero errors from us: {clean}/{accepted}");
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
