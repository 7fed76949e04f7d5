//! The rules every configuration gets from its settings and interface options
//! (`Misc.pm add_common_rules`): the `reject` chain, the dynamic blacklist chains, `sfilter`,
//! the per-interface option chains, `smurfs`, DHCP, `tcpflags`/`logflags`.

use super::addresses::{imatch_net, Side, MULTICAST};
use super::chains::{TableId, DONT_DELETE, DONT_MOVE, DONT_OPTIMIZE, RETURNS};
use super::ir::{Jump, Match};
use super::lower::Compiler;
use super::rules::{state_imatch, Columns};
use super::{error, unsupported, Result};

impl Compiler<'_> {
    pub(crate) fn add_common_rules(&mut self) -> Result<()> {
        let faststate = if self.config.related.disposition == "ACCEPT"
            && self.config.related.level.is_empty()
        {
            "ESTABLISHED,RELATED"
        } else {
            "ESTABLISHED"
        };
        let f = TableId::Filter;
        if self.config.reject_action.is_empty() {
            self.builtin_reject_rules()?;
        } else {
            self.process_reject_action()?;
        }

        let mut dynamic = false;
        if self.config.dynamic_blacklist {
            let level = self.config.blacklist.level.clone();
            let tag = self.config.blacklist.tag.clone();
            for (name, target) in [("logdrop", "DROP"), ("logreject", "reject")] {
                self.chains.new_standard_chain(name).optflags |= DONT_OPTIMIZE | DONT_DELETE;
                if !level.is_empty() {
                    let upper = target.to_ascii_uppercase();
                    self.log_rule_limit(&level, f, name, name, &upper, Some(""), &tag, true, "")?;
                }
                self.chains.add_jump(f, name, target, false, "", false)?;
            }
            self.chains.new_standard_chain("dynamic").optflags |= DONT_OPTIMIZE;
            self.chains.add_commands(
                f,
                "dynamic",
                &["[ -f ${VARDIR}/.dynamic ] && cat ${VARDIR}/.dynamic >&3"],
            );
            dynamic = true;
        }

        self.setup_mss()?;

        if self.config.fastaccept {
            let m = state_imatch(self, faststate);
            self.chains
                .add_ijump(f, "OUTPUT", Jump::Jump, "ACCEPT", m)?;
        }

        let policy = self.config.sfilter.disposition.clone();
        let level = self.config.sfilter.level.clone();
        let tag = self.config.sfilter.tag.clone();
        let (policy, audit) = match policy.strip_prefix("A_") {
            Some(basic) => (basic.to_owned(), true),
            None => (policy, false),
        };
        let target = if !level.is_empty() || audit {
            self.chains.new_standard_chain("sfilter");
            self.sfilter_disposition("sfilter", &level, &tag, &policy, audit)?;
            "sfilter".to_owned()
        } else if policy == "REJECT" {
            "reject".to_owned()
        } else {
            policy.clone()
        };
        // With IPsec, `sfilter1` (used in the forward option chains) lets packets that leave
        // encrypted by the interface they came in on through.
        let ipsec = if self.topo.have_ipsec {
            vec![Match::new("policy", "--pol none --dir in")]
        } else {
            Vec::new()
        };
        let (target1, jump1) = if self.topo.have_ipsec {
            self.chains.new_standard_chain("sfilter1");
            self.chains.add_ijump(
                f,
                "sfilter1",
                Jump::Jump,
                "RETURN",
                vec![Match::new("policy", "--pol ipsec --dir out")],
            )?;
            self.sfilter_disposition("sfilter1", &level, &tag, &policy, audit)?;
            ("sfilter1".to_owned(), Jump::Jump)
        } else {
            (target.clone(), Jump::Goto)
        };

        let blacklist_states = state_imatch(self, &self.config.blacklist_states.clone());
        for interface in self.topo.real_interfaces() {
            let base = self.interface_chain_base(&interface);
            let iface = self.topo.interface(&interface).cloned().expect("listed");
            for suffix in ["_fwd", "_in", "_out", "_fop", "_iop", "_oop"] {
                let origin = iface.origin.clone();
                self.chains
                    .ensure_chain(f, &format!("{base}{suffix}"))
                    .origin = origin;
            }
            if iface.physical == self.topo.loopback {
                continue;
            }
            let ignore = iface
                .options
                .get("ignore")
                .and_then(|it| it.parse::<u32>().ok())
                .unwrap_or(0);
            if ignore & 2 == 0 && !iface.option("rpfilter") {
                let fop = format!("{base}_fop");
                if !iface.filter.is_empty() {
                    for net in &iface.filter {
                        let mut m = imatch_net(net, Side::Source)?;
                        m.extend(ipsec.clone());
                        self.chains.add_ijump_with_origin(
                            f,
                            &fop,
                            jump1,
                            &target1,
                            Some(&iface.origin),
                            m,
                        )?;
                        self.chains.get_mut(f, &fop).expect("created").filtered += 1;
                    }
                } else if iface.bridge == iface.name
                    && !(iface.option("routeback")
                        || iface.option("routefilter")
                        || iface.physical == "+")
                {
                    let mut m = vec![Match::new("o", iface.physical.clone())];
                    m.extend(ipsec.clone());
                    self.chains.add_ijump_with_origin(
                        f,
                        &fop,
                        jump1,
                        &target1,
                        Some(&iface.origin),
                        m,
                    )?;
                    self.chains.get_mut(f, &fop).expect("created").filtered += 1;
                }
                if !iface.filter.is_empty() {
                    let iop = format!("{base}_iop");
                    for net in &iface.filter {
                        let mut m = imatch_net(net, Side::Source)?;
                        m.extend(ipsec.clone());
                        self.chains.add_ijump_with_origin(
                            f,
                            &iop,
                            Jump::Goto,
                            &target,
                            Some(&iface.origin),
                            m,
                        )?;
                        self.chains.get_mut(f, &iop).expect("created").filtered += 1;
                    }
                }
            }
            for suffix in ["_fop", "_iop"] {
                let chain = format!("{base}{suffix}");
                let dbl = iface.options.get("dbl").map_or("0:0", String::as_str);
                if dynamic && dbl != "0:0" {
                    self.chains.add_ijump(
                        f,
                        &chain,
                        Jump::Jump,
                        "dynamic",
                        blacklist_states.clone(),
                    )?;
                }
                if self.config.fastaccept {
                    let m = state_imatch(self, faststate);
                    if let Some(index) =
                        self.chains.add_ijump(f, &chain, Jump::Jump, "ACCEPT", m)?
                    {
                        if let Some(rule) = self
                            .chains
                            .get_mut(f, &chain)
                            .and_then(|it| it.rules.get_mut(index))
                        {
                            rule.comment = None;
                        }
                    }
                }
            }
        }
        if let Some(chain) = self.chains.get_mut(f, "sfilter") {
            if chain.references.is_empty() {
                chain.referenced = false;
            }
        }

        if !self.topo.interfaces_by_option("rpfilter", false).is_empty() {
            self.setup_rpfilter()?;
        }

        self.warn_blacklist_file();

        let smurf_hosts = self.topo.hosts_by_option("nosmurfs");
        if !smurf_hosts.is_empty() {
            self.chains.new_standard_chain("smurfs");
            let mut smurfdest = self.config.smurf.disposition.clone();
            let level = self.config.smurf.level.clone();
            if !level.is_empty() {
                self.chains.new_chain(f, "smurflog", None);
                let tag = self.config.smurf.tag.clone();
                self.log_irule_limit(&level, f, "smurflog", "smurfs", "DROP", &tag, vec![])?;
                if smurfdest == "A_DROP" {
                    self.chains.add_ijump(
                        f,
                        "smurflog",
                        Jump::Jump,
                        "AUDIT --type drop",
                        vec![],
                    )?;
                }
                self.chains
                    .add_ijump(f, "smurflog", Jump::Jump, "DROP", vec![])?;
                smurfdest = "smurflog".into();
            } else if smurfdest == "A_DROP" {
                self.ensure_audit_chain(&smurfdest, None, None)?;
            }
            if self.caps().has("ADDRTYPE") {
                self.chains.add_ijump(
                    f,
                    "smurfs",
                    Jump::Jump,
                    "RETURN",
                    vec![Match::new("s", "::")],
                )?;
                self.chains.add_ijump(
                    f,
                    "smurfs",
                    Jump::Goto,
                    &smurfdest,
                    vec![Match::new("addrtype", "--src-type BROADCAST")],
                )?;
            } else {
                self.chains
                    .add_commands(f, "smurfs", &["for address in $ALL_ACASTS; do"]);
                self.chains.incr_cmd_level(f, "smurfs");
                self.chains.add_ijump(
                    f,
                    "smurfs",
                    Jump::Goto,
                    &smurfdest,
                    vec![Match::new("s", "$address")],
                )?;
                self.chains.decr_cmd_level(f, "smurfs");
                self.chains.add_commands(f, "smurfs", &["done"]);
            }
            self.chains.add_ijump(
                f,
                "smurfs",
                Jump::Goto,
                &smurfdest,
                vec![Match::new("s", MULTICAST)],
            )?;
            let states = if self.caps().has("RAW_TABLE") {
                "NEW,INVALID,UNTRACKED"
            } else {
                "NEW,INVALID"
            };
            for (interface, ipsec, net, exclusions, origin) in smurf_hosts {
                let target = self.source_exclusion(&exclusions, "smurfs")?;
                let base = self.interface_chain_base(&interface);
                for suffix in ["_fop", "_iop"] {
                    let mut m = state_imatch(self, states);
                    m.extend(imatch_net(&net, Side::Source)?);
                    m.extend(self.host_policy_in(&ipsec));
                    self.chains.add_ijump_with_origin(
                        f,
                        &format!("{base}{suffix}"),
                        Jump::Jump,
                        &target,
                        Some(&origin),
                        m,
                    )?;
                }
            }
        }

        for interface in self.topo.interfaces_by_option("dhcp", false) {
            let base = self.interface_chain_base(&interface);
            let iface = self.topo.interface(&interface).cloned().expect("listed");
            for suffix in ["_iop", "_oop"] {
                let chain = format!("{base}{suffix}");
                let m = vec![Match::new("p", "udp --dport 546:547")];
                if let Some(index) = self.chains.add_ijump_with_origin(
                    f,
                    &chain,
                    Jump::Jump,
                    "ACCEPT",
                    Some(&iface.origin),
                    m,
                )? {
                    if let Some(rule) = self
                        .chains
                        .get_mut(f, &chain)
                        .and_then(|it| it.rules.get_mut(index))
                    {
                        rule.dhcp = true;
                    }
                }
            }
            if iface.option("bridge") {
                let m = vec![
                    Match::new("p", "udp --dport 546:547"),
                    Match::new("o", iface.physical.clone()),
                ];
                self.chains.add_ijump_with_origin(
                    f,
                    &format!("{base}_fop"),
                    Jump::Jump,
                    "ACCEPT",
                    Some(&iface.origin),
                    m,
                )?;
            }
        }

        let tcpflags_hosts = self.topo.hosts_by_option("tcpflags");
        if !tcpflags_hosts.is_empty() {
            let level = self.config.tcp_flags.level.clone();
            let tag = self.config.tcp_flags.tag.clone();
            let mut disposition = self.config.tcp_flags.disposition.clone();
            let audit = disposition.starts_with("A_");
            self.chains.new_standard_chain("tcpflags");
            if !level.is_empty() {
                self.chains.new_standard_chain("logflags");
                let parms = format!("{}--log-ip-options ", self.config.log.parms);
                let save = std::mem::replace(&mut self.config.log.parms, parms);
                let result = self.log_rule_limit(
                    &level,
                    f,
                    "logflags",
                    "logflags",
                    &disposition,
                    Some(""),
                    &tag,
                    true,
                    "",
                );
                self.config.log.parms = save;
                result?;
                if let Some(basic) = disposition.strip_prefix("A_") {
                    disposition = basic.to_owned();
                    let audit = format!("AUDIT --type {}", disposition.to_ascii_lowercase());
                    self.chains
                        .add_ijump(f, "logflags", Jump::Jump, &audit, vec![])?;
                }
                if disposition == "REJECT" {
                    self.chains.add_ijump(
                        f,
                        "logflags",
                        Jump::Jump,
                        "REJECT --reject-with tcp-reset",
                        vec![Match::new("p", "6")],
                    )?;
                } else {
                    self.chains
                        .add_ijump(f, "logflags", Jump::Jump, &disposition, vec![])?;
                }
                disposition = "logflags".into();
            } else if audit {
                self.ensure_audit_chain(&disposition, None, None)?;
            }
            for flags in [
                "tcp --tcp-flags ALL FIN,URG,PSH",
                "tcp --tcp-flags ALL NONE",
                "tcp --tcp-flags SYN,RST SYN,RST",
                "tcp --tcp-flags FIN,RST FIN,RST",
                "tcp --tcp-flags SYN,FIN SYN,FIN",
                "tcp --tcp-flags ACK,PSH,FIN PSH,FIN",
                "tcp --syn --sport 0",
            ] {
                self.chains.add_ijump(
                    f,
                    "tcpflags",
                    Jump::Goto,
                    &disposition,
                    vec![Match::new("p", flags)],
                )?;
            }
            for (interface, ipsec, net, exclusions, origin) in tcpflags_hosts {
                let target = self.source_exclusion(&exclusions, "tcpflags")?;
                let base = self.interface_chain_base(&interface);
                for suffix in ["_fop", "_iop"] {
                    let mut m = vec![Match::new("p", "tcp")];
                    m.extend(imatch_net(&net, Side::Source)?);
                    m.extend(self.host_policy_in(&ipsec));
                    self.chains.add_ijump_with_origin(
                        f,
                        &format!("{base}{suffix}"),
                        Jump::Jump,
                        &target,
                        Some(&origin),
                        m,
                    )?;
                }
            }
        }
        let upnp = self.topo.interfaces_by_option("upnp", false);
        if !upnp.is_empty() {
            // The UPnP chain holds what upnpd saved, at run time.
            let n = TableId::Nat;
            self.chains.ensure_referenced_chain(n, "UPnP").optflags |= DONT_OPTIMIZE;
            self.chains.add_commands(
                n,
                "UPnP",
                &["[ -s /${VARDIR}/.UPnP ] && cat ${VARDIR}/.UPnP >&3"],
            );
            let miniupnpd = self
                .model
                .settings
                .supplied("MINIUPNPD")
                .is_some_and(|it| it.eq_ignore_ascii_case("yes"));
            if miniupnpd {
                self.chains
                    .ensure_referenced_chain(n, "MINIUPNPD-POSTROUTING")
                    .optflags |= DONT_OPTIMIZE;
                // Shorewall adds this command to the UPnP chain.
                self.chains.add_commands(
                    n,
                    "UPnP",
                    &["[ -s /${VARDIR}/.MINIUPNPD-POSTROUTING ] && cat ${VARDIR}/.MINIUPNPD-POSTROUTING >&3"],
                );
            }
            for interface in &upnp {
                let origin = self.topo.interface(interface).map(|it| it.origin.clone());
                let m = self.source_dev(interface);
                self.chains.add_ijump_with_origin(
                    n,
                    "PREROUTING",
                    Jump::Jump,
                    "UPnP",
                    origin.as_deref(),
                    m,
                )?;
                if miniupnpd {
                    let m = self.dest_dev(interface);
                    self.chains.add_ijump(
                        n,
                        "POSTROUTING",
                        Jump::Jump,
                        "MINIUPNPD-POSTROUTING",
                        m,
                    )?;
                }
            }
        }
        if !self
            .topo
            .interfaces_by_option("upnpclient", false)
            .is_empty()
        {
            return unsupported("The upnpclient interface option (the interface's gateway at run time) is not supported by the preview");
        }
        self.setup_syn_flood_chains()
    }

    /// The rules of the `reject` chain without REJECT_ACTION.
    /// The end of `sfilter` or `sfilter1`: the SFILTER_DISPOSITION's log rule, its audit
    /// rule for an `A_` disposition, and the disposition itself.
    fn sfilter_disposition(
        &mut self,
        chain: &str,
        level: &str,
        tag: &str,
        policy: &str,
        audit: bool,
    ) -> Result<()> {
        let f = TableId::Filter;
        if !level.is_empty() {
            self.log_rule_limit(level, f, chain, chain, policy, Some(""), tag, true, "")?;
        }
        if audit {
            let audit = format!("AUDIT --type {}", policy.to_ascii_lowercase());
            self.chains
                .add_ijump(f, chain, Jump::Jump, &audit, vec![])?;
        }
        let to = if policy == "REJECT" { "reject" } else { policy };
        self.chains.add_ijump(f, chain, Jump::Goto, to, vec![])?;
        Ok(())
    }

    fn builtin_reject_rules(&mut self) -> Result<()> {
        let f = TableId::Filter;
        if self.caps().has("ADDRTYPE") {
            self.chains.add_ijump(
                f,
                "reject",
                Jump::Jump,
                "DROP",
                vec![Match::new("addrtype", "--src-type BROADCAST")],
            )?;
        } else {
            self.chains
                .add_commands(f, "reject", &["for address in $ALL_ACASTS; do"]);
            self.chains.incr_cmd_level(f, "reject");
            self.chains.add_ijump(
                f,
                "reject",
                Jump::Jump,
                "DROP",
                vec![Match::new("d", "$address")],
            )?;
            self.chains.decr_cmd_level(f, "reject");
            self.chains.add_commands(f, "reject", &["done"]);
        }
        self.chains.add_ijump(
            f,
            "reject",
            Jump::Jump,
            "DROP",
            vec![Match::new("s", MULTICAST)],
        )?;
        self.chains
            .add_ijump(f, "reject", Jump::Jump, "DROP", vec![Match::new("p", "2")])?;
        self.chains.add_ijump(
            f,
            "reject",
            Jump::Jump,
            "REJECT --reject-with tcp-reset",
            vec![Match::new("p", "6")],
        )?;
        if self.caps().has("ENHANCED_REJECT") {
            self.chains.add_ijump(
                f,
                "reject",
                Jump::Jump,
                "REJECT",
                vec![Match::new("p", "17")],
            )?;
            self.chains.add_ijump(
                f,
                "reject",
                Jump::Jump,
                "REJECT --reject-with icmp6-addr-unreachable",
                vec![Match::new("p", "58")],
            )?;
            self.chains.add_ijump(
                f,
                "reject",
                Jump::Jump,
                "REJECT --reject-with icmp6-adm-prohibited",
                vec![],
            )?;
        } else {
            self.chains
                .add_ijump(f, "reject", Jump::Jump, "REJECT", vec![])?;
        }

        Ok(())
    }

    /// `process_reject_action`: the `reject` chain is the REJECT_ACTION inline action,
    /// expanded as in a policy action; it must end with a terminating rule.
    fn process_reject_action(&mut self) -> Result<()> {
        let action = self.config.reject_action.clone();
        let save = self.section;
        self.section = super::lower::section::POLICYACTION;
        self.process_inline(
            &action,
            "reject",
            "",
            "",
            "",
            &action,
            "",
            &Columns::empty(),
            false,
        )?;
        self.section = save;
        let chain = self.chains.chain(TableId::Filter, "reject");
        if !(chain.complete && chain.optflags & RETURNS == 0) {
            return error(format!("The REJECT_ACTION ({action}) is not terminating"));
        }
        Ok(())
    }

    /// The `rpfilter` interface option: a mangle chain that applies RPFILTER_DISPOSITION
    /// (through `rplog` when it logs) to packets failing the reverse path test.
    fn setup_rpfilter(&mut self) -> Result<()> {
        let m = TableId::Mangle;
        let policy = self.config.rpfilter.disposition.clone();
        let (policy, audit) = match policy.strip_prefix("A_") {
            Some(basic) => (basic.to_owned(), true),
            None => (policy, false),
        };
        let level = self.config.rpfilter.level.clone();
        let tag = self.config.rpfilter.tag.clone();
        let final_target = if policy == "REJECT" {
            "reject"
        } else {
            policy.as_str()
        };
        let target = if level.is_empty() && !audit {
            final_target.to_owned()
        } else {
            self.chains.ensure_referenced_chain(m, "rplog");
            if !level.is_empty() {
                self.log_rule_limit(&level, m, "rplog", "rplog", &policy, None, &tag, true, "")?;
            }
            if audit {
                let audit = format!("AUDIT --type {}", policy.to_ascii_lowercase());
                self.chains
                    .add_ijump(m, "rplog", Jump::Jump, &audit, vec![])?;
            }
            self.chains
                .add_ijump(m, "rplog", Jump::Goto, final_target, vec![])?;
            "rplog".to_owned()
        };
        self.chains.ensure_referenced_chain(m, "rpfilter");
        let mut matches = vec![Match::new("rpfilter", "--validmark --invert")];
        matches.extend(state_imatch(self, "NEW,RELATED,INVALID"));
        if self.topo.have_ipsec {
            matches.push(Match::new("policy", "--pol none --dir in"));
        }
        self.chains
            .add_ijump(m, "rpfilter", Jump::Jump, &target, matches)?;
        Ok(())
    }

    /// `setup_syn_flood_chains`: the `@chain` of each policy with a rate or connection
    /// limit, returning within the limit and dropping (after logging) beyond it.
    fn setup_syn_flood_chains(&mut self) -> Result<()> {
        let f = TableId::Filter;
        let several = self.topo.non_firewall_zones().len() > 1;
        for id in self.policy_chains.clone() {
            let Some(chain) = self.chains.head_by_index(f, id) else {
                continue;
            };
            if chain.synparams.is_empty() || self.chains.exists(f, &format!("@{}", chain.synchain))
            {
                continue;
            }
            let (name, logname) = if several {
                (format!("@{}", chain.synchain), chain.synlog.clone())
            } else {
                (format!("@{}", chain.name), format!("@{}", chain.logname))
            };
            if self.chains.exists(f, &name) {
                continue;
            }
            self.chains.new_chain(f, &name, Some(&logname));
            self.chains
                .add_rule(f, &name, &format!("{}-j RETURN", chain.synparams), false)?;
            if !chain.loglevel.is_empty() {
                let limit = if self.config.log.limit_matches.is_empty() {
                    vec![Match::new("limit", "--limit 5/min --limit-burst 5")]
                } else {
                    Vec::new()
                };
                self.log_irule_limit(&chain.loglevel, f, &name, &logname, "DROP", "", limit)?;
            }
            self.chains
                .add_ijump(f, &name, Jump::Jump, "DROP", vec![])?;
        }
        Ok(())
    }

    /// `setup_zone_mss`: TCPMSS rules at the head of the rules chains to and from zones with
    /// an `mss=` option, and through a `~mssN` chain for host groups with one.
    pub(crate) fn setup_zone_mss(&mut self) -> Result<()> {
        let f = TableId::Filter;
        let zones = self.topo.all_zones();
        let tcpmss_match = self.caps().has("TCPMSS_MATCH");
        for zone in &zones {
            let z = self.topo.zone(zone).cloned().expect("known");
            for (column, mss) in z.mss.iter().enumerate() {
                if mss.is_empty() {
                    continue;
                }
                let matches = if tcpmss_match {
                    format!("-m tcpmss --mss {mss}: ")
                } else {
                    String::new()
                };
                let text =
                    format!("-p tcp --tcp-flags SYN,RST SYN {matches}-j TCPMSS --set-mss {mss}");
                for other in &zones {
                    let mut chains = Vec::new();
                    // OPTIONS: both directions (to the zone first); IN: from it; OUT: to it.
                    if column != 1 {
                        chains.push(self.rules_chain(other, zone));
                    }
                    if column != 2 {
                        chains.push(self.rules_chain(zone, other));
                    }
                    for chain in chains {
                        self.chains.ensure_chain(f, &chain);
                        if self.chains.chain(f, &chain).policy != "NONE" {
                            self.chains.insert_rule(f, &chain, 0, &text)?;
                        }
                    }
                }
            }
            let mut hosts = Vec::new();
            if z.kind != super::topology::ZoneKind::Firewall {
                for (_, by_interface) in z.hosts.iter() {
                    for (interface, groups) in by_interface.iter() {
                        for group in groups {
                            let Some(mss) = group.options.get("mss").filter(|it| truthy_value(it))
                            else {
                                continue;
                            };
                            for net in &group.hosts {
                                hosts.push((
                                    interface.clone(),
                                    group.clone(),
                                    net.clone(),
                                    mss.clone(),
                                ));
                            }
                        }
                    }
                }
            }
            for (interface, group, net, mss) in hosts {
                let mssmatch = if tcpmss_match {
                    vec![Match::new("tcpmss", format!("--mss {mss}:"))]
                } else {
                    Vec::new()
                };
                let chain = self.chains.next_seq_name(f, "~mss");
                self.chains.new_chain(f, &chain, None);
                let target = self.source_exclusion(&group.exclusions, &chain)?;
                self.chains.add_ijump(
                    f,
                    &chain,
                    Jump::Jump,
                    &format!("TCPMSS --set-mss {mss}"),
                    vec![Match::new("p", "tcp --tcp-flags SYN,RST SYN")],
                )?;
                let policy = |dir: &str| {
                    if self.topo.have_ipsec {
                        vec![Match::new(
                            "policy",
                            format!("--pol {} --dir {dir}", group.ipsec),
                        )]
                    } else {
                        Vec::new()
                    }
                };
                let (policy_in, policy_out) = (policy("in"), policy("out"));
                for other in &zones {
                    let mut m = self.source_dev(&interface);
                    m.extend(imatch_net(&net, Side::Source)?);
                    m.push(Match::new("p", "tcp --tcp-flags SYN,RST SYN"));
                    m.extend(mssmatch.clone());
                    m.extend(policy_in.clone());
                    let from = self.rules_chain(zone, other);
                    self.chains.ensure_chain(f, &from);
                    self.chains.add_ijump(f, &from, Jump::Jump, &target, m)?;
                    let mut m = self.dest_dev(&interface);
                    m.extend(imatch_net(&net, Side::Dest)?);
                    m.push(Match::new("p", "tcp --tcp-flags SYN,RST SYN"));
                    m.extend(mssmatch.clone());
                    m.extend(policy_out.clone());
                    let to = self.rules_chain(other, zone);
                    self.chains.ensure_chain(f, &to);
                    self.chains.add_ijump(f, &to, Jump::Jump, &target, m)?;
                }
            }
        }
        Ok(())
    }

    /// The `--pol TYPE --dir in` match of a host group's option rules where there is IPsec.
    pub(crate) fn host_policy_in(&self, ipsec: &str) -> Vec<Match> {
        if self.topo.have_ipsec && !ipsec.is_empty() {
            vec![Match::new("policy", format!("--pol {ipsec} --dir in"))]
        } else {
            Vec::new()
        }
    }

    /// `source_exclusion`: the target itself, or an `~exclN` chain returning for the
    /// excluded sources first.
    pub(crate) fn source_exclusion(
        &mut self,
        exclusions: &[String],
        target: &str,
    ) -> Result<String> {
        self.exclusion(exclusions, target, Side::Source)
    }

    /// `dest_exclusion`.
    pub(crate) fn dest_exclusion(&mut self, exclusions: &[String], target: &str) -> Result<String> {
        self.exclusion(exclusions, target, Side::Dest)
    }

    fn exclusion(&mut self, exclusions: &[String], target: &str, side: Side) -> Result<String> {
        self.exclusion_with_side(TableId::Filter, exclusions, target, side)
    }

    /// `source_exclusion` for a chain of any table.
    pub(crate) fn exclusion_in(
        &mut self,
        table: TableId,
        exclusions: &[String],
        target: &str,
    ) -> Result<String> {
        self.exclusion_with_side(table, exclusions, target, Side::Source)
    }

    fn exclusion_with_side(
        &mut self,
        f: TableId,
        exclusions: &[String],
        target: &str,
        side: Side,
    ) -> Result<String> {
        if exclusions.is_empty() {
            return Ok(target.to_owned());
        }
        let name = self.chains.next_seq_name(f, "~excl");
        self.chains.new_chain(f, &name, None).optflags |= DONT_MOVE;
        for excluded in exclusions {
            let m = imatch_net(excluded, side)?;
            self.chains.add_ijump(f, &name, Jump::Jump, "RETURN", m)?;
        }
        self.chains
            .add_ijump(f, &name, Jump::Goto, target, vec![])?;
        Ok(name)
    }

    /// `setup_mss`: CLAMPMSS and the `mss` interface option.
    fn setup_mss(&mut self) -> Result<()> {
        let clampmss = self.config.clampmss.clone();
        let (option, clamp_matches) = if clampmss.is_empty() {
            (String::new(), vec![])
        } else if clampmss.eq_ignore_ascii_case("yes") {
            ("--clamp-mss-to-pmtu".to_owned(), vec![])
        } else {
            let m = if self.caps().has("TCPMSS_MATCH") {
                vec![Match::new("tcpmss", format!("--mss {clampmss}:"))]
            } else {
                vec![]
            };
            (format!("--set-mss {clampmss}"), m)
        };
        let syn = || Match::new("p", "tcp --tcp-flags SYN,RST SYN");
        let interfaces = self.topo.interfaces_by_option("mss", false);
        let (table, chain) = if interfaces.is_empty() {
            (TableId::Mangle, "FORWARD")
        } else {
            // One chain for the several rules, entered by every forwarded SYN.
            let f = TableId::Filter;
            self.chains.new_chain(f, "settcpmss", None);
            self.chains
                .add_ijump(f, "FORWARD", Jump::Jump, "settcpmss", vec![syn()])?;
            for interface in &interfaces {
                let mss = self
                    .topo
                    .interface(interface)
                    .and_then(|it| it.options.get("mss").cloned())
                    .unwrap_or_default();
                let mssmatch: Vec<Match> = if self.caps().has("TCPMSS_MATCH") {
                    vec![Match::new("tcpmss", format!("--mss {mss}:"))]
                } else {
                    vec![]
                };
                let set = format!("TCPMSS --set-mss {mss}");
                for (dev, dir) in [
                    (self.dest_dev(interface), "out"),
                    (self.source_dev(interface), "in"),
                ] {
                    let mut m = dev.clone();
                    m.push(syn());
                    m.extend(mssmatch.clone());
                    if self.topo.have_ipsec {
                        m.push(Match::new("policy", format!("--pol none --dir {dir}")));
                    }
                    self.chains.add_ijump(f, "settcpmss", Jump::Jump, &set, m)?;
                    if !clampmss.is_empty() {
                        self.chains
                            .add_ijump(f, "settcpmss", Jump::Jump, "RETURN", dev)?;
                    }
                }
            }
            (f, "settcpmss")
        };
        if clampmss.is_empty() {
            return Ok(());
        }
        let mut all = vec![syn()];
        all.extend(clamp_matches);
        if self.topo.have_ipsec {
            all.push(Match::new("policy", "--pol none --dir out"));
        }
        self.chains
            .add_ijump(table, chain, Jump::Jump, &format!("TCPMSS {option}"), all)?;
        Ok(())
    }
}

/// A Perl-true option value (not empty, not `0`).
fn truthy_value(value: &str) -> bool {
    !value.is_empty() && value != "0"
}
