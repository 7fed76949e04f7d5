//! The compiled ruleset: netfilter tables, their chains and rules, as plain data.
//!
//! A rule is kept the way Shorewall 5.2.8 keeps it internally (`Chains.pm`, "irule"): an
//! ordered list of matches, each a key and a value, then a target. The key is either one of
//! the header options (`p`, `s`, `d`, `i`, `o`, `dport`, `sport`, `icmpv6-type`), printed as
//! `-p 6` or `--dport 22`, or the name of a match module (`conntrack --ctstate`, `multiport`,
//! `limit`, ...), printed as `-m multiport --dports 25,465`. Keeping the key separate lets the
//! optimizer compare and merge rules the way Shorewall does, and lets the emitter reproduce
//! its text byte for byte.

use std::borrow::Cow;

/// Every table Shorewall can write, in the order it writes them.
pub const TABLE_NAMES: [&str; 4] = ["raw", "nat", "mangle", "filter"];

/// The built-in chains, in the order ip6tables-restore wants them declared.
pub const BUILTIN_CHAINS: [&str; 5] = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"];

/// A whole ruleset: the input of `ip6tables-restore`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ruleset {
    pub tables: Vec<Table>,
}

/// One table (`*filter` ... `COMMIT`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    /// Built-in chains first (in [`BUILTIN_CHAINS`] order), then the others sorted by name.
    pub chains: Vec<Chain>,
}

/// A chain and its rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    pub name: String,
    /// The policy of a built-in chain (`ACCEPT`, `DROP`); `None` for user chains (`-`).
    pub policy: Option<String>,
    pub rules: Vec<Rule>,
}

/// How a rule reaches its target: `-j` returns to the calling chain, `-g` does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Jump {
    Jump,
    Goto,
}

impl Jump {
    pub fn flag(self) -> &'static str {
        match self {
            Jump::Jump => "-j",
            Jump::Goto => "-g",
        }
    }
}

/// Whether a rule goes straight into the restore file or is produced by shell code at run
/// time (Shorewall's CAT_MODE and CMD_MODE).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Mode {
    /// A line of the restore file.
    Cat,
    /// Inside a shell loop or conditional at nesting `level`, or (when `command` is set) a
    /// shell command itself. The loops Shorewall generates iterate over values it only knows
    /// at run time (`$ALL_ACASTS`, `.dynamic`), which are empty when the ruleset is compiled
    /// offline, so these rules produce no line.
    Shell { level: u32, command: Option<String> },
}

/// One match of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Match {
    /// A header option (`p`, `s`, `dport`, ...) or a match module (`multiport`, ...): the
    /// common ones are static strings (every rule has a few matches).
    pub key: Cow<'static, str>,
    /// What follows the option or `-m module`; a leading `! ` inverts a header option.
    pub value: String,
}

impl Match {
    pub fn new(key: impl Into<Cow<'static, str>>, value: impl Into<String>) -> Match {
        Match {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// `key` as a static string when it is one of the common match keys.
pub fn static_key(key: &str) -> Cow<'static, str> {
    const COMMON: [&str; 20] = [
        "p",
        "s",
        "d",
        "i",
        "o",
        "dport",
        "sport",
        "icmpv6-type",
        "multiport",
        "conntrack --ctstate",
        "limit",
        "hashlimit",
        "iprange",
        "mac",
        "mark",
        "connlimit",
        "time",
        "owner",
        "policy",
        "state",
    ];
    match COMMON.iter().find(|it| **it == key) {
        Some(common) => Cow::Borrowed(common),
        None => Cow::Owned(key.to_owned()),
    }
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Rule {
    pub matches: Vec<Match>,
    /// `None` for a rule without target (a counting rule, or a shell command).
    pub jump: Option<Jump>,
    /// The target chain or built-in target; empty when `jump` is `None`.
    pub target: String,
    /// Options of a built-in target (`--reject-with tcp-reset`).
    pub target_options: Option<String>,
    /// The text of `-m comment --comment "..."`, printed after the target.
    pub comment: Option<String>,
    /// The configuration line the rule comes from (`rules:12`), for `--annotate`.
    pub origin: Option<String>,
    pub mode: Mode,
    /// Shorewall's `simple` flag: the rule has no matches at all.
    pub simple: bool,
    /// Shorewall's `complex` flag: some match key occurs more than once.
    pub complex: bool,
    /// The DHCP ACCEPT rules of the `dhcp` interface option carry a marker that keeps only
    /// one of them at the head of a chain when option chains are merged.
    pub dhcp: bool,
    /// How the rule was built; see [`Form`].
    pub form: Form,
    /// Shorewall merged another rule into this one (optimize level 4), which sets its
    /// `simple` flag to `0`.
    pub merged: bool,
    /// Optimize level 16 normalized the rule while combining conntrack states (its `simple`
    /// flag became `''` and an empty `targetopts` was dropped).
    pub normalized: bool,
    /// Where `targetopts` sits in Shorewall's list of match keys of a text rule that another
    /// rule was merged into: before the keys the merge added (`None`: after all of them).
    pub targetopts_at: Option<u16>,
}

/// How a rule was built, which decides details of Shorewall's internal form that its
/// optimizer observes when it compares rules: a rule parsed from text (`transform_rule`)
/// lists `targetopts` among its matches and has `simple = 0`, a rule built from matches
/// (`create_irule`) has neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Form {
    Text,
    #[default]
    Irule,
}

impl Default for Rule {
    fn default() -> Self {
        Rule {
            matches: Vec::new(),
            jump: None,
            target: String::new(),
            target_options: None,
            comment: None,
            origin: None,
            mode: Mode::Cat,
            simple: true,
            complex: false,
            dhcp: false,
            form: Form::Irule,
            merged: false,
            normalized: false,
            targetopts_at: None,
        }
    }
}

/// The kind of a match key, which decides how it is printed and compared (`Chains.pm`
/// `%opttype`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// A header option that may appear once: `-p`, `-s`, `--dport`, ...
    Unique,
    /// A conntrack state (`conntrack --ctstate`, `state`): values are merged with commas.
    Exclusive,
    /// `-m set` and `-m geoip`: printed after every other match.
    Expensive,
    /// `-m nfacct`.
    Nfacct,
    /// `-m recent`.
    Recent,
    /// Any other match module.
    Match,
}

/// The kind of the match key `key`.
pub fn key_kind(key: &str) -> KeyKind {
    match key {
        "i" | "s" | "o" | "d" | "p" | "dport" | "sport" | "icmp-type" | "icmpv6-type" => {
            KeyKind::Unique
        }
        "state" | "conntrack --ctstate" => KeyKind::Exclusive,
        "set" | "geoip" => KeyKind::Expensive,
        "nfacct" => KeyKind::Nfacct,
        "recent" => KeyKind::Recent,
        _ => KeyKind::Match,
    }
}

/// The header options, in the order Shorewall's rule merging considers them.
pub const UNIQUE_OPTIONS: [&str; 9] = [
    "p",
    "dport",
    "sport",
    "icmp-type",
    "icmpv6-type",
    "s",
    "d",
    "i",
    "o",
];

impl Rule {
    /// A rule with `matches` jumping (`jump`) to `target`.
    pub fn new(matches: Vec<Match>, jump: Option<Jump>, target: impl Into<String>) -> Rule {
        let mut rule = Rule {
            jump,
            target: target.into(),
            ..Rule::default()
        };
        for it in matches {
            rule.push_match(it);
        }
        rule
    }

    /// A shell command (Shorewall's `add_commands`).
    pub fn command(text: impl Into<String>, level: u32) -> Rule {
        Rule {
            mode: Mode::Shell {
                level,
                command: Some(text.into()),
            },
            ..Rule::default()
        }
    }

    /// Appends a match, as Shorewall's `push_matches` does: a repeated key makes the rule
    /// complex.
    pub fn push_match(&mut self, m: Match) {
        if self.matches.iter().any(|it| it.key == m.key) {
            self.complex = true;
        }
        self.simple = false;
        self.matches.push(m);
    }

    /// The value of the first match with key `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.matches
            .iter()
            .find(|it| it.key == key)
            .map(|it| it.value.as_str())
    }

    /// Every value of the matches with key `key`, in order.
    pub fn get_all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.matches
            .iter()
            .filter(move |it| it.key == key)
            .map(|it| it.value.as_str())
    }

    pub fn has(&self, key: &str) -> bool {
        self.matches.iter().any(|it| it.key == key)
    }

    /// Whether the rule is a line of the restore file (not produced by shell code).
    pub fn is_cat(&self) -> bool {
        self.mode == Mode::Cat
    }

    /// Perl's value of the rule's `simple` member: `1`, `0` or `''`.
    pub fn perl_simple(&self) -> &'static str {
        if self.simple {
            "1"
        } else if self.normalized {
            ""
        } else if self.form == Form::Text || self.merged {
            "0"
        } else {
            ""
        }
    }

    /// The jump target of the rule if it has one.
    pub fn target(&self) -> Option<&str> {
        (!self.target.is_empty()).then_some(self.target.as_str())
    }
}
