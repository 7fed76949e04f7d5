//! The formatter over every file of `../shared/corpus`, with several option sets: it keeps its
//! promises (idempotent; Shorewall reads the same lines; the same syntax errors; every comment
//! kept, header comments only realigned). Prints the figures; skips without `../shared`.

use std::path::{Path, PathBuf};

use shorewall_syntax::{
    format::{check::check_format, FormatOptions},
    FileType,
};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|it| it.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            files(&path, out);
        } else if path.file_name().is_some_and(|it| it != "SOURCES.md") {
            out.push(path);
        }
    }
}

#[test]
fn corpus_keeps_the_promises() {
    let Some(corpus) = shorewall_tests::shared_or_skip("corpus", "corpus_keeps_the_promises")
    else {
        return;
    };
    let mut paths = Vec::new();
    files(&corpus, &mut paths);
    assert!(!paths.is_empty(), "no files under {}", corpus.display());
    let option_sets = [
        ("default", FormatOptions::default()),
        (
            "tabs",
            FormatOptions {
                use_tabs: true,
                ..FormatOptions::default()
            },
        ),
        (
            "no-align",
            FormatOptions {
                align: false,
                ..FormatOptions::default()
            },
        ),
        (
            "upgrade",
            FormatOptions {
                upgrade: true,
                ..FormatOptions::default()
            },
        ),
    ];
    let mut failures = Vec::new();
    for (name, options) in option_sets {
        let (mut checked, mut changed, mut headers, mut lines) = (0, 0, 0, 0);
        for path in &paths {
            let Ok(text) = std::fs::read_to_string(path) else {
                eprintln!("{}: not UTF-8, skipped", path.display());
                continue;
            };
            let shown = path
                .strip_prefix(&corpus)
                .unwrap_or(path)
                .display()
                .to_string();
            match check_format(&text, FileType::from_path(path), &options) {
                Ok((_, report)) => {
                    checked += 1;
                    lines += text.lines().count();
                    changed += usize::from(report.changed);
                    headers += report.realigned_headers;
                }
                Err(message) => failures.push(format!("{name}: {shown}: {message}")),
            }
        }
        eprintln!(
            "format corpus [{name}]: {checked} files ({lines} lines) idempotent, read the same \
             and with every comment kept; {changed} changed; {headers} header comment lines \
             realigned"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
