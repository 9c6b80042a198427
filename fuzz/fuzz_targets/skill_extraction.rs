//! Skill extraction, profiles and deconstruction on arbitrary text, with the analyzer built
//! once over the starter taxonomy (in a SQLite store in a temporary directory).
#![no_main]

use std::sync::OnceLock;

use guild_extraction::analyzer::{Analyzer, AnalyzerScratch};
use guild_extraction::skills::ExtractOptions;
use guild_store::{DatabaseUrl, Store, Work, load_starter_if_empty};
use libfuzzer_sys::fuzz_target;

fn setup() -> &'static (Store, Analyzer) {
    static SETUP: OnceLock<(Store, Analyzer)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("guild-fuzz-{}", std::process::id()));
        let url = DatabaseUrl::parse(&format!("sqlite:{}", dir.join("guild.db").display()))
            .expect("url");
        let store = Store::open(&url).expect("store");
        load_starter_if_empty(&store).expect("starter");
        let analyzer = store.analyzer().expect("analyzer");
        (store, analyzer)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (store, analyzer) = setup();
    let mut scratch = AnalyzerScratch::default();
    let _ = analyzer.extract_skills(&mut scratch, text, &ExtractOptions::default());
    let _ = analyzer.profile(&mut scratch, text, None);
    let _ = store.deconstruct(
        analyzer,
        &Work::Text {
            text: text.to_owned(),
            lang: None,
        },
    );
});
