//! Which skills can stand in for which, learned from the taxonomy.
//!
//! Two signals, the larger wins:
//! - **co-occurrence**: the cosine of two skills' occupation profiles (the weights with which
//!   each occupation asks for them). Skills that the same occupations need are learned together
//!   and transfer; a skill that every occupation lists (a transversal skill) co-occurs weakly
//!   with everything, so cosine keeps it from standing in for specific skills;
//! - **hierarchy**: a skill and its broader skill ([`PARENT_SIMILARITY`]), and two skills under
//!   the same broader skill of a small group ([`SIBLING_SIMILARITY`]); large groups such as
//!   "communication, collaboration and creativity" say little about transfer and are skipped.
//!
//! Each skill keeps its [`MAX_NEIGHBOURS`] most similar skills at [`MIN_SIMILARITY`] or more, and
//! the lists are made symmetric so that ranking workers for a task and tasks for a worker see
//! the same stand-ins.

use std::collections::HashMap;

use guild_taxonomy::SkillId;

/// Similarity of a skill and its broader skill.
pub const PARENT_SIMILARITY: f32 = 0.6;
/// Similarity of two skills under the same broader skill (groups of at most
/// [`MAX_SIBLING_GROUP`]).
pub const SIBLING_SIMILARITY: f32 = 0.45;
/// Larger groups give no sibling similarity.
pub const MAX_SIBLING_GROUP: usize = 40;
/// Two different skills are never fully interchangeable, however alike their profiles.
pub const MAX_SIMILARITY: f32 = 0.95;
/// Weaker similarities are dropped.
pub const MIN_SIMILARITY: f32 = 0.35;
/// Neighbours kept per skill before symmetrisation.
pub const MAX_NEIGHBOURS: usize = 10;

/// Dense numbers for the skills of a taxonomy, so that hot loops index arrays, not hash maps.
#[derive(Debug, Clone, Default)]
pub struct SkillVocabulary {
    ids: Vec<SkillId>,
    index: HashMap<SkillId, u32>,
}

impl SkillVocabulary {
    /// The number of a skill, adding it if new.
    pub fn intern(&mut self, id: &SkillId) -> u32 {
        if let Some(&ix) = self.index.get(id) {
            return ix;
        }
        let ix = self.ids.len() as u32;
        self.ids.push(id.clone());
        self.index.insert(id.clone(), ix);
        ix
    }

    /// The number of a known skill.
    pub fn get(&self, id: &SkillId) -> Option<u32> {
        self.index.get(id).copied()
    }

    /// The skill of a number.
    pub fn id(&self, ix: u32) -> &SkillId {
        &self.ids[ix as usize]
    }

    /// How many skills.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// Why two skills are similar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SimilarityBasis {
    /// The same occupations need both.
    CoOccurrence,
    /// One is the broader skill of the other.
    Broader,
    /// Both sit under the same broader skill.
    Sibling,
}

/// A skill similar to another.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Neighbour {
    /// The similar skill.
    pub skill: u32,
    /// Similarity in (0, 1].
    pub similarity: f32,
    /// Where it comes from.
    pub basis: SimilarityBasis,
}

/// Skill-to-skill similarity over a vocabulary.
#[derive(Debug, Clone, Default)]
pub struct SkillSimilarity {
    vocabulary: SkillVocabulary,
    neighbours: Vec<Vec<Neighbour>>,
}

impl SkillSimilarity {
    /// Learns similarities from `(occupation, skill, weight)` triples and `(narrower, broader)`
    /// pairs. Every skill named in `skills` is in the vocabulary, related or not.
    pub fn learn<'a>(
        skills: impl IntoIterator<Item = &'a SkillId>,
        occupation_skills: &[(String, SkillId, f32)],
        broader: &[(SkillId, SkillId)],
    ) -> SkillSimilarity {
        let mut vocabulary = SkillVocabulary::default();
        for s in skills {
            vocabulary.intern(s);
        }
        let n = vocabulary.len();
        let mut best: Vec<Vec<Neighbour>> = vec![Vec::new(); n];

        // Co-occurrence: occupation → skills, skill → occupations.
        let mut occupations: HashMap<&str, Vec<(u32, f32)>> = HashMap::new();
        for (occ, skill, weight) in occupation_skills {
            if let Some(ix) = vocabulary.get(skill)
                && weight.is_finite()
                && *weight > 0.0
            {
                occupations
                    .entry(occ.as_str())
                    .or_default()
                    .push((ix, *weight));
            }
        }
        let occupation_lists: Vec<Vec<(u32, f32)>> = occupations.into_values().collect();
        let mut of_skill: Vec<Vec<(u32, f32)>> = vec![Vec::new(); n];
        let mut norm = vec![0f32; n];
        for (o, list) in occupation_lists.iter().enumerate() {
            for &(s, w) in list {
                of_skill[s as usize].push((o as u32, w));
                norm[s as usize] += w * w;
            }
        }
        let mut dot = vec![0f32; n];
        let mut touched: Vec<u32> = Vec::new();
        for s in 0..n {
            for &(o, ws) in &of_skill[s] {
                for &(t, wt) in &occupation_lists[o as usize] {
                    if t as usize == s {
                        continue;
                    }
                    if dot[t as usize] == 0.0 {
                        touched.push(t);
                    }
                    dot[t as usize] += ws * wt;
                }
            }
            for &t in &touched {
                let d = dot[t as usize];
                dot[t as usize] = 0.0;
                let cos = d / (norm[s].sqrt() * norm[t as usize].sqrt());
                if cos >= MIN_SIMILARITY {
                    best[s].push(Neighbour {
                        skill: t,
                        similarity: cos.min(MAX_SIMILARITY),
                        basis: SimilarityBasis::CoOccurrence,
                    });
                }
            }
            touched.clear();
        }

        // Hierarchy.
        let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
        for (narrow, broad) in broader {
            if let (Some(a), Some(b)) = (vocabulary.get(narrow), vocabulary.get(broad))
                && a != b
            {
                children.entry(b).or_default().push(a);
                best[a as usize].push(Neighbour {
                    skill: b,
                    similarity: PARENT_SIMILARITY,
                    basis: SimilarityBasis::Broader,
                });
                best[b as usize].push(Neighbour {
                    skill: a,
                    similarity: PARENT_SIMILARITY,
                    basis: SimilarityBasis::Broader,
                });
            }
        }
        for group in children.values().filter(|g| g.len() <= MAX_SIBLING_GROUP) {
            for &a in group {
                for &b in group {
                    if a != b {
                        best[a as usize].push(Neighbour {
                            skill: b,
                            similarity: SIBLING_SIMILARITY,
                            basis: SimilarityBasis::Sibling,
                        });
                    }
                }
            }
        }

        // Keep each pair once (its strongest basis), the strongest few, then symmetrise.
        for list in &mut best {
            sort_neighbours(list);
            list.dedup_by_key(|n| n.skill);
            sort_by_strength(list);
            list.truncate(MAX_NEIGHBOURS);
        }
        let mut symmetric = best.clone();
        for (s, list) in best.iter().enumerate() {
            for nb in list {
                symmetric[nb.skill as usize].push(Neighbour {
                    skill: s as u32,
                    ..*nb
                });
            }
        }
        for list in &mut symmetric {
            sort_neighbours(list);
            list.dedup_by_key(|n| n.skill);
            sort_by_strength(list);
        }
        SkillSimilarity {
            vocabulary,
            neighbours: symmetric,
        }
    }

    /// The skills' numbering.
    pub fn vocabulary(&self) -> &SkillVocabulary {
        &self.vocabulary
    }

    /// The skills similar to `skill`, most similar first.
    pub fn neighbours(&self, skill: u32) -> &[Neighbour] {
        self.neighbours
            .get(skill as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The similarity of two skills (1 for the same skill, 0 when unrelated).
    pub fn similarity(&self, a: u32, b: u32) -> f32 {
        if a == b {
            return 1.0;
        }
        self.neighbours(a)
            .iter()
            .find(|n| n.skill == b)
            .map_or(0.0, |n| n.similarity)
    }
}

/// By skill, strongest first within a skill (so `dedup_by_key` keeps the strongest).
fn sort_neighbours(list: &mut [Neighbour]) {
    list.sort_by(|x, y| {
        x.skill
            .cmp(&y.skill)
            .then(y.similarity.total_cmp(&x.similarity))
    });
}

/// Strongest first; ties by skill number so the order is deterministic.
fn sort_by_strength(list: &mut [Neighbour]) {
    list.sort_by(|x, y| {
        y.similarity
            .total_cmp(&x.similarity)
            .then(x.skill.cmp(&y.skill))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> SkillId {
        SkillId::parse(s).unwrap()
    }

    #[test]
    fn skills_needed_by_the_same_occupations_are_similar_and_symmetric() {
        let skills = [id("a"), id("b"), id("c"), id("d")];
        let occ = vec![
            ("o1".to_owned(), id("a"), 1.0),
            ("o1".to_owned(), id("b"), 1.0),
            ("o2".to_owned(), id("a"), 1.0),
            ("o2".to_owned(), id("b"), 0.5),
            ("o3".to_owned(), id("c"), 1.0),
        ];
        let sim = SkillSimilarity::learn(&skills, &occ, &[(id("d"), id("c"))]);
        let v = sim.vocabulary();
        let (a, b, c, d) = (
            v.get(&id("a")).unwrap(),
            v.get(&id("b")).unwrap(),
            v.get(&id("c")).unwrap(),
            v.get(&id("d")).unwrap(),
        );
        assert!(sim.similarity(a, b) > 0.9);
        assert_eq!(sim.similarity(a, b), sim.similarity(b, a));
        assert_eq!(sim.similarity(a, c), 0.0);
        assert_eq!(sim.similarity(c, d), PARENT_SIMILARITY);
        assert_eq!(sim.similarity(d, c), PARENT_SIMILARITY);
        assert_eq!(sim.neighbours(d)[0].basis, SimilarityBasis::Broader);
    }
}
