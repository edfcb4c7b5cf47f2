//! Fault injection for the durability tests: `RECALL_FAILPOINTS=name,name`
//! makes the store fail (or the process die) at a named point, the way a full
//! disk, a read-only mount or `kill -9` would. Unset, this costs one lookup.

use std::io;
use std::sync::OnceLock;

fn active() -> &'static [String] {
    static POINTS: OnceLock<Vec<String>> = OnceLock::new();
    POINTS.get_or_init(|| {
        std::env::var("RECALL_FAILPOINTS")
            .map(|v| v.split(',').map(|p| p.trim().to_owned()).collect())
            .unwrap_or_default()
    })
}

/// True when the failpoint `name` is switched on.
pub fn on(name: &str) -> bool {
    active().iter().any(|p| p == name)
}

/// An error of `kind` if the failpoint `name` is on.
pub fn error(name: &str, kind: io::ErrorKind, what: &str) -> io::Result<()> {
    if on(name) {
        return Err(io::Error::new(
            kind,
            format!("{what} (simulated by RECALL_FAILPOINTS={name})"),
        ));
    }
    Ok(())
}

/// Ends the process on the spot, like `kill -9`, if the failpoint is on.
pub fn crash(name: &str) {
    if on(name) {
        std::process::abort();
    }
}
