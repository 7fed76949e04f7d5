//! The compiler: what ip6tables-restore input Shorewall 5.2.8 generates for a configuration
//! directory (`docs/compile.md` describes the algorithm).
//!
//! Layers: [`ir`] is the ruleset as plain data and [`emit`] prints it; [`chains`] is the
//! working chain table with Shorewall's bookkeeping and [`optimize`] its optimizer;
//! [`capabilities`] says what the target kernel supports.

pub mod accounting;
pub mod actions;
pub mod addresses;
pub mod capabilities;
pub mod chains;
pub mod common;
pub mod config;
pub mod conntrack;
pub mod emit;
pub mod fx_hash;
pub mod ir;
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
pub mod rules;
pub mod snat;
pub mod static_nat;
pub mod topology;
pub mod tunnels;

/// A fatal compilation error: a message in Shorewall's words (`Invalid rate (3/fortnight)`).
/// The lowering attaches the file and line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fatal(pub String);

impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub type Result<T> = std::result::Result<T, Fatal>;

/// `Err(Fatal(message))`.
pub(crate) fn error<T>(message: impl Into<String>) -> Result<T> {
    Err(Fatal(message.into()))
}
