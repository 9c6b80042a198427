//! Who issues Guild's credentials and where they are published: the platform itself or an
//! organisation, named by a `did:web` DID under Guild's public URL when it has one, and by each
//! key's own `did:key` when it has none. Names, paths and checks only: the keys and the
//! organisations are kept by the store.

use guild_ids::OrganisationId;
use serde::Serialize;

use crate::{CredentialError, resolve};

/// The issuer name of the platform's keys.
pub const PLATFORM: &str = "platform";

/// A member's role in an organisation: `admin` (members, keys, issuing), `assessor` (issuing,
/// marking tests), `reviewer` (deciding workers' contests of rankings for the organisation's
/// tasks; admins may too).
pub const ROLES: [&str; 3] = ["admin", "assessor", "reviewer"];

/// Where this Guild is published: the base of its DID documents and status lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    /// The public base URL, without a trailing slash (`https://guild.example`).
    pub base_url: String,
    /// Whether issuers are `did:web` DIDs under the base URL (a public URL was configured);
    /// otherwise each key is its own `did:key`, verifiable without any server.
    pub did_web: bool,
}

impl Publication {
    /// Checks the base URL (http or https, a host, no query or fragment).
    pub fn new(base_url: &str, did_web: bool) -> Result<Self, CredentialError> {
        let base = base_url.trim().trim_end_matches('/');
        let ok = (base.starts_with("https://") || base.starts_with("http://"))
            && !base.contains(['?', '#', ' '])
            && base.split("://").nth(1).is_some_and(|h| !h.is_empty());
        if !ok {
            return Err(CredentialError::Invalid(format!(
                "public URL {base_url:?} must be an http(s) URL without query or fragment"
            )));
        }
        if did_web {
            resolve::did_web(base, &[])?;
        }
        Ok(Self {
            base_url: base.to_owned(),
            did_web,
        })
    }

    /// Whose URL `url` is, if it is under this publication: the platform's at the base URL,
    /// an organisation's at `base/orgs/SLUG`; with the rest of its path (`/credentials/…`).
    /// Whether that organisation exists is for the caller to look up.
    pub fn issuer_at<'a>(&self, url: &'a str) -> Option<(IssuerRef<'a>, String)> {
        let rest = url.strip_prefix(&self.base_url)?;
        Some(match rest.strip_prefix("/orgs/") {
            Some(org) => {
                let (slug, tail) = org.split_once('/').unwrap_or((org, ""));
                (IssuerRef::Organisation(slug), format!("/{tail}"))
            }
            None => (IssuerRef::Platform, rest.to_owned()),
        })
    }

    /// Whose `did:web` DID `did` is, if it is one of this publication's (none when issuers
    /// are `did:key` DIDs). Whether that organisation exists is for the caller to look up.
    pub fn own_did<'a>(&self, did: &'a str) -> Option<IssuerRef<'a>> {
        if !self.did_web {
            return None;
        }
        let platform = Issuer::Platform.did_web(self).ok()?;
        if did == platform {
            return Some(IssuerRef::Platform);
        }
        let slug = did.strip_prefix(&platform)?.strip_prefix(":orgs:")?;
        Some(IssuerRef::Organisation(slug))
    }
}

/// An issuer named by a URL or a DID under the publication, before its organisation is
/// looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssuerRef<'a> {
    /// Guild itself.
    Platform,
    /// The organisation with this slug, if there is one.
    Organisation(&'a str),
}

/// An organisation that issues credentials in its own name.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organisation {
    /// Its number.
    pub id: OrganisationId,
    /// Its name in URLs and in its DID.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// Its web site, if any.
    pub url: Option<String>,
    /// When it was made.
    pub created_at: String,
}

/// Who signs: the platform or an organisation.
#[derive(Debug, Clone, PartialEq)]
pub enum Issuer {
    /// Guild itself.
    Platform,
    /// An organisation.
    Organisation(Organisation),
}

impl Issuer {
    /// Its name among issuer keys and issued credentials: `platform` or `org:ID`.
    pub fn key_name(&self) -> String {
        match self {
            Issuer::Platform => PLATFORM.to_owned(),
            Issuer::Organisation(o) => format!("org:{}", o.id),
        }
    }

    /// The organisation number in an issuer's key name (`org:7` → 7; `platform` → none): the
    /// reverse of [`Issuer::key_name`].
    pub fn organisation_in(key_name: &str) -> Option<OrganisationId> {
        key_name.strip_prefix("org:").and_then(|id| id.parse().ok())
    }

    /// Its display name.
    pub fn name(&self) -> &str {
        match self {
            Issuer::Platform => "Guild",
            Issuer::Organisation(o) => &o.name,
        }
    }

    /// Its base URL under the publication.
    pub fn base(&self, publication: &Publication) -> String {
        match self {
            Issuer::Platform => publication.base_url.clone(),
            Issuer::Organisation(o) => format!("{}/orgs/{}", publication.base_url, o.slug),
        }
    }

    /// Its `did:web` DID under the publication.
    pub fn did_web(&self, publication: &Publication) -> Result<String, CredentialError> {
        let segments: Vec<&str> = match self {
            Issuer::Platform => Vec::new(),
            Issuer::Organisation(o) => vec!["orgs", &o.slug],
        };
        resolve::did_web(&publication.base_url, &segments)
    }

    /// Where its status lists are published (`…/credentials/status`).
    pub fn status_base(&self, publication: &Publication) -> String {
        format!("{}/credentials/status", self.base(publication))
    }
}

/// Checks an organisation's slug: 2–40 lowercase letters, digits and dashes, starting with a
/// letter (it becomes a path segment of a URL and of a DID).
pub fn check_slug(slug: &str) -> Result<(), CredentialError> {
    let ok = (2..=40).contains(&slug.len())
        && slug.starts_with(|c: char| c.is_ascii_lowercase())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(CredentialError::Invalid(format!(
            "organisation slug {slug:?}: 2 to 40 lowercase letters, digits and dashes, starting with a letter"
        )))
    }
}

/// Checks a new organisation (its slug, a name of 1 to 200 characters, an http(s) web site)
/// and returns its name trimmed, as it is kept.
pub fn check_organisation<'a>(
    slug: &str,
    name: &'a str,
    url: Option<&str>,
) -> Result<&'a str, CredentialError> {
    check_slug(slug)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(CredentialError::Invalid(
            "an organisation's name is 1 to 200 characters".to_owned(),
        ));
    }
    if let Some(u) = url
        && !(u.starts_with("https://") || u.starts_with("http://"))
    {
        return Err(CredentialError::Invalid(format!(
            "organisation url {u:?} must be an http(s) URL"
        )));
    }
    Ok(name)
}

/// Checks a member's role: one of [`ROLES`].
pub fn check_role(role: &str) -> Result<(), CredentialError> {
    if ROLES.contains(&role) {
        Ok(())
    } else {
        Err(CredentialError::Invalid(format!(
            "role {role:?}: expected one of {}",
            ROLES.join(", ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(id: i64, slug: &str) -> Issuer {
        Issuer::Organisation(Organisation {
            id: OrganisationId(id),
            slug: slug.to_owned(),
            name: "Ferro Academy".to_owned(),
            url: None,
            created_at: "2026-01-01T00:00:00Z".to_owned(),
        })
    }

    #[test]
    fn a_publication_is_an_http_url_without_query_and_loses_its_trailing_slash() {
        let p = Publication::new(" https://guild.example/ ", true).unwrap();
        assert_eq!(p.base_url, "https://guild.example");
        for bad in [
            "ftp://guild.example",
            "https://",
            "https://g.example/?a",
            "guild.example",
        ] {
            assert!(Publication::new(bad, false).is_err(), "{bad}");
        }
        // A did:web origin has a host name: an IPv6 literal cannot be one.
        assert!(Publication::new("http://[::1]:8080", false).is_ok());
        assert!(Publication::new("http://[::1]:8080", true).is_err());
    }

    #[test]
    fn issuers_are_named_by_key_did_and_url_under_the_publication() {
        let p = Publication::new("https://guild.example", true).unwrap();
        let ferro = org(7, "ferro");
        assert_eq!(Issuer::Platform.key_name(), "platform");
        assert_eq!(ferro.key_name(), "org:7");
        assert_eq!(Issuer::organisation_in("org:7"), Some(OrganisationId(7)));
        assert_eq!(Issuer::organisation_in(PLATFORM), None);
        assert_eq!(Issuer::Platform.name(), "Guild");
        assert_eq!(ferro.base(&p), "https://guild.example/orgs/ferro");
        assert_eq!(
            ferro.status_base(&p),
            "https://guild.example/orgs/ferro/credentials/status"
        );
        assert_eq!(
            Issuer::Platform.did_web(&p).unwrap(),
            "did:web:guild.example"
        );
        assert_eq!(
            ferro.did_web(&p).unwrap(),
            "did:web:guild.example:orgs:ferro"
        );
    }

    #[test]
    fn own_urls_and_dids_name_their_issuer() {
        let p = Publication::new("https://guild.example", true).unwrap();
        assert_eq!(
            p.issuer_at("https://guild.example/credentials/status/3"),
            Some((IssuerRef::Platform, "/credentials/status/3".to_owned()))
        );
        assert_eq!(
            p.issuer_at("https://guild.example/orgs/ferro/credentials/status/0"),
            Some((
                IssuerRef::Organisation("ferro"),
                "/credentials/status/0".to_owned()
            ))
        );
        assert_eq!(
            p.issuer_at("https://guild.example/orgs/ferro"),
            Some((IssuerRef::Organisation("ferro"), "/".to_owned()))
        );
        assert_eq!(p.issuer_at("https://elsewhere.example/credentials"), None);
        assert_eq!(
            p.own_did("did:web:guild.example"),
            Some(IssuerRef::Platform)
        );
        assert_eq!(
            p.own_did("did:web:guild.example:orgs:ferro"),
            Some(IssuerRef::Organisation("ferro"))
        );
        assert_eq!(p.own_did("did:web:elsewhere.example"), None);
        // Without a public URL, issuers are did:key DIDs: no did:web is this Guild's.
        let local = Publication::new("https://guild.example", false).unwrap();
        assert_eq!(local.own_did("did:web:guild.example"), None);
    }

    #[test]
    fn slugs_names_urls_and_roles_are_checked() {
        for good in ["ab", "ferro-academy", "a1"] {
            assert!(check_slug(good).is_ok(), "{good}");
        }
        for bad in ["a", "1ab", "Ferro", "ferro-", "fer_ro", &"a".repeat(41)] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
        assert_eq!(
            check_organisation("ferro", "  Ferro  ", Some("https://ferro.example")).unwrap(),
            "Ferro"
        );
        assert!(check_organisation("ferro", " ", None).is_err());
        assert!(check_organisation("ferro", &"x".repeat(201), None).is_err());
        assert!(check_organisation("ferro", "Ferro", Some("ferro.example")).is_err());
        assert!(check_role("assessor").is_ok());
        assert_eq!(
            check_role("owner").unwrap_err().to_string(),
            "role \"owner\": expected one of admin, assessor, reviewer"
        );
    }
}
