//! The `LanguageServer` implementation: every method delegates to `notifications` or
//! `handlers`.

use std::sync::Arc;

use serde_json::Value;
use tower_lsp::{
    jsonrpc::Result,
    lsp_types::{self as lsp, Registration},
    Client, LanguageServer,
};

use crate::lsp::{capabilities, ext, handlers, notifications, state::State};

pub(crate) struct Server {
    state: Arc<State>,
}

impl Server {
    pub(crate) fn new(client: Client) -> Server {
        Server {
            state: Arc::new(State::new(client)),
        }
    }

    pub(crate) fn state(&self) -> &Arc<State> {
        &self.state
    }
}

/// The files whose changes on disk matter: every file of a Shorewall directory may.
const WATCHED: &str = "**/{shorewall,shorewall6}/**";

#[tower_lsp::async_trait]
impl LanguageServer for Server {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        let encoding = capabilities::position_encoding(&params.capabilities);
        let mut inner = self.state.lock();
        inner.encoding = encoding;
        let workspace = params.capabilities.workspace.as_ref();
        inner.pull_configuration = workspace.and_then(|it| it.configuration) == Some(true);
        inner.watch_files = workspace
            .and_then(|it| it.did_change_watched_files.as_ref())
            .and_then(|it| it.dynamic_registration)
            == Some(true);
        if let Some(options) = &params.initialization_options {
            inner.settings = ext::parse_settings(options);
        }
        Ok(lsp::InitializeResult {
            capabilities: capabilities::server_capabilities(encoding),
            server_info: Some(lsp::ServerInfo {
                name: "shorewall-ls".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
        })
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        if self.state.lock().watch_files {
            let options = lsp::DidChangeWatchedFilesRegistrationOptions {
                watchers: vec![lsp::FileSystemWatcher {
                    glob_pattern: lsp::GlobPattern::String(WATCHED.to_owned()),
                    kind: None,
                }],
            };
            let registration = Registration {
                id: "shorewall-watched-files".to_owned(),
                method: "workspace/didChangeWatchedFiles".to_owned(),
                register_options: serde_json::to_value(options).ok(),
            };
            let _ = self
                .state
                .client
                .register_capability(vec![registration])
                .await;
        }
        notifications::pull_configuration(&self.state).await;
    }

    async fn shutdown(&self) -> Result<()> {
        self.state.set_shut_down();
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        notifications::did_open(&self.state, params);
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        notifications::did_change(&self.state, params);
    }

    async fn did_save(&self, params: lsp::DidSaveTextDocumentParams) {
        notifications::did_save(&self.state, params);
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        notifications::did_close(&self.state, params);
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        notifications::did_change_watched_files(&self.state, params);
    }

    async fn did_change_configuration(&self, params: lsp::DidChangeConfigurationParams) {
        notifications::did_change_configuration(&self.state, params).await;
    }

    async fn completion(
        &self,
        params: lsp::CompletionParams,
    ) -> Result<Option<lsp::CompletionResponse>> {
        handlers::completion(&self.state, params).await
    }

    async fn completion_resolve(&self, item: lsp::CompletionItem) -> Result<lsp::CompletionItem> {
        handlers::completion_resolve(&self.state, item).await
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        handlers::hover(&self.state, params).await
    }

    async fn goto_definition(
        &self,
        params: lsp::GotoDefinitionParams,
    ) -> Result<Option<lsp::GotoDefinitionResponse>> {
        handlers::goto_definition(&self.state, params).await
    }

    async fn references(&self, params: lsp::ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
        handlers::references(&self.state, params).await
    }

    async fn document_highlight(
        &self,
        params: lsp::DocumentHighlightParams,
    ) -> Result<Option<Vec<lsp::DocumentHighlight>>> {
        handlers::document_highlight(&self.state, params).await
    }

    async fn document_symbol(
        &self,
        params: lsp::DocumentSymbolParams,
    ) -> Result<Option<lsp::DocumentSymbolResponse>> {
        handlers::document_symbol(&self.state, params).await
    }

    async fn folding_range(
        &self,
        params: lsp::FoldingRangeParams,
    ) -> Result<Option<Vec<lsp::FoldingRange>>> {
        handlers::folding_range(&self.state, params).await
    }

    async fn semantic_tokens_full(
        &self,
        params: lsp::SemanticTokensParams,
    ) -> Result<Option<lsp::SemanticTokensResult>> {
        handlers::semantic_tokens_full(&self.state, params).await
    }

    async fn semantic_tokens_full_delta(
        &self,
        params: lsp::SemanticTokensDeltaParams,
    ) -> Result<Option<lsp::SemanticTokensFullDeltaResult>> {
        handlers::semantic_tokens_full_delta(&self.state, params).await
    }

    async fn semantic_tokens_range(
        &self,
        params: lsp::SemanticTokensRangeParams,
    ) -> Result<Option<lsp::SemanticTokensRangeResult>> {
        handlers::semantic_tokens_range(&self.state, params).await
    }

    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> Result<Option<lsp::CodeActionResponse>> {
        handlers::code_action(&self.state, params).await
    }

    async fn formatting(
        &self,
        params: lsp::DocumentFormattingParams,
    ) -> Result<Option<Vec<lsp::TextEdit>>> {
        handlers::formatting(&self.state, params).await
    }

    async fn range_formatting(
        &self,
        params: lsp::DocumentRangeFormattingParams,
    ) -> Result<Option<Vec<lsp::TextEdit>>> {
        handlers::range_formatting(&self.state, params).await
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> Result<Option<lsp::PrepareRenameResponse>> {
        handlers::prepare_rename(&self.state, params).await
    }

    async fn rename(&self, params: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
        handlers::rename(&self.state, params).await
    }

    async fn execute_command(&self, params: lsp::ExecuteCommandParams) -> Result<Option<Value>> {
        handlers::execute_command(&self.state, params).await
    }
}
