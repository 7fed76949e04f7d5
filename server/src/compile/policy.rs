//! Policies (`Rules.pm process_policies`, `complete_policy_chains`): the policy chains, the
//! zone pairs they cover, and the rules that end each chain (default actions, logging, the
//! policy's target).

use super::chains::TableId;
use super::ir::{Jump, Match};
use super::lists::split_list3;
use super::lower::{section, target, Compiler};
use super::{error, Result};

impl Compiler<'_> {
    /// `new_rules_chain`.
    pub(crate) fn new_rules_chain(&mut self, source: &str, dest: &str) -> usize {
        let name = self.rules_chain(source, dest);
        let logname = self.rules_log(source, dest);
        let fastaccept = self.config.fastaccept;
        let related_accept =
            self.config.related.target == "ACCEPT" && self.config.related.level.is_empty();
        let chain = self
            .chains
            .new_chain(TableId::Filter, &name, Some(&logname));
        chain.sections.clear();
        if fastaccept {
            chain.sections.insert("ESTABLISHED".into());
            if related_accept {
                chain.sections.insert("RELATED".into());
            }
        }
        self.chains.index_of(TableId::Filter, &name).unwrap_or(0)
    }

    fn chain_name(&self, id: usize) -> String {
        self.chains
            .by_index(TableId::Filter, id)
            .map(|it| it.name.clone())
            .unwrap_or_default()
    }

    /// `convert_to_policy_chain`.
    fn convert_to_policy_chain(
        &mut self,
        name: &str,
        source: &str,
        dest: &str,
        policy: &str,
        provisional: bool,
        audit: bool,
    ) {
        if let Some(chain) = self.chains.get_mut(TableId::Filter, name) {
            chain.is_policy = true;
            chain.wild = source == "all" || dest == "all";
            chain.policy = policy.to_owned();
            chain.provisional = provisional;
            chain.audit = audit;
            chain.policychain = name.to_owned();
            chain.policypair = Some((source.to_owned(), dest.to_owned()));
            chain.pactions.clear();
        }
    }

    /// `new_policy_chain`.
    fn new_policy_chain(
        &mut self,
        source: &str,
        dest: &str,
        policy: &str,
        provisional: bool,
        audit: bool,
    ) -> usize {
        let id = self.new_rules_chain(source, dest);
        let name = self.chain_name(id);
        self.convert_to_policy_chain(&name, source, dest, policy, provisional, audit);
        id
    }

    /// `set_policy_chain`: the pair (source, dest) follows the policy chain `policy_chain`.
    fn set_policy_chain(
        &mut self,
        source: &str,
        dest: &str,
        policy_chain: &str,
        policy: &str,
        intrazone: bool,
    ) {
        let name = self.rules_chain(source, dest);
        if self.chains.exists(TableId::Filter, &name) {
            let chain = self.chains.get_mut(TableId::Filter, &name).expect("exists");
            if intrazone && source == dest && chain.provisional {
                chain.policychain.clear();
                chain.provisional = false;
            }
        } else {
            self.new_rules_chain(source, dest);
        }
        let expand = self.config.expand_policies;
        let polchain = self.chains.head(TableId::Filter, policy_chain);
        let id = self.chains.index_of(TableId::Filter, &name).unwrap_or(0);
        let chain = self
            .chains
            .get_mut(TableId::Filter, &name)
            .expect("created");
        if chain.policychain.is_empty() {
            if expand {
                chain.policychain = name.clone();
                chain.loglevel = polchain.loglevel.clone();
                chain.audit = polchain.audit;
                if !polchain.synparams.is_empty() {
                    chain.synparams = polchain.synparams.clone();
                    chain.synchain = polchain.synchain.clone();
                    chain.synlog = polchain.synlog.clone();
                }
                chain.pactions = polchain.pactions.clone();
                chain.is_policy = true;
                self.policy_chains.push(id);
            } else {
                chain.policychain = polchain.name.clone();
            }
            let chain = self
                .chains
                .get_mut(TableId::Filter, &name)
                .expect("created");
            chain.policy = policy.to_owned();
            chain.policypair = Some((source.to_owned(), dest.to_owned()));
            chain.origin = polchain.origin.clone();
        }
    }

    /// `add_or_modify_policy_chain` (IMPLICIT_CONTINUE).
    fn add_or_modify_policy_chain(&mut self, zone: &str, zone1: &str) {
        let name = self.rules_chain(zone, zone1);
        if self.chains.exists(TableId::Filter, &name) {
            if !self.chains.chain(TableId::Filter, &name).is_policy {
                self.convert_to_policy_chain(&name, zone, zone1, "CONTINUE", true, false);
                let id = self.chains.index_of(TableId::Filter, &name).unwrap_or(0);
                self.policy_chains.push(id);
            }
        } else {
            let id = self.new_policy_chain(zone, zone1, "CONTINUE", true, false);
            self.policy_chains.push(id);
        }
    }

    /// `process_policy_action`: a default action as a normalized action tuple (actions) or as
    /// `Name[(param)][:level]` (inline actions).
    fn process_policy_action(
        &self,
        policy: &str,
        paction: &str,
        level: Option<&str>,
    ) -> Result<String> {
        let (act, param) = super::rules::target_param(paction);
        let level = match level.filter(|it| !it.is_empty()) {
            Some(level) => {
                super::log::validate_level(level)?;
                level.to_owned()
            }
            None => "none".to_owned(),
        };
        let kind = self.target_type(&act);
        if kind & target::ACTION != 0 {
            Ok(match &param {
                Some(param) if !param.is_empty() => self.normalize_action(&act, &level, param),
                _ if level == "none" => self.normalize_action(&act, "none", ""),
                _ => self.normalize_action(&act, &level, ""),
            })
        } else if kind == target::INLINE {
            let mut text = act.clone();
            if let Some(param) = param.filter(|it| !it.is_empty()) {
                text = format!("{act}({param})");
            }
            if level != "none" {
                text = format!("{text}:{level}");
            }
            Ok(text)
        } else if policy.ends_with("_DEFAULT") {
            error(format!("Unknown Action ({paction}) in {policy} setting"))
        } else {
            error(format!("Unknown Policy Action ({paction})"))
        }
    }

    /// `process_policy_actions`.
    fn process_policy_actions(&self, policy: &str, pactions: Option<&str>) -> Result<Vec<String>> {
        let Some(pactions) = pactions else {
            return Ok(self.policy_actions.get(policy).cloned().unwrap_or_default());
        };
        let mut out = Vec::new();
        if !pactions.eq_ignore_ascii_case("none") {
            let mut list = pactions;
            if let Some(rest) = list.strip_prefix('+') {
                out = self.policy_actions.get(policy).cloned().unwrap_or_default();
                list = rest;
            }
            for paction in split_list3(list, "Policy Action")? {
                let mut parts = paction.splitn(3, ':');
                let action = parts.next().unwrap_or("").to_owned();
                let level = parts.next().map(str::to_owned);
                if parts.next().is_some() {
                    return error(format!("Invalid policy action ({paction})"));
                }
                out.push(self.process_policy_action(policy, &action, level.as_deref())?);
            }
        }
        Ok(out)
    }

    /// `process_policies`.
    pub(crate) fn process_policies(&mut self) -> Result<()> {
        for (option, policy) in [
            ("DROP_DEFAULT", "DROP"),
            ("REJECT_DEFAULT", "REJECT"),
            ("BLACKLIST_DEFAULT", "BLACKLIST"),
            ("ACCEPT_DEFAULT", "ACCEPT"),
            ("QUEUE_DEFAULT", "QUEUE"),
            ("NFQUEUE_DEFAULT", "NFQUEUE"),
        ] {
            let value = self.config.default_actions(option).to_owned();
            let actions = if value == "none" {
                Vec::new()
            } else {
                self.process_policy_actions(option, Some(&value))?
            };
            self.policy_actions.insert(policy.to_owned(), actions);
        }
        let firewall = self.topo.firewall.clone();
        let all_zones = self.topo.all_zones();
        let mut zonelist = all_zones.clone();
        if !self.config.expand_policies {
            zonelist.push("all".into());
        }
        let off_firewall = self.topo.off_firewall_zones();
        for zone in &all_zones {
            let id = self.new_policy_chain(zone, zone, "ACCEPT", true, false);
            self.policy_chains.push(id);
            let zone_ref = self.topo.zone(zone).cloned();
            if let Some(zone_ref) = zone_ref {
                use super::topology::ZoneKind;
                if zone_ref.kind == ZoneKind::Bport {
                    let id = self.new_policy_chain(&firewall, zone, "NONE", true, false);
                    self.policy_chains.push(id);
                }
                // Local and loopback zones exchange no traffic with the other zones.
                if matches!(zone_ref.kind, ZoneKind::Local | ZoneKind::Loopback) {
                    for zone1 in &off_firewall {
                        let loopback_pair = zone_ref.kind == ZoneKind::Loopback
                            && self
                                .topo
                                .zone(zone1)
                                .is_some_and(|it| it.kind == ZoneKind::Loopback);
                        if zone1 == zone || loopback_pair {
                            continue;
                        }
                        let chain = self.ensure_rules_chain(zone, zone1)?;
                        self.set_policy_chain(zone, zone1, &chain, "NONE", false);
                        let chain = self.ensure_rules_chain(zone1, zone)?;
                        self.set_policy_chain(zone1, zone, &chain, "NONE", false);
                    }
                }
                let vserver = zone_ref.kind == super::topology::ZoneKind::Vserver;
                if self.config.implicit_continue && (!zone_ref.parents.is_empty() || vserver) {
                    for zone1 in &all_zones {
                        if zone1 != zone {
                            self.add_or_modify_policy_chain(zone, zone1);
                            self.add_or_modify_policy_chain(zone1, zone);
                        }
                    }
                }
            }
        }
        let model = self.model;
        let policies = &model.policies;
        for policy in policies {
            self.site = Some(policy.site);
            self.chains.origin = self.origin_of(policy.site);
            self.process_a_policy(policy, &zonelist)?;
        }
        self.site = None;
        self.chains.origin.clear();
        for zone in &all_zones {
            for zone1 in &all_zones {
                let name = self.rules_chain(zone, zone1);
                if self
                    .chains
                    .get(TableId::Filter, &name)
                    .is_none_or(|it| it.policy.is_empty())
                {
                    return error(format!(
                        "No policy defined from zone {zone} to zone {zone1}"
                    ));
                }
            }
        }
        Ok(())
    }

    fn process_a_policy(
        &mut self,
        policy: &crate::model::Policy,
        zonelist: &[String],
    ) -> Result<()> {
        let exclusions = |text: &str| -> Vec<String> {
            match text.split_once('!') {
                Some((_, list)) if text.to_ascii_lowercase().starts_with("all") => {
                    list.split(',').map(str::to_owned).collect()
                }
                _ => Vec::new(),
            }
        };
        let client = policy.source.clone();
        let server = policy.dest.clone();
        let clientwild = client == "all";
        let serverwild = server == "all";
        let client_excluded = exclusions(&policy.source_text);
        let intrazone = policy.intrazone;
        let (basic, queue) = super::rules::target_param(&policy.policy);
        let pactions = self.process_policy_actions(&basic, policy.default_actions.as_deref())?;
        let policy_target = match queue {
            Some(queue) => super::rules::handle_nfqueue(&queue)?,
            None => basic.clone(),
        };
        // Shorewall names the chain of an `all+` policy without exclusions after the text as
        // written (`all+-net`, `net-all+`), and such a chain is not wild.
        let as_written = |text: &str, zone: &str| -> String {
            if zone == "all" && text.eq_ignore_ascii_case("all+") {
                text.to_owned()
            } else {
                zone.to_owned()
            }
        };
        let client = as_written(&policy.source_text, &client);
        let server = as_written(&policy.dest_text, &server);
        let name = self.rules_chain(&client, &server);
        let expand = self.config.expand_policies;
        if self.chains.exists(TableId::Filter, &name) {
            let chain = self.chains.head(TableId::Filter, &name);
            if chain.is_policy {
                if chain.provisional {
                    let chain = self.chains.get_mut(TableId::Filter, &name).expect("exists");
                    chain.provisional = false;
                    chain.policy = policy_target.clone();
                } else {
                    return error(format!(
                        "Policy \"{client} {server} {}\" duplicates earlier policy",
                        policy.policy
                    ));
                }
            } else if !chain.policy.is_empty() {
                return error(format!(
                    "Policy \"{client} {server} {}\" duplicates earlier policy",
                    policy.policy
                ));
            } else {
                self.convert_to_policy_chain(
                    &name,
                    &client,
                    &server,
                    &policy_target,
                    false,
                    policy.audit,
                );
                if !(expand && (clientwild || serverwild)) {
                    let id = self.chains.index_of(TableId::Filter, &name).unwrap_or(0);
                    self.policy_chains.push(id);
                }
            }
        } else {
            let id = self.new_policy_chain(&client, &server, &policy_target, false, policy.audit);
            if !(expand && (clientwild || serverwild)) {
                self.policy_chains.push(id);
            }
        }
        let loglevel = match policy.log_level.as_deref() {
            Some(level) => super::log::validate_level(level)?,
            None => String::new(),
        };
        let origin = self.chains.origin.clone();
        let rate = policy.rate.as_deref().filter(|it| *it != "-").unwrap_or("");
        let connlimit = policy
            .connlimit
            .as_deref()
            .filter(|it| *it != "-")
            .unwrap_or("");
        let synparams = if rate.is_empty() && connlimit.is_empty() {
            None
        } else {
            if connlimit.starts_with('!') {
                return error(format!("Invalid CONNLIMIT ({connlimit})"));
            }
            let mut value = String::new();
            if !rate.is_empty() {
                let mut hashlimitset = self.hashlimitset;
                value =
                    super::matches::do_ratelimit(self.caps(), rate, "ACCEPT", &mut hashlimitset)?;
                self.hashlimitset = hashlimitset;
            }
            value.push_str(&super::matches::do_connlimit(connlimit)?);
            Some(value)
        };
        let chain = self
            .chains
            .get_mut(TableId::Filter, &name)
            .expect("created");
        chain.loglevel = loglevel;
        if let Some(synparams) = synparams {
            chain.synparams = synparams;
            chain.synchain = name.clone();
            chain.synlog = format!("@{}", chain.logname);
        }
        chain.pactions = pactions;
        chain.origin = origin;
        let all_zones = self.topo.all_zones();
        // `print_policy` compares the POLICY column as written.
        let plain_continue =
            policy.policy == "CONTINUE" && policy.default_actions.is_none() && !policy.audit;
        if clientwild {
            if serverwild {
                for zone in zonelist.iter().filter(|it| !client_excluded.contains(it)) {
                    for zone1 in zonelist {
                        self.set_policy_chain(zone, zone1, &name, &policy_target, intrazone);
                        self.print_policy(zone, zone1, plain_continue);
                    }
                }
            } else {
                for zone in all_zones.iter().filter(|it| !client_excluded.contains(it)) {
                    self.set_policy_chain(zone, &server, &name, &policy_target, intrazone);
                    self.print_policy(zone, &server, plain_continue);
                }
            }
        } else if serverwild {
            let server_excluded = exclusions(&policy.dest_text);
            for zone in zonelist.iter().filter(|it| !server_excluded.contains(it)) {
                self.set_policy_chain(&client, zone, &name, &policy_target, intrazone);
                self.print_policy(&client, zone, plain_continue);
            }
        } else {
            self.print_policy(&client, &server, plain_continue);
        }
        Ok(())
    }

    /// `print_policy`: the one warning it gives, a CONTINUE policy between zones neither of
    /// which is nested in another.
    fn print_policy(&mut self, source: &str, dest: &str, plain_continue: bool) {
        if !plain_continue || source == "all" || dest == "all" {
            return;
        }
        let unnested = |zone: &str| self.topo.zone(zone).is_some_and(|it| it.parents.is_empty());
        if unnested(source) && unnested(dest) {
            self.warn(format!(
                "CONTINUE policy between two un-nested zones ({source}, {dest})"
            ));
        }
    }

    /// `add_policy_rules`: default actions, log rule and target at the end of a chain.
    pub(crate) fn add_policy_rules(
        &mut self,
        chain: &str,
        policy: &str,
        loglevel: &str,
        pactions: &[String],
        dropmulticast: bool,
    ) -> Result<()> {
        if policy == "NONE" {
            return Ok(());
        }
        if dropmulticast && policy != "CONTINUE" && policy != "ACCEPT" {
            self.chains.add_ijump(
                TableId::Filter,
                chain,
                Jump::Jump,
                "RETURN",
                vec![Match::new("d", "224.0.0.0/4")],
            )?;
        }
        for paction in pactions {
            let action = paction.split(':').next().unwrap_or("").to_owned();
            if self.target_type(&action) & target::ACTION != 0 {
                let proto = self.actions.get(&action).and_then(|it| it.proto);
                let chain_target = self.use_policy_action(paction, chain)?;
                let mut matches = Vec::new();
                if let Some(proto) = proto {
                    matches.push(Match::new("p", proto.to_string()));
                    let dport = self
                        .actions
                        .get(&action)
                        .map(|it| it.dport.clone())
                        .unwrap_or_default();
                    if !dport.is_empty() {
                        matches.push(Match::new("dport", dport));
                    }
                }
                self.chains.add_ijump(
                    TableId::Filter,
                    chain,
                    Jump::Jump,
                    &chain_target,
                    matches,
                )?;
            } else {
                let (head, level) = match paction.split_once(':') {
                    Some((head, level)) => (head.to_owned(), level.to_owned()),
                    None => (paction.clone(), String::new()),
                };
                let (name, param) = super::rules::target_param(&head);
                let columns = super::rules::Columns::empty();
                self.process_inline(
                    &name,
                    chain,
                    "",
                    "",
                    &level,
                    paction,
                    param.as_deref().unwrap_or(""),
                    &columns,
                    false,
                )?;
            }
        }
        if !loglevel.is_empty() {
            let logname = self.chains.chain(TableId::Filter, chain).logname.clone();
            self.log_rule_limit(
                loglevel,
                TableId::Filter,
                chain,
                &logname,
                policy,
                None,
                "",
                true,
                "",
            )?;
        }
        if policy == "BLACKLIST" {
            return error("BLACKLIST policies require ipset-based dynamic blacklisting");
        }
        if self.chains.chain(TableId::Filter, chain).audit {
            self.chains.add_ijump(
                TableId::Filter,
                chain,
                Jump::Jump,
                &format!("AUDIT --type {}", policy.to_ascii_lowercase()),
                vec![],
            )?;
        }
        if policy != "CONTINUE" {
            let target = if policy == "REJECT" { "reject" } else { policy };
            self.chains
                .add_ijump(TableId::Filter, chain, Jump::Goto, target, vec![])?;
        }
        Ok(())
    }

    /// `complete_policy_chain`.
    fn complete_policy_chain(&mut self, name: &str) -> Result<()> {
        let chain = self.chains.head(TableId::Filter, name);
        let policy_chain = self.chains.head(TableId::Filter, &chain.policychain);
        let policy = policy_chain.policy.clone();
        if chain.name == policy_chain.name {
            self.add_policy_rules(
                name,
                &policy,
                &policy_chain.loglevel,
                &policy_chain.pactions,
                self.config.multicast,
            )?;
        } else if policy == "ACCEPT" || policy == "QUEUE" || policy.starts_with("NFQUEUE") {
            if !policy_chain.synparams.is_empty() {
                self.add_policy_rules(
                    name,
                    &policy,
                    &policy_chain.loglevel,
                    &policy_chain.pactions,
                    self.config.multicast,
                )?;
            } else {
                self.chains.add_ijump(
                    TableId::Filter,
                    name,
                    Jump::Goto,
                    &policy_chain.name,
                    vec![],
                )?;
            }
        } else if policy == "CONTINUE" {
            self.add_policy_rules(
                name,
                &policy,
                &policy_chain.loglevel,
                &policy_chain.pactions,
                self.config.multicast,
            )?;
        } else {
            self.chains.add_ijump(
                TableId::Filter,
                name,
                Jump::Goto,
                &policy_chain.name,
                vec![],
            )?;
        }
        Ok(())
    }

    /// `complete_policy_chains`.
    pub(crate) fn complete_policy_chains(&mut self) -> Result<()> {
        let ids = self.policy_chains.clone();
        for id in ids {
            let Some(chain) = self.chains.head_by_index(TableId::Filter, id) else {
                continue;
            };
            if chain.policy == "NONE" {
                continue;
            }
            self.chains.origin = chain.origin.clone();
            if !(chain.referenced || chain.provisional || chain.policy == "CONTINUE") {
                if self.config.optimize & 2 != 0 {
                    if !chain.pactions.is_empty()
                        || !chain.loglevel.is_empty()
                        || !chain.synparams.is_empty()
                        || self.config.multicast
                        || !(chain.policy == "ACCEPT" || self.config.fastaccept)
                    {
                        self.finish_chain_sections(&chain.name, &chain.name)?;
                    }
                } else {
                    self.finish_chain_sections(&chain.name, &chain.name)?;
                }
            }
            if chain.wild {
                self.add_policy_rules(
                    &chain.name,
                    &chain.policy,
                    &chain.loglevel,
                    &chain.pactions,
                    self.config.multicast,
                )?;
            }
        }
        let all_zones = self.topo.all_zones();
        for zone in &all_zones {
            for zone1 in &all_zones {
                let name = self.rules_chain(zone, zone1);
                if self
                    .chains
                    .get(TableId::Filter, &name)
                    .is_some_and(|it| it.referenced)
                {
                    self.chains.origin = self.chains.chain(TableId::Filter, &name).origin.clone();
                    self.complete_policy_chain(&name)?;
                }
            }
        }
        self.chains.origin.clear();
        Ok(())
    }

    /// `complete_standard_chain`: INPUT, OUTPUT, FORWARD end with the policy of the pair.
    pub(crate) fn complete_standard_chain(
        &mut self,
        chain: &str,
        zone: &str,
        zone2: &str,
        default: &str,
    ) -> Result<()> {
        let mut policy = default.to_owned();
        let mut loglevel = "6".to_owned();
        let mut pactions = self
            .policy_actions
            .get(default)
            .cloned()
            .unwrap_or_default();
        let rules = self.rules_chain(zone, zone2);
        let rules_chain = if self.chains.exists(TableId::Filter, &rules) {
            Some(rules)
        } else {
            let all = self.rules_chain("all", "all");
            self.chains.exists(TableId::Filter, &all).then_some(all)
        };
        if let Some(rules_chain) = rules_chain {
            let policychain = self
                .chains
                .chain(TableId::Filter, &rules_chain)
                .policychain
                .clone();
            if self.chains.exists(TableId::Filter, &policychain) {
                let policy_ref = self.chains.head(TableId::Filter, &policychain);
                policy = policy_ref.policy.clone();
                loglevel = policy_ref.loglevel.clone();
                pactions = policy_ref.pactions.clone();
                self.chains.origin = policy_ref.origin.clone();
                if let Some(it) = self.chains.get_mut(TableId::Filter, chain) {
                    it.origin = policy_ref.origin.clone();
                }
            }
        }
        self.add_policy_rules(chain, &policy, &loglevel, &pactions, false)?;
        self.chains.origin.clear();
        Ok(())
    }

    /// `optimize_policy_chains` (level 2).
    pub(crate) fn optimize_policy_chains(&mut self) {
        let ids = self.policy_chains.clone();
        for id in ids {
            let Some(chain) = self.chains.by_index(TableId::Filter, id) else {
                continue;
            };
            if chain.policy == "ACCEPT" {
                let name = chain.name.clone();
                super::optimize::optimize_chain(&mut self.chains, TableId::Filter, &name);
            }
        }
        let output = self.chains.chain(TableId::Filter, "OUTPUT");
        if output.rules.last().is_some_and(|it| it.target == "ACCEPT") {
            super::optimize::optimize_chain(&mut self.chains, TableId::Filter, "OUTPUT");
        }
    }

    /// `finish_chain_sections`: the state rules a chain needs for the sections passed.
    pub(crate) fn finish_chain_sections(&mut self, chain: &str, chain1: &str) -> Result<()> {
        let states = match self.section {
            s if s & (section::NEW | section::POLICYACTION) != 0 => {
                Some("ESTABLISHED,RELATED,INVALID,UNTRACKED")
            }
            section::UNTRACKED => Some("ESTABLISHED,RELATED,INVALID"),
            section::INVALID => Some("ESTABLISHED,RELATED"),
            section::RELATED => Some("ESTABLISHED"),
            _ => None,
        };
        if let Some(states) = states {
            self.finish_chain_section(chain, chain1, states)?;
        }
        if let Some(it) = self.chains.get_mut(TableId::Filter, chain) {
            it.referenced = true;
        }
        Ok(())
    }
}
