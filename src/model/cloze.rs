//! Cloze text: `The {{c1::Treaty of Portsmouth}} gave Japan {{c2::half::how much?}} of Sakhalin.`

use std::fmt;

/// One piece of a cloze text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Plain text shown as it is.
    Text(String),
    /// A deletion `{{cN::answer}}` or `{{cN::answer::hint}}`.
    Deletion {
        number: u16,
        answer: String,
        hint: Option<String>,
    },
}

/// A parsed cloze text with at least one deletion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cloze {
    segments: Vec<Segment>,
}

/// What is wrong with a cloze text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClozeError {
    #[error("has no deletion; mark the answer like {{{{c1::answer}}}}")]
    NoDeletion,
    #[error("has a deletion that is not closed: {snippet:?} needs a closing '}}}}'")]
    Unclosed { snippet: String },
    #[error("has a '}}}}' with no '{{{{' before it, near {snippet:?}")]
    StrayClose { snippet: String },
    #[error("has {snippet:?}, which does not start like {{{{c1::…")]
    BadOpening { snippet: String },
    #[error("has an empty answer in {snippet:?}")]
    EmptyAnswer { snippet: String },
    #[error("has a deletion inside another one in {snippet:?}; deletions cannot nest")]
    Nested { snippet: String },
}

const OPEN: &str = "{{";
const CLOSE: &str = "}}";

fn snippet(text: &str) -> String {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

impl Cloze {
    /// Parses cloze markup. Braces must balance: every `{{` opens a deletion
    /// `cN::answer` (with an optional `::hint`) closed by `}}`.
    pub fn parse(text: &str) -> Result<Self, ClozeError> {
        let mut segments = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            let open = rest.find(OPEN);
            let close = rest.find(CLOSE);
            match (open, close) {
                (_, Some(c)) if open.is_none_or(|o| c < o) => {
                    return Err(ClozeError::StrayClose {
                        snippet: snippet(&rest[c.saturating_sub(20)..]),
                    });
                }
                (None, _) => {
                    segments.push(Segment::Text(rest.to_owned()));
                    rest = "";
                }
                (Some(o), _) => {
                    if o > 0 {
                        segments.push(Segment::Text(rest[..o].to_owned()));
                    }
                    let inner_start = o + OPEN.len();
                    let Some(len) = rest[inner_start..].find(CLOSE) else {
                        return Err(ClozeError::Unclosed {
                            snippet: snippet(&rest[o..]),
                        });
                    };
                    let inner = &rest[inner_start..inner_start + len];
                    let whole = &rest[o..inner_start + len + CLOSE.len()];
                    if inner.contains(OPEN) {
                        return Err(ClozeError::Nested {
                            snippet: snippet(whole),
                        });
                    }
                    segments.push(parse_deletion(inner, whole)?);
                    rest = &rest[inner_start + len + CLOSE.len()..];
                }
            }
        }
        if !segments
            .iter()
            .any(|s| matches!(s, Segment::Deletion { .. }))
        {
            return Err(ClozeError::NoDeletion);
        }
        Ok(Self { segments })
    }

    /// The pieces of the text in order.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The distinct deletion numbers, ascending: one study item each.
    pub fn numbers(&self) -> Vec<u16> {
        let mut numbers: Vec<u16> = self
            .segments
            .iter()
            .filter_map(|s| match s {
                Segment::Deletion { number, .. } => Some(*number),
                Segment::Text(_) => None,
            })
            .collect();
        numbers.sort_unstable();
        numbers.dedup();
        numbers
    }

    /// The text with deletion `number` hidden (as `[…]` or `[hint]`) and
    /// every other deletion shown.
    pub fn prompt(&self, number: u16) -> String {
        self.render(|n, answer, hint| {
            if n == number {
                format!("[{}]", hint.unwrap_or("…"))
            } else {
                answer.to_owned()
            }
        })
    }

    /// The answers of deletion `number`, in order of appearance.
    pub fn answers(&self, number: u16) -> Vec<&str> {
        self.segments
            .iter()
            .filter_map(|s| match s {
                Segment::Deletion {
                    number: n, answer, ..
                } if *n == number => Some(answer.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The text with every deletion shown as plain text.
    pub fn plain(&self) -> String {
        self.render(|_, answer, _| answer.to_owned())
    }

    fn render(&self, mut deletion: impl FnMut(u16, &str, Option<&str>) -> String) -> String {
        let mut out = String::new();
        for s in &self.segments {
            match s {
                Segment::Text(t) => out.push_str(t),
                Segment::Deletion {
                    number,
                    answer,
                    hint,
                } => out.push_str(&deletion(*number, answer, hint.as_deref())),
            }
        }
        out
    }
}

fn parse_deletion(inner: &str, whole: &str) -> Result<Segment, ClozeError> {
    let bad_opening = || ClozeError::BadOpening {
        snippet: snippet(whole),
    };
    let (tag, body) = inner.split_once("::").ok_or_else(bad_opening)?;
    let number = tag
        .strip_prefix('c')
        .filter(|n| !n.is_empty() && !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse::<u16>().ok())
        .ok_or_else(bad_opening)?;
    let (answer, hint) = match body.split_once("::") {
        Some((answer, hint)) => (answer, Some(hint.trim().to_owned())),
        None => (body, None),
    };
    let answer = answer.trim();
    if answer.is_empty() {
        return Err(ClozeError::EmptyAnswer {
            snippet: snippet(whole),
        });
    }
    Ok(Segment::Deletion {
        number,
        answer: answer.to_owned(),
        hint: hint.filter(|h| !h.is_empty()),
    })
}

impl fmt::Display for Cloze {
    /// Writes the markup back out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.segments {
            match s {
                Segment::Text(t) => f.write_str(t)?,
                Segment::Deletion {
                    number,
                    answer,
                    hint: None,
                } => write!(f, "{{{{c{number}::{answer}}}}}")?,
                Segment::Deletion {
                    number,
                    answer,
                    hint: Some(h),
                } => write!(f, "{{{{c{number}::{answer}::{h}}}}}")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_deletions_give_two_items() {
        let c = Cloze::parse(
            "The {{c1::Treaty of Portsmouth}} gave Japan the {{c2::southern half::how much?}} of Sakhalin.",
        )
        .unwrap();
        assert_eq!(c.numbers(), vec![1, 2]);
        assert_eq!(
            c.prompt(1),
            "The […] gave Japan the southern half of Sakhalin."
        );
        assert_eq!(
            c.prompt(2),
            "The Treaty of Portsmouth gave Japan the [how much?] of Sakhalin."
        );
        assert_eq!(c.answers(2), vec!["southern half"]);
        assert_eq!(
            c.plain(),
            "The Treaty of Portsmouth gave Japan the southern half of Sakhalin."
        );
    }

    #[test]
    fn markup_round_trips() {
        let text = "{{c2::a}} and {{c1::b::hint}} and {{c2::c}}";
        let c = Cloze::parse(text).unwrap();
        assert_eq!(c.to_string(), text);
        assert_eq!(c.numbers(), vec![1, 2]);
        assert_eq!(c.answers(2), vec!["a", "c"]);
    }

    #[test]
    fn malformed_markup_is_refused() {
        assert_eq!(Cloze::parse("no deletion"), Err(ClozeError::NoDeletion));
        assert!(matches!(
            Cloze::parse("{{c1::Portsmouth}"),
            Err(ClozeError::Unclosed { .. })
        ));
        assert!(matches!(
            Cloze::parse("Portsmouth}} treaty"),
            Err(ClozeError::StrayClose { .. })
        ));
        assert!(matches!(
            Cloze::parse("{{Portsmouth}}"),
            Err(ClozeError::BadOpening { .. })
        ));
        assert!(matches!(
            Cloze::parse("{{c0::x}}"),
            Err(ClozeError::BadOpening { .. })
        ));
        assert!(matches!(
            Cloze::parse("{{c1:: }}"),
            Err(ClozeError::EmptyAnswer { .. })
        ));
        assert!(matches!(
            Cloze::parse("{{c1::a {{c2::b}} }}"),
            Err(ClozeError::Nested { .. })
        ));
    }
}
