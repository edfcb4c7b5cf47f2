//! The package as a zip archive: finding and unpacking the collection inside
//! it without trusting any size or name it declares, and writing one.
//!
//! Only the collection entry is ever read, into memory and under a cap; no
//! name from the archive is used as a path.

use std::fs::File;
use std::io::{Cursor, Read, Write};
use std::path::Path;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::{AnkiError, protobuf};

/// The largest package file recall opens. Packages carry their media, so
/// this is generous; only the collection entry is read from it.
pub const MAX_PACKAGE_BYTES: u64 = 4 * 1024 * 1024 * 1024;
/// The largest collection database recall unpacks.
pub const MAX_COLLECTION_BYTES: u64 = 256 * 1024 * 1024;
/// Below this size a collection is accepted whatever its compression ratio.
const RATIO_FREE_BYTES: u64 = 32 * 1024 * 1024;
/// Above [`RATIO_FREE_BYTES`], the most a collection may expand from the
/// bytes stored in the archive: SQLite files compress well, bombs far better.
const MAX_RATIO: u64 = 200;
/// Archives with more entries than this are not packages (each media file is one).
const MAX_ENTRIES: usize = 1_000_000;

/// Which collection file a package carries, newest format first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// `collection.anki21b`: zstd-compressed SQLite, schema 18 (Anki 2.1.50+).
    Anki21b,
    /// `collection.anki21`: SQLite, schema 11 (Anki 2.1 with the v2 scheduler).
    Anki21,
    /// `collection.anki2`: SQLite, schema 11 (older Anki, genanki).
    Anki2,
}

impl Flavour {
    fn entry_name(self) -> &'static str {
        match self {
            Flavour::Anki21b => "collection.anki21b",
            Flavour::Anki21 => "collection.anki21",
            Flavour::Anki2 => "collection.anki2",
        }
    }
}

/// The newest package version this build reads (Anki's `meta` entry).
const LATEST_PACKAGE_VERSION: u64 = 3;

/// Opens the package at `path` and returns its collection database, unpacked.
pub fn read_collection(path: &Path) -> Result<Vec<u8>, AnkiError> {
    let io = |source: std::io::Error| match source.kind() {
        std::io::ErrorKind::NotFound => AnkiError::NotFound {
            path: path.to_owned(),
        },
        _ => AnkiError::Io {
            path: path.to_owned(),
            source,
        },
    };
    let file = File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(AnkiError::NotAPackage {
            path: path.to_owned(),
            detail: "it is a directory".into(),
        });
    }
    if meta.len() > MAX_PACKAGE_BYTES {
        return Err(AnkiError::PackageTooLarge {
            path: path.to_owned(),
            limit_mb: MAX_PACKAGE_BYTES / 1024 / 1024,
        });
    }
    let not_package = |detail: String| AnkiError::NotAPackage {
        path: path.to_owned(),
        detail,
    };
    let mut archive = ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| not_package(format!("it is not a readable zip archive ({e})")))?;
    if archive.len() > MAX_ENTRIES {
        return Err(not_package(format!(
            "it has {} entries, more than the {MAX_ENTRIES} a package may have",
            archive.len()
        )));
    }

    let version = package_version(&mut archive, path)?;
    if version > LATEST_PACKAGE_VERSION {
        return Err(AnkiError::NewerFormat {
            path: path.to_owned(),
            version,
        });
    }
    // A current package also carries a stub `collection.anki2` that only
    // says "please update Anki": the newest collection is the real one.
    let flavour = [Flavour::Anki21b, Flavour::Anki21, Flavour::Anki2]
        .into_iter()
        .find(|f| archive.index_for_name(f.entry_name()).is_some())
        .ok_or_else(|| AnkiError::NoCollection {
            path: path.to_owned(),
        })?;

    let entry = archive
        .by_name(flavour.entry_name())
        .map_err(|e| not_package(format!("its collection cannot be opened ({e})")))?;
    let stored = entry.compressed_size();
    let zip_limit = limit_for(stored);
    let corrupt = |e: std::io::Error| AnkiError::Corrupt {
        path: path.to_owned(),
        detail: format!("the collection cannot be unpacked ({e})"),
    };
    let bytes = match flavour {
        Flavour::Anki21b => {
            // Stored zip entry holding a zstd stream: cap both layers.
            let decoder =
                zstd::stream::read::Decoder::new(entry.take(zip_limit)).map_err(corrupt)?;
            read_capped(decoder, limit_for(stored), path).map_err(|e| match e {
                Capped::Io(e) => corrupt(e),
                Capped::Over(e) => e,
            })?
        }
        Flavour::Anki21 | Flavour::Anki2 => {
            read_capped(entry, zip_limit, path).map_err(|e| match e {
                Capped::Io(e) => corrupt(e),
                Capped::Over(e) => e,
            })?
        }
    };
    Ok(bytes)
}

/// The most bytes a collection stored in `stored` bytes may unpack to.
fn limit_for(stored: u64) -> u64 {
    stored
        .saturating_mul(MAX_RATIO)
        .clamp(RATIO_FREE_BYTES, MAX_COLLECTION_BYTES)
}

enum Capped {
    Io(std::io::Error),
    Over(AnkiError),
}

/// Reads all of `reader`, refusing more than `limit` bytes (it reads one
/// byte past the limit to know).
fn read_capped(reader: impl Read, limit: u64, path: &Path) -> Result<Vec<u8>, Capped> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(Capped::Io)?;
    if bytes.len() as u64 > limit {
        return Err(Capped::Over(AnkiError::CollectionTooLarge {
            path: path.to_owned(),
            limit_mb: limit / 1024 / 1024,
        }));
    }
    Ok(bytes)
}

/// The version in the package's `meta` entry: 1 or 2 for legacy packages
/// (and when there is no `meta`), 3 for current ones.
fn package_version<R: Read + std::io::Seek>(
    archive: &mut ZipArchive<R>,
    path: &Path,
) -> Result<u64, AnkiError> {
    let Ok(entry) = archive.by_name("meta") else {
        return Ok(1);
    };
    let mut meta = Vec::new();
    entry
        .take(4096)
        .read_to_end(&mut meta)
        .map_err(|e| AnkiError::Corrupt {
            path: path.to_owned(),
            detail: format!("its `meta` entry cannot be read ({e})"),
        })?;
    Ok(protobuf::varint_field(&meta, 1).unwrap_or(1))
}

/// A package holding `collection` as a legacy `collection.anki2` (which
/// every Anki since 2.0 imports) and an empty media map.
pub fn write_package(collection: &[u8]) -> Result<Vec<u8>, AnkiError> {
    let export = |e: &dyn std::fmt::Display| AnkiError::Export {
        detail: format!("cannot build the zip archive: {e}"),
    };
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::DEFAULT);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("collection.anki2", options)
        .map_err(|e| export(&e))?;
    zip.write_all(collection).map_err(|e| export(&e))?;
    zip.start_file("media", options).map_err(|e| export(&e))?;
    zip.write_all(b"{}").map_err(|e| export(&e))?;
    Ok(zip.finish().map_err(|e| export(&e))?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_follow_the_ratio_between_a_floor_and_a_cap() {
        assert_eq!(limit_for(0), RATIO_FREE_BYTES);
        assert_eq!(limit_for(1024), RATIO_FREE_BYTES);
        assert_eq!(limit_for(1024 * 1024), 200 * 1024 * 1024);
        assert_eq!(limit_for(u64::MAX), MAX_COLLECTION_BYTES);
    }
}
