//! A skill's level as a person's own words tell it: "19 yrs", "trained new hires", "not really
//! write one from scratch". Levels are on the scale of a worker's skills, 1 (beginner) to 5
//! (expert); a text that says nothing about a skill's level gives none, and the worker chooses.
//!
//! The rules, in order, read the sentence (or, for a hedge, the clause) a skill was found in:
//! 1. a hedge ("a bit", "not really", "basic", "een beetje") makes it 2;
//! 2. having trained or led others in it ("trained new hires", "foreman", "ingewerkt") makes it at
//!    least 4;
//! 3. years of doing it: under 1 → 1, under 3 → 2, under 6 → 3, under 10 → 4, 10 or more → 5.
//!    Years said in the same sentence count; otherwise the text's only mention of years (a
//!    career: "30 yrs underground") counts for all its skills.

use serde::Serialize;

use crate::skills::{Span, segments};

/// A skill's level read from the text, with the words it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Level {
    /// 1 (beginner) to 5 (expert).
    pub level: u8,
    /// The words that tell it, quoted from the text.
    pub because: String,
}

/// Reads the levels a text tells, skill by skill.
#[derive(Debug)]
pub struct LevelReader<'t> {
    sentences: Vec<(usize, &'t str)>,
    /// The text's only mention of years, when it has exactly one: (years, the words).
    career: Option<(f32, String)>,
}

impl<'t> LevelReader<'t> {
    /// Prepares to read `text`'s levels.
    pub fn new(text: &'t str) -> Self {
        let sentences = segments(text);
        let mut mentions: Vec<(f32, String)> =
            sentences.iter().flat_map(|(_, s)| years(s)).collect();
        mentions.dedup_by(|a, b| a.0 == b.0);
        let career = if mentions.len() == 1 {
            mentions.pop()
        } else {
            None
        };
        Self { sentences, career }
    }

    /// The level the text tells for a skill found at `spans`, if it tells one.
    pub fn level(&self, spans: &[Span]) -> Option<Level> {
        let first = spans.first()?;
        let (start, sentence) = *self
            .sentences
            .iter()
            .find(|(s, text)| first.start >= *s && first.start < s + text.len())?;
        let at = first.start - start;
        let clause = clause_around(sentence, at, (first.end - start).min(sentence.len()));
        if let Some(words) = find_any(clause, HEDGES) {
            return Some(Level {
                level: 2,
                because: quote(words),
            });
        }
        let said = years(sentence).into_iter().next();
        let years = said.or_else(|| self.career.clone());
        let by_years = years.map(|(y, words)| (from_years(y), words));
        if let Some(words) = trained_others(sentence) {
            let level = by_years.as_ref().map_or(4, |(l, _)| (*l).max(4));
            let because = match by_years {
                Some((_, y)) if level > 4 => format!("{}, {}", quote(&y), quote(words)),
                _ => quote(words),
            };
            return Some(Level { level, because });
        }
        by_years.map(|(level, words)| Level {
            level,
            because: quote(&words),
        })
    }
}

fn quote(words: &str) -> String {
    format!("\u{201c}{words}\u{201d}")
}

/// Years of practice to a level: the first years learn the trade, a decade makes an expert.
fn from_years(years: f32) -> u8 {
    match years {
        y if y < 1.0 => 1,
        y if y < 3.0 => 2,
        y if y < 6.0 => 3,
        y if y < 10.0 => 4,
        _ => 5,
    }
}

/// The clause of `sentence` holding bytes `start..end` (between commas, semicolons, dashes).
fn clause_around(sentence: &str, start: usize, end: usize) -> &str {
    let is_break = |c: char| matches!(c, ',' | ';' | ':' | '(' | ')' | '–' | '—');
    let from = sentence[..start.min(sentence.len())]
        .rfind(is_break)
        .map_or(0, |i| i + 1);
    let to = sentence[end.max(start).min(sentence.len())..]
        .find(is_break)
        .map_or(sentence.len(), |i| end.max(start) + i);
    &sentence[from..to]
}

/// Words that say a skill is only begun.
const HEDGES: &[&str] = &[
    "not really",
    "a bit",
    "a little",
    "basic",
    "beginner",
    "still learning",
    "some experience",
    "een beetje",
    "beetje",
    "basiskennis",
    "niet echt",
    "leer nog",
];

/// Words that say someone taught or led others.
const TAUGHT: &[&str] = &[
    "taught",
    "mentored",
    "coached",
    "supervised",
    "foreman",
    "team lead",
    "instructed",
    "opgeleid",
    "ingewerkt",
    "inwerken",
    "begeleid",
    "leidinggevende",
    "voorman",
];

/// Who "trained" must be followed by for it to be teaching, not learning ("trained as a welder").
const TRAINEES: &[&str] = &[
    "new",
    "others",
    "apprentices",
    "hires",
    "staff",
    "colleagues",
    "juniors",
    "people",
    "crew",
    "team",
    "students",
    "nieuwe",
    "collega",
];

/// The words of `sentence` saying someone taught or led others, if any.
fn trained_others(sentence: &str) -> Option<&str> {
    if let Some(words) = find_any(sentence, TAUGHT) {
        return Some(words);
    }
    let lower = sentence.to_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("train") {
        let at = from + i;
        let rest = &lower[at..];
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let next: Vec<&str> = rest[word_end..].split_whitespace().take(3).collect();
        if at == 0 || !lower[..at].ends_with(char::is_alphanumeric) {
            let taught = next.iter().any(|w| {
                let w = w.trim_matches(|c: char| !c.is_alphanumeric());
                TRAINEES.iter().any(|t| w.starts_with(t))
            });
            if taught {
                let end = word_end
                    + rest[word_end..]
                        .split_whitespace()
                        .take(2)
                        .map(|w| w.len() + 1)
                        .sum::<usize>();
                let end = (at + end).min(sentence.len());
                return sentence.get(at..end).map(str::trim_end);
            }
        }
        from = at + 5;
    }
    None
}

/// The first of `needles` standing as whole words in `haystack` (any case), as written there.
fn find_any<'h>(haystack: &'h str, needles: &[&str]) -> Option<&'h str> {
    // Lowered char by char, with each lowered byte's char's offset in `haystack`: lowering may
    // change a char's length ("İ" is two bytes, its lower case three), and the words found are
    // quoted as written.
    let mut lower = String::with_capacity(haystack.len());
    let mut origin: Vec<usize> = Vec::with_capacity(haystack.len() + 1);
    for (i, c) in haystack.char_indices() {
        let before = lower.len();
        lower.extend(c.to_lowercase());
        origin.resize(origin.len() + lower.len() - before, i);
    }
    origin.push(haystack.len());
    let bounded = |at: usize, len: usize| {
        let before = lower[..at].chars().next_back();
        let after = lower[at + len..].chars().next();
        before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
    };
    needles.iter().find_map(|n| {
        let mut from = 0;
        while let Some(i) = lower[from..].find(n) {
            let at = from + i;
            if bounded(at, n.len()) {
                return haystack.get(origin[at]..origin[at + n.len()]);
            }
            from = at + n.len();
        }
        None
    })
}

/// Number words up to thirty, English and Dutch.
const NUMBERS: &[(&str, f32)] = &[
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("fifteen", 15.0),
    ("twenty", 20.0),
    ("thirty", 30.0),
    ("een", 1.0),
    ("twee", 2.0),
    ("drie", 3.0),
    ("vier", 4.0),
    ("vijf", 5.0),
    ("zes", 6.0),
    ("zeven", 7.0),
    ("acht", 8.0),
    ("negen", 9.0),
    ("tien", 10.0),
    ("elf", 11.0),
    ("twaalf", 12.0),
    ("vijftien", 15.0),
    ("twintig", 20.0),
    ("dertig", 30.0),
];

/// Units of time, in years.
const UNITS: &[(&str, f32)] = &[
    ("years", 1.0),
    ("year", 1.0),
    ("yrs", 1.0),
    ("yr", 1.0),
    ("jaar", 1.0),
    ("jaren", 1.0),
    ("decades", 10.0),
    ("decade", 10.0),
    ("months", 1.0 / 12.0),
    ("month", 1.0 / 12.0),
    ("maanden", 1.0 / 12.0),
    ("maand", 1.0 / 12.0),
];

/// The spans of time a sentence says ("19 yrs", "twelve years", "6 maanden"), in years, with
/// their words; ages ("19 years old", "20 jaar oud") are not experience.
fn years(sentence: &str) -> Vec<(f32, String)> {
    let words: Vec<(usize, &str)> = sentence
        .split_whitespace()
        .map(|w| {
            let offset = w.as_ptr() as usize - sentence.as_ptr() as usize;
            (offset, w)
        })
        .collect();
    let clean = |w: &str| -> String {
        w.trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '+')
            .trim_end_matches(['.', '+'])
            .to_lowercase()
    };
    let mut out = Vec::new();
    for (i, (start, word)) in words.iter().enumerate() {
        let w = clean(word);
        let number = w
            .parse::<f32>()
            .ok()
            .filter(|n| (0.0..=60.0).contains(n))
            .or_else(|| NUMBERS.iter().find(|(n, _)| *n == w).map(|(_, v)| *v));
        let Some(number) = number else { continue };
        // "19 yrs", "20+ years", "2,5 jaar" or "19yrs" written together.
        let (unit, last) = match words.get(i + 1) {
            Some((_, next)) => (clean(next), i + 1),
            None => (String::new(), i),
        };
        let Some((_, per)) = UNITS.iter().find(|(u, _)| *u == unit) else {
            continue;
        };
        let after = words
            .get(last + 1)
            .map(|(_, w)| clean(w))
            .unwrap_or_default();
        if after == "old" || after == "oud" {
            continue;
        }
        let (end_at, end_word) = words[last];
        let end = end_at
            + end_word
                .trim_end_matches(|c: char| !c.is_alphanumeric())
                .len();
        out.push((number * per, sentence[*start..end].to_owned()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, words: &str) -> Vec<Span> {
        let start = text.find(words).unwrap();
        vec![Span {
            start,
            end: start + words.len(),
            text: words.to_owned(),
        }]
    }

    #[test]
    fn years_hedges_and_teaching_tell_a_level() {
        let text = "Ran CNC mills and lathes for 19 yrs. Could edit the G-code, not really write \
                    one from scratch. Trained new hires on the lathe.";
        let r = LevelReader::new(text);
        let mills = r.level(&at(text, "CNC mills")).unwrap();
        assert_eq!(mills.level, 5);
        assert_eq!(mills.because, "\u{201c}19 yrs\u{201d}");
        // The hedge is in the clause of "write", not in that of "edit".
        assert_eq!(r.level(&at(text, "write")).unwrap().level, 2);
        assert_eq!(r.level(&at(text, "edit")).unwrap().level, 5);
        let lathe = r.level(&at(text, "lathe.")).unwrap();
        assert_eq!(lathe.level, 5, "{lathe:?}");
        assert!(lathe.because.contains("Trained new hires"), "{lathe:?}");
    }

    #[test]
    fn words_are_found_and_quoted_when_lowering_changes_lengths() {
        // "İ" lowers to three bytes: the words after it are still found, quoted as written.
        assert_eq!(
            find_any("İK HEB TWAALF JAAR gelast", &["twaalf jaar"]),
            Some("TWAALF JAAR")
        );
        assert_eq!(find_any("İzmir, a bit", &["a bit"]), Some("a bit"));
        assert_eq!(find_any("İzmir, abit", &["a bit"]), None);
        assert_eq!(
            find_any("half a bitter", &["a bit"]),
            None,
            "whole words only"
        );
    }

    #[test]
    fn a_text_that_says_nothing_gives_no_level() {
        let text = "I like gardening and I am 19 years old. I trained as a welder.";
        let r = LevelReader::new(text);
        assert_eq!(r.level(&at(text, "gardening")), None);
        assert_eq!(
            r.level(&at(text, "welder")),
            None,
            "learning is not teaching"
        );
        assert_eq!(r.level(&[]), None);
    }

    #[test]
    fn dutch_and_number_words_are_read() {
        let text = "Ik werk sinds twee jaar in een magazijn. Orderpicken, ook nieuwe collega's \
                    ingewerkt. Heftruck een beetje.";
        let r = LevelReader::new(text);
        assert_eq!(r.level(&at(text, "magazijn")).unwrap().level, 2);
        // Two years is the text's only mention: the career's, for every skill.
        assert_eq!(r.level(&at(text, "Orderpicken")).unwrap().level, 4);
        assert_eq!(r.level(&at(text, "Heftruck")).unwrap().level, 2);
        assert_eq!(years("6 maanden"), [(0.5, "6 maanden".to_owned())]);
        assert_eq!(years("20+ years"), [(20.0, "20+ years".to_owned())]);
    }
}
