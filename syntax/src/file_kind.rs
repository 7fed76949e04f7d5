//! Which kind of Shorewall file a text is, and the columns each kind of file has.
//!
//! Shorewall knows a file by its name only; `?FORMAT` may change the columns of a few kinds
//! (interfaces and macros), which the parser tracks while it reads.

use std::path::Path;

/// The address family of a configuration directory: `shorewall6` is IPv6, `shorewall` is IPv4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Family {
    Ipv4,
    #[default]
    Ipv6,
}

/// The kind of a Shorewall file, known from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    Rules,
    BlRules,
    /// `macro.NAME`.
    Macro,
    /// `action.NAME`.
    Action,
    /// The `actions` file (and `actions.std`): declarations of user actions.
    Actions,
    Zones,
    Interfaces,
    Hosts,
    Policy,
    StoppedRules,
    RouteStopped,
    Mangle,
    TcRules,
    Snat,
    Masq,
    Nat,
    Netmap,
    Providers,
    RtRules,
    Routes,
    Tunnels,
    Accounting,
    Conntrack,
    Maclist,
    ProxyArp,
    ProxyNdp,
    Blacklist,
    Ecn,
    TcInterfaces,
    TcDevices,
    TcClasses,
    TcFilters,
    TcPri,
    Secmarks,
    ArpRules,
    /// `params`: a shell script to Shorewall; we read its assignments.
    Params,
    /// `shorewall6.conf` or `shorewall.conf`.
    Conf,
    /// A file of `NAME=value` lines Shorewall reads itself (`capabilities`, `shorewallrc`).
    KeyValue,
    /// A column file we do not know by name; parsed as generic records.
    Other,
}

/// What a column holds; selects the sub-grammar the parser applies to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnKind {
    /// An action with optional parameters and log level (`ACCEPT:info`, `SSH(ACCEPT)`).
    Action,
    /// A zone with optional interface and addresses (`net:eth0:<2001:db8::1>`).
    Host,
    /// An address list without a zone (`ORIGDEST`, hosts' HOSTS is [`ColumnKind::InterfaceHosts`]).
    Addresses,
    /// `interface:address-list`, as in the hosts file.
    InterfaceHosts,
    /// A zone name, or `child:parent,...` in zones.
    Zone,
    /// A zone name or `-`, `$FW`, `all` as in policy.
    ZoneOrAll,
    Interface,
    Proto,
    Ports,
    Rate,
    User,
    Mark,
    ConnLimit,
    Time,
    Headers,
    Switch,
    /// The name of a conntrack helper.
    Helper,
    /// A comma-separated list of `name[=value]` options.
    Options,
    /// A policy with an optional default action (`DROP:Broadcast(DROP)`).
    Policy,
    /// A log level, as in the policy LOGLEVEL column.
    LogLevel,
    /// Any other text: structured only by parameters references.
    Plain,
}

/// One column of a file kind: its canonical (upper-case) name, the lower-case names accepted in
/// `{name=value}` pairs, and what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    pub name: &'static str,
    pub keys: &'static [&'static str],
    pub kind: ColumnKind,
}

const fn col(name: &'static str, keys: &'static [&'static str], kind: ColumnKind) -> ColumnSpec {
    ColumnSpec { name, keys, kind }
}

use ColumnKind as K;

const RULES_COLUMNS: &[ColumnSpec] = &[
    col("ACTION", &["action"], K::Action),
    col("SOURCE", &["source"], K::Host),
    col("DEST", &["dest"], K::Host),
    col("PROTO", &["proto"], K::Proto),
    col("DPORT", &["dport"], K::Ports),
    col("SPORT", &["sport"], K::Ports),
    col("ORIGDEST", &["origdest"], K::Addresses),
    col("RATE", &["rate"], K::Rate),
    col("USER", &["user"], K::User),
    col("MARK", &["mark"], K::Mark),
    col("CONNLIMIT", &["connlimit"], K::ConnLimit),
    col("TIME", &["time"], K::Time),
    col("HEADERS", &["headers"], K::Headers),
    col("SWITCH", &["switch"], K::Switch),
    col("HELPER", &["helper"], K::Helper),
];

const ZONES_COLUMNS: &[ColumnSpec] = &[
    col("ZONE", &["zone"], K::Zone),
    col("TYPE", &["type"], K::Plain),
    col("OPTIONS", &["options"], K::Options),
    col("IN_OPTIONS", &["in_options"], K::Options),
    col("OUT_OPTIONS", &["out_options"], K::Options),
];

const INTERFACES_COLUMNS: &[ColumnSpec] = &[
    col("ZONE", &["zone"], K::ZoneOrAll),
    col("INTERFACE", &["interface"], K::Interface),
    col("OPTIONS", &["options"], K::Options),
];

const INTERFACES_FORMAT1_COLUMNS: &[ColumnSpec] = &[
    col("ZONE", &["zone"], K::ZoneOrAll),
    col("INTERFACE", &["interface"], K::Interface),
    col("BROADCAST", &["broadcast"], K::Plain),
    col("OPTIONS", &["options"], K::Options),
];

const HOSTS_COLUMNS: &[ColumnSpec] = &[
    col("ZONE", &["zone"], K::ZoneOrAll),
    col("HOSTS", &["host", "hosts"], K::InterfaceHosts),
    col("OPTIONS", &["options"], K::Options),
];

const POLICY_COLUMNS: &[ColumnSpec] = &[
    col("SOURCE", &["source"], K::ZoneOrAll),
    col("DEST", &["dest"], K::ZoneOrAll),
    col("POLICY", &["policy"], K::Policy),
    col("LOGLEVEL", &["loglevel"], K::LogLevel),
    col("RATE", &["rate", "limit"], K::Rate),
    col("CONNLIMIT", &["connlimit"], K::ConnLimit),
];

const ACTIONS_COLUMNS: &[ColumnSpec] = &[
    col("NAME", &["action"], K::Plain),
    col("OPTIONS", &["options"], K::Options),
];

const STOPPEDRULES_COLUMNS: &[ColumnSpec] = &[
    col("ACTION", &["target"], K::Plain),
    col("SOURCE", &["source"], K::Host),
    col("DEST", &["dest"], K::Host),
    col("PROTO", &["proto"], K::Proto),
    col("DPORT", &["dport"], K::Ports),
    col("SPORT", &["sport"], K::Ports),
];

const ROUTESTOPPED_COLUMNS: &[ColumnSpec] = &[
    col("INTERFACE", &["interface"], K::Interface),
    col("HOSTS", &["hosts"], K::Addresses),
    col("OPTIONS", &["options"], K::Options),
    col("PROTO", &["proto"], K::Proto),
    col("DPORT", &["dport"], K::Ports),
    col("SPORT", &["sport"], K::Ports),
];

/// The mangle file of IPv6; IPv4 has no HEADERS column (`Tc.pm process_mangle_rule`).
const MANGLE_COLUMNS: &[ColumnSpec] = &[
    col("ACTION", &["action", "mark"], K::Plain),
    col("SOURCE", &["source"], K::Host),
    col("DEST", &["dest"], K::Host),
    col("PROTO", &["proto"], K::Proto),
    col("DPORT", &["dport"], K::Ports),
    col("SPORT", &["sport"], K::Ports),
    col("USER", &["user"], K::User),
    col("TEST", &["test"], K::Mark),
    col("LENGTH", &["length"], K::Plain),
    col("TOS", &["tos"], K::Plain),
    col("CONNBYTES", &["connbytes"], K::Plain),
    col("HELPER", &["helper"], K::Helper),
    col("HEADERS", &["headers"], K::Headers),
    col("PROBABILITY", &["probability"], K::Plain),
    col("DSCP", &["dscp"], K::Plain),
    col("STATE", &["state"], K::Plain),
    col("TIME", &["time"], K::Time),
    col("SWITCH", &["switch"], K::Switch),
];

const MANGLE4_COLUMNS: &[ColumnSpec] = &[
    col("ACTION", &["action", "mark"], K::Plain),
    col("SOURCE", &["source"], K::Host),
    col("DEST", &["dest"], K::Host),
    col("PROTO", &["proto"], K::Proto),
    col("DPORT", &["dport"], K::Ports),
    col("SPORT", &["sport"], K::Ports),
    col("USER", &["user"], K::User),
    col("TEST", &["test"], K::Mark),
    col("LENGTH", &["length"], K::Plain),
    col("TOS", &["tos"], K::Plain),
    col("CONNBYTES", &["connbytes"], K::Plain),
    col("HELPER", &["helper"], K::Helper),
    // `scp` is what Shorewall 5.2.8 accepts for this column in IPv4 (sic).
    col("PROBABILITY", &["probability"], K::Plain),
    col("DSCP", &["scp"], K::Plain),
    col("STATE", &["state"], K::Plain),
    col("TIME", &["time"], K::Time),
    col("SWITCH", &["switch"], K::Switch),
];

/// The tcrules file (replaced by mangle): the mangle columns up to STATE.
const TCRULES_COLUMNS: &[ColumnSpec] = MANGLE_COLUMNS.split_at(16).0;
const TCRULES4_COLUMNS: &[ColumnSpec] = MANGLE4_COLUMNS.split_at(15).0;

/// snat with `?FORMAT 1` (the default); `?FORMAT 2` adds SPORT after PORT.
const SNAT_COLUMNS: &[ColumnSpec] = &[
    col("ACTION", &["action"], K::Action),
    col("SOURCE", &["source"], K::Host),
    col("DEST", &["dest"], K::Plain),
    col("PROTO", &["proto"], K::Proto),
    col("PORT", &["port", "dport"], K::Ports),
    col("IPSEC", &["ipsec"], K::Plain),
    col("MARK", &["mark"], K::Mark),
    col("USER", &["user"], K::User),
    col("SWITCH", &["switch"], K::Switch),
    col("ORIGDEST", &["origdest"], K::Addresses),
    col("PROBABILITY", &["probability"], K::Plain),
];

const SNAT_FORMAT2_COLUMNS: &[ColumnSpec] = &[
    col("ACTION", &["action"], K::Action),
    col("SOURCE", &["source"], K::Host),
    col("DEST", &["dest"], K::Plain),
    col("PROTO", &["proto"], K::Proto),
    col("PORT", &["port", "dport"], K::Ports),
    col("SPORT", &["sport"], K::Ports),
    col("IPSEC", &["ipsec"], K::Plain),
    col("MARK", &["mark"], K::Mark),
    col("USER", &["user"], K::User),
    col("SWITCH", &["switch"], K::Switch),
    col("ORIGDEST", &["origdest"], K::Addresses),
    col("PROBABILITY", &["probability"], K::Plain),
];

const MASQ_COLUMNS: &[ColumnSpec] = &[
    col("INTERFACE", &["interface"], K::Plain),
    col("SOURCE", &["source"], K::Host),
    col("ADDRESS", &["address"], K::Plain),
    col("PROTO", &["proto"], K::Proto),
    col("PORT", &["port"], K::Ports),
    col("IPSEC", &["ipsec"], K::Plain),
    col("MARK", &["mark"], K::Mark),
    col("USER", &["user"], K::User),
    col("SWITCH", &["switch"], K::Switch),
    col("ORIGDEST", &["origdest"], K::Addresses),
    col("PROBABILITY", &["probability"], K::Plain),
];

const NAT_COLUMNS: &[ColumnSpec] = &[
    col("EXTERNAL", &["external"], K::Plain),
    col("INTERFACE", &["interface"], K::Plain),
    col("INTERNAL", &["internal"], K::Plain),
    col("ALLINTS", &["allints"], K::Plain),
    col("LOCAL", &["local"], K::Plain),
];

const NETMAP_COLUMNS: &[ColumnSpec] = &[
    col("TYPE", &["type"], K::Plain),
    col("NET1", &["net1"], K::Plain),
    col("INTERFACE", &["interface"], K::Plain),
    col("NET2", &["net2"], K::Plain),
    col("NET3", &["net3"], K::Plain),
    col("PROTO", &["proto"], K::Proto),
    col("DPORT", &["dport"], K::Ports),
    col("SPORT", &["sport"], K::Ports),
];

const PROVIDERS_COLUMNS: &[ColumnSpec] = &[
    col("NAME", &["table"], K::Plain),
    col("NUMBER", &["number"], K::Plain),
    col("MARK", &["mark"], K::Plain),
    col("DUPLICATE", &["duplicate"], K::Plain),
    col("INTERFACE", &["interface"], K::Plain),
    col("GATEWAY", &["gateway"], K::Plain),
    col("OPTIONS", &["options"], K::Options),
    col("COPY", &["copy"], K::Plain),
];

const RTRULES_COLUMNS: &[ColumnSpec] = &[
    col("SOURCE", &["source"], K::Plain),
    col("DEST", &["dest"], K::Plain),
    col("PROVIDER", &["provider"], K::Plain),
    col("PRIORITY", &["priority"], K::Plain),
    col("MARK", &["mark"], K::Plain),
];

const ROUTES_COLUMNS: &[ColumnSpec] = &[
    col("PROVIDER", &["provider"], K::Plain),
    col("DEST", &["dest"], K::Plain),
    col("GATEWAY", &["gateway"], K::Plain),
    col("DEVICE", &["device"], K::Plain),
    col("OPTIONS", &["options"], K::Options),
];

const TUNNELS_COLUMNS: &[ColumnSpec] = &[
    col("TYPE", &["type"], K::Plain),
    col("ZONE", &["zone"], K::Plain),
    col("GATEWAY", &["gateway", "gateways"], K::Plain),
    col(
        "GATEWAY_ZONES",
        &["gateway_zone", "gateway_zones"],
        K::Plain,
    ),
];

const ACCOUNTING_COLUMNS: &[ColumnSpec] = &[
    col("ACTION", &["action"], K::Plain),
    col("CHAIN", &["chain"], K::Plain),
    col("SOURCE", &["source"], K::Host),
    col("DEST", &["dest"], K::Host),
    col("PROTO", &["proto"], K::Proto),
    col("DPORT", &["dport"], K::Ports),
    col("SPORT", &["sport"], K::Ports),
    col("USER", &["user"], K::User),
    col("MARK", &["mark"], K::Mark),
    col("IPSEC", &["ipsec"], K::Plain),
    col("HEADERS", &["headers"], K::Headers),
];

/// conntrack with `?FORMAT 2` or `3` (the shipped file says `?FORMAT 3`).
const CONNTRACK_COLUMNS: &[ColumnSpec] = &[
    col("ACTION", &["action"], K::Plain),
    col("SOURCE", &["source"], K::Host),
    col("DEST", &["dest"], K::Host),
    col("PROTO", &["proto"], K::Proto),
    col("DPORT", &["dport"], K::Ports),
    col("SPORT", &["sport"], K::Ports),
    col("USER", &["user"], K::User),
    col("SWITCH", &["switch"], K::Switch),
];

/// conntrack (and notrack) with `?FORMAT 1`, the default: no ACTION, every rule is NOTRACK.
const CONNTRACK_FORMAT1_COLUMNS: &[ColumnSpec] = CONNTRACK_COLUMNS.split_at(1).1;

const MACLIST_COLUMNS: &[ColumnSpec] = &[
    col("DISPOSITION", &["disposition"], K::Plain),
    col("INTERFACE", &["interface"], K::Interface),
    col("MAC", &["mac"], K::Plain),
    col("ADDRESSES", &["addresses"], K::Addresses),
];

const PROXYARP_COLUMNS: &[ColumnSpec] = &[
    col("ADDRESS", &["address"], K::Plain),
    col("INTERFACE", &["interface"], K::Plain),
    col("EXTERNAL", &["external"], K::Plain),
    col("HAVEROUTE", &["haveroute"], K::Plain),
    col("PERSISTENT", &["persistent"], K::Plain),
];

const BLACKLIST_COLUMNS: &[ColumnSpec] = &[
    col("NETWORKS", &["networks"], K::Addresses),
    col("PROTO", &["proto"], K::Proto),
    col("PORT", &["port"], K::Ports),
    col("OPTIONS", &["options"], K::Options),
];

const ECN_COLUMNS: &[ColumnSpec] = &[
    col("INTERFACE", &["interface"], K::Plain),
    col("HOSTS", &["host", "hosts"], K::Plain),
];

const TCINTERFACES_COLUMNS: &[ColumnSpec] = &[
    col("INTERFACE", &["interface"], K::Plain),
    col("TYPE", &["type"], K::Plain),
    col("IN-BANDWIDTH", &["in_bandwidth"], K::Plain),
    col("OUT-BANDWIDTH", &["out_bandwidth"], K::Plain),
];

const TCDEVICES_COLUMNS: &[ColumnSpec] = &[
    col("INTERFACE", &["interface"], K::Plain),
    col("IN-BANDWIDTH", &["in_bandwidth"], K::Plain),
    col("OUT-BANDWIDTH", &["out_bandwidth"], K::Plain),
    col("OPTIONS", &["options"], K::Options),
    col("REDIRECTED_INTERFACES", &["redirect"], K::Plain),
];

const TCCLASSES_COLUMNS: &[ColumnSpec] = &[
    col("INTERFACE", &["interface"], K::Plain),
    col("MARK", &["mark"], K::Plain),
    col("RATE", &["rate"], K::Plain),
    col("CEIL", &["ceil"], K::Plain),
    col("PRIORITY", &["prio"], K::Plain),
    col("OPTIONS", &["options"], K::Options),
];

const TCFILTERS_COLUMNS: &[ColumnSpec] = &[
    col("CLASS", &["class"], K::Plain),
    col("SOURCE", &["source"], K::Plain),
    col("DEST", &["dest"], K::Plain),
    col("PROTO", &["proto"], K::Proto),
    col("DPORT", &["dport"], K::Ports),
    col("SPORT", &["sport"], K::Ports),
    col("TOS", &["tos"], K::Plain),
    col("LENGTH", &["length"], K::Plain),
    col("PRIORITY", &["priority"], K::Plain),
];

/// tcpri with `?FORMAT 1` (the default); `?FORMAT 2` adds SPORT after PORT.
const TCPRI_COLUMNS: &[ColumnSpec] = &[
    col("BAND", &["band"], K::Plain),
    col("PROTO", &["proto"], K::Proto),
    col("PORT", &["port", "dport"], K::Ports),
    col("ADDRESS", &["address"], K::Plain),
    col("INTERFACE", &["interface"], K::Plain),
    col("HELPER", &["helper"], K::Helper),
];

const TCPRI_FORMAT2_COLUMNS: &[ColumnSpec] = &[
    col("BAND", &["band"], K::Plain),
    col("PROTO", &["proto"], K::Proto),
    col("PORT", &["port", "dport"], K::Ports),
    col("SPORT", &["sport"], K::Ports),
    col("ADDRESS", &["address"], K::Plain),
    col("INTERFACE", &["interface"], K::Plain),
    col("HELPER", &["helper"], K::Helper),
];

const SECMARKS_COLUMNS: &[ColumnSpec] = &[
    col("SECMARK", &["secmark"], K::Plain),
    col("CHAIN", &["chain"], K::Plain),
    col("SOURCE", &["source"], K::Host),
    col("DEST", &["dest"], K::Host),
    col("PROTO", &["proto"], K::Proto),
    col("DPORT", &["dport"], K::Ports),
    col("SPORT", &["sport"], K::Ports),
    col("USER", &["user"], K::User),
    col("MARK", &["mark"], K::Mark),
];

const ARPRULES_COLUMNS: &[ColumnSpec] = &[
    col("ACTION", &["action"], K::Plain),
    col("SOURCE", &["source"], K::Plain),
    col("DEST", &["dest"], K::Plain),
    col("OPCODE", &["opcode"], K::Plain),
];

/// A file's kind and family: everything the parser needs to know about a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileType {
    pub kind: FileKind,
    pub family: Family,
}

impl FileType {
    pub fn new(kind: FileKind, family: Family) -> FileType {
        FileType { kind, family }
    }

    /// The columns of a record, given the `?FORMAT` in effect.
    pub fn columns(&self, format: u32) -> &'static [ColumnSpec] {
        self.kind.columns_for(format, self.family)
    }

    /// The type of the file at `path`: its kind from the file name, its family from the
    /// directory (`.../shorewall/...` is IPv4, anything else IPv6).
    pub fn from_path(path: &Path) -> FileType {
        let name = path.file_name().and_then(|it| it.to_str()).unwrap_or("");
        FileType {
            kind: FileKind::from_file_name(name),
            family: Family::from_path(path),
        }
    }
}

impl Family {
    /// IPv4 for a `shorewall.conf` or a directory named `shorewall`, IPv6 otherwise.
    pub fn from_path(path: &Path) -> Family {
        if path.file_name().and_then(|it| it.to_str()) == Some("shorewall.conf") {
            return Family::Ipv4;
        }
        let dir = if path.is_dir() {
            Some(path)
        } else {
            path.parent()
        };
        // The nearest directory named after a product decides, so that `shorewall/macros/`
        // is IPv4 too.
        for ancestor in dir.into_iter().flat_map(Path::ancestors) {
            match ancestor.file_name().and_then(|it| it.to_str()) {
                Some("shorewall") | Some("shorewall4") => return Family::Ipv4,
                Some("shorewall6") => return Family::Ipv6,
                _ => {}
            }
        }
        Family::Ipv6
    }

    pub fn conf_file_name(self) -> &'static str {
        match self {
            Family::Ipv4 => "shorewall.conf",
            Family::Ipv6 => "shorewall6.conf",
        }
    }
}

impl FileKind {
    /// The kind of a file from its name as Shorewall reads it (`rules`, `macro.SSH`, ...).
    pub fn from_file_name(name: &str) -> FileKind {
        if name.starts_with("macro.") {
            return FileKind::Macro;
        }
        if name.starts_with("action.") {
            return FileKind::Action;
        }
        // Files are often kept with a suffix (`rules.bak`, `shorewall6.conf.Debian`, `rules-v5`);
        // we judge them by their stem, so they are still understood.
        let stem = name.split(['.', '-']).next().unwrap_or(name);
        match name {
            "shorewall.conf" | "shorewall6.conf" => return FileKind::Conf,
            "actions.std" => return FileKind::Actions,
            _ => {}
        }
        if name.starts_with("shorewall.conf") || name.starts_with("shorewall6.conf") {
            return FileKind::Conf;
        }
        match stem {
            "rules" => FileKind::Rules,
            "blrules" => FileKind::BlRules,
            "actions" => FileKind::Actions,
            "zones" => FileKind::Zones,
            "interfaces" => FileKind::Interfaces,
            "hosts" => FileKind::Hosts,
            "policy" => FileKind::Policy,
            "stoppedrules" => FileKind::StoppedRules,
            "routestopped" => FileKind::RouteStopped,
            "mangle" => FileKind::Mangle,
            "tcrules" => FileKind::TcRules,
            "snat" => FileKind::Snat,
            "masq" => FileKind::Masq,
            "nat" => FileKind::Nat,
            "netmap" => FileKind::Netmap,
            "providers" => FileKind::Providers,
            "rtrules" | "route_rules" => FileKind::RtRules,
            "routes" => FileKind::Routes,
            "tunnels" => FileKind::Tunnels,
            "accounting" => FileKind::Accounting,
            "conntrack" | "notrack" => FileKind::Conntrack,
            "maclist" => FileKind::Maclist,
            "proxyarp" => FileKind::ProxyArp,
            "proxyndp" => FileKind::ProxyNdp,
            "blacklist" => FileKind::Blacklist,
            "ecn" => FileKind::Ecn,
            "tcinterfaces" => FileKind::TcInterfaces,
            "tcdevices" => FileKind::TcDevices,
            "tcclasses" => FileKind::TcClasses,
            "tcfilters" => FileKind::TcFilters,
            "tcpri" => FileKind::TcPri,
            "secmarks" => FileKind::Secmarks,
            "arprules" => FileKind::ArpRules,
            "params" => FileKind::Params,
            "capabilities" | "shorewallrc" => FileKind::KeyValue,
            _ => FileKind::Other,
        }
    }

    /// Whether the file is a table of columns (as opposed to assignments or shell).
    pub fn is_columnar(self) -> bool {
        !matches!(self, FileKind::Params | FileKind::Conf | FileKind::KeyValue)
    }

    /// Whether records of this kind have the rules columns (rules, blrules, macros, actions).
    pub fn has_rule_columns(self) -> bool {
        matches!(
            self,
            FileKind::Rules | FileKind::BlRules | FileKind::Macro | FileKind::Action
        )
    }

    /// The columns of a record in an IPv6 file, given the `?FORMAT` in effect (1 unless set).
    /// [`FileType::columns`] knows the IPv4 differences too.
    pub fn columns(self, format: u32) -> &'static [ColumnSpec] {
        self.columns_for(format, Family::Ipv6)
    }

    /// The columns of a record, given the `?FORMAT` in effect and the family (only mangle and
    /// tcrules differ: IPv4 has no HEADERS column).
    pub fn columns_for(self, format: u32, family: Family) -> &'static [ColumnSpec] {
        match self {
            FileKind::Rules | FileKind::BlRules | FileKind::Macro | FileKind::Action => {
                RULES_COLUMNS
            }
            FileKind::Zones => ZONES_COLUMNS,
            FileKind::Interfaces if format >= 2 => INTERFACES_COLUMNS,
            FileKind::Interfaces => INTERFACES_FORMAT1_COLUMNS,
            FileKind::Hosts => HOSTS_COLUMNS,
            FileKind::Policy => POLICY_COLUMNS,
            FileKind::Actions => ACTIONS_COLUMNS,
            FileKind::StoppedRules => STOPPEDRULES_COLUMNS,
            FileKind::RouteStopped => ROUTESTOPPED_COLUMNS,
            FileKind::Mangle if family == Family::Ipv4 => MANGLE4_COLUMNS,
            FileKind::Mangle => MANGLE_COLUMNS,
            FileKind::TcRules if family == Family::Ipv4 => TCRULES4_COLUMNS,
            FileKind::TcRules => TCRULES_COLUMNS,
            FileKind::Snat if format >= 2 => SNAT_FORMAT2_COLUMNS,
            FileKind::Snat => SNAT_COLUMNS,
            FileKind::Masq => MASQ_COLUMNS,
            FileKind::Nat => NAT_COLUMNS,
            FileKind::Netmap => NETMAP_COLUMNS,
            FileKind::Providers => PROVIDERS_COLUMNS,
            FileKind::RtRules => RTRULES_COLUMNS,
            FileKind::Routes => ROUTES_COLUMNS,
            FileKind::Tunnels => TUNNELS_COLUMNS,
            FileKind::Accounting => ACCOUNTING_COLUMNS,
            FileKind::Conntrack if format >= 2 => CONNTRACK_COLUMNS,
            FileKind::Conntrack => CONNTRACK_FORMAT1_COLUMNS,
            FileKind::Maclist => MACLIST_COLUMNS,
            FileKind::ProxyArp | FileKind::ProxyNdp => PROXYARP_COLUMNS,
            FileKind::Blacklist => BLACKLIST_COLUMNS,
            FileKind::Ecn => ECN_COLUMNS,
            FileKind::TcInterfaces => TCINTERFACES_COLUMNS,
            FileKind::TcDevices => TCDEVICES_COLUMNS,
            FileKind::TcClasses => TCCLASSES_COLUMNS,
            FileKind::TcFilters => TCFILTERS_COLUMNS,
            FileKind::TcPri if format >= 2 => TCPRI_FORMAT2_COLUMNS,
            FileKind::TcPri => TCPRI_COLUMNS,
            FileKind::Secmarks => SECMARKS_COLUMNS,
            FileKind::ArpRules => ARPRULES_COLUMNS,
            FileKind::Params | FileKind::Conf | FileKind::KeyValue | FileKind::Other => &[],
        }
    }

    /// Whether a record may end in `;; raw matches`.
    pub fn allows_raw_matches(self) -> bool {
        matches!(
            self,
            FileKind::Rules
                | FileKind::BlRules
                | FileKind::Macro
                | FileKind::Action
                | FileKind::Actions
                | FileKind::Mangle
                | FileKind::TcRules
                | FileKind::Snat
                | FileKind::Masq
                | FileKind::Accounting
                | FileKind::Conntrack
                | FileKind::TcPri
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_names() {
        assert_eq!(FileKind::from_file_name("rules"), FileKind::Rules);
        assert_eq!(FileKind::from_file_name("rules-v5"), FileKind::Rules);
        assert_eq!(FileKind::from_file_name("macro.SSH"), FileKind::Macro);
        assert_eq!(FileKind::from_file_name("action.Drop"), FileKind::Action);
        assert_eq!(FileKind::from_file_name("actions.std"), FileKind::Actions);
        assert_eq!(
            FileKind::from_file_name("shorewall6.conf.Debian"),
            FileKind::Conf
        );
        assert_eq!(FileKind::from_file_name("params.net"), FileKind::Params);
        assert_eq!(
            FileKind::from_file_name("interfaces.annotated"),
            FileKind::Interfaces
        );
        assert_eq!(FileKind::from_file_name("README"), FileKind::Other);
    }

    #[test]
    fn family_from_paths() {
        assert_eq!(
            Family::from_path(Path::new("/etc/shorewall/rules")),
            Family::Ipv4
        );
        assert_eq!(
            Family::from_path(Path::new("/etc/shorewall6/rules")),
            Family::Ipv6
        );
        assert_eq!(
            Family::from_path(Path::new("x/shorewall.conf")),
            Family::Ipv4
        );
        assert_eq!(Family::from_path(Path::new("rules")), Family::Ipv6);
        assert_eq!(
            Family::from_path(Path::new("x/shorewall/macros/macro.RTP")),
            Family::Ipv4
        );
        assert_eq!(
            Family::from_path(Path::new("shorewall/backup/shorewall6/rules")),
            Family::Ipv6
        );
    }
}
