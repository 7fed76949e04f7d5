//! `NAME=value` lines: `params` (shell, of which we only read plain assignments) and
//! `shorewall6.conf`.

use crate::{
    parser::Parser,
    SyntaxKind::{self, *},
};

use super::directive;

/// A line of `params`: `[export] NAME=value [# comment]`, `INCLUDE file`, or any other shell,
/// kept whole as a `SHELL_LINE` that we never run. The only error is a quote that is never
/// closed, which makes the shell that Shorewall runs on `params` fail.
pub(super) fn params_line(p: &mut Parser<'_>) {
    let end = p.logical_line_end();
    p.with_limit(end, |p| {
        if let Some(idx) = p.sig().find(|&idx| p.token_kind(idx) == ERROR_TOKEN) {
            let range = p.token_range(idx);
            p.error("unterminated quoted string", range);
        }
        let sig = p.significant_indices();
        let kinds: Vec<SyntaxKind> = sig.iter().map(|&idx| p.token_kind(idx)).collect();
        let texts: Vec<&str> = sig.iter().map(|&idx| p.token_text(idx)).collect();
        let mut i = usize::from(kinds.first() == Some(&WHITESPACE));
        if texts.get(i) == Some(&"INCLUDE") || texts.get(i) == Some(&"?INCLUDE") {
            directive::logical_directive(p);
            return;
        }
        if texts.get(i) == Some(&"export") && kinds.get(i + 1) == Some(&WHITESPACE) {
            i += 2;
        }
        let is_assignment = kinds.get(i) == Some(&WORD)
            && is_name(texts[i])
            && kinds.get(i + 1) == Some(&EQ)
            && value_is_simple(&kinds[i + 2..]);
        if is_assignment {
            assignment(p, sig[i]);
        } else {
            p.start_node(SHELL_LINE);
            p.bump_rest();
            p.finish_node();
        }
    });
}

/// A value we can evaluate without a shell: words, quoted strings and `$NAME` references,
/// followed by nothing but whitespace and a comment. Anything else (command substitution,
/// `;`, pipes) makes the line shell.
fn value_is_simple(kinds: &[SyntaxKind]) -> bool {
    let value_len = kinds
        .iter()
        .position(|it| matches!(it, WHITESPACE | COMMENT))
        .unwrap_or(kinds.len());
    let value_ok = kinds[..value_len]
        .iter()
        .all(|it| matches!(it, WORD | STRING | DOLLAR_REF | EQ));
    let rest = &kinds[value_len..];
    let rest_ok = matches!(rest, [] | [WHITESPACE] | [COMMENT] | [WHITESPACE, COMMENT]);
    // A `$` followed by `(` lexes as a lone `$`: that is command substitution.
    value_ok && rest_ok
}

fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|it| it.is_ascii_alphabetic() || it == '_')
        && chars.all(|it| it.is_ascii_alphanumeric() || it == '_')
}

/// `NAME=value`: the name token is at index `name_idx`.
fn assignment(p: &mut Parser<'_>, name_idx: usize) {
    p.start_node(ASSIGNMENT);
    p.bump_until(name_idx);
    p.start_node(ASSIGNMENT_NAME);
    p.bump();
    p.finish_node();
    p.bump();
    let value_end = p
        .significant_indices()
        .into_iter()
        .find(|&idx| matches!(p.token_kind(idx), WHITESPACE | COMMENT))
        .unwrap_or(p.limit());
    p.start_node(ASSIGNMENT_VALUE);
    p.with_limit(value_end, |p| p.bump_rest());
    p.finish_node();
    p.bump_rest();
    p.finish_node();
}

/// A line of `shorewall6.conf`: `NAME=value`, where the value runs to a `#` comment
/// (`Config.pm process_shorewall_conf`: `^\s*([a-zA-Z]\w*)=(.*)$`). `INCLUDE` is not read
/// there, and compiler directives (`?IF`, ...) are.
pub(super) fn conf_line(p: &mut Parser<'_>) {
    let end = p.logical_line_end();
    p.with_limit(end, |p| {
        let sig = p.significant_indices();
        let kinds: Vec<SyntaxKind> = sig.iter().map(|&idx| p.token_kind(idx)).collect();
        let i = usize::from(kinds.first() == Some(&WHITESPACE));
        let first = sig.get(i).map_or("", |&idx| p.token_text(idx));
        if kinds.get(i) == Some(&DIRECTIVE_NAME) {
            directive::line_directive(p);
            return;
        }
        let is_setting = kinds.get(i) == Some(&WORD)
            && first.starts_with(|c: char| c.is_ascii_alphabetic())
            && is_name(first)
            && kinds.get(i + 1) == Some(&EQ);
        if !is_setting {
            p.start_node(ERROR);
            let range = p.tokens_range(p.pos(), p.limit());
            p.error("unrecognized entry: expected NAME=value", range);
            p.bump_rest();
            p.finish_node();
            return;
        }
        p.start_node(ASSIGNMENT);
        p.bump_until(sig[i]);
        p.start_node(ASSIGNMENT_NAME);
        p.bump();
        p.finish_node();
        p.bump();
        // The value: everything up to the comment, without trailing white space.
        let mut value: Vec<usize> = p
            .sig()
            .take_while(|&idx| p.token_kind(idx) != COMMENT)
            .collect();
        while value
            .last()
            .is_some_and(|&idx| p.token_kind(idx) == WHITESPACE)
        {
            value.pop();
        }
        for &idx in &value {
            if !crate::validation::is_printable(p.token_text(idx)) {
                let range = p.token_range(idx);
                p.error("non-ASCII or control character in a setting", range);
            }
        }
        let value_end = value.last().map_or(p.pos(), |&idx| idx + 1);
        p.start_node(ASSIGNMENT_VALUE);
        p.with_limit(value_end, |p| p.bump_rest());
        p.finish_node();
        p.bump_rest();
        p.finish_node();
    });
}
