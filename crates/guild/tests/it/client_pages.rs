//! The client's pages over plain HTTP, on both backends: a task edited in full from the web
//! (skills found in the taxonomy, levels, weights, place, budget and currency, hours, dates),
//! with mistakes shown on the form and nothing half-saved; and money moved from the pages —
//! a deposit reference with the operator's bank account, the admin reading the bank's
//! statement, a withdrawal that a second press does not repeat.

use serde_json::Value;

use crate::harness::{Backend, TestStore};
use crate::pages::{Visitor, enc, send, token, value_of};

crate::on_both_backends!(
    a_client_edits_a_task_in_full_on_the_page,
    money_comes_in_and_goes_out_on_the_pages,
    an_hourly_contract_runs_on_the_pages,
    a_worker_answers_an_invitation_from_the_inbox,
    an_organisation_sets_a_test_and_marks_practical_work_on_the_pages,
    a_learner_books_a_trainer_from_a_path_step,
    a_team_page_says_who_comes_nearest_to_a_skill_nobody_holds
);

fn a_client_edits_a_task_in_full_on_the_page(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let base = &server.base;
    let chris = Visitor::sign_up(base, "Chris", "chris@example.org");
    let (status, page, location) = chris.post(
        "/projects",
        &format!(
            "title=Stock+data&problem={}",
            enc(
                "We need our warehouse stock data cleaned up and a dashboard.\n\
                 - Clean the stock data in the spreadsheets\n\
                 - Build a dashboard that shows stock levels"
            )
        ),
    );
    assert_eq!(status, 303, "{page}");
    let project = location.clone();
    // Sent twice, it is the same draft.
    let (_, _, again) = chris.post(
        "/projects",
        &format!(
            "title=Stock+data&problem={}",
            enc(
                "We need our warehouse stock data cleaned up and a dashboard.\n\
                 - Clean the stock data in the spreadsheets\n\
                 - Build a dashboard that shows stock levels"
            )
        ),
    );
    assert_eq!(again, project);
    let (_, page) = chris.get(&project);
    let edit = page
        .split("href=\"")
        .filter_map(|r| r.split('"').next())
        .find(|h| h.ends_with("/edit"))
        .unwrap_or_else(|| panic!("an edit link per task: {page}"))
        .to_owned();
    let task_path = edit.trim_end_matches("/edit").to_owned();
    let task_id = task_path.rsplit('/').next().unwrap().to_owned();

    // The editor shows the task's skills, each kept, with level and weight.
    let (status, page) = chris.get(&edit);
    assert_eq!(status, 200, "{page}");
    let kept: Vec<String> = page
        .split("name=\"skill\" value=\"")
        .skip(1)
        .map(|r| r.split('"').next().unwrap().to_owned())
        .collect();
    assert!(!kept.is_empty(), "{page}");
    assert!(page.contains("Minimum level"), "{page}");

    // A search finds a skill to add, offered unticked; bad searches say why.
    let (_, found) = chris.get(&format!("{edit}?find=dashboard"));
    assert!(
        found.contains("value=\"guild:skill/data-visualisation\""),
        "{found}"
    );
    assert!(
        !found.contains("name=\"skill\" value=\"guild:skill/data-visualisation\" id=\"keep-1\""),
        "found skills come after the task's own"
    );
    assert!(
        chris
            .get(&format!("{edit}?find=x"))
            .1
            .contains("at least two letters")
    );
    assert!(
        chris
            .get(&format!("{edit}?find=qqzzyy"))
            .1
            .contains("No skill matches “qqzzyy”")
    );

    // The client keeps the first skill at level 4, adds data visualisation as optional (level
    // 2, weight 0.5), works on site in Rotterdam, with a budget in pounds and dates.
    let first = &kept[0];
    let added = "guild:skill/data-visualisation";
    let form = |extra: &str| {
        format!(
            "row={f}&skill={f}&need%3A{f}=required&level%3A{f}=4&weight%3A{f}=2\
             &row={a}&skill={a}&need%3A{a}=optional&level%3A{a}=2&weight%3A{a}=0.5\
             &title=Clean+the+stock+data&description=&presence=on_site&lat=51.92&lon=4.48\
             &hours=12&hours_per_week=6&budget=450.00&currency=gbp&starts=2027-01-04\
             &ends=2027-01-29&languages=en%2C+nl{extra}",
            f = enc(first),
            a = enc(added)
        )
    };
    let (status, page, to) = chris.post(&task_path, &form(""));
    assert_eq!(status, 303, "{page}");
    assert!(to.starts_with(&project), "{to}");
    // Sent twice (a double press), it is the same task.
    let (status, _, _) = chris.post(&task_path, &form(""));
    assert_eq!(status, 303);
    let token = token(&server, "chris@example.org");
    let saved = server
        .call(
            "GET",
            &format!("/api/v1/tasks/{task_id}"),
            Some(&token),
            None,
        )
        .body;
    let task = if saved["task"].is_object() {
        &saved["task"]
    } else {
        &saved
    };
    assert_eq!(task["title"], "Clean the stock data", "{saved}");
    assert_eq!(task["required"].as_array().unwrap().len(), 1, "{saved}");
    assert_eq!(task["required"][0]["skill"], first.as_str());
    assert_eq!(task["required"][0]["min_proficiency"], 4);
    assert_eq!(task["required"][0]["weight"], 2.0);
    assert_eq!(task["optional"][0]["skill"], added);
    assert_eq!(task["optional"][0]["min_proficiency"], 2);
    assert_eq!(task["budget"]["minor"], 45000, "{saved}");
    assert_eq!(task["budget"]["currency"], "GBP");
    assert_eq!(task["place"]["kind"], "on_site", "{saved}");
    assert_eq!(task["hours"], 12.0);
    assert_eq!(task["hours_per_week"], 6.0);
    assert_eq!(task["starts"], "2027-01-04");
    assert_eq!(task["languages"], serde_json::json!(["en", "nl"]));
    // The project page says so in words.
    let (_, page) = chris.get(&project);
    assert!(page.contains("Budget: 450.00 GBP"), "{page}");
    assert!(page.contains("2027-01-04 – 2027-01-29"), "{page}");
    assert!(page.contains("on site"), "{page}");
    // The editor shows what was saved.
    let (_, page) = chris.get(&edit);
    assert_eq!(value_of(&page, "budget"), "450.00");
    assert_eq!(value_of(&page, "currency"), "GBP");
    assert_eq!(value_of(&page, "lat"), "51.92");

    // Mistakes: the form comes back with what was typed and says what is wrong; nothing saved.
    for (extra, says) in [
        ("&ends=2026-12-01", "end"),
        ("&budget=12.345", "budget"),
        ("&currency=XYZ", "currency"),
        ("&hours=lots", "is not a number"),
        ("&lat=", "latitude and longitude"),
        ("&lat=123", "latitude must be between"),
    ] {
        // A later field of the same name wins in the form; the first is taken, so put the
        // mistake first by rebuilding the form without the good value.
        let key = extra.trim_start_matches('&').split('=').next().unwrap();
        let good = form("");
        let bad: String = good
            .split('&')
            .filter(|p| !p.starts_with(&format!("{key}=")))
            .collect::<Vec<_>>()
            .join("&")
            + extra;
        let (status, page, _) = chris.post(&task_path, &bad);
        assert_eq!(status, 400, "{extra}: {page}");
        assert!(page.contains("id=\"form-error\""), "{extra}: {page}");
        assert!(
            page.to_lowercase().contains(&says.to_lowercase()),
            "{extra}: {page}"
        );
        assert!(
            page.contains("value=\"Clean the stock data\""),
            "kept what was typed: {page}"
        );
    }
    // Nothing ticked as required: refused.
    let none = form("").replace(
        &format!("need%3A{}=required", enc(first)),
        &format!("need%3A{}=optional", enc(first)),
    );
    let (status, page, _) = chris.post(&task_path, &none);
    assert_eq!(status, 400);
    assert!(page.contains("keep at least one required skill"), "{page}");
    let after = server
        .call(
            "GET",
            &format!("/api/v1/tasks/{task_id}"),
            Some(&token),
            None,
        )
        .body;
    assert_eq!(after, saved, "a refused form changes nothing");

    // In Dutch the editor speaks Dutch.
    let (status, page, _, _) = send(
        "GET",
        &format!("{base}{edit}"),
        Some(&format!("{}; guild_lang=nl", chris.session)),
        None,
    );
    assert_eq!(status, 200);
    assert!(
        page.contains("Taak bewerken") && page.contains("Minimumniveau"),
        "{page}"
    );

    // Another account cannot see or change it; in Dutch the page says so in Dutch.
    let eve = Visitor::sign_up(base, "Eve", "eve@example.org");
    assert_eq!(eve.get(&edit).0, 404);
    let (status, page, _, _) = send(
        "GET",
        &format!("{base}{edit}"),
        Some(&format!("{}; guild_lang=nl", eve.session)),
        None,
    );
    assert_eq!(status, 404);
    assert!(
        page.contains("Hier is niets, of het is niet van u."),
        "{page}"
    );
    assert!(!page.contains("in het Engels"), "all Dutch: {page}");
    // An error the API words in English is led in Dutch and marked as English.
    let (status, page, _, _) = send(
        "POST",
        &format!("{base}/offers"),
        Some(&format!("{}; guild_lang=nl", chris.session)),
        Some(&format!(
            "csrf={}&worker=1&title=x&amount=12.345&currency=EUR",
            chris.csrf
        )),
    );
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("Iets in wat u stuurde klopt niet."), "{page}");
    assert!(page.contains("Toelichting (in het Engels):"), "{page}");
    let (status, _, _) = eve.post(&task_path, &form(""));
    assert_eq!(status, 404);
    let (status, _, _) = eve.post(&task_path, "remove=1");
    assert_eq!(status, 404);
    // The owner removes it.
    let (status, _, _) = chris.post(&task_path, "remove=1");
    assert_eq!(status, 303);
    assert_eq!(
        server
            .call(
                "GET",
                &format!("/api/v1/tasks/{task_id}"),
                Some(&token),
                None
            )
            .status,
        404
    );
}

/// The balance of `kind` in `currency` in a wallet, as decimal text ("" when none).
fn balance(wallet: &Value, kind: &str, currency: &str) -> String {
    wallet["balances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["kind"] == kind && b["currency"] == currency)
        .map_or_else(String::new, |b| b["balance"].as_str().unwrap().to_owned())
}

fn money_comes_in_and_goes_out_on_the_pages(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve_with(
        "127.0.0.1:0",
        &[
            (
                "GUILD_BANK_IBAN".to_owned(),
                "nl91abna0417164300".to_owned(),
            ),
            ("GUILD_BANK_HOLDER".to_owned(), "Guild Stichting".to_owned()),
        ],
    );
    let base = &server.base;
    let chris = Visitor::sign_up(base, "Chris", "chris@example.org");

    // Adding money: a reference and the operator's account, in words.
    let (status, page) = chris.get("/money");
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Add money") && page.contains("No money yet"),
        "{page}"
    );
    let (status, page, to) = chris.post("/money/deposit", "amount=500&currency=EUR");
    assert_eq!(status, 303, "{page}");
    assert!(to.starts_with("/money#deposit-"), "{to}");
    // Sent twice, the same reference.
    let (_, _, again) = chris.post("/money/deposit", "amount=500&currency=EUR");
    assert_eq!(again, to);
    let (_, page) = chris.get("/money");
    assert!(page.contains("NL91 ABNA 0417 1643 00"), "{page}");
    assert!(page.contains("Guild Stichting"), "{page}");
    assert!(page.contains("500.00 EUR"), "{page}");
    let reference = page
        .split("<code class=\"reference\">")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .unwrap()
        .to_owned();
    assert!(reference.starts_with("RF"), "{reference}");
    for (form, says) in [
        ("amount=500&currency=EURO", "unknown currency"),
        ("amount=-5&currency=EUR", "Amount"),
        ("amount=1.234&currency=EUR", "Amount"),
    ] {
        let (status, page, _) = chris.post("/money/deposit", form);
        assert_eq!(status, 400, "{form}: {page}");
        assert!(page.contains(says), "{form}: {page}");
    }

    // The platform admin reads the bank's statement on a page; Chris's money arrives.
    let admin = Visitor::sign_up(base, "Ada", "ada@example.org");
    assert_eq!(chris.get("/admin/payments").0, 403);
    assert_eq!(
        chris.post("/admin/payments/reconcile", "statement=x").0,
        403
    );
    store.guild_ok(&["accounts", "role", "ada@example.org", "admin"]);
    let (status, page) = admin.get("/admin/payments");
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains(&reference),
        "open references are listed: {page}"
    );
    let statement = format!(
        "bank_id,date,amount,currency,reference,counterparty\n\
         B1,2026-12-01,500.00,EUR,{reference},Chris\n\
         B2,2026-12-01,9.99,EUR,,Nobody\n"
    );
    let (status, page, _) = admin.post(
        "/admin/payments/reconcile",
        &format!("statement={}", enc(&statement)),
    );
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("id=\"credited\">1<"), "{page}");
    assert!(page.contains("Lines for a person to look at"), "{page}");
    // Read twice: nothing more is credited.
    let (_, page, _) = admin.post(
        "/admin/payments/reconcile",
        &format!("statement={}", enc(&statement)),
    );
    assert!(page.contains("id=\"credited\">0<"), "{page}");
    let (status, page, _) = admin.post("/admin/payments/reconcile", "statement=not+a+statement");
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("id=\"form-error\""), "{page}");
    let (_, page) = chris.get("/money");
    assert!(page.contains("500.00 EUR"), "{page}");
    assert!(page.contains("Funds for your projects"), "{page}");

    // Chris takes 120.00 of the unused funds back; pressing twice sets it aside once.
    let (_, page) = chris.get("/money");
    let key = value_of(&page, "key").to_owned();
    let withdraw = format!(
        "key={key}&from=client_funds&amount=120.00&currency=EUR&beneficiary=Chris+Client\
         &iban=GB82+WEST+1234+5698+7654+32"
    );
    for _ in 0..2 {
        let (status, page, to) = chris.post("/money/withdraw", &withdraw);
        assert_eq!(status, 303, "{page}");
        assert!(to.starts_with("/money#payout-"), "{to}");
    }
    let token = token(&server, "chris@example.org");
    let wallet = server
        .call("GET", "/api/v1/wallet", Some(&token), None)
        .body;
    assert_eq!(
        balance(&wallet, "client_funds", "EUR"),
        "380.00",
        "{wallet}"
    );
    assert_eq!(
        balance(&wallet, "payouts_pending", "EUR"),
        "120.00",
        "{wallet}"
    );
    let (_, page) = chris.get("/money");
    assert!(page.contains("waiting for the bank"), "{page}");
    // Mistakes keep what was typed and move nothing.
    for (form, says) in [
        (
            withdraw
                .replace("120.00", "9000.00")
                .replace(&key, "k2-too-much"),
            "insufficient",
        ),
        (
            withdraw
                .replace("GB82+WEST", "GB00+WEST")
                .replace(&key, "k3-bad-iban"),
            "IBAN",
        ),
        (
            withdraw
                .replace("&iban=GB82+WEST+1234+5698+7654+32", "&iban=")
                .replace(&key, "k4"),
            "IBAN",
        ),
    ] {
        let (status, page, _) = chris.post("/money/withdraw", &form);
        assert_eq!(status, 400, "{form}: {page}");
        assert!(
            page.to_lowercase().contains(&says.to_lowercase()),
            "{form}: {page}"
        );
        assert!(page.contains("value=\"Chris Client\""), "{page}");
    }
    let wallet = server
        .call("GET", "/api/v1/wallet", Some(&token), None)
        .body;
    assert_eq!(
        balance(&wallet, "client_funds", "EUR"),
        "380.00",
        "{wallet}"
    );
    // The admin sees the payout waiting and can download the bank's file.
    let (_, page) = admin.get("/admin/payments");
    assert!(page.contains("Chris Client"), "{page}");
    let (status, file) = admin.get("/admin/payments/payouts.csv");
    assert_eq!(status, 200);
    assert!(
        file.contains("GB82WEST12345698765432") && file.contains("120.00"),
        "{file}"
    );
    assert_eq!(chris.get("/admin/payments/payouts.csv").0, 403);
    let audit = store.guild_ok(&["ledger", "audit"]);
    assert!(audit.trim_end().ends_with("ledger ok"), "{audit}");
}

fn an_hourly_contract_runs_on_the_pages(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let base = &server.base;
    let chris = Visitor::sign_up(base, "Chris", "chris@example.org");
    let bob = Visitor::sign_up(base, "Bob", "bob@example.org");
    let bob_token = token(&server, "bob@example.org");
    let w = server.call(
        "POST",
        "/api/v1/workers",
        Some(&bob_token),
        Some(
            &serde_json::json!({"name": "Bob Books", "skills": [], "hours_per_week": 30,
            "utc_offset_minutes": 60, "work_mode": "remote", "languages": ["en"]}),
        ),
    );
    assert_eq!(w.status, 201, "{}", w.body);
    let worker = w.body["id"].as_i64().unwrap();
    let db =
        guild_store::Store::open(&guild_store::DatabaseUrl::parse(&store.url).unwrap()).unwrap();
    let (chris_account, _) = db
        .accounts()
        .account_by_email("chris@example.org")
        .unwrap()
        .unwrap();
    let eur = guild_market::Currency::parse("EUR").unwrap();
    db.ledger()
        .deposit(
            "dep-chris",
            chris_account.id,
            guild_market::Amount::parse("1000.00", eur).unwrap(),
            "deposit",
        )
        .unwrap();

    // A bad cap is refused with a reason; a good offer makes the contract.
    let offer = |cap: &str| {
        format!(
            "worker={worker}&title=Bookkeeping&kind=hourly&amount=25.00&currency=EUR&weekly_cap_hours={cap}"
        )
    };
    let (status, page, _) = chris.post("/offers", &offer("ten"));
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("not a whole number of hours"), "{page}");
    let (status, page, contract) = chris.post("/offers", &offer("10"));
    assert_eq!(status, 303, "{page}");
    assert!(contract.starts_with("/contracts/"), "{contract}");
    let (_, _, again) = chris.post("/offers", &offer("10"));
    assert_eq!(again, contract, "a second press is the same offer");
    let (_, _, other) = chris.post("/offers", &offer("12"));
    assert_ne!(other, contract, "other terms are another offer");

    // Bob sees the terms in words, with his pay after the fee, and accepts.
    let (_, page) = bob.get(&contract);
    assert!(
        page.contains("25.00 EUR an hour")
            && page.contains("22.50 EUR")
            && page.contains("at most 10 h a week"),
        "{page}"
    );
    let (status, _, _) = bob.post(&format!("{contract}/act"), "action=accept");
    assert_eq!(status, 303);

    // Chris funds a week: a Monday only.
    let (_, page) = chris.get(&contract);
    assert!(page.contains("Fund this week"), "{page}");
    let (status, page, _) = chris.post(&format!("{contract}/weeks"), "week_start=2026-11-24");
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("Monday"), "{page}");
    let (status, page, _) = chris.post(&format!("{contract}/weeks"), "week_start=2026-11-23");
    assert_eq!(status, 303, "{page}");
    // Bob cannot fund weeks, and has no such form.
    let (_, page) = bob.get(&contract);
    assert!(!page.contains("Fund this week"), "{page}");
    assert!(page.contains("Week of 2026-11-23"), "{page}");
    assert!(
        page.contains("name=\"hours:2026-11-29\""),
        "seven days to fill: {page}"
    );

    // Bob fills in his hours; over the weekly cap is refused and nothing saved.
    let (status, page, _) = bob.post(
        &format!("{contract}/weeks/1/timesheet"),
        "hours%3A2026-11-23=8&hours%3A2026-11-24=3",
    );
    assert!(status == 409 || status == 400, "{status}: {page}");
    assert!(page.contains("weekly cap is 10 h"), "{page}");
    let (status, page, _) = bob.post(
        &format!("{contract}/weeks/1/timesheet"),
        "hours%3A2026-11-23=5.5&note%3A2026-11-23=Bank+statements&hours%3A2026-11-24=&hours%3A2026-11-25=2&note%3A2026-11-25=VAT+return",
    );
    assert_eq!(status, 303, "{page}");
    let (_, page) = bob.get(&contract);
    assert!(page.contains("7.5 h"), "{page}");
    assert!(page.contains("187.50 EUR"), "billed at the rate: {page}");
    assert!(page.contains("value=\"VAT return\""), "{page}");
    // Chris may not log time.
    let (status, _, _) = chris.post(
        &format!("{contract}/weeks/1/timesheet"),
        "hours%3A2026-11-23=1",
    );
    assert_eq!(status, 409);
    // Bob submits the week; Chris sees the days and approves: the hours are paid.
    let (status, _, _) = bob.post(&format!("{contract}/act"), "milestone=1&action=submit");
    assert_eq!(status, 303);
    let (_, page) = chris.get(&contract);
    assert!(
        page.contains("Bank statements") && page.contains("5.5 h"),
        "{page}"
    );
    let (status, page, _) = chris.post(&format!("{contract}/act"), "milestone=1&action=approve");
    assert_eq!(status, 303, "{page}");
    let wallet = server
        .call("GET", "/api/v1/wallet", Some(&bob_token), None)
        .body;
    assert_eq!(
        balance(&wallet, "worker_balance", "EUR"),
        "168.75",
        "{wallet}"
    );
    // With no week in escrow, either may end it, from the page.
    let (_, page) = chris.get(&contract);
    assert!(page.contains("End the contract"), "{page}");
    let (status, _, _) = chris.post(&format!("{contract}/act"), "action=end");
    assert_eq!(status, 303);
    let (_, page) = bob.get(&contract);
    assert!(
        page.contains("id=\"contract-status\">ended<") || page.contains(">completed<"),
        "{page}"
    );
    // A stranger sees nothing.
    let eve = Visitor::sign_up(base, "Eve", "eve@example.org");
    assert_eq!(eve.get(&contract).0, 404);
    let audit = store.guild_ok(&["ledger", "audit"]);
    assert!(audit.trim_end().ends_with("ledger ok"), "{audit}");
}

fn a_worker_answers_an_invitation_from_the_inbox(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let base = &server.base;
    let chris = Visitor::sign_up(base, "Chris", "chris@example.org");
    let bob = Visitor::sign_up(base, "Bob", "bob@example.org");
    let (status, page, project) = chris.post(
        "/projects",
        &format!(
            "title=Stock+data&problem={}",
            enc("Clean the stock data in our spreadsheets.")
        ),
    );
    assert_eq!(status, 303, "{page}");
    let pid: i64 = project.rsplit('/').next().unwrap().parse().unwrap();
    let token = |email: &str| token(&server, email);
    let chris_token = token("chris@example.org");
    let p = server
        .call(
            "GET",
            &format!("/api/v1/projects/{pid}"),
            Some(&chris_token),
            None,
        )
        .body;
    let task = p["tasks"][0]["task"]["id"].as_i64().unwrap();
    let skills: Vec<serde_json::Value> = p["tasks"][0]["task"]["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| serde_json::json!({"skill": r["skill"], "proficiency": 4}))
        .collect();
    let w = server.call(
        "POST",
        "/api/v1/workers",
        Some(&token("bob@example.org")),
        Some(
            &serde_json::json!({"name": "Bob Books", "skills": skills, "hours_per_week": 30,
            "utc_offset_minutes": 60, "work_mode": "remote", "languages": ["en"]}),
        ),
    );
    assert_eq!(w.status, 201, "{}", w.body);
    let worker = w.body["id"].as_i64().unwrap();
    // Chris reads why Bob is a candidate, about Bob (not "you"), in plain words, both languages.
    let (_, page) = chris.get(&format!("{project}/tasks/{task}"));
    assert!(page.contains("Bob Books"), "{page}");
    assert!(
        page.contains("has it at level 4 (their word: counts 90 %)") && !page.contains("you have"),
        "{page}"
    );
    assert!(
        !page.contains("esco:skill/") && !page.contains("guild:skill/"),
        "{page}"
    );
    let (_, page, _, _) = send(
        "GET",
        &format!("{base}{project}/tasks/{task}"),
        Some(&format!("{}; guild_lang=nl", chris.session)),
        None,
    );
    assert!(page.contains("heeft het op niveau 4"), "{page}");
    // Nothing yet.
    assert!(bob.get("/inbox").1.contains("Nothing new."));
    let (status, _, _) = chris.post(&format!("{project}/publish"), "audience=invited");
    assert_eq!(status, 303);
    let (status, page, _) = chris.post(
        &format!("{project}/tasks/{task}/invite"),
        &format!("worker={worker}"),
    );
    assert_eq!(status, 303, "{page}");

    // Bob hears of it on his dashboard and in his inbox, with the form to apply.
    let (_, page) = bob.get("/dashboard");
    assert!(page.contains("id=\"inbox-line\""), "{page}");
    let (_, page) = bob.get("/inbox");
    assert!(page.contains("You are invited to apply to"), "{page}");
    assert!(
        page.contains(&format!("name=\"task\" value=\"{task}\"")),
        "{page}"
    );
    let (status, page, _, _) = send(
        "GET",
        &format!("{base}/inbox"),
        Some(&format!("{}; guild_lang=nl", bob.session)),
        None,
    );
    assert_eq!(status, 200);
    assert!(
        page.contains("U bent uitgenodigd om te reageren op"),
        "{page}"
    );
    let (status, page, _) = bob.post(
        "/proposals",
        &format!("task={task}&cover=I+clean+stock+data+weekly&amount=240.00&currency=EUR"),
    );
    assert_eq!(status, 303, "{page}");
    // Chris hears of the proposal, linked to the task's page where he decides.
    let (_, page) = chris.get("/inbox");
    assert!(page.contains("New proposal on"), "{page}");
    assert!(
        page.contains(&format!("href=\"/projects/{pid}/tasks/{task}\"")),
        "{page}"
    );
    // Marking read: nothing new, the history stays.
    let newest = value_of(&page, "up_to").to_owned();
    let (status, _, _) = chris.post("/inbox/read", &format!("up_to={newest}"));
    assert_eq!(status, 303);
    let (_, page) = chris.get("/inbox");
    assert!(
        page.contains("Nothing new.") && page.contains("New proposal on"),
        "{page}"
    );
    // Another's inbox is not reachable: the page is always the reader's own.
    assert!(!bob.get("/inbox").1.contains("New proposal on"));
}

fn an_organisation_sets_a_test_and_marks_practical_work_on_the_pages(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let base = &server.base;
    let olga = Visitor::sign_up(base, "Olga", "olga@example.org");
    let ann = Visitor::sign_up(base, "Ann", "ann@example.org");
    let eve = Visitor::sign_up(base, "Eve", "eve@example.org");
    let (_, page) = olga.get("/organisations");
    assert!(page.contains("You are in no organisation yet."), "{page}");
    // A bad short name: the reason, what was typed kept.
    let (status, page, _) = olga.post("/organisations", "name=Rotterdam+Tech&slug=RT%21");
    assert_eq!(status, 400, "{page}");
    assert!(
        page.contains("id=\"form-error\"") && page.contains("value=\"Rotterdam Tech\""),
        "{page}"
    );
    let (status, page, org) =
        olga.post("/organisations", "name=Rotterdam+Tech&slug=rotterdam-tech");
    assert_eq!(status, 303, "{page}");
    assert_eq!(org, "/organisations/rotterdam-tech");
    let (_, page) = olga.get(&org);
    assert!(page.contains("No key yet"), "{page}");
    assert!(
        page.contains("olga@example.org") && page.contains("<strong>admin</strong>"),
        "{page}"
    );
    // Keys: made, then rotated; the old one stays listed as retired.
    for _ in 0..2 {
        let (status, _, _) = olga.post(&format!("{org}/keys"), "");
        assert_eq!(status, 303);
    }
    let (_, page) = olga.get(&org);
    assert_eq!(page.matches("class=\"key\"").count(), 2, "{page}");
    assert!(
        page.contains("signs now") && page.contains("retired"),
        "{page}"
    );
    // Members: Ann becomes an assessor; an unknown address is refused.
    let (status, page, _) = olga.post(
        &format!("{org}/members"),
        "email=nobody%40example.org&role=assessor",
    );
    assert!(status == 400 || status == 404, "{status}: {page}");
    assert!(page.contains("nobody@example.org"), "{page}");
    let (status, _, _) = olga.post(
        &format!("{org}/members"),
        "email=ann%40example.org&role=assessor",
    );
    assert_eq!(status, 303);
    // Strangers see nothing and change nothing.
    assert_eq!(eve.get(&org).0, 403);
    assert_eq!(
        eve.post(
            &format!("{org}/members"),
            "email=eve%40example.org&role=admin"
        )
        .0,
        403
    );
    assert_eq!(
        ann.post(
            &format!("{org}/members"),
            "email=eve%40example.org&role=admin"
        )
        .0,
        403
    );

    // Ann (an assessor) sets a test; a malformed bank says which line.
    let bank = "? Which code is a straight cut at the feed rate?\n* G01\n- G00\n- M30\n\n\
                ! Write the G-code for a 20 mm square pocket, 2 mm deep, and paste it here.\n";
    let test_form = |bank: &str| {
        format!(
            "title=G-code+basics&skill=guild%3Askill%2Fg-code&level=3&per_attempt=2&pass_percent=50&minutes=30&cooldown=24&bank={}",
            enc(bank)
        )
    };
    let (status, page, _) = ann.post(&format!("{org}/tests"), &test_form("hello\n"));
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("line 1"), "{page}");
    assert!(page.contains("value=\"G-code basics\""), "kept: {page}");
    let (status, page, _) = ann.post(
        &format!("{org}/tests"),
        &test_form("? q\n* a\n- b").replace(
            "skill=guild%3Askill%2Fg-code",
            "skill=underwater+basket+weaving",
        ),
    );
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("No skill has exactly this name"), "{page}");
    let (status, page, _) = ann.post(&format!("{org}/tests"), &test_form(bank));
    assert_eq!(status, 303, "{page}");
    let (_, page) = ann.get(&org);
    assert!(
        page.contains("G-code basics") && page.contains("2 questions"),
        "{page}"
    );

    // Wes takes it: the choice is marked at once, the practical waits for an assessor.
    let wes = server.sign_up("wes@example.org");
    let w = server.call(
        "POST",
        "/api/v1/workers",
        Some(&wes),
        Some(&serde_json::json!({"name": "Wes", "skills": [{"skill": "guild:skill/g-code", "proficiency": 3}],
            "hours_per_week": 30, "utc_offset_minutes": 0, "work_mode": "remote", "languages": ["en"]})),
    );
    let worker = w.body["id"].as_i64().unwrap();
    let tests = server.call("GET", "/api/v1/tests", Some(&wes), None).body;
    let test = tests[0]["id"].as_i64().unwrap();
    let a = server.call(
        "POST",
        &format!("/api/v1/tests/{test}/attempts"),
        Some(&wes),
        Some(&serde_json::json!({"worker": worker})),
    );
    assert_eq!(a.status, 201, "{}", a.body);
    let attempt = a.body["id"].as_i64().unwrap();
    let answers: Vec<Value> = a.body["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            if q["kind"] == "choice" {
                let right = q["options"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .position(|o| o == "G01")
                    .unwrap();
                serde_json::json!([right])
            } else {
                serde_json::json!("G90 G21\nG01 Z-2 F100\nG01 X20\nG01 Y20\nG01 X0\nG01 Y0")
            }
        })
        .collect();
    let done = server.call(
        "POST",
        &format!("/api/v1/attempts/{attempt}/answers"),
        Some(&wes),
        Some(&serde_json::json!({"answers": answers})),
    );
    assert_eq!(done.body["status"], "awaiting_assessor", "{}", done.body);

    // Ann sees the practical work with what Wes handed in, and marks it.
    let (_, page) = ann.get(&org);
    assert!(
        page.contains(&format!("id=\"attempt-{attempt}\"")),
        "{page}"
    );
    assert!(
        page.contains("20 mm square pocket") && page.contains("G01 Z-2 F100"),
        "{page}"
    );
    assert_eq!(
        eve.post(&format!("/attempts/{attempt}/assess"), "mark%3A2=right")
            .0,
        404
    );
    let practical = a.body["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["kind"] == "practical")
        .unwrap()["number"]
        .as_i64()
        .unwrap();
    let (status, page, to) = ann.post(
        &format!("/attempts/{attempt}/assess"),
        &format!("mark%3A{practical}=right"),
    );
    assert_eq!(status, 303, "{page}");
    assert!(to.ends_with("#awaiting"), "{to}");
    let view = server
        .call(
            "GET",
            &format!("/api/v1/attempts/{attempt}"),
            Some(&wes),
            None,
        )
        .body;
    assert_eq!(view["status"], "passed", "{view}");
    assert!(
        view["credential"].is_string(),
        "a pass earns the organisation's credential: {view}"
    );
    let (_, page) = ann.get(&org);
    assert!(page.contains("Nothing waits to be marked."), "{page}");
    // In Dutch.
    let (_, page, _, _) = send(
        "GET",
        &format!("{base}{org}"),
        Some(&format!("{}; guild_lang=nl", olga.session)),
        None,
    );
    assert!(
        page.contains("Ondertekeningssleutels") && page.contains("Vaardigheidstoetsen"),
        "{page}"
    );
}

fn a_learner_books_a_trainer_from_a_path_step(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let base = &server.base;
    let lathe = "guild:skill/operate-manual-lathe";
    // Tom, a machinist of 30 years, offers to teach manual turning remotely at 30 EUR an hour.
    let tom = Visitor::sign_up(base, "Tom", "tom@example.org");
    let tom_token = token(&server, "tom@example.org");
    let w = server.call(
        "POST",
        "/api/v1/workers",
        Some(&tom_token),
        Some(&serde_json::json!({"name": "Tom Turner", "skills": [{"skill": lathe, "proficiency": 5}],
            "hours_per_week": 10, "utc_offset_minutes": 60, "work_mode": "remote", "languages": ["en"]})),
    );
    assert_eq!(w.status, 201, "{}", w.body);
    let (status, page, _) = tom.post(
        "/teach",
        &format!(
            "skill={}&remote=1&rate=30&rate_currency=EUR&note=",
            enc(lathe)
        ),
    );
    assert_eq!(status, 303, "{page}");
    // Lia, a welder, looks at the way to machinist.
    let lia = Visitor::sign_up(base, "Lia", "lia@example.org");
    let w = server.call(
        "POST",
        "/api/v1/workers",
        Some(&token(&server, "lia@example.org")),
        Some(&serde_json::json!({"name": "Lia", "skills": [{"skill": "guild:skill/read-engineering-drawings", "proficiency": 3}],
            "hours_per_week": 20, "utc_offset_minutes": 60, "work_mode": "remote", "languages": ["en"]})),
    );
    assert_eq!(w.status, 201, "{}", w.body);
    let (status, page) = lia.get("/transitions/path?to=guild%3Aoccupation%2Fmachinist");
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Tom Turner") && page.contains("Book a training"),
        "{page}"
    );
    let trainer = page
        .split("name=\"worker\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    // Bad hours and a skill he does not teach are refused; she cannot book herself.
    let book =
        |hours: &str, skill: &str| format!("worker={trainer}&skill={}&hours={hours}", enc(skill));
    assert_eq!(lia.post("/training/book", &book("lots", lathe)).0, 400);
    assert_eq!(lia.post("/training/book", &book("0", lathe)).0, 400);
    assert_eq!(
        lia.post("/training/book", &book("4", "guild:skill/g-code"))
            .0,
        404
    );
    assert_eq!(tom.post("/training/book", &book("4", lathe)).0, 400);
    // Four hours at his rate: a contract he is asked to accept.
    let (status, page, contract) = lia.post("/training/book", &book("4", lathe));
    assert_eq!(status, 303, "{page}");
    assert!(contract.starts_with("/contracts/"), "{contract}");
    // Pressed twice, it is the same offer, not a second contract.
    let (_, _, again) = lia.post("/training/book", &book("4", lathe));
    assert_eq!(again, contract);
    let (_, page) = lia.get(&contract);
    assert!(
        page.contains("Training: operate manual lathe") || page.contains("Training: "),
        "{page}"
    );
    assert!(page.contains("120.00 EUR"), "4 h at 30 EUR: {page}");
    let (_, page) = tom.get(&contract);
    assert!(
        page.contains("108.00 EUR"),
        "what he receives after the fee: {page}"
    );
    assert!(page.contains("value=\"accept\""), "{page}");
    let (_, inbox) = tom.get("/inbox");
    assert!(inbox.contains(&format!("href=\"{contract}\"")), "{inbox}");
}

fn a_team_page_says_who_comes_nearest_to_a_skill_nobody_holds(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let base = &server.base;
    let chris = Visitor::sign_up(base, "Chris", "chris@example.org");
    let chris_token = token(&server, "chris@example.org");
    let p = server.call(
        "POST",
        "/api/v1/projects",
        Some(&chris_token),
        Some(&serde_json::json!({"title": "Shafts", "problem": "Turn 40 steel shafts on a CNC lathe."})),
    );
    assert_eq!(p.status, 201, "{}", p.body);
    let pid = p.body["id"].as_i64().unwrap();
    let t = server.call(
        "POST",
        &format!("/api/v1/projects/{pid}/tasks"),
        Some(&chris_token),
        Some(&serde_json::json!({"title": "Turn the shafts", "hours": 16,
            "required": [{"skill": "guild:skill/operate-cnc-lathe"}]})),
    );
    assert!(t.status == 201 || t.status == 200, "{}", t.body);
    // Nobody turns; Mo mills on CNC machines, which is near; a course teaches turning.
    let mo = server.sign_up("mo@example.org");
    let w = server.call(
        "POST",
        "/api/v1/workers",
        Some(&mo),
        Some(&serde_json::json!({"name": "Mo Miller", "skills": [
                {"skill": "guild:skill/operate-cnc-milling-machine", "proficiency": 4},
                {"skill": "guild:skill/g-code", "proficiency": 4}],
            "hours_per_week": 30, "utc_offset_minutes": 60, "work_mode": "remote", "languages": ["en"]})),
    );
    assert_eq!(w.status, 201, "{}", w.body);
    let c = server.call(
        "POST",
        "/api/v1/learning-resources",
        Some(&chris_token),
        Some(
            &serde_json::json!({"title": "CNC turning from scratch", "kind": "course",
            "teaches": [{"skill": "guild:skill/operate-cnc-lathe", "level": 3}], "requires": [],
            "hours": 24, "language": "en", "provider": "ROC Techniek"}),
        ),
    );
    assert_eq!(c.status, 201, "{}", c.body);
    let (status, page) = chris.get(&format!("/projects/{pid}/team"));
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("No one on Guild holds these skills yet"),
        "{page}"
    );
    let unheld = &page[page.find("class=\"unheld-skills\"").expect("suggestions")..];
    assert!(
        unheld.contains("Nearest workers") && unheld.contains("Mo Miller"),
        "{unheld}"
    );
    assert!(
        unheld.contains("CNC turning from scratch (ROC Techniek, 24 h)"),
        "{unheld}"
    );
}
