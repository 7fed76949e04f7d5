//! The compiler: what ip6tables-restore input Shorewall 5.2.8 generates for a configuration
//! directory (`docs/compile.md` describes the algorithm).
//!
//! Layers: [`ir`] is the ruleset as plain data and [`emit`] prints it; [`chains`] is the
//! working chain table with Shorewall's bookkeeping and [`optimize`] its optimizer;
//! [`capabilities`] says what the target kernel supports.

pub mod capabilities;
pub mod chains;
pub mod emit;
pub mod ir;
pub mod optimize;
pub mod perl_hash;
