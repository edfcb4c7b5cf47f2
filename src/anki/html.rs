//! Anki fields are HTML; recall cards are plain text. This module turns one
//! into the other and finds the media files a field refers to.
//!
//! A field is a fragment written by Anki's editor (or by whoever made the
//! package), so a small tolerant scanner does the job: tags are dropped,
//! line-making tags become line breaks, entities are decoded, whitespace is
//! tidied, and `<img src>`, `<audio>`/`<video>`/`<source>` and `[sound:…]`
//! references are collected rather than silently lost.

/// A field converted to plain text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Field {
    /// The text, with `[image: NAME]` where a picture was.
    pub text: String,
    /// True when the field has text besides its media placeholders.
    pub has_text: bool,
    /// The media files the field refers to, in order of appearance.
    pub media: Vec<String>,
}

/// Elements whose content is not text at all.
const SKIPPED_ELEMENTS: &[&str] = &["script", "style", "head", "title", "template"];

/// Elements that start and end a line of their own.
const BLOCK_ELEMENTS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tr",
    "ul",
];

/// Converts one Anki field to plain text.
pub fn to_text(html: &str) -> Field {
    let mut out = Out::default();
    let mut media = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(['<', '[', '&']) {
        out.text(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with("<!--") {
            rest = rest.find("-->").map_or("", |end| &rest[end + 3..]);
        } else if rest.starts_with('<') {
            rest = tag(rest, &mut out, &mut media);
        } else if let Some(after) = rest.strip_prefix("[sound:") {
            match after.find(']') {
                Some(end) => {
                    push_media(&mut media, &decode_entities(&after[..end]));
                    rest = &after[end + 1..];
                }
                None => {
                    out.text("[");
                    rest = &rest[1..];
                }
            }
        } else if rest.starts_with('&') {
            let (decoded, len) = entity(rest);
            out.text(&decoded);
            rest = &rest[len..];
        } else {
            out.text("[");
            rest = &rest[1..];
        }
    }
    out.text(rest);
    let (text, has_text) = out.finish();
    Field {
        text,
        has_text,
        media,
    }
}

/// Plain text as an Anki field: HTML special characters escaped, line
/// breaks as `<br>`. The field separator, a control character, never
/// appears in the result.
pub fn from_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            '\u{1f}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Collects text, tidying whitespace as it goes.
#[derive(Default)]
struct Out {
    text: String,
    /// Text other than media placeholders was written.
    has_text: bool,
}

impl Out {
    fn text(&mut self, s: &str) {
        for c in s.chars() {
            // Source line breaks are not breaks in HTML; `&nbsp;` and
            // friends are plain spaces to a learner typing an answer.
            let c = match c {
                '\n' | '\r' | '\t' | '\u{a0}' | '\u{2007}' | '\u{202f}' => ' ',
                '\u{ad}' | '\u{200b}' | '\u{feff}' => continue,
                c if c.is_control() => ' ',
                c => c,
            };
            if c == ' ' {
                if !self.text.is_empty() && !self.text.ends_with([' ', '\n']) {
                    self.text.push(' ');
                }
            } else {
                self.text.push(c);
                self.has_text = true;
            }
        }
    }

    fn placeholder(&mut self, s: &str) {
        let had = self.has_text;
        self.text(s);
        self.has_text = had;
    }

    /// A hard line break (`<br>`).
    fn line_break(&mut self) {
        self.trim_line_end();
        self.text.push('\n');
    }

    /// A break only if the current line has something on it (block elements).
    fn soft_break(&mut self) {
        self.trim_line_end();
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    fn trim_line_end(&mut self) {
        while self.text.ends_with(' ') {
            self.text.pop();
        }
    }

    /// The text with at most one empty line in a row and no blank edges.
    fn finish(self) -> (String, bool) {
        let mut text = String::with_capacity(self.text.len());
        let mut blank_run = 0;
        for line in self.text.split('\n') {
            let line = line.trim();
            if line.is_empty() {
                blank_run += 1;
                continue;
            }
            if !text.is_empty() {
                text.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
            }
            text.push_str(line);
            blank_run = 0;
        }
        (text, self.has_text)
    }
}

/// Handles the tag at the start of `rest` and returns what follows it.
fn tag<'a>(rest: &'a str, out: &mut Out, media: &mut Vec<String>) -> &'a str {
    let Some(end) = tag_end(rest) else {
        // A lone '<' is text ("a < b").
        out.text("<");
        return &rest[1..];
    };
    let inside = &rest[1..end];
    let after = &rest[end + 1..];
    let closing = inside.starts_with('/');
    let name: String = inside
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    if name.is_empty() {
        // `<3`, `< b`, `<!DOCTYPE …>`: a declaration is dropped, text is kept.
        if inside.starts_with(['!', '?']) {
            return after;
        }
        out.text("<");
        return &rest[1..];
    }
    if !closing && SKIPPED_ELEMENTS.contains(&name.as_str()) {
        return skip_element(after, &name);
    }
    match name.as_str() {
        "br" => out.line_break(),
        "img" => {
            if let Some(src) = attribute(inside, "src") {
                push_media(media, &src);
                out.placeholder(&format!(" [image: {src}] "));
            }
        }
        "audio" | "video" | "source" | "embed" | "object" => {
            if let Some(src) = attribute(inside, "src").or_else(|| attribute(inside, "data")) {
                push_media(media, &src);
            }
        }
        "td" | "th" => out.text(" "),
        n if BLOCK_ELEMENTS.contains(&n) => out.soft_break(),
        _ => {}
    }
    after
}

/// The index of the `>` that closes the tag at the start of `s`, skipping
/// quoted attribute values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (None, '>') => return Some(i),
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            // A new tag before this one closed: it was not a tag.
            (None, '<') => return None,
            _ => {}
        }
    }
    None
}

/// Skips to after `</name>`, or to the end when it never closes.
fn skip_element<'a>(s: &'a str, name: &str) -> &'a str {
    let lower = s.to_ascii_lowercase();
    let close = format!("</{name}");
    match lower.find(&close) {
        Some(i) => {
            let from = &s[i..];
            from.find('>').map_or("", |end| &from[end + 1..])
        }
        None => "",
    }
}

/// The value of attribute `name` inside a tag, entities decoded.
fn attribute(inside: &str, name: &str) -> Option<String> {
    let lower = inside.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut from = 0;
    while let Some(found) = lower[from..].find(name) {
        let start = from + found;
        from = start + name.len();
        let preceded_ok = start > 0 && bytes[start - 1].is_ascii_whitespace();
        if !preceded_ok {
            continue;
        }
        let rest = inside[from..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let body = &rest[1..];
                &body[..body.find(q).unwrap_or(body.len())]
            }
            _ => {
                let end = rest
                    .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                    .unwrap_or(rest.len());
                &rest[..end]
            }
        };
        let value = decode_entities(value.trim());
        return (!value.is_empty()).then_some(value);
    }
    None
}

fn push_media(media: &mut Vec<String>, name: &str) {
    let name = name.trim();
    if !name.is_empty() && !media.iter().any(|m| m == name) {
        media.push(name.to_owned());
    }
}

/// Decodes every entity in `s`.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let (decoded, len) = entity(&rest[i..]);
        out.push_str(&decoded);
        rest = &rest[i + len..];
    }
    out.push_str(rest);
    out
}

/// The entity at the start of `s` (which starts with '&'): its text and
/// length. Anything that is not a known entity is the '&' itself.
fn entity(s: &str) -> (String, usize) {
    let not_one = || ("&".to_owned(), 1);
    // Entity names are short: look no further than 32 characters for the ';'.
    let Some(semi) = s[1..]
        .char_indices()
        .take(32)
        .find(|&(_, c)| c == ';')
        .map(|(i, _)| i + 1)
    else {
        return not_one();
    };
    let body = &s[1..semi];
    let decoded = if let Some(num) = body.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse::<u32>().ok(),
        };
        let Some(code) = code else {
            return not_one();
        };
        // HTML maps NUL and invalid code points to the replacement character.
        Some(match char::from_u32(code) {
            Some('\0') | None => '\u{fffd}'.to_string(),
            Some(c) => c.to_string(),
        })
    } else {
        named_entity(body).map(str::to_owned)
    };
    match decoded {
        Some(text) => (text, semi + 1),
        None => not_one(),
    }
}

/// The named entities an Anki field is likely to hold: HTML's markup
/// characters, typography, Latin-1 letters and symbols, and Greek letters.
fn named_entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" | "AMP" => "&",
        "lt" | "LT" => "<",
        "gt" | "GT" => ">",
        "quot" | "QUOT" => "\"",
        "apos" => "'",
        "nbsp" | "ensp" | "emsp" | "thinsp" | "numsp" | "puncsp" | "hairsp" => " ",
        "shy" | "zwj" | "zwnj" | "lrm" | "rlm" => "",
        "ndash" => "–",
        "mdash" => "—",
        "hellip" => "…",
        "lsquo" => "‘",
        "rsquo" => "’",
        "sbquo" => "‚",
        "ldquo" => "“",
        "rdquo" => "”",
        "bdquo" => "„",
        "laquo" => "«",
        "raquo" => "»",
        "lsaquo" => "‹",
        "rsaquo" => "›",
        "bull" => "•",
        "middot" => "·",
        "prime" => "′",
        "Prime" => "″",
        "dagger" => "†",
        "Dagger" => "‡",
        "permil" => "‰",
        "copy" => "©",
        "reg" => "®",
        "trade" => "™",
        "deg" => "°",
        "plusmn" => "±",
        "times" => "×",
        "divide" => "÷",
        "minus" => "−",
        "le" => "≤",
        "ge" => "≥",
        "ne" => "≠",
        "asymp" => "≈",
        "infin" => "∞",
        "larr" => "←",
        "rarr" => "→",
        "uarr" => "↑",
        "darr" => "↓",
        "harr" => "↔",
        "rArr" => "⇒",
        "lArr" => "⇐",
        "hArr" => "⇔",
        "frac12" => "½",
        "frac14" => "¼",
        "frac34" => "¾",
        "sup1" => "¹",
        "sup2" => "²",
        "sup3" => "³",
        "micro" => "µ",
        "para" => "¶",
        "sect" => "§",
        "cent" => "¢",
        "pound" => "£",
        "yen" => "¥",
        "euro" => "€",
        "curren" => "¤",
        "iexcl" => "¡",
        "iquest" => "¿",
        "ordf" => "ª",
        "ordm" => "º",
        "not" => "¬",
        "macr" => "¯",
        "acute" => "´",
        "cedil" => "¸",
        "uml" => "¨",
        "brvbar" => "¦",
        "Agrave" => "À",
        "Aacute" => "Á",
        "Acirc" => "Â",
        "Atilde" => "Ã",
        "Auml" => "Ä",
        "Aring" => "Å",
        "AElig" => "Æ",
        "Ccedil" => "Ç",
        "Egrave" => "È",
        "Eacute" => "É",
        "Ecirc" => "Ê",
        "Euml" => "Ë",
        "Igrave" => "Ì",
        "Iacute" => "Í",
        "Icirc" => "Î",
        "Iuml" => "Ï",
        "ETH" => "Ð",
        "Ntilde" => "Ñ",
        "Ograve" => "Ò",
        "Oacute" => "Ó",
        "Ocirc" => "Ô",
        "Otilde" => "Õ",
        "Ouml" => "Ö",
        "Oslash" => "Ø",
        "Ugrave" => "Ù",
        "Uacute" => "Ú",
        "Ucirc" => "Û",
        "Uuml" => "Ü",
        "Yacute" => "Ý",
        "THORN" => "Þ",
        "szlig" => "ß",
        "agrave" => "à",
        "aacute" => "á",
        "acirc" => "â",
        "atilde" => "ã",
        "auml" => "ä",
        "aring" => "å",
        "aelig" => "æ",
        "ccedil" => "ç",
        "egrave" => "è",
        "eacute" => "é",
        "ecirc" => "ê",
        "euml" => "ë",
        "igrave" => "ì",
        "iacute" => "í",
        "icirc" => "î",
        "iuml" => "ï",
        "eth" => "ð",
        "ntilde" => "ñ",
        "ograve" => "ò",
        "oacute" => "ó",
        "ocirc" => "ô",
        "otilde" => "õ",
        "ouml" => "ö",
        "oslash" => "ø",
        "ugrave" => "ù",
        "uacute" => "ú",
        "ucirc" => "û",
        "uuml" => "ü",
        "yacute" => "ý",
        "thorn" => "þ",
        "yuml" => "ÿ",
        "OElig" => "Œ",
        "oelig" => "œ",
        "Scaron" => "Š",
        "scaron" => "š",
        "Yuml" => "Ÿ",
        "fnof" => "ƒ",
        "Alpha" => "Α",
        "Beta" => "Β",
        "Gamma" => "Γ",
        "Delta" => "Δ",
        "Epsilon" => "Ε",
        "Zeta" => "Ζ",
        "Eta" => "Η",
        "Theta" => "Θ",
        "Iota" => "Ι",
        "Kappa" => "Κ",
        "Lambda" => "Λ",
        "Mu" => "Μ",
        "Nu" => "Ν",
        "Xi" => "Ξ",
        "Omicron" => "Ο",
        "Pi" => "Π",
        "Rho" => "Ρ",
        "Sigma" => "Σ",
        "Tau" => "Τ",
        "Upsilon" => "Υ",
        "Phi" => "Φ",
        "Chi" => "Χ",
        "Psi" => "Ψ",
        "Omega" => "Ω",
        "alpha" => "α",
        "beta" => "β",
        "gamma" => "γ",
        "delta" => "δ",
        "epsilon" => "ε",
        "zeta" => "ζ",
        "eta" => "η",
        "theta" => "θ",
        "iota" => "ι",
        "kappa" => "κ",
        "lambda" => "λ",
        "mu" => "μ",
        "nu" => "ν",
        "xi" => "ξ",
        "omicron" => "ο",
        "pi" => "π",
        "rho" => "ρ",
        "sigmaf" => "ς",
        "sigma" => "σ",
        "tau" => "τ",
        "upsilon" => "υ",
        "phi" => "φ",
        "chi" => "χ",
        "psi" => "ψ",
        "omega" => "ω",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text(html: &str) -> String {
        to_text(html).text
    }

    #[test]
    fn tags_are_stripped_and_lines_kept() {
        assert_eq!(text("Hello <b>world</b>"), "Hello world");
        assert_eq!(
            text("one<br>two<br/>three<BR />four"),
            "one\ntwo\nthree\nfour"
        );
        assert_eq!(
            text("first<div>second</div><div>third</div>"),
            "first\nsecond\nthird"
        );
        assert_eq!(text("<p>a</p><p>b</p>"), "a\nb");
        assert_eq!(text("a<br><br>b"), "a\n\nb");
        assert_eq!(text("a<br><br><br><br>b"), "a\n\nb");
        assert_eq!(text("<ul><li>x</li><li>y</li></ul>"), "x\ny");
        assert_eq!(text("  spaced \n  out\t text  "), "spaced out text");
        assert_eq!(text("<div><br></div>"), "");
    }

    #[test]
    fn entities_are_decoded() {
        assert_eq!(text("Tom&nbsp;&amp;&nbsp;Jerry"), "Tom & Jerry");
        assert_eq!(text("1 &lt; 2 &gt; 0"), "1 < 2 > 0");
        assert_eq!(text("&#233;t&#xE9; &#x1F600;"), "été 😀");
        assert_eq!(text("&quot;Hokkaid&#333;&quot;"), "\"Hokkaidō\"");
        assert_eq!(text("caf&eacute; &mdash; &hellip;"), "café — …");
        assert_eq!(
            text("AT&T &unknown; &#xZZ; & done"),
            "AT&T &unknown; &#xZZ; & done"
        );
        assert_eq!(text("&#0;"), "\u{fffd}");
    }

    #[test]
    fn text_that_only_looks_like_markup_is_kept() {
        assert_eq!(text("a < b and c > d"), "a < b and c > d");
        assert_eq!(text("I <3 Anki"), "I <3 Anki");
        assert_eq!(text("[1] and [sound: unclosed"), "[1] and [sound: unclosed");
        assert_eq!(text("x <!-- hidden --> y"), "x y");
        assert_eq!(
            text("<style>.c{}</style>visible<script>alert(1)</script>"),
            "visible"
        );
    }

    #[test]
    fn media_is_reported() {
        let f = to_text(r#"Which flag? <img src="flag.png"> [sound:anthem.mp3]"#);
        assert_eq!(f.text, "Which flag? [image: flag.png]");
        assert!(f.has_text);
        assert_eq!(f.media, vec!["flag.png", "anthem.mp3"]);

        let only = to_text("<img class='x' src='a&amp;b.jpg'/>[sound:s.ogg]");
        assert!(!only.has_text);
        assert_eq!(only.media, vec!["a&b.jpg", "s.ogg"]);

        let unquoted = to_text("<img src=pic.gif alt=x><audio src=\"a.mp3\"></audio>");
        assert_eq!(unquoted.media, vec!["pic.gif", "a.mp3"]);
        assert_eq!(to_text("<img data-src='x'>").media, Vec::<String>::new());
    }

    #[test]
    fn cloze_markup_survives() {
        assert_eq!(
            text("{{c1::<b>Paris</b>}} is in {{c2::France::<i>country</i>}}"),
            "{{c1::Paris}} is in {{c2::France::country}}"
        );
    }

    #[test]
    fn plain_text_becomes_safe_html() {
        assert_eq!(from_text("a < b & c\nnext"), "a &lt; b &amp; c<br>next");
        assert_eq!(text(&from_text("x \"y\" <z> & w\nv")), "x \"y\" <z> & w\nv");
        assert!(!from_text("a\u{1f}b").contains('\u{1f}'));
    }

    proptest! {
        #[test]
        fn never_panics(s in ".{0,200}") {
            let f = to_text(&s);
            prop_assert!(!f.text.starts_with([' ', '\n']));
            prop_assert!(!f.text.ends_with([' ', '\n']));
        }

        #[test]
        fn markup_like_input_never_panics(s in "[<>&#;a-z/\"'= \\[\\]:0-9x]{0,80}") {
            let _ = to_text(&s);
        }

        #[test]
        fn escaped_text_round_trips(s in "[a-zA-Z0-9 <>&\"'.,!?é]{0,60}") {
            let tidy = s.split_whitespace().collect::<Vec<_>>().join(" ");
            prop_assert_eq!(text(&from_text(&s)), tidy);
        }
    }
}
