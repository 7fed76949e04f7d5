//! Whether Shorewall 5.2.8 rejects a configuration the model finds no error in: the compile
//! stage of `check` and of the language server's diagnostics.
//!
//! The model does not read every file the compiler reads (masq, snat, conntrack, nat, netmap,
//! mangle, accounting, maclist, tunnels...), so a mistake there shows only when the
//! configuration is lowered. A refusal of the preview ([`FatalKind::Unsupported`]) is no
//! rejection: Shorewall accepts the configuration.

use std::path::PathBuf;

use shorewall_syntax::Family;

use crate::model::{Environment, Model, Severity, Site};

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
/// `None` when it compiles, when only the preview refuses it, when the compiler names no
/// file (a missing shorewall6.conf: the directory may be a lone rules file being edited), and
/// for an IPv4 configuration (the compiler generates ip6tables rules only).
pub fn rejection(model: &Model, env: &Environment<'_>) -> Option<Rejection> {
    if model.family != Family::Ipv6
        || model
            .diagnostics
            .iter()
            .any(|it| it.severity == Severity::Error)
    {
        return None;
    }
    let failure = lower::compile(model, env).err()?;
    if failure.kind == FatalKind::Unsupported {
        return None;
    }
    let place = match (failure.place, failure.site) {
        (Some((path, line)), _) => Place::Line(path, line),
        (None, Some(site)) => Place::Site(site),
        (None, None) => return None,
    };
    Some(Rejection {
        message: failure.message,
        place,
    })
}
