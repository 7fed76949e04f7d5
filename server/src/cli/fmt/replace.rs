//! Replacing a file's contents atomically: a reader sees the old file or the new one, never a
//! half-written one, and a failure leaves the old file as it was.

use std::{
    fs::{self, File, OpenOptions},
    io::{self, Write},
    os::unix::fs::{MetadataExt, OpenOptionsExt},
    path::{Path, PathBuf},
};

/// Replaces the contents of the file at `path` (the file a symlink points to, if it is one).
pub(crate) fn replace_file(path: &Path, contents: &[u8]) -> io::Result<()> {
    replace_file_with(path, contents, |file, bytes| file.write_all(bytes))
}

/// [`replace_file`], with `write` putting the bytes into the temporary file (tests make it
/// fail). The steps: a new file beside the target, written and synced, given the target's
/// owner (where we may) and permissions, then renamed over the target. On any failure the
/// temporary file is removed and the target is untouched.
pub(crate) fn replace_file_with(
    path: &Path,
    contents: &[u8],
    write: impl FnOnce(&mut File, &[u8]) -> io::Result<()>,
) -> io::Result<()> {
    let target = fs::canonicalize(path)?;
    let meta = fs::metadata(&target)?;
    if !meta.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    let dir = target
        .parent()
        .ok_or_else(|| io::Error::other("no parent directory"))?;
    let (temp_path, mut file) = create_temp(dir, &target)?;
    let res = (|| {
        write(&mut file, contents)?;
        // Only root may give a file away; for anyone else the file stays theirs.
        let _ = std::os::unix::fs::fchown(&file, Some(meta.uid()), Some(meta.gid()));
        file.set_permissions(meta.permissions())?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp_path, &target)?;
        // Make the rename itself durable; not every file system lets a directory be synced.
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    })();
    if res.is_err() {
        let _ = fs::remove_file(&temp_path);
    }
    res
}

/// A new, private file in `dir` named after `target`, which no other process has open.
fn create_temp(dir: &Path, target: &Path) -> io::Result<(PathBuf, File)> {
    let name = target
        .file_name()
        .map(|it| it.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut attempt = 0u32;
    loop {
        let path = dir.join(format!(
            ".{name}.shorewall-ls-{}-{attempt}.tmp",
            std::process::id()
        ));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
        {
            Ok(file) => return Ok((path, file)),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(err) => return Err(err),
        }
    }
}
