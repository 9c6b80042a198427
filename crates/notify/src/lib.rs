//! Guild's rules for outgoing notifications: how many webhooks an account keeps, where a
//! webhook delivery stands, and the retry policy that moves it. Pure, with no I/O, so that the
//! rules are read (and tested) apart from the SQL that records a try; the store applies them
//! in the write that records it.

use serde::{Deserialize, Serialize};

/// The most webhooks an account keeps.
pub const MAX_WEBHOOKS: usize = 5;

/// A state's name that is not one of [`DeliveryStatus::ALL`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("delivery status must be one of pending, delivered, failed, not {0:?}")]
pub struct UnknownStatus(pub String);

/// Tries before a delivery is given up.
pub const MAX_ATTEMPTS: i64 = 8;

/// The most doublings of the wait between tries: 2^12 minutes is about 68 hours, and the
/// shift cannot overflow however many tries a row says were made.
const MAX_DOUBLINGS: i64 = 12;

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its next try (the first, or one after a failure).
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Given up after [`MAX_ATTEMPTS`] failed tries.
    Failed,
}

impl DeliveryStatus {
    /// Every state.
    pub const ALL: [DeliveryStatus; 3] = [
        DeliveryStatus::Pending,
        DeliveryStatus::Delivered,
        DeliveryStatus::Failed,
    ];

    /// The name in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    /// Reads a name written by [`DeliveryStatus::as_str`].
    pub fn parse(s: &str) -> Result<Self, UnknownStatus> {
        Self::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| UnknownStatus(s.to_owned()))
    }

    /// The state after the `attempts`-th try (counting it) failed: pending again, due after
    /// [`backoff`], until [`MAX_ATTEMPTS`] tries have failed; then failed for good.
    pub fn after_failure(attempts: i64) -> Self {
        if attempts >= MAX_ATTEMPTS {
            DeliveryStatus::Failed
        } else {
            DeliveryStatus::Pending
        }
    }
}

impl std::fmt::Display for DeliveryStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The wait after the `attempts`-th try failed before the next: 2^attempts minutes (2, 4,
/// 8… minutes), so that an endpoint that is down for a while is not hammered, and one that
/// is back soon is not kept waiting long; at most 2^12 minutes.
pub fn backoff(attempts: i64) -> jiff::SignedDuration {
    jiff::SignedDuration::from_mins(1 << attempts.clamp(0, MAX_DOUBLINGS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivery_states_keep_their_names() {
        for s in DeliveryStatus::ALL {
            assert_eq!(DeliveryStatus::parse(s.as_str()).unwrap(), s);
            assert_eq!(s.to_string(), s.as_str());
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{s}\""));
            assert_eq!(serde_json::from_str::<DeliveryStatus>(&json).unwrap(), s);
        }
        let names: Vec<_> = DeliveryStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            ["pending", "delivered", "failed"],
            "the names the database holds"
        );
        assert!(DeliveryStatus::parse("sent").is_err());
    }

    #[test]
    fn a_delivery_is_given_up_after_the_last_try_and_waits_double_each_time() {
        for attempts in 1..MAX_ATTEMPTS {
            assert_eq!(
                DeliveryStatus::after_failure(attempts),
                DeliveryStatus::Pending
            );
            assert_eq!(backoff(attempts + 1), backoff(attempts) * 2);
        }
        assert_eq!(
            DeliveryStatus::after_failure(MAX_ATTEMPTS),
            DeliveryStatus::Failed
        );
        assert_eq!(backoff(1), jiff::SignedDuration::from_mins(2));
        assert_eq!(backoff(MAX_ATTEMPTS), jiff::SignedDuration::from_mins(256));
        assert_eq!(backoff(100), jiff::SignedDuration::from_mins(1 << 12));
        assert_eq!(backoff(-1), jiff::SignedDuration::from_mins(1));
    }
}
