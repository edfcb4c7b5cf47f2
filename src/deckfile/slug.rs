//! Readable, stable card ids made from text.

use std::collections::BTreeSet;

use crate::model::CardId;

/// A lowercase slug of up to `max_words` words of `text`, for ids.
pub(crate) fn slug(text: &str, max_words: usize) -> String {
    // Accents go (ō → o), other letters outside ASCII and all punctuation
    // separate words.
    let folded: String = unicode_normalization::UnicodeNormalization::nfkd(text)
        .filter(|&c| !unicode_normalization::char::is_combining_mark(c))
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect();
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(max_words)
        .collect();
    let mut s = words.join("-");
    s.truncate(48);
    s.trim_end_matches('-').to_owned()
}

/// Words left out of ids because they say nothing.
const ID_STOPWORDS: &[&str] = &[
    "a", "an", "the", "in", "on", "at", "of", "to", "and", "or", "by", "for", "from", "with",
    "was", "were", "is", "are", "be", "been", "had", "has", "have", "it", "its", "as", "that",
    "this", "which", "who", "he", "she", "they", "his", "her", "their", "into", "onwards",
];

/// The telling words of `text` (no stopwords, no bare numbers) as a slug.
pub(crate) fn id_words(text: &str) -> String {
    let kept: Vec<&str> = text
        .split_whitespace()
        .filter(|w| {
            let w = w
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            !w.is_empty()
                && !ID_STOPWORDS.contains(&w.as_str())
                && !w.chars().all(|c| c.is_ascii_digit())
        })
        .collect();
    slug(&kept.join(" "), 4)
}

/// Makes `base` unique among `used` with a numeric suffix.
pub(crate) fn unique_id(base: &str, used: &mut BTreeSet<String>) -> CardId {
    let base = if CardId::new(base).is_ok() && base.len() <= 56 {
        base
    } else {
        "card"
    };
    let mut candidate = base.to_owned();
    let mut n = 2;
    while used.contains(&candidate) || CardId::new(&candidate).is_err() {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    used.insert(candidate.clone());
    CardId::new(&candidate).unwrap_or_else(|e| unreachable!("slugs are valid ids: {e}"))
}
