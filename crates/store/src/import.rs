//! Importers: read taxonomy files from a directory and replace their source in the store, all or
//! nothing.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use guild_taxonomy::exposure::ExposureDataset;
use guild_taxonomy::{
    Source, TableSource, TaxonomyError, crosswalk, esco, exposure, onet, starter,
};

use crate::{ImportSummary, Store, StoreError};

/// Reports how far a long import has come. Implemented by the command line with a progress bar.
pub trait Progress: Sync {
    /// A new stage begins, with its size in bytes or rows where known.
    fn stage(&self, name: &str, total: Option<u64>);
    /// `n` more bytes or rows are done.
    fn advance(&self, n: u64);
    /// The import is done.
    fn finish(&self);
}

/// Reports nothing.
pub struct NoProgress;

impl Progress for NoProgress {
    fn stage(&self, _: &str, _: Option<u64>) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// Tables as files in a directory; reading a file advances `progress` by its bytes.
pub struct DirSource<'p> {
    dir: PathBuf,
    progress: &'p dyn Progress,
}

impl<'p> DirSource<'p> {
    /// Reads tables from `dir`, which must be a directory.
    pub fn new(dir: &Path, progress: &'p dyn Progress) -> Result<Self, StoreError> {
        if !dir.is_dir() {
            return Err(StoreError::Invalid(format!(
                "{} is not a directory",
                dir.display()
            )));
        }
        Ok(Self {
            dir: dir.to_owned(),
            progress,
        })
    }
}

struct Counted<'p, R> {
    inner: R,
    progress: &'p dyn Progress,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

impl TableSource for DirSource<'_> {
    fn open(&self, name: &str) -> Result<Option<Box<dyn Read + '_>>, TaxonomyError> {
        let path = self.dir.join(name);
        match File::open(&path) {
            Ok(file) => {
                let size = file.metadata().map(|m| m.len()).ok();
                self.progress.stage(name, size);
                Ok(Some(Box::new(Counted {
                    inner: BufReader::with_capacity(1 << 16, file),
                    progress: self.progress,
                })))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(TaxonomyError::Unreadable {
                file: path.display().to_string(),
                message: e.to_string(),
            }),
        }
    }
}

/// Imports an O*NET release (text layout) from `dir`, replacing any O*NET data in the store.
pub fn import_onet(
    store: &Store,
    dir: &Path,
    progress: &dyn Progress,
) -> Result<ImportSummary, StoreError> {
    let source = DirSource::new(dir, progress)?;
    let batch = onet::parse(&source, &mut |_| {})?;
    store
        .taxonomy()
        .replace_taxonomy(Source::Onet, &batch, progress)
}

/// Imports an ESCO CSV export from `dir` with labels in `languages` (English is always read),
/// replacing any ESCO data in the store.
pub fn import_esco(
    store: &Store,
    dir: &Path,
    languages: &[String],
    progress: &dyn Progress,
) -> Result<ImportSummary, StoreError> {
    for lang in languages {
        if guild_taxonomy::normalize::language_tag(lang).is_none() {
            return Err(StoreError::Invalid(format!(
                "{lang:?} is not a language code like en or nl"
            )));
        }
    }
    let source = DirSource::new(dir, progress)?;
    let batch = esco::parse(&source, languages, &mut |_| {})?;
    store
        .taxonomy()
        .replace_taxonomy(Source::Esco, &batch, progress)
}

/// Imports an ESCO↔O*NET occupation crosswalk file as dataset `dataset`.
pub fn import_crosswalk(
    store: &Store,
    file: &Path,
    dataset: &str,
    progress: &dyn Progress,
) -> Result<ImportSummary, StoreError> {
    let (dir, name) = split_file(file)?;
    let source = DirSource::new(dir, progress)?;
    let links = crosswalk::parse(&source, name)?;
    let summary = store.taxonomy().replace_crosswalk(dataset, &links)?;
    progress.finish();
    Ok(summary)
}

/// Imports an AI-exposure dataset from `dir` (detected from its files unless `dataset` is given).
pub fn import_ai_exposure(
    store: &Store,
    dir: &Path,
    dataset: Option<ExposureDataset>,
    progress: &dyn Progress,
) -> Result<ImportSummary, StoreError> {
    let source = DirSource::new(dir, &NoProgress)?;
    let dataset = match dataset {
        Some(d) => d,
        None => ExposureDataset::detect(&source)?,
    };
    let source = DirSource::new(dir, progress)?;
    let rows = exposure::parse(&source, dataset)?;
    let summary = store.taxonomy().replace_exposures(dataset.name(), &rows)?;
    progress.finish();
    Ok(summary)
}

/// Loads the built-in starter taxonomy when the store holds no taxonomy at all, so that Guild
/// runs with no download. Returns what was loaded, if anything.
pub fn load_starter_if_empty(store: &Store) -> Result<Option<ImportSummary>, StoreError> {
    if store.taxonomy().has_taxonomy()? {
        return Ok(None);
    }
    let batch = starter::batch()?;
    store
        .taxonomy()
        .replace_taxonomy(Source::Guild, &batch, &NoProgress)
        .map(Some)
}

fn split_file(file: &Path) -> Result<(&Path, &str), StoreError> {
    if !file.is_file() {
        return Err(StoreError::Invalid(format!(
            "{} is not a file",
            file.display()
        )));
    }
    let name = file.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
        StoreError::Invalid(format!("{} has no usable file name", file.display()))
    })?;
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Ok((dir, name))
}
