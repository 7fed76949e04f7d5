//! Zones, interfaces and hosts (`Zones.pm process_zone`, `process_interface`, `process_host`).

use shorewall_syntax::{Family, FileKind, TextRange};

use crate::model::{
    address,
    diagnostic::{Diagnostic, Site},
    reader::{self, Event, Line, ReadOptions},
    Ctx, RefTarget, Reference,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ZoneType {
    Firewall,
    /// `ip`, `ipv4`, `ipv6` or `-`.
    Ip,
    Ipsec,
    Bport,
    Vserver,
    Loopback,
    Local,
}

impl ZoneType {
    pub fn as_str(self) -> &'static str {
        match self {
            ZoneType::Firewall => "firewall",
            ZoneType::Ip => "ip",
            ZoneType::Ipsec => "ipsec",
            ZoneType::Bport => "bport",
            ZoneType::Vserver => "vserver",
            ZoneType::Loopback => "loopback",
            ZoneType::Local => "local",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    pub name: String,
    pub kind: ZoneType,
    /// The type as written (`ipv6`, `firewall`, ...).
    pub type_text: String,
    pub parents: Vec<String>,
    pub options: String,
    pub in_options: String,
    pub out_options: String,
    /// The zones record.
    pub site: Site,
    /// The zone's name in its record.
    pub name_site: Site,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    /// The zone, or `None` for `-` (a multi-zone interface, zones in hosts).
    pub zone: Option<String>,
    /// The logical name.
    pub name: String,
    /// The physical name (`physical=` or the logical name).
    pub physical: String,
    /// The bridge of a bridge port (`br0:eth1`).
    pub bridge: Option<String>,
    pub options: Vec<(String, Option<String>)>,
    pub site: Site,
    pub name_site: Site,
}

impl Interface {
    pub fn has_option(&self, name: &str) -> bool {
        self.options
            .iter()
            .any(|(option, value)| option == name && value.as_deref() != Some("0"))
    }

    pub fn option_value(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(option, _)| option == name)
            .and_then(|(_, value)| value.as_deref())
    }

    /// Whether the name ends in `+` (matches every interface with that prefix).
    pub fn is_wildcard(&self) -> bool {
        self.name.ends_with('+')
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    pub zone: String,
    pub interface: String,
    /// The address list after the interface, as written (after expansion).
    pub hosts: String,
    pub options: Vec<String>,
    pub site: Site,
}

/// Names Shorewall reserves (`%reservedName` in Zones.pm).
const RESERVED_ZONE_NAMES: &[&str] = &[
    "all",
    "any",
    "none",
    "SOURCE",
    "DEST",
    "ACCEPT",
    "DROP",
    "REJECT",
    "CONTINUE",
    "QUEUE",
    "NFQUEUE",
    "LOG",
    "BLACKLIST",
    "NONE",
];

const ZONE_OPTIONS: &[(&str, Option<&str>)] = &[
    ("mss", Some("numeric")),
    ("nomark", None),
    ("blacklist", None),
    ("dynamic_shared", None),
    ("strict", None),
    ("next", None),
    ("reqid", Some("numeric")),
    ("spi", Some("numeric")),
    ("proto", Some("ipsecproto")),
    ("mode", Some("ipsecmode")),
    ("tunnel-src", Some("network")),
    ("tunnel-dst", Some("network")),
];

pub(crate) fn read_zones(ctx: &mut Ctx<'_>) {
    let Some(file) = ctx.load_config_file("zones", FileKind::Zones) else {
        ctx.model.zones_checked = false;
        return;
    };
    let is_empty = ctx
        .model
        .files
        .get(file)
        .is_some_and(|it| it.text.trim().is_empty());
    if is_empty {
        ctx.model.zones_checked = false;
        ctx.diag(Diagnostic::error(
            "missing-file",
            ctx.eof_site(file),
            "The 'zones' file does not exist or has zero size",
        ));
        return;
    }
    let events = reader::read(ctx, file, ReadOptions::default());
    for event in events {
        if let Event::Record(line) = event {
            zone_record(ctx, &line);
        }
    }
    if ctx.model.firewall_zone.is_none() {
        ctx.diag(Diagnostic::error(
            "invalid-zone-type",
            ctx.eof_site(file),
            "No firewall zone defined",
        ));
    }
    if !ctx
        .model
        .zones
        .iter()
        .any(|it| matches!(it.kind, ZoneType::Ip | ZoneType::Local))
    {
        ctx.diag(Diagnostic::error(
            "invalid-zone-type",
            ctx.eof_site(file),
            "No IP zones defined",
        ));
    }
}

fn zone_record(ctx: &mut Ctx<'_>, line: &Line) {
    let zone_column = line.value(0).to_owned();
    let site = line.site;
    let name_site = line.site_of(0);
    if zone_column == "-" {
        ctx.diag(Diagnostic::error(
            "invalid-zone-name",
            site,
            "ZONE must be specified",
        ));
        return;
    }
    if !line.is_known(0) {
        return;
    }
    let (name, parents) = match zone_column.split_once(':') {
        Some((name, parents)) => (
            name.to_owned(),
            parents.split(',').map(str::to_owned).collect(),
        ),
        None => (zone_column.clone(), Vec::new()),
    };
    let name_site = Site {
        file: name_site.file,
        range: prefix_range(name_site.range, name.len()),
    };
    let valid_name = name
        .chars()
        .next()
        .is_some_and(|it| it.is_ascii_alphabetic())
        && name
            .chars()
            .all(|it| it.is_ascii_alphanumeric() || it == '_');
    if !valid_name
        || RESERVED_ZONE_NAMES.contains(&name.as_str())
        || name.starts_with("all2")
        || name.ends_with("2all")
    {
        ctx.diag(Diagnostic::error(
            "invalid-zone-name",
            name_site,
            format!("Invalid zone name ({name})"),
        ));
        return;
    }
    let max = ctx.model.settings.max_zone_name_length();
    if name.len() > max {
        ctx.diag(Diagnostic::error(
            "zone-name-too-long",
            name_site,
            format!("Zone name ({name}) too long: LOGFORMAT allows {max} characters"),
        ));
    }
    if let Some(first) = ctx.model.zones.iter().find(|it| it.name == name) {
        let first_site = first.name_site;
        ctx.diag(
            Diagnostic::error(
                "duplicate-zone",
                name_site,
                format!("Duplicate zone name ({name})"),
            )
            .with_related(first_site, "first defined here"),
        );
        return;
    }
    let type_text = line.value(1).to_owned();
    let family_digit = match ctx.model.family {
        Family::Ipv4 => '4',
        Family::Ipv6 => '6',
    };
    let lower = type_text.to_ascii_lowercase();
    let typed = |prefix: &str| -> Option<bool> {
        let rest = lower.strip_prefix(prefix)?;
        match rest {
            "" => Some(true),
            "4" | "6" => Some(rest.starts_with(family_digit)),
            _ => None,
        }
    };
    let kind = if lower == "ip" || lower == "-" {
        Some(ZoneType::Ip)
    } else if let Some(ok) = typed("ipv") {
        // `ipv` alone is not a type; `ipv4`/`ipv6` must match the family.
        (ok && lower.len() == 4).then_some(ZoneType::Ip)
    } else if let Some(ok) = typed("ipsec") {
        ok.then_some(ZoneType::Ipsec)
    } else if let Some(ok) = typed("bport") {
        ok.then_some(ZoneType::Bport)
    } else {
        match type_text.as_str() {
            "firewall" => Some(ZoneType::Firewall),
            "vserver" => Some(ZoneType::Vserver),
            "local" => Some(ZoneType::Local),
            "loopback" => Some(ZoneType::Loopback),
            _ => None,
        }
    };
    let Some(kind) = kind else {
        if line.is_known(1) {
            ctx.diag(Diagnostic::error(
                "invalid-zone-type",
                line.site_of(1),
                format!("Invalid zone type ({type_text})"),
            ));
        }
        return;
    };
    if kind == ZoneType::Firewall {
        if !parents.is_empty() {
            ctx.diag(Diagnostic::error(
                "invalid-zone-type",
                site,
                "Firewall zone may not be nested",
            ));
        }
        if let Some(existing) = &ctx.model.firewall_zone {
            let message = format!(
                "Only one firewall zone may be defined ({name}); {existing} is one already"
            );
            ctx.diag(Diagnostic::error("invalid-zone-type", name_site, message));
        } else {
            ctx.model.firewall_zone = Some(name.clone());
        }
    }
    for parent in &parents {
        match ctx.model.zones.iter().find(|it| &it.name == parent) {
            None => ctx.diag(Diagnostic::error(
                "unknown-zone",
                line.site_of(0),
                format!("Unknown parent zone ({parent})"),
            )),
            Some(zone) if zone.kind == ZoneType::Firewall => ctx.diag(Diagnostic::error(
                "invalid-zone-type",
                site,
                "Subzones of firewall zone not allowed",
            )),
            Some(zone) if zone.kind == ZoneType::Vserver => ctx.diag(Diagnostic::error(
                "invalid-zone-type",
                site,
                "Subzones of a Vserver zone not allowed",
            )),
            Some(_) => {}
        }
    }
    for idx in 2..5 {
        zone_options(ctx, line, idx, kind);
    }
    ctx.model.definitions.push(Reference {
        site: name_site,
        target: RefTarget::Zone(name.clone()),
    });
    ctx.model.zones.push(Zone {
        name,
        kind,
        type_text,
        parents,
        options: line.value(2).to_owned(),
        in_options: line.value(3).to_owned(),
        out_options: line.value(4).to_owned(),
        site,
        name_site,
    });
}

/// The first `len` bytes of `range`.
fn prefix_range(range: TextRange, len: usize) -> TextRange {
    let len = shorewall_syntax::TextSize::from(len as u32).min(range.len());
    TextRange::at(range.start(), len)
}

fn zone_options(ctx: &mut Ctx<'_>, line: &Line, idx: usize, kind: ZoneType) {
    let value = line.value(idx);
    if value == "-" || !line.is_known(idx) {
        return;
    }
    let site = line.site_of(idx);
    if kind == ZoneType::Loopback {
        ctx.diag(Diagnostic::error(
            "invalid-zone-option",
            site,
            "The 'loopback' zone may not have OPTIONS",
        ));
        return;
    }
    for option in value.split(',') {
        let (name, option_value) = match option.split_once('=') {
            Some((name, value)) => (name.trim_end_matches('!'), Some(value)),
            None => (option, None),
        };
        let Some((_, format)) = ZONE_OPTIONS.iter().find(|(it, _)| *it == name) else {
            ctx.diag(Diagnostic::error(
                "invalid-zone-option",
                site,
                format!("Invalid Option ({name})"),
            ));
            continue;
        };
        match (format, option_value) {
            (None, Some(_)) => ctx.diag(Diagnostic::error(
                "invalid-zone-option",
                site,
                format!("Option \"{name}\" does not take a value"),
            )),
            (Some(_), None) => ctx.diag(Diagnostic::error(
                "invalid-zone-option",
                site,
                format!("Missing value for option \"{name}\""),
            )),
            (Some("numeric"), Some(value)) if parse_number(value).is_none() => {
                ctx.diag(Diagnostic::error(
                    "invalid-zone-option",
                    site,
                    format!("Invalid value ({value}) for option \"{name}\""),
                ))
            }
            _ => {}
        }
        let ipsec_only = !["mss", "nomark", "blacklist", "dynamic_shared"].contains(&name);
        if ipsec_only && kind != ZoneType::Ipsec {
            ctx.diag(Diagnostic::error(
                "invalid-zone-option",
                site,
                format!("The \"{name}\" option may only be specified for ipsec zones"),
            ));
        }
    }
}

/// Shorewall's `numeric_value`: decimal, `0x` hex or leading-zero octal.
pub(crate) fn parse_number(text: &str) -> Option<u64> {
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        return u64::from_str_radix(hex, 16).ok();
    }
    if text.len() > 1 && text.starts_with('0') {
        return u64::from_str_radix(&text[1..], 8).ok();
    }
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum OptionType {
    Simple,
    Binary,
    Enum,
    Numeric(u64),
    IpList,
    Text,
    Obsolete,
}

fn interface_option_type(name: &str, family: Family) -> Option<OptionType> {
    use OptionType::*;
    let common = match name {
        "blacklist" | "bridge" | "destonly" | "dhcp" | "maclist" | "nodbl" | "nosmurfs"
        | "optional" | "required" | "rpfilter" | "unmanaged" | "upnp" | "upnpclient" => {
            Some(Simple)
        }
        "loopback" | "routeback" | "sourceroute" | "tcpflags" => Some(Binary),
        "dbl" => Some(Enum),
        "ignore" => Some(Numeric(3)),
        "nets" | "sfilter" => Some(IpList),
        "mss" => Some(Numeric(100_000)),
        "physical" => Some(Text),
        "wait" => Some(Numeric(300)),
        _ => None,
    };
    if common.is_some() {
        return common;
    }
    match family {
        Family::Ipv4 => match name {
            "arp_filter" | "logmartians" | "proxyarp" => Some(Binary),
            "arp_ignore" => Some(Enum),
            "routefilter" => Some(Numeric(2)),
            "detectnets" | "norfc1918" => Some(Obsolete),
            _ => None,
        },
        Family::Ipv6 => match name {
            "accept_ra" => Some(Numeric(2)),
            "omitanycast" => Some(Simple),
            "proxyndp" | "forward" => Some(Binary),
            _ => None,
        },
    }
}

pub(crate) fn read_interfaces(ctx: &mut Ctx<'_>) {
    let Some(file) = ctx.load_config_file("interfaces", FileKind::Interfaces) else {
        if ctx.model.zones_checked {
            let site = ctx.model.config_file("zones").map(|it| ctx.eof_site(it));
            if let Some(site) = site {
                ctx.diag(Diagnostic::error(
                    "missing-file",
                    site,
                    "The 'interfaces' file does not exist or has zero size",
                ));
            }
        }
        return;
    };
    let events = reader::read(ctx, file, ReadOptions::default());
    for event in events {
        if let Event::Record(line) = event {
            interface_record(ctx, &line);
        }
    }
    if ctx.model.interfaces.is_empty() && ctx.model.zones_checked {
        ctx.diag(Diagnostic::error(
            "missing-file",
            ctx.eof_site(file),
            "No network interfaces defined",
        ));
    }
}

fn interface_record(ctx: &mut Ctx<'_>, line: &Line) {
    let columns = ctx
        .model
        .files
        .get(line.file)
        .map_or(3, |_| line.values.len());
    let options_idx = if columns == 4 { 3 } else { 2 };
    let zone = line.value(0).to_owned();
    let zone = if zone == "-" { None } else { Some(zone) };
    if let Some(zone_name) = &zone {
        if line.is_known(0) && ctx.model.zones_checked {
            match ctx.model.zones.iter().find(|it| &it.name == zone_name) {
                None => ctx.diag(Diagnostic::error(
                    "unknown-zone",
                    line.site_of(0),
                    format!("Unknown zone ({zone_name})"),
                )),
                Some(it) if it.kind == ZoneType::Firewall => ctx.diag(Diagnostic::error(
                    "invalid-interface-option",
                    line.site_of(0),
                    "Firewall zone not allowed in ZONE column of interface record",
                )),
                Some(_) => {}
            }
        }
        ctx.model.references.push(Reference {
            site: line.site_of(0),
            target: RefTarget::Zone(zone_name.clone()),
        });
    }
    let column = line.value(1).to_owned();
    if column == "-" {
        ctx.diag(Diagnostic::error(
            "invalid-interface-option",
            line.site,
            "INTERFACE must be specified",
        ));
        return;
    }
    if !line.is_known(1) {
        return;
    }
    let mut parts = column.splitn(3, ':');
    let first = parts.next().unwrap_or("").to_owned();
    let port = parts.next().map(str::to_owned);
    let extra = parts.next();
    let name_site = line.site_of(1);
    if first.is_empty() || extra.is_some() || first.contains(['(', ')', '[', ']', '*', '?', '%']) {
        ctx.diag(Diagnostic::error(
            "invalid-interface-option",
            name_site,
            format!("Invalid INTERFACE ({column})"),
        ));
        return;
    }
    let (name, bridge) = match port {
        Some(port) => (port, Some(first)),
        None => (first, None),
    };
    if let Some(existing) = ctx.model.interfaces.iter().find(|it| it.name == name) {
        let first_site = existing.name_site;
        ctx.diag(
            Diagnostic::error(
                "duplicate-interface",
                name_site,
                format!("Duplicate Interface ({name})"),
            )
            .with_related(first_site, "first defined here"),
        );
        return;
    }
    let mut options = Vec::new();
    let mut physical = name.clone();
    let options_text = line.value(options_idx).to_owned();
    if options_text != "-" && line.is_known(options_idx) {
        let site = line.site_of(options_idx);
        for option in options_text.split(',') {
            let (option_name, value) = match option.split_once('=') {
                Some((it, value)) => (it.to_owned(), Some(value.to_owned())),
                None => (option.to_owned(), None),
            };
            if option_name == "ignore" && zone.is_some() && options_text == "ignore" {
                ctx.diag(Diagnostic::error(
                    "invalid-interface-option",
                    site,
                    "Ignored interfaces may not be associated with a zone",
                ));
            }
            check_interface_option(ctx, site, &option_name, value.as_deref(), zone.is_some());
            if option_name == "physical" {
                if let Some(value) = &value {
                    physical = value.clone();
                }
            }
            options.push((option_name, value));
        }
    }
    ctx.model.definitions.push(Reference {
        site: name_site,
        target: RefTarget::Interface(name.clone()),
    });
    ctx.model.interfaces.push(Interface {
        zone,
        name,
        physical,
        bridge,
        options,
        site: line.site,
        name_site,
    });
}

fn check_interface_option(
    ctx: &mut Ctx<'_>,
    site: Site,
    name: &str,
    value: Option<&str>,
    has_zone: bool,
) {
    let Some(kind) = interface_option_type(name, ctx.model.family) else {
        ctx.diag(Diagnostic::error(
            "invalid-interface-option",
            site,
            format!("Invalid Interface option ({name})"),
        ));
        return;
    };
    let error = |message: String| Diagnostic::error("invalid-interface-option", site, message);
    match kind {
        OptionType::Simple if value.is_some() => {
            ctx.diag(error(format!("Option {name} does not take a value")))
        }
        OptionType::Binary => {
            if let Some(value) = value {
                if value != "0" && value != "1" {
                    ctx.diag(error(format!("Option value for '{name}' must be 0 or 1")));
                }
            }
        }
        OptionType::Numeric(max) => {
            let value = match (name, value) {
                (_, Some(value)) => Some(value),
                // `%defaultinterfaceoptions`.
                ("ignore", None) => Some("3"),
                ("wait", None) => Some("60"),
                ("accept_ra", None) => Some("1"),
                ("routefilter", None) => Some("1"),
                _ => None,
            };
            match value {
                None => ctx.diag(error(format!("The '{name}' option requires a value"))),
                Some(value) => {
                    if parse_number(value).is_none_or(|it| it > max) {
                        ctx.diag(error(format!("Invalid value ({value}) for option {name}")));
                    }
                }
            }
        }
        OptionType::Enum if name == "dbl" => match value {
            None => ctx.diag(error("The 'dbl' option requires a value".to_owned())),
            Some(value) if !["none", "src", "dst", "src-dst"].contains(&value) => {
                ctx.diag(error(format!("Invalid setting ({value}) for 'dbl'")))
            }
            Some(_) => {}
        },
        OptionType::IpList => match value {
            None => ctx.diag(error(format!("The '{name}' option requires a value"))),
            Some(value) => {
                if name == "nets" && !has_zone {
                    ctx.diag(error(
                        "\"nets=\" may not be specified for a multi-zone interface".to_owned(),
                    ));
                }
                if value != "dynamic" {
                    let family = ctx.model.family;
                    for net in value.trim_start_matches('!').split(',') {
                        if let Err(message) = address::validate_net(net, family, false) {
                            ctx.diag(Diagnostic::error("invalid-address", site, message));
                        }
                    }
                }
            }
        },
        OptionType::Text if value.is_none_or(str::is_empty) => {
            ctx.diag(error(format!("The '{name}' option requires a value")))
        }
        OptionType::Obsolete => ctx.diag(Diagnostic::warning(
            "invalid-interface-option",
            site,
            format!("The '{name}' option is no longer supported"),
        )),
        _ => {}
    }
}

pub(crate) fn read_hosts(ctx: &mut Ctx<'_>) {
    let Some(file) = ctx.load_config_file("hosts", FileKind::Hosts) else {
        return;
    };
    let events = reader::read(ctx, file, ReadOptions::default());
    for event in events {
        if let Event::Record(line) = event {
            host_record(ctx, &line);
        }
    }
}

fn host_record(ctx: &mut Ctx<'_>, line: &Line) {
    let zone = line.value(0).to_owned();
    let hosts = line.value(1).to_owned();
    if zone == "-" {
        ctx.diag(Diagnostic::error(
            "invalid-host",
            line.site,
            "ZONE must be specified",
        ));
        return;
    }
    if hosts == "-" {
        ctx.diag(Diagnostic::error(
            "invalid-host",
            line.site,
            "HOSTS must be specified",
        ));
        return;
    }
    if line.is_known(0) {
        ctx.model.references.push(Reference {
            site: line.site_of(0),
            target: RefTarget::Zone(zone.clone()),
        });
        match ctx.model.zones.iter().find(|it| it.name == zone) {
            None if ctx.model.zones_checked => {
                ctx.diag(Diagnostic::error(
                    "unknown-zone",
                    line.site_of(0),
                    format!("Unknown ZONE ({zone})"),
                ));
            }
            Some(it) if it.kind == ZoneType::Firewall => ctx.diag(Diagnostic::error(
                "invalid-host",
                line.site_of(0),
                "Firewall zone not allowed in ZONE column of hosts record",
            )),
            _ => {}
        }
    }
    if !line.is_known(1) {
        return;
    }
    let split = split_host_column(&hosts, ctx.model.family);
    let Some((interface, addresses)) = split else {
        ctx.diag(Diagnostic::error(
            "invalid-host",
            line.site_of(1),
            format!("Invalid HOST(S) column contents: {hosts}"),
        ));
        return;
    };
    let known = ctx.model.interfaces.iter().any(|it| it.name == interface);
    if !known {
        ctx.diag(Diagnostic::error(
            "unknown-interface",
            line.site_of(1),
            format!("Unknown interface ({interface})"),
        ));
    }
    ctx.model.references.push(Reference {
        site: line.site_of(1),
        target: RefTarget::Interface(interface.clone()),
    });
    let options: Vec<String> = if line.value(2) == "-" {
        Vec::new()
    } else {
        line.value(2).split(',').map(str::to_owned).collect()
    };
    const HOST_OPTIONS: &[&str] = &[
        "blacklist",
        "maclist",
        "routeback",
        "tcpflags",
        "ipsec",
        "norfc1918",
        "broadcast",
        "destonly",
        "sourceonly",
        "nosmurfs",
    ];
    for option in &options {
        let valid = HOST_OPTIONS.contains(&option.as_str())
            || option
                .strip_prefix("mss=")
                .is_some_and(|it| it.parse::<u32>().is_ok());
        if !valid && line.is_known(2) {
            ctx.diag(Diagnostic::error(
                "invalid-host",
                line.site_of(2),
                format!("Invalid option ({option})"),
            ));
        }
    }
    if addresses.trim_start_matches('!').starts_with('+')
        && !ctx.model.capabilities.has("IPSET_MATCH")
    {
        ctx.diag(Diagnostic::error(
            "invalid-address",
            line.site_of(1),
            "Ipset names in host lists require Ipset Match in your kernel and iptables",
        ));
    }
    if !addresses.starts_with(['+', '!']) && addresses != "dynamic" {
        let family = ctx.model.family;
        for host in addresses.trim_start_matches('!').split([',', '!']) {
            if host.is_empty() {
                continue;
            }
            if let Err(message) = address::validate_host(host, family, true) {
                ctx.diag(Diagnostic::error(
                    "invalid-address",
                    line.site_of(1),
                    message,
                ));
            }
        }
    }
    ctx.model.hosts.push(Host {
        zone,
        interface,
        hosts: addresses,
        options,
        site: line.site,
    });
}

/// `interface:addresses` as the hosts file allows it, per family.
fn split_host_column(hosts: &str, family: Family) -> Option<(String, String)> {
    let is_iface = |it: &str| {
        let it = it.strip_suffix('+').unwrap_or(it);
        !it.is_empty()
            && it
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.@%-".contains(c))
    };
    // IPv6 `iface[addresses]`.
    if family == Family::Ipv6 {
        if let Some((interface, rest)) = hosts.split_once('[') {
            if !interface.contains(':') && is_iface(interface) {
                let inner = rest.strip_suffix(']')?;
                return Some((interface.to_owned(), inner.to_owned()));
            }
        }
    }
    let (interface, rest) = hosts.split_once(':')?;
    if !is_iface(interface) {
        return None;
    }
    // `!?\[.+\](/\d+)?`: one bracketed address or network, maybe negated.
    let bracketed = |rest: &str| {
        let rest = rest.strip_prefix('!').unwrap_or(rest);
        let Some(inner) = rest.strip_prefix('[') else {
            return false;
        };
        let body = match inner.rsplit_once("]/") {
            Some((body, width))
                if !width.is_empty() && width.bytes().all(|b| b.is_ascii_digit()) =>
            {
                body
            }
            _ => match inner.strip_suffix(']') {
                Some(body) => body,
                None => return false,
            },
        };
        !body.is_empty()
    };
    let ok = match family {
        Family::Ipv4 => true,
        Family::Ipv6 => {
            (rest.starts_with('<') && rest.ends_with('>'))
                || bracketed(rest)
                || rest.trim_start_matches('!').starts_with('+')
                || rest == "dynamic"
        }
    };
    let rest = rest.trim_start_matches('<').trim_end_matches('>');
    let rest = rest.replace(['[', ']'], "");
    ok.then(|| (interface.to_owned(), rest))
}
