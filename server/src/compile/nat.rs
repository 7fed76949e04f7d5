//! Destination NAT in the rules file (`Nat.pm handle_nat_rule`, `handle_nonat_rule`): DNAT and
//! REDIRECT rules in the nat chain `<zone>_dnat` (nat OUTPUT from the firewall) that
//! `generate_matrix` jumps to from nat PREROUTING, with `--to-destination [addr]:port` or
//! `--to-port`, and the ACCEPT rule Shorewall adds to the filter table for the translated
//! traffic; and the ORIGDEST column (`Chains.pm handle_original_dest`), which those rules use.

use super::addresses::{imatch_net, validate_net, Side, ALLIP};
use super::capabilities::Capabilities;
use super::chains::{TableId, DONT_OPTIMIZE};
use super::ir::Jump;
use super::lower::Compiler;
use super::rules::split_host_list;
use super::topology::HostGroup;
use super::{error, Result};

/// `handle_original_dest`: the original destination networks of a rule (`ALLIP` alone when
/// there is none) and the match of a single excluded one (`-m conntrack ! --ctorigdst X`),
/// which goes after the interface matches.
pub(crate) fn handle_original_dest(
    caps: &Capabilities,
    origdest: &str,
) -> Result<(Vec<String>, String)> {
    let all = || vec![ALLIP.to_owned()];
    if origdest.is_empty() || origdest == "-" || !caps.has("CONNTRACK_MATCH") {
        return Ok((all(), String::new()));
    }
    if origdest.starts_with("detect:") || origdest == "detect" {
        return error("ORIGDEST detect (the interfaces' addresses at run time) is not supported by the preview");
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
    if !oexcl.is_empty() {
        return error("Exclusions in ORIGDEST are not supported by the preview yet");
    }
    if onets.is_empty() {
        return Ok((all(), rule));
    }
    Ok((split_host_list(&onets)?, rule))
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
        return error(format!(
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
    /// then to the `<iface>_masq` chains, of the interfaces that have rules (`addnatjump`).
    pub(crate) fn add_nat_interface_jumps(&mut self, interfaces: &[String]) -> Result<()> {
        for pre_nat in [true, false] {
            for interface in interfaces {
                let chain = self.nat_interface_chain(interface, pre_nat);
                if self
                    .chains
                    .get(TableId::Nat, &chain)
                    .is_some_and(|it| it.referenced)
                {
                    let m = self.dest_dev(interface);
                    self.chains
                        .add_ijump(TableId::Nat, "POSTROUTING", Jump::Jump, &chain, m)?;
                }
            }
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
            return self.refuse_parent_dnat(zone);
        }
        if !group.exclusions.is_empty() {
            return error("DNAT/REDIRECT rules from a zone with excluded hosts are not supported by the preview yet");
        }
        let source = imatch_net(net, Side::Source)?;
        let has_source = !source.is_empty();
        let mut m = self.source_dev(interface);
        m.extend(source);
        self.chains.add_ijump_with_origin(
            TableId::Nat,
            "PREROUTING",
            Jump::Jump,
            &chain,
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
        self.refuse_parent_dnat(zone)
    }

    /// `handle_nested_zone`: a sub-zone of a zone with DNAT rules gets RETURN rules in nat
    /// PREROUTING unless it has a CONTINUE policy; the preview does not reproduce them yet.
    fn refuse_parent_dnat(&self, zone: &str) -> Result<()> {
        let Some(z) = self.topo.zone(zone) else {
            return Ok(());
        };
        for parent in &z.parents {
            if self
                .chains
                .get(TableId::Nat, &format!("{parent}_dnat"))
                .is_some_and(|it| it.referenced)
            {
                return error(format!(
                    "DNAT/REDIRECT rules from a zone with sub-zones ({parent}) are not supported by the preview yet"
                ));
            }
        }
        Ok(())
    }
}
