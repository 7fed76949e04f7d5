//! Zones, interfaces and hosts (`Zones.pm process_zone`, `process_interface`, `process_host`).

use shorewall_syntax::{Family, FileKind, TextRange, TextSize};

use crate::model::{
    address,
    diagnostic::{Diagnostic, Site},
    reader::{self, Event, Line, ReadOptions},
    Ctx, Model, RefTarget, Reference,
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
const RESERVED_ZONE_NAMES: &[&str] = &["all", "any", "none", "SOURCE", "DEST"];

/// The zone options (`%validzoneoptions`) and the pattern of their values.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ZoneOptionValue {
    Nothing,
    Numeric,
    IpsecProto,
    IpsecMode,
    Network,
}

fn zone_option(name: &str) -> Option<ZoneOptionValue> {
    use ZoneOptionValue::*;
    Some(match name {
        "mss" | "reqid" | "spi" => Numeric,
        "nomark" | "blacklist" | "dynamic_shared" | "strict" | "next" => Nothing,
        "proto" => IpsecProto,
        "mode" => IpsecMode,
        "tunnel-src" | "tunnel-dst" => Network,
        _ => return None,
    })
}

/// The columns of the zones file's options (`IN_OUT`, `IN`, `OUT`: 1, 2, 3 in messages).
const ZONE_OPTION_COLUMNS: [usize; 3] = [2, 3, 4];

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
    let mut ip = false;
    for event in events {
        if let Event::Record(line) = event {
            zone_record(ctx, &line, &mut ip);
        }
    }
    let fatal = if ctx.model.firewall_zone.is_none() {
        Some("No firewall zone defined")
    } else if !ip {
        Some("No IP zones defined")
    } else if ctx
        .model
        .zones
        .iter()
        .any(|it| it.kind == ZoneType::Loopback)
        && ctx
            .model
            .zones
            .iter()
            .any(|it| it.kind == ZoneType::Vserver)
    {
        Some("Loopback zones and vserver zones are mutually exclusive")
    } else {
        None
    };
    if let Some(message) = fatal {
        ctx.diag(Diagnostic::error(
            "invalid-zone-type",
            ctx.eof_site(file),
            message,
        ));
        // Without a usable zones file, zone names elsewhere are not checked.
        ctx.model.zones_checked = false;
    }
}

/// `(\w+):([\w,]+)`, unanchored, as `process_zone` applies it.
fn zone_and_parents(column: &str) -> Option<(&str, &str)> {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = column.as_bytes();
    for start in 0..bytes.len() {
        if !word(bytes[start]) || (start > 0 && word(bytes[start - 1])) {
            continue;
        }
        let mut end = start;
        while end < bytes.len() && word(bytes[end]) {
            end += 1;
        }
        // Backtracking: any prefix of the word may be followed by the colon; only the whole
        // word can be.
        if bytes.get(end) != Some(&b':') {
            continue;
        }
        let list_start = end + 1;
        let mut list_end = list_start;
        while list_end < bytes.len() && (word(bytes[list_end]) || bytes[list_end] == b',') {
            list_end += 1;
        }
        if list_end > list_start {
            return Some((&column[start..end], &column[list_start..list_end]));
        }
    }
    None
}

fn zone_record(ctx: &mut Ctx<'_>, line: &Line, ip: &mut bool) {
    let zone_column = line.value(0).to_owned();
    let site = line.site;
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
    let (name, parents) = match zone_and_parents(&zone_column) {
        Some((name, parents)) => (name.to_owned(), Some(parents.to_owned())),
        None => (zone_column.clone(), None),
    };
    let name_site = narrow_site(ctx, line.site_of(0), &name);
    let error = |ctx: &mut Ctx<'_>, code: &'static str, site: Site, message: String| {
        ctx.diag(Diagnostic::error(code, site, message));
    };
    let parents: Vec<String> = match &parents {
        Some(list) => {
            if list.starts_with(',') || list.ends_with(',') || list.contains(",,") {
                error(
                    ctx,
                    "invalid-zone-name",
                    line.site_of(0),
                    format!("Invalid zone list ({list})"),
                );
                return;
            }
            list.split(',').map(str::to_owned).collect()
        }
        None => Vec::new(),
    };
    let valid_name = name
        .chars()
        .next()
        .is_some_and(|it| it.is_ascii_alphabetic())
        && name
            .chars()
            .all(|it| it.is_ascii_alphanumeric() || it == '_');
    if !valid_name {
        error(
            ctx,
            "invalid-zone-name",
            name_site,
            format!("Invalid zone name ({name})"),
        );
        return;
    }
    let max = ctx.model.settings.max_zone_name_length();
    if name.len() > max {
        error(
            ctx,
            "zone-name-too-long",
            name_site,
            format!("Zone name ({name}) too long: LOGFORMAT allows {max} characters"),
        );
        // The zone stays defined: its uses are not unknown zones too.
    }
    if RESERVED_ZONE_NAMES.contains(&name.as_str())
        || name.starts_with("all2")
        || name.ends_with("2all")
    {
        error(
            ctx,
            "invalid-zone-name",
            name_site,
            format!("Invalid zone name ({name})"),
        );
        return;
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
    if !line.is_known(1) {
        return;
    }
    let type_site = line.site_of(1);
    let family_digit = match ctx.model.family {
        Family::Ipv4 => "4",
        Family::Ipv6 => "6",
    };
    let lower = type_text.to_ascii_lowercase();
    let typed = |prefix: &str| -> Option<bool> {
        let rest = lower.strip_prefix(prefix)?;
        match rest {
            "" => Some(true),
            "4" | "6" => Some(rest == family_digit),
            _ => None,
        }
    };
    // A zone of an invalid type stays defined (as `ip`): its uses are not unknown zones too.
    let mut type_failed = false;
    let mut invalid_type = |ctx: &mut Ctx<'_>| {
        ctx.diag(Diagnostic::error(
            "invalid-zone-type",
            type_site,
            format!("Invalid zone type ({type_text})"),
        ));
        type_failed = true;
    };
    let kind = if lower == "ip" {
        ZoneType::Ip
    } else if let Some(ok) = typed("ipv") {
        if !ok || lower.len() != 4 {
            invalid_type(ctx);
        }
        ZoneType::Ip
    } else if let Some(ok) = typed("ipsec") {
        if !ok {
            invalid_type(ctx);
            return push_zone(ctx, line, name, ZoneType::Ip, type_text, parents, name_site);
        }
        if let Err(message) = ctx
            .model
            .capabilities
            .require("POLICY_MATCH", "IPSEC zones", "")
        {
            ctx.diag(Diagnostic::error("missing-capability", type_site, message));
            return;
        }
        ZoneType::Ipsec
    } else if let Some(ok) = typed("bport") {
        if !ok {
            invalid_type(ctx);
            return push_zone(ctx, line, name, ZoneType::Ip, type_text, parents, name_site);
        }
        let zone_bits = ctx.model.settings.get("ZONE_BITS");
        if parents.is_empty() && (zone_bits.is_empty() || zone_bits == "0") {
            ctx.diag(Diagnostic::warning(
                "invalid-zone-type",
                site,
                "Bridge Port zones should have a parent zone",
            ));
        }
        ZoneType::Bport
    } else {
        match type_text.as_str() {
            "firewall" => ZoneType::Firewall,
            "vserver" => ZoneType::Vserver,
            "-" => ZoneType::Ip,
            "local" => ZoneType::Local,
            "loopback" => ZoneType::Loopback,
            _ => {
                invalid_type(ctx);
                return push_zone(ctx, line, name, ZoneType::Ip, type_text, parents, name_site);
            }
        }
    };
    if type_failed {
        return push_zone(ctx, line, name, kind, type_text, parents, name_site);
    }
    if matches!(kind, ZoneType::Ip | ZoneType::Local) {
        *ip = true;
    }
    if kind == ZoneType::Firewall {
        if !parents.is_empty() {
            error(
                ctx,
                "invalid-zone-type",
                site,
                "Firewall zone may not be nested".to_owned(),
            );
            return;
        }
        if ctx.model.firewall_zone.is_some() {
            error(
                ctx,
                "invalid-zone-type",
                name_site,
                format!("Only one firewall zone may be defined ({name})"),
            );
            return;
        }
        ctx.model.firewall_zone = Some(name.clone());
    }
    if kind == ZoneType::Vserver && !parents.is_empty() {
        error(
            ctx,
            "invalid-zone-type",
            site,
            "Vserver zones may not be nested".to_owned(),
        );
        return;
    }
    for parent in &parents {
        let Some(parent_kind) = ctx.model.zone(parent).map(|it| it.kind) else {
            error(
                ctx,
                "unknown-zone",
                narrow_site(ctx, line.site_of(0), parent),
                format!("Unknown parent zone ({parent})"),
            );
            return;
        };
        let message = match parent_kind {
            ZoneType::Vserver => Some("Subzones of a Vserver zone not allowed"),
            ZoneType::Firewall => Some("Subzones of firewall zone not allowed"),
            _ if (kind == ZoneType::Loopback || parent_kind == ZoneType::Loopback)
                && kind != parent_kind =>
            {
                Some("Loopback zones may only be subzones of other loopback zones")
            }
            _ if (kind == ZoneType::Local || parent_kind == ZoneType::Local)
                && kind != parent_kind =>
            {
                Some("Local zones may only be subzones of other local zones")
            }
            _ => None,
        };
        if let Some(message) = message {
            error(ctx, "invalid-zone-type", site, message.to_owned());
            return;
        }
        ctx.model.references.push(Reference {
            site: narrow_site(ctx, line.site_of(0), parent),
            target: RefTarget::Zone(parent.clone()),
        });
    }
    // After an invalid option the zone stays defined: its uses are not unknown zones too.
    for (number, idx) in ZONE_OPTION_COLUMNS.into_iter().enumerate() {
        if !zone_options(ctx, line, idx, number + 1, kind) {
            break;
        }
    }
    push_zone(ctx, line, name, kind, type_text, parents, name_site);
}

/// Defines the zone of a zones line.
fn push_zone(
    ctx: &mut Ctx<'_>,
    line: &Line,
    name: String,
    kind: ZoneType,
    type_text: String,
    parents: Vec<String>,
    name_site: Site,
) {
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
        site: line.site,
        name_site,
    });
}

/// The part of `site` that holds `needle`, when it appears there exactly once.
fn narrow_site(ctx: &Ctx<'_>, site: Site, needle: &str) -> Site {
    let Some(file) = ctx.model.files.get(site.file) else {
        return site;
    };
    let start = usize::from(site.range.start());
    let end = usize::from(site.range.end());
    let Some(text) = file.text.get(start..end) else {
        return site;
    };
    let mut found = text.match_indices(needle);
    match (found.next(), found.next()) {
        (Some((offset, _)), None) if !needle.is_empty() => Site {
            file: site.file,
            range: TextRange::at(
                TextSize::from((start + offset) as u32),
                TextSize::from(needle.len() as u32),
            ),
        },
        _ => site,
    }
}

/// `parse_zone_option_list` for one options column (`column` 1, 2 or 3); false on an error.
fn zone_options(ctx: &mut Ctx<'_>, line: &Line, idx: usize, column: usize, kind: ZoneType) -> bool {
    let value = line.value(idx).to_owned();
    if value == "-" || !line.is_known(idx) {
        return true;
    }
    let site = line.site_of(idx);
    let error = |ctx: &mut Ctx<'_>, message: String| {
        ctx.diag(Diagnostic::error("invalid-zone-option", site, message));
        false
    };
    if kind == ZoneType::Loopback {
        return error(
            ctx,
            format!("The 'loopback' zone may not have {column} OPTIONS"),
        );
    }
    if value.starts_with(',') || value.ends_with(',') || value.contains(",,") {
        return error(ctx, format!("Invalid option list ({value})"));
    }
    for option in value.split(',') {
        // `([\w-]+)!?=(.+)`, unanchored.
        let (name, option_value) = match option.find('=') {
            Some(pos) if pos + 1 < option.len() => {
                let before = option[..pos].trim_end_matches('!');
                let start = before
                    .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                    .map_or(0, |it| it + 1);
                (&before[start..], Some(&option[pos + 1..]))
            }
            _ => (option, None),
        };
        let Some(format) = zone_option(name) else {
            return error(ctx, format!("Invalid Option ({name})"));
        };
        match (format, option_value) {
            (ZoneOptionValue::Nothing, Some(_)) => {
                return error(ctx, format!("Option \"{name}\" does not take a value"));
            }
            (ZoneOptionValue::Nothing, None) => {}
            (_, None) => return error(ctx, format!("Missing value for option \"{name}\"")),
            (format, Some(option_value)) => {
                let valid = match format {
                    ZoneOptionValue::Numeric => {
                        option_value.strip_prefix("0x").is_some_and(|hex| {
                            !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit())
                        }) || (!option_value.is_empty()
                            && option_value.bytes().all(|b| b.is_ascii_digit()))
                    }
                    ZoneOptionValue::IpsecProto => {
                        matches!(option_value, "ah" | "esp" | "ipcomp")
                    }
                    ZoneOptionValue::IpsecMode => matches!(option_value, "tunnel" | "transport"),
                    ZoneOptionValue::Network => network_pattern(option_value, ctx.model.family),
                    ZoneOptionValue::Nothing => true,
                };
                if !valid {
                    return error(
                        ctx,
                        format!("Invalid value ({option_value}) for option \"{name}\""),
                    );
                }
                if name == "mss" {
                    if let Err(message) = ctx.model.capabilities.require(
                        "TCPMSS_TARGET",
                        &format!("mss={option_value}"),
                        "s",
                    ) {
                        return error(ctx, message);
                    }
                }
            }
        }
        match name {
            "mss" => {}
            "blacklist" | "nomark" | "dynamic_shared" => {
                let nofw = name != "dynamic_shared";
                if nofw && matches!(kind, ZoneType::Firewall | ZoneType::Vserver) {
                    return error(
                        ctx,
                        format!("Option '{name}' not permitted with this zone type "),
                    );
                }
                if name != "blacklist" && column != 1 {
                    return error(
                        ctx,
                        format!("Option '{name}' is only permitted in the OPTIONS columns"),
                    );
                }
                if name == "blacklist" {
                    ctx.diag(Diagnostic::warning(
                        "invalid-zone-option",
                        site,
                        "The 'blacklist' option is no longer supported",
                    ));
                }
            }
            _ => {
                if kind != ZoneType::Ipsec {
                    return error(
                        ctx,
                        format!("The \"{name}\" option may only be specified for ipsec zones"),
                    );
                }
            }
        }
    }
    true
}

/// Zones.pm's NETWORK pattern for `tunnel-src`/`tunnel-dst`.
fn network_pattern(value: &str, family: Family) -> bool {
    match family {
        Family::Ipv4 => {
            // `\d+.\d+.\d+.\d+(\/\d+)?` (the dots match any character).
            let (address, vlsm) = match value.split_once('/') {
                Some((address, vlsm)) => (address, Some(vlsm)),
                None => (value, None),
            };
            let digits = address
                .split(|c: char| !c.is_ascii_digit())
                .filter(|it| !it.is_empty())
                .count();
            digits == 4
                && address.starts_with(|c: char| c.is_ascii_digit())
                && address.ends_with(|c: char| c.is_ascii_digit())
                && vlsm.is_none_or(|it| !it.is_empty() && it.bytes().all(|b| b.is_ascii_digit()))
        }
        Family::Ipv6 => {
            // `(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}` (`(?:\/d+)?` is a typo for `\d`).
            let address = value.strip_suffix("/d").unwrap_or(value);
            let groups: Vec<&str> = address.split(':').collect();
            (3..=8).contains(&groups.len())
                && groups
                    .iter()
                    .all(|it| it.len() <= 4 && it.bytes().all(|b| b.is_ascii_hexdigit()))
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
    Numeric,
    IpList,
    Text,
    Obsolete,
}

/// `%validinterfaceoptions`: the type, whether a multi-zone interface may have it
/// (`IF_OPTION_ZONEONLY`), and whether a bridge port may (`IF_OPTION_HOST`).
fn interface_option_type(name: &str, family: Family) -> Option<(OptionType, bool, bool)> {
    use OptionType::*;
    let common = match name {
        "blacklist" | "destonly" | "maclist" | "nosmurfs" => Some((Simple, false, true)),
        "bridge" | "dhcp" | "nodbl" | "optional" | "required" | "rpfilter" | "unmanaged"
        | "upnp" | "upnpclient" => Some((Simple, false, false)),
        "dbl" => Some((Enum, false, false)),
        "ignore" | "mss" | "wait" => Some((Numeric, false, false)),
        "loopback" | "sourceroute" => Some((Binary, false, false)),
        "tcpflags" => Some((Binary, false, true)),
        "routeback" => Some((Binary, true, true)),
        "nets" => Some((IpList, true, false)),
        "sfilter" => Some((IpList, false, false)),
        "physical" => Some((Text, false, true)),
        _ => None,
    };
    if common.is_some() {
        return common;
    }
    match family {
        Family::Ipv4 => match name {
            "arp_filter" | "logmartians" | "proxyarp" => Some((Binary, false, false)),
            "arp_ignore" => Some((Enum, false, false)),
            "routefilter" => Some((Numeric, false, false)),
            "detectnets" | "norfc1918" => Some((Obsolete, false, false)),
            _ => None,
        },
        Family::Ipv6 => match name {
            "accept_ra" => Some((Numeric, false, false)),
            "omitanycast" => Some((Simple, false, false)),
            "proxyndp" | "forward" => Some((Binary, false, false)),
            _ => None,
        },
    }
}

/// `%maxoptionvalue` and `%defaultinterfaceoptions`.
fn numeric_option(name: &str) -> (u64, Option<&'static str>) {
    match name {
        "routefilter" => (2, Some("1")),
        "mss" => (100_000, None),
        "wait" => (300, Some("60")),
        "ignore" => (3, Some("3")),
        "accept_ra" => (2, Some("1")),
        _ => (u64::MAX, None),
    }
}

/// `%prohibitunmanaged`.
const PROHIBIT_UNMANAGED: &[&str] = &[
    "blacklist",
    "bridge",
    "destonly",
    "detectnets",
    "dhcp",
    "maclist",
    "nets",
    "norfc1918",
    "nosmurfs",
    "optional",
    "routeback",
    "rpfilter",
    "sfilter",
    "tcpflags",
    "upnp",
    "upnpclient",
];

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

/// `process_interface`.
fn interface_record(ctx: &mut Ctx<'_>, line: &Line) {
    let options_idx = if line.values.len() == 4 { 3 } else { 2 };
    let zone_text = line.value(0).to_owned();
    let zone = (zone_text != "-").then(|| zone_text.clone());
    let mut zone_kind = None;
    let error = |ctx: &mut Ctx<'_>, code: &'static str, site: Site, message: String| {
        ctx.diag(Diagnostic::error(code, site, message));
    };
    if let Some(zone_name) = &zone {
        if line.is_known(0) && ctx.model.zones_checked {
            match ctx.model.zones.iter().find(|it| &it.name == zone_name) {
                None => {
                    error(
                        ctx,
                        "unknown-zone",
                        line.site_of(0),
                        format!("Unknown zone ({zone_name})"),
                    );
                    return;
                }
                Some(it) if it.kind == ZoneType::Firewall => {
                    error(
                        ctx,
                        "invalid-interface-option",
                        line.site_of(0),
                        "Firewall zone not allowed in ZONE column of interface record".to_owned(),
                    );
                    return;
                }
                Some(it) => zone_kind = Some(it.kind),
            }
        }
        ctx.model.references.push(Reference {
            site: line.site_of(0),
            target: RefTarget::Zone(zone_name.clone()),
        });
    }
    let column = line.value(1).to_owned();
    if column == "-" {
        error(
            ctx,
            "invalid-interface-option",
            line.site,
            "INTERFACE must be specified".to_owned(),
        );
        return;
    }
    if !line.is_known(1) {
        return;
    }
    let name_site = line.site_of(1);
    let mut parts = column.splitn(3, ':');
    let first = parts.next().unwrap_or("").to_owned();
    let port = parts.next().map(str::to_owned);
    let extra = parts.next();
    if first.contains(['(', ')', '[', ']', '*', '?', '%']) {
        error(
            ctx,
            "invalid-interface-option",
            name_site,
            format!("Invalid interface name ({first})"),
        );
        return;
    }
    if first.is_empty() || extra.is_some() {
        error(
            ctx,
            "invalid-interface-option",
            name_site,
            format!("Invalid INTERFACE ({column})"),
        );
        return;
    }
    let existing = |ctx: &Ctx<'_>, name: &str| {
        ctx.model
            .interfaces
            .iter()
            .find(|it| it.name == name || it.physical == name)
            .map(|it| it.name_site)
    };
    let (name, bridge) = match port {
        Some(port) => {
            if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) {
                error(
                    ctx,
                    "invalid-interface-option",
                    name_site,
                    "\"Virtual\" interfaces are not supported -- see https://shorewall.org/Shorewall_and_Aliased_Interfaces.html".to_owned(),
                );
                return;
            }
            if let Err(message) =
                ctx.model
                    .capabilities
                    .require("PHYSDEV_MATCH", "Bridge Ports", "")
            {
                error(ctx, "missing-capability", name_site, message);
                return;
            }
            let valid_port = {
                let body = port.strip_suffix('+').unwrap_or(&port);
                !body.is_empty()
                    && body
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_.@%-".contains(c))
            };
            if !valid_port {
                error(
                    ctx,
                    "invalid-interface-option",
                    name_site,
                    format!("Invalid Interface Name ({first}:{port})"),
                );
                return;
            }
            if let Some(first_site) = existing(ctx, &port) {
                ctx.diag(
                    Diagnostic::error(
                        "duplicate-interface",
                        name_site,
                        format!("Duplicate Interface ({port})"),
                    )
                    .with_related(first_site, "first defined here"),
                );
                return;
            }
            let is_bridge = ctx
                .model
                .interfaces
                .iter()
                .any(|it| it.name == first && it.has_option("bridge"));
            if !is_bridge {
                error(
                    ctx,
                    "invalid-interface-option",
                    name_site,
                    format!("{first} is not a defined bridge"),
                );
                return;
            }
            if zone.is_some() && zone_kind.is_some_and(|it| it != ZoneType::Bport) {
                error(
                    ctx,
                    "invalid-interface-option",
                    name_site,
                    "Bridge Ports may only be associated with 'bport' zones".to_owned(),
                );
                return;
            }
            (port, Some(first))
        }
        None => {
            if let Some(first_site) = existing(ctx, &first) {
                ctx.diag(
                    Diagnostic::error(
                        "duplicate-interface",
                        name_site,
                        format!("Duplicate Interface ({first})"),
                    )
                    .with_related(first_site, "first defined here"),
                );
                return;
            }
            if zone.is_some() && zone_kind == Some(ZoneType::Bport) {
                error(
                    ctx,
                    "invalid-interface-option",
                    name_site,
                    "Zones of type 'bport' may only be associated with bridge ports".to_owned(),
                );
                return;
            }
            if zone.is_some() && zone_kind == Some(ZoneType::Vserver) {
                error(
                    ctx,
                    "invalid-interface-option",
                    name_site,
                    "Vserver zones may not be associated with interfaces".to_owned(),
                );
                return;
            }
            (first, None)
        }
    };
    let wildcard = name.ends_with('+');
    if line.values.len() == 4 {
        let broadcasts = line.value(2);
        if broadcasts != "-" && broadcasts != "detect" {
            for address in broadcasts.split(',') {
                if !address::valid_ipv4(address) {
                    error(
                        ctx,
                        "invalid-address",
                        line.site_of(2),
                        "Invalid BROADCAST address".to_owned(),
                    );
                    return;
                }
            }
        }
    }
    let mut options: Vec<(String, Option<String>)> = Vec::new();
    let mut physical = name.clone();
    let options_text = line.value(options_idx).to_owned();
    let site = line.site_of(options_idx);
    let option_error = |ctx: &mut Ctx<'_>, message: String| {
        ctx.diag(Diagnostic::error("invalid-interface-option", site, message));
    };
    let mut nets_seen = false;
    let mut sfilter = false;
    if options_text == "ignore" {
        if zone.is_some() {
            option_error(
                ctx,
                "Ignored interfaces may not be associated with a zone".to_owned(),
            );
            return;
        }
        options.push(("ignore".to_owned(), None));
    } else if options_text != "-" && line.is_known(options_idx) {
        if options_text.starts_with(',')
            || options_text.ends_with(',')
            || options_text.contains(",,")
        {
            option_error(ctx, format!("Invalid option list ({options_text})"));
            return;
        }
        // Where the column is written as read (no `$VAR` in it), an error about one option is
        // placed on that option, so that Shorewall's first error (it stops there) comes first.
        let literal = ctx
            .model
            .file(site.file)
            .and_then(|it| it.text.get(std::ops::Range::<usize>::from(site.range)))
            == Some(options_text.as_str());
        let mut offset = 0usize;
        for option in options_text.split(',') {
            let option_site = match (u32::try_from(offset), u32::try_from(option.len())) {
                (Ok(start), Ok(len)) if literal => Site {
                    file: site.file,
                    range: TextRange::at(site.range.start() + TextSize::from(start), len.into()),
                },
                _ => site,
            };
            offset += option.len() + 1;
            let (option_name, value) = match option.split_once('=') {
                Some((it, value)) => (it.to_owned(), Some(value.to_owned())),
                None => (option.to_owned(), None),
            };
            let Some((kind, zoneonly, hostopt)) =
                interface_option_type(&option_name, ctx.model.family)
            else {
                ctx.diag(Diagnostic::error(
                    "invalid-interface-option",
                    option_site,
                    format!("Invalid Interface option ({option_name})"),
                ));
                // The interface stays defined without it: its zone is not empty, its uses
                // are not unknown interfaces.
                continue;
            };
            // Shorewall 5.2.8 masks the option's type to its kind before it tests
            // IF_OPTION_ZONEONLY, so a multi-zone interface takes `routeback` (`nets=` has a
            // check of its own below).
            let _ = zoneonly;
            if bridge.is_some() && !hostopt {
                option_error(
                    ctx,
                    format!("The \"{option_name}\" option is not allowed on a bridge port"),
                );
                return;
            }
            let ok = match kind {
                OptionType::Simple => {
                    if value.is_some() {
                        option_error(ctx, format!("Option {option_name} does not take a value"));
                        false
                    } else {
                        if option_name == "blacklist" {
                            ctx.diag(Diagnostic::warning(
                                "invalid-interface-option",
                                site,
                                "The 'blacklist' interface option is no longer supported",
                            ));
                        }
                        true
                    }
                }
                OptionType::Binary => match value.as_deref() {
                    None | Some("0") | Some("1") => true,
                    Some(_) => {
                        option_error(
                            ctx,
                            format!("Option value for '{option_name}' must be 0 or 1"),
                        );
                        false
                    }
                },
                OptionType::Enum if option_name == "arp_ignore" => {
                    if wildcard {
                        option_error(
                            ctx,
                            "The 'arp_ignore' option may not be used with a wild-card interface name".to_owned(),
                        );
                        false
                    } else if value
                        .as_deref()
                        .is_some_and(|it| !matches!(it, "1" | "2" | "3" | "8" | ","))
                    {
                        option_error(
                            ctx,
                            format!(
                                "Invalid value ({}) for arp_ignore",
                                value.as_deref().unwrap_or("")
                            ),
                        );
                        false
                    } else {
                        true
                    }
                }
                OptionType::Enum => match value.as_deref() {
                    None => {
                        option_error(ctx, "The 'dbl' option requires a value".to_owned());
                        false
                    }
                    Some("none" | "src" | "dst" | "src-dst") => true,
                    Some(it) => {
                        option_error(ctx, format!("Invalid setting ({it}) for 'dbl'"));
                        false
                    }
                },
                OptionType::Numeric => {
                    let (max, default) = numeric_option(&option_name);
                    match value.as_deref().or(default) {
                        None => {
                            option_error(
                                ctx,
                                format!("The '{option_name}' option requires a value"),
                            );
                            false
                        }
                        Some(text) => {
                            // `numeric_value` takes a sign, and a negative value is below
                            // any maximum.
                            let valid = match text.strip_prefix('-') {
                                Some(magnitude) => parse_number(magnitude).is_some(),
                                None => parse_number(text).is_some_and(|it| it <= max),
                            };
                            if !valid {
                                option_error(
                                    ctx,
                                    format!("Invalid value ({text}) for option {option_name}"),
                                );
                                false
                            } else if option_name == "mss" {
                                match ctx.model.capabilities.require(
                                    "TCPMSS_TARGET",
                                    &format!("mss={text}"),
                                    "s",
                                ) {
                                    Ok(()) => true,
                                    Err(message) => {
                                        option_error(ctx, message);
                                        false
                                    }
                                }
                            } else if option_name == "ignore" && parse_number(text) == Some(0) {
                                option_error(ctx, "Invalid value ignore=0".to_owned());
                                false
                            } else {
                                true
                            }
                        }
                    }
                }
                OptionType::IpList => {
                    match value.as_deref() {
                        None => {
                            option_error(
                                ctx,
                                format!("The '{option_name}' option requires a value"),
                            );
                            false
                        }
                        Some(text) if option_name == "nets" => {
                            if zone.is_none() {
                                option_error(
                                    ctx,
                                    "\"nets=\" may not be specified for a multi-zone interface"
                                        .to_owned(),
                                );
                                false
                            } else if nets_seen {
                                option_error(ctx, "Duplicate nets option".to_owned());
                                false
                            } else if text.is_empty() {
                                // `split_list ''` is an empty list: no networks, no error.
                                nets_seen = true;
                                true
                            } else if text == "dynamic" {
                                nets_seen = true;
                                match ctx
                                    .model
                                    .capabilities
                                    .require("IPSET_V5", "Dynamic nets", "")
                                {
                                    Ok(()) => true,
                                    Err(message) => {
                                        ctx.diag(Diagnostic::error(
                                            "missing-capability",
                                            site,
                                            message,
                                        ));
                                        false
                                    }
                                }
                            } else {
                                nets_seen = true;
                                // Checked when the zone's host group is added.
                                check_networks(ctx, site, zone.as_deref(), text)
                            }
                        }
                        Some(text) => {
                            sfilter = true;
                            let family = ctx.model.family;
                            let mut ok = true;
                            for net in text.split(',') {
                                if let Err(message) = address::validate_net(net, family, false) {
                                    ctx.diag(Diagnostic::error("invalid-address", site, message));
                                    ok = false;
                                    break;
                                }
                            }
                            ok
                        }
                    }
                }
                OptionType::Text => match value.as_deref() {
                    None | Some("") => {
                        option_error(ctx, format!("The '{option_name}' option requires a value"));
                        false
                    }
                    Some(text) => {
                        let is_virtual = text.rsplit_once(':').is_some_and(|(_, it)| {
                            !it.is_empty() && it.bytes().all(|b| b.is_ascii_digit())
                        });
                        if is_virtual {
                            option_error(
                                ctx,
                                format!("Virtual interfaces ({text}) are not supported"),
                            );
                            false
                        } else if bridge.is_none()
                            && ctx
                                .model
                                .interfaces
                                .iter()
                                .any(|it| it.name == text || it.physical == text)
                        {
                            option_error(
                                ctx,
                                format!("Duplicate physical interface name ({text})"),
                            );
                            false
                        } else if wildcard && !text.ends_with('+') {
                            option_error(
                                ctx,
                                format!(
                                    "The type of 'physical' name ({text}) doesn't match the type of interface name ({name})"
                                ),
                            );
                            false
                        } else {
                            physical = text.to_owned();
                            true
                        }
                    }
                },
                OptionType::Obsolete => {
                    ctx.diag(Diagnostic::warning(
                        "invalid-interface-option",
                        site,
                        format!("Support for the {option_name} interface option has been removed from Shorewall"),
                    ));
                    true
                }
            };
            if !ok {
                return;
            }
            options.push((option_name, value));
        }
        let has = |name: &str| {
            options
                .iter()
                .any(|(it, value)| it == name && value.as_deref() != Some("0"))
        };
        if (has("required") && has("optional"))
            || (has("required") && has("ignore"))
            || (has("optional") && has("ignore"))
        {
            option_error(
                ctx,
                "The 'required', 'optional' and 'ignore' options are mutually exclusive".to_owned(),
            );
            return;
        }
        let routefilter = options
            .iter()
            .any(|(it, value)| it == "routefilter" && value.as_deref() != Some("0"));
        if has("rpfilter") {
            if let Err(message) =
                ctx.model
                    .capabilities
                    .require("RPFILTER_MATCH", "The 'rpfilter' option", "s")
            {
                option_error(ctx, message);
                return;
            }
            if routefilter || sfilter {
                option_error(
                    ctx,
                    "The 'routefilter', 'sfilter' and 'rpfilter' options are mutually exclusive"
                        .to_owned(),
                );
                return;
            }
        } else if routefilter && sfilter {
            option_error(
                ctx,
                "The 'routefilter', 'sfilter' and 'rpfilter' options are mutually exclusive"
                    .to_owned(),
            );
            return;
        }
        if has("bridge") {
            if let Err(message) =
                ctx.model
                    .capabilities
                    .require("PHYSDEV_MATCH", "The \"bridge\" option", "s")
            {
                option_error(ctx, message);
                return;
            }
            if physical.ends_with('+') {
                option_error(ctx, "Bridges may not have wildcard names".to_owned());
                return;
            }
        }
    }
    let has = |name: &str| {
        options
            .iter()
            .any(|(it, value)| it == name && value.as_deref() != Some("0"))
    };
    let loopback = has("loopback") || physical == "lo";
    if loopback {
        let other = ctx.model.interfaces.iter().any(|it| {
            it.physical == "lo"
                || it
                    .options
                    .iter()
                    .any(|(option, value)| option == "loopback" && value.as_deref() != Some("0"))
        });
        if other {
            option_error(ctx, "Only one 'loopback' interface is allowed".to_owned());
            return;
        }
    }
    if has("unmanaged") {
        if let Some((option, _)) = options
            .iter()
            .find(|(it, _)| PROHIBIT_UNMANAGED.contains(&it.as_str()))
        {
            option_error(
                ctx,
                format!("The {option} option may not be specified with 'unmanaged'"),
            );
            return;
        }
    }
    if let Some(zone_name) = &zone {
        if has("unmanaged") {
            option_error(
                ctx,
                "Unmanaged interfaces may not be associated with a zone".to_owned(),
            );
            return;
        }
        if loopback {
            if zone_kind.is_some_and(|it| it != ZoneType::Loopback) {
                option_error(
                    ctx,
                    format!("Only a loopback zone may be assigned to '{physical}'"),
                );
                return;
            }
        } else if zone_kind == Some(ZoneType::Loopback) {
            option_error(
                ctx,
                "A loopback zone may only be assigned to the loopback interface".to_owned(),
            );
            return;
        }
        let _ = zone_name;
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

/// The networks of a `nets=` option, as `add_group_to_zone` validates them.
fn check_networks(ctx: &mut Ctx<'_>, site: Site, zone: Option<&str>, text: &str) -> bool {
    let text = if text.starts_with('!') {
        format!("{},{text}", all_ip(ctx.model.family))
    } else {
        text.to_owned()
    };
    let text = text.strip_prefix('(').unwrap_or(&text);
    let text = text.strip_suffix(')').unwrap_or(text);
    let family = ctx.model.family;
    let _ = zone;
    for net in text.split(',') {
        let host = net.strip_prefix('!').unwrap_or(net);
        if host.starts_with('+') {
            continue;
        }
        if let Err(message) = address::validate_host(host, family, false) {
            ctx.diag(Diagnostic::error("invalid-address", site, message));
            return false;
        }
    }
    true
}

fn all_ip(family: Family) -> &'static str {
    match family {
        Family::Ipv4 => "0.0.0.0/0",
        Family::Ipv6 => "::/0",
    }
}

pub(crate) fn read_hosts(ctx: &mut Ctx<'_>) {
    let Some(file) = ctx.load_config_file("hosts", FileKind::Hosts) else {
        zone_report(ctx);
        return;
    };
    let events = reader::read(ctx, file, ReadOptions::default());
    for event in events {
        if let Event::Record(line) = event {
            host_record(ctx, &line);
        }
    }
    zone_report(ctx);
}

/// `process_host`.
fn host_record(ctx: &mut Ctx<'_>, line: &Line) {
    let zone = line.value(0).to_owned();
    let hosts = line.value(1).to_owned();
    let error = |ctx: &mut Ctx<'_>, code: &'static str, site: Site, message: String| {
        ctx.diag(Diagnostic::error(code, site, message));
    };
    if zone == "-" {
        error(
            ctx,
            "invalid-host",
            line.site,
            "ZONE must be specified".to_owned(),
        );
        return;
    }
    if hosts == "-" {
        error(
            ctx,
            "invalid-host",
            line.site,
            "HOSTS must be specified".to_owned(),
        );
        return;
    }
    let mut kind = None;
    if line.is_known(0) {
        ctx.model.references.push(Reference {
            site: line.site_of(0),
            target: RefTarget::Zone(zone.clone()),
        });
        match ctx.model.zones.iter().find(|it| it.name == zone) {
            None if ctx.model.zones_checked => {
                error(
                    ctx,
                    "unknown-zone",
                    line.site_of(0),
                    format!("Unknown ZONE ({zone})"),
                );
                return;
            }
            Some(it) if it.kind == ZoneType::Firewall => {
                error(
                    ctx,
                    "invalid-host",
                    line.site_of(0),
                    "Firewall zone not allowed in ZONE column of hosts record".to_owned(),
                );
                return;
            }
            Some(it) => kind = Some(it.kind),
            None => {}
        }
    }
    if !line.is_known(1) {
        return;
    }
    let hosts_site = line.site_of(1);
    let Some((interface, addresses)) = split_host_column(&hosts, ctx.model.family) else {
        error(
            ctx,
            "invalid-host",
            hosts_site,
            format!("Invalid HOST(S) column contents: {hosts}"),
        );
        return;
    };
    let Some(interface_def) = ctx
        .model
        .interfaces
        .iter()
        .find(|it| it.name == interface || it.physical == interface)
        .cloned()
    else {
        error(
            ctx,
            "unknown-interface",
            narrow_site(ctx, hosts_site, &interface),
            format!("Unknown interface ({interface})"),
        );
        return;
    };
    ctx.model.references.push(Reference {
        site: narrow_site(ctx, hosts_site, &interface),
        target: RefTarget::Interface(interface_def.name.clone()),
    });
    if ctx.model.family == Family::Ipv6 {
        if interface_def.has_option("unmanaged") {
            error(
                ctx,
                "invalid-host",
                hosts_site,
                "Unmanaged interfaces may not be associated with a zone".to_owned(),
            );
            return;
        }
        let is_loopback = interface_def.physical == "lo" || interface_def.has_option("loopback");
        if is_loopback && kind.is_some_and(|it| it != ZoneType::Loopback) {
            error(
                ctx,
                "invalid-host",
                hosts_site,
                format!(
                    "Only a loopback zone may be associated with the loopback interface ({})",
                    interface_def.physical
                ),
            );
            return;
        }
        if !is_loopback && kind == Some(ZoneType::Loopback) {
            error(
                ctx,
                "invalid-host",
                hosts_site,
                "Loopback zones may only be associated with the loopback interface (lo)".to_owned(),
            );
            return;
        }
    }
    let body = addresses.strip_prefix('!').unwrap_or(&addresses);
    if let Some(set) = body.strip_prefix('+') {
        if addresses.contains(['[', ']']) {
            error(
                ctx,
                "invalid-host",
                hosts_site,
                "ipset name qualification is disallowed in this file".to_owned(),
            );
            return;
        }
        let valid = set
            .chars()
            .next()
            .is_some_and(|it| it.is_ascii_alphabetic())
            && set
                .chars()
                .all(|it| it.is_ascii_alphanumeric() || it == '_' || it == '-');
        if !valid {
            error(
                ctx,
                "invalid-host",
                hosts_site,
                format!("Invalid ipset name ({addresses})"),
            );
            return;
        }
    }
    let options: Vec<String> = if line.value(2) == "-" {
        Vec::new()
    } else {
        line.value(2).split(',').map(str::to_owned).collect()
    };
    let v4 = ctx.model.family == Family::Ipv4;
    for option in &options {
        if !line.is_known(2) {
            break;
        }
        let site = line.site_of(2);
        let valid = match option.as_str() {
            "ipsec" => {
                match ctx
                    .model
                    .capabilities
                    .require("POLICY_MATCH", "The 'ipsec' option", "s")
                {
                    Ok(()) => true,
                    Err(message) => {
                        error(ctx, "missing-capability", site, message);
                        return;
                    }
                }
            }
            "norfc1918" => {
                ctx.diag(Diagnostic::warning(
                    "invalid-host",
                    site,
                    "The 'norfc1918' host option is no longer supported",
                ));
                true
            }
            "blacklist" => {
                ctx.diag(Diagnostic::warning(
                    "invalid-host",
                    site,
                    "The 'blacklist' option is no longer supported",
                ));
                true
            }
            "maclist" | "routeback" | "tcpflags" => true,
            "nosmurfs" | "broadcast" | "destonly" | "sourceonly" => v4,
            other => {
                if let Some(mss) = other
                    .strip_prefix("mss=")
                    .filter(|it| !it.is_empty() && it.bytes().all(|b| b.is_ascii_digit()))
                {
                    if mss.parse::<u64>().unwrap_or(0) < 500 {
                        error(ctx, "invalid-host", site, format!("Invalid mss ({mss})"));
                        return;
                    }
                    true
                } else {
                    false
                }
            }
        };
        if !valid {
            error(
                ctx,
                "invalid-host",
                line.site_of(2),
                format!("Invalid option ({option})"),
            );
            return;
        }
    }
    if addresses.contains(",!") {
        error(
            ctx,
            "invalid-host",
            hosts_site,
            "Invalid hosts list".to_owned(),
        );
        return;
    }
    let list = addresses.replace('!', ",!");
    let list = if list.starts_with(",!") {
        format!("{}{list}", all_ip(ctx.model.family))
    } else {
        list
    };
    if list == "dynamic" {
        if kind == Some(ZoneType::Vserver) {
            error(
                ctx,
                "invalid-host",
                hosts_site,
                "Vserver zones may not be dynamic".to_owned(),
            );
            return;
        }
        if let Err(message) = ctx
            .model
            .capabilities
            .require("IPSET_MATCH", "Dynamic nets", "")
        {
            error(ctx, "missing-capability", hosts_site, message);
            return;
        }
    } else if !add_group(
        ctx,
        &zone,
        kind,
        &interface_def,
        &list,
        hosts_site,
        &options,
    ) {
        return;
    }
    ctx.model.hosts.push(Host {
        zone,
        interface,
        hosts: addresses,
        options,
        site: line.site,
    });
}

/// `add_group_to_zone`'s checks of a hosts line's list.
fn add_group(
    ctx: &mut Ctx<'_>,
    zone: &str,
    kind: Option<ZoneType>,
    interface: &Interface,
    list: &str,
    site: Site,
    options: &[String],
) -> bool {
    let ipsec = options.iter().any(|it| it == "ipsec");
    let family = ctx.model.family;
    if list.is_empty() {
        return true;
    }
    if list.starts_with(',') || list.ends_with(',') || list.contains(",,") {
        ctx.diag(Diagnostic::error(
            "invalid-host",
            site,
            format!("Invalid host list ({list})"),
        ));
        return false;
    }
    let mut switched = false;
    let mut new_networks = 0;
    let same_type = match kind {
        Some(ZoneType::Ipsec) => ipsec,
        Some(_) => !ipsec,
        None => false,
    };
    for host in list.split(',') {
        let host = match host.strip_prefix('!') {
            Some(rest) => {
                if switched {
                    ctx.diag(Diagnostic::error(
                        "invalid-host",
                        site,
                        "Only one exclusion allowed in a host list",
                    ));
                    return false;
                }
                switched = true;
                rest
            }
            None => host,
        };
        if let Some(set) = host.strip_prefix('+') {
            let name = set.strip_prefix("6_").unwrap_or(set);
            let valid = name
                .chars()
                .next()
                .is_some_and(|it| it.is_ascii_alphabetic())
                && name
                    .chars()
                    .all(|it| it.is_ascii_alphanumeric() || it == '_' || it == '-');
            if !valid {
                ctx.diag(Diagnostic::error(
                    "invalid-host",
                    site,
                    format!("Invalid ipset name ({host})"),
                ));
                return false;
            }
            if let Err(message) =
                ctx.model
                    .capabilities
                    .require("IPSET_MATCH", "Ipset names in host lists", "")
            {
                ctx.diag(Diagnostic::error("missing-capability", site, message));
                return false;
            }
        } else if let Err(message) = address::validate_host(host, family, false) {
            let code = if message.contains("VLSM") {
                "invalid-prefix-length"
            } else {
                "invalid-address"
            };
            ctx.diag(Diagnostic::error(code, site, message));
            return false;
        }
        if !switched && same_type {
            // The interface's zone already has all of it (`$interfaces{$interface}{zone}`).
            let all = interface.zone.as_deref() == Some(zone)
                && !interface.options.iter().any(|(it, _)| it == "nets");
            if all {
                ctx.diag(Diagnostic::error(
                    "invalid-host",
                    site,
                    format!(
                        "Duplicate Host Group ({}:{host}) in zone {zone}",
                        interface.name
                    ),
                ));
                return false;
            }
            new_networks += 1;
        }
    }
    let _ = new_networks;
    true
}

/// `interface:addresses` as the hosts file allows it, per family, with the list as Shorewall
/// keeps it (`<...>` and `[...]` removed).
fn split_host_column(hosts: &str, family: Family) -> Option<(String, String)> {
    let is_iface = |it: &str| {
        let it = it.strip_suffix('+').unwrap_or(it);
        !it.is_empty()
            && it
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.@%-".contains(c))
    };
    match family {
        Family::Ipv4 => {
            let (interface, rest) = hosts.split_once(':')?;
            is_iface(interface).then(|| (interface.to_owned(), rest.to_owned()))
        }
        Family::Ipv6 => {
            // `iface:<list>`, `iface[list]`, `iface:!?[...](/n)?`, `iface:!?+...`, `iface:dynamic`.
            if let Some((interface, rest)) = hosts.split_once(':') {
                if is_iface(interface) {
                    if let Some(inner) = rest.strip_prefix('<').and_then(|it| it.strip_suffix('>'))
                    {
                        return Some((interface.to_owned(), inner.to_owned()));
                    }
                    let body = rest.strip_prefix('!').unwrap_or(rest);
                    let bracketed = body.starts_with('[') && {
                        let close = body.rfind(']');
                        close.is_some_and(|close| {
                            let tail = &body[close + 1..];
                            close > 1
                                && (tail.is_empty()
                                    || tail.strip_prefix('/').is_some_and(|it| {
                                        !it.is_empty() && it.bytes().all(|b| b.is_ascii_digit())
                                    }))
                        })
                    };
                    if bracketed {
                        return Some((interface.to_owned(), rest.replace(['[', ']'], "")));
                    }
                    if body.starts_with('+') || rest == "dynamic" {
                        return Some((interface.to_owned(), rest.to_owned()));
                    }
                }
            }
            let open = hosts.find('[')?;
            let interface = &hosts[..open];
            let inner = hosts[open + 1..].strip_suffix(']')?;
            is_iface(interface).then(|| (interface.to_owned(), inner.to_owned()))
        }
    }
}

/// `zone_report`: bridge port zones need a bridge; other zones without hosts are empty.
fn zone_report(ctx: &mut Ctx<'_>) {
    if !ctx.model.zones_checked {
        return;
    }
    let Some(interfaces_file) = ctx.model.config_file("interfaces") else {
        return;
    };
    let zones = ctx.model.zones.clone();
    for zone in &zones {
        let has_hosts = ctx
            .model
            .interfaces
            .iter()
            .any(|it| it.zone.as_deref() == Some(&zone.name))
            || ctx.model.hosts.iter().any(|it| it.zone == zone.name);
        if has_hosts || zone.kind == ZoneType::Firewall {
            continue;
        }
        if zone.kind == ZoneType::Bport {
            ctx.diag(
                Diagnostic::error(
                    "invalid-zone-type",
                    ctx.eof_site(interfaces_file),
                    format!("No bridge has been associated with zone {}", zone.name),
                )
                .with_related(zone.name_site, "the zone"),
            );
            continue;
        }
        ctx.diag(Diagnostic::warning(
            "empty-zone",
            zone.name_site,
            format!("*** {} is an EMPTY ZONE ***", zone.name),
        ));
    }
}

/// `$zoneref->{bridge}`: the bridge of a bridge port zone's ports (from the interfaces file,
/// then the hosts file), empty for other zones.
pub(crate) fn zone_bridge(model: &Model, zone: &str) -> String {
    if model.zone(zone).map(|it| it.kind) != Some(ZoneType::Bport) {
        return String::new();
    }
    let from_interfaces = model
        .interfaces
        .iter()
        .filter(|it| it.zone.as_deref() == Some(zone))
        .find_map(|it| it.bridge.clone());
    let from_hosts = || {
        model
            .hosts
            .iter()
            .filter(|it| it.zone == zone)
            .find_map(|it| model.interface(&it.interface)?.bridge.clone())
    };
    from_interfaces.or_else(from_hosts).unwrap_or_default()
}

/// `single_interface`: the zone's interface when it has exactly one (interfaces and hosts
/// files together), else empty.
pub(crate) fn single_interface(model: &Model, zone: &str) -> String {
    let mut names: Vec<&str> = model
        .interfaces
        .iter()
        .filter(|it| it.zone.as_deref() == Some(zone))
        .map(|it| it.name.as_str())
        .chain(
            model
                .hosts
                .iter()
                .filter(|it| it.zone == zone)
                .map(|it| it.interface.as_str()),
        )
        .collect();
    names.sort_unstable();
    names.dedup();
    match names.as_slice() {
        [single] => (*single).to_owned(),
        _ => String::new(),
    }
}

/// Whether traffic from `source` may go to the bridge port zone `dest`: the same bridge, or
/// a source zone whose only interface is that bridge.
/// A bport zone without a bridge is `zone_report`'s error, which Shorewall gives first.
pub(crate) fn bridge_reaches(model: &Model, source: &str, dest: &str) -> bool {
    let bridge = zone_bridge(model, dest);
    let source_bridge = zone_bridge(model, source);
    let bridgeless_bport =
        source_bridge.is_empty() && model.zone(source).map(|it| it.kind) == Some(ZoneType::Bport);
    bridge.is_empty()
        || bridgeless_bport
        || source_bridge == bridge
        || single_interface(model, source) == bridge
}
