//! The review log: JSON lines, a header line first, one answer per line after
//! it. Append-only; the source of truth every snapshot is derived from.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{StoreError, fnv1a};
use crate::progress::ReviewEvent;

/// The review log format this build reads and writes.
pub const LOG_FORMAT: u32 = 1;

/// The first line of every log.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Header {
    pub recall_log: u64,
}

/// The header line, with its newline.
pub(crate) fn header_line() -> Vec<u8> {
    let mut line = serde_json::to_vec(&Header {
        recall_log: LOG_FORMAT.into(),
    })
    .unwrap_or_else(|e| unreachable!("a header always serialises: {e}"));
    line.push(b'\n');
    line
}

/// How many bytes of the log's end the fingerprint covers.
const FINGERPRINT_BYTES: u64 = 64;

/// The fingerprint of the `FINGERPRINT_BYTES` before `end`.
pub(crate) fn fingerprint(file: &mut File, end: u64) -> io::Result<u64> {
    let start = end.saturating_sub(FINGERPRINT_BYTES);
    file.seek(SeekFrom::Start(start))?;
    let mut buf = Vec::with_capacity(FINGERPRINT_BYTES as usize);
    file.by_ref().take(end - start).read_to_end(&mut buf)?;
    if (buf.len() as u64) < end - start {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the log is shorter than expected",
        ));
    }
    Ok(fnv1a(&buf))
}

/// An unfinished last line, left by a crash in the middle of a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Torn {
    /// Where the line starts (the log's good length).
    pub offset: u64,
    /// Its line number.
    pub line: u64,
    pub bytes: Vec<u8>,
}

/// Where a scan ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScanEnd {
    /// The length of the log up to the end of its last good line.
    pub bytes: u64,
    /// Complete lines up to there, the header included.
    pub lines: u64,
    /// A torn last line after that, if any.
    pub torn: Option<Torn>,
}

/// Reads the log from byte `offset`, which starts line `lines + 1`, and
/// hands each answer to `f`. A damaged line in the middle is an error naming
/// the file and line; a damaged last line is reported as torn.
pub(crate) fn scan(
    path: &Path,
    offset: u64,
    lines: u64,
    mut f: impl FnMut(ReviewEvent),
) -> Result<ScanEnd, StoreError> {
    let read_err = StoreError::io("read the review log", path);
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound && offset == 0 => {
            return Ok(ScanEnd {
                bytes: 0,
                lines: 0,
                torn: None,
            });
        }
        Err(e) => return Err(read_err(e)),
    };
    file.seek(SeekFrom::Start(offset))
        .map_err(StoreError::io("read the review log", path))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut end = ScanEnd {
        bytes: offset,
        lines,
        torn: None,
    };
    let mut line = Vec::with_capacity(512);
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(StoreError::io("read the review log", path))?;
        if n == 0 {
            return Ok(end);
        }
        let number = end.lines + 1;
        let complete = line.last() == Some(&b'\n');
        let is_last = !complete
            || reader
                .fill_buf()
                .map_err(StoreError::io("read the review log", path))?
                .is_empty();
        let parsed = if number == 1 {
            parse_header(path, &line).map(|()| None)
        } else {
            serde_json::from_slice::<ReviewEvent>(&line)
                .map(Some)
                .map_err(|e| describe_json_error(&e, &line))
        };
        match parsed {
            Ok(event) if complete => {
                if let Some(event) = event {
                    f(event);
                }
                end.bytes += n as u64;
                end.lines = number;
            }
            // A newer header is not damage: refuse with the reason.
            Err(LineError::Newer(e)) => return Err(e),
            // The last line, unfinished or unreadable: a crash mid-write.
            _ if is_last => {
                end.torn = Some(Torn {
                    offset: end.bytes,
                    line: number,
                    bytes: line.clone(),
                });
                return Ok(end);
            }
            Ok(_) => unreachable!("an incomplete line is always the last"),
            Err(LineError::Bad(reason)) => {
                return Err(StoreError::Damaged {
                    path: path.to_owned(),
                    line: number,
                    reason,
                });
            }
        }
    }
}

enum LineError {
    Bad(String),
    Newer(StoreError),
}

fn parse_header(path: &Path, line: &[u8]) -> Result<(), LineError> {
    let header: Header = serde_json::from_slice(line).map_err(|_| {
        LineError::Bad("the first line is not a recall review-log header".to_owned())
    })?;
    if header.recall_log > u64::from(LOG_FORMAT) {
        return Err(LineError::Newer(StoreError::NewerFormat {
            path: path.to_owned(),
            what: "review log",
            found: header.recall_log,
            supported: LOG_FORMAT,
        }));
    }
    if header.recall_log == 0 {
        return Err(LineError::Bad("the header gives format 0".to_owned()));
    }
    Ok(())
}

fn describe_json_error(e: &serde_json::Error, line: &[u8]) -> LineError {
    if line.iter().all(|&b| b == 0 || b == b'\n') {
        return LineError::Bad("it holds only zero bytes".to_owned());
    }
    let text = e.to_string();
    let text = match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    };
    LineError::Bad(format!("not a review: {text}"))
}

/// One line of the log, as `recall doctor` sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// 1-based line number.
    pub number: u64,
    /// What is wrong with it.
    pub reason: String,
    /// The line's text (lossy), for the report.
    pub text: String,
}

/// Everything `recall doctor` finds in a log, reading it whole.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogHealth {
    /// Lines in the file (a torn last one included).
    pub lines: u64,
    /// Good answers.
    pub events: u64,
    /// Damaged lines, in order (a torn last line included, marked as such).
    pub bad: Vec<LogLine>,
    /// The last line is unfinished.
    pub torn: bool,
    /// The header names a newer format.
    pub newer: Option<u64>,
    /// The good lines, header first, when asked for (to rewrite the log).
    pub good: Vec<Vec<u8>>,
}

/// Reads a whole log and lists every problem in it, without stopping at the
/// first. With `keep_good`, also returns the good lines for a repair.
pub fn check_log(path: &Path, keep_good: bool) -> io::Result<LogHealth> {
    let mut health = LogHealth::default();
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(health),
        Err(e) => return Err(e),
    };
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(health);
        }
        health.lines += 1;
        let number = health.lines;
        let complete = line.last() == Some(&b'\n');
        let result = if number == 1 {
            match parse_header(path, &line) {
                Err(LineError::Newer(_)) => {
                    let header: Option<Header> = serde_json::from_slice(&line).ok();
                    health.newer = header.map(|h| h.recall_log);
                    Ok(())
                }
                Err(LineError::Bad(r)) => Err(r),
                Ok(()) => Ok(()),
            }
        } else {
            serde_json::from_slice::<ReviewEvent>(&line)
                .map(|_| health.events += 1)
                .map_err(|e| match describe_json_error(&e, &line) {
                    LineError::Bad(r) | LineError::Newer(StoreError::Damaged { reason: r, .. }) => {
                        r
                    }
                    LineError::Newer(other) => other.to_string(),
                })
        };
        match result {
            Ok(()) if complete => {
                if keep_good {
                    health.good.push(line.clone());
                }
            }
            Ok(()) => {
                health.torn = true;
                health.bad.push(LogLine {
                    number,
                    reason: "the line is unfinished (a crash while writing it)".to_owned(),
                    text: String::from_utf8_lossy(&line).into_owned(),
                });
            }
            Err(reason) => {
                let torn = !complete || reader.fill_buf()?.is_empty();
                health.torn |= torn;
                health.bad.push(LogLine {
                    number,
                    reason: if torn {
                        format!("the last line is unfinished or unreadable ({reason})")
                    } else {
                        reason
                    },
                    text: String::from_utf8_lossy(&line).trim_end().to_owned(),
                });
            }
        }
    }
}
