//! The rules and blrules files (`Rules.pm process_rules`, `process_raw_rule`,
//! `process_rule`; `Chains.pm expand_rule`): zone lists expanded into zone pairs, sections
//! and their conntrack state chains, targets, logging chains, and the source and destination
//! address lists, exclusions included.

use std::borrow::Cow;
use std::collections::BTreeSet;

use crate::model;

use super::addresses::{match_net, validate_net, Side, ALLIP};
use super::chains::{TableId, DONT_MOVE};
use super::ir::{Jump, Match};
use super::lists::{split_list, split_list1, split_list2, split_list3};
use super::lower::{section, target, Compiler, Refusal};
use super::matches::{self as m, resolve_proto};
use super::{error, unsupported, Result};

/// The columns of a rule after the ACTION. They borrow the record's text (a rule's columns
/// are copied for every zone pair, macro line and action it expands into); a column the
/// compiler rewrites holds its own text.
#[derive(Debug, Clone)]
pub(crate) struct Columns<'a> {
    pub source: Cow<'a, str>,
    pub dest: Cow<'a, str>,
    pub proto: Cow<'a, str>,
    pub ports: Cow<'a, str>,
    pub sports: Cow<'a, str>,
    pub origdest: Cow<'a, str>,
    pub rate: Cow<'a, str>,
    pub user: Cow<'a, str>,
    pub mark: Cow<'a, str>,
    pub connlimit: Cow<'a, str>,
    pub time: Cow<'a, str>,
    pub headers: Cow<'a, str>,
    pub condition: Cow<'a, str>,
    pub helper: Cow<'a, str>,
}

impl<'a> Columns<'a> {
    pub(crate) fn empty() -> Columns<'static> {
        let dash = || Cow::Borrowed("-");
        Columns {
            source: dash(),
            dest: dash(),
            proto: dash(),
            ports: dash(),
            sports: dash(),
            origdest: dash(),
            rate: dash(),
            user: dash(),
            mark: dash(),
            connlimit: dash(),
            time: dash(),
            headers: dash(),
            condition: dash(),
            helper: dash(),
        }
    }

    /// Columns 1..15 of a rules record.
    pub(crate) fn from_record(columns: &'a [String]) -> Columns<'a> {
        let get = |idx: usize| Cow::Borrowed(columns.get(idx).map_or("-", String::as_str));
        Columns {
            source: get(1),
            dest: get(2),
            proto: get(3),
            ports: get(4),
            sports: get(5),
            origdest: get(6),
            rate: get(7),
            user: get(8),
            mark: get(9),
            connlimit: get(10),
            time: get(11),
            headers: get(12),
            condition: get(13),
            helper: get(14),
        }
    }

    /// The same columns holding their own text.
    pub(crate) fn into_owned(self) -> Columns<'static> {
        let own = |it: Cow<'a, str>| Cow::Owned(it.into_owned());
        Columns {
            source: own(self.source),
            dest: own(self.dest),
            proto: own(self.proto),
            ports: own(self.ports),
            sports: own(self.sports),
            origdest: own(self.origdest),
            rate: own(self.rate),
            user: own(self.user),
            mark: own(self.mark),
            connlimit: own(self.connlimit),
            time: own(self.time),
            headers: own(self.headers),
            condition: own(self.condition),
            helper: own(self.helper),
        }
    }
}

/// `get_target_param`: `TARGET(param)` or the 4.4 `MACRO/TARGET`.
pub(crate) fn target_param(target: &str) -> (String, Option<String>) {
    if let Some((t, p)) = target.split_once('/') {
        return (t.to_owned(), Some(p.to_owned()));
    }
    if let Some(open) = target.find('(') {
        if let Some(inner) = target[open + 1..].strip_suffix(')') {
            return (target[..open].to_owned(), Some(inner.to_owned()));
        }
    }
    (target.to_owned(), None)
}

/// `split_action`: `ACTION[:level[:tag]]` → (action, `level[:tag]`).
pub(crate) fn split_action(action: &str) -> Result<(String, String)> {
    let list = split_list2(action, "ACTION")?;
    if list.len() > 3 {
        return error(format!("Invalid ACTION ({action})"));
    }
    let first = list.first().cloned().unwrap_or_default();
    Ok((first, list[1.min(list.len())..].join(":")))
}

/// `isolate_basic_target`: the name of a target without its parameter and log level.
pub(crate) fn isolate_basic_target(target: &str) -> Result<String> {
    let base = if target.contains('/') {
        target.split('/').next().unwrap_or("").to_owned()
    } else {
        split_list2(target, "parameter")?
            .into_iter()
            .next()
            .unwrap_or_default()
    };
    if let Some(open) = base.find('(') {
        if base.ends_with(')')
            && base[..open]
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_')
        {
            return Ok(base[..open].to_owned());
        }
    }
    Ok(base)
}

/// `handle_nfqueue`: the NFQUEUE target for `NFQUEUE(params)`.
pub(crate) fn handle_nfqueue(params: &str) -> Result<String> {
    let mut queue1 = 0i64;
    let mut queue2 = None;
    let mut fanout = "";
    let mut bypass = String::new();
    if !params.is_empty() {
        let mut parts = params.splitn(3, ',');
        let queue = parts.next().unwrap_or("");
        let by = parts.next();
        if parts.next().is_some() {
            return error(format!("Invalid NFQUEUE parameter list ({params})"));
        }
        if queue == "bypass" {
            if by.is_some_and(|it| !it.is_empty()) {
                return error(format!(
                    "Invalid NFQUEUE options (bypass,{})",
                    by.unwrap_or("")
                ));
            }
            return Ok("NFQUEUE --queue-bypass".into());
        }
        if !queue.is_empty() {
            let (q1, q2) = match queue.split_once(':') {
                Some((a, b)) => (a, Some(b)),
                None => (queue, None),
            };
            queue1 = match super::lists::numeric_value(q1) {
                Some(it) if (0..=65535).contains(&it) => it,
                _ => return error(format!("Invalid NFQUEUE queue number ({q1})")),
            };
            if let Some(q2) = q2 {
                let q2 = match q2.strip_suffix('c') {
                    Some(rest) => {
                        fanout = " --queue-cpu-fanout";
                        rest
                    }
                    None => q2,
                };
                match super::lists::numeric_value(q2) {
                    Some(it) if (0..=65535).contains(&it) && queue1 < it => queue2 = Some(it),
                    _ => return error(format!("Invalid NFQUEUE queue number ({q2})")),
                }
            }
        }
        if let Some(by) = by.filter(|it| !it.is_empty()) {
            if by != "bypass" {
                return error(format!("Invalid NFQUEUE option ({by})"));
            }
            bypass = " --queue-bypass".into();
        }
    }
    Ok(match queue2 {
        Some(q2) => format!("NFQUEUE --queue-balance {queue1}:{q2}{bypass}{fanout}"),
        None => format!("NFQUEUE --queue-num {queue1}{bypass}"),
    })
}

/// `get_interface_nets`: the shell variable that holds an interface's networks at run time.
fn interface_nets_variable(interface: &str) -> String {
    let base: String = interface
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("$SW_{base}_NETWORKS")
}

/// Restrictions on interfaces in a rule (`expand_rule`): the firewall zone on one side.
pub(crate) mod restrict {
    pub(crate) const NONE: u32 = 0;
    /// A nat PREROUTING rule: a DEST interface would be a run-time loop over its networks.
    pub(crate) const PREROUTE: u32 = 1;
    pub(crate) const INPUT: u32 = 4;
    pub(crate) const OUTPUT: u32 = 8;
    pub(crate) const ALL: u32 = 12;
    /// A nat POSTROUTING rule: a SOURCE interface would be a run-time loop over its networks.
    pub(crate) const POSTROUTE: u32 = 16;
}

/// A state of the conntrack section table: (chain prefix, level, tag, target).
fn state_entry(compiler: &Compiler<'_>, state: &str) -> (char, String, String, String) {
    let c = &compiler.config;
    match state {
        "ESTABLISHED" => ('^', String::new(), String::new(), "ACCEPT".into()),
        "RELATED" => (
            '+',
            c.related.level.clone(),
            c.related.tag.clone(),
            c.related.target.clone(),
        ),
        "INVALID" => (
            '_',
            c.invalid.level.clone(),
            c.invalid.tag.clone(),
            c.invalid.target.clone(),
        ),
        _ => (
            '&',
            c.untracked.level.clone(),
            c.untracked.tag.clone(),
            c.untracked.target.clone(),
        ),
    }
}

/// The conntrack match for `states` (`state_imatch`).
pub(crate) fn state_imatch(compiler: &Compiler<'_>, states: &str) -> Vec<Match> {
    if states == "ALL" {
        return Vec::new();
    }
    if compiler.caps().has("CONNTRACK_MATCH") {
        vec![Match::new("conntrack --ctstate", states)]
    } else {
        vec![Match::new("state", format!("--state {states}"))]
    }
}

/// The conntrack match for `state` as text (`state_match`).
pub(crate) fn state_match(compiler: &Compiler<'_>, state: &str) -> String {
    if state == "ALL" || state == "-" {
        String::new()
    } else if compiler.caps().has("CONNTRACK_MATCH") {
        format!("-m conntrack --ctstate {state} ")
    } else {
        format!("-m state --state {state} ")
    }
}

/// A source or destination element of a rule split into interface and addresses
/// (`isolate_source_interface`, `isolate_dest_interface`).
pub(crate) fn isolate_interface(value: &str) -> (Option<String>, Option<String>) {
    let value = if value.contains(['<', '>']) {
        value.replace('<', "[").replace('>', "]")
    } else {
        value.to_owned()
    };
    let split_bracketed = |value: &str| -> Option<(String, String)> {
        let (iface, rest) = value.split_once(':')?;
        if iface.is_empty() {
            return None;
        }
        if rest.starts_with('[') && rest.trim_end().ends_with(']') {
            let inner = rest.trim_end();
            let inner = &inner[1..inner.len() - 1];
            return Some((iface.to_owned(), inner.replace("]-[", "-")));
        }
        let bare = rest.trim_start_matches('!');
        if bare.starts_with('+')
            || bare.starts_with('&')
            || bare.starts_with('%')
            || bare.starts_with('~')
        {
            return Some((iface.to_owned(), rest.to_owned()));
        }
        if rest.starts_with('[') {
            if let Some((addr, vlsm)) = rest.rsplit_once("]/") {
                if !vlsm.is_empty() && vlsm.chars().all(|c| c.is_ascii_digit()) {
                    return Some((iface.to_owned(), format!("{}/{vlsm}", &addr[1..])));
                }
            }
        }
        None
    };
    if let Some((iface, nets)) = split_bracketed(&value) {
        return (Some(iface), Some(nets));
    }
    if value.contains(':') {
        if let Some(inner) = value.strip_prefix('[').and_then(|it| it.strip_suffix(']')) {
            if !inner.contains("],[") {
                return (None, Some(inner.replace("]-[", "-")));
            }
        }
        return (None, Some(value));
    }
    let addressy = value.contains('+')
        || value.contains('&')
        || value.contains('%')
        || value.contains('~')
        || value.matches('.').count() >= 2
        || value.trim_start_matches('!').starts_with('^');
    if addressy {
        (None, Some(value))
    } else {
        (Some(value), None)
    }
}

/// `split_host_list` for address lists, keeping `[...]` and `(...)` together.
pub(crate) fn split_host_list(input: &str) -> Result<Vec<String>> {
    let items = split_list(input, "host")?;
    if !input.contains('[') {
        return Ok(items.into_iter().map(str::to_owned).collect());
    }
    let mut out: Vec<String> = Vec::new();
    let mut pending: Option<String> = None;
    for item in items {
        match pending.take() {
            Some(mut element) => {
                element.push(',');
                element.push_str(item);
                if element.matches('[').count() > element.matches(']').count() {
                    pending = Some(element);
                } else {
                    out.push(element);
                }
            }
            None => {
                if item.matches('[').count() > item.matches(']').count() {
                    pending = Some(item.to_owned());
                } else {
                    out.push(item.to_owned());
                }
            }
        }
    }
    if let Some(element) = pending {
        return error(format!("Missing ']' ({element})"));
    }
    Ok(out)
}

/// `handle_network_list`: (networks, exclusions) of a SOURCE or DEST address list.
pub(crate) fn handle_network_list(list: &str, which: &str) -> Result<(String, String)> {
    let mut nets = String::new();
    let mut excl = String::new();
    // Without `!` or brackets, the list is its networks as it is (once it splits).
    if !list.contains(['!', '[']) {
        split_list(list, "host")?;
        return Ok((list.to_owned(), String::new()));
    }
    let invalid = || error(format!("Invalid {which} network list ({list})"));
    for item in split_host_list(list)? {
        if item.contains('!') {
            if let Some(rest) = item.strip_prefix('!') {
                if !nets.is_empty() || !excl.is_empty() {
                    return invalid();
                }
                excl = rest.to_owned();
            } else {
                let parts: Vec<&str> = item.split('!').collect();
                if parts.len() > 2 {
                    return invalid();
                }
                nets = if nets.is_empty() {
                    parts[0].to_owned()
                } else {
                    format!("{nets},{}", parts[0])
                };
                if let Some(e) = parts.get(1).filter(|it| !it.is_empty()) {
                    if !excl.is_empty() {
                        return invalid();
                    }
                    excl = (*e).to_owned();
                }
            }
        } else if !excl.is_empty() {
            excl.push(',');
            excl.push_str(&item);
        } else {
            nets = if nets.is_empty() {
                item.clone()
            } else {
                format!("{nets},{item}")
            };
        }
    }
    Ok((nets, excl))
}

impl Compiler<'_> {
    // ---- sections -------------------------------------------------------------------

    /// `finish_chain_section`: adds the rules for the conntrack `states` to `chain1` (the
    /// rules chain), using `chain` (the rules chain or a state chain).
    pub(crate) fn finish_chain_section(
        &mut self,
        chain: &str,
        chain1: &str,
        states: &str,
    ) -> Result<()> {
        let save_comment = std::mem::take(&mut self.chains.comment);
        let wild = self.chains.chain(TableId::Filter, chain).wild;
        let mut state: BTreeSet<String> = states.split(',').map(str::to_owned).collect();
        let done: Vec<String> = self
            .chains
            .chain(TableId::Filter, chain1)
            .sections
            .iter()
            .cloned()
            .collect();
        for s in ["ESTABLISHED", "RELATED", "INVALID", "UNTRACKED"] {
            if done.iter().any(|it| it == s) {
                state.remove(s);
            }
        }
        if let Some(it) = self.chains.get_mut(TableId::Filter, chain1) {
            for s in &state {
                it.sections.insert(s.clone());
            }
        }
        if !wild {
            for s in ["ESTABLISHED", "RELATED", "INVALID", "UNTRACKED"] {
                if !state.contains(s) {
                    continue;
                }
                let (ch, level, tag, mut tgt) = state_entry(self, s);
                let twochains = chain.starts_with(ch);
                if twochains || !level.is_empty() || tgt != "ACCEPT" {
                    let mut chain2 = chain.to_owned();
                    if !level.is_empty() {
                        if !twochains {
                            let logname = format!(
                                "{ch}{}",
                                self.chains.chain(TableId::Filter, chain).logname
                            );
                            chain2 = format!("{ch}{chain}");
                            self.chains
                                .new_chain(TableId::Filter, &chain2, Some(&logname));
                        }
                        let logname = self.chains.chain(TableId::Filter, &chain2).logname.clone();
                        let disposition = tgt.to_ascii_uppercase();
                        self.log_rule_limit(
                            &level,
                            TableId::Filter,
                            &chain2,
                            &logname,
                            &disposition,
                            None,
                            &tag,
                            true,
                            "",
                        )?;
                        if self.target_type(&tgt) & target::AUDIT != 0 {
                            tgt = self.ensure_audit_chain(&tgt, None, None)?;
                        }
                        if !tgt.is_empty() {
                            self.chains.add_ijump(
                                TableId::Filter,
                                &chain2,
                                Jump::Goto,
                                &tgt,
                                vec![],
                            )?;
                        }
                        if !twochains {
                            tgt = chain2.clone();
                        }
                    }
                    if twochains {
                        if !tgt.is_empty() {
                            self.chains.add_ijump(
                                TableId::Filter,
                                chain,
                                Jump::Goto,
                                &tgt,
                                vec![],
                            )?;
                        }
                        state.remove(s);
                        break;
                    }
                    if !tgt.is_empty() {
                        if self.target_type(&tgt) & target::AUDIT != 0 {
                            tgt = self.ensure_audit_chain(&tgt, None, None)?;
                        }
                        if state.contains("ESTABLISHED") && s != "ESTABLISHED" {
                            let m = state_imatch(self, "ESTABLISHED");
                            self.chains.add_ijump(
                                TableId::Filter,
                                chain1,
                                Jump::Jump,
                                "ACCEPT",
                                m,
                            )?;
                            state.remove("ESTABLISHED");
                        }
                        let m = state_imatch(self, s);
                        self.chains
                            .add_ijump(TableId::Filter, chain, Jump::Jump, &tgt, m)?;
                    }
                    state.remove(s);
                }
            }
            if !state.is_empty() {
                let mut list = Vec::new();
                if !self.config.fastaccept {
                    for s in ["ESTABLISHED", "RELATED"] {
                        if state.contains(s) {
                            list.push(s);
                        }
                    }
                }
                if state.contains("UNTRACKED") && self.config.untracked.target == "ACCEPT" {
                    list.push("UNTRACKED");
                }
                if !list.is_empty() {
                    let m = state_imatch(self, &list.join(","));
                    self.chains
                        .add_ijump(TableId::Filter, chain1, Jump::Jump, "ACCEPT", m)?;
                }
            }
        }
        if self.sections.get("NEW").copied().unwrap_or(false) {
            let chain1ref = self.chains.chain(TableId::Filter, chain1);
            // SYN flood protection of a policy with a rate or connection limit.
            let syn_chain = if chain1ref.is_policy {
                let jump = !chain1ref.synparams.is_empty()
                    && (self.section != section::POLICYACTION
                        || ["ACCEPT", "CONTINUE", "QUEUE", "NFQUEUE"]
                            .iter()
                            .any(|it| chain1ref.policy.starts_with(it)));
                jump.then(|| format!("@{}", chain1ref.synchain))
            } else {
                self.chains
                    .get(TableId::Filter, &chain1ref.policychain)
                    .filter(|it| !it.synparams.is_empty())
                    .map(|it| format!("@{}", it.synchain))
            };
            if let Some(syn_chain) = syn_chain {
                self.chains.ensure_chain(TableId::Filter, &syn_chain);
                self.chains.add_ijump(
                    TableId::Filter,
                    chain1,
                    Jump::Jump,
                    &syn_chain,
                    vec![Match::new("p", "tcp --syn")],
                )?;
            }
            let chain1ref = self.chains.chain(TableId::Filter, chain1);
            let count = chain1ref.rules.len();
            if let Some(it) = self.chains.get_mut(TableId::Filter, chain1) {
                it.new = Some(count);
            }
        }
        self.chains.comment = save_comment;
        Ok(())
    }

    /// `ensure_rules_chain`: the rules chain of a pair, with its state rules.
    pub(crate) fn ensure_rules_chain(&mut self, source: &str, dest: &str) -> Result<String> {
        let name = self.rules_chain(source, dest);
        if !self.chains.exists(TableId::Filter, &name) {
            self.new_rules_chain(source, dest);
        }
        if !self.chains.chain(TableId::Filter, &name).referenced {
            self.finish_chain_sections(&name, &name)?;
        }
        Ok(name)
    }

    /// `finish_section`: the state rules of every rules chain for the sections passed.
    fn finish_section(&mut self, states: &str) -> Result<()> {
        for s in states.split(',') {
            if let Some(flag) = self.sections.get_mut(s) {
                *flag = true;
            }
        }
        let zones = self.topo.all_zones();
        for zone in &zones {
            for zone1 in &zones {
                let chain1 = self.rules_chain(zone, zone1);
                if !self
                    .chains
                    .get(TableId::Filter, &chain1)
                    .is_some_and(|it| it.referenced)
                {
                    continue;
                }
                let chain = match self.section {
                    section::ESTABLISHED => format!("^{chain1}"),
                    section::RELATED => format!("+{chain1}"),
                    section::INVALID => format!("_{chain1}"),
                    section::UNTRACKED => format!("={chain1}"),
                    section::BLACKLIST => format!("{chain1}~"),
                    _ => chain1.clone(),
                };
                let chain = if self.chains.exists(TableId::Filter, &chain) {
                    chain
                } else {
                    chain1.clone()
                };
                self.finish_chain_section(&chain, &chain1, states)?;
            }
        }
        Ok(())
    }

    /// `next_section`.
    fn next_section(&mut self) -> Result<()> {
        match self.next_section {
            section::RELATED => self.finish_section("ESTABLISHED")?,
            section::INVALID => self.finish_section("ESTABLISHED,RELATED")?,
            section::UNTRACKED => self.finish_section("ESTABLISHED,RELATED,INVALID")?,
            section::NEW => self.finish_section("ESTABLISHED,RELATED,INVALID,UNTRACKED")?,
            _ => {}
        }
        self.section = self.next_section;
        Ok(())
    }

    /// `process_section`: the flags a `?SECTION` sets.
    fn enter_section(&mut self, name: &str) {
        let implied: &[&str] = match name {
            "ESTABLISHED" => &["ALL"],
            "RELATED" => &["ALL", "ESTABLISHED"],
            "INVALID" => &["ALL", "ESTABLISHED", "RELATED"],
            "UNTRACKED" => &["ALL", "ESTABLISHED", "RELATED", "INVALID"],
            "NEW" => &[
                "ALL",
                "ESTABLISHED",
                "RELATED",
                "INVALID",
                "UNTRACKED",
                "NEW",
            ],
            _ => &[],
        };
        for s in implied {
            if let Some(flag) = self.sections.get_mut(s) {
                *flag = true;
            }
        }
        self.next_section = match name {
            "ALL" => section::ALL,
            "ESTABLISHED" => section::ESTABLISHED,
            "RELATED" => section::RELATED,
            "INVALID" => section::INVALID,
            "UNTRACKED" => section::UNTRACKED,
            _ => section::NEW,
        };
    }

    // ---- the rules file ---------------------------------------------------------------

    /// `process_rules`.
    pub(crate) fn process_rules(&mut self, feed: Option<&mut model::RulesFeed>) -> Result<()> {
        let zones = self.topo.off_firewall_zones();
        for zone in &zones {
            let z = self.topo.zone(zone).cloned().expect("known zone");
            if !(z.kind == super::topology::ZoneKind::Local || (zones.len() <= 2 && !z.complex)) {
                self.chains.new_standard_chain(&format!("{zone}_frwd"));
            }
        }
        let model = self.model;
        let blrules = &model.rules_files.blrules;
        self.section = section::BLACKLIST;
        self.next_section = section::BLACKLIST;
        let mut have_blrules = false;
        let mut refused = None;
        for item in blrules {
            let model::RulesItem::Record(record) = item else {
                continue;
            };
            if !have_blrules {
                have_blrules = true;
                self.blacklist_first_entry()?;
            }
            self.or_refused(&mut refused, |this| this.rules_record(record))?;
        }
        self.site = None;
        self.chains.comment.clear();
        self.section = section::NULL;
        self.next_section = section::NEW;
        self.add_interface_options(have_blrules)?;
        self.setup_zone_mss()?;
        match feed {
            None => {
                for item in &model.rules_files.rules {
                    self.or_refused(&mut refused, |this| this.rules_item(item))?;
                }
            }
            Some(feed) => {
                while let Some(batch) = feed.next_batch() {
                    for item in batch {
                        self.or_refused(&mut refused, |this| this.rules_item(item))?;
                    }
                }
            }
        }
        self.site = None;
        self.chains.comment.clear();
        self.section = section::POLICYACTION;
        self.next_section = section::POLICYACTION;
        match refused {
            Some(refusal) => Err(self.resume_refusal(refusal)),
            None => Ok(()),
        }
    }

    /// `step`, where a record the preview refuses is left out and the first refusal kept in
    /// `refused`, so that the records after it are compiled: Shorewall may reject one of them,
    /// and `check` must show that error.
    fn or_refused(
        &mut self,
        refused: &mut Option<Refusal>,
        step: impl FnOnce(&mut Self) -> Result<()>,
    ) -> Result<()> {
        // A refusal deep in a macro leaves its nesting count raised.
        let macro_nest = self.macro_nest;
        match step(self) {
            Err(fatal) if fatal.kind == super::FatalKind::Unsupported => {
                self.macro_nest = macro_nest;
                refused.get_or_insert_with(|| self.keep_refusal(fatal));
                Ok(())
            }
            other => other,
        }
    }

    /// One item of the rules file.
    fn rules_item(&mut self, item: &model::RulesItem) -> Result<()> {
        match item {
            model::RulesItem::Section(name) => self.enter_section(name),
            model::RulesItem::Record(record) => {
                if self.section != self.next_section {
                    self.site = Some(record.site);
                    self.next_section()?;
                }
                self.rules_record(record)?;
            }
        }
        Ok(())
    }

    /// One record of the rules or blrules file, with its comment and origin.
    fn rules_record(&mut self, record: &model::BodyLine) -> Result<()> {
        self.site = Some(record.site);
        self.chains.origin = self.origin_of(record.site);
        if record.columns.iter().any(|it| model::has_unknown(it)) {
            return unsupported(
                "This rule uses a value shorewall-ls cannot know (a shell-computed param)",
            );
        }
        if record.columns.first().is_none_or(|it| it == "-") {
            return error("ACTION must be specified");
        }
        self.chains.comment = match &record.comment {
            Some(comment) if self.caps().has("COMMENTS") => comment.clone(),
            _ => String::new(),
        };
        self.process_raw_rule(&record.columns, record.raw_matches.as_deref())
    }

    /// The blrules file's first entry: the `blacklog` chain (and `A_blacklog`) where
    /// BLACKLIST_LOG_LEVEL asks for logging.
    fn blacklist_first_entry(&mut self) -> Result<()> {
        let level = self.config.blacklist.level.clone();
        let tag = self.config.blacklist.tag.clone();
        let disposition = self.config.blacklist.disposition.clone();
        let audit = disposition.starts_with("A_");
        let target = if disposition == "REJECT" {
            "reject".to_owned()
        } else {
            disposition.clone()
        };
        if !level.is_empty() {
            self.ensure_blacklog_chain(&target, &disposition, &level, &tag, audit)?;
            if self.caps().has("AUDIT_TARGET") {
                self.ensure_audit_blacklog_chain(&target, &disposition, &level)?;
            }
        } else if audit {
            self.ensure_audit_chain(&disposition, None, None)?;
        } else if self.caps().has("AUDIT_TARGET") {
            self.ensure_audit_chain(&format!("A_{disposition}"), None, None)?;
        }
        Ok(())
    }

    /// `ensure_blacklog_chain`.
    fn ensure_blacklog_chain(
        &mut self,
        target: &str,
        disposition: &str,
        level: &str,
        tag: &str,
        audit: bool,
    ) -> Result<()> {
        if self.chains.exists(TableId::Filter, "blacklog") {
            return Ok(());
        }
        self.new_manual_chain("blacklog");
        let mut target = target.replacen("A_", "", 1);
        if target == "REJECT" {
            target = "reject".into();
        }
        self.log_irule_limit(
            level,
            TableId::Filter,
            "blacklog",
            "blacklst",
            disposition,
            tag,
            vec![],
        )?;
        if audit {
            self.add_audit_jump("blacklog", &target)?;
        }
        self.chains
            .add_ijump(TableId::Filter, "blacklog", Jump::Goto, &target, vec![])?;
        Ok(())
    }

    /// `ensure_audit_blacklog_chain`.
    fn ensure_audit_blacklog_chain(
        &mut self,
        target: &str,
        disposition: &str,
        level: &str,
    ) -> Result<()> {
        if self.chains.exists(TableId::Filter, "A_blacklog") {
            return Ok(());
        }
        self.new_manual_chain("A_blacklog");
        self.log_irule_limit(
            level,
            TableId::Filter,
            "A_blacklog",
            "blacklst",
            disposition,
            "",
            vec![],
        )?;
        self.add_audit_jump("A_blacklog", target)?;
        let target = target.strip_prefix("A_").unwrap_or(target);
        self.chains
            .add_ijump(TableId::Filter, "A_blacklog", Jump::Goto, target, vec![])?;
        Ok(())
    }

    /// `-j AUDIT --type <target>`.
    fn add_audit_jump(&mut self, chain: &str, target: &str) -> Result<()> {
        let audit = format!("AUDIT --type {}", target.to_ascii_lowercase());
        self.chains
            .add_ijump(TableId::Filter, chain, Jump::Jump, &audit, vec![])?;
        Ok(())
    }

    /// `new_manual_chain`: a referenced filter chain that rules may name as their target.
    fn new_manual_chain(&mut self, name: &str) {
        self.chains
            .ensure_referenced_chain(TableId::Filter, name)
            .manual = true;
    }

    /// `process_raw_rule` and `process_raw_rule1`: zone lists, PROTO and USER lists.
    fn process_raw_rule(&mut self, columns: &[String], raw_matches: Option<&str>) -> Result<()> {
        let target = columns.first().map_or("-", String::as_str);
        let cols = Columns::from_record(columns);
        let raw = raw_matches.map(|it| format!("{it} ")).unwrap_or_default();
        let sources = split_zone_list(&cols.source, "SOURCE")?;
        let dests = split_zone_list(&cols.dest, "DEST")?;
        let is_none = |it: &str| {
            it.get(..4)
                .is_some_and(|it| it.eq_ignore_ascii_case("none"))
        };
        for source in &sources {
            let source = unparen(source);
            for dest in &dests {
                let dest = unparen(dest);
                if is_none(&source) || is_none(&dest) {
                    continue;
                }
                let mut intrazone = false;
                let mut wild = false;
                let source_list =
                    self.build_zone_list(&source, "SOURCE", &mut intrazone, &mut wild)?;
                let dest_list = self.build_zone_list(&dest, "DEST", &mut intrazone, &mut wild)?;
                let protos = split_list1(&cols.proto, "Protocol")?;
                let users = split_list1(&cols.user, "USER/GROUP")?;
                if protos.len() > 1 && cols.proto.contains('!') {
                    return error("Inversion not allowed in a PROTO list");
                }
                let mut generated = false;
                self.statematch.clear();
                // One working copy of the columns for every combination (each sets the four
                // it varies).
                let mut c = cols.clone();
                for s in &source_list {
                    for d in &dest_list {
                        let sourcezone = s.split(':').next().unwrap_or("");
                        let mut destzone = d.split(':').next().unwrap_or("");
                        if self.topo.zone(destzone).is_none() {
                            // A REDIRECT's DEST is a port of the firewall.
                            destzone = if isolate_basic_target(target)?.starts_with("REDIRECT") {
                                &self.topo.firewall
                            } else {
                                ""
                            };
                        }
                        if wild && !intrazone && sourcezone == destzone {
                            continue;
                        }
                        for proto in &protos {
                            for user in &users {
                                c.source = Cow::Borrowed(s);
                                c.dest = Cow::Borrowed(d);
                                c.proto = Cow::Borrowed(proto);
                                c.user = Cow::Borrowed(user);
                                self.inline_matches.clone_from(&raw);
                                if self.process_rule(None, "", "", target, "", &c, wild)? {
                                    generated = true;
                                }
                            }
                        }
                    }
                }
                if !generated {
                    self.warn("Entry generated no ip6tables rules");
                }
            }
        }
        Ok(())
    }

    /// `build_zone_list`.
    fn build_zone_list(
        &mut self,
        input: &str,
        which: &str,
        intrazone: &mut bool,
        wild: &mut bool,
    ) -> Result<Vec<String>> {
        let original = input;
        let (input, any): (Cow<'_, str>, bool) = match input.strip_prefix("any") {
            Some(rest) => (format!("all{rest}").into(), true),
            None => (input.into(), false),
        };
        // /^(all[-+]*)(![^:]+)?(:.*)?$/
        if let Some(rest) = input.strip_prefix("all") {
            let plus_minus_len = rest.chars().take_while(|c| *c == '+' || *c == '-').count();
            let head = format!("all{}", &rest[..plus_minus_len]);
            let rest = &rest[plus_minus_len..];
            let (exclude, tail) = if let Some(r) = rest.strip_prefix('!') {
                match r.find(':') {
                    Some(at) => (Some(&r[..at]), Some(&r[at..])),
                    None => (Some(r), None),
                }
            } else if rest.starts_with(':') || rest.is_empty() {
                (None, if rest.is_empty() { None } else { Some(rest) })
            } else {
                return Ok(vec![original.to_owned()]);
            };
            *wild = true;
            let fw = self.topo.firewall.clone();
            let mut excluded: Vec<String> = Vec::new();
            if let Some(exclude) = exclude {
                if exclude.starts_with(',')
                    || exclude.contains(",,")
                    || exclude.ends_with(',')
                    || exclude.contains('!')
                {
                    return error(format!("Invalid exclusion list (!{exclude})"));
                }
                for zone in exclude.split(',') {
                    if self.topo.zone(zone).is_none() {
                        return error(format!("Unknown zone ({zone})"));
                    }
                    excluded.push(zone.to_owned());
                }
            }
            match head.as_str() {
                "all" => {}
                "all+" => *intrazone = true,
                "all+-" | "all-+" => {
                    *intrazone = true;
                    excluded.push(fw.clone());
                }
                "all-" => excluded.push(fw.clone()),
                _ => return error(format!("Invalid {which} ({head})")),
            }
            let base = if any {
                self.topo.all_parent_zones()
            } else {
                self.topo.non_firewall_zones()
            };
            let mut result: Vec<String> = base
                .into_iter()
                .filter(|it| !excluded.contains(it))
                .collect();
            if !excluded.contains(&fw) {
                result.insert(0, fw);
            }
            if let Some(tail) = tail {
                for it in &mut result {
                    it.push_str(tail);
                }
            }
            return Ok(result);
        }
        // /^([^:]+,[^:]+)(:.*)?$/
        let (list, tail) = match input.find(':') {
            Some(at) => (&input[..at], Some(&input[at..])),
            None => (&*input, None),
        };
        if list.contains(',') {
            *wild = true;
            let mut list = list.to_owned();
            if let Some(rest) = list.strip_suffix('+') {
                list = rest.to_owned();
                *intrazone = true;
            } else {
                *intrazone = false;
            }
            let mut result: Vec<String> = split_list(&list, "zone")?
                .into_iter()
                .map(str::to_owned)
                .collect();
            if let Some(tail) = tail {
                for it in &mut result {
                    it.push_str(tail);
                }
            }
            return Ok(result);
        }
        Ok(vec![original.to_owned()])
    }

    // ---- one rule -------------------------------------------------------------------

    /// `process_rule`. `chain` is the action chain when rules come from an action body.
    /// Returns whether rules were generated.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn process_rule(
        &mut self,
        chain: Option<&str>,
        rule_matches: &str,
        matches1: &str,
        target: &str,
        current_param: &str,
        cols: &Columns,
        wildcard: bool,
    ) -> Result<bool> {
        let (mut action, mut loglevel) = split_action(target)?;
        let (mut basictarget, param) = target_param(&action);
        let mut param = param.unwrap_or_default();
        let optimize = if wildcard && !basictarget.ends_with('!') {
            self.config.optimize & 5
        } else {
            0
        };
        let inchain = chain.is_some();
        let inaction = chain
            .map(|c| self.chains.chain(TableId::Filter, c).action.clone())
            .filter(|it| !it.is_empty())
            .map(|it| it.split(':').next().unwrap_or("").to_owned())
            .unwrap_or_default();
        let blacklist = self.section == section::BLACKLIST;
        let mut rule = rule_matches.to_owned();
        let mut exceptionrule = String::new();
        let mut raw_matches;
        let mut prerule = String::new();
        let mut cols = cols.clone();

        if basictarget == "INLINE" {
            let inline = std::mem::take(&mut self.inline_matches);
            if let Some((before, after)) = split_jump(&inline) {
                raw_matches = before;
                action = after;
                basictarget = action.split(' ').next().unwrap_or("").to_owned();
                if !param.is_empty() {
                    return error("INLINE may not have a parameter when '-j' is specified in the free-form area");
                }
            } else {
                raw_matches = inline;
                if param.is_empty() {
                    action = if loglevel.is_empty() {
                        String::new()
                    } else {
                        "LOG".into()
                    };
                    basictarget = action.clone();
                } else {
                    let (a, l) = split_action(&param)?;
                    action = a;
                    loglevel = l;
                    let (b, p) = target_param(&action);
                    basictarget = b;
                    param = p.unwrap_or_default();
                }
            }
        } else {
            raw_matches = std::mem::take(&mut self.inline_matches);
            if raw_matches.contains(" -j ") {
                return error("-j is only allowed when the ACTION is INLINE with no parameter");
            }
        }
        // `process_conntrack_rule` reads the line's `;;` matches again for a helper's CT rule.
        let inline_text = raw_matches.clone();
        if let Some(rest) = raw_matches.trim_start().strip_prefix('+') {
            prerule = rest.to_owned();
            raw_matches = String::new();
        }

        let mut actiontype = if basictarget.is_empty() {
            target::STANDARD
        } else {
            self.target_type(&basictarget)
        };
        if actiontype == 0 {
            return error(format!("Unknown ACTION ({action})"));
        }
        let usergenerated = actiontype & target::IPTABLES != 0;
        if actiontype == target::MACRO {
            self.macro_nest += 1;
            if self.macro_nest > 10 {
                return error("Macro/Inline invocations nested too deeply");
            }
            let param = if param.is_empty() || param == "PARAM" {
                current_param.to_owned()
            } else {
                param.clone()
            };
            let generated = self.process_macro(
                &basictarget,
                chain,
                &format!("{rule}{raw_matches}"),
                matches1,
                target,
                &param,
                &cols,
                wildcard,
            )?;
            self.macro_nest -= 1;
            return Ok(generated);
        }
        if actiontype & target::NFQ != 0 {
            action = handle_nfqueue(&param)?;
        } else if actiontype & target::SET != 0 {
            return error("SET and UNSET rules require Ipset Match in your kernel and iptables");
        } else if actiontype & target::AUDIT != 0 && basictarget == "AUDIT" {
            if !self.caps().has("AUDIT_TARGET") {
                return error("The AUDIT action requires AUDIT Target in your kernel and iptables");
            }
            if param.is_empty() {
                param = "drop".into();
            }
            if !matches!(param.as_str(), "accept" | "drop" | "reject") {
                return error(format!(
                    "Invalid AUDIT type ({param}) -- must be 'accept', 'drop' or 'reject'"
                ));
            }
            actiontype = target::STANDARD;
        } else if !usergenerated {
            if actiontype & target::NFLOG != 0 {
                super::log::validate_level(&action)?;
                loglevel = if loglevel.is_empty() {
                    action.clone()
                } else {
                    format!("{action}:{loglevel}")
                };
                action = "LOG".into();
            } else if actiontype
                & (target::ACTION | target::INLINE | target::IPTABLES | target::TARPIT)
                == 0
                && !param.is_empty()
                && actiontype & target::OPTIONS == 0
            {
                return error(format!(
                    "The {basictarget} TARGET does not accept a parameter"
                ));
            }
        }
        let had_modifier = action.ends_with(['-', '+', '!']);
        if had_modifier {
            if blacklist {
                return error("The +, - and ! modifiers are not allowed in the blrules file");
            }
            action.pop();
        }
        if actiontype & (target::ACTION | target::INLINE | target::IPTABLES | target::TARPIT) == 0 {
            if let Some(rest) = action.strip_suffix("()") {
                let _ = rest;
                return error(format!(
                    "The {basictarget} TARGET does not accept parameters"
                ));
            }
        }
        let natonly = actiontype & target::NATONLY != 0;
        // The filter rule of a DNAT/REDIRECT rule has its own fixed part.
        let mut nat_filter = actiontype & (target::NATRULE | target::NONAT) != 0 && !natonly;
        if actiontype & (target::NATRULE | target::NONAT | target::NATONLY) != 0 {
            self.check_nat_rule(&inaction, &param)?;
        }
        if actiontype & target::HELPER != 0 && self.section != section::NEW {
            return error("HELPER rules are only allowed in the NEW section");
        }
        let mut log_action = action.clone();
        if actiontype
            & (target::ACTION
                | target::MACRO
                | target::NFLOG
                | target::NFQ
                | target::CHAIN
                | target::INLINE)
            == 0
        {
            let bt = basictarget.trim_end_matches(['-', '+', '!']).to_owned();
            match bt.as_str() {
                "ACCEPT" => {
                    if blacklist {
                        action = "RETURN".into();
                    } else if cols.helper != "-" && self.section == section::NEW {
                        actiontype |= target::HELPER;
                    }
                }
                "REJECT" => {
                    if !param.is_empty() {
                        let option = match param.as_str() {
                            "icmp6-no-route"
                            | "no-route"
                            | "icmp6-adm-prohibited"
                            | "adm-prohibited"
                            | "icmp6-addr-unreachable"
                            | "addr-unreach"
                            | "icmp6-port-unreachable" => 1,
                            "tcp-reset" => 2,
                            _ => return error(format!("Invalid REJECT option ({param})")),
                        };
                        if option == 2 {
                            if resolve_proto(self.names(), &cols.proto) != Some(m::TCP) {
                                return error("tcp-reset may only be used with PROTO tcp");
                            }
                            exceptionrule = "-p 6 ".into();
                        }
                        action = format!("REJECT --reject-with {param}");
                    } else {
                        action = "reject".into();
                    }
                }
                "CONTINUE" => action = "RETURN".into(),
                "AUDIT" => action = format!("AUDIT --type {param}"),
                "HELPER" => {
                    if cols.helper == "-" {
                        return error(
                            "HELPER requires that a helper be specified in the HELPER column",
                        );
                    }
                    if self.section != section::NEW {
                        return error("HELPER rules may only appear in the NEW section");
                    }
                    action = String::new();
                }
                "WHITELIST" => {
                    if !blacklist {
                        return error("'WHITELIST' may only be used in the blrules file");
                    }
                    action = "RETURN".into();
                }
                "COUNT" => action = String::new(),
                "LOG" if loglevel.is_empty() => return error("LOG requires a log level"),
                "IP6TABLES" => {
                    if param.is_empty() {
                        action = String::new();
                    } else {
                        let tgt = param.split(' ').next().unwrap_or("");
                        if !super::chains::is_builtin_target(tgt) {
                            return error(format!("Unknown target ({tgt})"));
                        }
                        action = param.clone();
                    }
                }
                "TARPIT" => {
                    return unsupported(
                        "TARPIT requires the TARPIT capability, which the reference system lacks",
                    )
                }
                "REDIRECT" => {
                    let fw = self.topo.firewall.clone();
                    cols.dest =
                        super::nat::redirect_dest(natonly, inchain, &fw, &cols.dest, &cols.ports)
                            .into();
                }
                _ => {
                    if actiontype & target::NATRULE != 0 && cols.helper != "-" {
                        actiontype |= target::HELPER;
                    }
                }
            }
        }

        // Zones
        let mut sourcezone = String::new();
        let mut destzone = String::new();
        let mut sourceref = None;
        let mut destref = None;
        if !inchain {
            match cols.source.find(':') {
                Some(at) => {
                    if at + 1 == cols.source.len() {
                        return error(format!("Missing SOURCE Qualifier ({})", cols.source));
                    }
                    sourcezone = cols.source[..at].to_owned();
                    cols.source = after_zone(&cols.source, at);
                }
                None => {
                    sourcezone = cols.source.to_string();
                    cols.source = if actiontype == target::INLINE {
                        "-".into()
                    } else {
                        ALLIP.into()
                    };
                }
            }
            match cols.dest.find(':') {
                Some(at) => {
                    if at + 1 == cols.dest.len() {
                        return error(format!("Missing DEST Qualifier ({})", cols.dest));
                    }
                    destzone = cols.dest[..at].to_owned();
                    cols.dest = after_zone(&cols.dest, at);
                }
                None => {
                    destzone = cols.dest.to_string();
                    cols.dest = if actiontype == target::INLINE {
                        "-".into()
                    } else {
                        ALLIP.into()
                    };
                }
            }
            if sourcezone == "-" || sourcezone.is_empty() {
                return error("Missing source zone");
            }
            sourceref = self.topo.zone(&sourcezone).map(|it| it.kind);
            if sourceref.is_none() {
                return error(format!("Unknown source zone ({sourcezone})"));
            }
            if cols.user != "-" && sourcezone != self.topo.firewall {
                return error("USER/GROUP may only be specified when the SOURCE zone is $FW");
            }
            if natonly {
                destref = self.natonly_dest(&mut destzone, cols.dest.to_mut(), &log_action);
            } else if destzone == "-" || destzone.is_empty() {
                return error("Missing destination zone");
            } else {
                destref = self.topo.zone(&destzone).map(|it| it.kind);
                if destref.is_none() {
                    return error(format!("Unknown destination zone ({destzone})"));
                }
            }
        }
        let on_fw = |z: &Option<super::topology::ZoneKind>| {
            matches!(
                z,
                Some(super::topology::ZoneKind::Firewall | super::topology::ZoneKind::Vserver)
            )
        };
        let mut restriction = restrict::NONE;
        if !inchain {
            if on_fw(&sourceref) {
                restriction = if on_fw(&destref) {
                    restrict::ALL
                } else {
                    restrict::OUTPUT
                };
            } else if on_fw(&destref) {
                restriction = restrict::INPUT;
            }
        }
        if cols.origdest == "all" {
            cols.origdest = ALLIP.into();
        }

        let mut chain_name;
        if let Some(chain) = chain {
            chain_name = chain.to_owned();
        } else if natonly {
            chain_name = String::new();
        } else {
            if !self.bridge_reaches(&sourcezone, &destzone) {
                if wildcard {
                    return Ok(false);
                }
                return error(
                    "Rules with a DESTINATION Bridge Port zone must have a SOURCE zone on the same bridge",
                );
            }
            chain_name = self.rules_chain(&sourcezone, &destzone);
            if !self.chains.exists(TableId::Filter, &chain_name) {
                self.new_rules_chain(&sourcezone, &destzone);
            }
            if let Some(it) = self.chains.get_mut(TableId::Filter, &chain_name) {
                it.sourcezone.clone_from(&sourcezone);
                it.destzone.clone_from(&destzone);
            }
            if self.chains.chain(TableId::Filter, &chain_name).policy == "NONE" {
                if wildcard {
                    return Ok(false);
                }
                return error("Rules may not override a NONE policy");
            }
            if optimize == 1 && self.section == section::NEW {
                let policy = self
                    .chains
                    .chain(TableId::Filter, &chain_name)
                    .policy
                    .clone();
                let policychain = self
                    .chains
                    .chain(TableId::Filter, &chain_name)
                    .policychain
                    .clone();
                let polloglevel = self
                    .chains
                    .chain(TableId::Filter, &policychain)
                    .loglevel
                    .clone();
                if !polloglevel.is_empty() {
                    if target == format!("{policy}:{polloglevel}") {
                        return Ok(false);
                    }
                } else if basictarget == policy {
                    return Ok(false);
                }
            }
            chain_name = self.ensure_rules_chain(&sourcezone, &destzone)?;
            if self.section
                & (section::BLACKLIST
                    | section::ESTABLISHED
                    | section::RELATED
                    | section::INVALID
                    | section::UNTRACKED)
                != 0
            {
                let rules_log = self.rules_log(&sourcezone, &destzone);
                let blacklist_states = self.config.blacklist_states.clone();
                let (aux, logname, state) = match self.section {
                    section::BLACKLIST => (
                        format!("{chain_name}~"),
                        format!("{rules_log}~"),
                        blacklist_states.as_str(),
                    ),
                    section::ESTABLISHED => (
                        format!("^{chain_name}"),
                        format!("^{rules_log}"),
                        "ESTABLISHED",
                    ),
                    section::RELATED => {
                        (format!("+{chain_name}"), format!("+{rules_log}"), "RELATED")
                    }
                    section::INVALID => {
                        (format!("_{chain_name}"), format!("_{rules_log}"), "INVALID")
                    }
                    _ => (
                        format!("={chain_name}"),
                        format!("={rules_log}"),
                        "UNTRACKED",
                    ),
                };
                if !self.chains.exists(TableId::Filter, &aux) {
                    let save = std::mem::take(&mut self.chains.comment);
                    let chain = self.chains.new_chain(TableId::Filter, &aux, Some(&logname));
                    chain.blacklistsection = self.section == section::BLACKLIST;
                    let m = state_imatch(self, state);
                    self.chains
                        .add_ijump(TableId::Filter, &chain_name, Jump::Jump, &aux, m)?;
                    self.chains.comment = save;
                }
                chain_name = aux;
            }
        }

        // The 'local/loopback' warnings: in an action's chain, of the zones it was invoked for.
        if !wildcard {
            let (source, dest) = match chain {
                Some(chain) => {
                    let chain = self.chains.chain(TableId::Filter, chain);
                    (chain.sourcezone.clone(), chain.destzone.clone())
                }
                None => (sourcezone.clone(), destzone.clone()),
            };
            let firewall = super::topology::ZoneKind::Firewall;
            if let Some((destonly, kind)) = self.topo.zone(&source).map(|it| (it.destonly, it.kind))
            {
                if destonly {
                    self.warn("The SOURCE zone in this rule is 'destonly'");
                }
                if kind == firewall
                    && self.topo.has_loopback_zone()
                    && self.topo.zone(&dest).is_some_and(|it| it.kind == firewall)
                {
                    self.warn(
                        "$FW to $FW rules are ignored when there is a defined 'loopback' zone",
                    );
                }
            }
        }

        // Actions
        let mut actionchain = String::new();
        if actiontype & target::ACTION != 0 {
            let proto = self.determine_action_protocol(&basictarget, &cols.proto)?;
            cols.proto = proto.into();
            if cols.proto != "-" {
                cols.ports = self
                    .determine_action_dport(&basictarget, &cols.proto, &cols.ports)?
                    .into();
            }
            let options = self.actions.get(&basictarget).map_or(0, |it| it.options);
            if options & super::lower::opt::SECTION != 0 {
                let name = section::name(self.section);
                param = if param.is_empty() {
                    name.to_owned()
                } else {
                    format!("{name},{param}")
                };
            }
            let mut normalized = self.normalize_action(&basictarget, &loglevel, &param);
            if self.active.get(&basictarget).copied().unwrap_or(0) > 0 {
                return error(format!("Action {basictarget} invoked Recursively"));
            }
            if let Some(created) = self.use_action(&normalized)? {
                let save = std::mem::take(&mut self.statematch);
                let mut chain_ref = created;
                self.process_action(&mut normalized, &mut chain_ref, &chain_name)?;
                actionchain = chain_ref;
                self.statematch = save;
                // The action's body may have DNAT, REDIRECT or HELPER rules.
                actiontype = self.target_type(&basictarget);
                if actiontype & target::NATRULE != 0 {
                    self.chains.ensure_chain(TableId::Nat, &actionchain);
                    nat_filter = true;
                }
                if actiontype & target::HELPER != 0 {
                    self.chains.ensure_chain(TableId::Raw, &actionchain);
                }
            } else {
                actionchain = self
                    .usedactions
                    .get(&normalized)
                    .cloned()
                    .unwrap_or_default();
            }
            action = basictarget.clone();
        } else if actiontype & target::INLINE != 0 {
            self.macro_nest += 1;
            if self.macro_nest > 10 {
                return error("Macro/Inline invocations nested too deeply");
            }
            let generated = self.process_inline(
                &basictarget,
                &chain_name,
                &format!("{prerule}{rule}"),
                &format!("{matches1}{raw_matches}"),
                &loglevel,
                target,
                &param,
                &cols,
                wildcard,
            )?;
            self.macro_nest -= 1;
            return Ok(generated);
        }

        // The fixed part of the rule.
        let basic_for_rate = if nat_filter {
            "ACCEPT"
        } else {
            basictarget.trim_end_matches(['-', '+', '!'])
        };
        let mut hashlimitset = self.hashlimitset;
        let proto_text = m::do_proto(
            self.names(),
            self.caps(),
            &cols.proto,
            &cols.ports,
            &cols.sports,
        )?;
        let rate_text =
            m::do_ratelimit(self.caps(), &cols.rate, basic_for_rate, &mut hashlimitset)?;
        self.hashlimitset = hashlimitset;
        rule.push_str(&proto_text);
        rule.push_str(&rate_text);
        rule.push_str(&m::do_user(self.caps(), &cols.user)?);
        rule.push_str(&m::do_test(&cols.mark, self.config.tc_mask)?);
        rule.push_str(&m::do_connlimit(&cols.connlimit)?);
        if nat_filter {
            // Shorewall applies the rate limit of a NAT rule twice.
            let mut set = self.hashlimitset;
            rule.push_str(&m::do_ratelimit(
                self.caps(),
                &cols.rate,
                "ACCEPT",
                &mut set,
            )?);
            self.hashlimitset = set;
        }
        rule.push_str(&m::do_time(&cols.time)?);
        rule.push_str(&m::do_headers(&cols.headers)?);
        if cols.condition != "-" {
            return unsupported("A non-empty SWITCH column requires the Condition Match capability, which the reference system lacks");
        }
        if self.section
            & (section::ESTABLISHED | section::INVALID | section::RELATED | section::UNTRACKED)
            != 0
            && !nat_filter
        {
            let helper = self.do_helper(&cols.helper)?;
            rule.push_str(&helper);
        }
        if !nat_filter {
            rule.push_str(matches1);
        }
        rule.push_str(&raw_matches);

        if self.section & (section::NEW | section::POLICYACTION) == 0
            && inaction.is_empty()
            && !blacklist
            && basictarget != "dropInvalid"
        {
            if self.config.fastaccept {
                let allowed = self.section & (section::UNTRACKED | section::INVALID | section::ALL)
                    != 0
                    || (self.section & section::RELATED != 0
                        && (self.config.related.disposition != "ACCEPT"
                            || !self.config.related.level.is_empty()));
                if !allowed {
                    return error(format!(
                        "Entries in the {} SECTION of the rules file not permitted with FASTACCEPT=Yes",
                        section::name(self.section)
                    ));
                }
            }
            if self.section == section::ESTABLISHED {
                let text = state_match(self, "ESTABLISHED");
                rule.push_str(&text);
            }
        }

        if actiontype & target::HELPER != 0 {
            let dest = if cols.origdest.is_empty() {
                cols.dest.clone()
            } else {
                cols.origdest.clone()
            };
            let action_target = if actiontype & target::ACTION != 0 {
                actionchain.clone()
            } else {
                String::new()
            };
            let action_chain = if inchain {
                chain_name.clone()
            } else {
                String::new()
            };
            self.handle_helper_rule(&super::conntrack::HelperRule {
                helper: &cols.helper,
                source: &cols.source,
                dest: &dest,
                proto: &cols.proto,
                ports: &cols.ports,
                sports: &cols.sports,
                user: &cols.user,
                sourcezone: &sourcezone,
                action_target: &action_target,
                action_chain: &action_chain,
                rule: &rule,
                raw_matches: &inline_text,
            })?;
            if let Some(action) = self.actions.get_mut(&inaction) {
                action.kind |= target::HELPER;
            }
            if natonly && actiontype & target::NATRULE == 0 {
                return Ok(true);
            }
        }
        if actiontype & target::NATRULE != 0 {
            // In an inline action's body, the zone is the one of the chain it expands into.
            let sourcezone = if inchain {
                self.chains
                    .get(TableId::Filter, &chain_name)
                    .map(|it| it.sourcezone.clone())
                    .unwrap_or_default()
            } else {
                sourcezone.clone()
            };
            let nat = super::nat::NatRule {
                dest: &cols.dest,
                proto: &cols.proto,
                ports: &cols.ports,
                origdest: &cols.origdest,
                action: &action,
                sourcezone: &sourcezone,
                rule: &rule,
                source: &cols.source,
                loglevel: if actiontype & target::ACTION != 0 {
                    ""
                } else {
                    &loglevel
                },
                log_action: &log_action,
                action_target: if actiontype & target::ACTION != 0 {
                    &actionchain
                } else {
                    ""
                },
                action_chain: if inaction.is_empty() { "" } else { &chain_name },
            };
            let translated = self.handle_nat_rule(&nat, wildcard)?;
            if natonly {
                return Ok(true);
            }
            cols.ports = translated.ports.clone().into();
            rule = self.nat_filter_matches(rule_matches, &cols, &raw_matches, &translated)?;
            cols.dest = translated.server.into();
            loglevel.clear();
            action = "ACCEPT".into();
            if cols.origdest.contains('+') {
                cols.origdest = ALLIP.into();
            }
        } else if actiontype & target::NONAT != 0 {
            let in_action = if inaction.is_empty() { "" } else { &chain_name };
            let nonat = (
                rule.as_str(),
                loglevel.as_str(),
                log_action.as_str(),
                in_action,
            );
            self.handle_nonat_rule(&action, &cols, nonat, wildcard)?;
            if natonly {
                return Ok(true);
            }
        }
        if actiontype & target::ACTION != 0 {
            action = actionchain.clone();
            let options = self.actions.get(&basictarget).map_or(0, |it| it.options);
            if options & super::lower::opt::LOGJUMP != 0 {
                log_action = basictarget.clone();
            } else {
                loglevel.clear();
            }
        }
        if actiontype & target::AUDIT != 0 {
            // `verify_audit`: the A_ target is a chain that audits, then disposes.
            self.ensure_audit_chain(&action, None, None)?;
        }
        let unreachable = !(wildcard || self.section == section::POLICYACTION)
            && self.unreachable_warning(&chain_name);
        if !unreachable {
            self.expand_rule(
                TableId::Filter,
                &chain_name,
                restriction,
                &prerule,
                &rule,
                &cols.source,
                &cols.dest,
                &cols.origdest,
                &action,
                &loglevel,
                &log_action,
                &exceptionrule,
                usergenerated && loglevel.is_empty(),
                "",
            )?;
        }
        Ok(true)
    }

    /// `ensure_audit_chain`: the chain `target` (`A_DROP`, ...) that sends the packet to
    /// AUDIT with the disposition's type and then to the disposition.
    pub(crate) fn ensure_audit_chain(
        &mut self,
        target: &str,
        action: Option<&str>,
        tgt: Option<&str>,
    ) -> Result<String> {
        if !self.caps().has("AUDIT_TARGET") {
            return error(format!(
                "{target} rules require AUDIT Target in your kernel and iptables"
            ));
        }
        self.ensure_audit_chain_in(TableId::Filter, target, action, tgt)
    }

    /// `ensure_audit_chain` in any table, without the capability check of `verify_audit`.
    pub(crate) fn ensure_audit_chain_in(
        &mut self,
        f: TableId,
        target: &str,
        action: Option<&str>,
        tgt: Option<&str>,
    ) -> Result<String> {
        if !self.chains.exists(f, target) {
            let save = std::mem::take(&mut self.chains.comment);
            self.chains.new_chain(f, target, None);
            let action = action.map_or_else(
                || target.strip_prefix("A_").unwrap_or(target).to_owned(),
                str::to_owned,
            );
            let tgt = tgt.map_or_else(|| action.clone(), str::to_owned);
            let audit = format!("AUDIT --type {}", action.to_ascii_lowercase());
            self.chains
                .add_ijump(f, target, Jump::Jump, &audit, vec![])?;
            if tgt == "REJECT" {
                self.chains
                    .add_ijump(f, target, Jump::Goto, "reject", vec![])?;
            } else {
                self.chains.add_ijump(f, target, Jump::Jump, &tgt, vec![])?;
            }
            self.chains.comment = save;
        }
        Ok(target.to_owned())
    }

    /// `unreachable_warning`: rules after an unconditional jump are discarded.
    fn unreachable_warning(&mut self, chain: &str) -> bool {
        if self.chains.chain(TableId::Filter, chain).complete {
            // Once per chain (`unreachable_warned`); nat chains are keyed by their bare name.
            if self.unreachable_warned.insert(format!("filter:{chain}")) {
                let name = chain.to_owned();
                self.warn(format!(
                    "One or more unreachable rules in chain {name} have been discarded"
                ));
            }
            return true;
        }
        false
    }

    /// `determine_action_protocol`.
    pub(crate) fn determine_action_protocol(&self, action: &str, proto: &str) -> Result<String> {
        match self.actions.get(action).and_then(|it| it.proto) {
            Some(actionproto) => {
                if proto == "-" {
                    Ok(actionproto.to_string())
                } else {
                    match resolve_proto(self.names(), proto) {
                        Some(number) if number == actionproto => Ok(number.to_string()),
                        Some(_) => error(format!(
                            "The {action} action is only usable with {}",
                            m::proto_name(self.names(), actionproto)
                        )),
                        None => error(format!("Unknown protocol ({proto})")),
                    }
                }
            }
            None => Ok(proto.to_owned()),
        }
    }

    /// `determine_action_dport`.
    pub(crate) fn determine_action_dport(
        &self,
        action: &str,
        proto: &str,
        dport: &str,
    ) -> Result<String> {
        match self
            .actions
            .get(action)
            .map(|it| it.dport.clone())
            .filter(|it| !it.is_empty())
        {
            Some(actiondport) => {
                if dport == "-" {
                    Ok(actiondport)
                } else if dport.contains(',') {
                    error(format!(
                        "The {action} action is only usable with destination port {actiondport}"
                    ))
                } else {
                    m::validate_port(self.names(), proto, dport)
                }
            }
            None => Ok(dport.to_owned()),
        }
    }

    // ---- expand_rule ----------------------------------------------------------------

    /// `expand_rule`: the rules for every source × destination address of a rule.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn expand_rule(
        &mut self,
        table: TableId,
        chain: &str,
        restriction: u32,
        prerule: &str,
        rule: &str,
        source: &str,
        dest: &str,
        origdest: &str,
        target: &str,
        loglevel: &str,
        disposition: &str,
        exceptionrule: &str,
        usergenerated: bool,
        logname: &str,
    ) -> Result<()> {
        if self.chains.closed(table, chain) {
            return Ok(());
        }
        let (onets, oexcl, oexcl_rule) = super::nat::handle_original_dest(self.caps(), origdest)?;
        if !source.contains('(') && !dest.contains('(') {
            // One source and one destination, as they are.
            return self.expand_rule1(
                table,
                chain,
                restriction,
                prerule,
                rule,
                source,
                dest,
                (&onets, &oexcl_rule, &oexcl),
                target,
                loglevel,
                disposition,
                exceptionrule,
                usergenerated,
                logname,
            );
        }
        let sources = if source.contains('(') {
            split_list3(source, "SOURCE")?
        } else {
            vec![source.to_owned()]
        };
        let dests = if dest.contains('(') {
            split_list3(dest, "DEST")?
        } else {
            vec![dest.to_owned()]
        };
        for source in &sources {
            let source = unparen_qualified(source);
            for dest in &dests {
                let dest = unparen_qualified(dest);
                self.expand_rule1(
                    table,
                    chain,
                    restriction,
                    prerule,
                    rule,
                    &source,
                    &dest,
                    (&onets, &oexcl_rule, &oexcl),
                    target,
                    loglevel,
                    disposition,
                    exceptionrule,
                    usergenerated,
                    logname,
                )?;
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn expand_rule1(
        &mut self,
        table: TableId,
        chain: &str,
        restriction: u32,
        prerule: &str,
        rule: &str,
        source: &str,
        dest: &str,
        origdest: (&[String], &str, &str),
        target: &str,
        loglevel: &str,
        disposition: &str,
        exceptionrule: &str,
        usergenerated: bool,
        logname: &str,
    ) -> Result<()> {
        // The run-time loops an interface opens (`push_command`) close after the rule
        // (`pop_commands`).
        let level = self.chains.get(table, chain).map_or(0, |it| it.cmdlevel);
        let result = self.expand_rule1_in_loops(
            table,
            chain,
            restriction,
            prerule,
            rule,
            source,
            dest,
            origdest,
            target,
            loglevel,
            disposition,
            exceptionrule,
            usergenerated,
            logname,
        );
        while self.chains.get(table, chain).map_or(0, |it| it.cmdlevel) > level {
            self.chains.decr_cmd_level(table, chain);
            self.chains.add_commands(table, chain, &["done"]);
        }
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn expand_rule1_in_loops(
        &mut self,
        table: TableId,
        chain: &str,
        restriction: u32,
        prerule: &str,
        rule: &str,
        source: &str,
        dest: &str,
        (onets, oexcl_rule, oexcl): (&[String], &str, &str),
        target: &str,
        loglevel: &str,
        disposition: &str,
        exceptionrule: &str,
        usergenerated: bool,
        logname: &str,
    ) -> Result<()> {
        let action_chain_name = self
            .actparams
            .as_ref()
            .map(|it| it.chain_name.clone())
            .filter(|it| !it.is_empty());
        let chain_for_log = action_chain_name
            .clone()
            .unwrap_or_else(|| chain.to_owned());
        let basictarget = target.split(' ').next().unwrap_or("").to_owned();
        let target_is_chain = !basictarget.is_empty() && self.chains.exists(table, &basictarget);
        let jump = if target.is_empty() || target_is_chain {
            String::new()
        } else {
            format!("-j {target}")
        };
        let disposition = disposition
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_owned();
        let mut rule = rule.to_owned();

        let (mut loglevel, logtag) = if loglevel.is_empty() {
            if disposition == "LOG" && !usergenerated {
                return error("LOG requires a level");
            }
            (String::new(), String::new())
        } else {
            let (level, tag) = super::log::split_level_tag(loglevel)?;
            if level.trim_end_matches('!').eq_ignore_ascii_case("none") {
                if disposition == "LOG" {
                    return Ok(());
                }
                (String::new(), String::new())
            } else {
                (super::log::validate_level(&level)?, tag)
            }
        };
        if loglevel.is_empty() {
            loglevel.clear();
        }

        let mut iiface = None;
        let mut inets = String::new();
        if !source.is_empty() && source != "-" {
            let (i, n) = isolate_interface(source);
            iiface = i;
            inets = n.unwrap_or_default();
        }
        if let Some(iface) = &iiface {
            rule.push_str(&self.verify_source_interface(iface, restriction, table, chain)?);
        }
        let mut diface = None;
        let mut dnets = String::new();
        if !dest.is_empty() && dest != "-" {
            if dest.starts_with('$') {
                dnets = dest.to_owned();
            } else {
                let (i, n) = isolate_interface(dest);
                diface = i;
                dnets = n.unwrap_or_default();
            }
        }
        if let Some(iface) = &diface {
            rule.push_str(&self.verify_dest_interface(
                iface,
                restriction,
                table,
                chain,
                iiface.as_deref(),
            )?);
        }
        rule.push_str(oexcl_rule);

        let mut sprerule = String::new();
        let mut dprerule = String::new();
        let mut iexcl = String::new();
        let mut dexcl = String::new();
        if !inets.is_empty() {
            let (n, e) = handle_network_list(&inets, "SOURCE")?;
            inets = n;
            iexcl = e;
            if inets.is_empty() && !iexcl.starts_with("+[") {
                let list = split_host_list(&iexcl)?;
                if list.len() == 1 {
                    sprerule = match_net(&format!("!{iexcl}"), Side::Source)?;
                    iexcl.clear();
                }
            }
        }
        if !dnets.is_empty() {
            let (n, e) = handle_network_list(&dnets, "DEST")?;
            dnets = n;
            dexcl = e;
            if dnets.is_empty() && !dexcl.starts_with("+[") {
                let list = split_host_list(&dexcl)?;
                if list.len() == 1 {
                    dprerule = match_net(&format!("!{dexcl}"), Side::Dest)?;
                    dexcl.clear();
                }
            }
        }
        if inets.is_empty() {
            inets = ALLIP.into();
        }
        if dnets.is_empty() {
            dnets = ALLIP.into();
        }
        // The interface's run-time loop already matches the addresses (`$source`, `$dest`).
        let own_loop = table == TableId::Mangle;
        if own_loop
            && restriction == restrict::POSTROUTE
            && iiface.is_some()
            && (inets != ALLIP || !iexcl.is_empty() || !sprerule.is_empty())
        {
            return error("SOURCE interface may not be specified with a source IP address in the POSTROUTING chain");
        }
        if own_loop
            && restriction == restrict::PREROUTE
            && diface.is_some()
            && (dnets != ALLIP || !dexcl.is_empty() || !dprerule.is_empty())
        {
            return error("DEST interface may not be specified with a destination IP address in the PREROUTING chain");
        }

        if (!iexcl.is_empty() || !dexcl.is_empty() || !oexcl.is_empty())
            && (disposition == "RETURN" || disposition == "CONTINUE")
        {
            // No exclusion chain can return from a RETURN: the excluded packets are marked
            // first, and the rules below match only unmarked ones.
            if table != TableId::Mangle && !self.caps().has("MARK_ANYWHERE") {
                return error("Exclusion in ACCEPT+/CONTINUE/NONAT rules requires Mark in the filter and nat tables in your kernel and iptables");
            }
            if rule.contains(" -m mark ") && !self.caps().has("KLUDGEFREE") {
                return error("Exclusion in ACCEPT+/CONTINUE/NONAT rules requires the Multiple Match capability in your kernel and iptables");
            }
            let mask = self.config.exclusion_mask;
            self.chains.add_ijump(
                table,
                chain,
                Jump::Jump,
                &format!("MARK --and-mark {:#x}", mask ^ 0xffff_ffff),
                vec![],
            )?;
            let exclude = format!("-j MARK --or-mark {mask:#x}");
            for excluded in split_host_list(&iexcl)? {
                let text = format!("{}{exclude}", match_net(&excluded, Side::Source)?);
                self.chains.add_rule(table, chain, &text, false)?;
            }
            for excluded in split_host_list(&dexcl)? {
                let text = format!("{}{exclude}", match_net(&excluded, Side::Dest)?);
                self.chains.add_rule(table, chain, &text, false)?;
            }
            for excluded in split_host_list(oexcl)? {
                let text = format!("{}{exclude}", super::nat::match_orig_dest(&excluded)?);
                self.chains.add_rule(table, chain, &text, false)?;
            }
            rule.push_str(&format!("-m mark --mark 0/{mask:#x} "));
        } else if !iexcl.is_empty() || !dexcl.is_empty() || !oexcl.is_empty() {
            return self.handle_exclusion(
                table,
                chain,
                &chain_for_log,
                &disposition,
                prerule,
                &sprerule,
                &dprerule,
                &rule,
                &inets,
                &iexcl,
                &dnets,
                &dexcl,
                onets,
                oexcl,
                &loglevel,
                &logtag,
                target,
                target_is_chain,
                exceptionrule,
                &jump,
            );
        }

        for (inet, dnet, onet) in super::nat::address_product(&inets, &dnets, onets)? {
            let source_match = match_net(&inet, Side::Source)?;
            {
                let dest_match = match_net(&dnet, Side::Dest)?;
                // The rule's text with `prerule` in front (what most rules add), in one string.
                let mut line = String::with_capacity(
                    prerule.len()
                        + source_match.len()
                        + sprerule.len()
                        + dest_match.len()
                        + dprerule.len()
                        + onet.len()
                        + rule.len()
                        + jump.len(),
                );
                for part in [
                    prerule,
                    &source_match,
                    &sprerule,
                    &dest_match,
                    &dprerule,
                    &onet,
                    &rule,
                ] {
                    line.push_str(part);
                }
                let matches = &line[prerule.len()..];
                if loglevel.is_empty() || usergenerated {
                    if target_is_chain {
                        let goto = self.chains.is_terminating(table, &basictarget)
                            && self.chains.chain(table, &basictarget).complete;
                        let goto = goto
                            || (self.chains.chain(table, &basictarget).complete
                                && self.chains.chain(table, &basictarget).optflags
                                    & super::chains::RETURNS
                                    == 0);
                        self.chains
                            .add_expanded_jump(table, chain, &basictarget, goto, &line)?;
                    } else {
                        line.push_str(&jump);
                        self.chains.add_rule(table, chain, &line, true)?;
                    }
                } else if disposition == "LOG" || disposition == "COUNT" {
                    let dispo = match self.action_disposition() {
                        Some(it) => it,
                        None if disposition == "reject" => "REJECT".to_owned(),
                        None => disposition.clone(),
                    };
                    self.log_rule_limit(
                        &loglevel,
                        table,
                        chain,
                        &chain_for_log,
                        &dispo,
                        Some(""),
                        &logtag,
                        true,
                        &line,
                    )?;
                } else if !logname.is_empty() || basictarget == "RETURN" {
                    let dispo = self
                        .action_disposition()
                        .unwrap_or_else(|| disposition.clone());
                    let name = if logname.is_empty() {
                        chain_for_log.clone()
                    } else {
                        logname.to_owned()
                    };
                    self.log_rule_limit(
                        &loglevel,
                        table,
                        chain,
                        &name,
                        &dispo,
                        Some(""),
                        &logtag,
                        true,
                        &line,
                    )?;
                    if target_is_chain {
                        self.chains.add_expanded_jump(
                            table,
                            chain,
                            &basictarget,
                            false,
                            matches,
                        )?;
                    } else {
                        self.chains
                            .add_rule(table, chain, &format!("{matches}{jump}"), true)?;
                    }
                } else {
                    let dispo = self
                        .action_disposition()
                        .unwrap_or_else(|| disposition.clone());
                    let logchain = self.logchain(
                        table,
                        chain,
                        &chain_for_log,
                        &loglevel,
                        &logtag,
                        exceptionrule,
                        &dispo,
                        target,
                    )?;
                    let goto = self.chains.terminating.contains(&basictarget)
                        || (target_is_chain && self.chains.chain(table, &basictarget).complete);
                    self.chains
                        .add_expanded_jump(table, chain, &logchain, goto, &line)?;
                }
            }
        }
        Ok(())
    }

    fn action_disposition(&self) -> Option<String> {
        self.actparams
            .as_ref()
            .and_then(|it| it.disposition.clone())
            .filter(|it| !it.is_empty())
    }

    /// `verify_source_interface`: `-i IFACE` for an interface in SOURCE.
    fn verify_source_interface(
        &mut self,
        iface: &str,
        restriction: u32,
        table: TableId,
        chain: &str,
    ) -> Result<String> {
        let bare = iface.trim_start_matches('!');
        if self.topo.known_interface(bare).is_none() {
            return error(format!("Unknown Interface ({bare})"));
        }
        if restriction & restrict::POSTROUTE != 0 && table == TableId::Mangle {
            // A loop over the interface's networks, known at run time only (empty offline,
            // as in compile6): the rule makes no line.
            if self
                .topo
                .known_interface(bare)
                .is_some_and(|it| it.option("port"))
            {
                return error("Bridge ports may not appear in the SOURCE column of this file");
            }
            if bare.ends_with('+') {
                return error(format!(
                    "A wildcard interface ( {bare}) is not allowed in this context"
                ));
            }
            let warning = "Using an interface as the SOURCE in a T: rule requires the interface to be up and configured when Shorewall6 starts/restarts/reloads";
            if !self.warnings.iter().any(|it| it.message == warning) {
                self.warn_at_place(warning.to_owned());
            }
            let nets = interface_nets_variable(bare);
            self.chains
                .add_commands(table, chain, &[&format!("for source in {nets}; do")]);
            self.chains.incr_cmd_level(table, chain);
            return Ok("-s $source ".to_owned());
        }
        if restriction & restrict::POSTROUTE != 0 {
            return unsupported(format!("A SOURCE interface in a POSTROUTING rule ({bare}: a run-time loop over its networks) is not supported by the preview"));
        }
        if restriction & restrict::OUTPUT != 0 {
            if self
                .chains
                .get(table, chain)
                .is_some_and(|it| it.accounting)
            {
                return error(format!(
                    "Source Interface ({bare}) not allowed in the {chain} chain"
                ));
            }
            return error(format!(
                "Source Interface ({bare}) not allowed when the SOURCE is the firewall"
            ));
        }
        let invert = if iface.starts_with('!') { "! " } else { "" };
        let physical = self.topo.physical_of(bare);
        if physical == "+" {
            return Ok(String::new());
        }
        if let Some(bridge) = self.bridge_of_port(bare) {
            return Ok(format!(
                "-i {bridge} {invert}-m physdev --physdev-in {physical} "
            ));
        }
        Ok(format!("{invert}-i {physical} "))
    }

    /// Whether a rule from `source` may go to `dest`: any zone but a bport zone, which needs a
    /// source zone on its bridge or one whose only interface (`single_interface`) is the bridge.
    fn bridge_reaches(&self, source: &str, dest: &str) -> bool {
        let Some(dest) = self.topo.zone(dest) else {
            return true;
        };
        if dest.kind != super::topology::ZoneKind::Bport {
            return true;
        }
        let Some(source) = self.topo.zone(source) else {
            return true;
        };
        let single = match source.interfaces.keys().as_slice() {
            [single] => single.clone(),
            _ => String::new(),
        };
        source.bridge == dest.bridge || single == dest.bridge
    }

    /// `port_to_bridge`, as the bridge's physical name: `None` unless `iface` is a bridge port.
    fn bridge_of_port(&self, iface: &str) -> Option<String> {
        let interface = self.topo.known_interface(iface)?;
        interface
            .option("port")
            .then(|| self.topo.physical_of(&interface.bridge))
    }

    /// `verify_dest_interface`: `-o IFACE` for an interface in DEST.
    fn verify_dest_interface(
        &mut self,
        iface: &str,
        restriction: u32,
        table: TableId,
        chain: &str,
        iiface: Option<&str>,
    ) -> Result<String> {
        let bare = iface.trim_start_matches('!');
        if self.topo.known_interface(bare).is_none() {
            return error(format!("Unknown Interface ({bare})"));
        }
        if restriction & restrict::PREROUTE != 0 && table == TableId::Mangle {
            // A loop over the interface's networks, as for a SOURCE in POSTROUTING.
            if self
                .topo
                .known_interface(bare)
                .is_some_and(|it| it.option("port"))
            {
                return error(format!("Bridge port ({bare}) not allowed"));
            }
            if bare.ends_with('+') {
                return error(format!(
                    "A wildcard interface ({bare}) is not allowed in this context"
                ));
            }
            let nets = interface_nets_variable(bare);
            self.chains
                .add_commands(table, chain, &[&format!("for dest in {nets}; do")]);
            self.chains.incr_cmd_level(table, chain);
            return Ok("-d $dest ".to_owned());
        }
        if restriction & restrict::PREROUTE != 0 {
            return unsupported(format!("A destination interface in a PREROUTING rule ({bare}: a run-time loop over its networks) is not supported by the preview"));
        }
        let bridge = self.bridge_of_port(bare);
        if restriction & (restrict::POSTROUTE | restrict::OUTPUT) != 0 && bridge.is_some() {
            return error(format!(
                "Bridge Port ({bare}) not allowed in OUTPUT or POSTROUTING rules"
            ));
        }
        if restriction & restrict::INPUT != 0 {
            return error(format!("Destination Interface ({bare}) not allowed when the destination zone is the firewall"));
        }
        if let (Some(bridge), Some(source)) = (&bridge, iiface) {
            // `source_port_to_bridge`: a source interface's bridge is itself unless a port.
            let source_bridge = self
                .topo
                .known_interface(source.trim_start_matches('!'))
                .map(|it| self.topo.physical_of(&it.bridge));
            if source_bridge.as_deref() != Some(bridge.as_str()) {
                return error(format!("Source interface ({source}) is not a port on the same bridge as the destination interface ( {bare} )"));
            }
        }
        let invert = if iface.starts_with('!') { "! " } else { "" };
        let physical = self.topo.physical_of(bare);
        if physical == "+" {
            return Ok(String::new());
        }
        if let Some(bridge) = bridge {
            let bridged = if self.caps().has("PHYSDEV_BRIDGE") {
                "--physdev-is-bridged "
            } else {
                ""
            };
            return Ok(format!(
                "-o {bridge} {invert}-m physdev {bridged}--physdev-out {physical} "
            ));
        }
        Ok(format!("{invert}-o {physical} "))
    }

    /// `handle_exclusion`: an exclusion chain `~exclN` with RETURNs for the excluded
    /// addresses, reached from the rule.
    #[allow(clippy::too_many_arguments)]
    fn handle_exclusion(
        &mut self,
        table: TableId,
        chain: &str,
        chain_for_log: &str,
        disposition: &str,
        prerule: &str,
        sprerule: &str,
        dprerule: &str,
        rule: &str,
        inets: &str,
        iexcl: &str,
        dnets: &str,
        dexcl: &str,
        onets: &[String],
        oexcl: &str,
        loglevel: &str,
        logtag: &str,
        target: &str,
        target_is_chain: bool,
        exceptionrule: &str,
        jump: &str,
    ) -> Result<()> {
        let echain = self.chains.next_seq_name(table, "~excl");
        self.chains.new_chain(table, &echain, None).optflags |= DONT_MOVE;
        for (inet, dnet, onet) in super::nat::address_product(inets, dnets, onets)? {
            let source_match = match_net(&inet, Side::Source)?;
            {
                let dest_match = match_net(&dnet, Side::Dest)?;
                let predicate =
                    format!("{prerule}{source_match}{sprerule}{dest_match}{dprerule}{onet}{rule}");
                self.chains
                    .add_expanded_jump(table, chain, &echain, false, &predicate)?;
            }
        }
        for excluded in split_host_list(iexcl)? {
            let text = format!("{}-j RETURN", match_net(&excluded, Side::Source)?);
            self.chains.add_rule(table, &echain, &text, false)?;
        }
        for excluded in split_host_list(dexcl)? {
            let text = format!("{}-j RETURN", match_net(&excluded, Side::Dest)?);
            self.chains.add_rule(table, &echain, &text, false)?;
        }
        for excluded in split_host_list(oexcl)? {
            let text = format!("{}-j RETURN", super::nat::match_orig_dest(&excluded)?);
            self.chains.add_rule(table, &echain, &text, false)?;
        }
        if !loglevel.is_empty() {
            let dispo = self.action_disposition().unwrap_or_else(|| {
                if disposition == "reject" {
                    "REJECT".to_owned()
                } else {
                    disposition.to_owned()
                }
            });
            self.log_irule_limit(
                loglevel,
                table,
                &echain,
                chain_for_log,
                &dispo,
                logtag,
                vec![],
            )?;
        }
        if target_is_chain {
            let basic = target.split(' ').next().unwrap_or("").to_owned();
            self.chains
                .add_expanded_jump(table, &echain, &basic, false, exceptionrule)?;
        } else if disposition != "LOG" {
            self.chains
                .add_rule(table, &echain, &format!("{exceptionrule}{jump}"), true)?;
        }
        Ok(())
    }

    /// `logchain`: the `~logN` chain that logs and applies `target`, shared by the rules of
    /// `chain` with the same level, tag, disposition and target.
    #[allow(clippy::too_many_arguments)]
    fn logchain(
        &mut self,
        table: TableId,
        chain: &str,
        chain_for_log: &str,
        loglevel: &str,
        logtag: &str,
        exceptionrule: &str,
        disposition: &str,
        target: &str,
    ) -> Result<String> {
        let key = format!("{loglevel}:{logtag}:{exceptionrule}:{disposition}:{target}");
        if let Some(existing) = self.chains.chain(table, chain).logchains.get(&key) {
            return Ok(existing.clone());
        }
        let name = self.chains.next_seq_name(table, "~log");
        self.chains.new_chain(table, &name, None);
        if let Some(it) = self.chains.get_mut(table, chain) {
            it.logchains.insert(key, name.clone());
        }
        let _ = chain_for_log;
        let logname = self.chains.chain(table, chain).logname.clone();
        let name_for_log = self
            .actparams
            .as_ref()
            .map(|it| it.chain_name.clone())
            .filter(|it| !it.is_empty())
            .unwrap_or(logname);
        self.log_irule_limit(
            loglevel,
            table,
            &name,
            &name_for_log,
            disposition,
            logtag,
            vec![],
        )?;
        self.chains
            .add_jump(table, &name, target, false, exceptionrule, false)?;
        Ok(name)
    }

    // ---- logging --------------------------------------------------------------------

    /// `log_rule_limit`: adds a LOG rule with text `matches` to `chain`, with the log limit
    /// unless `limit` is given (`Some("")` means the default limit too).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn log_rule_limit(
        &mut self,
        level: &str,
        table: TableId,
        chain: &str,
        chain_for_log: &str,
        disposition: &str,
        limit: Option<&str>,
        tag: &str,
        add: bool,
        matches: &str,
    ) -> Result<()> {
        let level = super::log::validate_level(level)?;
        if level.is_empty() {
            return Ok(());
        }
        let name = self
            .actparams
            .as_ref()
            .map(|it| it.chain_name.clone())
            .filter(|it| !it.is_empty())
            .unwrap_or_else(|| chain_for_log.to_owned());
        let dispo = self
            .action_disposition()
            .unwrap_or_else(|| disposition.to_owned());
        let mut matches = matches.to_owned();
        if !matches.is_empty() && !matches.ends_with(' ') {
            matches.push(' ');
        }
        if !matches.contains("-m limit ") && !matches.contains("-m hashlimit ") {
            let limit = match limit {
                Some(it) if !it.is_empty() && it != "-" => it.to_owned(),
                _ => self.config.log.limit_text.clone(),
            };
            matches.push_str(&limit);
        }
        let number = self.chains.chain(table, chain).log;
        let (target_text, warning) =
            super::log::log_target(&self.config.log, &level, &name, &dispo, tag, number);
        if self.config.log.rule_numbers {
            if let Some(it) = self.chains.get_mut(table, chain) {
                it.log += 1;
            }
        }
        if let Some(warning) = warning {
            self.warn(warning);
        }
        let text = format!("{matches}-j {target_text} ");
        if add {
            self.chains
                .add_rule(table, chain, &text, !matches.is_empty())?;
        } else {
            self.chains.insert_rule(table, chain, 0, &text)?;
        }
        Ok(())
    }

    /// `log_irule_limit`: a LOG rule built from matches.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn log_irule_limit(
        &mut self,
        level: &str,
        table: TableId,
        chain: &str,
        chain_for_log: &str,
        disposition: &str,
        tag: &str,
        matches: Vec<Match>,
    ) -> Result<()> {
        let level = super::log::validate_level(level)?;
        if level.is_empty() {
            return Ok(());
        }
        let name = self
            .actparams
            .as_ref()
            .map(|it| it.chain_name.clone())
            .filter(|it| !it.is_empty())
            .unwrap_or_else(|| chain_for_log.to_owned());
        let dispo = self
            .action_disposition()
            .unwrap_or_else(|| disposition.to_owned());
        let mut matches = matches;
        let limited = matches
            .iter()
            .any(|it| it.key == "limit" || it.key == "hashlimit");
        if !limited {
            matches.extend(self.config.log.limit_matches.clone());
        }
        let number = self.chains.chain(table, chain).log;
        let (target_text, warning) =
            super::log::log_target(&self.config.log, &level, &name, &dispo, tag, number);
        if self.config.log.rule_numbers {
            if let Some(it) = self.chains.get_mut(table, chain) {
                it.log += 1;
            }
        }
        if let Some(warning) = warning {
            self.warn(warning);
        }
        self.chains
            .add_ijump(table, chain, Jump::Jump, &target_text, matches)?;
        Ok(())
    }

    /// `add_interface_options`: with blrules, the rules chains get the interface option rules
    /// (copied, or a jump per interface); without, the option chains' rules move to the
    /// interface chains.
    fn add_interface_options(&mut self, blrules: bool) -> Result<()> {
        if blrules {
            return self.add_interface_options_to_rules_chains();
        }
        for interface in self.topo.real_interfaces() {
            let logical = self.interface_chain_base(&interface);
            for (option, chain, flag) in [
                ("_iop", "_in", "use_input_chain"),
                ("_fop", "_fwd", "use_forward_chain"),
                ("_oop", "_out", "use_output_chain"),
            ] {
                let from = format!("{logical}{option}");
                let to = format!("{logical}{chain}");
                if self
                    .chains
                    .get(TableId::Filter, &from)
                    .is_some_and(|it| !it.rules.is_empty())
                {
                    self.chains.move_rules(TableId::Filter, &from, &to);
                    if let Some(it) = self.topo.interface_mut(&interface) {
                        it.options.insert(flag.into(), "1".into());
                    }
                }
            }
        }
        Ok(())
    }

    /// `add_interface_options` when there are blacklist rules.
    fn add_interface_options_to_rules_chains(&mut self) -> Result<()> {
        // `calculate_digest`: chains with the same rules are interchangeable.
        let digest = |compiler: &Self, chain: &str| -> Vec<String> {
            compiler
                .chains
                .get(TableId::Filter, chain)
                .map(|it| {
                    it.rules
                        .iter()
                        .map(|rule| super::emit::format_rule("", rule))
                        .collect()
                })
                .unwrap_or_default()
        };
        let option_chain = |compiler: &Self, iface: &str, suffix: &str| {
            format!("{}{suffix}", compiler.interface_chain_base(iface))
        };
        let copy_options = |compiler: &Self, iface: &str| {
            compiler
                .topo
                .interface(iface)
                .is_some_and(|it| it.zones.len() == 1)
        };
        let all_zones = self.topo.all_zones();
        for zone1 in self.topo.off_firewall_zones() {
            let interfaces = self
                .topo
                .zone(&zone1)
                .map(|it| it.interfaces.keys())
                .unwrap_or_default();
            let mut input_interfaces = interfaces.clone();
            let mut forward_interfaces = interfaces;
            if input_interfaces.len() > 1 {
                let same = |chains: Vec<String>| {
                    let digests: Vec<Vec<String>> =
                        chains.iter().map(|it| digest(self, it)).collect();
                    digests.windows(2).all(|it| it[0] == it[1])
                };
                if same(
                    input_interfaces
                        .iter()
                        .map(|it| option_chain(self, it, "_iop"))
                        .collect(),
                ) {
                    input_interfaces.truncate(1);
                }
                if same(
                    forward_interfaces
                        .iter()
                        .map(|it| option_chain(self, it, "_fop"))
                        .collect(),
                ) {
                    forward_interfaces.truncate(1);
                }
            }
            for zone2 in &all_zones {
                let chain = self.rules_chain(&zone1, zone2);
                let to_firewall = self.topo.is_on_firewall(zone2);
                let (interfaces, suffix) = if to_firewall {
                    (&input_interfaces, "_iop")
                } else {
                    (&forward_interfaces, "_fop")
                };
                if let [only] = interfaces.as_slice() {
                    if copy_options(self, only) {
                        let from = option_chain(self, only, suffix);
                        if self
                            .chains
                            .get(TableId::Filter, &from)
                            .is_some_and(|it| !it.rules.is_empty())
                        {
                            self.chains.copy_rules(TableId::Filter, &from, &chain, true);
                            if let Some(it) = self.chains.get_mut(TableId::Filter, &chain) {
                                it.referenced = true;
                            }
                        }
                        continue;
                    }
                }
                let several = interfaces.len() > 1;
                for iface in interfaces {
                    let from = option_chain(self, iface, suffix);
                    let origin = self.topo.interface(iface).map(|it| it.origin.clone());
                    let matches = if several {
                        self.source_dev(iface)
                    } else {
                        Vec::new()
                    };
                    self.chains.add_ijump_with_origin(
                        TableId::Filter,
                        &chain,
                        Jump::Jump,
                        &from,
                        origin.as_deref(),
                        matches,
                    )?;
                }
            }
        }
        let mut on_firewall = vec![self.topo.firewall.clone()];
        on_firewall.extend(self.topo.vserver_zones());
        for zone1 in &on_firewall {
            for zone2 in self.topo.off_firewall_zones() {
                let chain = self.rules_chain(zone1, &zone2);
                let interfaces = self
                    .topo
                    .zone(&zone2)
                    .map(|it| it.interfaces.keys())
                    .unwrap_or_default();
                for iface in interfaces {
                    let from = option_chain(self, &iface, "_oop");
                    if self
                        .chains
                        .get(TableId::Filter, &from)
                        .is_some_and(|it| !it.rules.is_empty())
                    {
                        self.chains.copy_rules(TableId::Filter, &from, &chain, true);
                        if let Some(it) = self.chains.get_mut(TableId::Filter, &chain) {
                            it.referenced = true;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// The base of the per-interface chain names (the logical name).
    pub(crate) fn interface_chain_base(&self, interface: &str) -> String {
        if self.config.use_physical_names {
            self.topo.physical_of(interface)
        } else {
            self.topo
                .interface(interface)
                .map_or_else(|| interface.to_owned(), |it| it.name.clone())
        }
    }
}

/// Splits INLINE free-form matches at `-j`: (matches before, target after).
fn split_jump(inline: &str) -> Option<(String, String)> {
    let at = inline
        .find("-j ")
        .filter(|at| *at == 0 || inline[..*at].ends_with(char::is_whitespace))?;
    let before = inline[..at].to_owned();
    let after = inline[at + 3..].trim().to_owned();
    Some((before, after))
}

/// The part of a `zone:hosts` column after the colon at `at`, borrowed when the column is.
fn after_zone<'a>(column: &Cow<'a, str>, at: usize) -> Cow<'a, str> {
    match column {
        Cow::Borrowed(text) => Cow::Borrowed(text.get(at + 1..).unwrap_or("")),
        Cow::Owned(text) => Cow::Owned(text.get(at + 1..).unwrap_or("").to_owned()),
    }
}

/// A SOURCE or DEST column as its `zone:(...)` elements (`split_list3`), or itself.
fn split_zone_list<'t>(column: &'t str, what: &str) -> Result<Vec<Cow<'t, str>>> {
    if column.contains(":(") {
        Ok(split_list3(column, what)?
            .into_iter()
            .map(Cow::Owned)
            .collect())
    } else {
        Ok(vec![Cow::Borrowed(column)])
    }
}

/// `zone:(a,b)` → `zone:a,b`; `(a,b)` → `a,b`.
fn unparen(text: &str) -> Cow<'_, str> {
    if !text.contains('(') {
        return text.into();
    }
    if let Some((zone, rest)) = text.split_once(":(") {
        if let Some(inner) = rest.strip_suffix(')') {
            return format!("{zone}:{inner}").into();
        }
    }
    text.into()
}

fn unparen_qualified(text: &str) -> String {
    if !text.contains('(') {
        return text.to_owned();
    }
    if let Some((zone, rest)) = text.split_once(":(") {
        if let Some(inner) = rest.strip_suffix(')') {
            return format!("{zone}:{inner}");
        }
    }
    if let Some(inner) = text.strip_prefix('(').and_then(|it| it.strip_suffix(')')) {
        return inner.to_owned();
    }
    text.to_owned()
}

#[allow(dead_code)]
fn validate(net: &str) -> Result<String> {
    validate_net(net)
}
