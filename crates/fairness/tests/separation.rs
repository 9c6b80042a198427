//! The scorer cannot reach declared attributes: the matching crate, where every score is made,
//! depends on neither this crate nor the store (where declarations are kept) nor anything above
//! them. Were someone to add such a dependency, this fails.

#[test]
fn the_matching_crate_cannot_reach_declarations() {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../matching/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).expect("the matching crate's manifest");
    let deps: Vec<&str> = text
        .lines()
        .skip_while(|l| l.trim() != "[dependencies]")
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('['))
        .filter_map(|l| l.split(['=', '.']).next())
        .map(str::trim)
        .filter(|d| !d.is_empty() && !d.starts_with('#'))
        .collect();
    assert!(deps.contains(&"serde"), "the manifest was read: {deps:?}");
    for forbidden in [
        "guild-fairness",
        "guild-store",
        "guild-platform",
        "guild-server",
    ] {
        assert!(
            !deps.contains(&forbidden),
            "matching depends on {forbidden}: {deps:?}"
        );
    }
}
