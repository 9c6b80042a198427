//! Words stemmed per language. Splitting and folding are the taxonomy's
//! ([`guild_taxonomy::normalize`]), so that search and extraction read text alike.

pub use guild_taxonomy::normalize::{Word, words};
use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A language's stemmer and stop words. Kept (serialised) as its language tag alone: the rest is
/// the stemmer crate's and rebuilt from it.
#[derive(serde::Deserialize)]
#[serde(from = "String")]
pub struct LanguageStemmer {
    lang: String,
    stemmer: Option<Stemmer>,
    stop_words: std::collections::HashSet<String>,
}

impl std::fmt::Debug for LanguageStemmer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LanguageStemmer")
            .field("stems", &self.stemmer.is_some())
            .finish()
    }
}

impl serde::Serialize for LanguageStemmer {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.lang)
    }
}

impl From<String> for LanguageStemmer {
    fn from(lang: String) -> Self {
        Self::for_lang(&lang)
    }
}

impl LanguageStemmer {
    /// The stemmer for a BCP 47 tag (`en`, `nl`, `de`, `pt-BR`, …).
    pub fn for_lang(lang: &str) -> Self {
        let primary = lang
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let algorithm = match primary.as_str() {
            "en" => Some(Algorithm::English),
            "nl" => Some(Algorithm::Dutch),
            "de" => Some(Algorithm::German),
            "fr" => Some(Algorithm::French),
            "es" => Some(Algorithm::Spanish),
            "it" => Some(Algorithm::Italian),
            "pt" => Some(Algorithm::Portuguese),
            "sv" => Some(Algorithm::Swedish),
            "da" => Some(Algorithm::Danish),
            "no" | "nb" | "nn" => Some(Algorithm::Norwegian),
            "fi" => Some(Algorithm::Finnish),
            "hu" => Some(Algorithm::Hungarian),
            "ro" => Some(Algorithm::Romanian),
            "ru" => Some(Algorithm::Russian),
            "tr" => Some(Algorithm::Turkish),
            "ar" => Some(Algorithm::Arabic),
            "el" => Some(Algorithm::Greek),
            "ta" => Some(Algorithm::Tamil),
            _ => None,
        };
        let stop_words = stop_words::lookup(&primary)
            .unwrap_or_default()
            .iter()
            .map(|w| {
                w.nfkd()
                    .filter(|c| !is_combining_mark(*c))
                    .flat_map(char::to_lowercase)
                    .collect()
            })
            .collect();
        Self {
            lang: lang.to_owned(),
            stemmer: algorithm.map(Stemmer::create),
            stop_words,
        }
    }

    /// Whether a word carries meaning for matching: not a stop word or a lone letter, unless
    /// written in capitals (`IT`, `C`, `R` name skills; `it`, `c` do not).
    pub fn is_content(&self, word: &Word, text: &str) -> bool {
        let weak = self.stop_words.contains(&word.folded) || word.folded.chars().count() == 1;
        if !weak {
            return true;
        }
        let original = &text[word.start..word.end];
        original.chars().any(char::is_alphabetic) && original.chars().all(|c| !c.is_lowercase())
    }

    /// Whether a folded word is one of the language's stop words.
    pub fn is_stop_word(&self, folded: &str) -> bool {
        self.stop_words.contains(folded)
    }

    /// The stem of a folded word.
    pub fn stem<'w>(&self, folded: &'w str) -> std::borrow::Cow<'w, str> {
        match &self.stemmer {
            Some(s) => s.stem(folded),
            None => std::borrow::Cow::Borrowed(folded),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stemming_is_per_language() {
        assert_eq!(LanguageStemmer::for_lang("en").stem("welding"), "weld");
        assert_eq!(LanguageStemmer::for_lang("nl").stem("lassen"), "lass");
        assert_eq!(LanguageStemmer::for_lang("xx").stem("welding"), "welding");
        let en = LanguageStemmer::for_lang("en");
        let text = "run it on IT in C with a plan";
        let content: Vec<_> = words(text)
            .into_iter()
            .filter(|w| en.is_content(w, text))
            .map(|w| w.folded)
            .collect();
        assert_eq!(content, ["run", "it", "c", "plan"]);
    }
}
