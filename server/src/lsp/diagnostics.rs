//! Publishing diagnostics: after every change, for every open document of the directory that
//! changed, with the document's version.
//!
//! A job is computed on a snapshot in a blocking thread. It is published only if its directory
//! has not changed since (a newer job is on its way then), under a lock that also orders it
//! with the other jobs: older diagnostics are never published after newer ones.
//!
//! The compile stage (the compiler's error in a file only it reads, `compile-error`) takes
//! the whole configuration's lowering, too slow for every keystroke: once the model's
//! diagnostics are out, it waits for [`COMPILE_DELAY`] without a change to the directory,
//! then runs on a snapshot of that same revision and, if it finds an error in an open document, publishes
//! that document's diagnostics again with it, under the same rules. The next change publishes
//! the model's diagnostics without it, and so clears it once it is fixed.

use std::{
    panic::{self, AssertUnwindSafe},
    path::PathBuf,
    sync::Arc,
    time::Duration,
};

use tower_lsp::lsp_types::{MessageType, Url};

use crate::lsp::{
    state::{panic_message, Snapshot, State},
    to_proto,
};

/// How long the directory must stay unchanged before its compile stage runs: longer than
/// the pause between keystrokes of someone typing.
pub(crate) const COMPILE_DELAY: Duration = Duration::from_millis(300);

/// The diagnostics to compute for one directory at one revision.
pub(crate) struct Job {
    pub(crate) dir: PathBuf,
    pub(crate) revision: u64,
    pub(crate) snapshot: Snapshot,
    /// The open documents of the directory: URL, path and version.
    pub(crate) documents: Vec<(Url, PathBuf, i32)>,
}

/// Computes a job and publishes it if it is still current.
pub(crate) async fn run(state: Arc<State>, job: Job) {
    let Job {
        dir,
        revision,
        snapshot,
        documents,
    } = job;
    if documents.is_empty() {
        return;
    }
    let worker_state = state.clone();
    let worker_dir = dir.clone();
    let computed = tokio::task::spawn_blocking(move || {
        let mut res = Vec::new();
        for (url, path, version) in documents {
            // A later change makes this job useless: stop early.
            if !worker_state.is_current(&worker_dir, revision) {
                return Ok(Vec::new());
            }
            let diagnostics = panic::catch_unwind(AssertUnwindSafe(|| {
                let index = snapshot.line_index(&path)?;
                let res: Vec<_> = snapshot
                    .analysis
                    .diagnostics(&path)
                    .into_iter()
                    .map(|it| to_proto::diagnostic(&snapshot, &index, it))
                    .collect();
                Some(res)
            }))
            .map_err(|it| {
                format!(
                    "diagnostics of {}: {}",
                    path.display(),
                    panic_message(it.as_ref())
                )
            })?;
            res.push((url, path, version, diagnostics.unwrap_or_default()));
        }
        Ok::<_, String>(res)
    })
    .await;
    let computed = match computed {
        Ok(Ok(it)) => it,
        Ok(Err(message)) => {
            state.client.log_message(MessageType::ERROR, message).await;
            return;
        }
        Err(error) => {
            let message = format!("diagnostics failed: {error}");
            state.client.log_message(MessageType::ERROR, message).await;
            return;
        }
    };
    {
        let _order = state.publish.lock().await;
        if !state.is_current(&dir, revision) {
            return;
        }
        for (url, _, version, diagnostics) in &computed {
            state
                .client
                .publish_diagnostics(url.clone(), diagnostics.clone(), Some(*version))
                .await;
        }
    }
    compile_stage(state, dir, revision, computed).await;
}

/// The compile stage of a job whose model diagnostics (`published`: URL, path, version and
/// diagnostics of each open document) are out.
async fn compile_stage(
    state: Arc<State>,
    dir: PathBuf,
    revision: u64,
    published: Vec<(Url, PathBuf, i32, Vec<tower_lsp::lsp_types::Diagnostic>)>,
) {
    // No snapshot is held while waiting: during a burst of typing, each would keep its
    // revision's texts and trees alive.
    tokio::time::sleep(COMPILE_DELAY).await;
    if !state.is_current(&dir, revision) {
        return;
    }
    // The directory is unchanged since `revision`, so a snapshot taken now sees its inputs
    // as they were; a change racing with this is caught before publishing.
    let snapshot = state.snapshot();
    let worker_dir = dir.clone();
    let found = tokio::task::spawn_blocking(move || {
        panic::catch_unwind(AssertUnwindSafe(|| {
            let (path, diagnostic) = snapshot.analysis.compile_diagnostic(&worker_dir)?;
            let index = snapshot.line_index(&path)?;
            Some((path, to_proto::diagnostic(&snapshot, &index, diagnostic)))
        }))
        .map_err(|it| {
            format!(
                "compile diagnostics of {}: {}",
                worker_dir.display(),
                panic_message(it.as_ref())
            )
        })
    })
    .await;
    let (path, diagnostic) = match found {
        Ok(Ok(Some(it))) => it,
        Ok(Ok(None)) => return,
        Ok(Err(message)) => {
            state.client.log_message(MessageType::ERROR, message).await;
            return;
        }
        Err(error) => {
            let message = format!("compile diagnostics failed: {error}");
            state.client.log_message(MessageType::ERROR, message).await;
            return;
        }
    };
    let Some((url, _, version, mut diagnostics)) = published.into_iter().find(|it| it.1 == path)
    else {
        // In a file that is not open: nobody shows it.
        return;
    };
    diagnostics.push(diagnostic);
    let _order = state.publish.lock().await;
    if !state.is_current(&dir, revision) {
        return;
    }
    state
        .client
        .publish_diagnostics(url, diagnostics, Some(version))
        .await;
}

/// Clears the diagnostics of a closed document.
pub(crate) async fn clear(state: Arc<State>, url: Url) {
    let _order = state.publish.lock().await;
    state
        .client
        .publish_diagnostics(url, Vec::new(), None)
        .await;
}

impl State {
    /// Whether the directory is still at `revision`.
    pub(crate) fn is_current(&self, dir: &std::path::Path, revision: u64) -> bool {
        self.lock().host.revision(dir) == revision
    }
}
