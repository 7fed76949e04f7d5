//! The grammar: one entry point that reads a file line by line and dispatches on the kind of
//! line. A logical line is the unit of recovery: whatever a line holds, the next line starts
//! fresh.

mod action;
mod assignment;
mod column;
mod directive;
mod host;
mod matches;
mod record;

pub(crate) use record::Tails;

use crate::{
    parser::{is_line_directive, Parser, EOF},
    FileKind,
    SyntaxKind::{self, *},
};

pub(crate) fn source_file(p: &mut Parser<'_>) {
    p.start_node(SOURCE_FILE);
    while p.pos() < p.limit() {
        line(p);
        // The newline that ends the line sits at the top level, between lines.
        if p.token_kind(p.pos()) == NEWLINE {
            p.bump_raw_until(p.pos() + 1);
        }
    }
    p.finish_node();
}

/// What a physical line starts with, after its indentation.
fn first_token(p: &Parser<'_>) -> (usize, SyntaxKind) {
    let mut idx = p.pos();
    if p.token_kind(idx) == WHITESPACE {
        idx += 1;
    }
    (idx, p.token_kind(idx))
}

fn line(p: &mut Parser<'_>) {
    let (first, kind) = first_token(p);
    if matches!(kind, NEWLINE | COMMENT | EOF) {
        // A blank or comment-only line: its tokens sit at the top level.
        let end = p.physical_line_end();
        p.bump_raw_until(end);
        return;
    }
    match p.file_type.kind {
        FileKind::Params => assignment::params_line(p),
        FileKind::Conf | FileKind::KeyValue => assignment::conf_line(p),
        _ => column_file_line(p, first, kind),
    }
}

fn column_file_line(p: &mut Parser<'_>, first: usize, kind: SyntaxKind) {
    let text = p.token_text(first);
    let file = p.file_type.kind;
    if kind == DIRECTIVE_NAME {
        let name = text.trim_start_matches('?').to_ascii_uppercase();
        if is_embedded_start(p, first) {
            directive::embedded_block(p);
        } else if is_line_directive(text) {
            directive::line_directive(p);
        } else if name == "SECTION" || name == "INCLUDE" {
            directive::logical_directive(p);
        } else {
            directive::line_directive(p);
        }
        return;
    }
    if kind == WORD {
        if is_embedded_start(p, first) {
            directive::embedded_block(p);
            return;
        }
        let old_directive = match text {
            "INCLUDE" => true,
            "SECTION" => matches!(
                file,
                FileKind::Rules | FileKind::BlRules | FileKind::Accounting
            ),
            "COMMENT" => !matches!(
                file,
                FileKind::Zones | FileKind::Interfaces | FileKind::Hosts | FileKind::Policy
            ),
            "FORMAT" => matches!(
                file,
                FileKind::Interfaces
                    | FileKind::Macro
                    | FileKind::Action
                    | FileKind::Conntrack
                    | FileKind::Snat
                    | FileKind::TcPri
            ),
            "DEFAULTS" => matches!(file, FileKind::Action | FileKind::Macro),
            "DEFAULT" => file == FileKind::Macro,
            _ => false,
        };
        // A word alone in its column: `COMMENT` must be followed by white space or end the line.
        if old_directive && !matches!(p.token_kind(first + 1), WORD | COLON | L_PAREN | SLASH) {
            directive::logical_directive(p);
            return;
        }
    }
    record::record(p);
}

/// `?BEGIN PERL`, `BEGIN SHELL`, `PERL ...`, `?PERL ...`, `SHELL ...`: Shorewall's embedded code
/// (`Config.pm read_a_line`).
fn is_embedded_start(p: &Parser<'_>, first: usize) -> bool {
    let text = p.token_text(first);
    let word = text.trim_start_matches('?');
    let next_is = |name: &str| {
        p.token_kind(first + 1) == WHITESPACE
            && p.token_kind(first + 2) == WORD
            && p.token_text(first + 2)
                .trim_end_matches(';')
                .eq_ignore_ascii_case(name)
    };
    if word.eq_ignore_ascii_case("BEGIN") {
        next_is("PERL") || next_is("SHELL")
    } else if word.eq_ignore_ascii_case("PERL") {
        true
    } else if text.starts_with('?') {
        word.eq_ignore_ascii_case("SHELL")
    } else {
        // `SHELL` without `?` is upper case and needs something after it: `^\s*SHELL\s+`.
        word == "SHELL" && p.token_kind(first + 1) == WHITESPACE
    }
}
