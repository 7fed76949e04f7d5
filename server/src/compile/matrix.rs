//! The dispatch from the built-in chains to the zone-pair chains (`Misc.pm generate_matrix`):
//! OUTPUT and INPUT jumps per interface and network of each zone, FORWARD through the zone
//! forwarding chains `zone_frwd`, the loopback interface, and the policies that end INPUT,
//! OUTPUT and FORWARD.

use std::collections::BTreeSet;

use super::addresses::{imatch_net, Side};
use super::chains::TableId;
use super::ir::{Jump, Match};
use super::lower::Compiler;
use super::topology::{HostGroup, ZoneKind, VSERVER_INTERFACE};
use super::Result;

/// `IPv6_LINKLOCAL`: no vserver rules for link-local networks.
const IPV6_LINKLOCAL: &str = "fe80::/10";

#[derive(Default)]
struct Added {
    input: BTreeSet<String>,
    output: BTreeSet<String>,
    forward: BTreeSet<String>,
    /// Zones whose bridge forward chain was copied into their forward chain.
    ipsec: BTreeSet<String>,
}

impl Compiler<'_> {
    /// `rules_target`: what traffic from `zone` to `zone1` jumps to, or empty for CONTINUE.
    pub(crate) fn rules_target(&self, zone: &str, zone1: &str) -> String {
        let name = self.rules_chain(zone, zone1);
        let chain = self.chains.get(TableId::Filter, &name);
        if chain.is_some_and(|it| it.referenced) {
            return name;
        }
        if zone == zone1 {
            return "ACCEPT".into();
        }
        let Some(chain) = chain else {
            return String::new();
        };
        if chain.policy != "CONTINUE" {
            let Some(policy) = self.chains.get(TableId::Filter, &chain.policychain) else {
                return String::new();
            };
            if policy.name != chain.name {
                return policy.name.clone();
            }
            return if chain.policy == "REJECT" {
                "reject".into()
            } else {
                chain.policy.clone()
            };
        }
        String::new()
    }

    fn iface_physical(&self, interface: &str) -> String {
        self.topo
            .interface(interface)
            .map_or_else(|| interface.to_owned(), |it| it.physical.clone())
    }

    /// `imatch_source_dev`: `-i IFACE`, or for a bridge port `-i BRIDGE -m physdev
    /// --physdev-in PORT`.
    pub(crate) fn source_dev(&self, interface: &str) -> Vec<Match> {
        self.source_dev_in(interface, false)
    }

    /// `imatch_source_dev` with `$nodev`: a bridge port without its bridge's `-i`.
    fn source_dev_in(&self, interface: &str, nodev: bool) -> Vec<Match> {
        let physical = self.iface_physical(interface);
        if physical == "+" {
            return Vec::new();
        }
        match self.port_bridge(interface) {
            Some(bridge) => {
                let physdev = Match::new("physdev", format!("--physdev-in {physical}"));
                if nodev {
                    vec![physdev]
                } else {
                    vec![Match::new("i", bridge), physdev]
                }
            }
            None => vec![Match::new("i", physical)],
        }
    }

    /// `imatch_dest_dev`: `-o IFACE`, or for a bridge port `-o BRIDGE -m physdev
    /// [--physdev-is-bridged] --physdev-out PORT`.
    pub(crate) fn dest_dev(&self, interface: &str) -> Vec<Match> {
        self.dest_dev_in(interface, false)
    }

    /// `imatch_dest_dev` with `$nodev`.
    fn dest_dev_in(&self, interface: &str, nodev: bool) -> Vec<Match> {
        let physical = self.iface_physical(interface);
        if physical == "+" {
            return Vec::new();
        }
        match self.port_bridge(interface) {
            Some(bridge) => {
                let bridged = if self.caps().has("PHYSDEV_BRIDGE") {
                    "--physdev-is-bridged "
                } else {
                    ""
                };
                let physdev = Match::new("physdev", format!("{bridged}--physdev-out {physical}"));
                if nodev {
                    vec![physdev]
                } else {
                    vec![Match::new("o", bridge), physdev]
                }
            }
            None => vec![Match::new("o", physical)],
        }
    }

    /// The bridge's `_in`, `_out` or `_fwd` chain when `interface` is a bridge port.
    fn port_bridge_chain(&self, interface: &str, suffix: &str) -> Option<String> {
        let iface = self.topo.interface(interface)?;
        if !iface.option("port") {
            return None;
        }
        Some(format!(
            "{}_{suffix}",
            self.interface_chain_base(&iface.bridge)
        ))
    }

    /// The physical name of the bridge of a bridge port, `None` for other interfaces.
    fn port_bridge(&self, interface: &str) -> Option<String> {
        let iface = self.topo.known_interface(interface)?;
        if !iface.option("port") {
            return None;
        }
        Some(self.iface_physical(&iface.bridge))
    }

    /// `use_interface_chain`.
    fn use_interface_chain(&self, interface: &str, which: &str) -> bool {
        let Some(iface) = self.topo.interface(interface) else {
            return false;
        };
        if iface.zones.len() > 1 || iface.nets > 1 || iface.ports > 0 {
            return true;
        }
        if iface.nets == 0 {
            return false;
        }
        if iface.zone.is_empty() {
            return true;
        }
        iface.option(which)
            && self
                .topo
                .zone(&iface.zone)
                .is_some_and(|it| it.interfaces.len() > 1)
    }

    /// `use_forward_chain`.
    fn use_forward_chain(&self, interface: &str) -> bool {
        let Some(iface) = self.topo.interface(interface) else {
            return false;
        };
        if iface.physical == self.topo.loopback && self.topo.loopback_zones().is_empty() {
            return false;
        }
        let chain = format!("{}_fwd", self.interface_chain_base(interface));
        if self
            .chains
            .get(TableId::Filter, &chain)
            .is_some_and(|it| !it.references.is_empty())
        {
            return true;
        }
        if iface.zones.len() > 1 || iface.nets > 1 || iface.ports > 0 {
            return true;
        }
        if iface.zone.is_empty() {
            return true;
        }
        iface.option("use_forward_chain")
            && self
                .topo
                .zone(&iface.zone)
                .is_some_and(|it| it.interfaces.len() > 1)
    }

    /// `match_ipsec_in`: the `-m policy` match of traffic coming from a host group of `zone`
    /// (none for a super zone, or without IPsec anywhere).
    pub(crate) fn match_ipsec_in(&self, zone: &str, group: &HostGroup) -> Vec<Match> {
        self.match_ipsec(zone, group, "in", 1)
    }

    /// `match_ipsec_out`: the same for traffic going to the host group (super zones too).
    pub(crate) fn match_ipsec_out(&self, zone: &str, group: &HostGroup) -> Vec<Match> {
        self.match_ipsec(zone, group, "out", 2)
    }

    fn match_ipsec(&self, zone: &str, group: &HostGroup, dir: &str, column: usize) -> Vec<Match> {
        let Some(z) = self.topo.zone(zone) else {
            return Vec::new();
        };
        if (dir == "in" && z.is_super) || z.kind == ZoneKind::Vserver {
            return Vec::new();
        }
        let pol = if z.kind == ZoneKind::Ipsec {
            "ipsec"
        } else if self.topo.have_ipsec {
            group.ipsec.as_str()
        } else {
            return Vec::new();
        };
        let options = format!("{}{}", z.ipsec_options[0], z.ipsec_options[column]);
        vec![Match::new(
            "policy",
            format!("--dir {dir} --pol {pol} {options}").trim_end(),
        )]
    }

    /// `handle_complex_zone`: with IPsec, the zone's ipsec host groups jump to its forward
    /// chain first, from FORWARD or their interface's forward chain.
    fn handle_complex_zone(&mut self, zone: &str, added: &mut Added) -> Result<()> {
        if !self.topo.have_ipsec {
            return Ok(());
        }
        let f = TableId::Filter;
        let z = self.topo.zone(zone).cloned().expect("known");
        let frwd = format!("{zone}_frwd");
        let Some(by_interface) = z.hosts.get("ipsec") else {
            return Ok(());
        };
        for (interface, groups) in by_interface.iter() {
            if self
                .topo
                .interface(&interface)
                .is_some_and(|it| it.option("destonly"))
            {
                continue;
            }
            let base = self.interface_chain_base(&interface);
            let fwd_chain = format!("{base}_fwd");
            let iface = self.topo.interface(&interface).cloned().expect("known");
            let (source_chain, interface_match) = if self.use_forward_chain(&interface) {
                if iface.ports > 0 && iface.option("bridge") {
                    // A bridge with ports: FORWARD jumps to the zone's chain directly.
                    if added.ipsec.insert(zone.to_owned()) {
                        self.chains.copy_rules(f, &fwd_chain, &frwd, true);
                    }
                    ("FORWARD".to_owned(), self.source_dev(&interface))
                } else if let Some(bridge_fwd) = self.port_bridge_chain(&interface, "fwd") {
                    if added.forward.insert(interface.clone()) {
                        let m = self.source_dev_in(&interface, true);
                        self.chains
                            .add_ijump(f, &bridge_fwd, Jump::Jump, &fwd_chain, m)?;
                    }
                    (fwd_chain, Vec::new())
                } else {
                    if added.forward.insert(interface.clone()) {
                        let m = self.source_dev(&interface);
                        self.chains
                            .add_ijump(f, "FORWARD", Jump::Jump, &fwd_chain, m)?;
                    }
                    (fwd_chain, Vec::new())
                }
            } else {
                self.chains.move_rules(f, &fwd_chain, &frwd);
                match self.port_bridge_chain(&interface, "fwd") {
                    Some(bridge_fwd) => (bridge_fwd, self.source_dev_in(&interface, true)),
                    None => ("FORWARD".to_owned(), self.source_dev(&interface)),
                }
            };
            let jump = if z.parents.is_empty() {
                Jump::Goto
            } else {
                Jump::Jump
            };
            for group in groups {
                let ipsec = self.match_ipsec_in(zone, group);
                for net in &group.hosts {
                    let target = self.source_exclusion(&group.exclusions, &frwd)?;
                    let mut m = interface_match.clone();
                    m.extend(imatch_net(net, Side::Source)?);
                    m.extend(ipsec.clone());
                    self.chains.add_ijump_with_origin(
                        f,
                        &source_chain,
                        jump,
                        &target,
                        Some(&group.origin),
                        m,
                    )?;
                }
            }
        }
        Ok(())
    }

    pub(crate) fn generate_matrix(&mut self) -> Result<()> {
        let f = TableId::Filter;
        let interfaces = self.topo.managed_interfaces();
        let zones = self.topo.off_firewall_zones();
        let mut added = Added::default();
        let mut interface_jumps_added = false;
        let fw = self.topo.firewall.clone();

        for zone in &zones {
            let z = self.topo.zone(zone).cloned().expect("known");
            if z.kind == ZoneKind::Local {
                continue;
            }
            if zones.len() > 2 || z.complex {
                self.handle_complex_zone(zone, &mut added)?;
            } else if zones.len() > 1 {
                self.chains.new_standard_chain(&format!("{zone}_frwd"));
            }
        }

        for zone in &zones {
            let z = self.topo.zone(zone).cloned().expect("known");
            let frwd = format!("{zone}_frwd");
            let has_frwd = self.chains.exists(f, &frwd);
            self.chains
                .ensure_chain(TableId::Nat, &format!("{zone}_dnat"));
            for (_type, by_interface) in z.hosts.iter() {
                for (interface, groups) in by_interface.iter() {
                    if self.iface_physical(&interface) == "+" && !interface_jumps_added {
                        interface_jumps_added = true;
                        self.add_interface_jumps(&interfaces, &mut added)?;
                    }
                    for group in groups {
                        for net in &group.hosts {
                            if !self.rules_target(&fw, zone).is_empty() && z.kind != ZoneKind::Bport
                            {
                                self.add_output_jumps(zone, &interface, group, net, &mut added)?;
                            }
                            if !group.option("destonly") {
                                self.chains
                                    .ensure_chain(TableId::Raw, &format!("{zone}_ctrk"));
                                self.add_prerouting_jumps(zone, &interface, group, net)?;
                                self.add_notrack_jumps(zone, &interface, group, net)?;
                                self.add_input_jumps(zone, &interface, group, net, &mut added)?;
                                if has_frwd && group.ipsec != "ipsec" {
                                    self.add_forward_jump(
                                        zone, &interface, group, net, &frwd, &mut added,
                                    )?;
                                }
                            }
                        }
                    }
                }
            }
            if has_frwd {
                let (last_chain, dest_zones) = if self.config.optimize & 1 != 0 {
                    self.optimize1_zones(zone, &zones)
                } else {
                    (String::new(), zones.clone())
                };
                for zone1 in &dest_zones {
                    let name = self.rules_chain(zone, zone1);
                    if self.chains.chain(f, &name).policy == "NONE" {
                        continue;
                    }
                    let chain = self.rules_target(zone, zone1);
                    if chain.is_empty() {
                        continue;
                    }
                    let mut num_ifaces = 0;
                    if zone == zone1 {
                        num_ifaces = z.interfaces.len();
                        if num_ifaces < 2 && !z.routeback {
                            continue;
                        }
                    }
                    let z1 = self.topo.zone(zone1).cloned().expect("known");
                    if z1.kind == ZoneKind::Bport && z.bridge != z1.bridge {
                        continue;
                    }
                    for (_type, by_interface) in z1.hosts.iter() {
                        for (interface, groups) in by_interface.iter() {
                            for group in groups {
                                if group.option("sourceonly") {
                                    continue;
                                }
                                if zone != zone1 || num_ifaces > 1 || group.option("routeback") {
                                    let target = self.dest_exclusion(&group.exclusions, &chain)?;
                                    let ipsec = self.match_ipsec_out(zone1, group);
                                    for net in &group.hosts {
                                        let mut m = self.dest_dev(&interface);
                                        m.extend(imatch_net(net, Side::Dest)?);
                                        m.extend(ipsec.clone());
                                        self.chains.add_ijump_with_origin(
                                            f,
                                            &frwd,
                                            Jump::Jump,
                                            &target,
                                            Some(&group.origin),
                                            m,
                                        )?;
                                    }
                                }
                            }
                        }
                    }
                }
                if !last_chain.is_empty() {
                    self.chains
                        .add_ijump(f, &frwd, Jump::Goto, &last_chain, vec![])?;
                }
            }
        }
        self.add_all_interfaces_nat_jumps()?;
        if !interface_jumps_added {
            self.add_interface_jumps(&interfaces, &mut added)?;
        }
        if !self.config.complete {
            for interface in self.topo.unmanaged_interfaces() {
                let physical = self.iface_physical(&interface);
                self.chains.add_ijump(
                    f,
                    "INPUT",
                    Jump::Jump,
                    "ACCEPT",
                    vec![Match::new("i", physical.clone())],
                )?;
                self.chains.add_ijump(
                    f,
                    "OUTPUT",
                    Jump::Jump,
                    "ACCEPT",
                    vec![Match::new("o", physical)],
                )?;
            }
            self.complete_standard_chain("INPUT", "all", &fw, "DROP")?;
            self.complete_standard_chain("OUTPUT", &fw, "all", "REJECT")?;
            self.complete_standard_chain("FORWARD", "all", "all", "REJECT")?;
        }
        let level = self.config.logallnew.clone();
        if !level.is_empty() {
            let new = super::rules::state_match(self, "NEW");
            for (table, chains) in [
                (
                    TableId::Mangle,
                    &["PREROUTING", "INPUT", "FORWARD", "POSTROUTING"][..],
                ),
                (TableId::Nat, &["PREROUTING", "OUTPUT", "POSTROUTING"][..]),
                (TableId::Filter, &["INPUT", "FORWARD", "OUTPUT"][..]),
            ] {
                for chain in chains {
                    // The table is the log prefix's chain, the chain its disposition.
                    self.log_rule_limit(
                        &level,
                        table,
                        chain,
                        table.name(),
                        chain,
                        Some(""),
                        "",
                        false,
                        &new,
                    )?;
                }
            }
        }
        Ok(())
    }

    /// `optimize1_zones`: the destination zones worth a jump, and a final policy chain that
    /// covers the rest.
    fn optimize1_zones(&self, zone: &str, zones: &[String]) -> (String, Vec<String>) {
        let z = self.topo.zone(zone).cloned().expect("known");
        let mut last_chain = String::new();
        let mut dest_zones = Vec::new();
        let mut temp_zones: Vec<String> = Vec::new();
        for zone1 in zones {
            let name = self.rules_chain(zone, zone1);
            let policy = self.chains.chain(TableId::Filter, &name).policy.clone();
            if policy == "NONE" {
                continue;
            }
            let chain = self.rules_target(zone, zone1);
            if chain.is_empty() {
                continue;
            }
            if zone == zone1 && z.interfaces.len() < 2 && !z.routeback {
                continue;
            }
            if self
                .topo
                .zone(zone1)
                .is_some_and(|it| it.kind == ZoneKind::Bport && it.bridge != z.bridge)
            {
                continue;
            }
            if chain.ends_with("2all") || chain.ends_with("-all") {
                if chain != last_chain {
                    last_chain = chain.clone();
                    dest_zones.append(&mut temp_zones);
                    temp_zones = vec![zone1.clone()];
                } else if policy == "ACCEPT" {
                    temp_zones.push(zone1.clone());
                } else {
                    last_chain = chain.clone();
                    temp_zones = vec![zone1.clone()];
                }
            } else {
                dest_zones.append(&mut temp_zones);
                dest_zones.push(zone1.clone());
                last_chain.clear();
            }
        }
        if !last_chain.is_empty() && temp_zones.len() == 1 {
            dest_zones.append(&mut temp_zones);
            last_chain.clear();
        }
        (last_chain, dest_zones)
    }

    fn add_output_jumps(
        &mut self,
        zone: &str,
        interface: &str,
        group: &HostGroup,
        net: &str,
        added: &mut Added,
    ) -> Result<()> {
        let f = TableId::Filter;
        let fw = self.topo.firewall.clone();
        let chain1 = self.rules_target(&fw, zone);
        let chain1_exists = self.chains.exists(f, &chain1);
        let nextchain = self.dest_exclusion(&group.exclusions, &chain1)?;
        let base = self.interface_chain_base(interface);
        let out_chain = format!("{base}_out");
        let dest = imatch_net(net, Side::Dest)?;
        let zone_interfaces = self.topo.zone(zone).map_or(0, |it| it.interfaces.len());
        let out_has_rules = !self.chains.chain(f, &out_chain).rules.is_empty();
        let mut use_output = false;
        let vservers = self.topo.vserver_zones();
        let (outputref, mut matches) = if !vservers.is_empty()
            || self.use_interface_chain(interface, "use_output_chain")
            || (out_has_rules && !chain1_exists)
            || zone_interfaces > 1
        {
            if added.output.insert(interface.to_owned()) {
                // A bridge port is reached from its bridge's output chain.
                let (from, m) = match self.port_bridge_chain(interface, "out") {
                    Some(chain) => (chain, self.dest_dev_in(interface, true)),
                    None => ("OUTPUT".to_owned(), self.dest_dev(interface)),
                };
                self.chains.add_ijump_with_origin(
                    f,
                    &from,
                    Jump::Jump,
                    &out_chain,
                    Some(&group.origin),
                    m,
                )?;
            }
            use_output = true;
            if !net.eq_ignore_ascii_case(IPV6_LINKLOCAL) {
                // The vservers' traffic to the zone leaves by the same chain.
                for vzone in &vservers {
                    self.generate_source_rules(&out_chain, vzone, zone, dest.clone())?;
                }
            }
            (out_chain.clone(), Vec::new())
        } else if let Some(chain) = self.port_bridge_chain(interface, "out") {
            (chain, self.dest_dev_in(interface, true))
        } else {
            ("OUTPUT".to_owned(), self.dest_dev(interface))
        };
        matches.extend(dest);
        matches.extend(self.match_ipsec_out(zone, group));
        self.chains.add_ijump_with_origin(
            f,
            &outputref,
            Jump::Jump,
            &nextchain,
            Some(&group.origin),
            matches,
        )?;
        if !use_output && chain1_exists {
            self.chains.move_rules(f, &out_chain, &chain1);
        }
        Ok(())
    }

    fn add_input_jumps(
        &mut self,
        zone: &str,
        interface: &str,
        group: &HostGroup,
        net: &str,
        added: &mut Added,
    ) -> Result<()> {
        let f = TableId::Filter;
        let fw = self.topo.firewall.clone();
        let chain2 = self.rules_target(zone, &fw);
        let chain2_exists = !chain2.is_empty() && self.chains.exists(f, &chain2);
        let base = self.interface_chain_base(interface);
        let in_chain = format!("{base}_in");
        let source = imatch_net(net, Side::Source)?;
        let in_has_rules = !self.chains.chain(f, &in_chain).rules.is_empty();
        let mut use_input = false;
        let vservers = self.topo.vserver_zones();
        let (inputref, mut matches) = if !vservers.is_empty()
            || self.use_interface_chain(interface, "use_input_chain")
            || chain2.is_empty()
            || (in_has_rules && !chain2_exists)
        {
            if added.input.insert(interface.to_owned()) {
                // A bridge port is reached from its bridge's input chain.
                let (from, m) = match self.port_bridge_chain(interface, "in") {
                    Some(chain) => (chain, self.source_dev_in(interface, true)),
                    None => ("INPUT".to_owned(), self.source_dev(interface)),
                };
                self.chains.add_ijump_with_origin(
                    f,
                    &from,
                    Jump::Jump,
                    &in_chain,
                    Some(&group.origin),
                    m,
                )?;
            }
            use_input = true;
            if !net.eq_ignore_ascii_case(IPV6_LINKLOCAL) {
                // The zone's traffic to the vservers arrives by the same chain.
                for vzone in &vservers {
                    let target = self.rules_target(zone, vzone);
                    if !target.is_empty() {
                        let mut m = source.clone();
                        m.extend(self.match_ipsec_in(zone, group));
                        self.generate_dest_rules(&in_chain, &target, vzone, &group.origin, m)?;
                    }
                }
            }
            (in_chain.clone(), Vec::new())
        } else if let Some(chain) = self.port_bridge_chain(interface, "in") {
            (chain, self.source_dev_in(interface, true))
        } else {
            ("INPUT".to_owned(), self.source_dev(interface))
        };
        if !chain2.is_empty() {
            let target = self.source_exclusion(&group.exclusions, &chain2)?;
            matches.extend(source);
            matches.extend(self.match_ipsec_in(zone, group));
            self.chains.add_ijump_with_origin(
                f,
                &inputref,
                Jump::Jump,
                &target,
                Some(&group.origin),
                matches,
            )?;
            if !use_input && chain2_exists {
                self.chains.move_rules(f, &in_chain, &chain2);
            }
        }
        Ok(())
    }

    fn add_forward_jump(
        &mut self,
        zone: &str,
        interface: &str,
        group: &HostGroup,
        net: &str,
        frwd: &str,
        added: &mut Added,
    ) -> Result<()> {
        let f = TableId::Filter;
        let mut source = imatch_net(net, Side::Source)?;
        source.extend(self.match_ipsec_in(zone, group));
        let target = self.source_exclusion(&group.exclusions, frwd)?;
        let base = self.interface_chain_base(interface);
        let fwd_chain = format!("{base}_fwd");
        if self.use_forward_chain(interface) {
            self.chains.add_ijump_with_origin(
                f,
                &fwd_chain,
                Jump::Jump,
                &target,
                Some(&group.origin),
                source,
            )?;
            if added.forward.insert(interface.to_owned()) {
                // A bridge port is reached from its bridge's forward chain.
                let (from, m) = match self.port_bridge_chain(interface, "fwd") {
                    Some(chain) => (chain, self.source_dev_in(interface, true)),
                    None => ("FORWARD".to_owned(), self.source_dev(interface)),
                };
                self.chains.add_ijump_with_origin(
                    f,
                    &from,
                    Jump::Jump,
                    &fwd_chain,
                    Some(&group.origin),
                    m,
                )?;
            }
        } else {
            let (from, mut m) = match self.port_bridge_chain(interface, "fwd") {
                Some(chain) => (chain, self.source_dev_in(interface, true)),
                None => ("FORWARD".to_owned(), self.source_dev(interface)),
            };
            m.extend(source);
            self.chains.add_ijump_with_origin(
                f,
                &from,
                Jump::Jump,
                &target,
                Some(&group.origin),
                m,
            )?;
            self.chains.move_rules(f, &fwd_chain, frwd);
        }
        Ok(())
    }

    /// `generate_dest_rules`: a jump from `chain` to `target` for the traffic to `zone`,
    /// one per network of a vserver zone.
    fn generate_dest_rules(
        &mut self,
        chain: &str,
        target: &str,
        zone: &str,
        origin: &str,
        matches: Vec<Match>,
    ) -> Result<()> {
        let f = TableId::Filter;
        if self.topo.zone(zone).map(|it| it.kind) != Some(ZoneKind::Vserver) {
            let origin = (!origin.is_empty()).then_some(origin);
            self.chains
                .add_ijump_with_origin(f, chain, Jump::Jump, target, origin, matches)?;
            return Ok(());
        }
        for group in self.vserver_groups(zone) {
            let exclusion = self.dest_exclusion(&group.exclusions, target)?;
            for net in &group.hosts {
                let mut m = imatch_net(net, Side::Dest)?;
                m.extend(matches.iter().cloned());
                self.chains.add_ijump_with_origin(
                    f,
                    chain,
                    Jump::Jump,
                    &exclusion,
                    Some(&group.origin),
                    m,
                )?;
            }
        }
        Ok(())
    }

    /// `generate_source_rules`: the jumps of `chain` for the traffic from the vserver zone
    /// `vzone` to `zone`, unless that is a CONTINUE policy without rules.
    fn generate_source_rules(
        &mut self,
        chain: &str,
        vzone: &str,
        zone: &str,
        matches: Vec<Match>,
    ) -> Result<()> {
        let target = self.rules_target(vzone, zone);
        if target.is_empty() || target == "NONE" {
            return Ok(());
        }
        for group in self.vserver_groups(vzone) {
            let ipsec = self.match_ipsec_in(vzone, &group);
            let exclusion = self.source_exclusion(&group.exclusions, &target)?;
            for net in &group.hosts {
                let mut m = imatch_net(net, Side::Source)?;
                m.extend(matches.iter().cloned());
                m.extend(ipsec.iter().cloned());
                self.generate_dest_rules(chain, &exclusion, zone, &group.origin, m)?;
            }
        }
        Ok(())
    }

    /// The host groups of a vserver zone (`{hosts}{ip}{'%vserver%'}`).
    fn vserver_groups(&self, zone: &str) -> Vec<HostGroup> {
        self.topo
            .zone(zone)
            .and_then(|it| it.hosts.get("ip"))
            .and_then(|it| it.get(VSERVER_INTERFACE))
            .cloned()
            .unwrap_or_default()
    }

    /// `add_interface_jumps`: jumps from INPUT/OUTPUT/FORWARD to the interface chains in use,
    /// the loopback ACCEPT and the firewall-to-firewall traffic.
    fn add_interface_jumps(&mut self, interfaces: &[String], added: &mut Added) -> Result<()> {
        let f = TableId::Filter;
        // `interface_zone(loopback_interface)`: a loopback zone's interface is handled as a zone's.
        let mut lo_jump_added = self
            .topo
            .interface(&self.topo.loopback)
            .is_some_and(|it| !it.zone.is_empty() && !it.option("destonly"));
        self.add_nat_interface_jumps(interfaces)?;
        for interface in interfaces {
            if self
                .topo
                .interface(interface)
                .is_some_and(|it| it.option("rpfilter"))
            {
                let m = self.source_dev(interface);
                self.chains
                    .add_ijump(TableId::Mangle, "PREROUTING", Jump::Jump, "rpfilter", m)?;
            }
        }
        for interface in interfaces {
            let iface = self.topo.interface(interface).cloned().expect("listed");
            let base = self.interface_chain_base(interface);
            if iface.physical == "+" && !lo_jump_added {
                lo_jump_added = true;
                let lo = self.topo.loopback.clone();
                self.chains.add_ijump(
                    f,
                    "INPUT",
                    Jump::Jump,
                    "ACCEPT",
                    vec![Match::new("i", lo)],
                )?;
            }
            if iface.option("port") {
                let bridge_base = self.interface_chain_base(&iface.bridge);
                let bridge_fwd = format!("{bridge_base}_fwd");
                if iface.nets == 0 {
                    let mut m = self.source_dev_in(interface, true);
                    m.extend(self.dest_dev_in(interface, true));
                    self.chains
                        .add_ijump(f, &bridge_fwd, Jump::Jump, "ACCEPT", m)?;
                }
                // Shorewall only reads the added marks here, it does not set them.
                if !added.forward.contains(interface) && self.use_forward_chain(interface) {
                    let m = self.source_dev_in(interface, true);
                    self.chains
                        .add_ijump(f, &bridge_fwd, Jump::Jump, &format!("{base}_fwd"), m)?;
                }
                if !added.input.contains(interface)
                    && self.use_interface_chain(interface, "use_input_chain")
                {
                    let m = self.source_dev_in(interface, true);
                    self.chains.add_ijump(
                        f,
                        &format!("{bridge_base}_in"),
                        Jump::Jump,
                        &format!("{base}_in"),
                        m,
                    )?;
                }
                continue;
            }
            if iface.nets == 0 && iface.option("bridge") {
                let mut m = self.source_dev(interface);
                m.extend(self.dest_dev(interface));
                self.chains
                    .add_ijump(f, "FORWARD", Jump::Jump, "ACCEPT", m)?;
            }
            if self.use_forward_chain(interface) && added.forward.insert(interface.clone()) {
                let m = self.source_dev(interface);
                self.chains
                    .add_ijump(f, "FORWARD", Jump::Jump, &format!("{base}_fwd"), m)?;
            }
            if self.use_interface_chain(interface, "use_input_chain")
                && added.input.insert(interface.clone())
            {
                let m = self.source_dev(interface);
                self.chains
                    .add_ijump(f, "INPUT", Jump::Jump, &format!("{base}_in"), m)?;
            }
            if self.use_interface_chain(interface, "use_output_chain")
                && added.output.insert(interface.clone())
            {
                let m = self.dest_dev(interface);
                self.chains
                    .add_ijump(f, "OUTPUT", Jump::Jump, &format!("{base}_out"), m)?;
            }
        }
        if !lo_jump_added {
            let lo = self.topo.loopback.clone();
            self.chains
                .add_ijump(f, "INPUT", Jump::Jump, "ACCEPT", vec![Match::new("i", lo)])?;
        }
        self.handle_loopback_traffic()
    }

    /// `handle_loopback_traffic`: the traffic among the firewall and the vserver zones, in
    /// OUTPUT by the loopback interface (through a `loopback` chain when there are vserver
    /// zones), and the raw OUTPUT jumps to their conntrack chains.
    fn handle_loopback_traffic(&mut self) -> Result<()> {
        let f = TableId::Filter;
        let fw = self.topo.firewall.clone();
        let lo = self.topo.loopback.clone();
        let mut zones = self.topo.vserver_zones();
        zones.push(fw.clone());
        let loopback = !self.topo.loopback_zones().is_empty();
        let mut unmanaged = false;
        let mut rule = Vec::new();
        let outchain = if zones.len() > 1 {
            self.chains.new_standard_chain("loopback");
            self.chains.add_ijump(
                f,
                "OUTPUT",
                Jump::Jump,
                "loopback",
                vec![Match::new("o", lo.clone())],
            )?;
            "loopback"
        } else {
            unmanaged = self
                .topo
                .interface(&lo)
                .is_some_and(|it| it.option("unmanaged"));
            if unmanaged {
                self.chains.add_ijump(
                    f,
                    "OUTPUT",
                    Jump::Jump,
                    "ACCEPT",
                    vec![Match::new("o", lo.clone())],
                )?;
            } else {
                rule.push(Match::new("o", lo.clone()));
            }
            "OUTPUT"
        };
        for z1 in &zones {
            let notrack = format!("{z1}_ctrk");
            let notrack_referenced = self
                .chains
                .get(TableId::Raw, &notrack)
                .is_some_and(|it| it.referenced);
            if *z1 == fw {
                if !unmanaged {
                    for z2 in &zones {
                        if z1 == z2 && loopback {
                            continue;
                        }
                        let chain = self.rules_target(z1, z2);
                        if !chain.is_empty() {
                            self.generate_dest_rules(outchain, &chain, z2, "", rule.clone())?;
                        }
                    }
                }
                if notrack_referenced {
                    self.chains
                        .add_ijump(TableId::Raw, "OUTPUT", Jump::Jump, &notrack, vec![])?;
                }
            } else {
                for z2 in &zones {
                    self.generate_source_rules(outchain, z1, z2, rule.clone())?;
                }
                if notrack_referenced {
                    for group in self.vserver_groups(z1) {
                        let target =
                            self.exclusion_in(TableId::Raw, &group.exclusions, &notrack)?;
                        let ipsec = self.match_ipsec_in(z1, &group);
                        for net in &group.hosts {
                            let mut m = imatch_net(net, Side::Source)?;
                            m.extend(ipsec.iter().cloned());
                            let at = self.chains.get_mut(TableId::Raw, "OUTPUT").map_or(0, |it| {
                                it.insert += 1;
                                it.insert - 1
                            });
                            self.chains.insert_ijump(
                                TableId::Raw,
                                "OUTPUT",
                                Jump::Jump,
                                &target,
                                at,
                                m,
                            );
                        }
                    }
                }
            }
        }
        Ok(())
    }
}
