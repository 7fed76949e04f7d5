//! The language server's diagnostics after an edit must be exactly those of a fresh check of
//! the edited text, whatever the edit: the server keeps the previous diagnostics and re-checks
//! only the edited lines where it can (`ide::diagnostics::incremental`), and this test is what
//! holds that shortcut to the whole check. Likewise the tree it reparses from the last one
//! (`shorewall_syntax::reparse`), and what the whole-file requests read from it: the syntax
//! tree, semantic highlighting, document symbols and folding ranges.
//!
//! Every configuration directory with a `rules` file among `examples/`, the golden compile
//! cases and (where present) `../shared/corpus` gets a chain of pseudo-random edits of its
//! `rules` file: lines deleted, duplicated, swapped, words replaced by other words of the file,
//! characters inserted and removed, typical mistakes inserted. After each edit the kept
//! diagnostics are compared with those of a new analysis that sees the text for the first time.

use std::{
    fs,
    path::{Path, PathBuf},
    sync::Arc,
};

use shorewall_ls::{
    disk::DiskVfs,
    ide::{db::HostConfig, AnalysisHost},
};
use shorewall_tests::{rng::Rng, shared_dir, workspace_root};

/// Edits per directory.
const EDITS: usize = 15;

/// Lines an admin might type in the middle of a rules file, right or wrong.
const TYPED: &[&str] = &[
    "DROP nte all",
    "ACCEPT all all tcp 22",
    "ACCEPT $FW net tcp 99999",
    "SSH(ACCEPT) net $FW",
    "FTP/ACCEPT net $FW",
    "REJECT:inf all all",
    "?SECTION NEW",
    "SECTION ESTABLISHED",
    "ACCEPT net:2001:db8::1 $FW udp 53",
    "ACCEPT net $FW tcp 20-10",
    "LOG:info net $FW icmp",
    "ACCEPT net $FW - 80",
    "ACCEPT $UNDEFINED_PARAM $FW",
    "COMMENT old style",
    "?COMMENT new style",
    "",
    "# a comment",
    "ACCEPT",
];

/// One pseudo-random edit of `text`.
fn edit(text: &str, rng: &mut Rng) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    if lines.is_empty() {
        lines.push(String::new());
    }
    let at = rng.below(lines.len());
    match rng.below(7) {
        0 => {
            lines.remove(at);
        }
        1 => {
            let line = lines[at].clone();
            lines.insert(at, line);
        }
        2 => {
            let other = rng.below(lines.len());
            lines.swap(at, other);
        }
        3 => {
            let words: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
            let line_words: Vec<&str> = lines[at].split_whitespace().collect();
            if !words.is_empty() && !line_words.is_empty() {
                let which = rng.below(line_words.len());
                let word = &words[rng.below(words.len())];
                let replaced: Vec<&str> = line_words
                    .iter()
                    .enumerate()
                    .map(|(i, it)| if i == which { word.as_str() } else { it })
                    .collect();
                lines[at] = replaced.join("\t");
            }
        }
        4 => {
            let line = &mut lines[at];
            let chars: Vec<char> = line.chars().collect();
            let pos = rng.below(chars.len() + 1);
            let typed = ['x', ' ', ':', ',', '-', '!', '#', '$', '(', '\\'][rng.below(10)];
            let mut new: String = chars[..pos].iter().collect();
            new.push(typed);
            new.extend(&chars[pos..]);
            *line = new;
        }
        5 => {
            let line = &mut lines[at];
            let chars: Vec<char> = line.chars().collect();
            if !chars.is_empty() {
                let pos = rng.below(chars.len());
                *line = chars[..pos].iter().chain(&chars[pos + 1..]).collect();
            }
        }
        _ => lines.insert(at, TYPED[rng.below(TYPED.len())].to_owned()),
    }
    let mut res = lines.join("\n");
    res.push('\n');
    res
}

fn host() -> AnalysisHost {
    AnalysisHost::new(HostConfig::builtin(Arc::new(DiskVfs)))
}

/// Runs the chain of edits on `dir/rules`; returns a description of the first disagreement.
fn check_dir(dir: &Path) -> Option<String> {
    let rules = dir.join("rules");
    let original = fs::read_to_string(&rules).ok()?;
    let seed = rules
        .to_string_lossy()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
    let mut rng = Rng::new(seed);
    let mut editor = host();
    let mut text = original;
    editor.set_document(rules.clone(), Arc::from(text.as_str()), 1);
    let _ = editor.analysis().diagnostics(&rules);
    let _ = editor.analysis().syntax_tree(&rules);
    for version in 2..(2 + EDITS as i32) {
        let before = text.clone();
        text = edit(&text, &mut rng);
        editor.set_document(rules.clone(), Arc::from(text.as_str()), version);
        let kept = editor.analysis().diagnostics(&rules);
        let mut fresh_host = host();
        fresh_host.set_document(rules.clone(), Arc::from(text.as_str()), 1);
        let fresh = fresh_host.analysis().diagnostics(&rules);
        let (editor_now, fresh_now) = (editor.analysis(), fresh_host.analysis());
        let whole_file = [
            (
                "syntax tree",
                format!("{:?}", editor_now.syntax_tree(&rules)),
                format!("{:?}", fresh_now.syntax_tree(&rules)),
            ),
            (
                "highlighting",
                format!("{:?}", editor_now.highlight(&rules)),
                format!("{:?}", fresh_now.highlight(&rules)),
            ),
            (
                "document symbols",
                format!("{:?}", editor_now.document_symbols(&rules)),
                format!("{:?}", fresh_now.document_symbols(&rules)),
            ),
            (
                "folding ranges",
                format!("{:?}", editor_now.folding_ranges(&rules)),
                format!("{:?}", fresh_now.folding_ranges(&rules)),
            ),
        ];
        for (what, kept, fresh) in whole_file {
            if kept != fresh {
                return Some(format!(
                    "{}: after edit {} the {what} differs from a fresh analysis\n\
                     --- text before the edit:\n{before}\n--- text after:\n{text}\n\
                     --- kept:\n{kept}\n--- fresh:\n{fresh}",
                    dir.display(),
                    version - 1
                ));
            }
        }
        if kept != fresh {
            return Some(format!(
                "{}: after edit {} the kept diagnostics differ from a fresh check\n\
                 --- text before the edit:\n{before}\n--- text after:\n{text}\n\
                 --- kept:\n{kept:#?}\n--- fresh:\n{fresh:#?}",
                dir.display(),
                version - 1
            ));
        }
    }
    None
}

/// Directories below `root` (itself included) that have a `rules` file.
fn config_dirs(root: &Path, out: &mut Vec<PathBuf>) {
    if root.join("rules").is_file() {
        out.push(root.to_path_buf());
    }
    let Ok(entries) = fs::read_dir(root) else {
        return;
    };
    let mut children: Vec<PathBuf> = entries
        .flatten()
        .filter(|it| it.file_type().is_ok_and(|t| t.is_dir()))
        .map(|it| it.path())
        .collect();
    children.sort();
    for child in children {
        config_dirs(&child, out);
    }
}

fn run(dirs: &[PathBuf]) {
    assert!(!dirs.is_empty(), "no configuration directories found");
    let failures: Vec<String> = dirs.iter().filter_map(|it| check_dir(it)).collect();
    assert!(
        failures.is_empty(),
        "{} of {} directories:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n\n")
    );
}

#[test]
fn edits_of_the_projects_configurations() {
    let mut dirs = Vec::new();
    config_dirs(&workspace_root().join("examples"), &mut dirs);
    config_dirs(&workspace_root().join("tests/compile"), &mut dirs);
    run(&dirs);
}

#[test]
fn edits_of_the_corpus() {
    let Some(shared) = shared_dir() else {
        eprintln!(
            "SKIP edits_of_the_corpus: ../shared is not here (set SHOREWALL_LS_SHARED to the \
             development environment's shared directory to run it)"
        );
        return;
    };
    let mut dirs = Vec::new();
    config_dirs(&shared.join("corpus"), &mut dirs);
    config_dirs(&shared.join("oracle/samples"), &mut dirs);
    run(&dirs);
}
