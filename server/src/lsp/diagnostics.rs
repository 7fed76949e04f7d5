//! Publishing diagnostics: after every change, for every open document of the directory that
//! changed, with the document's version.
//!
//! A job is computed on a snapshot in a blocking thread. It is published only if its directory
//! has not changed since (a newer job is on its way then), under a lock that also orders it
//! with the other jobs: older diagnostics are never published after newer ones.

use std::{
    panic::{self, AssertUnwindSafe},
    path::PathBuf,
    sync::Arc,
};

use tower_lsp::lsp_types::{MessageType, Url};

use crate::lsp::{
    state::{panic_message, Snapshot, State},
    to_proto,
};

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
            res.push((url, version, diagnostics.unwrap_or_default()));
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
    let _order = state.publish.lock().await;
    if !state.is_current(&dir, revision) {
        return;
    }
    for (url, version, diagnostics) in computed {
        state
            .client
            .publish_diagnostics(url, diagnostics, Some(version))
            .await;
    }
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
