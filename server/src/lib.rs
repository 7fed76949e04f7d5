//! `shorewall-ls`: the semantic model of a Shorewall configuration directory, its diagnostics,
//! the rules → ip6tables compiler, the editor features, the language server and the CLI.
//!
//! Layers, each using only those before it (see `docs/architecture.md`):
//! `syntax` (the `shorewall-syntax` crate) → `model` → `compile` → `ide` → `lsp` and `cli`.

pub mod cli;
pub mod compile;
pub mod disk;
pub mod format_config;
pub mod ide;
pub mod lsp;
pub mod manpages;
pub mod model;
