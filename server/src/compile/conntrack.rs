//! The conntrack file (`Raw.pm setup_conntrack`, `process_conntrack_rule`) in its `?FORMAT 3`
//! form: rules for the raw table's PREROUTING (`:P`, the default) and OUTPUT (`:O`) chains,
//! or both (`:OP`), that exempt traffic from connection tracking (NOTRACK, `CT:notrack`),
//! attach a helper (`CT:helper:NAME`), set conntrack events, log or drop.
//!
//! Formats 1 and 2 (zone-based `<zone>_ctrk` chains, dispatched by `generate_matrix`) and the
//! `IP6TABLES(...)` action are refused rather than approximated.

use crate::model::{self, ConfigRecord};

use super::chains::TableId;
use super::lists::{split_list, split_list1};
use super::lower::Compiler;
use super::matches as m;
use super::rules::restrict;
use super::{error, Result};

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

/// Which raw chains a rule goes to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RawChains {
    Prerouting,
    Output,
    Both,
}

impl Compiler<'_> {
    /// `setup_conntrack`: the records of the conntrack file.
    pub(crate) fn setup_conntrack(&mut self) -> Result<()> {
        let records = model::read_config_records(self.model, self.env, "conntrack");
        for record in &records {
            self.place = Some((record.path.clone(), record.line));
            self.process_conntrack_record(record)?;
        }
        self.place = None;
        Ok(())
    }

    fn process_conntrack_record(&mut self, record: &ConfigRecord) -> Result<()> {
        if record.format < 3 {
            return error(
                "Conntrack rules in FORMAT 1 or 2 (zone-based) are not supported by the preview yet",
            );
        }
        let column = |idx: usize| record.column(idx).to_owned();
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
        if column(7) != "-" {
            return error("The SWITCH column is not supported by the preview yet");
        }
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
                self.process_conntrack_rule(
                    "PREROUTING",
                    &action,
                    &column(1),
                    &column(2),
                    proto,
                    &column(4),
                    &column(5),
                    &column(6),
                    &raw,
                )?;
            }
            if matches!(chains, RawChains::Output | RawChains::Both) {
                self.process_conntrack_rule(
                    "OUTPUT",
                    &action,
                    &column(1),
                    &column(2),
                    proto,
                    &column(4),
                    &column(5),
                    &column(6),
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
        action: &str,
        source: &str,
        dest: &str,
        proto: &str,
        ports: &str,
        sports: &str,
        user: &str,
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
        let restriction = if chain == "OUTPUT" {
            restrict::OUTPUT
        } else {
            restrict::NONE
        };
        if chain == "PREROUTING" && self.names_an_interface(dest) {
            return error(
                "A DEST interface in the PREROUTING chain (a run-time loop over its networks) is not supported by the preview yet",
            );
        }
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
        } else if action.starts_with("IP6TABLES(") || action.starts_with("IPTABLES(") {
            return error("IP6TABLES() in the conntrack file is not supported by the preview yet");
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
    fn names_an_interface(&self, hosts: &str) -> bool {
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
                return error(format!(
                    "Helper {name} (a numbered helper) is not supported by the preview yet"
                ));
            }
            return error(format!("Unrecognized helper ({base})"));
        };
        let family = capability
            .to_lowercase()
            .replace("_helper", "")
            .replacen('_', "-", 1);
        if !self.helper_enabled(&family)? {
            return error(format!("The {family} helper is not enabled"));
        }
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
