//! The typed view of the tree: thin newtypes over syntax nodes, with accessors that all return
//! `Option` or iterators, because any part of a line may be missing or malformed.

mod ext;
mod nodes;
#[cfg(test)]
mod tests;

pub use self::{ext::*, nodes::*};

use rowan::{NodeOrToken, WalkEvent};

use crate::{SyntaxKind, SyntaxNode, SyntaxToken};

/// A typed node: a syntax node of one or more known kinds.
pub trait AstNode {
    fn can_cast(kind: SyntaxKind) -> bool
    where
        Self: Sized;

    fn cast(node: SyntaxNode) -> Option<Self>
    where
        Self: Sized;

    fn syntax(&self) -> &SyntaxNode;

    /// The node's text without continuation glue (`\` + newline), as Shorewall sees it after
    /// joining lines.
    fn text(&self) -> String {
        significant_text(self.syntax())
    }
}

/// The text of `node` without `LINE_CONTINUATION` glue.
pub fn significant_text(node: &SyntaxNode) -> String {
    // Most nodes hold no continuation: their text is the node's text as it stands, copied
    // without walking the tokens.
    if !node
        .ancestors()
        .any(|it| it.kind() == SyntaxKind::LINE_CONTINUATION)
        && !node
            .descendants()
            .any(|it| it.kind() == SyntaxKind::LINE_CONTINUATION)
    {
        return node.text().to_string();
    }
    let mut res = String::new();
    for token in significant_tokens(node) {
        res.push_str(token.text());
    }
    res
}

/// The tokens of `node` that are not continuation glue, in order.
pub fn significant_tokens(node: &SyntaxNode) -> impl Iterator<Item = SyntaxToken> {
    // One preorder walk that counts the `LINE_CONTINUATION` nodes it is inside, rather than
    // asking each token for its ancestors (which allocates a cursor per ancestor).
    let inside_glue = node
        .ancestors()
        .any(|it| it.kind() == SyntaxKind::LINE_CONTINUATION);
    let mut depth = 0usize;
    node.preorder_with_tokens()
        .filter_map(move |event| match event {
            WalkEvent::Enter(NodeOrToken::Node(it)) => {
                depth += usize::from(it.kind() == SyntaxKind::LINE_CONTINUATION);
                None
            }
            WalkEvent::Leave(NodeOrToken::Node(it)) => {
                depth -= usize::from(it.kind() == SyntaxKind::LINE_CONTINUATION);
                None
            }
            WalkEvent::Enter(NodeOrToken::Token(token)) => {
                (!inside_glue && depth == 0).then_some(token)
            }
            WalkEvent::Leave(NodeOrToken::Token(_)) => None,
        })
}

pub(crate) mod support {
    use super::AstNode;
    use crate::{SyntaxKind, SyntaxNode, SyntaxToken};

    pub(crate) fn child<N: AstNode>(parent: &SyntaxNode) -> Option<N> {
        parent.children().find_map(N::cast)
    }

    pub(crate) fn children<N: AstNode>(parent: &SyntaxNode) -> impl Iterator<Item = N> {
        parent.children().filter_map(N::cast)
    }

    pub(crate) fn token(parent: &SyntaxNode, kind: SyntaxKind) -> Option<SyntaxToken> {
        parent
            .children_with_tokens()
            .filter_map(|it| it.into_token())
            .find(|it| it.kind() == kind)
    }
}
