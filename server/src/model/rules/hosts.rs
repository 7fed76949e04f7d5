//! The SOURCE, DEST and ORIGDEST host parts of a rule, checked as `Chains.pm expand_rule`
//! checks them: interfaces (`isolate_source_interface`, `verify_source_interface`, ...),
//! exclusions (`handle_network_list`), lists (`split_host_list`), and each address, range,
//! ipset, MAC, country code or interface address (`match_source_net`, `match_dest_net`,
//! `match_orig_dest`).

use shorewall_syntax::Family;

use crate::model::{address, zones::Interface};

use super::{
    col,
    matches::{set_flags, split_list, Check, Env, Problem},
};

/// Where a rule's chain is, which decides what its SOURCE and DEST may name (`Chains.pm`).
pub(crate) mod restrict {
    pub(crate) const NONE: u32 = 0;
    pub(crate) const PREROUTE: u32 = 1;
    pub(crate) const INPUT: u32 = 4;
    pub(crate) const OUTPUT: u32 = 8;
    pub(crate) const POSTROUTE: u32 = 16;
    pub(crate) const ALL: u32 = 12;
}

/// What the host checks need besides the column values.
pub(crate) struct Hosts<'a> {
    pub(crate) env: &'a Env<'a>,
    pub(crate) interfaces: &'a [Interface],
    /// Whether an interfaces file was read (without one, interface names are not checked).
    pub(crate) interfaces_known: bool,
}

impl Hosts<'_> {
    /// `known_interface`: a logical or physical name, or a name a wildcard interface covers.
    pub(crate) fn known_interface(&self, name: &str) -> Check<bool> {
        if !self.interfaces_known {
            return Ok(true);
        }
        if self
            .interfaces
            .iter()
            .any(|it| it.name == name || it.physical == name)
        {
            return Ok(true);
        }
        if name.contains('*') {
            return Err(Problem::new(
                col::SOURCE,
                "unknown-interface",
                format!("Invalid interface ({name})"),
            ));
        }
        Ok(self.interfaces.iter().any(|it| {
            it.name
                .strip_suffix('+')
                .is_some_and(|root| name.starts_with(root))
        }))
    }

    /// A bridge port's bridge (`port_to_bridge`).
    fn port_to_bridge(&self, name: &str) -> Option<&str> {
        self.interfaces
            .iter()
            .find(|it| it.name == name)
            .and_then(|it| it.bridge.as_deref())
    }

    /// `source_port_to_bridge`: a port's bridge, an interface's own name otherwise.
    fn source_port_to_bridge(&self, name: &str) -> Option<&str> {
        self.interfaces
            .iter()
            .find(|it| it.name == name)
            .map(|it| it.bridge.as_deref().unwrap_or(&it.name))
    }
}

/// A pattern of `isolate_source_interface`: the networks of the text after a colon.
type NetPattern<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// `isolate_source_interface` (and, for the DEST, `isolate_dest_interface` without the `detect:`
/// and `$variable` forms): `(interface, networks)`.
pub(crate) fn isolate_interface(
    family: Family,
    value: &str,
    is_dest: bool,
) -> (Option<String>, Option<String>) {
    match family {
        Family::Ipv4 => {
            if let Some((iface, nets)) = value.split_once(':') {
                if !iface.is_empty() && !nets.is_empty() {
                    return (Some(iface.to_owned()), Some(nets.to_owned()));
                }
            }
            // `^!?(?:\+|&|~|%|\^|\d+\.|.+\..+\.)` (DEST: without `~`).
            let body = value.strip_prefix('!').unwrap_or(value);
            let special = if is_dest { "+&%^" } else { "+&~%^" };
            let leading_digits = body.bytes().take_while(u8::is_ascii_digit).count();
            let digits_dot =
                leading_digits > 0 && body.as_bytes().get(leading_digits) == Some(&b'.');
            let two_dots = {
                // `.+\..+\.`: a dot after at least one char, then another after one more.
                body.get(1..)
                    .and_then(|rest| rest.find('.').map(|idx| &rest[idx + 1..]))
                    .is_some_and(|rest| rest.get(1..).is_some_and(|it| it.contains('.')))
            };
            if body.starts_with(|c: char| special.contains(c)) || digits_dot || two_dots {
                (None, Some(value.to_owned()))
            } else {
                (Some(value.to_owned()), None)
            }
        }
        Family::Ipv6 => {
            let text = if value.contains(['<', '>']) {
                value.replace('<', "[").replace('>', "]")
            } else {
                value.to_owned()
            };
            // Each pattern below needs one of these after a colon: a plain address has none.
            let plain = !text.contains(['[', ']', '+', '&', '%', '~']);
            // `^(.+?):(\[(?:.+),\[(?:.+)\])$`
            for (idx, _) in text
                .match_indices(':')
                .filter(|(idx, _)| *idx > 0 && !plain)
            {
                let tail = &text[idx + 1..];
                if tail.starts_with('[') && tail.ends_with(']') && tail.len() > 2 {
                    if let Some(pos) = tail[1..tail.len() - 1].find(",[") {
                        if pos > 0 && tail.len() - 1 > pos + 3 {
                            let mut nets = tail.to_owned();
                            if is_dest {
                                nets = nets.replacen("]-[", "-", 1);
                            }
                            return (Some(text[..idx].to_owned()), Some(nets));
                        }
                    }
                }
            }
            // `^(.+?):\[(.+)\]\s*$`, `^(.+?):(!?\+.+)$`, `^(.+?):(!?[&%~].+)$` (DEST: `[&%]`),
            // `^(.+?):(\[.+\]\/(?:\d+))\s*$` -- the first colon wins in each.
            let patterns: [&NetPattern<'_>; 4] = [
                &|t: &str| {
                    let t = t.trim_end();
                    (t.starts_with('[') && t.ends_with(']') && t.len() >= 3)
                        .then(|| t[1..t.len() - 1].to_owned())
                },
                &|t: &str| {
                    let body = t.strip_prefix('!').unwrap_or(t);
                    (body.starts_with('+') && body.len() >= 2).then(|| t.to_owned())
                },
                &|t: &str| {
                    let body = t.strip_prefix('!').unwrap_or(t);
                    let special = if is_dest { "&%" } else { "&%~" };
                    (body.starts_with(|c: char| special.contains(c)) && body.len() >= 2)
                        .then(|| t.to_owned())
                },
                &|t: &str| {
                    let t = t.trim_end();
                    let (inner, vlsm) = t.rsplit_once("]/")?;
                    (inner.starts_with('[')
                        && inner.len() >= 2
                        && !vlsm.is_empty()
                        && vlsm.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| t.to_owned())
                },
            ];
            for pattern in patterns.into_iter().filter(|_| !plain) {
                if let Some((idx, nets)) = text
                    .match_indices(':')
                    .filter(|(idx, _)| *idx > 0)
                    .find_map(|(idx, _)| pattern(&text[idx + 1..]).map(|nets| (idx, nets)))
                {
                    let nets = if is_dest {
                        nets
                    } else {
                        nets.replacen("]-[", "-", 1)
                    };
                    return (Some(text[..idx].to_owned()), Some(nets));
                }
            }
            if text.contains(':') {
                if text.starts_with('[')
                    && text.ends_with(']')
                    && text.len() > 2
                    && text[1..text.len() - 1].contains(",[")
                {
                    return (None, Some(text));
                }
                if let Some(inner) = text
                    .strip_prefix('[')
                    .and_then(|it| it.strip_suffix(']'))
                    .filter(|it| !it.is_empty())
                {
                    return (None, Some(inner.replacen("]-[", "-", 1)));
                }
                return (None, Some(text));
            }
            let special = if is_dest {
                text.contains(['+', '&'])
            } else {
                text.contains(['+', '&', '%', '~'])
            };
            let two_dots = text
                .find('.')
                .is_some_and(|idx| text[idx + 1..].contains('.'));
            if special || two_dots || text.strip_prefix('!').unwrap_or(&text).starts_with('^') {
                (None, Some(text))
            } else {
                (Some(text), None)
            }
        }
    }
}

/// `verify_source_interface`.
fn verify_source_interface(hosts: &Hosts<'_>, iface: &str, restriction: u32) -> Check {
    let name = iface.strip_prefix('!').unwrap_or(iface);
    if !hosts.known_interface(name)? {
        return Err(Problem::new(
            col::SOURCE,
            "unknown-interface",
            format!("Unknown Interface ({name})"),
        )
        .at(name));
    }
    if restriction & restrict::POSTROUTE == 0 && restriction & restrict::OUTPUT != 0 {
        return Err(Problem::new(
            col::SOURCE,
            "invalid-column",
            format!("Source Interface ({name}) not allowed when the SOURCE is the firewall"),
        )
        .at(name));
    }
    Ok(())
}

/// `verify_dest_interface`.
fn verify_dest_interface(
    hosts: &Hosts<'_>,
    iface: &str,
    restriction: u32,
    source_iface: Option<&str>,
) -> Check {
    let name = iface.strip_prefix('!').unwrap_or(iface);
    if !hosts.known_interface(name)? {
        return Err(Problem::new(
            col::DEST,
            "unknown-interface",
            format!("Unknown Interface ({name})"),
        )
        .at(name));
    }
    let problem =
        |message: String| Err(Problem::new(col::DEST, "invalid-column", message).at(name));
    if restriction & restrict::PREROUTE != 0 {
        if hosts.port_to_bridge(name).is_some() {
            return problem(format!("Bridge port ({name}) not allowed"));
        }
        if name.ends_with('+') {
            return problem(format!(
                "A wildcard interface ({name}) is not allowed in this context"
            ));
        }
        return Ok(());
    }
    if restriction & (restrict::POSTROUTE | restrict::OUTPUT) != 0
        && hosts.port_to_bridge(name).is_some()
    {
        return problem(format!(
            "Bridge Port ({name}) not allowed in OUTPUT or POSTROUTING rules"
        ));
    }
    if restriction & restrict::INPUT != 0 {
        return problem(format!(
            "Destination Interface ({name}) not allowed when the destination zone is the firewall"
        ));
    }
    if let (Some(source), Some(bridge)) = (source_iface, hosts.port_to_bridge(name)) {
        let source = source.strip_prefix('!').unwrap_or(source);
        if hosts.source_port_to_bridge(source) != Some(bridge) {
            return problem(format!(
                "Source interface ({source}) is not a port on the same bridge as the destination interface ( {name} )"
            ));
        }
    }
    Ok(())
}

/// `split_host_list` (without name resolution): commas outside `[...]` and `(...)`.
fn split_host_list(list: &str, idx: usize, loose: bool) -> Check<Vec<String>> {
    let items = split_list(list, "host", idx)?;
    let mut res: Vec<String> = Vec::new();
    let mut exclude = false;
    for (open, close) in [('[', ']'), ('(', ')')] {
        if !list.contains(open) {
            continue;
        }
        let input: Vec<String> = if res.is_empty() {
            items.iter().map(|it| (*it).to_owned()).collect()
        } else {
            std::mem::take(&mut res)
        };
        let mut iter = input.into_iter();
        while let Some(mut element) = iter.next() {
            if element.contains(open) {
                while element.matches(open).count() > element.matches(close).count() {
                    let Some(next) = iter.next() else {
                        return Err(Problem::new(
                            idx,
                            "invalid-address",
                            format!("Missing '{close}' ({element})"),
                        ));
                    };
                    element.push(',');
                    element.push_str(&next);
                }
                if !loose {
                    if exclude && element.contains('!') {
                        return Err(Problem::new(
                            idx,
                            "invalid-address",
                            format!("Invalid host list ({list})"),
                        ));
                    }
                    exclude |= element.starts_with('!') || element.contains(&format!("{close}!"));
                }
                if element.matches(open).count() != element.matches(close).count() {
                    return Err(Problem::new(
                        idx,
                        "invalid-address",
                        format!("Mismatched {open}...{close} ({element})"),
                    ));
                }
            } else if !loose {
                exclude |= element.contains('!');
            }
            res.push(element);
        }
    }
    if res.is_empty() {
        res = items.iter().map(|it| (*it).to_owned()).collect();
    }
    Ok(res)
}

/// `split_network`: a network and its exclusions, split at `!` outside `[...]`.
fn split_network(input: &str, srcdst: &str, list: &str, idx: usize) -> Check<Vec<String>> {
    let parts: Vec<&str> = input.split('!').collect();
    let mut res: Vec<String> = Vec::new();
    if input.contains('[') {
        let mut iter = parts.into_iter();
        while let Some(element) = iter.next() {
            let mut element = element.to_owned();
            if element.contains('[') {
                while element.matches('[').count() > element.matches(']').count() {
                    let Some(next) = iter.next() else {
                        return Err(Problem::new(
                            idx,
                            "invalid-address",
                            format!("Missing ']' ({element})"),
                        ));
                    };
                    element.push('!');
                    element.push_str(next);
                }
                if element.matches('[').count() != element.matches(']').count() {
                    return Err(Problem::new(
                        idx,
                        "invalid-address",
                        format!("Mismatched [...] ({element})"),
                    ));
                }
            }
            res.push(element);
        }
    } else {
        res = parts.into_iter().map(str::to_owned).collect();
    }
    if res.len() > 2 {
        return Err(invalid_network_list(srcdst, list, idx));
    }
    Ok(res)
}

fn invalid_network_list(srcdst: &str, list: &str, idx: usize) -> Problem {
    Problem::new(
        idx,
        "invalid-address",
        format!("Invalid {srcdst} network list ({list})"),
    )
}

/// `handle_network_list`: `(networks, exclusions)`.
fn handle_network_list(list: &str, srcdst: &str, idx: usize) -> Check<(String, String)> {
    // Without `!` or brackets, the list is its networks as it is (once it splits).
    if !list.contains(['!', '[', '(']) {
        split_list(list, "host", idx)?;
        return Ok((list.to_owned(), String::new()));
    }
    let mut nets = String::new();
    let mut excl = String::new();
    for item in split_host_list(list, idx, false)? {
        if item.contains('!') {
            if let Some(rest) = item.strip_prefix('!') {
                if !nets.is_empty() || !excl.is_empty() {
                    return Err(invalid_network_list(srcdst, list, idx));
                }
                excl = rest.to_owned();
            } else {
                let parts = split_network(&item, srcdst, list, idx)?;
                let first = parts.first().cloned().unwrap_or_default();
                if nets.is_empty() {
                    nets = first;
                } else {
                    nets = format!("{nets},{first}");
                }
                if let Some(second) = parts.get(1).filter(|it| !it.is_empty()) {
                    if !excl.is_empty() {
                        return Err(invalid_network_list(srcdst, list, idx));
                    }
                    excl = second.clone();
                }
            }
        } else if !excl.is_empty() {
            excl.push(',');
            excl.push_str(&item);
        } else if nets.is_empty() {
            nets = item;
        } else {
            nets = format!("{nets},{item}");
        }
    }
    Ok((nets, excl))
}

/// `^(!?)(?:\+?)((?:6_)?[a-zA-Z][-\w]*(?:\[.*\])?)(?:\((.+)\))?$`: an ipset (the `+` is
/// optional to this pattern).
fn ipset_parts(net: &str) -> Option<(String, Option<String>)> {
    let body = net.strip_prefix('!').unwrap_or(net);
    let body = body.strip_prefix('+').unwrap_or(body);
    let (body, nfacct) = match body.strip_suffix(')') {
        Some(inner) => match inner.find('(') {
            Some(open) if open + 1 < inner.len() => {
                (&inner[..open], Some(inner[open + 1..].to_owned()))
            }
            _ => (body, None),
        },
        None => (body, None),
    };
    let name_part = body.strip_prefix("6_").unwrap_or(body);
    let name_end = name_part.find('[').unwrap_or(name_part.len());
    let (name, flags) = name_part.split_at(name_end);
    let valid_name = name
        .chars()
        .next()
        .is_some_and(|it| it.is_ascii_alphabetic())
        && name
            .chars()
            .all(|it| it.is_ascii_alphanumeric() || it == '_' || it == '-');
    let valid_flags = flags.is_empty() || (flags.starts_with('[') && flags.ends_with(']'));
    (valid_name && valid_flags).then(|| (body.to_owned(), nfacct))
}

/// `match_source_net` (`is_source`) or `match_dest_net`.
fn match_net(hosts: &Hosts<'_>, net: &str, restriction: u32, is_source: bool, idx: usize) -> Check {
    let env = hosts.env;
    let family = env.family;
    let body = net.strip_prefix('!').unwrap_or(net);
    // A range.
    let is_range = match family {
        Family::Ipv4 => body
            .split_once('-')
            .is_some_and(|(a, b)| dotted_quad_shape(a) && dotted_quad_shape(b)),
        Family::Ipv6 => body
            .rfind('-')
            .is_some_and(|pos| body[..pos].contains(':') && body[pos + 1..].contains(':')),
    };
    if is_range {
        let (low, high) = match family {
            Family::Ipv4 => body.split_once('-').unwrap_or((body, "")),
            Family::Ipv6 => {
                let pos = body.rfind('-').unwrap_or(0);
                (&body[..pos], &body[pos + 1..])
            }
        };
        return address::validate_range(low, high, family)
            .map_err(|message| Problem::new(idx, "invalid-address", message).at(net));
    }
    if is_source && body.starts_with('~') {
        if restriction >= restrict::OUTPUT {
            return Err(Problem::new(
                idx,
                "mac-in-dest",
                format!("A MAC address({net}) cannot be used in this context"),
            )
            .at(net));
        }
        let mac = body[1..].replace('-', ":");
        let valid = mac.split(':').count() == 6
            && mac
                .split(':')
                .all(|it| it.len() == 2 && it.bytes().all(|b| b.is_ascii_hexdigit()));
        if !valid {
            return Err(Problem::new(
                idx,
                "invalid-address",
                format!("Invalid MAC address ({mac})"),
            )
            .at(net));
        }
        return Ok(());
    }
    if let Some((set, nfacct)) = ipset_parts(net) {
        set_flags(env, &set, if is_source { "src" } else { "dst" }, idx)?;
        if let Some(nfacct) = nfacct {
            env.require(
                idx,
                "NFACCT_MATCH",
                &format!("An nfacct object list ({nfacct})"),
                "s",
            )?;
        }
        return Ok(());
    }
    if let Some(inner) = body.strip_prefix("+[").and_then(|it| it.strip_suffix(']')) {
        env.require(idx, "KLUDGEFREE", "Multiple ipset matches", "")?;
        for set in split_host_list(inner, idx, true)? {
            if ipset_parts(&set).is_none() {
                return Err(Problem::new(
                    idx,
                    "invalid-address",
                    format!("Expected ipset name ({set})"),
                )
                .at(&set));
            }
            set_flags(env, &set, if is_source { "src" } else { "dst" }, idx)?;
        }
        return Ok(());
    }
    if let Some(codes) = body.strip_prefix('^') {
        let inner = codes
            .strip_prefix('[')
            .and_then(|it| it.strip_suffix(']'))
            .unwrap_or(codes);
        let shape = if codes.starts_with('[') {
            !inner.is_empty()
                && inner
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == ',')
        } else {
            codes.len() == 2
                && codes
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        };
        if shape {
            return env.require(idx, "GEOIP_MATCH", "A country-code", "");
        }
    }
    if let Some(interface) = body.strip_prefix(['&', '%']) {
        let name = interface.trim_start_matches('{').trim_end_matches('}');
        if interface.starts_with('{') {
            return Ok(());
        }
        if !hosts.known_interface(name)? {
            return Err(Problem::new(
                idx,
                "unknown-interface",
                format!("Unknown interface address variable ({}{name})", &body[..1]),
            )
            .at(name));
        }
        if name.ends_with('+') {
            return Err(Problem::new(
                idx,
                "invalid-address",
                format!("Invalid interface address variable ({}{name})", &body[..1]),
            ));
        }
        return Ok(());
    }
    if !is_source && body.starts_with('$') && !net.starts_with('!') {
        return Ok(());
    }
    validate_net(family, body, idx).map_err(|it| it.at(body))
}

/// `validate_net($net, 1)`, with the codes our diagnostics use.
pub(crate) fn validate_net(family: Family, net: &str, idx: usize) -> Check {
    address::validate_net(net, family, true).map_err(|message| {
        let address = net
            .trim_start_matches('[')
            .split(['/', ']'])
            .next()
            .unwrap_or("");
        let other_family = match family {
            Family::Ipv6 => address::valid_ipv4(address),
            Family::Ipv4 => address::valid_ipv6(address),
        };
        let code = if other_family {
            "wrong-address-family"
        } else if message.starts_with("Invalid VLSM") {
            "invalid-prefix-length"
        } else {
            "invalid-address"
        };
        Problem::new(idx, code, message)
    })
}

fn dotted_quad_shape(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|it| !it.is_empty() && it.bytes().all(|b| b.is_ascii_digit()))
}

/// `match_orig_dest`.
fn match_orig_dest(hosts: &Hosts<'_>, net: &str) -> Check {
    let body = net.strip_prefix('!').unwrap_or(net);
    if let Some(interface) = body.strip_prefix('&') {
        if !hosts.known_interface(interface)? {
            return Err(Problem::new(
                col::ORIGDEST,
                "unknown-interface",
                format!("Unknown interface address variable (&{interface})"),
            ));
        }
        return Ok(());
    }
    validate_net(hosts.env.family, body, col::ORIGDEST).map_err(|it| it.at(body))
}

/// `expand_rule`'s checks of SOURCE (without its zone), DEST (without its zone) and ORIGDEST.
pub(crate) fn expand_rule(
    hosts: &Hosts<'_>,
    restriction: u32,
    source: &str,
    dest: &str,
    origdest: &str,
) -> Check {
    let family = hosts.env.family;
    let mut source_iface = None;
    let mut inets = String::new();
    if !source.is_empty() && source != "-" {
        let (iface, nets) = isolate_interface(family, source, false);
        source_iface = iface;
        inets = nets.unwrap_or_default();
    }
    if let Some(iface) = &source_iface {
        verify_source_interface(hosts, iface, restriction)?;
    }
    let mut dnets = String::new();
    if !dest.is_empty() && dest != "-" && !dest.starts_with("detect:") {
        if dest.starts_with('$') {
            dnets = dest.to_owned();
        } else {
            let (iface, nets) = isolate_interface(family, dest, true);
            if let Some(iface) = iface {
                verify_dest_interface(hosts, &iface, restriction, source_iface.as_deref())?;
            }
            dnets = nets.unwrap_or_default();
        }
    }
    let (onets, oexcl) = handle_original_dest(hosts, origdest)?;
    let (inets, iexcl) = if inets.is_empty() {
        (String::new(), String::new())
    } else {
        handle_network_list(&inets, "SOURCE", col::SOURCE)?
    };
    let (dnets, dexcl) = if dnets.is_empty() {
        (String::new(), String::new())
    } else {
        handle_network_list(&dnets, "DEST", col::DEST)?
    };
    for (list, is_source, idx) in [
        (&inets, true, col::SOURCE),
        (&iexcl, true, col::SOURCE),
        (&dnets, false, col::DEST),
        (&dexcl, false, col::DEST),
    ] {
        if list.is_empty() {
            continue;
        }
        for net in split_host_list(list, idx, true)? {
            match_net(hosts, &net, restriction, is_source, idx)?;
        }
    }
    for list in [&onets, &oexcl] {
        if list.is_empty() {
            continue;
        }
        for net in split_host_list(list, col::ORIGDEST, true)? {
            match_orig_dest(hosts, &net)?;
        }
    }
    Ok(())
}

/// `handle_original_dest`: `(networks, exclusions)`.
fn handle_original_dest(hosts: &Hosts<'_>, origdest: &str) -> Check<(String, String)> {
    if origdest.is_empty()
        || origdest == "-"
        || origdest.starts_with("detect:")
        || !hosts.env.caps.has("CONNTRACK_MATCH")
    {
        return Ok((String::new(), String::new()));
    }
    let invalid = || Problem::new(col::ORIGDEST, "invalid-address", "Invalid ORIGINAL DEST");
    // `^([^!]+)?,!([^!]+)$` or two `!`.
    if origdest.matches('!').count() >= 2 {
        return Err(invalid());
    }
    if let Some((before, after)) = origdest.split_once(",!") {
        if !before.contains('!') && !after.is_empty() {
            return Err(invalid());
        }
    }
    match origdest.split_once('!') {
        Some((nets, excl)) if !excl.is_empty() => Ok((nets.to_owned(), excl.to_owned())),
        _ => Ok((origdest.to_owned(), String::new())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interface_split() {
        let split = |it: &str| isolate_interface(Family::Ipv6, it, false);
        assert_eq!(split("2001:db8::1"), (None, Some("2001:db8::1".into())));
        assert_eq!(
            split("eth0:[2001:db8::1]"),
            (Some("eth0".into()), Some("2001:db8::1".into()))
        );
        assert_eq!(split("eth0"), (Some("eth0".into()), None));
        assert_eq!(
            split("eth0:<a::1,b::2>"),
            (Some("eth0".into()), Some("a::1,b::2".into()))
        );
        assert_eq!(
            split("eth0:2001:db8::"),
            (None, Some("eth0:2001:db8::".into()))
        );
        let split4 = |it: &str| isolate_interface(Family::Ipv4, it, false);
        assert_eq!(split4("10.0.0"), (None, Some("10.0.0".into())));
        assert_eq!(split4("eth0"), (Some("eth0".into()), None));
        assert_eq!(
            split4("eth0:10.0.0.1"),
            (Some("eth0".into()), Some("10.0.0.1".into()))
        );
    }
}
