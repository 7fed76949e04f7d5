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
//!   `exit`: ends the loop at the `exit` notification.

mod capabilities;
mod diagnostics;
mod documents;
mod exit;
mod ext;
mod from_proto;
mod handlers;
mod notifications;
mod server;
mod state;
mod to_proto;

use std::{sync::Arc, time::Duration};

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
    let shutdown = runtime.block_on(async {
        let (service, socket) = LspService::new(server::Server::new);
        let state = Arc::clone(service.inner().state());
        let (service, exited) = exit::NotifyOnExit::new(service);
        let stdin = tokio::io::stdin();
        let stdout = tokio::io::stdout();
        let serve = Server::new(stdin, stdout, socket)
            .concurrency_level(CONCURRENCY)
            .serve(service);
        // The loop ends when the client closes stdin or right after `exit`: editors keep stdin
        // open while they wait for the server to go.
        tokio::select! {
            () = serve => {}
            () = exited.notified() => {}
        }
        state.was_shut_down()
    });
    // Analyses still running for a client that is gone are not waited for.
    runtime.shutdown_timeout(Duration::from_millis(100));
    if shutdown {
        0
    } else {
        1
    }
}
