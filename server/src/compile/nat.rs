//! Destination NAT in the rules file (`Nat.pm handle_nat_rule`, `handle_nonat_rule`): DNAT and
//! REDIRECT rules in the nat chain `<zone>_dnat` (nat OUTPUT from the firewall) that
//! `generate_matrix` jumps to from nat PREROUTING, with `--to-destination [addr]:port` or
//! `--to-port`, and the ACCEPT rule Shorewall adds to the filter table for the translated
//! traffic; and the ORIGDEST column (`Chains.pm handle_original_dest`), which those rules use.

use super::addresses::{imatch_net, valid_address, validate_net, validate_range, Side, ALLIP};
use super::capabilities::Capabilities;
use super::chains::{port_count, TableId, DONT_OPTIMIZE};
use super::ir::Jump;
use super::lower::{section, Compiler};
use super::matches::{self as m, resolve_proto};
use super::rules::{restrict, split_host_list, Columns};
use super::topology::{HostGroup, ZoneKind};
use super::{error, unsupported, Result};

/// `handle_original_dest`: the original destination networks of a rule (`ALLIP` alone when
/// there is none), the excluded ones (`$oexcl`, RETURNs of an exclusion chain), and the match
/// of a single excluded one without networks (`-m conntrack ! --ctorigdst X`), which goes
/// after the interface matches.
pub(crate) fn handle_original_dest(
    caps: &Capabilities,
    origdest: &str,
) -> Result<(Vec<String>, String, String)> {
    let all = || vec![ALLIP.to_owned()];
    if origdest.is_empty() || origdest == "-" || !caps.has("CONNTRACK_MATCH") {
        return Ok((all(), String::new(), String::new()));
    }
    if origdest.starts_with("detect:") || origdest == "detect" {
        return unsupported("ORIGDEST detect (the interfaces' addresses at run time) is not supported by the preview");
    }
    let bangs = origdest.matches('!').count();
    let excluded_list = origdest
        .split_once(",!")
        .is_some_and(|(head, tail)| !head.contains('!') && !tail.contains('!'));
    if bangs > 1 || excluded_list {
        return error("Invalid ORIGINAL DEST");
    }
    let (onets, oexcl) = match origdest.split_once('!') {
        Some((nets, excl)) => (nets.to_owned(), excl.to_owned()),
        None => (origdest.to_owned(), String::new()),
    };
    let mut rule = String::new();
    let mut oexcl = oexcl;
    if onets.is_empty() {
        let excluded = split_host_list(&oexcl)?;
        if excluded.len() == 1 {
            rule = match_orig_dest(&format!("!{oexcl}"))?;
            oexcl.clear();
        }
    }
    if onets.is_empty() {
        return Ok((all(), oexcl, rule));
    }
    Ok((split_host_list(&onets)?, oexcl, rule))
}

/// `match_orig_dest`: `-m conntrack [!] --ctorigdst NET ` (nothing for `ALLIP`).
pub(crate) fn match_orig_dest(net: &str) -> Result<String> {
    if net == ALLIP {
        return Ok(String::new());
    }
    let (invert, net) = match net.strip_prefix('!') {
        Some(rest) => ("! ", rest),
        None => ("", net),
    };
    if net.starts_with('&') {
        return unsupported(format!(
            "Run-time interface addresses ({net}) are not supported by the preview"
        ));
    }
    let net = validate_net(net)?;
    if invert.is_empty() && net == ALLIP {
        return Ok(String::new());
    }
    Ok(format!("-m conntrack {invert}--ctorigdst {net} "))
}

/// The rules of `expand_rule` in Shorewall's order: per original destination, per source,
/// per destination; each with the original destination's match.
pub(crate) fn address_product(
    inets: &str,
    dnets: &str,
    onets: &[String],
) -> Result<Vec<(String, String, String)>> {
    let sources = split_host_list(inets)?;
    let dests = split_host_list(dnets)?;
    let mut out = Vec::with_capacity(onets.len() * sources.len() * dests.len());
    for onet in onets {
        let onet = match_orig_dest(onet)?;
        for inet in &sources {
            for dnet in &dests {
                out.push((inet.clone(), dnet.clone(), onet.clone()));
            }
        }
    }
    Ok(out)
}

impl Compiler<'_> {
    /// `add_interface_jumps`, nat part: nat POSTROUTING jumps to the `<iface>_snat` chains,
    /// then per interface the jumps to `<iface>_in` (PREROUTING), `<iface>_out` and
    /// `<iface>_masq` (POSTROUTING), for the chains that have rules (`addnatjump`).
    pub(crate) fn add_nat_interface_jumps(&mut self, interfaces: &[String]) -> Result<()> {
        for interface in interfaces {
            let chain = self.nat_interface_chain(interface, true);
            self.add_nat_jump("POSTROUTING", &chain, self.dest_dev(interface))?;
        }
        for interface in interfaces {
            let base = self.interface_chain_base(interface);
            self.add_nat_jump(
                "PREROUTING",
                &format!("{base}_in"),
                self.source_dev(interface),
            )?;
            self.add_nat_jump(
                "POSTROUTING",
                &format!("{base}_out"),
                self.dest_dev(interface),
            )?;
            let chain = self.nat_interface_chain(interface, false);
            self.add_nat_jump("POSTROUTING", &chain, self.dest_dev(interface))?;
        }
        Ok(())
    }

    /// `addnatjump`: a jump to a nat chain when it has rules.
    fn add_nat_jump(
        &mut self,
        from: &str,
        chain: &str,
        matches: Vec<super::ir::Match>,
    ) -> Result<()> {
        if self
            .chains
            .get(TableId::Nat, chain)
            .is_some_and(|it| it.referenced)
        {
            self.chains
                .add_ijump(TableId::Nat, from, Jump::Jump, chain, matches)?;
        }
        Ok(())
    }

    /// `add_prerouting_jumps`: the nat PREROUTING jump from a zone's network to its
    /// `<zone>_dnat` chain when the chain has rules.
    pub(crate) fn add_prerouting_jumps(
        &mut self,
        zone: &str,
        interface: &str,
        group: &HostGroup,
        net: &str,
    ) -> Result<()> {
        let chain = format!("{zone}_dnat");
        if !self
            .chains
            .get(TableId::Nat, &chain)
            .is_some_and(|it| it.referenced)
        {
            return self.nested_zone_return(zone, interface, group, net);
        }
        let source = imatch_net(net, Side::Source)?;
        let has_source = !source.is_empty();
        let mut m = self.source_dev(interface);
        m.extend(source);
        m.extend(self.match_ipsec_in(zone, group));
        let target = self.exclusion_in(TableId::Nat, &group.exclusions, &chain)?;
        self.chains.add_ijump_with_origin(
            TableId::Nat,
            "PREROUTING",
            Jump::Jump,
            &target,
            Some(&group.origin),
            m,
        )?;
        // `check_optimization`: a chain reached for part of an interface keeps its rules
        // when one of them matches a source address.
        if has_source && self.config.optimize & 4 != 0 {
            if let Some(it) = self.chains.get_mut(TableId::Nat, &chain) {
                if it
                    .rules
                    .iter()
                    .any(|rule| rule.matches.iter().any(|m| m.key == "s"))
                {
                    it.optflags |= DONT_OPTIMIZE;
                }
            }
        }
        self.nested_zone_return(zone, interface, group, net)
    }

    /// `handle_nested_zone` and the end of `add_prerouting_jumps`: traffic of a sub-zone of a
    /// zone with DNAT rules returns from nat PREROUTING before the parent's jump, unless the
    /// sub-zone has a CONTINUE policy to some zone.
    fn nested_zone_return(
        &mut self,
        zone: &str,
        interface: &str,
        group: &HostGroup,
        net: &str,
    ) -> Result<()> {
        let Some(z) = self.topo.zone(zone) else {
            return Ok(());
        };
        let parent_has_nat = z.parents.iter().any(|parent| {
            self.chains
                .get(TableId::Nat, &format!("{parent}_dnat"))
                .is_some_and(|it| it.referenced)
        });
        if !parent_has_nat {
            return Ok(());
        }
        for zone1 in self.topo.all_zones() {
            let chain = self.rules_chain(zone, &zone1);
            if self
                .chains
                .get(TableId::Filter, &chain)
                .is_some_and(|it| it.policy == "CONTINUE")
            {
                return Ok(());
            }
        }
        let mut m = self.source_dev(interface);
        m.extend(imatch_net(net, Side::Source)?);
        m.extend(self.match_ipsec_in(zone, group));
        self.chains.add_ijump_with_origin(
            TableId::Nat,
            "PREROUTING",
            Jump::Jump,
            "RETURN",
            Some(&group.origin),
            m,
        )?;
        Ok(())
    }
}

/// The nat table part of a DNAT or REDIRECT rule.
pub(crate) struct NatRule<'r> {
    /// The DEST column after the zone: `[server]:port`, `server`, `[]:port`.
    pub dest: &'r str,
    pub proto: &'r str,
    pub ports: &'r str,
    pub origdest: &'r str,
    /// `DNAT` or `REDIRECT` (modifiers removed).
    pub action: &'r str,
    pub sourcezone: &'r str,
    /// The matches of the rule (protocol, ports, rate, user, ...).
    pub rule: &'r str,
    pub source: &'r str,
    pub loglevel: &'r str,
    pub log_action: &'r str,
    /// The action's chain when the rule invokes an action whose body does NAT.
    pub action_target: &'r str,
    /// The action chain the rule is in, when it is in an action's body.
    pub action_chain: &'r str,
}

/// What the filter rule of a DNAT or REDIRECT rule matches after the translation.
pub(crate) struct Translated {
    /// The server port(s).
    pub ports: String,
    /// The original destination port when it was a single port and is translated.
    pub origdstports: String,
    /// The server address(es), empty for REDIRECT.
    pub server: String,
}

/// `REDIRECT`'s DEST column as a DEST of the firewall zone (`$FW:[]:port`).
pub(crate) fn redirect_dest(
    natonly: bool,
    inchain: bool,
    fw: &str,
    dest: &str,
    ports: &str,
) -> String {
    let zone = if natonly { "" } else { fw };
    if inchain {
        // In an action's body the DEST is only the port.
        return if dest == "-" {
            String::new()
        } else {
            format!("[]:{dest}")
        };
    }
    if dest == "-" {
        let port = if ports.contains([':', ',']) {
            ""
        } else {
            ports
        };
        return format!("{zone}:[]:{port}");
    }
    // `/^[^\d].*:/`: a DEST that already names a zone.
    let mut chars = dest.chars();
    let named = chars.next().is_some_and(|c| !c.is_ascii_digit()) && chars.as_str().contains(':');
    if named {
        dest.to_owned()
    } else {
        format!("{zone}:[]:{dest}")
    }
}

impl Compiler<'_> {
    /// The zone of a DNAT-, REDIRECT- or NONAT rule's DEST, which only names the firewall's
    /// side: a known zone is ignored with a warning, anything else is part of the address.
    pub(crate) fn natonly_dest(
        &mut self,
        destzone: &mut String,
        dest: &mut String,
        log_action: &str,
    ) -> Option<super::topology::ZoneKind> {
        if destzone == "-" || destzone.is_empty() {
            return None;
        }
        match self.topo.zone(destzone).map(|it| it.kind) {
            Some(kind) => {
                self.warn(format!(
                    "The destination zone ({destzone}) is ignored in {log_action} rules"
                ));
                Some(kind)
            }
            None => {
                *dest = format!("{destzone}:{dest}");
                destzone.clear();
                None
            }
        }
    }

    /// `handle_nat_rule`: the DNAT or REDIRECT rule in the source zone's `<zone>_dnat` chain
    /// (nat OUTPUT from the firewall), and what the filter rule then matches.
    pub(crate) fn handle_nat_rule(
        &mut self,
        nat: &NatRule<'_>,
        wildcard: bool,
    ) -> Result<Translated> {
        if !self.caps().has("NAT_ENABLED") {
            return error(format!(
                "{} rules require NAT in your kernel and iptables",
                nat.action
            ));
        }
        let mut dest = nat.dest.to_owned();
        let mut randomize = "";
        if let Some(rest) = dest.strip_suffix(":random") {
            dest = rest.to_owned();
            randomize = " --random";
        }
        let mut server = String::new();
        let mut serverport = String::new();
        let mut ports = nat.ports.to_owned();
        let mut origdstports = String::new();
        // `/^\[(.*)]:(.+)$/`
        let bracketed = dest
            .strip_prefix('[')
            .and_then(|it| it.rsplit_once("]:"))
            .filter(|(_, port)| !port.is_empty());
        if let Some((address, port)) = bracketed {
            server = address.to_owned();
            serverport = port.to_owned();
            let proto = nat.proto.split(':').next().unwrap_or("");
            if resolve_proto(self.names(), proto) == Some(136) {
                return error("UDPLITE Port Redirection requires UDPLITE Redirect in your kernel and iptables");
            }
            if !ports.is_empty() && ports != "-" && port_count(&ports) == 1 {
                origdstports = m::validate_port(self.names(), nat.proto, &ports)?;
            }
            let proto_name = match resolve_proto(self.names(), nat.proto) {
                Some(number) => m::proto_name(self.names(), number),
                None => nat.proto.to_owned(),
            };
            let range = serverport.split_once('-').filter(|(low, high)| {
                !low.is_empty()
                    && !high.is_empty()
                    && low.chars().all(|c| c.is_ascii_digit())
                    && high.chars().all(|c| c.is_ascii_digit())
            });
            if let Some((low, high)) = range {
                let (low_n, high_n): (u64, u64) =
                    (low.parse().unwrap_or(0), high.parse().unwrap_or(0));
                if low_n >= high_n {
                    return error(format!("Invalid port range ({serverport})"));
                }
                m::validate_port(self.names(), &proto_name, low)?;
                m::validate_port(self.names(), &proto_name, high)?;
                ports = serverport.replace('-', ":");
            } else {
                serverport = m::validate_port(self.names(), &proto_name, &serverport)?;
                ports = serverport.clone();
            }
        } else if dest != ":" {
            server = dest.clone();
        }
        if server.contains(',') {
            return error(format!(
                "An address list ({server}) is not allowed in the DEST column of a {} RULE",
                nat.action
            ));
        }
        let detect = self
            .model
            .settings
            .supplied("DETECT_DNAT_IPADDRS")
            .is_some_and(|it| it.eq_ignore_ascii_case("yes"));
        let mut origdest = nat.origdest.to_owned();
        let mut target;
        if nat.action == "REDIRECT" && nat.action_target.is_empty() {
            if !server.is_empty() {
                return error(format!(
                    "A server IP address ({server}) may not be specified in a REDIRECT rule"
                ));
            }
            target = "REDIRECT".to_owned();
            if !serverport.is_empty() {
                target.push_str(&format!(" --to-port {serverport}"));
            }
            if origdest.is_empty() || origdest == "-" || (origdest == "detect" && !detect) {
                origdest = ALLIP.to_owned();
            } else if origdest == "detect" && !nat.action_chain.is_empty() {
                return error("ORIGINAL DEST \"detect\" is invalid in an action");
            } else if origdest == "detect" {
                return unsupported("DETECT_DNAT_IPADDRS=Yes (run-time interface addresses) is not supported by the preview");
            }
        } else if !nat.action_target.is_empty() {
            if !serverport.is_empty() {
                return error(format!(
                    "A server port ({serverport}) is not allowed in {} rule",
                    nat.action
                ));
            }
            target = nat.action_target.to_owned();
        } else {
            if server.is_empty() {
                if serverport.is_empty() {
                    return error(format!(
                        "A server and/or port must be specified in the DEST column in {} rules",
                        nat.action
                    ));
                }
            } else if let Some((low, high)) = server.rsplit_once('-') {
                let inner = server
                    .strip_prefix('[')
                    .and_then(|it| it.strip_suffix(']'))
                    .map(|it| it.replace("]-[", "-"));
                let (low, high) = match &inner {
                    Some(inner) => inner.rsplit_once('-').unwrap_or((low, high)),
                    None => (low, high),
                };
                validate_range(low, high)?;
                server = format!("{low}-{high}");
            } else if server == ALLIP || server == "::" {
                return error("Invalid or missing server IP address");
            } else {
                if let Some(inner) = server.strip_prefix('[').and_then(|it| it.strip_suffix(']')) {
                    server = inner.to_owned();
                }
                if server == ALLIP || server == "::" {
                    return error(format!("Invalid server IP address ({server})"));
                }
                if server.starts_with('&') || server.starts_with('%') {
                    return unsupported(format!(
                        "Run-time interface addresses ({server}) are not supported by the preview"
                    ));
                }
                if !valid_address(&server) {
                    // Shorewall would look the name up in the DNS.
                    return error(format!("Unknown Host ({server})"));
                }
            }
            // With a parameter (`DNAT(x)`, `REDIRECT(x)`) the action is not `DNAT` and
            // Shorewall generates the nat rule without a target.
            target = String::new();
            if nat.action != "DNAT" {
                // No target.
            } else if server.is_empty() {
                target = format!("DNAT --to-destination :{serverport}");
            } else {
                let port = if serverport.is_empty() {
                    String::new()
                } else {
                    format!(":{serverport}")
                };
                target = format!("DNAT --to-destination [{server}]{port}");
            }
            if origdest.is_empty() || origdest == "-" || origdest == "detect" {
                if detect && nat.action_chain.is_empty() {
                    return unsupported("DETECT_DNAT_IPADDRS=Yes (run-time interface addresses) is not supported by the preview");
                }
                origdest = ALLIP.to_owned();
            }
        }
        target.push_str(randomize);
        let level = nat.loglevel.split(':').next().unwrap_or("");
        if target.is_empty() && !level.is_empty() && level != "none" {
            return error("Unknown rule target ()");
        }
        let fw_source = self
            .topo
            .zone(nat.sourcezone)
            .is_some_and(|it| matches!(it.kind, ZoneKind::Firewall | ZoneKind::Vserver));
        let (chain, restriction) = if !nat.action_chain.is_empty() {
            (nat.action_chain.to_owned(), restrict::PREROUTE)
        } else if fw_source {
            ("OUTPUT".to_owned(), restrict::OUTPUT)
        } else {
            (format!("{}_dnat", nat.sourcezone), restrict::PREROUTE)
        };
        self.chains.ensure_chain(TableId::Nat, &chain);
        if self.nat_unreachable(&chain, wildcard) {
            return Ok(Translated {
                ports,
                origdstports,
                server,
            });
        }
        let exceptionrule = if serverport.is_empty() {
            String::new()
        } else {
            m::do_proto(self.names(), self.caps(), nat.proto, "", "")?
        };
        self.expand_rule(
            TableId::Nat,
            &chain,
            restriction,
            "",
            nat.rule,
            nat.source,
            &origdest,
            "",
            &target,
            nat.loglevel,
            nat.log_action,
            &exceptionrule,
            false,
            "",
        )?;
        Ok(Translated {
            ports,
            origdstports,
            server,
        })
    }
}

impl Compiler<'_> {
    /// The checks of `process_rule` on NAT rules, and what the preview does not reproduce.
    /// In an action's body, the action becomes one that does NAT (`$targets{$inaction}`).
    pub(crate) fn check_nat_rule(&mut self, inaction: &str, param: &str) -> Result<()> {
        if let Some(action) = self.actions.get_mut(inaction) {
            action.kind |= super::lower::target::NATRULE;
        }
        if self.section != section::NEW {
            return error("NAT rules are only allowed in the NEW section");
        }
        let _ = param;
        Ok(())
    }

    /// The matches of the filter rule that accepts translated traffic: the caller's matches,
    /// the server port(s), USER, MARK, the `;;` matches, and the original port.
    pub(crate) fn nat_filter_matches(
        &self,
        matches: &str,
        cols: &Columns,
        raw_matches: &str,
        translated: &Translated,
    ) -> Result<String> {
        let mut rule = matches.to_owned();
        rule.push_str(&m::do_proto(
            self.names(),
            self.caps(),
            &cols.proto,
            &cols.ports,
            &cols.sports,
        )?);
        rule.push_str(&m::do_user(self.caps(), &cols.user)?);
        rule.push_str(&m::do_test(&cols.mark, self.config.tc_mask)?);
        rule.push_str(raw_matches);
        if !translated.origdstports.is_empty() && self.caps().has("NEW_CONNTRACK_MATCH") {
            rule.push_str(&format!(
                "-m conntrack --ctorigdstport {} ",
                translated.origdstports
            ));
        }
        Ok(rule)
    }

    /// `handle_nonat_rule`: NONAT and ACCEPT+ may not name a DEST address, and every IPv6
    /// DEST outside an action has one (`::/0` at least); in an action's body they RETURN from
    /// the action's nat chain. `nonat` is the rule's matches, log level, log action and the
    /// action chain it is in.
    pub(crate) fn handle_nonat_rule(
        &mut self,
        action: &str,
        cols: &Columns,
        (rule, loglevel, log_action, action_chain): (&str, &str, &str, &str),
        wildcard: bool,
    ) -> Result<()> {
        if cols.dest.contains(':') {
            return error(format!("Invalid DEST ({}) in {action} rule", cols.dest));
        }
        if action_chain.is_empty() {
            return unsupported(format!(
                "{action} rules with an interface as DEST are not supported by the preview yet"
            ));
        }
        let origdest = if cols.origdest.is_empty() || cols.origdest == "-" {
            ""
        } else {
            &cols.origdest
        };
        if origdest == "detect" {
            return unsupported("ORIGDEST detect (the interfaces' addresses at run time) is not supported by the preview");
        }
        self.chains.ensure_chain(TableId::Nat, action_chain);
        if self.nat_unreachable(action_chain, wildcard) {
            return Ok(());
        }
        self.expand_rule(
            TableId::Nat,
            action_chain,
            restrict::PREROUTE,
            "",
            rule,
            &cols.source,
            &cols.dest,
            origdest,
            "RETURN",
            loglevel,
            log_action,
            "",
            false,
            "",
        )
    }
}

impl Compiler<'_> {
    /// `unreachable_warning` for a nat chain: whether the chain already ends in a rule without
    /// matches (later rules are discarded), warning once per chain unless `ignore`.
    pub(crate) fn nat_unreachable(&mut self, chain: &str, ignore: bool) -> bool {
        if ignore || !self.chains.closed(TableId::Nat, chain) {
            return false;
        }
        if self.unreachable_warned.insert(chain.to_owned()) {
            self.warn_at_place(format!(
                "One or more unreachable rules in chain {chain} have been discarded"
            ));
        }
        true
    }
}

/// `get_target_param1`: `TARGET(param)` (no 4.4 `MACRO/TARGET` form).
pub(crate) fn target_param1(target: &str) -> (String, String) {
    if let Some(open) = target.find('(') {
        if let Some(inner) = target[open + 1..].strip_suffix(')') {
            return (target[..open].to_owned(), inner.to_owned());
        }
    }
    (target.to_owned(), String::new())
}

impl Compiler<'_> {
    /// A warning at the record being compiled from a file the model does not hold
    /// (`self.place`, set by the readers of snat, masq and mangle records).
    pub(crate) fn warn_at_place(&mut self, message: String) {
        self.warnings.push(super::lower::Warning {
            message,
            site: self.site,
            place: self.place.clone(),
        });
    }
}
