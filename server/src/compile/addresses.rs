//! IPv6 addresses, networks and ranges as Shorewall 5.2.8 validates and prints them
//! (`IPAddrs.pm`), and the source/destination matches built from them (`Chains.pm
//! match_source_net`, `match_dest_net` and their `imatch_` twins).

use std::fmt::Write as _;

use super::ir::Match;
use super::{error, unsupported, Result};

/// The whole address space (`ALLIP`): matching it adds no `-s`/`-d`.
pub const ALLIP: &str = "::/0";
/// `IPv6_MULTICAST`.
pub const MULTICAST: &str = "ff00::/8";

/// `valid_6address`: the syntax check of one IPv6 address (no prefix length), the same
/// check the model makes.
pub fn valid_address(address: &str) -> bool {
    crate::model::address::valid_ipv6(address)
}

/// `validate_6net` with `allow_name`: a network as it is printed (`2001:db8::/32`, a host
/// without `/128`), brackets removed. A name that is not an address cannot be resolved
/// offline: Shorewall 5.2.8 looks it up and fails with `Unknown Host`.
pub fn validate_net(net: &str) -> Result<String> {
    let mut out = String::new();
    push_net(&mut out, net)?;
    Ok(out)
}

/// [`validate_net`] appending the network to `out`.
fn push_net(out: &mut String, net: &str) -> Result<()> {
    let original = net;
    let joined;
    let mut net = net;
    if let Some(inner) = net.strip_prefix('[').and_then(|it| it.strip_suffix(']')) {
        net = inner;
    } else if let Some((head, vlsm)) = net.strip_prefix('[').and_then(|it| it.rsplit_once("]/")) {
        if vlsm.chars().all(|c| c.is_ascii_digit()) && !vlsm.is_empty() {
            joined = format!("{head}/{vlsm}");
            net = &joined;
        }
    }
    if net.contains('[') {
        return error(format!("Invalid Network Address({net})"));
    }
    let mut pieces = net.splitn(3, '/');
    let address = pieces.next().unwrap_or("");
    let vlsm = pieces.next();
    if let Some(rest) = pieces.next() {
        return error(format!(
            "Invalid Network Address({address}/{}/{rest}",
            vlsm.unwrap_or_default()
        ));
    }
    if address.contains('+') {
        if address.starts_with('+') && address.len() > 1 {
            return error(format!(
                "An ipset name ({address}) is not allowed in this context"
            ));
        }
        return error(format!("Invalid ipset name ({address})"));
    }
    if address.is_empty() {
        return error(format!("Invalid Network address ({original})"));
    }
    match vlsm {
        Some(vlsm) => match vlsm.parse::<u32>() {
            Ok(bits) if bits <= 128 && vlsm.chars().all(|c| c.is_ascii_digit()) => {
                if !valid_address(address) {
                    return error(format!("Invalid IPv6 address ({address})"));
                }
                out.push_str(address);
                if bits != 128 {
                    out.push('/');
                    // `bits` as Perl prints the number (no leading zeros).
                    let _ = write!(out, "{bits}");
                }
                Ok(())
            }
            _ => error(format!("Invalid VLSM ({vlsm})")),
        },
        None => {
            if original.contains('/') {
                return error(format!("Invalid Network address ({original})"));
            }
            if !valid_address(address) {
                return error(format!("Unknown Host ({address})"));
            }
            out.push_str(address);
            Ok(())
        }
    }
}

/// `normalize_6addr`: eight groups without leading zeros.
fn normalize(address: &str) -> Vec<u32> {
    let (head, tail) = match address.split_once("::") {
        Some((h, t)) => (h, Some(t)),
        None => (address, None),
    };
    let groups = |text: &str| -> Vec<u32> {
        if text.is_empty() {
            Vec::new()
        } else {
            text.split(':')
                .map(|it| u32::from_str_radix(it, 16).unwrap_or(0))
                .collect()
        }
    };
    let mut out = groups(head);
    if let Some(tail) = tail {
        let tail = groups(tail);
        while out.len() + tail.len() < 8 {
            out.push(0);
        }
        out.extend(tail);
    }
    out
}

/// `validate_6range`: `low-high` with low below high.
pub fn validate_range(low: &str, high: &str) -> Result<String> {
    let strip = |text: &str| -> String {
        if let Some(inner) = text.strip_prefix('[').and_then(|it| it.strip_suffix(']')) {
            inner.to_owned()
        } else {
            text.to_owned()
        }
    };
    let (low, high) = (strip(low), strip(high));
    for address in [&low, &high] {
        if !valid_address(address) {
            return error(format!("Invalid IPv6 Address ({address})"));
        }
    }
    let (l, h) = (normalize(&low), normalize(&high));
    for (a, b) in l.iter().zip(&h) {
        if a == b {
            continue;
        }
        if a < b {
            return Ok(format!("{low}-{high}"));
        }
        break;
    }
    error(format!("Invalid IPv6 Range ({low}-{high})"))
}

/// An IPv6 range `a-b` (`/^(!?)(.*:.*)-(.*:.*)$/`): (inverted, low, high).
fn split_range(net: &str) -> Option<(bool, &str, &str)> {
    let (invert, body) = match net.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, net),
    };
    // Greedy `(.*:.*)-(.*:.*)`: the last '-' whose both sides contain a colon.
    let mut best = None;
    for (at, _) in body.match_indices('-') {
        let (low, high) = (&body[..at], &body[at + 1..]);
        if low.contains(':') && high.contains(':') {
            best = Some((low, high));
        }
    }
    best.map(|(low, high)| (invert, low, high))
}

fn is_set_name(net: &str) -> bool {
    // `/^(!?)(?:\+?)((?:6_)?[a-zA-Z][-\w]*(?:\[.*\])?)(?:\((.+)\))?$/`
    let body = net.strip_prefix('!').unwrap_or(net);
    let body = body.strip_prefix('+').unwrap_or(body);
    let body = body.strip_prefix("6_").unwrap_or(body);
    let mut chars = body.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && body
            .chars()
            .take_while(|c| *c != '[' && *c != '(')
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Which side of the packet a match is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Source,
    Dest,
}

impl Side {
    fn flag(self) -> &'static str {
        match self {
            Side::Source => "s",
            Side::Dest => "d",
        }
    }

    fn range_option(self) -> &'static str {
        match self {
            Side::Source => "--src-range",
            Side::Dest => "--dst-range",
        }
    }
}

/// `&iface` and `%iface` (the interface's address or gateway): Shorewall fills them in at run
/// time, so the preview refuses them.
fn run_time_address(net: &str) -> Result<()> {
    let bare = net.strip_prefix('!').unwrap_or(net);
    if bare.starts_with('&') || bare.starts_with('%') {
        return unsupported(format!(
            "Run-time interface addresses ({net}) are not supported by the preview"
        ));
    }
    Ok(())
}

/// `match_source_net` / `match_dest_net`: the text match for one address element, ending
/// in a space, or empty for the whole address space.
pub fn match_net(net: &str, side: Side) -> Result<String> {
    if let Some((invert, low, high)) = split_range(net) {
        validate_range(low, high)?;
        let range = net.trim_start_matches('!');
        return Ok(format!(
            "-m iprange {}{} {range} ",
            if invert { "! " } else { "" },
            side.range_option()
        ));
    }
    if side == Side::Source && (net.starts_with('~') || net.starts_with("!~")) {
        return mac_match(net);
    }
    if is_set_name(net) {
        return error(format!(
            "ipset names in Shorewall configuration files require Ipset Match in your kernel and iptables ({net})"
        ));
    }
    run_time_address(net)?;
    if net.starts_with("+[") || net.starts_with('^') || net.starts_with("!^") {
        return unsupported(format!(
            "{net} requires capabilities the reference system lacks"
        ));
    }
    let (invert, net) = match net.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, net),
    };
    let mut out = String::with_capacity(net.len() + 6);
    out.push_str(if invert { "! -" } else { "-" });
    out.push_str(side.flag());
    out.push(' ');
    let start = out.len();
    push_net(&mut out, net)?;
    if !invert && &out[start..] == ALLIP {
        return Ok(String::new());
    }
    out.push(' ');
    Ok(out)
}

/// The matches (irule form) for one address element.
pub fn imatch_net(net: &str, side: Side) -> Result<Vec<Match>> {
    if let Some((invert, low, high)) = split_range(net) {
        validate_range(low, high)?;
        let range = net.trim_start_matches('!');
        return Ok(vec![Match::new(
            "iprange",
            format!(
                "{}{} {range}",
                if invert { "! " } else { "" },
                side.range_option()
            ),
        )]);
    }
    if side == Side::Source && (net.starts_with('~') || net.starts_with("!~")) {
        let text = mac_match(net)?;
        let value = text.trim_start_matches("-m mac ").trim_end().to_owned();
        return Ok(vec![Match::new("mac", value)]);
    }
    if is_set_name(net) {
        return error(format!(
            "ipset names in Shorewall configuration files require Ipset Match in your kernel and iptables ({net})"
        ));
    }
    run_time_address(net)?;
    if let Some(rest) = net.strip_prefix('!') {
        let net = validate_net(rest)?;
        return Ok(vec![Match::new(side.flag(), format!("! {net} "))]);
    }
    let net = validate_net(net)?;
    if net == ALLIP {
        Ok(Vec::new())
    } else {
        Ok(vec![Match::new(side.flag(), net)])
    }
}

/// `do_mac`: `~00-11-22-33-44-55`.
pub fn mac_match(mac: &str) -> Result<String> {
    let (invert, body) = match mac.strip_prefix("!~") {
        Some(rest) => (true, rest),
        None => (false, mac.strip_prefix('~').unwrap_or(mac)),
    };
    let body = body.replace('-', ":");
    let valid = body.split(':').count() == 6
        && body
            .split(':')
            .all(|it| it.len() == 2 && it.chars().all(|c| c.is_ascii_hexdigit()));
    if !valid {
        return error(format!("Invalid MAC address ({body})"));
    }
    Ok(format!(
        "-m mac {}--mac-source {body} ",
        if invert { "! " } else { "" }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert!(valid_address("2001:db8::1"));
        assert!(valid_address("::"));
        assert!(valid_address("::ffff:10.0.0.1"));
        assert!(!valid_address("2001:db8::zz"));
        assert!(!valid_address("10.0.0.0"));
        assert!(!valid_address("1::2::3"));
        assert_eq!(validate_net("2001:db8::1/128").unwrap(), "2001:db8::1");
        assert_eq!(validate_net("[2001:db8::]/32").unwrap(), "2001:db8::/32");
        assert_eq!(validate_net("[2001:db8::5]").unwrap(), "2001:db8::5");
        assert_eq!(
            validate_net("2001:db8::zz").unwrap_err().message,
            "Unknown Host (2001:db8::zz)"
        );
        assert_eq!(
            validate_net("2001:db8::/129").unwrap_err().message,
            "Invalid VLSM (129)"
        );
        assert_eq!(match_net("::/0", Side::Source).unwrap(), "");
        assert_eq!(
            match_net("!2001:db8::/32", Side::Dest).unwrap(),
            "! -d 2001:db8::/32 "
        );
        assert_eq!(
            match_net("2001:db8::1-2001:db8::9", Side::Source).unwrap(),
            "-m iprange --src-range 2001:db8::1-2001:db8::9 "
        );
        assert!(validate_range("2001:db8::9", "2001:db8::1").is_err());
    }
}
