//! The client's frames, checked before tower-lsp reads them.
//!
//! tower-lsp stops reading at the first frame it cannot decode (its `FramedRead` ends the
//! stream after a decoder error), so one malformed message would end the whole session. Every
//! frame is read here first: a frame with a broken header, an oversized length, or a body that
//! is not a JSON-RPC message is dropped with a warning (a `window/logMessage` and a line on
//! stderr), and reading starts again at the next `Content-Length`; well-formed frames are
//! passed on unchanged.

use std::io::Write;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tower_lsp::{
    jsonrpc::{Request, Response},
    lsp_types::MessageType,
    Client,
};

/// The longest header block: real ones are a line or two.
const MAX_HEADER: usize = 8 * 1024;

/// The largest body: a document at the size limit of files read from disk, JSON-escaped,
/// with room to spare. A larger length is a broken header, not a message to wait for.
const MAX_BODY: usize = 64 * 1024 * 1024;

/// Where a frame's header starts.
const HEADER_NAME: &[u8] = b"Content-Length";

/// Copies the well-formed frames of `input` to `output` until `input` ends, warning `client`
/// about the others.
pub(crate) async fn forward(
    mut input: impl AsyncRead + Unpin,
    mut output: impl AsyncWrite + Unpin,
    client: Client,
) {
    let mut frames = Frames::default();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        while let Some(next) = frames.next() {
            match next {
                Ok(body) => {
                    let header = format!("Content-Length: {}\r\n\r\n", body.len());
                    let written = output.write_all(header.as_bytes()).await;
                    if written.and(output.write_all(&body).await).is_err() {
                        return;
                    }
                }
                Err(warning) => warn(&client, warning).await,
            }
        }
        match input.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(len) => frames
                .buffer
                .extend_from_slice(chunk.get(..len).unwrap_or_default()),
        }
    }
    if frames.buffer.iter().any(|it| !it.is_ascii_whitespace()) {
        warn(&client, "the input ended inside a message".to_owned()).await;
    }
    let _ = output.shutdown().await;
}

async fn warn(client: &Client, warning: String) {
    let message = format!("shorewall-ls: dropped a malformed message: {warning}");
    // Not `eprintln!`, which panics when the client has closed our stderr.
    let _ = writeln!(std::io::stderr(), "{message}");
    client.log_message(MessageType::WARNING, message).await;
}

/// The bytes read so far and the frames in them.
#[derive(Default)]
struct Frames {
    buffer: Vec<u8>,
}

impl Frames {
    /// The next complete frame's body, a warning about a malformed one (dropped), or `None`
    /// when more input is needed.
    fn next(&mut self) -> Option<Result<Vec<u8>, String>> {
        let Some(header_end) = find(&self.buffer, b"\r\n\r\n") else {
            if self.buffer.len() > MAX_HEADER {
                self.resync(1);
                return Some(Err(format!("no header end in {MAX_HEADER} bytes")));
            }
            return None;
        };
        let body_start = header_end + 4;
        let length = match content_length(self.buffer.get(..header_end).unwrap_or_default()) {
            Ok(length) => length,
            Err(warning) => {
                self.resync(1);
                return Some(Err(warning));
            }
        };
        let body_end = body_start + length;
        let Some(body) = self.buffer.get(body_start..body_end) else {
            // A body cut short by the next frame's header would wait forever for bytes that
            // the client, waiting for an answer, never sends.
            let received = self.buffer.get(body_start..).unwrap_or_default();
            let next = next_header(received)?;
            self.buffer.drain(..body_start + next);
            return Some(Err(format!(
                "a body of {next} bytes where the header said {length}"
            )));
        };
        if let Err(warning) = check_body(body) {
            // A body cut short swallows the next header: start again there.
            let restart = next_header(body).map_or(body_end, |it| body_start + it);
            self.buffer.drain(..restart);
            return Some(Err(warning));
        }
        let body = body.to_vec();
        self.buffer.drain(..body_end);
        Some(Ok(body))
    }

    /// Drops bytes up to the next `Content-Length` at or after `from`; without one, keeps
    /// only an end that may be the start of one still arriving.
    fn resync(&mut self, from: usize) {
        let rest = self.buffer.get(from..).unwrap_or_default();
        let cut = match find(rest, HEADER_NAME) {
            Some(at) => from + at,
            None => {
                let partial = (1..HEADER_NAME.len())
                    .rev()
                    .find(|len| rest.ends_with(HEADER_NAME.get(..*len).unwrap_or_default()))
                    .unwrap_or(0);
                self.buffer.len() - partial
            }
        };
        self.buffer.drain(..cut);
    }
}

/// The `Content-Length` of a header block (other fields are ignored).
fn content_length(header: &[u8]) -> Result<usize, String> {
    let text = std::str::from_utf8(header).map_err(|_| "a header that is not ASCII".to_owned())?;
    let mut length = None;
    for line in text.split("\r\n") {
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("a header line without a colon: {line:?}"));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            let value = value.trim();
            length = Some(
                value
                    .parse::<usize>()
                    .map_err(|_| format!("a Content-Length that is not a number: {value:?}"))?,
            );
        }
    }
    match length {
        None => Err("a header without Content-Length".to_owned()),
        Some(it) if it > MAX_BODY => Err(format!(
            "a Content-Length of {it} bytes (the limit is {MAX_BODY})"
        )),
        Some(it) => Ok(it),
    }
}

/// Whether `body` is a JSON-RPC request, notification or response tower-lsp can decode.
fn check_body(body: &[u8]) -> Result<(), String> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|err| format!("not JSON: {err}"))?;
    let request = serde_json::from_value::<Request>(value.clone());
    let response = serde_json::from_value::<Response>(value);
    match (request, response) {
        (Err(err), Err(_)) => Err(format!("not a JSON-RPC 2.0 message: {err}")),
        _ => Ok(()),
    }
}

/// Where a `Content-Length: N\r\n` header line starts in `bytes`. JSON cannot hold one: outside
/// a string the name is not a token, and inside one a raw line break is not allowed.
fn next_header(bytes: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = bytes.get(from..).and_then(|rest| find(rest, HEADER_NAME)) {
        let start = from + at;
        let rest = bytes.get(start + HEADER_NAME.len()..).unwrap_or_default();
        if let Some(value) = rest.strip_prefix(b":") {
            let value = value.trim_ascii_start();
            let digits = value.iter().take_while(|it| it.is_ascii_digit()).count();
            if digits > 0
                && value
                    .get(digits..)
                    .is_some_and(|it| it.starts_with(b"\r\n"))
            {
                return Some(start);
            }
        }
        from = start + 1;
    }
    None
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bodies and warnings `input` yields, fed in one go.
    fn frames(input: &[u8]) -> Vec<Result<String, String>> {
        let mut frames = Frames::default();
        frames.buffer.extend_from_slice(input);
        std::iter::from_fn(|| frames.next())
            .map(|it| it.map(|body| String::from_utf8_lossy(&body).into_owned()))
            .collect()
    }

    const PING: &str = r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#;

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn good_frames_pass_unchanged() {
        let input = format!("{}{}", framed(PING), framed(PING));
        assert_eq!(
            frames(input.as_bytes()),
            vec![Ok(PING.to_owned()), Ok(PING.to_owned())]
        );
        // Header names in any case, other fields ignored, a partial frame waits.
        let input = format!(
            "content-length: {}\r\nContent-Type: application/vscode-jsonrpc\r\n\r\n{PING}Content-Le",
            PING.len()
        );
        assert_eq!(frames(input.as_bytes()), vec![Ok(PING.to_owned())]);
    }

    #[test]
    fn malformed_frames_are_dropped_and_the_next_one_read() {
        let cases = [
            "Content-Lenght: 2\r\n\r\n{}".to_owned(),
            "Content-Length: x\r\n\r\n".to_owned(),
            "Content-Length: 99999999999\r\n\r\n".to_owned(),
            "garbage\r\n\r\n".to_owned(),
            framed("{not json}"),
            framed("{}"),
            framed(r#"{"jsonrpc":"1.0","id":1,"method":"x"}"#),
            // Bodies shorter than announced: the next frame is found inside them, whether
            // the announced length is there or not.
            "Content-Length: 60\r\n\r\n{\"jsonrpc\":".to_owned(),
            "Content-Length: 500\r\n\r\n{\"jsonrpc\":".to_owned(),
        ];
        for case in cases {
            let input = format!("{case}{}", framed(PING));
            let res = frames(input.as_bytes());
            assert_eq!(res.len(), 2, "{case:?}: {res:?}");
            assert!(res[0].is_err(), "{case:?}: {res:?}");
            assert_eq!(res[1], Ok(PING.to_owned()), "{case:?}");
        }
    }

    #[test]
    fn a_malformed_frame_is_reported_a_bounded_number_of_times_however_the_bytes_arrive() {
        let input = format!("Content-Lenght: 2\r\n\r\n{{}}{}", framed(PING));
        for split in 0..input.len() {
            let mut frames = Frames::default();
            let mut res = Vec::new();
            for part in [&input[..split], &input[split..]] {
                frames.buffer.extend_from_slice(part.as_bytes());
                res.extend(std::iter::from_fn(|| frames.next()));
            }
            // The body of a frame whose header is broken may arrive after the header was
            // dropped, and then is garbage of its own.
            assert!((2..=3).contains(&res.len()), "split at {split}: {res:?}");
            assert_eq!(
                res.last(),
                Some(&Ok(PING.as_bytes().to_vec())),
                "split at {split}"
            );
        }
    }

    #[test]
    fn a_header_that_never_ends_is_bounded() {
        let input = format!("{}{}", "x".repeat(MAX_HEADER + 10), framed(PING));
        let res = frames(input.as_bytes());
        assert!(res[0].is_err(), "{res:?}");
        assert_eq!(res.last(), Some(&Ok(PING.to_owned())));
        let mut frames = Frames {
            buffer: vec![b'x'; 3 * MAX_HEADER],
        };
        assert!(matches!(frames.next(), Some(Err(_))));
        assert!(frames.buffer.len() < HEADER_NAME.len());
    }
}
