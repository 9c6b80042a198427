//! Ranking of label matches, shared by both backends so that a search answers the same on each.

use std::cmp::Ordering;
use std::collections::HashMap;

use guild_taxonomy::normalize;

/// A label that the backend's full-text index matched.
pub(crate) struct Candidate {
    pub concept: String,
    pub lang: String,
    pub role: String,
    pub text: String,
}

/// A concept's best match.
pub(crate) struct Ranked {
    pub concept: String,
    pub matched: String,
}

#[derive(PartialEq, Eq, PartialOrd, Ord, Clone)]
struct Key {
    tier: u8,
    role: u8,
    not_english: bool,
    extra_tokens: usize,
    concept: String,
}

/// The full-text query for the backends: every folded token of `q`, as a prefix. `None` when `q`
/// has no letters or digits.
pub(crate) fn tokens(q: &str) -> Option<Vec<String>> {
    let tokens: Vec<String> = normalize::tokens(q).collect();
    (!tokens.is_empty()).then_some(tokens)
}

/// Orders concepts by their best-matching label: the whole label equal to the query first, then
/// labels starting with it, then labels holding every query word whole, then prefix matches;
/// within a tier preferred labels before alternatives, English before other languages (when no
/// language was asked for), and fewer extra words first.
pub(crate) fn rank(q_tokens: &[String], candidates: Vec<Candidate>) -> Vec<Ranked> {
    let query = q_tokens.join(" ");
    let mut best: HashMap<String, (Key, String)> = HashMap::new();
    for c in candidates {
        let folded: Vec<String> = normalize::tokens(&c.text).collect();
        let joined = folded.join(" ");
        let tier = if joined == query {
            0
        } else if joined.starts_with(&format!("{query} ")) {
            1
        } else if q_tokens.iter().all(|t| folded.contains(t)) {
            2
        } else {
            3
        };
        let key = Key {
            tier,
            role: match c.role.as_str() {
                "preferred" => 0,
                "alternative" => 1,
                _ => 2,
            },
            not_english: c.lang != "en",
            extra_tokens: folded.len().saturating_sub(q_tokens.len()),
            concept: c.concept.clone(),
        };
        match best.get(&c.concept) {
            Some((old, _)) if old.cmp(&key) != Ordering::Greater => {}
            _ => {
                best.insert(c.concept, (key, c.text));
            }
        }
    }
    let mut ranked: Vec<(Key, String)> = best.into_values().collect();
    ranked.sort_by(|a, b| a.0.cmp(&b.0));
    ranked
        .into_iter()
        .map(|(key, matched)| Ranked {
            concept: key.concept,
            matched,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(concept: &str, role: &str, text: &str) -> Candidate {
        Candidate {
            concept: concept.into(),
            lang: "en".into(),
            role: role.into(),
            text: text.into(),
        }
    }

    #[test]
    fn exact_labels_rank_before_longer_and_prefix_matches() {
        let q = tokens("Welding").unwrap();
        let ranked = rank(
            &q,
            vec![
                c("a", "preferred", "welding techniques"),
                c("b", "alternative", "welding"),
                c("c", "preferred", "underwater weldings"),
                c("d", "preferred", "arc welding"),
                c("a", "alternative", "welding methods and techniques"),
            ],
        );
        let order: Vec<_> = ranked.iter().map(|r| r.concept.as_str()).collect();
        assert_eq!(order, ["b", "a", "d", "c"]);
        assert_eq!(ranked[1].matched, "welding techniques");
    }
}
