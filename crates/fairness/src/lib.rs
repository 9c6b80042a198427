//! Guild's fairness audit, as arithmetic. Given the people in a pool (each with the categories
//! they declared, per dimension: sex, race/ethnicity, age band, disability) and who of them was
//! selected at a stage (shown in the top k, invited, hired; or scored above the median), it
//! computes, per category and per intersection of two dimensions, the selection rate and its
//! impact ratio against the most selected category, as New York City's Local Law 144 asks of a
//! bias audit: categories under 2 % of the pool are reported but left out of the impact ratios,
//! and undeclared people are counted, never guessed.
//!
//! This crate knows nothing of how anyone was ranked, and the matching crate does not depend on
//! it: declared attributes cannot reach the scorer.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

pub mod generate;

/// What a worker may declare, and the categories of each (leaving a dimension out is "prefer not
/// to say"). Race/ethnicity follows the EEO-1 categories that NYC's bias audits report.
pub const DIMENSIONS: &[(&str, &[&str])] = &[
    ("sex", &["female", "male", "non_binary", "other"]),
    (
        "race_ethnicity",
        &[
            "hispanic_or_latino",
            "white",
            "black_or_african_american",
            "asian",
            "american_indian_or_alaska_native",
            "native_hawaiian_or_pacific_islander",
            "two_or_more",
            "other",
        ],
    ),
    ("age_band", &["under_25", "25_39", "40_54", "55_plus"]),
    ("disability", &["yes", "no"]),
];

/// The version of the purpose a worker consents to when declaring (kept with the declaration).
pub const PURPOSE_VERSION: &str = "2026-12-v1";

/// The purpose, in words: what the declaration is for, and what it is never for.
pub const PURPOSE: &str = "Voluntary. Used only to audit whether Guild's rankings treat groups of people \
alike (impact ratios per group, published without names). Never an input to any ranking or score, never shown to \
clients or other workers, kept sealed apart from your profile, erased when you withdraw.";

/// Checks one declared category: `Err` names what is allowed.
pub fn check(dimension: &str, category: &str) -> Result<(), String> {
    match DIMENSIONS.iter().find(|(d, _)| *d == dimension) {
        None => Err(format!(
            "{dimension:?} is not a dimension Guild asks about: {}",
            DIMENSIONS
                .iter()
                .map(|(d, _)| *d)
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Some((_, allowed)) if allowed.contains(&category) => Ok(()),
        Some((_, allowed)) => Err(format!(
            "{dimension}: {category:?} is not one of {} (leave it out to not say)",
            allowed.join(", ")
        )),
    }
}

/// A category below this share of the pool is left out of the impact ratios (LL144's rule).
pub const SMALL_GROUP: f64 = 0.02;

/// An impact ratio under this is flagged (the four-fifths rule of thumb), when the difference is
/// not chance: see [`SIGNIFICANCE`].
pub const FLAG_BELOW: f64 = 0.8;

/// A ratio under [`FLAG_BELOW`] is flagged only when the difference from the most selected
/// category would arise by chance less often than this (Fisher's exact test, Holm-corrected for
/// the categories compared): the EEOC's Uniform Guidelines (29 CFR 1607.4(D)) do not count
/// "differences based on small numbers and not statistically significant" as adverse impact.
/// Without it, an audit of a market blind to every declaration flags some small intersection
/// in most runs.
pub const SIGNIFICANCE: f64 = 0.05;

/// One person in a pool: their id and the category they declared in each dimension they
/// declared (a dimension left out is "not declared").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Who.
    pub id: i64,
    /// Dimension → category (`"sex" → "female"`).
    pub declared: BTreeMap<String, String>,
}

/// One category's (or intersection's) figures at one stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupRate {
    /// The category, or the intersection's categories joined by " × ".
    pub group: String,
    /// People of it in the pool.
    pub pool: usize,
    /// Of them, selected.
    pub selected: usize,
    /// `selected / pool`.
    pub rate: f64,
    /// `rate` over the highest rate of the categories not left out; `None` when left out, or
    /// when nobody of them was selected (nothing to compare).
    pub impact_ratio: Option<f64>,
    /// Left out of the impact ratios: under [`SMALL_GROUP`] of the pool.
    pub small: bool,
    /// How likely a difference from the most selected category at least this large would be by
    /// chance (two-sided Fisher's exact test); `None` where there is no ratio.
    pub p_value: Option<f64>,
    /// `p_value` corrected for every comparison made with it (Holm's method): within this
    /// breakdown, or across a whole audit after [`correct_across`].
    pub p_adjusted: Option<f64>,
}

impl GroupRate {
    /// Under four fifths of the most selected category's rate, and not by chance.
    pub fn adverse(&self) -> bool {
        self.impact_ratio.is_some_and(|r| r < FLAG_BELOW)
            && self.p_adjusted.is_some_and(|p| p < SIGNIFICANCE)
    }
}

/// A dimension's (or intersection's) figures at one stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakdown {
    /// The dimension, or two joined by " × ".
    pub dimension: String,
    /// Per category, in name order.
    pub groups: Vec<GroupRate>,
    /// People in the pool who did not declare it (not in `groups`).
    pub undeclared: usize,
    /// The lowest impact ratio of the categories not left out (`None`: fewer than two).
    pub min_impact_ratio: Option<f64>,
}

impl Breakdown {
    /// Whether a category's impact ratio is under [`FLAG_BELOW`] by more than chance
    /// ([`GroupRate::adverse`]).
    pub fn flagged(&self) -> bool {
        self.groups.iter().any(GroupRate::adverse)
    }

    /// Whether a category's impact ratio is under [`FLAG_BELOW`], chance or not.
    pub fn under_four_fifths(&self) -> bool {
        self.min_impact_ratio.is_some_and(|r| r < FLAG_BELOW)
    }
}

/// The figures of one stage, for every dimension declared in the pool and every pair of them.
pub fn breakdowns(pool: &[Person], selected: &BTreeSet<i64>) -> Vec<Breakdown> {
    let dimensions: BTreeSet<&str> = pool
        .iter()
        .flat_map(|p| p.declared.keys().map(String::as_str))
        .collect();
    let dimensions: Vec<&str> = dimensions.into_iter().collect();
    let mut out = Vec::new();
    for (i, d) in dimensions.iter().enumerate() {
        out.push(breakdown(pool, selected, &[d]));
        for e in &dimensions[i + 1..] {
            out.push(breakdown(pool, selected, &[d, e]));
        }
    }
    out
}

/// The figures of one dimension, or of the intersection of several.
pub fn breakdown(pool: &[Person], selected: &BTreeSet<i64>, dimensions: &[&str]) -> Breakdown {
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut undeclared = 0;
    for p in pool {
        let categories: Option<Vec<&str>> = dimensions
            .iter()
            .map(|d| p.declared.get(*d).map(String::as_str))
            .collect();
        let Some(categories) = categories else {
            undeclared += 1;
            continue;
        };
        let c = counts.entry(categories.join(" × ")).or_default();
        c.0 += 1;
        if selected.contains(&p.id) {
            c.1 += 1;
        }
    }
    let declared: usize = counts.values().map(|c| c.0).sum();
    let mut groups: Vec<GroupRate> = counts
        .into_iter()
        .map(|(group, (n, s))| GroupRate {
            group,
            pool: n,
            selected: s,
            rate: if n == 0 { 0.0 } else { s as f64 / n as f64 },
            impact_ratio: None,
            small: (n as f64) < SMALL_GROUP * declared as f64,
            p_value: None,
            p_adjusted: None,
        })
        .collect();
    let best = groups
        .iter()
        .filter(|g| !g.small)
        .map(|g| g.rate)
        .fold(0.0f64, f64::max);
    let counted = groups.iter().filter(|g| !g.small).count();
    // Nobody selected: no ratio at all. A ratio of 1 would say "treated alike" of a stage where
    // nothing happened.
    if best > 0.0 {
        for g in groups.iter_mut().filter(|g| !g.small) {
            g.impact_ratio = Some(g.rate / best);
        }
        significance(&mut groups, best);
    }
    let min_impact_ratio = (counted >= 2)
        .then(|| {
            groups
                .iter()
                .filter_map(|g| g.impact_ratio)
                .fold(f64::INFINITY, f64::min)
        })
        .filter(|r| r.is_finite());
    Breakdown {
        dimension: dimensions.join(" × "),
        groups,
        undeclared,
        min_impact_ratio,
    }
}

/// Sets each compared category's p-value of its difference from the most selected category
/// (which is compared with nobody), corrected within the breakdown.
fn significance(groups: &mut [GroupRate], best: f64) {
    let Some(top) = groups
        .iter()
        .position(|g| !g.small && g.rate == best)
        .map(|i| (i, groups[i].selected, groups[i].pool))
    else {
        return;
    };
    for (i, g) in groups.iter_mut().enumerate() {
        if i != top.0 && !g.small && g.impact_ratio.is_some() {
            g.p_value = Some(fisher_exact((top.1, top.2), (g.selected, g.pool)));
        }
    }
    holm(groups.iter_mut().collect());
}

/// Corrects the p-values of every comparison in `breakdowns` together (Holm's method), so that
/// a flag anywhere in a report made of many breakdowns and stages is unlikely to be chance:
/// a report of hundreds of comparisons would otherwise flag a few in a market that is fair.
pub fn correct_across<'a>(breakdowns: impl IntoIterator<Item = &'a mut Breakdown>) {
    holm(
        breakdowns
            .into_iter()
            .flat_map(|b| b.groups.iter_mut())
            .collect(),
    );
}

/// Holm's step-down: the i-th smallest of m p-values times (m - i), never below one before it.
fn holm(mut groups: Vec<&mut GroupRate>) {
    groups.retain(|g| g.p_value.is_some());
    groups.sort_by(|a, b| {
        a.p_value
            .unwrap_or(1.0)
            .total_cmp(&b.p_value.unwrap_or(1.0))
    });
    let m = groups.len();
    let mut floor = 0.0f64;
    for (rank, g) in groups.into_iter().enumerate() {
        let p = g.p_value.unwrap_or(1.0);
        floor = floor.max((p * (m - rank) as f64).min(1.0));
        g.p_adjusted = Some(floor);
    }
}

/// Two-sided Fisher's exact test of whether `a` (selected, of a pool) and `b` were selected at
/// the same rate: the probability, with the margins fixed, of a table at most as likely as the
/// one seen.
pub fn fisher_exact(a: (usize, usize), b: (usize, usize)) -> f64 {
    let (sa, na) = a;
    let (sb, nb) = b;
    let n = na + nb;
    let selected = sa + sb;
    if na == 0 || nb == 0 || selected == 0 || selected == n {
        return 1.0;
    }
    let ln_choose = |n: usize, k: usize| {
        libm::lgamma(n as f64 + 1.0)
            - libm::lgamma(k as f64 + 1.0)
            - libm::lgamma((n - k) as f64 + 1.0)
    };
    let total = ln_choose(n, selected);
    let ln_p = |x: usize| ln_choose(na, x) + ln_choose(nb, selected - x) - total;
    let seen = ln_p(sa);
    let lo = selected.saturating_sub(nb);
    let hi = selected.min(na);
    // Tables as likely as the one seen count too, with room for rounding.
    let p: f64 = (lo..=hi)
        .map(ln_p)
        .filter(|l| *l <= seen + 1e-7)
        .map(f64::exp)
        .sum();
    p.min(1.0)
}

/// Who scored above the median of everyone's scores (LL144's "scoring rate" for tools that score
/// rather than select): each person's score is their best in the period.
pub fn above_median(scores: &BTreeMap<i64, f64>) -> BTreeSet<i64> {
    let mut all: Vec<f64> = scores.values().copied().collect();
    if all.is_empty() {
        return BTreeSet::new();
    }
    all.sort_by(f64::total_cmp);
    let mid = all.len() / 2;
    let median = if all.len().is_multiple_of(2) {
        (all[mid - 1] + all[mid]) / 2.0
    } else {
        all[mid]
    };
    scores
        .iter()
        .filter(|(_, s)| **s > median)
        .map(|(id, _)| *id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    const SEXES: &[&str] = &["female", "male", "non_binary"];
    const AGES: &[&str] = &["under_25", "25_39", "40_54", "55_plus"];

    /// A market of `n` people whose declarations are drawn independently of everything else;
    /// a few leave the age band undeclared; one tiny category.
    fn market(n: usize, rng: &mut ChaCha8Rng) -> Vec<Person> {
        (0..n as i64)
            .map(|id| {
                let mut declared = BTreeMap::new();
                let sex = match rng.random_range(0..100u32) {
                    0 => SEXES[2],
                    x if x < 50 => SEXES[0],
                    _ => SEXES[1],
                };
                declared.insert("sex".to_owned(), sex.to_owned());
                if rng.random_range(0..10u32) > 0 {
                    let age = AGES[rng.random_range(0..AGES.len())];
                    declared.insert("age_band".to_owned(), age.to_owned());
                }
                Person { id, declared }
            })
            .collect()
    }

    #[test]
    fn a_selection_blind_to_declarations_has_impact_ratios_near_one() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let pool = market(20_000, &mut rng);
        // Selected by a coin that knows nothing of anyone.
        let selected: BTreeSet<i64> = pool
            .iter()
            .filter(|_| rng.random_range(0..10u32) < 3)
            .map(|p| p.id)
            .collect();
        let all = breakdowns(&pool, &selected);
        assert_eq!(
            all.iter().map(|b| b.dimension.as_str()).collect::<Vec<_>>(),
            ["age_band", "age_band × sex", "sex"]
        );
        for b in &all {
            assert!(!b.flagged(), "{b:?}");
            // Sampling noise only: about 2,200 people per intersection, rates near 0.3.
            assert!(b.min_impact_ratio.unwrap() > 0.85, "{b:?}");
        }
        let sex = &all[2];
        // Non-binary people are about 1 % here: reported, left out of the ratios.
        let nb = sex.groups.iter().find(|g| g.group == "non_binary").unwrap();
        assert!(nb.small && nb.impact_ratio.is_none(), "{nb:?}");
        assert_eq!(sex.undeclared, 0);
        // About a tenth did not declare their age: counted, not guessed.
        let age = &all[0];
        assert!((1500..2500).contains(&age.undeclared), "{age:?}");
        let counted: usize = age.groups.iter().map(|g| g.pool).sum();
        assert_eq!(counted + age.undeclared, pool.len());
    }

    #[test]
    fn a_selection_that_favours_one_category_is_flagged() {
        let mut rng = ChaCha8Rng::seed_from_u64(8);
        let pool = market(20_000, &mut rng);
        // A deliberately biased selector: men at 30 %, women at 18 %.
        let selected: BTreeSet<i64> = pool
            .iter()
            .filter(|p| {
                let bar = if p.declared["sex"] == "male" { 30 } else { 18 };
                rng.random_range(0..100u32) < bar
            })
            .map(|p| p.id)
            .collect();
        let all = breakdowns(&pool, &selected);
        let sex = all.iter().find(|b| b.dimension == "sex").unwrap();
        assert!(sex.flagged(), "{sex:?}");
        let women = sex.groups.iter().find(|g| g.group == "female").unwrap();
        let ratio = women.impact_ratio.unwrap();
        assert!((0.5..0.7).contains(&ratio), "{women:?}");
        // The bias shows in every intersection with sex too, and not in age alone.
        assert!(
            all.iter()
                .find(|b| b.dimension == "age_band × sex")
                .unwrap()
                .flagged()
        );
        assert!(
            !all.iter()
                .find(|b| b.dimension == "age_band")
                .unwrap()
                .flagged()
        );
    }

    #[test]
    fn holm_corrects_across_every_comparison_given() {
        let g = |p: f64| GroupRate {
            group: String::new(),
            pool: 100,
            selected: 10,
            rate: 0.1,
            impact_ratio: Some(0.5),
            small: false,
            p_value: Some(p),
            p_adjusted: None,
        };
        let mut a = Breakdown {
            dimension: "a".to_owned(),
            groups: vec![g(0.01), g(0.04)],
            undeclared: 0,
            min_impact_ratio: Some(0.5),
        };
        let mut b = Breakdown {
            dimension: "b".to_owned(),
            groups: vec![g(0.03), g(0.5)],
            ..a.clone()
        };
        correct_across([&mut a, &mut b]);
        let adjusted = |x: &Breakdown| {
            x.groups
                .iter()
                .map(|g| g.p_adjusted.unwrap())
                .collect::<Vec<_>>()
        };
        // Sorted 0.01, 0.03, 0.04, 0.5 → ×4, ×3, ×2, ×1, each at least the one before.
        assert_eq!(adjusted(&a), [0.04, 0.09]);
        assert!((adjusted(&b)[0] - 0.09).abs() < 1e-12);
        assert_eq!(adjusted(&b)[1], 0.5);
        assert!(a.flagged() && !b.flagged());
    }

    #[test]
    fn fisher_exact_matches_published_values() {
        // R: fisher.test(matrix(c(3, 1, 1, 3), 2))$p.value = 0.4857143 (the tea-tasting lady).
        assert!((fisher_exact((3, 4), (1, 4)) - 0.485_714_3).abs() < 1e-6);
        // R: fisher.test(matrix(c(6, 0, 0, 6), 2))$p.value = 0.002164502.
        assert!((fisher_exact((6, 6), (0, 6)) - 0.002_164_502).abs() < 1e-8);
        // 59 of 103 against 51 of 125: 0.016488669 (exact sum in rational arithmetic).
        let p = fisher_exact((59, 103), (51, 125));
        assert!((p - 0.016_488_669).abs() < 1e-8, "{p}");
        assert_eq!(fisher_exact((0, 10), (0, 10)), 1.0);
        assert_eq!(fisher_exact((5, 5), (0, 0)), 1.0);
    }

    #[test]
    fn a_small_gap_from_small_numbers_is_reported_not_flagged() {
        // 5 of 10 against 3 of 10: a ratio of 0.6, and chance would do it often.
        let mut pool = Vec::new();
        for i in 0..20 {
            let sex = if i < 10 { "male" } else { "female" };
            pool.push(Person {
                id: i,
                declared: [("sex".to_owned(), sex.to_owned())].into(),
            });
        }
        let selected: BTreeSet<i64> = [0, 1, 2, 3, 4, 10, 11, 12].into();
        let b = breakdown(&pool, &selected, &["sex"]);
        assert!(b.under_four_fifths());
        assert!(!b.flagged(), "{b:?}");
        let women = b.groups.iter().find(|g| g.group == "female").unwrap();
        assert!(women.p_adjusted.unwrap() > 0.5, "{women:?}");
    }

    #[test]
    fn scores_above_the_median_and_edge_cases() {
        let scores: BTreeMap<i64, f64> = [(1, 10.0), (2, 20.0), (3, 30.0), (4, 40.0)].into();
        assert_eq!(above_median(&scores), [3, 4].into());
        assert!(above_median(&BTreeMap::new()).is_empty());
        // An empty pool, or one category: nothing to compare, nothing flagged.
        let b = breakdown(&[], &BTreeSet::new(), &["sex"]);
        assert_eq!(b.min_impact_ratio, None);
        assert!(!b.flagged());
        let one = [Person {
            id: 1,
            declared: [("sex".to_owned(), "female".to_owned())].into(),
        }];
        assert_eq!(
            breakdown(&one, &[1].into(), &["sex"]).min_impact_ratio,
            None
        );
        // Nobody selected at all: no ratio (not 1: nothing happened to compare), no flag.
        let pool = market(1000, &mut ChaCha8Rng::seed_from_u64(1));
        let b = breakdown(&pool, &BTreeSet::new(), &["sex"]);
        assert_eq!(b.min_impact_ratio, None);
        assert!(b.groups.iter().all(|g| g.impact_ratio.is_none()));
        assert!(!b.flagged());
    }
}
