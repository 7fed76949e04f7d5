//! The actions and macros a configuration can use: Shorewall's built-in targets, the actions
//! declared in `actions.std` and the directory's `actions` file, and the macros found the way
//! Shorewall finds them (the configuration directory, then the library directories, else the
//! copy of Shorewall 5.2.8's library built into shorewall-ls).

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::Arc,
};

use shorewall_syntax::{Family, FileKind};

use crate::model::{
    diagnostic::{Diagnostic, Site},
    files::Origin,
    library_files,
    reader::{self, Event, ReadOptions},
    rules::matches::{resolve_proto, validate_port, Env},
    settings::Settings,
    vfs::Vfs,
    Ctx, FileId, RefTarget, Reference,
};

/// What an ACTION column name is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetKind {
    /// A netfilter target or Shorewall built-in (`ACCEPT`, `DNAT`, ...), with its flags.
    Builtin(u32),
    /// An action from `actions.std` or `actions`.
    Action,
    /// A macro (`macro.NAME`).
    Macro,
}

/// Flags of built-in targets (`Chains.pm` target types).
pub mod flags {
    pub const STANDARD: u32 = 0x1;
    pub const NATRULE: u32 = 0x2;
    pub const NONAT: u32 = 0x8;
    pub const NATONLY: u32 = 0x10;
    pub const REDIRECT: u32 = 0x20;
    pub const ACTION: u32 = 0x40;
    pub const MACRO: u32 = 0x80;
    pub const CHAIN: u32 = 0x400;
    pub const INLINE: u32 = 0x8000;
    pub const USERBUILTIN: u32 = 0x20000;
    pub const LOGRULE: u32 = 0x100;
    pub const NFQ: u32 = 0x200;
    pub const SET: u32 = 0x800;
    pub const AUDIT: u32 = 0x1000;
    pub const HELPER: u32 = 0x2000;
    pub const NFLOG: u32 = 0x4000;
    pub const INLINERULE: u32 = 0x40000;
    pub const OPTIONS: u32 = 0x80000;
    pub const IPTABLES: u32 = 0x100000;
    pub const TARPIT: u32 = 0x200000;
}

/// The built-in targets of 5.2.8 for a family (`initialize_chain_table`).
pub fn builtin_target(name: &str, family: Family) -> Option<u32> {
    use flags::*;
    let common = match name {
        "ACCEPT" | "ACCEPT!" | "DROP" | "DROP!" | "CONTINUE" | "CONTINUE!" | "COUNT" | "QUEUE!"
        | "WHITELIST" => STANDARD,
        "ACCEPT+" => STANDARD + NONAT,
        "A_ACCEPT" | "A_ACCEPT!" | "A_DROP" | "A_DROP!" => STANDARD + AUDIT,
        "A_ACCEPT+" => STANDARD + NONAT + AUDIT,
        "AUDIT" => STANDARD + AUDIT + OPTIONS,
        "NONAT" => STANDARD + NONAT + NATONLY,
        "REJECT" | "REJECT!" | "QUEUE" => STANDARD + OPTIONS,
        "DNAT" => NATRULE + OPTIONS,
        "DNAT-" => NATRULE + NATONLY,
        "REDIRECT" => NATRULE + REDIRECT + OPTIONS,
        "REDIRECT-" => NATRULE + REDIRECT + NATONLY,
        "LOG" => STANDARD + LOGRULE + OPTIONS,
        "NFLOG" => STANDARD + LOGRULE + NFLOG + OPTIONS,
        "NFQUEUE" => STANDARD + NFQ + OPTIONS,
        "NFQUEUE!" => STANDARD + NFQ,
        "ADD" | "DEL" => STANDARD + SET,
        "HELPER" => STANDARD + HELPER + NATONLY,
        "INLINE" => INLINERULE,
        "TARPIT" => STANDARD + TARPIT + OPTIONS,
        _ => 0,
    };
    if common != 0 {
        return Some(common);
    }
    match (name, family) {
        ("ULOG", Family::Ipv4) => Some(STANDARD + LOGRULE + NFLOG + OPTIONS),
        ("ULOG", Family::Ipv6) => Some(STANDARD + LOGRULE + NFLOG),
        ("CONNMARK" | "MARK", Family::Ipv4) => Some(STANDARD + OPTIONS),
        ("IPTABLES", Family::Ipv4) | ("IP6TABLES", Family::Ipv6) => Some(IPTABLES),
        _ => None,
    }
}

/// The names of the built-in targets, for completion.
pub const BUILTIN_TARGETS: &[&str] = &[
    "ACCEPT",
    "ACCEPT+",
    "ACCEPT!",
    "A_ACCEPT",
    "A_ACCEPT+",
    "A_ACCEPT!",
    "A_DROP",
    "A_DROP!",
    "AUDIT",
    "CONTINUE",
    "CONTINUE!",
    "COUNT",
    "DNAT",
    "DNAT-",
    "DROP",
    "DROP!",
    "HELPER",
    "INLINE",
    "LOG",
    "NFLOG",
    "NFQUEUE",
    "NFQUEUE!",
    "NONAT",
    "QUEUE",
    "QUEUE!",
    "REDIRECT",
    "REDIRECT-",
    "REJECT",
    "REJECT!",
    "TARPIT",
    "ULOG",
    "WHITELIST",
    "ADD",
    "DEL",
];

/// An action of the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionDef {
    pub name: String,
    /// The options from its declaration (`inline`, `noinline`, `audit`, `state=...`, ...).
    pub options: Vec<String>,
    /// The declaration's comment (`# Handles ...`), the action's one-line description.
    pub description: String,
    /// Where it is declared (`actions.std` or `actions`).
    pub declared: Site,
    /// The `action.NAME` file, if found.
    pub file: Option<FileId>,
    /// Whether it is expanded in line (the `inline` option, or the REJECT_ACTION).
    pub inline: bool,
}

impl ActionDef {
    pub fn is_inline(&self) -> bool {
        self.inline
    }

    pub fn has_option(&self, option: &str) -> bool {
        self.options.iter().any(|it| it == option)
    }

    /// The action's `%targets` type: an inline action, a user builtin, or an action.
    pub fn target_flags(&self) -> u32 {
        if self.has_option("builtin") {
            flags::USERBUILTIN | flags::OPTIONS
        } else if self.is_inline() {
            flags::INLINE
        } else {
            flags::ACTION
        }
    }

    /// The protocol of the `proto=` option, as written.
    pub fn proto(&self) -> Option<&str> {
        self.options.iter().find_map(|it| it.strip_prefix("proto="))
    }

    /// The port of the `dport=` option, as written.
    pub fn dport(&self) -> Option<&str> {
        self.options.iter().find_map(|it| it.strip_prefix("dport="))
    }

    /// The conntrack state of the `state=` option (actions.std only).
    pub fn state(&self) -> Option<&str> {
        self.options.iter().find_map(|it| it.strip_prefix("state="))
    }
}

/// The targets `IPTABLES(...)`/`IP6TABLES(...)` and INLINE's `-j` may name in the filter table
/// (`%builtin_target`).
pub(crate) fn iptables_target(name: &str) -> Option<()> {
    const FILTER: &[&str] = &[
        "ACCEPT", "AUDIT", "CHAOS", "COUNT", "DELUDE", "DROP", "ECHO", "LOG", "MARK", "MIRROR",
        "NFQUEUE", "QUEUE", "REJECT", "STEAL", "SYSRQ", "TARPIT", "TCPMSS", "TEE", "ULOG",
    ];
    FILTER.contains(&name).then_some(())
}

/// A macro of the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MacroDef {
    pub name: String,
    pub file: FileId,
}

#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub actions: Vec<ActionDef>,
    /// Macros looked up so far.
    pub macros: Vec<MacroDef>,
    /// Every macro name available (config directory, library), for completion.
    pub macro_names: Vec<String>,
}

impl Catalog {
    pub fn action(&self, name: &str) -> Option<&ActionDef> {
        self.actions.iter().find(|it| it.name == name)
    }

    pub fn macro_def(&self, name: &str) -> Option<&MacroDef> {
        self.macros.iter().find(|it| it.name == name)
    }
}

/// Lookups made while building, so each file is searched for once.
#[derive(Debug, Clone, Default)]
pub(crate) struct CatalogState {
    looked_up: HashMap<String, Option<FileId>>,
    /// CONFIG_PATH leaves out the library directory: the standard actions and macros are
    /// missing, which is one mistake, reported once.
    pub(crate) library_missing: bool,
    /// Whether that mistake has been reported.
    pub(crate) library_missing_reported: bool,
}

/// Whether `name` is one of Shorewall 5.2.8's standard macros or actions.
pub(crate) fn is_standard_name(name: &str) -> bool {
    library_files::FILES.iter().any(|(_, file, _)| {
        file.strip_prefix("macro.")
            .or_else(|| file.strip_prefix("action."))
            == Some(name)
    })
}

const BUILTIN_ROOT: &str = "<built-in shorewall-5.2.8>";

fn builtin_text(dir: &str, name: &str) -> Option<&'static str> {
    library_files::FILES
        .iter()
        .find(|(it, file, _)| *it == dir && *file == name)
        .map(|(_, _, text)| *text)
}

/// Finds a library file (`macro.X`, `action.X`, `actions.std`) along the search path and
/// loads it: the configuration directory, then the library directories (or the built-in copy).
pub(crate) fn find_library_file(ctx: &mut Ctx<'_>, name: &str, kind: FileKind) -> Option<FileId> {
    let key = name.to_owned();
    if let Some(found) = ctx.catalog_state.looked_up.get(&key) {
        return *found;
    }
    let res = search(ctx, name, kind);
    ctx.catalog_state.looked_up.insert(key, res);
    res
}

/// A directory of the search path.
#[derive(Debug, Clone)]
enum SearchDir {
    /// A Shorewall library directory (`shorewall` or `shorewall6` under `/usr/share`): the
    /// machine's, or the built-in copy.
    Library(&'static str),
    /// Another directory of CONFIG_PATH.
    Dir(PathBuf),
}

/// The directories searched after the configuration directory: CONFIG_PATH's when the
/// configuration sets it, else the library's.
fn search_path(ctx: &Ctx<'_>) -> Vec<SearchDir> {
    search_path_of(&ctx.model.settings, &ctx.model.dir, ctx.model.family)
}

/// [`search_path`] for the settings of a configuration directory. A leading `:` in CONFIG_PATH
/// drops its first directory (`/etc/shorewall6`) when Shorewall compiles for export or runs
/// as non-root (`Config.pm ensure_config_path`), which is how the oracle runs it.
fn search_path_of(settings: &Settings, dir: &Path, family: Family) -> Vec<SearchDir> {
    let default = || match family {
        Family::Ipv6 => vec![
            SearchDir::Library("shorewall6"),
            SearchDir::Library("shorewall"),
        ],
        Family::Ipv4 => vec![SearchDir::Library("shorewall")],
    };
    let Some(config_path) = settings.supplied("CONFIG_PATH") else {
        return default();
    };
    if config_path.contains(crate::model::expand::UNKNOWN) {
        return default();
    }
    let (chop, config_path) = match config_path.strip_prefix(':') {
        Some(rest) => (true, rest),
        None => (false, config_path),
    };
    let mut entries: Vec<&str> = config_path.split(':').filter(|it| !it.is_empty()).collect();
    if chop && !entries.is_empty() {
        entries.remove(0);
    }
    let mut res = Vec::new();
    for entry in entries {
        let entry = entry.trim_end_matches('/');
        if entry.is_empty() {
            continue;
        }
        match entry {
            "/usr/share/shorewall" => res.push(SearchDir::Library("shorewall")),
            "/usr/share/shorewall6" => res.push(SearchDir::Library("shorewall6")),
            _ => {
                let path = PathBuf::from(entry);
                if path != dir {
                    res.push(SearchDir::Dir(path));
                }
            }
        }
    }
    res
}

/// Where Shorewall finds the configuration file `name` (`Config.pm find_file`): in the
/// configuration directory, else in the first other CONFIG_PATH directory that has it, else
/// (absent everywhere) the configuration directory's path. The library directories hold no
/// configuration files, so only the other directories are searched.
pub(crate) fn config_file_path(
    settings: &Settings,
    dir: &Path,
    family: Family,
    vfs: &dyn Vfs,
    name: &str,
) -> PathBuf {
    let local = dir.join(name);
    if vfs.exists(&local) {
        return local;
    }
    search_path_of(settings, dir, family)
        .into_iter()
        .find_map(|it| match it {
            SearchDir::Dir(it) => Some(it.join(name)).filter(|it| vfs.exists(it)),
            SearchDir::Library(_) => None,
        })
        .unwrap_or(local)
}

/// Whether CONFIG_PATH, where the configuration sets it, leaves out the library directories.
pub(crate) fn config_path_lacks_library(ctx: &Ctx<'_>) -> bool {
    ctx.model.settings.supplied("CONFIG_PATH").is_some()
        && !search_path(ctx)
            .iter()
            .any(|it| matches!(it, SearchDir::Library(_)))
}

fn search(ctx: &mut Ctx<'_>, name: &str, kind: FileKind) -> Option<FileId> {
    let family = ctx.model.family;
    let vfs = ctx.env.vfs;
    let cache = ctx.env.parse_cache;
    let local = ctx.model.dir.join(name);
    if vfs.exists(&local) {
        return ctx
            .model
            .files
            .load(vfs, &local, kind, family, Origin::Config, cache)
            .ok();
    }
    for dir in search_path(ctx) {
        match dir {
            SearchDir::Dir(dir) => {
                let path = dir.join(name);
                if vfs.exists(&path) {
                    return ctx
                        .model
                        .files
                        .load(vfs, &path, kind, family, Origin::Config, cache)
                        .ok();
                }
            }
            SearchDir::Library(library) if !ctx.env.library_dirs.is_empty() => {
                let dirs: Vec<PathBuf> = ctx
                    .env
                    .library_dirs
                    .iter()
                    .filter(|it| it.file_name().is_some_and(|it| it == library))
                    .cloned()
                    .collect();
                for dir in dirs {
                    let path = dir.join(name);
                    if vfs.exists(&path) {
                        return ctx
                            .model
                            .files
                            .load(vfs, &path, kind, family, Origin::Library, cache)
                            .ok();
                    }
                }
            }
            SearchDir::Library(library) => {
                if library == "shorewall6" && family == Family::Ipv4 {
                    continue;
                }
                if let Some(text) = builtin_text(library, name) {
                    let path = PathBuf::from(BUILTIN_ROOT).join(library).join(name);
                    return Some(ctx.model.files.add(
                        path,
                        kind,
                        family,
                        Origin::Builtin,
                        Arc::from(text),
                        cache,
                    ));
                }
            }
        }
    }
    None
}

/// A file of the built-in copy of Shorewall 5.2.8's library (`macro.SSH`, `action.Drop`), as
/// the model finds it for `family` when the machine has no library: its path and its text.
pub fn builtin_library_file(name: &str, family: Family) -> Option<(PathBuf, &'static str)> {
    let dirs: &[&str] = match family {
        Family::Ipv6 => &["shorewall6", "shorewall"],
        Family::Ipv4 => &["shorewall"],
    };
    dirs.iter().find_map(|dir| {
        builtin_text(dir, name).map(|text| (PathBuf::from(BUILTIN_ROOT).join(dir).join(name), text))
    })
}

/// Whether a path is one of the built-in library files.
pub fn is_builtin_path(path: &Path) -> bool {
    path.starts_with(BUILTIN_ROOT)
}

/// Every macro name available to the directory, sorted.
fn list_macros(ctx: &Ctx<'_>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut add = |file: &str| {
        if let Some(name) = file.strip_prefix("macro.") {
            if !names.iter().any(|it| it == name) {
                names.push(name.to_owned());
            }
        }
    };
    for file in ctx.env.vfs.list_dir(&ctx.model.dir) {
        add(&file);
    }
    for dir in search_path(ctx) {
        match dir {
            SearchDir::Dir(dir) => {
                for file in ctx.env.vfs.list_dir(&dir) {
                    add(&file);
                }
            }
            SearchDir::Library(library) if !ctx.env.library_dirs.is_empty() => {
                for dir in &ctx.env.library_dirs {
                    if dir.file_name().is_some_and(|it| it == library) {
                        for file in ctx.env.vfs.list_dir(dir) {
                            add(&file);
                        }
                    }
                }
            }
            SearchDir::Library(library) => {
                for (dir, file, _) in library_files::FILES {
                    if *dir == library
                        && (library == "shorewall" || ctx.model.family == Family::Ipv6)
                    {
                        add(file);
                    }
                }
            }
        }
    }
    names.sort();
    names
}

/// The options of the actions file (`%options`).
const ACTION_OPTIONS: &[&str] = &[
    "inline",
    "noinline",
    "nolog",
    "builtin",
    "raw",
    "mangle",
    "filter",
    "nat",
    "terminating",
    "audit",
    "logjump",
    "section",
];

/// Reads `actions.std` and `actions` (`Rules.pm process_actions`).
pub(crate) fn read_actions(ctx: &mut Ctx<'_>) {
    ctx.model.catalog.macro_names = list_macros(ctx);
    let std_file = find_library_file(ctx, "actions.std", FileKind::Actions);
    ctx.catalog_state.library_missing = std_file.is_none() && config_path_lacks_library(ctx);
    let user_file = ctx.load_config_file("actions", FileKind::Actions);
    let reject_action = ctx.model.settings.get("REJECT_ACTION").to_owned();
    let helpers_enabled = std::collections::HashMap::new();
    for (file, is_std) in [(std_file, true), (user_file, false)] {
        let Some(file) = file else { continue };
        let events = reader::read(ctx, file, ReadOptions::default());
        for event in events {
            let Event::Record(line) = event else { continue };
            let mut name = line.value(0).to_owned();
            if let Some(idx) = name.find(':') {
                ctx.diag(Diagnostic::warning(
                    "invalid-action",
                    line.site_of(0),
                    "Policy Actions are now specified in /etc/shorewall/shorewall.conf",
                ));
                name.truncate(idx);
            }
            let valid_name = name
                .chars()
                .next()
                .is_some_and(|it| it.is_ascii_alphabetic())
                && name
                    .strip_suffix('!')
                    .unwrap_or(&name)
                    .chars()
                    .all(|it| it.is_ascii_alphanumeric() || it == '_' || it == '-');
            if !valid_name {
                ctx.diag(Diagnostic::error(
                    "invalid-action",
                    line.site_of(0),
                    format!("Invalid Action Name ({name})"),
                ));
                continue;
            }
            let is_reject_action = !reject_action.is_empty() && name == reject_action;
            let mut inline = is_reject_action;
            let options_text = if line.has(1) { line.value(1) } else { "" };
            let options: Vec<String> = if options_text.is_empty() {
                Vec::new()
            } else {
                options_text.split(',').map(str::to_owned).collect()
            };
            let mut problem: Option<String> = None;
            if !options_text.is_empty() {
                if options_text.starts_with(',')
                    || options_text.ends_with(',')
                    || options_text.contains(",,")
                    || options_text.contains("!,")
                {
                    problem = Some(format!("Invalid option list ({options_text})"));
                }
                let mut proto: Option<String> = None;
                let env = Env {
                    family: ctx.model.family,
                    caps: &ctx.model.capabilities,
                    names: &ctx.model.names,
                    helpers_enabled: &helpers_enabled,
                };
                for option in &options {
                    if problem.is_some() {
                        break;
                    }
                    if let Some(state) = option.strip_prefix("state=") {
                        if matches!(
                            state,
                            "NEW" | "ESTABLISHED" | "RELATED" | "INVALID" | "UNTRACKED"
                        ) {
                            if !is_std {
                                problem = Some(
                                    "The 'state' option is reserved for use in the actions.std file"
                                        .to_owned(),
                                );
                            }
                            continue;
                        }
                    }
                    if let Some(value) = option.strip_prefix("proto=").filter(|it| !it.is_empty()) {
                        match resolve_proto(&env, value, 1) {
                            Ok(Some(number)) => proto = Some(number.to_string()),
                            _ => problem = Some(format!("Unknown Protocol ({value})")),
                        }
                        if problem.is_none() && is_reject_action {
                            problem = Some(format!(
                                "A protocol may not be specified on the REJECT_ACTION ({name})"
                            ));
                        }
                    } else if let Some(value) =
                        option.strip_prefix("dport=").filter(|it| !it.is_empty())
                    {
                        match proto.as_deref().filter(|it| *it != "0") {
                            None => {
                                problem = Some(
                                    "The 'dport' option requires the 'proto' option".to_owned(),
                                );
                            }
                            Some(proto) => {
                                if let Err(error) = validate_port(&env, proto, value, 1) {
                                    problem = Some(error.message);
                                } else if is_reject_action {
                                    problem = Some(format!("A destination port may not be specified on the REJECT_ACTION ({name})"));
                                }
                            }
                        }
                    } else if !ACTION_OPTIONS.contains(&option.as_str()) {
                        problem = Some(format!("Invalid option ({option})"));
                    }
                }
                let has = |it: &str| options.iter().any(|option| option == it);
                if problem.is_none() {
                    inline |= has("inline");
                    if (has("noinline") && inline) || (has("inline") && has("builtin")) {
                        problem = Some(format!("Conflicting OPTIONS ({options_text})"));
                    }
                }
            }
            if let Some(message) = problem {
                ctx.diag(Diagnostic::error(
                    "invalid-action",
                    line.site_of(1),
                    message,
                ));
                continue;
            }
            let has = |it: &str| options.iter().any(|option| option == it);
            // A second declaration: only a change between inline and not counts.
            let existing = ctx.model.catalog.action(&name).map(|it| {
                (
                    it.has_option("builtin"),
                    it.is_inline(),
                    it.has_option("noinline"),
                )
            });
            if let Some((existing_builtin, existing_inline, existing_noinline)) = existing {
                let replace = if existing_builtin {
                    ctx.diag(Diagnostic::warning(
                        "invalid-action",
                        line.site_of(0),
                        format!("Duplicate Action Name ({name}) Ignored"),
                    ));
                    false
                } else if !existing_inline && inline {
                    if existing_noinline {
                        ctx.diag(Diagnostic::warning(
                            "invalid-action",
                            line.site_of(1),
                            format!("'inline' option ignored on action {name} -- that action may not be in-lined"),
                        ));
                    }
                    !existing_noinline
                } else {
                    existing_inline && !inline && has("noinline")
                };
                if !replace {
                    continue;
                }
            } else if builtin_target(&name, ctx.model.family).is_some() {
                ctx.diag(Diagnostic::warning(
                    "invalid-action",
                    line.site_of(0),
                    format!("Duplicate Action Name ({name}) Ignored"),
                ));
                continue;
            }
            let builtin = has("builtin");
            if builtin {
                if options.iter().any(|it| it.starts_with("proto=")) {
                    ctx.diag(Diagnostic::warning(
                        "invalid-action",
                        line.site_of(1),
                        "The 'proto' option has no effect when specified on a builtin action",
                    ));
                }
            } else if has("raw") {
                ctx.diag(Diagnostic::error(
                    "invalid-action",
                    line.site_of(1),
                    "The 'raw' table may not be specified for non-builtin actions",
                ));
                continue;
            } else if has("nat") && has("mangle") {
                ctx.diag(Diagnostic::error(
                    "invalid-action",
                    line.site_of(1),
                    "The 'mangle' and 'nat' options are mutually exclusive",
                ));
                continue;
            }
            let description = line
                .record
                .comment()
                .map(|it| it.text().trim_start_matches('#').trim().to_owned())
                .unwrap_or_default();
            let action_file = if builtin {
                None
            } else {
                find_library_file(ctx, &format!("action.{name}"), FileKind::Action)
            };
            if action_file.is_none() && !builtin {
                ctx.diag(Diagnostic::error(
                    "unknown-action",
                    line.site_of(0),
                    format!("Missing Action File (action.{name})"),
                ));
                // Still declared: its uses are not unknown actions too.
            }
            if !is_std {
                ctx.model.definitions.push(Reference {
                    site: line.site_of(0),
                    target: RefTarget::Action(name.clone()),
                });
            }
            let def = ActionDef {
                name: name.clone(),
                options,
                description,
                declared: line.site,
                file: action_file,
                inline: inline && !builtin,
            };
            match ctx
                .model
                .catalog
                .actions
                .iter_mut()
                .find(|it| it.name == name)
            {
                Some(existing) => *existing = def,
                None => ctx.model.catalog.actions.push(def),
            }
        }
    }
    if !reject_action.is_empty() {
        if let Some(site) = ctx.model.settings.site("REJECT_ACTION") {
            let message = match ctx.model.catalog.action(&reject_action) {
                Some(def) if def.inline => None,
                Some(_) => Some(format!("REJECT_ACTION ({reject_action}) is not an action")),
                None if builtin_target(&reject_action, ctx.model.family).is_some() => {
                    Some(format!("REJECT_ACTION ({reject_action}) is not an action"))
                }
                None => Some(format!("REJECT_ACTION ({reject_action}) was not defined")),
            };
            if let Some(message) = message {
                ctx.diag(Diagnostic::error("invalid-setting", site, message));
            }
        }
    }
}

/// The file of macro `name`, if it exists.
pub(crate) fn find_macro(ctx: &mut Ctx<'_>, name: &str) -> Option<FileId> {
    if name.is_empty()
        || !name
            .chars()
            .all(|it| it.is_ascii_alphanumeric() || it == '_' || it == '-')
    {
        return None;
    }
    if let Some(def) = ctx.model.catalog.macro_def(name) {
        return Some(def.file);
    }
    let file = find_library_file(ctx, &format!("macro.{name}"), FileKind::Macro)?;
    ctx.model.catalog.macros.push(MacroDef {
        name: name.to_owned(),
        file,
    });
    Some(file)
}

/// The library directory CONFIG_PATH must hold.
fn library_dir(ctx: &Ctx<'_>) -> &'static str {
    match ctx.model.family {
        Family::Ipv6 => "/usr/share/shorewall6",
        Family::Ipv4 => "/usr/share/shorewall",
    }
}

/// `DROP_DEFAULT` and friends must name actions (or `none`).
pub(crate) fn check_default_actions(ctx: &mut Ctx<'_>) {
    if ctx.catalog_state.library_missing {
        library_missing(ctx);
        return;
    }
    for (option, action) in unknown_default_actions(ctx) {
        let Some(site) = ctx.model.settings.site(option) else {
            continue;
        };
        ctx.diag(Diagnostic::error(
            "unknown-action",
            site,
            format!("Unknown Action ({action}) in {option} setting"),
        ));
    }
}

/// The unknown actions of the `*_DEFAULT` settings, in the order Shorewall checks them
/// (`process_policies`): (setting, action as written).
fn unknown_default_actions(ctx: &Ctx<'_>) -> Vec<(&'static str, String)> {
    let mut res = Vec::new();
    for option in [
        "DROP_DEFAULT",
        "REJECT_DEFAULT",
        "BLACKLIST_DEFAULT",
        "ACCEPT_DEFAULT",
        "QUEUE_DEFAULT",
        "NFQUEUE_DEFAULT",
    ] {
        let value = ctx.model.settings.get(option);
        if value.eq_ignore_ascii_case("none") || value.is_empty() {
            continue;
        }
        for action in split_outside_parens(value.trim_start_matches('+')) {
            let name = action.split([':', '(']).next().unwrap_or("");
            if ctx.model.catalog.action(name).is_none() {
                let written = action.split(':').next().unwrap_or("");
                res.push((option, written.to_owned()));
            }
        }
    }
    res
}

/// CONFIG_PATH without the library directory: Shorewall finds no standard action or macro,
/// which is fine until one is needed. It stops at the first `*_DEFAULT` setting that names
/// one, at the end of the last file it read (`process_policies` runs after the zones,
/// interfaces, hosts and actions files), or else at the first rule that uses one. That is
/// the one error: the other uses are not reported again.
fn library_missing(ctx: &mut Ctx<'_>) {
    let Some((option, action)) = unknown_default_actions(ctx).into_iter().next() else {
        return;
    };
    let last_read = ["actions", "hosts", "interfaces", "zones"]
        .iter()
        .filter_map(|name| ctx.model.config_file(name))
        .find(|id| {
            ctx.model
                .files
                .get(*id)
                .is_some_and(|it| !it.text.trim().is_empty())
        });
    let Some(file) = last_read else {
        return;
    };
    let mut diagnostic = Diagnostic::error(
        "unknown-action",
        ctx.eof_site(file),
        format!(
            "Unknown Action ({action}) in {option} setting{}",
            library_missing_note(ctx)
        ),
    );
    if let Some(site) = ctx.model.settings.site("CONFIG_PATH") {
        diagnostic = diagnostic.with_related(site, "CONFIG_PATH is set here");
    }
    ctx.diag(diagnostic);
    ctx.catalog_state.library_missing_reported = true;
}

/// What to add to the message of the first standard action or macro that is not found.
pub(crate) fn library_missing_note(ctx: &Ctx<'_>) -> String {
    let conf = match ctx.model.family {
        Family::Ipv6 => "shorewall6.conf",
        Family::Ipv4 => "shorewall.conf",
    };
    let line = ctx.model.settings.site("CONFIG_PATH").and_then(|site| {
        let file = ctx.model.files.get(site.file)?;
        Some(file.line_index.line_col(site.range.start()).line + 1)
    });
    let place = line.map_or(String::new(), |line| format!(" ({conf} line {line})"));
    format!(
        ": CONFIG_PATH{place} does not include {}, where the standard actions and macros are",
        library_dir(ctx)
    )
}

/// Splits at commas that are not inside parentheses.
pub(crate) fn split_outside_parens(text: &str) -> Vec<&str> {
    let mut res = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (idx, ch) in text.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                res.push(&text[start..idx]);
                start = idx + 1;
            }
            _ => {}
        }
    }
    res.push(&text[start..]);
    res
}
