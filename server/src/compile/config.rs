//! The settings of shorewall6.conf as the compiler uses them: Shorewall 5.2.8's defaults and
//! normalizations (`Config.pm get_configuration`) applied to the values the file supplies.

use super::capabilities::Capabilities;
use super::ir::Match;
use super::lists::{numeric_value, split_list};
use super::log::{validate_level, LogSettings};
use super::{error, unsupported, Result};

/// A disposition setting and the target it turns into (`RELATED_DISPOSITION=REJECT` →
/// `reject`; CONTINUE → no target).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Disposition {
    pub disposition: String,
    pub target: String,
    pub level: String,
    pub tag: String,
}

/// Everything the lowering reads from shorewall6.conf.
#[derive(Debug, Clone, Default)]
pub struct CompileConfig {
    pub optimize: u32,
    pub log: LogSettings,
    pub max_zone_name_length: usize,
    /// `both`, `src` or `dst`.
    pub log_zone: String,
    /// `-` or `2`.
    pub zone2zone: String,
    pub log_level: String,
    pub fastaccept: bool,
    pub expand_policies: bool,
    pub implicit_continue: bool,
    pub autocomment: bool,
    pub multicast: bool,
    pub complete: bool,
    pub admin_is_absent_minded: bool,
    pub mangle_enabled: bool,
    pub forward_clear_mark: bool,
    pub rename_combined: bool,
    pub track_rules: String,
    pub dynamic_blacklist: bool,
    /// The conntrack states the `dynamic` chain is consulted for.
    pub blacklist_states: String,
    pub clampmss: String,
    pub tc_enabled: String,
    pub use_physical_names: bool,
    pub logallnew: String,
    pub reject_action: String,
    pub mark_in_forward_chain: bool,
    pub defaults: Vec<(String, String)>,
    pub related: Disposition,
    pub invalid: Disposition,
    pub untracked: Disposition,
    pub tcp_flags: Disposition,
    pub smurf: Disposition,
    pub sfilter: Disposition,
    pub rpfilter: Disposition,
    pub maclist: Disposition,
    /// ACCOUNTING, ACCOUNTING_TABLE and OPTIMIZE_ACCOUNTING.
    pub accounting: bool,
    pub accounting_table: String,
    pub optimize_accounting: bool,
    /// MACLIST_TABLE: `filter` or `mangle`.
    pub maclist_table: String,
    /// MACLIST_TTL (empty: none).
    pub maclist_ttl: String,
    pub blacklist: Disposition,
    /// The mark layout.
    pub tc_mask: u64,
    /// TC_BITS and the largest traffic-shaping mark (`TC_MAX`).
    pub tc_bits: u32,
    pub tc_max: u64,
    /// BASIC_FILTERS: tcfilters become `basic` ematch filters.
    pub basic_filters: bool,
    pub provider_mask: u64,
    pub exclusion_mask: u64,
}

impl CompileConfig {
    /// `supplied(NAME)` is the non-empty value shorewall6.conf gives NAME, if any.
    pub fn new(
        supplied: &dyn Fn(&str) -> Option<String>,
        caps: &Capabilities,
    ) -> Result<CompileConfig> {
        let yes_no = |name: &str, default: bool| -> Result<bool> {
            match supplied(name) {
                None => Ok(default),
                Some(value) => match value.to_ascii_lowercase().as_str() {
                    "yes" => Ok(true),
                    "no" => Ok(false),
                    other => error(format!("Invalid value for {name} ({other})")),
                },
            }
        };
        let text = |name: &str, default: &str| supplied(name).unwrap_or_else(|| default.to_owned());
        let optimize = match supplied("OPTIMIZE") {
            None => 0,
            Some(value) if value.eq_ignore_ascii_case("all") => 31,
            Some(value) if value.eq_ignore_ascii_case("none") => 0,
            Some(value) => match numeric_value(&value) {
                Some(it) if (0..=31).contains(&it) => it as u32,
                _ => return error(format!("Invalid OPTIMIZE value ({value})")),
            },
        };
        let mut config = CompileConfig {
            optimize,
            ..CompileConfig::default()
        };

        // LOGLIMIT
        let (limit_text, limit_matches) = match supplied("LOGLIMIT") {
            Some(rate) => log_limit(&rate, caps)?,
            None => (String::new(), Vec::new()),
        };
        let format = supplied("LOGFORMAT").unwrap_or_else(|| "Shorewall:%s:%s:".to_owned());
        let rule_numbers = format.contains("%d");
        config.max_zone_name_length = match supplied("LOGFORMAT") {
            Some(format) => {
                let sample = if rule_numbers {
                    perl_sprintf(&format, &["fooxx2barxx", "1", "ACCEPT"])
                } else {
                    perl_sprintf(&format, &["fooxx2barxx", "ACCEPT"])
                };
                if sample.chars().count() > 29 {
                    return error(format!(
                        "LOGFORMAT string is longer than 29 characters ({format})"
                    ));
                }
                5 + (29 - sample.chars().count()) / 2
            }
            None => 5,
        };
        config.log = LogSettings {
            format,
            rule_numbers,
            tag_only: yes_no("LOGTAGONLY", false)?,
            limit_text,
            limit_matches,
            parms: String::new(),
        };
        config.log_zone = text("LOG_ZONE", "both").to_ascii_lowercase();
        if !matches!(config.log_zone.as_str(), "src" | "dst" | "both") {
            return error(format!("Invalid LOG_ZONE setting ({})", config.log_zone));
        }
        config.zone2zone = text("ZONE2ZONE", "-");
        if config.zone2zone != "-" && config.zone2zone != "2" {
            return error(format!("Invalid ZONE2ZONE value ( {} )", config.zone2zone));
        }
        config.log_level = match supplied("LOG_LEVEL") {
            Some(level) => {
                validate_level(&level)?;
                level
            }
            None => "info".to_owned(),
        };
        config.fastaccept = yes_no("FASTACCEPT", false)?;
        config.expand_policies = yes_no("EXPAND_POLICIES", false)?;
        config.implicit_continue = yes_no("IMPLICIT_CONTINUE", false)?;
        config.autocomment = yes_no("AUTOCOMMENT", true)?;
        config.multicast = yes_no("MULTICAST", false)?;
        config.complete = yes_no("COMPLETE", false)?;
        config.admin_is_absent_minded = yes_no("ADMINISABSENTMINDED", false)?;
        config.mangle_enabled = yes_no("MANGLE_ENABLED", caps.has("MANGLE_ENABLED"))?;
        config.forward_clear_mark = yes_no("FORWARD_CLEAR_MARK", caps.has("MARK"))?;
        if config.forward_clear_mark && !config.mangle_enabled {
            return error("FORWARD_CLEAR_MARK=Yes is not available when MANGLE_ENABLED=No");
        }
        config.rename_combined = yes_no("RENAME_COMBINED", true)?;
        config.use_physical_names = yes_no("USE_PHYSICAL_NAMES", false)?;
        config.mark_in_forward_chain = yes_no("MARK_IN_FORWARD_CHAIN", false)?;
        config.basic_filters = yes_no("BASIC_FILTERS", false)?;
        config.track_rules = match supplied("TRACK_RULES") {
            Some(value) if value.eq_ignore_ascii_case("file") => "File".to_owned(),
            Some(_) if yes_no("TRACK_RULES", false)? => "Yes".to_owned(),
            _ => String::new(),
        };
        config.dynamic_blacklist = match supplied("DYNAMIC_BLACKLIST") {
            Some(value) if value.starts_with("ipset") => {
                return unsupported("DYNAMIC_BLACKLIST=ipset... requires the IPSET_V5 capability, which the reference system lacks");
            }
            _ => yes_no("DYNAMIC_BLACKLIST", true)?,
        };
        config.blacklist_states = match supplied("BLACKLIST") {
            Some(value) if value == "ALL" => "ALL".to_owned(),
            Some(value) => {
                let mut states = Vec::new();
                for state in split_list(&value, "BLACKLIST")? {
                    if !matches!(
                        state,
                        "NEW" | "RELATED" | "ESTABLISHED" | "INVALID" | "UNTRACKED"
                    ) {
                        return error(format!("Invalid BLACKLIST state ({state})"));
                    }
                    if states.contains(&state) {
                        return error(format!("Duplicate BLACKLIST state({state})"));
                    }
                    states.push(state);
                }
                if config.fastaccept && states.contains(&"ESTABLISHED") {
                    return error("ESTABLISHED state may not be specified when FASTACCEPT=Yes");
                }
                ["NEW", "ESTABLISHED", "RELATED", "INVALID", "UNTRACKED"]
                    .into_iter()
                    .filter(|it| states.contains(it))
                    .collect::<Vec<_>>()
                    .join(",")
            }
            None if caps.has("RAW_TABLE") => if config.fastaccept {
                "NEW,INVALID,UNTRACKED"
            } else {
                "NEW,ESTABLISHED,INVALID,UNTRACKED"
            }
            .to_owned(),
            None => if config.fastaccept {
                "NEW,INVALID"
            } else {
                "NEW,INVALID,ESTABLISHED"
            }
            .to_owned(),
        };
        config.clampmss = match supplied("CLAMPMSS") {
            Some(value) if value.chars().all(|c| c.is_ascii_digit()) => value,
            Some(value) if value.eq_ignore_ascii_case("yes") => "Yes".to_owned(),
            Some(value) if value.eq_ignore_ascii_case("no") => String::new(),
            Some(value) => {
                return error(format!(
                    "Invalid value for CLAMPMSS ({})",
                    value.to_ascii_lowercase()
                ))
            }
            None => String::new(),
        };
        config.tc_enabled = match text("TC_ENABLED", "no").to_ascii_lowercase().as_str() {
            "internal" => "Internal".to_owned(),
            "shared" => "Shared".to_owned(),
            "simple" => "Simple".to_owned(),
            "no" => String::new(),
            // A tcstart script (looked for by the compiler) makes `tc` commands only; the
            // value is kept as written, as Shorewall's messages show it.
            "yes" => text("TC_ENABLED", "no"),
            other => return error(format!("Invalid value ({other}) for TC_ENABLED")),
        };
        if !config.tc_enabled.is_empty() && !config.mangle_enabled {
            return error(format!(
                "TC_ENABLED={} is not allowed with MANGLE_ENABLED=No",
                config.tc_enabled
            ));
        }
        config.logallnew = match supplied("LOGALLNEW") {
            Some(level) => validate_level(&level)?,
            None => String::new(),
        };
        config.reject_action = supplied("REJECT_ACTION").unwrap_or_default();
        let valid_name = |name: &str| {
            name.starts_with(|c: char| c.is_ascii_alphabetic())
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        };
        if !config.reject_action.is_empty() && !valid_name(&config.reject_action) {
            return error(format!(
                "Invalid Reject Action Name ({})",
                config.reject_action
            ));
        }

        for name in [
            "DROP_DEFAULT",
            "REJECT_DEFAULT",
            "BLACKLIST_DEFAULT",
            "ACCEPT_DEFAULT",
            "QUEUE_DEFAULT",
            "NFQUEUE_DEFAULT",
        ] {
            let mut value = text(name, "none");
            if value.eq_ignore_ascii_case("none") {
                value = "none".to_owned();
            }
            config.defaults.push((name.to_owned(), value));
        }

        let level = |name: &str, default: &str| -> Result<(String, String)> {
            match supplied(name) {
                None => Ok((validate_level(default)?, String::new())),
                Some(value) => {
                    let value = if value == "$LOG_LEVEL" {
                        config.log_level.clone()
                    } else {
                        value
                    };
                    let (level, tag) = match value.split_once(':') {
                        Some((l, t)) => (l.to_owned(), t.to_owned()),
                        None => (value, String::new()),
                    };
                    Ok((validate_level(&level)?, tag))
                }
            }
        };
        let conntrack_disposition =
            |name: &str, default: &str, allow_accept: bool| -> Result<Disposition> {
                let value = text(name, default);
                let target = match value.as_str() {
                    "DROP" | "A_DROP" => value.clone(),
                    "ACCEPT" | "A_ACCEPT" if allow_accept => value.clone(),
                    "REJECT" => "reject".to_owned(),
                    "A_REJECT" => value.clone(),
                    "CONTINUE" => String::new(),
                    _ => return error(format!("Invalid value ({value}) for {name}")),
                };
                Ok(Disposition {
                    disposition: value,
                    target,
                    ..Disposition::default()
                })
            };
        config.related = conntrack_disposition("RELATED_DISPOSITION", "ACCEPT", true)?;
        (config.related.level, config.related.tag) = level("RELATED_LOG_LEVEL", "")?;
        config.invalid = conntrack_disposition("INVALID_DISPOSITION", "CONTINUE", false)?;
        (config.invalid.level, config.invalid.tag) = level("INVALID_LOG_LEVEL", "")?;
        config.untracked = conntrack_disposition("UNTRACKED_DISPOSITION", "CONTINUE", true)?;
        (config.untracked.level, config.untracked.tag) = level("UNTRACKED_LOG_LEVEL", "")?;

        let tcp = text("TCP_FLAGS_DISPOSITION", "DROP");
        // Shorewall's pattern is `^(?:(A_)?(?:REJECT|DROP))|ACCEPT$`: a prefix or a suffix.
        if !(["REJECT", "DROP", "A_REJECT", "A_DROP"]
            .iter()
            .any(|it| tcp.starts_with(it))
            || tcp.ends_with("ACCEPT"))
        {
            return error(format!("Invalid value ({tcp}) for TCP_FLAGS_DISPOSITION"));
        }
        config.tcp_flags = Disposition {
            disposition: tcp.clone(),
            target: tcp,
            ..Disposition::default()
        };
        (config.tcp_flags.level, config.tcp_flags.tag) = level("TCP_FLAGS_LOG_LEVEL", "")?;

        let smurf = text("SMURF_DISPOSITION", "DROP");
        if !matches!(smurf.as_str(), "DROP" | "A_DROP") {
            return error("SMURF_DISPOSITION must be 'DROP' or 'A_DROP'");
        }
        config.smurf = Disposition {
            disposition: smurf.clone(),
            target: smurf,
            ..Disposition::default()
        };
        (config.smurf.level, config.smurf.tag) = level("SMURF_LOG_LEVEL", "")?;

        for (name, slot) in [
            ("SFILTER", &mut config.sfilter),
            ("RPFILTER", &mut config.rpfilter),
        ] {
            let value = text(&format!("{name}_DISPOSITION"), "DROP");
            if !matches!(value.as_str(), "DROP" | "REJECT" | "A_DROP" | "A_REJECT") {
                return error(format!("Invalid {name}_DISPOSITION setting ({value})"));
            }
            *slot = Disposition {
                disposition: value.clone(),
                target: value,
                ..Disposition::default()
            };
        }
        (config.sfilter.level, config.sfilter.tag) = level("SFILTER_LOG_LEVEL", "info")?;
        (config.rpfilter.level, config.rpfilter.tag) = level("RPFILTER_LOG_LEVEL", "info")?;

        let maclist = text("MACLIST_DISPOSITION", "REJECT");
        let maclist_target = match maclist.as_str() {
            "DROP" | "A_DROP" | "A_REJECT" => maclist.clone(),
            "REJECT" => "reject".to_owned(),
            "ACCEPT" => "RETURN".to_owned(),
            _ => return error(format!("Invalid value ({maclist}) for MACLIST_DISPOSITION")),
        };
        config.maclist = Disposition {
            disposition: maclist,
            target: maclist_target,
            ..Disposition::default()
        };
        (config.maclist.level, config.maclist.tag) = level("MACLIST_LOG_LEVEL", "")?;
        config.accounting = yes_no("ACCOUNTING", true)?;
        config.optimize_accounting = yes_no("OPTIMIZE_ACCOUNTING", false)?;
        config.accounting_table = text("ACCOUNTING_TABLE", "filter");
        match config.accounting_table.as_str() {
            "filter" => {}
            "mangle" if config.mangle_enabled => {}
            "mangle" => return error("ACCOUNTING_TABLE=mangle not allowed with MANGLE_ENABLED=No"),
            other => return error(format!("Invalid ACCOUNTING_TABLE setting ({other})")),
        }
        config.maclist_table = text("MACLIST_TABLE", "filter");
        match config.maclist_table.as_str() {
            "filter" => {}
            "mangle" => {
                if matches!(config.maclist.disposition.as_str(), "REJECT" | "AREJECT") {
                    // Shorewall's message keeps its unexpanded `$1`.
                    return error(
                        "MACLIST_DISPOSITION=$1 is not allowed with MACLIST_TABLE=mangle",
                    );
                }
            }
            other => return error(format!("Invalid value ({other}) for MACLIST_TABLE option")),
        }
        config.maclist_ttl = text("MACLIST_TTL", "");
        if !config.maclist_ttl.is_empty() && !caps.has("RECENT_MATCH") {
            return error("MACLIST_TTL requires Recent Match in your kernel and iptables");
        }

        let blacklist = text("BLACKLIST_DISPOSITION", "DROP");
        if !matches!(blacklist.as_str(), "DROP" | "A_DROP")
            && !blacklist.starts_with("REJECT")
            && !blacklist.starts_with("A_REJECT")
        {
            return error("BLACKLIST_DISPOSITION must be 'DROP', 'A_DROP', 'REJECT' or 'A_REJECT'");
        }
        config.blacklist = Disposition {
            disposition: blacklist.clone(),
            target: blacklist,
            ..Disposition::default()
        };
        (config.blacklist.level, config.blacklist.tag) = level("BLACKLIST_LOG_LEVEL", "")?;

        // The mark layout.
        let bits = |name: &str, default: u32| -> Result<u32> {
            match supplied(name) {
                None => Ok(default),
                Some(value) => match numeric_value(&value) {
                    // Below the minimum (0) is the minimum.
                    Some(it) if it <= 32 => Ok(it.max(0) as u32),
                    _ => error(format!("Invalid value ({value}) for '{name}'")),
                },
            }
        };
        let tc_bits = bits("TC_BITS", 8)?;
        let mask_bits = bits("MASK_BITS", 8)?;
        let provider_bits = bits("PROVIDER_BITS", 8)?;
        let mut provider_offset = bits("PROVIDER_OFFSET", 0)?;
        let zone_bits = bits("ZONE_BITS", 0)?;
        if zone_bits > 0 {
            // Shorewall marks each zone's packets in its forward chains (`_frwd`).
            return unsupported("ZONE_BITS (zone marks) is not supported by the preview yet");
        }
        let zone_offset = if provider_offset > 0 {
            if provider_offset < mask_bits {
                provider_offset = mask_bits;
            }
            provider_offset + provider_bits
        } else if mask_bits >= provider_bits {
            mask_bits
        } else {
            provider_bits
        };
        let mask = |n: u32| {
            if n == 0 {
                0
            } else {
                0xffff_ffffu64 >> (32 - n.min(32))
            }
        };
        config.tc_mask = mask(mask_bits);
        config.tc_bits = tc_bits;
        config.tc_max = mask(tc_bits);
        config.provider_mask = mask(provider_bits) << provider_offset;
        config.exclusion_mask = 1u64 << (zone_offset + zone_bits);
        Ok(config)
    }

    /// The setting `DROP_DEFAULT`, `REJECT_DEFAULT`, ... (`none` when unset).
    pub fn default_actions(&self, name: &str) -> &str {
        self.defaults
            .iter()
            .find(|(it, _)| it == name)
            .map_or("none", |(_, value)| value.as_str())
    }
}

/// A Perl `sprintf` of LOGFORMAT with `%s`/`%d`.
fn perl_sprintf(format: &str, args: &[&str]) -> String {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some('s') | Some('d') => out.push_str(args.next().copied().unwrap_or("")),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

/// LOGLIMIT as a text match and as a match list (`$globals{LOGLIMIT}`, `LOGILIMIT`).
fn log_limit(rate: &str, caps: &Capabilities) -> Result<(String, Vec<Match>)> {
    let unit_ok = |unit: &str| matches!(unit, "sec" | "min" | "second" | "minute" | "hour" | "day");
    let parse_rate = |text: &str| -> Option<(String, String, Option<String>)> {
        // (\d+)(/(unit))?
        let digits = text.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let count = text[..digits].to_owned();
        let rest = &text[digits..];
        match rest.strip_prefix('/') {
            Some(unit) if unit_ok(unit) => Some((text.to_owned(), count, Some(unit.to_owned()))),
            Some(_) => None,
            None if rest.is_empty() => Some((text.to_owned(), count, None)),
            None => None,
        }
    };
    let text;
    if let Some(body) = rate.strip_prefix("s:").or_else(|| rate.strip_prefix("d:")) {
        if !caps.has("HASHLIMIT_MATCH") {
            return error("Per-ip log rate limiting requires the Hashlimit Match capability");
        }
        let option = if caps.has("OLD_HL_MATCH") {
            "hashlimit"
        } else {
            "hashlimit-upto"
        };
        let mut limit = "-m hashlimit ".to_owned();
        let units = match body.rsplit_once(':') {
            Some((r, burst)) if body.contains('/') => {
                let Some((r, count, unit)) = parse_rate(r).filter(|(_, _, unit)| unit.is_some())
                else {
                    return error(format!("Invalid rate ({rate})"));
                };
                if count.chars().all(|c| c == '0') {
                    return error(format!("Invalid rate ({r})"));
                }
                if burst.is_empty() || !burst.chars().all(|c| c.is_ascii_digit()) {
                    return error(format!("Invalid rate ({rate})"));
                }
                if burst.chars().all(|c| c == '0') {
                    return error(format!("Invalid burst value ({burst})"));
                }
                limit.push_str(&format!("--{option} {r} --hashlimit-burst {burst} --hashlimit-name lograte --hashlimit-mode "));
                unit
            }
            _ => {
                let Some((r, count, unit)) = parse_rate(body) else {
                    return error(format!("Invalid rate ({rate})"));
                };
                if count.chars().all(|c| c == '0') {
                    return error(format!("Invalid rate ({r})"));
                }
                limit.push_str(&format!(
                    "--{option} {r} --hashlimit-name lograte --hashlimit-mode "
                ));
                unit
            }
        };
        limit.push_str(if rate.starts_with("s:") {
            "srcip "
        } else {
            "dstip "
        });
        if let Some(units) = units.filter(|it| it != "sec") {
            let mut expire = 60000;
            if units != "min" {
                expire *= 60;
                if units == "day" {
                    expire *= 24;
                }
            }
            limit.push_str(&format!("--hashlimit-htable-expire {expire} "));
        }
        text = limit;
    } else if let Some((r, burst)) = rate.rsplit_once(':') {
        let Some((r, count, unit)) = parse_rate(r) else {
            return error(format!("Invalid rate ({rate})"));
        };
        if unit.is_none() {
            return error(format!("Invalid rate ({rate})"));
        }
        if count.chars().all(|c| c == '0') {
            return error(format!("Invalid rate ({r})"));
        }
        if burst.is_empty() || !burst.chars().all(|c| c.is_ascii_digit()) {
            return error(format!("Invalid rate ({rate})"));
        }
        if burst.chars().all(|c| c == '0') {
            return error(format!("Invalid burst value ({burst})"));
        }
        text = format!("-m limit --limit {r} --limit-burst {burst} ");
    } else {
        let Some((r, count, _)) = parse_rate(rate) else {
            return error(format!("Invalid rate ({rate})"));
        };
        if count.chars().all(|c| c == '0') {
            return error(format!("Invalid rate ({r})"));
        }
        text = format!("-m limit --limit {r} ");
    }
    // LOGILIMIT: the words after "-m", as (module, options).
    let trimmed = text.trim_end();
    let mut words = trimmed.splitn(3, ' ');
    let _ = words.next();
    let module = words.next().unwrap_or("").to_owned();
    let options = words.next().unwrap_or("").to_owned();
    Ok((text, vec![Match::new(module, options)]))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Result<CompileConfig> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        CompileConfig::new(&|name| map.get(name).cloned(), &Capabilities::default())
    }

    #[test]
    fn defaults_are_shorewalls() {
        let c = config(&[]).unwrap();
        assert_eq!(c.optimize, 0);
        assert_eq!(c.log.format, "Shorewall:%s:%s:");
        assert_eq!(c.max_zone_name_length, 5);
        assert_eq!(c.blacklist_states, "NEW,ESTABLISHED,INVALID,UNTRACKED");
        assert!(c.forward_clear_mark && c.mangle_enabled && c.dynamic_blacklist && c.autocomment);
        assert_eq!(c.sfilter.level, "6");
        assert_eq!(c.related.target, "ACCEPT");
        assert_eq!(c.invalid.target, "");
        assert_eq!(c.tc_mask, 0xff);
        assert_eq!(c.exclusion_mask, 0x100);
    }

    #[test]
    fn debian_settings() {
        let c = config(&[
            ("OPTIMIZE", "All"),
            ("LOGFORMAT", "%s %s "),
            ("LOGLIMIT", "s:1/sec:10"),
            ("BLACKLIST", "NEW,INVALID,UNTRACKED"),
        ])
        .unwrap();
        assert_eq!(c.optimize, 31);
        assert_eq!(c.max_zone_name_length, 10);
        assert_eq!(c.log.limit_text, "-m hashlimit --hashlimit-upto 1/sec --hashlimit-burst 10 --hashlimit-name lograte --hashlimit-mode srcip ");
        assert_eq!(
            c.log.limit_matches,
            vec![Match::new("hashlimit", "--hashlimit-upto 1/sec --hashlimit-burst 10 --hashlimit-name lograte --hashlimit-mode srcip")]
        );
        assert_eq!(c.blacklist_states, "NEW,INVALID,UNTRACKED");
        let c = config(&[("LOGLIMIT", "2/sec:5")]).unwrap();
        assert_eq!(c.log.limit_text, "-m limit --limit 2/sec --limit-burst 5 ");
        assert!(config(&[("OPTIMIZE", "bogus")]).is_err());
    }
}
