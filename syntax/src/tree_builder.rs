//! The green tree builder.
//!
//! rowan's `GreenNodeBuilder` hashes every token and every small node to share identical ones;
//! on our files that costs more than it saves. This builder shares only what is cheap to
//! recognise and common in Shorewall files: short tokens (`\t`, `:`, `net`, `ACCEPT`, `tcp`),
//! found by their bytes, and nodes with a single child (`PROTO(tcp)`, `PROTO_LIST(PROTO(tcp))`,
//! the `COLUMN` around it), found by the identity of that child. Both live in small
//! direct-mapped tables: a miss just builds a new element. Green trees are immutable, so a
//! shared subtree is indistinguishable from a copy.

use rowan::{GreenNode, GreenToken, NodeOrToken};

use crate::SyntaxKind;

type Element = NodeOrToken<GreenNode, GreenToken>;

/// Slots of each sharing table (a power of two).
const TABLE_SIZE: usize = 1024;

pub(crate) struct TreeBuilder {
    /// The open nodes: their kind and where their first child is in `children`.
    parents: Vec<(SyntaxKind, usize)>,
    children: Vec<Element>,
    /// Tokens of at most 8 bytes: kind, length and bytes packed in a `u64`, and the token.
    tokens: Vec<Option<(SyntaxKind, u8, u64, GreenToken)>>,
    /// Nodes of one child: kind, the child's address, and the node (which keeps the child
    /// alive, so the address cannot be reused by another element while the entry exists).
    nodes: Vec<Option<(SyntaxKind, usize, GreenNode)>>,
}

fn slot(hash: u64) -> usize {
    (hash.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 54) as usize & (TABLE_SIZE - 1)
}

fn element_address(element: &Element) -> usize {
    match element {
        NodeOrToken::Node(node) => &**node as *const rowan::GreenNodeData as usize,
        NodeOrToken::Token(token) => &**token as *const rowan::GreenTokenData as usize,
    }
}

impl TreeBuilder {
    /// A builder for a text of `lines` lines: the root has about two children a line.
    pub(crate) fn new(lines: usize) -> TreeBuilder {
        TreeBuilder {
            parents: Vec::with_capacity(16),
            children: Vec::with_capacity(2 * lines + 16),
            tokens: vec![None; TABLE_SIZE],
            nodes: vec![None; TABLE_SIZE],
        }
    }

    pub(crate) fn token(&mut self, kind: SyntaxKind, text: &str) {
        let token = match text.len() {
            1..=8 => self.short_token(kind, text),
            _ => GreenToken::new(kind.into(), text),
        };
        self.children.push(NodeOrToken::Token(token));
    }

    fn short_token(&mut self, kind: SyntaxKind, text: &str) -> GreenToken {
        // Packed by hand: `copy_from_slice` of a few bytes is a call to `memcpy`.
        let packed = text
            .bytes()
            .enumerate()
            .fold(0u64, |acc, (i, b)| acc | u64::from(b) << (8 * i));
        let len = text.len() as u8;
        let i = slot(packed ^ ((kind as u64) << 56) ^ u64::from(len));
        match &mut self.tokens[i] {
            Some((k, l, p, token)) if *k == kind && *l == len && *p == packed => token.clone(),
            entry => {
                let token = GreenToken::new(kind.into(), text);
                *entry = Some((kind, len, packed, token.clone()));
                token
            }
        }
    }

    pub(crate) fn start_node(&mut self, kind: SyntaxKind) {
        self.parents.push((kind, self.children.len()));
    }

    pub(crate) fn finish_node(&mut self) {
        let Some((kind, first)) = self.parents.pop() else {
            return;
        };
        let node = if self.children.len() == first + 1 {
            self.single_child_node(kind)
        } else {
            GreenNode::new(kind.into(), self.children.drain(first..))
        };
        self.children.push(NodeOrToken::Node(node));
    }

    /// The node of `kind` around the last child, shared with an earlier identical one.
    fn single_child_node(&mut self, kind: SyntaxKind) -> GreenNode {
        let Some(child) = self.children.pop() else {
            return GreenNode::new(kind.into(), std::iter::empty());
        };
        let address = element_address(&child);
        let i = slot(address as u64 ^ ((kind as u64) << 48));
        match &mut self.nodes[i] {
            Some((k, a, node)) if *k == kind && *a == address => node.clone(),
            entry => {
                let node = GreenNode::new(kind.into(), std::iter::once(child));
                *entry = Some((kind, address, node.clone()));
                node
            }
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
