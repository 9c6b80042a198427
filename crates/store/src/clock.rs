//! The one clock Guild reads the time from. The store holds it and stamps each transaction
//! with it ([`crate::sql::Tx::now`]); the server and the use cases ask the store. Tests give a
//! [`ManualClock`] and move time on without sleeping (a review deadline passing, a token
//! expiring).

use std::fmt::Debug;
use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};

/// Where the time comes from.
pub trait Clock: Send + Sync + Debug {
    /// The time now.
    fn now(&self) -> Timestamp;
}

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that stands still until it is set or moved on.
#[derive(Debug)]
pub struct ManualClock(Mutex<Timestamp>);

impl ManualClock {
    /// A clock showing `at`.
    pub fn at(at: Timestamp) -> Self {
        Self(Mutex::new(at))
    }

    /// Sets the time.
    pub fn set(&self, at: Timestamp) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }

    /// Moves the time on by `by` (saturating at the end of time).
    pub fn advance(&self, by: SignedDuration) {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *now = now.saturating_add(by).unwrap_or(*now);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let start: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let clock = ManualClock::at(start);
        assert_eq!(clock.now(), start);
        clock.advance(SignedDuration::from_hours(25));
        assert_eq!(clock.now().to_string(), "2026-01-02T01:00:00Z");
        clock.set(start);
        assert_eq!(clock.now(), start);
    }

    #[test]
    fn the_store_stamps_writes_with_its_clock_and_time_moves_without_sleeping() {
        let dir = tempfile::tempdir().unwrap();
        let url = crate::DatabaseUrl::Sqlite(dir.path().join("g.db"));
        let mut store = crate::Store::open(&url).unwrap();
        let start: Timestamp = "2030-05-01T09:00:00Z".parse().unwrap();
        let clock = std::sync::Arc::new(ManualClock::at(start));
        store.set_clock(clock.clone());
        let account = store
            .accounts()
            .create_account("a@example.org", "A", "x")
            .unwrap();
        assert_eq!(account.created_at, start.to_string());
        // A session for an hour: live now, over once the clock moves two hours on.
        let expires = (store.now() + SignedDuration::from_hours(1)).to_string();
        store
            .accounts()
            .create_session(account.id, "token", "csrf", &expires, None)
            .unwrap();
        let live = |store: &crate::Store| {
            store
                .accounts()
                .account_for_session("token", &store.now().to_string())
                .unwrap()
                .is_some()
        };
        assert!(live(&store));
        clock.advance(SignedDuration::from_hours(2));
        assert!(!live(&store));
    }
}
