//! The language server: the editor protocol over stdin/stdout (tower-lsp 0.20 on tokio).
//!
//! The only module that knows the protocol. It turns positions into byte offsets and back
//! (UTF-16 unless the client offers UTF-8), keeps the open documents, hands every question to
//! the `ide` layer on a snapshot in a blocking thread (so that analysis never holds up the
//! protocol loop, and a panic there becomes an error answer), and publishes diagnostics.
//!
//! - `server`: the `LanguageServer` methods, each a line or two that delegates;
//! - `state`: what the server holds (the analysis host, documents, settings) and how a request
//!   runs on a snapshot;
//! - `documents`: applying edits, paths and URLs; `notifications`: open, change, close, save,
//!   watched files, settings; `diagnostics`: publishing;
//! - `handlers`: one function per request; `from_proto` / `to_proto`: conversions;
//! - `capabilities`: what the server announces; `ext`: the `shorewall.*` commands and settings;
//!   `exit`: ends the loop at the `exit` notification;
//! - `stdio`: stdin and stdout waited on by the reactor rather than tokio's blocking pool;
//! - `framing`: the client's frames checked before tower-lsp reads them, so that a malformed
//!   one is dropped with a warning instead of ending the session;
//! - `raw_results`: large results written as JSON by their handler, not as tower-lsp's `Value`
//!   tree;
//! - `semantic_tokens`: the tokens last sent for each document, for `semanticTokens/full/delta`.

mod capabilities;
mod diagnostics;
mod documents;
mod exit;
mod ext;
mod framing;
mod from_proto;
mod handlers;
mod notifications;
mod raw_results;
mod semantic_tokens;
mod server;
mod state;
#[cfg(unix)]
mod stdio;
mod to_proto;

use std::{sync::Arc, time::Duration};

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp::{LspService, Server};

/// How many requests tower-lsp runs at once. Handlers wait on blocking threads without using
/// the protocol loop, so a few slow ones must not make the next keystroke wait in line.
const CONCURRENCY: usize = 64;

/// Serves the protocol on stdin/stdout until `exit` or until the client goes away. Returns the exit code: 0
/// after a `shutdown` request, 1 otherwise (as the protocol asks).
pub fn run_stdio() -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(it) => it,
        Err(error) => {
            eprintln!("shorewall-ls lsp: cannot start the runtime: {error}");
            return 2;
        }
    };
    #[cfg(unix)]
    let shutdown = runtime.block_on(async { serve(stdio::input(), stdio::output()).await });
    #[cfg(not(unix))]
    let shutdown = runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // Analyses still running for a client that is gone are not waited for.
    runtime.shutdown_timeout(Duration::from_millis(100));
    if shutdown {
        0
    } else {
        1
    }
}

/// Serves the protocol on `input` and `output` until the input ends or the client says
/// `exit`; returns whether a `shutdown` request came.
async fn serve(
    input: impl AsyncRead + Unpin + Send + 'static,
    output: impl AsyncWrite + Unpin + Send + 'static,
) -> bool {
    let (service, socket) = LspService::new(server::Server::new);
    let state = Arc::clone(service.inner().state());
    let (service, exited) = exit::NotifyOnExit::new(service);
    let (checked, checked_input) = tokio::io::duplex(64 * 1024);
    let forward = tokio::spawn(framing::forward(input, checked, state.client.clone()));
    // Everything tower-lsp writes goes through `write_out`, which ends once tower-lsp's end of
    // the pipe is dropped (with `serve`) and what was written is out.
    let (written, written_output) = tokio::io::duplex(64 * 1024);
    let write_out = tokio::spawn(raw_results::write_out(
        written_output,
        output,
        state.raw_results.clone(),
    ));
    {
        let serve = Server::new(checked_input, written, socket)
            .concurrency_level(CONCURRENCY)
            .serve(service);
        // The loop ends when the client closes stdin or right after `exit`: editors keep stdin
        // open while they wait for the server to go.
        tokio::select! {
            () = serve => {}
            () = exited.notified() => {}
        }
    }
    forward.abort();
    let _ = tokio::time::timeout(Duration::from_secs(1), write_out).await;
    state.was_shut_down()
}

/// Serves one whole session in process and returns every byte the server wrote: `first` (the
/// `initialize` request), then, once the server has answered it, as a client waits to,
/// `rest`. Waits for the analyses the session started. The fuzz target `lsp` goes through the
/// server's message path this way.
pub fn serve_bytes(first: &[u8], rest: &[u8]) -> Vec<u8> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return Vec::new();
    };
    let (first, rest) = (first.to_vec(), rest.to_vec());
    let output = runtime.block_on(async move {
        let (mut client_input, server_input) = tokio::io::duplex(64 * 1024);
        let (server_output, mut client_output) = tokio::io::duplex(64 * 1024);
        let (answered, wait_answered) = tokio::sync::oneshot::channel::<()>();
        let collect = tokio::spawn(async move {
            let mut output = Vec::new();
            let mut answered = Some(answered);
            let mut chunk = vec![0u8; 64 * 1024];
            while let Ok(len @ 1..) = client_output.read(&mut chunk).await {
                output.extend_from_slice(chunk.get(..len).unwrap_or_default());
                if let Some(it) = answered.take() {
                    let _ = it.send(());
                }
            }
            output
        });
        let send = tokio::spawn(async move {
            let _ = client_input.write_all(&first).await;
            let _ = wait_answered.await;
            let _ = client_input.write_all(&rest).await;
        });
        serve(server_input, server_output).await;
        let _ = send.await;
        collect.await.unwrap_or_default()
    });
    drop(runtime);
    output
}
