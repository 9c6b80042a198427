//! A seeded generator of realistic workers and tasks from the loaded taxonomy, for tests and
//! benchmarks. The same seed and taxonomy give the same people and work on every machine
//! (ChaCha8, no platform-dependent floating point in the choices).
//!
//! A worker is drawn from an occupation: most of their skills are that occupation's (the
//! higher its weight, the likelier), a few come from a second occupation (people change
//! careers), proficiency mostly 2–4, evidence mostly self-declared. Places, time zones and
//! languages come from a table of large labour markets; rates are per hour in USD with a spread
//! by market, so that budgets compare. A task is drawn the same way: required skills from one
//! occupation, a few optional ones, mostly remote, sometimes needing time-zone overlap.

use guild_taxonomy::SkillId;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::MatchError;
use crate::model::{
    Currency, Evidence, GeoPoint, Money, Place, Proficiency, Reputation, SkillRequirement, Task,
    TaskId, WorkMode, Worker, WorkerId, WorkerSkill,
};

/// An occupation's skills with their weights (essential skills weigh more).
#[derive(Debug, Clone, PartialEq)]
pub struct OccupationProfile {
    /// The occupation.
    pub id: String,
    /// Its skills, with weights > 0.
    pub skills: Vec<(SkillId, f32)>,
}

/// A labour market: city, position, UTC offset (standard time), language, typical hourly rate
/// in US cents.
struct Market {
    lat: f64,
    lon: f64,
    offset: i32,
    language: &'static str,
    rate_cents: i64,
}

const MARKETS: &[Market] = &[
    Market {
        lat: 40.71,
        lon: -74.01,
        offset: -300,
        language: "en",
        rate_cents: 6500,
    }, // New York
    Market {
        lat: 34.05,
        lon: -118.24,
        offset: -480,
        language: "en",
        rate_cents: 6000,
    }, // Los Angeles
    Market {
        lat: 41.88,
        lon: -87.63,
        offset: -360,
        language: "en",
        rate_cents: 5500,
    }, // Chicago
    Market {
        lat: 19.43,
        lon: -99.13,
        offset: -360,
        language: "es",
        rate_cents: 2000,
    }, // Mexico City
    Market {
        lat: -23.55,
        lon: -46.63,
        offset: -180,
        language: "pt",
        rate_cents: 2200,
    }, // São Paulo
    Market {
        lat: -34.60,
        lon: -58.38,
        offset: -180,
        language: "es",
        rate_cents: 2000,
    }, // Buenos Aires
    Market {
        lat: 51.51,
        lon: -0.13,
        offset: 0,
        language: "en",
        rate_cents: 5500,
    }, // London
    Market {
        lat: 52.37,
        lon: 4.90,
        offset: 60,
        language: "nl",
        rate_cents: 5500,
    }, // Amsterdam
    Market {
        lat: 51.22,
        lon: 4.40,
        offset: 60,
        language: "nl",
        rate_cents: 5000,
    }, // Antwerp
    Market {
        lat: 52.52,
        lon: 13.40,
        offset: 60,
        language: "de",
        rate_cents: 5000,
    }, // Berlin
    Market {
        lat: 48.86,
        lon: 2.35,
        offset: 60,
        language: "fr",
        rate_cents: 5000,
    }, // Paris
    Market {
        lat: 40.42,
        lon: -3.70,
        offset: 60,
        language: "es",
        rate_cents: 3500,
    }, // Madrid
    Market {
        lat: 52.23,
        lon: 21.01,
        offset: 60,
        language: "pl",
        rate_cents: 3000,
    }, // Warsaw
    Market {
        lat: 50.26,
        lon: 19.02,
        offset: 60,
        language: "pl",
        rate_cents: 2500,
    }, // Katowice
    Market {
        lat: 44.43,
        lon: 26.10,
        offset: 120,
        language: "ro",
        rate_cents: 2500,
    }, // Bucharest
    Market {
        lat: 50.45,
        lon: 30.52,
        offset: 120,
        language: "uk",
        rate_cents: 2500,
    }, // Kyiv
    Market {
        lat: 30.04,
        lon: 31.24,
        offset: 120,
        language: "ar",
        rate_cents: 1200,
    }, // Cairo
    Market {
        lat: 6.52,
        lon: 3.38,
        offset: 60,
        language: "en",
        rate_cents: 1200,
    }, // Lagos
    Market {
        lat: -1.29,
        lon: 36.82,
        offset: 180,
        language: "en",
        rate_cents: 1200,
    }, // Nairobi
    Market {
        lat: -26.20,
        lon: 28.05,
        offset: 120,
        language: "en",
        rate_cents: 1800,
    }, // Johannesburg
    Market {
        lat: 19.08,
        lon: 72.88,
        offset: 330,
        language: "hi",
        rate_cents: 1200,
    }, // Mumbai
    Market {
        lat: 12.97,
        lon: 77.59,
        offset: 330,
        language: "en",
        rate_cents: 1500,
    }, // Bengaluru
    Market {
        lat: 23.81,
        lon: 90.41,
        offset: 360,
        language: "bn",
        rate_cents: 900,
    }, // Dhaka
    Market {
        lat: 14.60,
        lon: 120.98,
        offset: 480,
        language: "en",
        rate_cents: 1000,
    }, // Manila
    Market {
        lat: -6.21,
        lon: 106.85,
        offset: 420,
        language: "id",
        rate_cents: 1000,
    }, // Jakarta
    Market {
        lat: 10.82,
        lon: 106.63,
        offset: 420,
        language: "vi",
        rate_cents: 1000,
    }, // Ho Chi Minh City
    Market {
        lat: 31.23,
        lon: 121.47,
        offset: 480,
        language: "zh",
        rate_cents: 2500,
    }, // Shanghai
    Market {
        lat: 35.68,
        lon: 139.69,
        offset: 540,
        language: "ja",
        rate_cents: 4500,
    }, // Tokyo
    Market {
        lat: -33.87,
        lon: 151.21,
        offset: 600,
        language: "en",
        rate_cents: 5500,
    }, // Sydney
    Market {
        lat: 43.65,
        lon: -79.38,
        offset: -300,
        language: "en",
        rate_cents: 5000,
    }, // Toronto
];

fn usd() -> Currency {
    Currency::parse("USD").unwrap_or_else(|_| unreachable!("USD is three capitals"))
}

/// Picks an index with probability proportional to `weights` (all > 0).
fn pick_weighted(rng: &mut ChaCha8Rng, weights: &[f32], total: f32) -> usize {
    let mut x = rng.random::<f32>() * total;
    for (i, &w) in weights.iter().enumerate() {
        if x < w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

/// Up to `n` distinct skills of `occ`, likelier the heavier.
fn draw_skills(rng: &mut ChaCha8Rng, occ: &OccupationProfile, n: usize) -> Vec<SkillId> {
    let mut weights: Vec<f32> = occ.skills.iter().map(|(_, w)| *w).collect();
    let mut out = Vec::with_capacity(n);
    for _ in 0..n.min(weights.len()) {
        let total: f32 = weights.iter().sum();
        if total <= 0.0 {
            break;
        }
        let i = pick_weighted(rng, &weights, total);
        weights[i] = 0.0;
        out.push(occ.skills[i].0.clone());
    }
    out
}

fn usable(occupations: &[OccupationProfile]) -> Result<Vec<&OccupationProfile>, MatchError> {
    let usable: Vec<&OccupationProfile> = occupations
        .iter()
        .filter(|o| o.skills.len() >= 3 && o.skills.iter().all(|(_, w)| w.is_finite() && *w > 0.0))
        .collect();
    if usable.is_empty() {
        return Err(MatchError::Empty(
            "no occupation with three or more weighted skills to generate from".to_owned(),
        ));
    }
    Ok(usable)
}

fn proficiency(rng: &mut ChaCha8Rng) -> Proficiency {
    // Mostly 2–4: few people call themselves novices or experts.
    let level = match rng.random_range(0..100u32) {
        0..5 => 1,
        5..30 => 2,
        30..65 => 3,
        65..90 => 4,
        _ => 5,
    };
    Proficiency::new(level).unwrap_or(Proficiency::MIN)
}

/// `n` workers numbered from `first_id`, drawn with `seed`.
pub fn workers(
    occupations: &[OccupationProfile],
    n: usize,
    first_id: i64,
    seed: u64,
) -> Result<Vec<Worker>, MatchError> {
    let occupations = usable(occupations)?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let occ = occupations[rng.random_range(0..occupations.len())];
        let size = rng.random_range(8..=20usize);
        let mut skills = draw_skills(&mut rng, occ, size);
        if rng.random_bool(0.3) {
            let second = occupations[rng.random_range(0..occupations.len())];
            let extra = rng.random_range(1..=4usize);
            for s in draw_skills(&mut rng, second, extra) {
                if !skills.contains(&s) {
                    skills.push(s);
                }
            }
        }
        let market = &MARKETS[rng.random_range(0..MARKETS.len())];
        let mut languages = vec![market.language.to_owned()];
        if market.language != "en" && rng.random_bool(0.6) {
            languages.push("en".to_owned());
        }
        let lat = (market.lat + rng.random_range(-0.3..0.3f64)).clamp(-90.0, 90.0);
        let lon = (market.lon + rng.random_range(-0.3..0.3f64)).clamp(-180.0, 180.0);
        let reviews = if rng.random_bool(0.4) {
            0
        } else {
            rng.random_range(1..=60u32)
        };
        let rating = if reviews == 0 {
            0.0
        } else {
            rng.random_range(3.0..=5.0f32)
        };
        let rate = (market.rate_cents as f64 * rng.random_range(0.6..1.8f64)).round() as i64;
        out.push(Worker {
            id: WorkerId(first_id + i as i64),
            name: format!("Worker {}", first_id + i as i64),
            skills: skills
                .into_iter()
                .map(|skill| WorkerSkill {
                    skill,
                    proficiency: proficiency(&mut rng),
                    evidence: match rng.random_range(0..100u32) {
                        0..60 => Evidence::SelfDeclared,
                        60..80 => Evidence::Extracted,
                        80..90 => Evidence::Assessed,
                        90..95 => Evidence::Credential,
                        _ => Evidence::CompletedWork,
                    },
                })
                .collect(),
            hours_per_week: [10.0, 20.0, 20.0, 30.0, 40.0][rng.random_range(0..5usize)],
            available_from: None,
            available_until: None,
            utc_offset_minutes: market.offset,
            work_mode: match rng.random_range(0..10u32) {
                0..5 => WorkMode::Remote,
                5..7 => WorkMode::OnSite,
                _ => WorkMode::Either,
            },
            location: GeoPoint::new(lat, lon).ok(),
            travel_radius_km: [10.0, 25.0, 50.0, 100.0][rng.random_range(0..4usize)],
            languages,
            rate: Money::new(rate, usd()).ok(),
            reputation: Reputation::new(rating, reviews).unwrap_or_default(),
        });
    }
    Ok(out)
}

/// `n` tasks numbered from `first_id`, each requiring `required` skills (fewer when the
/// occupation has fewer), drawn with `seed`.
pub fn tasks(
    occupations: &[OccupationProfile],
    n: usize,
    required: std::ops::RangeInclusive<usize>,
    first_id: i64,
    seed: u64,
) -> Result<Vec<Task>, MatchError> {
    let occupations = usable(occupations)?;
    if required.is_empty() || *required.start() == 0 {
        return Err(MatchError::Invalid(
            "a task needs at least one required skill".to_owned(),
        ));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7a5c_0000_0000_0001);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let occ = occupations[rng.random_range(0..occupations.len())];
        let count = rng.random_range(required.clone());
        let extra = rng.random_range(0..=3usize);
        let drawn = draw_skills(&mut rng, occ, count + extra);
        let split = count.min(drawn.len());
        let need = |rng: &mut ChaCha8Rng, skill: SkillId| {
            SkillRequirement::new(
                skill,
                [1.0, 1.0, 2.0, 3.0][rng.random_range(0..4usize)],
                Proficiency::new(rng.random_range(1..=4u8)).unwrap_or(Proficiency::MIN),
            )
        };
        let mut req = Vec::with_capacity(split);
        let mut opt = Vec::new();
        for (j, s) in drawn.into_iter().enumerate() {
            if j < split {
                req.push(need(&mut rng, s)?);
            } else {
                opt.push(need(&mut rng, s)?);
            }
        }
        let market = &MARKETS[rng.random_range(0..MARKETS.len())];
        let on_site = rng.random_bool(0.2);
        let hours = [8.0, 20.0, 40.0, 80.0, 160.0][rng.random_range(0..5usize)];
        let budget = (market.rate_cents as f64 * f64::from(hours) * rng.random_range(0.6..1.6f64))
            .round() as i64;
        out.push(Task {
            id: TaskId(first_id + i as i64),
            title: format!("Work as {}", occ.id),
            description: String::new(),
            required: req,
            optional: opt,
            place: if on_site {
                GeoPoint::new(market.lat, market.lon)
                    .map(|location| Place::OnSite { location })
                    .unwrap_or_default()
            } else {
                Place::Remote
            },
            utc_offset_minutes: market.offset,
            min_overlap_hours: if rng.random_bool(0.5) {
                0.0
            } else {
                rng.random_range(1..=4u8) as f32
            },
            hours,
            hours_per_week: Some([10.0, 20.0, 40.0][rng.random_range(0..3usize)]),
            budget: Money::new(budget, usd()).ok(),
            languages: if rng.random_bool(0.8) {
                vec!["en".to_owned()]
            } else {
                vec![market.language.to_owned()]
            },
            starts: None,
            ends: None,
        });
    }
    Ok(out)
}
