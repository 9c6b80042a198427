//! Crosswalks between ESCO and O*NET occupations (Nesta's Career Causeways crosswalk layout:
//! `concept_uri`, `onet_code`, `confidence`, `semantic_similarity`).

use std::collections::BTreeMap;

use crate::TaxonomyError;
use crate::model::{CrosswalkLink, OccupationId};
use crate::onet::occupation_id;
use crate::table::{Delimiter, Table, TableSource};

/// Reads the crosswalk table `file` from `source`. A pair listed twice keeps its highest confidence.
pub fn parse(source: &dyn TableSource, file: &str) -> Result<Vec<CrosswalkLink>, TaxonomyError> {
    let mut t = Table::open_required(source, file, Delimiter::Comma)?;
    let esco = t.column("concept_uri")?;
    let onet = t.column("onet_code")?;
    let confidence = t.optional_column("confidence");
    let similarity = t.optional_column("semantic_similarity");
    let mut links: BTreeMap<(String, String), CrosswalkLink> = BTreeMap::new();
    while t.next_row()? {
        let e = t.required(esco)?;
        if !e.starts_with("http://data.europa.eu/esco/occupation/") {
            return Err(t.error(format!("{e:?} is not an ESCO occupation URI")));
        }
        let code = t.required(onet)?;
        let link = CrosswalkLink {
            occupation: OccupationId::parse(e).map_err(|err| t.error(err.to_string()))?,
            onet: occupation_id(code).map_err(|err| t.error(err.to_string()))?,
            confidence: confidence.map(|c| t.number(c)).transpose()?.flatten(),
            similarity: similarity.map(|c| t.number(c)).transpose()?.flatten(),
        };
        let key = (e.to_owned(), code.to_owned());
        match links.get(&key) {
            Some(old) if old.confidence >= link.confidence => {}
            _ => {
                links.insert(key, link);
            }
        }
    }
    let mut links: Vec<CrosswalkLink> = links.into_values().collect();
    // Nesta grades its confidence 0.5, 1 and 2 (highest): scale any such grading to 0–1.
    let max = links
        .iter()
        .filter_map(|l| l.confidence)
        .fold(0.0f64, f64::max);
    if max > 1.0 {
        for link in &mut links {
            link.confidence = link.confidence.map(|c| c / max);
        }
    }
    Ok(links)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::MemorySource;

    #[test]
    fn links_are_read_and_deduplicated() {
        let source = MemorySource::new().with(
            "x.csv",
            "id,esco_occupation,onet_code,confidence,semantic_similarity,concept_uri\n1,a,11-1011.00,0.5,0.8,http://data.europa.eu/esco/occupation/a\n2,a,11-1011.00,1.0,0.8,http://data.europa.eu/esco/occupation/a\n",
        );
        let links = parse(&source, "x.csv").unwrap();
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].onet.as_str(), "onet:11-1011.00");
        assert_eq!(links[0].confidence, Some(1.0));
        let graded = MemorySource::new().with(
            "g.csv",
            "onet_code,confidence,concept_uri\n11-1011.00,2.0,http://data.europa.eu/esco/occupation/a\n11-1011.00,0.5,http://data.europa.eu/esco/occupation/b\n",
        );
        let links = parse(&graded, "g.csv").unwrap();
        assert_eq!(
            links.iter().map(|l| l.confidence).collect::<Vec<_>>(),
            [Some(1.0), Some(0.25)]
        );
    }
}
