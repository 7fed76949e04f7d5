//! Whether Shorewall 5.2.8 rejects a configuration the model finds no error in: the compile
//! stage of `check` and of the language server's diagnostics.
//!
//! The model does not read every file the compiler reads (masq, snat, conntrack, nat, netmap,
//! mangle, accounting, maclist, tunnels...), so a mistake there shows only when the
//! configuration is lowered. A refusal of the preview ([`FatalKind::Unsupported`]) is no
//! rejection: Shorewall accepts the configuration. What goes wrong reading those files (an
//! undefined variable, a bad `?IF`) is found for both families, the compiler or not: the
//! files are read in the order Shorewall reads them, under the same conditions.

use std::path::PathBuf;

use shorewall_syntax::Family;

use crate::model::{self, Environment, Model, Severity, Site};

use super::{lower, FatalKind};

/// The diagnostic code of a rejection.
pub const COMPILE_ERROR: &str = "compile-error";

/// Shorewall's error on a configuration and where it stops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub message: String,
    pub place: Place,
}

/// Where a rejection is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// The record, in a file of the model.
    Site(Site),
    /// The line (1-based) of a file the model does not hold.
    Line(PathBuf, u32),
}

/// The diagnostic code of a warning of the compiler.
pub const COMPILE_WARNING: &str = "compile-warning";

/// What the compile stage finds: the compiler's error, or its warnings when it compiles.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CompileStage {
    pub rejection: Option<Rejection>,
    /// The compiler's warnings at a line of a file of the configuration directory, in the
    /// order given.
    pub warnings: Vec<CompileWarning>,
}

/// A warning of the compiler and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileWarning {
    pub message: String,
    pub place: Place,
}

/// The compiler's error on `model`'s configuration (see [`compile_stage`]).
pub fn rejection(model: &Model, env: &Environment<'_>) -> Option<Rejection> {
    compile_stage(model, env).rejection
}

/// The compiler's error on `model`'s configuration, when the model itself has none (the
/// compiler needs a model free of errors, and the model's errors come first), else its
/// warnings.
///
/// No rejection when it compiles, when only the preview refuses it, and when the compiler
/// names no file (a missing shorewall6.conf: the directory may be a lone rules file being
/// edited). An IPv4 configuration is not compiled (the compiler generates ip6tables rules
/// only): only the errors of reading its files are found.
///
/// Of the warnings, those at no line (`zone_report`'s) are dropped, and so are those at a line
/// of a file outside the configuration directory (a library macro or action): the compiler
/// does not say which record of the directory invoked it.
pub fn compile_stage(model: &Model, env: &Environment<'_>) -> CompileStage {
    if model
        .diagnostics
        .iter()
        .any(|it| it.severity == Severity::Error)
    {
        return CompileStage::default();
    }
    let read = read_rejection(model, env);
    if model.family != Family::Ipv6 {
        return CompileStage {
            rejection: read.map(|(_, it)| it),
            warnings: Vec::new(),
        };
    }
    let compiled = lower::compile(model, env);
    let warnings = match (&compiled, &read) {
        (Ok(compiled), None) => compiled
            .warnings
            .iter()
            .filter_map(|it| warning_in_directory(model, it))
            .collect(),
        _ => Vec::new(),
    };
    let compiled = compiled
        .err()
        .filter(|it| it.kind != FatalKind::Unsupported)
        .and_then(|failure| {
            let (place, order) = match (failure.place, failure.site) {
                (Some((path, line)), _) => {
                    let order = reading_order(&path, line);
                    (Place::Line(path, line), order)
                }
                // A record of a file the model reads: the rules, as a rule.
                (None, Some(site)) => (Place::Site(site), (position("rules"), 0)),
                (None, None) => return None,
            };
            let rejection = Rejection {
                message: failure.message,
                place,
            };
            Some((order, rejection))
        });
    let rejection = match (compiled, read) {
        (Some((compiled_at, compiled)), Some((read_at, read))) => Some(if compiled_at < read_at {
            compiled
        } else {
            read
        }),
        (compiled, read) => compiled.or(read).map(|(_, it)| it),
    };
    CompileStage {
        rejection,
        warnings,
    }
}

/// Where a warning of the compiler is, when that is a line of a file of the configuration
/// directory: the record of a file the model does not hold, else the model's record.
fn warning_in_directory(model: &Model, warning: &lower::Warning) -> Option<CompileWarning> {
    let place = match (&warning.place, warning.site) {
        (Some((path, line)), _) => {
            if path.parent() != Some(model.dir.as_path()) {
                return None;
            }
            Place::Line(path.clone(), *line)
        }
        (None, Some(site)) => {
            if model.file(site.file)?.origin != model::Origin::Config {
                return None;
            }
            Place::Site(site)
        }
        (None, None) => return None,
    };
    Some(CompileWarning {
        message: warning.message.clone(),
        place,
    })
}

/// The files the model does not read whose lines Shorewall expands as it compiles, in the
/// order it reads them (`Compiler.pm`); `rules` marks where the model's files come.
const READING_ORDER: &[&str] = &[
    "proxyarp",
    "proxyndp",
    "providers",
    "route_rules",
    "rtrules",
    "routes",
    "masq",
    "snat",
    "nat",
    "netmap",
    "rules",
    "conntrack",
    "tunnels",
    "accounting",
    "mangle",
    "secmarks",
    "ecn",
    "stoppedrules",
];

/// The place of a file in [`READING_ORDER`] (after all of them when it is not there).
fn position(name: &str) -> usize {
    READING_ORDER
        .iter()
        .position(|it| *it == name)
        .unwrap_or(READING_ORDER.len())
}

/// Where an error at `line` of `path` comes in Shorewall's reading.
fn reading_order(path: &std::path::Path, line: u32) -> (usize, u32) {
    let name = path
        .file_name()
        .map(|it| it.to_string_lossy().into_owned())
        .unwrap_or_default();
    (position(&name), line)
}

/// The first error of reading the files of [`READING_ORDER`] that Shorewall reads in this
/// configuration, and where it comes.
fn read_rejection(model: &Model, env: &Environment<'_>) -> Option<((usize, u32), Rejection)> {
    let settings = &model.settings;
    let mangle = !settings.get("MANGLE_ENABLED").eq_ignore_ascii_case("no")
        && model.capabilities.has("MANGLE_ENABLED");
    let mut providers = false;
    let mut masq = false;
    let mut route_rules = false;
    for (order, name) in READING_ORDER.iter().enumerate() {
        let read = match *name {
            "proxyarp" | "ecn" => model.family == Family::Ipv4,
            "proxyndp" => model.family == Family::Ipv6,
            // Read only when the providers file has providers; route_rules wins.
            "route_rules" => providers,
            "rtrules" => providers && !route_rules,
            // A masq file with records is converted into the snat file, which is not read.
            "snat" => !masq,
            "rules" => false,
            "accounting" => !settings.get("ACCOUNTING").eq_ignore_ascii_case("no"),
            "mangle" | "secmarks" => mangle,
            _ => true,
        };
        if !read {
            continue;
        }
        let (records, errors) = model::read_config_file(model, env, name);
        match *name {
            "providers" => providers = !records.is_empty(),
            "masq" => masq = !records.is_empty(),
            "route_rules" => route_rules = !records.is_empty() || !errors.is_empty(),
            _ => {}
        }
        if let Some(error) = errors.into_iter().next() {
            let at = (order, error.line);
            return Some((
                at,
                Rejection {
                    message: error.message,
                    place: Place::Line(error.path, error.line),
                },
            ));
        }
    }
    None
}
