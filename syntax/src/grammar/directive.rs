//! Directive lines: `?SECTION`, `?IF`/`?ELSIF`/`?ELSE`/`?ENDIF`, `?SET`, `?RESET`, `?FORMAT`,
//! `?COMMENT`, `?REQUIRE`, `?ERROR`/`?WARNING`/`?INFO`, `INCLUDE`, `DEFAULTS`, their 4.4 spellings
//! without `?`, and embedded Perl or shell blocks, which are kept whole and opaque.

use crate::{
    parser::Parser,
    SyntaxKind::{self, *},
};

/// A directive that Shorewall reads on one physical line (`?IF`, `?COMMENT`, ...).
pub(super) fn line_directive(p: &mut Parser<'_>) {
    let end = p.physical_line_end();
    directive_body(p, end);
}

/// A directive that Shorewall reads after joining continued lines (`?SECTION`, `INCLUDE`).
pub(super) fn logical_directive(p: &mut Parser<'_>) {
    let end = p.logical_line_end();
    p.with_limit(end, |p| directive_body(p, end));
}

fn directive_body(p: &mut Parser<'_>, end: usize) {
    p.with_limit(end, |p| {
        p.start_node(DIRECTIVE);
        p.eat(WHITESPACE);
        let name = p
            .current_text()
            .trim_start_matches('?')
            .to_ascii_uppercase();
        p.bump();
        if name == "FORMAT" {
            format_argument(p);
        }
        p.bump_rest();
        p.finish_node();
    });
}

/// `?FORMAT n` changes the columns of the records that follow.
fn format_argument(p: &mut Parser<'_>) {
    if p.current() == WHITESPACE && p.nth(1) == WORD {
        if let Ok(format) = p.nth_text(1).parse::<u32>() {
            p.format = format;
        }
    }
}

/// `?BEGIN PERL` ... `?END PERL` (or SHELL): the lines up to the end marker, kept as text.
/// A one-line `PERL code` or `SHELL code` is a block of one line.
pub(super) fn embedded_block(p: &mut Parser<'_>) {
    p.start_node(EMBEDDED_BLOCK);
    let first = p.physical_line_end();
    let begins = {
        let line: String = (p.pos()..first)
            .map(|idx| p.token_text(idx))
            .collect::<String>()
            .to_ascii_uppercase();
        line.trim_start()
            .trim_start_matches('?')
            .starts_with("BEGIN")
    };
    p.bump_raw_until(first);
    if begins {
        let mut closed = false;
        while p.pos() < p.limit() {
            // The newline of the previous line, then the next line.
            p.bump_raw_until(p.pos() + 1);
            let end = p.physical_line_end();
            let is_end = is_end_marker(p, p.pos(), end);
            p.bump_raw_until(end);
            if is_end {
                closed = true;
                break;
            }
        }
        if !closed {
            let range = p.token_range(p.pos().saturating_sub(1));
            p.error(
                "missing END PERL or END SHELL for this embedded block",
                range,
            );
        }
    }
    p.finish_node();
}

fn is_end_marker(p: &Parser<'_>, start: usize, end: usize) -> bool {
    let words: Vec<(SyntaxKind, &str)> = (start..end)
        .map(|idx| (p.token_kind(idx), p.token_text(idx)))
        .filter(|(kind, _)| !matches!(kind, WHITESPACE | COMMENT))
        .collect();
    match words.first() {
        Some((WORD | DIRECTIVE_NAME, text)) => {
            text.trim_start_matches('?').eq_ignore_ascii_case("END")
        }
        _ => false,
    }
}
