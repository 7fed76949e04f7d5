//! The editor features, in editor terms but without the editor protocol: positions are byte
//! offsets ([`TextSize`], [`TextRange`]), files are paths, results are plain data.
//!
//! [`AnalysisHost`] holds the inputs: the open documents (they win over the files on disk) and
//! a revision per configuration directory. [`AnalysisHost::analysis`] takes an immutable
//! snapshot, [`Analysis`], with one method per feature; snapshots are cheap, can be sent to
//! other threads, and share the caches (parses, and one model per directory and revision).
//!
//! One file per feature, each with its tests at the bottom: `diagnostics`, `completion`,
//! `hover`, `goto_definition`, `references`, `rename`, `document_highlight`,
//! `document_symbols`, `folding_ranges`, `highlight` (semantic classification), `code_actions`,
//! `formatting`, `compiled_rules` (the preview), `syntax_tree`. Shared: `db` (inputs and
//! caches), `big_work` (the one thread that parses large files and models their directory),
//! `allocator` (freed memory given back when the server is quiet),
//! `cursor` (the line under the cursor), `resolve` (names and where they occur).

mod allocator;
pub(crate) mod big_work;
pub mod code_actions;
pub mod compiled_rules;
pub mod completion;
mod cursor;
pub mod db;
pub mod diagnostics;
pub mod document_highlight;
pub mod document_symbols;
pub mod folding_ranges;
pub mod formatting;
pub mod goto_definition;
pub mod highlight;
pub mod hover;
mod library;
pub mod references;
pub mod rename;
mod resolve;
pub mod syntax_tree;

#[cfg(test)]
mod fixture;

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use shorewall_syntax::{
    format::{FormatOptions, TextEdit},
    TextRange, TextSize,
};

use crate::ide::db::{Document, HostConfig, Inputs};

/// A place in a file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FilePosition {
    pub path: PathBuf,
    pub offset: TextSize,
}

/// A range of a file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileRange {
    pub path: PathBuf,
    pub range: TextRange,
}

/// Edits to several files (a rename, a code action).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceChange {
    /// Per file, non-overlapping edits in order.
    pub files: Vec<(PathBuf, Vec<TextEdit>)>,
}

/// The inputs of the analysis, changed by the editor.
pub struct AnalysisHost {
    inputs: Inputs,
    next_revision: u64,
}

impl AnalysisHost {
    pub fn new(config: HostConfig) -> AnalysisHost {
        AnalysisHost {
            inputs: Inputs::new(config),
            next_revision: 1,
        }
    }

    /// Opens or changes a document.
    pub fn set_document(&mut self, path: PathBuf, text: Arc<str>, version: i32) {
        let dir = db::dir_of(&path).to_path_buf();
        Arc::make_mut(&mut self.inputs.documents).insert(path, Document { text, version });
        self.touch(&dir);
    }

    /// Closes a document: the file on disk is what counts again (read again: it may have been
    /// written meanwhile).
    pub fn close_document(&mut self, path: &Path) {
        if Arc::make_mut(&mut self.inputs.documents)
            .remove(path)
            .is_some()
        {
            self.touch(db::dir_of(path));
            let revision = self.inputs.revision(db::dir_of(path));
            self.inputs.forget_disk(revision);
        }
    }

    /// Files changed on disk (saved, created, deleted, changed by another program).
    pub fn files_changed(&mut self, paths: &[PathBuf]) {
        let mut dirs: Vec<&Path> = paths.iter().map(|it| db::dir_of(it)).collect();
        dirs.sort();
        dirs.dedup();
        for dir in dirs {
            let dir = dir.to_path_buf();
            self.touch(&dir);
            let revision = self.inputs.revision(&dir);
            self.inputs.bump_disk(&dir, revision);
        }
    }

    fn touch(&mut self, dir: &Path) {
        let revision = self.next_revision;
        self.next_revision += 1;
        self.inputs.bump(dir, revision);
    }

    /// The text and version of an open document.
    pub fn document(&self, path: &Path) -> Option<(Arc<str>, i32)> {
        self.inputs
            .documents
            .get(path)
            .map(|it| (it.text.clone(), it.version))
    }

    /// The open documents of the directory `dir`, with their versions, sorted by path.
    pub fn documents_in(&self, dir: &Path) -> Vec<(PathBuf, i32)> {
        let mut res: Vec<(PathBuf, i32)> = self
            .inputs
            .documents
            .iter()
            .filter(|(path, _)| db::dir_of(path) == dir)
            .map(|(path, it)| (path.clone(), it.version))
            .collect();
        res.sort();
        res
    }

    /// The revision of a directory: it moves whenever a document or file in it changes.
    pub fn revision(&self, dir: &Path) -> u64 {
        self.inputs.revision(dir)
    }

    /// A snapshot of the current inputs.
    pub fn analysis(&self) -> Analysis {
        Analysis {
            inputs: self.inputs.clone(),
        }
    }
}

/// An immutable snapshot of the inputs, with one method per feature.
#[derive(Clone)]
pub struct Analysis {
    inputs: Inputs,
}

impl Analysis {
    /// The text of a file: the open document's, else the file on disk.
    pub fn file_text(&self, path: &Path) -> Option<Arc<str>> {
        self.inputs.text(path)
    }

    pub fn diagnostics(&self, path: &Path) -> Vec<diagnostics::Diagnostic> {
        diagnostics::diagnostics(&self.inputs, path)
    }

    /// The compiler's error on `dir` when the model has none, else its warnings (see
    /// [`diagnostics::compile_stage`]): the file each is in and the diagnostic.
    pub fn compile_diagnostics(&self, dir: &Path) -> Vec<(PathBuf, diagnostics::Diagnostic)> {
        let (inputs, dir) = (self.inputs.clone(), dir.to_path_buf());
        big_work::run_on_compile_thread(move || diagnostics::compile_stage(&inputs, &dir))
    }

    pub fn completion(&self, position: &FilePosition) -> Vec<completion::CompletionItem> {
        completion::completion(&self.inputs, position)
    }

    /// The documentation of a macro proposed by [`Analysis::completion`] for the directory
    /// `dir` (looked up only when the editor shows the item).
    pub fn macro_documentation(&self, dir: &Path, name: &str) -> Option<String> {
        completion::macro_documentation(&self.inputs, dir, name)
    }

    pub fn hover(&self, position: &FilePosition) -> Option<hover::HoverResult> {
        hover::hover(&self.inputs, position)
    }

    pub fn goto_definition(
        &self,
        position: &FilePosition,
    ) -> Vec<goto_definition::NavigationTarget> {
        goto_definition::goto_definition(&self.inputs, position)
    }

    pub fn references(&self, position: &FilePosition) -> Option<references::ReferenceSearch> {
        references::references(&self.inputs, position)
    }

    /// The range of the name a rename at `position` would change, or why it cannot.
    pub fn prepare_rename(&self, position: &FilePosition) -> Result<FileRange, String> {
        rename::prepare_rename(&self.inputs, position)
    }

    pub fn rename(&self, position: &FilePosition, new_name: &str) -> Result<SourceChange, String> {
        rename::rename(&self.inputs, position, new_name)
    }

    pub fn document_highlight(
        &self,
        position: &FilePosition,
    ) -> Vec<document_highlight::HighlightedRange> {
        document_highlight::document_highlight(&self.inputs, position)
    }

    pub fn document_symbols(&self, path: &Path) -> Vec<document_symbols::Symbol> {
        document_symbols::document_symbols(&self.inputs, path)
    }

    pub fn folding_ranges(&self, path: &Path) -> Vec<folding_ranges::Fold> {
        folding_ranges::folding_ranges(&self.inputs, path)
    }

    pub fn highlight(&self, path: &Path) -> Vec<highlight::HighlightedRange> {
        highlight::highlight(&self.inputs, path)
    }

    pub fn code_actions(&self, range: &FileRange) -> Vec<code_actions::CodeAction> {
        code_actions::code_actions(&self.inputs, range)
    }

    /// The edits that format a file, or only the lines of `range`.
    pub fn format(
        &self,
        path: &Path,
        range: Option<TextRange>,
        options: &FormatOptions,
    ) -> Vec<TextEdit> {
        formatting::format(&self.inputs, path, range, options)
    }

    /// The annotated ip6tables-restore input of the directory of `path`, or the errors (one a
    /// line) that keep it from compiling.
    pub fn preview(&self, path: &Path) -> Result<String, String> {
        compiled_rules::preview(&self.inputs, path)
    }

    /// The syntax tree of a file, as `shorewall-ls syntax` prints it.
    pub fn syntax_tree(&self, path: &Path) -> Option<String> {
        syntax_tree::syntax_tree(&self.inputs, path)
    }
}
