//! Importing the real O*NET and ESCO files, on both backends.

use std::fs;

use serde_json::Value;

use crate::harness::{Backend, TestStore, encode, shared};

crate::on_both_backends!(
    full_onet_and_esco_import_has_the_published_counts_and_reimporting_changes_nothing,
    a_broken_import_names_file_and_line_and_keeps_the_previous_taxonomy,
    a_wrong_directory_or_missing_file_is_named,
);

fn source_count(stats: &Value, source: &str, field: &str) -> u64 {
    stats["sources"][source][field]
        .as_u64()
        .unwrap_or_else(|| panic!("no {source}.{field} in {stats}"))
}

fn full_onet_and_esco_import_has_the_published_counts_and_reimporting_changes_nothing(
    backend: Backend,
) {
    let store = TestStore::new(&backend).lexical();
    let onet = shared("data/onet-29.3");
    let esco = shared("data/esco-1.2");
    let out = store.guild_ok(&["import", "onet", onet.to_str().unwrap()]);
    assert!(
        out.contains("Abilities.txt is not in this release: skipped"),
        "{out}"
    );
    let out = store.guild_ok(&["import", "esco", esco.to_str().unwrap(), "--lang", "en,nl"]);
    assert!(
        out.contains("17 as both essential and optional: kept essential"),
        "{out}"
    );
    store.guild_ok(&[
        "import",
        "crosswalk",
        shared("data/nesta-career-causeways/ONET_ESCO_crosswalk__esco_onet_crosswalk_Nov2020.csv")
            .to_str()
            .unwrap(),
    ]);
    store.guild_ok(&[
        "import",
        "ai-exposure",
        shared("data/gpts-are-gpts").to_str().unwrap(),
    ]);
    store.guild_ok(&[
        "import",
        "ai-exposure",
        shared("data/ms-working-with-ai").to_str().unwrap(),
    ]);

    let stats = store.stats();
    assert_eq!(source_count(&stats, "onet", "occupations"), 1016);
    assert_eq!(source_count(&stats, "onet", "tasks"), 18_796);
    assert_eq!(source_count(&stats, "onet", "task_skills"), 23_233);
    assert_eq!(stats["sources"]["onet"]["skills_by_kind"]["knowledge"], 33);
    assert_eq!(stats["sources"]["onet"]["skills_by_kind"]["skill"], 35);
    assert_eq!(source_count(&stats, "esco", "skills"), 13_939);
    assert_eq!(source_count(&stats, "esco", "occupations"), 3039);
    assert_eq!(source_count(&stats, "esco", "occupation_skills"), 128_987);
    assert_eq!(stats["sources"]["esco"]["skills_by_kind"]["language"], 359);
    assert!(
        stats["sources"]["esco"]["labels_by_lang"]["nl"]
            .as_u64()
            .unwrap()
            > 20_000
    );
    assert_eq!(stats["crosswalk"]["nesta"], 1680);
    assert!(stats["ai_exposure"]["gpts-are-gpts"].as_u64().unwrap() > 90_000);
    // The store was not empty when the imports ran, so the starter set was never loaded.
    assert!(stats["sources"].get("guild").is_none(), "{stats}");

    // The real data answers over HTTP: an O*NET occupation with its tasks, work activities,
    // weighted skills, AI exposure (task, occupation and SOC group) and its ESCO equivalents.
    let server = store.serve();
    let machinists = server.get_ok(&format!(
        "/api/v1/occupations/{}",
        encode("onet:51-4041.00")
    ));
    assert_eq!(machinists["title"], "Machinists");
    assert_eq!(machinists["job_zone"], 3);
    let tasks = machinists["tasks"].as_array().unwrap();
    assert!(tasks.len() >= 20);
    assert!(
        tasks
            .iter()
            .any(|t| !t["skills"].as_array().unwrap().is_empty())
    );
    assert!(tasks.iter().any(|t| {
        t["ai_exposure"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["measure"] == "gpt4_beta")
    }));
    let exposure = machinists["ai_exposure"].as_array().unwrap();
    assert!(
        exposure
            .iter()
            .any(|e| e["dataset"] == "gpts-are-gpts" && e["subject"] == "onet:51-4041.00")
    );
    assert!(
        exposure
            .iter()
            .any(|e| e["dataset"] == "ms-working-with-ai" && e["subject"] == "soc:51-4041")
    );
    let skills = machinists["skills"].as_array().unwrap();
    assert!(
        skills
            .iter()
            .any(|s| s["label"] == "Mechanical" && s["importance"].as_f64().unwrap() > 3.0)
    );
    assert!(machinists["crosswalk"].as_array().unwrap().iter().any(|c| {
        c["id"]
            .as_str()
            .unwrap()
            .starts_with("http://data.europa.eu/esco/occupation/")
    }));
    // An ESCO skill by its URI, unencoded in the path, with its hierarchy and occupations.
    let found = server.get_ok("/api/v1/skills?q=operate%20welding%20equipment&source=esco&limit=1");
    let uri = found["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(found["items"][0]["label"], "operate welding equipment");
    let skill = server.get_ok(&format!("/api/v1/skills/{uri}"));
    assert!(!skill["broader"].as_array().unwrap().is_empty(), "{skill}");
    assert!(skill["occupation_count"].as_u64().unwrap() > 5);
    // Dutch titles from the Dutch export.
    let nl = server.get_ok("/api/v1/occupations?q=lasser&lang=nl&limit=5");
    assert!(
        nl["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["title"] == "lasser" && o["lang"] == "nl"),
        "{nl}"
    );

    // Deconstruction on the real data: O*NET tasks with imported AI exposure and presence
    // derived from their work activities; an ESCO occupation through its O*NET equivalent.
    let trucks = server.post_ok(
        "/api/v1/deconstruct",
        &serde_json::json!({ "occupation": "onet:53-7051.00" }),
    );
    let tasks = trucks["tasks"].as_array().unwrap();
    assert!(
        tasks
            .iter()
            .any(|t| t["ai_exposure_basis"] == "imported (gpts-are-gpts:gpt4_beta)"),
        "{trucks}"
    );
    assert!(
        tasks.iter().any(|t| t["physical"] == true
            && t["physical_basis"]
                .as_str()
                .unwrap()
                .starts_with("work activity")),
        "{trucks}"
    );
    let esco_machinist = machinists["crosswalk"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"].as_str().unwrap().starts_with("http"))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let via = server.post_ok(
        "/api/v1/deconstruct",
        &serde_json::json!({ "occupation": esco_machinist }),
    );
    assert!(
        via["occupation"]["tasks_from"]
            .as_str()
            .unwrap()
            .starts_with("onet:"),
        "{via}"
    );
    assert!(!via["tasks"].as_array().unwrap().is_empty());
    let titles = server.post_ok(
        "/api/v1/titles/normalize",
        &serde_json::json!({ "title": "Sr. CNC Machinist - 2nd shift", "limit": 10 }),
    );
    let sources: Vec<&str> = titles["occupations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["source"].as_str().unwrap())
        .collect();
    assert!(
        sources.contains(&"esco") && sources.contains(&"onet"),
        "{titles}"
    );
    // Skills and a profile from text, on the full taxonomy.
    let found = server.post_ok(
        "/api/v1/skills/extract",
        &serde_json::json!({ "text": "Operated a continuous miner underground and trained new crews; I also drove a forklift." }),
    );
    let labels: Vec<&str> = found["skills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"operate continuous miner") && labels.contains(&"operate forklift"),
        "{labels:?}"
    );
    let draft = server.post_ok(
        "/api/v1/profiles/extract",
        &serde_json::json!({ "text": "Machinist\nSet up CNC lathes and milling machines, read engineering drawings, measured parts with micrometers." }),
    );
    assert!(!draft["skills"].as_array().unwrap().is_empty(), "{draft}");
    assert!(
        draft["job_titles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["title"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("machinist")),
        "{draft}"
    );
    // A Dutch worker's words: ESCO names occupations in Dutch but skills in English only, so
    // the text is read in Dutch for occupations and through the lexicon learned from the
    // parallel labels for skills; spans and reasons point at the Dutch words.
    let draft = server.post_ok(
        "/api/v1/profiles/extract",
        &serde_json::json!({ "text": "Magazijnmedewerker\nZes jaar orderpicker in een magazijn. Ik rij heftruck en reachtruck, zet pallets weg en tel de voorraad." }),
    );
    assert_eq!(draft["lang"], "nl", "{draft}");
    let skills = draft["skills"].as_array().unwrap();
    let forklift = skills
        .iter()
        .find(|s| s["label"] == "operate forklift")
        .unwrap_or_else(|| panic!("{draft}"));
    assert_eq!(forklift["spans"][0]["text"], "heftruck", "{forklift}");
    assert!(
        forklift["reason"]
            .as_str()
            .unwrap()
            .contains("\u{201c}heftruck\u{201d} read as \u{201c}forklift\u{201d}"),
        "{forklift}"
    );
    assert!(
        skills
            .iter()
            .any(|s| s["label"].as_str().unwrap().contains("warehous")),
        "{draft}"
    );
    assert!(
        draft["job_titles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["source"] == "esco" && o["title"].as_str().unwrap().contains("warehouse")),
        "{draft}"
    );
    // Reskilling on the imported taxonomies.
    crate::reskill_api::onet_and_esco(&store, &server);
    drop(server);

    store.guild_ok(&["import", "onet", onet.to_str().unwrap()]);
    store.guild_ok(&["import", "esco", esco.to_str().unwrap(), "--lang", "en,nl"]);
    store.guild_ok(&[
        "import",
        "ai-exposure",
        shared("data/gpts-are-gpts").to_str().unwrap(),
    ]);
    let mut again = store.stats();
    let mut before = stats;
    // Only the import times may differ.
    before["imports"] = Value::Null;
    again["imports"] = Value::Null;
    assert_eq!(before, again);
}

fn a_broken_import_names_file_and_line_and_keeps_the_previous_taxonomy(backend: Backend) {
    let store = TestStore::new(&backend).lexical();
    let onet = shared("data/onet-29.3");
    store.guild_ok(&["import", "onet", onet.to_str().unwrap()]);
    let before = store.stats();

    // A copy of the release whose task file is cut off in the middle of a row.
    let broken = tempfile::tempdir().unwrap();
    fs::copy(
        onet.join("Occupation Data.txt"),
        broken.path().join("Occupation Data.txt"),
    )
    .unwrap();
    let tasks = fs::read_to_string(onet.join("Task Statements.txt")).unwrap();
    let cut: String = tasks.lines().take(101).collect::<Vec<_>>().join("\n");
    let last = tasks.lines().nth(101).unwrap();
    let half = &last[..last.find('\t').unwrap() + 4];
    fs::write(
        broken.path().join("Task Statements.txt"),
        format!("{cut}\n{half}\n"),
    )
    .unwrap();
    let out = store.guild(&["import", "onet", broken.path().to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Task Statements.txt: line 102"), "{err}");
    assert!(err.contains("the store keeps what it had"), "{err}");

    // A malformed ESCO export: an unterminated quote.
    let esco = tempfile::tempdir().unwrap();
    for f in ["occupations_en.csv", "occupationSkillRelations_en.csv"] {
        fs::copy(shared("data/esco-1.2").join(f), esco.path().join(f)).unwrap();
    }
    fs::write(
        esco.path().join("skills_en.csv"),
        "\u{feff}conceptType,conceptUri,skillType,preferredLabel,altLabels\nKnowledgeSkillCompetence,http://data.europa.eu/esco/skill/x,knowledge,\"unterminated,\n",
    )
    .unwrap();
    let out = store.guild(&["import", "esco", esco.path().to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("skills_en.csv"), "{err}");

    let mut after = store.stats();
    let mut before = before;
    before["imports"] = Value::Null;
    after["imports"] = Value::Null;
    assert_eq!(before, after);
}

fn a_wrong_directory_or_missing_file_is_named(backend: Backend) {
    let store = TestStore::new(&backend);
    let out = store.guild(&["import", "onet", "/nonexistent/onet"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/onet is not a directory"));

    let empty = tempfile::tempdir().unwrap();
    let out = store.guild(&["import", "esco", empty.path().to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("required file skills_en.csv is missing")
    );

    // Wrong headers: an ESCO file given as O*NET.
    fs::write(
        empty.path().join("Occupation Data.txt"),
        "conceptUri,preferredLabel\nx,y\n",
    )
    .unwrap();
    fs::write(empty.path().join("Task Statements.txt"), "a\tb\n").unwrap();
    let out = store.guild(&["import", "onet", empty.path().to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Occupation Data.txt: line 1: missing column \"O*NET-SOC Code\""),
        "{err}"
    );

    let out = store.guild(&["import", "ai-exposure", empty.path().to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("full_labelset.tsv"));
}
