//! The capabilities of the target's kernel and ip6tables: which tables, matches and targets
//! exist. Shorewall reads them from a `capabilities` file when compiling for export (`-e`);
//! the preview does the same. Without a file in the configuration directory we use the
//! capabilities probed on the reference system (Debian 12, iptables 1.8.9, kernel 6.1), the
//! same file `../shared/oracle/compile6` uses.

use std::collections::BTreeMap;

/// The capabilities file of the reference system (`server/data/capabilities/capabilities6`, shared with the model).
pub const DEFAULT_CAPABILITIES: &str = include_str!("../../data/capabilities/capabilities6");

/// Parsed capabilities: `NAME=Yes` is present, `NAME=` absent, `*VERSION` numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capabilities {
    present: BTreeMap<String, bool>,
    /// `KERNELVERSION`, e.g. 60100 for 6.1.0; Shorewall assumes 2.6.30 when it is missing.
    pub kernel_version: u32,
    /// `CAPVERSION`, the Shorewall version that wrote the file (50207 for 5.2.7).
    pub cap_version: u32,
    /// Lines we could not read, as (1-based line number, text), for a warning.
    pub ignored: Vec<(usize, String)>,
}

impl Default for Capabilities {
    fn default() -> Self {
        Capabilities::parse(DEFAULT_CAPABILITIES)
    }
}

impl Capabilities {
    /// Reads a capabilities file. Parsing is total: lines that are not `NAME=value` are
    /// recorded in `ignored`.
    pub fn parse(text: &str) -> Capabilities {
        let mut present = BTreeMap::new();
        let mut kernel_version = 20630;
        let mut cap_version = 0;
        let mut ignored = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((name, value)) = line.split_once('=') else {
                ignored.push((index + 1, raw.to_owned()));
                continue;
            };
            let name = name.trim();
            let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                ignored.push((index + 1, raw.to_owned()));
                continue;
            }
            match name {
                "KERNELVERSION" => match value.parse() {
                    Ok(it) => kernel_version = it,
                    Err(_) => ignored.push((index + 1, raw.to_owned())),
                },
                "CAPVERSION" => match value.parse() {
                    Ok(it) => cap_version = it,
                    Err(_) => ignored.push((index + 1, raw.to_owned())),
                },
                _ => {
                    present.insert(name.to_owned(), !value.is_empty());
                }
            }
        }
        Capabilities {
            present,
            kernel_version,
            cap_version,
            ignored,
        }
    }

    /// Whether the capability `name` is present. Capabilities the file does not mention are
    /// absent, as in Shorewall when it does not probe.
    pub fn has(&self, name: &str) -> bool {
        match name {
            // Derived in Shorewall from other capabilities (Config.pm `Kludgefree`): repeated
            // matches in one rule. Every ip6tables of the last decade has it.
            "KLUDGEFREE" => self.present.get(name).copied().unwrap_or(true),
            _ => self.present.get(name).copied().unwrap_or(false),
        }
    }

    /// Overrides one capability (used when a setting disables a helper, and by tests).
    pub fn set(&mut self, name: &str, value: bool) {
        self.present.insert(name.to_owned(), value);
    }

    /// Every capability the file names, with whether it is present.
    pub fn iter(&self) -> impl Iterator<Item = (&str, bool)> {
        self.present
            .iter()
            .map(|(name, value)| (name.as_str(), *value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_default_file() {
        let caps = Capabilities::default();
        assert!(caps.has("RAW_TABLE"));
        assert!(caps.has("CONNTRACK_MATCH"));
        assert!(!caps.has("ADDRTYPE"));
        assert!(!caps.has("IPSET_MATCH"));
        assert!(!caps.has("NO_SUCH_CAPABILITY"));
        assert_eq!(caps.kernel_version, 60100);
        assert_eq!(caps.cap_version, 50207);
        assert!(caps.ignored.is_empty());
    }

    #[test]
    fn parsing_is_total() {
        let caps =
            Capabilities::parse("# c\nADDRTYPE=Yes\nRAW_TABLE=\njunk\nKERNELVERSION=x\n\"=\n");
        assert!(caps.has("ADDRTYPE"));
        assert!(!caps.has("RAW_TABLE"));
        assert_eq!(caps.kernel_version, 20630);
        let lines: Vec<usize> = caps.ignored.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [4, 5, 6]);
    }
}
