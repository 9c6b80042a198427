//! One way to keep something built from the store until the store changes under it.

use std::sync::{Arc, Mutex, RwLock};

/// A value built from the store at a version (the taxonomy's, for the analyzer and the
/// transition models), kept until asked for at another version, then built again by the first
/// caller while the others wait for it rather than build it too.
pub struct Versioned<T> {
    current: RwLock<Option<(String, Arc<T>)>>,
    building: Mutex<()>,
}

impl<T> Default for Versioned<T> {
    fn default() -> Self {
        Self {
            current: RwLock::new(None),
            building: Mutex::new(()),
        }
    }
}

impl<T> Versioned<T> {
    /// The value at `version`: the kept one, or the one `build` makes (then kept). A failed
    /// build keeps nothing and is tried again by the next caller.
    pub fn get<E>(&self, version: &str, build: impl FnOnce() -> Result<T, E>) -> Result<Arc<T>, E> {
        if let Some(kept) = self.kept(version) {
            return Ok(kept);
        }
        // A poisoned lock only means another builder panicked: building again is safe.
        let _building = self.building.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(kept) = self.kept(version) {
            return Ok(kept);
        }
        let built = Arc::new(build()?);
        *self.current.write().unwrap_or_else(|e| e.into_inner()) =
            Some((version.to_owned(), built.clone()));
        Ok(built)
    }

    /// The kept value, if it is of `version`.
    pub fn kept(&self, version: &str) -> Option<Arc<T>> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .filter(|(v, _)| v == version)
            .map(|(_, t)| t.clone())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn a_value_is_built_once_per_version() {
        let cache: Versioned<String> = Versioned::default();
        let builds = AtomicUsize::new(0);
        let build = |v: &str| {
            builds.fetch_add(1, Ordering::SeqCst);
            Ok::<_, ()>(format!("built at {v}"))
        };
        assert_eq!(*cache.get("1", || build("1")).unwrap(), "built at 1");
        assert_eq!(*cache.get("1", || build("1")).unwrap(), "built at 1");
        assert_eq!(builds.load(Ordering::SeqCst), 1);
        assert_eq!(*cache.get("2", || build("2")).unwrap(), "built at 2");
        assert_eq!(builds.load(Ordering::SeqCst), 2);
        assert!(cache.kept("1").is_none());
    }

    #[test]
    fn a_failed_build_keeps_nothing() {
        let cache: Versioned<u32> = Versioned::default();
        assert!(cache.get("1", || Err("no")).is_err());
        assert!(cache.kept("1").is_none());
        assert_eq!(*cache.get("1", || Ok::<_, ()>(7)).unwrap(), 7);
    }

    #[test]
    fn concurrent_callers_share_one_build() {
        let cache: Arc<Versioned<u32>> = Arc::default();
        let builds = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (cache, builds) = (cache.clone(), builds.clone());
                std::thread::spawn(move || {
                    *cache
                        .get("v", || {
                            builds.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(std::time::Duration::from_millis(20));
                            Ok::<_, ()>(1)
                        })
                        .unwrap()
                })
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap(), 1);
        }
        assert_eq!(builds.load(Ordering::SeqCst), 1);
    }
}
