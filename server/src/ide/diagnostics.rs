//! Diagnostics of a file: the model's, which are `shorewall-ls check`'s (same codes, same
//! messages, same order), with places in other files named by path.
//!
//! A file the model does not read (a `rules.bak`, a macro nothing uses) still gets its syntax
//! errors, under the codes the model gives them.
//!
//! The open documents of a directory are checked together and the result is kept: after an
//! edit of a few lines of the rules file, `incremental` checks only those lines against it
//! instead of building the directory's model again (a 10,000-line rules file takes hundreds of
//! milliseconds to read; a keystroke's diagnostics must take a few).

pub(crate) mod incremental;

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::Arc,
};

use shorewall_syntax::{FileKind, TextRange, TextSize};

use crate::{
    compile::rejection::{Place, COMPILE_ERROR, COMPILE_WARNING},
    ide::{
        db::{dir_of, Inputs},
        FileRange,
    },
    model::{self, Model, Severity},
};

/// A problem in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub range: TextRange,
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    /// Other places that explain this one.
    pub related: Vec<(FileRange, String)>,
}

/// The diagnostics of the open documents of a directory at one revision.
pub(crate) struct DirDiagnostics {
    revision: u64,
    disk_revision: u64,
    /// The texts of the open documents they are of, sorted by path.
    texts: Vec<(PathBuf, Arc<str>)>,
    files: HashMap<PathBuf, Arc<Vec<Diagnostic>>>,
}

pub(crate) fn diagnostics(db: &Inputs, path: &Path) -> Vec<Diagnostic> {
    if !db.documents.contains_key(path) {
        return of_model(db, &db.model(dir_of(path)), path);
    }
    let state = dir_diagnostics(db, dir_of(path));
    match state.files.get(path) {
        Some(it) => (**it).clone(),
        None => of_model(db, &db.model(dir_of(path)), path),
    }
}

/// The diagnostics of the open documents of `dir` at the snapshot's revision: the kept ones if
/// they are of this revision, else checked again, one edit's lines only where that is enough.
fn dir_diagnostics(db: &Inputs, dir: &Path) -> Arc<DirDiagnostics> {
    let revision = db.revision(dir);
    let kept = {
        let kept = match db.caches.diagnostics.lock() {
            Ok(it) => it,
            Err(poisoned) => poisoned.into_inner(),
        };
        kept.get(dir).cloned()
    };
    if let Some(kept) = &kept {
        if kept.revision == revision {
            return kept.clone();
        }
    }
    let texts = db.documents_in(dir);
    let disk_revision = db.disk_revision(dir);
    let files = kept
        .as_deref()
        .filter(|it| it.disk_revision == disk_revision)
        .and_then(|base| incremental::update(db, dir, base, &texts));
    let files = match files {
        Some(it) => it,
        None => {
            let model = db.model(dir);
            texts
                .iter()
                .map(|(path, _)| (path.clone(), Arc::new(of_model(db, &model, path))))
                .collect()
        }
    };
    let res = Arc::new(DirDiagnostics {
        revision,
        disk_revision,
        texts,
        files,
    });
    let mut kept = match db.caches.diagnostics.lock() {
        Ok(it) => it,
        Err(poisoned) => poisoned.into_inner(),
    };
    let newer = kept.get(dir).is_none_or(|it| it.revision < res.revision);
    if newer {
        kept.insert(dir.to_path_buf(), res.clone());
    }
    res
}

/// The diagnostics of a file in a model of its directory.
fn of_model(db: &Inputs, model: &Model, path: &Path) -> Vec<Diagnostic> {
    match model.files.id_of(path) {
        Some(file) => model
            .diagnostics_for(file)
            .into_iter()
            .map(|it| from_model(model, it))
            .collect(),
        None => syntax_only(db, path),
    }
}

fn from_model(model: &Model, diagnostic: &model::Diagnostic) -> Diagnostic {
    let related = diagnostic
        .related
        .iter()
        .filter_map(|(site, message)| {
            let file = model.file(site.file)?;
            Some((
                FileRange {
                    path: file.path.clone(),
                    range: site.range,
                },
                message.clone(),
            ))
        })
        .collect();
    Diagnostic {
        range: diagnostic.site.range,
        severity: diagnostic.severity,
        code: diagnostic.code,
        message: diagnostic.message.clone(),
        related,
    }
}

/// The compile stage of a directory's diagnostics: the compiler's error, when the model has
/// none, in the file where the compiler stops (`check`'s `compile-error`), else its warnings
/// on their records (`compile-warning`; see [`crate::compile::rejection::compile_stage`] for
/// those it drops).
/// Slower than the model's diagnostics (it lowers the whole configuration), so the server adds
/// it apart, and leaves out a warning the model gives already on the same line.
pub(crate) fn compile_stage(db: &Inputs, dir: &Path) -> Vec<(PathBuf, Diagnostic)> {
    let Some((stage, model)) = db.compile_stage(dir) else {
        return Vec::new();
    };
    let rejection = stage
        .rejection
        .map(|it| (it.place, Severity::Error, COMPILE_ERROR, it.message));
    let warnings = stage
        .warnings
        .into_iter()
        .map(|it| (it.place, Severity::Warning, COMPILE_WARNING, it.message));
    rejection
        .into_iter()
        .chain(warnings)
        .filter_map(|(place, severity, code, message)| {
            let (path, range) = match place {
                Place::Site(site) => {
                    let file = model.file(site.file)?;
                    if file.origin != model::Origin::Config {
                        return None;
                    }
                    (file.path.clone(), site.range)
                }
                Place::Line(path, line) => {
                    let text = db.text(&path)?;
                    let range = line_range(&text, line)?;
                    (path, range)
                }
            };
            let diagnostic = Diagnostic {
                range,
                severity,
                code,
                message,
                related: Vec::new(),
            };
            Some((path, diagnostic))
        })
        .collect()
}

/// The range of line `line` (1-based) of `text`, without its line break.
fn line_range(text: &str, line: u32) -> Option<TextRange> {
    let mut start = 0usize;
    for (idx, it) in text.split_inclusive('\n').enumerate() {
        if idx + 1 == line as usize {
            let content = it.trim_end_matches(['\n', '\r']);
            let start = TextSize::try_from(start).ok()?;
            let len = TextSize::try_from(content.len()).ok()?;
            return Some(TextRange::at(start, len));
        }
        start += it.len();
    }
    None
}

fn syntax_only(db: &Inputs, path: &Path) -> Vec<Diagnostic> {
    // A file of no kind Shorewall knows (a README, a `start` shell script, the Perl script of a
    // pre-4.5 action) is no table of columns: what the parser makes of it is no error of it.
    if db.file_type(path).kind == FileKind::Other {
        return Vec::new();
    }
    let Some(parse) = db.parse(path) else {
        return Vec::new();
    };
    parse
        .errors()
        .iter()
        .map(|error| Diagnostic {
            range: error.range,
            severity: Severity::Error,
            code: model::syntax_code(&error.message),
            message: error.message.clone(),
            related: Vec::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use crate::ide::fixture::Fixture;

    #[track_caller]
    fn check(fixture: &str, expect: Expect) {
        let fixture = Fixture::parse(fixture);
        let analysis = fixture.analysis();
        let path = fixture.cursor_file();
        let text = fixture.text(&path);
        let mut res = String::new();
        for it in analysis.diagnostics(&path) {
            let shown = text
                .get(usize::from(it.range.start())..usize::from(it.range.end()))
                .unwrap_or("");
            res.push_str(&format!(
                "{:?} {:?} {} {}: {}\n",
                it.range,
                shown,
                it.severity.as_str(),
                it.code,
                it.message
            ));
            for (place, message) in &it.related {
                res.push_str(&format!(
                    "  related {}:{:?}: {message}\n",
                    fixture.relative(&place.path),
                    place.range
                ));
            }
        }
        expect.assert_eq(&res);
    }

    #[test]
    fn model_diagnostics_of_the_rules_file() {
        check(
            r#"
#- zones
fw firewall
net ipv6
#- rules
ACCEPT net nte tcp 22
ACC net $FW
"#,
            expect![[r#"
                11..14 "nte" error unknown-zone: Unknown destination zone (nte); did you mean 'net'?
                22..25 "ACC" error unknown-action: Unknown ACTION (ACC)
            "#]],
        );
    }

    #[test]
    fn errors_of_macro_bodies_are_in_the_macro_file() {
        check(
            r#"
#- zones
fw firewall
net ipv6
#- rules
Mine(ACCEPT) net $FW
#- macro.Mine
PARAM - - tcp 99999$0
"#,
            expect![[r#"
                14..19 "99999" error invalid-port: Invalid/Unknown 6 port/service (99999)
            "#]],
        );
    }

    #[test]
    fn files_of_no_shorewall_kind_get_no_errors() {
        // A real directory kept the Perl script of a pre-4.5 action beside its files.
        check(
            r#"
#- zones
fw firewall
#- Limit
fatal_error 'Limit rules must include <list name>' unless @params == 3;
add_rule $chainref, "-m recent --name $list --set";
"#,
            expect![""],
        );
    }

    #[test]
    fn files_the_model_does_not_read_get_syntax_errors() {
        check(
            r#"
#- zones
fw firewall
#- rules.bak
SSH(ACCEPT net $FW
"#,
            expect![[r#"
                3..4 "(" error syntax-error: mismatched parentheses: '(' is not closed
            "#]],
        );
    }
}
