//! `shorewall6.conf`: the settings, with Shorewall 5.2.8's defaults for what is absent, and the
//! checks Shorewall makes on their values (`Config.pm get_configuration`).

use std::collections::HashMap;

use shorewall_syntax::{
    ast::{self, AstNode},
    Family,
};

use crate::model::{
    diagnostic::{Diagnostic, Site},
    expand::{self, Value, Variables},
    log_level, FileId,
};

/// One setting: its value after variable expansion and quote removal, and where it was set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub value: String,
    pub site: Option<Site>,
    /// The value is Shorewall's default, not what the file says (the option is absent or
    /// empty there).
    pub defaulted: bool,
}

/// The settings of shorewall6.conf, defaults included.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    values: HashMap<String, Setting>,
}

/// Every option Shorewall 5.2.8 knows (`%config` in Config.pm).
pub const OPTIONS: &[&str] = &[
    "STARTUP_ENABLED",
    "VERBOSITY",
    "LOGFILE",
    "LOGFORMAT",
    "LOGTAGONLY",
    "LOGLIMIT",
    "LOGRATE",
    "LOGBURST",
    "LOGALLNEW",
    "BLACKLIST_LOG_LEVEL",
    "RELATED_LOG_LEVEL",
    "RFC1918_LOG_LEVEL",
    "MACLIST_LOG_LEVEL",
    "TCP_FLAGS_LOG_LEVEL",
    "SMURF_LOG_LEVEL",
    "LOG_MARTIANS",
    "LOG_VERBOSITY",
    "STARTUP_LOG",
    "SFILTER_LOG_LEVEL",
    "RPFILTER_LOG_LEVEL",
    "INVALID_LOG_LEVEL",
    "UNTRACKED_LOG_LEVEL",
    "LOG_BACKEND",
    "LOG_LEVEL",
    "LOG_ZONE",
    "IP",
    "TC",
    "IPSET",
    "PERL",
    "PATH",
    "SHOREWALL_SHELL",
    "SUBSYSLOCK",
    "MODULESDIR",
    "CONFIG_PATH",
    "RESTOREFILE",
    "LOCKFILE",
    "GEOIPDIR",
    "NFACCT",
    "DROP_DEFAULT",
    "REJECT_DEFAULT",
    "ACCEPT_DEFAULT",
    "QUEUE_DEFAULT",
    "NFQUEUE_DEFAULT",
    "BLACKLIST_DEFAULT",
    "RSH_COMMAND",
    "RCP_COMMAND",
    "BRIDGING",
    "IP_FORWARDING",
    "ADD_IP_ALIASES",
    "ADD_SNAT_ALIASES",
    "RETAIN_ALIASES",
    "TC_ENABLED",
    "TC_EXPERT",
    "TC_PRIOMAP",
    "CLEAR_TC",
    "MARK_IN_FORWARD_CHAIN",
    "CLAMPMSS",
    "ROUTE_FILTER",
    "DETECT_DNAT_IPADDRS",
    "MUTEX_TIMEOUT",
    "ADMINISABSENTMINDED",
    "BLACKLIST",
    "BLACKLISTNEWONLY",
    "DELAYBLACKLISTLOAD",
    "DISABLE_IPV6",
    "DYNAMIC_ZONES",
    "PKTTYPE",
    "MACLIST_TABLE",
    "MACLIST_TTL",
    "SAVE_IPSETS",
    "SAVE_ARPTABLES",
    "FASTACCEPT",
    "IMPLICIT_CONTINUE",
    "IPSET_WARNINGS",
    "HIGH_ROUTE_MARKS",
    "USE_ACTIONS",
    "OPTIMIZE",
    "SHOREWALL_COMPILER",
    "EXPAND_POLICIES",
    "KEEP_RT_TABLES",
    "DELETE_THEN_ADD",
    "MULTICAST",
    "DONT_LOAD",
    "AUTOCOMMENT",
    "MANGLE_ENABLED",
    "RFC1918_STRICT",
    "NULL_ROUTE_RFC1918",
    "USE_DEFAULT_RT",
    "RESTORE_DEFAULT_ROUTE",
    "FAST_STOP",
    "AUTOMAKE",
    "WIDE_TC_MARKS",
    "TRACK_PROVIDERS",
    "ZONE2ZONE",
    "ACCOUNTING",
    "OPTIMIZE_ACCOUNTING",
    "ACCOUNTING_TABLE",
    "DYNAMIC_BLACKLIST",
    "REQUIRE_INTERFACE",
    "FORWARD_CLEAR_MARK",
    "COMPLETE",
    "EXPORTMODULES",
    "USE_PHYSICAL_NAMES",
    "HELPERS",
    "AUTOHELPERS",
    "RESTORE_ROUTEMARKS",
    "IGNOREUNKNOWNVARIABLES",
    "WARNOLDCAPVERSION",
    "DEFER_DNS_RESOLUTION",
    "USE_RT_NAMES",
    "TRACK_RULES",
    "REJECT_ACTION",
    "BASIC_FILTERS",
    "WORKAROUNDS",
    "LEGACY_RESTART",
    "RESTART",
    "DOCKER",
    "PAGER",
    "MINIUPNPD",
    "VERBOSE_MESSAGES",
    "ZERO_MARKS",
    "FIREWALL",
    "BALANCE_PROVIDERS",
    "PERL_HASH_SEED",
    "USE_NFLOG_SIZE",
    "RENAME_COMBINED",
    "DOCKER_BRIDGE",
    "MACLIST_DISPOSITION",
    "TCP_FLAGS_DISPOSITION",
    "BLACKLIST_DISPOSITION",
    "SMURF_DISPOSITION",
    "SFILTER_DISPOSITION",
    "RPFILTER_DISPOSITION",
    "RELATED_DISPOSITION",
    "INVALID_DISPOSITION",
    "UNTRACKED_DISPOSITION",
    "TC_BITS",
    "PROVIDER_BITS",
    "PROVIDER_OFFSET",
    "MASK_BITS",
    "ZONE_BITS",
];

/// Whether `name` is an option of shorewall6.conf (or shorewall.conf for IPv4).
pub fn is_option(name: &str, family: Family) -> bool {
    match name {
        "IP6TABLES" => family == Family::Ipv6,
        "IPTABLES" | "ARPTABLES" => family == Family::Ipv4,
        _ => OPTIONS.contains(&name),
    }
}

/// Options 5.2.8 has dropped: accepted by `shorewall update` only.
const ELIMINATED: &[&str] = &[
    "LOGRATE",
    "LOGBURST",
    "EXPORTPARAMS",
    "LEGACY_FASTSTART",
    "IPSECFILE",
    "WIDE_TC_MARKS",
    "HIGH_ROUTE_MARKS",
    "BLACKLISTNEWONLY",
    "CHAIN_SCRIPTS",
    "MODULE_SUFFIX",
    "MAPOLDACTIONS",
    "INLINE_MATCHES",
    "LOAD_HELPERS_ONLY",
];

/// Yes/No options and their defaults ("" is No).
const YES_NO: &[(&str, &str)] = &[
    ("ADD_SNAT_ALIASES", ""),
    ("DETECT_DNAT_IPADDRS", ""),
    ("ADMINISABSENTMINDED", ""),
    ("DISABLE_IPV6", ""),
    ("SAVE_ARPTABLES", ""),
    ("STARTUP_ENABLED", "Yes"),
    ("DELAYBLACKLISTLOAD", ""),
    ("LOGTAGONLY", ""),
    ("FASTACCEPT", ""),
    ("IMPLICIT_CONTINUE", ""),
    ("TC_EXPERT", ""),
    ("USE_ACTIONS", "Yes"),
    ("EXPAND_POLICIES", ""),
    ("KEEP_RT_TABLES", ""),
    ("USE_RT_NAMES", ""),
    ("DELETE_THEN_ADD", "Yes"),
    ("AUTOCOMMENT", "Yes"),
    ("MULTICAST", ""),
    ("MARK_IN_FORWARD_CHAIN", ""),
    ("RENAME_COMBINED", "Yes"),
    ("TRACK_RULES", ""),
    ("BASIC_FILTERS", ""),
    ("WORKAROUNDS", "Yes"),
    ("DOCKER", ""),
    ("MANGLE_ENABLED", "Yes"),
    ("USE_DEFAULT_RT", ""),
    ("RESTORE_DEFAULT_ROUTE", "Yes"),
    ("TRACK_PROVIDERS", "Yes"),
    ("USE_NFLOG_SIZE", ""),
    ("ACCOUNTING", "Yes"),
    ("OPTIMIZE_ACCOUNTING", ""),
    ("REQUIRE_INTERFACE", ""),
    ("FORWARD_CLEAR_MARK", "Yes"),
    ("COMPLETE", ""),
    ("EXPORTMODULES", ""),
    ("USE_PHYSICAL_NAMES", ""),
    ("IPSET_WARNINGS", "Yes"),
    ("AUTOHELPERS", "Yes"),
    ("RESTORE_ROUTEMARKS", "Yes"),
    ("IGNOREUNKNOWNVARIABLES", "Yes"),
    ("WARNOLDCAPVERSION", "Yes"),
    ("DEFER_DNS_RESOLUTION", "Yes"),
    ("MINIUPNPD", ""),
    ("VERBOSE_MESSAGES", "Yes"),
    ("ZERO_MARKS", ""),
    ("DYNAMIC_BLACKLIST", "Yes"),
];

/// Other defaults of 5.2.8 for an IPv6 configuration.
const DEFAULTS: &[(&str, &str)] = &[
    ("LOG_LEVEL", "info"),
    ("LOG_ZONE", "both"),
    ("ZONE2ZONE", "-"),
    ("OPTIMIZE", "0"),
    ("LOGFORMAT", "Shorewall:%s:%s:"),
    ("DROP_DEFAULT", "none"),
    ("REJECT_DEFAULT", "none"),
    ("BLACKLIST_DEFAULT", "none"),
    ("QUEUE_DEFAULT", "none"),
    ("NFQUEUE_DEFAULT", "none"),
    ("ACCEPT_DEFAULT", "none"),
    ("BLACKLIST_DISPOSITION", "DROP"),
    ("SMURF_DISPOSITION", "DROP"),
    ("SFILTER_DISPOSITION", "DROP"),
    ("RPFILTER_DISPOSITION", "DROP"),
    ("SFILTER_LOG_LEVEL", "info"),
    ("RPFILTER_LOG_LEVEL", "info"),
    ("RELATED_DISPOSITION", "ACCEPT"),
    ("INVALID_DISPOSITION", "CONTINUE"),
    ("UNTRACKED_DISPOSITION", "CONTINUE"),
    ("MACLIST_DISPOSITION", "REJECT"),
    ("TCP_FLAGS_DISPOSITION", "DROP"),
    ("MACLIST_TABLE", "filter"),
    ("TC_ENABLED", "no"),
    ("RESTOREFILE", "restore"),
    ("ACCOUNTING_TABLE", "filter"),
    ("BLACKLIST", "NEW,INVALID,UNTRACKED"),
];

/// Log-level options (`default_log_level`), checked like LOG_LEVEL.
const LOG_LEVEL_OPTIONS: &[&str] = &[
    "LOG_LEVEL",
    "BLACKLIST_LOG_LEVEL",
    "MACLIST_LOG_LEVEL",
    "TCP_FLAGS_LOG_LEVEL",
    "RFC1918_LOG_LEVEL",
    "RELATED_LOG_LEVEL",
    "INVALID_LOG_LEVEL",
    "UNTRACKED_LOG_LEVEL",
    "SMURF_LOG_LEVEL",
    "LOGALLNEW",
    "SFILTER_LOG_LEVEL",
    "RPFILTER_LOG_LEVEL",
];

/// The settings' expansion context: variables come from params, and `CONFDIR`, `SHAREDIR`...
struct ConfVariables<'a> {
    params: &'a dyn Variables,
    settings: &'a HashMap<String, Setting>,
}

impl Variables for ConfVariables<'_> {
    fn lookup(&self, name: &str) -> Option<Value> {
        self.params.lookup(name).or_else(|| {
            self.settings
                .get(name)
                .map(|it| Value::Known(it.value.clone()))
        })
    }

    fn strict(&self) -> bool {
        false
    }
}

impl Settings {
    /// The value of an option, defaults applied; `""` for a known option with no value.
    pub fn get(&self, name: &str) -> &str {
        self.values.get(name).map_or("", |it| it.value.as_str())
    }

    /// Where an option was set, if in the file.
    pub fn site(&self, name: &str) -> Option<Site> {
        self.values.get(name).and_then(|it| it.site)
    }

    /// Whether the option was given in the file (as opposed to defaulted).
    pub fn is_set(&self, name: &str) -> bool {
        self.site(name).is_some()
    }

    /// The value the file gives an option, if it gives a non-empty one (Shorewall's
    /// `supplied $config{NAME}`, before its defaults apply).
    pub fn supplied(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .filter(|it| !it.defaulted && !it.value.is_empty())
            .map(|it| it.value.as_str())
    }

    /// The value Shorewall's `%config` holds after `get_configuration`, which is what `$NAME`
    /// expands to in `?IF` and in records: a Yes/No option is `Yes` or empty.
    pub fn config_value(&self, name: &str) -> String {
        let value = self.get(name);
        if YES_NO.iter().any(|(it, _)| *it == name) {
            if value.eq_ignore_ascii_case("yes") {
                return "Yes".to_owned();
            }
            if value.eq_ignore_ascii_case("no") || value.is_empty() {
                return String::new();
            }
        }
        value.to_owned()
    }

    /// A Yes/No option: true for Yes (after defaults).
    pub fn is_yes(&self, name: &str) -> bool {
        self.get(name).eq_ignore_ascii_case("yes")
    }

    /// OPTIMIZE as a number (`All` is 31).
    pub fn optimize(&self) -> u32 {
        parse_optimize(self.get("OPTIMIZE")).unwrap_or(0)
    }

    /// The longest zone name LOGFORMAT leaves room for (5 with the default format).
    pub fn max_zone_name_length(&self) -> usize {
        let formatted = format_log_prefix(self.get("LOGFORMAT"), "fooxx2barxx", "ACCEPT");
        match formatted {
            Some(it) if it.len() <= 29 => 5 + (29 - it.len()) / 2,
            _ => 5,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Setting)> {
        self.values.iter().map(|(name, it)| (name.as_str(), it))
    }

    #[cfg(test)]
    pub(crate) fn set_default(&mut self, name: &str, value: &str) {
        self.values
            .entry(name.to_owned())
            .or_insert_with(|| Setting {
                value: value.to_owned(),
                site: None,
                defaulted: true,
            });
    }
}

fn parse_optimize(value: &str) -> Option<u32> {
    if value.eq_ignore_ascii_case("all") {
        return Some(31);
    }
    if value.eq_ignore_ascii_case("none") || value.is_empty() {
        return Some(0);
    }
    let number = if let Some(hex) = value
        .strip_prefix("0x")
        .or_else(|| value.strip_prefix("0X"))
    {
        u32::from_str_radix(hex, 16).ok()
    } else if value.len() > 1 && value.starts_with('0') {
        u32::from_str_radix(&value[1..], 8).ok()
    } else {
        value.parse().ok()
    };
    number.filter(|it| *it <= 31)
}

/// `sprintf(LOGFORMAT, chain, disposition)` for the `%s`/`%d` formats Shorewall allows.
pub fn format_log_prefix(format: &str, chain: &str, disposition: &str) -> Option<String> {
    let mut res = String::new();
    let mut args = vec![chain.to_owned()];
    if format.contains("%d") {
        args.push("1".to_owned());
    }
    args.push(disposition.to_owned());
    let mut args = args.into_iter();
    let mut chars = format.chars();
    while let Some(ch) = chars.next() {
        if ch != '%' {
            res.push(ch);
            continue;
        }
        match chars.next() {
            Some('%') => res.push('%'),
            Some('s') | Some('d') => res.push_str(&args.next().unwrap_or_default()),
            _ => return None,
        }
    }
    Some(res)
}

/// Reads shorewall6.conf: each assignment, expanded (unless single-quoted) and unquoted, then
/// the defaults, then the checks. `params` gives the variables a value may use.
pub(crate) fn read(
    family: Family,
    file: Option<FileId>,
    tree: Option<&ast::SourceFile>,
    params: &dyn Variables,
    diagnostics: &mut Vec<Diagnostic>,
) -> Settings {
    let mut settings = Settings::default();
    if let (Some(file), Some(tree)) = (file, tree) {
        for assignment in tree.assignments() {
            let Some(name) = assignment.name() else {
                continue;
            };
            let site = Site {
                file,
                range: assignment.syntax().text_range(),
            };
            if ELIMINATED.contains(&name.as_str()) {
                diagnostics.push(Diagnostic::warning(
                    "unknown-setting",
                    site,
                    format!("The {name} configuration option is no longer supported"),
                ));
                continue;
            }
            if !is_option(&name, family) {
                diagnostics.push(Diagnostic::warning(
                    "unknown-setting",
                    site,
                    format!("Unknown configuration option ({name}) ignored"),
                ));
                continue;
            }
            let raw = assignment.raw_value();
            let value = if raw.starts_with('\'') && raw.ends_with('\'') && raw.len() >= 2 {
                raw.clone()
            } else {
                let vars = ConfVariables {
                    params,
                    settings: &settings.values,
                };
                let expansion = expand::expand(&raw, &vars);
                if expansion.unknown {
                    raw.clone()
                } else {
                    expansion.text
                }
            };
            let value = unquote(&value);
            settings.values.insert(
                name,
                Setting {
                    value,
                    site: Some(site),
                    defaulted: false,
                },
            );
        }
    }
    for (name, default) in YES_NO.iter().chain(DEFAULTS) {
        if settings.get(name).is_empty() {
            let site = settings.site(name);
            settings.values.insert(
                (*name).to_owned(),
                Setting {
                    value: (*default).to_owned(),
                    site,
                    defaulted: true,
                },
            );
        }
    }
    check(&settings, diagnostics);
    settings
}

/// Shorewall's `$val =~ /"([^"]*)"$/ ? $1 : $val`.
fn unquote(value: &str) -> String {
    if let Some(inner) = value.strip_suffix('"') {
        if let Some(start) = inner.rfind('"') {
            return inner[start + 1..].to_owned();
        }
    }
    value.to_owned()
}

fn check(settings: &Settings, diagnostics: &mut Vec<Diagnostic>) {
    let mut error = |name: &str, message: String| {
        if let Some(site) = settings.site(name) {
            diagnostics.push(Diagnostic::error("invalid-setting", site, message));
        }
    };
    for (name, _) in YES_NO {
        let value = settings.get(name);
        if settings.is_set(name)
            && !value.is_empty()
            && !value.eq_ignore_ascii_case("yes")
            && !value.eq_ignore_ascii_case("no")
        {
            error(
                name,
                format!("Invalid value for {name} ({})", value.to_ascii_lowercase()),
            );
        }
    }
    if parse_optimize(settings.get("OPTIMIZE")).is_none() {
        error(
            "OPTIMIZE",
            format!("Invalid OPTIMIZE value ({})", settings.get("OPTIMIZE")),
        );
    }
    let zone2zone = settings.get("ZONE2ZONE");
    if zone2zone != "2" && zone2zone != "-" {
        error(
            "ZONE2ZONE",
            format!("Invalid ZONE2ZONE value ( {zone2zone} )"),
        );
    }
    for name in LOG_LEVEL_OPTIONS {
        let value = settings.get(name);
        if !value.is_empty() && log_level::validate(value).is_none() {
            error(
                name,
                format!("Invalid log level ({})", value.to_ascii_uppercase()),
            );
        }
    }
    let log_zone = settings.get("LOG_ZONE");
    if !["src", "dst", "both"]
        .iter()
        .any(|it| log_zone.eq_ignore_ascii_case(it))
    {
        error("LOG_ZONE", format!("Invalid LOG_ZONE setting ({log_zone})"));
    }
    let logformat = settings.get("LOGFORMAT");
    match format_log_prefix(logformat, "fooxx2barxx", "ACCEPT") {
        None => error("LOGFORMAT", format!("Invalid LOGFORMAT ({logformat})")),
        Some(it) if it.len() > 29 => error(
            "LOGFORMAT",
            format!("LOGFORMAT string is longer than 29 characters ({logformat})"),
        ),
        Some(_) => {}
    }
    let dispositions: &[(&str, &[&str])] = &[
        (
            "BLACKLIST_DISPOSITION",
            &["DROP", "A_DROP", "REJECT", "A_REJECT"],
        ),
        ("SMURF_DISPOSITION", &["DROP", "A_DROP"]),
        (
            "SFILTER_DISPOSITION",
            &["DROP", "A_DROP", "REJECT", "A_REJECT"],
        ),
        (
            "RPFILTER_DISPOSITION",
            &["DROP", "A_DROP", "REJECT", "A_REJECT"],
        ),
        (
            "TCP_FLAGS_DISPOSITION",
            &["ACCEPT", "DROP", "REJECT", "A_ACCEPT", "A_DROP", "A_REJECT"],
        ),
        (
            "MACLIST_DISPOSITION",
            &["ACCEPT", "DROP", "REJECT", "A_ACCEPT", "A_DROP", "A_REJECT"],
        ),
        (
            "RELATED_DISPOSITION",
            &[
                "ACCEPT", "CONTINUE", "DROP", "REJECT", "A_ACCEPT", "A_DROP", "A_REJECT",
            ],
        ),
        (
            "INVALID_DISPOSITION",
            &[
                "ACCEPT", "CONTINUE", "DROP", "REJECT", "A_ACCEPT", "A_DROP", "A_REJECT",
            ],
        ),
        (
            "UNTRACKED_DISPOSITION",
            &[
                "ACCEPT", "CONTINUE", "DROP", "REJECT", "A_ACCEPT", "A_DROP", "A_REJECT",
            ],
        ),
    ];
    for (name, allowed) in dispositions {
        let value = settings.get(name);
        if !allowed.contains(&value) {
            error(name, format!("Invalid value ({value}) for {name}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_prefix_and_zone_length() {
        assert_eq!(
            format_log_prefix("%s %s ", "net-fw", "DROP").as_deref(),
            Some("net-fw DROP ")
        );
        let mut settings = Settings::default();
        settings.set_default("LOGFORMAT", "%s %s ");
        assert_eq!(settings.max_zone_name_length(), 10);
        let mut settings = Settings::default();
        settings.set_default("LOGFORMAT", "Shorewall:%s:%s:");
        assert_eq!(settings.max_zone_name_length(), 5);
        assert_eq!(parse_optimize("All"), Some(31));
        assert_eq!(parse_optimize("bogus"), None);
        assert_eq!(parse_optimize("32"), None);
    }
}
