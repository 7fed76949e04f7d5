//! The checks Shorewall makes while it turns a rule's columns into matches (`Chains.pm`
//! `do_proto`, `do_ratelimit`, `do_user`, `do_test`, `do_connlimit`, `do_time`, `do_headers`,
//! `do_condition`, `validate_helper`, `handle_nfqueue`, ...), with their messages. Each returns
//! the first problem it finds, with the column it belongs to.

use std::collections::HashMap;

use shorewall_syntax::Family;

use crate::model::{capabilities::Capabilities, services::NameTables, zones::parse_number};

use super::col;

/// A problem found in a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub(crate) col: usize,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    /// The offending text, to narrow the diagnostic inside its column.
    pub(crate) needle: Option<String>,
}

impl Problem {
    pub(crate) fn new(col: usize, code: &'static str, message: impl Into<String>) -> Problem {
        Problem {
            col,
            code,
            message: message.into(),
            needle: None,
        }
    }

    pub(crate) fn at(mut self, needle: &str) -> Problem {
        if !needle.is_empty() {
            self.needle = Some(needle.to_owned());
        }
        self
    }
}

pub(crate) type Check<T = ()> = Result<T, Problem>;

/// What the checks need to know about the configuration.
pub(crate) struct Env<'a> {
    pub(crate) family: Family,
    pub(crate) caps: &'a Capabilities,
    pub(crate) names: &'a NameTables,
    /// The helpers HELPERS enables (`%helpers_enabled`).
    pub(crate) helpers_enabled: &'a HashMap<String, bool>,
}

impl Env<'_> {
    pub(crate) fn require(&self, col: usize, cap: &str, what: &str, singular: &str) -> Check {
        self.caps
            .require(cap, what, singular)
            .map_err(|message| Problem::new(col, "missing-capability", message))
    }

    fn ipv6(&self) -> bool {
        self.family == Family::Ipv6
    }
}

pub(crate) const TCP: u32 = 6;
pub(crate) const UDP: u32 = 17;
pub(crate) const ICMP: u32 = 1;
pub(crate) const IPV6_ICMP: u32 = 58;
pub(crate) const SCTP: u32 = 132;
pub(crate) const DCCP: u32 = 33;
pub(crate) const UDPLITE: u32 = 136;

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// `resolve_proto`: the number of a protocol name or number, if it is one. A list is an error.
pub(crate) fn resolve_proto(env: &Env<'_>, proto: &str, col: usize) -> Check<Option<u32>> {
    let proto = proto.split(':').next().unwrap_or("");
    if is_digits(proto) || proto.starts_with("0x") {
        return Ok(parse_number(proto)
            .filter(|it| *it <= 255)
            .map(|it| it as u32));
    }
    if proto.contains(',') {
        return Err(Problem::new(
            col,
            "unknown-protocol",
            format!("A protocol list  ({proto}) is not allowed in this context"),
        ));
    }
    let proto = if proto == "icmp" && env.ipv6() {
        "ipv6-icmp"
    } else {
        proto
    };
    Ok(match proto {
        "all" | "ALL" => Some(0),
        "icmp" | "ICMP" => Some(1),
        "tcp" | "TCP" => Some(6),
        "udp" | "UDP" => Some(17),
        _ => env.names.protocol_number(proto).map(u32::from),
    })
}

/// `proto_name`: the canonical name of a protocol number (as given when not a number).
pub(crate) fn proto_name(env: &Env<'_>, proto: &str) -> String {
    if !is_digits(proto) {
        return proto.to_owned();
    }
    let number: u32 = proto.parse().unwrap_or(u32::MAX);
    match number {
        0 => "all".to_owned(),
        1 => "icmp".to_owned(),
        6 => "tcp".to_owned(),
        17 => "udp".to_owned(),
        n => u8::try_from(n)
            .ok()
            .and_then(|n| env.names.protocol_name(n))
            .unwrap_or("")
            .to_owned(),
    }
}

/// `validate_port`: a port number or a service name of the protocol (a name or a number).
pub(crate) fn validate_port(env: &Env<'_>, proto: &str, port: &str, col: usize) -> Check<u32> {
    // The message names the protocol as given, or by name when a service was looked up.
    let mut shown = proto.to_owned();
    if is_digits(port) || port.starts_with("0x") {
        if let Some(value) = parse_number(port) {
            if value > 0 && value <= 65535 {
                return Ok(value as u32);
            }
        }
    } else if port.starts_with('%') {
        return Ok(1);
    } else {
        shown = proto_name(env, proto);
        if let Some(value) = env.names.service_port(port, &shown) {
            return Ok(u32::from(value));
        }
    }
    if let Some((a, b)) = port.split_once('-') {
        if is_digits(a) && is_digits(b) {
            return Err(Problem::new(
                col,
                "invalid-port",
                format!("The separator for a port range is ':', not '-' ({port})"),
            )
            .at(port));
        }
    }
    Err(Problem::new(
        col,
        "invalid-port",
        format!("Invalid/Unknown {shown} port/service ({port})"),
    )
    .at(port))
}

/// `validate_portpair`: `port`, `a:b`, `a-b`, `:b`, `a:`.
fn validate_portpair(env: &Env<'_>, proto: &str, portpair: &str, col: usize) -> Check {
    // The common case, one decimal port number (no leading zero, 1..=65535), for a protocol
    // with ports.
    let plain_number = !portpair.starts_with('0')
        && (1..=5).contains(&portpair.len())
        && portpair.bytes().all(|b| b.is_ascii_digit())
        && portpair.parse::<u32>().is_ok_and(|it| it <= 65535);
    if plain_number
        && [TCP, UDP, UDPLITE, SCTP, DCCP].contains(&resolve_proto(env, proto, col)?.unwrap_or(0))
    {
        return Ok(());
    }
    let mut pair = portpair.to_owned();
    if pair.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        pair = pair.replace('-', ":");
    }
    if pair.matches(':').count() > 1 {
        return Err(Problem::new(
            col,
            "invalid-port-range",
            format!("Invalid port range ({portpair})"),
        )
        .at(portpair));
    }
    if pair.starts_with(':') {
        pair.insert(0, '0');
    }
    if pair.ends_with(':') {
        pair.push_str("65535");
    }
    let protonum = resolve_proto(env, proto, col)?.unwrap_or(0);
    let ports: Vec<&str> = pair.splitn(2, ':').collect();
    let mut values = Vec::new();
    for port in &ports {
        // Perl's `grep $_`: "" and "0" are not validated.
        if port.is_empty() || *port == "0" {
            values.push(0);
        } else {
            values.push(validate_port(env, &protonum.to_string(), port, col)?);
        }
    }
    let what = if ports.len() == 2 {
        let dollar = ports.iter().any(|it| it.starts_with('$'));
        if !dollar && values[0] >= values[1] {
            return Err(Problem::new(
                col,
                "invalid-port-range",
                format!("Invalid port range ({portpair})"),
            )
            .at(portpair));
        }
        "port range"
    } else {
        "port"
    };
    if ![TCP, UDP, UDPLITE, SCTP, DCCP].contains(&protonum) {
        return Err(Problem::new(
            col,
            "port-without-protocol",
            format!("Using a {what} ( {portpair} ) requires PROTO TCP, UDP, UDPLITE, SCTP or DCCP"),
        ));
    }
    Ok(())
}

/// `split_list`: a comma-separated list without empty members.
pub(crate) fn split_list<'t>(list: &'t str, what: &str, col: usize) -> Check<Vec<&'t str>> {
    if crate::compile::lists::misplaced_comma(list) {
        return Err(Problem::new(
            col,
            "invalid-column",
            format!("Invalid {what} list ({list})"),
        )
        .at(list));
    }
    Ok(list.split(',').collect())
}

/// `port_count`: how many ports a list counts for multiport (a range counts 2).
pub(crate) fn port_count(ports: &str) -> usize {
    ports.split(',').count() + ports.matches(':').count()
}

fn validate_port_list(env: &Env<'_>, proto: &str, list: &str, col: usize) -> Check {
    let items = split_list(list, "port", col)?;
    if items.len() > 1 && list.contains([':', '-']) {
        env.require(col, "XMULTIPORT", "Port ranges in a port list", "")?;
    }
    let name = proto_name(env, proto);
    for item in items {
        validate_portpair(env, &name, item, col)?;
    }
    Ok(())
}

/// `validate_icmp` / `validate_icmp6`.
fn validate_icmp(family_v6: bool, icmp_type: &str, col: usize) -> Check {
    const V4: &[&str] = &[
        "any",
        "echo-reply",
        "destination-unreachable",
        "network-unreachable",
        "host-unreachable",
        "protocol-unreachable",
        "port-unreachable",
        "fragmentation-needed",
        "source-route-failed",
        "network-unknown",
        "host-unknown",
        "network-prohibited",
        "host-prohibited",
        "TOS-network-unreachable",
        "TOS-host-unreachable",
        "communication-prohibited",
        "host-precedence-violation",
        "precedence-cutoff",
        "source-quench",
        "redirect",
        "network-redirect",
        "host-redirect",
        "TOS-network-redirect",
        "TOS-host-redirect",
        "echo-request",
        "router-advertisement",
        "router-solicitation",
        "time-exceeded",
        "ttl-zero-during-transit",
        "ttl-zero-during-reassembly",
        "parameter-problem",
        "ip-header-bad",
        "required-option-missing",
        "timestamp-request",
        "timestamp-reply",
        "address-mask-request",
        "address-mask-reply",
    ];
    const V6: &[&str] = &[
        "any",
        "destination-unreachable",
        "no-route",
        "communication-prohibited",
        "address-unreachable",
        "port-unreachable",
        "packet-too-big",
        "time-exceeded",
        "ttl-exceeded",
        "ttl-zero-during-transit",
        "ttl-zero-during-reassembly",
        "parameter-problem",
        "bad-header",
        "unknown-header-type",
        "unknown-option",
        "echo-request",
        "echo-reply",
        "router-solicitation",
        "router-advertisement",
        "neighbour-solicitation",
        "neighbour-advertisement",
        "redirect",
    ];
    if (if family_v6 { V6 } else { V4 }).contains(&icmp_type) {
        return Ok(());
    }
    let (kind, code) = match icmp_type.split_once('/') {
        Some((kind, code)) => (kind, Some(code)),
        None => (icmp_type, None),
    };
    let small = |it: &str| is_digits(it) && it.parse::<u64>().is_ok_and(|it| it < 256);
    // `/^(\d+)(\/(\d+))?$/` and `$1 < 256 && ( ! $2 || $3 < 256 )`.
    if small(kind) && code.is_none_or(small) {
        return Ok(());
    }
    let message = if family_v6 {
        format!("Invalid IPv6 ICMP Type ({icmp_type})")
    } else {
        format!("Invalid ICMP Type ({icmp_type})")
    };
    Err(Problem::new(col, "invalid-port", message).at(icmp_type))
}

/// `get_set_flags`: an ipset reference in a port or address column.
pub(crate) fn set_flags(env: &Env<'_>, setname: &str, option: &str, col: usize) -> Check {
    env.require(
        col,
        "IPSET_MATCH",
        "ipset names in Shorewall configuration files",
        "",
    )?;
    let setname = setname.trim_start_matches('!');
    if let Some(open) = setname.find('[') {
        let inner = setname[open + 1..].trim_end_matches(']');
        let rest = if inner.starts_with(|c: char| ('1'..='6').contains(&c)) {
            inner.get(1..).unwrap_or("").trim_start_matches(',')
        } else {
            let mut flags_end = 0;
            for part in inner.split(',') {
                if part == "src" || part == "dst" {
                    flags_end += part.len() + 1;
                } else {
                    break;
                }
            }
            inner.get(flags_end.min(inner.len())..).unwrap_or("")
        };
        for extension in rest.split(',').filter(|it| !it.is_empty()) {
            let known = matches!(extension, "nomatch" | "no-counters")
                || extension.starts_with("packets")
                || extension.starts_with("bytes");
            if !known {
                return Err(Problem::new(
                    col,
                    "invalid-address",
                    format!("Invalid ipset option ({extension})"),
                ));
            }
        }
    }
    let _ = option;
    Ok(())
}

/// `do_proto`: PROTO with DPORT and SPORT.
pub(crate) fn do_proto(env: &Env<'_>, proto: &str, ports: &str, sports: &str) -> Check {
    let ports = if ports == "-" { "" } else { ports };
    let sports = if sports == "-" { "" } else { sports };
    if proto == "-" || proto.is_empty() {
        if !ports.is_empty() || !sports.is_empty() {
            let idx = if ports.is_empty() {
                col::SPORT
            } else {
                col::DPORT
            };
            return Err(Problem::new(
                idx,
                "port-without-protocol",
                "SOURCE/DEST PORT(S) not allowed without PROTO",
            ));
        }
        return Ok(());
    }
    // The suffixes are ASCII: cutting them leaves the text on a character boundary.
    let ends_with = |text: &str, suffix: &str| {
        text.len() >= suffix.len()
            && text.as_bytes()[text.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    let mut proto = proto;
    let synonly = ends_with(proto, ":syn") || ends_with(proto, ":!syn");
    if synonly {
        let cut = if ends_with(proto, ":!syn") { 5 } else { 4 };
        proto = &proto[..proto.len() - cut];
    }
    let all = ends_with(proto, ":all");
    if all {
        proto = &proto[..proto.len() - 4];
    }
    let invert = proto.starts_with('!');
    if invert {
        proto = &proto[1..];
    }
    let Some(number) = resolve_proto(env, proto, col::PROTO)? else {
        if synonly {
            return Err(Problem::new(
                col::PROTO,
                "unknown-protocol",
                "\":syn\" is only allowed with tcp",
            ));
        }
        let full = if all {
            format!("{proto}:all")
        } else {
            proto.to_owned()
        };
        let lower = full.to_ascii_lowercase();
        let ipp2p = lower == "ipp2p"
            || lower == "ipp2p:tcp"
            || lower == "ipp2p:udp"
            || lower == "ipp2p:all";
        if ipp2p {
            return env.require(col::PROTO, "IPP2P_MATCH", &format!("PROTO = {full}"), "s");
        }
        return Err(Problem::new(
            col::PROTO,
            "unknown-protocol",
            format!("Invalid/Unknown protocol ({full})"),
        )
        .at(&full));
    };
    if invert && number == 0 {
        return Err(Problem::new(
            col::PROTO,
            "unknown-protocol",
            "'!0' not allowed in the PROTO column",
        ));
    }
    let pname = proto_name(env, &number.to_string());
    if !synonly {
        if all && number != TCP {
            return Err(Problem::new(
                col::PROTO,
                "unknown-protocol",
                "\":all\" is only allowed with tcp",
            ));
        }
    } else if number != TCP || invert {
        return Err(Problem::new(
            col::PROTO,
            "unknown-protocol",
            "\":syn\" is only allowed with tcp",
        ));
    }
    if invert && (!ports.is_empty() || !sports.is_empty()) {
        return Err(Problem::new(
            col::DPORT,
            "port-without-protocol",
            format!("SOURCE/DEST PORT(S) not allowed with PROTO !{pname}"),
        ));
    }
    match number {
        TCP | UDP | SCTP | DCCP | UDPLITE => {
            let mut multiport = number == UDPLITE;
            let mut sports = sports.to_owned();
            if !ports.is_empty() {
                let inverted = ports.starts_with('!');
                let list = ports.trim_start_matches('!');
                if list.starts_with('+') {
                    set_flags(env, list, "dst", col::DPORT)?;
                } else {
                    if sports == "=" {
                        env.require(
                            col::SPORT,
                            "MULTIPORT",
                            "'=' in the SOURCE PORT(S) column",
                            "s",
                        )?;
                        sports.clear();
                    }
                    if multiport || list.contains(',') || sports.contains(',') {
                        env.require(col::DPORT, "MULTIPORT", "Port lists", "")
                            .map_err(|_| {
                                Problem::new(
                                    col::DPORT,
                                    "missing-capability",
                                    "Port lists require Multiport support in your kernel/iptables",
                                )
                            })?;
                        if port_count(list) > 15 && inverted {
                            return Err(Problem::new(
                                col::DPORT,
                                "invalid-port",
                                "An inverted port list may only have up to 15 ports",
                            ));
                        }
                        validate_port_list(env, &pname, list, col::DPORT)?;
                        multiport = true;
                    } else {
                        if list.is_empty() {
                            return Err(Problem::new(
                                col::DPORT,
                                "invalid-port",
                                "Missing DEST PORT",
                            ));
                        }
                        if !list.starts_with('$') {
                            validate_portpair(env, &pname, list, col::DPORT)?;
                        }
                    }
                }
            } else {
                multiport |= sports.contains(',');
            }
            if multiport && number != TCP && number != UDP {
                env.require(col::PROTO, "EMULTIPORT", &format!("Protocol {pname}"), "s")?;
            }
            if !sports.is_empty() {
                if sports == "=" {
                    return Err(Problem::new(
                        col::SPORT,
                        "invalid-port",
                        "'=' in the SOURCE PORT(S) column requires one or more ports in the DEST PORT(S) column",
                    ));
                }
                let inverted = sports.starts_with('!');
                let list = sports.trim_start_matches('!');
                if list.starts_with('+') {
                    set_flags(env, list, "src", col::SPORT)?;
                } else if multiport {
                    if port_count(list) > 15 && inverted {
                        return Err(Problem::new(
                            col::SPORT,
                            "invalid-port",
                            "An inverted port list may only have up to 15 ports",
                        ));
                    }
                    validate_port_list(env, &pname, list, col::SPORT)?;
                } else {
                    if list.is_empty() {
                        return Err(Problem::new(
                            col::SPORT,
                            "invalid-port",
                            "Missing SOURCE PORT",
                        ));
                    }
                    validate_portpair(env, &pname, list, col::SPORT)?;
                }
            }
            Ok(())
        }
        ICMP | IPV6_ICMP => {
            if number == ICMP && env.ipv6() {
                return Err(Problem::new(
                    col::PROTO,
                    "wrong-address-family",
                    "ICMP not permitted in an IPv6 configuration",
                ));
            }
            if number == IPV6_ICMP && !env.ipv6() {
                return Err(Problem::new(
                    col::PROTO,
                    "wrong-address-family",
                    "IPv6_ICMP not permitted in an IPv4 configuration",
                ));
            }
            if !ports.is_empty() {
                let inverted = ports.starts_with('!');
                let list = ports.trim_start_matches('!');
                if list.contains(',') {
                    if inverted {
                        return Err(Problem::new(
                            col::DPORT,
                            "invalid-port",
                            "An inverted ICMP list may only contain a single type",
                        ));
                    }
                    for icmp_type in split_list(list, "ICMP type", col::DPORT)? {
                        validate_icmp(env.ipv6(), icmp_type, col::DPORT)?;
                    }
                } else {
                    validate_icmp(env.ipv6(), list, col::DPORT)?;
                }
            }
            if !sports.is_empty() {
                let message = if number == ICMP {
                    "SOURCE PORT(S) not permitted with ICMP"
                } else {
                    "SOURCE PORT(S) not permitted with IPv6-ICMP"
                };
                return Err(Problem::new(col::SPORT, "invalid-port", message));
            }
            Ok(())
        }
        _ => {
            if !ports.is_empty() || !sports.is_empty() {
                let idx = if ports.is_empty() {
                    col::SPORT
                } else {
                    col::DPORT
                };
                return Err(Problem::new(
                    idx,
                    "port-without-protocol",
                    format!("SOURCE/DEST PORT(S) not allowed with PROTO {pname}"),
                ));
            }
            Ok(())
        }
    }
}

/// `do_ratelimit`.
pub(crate) fn do_ratelimit(env: &Env<'_>, rates: &str, action: &str) -> Check {
    if rates.is_empty() || rates == "-" {
        return Ok(());
    }
    if action == "DROP" || action == "REJECT" {
        return Err(Problem::new(
            col::RATE,
            "rate-with-drop",
            format!("Rate Limiting not available with {action}"),
        ));
    }
    let list = split_list3(rates);
    if list.len() > 2 {
        // Shorewall 5.2.8 writes `fatal error` here, which Perl runs as a method call on an
        // undefined package: the compiler dies with that Perl error on this line.
        return Err(Problem::new(
            col::RATE,
            "invalid-rate",
            "Only two rates may be specified",
        ));
    }
    for rate in list {
        check_rate(env, rate)?;
    }
    Ok(())
}

/// `split_list3`: commas outside parentheses.
pub(crate) fn split_list3(text: &str) -> Vec<&str> {
    crate::model::catalog::split_outside_parens(text)
}

/// One rate: `^(?:([sd])(?:/(\d+))?:)?(?:(([A-Za-z]\w*)?(?:\((\d+),(\d+)\))?:)|:)?((\d+)(/(sec|min|hour|day))?)(?::(\d+))?$`.
fn check_rate(env: &Env<'_>, rate: &str) -> Check {
    let invalid =
        || Problem::new(col::RATE, "invalid-rate", format!("Invalid rate ({rate})")).at(rate);
    // Try the regex's alternatives the way a backtracking engine would: the optional prefixes
    // are tried present first, then absent.
    let parsed = parse_rate(rate).ok_or_else(invalid)?;
    if parsed.rate == 0 {
        return Err(Problem::new(
            col::RATE,
            "invalid-rate",
            format!("Invalid Rate ({})", parsed.rate_text),
        ));
    }
    if parsed.mode.is_some() {
        env.require(col::RATE, "HASHLIMIT_MATCH", "Per-ip rate limiting", "s")?;
    }
    if let Some(burst) = &parsed.burst {
        if burst.parse::<u64>().unwrap_or(0) == 0 {
            return Err(Problem::new(
                col::RATE,
                "invalid-rate",
                format!("Invalid Burst ({burst})"),
            ));
        }
    }
    if let Some(vlsm) = &parsed.vlsm {
        let max = if env.ipv6() { 128 } else { 32 };
        let value = vlsm.parse::<u64>().unwrap_or(0);
        if value == 0 || value > max {
            return Err(Problem::new(
                col::RATE,
                "invalid-rate",
                format!("Invalid VLSM ({vlsm})"),
            ));
        }
    }
    if let Some((buckets, max)) = &parsed.table {
        let (buckets, max) = (
            buckets.parse::<u64>().unwrap_or(0),
            max.parse::<u64>().unwrap_or(0),
        );
        if buckets == 0 {
            return Err(Problem::new(
                col::RATE,
                "invalid-rate",
                format!("Invalid hash table buckets ({buckets})"),
            ));
        }
        if max == 0 {
            return Err(Problem::new(
                col::RATE,
                "invalid-rate",
                format!("Invalid hash max entries({max})"),
            ));
        }
        if max <= buckets {
            return Err(Problem::new(
                col::RATE,
                "invalid-rate",
                "Hash max entries must be > hash table buckets",
            ));
        }
    }
    Ok(())
}

struct ParsedRate {
    mode: Option<char>,
    vlsm: Option<String>,
    table: Option<(String, String)>,
    rate_text: String,
    rate: u64,
    burst: Option<String>,
}

fn parse_rate(rate: &str) -> Option<ParsedRate> {
    // The prefix `([sd])(?:/(\d+))?:` is optional.
    let mut starts: Vec<(Option<char>, Option<String>, &str)> = Vec::new();
    if let Some(first) = rate.chars().next().filter(|it| *it == 's' || *it == 'd') {
        let after = &rate[1..];
        if let Some(rest) = after.strip_prefix('/') {
            let len = rest.bytes().take_while(u8::is_ascii_digit).count();
            if len > 0 {
                if let Some(tail) = rest[len..].strip_prefix(':') {
                    starts.push((Some(first), Some(rest[..len].to_owned()), tail));
                }
            }
        } else if let Some(tail) = after.strip_prefix(':') {
            starts.push((Some(first), None, tail));
        }
    }
    starts.push((None, None, rate));
    for (mode, vlsm, rest) in starts {
        // `(?:(([A-Za-z]\w*)?(?:\((\d+),(\d+)\))?:)|:)?` then the rate.
        let mut middles: Vec<(Option<(String, String)>, &str)> = Vec::new();
        let name_len = rest
            .char_indices()
            .take_while(|(idx, c)| {
                if *idx == 0 {
                    c.is_ascii_alphabetic()
                } else {
                    c.is_ascii_alphanumeric() || *c == '_'
                }
            })
            .count();
        let after_name = &rest[name_len..];
        if let Some(inner) = after_name.strip_prefix('(') {
            if let Some(close) = inner.find(')') {
                if let Some((a, b)) = inner[..close].split_once(',') {
                    if is_digits(a) && is_digits(b) {
                        if let Some(tail) = inner[close + 1..].strip_prefix(':') {
                            middles.push((Some((a.to_owned(), b.to_owned())), tail));
                        }
                    }
                }
            }
        }
        if let Some(tail) = after_name.strip_prefix(':') {
            middles.push((None, tail));
        }
        middles.push((None, rest));
        for (table, tail) in middles {
            if let Some((rate_text, rate_value, burst)) = parse_rate_tail(tail) {
                return Some(ParsedRate {
                    mode,
                    vlsm,
                    table,
                    rate_text,
                    rate: rate_value,
                    burst,
                });
            }
        }
    }
    None
}

/// `((\d+)(/(sec|min|hour|day))?)(?::(\d+))?$`.
fn parse_rate_tail(text: &str) -> Option<(String, u64, Option<String>)> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let number = &text[..digits];
    let mut rest = &text[digits..];
    if let Some(unit) = rest.strip_prefix('/') {
        let len = unit.bytes().take_while(u8::is_ascii_alphabetic).count();
        if !["sec", "min", "hour", "day"].contains(&&unit[..len]) {
            return None;
        }
        rest = &unit[len..];
    }
    let burst = match rest.strip_prefix(':') {
        Some(burst) if is_digits(burst) => Some(burst.to_owned()),
        Some(_) => return None,
        None if rest.is_empty() => None,
        None => return None,
    };
    Some((number.to_owned(), number.parse().unwrap_or(u64::MAX), burst))
}

/// `do_user`.
pub(crate) fn do_user(env: &Env<'_>, user: &str) -> Check {
    if user == "-" || user.is_empty() {
        return Ok(());
    }
    env.require(col::USER, "OWNER_MATCH", "A non-empty USER column", "s")?;
    // `^(!)?(.*?)(:(.+))?$`
    let body = user.strip_prefix('!').unwrap_or(user);
    let (name, group) = match body.find(':') {
        Some(idx) if idx + 1 < body.len() => (&body[..idx], &body[idx + 1..]),
        _ => (body, ""),
    };
    let name = name.trim_end_matches(':');
    let check = |id: &str, what: &str| -> Check {
        if let Some((low, high)) = id.split_once('-') {
            if is_digits(low) && is_digits(high) {
                if high.parse::<u64>().unwrap_or(0) < low.parse::<u64>().unwrap_or(0) {
                    let title = if what == "user" { "User" } else { "Group" };
                    return Err(Problem::new(
                        col::USER,
                        "invalid-column",
                        format!("Invalid {title} Range ({id})"),
                    ));
                }
                return Ok(());
            }
        }
        if is_digits(id) {
            return Ok(());
        }
        // Compiling for export (-e), Shorewall does not look names up on this machine.
        env.require(
            col::USER,
            "OWNER_NAME_MATCH",
            &format!("Specifying a {what} name"),
            "s",
        )
    };
    if !name.is_empty() {
        check(name, "user")?;
    }
    if !group.is_empty() {
        check(group, "group")?;
    }
    Ok(())
}

/// `validate_mark` for the MARK column (`do_test`).
pub(crate) fn do_test(layout: &MarkLayout, mark: &str) -> Check {
    if mark == "-" || mark.is_empty() {
        return Ok(());
    }
    let original = mark;
    let mut value = mark.trim_start_matches('!').to_owned();
    if let Some(stripped) = value.strip_suffix(":C") {
        value = stripped.to_owned();
    }
    if value == "/" {
        return Err(Problem::new(
            col::MARK,
            "invalid-column",
            format!("Invalid MARK value ({original})"),
        ));
    }
    validate_mark(layout, &value, col::MARK)
}

/// `validate_mark`: `value[/mask]`, each a number the mark layout allows.
pub(crate) fn validate_mark(layout: &MarkLayout, mark: &str, col: usize) -> Check {
    if mark.is_empty() || mark == "-" {
        return Err(Problem::new(col, "invalid-column", "Missing MARK"));
    }
    let parts: Vec<&str> = mark.split('/').collect();
    if mark.contains('/') && parts.len() != 2 {
        return Err(Problem::new(
            col,
            "invalid-column",
            format!("Invalid MARK ({mark})"),
        ));
    }
    for part in parts {
        layout.verify(part, col)?;
    }
    Ok(())
}

/// The packet mark layout (`Config.pm`: TC_BITS, MASK_BITS, PROVIDER_BITS, PROVIDER_OFFSET,
/// ZONE_BITS, TC_EXPERT).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MarkLayout {
    /// Marks must be below this.
    limit: u64,
    /// Above this, a mark must fit the provider, user or zone mask.
    mask: u64,
    provider_mask: u64,
    user_mask: u64,
    zone_mask: u64,
}

impl MarkLayout {
    pub(crate) fn from_settings(settings: &crate::model::Settings) -> MarkLayout {
        let number = |name: &str, default: u64| -> u64 {
            let value = settings.get(name);
            if value.is_empty() {
                default
            } else {
                parse_number(value).unwrap_or(default)
            }
        };
        let mask_bits = number("MASK_BITS", 8).min(30);
        let provider_bits = number("PROVIDER_BITS", 8).min(30);
        let tc_bits = number("TC_BITS", 8).min(30);
        let zone_bits = number("ZONE_BITS", 0).min(30);
        let mut provider_offset = number("PROVIDER_OFFSET", 0).min(30);
        let zone_offset = if provider_offset != 0 {
            provider_offset = provider_offset.max(mask_bits);
            provider_offset + provider_bits
        } else {
            mask_bits.max(provider_bits)
        };
        let make_mask = |bits: u64| (1u64 << bits) - 1;
        let exclusion = 1u64 << (zone_offset + zone_bits).min(62);
        let tproxy = exclusion << 1;
        let expert = settings.is_yes("TC_EXPERT");
        MarkLayout {
            limit: if expert { tproxy + 1 } else { exclusion },
            mask: if expert { tproxy } else { make_mask(mask_bits) },
            provider_mask: make_mask(provider_bits) << provider_offset,
            user_mask: if provider_offset > tc_bits {
                make_mask(provider_offset - tc_bits) << tc_bits
            } else {
                0
            },
            zone_mask: if zone_bits > 0 {
                make_mask(zone_bits) << zone_offset
            } else {
                0
            },
        }
    }

    /// `verify_mark`.
    fn verify(&self, mark: &str, col: usize) -> Check {
        let invalid = || {
            Problem::new(
                col,
                "invalid-column",
                format!("Invalid Mark or Mask value ({mark})"),
            )
            .at(mark)
        };
        let value = parse_number(mark).ok_or_else(invalid)?;
        if value >= self.limit {
            return Err(invalid());
        }
        if value > self.mask
            && value & self.provider_mask != value
            && value & self.user_mask != value
            && value & self.zone_mask != value
        {
            return Err(invalid());
        }
        Ok(())
    }
}

/// `do_connlimit`.
pub(crate) fn do_connlimit(env: &Env<'_>, limit: &str) -> Check {
    if limit == "-" || limit.is_empty() {
        return Ok(());
    }
    env.require(
        col::CONNLIMIT,
        "CONNLIMIT_MATCH",
        "A non-empty CONNLIMIT",
        "s",
    )?;
    let body = limit.strip_prefix("d:").unwrap_or(limit);
    let body = body.strip_prefix('!').unwrap_or(body);
    let valid = match body.split_once(':') {
        Some((count, mask)) => is_digits(count) && is_digits(mask),
        None => is_digits(body),
    };
    if valid {
        Ok(())
    } else {
        Err(Problem::new(
            col::CONNLIMIT,
            "invalid-column",
            format!("Invalid connlimit ({body})"),
        ))
    }
}

/// `do_time`.
pub(crate) fn do_time(env: &Env<'_>, time: &str) -> Check {
    if time == "-" || time.is_empty() {
        return Ok(());
    }
    env.require(col::TIME, "TIME_MATCH", "A non-empty TIME", "s")?;
    let problem = |message: String, needle: &str| {
        Err(Problem::new(col::TIME, "invalid-column", message).at(needle))
    };
    for element in time.split('&') {
        if element.is_empty() || element == "0" {
            return problem(format!("Invalid time element list ({time})"), time);
        }
        if let Some(value) = element
            .strip_prefix("timestart=")
            .or_else(|| element.strip_prefix("timestop="))
        {
            let parts: Vec<&str> = value.split(':').collect();
            let valid = (2..=3).contains(&parts.len())
                && parts
                    .iter()
                    .all(|it| (1..=2).contains(&it.len()) && is_digits(it));
            if !valid {
                return problem(format!("Invalid time element ({element})"), element);
            }
        } else if let Some(days) = element.strip_prefix("weekdays=") {
            for day in days.split(',') {
                let valid = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].contains(&day)
                    || (day.len() == 1 && is_digits(day) && day != "0" && day <= "7");
                if !valid {
                    return problem(format!("Invalid weekday ({day})"), day);
                }
            }
        } else if let Some(days) = element.strip_prefix("monthdays=") {
            for day in days.split(',') {
                let valid = (1..=2).contains(&day.len())
                    && is_digits(day)
                    && day.parse::<u32>().is_ok_and(|it| (1..=31).contains(&it));
                if !valid {
                    return problem(format!("Invalid day of the month ({day})"), day);
                }
            }
        } else if let Some(date) = element
            .strip_prefix("datestart=")
            .or_else(|| element.strip_prefix("datestop="))
        {
            if !valid_date(date) {
                return problem(format!("Invalid time element ({element})"), element);
            }
        } else if !matches!(element, "utc" | "localtz" | "kerneltz" | "contiguous") {
            return problem(format!("Invalid time element ({element})"), element);
        }
    }
    Ok(())
}

/// `\d{4}(-\d{2}(-\d{2}(T\d{1,2}(:\d{1,2}){0,2})?)?)?`
fn valid_date(date: &str) -> bool {
    let (day_part, time_part) = match date.split_once('T') {
        Some((day, time)) => (day, Some(time)),
        None => (date, None),
    };
    let fields: Vec<&str> = day_part.split('-').collect();
    let shape = match fields.as_slice() {
        [year] => year.len() == 4 && is_digits(year) && time_part.is_none(),
        [year, month] => {
            year.len() == 4
                && is_digits(year)
                && month.len() == 2
                && is_digits(month)
                && time_part.is_none()
        }
        [year, month, day] => {
            year.len() == 4
                && is_digits(year)
                && month.len() == 2
                && is_digits(month)
                && day.len() == 2
                && is_digits(day)
        }
        _ => false,
    };
    shape
        && time_part.is_none_or(|time| {
            let parts: Vec<&str> = time.split(':').collect();
            parts.len() <= 3
                && parts
                    .iter()
                    .all(|it| (1..=2).contains(&it.len()) && is_digits(it))
        })
}

/// `do_headers`.
pub(crate) fn do_headers(env: &Env<'_>, headers: &str) -> Check {
    if headers == "-" || headers.is_empty() {
        return Ok(());
    }
    env.require(
        col::HEADERS,
        "HEADER_MATCH",
        "A non-empty HEADER column",
        "s",
    )?;
    const HEADERS: &[&str] = &[
        "auth",
        "dst",
        "esp",
        "frag",
        "hop",
        "hop-by-hop",
        "none",
        "protocol",
        "route",
        "ipv6-frag",
        "ipv6-route",
        "ipv6-opts",
        "ipv6-nonxt",
        "ah",
        "0",
        "43",
        "44",
        "50",
        "51",
        "59",
        "60",
        "255",
    ];
    let body = headers.strip_prefix('!').unwrap_or(headers);
    let body = body
        .strip_prefix("exactly:")
        .or_else(|| body.strip_prefix("any:"))
        .unwrap_or(body);
    for header in split_list(body, "Header", col::HEADERS)? {
        if header != "proto" && !HEADERS.contains(&header) {
            return Err(Problem::new(
                col::HEADERS,
                "invalid-column",
                format!("Unknown IPv6 Header ({header})"),
            )
            .at(header));
        }
    }
    Ok(())
}

/// `do_condition`: the SWITCH column. `switches` remembers initial settings.
pub(crate) fn do_condition(
    env: &Env<'_>,
    condition: &str,
    chain: &str,
    switches: &mut HashMap<String, u8>,
) -> Check {
    if condition == "-" || condition.is_empty() {
        return Ok(());
    }
    let mut name = condition.strip_prefix('!').unwrap_or(condition).to_owned();
    let mut initial = None;
    if let Some(stripped) = name.strip_suffix("=0") {
        initial = Some(0);
        name = stripped.to_owned();
    } else if let Some(stripped) = name.strip_suffix("=1") {
        initial = Some(1);
        name = stripped.to_owned();
    }
    env.require(
        col::SWITCH,
        "CONDITION_MATCH",
        "A non-empty SWITCH column",
        "s",
    )?;
    let chain: String = chain
        .chars()
        .filter(|it| it.is_ascii_alphanumeric() || *it == '_' || *it == '-')
        .collect();
    let name = name.replace("@{0}", &chain).replace("@{chain}", &chain);
    let name = name.replace("@0", &chain).replace("@chain", &chain);
    let valid = name
        .chars()
        .next()
        .is_some_and(|it| it.is_ascii_alphabetic())
        && name
            .chars()
            .all(|it| it.is_ascii_alphanumeric() || it == '_' || it == '-')
        && name.len() <= 30;
    if !valid {
        return Err(Problem::new(
            col::SWITCH,
            "invalid-column",
            format!("Invalid switch name ({name})"),
        ));
    }
    if let Some(initial) = initial {
        match switches.get(&name) {
            Some(previous) if *previous != initial => {
                return Err(Problem::new(
                    col::SWITCH,
                    "invalid-column",
                    format!("Switch {name} was previously initialized to {previous}"),
                ));
            }
            Some(_) => {}
            None => {
                switches.insert(name, initial);
            }
        }
    }
    Ok(())
}

/// The protocols of the helpers (`%helpers`): one, or a list.
fn helper_protocols(base: &str) -> Option<&'static [u32]> {
    Some(match base {
        "amanda" => &[UDP],
        "ftp" => &[TCP],
        "irc" => &[TCP],
        "netbios-ns" => &[UDP],
        "pptp" => &[TCP],
        "Q.931" => &[TCP],
        "RAS" => &[UDP],
        "sane" => &[TCP],
        "sip" => &[UDP],
        "snmp" => &[UDP],
        "tftp" => &[UDP],
        _ => return None,
    })
}

/// `%helpers_map`: the capability of each helper.
fn helper_capability(helper: &str) -> Option<&'static str> {
    Some(match helper {
        "amanda" => "AMANDA_HELPER",
        "ftp" => "FTP_HELPER",
        "irc" => "IRC_HELPER",
        "netbios-ns" => "NETBIOS_NS_HELPER",
        "pptp" => "PPTP_HELPER",
        "Q.931" | "RAS" => "H323_HELPER",
        "sane" => "SANE_HELPER",
        "sip" => "SIP_HELPER",
        "snmp" => "SNMP_HELPER",
        "tftp" => "TFTP_HELPER",
        _ => return None,
    })
}

/// `validate_helper`: with `proto` for a rule that attaches the helper (the HELPER column of
/// an ACCEPT or NAT rule), without it for a match (`do_helper`).
pub(crate) fn validate_helper(env: &Env<'_>, helper: &str, proto: Option<&str>) -> Check {
    let base = match helper.rsplit_once('-') {
        Some((base, digits)) if is_digits(digits) => base,
        _ => helper,
    };
    let Some(protos) = helper_protocols(base) else {
        return Err(Problem::new(
            col::HELPER,
            "invalid-column",
            format!("Unrecognized helper ({base})"),
        ));
    };
    // `%helpers_map{defined $proto ? $helper : $helper_base}`: `ftp-0` has no entry.
    let capability = helper_capability(if proto.is_some() { helper } else { base });
    let external = capability
        .map(|it| {
            it.to_ascii_lowercase()
                .replacen("_helper", "", 1)
                .replacen('_', "-", 1)
        })
        .unwrap_or_default();
    if !env.helpers_enabled.get(&external).copied().unwrap_or(false) {
        return Err(Problem::new(
            col::HELPER,
            "invalid-column",
            format!("The {external} helper is not enabled"),
        ));
    }
    if let Some(proto) = proto {
        if let Some(capability) = capability {
            env.require(col::HELPER, capability, &format!("Helper {helper}"), "s")?;
        }
        let protonum = if proto == "-" {
            None
        } else {
            match resolve_proto(env, proto, col::PROTO)? {
                Some(it) => Some(it),
                None => {
                    return Err(Problem::new(
                        col::PROTO,
                        "unknown-protocol",
                        format!("Unknown PROTO ({proto})"),
                    ))
                }
            }
        };
        if protonum.is_none_or(|it| !protos.contains(&it)) {
            let names: Vec<String> = protos
                .iter()
                .map(|it| proto_name(env, &it.to_string()))
                .collect();
            let message = if protos.len() > 1 {
                format!(
                    "The {base} helper requires PROTO to be one of '{}'",
                    names.join(",")
                )
            } else {
                format!("The {base} helper requires PROTO={}", names.join(","))
            };
            return Err(Problem::new(col::HELPER, "invalid-column", message));
        }
    }
    Ok(())
}

/// `handle_nfqueue`.
pub(crate) fn handle_nfqueue(env: &Env<'_>, params: &str) -> Check {
    let problem = |message: String| Err(Problem::new(col::ACTION, "invalid-action", message));
    env.require(
        col::ACTION,
        "NFQUEUE_TARGET",
        "NFQUEUE Rules and Policies",
        "",
    )?;
    if params.is_empty() {
        return Ok(());
    }
    let mut parts = params.splitn(3, ',');
    let queue = parts.next().unwrap_or("");
    let bypass = parts.next();
    if parts.next().is_some() {
        return problem(format!("Invalid NFQUEUE parameter list ({params})"));
    }
    let mut fanout = false;
    if !queue.is_empty() {
        if queue == "bypass" {
            if let Some(bypass) = bypass.filter(|it| !it.is_empty()) {
                return problem(format!("Invalid NFQUEUE options (bypass,{bypass})"));
            }
            return Ok(());
        }
        let (queue1, queue2) = match queue.split_once(':') {
            Some((a, b)) => (a, Some(b)),
            None => (queue, None),
        };
        if queue1.is_empty() {
            return problem(format!("Invalid NFQUEUE parameter list ({params})"));
        }
        let Some(first) = parse_number(queue1).filter(|it| *it <= 65535) else {
            return problem(format!("Invalid NFQUEUE queue number ({queue1})"));
        };
        if let Some(queue2) = queue2.filter(|it| !it.is_empty()) {
            let number = match queue2.strip_suffix('c') {
                Some(it) => {
                    fanout = true;
                    it
                }
                None => queue2,
            };
            let valid = parse_number(number).is_some_and(|it| it <= 65535 && first < it);
            if !valid {
                return problem(format!("Invalid NFQUEUE queue number ({number})"));
            }
        }
    }
    if let Some(bypass) = bypass.filter(|it| !it.is_empty()) {
        if bypass != "bypass" {
            return problem(format!("Invalid NFQUEUE option ({bypass})"));
        }
    }
    if fanout {
        env.require(col::ACTION, "CPU_FANOUT", "\"c\"", "s")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_with<'a>(
        caps: &'a Capabilities,
        names: &'a NameTables,
        helpers: &'a HashMap<String, bool>,
    ) -> Env<'a> {
        Env {
            family: Family::Ipv6,
            caps,
            names,
            helpers_enabled: helpers,
        }
    }

    #[test]
    fn protocols_and_ports() {
        let caps = Capabilities::default_for(Family::Ipv6);
        let names = NameTables::builtin();
        let helpers = HashMap::new();
        let env = env_with(&caps, &names, &helpers);
        assert_eq!(do_proto(&env, "tcp", "22", "-"), Ok(()));
        assert_eq!(do_proto(&env, "tcp", "22,80,1000:2000", "-"), Ok(()));
        assert_eq!(
            do_proto(&env, "tcp", "99999", "-").map_err(|it| it.message),
            Err("Invalid/Unknown 6 port/service (99999)".to_owned())
        );
        assert_eq!(
            do_proto(&env, "tcp", "ssh2", "-").map_err(|it| it.message),
            Err("Invalid/Unknown tcp port/service (ssh2)".to_owned())
        );
        assert_eq!(
            do_proto(&env, "tcp", "22:10", "-").map_err(|it| it.message),
            Err("Invalid port range (22:10)".to_owned())
        );
        assert_eq!(
            do_proto(&env, "-", "22", "-").map_err(|it| it.code),
            Err("port-without-protocol")
        );
        assert_eq!(do_proto(&env, "ipv6-icmp", "echo-request", "-"), Ok(()));
        assert_eq!(do_proto(&env, "icmp", "128/0", "-"), Ok(()));
        assert!(do_proto(&env, "udp:syn", "-", "-").is_err());
        // The :syn, :!syn and :all suffixes, in any case, and the inversion.
        for ok in [
            "tcp:syn", "TCP:SYN", "tcp:!syn", "tcp:all", "tcp:ALL", "!udp",
        ] {
            assert_eq!(do_proto(&env, ok, "-", "-"), Ok(()), "{ok}");
        }
        assert_eq!(
            do_proto(&env, "udp:all", "-", "-").map_err(|it| it.message),
            Err("\":all\" is only allowed with tcp".to_owned())
        );
        assert_eq!(
            do_proto(&env, "!tcp:syn", "-", "-").map_err(|it| it.message),
            Err("\":syn\" is only allowed with tcp".to_owned())
        );
        assert_eq!(
            do_proto(&env, "bogus:all", "-", "-").map_err(|it| it.message),
            Err("Invalid/Unknown protocol (bogus:all)".to_owned())
        );
        assert_eq!(
            do_proto(&env, "!tcp", "22", "-").map_err(|it| it.message),
            Err("SOURCE/DEST PORT(S) not allowed with PROTO !tcp".to_owned())
        );
    }

    #[test]
    fn rates() {
        let caps = Capabilities::default_for(Family::Ipv6);
        let names = NameTables::builtin();
        let helpers = HashMap::new();
        let env = env_with(&caps, &names, &helpers);
        for ok in [
            "3/min:5",
            "s:name:3/min:5",
            "s:3/sec",
            "10",
            ":3/min",
            "s/64:3/min",
        ] {
            assert_eq!(do_ratelimit(&env, ok, "ACCEPT"), Ok(()), "{ok}");
        }
        for bad in ["3/fortnight", "0/sec", "3/min:0", "s/129:3/min", "bogus"] {
            assert!(do_ratelimit(&env, bad, "ACCEPT").is_err(), "{bad}");
        }
        assert_eq!(
            do_ratelimit(&env, "3/min", "DROP").map_err(|it| it.code),
            Err("rate-with-drop")
        );
    }
}
