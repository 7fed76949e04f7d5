//! One-to-one NAT and network mapping (`Nat.pm setup_nat`, `setup_netmap`): the nat file's
//! DNAT/SNAT pairs in the nat chains `<iface>_in` and `<iface>_out` (or `nat_in`/`nat_out` for
//! ALL INTERFACES, and nat OUTPUT for LOCAL), and the netmap file's `NETMAP --to` rules in
//! the same chains. `generate_matrix` jumps to them from nat PREROUTING and POSTROUTING.

use crate::model;

use super::addresses::{imatch_net, validate_net, Side, ALLIP};
use super::chains::TableId;
use super::ir::Jump;
use super::lists::split_list;
use super::lower::Compiler;
use super::{error, Result};

impl Compiler<'_> {
    /// `setup_nat`: the records of the nat file.
    pub(crate) fn setup_nat(&mut self) -> Result<()> {
        let records = model::read_config_records(self.model, self.env, "nat");
        for (index, record) in records.iter().enumerate() {
            self.enter_record_with_origin(record)?;
            if index == 0 && !self.caps().has("NAT_ENABLED") {
                return error("a non-empty nat file requires NAT in your kernel and iptables");
            }
            let column = |idx: usize| record.column(idx).to_owned();
            let external = column(0);
            // An alias number (`eth0:1`) only matters to ADD_IP_ALIASES.
            let interfaces = column(1).split(':').next().unwrap_or("").to_owned();
            if external == "-" {
                return error("EXTERNAL must be specified");
            }
            if interfaces == "-" {
                return error("INTERNAL must be specified");
            }
            let allints = nat_column("ALL INTERFACES", &column(3))?;
            let local = nat_column("LOCAL", &column(4))?;
            for interface in split_list(&interfaces, "interface")? {
                if interface.is_empty() {
                    return error(format!("Invalid Interface List ({interfaces})"));
                }
                self.do_one_nat(&external, interface, &column(2), allints, local)?;
            }
        }
        self.place = None;
        self.chains.comment.clear();
        self.chains.origin.clear();
        Ok(())
    }

    /// `do_one_nat`: the DNAT and SNAT rules of one external/internal pair.
    fn do_one_nat(
        &mut self,
        external: &str,
        interface: &str,
        internal: &str,
        allints: bool,
        local: bool,
    ) -> Result<()> {
        let Some(iface) = self.topo.known_interface(interface) else {
            return error(format!("Unknown interface ({interface})"));
        };
        let name = iface.name.clone();
        // A name that a wildcard interface matches gets `-i`/`-o` in its rules.
        let (rulein, ruleout) = if iface.name != interface && iface.physical != interface {
            (format!("-i {interface} "), format!("-o {interface} "))
        } else {
            (String::new(), String::new())
        };
        let (chain_in, chain_out) = if allints {
            ("nat_in".to_owned(), "nat_out".to_owned())
        } else {
            let base = self.interface_chain_base(&name);
            (format!("{base}_in"), format!("{base}_out"))
        };
        let (rulein, ruleout) = if allints {
            (String::new(), String::new())
        } else {
            (rulein, ruleout)
        };
        let (policyin, policyout) = if self.topo.have_ipsec {
            (
                "-m policy --pol none --dir in ",
                "-m policy --pol none --dir out ",
            )
        } else {
            ("", "")
        };
        self.add_nat_rule(
            &chain_in,
            &format!("{rulein}-d {external} {policyin}-j DNAT --to-destination {internal}"),
        )?;
        self.add_nat_rule(
            &chain_out,
            &format!("{ruleout}-s {internal} {policyout}-j SNAT --to-source {external}"),
        )?;
        if local {
            self.add_nat_rule(
                "OUTPUT",
                &format!("-d {external} {policyout}-j DNAT --to-destination {internal}"),
            )?;
        }
        Ok(())
    }

    fn add_nat_rule(&mut self, chain: &str, text: &str) -> Result<()> {
        self.chains.ensure_chain(TableId::Nat, chain);
        self.chains.add_rule(TableId::Nat, chain, text, false)?;
        Ok(())
    }

    /// `setup_netmap`: the records of the netmap file.
    pub(crate) fn setup_netmap(&mut self) -> Result<()> {
        let records = model::read_config_records(self.model, self.env, "netmap");
        for record in &records {
            self.enter_record_with_origin(record)?;
            let column = |idx: usize| record.column(idx).to_owned();
            let kind = column(0);
            let net3 = match column(4).as_str() {
                "-" => ALLIP.to_owned(),
                other => other.to_owned(),
            };
            for interface in split_list(&column(2), "interface")? {
                let Some(iface) = self.topo.known_interface(interface) else {
                    return error(format!("Unknown interface ({interface})"));
                };
                let name = iface.name.clone();
                let wildcard_match = iface.name != interface && iface.physical != interface;
                // Shorewall validates the protocol and ports but does not use them.
                super::matches::do_proto(
                    self.names(),
                    self.caps(),
                    &column(5),
                    &column(6),
                    &column(7),
                )?;
                let net1 = validate_net(&column(1))?;
                let net2 = validate_net(&column(3))?;
                if !self.caps().has("NETMAP_TARGET") {
                    return error(
                        "Stateful Netmap Entries require Netmap Target in your kernel and iptables",
                    );
                }
                let base = self.interface_chain_base(&name);
                let target = format!("NETMAP --to {net2}");
                match kind.as_str() {
                    "DNAT" => {
                        let chain = format!("{base}_in");
                        let mut m = imatch_net(&net1, Side::Dest)?;
                        if wildcard_match {
                            m.push(super::ir::Match::new("i", interface));
                        }
                        m.extend(imatch_net(&net3, Side::Source)?);
                        self.chains.ensure_chain(TableId::Nat, &chain);
                        self.chains
                            .add_ijump(TableId::Nat, &chain, Jump::Jump, &target, m)?;
                    }
                    "SNAT" => {
                        let chain = format!("{base}_out");
                        let mut m = imatch_net(&net1, Side::Source)?;
                        if wildcard_match {
                            m.push(super::ir::Match::new("o", interface));
                        }
                        m.extend(imatch_net(&net3, Side::Dest)?);
                        self.chains.ensure_chain(TableId::Nat, &chain);
                        self.chains
                            .add_ijump(TableId::Nat, &chain, Jump::Jump, &target, m)?;
                    }
                    "-" => return error("TYPE must be specified"),
                    other => return error(format!("Invalid type ({other})")),
                }
            }
        }
        self.place = None;
        self.chains.comment.clear();
        self.chains.origin.clear();
        Ok(())
    }

    /// The jumps from nat PREROUTING and POSTROUTING to `nat_in` and `nat_out` (ALL
    /// INTERFACES entries of the nat file), at the end of the dispatch.
    pub(crate) fn add_all_interfaces_nat_jumps(&mut self) -> Result<()> {
        for (builtin, chain) in [("PREROUTING", "nat_in"), ("POSTROUTING", "nat_out")] {
            if self
                .chains
                .get(TableId::Nat, chain)
                .is_some_and(|it| it.referenced)
            {
                self.chains
                    .add_ijump(TableId::Nat, builtin, Jump::Jump, chain, vec![])?;
            }
        }
        Ok(())
    }
}

/// `validate_nat_column`: `yes` (any case) or `no`/`-`.
fn nat_column(name: &str, value: &str) -> Result<bool> {
    match value.to_ascii_lowercase().as_str() {
        "yes" => Ok(true),
        "no" | "-" => Ok(false),
        other => error(format!("Invalid value ({other}) for {name}")),
    }
}
