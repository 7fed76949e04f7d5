//! Tells when the client has sent `exit`. tower-lsp 0.20 marks its service exited there but
//! keeps reading stdin until the client closes it (ebkalderon/tower-lsp#399), while editors
//! (Neovim, VS Code) keep stdin open and wait for the server process to end: without this the
//! server would outlive its editor session until killed.

use std::{
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use tokio::sync::Notify;
use tower_lsp::jsonrpc::{Request, Response};
use tower_service::Service;

/// The protocol service, wrapped so that handling `exit` wakes the returned [`Notify`].
pub(crate) struct NotifyOnExit<S> {
    inner: S,
    exited: Arc<Notify>,
}

impl<S> NotifyOnExit<S> {
    pub(crate) fn new(inner: S) -> (NotifyOnExit<S>, Arc<Notify>) {
        let exited = Arc::new(Notify::new());
        let service = NotifyOnExit {
            inner,
            exited: Arc::clone(&exited),
        };
        (service, exited)
    }
}

type Answer<E> = Pin<Box<dyn Future<Output = Result<Option<Response>, E>> + Send>>;

impl<S> Service<Request> for NotifyOnExit<S>
where
    S: Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = Answer<S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let is_exit = request.method() == "exit";
        let answer = self.inner.call(request);
        let exited = Arc::clone(&self.exited);
        Box::pin(async move {
            let result = answer.await;
            if is_exit {
                // `notify_one` keeps the wake-up for a waiter that comes later.
                exited.notify_one();
            }
            result
        })
    }
}
