//! Learning statistics (being written).
