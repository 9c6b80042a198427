//! API token scopes: a token can be limited to some areas of the API, each whole (`money`) or
//! read-only (`money:read`, which allows only GET). A token without scopes reaches all its
//! account may do; browser sessions are never scoped. Every path belongs to exactly one area;
//! paths not named here belong to `account`, so a new endpoint is closed to scoped tokens until
//! it is placed.

/// The areas a token may be scoped to, with what they cover.
pub const AREAS: [(&str, &str); 8] = [
    (
        "profile",
        "worker profiles, skills, teaching offers, transitions, learning paths and resources",
    ),
    (
        "work",
        "tasks, projects, matches, proposals, invitations, assignments and teams",
    ),
    (
        "contracts",
        "contracts, milestones, timesheets, messages, attachments, reviews, notifications",
    ),
    ("money", "the wallet: balances, deposits, payouts"),
    (
        "credentials",
        "issuing organisations, credentials held, issued, imported and verified",
    ),
    ("tests", "skill tests and attempts"),
    ("webhooks", "webhooks and their deliveries"),
    (
        "account",
        "the account itself, its tokens and export, and platform administration",
    ),
];

/// The area a path of the API belongs to.
pub fn area_of(path: &str) -> &'static str {
    let rest = path.strip_prefix("/api/v1/").unwrap_or("");
    let mut segments = rest.split('/');
    let first = segments.next().unwrap_or("");
    let has = |s: &str| rest.split('/').any(|x| x == s);
    match first {
        "workers" if has("credentials") => "credentials",
        "organisations" if has("tests") => "tests",
        "workers" | "learning-paths" | "learning-resources" | "trainers" => "profile",
        "tasks" | "projects" | "proposals" | "assignments" | "teams" => "work",
        "contracts" | "notifications" | "reviews" => "contracts",
        "accounts" if has("client-reputation") => "contracts",
        "wallet" => "money",
        "credentials" | "organisations" => "credentials",
        "tests" | "attempts" => "tests",
        "webhooks" => "webhooks",
        _ => "account",
    }
}

/// Reads the scopes asked for a new token into their stored form (sorted, space-separated),
/// or says which is unknown.
pub fn normalise(asked: &[String]) -> Result<String, String> {
    if asked.is_empty() {
        return Err("give at least one scope, or leave scopes out for an unlimited token".into());
    }
    let mut out: Vec<&str> = Vec::with_capacity(asked.len());
    for s in asked {
        let area = s.strip_suffix(":read").unwrap_or(s);
        if !AREAS.iter().any(|(a, _)| *a == area) {
            return Err(format!(
                "unknown scope {s:?}: scopes are {} (each also as AREA:read, for GET only)",
                AREAS.map(|(a, _)| a).join(", ")
            ));
        }
        out.push(s);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out.join(" "))
}

/// Whether a token with `scopes` may make a `method` request to `path`; if not, why.
pub fn check(scopes: &str, method: &str, path: &str) -> Result<(), String> {
    // Who the token belongs to is always readable: clients check their token with it.
    if method == "GET" && path == "/api/v1/me" {
        return Ok(());
    }
    let area = area_of(path);
    let reading = matches!(method, "GET" | "HEAD");
    let granted = scopes
        .split_whitespace()
        .any(|s| match s.strip_suffix(":read") {
            Some(a) => reading && a == area,
            None => s == area,
        });
    if granted {
        Ok(())
    } else {
        Err(format!(
            "this token's scopes ({scopes}) do not allow {method} on {path}: that needs scope \"{area}\"{}",
            if reading {
                format!(" or \"{area}:read\"")
            } else {
                String::new()
            }
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_fall_into_their_areas() {
        for (path, area) in [
            ("/api/v1/workers/3", "profile"),
            ("/api/v1/workers/3/transitions", "profile"),
            ("/api/v1/workers/3/credentials/import", "credentials"),
            ("/api/v1/organisations/acme/tests", "tests"),
            ("/api/v1/organisations/acme/keys", "credentials"),
            ("/api/v1/projects/1/publish", "work"),
            ("/api/v1/tasks/1/proposals", "work"),
            ("/api/v1/contracts/1/milestones/1/timesheet", "contracts"),
            ("/api/v1/accounts/4/client-reputation", "contracts"),
            ("/api/v1/wallet/payouts", "money"),
            ("/api/v1/webhooks/2", "webhooks"),
            ("/api/v1/tokens", "account"),
            ("/api/v1/admin/appeals", "account"),
            ("/api/v1/something-new", "account"),
        ] {
            assert_eq!(area_of(path), area, "{path}");
        }
    }

    #[test]
    fn read_scopes_allow_only_reading() {
        assert!(check("money:read", "GET", "/api/v1/wallet").is_ok());
        let no = check("money:read", "POST", "/api/v1/wallet/payouts").unwrap_err();
        assert!(no.contains("needs scope \"money\""), "{no}");
        assert!(check("money", "POST", "/api/v1/wallet/payouts").is_ok());
        assert!(check("work profile", "GET", "/api/v1/wallet").is_err());
        assert!(check("work", "DELETE", "/api/v1/tokens/3").is_err());
        assert!(check("work", "GET", "/api/v1/me").is_ok());
        assert!(check("work", "DELETE", "/api/v1/me").is_err());
    }

    #[test]
    fn asked_scopes_are_checked_and_normalised() {
        let s = |v: &[&str]| normalise(&v.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(
            s(&["work", "money:read", "work"]).unwrap(),
            "money:read work"
        );
        assert!(s(&["everything"]).unwrap_err().contains("unknown scope"));
        assert!(s(&["money:write"]).is_err());
        assert!(s(&[]).is_err());
    }
}
