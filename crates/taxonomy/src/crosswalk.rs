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
    Ok(links.into_values().collect())
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
    }
}
