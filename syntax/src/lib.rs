//! `shorewall-syntax`: Shorewall configuration text to a lossless syntax tree, a typed view of
//! it, and back to text through the formatter.
//!
//! - [`parse`] turns a file's text into a [`Parse`]: a rowan tree whose text is the input byte
//!   for byte, plus the syntax errors found, which live beside the tree.
//! - [`reparse`] makes the parse of an edited text from the parse before the edit, parsing
//!   again only the lines the edit touched, where that gives what [`parse`] would.
//! - [`FileType`] says how to read a text: its [`FileKind`] (from the file name) and its
//!   [`Family`] (from the directory).
//! - [`ast`] gives typed access to records, columns and directives.
//! - [`LineIndex`] converts byte offsets to lines and columns.
//!
//! The crate knows nothing of the file system, the editor protocol, or what a configuration
//! means: those are the server's.

mod file_kind;
mod grammar;
mod lexer;
mod line_index;
mod parser;
mod reparse;
mod syntax_error;
mod syntax_kind;
mod tree_builder;
mod validation;

pub mod ast;
pub mod format;
#[doc(hidden)]
pub mod fuzz;

use rowan::GreenNode;

pub use crate::{
    file_kind::{ColumnKind, ColumnSpec, Family, FileKind, FileType},
    lexer::{lex, LexMode, Token},
    line_index::{LineCol, LineIndex},
    reparse::reparse,
    syntax_error::SyntaxError,
    syntax_kind::{ShorewallLanguage, SyntaxElement, SyntaxKind, SyntaxNode, SyntaxToken},
};
pub use rowan::{TextRange, TextSize};

/// The result of parsing: the green tree and the syntax errors, sorted by position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parse {
    green: GreenNode,
    errors: Vec<SyntaxError>,
    file_type: FileType,
}

impl Parse {
    pub fn syntax(&self) -> SyntaxNode {
        SyntaxNode::new_root(self.green.clone())
    }

    pub fn tree(&self) -> ast::SourceFile {
        ast::SourceFile::cast_root(self.syntax())
    }

    pub fn errors(&self) -> &[SyntaxError] {
        &self.errors
    }

    pub fn file_type(&self) -> FileType {
        self.file_type
    }

    pub fn green(&self) -> &GreenNode {
        &self.green
    }

    /// The tree in rowan's debug format (the `{:#?}` of the root), then the errors one a line
    /// as `LINE:COL: message`, both 1-based, the column counted in characters: the output of
    /// `shorewall-ls syntax` and of the snapshot tests.
    pub fn debug_dump(&self) -> String {
        let mut res = format!("{:#?}", self.syntax());
        if self.errors.is_empty() {
            return res;
        }
        let text = self.syntax().to_string();
        let index = LineIndex::new(&text);
        for error in &self.errors {
            let pos = index.line_col(error.range.start());
            let line_start = index
                .offset(LineCol {
                    line: pos.line,
                    col: 0,
                })
                .map_or(0, usize::from);
            let col = text
                .get(line_start..usize::from(error.range.start()))
                .map_or(pos.col as usize, |it| it.chars().count());
            res.push_str(&format!(
                "{}:{}: {}\n",
                pos.line + 1,
                col + 1,
                error.message
            ));
        }
        res
    }
}

/// The largest text `parse` accepts; longer input is cut to this length by the caller, which
/// should refuse such files with a diagnostic before it gets here.
pub const MAX_TEXT_LEN: usize = u32::MAX as usize;

/// Parses `text` as a file of type `file_type`. Never fails: any input gives a tree whose text is
/// the input, plus the errors found.
pub fn parse(text: &str, file_type: FileType) -> Parse {
    let text = match text.len() {
        len if len > MAX_TEXT_LEN => {
            let mut end = MAX_TEXT_LEN;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            &text[..end]
        }
        _ => text,
    };
    let mode = match file_type.kind {
        FileKind::Params => LexMode::Shell,
        _ => LexMode::Config,
    };
    let tokens = lex(text, mode);
    let mut parser = parser::Parser::new(text, &tokens, file_type);
    grammar::source_file(&mut parser);
    let (green, mut errors) = parser.finish();
    errors.sort_by_key(|it| (it.range.start(), it.range.end()));
    errors.dedup();
    Parse {
        green,
        errors,
        file_type,
    }
}

#[cfg(test)]
mod property_tests;
#[cfg(test)]
mod tests;
