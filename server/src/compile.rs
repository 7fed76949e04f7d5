//! The compiler: what ip6tables-restore input Shorewall 5.2.8 generates for a configuration
//! directory (`docs/compile.md` describes the algorithm).
//!
//! Layers: [`ir`] is the ruleset as plain data and [`emit`] prints it; [`chains`] is the
//! working chain table with Shorewall's bookkeeping and [`optimize`] its optimizer;
//! [`capabilities`] says what the target kernel supports.

pub mod accounting;
pub mod actions;
pub mod addresses;
pub mod beside;
pub mod capabilities;
pub mod chains;
pub mod checkpoint;
pub mod common;
pub mod config;
pub mod conntrack;
pub mod emit;
pub mod fx_hash;
pub mod ir;
pub mod legacy_files;
pub mod lists;
pub mod log;
pub mod lower;
pub mod maclist;
pub mod mangle;
pub mod matches;
pub mod matrix;
pub mod nat;
pub mod optimize;
pub mod perl_hash;
pub mod policy;
pub mod providers;
pub mod records;
pub mod rejection;
pub mod rules;
pub mod run_time_comments;
pub mod snat;
pub mod static_nat;
pub mod stoppedrules;
pub mod tc;
pub mod tc_complex;
pub mod topology;
pub mod tunnels;

/// Why a compilation stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FatalKind {
    /// Shorewall 5.2.8 rejects the configuration too.
    Error,
    /// Shorewall accepts it, but the preview cannot reproduce what Shorewall makes of it (a
    /// feature it does not implement, or a value only known at run time).
    Unsupported,
}

/// A fatal compilation error: a message in Shorewall's words (`Invalid rate (3/fortnight)`),
/// or the preview's refusal. The lowering attaches the file and line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fatal {
    pub kind: FatalKind,
    pub message: String,
}

impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

pub type Result<T> = std::result::Result<T, Fatal>;

/// `Err` with Shorewall's message for a configuration it rejects.
pub(crate) fn error<T>(message: impl Into<String>) -> Result<T> {
    Err(Fatal {
        kind: FatalKind::Error,
        message: message.into(),
    })
}

/// `Err` with the preview's refusal of something Shorewall accepts.
pub(crate) fn unsupported<T>(message: impl Into<String>) -> Result<T> {
    Err(Fatal {
        kind: FatalKind::Unsupported,
        message: message.into(),
    })
}
