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

/// The compiler's error on `model`'s configuration, when the model itself has none (the
/// compiler needs a model free of errors, and the model's errors come first).
///
/// `None` when it compiles, when only the preview refuses it, and when the compiler names no
/// file (a missing shorewall6.conf: the directory may be a lone rules file being edited). An
/// IPv4 configuration is not compiled (the compiler generates ip6tables rules only): only
/// the errors of reading its files are found.
pub fn rejection(model: &Model, env: &Environment<'_>) -> Option<Rejection> {
    if model
        .diagnostics
        .iter()
        .any(|it| it.severity == Severity::Error)
    {
        return None;
    }
    let read = read_rejection(model, env);
    if model.family != Family::Ipv6 {
        return read.map(|(_, it)| it);
    }
    let compiled = lower::compile(model, env)
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
    match (compiled, read) {
        (Some((compiled_at, compiled)), Some((read_at, read))) => Some(if compiled_at < read_at {
            compiled
        } else {
            read
        }),
        (compiled, read) => compiled.or(read).map(|(_, it)| it),
    }
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
