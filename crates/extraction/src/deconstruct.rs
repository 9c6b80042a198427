//! Work → tasks: each with its skills and their weight, its AI exposure, whether it needs
//! physical presence, and a summary of what could be done remotely, what AI could do, and which
//! skills the remaining human work needs.

use std::collections::HashMap;

use serde::Serialize;

use crate::analyzer::{Analyzer, AnalyzerScratch, SimilarTask};
use crate::skills::{ExtractOptions, Span, segments};

/// A skill or work activity linked to a task in the taxonomy.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkedSkill {
    /// Its id.
    pub id: String,
    /// Its kind.
    pub kind: String,
    /// Its label.
    pub label: String,
}

/// What the store knows about a taxonomy task.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskFacts {
    /// The task's id.
    pub id: String,
    /// Its occupation.
    pub occupation: String,
    /// Its statement.
    pub statement: String,
    /// Work activities and skills linked to it.
    pub skills: Vec<LinkedSkill>,
    /// AI exposure 0–1, where a dataset scores the task.
    pub ai_exposure: Option<f64>,
    /// Dataset and measure of `ai_exposure`.
    pub ai_exposure_source: Option<String>,
    /// Whether it needs physical presence, where known.
    pub physical: Option<bool>,
    /// Why `physical` is what it is.
    pub physical_basis: Option<String>,
    /// The share of the work of the tasks nearest to it in meaning that needs presence on site,
    /// as the last import judged it ([`crate::presence::tasks_onsite`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub onsite: Option<f64>,
}

/// A skill a task needs, with its weight in the task (0–1).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskSkillNeed {
    /// The skill's id.
    pub id: String,
    /// Its label.
    pub label: String,
    /// Its kind.
    pub kind: String,
    /// Weight 0–1.
    pub weight: f32,
    /// `text` (found in the task's words) or `taxonomy` (linked to the task or a similar one).
    pub from: String,
}

/// One task of deconstructed work.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskPart {
    /// The task as stated.
    pub statement: String,
    /// Where it stands in the text, for text input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// The taxonomy task it is, for occupation input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    /// Similar taxonomy tasks, for text input.
    pub similar_tasks: Vec<SimilarTask>,
    /// The skills it needs.
    pub skills: Vec<TaskSkillNeed>,
    /// AI exposure 0–1 (share of the task that current generative AI could do or speed up a lot).
    pub ai_exposure: Option<f64>,
    /// Where `ai_exposure` comes from: `imported (dataset:measure)`, `estimated from N similar tasks`, or `unknown`.
    pub ai_exposure_basis: String,
    /// Whether it needs physical presence.
    pub physical: Option<bool>,
    /// Why.
    pub physical_basis: String,
    /// The share of the work it resembles that needs presence on site (0–1), which `physical`
    /// reads, where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub onsite: Option<f64>,
}

/// A skill the work needs overall.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkillNeed {
    /// The skill's id.
    pub id: String,
    /// Its label.
    pub label: String,
    /// Its kind.
    pub kind: String,
    /// Summed weight over the tasks that need it.
    pub weight: f32,
    /// How many tasks need it.
    pub tasks: usize,
}

/// What could be done where and by whom.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkSummary {
    /// Number of tasks.
    pub tasks: usize,
    /// Tasks that can be done remotely (no physical presence needed).
    pub remote_tasks: usize,
    /// Tasks that need presence on site.
    pub on_site_tasks: usize,
    /// Tasks whose AI exposure is at least 0.5.
    pub ai_tasks: usize,
    /// Mean AI exposure of the tasks that have one.
    pub mean_ai_exposure: Option<f64>,
    /// Skills of the tasks that remain human work (AI exposure under 0.5 or unknown), strongest first.
    pub human_skills: Vec<SkillNeed>,
    /// In words.
    pub text: String,
}

/// Work broken into tasks.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deconstruction {
    /// The tasks.
    pub tasks: Vec<TaskPart>,
    /// The summary.
    pub summary: WorkSummary,
    /// Every skill the work needs — the skills a team must cover — strongest first.
    pub team_skills: Vec<SkillNeed>,
}

/// The parts of a text, with the taxonomy tasks they resemble (phase one of a text
/// deconstruction; the caller then fetches [`TaskFacts`] for [`Draft::task_ids`]).
#[derive(Debug, Clone)]
pub struct Draft {
    parts: Vec<Part>,
}

/// One task of a text: where it stands, the similar tasks of each of its pieces, and the
/// skills its words name.
#[derive(Debug, Clone)]
struct Part {
    span: Span,
    pieces: Vec<Vec<SimilarTask>>,
    skills: Vec<TaskSkillNeed>,
}

/// The similar tasks of a task's pieces together, each at its best similarity, best first: a
/// task told in three sentences is read as the work each of them resembles, not as one
/// blurred sentence.
fn pooled(pieces: &[Vec<SimilarTask>]) -> Vec<SimilarTask> {
    let mut similar: Vec<SimilarTask> = Vec::new();
    for t in pieces.iter().flatten() {
        match similar.iter_mut().find(|s| s.id == t.id) {
            Some(s) => s.similarity = s.similarity.max(t.similarity),
            None => similar.push(t.clone()),
        }
    }
    similar.sort_by(|a, b| {
        b.similarity
            .total_cmp(&a.similarity)
            .then_with(|| a.id.cmp(&b.id))
    });
    similar
}

/// A sentence split into pieces of work at an "and"/"en" that joins two things to deliver:
/// after a comma ("fix the roof, and paint the fence") or before an article or possessive
/// ("our stock data cleaned up and a dashboard"). An "and" in a list ("CNC mills and lathes",
/// "mics, calipers and height gauge"), in brackets, in a sentence of fewer than six words, or
/// with one word on a side ("design and build") does not split.
fn work_packages(offset: usize, segment: &str) -> Vec<(usize, &str)> {
    const JOINS: [&str; 5] = [", and ", ", en ", " and ", " en ", " & "];
    const DETERMINERS: [&str; 18] = [
        "a", "an", "the", "our", "my", "their", "his", "her", "its", "de", "het", "een", "onze",
        "ons", "mijn", "hun", "zijn", "haar",
    ];
    if segment.split_whitespace().count() < 6 {
        return vec![(offset, segment)];
    }
    let lower = segment.to_lowercase();
    // Lower-casing may change byte lengths outside ASCII: only split when it did not.
    if lower.len() != segment.len() {
        return vec![(offset, segment)];
    }
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut at = 0;
    while at < lower.len() {
        let next = JOINS
            .iter()
            .filter_map(|j| lower[at..].find(j).map(|i| (at + i, j.len())))
            .min_by_key(|&(i, len)| (i, std::cmp::Reverse(len)));
        let Some((i, len)) = next else { break };
        cuts.push((i, i + len));
        at = i + len;
    }
    let mut pieces = Vec::new();
    let mut start = 0;
    for (a, b) in cuts {
        let left = &segment[start..a];
        let right_words = segment[b..].split_whitespace().count();
        let bracketed = segment[..a].matches('(').count() > segment[..a].matches(')').count();
        let joins_things = segment[a..b].starts_with(',')
            || segment[b..]
                .split_whitespace()
                .next()
                .is_some_and(|w| DETERMINERS.contains(&w.to_lowercase().as_str()));
        if left.split_whitespace().count() >= 2 && right_words >= 2 && !bracketed && joins_things {
            pieces.push((offset + start, left.trim()));
            start = b;
        }
    }
    pieces.push((offset + start, segment[start..].trim()));
    pieces
}

/// Consecutive pieces of text are one task while each is this close in meaning (cosine) to
/// the task so far: a worker tells one piece of work in several sentences, a client adds the
/// details of the job ("about 40 pages on WordPress") after naming it. Chosen on the people's
/// words development set (BENCHMARKS.md): 0.2–0.35 count tasks alike there.
pub const SAME_TASK: f32 = 0.3;

/// Ranges of consecutive pieces (by their unit vectors) that make one task each: a piece joins
/// the task before it when it is at least [`SAME_TASK`] close to that task's mean meaning, and
/// no line break (`breaks[i]`: before piece `i`) stands between them.
fn passages(vectors: &[Vec<f32>], breaks: &[bool]) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    let mut sum: Vec<f32> = Vec::new();
    for (i, v) in vectors.iter().enumerate() {
        let norm = sum.iter().map(|x| x * x).sum::<f32>().sqrt();
        let close = norm > 0.0
            && !breaks.get(i).copied().unwrap_or(false)
            && sum.iter().zip(v).map(|(a, b)| a * b).sum::<f32>() / norm >= SAME_TASK;
        match out.last_mut() {
            Some(range) if close => {
                range.end = i + 1;
                sum.iter_mut().zip(v).for_each(|(a, b)| *a += b);
            }
            _ => {
                out.push(i..i + 1);
                sum = v.clone();
            }
        }
    }
    out
}

/// A piece of a text needs presence on site when at least half of the work it resembles does;
/// a task, when one of its pieces does (the carer's "transfers with the hoyer lift" cannot be
/// done from home, however much charting comes with it). No knob was tuned: on the people's
/// words development set the mean over pieces scored 0.714, the most on-site piece 0.810.
pub const ON_SITE_FROM: f64 = 0.5;

/// Similar tasks below this similarity are not used.
pub const MIN_SIMILARITY: f32 = 0.35;

/// Similar tasks shown with a part, and those its AI exposure is estimated from; its presence
/// is estimated from more ([`crate::presence::TASK_NEIGHBOURS`]), as a taxonomy task's is.
pub const SIMILAR_SHOWN: usize = 3;

impl Draft {
    /// Splits `text` into tasks (bullet points, lines, sentences) and links each to similar
    /// taxonomy tasks and to the skills its words name. At most `max_tasks` parts are kept.
    pub fn new(
        analyzer: &Analyzer,
        scratch: &mut AnalyzerScratch,
        text: &str,
        lang: Option<&str>,
        max_tasks: usize,
    ) -> Self {
        let lang = lang
            .map(str::to_owned)
            .or_else(|| Some(analyzer.guess_language(text)));
        let options = ExtractOptions {
            lang: lang.clone(),
            limit: 8,
            min_coverage: 0.6,
        };
        let mut parts = Vec::new();
        // Headings ("Requirements:") and single words are not tasks.
        let packages: Vec<(usize, &str)> = segments(text)
            .into_iter()
            .flat_map(|(offset, segment)| work_packages(offset, segment))
            .filter(|(_, segment)| segment.split_whitespace().count() >= 2)
            // Pieces that would make more than `max_tasks` tasks even when grouped are not read.
            .take(max_tasks.saturating_mul(4))
            .collect();
        let meanings = analyzer.meanings(
            &packages.iter().map(|(_, p)| *p).collect::<Vec<_>>(),
            lang.as_deref().unwrap_or("en"),
        );
        // A line break is the writer's own division into tasks (a bullet list): kept.
        let lines: Vec<bool> = packages
            .iter()
            .enumerate()
            .map(|(i, &(start, _))| {
                i > 0 && {
                    let (before, piece) = packages[i - 1];
                    text[before + piece.len()..start].contains('\n')
                }
            })
            .collect();
        let ranges = match &meanings {
            Some(vectors) => passages(vectors, &lines),
            None => (0..packages.len()).map(|i| i..i + 1).collect(),
        };
        for range in ranges.into_iter().take(max_tasks) {
            let offset = packages[range.start].0;
            let (last, piece) = packages[range.end - 1];
            let segment = &text[offset..last + piece.len()];
            let mut pieces = Vec::new();
            for i in range {
                let meaning = meanings.as_ref().and_then(|m| m.get(i)).map(Vec::as_slice);
                pieces.push(
                    analyzer
                        .similar_tasks_meaning(
                            scratch,
                            packages[i].1,
                            lang.as_deref(),
                            crate::presence::TASK_NEIGHBOURS,
                            meaning,
                        )
                        .into_iter()
                        .filter(|t| t.similarity >= MIN_SIMILARITY)
                        .collect::<Vec<_>>(),
                );
            }
            let found = analyzer.extract_skills(scratch, segment, &options);
            let top = found.first().map_or(1.0, |m| m.score.max(f32::EPSILON));
            let skills = found
                .into_iter()
                .map(|m| TaskSkillNeed {
                    weight: (m.score / top).clamp(0.0, 1.0),
                    id: m.id,
                    label: m.label,
                    kind: m.kind,
                    from: "text".to_owned(),
                })
                .collect();
            let span = Span {
                start: offset,
                end: offset + segment.len(),
                text: segment.to_owned(),
            };
            parts.push(Part {
                span,
                pieces,
                skills,
            });
        }
        Self { parts }
    }

    /// The taxonomy tasks whose facts [`finish`](Self::finish) needs.
    pub fn task_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .parts
            .iter()
            .flat_map(|p| p.pieces.iter().flatten().map(|t| t.id.clone()))
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// Estimates each part's AI exposure and physical presence from its similar tasks, adds
    /// their work activities, and summarises.
    pub fn finish(self, facts: &[TaskFacts]) -> Deconstruction {
        let facts: HashMap<&str, &TaskFacts> = facts.iter().map(|f| (f.id.as_str(), f)).collect();
        let mut tasks = Vec::new();
        for part in self.parts {
            let Part {
                span,
                pieces,
                mut skills,
            } = part;
            let mut similar = pooled(&pieces);
            let known: Vec<(&SimilarTask, &TaskFacts)> = similar
                .iter()
                .filter_map(|s| facts.get(s.id.as_str()).map(|f| (s, *f)))
                .collect();
            let exposure: Vec<(f64, f64)> = known
                .iter()
                .take(SIMILAR_SHOWN)
                .filter_map(|(s, f)| f.ai_exposure.map(|e| (e, f64::from(s.similarity))))
                .collect();
            let (ai_exposure, ai_exposure_basis) = weighted_mean(&exposure).map_or_else(
                || {
                    (
                        None,
                        "unknown: no similar task has an AI-exposure score".to_owned(),
                    )
                },
                |e| {
                    (
                        Some(e),
                        format!("estimated from {} similar task(s)", exposure.len()),
                    )
                },
            );
            // Each piece is judged from its own similar tasks (a task's neighbourhood in meaning
            // counts, as its own activity links are noisy: "program CNC machines" is linked to
            // programming only), and the task by its most hands-on piece (ON_SITE_FROM).
            let judged: Vec<(f64, usize)> = pieces
                .iter()
                .filter_map(|own| {
                    let shares: Vec<(f64, f64)> = own
                        .iter()
                        .filter_map(|s| {
                            let f = facts.get(s.id.as_str())?;
                            f.onsite
                                .or(f.physical.map(|p| if p { 1.0 } else { 0.0 }))
                                .map(|p| (p, f64::from(s.similarity)))
                        })
                        .collect();
                    weighted_mean(&shares).map(|p| (p, shares.len()))
                })
                .collect();
            let share = judged.iter().map(|(p, _)| *p).reduce(f64::max);
            let (physical, physical_basis) = share.map_or_else(
                || (None, "unknown: no similar task says".to_owned()),
                |p| {
                    let n: usize = judged.iter().map(|(_, n)| n).sum();
                    (
                        Some(p >= ON_SITE_FROM),
                        format!(
                            "estimated from {n} similar task(s){}{}",
                            match judged.len() {
                                1 => String::new(),
                                parts => format!(" of its {parts} parts"),
                            },
                            if n > SIMILAR_SHOWN {
                                format!(", the {SIMILAR_SHOWN} closest shown")
                            } else {
                                String::new()
                            }
                        ),
                    )
                },
            );
            if let Some((s, best)) = known.first() {
                for linked in &best.skills {
                    if !skills.iter().any(|k| k.id == linked.id) {
                        skills.push(TaskSkillNeed {
                            id: linked.id.clone(),
                            label: linked.label.clone(),
                            kind: linked.kind.clone(),
                            weight: 0.5 * s.similarity,
                            from: "taxonomy".to_owned(),
                        });
                    }
                }
            }
            similar.truncate(SIMILAR_SHOWN);
            tasks.push(TaskPart {
                statement: span.text.clone(),
                span: Some(span),
                task_id: None,
                similar_tasks: similar,
                skills,
                ai_exposure,
                ai_exposure_basis,
                physical,
                physical_basis,
                onsite: share,
            });
        }
        assemble(tasks)
    }
}

/// The tasks of an occupation as they are in the taxonomy.
pub fn from_taxonomy(facts: &[TaskFacts]) -> Deconstruction {
    let tasks = facts
        .iter()
        .map(|f| TaskPart {
            statement: f.statement.clone(),
            span: None,
            task_id: Some(f.id.clone()),
            similar_tasks: Vec::new(),
            skills: f
                .skills
                .iter()
                .map(|s| TaskSkillNeed {
                    id: s.id.clone(),
                    label: s.label.clone(),
                    kind: s.kind.clone(),
                    weight: 1.0,
                    from: "taxonomy".to_owned(),
                })
                .collect(),
            ai_exposure: f.ai_exposure,
            ai_exposure_basis: match &f.ai_exposure_source {
                Some(source) => format!("imported ({source})"),
                None => "unknown: no AI-exposure data for this task".to_owned(),
            },
            physical: f.physical,
            physical_basis: f
                .physical_basis
                .clone()
                .unwrap_or_else(|| "unknown".to_owned()),
            onsite: f.onsite,
        })
        .collect();
    assemble(tasks)
}

fn weighted_mean(values: &[(f64, f64)]) -> Option<f64> {
    let total: f64 = values.iter().map(|(_, w)| w).sum();
    (total > 0.0).then(|| values.iter().map(|(v, w)| v * w).sum::<f64>() / total)
}

fn assemble(tasks: Vec<TaskPart>) -> Deconstruction {
    let mut team: HashMap<String, SkillNeed> = HashMap::new();
    let mut human: HashMap<String, SkillNeed> = HashMap::new();
    for task in &tasks {
        let remains_human = task.ai_exposure.is_none_or(|e| e < 0.5);
        for s in &task.skills {
            let targets: &mut [&mut HashMap<String, SkillNeed>] = if remains_human {
                &mut [&mut team, &mut human]
            } else {
                &mut [&mut team]
            };
            for map in targets.iter_mut() {
                let need = map.entry(s.id.clone()).or_insert_with(|| SkillNeed {
                    id: s.id.clone(),
                    label: s.label.clone(),
                    kind: s.kind.clone(),
                    weight: 0.0,
                    tasks: 0,
                });
                need.weight += s.weight;
                need.tasks += 1;
            }
        }
    }
    let sorted = |map: HashMap<String, SkillNeed>| {
        let mut v: Vec<SkillNeed> = map.into_values().collect();
        v.sort_by(|a, b| b.weight.total_cmp(&a.weight).then_with(|| a.id.cmp(&b.id)));
        v
    };
    let exposures: Vec<f64> = tasks.iter().filter_map(|t| t.ai_exposure).collect();
    let mean_ai_exposure =
        (!exposures.is_empty()).then(|| exposures.iter().sum::<f64>() / exposures.len() as f64);
    let remote_tasks = tasks.iter().filter(|t| t.physical == Some(false)).count();
    let on_site_tasks = tasks.iter().filter(|t| t.physical == Some(true)).count();
    let ai_tasks = exposures.iter().filter(|e| **e >= 0.5).count();
    let human_skills = sorted(human);
    let top_human: Vec<&str> = human_skills
        .iter()
        .take(5)
        .map(|s| s.label.as_str())
        .collect();
    let text = format!(
        "{} task(s): {remote_tasks} can be done remotely, {on_site_tasks} need presence on site{}; AI could do or speed up much of {ai_tasks}{}. The remaining human work needs most: {}.",
        tasks.len(),
        match tasks.len() - remote_tasks - on_site_tasks {
            0 => String::new(),
            n => format!(", {n} unknown"),
        },
        mean_ai_exposure.map_or(String::new(), |m| format!(" (mean exposure {m:.2})")),
        if top_human.is_empty() {
            "no skills identified".to_owned()
        } else {
            top_human.join(", ")
        },
    );
    Deconstruction {
        summary: WorkSummary {
            tasks: tasks.len(),
            remote_tasks,
            on_site_tasks,
            ai_tasks,
            mean_ai_exposure,
            human_skills,
            text,
        },
        team_skills: sorted(team),
        tasks,
    }
}

#[cfg(test)]
mod tests {
    use super::{passages, work_packages};

    fn pieces(text: &str) -> Vec<&str> {
        work_packages(10, text)
            .into_iter()
            .map(|(_, p)| p)
            .collect()
    }

    #[test]
    fn a_sentence_splits_into_its_deliverables() {
        assert_eq!(
            pieces("We need our warehouse stock data cleaned up and a dashboard"),
            ["We need our warehouse stock data cleaned up", "a dashboard"]
        );
        assert_eq!(
            pieces("Ik zoek iemand die de boekhouding doet en de btw-aangifte regelt"),
            [
                "Ik zoek iemand die de boekhouding doet",
                "de btw-aangifte regelt"
            ]
        );
        // Offsets point into the whole text.
        let text = "Fix the shed roof, and paint the fence this week";
        let got = work_packages(7, text);
        assert_eq!(
            got[1],
            (
                7 + text.find("paint").unwrap_or(0),
                "paint the fence this week"
            )
        );
    }

    #[test]
    fn lists_and_brackets_do_not_split() {
        for whole in [
            "Ran CNC mills and lathes at the bearing plant for 19 years",
            "checked them with mics, calipers and height gauge against the print",
            "mostly on Haas machines (the old ones and the new ones) at night",
        ] {
            assert_eq!(pieces(whole), [whole]);
        }
    }

    #[test]
    fn pieces_close_in_meaning_make_one_task() {
        let unit = |x: f32, y: f32| {
            let n = (x * x + y * y).sqrt();
            vec![x / n, y / n]
        };
        // The second piece is close to the first; the third is about something else, and the
        // fourth is close to the third.
        let vectors = [
            unit(1.0, 0.0),
            unit(0.9, 0.3),
            unit(0.0, 1.0),
            unit(0.2, 1.0),
        ];
        assert_eq!(passages(&vectors, &[false; 4]), [0..2, 2..4]);
        assert_eq!(passages(&vectors[..1], &[false]), vec![0..1]);
        assert!(passages(&[], &[]).is_empty());
        // A line break keeps the writer's division.
        assert_eq!(
            passages(&vectors, &[false, false, false, true]),
            [0..2, 2..3, 3..4]
        );
    }

    #[test]
    fn short_sentences_and_one_word_pieces_stay_whole() {
        assert_eq!(
            pieces("Design and build a shed"),
            ["Design and build a shed"]
        );
        assert_eq!(
            pieces("Design and implement dashboards for the sales team"),
            ["Design and implement dashboards for the sales team"]
        );
        assert_eq!(
            pieces("Müller und Söhne and more"),
            ["Müller und Söhne and more"]
        );
    }
}
