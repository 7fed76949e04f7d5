//! The parser's cursor over tokens and its tree builder.
//!
//! Shorewall files are line oriented, so the unit of work and of recovery is a logical line:
//! physical lines joined by a trailing `\`. Inside a logical line whitespace is significant (it
//! separates columns), so it is not trivia; what *is* skipped by the cursor is the glue of a
//! continuation (`\`, an optional comment, the newline, and indentation Shorewall drops), which
//! is attached to the tree as a `LINE_CONTINUATION` node wherever it falls.
//!
//! The cursor never looks past `limit`, which a grammar function narrows to the tokens of one
//! column or one line, so no sub-grammar can run into the next line.

use rowan::{GreenNode, TextRange, TextSize};

use crate::{lexer::Token, tree_builder::TreeBuilder, FileType, SyntaxError, SyntaxKind};

/// The kind `nth` returns beyond the limit.
pub(crate) const EOF: SyntaxKind = SyntaxKind::__LAST;

pub(crate) struct Parser<'t> {
    text: &'t str,
    tokens: &'t [Token],
    /// `glue[i]` is the number of tokens of the continuation that starts at token `i`, or 0.
    glue: Vec<u32>,
    /// Whether there is any continuation at all: most files have none, and the cursor then
    /// never needs to look at `glue`.
    any_glue: bool,
    pos: usize,
    limit: usize,
    builder: TreeBuilder,
    errors: Vec<SyntaxError>,
    pub(crate) file_type: FileType,
    /// The `?FORMAT` in effect (1 until the file sets one).
    pub(crate) format: u32,
    /// The open `?IF`s: where each is, and the last of `?IF`/`?ELSIF`/`?ELSE` seen for it.
    conditionals: Vec<(TextRange, Conditional)>,
}

/// The conditional directives, whose nesting the parser checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Conditional {
    If,
    Elsif,
    Else,
    Endif,
}

impl<'t> Parser<'t> {
    pub(crate) fn new(text: &'t str, tokens: &'t [Token], file_type: FileType) -> Parser<'t> {
        let glue = continuation_glue(text, tokens);
        let any_glue = glue.iter().any(|&it| it > 0);
        Parser {
            text,
            tokens,
            glue,
            any_glue,
            pos: 0,
            limit: tokens.len(),
            builder: TreeBuilder::new(text.bytes().filter(|&b| b == b'\n').count()),
            errors: Vec::new(),
            file_type,
            format: 1,
            conditionals: Vec::new(),
        }
    }

    pub(crate) fn finish(mut self) -> (GreenNode, Vec<SyntaxError>) {
        for (range, _) in std::mem::take(&mut self.conditionals) {
            self.error("missing ?ENDIF to match this ?IF", range);
        }
        (self.builder.finish(), self.errors)
    }

    /// Whether the cursor is inside a `?IF` block.
    pub(crate) fn in_conditional(&self) -> bool {
        !self.conditionals.is_empty()
    }

    /// Records a conditional directive at `range` and reports what does not nest, as
    /// `Config.pm process_compiler_directive` does.
    pub(crate) fn conditional(&mut self, kind: Conditional, range: TextRange) {
        match kind {
            Conditional::If => self.conditionals.push((range, Conditional::If)),
            Conditional::Elsif | Conditional::Else => match self.conditionals.last_mut() {
                Some((_, last)) if *last != Conditional::Else => *last = kind,
                _ => {
                    let name = if kind == Conditional::Else {
                        "ELSE"
                    } else {
                        "ELSIF"
                    };
                    self.error(format!("?{name} has no matching ?IF"), range);
                }
            },
            Conditional::Endif => {
                if self.conditionals.pop().is_none() {
                    self.error("?ENDIF without matching ?IF", range);
                }
            }
        }
    }

    /// The index of the next significant token at or after `idx`, skipping continuation glue.
    fn skip_glue(&self, mut idx: usize) -> usize {
        if !self.any_glue {
            return idx;
        }
        while idx < self.limit {
            match self.glue.get(idx) {
                Some(&n) if n > 0 => idx += n as usize,
                _ => break,
            }
        }
        idx
    }

    /// The token index of the `n`th significant token ahead, if it is within the limit.
    fn nth_idx(&self, n: usize) -> Option<usize> {
        let mut idx = self.skip_glue(self.pos);
        for _ in 0..n {
            if idx >= self.limit {
                return None;
            }
            idx = self.skip_glue(idx + 1);
        }
        (idx < self.limit).then_some(idx)
    }

    pub(crate) fn nth(&self, n: usize) -> SyntaxKind {
        self.nth_idx(n)
            .and_then(|idx| self.tokens.get(idx))
            .map_or(EOF, |it| it.kind)
    }

    pub(crate) fn nth_text(&self, n: usize) -> &'t str {
        self.nth_idx(n)
            .and_then(|idx| self.tokens.get(idx))
            .map_or("", |it| it.text(self.text))
    }

    pub(crate) fn current(&self) -> SyntaxKind {
        self.nth(0)
    }

    pub(crate) fn current_text(&self) -> &'t str {
        self.nth_text(0)
    }

    pub(crate) fn at(&self, kind: SyntaxKind) -> bool {
        self.current() == kind
    }

    pub(crate) fn at_end(&self) -> bool {
        self.current() == EOF
    }

    /// The position (token index) of the cursor, for grammars that scan ahead.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    pub(crate) fn limit(&self) -> usize {
        self.limit
    }

    pub(crate) fn token_kind(&self, idx: usize) -> SyntaxKind {
        self.tokens.get(idx).map_or(EOF, |it| it.kind)
    }

    pub(crate) fn token_text(&self, idx: usize) -> &'t str {
        self.tokens.get(idx).map_or("", |it| it.text(self.text))
    }

    pub(crate) fn glue_len(&self, idx: usize) -> usize {
        self.glue.get(idx).copied().unwrap_or(0) as usize
    }

    /// The significant token indices from the cursor up to the limit.
    pub(crate) fn significant_indices(&self) -> Vec<usize> {
        self.sig().collect()
    }

    /// The significant token indices from the cursor up to the limit, for random access. Without
    /// continuations (the common case) this is a plain range and allocates nothing.
    pub(crate) fn sig_list(&self) -> SigList {
        if !self.any_glue {
            let start = self.pos.min(self.limit);
            return SigList::Range(start, self.limit);
        }
        SigList::Owned(self.sig().collect())
    }

    /// The significant token indices from the cursor up to the limit, without allocating.
    pub(crate) fn sig(&self) -> Sig<'_, 't> {
        Sig {
            parser: self,
            idx: self.pos,
        }
    }

    /// The first significant token of kind `kind` from the cursor, or the limit.
    pub(crate) fn find(&self, kind: SyntaxKind) -> usize {
        self.sig()
            .find(|&idx| self.token_kind(idx) == kind)
            .unwrap_or(self.limit)
    }

    /// Adds glue that precedes the next significant token to the current node.
    fn flush_glue(&mut self) {
        if !self.any_glue {
            return;
        }
        while self.pos < self.limit {
            let n = self.glue_len(self.pos);
            if n == 0 {
                break;
            }
            self.builder.start_node(SyntaxKind::LINE_CONTINUATION);
            for _ in 0..n {
                self.push_token();
            }
            self.builder.finish_node();
        }
    }

    fn push_token(&mut self) {
        if let Some(token) = self.tokens.get(self.pos) {
            self.builder.token(token.kind, token.text(self.text));
            self.pos += 1;
        }
    }

    /// Adds the next significant token (and the glue before it) to the current node.
    pub(crate) fn bump(&mut self) {
        self.flush_glue();
        if self.pos < self.limit {
            self.push_token();
        }
    }

    /// Bumps every token up to the limit, glue included, joining each run of adjacent tokens of
    /// the kinds `join` into one `WORD`: an address like `2001:db8::1` is one token in the tree
    /// (the lexer cannot tell it from `zone:interface`, the parser can).
    pub(crate) fn bump_rest_joined(&mut self, join: &[SyntaxKind]) {
        while self.pos < self.limit {
            self.flush_glue();
            let start = self.pos;
            let mut end = start;
            while end < self.limit
                && self.glue_len(end) == 0
                && join.contains(&self.token_kind(end))
            {
                end += 1;
            }
            if end - start > 1 {
                let text_start = self.tokens.get(start).map_or(0, |it| it.start as usize);
                let text_end = self.tokens.get(end - 1).map_or(0, |it| it.end as usize);
                let text = self.text.get(text_start..text_end).unwrap_or("");
                self.builder.token(SyntaxKind::WORD, text);
                self.pos = end;
            } else if self.pos < self.limit {
                self.push_token();
            }
        }
        self.flush_glue();
    }

    /// Bumps every token up to the limit, glue included.
    pub(crate) fn bump_rest(&mut self) {
        while self.pos < self.limit {
            self.bump();
        }
        self.flush_glue();
    }

    /// Bumps significant tokens up to (not including) token index `end`.
    pub(crate) fn bump_until(&mut self, end: usize) {
        while self.skip_glue(self.pos) < end.min(self.limit) {
            self.bump();
        }
    }

    pub(crate) fn eat(&mut self, kind: SyntaxKind) -> bool {
        if self.at(kind) {
            self.bump();
            true
        } else {
            false
        }
    }

    pub(crate) fn start_node(&mut self, kind: SyntaxKind) {
        self.flush_glue();
        self.builder.start_node(kind);
    }

    pub(crate) fn finish_node(&mut self) {
        self.builder.finish_node();
    }

    /// Runs `f` with the cursor limited to tokens before index `end`.
    pub(crate) fn with_limit<R>(&mut self, end: usize, f: impl FnOnce(&mut Self) -> R) -> R {
        let saved = self.limit;
        self.limit = end.min(saved);
        let res = f(self);
        self.limit = saved;
        res
    }

    /// The source text in `range` (empty if the range is not in the text).
    pub(crate) fn source(&self, range: TextRange) -> &'t str {
        self.text
            .get(std::ops::Range::<usize>::from(range))
            .unwrap_or("")
    }

    /// The text range of the token at `idx` (empty at the end of the text).
    pub(crate) fn token_range(&self, idx: usize) -> TextRange {
        match self.tokens.get(idx) {
            Some(it) => TextRange::new(it.start.into(), it.end.into()),
            None => TextRange::empty(TextSize::of(self.text)),
        }
    }

    /// The range covering tokens `start..end` (token indices).
    pub(crate) fn tokens_range(&self, start: usize, end: usize) -> TextRange {
        if end <= start {
            return TextRange::empty(self.token_range(start).start());
        }
        self.token_range(start).cover(self.token_range(end - 1))
    }

    pub(crate) fn error(&mut self, message: impl Into<String>, range: TextRange) {
        self.errors.push(SyntaxError::new(message, range));
    }

    /// Reports an error at the next significant token.
    pub(crate) fn error_here(&mut self, message: impl Into<String>) {
        let idx = self.skip_glue(self.pos);
        let range = self.token_range(idx);
        self.error(message, range);
    }

    /// Wraps the rest of the tokens up to the limit in an `ERROR` node with one error.
    pub(crate) fn err_rest(&mut self, message: &str) {
        if self.at_end() {
            return;
        }
        let start = self.skip_glue(self.pos);
        let end = self.limit;
        self.error(message.to_owned(), self.tokens_range(start, end));
        self.start_node(SyntaxKind::ERROR);
        self.bump_rest();
        self.finish_node();
    }

    /// The index of the token that ends the logical line starting at the cursor: the first
    /// `NEWLINE` outside continuation glue, or the end of the tokens.
    pub(crate) fn logical_line_end(&self) -> usize {
        let mut idx = self.pos;
        while let Some(token) = self.tokens.get(idx) {
            let n = self.glue_len(idx);
            if n > 0 {
                idx += n;
                continue;
            }
            if token.kind == SyntaxKind::NEWLINE {
                return idx;
            }
            idx += 1;
        }
        self.tokens.len()
    }

    /// The index of the next `NEWLINE` token (or the end), ignoring continuations.
    pub(crate) fn physical_line_end(&self) -> usize {
        let mut idx = self.pos;
        while let Some(token) = self.tokens.get(idx) {
            if token.kind == SyntaxKind::NEWLINE {
                return idx;
            }
            idx += 1;
        }
        self.tokens.len()
    }

    /// Bumps the raw tokens (no glue processing) up to index `end`.
    pub(crate) fn bump_raw_until(&mut self, end: usize) {
        while self.pos < end.min(self.tokens.len()) {
            self.push_token();
        }
    }
}

/// The significant token indices of a span, indexed from 0.
pub(crate) enum SigList {
    /// Every token index in `start..end`.
    Range(usize, usize),
    Owned(Vec<usize>),
}

impl SigList {
    pub(crate) fn len(&self) -> usize {
        match self {
            SigList::Range(start, end) => end - start,
            SigList::Owned(it) => it.len(),
        }
    }

    /// The token index of the `i`th significant token; `usize::MAX` past the end, which every
    /// token lookup treats as the end of the text.
    pub(crate) fn at(&self, i: usize) -> usize {
        match self {
            SigList::Range(start, end) if start + i < *end => start + i,
            SigList::Range(..) => usize::MAX,
            SigList::Owned(it) => it.get(i).copied().unwrap_or(usize::MAX),
        }
    }
}

/// An iterator over the significant token indices from a position to the parser's limit.
pub(crate) struct Sig<'p, 't> {
    parser: &'p Parser<'t>,
    idx: usize,
}

impl Iterator for Sig<'_, '_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        let idx = self.parser.skip_glue(self.idx);
        if idx >= self.parser.limit {
            return None;
        }
        self.idx = idx + 1;
        Some(idx)
    }
}

/// Finds the line continuations: `\` at the end of a line, optionally followed by a comment
/// (Shorewall strips `\s*#.*` after a trailing backslash first), then the newline. When the text
/// before the backslash ends in `,` or `:`, Shorewall also drops the next line's indentation, so
/// that whitespace is glue too. A continuation into a compiler-directive line ends the record
/// (see below).
fn continuation_glue(text: &str, tokens: &[Token]) -> Vec<u32> {
    use SyntaxKind::*;
    // Most files have no backslash at all: then there is no glue, and no table.
    if !text.contains('\\') {
        return Vec::new();
    }
    let mut glue = vec![0u32; tokens.len()];
    let kind = |idx: usize| tokens.get(idx).map(|it| it.kind);
    for (idx, token) in tokens.iter().enumerate() {
        if token.kind != BACKSLASH {
            continue;
        }
        let mut end = idx + 1;
        match (kind(end), kind(end + 1), kind(end + 2)) {
            (Some(NEWLINE), _, _) => end += 1,
            (Some(COMMENT), Some(NEWLINE), _) => end += 2,
            (Some(WHITESPACE), Some(COMMENT), Some(NEWLINE)) => end += 3,
            _ => continue,
        }
        // The next physical line.
        let mut next = end;
        let indent = kind(next) == Some(WHITESPACE);
        if indent {
            next += 1;
        }
        if let Some(token) = tokens.get(next) {
            if token.kind == DIRECTIVE_NAME && is_line_directive(token.text(text)) {
                // Shorewall reads the directive first and then joins the lines around it, which
                // a line-oriented tree cannot show: the record ends here, and its `\` (with the
                // comment after it) is glue rather than a forbidden backslash.
                if let Some(slot) = glue.get_mut(idx) {
                    *slot = (end - 1 - idx) as u32;
                }
                continue;
            }
        }
        let before = idx.checked_sub(1).and_then(kind);
        if indent && matches!(before, Some(COMMA) | Some(COLON)) {
            end += 1;
        }
        if let Some(slot) = glue.get_mut(idx) {
            *slot = (end - idx) as u32;
        }
    }
    glue
}

/// Whether `?NAME` is one of the directives Shorewall processes line by line, before it joins
/// continued lines.
pub(crate) fn is_line_directive(name: &str) -> bool {
    let upper = name.trim_start_matches('?').to_ascii_uppercase();
    const NAMES: &[&str] = &[
        "IF", "ELSE", "ELSIF", "ENDIF", "SET", "RESET", "FORMAT", "COMMENT", "ERROR", "WARNING",
        "INFO", "REQUIRE",
    ];
    NAMES.iter().any(|it| upper.starts_with(it))
}
