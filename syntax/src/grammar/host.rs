//! Zones, interfaces and addresses: the SOURCE and DEST of a rule, the HOSTS of the hosts file,
//! address lists, and the zone and interface columns of zones, interfaces and policy.
//!
//! A rule's SOURCE is `zone[:interface][:addresses]`. IPv6 addresses contain colons too, so the
//! split follows Shorewall 5.2.8 (`Chains.pm isolate_source_interface`): the zone ends at the
//! first colon; in what follows, an interface is only split off when the addresses after it
//! are bracketed (`eth0:[2001:db8::1]`, `eth0:<...>`), an ipset (`eth0:+set`), a MAC, `&iface`
//! or `%...`. Otherwise text with a colon is all addresses (`net:2001:db8::1`), and text
//! without one is an interface unless it looks like an address (`+`, `&`, `~`, `%`, two dots).
//! IPv4 is simpler: `interface:addresses` splits at the first colon.

use crate::{
    parser::Parser,
    Family,
    SyntaxKind::{self, *},
};

use super::column::next_comma;

/// SOURCE or DEST of a rule. `server` is set for the DEST of DNAT and REDIRECT, which is
/// `zone:address[:port]`.
pub(super) fn host_spec(p: &mut Parser<'_>, server: bool) {
    p.start_node(HOST_SPEC);
    let colon = p
        .significant_indices()
        .into_iter()
        .find(|&idx| p.token_kind(idx) == COLON);
    match colon {
        None => p.with_limit(p.limit(), zone_part),
        Some(colon) => {
            p.with_limit(colon, zone_part);
            p.bump();
            if server {
                server_part(p);
            } else {
                host_part(p);
            }
        }
    }
    p.finish_node();
}

/// `zone`, `$FW`, `all+-`, `net,loc`, `all!dmz,loc`.
pub(super) fn zone_part(p: &mut Parser<'_>) {
    let sig = p.significant_indices();
    let is_list = sig
        .iter()
        .any(|&idx| matches!(p.token_kind(idx), COMMA | BANG));
    if !is_list {
        p.start_node(ZONE_REF);
        p.bump_rest();
        p.finish_node();
        return;
    }
    p.start_node(ZONE_LIST);
    zone_items(p);
    p.finish_node();
}

fn zone_items(p: &mut Parser<'_>) {
    while !p.at_end() {
        match p.current() {
            COMMA => p.bump(),
            BANG => {
                p.start_node(ZONE_EXCLUSION);
                p.bump();
                zone_items(p);
                p.finish_node();
            }
            _ => {
                p.start_node(ZONE_REF);
                while !p.at_end() && !matches!(p.current(), COMMA | BANG) {
                    p.bump();
                }
                p.finish_node();
            }
        }
    }
}

/// What follows the zone: an interface, addresses, or both.
fn host_part(p: &mut Parser<'_>) {
    let sig = p.significant_indices();
    let split = match p.file_type.family {
        Family::Ipv6 => split_ipv6(p, &sig),
        Family::Ipv4 => split_ipv4(p, &sig),
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

fn split_ipv6(p: &Parser<'_>, sig: &[usize]) -> Split {
    let kinds: Vec<SyntaxKind> = sig.iter().map(|&idx| p.token_kind(idx)).collect();
    let text = |i: usize| p.token_text(sig[i]);
    let colons: Vec<usize> = (1..kinds.len()).filter(|&i| kinds[i] == COLON).collect();
    let tail = |j: usize| &kinds[j + 1..];
    // `iface:[a],[b]`
    let bracket_list = |t: &[SyntaxKind]| {
        t.len() >= 5
            && is_open(t[0])
            && t.last().is_some_and(|&it| is_close(it))
            && (2..t.len() - 2).any(|k| t[k] == COMMA && is_open(t[k + 1]))
    };
    // `iface:[addresses]`
    let bracketed = |t: &[SyntaxKind]| {
        t.len() >= 3 && is_open(t[0]) && t.last().is_some_and(|&it| is_close(it))
    };
    // `iface:+set`, `iface:!+set`
    let ipset = |t: &[SyntaxKind]| matches!(t, [PLUS, _, ..] | [BANG, PLUS, _, ..]);
    // `iface:&eth0`, `iface:~mac`, `iface:%...`
    let special = |j: usize| {
        let t = tail(j);
        let start = usize::from(t.first() == Some(&BANG));
        match t.get(start) {
            Some(AMP) | Some(TILDE) => t.len() > start + 1,
            Some(WORD) => {
                let word = text(j + 1 + start);
                word.starts_with('%') && (word.len() > 1 || t.len() > start + 1)
            }
            _ => false,
        }
    };
    // `iface:[addr]/64`
    let bracketed_prefix = |t: &[SyntaxKind], j: usize| {
        let n = t.len();
        n >= 5
            && is_open(t[0])
            && t[n - 2] == SLASH
            && is_close(t[n - 3])
            && t[n - 1] == WORD
            && text(j + n).bytes().all(|b| b.is_ascii_digit())
    };
    for &j in &colons {
        if bracket_list(tail(j)) {
            return Split::InterfaceThenAddresses(sig[j]);
        }
    }
    for &j in &colons {
        if bracketed(tail(j)) {
            return Split::InterfaceThenAddresses(sig[j]);
        }
    }
    for &j in &colons {
        if ipset(tail(j)) {
            return Split::InterfaceThenAddresses(sig[j]);
        }
    }
    for &j in &colons {
        if special(j) {
            return Split::InterfaceThenAddresses(sig[j]);
        }
    }
    for &j in &colons {
        if bracketed_prefix(tail(j), j) {
            return Split::InterfaceThenAddresses(sig[j]);
        }
    }
    if kinds.contains(&COLON) || looks_like_addresses(p, sig) {
        return Split::Addresses;
    }
    // A parameter alone is usually an address list (`loc:$ADMINS`); the model re-reads the
    // expanded text in any case.
    if kinds.len() == 1 && kinds[0] == DOLLAR_REF {
        return Split::Addresses;
    }
    Split::Interface
}

/// `+`, `&`, `%`, `~`, two dots, or a leading `^` (a country code) mark addresses.
fn looks_like_addresses(p: &Parser<'_>, sig: &[usize]) -> bool {
    let full: String = sig.iter().map(|&idx| p.token_text(idx)).collect();
    let trimmed = full.trim_start_matches('!');
    full.contains(['+', '&', '%', '~'])
        || full.matches('.').count() >= 2
        || trimmed.starts_with('^')
}

fn split_ipv4(p: &Parser<'_>, sig: &[usize]) -> Split {
    let kinds: Vec<SyntaxKind> = sig.iter().map(|&idx| p.token_kind(idx)).collect();
    if let Some(j) = (1..kinds.len()).find(|&i| kinds[i] == COLON) {
        if j + 1 < kinds.len() {
            return Split::InterfaceThenAddresses(sig[j]);
        }
    }
    let full: String = sig.iter().map(|&idx| p.token_text(idx)).collect();
    let rest = full.strip_prefix('!').unwrap_or(&full);
    let starts_with_octet = {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        digits > 0 && rest.as_bytes().get(digits) == Some(&b'.')
    };
    let two_dots = rest.get(1..).is_some_and(|it| it.matches('.').count() >= 2);
    if rest.starts_with(['+', '&', '~', '%', '^']) || starts_with_octet || two_dots {
        return Split::Addresses;
    }
    if kinds.len() == 1 && kinds[0] == DOLLAR_REF {
        return Split::Addresses;
    }
    Split::Interface
}

/// The DEST of a DNAT or REDIRECT: `address[:port]`, `[address]:port` or `<address>:port`.
fn server_part(p: &mut Parser<'_>) {
    let sig = p.significant_indices();
    let kinds: Vec<SyntaxKind> = sig.iter().map(|&idx| p.token_kind(idx)).collect();
    let port_colon = if kinds.first().is_some_and(|&it| is_open(it)) {
        // `[addr]:port`: the colon right after the closing bracket.
        kinds
            .iter()
            .position(|&it| is_close(it))
            .and_then(|close| (kinds.get(close + 1) == Some(&COLON)).then(|| sig[close + 1]))
    } else if p.file_type.family == Family::Ipv4 {
        kinds.iter().position(|&it| it == COLON).map(|i| sig[i])
    } else {
        None
    };
    match port_colon {
        Some(colon) => {
            p.with_limit(colon, address_list);
            p.bump();
            p.start_node(SERVER_PORT);
            p.bump_rest();
            p.finish_node();
        }
        None => address_list(p),
    }
}

fn interface_ref(p: &mut Parser<'_>) {
    p.start_node(INTERFACE_REF);
    p.bump_rest();
    p.finish_node();
}

/// The INTERFACE column of `interfaces`: `name`, `name:port` (a bridge port), `eth+`.
pub(super) fn interface_column(p: &mut Parser<'_>) {
    let colon = p
        .significant_indices()
        .into_iter()
        .find(|&idx| p.token_kind(idx) == COLON);
    match colon {
        Some(colon) => {
            p.with_limit(colon, interface_ref);
            p.bump();
            interface_ref(p);
        }
        None => interface_ref(p),
    }
}

/// The HOSTS column of the hosts file: `interface:addresses`.
pub(super) fn interface_hosts(p: &mut Parser<'_>) {
    p.start_node(HOST_SPEC);
    let colon = p
        .significant_indices()
        .into_iter()
        .find(|&idx| p.token_kind(idx) == COLON);
    match colon {
        Some(colon) => {
            p.with_limit(colon, interface_ref);
            p.bump();
            address_list(p);
        }
        None => interface_ref(p),
    }
    p.finish_node();
}

/// The ZONE column of the zones file: `zone` or `child:parent,parent`.
pub(super) fn zone_definition(p: &mut Parser<'_>) {
    let colon = p
        .significant_indices()
        .into_iter()
        .find(|&idx| p.token_kind(idx) == COLON);
    match colon {
        Some(colon) => {
            p.with_limit(colon, zone_part);
            p.bump();
            p.start_node(ZONE_LIST);
            zone_items(p);
            p.finish_node();
        }
        None => zone_part(p),
    }
}

/// A list of addresses: `a,b`, `<a,b>`, `[a],[b]`, ranges, prefixes, exclusions (`!a`),
/// ipsets (`+set[2]`), MACs (`~00-11-...`), `&iface`, `$VAR`.
pub(super) fn address_list(p: &mut Parser<'_>) {
    p.start_node(ADDRESS_LIST);
    let sig = p.significant_indices();
    let kinds: Vec<SyntaxKind> = sig.iter().map(|&idx| p.token_kind(idx)).collect();
    // `<a,b>` or `[a,b]` around the whole list (but not `[a],[b]` or `[a]/64`).
    let whole = kinds.len() >= 2
        && is_open(kinds[0])
        && kinds.last().is_some_and(|&it| is_close(it))
        && matching_close(&kinds, 0) == Some(kinds.len() - 1);
    if whole {
        p.bump();
        p.with_limit(sig[kinds.len() - 1], address_items);
        p.bump();
    } else {
        address_items(p);
    }
    if !p.at_end() {
        p.err_rest("unexpected text after the address list");
    }
    p.finish_node();
}

fn matching_close(kinds: &[SyntaxKind], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, &kind) in kinds.iter().enumerate().skip(open) {
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

fn address_items(p: &mut Parser<'_>) {
    while !p.at_end() {
        match p.current() {
            COMMA => p.bump(),
            BANG => {
                // An exclusion applies to the rest of the list.
                p.start_node(ADDRESS_EXCLUSION);
                p.bump();
                address_items(p);
                p.finish_node();
            }
            _ => {
                let end = item_end(p);
                p.with_limit(end, address_item);
            }
        }
    }
}

/// The end of one address: the next `,` or `!` outside brackets.
fn item_end(p: &Parser<'_>) -> usize {
    let end = next_comma(p);
    let mut depth = 0usize;
    for idx in p.significant_indices() {
        if idx >= end {
            break;
        }
        match p.token_kind(idx) {
            L_BRACK | L_ANGLE => depth += 1,
            R_BRACK | R_ANGLE => depth = depth.saturating_sub(1),
            BANG if depth == 0 => return idx,
            _ => {}
        }
    }
    end
}

fn address_item(p: &mut Parser<'_>) {
    let kind = match p.current() {
        PLUS => IPSET,
        TILDE => MAC_ADDRESS,
        _ => ADDRESS,
    };
    p.start_node(kind);
    p.bump_rest();
    p.finish_node();
}
