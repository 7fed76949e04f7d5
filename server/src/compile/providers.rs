//! The providers, rtrules (or route_rules) and routes files (`Providers.pm`): multi-ISP
//! routing.
//!
//! Most of what Shorewall makes of them is shell code (routing tables and rules) that is no
//! part of the ip6tables ruleset; the preview checks those records as Shorewall does, so that
//! a configuration Shorewall rejects is rejected on the same line.
//! What reaches the ruleset is the mangle-table marking of `track`ed providers and of `load`
//! providers (`setup_route_marking`): the `routemark` chain entered from PREROUTING for
//! unmarked packets from a tracked interface, the connection mark saved and restored, and the
//! `balance` chain whose per-provider chains the script fills at run time.

use crate::model::{self, ConfigRecord};

use super::addresses::{valid_address, validate_net};
use super::chains::{TableId, DONT_DELETE, DONT_MOVE, DONT_OPTIMIZE};
use super::ir::{Jump, Match, Rule};
use super::lists::{numeric_value, split_list, split_list1};
use super::lower::Compiler;
use super::rules::state_imatch;
use super::{error, unsupported, Result};

/// The routing tables Shorewall predefines (`Providers.pm initialize`).
const BUILTIN_TABLES: [(&str, i64); 5] = [
    ("local", 255),
    ("main", 254),
    ("default", 253),
    ("balance", 250),
    ("unspec", 0),
];
const LOCAL_TABLE: i64 = 255;
const MAIN_TABLE: i64 = 254;
const BALANCE_TABLE: i64 = 250;
const UNSPEC_TABLE: i64 = 0;

/// One provider (or an optional interface treated as one) as the ruleset needs it.
#[derive(Debug, Clone, Default)]
pub struct Provider {
    pub name: String,
    pub number: i64,
    /// The provider's mark; 0 when it has none.
    pub mark: i64,
    /// The logical interface name.
    pub interface: String,
    pub physical: String,
    pub optional: bool,
    pub track: bool,
    pub tproxy: bool,
    pub load: bool,
    /// An optional interface rather than a declared provider.
    pub pseudo: bool,
    /// The routes' destinations already given for this table (`routedests`).
    routedests: Vec<String>,
}

/// What the providers file leaves to the rest of the compilation.
#[derive(Debug, Clone, Default)]
pub struct Providers {
    /// Declared providers and pseudo-providers, in order.
    pub list: Vec<Provider>,
    /// The number of declared providers (`$providers`).
    pub declared: usize,
    /// Indices into `list` of the tracked providers (`@routemarked_providers`).
    pub routemarked: Vec<usize>,
    /// The tracked interfaces, first use first (`@routemarked_interfaces`).
    pub routemarked_interfaces: Vec<String>,
    /// Names of the providers with `load=` (`@load_providers`).
    pub load: Vec<String>,
    /// The routes' destinations given for the predefined tables.
    builtin_routedests: Vec<(String, Vec<String>)>,
}

/// The settings that shape the provider marks.
pub(crate) struct Layout {
    pub(crate) provider_offset: u32,
    provider_bits: u32,
    provider_mask: i64,
    pub(crate) tc_mask: i64,
    user_mask: i64,
    zone_mask: i64,
    exclusion_mask: i64,
    pub(crate) tproxy_mark: i64,
    pub(crate) tc_expert: bool,
}

impl Compiler<'_> {
    /// A Yes/No setting of shorewall6.conf.
    fn setting_is_yes(&self, name: &str, default: bool) -> bool {
        match self.model.settings.supplied(name) {
            Some(value) => value.eq_ignore_ascii_case("yes"),
            None => default,
        }
    }

    /// A numeric setting of shorewall6.conf.
    fn setting_number(&self, name: &str, default: u32) -> u32 {
        self.model
            .settings
            .supplied(name)
            .and_then(numeric_value)
            .map_or(default, |it| it.clamp(0, 32) as u32)
    }

    /// The mark layout (`Config.pm get_configuration`).
    pub(crate) fn mark_layout(&self) -> Layout {
        let mask_bits = self.setting_number("MASK_BITS", 8);
        let tc_bits = self.setting_number("TC_BITS", 8);
        let provider_bits = self.setting_number("PROVIDER_BITS", 8);
        let mut provider_offset = self.setting_number("PROVIDER_OFFSET", 0);
        let zone_bits = self.setting_number("ZONE_BITS", 0);
        let zone_offset = if provider_offset > 0 {
            if provider_offset < mask_bits {
                provider_offset = mask_bits;
            }
            provider_offset + provider_bits
        } else {
            mask_bits.max(provider_bits)
        };
        let mask = |n: u32| -> i64 {
            if n == 0 {
                0
            } else {
                (0xffff_ffffu64 >> (32 - n.min(32))) as i64
            }
        };
        let exclusion_mask = 1i64 << (zone_offset + zone_bits).min(40);
        let user_mask = if provider_offset > tc_bits {
            mask(provider_offset - tc_bits) << tc_bits
        } else {
            0
        };
        Layout {
            provider_offset,
            provider_bits,
            provider_mask: mask(provider_bits) << provider_offset,
            tc_mask: mask(mask_bits),
            user_mask,
            zone_mask: if zone_bits > 0 {
                mask(zone_bits) << zone_offset
            } else {
                0
            },
            exclusion_mask,
            tproxy_mark: exclusion_mask << 1,
            tc_expert: self.setting_is_yes("TC_EXPERT", false),
        }
    }

    /// `require_mangle_capability`: Shorewall's message when MANGLE_ENABLED=No.
    fn require_mangle(&self, description: &str, singular: bool) -> Result<()> {
        if self.config.mangle_enabled {
            return Ok(());
        }
        let verb = if singular { "is" } else { "are" };
        let conf = self.model.family.conf_file_name();
        error(format!(
            "{description} {verb} not available when MANGLE_ENABLED=No in {conf}"
        ))
    }

    /// `process_providers`: the providers file, the optional interfaces as pseudo-providers,
    /// then the rtrules (or route_rules) and routes files. Only errors and warnings come out
    /// of it here; the marks are applied by [`Compiler::setup_route_marking`].
    pub(crate) fn process_providers(&mut self) -> Result<()> {
        let layout = self.mark_layout();
        let mut providers = Providers::default();
        let mut lastmark = 0i64;
        for record in model::read_config_records(self.model, self.env, "providers") {
            self.enter_record_with_origin(&record)?;
            let columns: Vec<&str> = (0..8).map(|idx| record.column(idx)).collect();
            if self.process_a_provider(&mut providers, &layout, &mut lastmark, &columns, false)? {
                providers.declared += 1;
            }
        }
        self.place = None;
        self.chains.origin.clear();
        let optional: Vec<String> = self
            .topo
            .interfaces
            .iter()
            .filter(|it| !it.option("unmanaged") && it.option("optional"))
            .map(|it| it.name.clone())
            .filter(|name| {
                !providers
                    .list
                    .iter()
                    .any(|p| !p.pseudo && &p.interface == name)
            })
            .collect();
        let mut number = -65536;
        for interface in optional {
            number += 1;
            let table = var_base(&interface);
            let number = number.to_string();
            let columns = [table.as_str(), &number, "-", "-", &interface, "-", "-", "-"];
            self.process_a_provider(&mut providers, &layout, &mut lastmark, &columns, true)?;
        }
        if providers.declared > 0 {
            let route_rules = model::read_config_records(self.model, self.env, "route_rules");
            let rtrules_file = self.model.dir.join("rtrules");
            let records = if !route_rules.is_empty() {
                if rtrules_file.is_file() {
                    let route_rules_file = self.model.dir.join("route_rules");
                    self.place = Some((route_rules_file, 1));
                    self.warn_at_place(format!(
                        "Both route_rules and {} exist: {} will be ignored",
                        rtrules_file.display(),
                        rtrules_file.display()
                    ));
                }
                route_rules
            } else {
                model::read_config_records(self.model, self.env, "rtrules")
            };
            for record in &records {
                self.enter_record_with_origin(record)?;
                self.add_an_rtrule(&providers, &layout, record)?;
            }
        }
        for record in model::read_config_records(self.model, self.env, "routes") {
            self.enter_record_with_origin(&record)?;
            self.add_a_route(&mut providers, &record)?;
        }
        self.place = None;
        self.chains.origin.clear();
        self.providers = providers;
        Ok(())
    }

    /// `process_a_provider`: one record; `false` for a wildcard pseudo-provider, which is
    /// skipped.
    fn process_a_provider(
        &mut self,
        providers: &mut Providers,
        layout: &Layout,
        lastmark: &mut i64,
        columns: &[&str],
        pseudo: bool,
    ) -> Result<bool> {
        let col = |idx: usize| columns.get(idx).copied().unwrap_or("-");
        let (table, number, mut mark) = (col(0), col(1), col(2).to_owned());
        let (duplicate, interface, gateway, options, copy) =
            (col(3), col(4), col(5), col(6), col(7));
        let known = |name: &str| {
            BUILTIN_TABLES.iter().any(|(it, _)| *it == name)
                || providers.list.iter().any(|it| it.name == name)
        };
        if known(table) {
            return error(format!("Duplicate provider ({table})"));
        }
        if table == "-" {
            return error("NAME must be specified");
        }
        let mut num = 0;
        if !pseudo {
            let valid_name = table.starts_with(|c: char| c.is_ascii_alphabetic())
                && table.chars().all(|c| c.is_alphanumeric() || c == '_');
            if !valid_name {
                return error(format!("Invalid Provider Name ({table})"));
            }
            if number == "-" {
                return error("NUMBER must be specified");
            }
            let Some(value) = numeric_value(number) else {
                return error(format!("Invalid Provider number ({number})"));
            };
            num = value;
            let taken = BUILTIN_TABLES.iter().any(|(_, it)| *it == num)
                || providers.list.iter().any(|it| it.number == num);
            if taken {
                return error(format!("Duplicate provider number ({num})"));
            }
        } else if let Some(value) = numeric_value(number) {
            num = value;
        }
        if interface == "-" {
            return error("INTERFACE must be specified");
        }
        let (interface, address) = match interface.split_once(':') {
            Some((interface, address)) => (interface, Some(address)),
            None => (interface, None),
        };
        let shared = address.is_some();
        if let Some(address) = address {
            if !valid_address(address) {
                return error(format!("Invalid IPv6 Address ({address})"));
            }
            if !self.caps().has("REALM_MATCH") {
                return error("Configuring multiple providers through one interface requires Realm Match in your kernel and iptables");
            }
        }
        let Some(iface) = self.topo.known_interface(interface).cloned() else {
            return error(format!("Unknown Interface ({interface})"));
        };
        // `port_to_bridge` looks the name up as written, a logical name.
        if self
            .topo
            .interfaces
            .iter()
            .any(|it| it.name == interface && it.option("port"))
        {
            return error(format!(
                "A bridge port ({interface}) may not be configured as a provider interface"
            ));
        }
        if iface.name != interface && iface.physical != interface {
            return unsupported(format!(
                "A provider on an interface a wildcard matches ({interface}) is not supported by the preview yet"
            ));
        }
        let (interface, physical) = (iface.name.clone(), iface.physical.clone());
        if physical.ends_with('+') {
            if pseudo {
                return Ok(false);
            }
            return error(format!(
                "Wildcard interfaces ({physical}) may not be used as provider interfaces"
            ));
        }
        if shared {
            return unsupported("Providers sharing an interface (the gateway's MAC address at run time) are not supported by the preview yet");
        }
        let gatewaycase = match gateway.to_ascii_lowercase().as_str() {
            "detect" => "detect",
            "none" => "none",
            "" | "-" => "omitted",
            _ => {
                let (address, mac) = match gateway.split_once(',') {
                    Some((address, mac)) => (address, Some(mac)),
                    None => (gateway, None),
                };
                let address = address
                    .strip_prefix('[')
                    .and_then(|it| it.strip_suffix(']'))
                    .unwrap_or(address);
                if !valid_address(address) {
                    return error(format!("Invalid IPv6 Address ({address})"));
                }
                if let Some(mac) = mac {
                    let mac = mac.replace('-', ":");
                    let mac = mac.strip_prefix('~').unwrap_or(&mac);
                    let valid = mac.split(':').count() == 6
                        && mac
                            .split(':')
                            .all(|it| it.len() == 2 && it.chars().all(|c| c.is_ascii_hexdigit()));
                    if !valid {
                        return error(format!("Invalid MAC address ({mac})"));
                    }
                }
                "specified"
            }
        };
        let mut track = !pseudo && self.setting_is_yes("TRACK_PROVIDERS", true);
        let use_default_rt = self.setting_is_yes("USE_DEFAULT_RT", false);
        let mut optional = pseudo || iface.option("optional");
        let (mut balance, mut default, mut loose, mut local, mut tproxy) =
            (0i64, 0i64, false, false, false);
        let mut load = 0.0f64;
        let mut persistent = false;
        if options != "-" {
            for option in split_list(options, "option")? {
                let none_gateway = |what: &str| -> Result<()> {
                    if gatewaycase == "none" {
                        return error(format!(
                            "'{what}' may not be spacified when GATEWAY is 'none'"
                        ));
                    }
                    Ok(())
                };
                if option == "track" {
                    self.require_mangle("The 'track' option", true)?;
                    track = true;
                } else if option == "notrack" {
                    track = false;
                } else if let Some(weight) =
                    option.strip_prefix("balance=").filter(|it| all_digits(it))
                {
                    none_gateway("balance")?;
                    balance = weight.parse().unwrap_or(i64::MAX);
                    if balance == 0 {
                        return error("The balance setting must be non-zero");
                    }
                } else if option == "balance" || option == "primary" {
                    none_gateway(option)?;
                    balance = 1;
                } else if option == "loose" {
                    loose = true;
                } else if option == "optional" {
                    self.warn_at_place("The 'optional' provider option is deprecated - use the 'optional' interface option instead".to_owned());
                    optional = true;
                } else if let Some(src) = option.strip_prefix("src=") {
                    if !valid_address(src) {
                        return error(format!("Unknown Host ({src})"));
                    }
                } else if option.strip_prefix("mtu=").is_some_and(all_digits) {
                } else if let Some(weight) =
                    option.strip_prefix("fallback=").filter(|it| all_digits(it))
                {
                    none_gateway("fallback")?;
                    default = weight.parse().unwrap_or(i64::MAX);
                    if default == 0 {
                        return error("fallback must be non-zero");
                    }
                } else if option == "fallback" {
                    none_gateway("fallback")?;
                    default = -1;
                } else if option == "local" || option == "tproxy" {
                    if option == "local" {
                        self.warn_at_place(
                            "The 'local' provider option is deprecated in favor of 'tproxy'"
                                .to_owned(),
                        );
                        local = true;
                    }
                    tproxy = true;
                    if self.setting_is_yes("TRACK_PROVIDERS", true) {
                        track = false;
                    }
                } else if let Some(factor) = load_factor(option) {
                    none_gateway("fallback")?;
                    load = factor.parse().unwrap_or(0.0);
                    if !self.caps().has("STATISTIC_MATCH") {
                        return error(format!(
                            "load={factor} requires Statistic Match in your kernel and iptables"
                        ));
                    }
                } else if matches!(
                    option,
                    "autosrc" | "noautosrc" | "hostroute" | "nohostroute"
                ) {
                } else if option == "persistent" {
                    if self.setting_is_yes("RESTORE_DEFAULT_ROUTE", true) {
                        self.warn_at_place("When RESTORE_DEFAULT_ROUTE=Yes, the 'persistent' option may not work as expected".to_owned());
                    }
                    persistent = true;
                } else {
                    return error(format!("Invalid option ({option})"));
                }
            }
        }
        if balance != 0 && default != 0 {
            return error("The 'balance' and 'fallback' options are mutually exclusive");
        }
        if load != 0.0 {
            if balance > 1 {
                return error("The 'balance=<weight>' and 'load=<load-factor>' options are mutually exclusive");
            }
            if default > 1 {
                return error("The 'fallback=<weight>' and 'load=<load-factor>' options are mutually exclusive");
            }
        }
        let _ = loose;
        if !tproxy && iface.zones.is_empty() {
            return error("A provider interface must have at least one associated zone");
        }
        if !pseudo {
            if local {
                if gatewaycase != "omitted" {
                    return error("GATEWAY not valid with 'local' provider");
                }
                if track {
                    return error("'track' not valid with 'local'");
                }
                if duplicate != "-" {
                    return error("DUPLICATE not valid with 'local'");
                }
                if persistent {
                    return error("'persistent' is not valid with 'local");
                }
            } else if tproxy {
                if providers.list.iter().any(|it| it.tproxy) {
                    return error("Only one 'tproxy' provider is allowed");
                }
                if gatewaycase != "omitted" {
                    return error("GATEWAY not valid with 'tproxy' provider");
                }
                if track {
                    return error("'track' not valid with 'tproxy'");
                }
                if duplicate != "-" {
                    return error("DUPLICATE not valid with 'tproxy'");
                }
                if mark != "-" {
                    return error("MARK not allowed with 'tproxy'");
                }
                if persistent {
                    return error("'persistent' is not valid with 'tproxy");
                }
                mark = layout.tproxy_mark.to_string();
            }
        }
        let mut value = 0;
        if mark == "-" && track {
            *lastmark += 1i64 << layout.provider_offset;
            mark = lastmark.to_string();
        }
        if mark != "-" {
            self.require_mangle("Provider marks", false)?;
            if tproxy && !local {
                value = layout.tproxy_mark;
            } else {
                value = numeric_value(&mark).unwrap_or(0);
                if value == 0 {
                    return error(format!("Invalid Mark Value ({mark})"));
                }
                verify_mark(layout, &mark)?;
                if value & layout.provider_mask != value {
                    return error(format!("Invalid Mark Value ({mark})"));
                }
                if layout.provider_bits == 0 {
                    return error("Provider MARK may not be specified when PROVIDER_BITS=0");
                }
                if providers.list.iter().any(|it| it.mark == value) {
                    return error(format!("Duplicate mark value ({mark})"));
                }
                *lastmark = value;
            }
        }
        if !loose
            && !pseudo
            && iface
                .options
                .get("proxyndp")
                .is_some_and(|it| super::topology::truthy(it))
        {
            self.warn_at_place(
                "The 'proxyndp' option is dangerous when specified on a Provider interface"
                    .to_owned(),
            );
        }
        if let Some(other) = providers.list.iter().find(|it| it.interface == interface) {
            return error(format!(
                "Interface {interface} is already associated with non-shared provider {}",
                other.name
            ));
        }
        if duplicate != "-" {
            if use_default_rt {
                return error("The DUPLICATE column must be empty when USE_DEFAULT_RT=Yes");
            }
            let found = lookup_provider(providers, duplicate);
            let n = found.as_ref().map_or(0, |it| it.1);
            if n == 0 || !(n == MAIN_TABLE || n < BALANCE_TABLE) {
                self.warn_at_place(format!("Unknown routing table ({duplicate})"));
            }
            if found.is_some_and(|it| it.2) {
                self.warn_at_place(format!("An optional provider ({duplicate}) is listed in the DUPLICATE column - enable and disable will not work correctly on that provider"));
            }
        } else if copy != "-" {
            if use_default_rt {
                return error("The COPY column must be empty when USE_DEFAULT_RT=Yes");
            }
            if copy != "none" {
                return error("A non-empty COPY column requires that a routing table be specified in the DUPLICATE column");
            }
        }
        if persistent && !optional {
            self.warn_at_place(format!(
                "Provider {table} is not optional -- the 'persistent' option is ignored"
            ));
        }
        let index = providers.list.len();
        providers.list.push(Provider {
            name: table.to_owned(),
            number: num,
            mark: value,
            interface: interface.clone(),
            physical,
            optional,
            track,
            tproxy,
            load: load != 0.0,
            pseudo,
            routedests: Vec::new(),
        });
        if track {
            if providers.routemarked_interfaces.contains(&interface) {
                return error(format!(
                    "Interface {interface} is tracked through an earlier provider"
                ));
            }
            providers.routemarked_interfaces.push(interface);
            providers.routemarked.push(index);
        }
        if load != 0.0 {
            providers.load.push(table.to_owned());
        }
        Ok(true)
    }

    /// `add_an_rtrule`: one rtrules record, checked for each SOURCE and DEST.
    fn add_an_rtrule(
        &mut self,
        providers: &Providers,
        layout: &Layout,
        record: &ConfigRecord,
    ) -> Result<()> {
        let (sources, dests) = (record.column(0), record.column(1));
        let (provider, priority, mark) = (record.column(2), record.column(3), record.column(4));
        for source in split_list(sources, "source")? {
            for dest in split_list(dests, "dest")? {
                let Some((name, number, _)) = lookup_provider(providers, provider) else {
                    return error(format!("Unknown provider ({provider})"));
                };
                if number == LOCAL_TABLE || number == UNSPEC_TABLE {
                    return error(format!("You may not add rules for the {name} provider"));
                }
                if source == "-" && dest == "-" {
                    return error(
                        "You must specify either the source or destination in a rtrules entry",
                    );
                }
                if dest != "-" {
                    validate_net_no_names(dest)?;
                }
                if source != "-" {
                    if let Some(interface) = source.strip_prefix('&') {
                        // `record_runtime_address`: the routing rule uses the interface's
                        // address at run time, which is no part of the ruleset.
                        let variable = interface
                            .strip_prefix('{')
                            .and_then(|it| it.strip_suffix('}'))
                            .is_some_and(|it| {
                                it.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                                    && it.chars().all(|c| c.is_alphanumeric() || c == '_')
                            });
                        if !variable {
                            if self.topo.known_interface(interface).is_none() {
                                return error(format!(
                                    "Unknown interface address variable (&{interface})"
                                ));
                            }
                            if interface.ends_with('+') {
                                return error(format!(
                                    "Invalid interface address variable (&{interface})"
                                ));
                            }
                        }
                    } else if let Some((_, net)) = interface_and_net(source) {
                        validate_net_no_names(&net)?;
                    } else if source.matches(':').count() >= 2 || source.matches('.').count() >= 2 {
                        validate_net_no_names(source)?;
                    }
                }
                if mark != "-" {
                    validate_mark(layout, mark)?;
                }
                let priority = priority.strip_suffix('!').unwrap_or(priority);
                let valid = priority != "0"
                    && !priority.is_empty()
                    && priority.len() <= 5
                    && all_digits(priority);
                if !valid {
                    return error(format!("Invalid priority ({priority})"));
                }
            }
        }
        Ok(())
    }

    /// `add_a_route`: one routes record.
    fn add_a_route(&mut self, providers: &mut Providers, record: &ConfigRecord) -> Result<()> {
        let (provider, dest, gateway) = (record.column(0), record.column(1), record.column(2));
        let (device, options) = (record.column(3), record.column(4));
        if provider == "-" {
            return error("PROVIDER must be specified");
        }
        let Some((name, number, _)) = lookup_provider(providers, provider) else {
            return error(format!("Unknown provider ({provider})"));
        };
        if dest == "-" {
            return error("DEST must be specified");
        }
        let mut dest = validate_net_no_names(dest)?;
        let null = matches!(gateway, "blackhole" | "unreachable" | "prohibit");
        if null {
            if device != "-" {
                return error("'$gateway' routes may not specify a DEVICE");
            }
        } else if gateway != "-" && !valid_address(gateway) {
            return error(format!("Unknown Host ({gateway})"));
        }
        let physical = if device == "-" {
            providers
                .list
                .iter()
                .find(|it| it.name == name)
                .map(|it| it.physical.clone())
                .unwrap_or_default()
        } else {
            device.to_owned()
        };
        if number == LOCAL_TABLE || number == UNSPEC_TABLE {
            return error(format!("You may not add routes to the {name} table"));
        }
        if !dest.contains('/') {
            dest.push_str("/128");
        }
        let seen = match providers.list.iter().position(|it| it.name == name) {
            Some(index) => &mut providers.list[index].routedests,
            None => {
                let index = match providers
                    .builtin_routedests
                    .iter()
                    .position(|(it, _)| *it == name)
                {
                    Some(index) => index,
                    None => {
                        providers
                            .builtin_routedests
                            .push((name.clone(), Vec::new()));
                        providers.builtin_routedests.len() - 1
                    }
                };
                &mut providers.builtin_routedests[index].1
            }
        };
        if seen.contains(&dest) {
            return error(format!("Duplicate DEST ({dest}) in table ({name})"));
        }
        seen.push(dest);
        if options != "-" {
            for _ in split_list1(options, "option")? {
                // Shorewall splits the whole column, not the option, at `=`.
                let (option, value) = match options.split_once('=') {
                    Some((option, value)) => (option, Some(value)),
                    None => (options, None),
                };
                if option == "persistent" {
                    if value.is_some_and(|it| !it.is_empty()) {
                        return error("The 'persistent' option does not accept a value");
                    }
                } else {
                    return error(format!("Invalid route option({option})"));
                }
            }
        }
        if gateway == "-" && !null && physical.is_empty() {
            return error("You must specify a device for this route");
        }
        Ok(())
    }

    /// `setup_route_marking` (from `setup_providers`, before the mangle chains of
    /// `setup_tc`): the mangle rules of tracked and load-balanced providers.
    pub(crate) fn setup_route_marking(&mut self) -> Result<()> {
        let providers = std::mem::take(&mut self.providers);
        let result = self.route_marking(&providers);
        self.providers = providers;
        result
    }

    fn route_marking(&mut self, providers: &Providers) -> Result<()> {
        if providers.declared == 0
            || (providers.routemarked_interfaces.is_empty() && providers.load.is_empty())
        {
            return Ok(());
        }
        let m = TableId::Mangle;
        let mask = format!("{:#x}", self.mark_layout().provider_mask);
        let exmask = if self.caps().has("EXMARK") {
            format!("/{mask}")
        } else {
            String::new()
        };
        for (what, capability) in [
            ("Connmark Match", "CONNMARK_MATCH"),
            ("CONNMARK Target", "CONNMARK"),
        ] {
            if !self.caps().has(capability) {
                return error(format!(
                    "The provider 'track' option requires {what} in your kernel and iptables"
                ));
            }
        }
        if self.setting_is_yes("ZERO_MARKS", false) {
            for chain in ["PREROUTING", "OUTPUT"] {
                self.chains
                    .add_ijump(m, chain, Jump::Jump, "MARK --set-mark 0", vec![])?;
            }
        }
        let restore = format!("CONNMARK --restore-mark --mask {mask}");
        for chain in ["PREROUTING", "OUTPUT"] {
            let matches = if self.setting_is_yes("RESTORE_ROUTEMARKS", true) {
                vec![]
            } else {
                vec![Match::new("connmark", format!("! --mark 0/{mask}"))]
            };
            self.chains
                .add_ijump(m, chain, Jump::Jump, &restore, matches)?;
        }
        self.chains.new_chain(m, "routemark", None);
        if !providers.routemarked.is_empty() {
            // `handle_stickiness` fills `setsticky` and `setsticko` from the SAME rules, or
            // deletes the jumps to them again.
            self.chains.new_chain(m, "setsticky", None);
            self.chains.new_chain(m, "setsticko", None);
            let mut marked: Vec<&str> = Vec::new();
            for &index in &providers.routemarked {
                let Some(provider) = providers.list.get(index) else {
                    continue;
                };
                if !marked.contains(&provider.interface.as_str()) {
                    let mut matches = self.source_dev(&provider.interface);
                    matches.push(Match::new("mark", format!("--mark 0/{mask}")));
                    self.chains
                        .add_ijump(m, "PREROUTING", Jump::Jump, "routemark", matches)?;
                    // Shorewall writes these marks with two blanks.
                    let sticky_mark = format!("--mark  {:#x}/{mask}", provider.mark);
                    let matches = vec![
                        Match::new("i", format!("! {}", provider.physical)),
                        Match::new("mark", sticky_mark.clone()),
                    ];
                    self.chains
                        .add_ijump(m, "PREROUTING", Jump::Jump, "setsticky", matches)?;
                    let matches = vec![Match::new("mark", sticky_mark)];
                    self.chains
                        .add_ijump(m, "OUTPUT", Jump::Jump, "setsticko", matches)?;
                    if self.topo.have_ipsec {
                        self.clear_ipsec_mark(&provider.interface, &exmask)?;
                    }
                    marked.push(&provider.interface);
                }
                let target = format!("MARK --set-mark {:#x}{exmask}", provider.mark);
                let matches = self.source_dev(&provider.interface);
                self.chains
                    .add_ijump(m, "routemark", Jump::Jump, &target, matches)?;
            }
            self.chains.add_ijump(
                m,
                "routemark",
                Jump::Jump,
                &format!("CONNMARK --save-mark --mask {mask}"),
                vec![Match::new("mark", format!("! --mark 0/{mask}"))],
            )?;
        }
        if !providers.load.is_empty() {
            self.chains.new_chain(m, "balance", None);
            let unmarked = || Match::new("mark", format!("--mark 0/{mask}"));
            self.chains
                .add_ijump(m, "routemark", Jump::Goto, "balance", vec![unmarked()])?;
            let mut matches = state_imatch(self, "NEW,RELATED");
            matches.push(unmarked());
            self.chains
                .add_ijump(m, "OUTPUT", Jump::Jump, "balance", matches)?;
            for name in &providers.load {
                let chain = format!("~{name}");
                self.chains.new_chain(m, &chain, None);
                self.chains
                    .set_optflags(m, &chain, DONT_OPTIMIZE | DONT_MOVE | DONT_DELETE);
                self.chains
                    .add_ijump(m, "balance", Jump::Jump, &chain, vec![unmarked()])?;
            }
        }
        Ok(())
    }

    /// With IPsec, new connections that arrive decrypted on a tracked interface get their
    /// connection mark cleared: in the interface's forward chain (MARK_ANYWHERE) when it
    /// has one, else in mangle FORWARD.
    fn clear_ipsec_mark(&mut self, interface: &str, exmask: &str) -> Result<()> {
        let target = format!("CONNMARK --set-mark 0{exmask}");
        let chain = format!("{}_fwd", self.interface_chain_base(interface));
        let mut matches = state_imatch(self, "NEW");
        matches.push(Match::new("policy", "--dir in --pol ipsec"));
        if self.caps().has("MARK_ANYWHERE") && self.chains.exists(TableId::Filter, &chain) {
            self.chains
                .add_ijump(TableId::Filter, &chain, Jump::Jump, &target, matches)?;
        } else if self.caps().has("MANGLE_FORWARD") {
            let mut all = self.source_dev(interface);
            all.extend(matches);
            self.chains
                .add_ijump(TableId::Mangle, "FORWARD", Jump::Jump, &target, all)?;
        }
        Ok(())
    }

    /// `handle_stickiness`, at the end of `setup_tc`: for each tracked provider, each SAME
    /// rule of `tcpre` (`-j sticky`) and `tcout` (`-j sticko`) becomes rules of the `sticky`
    /// or `sticko` chain that mark the packets of a connection remembered by `-m recent`,
    /// and of `setsticky` or `setsticko` that remember it; the jumps to an empty `setsticky`
    /// or `setsticko` are deleted. With `load=` providers but none tracked those chains do
    /// not exist and Shorewall 5.2.8 dies on them.
    pub(crate) fn handle_stickiness(&mut self) -> Result<()> {
        let m = TableId::Mangle;
        let havesticky = self.chains.exists(m, "sticky") || self.chains.exists(m, "sticko");
        if havesticky && self.providers.routemarked.is_empty() {
            return error("There are SAME tcrules but no 'track' providers");
        }
        if self.providers.routemarked.is_empty() {
            if !self.providers.load.is_empty() {
                return error("Can't use an undefined value as an ARRAY reference at /usr/share/shorewall/Shorewall/Providers.pm line 2518.");
            }
            return Ok(());
        }
        let mask = format!("{:#x}", self.mark_layout().provider_mask);
        let same_rules = |compiler: &Self, chain: &str, target: &str| -> Vec<Rule> {
            compiler
                .chains
                .get(m, chain)
                .map(|it| {
                    it.rules
                        .iter()
                        .filter(|rule| rule.target == target)
                        .cloned()
                        .collect()
                })
                .unwrap_or_default()
        };
        let ttl = |rule: &Rule| -> String {
            rule.matches
                .iter()
                .find(|it| it.key == "t")
                .map(|it| it.value.to_string())
                .unwrap_or_default()
        };
        let mut sticky = 1;
        let routemarked = self.providers.routemarked.clone();
        for index in routemarked {
            let Some(mark) = self.providers.list.get(index).map(|it| it.mark) else {
                continue;
            };
            let mark = format!("{mark:#x}");
            for (same, chain, setchain, rdest, lead) in [
                ("tcpre", "sticky", "setsticky", "", ""),
                ("tcout", "sticko", "setsticko", " --rdest", " "),
            ] {
                for rule in same_rules(self, same, chain) {
                    let list = format!("sticky{sticky:03}");
                    sticky += 1;
                    self.chains.ensure_referenced_chain(m, chain);
                    let seconds = ttl(&rule);
                    let mut rule1 = rule.clone();
                    rule1.jump = Some(Jump::Jump);
                    rule1.target = "MARK".to_owned();
                    rule1.target_options = Some(format!("--set-mark {mark}"));
                    rule1.matches.push(Match::new(
                        "recent",
                        format!("{lead}--name {list}{rdest} --update --seconds {seconds} --reap"),
                    ));
                    let mut rule2 = cleared(&rule);
                    rule2
                        .matches
                        .push(Match::new("mark", format!("--mark 0/{mask}")));
                    rule2.matches.push(Match::new(
                        "recent",
                        format!("--name {list}{rdest} --remove"),
                    ));
                    let mut set = cleared(&rule);
                    let setmark = if rdest.is_empty() {
                        format!("--mark {mark}/{mask}")
                    } else {
                        format!("--mark {mark}")
                    };
                    set.matches.push(Match::new("mark", setmark));
                    set.matches
                        .push(Match::new("recent", format!("--name {list}{rdest} --set")));
                    self.chains.add_trule(m, chain, rule1);
                    self.chains.add_trule(m, chain, rule2);
                    self.chains.add_trule(m, setchain, set);
                }
            }
        }
        for (from, to) in [("PREROUTING", "setsticky"), ("OUTPUT", "setsticko")] {
            if self.chains.get(m, to).is_some_and(|it| it.rules.is_empty()) {
                self.chains.delete_jumps(m, from, to);
            }
        }
        // The SAME rules' timeouts (Shorewall's `-t`, which it never prints).
        for chain in [
            "tcpre",
            "tcout",
            "sticky",
            "sticko",
            "setsticky",
            "setsticko",
        ] {
            if let Some(chain) = self.chains.get_mut(m, chain) {
                for rule in &mut chain.rules {
                    rule.matches.retain(|it| it.key != "t");
                }
            }
        }
        Ok(())
    }

    /// The matches `setup_tc` adds to the jumps to `tcpre` and `tcout` when providers are
    /// tracked, and the interfaces whose packets go to `tcpre` regardless
    /// (TRACK_PROVIDERS=No).
    pub(crate) fn tc_jump_marks(&self) -> (Vec<Match>, Vec<String>) {
        if self.providers.routemarked_interfaces.is_empty() || self.mark_layout().tc_expert {
            return (Vec::new(), Vec::new());
        }
        let mask = self.mark_layout().provider_mask;
        let marks = vec![Match::new("mark", format!("--mark 0/{mask:#x}"))];
        if self.setting_is_yes("TRACK_PROVIDERS", true) {
            (marks, Vec::new())
        } else {
            (marks, self.providers.routemarked_interfaces.clone())
        }
    }
}

/// `lookup_provider` as the rtrules and routes files use it: a provider (or predefined table)
/// by name, or by number when the text is one. Returns the name, number and `optional`.
fn lookup_provider(providers: &Providers, text: &str) -> Option<(String, i64, bool)> {
    let by_name = |name: &str| {
        BUILTIN_TABLES
            .iter()
            .find(|(it, _)| *it == name)
            .map(|(it, number)| ((*it).to_owned(), *number, false))
            .or_else(|| {
                providers
                    .list
                    .iter()
                    .find(|it| it.name == name)
                    .map(|it| (it.name.clone(), it.number, it.optional))
            })
    };
    if let Some(found) = by_name(text) {
        return Some(found);
    }
    let lower = text.to_ascii_lowercase();
    let numeric = lower.strip_prefix("0x").map_or_else(
        || lower.chars().all(|c| c.is_ascii_digit()),
        |hex| !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()),
    );
    if !numeric {
        return None;
    }
    let number = numeric_value(text).unwrap_or(0);
    BUILTIN_TABLES
        .iter()
        .find(|(_, it)| *it == number)
        .map(|(it, number)| ((*it).to_owned(), *number, false))
        .or_else(|| {
            providers
                .list
                .iter()
                .find(|it| it.number == number)
                .map(|it| (it.name.clone(), it.number, it.optional))
        })
}

/// `verify_mark`: a mark within the layout (a TC mark, or a provider, user or zone mark).
pub(crate) fn verify_mark(layout: &Layout, mark: &str) -> Result<()> {
    let (limit, mask) = if layout.tc_expert {
        (layout.tproxy_mark + 1, layout.tproxy_mark)
    } else {
        (layout.exclusion_mask, layout.tc_mask)
    };
    let value = numeric_value(mark).filter(|it| *it < limit);
    let Some(value) = value else {
        return error(format!("Invalid Mark or Mask value ({mark})"));
    };
    if value > mask
        && value & layout.provider_mask != value
        && value & layout.user_mask != value
        && value & layout.zone_mask != value
    {
        return error(format!("Invalid Mark or Mask value ({mark})"));
    }
    Ok(())
}

/// `validate_mark`: `mark[/mask]`.
fn validate_mark(layout: &Layout, mark: &str) -> Result<()> {
    let parts: Vec<&str> = mark.split('/').collect();
    if parts.len() > 2 {
        return error(format!("Invalid MARK ({mark})"));
    }
    for part in parts {
        verify_mark(layout, part)?;
    }
    Ok(())
}

/// `validate_net` without names: a bare address must be an IPv6 address.
fn validate_net_no_names(net: &str) -> Result<String> {
    let inner = net
        .strip_prefix('[')
        .and_then(|it| it.strip_suffix(']'))
        .unwrap_or(net);
    let bare = !inner.contains(['/', '[', '+']) && !inner.is_empty();
    if bare && !valid_address(inner) {
        return error(format!("Invalid IPv6 Address ({inner})"));
    }
    validate_net(net)
}

/// `iface:<net>`, `iface:[net]` or `iface:[net]/vlsm` of an rtrules SOURCE.
fn interface_and_net(source: &str) -> Option<(String, String)> {
    let (interface, rest) = source.split_once(':')?;
    if interface.is_empty() {
        return None;
    }
    let rest = rest.trim_end();
    if let Some(inner) = rest.strip_prefix('<').and_then(|it| it.strip_suffix('>')) {
        return Some((interface.to_owned(), inner.to_owned()));
    }
    if let Some(inner) = rest.strip_prefix('[').and_then(|it| it.strip_suffix(']')) {
        return Some((interface.to_owned(), inner.to_owned()));
    }
    if rest.starts_with('[') && rest.contains("]/") {
        return Some((interface.to_owned(), rest.to_owned()));
    }
    None
}

/// The `load=` option's factor: `0?.d{1,8}` at the start of the value (Shorewall does not
/// anchor the end).
fn load_factor(option: &str) -> Option<&str> {
    let value = option.strip_prefix("load=")?;
    let after_zero = value.strip_prefix('0').unwrap_or(value);
    let digits = after_zero.strip_prefix('.')?;
    let count = digits
        .chars()
        .take_while(char::is_ascii_digit)
        .take(8)
        .count();
    if count == 0 {
        return None;
    }
    Some(&value[..value.len() - after_zero.len() + 1 + count])
}

fn all_digits(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_digit())
}

/// `var_base`: an interface name as a shell variable name (`eth0.1` → `eth0_1`, `ppp+` →
/// `ppp_plus`).
fn var_base(name: &str) -> String {
    let mut var = name.to_owned();
    if let Some(root) = var.strip_suffix('+') {
        var = format!("{root}_plus");
    }
    var = var.replace('.', "_");
    if var.is_empty()
        || var.starts_with(|c: char| c.is_ascii_digit())
        || var.chars().any(|c| !(c.is_alphanumeric() || c == '_'))
    {
        var.retain(|c| c.is_alphanumeric() || c == '_');
        if var.starts_with(|c: char| c.is_ascii_digit()) {
            var = format!("if_{var}");
        }
        var.push_str("_1");
    }
    var
}

/// A copy of `rule` without its target (`clear_rule_target`).
fn cleared(rule: &Rule) -> Rule {
    let mut rule = rule.clone();
    rule.jump = None;
    rule.target = String::new();
    rule.target_options = None;
    rule
}
