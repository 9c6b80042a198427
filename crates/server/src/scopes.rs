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
        "tasks, projects, matches, proposals, invitations, assignments, teams and micro-task batches",
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

/// The area a route of the API belongs to. `route` is the route's template as the router
/// matched it (`/api/v1/organisations/{slug}/tests`), never the request's own path: segments
/// that come from the caller (an organisation named `tests`, a skill id containing
/// `credentials`) stand as `{slug}` or `{*skill}` in the template and so cannot move a request
/// into another area.
pub fn area_of(route: &str) -> &'static str {
    let rest = route.strip_prefix("/api/v1/").unwrap_or("");
    let literal: Vec<&str> = rest.split('/').filter(|s| !s.starts_with('{')).collect();
    let first = literal.first().copied().unwrap_or("");
    let has = |s: &str| literal.iter().skip(1).any(|x| *x == s);
    match first {
        "workers" if has("credentials") => "credentials",
        "organisations" if has("tests") => "tests",
        "workers" | "learning-paths" | "learning-resources" | "trainers" => "profile",
        "tasks" | "projects" | "proposals" | "assignments" | "teams" | "batches" | "pay-floors" => {
            "work"
        }
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

/// Whether a token with `scopes` may make a `method` request to the route `route` (the
/// matched template, or `None` when no route matched: then only the `account` area covers it);
/// if not, why. `path` is the request's path, for the message only.
pub fn check(scopes: &str, method: &str, route: Option<&str>, path: &str) -> Result<(), String> {
    // Who the token belongs to is always readable: clients check their token with it.
    if method == "GET" && route == Some("/api/v1/me") {
        return Ok(());
    }
    let area = route.map_or("account", area_of);
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
            ("/api/v1/workers/{id}", "profile"),
            ("/api/v1/workers/{id}/transitions", "profile"),
            ("/api/v1/workers/{id}/teaching/{*skill}", "profile"),
            ("/api/v1/workers/{id}/credentials/import", "credentials"),
            ("/api/v1/organisations/{slug}/tests", "tests"),
            ("/api/v1/organisations/{slug}/keys", "credentials"),
            ("/api/v1/organisations/{slug}/members", "credentials"),
            ("/api/v1/projects/{id}/publish", "work"),
            ("/api/v1/tasks/{id}/proposals", "work"),
            (
                "/api/v1/contracts/{id}/milestones/{n}/timesheet",
                "contracts",
            ),
            ("/api/v1/accounts/{id}/client-reputation", "contracts"),
            ("/api/v1/wallet/payouts", "money"),
            ("/api/v1/webhooks/{id}", "webhooks"),
            ("/api/v1/tokens", "account"),
            ("/api/v1/admin/appeals", "account"),
            ("/api/v1/something-new", "account"),
        ] {
            assert_eq!(area_of(path), area, "{path}");
        }
    }

    #[test]
    fn read_scopes_allow_only_reading() {
        let c = |scopes, method, route: &str| check(scopes, method, Some(route), route);
        assert!(c("money:read", "GET", "/api/v1/wallet").is_ok());
        let no = c("money:read", "POST", "/api/v1/wallet/payouts").unwrap_err();
        assert!(no.contains("needs scope \"money\""), "{no}");
        assert!(c("money", "POST", "/api/v1/wallet/payouts").is_ok());
        assert!(c("work profile", "GET", "/api/v1/wallet").is_err());
        assert!(c("work", "DELETE", "/api/v1/tokens/{id}").is_err());
        assert!(c("work", "GET", "/api/v1/me").is_ok());
        assert!(c("work", "DELETE", "/api/v1/me").is_err());
        // No route matched: only an account-wide token passes (and then meets the 404).
        assert!(check("tests", "POST", None, "/api/v1/x").is_err());
        assert!(check("account", "POST", None, "/api/v1/x").is_ok());
    }

    #[test]
    fn names_chosen_by_callers_do_not_move_a_route_between_areas() {
        // The probe's bypass: an organisation whose slug is `tests` made its keys, members
        // and credentials look like the `tests` area to a token scoped to tests.
        for route in [
            "/api/v1/organisations/{slug}/keys",
            "/api/v1/organisations/{slug}/members",
            "/api/v1/organisations/{slug}/credentials",
        ] {
            let path = route.replace("{slug}", "tests");
            assert!(
                check("tests", "POST", Some(route), &path).is_err(),
                "{route}"
            );
            assert_eq!(area_of(route), "credentials");
        }
        assert_eq!(area_of("/api/v1/workers/{id}/teaching/{*skill}"), "profile");
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
