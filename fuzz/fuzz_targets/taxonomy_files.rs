//! The taxonomy importers (O*NET, ESCO, the starter layout, the crosswalk) on arbitrary
//! files: an error is fine, a panic is not. The first byte picks the importer; the rest is
//! split at NUL bytes into its files, in the order listed.
#![no_main]

use guild_taxonomy::MemorySource;
use guild_taxonomy::{crosswalk, esco, onet, starter};
use libfuzzer_sys::fuzz_target;

const ONET: [&str; 5] = [
    "Occupation Data.txt",
    "Task Statements.txt",
    "Skills.txt",
    "Alternate Titles.txt",
    "Content Model Reference.txt",
];
const ESCO: [&str; 4] = [
    "skills_en.csv",
    "occupations_en.csv",
    "occupationSkillRelations_en.csv",
    "skills_nl.csv",
];
const STARTER: [&str; 4] = [
    "skills.tsv",
    "occupations.tsv",
    "tasks.tsv",
    "occupation_skills.tsv",
];

fn source(names: &[&str], data: &[u8]) -> MemorySource {
    let mut parts = data.split(|b| *b == 0);
    let mut s = MemorySource::new();
    for name in names {
        s = s.with(name, parts.next().unwrap_or_default().to_vec());
    }
    s
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    match which % 4 {
        0 => {
            let _ = onet::parse(&source(&ONET, rest), &mut |_| {});
        }
        1 => {
            let _ = esco::parse(&source(&ESCO, rest), &["nl".to_owned()], &mut |_| {});
        }
        2 => {
            let _ = starter::parse(&source(&STARTER, rest));
        }
        _ => {
            let _ = crosswalk::parse(&source(&["crosswalk.csv"], rest), "crosswalk.csv");
        }
    }
});
