//! MAC verification (`Misc.pm setup_mac_lists`): the `maclist` interface option and the
//! maclist file. Phase 1, before the rules, creates a `<iface>_mac` chain per interface with
//! hosts marked `maclist`, fills it from the maclist file and jumps to it from the
//! interface's option chains for new connections; phase 2, after the rules, ends each chain
//! with MACLIST_LOG_LEVEL and MACLIST_DISPOSITION.

use crate::model;

use super::addresses::{imatch_net, mac_match, match_net, Side, MULTICAST};
use super::chains::TableId;
use super::ir::{Jump, Match};
use super::lower::Compiler;
use super::perl_hash::PerlHashOrder;
use super::rules::state_imatch;
use super::{error, unsupported, Result};

impl Compiler<'_> {
    fn maclist_table(&self) -> TableId {
        if self.config.maclist_table == "mangle" {
            TableId::Mangle
        } else {
            TableId::Filter
        }
    }

    /// `mac_chain`.
    fn mac_chain(&self, interface: &str) -> String {
        format!("{}_mac", self.interface_chain_base(interface))
    }

    /// The chain the maclist entries of `interface` go to: the mac chain, or with
    /// MACLIST_TTL the `<iface>_rec` chain it consults (`macrecent_target`).
    fn maclist_entries_chain(&self, interface: &str) -> String {
        if self.config.maclist_ttl.is_empty() {
            self.mac_chain(interface)
        } else {
            format!("{interface}_rec")
        }
    }

    /// The interfaces with a `maclist` host, in Perl's hash order.
    fn maclist_interfaces(&self) -> Vec<String> {
        let mut order = PerlHashOrder::new();
        for (interface, ..) in self.topo.hosts_by_option("maclist") {
            order.insert(&interface);
        }
        order.keys().into_iter().map(str::to_owned).collect()
    }

    /// `setup_mac_lists(1)`.
    pub(crate) fn setup_mac_lists_phase1(&mut self) -> Result<()> {
        let hosts = self.topo.hosts_by_option("maclist");
        let interfaces = self.maclist_interfaces();
        let records = model::read_config_records(self.model, self.env, "maclist");
        if interfaces.is_empty() && records.is_empty() {
            return Ok(());
        }
        // An audited MACLIST_DISPOSITION audits every entry that does not accept, with the
        // entry's own disposition as the type.
        let audit = self.config.maclist.disposition.starts_with("A_");
        let table = self.maclist_table();
        let ttl = self.config.maclist_ttl.clone();
        for interface in &interfaces {
            let chain = self.mac_chain(interface);
            self.chains.new_chain(table, &chain, None);
            for m in [
                Match::new("s", "ff80::/10"),
                Match::new("d", "ff80::/10"),
                Match::new("d", MULTICAST),
            ] {
                self.chains
                    .add_ijump(table, &chain, Jump::Jump, "RETURN", vec![m])?;
            }
            if !ttl.is_empty() {
                let recent = self.maclist_entries_chain(interface);
                self.chains.new_chain(table, &recent, None);
                self.chains.add_ijump(
                    table,
                    &chain,
                    Jump::Jump,
                    "RETURN",
                    vec![Match::new(
                        "recent",
                        format!("--rcheck --seconds {ttl} --name {chain}"),
                    )],
                )?;
                self.chains
                    .add_ijump(table, &chain, Jump::Jump, &recent, vec![])?;
                self.chains.add_ijump(
                    table,
                    &chain,
                    Jump::Jump,
                    "RETURN",
                    vec![Match::new("recent", format!("--update --name {chain}"))],
                )?;
                self.chains.add_irule(
                    table,
                    &chain,
                    vec![Match::new("recent", format!("--set --name {chain}"))],
                );
            }
        }
        for record in &records {
            self.enter_record(record)?;
            let column = |idx: usize| record.column(idx).to_owned();
            let original = column(0);
            let interface = column(1);
            let mut parts = original.splitn(3, ':');
            let disposition = parts.next().unwrap_or("").to_owned();
            let level = parts.next().unwrap_or("").to_owned();
            if parts.next().is_some() || disposition.is_empty() || disposition == "-" {
                return error(format!("Invalid DISPOSITION ({original})"));
            }
            let target = match (disposition.as_str(), table) {
                ("ACCEPT", _) => "RETURN",
                ("DROP", _) => "DROP",
                ("REJECT", TableId::Filter) => "reject",
                _ => return error(format!("Invalid DISPOSITION ({original})")),
            };
            if self.topo.known_interface(&interface).is_none() {
                return error(format!("Unknown Interface ({interface})"));
            }
            if !interfaces.contains(&interface) {
                return error(format!(
                    "No hosts on {interface} have the maclist option specified"
                ));
            }
            let chain = self.maclist_entries_chain(&interface);
            let log_chain = self.mac_chain(&interface);
            let mac = column(2);
            let addresses = column(3);
            let mac = if mac.is_empty() || mac == "-" {
                String::new()
            } else {
                mac_match(&mac)?
            };
            let addresses = if addresses == "-" {
                String::new()
            } else {
                addresses
            };
            if mac.is_empty() && addresses.is_empty() {
                return error("You must specify a MAC address or an IP address");
            }
            let predicates: Vec<String> = if addresses.is_empty() {
                vec![mac.clone()]
            } else {
                addresses
                    .split(',')
                    .map(|address| Ok(format!("{mac}{}", match_net(address, Side::Source)?)))
                    .collect::<Result<_>>()?
            };
            for predicate in predicates {
                if !level.is_empty() {
                    self.log_rule_limit(
                        &level,
                        table,
                        &chain,
                        &log_chain,
                        &disposition,
                        Some(""),
                        "",
                        true,
                        &predicate,
                    )?;
                }
                if audit && disposition != "ACCEPT" {
                    let audit = format!("AUDIT --type {}", disposition.to_ascii_lowercase());
                    self.chains
                        .add_ijump(table, &chain, Jump::Jump, &audit, vec![])?;
                }
                self.chains
                    .add_jump(table, &chain, target, false, &predicate, false)?;
            }
        }
        self.place = None;
        self.chains.comment.clear();
        let states = if self.caps().has("RAW_TABLE") {
            "NEW,UNTRACKED"
        } else {
            "NEW"
        };
        for (interface, ipsec, net, exclusions, origin) in hosts {
            let mut matches = imatch_net(&net, Side::Source)?;
            matches.extend(state_imatch(self, states));
            matches.extend(self.host_policy_in(&ipsec));
            let mac_chain = self.mac_chain(&interface);
            if table == TableId::Filter {
                let target = self.source_exclusion(&exclusions, &mac_chain)?;
                let base = self.interface_chain_base(&interface);
                for suffix in ["_fop", "_iop"] {
                    self.chains.add_ijump_with_origin(
                        table,
                        &format!("{base}{suffix}"),
                        Jump::Jump,
                        &target,
                        Some(&origin),
                        matches.clone(),
                    )?;
                }
            } else {
                if !exclusions.is_empty() {
                    return unsupported(
                        "Exclusions of maclist hosts with MACLIST_TABLE=mangle are not supported by the preview yet",
                    );
                }
                let mut all = self.source_dev(&interface);
                all.extend(matches);
                self.chains.add_ijump_with_origin(
                    table,
                    "PREROUTING",
                    Jump::Jump,
                    &mac_chain,
                    Some(&origin),
                    all,
                )?;
            }
        }
        Ok(())
    }

    /// `setup_mac_lists(2)`.
    pub(crate) fn setup_mac_lists_phase2(&mut self) -> Result<()> {
        let table = self.maclist_table();
        let level = self.config.maclist.level.clone();
        let tag = self.config.maclist.tag.clone();
        let disposition = self.config.maclist.disposition.clone();
        let target = self.config.maclist.target.clone();
        let disposition = match disposition.strip_prefix("A_") {
            Some(basic) => {
                let basic = basic.to_owned();
                self.ensure_audit_chain_in(table, &target, Some(&basic), None)?;
                basic
            }
            None => disposition,
        };
        for interface in self.maclist_interfaces() {
            let chain = self.maclist_entries_chain(&interface);
            if !level.is_empty() {
                self.log_irule_limit(&level, table, &chain, &chain, &disposition, &tag, vec![])?;
            }
            self.chains
                .add_ijump(table, &chain, Jump::Jump, &target, vec![])?;
        }
        Ok(())
    }
}
