//! Validated identifiers. Each newtype owns its one text form, used by deck
//! files, the review log, JSON output and the terminal alike.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a piece of text is not a valid identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("is empty")]
    Empty,
    #[error("is longer than {max} characters")]
    TooLong { max: usize },
    #[error("must start with {first}")]
    BadStart { first: &'static str },
    #[error("contains {ch:?}; only {allowed} are allowed")]
    BadChar { ch: char, allowed: &'static str },
}

const ID_MAX: usize = 64;

/// Checks `[a-z0-9][a-z0-9-]{0,63}`, the shape of deck and card ids.
fn check_slug(text: &str) -> Result<(), IdError> {
    check_shape(
        text,
        |c| c.is_ascii_lowercase() || c.is_ascii_digit(),
        "a lowercase letter or a digit",
        |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
        "lowercase letters, digits and '-'",
    )
}

fn check_shape(
    text: &str,
    first_ok: impl Fn(char) -> bool,
    first: &'static str,
    rest_ok: impl Fn(char) -> bool,
    allowed: &'static str,
) -> Result<(), IdError> {
    let mut chars = text.chars();
    let Some(c0) = chars.next() else {
        return Err(IdError::Empty);
    };
    if text.chars().count() > ID_MAX {
        return Err(IdError::TooLong { max: ID_MAX });
    }
    if !first_ok(c0) {
        return Err(IdError::BadStart { first });
    }
    if let Some(ch) = chars.find(|&c| !rest_ok(c)) {
        return Err(IdError::BadChar { ch, allowed });
    }
    Ok(())
}

macro_rules! id_newtype {
    ($(#[$doc:meta])* $name:ident, $check:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// Validates `text` and wraps it.
            pub fn new(text: &str) -> Result<Self, IdError> {
                $check(text)?;
                Ok(Self(text.to_owned()))
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                Self::new(s)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                Self::new(&text).map_err(|e| {
                    serde::de::Error::custom(format!("invalid {} {text:?}: it {e}", stringify!($name)))
                })
            }
        }
    };
}

id_newtype!(
    /// A deck id: `[a-z0-9][a-z0-9-]{0,63}`.
    DeckId,
    check_slug
);
id_newtype!(
    /// A card id, unique within its deck: `[a-z0-9][a-z0-9-]{0,63}`.
    CardId,
    check_slug
);

fn check_user(text: &str) -> Result<(), IdError> {
    check_shape(
        text,
        |c| c.is_ascii_alphanumeric(),
        "a letter or a digit",
        |c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'),
        "letters, digits, '_', '.' and '-'",
    )
}

id_newtype!(
    /// A learner's profile name: `[A-Za-z0-9][A-Za-z0-9_.-]{0,63}`. Used as a
    /// directory name, so anything that could escape the data directory is refused.
    UserName,
    check_user
);

/// Which study item of a card: cards expand into one or more items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ItemPart {
    /// The card itself (basic front→back, date, choice).
    Main,
    /// The back→front question of a reversed basic card.
    Reverse,
    /// One cloze deletion `cN`.
    Cloze(u16),
}

/// A study item id: a card id and the part of the card, written
/// `card`, `card#reverse` or `card#c2`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ItemId {
    card: CardId,
    part: ItemPart,
}

impl ItemId {
    /// The item `part` of `card`.
    pub fn new(card: CardId, part: ItemPart) -> Self {
        Self { card, part }
    }

    /// The card this item comes from.
    pub fn card(&self) -> &CardId {
        &self.card
    }

    /// Which part of the card this item is.
    pub fn part(&self) -> ItemPart {
        self.part
    }

    /// Parses `card`, `card#reverse` or `card#cN`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (card, part) = match text.split_once('#') {
            None => (text, ItemPart::Main),
            Some((card, "reverse")) => (card, ItemPart::Reverse),
            Some((card, suffix)) => {
                let n = suffix
                    .strip_prefix('c')
                    .filter(|n| !n.starts_with('0'))
                    .and_then(|n| n.parse::<u16>().ok())
                    .ok_or_else(|| {
                        format!("{text:?}: the part after '#' must be 'reverse' or a cloze number like 'c1'")
                    })?;
                (card, ItemPart::Cloze(n))
            }
        };
        let card = CardId::new(card).map_err(|e| format!("{text:?}: the card id {e}"))?;
        Ok(Self { card, part })
    }
}

impl fmt::Display for ItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.part {
            ItemPart::Main => write!(f, "{}", self.card),
            ItemPart::Reverse => write!(f, "{}#reverse", self.card),
            ItemPart::Cloze(n) => write!(f, "{}#c{n}", self.card),
        }
    }
}

impl Serialize for ItemId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ItemId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_the_pattern() {
        assert!(CardId::new("laxman-hokkaido").is_ok());
        assert!(CardId::new("1792").is_ok());
        assert!(CardId::new(&"a".repeat(64)).is_ok());
        assert_eq!(CardId::new(""), Err(IdError::Empty));
        assert_eq!(
            CardId::new(&"a".repeat(65)),
            Err(IdError::TooLong { max: 64 })
        );
        assert!(matches!(CardId::new("-x"), Err(IdError::BadStart { .. })));
        assert!(matches!(
            CardId::new("Laxman"),
            Err(IdError::BadStart { .. })
        ));
        assert!(matches!(
            CardId::new("a_b"),
            Err(IdError::BadChar { ch: '_', .. })
        ));
        assert!(matches!(
            DeckId::new("a/b"),
            Err(IdError::BadChar { ch: '/', .. })
        ));
    }

    #[test]
    fn user_names_cannot_escape_the_data_directory() {
        for good in ["default", "Alice", "bob.smith", "x_1-2"] {
            assert!(UserName::new(good).is_ok(), "{good}");
        }
        for bad in ["", "../evil", "a/b", ".hidden", "-x", "a b", "é"] {
            assert!(UserName::new(bad).is_err(), "{bad}");
        }
        assert!(UserName::new(&"u".repeat(65)).is_err());
    }

    #[test]
    fn item_ids_round_trip_through_text() {
        for text in [
            "portsmouth-cloze#c2",
            "alliance#reverse",
            "laxman-hokkaido",
            "x#c10",
        ] {
            assert_eq!(ItemId::parse(text).unwrap().to_string(), text);
        }
        for bad in ["x#c0", "x#c", "x#c01", "x#rev", "X#c1", "#c1", "x#c1#c2"] {
            assert!(ItemId::parse(bad).is_err(), "{bad}");
        }
    }
}
