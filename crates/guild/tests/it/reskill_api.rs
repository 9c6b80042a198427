//! Reskilling: transitions from occupations and workers, gaps and learning paths, over HTTP and
//! the CLI, on the starter taxonomy (here) and on imported O*NET + ESCO (from the import test).

use serde_json::{Value, json};

use crate::harness::{Backend, Server, TestStore, encode};
use crate::on_both_backends;

on_both_backends!(
    transitions_and_learning_paths_on_the_starter_taxonomy,
    reskilling_refuses_bad_input_and_other_peoples_workers,
    a_worker_names_the_occupations_they_have_done_over_the_api,
);

const MINER: &str = "guild:occupation/underground-coal-miner";
const MACHINIST: &str = "guild:occupation/machinist";

/// A small catalogue over the starter skills a miner lacks for machining, with a prerequisite
/// chain (reading drawings before CNC programming).
const STARTER_CATALOGUE: &str = "title,kind,teaches,requires,hours,cost,currency,language,provider,link
Reading engineering drawings,course,guild:skill/read-engineering-drawings=3|guild:skill/geometric-dimensioning-and-tolerancing=3,,20,150,EUR,en,Technical college,
Shop mathematics,course,guild:skill/technical-mathematics=3|guild:skill/calculate-speeds-and-feeds=3,,30,0,,en,Open course,
Manual lathe and mill,practice,guild:skill/operate-manual-lathe=3|guild:skill/operate-manual-milling-machine=3|guild:skill/grind-metal-parts=3,,60,900,EUR,en,Technical college,
CNC operation and G-code,course,guild:skill/operate-cnc-lathe=3|guild:skill/operate-cnc-milling-machine=3|guild:skill/g-code=3|guild:skill/edit-cnc-programs=3,guild:skill/read-engineering-drawings=3,80,1400,EUR,en,Technical college,
Measuring with calipers and micrometers,test,guild:skill/measure-with-calipers-and-micrometers=3|guild:skill/use-gauges=3,,3,40,EUR,en,Skills testing centre,
Metaalbewerking basis,course,guild:skill/manufacturing-processes=3|guild:skill/spatial-reasoning=3,,40,300,EUR,nl,ROC,
Manufacturing processes overview,course,guild:skill/manufacturing-processes=3|guild:skill/spatial-reasoning=3,,12,90,EUR,en,Open course,
";

fn miner_worker() -> Value {
    let skills = [
        ("operate-continuous-mining-machine", 4),
        ("roof-bolting", 4),
        ("gas-detection", 3),
        ("mine-safety-regulations", 4),
        ("follow-safety-procedures", 5),
        ("hazard-identification", 4),
        ("operate-shuttle-car", 3),
        ("maintain-hydraulic-systems", 3),
        ("inspect-equipment", 4),
        ("teamwork", 4),
        ("attention-to-detail", 3),
    ];
    json!({
        "name": "Dai, former coal miner",
        "skills": skills.iter().map(|(s, p)| json!({"skill": format!("guild:skill/{s}"), "proficiency": p})).collect::<Vec<_>>(),
        "hours_per_week": 30,
        "utc_offset_minutes": 0,
        "work_mode": "either",
        "travel_radius_km": 40,
        "languages": ["en"],
    })
}

fn ids(report: &Value) -> Vec<String> {
    report["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["occupation"].as_str().unwrap().to_owned())
        .collect()
}

fn transitions_and_learning_paths_on_the_starter_taxonomy(backend: Backend) {
    let store = TestStore::new(&backend);
    let catalogue = tempfile::NamedTempFile::with_suffix(".csv").unwrap();
    std::fs::write(catalogue.path(), STARTER_CATALOGUE).unwrap();
    // The first command loads the starter taxonomy into the empty store.
    let out = store.guild_ok(&["resources", "import", catalogue.path().to_str().unwrap()]);
    assert!(out.contains("imported 7"), "{out}");
    let server = store.serve();

    // From the miner: the other mining occupation is nearest, never the miner itself; every
    // transition says what is missing and what carries over.
    let report = server.get_ok(&format!(
        "/api/v1/occupations/{MINER}/transitions?limit=5&gap=5"
    ));
    let targets = ids(&report);
    assert_eq!(targets.len(), 5);
    assert!(!targets.contains(&MINER.to_owned()));
    assert!(
        targets[..3].contains(&"guild:occupation/surface-mine-equipment-operator".to_owned()),
        "{report}"
    );
    for t in report["transitions"].as_array().unwrap() {
        assert!(t["gap"]["missing"].as_array().unwrap().len() <= 5);
        assert!(t["title"].as_str().unwrap().len() > 2);
        let score = t["score"].as_f64().unwrap();
        assert!(score.is_finite());
    }
    let first = report["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["occupation"] == "guild:occupation/surface-mine-equipment-operator")
        .unwrap();
    let carried: Vec<&str> = first["gap"]["carried_over"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(
        carried.contains(&"guild:skill/mine-safety-regulations"),
        "{first}"
    );
    // Scores are ranked.
    let scores: Vec<f64> = report["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");

    // Asymmetry: the miner → machinist gap is not the machinist → miner gap.
    let there = server.get_ok(&format!(
        "/api/v1/occupations/{MINER}/transitions?limit=100&gap=0"
    ));
    let back = server.get_ok(&format!(
        "/api/v1/occupations/{MACHINIST}/transitions?limit=100&gap=0"
    ));
    let find = |r: &Value, id: &str| {
        r["transitions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["occupation"] == id)
            .cloned()
            .unwrap()
    };
    let (a, b) = (find(&there, MACHINIST), find(&back, MINER));
    assert_ne!(a["parts"]["gap"], b["parts"]["gap"]);
    assert_eq!(
        a["parts"]["activities"], b["parts"]["activities"],
        "the cosine part is symmetric"
    );

    // A worker, signed in: transitions built on the occupation inferred from their skills.
    let token = server.sign_up("dai@example.org");
    let worker = server.call(
        "POST",
        "/api/v1/workers",
        Some(&token),
        Some(&miner_worker()),
    );
    assert_eq!(worker.status, 201, "{}", worker.body);
    let id = worker.body["id"].as_i64().unwrap();
    let mine = server.call(
        "GET",
        &format!("/api/v1/workers/{id}/transitions?limit=5"),
        Some(&token),
        None,
    );
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert_eq!(mine.body["from"]["based_on"]["id"], MINER, "{}", mine.body);
    assert!(!ids(&mine.body).contains(&MINER.to_owned()));

    // The learning path to machinist: the gap's skills, covered by the cheapest resources,
    // drawings before CNC, the Dutch course left out for an English speaker.
    let path = server.call(
        "POST",
        "/api/v1/learning-paths",
        Some(&token),
        Some(&json!({"worker": id, "target": {"occupation": MACHINIST}, "languages": ["en"]})),
    );
    assert_eq!(path.status, 200, "{}", path.body);
    let plan = &path.body["plan"];
    let titles: Vec<&str> = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["resource"]["title"].as_str().unwrap())
        .collect();
    assert!(titles.contains(&"CNC operation and G-code"), "{titles:?}");
    assert!(!titles.contains(&"Metaalbewerking basis"), "{titles:?}");
    let pos = |t: &str| titles.iter().position(|x| *x == t).unwrap();
    assert!(
        pos("Reading engineering drawings") < pos("CNC operation and G-code"),
        "{titles:?}"
    );
    let missing: Vec<&str> = path.body["gap"]["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["skill"].as_str().unwrap())
        .collect();
    assert!(
        missing.contains(&"guild:skill/operate-cnc-lathe"),
        "{missing:?}"
    );
    assert!(
        !missing.contains(&"guild:skill/follow-safety-procedures"),
        "the miner has it: {missing:?}"
    );
    assert_eq!(
        path.body["labels"]["guild:skill/g-code"], "G-code",
        "{}",
        path.body["labels"]
    );

    // A machinist offers to teach CAM software, which no resource covers: the path names them.
    let mo = server.sign_up("mo@example.org");
    let mut machinist = miner_worker();
    machinist["name"] = json!("Mo, machinist");
    machinist["skills"] = json!([{"skill": "guild:skill/cam-software", "proficiency": 5}]);
    let mo_id = server
        .call("POST", "/api/v1/workers", Some(&mo), Some(&machinist))
        .body["id"]
        .as_i64()
        .unwrap();
    let offer = server.call(
        "PUT",
        &format!("/api/v1/workers/{mo_id}/teaching/guild:skill/cam-software"),
        Some(&mo),
        Some(&json!({"remote": true, "note": "evenings"})),
    );
    assert!(offer.status == 201, "{}", offer.body);
    let with_trainer = server.call(
        "POST",
        "/api/v1/learning-paths",
        Some(&token),
        Some(&json!({"worker": id, "target": {"occupation": MACHINIST}, "languages": ["en"]})),
    );
    let uncovered: Vec<&str> = with_trainer.body["plan"]["uncovered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["skill"].as_str().unwrap())
        .collect();
    assert!(
        uncovered.contains(&"guild:skill/cam-software"),
        "{uncovered:?}"
    );
    let trainers = with_trainer.body["trainers"].as_array().unwrap();
    let cam = trainers
        .iter()
        .find(|t| t["skill"]["id"] == "guild:skill/cam-software")
        .unwrap_or_else(|| panic!("{trainers:?}"));
    assert_eq!(cam["trainers"][0]["worker"], mo_id, "{cam}");

    // Bridge work: an open task the miner can do that practises a missing skill.
    let client = server.sign_up("plant@example.org");
    let task = json!({
        "title": "Inspect hydraulic presses and read their drawings",
        "required": [
            {"skill": "guild:skill/inspect-equipment", "weight": 3, "min_proficiency": 3},
            {"skill": "guild:skill/maintain-hydraulic-systems", "weight": 2, "min_proficiency": 3},
        ],
        "optional": [{"skill": "guild:skill/read-engineering-drawings"}],
        "place": {"kind": "remote"},
        "utc_offset_minutes": 0,
        "min_overlap_hours": 2,
        "hours": 20,
        "languages": ["en"],
    });
    let t = server.call("POST", "/api/v1/tasks", Some(&client), Some(&task));
    assert_eq!(t.status, 201, "{}", t.body);
    let task_id = t.body["id"].as_i64().unwrap();
    // Demand: the open task needs what a miner does, so the miner, as a target, has one.
    let from_surface = server.get_ok(
        "/api/v1/occupations/guild:occupation/surface-mine-equipment-operator/transitions?limit=100&gap=0",
    );
    for t in from_surface["transitions"].as_array().unwrap() {
        let expected = if t["occupation"] == MINER { 1 } else { 0 };
        assert_eq!(t["open_tasks"], expected, "{t}");
    }
    let path = server.call(
        "POST",
        "/api/v1/learning-paths",
        Some(&token),
        Some(&json!({"worker": id, "target": {"occupation": MACHINIST}})),
    );
    let bridge = path.body["bridge_work"].as_array().unwrap();
    assert_eq!(bridge.len(), 1, "{}", path.body["bridge_work"]);
    assert_eq!(bridge[0]["task"], task_id);
    assert_eq!(
        bridge[0]["exercises"][0]["id"],
        "guild:skill/read-engineering-drawings"
    );
    // … and the open task as a target: only its drawings are missing.
    let to_task = server.call(
        "POST",
        "/api/v1/learning-paths",
        Some(&token),
        Some(&json!({"worker": id, "target": {"open_task": task_id}})),
    );
    assert_eq!(to_task.status, 200, "{}", to_task.body);
    let missing = to_task.body["gap"]["missing"].as_array().unwrap();
    assert_eq!(missing.len(), 1, "{}", to_task.body["gap"]);
    assert_eq!(
        to_task.body["plan"]["steps"][0]["resource"]["title"],
        "Reading engineering drawings"
    );

    // A target already covered: a clear answer, no plan.
    let mut easy = task.clone();
    easy["title"] = json!("Inspect conveyor belts");
    easy["optional"] = json!([]);
    let easy = server.call("POST", "/api/v1/tasks", Some(&client), Some(&easy));
    assert_eq!(easy.status, 201, "{}", easy.body);
    let covered = server.call(
        "POST",
        "/api/v1/learning-paths",
        Some(&token),
        Some(&json!({"worker": id, "target": {"open_task": easy.body["id"]}})),
    );
    assert_eq!(covered.status, 200, "{}", covered.body);
    assert!(covered.body["plan"].is_null());
    assert!(
        covered.body["note"]
            .as_str()
            .unwrap()
            .starts_with("nothing to learn"),
        "{}",
        covered.body
    );

    // The CLI gives the same answers.
    let out = store.guild_ok(&["reskill", "--from", MINER, "--limit", "3"]);
    assert!(out.contains("surface mine equipment operator"), "{out}");
    let out = store.guild_ok(&[
        "reskill",
        "--worker",
        &id.to_string(),
        "--to",
        MACHINIST,
        "--json",
    ]);
    let cli: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(cli["gap"]["missing"], path.body["gap"]["missing"]);
    let out = store.guild_ok(&["reskill", "--worker", &id.to_string(), "--to", MACHINIST]);
    assert!(out.contains("Learning path (exact, optimal)"), "{out}");
    assert!(
        out.contains("Trainers for CAM software: Mo, machinist"),
        "{out}"
    );
    assert!(out.contains("Bridge work"), "{out}");

    // The API document has the reskilling endpoints.
    let doc = server.get_ok("/api/openapi.json");
    for p in [
        "/api/v1/occupations/{id}/transitions",
        "/api/v1/workers/{id}/transitions",
        "/api/v1/learning-paths",
    ] {
        assert!(
            doc["paths"][p].is_object(),
            "{p} missing from the API document"
        );
    }
}

fn reskilling_refuses_bad_input_and_other_peoples_workers(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let problem = |a: &crate::harness::Answer, status: u16, needle: &str| {
        assert_eq!(a.status, status, "{}", a.body);
        assert_eq!(a.content_type, "application/problem+json");
        let detail = a.body["detail"].as_str().unwrap();
        assert!(detail.contains(needle), "{detail:?} lacks {needle:?}");
    };
    problem(
        &server.get("/api/v1/occupations/guild:occupation/nobody/transitions"),
        404,
        "guild:occupation/nobody",
    );
    problem(
        &server.get(&format!("/api/v1/occupations/{MINER}/transitions?limit=0")),
        400,
        "limit",
    );
    problem(
        &server.get(&format!(
            "/api/v1/occupations/{MINER}/transitions?taxonomy=klingon"
        )),
        400,
        "taxonomy",
    );
    problem(
        &server.get(&format!(
            "/api/v1/occupations/{MINER}/transitions?frobnicate=1"
        )),
        400,
        "frobnicate",
    );
    // O*NET is not imported: asking in it is a clear error.
    problem(
        &server.get(&format!(
            "/api/v1/occupations/{}/transitions?taxonomy=onet",
            encode(MINER)
        )),
        400,
        "onet",
    );

    let dai = server.sign_up("dai@example.org");
    let eve = server.sign_up("eve@example.org");
    let w = server.call("POST", "/api/v1/workers", Some(&dai), Some(&miner_worker()));
    let id = w.body["id"].as_i64().unwrap();
    // Another account may not see what Dai lacks; nobody anonymous either.
    problem(
        &server.call(
            "GET",
            &format!("/api/v1/workers/{id}/transitions"),
            Some(&eve),
            None,
        ),
        403,
        "another account",
    );
    assert_eq!(
        server
            .call(
                "GET",
                &format!("/api/v1/workers/{id}/transitions"),
                None,
                None
            )
            .status,
        401
    );
    let body = json!({"worker": id, "target": {"occupation": MACHINIST}});
    problem(
        &server.call("POST", "/api/v1/learning-paths", Some(&eve), Some(&body)),
        403,
        "another account",
    );
    problem(
        &server.call("GET", "/api/v1/workers/99999/transitions", Some(&dai), None),
        404,
        "99999",
    );

    // Malformed requests.
    let path = |b: Value| server.call("POST", "/api/v1/learning-paths", Some(&dai), Some(&b));
    problem(
        &path(json!({"target": {"occupation": MACHINIST}})),
        400,
        "learner",
    );
    problem(
        &path(json!({"worker": id, "target": {}})),
        400,
        "exactly one",
    );
    problem(
        &path(json!({"worker": id, "target": {"occupation": MACHINIST, "open_task": 1}})),
        400,
        "exactly one",
    );
    problem(
        &path(json!({"worker": id, "target": {"occupation": "guild:occupation/nobody"}})),
        404,
        "nobody",
    );
    problem(
        &path(json!({"worker": id, "target": {"open_task": 424242}})),
        404,
        "424242",
    );
    problem(
        &path(json!({"worker": id, "target": {"occupation": MACHINIST}, "max_needs": 0})),
        400,
        "max_needs",
    );
    problem(
        &path(json!({"worker": id, "target": {"occupation": MACHINIST}, "bogus": 1})),
        400,
        "bogus",
    );

    // An empty catalogue: the gap, and a note instead of a plan.
    let empty = path(json!({"worker": id, "target": {"occupation": MACHINIST}}));
    assert_eq!(empty.status, 200, "{}", empty.body);
    assert!(empty.body["plan"].is_null());
    assert!(
        empty.body["note"]
            .as_str()
            .unwrap()
            .contains("catalogue is empty")
    );
    assert!(!empty.body["gap"]["missing"].as_array().unwrap().is_empty());

    // Prerequisites that require each other: a clear error, not a hang or a panic.
    let cycle = "title,kind,teaches,requires,hours,cost,currency,language,provider,link
Lathe first,course,guild:skill/operate-cnc-lathe=3|guild:skill/operate-cnc-milling-machine=3|guild:skill/g-code=3|guild:skill/edit-cnc-programs=3|guild:skill/operate-manual-lathe=3|guild:skill/operate-manual-milling-machine=3|guild:skill/grind-metal-parts=3|guild:skill/measure-with-calipers-and-micrometers=3|guild:skill/use-gauges=3|guild:skill/technical-mathematics=3|guild:skill/calculate-speeds-and-feeds=3|guild:skill/manufacturing-processes=3|guild:skill/spatial-reasoning=3,guild:skill/read-engineering-drawings=3,10,0,,en,A,
Drawings first,course,guild:skill/read-engineering-drawings=3|guild:skill/geometric-dimensioning-and-tolerancing=3,guild:skill/operate-cnc-lathe=3,10,0,,en,B,
";
    let imported = server.post("/api/v1/learning-resources", cycle, "text/csv");
    assert_eq!(imported.status, 401, "importing needs an account");
    let imported = server.call_raw(
        "POST",
        "/api/v1/learning-resources",
        Some(&dai),
        cycle,
        "text/csv",
    );
    assert_eq!(imported.status, 201, "{}", imported.body);
    problem(
        &path(json!({"worker": id, "target": {"occupation": MACHINIST}})),
        400,
        "cycle",
    );

    // The CLI says what was wrong and exits non-zero.
    let out = store.guild(&["reskill", "--from", "guild:occupation/nobody"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("guild:occupation/nobody"));
    let out = store.guild(&[
        "reskill",
        "--worker",
        &id.to_string(),
        "--to",
        MACHINIST,
        "--hour-value",
        "lots",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--hour-value"));
}

/// On a store with O*NET, ESCO, the crosswalk and AI exposure imported (called from the import
/// test, which has loaded them): the machinist and the continuous mining machine operator get
/// sensible transitions, gaps and learning paths, and ESCO occupations work too.
pub fn onet_and_esco(store: &TestStore, server: &Server) {
    const MACHINIST: &str = "onet:51-4041.00";
    const MINER: &str = "onet:47-5041.00";
    let report = server.get_ok(&format!("/api/v1/occupations/{MINER}/transitions?limit=5"));
    let targets = ids(&report);
    // Other extraction and construction-equipment work is nearest.
    assert!(
        targets.iter().filter(|t| t.starts_with("onet:47-")).count() >= 4,
        "{targets:?}"
    );
    assert_eq!(
        targets[0], "onet:47-5043.00",
        "roof bolters first: {targets:?}"
    );
    let first = &report["transitions"][0];
    assert!(first["remote_share"].is_number(), "{first}");
    assert!(first["ai_exposure"].is_number(), "{first}");
    let report = server.get_ok(&format!(
        "/api/v1/occupations/{MACHINIST}/transitions?limit=5"
    ));
    let targets = ids(&report);
    assert!(
        targets.iter().all(|t| t.starts_with("onet:51-")),
        "production work: {targets:?}"
    );
    assert!(
        targets.contains(&"onet:51-4111.00".to_owned()),
        "tool and die makers: {targets:?}"
    );

    // The machinist's path into mining, over the example catalogue.
    let catalogue = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/examples/learning-catalogue.csv");
    store.guild_ok(&["resources", "import", catalogue.to_str().unwrap()]);
    let out = store.guild_ok(&[
        "reskill",
        "--from",
        "51-4041.00",
        "--to",
        "47-5041.00",
        "--gap",
        "20",
        "--json",
    ]);
    let path: Value = serde_json::from_str(&out).unwrap();
    let missing: Vec<&str> = path["gap"]["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["label"].as_str().unwrap())
        .collect();
    assert_eq!(missing[0], "Operate mining equipment.", "{missing:?}");
    assert!(missing.contains(&"Law and Government"), "{missing:?}");
    let carried: Vec<&str> = path["gap"]["carried_over"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["label"].as_str().unwrap())
        .collect();
    assert!(carried.contains(&"Mechanical"), "{carried:?}");
    let titles: Vec<&str> = path["plan"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["resource"]["title"].as_str().unwrap())
        .collect();
    let pos = |t: &str| {
        titles
            .iter()
            .position(|x| *x == t)
            .unwrap_or_else(|| panic!("{t} not in {titles:?}"))
    };
    assert!(
        pos("New underground miner training (MSHA Part 48)")
            < pos("Continuous miner operator training"),
        "{titles:?}"
    );
    assert!(
        path["plan"]["uncovered"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["skill"] != "onet:4.A.3.a.3.I03.D03")
    );

    // ESCO: an ESCO occupation's transitions are ESCO occupations; asked in O*NET, it goes
    // through the crosswalk.
    let fitter = "http://data.europa.eu/esco/occupation/898f99f7-8c0a-4212-9e58-9ab00379e5ae";
    let report = server.get_ok(&format!(
        "/api/v1/occupations/{}/transitions?limit=3",
        encode(fitter)
    ));
    assert!(
        ids(&report)
            .iter()
            .all(|t| t.starts_with("http://data.europa.eu/esco/occupation/")),
        "{report}"
    );
    let report = server.get_ok(&format!(
        "/api/v1/occupations/{}/transitions?limit=3&taxonomy=onet",
        encode(fitter)
    ));
    assert_eq!(
        report["from"]["based_on"]["id"], MACHINIST,
        "{}",
        report["from"]
    );
    assert!(ids(&report).iter().all(|t| t.starts_with("onet:")));
}

/// The miner names the work he has done over the API; "where next" starts from it (before, from
/// Guild's guess, marked as one); nobody else sees or changes it.
fn a_worker_names_the_occupations_they_have_done_over_the_api(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let dai = server.sign_up("dai@example.org");
    let id = server.created("/api/v1/workers", &dai, &miner_worker())["id"]
        .as_i64()
        .unwrap();
    let base = format!("/api/v1/workers/{id}");
    let next = server.get_ok_as(&format!("{base}/where-next?limit=5&gap=3"), &dai);
    assert_eq!(next["starts"][0]["stated"], false, "{next}");
    assert_eq!(
        next["starts"][0]["occupation"]["id"], MINER,
        "his skills read as a coal miner's: {next}"
    );
    assert_eq!(
        server.get_ok_as(&format!("{base}/occupations"), &dai),
        json!([]),
        "none named yet"
    );

    let put = |occupation: &str, token: &str| {
        server.call(
            "PUT",
            &format!("{base}/occupations/{occupation}"),
            Some(token),
            None,
        )
    };
    assert_eq!(put(MINER, &dai).status, 201);
    let again = put(MINER, &dai);
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(
        again.body[0]["title"], "underground coal miner",
        "{}",
        again.body
    );
    assert_eq!(put("guild:occupation/astronaut", &dai).status, 404);

    let next = server.get_ok_as(&format!("{base}/where-next?limit=5&gap=3"), &dai);
    assert_eq!(next["starts"][0]["stated"], true, "{next}");
    let moves = next["transitions"].as_array().unwrap();
    assert_eq!(moves.len(), 5, "{next}");
    assert!(
        moves.iter().all(|m| m["from"] == 0
            && m["occupation"] != MINER
            && m["gap"]["missing"].as_array().unwrap().len() <= 3),
        "{next}"
    );

    // Nobody else reads or changes his occupations.
    let eve = server.sign_up("eve@example.org");
    assert_eq!(put(MACHINIST, &eve).status, 403);
    for (method, path) in [
        ("GET", format!("{base}/occupations")),
        ("GET", format!("{base}/where-next")),
        ("DELETE", format!("{base}/occupations/{MINER}")),
    ] {
        assert_eq!(
            server.call(method, &path, Some(&eve), None).status,
            403,
            "{method} {path}"
        );
    }

    // At most eight; removing one makes room; removing it again is 404.
    for o in [
        MACHINIST,
        "guild:occupation/welder",
        "guild:occupation/cnc-machine-operator",
        "guild:occupation/surface-mine-equipment-operator",
        "guild:occupation/heavy-truck-driver",
        "guild:occupation/forklift-operator",
        "guild:occupation/construction-labourer",
    ] {
        assert_eq!(put(o, &dai).status, 201, "{o}");
    }
    let full = put("guild:occupation/cook", &dai);
    assert_eq!(full.status, 409, "{}", full.body);
    assert!(
        full.body["type"]
            .as_str()
            .unwrap()
            .ends_with("too-many-occupations"),
        "{}",
        full.body
    );
    let remove = |o: &str| {
        server
            .call(
                "DELETE",
                &format!("{base}/occupations/{o}"),
                Some(&dai),
                None,
            )
            .status
    };
    assert_eq!(remove("guild:occupation/welder"), 204);
    assert_eq!(remove("guild:occupation/welder"), 404);
    assert_eq!(put("guild:occupation/cook", &dai).status, 201);
    let named = server.get_ok_as(&format!("{base}/occupations"), &dai);
    assert_eq!(named.as_array().unwrap().len(), 8, "{named}");
    assert_eq!(named[0]["id"], MINER, "in the order he named them: {named}");
}
