//! The checks Shorewall makes on a whole record before it looks at the columns
//! (`Config.pm split_line2` and `read_a_line`): the number of columns, quotes and backslashes,
//! and characters that are not printable ASCII. They run while the record is parsed, on its
//! tokens, so no second walk over the tree is needed. (`?IF` nesting is checked by the parser
//! as it meets the directives.)

use crate::{grammar::Tails, parser::Parser, SyntaxKind::*};

/// Quotes, backquotes and backslashes in the columns (allowed inside `IP6TABLES(...)`), single
/// quotes anywhere before the raw matches, and non-ASCII or control characters anywhere but in
/// comments.
pub(crate) fn record_characters(p: &mut Parser<'_>, tails: &Tails) {
    // Most records have nothing to report: one pass over the bytes says so.
    let start = p.token_range(p.pos()).start();
    let end = p.token_range(tails.content_end).start().max(start);
    let bytes = p.source(rowan::TextRange::new(start, end)).as_bytes();
    let suspicious = bytes.iter().any(|&b| SUSPICIOUS[usize::from(b)]);
    if !suspicious {
        return;
    }
    let mut sig = p.sig();
    let is_iptables = match (sig.next(), sig.next()) {
        (Some(name), Some(paren)) => {
            matches!(p.token_text(name), "IPTABLES" | "IP6TABLES") && p.token_kind(paren) == L_PAREN
        }
        _ => false,
    };
    let pairs_end = tails.raw.unwrap_or(tails.content_end);
    let mut errors = Vec::new();
    for idx in p.sig() {
        if idx >= tails.content_end {
            break;
        }
        let kind = p.token_kind(idx);
        let text = p.token_text(idx);
        if matches!(kind, STRING | ERROR_TOKEN | BACKSLASH | BACKTICK) {
            let single = text.starts_with('\'');
            if idx < tails.columns_end && (single || !is_iptables) {
                errors.push((
                    idx,
                    "quotes, backquotes and backslashes are not allowed in a column",
                ));
                continue;
            }
            if single && idx < pairs_end {
                errors.push((idx, "single quotes are not allowed in a record"));
                continue;
            }
        }
        if kind != COMMENT && !is_printable(text) {
            errors.push((idx, "non-ASCII or control character in a record"));
        }
    }
    for (idx, message) in errors {
        let range = p.token_range(idx);
        p.error(message, range);
    }
}

/// Printable ASCII and white space, Perl's `[\s[:print:]]` on bytes.
pub(crate) fn is_printable(text: &str) -> bool {
    text.bytes().all(is_printable_byte)
}

/// The bytes that make a record worth a closer look: quotes, backquotes, backslashes, and
/// whatever is not printable ASCII or white space.
const SUSPICIOUS: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = matches!(byte, b'"' | b'\'' | b'`' | b'\\') || !is_printable_byte(byte);
        b += 1;
    }
    table
};

const fn is_printable_byte(b: u8) -> bool {
    matches!(b, 0x20..=0x7e | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// More columns than the file has: reported over the extra columns, from token `start` to the
/// end of the columns `end`.
pub(crate) fn too_many_columns(
    p: &mut Parser<'_>,
    start: usize,
    end: usize,
    given: usize,
    max: usize,
) {
    if max == 0 {
        return;
    }
    let range = p.tokens_range(start, end);
    p.error(
        format!("too many columns: {given} given, at most {max} allowed"),
        range,
    );
}
