//! Text of any length → ranked skills, each with its score, the spans that matched and why.

use serde::{Deserialize, Serialize};

use crate::index::{ConceptDoc, ConceptIndex, Field, Hit, Query, ScoringParams, Scratch};
use crate::lexicon::Lexicon;

/// A skill (or any concept) an extractor can find, with what to show for it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConceptInfo {
    /// Display label (preferred, English).
    pub label: String,
    /// Kind (skill, knowledge, …), shown with matches.
    pub kind: String,
}

/// Where in the text a match stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Span {
    /// Byte offset of the start in the text.
    pub start: usize,
    /// Byte offset just past the end.
    pub end: usize,
    /// The text of the span.
    pub text: String,
}

/// A skill found in a text.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkillMatch {
    /// The skill's id.
    pub id: String,
    /// Its preferred label.
    pub label: String,
    /// Its kind.
    pub kind: String,
    /// Score: higher is better; comparable within one text.
    pub score: f32,
    /// Share of the best label's information found in the text, 0–1.
    pub coverage: f32,
    /// The spans of the text that matched.
    pub spans: Vec<Span>,
    /// Why, in words.
    pub reason: String,
    /// The level the text tells for it, when it tells one (profiles only).
    pub level: Option<crate::level::Level>,
    /// Whether words of the text name it (its label's words, or words its meaning shares), not
    /// only a sentence close in meaning.
    pub named: bool,
}

/// Options for [`SkillExtractor::extract`].
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    /// Language of the text; guessed from the taxonomy's labels when `None`.
    pub lang: Option<String>,
    /// At most this many matches.
    pub limit: usize,
    /// Matches must cover at least this share of a label (0–1) including its most specific
    /// word; description-only matches are dropped unless this is 0.
    pub min_coverage: f32,
}

impl Default for ExtractOptions {
    fn default() -> Self {
        Self {
            lang: None,
            limit: 50,
            min_coverage: 0.6,
        }
    }
}

/// A hit of one reading of a segment of a text: (concept, query, hit).
type SegmentHit = (usize, usize, Hit);

/// Finds skills in text.
#[derive(Debug, Serialize, Deserialize)]
pub struct SkillExtractor {
    index: ConceptIndex,
    info: Vec<ConceptInfo>,
    lexicons: Vec<Lexicon>,
}

impl SkillExtractor {
    /// Indexes `docs`, with `info[i]` describing `docs[i]`.
    pub fn new(docs: &[ConceptDoc], info: Vec<ConceptInfo>, params: ScoringParams) -> Self {
        debug_assert_eq!(docs.len(), info.len());
        Self {
            index: ConceptIndex::build(docs, params),
            info,
            lexicons: Vec::new(),
        }
    }

    /// Also reads a text in a lexicon's source language through the lexicon, against the labels
    /// of its target language: skills labelled only in English are found in Dutch text.
    pub fn with_lexicons(mut self, lexicons: Vec<Lexicon>) -> Self {
        self.lexicons = lexicons;
        self
    }

    /// The lexicon that reads text in `lang`, if any.
    pub fn lexicon(&self, lang: &str) -> Option<&Lexicon> {
        self.lexicons
            .iter()
            .find(|l| l.source() == lang && !l.is_empty())
    }

    /// What to show for concept `i` of the index.
    pub fn info(&self, i: usize) -> &ConceptInfo {
        &self.info[i]
    }

    /// The underlying index (for ranking every concept, as the evaluation does).
    pub fn index(&self) -> &ConceptIndex {
        &self.index
    }

    /// The skills in `text`, best first. Long texts are read segment by segment (lines,
    /// sentences, bullet points): a skill's score is its best segment's, raised a little for each
    /// further segment that mentions it.
    pub fn extract(
        &self,
        scratch: &mut Scratch,
        text: &str,
        options: &ExtractOptions,
    ) -> Vec<SkillMatch> {
        let guessed;
        let lang = match &options.lang {
            Some(l) => l.as_str(),
            None => {
                guessed = self.index.guess_language(text);
                guessed.as_str()
            }
        };
        let segments = segments(text);
        // Each segment as written and, where a lexicon reads its language, as read into the
        // lexicon's target language: (segment, query).
        let lexicon = self.lexicon(lang);
        let mut queries: Vec<(usize, Query)> = Vec::with_capacity(segments.len());
        for (si, (_, s)) in segments.iter().enumerate() {
            queries.push((si, self.index.query(s, Some(lang))));
            if let Some(lexicon) = lexicon {
                let glosses = lexicon.read(s);
                if !glosses.is_empty() {
                    queries.push((
                        si,
                        self.index.query_glossed(&glosses, lexicon.target(), lang),
                    ));
                }
            }
        }
        // Per skill: every (query, hit) that found it. Describing (spans, reasons) waits until
        // the answer's skills are known: it is the costly part.
        let mut found: Vec<SegmentHit> = Vec::new();
        for (qi, (_, query)) in queries.iter().enumerate() {
            let hits =
                self.index
                    .search_top(scratch, query, options.limit.saturating_mul(4).max(20));
            found.extend(
                hits.into_iter()
                    .filter(|h| h.coverage >= options.min_coverage || options.min_coverage <= 0.0)
                    .filter(|h| options.min_coverage <= 0.0 || (h.label.is_some() && h.key_word))
                    .take(options.limit.saturating_mul(2))
                    .map(|hit| (hit.concept, qi, hit)),
            );
        }
        // A segment found a skill once, however many readings of it did: its best reading counts.
        let segment = |qi: usize| queries[qi].0;
        found.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(segment(a.1).cmp(&segment(b.1)))
                .then(b.2.score.total_cmp(&a.2.score))
                .then(a.1.cmp(&b.1))
        });
        found.dedup_by(|b, a| a.0 == b.0 && segment(a.1) == segment(b.1));
        // Group by skill, best hit first.
        found.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(b.2.score.total_cmp(&a.2.score))
                .then(a.1.cmp(&b.1))
        });
        let mut ranked: Vec<(f32, usize, &[SegmentHit])> = found
            .chunk_by(|a, b| a.0 == b.0)
            .map(|hits| {
                let mentions = hits.len();
                let score =
                    hits[0].2.score * (1.0 + 0.1 * (mentions.saturating_sub(1) as f32).min(5.0));
                (score, hits[0].0, hits)
            })
            .collect();
        ranked.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| self.index.id(a.1).cmp(self.index.id(b.1)))
        });
        ranked.truncate(options.limit);
        ranked
            .into_iter()
            .filter_map(|(score, _, hits)| {
                let (_, qi, best) = &hits[0];
                let (si, query) = &queries[*qi];
                let (offset, segment) = segments[*si];
                let mut m = self.describe(best, query, segment, offset)?;
                m.score = score;
                for (_, qi, hit) in &hits[1..] {
                    let (si, query) = &queries[*qi];
                    let (offset, segment) = segments[*si];
                    if let Some(other) = self.describe(hit, query, segment, offset) {
                        m.spans = merge_spans(std::mem::take(&mut m.spans), other.spans);
                    }
                }
                if hits.len() > 1 {
                    m.reason
                        .push_str(&format!("; mentioned in {} places", hits.len()));
                }
                Some(m)
            })
            .collect()
    }

    fn describe(
        &self,
        hit: &Hit,
        query: &Query,
        segment: &str,
        offset: usize,
    ) -> Option<SkillMatch> {
        let info = &self.info[hit.concept];
        let (coverage, spans, reason) = match self.index.explain(query, hit) {
            Some(label) => {
                let spans = word_spans(&label.words, query, segment, offset);
                let quoted: Vec<&str> = spans.iter().map(|s| s.text.as_str()).collect();
                let which = if label.field == Field::Preferred {
                    "label"
                } else {
                    "alternative label"
                };
                let mut reason = if label.phrase {
                    format!("the {which} \"{}\" appears in the text", label.text)
                } else {
                    format!(
                        "{:.0}% of the {which} \"{}\" matches: \"{}\"",
                        label.coverage * 100.0,
                        label.text,
                        quoted.join("\", \"")
                    )
                };
                if query.read_from.is_some() {
                    reason.push_str(&format!(
                        " ({})",
                        readings(&label.words, query, &spans, offset).join(", ")
                    ));
                }
                (label.coverage, spans, reason)
            }
            None => (
                0.0,
                Vec::new(),
                "words of its description appear in the text".to_owned(),
            ),
        };
        let spans_empty = spans.is_empty();
        Some(SkillMatch {
            id: self.index.id(hit.concept).to_owned(),
            label: info.label.clone(),
            kind: info.kind.clone(),
            score: hit.score,
            coverage,
            spans,
            reason,
            level: None,
            named: !spans_empty,
        })
    }
}

/// The spans of the given words, adjacent words joined.
fn word_spans(
    word_indices: &[usize],
    query: &crate::index::Query,
    segment: &str,
    offset: usize,
) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    let mut previous: Option<usize> = None;
    for &i in word_indices {
        let w = &query.words[i];
        match (previous, spans.last_mut()) {
            (Some(p), Some(last)) if p + 1 == i => {
                last.end = offset + w.end;
                last.text = segment[last.start - offset..w.end].to_owned();
            }
            _ => spans.push(Span {
                start: offset + w.start,
                end: offset + w.end,
                text: segment[w.start..w.end].to_owned(),
            }),
        }
        previous = Some(i);
    }
    spans
}

/// How each span was read: "“orderpicken” read as “order picking”".
fn readings(word_indices: &[usize], query: &Query, spans: &[Span], offset: usize) -> Vec<String> {
    spans
        .iter()
        .map(|span| {
            let mut read: Vec<&str> = Vec::new();
            for &i in word_indices {
                let w = &query.words[i];
                let inside = offset + w.start >= span.start && offset + w.end <= span.end;
                if inside && !read.contains(&w.folded.as_str()) {
                    read.push(&w.folded);
                }
            }
            format!(
                "\u{201c}{}\u{201d} read as \u{201c}{}\u{201d}",
                span.text,
                read.join(" ")
            )
        })
        .collect()
}

fn merge_spans(mut a: Vec<Span>, b: Vec<Span>) -> Vec<Span> {
    for s in b {
        if !a.contains(&s) {
            a.push(s);
        }
    }
    a.sort_by_key(|s| s.start);
    a
}

/// Splits a text into segments (lines, sentences, bullet points) with their byte offsets.
pub fn segments(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next_is_space = chars.peek().is_none_or(|(_, n)| n.is_whitespace());
        let boundary = matches!(c, '\n' | '\r' | '•' | '·' | ';' | '|')
            || (matches!(c, '.' | '!' | '?') && next_is_space);
        if boundary {
            push_segment(&mut out, text, start, i);
            start = i + c.len_utf8();
        }
    }
    push_segment(&mut out, text, start, text.len());
    out
}

/// `text[start..end]` without its leading and trailing white space, with where it now starts.
pub(crate) fn trimmed_run(text: &str, start: usize, end: usize) -> (usize, &str) {
    let run = &text[start..end];
    let trimmed = run.trim_start();
    (start + run.len() - trimmed.len(), trimmed.trim_end())
}

fn push_segment<'t>(out: &mut Vec<(usize, &'t str)>, text: &'t str, start: usize, end: usize) {
    let (at, trimmed) = trimmed_run(text, start, end);
    if trimmed.chars().any(char::is_alphanumeric) {
        out.push((at, trimmed));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::ConceptText;

    fn extractor() -> SkillExtractor {
        let skill = |id: &str, label: &str, alts: &[&str]| {
            let mut texts = vec![ConceptText {
                lang: "en".into(),
                field: Field::Preferred,
                text: label.into(),
            }];
            texts.extend(alts.iter().map(|a| ConceptText {
                lang: "en".into(),
                field: Field::Alternative,
                text: (*a).into(),
            }));
            texts.push(ConceptText {
                lang: "nl".into(),
                field: Field::Preferred,
                text: format!("nl {label}"),
            });
            (
                ConceptDoc {
                    id: id.into(),
                    texts,
                    prior: 0.0,
                },
                ConceptInfo {
                    label: label.into(),
                    kind: "skill".into(),
                },
            )
        };
        let (docs, info): (Vec<_>, Vec<_>) = [
            skill(
                "miner",
                "operate continuous miner",
                &["continuous miner operation"],
            ),
            skill(
                "maintain",
                "maintain mining machinery",
                &["keep mining machines running"],
            ),
            skill("train", "train crews", &["train new crews"]),
            skill("sql", "SQL", &[]),
        ]
        .into_iter()
        .unzip();
        SkillExtractor::new(&docs, info, ScoringParams::default())
    }

    #[test]
    fn a_plain_description_of_work_becomes_skills_with_spans() {
        let ex = extractor();
        let text = "Ran a continuous miner for twelve years.\nKept the mining machines running, trained the new crews.";
        let found = ex.extract(&mut Scratch::default(), text, &ExtractOptions::default());
        let ids: Vec<_> = found.iter().map(|m| m.id.as_str()).collect();
        assert!(
            ids.contains(&"miner") && ids.contains(&"train") && ids.contains(&"maintain"),
            "{ids:?}"
        );
        let miner = found.iter().find(|m| m.id == "miner").unwrap();
        assert_eq!(miner.spans[0].text, "continuous miner");
        assert_eq!(
            &text[miner.spans[0].start..miner.spans[0].end],
            "continuous miner"
        );
        assert!(
            miner.reason.contains("continuous miner"),
            "{}",
            miner.reason
        );
        assert!(!ids.contains(&"sql"));
    }

    #[test]
    fn segments_split_lines_sentences_and_bullets_with_offsets() {
        let text = "One. Two!\n• three; four 3.5 kg";
        let segs: Vec<_> = segments(text)
            .into_iter()
            .map(|(o, s)| (o, s.to_owned()))
            .collect();
        assert_eq!(
            segs.iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>(),
            ["One", "Two", "three", "four 3.5 kg"]
        );
        for (o, s) in segs {
            assert_eq!(&text[o..o + s.len()], s);
        }
    }

    #[test]
    fn any_input_gives_a_result_not_a_panic() {
        let ex = extractor();
        let mut scratch = Scratch::default();
        for text in [
            "",
            "\u{0}\u{7f}\u{fffd}",
            "日本語 SQL русский",
            &"SQL ".repeat(100_000),
        ] {
            let _ = ex.extract(&mut scratch, text, &ExtractOptions::default());
        }
    }
}
