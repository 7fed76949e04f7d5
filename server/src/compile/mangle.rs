//! The mangle file (`Tc.pm setup_tc`, `Rules.pm process_mangle_rule1`): packet and connection
//! marks (`MARK`, `CONNMARK`, `SAVE`, `RESTORE`), `CLASSIFY`, `CONTINUE`, `DROP`, `HL`, `DSCP`,
//! `TCPMSS`, `CHECKSUM`, `TOS`, `TPROXY`, `DIVERT`, `DIVERTHA` and `IPMARK` in the mangle
//! chains `tcpre`, `tcin`, `tcfor`, `tcout` and `tcpost`, or in the built-in chains themselves
//! (`:R`, and the nat table's with `:NP`, `:NI`, `:NO`, `:NT`), chosen by the chain designator,
//! by `$FW` as SOURCE or DEST, or by the action's default.
//!
//! Actions and inline actions declared with the `mangle` option are expanded as Shorewall
//! does (`process_action`, `process_mangle_inline`).
//! The other actions (ECN, IMQ, SAME, ADD/DEL, logging) are refused rather than approximated;
//! a refused record stops the compilation only after the records that follow it, whose errors
//! Shorewall would report.

use crate::model;

use super::actions::InvocationName;
use super::chains::TableId;
use super::lists::{numeric_value, split_list, split_list1};
use super::lower::{target, Compiler};
use super::matches as m;
use super::rules::{restrict, split_action, state_match};
use super::{error, unsupported, Result};

/// The mangle chains as Shorewall numbers them.
const PREROUTING: u32 = 1;
const INPUT: u32 = 2;
const FORWARD: u32 = 4;
const OUTPUT: u32 = 8;
const POSTROUTING: u32 = 16;
/// The built-in mangle chains themselves (the `R`, `NP`, `NI`, `NO` and `NT` designators and
/// the default of TPROXY and DIVERT), rather than the `tc*` chains they jump to.
const REALPREROUTING: u32 = 128;
const REALINPUT: u32 = 256;
const REALOUTPUT: u32 = 512;
const REALPOSTROUTING: u32 = 1024;
/// The chains of SAME (`sticky`, `sticko`).
const STICKY: u32 = 32;
const STICKO: u32 = 64;
/// Every chain, `sticky` and `sticko` (32, 64) included.
const ALLCHAINS: u32 = 2047;
/// The chain of an action (`ACTIONCHAIN`).
const ACTIONCHAIN: u32 = 2048;

/// Where a mangle record is (`process_mangle_rule1`'s `$chainref`).
#[derive(Debug, Clone, Copy)]
enum MangleFrom<'s> {
    /// The mangle file.
    File,
    /// The body of an action (or of an inline action it invokes): the action's chain.
    Action { chain: &'s str },
    /// The body of an inline action invoked from the mangle file: the chain it was invoked
    /// into and that chain's number.
    Inline { chain: &'s str, number: u32 },
}

/// The number of a mangle chain (`chainnumber`), ACTIONCHAIN for any other.
fn chain_number(name: &str) -> u32 {
    match name {
        "tcpre" | "PREROUTING" => PREROUTING,
        "tcin" | "INPUT" => INPUT,
        "tcfor" | "FORWARD" => FORWARD,
        "tcout" | "OUTPUT" => OUTPUT,
        "tcpost" | "POSTROUTING" => POSTROUTING,
        _ => ACTIONCHAIN,
    }
}

/// The restriction of a mangle chain (`ensure_mangle_chain`'s).
fn chain_restriction(name: &str) -> u32 {
    match name {
        "tcpre" => restrict::PREROUTE,
        "tcin" => restrict::INPUT,
        "tcout" => restrict::OUTPUT,
        "tcpost" => restrict::POSTROUTE,
        _ => restrict::NONE,
    }
}

/// The name, label and restriction of a mangle chain.
fn chain_of(number: u32) -> (&'static str, &'static str, u32) {
    match number {
        PREROUTING => ("tcpre", "PREROUTING", restrict::PREROUTE),
        INPUT => ("tcin", "INPUT", restrict::INPUT),
        FORWARD => ("tcfor", "FORWARD", restrict::NONE),
        OUTPUT => ("tcout", "OUTPUT", restrict::OUTPUT),
        // `%chainlabels` has no label for the built-in chains, and they have no restriction.
        REALPREROUTING => ("PREROUTING", "", restrict::NONE),
        REALINPUT => ("INPUT", "", restrict::NONE),
        REALOUTPUT => ("OUTPUT", "", restrict::NONE),
        REALPOSTROUTING => ("POSTROUTING", "", restrict::NONE),
        _ => ("tcpost", "POSTROUTING", restrict::POSTROUTE),
    }
}

/// The chain number of a mangle rule (`$resolve_chain`): the one its SOURCE or DEST `$FW`
/// chose, else its designator's, else its command's default, else the file's.
fn resolve_chain(chosen: u32, designator: u32, command_default: u32, file_default: u32) -> u32 {
    [chosen, designator, command_default]
        .into_iter()
        .find(|it| *it != 0)
        .unwrap_or(file_default)
}

/// A mark range rule and the columns it is built from.
struct MarkRange<'r> {
    table: TableId,
    target: &'r str,
    params: &'r str,
    chain: u32,
    prerule: &'r str,
    proto: &'r str,
    ports: &'r str,
    sports: &'r str,
    user: &'r str,
    testval: &'r str,
    length: &'r str,
    tos: &'r str,
    connbytes: &'r str,
    helper: &'r str,
    dscp: &'r str,
    headers: &'r str,
    probability: &'r str,
    state: &'r str,
    time: &'r str,
    condition: &'r str,
    raw_matches: &'r str,
    source: &'r str,
    dest: &'r str,
}

/// What an action of the mangle file accepts (`%commands`).
struct Command {
    default_chain: u32,
    allowed: u32,
    min_params: usize,
    max_params: usize,
}

fn command(name: &str) -> Option<Command> {
    let c = |default_chain, allowed, min_params, max_params| Command {
        default_chain,
        allowed,
        min_params,
        max_params,
    };
    Some(match name {
        "MARK" | "CONNMARK" => c(0, ALLCHAINS, 1, 1),
        "SAVE" | "RESTORE" => c(0, ALLCHAINS, 0, 1),
        "CONTINUE" => c(0, ALLCHAINS, 0, 0),
        "CLASSIFY" => c(POSTROUTING, POSTROUTING | FORWARD | OUTPUT, 1, 1),
        "DROP" => c(0, PREROUTING | FORWARD | OUTPUT | POSTROUTING, 0, 0),
        "HL" => c(FORWARD, PREROUTING | FORWARD, 1, 1),
        "DSCP" => c(
            POSTROUTING,
            PREROUTING | FORWARD | OUTPUT | POSTROUTING,
            1,
            1,
        ),
        "TCPMSS" => c(FORWARD, FORWARD | POSTROUTING, 0, 2),
        "CHECKSUM" => c(POSTROUTING, POSTROUTING | FORWARD | OUTPUT, 0, 0),
        "TPROXY" => c(REALPREROUTING, PREROUTING | REALPREROUTING, 0, 2),
        "DIVERT" | "DIVERTHA" => c(REALPREROUTING, PREROUTING | REALPREROUTING, 0, 0),
        "IPMARK" => c(0, ALLCHAINS, 0, 4),
        "TOS" => c(0, PREROUTING | FORWARD | OUTPUT | POSTROUTING, 1, 1),
        "TTL" => c(FORWARD, PREROUTING | FORWARD, 1, 1),
        "ADD" | "DEL" => c(PREROUTING, ALLCHAINS, 1, 1),
        "ECN" => c(POSTROUTING, ALLCHAINS, 0, 0),
        "IMQ" => c(PREROUTING, PREROUTING, 1, 1),
        "IPTABLES" | "IP6TABLES" => c(0, ALLCHAINS, 0, 1),
        "INLINE" => c(0, ALLCHAINS, 0, 0),
        "NFLOG" => c(0, ALLCHAINS, 0, 3),
        "SAME" => c(PREROUTING, PREROUTING | OUTPUT | STICKY | STICKO, 0, 1),
        _ => return None,
    })
}

impl Compiler<'_> {
    /// The records of the mangle file, after the jumps to the mangle chains (only with
    /// MANGLE_ENABLED, as Shorewall ignores the file otherwise).
    pub(crate) fn setup_mangle(&mut self) -> Result<()> {
        if !self.config.mangle_enabled {
            return Ok(());
        }
        self.setup_mangle_file()?;
        self.setup_secmarks()
    }

    /// The secmarks file (`process_secmark_rule`), after the mangle file: SECMARK and
    /// CONNSECMARK rules in the mangle chain of each record's CHAIN.
    fn setup_secmarks(&mut self) -> Result<()> {
        let records = model::read_config_records(self.model, self.env, "secmarks");
        for record in &records {
            self.enter_record_with_origin(record)?;
            let column = |idx: usize| record.column(idx).to_owned();
            let secmark = column(0);
            if secmark == "-" {
                return error("SECMARK must be specified");
            }
            for proto in split_list(&column(4), "Protocol")? {
                self.process_secmark_rule1(&secmark, &column(1), record, proto)?;
            }
        }
        self.place = None;
        self.chains.comment.clear();
        self.chains.origin.clear();
        Ok(())
    }

    /// `process_secmark_rule1`: one secmarks record for one protocol.
    fn process_secmark_rule1(
        &mut self,
        secmark: &str,
        chainin: &str,
        record: &model::ConfigRecord,
        proto: &str,
    ) -> Result<()> {
        let (source, dest) = (record.column(2), record.column(3));
        let (dport, sport, user, mark) = (
            record.column(5),
            record.column(6),
            record.column(7),
            record.column(8),
        );
        let mut parts = chainin.splitn(3, ':');
        let chain = parts.next().unwrap_or_default();
        let state = parts.next().unwrap_or_default();
        if parts.next().is_some_and(|it| !it.is_empty()) || chain.is_empty() {
            return error(format!("Invalid CHAIN:STATE ({chainin})"));
        }
        let chain1 = match chain {
            "T" => "tcpost",
            "P" => "tcpre",
            "F" => "tcfor",
            "I" => "tcin",
            "O" => "tcout",
            _ => return error(format!("Invalid or missing CHAIN ( {chain} )")),
        };
        if user != "-" && chain1 != "tcout" {
            return error("USER/GROUP may only be used in the OUTPUT chain");
        }
        let mut rule = String::new();
        if !state.is_empty() {
            let states = match state {
                "N" => "NEW",
                "I" => "INVALID",
                "U" => "UNTRACKED",
                "IU" => "INVALID,UNTRACKED",
                "NI" => "NEW,INVALID",
                "NU" => "NEW,UNTRACKED",
                "NIU" => "NEW,INVALID,UNTRACKED",
                "E" => "ESTABLISHED",
                "ER" => "ESTABLISHED,RELATED",
                _ => return error(format!("Invalid STATE ( {state} )")),
            };
            rule.push_str(&state_match(self, states));
        }
        let target = match secmark {
            "SAVE" => "CONNSECMARK --save".to_owned(),
            "RESTORE" => "CONNSECMARK --restore".to_owned(),
            _ => format!("SECMARK --selctx {secmark}"),
        };
        let disposition = target.split(' ').next().unwrap_or_default().to_owned();
        rule.push_str(&m::do_proto(
            self.names(),
            self.caps(),
            proto,
            dport,
            sport,
        )?);
        rule.push_str(&m::do_user(self.caps(), user)?);
        rule.push_str(&m::do_test(mark, self.config.tc_mask)?);
        self.chains.ensure_referenced_chain(TableId::Mangle, chain1);
        self.expand_rule(
            TableId::Mangle,
            chain1,
            chain_restriction(chain1),
            "",
            &rule,
            source,
            dest,
            "",
            &target,
            "",
            &disposition,
            "",
            false,
            "",
        )
    }

    /// The records of the mangle file.
    fn setup_mangle_file(&mut self) -> Result<()> {
        self.warn_tcrules_file();
        let records = model::read_config_records(self.model, self.env, "mangle");
        if records.is_empty() {
            return Ok(());
        }
        // A record the preview refuses stops the compilation only after the records that
        // follow it: Shorewall may reject one of them, and `check` must show that error.
        let mut refused: Option<(Option<(std::path::PathBuf, u32)>, super::Fatal)> = None;
        for record in &records {
            self.enter_record_with_origin(record)?;
            let column = |idx: usize| record.column(idx).to_owned();
            let columns: Vec<String> = (0..18).map(column).collect();
            let raw = record.raw_matches_prefix();
            for proto in split_list(&columns[3], "Protocol")? {
                match self.process_mangle_rule1(&columns, proto, &raw, MangleFrom::File) {
                    Err(fatal) if fatal.kind == super::FatalKind::Unsupported => {
                        refused.get_or_insert((self.place.clone(), fatal));
                        break;
                    }
                    other => other?,
                }
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

    /// `process_mangle_rule1`: one record of the mangle file or of a body, for one protocol.
    fn process_mangle_rule1(
        &mut self,
        cols: &[String],
        proto: &str,
        raw: &str,
        from: MangleFrom<'_>,
    ) -> Result<()> {
        let col = |idx: usize| cols.get(idx).map_or("-", String::as_str);
        let (mut source, mut dest) = (col(1).to_owned(), col(2).to_owned());
        let (ports, sports, user, testval) = (col(4), col(5), col(6), col(7));
        let mut ports = ports.to_owned();
        let (headers, probability, state, time, condition) =
            (col(12), col(13), col(15), col(16), col(17));
        let (length, connbytes, dscp) = (col(8), col(10), col(14));
        let (tos, helper) = (col(9), col(11));
        let (cmd, designator_text) = split_action(col(0))?;
        if !designator_text.is_empty() && matches!(from, MangleFrom::Action { .. }) {
            return error("A chain designator may not be specified in an action body");
        }
        let designator = match designator_text.as_str() {
            "" => 0,
            "P" => PREROUTING,
            "I" => INPUT,
            "F" => FORWARD,
            "O" => OUTPUT,
            "T" => POSTROUTING,
            "R" | "NP" => REALPREROUTING,
            "NI" => REALINPUT,
            "NO" => REALOUTPUT,
            "NT" => REALPOSTROUTING,
            other => return error(format!("Invalid chain designator ( {other} )")),
        };
        let nat_table = designator_text.starts_with('N');
        if nat_table {
            // `^(?:(?:(?:CONN)MARK)|SAVE|RESTORE)[(]?`: plain MARK does not match.
            if !["CONNMARK", "SAVE", "RESTORE"]
                .iter()
                .any(|it| cmd.starts_with(it))
            {
                return error("Only MARK, CONNMARK, SAVE and RESTORE may be used in the nat table");
            }
            if !self.caps().has("MARK_ANYWHERE") {
                return error(format!(
                    "The {designator_text} designator requires Mark in the filter and nat tables in your kernel and iptables"
                ));
            }
        }
        let (mut cmd, mut params) = super::nat::target_param1(&cmd);
        // An action or inline action of the catalog is a command of its own (`$actionref`,
        // `$inlineref`); any other target that is no mangle command is invalid here.
        let user_action = self.actions.contains_key(&cmd);
        let command = match command(&cmd) {
            Some(command) => command,
            None if user_action => Command {
                default_chain: 0,
                allowed: ALLCHAINS,
                min_params: 0,
                max_params: 16,
            },
            None => return error(format!("Invalid ACTION ({cmd})")),
        };
        // INLINE's target is in its parameter or after `-j` in the `;;` matches
        // (`handle_inline`); the command stays INLINE's.
        let mut inline_target = None;
        let mut raw = raw.to_owned();
        if cmd == "INLINE" {
            match raw
                .rfind("-j ")
                .filter(|at| *at == 0 || raw[..*at].ends_with(char::is_whitespace))
            {
                Some(at) if raw.ends_with(' ') && !raw[at + 3..].trim().is_empty() => {
                    let action = raw[at + 3..].trim_start().trim_end_matches(' ').to_owned();
                    let tgt = action.split_whitespace().next().unwrap_or_default();
                    match self.builtin_target_in_mangle(tgt) {
                        None => return error(format!("Unknown jump target ({action})")),
                        Some(false) => {
                            return error(format!(
                                "The {tgt} TARGET is not allowed in the mangle table"
                            ))
                        }
                        Some(true) => {}
                    }
                    if !params.is_empty() {
                        return error("INLINE may not have a parameter when '-j' is specified in the free-form area");
                    }
                    raw.truncate(at);
                    inline_target = Some(action);
                }
                _ => {
                    if params.is_empty() {
                        inline_target = Some(String::new());
                    } else {
                        let (action, _level) = split_action(&params)?;
                        (cmd, params) = super::nat::target_param1(&action);
                        inline_target = Some(action);
                    }
                }
            }
        }
        let raw = raw.as_str();
        let (prerule, raw_matches) = match raw.trim_start_matches('s').strip_prefix('+') {
            Some(rest) => (rest.to_owned(), String::new()),
            None => (String::new(), raw.to_owned()),
        };
        let fw = self.topo.firewall.clone();
        // In a body, the chain's number (`chainnumber`, ACTIONCHAIN for an action's chain).
        let mut chain = match from {
            MangleFrom::File => 0,
            MangleFrom::Action { .. } => ACTIONCHAIN,
            MangleFrom::Inline { number, .. } => number,
        };
        if source != "-" {
            let stripped = source.strip_prefix(&format!("{fw}:")).map(str::to_owned);
            if source == fw || stripped.is_some() {
                if designator != 0 && designator & (OUTPUT | REALOUTPUT) == 0 {
                    return error("Rules with SOURCE $FW must use the OUTPUT chain");
                }
                chain = if designator != 0 { designator } else { OUTPUT };
                source = stripped.unwrap_or_else(|| "-".to_owned());
            }
        }
        if dest != "-" {
            let stripped = dest.strip_prefix(&format!("{fw}:")).map(str::to_owned);
            if dest == fw || stripped.is_some() {
                if designator != 0 && designator != INPUT {
                    return error("Rules with DEST $FW must use the INPUT chain");
                }
                chain = INPUT;
                dest = stripped.unwrap_or_else(|| "-".to_owned());
            }
        }
        let default_chain = if self.config.mark_in_forward_chain {
            FORWARD
        } else {
            PREROUTING
        };
        let params_list = if params.is_empty() {
            Vec::new()
        } else {
            split_list1(&params, "parameter")?
        };
        if params_list.len() > command.max_params {
            return error(if command.max_params == 1 {
                format!("The {cmd} ACTION only accepts one parmeter")
            } else {
                format!(
                    "The {cmd} ACTION only accepts {} parmeters",
                    command.max_params
                )
            });
        }
        if params_list.len() < command.min_params {
            return error(if command.max_params == 1 {
                format!("The {cmd} requires a parameter")
            } else {
                format!(
                    "The {cmd} ACTION requires at least {} parmeters",
                    command.max_params
                )
            });
        }
        if state != "-" {
            let mut seen = Vec::new();
            for one in split_list(state, "state")? {
                if !matches!(
                    one,
                    "NEW" | "RELATED" | "ESTABLISHED" | "UNTRACKED" | "INVALID"
                ) {
                    return error(format!("Invalid STATE ({one})"));
                }
                if seen.contains(&one) {
                    return error(format!("Duplicate STATE ({one})"));
                }
                seen.push(one);
            }
        }
        // The `N` designators put the rule into the nat table's built-in chain.
        let table = if nat_table {
            TableId::Nat
        } else {
            TableId::Mangle
        };
        if params.contains('-') && matches!(cmd.as_str(), "MARK" | "CONNMARK" | "SAVE" | "RESTORE")
        {
            if params.starts_with(['|', '&']) {
                return error("'|' and '&' may not be used with a mark range");
            }
            if cmd != "MARK" && cmd != "CONNMARK" {
                return error(format!("A mark range is is not allowed with ACTION {cmd}"));
            }
            if chain == ACTIONCHAIN {
                // Shorewall looks the action's chain up by a number it has no name for.
                return unsupported(
                    "A mark range in an action of the mangle file is not supported by the preview",
                );
            }
            let chain = resolve_chain(chain, designator, command.default_chain, default_chain);
            let range = MarkRange {
                table,
                target: &cmd,
                params: &params,
                chain,
                prerule: &prerule,
                proto,
                ports: &ports,
                sports,
                user,
                testval,
                length,
                tos,
                connbytes,
                helper,
                dscp,
                headers,
                probability,
                state,
                time,
                condition,
                raw_matches: &raw_matches,
                source: &source,
                dest: &dest,
            };
            return self.mangle_mark_range(&range);
        }
        // An action's `proto=` option is the invocation's protocol.
        let mut action_proto = None;
        let mut classify_device: Option<String> = None;
        // SAME's timeout (`$ttl`), which `handle_stickiness` reads from its rules.
        let mut same_ttl = None;
        let mut usergenerated = false;
        let mut exceptionrule = "";
        let mut matches = "";
        let mut tcp_flags = "";
        let mut policy = "";
        let mut command = command;
        let mut action_target = None;
        if user_action {
            if self.action_table(&cmd) != TableId::Mangle {
                return error(format!("Action {cmd} may not be used in the mangle file"));
            }
            let kind = self.actions.get(&cmd).map_or(0, |it| it.kind);
            if kind & target::INLINE != 0 {
                // `process_mangle_inline`, into the chain of the invocation.
                let (into, inner) = match from {
                    MangleFrom::File => {
                        let chain =
                            resolve_chain(chain, designator, command.default_chain, default_chain);
                        let name = chain_of(chain).0;
                        self.chains.ensure_chain(TableId::Mangle, name);
                        (name.to_owned(), None)
                    }
                    MangleFrom::Action { chain } => (chain.to_owned(), Some(from)),
                    MangleFrom::Inline { chain, .. } => (chain.to_owned(), None),
                };
                let mut invocation = cols.to_vec();
                invocation.resize_with(18, || "-".to_owned());
                invocation[1] = source.clone();
                invocation[2] = dest.clone();
                invocation[4] = ports.clone();
                let from = inner.unwrap_or(MangleFrom::Inline {
                    chain: &into,
                    number: chain_number(&into),
                });
                return self.process_mangle_inline(&cmd, &params, &invocation, proto, from);
            }
            let resolved = self.determine_action_protocol(&cmd, proto)?;
            if resolved != "-" {
                ports = self.determine_action_dport(&cmd, &resolved, &ports)?;
            }
            action_proto = Some(resolved);
            let mut normalized = self.normalize_action(&cmd, "", &params);
            if self.active.get(&cmd).copied().unwrap_or(0) > 0 {
                let stack: Vec<String> = self
                    .actionstack
                    .iter()
                    .chain(std::iter::once(&normalized))
                    .map(|it| super::actions::external_name(it))
                    .collect();
                return error(format!(
                    "Action {cmd} invoked Recursively ({})",
                    stack.join("->")
                ));
            }
            let name = match self.use_action_in(TableId::Mangle, &normalized)? {
                Some(created) => {
                    if let Some(it) = self.chains.get_mut(TableId::Mangle, &created) {
                        it.allowedchains = ALLCHAINS | REALPREROUTING | ACTIONCHAIN;
                    }
                    // The caller is the chain that SOURCE or DEST `$FW` chose, if any.
                    let caller = if chain == 0 || chain == ACTIONCHAIN {
                        ""
                    } else {
                        chain_of(chain).0
                    };
                    self.process_mangle_action(&mut normalized, &created, caller)?;
                    created
                }
                None => self
                    .usedactions
                    .get(&normalized)
                    .cloned()
                    .unwrap_or_default(),
            };
            command.allowed = self
                .chains
                .get(TableId::Mangle, &name)
                .map_or(0, |it| it.allowedchains);
            action_target = Some(name);
        }
        let mut proto = if let Some(action_proto) = &action_proto {
            action_proto.as_str()
        } else {
            proto
        };
        let target = match cmd.as_str() {
            _ if action_target.is_some() => action_target.clone().unwrap_or_default(),
            _ if inline_target.is_some() => inline_target.clone().unwrap_or_default(),
            "MARK" => self.mangle_mark("MARK", "", &params, false)?,
            "CONNMARK" => self.mangle_mark("CONNMARK", "", &params, false)?,
            "SAVE" | "RESTORE" => {
                let option = if cmd == "SAVE" {
                    "--save-mark --mask"
                } else {
                    "--restore-mark --mask"
                };
                if params.is_empty() {
                    format!("CONNMARK {option} {:#x}", self.config.tc_mask)
                } else {
                    self.mangle_mark("CONNMARK", option, &params, true)?
                }
            }
            "CONTINUE" => "RETURN".to_owned(),
            "CHECKSUM" => "CHECKSUM --checksum-fill".to_owned(),
            "DSCP" => {
                if !self.caps().has("DSCP_TARGET") {
                    return error(
                        "The DSCP action requires DSCP Target in your kernel and iptables",
                    );
                }
                match dscp_value(&params).filter(|it| *it <= 0x38 && it & 1 == 0) {
                    Some(value) => format!("DSCP --set-dscp {value:#x}"),
                    None => return error(format!("Invalid DSCP ({params})")),
                }
            }
            "TCPMSS" => {
                if proto == "-" {
                    proto = "6";
                } else if proto != "6" && proto != "tcp" {
                    return error("TCPMSS only valid with TCP");
                }
                tcp_flags = "--tcp-flags SYN,RST SYN ";
                let (mss, ipsec) = match params.split_once(',') {
                    Some((mss, ipsec)) => (mss, ipsec),
                    None => (params.as_str(), ""),
                };
                let mut target = match mss {
                    "" => "TCPMSS --clamp-mss-to-pmtu".to_owned(),
                    "pmtu" => "TCPMSS --clamp-mss-to-pmtu".to_owned(),
                    _ => match numeric_value(mss).filter(|it| (500..65534).contains(it)) {
                        Some(value) => format!("TCPMSS --set-mss {value}"),
                        None => return error(format!("Invalid MSS ({mss})")),
                    },
                };
                match ipsec {
                    "" | "all" => {}
                    "-" | "none" => policy = "-m policy --pol none --dir out ",
                    "ipsec" => policy = "-m policy --pol ipsec --dir out ",
                    other => return error(format!("Invalid ipsec parameter ({other})")),
                }
                target.push(' ');
                target
            }
            "DROP" => "DROP".to_owned(),
            "TPROXY" => {
                if !self.caps().has("TPROXY_TARGET") {
                    return error(
                        "Use of TPROXY requires TPROXY Target in your kernel and iptables",
                    );
                }
                let (port, ip) = match params.split_once(',') {
                    Some((port, ip)) => (port, Some(ip)),
                    None => (params.as_str(), None),
                };
                let port = if truthy(port) {
                    m::validate_port(self.names(), "tcp", port)?
                } else {
                    "0".to_owned()
                };
                let mark = self.mark_layout().tproxy_mark;
                let mut target = format!("TPROXY --on-port {port}");
                if let Some(ip) = ip.filter(|it| !it.is_empty()) {
                    let ip = if let Some(inner) = ip
                        .strip_prefix('[')
                        .and_then(|it| it.strip_suffix(']'))
                        .or_else(|| ip.strip_prefix('<').and_then(|it| it.strip_suffix('>')))
                    {
                        inner.to_owned()
                    } else if let Some((inner, vlsm)) = ip
                        .strip_prefix('[')
                        .and_then(|it| it.rsplit_once("]/"))
                        .filter(|(_, vlsm)| {
                            !vlsm.is_empty() && vlsm.bytes().all(|b| b.is_ascii_digit())
                        })
                    {
                        format!("{inner}/{vlsm}")
                    } else {
                        ip.to_owned()
                    };
                    // `validate_address( $ip, 1 )`: a name would be looked up.
                    if !super::addresses::valid_address(&ip) {
                        return error(format!("Unknown Host ({ip})"));
                    }
                    target.push_str(&format!(" --on-ip {ip}"));
                }
                target.push_str(&format!(" --tproxy-mark {mark:#x}/{mark:#x}"));
                exceptionrule = "-p tcp ";
                target
            }
            "DIVERT" | "DIVERTHA" => {
                let allowed = if cmd == "DIVERT" {
                    [PREROUTING, REALPREROUTING]
                } else {
                    [PREROUTING, PREROUTING]
                };
                if designator != 0 && !allowed.contains(&designator) {
                    return error(format!("{cmd} is only allowed in the PREROUTING chain"));
                }
                let mark = self.mark_layout().tproxy_mark;
                if !self.chains.exists(TableId::Mangle, "divert") {
                    self.chains.ensure_chain(TableId::Mangle, "divert");
                    self.chains.add_rule(
                        TableId::Mangle,
                        "divert",
                        &format!("-j MARK --set-mark {mark:#x}/{mark:#x}"),
                        false,
                    )?;
                    self.chains
                        .add_rule(TableId::Mangle, "divert", "-j ACCEPT", false)?;
                }
                matches = if cmd == "DIVERT" {
                    "! --tcp-flags FIN,SYN,RST,ACK SYN  -m socket --transparent "
                } else {
                    "-m socket "
                };
                "divert".to_owned()
            }
            "IPMARK" => {
                if !self.caps().has("IPMARK_TARGET") {
                    return error("IPMARK requires IPMARK Target in your kernel and iptables");
                }
                ipmark_target(&params)?
            }
            "TOS" => format!("TOS {}", self.set_tos(&params)?),
            "TTL" => return error("TTL is not supported in IPv6 - use HL instead"),
            "ECN" => return error("The ECN target is only available with IPv4"),
            "IPTABLES" => return error("Invalid ACTION (IPTABLES)"),
            "IMQ" => {
                if !self.caps().has("IMQ_TARGET") {
                    return error("IMQ requires IMQ Target in your kernel and iptables");
                }
                match numeric_value(&params) {
                    Some(number) => format!("IMQ --todev {number}"),
                    None => return error(format!("Invalid IMQ number ({params})")),
                }
            }
            "ADD" | "DEL" => {
                if !self.caps().has("IPSET_MATCH") {
                    return error(format!(
                        "{cmd} rules require Ipset Match in your kernel and iptables"
                    ));
                }
                return unsupported(format!(
                    "{cmd} in the mangle file is not supported by the preview yet"
                ));
            }
            "NFLOG" => super::log::validate_level(&format!("NFLOG({params})"))?,
            "IP6TABLES" => {
                // A target given as ip6tables writes it (`usergenerated`).
                let tgt = params.split_whitespace().next().unwrap_or("");
                let Some(mangle) = self.builtin_target_in_mangle(tgt) else {
                    return error(format!("Unknown target ({tgt})"));
                };
                if !mangle {
                    return error(format!(
                        "The {tgt} TARGET is not allowed in the mangle table"
                    ));
                }
                usergenerated = true;
                params.clone()
            }
            "SAME" => {
                if matches!(from, MangleFrom::Action { .. }) {
                    return unsupported(
                        "SAME in an action of the mangle file is not supported by the preview",
                    );
                }
                // The chain as SOURCE or DEST `$FW` chose it, before the designator.
                let target = if chain == OUTPUT { "sticko" } else { "sticky" };
                self.chains.ensure_referenced_chain(TableId::Mangle, target);
                let ttl = if params.is_empty() {
                    300
                } else {
                    match numeric_value(&params).filter(|it| *it != 0) {
                        Some(ttl) => ttl,
                        None => return error("The SAME timeout must be positive"),
                    }
                };
                same_ttl = Some(ttl);
                target.to_owned()
            }
            "CLASSIFY" => {
                let class = params
                    .split_once(':')
                    .filter(|(a, b)| hex_digits(a) && hex_digits(b));
                let Some((major, minor)) = class else {
                    return error(format!("Valid class ID expected ({params})"));
                };
                let classid = format!("{}:{}", normalize_hex(major), normalize_hex(minor));
                if matches!(self.config.tc_enabled.as_str(), "Internal" | "Shared") {
                    // The classes of tcclasses, by `devnum:classnum` (`%classids`).
                    let number = u64::from_str_radix(minor, 16).unwrap_or(u64::MAX);
                    let Some(class) = self.complex_tc().class(&classid, number) else {
                        return error(format!("Unknown Class ({params})"));
                    };
                    if class.redirected {
                        return error("IFB Classes may not be specified in tcrules");
                    }
                    if !class.leaf {
                        self.warn_at_place(format!("Non-leaf Class ({params}) - tcrule ignored"));
                        return Ok(());
                    }
                    let device = class.device.to_owned();
                    if dest == "-" {
                        dest = device.clone();
                    } else if !dest.starts_with(|c: char| c.is_ascii_alphabetic()) {
                        dest = format!("{device}:{dest}");
                    }
                    classify_device = Some(device);
                }
                format!("CLASSIFY --set-class {classid}")
            }
            _ => hop_limit(&params)?,
        };
        let (table, chain_name, restriction) = match from {
            MangleFrom::File => {
                chain = resolve_chain(chain, designator, command.default_chain, default_chain);
                let (chain_name, label, restriction) = chain_of(chain);
                if command.allowed & chain == 0 {
                    return error(format!("{cmd} rules are not allowed in the {label} chain"));
                }
                if chain & (OUTPUT | POSTROUTING | REALOUTPUT | REALPOSTROUTING) == 0 && user != "-"
                {
                    return error("A USER/GROUP may only be specified when the SOURCE is $FW");
                }
                (table, chain_name, restriction)
            }
            MangleFrom::Action { chain: name } if chain == ACTIONCHAIN => {
                // The action's chain narrows where the action may be invoked.
                let Some(action_chain) = self.chains.get_mut(TableId::Mangle, name) else {
                    return error(format!("Unknown chain ({name})"));
                };
                if command.allowed & action_chain.allowedchains == 0 {
                    return error(format!("{cmd} rules are not allowed in the  chain"));
                }
                action_chain.allowedchains &= command.allowed;
                if user != "-" {
                    action_chain.allowedchains &= OUTPUT | POSTROUTING;
                }
                (TableId::Mangle, name, restrict::NONE)
            }
            MangleFrom::Action { chain: name } | MangleFrom::Inline { chain: name, .. } => {
                let label = chain_of(chain).1;
                if command.allowed & chain == 0 {
                    return error(format!("{cmd} rules are not allowed in the {label} chain"));
                }
                if chain != OUTPUT && chain != POSTROUTING && user != "-" {
                    return error("A USER/GROUP may only be specified when the SOURCE is $FW");
                }
                let restriction = if matches!(from, MangleFrom::Inline { .. }) {
                    chain_restriction(name)
                } else {
                    restrict::NONE
                };
                (TableId::Mangle, name, restriction)
            }
        };
        if same_ttl.is_some() && self.names_an_interface(&dest) {
            // DESTIFACE_DISALLOW, as `verify_dest_interface` words it for the chain.
            if restriction & restrict::PREROUTE != 0 {
                return error("A DEST interface is not permitted in the PREROUTING chain");
            }
            let interface = dest.trim_start_matches('!');
            let interface = interface.split(':').next().unwrap_or_default();
            return error(format!(
                "Destination Interface ({interface}) not allowed in the mangle OUTPUT chain"
            ));
        }
        self.chains.ensure_chain(table, chain_name);
        let before = self
            .chains
            .get(table, chain_name)
            .map_or(0, |it| it.rules.len());
        let mut rule = m::do_proto(self.names(), self.caps(), proto, &ports, sports)?;
        rule.push_str(tcp_flags);
        rule.push_str(policy);
        rule.push_str(matches);
        rule.push_str(&m::do_user(self.caps(), user)?);
        rule.push_str(&m::do_test(testval, self.config.tc_mask)?);
        rule.push_str(&do_length(self.caps(), length)?);
        rule.push_str(&self.do_tos(tos)?);
        rule.push_str(&do_connbytes(connbytes)?);
        rule.push_str(&self.do_helper(helper)?);
        rule.push_str(&m::do_headers(headers)?);
        rule.push_str(&self.do_probability(probability)?);
        rule.push_str(&do_dscp(self.caps(), dscp)?);
        rule.push_str(&state_match_column(self, state));
        rule.push_str(&m::do_time(time)?);
        rule.push_str(&m::do_condition(self.caps(), condition, chain_name)?);
        rule.push_str(&raw_matches);
        let target = target.split_whitespace().collect::<Vec<_>>().join(" ");
        self.expand_rule(
            table,
            chain_name,
            restriction,
            &prerule,
            &rule,
            &source,
            &dest,
            "",
            &target,
            "",
            &target,
            exceptionrule,
            usergenerated,
            "",
        )?;
        if let (Some(ttl), Some(chain)) = (same_ttl, self.chains.get_mut(table, chain_name)) {
            for rule in chain.rules.iter_mut().skip(before) {
                rule.matches
                    .push(super::ir::Match::new("t", ttl.to_string()));
            }
        }
        if let Some(device) = classify_device {
            // `expand_rule`: the DEST interface must be the class's device.
            let interface = dest.split(':').next().unwrap_or("");
            if dest.starts_with(|c: char| c.is_ascii_alphabetic()) && interface != device {
                return error(format!(
                    "Class Id {params} is not associated with device {interface}"
                ));
            }
        }
        Ok(())
    }

    /// `process_action` for an action of the mangle file: its body's records, as mangle
    /// records of the action's chain.
    fn process_mangle_action(
        &mut self,
        normalized: &mut str,
        chain: &str,
        caller: &str,
    ) -> Result<()> {
        let name = InvocationName::parse(normalized);
        self.within_action(&name, &name.param, normalized, chain, caller, |this| {
            this.mangle_body(&name.action, None, "-", MangleFrom::Action { chain })
        })
    }

    /// `process_mangle_inline`: an inline action's body expanded as mangle records of the
    /// chain it is invoked into, with the invocation's columns merged in.
    fn process_mangle_inline(
        &mut self,
        inline: &str,
        params: &str,
        invocation: &[String],
        proto: &str,
        from: MangleFrom<'_>,
    ) -> Result<()> {
        let chain = match from {
            MangleFrom::Action { chain } | MangleFrom::Inline { chain, .. } => chain,
            MangleFrom::File => "",
        };
        let old = self.push_action_params(inline, chain, params, "none", "", chain)?;
        let result = self.mangle_body(inline, Some(invocation), proto, from);
        self.actparams = old;
        result
    }

    /// The records of an action body in the mangle file; for an inline action merged with
    /// the `invocation`'s columns (its USER aside: Shorewall merges the body's with itself).
    fn mangle_body(
        &mut self,
        action: &str,
        invocation: Option<&[String]>,
        proto: &str,
        from: MangleFrom<'_>,
    ) -> Result<()> {
        self.each_body_line(action, |this, line| {
            let mut cols = line.columns.clone();
            cols.resize_with(18, || "-".to_owned());
            if cols[0] == "-" {
                return error("ACTION must be specified");
            }
            if let Some(invocation) = invocation {
                let inv = |idx: usize| invocation.get(idx).map_or("-", String::as_str);
                for idx in [1, 2] {
                    if cols[idx] == "-" {
                        cols[idx] = inv(idx).to_owned();
                    }
                }
                if cols[3] == "-" {
                    cols[3] = proto.to_owned();
                }
                for idx in (4..18).filter(|it| *it != 6) {
                    cols[idx] = super::actions::merge_column(&cols[idx], inv(idx));
                }
            }
            let raw = line
                .raw_matches
                .as_ref()
                .map(|it| format!("{it} "))
                .unwrap_or_default();
            for proto in split_list(&cols[3].clone(), "Protocol")? {
                this.process_mangle_rule1(&cols, proto, &raw, from)?;
            }
            Ok(())
        })
    }

    /// A mark range (`MARK(1-3)`): one rule per mark, each taking every Nth packet
    /// (`$handle_mark_param`).
    fn mangle_mark_range(&mut self, range: &MarkRange<'_>) -> Result<()> {
        let (mark, mark2) = range.params.split_once('-').unwrap_or((range.params, ""));
        let first = self.validate_mark(mark)?;
        if mark.contains('/') {
            return error(format!("Invalid mark range ({mark}-{mark2})"));
        }
        let last = self.validate_mark(mark2)?;
        if first >= last {
            return error(format!("Invalid mark range ({mark}-{mark2})"));
        }
        if !self.caps().has("STATISTIC_MATCH") {
            return error("A mark range requires Statistic Match in your kernel and iptables");
        }
        let mask = match mark2.split_once('/') {
            Some((_, mask)) => numeric_value(mask).unwrap_or(0),
            None => self.config.tc_mask as i64,
        };
        if mask <= 0 {
            return error(format!("Invalid mark range ({mark}-{mark2})"));
        }
        let shift = mask.trailing_zeros();
        let increment = 1i64 << shift;
        let marks = ((last - first) >> shift) + 1;
        let (chain_name, _, restriction) = chain_of(range.chain);
        self.chains.ensure_chain(range.table, chain_name);
        let mut value = first;
        for packet in 0..marks {
            let mut rule = m::do_proto(
                self.names(),
                self.caps(),
                range.proto,
                range.ports,
                range.sports,
            )?;
            rule.push_str(&format!(
                "-m statistic --mode nth --every {marks} --packet {packet} "
            ));
            rule.push_str(&m::do_user(self.caps(), range.user)?);
            rule.push_str(&m::do_test(range.testval, mask as u64)?);
            rule.push_str(&do_length(self.caps(), range.length)?);
            rule.push_str(&self.do_tos(range.tos)?);
            rule.push_str(&do_connbytes(range.connbytes)?);
            rule.push_str(&self.do_helper(range.helper)?);
            rule.push_str(&m::do_headers(range.headers)?);
            rule.push_str(&self.do_probability(range.probability)?);
            rule.push_str(&do_dscp(self.caps(), range.dscp)?);
            rule.push_str(&m::do_time(range.time)?);
            rule.push_str(&m::do_condition(self.caps(), range.condition, chain_name)?);
            rule.push_str(&state_match_column(self, range.state));
            rule.push_str(range.raw_matches);
            let target = format!("{} --set-mark {value:#x}/{mask:#x}", range.target);
            self.expand_rule(
                range.table,
                chain_name,
                restriction,
                range.prerule,
                &rule,
                range.source,
                range.dest,
                "",
                &target,
                "",
                range.target,
                "",
                false,
                "",
            )?;
            value += increment;
        }
        Ok(())
    }

    /// Whether `name` is a builtin target (`%builtin_target`, with the actions declared
    /// `builtin`), and whether the mangle table takes it.
    fn builtin_target_in_mangle(&self, name: &str) -> Option<bool> {
        const MANGLE: [&str; 33] = [
            "ACCEPT",
            "ACCOUNT",
            "AUDIT",
            "CHECKSUM",
            "CLASSIFY",
            "CLUSTERIP",
            "CONNMARK",
            "CONNSECMARK",
            "DHCPMAC",
            "DROP",
            "DSCP",
            "ECN",
            "HL",
            "IPMARK",
            "LOG",
            "LOGMARK",
            "MARK",
            "NFLOG",
            "NFQUEUE",
            "RATEEST",
            "RETURN",
            "SECMARK",
            "SET",
            "STEAL",
            "SYSRQ",
            "TARPIT",
            "TCPMSS",
            "TCPOPTSTRIP",
            "TEE",
            "TOS",
            "TPROXY",
            "TTL",
            "ULOG",
        ];
        const OTHER: [&str; 20] = [
            "CHAOS",
            "COUNT",
            "CT",
            "DELUDE",
            "DNAT",
            "DNETMAP",
            "ECHO",
            "IDLETIMER",
            "MASQUERADE",
            "MIRROR",
            "NETMAP",
            "NOTRACK",
            "QUEUE",
            "RAWDNAT",
            "RAWSNAT",
            "REDIRECT",
            "REJECT",
            "SAME",
            "SNAT",
            "TRACE",
        ];
        // An action declared `builtin` (`USERBUILTIN`): the mangle table with `mangle`.
        let declared = self
            .model
            .catalog
            .actions
            .iter()
            .find(|def| def.name == name && def.options.iter().any(|it| it == "builtin"));
        if let Some(def) = declared {
            let mangle = def.options.iter().any(|it| it == "mangle");
            return Some(mangle || MANGLE.contains(&name));
        }
        if MANGLE.contains(&name) {
            return Some(true);
        }
        OTHER.contains(&name).then_some(false)
    }

    /// `decode_tos( $params, 2 )`: the TOS action's ` --set-tos value[/mask] `.
    fn set_tos(&mut self, tos: &str) -> Result<String> {
        if tos == "-" {
            return error("Invalid TOS() parameter (-)");
        }
        let (value, mask) = self.tos_value(tos, "Invalid TOS() parameter")?;
        Ok(match mask.filter(|it| *it != 0) {
            Some(mask) => format!(" --set-tos {value:#x}/{mask:#x} "),
            None => format!(" --set-tos {value:#x} "),
        })
    }

    /// `do_tos` (`decode_tos( $tos, 0 )`): the TOS column, `-m tos --tos value[/mask]`.
    fn do_tos(&mut self, tos: &str) -> Result<String> {
        if tos == "-" {
            return Ok(String::new());
        }
        let (value, mask) = self.tos_value(tos, "Invalid TOS column value")?;
        if let Some(mask) = mask {
            if value & mask == 0 {
                self.warn_at_place(format!("Unmatchable TOS ({tos})"));
            }
        }
        Ok(match mask.filter(|it| *it != 0) {
            Some(mask) => format!("-m tos --tos {value:#x}/{mask:#x} "),
            None => format!("-m tos --tos {value:#x} "),
        })
    }

    /// `decode_tos`'s value and mask (none for a TOS name, or without NEW_TOS_MATCH).
    fn tos_value(&self, tos: &str, invalid: &str) -> Result<(i64, Option<i64>)> {
        let new_match = self.caps().has("NEW_TOS_MATCH");
        // `Some(None)`: a mask that is not a number.
        let split = tos
            .rsplit_once('/')
            .filter(|(a, b)| !a.is_empty() && !b.is_empty());
        let (value, mask) = match split {
            Some((value, mask)) => {
                if !new_match {
                    return error("A mask requires New tos Match in your kernel and iptables");
                }
                (numeric_value(value), Some(numeric_value(mask)))
            }
            None => match numeric_value(tos) {
                Some(value) => (Some(value), new_match.then_some(Some(0xff))),
                None => {
                    let named = match tos {
                        "Minimize-Delay" => Some(0x10),
                        "Maximize-Throughput" => Some(0x08),
                        "Maximize-Reliability" => Some(0x04),
                        "Minimize-Cost" => Some(0x02),
                        "Normal-Service" => Some(0x00),
                        _ => None,
                    };
                    (named, None)
                }
            },
        };
        let valid_mask = match mask {
            None => true,
            Some(mask) => mask.is_some_and(|it| it <= 0xff),
        };
        match value.filter(|it| *it <= 0xff && valid_mask) {
            Some(value) => Ok((value, mask.flatten())),
            None => error(format!("{invalid} ({tos})")),
        }
    }

    /// The target of MARK, CONNMARK, SAVE(mask) and RESTORE(mask) (`$handle_mark_param`).
    fn mangle_mark(&self, target: &str, option: &str, params: &str, small: bool) -> Result<String> {
        let (and_or, params) = match params.strip_prefix('|') {
            Some(rest) => ("|", rest),
            None => match params.strip_prefix('&') {
                Some(rest) => ("&", rest),
                None => ("", params),
            },
        };
        let layout = self.mark_layout();
        // SAVE and RESTORE take a small mark, a high one with TC_EXPERT.
        if small && !layout.tc_expert {
            // `verify_small_mark` validates the count of its arguments (1) rather than the
            // mark, then compares the whole mark with the largest small mark (`SMALL_MAX`).
            let small_max = match layout.provider_offset {
                0 => layout.tc_mask,
                offset => (0xffff_ffffu64 >> (32 - offset.min(32))) as i64,
            };
            let value = numeric_value(params).unwrap_or(0);
            if value > small_max {
                return error(format!("Mark value ({params}) too large"));
            }
        } else {
            self.validate_mark(params)?;
        }
        if layout.provider_offset > 0 && !self.caps().has("FWMARK_RT_MASK") {
            return unsupported(
                "Marks in the mangle file with PROVIDER_OFFSET and without FWMARK_RT_MASK are not supported by the preview yet",
            );
        }
        let option = if !option.is_empty() {
            option
        } else if and_or == "|" {
            "--or-mark"
        } else if and_or == "&" {
            "--and-mark"
        } else {
            "--set-mark"
        };
        Ok(format!("{target} {option} {params}"))
    }

    /// `validate_mark` with the mark layout (provider and user marks, TC_EXPERT): the value of
    /// the mark (before any `/mask`).
    fn validate_mark(&self, mark: &str) -> Result<i64> {
        if mark.is_empty() {
            return error("Missing MARK");
        }
        let parts: Vec<&str> = mark.split('/').collect();
        if mark.contains('/') && parts.len() != 2 {
            return error(format!("Invalid MARK ({mark})"));
        }
        let layout = self.mark_layout();
        for part in parts {
            super::providers::verify_mark(&layout, part)?;
        }
        Ok(numeric_value(mark.split('/').next().unwrap_or("")).unwrap_or(0))
    }
}

/// Perl's truth of a string: false when empty or `0`.
fn truthy(text: &str) -> bool {
    !text.is_empty() && text != "0"
}

/// The IPMARK target: `[src|dst[,and-mask[,or-mask[,shift]]]]`.
fn ipmark_target(params: &str) -> Result<String> {
    let (mut addr, mut and_mask, mut or_mask, mut shift) = (
        "src".to_owned(),
        "255".to_owned(),
        "0".to_owned(),
        "0".to_owned(),
    );
    if !params.is_empty() {
        // Perl's `split ','` drops trailing empty fields.
        let fields: Vec<&str> = params.trim_end_matches(',').split(',').collect();
        let field = |idx: usize| fields.get(idx).copied();
        if field(4).is_some_and(truthy) {
            return error(format!("Invalid IPMARK parameters ({params})"));
        }
        let sd = field(0).unwrap_or("");
        if sd != "src" && sd != "dst" {
            return error(format!("Invalid IPMARK parameter ({sd})"));
        }
        addr = sd.to_owned();
        if let Some(m1) = field(1).filter(|it| !it.is_empty()) {
            match numeric_value(m1).filter(|it| *it != 0 && *it <= 0xffff_ffff) {
                Some(value) => and_mask = format!("{:#x}", value & 0xffff_ffff),
                None => return error(format!("Invalid Mask ({m1})")),
            }
        }
        if let Some(m2) = field(2).filter(|it| !it.is_empty()) {
            match numeric_value(m2).filter(|it| *it <= 0xffff_ffff) {
                Some(value) => or_mask = format!("{:#x}", value & 0xffff_ffff),
                None => return error(format!("Invalid Mask ({m2})")),
            }
        }
        if let Some(bits) = field(3) {
            if !numeric_value(bits).is_some_and(|it| (0..128).contains(&it)) {
                return error(format!("Invalid Shift Bits ({bits})"));
            }
            shift = bits.to_owned();
        }
    }
    Ok(format!(
        "IPMARK --addr {addr} --and-mask {and_mask} --or-mask {or_mask} --shift {shift}"
    ))
}

/// The DSCP value of a number or a class name (`%dscpmap`).
fn dscp_value(text: &str) -> Option<i64> {
    if let Some(value) = numeric_value(text) {
        return Some(value);
    }
    const CLASSES: [(&str, i64); 22] = [
        ("CS0", 0x00),
        ("CS1", 0x08),
        ("CS2", 0x10),
        ("CS3", 0x18),
        ("CS4", 0x20),
        ("CS5", 0x28),
        ("CS6", 0x30),
        ("CS7", 0x38),
        ("BE", 0x00),
        ("AF11", 0x0a),
        ("AF12", 0x0c),
        ("AF13", 0x0e),
        ("AF21", 0x12),
        ("AF22", 0x14),
        ("AF23", 0x16),
        ("AF31", 0x1a),
        ("AF32", 0x1c),
        ("AF33", 0x1e),
        ("AF41", 0x22),
        ("AF42", 0x24),
        ("AF43", 0x26),
        ("EF", 0x2e),
    ];
    CLASSES
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, value)| *value)
}

/// `do_dscp`: the DSCP column.
fn do_dscp(caps: &super::capabilities::Capabilities, dscp: &str) -> Result<String> {
    if dscp == "-" {
        return Ok(String::new());
    }
    if !caps.has("DSCP_MATCH") {
        return error("A non-empty DSCP column requires DSCP Match in your kernel and iptables");
    }
    let (invert, dscp) = match dscp.strip_prefix('!') {
        Some(rest) => ("! ", rest),
        None => ("", dscp),
    };
    match dscp_value(dscp).filter(|it| *it < 0x3f && it & 1 == 0) {
        Some(value) => Ok(format!("-m dscp {invert}--dscp {value} ")),
        None => error(format!("Invalid DSCP ({dscp})")),
    }
}

/// `do_connbytes`: the CONNBYTES column, `[!]min:[max][:O|R|B[:P|B|A]]`.
fn do_connbytes(connbytes: &str) -> Result<String> {
    if connbytes == "-" {
        return Ok(String::new());
    }
    let invalid = || error(format!("Invalid CONNBYTES ({connbytes})"));
    let (invert, rest) = match connbytes.strip_prefix('!') {
        Some(rest) => ("! ", rest),
        None => ("", connbytes),
    };
    let mut parts = rest.split(':');
    let digits = |text: &str| !text.is_empty() && text.chars().all(|c| c.is_ascii_digit());
    let min = parts.next().unwrap_or("");
    let Some(max) = parts.next() else {
        return invalid();
    };
    if !digits(min) || !(max.is_empty() || digits(max)) {
        return invalid();
    }
    let dir = match parts.next() {
        None => "both",
        Some("O") => "original",
        Some("R") => "reply",
        Some("B") => "both",
        Some(_) => return invalid(),
    };
    let mode = match parts.next() {
        None => "bytes",
        Some("P") => "packets",
        Some("B") => "bytes",
        Some("A") => "avgpkt",
        Some(_) => return invalid(),
    };
    if parts.next().is_some() {
        return invalid();
    }
    let number = |text: &str| text.parse::<u64>().unwrap_or(u64::MAX);
    if !max.is_empty() && number(min) > number(max) {
        return error(format!("Invalid byte range ({min}:{max})"));
    }
    Ok(format!(
        "-m connbytes {invert}--connbytes {min}:{max} --connbytes-dir {dir} --connbytes-mode {mode} "
    ))
}

/// `do_length`: the LENGTH column (`N`, `:N`, `N:`, `N:M`).
fn do_length(caps: &super::capabilities::Capabilities, length: &str) -> Result<String> {
    if length == "-" {
        return Ok(String::new());
    }
    if !caps.has("LENGTH_MATCH") {
        return error("A Non-empty LENGTH requires Length Match in your kernel and iptables");
    }
    let digits = |text: &str| !text.is_empty() && text.chars().all(|c| c.is_ascii_digit());
    let number = |text: &str| text.parse::<u64>().unwrap_or(u64::MAX);
    if digits(length) {
        if number(length) >= 65536 {
            return error(format!("Invalid LENGTH ({length})"));
        }
    } else {
        let (min, max) = match length.split_once(':') {
            Some(("", max)) if digits(max) => (0, number(max)),
            Some((min, "")) if digits(min) => (number(min), 65535),
            Some((min, max)) if digits(min) && digits(max) => (number(min), number(max)),
            _ => return error(format!("Invalid LENGTH ({length})")),
        };
        if min >= max {
            return error("First length must be < second length");
        }
    }
    Ok(format!("-m length --length {length} "))
}

/// `state_match` of the STATE column (`ALL` and `-` add nothing).
fn state_match_column(compiler: &Compiler<'_>, state: &str) -> String {
    if state == "-" || state == "ALL" {
        String::new()
    } else {
        state_match(compiler, state)
    }
}

fn hex_digits(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_hexdigit())
}

/// `normalize_hex`: lower case, leading zeros reduced to one.
fn normalize_hex(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let trimmed = lower.trim_start_matches('0');
    if trimmed.len() == lower.len() {
        lower
    } else {
        format!("0{trimmed}")
    }
}

/// The HL action: `--hl-set`, `--hl-inc` or `--hl-dec`.
fn hop_limit(params: &str) -> Result<String> {
    let (sign, digits) = match params.strip_prefix('+') {
        Some(rest) => ("+", rest),
        None => match params.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", params),
        },
    };
    let valid_digits = !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit());
    let value: u64 = digits.parse().unwrap_or(u64::MAX);
    if !valid_digits || (!sign.is_empty() && value == 0) || value >= 256 {
        return error(format!("Invalid HL specification( HL({params}) )"));
    }
    Ok(match sign {
        "+" => format!("HL --hl-inc {value}"),
        "-" => format!("HL --hl-dec {value}"),
        _ => format!("HL --hl-set {value}"),
    })
}
