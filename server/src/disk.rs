//! The real file system as a [`Vfs`], with the limits that keep a hostile directory from hanging
//! us: only regular files, at most [`MAX_FILE_SIZE`] bytes, UTF-8 only. Also the host's Shorewall
//! library directories and name tables, found once.

use std::{
    fs,
    io::Read,
    path::{Path, PathBuf},
    sync::Arc,
};

use crate::model::{NameTables, ReadError, Vfs};
use shorewall_syntax::Family;

/// The largest configuration file we read: Shorewall files are small, and anything bigger is a
/// mistake (a log file, a disk image) that must not hang the tool.
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// Reads files from disk.
#[derive(Debug, Clone, Copy, Default)]
pub struct DiskVfs;

impl Vfs for DiskVfs {
    fn read(&self, path: &Path) -> Result<Arc<str>, ReadError> {
        read_text(path).map(Arc::from)
    }

    fn exists(&self, path: &Path) -> bool {
        fs::metadata(path).is_ok_and(|it| it.is_file())
    }

    fn list_dir(&self, dir: &Path) -> Vec<String> {
        let Ok(entries) = fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut res: Vec<String> = entries
            .flatten()
            .filter(|it| it.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()))
            .filter_map(|it| it.file_name().to_str().map(str::to_owned))
            .collect();
        res.sort();
        res
    }
}

/// Reads a configuration file as text, refusing what is not a regular file (a FIFO, a device,
/// a directory), too large, or not UTF-8.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    let meta = fs::metadata(path).map_err(|it| match it.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound,
        _ => ReadError::Other(it.to_string()),
    })?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit: MAX_FILE_SIZE,
        });
    }
    // Read at most the limit even if the file grows meanwhile.
    let file = fs::File::open(path).map_err(|it| ReadError::Other(it.to_string()))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|it| ReadError::Other(it.to_string()))?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit: MAX_FILE_SIZE,
        });
    }
    String::from_utf8(bytes).map_err(|it| ReadError::NotUtf8 {
        offset: it.utf8_error().valid_up_to(),
    })
}

/// The host's Shorewall library directories for a family, when Shorewall is installed.
pub fn library_dirs(family: Family) -> Vec<PathBuf> {
    let candidates: &[&str] = match family {
        Family::Ipv6 => &["/usr/share/shorewall6", "/usr/share/shorewall"],
        Family::Ipv4 => &["/usr/share/shorewall"],
    };
    let installed = Path::new("/usr/share/shorewall/actions.std").is_file();
    if !installed {
        return Vec::new();
    }
    candidates
        .iter()
        .map(PathBuf::from)
        .filter(|it| it.is_dir())
        .collect()
}

/// The host's service and protocol names, or the built-in ones.
pub fn name_tables() -> NameTables {
    match (
        read_text(Path::new("/etc/services")),
        read_text(Path::new("/etc/protocols")),
    ) {
        (Ok(services), Ok(protocols)) => NameTables::parse(&services, &protocols),
        _ => NameTables::builtin(),
    }
}
