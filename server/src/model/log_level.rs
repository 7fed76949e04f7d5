//! Log levels as Shorewall 5.2.8 validates them (`Config.pm validate_level`): syslog names and
//! numbers, `none`, `NFLOG(...)`, `ULOG(...)`, `LOGMARK(...)`, with an optional `!`.

use crate::model::capabilities::Capabilities;

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

/// Validates a log level as written in a rule, a policy or a setting, accepting every level
/// some kernel supports (no capability checks).
pub fn validate(raw: &str) -> Option<LogLevel> {
    check(raw, None, shorewall_syntax::Family::Ipv4).ok()
}

/// Shorewall's `validate_level`: the level, or its error message. With `caps`, a level whose
/// target the capabilities lack is an error too (`Log level ULOG requires ULOG Target ...`).
/// `ULOG` is a level in IPv4 configurations only.
pub fn check(
    raw: &str,
    caps: Option<&Capabilities>,
    family: shorewall_syntax::Family,
) -> Result<LogLevel, String> {
    if raw.is_empty() {
        return Ok(LogLevel::None);
    }
    let upper = raw.to_ascii_uppercase();
    let level = upper.strip_suffix('!').unwrap_or(&upper);
    let invalid = |text: &str| format!("Invalid log level ({text})");
    let require = |target: &str| -> Result<(), String> {
        match caps {
            Some(caps) => caps.require(
                &format!("{target}_TARGET"),
                &format!("Log level {level}"),
                "s",
            ),
            None => Ok(()),
        }
    };
    // `^([0-7])(.*)$`, else `^([A-Za-z0-7]+)(.*)$` through %validlevels.
    let (value, qualifier): (Named, &str) = if level.len() == 1
        && level.as_bytes()[0].is_ascii_digit()
        && level.as_bytes()[0] <= b'7'
    {
        (Named::Syslog(level.as_bytes()[0] - b'0'), "")
    } else if level
        .as_bytes()
        .first()
        .is_some_and(|b| (b'0'..=b'7').contains(b))
    {
        (Named::Syslog(level.as_bytes()[0] - b'0'), &level[1..])
    } else {
        let len = level
            .bytes()
            .take_while(|b| b.is_ascii_alphabetic() || (b'0'..=b'7').contains(b))
            .count();
        if len == 0 {
            // Shorewall 5.2.8 then asks for a capability named after the level, which fails.
            return Err(invalid(level));
        }
        let named = match &level[..len] {
            "NONE" => Named::None,
            "NFLOG" => Named::Netlink("NFLOG"),
            "ULOG" if family == shorewall_syntax::Family::Ipv4 => Named::Netlink("ULOG"),
            "LOGMARK" => Named::LogMark,
            other => match NAMES.iter().find(|(it, _)| it.eq_ignore_ascii_case(other)) {
                Some((_, value)) => Named::Syslog(*value),
                None => return Err(invalid(level)),
            },
        };
        (named, &level[len..])
    };
    match value {
        Named::Syslog(number) => {
            let mut options = None;
            if !qualifier.is_empty() {
                let inner = qualifier
                    .strip_prefix('(')
                    .and_then(|it| it.strip_suffix(')'))
                    .ok_or_else(|| invalid(raw))?;
                let lower = inner.to_ascii_lowercase();
                for option in lower.split(',') {
                    let known = LOG_OPTIONS.contains(&option)
                        || LOG_OPTIONS
                            .iter()
                            .any(|it| option == format!("--log-{}", it.replace('_', "-")));
                    if !known {
                        return Err(format!("Unknown LOG option ({option})"));
                    }
                }
                options = Some(lower);
            }
            require("LOG")?;
            Ok(LogLevel::Syslog {
                level: number,
                options,
            })
        }
        Named::None => Ok(LogLevel::None),
        Named::Netlink(target) => {
            require(target)?;
            let mut params = Vec::new();
            if let Some(inner) = qualifier
                .strip_prefix('(')
                .and_then(|it| it.strip_suffix(')'))
            {
                params = inner.split(',').map(str::to_owned).collect();
                if params.len() > 3 {
                    return Err(invalid(raw));
                }
                if params
                    .iter()
                    .any(|it| !it.is_empty() && !it.starts_with(|c: char| c.is_ascii_digit()))
                {
                    return Err(invalid(raw));
                }
            } else if !qualifier.is_empty() && !qualifier.starts_with(" --") {
                return Err(invalid(raw));
            }
            Ok(LogLevel::Netlink { target, params })
        }
        Named::LogMark => {
            require("LOGMARK")?;
            if qualifier.is_empty() || qualifier.starts_with(" --") {
                return Ok(LogLevel::LogMark { level: 6 });
            }
            let open = qualifier.find('(').ok_or_else(|| invalid(raw))?;
            let inner = qualifier[open + 1..]
                .strip_suffix(')')
                .filter(|it| !it.is_empty())
                .ok_or_else(|| invalid(raw))?;
            let level = match inner.parse::<u8>() {
                Ok(it) if it <= 7 && inner.len() == 1 => it,
                _ => NAMES
                    .iter()
                    .find(|(it, _)| it.eq_ignore_ascii_case(inner))
                    .map(|(_, it)| *it)
                    .ok_or_else(|| invalid(raw))?,
            };
            Ok(LogLevel::LogMark { level })
        }
    }
}

/// What `%validlevels` maps a level's head to.
enum Named {
    Syslog(u8),
    None,
    Netlink(&'static str),
    LogMark,
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
