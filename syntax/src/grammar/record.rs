//! A record: one logical line of whitespace-separated columns, with the alternate forms
//! Shorewall accepts at its end (`{ name=value, ... }`, `; name=value, ...`, `;; raw matches`)
//! and a trailing comment.

use crate::{
    file_kind::ColumnSpec,
    parser::Parser,
    SyntaxKind::{self, *},
};

use super::column;

pub(super) fn record(p: &mut Parser<'_>) {
    let end = p.logical_line_end();
    p.with_limit(end, |p| {
        p.start_node(RECORD);
        p.eat(WHITESPACE);
        let columns = p.file_type.kind.columns(p.format);
        let tail = tail_start(p);
        let action = p.current_text().to_owned();
        let mut col_idx = 0;
        p.with_limit(tail, |p| {
            while !p.at_end() {
                if p.eat(WHITESPACE) {
                    continue;
                }
                let column_end = column_end(p);
                let spec = columns.get(col_idx);
                p.with_limit(column_end, |p| column::column(p, spec, &action));
                col_idx += 1;
            }
        });
        record_tail(p, columns);
        p.finish_node();
    });
}

/// The end of the current column: the next whitespace outside parentheses (Shorewall's
/// `split_columns` keeps `IP6TABLES(x y)` in one column), or the end of the limit.
fn column_end(p: &Parser<'_>) -> usize {
    let mut depth = 0usize;
    for idx in p.significant_indices() {
        match p.token_kind(idx) {
            L_PAREN => depth += 1,
            R_PAREN => depth = depth.saturating_sub(1),
            WHITESPACE if depth == 0 => return idx,
            _ => {}
        }
    }
    p.limit()
}

/// Where the columns end: at `;;` (raw matches), `;` (pairs), a final `{...}` block, or the
/// trailing comment.
fn tail_start(p: &Parser<'_>) -> usize {
    let sig = p.significant_indices();
    let kinds: Vec<SyntaxKind> = sig.iter().map(|&idx| p.token_kind(idx)).collect();
    // The trailing comment is always last; whitespace before it belongs to the tail.
    let mut content_end = sig.len();
    if kinds.last() == Some(&COMMENT) {
        content_end -= 1;
    }
    while content_end > 0 && kinds[content_end - 1] == WHITESPACE {
        content_end -= 1;
    }
    let raw_allowed = p.file_type.kind.allows_raw_matches();
    for (i, kind) in kinds[..content_end].iter().enumerate() {
        match kind {
            DOUBLE_SEMI if raw_allowed => return trim_ws_before(p, &sig, i),
            SEMI | DOUBLE_SEMI => return trim_ws_before(p, &sig, i),
            _ => {}
        }
    }
    if content_end > 0 && kinds[content_end - 1] == R_CURLY {
        // Shorewall's `^(\s*|.*[^&@%])\{(.*)\}$`: the last `{` not after `&`, `@` or `%`.
        for i in (0..content_end - 1).rev() {
            if kinds[i] != L_CURLY {
                continue;
            }
            let after_marker = i > 0 && {
                let prev = p.token_text(sig[i - 1]);
                prev.ends_with(['@', '%']) || kinds[i - 1] == AMP
            };
            if !after_marker {
                return trim_ws_before(p, &sig, i);
            }
        }
    }
    match sig.get(content_end) {
        Some(&idx) => idx,
        None => p.limit(),
    }
}

fn trim_ws_before(p: &Parser<'_>, sig: &[usize], mut i: usize) -> usize {
    while i > 0 && p.token_kind(sig[i - 1]) == WHITESPACE {
        i -= 1;
    }
    sig[i]
}

fn record_tail(p: &mut Parser<'_>, columns: &'static [ColumnSpec]) {
    while !p.at_end() {
        match p.current() {
            WHITESPACE | COMMENT => p.bump(),
            DOUBLE_SEMI if p.file_type.kind.allows_raw_matches() => raw_matches(p),
            SEMI | DOUBLE_SEMI => pair_tail(p, columns),
            L_CURLY => pair_block(p, columns),
            _ => p.err_rest("unexpected text after the columns"),
        }
    }
}

/// `;; -m foo --bar`: ip6tables matches passed through as they are, up to a trailing comment.
fn raw_matches(p: &mut Parser<'_>) {
    p.start_node(RAW_MATCHES);
    p.bump();
    let end = comment_start(p);
    p.with_limit(end, |p| {
        while !p.at_end() {
            if p.at(DOUBLE_SEMI) {
                p.error_here("only one set of double semicolons (';;') is allowed on a line");
            }
            p.bump();
        }
    });
    p.finish_node();
}

/// `; proto=tcp, dport=22`.
fn pair_tail(p: &mut Parser<'_>, columns: &'static [ColumnSpec]) {
    p.start_node(PAIR_TAIL);
    p.bump();
    let end = comment_start(p);
    p.with_limit(end, |p| pairs(p, columns, None));
    p.finish_node();
}

/// `{ proto=tcp, dport=22 }`.
fn pair_block(p: &mut Parser<'_>, columns: &'static [ColumnSpec]) {
    p.start_node(PAIR_BLOCK);
    p.bump();
    let end = comment_start(p);
    p.with_limit(end, |p| pairs(p, columns, Some(R_CURLY)));
    if !p.eat(R_CURLY) {
        p.error_here("missing '}'");
    }
    p.finish_node();
}

/// The index of the trailing comment (or the limit): tails stop there.
fn comment_start(p: &Parser<'_>) -> usize {
    let sig = p.significant_indices();
    match sig.last() {
        Some(&idx) if p.token_kind(idx) == COMMENT => {
            let mut i = sig.len() - 1;
            while i > 0 && p.token_kind(sig[i - 1]) == WHITESPACE {
                i -= 1;
            }
            sig[i]
        }
        _ => p.limit(),
    }
}

fn pairs(p: &mut Parser<'_>, columns: &'static [ColumnSpec], close: Option<SyntaxKind>) {
    loop {
        while p.at(WHITESPACE) || p.at(COMMA) {
            p.bump();
        }
        if p.at_end() || close.is_some_and(|it| p.at(it)) {
            break;
        }
        pair(p, columns, close);
    }
}

/// `name=value`, `name=>value` or `name:value`; the value is parsed as the column it names.
fn pair(p: &mut Parser<'_>, columns: &'static [ColumnSpec], close: Option<SyntaxKind>) {
    p.start_node(PAIR);
    let name = p.current_text().to_ascii_lowercase();
    let has_name = p.at(WORD) && matches!(p.nth(1), EQ | COLON);
    if has_name {
        p.bump();
        p.bump();
        p.eat(R_ANGLE);
    }
    // The value runs to the next comma outside brackets.
    let mut depth = 0usize;
    let mut end = p.limit();
    for idx in p.significant_indices() {
        match p.token_kind(idx) {
            L_PAREN | L_BRACK | L_ANGLE => depth += 1,
            R_PAREN | R_BRACK | R_ANGLE => depth = depth.saturating_sub(1),
            COMMA if depth == 0 => {
                end = idx;
                break;
            }
            kind if Some(kind) == close && depth == 0 => {
                end = idx;
                break;
            }
            _ => {}
        }
    }
    // Whitespace before the separator is not part of the value.
    let value_end = {
        let sig: Vec<usize> = p
            .significant_indices()
            .into_iter()
            .take_while(|&idx| idx < end)
            .collect();
        let mut i = sig.len();
        while i > 0 && p.token_kind(sig[i - 1]) == WHITESPACE {
            i -= 1;
        }
        sig.get(i).copied().unwrap_or(end)
    };
    if !has_name {
        let range = p.tokens_range(p.pos(), value_end);
        p.error("invalid column/value pair: expected name=value", range);
    }
    let spec = columns.iter().find(|it| it.keys.contains(&name.as_str()));
    p.with_limit(value_end, |p| {
        if has_name && !p.at_end() {
            column::column(p, spec, "");
        } else {
            p.bump_rest();
        }
    });
    p.with_limit(end, |p| p.bump_rest());
    p.finish_node();
}
