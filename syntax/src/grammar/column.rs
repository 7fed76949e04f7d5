//! One column: a `-` placeholder, or a value parsed by the sub-grammar its column asks for.
//!
//! The sub-grammars give structure and never reject what Shorewall might accept: a shape they
//! do not recognise stays as plain tokens, and the semantic checks, which know the context,
//! decide whether it is an error.

use crate::{
    file_kind::{ColumnKind, ColumnSpec},
    parser::{Parser, EOF},
    SyntaxKind::*,
};

use super::{
    action,
    host::{self, Nat, Side},
    matches,
};

/// Parses the tokens up to the limit as one column of kind `spec` (plain text when the column is
/// beyond the file's known columns). `nat` says how the record's action makes its DEST read.
pub(super) fn column(p: &mut Parser<'_>, spec: Option<&ColumnSpec>, nat: Nat) {
    p.start_node(COLUMN);
    if p.at(DASH) && p.nth(1) == EOF {
        p.bump();
    } else {
        match spec.map_or(ColumnKind::Plain, |it| it.kind) {
            ColumnKind::Action => action::action_spec(p),
            ColumnKind::Policy => action::policy_spec(p),
            ColumnKind::LogLevel => action::log_level_column(p),
            ColumnKind::Host => {
                let side = match spec.map(|it| it.name) {
                    Some("DEST") => Side::Dest,
                    _ => Side::Source,
                };
                host::host_column(p, side, nat);
            }
            ColumnKind::Addresses => host::address_list(p),
            ColumnKind::InterfaceHosts => host::interface_hosts(p),
            ColumnKind::Zone => host::zone_definition(p),
            ColumnKind::ZoneOrAll => host::zone_part(p),
            ColumnKind::Interface => host::interface_column(p),
            ColumnKind::Proto => matches::proto_list(p),
            ColumnKind::Ports => matches::port_list(p),
            ColumnKind::Rate => matches::rate_list(p),
            ColumnKind::User => matches::user_list(p),
            ColumnKind::Mark => matches::mark(p),
            ColumnKind::ConnLimit => matches::connlimit(p),
            ColumnKind::Time => matches::time(p),
            ColumnKind::Headers => matches::headers(p),
            ColumnKind::Switch => matches::switch(p),
            ColumnKind::Helper => matches::helper(p),
            ColumnKind::Options => options(p),
            ColumnKind::Plain => p.bump_rest(),
        }
    }
    p.bump_rest();
    p.finish_node();
}

/// What the ACTION column (its first tokens) makes of the DEST column.
pub(super) fn nat_kind(p: &Parser<'_>) -> Nat {
    let mut sig = p.sig();
    let name = sig.next().map_or("", |idx| p.token_text(idx));
    match name {
        "DNAT" => Nat::Dnat,
        "REDIRECT" => Nat::Redirect,
        _ => Nat::None,
    }
}

/// The index of the next comma outside brackets and parentheses, or the limit.
pub(super) fn next_comma(p: &Parser<'_>) -> usize {
    let mut depth = 0usize;
    for idx in p.sig() {
        match p.token_kind(idx) {
            L_PAREN | L_BRACK | L_ANGLE => depth += 1,
            R_PAREN | R_BRACK | R_ANGLE => depth = depth.saturating_sub(1),
            COMMA if depth == 0 => return idx,
            _ => {}
        }
    }
    p.limit()
}

/// OPTIONS of zones, interfaces, hosts, ...: `name[=value]` separated by commas.
fn options(p: &mut Parser<'_>) {
    p.start_node(OPTION_LIST);
    while !p.at_end() {
        if p.eat(COMMA) {
            continue;
        }
        let end = next_comma(p);
        p.with_limit(end, |p| {
            p.start_node(OPTION);
            name_value(p, EQ);
            p.finish_node();
        });
    }
    p.finish_node();
}

/// `OPTION_NAME [sep OPTION_VALUE]` up to the limit.
pub(super) fn name_value(p: &mut Parser<'_>, sep: crate::SyntaxKind) {
    let at = p.find(sep);
    p.start_node(OPTION_NAME);
    p.with_limit(at, |p| p.bump_rest());
    p.finish_node();
    if p.eat(sep) {
        p.start_node(OPTION_VALUE);
        p.bump_rest_joined(&[WORD, COLON, DASH]);
        p.finish_node();
    }
}
