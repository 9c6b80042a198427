//! Reputation as Open Badges 3.0 credentials a worker can carry elsewhere:
//!
//! - [`reputation_credential`]: a short-lived summary of the ratings and contract completion of a
//!   worker over a period (`OpenBadgeCredential`), with the numbers both as Open Badges `result`s
//!   (strings, for wallets to show) and as a machine-readable `credentialSubject.reputation`
//!   object (JSON integers, for software to read);
//! - [`endorsement_credential`]: one review given after a finished contract
//!   (`EndorsementCredential`), which the platform attests.
//!
//! Every number in these credentials is an integer (the mean rating is in hundredths of a star,
//! the completion rate in whole percent): a float has no single canonical JSON form, and a
//! verifier must be able to compare what it reads with what was signed, exactly.
//!
//! The terms Open Badges 3.0 does not define (`reputation`, `ratingsCount`, `rating`, …) are
//! defined by an embedded context (the third `@context` entry) as IRIs in the VC 2.0
//! issuer-dependent namespace ([`ISSUER_DEPENDENT`]). The VC 2.0 Recommendation's context maps any
//! undefined term there through `@vocab`, but the bundled, pinned v2 context predates that
//! `@vocab`, and the canonicaliser refuses undefined terms rather than dropping them: without the
//! embedded context, `eddsa-rdfc-2022` could not sign these credentials at all. With it, every
//! processor (with or without the `@vocab`) gets the same RDF, so the numbers are signed.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::CredentialError;
use crate::badge::{CertifiedSkill, OB_V3, VC_V2};

/// The namespace of the terms Guild adds to Open Badges here: the VC 2.0 "issuer-dependent"
/// vocabulary, the IRIs the VC 2.0 context's `@vocab` gives undefined terms.
pub const ISSUER_DEPENDENT: &str = "https://www.w3.org/ns/credentials/issuer-dependent#";

const XSD_DATE_TIME: &str = "http://www.w3.org/2001/XMLSchema#dateTime";

/// Longest validity of a reputation summary, in days: a summary goes stale, so it must expire
/// and be reissued (30 to 90 days is the intended use).
pub const MAX_SUMMARY_VALIDITY_DAYS: i64 = 366;
/// Longest review text, in characters.
pub const MAX_COMMENT_CHARS: usize = 5000;
/// Longest reviewer name, in characters.
pub const MAX_REVIEWER_NAME_CHARS: usize = 200;
/// Longest contract reference, in characters.
pub const MAX_CONTRACT_REF_CHARS: usize = 500;
/// Most skills listed in one credential (keeps the credential, and its canonicalisation, small).
pub const MAX_SKILLS: usize = 100;

/// The star names used in `ratingDistribution`, 1 to 5 stars.
pub const STARS: [&str; 5] = [
    "oneStar",
    "twoStars",
    "threeStars",
    "fourStars",
    "fiveStars",
];

/// A worker's reputation over a period, to issue as a summary credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReputationSummary {
    /// The credential's id (`urn:uuid:…`).
    pub id: String,
    /// The issuer's DID (`did:web:…` or `did:key:…`).
    pub issuer: String,
    /// The issuer's name (the platform, e.g. "Guild").
    pub issuer_name: String,
    /// The issuer's web address, if any.
    pub issuer_url: Option<String>,
    /// The holder: a DID, or Guild's URN for the worker.
    pub subject: String,
    /// The holder's name, if it is to be shown.
    pub subject_name: Option<String>,
    /// How many ratings the worker received in the period.
    pub ratings_count: u32,
    /// The sum of those ratings (each 1 to 5 stars).
    pub rating_sum: u64,
    /// How many ratings gave 1, 2, 3, 4 and 5 stars. Must add up to `ratings_count`, and the
    /// stars they count to `rating_sum`.
    pub distribution: [u32; 5],
    /// Contracts the worker finished in the period.
    pub contracts_finished: u32,
    /// Contracts of the worker that ended in the period: finished, cancelled, or lost in a
    /// dispute. The completion rate is `contracts_finished / contracts_ended`.
    pub contracts_ended: u32,
    /// Start of the period the numbers cover (RFC 3339).
    pub period_start: String,
    /// End of the period (RFC 3339).
    pub period_end: String,
    /// The skills involved in the contracts, aligned to their ESCO / O*NET URIs.
    pub skills: Vec<CertifiedSkill>,
    /// Where the method behind the numbers is published (the achievement's criteria).
    pub methodology_url: String,
    /// From when the summary holds (RFC 3339).
    pub valid_from: String,
    /// Until when it holds (RFC 3339): required, at most [`MAX_SUMMARY_VALIDITY_DAYS`] after
    /// `valid_from`, since a reputation changes.
    pub valid_until: String,
    /// Where achievements are described (the issuer's base URL), for the achievement's id.
    pub achievement_base: String,
}

/// One review of a worker, given after a finished contract, to issue as an endorsement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Endorsement {
    /// The credential's id (`urn:uuid:…`).
    pub id: String,
    /// The issuer's DID: the platform, which attests that the review came from a finished
    /// contract (the reviewer does not sign).
    pub issuer: String,
    /// The issuer's name.
    pub issuer_name: String,
    /// The issuer's web address, if any.
    pub issuer_url: Option<String>,
    /// The reviewer's display name, if it is to be shown. It goes into its own property,
    /// `credentialSubject.reviewerName`, so that the review text stays as written.
    pub reviewer_name: Option<String>,
    /// The worker reviewed: a DID, or Guild's URN for the worker.
    pub subject: String,
    /// The overall rating, 1 to 5 stars.
    pub rating: u8,
    /// Ratings of particular skills, each 1 to 5 stars (each skill at most once).
    pub skill_ratings: Vec<(CertifiedSkill, u8)>,
    /// The contract the review is about (an id or URL), if it may be shown.
    pub contract: Option<String>,
    /// The review text (at most [`MAX_COMMENT_CHARS`] characters, not blank). Stored trimmed.
    pub comment: String,
    /// When the review was given (RFC 3339).
    pub review_date: String,
    /// From when the credential holds (RFC 3339).
    pub valid_from: String,
    /// Until when, if it expires.
    pub valid_until: Option<String>,
}

fn invalid(message: String) -> CredentialError {
    CredentialError::Invalid(message)
}

/// An absolute URI: a scheme (a letter, then letters, digits, `+`, `-` or `.`), `:`, and more.
/// A relative reference would have no IRI once expanded, and JSON-LD would drop the statements
/// that use it: signed, but invisible.
fn require_uri(what: &str, v: &str) -> Result<(), CredentialError> {
    let ok = v.split_once(':').is_some_and(|(scheme, rest)| {
        let mut chars = scheme.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && !rest.is_empty()
            && !rest.chars().any(char::is_whitespace)
    });
    if ok {
        Ok(())
    } else {
        Err(invalid(format!(
            "{what} must be an absolute URI, not {v:?}"
        )))
    }
}

fn require_web_url(what: &str, v: &str) -> Result<(), CredentialError> {
    let ok = ["https://", "http://"]
        .iter()
        .any(|p| v.strip_prefix(p).is_some_and(|rest| !rest.is_empty()))
        && !v.chars().any(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(invalid(format!("{what} must be an http(s) URL, not {v:?}")))
    }
}

fn require_did(what: &str, v: &str) -> Result<(), CredentialError> {
    require_uri(what, v)?;
    if v.starts_with("did:") {
        Ok(())
    } else {
        Err(invalid(format!("{what} must be a DID, not {v:?}")))
    }
}

fn require_name(what: &str, v: &str) -> Result<(), CredentialError> {
    if v.trim().is_empty() {
        Err(invalid(format!("{what} must not be empty")))
    } else {
        Ok(())
    }
}

fn parse_time(what: &str, v: &str) -> Result<jiff::Timestamp, CredentialError> {
    v.parse::<jiff::Timestamp>()
        .map_err(|_| invalid(format!("{what} {v:?} is not an RFC 3339 date-time")))
}

fn check_skills<'a>(
    what: &str,
    skills: impl ExactSizeIterator<Item = &'a CertifiedSkill>,
) -> Result<(), CredentialError> {
    if skills.len() > MAX_SKILLS {
        return Err(invalid(format!(
            "{what}: {} skills; at most {MAX_SKILLS} are accepted",
            skills.len()
        )));
    }
    let mut seen = std::collections::BTreeSet::new();
    for skill in skills {
        require_name("a skill's id", &skill.id)?;
        require_name("a skill's label", &skill.label)?;
        if let Some(uri) = &skill.uri {
            require_uri("a skill's uri", uri)?;
        }
        // The same skill twice would be two identical alignments (or two ratings that disagree).
        if !seen.insert(skill.id.as_str()) {
            return Err(invalid(format!(
                "{what}: skill {:?} is listed twice",
                skill.id
            )));
        }
    }
    Ok(())
}

/// The Open Badges `Alignment` of a skill, as `badge.rs` writes it (`base`: this Guild's address,
/// whose skill endpoint describes a skill no public framework publishes).
fn alignment(skill: &CertifiedSkill, base: Option<&str>) -> Value {
    let mut a = json!({
        "type": ["Alignment"],
        "targetName": skill.label,
        "targetFramework": skill.framework,
        "targetCode": skill.id,
        "targetType": "ceasn:Competency",
    });
    // Open Badges 3.0 requires targetUrl.
    match (&skill.uri, base) {
        (Some(uri), _) => a["targetUrl"] = uri.clone().into(),
        (None, Some(base)) => a["targetUrl"] = crate::badge::skill_page(base, &skill.id).into(),
        (None, None) => {}
    }
    if let Some(d) = &skill.description {
        a["targetDescription"] = d.clone().into();
    }
    a
}

fn issuer_profile(id: &str, name: &str, url: Option<&String>) -> Result<Value, CredentialError> {
    let mut issuer = json!({"id": id, "type": ["Profile"], "name": name});
    if let Some(url) = url {
        require_web_url("issuer_url", url)?;
        issuer["url"] = url.clone().into();
    }
    Ok(issuer)
}

/// The embedded context that defines `terms` in [`ISSUER_DEPENDENT`]; those listed in
/// `date_times` are typed `xsd:dateTime`. Protected, as the VC and OB contexts are, so that no
/// later context can change what the signed terms mean.
fn embedded_context(terms: &[&str], date_times: &[&str]) -> Value {
    let mut context = Map::new();
    context.insert("@protected".to_owned(), true.into());
    for term in terms {
        context.insert(
            (*term).to_owned(),
            format!("{ISSUER_DEPENDENT}{term}").into(),
        );
    }
    for term in date_times {
        context.insert(
            (*term).to_owned(),
            json!({"@id": format!("{ISSUER_DEPENDENT}{term}"), "@type": XSD_DATE_TIME}),
        );
    }
    Value::Object(context)
}

/// The embedded context of a reputation summary.
fn reputation_context() -> Value {
    let mut terms = vec![
        "ReputationSummary",
        "reputation",
        "ratingsCount",
        "ratingMeanHundredths",
        "ratingDistribution",
        "contractsFinished",
        "contractsEnded",
        "completionRatePercent",
    ];
    terms.extend(STARS);
    embedded_context(&terms, &["periodStart", "periodEnd"])
}

/// The embedded context of an endorsement.
fn endorsement_context() -> Value {
    embedded_context(
        &[
            "rating",
            "skillRatings",
            "SkillRating",
            "skill",
            "reviewerName",
            "contract",
        ],
        &["reviewDate"],
    )
}

/// The mean rating in hundredths of a star, rounded half up (`None` without ratings).
pub fn mean_hundredths(rating_sum: u64, ratings_count: u32) -> Option<u64> {
    let n = u64::from(ratings_count);
    // (2·sum·100 + n) / (2n) is sum·100/n rounded half up, in integers. The sum of u32::MAX
    // five-star ratings times 200 is far below u64::MAX, and larger sums are refused first.
    (n > 0).then(|| (rating_sum.saturating_mul(200) + n) / (2 * n))
}

/// The completion rate in whole percent, rounded down (`None` when no contract ended). Rounded
/// down so that 100 means that every contract was finished, and the rate never flatters.
pub fn completion_percent(finished: u32, ended: u32) -> Option<u64> {
    (ended > 0).then(|| u64::from(finished) * 100 / u64::from(ended))
}

fn hundredths_text(h: u64) -> String {
    format!("{}.{:02}", h / 100, h % 100)
}

/// Checks that the numbers of a summary agree with each other.
fn check_numbers(s: &ReputationSummary) -> Result<(), CredentialError> {
    let count = u64::from(s.ratings_count);
    let counted: u64 = s.distribution.iter().map(|&d| u64::from(d)).sum();
    if counted != count {
        return Err(invalid(format!(
            "the distribution {:?} counts {counted} ratings, but ratings_count is {count}",
            s.distribution
        )));
    }
    if s.rating_sum < count || s.rating_sum > 5 * count {
        return Err(invalid(format!(
            "rating_sum {} is outside what {count} ratings of 1 to 5 stars can add up to ({count} to {})",
            s.rating_sum,
            5 * count
        )));
    }
    let stars: u64 = (1u64..)
        .zip(s.distribution)
        .map(|(k, d)| k * u64::from(d))
        .sum();
    if stars != s.rating_sum {
        return Err(invalid(format!(
            "the distribution {:?} adds up to {stars} stars, but rating_sum is {}",
            s.distribution, s.rating_sum
        )));
    }
    if s.contracts_finished > s.contracts_ended {
        return Err(invalid(format!(
            "contracts_finished ({}) cannot exceed contracts_ended ({}), which counts the finished ones too",
            s.contracts_finished, s.contracts_ended
        )));
    }
    Ok(())
}

/// Checks the summary's dates: all RFC 3339, a period that does not end before it starts, and a
/// validity that ends after it starts, within [`MAX_SUMMARY_VALIDITY_DAYS`].
fn check_summary_dates(s: &ReputationSummary) -> Result<(), CredentialError> {
    let start = parse_time("period_start", &s.period_start)?;
    let end = parse_time("period_end", &s.period_end)?;
    if end < start {
        return Err(invalid(format!(
            "the period ends ({}) before it starts ({})",
            s.period_end, s.period_start
        )));
    }
    let from = parse_time("valid_from", &s.valid_from)?;
    let until = parse_time("valid_until", &s.valid_until)?;
    if until <= from {
        return Err(invalid(format!(
            "valid_until ({}) must be after valid_from ({})",
            s.valid_until, s.valid_from
        )));
    }
    let longest = jiff::SignedDuration::from_hours(MAX_SUMMARY_VALIDITY_DAYS * 24);
    if from.duration_until(until) > longest {
        return Err(invalid(format!(
            "a reputation summary may be valid for at most {MAX_SUMMARY_VALIDITY_DAYS} days (30 to 90 are intended), not from {} to {}",
            s.valid_from, s.valid_until
        )));
    }
    Ok(())
}

/// One Open Badges `ResultDescription`.
fn result_description(
    id: &str,
    name: &str,
    result_type: &str,
    range: (&str, Option<&str>),
) -> Value {
    let mut d = json!({
        "id": id,
        "type": ["ResultDescription"],
        "name": name,
        "resultType": result_type,
        "valueMin": range.0,
    });
    if let Some(max) = range.1 {
        d["valueMax"] = max.into();
    }
    d
}

/// The unsigned `OpenBadgeCredential` summarising `s`.
///
/// The numbers appear twice. As Open Badges results (`credentialSubject.result`, each pointing
/// to a `ResultDescription` of the achievement), whose `value` is a string, as Open Badges says,
/// for wallets to show: the mean there is written with two decimals ("4.62"). And in
/// `credentialSubject.reputation` as JSON integers for software: `ratingsCount`,
/// `ratingMeanHundredths` (the mean in hundredths of a star, rounded half up; absent without
/// ratings), `ratingDistribution` (`oneStar` … `fiveStars`), `contractsFinished`,
/// `contractsEnded`, `completionRatePercent` (whole percent, rounded down; absent when no
/// contract ended), `periodStart`, `periodEnd`. The distribution is an object, not a list: a
/// JSON-LD list without `@list` is an unordered set, in which `[3, 0, 0, 0, 3]` would sign
/// as `{0, 3}`.
///
/// Refused: numbers that disagree (a distribution that does not add up to `ratings_count` or
/// to `rating_sum`, more finished contracts than ended ones), dates that are not RFC 3339, a
/// period that ends before it starts, a validity that ends before it starts or lasts longer
/// than [`MAX_SUMMARY_VALIDITY_DAYS`], ids that are not absolute URIs.
pub fn reputation_credential(s: &ReputationSummary) -> Result<Value, CredentialError> {
    require_uri("id", &s.id)?;
    require_did("issuer", &s.issuer)?;
    require_uri("subject", &s.subject)?;
    require_name("issuer_name", &s.issuer_name)?;
    require_web_url("methodology_url", &s.methodology_url)?;
    require_web_url("achievement_base", &s.achievement_base)?;
    check_numbers(s)?;
    check_summary_dates(s)?;
    check_skills("skills", s.skills.iter())?;

    let mean = mean_hundredths(s.rating_sum, s.ratings_count);
    let completion = completion_percent(s.contracts_finished, s.contracts_ended);
    let achievement_id = format!(
        "{}/achievements/reputation-summary",
        s.achievement_base.trim_end_matches('/')
    );
    let rd = |slug: &str| format!("{achievement_id}/results/{slug}");

    // The achievement is the same for every holder (its id says so): it describes what each
    // result means, not what this holder got.
    let mut descriptions = vec![
        result_description(
            &rd("ratings-count"),
            "Ratings received",
            "RawScore",
            ("0", None),
        ),
        result_description(
            &rd("rating-mean"),
            "Mean rating, in stars (1 to 5, two decimals)",
            "ScaledScore",
            ("1.00", Some("5.00")),
        ),
    ];
    for (k, _) in (1..=5).zip(STARS) {
        let label = if k == 1 { "star" } else { "stars" };
        descriptions.push(result_description(
            &rd(&format!("ratings-{k}-{label}")),
            &format!("Ratings of {k} {label}"),
            "RawScore",
            ("0", None),
        ));
    }
    descriptions.extend([
        result_description(
            &rd("contracts-finished"),
            "Contracts finished",
            "RawScore",
            ("0", None),
        ),
        result_description(
            &rd("contracts-ended"),
            "Contracts ended (finished, cancelled or lost in a dispute)",
            "RawScore",
            ("0", None),
        ),
        result_description(
            &rd("completion-rate"),
            "Completion rate: contracts finished of those ended, in whole percent, rounded down",
            "Percent",
            ("0", Some("100")),
        ),
    ]);

    let result = |slug: &str, value: String| json!({"type": ["Result"], "resultDescription": rd(slug), "value": value});
    let mut results = vec![result("ratings-count", s.ratings_count.to_string())];
    if let Some(m) = mean {
        results.push(result("rating-mean", hundredths_text(m)));
    }
    for (k, d) in (1..=5).zip(s.distribution) {
        let label = if k == 1 { "star" } else { "stars" };
        results.push(result(&format!("ratings-{k}-{label}"), d.to_string()));
    }
    results.push(result(
        "contracts-finished",
        s.contracts_finished.to_string(),
    ));
    results.push(result("contracts-ended", s.contracts_ended.to_string()));
    if let Some(c) = completion {
        results.push(result("completion-rate", c.to_string()));
    }

    let mut distribution = Map::new();
    for (name, d) in STARS.into_iter().zip(s.distribution) {
        distribution.insert(name.to_owned(), d.into());
    }
    let mut reputation = json!({
        "type": ["ReputationSummary"],
        "ratingsCount": s.ratings_count,
        "ratingDistribution": distribution,
        "contractsFinished": s.contracts_finished,
        "contractsEnded": s.contracts_ended,
        "periodStart": s.period_start,
        "periodEnd": s.period_end,
    });
    if let Some(m) = mean {
        reputation["ratingMeanHundredths"] = m.into();
    }
    if let Some(c) = completion {
        reputation["completionRatePercent"] = c.into();
    }

    let mut achievement = json!({
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "ext:ReputationSummary",
        "name": format!("Reputation on {}", s.issuer_name),
        "description": format!(
            "The ratings and contract completion of a worker on {}, over a stated period.",
            s.issuer_name
        ),
        "criteria": {
            "id": s.methodology_url,
            "narrative": format!(
                "Counts the ratings (1 to 5 stars) that clients gave in reviews after contracts finished on {0}, \
                 and the contracts that ended, within the period the credential states (periodStart to periodEnd). \
                 Every rating counts once and the same: no weighting by contract size, recency or reviewer. \
                 The mean is the sum of the ratings divided by their number, in hundredths of a star rounded half up; \
                 the completion rate is the contracts finished divided by the contracts that ended \
                 (finished, cancelled, or lost in a dispute), in whole percent rounded down. \
                 Issued for a short time and reissued, since reputation changes.",
                s.issuer_name
            ),
        },
        "resultDescription": descriptions,
    });
    if !s.skills.is_empty() {
        achievement["alignment"] = s
            .skills
            .iter()
            .map(|k| alignment(k, Some(&s.achievement_base)))
            .collect();
    }

    let mut subject = json!({
        "id": s.subject,
        "type": ["AchievementSubject"],
        "achievement": achievement,
        "result": results,
        "reputation": reputation,
    });
    if let Some(name) = &s.subject_name {
        subject["name"] = name.clone().into();
    }

    let name = match mean {
        None => format!("Reputation on {}: no ratings yet", s.issuer_name),
        Some(m) => format!(
            "Reputation on {}: {} rating{}, mean {} of 5",
            s.issuer_name,
            s.ratings_count,
            if s.ratings_count == 1 { "" } else { "s" },
            hundredths_text(m)
        ),
    };
    Ok(json!({
        "@context": [VC_V2, OB_V3, reputation_context()],
        "id": s.id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(&s.issuer, &s.issuer_name, s.issuer_url.as_ref())?,
        "validFrom": s.valid_from,
        "validUntil": s.valid_until,
        "name": name,
        "description": format!(
            "Ratings and contract completion on {} from {} to {}.",
            s.issuer_name, s.period_start, s.period_end
        ),
        "credentialSubject": subject,
    }))
}

fn check_stars(what: &str, rating: u8) -> Result<(), CredentialError> {
    if (1..=5).contains(&rating) {
        Ok(())
    } else {
        Err(invalid(format!(
            "{what} must be 1 to 5 stars, not {rating}"
        )))
    }
}

/// The unsigned `EndorsementCredential` for the review `e`.
///
/// `credentialSubject` is the worker (`EndorsementSubject`) with the review text as
/// `endorsementComment` (trimmed) and, in properties of their own, `rating` (an integer, 1 to
/// 5), `reviewDate`, `reviewerName` (if given), `contract` (if given, as a string) and
/// `skillRatings` (each a `SkillRating` with the skill's `Alignment` as `skill` and an integer
/// `rating`).
///
/// Refused: ratings outside 1 to 5, a blank review or one longer than [`MAX_COMMENT_CHARS`]
/// characters, a skill rated twice, dates that are not RFC 3339, a `valid_until` not after
/// `valid_from`, ids that are not absolute URIs.
pub fn endorsement_credential(e: &Endorsement) -> Result<Value, CredentialError> {
    require_uri("id", &e.id)?;
    require_did("issuer", &e.issuer)?;
    require_uri("subject", &e.subject)?;
    require_name("issuer_name", &e.issuer_name)?;
    check_stars("rating", e.rating)?;
    for (skill, rating) in &e.skill_ratings {
        check_stars(&format!("the rating of skill {:?}", skill.id), *rating)?;
    }
    check_skills("skill_ratings", e.skill_ratings.iter().map(|(s, _)| s))?;
    let comment = e.comment.trim();
    if comment.is_empty() {
        return Err(invalid("the review text must not be empty".to_owned()));
    }
    let chars = comment.chars().count();
    if chars > MAX_COMMENT_CHARS {
        return Err(invalid(format!(
            "the review text has {chars} characters; at most {MAX_COMMENT_CHARS} are accepted"
        )));
    }
    let reviewer = match &e.reviewer_name {
        None => None,
        Some(name) => {
            let name = name.trim();
            if name.is_empty() {
                return Err(invalid(
                    "reviewer_name must not be blank (leave it out instead)".to_owned(),
                ));
            }
            if name.chars().count() > MAX_REVIEWER_NAME_CHARS {
                return Err(invalid(format!(
                    "reviewer_name is longer than {MAX_REVIEWER_NAME_CHARS} characters"
                )));
            }
            Some(name)
        }
    };
    if let Some(contract) = &e.contract
        && (contract.trim().is_empty() || contract.chars().count() > MAX_CONTRACT_REF_CHARS)
    {
        return Err(invalid(format!(
            "contract must be a reference of 1 to {MAX_CONTRACT_REF_CHARS} characters"
        )));
    }
    parse_time("review_date", &e.review_date)?;
    let from = parse_time("valid_from", &e.valid_from)?;
    if let Some(until) = &e.valid_until
        && parse_time("valid_until", until)? <= from
    {
        return Err(invalid(format!(
            "valid_until ({until}) must be after valid_from ({})",
            e.valid_from
        )));
    }

    let mut subject = json!({
        "id": e.subject,
        "type": ["EndorsementSubject"],
        "endorsementComment": comment,
        "rating": e.rating,
        "reviewDate": e.review_date,
    });
    if let Some(name) = reviewer {
        subject["reviewerName"] = name.into();
    }
    if let Some(contract) = &e.contract {
        // A string, not an IRI: a reference that is not an absolute URI would be dropped by
        // JSON-LD as an `@id`, and signed without being seen.
        subject["contract"] = contract.trim().into();
    }
    if !e.skill_ratings.is_empty() {
        subject["skillRatings"] = e
            .skill_ratings
            .iter()
            .map(|(skill, rating)| {
                json!({"type": ["SkillRating"], "skill": alignment(skill, e.issuer_url.as_deref()), "rating": rating})
            })
            .collect();
    }
    let mut credential = json!({
        "@context": [VC_V2, OB_V3, endorsement_context()],
        "id": e.id,
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "issuer": issuer_profile(&e.issuer, &e.issuer_name, e.issuer_url.as_ref())?,
        "validFrom": e.valid_from,
        "name": match reviewer {
            Some(r) => format!("Review by {r} on {}: {} of 5 stars", e.issuer_name, e.rating),
            None => format!("Review on {}: {} of 5 stars", e.issuer_name, e.rating),
        },
        "description": format!(
            "A review given after a finished contract on {0}; {0} attests that it came from that contract.",
            e.issuer_name
        ),
        "credentialSubject": subject,
    });
    if let Some(until) = &e.valid_until {
        credential["validUntil"] = until.clone().into();
    }
    Ok(credential)
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::SigningKey;

    use super::*;
    use crate::contexts::ContextSet;
    use crate::keys::{did_key, did_key_verification_method};
    use crate::proof::{Cryptosuite, ProofOptions, RdfCanonicalizer, add_proof};
    use crate::rdfc::JsonLdCanonicalizer;
    use crate::verify::{CheckResult, DidKeyResolver, Outcome, verify};

    fn skill() -> CertifiedSkill {
        CertifiedSkill {
            id: "http://data.europa.eu/esco/skill/3ffb7b36-3d4e-4b6c-9e5b-2b7e0a3b1a0e".to_owned(),
            label: "operate CNC lathe".to_owned(),
            description: None,
            uri: Some(
                "http://data.europa.eu/esco/skill/3ffb7b36-3d4e-4b6c-9e5b-2b7e0a3b1a0e".to_owned(),
            ),
            framework: "ESCO".to_owned(),
        }
    }

    fn other_skill() -> CertifiedSkill {
        CertifiedSkill {
            id: "onet:51-4041.00".to_owned(),
            label: "Machinists".to_owned(),
            description: Some("Set up and operate machine tools.".to_owned()),
            uri: Some("https://www.onetonline.org/link/summary/51-4041.00".to_owned()),
            framework: "O*NET".to_owned(),
        }
    }

    fn summary() -> ReputationSummary {
        ReputationSummary {
            id: "urn:uuid:5d7c1f0e-8a3b-4c2d-9e6f-1a2b3c4d5e6f".to_owned(),
            issuer: "did:web:guild.example".to_owned(),
            issuer_name: "Guild".to_owned(),
            issuer_url: Some("https://guild.example".to_owned()),
            subject: "urn:guild:worker:12".to_owned(),
            subject_name: Some("Dai".to_owned()),
            ratings_count: 37,
            // 1·0 + 2·1 + 3·2 + 4·7 + 5·27 = 171; 171/37 = 4.6216…
            rating_sum: 171,
            distribution: [0, 1, 2, 7, 27],
            contracts_finished: 40,
            contracts_ended: 42,
            period_start: "2025-11-23T00:00:00Z".to_owned(),
            period_end: "2026-11-23T00:00:00Z".to_owned(),
            skills: vec![skill(), other_skill()],
            methodology_url: "https://guild.example/methodology/reputation".to_owned(),
            valid_from: "2026-11-23T00:00:00Z".to_owned(),
            valid_until: "2027-01-22T00:00:00Z".to_owned(),
            achievement_base: "https://guild.example/".to_owned(),
        }
    }

    fn endorsement() -> Endorsement {
        Endorsement {
            id: "urn:uuid:9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d".to_owned(),
            issuer: "did:web:guild.example".to_owned(),
            issuer_name: "Guild".to_owned(),
            issuer_url: None,
            reviewer_name: Some("Ana (Ferro Works)".to_owned()),
            subject: "urn:guild:worker:12".to_owned(),
            rating: 5,
            skill_ratings: vec![(skill(), 5), (other_skill(), 4)],
            contract: Some("https://guild.example/contracts/18844".to_owned()),
            comment: "  Precise work, delivered two days early. Would hire again.  ".to_owned(),
            review_date: "2026-11-20T15:04:05Z".to_owned(),
            valid_from: "2026-11-21T00:00:00Z".to_owned(),
            valid_until: None,
        }
    }

    fn now() -> jiff::Timestamp {
        "2026-12-01T12:00:00Z".parse().unwrap()
    }

    fn rdf() -> JsonLdCanonicalizer {
        JsonLdCanonicalizer::new(ContextSet::production().unwrap())
    }

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[42; 32])
    }

    fn options(suite: Cryptosuite) -> ProofOptions {
        ProofOptions {
            cryptosuite: suite,
            verification_method: did_key_verification_method(&key().verifying_key()),
            proof_purpose: "assertionMethod".to_owned(),
            created: Some("2026-11-23T00:00:00Z".to_owned()),
            id: None,
            previous_proof: Vec::new(),
        }
    }

    /// Signs `credential` with each suite in turn (a proof set when there are several).
    fn sign(credential: &Value, suites: &[Cryptosuite]) -> Value {
        let mut signed = credential.clone();
        for suite in suites {
            signed = add_proof(&signed, &options(*suite), &key(), &rdf()).unwrap();
        }
        signed
    }

    fn check(doc: &Value) -> crate::verify::VerificationReport {
        verify(
            &serde_json::to_vec(doc).unwrap(),
            now(),
            &DidKeyResolver,
            &rdf(),
        )
    }

    /// Every number anywhere in `v` is a JSON integer.
    fn assert_integers_only(v: &Value, path: &str) {
        match v {
            Value::Number(n) => assert!(n.is_u64() || n.is_i64(), "{path} is {n}, not an integer"),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, x)| assert_integers_only(x, &format!("{path}[{i}]"))),
            Value::Object(o) => o
                .iter()
                .for_each(|(k, x)| assert_integers_only(x, &format!("{path}.{k}"))),
            _ => {}
        }
    }

    /// The refusal's message (a credential that was made instead fails the test by its name).
    fn err(r: Result<Value, CredentialError>) -> String {
        match r {
            Ok(v) => panic!("accepted: {}", v["name"]),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_summary_is_an_open_badge_with_integer_numbers() {
        let v = reputation_credential(&summary()).unwrap();
        assert_eq!(v["@context"][0], VC_V2);
        assert_eq!(v["@context"][1], OB_V3);
        assert_eq!(
            v["@context"][2]["ratingsCount"],
            format!("{ISSUER_DEPENDENT}ratingsCount")
        );
        assert_eq!(
            v["type"],
            json!(["VerifiableCredential", "OpenBadgeCredential"])
        );
        assert_eq!(v["name"], "Reputation on Guild: 37 ratings, mean 4.62 of 5");
        assert_eq!(v["validUntil"], "2027-01-22T00:00:00Z");
        let r = &v["credentialSubject"]["reputation"];
        assert_eq!(r["type"], json!(["ReputationSummary"]));
        assert_eq!(r["ratingsCount"], 37);
        assert_eq!(r["ratingMeanHundredths"], 462);
        assert_eq!(
            r["ratingDistribution"],
            json!({"oneStar": 0, "twoStars": 1, "threeStars": 2, "fourStars": 7, "fiveStars": 27})
        );
        assert_eq!(r["contractsFinished"], 40);
        assert_eq!(r["contractsEnded"], 42);
        // 40/42 = 95.2 %.
        assert_eq!(r["completionRatePercent"], 95);
        assert_eq!(r["periodStart"], "2025-11-23T00:00:00Z");
        assert_integers_only(&v, "$");

        let a = &v["credentialSubject"]["achievement"];
        assert_eq!(
            a["id"],
            "https://guild.example/achievements/reputation-summary"
        );
        assert_eq!(a["name"], "Reputation on Guild");
        assert_eq!(a["criteria"]["id"], summary().methodology_url);
        assert!(
            a["criteria"]["narrative"]
                .as_str()
                .unwrap()
                .contains("no weighting")
        );
        assert_eq!(a["alignment"][0]["targetUrl"], skill().uri.unwrap());
        assert_eq!(a["alignment"][0]["targetType"], "ceasn:Competency");
        assert_eq!(a["alignment"][1]["targetFramework"], "O*NET");

        // Every result points to a description the achievement lists, and holds a string.
        let described: Vec<&Value> = a["resultDescription"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| &d["id"])
            .collect();
        let results = v["credentialSubject"]["result"].as_array().unwrap();
        assert_eq!(results.len(), 10);
        for r in results {
            assert_eq!(r["type"], json!(["Result"]));
            assert!(described.contains(&&r["resultDescription"]), "{r}");
            assert!(r["value"].is_string(), "{r}");
        }
        let value = |slug: &str| {
            results
                .iter()
                .find(|r| r["resultDescription"].as_str().unwrap().ends_with(slug))
                .map(|r| r["value"].clone())
        };
        assert_eq!(value("/rating-mean"), Some("4.62".into()));
        assert_eq!(value("/ratings-5-stars"), Some("27".into()));
        assert_eq!(value("/ratings-1-star"), Some("0".into()));
        assert_eq!(value("/completion-rate"), Some("95".into()));
    }

    #[test]
    fn the_mean_rounds_half_up_and_completion_rounds_down() {
        // 33 stars over 8 ratings: 4.125 → 413 hundredths.
        let mut s = summary();
        (s.ratings_count, s.rating_sum, s.distribution) = (8, 33, [0, 0, 0, 7, 1]);
        (s.contracts_finished, s.contracts_ended) = (199, 200);
        let v = reputation_credential(&s).unwrap();
        let r = &v["credentialSubject"]["reputation"];
        assert_eq!(r["ratingMeanHundredths"], 413);
        assert_eq!(r["completionRatePercent"], 99);
        assert_eq!(mean_hundredths(2, 3), Some(67));
        assert_eq!(
            mean_hundredths(5 * u64::from(u32::MAX), u32::MAX),
            Some(500)
        );
        assert_eq!(completion_percent(3, 3), Some(100));
    }

    #[test]
    fn a_summary_without_ratings_has_no_mean() {
        let mut s = summary();
        (s.ratings_count, s.rating_sum, s.distribution) = (0, 0, [0; 5]);
        (s.contracts_finished, s.contracts_ended) = (0, 0);
        s.skills.clear();
        let v = reputation_credential(&s).unwrap();
        assert_eq!(v["name"], "Reputation on Guild: no ratings yet");
        let r = &v["credentialSubject"]["reputation"];
        assert_eq!(r["ratingsCount"], 0);
        assert!(r.get("ratingMeanHundredths").is_none());
        assert!(r.get("completionRatePercent").is_none());
        assert!(
            v["credentialSubject"]["achievement"]
                .get("alignment")
                .is_none()
        );
        let results = v["credentialSubject"]["result"].as_array().unwrap();
        assert!(results.iter().all(|r| {
            let d = r["resultDescription"].as_str().unwrap();
            !d.ends_with("/rating-mean") && !d.ends_with("/completion-rate")
        }));
        assert_eq!(results.len(), 8);
        assert_integers_only(&v, "$");
        let mut one = s.clone();
        (one.ratings_count, one.rating_sum, one.distribution) = (1, 5, [0, 0, 0, 0, 1]);
        assert_eq!(
            reputation_credential(&one).unwrap()["name"],
            "Reputation on Guild: 1 rating, mean 5.00 of 5"
        );
    }

    #[test]
    fn inconsistent_summaries_are_refused() {
        let mut s = summary();
        s.distribution = [0, 1, 2, 7, 26];
        assert!(err(reputation_credential(&s)).contains("counts 36 ratings"));
        let mut s = summary();
        s.rating_sum = 200;
        assert!(err(reputation_credential(&s)).contains("outside"));
        let mut s = summary();
        s.rating_sum = 20;
        assert!(err(reputation_credential(&s)).contains("outside"));
        let mut s = summary();
        s.rating_sum = 170;
        assert!(err(reputation_credential(&s)).contains("adds up to 171 stars"));
        let mut s = summary();
        s.contracts_finished = 43;
        assert!(err(reputation_credential(&s)).contains("contracts_finished"));
        let mut s = summary();
        s.skills.push(skill());
        assert!(err(reputation_credential(&s)).contains("listed twice"));
        let mut s = summary();
        s.subject = "dai".to_owned();
        assert!(err(reputation_credential(&s)).contains("subject"));
        let mut s = summary();
        s.issuer = "https://guild.example".to_owned();
        assert!(err(reputation_credential(&s)).contains("DID"));
        let mut s = summary();
        s.methodology_url = "methodology".to_owned();
        assert!(err(reputation_credential(&s)).contains("methodology_url"));
    }

    #[test]
    fn summary_dates_are_checked() {
        // 2026-11-23 to 2027-11-24 is exactly 366 days: the longest accepted.
        let mut s = summary();
        s.valid_until = "2027-11-24T00:00:00Z".to_owned();
        reputation_credential(&s).unwrap();
        s.valid_until = "2027-11-24T00:00:01Z".to_owned();
        assert!(err(reputation_credential(&s)).contains("at most 366 days"));
        s.valid_until = "2029-11-23T00:00:00Z".to_owned();
        assert!(err(reputation_credential(&s)).contains("at most 366 days"));
        let mut s = summary();
        s.valid_until = "2026-11-01T00:00:00Z".to_owned();
        assert!(err(reputation_credential(&s)).contains("must be after valid_from"));
        let mut s = summary();
        s.valid_until = s.valid_from.clone();
        assert!(err(reputation_credential(&s)).contains("must be after valid_from"));
        let mut s = summary();
        s.period_end = "2025-01-01T00:00:00Z".to_owned();
        assert!(err(reputation_credential(&s)).contains("before it starts"));
        let mut s = summary();
        s.period_start = "last year".to_owned();
        assert!(err(reputation_credential(&s)).contains("period_start"));
        let mut s = summary();
        s.valid_until = "2027-01-22".to_owned();
        assert!(err(reputation_credential(&s)).contains("valid_until"));
    }

    #[test]
    fn an_endorsement_is_an_open_badge_endorsement() {
        let v = endorsement_credential(&endorsement()).unwrap();
        assert_eq!(v["@context"][0], VC_V2);
        assert_eq!(v["@context"][1], OB_V3);
        assert_eq!(
            v["type"],
            json!(["VerifiableCredential", "EndorsementCredential"])
        );
        assert_eq!(
            v["name"],
            "Review by Ana (Ferro Works) on Guild: 5 of 5 stars"
        );
        let s = &v["credentialSubject"];
        assert_eq!(s["id"], "urn:guild:worker:12");
        assert_eq!(s["type"], json!(["EndorsementSubject"]));
        assert_eq!(
            s["endorsementComment"],
            "Precise work, delivered two days early. Would hire again."
        );
        assert_eq!(s["rating"], 5);
        assert_eq!(s["reviewerName"], "Ana (Ferro Works)");
        assert_eq!(s["contract"], "https://guild.example/contracts/18844");
        assert_eq!(s["reviewDate"], "2026-11-20T15:04:05Z");
        assert_eq!(s["skillRatings"][1]["rating"], 4);
        assert_eq!(
            s["skillRatings"][1]["skill"]["targetCode"],
            "onet:51-4041.00"
        );
        assert_eq!(s["skillRatings"][0]["skill"]["type"], json!(["Alignment"]));
        assert!(v.get("validUntil").is_none());
        assert_integers_only(&v, "$");

        let mut anonymous = endorsement();
        anonymous.reviewer_name = None;
        anonymous.contract = None;
        anonymous.skill_ratings.clear();
        anonymous.valid_until = Some("2031-11-21T00:00:00Z".to_owned());
        let v = endorsement_credential(&anonymous).unwrap();
        assert_eq!(v["name"], "Review on Guild: 5 of 5 stars");
        assert_eq!(v["validUntil"], "2031-11-21T00:00:00Z");
        for absent in ["reviewerName", "contract", "skillRatings"] {
            assert!(v["credentialSubject"].get(absent).is_none(), "{absent}");
        }
    }

    #[test]
    fn bad_endorsements_are_refused() {
        for rating in [0, 6] {
            let mut e = endorsement();
            e.rating = rating;
            assert!(err(endorsement_credential(&e)).contains(&format!("not {rating}")));
            let mut e = endorsement();
            e.skill_ratings[1].1 = rating;
            assert!(err(endorsement_credential(&e)).contains("onet:51-4041.00"));
        }
        let mut e = endorsement();
        e.comment = " \n\t ".to_owned();
        assert!(err(endorsement_credential(&e)).contains("must not be empty"));
        let mut e = endorsement();
        e.comment = "é".repeat(MAX_COMMENT_CHARS);
        endorsement_credential(&e).unwrap();
        e.comment.push('!');
        assert!(err(endorsement_credential(&e)).contains("5001 characters"));
        let mut e = endorsement();
        e.skill_ratings.push((skill(), 3));
        assert!(err(endorsement_credential(&e)).contains("listed twice"));
        let mut e = endorsement();
        e.valid_until = Some("2026-11-01T00:00:00Z".to_owned());
        assert!(err(endorsement_credential(&e)).contains("must be after valid_from"));
        let mut e = endorsement();
        e.review_date = "yesterday".to_owned();
        assert!(err(endorsement_credential(&e)).contains("review_date"));
        let mut e = endorsement();
        e.reviewer_name = Some("  ".to_owned());
        assert!(err(endorsement_credential(&e)).contains("reviewer_name"));
        let mut e = endorsement();
        e.contract = Some(String::new());
        assert!(err(endorsement_credential(&e)).contains("contract"));
    }

    #[test]
    fn the_numbers_are_in_the_signed_rdf() {
        let v = reputation_credential(&summary()).unwrap();
        let nquads = rdf().canonicalize(&v).unwrap();
        for expected in [
            format!(
                "<{ISSUER_DEPENDENT}ratingsCount> \"37\"^^<http://www.w3.org/2001/XMLSchema#integer>"
            ),
            format!(
                "<{ISSUER_DEPENDENT}ratingMeanHundredths> \"462\"^^<http://www.w3.org/2001/XMLSchema#integer>"
            ),
            format!(
                "<{ISSUER_DEPENDENT}fiveStars> \"27\"^^<http://www.w3.org/2001/XMLSchema#integer>"
            ),
            format!("<{ISSUER_DEPENDENT}periodEnd> \"2026-11-23T00:00:00Z\"^^<{XSD_DATE_TIME}>"),
            format!("<{ISSUER_DEPENDENT}reputation>"),
            format!("<{ISSUER_DEPENDENT}ReputationSummary>"),
            "<https://schema.org/value> \"4.62\"".to_owned(),
        ] {
            assert!(nquads.contains(&expected), "{expected} not in\n{nquads}");
        }
        // Why the embedded context is there: the bundled VC 2.0 context has no @vocab, and the
        // canonicaliser refuses undefined terms instead of dropping them.
        let mut bare = v.clone();
        bare["@context"] = json!([VC_V2, OB_V3]);
        let e = rdf().canonicalize(&bare).unwrap_err().to_string();
        assert!(e.contains("not defined"), "{e}");
    }

    #[test]
    fn a_signed_summary_verifies_and_tampering_is_caught() {
        let mut s = summary();
        s.issuer = did_key(&key().verifying_key());
        let signed = sign(
            &reputation_credential(&s).unwrap(),
            &[Cryptosuite::EddsaRdfc2022],
        );
        let r = check(&signed);
        assert_eq!(r.outcome, Outcome::Valid, "{r:#?}");
        assert!(
            r.checks
                .iter()
                .any(|c| c.check == "proof 1" && c.detail.contains("eddsa-rdfc-2022"))
        );
        for (path, value) in [
            ("/credentialSubject/reputation/ratingsCount", json!(38)),
            (
                "/credentialSubject/reputation/ratingDistribution/oneStar",
                json!(1),
            ),
            (
                "/credentialSubject/reputation/ratingMeanHundredths",
                json!(499),
            ),
            (
                "/credentialSubject/reputation/completionRatePercent",
                json!(100),
            ),
            ("/credentialSubject/result/1/value", json!("4.99")),
            (
                "/credentialSubject/reputation/periodStart",
                json!("2020-01-01T00:00:00Z"),
            ),
        ] {
            let mut tampered = signed.clone();
            *tampered.pointer_mut(path).unwrap() = value;
            let r = check(&tampered);
            assert_eq!(r.outcome, Outcome::Invalid, "{path}: {r:#?}");
            assert!(
                r.checks.iter().any(|c| c.check == "proof 1"
                    && c.result == CheckResult::Failed
                    && c.detail.contains("bad signature")),
                "{path}: {r:#?}"
            );
        }
    }

    #[test]
    fn a_signed_endorsement_verifies_and_tampering_is_caught() {
        let mut e = endorsement();
        e.issuer = did_key(&key().verifying_key());
        let signed = sign(
            &endorsement_credential(&e).unwrap(),
            &[Cryptosuite::EddsaRdfc2022],
        );
        let r = check(&signed);
        assert_eq!(r.outcome, Outcome::Valid, "{r:#?}");
        for (path, value) in [
            ("/credentialSubject/rating", json!(4)),
            ("/credentialSubject/skillRatings/1/rating", json!(5)),
            ("/credentialSubject/endorsementComment", json!("Late.")),
            ("/credentialSubject/reviewerName", json!("Someone else")),
        ] {
            let mut tampered = signed.clone();
            *tampered.pointer_mut(path).unwrap() = value;
            assert_eq!(check(&tampered).outcome, Outcome::Invalid, "{path}");
        }
    }

    #[test]
    fn a_proof_set_of_both_suites_verifies() {
        let mut s = summary();
        s.issuer = did_key(&key().verifying_key());
        let suites = [Cryptosuite::EddsaRdfc2022, Cryptosuite::EddsaJcs2022];
        let signed = sign(&reputation_credential(&s).unwrap(), &suites);
        assert_eq!(signed["proof"].as_array().unwrap().len(), 2);
        let r = check(&signed);
        assert_eq!(r.outcome, Outcome::Valid, "{r:#?}");
        for (name, suite) in [
            ("proof 1", "eddsa-rdfc-2022"),
            ("proof 2", "eddsa-jcs-2022"),
        ] {
            assert!(
                r.checks.iter().any(|c| c.check == name
                    && c.result == CheckResult::Passed
                    && c.detail.contains(suite)),
                "{r:#?}"
            );
        }
        let mut tampered = signed.clone();
        tampered["credentialSubject"]["reputation"]["ratingsCount"] = 1.into();
        let r = check(&tampered);
        assert_eq!(r.outcome, Outcome::Invalid);
        assert_eq!(
            r.checks
                .iter()
                .filter(|c| c.check.starts_with("proof ") && c.result == CheckResult::Failed)
                .count(),
            2,
            "{r:#?}"
        );

        let mut e = endorsement();
        e.issuer = did_key(&key().verifying_key());
        let signed = sign(&endorsement_credential(&e).unwrap(), &suites);
        assert_eq!(check(&signed).outcome, Outcome::Valid);
    }
}
