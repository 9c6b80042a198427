//! Issuer secret keys encrypted at rest, on both backends: the database holds only sealed
//! keys; a copy without the key-encryption key (KEK) cannot sign, over HTTP or the command
//! line, and says why, yet verifies what was issued (revocation included); a wrong KEK is
//! named as such; rotating the KEK seals every key again at once, or changes nothing; and a
//! store from before sealing has its plain keys sealed at start.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::harness::{Backend, Server, TestStore};

crate::on_both_backends!(
    a_store_copied_without_its_kek_verifies_but_cannot_sign,
    rotating_the_kek_seals_every_key_again_or_changes_nothing,
    plain_keys_of_an_older_store_are_sealed_at_start,
);

const LATHE: &str = "guild:skill/operate-cnc-lathe";

/// Rows of a query run on the database itself (every column read as text: cast as needed).
fn raw(store: &TestStore, sql: &str) -> Vec<Vec<Option<String>>> {
    match store.url.strip_prefix("sqlite:") {
        Some(path) => {
            let conn = rusqlite::Connection::open(path).unwrap();
            let mut stmt = conn.prepare(sql).unwrap();
            let width = stmt.column_count();
            stmt.query_map([], |row| {
                (0..width)
                    .map(|i| row.get::<_, Option<String>>(i))
                    .collect::<Result<Vec<_>, _>>()
            })
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap()
        }
        None => {
            let mut client = ::postgres::Client::connect(&store.url, ::postgres::NoTls).unwrap();
            client
                .query(sql, &[])
                .unwrap()
                .iter()
                .map(|r| {
                    (0..r.len())
                        .map(|i| r.get::<_, Option<String>>(i))
                        .collect()
                })
                .collect()
        }
    }
}

/// Runs statements on the database itself.
fn raw_execute(store: &TestStore, sql: &str) {
    match store.url.strip_prefix("sqlite:") {
        Some(path) => rusqlite::Connection::open(path)
            .unwrap()
            .execute_batch(sql)
            .unwrap(),
        None => ::postgres::Client::connect(&store.url, ::postgres::NoTls)
            .unwrap()
            .batch_execute(sql)
            .unwrap(),
    }
}

/// (id, plain secret, sealed secret, KEK id) of every issuer key.
fn secrets(store: &TestStore) -> Vec<Vec<Option<String>>> {
    raw(
        store,
        "SELECT CAST(id AS TEXT), secret_multibase, secret_sealed, kek_id FROM issuer_keys ORDER BY id",
    )
}

fn kek_file(store: &TestStore) -> PathBuf {
    store.kek_file()
}

fn kek_id(path: &std::path::Path) -> String {
    guild_store::KeyEncryptionKey::read_file(path, "test")
        .unwrap()
        .id()
        .to_owned()
}

fn new_worker(server: &Server, token: &str) -> i64 {
    let a = server.call(
        "POST",
        "/api/v1/workers",
        Some(token),
        Some(&json!({
            "name": "Alice",
            "skills": [{"skill": "guild:skill/read-engineering-drawings", "proficiency": 2}],
            "hours_per_week": 20,
            "utc_offset_minutes": 0,
            "work_mode": "remote",
            "languages": ["en"],
        })),
    );
    assert_eq!(a.status, 201, "{}", a.body);
    a.body["id"].as_i64().unwrap()
}

fn failed(out: &std::process::Output) -> String {
    assert!(
        !out.status.success(),
        "expected a failure: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn a_store_copied_without_its_kek_verifies_but_cannot_sign(backend: Backend) {
    let store = TestStore::new(&backend);
    let (server, env) = store.serve_public();
    store.guild_env(&["credential", "keys", "new"], &env);
    let (alice, bob) = (
        server.sign_up("alice@example.org"),
        server.sign_up("bob@example.org"),
    );
    let worker = new_worker(&server, &alice);
    let org = json!({"slug": "ferro-academy", "name": "Ferro Academy"});
    assert_eq!(
        server
            .call("POST", "/api/v1/organisations", Some(&bob), Some(&org))
            .status,
        201
    );
    let key = server.call(
        "POST",
        "/api/v1/organisations/ferro-academy/keys",
        Some(&bob),
        None,
    );
    assert_eq!(key.status, 201, "{}", key.body);
    let award = json!({"worker": worker, "skill": LATHE, "level": 3});
    let issued = server.call(
        "POST",
        "/api/v1/organisations/ferro-academy/credentials",
        Some(&bob),
        Some(&award),
    );
    assert_eq!(issued.status, 201, "{}", issued.body);
    let dir = tempfile::tempdir().unwrap();
    let platform_file = dir.path().join("platform.json");
    let w = worker.to_string();
    let out = store.guild_env(
        &[
            "credential",
            "issue",
            "--worker",
            &w,
            "--skill",
            LATHE,
            "--level",
            "4",
            "--out",
            platform_file.to_str().unwrap(),
        ],
        &env,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // In the database: no plain secret, only sealed ones under this store's KEK.
    let kek = kek_id(&kek_file(&store));
    let rows = secrets(&store);
    assert_eq!(rows.len(), 2);
    for row in &rows {
        assert_eq!(row[1], None, "a plain secret is stored: {row:?}");
        let sealed = row[2].as_deref().unwrap();
        assert!(
            sealed.starts_with("xc20p1:") && !sealed.contains("z3u2"),
            "{sealed}"
        );
        assert_eq!(row[3].as_deref(), Some(kek.as_str()));
    }

    // Copied by backup and restore, without the KEK (it is not in the backup).
    let backup = dir.path().join("guild.backup");
    let out = store.guild_ok(&["backup", backup.to_str().unwrap()]);
    assert!(out.contains(&format!("key-encryption key {kek}")), "{out}");
    drop(server);
    let copy = TestStore::new(&backend);
    let out = copy.guild(&["restore", backup.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let warned = String::from_utf8_lossy(&out.stderr);
    assert!(
        warned.contains("cannot sign yet") && warned.contains(&kek),
        "{warned}"
    );
    assert!(!copy.key_env.is_empty() || !kek_file(&copy).exists());

    // The command line cannot sign, and says which key it would take.
    let no_sign = failed(&copy.guild_env(
        &[
            "credential",
            "issue",
            "--worker",
            &w,
            "--skill",
            LATHE,
            "--level",
            "2",
        ],
        &env,
    ));
    assert!(
        no_sign.contains(&format!("encrypted with key-encryption key {kek}"))
            && no_sign.contains("GUILD_KEY_FILE"),
        "{no_sign}"
    );
    assert!(failed(&copy.guild_env(&["credential", "keys", "new"], &env)).contains(&kek));

    // What was issued still verifies from the copy's own records, revocation included.
    let platform_doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&platform_file).unwrap()).unwrap();
    // Served under the original's public URL (a store moved to a new machine keeps its
    // DIDs), so that its DIDs and status lists are its own.
    let copied = copy.serve_with("127.0.0.1:0", &env);
    for doc in [&issued.body["credential"], &platform_doc] {
        let report = copied.post(
            "/api/v1/credentials/verify",
            &doc.to_string(),
            "application/json",
        );
        assert_eq!(report.body["outcome"], "valid", "{}", report.body);
        let status = report.body["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == "status")
            .unwrap();
        assert!(
            status["detail"].as_str().unwrap().contains("first-hand"),
            "{status}"
        );
    }
    let out = copy.guild_env(
        &["credential", "verify", platform_file.to_str().unwrap()],
        &env,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // Over HTTP: a problem+json 503 that says why, never where the key lives.
    let refused = copied.call(
        "POST",
        "/api/v1/organisations/ferro-academy/credentials",
        Some(&bob),
        Some(&award),
    );
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert_eq!(refused.content_type, "application/problem+json");
    assert_eq!(refused.body["type"], "urn:guild:problem:issuer-keys-locked");
    let detail = refused.body["detail"].as_str().unwrap();
    assert!(
        detail.contains("issuing is unavailable") && detail.contains("still verify"),
        "{detail}"
    );
    assert!(
        !detail.contains(&copy.dir().display().to_string()),
        "{detail}"
    );
    let rotate = copied.call(
        "POST",
        "/api/v1/organisations/ferro-academy/keys",
        Some(&bob),
        None,
    );
    assert_eq!(rotate.status, 503, "{}", rotate.body);

    // Revoking needs no key, and the copy's verdicts follow it.
    let id = platform_doc["id"].as_str().unwrap();
    copy.guild_ok(&["credential", "revoke", id, "--reason", "issued in error"]);
    let report = copied.post(
        "/api/v1/credentials/verify",
        &platform_doc.to_string(),
        "application/json",
    );
    assert_eq!(report.body["outcome"], "invalid", "{}", report.body);
    drop(copied);

    // A wrong KEK is named as such.
    let other = dir.path().join("other.kek");
    let other_id = guild_store::KeyEncryptionKey::create_file(&other, "test")
        .unwrap()
        .id()
        .to_owned();
    let with_other = [
        env.clone(),
        vec![("GUILD_KEY_FILE".to_owned(), other.display().to_string())],
    ]
    .concat();
    let wrong = failed(&copy.guild_env(
        &[
            "credential",
            "issue",
            "--worker",
            &w,
            "--skill",
            LATHE,
            "--level",
            "2",
        ],
        &with_other,
    ));
    assert!(
        wrong.contains(&format!(
            "were encrypted with key-encryption key {kek}; GUILD_KEY_FILE {} holds key {other_id}",
            other.display()
        )),
        "{wrong}"
    );

    // GUILD_KEY holds the key itself; with a key file as well, which one is meant is unclear.
    let key_text = std::fs::read_to_string(kek_file(&store)).unwrap();
    let both = [
        with_other.clone(),
        vec![("GUILD_KEY".to_owned(), key_text.trim().to_owned())],
    ]
    .concat();
    let unclear = failed(&copy.guild_env(&["credential", "keys", "status"], &both));
    assert!(
        unclear.contains("both GUILD_KEY and a key file"),
        "{unclear}"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_guild"))
        .args(["--db", &copy.url, "credential", "keys", "status"])
        .env_remove("GUILD_KEY_FILE")
        .env("GUILD_KEY", key_text.trim())
        .output()
        .unwrap();
    let status = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success()
            && status.contains(&format!("key-encryption key {kek}, from GUILD_KEY")),
        "{status}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !status.contains("unavailable") && !status.contains(key_text.trim()),
        "{status}"
    );

    // Given the right KEK, the copy signs again.
    let with_right = [
        env.clone(),
        vec![(
            "GUILD_KEY_FILE".to_owned(),
            kek_file(&store).display().to_string(),
        )],
    ]
    .concat();
    let out = copy.guild_env(
        &[
            "credential",
            "issue",
            "--worker",
            &w,
            "--skill",
            LATHE,
            "--level",
            "2",
        ],
        &with_right,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn rotating_the_kek_seals_every_key_again_or_changes_nothing(backend: Backend) {
    let store = TestStore::new(&backend);
    for _ in 0..3 {
        store.guild_ok(&["credential", "keys", "new"]);
    }
    let old_file = kek_file(&store);
    let old = kek_id(&old_file);
    let before = secrets(&store);
    assert_eq!(before.len(), 3);
    let dir = tempfile::tempdir().unwrap();
    let new_file = dir.path().join("next.kek");
    let out = store.guild_ok(&["credential", "keys", "new-kek", new_file.to_str().unwrap()]);
    let new = kek_id(&new_file);
    assert!(
        out.contains(&new)
            && !out.contains(
                &std::fs::read_to_string(&new_file)
                    .unwrap()
                    .trim()
                    .to_owned()
            ),
        "{out}"
    );
    assert!(
        failed(&store.guild(&["credential", "keys", "new-kek", new_file.to_str().unwrap()]))
            .contains("never overwritten")
    );

    // One key damaged: rotation re-seals the others inside its transaction, meets it, and
    // leaves every row as it was.
    raw_execute(
        &store,
        &format!(
            "UPDATE issuer_keys SET secret_sealed = '{}' WHERE id = {}",
            before[0][2].as_deref().unwrap(),
            before[2][0].as_deref().unwrap()
        ),
    );
    let damaged = secrets(&store);
    let err = failed(&store.guild(&[
        "credential",
        "keys",
        "rotate-kek",
        "--new-key-file",
        new_file.to_str().unwrap(),
    ]));
    assert!(
        err.contains("nothing was changed") && err.contains("does not open"),
        "{err}"
    );
    assert_eq!(secrets(&store), damaged);
    assert_eq!(kek_id(&old_file), old);
    raw_execute(
        &store,
        &format!(
            "UPDATE issuer_keys SET secret_sealed = '{}' WHERE id = {}",
            before[2][2].as_deref().unwrap(),
            before[2][0].as_deref().unwrap()
        ),
    );

    // Rotated: every key sealed again under the new KEK.
    let out = store.guild_ok(&[
        "credential",
        "keys",
        "rotate-kek",
        "--new-key-file",
        new_file.to_str().unwrap(),
    ]);
    assert!(
        out.contains(&format!(
            "3 issuer keys are now encrypted with key-encryption key {new} (was {old})"
        )),
        "{out}"
    );
    let after = secrets(&store);
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(a[0], b[0]);
        assert_eq!(a[1], None);
        assert_ne!(a[2], b[2]);
        assert_eq!(a[3].as_deref(), Some(new.as_str()));
    }
    // The old KEK opens nothing now; the new one signs.
    let with_new = vec![("GUILD_KEY_FILE".to_owned(), new_file.display().to_string())];
    match backend {
        Backend::Sqlite => {
            // The file beside the database was replaced by the new key.
            assert!(out.contains("now holds the new key"), "{out}");
            assert_eq!(kek_id(&old_file), new);
            store.guild_ok(&["credential", "keys", "new"]);
        }
        Backend::Postgres(_) => {
            assert!(out.contains("GUILD_KEY_FILE="), "{out}");
            let err = failed(&store.guild(&["credential", "keys", "new"]));
            assert!(
                err.contains(&format!("were encrypted with key-encryption key {new}"))
                    && err.contains(&old),
                "{err}"
            );
            let out = store.guild_env(&["credential", "keys", "new"], &with_new);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let status = store.guild_env(&["credential", "keys", "status"], &with_new);
    let status = String::from_utf8_lossy(&status.stdout);
    assert!(
        status.contains(&format!(
            "issuer keys: encrypted with key-encryption key {new}"
        )),
        "{status}"
    );
}

fn plain_keys_of_an_older_store_are_sealed_at_start(backend: Backend) {
    let store = TestStore::new(&backend);
    store.guild_ok(&["taxonomy", "stats"]);
    // Back to the schema before sealing, with a plain key, as an older Guild left it.
    let id_type = match backend {
        Backend::Sqlite => "INTEGER PRIMARY KEY",
        Backend::Postgres(_) => "BIGSERIAL PRIMARY KEY",
    };
    let signing = ed25519_dalek::SigningKey::from_bytes(&[42; 32]);
    let public = guild_credentials::keys::public_key_multibase(&signing.verifying_key());
    let plain = guild_credentials::keys::secret_key_multibase(&signing);
    raw_execute(
        &store,
        &format!(
            "DROP TABLE issuer_keys;
             CREATE TABLE issuer_keys (
                 id {id_type},
                 issuer TEXT NOT NULL,
                 public_multibase TEXT NOT NULL UNIQUE,
                 secret_multibase TEXT NOT NULL,
                 created_at TEXT NOT NULL,
                 retired_at TEXT
             );
             CREATE INDEX issuer_keys_issuer ON issuer_keys (issuer);
             INSERT INTO issuer_keys (issuer, public_multibase, secret_multibase, created_at)
                 VALUES ('platform', '{public}', '{plain}', '2024-01-01T00:00:00Z');
             DELETE FROM schema_migrations WHERE version = 21;"
        ),
    );
    if let Backend::Sqlite = backend {
        // An older Guild made no key file either.
        std::fs::remove_file(kek_file(&store)).unwrap();
    }

    // The next start migrates the table and seals the key.
    let listed = store.guild_ok(&["credential", "keys", "list"]);
    assert!(listed.contains(&public), "{listed}");
    let kek = kek_id(&kek_file(&store));
    let rows = secrets(&store);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][1], None);
    assert!(!rows[0][2].as_deref().unwrap().contains(&plain));
    assert_eq!(rows[0][3].as_deref(), Some(kek.as_str()));
    // The sealed key still signs, as the same key.
    let server = store.serve();
    let token = server.sign_up("alice@example.org");
    let worker = new_worker(&server, &token).to_string();
    drop(server);
    let issued = store.guild_ok(&[
        "credential",
        "issue",
        "--worker",
        &worker,
        "--skill",
        LATHE,
        "--level",
        "3",
    ]);
    assert!(issued.contains(&format!("did:key:{public}")), "{issued}");
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &issued).unwrap();
    let out = store.guild_ok(&["credential", "verify", file.path().to_str().unwrap()]);
    assert!(out.contains("valid"), "{out}");
}
