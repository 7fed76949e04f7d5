//! The conntrack file (`Raw.pm setup_conntrack`, `process_conntrack_rule`) in its `?FORMAT 3`
//! form: rules for the raw table's PREROUTING (`:P`, the default) and OUTPUT (`:O`) chains,
//! or both (`:OP`), that exempt traffic from connection tracking (NOTRACK, `CT:notrack`),
//! attach a helper (`CT:helper:NAME`), set conntrack events, log or drop.
//!
//! Formats 1 and 2 put the rules in the source zone's `<zone>_ctrk` chain; the
//! `IP6TABLES(...)` action is refused rather than approximated.
//! The zone chains also hold the CT rules of rules-file entries with a HELPER
//! (`handle_helper_rule`); `generate_matrix` jumps to them (`add_notrack_jumps`).

use crate::model::{self, ConfigRecord};

use super::chains::TableId;
use super::lists::{split_list, split_list1};
use super::lower::Compiler;
use super::matches as m;
use super::rules::restrict;
use super::{error, unsupported, Result};

/// Helpers Shorewall knows (`%helpers`): name, protocol number, capability.
const HELPERS: [(&str, u8, &str); 11] = [
    ("amanda", 17, "AMANDA_HELPER"),
    ("ftp", 6, "FTP_HELPER"),
    ("irc", 6, "IRC_HELPER"),
    ("netbios-ns", 17, "NETBIOS_NS_HELPER"),
    ("pptp", 6, "PPTP_HELPER"),
    ("Q.931", 6, "H323_HELPER"),
    ("RAS", 17, "H323_HELPER"),
    ("sane", 6, "SANE_HELPER"),
    ("sip", 17, "SIP_HELPER"),
    ("snmp", 17, "SNMP_HELPER"),
    ("tftp", 17, "TFTP_HELPER"),
];

/// The helper families `HELPERS` may enable (`%helpers_enabled`, without the `-0` ones).
const HELPER_FAMILIES: [&str; 10] = [
    "amanda",
    "ftp",
    "h323",
    "irc",
    "netbios-ns",
    "pptp",
    "sane",
    "sip",
    "snmp",
    "tftp",
];

/// Valid `ctevents` events.
const CT_EVENTS: [&str; 10] = [
    "new",
    "related",
    "destroy",
    "reply",
    "assured",
    "protoinfo",
    "helper",
    "mark",
    "natseqinfo",
    "secmark",
];

/// A FORMAT 1 or 2 SOURCE of the form `all[-][:hosts]`: whether it means the zones other
/// than the firewall (`all-`), and the `:hosts` part.
fn all_zones_source(source: &str) -> Option<(bool, &str)> {
    let rest = source.strip_prefix("all")?;
    let (off_firewall, rest) = match rest.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    if rest.is_empty() {
        return Some((off_firewall, rest));
    }
    (rest.starts_with(':') && rest.len() > 1).then_some((off_firewall, rest))
}

/// The built-in targets allowed in the raw table (`RAW_TABLE` in `%builtin_target`).
const RAW_TARGETS: [&str; 20] = [
    "ACCEPT",
    "AUDIT",
    "CLUSTERIP",
    "CT",
    "DROP",
    "LOG",
    "NFLOG",
    "NFQUEUE",
    "NOTRACK",
    "RAWDNAT",
    "RAWSNAT",
    "RETURN",
    "SET",
    "STEAL",
    "SYSRQ",
    "TARPIT",
    "TCPMSS",
    "TEE",
    "TRACE",
    "ULOG",
];

/// `IP6TABLES(target options)[:level]` (or `IPTABLES(...)`): whether it is IP6TABLES, what
/// is in the parentheses and the level. `None` when the ACTION has another form.
fn iptables_action(action: &str) -> Option<(bool, &str, Option<&str>)> {
    let (ip6, rest) = match action.strip_prefix("IP6TABLES(") {
        Some(rest) => (true, rest),
        None => (false, action.strip_prefix("IPTABLES(")?),
    };
    // Shorewall's greedy match: the parentheses end at the last `)`, or else at the last `):`.
    let (inner, level) = match rest.strip_suffix(')') {
        Some(inner) if !inner.is_empty() => (inner, None),
        _ => {
            let at = rest.rfind("):")?;
            (&rest[..at], Some(&rest[at + 2..]))
        }
    };
    (!inner.is_empty()).then_some((ip6, inner, level))
}

/// Which raw chains a rule goes to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RawChains {
    Prerouting,
    Output,
    Both,
}

impl Compiler<'_> {
    /// An action declared with the `builtin` option (a target of `%builtin_target`).
    fn user_builtin(&self, name: &str) -> bool {
        self.model
            .catalog
            .actions
            .iter()
            .any(|it| it.name == name && it.options.iter().any(|o| o == "builtin"))
    }

    /// A `builtin` action that may be used in the raw table (its `raw` option).
    fn user_builtin_in_raw(&self, name: &str) -> bool {
        self.model.catalog.actions.iter().any(|it| {
            it.name == name
                && it.options.iter().any(|o| o == "builtin")
                && it.options.iter().any(|o| o == "raw")
        })
    }

    /// `setup_conntrack`: the records of the conntrack file.
    pub(crate) fn setup_conntrack(&mut self) -> Result<()> {
        let records = model::read_config_records(self.model, self.env, "conntrack");
        for record in &records {
            self.enter_record(record)?;
            self.process_conntrack_record(record)?;
        }
        self.place = None;
        self.chains.comment.clear();
        Ok(())
    }

    fn process_conntrack_record(&mut self, record: &ConfigRecord) -> Result<()> {
        let column = |idx: usize| record.column(idx).to_owned();
        if record.format < 3 {
            // FORMAT 1 has no ACTION column (NOTRACK); both go to the zones' `_ctrk` chains.
            let (action, base) = if record.format == 1 {
                ("NOTRACK".to_owned(), 0)
            } else {
                (column(0), 1)
            };
            let source = column(base);
            let dest = column(base + 1);
            let user = column(base + 5);
            let switch = column(base + 6);
            let raw = record.raw_matches.clone().unwrap_or_default();
            for proto in split_list(&column(base + 2), "Protocol")? {
                let sources = match all_zones_source(&source) {
                    Some((off_firewall, rest)) => {
                        if user != "-" {
                            return error("USER/GROUP is not allowed unless the SOURCE zone is $FW or a Vserver zone");
                        }
                        let zones = if off_firewall {
                            self.topo.off_firewall_zones()
                        } else {
                            self.topo.all_zones()
                        };
                        zones
                            .into_iter()
                            .map(|zone| format!("{zone}{rest}"))
                            .collect()
                    }
                    None => vec![source.clone()],
                };
                for source in sources {
                    let (zone, hosts) = match source.split_once(':') {
                        Some((zone, hosts)) => (zone.to_owned(), hosts.to_owned()),
                        None => (source.clone(), "-".to_owned()),
                    };
                    let Some(kind) = self.topo.zone(&zone).map(|it| it.kind) else {
                        return error(format!("Unknown zone ({zone})"));
                    };
                    let chain = format!("{zone}_ctrk");
                    self.chains.ensure_referenced_chain(TableId::Raw, &chain);
                    let restriction = if matches!(
                        kind,
                        super::topology::ZoneKind::Firewall | super::topology::ZoneKind::Vserver
                    ) {
                        restrict::OUTPUT
                    } else {
                        restrict::PREROUTE
                    };
                    if user != "-" && restriction != restrict::OUTPUT {
                        return error("USER/GROUP is not allowed unless the SOURCE zone is $FW or a Vserver zone");
                    }
                    self.process_conntrack_rule(
                        &chain,
                        restriction,
                        &action,
                        &hosts,
                        &dest,
                        proto,
                        &column(base + 3),
                        &column(base + 4),
                        &user,
                        &switch,
                        &raw,
                    )?;
                }
            }
            return Ok(());
        }
        let action = column(0);
        if action == "-" {
            return error("ACTION must be specified");
        }
        let (action, chains) = if let Some(rest) = action.strip_suffix(":O") {
            (rest.to_owned(), RawChains::Output)
        } else if let Some(rest) = action
            .strip_suffix(":OP")
            .or_else(|| action.strip_suffix(":PO"))
        {
            (rest.to_owned(), RawChains::Both)
        } else {
            (
                action.strip_suffix(":P").unwrap_or(&action).to_owned(),
                RawChains::Prerouting,
            )
        };
        let switch = column(7);
        let raw = record.raw_matches.clone().unwrap_or_default();
        for (index, proto) in split_list(&column(3), "Protocol")?.into_iter().enumerate() {
            // Shorewall strips the suffix from ACTION itself (`$action =~ s/:O$//`) while it
            // goes through the PROTO list: protocols after the first go to PREROUTING.
            let chains = if index == 0 {
                chains
            } else {
                RawChains::Prerouting
            };
            if matches!(chains, RawChains::Prerouting | RawChains::Both) {
                if self.names_an_interface(&column(2)) {
                    return unsupported(
                        "A DEST interface in the PREROUTING chain (a run-time loop over its networks) is not supported by the preview yet",
                    );
                }
                self.process_conntrack_rule(
                    "PREROUTING",
                    restrict::NONE,
                    &action,
                    &column(1),
                    &column(2),
                    proto,
                    &column(4),
                    &column(5),
                    &column(6),
                    &switch,
                    &raw,
                )?;
            }
            if matches!(chains, RawChains::Output | RawChains::Both) {
                self.process_conntrack_rule(
                    "OUTPUT",
                    restrict::OUTPUT,
                    &action,
                    &column(1),
                    &column(2),
                    proto,
                    &column(4),
                    &column(5),
                    &column(6),
                    &switch,
                    &raw,
                )?;
            }
        }
        Ok(())
    }

    /// `process_conntrack_rule` for a rule of the raw table's `chain`.
    #[allow(clippy::too_many_arguments)]
    fn process_conntrack_rule(
        &mut self,
        chain: &str,
        restriction: u32,
        action: &str,
        source: &str,
        dest: &str,
        proto: &str,
        ports: &str,
        sports: &str,
        user: &str,
        switch: &str,
        raw_matches: &str,
    ) -> Result<()> {
        if !self.caps().has("RAW_TABLE") {
            return error("conntrack rules require Raw Table in your kernel and iptables");
        }
        let mut proto = if proto == "any" { "" } else { proto }.to_owned();
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
        // Shorewall's test for a leading `+` (`/^s*+/`) matches every text: all `;;`
        // matches go before the source and destination.
        let prerule = if raw_matches.is_empty() {
            String::new()
        } else {
            format!("{raw_matches} ")
        };
        let mut action = action.to_owned();
        if action.starts_with("NFLOG") || action.starts_with("ULOG") {
            action = format!("LOG:{action}");
        }
        let mut disposition = action.clone();
        let mut level = String::new();
        let mut exception_rule = String::new();
        if action == "NOTRACK" {
            if self.caps().has("CT_TARGET") {
                action = "CT --notrack".into();
                disposition = "notrack".into();
            }
        } else if action == "DROP"
            || action == "LOG"
            || action.starts_with("DROP:")
            || action.starts_with("LOG:")
        {
            if let Some((target, rest)) = action.split_once(':') {
                if !rest.is_empty() {
                    level = super::log::validate_level(rest)?;
                    let target = target.to_owned();
                    action = target.clone();
                    disposition = target;
                }
            }
        } else if let Some((ip6, inner, lvl)) = iptables_action(&action) {
            if !ip6 {
                return error("Invalid conntrack ACTION (IPTABLES)");
            }
            let tgt = inner.split_whitespace().next().unwrap_or_default();
            if !super::chains::is_builtin_target(tgt) && !self.user_builtin(tgt) {
                return error(format!("Unknown target ({tgt})"));
            }
            if !RAW_TARGETS.contains(&tgt) && !self.user_builtin_in_raw(tgt) {
                return error(format!("The {tgt} TARGET is not allowed in the raw table"));
            }
            disposition = tgt.to_owned();
            if let Some(lvl) = lvl.filter(|it| !it.is_empty()) {
                level = super::log::validate_level(lvl)?;
            }
            action = inner.to_owned();
        } else {
            let mut parts = action.splitn(4, ':');
            let first = parts.next().unwrap_or("").to_owned();
            let option = parts.next().unwrap_or("").to_owned();
            let args = parts.next().unwrap_or("").to_owned();
            let lvl = parts.next().unwrap_or("").to_owned();
            if first != "CT" {
                return error(format!("Invalid conntrack ACTION ( {action} )"));
            }
            disposition = first;
            if !lvl.is_empty() {
                level = super::log::validate_level(&lvl)?;
            }
            if !self.caps().has("CT_TARGET") {
                return error("CT entries in the conntrack file require CT Target in your kernel and iptables");
            }
            if proto != "-" {
                if let Some(bare) = proto.strip_suffix(":all") {
                    if m::resolve_proto(self.names(), bare) != Some(6) {
                        return error("\":all\" may only be used with TCP");
                    }
                    proto = bare.to_owned();
                } else if !proto.contains(":syn")
                    && m::resolve_proto(self.names(), &proto) == Some(6)
                {
                    proto = "6:syn".into();
                }
            }
            match option.as_str() {
                "notrack" => {
                    if !args.is_empty() {
                        return error(format!("Invalid conntrack ACTION ( {action} )"));
                    }
                    action = "CT --notrack".into();
                    disposition = "notrack".into();
                }
                "helper" => {
                    if args.is_empty() {
                        return error("Invalid or missing CT option and arguments");
                    }
                    disposition = "helper".into();
                    let (name, modifiers) = match args.split_once('(') {
                        Some((name, rest)) if rest.ends_with(')') => {
                            (name.to_owned(), rest.trim_end_matches(')').to_owned())
                        }
                        _ => (args.clone(), String::new()),
                    };
                    if name.contains(',') {
                        return error(format!("Invalid helper' ({name})"));
                    }
                    self.validate_helper(&name, &proto)?;
                    action = format!("CT --helper {name}");
                    exception_rule = m::do_proto(self.names(), self.caps(), &proto, "-", "-")?;
                    let modifiers = if modifiers.is_empty() {
                        Vec::new()
                    } else {
                        split_list1(&modifiers, "ctevents")?
                    };
                    for modifier in modifiers {
                        let Some((key, value)) = modifier.split_once('=') else {
                            return error(format!("Invalid helper option ({modifier})"));
                        };
                        match key {
                            "ctevents" => {
                                for event in split_list(value, "ctevents")? {
                                    if !CT_EVENTS.contains(&event) {
                                        return error(format!(
                                            "Invalid 'ctevents' event ({event})"
                                        ));
                                    }
                                }
                                action.push_str(&format!(" --ctevents {value}"));
                            }
                            "expevents" => {
                                if value != "new" {
                                    return error(format!("Invalid expevent argument ({value})"));
                                }
                                action.push_str(" --expevents new");
                            }
                            _ => return error(format!("Invalid helper option ({key})")),
                        }
                    }
                }
                "ctevents" => {
                    if args.is_empty() {
                        return error("Invalid or missing CT option and arguments");
                    }
                    disposition = "helper".into();
                    for event in split_list(&args, "ctevents")? {
                        if !CT_EVENTS.contains(&event) {
                            return error(format!("Invalid 'ctevents' event ({event})"));
                        }
                    }
                    action = format!("CT --ctevents {args}");
                }
                "expevents" => {
                    if args != "new" {
                        return error(format!("Invalid expevent argument ({args})"));
                    }
                    action = "CT --expevents new".into();
                }
                "" => return error("Invalid or missing CT option and arguments"),
                _ => return error(format!("Invalid CT option ({option})")),
            }
        }
        let mut rule = m::do_proto(self.names(), self.caps(), &proto, ports, sports)?;
        rule.push_str(&m::do_user(self.caps(), user)?);
        rule.push_str(&m::do_condition(self.caps(), switch, chain)?);
        self.expand_rule(
            TableId::Raw,
            chain,
            restriction,
            &prerule,
            &rule,
            source,
            dest,
            "-",
            &action,
            &level,
            &disposition,
            &exception_rule,
            false,
            "",
        )
    }

    /// Whether a SOURCE/DEST host list starts with an interface name.
    pub(crate) fn names_an_interface(&self, hosts: &str) -> bool {
        let first = hosts.trim_start_matches('!');
        let first = first.split(':').next().unwrap_or("");
        !first.is_empty() && self.topo.known_interface(first).is_some()
    }

    /// `validate_helper`: a known helper, enabled, available, with its protocol.
    fn validate_helper(&self, name: &str, proto: &str) -> Result<()> {
        let Some((_, helper_proto, capability)) =
            HELPERS.iter().find(|(helper, _, _)| *helper == name)
        else {
            let base = name
                .rsplit_once('-')
                .filter(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                .map_or(name, |(base, _)| base);
            if HELPERS.iter().any(|(helper, _, _)| *helper == base) {
                // `%helpers_map` has no numbered names, so the helper's family is empty.
                return error("The  helper is not enabled");
            }
            return error(format!("Unrecognized helper ({base})"));
        };
        self.require_helper_enabled(capability)?;
        if !self.caps().has(capability) {
            return error(format!(
                "Helper {name} requires {capability} in your kernel and iptables"
            ));
        }
        let number = if proto == "-" {
            None
        } else {
            let bare = proto.split(':').next().unwrap_or(proto);
            match m::resolve_proto(self.names(), bare) {
                Some(number) => Some(number),
                None => return error(format!("Unknown PROTO ({proto})")),
            }
        };
        if number != Some(*helper_proto) {
            let wanted = if *helper_proto == 6 { "tcp" } else { "udp" };
            return error(format!("The {name} helper requires PROTO={wanted}"));
        }
        Ok(())
    }

    /// `%helpers_enabled` after `HELPERS`: every helper whose capability is there when the
    /// setting is empty, none with `none`, else the ones listed.
    /// Shorewall's check that the helper of `capability` (`FTP_HELPER`: `ftp`) is enabled.
    fn require_helper_enabled(&self, capability: &str) -> Result<()> {
        let family = capability
            .to_lowercase()
            .replace("_helper", "")
            .replacen('_', "-", 1);
        if !self.helper_enabled(&family)? {
            return error(format!("The {family} helper is not enabled"));
        }
        Ok(())
    }

    fn helper_enabled(&self, family: &str) -> Result<bool> {
        let setting = self
            .model
            .settings
            .supplied("HELPERS")
            .unwrap_or_default()
            .to_owned();
        if setting.is_empty() {
            let capability = format!("{}_HELPER", family.to_uppercase().replace('-', "_"));
            return Ok(self.caps().has(&capability));
        }
        if setting == "none" {
            return Ok(false);
        }
        let listed = split_list(&setting, "helper")?;
        for helper in &listed {
            if !HELPER_FAMILIES.contains(helper) {
                return error(format!("Unknown Helper ({helper})"));
            }
        }
        Ok(listed.contains(&family))
    }
}

/// What `handle_helper_rule` needs of a rules-file rule.
pub(crate) struct HelperRule<'a> {
    /// The HELPER column (`-` when the rule invokes an action that attaches helpers).
    pub helper: &'a str,
    pub source: &'a str,
    pub dest: &'a str,
    pub proto: &'a str,
    pub ports: &'a str,
    pub sports: &'a str,
    pub user: &'a str,
    /// The rule's source zone.
    pub sourcezone: &'a str,
    /// The invoked action's chain, when the rule invokes an action.
    pub action_target: &'a str,
    /// The action chain the rule is in, when it is in an action's body.
    pub action_chain: &'a str,
    /// The filter rule's matches so far (the jump to an action's raw chain uses them).
    pub rule: &'a str,
    /// The rule's `;;` matches.
    pub raw_matches: &'a str,
}

impl Compiler<'_> {
    /// `handle_helper_rule`: an ACCEPT, DNAT or HELPER rule with a HELPER column adds a
    /// `CT --helper` rule to the raw chain of its source zone (`<zone>_ctrk`) or of the action
    /// it is in; a rule invoking an action whose body does so jumps to the action's raw chain.
    pub(crate) fn handle_helper_rule(&mut self, h: &HelperRule<'_>) -> Result<()> {
        let raw = TableId::Raw;
        let zone_chain = |this: &mut Self| -> (String, u32) {
            let on_fw = this.topo.zone(h.sourcezone).is_some_and(|it| {
                matches!(
                    it.kind,
                    super::topology::ZoneKind::Firewall | super::topology::ZoneKind::Vserver
                )
            });
            let restriction = if on_fw {
                restrict::OUTPUT
            } else {
                restrict::PREROUTE
            };
            (format!("{}_ctrk", h.sourcezone), restriction)
        };
        if h.helper != "-" {
            if !h.action_target.is_empty() {
                return error("A HELPER is not allowed with this ACTION");
            }
            if !self.caps().has("RAW_TABLE") {
                return error("conntrack rules require Raw Table in your kernel and iptables");
            }
            let (chain, restriction) = if h.action_chain.is_empty() {
                let (chain, restriction) = zone_chain(self);
                if h.user != "-" && restriction != restrict::OUTPUT {
                    return error(
                        "USER/GROUP is not allowed unless the SOURCE zone is $FW or a Vserver zone",
                    );
                }
                (chain, restriction)
            } else {
                (h.action_chain.to_owned(), restrict::PREROUTE)
            };
            self.chains.ensure_referenced_chain(raw, &chain);
            return self.process_conntrack_rule(
                &chain,
                restriction,
                &format!("CT:helper:{}", h.helper),
                h.source,
                h.dest,
                h.proto,
                h.ports,
                h.sports,
                h.user,
                "-",
                h.raw_matches.trim_end(),
            );
        }
        let (chain, restriction) = if h.action_chain.is_empty() {
            zone_chain(self)
        } else {
            (h.action_chain.to_owned(), restrict::PREROUTE)
        };
        self.chains.ensure_referenced_chain(raw, &chain);
        self.expand_rule(
            raw,
            &chain,
            restriction,
            "",
            h.rule,
            h.source,
            h.dest,
            "",
            h.action_target,
            "",
            "CT",
            "",
            false,
            "",
        )
    }

    /// `do_helper`: the `-m helper` match of a rule with a HELPER column outside the NEW
    /// section.
    pub(crate) fn do_helper(&self, helper: &str) -> Result<String> {
        if helper == "-" {
            return Ok(String::new());
        }
        // `validate_helper` without a protocol: the name without a `-N` suffix must be known
        // and enabled.
        let base = helper
            .rsplit_once('-')
            .filter(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .map_or(helper, |(base, _)| base);
        let Some((_, _, capability)) = HELPERS.iter().find(|(name, _, _)| *name == base) else {
            return error(format!("Unrecognized helper ({base})"));
        };
        self.require_helper_enabled(capability)?;
        Ok(format!("-m helper --helper {helper} "))
    }

    /// `add_prerouting_jumps` for the raw table: a jump from raw PREROUTING (at its insertion
    /// point) to the zone's `<zone>_ctrk` chain when it has rules, and a RETURN for a sub-zone
    /// of a zone that has them unless the sub-zone has a CONTINUE policy.
    pub(crate) fn add_notrack_jumps(
        &mut self,
        zone: &str,
        interface: &str,
        group: &super::topology::HostGroup,
        net: &str,
    ) -> Result<()> {
        let raw = TableId::Raw;
        let chain = format!("{zone}_ctrk");
        self.chains.ensure_chain(raw, &chain);
        let mut matches = self.source_dev(interface);
        matches.extend(super::addresses::imatch_net(
            net,
            super::addresses::Side::Source,
        )?);
        matches.extend(self.match_ipsec_in(zone, group));
        if self.chains.get(raw, &chain).is_some_and(|it| it.referenced) {
            let target = self.exclusion_in(raw, &group.exclusions, &chain)?;
            let at = self.chains.chain(raw, "PREROUTING").insert;
            self.chains.insert_ijump(
                raw,
                "PREROUTING",
                super::ir::Jump::Jump,
                &target,
                at,
                matches.clone(),
            );
            if let Some(it) = self.chains.get_mut(raw, "PREROUTING") {
                it.insert += 1;
            }
        }
        let Some(z) = self.topo.zone(zone) else {
            return Ok(());
        };
        let parent_has_notrack = z.parents.iter().any(|parent| {
            self.chains
                .get(raw, &format!("{parent}_ctrk"))
                .is_some_and(|it| it.referenced)
        });
        if !parent_has_notrack {
            return Ok(());
        }
        let continues = self.topo.all_zones().iter().any(|zone1| {
            let name = self.rules_chain(zone, zone1);
            self.chains
                .get(TableId::Filter, &name)
                .is_some_and(|it| it.policy == "CONTINUE")
        });
        if !continues {
            let at = self.chains.chain(raw, "PREROUTING").insert;
            self.chains.insert_ijump(
                raw,
                "PREROUTING",
                super::ir::Jump::Jump,
                "RETURN",
                at,
                matches,
            );
            if let Some(it) = self.chains.get_mut(raw, "PREROUTING") {
                it.insert += 1;
            }
        }
        Ok(())
    }
}
