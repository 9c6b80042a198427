//! The HTTP side of credential verification: fetches the documents credentials point to on the
//! web (did:web DID documents, controller documents, Bitstring Status List credentials) for
//! [`guild_credentials::resolve::WebResolver`], which decides what to fetch and checks what
//! comes back but does no I/O itself.
//!
//! The URLs come from credentials that anyone may upload, so fetching them is a server-side
//! request forgery risk: an uploaded credential naming `https://10.0.0.5/admin` or
//! `https://metadata.internal/` would otherwise make the server probe its own network. Hence:
//! only `https:`, no redirects, every resolved address must be publicly routable, a hard cap
//! on time and size, and no proxy taken from the environment.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Read};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use guild_credentials::resolve::Fetcher;
use guild_credentials::verify::{MAX_CREDENTIAL_BYTES, ResolveError};
use url::{Host, Url};

/// The `Accept` header sent with every request: the media types of DID documents, credentials
/// and JSON-LD, then plain JSON (many servers publish `did.json` as `application/json`).
pub const ACCEPT: &str =
    "application/did+ld+json, application/vc, application/ld+json, application/json";

/// The environment variable [`HttpFetcher::from_env`] reads the hosts that may be fetched over
/// plain HTTP from (comma-separated `host[:port]`), so the server and the CLI agree on them.
pub const INSECURE_HTTP_HOSTS_ENV: &str = "GUILD_INSECURE_HTTP_HOSTS";

/// What an [`HttpFetcher`] may fetch, and how long it remembers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchPolicy {
    /// The longest a request may take, from connecting to the last byte of the body
    /// (DNS resolution aside: the standard resolver cannot be interrupted). Default 5 s.
    pub timeout: Duration,
    /// The largest response body accepted; a longer one is `Invalid`. Default 1 MiB, the
    /// largest credential accepted ([`MAX_CREDENTIAL_BYTES`]).
    pub max_bytes: usize,
    /// How long a successful response is reused without fetching again. Default 300 s:
    /// verifying a batch of credentials from one issuer then fetches its DID document once,
    /// while a rotated key or a revocation is still seen within minutes.
    pub ttl: Duration,
    /// The most responses cached; the oldest is evicted first. Default 512.
    pub max_entries: usize,
    /// The most bytes of responses cached in all; the oldest are evicted first. Default
    /// 32 MiB: without it, `max_entries` responses of `max_bytes` each (512 MiB by default)
    /// could be pinned in memory by anyone uploading credentials that point at big documents.
    pub max_cache_bytes: usize,
    /// Hosts fetched over plain `http:` and exempt from the public-address check, for local
    /// development and the test suite (a Guild server on `127.0.0.1:PORT` publishing its
    /// did:web document). Each is `host` (any port) or `host:port` (a URL with that explicit
    /// port); IPv6 hosts in brackets. An `https:` URL of such a host is fetched as `http:`
    /// on the same explicit port (port 80 if it names none; `url` drops an explicit `:443`,
    /// so list such a host without a port). Never list a host an attacker could point
    /// elsewhere.
    pub insecure_http_hosts: Vec<String>,
}

impl Default for FetchPolicy {
    fn default() -> Self {
        FetchPolicy {
            timeout: Duration::from_secs(5),
            max_bytes: MAX_CREDENTIAL_BYTES,
            ttl: Duration::from_secs(300),
            max_entries: 512,
            max_cache_bytes: 32 << 20,
            insecure_http_hosts: Vec::new(),
        }
    }
}

/// Fetches documents over HTTPS with real certificate checks (rustls, Mozilla's roots from
/// `webpki-roots`), refusing anything that could reach a non-public address, and caches
/// successful responses. Blocking; share one behind an `Arc` (it is `Send + Sync`) so the
/// cache and the connection pool are shared too. From async code call it on a blocking thread.
pub struct HttpFetcher {
    policy: FetchPolicy,
    /// `insecure_http_hosts`, parsed.
    insecure_hosts: Vec<(Host, Option<u16>)>,
    /// For `https:` URLs: its resolver refuses non-public addresses.
    guarded: ureq::Agent,
    /// For the hosts in `insecure_http_hosts` only: plain HTTP, no address check.
    insecure: ureq::Agent,
    cache: Mutex<Cache>,
}

// The server and the CLI share one fetcher across threads.
const _: fn() = || {
    fn shared<T: Send + Sync>() {}
    shared::<HttpFetcher>();
};

impl fmt::Debug for HttpFetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = self.lock_cache().entries.len();
        f.debug_struct("HttpFetcher")
            .field("policy", &self.policy)
            .field("cached", &cached)
            .finish_non_exhaustive()
    }
}

impl HttpFetcher {
    /// A fetcher with the given policy. Entries of `insecure_http_hosts` that are not
    /// `host[:port]` are ignored (with a warning), so a typo cannot widen what is allowed.
    pub fn new(policy: FetchPolicy) -> HttpFetcher {
        let insecure_hosts = policy
            .insecure_http_hosts
            .iter()
            .filter_map(|entry| {
                let parsed = parse_host_entry(entry);
                if parsed.is_none() {
                    tracing::warn!(entry = %entry, "ignoring an insecure HTTP host that is not host[:port]");
                }
                parsed
            })
            .collect();
        let agent = || {
            ureq::AgentBuilder::new()
                // Covers connecting, sending and reading the whole body (ureq re-arms the
                // socket's read timeout with what is left before each read).
                .timeout(policy.timeout)
                // A redirect could lead to an internal address, or to plain http: the
                // response is reported instead of followed.
                .redirects(0)
                // A proxy named in the environment would bypass the address check.
                .try_proxy_from_env(false)
                .user_agent(concat!("Guild/", env!("CARGO_PKG_VERSION")))
        };
        HttpFetcher {
            guarded: agent()
                .https_only(true)
                .resolver(PublicOnlyResolver)
                .build(),
            insecure: agent().build(),
            insecure_hosts,
            policy,
            cache: Mutex::new(Cache::default()),
        }
    }

    /// A fetcher with the default policy and `insecure_http_hosts` read from the
    /// `GUILD_INSECURE_HTTP_HOSTS` environment variable (comma-separated `host[:port]`,
    /// e.g. `127.0.0.1:8080,localhost`), so the server and the CLI allow the same hosts.
    pub fn from_env() -> HttpFetcher {
        let hosts = std::env::var(INSECURE_HTTP_HOSTS_ENV).unwrap_or_default();
        HttpFetcher::new(FetchPolicy {
            insecure_http_hosts: split_host_list(&hosts),
            ..FetchPolicy::default()
        })
    }

    /// POSTs a JSON `body` with extra `headers` to `url` under the same rules as fetching
    /// (https only unless the host is allowed plain http, public addresses only, no
    /// redirects, the timeout): for webhooks, whose URLs users give. Returns the HTTP status;
    /// `Err` when nothing was delivered (refused address, network, timeout).
    pub fn post_json(
        &self,
        url: &str,
        body: &[u8],
        headers: &[(&str, &str)],
    ) -> Result<u16, ResolveError> {
        let parsed = Url::parse(url)
            .map_err(|e| ResolveError::Unresolvable(format!("{url:?} is not a URL: {e}")))?;
        let (agent, target) = self.route(&parsed)?;
        let mut request = agent
            .request_url("POST", &target)
            .set("Content-Type", "application/json");
        for (k, v) in headers {
            request = request.set(k, v);
        }
        match request.send_bytes(body) {
            Ok(response) => Ok(response.status()),
            Err(ureq::Error::Status(status, _)) => Ok(status),
            Err(ureq::Error::Transport(t)) => {
                Err(ResolveError::Unresolvable(describe_transport(&parsed, &t)))
            }
        }
    }

    /// The policy this fetcher was built with.
    pub fn policy(&self) -> &FetchPolicy {
        &self.policy
    }

    /// Whether `url`'s host (and explicit port) is listed in `insecure_http_hosts`.
    fn is_insecure_host(&self, url: &Url) -> bool {
        let Some(host) = url.host().map(|h| h.to_owned()) else {
            return false;
        };
        self.insecure_hosts
            .iter()
            .any(|(h, port)| *h == host && port.is_none_or(|p| url.port() == Some(p)))
    }

    /// The agent to use and the URL to request for `url`, or why it is not fetched.
    fn route(&self, url: &Url) -> Result<(&ureq::Agent, Url), ResolveError> {
        let insecure = self.is_insecure_host(url);
        match url.scheme() {
            "https" if insecure => {
                let mut plain = url.clone();
                plain.set_scheme("http").map_err(|()| {
                    ResolveError::Unresolvable(format!("{url}: cannot be rewritten to http:"))
                })?;
                Ok((&self.insecure, plain))
            }
            "https" => Ok((&self.guarded, url.clone())),
            "http" if insecure => Ok((&self.insecure, url.clone())),
            "http" => Err(ResolveError::Unresolvable(format!(
                "{url}: only https: URLs are fetched (plain http: only for the hosts in \
                 {INSECURE_HTTP_HOSTS_ENV})"
            ))),
            scheme => Err(ResolveError::Unresolvable(format!(
                "{url}: {scheme}: URLs are not fetched, only https:"
            ))),
        }
    }

    fn lock_cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        // The cache holds no invariant a panicking thread could break half-way that matters
        // more than availability: a poisoned lock is still usable.
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn cached(&self, key: &str) -> Option<Vec<u8>> {
        let mut cache = self.lock_cache();
        let fresh = cache.entries.get(key)?.fetched.elapsed() < self.policy.ttl;
        if fresh {
            cache.entries.get(key).map(|e| e.body.clone())
        } else {
            cache.remove(key);
            None
        }
    }

    fn remember(&self, key: String, body: &[u8]) {
        let (max_entries, max_bytes) = (self.policy.max_entries, self.policy.max_cache_bytes);
        if max_entries == 0 || self.policy.ttl.is_zero() || body.len() > max_bytes {
            return;
        }
        let mut cache = self.lock_cache();
        cache.remove(&key);
        let ttl = self.policy.ttl;
        if cache.entries.len() >= max_entries || cache.bytes + body.len() > max_bytes {
            cache.retain_fresh(ttl);
        }
        while cache.entries.len() >= max_entries || cache.bytes + body.len() > max_bytes {
            // A linear scan: at most `max_entries` (hundreds), and only when full.
            let Some(oldest) = cache
                .entries
                .iter()
                .min_by_key(|(_, e)| e.fetched)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            cache.remove(&oldest);
        }
        cache.bytes += body.len();
        cache.entries.insert(
            key,
            Cached {
                fetched: Instant::now(),
                body: body.to_vec(),
            },
        );
    }

    /// Fetches `target` (the URL actually requested) for `url` (the one asked for).
    fn get(&self, agent: &ureq::Agent, url: &Url, target: &Url) -> Result<Vec<u8>, ResolveError> {
        let unresolvable = ResolveError::Unresolvable;
        let response = match agent
            .request_url("GET", target)
            .set("Accept", ACCEPT)
            .call()
        {
            Ok(response) => response,
            Err(ureq::Error::Status(status, _)) => {
                return Err(unresolvable(format!("HTTP {status} from {url}")));
            }
            Err(ureq::Error::Transport(transport)) => {
                return Err(unresolvable(describe_transport(url, &transport)));
            }
        };
        let status = response.status();
        if (300..400).contains(&status) {
            let to = response.header("Location").unwrap_or("nowhere given");
            return Err(unresolvable(format!(
                "HTTP {status} from {url} redirects to {to}: redirects are not followed (one \
                 could lead to an internal address); publish the document at the URL itself"
            )));
        }
        if !(200..300).contains(&status) {
            return Err(unresolvable(format!("HTTP {status} from {url}")));
        }
        let max = self.policy.max_bytes;
        let too_large = || {
            ResolveError::Invalid(format!(
                "{url}: the response is larger than the {max} bytes accepted"
            ))
        };
        // Refuse early when the server says how long it is, but rely on the capped read:
        // Content-Length may be absent (chunked, or until the connection closes) or wrong.
        if response
            .header("Content-Length")
            .and_then(|len| len.trim().parse::<u64>().ok())
            .is_some_and(|len| len > max as u64)
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        response
            .into_reader()
            .take(max as u64 + 1)
            .read_to_end(&mut body)
            .map_err(|e| unresolvable(format!("{url}: reading the response: {e}")))?;
        if body.len() > max {
            return Err(too_large());
        }
        Ok(body)
    }
}

impl Fetcher for HttpFetcher {
    fn fetch(&self, url: &str) -> Result<Vec<u8>, ResolveError> {
        let mut parsed = Url::parse(url)
            .map_err(|e| ResolveError::Unresolvable(format!("{url:?} is not a URL: {e}")))?;
        // The fragment names something inside the document and is never sent: `…/did.json`
        // and `…/did.json#key-1` are one fetch.
        parsed.set_fragment(None);
        if let Some(body) = self.cached(parsed.as_str()) {
            return Ok(body);
        }
        let (agent, target) = self.route(&parsed)?;
        let body = self.get(agent, &parsed, &target)?;
        // Only successes are cached: a failure may be a passing network problem, and an
        // attacker must not be able to fill the cache with errors.
        self.remember(parsed.as_str().to_owned(), &body);
        Ok(body)
    }
}

/// Splits a comma-separated list of `host[:port]` (the `GUILD_INSECURE_HTTP_HOSTS` format).
fn split_host_list(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Parses `host`, `host:port`, `[v6]`, `[v6]:port` (or a bare IPv6 address) into the host as
/// the `url` crate normalises it (lower case, canonical IP forms) and the port if any.
fn parse_host_entry(entry: &str) -> Option<(Host, Option<u16>)> {
    let entry = entry.trim();
    let (host, port) = match entry.rsplit_once(':') {
        // The last colon separates a port unless it belongs to an unbracketed IPv6 address.
        Some((host, port)) if host.ends_with(']') || !host.contains(':') => {
            (host, Some(port.parse::<u16>().ok()?))
        }
        _ => (entry, None),
    };
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    Some((Host::parse(&host).ok()?, port))
}

/// Describes a transport failure, saying plainly when the address check refused the host.
fn describe_transport(url: &Url, transport: &ureq::Transport) -> String {
    let refused = std::error::Error::source(transport)
        .and_then(|e| e.downcast_ref::<io::Error>())
        .and_then(|e| e.get_ref())
        .and_then(|e| e.downcast_ref::<Refused>());
    if let Some(Refused(why)) = refused {
        return format!("{url} is not fetched: {why}");
    }
    let mut msg = format!("{url} could not be fetched: {}", transport.kind());
    if let Some(m) = transport.message() {
        msg.push_str(": ");
        msg.push_str(m);
    }
    if let Some(source) = std::error::Error::source(transport) {
        msg.push_str(&format!(": {source}"));
    }
    msg
}

/// The address check's refusal, carried through ureq's resolver error.
#[derive(Debug)]
struct Refused(String);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// Resolves a host and refuses it if any of its addresses is not publicly routable.
///
/// Checking inside ureq's resolver rather than before the request is what makes the check
/// hold: ureq connects only to the addresses returned here, so a DNS answer that changes
/// between a separate check and ureq's own lookup (DNS rebinding: public for the check,
/// `127.0.0.1` for the connection) cannot slip through. Connections kept in ureq's pool are
/// keyed by scheme, host and port and were made to checked addresses. Refusing when *any*
/// address is not public (rather than skipping those) keeps a host that mixes public and
/// internal answers from being tried at all.
struct PublicOnlyResolver;

impl ureq::Resolver for PublicOnlyResolver {
    fn resolve(&self, netloc: &str) -> io::Result<Vec<SocketAddr>> {
        let addrs: Vec<SocketAddr> = netloc.to_socket_addrs()?.collect();
        for addr in &addrs {
            if let Some(why) = non_public_reason(addr.ip()) {
                let host = netloc.rsplit_once(':').map_or(netloc, |(host, _)| host);
                return Err(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    Refused(format!(
                        "{host} resolves to {ip}, {why}; only publicly routable addresses are \
                         fetched",
                        ip = addr.ip()
                    )),
                ));
            }
        }
        Ok(addrs)
    }
}

/// Whether `ip` is a publicly routable unicast address, the only kind fetched from: not
/// loopback, private, link-local, shared (CGNAT), unspecified, broadcast, documentation,
/// benchmarking, reserved, multicast, IPv6 unique-local or site-local, nor an IPv6 form
/// (IPv4-mapped, IPv4-compatible, NAT64, 6to4) embedding such an IPv4 address.
pub fn is_public_address(ip: IpAddr) -> bool {
    non_public_reason(ip).is_none()
}

/// Why `ip` is not publicly routable (a phrase like "a loopback address"), or `None` if it is.
fn non_public_reason(ip: IpAddr) -> Option<String> {
    match ip {
        IpAddr::V4(v4) => ipv4_reason(v4).map(str::to_owned),
        IpAddr::V6(v6) => ipv6_reason(v6),
    }
}

fn ipv4_reason(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        (0, _, _) => "an unspecified or \"this network\" address (0.0.0.0/8)",
        (127, _, _) => "a loopback address",
        (10, _, _) | (192, 168, _) => "a private address",
        (172, 16..=31, _) => "a private address",
        (100, 64..=127, _) => "a shared (carrier-grade NAT) address",
        (169, 254, _) => "a link-local address",
        (192, 0, 0) => "an IETF protocol assignment address (192.0.0.0/24)",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "a documentation address",
        (192, 88, 99) => "a deprecated 6to4 relay address",
        (198, 18..=19, _) => "a benchmarking address",
        (224..=239, _, _) => "a multicast address",
        _ if ip.is_broadcast() => "the broadcast address",
        (240..=255, _, _) => "a reserved address (240.0.0.0/4)",
        _ => return None,
    })
}

fn ipv6_reason(ip: Ipv6Addr) -> Option<String> {
    let s = ip.segments();
    let embedded = |hi: u16, lo: u16| {
        let [a, b] = hi.to_be_bytes();
        let [c, d] = lo.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    let plain = |why: &str| Some(why.to_owned());
    if ip.is_unspecified() {
        return plain("the unspecified address");
    }
    if ip.is_loopback() {
        return plain("a loopback address");
    }
    // ::ffff:a.b.c.d is the IPv4 address a.b.c.d to a dual-stack socket.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return ipv4_reason(v4).map(|why| format!("IPv4-mapped {why}"));
    }
    // 64:ff9b::/96 is translated by NAT64 to the IPv4 address in its last 32 bits; public
    // hosts legitimately resolve to it on IPv6-only networks with DNS64.
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return ipv4_reason(embedded(s[6], s[7])).map(|why| format!("NAT64 of {why}"));
    }
    if s[0] == 0x64 && s[1] == 0xff9b && s[2] == 1 {
        return plain("a local-use NAT64 address (64:ff9b:1::/48)");
    }
    if s[..6] == [0; 6] {
        return plain("a deprecated IPv4-compatible address (::/96)");
    }
    if s[..4] == [0x100, 0, 0, 0] {
        return plain("a discard-only address (100::/64)");
    }
    match s[0] {
        0xff00..=0xffff => plain("a multicast address"),
        0xfc00..=0xfdff => plain("a unique local address (fc00::/7)"),
        0xfe80..=0xfebf => plain("a link-local address"),
        0xfec0..=0xfeff => plain("a deprecated site-local address (fec0::/10)"),
        0x2001 if s[1] == 0x0db8 => plain("a documentation address"),
        0x3fff if s[1] < 0x1000 => plain("a documentation address"),
        // Teredo tunnels to an IPv4 address the prefix does not reveal plainly.
        0x2001 if s[1] == 0 => plain("a Teredo address (2001::/32)"),
        0x2001 if s[1] < 0x200 => plain("an IETF protocol assignment address (2001::/23)"),
        // 6to4 reaches the IPv4 address in bits 16..48.
        0x2002 => ipv4_reason(embedded(s[1], s[2])).map(|why| format!("6to4 of {why}")),
        // Everything else outside 2000::/3, the global unicast space, is unassigned or special.
        0x2000..=0x3fff => None,
        _ => plain("not a global unicast address (outside 2000::/3)"),
    }
}

/// Cached successful responses, by URL without its fragment.
#[derive(Default)]
struct Cache {
    entries: HashMap<String, Cached>,
    /// The sum of the bodies' lengths.
    bytes: usize,
}

struct Cached {
    fetched: Instant,
    body: Vec<u8>,
}

impl Cache {
    fn remove(&mut self, key: &str) {
        if let Some(e) = self.entries.remove(key) {
            self.bytes -= e.body.len();
        }
    }

    fn retain_fresh(&mut self, ttl: Duration) {
        self.entries.retain(|_, e| e.fetched.elapsed() < ttl);
        self.bytes = self.entries.values().map(|e| e.body.len()).sum();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::io::Write;
    use std::net::{TcpListener, TcpStream};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A tiny HTTP/1.1 server on 127.0.0.1 answering canned responses by path, one
    /// connection per request, counting connections.
    struct TestServer {
        addr: SocketAddr,
        connections: Arc<AtomicUsize>,
    }

    const JSON: &str = r#"{"id":"did:web:example"}"#;

    impl TestServer {
        fn start() -> TestServer {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let addr = listener.local_addr().unwrap();
            let connections = Arc::new(AtomicUsize::new(0));
            let counter = Arc::clone(&connections);
            std::thread::spawn(move || {
                for stream in listener.incoming().flatten() {
                    counter.fetch_add(1, Ordering::SeqCst);
                    std::thread::spawn(move || answer(stream));
                }
            });
            TestServer { addr, connections }
        }

        fn connections(&self) -> usize {
            self.connections.load(Ordering::SeqCst)
        }

        fn url(&self, path: &str) -> String {
            format!("https://{}{path}", self.addr)
        }

        fn fetcher(&self) -> HttpFetcher {
            HttpFetcher::new(FetchPolicy {
                timeout: Duration::from_millis(500),
                max_bytes: 1000,
                insecure_http_hosts: vec![self.addr.to_string()],
                ..FetchPolicy::default()
            })
        }
    }

    fn answer(mut stream: TcpStream) {
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let mut request = Vec::new();
        let mut chunk = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => request.extend_from_slice(&chunk[..n]),
            }
        }
        let request = String::from_utf8_lossy(&request).into_owned();
        let path = request.split_whitespace().nth(1).unwrap_or("/");
        let ok = |body: &str| {
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{body}",
                body.len()
            )
        };
        let response = match path {
            "/ok" | "/.well-known/did.json" => ok(JSON),
            "/accept" => {
                let accept = request
                    .lines()
                    .find_map(|l| l.strip_prefix("accept: ").or(l.strip_prefix("Accept: ")))
                    .unwrap_or("");
                ok(accept)
            }
            "/redirect" => "HTTP/1.1 302 Found\r\nLocation: http://10.0.0.1/secret\r\n\
                            Content-Length: 0\r\nConnection: close\r\n\r\n"
                .to_owned(),
            // Declares its length: refused before reading.
            "/big" => ok(&"x".repeat(1001)),
            // Runs until the connection closes: only the capped read catches it.
            "/big-unsized" => format!(
                "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{}",
                "x".repeat(5000)
            ),
            // Exactly the limit is accepted.
            "/limit" => ok(&"x".repeat(1000)),
            "/slow" => {
                std::thread::sleep(Duration::from_secs(3));
                ok(JSON)
            }
            _ => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                .to_owned(),
        };
        let _ = stream.write_all(response.as_bytes());
    }

    fn unresolvable(r: Result<Vec<u8>, ResolveError>) -> String {
        match r {
            Err(ResolveError::Unresolvable(msg)) => msg,
            other => panic!("expected Unresolvable, got {other:?}"),
        }
    }

    #[test]
    fn fetches_https_urls_of_listed_hosts_over_http_and_caches() {
        let server = TestServer::start();
        let fetcher = server.fetcher();
        let body = fetcher.fetch(&server.url("/ok")).unwrap();
        assert_eq!(body, JSON.as_bytes());
        assert_eq!(server.connections(), 1);
        // Again, and with a fragment: from the cache.
        assert_eq!(fetcher.fetch(&server.url("/ok")).unwrap(), JSON.as_bytes());
        assert_eq!(
            fetcher.fetch(&server.url("/ok#key-1")).unwrap(),
            JSON.as_bytes()
        );
        assert_eq!(server.connections(), 1);
        // A did:web URL for the server, as the credentials crate builds it.
        let did = format!("did:web:{}", server.addr.to_string().replace(':', "%3A"));
        let url = guild_credentials::resolve::did_web_url(&did).unwrap();
        assert_eq!(fetcher.fetch(&url).unwrap(), JSON.as_bytes());
        assert_eq!(server.connections(), 2);
    }

    #[test]
    fn sends_the_accept_header() {
        let server = TestServer::start();
        let body = server.fetcher().fetch(&server.url("/accept")).unwrap();
        assert_eq!(String::from_utf8(body).unwrap(), ACCEPT);
    }

    #[test]
    fn failures_are_not_cached_and_expire() {
        let server = TestServer::start();
        let fetcher = server.fetcher();
        let msg = unresolvable(fetcher.fetch(&server.url("/missing")));
        assert!(msg.contains("HTTP 404 from"), "{msg}");
        unresolvable(fetcher.fetch(&server.url("/missing")));
        assert_eq!(server.connections(), 2);

        let fetcher = HttpFetcher::new(FetchPolicy {
            ttl: Duration::from_millis(50),
            ..server.fetcher().policy().clone()
        });
        fetcher.fetch(&server.url("/ok")).unwrap();
        std::thread::sleep(Duration::from_millis(100));
        fetcher.fetch(&server.url("/ok")).unwrap();
        assert_eq!(server.connections(), 4);
    }

    #[test]
    fn redirects_are_not_followed() {
        let server = TestServer::start();
        let msg = unresolvable(server.fetcher().fetch(&server.url("/redirect")));
        assert!(msg.contains("HTTP 302"), "{msg}");
        assert!(msg.contains("http://10.0.0.1/secret"), "{msg}");
        assert!(msg.contains("redirects are not followed"), "{msg}");
        assert_eq!(server.connections(), 1);
    }

    #[test]
    fn bodies_are_capped() {
        let server = TestServer::start();
        let fetcher = server.fetcher();
        for path in ["/big", "/big-unsized"] {
            match fetcher.fetch(&server.url(path)) {
                Err(ResolveError::Invalid(msg)) => assert!(msg.contains("1000 bytes"), "{msg}"),
                other => panic!("{path}: expected Invalid, got {other:?}"),
            }
        }
        assert_eq!(fetcher.fetch(&server.url("/limit")).unwrap().len(), 1000);
    }

    #[test]
    fn slow_responses_time_out() {
        let server = TestServer::start();
        let fetcher = server.fetcher();
        let start = Instant::now();
        let msg = unresolvable(fetcher.fetch(&server.url("/slow")));
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(400), "{took:?}: {msg}");
        assert!(took < Duration::from_millis(2000), "{took:?}: {msg}");
    }

    #[test]
    fn non_public_addresses_are_refused_without_connecting() {
        let server = TestServer::start();
        let fetcher = HttpFetcher::new(FetchPolicy {
            timeout: Duration::from_millis(500),
            ..FetchPolicy::default()
        });
        let local = server.url("/ok");
        for (url, why) in [
            (local.as_str(), "loopback"),
            ("https://10.0.0.1/x", "private"),
            ("https://[::1]/x", "loopback"),
            ("https://[::ffff:192.168.1.1]/x", "IPv4-mapped a private"),
            ("https://169.254.169.254/latest/meta-data/", "link-local"),
            ("https://localhost/x", "loopback"),
        ] {
            let msg = unresolvable(fetcher.fetch(url));
            assert!(msg.contains(why), "{url}: {msg}");
            assert!(
                msg.contains("only publicly routable addresses"),
                "{url}: {msg}"
            );
        }
        // Not even a plain-http URL of a listed port on another host slips through.
        let msg = unresolvable(fetcher.fetch(&local.replace("https:", "http:")));
        assert!(msg.contains("only https:"), "{msg}");
        assert_eq!(server.connections(), 0);
    }

    #[test]
    fn only_https_is_fetched() {
        let fetcher = HttpFetcher::new(FetchPolicy::default());
        for url in [
            "http://example.com/x",
            "ftp://example.com/x",
            "file:///etc/passwd",
            "data:application/json,{}",
        ] {
            let msg = unresolvable(fetcher.fetch(url));
            assert!(msg.contains("only https:"), "{url}: {msg}");
        }
        let msg = unresolvable(fetcher.fetch("not a url"));
        assert!(msg.contains("not a URL"), "{msg}");
    }

    #[test]
    fn insecure_host_entries() {
        let v4 = |s: &str| Host::Ipv4(s.parse().unwrap());
        let v6 = |s: &str| Host::Ipv6(s.parse().unwrap());
        let name = |s: &str| Host::Domain(s.to_owned());
        for (entry, want) in [
            ("127.0.0.1:8080", Some((v4("127.0.0.1"), Some(8080)))),
            ("127.0.0.1", Some((v4("127.0.0.1"), None))),
            (" LocalHost ", Some((name("localhost"), None))),
            ("localhost:3000", Some((name("localhost"), Some(3000)))),
            ("[::1]:8443", Some((v6("::1"), Some(8443)))),
            ("[::1]", Some((v6("::1"), None))),
            ("::1", Some((v6("::1"), None))),
            ("host:port", None),
            ("host:99999", None),
            ("", None),
            ("a b", None),
        ] {
            assert_eq!(parse_host_entry(entry), want, "{entry:?}");
        }
        assert_eq!(
            split_host_list(" 127.0.0.1:8080, ,localhost,"),
            ["127.0.0.1:8080", "localhost"]
        );

        let fetcher = HttpFetcher::new(FetchPolicy {
            insecure_http_hosts: vec!["127.0.0.1:8080".into(), "dev.local".into(), "bad:x".into()],
            ..FetchPolicy::default()
        });
        let listed = |u: &str| fetcher.is_insecure_host(&Url::parse(u).unwrap());
        assert!(listed("https://127.0.0.1:8080/x"));
        assert!(!listed("https://127.0.0.1:8081/x"));
        assert!(!listed("https://127.0.0.1/x"));
        assert!(listed("https://DEV.local/x"));
        assert!(listed("https://dev.local:9000/x"));
        assert!(!listed("https://dev.local.evil.example/x"));
        let route = |u: &str| {
            fetcher
                .route(&Url::parse(u).unwrap())
                .map(|(_, target)| target.to_string())
        };
        assert_eq!(route("https://dev.local/a").unwrap(), "http://dev.local/a");
        assert_eq!(
            route("https://127.0.0.1:8080/a").unwrap(),
            "http://127.0.0.1:8080/a"
        );
        assert_eq!(
            route("https://example.com/a").unwrap(),
            "https://example.com/a"
        );
    }

    #[test]
    fn cache_is_bounded() {
        let fetcher = HttpFetcher::new(FetchPolicy {
            max_entries: 2,
            max_cache_bytes: 10,
            ..FetchPolicy::default()
        });
        fetcher.remember("a".into(), b"1");
        std::thread::sleep(Duration::from_millis(2));
        fetcher.remember("b".into(), b"2");
        std::thread::sleep(Duration::from_millis(2));
        fetcher.remember("c".into(), b"3");
        assert_eq!(fetcher.cached("a"), None, "the oldest is evicted");
        assert_eq!(fetcher.cached("b").as_deref(), Some(&b"2"[..]));
        assert_eq!(fetcher.cached("c").as_deref(), Some(&b"3"[..]));
        // Bytes: 1 + 1 + 9 would exceed 10; evicting the oldest makes room.
        fetcher.remember("d".into(), b"123456789");
        assert_eq!(fetcher.cached("b"), None);
        assert_eq!(fetcher.cached("c").as_deref(), Some(&b"3"[..]));
        assert_eq!(fetcher.cached("d").as_deref(), Some(&b"123456789"[..]));
        assert_eq!(fetcher.lock_cache().bytes, 10);
        // Larger than the whole cache: not kept, and nothing evicted for it.
        fetcher.remember("e".into(), &[0; 11]);
        assert_eq!(fetcher.cached("e"), None);
        assert!(fetcher.cached("c").is_some() && fetcher.cached("d").is_some());
        assert_eq!(fetcher.lock_cache().bytes, 10);
    }

    #[test]
    fn classifies_addresses() {
        let public = [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.215.14",
            "172.15.255.255",
            "172.32.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "192.0.1.1",
            "198.17.0.1",
            "223.255.255.255",
            "2606:4700:4700::1111",
            "2a00:1450:4001:80b::200e",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
            "2001:4860:4860::8888",
        ];
        for ip in public {
            let parsed: IpAddr = ip.parse().unwrap();
            assert!(
                is_public_address(parsed),
                "{ip}: {:?}",
                non_public_reason(parsed)
            );
        }
        let refused = [
            ("0.0.0.0", "unspecified"),
            ("0.1.2.3", "this network"),
            ("127.0.0.1", "loopback"),
            ("127.255.255.254", "loopback"),
            ("10.0.0.1", "private"),
            ("172.16.0.1", "private"),
            ("172.31.255.255", "private"),
            ("192.168.1.1", "private"),
            ("100.64.0.1", "carrier-grade NAT"),
            ("100.127.255.255", "carrier-grade NAT"),
            ("169.254.169.254", "link-local"),
            ("192.0.0.8", "IETF protocol"),
            ("192.0.2.1", "documentation"),
            ("198.51.100.7", "documentation"),
            ("203.0.113.9", "documentation"),
            ("198.18.0.1", "benchmarking"),
            ("224.0.0.1", "multicast"),
            ("239.255.255.250", "multicast"),
            ("240.0.0.1", "reserved"),
            ("255.255.255.255", "broadcast"),
            ("::", "unspecified"),
            ("::1", "loopback"),
            ("::ffff:127.0.0.1", "IPv4-mapped a loopback"),
            ("::ffff:10.1.2.3", "IPv4-mapped a private"),
            ("::ffff:169.254.169.254", "IPv4-mapped a link-local"),
            ("::127.0.0.1", "IPv4-compatible"),
            ("64:ff9b::a00:1", "NAT64 of a private"),
            ("64:ff9b:1::1", "local-use NAT64"),
            ("100::1", "discard-only"),
            ("fc00::1", "unique local"),
            ("fd12:3456:789a::1", "unique local"),
            ("fe80::1", "link-local"),
            ("febf::1", "link-local"),
            ("fec0::1", "site-local"),
            ("ff02::1", "multicast"),
            ("2001:db8::1", "documentation"),
            ("3fff::1", "documentation"),
            ("2001::1", "Teredo"),
            ("2001:2::1", "IETF protocol"),
            ("2002:7f00:1::1", "6to4 of a loopback"),
            ("2002:c0a8:101::1", "6to4 of a private"),
            ("4000::1", "outside 2000::/3"),
            ("::2:3:4:5:6", "outside 2000::/3"),
        ];
        for (ip, why) in refused {
            let parsed: IpAddr = ip.parse().unwrap();
            let reason = non_public_reason(parsed);
            assert!(
                reason.as_deref().is_some_and(|r| r.contains(why)),
                "{ip}: {reason:?}, expected {why:?}"
            );
        }
    }
}
