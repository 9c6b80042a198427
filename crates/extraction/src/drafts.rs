//! The rules that turn a deconstructed problem into a client's draft tasks: which skills become
//! required and which optional, the task's title, and what is left out when no skill was found.

use guild_matching::{Place, Proficiency, SkillRequirement, Task, TaskId};
use guild_taxonomy::SkillId;

use crate::deconstruct::TaskPart;

/// Skills of a deconstructed task that become required (the heaviest); the next ones up to
/// twice as many become optional. The client edits both.
pub const REQUIRED_PER_TASK: usize = 5;

/// A draft task made from one part of a deconstruction.
#[derive(Debug, Clone)]
pub struct DraftTask {
    /// The task.
    pub task: Task,
    /// Its AI exposure.
    pub ai_exposure: Option<f64>,
    /// Whether it needs presence.
    pub physical: Option<bool>,
}

fn title_of(statement: &str) -> String {
    const MAX: usize = 120;
    // List markers stay in the description, not in the title.
    let s = statement
        .trim()
        .trim_start_matches(['-', '*', '•', '–', ' '])
        .trim_end_matches('.');
    if s.chars().count() <= MAX {
        return s.to_owned();
    }
    // Cut at a word boundary before the limit.
    let cut: String = s.chars().take(MAX - 1).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{cut}…")
}

/// Turns a deconstruction into draft tasks of `hours` each, in `languages`; parts with no
/// skill are returned apart, as their statements.
pub fn draft_tasks(
    parts: &[TaskPart],
    hours: f32,
    languages: &[String],
) -> (Vec<DraftTask>, Vec<String>) {
    let mut drafts = Vec::new();
    let mut unplaced = Vec::new();
    for part in parts {
        match draft_task(part, hours, languages) {
            Some(d) => drafts.push(d),
            None => unplaced.push(part.statement.clone()),
        }
    }
    (drafts, unplaced)
}

fn draft_task(part: &TaskPart, hours: f32, languages: &[String]) -> Option<DraftTask> {
    let mut needs: Vec<_> = part
        .skills
        .iter()
        .filter(|s| s.weight.is_finite() && s.weight > 0.0)
        .filter_map(|s| SkillId::parse(&s.id).ok().map(|id| (id, s.weight)))
        .collect();
    needs.sort_by(|a, b| b.1.total_cmp(&a.1));
    needs.dedup_by(|a, b| a.0 == b.0);
    if needs.is_empty() {
        return None;
    }
    let requirement = |(skill, weight): &(SkillId, f32)| {
        SkillRequirement::new(skill.clone(), *weight, Proficiency::new(2).ok()?).ok()
    };
    let required: Vec<_> = needs
        .iter()
        .take(REQUIRED_PER_TASK)
        .filter_map(requirement)
        .collect();
    let optional: Vec<_> = needs
        .iter()
        .skip(REQUIRED_PER_TASK)
        .take(REQUIRED_PER_TASK)
        .filter_map(requirement)
        .collect();
    if required.is_empty() {
        return None;
    }
    Some(DraftTask {
        task: Task {
            id: TaskId(0),
            title: title_of(&part.statement),
            description: part.statement.trim().to_owned(),
            required,
            optional,
            // Where an on-site task happens only the client knows: it is edited before publishing.
            place: Place::Remote,
            utc_offset_minutes: 0,
            min_overlap_hours: 0.0,
            hours,
            hours_per_week: None,
            budget: None,
            languages: languages.to_vec(),
            starts: None,
            ends: None,
        },
        ai_exposure: part.ai_exposure,
        physical: part.physical,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_statements_become_titles_cut_at_a_word() {
        let long = "Design and build a water pump controller ".repeat(10);
        let t = title_of(&long);
        assert!(t.chars().count() <= 120, "{t}");
        assert!(t.ends_with('…'));
        assert!(!t.trim_end_matches('…').ends_with(' '));
        assert_eq!(title_of("Weld the frame."), "Weld the frame");
        assert_eq!(title_of("- Count the stock."), "Count the stock");
    }
}
