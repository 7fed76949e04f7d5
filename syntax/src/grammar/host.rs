//! Zones, interfaces and addresses: the SOURCE and DEST of a rule, the HOSTS of the hosts file,
//! address lists, and the zone and interface columns of zones, interfaces and policy.
//!
//! A rule's SOURCE is `zone[:interface][:addresses]`. IPv6 addresses contain colons too, so the
//! split follows Shorewall 5.2.8 (`Rules.pm process_rule`, `Chains.pm isolate_source_interface`
//! and `isolate_dest_interface`): the zone ends at the first colon; in what follows, an
//! interface is only split off when the addresses after it are bracketed (`eth0:[2001:db8::1]`,
//! `eth0:<...>`, `eth0:[a],[b]`, `eth0:[a]/64`), an ipset (`eth0:+set`), `&iface`, `%...` or (in
//! a SOURCE) a MAC. Otherwise text with a colon is all addresses (`net:2001:db8::1`, which
//! Shorewall then rejects if it was meant as `eth0:2001:db8::1`), and text without one is an
//! interface unless it looks like an address (`+`, `&`, `~`, `%`, two dots, `^`).
//! IPv4 is simpler: `interface:addresses` splits at the first colon.
//!
//! Outside the rules files the column has no zone: an action body's SOURCE is
//! `[interface:]addresses`, a macro body's may start with the `SOURCE`/`DEST` keyword that the
//! invocation replaces, and stoppedrules, mangle and accounting allow `$FW` in front.

use crate::{
    parser::{Parser, SigList, EOF},
    Family, FileKind,
    SyntaxKind::{self, *},
};

use super::column::next_comma;

/// Which column a host spec is in: the MAC and `%` forms are SOURCE-only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Source,
    Dest,
}

/// What the action of the record makes of its DEST.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Nat {
    /// An ordinary rule.
    None,
    /// DNAT: `zone:server[:port[:random]]`.
    Dnat,
    /// REDIRECT: `[zone:]port`.
    Redirect,
}

/// How a file's SOURCE and DEST columns read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// `zone[:interface][:addresses]`: rules, blrules, conntrack.
    Zoned,
    /// A macro body: `[SOURCE|DEST][:]` and then an interface and addresses.
    MacroBody,
    /// No zone, `$FW` allowed in front: action bodies, stoppedrules, mangle, accounting, ...
    Bare,
}

fn context(kind: FileKind) -> Context {
    match kind {
        FileKind::Rules | FileKind::BlRules | FileKind::Conntrack => Context::Zoned,
        FileKind::Macro => Context::MacroBody,
        _ => Context::Bare,
    }
}

/// A SOURCE or DEST column. Since 5.1 a rules column may list several specs when they use the
/// parenthesised form (`loc:(eth1:2001:db8::1),dmz:(eth2),net`); each is a `HOST_SPEC`.
pub(super) fn host_column(p: &mut Parser<'_>, side: Side, nat: Nat) {
    let ctx = context(p.file_type.kind);
    if ctx == Context::Zoned && has_paren_spec(p) {
        while !p.at_end() {
            if p.eat(COMMA) {
                continue;
            }
            let end = next_comma(p);
            p.with_limit(end, |p| host_spec(p, side, nat, ctx));
        }
        return;
    }
    host_spec(p, side, nat, ctx);
}

/// Whether a colon is followed by `(`: Shorewall's `/:\(.+\)/`.
fn has_paren_spec(p: &Parser<'_>) -> bool {
    let mut prev = EOF;
    for idx in p.sig() {
        let kind = p.token_kind(idx);
        if prev == COLON && kind == L_PAREN {
            return true;
        }
        prev = kind;
    }
    false
}

fn host_spec(p: &mut Parser<'_>, side: Side, nat: Nat, ctx: Context) {
    p.start_node(HOST_SPEC);
    match ctx {
        Context::Zoned => zoned(p, side, nat),
        Context::MacroBody => {
            let keyword = p.at(WORD)
                && matches!(p.current_text(), "SOURCE" | "DEST")
                && matches!(p.nth(1), COLON | EOF);
            if keyword {
                p.start_node(ZONE_REF);
                p.bump();
                p.finish_node();
                p.eat(COLON);
            }
            rest_of_host(p, side, nat);
        }
        Context::Bare => {
            let fw = p.at(DOLLAR_REF)
                && matches!(p.current_text(), "$FW" | "${FW}")
                && matches!(p.nth(1), COLON | EOF);
            if fw {
                p.start_node(ZONE_REF);
                p.bump();
                p.finish_node();
                p.eat(COLON);
            }
            rest_of_host(p, side, nat);
        }
    }
    p.finish_node();
}

/// What follows the zone, if anything.
fn rest_of_host(p: &mut Parser<'_>, side: Side, nat: Nat) {
    if p.at_end() {
        return;
    }
    if side == Side::Dest && nat != Nat::None {
        server_part(p);
    } else {
        host_part(p, side);
    }
}

/// `zone[:rest]`, with `zone:(rest)` for the 5.1 lists.
fn zoned(p: &mut Parser<'_>, side: Side, nat: Nat) {
    let colon = p.find(COLON);
    if colon >= p.limit() {
        if nat == Nat::Redirect && is_port_like(p) {
            // `REDIRECT loc 3128`: the zone ($FW) is implied.
            p.start_node(SERVER_PORT);
            p.bump_rest();
            p.finish_node();
        } else {
            zone_part(p);
        }
        return;
    }
    p.with_limit(colon, zone_part);
    p.bump();
    let close = if p.at(L_PAREN) {
        last_sig(p)
    } else {
        p.limit()
    };
    if p.token_kind(close) == R_PAREN {
        p.bump();
        p.with_limit(close, |p| rest_of_host(p, side, nat));
        p.bump();
    } else {
        rest_of_host(p, side, nat);
    }
}

fn last_sig(p: &Parser<'_>) -> usize {
    p.sig().last().unwrap_or(p.limit())
}

/// Numbers and dashes only (`3128`, `3128-3130`).
fn is_port_like(p: &Parser<'_>) -> bool {
    p.sig().all(|idx| match p.token_kind(idx) {
        WORD => p.token_text(idx).bytes().all(|b| b.is_ascii_digit()),
        DASH => true,
        _ => false,
    })
}

/// `zone`, `$FW`, `all+-`, `net,loc+`, `all!dmz,loc`.
pub(super) fn zone_part(p: &mut Parser<'_>) {
    if p.at_end() {
        return;
    }
    let is_list = p.sig().any(|idx| matches!(p.token_kind(idx), COMMA | BANG));
    if !is_list {
        zone_ref(p);
        return;
    }
    p.start_node(ZONE_LIST);
    let bang = p.find(BANG);
    p.with_limit(bang, zone_refs);
    if p.at(BANG) {
        p.start_node(ZONE_EXCLUSION);
        p.bump();
        zone_refs(p);
        p.finish_node();
    }
    p.bump_rest();
    p.finish_node();
}

fn zone_ref(p: &mut Parser<'_>) {
    p.start_node(ZONE_REF);
    p.bump_rest();
    p.finish_node();
}

/// `a,b,c`; a `+` after the last zone of a list (intra-zone traffic) stays outside the zone.
fn zone_refs(p: &mut Parser<'_>) {
    let last = p.sig().last();
    let list_plus = last.is_some_and(|idx| p.token_kind(idx) == PLUS)
        && p.sig().any(|idx| p.token_kind(idx) == COMMA);
    let end = match (list_plus, last) {
        (true, Some(idx)) => idx,
        _ => p.limit(),
    };
    p.with_limit(end, |p| {
        while !p.at_end() {
            if p.eat(COMMA) {
                continue;
            }
            let end = p.find(COMMA);
            p.with_limit(end, zone_ref);
        }
    });
    p.bump_rest();
}

/// The ZONE column of the zones file: `zone` or `child:parent,parent`.
pub(super) fn zone_definition(p: &mut Parser<'_>) {
    let colon = p.find(COLON);
    p.with_limit(colon, zone_part);
    if p.eat(COLON) {
        p.start_node(ZONE_LIST);
        zone_refs(p);
        p.finish_node();
    }
}

/// What follows the zone: an interface, addresses, or both.
fn host_part(p: &mut Parser<'_>, side: Side) {
    let split = match p.file_type.family {
        Family::Ipv6 => split_ipv6(p, side),
        Family::Ipv4 => split_ipv4(p),
    };
    match split {
        Split::Interface => interface_ref(p),
        Split::Addresses => address_list(p),
        Split::InterfaceThenAddresses(colon) => {
            p.with_limit(colon, interface_ref);
            p.bump();
            address_list(p);
        }
    }
}

enum Split {
    Interface,
    Addresses,
    /// The interface ends at this (colon) token index.
    InterfaceThenAddresses(usize),
}

fn is_open(kind: SyntaxKind) -> bool {
    matches!(kind, L_BRACK | L_ANGLE)
}

fn is_close(kind: SyntaxKind) -> bool {
    matches!(kind, R_BRACK | R_ANGLE)
}

/// The IPv6 split, as `isolate_source_interface` (and `isolate_dest_interface`) does it: each
/// pattern is tried at every colon, left to right, before the next pattern.
fn split_ipv6(p: &Parser<'_>, side: Side) -> Split {
    let sig = p.sig_list();
    let n = sig.len();
    let kind = |i: usize| p.token_kind(sig.at(i));
    let text = |i: usize| p.token_text(sig.at(i));
    let colon_at = |j: usize| j >= 1 && kind(j) == COLON;
    // After the colon at `j`, the tail runs from `j + 1` to `n`.
    // `iface:[a],[b]`: `\[.+,\[.+\]`, so a `,[` at least two tokens after the tail's start
    // and three before the end; the last `,[` that is not too late decides for every colon.
    let last_comma_open = (1..n.saturating_sub(3))
        .rev()
        .find(|&k| kind(k) == COMMA && is_open(kind(k + 1)));
    let bracket_list = |j: usize| {
        let t = j + 1;
        n >= t + 6
            && is_open(kind(t))
            && is_close(kind(n - 1))
            && last_comma_open.is_some_and(|k| k >= t + 2)
    };
    // `iface:[addresses]`.
    let bracketed = |j: usize| n >= j + 4 && is_open(kind(j + 1)) && is_close(kind(n - 1));
    // `iface:+set`, `iface:!+set`.
    let ipset = |j: usize| {
        let t = j + 1 + usize::from(kind(j + 1) == BANG);
        kind(t) == PLUS && n > t + 1
    };
    // `iface:&eth0`, `iface:%...`, and in a SOURCE `iface:~mac`.
    let special = |j: usize| {
        let t = j + 1 + usize::from(kind(j + 1) == BANG);
        match kind(t) {
            AMP => n > t + 1,
            TILDE => side == Side::Source && n > t + 1,
            WORD => {
                let word = text(t);
                word.starts_with('%') && (word.len() > 1 || n > t + 1)
            }
            _ => false,
        }
    };
    // `iface:[addr]/64`.
    let bracketed_prefix = |j: usize| {
        n >= j + 6
            && is_open(kind(j + 1))
            && is_close(kind(n - 3))
            && kind(n - 2) == SLASH
            && kind(n - 1) == WORD
            && text(n - 1).bytes().all(|b| b.is_ascii_digit())
    };
    // Each pattern at every colon, in Shorewall's order; most texts have few colons.
    let colons: Vec<usize> = (1..n).filter(|&j| colon_at(j)).collect();
    for pattern in 0..5 {
        let found = colons.iter().copied().find(|&j| match pattern {
            0 => bracket_list(j),
            1 => bracketed(j),
            2 => ipset(j),
            3 => special(j),
            _ => bracketed_prefix(j),
        });
        if let Some(j) = found {
            return Split::InterfaceThenAddresses(sig.at(j));
        }
    }
    if !colons.is_empty() || (n > 0 && kind(0) == COLON) {
        return Split::Addresses;
    }
    // `(?:\+|&|%|~|\..*\.)` (a DEST has no `%` or `~`), or `^!?\^`.
    let mut dots = 0;
    let mut marked = false;
    for i in 0..n {
        let word = text(i);
        dots += word.matches('.').count();
        marked |= match side {
            Side::Source => word.contains(['+', '&', '%', '~']),
            Side::Dest => word.contains(['+', '&']),
        };
    }
    let first = usize::from(kind(0) == BANG);
    if marked || dots >= 2 || text(first).starts_with('^') {
        return Split::Addresses;
    }
    if looks_like_unexpanded_addresses(p, &sig) {
        return Split::Addresses;
    }
    Split::Interface
}

/// Before `$VARIABLE`s are expanded Shorewall's patterns cannot be applied; the model re-reads
/// the expanded text. Until then a parameter alone (`loc:$ADMINS`), a bracket (`[$HOST]/64`), a
/// list (`$A,$B`) or a range of parameters (`$LOW-$HIGH`) reads as addresses: none of them can
/// be an interface name.
fn looks_like_unexpanded_addresses(p: &Parser<'_>, sig: &SigList) -> bool {
    let n = sig.len();
    let kind = |i: usize| p.token_kind(sig.at(i));
    let has = |k: SyntaxKind| (0..n).any(|i| kind(i) == k);
    (n == 1 && kind(0) == DOLLAR_REF)
        || is_open(kind(0))
        || has(COMMA)
        || (has(DOLLAR_REF) && has(DASH))
}

/// The IPv4 split: `^(.+?):(.+)$` is interface and addresses; `^!?(?:\+|&|~|%|\^|\d+\.|.+\..+\.)`
/// is addresses; anything else is an interface.
fn split_ipv4(p: &Parser<'_>) -> Split {
    let sig = p.sig_list();
    let n = sig.len();
    if let Some(i) = (1..n.saturating_sub(1)).find(|&i| p.token_kind(sig.at(i)) == COLON) {
        return Split::InterfaceThenAddresses(sig.at(i));
    }
    let full: String = (0..n).map(|i| p.token_text(sig.at(i))).collect();
    let rest = full.strip_prefix('!').unwrap_or(&full);
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let starts_with_octet = digits > 0 && rest.as_bytes().get(digits) == Some(&b'.');
    // `.+\..+\.`: two dots, the first not at the start, with something between them.
    let two_dots = match rest.get(1..).and_then(|it| it.find('.')) {
        Some(first) => rest.get(first + 3..).is_some_and(|it| it.contains('.')),
        None => false,
    };
    if rest.starts_with(['+', '&', '~', '%', '^']) || starts_with_octet || two_dots {
        return Split::Addresses;
    }
    if looks_like_unexpanded_addresses(p, &sig) {
        return Split::Addresses;
    }
    Split::Interface
}

/// The DEST of a DNAT or REDIRECT after the zone: `server[:port][:random]`. In IPv6 a port
/// needs the server in brackets (`[2001:db8::5]:80`); in IPv4 the last colon starts it.
fn server_part(p: &mut Parser<'_>) {
    let sig = p.sig_list();
    let n = sig.len();
    let kind = |i: usize| p.token_kind(sig.at(i));
    let random = n >= 2
        && kind(n - 2) == COLON
        && kind(n - 1) == WORD
        && p.token_text(sig.at(n - 1)) == "random";
    let m = if random { n - 2 } else { n };
    let port_colon = match p.file_type.family {
        Family::Ipv6 if is_open(kind(0)) => {
            // `^\[(.*)]:(.+)$`: the last `]` that a colon and something follow.
            (1..m.saturating_sub(1))
                .rev()
                .find(|&i| kind(i) == COLON && is_close(kind(i - 1)))
        }
        Family::Ipv6 => None,
        Family::Ipv4 => (0..m.saturating_sub(1)).rev().find(|&i| kind(i) == COLON),
    };
    let end = if random { sig.at(m) } else { p.limit() };
    let port_colon = port_colon.map(|i| sig.at(i));
    p.with_limit(end, |p| match port_colon {
        Some(colon) => {
            p.with_limit(colon, address_list);
            p.bump();
            p.start_node(SERVER_PORT);
            p.bump_rest();
            p.finish_node();
        }
        None => address_list(p),
    });
    p.bump_rest();
}

pub(super) fn interface_ref(p: &mut Parser<'_>) {
    if p.at_end() {
        return;
    }
    p.start_node(INTERFACE_REF);
    p.bump_rest();
    p.finish_node();
}

/// The INTERFACE column of `interfaces`: `name`, `name:port` (a bridge port), `eth+`.
pub(super) fn interface_column(p: &mut Parser<'_>) {
    let colon = p.find(COLON);
    p.with_limit(colon, interface_ref);
    if p.eat(COLON) {
        interface_ref(p);
    }
}

/// The HOSTS column of the hosts file: `interface:addresses`, and in IPv6 also
/// `interface[addresses]` (`Zones.pm validate_hosts_file`).
pub(super) fn interface_hosts(p: &mut Parser<'_>) {
    p.start_node(HOST_SPEC);
    let colon = p.find(COLON);
    let brack = p.find(L_BRACK);
    if colon < p.limit() && colon < brack {
        p.with_limit(colon, interface_ref);
        p.bump();
        address_list(p);
    } else if brack < p.limit() && p.file_type.family == Family::Ipv6 {
        p.with_limit(brack, interface_ref);
        address_list(p);
    } else {
        interface_ref(p);
    }
    p.finish_node();
}

/// A list of addresses: `a,b`, `<a,b>`, `[a],[b]`, ranges `a-b`, prefixes, exclusions (`!a`),
/// ipsets (`+set[2]`, `+[a,b]`), MACs (`~00-11-...`), `&iface`, `^CN`, `$VAR`.
pub(super) fn address_list(p: &mut Parser<'_>) {
    if p.at_end() {
        return;
    }
    p.start_node(ADDRESS_LIST);
    // `<a,b>` or `[a,b]` around the whole list (but not `[a],[b]` or `[a]/64`).
    let sig = p.sig_list();
    let n = sig.len();
    let whole = n >= 2
        && is_open(p.token_kind(sig.at(0)))
        && is_close(p.token_kind(sig.at(n - 1)))
        && matching_close(p, &sig) == Some(n - 1);
    if whole {
        let close = sig.at(n - 1);
        p.bump();
        p.with_limit(close, address_items);
        p.bump();
    } else {
        address_items(p);
    }
    p.finish_node();
}

/// The position in `sig` of the bracket that closes the one at position 0.
fn matching_close(p: &Parser<'_>, sig: &SigList) -> Option<usize> {
    let mut depth = 0usize;
    for i in 0..sig.len() {
        let kind = p.token_kind(sig.at(i));
        if is_open(kind) {
            depth += 1;
        } else if is_close(kind) {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

/// The items of a list; the first `!` starts an exclusion that holds the rest of the list (a
/// later `!` stays a plain token in it, so the tree never nests deeper).
fn address_items(p: &mut Parser<'_>) {
    let mut excluding = false;
    while !p.at_end() {
        match p.current() {
            COMMA => p.bump(),
            BANG if !excluding => {
                excluding = true;
                p.start_node(ADDRESS_EXCLUSION);
                p.bump();
            }
            BANG => p.bump(),
            _ => {
                let end = item_end(p);
                p.with_limit(end, address_item);
            }
        }
    }
    if excluding {
        p.finish_node();
    }
}

/// The end of one address: the next `,` or `!` outside brackets.
fn item_end(p: &Parser<'_>) -> usize {
    let mut depth = 0usize;
    for idx in p.sig() {
        match p.token_kind(idx) {
            L_BRACK | L_ANGLE | L_PAREN => depth += 1,
            R_BRACK | R_ANGLE | R_PAREN => depth = depth.saturating_sub(1),
            COMMA | BANG if depth == 0 => return idx,
            _ => {}
        }
    }
    p.limit()
}

fn address_item(p: &mut Parser<'_>) {
    match p.current() {
        PLUS => ipset(p),
        TILDE => {
            p.start_node(MAC_ADDRESS);
            p.bump();
            p.bump_rest_joined(&[WORD, DASH]);
            p.finish_node();
        }
        AMP => {
            // `&eth0`: the primary address of an interface.
            p.start_node(ADDRESS);
            p.bump();
            interface_ref(p);
            p.finish_node();
        }
        _ => match range_dash(p) {
            Some(dash) => {
                p.start_node(ADDRESS_RANGE);
                p.with_limit(dash, address);
                p.bump();
                address(p);
                p.finish_node();
            }
            None => address(p),
        },
    }
}

fn address(p: &mut Parser<'_>) {
    p.start_node(ADDRESS);
    p.bump_rest_joined(&[WORD, COLON, DASH]);
    p.finish_node();
}

/// The dash of `low-high` outside brackets, when `low` starts like an address (a digit, a
/// bracket, a parameter, or it has a colon): host names may contain dashes too.
fn range_dash(p: &Parser<'_>) -> Option<usize> {
    let first = p.sig().next()?;
    let mut depth = 0usize;
    let mut colon = false;
    for idx in p.sig() {
        match p.token_kind(idx) {
            L_BRACK | L_ANGLE => depth += 1,
            R_BRACK | R_ANGLE => depth = depth.saturating_sub(1),
            COLON => colon = true,
            DASH if depth == 0 && idx > first => {
                let low_is_address = colon
                    || matches!(p.token_kind(first), L_BRACK | L_ANGLE | DOLLAR_REF)
                    || p.token_text(first)
                        .starts_with(|c: char| c.is_ascii_digit());
                let has_high = p.sig().any(|it| it > idx);
                return (low_is_address && has_high).then_some(idx);
            }
            _ => {}
        }
    }
    None
}

/// `+set`, `+set[src,dst]`, `+set[2]`, `+[set1,set2]`.
pub(super) fn ipset(p: &mut Parser<'_>) {
    p.start_node(IPSET);
    p.bump();
    if p.at(L_BRACK) {
        let close = matching_bracket(p);
        p.bump();
        p.with_limit(close, |p| {
            while !p.at_end() {
                if p.eat(COMMA) {
                    continue;
                }
                let end = next_comma(p);
                p.with_limit(end, ipset_name_and_flags);
            }
        });
        p.eat(R_BRACK);
    } else {
        ipset_name_and_flags(p);
    }
    p.bump_rest();
    p.finish_node();
}

/// The `]` that closes the `[` at the cursor, or the limit.
fn matching_bracket(p: &Parser<'_>) -> usize {
    let mut depth = 0usize;
    for idx in p.sig() {
        match p.token_kind(idx) {
            L_BRACK => depth += 1,
            R_BRACK if depth <= 1 => return idx,
            R_BRACK => depth -= 1,
            _ => {}
        }
    }
    p.limit()
}

fn ipset_name_and_flags(p: &mut Parser<'_>) {
    let brack = p.find(L_BRACK);
    if !p.at(L_BRACK) && !p.at_end() {
        p.start_node(IPSET_NAME);
        p.with_limit(brack, |p| p.bump_rest());
        p.finish_node();
    }
    if p.at(L_BRACK) {
        p.start_node(IPSET_FLAGS);
        p.bump_rest();
        p.finish_node();
    }
}
