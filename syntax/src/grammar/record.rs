//! A record: one logical line of whitespace-separated columns, with the alternate forms
//! Shorewall accepts at its end (`{ name=value ... }`, `; name=value ...`, `;; raw matches`)
//! and a trailing comment. This follows `Config.pm split_line2`: `;;` is split off first, then a
//! single `;`, then a final `{...}`; pairs are separated by white space (with an optional comma
//! before it), so `{proto=tcp,dport=22}` is one pair whose value is `tcp,dport=22`.

use crate::{file_kind::ColumnSpec, parser::Parser, validation, SyntaxKind::*};

use super::column;

pub(super) fn record(p: &mut Parser<'_>) {
    let end = p.logical_line_end();
    p.with_limit(end, |p| {
        p.start_node(RECORD);
        p.eat(WHITESPACE);
        let columns = p.file_type.columns(p.format);
        let tails = Tails::find(p);
        validation::record_characters(p, &tails);
        let nat = column::nat_kind(p);
        let mut count = 0;
        let mut extra_start = None;
        p.with_limit(tails.columns_end, |p| {
            while !p.at_end() {
                if p.eat(WHITESPACE) {
                    continue;
                }
                let column_end = column_end(p);
                let spec = columns.get(count);
                if spec.is_none() && extra_start.is_none() {
                    extra_start = p.sig().next();
                }
                p.with_limit(column_end, |p| column::column(p, spec, nat));
                count += 1;
            }
        });
        if let Some(start) = extra_start {
            validation::too_many_columns(p, start, tails.columns_end, count, columns.len());
        }
        record_tail(p, columns, &tails);
        p.finish_node();
    });
}

/// The end of the current column: the next whitespace outside parentheses (Shorewall's
/// `split_columns` keeps `IP6TABLES(x y)` in one column), or the end of the limit. Unbalanced
/// parentheses are reported, as Shorewall refuses them.
fn column_end(p: &mut Parser<'_>) -> usize {
    let mut depth = 0usize;
    let mut open = None;
    let mut unopened = Vec::new();
    let mut end = p.limit();
    for idx in p.sig() {
        match p.token_kind(idx) {
            L_PAREN => {
                depth += 1;
                open = open.or(Some(idx));
            }
            R_PAREN if depth == 0 => unopened.push(idx),
            R_PAREN => depth -= 1,
            WHITESPACE if depth == 0 => {
                end = idx;
                break;
            }
            _ => {}
        }
    }
    for idx in unopened {
        let range = p.token_range(idx);
        p.error("mismatched parentheses: ')' without '('", range);
    }
    if let Some(open) = open.filter(|_| depth > 0) {
        let range = p.token_range(open);
        p.error("mismatched parentheses: '(' is not closed", range);
    }
    end
}

/// Where the parts of a record are, as token indices: the columns end where the first tail
/// starts; each tail that is present starts at its marker.
pub(crate) struct Tails {
    /// The end of the columns (and of the text the character checks apply to).
    pub(crate) columns_end: usize,
    /// `;` (or `;;` where raw matches are not allowed) that starts `name=value` pairs.
    pub(crate) semi: Option<usize>,
    /// `{` of a final `{ name=value ... }` block.
    pub(crate) curly: Option<usize>,
    /// `;;` that starts raw matches.
    pub(crate) raw: Option<usize>,
    /// The end of the text before the comment (the pairs and raw matches end there).
    pub(crate) content_end: usize,
}

impl Tails {
    fn find(p: &Parser<'_>) -> Tails {
        let sig = p.sig_list();
        let kind = |i: usize| p.token_kind(sig.at(i));
        let at = |i: usize| if i < sig.len() { sig.at(i) } else { p.limit() };
        // The trailing comment is always last; whitespace before it belongs to no tail.
        let mut content = sig.len();
        if content > 0 && kind(content - 1) == COMMENT {
            content -= 1;
        }
        let trim = |mut end: usize| {
            while end > 0 && kind(end - 1) == WHITESPACE {
                end -= 1;
            }
            end
        };
        content = trim(content);
        let raw_allowed = p.file_type.kind.allows_raw_matches();
        let mut raw = None;
        let mut semi = None;
        for i in 0..content {
            match kind(i) {
                DOUBLE_SEMI if raw_allowed => {
                    raw = Some(i);
                    break;
                }
                SEMI | DOUBLE_SEMI if semi.is_none() => semi = Some(i),
                _ => {}
            }
        }
        let cols = trim(raw.unwrap_or(content));
        let curly = match semi {
            Some(_) => None,
            None if cols > 0 && kind(cols - 1) == R_CURLY => {
                // `^(\s*|.*[^&@%])\{(.*)\}$`: the last `{` not after `&`, `@` or `%`.
                (0..cols - 1).rev().find(|&i| {
                    kind(i) == L_CURLY
                        && (i == 0
                            || !(kind(i - 1) == AMP
                                || p.token_text(sig.at(i - 1)).ends_with(['@', '%'])))
                })
            }
            None => None,
        };
        let columns_end = match semi.or(curly) {
            Some(i) => at(trim(i)),
            None => at(cols),
        };
        Tails {
            columns_end,
            semi: semi.map(at),
            curly: curly.map(at),
            raw: raw.map(at),
            content_end: at(content),
        }
    }
}

fn record_tail(p: &mut Parser<'_>, columns: &'static [ColumnSpec], tails: &Tails) {
    let raw_start = tails.raw.unwrap_or(tails.content_end);
    if let Some(semi) = tails.semi {
        p.bump_until(semi);
        pair_tail(p, columns, raw_start);
    } else if let Some(curly) = tails.curly {
        p.bump_until(curly);
        pair_block(p, columns, raw_start);
    }
    if let Some(raw) = tails.raw {
        p.bump_until(raw);
        raw_matches(p, tails.content_end);
    }
    // What is left is white space and the comment.
    p.bump_rest();
}

/// `;; -m foo --bar`: ip6tables matches passed through as they are, up to a trailing comment.
fn raw_matches(p: &mut Parser<'_>, end: usize) {
    p.start_node(RAW_MATCHES);
    p.bump();
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

/// `; proto=tcp dport=22`.
fn pair_tail(p: &mut Parser<'_>, columns: &'static [ColumnSpec], end: usize) {
    p.start_node(PAIR_TAIL);
    p.bump();
    p.with_limit(end, |p| pairs(p, columns));
    p.finish_node();
}

/// `{ proto=tcp, dport=22 }`.
fn pair_block(p: &mut Parser<'_>, columns: &'static [ColumnSpec], end: usize) {
    p.start_node(PAIR_BLOCK);
    p.bump();
    let close = p.with_limit(end, |p| p.sig().last()).unwrap_or(end);
    p.with_limit(close, |p| pairs(p, columns));
    p.with_limit(end, |p| {
        p.eat(R_CURLY);
    });
    p.finish_node();
}

fn pairs(p: &mut Parser<'_>, columns: &'static [ColumnSpec]) {
    loop {
        while p.at(WHITESPACE) || p.at(COMMA) {
            p.bump();
        }
        if p.at_end() {
            break;
        }
        if p.at(SEMI) || p.at(DOUBLE_SEMI) {
            p.error_here("only one semicolon (';') is allowed on a line");
            p.bump();
            continue;
        }
        pair(p, columns);
    }
}

/// `name=value`, `name=>value` or `name:value` (`^(\w+)(?:=>?|:)(.+)$`), up to white space
/// (optionally after a comma); the value is parsed as the column it names.
fn pair(p: &mut Parser<'_>, columns: &'static [ColumnSpec]) {
    p.start_node(PAIR);
    // The pair runs to white space outside quotes (a quoted value is one STRING token), minus
    // a comma just before that white space.
    let mut end = p.find(WHITESPACE);
    if end > p.pos() && p.token_kind(end - 1) == COMMA {
        end -= 1;
    }
    p.with_limit(end, |p| {
        let name = p.current_text().to_ascii_lowercase();
        let has_name = p.at(WORD) && is_word_name(&name) && matches!(p.nth(1), EQ | COLON) && {
            let value_at = if p.nth(1) == EQ && p.nth(2) == R_ANGLE {
                3
            } else {
                2
            };
            p.nth(value_at) != crate::parser::EOF
        };
        if has_name {
            p.bump();
            let eq = p.at(EQ);
            p.bump();
            if eq {
                p.eat(R_ANGLE);
            }
            let spec = columns.iter().find(|it| it.keys.contains(&name.as_str()));
            column::column(p, spec, super::host::Nat::None);
        } else {
            let range = p.tokens_range(p.pos(), p.limit());
            p.error("invalid column/value pair: expected name=value", range);
            p.bump_rest();
        }
    });
    p.finish_node();
}

/// `\w+`.
fn is_word_name(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}
