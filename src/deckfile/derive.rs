//! `recall derive`: a draft deck from a plain-text document. Deterministic:
//! the same text always gives the same deck, byte for byte.
//!
//! Headings become sections; every sentence that carries a year becomes a
//! `date` card, and the named things in it (people, places, treaties) a
//! `cloze` card. The draft is meant to be edited by a teacher.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::Regex;

use super::slug::{id_words, slug, unique_id};
use crate::model::{Card, CardKind, Cloze, Deck, DeckId};

/// What to call the derived deck.
#[derive(Debug, Clone, Default)]
pub struct DeriveOptions {
    /// The deck id; from the title when absent.
    pub id: Option<DeckId>,
    /// The title; the document's first heading when absent.
    pub title: Option<String>,
    /// Where the text came from (a file name), recorded as the deck's `source`.
    pub source: Option<String>,
}

/// One year expression found in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearMention {
    /// Byte range of the expression in the sentence.
    pub span: std::ops::Range<usize>,
    pub year: u16,
    pub end_year: Option<u16>,
    /// A decade such as "the 1890s".
    pub approximate: bool,
}

const YEAR: &str = r"(1[0-9]{3}|20[0-9]{2})";

static RANGE: LazyLock<Regex> = LazyLock::new(|| {
    let re = format!(
        r"(?i)\b(?:between\s+{YEAR}\s+and\s+{YEAR}|{YEAR}\s*(?:–|—|-|\bto\b|\buntil\b)\s*([0-9]{{4}}|[0-9]{{2}}))\b"
    );
    Regex::new(&re).unwrap_or_else(|e| unreachable!("static pattern: {e}"))
});
static DECADE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"\b{YEAR}s\b")).unwrap_or_else(|e| unreachable!("static pattern: {e}"))
});
static SINGLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"\b{YEAR}\b")).unwrap_or_else(|e| unreachable!("static pattern: {e}"))
});
static WORD: LazyLock<Regex> = LazyLock::new(|| {
    // Initialisms ("U.S.", "E.") or words with inner apostrophes and hyphens.
    Regex::new(r"(?:\p{Lu}\.)+|[\p{L}\p{N}](?:[\p{L}\p{N}'’-]*[\p{L}\p{N}])?")
        .unwrap_or_else(|e| unreachable!("static pattern: {e}"))
});

/// Words after a number that make it a quantity rather than a year.
const QUANTITY_WORDS: &[&str] = &[
    "people",
    "men",
    "women",
    "soldiers",
    "troops",
    "settlers",
    "sailors",
    "ships",
    "guns",
    "casualties",
    "dead",
    "killed",
    "km",
    "kilometres",
    "kilometers",
    "miles",
    "tons",
    "tonnes",
    "yen",
    "roubles",
    "rubles",
    "dollars",
    "pounds",
    "percent",
    "%",
    "metres",
    "meters",
    "feet",
    "men-of-war",
    "horses",
    "vessels",
];

/// Finds the years in a sentence: ranges ("1855 to 1858", "1904–1905",
/// "between 1899 and 1901"), decades ("1890s") and single years, leaving out
/// numbers that are quantities ("1500 soldiers", "100,000") or ordinals.
pub fn find_years(sentence: &str) -> Vec<YearMention> {
    let mut found: Vec<YearMention> = Vec::new();
    let taken = |found: &[YearMention], r: &std::ops::Range<usize>| {
        found
            .iter()
            .any(|m| m.span.start < r.end && r.start < m.span.end)
    };
    for c in RANGE.captures_iter(sentence) {
        let whole = c.get(0).map_or(0..0, |m| m.range());
        let (a, b) = match (c.get(1), c.get(2), c.get(3), c.get(4)) {
            (Some(a), Some(b), _, _) => (a.as_str(), b.as_str().to_owned()),
            (_, _, Some(a), Some(b)) => (a.as_str(), b.as_str().to_owned()),
            _ => continue,
        };
        let Ok(start) = a.parse::<u16>() else {
            continue;
        };
        let end = match b.len() {
            // "1904–05": the century of the first year.
            2 => b.parse::<u16>().ok().map(|yy| start / 100 * 100 + yy),
            _ => b.parse::<u16>().ok(),
        };
        let Some(end) = end.filter(|&e| e > start && e < 2100) else {
            continue;
        };
        if is_number_context(sentence, whole.clone()) {
            continue;
        }
        found.push(YearMention {
            span: whole,
            year: start,
            end_year: Some(end),
            approximate: false,
        });
    }
    for m in DECADE.find_iter(sentence) {
        let Ok(year) = sentence[m.start()..m.end() - 1].parse::<u16>() else {
            continue;
        };
        if year % 10 != 0 || taken(&found, &m.range()) {
            continue;
        }
        found.push(YearMention {
            span: m.range(),
            year,
            end_year: Some(year + 9),
            approximate: true,
        });
    }
    for m in SINGLE.find_iter(sentence) {
        if taken(&found, &m.range()) || is_number_context(sentence, m.range()) {
            continue;
        }
        let after = &sentence[m.end()..];
        if ["th", "st", "nd", "rd", "s"]
            .iter()
            .any(|suffix| after.starts_with(suffix))
        {
            continue;
        }
        let Ok(year) = m.as_str().parse::<u16>() else {
            continue;
        };
        found.push(YearMention {
            span: m.range(),
            year,
            end_year: None,
            approximate: false,
        });
    }
    found.sort_by_key(|m| m.span.start);
    found
}

/// True when the digits at `span` are part of a bigger number, money, a
/// page range, or a quantity.
fn is_number_context(sentence: &str, span: std::ops::Range<usize>) -> bool {
    let before = sentence[..span.start].chars().next_back();
    let after = sentence[span.end..].chars().next();
    if before
        .is_some_and(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '$' | '£' | '€' | '¥' | '#'))
        || after.is_some_and(|c| c.is_ascii_digit() || c == '%')
    {
        return true;
    }
    // "1,500" or "1.500": a digit group follows.
    let rest = &sentence[span.end..];
    if (rest.starts_with(',') || rest.starts_with('.'))
        && rest[1..].chars().next().is_some_and(|c| c.is_ascii_digit())
    {
        return true;
    }
    let next_word = rest
        .trim_start()
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | ';' | ':' | ')'))
        .next()
        .unwrap_or("")
        .to_lowercase();
    QUANTITY_WORDS.contains(&next_word.as_str())
}

/// A heading: a short line with no sentence punctuation at its end.
fn is_heading(line: &str) -> bool {
    let line = line.trim();
    if let Some(h) = line.strip_prefix('#') {
        return !h.trim_start_matches('#').trim().is_empty();
    }
    let words = line.split_whitespace().count();
    let first = line.chars().next();
    (1..=12).contains(&words)
        && line.chars().count() <= 80
        && !line.ends_with(['.', ',', ';', ':', '!', '?', '"', '”'])
        && !line.contains(". ")
        && first.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

fn heading_text(line: &str) -> String {
    line.trim().trim_start_matches('#').trim().to_owned()
}

/// Abbreviations after which a period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "St", "Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Adm", "Col", "Capt", "Lt", "Sgt", "Gov", "Pres",
    "Rev", "Jr", "Sr", "vs", "etc", "pp", "p", "No", "Vol", "Ed", "cf", "ca", "c", "approx", "Fig",
    "Mt", "Ft",
];

/// Splits a paragraph into sentences at `.`, `!` or `?` followed by a space
/// and a capital or a digit, but not after initials ("George E. Mowry",
/// "U.S.") or common abbreviations ("St. Petersburg").
pub fn sentences(paragraph: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = paragraph.char_indices().collect();
    for (i, &(at, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        // The end may be followed by closing quotes or brackets.
        let mut j = i + 1;
        while chars
            .get(j)
            .is_some_and(|&(_, c)| matches!(c, '"' | '\'' | '”' | '’' | ')' | ']'))
        {
            j += 1;
        }
        let space = chars.get(j).is_some_and(|&(_, c)| c.is_whitespace());
        let mut k = j;
        while chars.get(k).is_some_and(|&(_, c)| c.is_whitespace()) {
            k += 1;
        }
        let next_starts = chars.get(k).is_some_and(|&(_, c)| {
            c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '“')
        });
        if !(space && next_starts) {
            continue;
        }
        if c == '.' {
            let word = paragraph[start..at]
                .rsplit(|c: char| c.is_whitespace() || c == '(')
                .next()
                .unwrap_or("");
            let last = word.rsplit('.').next().unwrap_or(word);
            let initial = last.chars().count() == 1 && last.chars().all(char::is_uppercase);
            if initial || ABBREVIATIONS.contains(&last) {
                continue;
            }
        }
        let end = chars.get(j).map_or(paragraph.len(), |&(b, _)| b);
        push_sentence(&mut out, &paragraph[start..end]);
        start = chars.get(k).map_or(paragraph.len(), |&(b, _)| b);
    }
    push_sentence(&mut out, &paragraph[start..]);
    out
}

fn push_sentence(out: &mut Vec<String>, text: &str) {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if !text.is_empty() {
        out.push(text);
    }
}

/// Words that start sentences without being names.
const FUNCTION_WORDS: &[&str] = &[
    "A",
    "An",
    "The",
    "In",
    "On",
    "At",
    "By",
    "For",
    "From",
    "To",
    "Of",
    "With",
    "After",
    "Before",
    "During",
    "Since",
    "Until",
    "As",
    "When",
    "While",
    "Although",
    "Though",
    "But",
    "And",
    "Or",
    "So",
    "Yet",
    "This",
    "That",
    "These",
    "Those",
    "It",
    "Its",
    "He",
    "She",
    "They",
    "His",
    "Her",
    "Their",
    "We",
    "Our",
    "There",
    "Here",
    "Then",
    "Now",
    "Later",
    "Eventually",
    "Finally",
    "First",
    "Secondly",
    "Meanwhile",
    "However",
    "Thus",
    "Also",
    "Some",
    "Many",
    "Most",
    "Various",
    "Three",
    "Two",
    "One",
    "Both",
    "Each",
    "Every",
    "If",
    "Where",
    "Which",
    "Who",
    "What",
    "Why",
    "How",
    "Relations",
    "Entering",
];

/// Endings of single capitalised words that are adjectives or peoples
/// ("Russian", "Chinese", "Communist") rather than names worth a cloze.
const DEMONYM_ENDINGS: &[&str] = &[
    "ese", "ian", "ians", "ans", "an", "ist", "ists", "ish", "ic",
];

/// Small words that may join the parts of a name ("Treaty of Saint Petersburg").
const NAME_JOINERS: &[&str] = &[
    "of", "von", "van", "de", "der", "du", "la", "le", "da", "di",
];

/// The named things in a sentence: runs of capitalised words, joined by
/// "of", "von" and the like, kept whole ("Treaty of Saint Petersburg",
/// "Anglo-Japanese Alliance").
fn names_in(sentence: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let words: Vec<regex::Match> = WORD.find_iter(sentence).collect();
    let capital = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let mut names = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if !capital(words[i].as_str()) || words[i].as_str().chars().all(|c| c.is_ascii_digit()) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        loop {
            // Only plain spaces between the words of one name.
            let gap_ok = |a: &regex::Match, b: &regex::Match| sentence[a.end()..b.start()] == *" ";
            if j < words.len() && capital(words[j].as_str()) && gap_ok(&words[j - 1], &words[j]) {
                j += 1;
            } else if j + 1 < words.len()
                && NAME_JOINERS.contains(&words[j].as_str())
                && capital(words[j + 1].as_str())
                && gap_ok(&words[j - 1], &words[j])
                && gap_ok(&words[j], &words[j + 1])
            {
                j += 2;
            } else {
                break;
            }
        }
        let mut first = i;
        if i == 0 && FUNCTION_WORDS.contains(&words[0].as_str().trim_end_matches('.')) {
            first = 1;
        }
        if first < j {
            let range = words[first].start()..words[j - 1].end();
            let text = sentence[range.clone()]
                .trim_end_matches(['\'', '’'])
                .trim_end_matches("'s")
                .trim_end_matches("’s")
                .to_owned();
            let range = range.start..range.start + text.len();
            let single = !text.contains(' ');
            let adjective = single && DEMONYM_ENDINGS.iter().any(|e| text.ends_with(e));
            if !FUNCTION_WORDS.contains(&text.as_str()) && text.chars().count() > 1 && !adjective {
                names.push((range, text));
            }
        }
        i = j;
    }
    names
}

/// A block of the document: a heading, or a paragraph under one.
enum Block {
    Heading(String),
    Paragraph(String),
}

fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |paragraph: &mut Vec<&str>, out: &mut Vec<Block>| {
        if !paragraph.is_empty() {
            out.push(Block::Paragraph(paragraph.join(" ")));
            paragraph.clear();
        }
    };
    for line in text.lines() {
        if line.trim().is_empty() {
            flush(&mut paragraph, &mut out);
        } else if paragraph.is_empty() && is_heading(line) {
            out.push(Block::Heading(heading_text(line)));
        } else {
            // A line of prose ends the paragraph when the text is one paragraph per line.
            paragraph.push(line.trim());
            if line.trim_end().ends_with(['.', '!', '?', '"', '”']) {
                flush(&mut paragraph, &mut out);
            }
        }
    }
    flush(&mut paragraph, &mut out);
    out
}

/// The draft deck for a document.
pub fn derive(text: &str, options: &DeriveOptions) -> Deck {
    let blocks = blocks(text);
    let doc_title = blocks.iter().find_map(|b| match b {
        Block::Heading(h) => Some(h.clone()),
        Block::Paragraph(_) => None,
    });
    let title = options
        .title
        .clone()
        .or(doc_title.clone())
        .unwrap_or_else(|| "Derived deck".to_owned());
    let id = options.id.clone().unwrap_or_else(|| {
        DeckId::new(&slug(&title, 8)).unwrap_or_else(|_| {
            DeckId::new("derived-deck").unwrap_or_else(|e| unreachable!("valid literal: {e}"))
        })
    });

    // Every sentence with its section and period, in document order.
    struct Sentence {
        text: String,
        section: Option<String>,
        period: Option<String>,
    }
    let mut all = Vec::new();
    let mut section: Option<String> = None;
    let mut period: Option<String> = None;
    for block in &blocks {
        match block {
            Block::Heading(h) => {
                // The document's title heads its lead paragraphs; later
                // headings start sections.
                section = Some(h.clone());
                if let Some(range) = find_years(h)
                    .iter()
                    .find(|m| m.end_year.is_some() && !m.approximate)
                {
                    period = Some(format!(
                        "{}-{}",
                        range.year,
                        range.end_year.unwrap_or(range.year)
                    ));
                }
                if Some(h) != doc_title.as_ref() && !find_years(h).is_empty() {
                    all.push(Sentence {
                        text: h.clone(),
                        section: section.clone(),
                        period: period.clone(),
                    });
                }
            }
            Block::Paragraph(p) => {
                for s in sentences(p) {
                    all.push(Sentence {
                        text: s,
                        section: section.clone(),
                        period: period.clone(),
                    });
                }
            }
        }
    }

    // Names found in many sentences (the document's subject) make poor clozes.
    let mut name_counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut mid_sentence_capitals: BTreeSet<String> = BTreeSet::new();
    for s in &all {
        let names = names_in(&s.text);
        for (range, name) in &names {
            if range.start > 0 {
                mid_sentence_capitals.insert(name.clone());
            }
        }
        let distinct: BTreeSet<String> = names.into_iter().map(|(_, n)| n).collect();
        for n in distinct {
            *name_counts.entry(n).or_default() += 1;
        }
    }
    let too_common = (all.len() / 8).max(3);

    let mut used = BTreeSet::new();
    let mut cards = Vec::new();
    for s in &all {
        let years = find_years(&s.text);
        if years.is_empty() {
            continue;
        }
        let mut tags = Vec::new();
        if let Some(p) = &s.period {
            tags.push(p.clone());
        }
        if let Some(sec) = &s.section {
            let t = slug(sec, 6);
            if !t.is_empty() && !tags.contains(&t) {
                tags.push(t);
            }
        }
        let mut without_years = s.text.clone();
        for m in years.iter().rev() {
            without_years.replace_range(m.span.clone(), " ");
        }
        let words = id_words(&without_years);
        for m in &years {
            let mut event = String::new();
            event.push_str(&s.text[..m.span.start]);
            event.push('…');
            event.push_str(&s.text[m.span.end..]);
            let base = format!("{}-{words}", m.year);
            cards.push(Card {
                id: unique_id(base.trim_end_matches('-'), &mut used),
                kind: CardKind::Date {
                    event,
                    year: m.year,
                    end_year: m.end_year,
                    approximate: m.approximate,
                },
                tags: tags.clone(),
                section: s.section.clone(),
                explanation: Some(s.text.clone()),
            });
        }

        let names: Vec<(std::ops::Range<usize>, String)> = names_in(&s.text)
            .into_iter()
            .filter(|(range, name)| {
                name_counts.get(name).copied().unwrap_or(0) <= too_common
                    && (range.start > 0
                        || name.contains(' ')
                        || mid_sentence_capitals.contains(name))
                    && !years
                        .iter()
                        .any(|m| m.span.start < range.end && range.start < m.span.end)
            })
            .collect();
        if names.is_empty() || s.text.contains("{{") || s.text.contains("}}") {
            continue;
        }
        let mut text = String::new();
        let mut last = 0;
        let mut numbers: BTreeMap<&str, usize> = BTreeMap::new();
        for (range, name) in &names {
            if numbers.len() >= 3 && !numbers.contains_key(name.as_str()) {
                continue;
            }
            let next = numbers.len() + 1;
            let n = *numbers.entry(name.as_str()).or_insert(next);
            text.push_str(&s.text[last..range.start]);
            text.push_str(&format!("{{{{c{n}::{name}}}}}"));
            last = range.end;
        }
        text.push_str(&s.text[last..]);
        let Ok(cloze) = Cloze::parse(&text) else {
            continue;
        };
        cards.push(Card {
            id: unique_id(&format!("{}-{words}-names", years[0].year), &mut used),
            kind: CardKind::Cloze(cloze),
            tags,
            section: s.section.clone(),
            explanation: None,
        });
    }

    Deck {
        id,
        title,
        version: Some(semver::Version::new(0, 1, 0)),
        description: Some(
            "A draft derived from a document by `recall derive`; edit before sharing.".to_owned(),
        ),
        author: None,
        source: options.source.clone(),
        language: None,
        cards,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn years(s: &str) -> Vec<(u16, Option<u16>, bool)> {
        find_years(s)
            .into_iter()
            .map(|m| (m.year, m.end_year, m.approximate))
            .collect()
    }

    #[test]
    fn ranges_decades_and_single_years_are_found() {
        assert_eq!(
            years("He signed three treaties between 1855 and 1858."),
            [(1855, Some(1858), false)]
        );
        assert_eq!(
            years("Treaties from 1855 to 1858."),
            [(1855, Some(1858), false)]
        );
        assert_eq!(
            years("The war of 1904–1905 ended."),
            [(1904, Some(1905), false)]
        );
        assert_eq!(
            years("The rebellion of 1899-1901."),
            [(1899, Some(1901), false)]
        );
        assert_eq!(
            years("War with Russia 1904-05"),
            [(1904, Some(1905), false)]
        );
        assert_eq!(
            years("Tensions escalated in 1890s"),
            [(1890, Some(1899), true)]
        );
        assert_eq!(
            years("Friendly from 1855 to the early 1890s."),
            [(1855, None, false), (1890, Some(1899), true)]
        );
        assert_eq!(
            years("In 1792, Laxman arrived; in 1804 Rezanov."),
            [(1792, None, false), (1804, None, false)]
        );
    }

    #[test]
    fn numbers_that_are_not_years_are_left_alone() {
        assert!(years("perhaps 100,000 settlers").is_empty());
        assert!(years("a coalition of 11 Western powers").is_empty());
        assert!(years("north of the 39th parallel").is_empty());
        assert!(years("for the following 18 months").is_empty());
        assert!(years("an army of 1500 soldiers").is_empty());
        assert!(years("it cost $1200 and 1,905 roubles").is_empty());
        assert!(years("the 19th century; the 1905th day").is_empty());
        assert!(years("pp 87-122").is_empty());
    }

    #[test]
    fn sentences_split_at_ends_but_not_at_initials() {
        assert_eq!(
            sentences(
                "Historian George E. Mowry agreed. In 1905 U.S. President Roosevelt mediated. It worked!"
            ),
            [
                "Historian George E. Mowry agreed.",
                "In 1905 U.S. President Roosevelt mediated.",
                "It worked!"
            ]
        );
        assert_eq!(
            sentences("He went to St. Petersburg. Then home."),
            ["He went to St. Petersburg.", "Then home."]
        );
    }

    #[test]
    fn initials_possessives_and_adjectives() {
        let names = |s: &str| -> Vec<String> { names_in(s).into_iter().map(|(_, n)| n).collect() };
        assert_eq!(
            names("In 1905 U.S. President Theodore Roosevelt mediated."),
            ["U.S. President Theodore Roosevelt"]
        );
        assert_eq!(
            names("Historian George E. Mowry concludes."),
            ["Historian George E. Mowry"]
        );
        assert_eq!(
            names("It studied Russia's power near the Amur River."),
            ["Russia", "Amur River"]
        );
        assert_eq!(
            names("They divided Outer Mongolia.David J. Dallin wrote."),
            ["Outer Mongolia", "David J. Dallin"]
        );
        assert_eq!(
            names("with Chinese attacks on Russian and American ships"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn names_are_kept_whole() {
        let names: Vec<String> = names_in(
            "In 1875, the Treaty of Saint Petersburg and the Anglo-Japanese Alliance met the Chinese Eastern Railway.",
        )
        .into_iter()
        .map(|(_, n)| n)
        .collect();
        assert_eq!(
            names,
            [
                "Treaty of Saint Petersburg",
                "Anglo-Japanese Alliance",
                "Chinese Eastern Railway"
            ]
        );
    }

    const DOC: &str = "A Short History\n\nBeginnings (1700–1800)\n\nIn 1750, Captain Ivan Petrov reached Port Alpha with 300 sailors. \
Nothing happened for 40 years.\n\nLater events\n\nBetween 1790 and 1795 the Treaty of North Bay was negotiated by Petrov. \
The 1780s were quiet.\n";

    #[test]
    fn a_document_becomes_a_checked_deck() {
        let deck = derive(DOC, &DeriveOptions::default());
        assert_eq!(deck.title, "A Short History");
        assert_eq!(deck.id.as_str(), "a-short-history");
        let dates: Vec<(String, u16, Option<u16>)> = deck
            .cards
            .iter()
            .filter_map(|c| match &c.kind {
                CardKind::Date { year, end_year, .. } => Some((c.id.to_string(), *year, *end_year)),
                _ => None,
            })
            .collect();
        assert_eq!(
            dates,
            [
                ("1700-beginnings".to_owned(), 1700, Some(1800)),
                ("1750-captain-ivan-petrov-reached".to_owned(), 1750, None),
                (
                    "1790-treaty-north-bay-negotiated".to_owned(),
                    1790,
                    Some(1795)
                ),
                ("1780-quiet".to_owned(), 1780, Some(1789)),
            ]
        );
        let c1750 = &deck.cards[1];
        assert_eq!(c1750.section.as_deref(), Some("Beginnings (1700–1800)"));
        assert_eq!(c1750.tags, ["1700-1800", "beginnings-1700-1800"]);
        let clozes: Vec<String> = deck
            .cards
            .iter()
            .filter_map(|c| match &c.kind {
                CardKind::Cloze(z) => Some(z.to_string()),
                _ => None,
            })
            .collect();
        assert!(
            clozes
                .iter()
                .any(|c| c.contains("{{c1::Captain Ivan Petrov}}")
                    && c.contains("{{c2::Port Alpha}}"))
        );
        assert!(
            clozes
                .iter()
                .any(|c| c.contains("{{c1::Treaty of North Bay}}"))
        );
        // What it writes is a valid deck, and the same every time.
        let text = crate::deckfile::to_json(&deck);
        assert_eq!(crate::deckfile::parse_deck(&text).unwrap(), deck);
        assert_eq!(
            crate::deckfile::to_json(&derive(DOC, &DeriveOptions::default())),
            text
        );
    }
}
