//! Address validation as Shorewall 5.2.8 does it (`IPAddrs.pm`): IPv6 and IPv4 addresses,
//! networks with a prefix length, ranges, and host names, with its messages.

use shorewall_syntax::Family;

/// Whether `text` is an IPv6 address as `valid_6address` sees it. It runs for every address
/// of every rule (in `check` and again in the compiler), so it works on the text in place.
pub(crate) fn valid_ipv6(text: &str) -> bool {
    // The groups as Perl's split sees them: trailing empty fields dropped (one kept).
    let groups = text.trim_end_matches(':');
    let last = groups.rsplit(':').next().unwrap_or("");
    if last.contains('.') {
        return valid_ipv6_with_ipv4(text, groups, last);
    }
    // One pass: hex digits and colons only, groups of at most four digits, eight groups or
    // one `::` (and no `:::`, which holds two).
    let bytes = text.as_bytes();
    let (mut colons, mut doubles, mut digits, mut after_colon) = (0, 0, 0, false);
    for (at, byte) in bytes.iter().enumerate() {
        if *byte == b':' {
            doubles += usize::from(after_colon);
            colons += usize::from(at < groups.len());
            (digits, after_colon) = (0, true);
        } else if byte.is_ascii_hexdigit() {
            digits += 1;
            if digits > 4 {
                return false;
            }
            after_colon = false;
        } else {
            return false;
        }
    }
    let count = colons + 1;
    !bytes.is_empty()
        && count <= 8
        && doubles <= 1
        && (count == 8 || doubles == 1)
        && (text.starts_with("::") || !text.starts_with(':'))
        && (text.ends_with("::") || !text.ends_with(':'))
}

/// [`valid_ipv6`] for a text whose last group has a dot (`::ffff:192.0.2.1`).
fn valid_ipv6_with_ipv4(text: &str, groups: &str, last: &str) -> bool {
    let (address, groups, max) = if is_dotted_quad(last) {
        if !valid_ipv4(last) {
            return false;
        }
        // The groups before the embedded IPv4 address, joined again.
        let head = groups[..groups.len() - last.len()]
            .strip_suffix(':')
            .unwrap_or("");
        if head == ":" {
            return true;
        }
        (head, head, 6)
    } else {
        (text, groups, 8)
    };
    let count = if address.is_empty() && max == 6 {
        0
    } else {
        groups.split(':').count()
    };
    if count > max {
        return false;
    }
    let bytes = address.as_bytes();
    if bytes.is_empty() || !bytes.iter().all(|b| b.is_ascii_hexdigit() || *b == b':') {
        return false;
    }
    // At most one `::` and no `:::` (which holds two overlapping ones).
    let doubles = bytes.windows(2).filter(|it| it == b"::").take(2).count();
    if doubles > 1 || (count != max && doubles == 0) {
        return false;
    }
    if !address.starts_with("::") && address.starts_with(':') {
        return false;
    }
    if !address.ends_with("::") && address.ends_with(':') {
        return false;
    }
    groups
        .split(':')
        .all(|it| it.is_empty() || (it.len() < 5 && it.bytes().all(|b| b.is_ascii_hexdigit())))
}

/// Four non-empty groups of digits separated by dots.
fn is_dotted_quad(text: &str) -> bool {
    let mut count = 0;
    for group in text.split('.') {
        count += 1;
        if group.is_empty() || !group.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    count == 4
}

pub(crate) fn valid_ipv4(text: &str) -> bool {
    is_dotted_quad(text)
        && text
            .split('.')
            .all(|it| it.parse::<u32>().is_ok_and(|n| n < 256))
}

/// Whether `text` could be a DNS name, which Shorewall would try to resolve.
fn plausible_host_name(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 253
        && text.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        && !text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        // No top-level domain is a number (`10.0.0.1-10.0.0` is no name).
        && !(text.contains('.')
            && text
                .rsplit('.')
                .next()
                .is_some_and(|it| it.bytes().all(|b| b.is_ascii_digit())))
}

/// An address (no prefix). `allow_name`: a host name is accepted (Shorewall resolves it).
pub(crate) fn validate_address(text: &str, family: Family, allow_name: bool) -> Result<(), String> {
    let valid = match family {
        Family::Ipv6 => valid_ipv6(text),
        Family::Ipv4 => valid_ipv4(text),
    };
    if valid {
        return Ok(());
    }
    if !allow_name {
        return Err(match family {
            Family::Ipv6 => format!("Invalid IPv6 Address ({text})"),
            Family::Ipv4 => format!("Invalid IP Address ({text})"),
        });
    }
    // The C library reads `10.0.0`, `10.1` or `0x0a000001` as IPv4 addresses (inet_aton).
    if family == Family::Ipv4 && inet_aton(text) {
        return Ok(());
    }
    // A dotted quad never resolves to an IPv6 address, and neither does anything that is not a
    // host name.
    let resolvable = plausible_host_name(text) && !(family == Family::Ipv6 && valid_ipv4(text));
    if resolvable {
        Ok(())
    } else {
        Err(format!("Unknown Host ({text})"))
    }
}

/// Whether `inet_aton` reads `text` as an IPv4 address: one to four numbers (decimal, `0x` hex or
/// leading-zero octal) separated by dots, the last filling the remaining bytes.
fn inet_aton(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return false;
    }
    let mut values = Vec::new();
    for part in &parts {
        let value = if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
            u64::from_str_radix(hex, 16).ok()
        } else if part.len() > 1 && part.starts_with('0') {
            u64::from_str_radix(&part[1..], 8).ok()
        } else if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        };
        match value {
            Some(it) => values.push(it),
            None => return false,
        }
    }
    let last_bytes = 5 - values.len() as u32;
    let (last, first) = values.split_last().unwrap_or((&0, &[]));
    first.iter().all(|it| *it <= 255) && *last < 1u64 << (8 * last_bytes)
}

/// An address range `low-high` (`validate_range`): both addresses, the first not above the last.
pub(crate) fn validate_range(low: &str, high: &str, family: Family) -> Result<(), String> {
    match family {
        Family::Ipv4 => {
            validate_address(low, family, false)?;
            validate_address(high, family, false)?;
            if ipv4_value(low) > ipv4_value(high) {
                return Err(format!("Invalid IP Range ({low}-{high})"));
            }
            Ok(())
        }
        Family::Ipv6 => validate_range_v6(low, high),
    }
}

/// A network: `address[/vlsm]`, `[address]`, `[address]/vlsm` (IPv6).
pub(crate) fn validate_net(text: &str, family: Family, allow_name: bool) -> Result<(), String> {
    let mut net = text.to_owned();
    if family == Family::Ipv6 {
        if let Some(inner) = net.strip_prefix('[').and_then(|it| it.strip_suffix(']')) {
            net = inner.to_owned();
        } else if let Some((inner, vlsm)) = net.strip_prefix('[').and_then(|it| it.split_once("]/"))
        {
            net = format!("{inner}/{vlsm}");
        }
        if net.contains('[') {
            return Err(format!("Invalid Network Address({net})"));
        }
    }
    let mut parts = net.splitn(3, '/');
    let address = parts.next().unwrap_or("");
    let vlsm = parts.next();
    if parts.next().is_some() {
        return Err(format!("Invalid Network address ({text})"));
    }
    if let Some(at) = address.find('+') {
        // `/\+(\[?)/` on the first `+`, then `^\+[a-zA-Z][-\w]*$` for a name.
        let mut name = address.chars();
        let is_name = name.next() == Some('+')
            && name.next().is_some_and(|it| it.is_ascii_alphabetic())
            && name.all(|it| it == '-' || it == '_' || it.is_alphanumeric());
        return Err(if address[at + 1..].starts_with('[') {
            format!("An ipset list ({address}) is not allowed in this context")
        } else if is_name {
            format!("An ipset name ({address}) is not allowed in this context")
        } else {
            format!("Invalid ipset name ({address})")
        });
    }
    if address.is_empty() {
        return Err(match family {
            Family::Ipv4 => "Missing address".to_owned(),
            Family::Ipv6 => format!("Invalid Network address ({text})"),
        });
    }
    let max = match family {
        Family::Ipv6 => 128,
        Family::Ipv4 => 32,
    };
    match vlsm {
        Some(vlsm) => {
            if vlsm.is_empty()
                || !vlsm.bytes().all(|b| b.is_ascii_digit())
                || vlsm.parse::<u32>().map_or(true, |it| it > max)
            {
                return Err(format!("Invalid VLSM ({vlsm})"));
            }
            let valid = match family {
                Family::Ipv6 => valid_ipv6(address),
                Family::Ipv4 => valid_ipv4(address),
            };
            if !valid {
                return Err(match family {
                    Family::Ipv6 => format!("Invalid IPv6 address ({address})"),
                    Family::Ipv4 => format!("Invalid IP address ({address})"),
                });
            }
            Ok(())
        }
        None => validate_address(address, family, allow_name),
    }
}

/// A host: a range `a-b` or a network (`validate_host`).
pub(crate) fn validate_host(text: &str, family: Family, allow_name: bool) -> Result<(), String> {
    match family {
        Family::Ipv6 => {
            // `^(.*:.*)-(.*:.*)$`: the last `-` with colons on both sides.
            if let Some(idx) = text.rfind('-') {
                let (low, high) = (&text[..idx], &text[idx + 1..]);
                if low.contains(':') && high.contains(':') {
                    return validate_range_v6(low, high);
                }
            }
            validate_net(text, family, allow_name)
        }
        Family::Ipv4 => {
            if let Some((low, high)) = text.split_once('-') {
                if valid_ipv4_shape(low) && valid_ipv4_shape(high) {
                    validate_address(low, family, false)?;
                    validate_address(high, family, false)?;
                    if ipv4_value(low) > ipv4_value(high) {
                        return Err(format!("Invalid IP Range ({low}-{high})"));
                    }
                    return Ok(());
                }
            }
            validate_net(text, family, allow_name)
        }
    }
}

fn valid_ipv4_shape(text: &str) -> bool {
    is_dotted_quad(text)
}

fn ipv4_value(text: &str) -> u64 {
    text.split('.')
        .fold(0, |acc, it| acc * 256 + it.parse::<u64>().unwrap_or(0))
}

fn strip_brackets(text: &str) -> String {
    if let Some(inner) = text.strip_prefix('[').and_then(|it| it.strip_suffix(']')) {
        return inner.to_owned();
    }
    if let Some((inner, vlsm)) = text.strip_prefix('[').and_then(|it| it.split_once("]/")) {
        return format!("{inner}/{vlsm}");
    }
    text.to_owned()
}

fn validate_range_v6(low: &str, high: &str) -> Result<(), String> {
    let (low, high) = (strip_brackets(low), strip_brackets(high));
    validate_address(&low, Family::Ipv6, false)?;
    validate_address(&high, Family::Ipv6, false)?;
    match (expand_v6(&low), expand_v6(&high)) {
        (Some(a), Some(b)) if a < b => Ok(()),
        _ => Err(format!("Invalid IPv6 Range ({low}-{high})")),
    }
}

/// The eight 16-bit groups of an IPv6 address.
pub(crate) fn expand_v6(text: &str) -> Option<[u16; 8]> {
    let (head, tail) = match text.split_once("::") {
        Some((head, tail)) => (head, Some(tail)),
        None => (text, None),
    };
    let parse_groups = |part: &str| -> Option<Vec<u16>> {
        if part.is_empty() {
            return Some(Vec::new());
        }
        let mut res = Vec::new();
        for group in part.split(':') {
            if group.contains('.') {
                if !valid_ipv4(group) {
                    return None;
                }
                let value = ipv4_value(group);
                res.push((value >> 16) as u16);
                res.push((value & 0xffff) as u16);
            } else {
                res.push(u16::from_str_radix(group, 16).ok()?);
            }
        }
        Some(res)
    };
    let head = parse_groups(head)?;
    let tail = match tail {
        Some(it) => parse_groups(it)?,
        None => Vec::new(),
    };
    if head.len() + tail.len() > 8 {
        return None;
    }
    let mut res = [0u16; 8];
    res[..head.len()].copy_from_slice(&head);
    res[8 - tail.len()..].copy_from_slice(&tail);
    Some(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6() {
        assert!(valid_ipv6("2001:db8::1"));
        assert!(valid_ipv6("::"));
        assert!(valid_ipv6("::1"));
        assert!(valid_ipv6("fe80::"));
        assert!(valid_ipv6("::ffff:192.0.2.1"));
        assert!(!valid_ipv6("2001:db8::zz"));
        assert!(!valid_ipv6("1:2:3"));
        assert!(!valid_ipv6("1::2::3"));
        assert_eq!(
            validate_net("2001:db8::/129", Family::Ipv6, true),
            Err("Invalid VLSM (129)".into())
        );
        assert_eq!(
            validate_net("10.0.0.0/8", Family::Ipv6, true),
            Err("Invalid IPv6 address (10.0.0.0)".into())
        );
        assert_eq!(
            validate_net("192.168.1.1", Family::Ipv6, true),
            Err("Unknown Host (192.168.1.1)".into())
        );
        assert_eq!(
            validate_net("2001:db8::zz", Family::Ipv6, true),
            Err("Unknown Host (2001:db8::zz)".into())
        );
        assert_eq!(validate_net("[2001:db8::]/32", Family::Ipv6, true), Ok(()));
        assert_eq!(validate_net("example.com", Family::Ipv6, true), Ok(()));
        assert_eq!(
            validate_host("2001:db8::1-2001:db8::9", Family::Ipv6, true),
            Ok(())
        );
        assert!(validate_host("2001:db8::9-2001:db8::1", Family::Ipv6, true).is_err());
    }

    #[test]
    fn ipv4() {
        assert_eq!(validate_net("10.0.0.0/8", Family::Ipv4, true), Ok(()));
        assert_eq!(
            validate_net("10.0.0.0/33", Family::Ipv4, true),
            Err("Invalid VLSM (33)".into())
        );
        assert_eq!(
            validate_host("10.0.0.9-10.0.0.1", Family::Ipv4, true),
            Err("Invalid IP Range (10.0.0.9-10.0.0.1)".into())
        );
        assert_eq!(
            validate_net("2001:db8::1", Family::Ipv4, true),
            Err("Unknown Host (2001:db8::1)".into())
        );
    }
}
