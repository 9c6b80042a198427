//! Whether work needs a person on site: from the judgements of an occupation's tasks, the share
//! of its work that can be done remotely.

/// How much of an occupation's work can be done remotely, and on what it rests.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteShare {
    /// The share of its judged tasks that need no presence on site, 0–1.
    pub share: f64,
    /// How many of its tasks were judged (the rest are unknown).
    pub judged: usize,
    /// How many tasks it has.
    pub tasks: usize,
}

/// The remote share of an occupation whose tasks are judged `physical` (Some(true): needs
/// presence; Some(false): can be done remotely; None: not known). `None` when no task is judged.
pub fn remote_share(physical: &[Option<bool>]) -> Option<RemoteShare> {
    let judged: Vec<bool> = physical.iter().flatten().copied().collect();
    if judged.is_empty() {
        return None;
    }
    let remote = judged.iter().filter(|p| !**p).count();
    Some(RemoteShare {
        share: remote as f64 / judged.len() as f64,
        judged: judged.len(),
        tasks: physical.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::remote_share;

    #[test]
    fn the_share_counts_judged_tasks_only() {
        let r = remote_share(&[Some(true), Some(false), None, Some(false)]).unwrap();
        assert!((r.share - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!((r.judged, r.tasks), (3, 4));
        assert_eq!(remote_share(&[None, None]), None);
        assert_eq!(remote_share(&[]), None);
    }
}
