//! Zones, interfaces and host groups in the shape Shorewall 5.2.8 keeps them (`Zones.pm`):
//! zones in topological order, per zone its host groups by type (`ip`/`ipsec`) and by
//! interface, per interface its options with Shorewall's defaults. Several of these are
//! Perl hashes whose iteration order shows in the output; [`PerlMap`] keeps it.

use std::collections::BTreeMap;

use super::addresses::{validate_net, validate_range, ALLIP, MULTICAST};
use super::config::CompileConfig;
use super::perl_hash::PerlHashOrder;
use super::{error, unsupported, Result};

/// The interface of the host groups of vserver zones (`%vserver%`).
pub const VSERVER_INTERFACE: &str = "%vserver%";

/// A map that iterates like a Perl hash built by inserting its keys in the same order.
#[derive(Debug, Clone)]
pub struct PerlMap<V> {
    entries: Vec<(String, V)>,
    order: PerlHashOrder,
}

impl<V> Default for PerlMap<V> {
    fn default() -> Self {
        PerlMap {
            entries: Vec::new(),
            order: PerlHashOrder::new(),
        }
    }
}

impl<V> PerlMap<V> {
    pub fn get(&self, key: &str) -> Option<&V> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.entries
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// The value of `key`, inserted with `make` if absent (`||=`).
    pub fn entry(&mut self, key: &str, make: impl FnOnce() -> V) -> &mut V {
        if self.get(key).is_none() {
            self.entries.push((key.to_owned(), make()));
            self.order.insert(key);
        }
        self.get_mut(key).expect("inserted")
    }

    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The keys in Perl's iteration order.
    pub fn keys(&self) -> Vec<String> {
        self.order.keys().into_iter().map(str::to_owned).collect()
    }

    /// (key, value) in Perl's iteration order.
    pub fn iter(&self) -> impl Iterator<Item = (String, &V)> {
        self.keys()
            .into_iter()
            .filter_map(move |key| self.get(&key).map(|v| (key.clone(), v)))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneKind {
    Firewall,
    Ip,
    Ipsec,
    Bport,
    Vserver,
    Loopback,
    Local,
}

/// A group of hosts of a zone on one interface (`add_group_to_zone`).
#[derive(Debug, Clone, Default)]
pub struct HostGroup {
    pub options: BTreeMap<String, String>,
    pub hosts: Vec<String>,
    /// `ipsec` or `none`.
    pub ipsec: String,
    pub exclusions: Vec<String>,
    pub origin: String,
}

impl HostGroup {
    pub fn option(&self, name: &str) -> bool {
        self.options.get(name).is_some_and(|it| truthy(it))
    }
}

#[derive(Debug, Clone)]
pub struct Zone {
    pub name: String,
    pub kind: ZoneKind,
    pub parents: Vec<String>,
    pub children: Vec<String>,
    pub complex: bool,
    /// The `-m policy` options of the OPTIONS, IN OPTIONS and OUT OPTIONS columns.
    pub ipsec_options: [String; 3],
    /// The `mss=` of the OPTIONS, IN OPTIONS and OUT OPTIONS columns (empty when not set).
    pub mss: [String; 3],
    /// A parent of an ipsec zone that is not one itself (`set_super`): its traffic is not
    /// matched by policy on the way in.
    pub is_super: bool,
    pub routeback: bool,
    pub destonly: bool,
    pub bridge: String,
    /// Interfaces the zone has hosts on (`$zoneref->{interfaces}`).
    pub interfaces: PerlMap<()>,
    /// Host groups by type (`ip`, `ipsec`) and interface.
    pub hosts: PerlMap<PerlMap<Vec<HostGroup>>>,
}

#[derive(Debug, Clone)]
pub struct Interface {
    pub name: String,
    pub physical: String,
    pub bridge: String,
    pub filter: Vec<String>,
    /// Number of host groups networks on the interface.
    pub nets: usize,
    pub root: String,
    pub options: BTreeMap<String, String>,
    /// The zone owning the whole interface (`::/0`), if any.
    pub zone: String,
    pub zones: PerlMap<()>,
    pub origin: String,
    pub wildcard: bool,
    pub physwild: bool,
    pub ports: usize,
}

impl Interface {
    /// The option's value is true in Perl's sense (not empty, not `0`).
    pub fn option(&self, name: &str) -> bool {
        self.options.get(name).is_some_and(|it| truthy(it))
    }
}

/// Perl truthiness of a string.
pub fn truthy(value: &str) -> bool {
    !value.is_empty() && value != "0"
}

/// The interface options of IPv6 and their kinds (`%validinterfaceoptions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OptionKind {
    Simple,
    Binary,
    Enum,
    Numeric,
    IpList,
    Text,
}

fn interface_option(name: &str) -> Option<(OptionKind, bool)> {
    use OptionKind::*;
    // (kind, also a host option)
    Some(match name {
        "accept_ra" => (Numeric, false),
        "blacklist" => (Simple, true),
        "bridge" => (Simple, false),
        "dbl" => (Enum, false),
        "destonly" => (Simple, true),
        "dhcp" => (Simple, false),
        "ignore" => (Numeric, false),
        "loopback" => (Binary, false),
        "maclist" => (Simple, true),
        "nets" => (IpList, false),
        "nodbl" => (Simple, false),
        "nosmurfs" => (Simple, true),
        "omitanycast" => (Simple, false),
        "optional" => (Simple, false),
        "proxyndp" => (Binary, false),
        "required" => (Simple, false),
        "routeback" => (Binary, true),
        "rpfilter" => (Simple, false),
        "sfilter" => (IpList, false),
        "sourceroute" => (Binary, false),
        "tcpflags" => (Binary, true),
        "mss" => (Numeric, false),
        "forward" => (Binary, false),
        "physical" => (Text, true),
        "unmanaged" => (Simple, false),
        "upnp" => (Simple, false),
        "upnpclient" => (Simple, false),
        "wait" => (Numeric, false),
        _ => return None,
    })
}

/// The zones, interfaces and hosts of a configuration.
#[derive(Debug, Clone, Default)]
pub struct Topology {
    /// Zones in Shorewall's order: sub-zones before their parents.
    pub zones: Vec<Zone>,
    pub firewall: String,
    /// Interfaces in Shorewall's order (bridge ports before their bridge, then `lo`).
    pub interfaces: Vec<Interface>,
    pub loopback: String,
    /// `have_ipsec`: an ipsec zone, or a host group with the `ipsec` option.
    pub have_ipsec: bool,
}

/// A zone as the model gives it.
pub struct ZoneInput<'a> {
    pub name: &'a str,
    pub kind: ZoneKind,
    pub parents: Vec<String>,
    /// The OPTIONS, IN OPTIONS and OUT OPTIONS columns.
    pub options: [&'a str; 3],
}

/// The `-m policy` options of a zone's IPsec OPTIONS, IN OPTIONS or OUT OPTIONS column
/// (`parse_zone_option_list`'s `ipsec`, which ends in two blanks when not empty), and
/// whether an option makes the zone complex (`mss` or an IPsec option).
pub fn zone_ipsec_options(list: &str) -> (String, bool) {
    let (options, complex, _) = zone_options(list);
    (options, complex)
}

/// `parse_zone_option_list`: the IPsec options, whether the zone is complex, and `mss`.
fn zone_options(list: &str) -> (String, bool, String) {
    let mut mss = String::new();
    if list == "-" || list.is_empty() {
        return (String::new(), false, mss);
    }
    let mut options = String::new();
    let mut complex = false;
    for option in list.split(',') {
        let (name, value, invert) = match option.split_once("!=") {
            Some((name, value)) if !value.is_empty() => (name, Some(value), true),
            _ => match option.split_once('=') {
                Some((name, value)) if !value.is_empty() => (name, Some(value), false),
                _ => (option, None, false),
            },
        };
        match name {
            "mss" => {
                complex = true;
                mss = value.unwrap_or_default().to_owned();
            }
            "blacklist" | "nomark" | "dynamic_shared" => {}
            _ => {
                if invert {
                    options.push_str("! ");
                }
                options.push_str(&format!("--{name} "));
                if let Some(value) = value {
                    options.push_str(&format!("{value} "));
                }
                complex = true;
            }
        }
    }
    if !options.is_empty() {
        options.push(' ');
    }
    (options, complex, mss)
}

/// An interface as the model gives it.
pub struct InterfaceInput<'a> {
    pub zone: Option<&'a str>,
    pub name: &'a str,
    pub bridge: Option<&'a str>,
    pub options: &'a [(String, Option<String>)],
    pub origin: String,
}

impl Topology {
    /// Orders zones as `determine_zones` does: repeatedly the first zone (in file order)
    /// whose children are all placed.
    pub fn new(zones: Vec<ZoneInput<'_>>) -> Topology {
        let mut all: Vec<Zone> = zones
            .iter()
            .map(|it| Zone {
                name: it.name.to_owned(),
                kind: it.kind,
                parents: it.parents.clone(),
                children: Vec::new(),
                complex: it.kind == ZoneKind::Ipsec
                    || it.options.iter().any(|list| zone_ipsec_options(list).1),
                ipsec_options: it.options.map(|list| zone_ipsec_options(list).0),
                mss: it.options.map(|list| zone_options(list).2),
                is_super: false,
                routeback: false,
                destonly: false,
                bridge: String::new(),
                interfaces: PerlMap::default(),
                hosts: PerlMap::default(),
            })
            .collect();
        let names: Vec<String> = all.iter().map(|it| it.name.clone()).collect();
        for zone in &zones {
            for parent in &zone.parents {
                if let Some(p) = all.iter_mut().find(|it| &it.name == parent) {
                    p.children.push(zone.name.to_owned());
                }
            }
        }
        // `set_super`: the non-ipsec parents of an ipsec zone, and their parents.
        let mut pending: Vec<String> = zones
            .iter()
            .filter(|it| it.kind == ZoneKind::Ipsec)
            .flat_map(|it| it.parents.clone())
            .filter(|parent| {
                all.iter()
                    .any(|it| &it.name == parent && it.kind != ZoneKind::Ipsec)
            })
            .collect();
        while let Some(name) = pending.pop() {
            if let Some(zone) = all.iter_mut().find(|it| it.name == name && !it.is_super) {
                zone.is_super = true;
                pending.extend(zone.parents.clone());
            }
        }
        let have_ipsec_zones = zones.iter().any(|it| it.kind == ZoneKind::Ipsec);
        let mut ordered: Vec<String> = Vec::new();
        'pushed: loop {
            for name in &names {
                if ordered.contains(name) {
                    continue;
                }
                let zone = all.iter().find(|it| &it.name == name).expect("listed");
                if zone.children.iter().all(|it| ordered.contains(it)) {
                    ordered.push(name.clone());
                    continue 'pushed;
                }
            }
            break;
        }
        let firewall = all
            .iter()
            .find(|it| it.kind == ZoneKind::Firewall)
            .map(|it| it.name.clone())
            .unwrap_or_default();
        let zones = ordered
            .iter()
            .filter_map(|name| all.iter().find(|it| &it.name == name).cloned())
            .collect();
        Topology {
            zones,
            firewall,
            interfaces: Vec::new(),
            loopback: String::new(),
            have_ipsec: have_ipsec_zones,
        }
    }

    pub fn zone(&self, name: &str) -> Option<&Zone> {
        self.zones.iter().find(|it| it.name == name)
    }

    pub fn zone_mut(&mut self, name: &str) -> Option<&mut Zone> {
        self.zones.iter_mut().find(|it| it.name == name)
    }

    pub fn interface(&self, name: &str) -> Option<&Interface> {
        self.interfaces
            .iter()
            .find(|it| it.name == name || it.physical == name)
    }

    pub fn interface_mut(&mut self, name: &str) -> Option<&mut Interface> {
        self.interfaces.iter_mut().find(|it| it.name == name)
    }

    /// `known_interface`: an interface by logical or physical name, or a name a wildcard
    /// interface matches.
    pub fn known_interface(&self, name: &str) -> Option<&Interface> {
        if let Some(it) = self.interface(name) {
            return Some(it);
        }
        self.interfaces
            .iter()
            .filter(|it| it.wildcard)
            .find(|it| name.starts_with(&it.root) && name.len() > it.root.len().saturating_sub(1))
    }

    /// The physical name of an interface (wildcards map `ppp+` → `ppp0`).
    pub fn physical_of(&self, name: &str) -> String {
        match self.interface(name) {
            Some(it) => it.physical.clone(),
            None => match self.known_interface(name) {
                Some(it) => {
                    let root = it.physical.trim_end_matches('+');
                    format!("{root}{}", &name[it.root.len().min(name.len())..])
                }
                None => name.to_owned(),
            },
        }
    }

    pub fn firewall_zone(&self) -> &str {
        &self.firewall
    }

    pub fn all_zones(&self) -> Vec<String> {
        self.zones.iter().map(|it| it.name.clone()).collect()
    }

    /// Zones other than the firewall and vserver zones.
    pub fn off_firewall_zones(&self) -> Vec<String> {
        self.zones
            .iter()
            .filter(|it| !matches!(it.kind, ZoneKind::Firewall | ZoneKind::Vserver))
            .map(|it| it.name.clone())
            .collect()
    }

    pub fn non_firewall_zones(&self) -> Vec<String> {
        self.zones
            .iter()
            .filter(|it| it.kind != ZoneKind::Firewall)
            .map(|it| it.name.clone())
            .collect()
    }

    /// Off-firewall zones that are no one's sub-zone.
    pub fn all_parent_zones(&self) -> Vec<String> {
        self.zones
            .iter()
            .filter(|it| {
                !matches!(it.kind, ZoneKind::Firewall | ZoneKind::Vserver) && it.parents.is_empty()
            })
            .map(|it| it.name.clone())
            .collect()
    }

    pub fn vserver_zones(&self) -> Vec<String> {
        self.zones
            .iter()
            .filter(|it| it.kind == ZoneKind::Vserver)
            .map(|it| it.name.clone())
            .collect()
    }

    pub fn loopback_zones(&self) -> Vec<String> {
        self.zones
            .iter()
            .filter(|it| it.kind == ZoneKind::Loopback)
            .map(|it| it.name.clone())
            .collect()
    }

    pub fn has_loopback_zone(&self) -> bool {
        self.zones.iter().any(|it| it.kind == ZoneKind::Loopback)
    }

    pub fn is_on_firewall(&self, zone: &str) -> bool {
        self.zone(zone)
            .is_some_and(|it| matches!(it.kind, ZoneKind::Firewall | ZoneKind::Vserver))
    }

    /// `process_interface`: an interface with Shorewall's option defaults, and its host group.
    pub fn add_interface(
        &mut self,
        input: InterfaceInput<'_>,
        config: &CompileConfig,
    ) -> Result<()> {
        let (name, bridge, port) = match input.bridge {
            Some(bridge) => (input.name.to_owned(), bridge.to_owned(), true),
            None => (input.name.to_owned(), input.name.to_owned(), false),
        };
        if port {
            if let Some(it) = self.interface_mut(&bridge) {
                it.ports += 1;
            }
            if let Some(zone) = input.zone.and_then(|it| self.zone_mut(it)) {
                if zone.bridge.is_empty() {
                    zone.bridge = bridge.clone();
                } else if zone.bridge != bridge {
                    return error("Bridge Port zones may only be associated with a single bridge");
                }
            }
        }
        let wildcard = name.ends_with('+');
        let root = if wildcard {
            name[..name.len() - 1].to_owned()
        } else {
            name.clone()
        };
        let mut physwild = wildcard;
        let mut physical = name.clone();
        let mut options: BTreeMap<String, String> = BTreeMap::new();
        let mut hostoptions: BTreeMap<String, String> = BTreeMap::new();
        let mut filter = Vec::new();
        let mut nets: Option<Vec<String>> = None;
        if port {
            options.insert("port".into(), "1".into());
        }
        options.insert(
            "dbl".into(),
            if config.dynamic_blacklist {
                "1:0"
            } else {
                "0:0"
            }
            .into(),
        );
        let only_ignore = input.options.len() == 1
            && input.options[0].0 == "ignore"
            && input.options[0].1.is_none();
        if only_ignore {
            if input.zone.is_some() {
                return error("Ignored interfaces may not be associated with a zone");
            }
            options.insert("ignore".into(), "3".into());
        } else if !input.options.is_empty() {
            hostoptions.insert("dynamic".into(), "0".into());
            for (option, value) in input.options {
                let Some((kind, hostopt)) = interface_option(option) else {
                    return error(format!("Invalid Interface option ({option})"));
                };
                match kind {
                    OptionKind::Simple => {
                        if value.is_some() {
                            return error(format!("Option {option} does not take a value"));
                        }
                        if option == "blacklist" {
                            continue;
                        }
                        if option == "nodbl" {
                            options.insert("dbl".into(), "0:0".into());
                        } else {
                            options.insert(option.clone(), "1".into());
                            if hostopt {
                                hostoptions.insert(option.clone(), "1".into());
                            }
                        }
                    }
                    OptionKind::Binary => {
                        let value = value.clone().unwrap_or_else(|| "1".into());
                        if value != "0" && value != "1" {
                            return error(format!("Option value for '{option}' must be 0 or 1"));
                        }
                        options.insert(option.clone(), value.clone());
                        if hostopt {
                            hostoptions.insert(option.clone(), value);
                        }
                    }
                    OptionKind::Enum => {
                        let Some(value) = value else {
                            return error("The 'dbl' option requires a value");
                        };
                        let setting = match value.as_str() {
                            "none" => "0:0",
                            "src" => "1:0",
                            "dst" => "2:0",
                            "src-dst" => "1:2",
                            _ => return error(format!("Invalid setting ({value}) for 'dbl'")),
                        };
                        options.insert("dbl".into(), setting.into());
                    }
                    OptionKind::Numeric => {
                        let default = match option.as_str() {
                            "wait" => Some("60"),
                            "accept_ra" => Some("1"),
                            "ignore" => Some("3"),
                            _ => None,
                        };
                        let Some(value) = value.clone().or_else(|| default.map(str::to_owned))
                        else {
                            return error(format!("The '{option}' option requires a value"));
                        };
                        let Some(number) = super::lists::numeric_value(&value) else {
                            return error(format!("Invalid value ({value}) for option {option}"));
                        };
                        options.insert(option.clone(), number.to_string());
                    }
                    OptionKind::IpList => {
                        let Some(value) = value else {
                            return error(format!("The '{option}' option requires a value"));
                        };
                        let value = if value.starts_with('!') {
                            format!("{ALLIP},{value}")
                        } else {
                            value.clone()
                        };
                        if option == "nets" && (value.is_empty() || value.contains('(')) {
                            // Shorewall accepts both; what it makes of them is not reproduced.
                            return unsupported(format!(
                                "nets={value} is not supported by the preview"
                            ));
                        }
                        let list: Vec<String> = value.split(',').map(str::to_owned).collect();
                        if option == "nets" {
                            hostoptions.insert("multicast".into(), "1".into());
                            hostoptions.insert("broadcast".into(), "1".into());
                            nets = Some(list);
                        } else {
                            for net in &list {
                                validate_net(net.trim_start_matches('!'))?;
                            }
                            filter = list;
                        }
                    }
                    OptionKind::Text => {
                        let Some(value) = value else {
                            return error(format!("The '{option}' option requires a value"));
                        };
                        physwild = value.ends_with('+');
                        physical = value.clone();
                    }
                }
            }
            if !options.contains_key("ignore") {
                options.insert("ignore".into(), "0".into());
            }
            if options.contains_key("bridge") && !options.contains_key("routeback") {
                options.insert("routeback".into(), "1".into());
                hostoptions.insert("routeback".into(), "1".into());
            }
        } else {
            options.insert("ignore".into(), "0".into());
        }
        let loopback = options.get("loopback").is_some_and(|it| truthy(it)) || physical == "lo";
        if loopback {
            options.insert("loopback".into(), "1".into());
            self.loopback = physical.clone();
        }
        if !options.contains_key("unmanaged") && !options.contains_key("tcpflags") {
            options.insert("tcpflags".into(), "1".into());
            hostoptions.insert("tcpflags".into(), "1".into());
        }
        let interface = Interface {
            name: name.clone(),
            physical,
            bridge,
            filter,
            nets: 0,
            root,
            options,
            zone: String::new(),
            zones: PerlMap::default(),
            origin: input.origin.clone(),
            wildcard,
            physwild,
            ports: 0,
        };
        self.interfaces.push(interface);
        if let Some(zone) = input.zone {
            let networks = nets.clone().unwrap_or_else(|| vec![ALLIP.to_owned()]);
            let multicast = hostoptions.contains_key("multicast");
            self.add_group_to_zone(zone, &name, &networks, hostoptions, true, &input.origin)?;
            let owned = self.interface(&name).is_some_and(|it| it.zone == zone);
            if multicast && !owned {
                let mut options = BTreeMap::new();
                options.insert("destonly".into(), "1".into());
                self.add_group_to_zone(
                    zone,
                    &name,
                    &[MULTICAST.to_owned()],
                    options,
                    false,
                    &input.origin,
                )?;
            }
        }
        Ok(())
    }

    /// `validate_interfaces_file`'s last steps: bridge ports before their bridge, and `lo`.
    pub fn finish_interfaces(&mut self) {
        let mut ordered: Vec<Interface> = Vec::new();
        let all = std::mem::take(&mut self.interfaces);
        for interface in &all {
            if interface.option("bridge") {
                let ports: Vec<Interface> = all
                    .iter()
                    .filter(|it| it.option("port") && it.bridge == interface.name)
                    .cloned()
                    .collect();
                ordered.extend(ports);
            }
            if !interface.option("port") {
                ordered.push(interface.clone());
            }
        }
        for interface in &mut ordered {
            if interface.option("bridge")
                && !all
                    .iter()
                    .any(|it| it.option("port") && it.bridge == interface.name)
            {
                interface.options.insert("routeback".into(), "1".into());
            }
        }
        self.interfaces = ordered;
        if self.loopback.is_empty() {
            let mut options = BTreeMap::new();
            options.insert("loopback".into(), "1".into());
            options.insert("ignore".into(), "1".into());
            self.interfaces.push(Interface {
                name: "lo".into(),
                physical: "lo".into(),
                bridge: "lo".into(),
                filter: Vec::new(),
                nets: 0,
                root: "lo".into(),
                options,
                zone: String::new(),
                zones: PerlMap::default(),
                origin: String::new(),
                wildcard: false,
                physwild: false,
                ports: 0,
            });
            self.loopback = "lo".into();
        }
    }

    /// `process_host`: a host group from the hosts file.
    pub fn add_host(
        &mut self,
        zone: &str,
        interface: &str,
        hosts: &str,
        options: &[String],
        origin: &str,
    ) -> Result<()> {
        let Some(zone_kind) = self.zone(zone).map(|it| it.kind) else {
            return error(format!("Unknown ZONE ({zone})"));
        };
        let Some(name) = self.interface(interface).map(|it| it.name.clone()) else {
            return error(format!("Unknown interface ({interface})"));
        };
        let mut kind = zone_kind;
        if hosts.trim_start_matches('!').starts_with('+') {
            return error(
                "Ipset names in host lists require Ipset Match in your kernel and iptables",
            );
        }
        if zone_kind == ZoneKind::Bport {
            let (is_port, bridge) = self
                .interface(&name)
                .map(|it| (it.option("port"), it.bridge.clone()))
                .unwrap_or_default();
            let zone_ref = self.zone_mut(zone).expect("known zone");
            if zone_ref.bridge.is_empty() {
                if !is_port {
                    return error("Bridge Port Zones may only be associated with bridge ports");
                }
                zone_ref.bridge = bridge;
            } else if zone_ref.bridge != bridge {
                return error(format!(
                    "Interface {name} is not a port on bridge {}",
                    zone_ref.bridge
                ));
            }
        }
        let mut host_options: BTreeMap<String, String> = BTreeMap::new();
        host_options.insert("dynamic".into(), "0".into());
        for option in options {
            match option.as_str() {
                "ipsec" => {
                    kind = ZoneKind::Ipsec;
                    self.have_ipsec = true;
                    if let Some(it) = self.zone_mut(zone) {
                        it.complex = true;
                    }
                }
                "norfc1918" | "blacklist" => {}
                "maclist" | "routeback" | "tcpflags" if kind == ZoneKind::Vserver => {
                    return error(format!(
                        "The \"{option}\" option is not allowed with Vserver zones"
                    ));
                }
                other => {
                    if let Some(mss) = other.strip_prefix("mss=") {
                        host_options.insert("mss".into(), mss.into());
                    } else {
                        host_options.insert(other.into(), "1".into());
                    }
                }
            }
        }
        if kind == ZoneKind::Ipsec && zone_kind == ZoneKind::Vserver {
            return error("A host entry for a Vserver zone may not specify the 'ipsec' option");
        }
        if hosts.contains(",!") {
            return error("Invalid hosts list");
        }
        let mut text = hosts.replace('!', ",!");
        if text.starts_with(",!") {
            text = format!("{ALLIP}{text}");
        }
        let list: Vec<String> = text.split(',').map(str::to_owned).collect();
        // Shorewall puts the hosts of every vserver zone on one invented interface.
        let name = if zone_kind == ZoneKind::Vserver {
            VSERVER_INTERFACE.to_owned()
        } else {
            name
        };
        self.add_group_to_zone_typed(zone, kind, &name, &list, host_options, false, origin)
    }

    fn add_group_to_zone(
        &mut self,
        zone: &str,
        interface: &str,
        networks: &[String],
        options: BTreeMap<String, String>,
        inherit: bool,
        origin: &str,
    ) -> Result<()> {
        let kind = self.zone(zone).map(|it| it.kind).unwrap_or(ZoneKind::Ip);
        self.add_group_to_zone_typed(zone, kind, interface, networks, options, inherit, origin)
    }

    #[allow(clippy::too_many_arguments)]
    fn add_group_to_zone_typed(
        &mut self,
        zone: &str,
        kind: ZoneKind,
        interface: &str,
        networks: &[String],
        mut options: BTreeMap<String, String>,
        inherit: bool,
        origin: &str,
    ) -> Result<()> {
        let zone_kind = self.zone(zone).map(|it| it.kind).unwrap_or(ZoneKind::Ip);
        let iface = self.interface(interface).cloned();
        let iface_destonly = iface.as_ref().is_some_and(|it| it.option("destonly"));
        if inherit && kind == zone_kind && kind != ZoneKind::Ipsec {
            if let Some(iface) = &iface {
                for name in ["maclist", "nosmurfs", "tcpflags"] {
                    if iface.option(name) && !options.contains_key(name) {
                        options.insert(name.into(), iface.options[name].clone());
                    }
                }
            }
        }
        if iface_destonly {
            options.insert("destonly".into(), "1".into());
        }
        let mut new_networks = Vec::new();
        let mut exclusions = Vec::new();
        let mut switched = false;
        let mut allip = false;
        let owner = iface.as_ref().map(|it| it.zone.clone()).unwrap_or_default();
        for host in networks {
            if let Some(it) = self.interface_mut(interface) {
                it.nets += 1;
            }
            if host.is_empty() {
                return error("Invalid Host List");
            }
            let mut host = host.clone();
            if let Some(rest) = host.strip_prefix('!') {
                if switched {
                    return error("Only one exclusion allowed in a host list");
                }
                switched = true;
                host = rest.to_owned();
            }
            let host = match host
                .split_once('-')
                .filter(|(a, b)| a.contains(':') && b.contains(':'))
            {
                Some((low, high)) => validate_range(low, high)?,
                None => validate_net(&host)?,
            };
            if !switched && kind == zone_kind {
                if owner == zone {
                    return error(format!(
                        "Duplicate Host Group ({interface}:{host}) in zone {zone}"
                    ));
                }
                if host == ALLIP {
                    if !new_networks.is_empty() {
                        return error(format!(
                            "Duplicate Host Group ({interface}:{host}) in zone {zone}"
                        ));
                    }
                    if let Some(it) = self.interface_mut(interface) {
                        it.zone = zone.to_owned();
                    }
                    allip = true;
                }
            }
            if switched {
                exclusions.push(host);
            } else {
                new_networks.push(host);
            }
        }
        let routeback = options.get("routeback").is_some_and(|it| truthy(it));
        if let Some(it) = self.interface_mut(interface) {
            it.zones.entry(zone, || ());
        }
        let zone_ref = self.zone_mut(zone).expect("known zone");
        zone_ref.interfaces.entry(interface, || ());
        zone_ref.destonly |= iface_destonly;
        if routeback {
            zone_ref.routeback = true;
        }
        let gtype = if kind == ZoneKind::Ipsec {
            "ipsec"
        } else {
            "ip"
        };
        let groups = zone_ref
            .hosts
            .entry(gtype, PerlMap::default)
            .entry(interface, Vec::new);
        if allip && !groups.is_empty() {
            return error(format!(
                "Duplicate Host Group ({interface}:{ALLIP}) in zone {zone}"
            ));
        }
        let complex =
            !groups.is_empty() || new_networks.len() > 1 || !exclusions.is_empty() || routeback;
        groups.push(HostGroup {
            options,
            hosts: new_networks,
            ipsec: if kind == ZoneKind::Ipsec {
                "ipsec"
            } else {
                "none"
            }
            .into(),
            exclusions,
            origin: origin.to_owned(),
        });
        if complex {
            zone_ref.complex = true;
        }
        if kind != ZoneKind::Ipsec {
            if let Some(it) = self.interface_mut(interface) {
                if routeback {
                    it.options.insert("routeback".into(), "1".into());
                }
                if allip {
                    it.options.insert("allip".into(), "1".into());
                }
            }
        }
        Ok(())
    }

    /// `interface_match`: the two interfaces are the same, one is the other's bridge, or a
    /// wildcard's root begins the other's name.
    pub fn interface_match(&self, parent: &str, child: &str) -> bool {
        if parent == child {
            return true;
        }
        let bridge = |name: &str| {
            self.interfaces
                .iter()
                .find(|it| it.name == name)
                .map(|it| it.bridge.clone())
        };
        if bridge(child).as_deref() == Some(parent) || bridge(parent).as_deref() == Some(child) {
            return true;
        }
        let root = |name: &str| {
            self.interfaces
                .iter()
                .find(|it| it.name == name)
                .map(|it| it.root.clone())
                .unwrap_or_default()
        };
        if !self.interfaces.iter().any(|it| it.wildcard) {
            return false;
        }
        // Perl compares the other name, chopped one character at a time, with the root.
        if parent.ends_with('+') {
            child.starts_with(&root(parent))
        } else if child.ends_with('+') {
            parent.starts_with(&root(child))
        } else {
            false
        }
    }

    /// `validate_hosts_file`'s last step: a zone on several interfaces is complex.
    pub fn finish_hosts(&mut self) {
        for zone in &mut self.zones {
            if zone.interfaces.len() > 1 {
                zone.complex = true;
            }
        }
    }

    /// `find_hosts_by_option`: (interface, ipsec, network, exclusions, origin) of every host
    /// group with `option`.
    pub fn hosts_by_option(
        &self,
        option: &str,
    ) -> Vec<(String, String, String, Vec<String>, String)> {
        let mut out = Vec::new();
        let mut done = Vec::new();
        for interface in &self.interfaces {
            if interface.zone.is_empty() && interface.option(option) {
                out.push((
                    interface.name.clone(),
                    String::new(),
                    ALLIP.to_owned(),
                    Vec::new(),
                    String::new(),
                ));
                done.push(interface.name.clone());
            }
        }
        for zone in self.zones.iter().filter(|it| it.kind != ZoneKind::Firewall) {
            for (_, by_interface) in zone.hosts.iter() {
                for (interface, groups) in by_interface.iter() {
                    for group in groups {
                        if done.contains(&interface) || !group.option(option) {
                            continue;
                        }
                        for net in &group.hosts {
                            out.push((
                                interface.clone(),
                                group.ipsec.clone(),
                                net.clone(),
                                group.exclusions.clone(),
                                group.origin.clone(),
                            ));
                        }
                    }
                }
            }
        }
        out
    }

    /// `find_interfaces_by_option`: interfaces with `option` defined (non-zero with `nonzero`).
    pub fn interfaces_by_option(&self, option: &str, nonzero: bool) -> Vec<String> {
        let proc_option = matches!(
            option,
            "accept_ra"
                | "arp_filter"
                | "arp_ignore"
                | "forward"
                | "logmartians"
                | "proxyarp"
                | "proxyndp"
                | "routefilter"
                | "sourceroute"
        );
        self.interfaces
            .iter()
            .filter(|it| !it.root.is_empty())
            .filter(|it| !(proc_option && it.physwild))
            .filter(|it| match it.options.get(option) {
                Some(value) => !nonzero || truthy(value),
                None => false,
            })
            .map(|it| it.name.clone())
            .collect()
    }

    /// Managed interfaces other than the vserver pseudo-interface (`all_real_interfaces`).
    pub fn real_interfaces(&self) -> Vec<String> {
        self.interfaces
            .iter()
            .filter(|it| !it.option("unmanaged"))
            .map(|it| it.name.clone())
            .collect()
    }

    pub fn managed_interfaces(&self) -> Vec<String> {
        self.real_interfaces()
    }

    pub fn unmanaged_interfaces(&self) -> Vec<String> {
        self.interfaces
            .iter()
            .filter(|it| it.option("unmanaged") && !it.option("loopback"))
            .map(|it| it.name.clone())
            .collect()
    }
}
