//! The chain table: every chain of every table with the bookkeeping Shorewall 5.2.8 keeps
//! while it generates rules (`Chains.pm` `%chain_table`): who references whom, whether a
//! chain is complete (ends in an unconditional jump), the optimizer's flags, and the Perl
//! hash order of the chain names, which the optimizer's results depend on.
//!
//! Rules enter a chain in two ways, as in Shorewall: as text (`-p 6 --dport 22 -j ACCEPT`,
//! parsed by [`transform_rule`]) or as a list of matches ([`ChainTable::add_ijump`]). The two
//! give rules that print alike but that the optimizer treats differently in a few places, so
//! the [`Form`] of each rule is kept.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::capabilities::Capabilities;
use super::fx_hash::FxHashMap;
use super::ir::{
    key_kind, static_key, Chain as IrChain, Form, Jump, KeyKind, Match, Mode, Rule, Ruleset, Table,
    BUILTIN_CHAINS,
};
use super::perl_hash::PerlHashOrder;
use super::{error, Result};

/// A netfilter table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TableId {
    Raw,
    Nat,
    Mangle,
    Filter,
}

impl TableId {
    pub const ALL: [TableId; 4] = [TableId::Raw, TableId::Nat, TableId::Mangle, TableId::Filter];

    pub fn name(self) -> &'static str {
        match self {
            TableId::Raw => "raw",
            TableId::Nat => "nat",
            TableId::Mangle => "mangle",
            TableId::Filter => "filter",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A chain must not be optimized (its rules are needed as they are).
pub const DONT_OPTIMIZE: u8 = 1;
/// A chain must not be deleted even when nothing jumps to it.
pub const DONT_DELETE: u8 = 2;
/// A chain's rules must not be copied into the chains that jump to it.
pub const DONT_MOVE: u8 = 4;
/// A chain has a `RETURN` rule.
pub const RETURNS: u8 = 8;

/// One chain with Shorewall's bookkeeping. Fields that only some chains use (policy chains,
/// action chains) are kept here too, as in Shorewall's chain hash.
#[derive(Debug, Clone, Default)]
pub struct Chain {
    pub name: String,
    /// The name used in log prefixes (`net-fw`, or `net` with `LOG_ZONE=src`).
    pub logname: String,
    pub table: Option<TableId>,
    pub rules: Vec<Rule>,
    pub referenced: bool,
    /// For each chain that jumps here, how many rules do.
    pub references: BTreeMap<String, u32>,
    pub optflags: u8,
    pub builtin: bool,
    /// The policy of a built-in chain, or of a policy chain.
    pub policy: String,
    /// The chain ends in an unconditional jump: later rules are unreachable.
    pub complete: bool,
    /// Nesting depth of shell loops around rules being added.
    pub cmdlevel: u32,
    /// Number of leading rules that are interface filters (`sfilter`), kept first on moves.
    pub filtered: usize,
    /// Where the NEW section starts (tunnel rules are inserted there).
    pub new: Option<usize>,
    /// Counter for `%d` in LOGFORMAT.
    pub log: u32,
    /// Insertion point for rules inserted at the head of raw PREROUTING/OUTPUT.
    pub insert: usize,
    pub origin: String,
    /// Key `level:tag:exception:disposition:target` → log chain name.
    pub logchains: BTreeMap<String, String>,
    // Policy chains (Rules.pm).
    pub is_policy: bool,
    pub wild: bool,
    pub provisional: bool,
    pub policychain: String,
    pub policypair: Option<(String, String)>,
    pub loglevel: String,
    pub pactions: Vec<String>,
    pub synparams: String,
    pub synchain: String,
    pub synlog: String,
    pub audit: bool,
    /// Conntrack states already handled at the head of a rules chain.
    pub sections: BTreeSet<String>,
    // Action chains.
    pub action: String,
    /// The mangle chains an action chain's rules allow it to be invoked from
    /// (`allowedchains`).
    pub allowedchains: u32,
    pub sourcezone: String,
    pub destzone: String,
    pub blacklistsection: bool,
    pub restriction: u32,
    pub restricted: u32,
    pub manual: bool,
    pub accounting: bool,
    /// The digest of the chain's rules (level 8), when computed.
    pub digest: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct TableData {
    chains: Vec<Chain>,
    by_name: FxHashMap<String, usize>,
    order: PerlHashOrder,
}

/// Every chain of every table, and the state shared by the functions that build them.
#[derive(Debug, Clone)]
pub struct ChainTable {
    tables: [TableData; 4],
    pub caps: Capabilities,
    /// Sequence numbers of `~log`, `~excl`, ... chains, per table (`%chainseq`).
    pub chainseq: HashMap<TableId, u32>,
    /// Built-in targets and chains known to end processing (`%terminating`).
    pub terminating: BTreeSet<String>,
    /// The current comment (`?COMMENT`, macro name) given to new rules.
    pub comment: String,
    /// The origin (`file:line`) given to new rules.
    pub origin: String,
    /// `TRACK_RULES=Yes`: every rule's comment is its origin.
    pub rule_comments: bool,
}

/// Targets of the filter table that exist without a chain (`%builtin_target`, filter subset
/// and the others a rule may name).
pub fn is_builtin_target(name: &str) -> bool {
    matches!(
        name,
        "ACCEPT"
            | "ACCOUNT"
            | "AUDIT"
            | "CHAOS"
            | "CHECKSUM"
            | "CLASSIFY"
            | "CLUSTERIP"
            | "CONNMARK"
            | "CONNSECMARK"
            | "COUNT"
            | "CT"
            | "DELUDE"
            | "DHCPMAC"
            | "DNAT"
            | "DNETMAP"
            | "DROP"
            | "DSCP"
            | "ECHO"
            | "ECN"
            | "HL"
            | "IDLETIMER"
            | "IPMARK"
            | "LOG"
            | "LOGMARK"
            | "MARK"
            | "MASQUERADE"
            | "MIRROR"
            | "NETMAP"
            | "NFLOG"
            | "NFQUEUE"
            | "NOTRACK"
            | "QUEUE"
            | "RATEEST"
            | "RAWDNAT"
            | "RAWSNAT"
            | "REDIRECT"
            | "REJECT"
            | "RETURN"
            | "SAME"
            | "SECMARK"
            | "SET"
            | "SNAT"
            | "STEAL"
            | "SYSRQ"
            | "TARPIT"
            | "TCPMSS"
            | "TCPOPTSTRIP"
            | "TEE"
            | "TOS"
            | "TPROXY"
            | "TRACE"
            | "TTL"
            | "ULOG"
    )
}

const INITIAL_TERMINATING: [&str; 16] = [
    "ACCEPT",
    "DROP",
    "RETURN",
    "QUEUE",
    "CLASSIFY",
    "DNAT",
    "MASQUERADE",
    "NETMAP",
    "NOTRACK",
    "RAWDNAT",
    "REDIRECT",
    "RAWSNAT",
    "REJECT",
    "SAME",
    "SNAT",
    "TPROXY",
];

/// Long option names accepted in rule text, and the short names they stand for.
fn alias(option: &str) -> Option<&'static str> {
    Some(match option {
        "protocol" => "p",
        "source" => "s",
        "destination" => "d",
        "jump" => "j",
        "goto" => "g",
        "in-interface" => "i",
        "out-interface" => "o",
        "dport" => "dport",
        "sport" => "sport",
        "icmp-type" => "icmp-type",
        "icmpv6-type" => "icmpv6-type",
        _ => return None,
    })
}

/// Identifies a chain: its table and name.
pub type ChainKey<'a> = (TableId, &'a str);

impl ChainTable {
    /// An empty table set (Shorewall's `Chains::initialize`).
    pub fn new(caps: Capabilities) -> ChainTable {
        ChainTable {
            tables: Default::default(),
            caps,
            chainseq: HashMap::new(),
            terminating: INITIAL_TERMINATING
                .iter()
                .map(|it| (*it).to_owned())
                .collect(),
            comment: String::new(),
            origin: String::new(),
            rule_comments: false,
        }
    }

    fn data(&self, table: TableId) -> &TableData {
        &self.tables[table.index()]
    }

    fn data_mut(&mut self, table: TableId) -> &mut TableData {
        &mut self.tables[table.index()]
    }

    /// The chain `name` of `table`, if it was ever created.
    pub fn get(&self, table: TableId, name: &str) -> Option<&Chain> {
        let data = self.data(table);
        data.by_name.get(name).map(|it| &data.chains[*it])
    }

    pub fn get_mut(&mut self, table: TableId, name: &str) -> Option<&mut Chain> {
        let data = self.data_mut(table);
        match data.by_name.get(name) {
            Some(it) => Some(&mut data.chains[*it]),
            None => None,
        }
    }

    pub fn exists(&self, table: TableId, name: &str) -> bool {
        self.data(table).by_name.contains_key(name)
    }

    /// `$chain_table{filter}{$name}`: panics never; returns a default chain for unknown names.
    pub fn chain(&self, table: TableId, name: &str) -> &Chain {
        static EMPTY: std::sync::OnceLock<Chain> = std::sync::OnceLock::new();
        self.get(table, name)
            .unwrap_or_else(|| EMPTY.get_or_init(Chain::default))
    }

    /// A copy of a chain's attributes without its rules (cheap, for reading them while the
    /// table changes).
    pub fn head(&mut self, table: TableId, name: &str) -> Chain {
        match self.get_mut(table, name) {
            Some(chain) => {
                let rules = std::mem::take(&mut chain.rules);
                let copy = chain.clone();
                chain.rules = rules;
                copy
            }
            None => Chain::default(),
        }
    }

    /// [`ChainTable::head`] by index.
    pub fn head_by_index(&mut self, table: TableId, index: usize) -> Option<Chain> {
        let name = self.by_index(table, index)?.name.clone();
        Some(self.head(table, &name))
    }

    /// Whether rules can no longer be added to `name`: it is missing or complete.
    pub fn closed(&self, table: TableId, name: &str) -> bool {
        self.get(table, name).is_none_or(|it| it.complete)
    }

    /// Chain names of `table` in Perl hash order (`keys %$tableref`).
    pub fn names_in_hash_order(&self, table: TableId) -> Vec<String> {
        self.data(table)
            .order
            .keys()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    /// Chain names of `table`, sorted.
    pub fn names_sorted(&self, table: TableId) -> Vec<String> {
        let mut names: Vec<String> = self.data(table).by_name.keys().cloned().collect();
        names.sort();
        names
    }

    /// Creates chain `name` (Shorewall's `new_chain`); it must not exist yet.
    pub fn new_chain(&mut self, table: TableId, name: &str, logname: Option<&str>) -> &mut Chain {
        let origin = self.origin.clone();
        let data = self.data_mut(table);
        if let Some(index) = data.by_name.get(name) {
            // Shorewall asserts; keep the existing chain rather than corrupt the table.
            let index = *index;
            return &mut data.chains[index];
        }
        let chain = Chain {
            name: name.to_owned(),
            logname: logname.unwrap_or(name).to_owned(),
            table: Some(table),
            log: 1,
            origin,
            ..Chain::default()
        };
        data.chains.push(chain);
        let index = data.chains.len() - 1;
        data.by_name.insert(name.to_owned(), index);
        data.order.insert(name);
        &mut data.chains[index]
    }

    /// The chain `name`, created if needed (`ensure_chain`).
    pub fn ensure_chain(&mut self, table: TableId, name: &str) -> &mut Chain {
        if self.exists(table, name) {
            self.get_mut(table, name).expect("checked above")
        } else {
            self.new_chain(table, name, None)
        }
    }

    /// A built-in chain with its policy (`new_builtin_chain`).
    pub fn new_builtin_chain(&mut self, table: TableId, name: &str, policy: &str) -> &mut Chain {
        let chain = self.new_chain(table, name, None);
        chain.referenced = true;
        chain.policy = policy.to_owned();
        chain.builtin = true;
        chain.optflags = DONT_DELETE;
        chain
    }

    /// A referenced filter chain (`new_standard_chain`).
    pub fn new_standard_chain(&mut self, name: &str) -> &mut Chain {
        let chain = self.new_chain(TableId::Filter, name, None);
        chain.referenced = true;
        chain
    }

    /// `ensure_filter_chain`, `ensure_mangle_chain`, ...: create if needed, mark referenced.
    pub fn ensure_referenced_chain(&mut self, table: TableId, name: &str) -> &mut Chain {
        let chain = self.ensure_chain(table, name);
        chain.referenced = true;
        chain
    }

    /// The next name of a numbered helper chain: `~log0`, `~excl1`, ...
    pub fn next_seq_name(&mut self, table: TableId, prefix: &str) -> String {
        let seq = self.chainseq.entry(table).or_insert(0);
        let name = format!("{prefix}{seq}");
        *seq += 1;
        name
    }

    pub fn set_optflags(&mut self, table: TableId, name: &str, flags: u8) {
        if let Some(chain) = self.get_mut(table, name) {
            chain.optflags |= flags;
        }
    }

    pub fn reset_optflags(&mut self, table: TableId, name: &str, flags: u8) {
        if let Some(chain) = self.get_mut(table, name) {
            chain.optflags &= !flags;
        }
    }

    /// Whether the chain `name` ends processing (`terminating`).
    pub fn chain_terminates(chain: &Chain) -> bool {
        chain.complete && chain.optflags & RETURNS == 0
    }

    /// `is_terminating`: a chain that ends processing, or a built-in target that does.
    pub fn is_terminating(&self, table: TableId, target: &str) -> bool {
        match self.get(table, target) {
            Some(chain) => ChainTable::chain_terminates(chain),
            None => self.terminating.contains(target),
        }
    }

    /// Records that `from` jumps to `to` (`add_reference`).
    pub fn add_reference(&mut self, table: TableId, from: &str, to: &str) {
        let blacklist = self.get(table, from).is_some_and(|it| it.blacklistsection);
        if let Some(to) = self.get_mut(table, to) {
            to.blacklistsection |= blacklist;
            // The key is copied only the first time `from` jumps to `to`.
            match to.references.get_mut(from) {
                Some(count) => *count += 1,
                None => {
                    to.references.insert(from.to_owned(), 1);
                }
            }
        }
    }

    /// Forgets one jump from `from` to `to` (`delete_reference`).
    pub fn delete_reference(&mut self, table: TableId, from: &str, to: &str) {
        if let Some(to) = self.get_mut(table, to) {
            if let Some(count) = to.references.get_mut(from) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    to.references.remove(from);
                }
            }
        }
    }

    fn set_rule_comment(&self, chain_origin: &str, rule: &mut Rule) {
        if rule.origin.as_deref().unwrap_or("").is_empty() && !chain_origin.is_empty() {
            rule.origin = Some(chain_origin.to_owned());
        }
        let comment = if self.rule_comments {
            rule.origin
                .clone()
                .filter(|it| !it.is_empty())
                .unwrap_or_else(|| self.comment.clone())
        } else {
            self.comment.clone()
        };
        rule.comment = (!comment.is_empty()).then_some(comment);
    }

    /// Builds a rule from matches (`create_irule`); updates the chain's flags as Shorewall
    /// does, but does not add the rule.
    fn create_irule(
        &mut self,
        table: TableId,
        chain: &str,
        jump: Option<Jump>,
        target: &str,
        matches: Vec<Match>,
    ) -> Rule {
        let (target, targetopts) = match target.split_once(' ') {
            Some((t, o)) => (t.to_owned(), Some(o.trim_start().to_owned())),
            None => (target.to_owned(), None),
        };
        let no_matches = matches.is_empty();
        let cmdlevel = self.get(table, chain).map_or(0, |it| it.cmdlevel);
        let mut rule = Rule {
            origin: (!self.origin.is_empty()).then(|| self.origin.clone()),
            ..Rule::default()
        };
        if cmdlevel > 0 {
            rule.mode = Mode::Shell {
                level: cmdlevel,
                command: None,
            };
        }
        let terminates =
            jump.is_some() && (jump == Some(Jump::Goto) || self.is_terminating(table, &target));
        let chain_origin = self
            .get(table, chain)
            .map(|it| it.origin.clone())
            .unwrap_or_default();
        if let Some(jump) = jump {
            rule.jump = Some(jump);
            rule.target = target.clone();
            rule.target_options = targetopts.filter(|it| !it.is_empty());
        }
        self.set_rule_comment(&chain_origin, &mut rule);
        rule.form = Form::Irule;
        let mut dont_optimize = false;
        for m in matches {
            if !rule.has(&m.key)
                && matches!(&*m.key, "p" | "i" | "o" | "s" | "d")
                && m.value.starts_with('!')
            {
                dont_optimize = true;
            }
            rule.push_match(m);
        }
        rule.simple = no_matches;
        if let Some(chain) = self.get_mut(table, chain) {
            if jump.is_some() && target == "RETURN" {
                chain.optflags |= RETURNS | DONT_MOVE;
            }
            chain.complete |= no_matches && terminates;
            chain.referenced = true;
            if dont_optimize {
                chain.optflags |= DONT_OPTIMIZE;
            }
        }
        rule
    }

    /// Appends a jump with `matches` to `to` (`add_ijump`); `to` may carry target options
    /// (`LOG --log-level 6`). A jump to a built-in target is always `-j`. Returns the index
    /// of the new rule, or `None` when the chain was already complete.
    pub fn add_ijump(
        &mut self,
        table: TableId,
        from: &str,
        jump: Jump,
        to: &str,
        matches: Vec<Match>,
    ) -> Result<Option<usize>> {
        self.add_ijump_internal(table, from, jump, to, false, None, matches)
    }

    /// `add_ijump_extended`: with the origin of the jump.
    pub fn add_ijump_with_origin(
        &mut self,
        table: TableId,
        from: &str,
        jump: Jump,
        to: &str,
        origin: Option<&str>,
        matches: Vec<Match>,
    ) -> Result<Option<usize>> {
        self.add_ijump_internal(table, from, jump, to, false, origin, matches)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn add_ijump_internal(
        &mut self,
        table: TableId,
        from: &str,
        jump: Jump,
        to: &str,
        expand_ports: bool,
        origin: Option<&str>,
        matches: Vec<Match>,
    ) -> Result<Option<usize>> {
        if self.closed(table, from) {
            return Ok(None);
        }
        let basic = to.split(' ').next().unwrap_or("");
        let is_chain = self.exists(table, basic) && !to.contains(' ');
        let mut rule;
        if is_chain {
            if let Some(chain) = self.get_mut(table, basic) {
                chain.referenced = true;
            }
            self.add_reference(table, from, basic);
            let jump = if self.caps.has("GOTO_TARGET") {
                jump
            } else {
                Jump::Jump
            };
            rule = self.create_irule(table, from, Some(jump), to, matches);
        } else {
            if !is_builtin_target(basic) {
                return error(format!("Unknown rule target ({to})"));
            }
            rule = self.create_irule(table, from, Some(Jump::Jump), to, matches);
        }
        if rule.simple {
            let terminates = jump == Jump::Goto
                || if is_chain {
                    self.get(table, basic)
                        .is_some_and(ChainTable::chain_terminates)
                } else {
                    self.terminating.contains(basic)
                };
            if terminates {
                if let Some(chain) = self.get_mut(table, from) {
                    chain.complete = true;
                }
            }
        }
        if let Some(origin) = origin.filter(|it| !it.is_empty()) {
            rule.origin = Some(origin.to_owned());
        }
        if expand_ports {
            let count = self.handle_port_ilist(table, from, rule, true);
            Ok(count
                .checked_sub(1)
                .map(|_| self.chain(table, from).rules.len() - 1))
        } else {
            Ok(Some(self.push_irule(table, from, rule)))
        }
    }

    fn push_irule(&mut self, table: TableId, chain: &str, rule: Rule) -> usize {
        match self.get_mut(table, chain) {
            Some(chain) => {
                chain.rules.push(rule);
                chain.rules.len() - 1
            }
            None => 0,
        }
    }

    /// Splits a rule whose multiport list counts more than 15 ports (`handle_port_ilist`).
    /// Returns the number of rules added.
    fn handle_port_ilist(&mut self, table: TableId, chain: &str, rule: Rule, dport: bool) -> usize {
        let key = if dport { "--dports " } else { "--sports " };
        let ports = rule
            .matches
            .iter()
            .find(|it| it.key == "multiport" && it.value.starts_with(key))
            .map(|it| it.value[key.len()..].trim_end().to_owned());
        match ports {
            Some(ports) if port_count(&ports) > 15 => {
                let mut added = 0;
                for group in split_port_list(&ports) {
                    let mut new = rule.clone();
                    for m in &mut new.matches {
                        if m.key == "multiport" && m.value.starts_with(key) {
                            m.value = format!("{key}{group}");
                        }
                    }
                    added += if dport {
                        self.handle_port_ilist(table, chain, new, false)
                    } else {
                        self.push_irule(table, chain, new);
                        1
                    };
                }
                added
            }
            _ if dport => self.handle_port_ilist(table, chain, rule, false),
            _ => {
                self.push_irule(table, chain, rule);
                1
            }
        }
    }

    /// Inserts a jump at `index` (`insert_ijump`); a chain target that does not exist yet is
    /// created.
    pub fn insert_ijump(
        &mut self,
        table: TableId,
        from: &str,
        jump: Jump,
        to: &str,
        index: usize,
        matches: Vec<Match>,
    ) {
        let basic = to.split(' ').next().unwrap_or("");
        let is_chain = !is_builtin_target(to) && !to.contains(" --");
        if is_chain {
            self.ensure_chain(table, to).referenced = true;
            self.add_reference(table, from, to);
            let jump = if self.caps.has("GOTO_TARGET") {
                jump
            } else {
                Jump::Jump
            };
            self.insert_irule(table, from, Some(jump), to, index, matches);
        } else {
            let _ = basic;
            self.insert_irule(table, from, Some(Jump::Jump), to, index, matches);
        }
    }

    /// `add_irule`: appends a rule of matches without a target.
    pub fn add_irule(&mut self, table: TableId, chain: &str, matches: Vec<Match>) {
        self.insert_irule(table, chain, None, "", usize::MAX, matches);
    }

    /// `insert_irule`: inserts a rule at `index` (or appends beyond the end).
    pub fn insert_irule(
        &mut self,
        table: TableId,
        chain: &str,
        jump: Option<Jump>,
        target: &str,
        index: usize,
        matches: Vec<Match>,
    ) {
        let cmdlevel = self.get(table, chain).map_or(0, |it| it.cmdlevel);
        let chain_origin = self
            .get(table, chain)
            .map(|it| it.origin.clone())
            .unwrap_or_default();
        let mut rule = Rule {
            origin: (!chain_origin.is_empty()).then(|| chain_origin.clone()),
            ..Rule::default()
        };
        if cmdlevel > 0 {
            rule.mode = Mode::Shell {
                level: cmdlevel,
                command: None,
            };
        }
        if let Some(mut jump) = jump {
            if jump == Jump::Goto && !self.caps.has("GOTO_TARGET") {
                jump = Jump::Jump;
            }
            let (target, options) = match target.split_once(' ') {
                Some((t, o)) => (t, Some(o.trim_start().to_owned())),
                None => (target, None),
            };
            rule.jump = Some(jump);
            rule.target = target.to_owned();
            rule.target_options = options.filter(|it| !it.is_empty());
        }
        rule.simple = matches.is_empty();
        let mut dont_optimize = false;
        for m in matches {
            if !rule.has(&m.key)
                && matches!(&*m.key, "p" | "i" | "o" | "s" | "d")
                && m.value.starts_with('!')
            {
                dont_optimize = true;
            }
            rule.push_match(m);
        }
        rule.simple = rule.matches.is_empty();
        rule.form = Form::Irule;
        self.set_rule_comment(&chain_origin, &mut rule);
        if let Some(chain) = self.get_mut(table, chain) {
            let at = index.min(chain.rules.len());
            chain.rules.insert(at, rule);
            chain.referenced = true;
            if dont_optimize {
                chain.optflags |= DONT_OPTIMIZE;
            }
        }
    }

    /// Appends shell commands (`add_commands`): they mark the chain as not optimizable.
    pub fn add_commands(&mut self, table: TableId, chain: &str, commands: &[&str]) {
        if let Some(chain) = self.get_mut(table, chain) {
            for command in commands {
                chain.rules.push(Rule::command(*command, chain.cmdlevel));
            }
            chain.referenced = true;
            chain.optflags |= DONT_OPTIMIZE | DONT_MOVE;
        }
    }

    /// `incr_cmd_level`: rules added next are inside a shell loop.
    pub fn incr_cmd_level(&mut self, table: TableId, chain: &str) {
        if let Some(chain) = self.get_mut(table, chain) {
            chain.cmdlevel += 1;
            chain.optflags |= DONT_OPTIMIZE | DONT_MOVE;
        }
    }

    pub fn decr_cmd_level(&mut self, table: TableId, chain: &str) {
        if let Some(chain) = self.get_mut(table, chain) {
            chain.cmdlevel = chain.cmdlevel.saturating_sub(1);
        }
    }

    /// Adds a rule given as text (`add_rule`); with `expand_ports`, long port lists are split
    /// into rules of at most 15 ports and icmp type lists into one rule per type. Returns the
    /// number of rules added.
    pub fn add_rule(
        &mut self,
        table: TableId,
        chain: &str,
        text: &str,
        expand_ports: bool,
    ) -> Result<usize> {
        if self.closed(table, chain) {
            return Ok(0);
        }
        if !expand_ports {
            self.push_rule(table, chain, text)?;
            return Ok(1);
        }
        if let Some((first, ports, rest)) = split_at_option(text, " --dports") {
            return self.handle_port_list(table, chain, text, true, first, ports, rest);
        }
        if let Some((first, ports, rest)) = split_at_option(text, " --sports") {
            return self.handle_port_list(table, chain, text, false, first, ports, rest);
        }
        if let Some((first, ports, rest)) = split_at_option(text, " --ports") {
            return self.handle_port_list(table, chain, text, false, first, ports, rest);
        }
        for option in [" --icmpv6-type", " --icmp-type"] {
            if let Some((first, types, rest)) = split_at_option_tight(text, option) {
                if types.contains(',') {
                    let mut added = 0;
                    for one in types.split(',') {
                        self.push_rule(table, chain, &format!("{first}{one}{rest}"))?;
                        added += 1;
                    }
                    return Ok(added);
                }
                self.push_rule(table, chain, text)?;
                return Ok(1);
            }
        }
        self.push_rule(table, chain, text)?;
        Ok(1)
    }

    #[allow(clippy::too_many_arguments)]
    fn handle_port_list(
        &mut self,
        table: TableId,
        chain: &str,
        rule: &str,
        dport: bool,
        first: &str,
        ports: &str,
        rest: &str,
    ) -> Result<usize> {
        if port_count(ports) > 15 {
            let mut added = 0;
            for group in split_port_list(ports) {
                let new = format!("{first}{group}{rest}");
                match split_at_option(&new, " --sports").filter(|_| dport) {
                    Some((f, p, r)) => {
                        let (f, p, r) = (f.to_owned(), p.to_owned(), r.to_owned());
                        added += self.handle_port_list(table, chain, &new, false, &f, &p, &r)?;
                    }
                    None => {
                        self.push_rule(table, chain, &new)?;
                        added += 1;
                    }
                }
            }
            Ok(added)
        } else if let Some((f, p, r)) = split_at_option(rule, " --sports").filter(|_| dport) {
            let (f, p, r) = (f.to_owned(), p.to_owned(), r.to_owned());
            self.handle_port_list(table, chain, rule, false, &f, &p, &r)
        } else {
            self.push_rule(table, chain, rule)?;
            Ok(1)
        }
    }

    /// Parses `text` and appends it (`push_rule`).
    pub fn push_rule(&mut self, table: TableId, chain: &str, text: &str) -> Result<Option<usize>> {
        // The chain is looked up once (this runs for every rule).
        let Some(index) = self.index_of(table, chain) else {
            return Ok(None);
        };
        let Some(target) = self.data(table).chains.get(index) else {
            return Ok(None);
        };
        if target.complete {
            return Ok(None);
        }
        let (mut rule, complete) = transform_rule(text, &self.terminating)?;
        if rule.target == chain {
            return error(format!("Chain {chain} jumps to itself"));
        }
        if rule.origin.is_none() && !self.origin.is_empty() {
            rule.origin = Some(self.origin.clone());
        }
        self.set_rule_comment(&target.origin, &mut rule);
        let cmdlevel = target.cmdlevel;
        if cmdlevel > 0 {
            rule.mode = Mode::Shell {
                level: cmdlevel,
                command: None,
            };
        }
        let returns = rule.target == "RETURN";
        let Some(chain) = self.data_mut(table).chains.get_mut(index) else {
            return Ok(None);
        };
        chain.rules.push(rule);
        chain.referenced = true;
        if returns {
            chain.optflags |= RETURNS | DONT_MOVE;
        }
        if complete {
            chain.complete = true;
        }
        Ok(Some(chain.rules.len() - 1))
    }

    /// Inserts a rule given as text at `index` (`insert_rule1`).
    pub fn insert_rule(
        &mut self,
        table: TableId,
        chain: &str,
        index: usize,
        text: &str,
    ) -> Result<()> {
        let (mut rule, _) = transform_rule(text, &self.terminating)?;
        let chain_origin = self.chain(table, chain).origin.clone();
        self.set_rule_comment(&chain_origin, &mut rule);
        if let Some(chain) = self.get_mut(table, chain) {
            let at = index.min(chain.rules.len());
            chain.rules.insert(at, rule);
            chain.referenced = true;
        }
        Ok(())
    }

    /// Adds a jump given as a text predicate (`add_jump`). `goto_ok` allows `-g` to a chain.
    pub fn add_jump(
        &mut self,
        table: TableId,
        from: &str,
        to: &str,
        goto_ok: bool,
        predicate: &str,
        expand_ports: bool,
    ) -> Result<usize> {
        if self.closed(table, from) {
            return Ok(0);
        }
        let basic = to.split(' ').next().unwrap_or("");
        let is_chain = self.exists(table, basic);
        if !is_chain && !is_builtin_target(basic) {
            return error(format!("Unknown rule target ({to})"));
        }
        if is_chain {
            if let Some(chain) = self.get_mut(table, basic) {
                chain.referenced = true;
            }
            self.add_reference(table, from, basic);
        }
        let flag = if goto_ok && is_chain && self.caps.has("GOTO_TARGET") {
            "g"
        } else {
            "j"
        };
        if contains_inverted_header(predicate) {
            self.set_optflags(table, from, DONT_OPTIMIZE);
        }
        self.add_rule(
            table,
            from,
            &format!("{predicate}-{flag} {to}"),
            expand_ports,
        )
    }

    /// `add_expanded_jump`: a jump with a text predicate whose port lists are split; each
    /// extra rule counts as an extra reference to the target chain.
    pub fn add_expanded_jump(
        &mut self,
        table: TableId,
        from: &str,
        to: &str,
        goto: bool,
        predicate: &str,
    ) -> Result<()> {
        if self.closed(table, from) {
            return Ok(());
        }
        let added = self.add_jump(table, from, to, goto, predicate, true)?;
        for _ in 1..added {
            self.add_reference(table, from, to);
        }
        Ok(())
    }

    /// Empties a chain and marks it unreferenced (`delete_chain`); it stays in the table.
    /// Appends a ready rule to `chain` (`add_trule`), without references.
    pub fn add_trule(&mut self, table: TableId, chain: &str, rule: Rule) {
        let returns = rule.target == "RETURN";
        if let Some(chain) = self.get_mut(table, chain) {
            chain.rules.push(rule);
            chain.referenced = true;
            if returns {
                chain.optflags |= RETURNS | DONT_MOVE;
            }
        }
    }

    /// Removes the jumps of `from` to `to` (`delete_jumps`).
    pub fn delete_jumps(&mut self, table: TableId, from: &str, to: &str) {
        if let Some(chain) = self.get_mut(table, from) {
            chain.rules.retain(|rule| rule.target != to);
        }
        if let Some(chain) = self.get_mut(table, to) {
            chain.references.remove(from);
        }
    }

    pub fn delete_chain(&mut self, table: TableId, name: &str) {
        if let Some(chain) = self.get_mut(table, name) {
            chain.referenced = false;
            chain.rules.clear();
            chain.references.clear();
        }
    }

    /// Deletes a chain, the rules that jump to it, and then chains nothing jumps to any
    /// more (`delete_chain_and_references`).
    pub fn delete_chain_and_references(&mut self, table: TableId, name: &str) {
        let referrers: Vec<String> = self.chain(table, name).references.keys().cloned().collect();
        for from in referrers {
            if let Some(chain) = self.get_mut(table, &from) {
                chain.rules.retain(|it| it.target != name);
            }
        }
        let targets: Vec<String> = self
            .chain(table, name)
            .rules
            .iter()
            .filter_map(|it| it.target().map(str::to_owned))
            .collect();
        for target in targets {
            self.decrement_reference_count(table, &target, name);
        }
        self.delete_chain(table, name);
    }

    /// `decrement_reference_count`: `from` no longer jumps to `to`; delete `to` when nothing
    /// does.
    pub fn decrement_reference_count(&mut self, table: TableId, to: &str, from: &str) {
        let Some(chain) = self.get_mut(table, to) else {
            return;
        };
        if !chain.referenced {
            return;
        }
        if let Some(count) = chain.references.get_mut(from) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                chain.references.remove(from);
            }
        }
        if chain.references.is_empty() {
            self.delete_chain_and_references(table, to);
        }
    }

    pub fn increment_reference_count(&mut self, table: TableId, to: &str, from: &str) {
        if let Some(chain) = self.get_mut(table, to) {
            *chain.references.entry(from.to_owned()).or_insert(0) += 1;
        }
    }

    fn adjust_reference_counts(&mut self, table: TableId, to: &str, from1: &str, from2: &str) {
        if let Some(chain) = self.get_mut(table, to) {
            if let Some(count) = chain.references.get_mut(from1) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    chain.references.remove(from1);
                }
            } else {
                // Perl decrements an undefined count to -1, which deletes the key.
            }
            *chain.references.entry(from2.to_owned()).or_insert(0) += 1;
        }
    }

    /// Moves the rules of `from` to the head of `to` (`move_rules`), keeping interface filter
    /// rules first and dropping duplicated filters. Returns how many rules moved.
    pub fn move_rules(&mut self, table: TableId, from: &str, to: &str) -> usize {
        if !self.chain(table, from).referenced {
            return 0;
        }
        let targets: Vec<String> = self
            .chain(table, from)
            .rules
            .iter()
            .filter_map(|it| it.target().map(str::to_owned))
            .collect();
        for target in targets {
            if self.exists(table, &target) {
                self.adjust_reference_counts(table, &target, from, to);
            }
        }
        let (mut rules1, filtered1) = {
            let chain = self.get_mut(table, from).expect("exists");
            let filtered = chain.filtered;
            chain.filtered = 0;
            (std::mem::take(&mut chain.rules), filtered)
        };
        let count = rules1.len();
        let filtered1_rules: Vec<Rule> = rules1.drain(..filtered1.min(rules1.len())).collect();
        let Some(chain2) = self.get_mut(table, to) else {
            return 0;
        };
        let filtered2 = chain2.filtered;
        let mut rules2 = std::mem::take(&mut chain2.rules);
        let mut filtered2_rules: Vec<Rule> = rules2.drain(..filtered2.min(rules2.len())).collect();
        let mut rules: Vec<Rule> = rules1;
        rules.extend(rules2);
        chain2.referenced = true;
        while rules.len() > 1 && rules[0].dhcp && rules[1].dhcp {
            rules.remove(0);
        }
        let nfiltered1 = filtered1_rules.len();
        let mut head = filtered1_rules;
        head.extend(rules);
        let mut rules = head;
        let mut kept2 = filtered2;
        // Restore the filters of `to` unless `from` brought the same ones.
        while let Some(filter) = filtered2_rules.pop() {
            if rules[..nfiltered1].contains(&filter) {
                kept2 -= 1;
                continue;
            }
            rules.insert(0, filter);
        }
        chain2.rules = rules;
        chain2.filtered = nfiltered1 + kept2;
        self.delete_chain(table, from);
        count
    }

    /// Appends the rules of `from` to `to`, replacing the jump to `from` that ends `to`
    /// unless `no_jump` (`copy_rules`).
    pub fn copy_rules(&mut self, table: TableId, from: &str, to: &str, no_jump: bool) {
        let rules1 = self.chain(table, from).rules.clone();
        if !no_jump {
            if let Some(chain) = self.get_mut(table, to) {
                chain.rules.pop();
            }
        }
        for rule in &rules1 {
            if let Some(target) = rule.target() {
                if self.exists(table, target) {
                    self.increment_reference_count(table, target, to);
                }
            }
        }
        if let Some(chain) = self.get_mut(table, to) {
            chain.rules.extend(rules1);
        }
        if !no_jump {
            let remaining = self.get_mut(table, from).map(|chain| {
                let count = chain.references.entry(to.to_owned()).or_insert(0);
                *count = count.saturating_sub(1);
                *count
            });
            if remaining == Some(0) {
                if let Some(chain) = self.get_mut(table, from) {
                    chain.references.remove(to);
                }
                if self.chain(table, from).references.is_empty() {
                    self.delete_chain_and_references(table, from);
                }
            }
        }
    }

    /// Renames chain `old` to `new` in the hash (level 8): the key is inserted, the old key
    /// removed later by [`ChainTable::forget_name`].
    pub fn alias_chain(&mut self, table: TableId, old: &str, new: &str) {
        let data = self.data_mut(table);
        if let Some(index) = data.by_name.get(old).copied() {
            data.by_name.insert(new.to_owned(), index);
            data.order.insert(new);
            data.chains[index].name = new.to_owned();
        }
    }

    /// Removes the key `name` from the table's hash.
    pub fn forget_name(&mut self, table: TableId, name: &str) {
        let data = self.data_mut(table);
        data.by_name.remove(name);
        data.order.remove(name);
    }

    /// The arena index of chain `name` (stable across renames).
    pub fn index_of(&self, table: TableId, name: &str) -> Option<usize> {
        self.data(table).by_name.get(name).copied()
    }

    /// The chain at arena index `index`.
    pub fn by_index(&self, table: TableId, index: usize) -> Option<&Chain> {
        self.data(table).chains.get(index)
    }

    /// Every chain of `table`, by arena index (deleted chains included).
    pub fn chains(&self, table: TableId) -> impl Iterator<Item = &Chain> {
        self.data(table).chains.iter()
    }

    /// The tables Shorewall writes under these capabilities (`valid_tables`).
    pub fn valid_tables(&self, mangle_enabled: bool) -> Vec<TableId> {
        let mut tables = Vec::new();
        if self.caps.has("RAW_TABLE") {
            tables.push(TableId::Raw);
        }
        if self.caps.has("NAT_ENABLED") {
            tables.push(TableId::Nat);
        }
        if self.caps.has("MANGLE_ENABLED") && mangle_enabled {
            tables.push(TableId::Mangle);
        }
        tables.push(TableId::Filter);
        tables
    }

    /// The finished ruleset (`create_netfilter_load`): for each valid table its built-in
    /// chains, then every referenced chain sorted by name. The rules are moved out of the
    /// table (copying every rule cost more than producing it): it is the compiler's last step.
    pub fn take_ruleset(&mut self, mangle_enabled: bool) -> Ruleset {
        let mut ruleset = Ruleset::default();
        for table in self.valid_tables(mangle_enabled) {
            let data = self.data_mut(table);
            let mut chains = Vec::new();
            for name in BUILTIN_CHAINS {
                if let Some(chain) = data
                    .by_name
                    .get(name)
                    .and_then(|it| data.chains.get_mut(*it))
                {
                    chains.push(IrChain {
                        name: name.to_owned(),
                        policy: Some(chain.policy.clone()),
                        rules: std::mem::take(&mut chain.rules),
                    });
                }
            }
            let mut names: Vec<(&String, usize)> = data
                .by_name
                .iter()
                .map(|(name, idx)| (name, *idx))
                .collect();
            names.sort();
            // A chain still known by two names (a level 8 alias) is listed under each, as
            // before: the second time from the copy already taken.
            let mut taken: HashMap<usize, usize> = HashMap::new();
            for (_, idx) in names {
                let Some(chain) = data.chains.get_mut(idx) else {
                    continue;
                };
                if chain.referenced && !chain.builtin {
                    let rules = match taken.get(&idx) {
                        Some(&at) => chains
                            .get(at)
                            .map_or_else(Vec::new, |it: &IrChain| it.rules.clone()),
                        None => std::mem::take(&mut chain.rules),
                    };
                    taken.insert(idx, chains.len());
                    chains.push(IrChain {
                        name: chain.name.clone(),
                        policy: None,
                        rules,
                    });
                }
            }
            ruleset.tables.push(Table {
                name: table.name().to_owned(),
                chains,
            });
        }
        ruleset
    }
}

/// The number of ports a port list counts for (a range counts two).
pub fn port_count(ports: &str) -> usize {
    ports.chars().filter(|c| *c == ',' || *c == ':').count() + 1
}

/// Splits a port list into groups of at most 15 ports, never cutting a range.
pub fn split_port_list(ports: &str) -> Vec<String> {
    // Tokens: port, separator, port, separator, ...
    let mut tokens: Vec<(String, String)> = Vec::new();
    let mut current = String::new();
    for c in ports.chars() {
        if c == ',' || c == ':' {
            tokens.push((std::mem::take(&mut current), c.to_string()));
        } else {
            current.push(c);
        }
    }
    tokens.push((current, String::new()));
    let mut groups = Vec::new();
    let mut queue: std::collections::VecDeque<(String, String)> = tokens.into();
    while !queue.is_empty() {
        let mut count = 0;
        let mut group = String::new();
        while count < 15 {
            let Some((port, separator)) = queue.pop_front() else {
                break;
            };
            count += 1;
            if count == 15 {
                if separator == ":" {
                    queue.push_front((port, separator));
                    group.pop();
                    break;
                }
                group.push_str(&port);
            } else {
                group.push_str(&port);
                group.push_str(&separator);
            }
        }
        groups.push(group);
    }
    groups
}

/// Splits `text` at `option` followed by whitespace and a list: (head including the option
/// and the whitespace, the list, the rest). Matches Perl's greedy `/^(.* --dports\s+)([^ ]+)(.*)$/`.
fn split_at_option<'a>(text: &'a str, option: &str) -> Option<(&'a str, &'a str, &'a str)> {
    let at = rfind_bytes(text, option)?;
    let after = &text[at + option.len()..];
    let spaces = after.len() - after.trim_start().len();
    if spaces == 0 {
        return None;
    }
    let head_end = at + option.len() + spaces;
    let rest_of = &text[head_end..];
    let list_len = rest_of.find(' ').unwrap_or(rest_of.len());
    if list_len == 0 {
        return None;
    }
    Some((
        &text[..head_end],
        &rest_of[..list_len],
        &rest_of[list_len..],
    ))
}

/// `str::rfind` for the short options looked for in every rule's text, without the set-up
/// of a substring searcher.
fn rfind_bytes(text: &str, needle: &str) -> Option<usize> {
    let (text, needle) = (text.as_bytes(), needle.as_bytes());
    let first = *needle.first()?;
    let last_start = text.len().checked_sub(needle.len())?;
    (0..=last_start)
        .rev()
        .find(|at| text[*at] == first && text[*at..].starts_with(needle))
}

/// Like [`split_at_option`] but the whitespace after the option may be empty
/// (`/^(.* --icmp(?:v6)?-type\s*)([^ ]+)(.*)$/`).
fn split_at_option_tight<'a>(text: &'a str, option: &str) -> Option<(&'a str, &'a str, &'a str)> {
    let at = rfind_bytes(text, option)?;
    let after = &text[at + option.len()..];
    let spaces = after.len() - after.trim_start().len();
    let head_end = at + option.len() + spaces;
    let rest_of = &text[head_end..];
    let list_len = rest_of.find(' ').unwrap_or(rest_of.len());
    if list_len == 0 {
        return None;
    }
    Some((
        &text[..head_end],
        &rest_of[..list_len],
        &rest_of[list_len..],
    ))
}

fn contains_inverted_header(predicate: &str) -> bool {
    ["! -p ", "! -i ", "! -o ", "! -s ", "! -d "]
        .iter()
        .any(|it| predicate.contains(it))
}

/// Parses rule text (`-s 2001:db8::1 -p 6 --dport 22 -j ACCEPT`) into a rule, as Shorewall's
/// `transform_rule` does. Returns the rule and whether it completes its chain (it has no
/// matches and jumps to a terminating target or `-g`).
pub fn transform_rule(input: &str, terminating: &BTreeSet<String>) -> Result<(Rule, bool)> {
    let mut rule = Rule {
        form: Form::Text,
        ..Rule::default()
    };
    let mut simple = true;
    let mut rest = input.trim_start();
    let mut jumped = false;
    let mut targetopts_seen = false;
    while !rest.is_empty() {
        let mut invert = false;
        let option: &str;
        let mut after = rest;
        if let Some(stripped) = after.strip_prefix('!') {
            let trimmed = stripped.trim_start();
            if trimmed.len() < stripped.len() && trimmed.starts_with('-') {
                invert = true;
                after = trimmed;
            }
        }
        if short_option(after).is_some() {
            // `-x` with x one of the ASCII short options.
            option = &after[1..2];
            after = after[2..].trim_start();
        } else if let Some(long) = after.strip_prefix("--") {
            let end = long.find(char::is_whitespace).unwrap_or(long.len());
            let name = &long[..end];
            let Some(short) = alias(name) else {
                return error(format!("Unrecognized iptables option ({name}}})"));
            };
            option = short;
            after = long[end..].trim_start();
        } else {
            return error(format!("Unrecognized iptables option string ({rest})"));
        }
        let key;
        if option == "j" || option == "g" {
            jumped = true;
            rule.jump = Some(if option == "g" {
                Jump::Goto
            } else {
                Jump::Jump
            });
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            rule.target = after[..end].to_owned();
            after = after[end..].trim_start();
            key = "targetopts";
        } else {
            simple = false;
            if option == "m" {
                let end = after
                    .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                    .unwrap_or(after.len());
                key = &after[..end];
                after = after[end..].trim_start();
            } else {
                key = option;
            }
        }
        let mut params = if invert {
            "!".to_owned()
        } else {
            String::new()
        };
        'param: loop {
            while !after.is_empty() && !starts_new_option(after) {
                if let Some(long) = after.strip_prefix("--") {
                    let end = long.find(char::is_whitespace).unwrap_or(long.len());
                    if alias(&long[..end]).is_some() {
                        break 'param;
                    }
                }
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                let token = &after[..end];
                if params.is_empty() {
                    params = token.to_owned();
                } else {
                    params.push(' ');
                    params.push_str(token);
                }
                after = after[end..].trim_start();
            }
            if let Some(stripped) = after.strip_prefix('!') {
                let trimmed = stripped.trim_start();
                if trimmed.len() < stripped.len() {
                    if let Some(long) = trimmed.strip_prefix("--") {
                        let end = long.find(char::is_whitespace).unwrap_or(long.len());
                        if alias(&long[..end]).is_some() {
                            break 'param;
                        }
                        push_bang(&mut params);
                        after = trimmed;
                        continue 'param;
                    }
                    if !trimmed.is_empty() && !trimmed.starts_with('-') {
                        push_bang(&mut params);
                        after = trimmed;
                        continue 'param;
                    }
                }
            }
            break;
        }
        if key == "targetopts" {
            targetopts_seen = true;
            rule.target_options = Some(params);
        } else {
            set_rule_option(&mut rule, key, params)?;
        }
        rest = after;
    }
    let _ = targetopts_seen;
    rule.simple = simple;
    let complete =
        simple && jumped && (rule.jump == Some(Jump::Goto) || terminating.contains(&rule.target));
    Ok((rule, complete))
}

fn push_bang(params: &mut String) {
    if params.is_empty() {
        params.push('!');
    } else {
        params.push_str(" !");
    }
}

/// `-x ` where x is one of the short options Shorewall's parser knows.
fn short_option(text: &str) -> Option<char> {
    let mut chars = text.chars();
    if chars.next() != Some('-') {
        return None;
    }
    let c = chars.next()?;
    if !"psdjgiomt".contains(c) {
        return None;
    }
    match chars.next() {
        Some(w) if w.is_whitespace() => Some(c),
        _ => None,
    }
}

/// `/^(?:!|-[psdjgiomt])\s/`
fn starts_new_option(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some('!') => chars.next().is_some_and(char::is_whitespace),
        Some('-') => {
            matches!(chars.next(), Some(c) if "psdjgiomt".contains(c))
                && chars.next().is_some_and(char::is_whitespace)
        }
        _ => false,
    }
}

/// Adds option `key` with `value` to a parsed rule (`set_rule_option`).
fn set_rule_option(rule: &mut Rule, key: &str, value: String) -> Result<()> {
    rule.simple = false;
    if key == "comment" {
        // `-m comment` sets the rule's comment, which the current comment then replaces
        // (`set_irule_comment`): a comment in `;;` matches is dropped.
        return Ok(());
    }
    let mut key = static_key(key);
    let mut value = value;
    let mut kind = key_kind(&key);
    if key == "conntrack" {
        // Each conntrack sub-option is a key of its own: `conntrack --ctstate` → NEW.
        let words: Vec<&str> = value.split_whitespace().collect();
        if words.first() == Some(&"!") {
            key = format!("conntrack ! {}", words.get(1).copied().unwrap_or("")).into();
            value = words.get(2).copied().unwrap_or("").to_owned();
        } else {
            key = static_key(&format!(
                "conntrack {}",
                words.first().copied().unwrap_or("")
            ));
            value = words.get(1).copied().unwrap_or("").to_owned();
        }
        kind = KeyKind::Exclusive;
    }
    if let Some(existing) = rule.matches.iter_mut().find(|it| it.key == key) {
        match kind {
            KeyKind::Exclusive => {
                existing.value = format!("{},{value}", existing.value);
            }
            KeyKind::Unique => {
                if key == "p" && existing.value.split_whitespace().next() == Some(value.as_str()) {
                    return Ok(());
                }
                return error(format!("Multiple {key} settings in one rule is prohibited"));
            }
            _ => {
                let repeated = rule.matches.iter().filter(|it| it.key == key).count() > 1;
                if !repeated && rule.get(&key) == Some(value.as_str()) {
                    return Ok(());
                }
                rule.matches.push(Match::new(key, value));
                rule.complex = true;
            }
        }
    } else {
        rule.matches.push(Match::new(key, value));
    }
    Ok(())
}
