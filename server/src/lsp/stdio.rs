//! stdin and stdout as the runtime's own non-blocking pipes or sockets.
//!
//! `tokio::io::stdin()` and `stdout()` do every read and write on a thread of tokio's
//! blocking pool: a request wakes that thread, which wakes a worker, and an answer goes out
//! through another hand-over. When the client gave us a pipe or a socket (editors do: Node
//! and libuv spawn language servers on socket pairs, most others on pipes), the reactor can
//! wait on it directly instead, and a message reaches the server with one wake-up less each
//! way. Anything else (a terminal, a file) keeps tokio's blocking wrappers.
//!
//! The descriptors are duplicated, so the switch to non-blocking mode applies to stdin and
//! stdout themselves; nothing else in the process reads stdin or writes stdout while the
//! server runs.

use std::{
    fs::File,
    io,
    os::{
        fd::{AsFd, OwnedFd},
        unix::fs::FileTypeExt,
    },
    pin::Pin,
    task::{Context, Poll},
};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// What the server reads its messages from.
pub(crate) enum Input {
    Pipe(tokio::net::unix::pipe::Receiver),
    Socket(tokio::net::UnixStream),
    Blocking(tokio::io::Stdin),
}

/// What the server writes its messages to.
pub(crate) enum Output {
    Pipe(tokio::net::unix::pipe::Sender),
    Socket(tokio::net::UnixStream),
    Blocking(tokio::io::Stdout),
}

/// The kinds of descriptor the reactor can wait on.
enum Kind {
    Pipe,
    Socket,
    Other,
}

fn duplicate(fd: impl AsFd) -> io::Result<(OwnedFd, Kind)> {
    let owned = fd.as_fd().try_clone_to_owned()?;
    let file_type = File::from(owned.try_clone()?).metadata()?.file_type();
    let kind = if file_type.is_fifo() {
        Kind::Pipe
    } else if file_type.is_socket() {
        Kind::Socket
    } else {
        Kind::Other
    };
    Ok((owned, kind))
}

fn socket(fd: OwnedFd) -> io::Result<tokio::net::UnixStream> {
    let stream = std::os::unix::net::UnixStream::from(fd);
    stream.set_nonblocking(true)?;
    tokio::net::UnixStream::from_std(stream)
}

/// stdin, driven by the reactor when it can be. Must be called inside the runtime.
pub(crate) fn input() -> Input {
    let direct = match duplicate(io::stdin()) {
        Ok((fd, Kind::Pipe)) => tokio::net::unix::pipe::Receiver::from_owned_fd(fd)
            .map(Input::Pipe)
            .ok(),
        Ok((fd, Kind::Socket)) => socket(fd).map(Input::Socket).ok(),
        Ok((_, Kind::Other)) | Err(_) => None,
    };
    direct.unwrap_or_else(|| Input::Blocking(tokio::io::stdin()))
}

/// stdout, driven by the reactor when it can be. Must be called inside the runtime.
pub(crate) fn output() -> Output {
    let direct = match duplicate(io::stdout()) {
        Ok((fd, Kind::Pipe)) => tokio::net::unix::pipe::Sender::from_owned_fd(fd)
            .map(Output::Pipe)
            .ok(),
        Ok((fd, Kind::Socket)) => socket(fd).map(Output::Socket).ok(),
        Ok((_, Kind::Other)) | Err(_) => None,
    };
    direct.unwrap_or_else(|| Output::Blocking(tokio::io::stdout()))
}

impl AsyncRead for Input {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Input::Pipe(it) => Pin::new(it).poll_read(cx, buf),
            Input::Socket(it) => Pin::new(it).poll_read(cx, buf),
            Input::Blocking(it) => Pin::new(it).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Output {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Output::Pipe(it) => Pin::new(it).poll_write(cx, buf),
            Output::Socket(it) => Pin::new(it).poll_write(cx, buf),
            Output::Blocking(it) => Pin::new(it).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Output::Pipe(it) => Pin::new(it).poll_flush(cx),
            Output::Socket(it) => Pin::new(it).poll_flush(cx),
            Output::Blocking(it) => Pin::new(it).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Output::Pipe(it) => Pin::new(it).poll_shutdown(cx),
            Output::Socket(it) => Pin::new(it).poll_shutdown(cx),
            Output::Blocking(it) => Pin::new(it).poll_shutdown(cx),
        }
    }
}
