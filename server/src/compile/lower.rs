//! The lowering from the semantic model to the chain table: the compiler's state and the
//! pipeline of Shorewall 5.2.8 (`Compiler.pm compiler`), stage by stage. The stages live in
//! their own modules: [`super::policy`], [`super::common`], [`super::rules`],
//! [`super::actions`], [`super::matrix`].

use std::collections::BTreeMap;

use crate::model::{self, Environment, Model, Site, ZoneType};

use super::capabilities::Capabilities;
use super::chains::{ChainTable, TableId};
use super::config::CompileConfig;
use super::ir::Ruleset;
use super::matches::Names;
use super::optimize;
use super::topology::{InterfaceInput, Topology, ZoneInput, ZoneKind};
use super::{error, unsupported, FatalKind, Result};

/// Target types (`Chains.pm`): what a name in the ACTION column is.
pub mod target {
    pub const STANDARD: u32 = 0x1;
    pub const NATRULE: u32 = 0x2;
    pub const BUILTIN: u32 = 0x4;
    pub const NONAT: u32 = 0x8;
    pub const NATONLY: u32 = 0x10;
    pub const REDIRECT: u32 = 0x20;
    pub const ACTION: u32 = 0x40;
    pub const MACRO: u32 = 0x80;
    pub const LOGRULE: u32 = 0x100;
    pub const NFQ: u32 = 0x200;
    pub const CHAIN: u32 = 0x400;
    pub const SET: u32 = 0x800;
    pub const AUDIT: u32 = 0x1000;
    pub const HELPER: u32 = 0x2000;
    pub const NFLOG: u32 = 0x4000;
    pub const INLINE: u32 = 0x8000;
    pub const INLINERULE: u32 = 0x40000;
    pub const OPTIONS: u32 = 0x80000;
    pub const IPTABLES: u32 = 0x100000;
    pub const TARPIT: u32 = 0x200000;
}

/// Rules file sections as bit flags (`Rules.pm`).
pub mod section {
    pub const NULL: u32 = 0x00;
    pub const BLACKLIST: u32 = 0x01;
    pub const ALL: u32 = 0x02;
    pub const ESTABLISHED: u32 = 0x04;
    pub const RELATED: u32 = 0x08;
    pub const INVALID: u32 = 0x10;
    pub const UNTRACKED: u32 = 0x20;
    pub const NEW: u32 = 0x40;
    pub const POLICYACTION: u32 = 0x80;

    pub fn name(section: u32) -> &'static str {
        match section {
            ALL => "ALL",
            BLACKLIST => "BLACKLIST",
            ESTABLISHED => "ESTABLISHED",
            RELATED => "RELATED",
            INVALID => "INVALID",
            UNTRACKED => "UNTRACKED",
            NEW => "NEW",
            _ => "",
        }
    }
}

/// Configuration files that change the IPv6 ruleset and that the preview does not read yet:
/// a record in one of them stops the compilation rather than give a ruleset without it.
/// (Shorewall reads the 4.x `notrack` file only when `update` converts it to conntrack, so
/// compiling ignores it.)
const UNREAD_FILES: &[&str] = &[];

/// Action options (`Rules.pm %options`).
pub mod opt {
    pub const INLINE: u32 = 1;
    pub const NOINLINE: u32 = 2;
    pub const NOLOG: u32 = 4;
    pub const BUILTIN: u32 = 8;
    pub const TERMINATING: u32 = 256;
    pub const AUDIT: u32 = 512;
    pub const LOGJUMP: u32 = 1024;
    pub const SECTION: u32 = 2048;
}

/// An action of the catalog as the compiler needs it.
#[derive(Debug, Clone)]
pub struct ActionInfo {
    pub name: String,
    /// [`target::ACTION`] or [`target::INLINE`].
    pub kind: u32,
    pub options: u32,
    pub file: Option<model::FileId>,
    pub state: String,
    pub proto: Option<u8>,
    pub dport: String,
}

/// The parameters of the action being expanded (`%actparams`).
#[derive(Debug, Clone, Default)]
pub struct ActParams {
    pub params: Vec<String>,
    /// The chain rules are added to (`$actparams{0}`).
    pub chain: String,
    pub action: String,
    pub loglevel: String,
    pub logtag: String,
    pub caller: String,
    /// The chain name with non-word characters removed (`@chain`).
    pub chain_name: String,
    pub disposition: Option<String>,
}

/// A warning of the compiler (`WARNING: ...`) with where it was raised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub message: String,
    pub site: Option<Site>,
    /// The file and line (1-based) when the place is in a file the model does not hold.
    pub place: Option<(std::path::PathBuf, u32)>,
}

/// A compilation that stopped: Shorewall's message (or the preview's refusal) and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Whether Shorewall rejects the configuration too, or only the preview refuses it.
    pub kind: FatalKind,
    pub message: String,
    pub site: Option<Site>,
    /// The file and line (1-based) when the place is in a file the model does not hold.
    pub place: Option<(std::path::PathBuf, u32)>,
}

/// A refusal of the preview and where it happened, kept while the compilation goes on.
pub(crate) struct Refusal {
    fatal: super::Fatal,
    site: Option<Site>,
    place: Option<(std::path::PathBuf, u32)>,
}

/// The result of a successful compilation.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub ruleset: Ruleset,
    pub warnings: Vec<Warning>,
}

pub struct Compiler<'a> {
    pub(crate) model: &'a Model,
    pub(crate) env: &'a Environment<'a>,
    pub(crate) config: CompileConfig,
    pub(crate) chains: ChainTable,
    pub(crate) topo: Topology,
    pub(crate) warnings: Vec<Warning>,
    /// Where the rule being compiled comes from.
    pub(crate) site: Option<Site>,
    /// The same, for a record of a file the model does not hold (`maclist`).
    pub(crate) place: Option<(std::path::PathBuf, u32)>,
    // Policies
    pub(crate) policy_chains: Vec<usize>,
    pub(crate) policy_actions: BTreeMap<String, Vec<String>>,
    // Actions
    pub(crate) actions: BTreeMap<String, ActionInfo>,
    pub(crate) usedactions: BTreeMap<String, String>,
    pub(crate) actchain: BTreeMap<String, u32>,
    pub(crate) active: BTreeMap<String, u32>,
    pub(crate) actparams: Option<ActParams>,
    pub(crate) actionstack: Vec<String>,
    pub(crate) macro_nest: usize,
    pub(crate) hashlimitset: u32,
    pub(crate) statematch: String,
    pub(crate) actionresult: bool,
    /// The `;;` raw matches of the rule being processed (`$inline_matches`).
    pub(crate) inline_matches: String,
    /// The matches an inline action's invocation passes to its body rules.
    pub(crate) inline_context: (String, String),
    /// The invocation's columns while an inline action is expanded (`@columns`).
    pub(crate) columns: Option<super::rules::Columns<'static>>,
    // Sections
    pub(crate) section: u32,
    pub(crate) next_section: u32,
    pub(crate) sections: BTreeMap<&'static str, bool>,
    /// Macro bodies already read, by (name, parameters, variables): a macro is read and
    /// parsed once, not once per invocation.
    pub(crate) macro_bodies: std::collections::HashMap<MacroKey, Option<MacroBody>>,
    /// The chains already warned about as complete (`unreachable_warned`): nat chains by
    /// name, filter chains as `filter:name`.
    pub(crate) unreachable_warned: std::collections::BTreeSet<String>,
    /// The providers file's providers (`Providers.pm`).
    pub(crate) providers: super::providers::Providers,
    pub(crate) complex_tc: super::tc_complex::ComplexTc,
}

/// The key of a macro body read for one set of parameters and variables.
pub(crate) type MacroKey = (String, Vec<String>, Vec<(String, String)>);

/// A macro body and the errors met reading it.
pub(crate) type MacroBody = std::sync::Arc<(Vec<model::BodyItem>, Vec<model::Diagnostic>)>;

impl Names for model::NameTables {
    fn protocol_number(&self, name: &str) -> Option<u8> {
        model::NameTables::protocol_number(self, name)
    }

    fn protocol_name(&self, number: u8) -> Option<String> {
        model::NameTables::protocol_name(self, number).map(str::to_owned)
    }

    fn service_port(&self, name: &str, proto: &str) -> Option<u16> {
        model::NameTables::service_port(self, name, proto)
    }
}

/// Compiles the configuration of `model` into the ruleset Shorewall 5.2.8 would generate.
/// The model must be free of errors.
pub fn compile(model: &Model, env: &Environment<'_>) -> std::result::Result<Compiled, Failure> {
    let mut compiler = Compiler::prepare(model, env)?;
    let result = compiler.run(None);
    compiler.outcome(result)
}

/// [`compile`] with the rules file's records from `feed` instead of `model` (see
/// [`model::build_beside`]).
pub(crate) fn compile_fed(
    model: &Model,
    env: &Environment<'_>,
    feed: &mut model::RulesFeed,
) -> std::result::Result<Compiled, Failure> {
    let mut compiler = Compiler::prepare(model, env)?;
    let result = compiler.run(Some(feed));
    compiler.outcome(result)
}

impl<'a> Compiler<'a> {
    /// The compiler of `model`, before the first stage.
    pub(crate) fn prepare(
        model: &'a Model,
        env: &'a Environment<'a>,
    ) -> std::result::Result<Compiler<'a>, Failure> {
        if model.family != shorewall_syntax::Family::Ipv6 {
            // The semantics built here are Shorewall6's (ip6tables): an IPv4 configuration
            // would come out as a plausible but wrong ruleset, or fail on options valid for
            // IPv4.
            return Err(Failure {
                kind: FatalKind::Unsupported,
                message: "This is an IPv4 (shorewall) configuration: the preview compiles IPv6 \
                          (shorewall6) configurations only"
                    .to_owned(),
                site: None,
                place: None,
            });
        }
        let conf = model.family.conf_file_name();
        if model.config_file(conf).is_none() {
            // Shorewall does not compile without it (the built-in defaults apply only to
            // options the file leaves out).
            return Err(Failure {
                kind: FatalKind::Error,
                message: format!("{}/{conf} does not exist!", model.dir.display()),
                site: None,
                place: None,
            });
        }
        let caps = match model
            .config_file("capabilities")
            .and_then(|it| model.file(it))
        {
            Some(file) => Capabilities::parse(&file.text),
            None => Capabilities::default(),
        };
        let supplied = |name: &str| model.settings.supplied(name).map(str::to_owned);
        let config = CompileConfig::new(&supplied, &caps).map_err(|it| Failure {
            kind: it.kind,
            message: it.message,
            site: None,
            place: None,
        })?;
        super::tc::require_tcstart(model, env, &config)?;
        Ok(Compiler::new(model, env, config, caps))
    }

    /// The compilation, or where and why it stopped.
    pub(crate) fn outcome(self, result: Result<Ruleset>) -> std::result::Result<Compiled, Failure> {
        match result {
            Ok(mut ruleset) => {
                if let Err(refused) =
                    super::run_time_comments::expand_comments(&mut ruleset, &self.model.params)
                {
                    return Err(Failure {
                        kind: FatalKind::Unsupported,
                        message: refused.message,
                        site: None,
                        place: refused.origin.and_then(|it| self.place_of_origin(&it)),
                    });
                }
                Ok(Compiled {
                    ruleset,
                    warnings: self.warnings,
                })
            }
            Err(fatal) => Err(self.failure(fatal)),
        }
    }

    /// A stop of the compilation, where it happened.
    pub(crate) fn failure(&self, fatal: super::Fatal) -> Failure {
        Failure {
            kind: fatal.kind,
            message: fatal.message,
            site: self.site,
            place: self.place.clone(),
        }
    }
}

impl<'a> Compiler<'a> {
    fn new(
        model: &'a Model,
        env: &'a Environment<'a>,
        config: CompileConfig,
        caps: Capabilities,
    ) -> Compiler<'a> {
        let mut chains = ChainTable::new(caps);
        chains.rule_comments = config.track_rules == "Yes";
        Compiler {
            model,
            env,
            config,
            chains,
            topo: Topology::default(),
            warnings: Vec::new(),
            site: None,
            place: None,
            policy_chains: Vec::new(),
            policy_actions: BTreeMap::new(),
            actions: BTreeMap::new(),
            usedactions: BTreeMap::new(),
            actchain: BTreeMap::new(),
            active: BTreeMap::new(),
            actparams: None,
            actionstack: Vec::new(),
            macro_nest: 0,
            hashlimitset: 0,
            statematch: String::new(),
            actionresult: false,
            inline_matches: String::new(),
            inline_context: (String::new(), String::new()),
            columns: None,
            section: section::NULL,
            next_section: section::NULL,
            sections: [
                "ALL",
                "ESTABLISHED",
                "RELATED",
                "INVALID",
                "UNTRACKED",
                "NEW",
            ]
            .into_iter()
            .map(|it| (it, false))
            .collect(),
            macro_bodies: std::collections::HashMap::new(),
            unreachable_warned: std::collections::BTreeSet::new(),
            providers: super::providers::Providers::default(),
            complex_tc: super::tc_complex::ComplexTc::default(),
        }
    }

    pub(crate) fn names(&self) -> &dyn Names {
        &*self.model.names
    }

    pub(crate) fn caps(&self) -> &Capabilities {
        &self.chains.caps
    }

    pub(crate) fn warn(&mut self, message: impl Into<String>) {
        self.warnings.push(Warning {
            message: message.into(),
            site: self.site,
            place: None,
        });
    }

    /// The origin text of a site, `file:line`, for `--annotate`.
    pub(crate) fn origin_of(&self, site: Site) -> String {
        match self.model.file(site.file) {
            Some(file) => {
                let line = file.line_index.line_col(site.range.start()).line + 1;
                let name = file.path.file_name().map_or_else(
                    || file.path.display().to_string(),
                    |it| it.to_string_lossy().into_owned(),
                );
                format!("{name}:{line}")
            }
            None => String::new(),
        }
    }

    /// The file and line of an origin [`origin_of`](Self::origin_of) made, preferring a file
    /// of the configuration directory where files elsewhere have the same name.
    fn place_of_origin(&self, origin: &str) -> Option<(std::path::PathBuf, u32)> {
        let (name, line) = origin.rsplit_once(':')?;
        let line = line.parse().ok()?;
        let named = || {
            self.model
                .files
                .iter()
                .map(|(_, file)| &file.path)
                .filter(|path| path.file_name().is_some_and(|it| it == name))
        };
        let path = named()
            .find(|path| path.parent() == Some(self.model.dir.as_path()))
            .or_else(|| named().next())?;
        Some((path.clone(), line))
    }

    fn run(&mut self, feed: Option<&mut model::RulesFeed>) -> Result<Ruleset> {
        self.setup()?;
        self.rules_and_after(feed)
    }

    /// The stages before the rules, which read nothing of the rules files (see
    /// [`super::checkpoint`]).
    pub(crate) fn setup(&mut self) -> Result<()> {
        for name in UNREAD_FILES {
            if let Some(first) = model::read_config_records(self.model, self.env, name).first() {
                self.place = Some((first.path.clone(), first.line));
                return unsupported(format!(
                    "The {name} file is not supported by the preview yet"
                ));
            }
        }
        self.initialize_chain_table();
        self.build_topology()?;
        self.process_actions()?;
        self.process_policies()?;
        self.add_common_rules()?;
        self.process_tc()?;
        self.process_providers()?;
        self.warn_tos_file();
        self.setup_snat()?;
        self.setup_nat()?;
        self.setup_netmap()?;
        self.setup_mac_lists_phase1()?;
        Ok(())
    }

    /// The rules and the stages after them; the rules file's records from `feed` when there
    /// is one, else from the model.
    pub(crate) fn rules_and_after(
        &mut self,
        feed: Option<&mut model::RulesFeed>,
    ) -> Result<Ruleset> {
        // A rule the preview refuses stops the compilation only after the stages that follow
        // the rules, whose files Shorewall may reject.
        let refused = match self.process_rules(feed) {
            Err(fatal) if fatal.kind == FatalKind::Unsupported => Some(self.keep_refusal(fatal)),
            other => {
                other?;
                None
            }
        };
        self.site = None;
        self.chains.origin.clear();
        let ruleset = self.after_rules()?;
        match refused {
            Some(refusal) => Err(self.resume_refusal(refusal)),
            None => Ok(ruleset),
        }
    }

    /// A refusal of the preview, with where it happened, kept while the compilation goes on.
    pub(crate) fn keep_refusal(&self, fatal: super::Fatal) -> Refusal {
        Refusal {
            fatal,
            site: self.site,
            place: self.place.clone(),
        }
    }

    /// The kept refusal, back where it happened.
    pub(crate) fn resume_refusal(&mut self, refusal: Refusal) -> super::Fatal {
        self.site = refusal.site;
        self.place = refusal.place;
        refusal.fatal
    }

    /// The stages after the rules.
    fn after_rules(&mut self) -> Result<Ruleset> {
        self.setup_conntrack()?;
        self.setup_tunnels()?;
        self.setup_mac_lists_phase2()?;
        self.complete_policy_chains()?;
        self.setup_accounting()?;
        self.setup_tc()?;
        self.generate_matrix()?;
        optimize::optimize_level0(&mut self.chains);
        let level = self.config.optimize;
        if level & 0x1c != 0 {
            optimize::optimize_ruleset(
                &mut self.chains,
                level,
                self.config.mangle_enabled,
                self.config.rename_combined,
            );
        }
        if level & 2 != 0 {
            self.optimize_policy_chains();
        }
        let ruleset = self.chains.take_ruleset(self.config.mangle_enabled);
        self.warn_routestopped_file();
        self.check_stoppedrules()?;
        Ok(ruleset)
    }

    /// `initialize_chain_table`: the built-in chains and the `reject` chain.
    pub(crate) fn initialize_chain_table(&mut self) {
        for chain in ["OUTPUT", "PREROUTING"] {
            self.chains.new_builtin_chain(TableId::Raw, chain, "ACCEPT");
        }
        for chain in ["INPUT", "OUTPUT", "FORWARD"] {
            self.chains
                .new_builtin_chain(TableId::Filter, chain, "DROP");
        }
        for chain in ["PREROUTING", "POSTROUTING", "OUTPUT"] {
            self.chains.new_builtin_chain(TableId::Nat, chain, "ACCEPT");
        }
        if self.caps().has("NAT_INPUT_CHAIN") {
            self.chains
                .new_builtin_chain(TableId::Nat, "INPUT", "ACCEPT");
        }
        for chain in ["PREROUTING", "INPUT", "OUTPUT", "FORWARD", "POSTROUTING"] {
            self.chains
                .new_builtin_chain(TableId::Mangle, chain, "ACCEPT");
        }
        self.chains.new_standard_chain("reject");
    }

    /// Zones, interfaces and hosts from the model.
    fn build_topology(&mut self) -> Result<()> {
        for zone in &self.model.zones {
            if zone.kind == ZoneType::Bport && zone.parents.is_empty() {
                self.warnings.push(Warning {
                    message: "Bridge Port zones should have a parent zone".into(),
                    site: Some(zone.site),
                    place: None,
                });
            }
        }
        let zones: Vec<ZoneInput<'_>> = self
            .model
            .zones
            .iter()
            .map(|zone| ZoneInput {
                name: &zone.name,
                kind: match zone.kind {
                    ZoneType::Firewall => ZoneKind::Firewall,
                    ZoneType::Ip => ZoneKind::Ip,
                    ZoneType::Ipsec => ZoneKind::Ipsec,
                    ZoneType::Bport => ZoneKind::Bport,
                    ZoneType::Vserver => ZoneKind::Vserver,
                    ZoneType::Loopback => ZoneKind::Loopback,
                    ZoneType::Local => ZoneKind::Local,
                },
                parents: zone.parents.clone(),
                options: [&zone.options, &zone.in_options, &zone.out_options],
            })
            .collect();
        let mut topo = Topology::new(zones);
        if topo.firewall.is_empty() {
            return error("No firewall zone defined");
        }
        for interface in &self.model.interfaces {
            self.site = Some(interface.site);
            let origin = self.origin_of(interface.site);
            topo.add_interface(
                InterfaceInput {
                    zone: interface.zone.as_deref(),
                    name: &interface.name,
                    bridge: interface.bridge.as_deref(),
                    options: &interface.options,
                    origin,
                },
                &self.config,
            )?;
        }
        topo.finish_interfaces();
        for host in &self.model.hosts {
            self.site = Some(host.site);
            let origin = self.origin_of(host.site);
            topo.add_host(
                &host.zone,
                &host.interface,
                &host.hosts,
                &host.options,
                &origin,
            )?;
        }
        topo.finish_hosts();
        self.site = None;
        self.topo = topo;
        self.zone_report();
        Ok(())
    }

    /// `zone_report`'s warnings (at no line): a sub-zone without an interface related to one
    /// of its parent's, and an empty zone (a bport zone without a bridge is the model's error).
    fn zone_report(&mut self) {
        let mut warnings = Vec::new();
        for zone in &self.topo.zones {
            for parent in &zone.parents {
                let Some(p) = self.topo.zone(parent) else {
                    continue;
                };
                let related = p.interfaces.keys().iter().any(|pi| {
                    zone.interfaces
                        .keys()
                        .iter()
                        .any(|ci| self.topo.interface_match(pi, ci))
                });
                if !related {
                    warnings.push(format!("Zone {} is defined as a sub-zone of {parent}, yet the two zones have no interface in common", zone.name));
                }
            }
            let printed = zone.hosts.iter().any(|(_, by_interface)| {
                by_interface
                    .iter()
                    .any(|(_, groups)| groups.iter().any(|it| !it.hosts.is_empty()))
            });
            if !printed && !matches!(zone.kind, ZoneKind::Firewall | ZoneKind::Bport) {
                warnings.push(format!("*** {} is an EMPTY ZONE ***", zone.name));
            }
        }
        for message in warnings {
            self.warnings.push(Warning {
                message,
                site: None,
                place: None,
            });
        }
    }

    /// `process_actions`: the catalog of actions.
    fn process_actions(&mut self) -> Result<()> {
        for def in &self.model.catalog.actions {
            let mut options = 0;
            let mut state = String::new();
            let mut proto = None;
            let mut dport = String::new();
            for option in &def.options {
                match option.as_str() {
                    "inline" => options |= opt::INLINE,
                    "noinline" => options |= opt::NOINLINE,
                    "nolog" => options |= opt::NOLOG,
                    "builtin" => options |= opt::BUILTIN,
                    "terminating" => options |= opt::TERMINATING,
                    "audit" => options |= opt::AUDIT,
                    "logjump" => options |= opt::LOGJUMP,
                    "section" => options |= opt::SECTION,
                    other => {
                        if let Some(value) = other.strip_prefix("state=") {
                            state = value.to_owned();
                        } else if let Some(value) = other.strip_prefix("proto=") {
                            proto = super::matches::resolve_proto(self.names(), value);
                        } else if let Some(value) = other.strip_prefix("dport=") {
                            dport = value.to_owned();
                        }
                    }
                }
            }
            let mut kind = if def.name == self.config.reject_action {
                target::INLINE
            } else {
                target::ACTION
            };
            if options & opt::INLINE != 0 {
                kind = target::INLINE;
            }
            if kind == target::INLINE {
                options |= if def.name == self.config.reject_action {
                    opt::NOLOG
                } else {
                    0
                };
            }
            if options & opt::BUILTIN != 0 {
                continue;
            }
            self.actions.insert(
                def.name.clone(),
                ActionInfo {
                    name: def.name.clone(),
                    kind,
                    options,
                    file: def.file,
                    state,
                    proto,
                    dport,
                },
            );
        }
        let reject_action = self.config.reject_action.clone();
        if !reject_action.is_empty() {
            match self.target_type(&reject_action) {
                0 => return error(format!("REJECT_ACTION ({reject_action}) was not defined")),
                target::INLINE => {}
                _ => return error(format!("REJECT_ACTION ({reject_action}) is not an action")),
            }
        }
        Ok(())
    }

    /// The type of a target name (`$targets{...}`), finding macros.
    pub(crate) fn target_type(&self, name: &str) -> u32 {
        if let Some(flags) = model::builtin_target(name, self.model.family) {
            return flags;
        }
        if let Some(action) = self.actions.get(name) {
            return action.kind;
        }
        // `new_manual_chain` registers its chain as a target (`blacklog`).
        if self
            .chains
            .get(super::chains::TableId::Filter, name)
            .is_some_and(|it| it.manual)
        {
            return target::CHAIN;
        }
        if self.model.catalog.macro_def(name).is_some()
            || self.model.catalog.macro_names.iter().any(|it| it == name)
        {
            return target::MACRO;
        }
        0
    }

    /// `setup_tc`: the mangle chains of traffic control and FORWARD_CLEAR_MARK.
    fn setup_tc(&mut self) -> Result<()> {
        self.setup_route_marking()?;
        if !self.config.mangle_enabled {
            return Ok(());
        }
        let mangle_forward = self.caps().has("MANGLE_FORWARD");
        self.chains
            .ensure_referenced_chain(TableId::Mangle, "tcpre");
        self.chains
            .ensure_referenced_chain(TableId::Mangle, "tcout");
        if mangle_forward {
            self.chains
                .ensure_referenced_chain(TableId::Mangle, "tcfor");
            self.chains
                .ensure_referenced_chain(TableId::Mangle, "tcpost");
            self.chains.ensure_referenced_chain(TableId::Mangle, "tcin");
        }
        use super::ir::Jump::Jump as J;
        let (marks, interfaces) = self.tc_jump_marks();
        for interface in interfaces {
            let matches = self.source_dev(&interface);
            self.chains
                .add_ijump(TableId::Mangle, "PREROUTING", J, "tcpre", matches)?;
        }
        self.chains
            .add_ijump(TableId::Mangle, "PREROUTING", J, "tcpre", marks.clone())?;
        self.chains
            .add_ijump(TableId::Mangle, "OUTPUT", J, "tcout", marks)?;
        if mangle_forward {
            let mask = if self.caps().has("EXMARK") && self.caps().has("FWMARK_RT_MASK") {
                format!("/{:#x}", self.config.provider_mask)
            } else {
                String::new()
            };
            if self.config.forward_clear_mark {
                self.chains.add_ijump(
                    TableId::Mangle,
                    "FORWARD",
                    J,
                    &format!("MARK --set-mark 0{mask}"),
                    vec![],
                )?;
            }
            self.chains
                .add_ijump(TableId::Mangle, "FORWARD", J, "tcfor", vec![])?;
            self.chains
                .add_ijump(TableId::Mangle, "POSTROUTING", J, "tcpost", vec![])?;
            self.chains
                .add_ijump(TableId::Mangle, "INPUT", J, "tcin", vec![])?;
        }
        self.process_tcpri()?;
        self.setup_mangle()?;
        self.handle_stickiness()
    }

    /// Name of the rules chain between two zones (`rules_chain`).
    pub(crate) fn rules_chain(&self, source: &str, dest: &str) -> String {
        format!("{source}{}{dest}", self.config.zone2zone)
    }

    /// Log name of the rules chain between two zones (`rules_log`).
    pub(crate) fn rules_log(&self, source: &str, dest: &str) -> String {
        match self.config.log_zone.as_str() {
            "both" => self.rules_chain(source, dest),
            "src" => source.to_owned(),
            _ => dest.to_owned(),
        }
    }
}
