//! Code actions on a range of a file:
//! - the fixes the model attaches to its diagnostics;
//! - did you mean: for an unknown zone, action, macro, interface or `$VARIABLE`, the known names
//!   closest to it;
//! - the upgrade of Shorewall 4.4 spellings on the lines of the range (`SECTION NEW` →
//!   `?SECTION NEW`, `FTP/ACCEPT` → `FTP(ACCEPT)`), and one action that upgrades the whole file.

use std::{path::Path, sync::Arc};

use shorewall_syntax::{
    format::{upgrade_edits, TextEdit},
    Parse, SyntaxKind, SyntaxToken, TextRange, TextSize,
};

use crate::{
    ide::{
        db::{dir_of, Inputs},
        diagnostics::incremental,
        resolve::{classify_target, param_ref},
        FileRange, SourceChange,
    },
    model::{self, builtin_target, FileId, Model, BUILTIN_TARGETS},
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeAction {
    pub title: String,
    pub kind: CodeActionKind,
    pub change: SourceChange,
    /// The diagnostic the action fixes: its range and code.
    pub fixes: Option<(TextRange, &'static str)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeActionKind {
    QuickFix,
    /// A change that keeps the meaning (an upgrade of a spelling).
    Rewrite,
    /// A change to the whole file.
    Source,
}

pub(crate) fn code_actions(db: &Inputs, range: &FileRange) -> Vec<CodeAction> {
    let path = &range.path;
    let Some(parse) = db.parse(path) else {
        return Vec::new();
    };
    let (model, shift) = model_for(db, path, range.range);
    let mut res = Vec::new();
    if let Some(file) = model.files.id_of(path) {
        for diagnostic in model.diagnostics_for(file) {
            let Some(diagnostic) = moved(diagnostic, file, shift) else {
                continue;
            };
            let diagnostic = &diagnostic;
            if !touches(diagnostic.site.range, range.range) {
                continue;
            }
            if let Some(fix) = &diagnostic.fix {
                res.extend(model_fix(&model, diagnostic, fix));
            }
            res.extend(did_you_mean(&model, &parse, diagnostic));
        }
    }
    res.extend(upgrades(path, &parse, range.range, &res));
    res
}

/// A model that knows the diagnostics of the lines of `range`, and how far its places in the
/// file are from the file's: the directory's model if it is built; for plain lines of a rules
/// file, the model of a stand-in rules file of the directives above them and those lines (as
/// the incremental check of diagnostics builds it), which takes milliseconds where the whole
/// directory may take hundreds; else the directory's model.
fn model_for(db: &Inputs, path: &Path, range: TextRange) -> (Arc<Model>, i64) {
    let dir = dir_of(path);
    if let Some(model) = db.model_if_ready(dir) {
        return (model, 0);
    }
    let stand_in = || {
        if path.file_name()?.to_str()? != "rules" {
            return None;
        }
        let text = db.text(path)?;
        let from = usize::from(range.start()).min(text.len());
        let to = usize::from(range.end()).min(text.len());
        let start = text.get(..from)?.rfind('\n').map_or(0, |it| it + 1);
        let end = text.get(to..)?.find('\n').map_or(text.len(), |it| to + it);
        let (directives, _) = incremental::prelude(db, &text, start)?;
        let block = text.get(start..end)?;
        if !incremental::plain_lines(block) {
            return None;
        }
        let model = db.model_with(dir, path, Arc::from(format!("{directives}{block}\n")));
        Some((Arc::new(model), start as i64 - directives.len() as i64))
    };
    stand_in().unwrap_or_else(|| (db.model(dir), 0))
}

/// A diagnostic of `file` with its places in the file moved by `shift`; `None` for one of the
/// stand-in's directives (before the lines).
fn moved(diagnostic: &model::Diagnostic, file: FileId, shift: i64) -> Option<model::Diagnostic> {
    let move_range = |range: TextRange| -> Option<TextRange> {
        let at = |it: TextSize| u32::try_from(i64::from(u32::from(it)) + shift).ok();
        Some(TextRange::new(
            at(range.start())?.into(),
            at(range.end())?.into(),
        ))
    };
    let mut res = diagnostic.clone();
    res.site.range = move_range(res.site.range)?;
    if let Some(fix) = &mut res.fix {
        if fix.site.file == file {
            fix.site.range = move_range(fix.site.range)?;
        }
    }
    Some(res)
}

/// Whether a diagnostic's range is part of the requested one (an empty request: the cursor).
fn touches(diagnostic: TextRange, requested: TextRange) -> bool {
    diagnostic.intersect(requested).is_some() || diagnostic.contains_inclusive(requested.start())
}

fn model_fix(
    model: &Model,
    diagnostic: &model::Diagnostic,
    fix: &model::Fix,
) -> Option<CodeAction> {
    let file = model.file(fix.site.file)?;
    Some(CodeAction {
        title: fix.label.clone(),
        kind: CodeActionKind::QuickFix,
        change: SourceChange {
            files: vec![(
                file.path.clone(),
                vec![TextEdit::replace(fix.site.range, fix.replacement.clone())],
            )],
        },
        fixes: Some((diagnostic.site.range, diagnostic.code)),
    })
}

/// Replacements for an unknown name inside the diagnostic's range.
fn did_you_mean(model: &Model, parse: &Parse, diagnostic: &model::Diagnostic) -> Vec<CodeAction> {
    let wanted: fn(&SyntaxToken) -> bool = match diagnostic.code {
        "unknown-zone" => |it| {
            it.parent()
                .is_some_and(|p| p.kind() == SyntaxKind::ZONE_REF)
        },
        "unknown-action" => |it| {
            it.parent()
                .is_some_and(|p| p.kind() == SyntaxKind::ACTION_NAME)
        },
        "unknown-interface" => |it| {
            it.parent()
                .is_some_and(|p| p.kind() == SyntaxKind::INTERFACE_REF)
        },
        "undefined-variable" => |it| it.kind() == SyntaxKind::DOLLAR_REF,
        _ => return Vec::new(),
    };
    let Some(file) = model.file(diagnostic.site.file) else {
        return Vec::new();
    };
    let mut res = Vec::new();
    let covering = parse.syntax().covering_element(diagnostic.site.range);
    let tokens: Vec<SyntaxToken> = match covering.into_node() {
        Some(node) => node
            .descendants_with_tokens()
            .filter_map(|it| it.into_token())
            .collect(),
        None => parse
            .syntax()
            .covering_element(diagnostic.site.range)
            .into_token()
            .into_iter()
            .collect(),
    };
    for token in tokens.iter().filter(|it| wanted(it)) {
        let (unknown, range, candidates) = match token.kind() {
            SyntaxKind::DOLLAR_REF => {
                let Some((name, range)) = param_ref(token.text(), token.text_range().start())
                else {
                    continue;
                };
                let names = model.params.iter().map(|it| it.name.clone()).collect();
                (name, range, names)
            }
            _ => {
                let text = token.text().to_owned();
                if is_known(model, diagnostic.code, &text) {
                    continue;
                }
                (
                    text,
                    token.text_range(),
                    known_names(model, diagnostic.code),
                )
            }
        };
        for suggestion in closest(&unknown, &candidates) {
            res.push(CodeAction {
                title: format!("Change to '{suggestion}'"),
                kind: CodeActionKind::QuickFix,
                change: SourceChange {
                    files: vec![(
                        file.path.clone(),
                        vec![TextEdit::replace(range, suggestion)],
                    )],
                },
                fixes: Some((diagnostic.site.range, diagnostic.code)),
            });
        }
    }
    res
}

fn is_known(model: &Model, code: &str, name: &str) -> bool {
    match code {
        "unknown-zone" => {
            model.zone(name).is_some() || matches!(name.trim_end_matches(['+', '-']), "all" | "any")
        }
        "unknown-action" => classify_target(name, model).is_some(),
        "unknown-interface" => model.interface(name).is_some(),
        _ => false,
    }
}

fn known_names(model: &Model, code: &str) -> Vec<String> {
    match code {
        "unknown-zone" => model.zones.iter().map(|it| it.name.clone()).collect(),
        "unknown-action" => BUILTIN_TARGETS
            .iter()
            .filter(|it| builtin_target(it, model.family).is_some())
            .map(|it| (*it).to_owned())
            .chain(model.catalog.actions.iter().map(|it| it.name.clone()))
            .chain(model.catalog.macro_names.iter().cloned())
            .collect(),
        "unknown-interface" => model.interfaces.iter().map(|it| it.name.clone()).collect(),
        _ => Vec::new(),
    }
}

/// The known names nearest to `name`: at the smallest edit distance found, if it is at most 2
/// and less than the name's length (case differences count half), at most three.
fn closest(name: &str, candidates: &[String]) -> Vec<String> {
    let scored: Vec<(usize, &String)> = candidates
        .iter()
        .filter(|it| it.as_str() != name)
        .map(|it| {
            // Doubled, so that a difference of case alone costs 1 and any other edit 2.
            let exact = 2 * edit_distance(name, it);
            let folded = 2 * edit_distance(&name.to_ascii_lowercase(), &it.to_ascii_lowercase());
            (exact.min(folded + 1), it)
        })
        .filter(|(distance, _)| *distance <= 4 && *distance < 2 * name.chars().count())
        .collect();
    let Some(best) = scored.iter().map(|it| it.0).min() else {
        return Vec::new();
    };
    let mut res: Vec<String> = scored
        .into_iter()
        .filter(|it| it.0 == best)
        .map(|it| it.1.clone())
        .collect();
    res.sort();
    res.dedup();
    res.truncate(3);
    res
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            current[j + 1] = (previous[j] + cost)
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

/// The upgrades of 4.4 spellings on the requested lines, and the upgrade of the whole file.
fn upgrades(
    path: &Path,
    parse: &Parse,
    range: TextRange,
    already: &[CodeAction],
) -> Vec<CodeAction> {
    let edits = upgrade_edits(parse);
    if edits.is_empty() {
        return Vec::new();
    }
    let text = parse.syntax().to_string();
    let offered = |edit: &TextEdit| {
        already.iter().any(|action| {
            action.change.files.iter().any(|(_, it)| {
                it.iter()
                    .any(|other| other.range.intersect(edit.range).is_some())
            })
        })
    };
    // One action per line: an upgrade may take several edits (`/` → `(`, then `)`).
    let mut lines: Vec<(TextRange, Vec<TextEdit>)> = Vec::new();
    for edit in edits.iter().filter(|it| !offered(it)) {
        let line = line_of(&text, edit.range);
        if line.intersect(range).is_none() && !touches(line, range) {
            continue;
        }
        match lines.last_mut() {
            Some((last, group)) if *last == line => group.push(edit.clone()),
            _ => lines.push((line, vec![edit.clone()])),
        }
    }
    let mut res: Vec<CodeAction> = lines
        .into_iter()
        .map(|(line, group)| {
            let before = text
                .get(usize::from(line.start())..usize::from(line.end()))
                .unwrap_or("");
            let relative: Vec<TextEdit> = group
                .iter()
                .map(|it| TextEdit::replace(it.range - line.start(), it.new_text.clone()))
                .collect();
            let after = shorewall_syntax::format::apply_edits(before, &relative);
            CodeAction {
                title: format!("Upgrade to Shorewall 5: {}", shown(&after)),
                kind: CodeActionKind::Rewrite,
                change: SourceChange {
                    files: vec![(path.to_path_buf(), group)],
                },
                fixes: None,
            }
        })
        .collect();
    res.push(CodeAction {
        title: "Upgrade this file to Shorewall 5 spellings".to_owned(),
        kind: CodeActionKind::Source,
        change: SourceChange {
            files: vec![(path.to_path_buf(), edits)],
        },
        fixes: None,
    });
    res
}

/// The line around `range` (without its newline).
fn line_of(text: &str, range: TextRange) -> TextRange {
    let start = usize::from(range.start());
    let line_start = text
        .get(..start)
        .and_then(|it| it.rfind('\n'))
        .map_or(0, |it| it + 1);
    let line_end = text
        .get(start..)
        .and_then(|it| it.find('\n'))
        .map_or(text.len(), |it| start + it);
    TextRange::new((line_start as u32).into(), (line_end as u32).into())
}

/// A line as a title shows it: blanks collapsed, at most 60 characters.
fn shown(line: &str) -> String {
    let collapsed = line.split_whitespace().collect::<Vec<_>>().join(" ");
    match collapsed.char_indices().nth(60) {
        Some((idx, _)) => format!("{}…", &collapsed[..idx]),
        None => collapsed,
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};
    use shorewall_syntax::format::apply_edits;

    use crate::ide::fixture::Fixture;

    #[track_caller]
    fn check(fixture: &str, expect: Expect) {
        let fixture = Fixture::parse(fixture);
        let analysis = fixture.analysis();
        let mut res = String::new();
        for action in analysis.code_actions(&fixture.range()) {
            res.push_str(&format!("{:?}: {}\n", action.kind, action.title));
            if let Some((range, code)) = action.fixes {
                res.push_str(&format!("  fixes {code} at {range:?}\n"));
            }
            for (path, edits) in &action.change.files {
                let after = apply_edits(&fixture.text(path), edits);
                for line in after.lines() {
                    res.push_str(&format!("  | {line}\n"));
                }
            }
        }
        expect.assert_eq(&res);
    }

    const ZONES: &str =
        "#- zones\nfw firewall\nnet ipv6\nloc ipv6\n#- interfaces\n?FORMAT 2\nnet eth0\n";

    #[test]
    fn did_you_mean() {
        check(
            &format!("{ZONES}#- rules\nACCEPT nte$0 $FW\n"),
            expect![[r#"
                QuickFix: Change to 'net'
                  fixes unknown-zone at 7..10
                  | ACCEPT net $FW
            "#]],
        );
        // Below other lines, after a section: the fix lands where the name is.
        check(
            &format!(
                "{ZONES}#- rules\n?SECTION NEW\nACCEPT net $FW\nDROP loc nte$0\nACCEPT loc $FW\n"
            ),
            expect![[r#"
                QuickFix: Change to 'net'
                  fixes unknown-zone at 37..40
                  | ?SECTION NEW
                  | ACCEPT net $FW
                  | DROP loc net
                  | ACCEPT loc $FW
            "#]],
        );
        check(
            &format!("{ZONES}#- rules\nACEPT$0 net $FW\n"),
            expect![[r#"
                QuickFix: Change to 'ACCEPT'
                  fixes unknown-action at 0..5
                  | ACCEPT net $FW
            "#]],
        );
        check(
            &format!("{ZONES}#- rules\nACCEPT net:eht0$0 $FW\n"),
            expect![[r#"
                QuickFix: Change to 'eth0'
                  fixes unknown-interface at 11..15
                  | ACCEPT net:eth0 $FW
            "#]],
        );
    }

    #[test]
    fn upgrades_of_44_spellings() {
        check(
            &format!("{ZONES}#- rules\nSECTION NEW\nFTP/ACCEPT$0 net $FW\n"),
            expect![[r#"
                Rewrite: Upgrade to Shorewall 5: FTP(ACCEPT) net $FW
                  | SECTION NEW
                  | FTP(ACCEPT) net $FW
                Source: Upgrade this file to Shorewall 5 spellings
                  | ?SECTION NEW
                  | FTP(ACCEPT) net $FW
            "#]],
        );
        check(
            &format!("{ZONES}#- rules\nSECTION$0 NEW\nACCEPT net $FW\n"),
            expect![[r#"
                QuickFix: Replace 'SECTION' with '?SECTION'
                  fixes old-spelling at 0..7
                  | ?SECTION NEW
                  | ACCEPT net $FW
                Source: Upgrade this file to Shorewall 5 spellings
                  | ?SECTION NEW
                  | ACCEPT net $FW
            "#]],
        );
    }
}
