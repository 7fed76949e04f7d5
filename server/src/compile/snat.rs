//! Source NAT: the snat file (`Rules.pm setup_snat`, `process_snat1`) and the deprecated masq
//! file, which Shorewall 5.2.8 compiles with its old code (`Nat.pm process_one_masq1`) while
//! converting it to snat.
//! Each record adds `MASQUERADE`, `SNAT --to-source ...` or `RETURN` rules to the nat chain
//! `<iface>_masq` (`<iface>_snat` with `+`, nat INPUT for `$FW`); `generate_matrix` jumps to
//! those chains from nat POSTROUTING.
//!
//! What needs run-time data (`detect`, `&iface` addresses, an interface as SOURCE), providers,
//! the SWITCH column and actions in the snat file are refused rather than approximated.

use crate::model::{self, ConfigRecord};

use super::actions::{
    external_name, merge_column, merge_inline_source_dest, merge_levels, InvocationName,
};
use super::addresses::{valid_address, validate_range, ALLIP};
use super::chains::TableId;
use super::lists::split_list;
use super::lower::{opt, target, Compiler};
use super::matches::{self as m, resolve_proto};
use super::rules::{restrict, split_action};
use super::{error, unsupported, Result};

/// What a record's ACTION asks for.
struct SnatAction {
    /// `MASQUERADE`, `SNAT`, `RETURN` or `LOG`.
    target: &'static str,
    /// Into `<iface>_snat` rather than `<iface>_masq` (`+`).
    pre_nat: bool,
    /// The parenthesized addresses or ports.
    addresses: String,
    /// `random`, `persistent`, `persistent:random`.
    options: String,
    loglevel: String,
    /// The disposition in log prefixes.
    logaction: &'static str,
    /// An action or inline action with the `nat` option: its name, parameters and type.
    action: Option<(String, String, u32)>,
}

/// The columns of a snat record, for one protocol (`process_snat1`'s arguments).
#[derive(Debug, Clone)]
struct SnatColumns {
    action: String,
    source: String,
    dest: String,
    proto: String,
    ports: String,
    sports: String,
    ipsec: String,
    mark: String,
    user: String,
    condition: String,
    origdest: String,
    probability: String,
}

impl SnatColumns {
    /// The columns of a record by position: `?FORMAT 2` inserts SPORT after PORT.
    fn from_positions(column: impl Fn(usize) -> String, format: u32) -> SnatColumns {
        let (sports, rest) = if format >= 2 {
            (column(5), 6)
        } else {
            ("-".to_owned(), 5)
        };
        SnatColumns {
            action: column(0),
            source: column(1),
            dest: column(2),
            proto: column(3),
            ports: column(4),
            sports,
            ipsec: column(rest),
            mark: column(rest + 1),
            user: column(rest + 2),
            condition: column(rest + 3),
            origdest: column(rest + 4),
            probability: column(rest + 5),
        }
    }
}

/// Where a snat record is (`process_snat1`'s `$chainref`).
#[derive(Debug, Clone, Copy)]
enum SnatFrom<'s> {
    /// The snat file.
    File,
    /// The body of an inline action, expanded into the invoking record's chain.
    Inline,
    /// The body of an action: its chain, and the interface of the invocation.
    Action { chain: &'s str, interface: &'s str },
}

impl Compiler<'_> {
    /// `setup_snat`: the masq file when it has records (Shorewall converts it and ignores the
    /// snat file on that run), the snat file otherwise.
    pub(crate) fn setup_snat(&mut self) -> Result<()> {
        let masq = model::read_config_records(self.model, self.env, "masq");
        if !masq.is_empty() {
            return self.each_snat_record(&masq, Self::process_masq_record);
        }
        let records = model::read_config_records(self.model, self.env, "snat");
        if !records.is_empty() && !self.caps().has("NAT_ENABLED") {
            self.place = records.first().map(|it| (it.path.clone(), it.line));
            return error("a non-empty snat file requires NAT in your kernel and iptables");
        }
        self.each_snat_record(&records, Self::process_snat_record)
    }

    /// `process` on each record. A record the preview refuses stops the compilation only
    /// after the records that follow it: Shorewall may reject one of them, and `check` must
    /// show that error.
    fn each_snat_record(
        &mut self,
        records: &[ConfigRecord],
        process: fn(&mut Self, &ConfigRecord) -> Result<()>,
    ) -> Result<()> {
        let mut refused = None;
        for record in records {
            self.enter_record_with_origin(record)?;
            match process(self, record) {
                Err(fatal) if fatal.kind == super::FatalKind::Unsupported => {
                    refused.get_or_insert((self.place.clone(), fatal));
                }
                other => other?,
            }
        }
        if let Some((place, fatal)) = refused {
            self.place = place;
            return Err(fatal);
        }
        self.place = None;
        self.chains.comment.clear();
        self.chains.origin.clear();
        Ok(())
    }

    /// `process_snat`: one record of the snat file, once per protocol of its PROTO list.
    fn process_snat_record(&mut self, record: &ConfigRecord) -> Result<()> {
        let cols = SnatColumns::from_positions(|idx| record.column(idx).to_owned(), record.format);
        if cols.action == "-" {
            return error("ACTION must be specified");
        }
        if cols.dest == "-" {
            return error("DEST must be specified");
        }
        let raw = record.raw_matches_prefix();
        for proto in split_list(&cols.proto, "Protocol")? {
            let mut cols = cols.clone();
            cols.proto = proto.to_owned();
            self.process_snat1(&cols, &raw, SnatFrom::File)?;
        }
        Ok(())
    }

    /// The ACTION column of a snat record.
    fn snat_action(&self, origaction: &str) -> Result<SnatAction> {
        let (action, loglevel) = split_action(origaction)?;
        let parenthesized = |rest: &str| -> Option<String> {
            rest.strip_prefix('(')
                .and_then(|it| it.strip_suffix(')'))
                .filter(|it| !it.is_empty())
                .map(str::to_owned)
        };
        let split_plus = |rest: &str| -> (bool, String) {
            match rest.strip_prefix('+') {
                Some(rest) => (true, rest.to_owned()),
                None => (false, rest.to_owned()),
            }
        };
        if let Some(rest) = action.strip_prefix("MASQUERADE") {
            let (pre_nat, rest) = split_plus(rest);
            if rest.is_empty() || parenthesized(&rest).is_some() {
                let mut addresses = parenthesized(&rest).unwrap_or_default();
                let mut options = String::new();
                if let Some(stripped) = addresses.strip_suffix("random") {
                    addresses = stripped.strip_suffix(':').unwrap_or(stripped).to_owned();
                    options = "random".into();
                }
                return Ok(SnatAction {
                    target: "MASQUERADE",
                    pre_nat,
                    addresses,
                    options,
                    loglevel,
                    logaction: "MASQ",
                    action: None,
                });
            }
        }
        if let Some(rest) = action.strip_prefix("SNAT") {
            let (pre_nat, rest) = split_plus(rest);
            if let Some(mut addresses) = parenthesized(&rest) {
                let mut options = String::new();
                if let Some(at) = addresses.find(":persistent") {
                    addresses.replace_range(at..at + ":persistent".len(), "");
                    options.push_str(":persistent");
                }
                if let Some(at) = addresses.find(":random") {
                    addresses.replace_range(at..at + ":random".len(), "");
                    options.push_str(":random");
                }
                let options = options.trim_start_matches(':').to_owned();
                return Ok(SnatAction {
                    target: "SNAT",
                    pre_nat,
                    addresses,
                    options,
                    loglevel,
                    logaction: "SNAT",
                    action: None,
                });
            }
        }
        if action == "CONTINUE" || action == "CONTINUE+" {
            return Ok(SnatAction {
                target: "RETURN",
                pre_nat: action.ends_with('+'),
                addresses: String::new(),
                options: String::new(),
                loglevel,
                logaction: "RETURN",
                action: None,
            });
        }
        let (basic, param) = super::nat::target_param1(&action);
        let pre_nat = basic.ends_with('+');
        let basic = basic.trim_end_matches('+').to_owned();
        let actiontype = self.target_type(&basic);
        if actiontype & target::LOGRULE != 0 && basic == "LOG" && param.is_empty() {
            if loglevel.is_empty() {
                return error("LOG requires a log level");
            }
            return Ok(SnatAction {
                target: "LOG",
                pre_nat,
                addresses: String::new(),
                options: String::new(),
                loglevel,
                logaction: "LOG",
                action: None,
            });
        }
        if actiontype & target::LOGRULE != 0 {
            // NFLOG(...) and ULOG(...) become the log level of a LOG rule, tagged with the
            // record's own level.
            super::log::validate_level(&action)?;
            let level = format!("{basic}({param})");
            let loglevel = if loglevel.is_empty() {
                level
            } else {
                format!("{level}:{loglevel}")
            };
            return Ok(SnatAction {
                target: "LOG",
                pre_nat,
                addresses: String::new(),
                options: String::new(),
                loglevel,
                logaction: "LOG",
                action: None,
            });
        }
        if actiontype & (target::ACTION | target::INLINE) == 0 {
            return error(format!("Invalid ACTION ({action})"));
        }
        Ok(SnatAction {
            target: "",
            pre_nat,
            addresses: String::new(),
            options: String::new(),
            loglevel,
            logaction: "",
            action: Some((basic, param, actiontype)),
        })
    }

    /// `process_snat1`: the rules of one snat record for one protocol.
    fn process_snat1(&mut self, cols: &SnatColumns, raw: &str, from: SnatFrom<'_>) -> Result<()> {
        let SnatColumns {
            action: origaction,
            source,
            dest,
            proto,
            ports,
            sports,
            ipsec,
            mark,
            user,
            condition,
            origdest,
            probability,
        } = cols;
        let proto = proto.as_str();
        let (prerule, inlinematches) = split_early_matches(raw);
        let action = self.snat_action(origaction)?;
        if !matches!(from, SnatFrom::File) && action.pre_nat {
            return error("'+' is not allowed within an action body");
        }
        let (interfaces, destnets) = match from {
            // The invocation's interface, from the parameters of the action's chain.
            SnatFrom::Action { interface, .. } => (interface.to_owned(), dest.clone()),
            _ => match dest.split_once(':') {
                Some((iface, nets)) if !iface.is_empty() && !nets.is_empty() => {
                    (iface.to_owned(), nets.to_owned())
                }
                _ => (dest.clone(), String::new()),
            },
        };
        let mut baserule = m::do_proto(self.names(), self.caps(), proto, ports, sports)?;
        if mark != "-" {
            baserule.push_str(&m::do_test(mark, self.config.tc_mask)?);
        }
        if user != "-" {
            baserule.push_str(&m::do_user(self.caps(), user)?);
        }
        baserule.push_str(&self.do_probability(probability)?);
        let interfaces = split_list(&interfaces, "interface")?;
        let count = interfaces.len();
        let fw = self.topo.firewall.clone();
        for fullinterface in interfaces {
            let mut rule = String::new();
            let (chain, interface) = if let SnatFrom::Action { chain, .. } = from {
                (chain.to_owned(), fullinterface.to_owned())
            } else if fullinterface == fw {
                if count > 1 {
                    return error("$FW may not appear in a list of interfaces");
                }
                if action.pre_nat {
                    return error("'+' not valid when the DEST is $FW");
                }
                if action.target == "MASQUERADE" && action.addresses.is_empty() {
                    return error("'MASQUERADE' not allowed when DEST is $FW");
                }
                if !self.caps().has("NAT_INPUT_CHAIN") {
                    return error("$FW in the DEST column requires NAT Input Chain in your kernel and iptables");
                }
                ("INPUT".to_owned(), String::new())
            } else {
                let name = self.snat_interface(fullinterface, &mut rule)?;
                let chain = self.nat_interface_chain(&name, action.pre_nat);
                (chain, name)
            };
            self.chains.ensure_chain(TableId::Nat, &chain);
            if self.chains.closed(TableId::Nat, &chain) {
                self.warn_at_place(if interface.is_empty() {
                    "Entry generated no ip6tables rule".to_owned()
                } else {
                    format!("Interface {interface} entry generated no ip6tables rule")
                });
                continue;
            }
            let mut baserule = baserule.clone();
            baserule.push_str(&m::do_condition(self.caps(), condition, &chain)?);
            let dir = if interface.is_empty() { "in" } else { "out" };
            baserule.push_str(&ipsec_match(
                ipsec,
                dir,
                self.caps().has("POLICY_MATCH"),
                self.topo.have_ipsec,
            )?);

            let mut target = action.target.to_owned();
            let mut exceptionrule = String::new();
            if action.target == "SNAT" {
                if action.addresses == "detect" {
                    if interface.is_empty() {
                        return error("'detect' not allowed when the destination is $FW");
                    }
                    return unsupported("SNAT(detect) (the interface's address at run time) is not supported by the preview");
                }
                let addrs = split_list(&action.addresses, "address")?;
                if addrs.is_empty() {
                    return error(
                        "SNAT rules must spacify a new source address and/or new source ports",
                    );
                }
                if addrs.len() > 1 {
                    return error("Only one SNAT address may be specified");
                }
                let (to, exception) = self.snat_address(addrs[0], proto)?;
                target.push_str(&format!(" --to-source {to}"));
                exceptionrule = exception;
            } else if action.target == "MASQUERADE" {
                if interface.is_empty() {
                    return error("'MASQUERADE' not allowed when the destination is $FW'");
                }
                if !action.addresses.is_empty() {
                    self.validate_portpair1(proto, &action.addresses)?;
                    target.push_str(&format!(" --to-ports {}", action.addresses));
                    exceptionrule = m::do_proto(self.names(), self.caps(), proto, "", "")?;
                }
            }
            let mut loglevel = action.loglevel.clone();
            let mut logaction = if action.target == "LOG" {
                "LOG".to_owned()
            } else {
                action.logaction.to_owned()
            };
            if let Some((name, params, kind)) = &action.action {
                if self.action_table(name) != TableId::Nat {
                    return error(format!("Action {name} may not be used in the snat file"));
                }
                if kind & target::INLINE != 0 {
                    // The interface and the DEST networks, as the body's DEST merges them.
                    let inline_dest = match (destnets.as_str(), from) {
                        ("" | "-", SnatFrom::Action { .. }) => "-".to_owned(),
                        ("" | "-", _) => interface.clone(),
                        (nets, SnatFrom::Action { .. }) => format!("{interface}:{nets}"),
                        (nets, _) if !interface.is_empty() => format!("{interface}:{nets}"),
                        (nets, _) => nets.to_owned(),
                    };
                    let mut invocation = cols.clone();
                    invocation.dest = inline_dest;
                    self.process_snat_inline(name, &chain, params, &loglevel, &invocation)?;
                    continue;
                }
                // Only for their errors: the rule's protocol match is made.
                let action_proto = self.determine_action_protocol(name, proto)?;
                if action_proto != "-" {
                    self.determine_action_dport(name, &action_proto, ports)?;
                }
                // The interface is kept in the parameters: it is the action's DEST interface.
                let mut normalized =
                    self.normalize_action(name, &loglevel, &format!("{interface}|{params}"));
                if self.active.get(name).copied().unwrap_or(0) > 0 {
                    let stack: Vec<String> = self
                        .actionstack
                        .iter()
                        .chain(std::iter::once(&normalized))
                        .map(|it| external_name(it))
                        .collect();
                    return error(format!(
                        "Action {name} invoked Recursively ({})",
                        stack.join("->")
                    ));
                }
                target = match self.use_action_in(TableId::Nat, &normalized)? {
                    Some(mut created) => {
                        self.process_snat_action(&mut normalized, &mut created, &chain)?;
                        created
                    }
                    None => self
                        .usedactions
                        .get(&normalized)
                        .cloned()
                        .unwrap_or_default(),
                };
                let options = self.actions.get(name).map_or(0, |it| it.options);
                if options & super::lower::opt::LOGJUMP != 0 {
                    logaction = target.clone();
                } else {
                    loglevel.clear();
                }
            }
            for option in action.options.split(':').filter(|it| !it.is_empty()) {
                match option {
                    "random" => {
                        if !self.caps().has("MASQUERADE_TGT") {
                            return error(format!(
                                "{} rules require Masquerade Target in your kernel and iptables",
                                action.target
                            ));
                        }
                        target.push_str(" --random");
                    }
                    "persistent" => {
                        if !self.caps().has("PERSISTENT_SNAT") {
                            return error(
                                ":persistent requires Persistent SNAT in your kernel and iptables",
                            );
                        }
                        target.push_str(" --persistent");
                    }
                    _ => return error(format!("Invalid {} option ({option})", action.target)),
                }
            }
            let source = if source == "-" { ALLIP } else { source };
            let destnets = if destnets.is_empty() || destnets == "-" {
                ALLIP
            } else {
                destnets.as_str()
            };
            let restriction = if interface.is_empty() {
                restrict::INPUT
            } else {
                restrict::POSTROUTE
            };
            self.expand_rule(
                TableId::Nat,
                &chain,
                restriction,
                &prerule,
                &format!("{baserule}{inlinematches}{rule}"),
                source,
                destnets,
                origdest,
                &target,
                &loglevel,
                &logaction,
                &exceptionrule,
                false,
                "",
            )?;
        }
        Ok(())
    }

    /// `process_action` for an action of the snat file: its body's records, as snat records
    /// of the action's chain.
    fn process_snat_action(
        &mut self,
        normalized: &mut str,
        chain: &mut str,
        caller: &str,
    ) -> Result<()> {
        let name = InvocationName::parse(normalized);
        let (interface, param) = name
            .param
            .rsplit_once('|')
            .unwrap_or(("", name.param.as_str()));
        let options = self.actions.get(&name.action).map_or(0, |it| it.options);
        let nolog = options & (opt::NOLOG | opt::LOGJUMP) != 0;
        self.within_action(&name, param, normalized, chain, caller, |this| {
            let from = SnatFrom::Action { chain, interface };
            // Action files start in format 2.
            this.snat_body(&name.action, nolog, 2, from, None)
        })
    }

    /// `process_snat_inline`: an inline action's body expanded as records of the snat file,
    /// with the invocation's columns merged in.
    fn process_snat_inline(
        &mut self,
        inline: &str,
        chain: &str,
        params: &str,
        loglevel: &str,
        invocation: &SnatColumns,
    ) -> Result<()> {
        let (level, tag) = loglevel.split_once(':').unwrap_or((loglevel, ""));
        let level = if level.is_empty() { "none" } else { level };
        let old = self.push_action_params(inline, chain, params, level, tag, chain)?;
        let options = self.actions.get(inline).map_or(0, |it| it.options);
        let nolog = options & opt::NOLOG != 0;
        // Inline action files are opened in format 1 here.
        let result = self.snat_body(inline, nolog, 1, SnatFrom::Inline, Some(invocation));
        self.actparams = old;
        result
    }

    /// The records of an action body in the snat file: for an inline action, merged with the
    /// `invocation`'s columns.
    fn snat_body(
        &mut self,
        action: &str,
        nolog: bool,
        default_format: u32,
        from: SnatFrom<'_>,
        invocation: Option<&SnatColumns>,
    ) -> Result<()> {
        self.each_body_line(action, |this, line| {
            let format = line.format.unwrap_or(default_format);
            let mut cols = SnatColumns::from_positions(
                |idx| line.columns.get(idx).cloned().unwrap_or_else(|| "-".into()),
                format,
            );
            let raw = line
                .raw_matches
                .as_ref()
                .map(|it| format!("{it} "))
                .unwrap_or_default();
            this.snat_body_line(&mut cols, nolog, from, invocation, &raw)
        })
    }

    /// One record of an action body in the snat file, once per protocol.
    fn snat_body_line(
        &mut self,
        cols: &mut SnatColumns,
        nolog: bool,
        from: SnatFrom<'_>,
        invocation: Option<&SnatColumns>,
        raw: &str,
    ) -> Result<()> {
        if cols.action == "-" {
            return error("ACTION must be specified");
        }
        if !nolog {
            cols.action = merge_levels(&self.action_level_context(), &cols.action)?;
        }
        if let Some(invocation) = invocation {
            if cols.source == "-" {
                cols.source = invocation.source.clone();
            }
            cols.dest = if cols.dest == "-" {
                invocation.dest.clone()
            } else {
                merge_inline_source_dest(&cols.dest, &invocation.dest)?
            };
            if cols.proto == "-" {
                cols.proto = invocation.proto.clone();
            }
            for (body, invoked) in [
                (&mut cols.ports, &invocation.ports),
                (&mut cols.sports, &invocation.sports),
                (&mut cols.ipsec, &invocation.ipsec),
                (&mut cols.mark, &invocation.mark),
                (&mut cols.user, &invocation.user),
                (&mut cols.condition, &invocation.condition),
                (&mut cols.origdest, &invocation.origdest),
                (&mut cols.probability, &invocation.probability),
            ] {
                *body = merge_column(body, invoked);
            }
        }
        for proto in split_list(&cols.proto.clone(), "Protocol")? {
            let mut cols = cols.clone();
            cols.proto = proto.to_owned();
            self.process_snat1(&cols, raw, from)?;
        }
        Ok(())
    }

    /// The logical name of a DEST interface of a snat or masq record, adding `-o` for an
    /// interface that a wildcard matches.
    fn snat_interface(&self, fullinterface: &str, rule: &mut String) -> Result<String> {
        let interface = fullinterface;
        if interface.ends_with(')') && interface.contains('(') {
            return unsupported(format!(
                "Providers in the snat file are not supported by the preview yet ({interface})"
            ));
        }
        let Some(iface) = self.topo.known_interface(interface) else {
            return error(format!("Unknown interface ({interface})"));
        };
        if iface.name != interface && iface.physical != interface {
            // A name that a wildcard interface matches: Shorewall adds `-o NAME` and uses the
            // wildcard's chain.
            rule.push_str(&format!("-o {interface} "));
        }
        Ok(iface.name.clone())
    }

    /// `masq_chain` / `snat_chain`.
    pub(crate) fn nat_interface_chain(&self, interface: &str, pre_nat: bool) -> String {
        let base = self.interface_chain_base(interface);
        if pre_nat {
            format!("{base}_snat")
        } else {
            format!("{base}_masq")
        }
    }

    /// The `--to-source` value of an IPv6 SNAT address (`[addr]:ports`, a range, or an
    /// address) and the exception rule a port range needs.
    fn snat_address(&self, addr: &str, proto: &str) -> Result<(String, String)> {
        if addr.starts_with('&') || addr.starts_with('%') {
            return unsupported(format!(
                "Run-time interface addresses ({addr}) are not supported by the preview"
            ));
        }
        if let Some(bracketed) = addr.strip_prefix('[') {
            let bracketed = format!("[{bracketed}");
            let (address, ports) = match bracketed.rsplit_once(':') {
                Some((head, tail)) if !tail.is_empty() && !tail.contains(']') => {
                    (head.to_owned(), Some(tail.to_owned()))
                }
                _ => (bracketed.clone(), None),
            };
            let Some(inner) = address
                .strip_prefix('[')
                .and_then(|it| it.strip_suffix(']'))
                .filter(|it| !it.is_empty())
            else {
                return error(format!("Invalid IPv6 Address ({address})"));
            };
            let inner = inner.replace("]-[", "-");
            validate_address_or_range(&inner)?;
            return Ok(match ports {
                Some(ports) => {
                    self.validate_portpair1(proto, &ports)?;
                    let exception = m::do_proto(self.names(), self.caps(), proto, "", "")?;
                    (format!("[{inner}]:{ports}"), exception)
                }
                None => (inner, String::new()),
            });
        }
        validate_address_or_range(addr)?;
        Ok((addr.to_owned(), String::new()))
    }

    /// `validate_portpair1`: a port or `low-high` for a NAT target.
    pub(crate) fn validate_portpair1(&self, proto: &str, pair: &str) -> Result<()> {
        if pair.matches('-').count() > 1 {
            return error(format!("Invalid port range ({pair})"));
        }
        let number = resolve_proto(self.names(), proto);
        let number_text = number.unwrap_or(0).to_string();
        let mut ports = Vec::new();
        for port in pair.splitn(2, '-') {
            if port.is_empty() || port == "0" {
                ports.push(port.to_owned());
            } else {
                ports.push(m::validate_port(self.names(), &number_text, port)?);
            }
        }
        let what = if ports.len() == 2 {
            let low: i64 = ports[0].parse().unwrap_or(0);
            let high: i64 = ports[1].parse().unwrap_or(0);
            if low == 0 || low >= high {
                return error(format!("Invalid port range ({pair})"));
            }
            "port range"
        } else {
            if pair.is_empty() {
                return error("Invalid port number (0)");
            }
            "port"
        };
        if !matches!(number, Some(m::TCP | m::UDP | 132 | 33)) {
            return error(format!(
                "Using a {what} ( {pair} ) requires PROTO TCP, UDP, SCTP or DCCP"
            ));
        }
        Ok(())
    }

    /// `do_probability`.
    pub(crate) fn do_probability(&self, probability: &str) -> Result<String> {
        if probability == "-" {
            return Ok(String::new());
        }
        if !self.caps().has("STATISTIC_MATCH") {
            return error("A non-empty PROBABILITY column requires Statistic Match in your kernel and iptables");
        }
        let (invert, value) = match probability.strip_prefix('!') {
            Some(rest) => ("! ", rest),
            None => ("", probability),
        };
        let digits = value.strip_prefix("0.").or_else(|| value.strip_prefix('.'));
        let valid = digits.is_some_and(|it| {
            (1..=8).contains(&it.len()) && it.chars().all(|c| c.is_ascii_digit())
        });
        if !valid {
            return error(format!("Invalid PROBABILITY ({value})"));
        }
        // Shorewall computes the inversion but does not print it.
        let _ = invert;
        Ok(format!("-m statistic --mode random --probability {value} "))
    }

    // ---- the masq file ---------------------------------------------------------------

    /// `process_one_masq`: one record of the masq file, once per protocol.
    fn process_masq_record(&mut self, record: &ConfigRecord) -> Result<()> {
        let column = |idx: usize| record.column(idx).to_owned();
        let interfaces = column(0);
        if interfaces == "-" {
            return error("INTERFACE must be specified");
        }
        let raw = record.raw_matches_prefix();
        for proto in split_list(&column(3), "Protocol")? {
            self.process_one_masq1(
                &interfaces,
                &column(1),
                &column(2),
                proto,
                &column(4),
                &column(5),
                &column(6),
                &column(7),
                &column(8),
                &column(9),
                &column(10),
                &raw,
            )?;
        }
        Ok(())
    }

    /// `process_one_masq1` (IPv6).
    #[allow(clippy::too_many_arguments)]
    fn process_one_masq1(
        &mut self,
        interfacelist: &str,
        networks: &str,
        addresses: &str,
        proto: &str,
        ports: &str,
        ipsec: &str,
        mark: &str,
        user: &str,
        condition: &str,
        origdest: &str,
        probability: &str,
        raw: &str,
    ) -> Result<()> {
        let (pre_nat, interfacelist) = match interfacelist.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, interfacelist),
        };
        let interfacelist = interfacelist
            .strip_prefix("INLINE(")
            .and_then(|it| it.strip_suffix(')'))
            .filter(|it| !it.is_empty())
            .unwrap_or(interfacelist);
        let (prerule, inlinematches) = split_early_matches(raw);
        let (interfacelist, destnets) = match interfacelist.split_once(':') {
            Some((iface, nets)) if !iface.is_empty() && !nets.is_empty() => {
                (iface.to_owned(), nets.to_owned())
            }
            _ => (interfacelist.to_owned(), String::new()),
        };
        let networks = if networks == "-" { ALLIP } else { networks };
        let destnets = if destnets == "-" {
            ALLIP.to_owned()
        } else {
            destnets
        };
        let mut baserule = ipsec_match(
            ipsec,
            "out",
            self.caps().has("POLICY_MATCH"),
            self.topo.have_ipsec,
        )?;
        baserule.push_str(&m::do_proto(self.names(), self.caps(), proto, ports, "")?);
        if mark != "-" {
            baserule.push_str(&m::do_test(mark, self.config.tc_mask)?);
        }
        if user != "-" {
            baserule.push_str(&m::do_user(self.caps(), user)?);
        }
        baserule.push_str(&self.do_probability(probability)?);
        for fullinterface in split_list(&interfacelist, "interface")? {
            let mut rule = String::new();
            let interface = fullinterface.split(':').next().unwrap_or(fullinterface);
            let name = self.snat_interface(interface, &mut rule)?;
            let chain = self.nat_interface_chain(&name, pre_nat);
            self.chains.ensure_chain(TableId::Nat, &chain);
            // Shorewall appends the condition once per interface (to the shared base).
            baserule.push_str(&m::do_condition(self.caps(), condition, &chain)?);
            let mut target = "MASQUERADE".to_owned();
            let mut exceptionrule = String::new();
            if addresses == "-" {
                self.require_masquerade_target()?;
            } else if addresses == "random" {
                self.require_masquerade_target()?;
                target.push_str(" --random");
            } else {
                let mut addresses = addresses.to_owned();
                let persistent = match addresses.strip_suffix(":persistent") {
                    Some(rest) => {
                        addresses = rest.to_owned();
                        true
                    }
                    None => false,
                };
                let random = match addresses.strip_suffix(":random") {
                    Some(rest) => {
                        addresses = rest.to_owned();
                        true
                    }
                    None => false,
                };
                if persistent && !self.caps().has("PERSISTENT_SNAT") {
                    return error(
                        ":persistent requires Persistent SNAT in your kernel and iptables",
                    );
                }
                if addresses.starts_with("SAME") {
                    return error("The SAME target is no longer supported");
                } else if addresses == "detect" {
                    return unsupported("detect (the interface's address at run time) is not supported by the preview");
                } else if addresses == "NONAT" {
                    if persistent {
                        return error("'persistent' may not be specified with 'NONAT'");
                    }
                    if random {
                        return error("'random' may not be specified with 'NONAT'");
                    }
                    target = "RETURN".into();
                } else if !addresses.is_empty() {
                    let addrs = split_list(&addresses, "address")?;
                    if addrs.len() > 1 {
                        return error("Only one ADDRESS may be specified");
                    }
                    let (to, exception) = match addrs.first() {
                        Some(addr) => self.snat_address(addr, proto)?,
                        None => (String::new(), String::new()),
                    };
                    target = format!("SNAT --to-source {to}");
                    exceptionrule = exception;
                } else {
                    if persistent {
                        return error("':persistent' is not allowed in a MASQUERADE rule");
                    }
                    self.require_masquerade_target()?;
                }
                if random {
                    target.push_str(" --random");
                }
                if persistent {
                    target.push_str(" --persistent");
                }
            }
            if self.nat_unreachable(&chain, false) {
                continue;
            }
            self.expand_rule(
                TableId::Nat,
                &chain,
                restrict::POSTROUTE,
                &prerule,
                &format!("{baserule}{inlinematches}{rule}"),
                networks,
                &destnets,
                origdest,
                &target,
                "",
                "",
                &exceptionrule,
                false,
                "",
            )?;
        }
        Ok(())
    }

    fn require_masquerade_target(&self) -> Result<()> {
        if self.caps().has("MASQUERADE_TGT") {
            Ok(())
        } else {
            error("Masquerade rules require Masquerade Target in your kernel and iptables")
        }
    }
}

/// The `;;` matches split into early matches (a leading `+`) and the others.
fn split_early_matches(raw: &str) -> (String, String) {
    // Shorewall's test (`/^s*\+/`) lacks a backslash, so any text starting with `+` after
    // optional `s` characters counts.
    let trimmed = raw.trim_start_matches('s');
    match trimmed.strip_prefix('+') {
        Some(rest) => (rest.to_owned(), String::new()),
        None => (String::new(), raw.to_owned()),
    }
}

/// The IPSEC column (`do_ipsec_options`) for `yes`, `no` and option lists.
/// Without it, where there is IPsec (`have_ipsec`), traffic is matched as not encrypted.
pub(crate) fn ipsec_match(
    ipsec: &str,
    dir: &str,
    policy_match: bool,
    have_ipsec: bool,
) -> Result<String> {
    if ipsec == "-" {
        if have_ipsec {
            return Ok(format!("-m policy --pol none --dir {dir} "));
        }
        return Ok(String::new());
    }
    if !policy_match {
        return error(
            "Non-empty IPSEC column requires policy match support in your kernel and iptables",
        );
    }
    if ipsec.eq_ignore_ascii_case("yes") {
        return Ok(format!("-m policy --pol ipsec --dir {dir} "));
    }
    if ipsec.eq_ignore_ascii_case("no") {
        return Ok(format!("-m policy --pol none --dir {dir} "));
    }
    let mut options = format!("-m policy --pol ipsec --dir {dir} ");
    for option in split_list(ipsec, "IPSEC option")? {
        let (name, value, invert) = if let Some((name, value)) = option.split_once("!=") {
            (name, Some(value), "! ")
        } else if let Some((name, value)) = option.split_once('=') {
            (name, Some(value), "")
        } else {
            (option, None, "")
        };
        let valid_value = |value: &str| -> bool {
            match name {
                "reqid" | "spi" => m_numeric(value),
                "proto" => matches!(value, "ah" | "esp" | "ipcomp"),
                "mode" => matches!(value, "tunnel" | "transport"),
                "tunnel-src" | "tunnel-dst" => ipv6_network_option(value),
                _ => false,
            }
        };
        match (name, value) {
            ("strict" | "next", None) => {}
            ("strict" | "next", Some(_)) => {
                return error(format!("Option \"{name}\" does not take a value"))
            }
            ("reqid" | "spi" | "proto" | "mode" | "tunnel-src" | "tunnel-dst", None) => {
                return error(format!("Missing value for option \"{name}\""))
            }
            ("reqid" | "spi" | "proto" | "mode" | "tunnel-src" | "tunnel-dst", Some(value)) => {
                if !valid_value(value) {
                    return error(format!("Invalid value ({value}) for option \"{name}\""));
                }
            }
            _ => return error(format!("Invalid IPSEC Option ({name})")),
        }
        options.push_str(invert);
        options.push_str(&format!("--{name} "));
        if let Some(value) = value {
            options.push_str(&format!("{value} "));
        }
    }
    Ok(options)
}

/// Shorewall's IPv6 `NETWORK` pattern, `(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?:\/d+)?`:
/// an address (its prefix part matches a literal `/d`, so `/64` is refused).
fn ipv6_network_option(value: &str) -> bool {
    let address = match value.split_once('/') {
        Some((address, rest)) => {
            if rest.is_empty() || !rest.bytes().all(|b| b == b'd') {
                return false;
            }
            address
        }
        None => value,
    };
    let groups: Vec<&str> = address.split(':').collect();
    (3..=8).contains(&groups.len())
        && groups
            .iter()
            .all(|it| it.len() <= 4 && it.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Shorewall's `NUMERIC` pattern: hex, octal or decimal.
fn m_numeric(value: &str) -> bool {
    if let Some(hex) = value.strip_prefix("0x") {
        return !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    !value.is_empty() && value.chars().all(|c| c.is_ascii_digit())
}

/// `validate_address` (no names) or `validate_range` of `low-high`.
fn validate_address_or_range(addr: &str) -> Result<()> {
    if let Some((low, high)) = addr.rsplit_once('-') {
        validate_range(low, high)?;
        return Ok(());
    }
    if !valid_address(addr) {
        return error(format!("Invalid IPv6 Address ({addr})"));
    }
    Ok(())
}
