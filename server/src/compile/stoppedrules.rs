//! The stoppedrules file: what the firewall lets through while it is stopped. Those rules go
//! into the stop script, not into the ruleset, but Shorewall checks them at the end of every
//! compilation, on a fresh chain table (`process_stoppedrules`), so a mistake there rejects
//! the configuration. The rules are built the same way here and then discarded.

use crate::model;

use super::chains::{ChainTable, TableId};
use super::lists::split_list;
use super::lower::Compiler;
use super::matches as m;
use super::rules::restrict;
use super::{error, FatalKind, Result};

impl Compiler<'_> {
    /// Checks the stoppedrules file as Shorewall does after the ruleset is built.
    pub(crate) fn check_stoppedrules(&mut self) -> Result<()> {
        let records = model::read_config_records(self.model, self.env, "stoppedrules");
        if records.is_empty() {
            return Ok(());
        }
        let fresh = ChainTable::new(self.caps().clone());
        let kept = std::mem::replace(&mut self.chains, fresh);
        self.initialize_chain_table();
        let checked = records.iter().try_for_each(|record| {
            self.enter_record(record)?;
            let column = |idx: usize| record.column(idx);
            self.check_stopped_rule(
                column(0),
                column(1),
                column(2),
                column(3),
                column(4),
                column(5),
            )
        });
        self.chains = kept;
        checked?;
        self.place = None;
        Ok(())
    }

    fn check_stopped_rule(
        &mut self,
        target: &str,
        source: &str,
        dest: &str,
        protos: &str,
        ports: &str,
        sports: &str,
    ) -> Result<()> {
        if !matches!(target, "ACCEPT" | "DROP" | "NOTRACK") {
            return error(format!("Invalid TARGET ({target})"));
        }
        let raw = target != "ACCEPT";
        let fw = self.topo.firewall.clone();
        let (mut table, mut chain, mut restriction) = if raw {
            (TableId::Raw, "PREROUTING", restrict::PREROUTE)
        } else {
            (TableId::Filter, "FORWARD", restrict::NONE)
        };
        let mut source = source.to_owned();
        let mut dest = dest.to_owned();
        let fw_prefix = format!("{fw}:");
        if source == fw || source.starts_with(&fw_prefix) {
            source = source.strip_prefix(&fw_prefix).unwrap_or("-").to_owned();
            chain = "OUTPUT";
            restriction = restrict::OUTPUT;
        }
        if dest == fw || dest.starts_with(&fw_prefix) {
            if raw {
                return error(
                    "$FW may not be specified as the destination of a NOTRACK or DROP rule",
                );
            }
            dest = dest.strip_prefix(&fw_prefix).unwrap_or("-").to_owned();
            table = TableId::Filter;
            chain = "INPUT";
            restriction = restrict::INPUT;
        }
        if restriction == restrict::OUTPUT
            && target == "ACCEPT"
            && self.config.admin_is_absent_minded
        {
            // Shorewall only warns ("Redundant OUTPUT rule ignored").
            return Ok(());
        }
        if raw && restriction == restrict::PREROUTE {
            // `DESTIFACE_DISALLOW`: the raw PREROUTING chain sees no outgoing interface.
            // Only the plain forms: `eth0:2001:db8::1` is a host to Shorewall, not an
            // interface and an address, and the rest is left to `expand_rule`.
            let bare = dest.trim_start_matches('!');
            let interface = match bare.split_once(':') {
                Some((interface, rest)) if rest.starts_with('[') => interface,
                Some(_) => "",
                None => bare,
            };
            if !interface.is_empty() && self.topo.known_interface(interface).is_some() {
                return error("A DEST interface is not permitted in the PREROUTING chain");
            }
        }
        for proto in split_list(protos, "Protocol")? {
            let rule = m::do_proto(self.names(), self.caps(), proto, ports, sports)?;
            let expanded = self.expand_rule(
                table,
                chain,
                restriction,
                "",
                &rule,
                &source,
                &dest,
                "",
                target,
                "",
                target,
                "",
                false,
                "",
            );
            match expanded {
                // What only the stop script would do at run time (a loop over an interface's
                // networks) is no mistake of the configuration's.
                Err(fatal) if fatal.kind == FatalKind::Unsupported => {}
                other => other?,
            }
        }
        Ok(())
    }
}
