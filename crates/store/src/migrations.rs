//! The schema's migrations, listed once: each is a numbered SQL file per dialect, in
//! `migrations/sqlite/` and `migrations/postgres/` under the same name. Adding one is a line
//! here and the two files.

/// Lists the migrations by file name (without `.sql`), in order: migration N is the Nth.
macro_rules! migrations {
    ($($name:literal),* $(,)?) => {
        /// The migrations' names, in order (for the test that checks the folders).
        #[cfg(test)]
        pub(crate) const NAMES: &[&str] = &[$($name),*];
        /// SQLite's migrations, in order.
        pub(crate) const SQLITE: &[&str] =
            &[$(include_str!(concat!("../migrations/sqlite/", $name, ".sql"))),*];
        /// PostgreSQL's migrations, in order.
        pub(crate) const POSTGRES: &[&str] =
            &[$(include_str!(concat!("../migrations/postgres/", $name, ".sql"))),*];
    };
}

migrations![
    "0001_taxonomy",
    "0002_matching",
    "0003_reskilling",
    "0004_credentials",
    "0005_issuers",
    "0006_ledger",
    "0007_contracts",
    "0008_audit",
    "0009_messages",
    "0010_skill_tests",
    "0011_proposals",
    "0012_webhooks",
    "0013_sessions_roles",
    "0014_training",
    "0015_client_reviews",
    "0016_proposal_messages",
    "0017_projects_hourly_scopes",
    "0018_public_profiles",
    "0019_worker_occupation",
    "0020_matching_changes",
    "0021_sealed_issuer_keys",
    "0022_sign_in_throttle",
    "0023_semantic_indexes",
    "0024_occupation_presence",
    "0025_kept_analyzers",
    "0026_worker_occupations",
    "0027_decision_log",
    "0028_contests",
    "0029_declarations",
    "0030_microwork",
];

/// `(version, sql)` of each migration in `dialect`'s list: version N is the Nth.
pub(crate) fn numbered(
    dialect: &'static [&'static str],
) -> impl Iterator<Item = (i64, &'static str)> {
    dialect
        .iter()
        .enumerate()
        .map(|(i, sql)| (i as i64 + 1, *sql))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_and_exist_for_both_dialects() {
        for (i, name) in NAMES.iter().enumerate() {
            assert_eq!(
                name[..4].parse::<usize>().unwrap(),
                i + 1,
                "{name} out of order"
            );
        }
        assert_eq!(SQLITE.len(), NAMES.len());
        assert_eq!(POSTGRES.len(), NAMES.len());
        // Every file in the folders is listed.
        for dir in ["migrations/sqlite", "migrations/postgres"] {
            let on_disk =
                std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
                    .unwrap()
                    .count();
            assert_eq!(on_disk, NAMES.len(), "{dir} holds a migration not listed");
        }
    }
}
