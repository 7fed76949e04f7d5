//! Publishing diagnostics: after every change, for every open document of the directory that
//! changed, with the document's version.
//!
//! A job is computed on a snapshot in a blocking thread. It is published only if its directory
//! has not changed since (a newer job is on its way then), under a lock that also orders it
//! with the other jobs: older diagnostics are never published after newer ones.
//!
//! The compile stage (the compiler's error in a file only it reads, `compile-error`, or its
//! warnings, `compile-warning`) takes the whole configuration's lowering, too slow for every
//! keystroke: once the model's diagnostics are out, it waits for [`COMPILE_DELAY`] without a
//! change to the directory, then runs on a snapshot of that same revision and, if its answer
//! differs from the last one, publishes the documents concerned again, under the same rules.
//! Until then the last answer stands, as a build's errors do in other editors: the model's
//! diagnostics of later versions carry the last compile findings (where the document still
//! has their lines and the model finds no error), so that typing elsewhere in the directory
//! does not make them blink.

use std::{
    panic::{self, AssertUnwindSafe},
    path::PathBuf,
    sync::Arc,
    time::Duration,
};

use tower_lsp::lsp_types::{Diagnostic, DiagnosticSeverity, MessageType, Url};

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
            let lines = snapshot.line_index(&path).map_or(0, |it| it.line_count());
            res.push(Published {
                url,
                path,
                version,
                lines,
                diagnostics: diagnostics.unwrap_or_default(),
            });
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
        let last = state.last_compile_findings(&dir);
        for published in &computed {
            state
                .client
                .publish_diagnostics(
                    published.url.clone(),
                    published.with(&last),
                    Some(published.version),
                )
                .await;
        }
    }
    compile_stage(state, dir, revision, computed).await;
}

/// The compile stage of a job whose model diagnostics (`published`, one per open document of
/// the directory) are out.
async fn compile_stage(state: Arc<State>, dir: PathBuf, revision: u64, published: Vec<Published>) {
    // No snapshot is held while waiting: during a burst of typing, each would keep its
    // revision's texts and trees alive.
    tokio::time::sleep(COMPILE_DELAY).await;
    if !state.is_current(&dir, revision) {
        return;
    }
    let _one_at_a_time = state.compiling.lock().await;
    // The one before may have taken long enough for the directory to change.
    if !state.is_current(&dir, revision) {
        return;
    }
    // The directory is unchanged since `revision`, so a snapshot taken now sees its inputs
    // as they were; a change racing with this is caught before publishing.
    let snapshot = state.snapshot();
    let worker_dir = dir.clone();
    let found = tokio::task::spawn_blocking(move || {
        panic::catch_unwind(AssertUnwindSafe(|| {
            let found: Vec<(PathBuf, Diagnostic)> = snapshot
                .analysis
                .compile_diagnostics(&worker_dir)
                .into_iter()
                .filter_map(|(path, diagnostic)| {
                    let index = snapshot.line_index(&path)?;
                    Some((path, to_proto::diagnostic(&snapshot, &index, diagnostic)))
                })
                .collect();
            found
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
    let found = match found {
        Ok(Ok(it)) => it,
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
    let _order = state.publish.lock().await;
    if !state.is_current(&dir, revision) {
        return;
    }
    let last = state.set_compile_findings(&dir, found.clone());
    if last == found {
        return;
    }
    // The documents whose shown diagnostics change: where the old findings were and where the
    // new ones are.
    for published in &published {
        let concerned =
            |it: &[(PathBuf, Diagnostic)]| it.iter().any(|(path, _)| *path == published.path);
        if concerned(&last) || concerned(&found) {
            state
                .client
                .publish_diagnostics(
                    published.url.clone(),
                    published.with(&found),
                    Some(published.version),
                )
                .await;
        }
    }
}

/// The model's diagnostics of one open document at one version, as published.
pub(crate) struct Published {
    url: Url,
    path: PathBuf,
    version: i32,
    /// The document's number of lines, to tell whether a kept compile finding still fits it.
    lines: u32,
    diagnostics: Vec<Diagnostic>,
}

impl Published {
    /// The diagnostics to show: the model's, and the directory's compile findings that are in
    /// this document, within its lines, when the model finds no error (the compiler only runs
    /// on a configuration the model accepts), except a warning the model gives already on the
    /// same line with the same text.
    fn with(&self, compile_findings: &[(PathBuf, Diagnostic)]) -> Vec<Diagnostic> {
        let mut shown = self.diagnostics.clone();
        let model_error = shown
            .iter()
            .any(|it| it.severity == Some(DiagnosticSeverity::ERROR));
        if model_error {
            return shown;
        }
        for (path, diagnostic) in compile_findings {
            let fits = diagnostic.range.end.line < self.lines.max(1);
            let given = self.diagnostics.iter().any(|it| {
                it.range.start.line == diagnostic.range.start.line
                    && it.message == diagnostic.message
            });
            if *path == self.path && fits && !given {
                shown.push(diagnostic.clone());
            }
        }
        shown
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
    /// The last compile-stage findings of `dir`.
    fn last_compile_findings(&self, dir: &std::path::Path) -> Vec<(PathBuf, Diagnostic)> {
        let Ok(findings) = self.compile_findings.lock() else {
            return Vec::new();
        };
        findings.get(dir).cloned().unwrap_or_default()
    }

    /// Records the compile stage's answer for `dir`; returns the previous one.
    fn set_compile_findings(
        &self,
        dir: &std::path::Path,
        found: Vec<(PathBuf, Diagnostic)>,
    ) -> Vec<(PathBuf, Diagnostic)> {
        let Ok(mut findings) = self.compile_findings.lock() else {
            return Vec::new();
        };
        let last = if found.is_empty() {
            findings.remove(dir)
        } else {
            findings.insert(dir.to_path_buf(), found)
        };
        last.unwrap_or_default()
    }

    /// Whether the directory is still at `revision`.
    pub(crate) fn is_current(&self, dir: &std::path::Path, revision: u64) -> bool {
        self.lock().host.revision(dir) == revision
    }
}
