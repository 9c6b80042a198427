//! The credential verifier on arbitrary bytes: JSON, JSON-LD expansion and canonicalisation
//! (bundled contexts only), proofs with did:key. It must answer a report, never panic.
#![no_main]

use std::sync::OnceLock;

use guild_credentials::contexts::ContextSet;
use guild_credentials::rdfc::JsonLdCanonicalizer;
use guild_credentials::verify::{DidKeyResolver, verify};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    static RDF: OnceLock<JsonLdCanonicalizer> = OnceLock::new();
    let rdf = RDF.get_or_init(|| {
        JsonLdCanonicalizer::new(ContextSet::with_examples().expect("bundled contexts"))
    });
    let now = jiff::Timestamp::from_second(1_800_000_000).expect("time");
    let _ = verify(data, now, &DidKeyResolver, rdf);
});
