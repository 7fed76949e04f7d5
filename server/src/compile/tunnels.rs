//! The tunnels file (`Tunnels.pm setup_tunnels`): ACCEPT rules for the tunnel traffic between
//! the firewall and each gateway, inserted into the zone's rules chains at the start of their
//! NEW section.

use crate::model;

use super::addresses::{imatch_net, Side};
use super::chains::TableId;
use super::ir::{Jump, Match};
use super::lists::split_list;
use super::lower::Compiler;
use super::rules::{handle_network_list, state_imatch};
use super::topology::ZoneKind;
use super::{error, Result};

/// `PROTO:PORT`, `PROTO` or `PORT` after the tunnel type, for the OpenVPN types.
fn openvpn_port(kind: &str) -> Result<(String, String)> {
    let mut parts = kind.splitn(4, ':').skip(1);
    let proto = parts.next().unwrap_or("");
    let port = parts.next().unwrap_or("");
    if let Some(rest) = parts.next() {
        return error(format!("Invalid port ({port}:{rest})"));
    }
    let (mut protocol, mut number) = ("udp".to_owned(), "1194".to_owned());
    if !port.is_empty() {
        number = port.to_owned();
        protocol = proto.to_owned();
    } else if !proto.is_empty() {
        let lower = proto.to_ascii_lowercase();
        if lower.contains("udp") || lower.contains("tcp") {
            protocol = proto.to_owned();
        } else {
            number = proto.to_owned();
        }
    }
    Ok((protocol, number))
}

impl Compiler<'_> {
    /// `setup_tunnels`.
    pub(crate) fn setup_tunnels(&mut self) -> Result<()> {
        let records = model::read_config_records(self.model, self.env, "tunnels");
        for record in &records {
            self.enter_record(record)?;
            let column = |idx: usize| record.column(idx);
            let (kind, zone, gateways, gateway_zones) =
                (column(0), column(1), column(2), column(3));
            if kind == "-" {
                return error("TYPE must be specified");
            }
            if zone == "-" {
                return error("ZONE must be specified");
            }
            self.setup_one_tunnel(kind, zone, gateways, gateway_zones)?;
        }
        self.place = None;
        self.chains.comment.clear();
        Ok(())
    }

    fn zone_kind(&self, zone: &str) -> Result<ZoneKind> {
        match self.topo.zone(zone) {
            Some(it) => Ok(it.kind),
            None => error(format!("Unknown zone ({zone})")),
        }
    }

    fn setup_one_tunnel(
        &mut self,
        kind: &str,
        zone: &str,
        gateways: &str,
        gateway_zones: &str,
    ) -> Result<()> {
        if matches!(self.zone_kind(zone)?, ZoneKind::Firewall | ZoneKind::Bport) {
            return error(format!("Invalid tunnel ZONE ({zone})"));
        }
        let fw = self.topo.firewall.clone();
        let inchain = self.ensure_rules_chain(zone, &fw)?;
        let outchain = self.ensure_rules_chain(&fw, zone)?;
        let gateways = if gateways == "-" { "::/0" } else { gateways };
        let (_, excl) = handle_network_list(gateways, "src")?;
        let (_, excl2) = handle_network_list(gateways, "dst")?;
        if !excl.is_empty() || !excl2.is_empty() {
            return error("Exclusion is not allowed in the GATEWAYS column");
        }
        let kind = kind.to_ascii_lowercase();
        let kind_type = kind.split(':').next().unwrap_or("").to_owned();
        for gateway in split_list(gateways, "GATEWAYS")? {
            let source = imatch_net(gateway, Side::Source)?;
            let dest = imatch_net(gateway, Side::Dest)?;
            let (i, o) = (inchain.as_str(), outchain.as_str());
            match kind_type.as_str() {
                "ipsec" | "ipsecnat" => {
                    self.setup_one_ipsec(&kind, i, o, &source, &dest, gateway_zones)?;
                }
                "ipip" | "gre" | "6to4" | "6in4" => {
                    let proto = match kind_type.as_str() {
                        "ipip" => "4",
                        "gre" => "47",
                        _ => "41",
                    };
                    self.tunnel_rule(i, proto, &source, &[]);
                    self.tunnel_rule(o, proto, &dest, &[]);
                }
                "pptpclient" => {
                    self.tunnel_rule(o, "47", &dest, &[]);
                    self.tunnel_rule(i, "47", &source, &[]);
                    self.tunnel_rule(o, "tcp --dport 1723", &dest, &[]);
                }
                "pptpserver" => {
                    self.tunnel_rule(i, "47", &source, &[]);
                    self.tunnel_rule(o, "47", &dest, &[]);
                    self.tunnel_rule(i, "tcp --dport 1723", &source, &[]);
                }
                "tinc" => {
                    self.tunnel_rule(i, "udp --dport 655", &source, &[]);
                    self.tunnel_rule(o, "udp --dport 655", &dest, &[]);
                    self.tunnel_rule(i, "tcp --dport 655", &source, &[]);
                    self.tunnel_rule(o, "tcp --dport 655", &dest, &[]);
                }
                "openvpn" | "openvpnclient" | "openvpnserver" => {
                    let (protocol, port) = openvpn_port(&kind)?;
                    let (inbound, outbound) = match kind_type.as_str() {
                        "openvpn" => ("--dport", "--dport"),
                        "openvpnclient" => ("--sport", "--dport"),
                        _ => ("--dport", "--sport"),
                    };
                    self.tunnel_rule(i, &format!("{protocol} {inbound} {port}"), &source, &[]);
                    self.tunnel_rule(o, &format!("{protocol} {outbound} {port}"), &dest, &[]);
                }
                "l2tp" => {
                    if let Some((_, option)) = kind.split_once(':') {
                        return error(format!("Unknown option ({option})"));
                    }
                    self.tunnel_rule(i, "udp --sport 1701 --dport 1701", &source, &[]);
                    self.tunnel_rule(o, "udp --sport 1701 --dport 1701", &dest, &[]);
                }
                "generic" => {
                    let parts: Vec<&str> = kind.split(':').collect();
                    let proto = if parts.len() >= 3 {
                        format!("{} --dport {}", parts[1], parts[2])
                    } else if parts.len() == 2 {
                        format!("{} ", parts[1])
                    } else {
                        "udp ".to_owned()
                    };
                    self.tunnel_rule(i, &proto, &source, &[]);
                    self.tunnel_rule(o, &proto, &dest, &[]);
                }
                other => return error(format!("Tunnels of type {other} are not supported")),
            }
        }
        Ok(())
    }

    /// `add_tunnel_rule`: an ACCEPT rule inserted at the chain's NEW position, which then
    /// moves past it.
    fn tunnel_rule(&mut self, chain: &str, proto: &str, side: &[Match], extra: &[Match]) {
        let mut matches = vec![Match::new("p", proto)];
        matches.extend(side.iter().cloned());
        matches.extend(extra.iter().cloned());
        let f = TableId::Filter;
        let index = self.chains.get(f, chain).and_then(|it| it.new).unwrap_or(0);
        self.chains
            .insert_ijump(f, chain, Jump::Jump, "ACCEPT", index, matches);
        if let Some(it) = self.chains.get_mut(f, chain) {
            it.new = Some(index + 1);
        }
    }

    /// `setup_one_ipsec`.
    fn setup_one_ipsec(
        &mut self,
        kind: &str,
        inchain: &str,
        outchain: &str,
        source: &[Match],
        dest: &[Match],
        gateway_zones: &str,
    ) -> Result<()> {
        let mut parts = kind.splitn(3, ':');
        let base = parts.next().unwrap_or("").to_owned();
        let qualifier = parts.next();
        let remainder = parts.next();
        if let Some(remainder) = remainder {
            return error(format!(
                "Invalid IPSEC modifier ({}:{remainder})",
                qualifier.unwrap_or("")
            ));
        }
        let mut noah = true;
        match qualifier {
            Some("ah") => {
                if base == "ipsecnat" {
                    return error(":ah not allowed with ipsecnat tunnels");
                }
                noah = false;
            }
            Some("noah") | None => {}
            Some(other) => return error(format!("Invalid IPSEC modifier ({other})")),
        }
        let states = if self.caps().has("RAW_TABLE") {
            "NEW,UNTRACKED"
        } else {
            "NEW"
        };
        let options = state_imatch(self, states);
        let mut chains = vec![(inchain.to_owned(), outchain.to_owned(), true)];
        if gateway_zones != "-" {
            let fw = self.topo.firewall.clone();
            for zone in split_list(gateway_zones, "zone")? {
                if matches!(self.zone_kind(zone)?, ZoneKind::Firewall | ZoneKind::Bport) {
                    return error(format!("Invalid zone ({zone}) for GATEWAY ZONE"));
                }
                let i = self.ensure_rules_chain(zone, &fw)?;
                let o = self.ensure_rules_chain(&fw, zone)?;
                // With IPsec (`have_ipsec`) the gateway zones get no ESP/AH rules.
                chains.push((i, o, !self.topo.have_ipsec));
            }
        }
        for (i, o, esp) in chains {
            if esp {
                self.tunnel_rule(&i, "50", source, &[]);
                self.tunnel_rule(&o, "50", dest, &[]);
                if !noah {
                    self.tunnel_rule(&i, "51", source, &[]);
                    self.tunnel_rule(&o, "51", dest, &[]);
                }
            }
            if base == "ipsec" {
                self.tunnel_rule(&i, "udp --dport 500", source, &options);
                self.tunnel_rule(&o, "udp --dport 500", dest, &options);
            } else {
                let ports = [Match::new("multiport", "--dports 500,4500")];
                let mut inbound = source.to_vec();
                inbound.extend(ports.iter().cloned());
                let mut outbound = dest.to_vec();
                outbound.extend(ports.iter().cloned());
                self.tunnel_rule(&i, "udp", &inbound, &options);
                self.tunnel_rule(&o, "udp", &outbound, &options);
            }
        }
        Ok(())
    }
}
