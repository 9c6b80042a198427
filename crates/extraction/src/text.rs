//! Text to tokens: Unicode compatibility and case folding, diacritics removed, split into
//! alphanumeric words with their byte spans in the original text, stemmed per language.

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A word of the input with where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Byte offset of the word's first character in the original text.
    pub start: usize,
    /// Byte offset just past the word's last character.
    pub end: usize,
    /// The folded form: lowercase, no diacritics.
    pub folded: String,
}

/// The longest word kept; longer runs of letters are noise (hashes, base64) and are cut.
const MAX_WORD_BYTES: usize = 64;

/// Splits `text` into words (runs of letters and digits) and folds each.
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            push_word(&mut out, text, s, i);
        }
    }
    if let Some(s) = start {
        push_word(&mut out, text, s, text.len());
    }
    out
}

fn push_word(out: &mut Vec<Word>, text: &str, start: usize, end: usize) {
    let raw = &text[start..end];
    if raw.is_ascii() {
        // Most words: nothing to decompose.
        let mut folded = raw.to_ascii_lowercase();
        folded.truncate(MAX_WORD_BYTES);
        out.push(Word { start, end, folded });
        return;
    }
    let mut folded: String = raw
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect();
    if folded.is_empty() {
        return;
    }
    if folded.len() > MAX_WORD_BYTES {
        let mut cut = MAX_WORD_BYTES;
        while !folded.is_char_boundary(cut) {
            cut -= 1;
        }
        folded.truncate(cut);
    }
    out.push(Word { start, end, folded });
}

/// A language's stemmer and stop words.
pub struct LanguageStemmer {
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
    fn words_keep_their_spans_in_the_original_text() {
        let text = "Ran a Continuous-Miner (12 yrs), café!";
        let w = words(text);
        let folded: Vec<_> = w.iter().map(|w| w.folded.as_str()).collect();
        assert_eq!(
            folded,
            ["ran", "a", "continuous", "miner", "12", "yrs", "cafe"]
        );
        assert_eq!(&text[w[2].start..w[3].end], "Continuous-Miner");
        assert_eq!(&text[w[6].start..w[6].end], "café");
    }

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

    #[test]
    fn garbage_and_mixed_scripts_do_not_panic() {
        let text = "\u{0}\u{ffff}日本語テキスト mixed Ελληνικά \u{200b}";
        let w = words(text);
        assert!(w.iter().any(|w| w.folded == "ελληνικα"));
        let long = "x".repeat(10_000);
        assert_eq!(words(&long)[0].folded.len(), MAX_WORD_BYTES);
    }
}
