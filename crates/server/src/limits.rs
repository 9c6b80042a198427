//! Request rate limits, kept by `governor`'s keyed GCRA limiters:
//!
//! - requests without credentials, per client address;
//! - sign-up and sign-in (the routes that take a password), per client address and stricter,
//!   against password guessing;
//! - requests with credentials (an API token or a session cookie), per credential, so that one
//!   busy account does not slow the others behind the same address.
//!
//! A request with credentials the server does not know (answered 401) is also counted against
//! its address: inventing tokens does not buy a fresh allowance.
//!
//! The client address is the socket peer. `X-Forwarded-For` is read only when the peer is one of
//! the configured trusted proxies; otherwise anyone could name a new address with every request.
//! IPv6 clients are counted by their /64 network, the block one subscriber usually holds.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use sha2::{Digest, Sha256};

use crate::ApiError;
use crate::auth::{SESSION_COOKIE, cookie};

/// How fast one key may send requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rate {
    /// No limit.
    Unlimited,
    /// On average `count` requests per `period`, with bursts of up to `burst` at once.
    Limited {
        /// Requests allowed per period.
        count: NonZeroU32,
        /// The period.
        period: Duration,
        /// How many requests may arrive at once after a quiet spell.
        burst: NonZeroU32,
    },
}

impl Rate {
    fn quota(self) -> Option<Quota> {
        match self {
            Rate::Unlimited => None,
            Rate::Limited {
                count,
                period,
                burst,
            } => Quota::with_period(period / count.get()).map(|q| q.allow_burst(burst)),
        }
    }
}

const UNITS: [(&str, u64); 3] = [("s", 1), ("min", 60), ("h", 3600)];

/// `COUNT/UNIT[:BURST]` with UNIT one of `s`, `min`, `h` (`10/s:100`, `10/min`), or `off`.
/// Without a burst, the burst is the count.
impl FromStr for Rate {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("off") {
            return Ok(Rate::Unlimited);
        }
        let wrong = || {
            format!(
                "{s:?}: expected COUNT/UNIT[:BURST] (such as 10/s:100 or 10/min, units s, min, h) or off"
            )
        };
        let (rate, burst) = match s.split_once(':') {
            Some((rate, burst)) => (rate, Some(burst)),
            None => (s, None),
        };
        let (count, unit) = rate.split_once('/').ok_or_else(wrong)?;
        let count: NonZeroU32 = count.trim().parse().map_err(|_| wrong())?;
        let seconds = UNITS
            .iter()
            .find(|(name, _)| *name == unit.trim())
            .map(|(_, secs)| *secs)
            .ok_or_else(wrong)?;
        let burst = match burst {
            Some(b) => b.trim().parse().map_err(|_| wrong())?,
            None => count,
        };
        Ok(Rate::Limited {
            count,
            period: Duration::from_secs(seconds),
            burst,
        })
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rate::Unlimited => f.write_str("off"),
            Rate::Limited {
                count,
                period,
                burst,
            } => {
                let unit = UNITS
                    .iter()
                    .find(|(_, secs)| Duration::from_secs(*secs) == *period)
                    .map_or("s", |(name, _)| name);
                if burst == count {
                    write!(f, "{count}/{unit}")
                } else {
                    write!(f, "{count}/{unit}:{burst}")
                }
            }
        }
    }
}

/// The limits a server enforces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimits {
    /// Requests without credentials, per client address.
    pub anonymous: Rate,
    /// Sign-up and sign-in, per client address.
    pub sign_in: Rate,
    /// Requests with credentials, per API token or session.
    pub account: Rate,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
}

/// A person browsing, a script reading the public API, and a busy integration all fit well
/// under these; a scraper, a flood or a password guesser does not.
impl Default for RateLimits {
    fn default() -> Self {
        let rate = |count: u32, period: u64, burst: u32| Rate::Limited {
            count: NonZeroU32::new(count).unwrap_or(NonZeroU32::MIN),
            period: Duration::from_secs(period),
            burst: NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN),
        };
        Self {
            anonymous: rate(10, 1, 100),
            sign_in: rate(10, 60, 10),
            account: rate(50, 1, 200),
            trusted_proxies: Vec::new(),
        }
    }
}

type Limiter<K> = Option<(DefaultKeyedRateLimiter<K>, Rate)>;

/// The limiters' state: who has used how much of their allowance.
pub struct RateLimiters {
    anonymous: Limiter<IpAddr>,
    sign_in: Limiter<IpAddr>,
    account: Limiter<[u8; 32]>,
    trusted: Vec<IpAddr>,
    clock: DefaultClock,
}

impl RateLimiters {
    /// Empty limiters for `limits`.
    pub fn new(limits: &RateLimits) -> Self {
        fn keyed<K: std::hash::Hash + Eq + Clone>(rate: Rate) -> Limiter<K> {
            rate.quota()
                .map(|q| (DefaultKeyedRateLimiter::dashmap(q), rate))
        }
        Self {
            anonymous: keyed(limits.anonymous),
            sign_in: keyed(limits.sign_in),
            account: keyed(limits.account),
            trusted: limits
                .trusted_proxies
                .iter()
                .map(|ip| ip.to_canonical())
                .collect(),
            clock: DefaultClock::default(),
        }
    }

    /// Forgets keys whose allowance is full again, so that memory follows the active clients.
    pub fn sweep(&self) {
        if let Some((l, _)) = &self.anonymous {
            l.retain_recent();
            l.shrink_to_fit();
        }
        if let Some((l, _)) = &self.sign_in {
            l.retain_recent();
            l.shrink_to_fit();
        }
        if let Some((l, _)) = &self.account {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }

    /// The client's address: the peer, or — when the peer is a trusted proxy — the nearest
    /// untrusted address in `X-Forwarded-For` (each proxy appends the address it heard from,
    /// so entries left of an untrusted one may be forged).
    fn client(&self, request: &Request) -> IpAddr {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| {
                c.0.ip().to_canonical()
            });
        if !self.trusted.contains(&peer) {
            return peer;
        }
        let hops: Vec<&str> = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            // An entry that is not an address: nothing further left can be trusted either.
            let Ok(ip) = hop.parse::<IpAddr>().map(|ip| ip.to_canonical()) else {
                break;
            };
            client = ip;
            if !self.trusted.contains(&ip) {
                break;
            }
        }
        client
    }
}

/// The key an address is counted under: IPv4 as is, IPv6 by its /64 network.
fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & !((1u128 << 64) - 1))),
    }
}

/// The request's credentials (bearer token or session cookie), hashed: the limiter keeps no
/// secret in memory.
fn credential(request: &Request) -> Option<[u8; 32]> {
    let headers = request.headers();
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        return Some(Sha256::digest(auth.as_bytes()).into());
    }
    cookie(headers, SESSION_COOKIE).map(|s| Sha256::digest(s.as_bytes()).into())
}

/// The routes that check a password or create an account.
fn is_sign_in(request: &Request) -> bool {
    request.method() == Method::POST
        && matches!(
            request.uri().path(),
            "/api/v1/accounts" | "/api/v1/tokens" | "/api/v1/sessions" | "/signup" | "/signin"
        )
}

/// Takes one request from `key`'s allowance; when there is none left, the 429 answer saying
/// when to come back.
fn refusal<K: std::hash::Hash + Eq + Clone>(
    limiter: &Limiter<K>,
    key: &K,
    clock: &DefaultClock,
    whose: &str,
) -> Option<Response> {
    let (limiter, rate) = limiter.as_ref()?;
    let not_until = limiter.check_key(key).err()?;
    let wait = not_until.wait_time_from(clock.now());
    // Whole seconds, rounded up: a client that waits that long is let through.
    let secs = (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1);
    Some(
        ApiError::too_many_after(
            format!(
                "too many requests {whose}: the limit is {rate} (count/unit:burst); retry in {secs} s"
            ),
            secs,
        )
        .into_response(),
    )
}

/// The middleware: counts the request against its limit and answers 429 when it is over.
pub(crate) async fn limit(
    State(limiters): State<Arc<RateLimiters>>,
    request: Request,
    next: Next,
) -> Response {
    let client = address_key(limiters.client(&request));
    let clock = &limiters.clock;
    let credential = credential(&request);
    let refused = if is_sign_in(&request) {
        refusal(
            &limiters.sign_in,
            &client,
            clock,
            "to sign up or sign in from this address",
        )
    } else if let Some(key) = &credential {
        refusal(&limiters.account, key, clock, "with these credentials")
    } else {
        refusal(&limiters.anonymous, &client, clock, "from this address")
    };
    if let Some(refused) = refused {
        return refused;
    }
    // Sign-in throttling counts per account and address: hand on the address found here.
    let mut request = request;
    let address = crate::auth::ClientAddr(limiters.client(&request));
    request.extensions_mut().insert(address);
    let response = next.run(request).await;
    if credential.is_some()
        && response.status() == StatusCode::UNAUTHORIZED
        && let Some(refused) = refusal(
            &limiters.anonymous,
            &client,
            clock,
            "with unknown credentials from this address",
        )
    {
        return refused;
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_and_print_alike() {
        for text in ["10/s:100", "10/min", "3/h:1", "off"] {
            let rate: Rate = text.parse().unwrap();
            assert_eq!(rate.to_string(), text);
        }
        assert_eq!(
            "5/min:20".parse::<Rate>().unwrap(),
            Rate::Limited {
                count: NonZeroU32::new(5).unwrap(),
                period: Duration::from_secs(60),
                burst: NonZeroU32::new(20).unwrap(),
            }
        );
        for wrong in ["", "10", "0/s", "10/day", "10/s:0", "ten/s", "10/s:x"] {
            assert!(wrong.parse::<Rate>().is_err(), "{wrong:?} was accepted");
        }
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64_network() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key(c));
        let v4: IpAddr = "192.0.2.7".parse().unwrap();
        assert_eq!(address_key(v4), v4);
    }

    fn request_from(peer: &str, forwarded: Option<&str>) -> Request {
        let mut request = Request::new(axum::body::Body::empty());
        request
            .extensions_mut()
            .insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        if let Some(f) = forwarded {
            request.headers_mut().insert(
                "x-forwarded-for",
                axum::http::HeaderValue::from_str(f).unwrap(),
            );
        }
        request
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let limiters = RateLimiters::new(&RateLimits {
            trusted_proxies: vec!["10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap()],
            ..RateLimits::default()
        });
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        // An untrusted peer names whom it likes: ignored.
        let r = request_from("192.0.2.1:5000", Some("198.51.100.9"));
        assert_eq!(limiters.client(&r), ip("192.0.2.1"));
        // A trusted proxy: the address it heard from.
        let r = request_from("10.0.0.1:5000", Some("198.51.100.9"));
        assert_eq!(limiters.client(&r), ip("198.51.100.9"));
        // Two trusted proxies; the client forged an entry on the left: the nearest untrusted wins.
        let r = request_from("10.0.0.1:5000", Some("203.0.113.5, 198.51.100.9, 10.0.0.2"));
        assert_eq!(limiters.client(&r), ip("198.51.100.9"));
        // Garbage stops the walk at the last trusted hop.
        let r = request_from("10.0.0.1:5000", Some("198.51.100.9, nonsense"));
        assert_eq!(limiters.client(&r), ip("10.0.0.1"));
        // A trusted proxy without the header is itself the client.
        let r = request_from("[::ffff:10.0.0.1]:5000", None);
        assert_eq!(limiters.client(&r), ip("10.0.0.1"));
    }
}
