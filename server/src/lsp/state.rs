//! What the server holds: the analysis host and the open documents (under one lock that is
//! never held across an `.await`), the negotiated position encoding, the editor's settings; and
//! how a request runs: on a snapshot, in a blocking thread, with a panic turned into an error.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex, MutexGuard,
    },
};

use shorewall_syntax::LineIndex;
use tower_lsp::{
    jsonrpc,
    lsp_types::{Diagnostic, MessageType, Url},
    Client,
};

use crate::{
    disk::{self, DiskVfs},
    ide::{db::HostConfig, Analysis, AnalysisHost},
    lsp::{
        ext::Settings, from_proto::PositionEncoding, raw_results::RawResults,
        semantic_tokens::SentTokens,
    },
};

pub(crate) struct State {
    pub(crate) client: Client,
    inner: Mutex<Inner>,
    /// Held while diagnostics are checked for staleness and sent, so that they go out in order.
    pub(crate) publish: tokio::sync::Mutex<()>,
    /// Held while a compile stage runs: one at a time, so that pauses in typing do not start
    /// compilations of a large directory faster than they finish (each holds a model and a
    /// ruleset: under load, VmRSS grew to 150–235 MB).
    pub(crate) compiling: tokio::sync::Mutex<()>,
    shut_down: AtomicBool,
    /// The request method that panics on purpose, from `SHOREWALL_LS_TEST_PANIC`: the protocol
    /// tests show with it that a panic in a handler is answered and survived.
    panic_on: Option<String>,
    /// The documentation of the last completion's items, by label, for `completionItem/resolve`.
    completion_documentation: Mutex<HashMap<String, String>>,
    /// Large results serialized by their handlers, on their way out.
    pub(crate) raw_results: Arc<RawResults>,
    /// The semantic tokens last sent for each document, which a delta is computed from.
    pub(crate) sent_tokens: Arc<SentTokens>,
    /// The last compile-stage findings of each directory (the file each is in, and the error
    /// or warning), shown again with the model's diagnostics until the next compile stage says
    /// otherwise.
    pub(crate) compile_findings: Mutex<HashMap<PathBuf, Vec<(PathBuf, Diagnostic)>>>,
}

pub(crate) struct Inner {
    pub(crate) host: AnalysisHost,
    pub(crate) documents: HashMap<Url, OpenDocument>,
    pub(crate) encoding: PositionEncoding,
    pub(crate) settings: Settings,
    /// Whether the client answers `workspace/configuration`.
    pub(crate) pull_configuration: bool,
    /// Whether the client lets us register file watchers.
    pub(crate) watch_files: bool,
}

/// A document the editor has open.
#[derive(Clone)]
pub(crate) struct OpenDocument {
    pub(crate) path: PathBuf,
    pub(crate) text: Arc<str>,
    pub(crate) version: i32,
    pub(crate) line_index: Arc<LineIndex>,
}

/// What a request works on: an analysis snapshot and what the conversions need.
#[derive(Clone)]
pub(crate) struct Snapshot {
    pub(crate) analysis: Analysis,
    pub(crate) encoding: PositionEncoding,
    pub(crate) settings: Settings,
    open: HashMap<PathBuf, (Url, Arc<LineIndex>)>,
}

impl Snapshot {
    /// The line index of a file: the open document's, else one made from the file's text.
    pub(crate) fn line_index(&self, path: &Path) -> Option<Arc<LineIndex>> {
        if let Some((_, index)) = self.open.get(path) {
            return Some(index.clone());
        }
        let text = self.analysis.file_text(path)?;
        Some(Arc::new(LineIndex::new(&text)))
    }

    /// The URL of a file: the one the editor opened it under, else its `file:` URL.
    pub(crate) fn url(&self, path: &Path) -> Option<Url> {
        match self.open.get(path) {
            Some((url, _)) => Some(url.clone()),
            None => Url::from_file_path(path).ok(),
        }
    }

    /// The path and line index of an open document.
    pub(crate) fn document(&self, url: &Url) -> Option<(PathBuf, Arc<LineIndex>)> {
        let path = super::documents::path_of(url)?;
        let index = self.line_index(&path)?;
        Some((path, index))
    }
}

impl State {
    pub(crate) fn new(client: Client) -> State {
        let config = HostConfig {
            vfs: Arc::new(DiskVfs),
            library_dirs_v4: disk::library_dirs(shorewall_syntax::Family::Ipv4),
            library_dirs_v6: disk::library_dirs(shorewall_syntax::Family::Ipv6),
            names: Arc::new(disk::name_tables()),
        };
        State {
            client,
            inner: Mutex::new(Inner {
                host: AnalysisHost::new(config),
                documents: HashMap::new(),
                encoding: PositionEncoding::Utf16,
                settings: Settings::default(),
                pull_configuration: false,
                watch_files: false,
            }),
            publish: tokio::sync::Mutex::new(()),
            compiling: tokio::sync::Mutex::new(()),
            shut_down: AtomicBool::new(false),
            panic_on: std::env::var("SHOREWALL_LS_TEST_PANIC").ok(),
            completion_documentation: Mutex::new(HashMap::new()),
            compile_findings: Mutex::new(HashMap::new()),
            raw_results: Arc::default(),
            sent_tokens: Arc::default(),
        }
    }

    /// The state, locked. A panic while it was held (a bug) does not make it unusable.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        match self.inner.lock() {
            Ok(it) => it,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    pub(crate) fn completion_documentation(&self) -> MutexGuard<'_, HashMap<String, String>> {
        match self.completion_documentation.lock() {
            Ok(it) => it,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    pub(crate) fn snapshot(&self) -> Snapshot {
        let inner = self.lock();
        inner.snapshot()
    }

    pub(crate) fn set_shut_down(&self) {
        self.shut_down.store(true, Ordering::SeqCst);
    }

    pub(crate) fn was_shut_down(&self) -> bool {
        self.shut_down.load(Ordering::SeqCst)
    }

    /// Runs a request on a snapshot in a blocking thread. A panic is logged and answered with
    /// an internal error; the server goes on.
    pub(crate) async fn run<T, F>(&self, method: &str, f: F) -> jsonrpc::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(Snapshot) -> jsonrpc::Result<T> + Send + 'static,
    {
        let snapshot = self.snapshot();
        let panic_on_purpose = self.panic_on.as_deref() == Some(method);
        let work = move || {
            if panic_on_purpose {
                panic!("SHOREWALL_LS_TEST_PANIC");
            }
            f(snapshot)
        };
        match tokio::task::spawn_blocking(work).await {
            Ok(res) => res,
            Err(error) => {
                let message = match error.try_into_panic() {
                    Ok(payload) => panic_message(payload.as_ref()),
                    Err(error) => error.to_string(),
                };
                let message = format!("{method} failed: {message}");
                self.client.log_message(MessageType::ERROR, &message).await;
                Err(internal_error(message))
            }
        }
    }
}

impl Inner {
    pub(crate) fn snapshot(&self) -> Snapshot {
        Snapshot {
            analysis: self.host.analysis(),
            encoding: self.encoding,
            settings: self.settings.clone(),
            open: self
                .documents
                .iter()
                .map(|(url, it)| (it.path.clone(), (url.clone(), it.line_index.clone())))
                .collect(),
        }
    }
}

/// The text of a panic's payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(it) = payload.downcast_ref::<&str>() {
        (*it).to_owned()
    } else if let Some(it) = payload.downcast_ref::<String>() {
        it.clone()
    } else {
        "a panic".to_owned()
    }
}

pub(crate) fn internal_error(message: impl Into<String>) -> jsonrpc::Error {
    jsonrpc::Error {
        code: jsonrpc::ErrorCode::InternalError,
        message: message.into().into(),
        data: None,
    }
}

/// A request that could not do what it was asked, for a reason of the user's files.
pub(crate) fn request_failed(message: impl Into<String>) -> jsonrpc::Error {
    jsonrpc::Error {
        code: jsonrpc::ErrorCode::ServerError(-32803),
        message: message.into().into(),
        data: None,
    }
}

pub(crate) fn invalid_params(message: impl Into<String>) -> jsonrpc::Error {
    jsonrpc::Error::invalid_params(message.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_a_request_is_an_internal_error() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let (service, _socket) = tower_lsp::LspService::new(crate::lsp::server::Server::new);
            let state = service.inner().state().clone();
            // Not initialized: the log message has nowhere to go, which must not matter.
            let res: jsonrpc::Result<()> = state.run("test", |_| panic!("bug")).await;
            let error = res.err().map(|it| (it.code, it.message.to_string()));
            assert_eq!(
                error,
                Some((
                    jsonrpc::ErrorCode::InternalError,
                    "test failed: bug".to_owned()
                ))
            );
            let res = state.run("test", |_| Ok(1)).await;
            assert_eq!(res.ok(), Some(1));
        });
    }

    #[test]
    fn panic_payloads() {
        let caught = std::panic::catch_unwind(|| panic!("boom {}", 1));
        let message = caught.err().map(|it| panic_message(it.as_ref()));
        assert_eq!(message.as_deref(), Some("boom 1"));
    }
}
