//! Log levels as Shorewall 5.2.8 validates them (`Config.pm validate_level`): syslog names and
//! numbers, `none`, `NFLOG(...)`, `ULOG(...)`, `LOGMARK(...)`, with an optional `!`.

/// A valid log level, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogLevel {
    /// No logging (`none`, or empty).
    None,
    /// A syslog level 0-7, with `(options)` such as `(tcp_sequence)` kept as written.
    Syslog { level: u8, options: Option<String> },
    /// `NFLOG` or `ULOG` with up to three numeric parameters.
    Netlink {
        target: &'static str,
        params: Vec<String>,
    },
    /// `LOGMARK` with a syslog sub-level.
    LogMark { level: u8 },
}

/// The syslog names of levels.
pub const NAMES: &[(&str, u8)] = &[
    ("debug", 7),
    ("info", 6),
    ("notice", 5),
    ("warning", 4),
    ("warn", 4),
    ("err", 3),
    ("error", 3),
    ("crit", 2),
    ("alert", 1),
    ("emerg", 0),
    ("panic", 0),
];

const LOG_OPTIONS: &[&str] = &[
    "tcp_sequence",
    "ip_options",
    "tcp_options",
    "uid",
    "macdecode",
];

/// Validates a log level as written in a rule, a policy or a setting.
pub fn validate(raw: &str) -> Option<LogLevel> {
    let upper = raw.to_ascii_uppercase();
    let level = upper.strip_suffix('!').unwrap_or(&upper);
    if level.is_empty() {
        return Some(LogLevel::None);
    }
    let (head, qualifier) = split_head(level);
    let first = head.chars().next();
    if first.is_some_and(|it| ('0'..='7').contains(&it)) && head.len() == 1 {
        return syslog(head.parse().unwrap_or(6), qualifier);
    }
    if first.is_some_and(|it| ('0'..='7').contains(&it)) {
        // `^([0-7])(.*)$`: a digit, then a qualifier.
        let digit = &head[..1];
        let rest = &level[1..];
        return syslog(digit.parse().unwrap_or(6), rest);
    }
    match head {
        "NONE" => qualifier.is_empty().then_some(LogLevel::None),
        "NFLOG" | "ULOG" => netlink(if head == "NFLOG" { "NFLOG" } else { "ULOG" }, qualifier),
        "LOGMARK" => {
            if qualifier.is_empty() {
                return Some(LogLevel::LogMark { level: 6 });
            }
            let inner = qualifier
                .strip_prefix('(')
                .and_then(|it| it.strip_suffix(')'))?;
            let level = match inner.parse::<u8>() {
                Ok(it) if it <= 7 => it,
                _ => level_number(inner)?,
            };
            Some(LogLevel::LogMark { level })
        }
        _ => syslog(level_number(head)?, qualifier),
    }
}

/// `^([A-Za-z0-7]+)(.*)$`.
fn split_head(level: &str) -> (&str, &str) {
    let len = level
        .bytes()
        .take_while(|b| b.is_ascii_alphabetic() || (b'0'..=b'7').contains(b))
        .count();
    (&level[..len], &level[len..])
}

fn level_number(name: &str) -> Option<u8> {
    NAMES
        .iter()
        .find(|(it, _)| it.eq_ignore_ascii_case(name))
        .map(|(_, level)| *level)
}

fn syslog(level: u8, qualifier: &str) -> Option<LogLevel> {
    if qualifier.is_empty() {
        return Some(LogLevel::Syslog {
            level,
            options: None,
        });
    }
    let inner = qualifier
        .strip_prefix('(')
        .and_then(|it| it.strip_suffix(')'))?;
    for option in inner.split(',') {
        if !LOG_OPTIONS.contains(&option.to_ascii_lowercase().as_str()) {
            return None;
        }
    }
    Some(LogLevel::Syslog {
        level,
        options: Some(inner.to_ascii_lowercase()),
    })
}

fn netlink(target: &'static str, qualifier: &str) -> Option<LogLevel> {
    if qualifier.is_empty() {
        return Some(LogLevel::Netlink {
            target,
            params: Vec::new(),
        });
    }
    let inner = qualifier
        .strip_prefix('(')
        .and_then(|it| it.strip_suffix(')'))?;
    let params: Vec<String> = inner.split(',').map(str::to_owned).collect();
    if params.len() > 3
        || params
            .iter()
            .any(|it| !it.is_empty() && !it.starts_with(|c: char| c.is_ascii_digit()))
    {
        return None;
    }
    Some(LogLevel::Netlink { target, params })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels() {
        assert_eq!(
            validate("info"),
            Some(LogLevel::Syslog {
                level: 6,
                options: None
            })
        );
        assert_eq!(
            validate("INFO!"),
            Some(LogLevel::Syslog {
                level: 6,
                options: None
            })
        );
        assert_eq!(
            validate("4"),
            Some(LogLevel::Syslog {
                level: 4,
                options: None
            })
        );
        assert_eq!(validate("none"), Some(LogLevel::None));
        assert!(matches!(
            validate("NFLOG(5)"),
            Some(LogLevel::Netlink {
                target: "NFLOG",
                ..
            })
        ));
        assert!(validate("info(tcp_options)").is_some());
        assert!(validate("bogus").is_none());
        assert!(validate("info(bogus)").is_none());
        assert!(validate("8").is_none());
    }
}
