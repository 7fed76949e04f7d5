//! Large results written as JSON directly, not as tower-lsp's `serde_json::Value` tree.
//!
//! tower-lsp turns every result into a `Value` before writing it: for the outline of a
//! 10,000-rule file that is some 70,000 maps (50 MB), built, written and freed again, most of
//! the request's time and memory the allocator keeps afterwards. So the handlers of large
//! results (completion, document symbols, semantic tokens, folding) serialize the result
//! themselves, in their blocking thread, and [`RawResults::stash`] it under a marker; they
//! answer tower-lsp with a stand-in result that holds only the marker (in a string field), and
//! [`write_out`], between tower-lsp and the output, puts the stashed JSON in place of that
//! stand-in result. Requests go through tower-lsp as before (their order with the edits, their
//! cancellation, errors and panics); only the bytes of the result change.

use std::{
    hash::{BuildHasher, RandomState},
    io::Write as _,
    sync::{
        atomic::{AtomicU64, Ordering},
        Mutex,
    },
};

use serde::Serialize;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tower_lsp::jsonrpc;

use crate::lsp::state::internal_error;

/// What a marker starts with (a NUL keeps it apart from any name a result could hold).
const MARKER: &str = "\u{0}shorewall-ls:result:";

/// The same as the JSON text of a string.
const MARKER_JSON: &[u8] = b"\\u0000shorewall-ls:result:";

/// A frame whose body is longer is a real result, never a stand-in.
const MAX_STAND_IN: usize = 1024;

/// How many results may wait for their frame: a stand-in whose frame never comes (the request
/// cancelled just then) must not keep its result for ever.
const MAX_WAITING: usize = 64;

/// The results serialized by handlers, waiting for their stand-in's frame.
pub(crate) struct RawResults {
    waiting: Mutex<Vec<(String, Chunks)>>,
    /// Makes markers unguessable: a client cannot forge one into a result it echoes.
    key: u64,
    next: AtomicU64,
}

impl Default for RawResults {
    fn default() -> RawResults {
        RawResults {
            waiting: Mutex::new(Vec::new()),
            key: RandomState::new().hash_one(std::process::id()),
            next: AtomicU64::new(0),
        }
    }
}

impl RawResults {
    /// Serializes `result` and keeps it; returns the marker its stand-in must hold.
    pub(crate) fn stash(&self, result: &impl Serialize) -> jsonrpc::Result<String> {
        let mut json = Chunks::default();
        // serde_json writes a token at a time: gathered first, they go into the chunks faster.
        let mut writer = std::io::BufWriter::with_capacity(8 * 1024, &mut json);
        serde_json::to_writer(&mut writer, result).map_err(|it| internal_error(it.to_string()))?;
        writer
            .flush()
            .map_err(|it| internal_error(it.to_string()))?;
        drop(writer);
        let number = self.next.fetch_add(1, Ordering::Relaxed);
        let marker = format!("{MARKER}{:016x}{number}", self.key);
        let mut waiting = self.lock();
        if waiting.len() >= MAX_WAITING {
            waiting.remove(0);
        }
        waiting.push((marker.clone(), json));
        Ok(marker)
    }

    /// The JSON of the result stashed under `marker`, taken.
    fn take(&self, marker: &str) -> Option<Chunks> {
        let mut waiting = self.lock();
        let idx = waiting.iter().position(|(it, _)| it == marker)?;
        Some(waiting.remove(idx).1)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(String, Chunks)>> {
        match self.waiting.lock() {
            Ok(it) => it,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The body to write for a frame tower-lsp wrote, in pieces: a response whose result is a
    /// stand-in gets the stashed result instead; anything else is written as it is (`None`).
    fn replace(&self, body: &[u8]) -> Option<Vec<Vec<u8>>> {
        if body.len() > MAX_STAND_IN || !contains(body, MARKER_JSON) {
            return None;
        }
        let message: Value = serde_json::from_slice(body).ok()?;
        let id = message.get("id")?;
        let marker = find_marker(message.get("result")?)?;
        let result = self.take(marker)?;
        let mut end = b",\"id\":".to_vec();
        serde_json::to_writer(&mut end, id).ok()?;
        end.push(b'}');
        let mut res = vec![b"{\"jsonrpc\":\"2.0\",\"result\":".to_vec()];
        res.extend(result.0);
        res.push(end);
        Some(res)
    }
}

/// Bytes in pieces of at most [`CHUNK`]: a result of megabytes in one buffer, grown by doubling
/// and freed after writing, made the allocator keep that much (and more) in every thread
/// that wrote one.
#[derive(Debug, Default, PartialEq, Eq)]
struct Chunks(Vec<Vec<u8>>);

const CHUNK: usize = 32 * 1024;

impl std::io::Write for Chunks {
    fn write(&mut self, mut bytes: &[u8]) -> std::io::Result<usize> {
        let written = bytes.len();
        while !bytes.is_empty() {
            let last = match self.0.last_mut() {
                Some(last) if last.len() < CHUNK => last,
                _ => {
                    self.0.push(Vec::with_capacity(CHUNK));
                    self.0.last_mut().ok_or(std::io::ErrorKind::Other)?
                }
            };
            let (now, rest) = bytes.split_at((CHUNK - last.len()).min(bytes.len()));
            last.extend_from_slice(now);
            bytes = rest;
        }
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The first string in `value` that is a marker.
fn find_marker(value: &Value) -> Option<&str> {
    match value {
        Value::String(it) if it.starts_with(MARKER) => Some(it),
        Value::Array(items) => items.iter().find_map(find_marker),
        Value::Object(map) => map.values().find_map(find_marker),
        _ => None,
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|it| it == needle)
}

/// Copies tower-lsp's frames from `input` to `output` until `input` ends, with stashed
/// results in place of their stand-ins. Frames are written whole, one after the other; a
/// body too long to be a stand-in is copied as it arrives.
pub(crate) async fn write_out(
    mut input: impl AsyncRead + Unpin,
    output: impl AsyncWrite + Unpin,
    results: std::sync::Arc<RawResults>,
) {
    // A frame goes out in a few writes (each a hand-over to another thread for stdout):
    // gathered, it takes one or two.
    let mut output = tokio::io::BufWriter::with_capacity(64 * 1024, output);
    let mut buffer: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    // The bytes of the current body still to copy unchanged.
    let mut passing = 0usize;
    loop {
        loop {
            if passing > 0 {
                let len = passing.min(buffer.len());
                if len == 0 {
                    break;
                }
                if output
                    .write_all(buffer.get(..len).unwrap_or_default())
                    .await
                    .is_err()
                {
                    return;
                }
                buffer.drain(..len);
                passing -= len;
                continue;
            }
            let Some((header_end, length)) = header(&buffer) else {
                break;
            };
            let body_end = header_end + length;
            let (written, consumed) = if length > MAX_STAND_IN {
                passing = length;
                let header = buffer.get(..header_end).unwrap_or_default();
                (output.write_all(header).await, header_end)
            } else if buffer.len() < body_end {
                break;
            } else {
                let body = buffer.get(header_end..body_end).unwrap_or_default();
                let written = match results.replace(body) {
                    Some(pieces) => {
                        let length: usize = pieces.iter().map(Vec::len).sum();
                        let header = format!("Content-Length: {length}\r\n\r\n");
                        let mut written = output.write_all(header.as_bytes()).await;
                        for piece in &pieces {
                            if written.is_ok() {
                                written = output.write_all(piece).await;
                            }
                        }
                        written
                    }
                    None => {
                        let frame = buffer.get(..body_end).unwrap_or_default();
                        output.write_all(frame).await
                    }
                };
                (written, body_end)
            };
            if written.is_err() {
                return;
            }
            buffer.drain(..consumed);
        }
        if output.flush().await.is_err() {
            return;
        }
        match input.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(len) => buffer.extend_from_slice(chunk.get(..len).unwrap_or_default()),
        }
    }
    let _ = output.write_all(&buffer).await;
    let _ = output.shutdown().await;
}

/// The length of the header block at the start of `bytes` (as tower-lsp writes them) and the
/// body's length it gives; `None` until the header is complete.
fn header(bytes: &[u8]) -> Option<(usize, usize)> {
    let header_end = bytes.windows(4).position(|it| it == b"\r\n\r\n")? + 4;
    let header = std::str::from_utf8(bytes.get(..header_end)?).unwrap_or("");
    let length = header
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            if !name.trim().eq_ignore_ascii_case("content-length") {
                return None;
            }
            value.trim().parse().ok()
        })
        .unwrap_or(0);
    Some((header_end, length))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame_of(body: &str) -> Vec<u8> {
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    #[test]
    fn a_stand_in_result_gets_the_stashed_json() {
        let results = std::sync::Arc::new(RawResults::default());
        let marker = results.stash(&vec![1, 2, 3]).unwrap();
        let stand_in = serde_json::json!({
            "jsonrpc": "2.0", "result": [{ "label": marker }], "id": 7
        });
        let other =
            r#"{"jsonrpc":"2.0","method":"window/logMessage","params":{"type":3,"message":"hi"}}"#;
        let mut input = frame_of(other);
        input.extend(frame_of(&stand_in.to_string()));
        input.extend(frame_of(other));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let mut output = Vec::new();
        runtime.block_on(write_out(&input[..], &mut output, results.clone()));
        let mut expected = frame_of(other);
        expected.extend(frame_of(r#"{"jsonrpc":"2.0","result":[1,2,3],"id":7}"#));
        expected.extend(frame_of(other));
        assert_eq!(String::from_utf8(output), String::from_utf8(expected));
        // Taken: a second frame with the same marker is written as it is.
        assert_eq!(results.replace(stand_in.to_string().as_bytes()), None);
    }

    #[test]
    fn results_are_kept_in_pieces() {
        let mut chunks = Chunks::default();
        let text = "x".repeat(CHUNK * 2 + 10);
        serde_json::to_writer(&mut chunks, &text).unwrap();
        let lengths: Vec<usize> = chunks.0.iter().map(Vec::len).collect();
        assert_eq!(lengths, vec![CHUNK, CHUNK, 12]);
        assert_eq!(chunks.0.concat(), serde_json::to_vec(&text).unwrap());
    }

    #[test]
    fn an_unknown_marker_is_written_as_it_is() {
        let results = RawResults::default();
        let body = format!(
            r#"{{"jsonrpc":"2.0","result":"{}1","id":1}}"#,
            "\\u0000shorewall-ls:result:"
        );
        assert_eq!(results.replace(body.as_bytes()), None);
    }

    #[test]
    fn old_results_are_dropped() {
        let results = RawResults::default();
        let first = results.stash(&1).unwrap();
        for _ in 0..MAX_WAITING {
            results.stash(&2).unwrap();
        }
        assert_eq!(results.take(&first), None);
    }
}
