//! Fresh stores, the `guild` binary, and a running server.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::Value;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The rate limit of every kind on servers the tests start (see `spawn_server`).
const SUITE_RATE: &str = "1000/s:10000";

/// Which backend a test runs on.
#[derive(Clone, Debug)]
pub enum Backend {
    Sqlite,
    Postgres(String),
}

impl Backend {
    /// The PostgreSQL test server. The tests that use it are marked `#[ignore]`, so that a
    /// plain `cargo test` reports them as ignored rather than passing them without a server;
    /// `scripts/test.sh` starts one and runs them. Run without one, they fail.
    pub fn postgres() -> Backend {
        match std::env::var("GUILD_TEST_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => Backend::Postgres(url),
            _ => panic!(
                "this test needs PostgreSQL and GUILD_TEST_POSTGRES_URL is not set: \
                 run it with scripts/test.sh, which starts a throwaway server"
            ),
        }
    }
}

/// The shared data folder beside the checkout.
pub fn shared(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(path)
}

/// A SQLite store with O*NET, ESCO (English and Dutch) and their crosswalk imported, and the
/// taxonomy embedded for reading by meaning. The imports (minutes, most of it embedding) run once
/// per test process into a template; each caller gets its own copy.
pub fn imported_sqlite() -> TestStore {
    static TEMPLATE: std::sync::Mutex<Option<TestStore>> = std::sync::Mutex::new(None);
    let mut template = TEMPLATE.lock().unwrap_or_else(|e| e.into_inner());
    if template.is_none() {
        let store = TestStore::new(&Backend::Sqlite);
        // Embedding the whole taxonomy takes minutes on two cores: the vectors are kept between
        // runs in the cache directory (the same model and text give the same vector).
        let cache = embedding_cache();
        let cache = cache.to_str().unwrap();
        let onet = shared("data/onet-29.3");
        let esco = shared("data/esco-1.2");
        let crosswalk = shared(
            "data/nesta-career-causeways/ONET_ESCO_crosswalk__esco_onet_crosswalk_Nov2020.csv",
        );
        let with_cache = |args: &[&str]| {
            let mut args = args.to_vec();
            args.extend(["--embedding-cache", cache]);
            store.guild_ok(&args);
        };
        with_cache(&["import", "onet", onet.to_str().unwrap()]);
        with_cache(&["import", "esco", esco.to_str().unwrap(), "--lang", "en,nl"]);
        with_cache(&["import", "crosswalk", crosswalk.to_str().unwrap()]);
        *template = Some(store);
    }
    let from = template.as_ref().unwrap().dir().to_owned();
    let copy = TestStore::new(&Backend::Sqlite);
    for entry in std::fs::read_dir(&from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name().to_string_lossy().starts_with("guild.db") {
            std::fs::copy(entry.path(), copy.dir().join(entry.file_name())).unwrap();
        }
    }
    copy
}

/// Where the test suite keeps the taxonomy's embeddings between runs: `GUILD_CACHE_DIR` (as
/// the scripts use it), else ~/.cache/guild, under `embeddings`.
pub fn embedding_cache() -> PathBuf {
    std::env::var_os("GUILD_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/guild")))
        .unwrap_or_else(std::env::temp_dir)
        .join("embeddings")
}

/// A fresh, empty store for one test.
pub struct TestStore {
    pub url: String,
    /// The environment that gives `guild` the store's key-encryption key: a PostgreSQL store
    /// has no default one (a SQLite store's is the file beside its database, made by Guild).
    pub key_env: Vec<(String, String)>,
    _dir: tempfile::TempDir,
}

impl TestStore {
    /// A store at a database URL the test made itself.
    pub fn at(url: &str) -> Self {
        Self {
            url: url.to_owned(),
            key_env: Vec::new(),
            _dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn new(backend: &Backend) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = match backend {
            Backend::Sqlite => format!("sqlite:{}", dir.path().join("guild.db").display()),
            Backend::Postgres(admin) => {
                let name = format!(
                    "guild_test_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst)
                );
                let mut client = postgres::Client::connect(admin, postgres::NoTls).unwrap();
                client
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
                    .unwrap();
                client
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .unwrap();
                let (base, _) = admin.rsplit_once('/').unwrap();
                format!("{base}/{name}")
            }
        };
        let key_env = match backend {
            Backend::Sqlite => Vec::new(),
            Backend::Postgres(_) => {
                let path = dir.path().join("guild.kek");
                guild_store::KeyEncryptionKey::create_file(&path, "test").unwrap();
                vec![("GUILD_KEY_FILE".to_owned(), path.display().to_string())]
            }
        };
        Self {
            url,
            key_env,
            _dir: dir,
        }
    }

    /// Every `guild` this store runs (commands and servers) reads text by words only: for tests
    /// about something else that import whole taxonomies, whose embedding takes minutes.
    pub fn lexical(mut self) -> Self {
        self.key_env
            .push(("GUILD_LEXICAL".to_owned(), "1".to_owned()));
        self
    }

    /// The file that holds the store's key-encryption key: the one Guild makes beside a
    /// SQLite database, or the one the harness gives a PostgreSQL store.
    pub fn kek_file(&self) -> PathBuf {
        match self.url.strip_prefix("sqlite:") {
            Some(path) => guild_store::key_file_beside(Path::new(path)),
            None => PathBuf::from(&self.key_env[0].1),
        }
    }

    /// The directory the store's files (and a SQLite store's database) are in.
    pub fn dir(&self) -> &Path {
        self._dir.path()
    }

    /// Runs `guild --db URL ARGS…` and returns its output.
    pub fn guild(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_guild"))
            .arg("--db")
            .arg(&self.url)
            .args(args)
            .env_remove("GUILD_DATABASE_URL")
            .envs(self.key_env.iter().map(|(k, v)| (k, v)))
            .output()
            .unwrap()
    }

    /// Runs `guild --db URL ARGS…` with `input` on standard input.
    pub fn guild_with_input(&self, args: &[&str], input: &str) -> Output {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_guild"))
            .arg("--db")
            .arg(&self.url)
            .args(args)
            .envs(self.key_env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    /// Runs `guild` and expects success; returns standard output.
    pub fn guild_ok(&self, args: &[&str]) -> String {
        let out = self.guild(args);
        assert!(
            out.status.success(),
            "guild {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// `taxonomy stats --json`.
    pub fn stats(&self) -> Value {
        serde_json::from_str(&self.guild_ok(&["taxonomy", "stats", "--json"])).unwrap()
    }

    /// Starts `guild serve` on a free port.
    pub fn serve(&self) -> Server {
        self.serve_with("127.0.0.1:0", &[])
    }

    /// Starts `guild serve` with a public URL on a free loopback port, as a deployment would
    /// have: issuers are did:web DIDs under it, and its status lists are published there.
    /// Loopback is allowed over plain HTTP (`GUILD_INSECURE_HTTP_HOSTS`) so that verifiers in
    /// the test can fetch from it. Returns the server and the environment to give CLI calls.
    pub fn serve_public(&self) -> (Server, Vec<(String, String)>) {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let host = format!("127.0.0.1:{port}");
        let env = vec![
            ("GUILD_PUBLIC_URL".to_owned(), format!("http://{host}")),
            ("GUILD_INSECURE_HTTP_HOSTS".to_owned(), host.clone()),
        ];
        (self.serve_with(&host, &env), env)
    }

    /// Runs `guild --db URL ARGS…` with extra environment variables.
    pub fn guild_env(&self, args: &[&str], env: &[(String, String)]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_guild"))
            .arg("--db")
            .arg(&self.url)
            .args(args)
            .env_remove("GUILD_DATABASE_URL")
            .envs(self.key_env.iter().map(|(k, v)| (k, v)))
            .envs(env.iter().map(|(k, v)| (k, v)))
            .output()
            .unwrap()
    }

    /// Starts `guild serve` on `addr` with extra environment variables.
    pub fn serve_with(&self, addr: &str, env: &[(String, String)]) -> Server {
        self.spawn_server(addr, env, "warn", Stdio::inherit())
    }

    /// Starts `guild serve` logging everything (`trace`) to a file; returns the file's path.
    pub fn serve_logged(&self) -> (Server, PathBuf) {
        let path = self._dir.path().join("server.log");
        let file = std::fs::File::create(&path).unwrap();
        (
            self.spawn_server("127.0.0.1:0", &[], "trace", Stdio::from(file)),
            path,
        )
    }

    fn spawn_server(
        &self,
        addr: &str,
        env: &[(String, String)],
        log: &str,
        stderr: Stdio,
    ) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_guild"))
            .args(["--db", &self.url, "serve", "--addr", addr])
            // The suite signs up many accounts from one address, faster than people do: rate
            // limits far above its pace (tests of the limits pass their own in `env`).
            .env("GUILD_RATE_ANONYMOUS", SUITE_RATE)
            .env("GUILD_RATE_SIGN_IN", SUITE_RATE)
            .env("GUILD_RATE_ACCOUNT", SUITE_RATE)
            .env("GUILD_REQUEST_TIMEOUT_SECS", "600")
            .envs(self.key_env.iter().map(|(k, v)| (k, v)))
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env("GUILD_LOG", log)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .trim()
            .strip_prefix("Guild is listening on ")
            .unwrap_or_else(|| panic!("unexpected first line from guild serve: {line:?}"))
            .to_owned();
        Server { child, base }
    }
}

/// A running `guild serve`, stopped when dropped.
pub struct Server {
    child: Child,
    pub base: String,
}

/// An HTTP answer.
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: Value,
    pub set_cookie: Option<String>,
}

impl Answer {
    /// Reads a response; an HTTP error status is an answer too, a failed connection is not.
    fn from(what: &str, result: Result<ureq::Response, ureq::Error>) -> Self {
        let response = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{what}: {e}"),
        };
        let status = response.status();
        let content_type = response.header("content-type").unwrap_or("").to_owned();
        let set_cookie = response.header("set-cookie").map(str::to_owned);
        let text = response.into_string().unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Answer {
            status,
            content_type,
            body,
            set_cookie,
        }
    }
}

impl Server {
    fn agent() -> ureq::Agent {
        ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(60))
            .build()
    }

    pub fn get(&self, path: &str) -> Answer {
        let result = Self::agent().get(&format!("{}{path}", self.base)).call();
        Answer::from(&format!("GET {path}"), result)
    }

    pub fn post(&self, path: &str, body: &str, content_type: &str) -> Answer {
        let result = Self::agent()
            .post(&format!("{}{path}", self.base))
            .set("content-type", content_type)
            .send_string(body);
        Answer::from(&format!("POST {path}"), result)
    }

    pub fn post_ok(&self, path: &str, body: &Value) -> Value {
        let a = self.post(path, &body.to_string(), "application/json");
        assert_eq!(a.status, 200, "POST {path}: {}", a.body);
        a.body
    }

    /// Any method, with an optional bearer token and JSON body.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Answer {
        let mut request = Self::agent().request(method, &format!("{}{path}", self.base));
        if let Some(t) = token {
            request = request.set("authorization", &format!("Bearer {t}"));
        }
        let result = match body {
            Some(b) => request
                .set("content-type", "application/json")
                .send_string(&b.to_string()),
            None => request.call(),
        };
        Answer::from(&format!("{method} {path}"), result)
    }

    /// Any method with extra headers, an optional bearer token and JSON body.
    pub fn call_with_headers(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Answer {
        let mut request = Self::agent().request(method, &format!("{}{path}", self.base));
        if let Some(t) = token {
            request = request.set("authorization", &format!("Bearer {t}"));
        }
        for (k, v) in headers {
            request = request.set(k, v);
        }
        let result = match body {
            Some(b) => request
                .set("content-type", "application/json")
                .send_string(&b.to_string()),
            None => request.call(),
        };
        Answer::from(&format!("{method} {path}"), result)
    }

    /// Any method with a raw body of `content_type`, and an optional bearer token.
    pub fn call_raw(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: &str,
        content_type: &str,
    ) -> Answer {
        let mut request = Self::agent()
            .request(method, &format!("{}{path}", self.base))
            .set("content-type", content_type);
        if let Some(t) = token {
            request = request.set("authorization", &format!("Bearer {t}"));
        }
        Answer::from(&format!("{method} {path}"), request.send_string(body))
    }

    /// Signs up `email` and returns a fresh API token for it.
    pub fn sign_up(&self, email: &str) -> String {
        let password = "a long enough password";
        let a = self.call(
            "POST",
            "/api/v1/accounts",
            None,
            Some(&serde_json::json!({"email": email, "display_name": email, "password": password})),
        );
        assert_eq!(a.status, 201, "sign up {email}: {}", a.body);
        let t = self.call(
            "POST",
            "/api/v1/tokens",
            None,
            Some(&serde_json::json!({"email": email, "password": password})),
        );
        assert_eq!(t.status, 201, "token for {email}: {}", t.body);
        t.body["token"].as_str().unwrap().to_owned()
    }

    /// POST `body` as `token`'s account, which must answer 201; the created thing.
    pub fn created(&self, path: &str, token: &str, body: &Value) -> Value {
        let a = self.call("POST", path, Some(token), Some(body));
        assert_eq!(a.status, 201, "POST {path}: {}", a.body);
        a.body
    }

    /// GET as `token`'s account, which must answer 200.
    pub fn get_ok_as(&self, path: &str, token: &str) -> Value {
        let a = self.call("GET", path, Some(token), None);
        assert_eq!(a.status, 200, "GET {path}: {}", a.body);
        a.body
    }

    pub fn get_ok(&self, path: &str) -> Value {
        let a = self.get(path);
        assert_eq!(a.status, 200, "GET {path}: {}", a.body);
        a.body
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Percent-encodes an id for a URL path segment.
pub fn encode(id: &str) -> String {
    id.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b':' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
