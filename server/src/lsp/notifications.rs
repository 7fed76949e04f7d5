//! Notifications from the client: documents opened, changed, saved and closed, files changed
//! on disk, settings changed.
//!
//! Each applies its change to the state at once, under the lock and without waiting for
//! anything, so changes are applied in the order they arrive; the diagnostics they call for
//! are computed afterwards, on their own task.

use std::{path::PathBuf, sync::Arc};

use tower_lsp::lsp_types::{
    ConfigurationItem, DidChangeConfigurationParams, DidChangeTextDocumentParams,
    DidChangeWatchedFilesParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, MessageType, Url,
};

use crate::{
    ide::db::dir_of,
    lsp::{
        diagnostics::{self, Job},
        documents::path_of,
        ext,
        state::{panic_message, Inner, OpenDocument, State},
    },
};

pub(crate) fn did_open(state: &Arc<State>, params: DidOpenTextDocumentParams) {
    let document = params.text_document;
    let Some(path) = path_of(&document.uri) else {
        return;
    };
    let jobs = apply(state, |inner| {
        let open = OpenDocument::new(path.clone(), document.text, document.version);
        inner
            .host
            .set_document(path.clone(), open.text.clone(), open.version);
        inner.documents.insert(document.uri, open);
        vec![job(inner, &path)]
    });
    spawn(state, jobs);
}

pub(crate) fn did_change(state: &Arc<State>, params: DidChangeTextDocumentParams) {
    let url = params.text_document.uri;
    let version = params.text_document.version;
    let jobs = apply(state, |inner| {
        let encoding = inner.encoding;
        let Some(document) = inner.documents.get_mut(&url) else {
            return Vec::new();
        };
        document.apply(params.content_changes, version, encoding);
        let (path, text) = (document.path.clone(), document.text.clone());
        inner.host.set_document(path.clone(), text, version);
        vec![job(inner, &path)]
    });
    spawn(state, jobs);
}

pub(crate) fn did_close(state: &Arc<State>, params: DidCloseTextDocumentParams) {
    let url = params.text_document.uri;
    let jobs = apply(state, |inner| {
        let Some(document) = inner.documents.remove(&url) else {
            return Vec::new();
        };
        inner.host.close_document(&document.path);
        // The file on disk counts again for the directory's other documents.
        vec![job(inner, &document.path)]
    });
    state.sent_tokens.forget(&url);
    tokio::spawn(diagnostics::clear(state.clone(), url));
    spawn(state, jobs);
}

pub(crate) fn did_save(state: &Arc<State>, params: DidSaveTextDocumentParams) {
    let Some(path) = path_of(&params.text_document.uri) else {
        return;
    };
    files_changed(state, vec![path]);
}

pub(crate) fn did_change_watched_files(state: &Arc<State>, params: DidChangeWatchedFilesParams) {
    let paths: Vec<PathBuf> = params
        .changes
        .iter()
        .filter_map(|it| path_of(&it.uri))
        .collect();
    files_changed(state, paths);
}

/// Files changed on disk: their directories are read again and re-checked.
fn files_changed(state: &Arc<State>, paths: Vec<PathBuf>) {
    if paths.is_empty() {
        return;
    }
    let jobs = apply(state, |inner| {
        inner.host.files_changed(&paths);
        let mut dirs: Vec<PathBuf> = paths.iter().map(|it| dir_of(it).to_path_buf()).collect();
        dirs.sort();
        dirs.dedup();
        dirs.iter().map(|dir| job_for_dir(inner, dir)).collect()
    });
    spawn(state, jobs);
}

/// New settings: taken from the notification when it carries them, else asked for.
pub(crate) async fn did_change_configuration(
    state: &Arc<State>,
    params: DidChangeConfigurationParams,
) {
    if let Some(settings) = params.settings.get("shorewall") {
        state.lock().settings = ext::parse_settings(settings);
        return;
    }
    pull_configuration(state).await;
}

/// Asks the client for the `shorewall` settings, if it answers such questions.
pub(crate) async fn pull_configuration(state: &Arc<State>) {
    if !state.lock().pull_configuration {
        return;
    }
    let item = ConfigurationItem {
        scope_uri: None,
        section: Some("shorewall".to_owned()),
    };
    match state.client.configuration(vec![item]).await {
        Ok(values) => {
            if let Some(value) = values.first() {
                state.lock().settings = ext::parse_settings(value);
            }
        }
        Err(error) => {
            let message = format!("workspace/configuration failed: {error}");
            state
                .client
                .log_message(MessageType::WARNING, message)
                .await;
        }
    }
}

/// Applies a change under the lock; a panic (a bug) is logged and leaves the state as it was
/// left, usable.
fn apply(state: &Arc<State>, change: impl FnOnce(&mut Inner) -> Vec<Job>) -> Vec<Job> {
    let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut inner = state.lock();
        change(&mut inner)
    }));
    match res {
        Ok(jobs) => jobs,
        Err(payload) => {
            let message = format!(
                "applying a change failed: {}",
                panic_message(payload.as_ref())
            );
            let client = state.client.clone();
            tokio::spawn(async move { client.log_message(MessageType::ERROR, message).await });
            Vec::new()
        }
    }
}

fn spawn(state: &Arc<State>, jobs: Vec<Job>) {
    for job in jobs {
        tokio::spawn(diagnostics::run(state.clone(), job));
    }
}

/// The diagnostics job of the directory of `path`.
fn job(inner: &Inner, path: &std::path::Path) -> Job {
    job_for_dir(inner, dir_of(path))
}

fn job_for_dir(inner: &Inner, dir: &std::path::Path) -> Job {
    let mut documents: Vec<(Url, PathBuf, i32)> = inner
        .documents
        .iter()
        .filter(|(_, it)| dir_of(&it.path) == dir)
        .map(|(url, it)| (url.clone(), it.path.clone(), it.version))
        .collect();
    documents.sort_by(|a, b| a.1.cmp(&b.1));
    Job {
        dir: dir.to_path_buf(),
        revision: inner.host.revision(dir),
        snapshot: inner.snapshot(),
        documents,
    }
}
