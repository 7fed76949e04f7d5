//! The kernel and iptables features Shorewall assumes: a `capabilities` file in the
//! configuration directory wins (as with `shorewall6 compile -e`), otherwise the built-in set,
//! which is what Shorewall 5.2.8 probes on Debian 12 (kernel 6.1, iptables 1.8.9).

use std::collections::HashMap;

/// The built-in IPv6 capabilities (probed on Debian 12; see server/data/README.md).
const DEFAULT_IPV6: &str = include_str!("../../data/capabilities/capabilities6");
/// The built-in IPv4 capabilities.
const DEFAULT_IPV4: &str = include_str!("../../data/capabilities/capabilities4");

/// A set of capabilities: `NAME=Yes` is present, `NAME=` absent, `*VERSION` numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    values: HashMap<String, String>,
}

impl Capabilities {
    /// Parses a capabilities file (`NAME=value` lines, `#` comments).
    pub fn parse(text: &str) -> Capabilities {
        let mut values = HashMap::new();
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if let Some((name, value)) = line.split_once('=') {
                let value = value.trim().trim_matches('"');
                values.insert(name.trim().to_owned(), value.to_owned());
            }
        }
        Capabilities { values }
    }

    pub fn default_for(family: shorewall_syntax::Family) -> Capabilities {
        match family {
            shorewall_syntax::Family::Ipv6 => Capabilities::parse(DEFAULT_IPV6),
            shorewall_syntax::Family::Ipv4 => Capabilities::parse(DEFAULT_IPV4),
        }
    }

    /// Whether the capability is present (a non-empty value).
    pub fn has(&self, name: &str) -> bool {
        self.values.get(name).is_some_and(|it| !it.is_empty())
    }

    /// The raw value (`Yes`, a number, or empty).
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// Whether the name is a capability at all (known to the file).
    pub fn is_known(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let caps = Capabilities::default_for(shorewall_syntax::Family::Ipv6);
        assert!(caps.has("COMMENTS"));
        assert!(!caps.has("IPSET_MATCH"));
        assert!(caps.is_known("IPSET_MATCH"));
        assert!(!caps.has("ADDRTYPE"));
        let caps4 = Capabilities::default_for(shorewall_syntax::Family::Ipv4);
        assert!(caps4.has("ADDRTYPE"));
    }
}
