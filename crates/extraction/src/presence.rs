//! Whether work needs a person on site.
//!
//! A task needs presence when its work activities do (O*NET's detailed activities under physical
//! work, handling objects, operating machines and vehicles, repairing, inspecting equipment and
//! structures, caring for people, and working directly with the public: the activities Dingel and
//! Neiman's "How many jobs can be done at home?" reads as on site). An occupation is judged from
//! what its work *is*, in two steps with a few global knobs and no labels:
//! 1. **Tasks by meaning.** Each task's on-site share is that of its [`TASK_NEIGHBOURS`] nearest
//!    tasks by meaning (itself among them): one task's activity links are noisy, its neighbours'
//!    are not, and a task without links is judged like the others. A client's own task is
//!    judged the same way, from its similar tasks (deconstruction).
//! 2. **Occupations by what they require.** The mean over an occupation's tasks is averaged over
//!    its [`OCCUPATION_NEIGHBOURS`] nearest occupations by their skill and knowledge profile
//!    (itself first): occupations that need the same things are done in the same places.
//!
//! An occupation can be done entirely remotely when under [`ENTIRELY_REMOTE_BELOW`] of its work
//! needs presence: the one knob chosen on the development half of `shared/eval/remote`, the
//! same in every one of its 5-fold splits (BENCHMARKS.md).

use std::collections::HashMap;

use guild_semantic::{EmbeddingIndex, SemanticError};

/// How many tasks, nearest by meaning, judge a task's presence.
pub const TASK_NEIGHBOURS: usize = 10;

/// How many occupations, nearest by skill and knowledge profile, judge an occupation's presence.
pub const OCCUPATION_NEIGHBOURS: usize = 20;

/// An occupation whose on-site share is under this can be done entirely remotely.
pub const ENTIRELY_REMOTE_BELOW: f64 = 0.17;

/// Each task's on-site share from the tasks nearest to it by meaning in `tasks` (an index over
/// task statements): the share of its [`TASK_NEIGHBOURS`] nearest judged tasks that need
/// presence. `physical` holds the judged tasks (id → needs presence). Without an index (reading
/// by words only) a judged task is its own judgement and the others are left out.
pub fn tasks_onsite(
    tasks: Option<&EmbeddingIndex>,
    physical: &HashMap<String, bool>,
) -> Result<HashMap<String, f64>, SemanticError> {
    let Some(index) = tasks else {
        return Ok(physical
            .iter()
            .map(|(id, p)| (id.clone(), if *p { 1.0 } else { 0.0 }))
            .collect());
    };
    let judged: Vec<Option<bool>> = (0..index.len())
        .map(|i| physical.get(index.id(i)).copied())
        .collect();
    let among: Vec<bool> = judged.iter().map(Option::is_some).collect();
    let neighbours = index.neighbours(&among, TASK_NEIGHBOURS)?;
    Ok(neighbours
        .iter()
        .enumerate()
        .filter(|(_, near)| !near.is_empty())
        .map(|(i, near)| {
            let onsite = near
                .iter()
                .filter(|(j, _)| judged[*j] == Some(true))
                .count();
            (index.id(i).to_owned(), onsite as f64 / near.len() as f64)
        })
        .collect())
}

/// How much of an occupation's work needs presence on site, and whether it can be done remotely.
#[derive(Debug, Clone, PartialEq)]
pub struct OccupationPresence {
    /// The occupation's id.
    pub occupation: String,
    /// The share of its work that needs presence on site, 0–1.
    pub onsite: f64,
    /// How surely the whole occupation can be done remotely, 0–1: 1 when none of its work needs
    /// presence, ½ at [`ENTIRELY_REMOTE_BELOW`], 0 when all of it does (linear in between, so
    /// that it ranks occupations as `onsite` does).
    pub remote: f64,
    /// What the judgement rests on, in words.
    pub basis: String,
}

/// 1 at no work on site, ½ at [`ENTIRELY_REMOTE_BELOW`], 0 at all of it; linear in between.
fn remote_certainty(onsite: f64) -> f64 {
    let onsite = onsite.clamp(0.0, 1.0);
    if onsite < ENTIRELY_REMOTE_BELOW {
        1.0 - 0.5 * onsite / ENTIRELY_REMOTE_BELOW
    } else {
        0.5 * (1.0 - onsite) / (1.0 - ENTIRELY_REMOTE_BELOW)
    }
}

impl OccupationPresence {
    fn new(occupation: &str, onsite: f64, basis: String) -> Self {
        Self {
            occupation: occupation.to_owned(),
            onsite,
            remote: remote_certainty(onsite),
            basis,
        }
    }

    /// Whether the whole occupation can be done remotely.
    pub fn entirely_remote(&self) -> bool {
        self.onsite < ENTIRELY_REMOTE_BELOW
    }
}

/// Judges occupations: `tasks` holds each occupation's tasks' on-site shares (from
/// [`tasks_onsite`]), `profiles` each occupation's weighted skills and knowledge. An occupation
/// with judged tasks is judged with its [`OCCUPATION_NEIGHBOURS`] nearest such occupations by
/// profile (cosine; one without a profile by its own tasks only). Then an occupation without
/// tasks that `links` (occupation, equivalent, confidence: the crosswalk) ties to judged ones
/// is judged as their confidence-weighted mean. Sorted by occupation id.
pub fn judge_occupations(
    tasks: &HashMap<String, Vec<f64>>,
    profiles: &HashMap<String, Vec<(String, f64)>>,
    links: &[(String, String, f64)],
) -> Vec<OccupationPresence> {
    let mut own: Vec<(&str, f64, usize)> = tasks
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(o, v)| (o.as_str(), v.iter().sum::<f64>() / v.len() as f64, v.len()))
        .collect();
    own.sort_by(|a, b| a.0.cmp(b.0));
    // Unit-length sparse profiles over one numbering of the skills.
    let mut numbering: HashMap<&str, usize> = HashMap::new();
    let unit: Vec<Vec<(usize, f64)>> = own
        .iter()
        .map(|(o, _, _)| {
            let mut v: Vec<(usize, f64)> = profiles
                .get(*o)
                .into_iter()
                .flatten()
                .filter(|(_, w)| *w > 0.0)
                .map(|(s, w)| {
                    let next = numbering.len();
                    (*numbering.entry(s.as_str()).or_insert(next), *w)
                })
                .collect();
            v.sort_by_key(|(s, _)| *s);
            let norm = v.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
            v.iter_mut().for_each(|(_, w)| *w /= norm);
            v
        })
        .collect();
    let cosine = |a: &[(usize, f64)], b: &[(usize, f64)]| {
        let (mut i, mut j, mut sum) = (0, 0, 0.0);
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    sum += a[i].1 * b[j].1;
                    i += 1;
                    j += 1;
                }
            }
        }
        sum
    };
    let mut judged: Vec<OccupationPresence> = Vec::with_capacity(own.len());
    for (i, (occupation, onsite, n)) in own.iter().enumerate() {
        if unit[i].is_empty() {
            judged.push(OccupationPresence::new(
                occupation,
                *onsite,
                format!(
                    "{n} task(s), each judged by the {TASK_NEIGHBOURS} tasks nearest in meaning"
                ),
            ));
            continue;
        }
        let mut near: Vec<(usize, f64)> = (0..own.len())
            .filter(|&j| !unit[j].is_empty())
            .map(|j| {
                (
                    j,
                    if j == i {
                        f64::INFINITY
                    } else {
                        cosine(&unit[i], &unit[j])
                    },
                )
            })
            .collect();
        let k = OCCUPATION_NEIGHBOURS.min(near.len());
        near.select_nth_unstable_by(k - 1, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        near.truncate(k);
        let mean = near.iter().map(|(j, _)| own[*j].1).sum::<f64>() / k as f64;
        judged.push(OccupationPresence::new(
            occupation,
            mean,
            format!(
                "{n} task(s), each judged by the {TASK_NEIGHBOURS} tasks nearest in meaning, and the \
                 {} occupations whose skills and knowledge are nearest",
                k - 1
            ),
        ));
    }
    // Occupations without tasks, through their equivalents.
    let by_id: HashMap<&str, f64> = judged
        .iter()
        .map(|p| (p.occupation.as_str(), p.onsite))
        .collect();
    let mut through: HashMap<&str, (f64, f64, usize)> = HashMap::new();
    for (occupation, equivalent, confidence) in links {
        if by_id.contains_key(occupation.as_str()) {
            continue;
        }
        if let Some(onsite) = by_id.get(equivalent.as_str()) {
            let w = confidence.max(1e-6);
            let e = through.entry(occupation.as_str()).or_default();
            e.0 += w * onsite;
            e.1 += w;
            e.2 += 1;
        }
    }
    let mut more: Vec<OccupationPresence> = through
        .into_iter()
        .map(|(o, (sum, w, n))| {
            OccupationPresence::new(
                o,
                sum / w,
                format!("as its {n} equivalent occupation(s) in O*NET"),
            )
        })
        .collect();
    judged.append(&mut more);
    judged.sort_by(|a, b| a.occupation.cmp(&b.occupation));
    judged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(pairs: &[(&str, f64)]) -> Vec<(String, f64)> {
        pairs.iter().map(|(s, w)| ((*s).to_owned(), *w)).collect()
    }

    #[test]
    fn occupations_are_judged_with_those_that_need_the_same_things() {
        // 25 office occupations (no task on site) and 25 workshop ones (all on site); one
        // workshop occupation's own tasks happen to be linked to no on-site activity.
        let mut tasks = HashMap::new();
        let mut profiles = HashMap::new();
        for i in 0..25 {
            tasks.insert(format!("office{i:02}"), vec![0.0, 0.0]);
            profiles.insert(
                format!("office{i:02}"),
                profile(&[("writing", 0.8), ("computers", 0.6), ("repairing", 0.05)]),
            );
            let onsite = if i == 0 { 0.0 } else { 1.0 };
            tasks.insert(format!("shop{i:02}"), vec![onsite, onsite]);
            profiles.insert(
                format!("shop{i:02}"),
                profile(&[("repairing", 0.9), ("mechanical", 0.7), ("writing", 0.1)]),
            );
        }
        tasks.insert("lonely".to_owned(), vec![1.0, 0.0]);
        let links = vec![
            ("esco:fitter".to_owned(), "shop03".to_owned(), 1.0),
            ("esco:clerk".to_owned(), "office03".to_owned(), 1.0),
            ("esco:clerk".to_owned(), "nowhere".to_owned(), 1.0),
            ("shop01".to_owned(), "office01".to_owned(), 1.0),
        ];
        let judged = judge_occupations(&tasks, &profiles, &links);
        let get = |id: &str| judged.iter().find(|p| p.occupation == id).unwrap();
        assert!(get("office05").entirely_remote());
        assert_eq!(get("office05").remote, 1.0);
        // Its 19 nearest are workshops: 19 of 20 on site.
        let odd = get("shop00");
        assert!((odd.onsite - 19.0 / 20.0).abs() < 1e-9, "{odd:?}");
        assert!(!odd.entirely_remote());
        assert!(odd.remote < 0.1, "{odd:?}");
        assert!(odd.basis.contains("19 occupations"), "{}", odd.basis);
        // No profile: its own tasks.
        assert!((get("lonely").onsite - 0.5).abs() < 1e-9);
        // Through the crosswalk; a judged occupation keeps its own judgement.
        assert!(!get("esco:fitter").entirely_remote());
        assert!(get("esco:clerk").entirely_remote());
        assert!(get("esco:clerk").basis.contains("1 equivalent"));
        assert!(!get("shop01").entirely_remote());
        assert_eq!(judged.len(), 53);
        assert!(judged.windows(2).all(|w| w[0].occupation < w[1].occupation));
    }

    #[test]
    fn half_remote_sits_at_the_knob() {
        let p = OccupationPresence::new("x", ENTIRELY_REMOTE_BELOW, String::new());
        assert!((p.remote - 0.5).abs() < 1e-12);
        assert!(!p.entirely_remote());
        assert!(OccupationPresence::new("x", 0.0, String::new()).entirely_remote());
        let all = OccupationPresence::new("x", 1.0, String::new());
        assert_eq!(all.remote, 0.0);
        let r = |o: f64| OccupationPresence::new("x", o, String::new()).remote;
        assert!(
            r(0.3) > r(0.6) && r(0.6) > r(0.9),
            "it ranks as the on-site share does"
        );
    }

    #[test]
    fn without_meaning_a_task_is_its_own_judgement() {
        let physical: HashMap<String, bool> =
            [("a".to_owned(), true), ("b".to_owned(), false)].into();
        let got = tasks_onsite(None, &physical).unwrap();
        assert_eq!(got["a"], 1.0);
        assert_eq!(got["b"], 0.0);
        assert_eq!(got.len(), 2);
    }
}
