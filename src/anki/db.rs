//! SQLite databases as bytes, kept in memory: opening a package's collection
//! (deserialized, read-only) and producing one to put in a package
//! (serialized). Nothing is written to disk.

use std::cmp::Ordering;
use std::io::Read;

use rusqlite::{Connection, MAIN_DB, config::DbConfig, ffi};

/// Opens `bytes` (an SQLite database file) read-only and in memory, with the
/// settings SQLite recommends for databases from untrusted sources. The
/// caller bounds the size (`archive::MAX_COLLECTION_BYTES`); SQLite copies
/// the bytes once, into memory it owns.
pub fn open_bytes(bytes: &[u8]) -> rusqlite::Result<Connection> {
    if bytes.is_empty() {
        return Err(rusqlite::Error::SqliteFailure(
            ffi::Error::new(ffi::SQLITE_NOTADB),
            Some("the database is empty".into()),
        ));
    }
    let mut conn = Connection::open_in_memory()?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)?;
    // Current Anki collections (schema 18) declare text columns
    // `COLLATE unicase`, a collation Anki registers itself; SQLite refuses
    // to read those tables without it.
    conn.create_collation("unicase", unicase)?;

    // A database last written in WAL mode says so in its header, and SQLite
    // would then want a `-wal` file beside it, which an in-memory database
    // cannot have; these bytes are complete, so mark the copy as a
    // rollback-journal database.
    let mut header = [0u8; 20];
    let split = bytes.len().min(header.len());
    header[..split].copy_from_slice(&bytes[..split]);
    if split == header.len() && header[18] == 2 && header[19] == 2 {
        header[18] = 1;
        header[19] = 1;
    }
    let reader = (&header[..split]).chain(&bytes[split..]);
    conn.deserialize_read_exact(MAIN_DB, reader, bytes.len(), true)?;

    conn.pragma_update(None, "cell_size_check", true)?;
    conn.pragma_update(None, "mmap_size", 0)?;
    // Fails here, rather than at the first query, when the bytes are not a database.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
    Ok(conn)
}

/// Anki's `unicase` collation: text compared without regard to case, for
/// all of Unicode (both sides lowercased). recall only reads collections,
/// so this needs to agree with Anki's ordering only for what recall's
/// queries compare, not for the order of the indexes Anki built.
fn unicase(a: &str, b: &str) -> Ordering {
    a.chars()
        .flat_map(char::to_lowercase)
        .cmp(b.chars().flat_map(char::to_lowercase))
}

/// Creates an empty in-memory database to fill, and then turn into bytes
/// with [`finish`].
pub fn create() -> rusqlite::Result<Connection> {
    Connection::open_in_memory()
}

/// Closes the database and returns its bytes, an SQLite database file.
pub fn finish(mut conn: Connection) -> rusqlite::Result<Vec<u8>> {
    let bytes = conn.serialize(MAIN_DB)?.to_vec();
    conn.close().map_err(|(_, e)| e)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_goes_to_bytes_and_back() {
        let conn = create().unwrap();
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (42);")
            .unwrap();
        let bytes = finish(conn).unwrap();
        assert!(bytes.starts_with(b"SQLite format 3\0"));
        let read = open_bytes(&bytes).unwrap();
        let x: i64 = read.query_row("SELECT x FROM t", [], |r| r.get(0)).unwrap();
        assert_eq!(x, 42);
        assert!(read.execute("INSERT INTO t VALUES (1)", []).is_err());
    }

    #[test]
    fn bytes_that_are_not_a_database_are_refused() {
        assert!(open_bytes(b"").is_err());
        assert!(open_bytes(b"hello").is_err());
        assert!(open_bytes(&[0x55u8; 4096]).is_err());
    }

    /// A schema-18 style table: without the collation, SQLite could not
    /// read it.
    #[test]
    fn unicase_columns_are_readable_and_compare_without_case() {
        let conn = create().unwrap();
        conn.create_collation("unicase", unicase).unwrap();
        conn.execute_batch(
            "CREATE TABLE tags (tag TEXT NOT NULL PRIMARY KEY COLLATE unicase) WITHOUT ROWID;
             INSERT INTO tags VALUES ('Straße'), ('ÉTÉ'), ('japan::Treaties');",
        )
        .unwrap();
        let bytes = finish(conn).unwrap();
        let read = open_bytes(&bytes).unwrap();
        let found = |tag: &str| -> i64 {
            read.query_row("SELECT count(*) FROM tags WHERE tag = ?1", [tag], |r| {
                r.get(0)
            })
            .unwrap()
        };
        assert_eq!(found("été"), 1);
        assert_eq!(found("JAPAN::treaties"), 1);
        assert_eq!(found("STRASSE"), 0, "lowercasing, not full case folding");
        let all: Vec<String> = read
            .prepare("SELECT tag FROM tags")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        // In the order of the lowercased text: 'é' comes after 's'.
        assert_eq!(all, ["japan::Treaties", "Straße", "ÉTÉ"]);

        // Without the collation, SQLite refuses the table.
        let mut plain = Connection::open_in_memory().unwrap();
        plain
            .deserialize_read_exact(MAIN_DB, &bytes[..], bytes.len(), true)
            .unwrap();
        let e = plain
            .query_row("SELECT count(*) FROM tags", [], |r| r.get::<_, i64>(0))
            .unwrap_err();
        assert!(e.to_string().contains("unicase"), "{e}");
    }

    #[test]
    fn unicase_orders_by_lowercase() {
        assert_eq!(unicase("ABC", "abc"), Ordering::Equal);
        assert_eq!(unicase("Ärger", "ärger"), Ordering::Equal);
        assert_eq!(unicase("a", "B"), Ordering::Less);
        assert_eq!(unicase("Z", "a"), Ordering::Greater);
    }

    #[test]
    fn a_database_marked_wal_is_read() {
        let conn = create().unwrap();
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (7);")
            .unwrap();
        let mut bytes = finish(conn).unwrap();
        bytes[18] = 2;
        bytes[19] = 2;
        let read = open_bytes(&bytes).unwrap();
        let x: i64 = read.query_row("SELECT x FROM t", [], |r| r.get(0)).unwrap();
        assert_eq!(x, 7);
    }
}
