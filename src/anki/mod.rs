//! Anki package interchange (being written).
