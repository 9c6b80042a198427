//! Lexical and semantic rankings of the same items, blended into one. Both blends are global
//! (one knob, the same for every query), so that they cannot fit individual queries.

/// Weighted sum of the lexical score, divided by the query's best lexical score (so 0–1 for any
/// query), and the cosine: [`blend`] per item. Items the lexical engine did not find have
/// lexical score 0.
pub fn weighted_sum(lexical: &[f32], cosine: &[f32], weight: f32) -> Vec<f32> {
    let best = lexical.iter().copied().fold(0.0f32, f32::max);
    lexical
        .iter()
        .zip(cosine)
        .map(|(&l, &c)| blend(l, best, c, weight))
        .collect()
}

/// One item's hybrid score: `(1 − weight) · lexical / best + weight · cosine`, where `best` is
/// the query's best lexical score (the lexical part is 0 when `best` is not positive).
pub fn blend(lexical: f32, best: f32, cosine: f32, weight: f32) -> f32 {
    let lexical = if best > 0.0 { lexical / best } else { 0.0 };
    (1.0 - weight) * lexical + weight * cosine
}

/// Reciprocal-rank fusion (Cormack et al., 2009) of two complete rankings (item indices, best
/// first): `(1 − weight) / (k + lexical rank) + weight / (k + semantic rank)`, ranks from 1,
/// with the customary `k` = 60. Scores only ranks, so the two engines' scales do not matter.
pub fn reciprocal_rank(lexical: &[usize], semantic: &[usize], weight: f32, n: usize) -> Vec<f32> {
    const K: f32 = 60.0;
    let mut scores = vec![0.0f32; n];
    for (ranking, w) in [(lexical, 1.0 - weight), (semantic, weight)] {
        for (rank, &item) in ranking.iter().enumerate() {
            if let Some(s) = scores.get_mut(item) {
                *s += w / (K + rank as f32 + 1.0);
            }
        }
    }
    scores
}

/// Item indices by descending score; equal scores keep the order of `tie_break` (a complete
/// ranking, best first).
pub fn order(scores: &[f32], tie_break: &[usize]) -> Vec<usize> {
    let mut position = vec![usize::MAX; scores.len()];
    for (p, &item) in tie_break.iter().enumerate() {
        if let Some(slot) = position.get_mut(item) {
            *slot = p;
        }
    }
    let mut items: Vec<usize> = (0..scores.len()).collect();
    items.sort_by(|&a, &b| {
        scores[b]
            .total_cmp(&scores[a])
            .then(position[a].cmp(&position[b]))
            .then(a.cmp(&b))
    });
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_sum_scales_lexical_scores_to_the_best_one() {
        let s = weighted_sum(&[4.0, 2.0, 0.0], &[0.0, 0.5, 1.0], 0.5);
        assert_eq!(s, vec![0.5, 0.5, 0.5]);
        // No lexical hit at all: the cosine alone, scaled.
        assert_eq!(weighted_sum(&[0.0, 0.0], &[0.2, 0.4], 0.5), vec![0.1, 0.2]);
        // Weight 0 is the lexical engine, weight 1 the semantic one.
        assert_eq!(
            order(&weighted_sum(&[1.0, 3.0], &[0.9, 0.1], 0.0), &[1, 0]),
            [1, 0]
        );
        assert_eq!(
            order(&weighted_sum(&[1.0, 3.0], &[0.9, 0.1], 1.0), &[1, 0]),
            [0, 1]
        );
    }

    #[test]
    fn reciprocal_rank_fusion_favours_items_both_rank_well() {
        // Item 2 is second and first; 0 is first and last; 1 is last and second.
        let s = reciprocal_rank(&[0, 2, 1], &[2, 1, 0], 0.5, 3);
        assert_eq!(order(&s, &[0, 2, 1]), vec![2, 0, 1]);
        // Symmetric rankings tie at weight 0.5; the lexical order breaks the tie.
        let s = reciprocal_rank(&[0, 1], &[1, 0], 0.5, 2);
        assert!((s[0] - s[1]).abs() < 1e-9);
        assert_eq!(order(&s, &[1, 0]), vec![1, 0]);
        // Weight 0 is the lexical ranking.
        let s = reciprocal_rank(&[0, 2, 1], &[1, 2, 0], 0.0, 3);
        assert_eq!(order(&s, &[0, 2, 1]), vec![0, 2, 1]);
    }

    #[test]
    fn order_breaks_ties_by_the_given_ranking() {
        assert_eq!(
            order(&[1.0, 2.0, 1.0, 2.0], &[3, 2, 1, 0]),
            vec![3, 1, 2, 0]
        );
    }
}
