//! Judging a typed answer: text with typo tolerance, and years.

use crate::model::{Expected, Quality};

use super::normalize::{normalize, numbers, within_edits};

/// How a typed answer compares with the expected one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The answer, or an accepted alternative (for years: an accepted year).
    Correct,
    /// Right apart from a small spelling mistake; counts as correct.
    Typo,
    /// Nearly: a year off by at most 2, or one word of several missing.
    Close,
    /// Something else.
    Wrong,
    /// Nothing, or "?".
    Blank,
}

impl Verdict {
    /// The grade proposed for this verdict (SPEC §5.1); only a correct answer
    /// gains from being fast.
    pub fn quality(self, fast: bool) -> Quality {
        let grade: u8 = match self {
            Verdict::Correct if fast => 5,
            Verdict::Correct => 4,
            Verdict::Typo => 3,
            Verdict::Close => 2,
            Verdict::Wrong => 1,
            Verdict::Blank => 0,
        };
        // Every grade above is 0–5, so the fallback is never taken.
        Quality::try_from(grade).unwrap_or(Quality::BLACKOUT)
    }
}

/// The verdict, the grade the engine proposes, and what it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    pub verdict: Verdict,
    pub proposed: Quality,
    /// The expected text (answer or alternative, as written in the deck) the
    /// answer was matched against, or the date's display for a year; `None`
    /// when wrong or blank.
    pub matched: Option<String>,
}

impl Judgement {
    fn new(verdict: Verdict, fast: bool, matched: Option<String>) -> Self {
        Self {
            verdict,
            proposed: verdict.quality(fast),
            matched,
        }
    }
}

/// Judges a typed answer. `fast` = the learner answered quickly (the caller
/// decides the threshold).
///
/// Text is compared after [`normalize`] with the answer and each `accept`
/// alternative. A typo is tolerated when the folded expected text has more
/// than four letters: at most 1 edit for 5–8 letters, 2 for 9–15, 3 beyond
/// (`typo_budget`); a typo never changes a number. A multi-word answer with
/// one word missing (at least three letters left) is close, even when the
/// missing word would fit the typo budget. A cloze whose deletion repeats
/// expects its answers joined by ", ", which folds to the words in order.
/// Years: see `judge_year`.
pub fn judge(expected: &Expected, given: &str, fast: bool) -> Judgement {
    if is_blank(given) {
        return Judgement::new(Verdict::Blank, fast, None);
    }
    match expected {
        Expected::Text { answer, accept } => {
            let candidates: Vec<&str> = std::iter::once(answer.as_str())
                .chain(accept.iter().map(String::as_str))
                .collect();
            let (verdict, matched) = judge_text(&candidates, given);
            Judgement::new(verdict, fast, matched.map(str::to_owned))
        }
        Expected::Year {
            year,
            end_year,
            approximate,
        } => {
            let verdict = judge_year(*year, *end_year, *approximate, given);
            let matched =
                matches!(verdict, Verdict::Correct | Verdict::Close).then(|| expected.display());
            Judgement::new(verdict, fast, matched)
        }
    }
}

/// Empty, or only question marks: the learner does not know.
fn is_blank(given: &str) -> bool {
    given.trim().chars().all(|c| c == '?')
}

/// How many edits a folded expected text tolerates, by its number of letters
/// (spaces not counted): none up to 4, then 1 up to 8, 2 up to 15, 3 beyond.
pub(crate) fn typo_budget(folded: &str) -> usize {
    match folded.chars().filter(|c| *c != ' ').count() {
        0..=4 => 0,
        5..=8 => 1,
        9..=15 => 2,
        _ => 3,
    }
}

/// Whether `given` is `expected` (both folded) up to the typo budget of
/// `expected`, with the same numbers.
fn is_typo_of(expected: &str, given: &str) -> bool {
    let budget = typo_budget(expected);
    budget > 0 && numbers(expected) == numbers(given) && within_edits(expected, given, budget)
}

fn judge_text<'c>(candidates: &[&'c str], given: &str) -> (Verdict, Option<&'c str>) {
    let given_folded = normalize(given);
    // A deck answer made only of punctuation folds to nothing; compare it as
    // written so that it can still be answered.
    let fold = |s: &str| {
        let f = normalize(s);
        if f.is_empty() {
            s.trim().to_lowercase()
        } else {
            f
        }
    };
    let given_key = if given_folded.is_empty() {
        given.trim().to_lowercase()
    } else {
        given_folded
    };
    let folded: Vec<(String, &'c str)> = candidates.iter().map(|c| (fold(c), *c)).collect();

    if let Some((_, c)) = folded.iter().find(|(f, _)| *f == given_key) {
        return (Verdict::Correct, Some(c));
    }
    // A whole missing word is close, not a typo, even when the word is short
    // enough to fit the typo budget ("Treaty Portsmouth").
    if let Some((_, c)) = folded
        .iter()
        .find(|(f, _)| one_word_missing(f, |rest| rest == given_key))
    {
        return (Verdict::Close, Some(c));
    }
    if let Some((_, c)) = folded.iter().find(|(f, _)| is_typo_of(f, &given_key)) {
        return (Verdict::Typo, Some(c));
    }
    if let Some((_, c)) = folded
        .iter()
        .find(|(f, _)| one_word_missing(f, |rest| is_typo_of(rest, &given_key)))
    {
        return (Verdict::Close, Some(c));
    }
    (Verdict::Wrong, None)
}

/// Whether `folded` has at least two words and dropping one of them leaves a
/// text that `matches`. What is left must keep at least three letters: "I"
/// alone is not close to "Alexander I".
fn one_word_missing(folded: &str, matches: impl Fn(&str) -> bool) -> bool {
    let words: Vec<&str> = folded.split(' ').collect();
    words.len() >= 2
        && (0..words.len()).any(|skip| {
            let rest: Vec<&str> = words
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, w)| *w)
                .collect();
            // Fold again: dropping the first word can expose an article.
            let rest = normalize(&rest.join(" "));
            rest.chars().filter(|c| *c != ' ').count() >= 3 && matches(&rest)
        })
}

/// A date as the learner wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GivenDate {
    Year(u16),
    /// Both ends, in order.
    Range(u16, u16),
    /// A decade by its first year: "1890s".
    Decade(u16),
}

/// Words around a year that do not change it: "in 1905", "c. 1890", "1905 AD".
const YEAR_PREFIXES: [&str; 13] = [
    "the",
    "in",
    "c",
    "ca",
    "circa",
    "about",
    "around",
    "approx",
    "approximately",
    "year",
    "from",
    "between",
    "~",
];
const YEAR_SUFFIXES: [&str; 2] = ["ad", "ce"];
/// What may join the two ends of a range.
const RANGE_JOINERS: [&str; 7] = ["-", "to", "until", "till", "through", "thru", "and"];

/// Reads what the learner typed as a year, a range or a decade; `None` when
/// it is not a date.
fn parse_date(given: &str) -> Option<GivenDate> {
    let lower = given.trim().to_lowercase();
    let mut spaced = String::with_capacity(lower.len());
    let mut chars = lower.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '0'..='9' | 'a'..='z' => spaced.push(c),
            // The apostrophe of "1890's" before an s is dropped.
            '\'' | '’' if chars.peek() == Some(&'s') => {}
            '-' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '/' => {
                spaced.push_str(" - ")
            }
            '~' => spaced.push_str(" ~ "),
            _ if c.is_whitespace() => spaced.push(' '),
            '.' | ',' | '?' | '!' | '(' | ')' => spaced.push(' '),
            _ => return None,
        }
    }
    let tokens = split_tokens(&spaced);
    let mut tokens: &[String] = &tokens;
    while let Some((first, rest)) = tokens.split_first() {
        if !YEAR_PREFIXES.contains(&first.as_str()) {
            break;
        }
        tokens = rest;
    }
    if let Some((last, rest)) = tokens.split_last()
        && YEAR_SUFFIXES.contains(&last.as_str())
    {
        tokens = rest;
    }
    let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
    match tokens.as_slice() {
        [y] => year_of(y).map(GivenDate::Year),
        [y, "s"] => year_of(y).filter(|d| d % 10 == 0).map(GivenDate::Decade),
        [a, joiner, b] if RANGE_JOINERS.contains(joiner) => range_of(a, b),
        [a, b] => range_of(a, b),
        _ => None,
    }
}

/// Splits into digit runs, letter runs and symbols.
fn split_tokens(text: &str) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        let mut current = String::new();
        for c in word.chars() {
            let boundary = current
                .chars()
                .last()
                .is_some_and(|p| p.is_ascii_digit() != c.is_ascii_digit());
            if boundary {
                tokens.push(std::mem::take(&mut current));
            }
            current.push(c);
        }
        if !current.is_empty() {
            tokens.push(current);
        }
    }
    tokens
}

fn year_of(token: &str) -> Option<u16> {
    if token.is_empty() || token.len() > 4 || !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse().ok()
}

/// A range; a shortened end takes the start's leading digits ("1904–05" is
/// 1904–1905, "1899–01" is 1899–1901).
fn range_of(a: &str, b: &str) -> Option<GivenDate> {
    let start = year_of(a)?;
    let mut end = year_of(b)?;
    if b.len() < a.len() {
        let unit = 10u16.pow(u32::try_from(b.len()).ok()?);
        end = (start - start % unit).checked_add(end)?;
        if end < start {
            end = end.checked_add(unit)?;
        }
    }
    Some(GivenDate::Range(start.min(end), start.max(end)))
}

/// Judges a typed date against a year, a range (`end_year`) or a decade
/// (`approximate`).
///
/// - A plain year is correct exactly; off by at most 2 it is close.
/// - A range accepts either end or the whole range; a year between the ends,
///   or within 2 of one, is close, and so is a range whose ends are each
///   within 2.
/// - A decade (1890–1899) accepts "1890s", "the 1890s", any year inside it
///   and any range inside it; a year within 2 of it is close.
/// - A decade typed for a year or range card is close when it contains the
///   whole answer ("the 1900s" for 1905).
/// - Text that is not a date is wrong.
pub(crate) fn judge_year(
    year: u16,
    end_year: Option<u16>,
    approximate: bool,
    given: &str,
) -> Verdict {
    let Some(date) = parse_date(given) else {
        return Verdict::Wrong;
    };
    let start = year;
    let end = if approximate {
        end_year.unwrap_or_else(|| year.saturating_add(9 - year % 10))
    } else {
        end_year.unwrap_or(year)
    }
    .max(start);
    let near = |a: u16, b: u16| a.abs_diff(b) <= 2;
    match date {
        GivenDate::Year(g) => {
            let exact = if approximate {
                (start..=end).contains(&g)
            } else {
                g == start || g == end
            };
            if exact {
                Verdict::Correct
            } else if (start..=end).contains(&g) || near(g, start) || near(g, end) {
                Verdict::Close
            } else {
                Verdict::Wrong
            }
        }
        GivenDate::Range(a, b) => {
            if (a, b) == (start, end) || (approximate && start <= a && b <= end) {
                Verdict::Correct
            } else if near(a, start) && near(b, end) {
                Verdict::Close
            } else {
                Verdict::Wrong
            }
        }
        GivenDate::Decade(d) => {
            let decade_end = d.saturating_add(9);
            if approximate && d == start - start % 10 {
                Verdict::Correct
            } else if !approximate && d <= start && end <= decade_end {
                Verdict::Close
            } else {
                Verdict::Wrong
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text(answer: &str, accept: &[&str]) -> Expected {
        Expected::Text {
            answer: answer.into(),
            accept: accept.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn year(year: u16) -> Expected {
        Expected::Year {
            year,
            end_year: None,
            approximate: false,
        }
    }

    fn range(year: u16, end: u16) -> Expected {
        Expected::Year {
            year,
            end_year: Some(end),
            approximate: false,
        }
    }

    fn decade(year: u16) -> Expected {
        Expected::Year {
            year,
            end_year: Some(year + 9),
            approximate: true,
        }
    }

    fn verdict(expected: &Expected, given: &str) -> Verdict {
        judge(expected, given, false).verdict
    }

    fn grade(expected: &Expected, given: &str, fast: bool) -> u8 {
        judge(expected, given, fast).proposed.value()
    }

    #[test]
    fn accents_case_punctuation_and_articles_do_not_matter() {
        let hokkaido = text("Hokkaidō", &[]);
        assert_eq!(verdict(&hokkaido, "hokkaido"), Verdict::Correct);
        assert_eq!(verdict(&hokkaido, "HOKKAIDO"), Verdict::Correct);
        assert_eq!(verdict(&text("Shōgun", &[]), "Shogun"), Verdict::Correct);
        assert_eq!(verdict(&text("Shogun", &[]), "shōgun"), Verdict::Correct);
        let pavel = text("Pavel Lebedev-Lastochkin", &[]);
        assert_eq!(
            verdict(&pavel, "pavel lebedev lastochkin"),
            Verdict::Correct
        );
        assert_eq!(
            verdict(&pavel, "Pavel Lebedev–Lastochkin."),
            Verdict::Correct
        );
        let treaty = text("Treaty of Portsmouth", &[]);
        assert_eq!(
            verdict(&treaty, "the Treaty of Portsmouth"),
            Verdict::Correct
        );
        assert_eq!(
            verdict(
                &text("The Treaty of Portsmouth", &[]),
                "treaty of portsmouth"
            ),
            Verdict::Correct
        );
    }

    #[test]
    fn accept_alternatives_count_and_are_reported_as_matched() {
        let roosevelt = text("Theodore Roosevelt", &["Roosevelt", "Teddy Roosevelt"]);
        let j = judge(&roosevelt, "teddy roosevelt", false);
        assert_eq!(j.verdict, Verdict::Correct);
        assert_eq!(j.matched.as_deref(), Some("Teddy Roosevelt"));
        assert_eq!(verdict(&roosevelt, "Roosevelt"), Verdict::Correct);
        assert_eq!(verdict(&roosevelt, "Franklin"), Verdict::Wrong);
        assert_eq!(judge(&roosevelt, "Franklin", false).matched, None);
    }

    #[test]
    fn typos_are_tolerated_on_long_answers_only() {
        // "laxman" has 6 letters: one edit allowed.
        let laxman = text("Laxman", &[]);
        let j = judge(&laxman, "Laxmn", true);
        assert_eq!(j.verdict, Verdict::Typo);
        assert_eq!(j.proposed.value(), 3, "a typo is 3 even when fast");
        assert_eq!(j.matched.as_deref(), Some("Laxman"));
        assert_eq!(verdict(&laxman, "Lxamn"), Verdict::Wrong, "two edits");
        // Four letters or fewer: exact only.
        let neva = text("Neva", &[]);
        assert_eq!(verdict(&neva, "Nevo"), Verdict::Wrong);
        assert_eq!(verdict(&text("Amur", &[]), "Amor"), Verdict::Wrong);
        // Five letters is the first length with a budget.
        assert_eq!(verdict(&text("Kuril", &[]), "Kurli"), Verdict::Typo);
        // 9–15 letters: two edits, not three.
        let golovnin = text("Vasily Golovnin", &[]);
        assert_eq!(verdict(&golovnin, "Vasiliy Golovnim"), Verdict::Typo);
        assert_eq!(verdict(&golovnin, "Vasiliy Golavnim"), Verdict::Wrong);
        // Beyond 15 letters: three.
        let krusenstern = text("Adam Johann von Krusenstern", &[]);
        assert_eq!(
            verdict(&krusenstern, "Adam Johan von Kruzenshtern"),
            Verdict::Typo
        );
        assert_eq!(typo_budget("abcd"), 0);
        assert_eq!(typo_budget("ab cde"), 1);
        assert_eq!(typo_budget("abcdefgh"), 1);
        assert_eq!(typo_budget("abcdefghi"), 2);
        assert_eq!(typo_budget("abcdefghijklmnop"), 3);
    }

    #[test]
    fn a_typo_never_changes_a_number() {
        let alexander = text("Alexander I", &[]);
        assert_eq!(verdict(&alexander, "Alexandr I"), Verdict::Typo);
        assert_eq!(verdict(&alexander, "Alexander II"), Verdict::Wrong);
        assert_eq!(
            verdict(&text("10,000 men", &[]), "10,001 men"),
            Verdict::Wrong
        );
    }

    #[test]
    fn one_missing_word_is_close() {
        let treaty = text("Treaty of Portsmouth", &[]);
        let j = judge(&treaty, "Treaty Portsmouth", true);
        assert_eq!(j.verdict, Verdict::Close);
        assert_eq!(j.proposed.value(), 2);
        assert_eq!(
            verdict(&treaty, "Portsmouth"),
            Verdict::Wrong,
            "two missing"
        );
        let pair = text("Khvostov and Davydov", &[]);
        assert_eq!(verdict(&pair, "Khvostov Davydov"), Verdict::Close);
        let alexander = text("Alexander I", &[]);
        assert_eq!(verdict(&alexander, "Alexander"), Verdict::Close);
        assert_eq!(verdict(&alexander, "I"), Verdict::Wrong, "too little left");
        let roosevelt = text("Theodore Roosevelt", &[]);
        assert_eq!(verdict(&roosevelt, "Roosevelt"), Verdict::Close);
        assert_eq!(verdict(&roosevelt, "Theodore"), Verdict::Close);
        // One word missing and a typo in the rest is still close.
        assert_eq!(verdict(&roosevelt, "Rooseveld"), Verdict::Close);
        assert_eq!(verdict(&text("Dejima", &[]), ""), Verdict::Blank);
        // A single-word answer has no word to miss.
        assert_eq!(verdict(&text("Dejima", &[]), "island"), Verdict::Wrong);
    }

    #[test]
    fn a_cloze_with_repeated_deletions_accepts_the_joined_form() {
        let joined = text("Hakodate, Matsumae", &[]);
        assert_eq!(verdict(&joined, "Hakodate, Matsumae"), Verdict::Correct);
        assert_eq!(verdict(&joined, "hakodate matsumae"), Verdict::Correct);
        assert_eq!(verdict(&joined, "Hakodate"), Verdict::Close);
    }

    #[test]
    fn blank_and_question_mark_are_zero_and_fast_correct_is_five() {
        for expected in [text("Dejima", &[]), year(1792)] {
            for blank in ["", "   ", "?", " ?? "] {
                let j = judge(&expected, blank, true);
                assert_eq!(j.verdict, Verdict::Blank, "{blank:?}");
                assert_eq!(j.proposed.value(), 0);
                assert_eq!(j.matched, None);
            }
        }
        assert_eq!(grade(&text("Dejima", &[]), "dejima", true), 5);
        assert_eq!(grade(&text("Dejima", &[]), "dejima", false), 4);
        assert_eq!(grade(&text("Dejima", &[]), "Nagasaki", true), 1);
        assert_eq!(grade(&year(1792), "1792", true), 5);
        assert_eq!(grade(&year(1792), "1792", false), 4);
    }

    #[test]
    fn years_exact_off_by_one_and_off_by_three() {
        let laxman = year(1792);
        let j = judge(&laxman, "1792", false);
        assert_eq!(j.verdict, Verdict::Correct);
        assert_eq!(j.matched.as_deref(), Some("1792"));
        assert_eq!(verdict(&laxman, " in 1792 "), Verdict::Correct);
        assert_eq!(verdict(&laxman, "1792 AD"), Verdict::Correct);
        assert_eq!(verdict(&laxman, "1793"), Verdict::Close);
        assert_eq!(verdict(&laxman, "1790"), Verdict::Close);
        assert_eq!(grade(&laxman, "1791", true), 2);
        assert_eq!(verdict(&laxman, "1795"), Verdict::Wrong);
        assert_eq!(verdict(&laxman, "1789"), Verdict::Wrong);
        assert_eq!(verdict(&laxman, "Laxman"), Verdict::Wrong);
        assert_eq!(verdict(&laxman, "17920"), Verdict::Wrong);
        assert_eq!(verdict(&laxman, "1792 or 1793"), Verdict::Wrong);
        assert_eq!(judge(&laxman, "Laxman", false).matched, None);
        assert_eq!(verdict(&laxman, "the 1790s"), Verdict::Close);
    }

    #[test]
    fn ranges_accept_either_end_or_the_whole_in_common_spellings() {
        let war = range(1904, 1905);
        for given in [
            "1904",
            "1905",
            "1904-1905",
            "1904–1905",
            "1904 — 1905",
            "1904–05",
            "1904-5",
            "1904 to 1905",
            "from 1904 to 1905",
            "between 1904 and 1905",
            "1904/05",
        ] {
            assert_eq!(verdict(&war, given), Verdict::Correct, "{given:?}");
        }
        assert_eq!(verdict(&war, "1906"), Verdict::Close);
        assert_eq!(verdict(&war, "1903-1906"), Verdict::Close);
        assert_eq!(verdict(&war, "1908"), Verdict::Wrong);
        assert_eq!(verdict(&war, "1894-1895"), Verdict::Wrong);
        let long = range(1899, 1901);
        assert_eq!(verdict(&long, "1899–01"), Verdict::Correct);
        assert_eq!(verdict(&long, "1900"), Verdict::Close, "inside the range");
        assert_eq!(verdict(&long, "the 1890s"), Verdict::Wrong);
    }

    #[test]
    fn decades_accept_the_decade_and_any_year_in_it() {
        let nineties = decade(1890);
        for given in [
            "1890s",
            "the 1890s",
            "1890's",
            "1890",
            "1895",
            "1899",
            "c. 1895",
            "1890-1899",
            "1893–97",
        ] {
            assert_eq!(verdict(&nineties, given), Verdict::Correct, "{given:?}");
        }
        assert_eq!(verdict(&nineties, "1900"), Verdict::Close);
        assert_eq!(verdict(&nineties, "1888"), Verdict::Close);
        assert_eq!(verdict(&nineties, "1887"), Verdict::Wrong);
        assert_eq!(verdict(&nineties, "1880s"), Verdict::Wrong);
        assert_eq!(verdict(&nineties, "1895s"), Verdict::Wrong);
        // Without an explicit end the decade is the one the year starts.
        let open = Expected::Year {
            year: 1630,
            end_year: None,
            approximate: true,
        };
        assert_eq!(verdict(&open, "1639"), Verdict::Correct);
        assert_eq!(verdict(&open, "the 1630s"), Verdict::Correct);
        assert_eq!(verdict(&open, "1640"), Verdict::Close);
    }

    #[test]
    fn dates_parse_in_their_common_forms() {
        assert_eq!(parse_date("1905"), Some(GivenDate::Year(1905)));
        assert_eq!(parse_date("1905?"), Some(GivenDate::Year(1905)));
        assert_eq!(parse_date("1890s"), Some(GivenDate::Decade(1890)));
        assert_eq!(parse_date("1890 s"), Some(GivenDate::Decade(1890)));
        assert_eq!(parse_date("1905-1904"), Some(GivenDate::Range(1904, 1905)));
        assert_eq!(parse_date("1904 1905"), Some(GivenDate::Range(1904, 1905)));
        assert_eq!(parse_date("65535-9"), None, "an end past the largest year");
        assert_eq!(parse_date("nineteen oh five"), None);
        assert_eq!(parse_date("1905年"), None);
    }

    #[test]
    fn every_bundled_answer_and_alternative_is_correct() {
        for deck in crate::bundled::all() {
            for item in deck.items() {
                let expected = item.expected();
                let mut givens = vec![expected.display()];
                if let Expected::Text { accept, .. } = &expected {
                    givens.extend(accept.iter().cloned());
                }
                for given in givens {
                    let j = judge(&expected, &given, false);
                    assert_eq!(j.verdict, Verdict::Correct, "{}: {given:?}", item.id());
                }
            }
        }
    }

    proptest! {
        #[test]
        fn judge_never_panics(given in any::<String>(), y in any::<u16>(), end in proptest::option::of(any::<u16>()), approx in any::<bool>(), fast in any::<bool>()) {
            let expected = Expected::Year { year: y, end_year: end, approximate: approx };
            let j = judge(&expected, &given, fast);
            prop_assert_eq!(j.proposed, j.verdict.quality(fast));
            let j = judge(&text("Pavel Lebedev-Lastochkin", &["Lebedev"]), &given, fast);
            prop_assert_eq!(j.proposed, j.verdict.quality(fast));
        }

        #[test]
        fn judge_never_panics_on_date_like_input(given in "[0-9 s'–/-]{0,12}", y in any::<u16>(), end in proptest::option::of(any::<u16>()), approx in any::<bool>()) {
            let expected = Expected::Year { year: y, end_year: end, approximate: approx };
            let _ = judge(&expected, &given, false);
        }

        #[test]
        fn the_answer_itself_is_always_correct(answer in "\\PC{1,30}") {
            prop_assume!(!is_blank(&answer));
            prop_assert_eq!(verdict(&text(&answer, &[]), &answer), Verdict::Correct);
        }

        #[test]
        fn every_year_display_is_accepted(y in 1u16..3000, len in proptest::option::of(1u16..50), approx in any::<bool>()) {
            let expected = if approx {
                decade(y - y % 10)
            } else {
                Expected::Year { year: y, end_year: len.map(|l| y + l), approximate: false }
            };
            prop_assert_eq!(verdict(&expected, &expected.display()), Verdict::Correct);
        }
    }
}
