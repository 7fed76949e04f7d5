//! Directive lines: `?SECTION`, `?IF`/`?ELSIF`/`?ELSE`/`?ENDIF`, `?SET`, `?RESET`, `?FORMAT`,
//! `?COMMENT`, `?REQUIRE`, `?ERROR`/`?WARNING`/`?INFO`, `INCLUDE`, `DEFAULTS`, their 4.4 spellings
//! without `?`, and embedded Perl or shell blocks, which are kept whole and opaque.
//!
//! The checks here are the ones `Config.pm process_compiler_directive` makes whatever the
//! context: a directive it does not know, `?IF` without an expression, `?ELSE` or `?ENDIF` with
//! one, and `?IF` nesting (in `Parser::conditional`).

use crate::{
    parser::{Conditional, Parser},
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
    directive_body(p, end);
}

fn directive_body(p: &mut Parser<'_>, end: usize) {
    p.with_limit(end, |p| {
        p.start_node(DIRECTIVE);
        p.eat(WHITESPACE);
        let name_idx = p.sig().next().unwrap_or(p.limit());
        let is_question = p.at(DIRECTIVE_NAME);
        let name = p
            .current_text()
            .trim_start_matches('?')
            .to_ascii_uppercase();
        p.bump();
        // The argument: everything up to the comment, without surrounding white space.
        let arg: Vec<usize> = p
            .sig()
            .filter(|&idx| !matches!(p.token_kind(idx), WHITESPACE | COMMENT))
            .collect();
        let has_arg = !arg.is_empty();
        let separated = p.at(WHITESPACE) || p.at_end() || p.at(COMMENT);
        let name_range = p.token_range(name_idx);
        if is_question {
            check(p, &name, has_arg, separated, name_range);
        }
        match name.as_str() {
            "FORMAT" => format_argument(p),
            "IF" => p.conditional(Conditional::If, name_range),
            "ELSIF" => p.conditional(Conditional::Elsif, name_range),
            "ELSE" => p.conditional(Conditional::Else, name_range),
            "ENDIF" => p.conditional(Conditional::Endif, name_range),
            _ => {}
        }
        p.bump_rest();
        p.finish_node();
    });
}

/// The names `?NAME` may have, with whether they take an argument (`Some(true)`: required,
/// `Some(false)`: refused, `None`: either).
fn arity(name: &str) -> Option<Option<bool>> {
    Some(match name {
        "IF" | "ELSIF" | "SET" | "RESET" | "FORMAT" | "ERROR" | "WARNING" | "INFO" | "WARNING!"
        | "INFO!" | "REQUIRE" | "SECTION" | "INCLUDE" => Some(true),
        "ELSE" | "ENDIF" => Some(false),
        "COMMENT" => None,
        _ => return None,
    })
}

fn check(p: &mut Parser<'_>, name: &str, has_arg: bool, separated: bool, range: rowan::TextRange) {
    match arity(name) {
        // Shorewall reads an unknown `?NAME` line as a record, which fails when it is read;
        // inside `?IF` it may be a branch that is never read (as in 5.2.8's action.BLACKLIST).
        None if p.in_conditional() => {}
        None => p.error(format!("unknown compiler directive ?{name}"), range),
        Some(_) if !separated => p.error(
            format!("invalid compiler directive: ?{name} must be followed by white space"),
            range,
        ),
        Some(Some(true)) if !has_arg => {
            let what = match name {
                "IF" | "ELSIF" => "an expression",
                "SET" => "a variable and an expression",
                "RESET" => "a variable",
                "FORMAT" => "a format number",
                "SECTION" => "a section name",
                "INCLUDE" => "a file name",
                "REQUIRE" => "a capability",
                _ => "a message",
            };
            p.error(format!("?{name} needs {what}"), range);
        }
        Some(Some(false)) if has_arg => {
            p.error(format!("?{name} takes no argument"), range);
        }
        _ => {}
    }
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
    let first = p.logical_line_end();
    let begins = {
        let mut words = (p.pos()..first)
            .filter(|&idx| !matches!(p.token_kind(idx), WHITESPACE))
            .map(|idx| p.token_text(idx));
        words
            .next()
            .is_some_and(|it| it.trim_start_matches('?').eq_ignore_ascii_case("BEGIN"))
    };
    let start = p.pos();
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
            let range = p.tokens_range(start, first);
            p.error(
                "missing END PERL or END SHELL for this embedded block",
                range,
            );
        }
    }
    p.finish_node();
}

/// `END`, `?END`, `END PERL`, `?END SHELL;` ... (`^\s*\??END(\s+PERL)?`).
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
