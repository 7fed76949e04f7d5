//! The files a model was built from: each read once, parsed once, and known by a [`FileId`].

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::Arc,
};

use shorewall_syntax::{parse, Family, FileKind, FileType, LineIndex, Parse};

use crate::model::vfs::{ReadError, Vfs};

/// The index of a file in [`Files`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// Where a file comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The configuration directory (or a file it includes).
    Config,
    /// A Shorewall library directory on this machine (`/usr/share/shorewall6`, ...).
    Library,
    /// The copy of Shorewall 5.2.8's library built into shorewall-ls.
    Builtin,
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub kind: FileKind,
    pub origin: Origin,
    pub text: Arc<str>,
    pub parse: Parse,
    pub line_index: LineIndex,
}

/// Parses shared between builds: the language server keeps one, so that a keystroke in one
/// file does not re-parse the others.
pub trait ParseCache {
    fn get(&self, path: &Path, text: &Arc<str>) -> Option<Parse>;
    fn put(&self, path: &Path, text: &Arc<str>, parse: &Parse);

    /// An action body read before ([`read_action_body`](crate::model::read_action_body)),
    /// if the cache keeps them. A cache may keep them only while everything else the reading
    /// depends on stays the same: the texts of the files and the model's settings, params and
    /// capabilities (the language server keeps them for stand-in directories that differ from
    /// each other in one file, which the bodies do not read).
    fn action_body(&self, _key: &ActionBodyKey) -> Option<Arc<ActionBody>> {
        None
    }

    fn put_action_body(&self, _key: ActionBodyKey, _body: Arc<ActionBody>) {}
}

/// What reading an action body depends on besides the texts and the model's settings: the
/// paths of the model's files in order (a [`FileId`] is a place in that list), the action's
/// file and the invocation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ActionBodyKey {
    pub files: Vec<PathBuf>,
    pub file: FileId,
    pub params: Vec<String>,
    pub vars: Vec<(String, String)>,
}

/// An action body as [`read_action_body`](crate::model::read_action_body) returns it.
pub type ActionBody = (Vec<crate::model::BodyItem>, Vec<crate::model::Diagnostic>);

#[derive(Debug, Clone, Default)]
pub struct Files {
    list: Vec<SourceFile>,
    by_path: HashMap<PathBuf, FileId>,
}

impl Files {
    /// Replaces the syntax trees of the files of at least `len` bytes with the tree of an
    /// empty text, keeping their text and line index. Reading a file again needs its tree;
    /// nothing reads a configuration's own files again once the model is built, so a model
    /// that is kept can do without them.
    pub fn drop_large_trees(&mut self, len: usize) {
        for file in &mut self.list {
            if file.text.len() >= len {
                file.parse = shorewall_syntax::parse("", file.parse.file_type());
            }
        }
    }

    /// The paths of the files, in the order of their ids.
    pub fn paths(&self) -> Vec<PathBuf> {
        self.list.iter().map(|it| it.path.clone()).collect()
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.list.get(id.0 as usize)
    }

    pub fn id_of(&self, path: &Path) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.list
            .iter()
            .enumerate()
            .map(|(idx, it)| (FileId(idx as u32), it))
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Adds a file with the given text (or returns the id it already has).
    pub(crate) fn add(
        &mut self,
        path: PathBuf,
        kind: FileKind,
        family: Family,
        origin: Origin,
        text: Arc<str>,
        cache: Option<&dyn ParseCache>,
    ) -> FileId {
        if let Some(id) = self.by_path.get(&path) {
            return *id;
        }
        self.push(path, kind, family, origin, text, cache)
    }

    fn push(
        &mut self,
        path: PathBuf,
        kind: FileKind,
        family: Family,
        origin: Origin,
        text: Arc<str>,
        cache: Option<&dyn ParseCache>,
    ) -> FileId {
        let file_type = FileType::new(kind, family);
        let parse = match cache.and_then(|it| it.get(&path, &text)) {
            Some(parse) if parse.file_type() == file_type => parse,
            _ => {
                let parse = parse(&text, file_type);
                if let Some(cache) = cache {
                    cache.put(&path, &text, &parse);
                }
                parse
            }
        };
        let line_index = LineIndex::new(&text);
        let id = FileId(self.list.len() as u32);
        self.by_path.entry(path.clone()).or_insert(id);
        self.list.push(SourceFile {
            path,
            kind,
            origin,
            text,
            parse,
            line_index,
        });
        id
    }

    /// Reads and adds the file at `path`.
    pub(crate) fn load(
        &mut self,
        vfs: &dyn Vfs,
        path: &Path,
        kind: FileKind,
        family: Family,
        origin: Origin,
        cache: Option<&dyn ParseCache>,
    ) -> Result<FileId, ReadError> {
        if let Some(id) = self.by_path.get(path) {
            let existing = &self.list[id.0 as usize];
            if existing.kind == kind {
                return Ok(*id);
            }
            // The same file read as another kind (`INCLUDE params` in rules): a second entry,
            // parsed as that kind; `id_of` keeps naming the first.
            let text = existing.text.clone();
            let path = existing.path.clone();
            return Ok(self.push(path, kind, family, origin, text, cache));
        }
        let text = vfs.read(path)?;
        Ok(self.add(path.to_path_buf(), kind, family, origin, text, cache))
    }
}
