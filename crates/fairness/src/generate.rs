//! Declarations for a generated market, drawn independently of everything else a generated
//! worker has (skills, place, rate): the audit of such a market must find impact ratios near 1,
//! and any distance from 1 is the scorer's doing or sampling noise.

use std::collections::BTreeMap;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Shares per category (summing to 1), by dimension, roughly those of a European or North
/// American workforce; a few categories fall under the 2 % small-group line on purpose.
const SHARES: &[(&str, &[(&str, f64)])] = &[
    (
        "sex",
        &[
            ("female", 0.485),
            ("male", 0.48),
            ("non_binary", 0.03),
            ("other", 0.005),
        ],
    ),
    (
        "race_ethnicity",
        &[
            ("white", 0.575),
            ("hispanic_or_latino", 0.18),
            ("black_or_african_american", 0.13),
            ("asian", 0.07),
            ("two_or_more", 0.03),
            ("american_indian_or_alaska_native", 0.008),
            ("native_hawaiian_or_pacific_islander", 0.003),
            ("other", 0.004),
        ],
    ),
    (
        "age_band",
        &[
            ("under_25", 0.13),
            ("25_39", 0.34),
            ("40_54", 0.32),
            ("55_plus", 0.21),
        ],
    ),
    ("disability", &[("yes", 0.1), ("no", 0.9)]),
];

/// Of those who declare, the share who answer each dimension (the rest prefer not to say).
const ANSWERED: f64 = 0.9;

/// For `n` people, in order: `None` for those who do not declare (a `1 - share` chance each),
/// else the categories they declare. The same `seed` gives the same declarations.
pub fn declarations(n: usize, share: f64, seed: u64) -> Vec<Option<BTreeMap<String, String>>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            if rng.random::<f64>() >= share {
                return None;
            }
            let mut declared = BTreeMap::new();
            for (dimension, shares) in SHARES {
                if rng.random::<f64>() >= ANSWERED {
                    continue;
                }
                let mut x = rng.random::<f64>();
                let mut category = shares[shares.len() - 1].0;
                for (c, p) in *shares {
                    if x < *p {
                        category = c;
                        break;
                    }
                    x -= p;
                }
                declared.insert((*dimension).to_owned(), category.to_owned());
            }
            Some(declared)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_whole_categories_are_allowed_and_draws_repeat() {
        for (dimension, shares) in SHARES {
            let total: f64 = shares.iter().map(|(_, p)| p).sum();
            assert!((total - 1.0).abs() < 1e-9, "{dimension}: {total}");
            for (c, _) in *shares {
                crate::check(dimension, c).unwrap();
            }
        }
        let a = declarations(5000, 0.8, 3);
        assert_eq!(a, declarations(5000, 0.8, 3));
        let declared = a.iter().flatten().count();
        assert!((3800..4200).contains(&declared), "{declared}");
        let women = a
            .iter()
            .flatten()
            .filter(|d| d.get("sex").map(String::as_str) == Some("female"))
            .count();
        // 4,000 × 0.9 × 0.485 ≈ 1,750.
        assert!((1550..1950).contains(&women), "{women}");
        assert!(declarations(100, 0.0, 1).iter().all(Option::is_none));
    }
}
