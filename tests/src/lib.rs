//! Shared helpers of the black-box tests: where the development environment's `../shared`
//! material (corpus, oracle, manpages) is, and how to skip cleanly where it is not.

pub mod compile_random;
pub mod differential;
pub mod rng;
pub mod ruleset_diff;

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The `shared` directory beside the checkout (or `$SHOREWALL_LS_SHARED`), if it exists.
pub fn shared_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("SHOREWALL_LS_SHARED") {
        let dir = PathBuf::from(dir);
        return dir.is_dir().then_some(dir);
    }
    let dir = workspace_root().join("../shared");
    dir.is_dir().then_some(dir)
}

/// `shared/<sub>` if present; otherwise prints why the calling test is skipped and returns
/// `None`.
pub fn shared_or_skip(sub: &str, test: &str) -> Option<PathBuf> {
    match shared_dir().map(|it| it.join(sub)).filter(|it| it.exists()) {
        Some(path) => Some(path),
        None => {
            eprintln!(
                "SKIP {test}: ../shared/{sub} is not here (set SHOREWALL_LS_SHARED to the \
                 development environment's shared directory to run it)"
            );
            None
        }
    }
}

pub mod fuzzing;
