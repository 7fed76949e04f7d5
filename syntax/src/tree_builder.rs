//! A green tree builder without interning.
//!
//! rowan's `GreenNodeBuilder` hashes every token and small node to share identical ones. Our
//! trees are built once per edit and most tokens are short, so the hashing costs more than the
//! memory it saves; this builder makes each node and token directly, except the one-byte
//! tokens (white space, newlines, punctuation), which are most of a file's tokens and are
//! shared through a small table.

use rowan::{GreenNode, GreenToken, NodeOrToken};

use crate::SyntaxKind;

type Element = NodeOrToken<GreenNode, GreenToken>;

#[derive(Default)]
pub(crate) struct TreeBuilder {
    /// The open nodes: their kind and where their first child is in `children`.
    parents: Vec<(SyntaxKind, usize)>,
    children: Vec<Element>,
    /// One-byte tokens made so far, by kind and byte.
    short: Vec<(SyntaxKind, u8, GreenToken)>,
}

impl TreeBuilder {
    pub(crate) fn token(&mut self, kind: SyntaxKind, text: &str) {
        let token = match text.as_bytes() {
            &[byte] => self.short_token(kind, byte, text),
            _ => GreenToken::new(kind.into(), text),
        };
        self.children.push(NodeOrToken::Token(token));
    }

    fn short_token(&mut self, kind: SyntaxKind, byte: u8, text: &str) -> GreenToken {
        if let Some((_, _, token)) = self.short.iter().find(|(k, b, _)| *k == kind && *b == byte) {
            return token.clone();
        }
        let token = GreenToken::new(kind.into(), text);
        self.short.push((kind, byte, token.clone()));
        token
    }

    pub(crate) fn start_node(&mut self, kind: SyntaxKind) {
        self.parents.push((kind, self.children.len()));
    }

    pub(crate) fn finish_node(&mut self) {
        if let Some((kind, first)) = self.parents.pop() {
            let node = GreenNode::new(kind.into(), self.children.drain(first..));
            self.children.push(NodeOrToken::Node(node));
        }
    }

    /// The root: the single node left once every node is finished (an empty `SOURCE_FILE` if
    /// the grammar left something else, which it never does).
    pub(crate) fn finish(mut self) -> GreenNode {
        while !self.parents.is_empty() {
            self.finish_node();
        }
        match (self.children.pop(), self.children.is_empty()) {
            (Some(NodeOrToken::Node(node)), true) => node,
            (last, _) => {
                self.children.extend(last);
                GreenNode::new(SyntaxKind::SOURCE_FILE.into(), self.children)
            }
        }
    }
}
