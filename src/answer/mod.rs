//! Answer matching, grading, choice options and timelines (being written).
