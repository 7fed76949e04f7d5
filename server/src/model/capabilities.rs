//! The kernel and iptables features Shorewall assumes: a `capabilities` file in the
//! configuration directory wins (as with `shorewall6 compile -e`), otherwise the built-in set,
//! which is what Shorewall 5.2.8 probes on Debian 12 (kernel 6.1, iptables 1.8.9).

use std::{
    collections::HashMap,
    sync::{Arc, OnceLock},
};

/// The built-in IPv6 capabilities (probed on Debian 12; see server/data/README.md).
const DEFAULT_IPV6: &str = include_str!("../../data/capabilities/capabilities6");
/// The built-in IPv4 capabilities.
const DEFAULT_IPV4: &str = include_str!("../../data/capabilities/capabilities4");

/// A set of capabilities: `NAME=Yes` is present, `NAME=` absent, `*VERSION` numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// Shared: a model and every file the compiler reads hold a copy.
    values: Arc<HashMap<String, String>>,
}

impl Capabilities {
    /// Parses a capabilities file (`NAME=value` lines, `#` comments).
    pub fn parse(text: &str) -> Capabilities {
        let mut values = HashMap::new();
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if let Some((name, value)) = line.split_once('=') {
                let value = value.trim().trim_matches('"');
                values.insert(name.trim().to_owned(), value.to_owned());
            }
        }
        Capabilities {
            values: Arc::new(values),
        }
    }

    /// The built-in set, parsed once: every model build and every file the compiler reads
    /// starts from it.
    pub fn default_for(family: shorewall_syntax::Family) -> Capabilities {
        static IPV6: OnceLock<Capabilities> = OnceLock::new();
        static IPV4: OnceLock<Capabilities> = OnceLock::new();
        match family {
            shorewall_syntax::Family::Ipv6 => {
                IPV6.get_or_init(|| Capabilities::parse(DEFAULT_IPV6))
            }
            shorewall_syntax::Family::Ipv4 => {
                IPV4.get_or_init(|| Capabilities::parse(DEFAULT_IPV4))
            }
        }
        .clone()
    }

    /// Whether the capability is present (a non-empty value).
    pub fn has(&self, name: &str) -> bool {
        self.values.get(name).is_some_and(|it| !it.is_empty())
    }

    /// The raw value (`Yes`, a number, or empty).
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// Whether the name is a capability at all (known to the file).
    pub fn is_known(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// Shorewall's `require_capability`: `Err` with its message when the capability is absent.
    /// `singular` is `"s"` for "requires", `""` for "require".
    pub fn require(&self, name: &str, what: &str, singular: &str) -> Result<(), String> {
        if self.has(name) {
            return Ok(());
        }
        Err(format!(
            "{what} require{singular} {} in your kernel and iptables",
            description(name)
        ))
    }
}

/// How Shorewall names a capability in its messages (`%capdesc`).
pub(crate) fn description(name: &str) -> &str {
    CAPDESC
        .iter()
        .find(|(it, _)| *it == name)
        .map_or(name, |(_, text)| text)
}

const CAPDESC: &[(&str, &str)] = &[
    ("NAT_ENABLED", "NAT"),
    ("MANGLE_ENABLED", "Packet Mangling"),
    ("MULTIPORT", "Multi-port Match"),
    ("XMULTIPORT", "Extended Multi-port Match"),
    ("EMULTIPORT", "Enhanced Multi-port Match"),
    ("CONNTRACK_MATCH", "Connection Tracking Match"),
    ("OLD_CONNTRACK_MATCH", "Old conntrack match syntax"),
    ("NEW_CONNTRACK_MATCH", "Extended Connection Tracking Match"),
    ("POLICY_MATCH", "Policy Match"),
    ("PHYSDEV_MATCH", "Physdev Match"),
    ("PHYSDEV_BRIDGE", "Physdev-is-bridged support"),
    ("LENGTH_MATCH", "Packet length Match"),
    ("IPRANGE_MATCH", "IP Range Match"),
    ("RECENT_MATCH", "Recent Match"),
    ("REAP_OPTION", "Recent Match \"--reap\" option"),
    ("OWNER_MATCH", "Owner Match"),
    ("OWNER_NAME_MATCH", "Owner Name Match"),
    ("IPSET_MATCH", "Ipset Match"),
    ("OLD_IPSET_MATCH", "Old Ipset Match"),
    ("IPSET_MATCH_NOMATCH", "Ipset Match nomatch"),
    ("IPSET_MATCH_COUNTERS", "Ipset Match counters"),
    ("IPSET_V5", "Version 5 or later ipset"),
    ("CONNMARK", "CONNMARK Target"),
    ("XCONNMARK", "Extended CONNMARK Target"),
    ("CONNMARK_MATCH", "Connmark Match"),
    ("XCONNMARK_MATCH", "Extended Connmark Match"),
    ("RAW_TABLE", "Raw Table"),
    ("IPP2P_MATCH", "IPP2P Match"),
    ("OLD_IPP2P_MATCH", "Old IPP2P Match Syntax"),
    ("CLASSIFY_TARGET", "CLASSIFY Target"),
    ("ENHANCED_REJECT", "Extended Reject"),
    ("KLUDGEFREE", "Repeat match"),
    ("MARK", "MARK Target"),
    ("XMARK", "Extended Mark Target"),
    ("EXMARK", "Extended Mark Target 2"),
    ("MANGLE_FORWARD", "Mangle FORWARD Chain"),
    ("COMMENTS", "Comments"),
    ("ADDRTYPE", "Address Type Match"),
    ("TCPMSS_MATCH", "TCPMSS Match"),
    ("HASHLIMIT_MATCH", "Hashlimit Match"),
    ("NFQUEUE_TARGET", "NFQUEUE Target"),
    ("REALM_MATCH", "Realm Match"),
    ("HELPER_MATCH", "Helper Match"),
    ("CONNLIMIT_MATCH", "Connlimit Match"),
    ("TIME_MATCH", "Time Match"),
    ("GOTO_TARGET", "Goto Support"),
    ("LOG_TARGET", "LOG Target"),
    ("ULOG_TARGET", "ULOG Target"),
    ("NFLOG_TARGET", "NFLOG Target"),
    ("LOGMARK_TARGET", "LOGMARK Target"),
    ("IPMARK_TARGET", "IPMARK Target"),
    ("PERSISTENT_SNAT", "Persistent SNAT"),
    ("OLD_HL_MATCH", "Old Hash Limit Match"),
    ("TPROXY_TARGET", "TPROXY Target"),
    ("FLOW_FILTER", "Flow Classifier"),
    ("FWMARK_RT_MASK", "fwmark route mask"),
    ("MARK_ANYWHERE", "Mark in the filter and nat tables"),
    ("HEADER_MATCH", "Header Match"),
    ("ACCOUNT_TARGET", "ACCOUNT Target"),
    ("AUDIT_TARGET", "AUDIT Target"),
    ("CONDITION_MATCH", "Condition Match"),
    ("IPTABLES_S", "iptables -S"),
    ("BASIC_FILTER", "Basic Filter"),
    ("BASIC_EMATCH", "Basic Filter ematch"),
    ("CT_TARGET", "CT Target"),
    ("STATISTIC_MATCH", "Statistics Match"),
    ("IMQ_TARGET", "IMQ Target"),
    ("DSCP_MATCH", "DSCP Match"),
    ("DSCP_TARGET", "DSCP Target"),
    ("GEOIP_MATCH", "GeoIP Match"),
    ("RPFILTER_MATCH", "RPFilter Match"),
    ("NFACCT_MATCH", "NFAcct Match"),
    ("CHECKSUM_TARGET", "Checksum Target"),
    ("ARPTABLESJF", "Arptables JF"),
    ("MASQUERADE_TGT", "MASQUERADE Target"),
    ("UDPLITEREDIRECT", "UDPLITE Port Redirection"),
    ("NEW_TOS_MATCH", "New tos Match"),
    ("TARPIT_TARGET", "TARPIT Target"),
    ("IFACE_MATCH", "Iface Match"),
    ("TCPMSS_TARGET", "TCPMSS Target"),
    ("WAIT_OPTION", "iptables --wait option"),
    ("CPU_FANOUT", "NFQUEUE CPU Fanout"),
    ("NETMAP_TARGET", "NETMAP Target"),
    ("NFLOG_SIZE", "--nflog-size support"),
    ("RESTORE_WAIT_OPTION", "iptables-restore --wait option"),
    ("NAT_INPUT_CHAIN", "INPUT chain in NAT table"),
    ("CONNMARK_ACTION", "TC connmark support"),
    ("AMANDA_HELPER", "Amanda Helper"),
    ("FTP_HELPER", "FTP Helper"),
    ("FTP0_HELPER", "FTP-0 Helper"),
    ("H323_HELPER", "H323 Helpers"),
    ("IRC_HELPER", "IRC Helper"),
    ("IRC0_HELPER", "IRC-0 Helper"),
    ("NETBIOS_NS_HELPER", "Netbios-ns Helper"),
    ("PPTP_HELPER", "PPTP Helper"),
    ("SANE_HELPER", "SANE Helper"),
    ("SANE0_HELPER", "SANE-0 Helper"),
    ("SIP_HELPER", "SIP Helper"),
    ("SIP0_HELPER", "SIP-0 Helper"),
    ("SNMP_HELPER", "SNMP Helper"),
    ("TFTP_HELPER", "TFTP Helper"),
    ("TFTP0_HELPER", "TFTP-0 Helper"),
    ("LOG_OPTIONS", "Log Options"),
    ("CAPVERSION", "Capability Version"),
    ("KERNELVERSION", "Kernel Version"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let caps = Capabilities::default_for(shorewall_syntax::Family::Ipv6);
        assert!(caps.has("COMMENTS"));
        assert!(!caps.has("IPSET_MATCH"));
        assert!(caps.is_known("IPSET_MATCH"));
        assert!(!caps.has("ADDRTYPE"));
        let caps4 = Capabilities::default_for(shorewall_syntax::Family::Ipv4);
        assert!(caps4.has("ADDRTYPE"));
    }
}
