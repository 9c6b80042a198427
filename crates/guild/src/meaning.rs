//! The sentence encoder the commands read text with: Guild's own model, compiled into the
//! binary, loaded once per process; or none with `--lexical`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use anyhow::{Result, anyhow};
use guild_extraction::meaning::{PARTS, Semantics};
use guild_platform::Platform;
use guild_semantic::{EmbeddingIndex, Encoder, SemanticError};

static LEXICAL: AtomicBool = AtomicBool::new(false);
static ENCODER: OnceLock<Arc<Encoder>> = OnceLock::new();
static EMBEDDING_CACHE: OnceLock<Option<PathBuf>> = OnceLock::new();

/// Reads text by words only from now on (`--lexical`).
pub fn set_lexical(lexical: bool) {
    LEXICAL.store(lexical, Ordering::Relaxed);
}

/// The encoder, or `None` under `--lexical`. A model that cannot be loaded is an error that
/// names it and how to make it again, never a silent fall back to words only.
pub fn encoder() -> Result<Option<Arc<Encoder>>> {
    load_encoder().map_err(|e| anyhow!("{e} (or run with --lexical to read text by words only)"))
}

/// [`encoder`], with the model's own error.
fn load_encoder() -> Result<Option<Arc<Encoder>>, SemanticError> {
    if LEXICAL.load(Ordering::Relaxed) {
        return Ok(None);
    }
    if let Some(encoder) = ENCODER.get() {
        return Ok(Some(encoder.clone()));
    }
    let started = std::time::Instant::now();
    let encoder = Arc::new(guild_semantic::embedded()?);
    tracing::debug!("loaded the sentence encoder in {:.0?}", started.elapsed());
    Ok(Some(ENCODER.get_or_init(|| encoder).clone()))
}

/// The platform over `store` for one command: it loads the encoder (unless `--lexical`) when
/// it first reads text, while the taxonomy's indexes are read.
pub fn platform(store: guild_store::Store) -> Platform {
    Platform::with_loader(Arc::new(store), Box::new(load_encoder))
}

/// Where imports keep the taxonomy's embeddings for other stores (`--embedding-cache`).
pub fn set_embedding_cache(dir: Option<PathBuf>) {
    let _ = EMBEDDING_CACHE.set(dir);
}

fn cache_file(dir: &std::path::Path, encoder: &Encoder, part: &str) -> PathBuf {
    dir.join(format!("{}-{part}.idx", encoder.fingerprint()))
}

/// The embeddings kept in the cache directory for `encoder`'s model; none without a cache, or
/// when its files are missing or damaged (they are then made again).
pub fn cached_embeddings(encoder: &Encoder) -> Vec<EmbeddingIndex> {
    let Some(Some(dir)) = EMBEDDING_CACHE.get() else {
        return Vec::new();
    };
    PARTS
        .iter()
        .filter_map(|part| std::fs::read(cache_file(dir, encoder, part)).ok())
        .filter_map(|bytes| EmbeddingIndex::reusable(&bytes, encoder))
        .collect()
}

/// Keeps `semantics` in the cache directory, when one is set and they hold new vectors. A cache
/// that cannot be written costs time later, not this import: it is reported and skipped.
pub fn keep_embeddings(encoder: &Encoder, semantics: &Semantics) {
    let Some(Some(dir)) = EMBEDDING_CACHE.get() else {
        return;
    };
    if semantics.embedded() == 0 {
        return;
    }
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let parts = [
            semantics.skills(),
            semantics.occupations(),
            semantics.tasks(),
        ];
        for ((part, bytes), index) in PARTS.iter().zip(semantics.to_bytes()).zip(parts) {
            let file = cache_file(dir, encoder, part);
            // A smaller taxonomy (a store with the starter set only) does not replace what a
            // larger one kept.
            let kept = std::fs::read(&file)
                .ok()
                .and_then(|b| EmbeddingIndex::reusable(&b, encoder))
                .map_or(0, |k| k.rows());
            if kept > index.rows() {
                continue;
            }
            // Written whole, then renamed: a reader never sees half a file.
            let partial = file.with_extension(format!("{}.partial", std::process::id()));
            std::fs::write(&partial, bytes)?;
            std::fs::rename(&partial, &file)?;
        }
        Ok(())
    };
    if let Err(e) = write() {
        eprintln!(
            "warning: could not keep the embeddings in {}: {e}",
            dir.display()
        );
    }
}
