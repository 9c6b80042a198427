use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::zone::workday_overlap_hours;

fn cand(worker: u64, rate: i64, hours: f64, offset: i32, skills: &[(u32, u8)]) -> TeamCandidate {
    TeamCandidate {
        worker,
        hourly_rate: rate,
        hours_available: hours,
        utc_offset_minutes: offset,
        skills: skills.to_vec(),
    }
}

fn need(skill: u32, hours: f64, min_proficiency: u8) -> SkillNeed {
    SkillNeed {
        skill,
        hours,
        min_proficiency,
    }
}

fn request(needs: Vec<SkillNeed>) -> TeamRequest {
    TeamRequest {
        needs,
        utc_offset_minutes: 0,
        min_overlap_hours: 0.0,
        budget: None,
        member_overhead_hours: 0.0,
        max_members: None,
    }
}

fn options(method: TeamMethod) -> TeamOptions {
    TeamOptions {
        method,
        ..TeamOptions::default()
    }
}

fn reason(result: Result<Team, MatchError>) -> String {
    match result {
        Err(MatchError::Infeasible { reason }) => reason,
        other => panic!("expected an infeasible answer, got {other:?}"),
    }
}

// ---- an independent reading of the model, for exhaustive search ----

fn secs(hours: f64) -> i64 {
    (hours * 3600.0).round() as i64
}

fn priced(rate: i64, hours: f64) -> i64 {
    (rate * secs(hours) + 1800) / 3600
}

/// Cost of giving need i to candidate `assign[i]`, or `None` if that breaks a rule.
fn brute_cost(cands: &[TeamCandidate], req: &TeamRequest, assign: &[usize]) -> Option<i64> {
    let mut total = 0;
    let mut members = Vec::new();
    for (i, &c) in assign.iter().enumerate() {
        let need = &req.needs[i];
        let who = &cands[c];
        let level = who
            .skills
            .iter()
            .filter(|s| s.0 == need.skill)
            .map(|s| s.1)
            .max()?;
        if level < need.min_proficiency
            || workday_overlap_hours(who.utc_offset_minutes, req.utc_offset_minutes)
                < req.min_overlap_hours
        {
            return None;
        }
        total += priced(who.hourly_rate, need.hours);
        if !members.contains(&c) {
            members.push(c);
            total += priced(who.hourly_rate, req.member_overhead_hours);
        }
    }
    for &c in &members {
        let load: i64 = assign
            .iter()
            .enumerate()
            .filter(|&(_, &a)| a == c)
            .map(|(i, _)| secs(req.needs[i].hours))
            .sum::<i64>()
            + secs(req.member_overhead_hours);
        if load > secs(cands[c].hours_available) {
            return None;
        }
    }
    if req.max_members.is_some_and(|m| members.len() > m) || req.budget.is_some_and(|b| total > b) {
        return None;
    }
    Some(total)
}

/// The least cost over every assignment of needs to candidates.
fn brute_force(cands: &[TeamCandidate], req: &TeamRequest) -> Option<i64> {
    let n = req.needs.len();
    let mut assign = vec![0usize; n];
    let mut best: Option<i64> = None;
    loop {
        if let Some(c) = brute_cost(cands, req, &assign) {
            best = Some(best.map_or(c, |b: i64| b.min(c)));
        }
        let mut pos = 0;
        loop {
            if pos == n {
                return best;
            }
            assign[pos] += 1;
            if assign[pos] < cands.len() {
                break;
            }
            assign[pos] = 0;
            pos += 1;
        }
    }
}

/// Checks a team against the model on its own: every need once, to someone able and in reach,
/// hours and costs as stated, constraints held.
fn check_team(cands: &[TeamCandidate], req: &TeamRequest, team: &Team) {
    let mut assign = vec![usize::MAX; req.needs.len()];
    let mut total = 0;
    for m in &team.members {
        let c = cands
            .iter()
            .position(|c| c.worker == m.worker)
            .expect("member is a candidate");
        assert!(!m.needs.is_empty(), "member without needs");
        let mut hours = secs(req.member_overhead_hours);
        let mut cost = priced(cands[c].hourly_rate, req.member_overhead_hours);
        for &i in &m.needs {
            assert_eq!(assign[i], usize::MAX, "need {i} given twice");
            assign[i] = c;
            hours += secs(req.needs[i].hours);
            cost += priced(cands[c].hourly_rate, req.needs[i].hours);
        }
        assert_eq!(m.cost, cost);
        assert!((m.hours - hours as f64 / 3600.0).abs() < 1e-9);
        assert!(m.needs.windows(2).all(|w| w[0] < w[1]));
        total += cost;
    }
    assert!(team.members.windows(2).all(|w| w[0].worker < w[1].worker));
    assert_eq!(team.total_cost, total);
    assert_eq!(
        brute_cost(cands, req, &assign),
        Some(total),
        "team breaks a rule: {team:?}"
    );
    assert!(team.lower_bound <= team.total_cost);
    assert!(team.gap >= 0.0 && team.gap <= 1.0);
}

/// A small random instance: few skills, so candidates overlap and dominate each other, with equal
/// rates and hours common enough to exercise ties.
fn small_instance(rng: &mut ChaCha8Rng) -> (Vec<TeamCandidate>, TeamRequest) {
    let skills = rng.random_range(1..=4u32);
    let offsets = [-300, 0, 60, 330, 540];
    let cands: Vec<TeamCandidate> = (0..rng.random_range(1..=6u64))
        .map(|w| {
            let held = (0..rng.random_range(1..=3))
                .map(|_| (rng.random_range(0..skills), rng.random_range(1..=5u8)))
                .collect::<Vec<_>>();
            cand(
                100 - w * 7,
                [0, 10, 10, 25, 40, 55, 99][rng.random_range(0..7)],
                [1.0, 2.5, 4.0, 8.0, 8.0, 12.0, 30.0][rng.random_range(0..7)],
                offsets[rng.random_range(0..offsets.len())],
                &held,
            )
        })
        .collect();
    let needs = (0..rng.random_range(1..=5))
        .map(|_| {
            need(
                rng.random_range(0..skills),
                [0.0, 0.5, 1.0, 2.25, 4.0, 7.75][rng.random_range(0..6)],
                rng.random_range(1..=4),
            )
        })
        .collect();
    let req = TeamRequest {
        needs,
        utc_offset_minutes: offsets[rng.random_range(0..offsets.len())],
        min_overlap_hours: [0.0, 2.0, 4.0, 6.5][rng.random_range(0..4)],
        budget: rng.random_bool(0.3).then(|| rng.random_range(0..1500)),
        member_overhead_hours: [0.0, 0.5, 1.0, 1.1][rng.random_range(0..4)],
        max_members: rng.random_bool(0.4).then(|| rng.random_range(1..=3)),
    };
    (cands, req)
}

#[test]
fn exact_search_equals_exhaustive_search_on_small_instances() {
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let (mut teams, mut none) = (0, 0);
    for _ in 0..3000 {
        let (cands, req) = small_instance(&mut rng);
        let truth = brute_force(&cands, &req);
        for method in [TeamMethod::Auto, TeamMethod::Exact] {
            match (form_team(&cands, &req, &options(method)), truth) {
                (Ok(team), Some(best)) => {
                    check_team(&cands, &req, &team);
                    assert!(team.exact, "{method:?} not exact on {cands:?} {req:?}");
                    assert_eq!(team.total_cost, best, "{method:?} on {cands:?} {req:?}");
                    assert_eq!((team.lower_bound, team.gap), (best, 0.0));
                    teams += 1;
                }
                (Err(MatchError::Infeasible { .. }), None) => none += 1,
                (got, want) => {
                    panic!("{method:?}: {got:?}, exhaustive {want:?}: {cands:?} {req:?}")
                }
            }
        }
    }
    // Both outcomes are well represented.
    assert!(
        teams > 1500 && none > 1000,
        "{teams} teams, {none} infeasible"
    );
}

#[test]
fn core_rounds_keep_answers_exact_and_bounds_valid() {
    // Cores of one candidate per need, whole sets of at most two: the pricing rounds run on
    // instances small enough to check against exhaustive search.
    let core = large::Core {
        whole: 2,
        per_need: 1,
    };
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    let (mut proven, mut teams) = (0, 0);
    for _ in 0..3000 {
        let (cands, req) = small_instance(&mut rng);
        let truth = brute_force(&cands, &req);
        let pool = CandidatePool::new(&cands).unwrap();
        for method in [TeamMethod::Auto, TeamMethod::Exact, TeamMethod::Approximate] {
            match (pool.solve_with(&req, &options(method), core), truth) {
                (Ok((team, _)), Some(best)) => {
                    check_team(&cands, &req, &team);
                    assert!(team.lower_bound <= best && best <= team.total_cost);
                    assert!(
                        !team.exact || team.total_cost == best,
                        "{method:?}: {cands:?} {req:?}"
                    );
                    teams += 1;
                    proven += usize::from(team.exact);
                }
                (Err(MatchError::Infeasible { reason }), truth) => {
                    // A proof of infeasibility must be right; "not found" may happen.
                    let proof = !reason.contains("may exist");
                    assert!(
                        truth.is_none() || !proof,
                        "{method:?} {reason}: {cands:?} {req:?}"
                    );
                }
                (got, want) => {
                    panic!("{method:?}: {got:?}, exhaustive {want:?}: {cands:?} {req:?}")
                }
            }
        }
    }
    assert!(proven > teams / 2, "{proven} of {teams} proven");
}

#[test]
fn approximation_is_between_its_lower_bound_and_no_better_than_optimal() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for _ in 0..3000 {
        let (cands, req) = small_instance(&mut rng);
        let Some(best) = brute_force(&cands, &req) else {
            continue;
        };
        let limited = TeamOptions {
            method: TeamMethod::Auto,
            node_limit: 1,
        };
        for opts in [options(TeamMethod::Approximate), limited] {
            // The approximation may miss a team that exists; when it answers, it is honest.
            let Ok(team) = form_team(&cands, &req, &opts) else {
                continue;
            };
            check_team(&cands, &req, &team);
            assert!(team.total_cost >= best);
            assert!(
                team.lower_bound <= best,
                "bound {} > optimum {best}",
                team.lower_bound
            );
            let true_gap = if team.total_cost == 0 {
                0.0
            } else {
                (team.total_cost - best) as f64 / team.total_cost as f64
            };
            assert!(
                team.gap >= true_gap - 1e-12,
                "gap {} < true gap {true_gap}",
                team.gap
            );
            assert!(!team.exact || team.total_cost == best);
        }
    }
}

/// A medium random instance: too large for exhaustive search, small enough to solve exactly.
fn medium_instance(rng: &mut ChaCha8Rng) -> (Vec<TeamCandidate>, TeamRequest) {
    let skills = 10u32;
    let cands = (0..rng.random_range(20..=60u64))
        .map(|w| {
            let held: Vec<(u32, u8)> = (0..rng.random_range(1..=4))
                .map(|_| (rng.random_range(0..skills), rng.random_range(1..=5u8)))
                .collect();
            let rate = rng.random_range(1000..6000);
            let hours = [8.0, 16.0, 24.0, 40.0][rng.random_range(0..4)];
            cand(w, rate, hours, [0, 60, 330][rng.random_range(0..3)], &held)
        })
        .collect();
    let n = rng.random_range(6..=10);
    let mut req = request(
        (0..n)
            .map(|_| {
                need(
                    rng.random_range(0..skills),
                    [2.0, 4.0, 6.0, 10.0][rng.random_range(0..4)],
                    rng.random_range(1..=3),
                )
            })
            .collect(),
    );
    req.member_overhead_hours = 2.0;
    req.min_overlap_hours = 4.0;
    req.max_members = rng.random_bool(0.3).then(|| n / 2 + 1);
    (cands, req)
}

#[test]
fn every_method_agrees_with_the_proven_optimum_on_medium_instances() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut compared = 0;
    for _ in 0..150 {
        let (cands, req) = medium_instance(&mut rng);
        let pool = CandidatePool::new(&cands).unwrap();
        let big = |method| TeamOptions {
            method,
            node_limit: 50_000_000,
        };
        let Ok(auto) = pool.form_team(&req, &big(TeamMethod::Auto)) else {
            // Then no method may claim a team.
            for method in [TeamMethod::Exact, TeamMethod::Approximate] {
                assert!(pool.form_team(&req, &big(method)).is_err());
            }
            continue;
        };
        assert!(auto.exact);
        check_team(&cands, &req, &auto);
        let exact = pool.form_team(&req, &big(TeamMethod::Exact)).unwrap();
        assert!(exact.exact);
        assert_eq!(exact.total_cost, auto.total_cost);
        let best = auto.total_cost;
        // Starved searches and the approximation: valid teams, valid bounds, honest gaps.
        for opts in [
            TeamOptions {
                method: TeamMethod::Auto,
                node_limit: 10,
            },
            TeamOptions {
                method: TeamMethod::Exact,
                node_limit: 10,
            },
            options(TeamMethod::Approximate),
        ] {
            let Ok(team) = pool.form_team(&req, &opts) else {
                continue;
            };
            check_team(&cands, &req, &team);
            assert!(
                team.lower_bound <= best && best <= team.total_cost,
                "{opts:?}"
            );
            let true_gap = (team.total_cost - best) as f64 / team.total_cost as f64;
            assert!(team.gap >= true_gap - 1e-12);
            assert!(!team.exact || team.total_cost == best);
        }
        compared += 1;
    }
    assert!(compared > 100, "{compared}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
    #[test]
    fn answers_do_not_depend_on_the_order_of_candidates(seed in 0u64..1_000_000, rotate in 0usize..6) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (mut cands, req) = small_instance(&mut rng);
        let first = form_team(&cands, &req, &TeamOptions::default());
        cands.reverse();
        let len = cands.len();
        cands.rotate_left(rotate % len);
        proptest::prop_assert_eq!(first, form_team(&cands, &req, &TeamOptions::default()));
    }
}

#[test]
fn a_generalist_saves_the_overhead_of_two_specialists() {
    let cands = [
        cand(1, 1000, 40.0, 0, &[(1, 3)]),
        cand(2, 1000, 40.0, 0, &[(2, 3)]),
        cand(3, 1100, 40.0, 0, &[(1, 3), (2, 3)]),
    ];
    let mut req = request(vec![need(1, 10.0, 3), need(2, 10.0, 3)]);
    req.member_overhead_hours = 4.0;
    let team = form_team(&cands, &req, &TeamOptions::default()).unwrap();
    // Two specialists: 2 × 1000 × 14 = 28,000; the generalist: 1100 × 24 = 26,400.
    assert_eq!(team.total_cost, 26_400);
    assert_eq!(team.members.len(), 1);
    assert_eq!(team.members[0].worker, 3);
    assert_eq!(team.members[0].needs, vec![0, 1]);
    assert_eq!(team.members[0].hours, 24.0);
    assert!(team.exact);
}

#[test]
fn identical_candidates_are_not_pruned_below_what_the_team_needs() {
    // Each can hold one 8-hour need; three needs; five identical workers: three are needed.
    let cands: Vec<_> = (0..5).map(|w| cand(w, 500, 9.0, 0, &[(7, 4)])).collect();
    let req = request(vec![need(7, 8.0, 2); 3]);
    let team = form_team(&cands, &req, &TeamOptions::default()).unwrap();
    assert_eq!(team.members.len(), 3);
    assert_eq!(team.total_cost, 3 * 4000);
    assert_eq!(
        team.members.iter().map(|m| m.worker).collect::<Vec<_>>(),
        vec![0, 1, 2]
    );
}

#[test]
fn costs_round_once_per_priced_quantity() {
    // 1/3 h at 100 an hour: 33.33 → 33; overhead 0.1 h → 10. Hours to the second: 1200 s.
    let cands = [cand(1, 100, 10.0, 0, &[(1, 1)])];
    let mut req = request(vec![need(1, 1.0 / 3.0, 1), need(1, 1.0 / 3.0, 1)]);
    req.member_overhead_hours = 0.1;
    let team = form_team(&cands, &req, &TeamOptions::default()).unwrap();
    assert_eq!(team.total_cost, 33 + 33 + 10);
    // 0.005 h at 100 = 0.5 → rounds up to 1.
    let team = form_team(
        &cands,
        &request(vec![need(1, 0.005, 1)]),
        &TeamOptions::default(),
    )
    .unwrap();
    assert_eq!(team.total_cost, 1);
}

#[test]
fn infeasible_answers_say_why() {
    let cands = [
        cand(1, 1000, 40.0, 0, &[(17, 5), (3, 2)]),
        cand(2, 1000, 40.0, 9 * 60, &[(4, 5)]),
        cand(3, 1000, 20.0, 0, &[(5, 5), (6, 5)]),
        cand(4, 2000, 20.0, 0, &[(5, 5), (6, 5)]),
    ];
    let opts = TeamOptions::default();
    let r = reason(form_team(&cands, &request(vec![need(3, 5.0, 4)]), &opts));
    assert_eq!(r, "no candidate holds skill 3 at proficiency ≥ 4 (need 0)");

    let mut req = request(vec![need(17, 1.0, 1), need(4, 5.0, 4)]);
    req.utc_offset_minutes = 60;
    req.min_overlap_hours = 4.0;
    let r = reason(form_team(&cands, &req, &opts));
    assert!(
        r.starts_with("no candidate holds skill 4 at proficiency ≥ 4 within the time-zone overlap"),
        "{r}"
    );
    assert!(
        r.contains("4 h of the project's 09:00–17:00 at UTC+01:00"),
        "{r}"
    );

    let mut req = request(vec![need(17, 39.0, 5)]);
    req.member_overhead_hours = 2.0;
    let r = reason(form_team(&cands, &req, &opts));
    assert!(r.starts_with("no candidate who holds skill 17 at proficiency ≥ 5 within the time-zone overlap has 41 h free"), "{r}");

    // Each can take each need alone, but not both, and there are two needs of 15 h: two members.
    let mut req = request(vec![need(5, 15.0, 1), need(6, 15.0, 1)]);
    req.max_members = Some(1);
    assert_eq!(
        reason(form_team(&cands, &req, &opts)),
        "needs 2 members but at most 1 allowed"
    );
    req.max_members = Some(0);
    assert_eq!(
        reason(form_team(&cands, &req, &opts)),
        "needs at least 1 member but at most 0 allowed"
    );

    let mut req = request(vec![need(5, 15.0, 1), need(6, 15.0, 1), need(6, 15.0, 1)]);
    let r = reason(form_team(&cands, &req, &opts));
    assert!(r.contains("do not have the hours"), "{r}");
    req.needs.pop();
    req.budget = Some(40_000);
    // 15 h at 1000 + 15 h at 2000 = 45,000.
    assert_eq!(
        reason(form_team(&cands, &req, &opts)),
        "cheapest team costs 45,000 > budget 40,000"
    );
    req.budget = Some(45_000);
    assert_eq!(form_team(&cands, &req, &opts).unwrap().total_cost, 45_000);
}

#[test]
fn budget_and_team_size_are_respected() {
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    for _ in 0..500 {
        let (cands, req) = small_instance(&mut rng);
        for method in [TeamMethod::Auto, TeamMethod::Approximate] {
            if let Ok(team) = form_team(&cands, &req, &options(method)) {
                assert!(req.budget.is_none_or(|b| team.total_cost <= b));
                assert!(req.max_members.is_none_or(|m| team.members.len() <= m));
            }
        }
    }
}

#[test]
fn bad_input_is_refused_with_a_clear_error() {
    let good = [cand(1, 1000, 40.0, 0, &[(1, 3)])];
    let opts = TeamOptions::default();
    let err =
        |cands: &[TeamCandidate], req: &TeamRequest| form_team(cands, req, &opts).unwrap_err();

    assert!(matches!(err(&good, &request(vec![])), MatchError::Empty(_)));
    assert!(matches!(
        err(&good, &request(vec![need(1, f64::NAN, 1)])),
        MatchError::NotFinite { .. }
    ));
    assert!(matches!(
        err(&good, &request(vec![need(1, f64::INFINITY, 1)])),
        MatchError::NotFinite { .. }
    ));
    let e = err(&good, &request(vec![need(1, -1.0, 1)]));
    assert_eq!(
        e,
        MatchError::Invalid("need 0: hours of -1 is outside 0–1000000".into())
    );
    let e = err(&good, &request(vec![need(1, 1.0, 6)]));
    assert_eq!(
        e,
        MatchError::Invalid("need 0: minimum proficiency is 6, outside 1–5".into())
    );
    assert!(matches!(
        err(&good, &request(vec![need(1, 1.0, 0)])),
        MatchError::Invalid(_)
    ));
    assert!(matches!(
        err(&good, &request(vec![need(1, 1.0, 1); MAX_NEEDS + 1])),
        MatchError::Invalid(_)
    ));

    let mut req = request(vec![need(1, 1.0, 1)]);
    req.min_overlap_hours = 9.0;
    assert!(matches!(err(&good, &req), MatchError::Invalid(_)));
    req.min_overlap_hours = f64::NAN;
    assert!(matches!(err(&good, &req), MatchError::NotFinite { .. }));
    let mut req = request(vec![need(1, 1.0, 1)]);
    req.member_overhead_hours = -0.5;
    assert!(matches!(err(&good, &req), MatchError::Invalid(_)));
    let mut req = request(vec![need(1, 1.0, 1)]);
    req.budget = Some(-1);
    assert!(matches!(err(&good, &req), MatchError::Invalid(_)));
    let mut req = request(vec![need(1, 1.0, 1)]);
    req.utc_offset_minutes = i32::MIN;
    assert!(matches!(err(&good, &req), MatchError::Invalid(_)));

    let req = request(vec![need(1, 1.0, 1)]);
    let e = err(&[cand(1, -5, 40.0, 0, &[(1, 3)])], &req);
    assert_eq!(
        e,
        MatchError::Invalid("worker 1: hourly rate -5 is outside 0–1000000000 minor units".into())
    );
    assert!(matches!(
        err(&[cand(1, 5, f64::NAN, 0, &[(1, 3)])], &req),
        MatchError::NotFinite { .. }
    ));
    assert!(matches!(
        err(&[cand(1, 5, 4.0, i32::MAX, &[(1, 3)])], &req),
        MatchError::Invalid(_)
    ));
    assert!(matches!(
        err(&[cand(1, 5, 4.0, 0, &[(1, 9)])], &req),
        MatchError::Invalid(_)
    ));
    let twice = [cand(8, 5, 4.0, 0, &[(1, 3)]), cand(8, 6, 4.0, 0, &[(1, 3)])];
    assert_eq!(
        err(&twice, &req),
        MatchError::Invalid("worker 8 is listed twice among the candidates".into())
    );
    // No candidates at all: a reason, not a panic.
    assert!(matches!(err(&[], &req), MatchError::Infeasible { .. }));
}

#[test]
fn extreme_but_valid_numbers_do_not_overflow() {
    let cands: Vec<_> = (0..4)
        .map(|w| cand(w, MAX_RATE, MAX_HOURS, 0, &[(1, 5), (2, 5)]))
        .collect();
    let mut req = request(vec![need(1, MAX_HOURS / 8.0, 1); 8]);
    req.member_overhead_hours = MAX_HOURS / 8.0 - 1.0;
    for method in [TeamMethod::Auto, TeamMethod::Exact, TeamMethod::Approximate] {
        let team = form_team(&cands, &req, &options(method)).unwrap();
        check_team(&cands, &req, &team);
    }
}

#[test]
fn money_in_messages_is_grouped_by_thousands() {
    assert_eq!(pool::money(0), "0");
    assert_eq!(pool::money(999), "999");
    assert_eq!(pool::money(12_300), "12,300");
    assert_eq!(pool::money(-1_234_567), "-1,234,567");
}

// ---- scale: 100,000 workers, 200 projects ----

/// Samples ranks 0..n with probability ∝ 1/(rank + 1)^s.
struct Zipf(Vec<f64>);

impl Zipf {
    fn new(n: usize, s: f64) -> Self {
        let mut acc = 0.0;
        Self(
            (0..n)
                .map(|r| {
                    acc += 1.0 / ((r + 1) as f64).powf(s);
                    acc
                })
                .collect(),
        )
    }
    fn sample(&self, rng: &mut ChaCha8Rng) -> u32 {
        let x = rng.random::<f64>() * self.0[self.0.len() - 1];
        self.0.partition_point(|&c| c < x) as u32
    }
}

/// 100,000 workers with 20 skills each over 3,000 skills of Zipf popularity, and 200 projects of
/// 5–15 needs drawn from the same popularity.
fn synthetic(seed: u64, workers: u64, projects: usize) -> (Vec<TeamCandidate>, Vec<TeamRequest>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let zipf = Zipf::new(3000, 0.9);
    let offsets = [-480, -300, -240, 0, 0, 60, 60, 120, 330, 480, 540, 600];
    let cands = (0..workers)
        .map(|w| {
            let mut skills: Vec<(u32, u8)> = Vec::with_capacity(20);
            while skills.len() < 20 {
                let s = zipf.sample(&mut rng);
                if !skills.iter().any(|&(t, _)| t == s) {
                    skills.push((s, [1, 2, 2, 3, 3, 3, 4, 4, 5][rng.random_range(0..9)]));
                }
            }
            let rate = (1500.0 * (rng.random::<f64>() * 2.3).exp()) as i64;
            cand(
                w * 3 + 1,
                rate,
                [10.0, 20.0, 40.0, 80.0, 160.0][rng.random_range(0..5)],
                offsets[rng.random_range(0..offsets.len())],
                &skills,
            )
        })
        .collect();
    let requests = (0..projects)
        .map(|_| {
            let mut needs: Vec<SkillNeed> = Vec::new();
            let count = rng.random_range(5..=15);
            while needs.len() < count {
                let s = zipf.sample(&mut rng);
                if !needs.iter().any(|n| n.skill == s) {
                    needs.push(need(
                        s,
                        [4.0, 8.0, 16.0, 24.0, 40.0][rng.random_range(0..5)],
                        rng.random_range(2..=4),
                    ));
                }
            }
            TeamRequest {
                needs,
                utc_offset_minutes: offsets[rng.random_range(0..offsets.len())],
                min_overlap_hours: [0.0, 2.0, 4.0][rng.random_range(0..3)],
                budget: None,
                member_overhead_hours: 2.0,
                max_members: rng.random_bool(0.25).then_some(count / 2),
            }
        })
        .collect();
    (cands, requests)
}

/// `cargo test --release -p guild-matching team::tests::scale -- --ignored --nocapture`
#[test]
#[ignore = "a benchmark: run in release mode"]
fn scale_100k_workers_200_projects() {
    let started = std::time::Instant::now();
    let (cands, requests) = synthetic(42, 100_000, 200);
    println!("generated in {:.2} s", started.elapsed().as_secs_f64());
    for limit in [DEFAULT_NODE_LIMIT, 5_000_000] {
        let report = benchmark(&cands, &requests, limit).unwrap();
        let mut brief = report.clone();
        brief.per_project.clear();
        println!("{brief:#?}");
        let worst = report
            .per_project
            .iter()
            .max_by(|a, b| a.auto_ms.total_cmp(&b.auto_ms))
            .map(|p| (p.needs, p.reduced_candidates, p.auto_nodes, p.auto_ms));
        println!("slowest auto project (needs, reduced, nodes, ms): {worst:?}");
        for limited in [false, true] {
            let rows: Vec<_> = report
                .per_project
                .iter()
                .zip(&requests)
                .filter(|(_, r)| r.max_members.is_some() == limited)
                .map(|(p, _)| p)
                .collect();
            let proven = rows.iter().filter(|p| p.auto_exact).count();
            let gaps: Vec<f64> = rows
                .iter()
                .filter(|p| p.auto_exact)
                .filter_map(|p| {
                    Some((p.approx_cost? - p.auto_cost?) as f64 / p.approx_cost? as f64)
                })
                .collect();
            let approx_found = rows.iter().filter(|p| p.approx_cost.is_some()).count();
            let auto_found = rows.iter().filter(|p| p.auto_cost.is_some()).count();
            let ms = |f: fn(&ProjectBench) -> f64| {
                rows.iter().map(|p| f(p)).sum::<f64>() / rows.len() as f64
            };
            println!(
                "max_members set: {limited}: {} projects, auto team {auto_found} (proven optimal {proven}), \
                 approx team {approx_found}; approx gap to optimum mean {:.4} max {:.4}; mean ms auto {:.1} approx {:.1}",
                rows.len(),
                gaps.iter().sum::<f64>() / gaps.len().max(1) as f64,
                gaps.iter().copied().fold(0.0, f64::max),
                ms(|p| p.auto_ms),
                ms(|p| p.approx_ms),
            );
        }
        if std::env::var_os("TEAM_BENCH_DETAIL").is_some() {
            let pool = CandidatePool::new(&cands).unwrap();
            let opts = TeamOptions {
                node_limit: limit,
                ..TeamOptions::default()
            };
            for (p, r) in report.per_project.iter().zip(&requests) {
                if !p.auto_exact || p.approx_cost != p.auto_cost {
                    println!("{:?} max={:?} {p:?}", r.needs.len(), r.max_members);
                }
                if p.auto_cost.is_none() {
                    println!("  {:?}", pool.form_team(r, &opts));
                }
            }
        }
    }
}

/// `cargo test --release -p guild-matching team::tests::largest -- --ignored --nocapture`
#[test]
#[ignore = "a stress test: run in release mode"]
fn largest_requests_finish_in_seconds() {
    let (cands, _) = synthetic(7, 100_000, 0);
    let pool = CandidatePool::new(&cands).unwrap();
    for (needs, max_members) in [(128, None), (128, Some(64)), (64, None), (40, Some(20))] {
        // The most popular skills: the largest candidate sets.
        let mut req = request((0..needs).map(|s| need(s, 8.0, 2)).collect());
        req.member_overhead_hours = 2.0;
        req.max_members = max_members;
        for method in [TeamMethod::Auto, TeamMethod::Approximate] {
            let started = std::time::Instant::now();
            let (team, stats) = pool.solve(&req, &options(method)).unwrap();
            println!(
                "{needs} needs, max {max_members:?}, {method:?}: {:.2} s, {} candidates, {} nodes, \
                 cost {}, gap {:.4}",
                started.elapsed().as_secs_f64(),
                stats.reduced,
                stats.nodes,
                team.total_cost,
                team.gap
            );
        }
    }
}
