//! The accounting file (`Accounting.pm setup_accounting`): counting rules in accounting
//! chains (`accounting`, or `accountin`/`accountout`/`accountfwd` with sections), jumped to
//! from the built-in chains.

use std::collections::BTreeMap;

use crate::model::{self, ConfigRecord};

use super::chains::{TableId, DONT_DELETE, DONT_MOVE, DONT_OPTIMIZE};
use super::ir::Jump;
use super::lists::split_list;
use super::lower::Compiler;
use super::matches as m;
use super::rules::restrict;
use super::topology::ZoneKind;
use super::{error, Result};

/// Sections of the accounting file, in their required order.
const SECTIONS: [&str; 5] = ["PREROUTING", "INPUT", "OUTPUT", "FORWARD", "POSTROUTING"];

/// Chain names an accounting rule may not jump to.
fn reserved_chain_name(name: &str) -> bool {
    matches!(
        name,
        "accountfwd"
            | "accountin"
            | "accounting"
            | "accountout"
            | "accountpre"
            | "accountpost"
            | "accipsecin"
            | "accipsecout"
    )
}

/// The state of the file being read (`Accounting.pm`'s globals).
struct AccountingState {
    /// None before the first record; `Some(None)` for rules without sections.
    section: Option<Option<usize>>,
    default_chain: &'static str,
    default_restriction: u32,
    /// chain → chains it jumps to (`%accountingjumps`).
    jumps: BTreeMap<String, BTreeMap<String, ()>>,
    /// The IPsec direction of the IPsec chains (`$chainref->{ipsec}`), without sections.
    ipsec: BTreeMap<String, &'static str>,
}

/// `ipsec_chain_name`: the direction of `accipsecin` and `accipsecout`, else empty.
fn ipsec_chain_direction(chain: &str) -> &'static str {
    match chain {
        "accipsecin" => "in",
        "accipsecout" => "out",
        _ => "",
    }
}

impl Compiler<'_> {
    fn accounting_table(&self) -> TableId {
        if self.config.accounting_table == "mangle" {
            TableId::Mangle
        } else {
            TableId::Filter
        }
    }

    /// `ensure_accounting_chain`.
    fn ensure_accounting_chain(&mut self, name: &str, restriction: u32) -> Result<()> {
        let table = self.accounting_table();
        if let Some(chain) = self.chains.get_mut(table, name) {
            if !chain.accounting {
                return error(format!(
                    "Non-accounting chain ({name}) used in an accounting rule"
                ));
            }
            chain.restriction |= restriction;
            return Ok(());
        }
        if name.len() > 29 {
            return error(format!("Chain name ({name}) too long"));
        }
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
            || super::chains::is_builtin_target(name)
        {
            return error(format!("Invalid Chain name ({name})"));
        }
        let optimize = self.config.optimize_accounting;
        let chain = self.chains.new_chain(table, name, None);
        chain.accounting = true;
        chain.referenced = true;
        chain.restriction = restriction;
        if !optimize {
            chain.optflags |= DONT_OPTIMIZE | DONT_MOVE | DONT_DELETE;
        }
        Ok(())
    }

    /// `setup_accounting`.
    pub(crate) fn setup_accounting(&mut self) -> Result<()> {
        if !self.config.accounting {
            return Ok(());
        }
        // The warnings below are placed at the accounting records, not at a site left by the
        // rules (a policy's default action).
        self.site = None;
        let records = model::read_config_records(self.model, self.env, "accounting");
        let mut state = AccountingState {
            section: None,
            default_chain: "accounting",
            default_restriction: restrict::NONE,
            jumps: BTreeMap::new(),
            ipsec: BTreeMap::new(),
        };
        let mut nonempty = false;
        for record in &records {
            self.enter_record(record)?;
            self.accounting_section(&mut state, record)?;
            nonempty |= self.process_accounting_rule(&mut state, record)?;
        }
        self.place = None;
        self.chains.comment.clear();
        if !nonempty {
            return Ok(());
        }
        let table = self.accounting_table();
        let sectioned = matches!(state.section, Some(Some(_)));
        let jump = |compiler: &mut Self, from: &str, to: &str| {
            if compiler.chains.exists(table, to) {
                compiler
                    .chains
                    .insert_ijump(table, from, Jump::Jump, to, 0, vec![]);
            }
        };
        if sectioned || self.have_bridges() {
            jump(self, "INPUT", "accountin");
            if self.chains.exists(table, "accounting") {
                for chain in ["INPUT", "FORWARD"] {
                    jump(self, chain, "accounting");
                }
            }
            jump(self, "FORWARD", "accountfwd");
            jump(self, "OUTPUT", "accountout");
            jump(self, "PREROUTING", "accountpre");
            jump(self, "POSTROUTING", "accountpost");
        } else if self.chains.exists(table, "accounting") {
            for chain in ["INPUT", "FORWARD", "OUTPUT"] {
                jump(self, chain, "accounting");
            }
        }
        if self.chains.exists(table, "accipsecin") {
            for chain in ["INPUT", "FORWARD"] {
                jump(self, chain, "accipsecin");
            }
        }
        if self.chains.exists(table, "accipsecout") {
            for chain in ["FORWARD", "OUTPUT"] {
                jump(self, chain, "accipsecout");
            }
        }
        if !sectioned {
            let mut unreferenced: Vec<String> = self
                .chains
                .chains(TableId::Filter)
                .filter(|it| it.accounting && it.references.is_empty())
                .map(|it| it.name.clone())
                .collect();
            unreferenced.sort();
            for name in unreferenced {
                self.warn(format!("Accounting chain {name} has no references"));
            }
        }
        // Jump loops: chains whose jumps never bottom out.
        let mut jumps = state.jumps;
        loop {
            let mut progress = false;
            let names: Vec<String> = jumps.keys().cloned().collect();
            for name in names {
                let targets: Vec<String> = jumps[&name].keys().cloned().collect();
                if targets.is_empty() {
                    jumps.remove(&name);
                    progress = true;
                    continue;
                }
                for target in targets {
                    if !jumps.contains_key(&target) {
                        if let Some(it) = jumps.get_mut(&name) {
                            it.remove(&target);
                        }
                        progress = true;
                    }
                }
            }
            if jumps.is_empty() || !progress {
                break;
            }
        }
        if !jumps.is_empty() {
            // Perl lists the hash's keys in its own order.
            let names = super::perl_hash::perl_order(jumps.into_keys().collect(), |it| it.as_str());
            return error(format!(
                "Jump loop involving the following chains: {}",
                names.join(" ")
            ));
        }
        Ok(())
    }

    /// `do_ipsec`: `yes`/`ipsec` and `no`/`none` alone, else options.
    fn accounting_ipsec(&self, dir: &str, value: &str) -> Result<String> {
        let options = split_list(value, "IPSEC options")?;
        let value = match options.as_slice() {
            [one] if one.eq_ignore_ascii_case("yes") || one.eq_ignore_ascii_case("ipsec") => {
                "yes".to_owned()
            }
            [one] if one.eq_ignore_ascii_case("no") || one.eq_ignore_ascii_case("none") => {
                "no".to_owned()
            }
            _ => options.join(","),
        };
        super::snat::ipsec_match(&value, dir, self.caps().has("POLICY_MATCH"), false)
    }

    /// `process_section` of the accounting file, for the section a record is in.
    fn accounting_section(
        &mut self,
        state: &mut AccountingState,
        record: &ConfigRecord,
    ) -> Result<()> {
        let Some(name) = &record.section else {
            if matches!(state.section, Some(Some(_))) {
                // A record after a section stays in it (the reader keeps the last one).
                return Ok(());
            }
            state.section = Some(None);
            return Ok(());
        };
        // Shorewall reports the errors of a section on its `?SECTION` line.
        let section_place = Some((record.path.clone(), record.section_line));
        let Some(index) = SECTIONS.iter().position(|it| it == name) else {
            self.place = section_place;
            return error(format!("Invalid SECTION ({name})"));
        };
        match state.section {
            Some(None) => {
                self.place = section_place;
                return error("SECTION not allowed after un-sectioned rules");
            }
            Some(Some(current)) if current == index => return Ok(()),
            Some(Some(current)) if index < current => {
                self.place = section_place;
                return error(format!("Duplicate or out-of-order SECTION ({name})"));
            }
            _ => {}
        }
        state.section = Some(Some(index));
        match *name {
            _ if name == "INPUT" => {
                state.default_chain = "accountin";
                state.default_restriction = restrict::INPUT;
            }
            _ if name == "OUTPUT" => {
                state.default_chain = "accountout";
                state.default_restriction = restrict::OUTPUT;
            }
            _ if name == "FORWARD" => {
                state.default_chain = "accountfwd";
                state.default_restriction = restrict::NONE;
            }
            _ => {
                if self.config.accounting_table != "mangle" {
                    self.place = section_place;
                    return error(format!(
                        "The {name} SECTION is not allowed when ACCOUNTING_TABLE=filter"
                    ));
                }
                if name == "PREROUTING" {
                    state.default_chain = "accountpre";
                    state.default_restriction = restrict::PREROUTE;
                } else {
                    state.default_chain = "accountpost";
                    state.default_restriction = restrict::POSTROUTE;
                }
            }
        }
        Ok(())
    }

    /// `process_accounting_rule`: one record, once per protocol.
    fn process_accounting_rule(
        &mut self,
        state: &mut AccountingState,
        record: &ConfigRecord,
    ) -> Result<bool> {
        let column = |idx: usize| record.column(idx).to_owned();
        let action = column(0);
        if action == "-" {
            return error("ACTION must be specified");
        }
        let mut nonempty = false;
        let raw = record.raw_matches_prefix();
        for proto in split_list(&column(4), "Protocol")? {
            self.inline_matches = raw.clone();
            nonempty |= self.process_accounting_rule1(
                state,
                &action,
                &column(1),
                &column(2),
                &column(3),
                proto,
                &column(5),
                &column(6),
                &column(7),
                &column(8),
                &column(9),
                &column(10),
            )?;
        }
        Ok(nonempty)
    }

    /// `have_bridges`: there are bridge port zones.
    fn have_bridges(&self) -> bool {
        self.topo.zones.iter().any(|it| it.kind == ZoneKind::Bport)
    }

    #[allow(clippy::too_many_arguments)]
    fn process_accounting_rule1(
        &mut self,
        state: &mut AccountingState,
        action: &str,
        chain: &str,
        source: &str,
        dest: &str,
        proto: &str,
        ports: &str,
        sports: &str,
        user: &str,
        mark: &str,
        ipsec: &str,
        headers: &str,
    ) -> Result<bool> {
        let table = self.accounting_table();
        let sectioned = matches!(state.section, Some(Some(_)));
        let output_section = state.section == Some(Some(2));
        let proto = if proto == "any" { "" } else { proto };
        let ports = if ports == "any" || ports == "all" {
            ""
        } else {
            ports
        };
        let sports = if sports == "any" || sports == "all" {
            ""
        } else {
            sports
        };
        if user != "-" && !output_section {
            return error("USER/GROUP may only be specified in the OUTPUT section");
        }
        let mut rule = m::do_proto(self.names(), self.caps(), proto, ports, sports)?;
        rule.push_str(&m::do_user(self.caps(), user)?);
        rule.push_str(&m::do_test(mark, self.config.tc_mask)?);
        rule.push_str(&m::do_headers(headers)?);
        let raw = std::mem::take(&mut self.inline_matches);
        let mut prerule = String::new();
        match raw.trim_start().strip_prefix('+') {
            Some(rest) => prerule = rest.to_owned(),
            None => rule.push_str(&raw),
        }
        let mut target = String::new();
        let mut disposition = String::new();
        let mut jump_chain = None;
        let mut count_too = false;
        let mut jump_too = false;
        if action != "COUNT" {
            if action == "DONE" {
                target = "RETURN".into();
            } else if action.starts_with("ACCOUNT(") {
                return error("ACCOUNT Rules require ACCOUNT Target in your kernel and iptables");
            } else if action.starts_with("NFLOG") {
                target = super::log::validate_level(action)?;
            } else if action.starts_with("NFACCT(") {
                return error(
                    "The NFACCT action requires NFACCT Match in your kernel and iptables",
                );
            } else if action != "INLINE" {
                let (name, command) = match action.split_once(':') {
                    Some((name, command)) => (name, command),
                    None => (action, ""),
                };
                match command {
                    "" => {}
                    "COUNT" => count_too = true,
                    "JUMP" => jump_too = true,
                    _ => return error("Invalid Accounting rule"),
                }
                if reserved_chain_name(name) {
                    return error(format!("Jumps to the {name} chain are not allowed"));
                }
                self.ensure_accounting_chain(name, state.default_restriction)?;
                if !self.chains.chain(table, name).policy.is_empty() {
                    return error(format!(
                        "A non-accounting chain ({name}) may not appear in the accounting file"
                    ));
                }
                disposition = name.to_owned();
                target = name.to_owned();
                jump_chain = Some(name.to_owned());
            }
        }
        let mut restriction = state.default_restriction;
        let source = if source == "any" || source == "all" {
            super::addresses::ALLIP.to_owned()
        } else {
            if source.contains('~') && (output_section || !sectioned) {
                return error("MAC addresses only allowed in the INPUT and FORWARD sections");
            }
            source.to_owned()
        };
        let given_chain = (!chain.is_empty() && chain != "-").then(|| chain.to_owned());
        let all_dest = dest == "any" || dest == "all";
        let mut source = source;
        let mut dest = dest.to_owned();
        let chain;
        if self.have_bridges() && !sectioned {
            // With bridge port zones, the firewall's traffic is counted in `accountout` and
            // a rule for any destination in both chains.
            let fw = self.topo.firewall.clone();
            if let Some(rest) = source.strip_prefix(fw.as_str()) {
                let rest = rest.strip_prefix(':').unwrap_or(rest);
                source = if rest.is_empty() {
                    super::addresses::ALLIP.to_owned()
                } else {
                    rest.to_owned()
                };
                restriction = restrict::OUTPUT;
                chain = given_chain.unwrap_or_else(|| "accountout".to_owned());
                if all_dest {
                    dest = super::addresses::ALLIP.to_owned();
                }
            } else {
                chain = given_chain.unwrap_or_else(|| "accounting".to_owned());
                if all_dest || dest == super::addresses::ALLIP {
                    dest = super::addresses::ALLIP.to_owned();
                    self.chains.ensure_chain(table, "accountout");
                    self.expand_rule(
                        table,
                        "accountout",
                        restrict::OUTPUT,
                        &prerule,
                        &rule,
                        &source,
                        &dest,
                        "-",
                        &target,
                        "",
                        &disposition,
                        "",
                        false,
                        "",
                    )?;
                }
            }
        } else {
            chain = given_chain.unwrap_or_else(|| state.default_chain.to_owned());
            if all_dest {
                dest = super::addresses::ALLIP.to_owned();
            }
        }
        // The section's IPsec direction (`$ipsecdir`); in FORWARD the IPSEC value names it.
        let mut dir = match state.section.flatten().map(|it| SECTIONS[it]) {
            Some("INPUT" | "PREROUTING") => "in",
            Some("OUTPUT" | "POSTROUTING") => "out",
            _ => "",
        };
        if sectioned && ipsec != "-" {
            fn word<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
                text.strip_prefix(prefix)
                    .filter(|rest| !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
            }
            let value = if !dir.is_empty() {
                if word(ipsec, "in").is_some() || word(ipsec, "out").is_some() {
                    return error(format!("Invalid IPSEC ({ipsec})"));
                }
                ipsec
            } else if let Some(rest) = word(ipsec, "in") {
                dir = "in";
                rest
            } else if let Some(rest) = word(ipsec, "out") {
                dir = "out";
                rest
            } else {
                return error("IPSEC rules in the $asection section require that the value begin with 'in' or 'out'");
            };
            rule.push_str(&self.accounting_ipsec(dir, value)?);
        }
        if !self.chains.exists(table, &chain) {
            if reserved_chain_name(&chain) {
                if sectioned && chain != state.default_chain {
                    let section = state.section.flatten().map_or("", |it| SECTIONS[it]);
                    return error(format!(
                        "May not use chain {chain} in the {section} section"
                    ));
                }
            } else if sectioned {
                return error(format!("Unknown accounting chain ({chain})"));
            }
            self.ensure_accounting_chain(&chain, restriction)?;
            if !sectioned {
                // Only `accipsecin` and `accipsecout` are IPsec chains.
                dir = ipsec_chain_direction(&chain);
                if ipsec != "-" {
                    if dir.is_empty() {
                        return error("Adding an IPSEC rule to an unreferenced accounting chain is not allowed");
                    }
                    rule.push_str(&self.accounting_ipsec(dir, ipsec)?);
                } else if !reserved_chain_name(&chain) {
                    self.warn_at_place(format!(
                        "Adding rule to unreferenced accounting chain {chain}"
                    ));
                }
                if !dir.is_empty() {
                    state.ipsec.insert(chain.clone(), dir);
                }
            }
        } else if !self.chains.chain(table, &chain).accounting {
            return error(format!("{chain} is not an accounting chain"));
        } else if !sectioned && ipsec != "-" {
            dir = state.ipsec.get(&chain).copied().unwrap_or_default();
            if dir.is_empty() {
                return error("Adding an IPSEC rule into a non-IPSEC chain is not allowed");
            }
            rule.push_str(&self.accounting_ipsec(dir, ipsec)?);
        }
        if target == "RETURN" {
            self.chains.set_optflags(table, &chain, DONT_OPTIMIZE);
        }
        if let Some(jump) = &jump_chain {
            if sectioned {
                restriction |= self.chains.chain(table, jump).restriction;
            }
            state
                .jumps
                .entry(jump.clone())
                .or_default()
                .insert(chain.clone(), ());
        }
        if !dir.is_empty() {
            restriction = if dir == "in" {
                restrict::INPUT
            } else {
                restrict::OUTPUT
            };
        }
        self.expand_rule(
            table,
            &chain,
            restriction,
            &prerule,
            &rule,
            &source,
            &dest,
            "-",
            &target,
            "",
            &disposition,
            "",
            false,
            "",
        )?;
        if count_too || jump_too {
            if let Some(jump) = &jump_chain {
                // The jump passes the chain's IPsec direction on to the chain it jumps to.
                let from = state.ipsec.get(&chain).copied();
                let to = state.ipsec.get(jump).copied();
                match (from, to) {
                    (Some(_), Some(_)) => {
                        return error(format!(
                            "IPSEC in/out mismatch on chains {chain} and {jump}"
                        ));
                    }
                    (Some(from), None) => {
                        if self.chains.chain(table, jump).references.len() > 1 {
                            return error(format!("{jump} is not an IPSEC chain"));
                        }
                        state.ipsec.insert(jump.clone(), from);
                    }
                    (None, Some(_)) => {
                        return error("Jump from a non-IPSEC chain to an IPSEC chain not allowed");
                    }
                    (None, None) => {}
                }
            }
        }
        if count_too {
            if let Some(jump) = &jump_chain {
                self.expand_rule(
                    table,
                    jump,
                    restriction,
                    &prerule,
                    &rule,
                    &source,
                    &dest,
                    "-",
                    "",
                    "",
                    "",
                    "",
                    false,
                    "",
                )?;
            }
        }
        Ok(true)
    }
}
