//! The match columns of rules and the other column files: PROTO, DPORT/SPORT, RATE, USER,
//! MARK (and mangle's TEST), CONNLIMIT, TIME, HEADERS, SWITCH and HELPER.
//!
//! Each gives its parts a node when the value has the shape the manpage describes, and leaves
//! anything else as plain tokens inside the column's node: a `$VARIABLE` may expand to any
//! text, so these grammars never report errors.

use crate::{
    parser::Parser,
    SyntaxKind::{self, *},
};

use super::{column::next_comma, host};

/// Parses the comma-separated items up to the limit, each with `item`.
fn comma_list(p: &mut Parser<'_>, item: fn(&mut Parser<'_>)) {
    while !p.at_end() {
        if p.eat(COMMA) {
            continue;
        }
        let end = next_comma(p);
        p.with_limit(end, item);
    }
}

fn wrap_rest(p: &mut Parser<'_>, kind: SyntaxKind) {
    p.start_node(kind);
    p.bump_rest();
    p.finish_node();
}

/// Wraps the tokens up to `end` (exclusive) in a node of `kind`, if there are any.
fn wrap_until(p: &mut Parser<'_>, end: usize, kind: SyntaxKind) {
    p.with_limit(end, |p| {
        if !p.at_end() {
            wrap_rest(p, kind);
        }
    });
}

fn is_number(p: &Parser<'_>, idx: usize) -> bool {
    p.token_kind(idx) == WORD && p.token_text(idx).bytes().all(|b| b.is_ascii_digit())
}

/// PROTO: `tcp`, `6`, `tcp:syn`, `tcp:!syn`, `ipp2p:udp`, `!tcp`, lists of these.
pub(super) fn proto_list(p: &mut Parser<'_>) {
    p.start_node(PROTO_LIST);
    comma_list(p, |p| wrap_rest(p, PROTO));
    p.finish_node();
}

/// DPORT, SPORT: names, numbers, ranges `a:b` and `a-b`, ICMP types `3/4` and names, an
/// ipset (`+set`), `!` in front of a list (masq, snat), `=` (SPORT matches either port).
pub(super) fn port_list(p: &mut Parser<'_>) {
    p.start_node(PORT_LIST);
    p.eat(BANG);
    comma_list(p, port);
    p.finish_node();
}

fn port(p: &mut Parser<'_>) {
    if p.at(PLUS) {
        host::ipset(p);
        return;
    }
    let sig = p.sig_list();
    let is_range = (0..sig.len()).any(|i| p.token_kind(sig.at(i)) == COLON)
        || (sig.len() == 3
            && p.token_kind(sig.at(1)) == DASH
            && is_number(p, sig.at(0))
            && is_number(p, sig.at(2)));
    wrap_rest(p, if is_range { PORT_RANGE } else { PORT });
}

/// RATE: a list of up to two `[{s|d}[/vlsm]:][[name][(size,max)]:]rate[/unit][:burst]`.
pub(super) fn rate_list(p: &mut Parser<'_>) {
    p.start_node(RATE_LIST);
    comma_list(p, rate);
    p.finish_node();
}

/// One rate, following `Chains.pm do_ratelimit`: the parts before the first all-digit part are
/// the mode (`s`, `d`, `s/24`) and the hash table name; after it comes the burst.
fn rate(p: &mut Parser<'_>) {
    p.start_node(RATE);
    let sig = p.significant_indices();
    // The colons outside the `(size,max)` of a name.
    let mut depth = 0usize;
    let mut colons = Vec::new();
    for (i, &idx) in sig.iter().enumerate() {
        match p.token_kind(idx) {
            L_PAREN => depth += 1,
            R_PAREN => depth = depth.saturating_sub(1),
            COLON if depth == 0 => colons.push(i),
            _ => {}
        }
    }
    // Segment k runs from `starts[k]` to the next colon.
    let starts: Vec<usize> = std::iter::once(0)
        .chain(colons.iter().map(|&c| c + 1))
        .collect();
    let value = starts
        .iter()
        .position(|&s| sig.get(s).is_some_and(|&idx| is_number(p, idx)));
    match value {
        Some(v) if v <= 2 && starts.len() <= v + 2 => {
            let limit = p.limit();
            let seg_end = |k: usize| colons.get(k).map_or(limit, |&c| sig[c]);
            let first = sig.first().map_or("", |&idx| p.token_text(idx));
            let mut k = 0;
            if v == 2 || (v == 1 && matches!(first, "s" | "d")) {
                wrap_until(p, seg_end(0), RATE_MODE);
                p.bump();
                k = 1;
            }
            if k < v {
                wrap_until(p, seg_end(k), RATE_NAME);
                p.bump();
            }
            wrap_until(p, seg_end(v), RATE_VALUE);
            if p.eat(COLON) {
                wrap_rest(p, RATE_BURST);
            }
        }
        _ => p.bump_rest(),
    }
    p.finish_node();
}

/// USER: a list of `[!][user][:group][+program]`.
pub(super) fn user_list(p: &mut Parser<'_>) {
    p.start_node(USER_LIST);
    comma_list(p, user);
    p.finish_node();
}

fn user(p: &mut Parser<'_>) {
    p.start_node(USER_SPEC);
    p.eat(BANG);
    let plus = p.find(PLUS);
    p.with_limit(plus, |p| {
        let colon = p.find(COLON);
        wrap_until(p, colon, USER_NAME);
        if p.eat(COLON) {
            wrap_rest(p, GROUP_NAME);
        }
    });
    if p.eat(PLUS) {
        wrap_rest(p, PROGRAM_NAME);
    }
    p.finish_node();
}

/// MARK and mangle's TEST: `[!]value[/mask][:C]`.
pub(super) fn mark(p: &mut Parser<'_>) {
    p.start_node(MARK_SPEC);
    p.eat(BANG);
    let colon = p.find(COLON);
    p.with_limit(colon, |p| {
        let slash = p.find(SLASH);
        wrap_until(p, slash, MARK_VALUE);
        if p.eat(SLASH) {
            wrap_rest(p, MARK_MASK);
        }
    });
    p.bump_rest();
    p.finish_node();
}

/// CONNLIMIT: `[d:][!]limit[:mask]`.
pub(super) fn connlimit(p: &mut Parser<'_>) {
    p.start_node(CONNLIMIT_SPEC);
    if p.at(WORD) && p.current_text() == "d" && p.nth(1) == COLON {
        p.bump();
        p.bump();
    }
    p.eat(BANG);
    let colon = p.find(COLON);
    wrap_until(p, colon, CONNLIMIT_COUNT);
    if p.eat(COLON) {
        wrap_rest(p, CONNLIMIT_MASK);
    }
    p.finish_node();
}

/// TIME: `timestart=08:00&weekdays=Mon,Tue&utc`, each element `name[=value]`.
pub(super) fn time(p: &mut Parser<'_>) {
    p.start_node(TIME_SPEC);
    while !p.at_end() {
        if p.eat(AMP) {
            continue;
        }
        let end = p.find(AMP);
        p.start_node(TIME_ELEMENT);
        p.with_limit(end, |p| super::column::name_value(p, EQ));
        p.finish_node();
    }
    p.finish_node();
}

/// HEADERS: `[!][any:|exactly:]header[,header]...`.
pub(super) fn headers(p: &mut Parser<'_>) {
    p.start_node(HEADER_LIST);
    p.eat(BANG);
    if p.at(WORD) && matches!(p.current_text(), "any" | "exactly") && p.nth(1) == COLON {
        p.bump();
        p.bump();
    }
    comma_list(p, |p| wrap_rest(p, HEADER));
    p.finish_node();
}

/// SWITCH: `[!]name[={0|1}]`.
pub(super) fn switch(p: &mut Parser<'_>) {
    p.start_node(SWITCH_SPEC);
    p.eat(BANG);
    let eq = p.find(EQ);
    wrap_until(p, eq, SWITCH_NAME);
    p.bump_rest();
    p.finish_node();
}

/// HELPER: the name of a conntrack helper.
pub(super) fn helper(p: &mut Parser<'_>) {
    wrap_rest(p, HELPER_NAME);
}
