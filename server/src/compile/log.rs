//! Logging rules: log levels as Shorewall 5.2.8 writes them (`Config.pm validate_level`),
//! log prefixes per LOGFORMAT and the LOG/NFLOG rules themselves (`Chains.pm log_rule_limit`
//! and `log_irule_limit`).

use super::ir::Match;
use super::lists::split_list;
use super::{error, Result};

/// The log level text Shorewall uses internally: a syslog digit, optionally followed by
/// `(--log-option,...)`; `NFLOG --nflog-group 5`; `LOGMARK --log-level 6`; or empty for no
/// logging.
pub fn validate_level(raw: &str) -> Result<String> {
    if raw.is_empty() {
        return Ok(String::new());
    }
    let level = raw.to_ascii_uppercase();
    let level = level.strip_suffix('!').unwrap_or(&level).to_owned();
    let invalid = || error(format!("Invalid log level ({level})"));
    let (value, qualifier): (String, String) =
        if let Some(digit) = level.chars().next().filter(|c| ('0'..='7').contains(c)) {
            (digit.to_string(), level[1..].to_owned())
        } else {
            let head_len = level
                .chars()
                .take_while(|c| c.is_ascii_alphabetic() || ('0'..='7').contains(c))
                .count();
            if head_len == 0 {
                return invalid();
            }
            let head = &level[..head_len];
            let value = match head {
                "DEBUG" => "7",
                "INFO" => "6",
                "NOTICE" => "5",
                "WARNING" | "WARN" => "4",
                "ERR" | "ERROR" => "3",
                "CRIT" => "2",
                "ALERT" => "1",
                "EMERG" | "PANIC" => "0",
                "NONE" => "",
                "NFLOG" => "NFLOG",
                "LOGMARK" => "LOGMARK",
                _ => return invalid(),
            };
            (value.to_owned(), level[head_len..].to_owned())
        };
    if value.len() == 1 && value.chars().all(|c| c.is_ascii_digit()) {
        if qualifier.is_empty() {
            return Ok(value);
        }
        let Some(inner) = qualifier
            .strip_prefix('(')
            .and_then(|it| it.strip_suffix(')'))
        else {
            return error(format!("Invalid log level ({raw})"));
        };
        let mut options: Vec<&str> = Vec::new();
        let lower = inner.to_ascii_lowercase();
        for name in split_list(&lower, "log options")? {
            let option = match name {
                "tcp_sequence" | "--log-tcp-sequence" => "--log-tcp-sequence",
                "ip_options" | "--log-ip-options" => "--log-ip-options",
                "tcp_options" | "--log-tcp-options" => "--log-tcp-options",
                "uid" | "--log-uid" => "--log-uid",
                "macdecode" | "--log-macdecode" => "--log-macdecode",
                _ => return error(format!("Unknown LOG option ({name})")),
            };
            if !options.contains(&option) {
                options.push(option);
            }
        }
        if options.is_empty() {
            return Ok(value);
        }
        return Ok(format!("{value}({})", options.join(",")));
    }
    if value.is_empty() {
        return Ok(String::new());
    }
    if value == "NFLOG" {
        if let Some(inner) = qualifier
            .strip_prefix('(')
            .and_then(|it| it.strip_suffix(')'))
        {
            let params: Vec<&str> = inner.split(',').collect();
            if params.len() > 3 {
                return error(format!("Invalid log level ({raw})"));
            }
            let suffixes = ["group", "range", "threshold"];
            let mut text = "NFLOG".to_owned();
            for (param, suffix) in params.iter().zip(suffixes) {
                if param.is_empty() {
                    continue;
                }
                if !param.starts_with(|c: char| c.is_ascii_digit()) {
                    return error(format!("Invalid log level ({raw})"));
                }
                text.push_str(&format!(" --nflog-{suffix} {param}"));
            }
            return Ok(text);
        }
        if qualifier.starts_with(" --") {
            return Ok(raw.to_owned());
        }
        if !qualifier.is_empty() {
            return error(format!("Invalid log level ({raw})"));
        }
        return Ok("NFLOG".to_owned());
    }
    // LOGMARK
    let sublevel = if qualifier.is_empty() {
        "6".to_owned()
    } else {
        let Some(inner) = qualifier
            .strip_prefix('(')
            .and_then(|it| it.strip_suffix(')'))
        else {
            return error(format!("Invalid log level ({raw})"));
        };
        match validate_level(inner)? {
            it if it.len() == 1 => it,
            _ => return error(format!("Invalid log level ({raw})")),
        }
    };
    Ok(format!("LOGMARK --log-level {sublevel}"))
}

/// What a logging rule needs to know about the configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogSettings {
    /// LOGFORMAT (`Shorewall:%s:%s:` by default).
    pub format: String,
    /// LOGFORMAT contains `%d` (rule numbers).
    pub rule_numbers: bool,
    /// LOGTAGONLY=Yes.
    pub tag_only: bool,
    /// The LOGLIMIT match as text (`-m limit --limit 2/sec --limit-burst 5 `), or empty.
    pub limit_text: String,
    /// The LOGLIMIT match as a match list.
    pub limit_matches: Vec<Match>,
    /// Extra LOG options for every LOG rule (`LOGPARMS`).
    pub parms: String,
}

/// A Perl `sprintf` of LOGFORMAT with `%s`/`%d` and literal `%%`.
fn sprintf(format: &str, args: &[&str]) -> String {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = format.chars().peekable();
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

/// The log prefix of a rule: `sprintf(LOGFORMAT, chain, disposition) . "tag "`, cut to 29
/// characters. Returns the prefix and, when it was cut, Shorewall's warning.
pub fn log_prefix(
    settings: &LogSettings,
    chain: &str,
    disposition: &str,
    tag: &str,
    rule_number: u32,
) -> (String, Option<String>) {
    let mut chain = chain.to_owned();
    let mut disposition = disposition.to_owned();
    let mut tag = tag.to_owned();
    if !tag.is_empty() {
        if settings.tag_only && tag != "," {
            if let Some(rest) = tag.strip_prefix(',') {
                disposition = rest.to_owned();
            } else if let Some((c, d)) = tag.split_once(',') {
                chain = c.to_owned();
                disposition = d.to_owned();
            } else {
                chain = tag.clone();
            }
            tag.clear();
        } else {
            tag.push(' ');
        }
    }
    if let Some(at) = disposition.find(char::is_whitespace) {
        disposition.truncate(at);
    }
    let number = rule_number.to_string();
    let mut prefix = if settings.rule_numbers {
        sprintf(&settings.format, &[&chain, &number, &disposition])
    } else {
        sprintf(&settings.format, &[&chain, &disposition])
    };
    prefix.push_str(&tag);
    if prefix.chars().count() > 29 {
        let cut: String = prefix.chars().take(28).collect();
        prefix = format!("{cut} ");
        let warning = format!("Log Prefix shortened to \"{prefix}\"");
        return (prefix, Some(warning));
    }
    (prefix, None)
}

/// The target part of a LOG rule for `level` (as returned by [`validate_level`]), e.g.
/// `LOG --log-level 6 --log-prefix "net-fw DROP "` or `NFLOG --nflog-group 5 --nflog-prefix
/// "..."`, and the warning if the prefix was cut.
pub fn log_target(
    settings: &LogSettings,
    level: &str,
    chain: &str,
    disposition: &str,
    tag: &str,
    rule_number: u32,
) -> (String, Option<String>) {
    if settings.format.trim().is_empty() {
        if level.starts_with("ULOG") || level.starts_with("NFLOG") {
            return (level.to_owned(), None);
        }
        let (level, options) = split_level_options(level, &settings.parms);
        return (format!("LOG {options}--log-level {level}"), None);
    }
    let (prefix, warning) = log_prefix(settings, chain, disposition, tag, rule_number);
    let text = if level.starts_with("ULOG") {
        format!("{level} --ulog-prefix \"{prefix}\"")
    } else if level.starts_with("NFLOG") {
        format!("{level} --nflog-prefix \"{prefix}\"")
    } else if level.starts_with("LOGMARK") {
        let prefix = if prefix.chars().count() > 13 {
            format!("{}:", prefix.chars().take(12).collect::<String>())
        } else {
            prefix
        };
        format!("{level} --log-prefix \"{prefix}\"")
    } else {
        let (level, options) = split_level_options(level, &settings.parms);
        format!("LOG {options}--log-level {level} --log-prefix \"{prefix}\"")
    };
    (text, warning)
}

/// `6(--log-uid,--log-ip-options)` → (`6`, `--log-uid --log-ip-options `) with LOGPARMS
/// first.
fn split_level_options(level: &str, parms: &str) -> (String, String) {
    if let Some((head, rest)) = level.split_once('(') {
        if let Some(inner) = rest.strip_suffix(')') {
            let options = format!("{parms} {inner} ").replace(',', " ");
            return (head.to_owned(), options);
        }
    }
    (level.to_owned(), parms.to_owned())
}

/// Splits `ACTION:level:tag` log parts: (level, tag). More than two parts is an error.
pub fn split_level_tag(loglevel: &str) -> Result<(String, String)> {
    let mut parts = loglevel.splitn(3, ':');
    let level = parts.next().unwrap_or("").to_owned();
    let tag = parts.next().unwrap_or("").to_owned();
    if parts.next().is_some() {
        return error("Invalid log tag");
    }
    Ok((level, tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels() {
        assert_eq!(validate_level("info").unwrap(), "6");
        assert_eq!(validate_level("INFO!").unwrap(), "6");
        assert_eq!(validate_level("3").unwrap(), "3");
        assert_eq!(validate_level("none").unwrap(), "");
        assert_eq!(
            validate_level("info(tcp_options,ip_options)").unwrap(),
            "6(--log-tcp-options,--log-ip-options)"
        );
        assert_eq!(validate_level("NFLOG(5)").unwrap(), "NFLOG --nflog-group 5");
        assert_eq!(validate_level("NFLOG").unwrap(), "NFLOG");
        assert_eq!(
            validate_level("bogus").unwrap_err().message,
            "Invalid log level (BOGUS)"
        );
    }

    #[test]
    fn targets() {
        let default = LogSettings {
            format: "Shorewall:%s:%s:".into(),
            ..LogSettings::default()
        };
        let debian = LogSettings {
            format: "%s %s ".into(),
            ..LogSettings::default()
        };
        assert_eq!(
            log_target(&default, "6", "net-fw", "ACCEPT", "", 1).0,
            "LOG --log-level 6 --log-prefix \"Shorewall:net-fw:ACCEPT:\""
        );
        assert_eq!(
            log_target(&debian, "4", "net-fw", "DROP", "", 1).0,
            "LOG --log-level 4 --log-prefix \"net-fw DROP \""
        );
        assert_eq!(
            log_target(&default, "6(--log-uid)", "x", "DROP", "", 1).0,
            "LOG  --log-uid --log-level 6 --log-prefix \"Shorewall:x:DROP:\""
        );
        assert_eq!(
            log_target(&default, "NFLOG --nflog-group 5", "x", "LOG", "", 1).0,
            "NFLOG --nflog-group 5 --nflog-prefix \"Shorewall:x:LOG:\""
        );
        let (prefix, warning) = log_prefix(&debian, "net-fw", "ACCEPT", "averyverylongtagname", 1);
        assert_eq!(prefix, "net-fw ACCEPT averyverylongt ");
        assert_eq!(
            warning.unwrap(),
            "Log Prefix shortened to \"net-fw ACCEPT averyverylongt \""
        );
    }
}
