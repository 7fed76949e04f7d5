//! The semantic tokens last sent for each document, so that `semanticTokens/full/delta` can
//! answer with what changed.
//!
//! The tokens of a 10,000-line rules file are about a megabyte of JSON, and editors ask for
//! them again after every edit. With a delta the answer is the few tokens the edit changed:
//! tokens are relative to the one before, so an edit changes the tokens of its lines and the
//! first one after them, and the rest of the array is the same. The edits are found as
//! rust-analyzer does, as the part of the new array between the prefix and the suffix it
//! shares with the old one.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex, MutexGuard,
    },
};

use tower_lsp::lsp_types as lsp;

/// A set of tokens as sent, with its result id.
type Sent = (String, Arc<Vec<lsp::SemanticToken>>);

/// The last full set of tokens sent for each open document.
#[derive(Default)]
pub(crate) struct SentTokens {
    sent: Mutex<HashMap<lsp::Url, Sent>>,
    next_id: AtomicU64,
}

impl SentTokens {
    fn lock(&self) -> MutexGuard<'_, HashMap<lsp::Url, Sent>> {
        match self.sent.lock() {
            Ok(it) => it,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Keeps `tokens` as those sent for `url`; returns their result id.
    pub(crate) fn remember(&self, url: &lsp::Url, tokens: Arc<Vec<lsp::SemanticToken>>) -> String {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed).to_string();
        self.lock().insert(url.clone(), (id.clone(), tokens));
        id
    }

    /// The edits from the tokens sent for `url` as `previous_id` to `tokens`, which are kept
    /// as sent under the returned id; `None` if those are not the tokens kept (the client
    /// then gets the whole set).
    pub(crate) fn delta(
        &self,
        url: &lsp::Url,
        previous_id: &str,
        tokens: Arc<Vec<lsp::SemanticToken>>,
    ) -> Option<lsp::SemanticTokensDelta> {
        let old = {
            let sent = self.lock();
            let (id, old) = sent.get(url)?;
            if id != previous_id {
                return None;
            }
            old.clone()
        };
        let edits = edits(&old, &tokens);
        let id = self.remember(url, tokens);
        Some(lsp::SemanticTokensDelta {
            result_id: Some(id),
            edits,
        })
    }

    /// Forgets the tokens of a closed document.
    pub(crate) fn forget(&self, url: &lsp::Url) {
        self.lock().remove(url);
    }
}

/// The edits that turn `old` into `new`: none if they are equal, else one replacing what lies
/// between their common prefix and suffix. Positions count integers, five a token.
fn edits(old: &[lsp::SemanticToken], new: &[lsp::SemanticToken]) -> Vec<lsp::SemanticTokensEdit> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let room = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    let (old_end, new_end) = (old.len() - suffix, new.len() - suffix);
    if prefix == old_end && prefix == new_end {
        return Vec::new();
    }
    vec![lsp::SemanticTokensEdit {
        start: (5 * prefix) as u32,
        delete_count: (5 * (old_end - prefix)) as u32,
        data: Some(new[prefix..new_end].to_vec()),
    }]
}

#[cfg(test)]
mod tests {
    use tower_lsp::lsp_types as lsp;

    use super::edits;

    fn token(delta_line: u32, delta_start: u32, length: u32) -> lsp::SemanticToken {
        lsp::SemanticToken {
            delta_line,
            delta_start,
            length,
            token_type: 0,
            token_modifiers_bitset: 0,
        }
    }

    /// `old` as integers with `edits` applied, as a client does.
    fn apply(old: &[lsp::SemanticToken], edits: &[lsp::SemanticTokensEdit]) -> Vec<u32> {
        let mut data: Vec<u32> = old
            .iter()
            .flat_map(|it| [it.delta_line, it.delta_start, it.length, 0, 0])
            .collect();
        for edit in edits.iter().rev() {
            let start = edit.start as usize;
            let end = start + edit.delete_count as usize;
            let new = edit
                .data
                .iter()
                .flatten()
                .flat_map(|it| [it.delta_line, it.delta_start, it.length, 0, 0]);
            data.splice(start..end, new);
        }
        data
    }

    #[test]
    fn edits_turn_the_old_tokens_into_the_new() {
        let a = token(0, 0, 6);
        let b = token(0, 7, 3);
        let c = token(1, 0, 6);
        let d = token(0, 7, 4);
        let cases: [(&[lsp::SemanticToken], &[lsp::SemanticToken]); 7] = [
            (&[a, b, c], &[a, b, c]),
            (&[a, b, c], &[a, d, c]),
            (&[a, b, c], &[a, b, d, c]),
            (&[a, b, d, c], &[a, c]),
            (&[], &[a, b]),
            (&[a, b], &[]),
            (&[a, a, a], &[a, a]),
        ];
        for (old, new) in cases {
            let edits = edits(old, new);
            let expected: Vec<u32> = new
                .iter()
                .flat_map(|it| [it.delta_line, it.delta_start, it.length, 0, 0])
                .collect();
            assert_eq!(apply(old, &edits), expected, "{old:?} -> {new:?}");
            assert!(edits.len() <= 1);
            if old == new {
                assert!(edits.is_empty());
            }
        }
        // One token changed: the edit holds that token only.
        let edits = edits(&[a, b, c], &[a, d, c]);
        assert_eq!(edits[0].start, 5);
        assert_eq!(edits[0].delete_count, 5);
        assert_eq!(edits[0].data.as_deref(), Some(&[d][..]));
    }
}
