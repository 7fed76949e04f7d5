//! How the model reads files: through a [`Vfs`] the caller provides, so the model itself does
//! no IO. The CLI reads the disk, the language server overlays open documents on the disk, and
//! tests use an in-memory map.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    sync::Arc,
};

/// Why a file could not be read, in words for a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    NotFound,
    NotAFile,
    TooLarge { size: u64, limit: u64 },
    NotUtf8 { offset: usize },
    Other(String),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotFound => write!(f, "not found"),
            ReadError::NotAFile => write!(f, "not a regular file"),
            ReadError::TooLarge { size, limit } => {
                write!(f, "too large ({size} bytes; the limit is {limit})")
            }
            ReadError::NotUtf8 { offset } => {
                write!(f, "not UTF-8 text (invalid byte at offset {offset})")
            }
            ReadError::Other(it) => write!(f, "{it}"),
        }
    }
}

/// Read access to files by path.
pub trait Vfs {
    /// The text of the file at `path`.
    fn read(&self, path: &Path) -> Result<Arc<str>, ReadError>;

    /// Whether a regular file exists at `path` (without reading it).
    fn exists(&self, path: &Path) -> bool {
        self.read(path).is_ok()
    }

    /// The names of the entries of directory `dir` (files only), sorted; empty if there is none.
    fn list_dir(&self, dir: &Path) -> Vec<String>;
}

/// An in-memory file system, for tests and for callers that already hold every text.
#[derive(Debug, Clone, Default)]
pub struct MemoryVfs {
    files: BTreeMap<PathBuf, Arc<str>>,
}

impl MemoryVfs {
    pub fn insert(&mut self, path: impl Into<PathBuf>, text: impl Into<Arc<str>>) {
        self.files.insert(path.into(), text.into());
    }

    pub fn with(mut self, path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> MemoryVfs {
        self.insert(path, text);
        self
    }
}

impl Vfs for MemoryVfs {
    fn read(&self, path: &Path) -> Result<Arc<str>, ReadError> {
        self.files.get(path).cloned().ok_or(ReadError::NotFound)
    }

    fn list_dir(&self, dir: &Path) -> Vec<String> {
        self.files
            .keys()
            .filter(|it| it.parent() == Some(dir))
            .filter_map(|it| it.file_name()?.to_str().map(str::to_owned))
            .collect()
    }
}
