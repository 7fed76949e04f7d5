//! The semantic model of one configuration directory, built the way Shorewall 5.2.8 reads it:
//! params, then shorewall6.conf, zones, interfaces, hosts, the action catalog, policy, and the
//! rules (blrules first). Pure: files come through a [`Vfs`] the caller provides, nothing is
//! executed, and every problem found becomes a [`Diagnostic`] rather than a stop.

pub(crate) mod address;
mod capabilities;
mod cascades;
pub(crate) mod catalog;
mod conditional;
mod diagnostic;
mod expand;
mod files;
mod library_files;
mod log_level;
mod params;
mod policy;
mod reader;
mod rules;
mod services;
mod settings;
mod vfs;
mod zones;

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::Arc,
};

use shorewall_syntax::{Family, FileKind, TextRange, TextSize};

pub(crate) use self::reader::comments_allowed;
pub use self::{
    capabilities::Capabilities,
    catalog::{
        builtin_library_file, builtin_target, flags as target_flags, is_builtin_path, ActionDef,
        Catalog, MacroDef, TargetKind, BUILTIN_TARGETS,
    },
    diagnostic::{Diagnostic, Fix, Severity, Site, CODES},
    expand::{Value, UNKNOWN},
    files::{ActionBody, ActionBodyKey, FileId, Files, Origin, ParseCache, SourceFile},
    log_level::{
        check as check_log_level, validate as validate_log_level, LogLevel,
        NAMES as LOG_LEVEL_NAMES,
    },
    params::{is_variable_name, Param, Params},
    policy::Policy,
    rules::{col as rule_col, split_action, split_interface, target_param, Section},
    services::NameTables,
    settings::{format_log_prefix, is_option as is_setting, Settings, OPTIONS as SETTING_NAMES},
    vfs::{MemoryVfs, ReadError, Vfs},
    zones::{Host, Interface, Zone, ZoneType},
};

/// What the model reads besides the configuration directory.
pub struct Environment<'a> {
    pub vfs: &'a dyn Vfs,
    /// Shorewall's library directories, searched after the configuration directory for macros
    /// and actions (`/usr/share/shorewall6`, `/usr/share/shorewall`); where none exists the
    /// built-in copy of Shorewall 5.2.8's library is used.
    pub library_dirs: Vec<PathBuf>,
    /// The service and protocol names (from `/etc/services` and `/etc/protocols`, or built in).
    pub names: Arc<NameTables>,
    /// Parses kept between builds.
    pub parse_cache: Option<&'a dyn ParseCache>,
}

impl<'a> Environment<'a> {
    /// An environment with the built-in library and name tables only (nothing from the host).
    pub fn builtin(vfs: &'a dyn Vfs) -> Environment<'a> {
        static BUILTIN_NAMES: std::sync::OnceLock<Arc<NameTables>> = std::sync::OnceLock::new();
        Environment {
            vfs,
            library_dirs: Vec::new(),
            names: BUILTIN_NAMES
                .get_or_init(|| Arc::new(NameTables::builtin()))
                .clone(),
            parse_cache: None,
        }
    }
}

/// A reference from a place in a file to a named thing, for navigation and rename.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    pub site: Site,
    pub target: RefTarget,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RefTarget {
    Zone(String),
    Interface(String),
    Param(String),
    Macro(String),
    Action(String),
}

/// The model of one configuration directory.
#[derive(Debug, Clone)]
pub struct Model {
    pub dir: PathBuf,
    pub family: Family,
    pub files: Files,
    pub settings: Settings,
    pub capabilities: Capabilities,
    pub params: Params,
    pub firewall_zone: Option<String>,
    pub zones: Vec<Zone>,
    pub interfaces: Vec<Interface>,
    pub hosts: Vec<Host>,
    pub policies: Vec<Policy>,
    pub catalog: Catalog,
    /// The records of `blrules` and `rules` as read (for the compiler).
    pub rules_files: RulesFiles,
    /// Definitions (the site where each zone, interface, param, macro, action is defined).
    pub definitions: Vec<Reference>,
    pub references: Vec<Reference>,
    pub diagnostics: Vec<Diagnostic>,
    /// False when the directory has no zones file: zone names were not checked.
    pub zones_checked: bool,
    pub names: Arc<NameTables>,
}

impl Model {
    pub fn zone(&self, name: &str) -> Option<&Zone> {
        self.zones.iter().find(|it| it.name == name)
    }

    pub fn interface(&self, name: &str) -> Option<&Interface> {
        self.interfaces.iter().find(|it| it.name == name)
    }

    pub fn file(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id)
    }

    /// The file of the configuration directory named `name` (`rules`, `zones`, ...).
    pub fn config_file(&self, name: &str) -> Option<FileId> {
        self.files.id_of(&self.dir.join(name))
    }

    /// The diagnostics of one file, sorted by position.
    pub fn diagnostics_for(&self, file: FileId) -> Vec<&Diagnostic> {
        let mut res: Vec<&Diagnostic> = self
            .diagnostics
            .iter()
            .filter(|it| it.site.file == file)
            .collect();
        res.sort_by(|a, b| {
            (a.site.range.start(), a.code, &a.message).cmp(&(
                b.site.range.start(),
                b.code,
                &b.message,
            ))
        });
        res
    }
}

/// The family of a directory: IPv4 for one holding `shorewall.conf` or named `shorewall`, IPv6
/// otherwise.
pub fn family_of(dir: &Path, vfs: &dyn Vfs) -> Family {
    if vfs.exists(&dir.join("shorewall6.conf")) {
        return Family::Ipv6;
    }
    if vfs.exists(&dir.join("shorewall.conf")) {
        return Family::Ipv4;
    }
    match dir.file_name().and_then(|it| it.to_str()) {
        Some("shorewall") | Some("shorewall4") => Family::Ipv4,
        _ => Family::Ipv6,
    }
}

/// Builds the model of the directory `dir`.
pub fn build(dir: &Path, env: &Environment<'_>) -> Model {
    let family = family_of(dir, env.vfs);
    let mut ctx = Ctx::new(dir, family, env);
    ctx.read_prelude();
    rules::read_rules(&mut ctx);
    ctx.finish()
}

/// Builds the model of the directory `dir`, as [`build`] does, and runs `beside` on a second
/// thread while the model reads and checks the rules file.
/// `beside` gets the model as it stands before the rules file is read (every other file of
/// the directory read, the rules file loaded, the blrules file's records in
/// [`Model::rules_files`]) and the rules file's records, as they are read, through a
/// [`RulesFeed`].
/// So a compiler can lower the rules while the model reads and checks them.
///
/// `beside` is not run (`None`) when the directory has no rules file, when the model has
/// errors before its rules file is read, and when no thread can be started; when it panics,
/// the model is built again without it.
pub fn build_beside<R: Send>(
    dir: &Path,
    env: &Environment<'_>,
    beside: impl FnOnce(&Model, &mut RulesFeed) -> R + Send,
) -> (Model, Option<R>) {
    let family = family_of(dir, env.vfs);
    let mut ctx = Ctx::new(dir, family, env);
    ctx.read_prelude();
    let mut pass = rules::RulesPass::new(&mut ctx);
    if let Some(events) = pass.read(FileKind::BlRules) {
        let items = pass.check(events, true);
        pass.store(FileKind::BlRules, items);
    }
    let Some(file) = pass.open(FileKind::Rules) else {
        drop(pass);
        return (ctx.finish(), None);
    };
    let clean = !pass
        .ctx()
        .model
        .diagnostics
        .iter()
        .any(|it| it.severity == Severity::Error);
    let snapshot = clean.then(|| pass.ctx().model.clone());
    let outcome = snapshot.as_ref().and_then(|snapshot| {
        std::thread::scope(|scope| {
            let (sender, receiver) = std::sync::mpsc::channel();
            let mut feed = RulesFeed {
                receiver,
                items: Vec::new(),
            };
            // The compiler's recursion (nested macros and actions) gets the main thread's
            // stack size.
            let handle = std::thread::Builder::new()
                .stack_size(8 << 20)
                .spawn_scoped(scope, move || {
                    let res = beside(snapshot, &mut feed);
                    while feed.next_batch().is_some() {}
                    (res, feed.items)
                })
                .ok()?;
            let mut batch = Vec::with_capacity(RulesFeed::BATCH);
            let mut observe = |event: &reader::Event| {
                batch.extend(rules::item_of(event));
                if batch.len() == RulesFeed::BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(RulesFeed::BATCH));
                    // A closed feed: the other thread has panicked (see below).
                    let _ = sender.send(full);
                }
            };
            let events = pass.read_open(FileKind::Rules, file, Some(&mut observe));
            let _ = sender.send(batch);
            drop(sender);
            pass.check(events, false);
            Some(handle.join())
        })
    });
    match outcome {
        Some(Ok((res, items))) => {
            pass.store(FileKind::Rules, items);
            drop(pass);
            (ctx.finish(), Some(res))
        }
        // The rules file's records went with the thread.
        Some(Err(_)) => {
            drop(pass);
            (build(dir, env), None)
        }
        None => {
            let events = pass.read_open(FileKind::Rules, file, None);
            let items = pass.check(events, true);
            pass.store(FileKind::Rules, items);
            drop(pass);
            (ctx.finish(), None)
        }
    }
}

/// The records of a rules file, in order, as [`build_beside`]'s other thread receives them
/// while the model reads the file.
#[derive(Debug)]
pub struct RulesFeed {
    receiver: std::sync::mpsc::Receiver<Vec<RulesItem>>,
    /// Every item received so far.
    items: Vec<RulesItem>,
}

impl RulesFeed {
    /// How many items are sent at a time.
    const BATCH: usize = 128;

    /// The items that come next, waiting for them; `None` at the end of the file.
    pub fn next_batch(&mut self) -> Option<&[RulesItem]> {
        let batch = self.receiver.recv().ok()?;
        let start = self.items.len();
        self.items.extend(batch);
        self.items.get(start..)
    }
}

/// A model build stopped right before the `blrules` and `rules` files: everything else of the
/// directory read (params, settings, zones, interfaces, hosts, actions, policy). Nothing of
/// it depends on the rules files, so one prelude serves every text of them
/// ([`Prelude::finish`]): the language server keeps one to compile a few lines of a large
/// rules file at a time. (Where the directory reads the rules file in the prelude, through an
/// `INCLUDE` of params, [`Prelude::reads_rules`] says so and the prelude must not be reused.)
#[derive(Debug, Clone)]
pub struct Prelude {
    model: Model,
    set_variables: HashMap<String, Value>,
    omitted: Vec<(FileId, TextRange)>,
    catalog_state: catalog::CatalogState,
    policy_matrix: HashMap<(String, String), String>,
}

impl Prelude {
    /// Reads the directory `dir` up to its rules files.
    pub fn read(dir: &Path, env: &Environment<'_>) -> Prelude {
        let family = family_of(dir, env.vfs);
        let mut ctx = Ctx::new(dir, family, env);
        ctx.read_prelude();
        let Ctx {
            env: _,
            model,
            set_variables,
            omitted,
            catalog_state,
            policy_matrix,
        } = ctx;
        Prelude {
            model,
            set_variables,
            omitted,
            catalog_state,
            policy_matrix,
        }
    }

    /// Whether the prelude read a rules file (so that it is not the same for every text of
    /// it).
    pub fn reads_rules(&self) -> bool {
        ["rules", "blrules"]
            .iter()
            .any(|name| self.model.config_file(name).is_some())
    }

    /// The model of the directory with the rules files `env` gives: what [`build`] gives
    /// for the same files.
    pub fn finish(&self, env: &Environment<'_>) -> Model {
        let prelude = self.clone();
        let mut ctx = Ctx {
            env,
            model: prelude.model,
            set_variables: prelude.set_variables,
            omitted: prelude.omitted,
            catalog_state: prelude.catalog_state,
            policy_matrix: prelude.policy_matrix,
        };
        rules::read_rules(&mut ctx);
        ctx.finish()
    }
}

/// The builder's state while it reads the directory.
pub(crate) struct Ctx<'e> {
    pub(crate) env: &'e Environment<'e>,
    pub(crate) model: Model,
    /// `?SET` variables.
    pub(crate) set_variables: HashMap<String, Value>,
    /// Ranges of lines skipped by `?IF`: syntax errors there are not Shorewall's concern.
    pub(crate) omitted: Vec<(FileId, TextRange)>,
    pub(crate) catalog_state: catalog::CatalogState,
    /// The policy of each pair of zones, after the policy file.
    pub(crate) policy_matrix: HashMap<(String, String), String>,
}

impl<'e> Ctx<'e> {
    fn new(dir: &Path, family: Family, env: &'e Environment<'e>) -> Ctx<'e> {
        Ctx {
            env,
            model: Model {
                dir: dir.to_path_buf(),
                family,
                files: Files::default(),
                settings: Settings::default(),
                capabilities: Capabilities::default_for(family),
                params: Params::default(),
                firewall_zone: None,
                zones: Vec::new(),
                interfaces: Vec::new(),
                hosts: Vec::new(),
                policies: Vec::new(),
                catalog: Catalog::default(),
                rules_files: RulesFiles::default(),
                definitions: Vec::new(),
                references: Vec::new(),
                diagnostics: Vec::new(),
                zones_checked: true,
                names: env.names.clone(),
            },
            set_variables: HashMap::new(),
            omitted: Vec::new(),
            catalog_state: catalog::CatalogState::default(),
            policy_matrix: HashMap::new(),
        }
    }

    /// Everything but the rules files, in Shorewall's order.
    fn read_prelude(&mut self) {
        self.read_capabilities();
        self.read_params();
        self.read_settings();
        zones::read_zones(self);
        zones::read_interfaces(self);
        zones::read_hosts(self);
        catalog::read_actions(self);
        catalog::check_default_actions(self);
        policy::read_policy(self);
    }

    fn finish(mut self) -> Model {
        self.syntax_diagnostics();
        self.drop_log_level_cascades();
        cascades::drop_cascades(&mut self.model.diagnostics);
        let mut model = self.model;
        model.diagnostics.sort_by(|a, b| {
            (a.site.file, a.site.range.start(), a.code, &a.message).cmp(&(
                b.site.file,
                b.site.range.start(),
                b.code,
                &b.message,
            ))
        });
        model.diagnostics.dedup();
        model
    }

    pub(crate) fn diag(&mut self, diagnostic: Diagnostic) {
        self.model.diagnostics.push(diagnostic);
    }

    /// An invalid log level is reported where it is written (`LOG_LEVEL=bogus`), not again at
    /// each line that uses it through a variable (`$LOG_LEVEL` in the policy file).
    fn drop_log_level_cascades(&mut self) {
        fn bad_level(message: &str) -> Option<&str> {
            message
                .strip_prefix("Invalid log level (")
                .and_then(|it| it.split(')').next())
        }
        let files = &self.model.files;
        let through_variable = |site: &Site| {
            files.get(site.file).is_some_and(|file| {
                file.text
                    .get(usize::from(site.range.start())..usize::from(site.range.end()))
                    .is_some_and(|it| it.contains('$'))
            })
        };
        let roots: std::collections::HashSet<String> = self
            .model
            .diagnostics
            .iter()
            .filter(|it| !through_variable(&it.site))
            .filter_map(|it| bad_level(&it.message).map(str::to_owned))
            .collect();
        if roots.is_empty() {
            return;
        }
        self.model.diagnostics.retain(|it| {
            !(bad_level(&it.message).is_some_and(|level| roots.contains(level))
                && through_variable(&it.site))
        });
    }

    /// The path of a configuration file: in the configuration directory, or along CONFIG_PATH
    /// once the settings are read (`capabilities`, `params` and the settings file itself are
    /// looked for before, in the configuration directory only).
    pub(crate) fn config_path(&self, name: &str) -> PathBuf {
        let early = [
            "capabilities",
            "params",
            "shorewall.conf",
            "shorewall6.conf",
        ];
        if early.contains(&name) {
            return self.model.dir.join(name);
        }
        catalog::config_file_path(
            &self.model.settings,
            &self.model.dir,
            self.model.family,
            self.env.vfs,
            name,
        )
    }

    /// Loads a file of the configuration directory, if it exists. Unreadable files (too
    /// large, binary) get a diagnostic at `reported_at` or, failing that, are skipped.
    pub(crate) fn load_config_file(&mut self, name: &str, kind: FileKind) -> Option<FileId> {
        let path = self.config_path(name);
        self.load_config_file_at(path, kind)
    }

    /// [`Ctx::load_config_file`] for a path found already.
    fn load_config_file_at(&mut self, path: PathBuf, kind: FileKind) -> Option<FileId> {
        match self.model.files.load(
            self.env.vfs,
            &path,
            kind,
            self.model.family,
            Origin::Config,
            self.env.parse_cache,
        ) {
            Ok(id) => Some(id),
            Err(ReadError::NotFound) => None,
            Err(error) => {
                // The file stays in the model, empty, so the diagnostic has a place.
                let id = self.model.files.add(
                    path.clone(),
                    kind,
                    self.model.family,
                    Origin::Config,
                    Arc::from(""),
                    None,
                );
                let site = Site {
                    file: id,
                    range: TextRange::empty(TextSize::from(0)),
                };
                self.diag(Diagnostic::error(
                    "unreadable-file",
                    site,
                    format!("{} cannot be read: {error}", path.display()),
                ));
                None
            }
        }
    }

    /// A site for the end of a file (Shorewall's "(EOF)" errors).
    pub(crate) fn eof_site(&self, file: FileId) -> Site {
        let len = self
            .model
            .files
            .get(file)
            .map_or(TextSize::from(0), |it| TextSize::of(&*it.text));
        Site {
            file,
            range: TextRange::empty(len),
        }
    }

    fn read_capabilities(&mut self) {
        if let Some(id) = self.load_config_file("capabilities", FileKind::KeyValue) {
            if let Some(file) = self.model.files.get(id) {
                self.model.capabilities = Capabilities::parse(&file.text);
            }
        }
    }

    fn read_params(&mut self) {
        let Some(id) = self.load_config_file("params", FileKind::Params) else {
            return;
        };
        let Some(tree) = self.model.files.get(id).map(|it| it.parse.tree()) else {
            return;
        };
        let mut params = Params::default();
        let mut diagnostics = Vec::new();
        self.evaluate_params(id, &tree, &mut params, &mut diagnostics, 0);
        for param in params.iter() {
            self.model.definitions.push(Reference {
                site: param.site,
                target: RefTarget::Param(param.name.clone()),
            });
        }
        self.model.params = params;
        self.model.diagnostics.extend(diagnostics);
    }

    /// Evaluates a params file and the files it INCLUDEs, in order.
    fn evaluate_params(
        &mut self,
        id: FileId,
        tree: &shorewall_syntax::ast::SourceFile,
        params: &mut Params,
        diagnostics: &mut Vec<Diagnostic>,
        depth: usize,
    ) {
        let mut include =
            |name: &str, site: Site, params: &mut Params, diagnostics: &mut Vec<Diagnostic>| {
                let path = if Path::new(name).is_absolute() {
                    PathBuf::from(name)
                } else {
                    self.model.dir.join(name)
                };
                if depth >= 20 {
                    diagnostics.push(Diagnostic::error(
                        "include-error",
                        site,
                        "INCLUDEs/Scripts nested too deeply",
                    ));
                    return;
                }
                match self.model.files.load(
                    self.env.vfs,
                    &path,
                    FileKind::Params,
                    self.model.family,
                    Origin::Config,
                    self.env.parse_cache,
                ) {
                    Ok(included) => {
                        if let Some(tree) = self.model.files.get(included).map(|it| it.parse.tree())
                        {
                            self.evaluate_params(included, &tree, params, diagnostics, depth + 1);
                        }
                    }
                    Err(ReadError::NotFound) => diagnostics.push(Diagnostic::error(
                        "include-not-found",
                        site,
                        format!("INCLUDE file {} not found", path.display()),
                    )),
                    Err(error) => diagnostics.push(Diagnostic::error(
                        "unreadable-file",
                        site,
                        format!("INCLUDE file {} cannot be read: {error}", path.display()),
                    )),
                }
            };
        params::evaluate(id, tree, params, diagnostics, &mut include);
    }

    fn read_settings(&mut self) {
        let conf_name = self.model.family.conf_file_name();
        let id = self.load_config_file(conf_name, FileKind::Conf);
        let tree = id
            .and_then(|id| self.model.files.get(id))
            .map(|it| it.parse.tree());
        let mut diagnostics = Vec::new();
        let vars = ParamVariables { ctx: self };
        let settings = settings::read(
            self.model.family,
            &self.model.capabilities,
            id,
            tree.as_ref(),
            &vars,
            &mut diagnostics,
        );
        self.model.settings = settings;
        self.model.diagnostics.extend(diagnostics);
    }

    fn syntax_diagnostics(&mut self) {
        let mut res = Vec::new();
        for (id, file) in self.model.files.iter() {
            if file.origin != Origin::Config {
                continue;
            }
            // An action body for the mangle or snat file was parsed with the rules file's
            // columns, fewer than that file's.
            let max_columns = action_body_columns(&self.model, id).map(|kind| {
                [1, 2]
                    .map(|format| kind.columns_for(format, self.model.family).len())
                    .into_iter()
                    .max()
                    .unwrap_or(0)
            });
            for error in file.parse.errors() {
                let omitted = self
                    .omitted
                    .iter()
                    .any(|(file, range)| *file == id && range.contains_range(error.range));
                if omitted {
                    continue;
                }
                let code = syntax_code(&error.message);
                if code == "too-many-columns"
                    && max_columns.is_some_and(|max| columns_given(&error.message) <= max)
                {
                    continue;
                }
                res.push(Diagnostic::error(
                    code,
                    Site {
                        file: id,
                        range: error.range,
                    },
                    error.message.clone(),
                ));
            }
        }
        self.model.diagnostics.extend(res);
    }
}

/// How many columns a "too many columns" syntax error says were given.
fn columns_given(message: &str) -> usize {
    message
        .strip_prefix("too many columns: ")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|it| it.parse().ok())
        .unwrap_or(usize::MAX)
}

/// The code of a syntax error, by its message.
pub fn syntax_code(message: &str) -> &'static str {
    if message.starts_with("too many columns") {
        "too-many-columns"
    } else if message.starts_with("quotes") || message.starts_with("non-ASCII") {
        "forbidden-character"
    } else if message.contains("?ENDIF") || message.contains("matching ?IF") {
        "unbalanced-conditional"
    } else {
        "syntax-error"
    }
}

/// The variables of params and the builtins, before shorewall6.conf is read.
struct ParamVariables<'a, 'e> {
    ctx: &'a Ctx<'e>,
}

impl expand::Variables for ParamVariables<'_, '_> {
    fn lookup(&self, name: &str) -> Option<Value> {
        self.ctx.variable(name, false)
    }

    fn strict(&self) -> bool {
        false
    }
}

impl Ctx<'_> {
    /// Looks a variable up as `expand_variables` does: params (with `FW` and the builtins),
    /// `?SET` variables, then (when `with_settings`) shorewall6.conf.
    pub(crate) fn variable(&self, name: &str, with_settings: bool) -> Option<Value> {
        // The zones file's firewall zone wins over a FW in params (`add_param( FW => $zone )`).
        if name == "FW" {
            if let Some(zone) = &self.model.firewall_zone {
                return Some(Value::Known(zone.clone()));
            }
        }
        if let Some(param) = self.model.params.get(name) {
            return Some(param.value.clone());
        }
        if name == "FW" {
            return Some(Value::Known("fw".to_owned()));
        }
        if let Some(value) = self.set_variables.get(name) {
            return Some(value.clone());
        }
        let product = match self.model.family {
            Family::Ipv6 => "shorewall6",
            Family::Ipv4 => "shorewall",
        };
        // Debian's /usr/share/shorewall/shorewallrc, which Shorewall reads into its variables.
        let builtin = match name {
            "HOST" => Some("debian"),
            "PREFIX" => Some("/usr"),
            "CONFDIR" => Some("/etc"),
            "SHAREDIR" | "LIBEXECDIR" => Some("/usr/share"),
            "PERLLIBDIR" => Some("/usr/share/shorewall"),
            "SBINDIR" => Some("/sbin"),
            "MANDIR" => Some("/usr/share/man"),
            "INITDIR" => Some("/etc/init.d"),
            "INITSOURCE" => Some("init.debian.sh"),
            "SYSCONFFILE" => Some("default.debian.sysvinit"),
            "SYSCONFDIR" => Some("/etc/default"),
            "SERVICEDIR" => Some("/lib/systemd/system"),
            "SPARSE" => Some("Yes"),
            "VARLIB" => Some("/var/lib"),
            "STOPSERVICEFILE" => Some("stop_service.debian"),
            "BUILD" | "ANNOTATED" => Some(""),
            "PRODUCT" | "INITFILE" => Some(product),
            _ => None,
        };
        if let Some(value) = builtin {
            return Some(Value::Known(value.to_owned()));
        }
        match name {
            "VARDIR" => return Some(Value::Known(format!("/var/lib/{product}"))),
            "SERVICEFILE" => return Some(Value::Known(format!("{product}.service.debian"))),
            _ => {}
        }
        if with_settings && settings::is_option(name, self.model.family) {
            return Some(Value::Known(self.model.settings.config_value(name)));
        }
        // Shorewall's variables start as its environment: their values are not ours to know.
        const ENVIRONMENT: &[&str] = &[
            "HOME", "PATH", "USER", "LOGNAME", "SHELL", "PWD", "LANG", "TERM", "HOSTNAME", "TZ",
        ];
        if ENVIRONMENT.contains(&name) {
            return Some(Value::Unknown);
        }
        None
    }
}

/// One record of an action body, read for one invocation of the action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyLine {
    pub site: Site,
    /// The columns by rules-file position (`-` when absent), parameters substituted.
    pub columns: Vec<String>,
    /// The `?COMMENT` in effect.
    pub comment: Option<String>,
    /// `;;` raw matches.
    pub raw_matches: Option<String>,
    /// The `?FORMAT` in effect when a `?FORMAT` line set it.
    pub format: Option<u32>,
}

/// What an action body yields, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyItem {
    Line(BodyLine),
    /// `DEFAULTS a,b,...`.
    Defaults(Vec<String>),
}

/// One record of a configuration file the model does not read itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigRecord {
    pub path: PathBuf,
    /// 1-based.
    pub line: u32,
    /// The columns by schema position (`-` when absent), expanded.
    pub columns: Vec<String>,
    /// The `?SECTION` in effect (files that have sections: accounting).
    pub section: Option<String>,
    /// The line of that `?SECTION` (0 when none).
    pub section_line: u32,
    /// `;;` raw matches.
    pub raw_matches: Option<String>,
    /// The `?COMMENT` in effect.
    pub comment: Option<String>,
    /// The `?FORMAT` in effect (1 when none).
    pub format: u32,
    /// The kind of the file, by its name.
    pub kind: FileKind,
    /// Whether the record has more positional columns than its file has (after expansion):
    /// Shorewall rejects it when it splits the line.
    pub too_many_columns: bool,
}

impl ConfigRecord {
    /// Column `idx`, `-` when the record has no such column (as Shorewall reads a short line).
    pub fn column(&self, idx: usize) -> &str {
        self.columns.get(idx).map_or("-", String::as_str)
    }

    /// The `;;` matches with the blank that separates them from the rule's own matches, or
    /// nothing.
    pub fn raw_matches_prefix(&self) -> String {
        self.raw_matches
            .as_ref()
            .map(|it| format!("{it} "))
            .unwrap_or_default()
    }
}

/// An error Shorewall meets reading a line of a configuration file the model does not read
/// itself (an undefined variable, a bad `?IF`, a missing INCLUDE): it stops there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigReadError {
    pub path: PathBuf,
    /// 1-based.
    pub line: u32,
    pub message: String,
}

/// The records of the configuration file `name` of the model's directory, with its `?IF`s
/// evaluated and its variables expanded (for the compiler: files the model does not read).
pub fn read_config_records(model: &Model, env: &Environment<'_>, name: &str) -> Vec<ConfigRecord> {
    read_config_file(model, env, name).0
}

/// [`read_config_records`], and the errors met reading the file, in reading order.
pub fn read_config_file(
    model: &Model,
    env: &Environment<'_>,
    name: &str,
) -> (Vec<ConfigRecord>, Vec<ConfigReadError>) {
    let mut ctx = Ctx::new(&model.dir, model.family, env);
    let kind = FileKind::from_file_name(name);
    // Found along the model's CONFIG_PATH: this context has no settings yet.
    let path = catalog::config_file_path(&model.settings, &model.dir, model.family, env.vfs, name);
    let Some(file) = ctx.load_config_file_at(path, kind) else {
        return (Vec::new(), Vec::new());
    };
    // Only for a file that is there: the compiler asks for some twenty files, most absent,
    // and the settings are hundreds of strings.
    ctx.model.settings = model.settings.clone();
    ctx.model.capabilities = model.capabilities.clone();
    ctx.model.params = model.params.clone();
    ctx.model.firewall_zone = model.firewall_zone.clone();
    let opts = reader::ReadOptions {
        sections: name == "accounting",
        ..reader::ReadOptions::default()
    };
    let events = reader::read(&mut ctx, file, opts);
    let mut section = None;
    let mut section_line = 0;
    let mut forbidden = None;
    let records = events
        .into_iter()
        .filter_map(|event| match event {
            reader::Event::Record(line) => {
                let source = ctx.model.files.get(line.file)?;
                let position = source.line_index.line_col(line.site.range.start());
                if forbidden.is_none() {
                    forbidden = forbidden_character(source, line.site.range).map(|message| {
                        ConfigReadError {
                            path: source.path.clone(),
                            line: position.line + 1,
                            message: message.to_owned(),
                        }
                    });
                }
                Some(ConfigRecord {
                    path: source.path.clone(),
                    line: position.line + 1,
                    columns: line.values,
                    section: section.clone(),
                    section_line,
                    raw_matches: line.raw_matches,
                    comment: line.comment,
                    format: line.format,
                    kind,
                    too_many_columns: line.columns_given
                        > kind.columns_for(line.format, model.family).len(),
                })
            }
            reader::Event::Section { name, site } => {
                section_line = ctx
                    .model
                    .files
                    .get(site.file)
                    .map_or(0, |it| it.line_index.line_col(site.range.start()).line + 1);
                section = Some(name);
                None
            }
            reader::Event::Defaults { .. } => None,
        })
        .collect();
    let errors = ctx
        .model
        .diagnostics
        .iter()
        .filter(|it| it.severity == Severity::Error)
        .filter_map(|it| {
            let source = ctx.model.files.get(it.site.file)?;
            Some(ConfigReadError {
                path: source.path.clone(),
                line: source.line_index.line_col(it.site.range.start()).line + 1,
                message: it.message.clone(),
            })
        })
        .collect::<Vec<_>>();
    // Shorewall expands a line before it splits it, so an expansion error on the same line or
    // before comes first; errors in different files keep the reader's order.
    let errors = match (forbidden, errors.first()) {
        (Some(it), Some(first)) if it.path != first.path || it.line >= first.line => errors,
        (Some(it), _) => std::iter::once(it).chain(errors).collect(),
        (None, _) => errors,
    };
    (records, errors)
}

/// Shorewall's error on a record of `source` within `range` that holds a character its
/// `split_line2` forbids, in the order it checks them: quotes, backquotes and backslashes in
/// the columns, then non-ASCII characters, then single quotes anywhere.
fn forbidden_character(source: &files::SourceFile, range: TextRange) -> Option<&'static str> {
    let mut found = [false; 3];
    for error in source.parse.errors() {
        if !range.contains_range(error.range) {
            continue;
        }
        let text = source
            .text
            .get(usize::from(error.range.start())..usize::from(error.range.end()))
            .unwrap_or_default();
        if error.message.starts_with("non-ASCII") {
            found[1] = true;
        } else if error.message.starts_with("single quotes") || text.starts_with('\'') {
            found[2] = true;
        } else if error.message.starts_with("quotes") {
            found[0] = true;
        }
    }
    let messages = [
        "Shorewall Configuration file entries may not contain double quotes, single back quotes or backslashes",
        "Non-ASCII gunk in file",
        "Shorewall Configuration file entries may not contain single quotes",
    ];
    found
        .iter()
        .zip(messages)
        .find_map(|(found, message)| found.then_some(message))
}

/// Whether an expanded value holds a part that cannot be known statically (from a
/// shell-computed param).
pub fn has_unknown(value: &str) -> bool {
    value.contains(expand::UNKNOWN)
}

/// One item of a rules or blrules file as the compiler reads it: records are not expanded
/// (macros stay invocations) so that zone lists are expanded before macros, as Shorewall does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RulesItem {
    /// `?SECTION NAME`.
    Section(String),
    Record(BodyLine),
}

/// The items of the `blrules` and `rules` files as the model read them: `?IF`s evaluated,
/// variables expanded, macros not expanded. The model keeps them so that the compiler does not
/// read and expand the files a second time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RulesFiles {
    pub blrules: Vec<RulesItem>,
    pub rules: Vec<RulesItem>,
}

impl BodyLine {
    /// The line of a record the reader yields, its columns moved (not copied) into rules-file
    /// positions (or the mangle or snat file's, for the body of an action for those files).
    pub(crate) fn from_line(line: reader::Line) -> BodyLine {
        let mut columns = line.values;
        let count = columns.len().max(rules::col::COUNT);
        columns.resize_with(count, || "-".to_owned());
        BodyLine {
            site: line.site,
            columns,
            comment: line.comment,
            raw_matches: line.raw_matches,
            format: line.format_given.then_some(line.format),
        }
    }

    /// [`BodyLine::from_line`] for a line that stays with the reader: its columns copied.
    pub(crate) fn from_line_ref(line: &reader::Line) -> BodyLine {
        let mut columns: Vec<String> = line.values.clone();
        let count = columns.len().max(rules::col::COUNT);
        columns.resize_with(count, || "-".to_owned());
        BodyLine {
            site: line.site,
            columns,
            comment: line.comment.clone(),
            raw_matches: line.raw_matches.clone(),
            format: line.format_given.then_some(line.format),
        }
    }
}

/// Reads the body of an action file the way Shorewall reads it for one invocation: `$1`,
/// `@1`, ... are `params`, the named action variables (`chain`, `caller`, `loglevel`,
/// `logtag`, `action`, `disposition`, and `0` for `$0`) are `vars`, and `?IF` is evaluated
/// with them. The compiler calls this once per distinct invocation. Problems found are
/// returned as diagnostics.
pub fn read_action_body(
    model: &Model,
    env: &Environment<'_>,
    file: FileId,
    params: &[String],
    vars: &[(String, String)],
) -> (Vec<BodyItem>, Vec<Diagnostic>) {
    let Some(cache) = env.parse_cache else {
        return read_body(model, env, |_| Some(file), params, vars).unwrap_or_default();
    };
    let key = ActionBodyKey {
        files: model.files.paths(),
        file,
        params: params.to_vec(),
        vars: vars.to_vec(),
    };
    if let Some(body) = cache.action_body(&key) {
        return (*body).clone();
    }
    let body = read_body(model, env, |_| Some(file), params, vars).unwrap_or_default();
    cache.put_action_body(key, Arc::new(body.clone()));
    body
}

/// The file whose columns the records of `file` have when it is the body of an action declared
/// with the `mangle` or `nat` option (Shorewall reads such a body as records of that file).
fn action_body_columns(model: &Model, file: FileId) -> Option<FileKind> {
    let action = model
        .catalog
        .actions
        .iter()
        .find(|it| it.file == Some(file))?;
    if action.has_option("mangle") {
        Some(FileKind::Mangle)
    } else if action.has_option("nat") {
        Some(FileKind::Snat)
    } else {
        None
    }
}

/// Reads the body of the macro `name` inside an action body, where `$1`, `@1`, ... and the
/// action variables are those of the action (`params`, `vars`). `None` when there is no such
/// macro. Sites in a macro file the model had not read yet name no file of the model.
pub fn read_macro_body(
    model: &Model,
    env: &Environment<'_>,
    name: &str,
    params: &[String],
    vars: &[(String, String)],
) -> Option<(Vec<BodyItem>, Vec<Diagnostic>)> {
    let locate = |ctx: &mut Ctx<'_>| {
        ctx.model.catalog = model.catalog.clone();
        catalog::find_macro(ctx, name)
    };
    read_body(model, env, locate, params, vars)
}

fn read_body(
    model: &Model,
    env: &Environment<'_>,
    locate: impl FnOnce(&mut Ctx<'_>) -> Option<FileId>,
    params: &[String],
    vars: &[(String, String)],
) -> Option<(Vec<BodyItem>, Vec<Diagnostic>)> {
    let mut ctx = Ctx::new(&model.dir, model.family, env);
    ctx.model.files = model.files.clone();
    ctx.model.settings = model.settings.clone();
    ctx.model.capabilities = model.capabilities.clone();
    ctx.model.params = model.params.clone();
    ctx.model.firewall_zone = model.firewall_zone.clone();
    let file = locate(&mut ctx)?;
    let opts = reader::ReadOptions {
        action_params: Some(params.iter().map(|it| Value::Known(it.clone())).collect()),
        sections: false,
        action_vars: Some(vars.to_vec()),
        call_site: None,
        columns_of: action_body_columns(model, file),
    };
    let events = reader::read(&mut ctx, file, opts);
    let items = events
        .into_iter()
        .filter_map(|event| match event {
            reader::Event::Record(line) => Some(BodyItem::Line(BodyLine::from_line(line))),
            reader::Event::Defaults { args, .. } => Some(BodyItem::Defaults(args)),
            reader::Event::Section { .. } => None,
        })
        .collect();
    let diagnostics = ctx
        .model
        .diagnostics
        .into_iter()
        .filter(|it| it.severity == Severity::Error)
        .collect();
    Some((items, diagnostics))
}
