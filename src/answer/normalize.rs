//! Folding text for comparison, and the bounded edit distance used for typos.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Words dropped from the start of an answer: "the Treaty of Portsmouth" is
/// "Treaty of Portsmouth".
const ARTICLES: [&str; 3] = ["the", "a", "an"];

/// Text folded for comparison: lowercase, accents removed (NFKD, combining
/// marks dropped), apostrophes removed, other punctuation turned into spaces,
/// whitespace collapsed, leading articles dropped.
///
/// "Hokkaidō" becomes "hokkaido", "Lebedev-Lastochkin" "lebedev lastochkin",
/// "Japan's" "japans", "Lewis & Clark" "lewis and clark". A lone article is
/// kept, so an answer that *is* "A" still compares. Letters that Unicode does
/// not decompose but English readers type without their stroke (ø, ł, æ, ß…)
/// are spelled out in ASCII.
pub fn normalize(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.nfkd().filter(|c| !is_combining_mark(*c)) {
        // Lowercasing can produce characters with marks or compatibility
        // forms (İ → i̇), so each result is decomposed again.
        for l in c.to_lowercase() {
            for d in std::iter::once(l).nfkd().filter(|d| !is_combining_mark(*d)) {
                push_folded(d, &mut folded);
            }
        }
    }
    let mut words: Vec<&str> = folded.split_whitespace().collect();
    // A loop, not a single check, so that normalising twice changes nothing
    // ("the a team" → "team" at once, not "a team" then "team").
    while words.len() > 1 && ARTICLES.contains(&words[0]) {
        words.remove(0);
    }
    words.join(" ")
}

fn push_folded(c: char, out: &mut String) {
    match c {
        // Apostrophes join what they split: "O'Brien" is "obrien".
        '\'' | '’' | '‘' | 'ʼ' | 'ʻ' | '`' | '´' | '′' => {}
        '&' => out.push_str(" and "),
        'ß' => out.push_str("ss"),
        'æ' => out.push_str("ae"),
        'œ' => out.push_str("oe"),
        'þ' => out.push_str("th"),
        'ø' => out.push('o'),
        'ł' => out.push('l'),
        'đ' | 'ð' => out.push('d'),
        'ħ' => out.push('h'),
        'ı' => out.push('i'),
        c if c.is_alphanumeric() => out.push(c),
        _ => out.push(' '),
    }
}

/// Whether `a` and `b` are within `max` edits of each other, counting an
/// insertion, a deletion, a substitution or a swap of two neighbours as one
/// (the optimal string alignment form of Damerau–Levenshtein).
///
/// Only a band of width `2·max+1` around the diagonal is computed, so a long
/// pasted answer costs time proportional to its length, not its square.
pub(crate) fn within_edits(a: &str, b: &str, max: usize) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return false;
    }
    let inf = max + 1;
    let width = b.len() + 1;
    // Three rows: the one before the previous is needed for swaps.
    let mut before = vec![inf; width];
    let mut prev: Vec<usize> = (0..width).map(|j| j.min(inf)).collect();
    let mut cur = vec![inf; width];
    for i in 1..=a.len() {
        cur.fill(inf);
        if i <= max {
            cur[0] = i;
        }
        let lo = i.saturating_sub(max).max(1);
        let hi = (i + max).min(b.len());
        for j in lo..=hi {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j - 1] + cost).min(prev[j] + 1).min(cur[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d.min(inf);
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()] <= max
}

/// The numbers in a folded text: runs of digits and Roman numerals up to
/// 39, in order. A typo may not change them ("Alexander II" is not a
/// misspelt "Alexander I", nor "10,001" a misspelt "10,000").
pub(crate) fn numbers(folded: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for word in folded.split(' ') {
        if is_roman(word) {
            out.push(word);
            continue;
        }
        let mut rest = word;
        while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
            let tail = &rest[start..];
            let len = tail
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(tail.len());
            out.push(&tail[..len]);
            rest = &tail[len..];
        }
    }
    out
}

/// A Roman numeral from 1 to 39 (`i` … `xxxix`): regnal numbers and centuries.
fn is_roman(word: &str) -> bool {
    let units = word.trim_start_matches('x');
    let tens = word.len() - units.len();
    !word.is_empty()
        && tens <= 3
        && matches!(
            units,
            "" | "i" | "ii" | "iii" | "iv" | "v" | "vi" | "vii" | "viii" | "ix"
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accents_and_case_fold_away() {
        assert_eq!(normalize("Hokkaidō"), "hokkaido");
        assert_eq!(normalize("Hokkaidō"), normalize("HOKKAIDO"));
        assert_eq!(normalize("Shōgun"), normalize("shogun"));
        assert_eq!(normalize("Ōsaka"), "osaka");
        assert_eq!(normalize("Søren Łódź Straße"), "soren lodz strasse");
    }

    #[test]
    fn punctuation_becomes_space_and_apostrophes_vanish() {
        assert_eq!(normalize("Lebedev-Lastochkin"), "lebedev lastochkin");
        assert_eq!(normalize("Matthew C. Perry"), "matthew c perry");
        assert_eq!(normalize("Japan's"), "japans");
        assert_eq!(normalize("Japan’s"), "japans");
        assert_eq!(normalize("  Lewis   &  Clark!! "), "lewis and clark");
        assert_eq!(normalize("Hakodate, Matsumae"), "hakodate matsumae");
    }

    #[test]
    fn leading_articles_are_dropped_but_a_lone_one_is_kept() {
        assert_eq!(
            normalize("the Treaty of Portsmouth"),
            normalize("Treaty of Portsmouth")
        );
        assert_eq!(normalize("An Envoy"), "envoy");
        assert_eq!(normalize("A single ship"), "single ship");
        assert_eq!(normalize("The"), "the");
        assert_eq!(normalize("the a team"), "team");
        // Only leading ones: the article inside stays.
        assert_eq!(normalize("Peace of the Pacific"), "peace of the pacific");
    }

    #[test]
    fn edits_count_insertions_deletions_substitutions_and_swaps() {
        assert!(within_edits("laxman", "laxmn", 1));
        assert!(within_edits("laxman", "laxmen", 1));
        assert!(within_edits("laxman", "lxaman", 1));
        assert!(within_edits("laxman", "laxmanx", 1));
        assert!(!within_edits("laxman", "lxamn", 1));
        assert!(within_edits("laxman", "lxamn", 2));
        assert!(within_edits("", "ab", 2));
        assert!(!within_edits("", "abc", 2));
        assert!(within_edits("same", "same", 0));
        assert!(!within_edits("same", "sane", 0));
    }

    #[test]
    fn numbers_are_digit_runs_and_small_roman_numerals() {
        assert_eq!(numbers("alexander i"), vec!["i"]);
        assert_eq!(numbers("alexander ii"), vec!["ii"]);
        assert_eq!(numbers("10 000 ships"), vec!["10", "000"]);
        assert_eq!(numbers("mark2x xxxix"), vec!["2", "xxxix"]);
        assert!(numbers("civil war mix").is_empty());
    }

    proptest! {
        #[test]
        fn normalize_is_idempotent(s in "\\PC{0,40}") {
            let once = normalize(&s);
            prop_assert_eq!(normalize(&once), once.clone());
        }

        #[test]
        fn normalize_is_idempotent_on_any_chars(s in any::<String>()) {
            let once = normalize(&s);
            prop_assert_eq!(normalize(&once), once.clone());
        }

        #[test]
        fn within_edits_agrees_with_strsim(a in "[abc]{0,8}", b in "[abc]{0,8}", max in 0usize..4) {
            let full = strsim::osa_distance(&a, &b);
            prop_assert_eq!(within_edits(&a, &b, max), full <= max);
        }
    }
}
