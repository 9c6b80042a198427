//! Driving the web pages over plain HTTP, as a browser without scripts would: a visitor with a
//! session and the CSRF token of its forms, form posts, and reading what the pages say.

/// (status, body, Location, session cookie).
pub fn send(
    method: &str,
    url: &str,
    cookie: Option<&str>,
    form: Option<&str>,
) -> (u16, String, String, Option<String>) {
    let mut r = ureq::AgentBuilder::new()
        .redirects(0)
        .build()
        .request(method, url);
    if let Some(c) = cookie {
        r = r.set("cookie", c);
    }
    let result = match form {
        Some(f) => r
            .set("content-type", "application/x-www-form-urlencoded")
            .send_string(f),
        None => r.call(),
    };
    let resp = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {url}: {e}"),
    };
    let status = resp.status();
    let location = resp.header("location").unwrap_or("").to_owned();
    let session = resp
        .all("set-cookie")
        .iter()
        .find_map(|c| c.strip_prefix("guild_session="))
        .and_then(|c| c.split(';').next())
        .filter(|v| !v.is_empty())
        .map(|v| format!("guild_session={v}"));
    (
        status,
        resp.into_string().unwrap_or_default(),
        location,
        session,
    )
}

/// A signed-in browser-like visitor: its session and CSRF token.
pub struct Visitor {
    pub base: String,
    pub session: String,
    pub csrf: String,
}

impl Visitor {
    pub fn sign_up(base: &str, name: &str, email: &str) -> Visitor {
        let form = format!(
            "display_name={name}&email={}&password=a+long+enough+password",
            email.replace('@', "%40")
        );
        let (status, page, _, session) = send("POST", &format!("{base}/signup"), None, Some(&form));
        assert_eq!(status, 303, "{page}");
        let session = session.unwrap();
        let (_, page, _, _) = send("GET", &format!("{base}/welcome"), Some(&session), None);
        let csrf = page
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap()
            .to_owned();
        Visitor {
            base: base.to_owned(),
            session,
            csrf,
        }
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        let (status, page, _, _) = send(
            "GET",
            &format!("{}{path}", self.base),
            Some(&self.session),
            None,
        );
        (status, page)
    }

    /// (status, page, where it redirects).
    pub fn post(&self, path: &str, form: &str) -> (u16, String, String) {
        let (status, page, location, _) = send(
            "POST",
            &format!("{}{path}", self.base),
            Some(&self.session),
            Some(&format!("csrf={}&{form}", self.csrf)),
        );
        (status, page, location)
    }
}

pub fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The value of input `name` in `page`.
pub fn value_of<'a>(page: &'a str, name: &str) -> &'a str {
    let at = page
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no input {name}: {page}"));
    let rest = &page[at + name.len() + 15..];
    &rest[..rest.find('"').unwrap()]
}

/// An API token for an account made on the pages (their password is the suite's).
pub fn token(server: &crate::harness::Server, email: &str) -> String {
    let a = server.call(
        "POST",
        "/api/v1/tokens",
        None,
        Some(&serde_json::json!({"email": email, "password": "a long enough password"})),
    );
    a.body["token"]
        .as_str()
        .unwrap_or_else(|| panic!("a token for {email}: {}", a.body))
        .to_owned()
}
