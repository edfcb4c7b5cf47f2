//! Durable file writes: the only two ways recall creates or replaces a file.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// Flushes a directory's entry list to disk, so that a rename or a new file
/// in it survives a crash. A no-op where directories cannot be opened.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// Replaces `path` with `bytes` atomically: a reader (or a crash) sees the
/// old file or the new one, never a mix. Writes a temporary file beside it,
/// fsyncs it, renames it over `path`, and fsyncs the directory.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, bytes, || {})
}

/// [`write_atomic`], calling `before_rename` once the temporary file is on
/// disk (the durability tests crash the process there).
pub fn write_atomic_with(
    path: &Path,
    bytes: &[u8],
    before_rename: impl FnOnce(),
) -> io::Result<()> {
    let dir = parent_of(path);
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file path"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".tmp-{}", std::process::id()));
    let tmp = dir.join(tmp_name);
    let result = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        before_rename();
        fs::rename(&tmp, path)?;
        sync_dir(&dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Creates `path` with `bytes`, failing with `AlreadyExists` if it is there.
/// A failed write (a full disk) leaves no partial file behind.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
    let result = file.write_all(bytes).and_then(|()| file.sync_all());
    if result.is_err() {
        drop(file);
        let _ = fs::remove_file(path);
        return result;
    }
    sync_dir(&parent_of(path))
}

/// Copies `src` to a new file named `base`, or `base-2`, `base-3`… when that
/// name is taken: a backup never replaces another. Flushed to disk; returns
/// the name used.
pub fn copy_to_new(src: &Path, base: &Path) -> io::Result<PathBuf> {
    let mut bytes = Vec::new();
    File::open(src)?.read_to_end(&mut bytes)?;
    for n in 1u32.. {
        let target = if n == 1 {
            base.to_owned()
        } else {
            let mut name = base.as_os_str().to_owned();
            name.push(format!("-{n}"));
            PathBuf::from(name)
        };
        match write_new(&target, &bytes) {
            Ok(()) => return Ok(target),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("no free backup name"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_writes_replace_and_leave_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deck.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn backups_never_replace_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log");
        let base = dir.path().join("log.bak");
        fs::write(&log, b"first").unwrap();
        assert_eq!(copy_to_new(&log, &base).unwrap(), base);
        fs::write(&log, b"second").unwrap();
        let second = copy_to_new(&log, &base).unwrap();
        assert_eq!(second, dir.path().join("log.bak-2"));
        assert_eq!(fs::read(&base).unwrap(), b"first");
        assert_eq!(fs::read(&second).unwrap(), b"second");
    }

    #[test]
    fn new_files_never_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deck.json");
        write_new(&path, b"one").unwrap();
        let err = write_new(&path, b"two").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&path).unwrap(), b"one");
    }
}
