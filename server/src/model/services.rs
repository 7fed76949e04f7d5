//! Service and protocol names, resolved as Shorewall resolves them: through `/etc/services` and
//! `/etc/protocols` (the caller reads the machine's), else through the tables of Debian 12's
//! netbase 6.4 built into shorewall-ls.

use std::collections::HashMap;

const BUILTIN_SERVICES: &str = include_str!("../../data/netbase-6.4/services");
const BUILTIN_PROTOCOLS: &str = include_str!("../../data/netbase-6.4/protocols");

/// The name tables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameTables {
    /// (name or alias, protocol) → port.
    services: HashMap<(String, String), u16>,
    /// name or alias → number.
    protocols: HashMap<String, u8>,
    /// number → canonical name.
    protocol_names: HashMap<u8, String>,
    /// Where the tables come from, for hover texts.
    pub source: String,
}

impl NameTables {
    pub fn builtin() -> NameTables {
        let mut res = NameTables::parse(BUILTIN_SERVICES, BUILTIN_PROTOCOLS);
        res.source = "netbase 6.4 (built in)".to_owned();
        res
    }

    /// Tables from the text of a services and a protocols file.
    pub fn parse(services: &str, protocols: &str) -> NameTables {
        let mut res = NameTables::default();
        for line in services.lines() {
            let line = line.split('#').next().unwrap_or("");
            let mut fields = line.split_whitespace();
            let (Some(name), Some(port_proto)) = (fields.next(), fields.next()) else {
                continue;
            };
            let Some((port, proto)) = port_proto.split_once('/') else {
                continue;
            };
            let Ok(port) = port.parse::<u16>() else {
                continue;
            };
            for alias in std::iter::once(name).chain(fields) {
                res.services
                    .entry((alias.to_owned(), proto.to_owned()))
                    .or_insert(port);
            }
        }
        for line in protocols.lines() {
            let line = line.split('#').next().unwrap_or("");
            let mut fields = line.split_whitespace();
            let (Some(name), Some(number)) = (fields.next(), fields.next()) else {
                continue;
            };
            let Ok(number) = number.parse::<u8>() else {
                continue;
            };
            res.protocol_names
                .entry(number)
                .or_insert_with(|| name.to_owned());
            for alias in std::iter::once(name).chain(fields) {
                res.protocols.entry(alias.to_owned()).or_insert(number);
            }
        }
        res.source = "/etc/services and /etc/protocols".to_owned();
        res
    }

    /// The port of a service name for a protocol name (`tcp`, `udp`, ...).
    pub fn service_port(&self, name: &str, proto: &str) -> Option<u16> {
        self.services
            .get(&(name.to_owned(), proto.to_owned()))
            .copied()
    }

    /// The number of a protocol name or alias (exact case, as getprotobyname).
    pub fn protocol_number(&self, name: &str) -> Option<u8> {
        self.protocols.get(name).copied()
    }

    pub fn protocol_name(&self, number: u8) -> Option<&str> {
        self.protocol_names.get(&number).map(String::as_str)
    }

    /// Every service name known for a protocol, sorted (for completion).
    pub fn service_names(&self, proto: &str) -> Vec<(&str, u16)> {
        let mut res: Vec<(&str, u16)> = self
            .services
            .iter()
            .filter(|((_, it), _)| it == proto)
            .map(|((name, _), port)| (name.as_str(), *port))
            .collect();
        res.sort();
        res
    }

    /// Every protocol name, sorted.
    pub fn protocol_names(&self) -> Vec<(&str, u8)> {
        let mut res: Vec<(&str, u8)> = self
            .protocols
            .iter()
            .map(|(name, it)| (name.as_str(), *it))
            .collect();
        res.sort();
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_tables() {
        let tables = NameTables::builtin();
        assert_eq!(tables.service_port("ssh", "tcp"), Some(22));
        assert_eq!(tables.service_port("domain", "udp"), Some(53));
        assert_eq!(tables.service_port("hkp", "tcp"), Some(11371));
        assert_eq!(tables.service_port("hkp", "udp"), None);
        assert_eq!(tables.service_port("netbios-dgm", "udp"), Some(138));
        assert_eq!(tables.service_port("netbios-dgm", "tcp"), None);
        assert_eq!(tables.protocol_number("tcp"), Some(6));
        assert_eq!(tables.protocol_number("ipv6-icmp"), Some(58));
        assert_eq!(tables.protocol_name(17), Some("udp"));
    }
}
