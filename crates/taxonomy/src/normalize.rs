//! Text normalisation shared by search and extraction: Unicode compatibility folding, case
//! folding, diacritics removed, split into alphanumeric tokens.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds `text` to lowercase tokens without diacritics, joined by single spaces:
/// `"Café-Manager (Sr.)"` → `"cafe manager sr"`.
pub fn fold(text: &str) -> String {
    tokens(text).collect::<Vec<_>>().join(" ")
}

/// The folded tokens of `text`, in order.
pub fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    let folded: String = text
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect::<Vec<_>>()
        .into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_diacritics_and_punctuation() {
        assert_eq!(fold("Café-Manager (Sr.)"), "cafe manager sr");
        assert_eq!(fold("  Ｃ＋＋ "), "c");
        assert_eq!(fold("Öl und Gas"), "ol und gas");
        assert_eq!(fold(""), "");
    }
}
