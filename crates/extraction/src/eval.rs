//! Ranking metrics for the evaluation commands (protocols in `shared/eval/README.md`).

use std::collections::HashSet;

/// |gold ∩ top k| / min(k, |gold|): recall at k, normalised so that a perfect ranking scores 1.
pub fn rp_at_k(ranked: &[usize], gold: &HashSet<usize>, k: usize) -> f64 {
    if gold.is_empty() {
        return 0.0;
    }
    let hits = ranked.iter().take(k).filter(|c| gold.contains(c)).count();
    hits as f64 / k.min(gold.len()) as f64
}

/// Share of `gold` in the top `k`.
pub fn recall_at_k(ranked: &[usize], gold: &HashSet<usize>, k: usize) -> f64 {
    if gold.is_empty() {
        return 0.0;
    }
    ranked.iter().take(k).filter(|c| gold.contains(c)).count() as f64 / gold.len() as f64
}

/// 1 / rank of the first relevant item (0 when none is ranked).
pub fn reciprocal_rank(ranked: &[usize], gold: &HashSet<usize>) -> f64 {
    ranked
        .iter()
        .position(|c| gold.contains(c))
        .map_or(0.0, |i| 1.0 / (i + 1) as f64)
}

/// Mean of the precision at each relevant item's rank, over all relevant items.
pub fn average_precision(ranked: &[usize], gold: &HashSet<usize>) -> f64 {
    if gold.is_empty() {
        return 0.0;
    }
    let mut hits = 0usize;
    let mut sum = 0.0;
    for (i, c) in ranked.iter().enumerate() {
        if gold.contains(c) {
            hits += 1;
            sum += hits as f64 / (i + 1) as f64;
            if hits == gold.len() {
                break;
            }
        }
    }
    sum / gold.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_on_a_known_ranking() {
        let ranked = [5, 1, 7, 2, 9];
        let gold: HashSet<usize> = [1, 2, 3].into();
        assert!((rp_at_k(&ranked, &gold, 2) - 0.5).abs() < 1e-12);
        assert!((rp_at_k(&ranked, &gold, 5) - 2.0 / 3.0).abs() < 1e-12);
        assert!((reciprocal_rank(&ranked, &gold) - 0.5).abs() < 1e-12);
        assert!((average_precision(&ranked, &gold) - (0.5 + 0.5) / 3.0).abs() < 1e-12);
        assert!((recall_at_k(&ranked, &gold, 4) - 2.0 / 3.0).abs() < 1e-12);
    }
}
