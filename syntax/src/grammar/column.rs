//! One column: a `-` placeholder, or a value parsed by the sub-grammar its column asks for.
//!
//! The sub-grammars give structure and never reject what Shorewall might accept: a shape they
//! do not recognise stays as plain tokens, and the semantic checks, which know the context,
//! decide whether it is an error.

use crate::{
    file_kind::{ColumnKind, ColumnSpec},
    parser::Parser,
    SyntaxKind::{self, *},
};

use super::{action, host};

/// Parses the tokens up to the limit as one column of kind `spec` (plain text when the column is
/// beyond the file's known columns). `action` is the text of the record's first column, which
/// decides how a DNAT destination reads.
pub(super) fn column(p: &mut Parser<'_>, spec: Option<&ColumnSpec>, action: &str) {
    p.start_node(COLUMN);
    if p.at(DASH) && p.nth(1) == crate::parser::EOF {
        p.bump();
    } else {
        match spec.map_or(ColumnKind::Plain, |it| it.kind) {
            ColumnKind::Action => action::action_spec(p),
            ColumnKind::Policy => action::policy_spec(p),
            ColumnKind::LogLevel => action::log_level_column(p),
            ColumnKind::Host => {
                let is_dest = spec.is_some_and(|it| it.name == "DEST");
                host::host_spec(p, is_dest && is_nat_action(action));
            }
            ColumnKind::Addresses => host::address_list(p),
            ColumnKind::InterfaceHosts => host::interface_hosts(p),
            ColumnKind::Zone => host::zone_definition(p),
            ColumnKind::ZoneOrAll => host::zone_part(p),
            ColumnKind::Interface => host::interface_column(p),
            ColumnKind::Proto => list(p, PROTO_LIST, PROTO),
            ColumnKind::Ports => ports(p),
            ColumnKind::Rate => list(p, RATE_LIST, RATE),
            ColumnKind::User => wrap(p, USER_SPEC),
            ColumnKind::Mark => wrap(p, MARK_SPEC),
            ColumnKind::ConnLimit => wrap(p, CONNLIMIT_SPEC),
            ColumnKind::Time => time(p),
            ColumnKind::Headers => wrap(p, HEADER_LIST),
            ColumnKind::Switch => wrap(p, SWITCH_SPEC),
            ColumnKind::Options => options(p),
            ColumnKind::Plain => p.bump_rest(),
        }
    }
    p.bump_rest();
    p.finish_node();
}

/// Actions whose DEST is a server (`zone:address[:port]`), not a zone with hosts.
fn is_nat_action(action: &str) -> bool {
    let name = action.trim_end_matches(['+', '-', '!']);
    let name = name.split(['(', ':']).next().unwrap_or(name);
    matches!(name, "DNAT" | "REDIRECT")
}

fn wrap(p: &mut Parser<'_>, kind: SyntaxKind) {
    p.start_node(kind);
    p.bump_rest();
    p.finish_node();
}

/// The index of the next comma outside brackets and parentheses, or the limit.
pub(super) fn next_comma(p: &Parser<'_>) -> usize {
    let mut depth = 0usize;
    for idx in p.significant_indices() {
        match p.token_kind(idx) {
            L_PAREN | L_BRACK | L_ANGLE => depth += 1,
            R_PAREN | R_BRACK | R_ANGLE => depth = depth.saturating_sub(1),
            COMMA if depth == 0 => return idx,
            _ => {}
        }
    }
    p.limit()
}

/// A comma-separated list whose items are plain token runs.
fn list(p: &mut Parser<'_>, list_kind: SyntaxKind, item_kind: SyntaxKind) {
    p.start_node(list_kind);
    while !p.at_end() {
        if p.eat(COMMA) {
            continue;
        }
        let end = next_comma(p);
        p.start_node(item_kind);
        p.with_limit(end, |p| p.bump_rest());
        p.finish_node();
    }
    p.finish_node();
}

/// DPORT, SPORT: names, numbers, ranges `a:b` and `a-b`, ICMP types `3/4`.
fn ports(p: &mut Parser<'_>) {
    p.start_node(PORT_LIST);
    p.eat(BANG);
    while !p.at_end() {
        if p.eat(COMMA) {
            continue;
        }
        let end = next_comma(p);
        p.with_limit(end, port);
    }
    p.finish_node();
}

fn port(p: &mut Parser<'_>) {
    let sig = p.significant_indices();
    let kinds: Vec<SyntaxKind> = sig.iter().map(|&idx| p.token_kind(idx)).collect();
    let is_number = |i: usize| {
        kinds.get(i) == Some(&WORD) && p.token_text(sig[i]).bytes().all(|b| b.is_ascii_digit())
    };
    let is_range = kinds.contains(&COLON)
        || (kinds.len() == 3 && kinds[1] == DASH && is_number(0) && is_number(2));
    p.start_node(if is_range { PORT_RANGE } else { PORT });
    p.bump_rest();
    p.finish_node();
}

/// TIME: `timestart=08:00&weekdays=Mon,Tue&utc`.
fn time(p: &mut Parser<'_>) {
    p.start_node(TIME_SPEC);
    while !p.at_end() {
        if p.eat(AMP) {
            continue;
        }
        let end = p
            .significant_indices()
            .into_iter()
            .find(|&idx| p.token_kind(idx) == AMP)
            .unwrap_or(p.limit());
        p.start_node(TIME_ELEMENT);
        p.with_limit(end, |p| p.bump_rest());
        p.finish_node();
    }
    p.finish_node();
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
            p.start_node(OPTION_NAME);
            while !p.at_end() && !p.at(EQ) {
                p.bump();
            }
            p.finish_node();
            if p.eat(EQ) {
                p.start_node(OPTION_VALUE);
                p.bump_rest();
                p.finish_node();
            }
            p.finish_node();
        });
    }
    p.finish_node();
}
