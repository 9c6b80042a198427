//! The catalogue of learning resources, offers to teach and trainers, over HTTP and the command
//! line, on the starter taxonomy; and who may change what.

use serde_json::{Value, json};

use crate::harness::{Backend, Server, TestStore, encode};

crate::on_both_backends!(
    anyone_reads_the_catalogue_and_owners_change_their_resources,
    a_catalogue_import_is_all_or_nothing,
    others_cannot_change_resources_or_offers_nor_learn_as_you,
    trainers_are_ranked_by_language_and_time_zone,
    the_command_line_imports_lists_and_ranks_trainers,
);

const LATHE: &str = "guild:skill/operate-cnc-lathe";
const MILL: &str = "guild:skill/operate-cnc-milling-machine";
const GCODE: &str = "guild:skill/g-code";
const CALIPERS: &str = "guild:skill/measure-with-calipers-and-micrometers";

/// Three good resources, then (line 5) one whose level is out of range.
fn csv(bad_line: Option<&str>) -> String {
    let mut s = String::from(
        "title,kind,teaches,requires,hours,cost,currency,language,provider,link\n\
         CNC lathe basics,course,guild:skill/operate-cnc-lathe=3,guild:skill/measure-with-calipers-and-micrometers=2,40,250,EUR,en,NIMS,https://example.org/lathe\n\
         Draaien voor beginners,course,guild:skill/operate-cnc-lathe=2,,24,0,,nl,VDAB,\n\
         G-code test,test,guild:skill/g-code=3,,2,35.5,EUR,en,NIMS,\n",
    );
    if let Some(line) = bad_line {
        s.push_str(line);
        s.push('\n');
    }
    s
}

fn resource(title: &str, skill: &str, level: u8, language: &str) -> Value {
    json!({
        "title": title,
        "kind": "course",
        "teaches": [{"skill": skill, "level": level}],
        "requires": [{"skill": CALIPERS, "level": 2}],
        "hours": 12.5,
        "cost": {"minor": 9900, "currency": "EUR"},
        "language": language,
        "provider": "Acme Academy",
        "link": "https://example.org/course",
    })
}

fn worker(name: &str, skills: &[(&str, u8)], languages: &[&str], offset: i32) -> Value {
    json!({
        "name": name,
        "skills": skills.iter().map(|(s, p)| json!({"skill": s, "proficiency": p})).collect::<Vec<_>>(),
        "hours_per_week": 20,
        "utc_offset_minutes": offset,
        "work_mode": "remote",
        "languages": languages,
    })
}

fn post_raw(server: &Server, token: &str, body: &str, content_type: &str) -> (u16, Value) {
    let result = ureq::post(&format!("{}/api/v1/learning-resources", server.base))
        .set("authorization", &format!("Bearer {token}"))
        .set("content-type", content_type)
        .send_string(body);
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("POST: {e}"),
    };
    let status = response.status();
    let content_type = response.header("content-type").unwrap_or("").to_owned();
    let text = response.into_string().unwrap();
    if status >= 400 {
        assert_eq!(content_type, "application/problem+json", "{text}");
    }
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn catalogue_size(server: &Server) -> usize {
    server.get_ok("/api/v1/learning-resources?limit=200")["items"]
        .as_array()
        .unwrap()
        .len()
}

fn teaching_path(worker: i64, skill: &str) -> String {
    format!("/api/v1/workers/{worker}/teaching/{skill}")
}

fn anyone_reads_the_catalogue_and_owners_change_their_resources(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let ann = server.sign_up("ann@example.org");

    let one = server.created(
        "/api/v1/learning-resources",
        &ann,
        &resource("Turning on a CNC lathe", LATHE, 3, "en"),
    );
    let id = one["id"].as_i64().unwrap();
    assert!(id > 0);
    assert_eq!(one["operator"], false);
    assert_eq!(one["teaches"][0]["skill"], LATHE);
    assert_eq!(one["requires"][0]["level"], 2);
    assert_eq!(one["cost"]["minor"], 9900);
    assert_eq!(one["hours"], 12.5);
    server.created(
        "/api/v1/learning-resources",
        &ann,
        &resource("Frezen", MILL, 2, "nl"),
    );
    server.created(
        "/api/v1/learning-resources",
        &ann,
        &resource("Milling in English", MILL, 3, "en"),
    );

    // Anyone reads, without signing in; filters and pages.
    let got = server.get_ok(&format!("/api/v1/learning-resources/{id}"));
    assert_eq!(got["title"], "Turning on a CNC lathe");
    let page = server.get_ok("/api/v1/learning-resources");
    assert_eq!(page["items"].as_array().unwrap().len(), 3);
    assert!(page.get("next_after").is_none(), "{page}");
    let by_skill = server.get_ok(&format!(
        "/api/v1/learning-resources?skill={}",
        encode(MILL)
    ));
    let titles: Vec<&str> = by_skill["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, vec!["Frezen", "Milling in English"]);
    let mill_en = server.get_ok(&format!(
        "/api/v1/learning-resources?skill={}&language=EN",
        encode(MILL)
    ));
    assert_eq!(mill_en["items"].as_array().unwrap().len(), 1);
    assert_eq!(mill_en["items"][0]["title"], "Milling in English");
    // Required skills are not taught skills.
    let calipers = server.get_ok(&format!(
        "/api/v1/learning-resources?skill={}",
        encode(CALIPERS)
    ));
    assert!(calipers["items"].as_array().unwrap().is_empty());
    let tests = server.get_ok("/api/v1/learning-resources?kind=test");
    assert!(tests["items"].as_array().unwrap().is_empty());
    let first = server.get_ok("/api/v1/learning-resources?limit=2");
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let next = first["next_after"].as_i64().unwrap();
    let rest = server.get_ok(&format!("/api/v1/learning-resources?after={next}&limit=2"));
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);

    // The owner changes and deletes.
    let mut changed = resource("Turning, second edition", LATHE, 4, "en");
    changed["teaches"] = json!([{"skill": LATHE, "level": 4}, {"skill": GCODE, "level": 2}]);
    changed["cost"] = Value::Null;
    let put = server.call(
        "PUT",
        &format!("/api/v1/learning-resources/{id}"),
        Some(&ann),
        Some(&changed),
    );
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(put.body["title"], "Turning, second edition");
    assert_eq!(put.body["teaches"].as_array().unwrap().len(), 2);
    assert_eq!(put.body["cost"], Value::Null);
    assert_eq!(put.body["id"], id);
    let by_gcode = server.get_ok(&format!(
        "/api/v1/learning-resources?skill={}",
        encode(GCODE)
    ));
    assert_eq!(by_gcode["items"][0]["id"], id);
    let del = server.call(
        "DELETE",
        &format!("/api/v1/learning-resources/{id}"),
        Some(&ann),
        None,
    );
    assert_eq!(del.status, 204, "{}", del.body);
    assert_eq!(
        server
            .get(&format!("/api/v1/learning-resources/{id}"))
            .status,
        404
    );
    assert_eq!(catalogue_size(&server), 2);

    // Bad input: problem+json naming what is wrong.
    let mut unknown = resource("x", "guild:skill/nope", 2, "en");
    let a = server.call(
        "POST",
        "/api/v1/learning-resources",
        Some(&ann),
        Some(&unknown),
    );
    assert_eq!(a.status, 400, "{}", a.body);
    assert!(
        a.body["detail"]
            .as_str()
            .unwrap()
            .contains("unknown skill guild:skill/nope")
    );
    unknown["teaches"] = json!([]);
    let cases: Vec<(Value, &str)> = vec![
        (unknown, "teaches no skill"),
        (
            {
                let mut b = resource("x", LATHE, 2, "en");
                b["teaches"][0]["level"] = json!(9);
                b
            },
            "proficiency",
        ),
        (
            {
                let mut b = resource("x", LATHE, 2, "en");
                b["kind"] = json!("seminar");
                b
            },
            "unknown variant `seminar`",
        ),
        (
            {
                let mut b = resource("x", LATHE, 2, "en");
                b["hours"] = json!(-1);
                b
            },
            "hours",
        ),
        (
            {
                let mut b = resource("x", LATHE, 2, "en");
                b["requires"] = json!([{"skill": LATHE, "level": 1}]);
                b
            },
            "both teaches and requires",
        ),
    ];
    for (body, expect) in cases {
        let a = server.call(
            "POST",
            "/api/v1/learning-resources",
            Some(&ann),
            Some(&body),
        );
        assert_eq!(a.status, 400, "{body}: {}", a.body);
        assert_eq!(a.content_type, "application/problem+json");
        assert!(
            a.body["detail"].as_str().unwrap().contains(expect),
            "{expect}: {}",
            a.body
        );
    }
    let (status, body) = post_raw(&server, &ann, "title: x", "text/plain");
    assert_eq!(status, 415, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("text/csv"));
    let (status, _) = post_raw(&server, &ann, "{not json", "application/json");
    assert_eq!(status, 400);
    for path in [
        "/api/v1/learning-resources?kind=seminar",
        "/api/v1/learning-resources?limit=0",
        "/api/v1/learning-resources?surprise=1",
        "/api/v1/learning-resources?language=e%20n",
        "/api/v1/learning-resources/abc",
    ] {
        let a = server.get(path);
        assert_eq!(a.status, 400, "{path}: {}", a.body);
        assert_eq!(a.content_type, "application/problem+json", "{path}");
    }
    assert_eq!(server.get("/api/v1/learning-resources/99999").status, 404);
    assert_eq!(catalogue_size(&server), 2);

    // The API document describes it all, and every schema it names is in it.
    let doc = server.get_ok("/api/openapi.json");
    for path in [
        "/api/v1/learning-resources",
        "/api/v1/learning-resources/{id}",
        "/api/v1/workers/{id}/teaching",
        "/api/v1/workers/{id}/teaching/{skill}",
        "/api/v1/trainers",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
    let schemas = &doc["components"]["schemas"];
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r.trim_start_matches("#/components/schemas/").to_owned());
                }
                m.values().for_each(|x| refs(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut named = Vec::new();
    for path in [
        "/api/v1/learning-resources",
        "/api/v1/trainers",
        "/api/v1/workers/{id}/teaching/{skill}",
    ] {
        refs(&doc["paths"][path], &mut named);
    }
    assert!(named.iter().any(|n| n == "TrainersAnswer"), "{named:?}");
    let mut seen = std::collections::HashSet::new();
    while let Some(name) = named.pop() {
        if seen.insert(name.clone()) {
            assert!(
                schemas.get(&name).is_some(),
                "schema {name} is named but missing"
            );
            refs(&schemas[&name], &mut named);
        }
    }
    for name in [
        "LearningResource",
        "TrainerMatch",
        "TrainerExclusion",
        "TeachingOffer",
    ] {
        assert!(seen.contains(name), "{name} not reached: {seen:?}");
    }
}

fn a_catalogue_import_is_all_or_nothing(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let ann = server.sign_up("ann@example.org");

    // A bad level on line 5: nothing is stored.
    let (status, body) = post_raw(
        &server,
        &ann,
        &csv(Some("Bad one,course,guild:skill/g-code=9,,1,,,en,X,")),
        "text/csv",
    );
    assert_eq!(status, 400, "{body}");
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.starts_with("catalogue line 5:"), "{detail}");
    assert_eq!(catalogue_size(&server), 0);
    // An unknown skill on line 5: found by the store, still nothing stored.
    let (status, body) = post_raw(
        &server,
        &ann,
        &csv(Some("Ghost,course,guild:skill/no-such-skill=2,,1,,,en,X,")),
        "text/csv",
    );
    assert_eq!(status, 400, "{body}");
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.contains("catalogue line 5")
            && detail.contains("unknown skill guild:skill/no-such-skill"),
        "{detail}"
    );
    assert_eq!(catalogue_size(&server), 0);
    // A missing column.
    let (status, body) = post_raw(&server, &ann, "title,kind\nx,course\n", "text/csv");
    assert_eq!(status, 400);
    assert!(
        body["detail"].as_str().unwrap().contains("teaches"),
        "{body}"
    );
    // Only a header.
    let (status, _) = post_raw(
        &server,
        &ann,
        &csv(None)[..csv(None).find('\n').unwrap() + 1],
        "text/csv",
    );
    assert_eq!(status, 400);

    // The good file: three resources, all of them.
    let (status, body) = post_raw(&server, &ann, &csv(None), "text/csv; charset=utf-8");
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["imported"], 3);
    let ids: Vec<i64> = body["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_i64().unwrap())
        .collect();
    let first = server.get_ok(&format!("/api/v1/learning-resources/{}", ids[0]));
    assert_eq!(first["title"], "CNC lathe basics");
    assert_eq!(first["cost"]["minor"], 25000);
    assert_eq!(first["requires"][0]["skill"], CALIPERS);
    assert_eq!(first["operator"], false);
    let test = server.get_ok(&format!("/api/v1/learning-resources/{}", ids[2]));
    assert_eq!(test["kind"], "test");
    assert_eq!(test["cost"]["minor"], 3550);
    assert_eq!(catalogue_size(&server), 3);

    // A JSON array: the second entry is bad, so neither is stored.
    let good = resource("From JSON", GCODE, 2, "en");
    let mut bad = resource("Bad JSON", GCODE, 2, "en");
    bad["hours"] = json!("a while");
    let (status, body) = post_raw(
        &server,
        &ann,
        &json!([good.clone(), bad]).to_string(),
        "application/json",
    );
    assert_eq!(status, 400, "{body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .starts_with("catalogue line 2:"),
        "{body}"
    );
    assert_eq!(catalogue_size(&server), 3);
    let (status, body) = post_raw(
        &server,
        &ann,
        &json!([good.clone(), good]).to_string(),
        "application/json",
    );
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["imported"], 2);
    assert_eq!(catalogue_size(&server), 5);
}

fn others_cannot_change_resources_or_offers_nor_learn_as_you(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let ann = server.sign_up("ann@example.org");
    let bob = server.sign_up("bob@example.org");

    let mine = server.created(
        "/api/v1/learning-resources",
        &ann,
        &resource("Ann's course", LATHE, 3, "en"),
    )["id"]
        .as_i64()
        .unwrap();
    // The operator's catalogue, imported from the command line.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("catalogue.csv");
    std::fs::write(&file, csv(None)).unwrap();
    let out = store.guild_ok(&["resources", "import", file.to_str().unwrap()]);
    assert!(out.contains("imported 3 resources"), "{out}");
    let operators: Vec<i64> = server.get_ok("/api/v1/learning-resources")["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["operator"] == true)
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(operators.len(), 3);

    let change = resource("Taken over", LATHE, 3, "en");
    for (token, id) in [(&bob, mine), (&ann, operators[0]), (&bob, operators[1])] {
        for method in ["PUT", "DELETE"] {
            let body = (method == "PUT").then_some(&change);
            let a = server.call(
                method,
                &format!("/api/v1/learning-resources/{id}"),
                Some(token),
                body,
            );
            assert_eq!(a.status, 403, "{method} {id}: {}", a.body);
            assert_eq!(a.content_type, "application/problem+json");
        }
    }
    let a = server.call(
        "PUT",
        &format!("/api/v1/learning-resources/{}", operators[0]),
        Some(&ann),
        Some(&change),
    );
    assert!(
        a.body["detail"].as_str().unwrap().contains("operator"),
        "{}",
        a.body
    );
    assert_eq!(
        server.get_ok(&format!("/api/v1/learning-resources/{mine}"))["title"],
        "Ann's course"
    );
    assert_eq!(catalogue_size(&server), 4);
    // Changing what does not exist is not found; signing in is needed to write.
    let a = server.call(
        "PUT",
        "/api/v1/learning-resources/99999",
        Some(&ann),
        Some(&change),
    );
    assert_eq!(a.status, 404);
    let a = server.call("POST", "/api/v1/learning-resources", None, Some(&change));
    assert_eq!(a.status, 401);
    let a = server.call(
        "DELETE",
        &format!("/api/v1/learning-resources/{mine}"),
        None,
        None,
    );
    assert_eq!(a.status, 401);

    // Teaching offers: only the worker's owner changes them; anyone signed in sees them.
    let ann_w = server.created(
        "/api/v1/workers",
        &ann,
        &worker("Ann", &[(LATHE, 5)], &["en"], 60),
    )["id"]
        .as_i64()
        .unwrap();
    let bob_w = server.created(
        "/api/v1/workers",
        &bob,
        &worker("Bob", &[(LATHE, 1)], &["en"], 60),
    )["id"]
        .as_i64()
        .unwrap();
    let offer =
        json!({"remote": true, "rate": {"minor": 4000, "currency": "EUR"}, "note": "evenings"});
    let a = server.call(
        "PUT",
        &teaching_path(ann_w, LATHE),
        Some(&ann),
        Some(&offer),
    );
    assert_eq!(a.status, 201, "{}", a.body);
    for (method, body) in [("PUT", Some(&offer)), ("DELETE", None)] {
        let a = server.call(method, &teaching_path(ann_w, LATHE), Some(&bob), body);
        assert_eq!(a.status, 403, "{method}: {}", a.body);
        assert_eq!(a.content_type, "application/problem+json");
    }
    let a = server.call(
        "PUT",
        &teaching_path(99999, LATHE),
        Some(&bob),
        Some(&offer),
    );
    assert_eq!(a.status, 404);
    let seen = server.call(
        "GET",
        &format!("/api/v1/workers/{ann_w}/teaching"),
        Some(&bob),
        None,
    );
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert_eq!(seen.body["offers"][0]["note"], "evenings");
    assert_eq!(
        server
            .call(
                "GET",
                &format!("/api/v1/workers/{ann_w}/teaching"),
                None,
                None
            )
            .status,
        401
    );

    // Nobody queries trainers as another's learner: not found, as if it did not exist.
    for (learner, expect) in [(ann_w, 404), (99999, 404), (bob_w, 200)] {
        let a = server.call(
            "GET",
            &format!("/api/v1/trainers?skill={}&learner={learner}", encode(LATHE)),
            Some(&bob),
            None,
        );
        assert_eq!(a.status, expect, "learner {learner}: {}", a.body);
    }
    let a = server.call(
        "GET",
        &format!("/api/v1/trainers?skill={}&languages=en", encode(LATHE)),
        None,
        None,
    );
    assert_eq!(a.status, 401);
}

fn trainers_are_ranked_by_language_and_time_zone(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let learner_token = server.sign_up("learner@example.org");
    let learner = server.created(
        "/api/v1/workers",
        &learner_token,
        &worker("Lieke", &[(LATHE, 1)], &["nl", "en"], 60),
    )["id"]
        .as_i64()
        .unwrap();
    // Four experts; each offers to teach the lathe.
    // Made in this order so that ties broken by id would give a different ranking.
    let experts = [
        ("Emma", &["en"][..], 60, 5),         // second language, same hours
        ("Nina", &["nl", "en"][..], -300, 5), // first language, six hours behind
        ("Noor", &["nl"][..], 60, 5),         // first language, same hours
        ("Fleur", &["fr"][..], 60, 5),        // no shared language
    ];
    let mut ids = Vec::new();
    for (name, langs, offset, level) in experts {
        let token = server.sign_up(&format!("{}@example.org", name.to_lowercase()));
        let id = server.created(
            "/api/v1/workers",
            &token,
            &worker(name, &[(LATHE, level), (MILL, 3)], langs, offset),
        )["id"]
            .as_i64()
            .unwrap();
        // The path takes the skill id as it is, or percent-encoded.
        let path = if ids.len() % 2 == 0 {
            teaching_path(id, LATHE)
        } else {
            teaching_path(id, &encode(LATHE))
        };
        let a = server.call("PUT", &path, Some(&token), Some(&json!({"remote": true})));
        assert_eq!(a.status, 201, "{name}: {}", a.body);
        assert_eq!(a.body["skill"], LATHE);
        // Not an expert in milling: refused with why.
        let a = server.call(
            "PUT",
            &teaching_path(id, MILL),
            Some(&token),
            Some(&json!({"remote": true})),
        );
        assert_eq!(a.status, 422, "{}", a.body);
        assert_eq!(a.content_type, "application/problem+json");
        assert!(
            a.body["detail"].as_str().unwrap().contains("proficiency 3"),
            "{}",
            a.body
        );
        let a = server.call(
            "PUT",
            &teaching_path(id, GCODE),
            Some(&token),
            Some(&json!({"remote": true})),
        );
        assert_eq!(a.status, 422, "{}", a.body);
        assert!(a.body["detail"].as_str().unwrap().contains("does not list"));
        ids.push((id, token));
    }
    let [emma, nina, noor, fleur] = [0, 1, 2, 3].map(|i| ids[i].0);
    let a = server.call(
        "GET",
        &format!("/api/v1/trainers?skill={}&learner={learner}", encode(LATHE)),
        Some(&learner_token),
        None,
    );
    assert_eq!(a.status, 200, "{}", a.body);
    let order: Vec<i64> = a.body["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["worker"].as_i64().unwrap())
        .collect();
    assert_eq!(order, vec![noor, emma, nina], "{}", a.body);
    // The learner holds the lathe at 1: they are matched for level 2.
    assert_eq!(a.body["learner"]["level"], 2);
    assert_eq!(a.body["considered"], 4);
    assert_eq!(a.body["excluded"][0]["worker"], fleur);
    assert_eq!(a.body["excluded"][0]["excluded"]["reason"], "language");
    for m in a.body["matches"].as_array().unwrap() {
        let p = &m["parts"];
        let total = 100.0
            * (0.35 * p["proficiency"].as_f64().unwrap()
                + 0.25 * p["language"].as_f64().unwrap()
                + 0.40 * p["time_zone"].as_f64().unwrap());
        assert!((total - m["score"].as_f64().unwrap()).abs() < 1e-3, "{m}");
    }
    assert_eq!(a.body["matches"][2]["overlap_hours"], 2.0);

    // Without a profile: English speakers six hours behind UTC+1 get Nina first.
    let a = server.call(
        "GET",
        &format!(
            "/api/v1/trainers?skill={}&languages=en&utc_offset_minutes=-300&level=4",
            encode(LATHE)
        ),
        Some(&learner_token),
        None,
    );
    assert_eq!(a.status, 200, "{}", a.body);
    let order: Vec<i64> = a.body["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["worker"].as_i64().unwrap())
        .collect();
    assert_eq!(order, vec![nina, emma], "{}", a.body);
    let reasons: Vec<&str> = a.body["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["excluded"]["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, vec!["language", "language"], "{}", a.body);

    // Changing and withdrawing an offer.
    let noor_token = &ids[2].1;
    let a = server.call(
        "PUT",
        &teaching_path(noor, LATHE),
        Some(noor_token),
        Some(&json!({"remote": false, "rate": {"minor": 2500, "currency": "EUR"}})),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["remote"], false);
    let listed = server.call(
        "GET",
        &format!("/api/v1/workers/{noor}/teaching"),
        Some(noor_token),
        None,
    );
    assert_eq!(listed.body["offers"].as_array().unwrap().len(), 1);
    assert_eq!(listed.body["offers"][0]["rate"]["minor"], 2500);
    let a = server.call(
        "DELETE",
        &teaching_path(noor, LATHE),
        Some(noor_token),
        None,
    );
    assert_eq!(a.status, 204, "{}", a.body);
    let a = server.call(
        "DELETE",
        &teaching_path(noor, LATHE),
        Some(noor_token),
        None,
    );
    assert_eq!(a.status, 404, "{}", a.body);
    let a = server.call(
        "GET",
        &format!("/api/v1/trainers?skill={}&learner={learner}", encode(LATHE)),
        Some(&learner_token),
        None,
    );
    assert_eq!(a.body["matches"][0]["worker"], emma, "{}", a.body);

    // Bad queries.
    for query in [
        String::new(),
        format!("skill={}", encode(LATHE)),
        "skill=guild%3Askill%2Fnope&languages=en".to_owned(),
        format!("skill={}&languages=en&level=6", encode(LATHE)),
        format!("skill={}&languages=English", encode(LATHE)),
        format!(
            "skill={}&languages=en&utc_offset_minutes=east",
            encode(LATHE)
        ),
        format!("skill={}&learner={learner}&languages=en", encode(LATHE)),
        format!("skill={}&learner=abc", encode(LATHE)),
    ] {
        let a = server.call(
            "GET",
            &format!("/api/v1/trainers?{query}"),
            Some(&learner_token),
            None,
        );
        assert_eq!(a.status, 400, "{query}: {}", a.body);
        assert_eq!(a.content_type, "application/problem+json");
    }
    let a = server.call(
        "PUT",
        &teaching_path(learner, LATHE),
        Some(&learner_token),
        Some(&json!({"remote": true, "surprise": 1})),
    );
    assert_eq!(a.status, 400, "{}", a.body);
}

fn the_command_line_imports_lists_and_ranks_trainers(backend: Backend) {
    let store = TestStore::new(&backend);
    let dir = tempfile::tempdir().unwrap();

    // A bad file: a clear message, a non-zero exit, nothing stored.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        csv(Some("Ghost,course,guild:skill/no-such-skill=2,,1,,,en,X,")),
    )
    .unwrap();
    let out = store.guild(&["resources", "import", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("catalogue line 5")
            && err.contains("unknown skill")
            && err.contains("Nothing was imported"),
        "{err}"
    );
    let broken = dir.path().join("broken.csv");
    std::fs::write(&broken, csv(Some("Half,course"))).unwrap();
    let out = store.guild(&["resources", "import", broken.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("catalogue line 5"));
    let odd = dir.path().join("catalogue.txt");
    std::fs::write(&odd, csv(None)).unwrap();
    let out = store.guild(&["resources", "import", odd.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format"));
    let listed: Value =
        serde_json::from_str(&store.guild_ok(&["resources", "list", "--json"])).unwrap();
    assert!(listed.as_array().unwrap().is_empty(), "{listed}");

    // Good files, CSV by extension or flag, JSON.
    let out = store.guild_ok(&[
        "resources",
        "import",
        odd.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert!(out.contains("imported 3 resources"), "{out}");
    let json_file = dir.path().join("more.json");
    std::fs::write(
        &json_file,
        json!([resource("Milling, from JSON", MILL, 3, "en")]).to_string(),
    )
    .unwrap();
    let out = store.guild_ok(&["resources", "import", json_file.to_str().unwrap()]);
    assert!(out.contains("imported 1 resources"), "{out}");
    let out = store.guild_ok(&["resources", "list", "--skill", LATHE]);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(
        out.contains("CNC lathe basics") && out.contains("250.00 EUR"),
        "{out}"
    );
    let nl: Value = serde_json::from_str(&store.guild_ok(&[
        "resources",
        "list",
        "--skill",
        LATHE,
        "--language",
        "nl",
        "--json",
    ]))
    .unwrap();
    assert_eq!(nl.as_array().unwrap().len(), 1);
    assert_eq!(nl[0]["title"], "Draaien voor beginners");
    let out = store.guild(&["resources", "list", "--kind", "seminar"]);
    assert!(!out.status.success());

    // Workers, an offer to teach, and trainers.
    let add = |body: Value| -> i64 {
        let out = store.guild_with_input(&["worker", "add", "-"], &body.to_string());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        text.trim()
            .strip_prefix("worker ")
            .and_then(|t| t.strip_suffix(" added"))
            .unwrap()
            .parse()
            .unwrap()
    };
    let near = add(worker("Near", &[(LATHE, 5), (MILL, 2)], &["en"], 60));
    let far = add(worker("Far", &[(LATHE, 4)], &["en"], -420));
    let learner = add(worker("Learner", &[(LATHE, 1)], &["en", "nl"], 60));
    let out = store.guild_ok(&[
        "teach",
        "--worker",
        &near.to_string(),
        "--skill",
        LATHE,
        "--remote",
        "--rate",
        "30EUR",
    ]);
    assert!(
        out.contains("offers to teach") && out.contains("30.00 EUR"),
        "{out}"
    );
    store.guild_ok(&[
        "teach",
        "--worker",
        &far.to_string(),
        "--skill",
        LATHE,
        "--remote",
    ]);
    let out = store.guild(&["teach", "--worker", &near.to_string(), "--skill", MILL]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("needs 4 or more"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = store.guild(&[
        "teach",
        "--worker",
        &near.to_string(),
        "--skill",
        LATHE,
        "--rate",
        "thirty",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--rate"));

    let ranked: Value = serde_json::from_str(&store.guild_ok(&[
        "trainers",
        "--skill",
        LATHE,
        "--learner",
        &learner.to_string(),
        "--json",
    ]))
    .unwrap();
    let order: Vec<i64> = ranked["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["worker"].as_i64().unwrap())
        .collect();
    assert_eq!(order, vec![near, far], "{ranked}");
    let ranked: Value = serde_json::from_str(&store.guild_ok(&[
        "trainers",
        "--skill",
        LATHE,
        "--languages",
        "en",
        "--utc-offset-minutes",
        "-420",
        "--json",
    ]))
    .unwrap();
    assert_eq!(ranked["matches"][0]["worker"], far, "{ranked}");
    let out = store.guild_ok(&["trainers", "--skill", LATHE, "--languages", "fr"]);
    assert!(
        out.contains("no trainers") && out.contains("no shared language"),
        "{out}"
    );
    let out = store.guild(&["trainers", "--skill", LATHE]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--learner"));
    let out = store.guild(&[
        "trainers",
        "--skill",
        "guild:skill/nope",
        "--languages",
        "en",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown skill"));

    let out = store.guild_ok(&[
        "teach",
        "--worker",
        &near.to_string(),
        "--skill",
        LATHE,
        "--withdraw",
    ]);
    assert!(out.contains("no longer offers"), "{out}");
    let out = store.guild(&[
        "teach",
        "--worker",
        &near.to_string(),
        "--skill",
        LATHE,
        "--withdraw",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not found"));
}
