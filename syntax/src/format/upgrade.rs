//! `--upgrade`: Shorewall 4.4 spellings that 5.2.8 rejects or deprecates, rewritten to their
//! 5.2 forms, as `shorewall update` does:
//! - `SECTION NEW` → `?SECTION NEW`, `COMMENT text` → `?COMMENT text`, `FORMAT 2` →
//!   `?FORMAT 2` (5.2.8 reads the old spellings as an action or a zone and fails);
//! - `Macro/TARGET` → `Macro(TARGET)` in the ACTION column (both forms still compile, to the
//!   same rules: Shorewall splits the action at the first `/` or at the parentheses alike).
//!
//! A line with a syntax error, or one continued with `\`, is left alone: a continued directive
//! is read differently once it has a `?` (Shorewall joins continuation lines of `SECTION` but
//! not of `?COMMENT` or `?FORMAT`).

use crate::{ast, ast::AstNode, Parse, SyntaxKind, SyntaxNode, TextRange};

use super::TextEdit;

/// The edits that upgrade 4.4 spellings in `parse`, in order. Each edit stays inside its line.
pub fn upgrade_edits(parse: &Parse) -> Vec<TextEdit> {
    let root = parse.syntax();
    let has_error = |node: &SyntaxNode| {
        let range = node.text_range();
        parse
            .errors()
            .iter()
            .any(|it| it.range.intersect(range).is_some())
    };
    let continued = |node: &SyntaxNode| {
        node.descendants()
            .any(|it| it.kind() == SyntaxKind::LINE_CONTINUATION)
    };
    let rule_columns = parse.file_type().kind.has_rule_columns();
    let mut edits = Vec::new();
    for node in root.children() {
        if has_error(&node) || continued(&node) {
            continue;
        }
        match node.kind() {
            SyntaxKind::DIRECTIVE => edits.extend(directive(&node)),
            SyntaxKind::RECORD if rule_columns => edits.extend(macro_target(&node)),
            _ => {}
        }
    }
    edits
}

/// `SECTION`, `COMMENT`, `FORMAT` without `?`: insert the `?`.
fn directive(node: &SyntaxNode) -> Option<TextEdit> {
    let directive = ast::Directive::cast(node.clone())?;
    let name = directive.name_token()?;
    let old =
        name.kind() == SyntaxKind::WORD && matches!(name.text(), "SECTION" | "COMMENT" | "FORMAT");
    old.then(|| TextEdit::replace(TextRange::empty(name.text_range().start()), "?"))
}

/// `Macro/TARGET[:level]` in the first column: `Macro(TARGET)[:level]`.
fn macro_target(record: &SyntaxNode) -> Vec<TextEdit> {
    let Some(record) = ast::Record::cast(record.clone()) else {
        return Vec::new();
    };
    let Some(spec) = record.columns().next().and_then(|it| it.action_spec()) else {
        return Vec::new();
    };
    let Some(target) = spec.macro_target() else {
        return Vec::new();
    };
    if spec.params().is_some() || spec.name().is_none() {
        return Vec::new();
    }
    let Some(slash) = target
        .syntax()
        .first_token()
        .filter(|it| it.kind() == SyntaxKind::SLASH)
    else {
        return Vec::new();
    };
    let end = target.syntax().text_range().end();
    if target.syntax().text_range().len() <= slash.text_range().len() {
        return Vec::new();
    }
    vec![
        TextEdit::replace(slash.text_range(), "("),
        TextEdit::replace(TextRange::empty(end), ")"),
    ]
}
