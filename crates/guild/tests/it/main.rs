//! Guild's integration tests: the real `guild` binary and the real server over HTTP, on a fresh
//! store per test, on SQLite and on PostgreSQL (when `GUILD_TEST_POSTGRES_URL` names a server;
//! `scripts/test.sh` starts one).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts_api;
mod assign;
mod authz_matrix;
mod backup;
mod browser;
mod client_pages;
mod contracts_api;
mod credentials;
mod decisions_api;
mod distributed;
mod extraction_api;
mod faults;
mod followers;
mod generate;
mod hardening;
mod harness;
mod hourly_api;
mod import;
mod issuing_api;
mod keys;
mod learning_api;
mod ledger;
mod matching_api;
mod microwork_api;
mod money_api;
mod pages;
mod personas;
mod probe;
mod projects_api;
mod replica;
mod reskill_api;
mod skill_tests_api;
mod taxonomy_api;
mod web_pages;

/// Runs each listed test body once per backend.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    super::$name($crate::harness::Backend::Sqlite);
                }
            )*
        }
        $crate::on_postgres!($($name),*);
    };
}

/// Runs each listed test body on PostgreSQL. The tests are ignored by a plain `cargo test`
/// (reported as such, never passed without a server); `scripts/test.sh` starts a server and
/// runs them with `--ignored`.
#[macro_export]
macro_rules! on_postgres {
    ($($name:ident),* $(,)?) => {
        mod postgres {
            $(
                #[test]
                #[ignore = "needs PostgreSQL: scripts/test.sh runs it"]
                fn $name() {
                    super::$name($crate::harness::Backend::postgres());
                }
            )*
        }
    };
}
