//! Actions (`Rules.pm process_action`, `process_inline`, `use_action`, ...): an action is
//! expanded once per distinct invocation (action, log level, tag, parameters) into its own
//! chain; an inline action is expanded in place like a macro. The standard actions whose
//! bodies are Perl code (Broadcast and Multicast without the ADDRTYPE capability) are
//! reimplemented here.

use std::borrow::Cow;

use crate::model::{self, BodyItem};

use super::chains::{TableId, DONT_MOVE, DONT_OPTIMIZE};
use super::ir::{Jump, Match};
use super::lists::{split_list, split_list1, split_list2, split_list3};
use super::lower::{opt, section, target, ActParams, Compiler};
use super::rules::{isolate_basic_target, state_match, Columns};
use super::{error, unsupported, Result};

/// `merge_levels`: the log level of an action invocation applied to a body line.
pub(crate) fn merge_levels(superior: &str, subordinate: &str) -> Result<String> {
    if matches!(subordinate, "FORMAT" | "COMMENT" | "DEFAULTS" | "DEFAULT") {
        return Ok(subordinate.to_owned());
    }
    let sup = split_list2(superior, "Action")?;
    let sub = split_list2(subordinate, "Action")?;
    let subparts = sub.len();
    let Some(target) = sub.first().cloned().filter(|it| !it.is_empty()) else {
        return error("Missing ACTION");
    };
    let level = sup.get(1).cloned().unwrap_or_default();
    let tag = sup.get(2).cloned().unwrap_or_default();
    let netlink = target.starts_with("NFLOG") || target.starts_with("ULOG");
    if sup.len() == 3 {
        if netlink {
            return Ok(format!("{subordinate}:{tag}"));
        }
        if level == "none!" {
            return Ok(format!("{target}:none!:{tag}"));
        }
        if level.ends_with('!') {
            return Ok(format!("{target}:{level}:{tag}"));
        }
        if subparts >= 2 {
            return Ok(subordinate.to_owned());
        }
        return Ok(format!("{target}:{level}:{tag}"));
    }
    if sup.len() == 2 {
        if netlink {
            return Ok(subordinate.to_owned());
        }
        if level == "none!" {
            return Ok(format!("{target}:none!"));
        }
        if level.ends_with('!') || subparts < 2 {
            return Ok(format!("{target}:{level}"));
        }
    }
    Ok(subordinate.to_owned())
}

/// `merge_macro_source_dest`.
pub(crate) fn merge_source_dest(body: &str, invocation: &str) -> String {
    if invocation.is_empty() {
        return body.to_owned();
    }
    if body.is_empty() {
        return invocation.to_owned();
    }
    if invocation == "-" {
        return body.to_owned();
    }
    let addressy = invocation.matches('.').count() >= 2
        || invocation.starts_with('+')
        || invocation.starts_with('!')
        || invocation.starts_with('~')
        || invocation.contains("~<")
        || invocation.contains("~[");
    if addressy {
        format!("{body}:{invocation}")
    } else {
        format!("{invocation}:{body}")
    }
}

/// `merge_inline_source_dest` (IPv6): the SOURCE or DEST of an inline action's body line
/// (snat and mangle files) with the invocation's.
pub(crate) fn merge_inline_source_dest(body: &str, invocation: &str) -> Result<String> {
    if invocation.is_empty() {
        return Ok(body.to_owned());
    }
    if body.is_empty() || body == "-" {
        return Ok(invocation.to_owned());
    }
    if invocation == "-" {
        return Ok(body.to_owned());
    }
    if body.contains(":[") || body.contains(":+") {
        return error("Interface names cannot appear in the DEST column within an action body");
    }
    if invocation.contains(":[") || invocation.contains(":+") {
        let interface = invocation.split(':').next().unwrap_or_default();
        return Ok(format!("{interface}:{body}"));
    }
    Ok(format!("{invocation}:{body}"))
}

/// `external_name`: an invocation tuple `action:level:tag:caller:params` as written,
/// `action(params):level:tag`.
pub(crate) fn external_name(normalized: &str) -> String {
    let mut parts = normalized.splitn(5, ':');
    let mut name = parts.next().unwrap_or_default().to_owned();
    let level = parts.next().unwrap_or_default();
    let tag = parts.next().unwrap_or_default();
    let _caller = parts.next();
    let params = parts.next().unwrap_or_default();
    if !params.is_empty() {
        name = format!("{name}({params})");
    }
    if !level.is_empty() && level != "none" {
        name = format!("{name}:{level}");
    }
    if !tag.is_empty() {
        name = format!("{name}:{tag}");
    }
    name
}

/// `merge_macro_column`: the invocation's value unless it is `-`.
pub(crate) fn merge_column(body: &str, invocation: &str) -> String {
    if !invocation.is_empty() && invocation != "-" {
        invocation.to_owned()
    } else {
        body.to_owned()
    }
}

impl Compiler<'_> {
    /// `normalize_action`: the tuple `action:level:tag:caller:params` naming an invocation.
    pub(crate) fn normalize_action(&self, action: &str, level: &str, param: &str) -> String {
        let (mut level, tag) = match level.split_once(':') {
            Some((l, t)) => (l.to_owned(), t.to_owned()),
            None => (level.to_owned(), String::new()),
        };
        let logjump = self
            .actions
            .get(action)
            .is_some_and(|it| it.options & opt::LOGJUMP != 0);
        if logjump || level.is_empty() {
            level = "none".into();
        }
        let mut param = param.to_owned();
        while let Some(rest) = param.strip_suffix(",-") {
            param = rest.to_owned();
        }
        if param == "-" {
            param.clear();
        }
        format!("{action}:{level}:{tag}::{param}")
    }

    /// `use_action`: the chain of an invocation if it is new (created now), else `None`.
    pub(crate) fn use_action(&mut self, normalized: &str) -> Result<Option<String>> {
        self.use_action_in(TableId::Filter, normalized)
    }

    /// The table an action's rules go to: its `nat` or `mangle` option, else the filter
    /// table (`NAT_TABLE`, `MANGLE_TABLE`).
    pub(crate) fn action_table(&self, action: &str) -> TableId {
        let Some(def) = self
            .model
            .catalog
            .actions
            .iter()
            .find(|it| it.name == action)
        else {
            return TableId::Filter;
        };
        if def.options.iter().any(|it| it == "nat") {
            TableId::Nat
        } else if def.options.iter().any(|it| it == "mangle") {
            TableId::Mangle
        } else {
            TableId::Filter
        }
    }

    /// `process_action`'s check that an action is invoked from the file of its table.
    pub(crate) fn check_action_table(&self, action: &str, table: TableId) -> Result<()> {
        let own = self.action_table(action);
        for (file_table, file) in [(TableId::Mangle, "mangle"), (TableId::Nat, "snat")] {
            if own == file_table && table != file_table {
                return error(format!(
                    "Action {action} may only be used in the {file} file"
                ));
            }
            if own != file_table && table == file_table {
                return error(format!(
                    "Action {action} may not be used in the {file} file"
                ));
            }
        }
        Ok(())
    }

    /// [`Compiler::use_action`] for an action of `table`.
    pub(crate) fn use_action_in(
        &mut self,
        table: TableId,
        normalized: &str,
    ) -> Result<Option<String>> {
        if self.usedactions.contains_key(normalized) {
            return Ok(None);
        }
        let mut parts = normalized.splitn(5, ':');
        let action = parts.next().unwrap_or("").to_owned();
        let level = parts.next().unwrap_or("").to_owned();
        let tag = parts.next().unwrap_or("").to_owned();
        let _caller = parts.next();
        let param = parts.next().unwrap_or("").to_owned();
        let name = if level == "none" && tag.is_empty() && param.is_empty() {
            if self.chains.exists(TableId::Filter, &action)
                || self.chains.exists(TableId::Nat, &action)
            {
                self.log_action_chain_name(&action)
            } else {
                action.clone()
            }
        } else if self
            .chains
            .exists(table, &action.chars().take(28).collect::<String>())
        {
            self.log_action_chain_name(&action)
        } else {
            action.chars().take(28).collect()
        };
        let chain = self.chains.new_chain(table, &name, None);
        chain.referenced = true;
        chain.action = normalized.to_owned();
        self.usedactions.insert(normalized.to_owned(), name.clone());
        Ok(Some(name))
    }

    /// `createlogactionchain`'s naming: `%Action`, `%Action1`, ...
    fn log_action_chain_name(&mut self, action: &str) -> String {
        let mut chain: String = action.chars().take(28).collect();
        loop {
            let counter = self.actchain.get(action).copied();
            let suffix = |n: Option<u32>| n.map_or_else(String::new, |it| it.to_string());
            let mut n = counter;
            while self
                .chains
                .exists(TableId::Filter, &format!("%{chain}{}", suffix(n)))
            {
                n = Some(n.unwrap_or(0) + 1);
            }
            if n.unwrap_or(0) >= 10 && chain.chars().count() == 28 {
                chain = chain.chars().take(27).collect();
                self.actchain.insert(action.to_owned(), n.unwrap_or(0));
                continue;
            }
            let name = format!("%{chain}{}", suffix(n));
            self.actchain.insert(action.to_owned(), n.unwrap_or(0) + 1);
            return name;
        }
    }

    /// `use_policy_action`: the chain of a default action, expanded on first use.
    pub(crate) fn use_policy_action(&mut self, normalized: &str, caller: &str) -> Result<String> {
        match self.use_action(normalized)? {
            Some(chain) => {
                let mut normalized = normalized.to_owned();
                let mut chain = chain;
                let save = self.section;
                self.process_action(&mut normalized, &mut chain, caller)?;
                self.section = save;
                Ok(chain)
            }
            None => Ok(self
                .usedactions
                .get(normalized)
                .cloned()
                .unwrap_or_default()),
        }
    }

    /// Reads an action body for one invocation, DEFAULTS applied to `params` first.
    /// The body of `action` for the current invocation: read with the invocation's parameters,
    /// which the body's `DEFAULTS` may fill (they are kept in `actparams`, and returned).
    pub(crate) fn invocation_body(&mut self, action: &str) -> Result<(Vec<BodyItem>, Vec<String>)> {
        let mut params = self
            .actparams
            .as_ref()
            .map(|it| it.params.clone())
            .unwrap_or_default();
        let vars = self.action_vars();
        let items = self.read_body(action, &mut params, &vars)?;
        if let Some(p) = &mut self.actparams {
            p.params = params.clone();
        }
        Ok((items, params))
    }

    /// Runs `each` on every line of `action`'s body for the current invocation (see
    /// [`Compiler::invocation_body`]), with the compiler's site and comment those of the line.
    /// The site, place and comment are restored after, except the site and place after an
    /// error: the error is reported on the line that failed.
    pub(crate) fn each_body_line(
        &mut self,
        action: &str,
        mut each: impl FnMut(&mut Self, &model::BodyLine) -> Result<()>,
    ) -> Result<()> {
        let (items, _) = self.invocation_body(action)?;
        let save_comment = std::mem::take(&mut self.chains.comment);
        let save_place = self.place.take();
        let save_site = self.site;
        let mut result = Ok(());
        for item in items {
            let BodyItem::Line(line) = item else {
                continue;
            };
            self.site = Some(line.site);
            self.chains.comment = match &line.comment {
                Some(comment) if self.caps().has("COMMENTS") => comment.clone(),
                _ => String::new(),
            };
            result = each(self, &line);
            if result.is_err() {
                break;
            }
        }
        if result.is_ok() {
            self.site = save_site;
            self.place = save_place;
        }
        self.chains.comment = save_comment;
        result
    }

    pub(crate) fn read_body(
        &mut self,
        action: &str,
        params: &mut Vec<String>,
        vars: &[(String, String)],
    ) -> Result<Vec<BodyItem>> {
        let Some(file) = self.actions.get(action).and_then(|it| it.file) else {
            return error(format!("Missing Action File (action.{action})"));
        };
        let vars_for = |params: &[String]| -> Vec<(String, String)> {
            let mut vars = vars.to_vec();
            for (i, p) in params.iter().enumerate() {
                vars.push(((i + 1).to_string(), p.clone()));
            }
            vars
        };
        let (items, problems) =
            model::read_action_body(self.model, self.env, file, params, &vars_for(params));
        if let Some(BodyItem::Defaults(defaults)) =
            items.iter().find(|it| matches!(it, BodyItem::Defaults(_)))
        {
            let defaults = defaults.clone();
            for (i, default) in defaults.iter().enumerate() {
                let default = if default == "-" {
                    String::new()
                } else {
                    default.clone()
                };
                match params.get_mut(i) {
                    Some(slot) if !slot.is_empty() => {}
                    Some(slot) => *slot = default,
                    None => params.push(default),
                }
            }
            if params.len() > defaults.len()
                && params[defaults.len()..].iter().any(|it| !it.is_empty())
            {
                return error(format!("Too Many arguments to action {action}"));
            }
            let (items, problems) =
                model::read_action_body(self.model, self.env, file, params, &vars_for(params));
            if let Some(problem) = problems.first() {
                return error(problem.message.clone());
            }
            return Ok(items);
        }
        if let Some(problem) = problems.first() {
            return error(problem.message.clone());
        }
        Ok(items)
    }

    pub(crate) fn push_action_params(
        &mut self,
        action: &str,
        chain: &str,
        param: &str,
        loglevel: &str,
        logtag: &str,
        caller: &str,
    ) -> Result<Option<ActParams>> {
        let params: Vec<String> = if param.is_empty() {
            Vec::new()
        } else {
            split_list3(param, "parameter")?
                .into_iter()
                .map(|it| match it.as_str() {
                    "-" => String::new(),
                    "--" => "-".to_owned(),
                    _ => it,
                })
                .collect()
        };
        let chain_name: String = chain
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        let new = ActParams {
            params,
            chain: chain.to_owned(),
            action: action.to_owned(),
            loglevel: loglevel.to_owned(),
            logtag: logtag.to_owned(),
            caller: caller.to_owned(),
            chain_name,
            disposition: None,
        };
        Ok(self.actparams.replace(new))
    }

    pub(crate) fn action_vars(&self) -> Vec<(String, String)> {
        let Some(params) = &self.actparams else {
            return Vec::new();
        };
        vec![
            ("0".into(), params.chain.clone()),
            ("chain".into(), params.chain_name.clone()),
            ("caller".into(), params.caller.clone()),
            ("loglevel".into(), params.loglevel.clone()),
            ("logtag".into(), params.logtag.clone()),
            ("action".into(), params.action.clone()),
            (
                "disposition".into(),
                params.disposition.clone().unwrap_or_default(),
            ),
        ]
    }

    /// The superior of `merge_levels` inside an action: `chain:loglevel:logtag`.
    pub(crate) fn action_level_context(&self) -> String {
        let p = self.actparams.clone().unwrap_or_default();
        format!("{}:{}:{}", p.chain_name, p.loglevel, p.logtag)
    }

    /// `process_macro`: a macro invoked inside an action or inline action body, expanded
    /// line by line into `chain` with the invocation's columns merged in. (The model expands
    /// the macros of the rules file itself.)
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn process_macro(
        &mut self,
        name: &str,
        chain: Option<&str>,
        matches: &str,
        matches1: &str,
        invocation_target: &str,
        param: &str,
        cols: &Columns,
        wildcard: bool,
    ) -> Result<bool> {
        let params = self
            .actparams
            .as_ref()
            .map(|it| it.params.clone())
            .unwrap_or_default();
        let mut vars = self.action_vars();
        for (i, p) in params.iter().enumerate() {
            vars.push(((i + 1).to_string(), p.clone()));
        }
        let key = (name.to_owned(), params.clone(), vars.clone());
        let body = match self.macro_bodies.get(&key) {
            Some(body) => body.clone(),
            None => {
                let body = model::read_macro_body(self.model, self.env, name, &params, &vars)
                    .map(std::sync::Arc::new);
                self.macro_bodies.insert(key, body.clone());
                body
            }
        };
        let Some(body) = body else {
            return error(format!("Unknown ACTION ({name})"));
        };
        if let Some(problem) = body.1.first() {
            return error(problem.message.clone());
        }
        let items = body.0.clone();
        let save_matches = std::mem::take(&mut self.inline_matches);
        let save_comment = self.chains.comment.clone();
        if self.chains.comment.is_empty() && self.caps().has("COMMENTS") && self.config.autocomment
        {
            self.chains.comment = name.to_owned();
        }
        let macro_comment = self.chains.comment.clone();
        let mut param = param.to_owned();
        let mut generated = false;
        for item in items {
            let line = match item {
                BodyItem::Defaults(args) => {
                    if param.is_empty() {
                        param = args.first().cloned().unwrap_or_default();
                        if param == "-" {
                            param.clear();
                        }
                    }
                    continue;
                }
                BodyItem::Line(line) => line,
            };
            self.chains.comment = match &line.comment {
                Some(comment) if self.caps().has("COMMENTS") => comment.clone(),
                _ => macro_comment.clone(),
            };
            let body = Columns::from_record(&line.columns);
            let mtarget = line.columns.first().cloned().unwrap_or_else(|| "-".into());
            if mtarget == "-" {
                return error("TARGET must be specified");
            }
            if mtarget == "DEFAULT" || mtarget == "DEFAULTS" {
                if param.is_empty() {
                    param = body.source.to_string();
                }
                continue;
            }
            let mut mtarget = merge_levels(invocation_target, &mtarget)?;
            if mtarget == "PARAM" || mtarget.starts_with("PARAM:") {
                if param.is_empty() {
                    return error("PARAM requires a parameter to be supplied in macro invocation");
                }
                mtarget = match mtarget.split_once(':') {
                    Some((_, log)) => format!("{param}:{}", log.trim_end_matches('/')),
                    None => param.clone(),
                };
            }
            let basic = isolate_basic_target(&mtarget)?;
            let kind = self.target_type(&basic);
            if kind
                & (target::ACTION
                    | target::STANDARD
                    | target::NATRULE
                    | target::MACRO
                    | target::CHAIN)
                == 0
            {
                return error(format!("Invalid Action ({mtarget}) in macro"));
            }
            let msource = macro_source(&body.source, &cols.source, &cols.dest);
            let mdest = macro_dest(&body.dest, &cols.source, &cols.dest);
            for proto in split_list(&body.proto, "Protocol")? {
                for user in split_list(&body.user, "User/Group")? {
                    let c = Columns {
                        source: Cow::from(msource.clone()),
                        dest: Cow::from(mdest.clone()),
                        proto: Cow::from(merge_column(proto, &cols.proto)),
                        ports: Cow::from(merge_column(&body.ports, &cols.ports)),
                        sports: Cow::from(merge_column(&body.sports, &cols.sports)),
                        origdest: Cow::from(merge_column(&body.origdest, &cols.origdest)),
                        rate: Cow::from(merge_column(&body.rate, &cols.rate)),
                        user: Cow::from(merge_column(user, &cols.user)),
                        mark: Cow::from(merge_column(&body.mark, &cols.mark)),
                        connlimit: Cow::from(merge_column(&body.connlimit, &cols.connlimit)),
                        time: Cow::from(merge_column(&body.time, &cols.time)),
                        headers: Cow::from(merge_column(&body.headers, &cols.headers)),
                        condition: Cow::from(merge_column(&body.condition, &cols.condition)),
                        helper: Cow::from(merge_column(&body.helper, &cols.helper)),
                    };
                    self.inline_matches = line
                        .raw_matches
                        .clone()
                        .map(|it| format!("{it} "))
                        .unwrap_or_default();
                    generated |= self
                        .process_rule(chain, matches, matches1, &mtarget, &param, &c, wildcard)?;
                    self.inline_matches = save_matches.clone();
                }
            }
        }
        self.chains.comment = save_comment;
        self.inline_matches = save_matches;
        Ok(generated)
    }

    /// Runs `body` inside the invocation `normalized` of the action `name` (with the parameter
    /// list `param`), as `process_action` does around an action's body: the invocation's
    /// parameters pushed and its audit chains set up, the action active (Shorewall's guard
    /// against recursion) and on the action stack; undone after.
    pub(crate) fn within_action<T>(
        &mut self,
        name: &InvocationName,
        param: &str,
        normalized: &str,
        chain: &str,
        caller: &str,
        body: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<T> {
        let action = name.action.as_str();
        let options = self.actions.get(action).map_or(0, |it| it.options);
        let old = self.push_action_params(action, chain, param, &name.level, &name.tag, caller)?;
        if options & opt::AUDIT != 0 {
            self.setup_audit_action(action)?;
        }
        *self.active.entry(action.to_owned()).or_insert(0) += 1;
        self.actionstack.push(normalized.to_owned());
        let result = body(self);
        *self.active.entry(action.to_owned()).or_insert(1) -= 1;
        self.actionstack.pop();
        self.actparams = old;
        result
    }

    /// `process_action`: populates the chain of a new action invocation.
    pub(crate) fn process_action(
        &mut self,
        normalized: &mut str,
        chain: &mut str,
        caller: &str,
    ) -> Result<()> {
        let name = InvocationName::parse(normalized);
        let action = name.action.clone();
        let param = name
            .param
            .rsplit_once('|')
            .map_or(name.param.as_str(), |it| it.1);
        self.check_action_table(&action, TableId::Filter)?;
        let options = self.actions.get(&action).map_or(0, |it| it.options);
        let nolog = options & (opt::NOLOG | opt::LOGJUMP) != 0;
        self.within_action(&name, param, normalized, chain, caller, |this| {
            if let Some(params) = &mut this.actparams {
                params.disposition = Some(String::new());
            }
            let save_comment = std::mem::take(&mut this.chains.comment);
            let save_origin = this.chains.origin.clone();
            let result = this.action_body(&action, chain, nolog, false, &Columns::empty());
            this.chains.comment = save_comment;
            this.chains.origin = save_origin;
            result
        })?;
        // An empty action file beside a file named after the action is a pre-4.5 action
        // with a Perl extension script, which Shorewall makes the admin combine.
        if self.chains.chain(TableId::Filter, chain).rules.is_empty() {
            let model = self.model;
            let script = model::catalog::config_file_path(
                &model.settings,
                &model.dir,
                model.family,
                self.env.vfs,
                &action,
            );
            if self.env.vfs.exists(&script) {
                return error(format!(
                    "File action.{action} is empty and file {action} exists - the two must be combined as described in the Migration Considerations section of the Shorewall release notes"
                ));
            }
        }
        Ok(())
    }

    /// `setup_audit_action`: `Action(DROP,audit)` turns the target into `A_DROP`.
    pub(crate) fn setup_audit_action(&mut self, action: &str) -> Result<()> {
        let Some(params) = &mut self.actparams else {
            return Ok(());
        };
        let param = |i: usize| {
            params.params.get(i).map_or("", |it| match it.as_str() {
                "-" => "",
                "--" => "-",
                other => other,
            })
        };
        let audit = param(1);
        if !audit.is_empty() {
            if audit != "audit" {
                return error(format!("Invalid parameter ({audit}) to action {action}"));
            }
            let target = param(0).to_owned();
            let basic = target.strip_prefix("A_").unwrap_or(&target);
            let audited = ["ACCEPT", "DROP", "REJECT"].iter().any(|it| {
                basic.strip_prefix(it).is_some_and(|rest| {
                    !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_')
                })
            });
            if !audited {
                return error("Only ACCEPT, DROP and REJECT may be audited");
            }
            if !target.starts_with("A_") {
                match params.params.first_mut() {
                    Some(first) => *first = format!("A_{target}"),
                    None => params.params.push(format!("A_{target}")),
                }
            }
        }
        Ok(())
    }

    /// The body of an action or inline action, for the current parameters. `inline`
    /// expands it in the calling chain with `cols` from the invocation.
    fn action_body(
        &mut self,
        action: &str,
        chain: &str,
        nolog: bool,
        inline: bool,
        cols: &Columns,
    ) -> Result<bool> {
        if !self.caps().has("ADDRTYPE") && !inline && matches!(action, "Broadcast" | "Multicast") {
            return self.perl_cast_action(action, chain);
        }
        if !matches!(action, "Broadcast" | "Multicast") && self.body_is_perl(action) {
            if action == "DropSmurfs" && !inline {
                return self.perl_drop_smurfs(chain);
            }
            if action == "forwardUPnP" && !inline {
                // Its Perl code only adds the rules upnpd saved, at run time.
                self.chains
                    .set_optflags(TableId::Filter, chain, DONT_OPTIMIZE);
                self.chains.add_commands(
                    TableId::Filter,
                    chain,
                    &["[ -f ${VARDIR}/.forwardUPnP ] && cat ${VARDIR}/.forwardUPnP >&3"],
                );
                return Ok(true);
            }
            return unsupported(format!(
                "The {action} action is Perl code, which the preview does not run"
            ));
        }
        let (items, params) = self.invocation_body(action)?;
        let mut generated = false;
        let state = self
            .actions
            .get(action)
            .map(|it| it.state.clone())
            .unwrap_or_default();
        for item in items {
            match item {
                BodyItem::Defaults(_) => {
                    if !state.is_empty() {
                        let target = params.first().cloned().unwrap_or_default();
                        let check = self.check_state(&state);
                        if check > 0 {
                            let matches = if check == 1 {
                                state_match(self, &state)
                            } else {
                                String::new()
                            };
                            generated |= self
                                .perl_action_helper(&target, &matches, &state, "", inline, cols)?;
                        }
                    }
                }
                BodyItem::Line(line) => {
                    let mtarget = line.columns.first().cloned().unwrap_or_else(|| "-".into());
                    if mtarget == "-" {
                        return error("TARGET must be specified");
                    }
                    self.site = Some(line.site);
                    self.chains.comment = match &line.comment {
                        Some(comment) if self.caps().has("COMMENTS") => comment.clone(),
                        _ => String::new(),
                    };
                    let body = Columns::from_record(&line.columns);
                    let mtarget = if nolog {
                        mtarget
                    } else {
                        merge_levels(&self.action_level_context(), &mtarget)?
                    };
                    if inline {
                        let basic = isolate_basic_target(&mtarget)?;
                        let kind = self.target_type(&basic);
                        if kind
                            & (target::ACTION
                                | target::STANDARD
                                | target::NATRULE
                                | target::MACRO
                                | target::CHAIN
                                | target::INLINE
                                | target::INLINERULE)
                            == 0
                        {
                            return error(format!("Invalid Action ({mtarget}) in inline action"));
                        }
                    }
                    let (msource, mdest) = if inline {
                        (
                            macro_source(&body.source, &cols.source, &cols.dest),
                            macro_dest(&body.dest, &cols.source, &cols.dest),
                        )
                    } else {
                        (body.source.to_string(), body.dest.to_string())
                    };
                    for proto in split_list(&body.proto, "Protocol")? {
                        for user in split_list(&body.user, "User/Group")? {
                            let mut c = if inline {
                                Columns {
                                    source: Cow::from(msource.clone()),
                                    dest: Cow::from(mdest.clone()),
                                    proto: Cow::from(merge_column(proto, &cols.proto)),
                                    ports: Cow::from(merge_column(&body.ports, &cols.ports)),
                                    sports: Cow::from(merge_column(&body.sports, &cols.sports)),
                                    origdest: Cow::from(merge_column(
                                        &body.origdest,
                                        &cols.origdest,
                                    )),
                                    rate: Cow::from(merge_column(&body.rate, &cols.rate)),
                                    user: Cow::from(merge_column(user, &cols.user)),
                                    mark: Cow::from(merge_column(&body.mark, &cols.mark)),
                                    connlimit: Cow::from(merge_column(
                                        &body.connlimit,
                                        &cols.connlimit,
                                    )),
                                    time: Cow::from(merge_column(&body.time, &cols.time)),
                                    headers: Cow::from(merge_column(&body.headers, &cols.headers)),
                                    condition: Cow::from(merge_column(
                                        &body.condition,
                                        &cols.condition,
                                    )),
                                    helper: Cow::from(merge_column(&body.helper, &cols.helper)),
                                }
                            } else {
                                body.clone()
                            };
                            c.proto = if inline {
                                c.proto
                            } else {
                                Cow::Borrowed(proto)
                            };
                            if !inline {
                                c.user = Cow::Borrowed(user);
                            }
                            self.inline_matches = line
                                .raw_matches
                                .clone()
                                .map(|it| format!("{it} "))
                                .unwrap_or_default();
                            let (matches, matches1) = if inline {
                                self.inline_context.clone()
                            } else {
                                (String::new(), String::new())
                            };
                            // An inline action passes its parameters on; an action
                            // passes none (`process_action`).
                            let current = if inline {
                                self.actparams
                                    .as_ref()
                                    .map(|it| it.params.join(","))
                                    .unwrap_or_default()
                            } else {
                                String::new()
                            };
                            generated |= self.process_rule(
                                Some(chain),
                                &matches,
                                &matches1,
                                &mtarget,
                                &current,
                                &c,
                                false,
                            )?;
                        }
                    }
                }
            }
        }
        Ok(generated)
    }

    /// `process_inline`: an inline action expanded into `chain`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn process_inline(
        &mut self,
        inline: &str,
        chain: &str,
        matches: &str,
        matches1: &str,
        loglevel: &str,
        _target: &str,
        param: &str,
        cols: &Columns,
        _wildcard: bool,
    ) -> Result<bool> {
        let (level, tag) = match loglevel.split_once(':') {
            Some((l, t)) => (l.to_owned(), t.to_owned()),
            None => (loglevel.to_owned(), String::new()),
        };
        let level = if level.is_empty() {
            "none".to_owned()
        } else {
            level
        };
        let old = self.push_action_params(inline, chain, param, &level, &tag, chain)?;
        let options = self.actions.get(inline).map_or(0, |it| it.options);
        if options & opt::AUDIT != 0 {
            self.setup_audit_action(inline)?;
        }
        let nolog = options & opt::NOLOG != 0;
        let save_comment = std::mem::take(&mut self.chains.comment);
        let save_context = std::mem::replace(
            &mut self.inline_context,
            (matches.to_owned(), matches1.to_owned()),
        );
        let save_columns = self.columns.replace(cols.clone().into_owned());
        let save_site = self.site;
        let result = self.action_body(inline, chain, nolog, true, cols);
        self.site = save_site;
        self.columns = save_columns;
        self.inline_context = save_context;
        self.chains.comment = save_comment;
        self.actparams = old;
        result
    }

    /// `check_state`: whether a state action applies in the current section: 0 no, 1 with
    /// a state match, 2 without one.
    fn check_state(&self, state: &str) -> u32 {
        let Some(params) = &self.actparams else {
            return 1;
        };
        let chain = self.chains.chain(TableId::Filter, &params.chain);
        let name = &chain.name;
        if let Some(first) = name.chars().next() {
            match first {
                '+' => return if state == "RELATED" { 2 } else { 0 },
                '_' => return if state == "INVALID" { 2 } else { 0 },
                '&' => return if state == "UNTRACKED" { 2 } else { 0 },
                _ => {}
            }
        }
        let is_rules_chain = !chain.action.is_empty()
            || !chain.sections.is_empty()
            || chain.is_policy
            || self.is_rules_chain(name);
        let done = &chain.sections;
        if state == "ESTABLISHED" {
            return if done.contains(state) {
                0
            } else if self.section == section::ESTABLISHED {
                2
            } else {
                1
            };
        }
        let target = match state {
            "RELATED" => &self.config.related.target,
            "INVALID" => &self.config.invalid.target,
            "UNTRACKED" => &self.config.untracked.target,
            _ => "",
        };
        if !target.is_empty() && done.contains(state) {
            let prefix = match state {
                "RELATED" => '+',
                "INVALID" => '_',
                _ => '&',
            };
            return match self.chains.get(TableId::Filter, &format!("{prefix}{name}")) {
                Some(statechain) => u32::from(statechain.optflags & super::chains::RETURNS != 0),
                None => 0,
            };
        }
        if self.section & (section::NEW | section::POLICYACTION) != 0 {
            if state == "NEW" {
                for s in ["INVALID", "UNTRACKED"] {
                    if self.check_state(s) > 0 {
                        return 1;
                    }
                }
                return 2;
            }
            return u32::from(state == "INVALID" || state == "UNTRACKED");
        }
        if is_rules_chain && chain.action.is_empty() {
            return if state == section::name(self.section) {
                2
            } else {
                1
            };
        }
        1
    }

    fn is_rules_chain(&self, name: &str) -> bool {
        let zones = self.topo.all_zones();
        zones
            .iter()
            .any(|a| zones.iter().any(|b| self.rules_chain(a, b) == name))
    }

    /// `perl_action_helper`: a rule an action generates itself.
    fn perl_action_helper(
        &mut self,
        target: &str,
        matches: &str,
        isstatematch: &str,
        matches1: &str,
        inline: bool,
        cols: &Columns,
    ) -> Result<bool> {
        let Some(params) = self.actparams.clone() else {
            return Ok(false);
        };
        let mut matches = matches.to_owned();
        if !matches.is_empty() && !matches.ends_with(char::is_whitespace) {
            matches.push(' ');
        }
        self.inline_matches = if target.starts_with("INLINE") {
            matches.clone()
        } else {
            String::new()
        };
        let mut isstatematch = isstatematch.to_owned();
        if !isstatematch.is_empty() {
            if !self.statematch.is_empty() {
                if self.statematch == isstatematch {
                    isstatematch.clear();
                } else {
                    return Ok(false);
                }
            } else {
                self.statematch = isstatematch.clone();
            }
        }
        let merged = merge_levels(&self.action_level_context(), target)?;
        let result = if inline {
            let (context, context1) = self.inline_context.clone();
            let _ = context;
            self.process_rule(
                Some(&params.chain),
                &matches,
                &format!("{context1}{matches1}"),
                &merged,
                "",
                cols,
                false,
            )?
        } else {
            let r = self.process_rule(
                Some(&params.chain),
                &matches,
                matches1,
                &merged,
                "",
                &Columns::empty(),
                false,
            )?;
            self.chains
                .reset_optflags(TableId::Filter, &params.chain, DONT_OPTIMIZE);
            r
        };
        self.actionresult |= result;
        if !isstatematch.is_empty() {
            self.statematch.clear();
        }
        Ok(result)
    }

    /// Whether the body of `action` holds embedded Perl or shell code (`?BEGIN PERL`,
    /// `?PERL`, ...), whose effect the reader does not see.
    fn body_is_perl(&self, action: &str) -> bool {
        let Some(file) = self.actions.get(action).and_then(|it| it.file) else {
            return false;
        };
        let Some(source) = self.model.file(file) else {
            return false;
        };
        source.text.lines().any(|line| {
            let word = line
                .trim_start()
                .trim_start_matches('?')
                .split_whitespace()
                .collect::<Vec<_>>();
            match word.as_slice() {
                [first, second, ..] if first.eq_ignore_ascii_case("begin") => {
                    let second = second.trim_end_matches(';');
                    second.eq_ignore_ascii_case("perl") || second.eq_ignore_ascii_case("shell")
                }
                [first, ..] => {
                    first.eq_ignore_ascii_case("perl") || first.eq_ignore_ascii_case("shell")
                }
                [] => false,
            }
        })
    }

    /// The DropSmurfs action (Perl code in `action.DropSmurfs`): sources that are anycast
    /// (a run-time loop without ADDRTYPE) or multicast go to DROP through a log chain, which
    /// exists unless the level is `-` (with no level given it is `none` and only drops).
    fn perl_drop_smurfs(&mut self, chain: &str) -> Result<bool> {
        let f = TableId::Filter;
        let params = self
            .actparams
            .as_ref()
            .map(|it| it.params.clone())
            .unwrap_or_default();
        let audit = params.first().filter(|it| !it.is_empty() && *it != "-");
        if let Some(audit) = audit {
            if audit != "audit" {
                return error(format!("Invalid argument ({audit}) to DropSmurfs"));
            }
            if !self.caps().has("AUDIT_TARGET") {
                return error("Passing 'audit' to the DropSmurfs action requires AUDIT Target in your kernel and iptables");
            }
        }
        let audit = audit.is_some();
        let (level, tag) = self
            .actparams
            .as_ref()
            .map(|it| (it.loglevel.clone(), it.logtag.clone()))
            .unwrap_or_default();
        let target = if level == "-" {
            "DROP".to_owned()
        } else {
            let logchain = self.chains.next_seq_name(f, "~log");
            self.chains.ensure_referenced_chain(f, &logchain);
            self.log_rule_limit(
                &level,
                f,
                &logchain,
                chain,
                "DROP",
                Some(""),
                &tag,
                true,
                "",
            )?;
            if audit {
                self.chains
                    .add_ijump(f, &logchain, Jump::Jump, "AUDIT --type DROP", vec![])?;
            }
            self.chains
                .add_ijump(f, &logchain, Jump::Jump, "DROP", vec![])?;
            logchain
        };
        if self.caps().has("ADDRTYPE") {
            self.chains
                .add_ijump(f, chain, Jump::Jump, "RETURN", vec![Match::new("s", "::")])?;
            self.chains.add_ijump(
                f,
                chain,
                Jump::Goto,
                &target,
                vec![Match::new("addrtype", "--src-type BROADCAST")],
            )?;
        } else {
            self.chains
                .add_commands(f, chain, &["for address in $ALL_ACASTS; do"]);
            self.chains.incr_cmd_level(f, chain);
            self.chains.add_ijump(
                f,
                chain,
                Jump::Goto,
                &target,
                vec![Match::new("s", "$address")],
            )?;
            self.chains.decr_cmd_level(f, chain);
            self.chains.add_commands(f, chain, &["done"]);
        }
        self.chains.add_ijump(
            f,
            chain,
            Jump::Goto,
            &target,
            vec![Match::new("s", super::addresses::MULTICAST)],
        )?;
        Ok(true)
    }

    /// Broadcast and Multicast without ADDRTYPE (their bodies are Perl code).
    fn perl_cast_action(&mut self, action: &str, chain: &str) -> Result<bool> {
        let mut params = self
            .actparams
            .as_ref()
            .map(|it| it.params.clone())
            .unwrap_or_default();
        if params.is_empty() || params[0].is_empty() {
            // DEFAULTS DROP,-
            if params.is_empty() {
                params.push("DROP".into());
            } else {
                params[0] = "DROP".into();
            }
        }
        let target_action = params[0].clone();
        let audit = params.get(1).filter(|it| !it.is_empty() && *it != "-");
        let tgt = if let Some(audit) = audit {
            if audit != "audit" {
                return error(format!("Invalid parameter to action {action}"));
            }
            // `require_audit`: the `A_` chain audits, then applies the action.
            if !self.caps().has("AUDIT_TARGET") {
                return error("audit requires AUDIT Target in your kernel and iptables");
            }
            let chain = format!("A_{target_action}");
            self.ensure_audit_chain(&chain, Some(&target_action), None)?
        } else if target_action == "REJECT" {
            "reject".to_owned()
        } else {
            target_action.clone()
        };
        let level = self
            .actparams
            .as_ref()
            .map(|it| it.loglevel.clone())
            .unwrap_or_default();
        let tag = self
            .actparams
            .as_ref()
            .map(|it| it.logtag.clone())
            .unwrap_or_default();
        if action == "Broadcast" {
            self.chains
                .add_commands(TableId::Filter, chain, &["for address in $ALL_ACASTS; do"]);
            self.chains.incr_cmd_level(TableId::Filter, chain);
            if !level.is_empty() {
                self.log_rule_limit(
                    &level,
                    TableId::Filter,
                    chain,
                    "Broadcast",
                    &target_action,
                    Some(""),
                    &tag,
                    true,
                    " -d $address ",
                )?;
            }
            self.chains
                .add_jump(TableId::Filter, chain, &tgt, false, "-d $address ", false)?;
            self.chains.decr_cmd_level(TableId::Filter, chain);
            self.chains.add_commands(TableId::Filter, chain, &["done"]);
        } else {
            let dest = format!("-d {} ", super::addresses::MULTICAST);
            if !level.is_empty() {
                self.log_rule_limit(
                    &level,
                    TableId::Filter,
                    chain,
                    "Multicast",
                    &target_action,
                    Some(""),
                    &tag,
                    true,
                    &dest,
                )?;
            }
            self.chains
                .add_jump(TableId::Filter, chain, &tgt, false, &dest, false)?;
        }
        let _ = DONT_MOVE;
        Ok(true)
    }
}

/// The SOURCE of a macro or inline body line merged with the invocation's.
fn macro_source(body: &str, source: &str, dest: &str) -> String {
    if body.is_empty() {
        return String::new();
    }
    if body == "-" {
        return source.to_owned();
    }
    if let Some(rest) = body.strip_prefix("DEST") {
        return merge_source_dest(rest.trim_start_matches(':'), dest);
    }
    merge_source_dest(
        body.strip_prefix("SOURCE")
            .map_or(body, |it| it.trim_start_matches(':')),
        source,
    )
}

/// The DEST of a macro or inline body line merged with the invocation's.
fn macro_dest(body: &str, source: &str, dest: &str) -> String {
    if body.is_empty() {
        return String::new();
    }
    if body == "-" {
        return dest.to_owned();
    }
    if let Some(rest) = body.strip_prefix("SOURCE") {
        return merge_source_dest(rest.trim_start_matches(':'), source);
    }
    let stripped = body.replacen("DEST", "", 1);
    merge_source_dest(stripped.trim_start_matches(':'), dest)
}

#[allow(dead_code)]
fn unused(list: &str) -> Result<Vec<String>> {
    split_list1(list, "x")
}

/// The parts of an action invocation's normalized name, `action:level:tag:caller:param`.
pub(crate) struct InvocationName {
    pub(crate) action: String,
    pub(crate) level: String,
    pub(crate) tag: String,
    /// The parameter list (with the snat file's interface before a `|`).
    pub(crate) param: String,
}

impl InvocationName {
    pub(crate) fn parse(normalized: &str) -> InvocationName {
        let mut parts = normalized.splitn(5, ':');
        let mut next = || parts.next().unwrap_or("").to_owned();
        let (action, level, tag) = (next(), next(), next());
        let _caller = next();
        InvocationName {
            action,
            level,
            tag,
            param: next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_merge_like_shorewall() {
        assert_eq!(merge_levels("Svc:none", "ACCEPT").unwrap(), "ACCEPT:none");
        assert_eq!(
            merge_levels("Logged:info", "ACCEPT").unwrap(),
            "ACCEPT:info"
        );
        assert_eq!(
            merge_levels("Logged:info", "DROP:debug").unwrap(),
            "DROP:debug"
        );
        assert_eq!(
            merge_levels("SSH(ACCEPT):info:tag", "PARAM").unwrap(),
            "PARAM:info:tag"
        );
        assert_eq!(merge_levels("x:info!", "DROP:debug").unwrap(), "DROP:info!");
        assert_eq!(merge_levels("x", "DROP").unwrap(), "DROP");
        assert_eq!(merge_source_dest("2001:db8::1", "net"), "net:2001:db8::1");
        assert_eq!(merge_source_dest("", "net"), "net");
    }
}
