//! `shorewall6.conf`: the settings, with Shorewall 5.2.8's defaults for what is absent, and the
//! checks Shorewall makes on their values (`Config.pm get_configuration`).

use std::collections::HashMap;

use shorewall_syntax::{
    ast::{self, AstNode},
    Family,
};

use crate::model::{
    capabilities::Capabilities,
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
    family: Family,
}

impl Variables for ConfVariables<'_> {
    fn lookup(&self, name: &str) -> Option<Value> {
        self.params.lookup(name).or_else(|| {
            // `exists $config{$var}`: every option, set or not.
            self.settings
                .get(name)
                .map(|it| Value::Known(it.value.clone()))
                .or_else(|| is_option(name, self.family).then(|| Value::Known(String::new())))
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

/// `sprintf(LOGFORMAT, chain, disposition)` as Perl formats it: `%s` takes the next argument,
/// numeric conversions its numeric value (`0` for a name), `%%` is a percent sign, and an
/// unknown conversion stays as written.
pub fn format_log_prefix(format: &str, chain: &str, disposition: &str) -> Option<String> {
    let mut res = String::new();
    let mut args = vec![chain.to_owned()];
    if format.contains("%d") {
        args.push("1".to_owned());
    }
    args.push(disposition.to_owned());
    let mut args = args.into_iter();
    let chars: Vec<char> = format.chars().collect();
    let mut idx = 0;
    while idx < chars.len() {
        let ch = chars[idx];
        idx += 1;
        if ch != '%' {
            res.push(ch);
            continue;
        }
        let start = idx;
        while idx < chars.len() && "-+ 0#".contains(chars[idx]) {
            idx += 1;
        }
        let width_start = idx;
        while idx < chars.len() && chars[idx].is_ascii_digit() {
            idx += 1;
        }
        let width: usize = chars[width_start..idx]
            .iter()
            .collect::<String>()
            .parse()
            .unwrap_or(0);
        if idx < chars.len() && chars[idx] == '.' {
            idx += 1;
            while idx < chars.len() && chars[idx].is_ascii_digit() {
                idx += 1;
            }
        }
        let Some(&conversion) = chars.get(idx) else {
            res.push('%');
            res.extend(&chars[start..]);
            break;
        };
        idx += 1;
        let piece = match conversion {
            '%' => "%".to_owned(),
            's' => args.next().unwrap_or_default(),
            'd' | 'i' | 'u' | 'x' | 'X' | 'o' | 'c' | 'e' | 'E' | 'f' | 'g' | 'G' | 'b' => {
                let arg = args.next().unwrap_or_default();
                let number: String = arg.chars().take_while(char::is_ascii_digit).collect();
                if number.is_empty() {
                    "0".to_owned()
                } else {
                    number
                }
            }
            _ => {
                res.push('%');
                res.extend(&chars[start..idx]);
                continue;
            }
        };
        if piece.len() < width {
            res.push_str(&" ".repeat(width - piece.len()));
        }
        res.push_str(&piece);
    }
    Some(res)
}

/// Reads shorewall6.conf: each assignment, expanded (unless single-quoted) and unquoted, then
/// the defaults, then the checks. `params` gives the variables a value may use.
pub(crate) fn read(
    family: Family,
    caps: &Capabilities,
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
                if is_option(&name, family) {
                    let product = match family {
                        Family::Ipv4 => "shorewall",
                        Family::Ipv6 => "shorewall6",
                    };
                    diagnostics.push(Diagnostic::error(
                        "unknown-setting",
                        site,
                        format!("The {name} configuration option has been superceded - please run '{product} update'"),
                    ));
                } else {
                    diagnostics.push(Diagnostic::warning(
                        "unknown-setting",
                        site,
                        format!("The {name} configuration option is no longer supported"),
                    ));
                }
                continue;
            }
            // `%renamed`.
            let name = match name.as_str() {
                "AUTO_COMMENT" => "AUTOCOMMENT".to_owned(),
                "BLACKLIST_LOGLEVEL" => "BLACKLIST_LOG_LEVEL".to_owned(),
                _ => name,
            };
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
                    family,
                };
                let expansion = expand::expand(&raw, &vars);
                // IGNOREUNKNOWNVARIABLES counts from the line that sets it, as its text
                // (`No` too: Shorewall tests the raw value).
                let ignore_unknown = settings
                    .values
                    .get("IGNOREUNKNOWNVARIABLES")
                    .is_some_and(|it| !it.value.is_empty() && it.value != "0");
                for problem in &expansion.problems {
                    let message = match problem {
                        expand::ExpandProblem::Undefined(_) if ignore_unknown => continue,
                        expand::ExpandProblem::Undefined(name) => {
                            format!("Undefined shell variable (${name})")
                        }
                        expand::ExpandProblem::BadActionParam(name) => format!(
                            "Action parameters (${name}) may only be referenced within the body of an action"
                        ),
                        expand::ExpandProblem::Loop => "Variable Expansion Loop".to_owned(),
                    };
                    diagnostics.push(Diagnostic::error("undefined-variable", site, message));
                }
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
    check(&settings, family, caps, diagnostics);
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

/// The checks of `get_configuration`, in its order (each reported where its option is set).
fn check(
    settings: &Settings,
    family: Family,
    caps: &Capabilities,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut error = |name: &str, message: String| {
        if let Some(site) = settings.site(name) {
            diagnostics.push(Diagnostic::error("invalid-setting", site, message));
        }
    };
    let supplied = |name: &str| -> Option<&str> {
        settings
            .site(name)
            .map(|_| settings.get(name))
            .filter(|it| !it.is_empty())
    };
    let product = match family {
        Family::Ipv4 => "shorewall",
        Family::Ipv6 => "shorewall6",
    };
    if let Some(value) = supplied("HELPERS") {
        if value != "none" {
            for helper in value.split(',') {
                let known = matches!(
                    helper,
                    "amanda"
                        | "ftp"
                        | "ftp-0"
                        | "h323"
                        | "irc"
                        | "irc-0"
                        | "netbios-ns"
                        | "pptp"
                        | "sane"
                        | "sane-0"
                        | "sip"
                        | "sip-0"
                        | "snmp"
                        | "tftp"
                        | "tftp-0"
                );
                if !known {
                    error("HELPERS", format!("Unknown Helper ({helper})"));
                    break;
                }
                let capability = helper.replacen('-', "_", 1).to_ascii_uppercase() + "_HELPER";
                if let Err(message) =
                    caps.require(&capability, &format!("The {helper} helper"), "s")
                {
                    error("HELPERS", message);
                    break;
                }
            }
        }
    }
    if let Some(rate) = supplied("LOGLIMIT") {
        if let Some(message) = check_loglimit(rate, caps) {
            error("LOGLIMIT", message);
        }
    }
    for name in ["IP_FORWARDING", "ROUTE_FILTER", "LOG_MARTIANS"] {
        if !settings.is_set(name) {
            continue;
        }
        let value = settings.get(name).to_ascii_lowercase();
        let valid = matches!(value.as_str(), "yes" | "on" | "no" | "off" | "keep" | "")
            || (name == "ROUTE_FILTER"
                && value.bytes().all(|b| b.is_ascii_digit())
                && value.parse::<u32>().is_ok_and(|it| it < 3));
        if !valid {
            error(name, format!("Invalid value ({value}) for {name}"));
        } else if family == Family::Ipv6 {
            if name == "ROUTE_FILTER" && !matches!(value.as_str(), "" | "no" | "off" | "keep" | "0")
            {
                error(
                    name,
                    format!("ROUTE_FILTER={value} is not supported in IPv6"),
                );
            }
            if name == "LOG_MARTIANS" && matches!(value.as_str(), "yes" | "on") {
                error(name, "LOG_MARTIANS=On is not supported in IPv6".to_owned());
            }
        }
    }
    if supplied("STARTUP_LOG").is_some() {
        if let Some(value) = supplied("LOG_VERBOSITY") {
            let number = match value.strip_prefix('-') {
                Some(it) => it.parse::<i64>().ok().map(|it| -it),
                None => value.parse::<i64>().ok(),
            };
            if !number.is_some_and(|it| (-1..=2).contains(&it)) {
                error("LOG_VERBOSITY", format!("Invalid LOG_VERBOSITY ({value} )"));
            }
        }
    }
    const SPECIAL: &[&str] = &[
        "TRACK_RULES",
        "SAVE_IPSETS",
        "AUTOMAKE",
        "NULL_ROUTE_RFC1918",
        "CLAMPMSS",
        "BRIDGING",
    ];
    for (name, _) in YES_NO {
        let value = settings.get(name);
        if !settings.is_set(name) || value.is_empty() || SPECIAL.contains(name) {
            continue;
        }
        let lower = value.to_ascii_lowercase();
        let other_ok = match *name {
            "DYNAMIC_BLACKLIST" => lower.starts_with("ipset"),
            _ => false,
        };
        if lower != "yes" && lower != "no" && !other_ok {
            error(name, format!("Invalid value for {name} ({lower})"));
        }
    }
    for name in [
        "TRACK_RULES",
        "SAVE_IPSETS",
        "AUTOMAKE",
        "NULL_ROUTE_RFC1918",
        "CLAMPMSS",
        "BRIDGING",
    ] {
        let Some(value) = supplied(name) else {
            continue;
        };
        let lower = value.to_ascii_lowercase();
        let ok = lower == "yes"
            || lower == "no"
            || match name {
                "TRACK_RULES" => lower == "file",
                "SAVE_IPSETS" => true,
                "AUTOMAKE" => {
                    lower == "recursive"
                        || (lower.len() <= 2 && lower.bytes().all(|b| b.is_ascii_digit()))
                }
                "NULL_ROUTE_RFC1918" => {
                    matches!(lower.as_str(), "blackhole" | "unreachable" | "prohibit")
                }
                "CLAMPMSS" => lower.bytes().all(|b| b.is_ascii_digit()),
                _ => false,
            };
        if !ok {
            error(name, format!("Invalid value for {name} ({lower})"));
        } else if name == "BRIDGING" && lower == "yes" {
            error(
                name,
                "BRIDGING=Yes is not supported by Shorewall 5.2.8".to_owned(),
            );
        }
    }
    if family == Family::Ipv6 && settings.get("SAVE_IPSETS") == "ipv4" {
        error(
            "SAVE_IPSETS",
            "SAVE_IPSETS=ipv4 is invalid in shorewall6.conf".to_owned(),
        );
    }
    if let Some(value) = supplied("BLACKLIST") {
        if value != "ALL" {
            let mut seen: Vec<&str> = Vec::new();
            for state in value.split(',') {
                if !matches!(
                    state,
                    "NEW" | "RELATED" | "ESTABLISHED" | "INVALID" | "UNTRACKED"
                ) {
                    error("BLACKLIST", format!("Invalid BLACKLIST state ({state})"));
                    break;
                }
                if seen.contains(&state) {
                    error("BLACKLIST", format!("Duplicate BLACKLIST state({state})"));
                    break;
                }
                seen.push(state);
            }
            if settings.is_yes("FASTACCEPT") && seen.contains(&"ESTABLISHED") {
                error(
                    "BLACKLIST",
                    "ESTABLISHED state may not be specified when FASTACCEPT=Yes".to_owned(),
                );
            }
        }
    }
    if settings.is_yes("DOCKER") && family == Family::Ipv6 {
        error(
            "DOCKER",
            "DOCKER=Yes is not allowed in Shorewall6".to_owned(),
        );
    }
    if let Some(value) = supplied("RESTART") {
        if value != "restart" && value != "reload" {
            error("RESTART", format!("Invalid value for RESTART ({value})"));
        }
    }
    if let Some(value) = supplied("REJECT_ACTION") {
        let valid = value
            .chars()
            .next()
            .is_some_and(|it| it.is_ascii_alphabetic())
            && value
                .chars()
                .all(|it| it.is_ascii_alphanumeric() || it == '_' || it == '-');
        if !valid {
            error(
                "REJECT_ACTION",
                format!("Invalid Reject Action Name ({value})"),
            );
        }
    }
    if settings.is_yes("USE_NFLOG_SIZE") && !caps.has("NFLOG_SIZE") {
        error(
            "USE_NFLOG_SIZE",
            "USE_NFLOG_SIZE=Yes, but the --nflog-size capabiity is not present".to_owned(),
        );
    }
    let mangle_setting = settings.get("MANGLE_ENABLED");
    let mangle = !mangle_setting.eq_ignore_ascii_case("no") && caps.has("MANGLE_ENABLED");
    if let Some(value) = supplied("ACCOUNTING_TABLE") {
        if value != "filter" && value != "mangle" {
            error(
                "ACCOUNTING_TABLE",
                format!("Invalid ACCOUNTING_TABLE setting ({value})"),
            );
        } else if value == "mangle" && !mangle {
            error(
                "ACCOUNTING_TABLE",
                "ACCOUNTING_TABLE=mangle not allowed with MANGLE_ENABLED=No".to_owned(),
            );
        }
    }
    if let Some(value) = supplied("DYNAMIC_BLACKLIST") {
        if value.starts_with("ipset") {
            let mut parts = value.splitn(5, ':');
            let mut options = parts.next().unwrap_or("").split(',');
            let key = options.next().unwrap_or("");
            let mut ok = true;
            for option in options {
                let simple = matches!(option, "src-dst" | "disconnect" | "log" | "noupdate");
                let timeout = option
                    .strip_prefix("timeout=")
                    .is_some_and(|it| !it.is_empty() && it.bytes().all(|b| b.is_ascii_digit()));
                if !simple && !timeout {
                    error(
                        "DYNAMIC_BLACKLIST",
                        format!("Invalid ipset option ({option})"),
                    );
                    ok = false;
                    break;
                }
            }
            let rest = parts.nth(3);
            if ok && (!(key == "ipset" || key == "ipset-only") || rest.is_some()) {
                error(
                    "DYNAMIC_BLACKLIST",
                    format!("Invalid DYNAMIC_BLACKLIST setting ( {value} )"),
                );
            } else if ok {
                if let Err(message) = caps.require("IPSET_V5", "DYNAMIC_BLACKLIST=ipset...", "s") {
                    error("DYNAMIC_BLACKLIST", message);
                }
            }
        }
    }
    // FORWARD_CLEAR_MARK defaults to Yes when the MARK target is there.
    let clear_mark = match settings
        .get("FORWARD_CLEAR_MARK")
        .to_ascii_lowercase()
        .as_str()
    {
        "" => caps.has("MARK"),
        "yes" => true,
        _ => false,
    };
    if clear_mark && !mangle {
        let message = format!(
            "FORWARD_CLEAR_MARK=Yes is not available when MANGLE_ENABLED=No in {product}.conf"
        );
        if settings.is_set("FORWARD_CLEAR_MARK") && !settings.get("FORWARD_CLEAR_MARK").is_empty() {
            error("FORWARD_CLEAR_MARK", message);
        } else {
            error("MANGLE_ENABLED", message);
        }
    }
    for name in [
        "TC_BITS",
        "MASK_BITS",
        "PROVIDER_OFFSET",
        "PROVIDER_BITS",
        "ZONE_BITS",
    ] {
        if let Some(value) = supplied(name) {
            if crate::model::zones::parse_number(value).is_none_or(|it| it > 32) {
                error(name, format!("Invalid value ({value}) for '{name}'"));
            }
        }
    }
    let zone2zone = settings.get("ZONE2ZONE");
    if settings.is_set("ZONE2ZONE") && !zone2zone.is_empty() && zone2zone != "2" && zone2zone != "-"
    {
        error(
            "ZONE2ZONE",
            format!("Invalid ZONE2ZONE value ( {zone2zone} )"),
        );
    }
    let blacklist = settings.get("BLACKLIST_DISPOSITION");
    let valid = blacklist == "DROP"
        || blacklist == "A_DROP"
        || blacklist.starts_with("REJECT")
        || blacklist.starts_with("A_REJECT");
    if !valid {
        error(
            "BLACKLIST_DISPOSITION",
            "BLACKLIST_DISPOSITION must be 'DROP', 'A_DROP', 'REJECT' or 'A_REJECT'".to_owned(),
        );
    }
    let smurf = settings.get("SMURF_DISPOSITION");
    if smurf != "DROP" && smurf != "A_DROP" {
        error(
            "SMURF_DISPOSITION",
            "SMURF_DISPOSITION must be 'DROP' or 'A_DROP'".to_owned(),
        );
    }
    if let Some(level) = supplied("LOG_LEVEL") {
        if let Err(message) = log_level::check(level, Some(caps), family) {
            error("LOG_LEVEL", message);
        }
    }
    for name in LOG_LEVEL_OPTIONS.iter().filter(|it| **it != "LOG_LEVEL") {
        let Some(value) = supplied(name) else {
            continue;
        };
        let level = value.split(':').next().unwrap_or("");
        if let Err(message) = log_level::check(level, Some(caps), family) {
            let upper = level.to_ascii_uppercase();
            let message = message.replace(
                &format!("({upper})"),
                &format!("({upper}) for option {name}"),
            );
            error(name, message);
        }
    }
    if let Some(value) = supplied("LOG_BACKEND") {
        let valid =
            matches!(value, "netlink" | "LOG") || (family == Family::Ipv4 && value == "ULOG");
        if !valid {
            error("LOG_BACKEND", format!("Invalid LOG Backend ({value})"));
        }
    }
    if let Some(value) = supplied("LOG_ZONE") {
        if !["src", "dst", "both"].contains(&value.to_ascii_lowercase().as_str()) {
            error("LOG_ZONE", format!("Invalid LOG_ZONE setting ({value})"));
        }
    }
    for name in ["SFILTER_DISPOSITION", "RPFILTER_DISPOSITION"] {
        if let Some(value) = supplied(name) {
            if !matches!(value, "DROP" | "REJECT" | "A_DROP" | "A_REJECT") {
                error(name, format!("Invalid {name} setting ({value})"));
            }
        }
    }
    let dispositions: &[(&str, &[&str])] = &[
        (
            "MACLIST_DISPOSITION",
            &["DROP", "A_DROP", "REJECT", "A_REJECT", "ACCEPT"],
        ),
        (
            "RELATED_DISPOSITION",
            &[
                "DROP", "A_DROP", "ACCEPT", "A_ACCEPT", "REJECT", "A_REJECT", "CONTINUE",
            ],
        ),
        (
            "INVALID_DISPOSITION",
            &["DROP", "A_DROP", "REJECT", "A_REJECT", "CONTINUE"],
        ),
        (
            "UNTRACKED_DISPOSITION",
            &[
                "DROP", "A_DROP", "ACCEPT", "A_ACCEPT", "REJECT", "A_REJECT", "CONTINUE",
            ],
        ),
    ];
    for (name, allowed) in dispositions {
        if let Some(value) = supplied(name) {
            if !allowed.contains(&value) {
                error(name, format!("Invalid value ({value}) for {name}"));
            }
        }
    }
    if let Some(value) = supplied("MACLIST_TABLE") {
        if value == "mangle" {
            if matches!(settings.get("MACLIST_DISPOSITION"), "REJECT" | "AREJECT") {
                error(
                    "MACLIST_TABLE",
                    "MACLIST_DISPOSITION=$1 is not allowed with MACLIST_TABLE=mangle".to_owned(),
                );
            }
        } else if value != "filter" {
            error(
                "MACLIST_TABLE",
                format!("Invalid value ({value}) for MACLIST_TABLE option"),
            );
        }
    }
    if let Some(value) = supplied("TCP_FLAGS_DISPOSITION") {
        // `^(?:(A_)?(?:REJECT|DROP))|ACCEPT$`: starting with [A_]REJECT/DROP, or ending ACCEPT.
        let valid = value.starts_with("REJECT")
            || value.starts_with("DROP")
            || value.starts_with("A_REJECT")
            || value.starts_with("A_DROP")
            || value.ends_with("ACCEPT");
        if !valid {
            error(
                "TCP_FLAGS_DISPOSITION",
                format!("Invalid value ({value}) for TCP_FLAGS_DISPOSITION"),
            );
        }
    }
    if let Some(value) = supplied("TC_ENABLED") {
        let lower = value.to_ascii_lowercase();
        if !matches!(
            lower.as_str(),
            "yes" | "internal" | "shared" | "simple" | "no"
        ) {
            error(
                "TC_ENABLED",
                format!("Invalid value ({value}) for TC_ENABLED"),
            );
        } else if lower != "no" && !mangle {
            error(
                "TC_ENABLED",
                format!("TC_ENABLED={value} is not allowed with MANGLE_ENABLED=No"),
            );
        }
    }
    if let Some(value) = supplied("TC_PRIOMAP") {
        let entries: Vec<&str> = value.split_whitespace().collect();
        if entries.len() != 16 {
            error("TC_PRIOMAP", format!("Invalid TC_PRIOMAP ({value})"));
        } else if let Some(bad) = entries.iter().find(|it| !matches!(**it, "1" | "2" | "3")) {
            error("TC_PRIOMAP", format!("Invalid TC_PRIOMAP entry ({bad})"));
        }
    }
    if parse_optimize(settings.get("OPTIMIZE")).is_none() {
        error(
            "OPTIMIZE",
            format!("Invalid OPTIMIZE value ({})", settings.get("OPTIMIZE")),
        );
    }
    let logformat = settings.get("LOGFORMAT");
    if let Some(it) = format_log_prefix(logformat, "fooxx2barxx", "ACCEPT") {
        if it.len() > 29 {
            error(
                "LOGFORMAT",
                format!("LOGFORMAT string is longer than 29 characters ({logformat})"),
            );
        }
    }
    if let Some(value) = supplied("MUTEX_TIMEOUT") {
        if value == "0" || !value.bytes().all(|b| b.is_ascii_digit()) {
            error(
                "MUTEX_TIMEOUT",
                format!("Invalid value ({value}) for MUTEX_TIMEOUT"),
            );
        }
    }
}

/// LOGLIMIT: `rate[/unit][:burst]`, or its `s:`/`d:` per-IP forms.
fn check_loglimit(rate: &str, caps: &Capabilities) -> Option<String> {
    const UNITS: &[&str] = &["sec", "min", "second", "minute", "hour", "day"];
    // `(\d+)(/(unit))?`: the number, and whether a unit was given.
    let parse = |text: &str| -> Option<(u64, bool)> {
        let (number, unit) = match text.split_once('/') {
            Some((number, unit)) => (number, Some(unit)),
            None => (text, None),
        };
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if unit.is_some_and(|it| !UNITS.contains(&it)) {
            return None;
        }
        Some((number.parse().unwrap_or(u64::MAX), unit.is_some()))
    };
    let per_ip = rate.strip_prefix("s:").or_else(|| rate.strip_prefix("d:"));
    if per_ip.is_some() {
        if let Err(message) = caps.require("HASHLIMIT_MATCH", "Per-ip log rate limiting", "s") {
            return Some(message);
        }
    }
    let body = per_ip.unwrap_or(rate);
    let (limit, burst) = match body.split_once(':') {
        Some((limit, burst)) => (limit, Some(burst)),
        None => (body, None),
    };
    match (parse(limit), burst) {
        // A burst needs a unit.
        (Some((_, false)), Some(_)) | (None, _) => Some(format!("Invalid rate ({rate})")),
        (Some((number, _)), Some(burst)) => {
            if burst.is_empty() || !burst.bytes().all(|b| b.is_ascii_digit()) {
                Some(format!("Invalid rate ({rate})"))
            } else if number == 0 {
                Some(format!("Invalid rate ({limit})"))
            } else if burst.parse::<u64>().unwrap_or(0) == 0 {
                Some(format!("Invalid burst value ({burst})"))
            } else {
                None
            }
        }
        (Some((0, _)), None) => Some(format!("Invalid rate ({limit})")),
        (Some(_), None) => None,
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
