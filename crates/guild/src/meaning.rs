//! The sentence encoder the commands read text with: Guild's own model, compiled into the
//! binary, loaded once per process; or none with `--lexical`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use anyhow::{Result, anyhow};
use guild_semantic::Encoder;

static LEXICAL: AtomicBool = AtomicBool::new(false);
static ENCODER: OnceLock<Result<Arc<Encoder>, String>> = OnceLock::new();

/// Reads text by words only from now on (`--lexical`).
pub fn set_lexical(lexical: bool) {
    LEXICAL.store(lexical, Ordering::Relaxed);
}

/// The encoder, or `None` under `--lexical`. A model that cannot be loaded is an error that
/// names it and how to make it again, never a silent fall back to words only.
pub fn encoder() -> Result<Option<Arc<Encoder>>> {
    if LEXICAL.load(Ordering::Relaxed) {
        return Ok(None);
    }
    ENCODER
        .get_or_init(|| {
            guild_semantic::embedded()
                .map(Arc::new)
                .map_err(|e| e.to_string())
        })
        .clone()
        .map(Some)
        .map_err(|e| anyhow!("{e} (or run with --lexical to read text by words only)"))
}

/// The store's analyzer, reading by meaning unless `--lexical`.
pub fn analyzer(store: &guild_store::Store) -> Result<guild_extraction::analyzer::Analyzer> {
    Ok(store.analyzer(encoder()?.as_ref())?)
}
