//! The rule matches built from the PROTO, DPORT, SPORT, RATE, USER, MARK, CONNLIMIT, TIME and
//! HEADERS columns, as text in Shorewall 5.2.8's exact form (`Chains.pm do_proto`,
//! `do_ratelimit`, `do_user`, `do_test`, `do_connlimit`, `do_time`, `do_headers`).
//! Each returns a string that ends in a space, or an empty string.

use super::capabilities::Capabilities;
use super::lists::{numeric_value, split_list, split_list3};
use super::{error, unsupported, Result};

/// Protocol and service names (the netbase tables; `/etc/protocols`, `/etc/services`).
pub trait Names {
    /// The number of a protocol name (`getprotobyname`).
    fn protocol_number(&self, name: &str) -> Option<u8>;
    /// The canonical name of a protocol number (`getprotobynumber`).
    fn protocol_name(&self, number: u8) -> Option<String>;
    /// The port of a service for a protocol name (`getservbyname`).
    fn service_port(&self, name: &str, proto: &str) -> Option<u16>;
}

pub const TCP: u8 = 6;
pub const UDP: u8 = 17;
pub const ICMP: u8 = 1;
pub const IPV6_ICMP: u8 = 58;
pub const SCTP: u8 = 132;
pub const DCCP: u8 = 33;
pub const UDPLITE: u8 = 136;

/// `resolve_proto`: a protocol number or name (`icmp` means ipv6-icmp in IPv6).
pub fn resolve_proto(names: &dyn Names, proto: &str) -> Option<u8> {
    let proto = proto.split(':').next().unwrap_or("");
    if proto.chars().all(|c| c.is_ascii_digit()) && !proto.is_empty() || proto.starts_with("0x") {
        return numeric_value(proto)
            .filter(|it| (0..=255).contains(it))
            .map(|it| it as u8);
    }
    match proto {
        "all" | "ALL" => Some(0),
        "icmp" | "ICMP" => Some(IPV6_ICMP),
        "tcp" | "TCP" => Some(TCP),
        "udp" | "UDP" => Some(UDP),
        _ => names.protocol_number(proto),
    }
}

/// `proto_name`: the name Shorewall uses for a protocol number in messages and lookups.
pub fn proto_name(names: &dyn Names, number: u8) -> String {
    match number {
        0 => "all".to_owned(),
        1 => "icmp".to_owned(),
        6 => "tcp".to_owned(),
        17 => "udp".to_owned(),
        _ => names.protocol_name(number).unwrap_or_default(),
    }
}

/// `validate_port`: a port number or service name for protocol `proto` (a name or number).
pub fn validate_port(names: &dyn Names, proto: &str, port: &str) -> Result<String> {
    let is_number =
        !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) || port.starts_with("0x");
    if is_number {
        if let Some(value) = numeric_value(port) {
            if value > 0 && value <= 65535 {
                return Ok(value.to_string());
            }
        }
    } else if let Some(variable) = port.strip_prefix('%') {
        return unsupported(format!(
            "Run-time port variables (%{variable}) are not supported by the preview"
        ));
    } else {
        let proto_text = if proto.chars().all(|c| c.is_ascii_digit()) && !proto.is_empty() {
            proto_name(names, proto.parse().unwrap_or(0))
        } else {
            proto.to_owned()
        };
        if let Some(value) = names.service_port(port, &proto_text) {
            return Ok(value.to_string());
        }
        // Shorewall names the protocol it looked the service up for.
        return port_error(port, &proto_text);
    }
    port_error(port, proto)
}

/// `validate_port`'s error on a port it could not read.
fn port_error(port: &str, proto: &str) -> Result<String> {
    let dash_range = port.split_once('-').is_some_and(|(a, b)| {
        !a.is_empty()
            && !b.is_empty()
            && a.chars().all(|c| c.is_ascii_digit())
            && b.chars().all(|c| c.is_ascii_digit())
    });
    if dash_range {
        return error(format!(
            "The separator for a port range is ':', not '-' ({port})"
        ));
    }
    error(format!("Invalid/Unknown {proto} port/service ({port})"))
}

fn ports_allowed(number: Option<u8>) -> bool {
    matches!(number, Some(TCP | UDP | UDPLITE | SCTP | DCCP))
}

/// `validate_portpair`: a port or a range `a:b` (or `a-b`), either bound optional.
pub fn validate_portpair(names: &dyn Names, proto: &str, pair: &str) -> Result<String> {
    // The common case, one port number as Perl prints it (no leading zero, 1..=65535), is
    // its own result when the protocol has ports.
    let plain_number = !pair.starts_with('0')
        && (1..=5).contains(&pair.len())
        && pair.bytes().all(|b| b.is_ascii_digit())
        && pair.parse::<u32>().is_ok_and(|it| it <= 65535);
    if plain_number && ports_allowed(resolve_proto(names, proto)) {
        return Ok(pair.to_owned());
    }
    let mut text = pair.to_owned();
    if text.chars().all(|c| c.is_ascii_digit() || c == '-') {
        text = text.replace('-', ":");
    }
    if text.matches(':').count() > 1 {
        return error(format!("Invalid port range ({pair})"));
    }
    if text.starts_with(':') {
        text.insert(0, '0');
    }
    if text.ends_with(':') {
        text.push_str("65535");
    }
    let number = resolve_proto(names, proto);
    let number_text = number.unwrap_or(0).to_string();
    let mut ports: Vec<String> = text.splitn(2, ':').map(str::to_owned).collect();
    for port in &mut ports {
        // Perl's `grep $_` skips "0" and empty strings.
        if !port.is_empty() && port != "0" {
            *port = validate_port(names, &number_text, port)?;
        }
    }
    let what = if ports.len() == 2 {
        let low: i64 = ports[0].parse().unwrap_or(0);
        let high: i64 = ports[1].parse().unwrap_or(0);
        if low >= high {
            return error(format!("Invalid port range ({pair})"));
        }
        "port range"
    } else {
        "port"
    };
    if !ports_allowed(number) {
        return error(format!(
            "Using a {what} ( {pair} ) requires PROTO TCP, UDP, UDPLITE, SCTP or DCCP"
        ));
    }
    Ok(ports.join(":"))
}

/// `validate_port_list`.
pub fn validate_port_list(
    names: &dyn Names,
    caps: &Capabilities,
    proto: &str,
    list: &str,
) -> Result<String> {
    let items = split_list(list, "port")?;
    if items.len() > 1 && (list.contains(':') || list.contains('-')) && !caps.has("XMULTIPORT") {
        return error("Port ranges in a port list require Extended Multi-port Match in your kernel and iptables");
    }
    let mut out = Vec::new();
    for item in items {
        out.push(validate_portpair(names, proto, item)?);
    }
    Ok(out.join(","))
}

/// `validate_icmp6`: an ICMPv6 type name or number (`type/code`).
pub fn validate_icmp6(kind: &str) -> Result<String> {
    let known = match kind {
        "any" => Some("any"),
        "destination-unreachable" => Some("1"),
        "no-route" => Some("1/0"),
        "communication-prohibited" => Some("1/1"),
        "address-unreachable" => Some("1/3"),
        "port-unreachable" => Some("1/4"),
        "packet-too-big" => Some("2"),
        "time-exceeded" | "ttl-exceeded" => Some("3"),
        "ttl-zero-during-transit" => Some("3/0"),
        "ttl-zero-during-reassembly" => Some("3/1"),
        "parameter-problem" => Some("4"),
        "bad-header" => Some("4/0"),
        "unknown-header-type" => Some("4/1"),
        "unknown-option" => Some("4/2"),
        "echo-request" => Some("128"),
        "echo-reply" => Some("129"),
        "router-solicitation" => Some("133"),
        "router-advertisement" => Some("134"),
        "neighbour-solicitation" => Some("135"),
        "neighbour-advertisement" => Some("136"),
        "redirect" => Some("137"),
        _ => None,
    };
    if let Some(value) = known {
        return Ok(value.to_owned());
    }
    let (kind_part, code) = match kind.split_once('/') {
        Some((k, c)) => (k, Some(c)),
        None => (kind, None),
    };
    let small = |text: &str| {
        !text.is_empty()
            && text.chars().all(|c| c.is_ascii_digit())
            && text.parse::<u32>().is_ok_and(|n| n < 256)
    };
    if small(kind_part) && code.is_none_or(small) {
        return Ok(kind.to_owned());
    }
    error(format!("Invalid IPv6 ICMP Type ({kind})"))
}

/// `do_proto`: `-p N` and the port or ICMP type matches.
pub fn do_proto(
    names: &dyn Names,
    caps: &Capabilities,
    proto: &str,
    ports: &str,
    sports: &str,
) -> Result<String> {
    let proto = if proto == "-" { "" } else { proto };
    let mut ports = if ports == "-" { "" } else { ports };
    let mut sports = if sports == "-" { "" } else { sports };
    let mut output = String::new();
    if proto.is_empty() {
        if !ports.is_empty() || !sports.is_empty() {
            return error("SOURCE/DEST PORT(S) not allowed without PROTO");
        }
        return Ok(output);
    }
    // The suffixes are ASCII: cutting them leaves the text on a character boundary.
    let ends_with = |text: &str, suffix: &str| {
        text.len() >= suffix.len()
            && text.as_bytes()[text.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    let mut proto = proto;
    let (synonly, notsyn) = if ends_with(proto, ":!syn") {
        proto = &proto[..proto.len() - 5];
        (true, true)
    } else if ends_with(proto, ":syn") {
        proto = &proto[..proto.len() - 4];
        (true, false)
    } else {
        (false, false)
    };
    let all = if ends_with(proto, ":all") {
        proto = &proto[..proto.len() - 4];
        true
    } else {
        false
    };
    let invert = match proto.strip_prefix('!') {
        Some(rest) => {
            proto = rest;
            "! "
        }
        None => "",
    };
    let Some(number) = resolve_proto(names, proto) else {
        if synonly {
            return error("\":syn\" is only allowed with tcp");
        }
        return error(format!(
            "Invalid/Unknown protocol ({proto}{})",
            if all { ":all" } else { "" }
        ));
    };
    if !invert.is_empty() && number == 0 {
        return error("'!0' not allowed in the PROTO column");
    }
    let pname = proto_name(names, number);
    if synonly {
        if number != TCP || !invert.is_empty() {
            return error("\":syn\" is only allowed with tcp");
        }
        output = if notsyn {
            format!("-p {number} ! --syn ")
        } else {
            format!("-p {number} --syn ")
        };
    } else {
        if all && number != TCP {
            return error("\":all\" is only allowed with tcp");
        }
        output = format!("{invert}-p {number} ");
    }
    if !invert.is_empty() && (!ports.is_empty() || !sports.is_empty()) {
        return error(format!(
            "SOURCE/DEST PORT(S) not allowed with PROTO !{pname}"
        ));
    }
    match number {
        TCP | UDP | SCTP | DCCP | UDPLITE => {
            let mut multiport = number == UDPLITE;
            if !ports.is_empty() {
                let invert = if let Some(rest) = ports.strip_prefix('!') {
                    ports = rest;
                    "! "
                } else {
                    ""
                };
                if ports.starts_with('+') {
                    return error("ipset names in Shorewall configuration files require Ipset Match in your kernel and iptables");
                }
                let srcndst = sports == "=";
                if srcndst {
                    sports = "";
                }
                if multiport || ports.contains(',') || sports.contains(',') {
                    if super::chains::port_count(ports) > 15 && !invert.is_empty() {
                        return error("An inverted port list may only have up to 15 ports");
                    }
                    let list = validate_port_list(names, caps, &pname, ports)?;
                    if srcndst {
                        output.push_str(&format!("-m multiport {invert}--ports {list} "));
                    } else {
                        output.push_str(&format!("-m multiport {invert}--dports {list} "));
                    }
                    multiport = true;
                } else {
                    let pair = if ports.starts_with('$') {
                        ports.to_owned()
                    } else {
                        validate_portpair(names, &pname, ports)?
                    };
                    if srcndst {
                        output.push_str(&format!("-m multiport {invert}--ports {pair} "));
                    } else {
                        output.push_str(&format!("{invert}--dport {pair} "));
                    }
                }
            } else {
                multiport |= sports.contains(',');
            }
            if !sports.is_empty() {
                let invert = if let Some(rest) = sports.strip_prefix('!') {
                    sports = rest;
                    "! "
                } else {
                    ""
                };
                if sports.starts_with('+') {
                    return error("ipset names in Shorewall configuration files require Ipset Match in your kernel and iptables");
                }
                if multiport {
                    if super::chains::port_count(sports) > 15 && !invert.is_empty() {
                        return error("An inverted port list may only have up to 15 ports");
                    }
                    let list = validate_port_list(names, caps, &pname, sports)?;
                    output.push_str(&format!("-m multiport {invert}--sports {list} "));
                } else {
                    let pair = validate_portpair(names, &pname, sports)?;
                    output.push_str(&format!("{invert}--sport {pair} "));
                }
            }
        }
        ICMP => return error("ICMP not permitted in an IPv6 configuration"),
        IPV6_ICMP => {
            if !ports.is_empty() {
                let invert = if let Some(rest) = ports.strip_prefix('!') {
                    ports = rest;
                    "! "
                } else {
                    ""
                };
                let types = if ports.contains(',') {
                    if !invert.is_empty() {
                        return error("An inverted ICMP list may only contain a single type");
                    }
                    let mut types = String::new();
                    for kind in split_list(ports, "ICMP type list")? {
                        // Shorewall keeps the first element as written.
                        if types.is_empty() {
                            types = kind.to_owned();
                        } else {
                            types = format!("{types},{}", validate_icmp6(kind)?);
                        }
                    }
                    types
                } else {
                    validate_icmp6(ports)?
                };
                output.push_str(&format!("{invert}--icmpv6-type {types} "));
            }
            if !sports.is_empty() {
                return error("SOURCE PORT(S) not permitted with IPv6-ICMP");
            }
        }
        _ => {
            if !ports.is_empty() || !sports.is_empty() {
                return error(format!(
                    "SOURCE/DEST PORT(S) not allowed with PROTO {pname}"
                ));
            }
        }
    }
    Ok(output)
}

/// `do_ratelimit`: `-m limit` or `-m hashlimit`. `hashlimit_set` numbers anonymous hash
/// tables (`shorewall0`, ...).
pub fn do_ratelimit(
    caps: &Capabilities,
    rates: &str,
    action: &str,
    hashlimit_set: &mut u32,
) -> Result<String> {
    if rates.is_empty() || rates == "-" {
        return Ok(String::new());
    }
    if action == "DROP" || action == "REJECT" {
        return error(format!("Rate Limiting not available with {action}"));
    }
    let mut rates = split_list3(rates, "rate")?;
    if rates.len() == 2 {
        if !starts_with_mode(&rates[0], 's') {
            rates[0] = format!("s:{}", rates[0]);
        }
        if !starts_with_mode(&rates[1], 'd') {
            rates[1] = format!("d:{}", rates[1]);
        }
    } else if rates.len() > 2 {
        return error("Only two rates may be specified");
    }
    let old_hl = caps.has("OLD_HL_MATCH");
    let mut limit = String::new();
    for rate in &rates {
        let Some(parsed) = parse_rate(rate) else {
            return error(format!("Invalid rate ({rate})"));
        };
        if parsed.count == "0" || parsed.count.chars().all(|c| c == '0') {
            return error(format!("Invalid Rate ({})", parsed.count));
        }
        let hashlimit = parsed.mode.is_some()
            || parsed.vlsm.is_some()
            || parsed.name.is_some()
            || parsed.table.is_some();
        let option = if hashlimit {
            limit.push_str("-m hashlimit ");
            if old_hl {
                "hashlimit"
            } else {
                "hashlimit-upto"
            }
        } else {
            limit.push_str("-m limit ");
            "limit"
        };
        limit.push_str(&format!("--{option} {} ", parsed.rate));
        if let Some(burst) = &parsed.burst {
            if burst.chars().all(|c| c == '0') {
                return error(format!("Invalid Burst ({burst})"));
            }
            if option == "limit" {
                limit.push_str(&format!("--limit-burst {burst} "));
            } else {
                limit.push_str(&format!("--hashlimit-burst {burst} "));
            }
        }
        if parsed.mode.is_some() || parsed.name.is_some() {
            limit.push_str("--hashlimit-name ");
            match &parsed.name {
                Some(name) => limit.push_str(name),
                None => {
                    limit.push_str(&format!("shorewall{hashlimit_set}"));
                    *hashlimit_set += 1;
                }
            }
        }
        if let Some(vlsm) = &parsed.vlsm {
            let bits = numeric_value(vlsm).unwrap_or(0);
            if bits == 0 || bits > 128 {
                return error(format!("Invalid VLSM ({vlsm})"));
            }
            if parsed.mode == Some('s') {
                limit.push_str(&format!(" --hashlimit-srcmask {bits}"));
            } else {
                limit.push_str(&format!(" --hashlimit-dstmask {bits}"));
            }
        }
        if let Some((size, max)) = &parsed.table {
            let (size, max) = (
                numeric_value(size).unwrap_or(0),
                numeric_value(max).unwrap_or(0),
            );
            if size == 0 {
                return error(format!("Invalid hash table buckets ({size})"));
            }
            if max == 0 {
                return error(format!("Invalid hash max entries({max})"));
            }
            if max <= size {
                return error("Hash max entries must be > hash table buckets");
            }
            limit.push_str(&format!(
                " --hashlimit-htable-size {size} --hashlimit-htable-max {max}"
            ));
        }
        let mut units = None;
        if let Some(mode) = parsed.mode {
            limit.push_str(&format!(
                " --hashlimit-mode {}",
                if mode == 's' { "srcip" } else { "dstip" }
            ));
            units = parsed.units.clone();
        }
        match units.as_deref() {
            Some(units) if units != "sec" => {
                let mut expire = 60000;
                if units != "min" {
                    expire *= 60;
                    if units == "day" {
                        expire *= 24;
                    }
                }
                limit.push_str(&format!(" --hashlimit-htable-expire {expire} "));
            }
            _ => limit.push(' '),
        }
    }
    Ok(limit)
}

fn starts_with_mode(rate: &str, mode: char) -> bool {
    // /^s(?:\/\d+)?:/
    let mut chars = rate.chars();
    if chars.next() != Some(mode) {
        return false;
    }
    let rest = &rate[1..];
    if rest.starts_with(':') {
        return true;
    }
    match rest.strip_prefix('/') {
        Some(tail) => {
            let digits = tail.chars().take_while(char::is_ascii_digit).count();
            digits > 0 && tail[digits..].starts_with(':')
        }
        None => false,
    }
}

struct Rate {
    mode: Option<char>,
    vlsm: Option<String>,
    name: Option<String>,
    table: Option<(String, String)>,
    /// `N/unit` as written.
    rate: String,
    count: String,
    units: Option<String>,
    burst: Option<String>,
}

/// Parses `[{s|d}[/vlsm]:][[name][(size,max)]:]N[/unit][:burst]`.
fn parse_rate(text: &str) -> Option<Rate> {
    let mut rest = text;
    let mut mode = None;
    let mut vlsm = None;
    // ([sd])(?:/(\d+))?:
    if let Some(first) = rest.chars().next().filter(|c| *c == 's' || *c == 'd') {
        let after = &rest[1..];
        let (v, after) = match after.strip_prefix('/') {
            Some(tail) => {
                let digits = tail.chars().take_while(char::is_ascii_digit).count();
                if digits > 0 {
                    (Some(tail[..digits].to_owned()), &tail[digits..])
                } else {
                    (None, after)
                }
            }
            None => (None, after),
        };
        if let Some(after) = after.strip_prefix(':') {
            mode = Some(first);
            vlsm = v;
            rest = after;
        }
    }
    // (?:(([A-Za-z]\w*)?(?:\((\d+),(\d+)\))?:)|:)?
    let mut name = None;
    let mut table = None;
    if let Some(after) = rest.strip_prefix(':') {
        rest = after;
    } else {
        let name_len = if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .count()
        } else {
            0
        };
        let after_name = &rest[name_len..];
        let mut candidate_table = None;
        let mut after_table = after_name;
        if let Some(inner) = after_name.strip_prefix('(') {
            if let Some(close) = inner.find(')') {
                if let Some((a, b)) = inner[..close].split_once(',') {
                    if !a.is_empty()
                        && !b.is_empty()
                        && a.chars().all(|c| c.is_ascii_digit())
                        && b.chars().all(|c| c.is_ascii_digit())
                    {
                        candidate_table = Some((a.to_owned(), b.to_owned()));
                        after_table = &inner[close + 1..];
                    }
                }
            }
        }
        if (name_len > 0 || candidate_table.is_some()) && after_table.starts_with(':') {
            if name_len > 0 {
                name = Some(rest[..name_len].to_owned());
            }
            table = candidate_table;
            rest = &after_table[1..];
        }
    }
    // ((\d+)(/(sec|min|hour|day))?)(?::(\d+))?$
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let count = rest[..digits].to_owned();
    let mut after = &rest[digits..];
    let mut units = None;
    if let Some(tail) = after.strip_prefix('/') {
        let unit = ["sec", "min", "hour", "day"]
            .into_iter()
            .find(|u| tail.starts_with(u))?;
        units = Some(unit.to_owned());
        after = &tail[unit.len()..];
    }
    let rate = rest[..rest.len() - after.len()].to_owned();
    let burst = match after.strip_prefix(':') {
        Some(tail) if !tail.is_empty() && tail.chars().all(|c| c.is_ascii_digit()) => {
            Some(tail.to_owned())
        }
        Some(_) => return None,
        None if after.is_empty() => None,
        None => return None,
    };
    Some(Rate {
        mode,
        vlsm,
        name,
        table,
        rate,
        count,
        units,
        burst,
    })
}

/// `do_connlimit`: `-m connlimit` (the count is "at or below", hence the inversion).
pub fn do_connlimit(limit: &str) -> Result<String> {
    if limit == "-" || limit.is_empty() {
        return Ok(String::new());
    }
    let mut limit = limit.to_owned();
    let destination = if let Some(rest) = limit.strip_prefix("d:") {
        limit = rest.to_owned();
        "--connlimit-daddr "
    } else {
        ""
    };
    let invert = if let Some(rest) = limit.strip_prefix('!') {
        limit = rest.to_owned();
        ""
    } else {
        "! "
    };
    let digits = |text: &str| !text.is_empty() && text.chars().all(|c| c.is_ascii_digit());
    if let Some((count, mask)) = limit.split_once(':') {
        if digits(count) && digits(mask) {
            return Ok(format!("-m connlimit {invert}--connlimit-above {count} --connlimit-mask {mask} {destination}"));
        }
    } else if digits(&limit) {
        return Ok(format!(
            "-m connlimit {invert}--connlimit-above {limit} {destination}"
        ));
    }
    error(format!("Invalid connlimit ({limit})"))
}

/// `do_time`: `-m time` from `element&element...`.
pub fn do_time(time: &str) -> Result<String> {
    if time == "-" || time.is_empty() {
        return Ok(String::new());
    }
    let mut result = "-m time ".to_owned();
    for element in time.split('&') {
        if element.is_empty() {
            return error(format!("Invalid time element list ({time})"));
        }
        let (key, value) = element.split_once('=').unwrap_or((element, ""));
        match key {
            "timestart" | "timestop" if valid_clock(value) => {
                result.push_str(&format!("--{key} {value} "))
            }
            "weekdays" => {
                for day in value.split(',') {
                    let named =
                        matches!(day, "Mon" | "Tue" | "Wed" | "Thu" | "Fri" | "Sat" | "Sun");
                    let numbered =
                        day.len() == 1 && ('1'..='7').contains(&day.chars().next().unwrap_or('0'));
                    if !named && !numbered {
                        return error(format!("Invalid weekday ({day})"));
                    }
                }
                result.push_str(&format!("--weekday {value} "));
            }
            "monthdays" => {
                for day in value.split(',') {
                    let ok = !day.is_empty()
                        && day.len() <= 2
                        && day.parse::<u32>().is_ok_and(|it| (1..=31).contains(&it));
                    if !ok {
                        return error(format!("Invalid day of the month ({day})"));
                    }
                }
                result.push_str(&format!("--monthday {value} "));
            }
            "datestart" | "datestop" if valid_date(value) => {
                result.push_str(&format!("--{key} {value} "))
            }
            "utc" | "localtz" | "kerneltz" | "contiguous" if !element.contains('=') => {
                result.push_str(&format!("--{key} "))
            }
            _ => return error(format!("Invalid time element ({element})")),
        }
    }
    Ok(result)
}

fn valid_clock(text: &str) -> bool {
    let parts: Vec<&str> = text.split(':').collect();
    (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|it| (1..=2).contains(&it.len()) && it.chars().all(|c| c.is_ascii_digit()))
}

fn valid_date(text: &str) -> bool {
    // \d{4}(-\d{2}(-\d{2}(T\d{1,2}(:\d{1,2}){0,2})?)?)?
    let (date, time) = match text.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let parts: Vec<&str> = date.split('-').collect();
    let date_ok = match parts.len() {
        1..=3 => {
            parts[0].len() == 4
                && parts
                    .iter()
                    .all(|it| it.chars().all(|c| c.is_ascii_digit()))
                && parts[1..].iter().all(|it| it.len() == 2)
        }
        _ => false,
    };
    let time_ok = match time {
        None => true,
        Some(time) => {
            parts.len() == 3 && {
                let pieces: Vec<&str> = time.split(':').collect();
                pieces.len() <= 3
                    && pieces.iter().all(|it| {
                        (1..=2).contains(&it.len()) && it.chars().all(|c| c.is_ascii_digit())
                    })
            }
        }
    };
    date_ok && time_ok
}

/// `do_user`: `-m owner` from `[!][user][:group]`.
pub fn do_user(caps: &Capabilities, user: &str) -> Result<String> {
    if user.is_empty() || user == "-" {
        return Ok(String::new());
    }
    if !caps.has("OWNER_MATCH") {
        return error("A non-empty USER column requires the Owner Match capability");
    }
    let (invert, body) = match user.strip_prefix('!') {
        Some(rest) => ("! ", rest),
        None => ("", user),
    };
    let (name, group) = match body.split_once(':') {
        Some((name, group)) => (name, group),
        None => (body, ""),
    };
    let mut rule = "-m owner ".to_owned();
    let check_range = |text: &str, what: &str| -> Result<()> {
        if let Some((a, b)) = text.split_once('-') {
            if let (Ok(a), Ok(b)) = (a.parse::<u64>(), b.parse::<u64>()) {
                if b < a {
                    return error(format!("Invalid {what} Range ({text})"));
                }
            }
        }
        Ok(())
    };
    let is_numeric = |text: &str| {
        let (a, b) = text.split_once('-').unwrap_or((text, "0"));
        !a.is_empty()
            && a.chars().all(|c| c.is_ascii_digit())
            && b.chars().all(|c| c.is_ascii_digit())
            && !b.is_empty()
    };
    if !name.is_empty() {
        if is_numeric(name) {
            check_range(name, "User")?;
        } else if !caps.has("OWNER_NAME_MATCH") {
            return error("Specifying a user name requires the Owner Name Match capability");
        }
        rule.push_str(&format!("{invert}--uid-owner {name} "));
    }
    if !group.is_empty() {
        if is_numeric(group) {
            check_range(group, "Group")?;
        } else if !caps.has("OWNER_NAME_MATCH") {
            return error("Specifying a group name requires the Owner Name Match capability");
        }
        rule.push_str(&format!("{invert}--gid-owner {group} "));
    }
    Ok(rule)
}

/// `do_test`: `-m mark` / `-m connmark` from the MARK column; `mask` is the default mask.
pub fn do_test(value: &str, mask: u64) -> Result<String> {
    if value.is_empty() || value == "-" {
        return Ok(String::new());
    }
    let original = value;
    let (invert, mut value) = match value.strip_prefix('!') {
        Some(rest) => ("! ", rest.to_owned()),
        None => ("", value.to_owned()),
    };
    let matcher = if let Some(rest) = value.strip_suffix(":C") {
        value = rest.to_owned();
        format!("-m connmark {invert}--mark")
    } else {
        format!("-m mark {invert}--mark")
    };
    if value == "/" {
        return error(format!("Invalid MARK value ({original})"));
    }
    for part in value.split('/') {
        if numeric_value(part).is_none() {
            return error(format!("Invalid Mark or Mask value ({part})"));
        }
    }
    if !value.contains('/') {
        value = format!("{value}/{mask:#x}");
    }
    Ok(format!("{matcher} {value} "))
}

/// `do_headers`: `-m ipv6header`.
/// `do_condition`: the SWITCH column, `-m condition` on a switch named after the chain's
/// word characters where it says `@0` or `@chain`. (Whether two initializations `=0`/`=1` of
/// a switch agree is not checked.)
pub fn do_condition(caps: &Capabilities, condition: &str, chain: &str) -> Result<String> {
    if condition == "-" {
        return Ok(String::new());
    }
    let (invert, condition) = match condition.strip_prefix('!') {
        Some(rest) => ("! ", rest),
        None => ("", condition),
    };
    let condition = condition
        .strip_suffix("=0")
        .or_else(|| condition.strip_suffix("=1"))
        .unwrap_or(condition);
    if !caps.has("CONDITION_MATCH") {
        return error(
            "A non-empty SWITCH column requires Condition Match in your kernel and iptables",
        );
    }
    let chain: String = chain
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    let mut name = condition.to_owned();
    // Each `@0`, `@chain`, `@{0}`, `@{chain}`, from the last, as Shorewall's greedy loop does.
    while let Some((at, len)) = ["@{chain}", "@{0}", "@chain", "@0"]
        .iter()
        .filter_map(|it| name.rfind(it).map(|at| (at, it.len())))
        .max()
    {
        name.replace_range(at..at + len, &chain);
    }
    let valid = name.len() <= 30
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    if !valid {
        return error(format!("Invalid switch name ({name})"));
    }
    Ok(format!("-m condition {invert}--condition {name} "))
}

pub fn do_headers(headers: &str) -> Result<String> {
    if headers == "-" || headers.is_empty() {
        return Ok(String::new());
    }
    let (invert, mut body) = match headers.strip_prefix('!') {
        Some(rest) => ("! ", rest.to_owned()),
        None => ("", headers.to_owned()),
    };
    let mut soft = "--soft ";
    if let Some(rest) = body.strip_prefix("exactly:") {
        body = rest.to_owned();
        soft = "";
    } else if let Some(rest) = body.strip_prefix("any:") {
        body = rest.to_owned();
    }
    let known = [
        "hop",
        "dst",
        "route",
        "frag",
        "auth",
        "esp",
        "none",
        "hop-by-hop",
        "ipv6-opts",
        "ipv6-route",
        "ipv6-frag",
        "ah",
        "ipv6-nonxt",
        "protocol",
        "0",
        "43",
        "44",
        "50",
        "51",
        "59",
        "60",
        "255",
    ];
    for header in split_list(&body, "Header")? {
        if header != "proto" && !known.contains(&header) {
            return error(format!("Unknown IPv6 Header ({header})"));
        }
    }
    // Shorewall renames `proto` to `protocol` in its copy of the list only.
    Ok(format!("-m ipv6header {invert}--header {body} {soft} "))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Table;

    impl Names for Table {
        fn protocol_number(&self, name: &str) -> Option<u8> {
            match name {
                "ipv6-icmp" => Some(58),
                "sctp" => Some(132),
                "gre" => Some(47),
                _ => None,
            }
        }
        fn protocol_name(&self, number: u8) -> Option<String> {
            Some(
                match number {
                    58 => "ipv6-icmp",
                    132 => "sctp",
                    47 => "gre",
                    _ => return None,
                }
                .to_owned(),
            )
        }
        fn service_port(&self, name: &str, _proto: &str) -> Option<u16> {
            match name {
                "ssh" => Some(22),
                "http" => Some(80),
                "https" => Some(443),
                _ => None,
            }
        }
    }

    #[test]
    fn protocols_and_ports() {
        let caps = Capabilities::default();
        let p = |proto: &str, ports: &str, sports: &str| {
            do_proto(&Table, &caps, proto, ports, sports).unwrap_or_else(|it| it.message)
        };
        assert_eq!(p("tcp", "22", "-"), "-p 6 --dport 22 ");
        assert_eq!(p("tcp", "ssh", "-"), "-p 6 --dport 22 ");
        assert_eq!(
            p("tcp", "http,https", "-"),
            "-p 6 -m multiport --dports 80,443 "
        );
        assert_eq!(p("tcp", "6000-6010", "-"), "-p 6 --dport 6000:6010 ");
        assert_eq!(p("udp", ":1023", "-"), "-p 17 --dport 0:1023 ");
        assert_eq!(p("tcp", "7000:", "-"), "-p 6 --dport 7000:65535 ");
        assert_eq!(
            p("tcp", "22", "1024:"),
            "-p 6 --dport 22 --sport 1024:65535 "
        );
        assert_eq!(p("!tcp", "-", "-"), "! -p 6 ");
        assert_eq!(p("tcp:syn", "2000", "-"), "-p 6 --syn --dport 2000 ");
        assert_eq!(p("TCP:!SYN", "-", "-"), "-p 6 ! --syn ");
        assert_eq!(p("tcp:all", "22", "-"), "-p 6 --dport 22 ");
        assert_eq!(p("tcp", "!22", "-"), "-p 6 ! --dport 22 ");
        assert_eq!(p("tcp", "22", "="), "-p 6 -m multiport --ports 22 ");
        assert_eq!(
            p("ipv6-icmp", "echo-request", "-"),
            "-p 58 --icmpv6-type 128 "
        );
        assert_eq!(p("icmp", "128", "-"), "-p 58 --icmpv6-type 128 ");
        assert_eq!(p("gre", "-", "-"), "-p 47 ");
        assert_eq!(
            p("tcp", "99999", "-"),
            "Invalid/Unknown 6 port/service (99999)"
        );
        assert_eq!(p("tcp", "22:10", "-"), "Invalid port range (22:10)");
        assert_eq!(
            p("-", "22", "-"),
            "SOURCE/DEST PORT(S) not allowed without PROTO"
        );
        assert_eq!(p("foo", "-", "-"), "Invalid/Unknown protocol (foo)");
    }

    #[test]
    fn rates() {
        let caps = Capabilities::default();
        let mut set = 0;
        let mut r = |rate: &str| {
            do_ratelimit(&caps, rate, "ACCEPT", &mut set).unwrap_or_else(|it| it.message)
        };
        // The doubled space is Shorewall's; parsing the rule text removes it.
        assert_eq!(r("3/min:5"), "-m limit --limit 3/min --limit-burst 5  ");
        assert_eq!(r("10/sec"), "-m limit --limit 10/sec  ");
        assert_eq!(
            r("s:sshlim:3/min:5"),
            "-m hashlimit --hashlimit-upto 3/min --hashlimit-burst 5 --hashlimit-name sshlim --hashlimit-mode srcip --hashlimit-htable-expire 60000 "
        );
        assert_eq!(r("d:2/sec"), "-m hashlimit --hashlimit-upto 2/sec --hashlimit-name shorewall0 --hashlimit-mode dstip ");
        assert_eq!(r("3/fortnight"), "Invalid rate (3/fortnight)");
        assert_eq!(
            do_ratelimit(&caps, "3/min", "DROP", &mut set)
                .unwrap_err()
                .message,
            "Rate Limiting not available with DROP"
        );
    }

    #[test]
    fn other_columns() {
        assert_eq!(
            do_connlimit("3").unwrap(),
            "-m connlimit ! --connlimit-above 3 "
        );
        assert_eq!(
            do_connlimit("d:5").unwrap(),
            "-m connlimit ! --connlimit-above 5 --connlimit-daddr "
        );
        assert_eq!(
            do_connlimit("!5").unwrap(),
            "-m connlimit --connlimit-above 5 "
        );
        assert_eq!(
            do_time("timestart=08:00&timestop=17:30").unwrap(),
            "-m time --timestart 08:00 --timestop 17:30 "
        );
        assert_eq!(do_test("1", 0xff).unwrap(), "-m mark --mark 1/0xff ");
        assert_eq!(do_test("3:C", 0xff).unwrap(), "-m connmark --mark 3/0xff ");
        assert_eq!(
            do_headers("hop").unwrap(),
            "-m ipv6header --header hop --soft  "
        );
        let caps = Capabilities::default();
        assert_eq!(
            do_user(&caps, "1000").unwrap(),
            "-m owner --uid-owner 1000 "
        );
        assert_eq!(do_user(&caps, ":100").unwrap(), "-m owner --gid-owner 100 ");
    }
}
