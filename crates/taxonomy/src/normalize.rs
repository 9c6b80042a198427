//! Text normalisation shared by search and extraction: split into words (runs of letters and
//! digits) with their byte spans, each folded (Unicode compatibility, case, diacritics removed).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A language tag (`en`, `nl`, `pt-BR`) checked and lowercased; `None` for anything else.
pub fn language_tag(raw: &str) -> Option<String> {
    let ok = !raw.is_empty()
        && raw.len() <= 12
        && raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    ok.then(|| raw.to_ascii_lowercase())
}

/// Folds `text` to lowercase tokens without diacritics, joined by single spaces:
/// `"Café-Manager (Sr.)"` → `"cafe manager sr"`.
pub fn fold(text: &str) -> String {
    tokens(text).collect::<Vec<_>>().join(" ")
}

/// The folded tokens of `text`, in order.
pub fn tokens(text: &str) -> impl Iterator<Item = String> {
    words(text).into_iter().map(|w| w.folded)
}

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
    fn garbage_and_mixed_scripts_do_not_panic() {
        let text = "\u{0}\u{ffff}日本語テキスト mixed Ελληνικά \u{200b}";
        let w = words(text);
        assert!(w.iter().any(|w| w.folded == "ελληνικα"));
        let long = "x".repeat(10_000);
        assert_eq!(words(&long)[0].folded.len(), MAX_WORD_BYTES);
    }

    #[test]
    fn language_tags_are_checked() {
        assert_eq!(language_tag("pt-BR").as_deref(), Some("pt-br"));
        assert_eq!(language_tag("e n"), None);
        assert_eq!(language_tag(""), None);
    }

    #[test]
    fn folds_case_diacritics_and_punctuation() {
        assert_eq!(fold("Café-Manager (Sr.)"), "cafe manager sr");
        assert_eq!(fold("  Ｃ＋＋ "), "c");
        assert_eq!(fold("Öl und Gas"), "ol und gas");
        assert_eq!(fold(""), "");
    }
}
