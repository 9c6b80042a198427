//! JSON-LD to RDF, and RDF Dataset Canonicalization ([RDFC-1.0](https://www.w3.org/TR/rdf-canon/)).
//!
//! - [`canonicalize_nquads`]: N-Quads in, canonical N-Quads out (RDFC-1.0 with SHA-256);
//! - [`canonicalize_jsonld`]: a JSON-LD document (a credential, a proof configuration) is expanded and
//!   turned into RDF with contexts from a [`ContextSet`] only, then canonicalised. The output is the
//!   canonical N-Quads that `eddsa-rdfc-2022` hashes.
//!
//! Everything is bounded ([`Limits`]): the input's size and nesting depth are checked before parsing,
//! the number of contexts loaded and of quads produced are capped, and the canonicalisation refuses
//! graphs whose blank nodes would make RDFC-1.0 explode (see [`Limits`] for why each bound exists).
//! A refused input is an error with a reason, within bounded time; nothing here panics or blocks on
//! I/O. The work is CPU-bound and synchronous, and runs on a short-lived thread of its own with a
//! stack sized for the limits (the JSON-LD processor is deeply recursive), which the call waits
//! for: an async caller should call it from a blocking thread (`tokio::task::spawn_blocking`). The
//! JSON-LD processor is async internally; it is driven to completion with a minimal executor
//! (`pollster`), since its only I/O, the document loader, answers from memory.
//!
//! JSON-LD comes from `sophia_jsonld` (the `json-ld` crate); the canonicalisation from `rdf-canon`,
//! whose call limit on the Hash N-Degree Quads algorithm is what bounds RDFC-1.0's worst case
//! (`sophia_c14n` 0.10 has only a recursion-depth factor and a permutation limit, which do not bound
//! the total work: a complete binary tree of 255 identical blank nodes took it 20 s).

use std::collections::HashMap;
use std::sync::Arc;

use json_syntax::Parse;
use locspan::{Location, Meta};
use oxrdf::{BlankNode, Dataset, GraphName, Literal, NamedNode, Quad, Subject, Term};
use sophia_jsonld::json_ld::{self, JsonLdProcessor, RemoteDocument};
use sophia_jsonld::vocabulary::{ArcBnode, ArcIri, ArcTag, ArcVoc};

use crate::CredentialError;
use crate::contexts::{ContextSet, OfflineLoader};

/// The bounds applied to one canonicalisation. [`Limits::default`] suits credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input, in bytes (the N-Quads text, or the JSON document serialised). Default 1 MiB.
    pub max_input_bytes: usize,
    /// Deepest nesting of JSON arrays and objects. Default 64.
    pub max_json_depth: usize,
    /// How many `@context` documents one JSON-LD processing may load. Default 256.
    pub max_context_loads: usize,
    /// Most quads a document may expand to. Default 100 000.
    pub max_quads: usize,
    /// Most calls to RDFC-1.0's Hash N-Degree Quads algorithm. That algorithm only runs for blank
    /// nodes that their own quads do not tell apart ("tied" blank nodes) and is exponential in the
    /// worst case (the RDFC-1.0 "dataset poisoning" section); this call limit bounds the total work.
    /// Default 4000 (as `rdf-canon` and several other implementations).
    pub max_hash_n_degree_calls: usize,
    /// Largest group of tied blank nodes linked to each other. The Hash N-Degree Quads algorithm
    /// recurses along such links, so this bounds its recursion depth (and the stack it needs).
    /// Default 128.
    pub max_tied_component: usize,
    /// Most quads that mention any one tied blank node (each Hash N-Degree Quads call hashes all of
    /// them). Default 256.
    pub max_tied_degree: usize,
    /// Budget for the Hash N-Degree Quads algorithm as calls × quads per call: the call limit used
    /// is the smaller of [`Limits::max_hash_n_degree_calls`] and this budget divided by the number
    /// of quads of the most-mentioned tied blank node. A call costs about as many hashes as its node
    /// has quads, so this bounds the total time (a 40-node clique, 78 quads per node, would take
    /// 4000 calls 9 s in a debug build, 2.5 s optimised). Default 32 000: tied nodes with up to 8
    /// quads get the full 4000 calls, refused bombs take about a second in a debug build.
    pub max_hash_n_degree_work: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_input_bytes: 1 << 20,
            max_json_depth: 64,
            max_context_loads: crate::contexts::DEFAULT_MAX_CONTEXT_LOADS,
            max_quads: 100_000,
            max_hash_n_degree_calls: 4000,
            max_tied_component: 128,
            max_tied_degree: 256,
            max_hash_n_degree_work: 32_000,
        }
    }
}

/// The hash function RDFC-1.0 uses. SHA-256 is the default and what `eddsa-rdfc-2022` requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HashAlgorithm {
    /// SHA-256.
    #[default]
    Sha256,
    /// SHA-384.
    Sha384,
}

/// Canonicalise an N-Quads document with RDFC-1.0 (SHA-256) under the default [`Limits`]: the
/// canonical N-Quads, one quad per line, each line ending with `\n`, sorted.
pub fn canonicalize_nquads(nquads: &str) -> Result<String, CredentialError> {
    canonicalize_nquads_with(nquads, HashAlgorithm::Sha256, &Limits::default())
}

/// [`canonicalize_nquads`] with a chosen hash function and limits.
pub fn canonicalize_nquads_with(
    nquads: &str,
    hash: HashAlgorithm,
    limits: &Limits,
) -> Result<String, CredentialError> {
    on_own_stack(limits, || {
        let dataset = parse_nquads(nquads, limits)?;
        canonicalize_dataset(&dataset, hash, limits)
    })
}

/// Turn a JSON-LD document into RDF (contexts only from `contexts`, never fetched) and canonicalise
/// it with RDFC-1.0 (SHA-256) under the default [`Limits`]: the canonical N-Quads that
/// `eddsa-rdfc-2022` hashes (a credential without its `proof`, or a proof configuration).
///
/// Refused: a document that is too large or too deep, that names a context outside `contexts`
/// ([`CredentialError::UnknownContext`] with the URL), that uses a term its contexts do not define,
/// or that expands to no RDF at all ([`CredentialError::Invalid`]); a graph too costly to
/// canonicalise ([`CredentialError::Canonicalization`]).
pub fn canonicalize_jsonld(
    doc: &serde_json::Value,
    contexts: &ContextSet,
) -> Result<String, CredentialError> {
    canonicalize_jsonld_with(doc, contexts, &Limits::default())
}

/// [`canonicalize_jsonld`] with chosen limits.
pub fn canonicalize_jsonld_with(
    doc: &serde_json::Value,
    contexts: &ContextSet,
    limits: &Limits,
) -> Result<String, CredentialError> {
    check_json_shape(doc, limits)?;
    on_own_stack(limits, || {
        let dataset = jsonld_to_dataset(doc, contexts, limits)?;
        canonicalize_dataset(&dataset, HashAlgorithm::Sha256, limits)
    })
}

/// Run `work` on a short-lived thread of its own, with a stack sized for the limits, and wait for
/// it. The JSON-LD processor expands nested objects through recursive async calls that take about
/// 250 KiB of stack per nesting level in a debug build (a 16-level document overflowed a 2 MiB
/// thread, tokio's default), and RDFC-1.0 recurses once per linked tied blank node: neither may
/// depend on the caller's stack. A panic in `work` comes back as an error.
fn on_own_stack<T: Send>(
    limits: &Limits,
    work: impl FnOnce() -> Result<T, CredentialError> + Send,
) -> Result<T, CredentialError> {
    let stack = (4usize << 20)
        .saturating_add(limits.max_json_depth.saturating_mul(256 << 10))
        .saturating_add(limits.max_tied_component.saturating_mul(16 << 10));
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("guild-rdfc".into())
            .stack_size(stack)
            .spawn_scoped(scope, work)
            .map_err(|error| {
                CredentialError::Canonicalization(format!(
                    "cannot start the canonicalisation thread: {error}"
                ))
            })?;
        worker.join().unwrap_or_else(|_| {
            Err(CredentialError::Invalid(
                "the JSON-LD processor or the canonicaliser failed on this document".into(),
            ))
        })
    })
}

/// Expand a JSON-LD document and turn it into an RDF dataset (JSON-LD 1.1 "to RDF"). The caller
/// has checked the document's shape ([`check_json_shape`]).
fn jsonld_to_dataset(
    doc: &serde_json::Value,
    contexts: &ContextSet,
    limits: &Limits,
) -> Result<Dataset, CredentialError> {
    let text = serde_json::to_string(doc).map_err(|error| {
        CredentialError::Invalid(format!("cannot serialise the document: {error}"))
    })?;
    if text.len() > limits.max_input_bytes {
        return Err(too_large(text.len(), limits));
    }
    let loader = contexts.loader().with_max_loads(limits.max_context_loads);
    // (A panic inside the JSON-LD processor, which has internal `unwrap`s, ends the worker thread
    // of `on_own_stack`, not the caller.)
    let quads = pollster::block_on(expand_to_quads(&text, loader.clone(), limits));
    let quads = match quads {
        Ok(quads) => quads,
        // The loader's own refusal (unknown context, too many loads) says more than the
        // processor's wrapping of it.
        Err(error) => return Err(loader.refusal().unwrap_or(error)),
    };
    let mut dataset = Dataset::new();
    for quad in &quads {
        dataset.insert(quad);
    }
    if dataset.is_empty() {
        return Err(CredentialError::Invalid(
            "the JSON-LD document expands to nothing: it makes no statement (a node needs a property or a type; relative IRIs have no base)".into(),
        ));
    }
    Ok(dataset)
}

type Loc = Location<ArcIri>;

/// JSON-LD 1.1 expansion and "to RDF" with the offline loader, as `oxrdf` quads.
async fn expand_to_quads(
    text: &str,
    mut loader: OfflineLoader,
    limits: &Limits,
) -> Result<Vec<Quad>, CredentialError> {
    // Locations only point into the text for error messages; the document has no URL, so
    // relative IRIs are not resolved against anything.
    let label = ArcIri::new_unchecked(Arc::from("urn:guild:document"));
    let json = json_syntax::Value::parse_str(text, |span| Location::new(label.clone(), span))
        .map_err(|Meta(error, location)| {
            CredentialError::Invalid(format!("invalid JSON {}: {error}", at(text, &location)))
        })?;
    let document: RemoteDocument<ArcIri> = RemoteDocument::new(None, None, json);
    // Strict: a key that no context defines (and that is not an IRI) is an error instead of being
    // dropped silently, as Data Integrity's "safe mode" asks: no unsigned, invisible data.
    let options: json_ld::Options<ArcIri, Loc> = json_ld::Options {
        expansion_policy: json_ld::expansion::Policy::Strict,
        ..Default::default()
    };
    let mut vocabulary = ArcVoc {};
    let mut generator = rdf_types::generator::Blank::new()
        .with_metadata(Location::new(label.clone(), Default::default()));
    let mut to_rdf = document
        .to_rdf_with_using(&mut vocabulary, &mut generator, &mut loader, options)
        .await
        .map_err(|json_ld::ToRdfError::Expand(error)| expand_error(text, error))?;
    let mut quads = Vec::new();
    for quad in to_rdf.cloned_quads() {
        if quads.len() >= limits.max_quads {
            return Err(CredentialError::Invalid(format!(
                "the document expands to more than {} quads",
                limits.max_quads
            )));
        }
        quads.push(rdf_quad_to_oxrdf(quad)?);
    }
    Ok(quads)
}

/// Where `location` is in `text`: the byte range and the text there, shortened.
fn at(text: &str, location: &Loc) -> String {
    let span = location.span();
    let snippet: String = text
        .get(span.start()..span.end())
        .unwrap_or("")
        .chars()
        .take(80)
        .collect();
    format!("at bytes {}..{} (`{snippet}`)", span.start(), span.end())
}

fn expand_error<E: std::fmt::Display, C: std::fmt::Display>(
    text: &str,
    error: json_ld::ExpandError<Loc, E, C>,
) -> CredentialError {
    use json_ld::ExpandError;
    CredentialError::Invalid(match error {
        ExpandError::Expansion(Meta(json_ld::expansion::Error::KeyExpansionFailed, location)) => {
            format!(
                "the JSON-LD term {} is not defined by the document's contexts (undefined terms are refused, not dropped)",
                at(text, &location)
            )
        }
        ExpandError::Expansion(Meta(error, location)) => {
            format!("invalid JSON-LD {}: {error}", at(text, &location))
        }
        ExpandError::ContextProcessing(Meta(error, location)) => {
            format!("invalid JSON-LD context {}: {error}", at(text, &location))
        }
        ExpandError::Loading(error) => format!("JSON-LD loading failed: {error}"),
        ExpandError::ContextLoading(error) => format!("JSON-LD context loading failed: {error}"),
    })
}

type RdfId = rdf_types::Id<ArcIri, ArcBnode>;
type RdfLiteral = rdf_types::Literal<rdf_types::literal::Type<ArcIri, ArcTag>, String>;

fn rdf_quad_to_oxrdf(
    rdf_types::Quad(s, p, o, g): rdf_types::Quad<
        RdfId,
        RdfId,
        rdf_types::Term<RdfId, RdfLiteral>,
        RdfId,
    >,
) -> Result<Quad, CredentialError> {
    let subject = match id_to_oxrdf(&s)? {
        Term::NamedNode(n) => Subject::NamedNode(n),
        Term::BlankNode(b) => Subject::BlankNode(b),
        Term::Literal(_) => return Err(unsupported("a literal subject")),
    };
    let predicate = match id_to_oxrdf(&p)? {
        Term::NamedNode(n) => n,
        _ => return Err(unsupported("a predicate that is not an IRI")),
    };
    let object = match o {
        rdf_types::Term::Id(id) => id_to_oxrdf(&id)?,
        rdf_types::Term::Literal(literal) => Term::Literal(literal_to_oxrdf(literal)?),
    };
    let graph = match g.as_ref().map(id_to_oxrdf).transpose()? {
        None => GraphName::DefaultGraph,
        Some(Term::NamedNode(n)) => GraphName::NamedNode(n),
        Some(Term::BlankNode(b)) => GraphName::BlankNode(b),
        Some(Term::Literal(_)) => return Err(unsupported("a literal graph name")),
    };
    Ok(Quad::new(subject, predicate, object, graph))
}

fn unsupported(what: &str) -> CredentialError {
    CredentialError::Invalid(format!("the JSON-LD document produces {what}"))
}

fn invalid(what: &str, error: &dyn std::fmt::Display) -> CredentialError {
    CredentialError::Invalid(format!(
        "the JSON-LD document produces an invalid {what}: {error}"
    ))
}

fn id_to_oxrdf(id: &RdfId) -> Result<Term, CredentialError> {
    match id {
        rdf_types::Id::Iri(iri) => NamedNode::new(iri.as_str())
            .map(Term::NamedNode)
            .map_err(|e| invalid("IRI", &e)),
        rdf_types::Id::Blank(blank) => {
            let label: &str = blank;
            BlankNode::new(label.strip_prefix("_:").unwrap_or(label))
                .map(Term::BlankNode)
                .map_err(|e| invalid("blank node label", &e))
        }
    }
}

fn literal_to_oxrdf(literal: RdfLiteral) -> Result<Literal, CredentialError> {
    let (value, type_) = literal.into_parts();
    match type_ {
        rdf_types::literal::Type::Any(datatype) => {
            let datatype =
                NamedNode::new(datatype.as_str()).map_err(|e| invalid("datatype", &e))?;
            Ok(Literal::new_typed_literal(value, datatype))
        }
        rdf_types::literal::Type::LangString(tag) => {
            Literal::new_language_tagged_literal(value, tag.as_str())
                .map_err(|e| invalid("language tag", &e))
        }
    }
}

fn too_large(size: usize, limits: &Limits) -> CredentialError {
    CredentialError::Invalid(format!(
        "the document is too large: {size} bytes, at most {} allowed",
        limits.max_input_bytes
    ))
}

/// Refuse a JSON value whose arrays and objects nest deeper than the limit, or that is obviously
/// larger than the size limit, without recursion (the value may come from anywhere).
fn check_json_shape(doc: &serde_json::Value, limits: &Limits) -> Result<(), CredentialError> {
    let mut size = 0usize;
    let mut stack = vec![(doc, 1usize)];
    while let Some((value, depth)) = stack.pop() {
        let container = matches!(
            value,
            serde_json::Value::Array(_) | serde_json::Value::Object(_)
        );
        if container && depth > limits.max_json_depth {
            return Err(CredentialError::Invalid(format!(
                "the document is nested too deeply: more than {} levels",
                limits.max_json_depth
            )));
        }
        size += match value {
            serde_json::Value::Null | serde_json::Value::Bool(_) => 5,
            serde_json::Value::Number(_) => 8,
            serde_json::Value::String(s) => s.len() + 2,
            serde_json::Value::Array(items) => {
                stack.extend(items.iter().map(|item| (item, depth + 1)));
                items.len() + 2
            }
            serde_json::Value::Object(members) => {
                for (key, item) in members {
                    size += key.len() + 4;
                    stack.push((item, depth + 1));
                }
                2
            }
        };
        if size > limits.max_input_bytes {
            return Err(too_large(size, limits));
        }
    }
    Ok(())
}

fn parse_nquads(nquads: &str, limits: &Limits) -> Result<Dataset, CredentialError> {
    if nquads.len() > limits.max_input_bytes {
        return Err(too_large(nquads.len(), limits));
    }
    let mut dataset = Dataset::new();
    for (count, quad) in oxttl::NQuadsParser::new()
        .for_slice(nquads.as_bytes())
        .enumerate()
    {
        if count >= limits.max_quads {
            return Err(CredentialError::Invalid(format!(
                "more than {} quads",
                limits.max_quads
            )));
        }
        let quad =
            quad.map_err(|error| CredentialError::Invalid(format!("invalid N-Quads: {error}")))?;
        dataset.insert(&quad);
    }
    Ok(dataset)
}

/// Canonicalise a dataset with RDFC-1.0, after checking that its blank nodes cannot make the
/// algorithm explode (see [`Limits`]).
fn canonicalize_dataset(
    dataset: &Dataset,
    hash: HashAlgorithm,
    limits: &Limits,
) -> Result<String, CredentialError> {
    if dataset.len() > limits.max_quads {
        return Err(CredentialError::Invalid(format!(
            "more than {} quads",
            limits.max_quads
        )));
    }
    let options = hash_n_degree_options(dataset, limits)?;
    let result = match hash {
        HashAlgorithm::Sha256 => rdf_canon::canonicalize_with::<sha2::Sha256>(dataset, &options),
        HashAlgorithm::Sha384 => rdf_canon::canonicalize_with::<sha2::Sha384>(dataset, &options),
    };
    result.map_err(canonicalization_error)
}

/// Check the tied blank nodes and derive the Hash N-Degree Quads call limit from the work budget.
fn hash_n_degree_options(
    dataset: &Dataset,
    limits: &Limits,
) -> Result<rdf_canon::CanonicalizationOptions, CredentialError> {
    let max_degree = check_tied_blank_nodes(dataset, limits)?;
    let calls = limits
        .max_hash_n_degree_calls
        .min(limits.max_hash_n_degree_work / max_degree.max(1));
    Ok(rdf_canon::CanonicalizationOptions {
        hndq_call_limit: Some(calls),
    })
}

fn canonicalization_error(error: rdf_canon::CanonicalizationError) -> CredentialError {
    CredentialError::Canonicalization(match error {
        rdf_canon::CanonicalizationError::HndqCallLimitExceeded(limit) => format!(
            "the graph's blank nodes are too symmetric: RDFC-1.0 needed more than {limit} Hash N-Degree Quads calls, the limit for this graph (a canonicalisation bomb?)"
        ),
        other => other.to_string(),
    })
}

/// The RDFC-1.0 map from input blank node labels to canonical ones (`c14n0`, …), under the
/// given limits: what the RDFC-1.0 "map" tests check.
#[cfg(test)]
fn canonical_labels(
    dataset: &Dataset,
    hash: HashAlgorithm,
    limits: &Limits,
) -> Result<HashMap<String, String>, CredentialError> {
    let options = hash_n_degree_options(dataset, limits)?;
    match hash {
        HashAlgorithm::Sha256 => rdf_canon::issue_with::<sha2::Sha256>(dataset, &options),
        HashAlgorithm::Sha384 => rdf_canon::issue_with::<sha2::Sha384>(dataset, &options),
    }
    .map_err(canonicalization_error)
}

/// Find the blank nodes that RDFC-1.0's first-degree hash does not tell apart (the same quads up to
/// blank node labels), and refuse the dataset if such nodes form too large a linked group or are
/// mentioned by too many quads: the Hash N-Degree Quads algorithm only runs on these nodes and
/// recurses only from one to another of a linked group, so this bounds its depth and per-call work.
/// Returns the largest number of quads mentioning one tied blank node.
fn check_tied_blank_nodes(dataset: &Dataset, limits: &Limits) -> Result<usize, CredentialError> {
    // Quads (by index) mentioning each blank node.
    let quads: Vec<_> = dataset.iter().collect();
    let mut mentions: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, quad) in quads.iter().enumerate() {
        for label in quad_blank_nodes(quad) {
            let list = mentions.entry(label).or_default();
            if list.last() != Some(&index) {
                list.push(index);
            }
        }
    }
    if mentions.len() < 2 {
        return Ok(0);
    }
    // The first-degree signature of each blank node: its quads with itself as `_:a` and every other
    // blank node as `_:z`, sorted (equal signatures ⇔ equal RDFC-1.0 first-degree hashes).
    let mut signature_count: HashMap<[u8; 32], usize> = HashMap::new();
    let mut signatures: HashMap<&str, [u8; 32]> = HashMap::with_capacity(mentions.len());
    for (&label, indexes) in &mentions {
        let mut lines: Vec<String> = indexes
            .iter()
            .map(|&index| first_degree_line(&quads[index], label))
            .collect();
        lines.sort_unstable();
        let mut hasher = <sha2::Sha256 as sha2::Digest>::new();
        for line in &lines {
            sha2::Digest::update(&mut hasher, line.as_bytes());
            sha2::Digest::update(&mut hasher, b"\n");
        }
        let signature: [u8; 32] = sha2::Digest::finalize(hasher).into();
        *signature_count.entry(signature).or_default() += 1;
        signatures.insert(label, signature);
    }
    let tied = |label: &str| {
        signatures
            .get(label)
            .is_some_and(|signature| signature_count.get(signature).copied().unwrap_or(0) > 1)
    };
    // Per-node work, then linked groups of tied nodes (union-find over the quads linking them).
    let mut index_of: HashMap<&str, usize> = HashMap::new();
    let mut max_degree = 0;
    for (&label, indexes) in &mentions {
        if tied(label) {
            max_degree = max_degree.max(indexes.len());
            if indexes.len() > limits.max_tied_degree {
                return Err(CredentialError::Canonicalization(format!(
                    "a blank node that its own statements do not identify appears in {} statements, at most {} allowed (a canonicalisation bomb?)",
                    indexes.len(),
                    limits.max_tied_degree
                )));
            }
            let next = index_of.len();
            index_of.insert(label, next);
        }
    }
    let mut parent: Vec<usize> = (0..index_of.len()).collect();
    let mut size: Vec<usize> = vec![1; index_of.len()];
    fn root(parent: &mut [usize], mut node: usize) -> usize {
        while parent[node] != node {
            parent[node] = parent[parent[node]];
            node = parent[node];
        }
        node
    }
    for quad in &quads {
        let mut linked = quad_blank_nodes(quad).filter_map(|label| index_of.get(label).copied());
        let Some(first) = linked.next() else { continue };
        for other in linked {
            let (a, b) = (root(&mut parent, first), root(&mut parent, other));
            if a != b {
                let (big, small) = if size[a] >= size[b] { (a, b) } else { (b, a) };
                parent[small] = big;
                size[big] += size[small];
                if size[big] > limits.max_tied_component {
                    return Err(CredentialError::Canonicalization(format!(
                        "more than {} linked blank nodes that their own statements do not tell apart (a canonicalisation bomb?)",
                        limits.max_tied_component
                    )));
                }
            }
        }
    }
    Ok(max_degree)
}

fn quad_blank_nodes<'a>(quad: &oxrdf::QuadRef<'a>) -> impl Iterator<Item = &'a str> {
    let subject = match quad.subject {
        oxrdf::SubjectRef::BlankNode(b) => Some(b.as_str()),
        _ => None,
    };
    let object = match quad.object {
        oxrdf::TermRef::BlankNode(b) => Some(b.as_str()),
        _ => None,
    };
    let graph = match quad.graph_name {
        oxrdf::GraphNameRef::BlankNode(b) => Some(b.as_str()),
        _ => None,
    };
    [subject, object, graph].into_iter().flatten()
}

fn first_degree_line(quad: &oxrdf::QuadRef<'_>, label: &str) -> String {
    let blank = |id: &str| if id == label { "_:a" } else { "_:z" };
    let subject = match quad.subject {
        oxrdf::SubjectRef::BlankNode(b) => blank(b.as_str()).to_owned(),
        other => other.to_string(),
    };
    let object = match quad.object {
        oxrdf::TermRef::BlankNode(b) => blank(b.as_str()).to_owned(),
        other => other.to_string(),
    };
    let graph = match quad.graph_name {
        oxrdf::GraphNameRef::BlankNode(b) => blank(b.as_str()).to_owned(),
        oxrdf::GraphNameRef::DefaultGraph => String::new(),
        other => other.to_string(),
    };
    format!("{subject} {} {object} {graph}", quad.predicate)
}

/// The [`RdfCanonicalizer`](crate::proof::RdfCanonicalizer) that `eddsa-rdfc-2022` proofs use:
/// [`canonicalize_jsonld_with`] over a fixed context set and limits.
#[derive(Debug, Clone)]
pub struct JsonLdCanonicalizer {
    contexts: ContextSet,
    limits: Limits,
}

impl JsonLdCanonicalizer {
    /// Canonicalise with `contexts` under the default [`Limits`].
    pub fn new(contexts: ContextSet) -> Self {
        Self {
            contexts,
            limits: Limits::default(),
        }
    }

    /// Use other limits.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}

impl crate::proof::RdfCanonicalizer for JsonLdCanonicalizer {
    fn canonicalize(&self, doc: &serde_json::Value) -> Result<String, CredentialError> {
        canonicalize_jsonld_with(doc, &self.contexts, &self.limits)
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::time::{Duration, Instant};

    use serde_json::{Value, json};
    use sha2::{Digest, Sha256};

    use super::*;
    use crate::contexts::{CREDENTIALS_V2, sha256_hex};

    fn vectors() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors")
    }

    fn read(path: &str) -> String {
        let path = vectors().join(path);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn read_json(path: &str) -> Value {
        serde_json::from_str(&read(path)).unwrap()
    }

    /// Debug builds are slow; a refusal must still come well within this.
    const FAST: Duration = Duration::from_secs(10);

    #[test]
    fn the_w3c_rdfc10_suite_passes() {
        let manifest = read_json("rdf-canon/tests/manifest.jsonld");
        let (mut eval, mut map, mut negative) = (0, 0, 0);
        let mut failures = Vec::new();
        for entry in manifest["entries"].as_array().unwrap() {
            let id = entry["id"].as_str().unwrap();
            let input = read(&format!(
                "rdf-canon/tests/{}",
                entry["action"].as_str().unwrap()
            ));
            let hash = match entry["hashAlgorithm"].as_str() {
                Some("SHA384") => HashAlgorithm::Sha384,
                None | Some("SHA256") => HashAlgorithm::Sha256,
                Some(other) => panic!("{id}: hash {other}"),
            };
            let limits = Limits::default();
            match entry["type"].as_str().unwrap() {
                "rdfc:RDFC10EvalTest" => {
                    eval += 1;
                    let expected = read(&format!(
                        "rdf-canon/tests/{}",
                        entry["result"].as_str().unwrap()
                    ));
                    match canonicalize_nquads_with(&input, hash, &limits) {
                        Ok(actual) if actual == expected => {}
                        Ok(actual) => {
                            failures.push(format!("{id}: got\n{actual}\nexpected\n{expected}"))
                        }
                        Err(error) => failures.push(format!("{id}: {error}")),
                    }
                }
                "rdfc:RDFC10MapTest" => {
                    map += 1;
                    let expected: HashMap<String, String> = serde_json::from_str(&read(&format!(
                        "rdf-canon/tests/{}",
                        entry["result"].as_str().unwrap()
                    )))
                    .unwrap();
                    let dataset = parse_nquads(&input, &limits).unwrap();
                    match canonical_labels(&dataset, hash, &limits) {
                        Ok(actual) if actual == expected => {}
                        Ok(actual) => {
                            failures.push(format!("{id}: got {actual:?}, expected {expected:?}"))
                        }
                        Err(error) => failures.push(format!("{id}: {error}")),
                    }
                }
                "rdfc:RDFC10NegativeEvalTest" => {
                    negative += 1;
                    let start = Instant::now();
                    match canonicalize_nquads_with(&input, hash, &limits) {
                        Err(CredentialError::Canonicalization(_)) if start.elapsed() < FAST => {}
                        other => {
                            failures.push(format!("{id}: {other:?} after {:?}", start.elapsed()))
                        }
                    }
                }
                other => panic!("{id}: unknown test type {other}"),
            }
        }
        println!(
            "RDFC-1.0 suite: {eval} eval, {map} map, {negative} negative; {} failed",
            failures.len()
        );
        assert!(failures.is_empty(), "{}", failures.join("\n\n"));
        assert_eq!((eval, map, negative), (64, 21, 1));
    }

    fn check_canon(doc: &Value, contexts: &ContextSet, expected_path: &str) {
        let actual = canonicalize_jsonld(doc, contexts).unwrap();
        assert_eq!(actual, read(expected_path), "{expected_path}");
    }

    #[test]
    fn eddsa_rdfc_2022_vectors_canonicalise_exactly() {
        let examples = ContextSet::with_examples().unwrap();
        let dir = "vc-di-eddsa/TestVectors";
        let unsigned = read_json(&format!("{dir}/unsigned.json"));
        check_canon(
            &unsigned,
            &examples,
            &format!("{dir}/eddsa-rdfc-2022/canonDocDataInt.txt"),
        );
        check_canon(
            &read_json(&format!("{dir}/eddsa-rdfc-2022/proofConfigDataInt.json")),
            &examples,
            &format!("{dir}/eddsa-rdfc-2022/proofCanonDataInt.txt"),
        );
        let doc_hash = sha256_hex(
            canonicalize_jsonld(&unsigned, &examples)
                .unwrap()
                .as_bytes(),
        );
        assert_eq!(
            doc_hash,
            read(&format!("{dir}/eddsa-rdfc-2022/docHashDataInt.txt")).trim()
        );
        // The legacy Ed25519Signature2020 vectors use the same RDFC-1.0 (URDNA2015) canonical form.
        check_canon(
            &unsigned,
            &examples,
            &format!("{dir}/Ed25519Signature2020/canonDocEdSig.txt"),
        );
        check_canon(
            &read_json(&format!("{dir}/Ed25519Signature2020/proofConfigEdSig.json")),
            &examples,
            &format!("{dir}/Ed25519Signature2020/proofCanonEdSig.txt"),
        );
    }

    #[test]
    fn eddsa_rdfc_2022_employment_vector_canonicalises_with_the_citizenship_context() {
        let citizenship = (
            "https://w3id.org/citizenship/v4rc1".to_owned(),
            read("citizenship-vocab/contexts/citizenship-v4rc1.jsonld"),
        );
        let contexts = ContextSet::with_extra(vec![citizenship]).unwrap();
        let dir = "vc-di-eddsa/TestVectors";
        check_canon(
            &read_json(&format!("{dir}/employmentAuth.json")),
            &contexts,
            &format!("{dir}/eddsa-rdfc-2022/employ/canonDocDataInt.txt"),
        );
        check_canon(
            &read_json(&format!(
                "{dir}/eddsa-rdfc-2022/employ/proofConfigDataInt.json"
            )),
            &contexts,
            &format!("{dir}/eddsa-rdfc-2022/employ/proofCanonDataInt.txt"),
        );
        // Without the citizenship context, the vector is refused, naming the context.
        let error = canonicalize_jsonld(
            &read_json(&format!("{dir}/employmentAuth.json")),
            &ContextSet::production().unwrap(),
        )
        .unwrap_err();
        assert_eq!(
            error,
            CredentialError::UnknownContext("https://w3id.org/citizenship/v4rc1".into())
        );
    }

    /// The public key of an Ed25519 `did:key` verification method (`did:key:z6Mk…#z6Mk…`).
    fn did_key_public_key(verification_method: &str) -> ed25519_dalek::VerifyingKey {
        let multibase = verification_method
            .strip_prefix("did:key:")
            .and_then(|rest| rest.split('#').next())
            .unwrap();
        let (_, bytes) = multibase::decode(multibase).unwrap();
        assert_eq!(&bytes[..2], &[0xed, 0x01]);
        ed25519_dalek::VerifyingKey::from_bytes(bytes[2..].try_into().unwrap()).unwrap()
    }

    /// Check one eddsa-rdfc-2022 proof of `signed` by hand: the canonical forms come from this
    /// module, the rest is the cryptosuite's hash-and-verify.
    fn rdfc_proof_verifies(signed: &Value, proof: &Value, contexts: &ContextSet) -> bool {
        let mut config = proof.clone();
        let proof_value = config
            .as_object_mut()
            .unwrap()
            .remove("proofValue")
            .unwrap();
        config["@context"] = signed["@context"].clone();
        let mut document = signed.clone();
        let all_proofs = document.as_object_mut().unwrap().remove("proof").unwrap();
        if let Some(previous) = proof.get("previousProof") {
            let ids: Vec<&str> = match previous {
                Value::String(id) => vec![id.as_str()],
                Value::Array(ids) => ids.iter().map(|id| id.as_str().unwrap()).collect(),
                _ => panic!("previousProof"),
            };
            let previous: Vec<Value> = all_proofs
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| p["id"].as_str().is_some_and(|id| ids.contains(&id)))
                .cloned()
                .collect();
            assert_eq!(previous.len(), ids.len());
            document["proof"] = if previous.len() == 1 {
                previous[0].clone()
            } else {
                Value::Array(previous)
            };
        }
        let mut hash_data =
            Sha256::digest(canonicalize_jsonld(&config, contexts).unwrap()).to_vec();
        hash_data.extend(Sha256::digest(
            canonicalize_jsonld(&document, contexts).unwrap(),
        ));
        let (_, signature) = multibase::decode(proof_value.as_str().unwrap()).unwrap();
        let signature = ed25519_dalek::Signature::from_slice(&signature).unwrap();
        did_key_public_key(proof["verificationMethod"].as_str().unwrap())
            .verify_strict(&hash_data, &signature)
            .is_ok()
    }

    #[test]
    fn proof_set_and_chain_vectors_verify_over_these_canonical_forms() {
        let examples = ContextSet::with_examples().unwrap();
        let dir = "vc-di-eddsa/TestVectors/proof-set-chain";
        let mut checked = 0;
        for file in [
            "signedProofSet1",
            "signedProofSet2",
            "signedProofChain1",
            "signedProofChain2",
        ] {
            let signed = read_json(&format!("{dir}/{file}.json"));
            let proofs = match &signed["proof"] {
                Value::Array(proofs) => proofs.clone(),
                single => vec![single.clone()],
            };
            for proof in &proofs {
                assert!(
                    rdfc_proof_verifies(&signed, proof, &examples),
                    "{file}: {proof}"
                );
                checked += 1;
            }
            // A changed statement breaks every proof.
            let mut tampered = signed.clone();
            tampered["credentialSubject"]["alumniOf"] = json!("The School of Tampering");
            assert!(
                !rdfc_proof_verifies(&tampered, &proofs[0], &examples),
                "{file}"
            );
        }
        assert_eq!(checked, 1 + 2 + 3 + 4);
        // The unsigned document and the proof configurations canonicalise too.
        assert!(
            canonicalize_jsonld(&read_json(&format!("{dir}/unsigned.json")), &examples).is_ok()
        );
        for file in [
            "proofSetConfig1",
            "proofSetConfig2",
            "proofChainConfig1",
            "proofChainConfig2",
        ] {
            let mut config = read_json(&format!("{dir}/{file}.json"));
            config["@context"] = json!([
                CREDENTIALS_V2,
                "https://www.w3.org/ns/credentials/examples/v2"
            ]);
            let canon = canonicalize_jsonld(&config, &examples).unwrap();
            assert!(canon.contains("eddsa-rdfc-2022"), "{file}");
        }
    }

    #[test]
    fn the_open_badges_worked_example_canonicalises_exactly() {
        let dir = "openbadges-specification/ob_v3p0/impl/test-vectors/obv3p0";
        let signed = read_json(&format!("{dir}/signed-credential.extracted.json"));
        let values = read_json(&format!("{dir}/vector-values.extracted.json"));
        let production = ContextSet::production().unwrap();
        let mut document = signed.clone();
        let proof = document.as_object_mut().unwrap().remove("proof").unwrap();
        let canon = canonicalize_jsonld(&document, &production).unwrap();
        assert_eq!(canon, read(&format!("{dir}/document-canon.txt")));
        assert_eq!(sha256_hex(canon.as_bytes()), values["documentHashHex"]);
        let mut options = proof.clone();
        options.as_object_mut().unwrap().remove("proofValue");
        options["@context"] = signed["@context"].clone();
        let canon = canonicalize_jsonld(&options, &production).unwrap();
        assert_eq!(canon, read(&format!("{dir}/proof-canon.txt")));
        assert_eq!(sha256_hex(canon.as_bytes()), values["proofHashHex"]);
    }

    #[test]
    fn an_unknown_context_is_refused_with_its_url() {
        let doc = json!({
            "@context": [CREDENTIALS_V2, "https://example.com/my-context.jsonld"],
            "type": ["VerifiableCredential"],
            "issuer": "did:example:issuer",
            "credentialSubject": {"id": "did:example:subject"}
        });
        let error = canonicalize_jsonld(&doc, &ContextSet::production().unwrap()).unwrap_err();
        assert_eq!(
            error,
            CredentialError::UnknownContext("https://example.com/my-context.jsonld".into())
        );
        // The examples context is not a production context.
        let doc = read_json("vc-di-eddsa/TestVectors/unsigned.json");
        let error = canonicalize_jsonld(&doc, &ContextSet::production().unwrap()).unwrap_err();
        assert_eq!(
            error,
            CredentialError::UnknownContext("https://www.w3.org/ns/credentials/examples/v2".into())
        );
        // A context named inside the document (a scoped context) goes through the same loader.
        let doc = json!({
            "@context": {"@vocab": "https://example.com/vocab#", "nested": {"@id": "https://example.com/nested", "@context": "https://evil.example/ctx"}},
            "nested": {"name": "x"}
        });
        let error = canonicalize_jsonld(&doc, &ContextSet::production().unwrap()).unwrap_err();
        assert_eq!(
            error,
            CredentialError::UnknownContext("https://evil.example/ctx".into())
        );
    }

    #[test]
    fn a_document_of_only_undefined_terms_is_invalid() {
        let production = ContextSet::production().unwrap();
        for doc in [
            json!({"name": "Alice", "knows": {"name": "Bob"}}),
            json!({"@context": {"other": "https://example.com/other"}, "name": "Alice"}),
            json!({"@context": "https://www.w3.org/2018/credentials/v1", "name": "Alice"}),
            json!({}),
            json!([]),
        ] {
            let error = canonicalize_jsonld(&doc, &production).unwrap_err();
            assert!(
                matches!(error, CredentialError::Invalid(_)),
                "{doc}: {error:?}"
            );
        }
        let error =
            canonicalize_jsonld(&json!({"@context": {}, "@id": "urn:x"}), &production).unwrap_err();
        assert!(error.to_string().contains("expands to nothing"), "{error}");
        let error = canonicalize_jsonld(&json!({"name": "Alice"}), &production).unwrap_err();
        assert!(error.to_string().contains("name"), "{error}");
    }

    #[test]
    fn malformed_input_is_refused_with_a_reason() {
        for bad in [
            "<http://a> <http://b> .",
            "_:a <http://b> \"x\"@ .",
            "<a> <b> <c> .",
        ] {
            let error = canonicalize_nquads(bad).unwrap_err();
            assert!(
                matches!(error, CredentialError::Invalid(ref m) if m.contains("N-Quads")),
                "{bad}: {error:?}"
            );
        }
        assert_eq!(canonicalize_nquads("").unwrap(), "");
        let production = ContextSet::production().unwrap();
        // A context that is not JSON-LD.
        let error =
            canonicalize_jsonld(&json!({"@context": 5, "name": "x"}), &production).unwrap_err();
        assert!(matches!(error, CredentialError::Invalid(_)), "{error:?}");
    }

    #[test]
    fn a_deep_or_large_document_is_refused_before_parsing() {
        let production = ContextSet::production().unwrap();
        let mut deep = json!({"@id": "urn:leaf"});
        for _ in 0..100 {
            deep = json!({"@context": {"@vocab": "https://example.com/"}, "next": deep});
        }
        let start = Instant::now();
        let error = canonicalize_jsonld(&deep, &production).unwrap_err();
        assert!(error.to_string().contains("nested too deeply"), "{error}");
        assert!(start.elapsed() < Duration::from_millis(100));
        // Much deeper than serde_json's own parser allows, built by hand: still refused, no overflow.
        let mut very_deep = json!(1);
        for _ in 0..100_000 {
            very_deep = Value::Array(vec![very_deep]);
        }
        assert!(canonicalize_jsonld(&very_deep, &production).is_err());
        std::mem::forget(very_deep); // its recursive drop would need a deep stack

        let large =
            json!({"@context": {"@vocab": "https://example.com/"}, "blob": "x".repeat(2 << 20)});
        let error = canonicalize_jsonld(&large, &production).unwrap_err();
        assert!(error.to_string().contains("too large"), "{error}");
        let error = canonicalize_nquads(&"<urn:a> <urn:b> <urn:c> .\n".repeat(60_000)).unwrap_err();
        assert!(error.to_string().contains("too large"), "{error}");
    }

    /// A complete binary tree of blank nodes that all look alike: each level makes RDFC-1.0's work
    /// four times larger (`sophia_c14n` 0.10 needed 20 s for height 7).
    fn tree_bomb_nquads(height: u32) -> String {
        let nodes = (1u32 << (height + 1)) - 1;
        (0..nodes / 2)
            .map(|i| {
                format!(
                    "_:n{i} <urn:p> _:n{} .\n_:n{i} <urn:p> _:n{} .\n",
                    2 * i + 1,
                    2 * i + 2
                )
            })
            .collect()
    }

    fn tree_bomb_jsonld(height: u32) -> Value {
        let mut node = json!({});
        for _ in 0..height {
            node = json!({"p": [node.clone(), node]});
        }
        json!({"@context": {"@vocab": "https://example.com/"}, "p": node})
    }

    fn clique_nquads(size: usize) -> String {
        let mut out = String::new();
        for i in 0..size {
            for j in 0..size {
                if i != j {
                    out += &format!("_:e{i} <urn:p> _:e{j} .\n");
                }
            }
        }
        out
    }

    /// An RDF list of identical values: all the list nodes but the ends look alike, and RDFC-1.0
    /// recurses along the list (1000 deep overflowed a 2 MiB stack in a debug build).
    fn chain_nquads(length: usize) -> String {
        let first = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#first>";
        let rest = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#rest>";
        let mut out = String::from("<urn:s> <urn:p> _:l0 .\n");
        for i in 0..length {
            out += &format!("_:l{i} {first} \"a\" .\n");
            if i + 1 < length {
                out += &format!("_:l{i} {rest} _:l{} .\n", i + 1);
            } else {
                out +=
                    &format!("_:l{i} {rest} <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> .\n");
            }
        }
        out
    }

    /// Two blank nodes linked to the same `leaves` blank nodes: RDFC-1.0 tries every order of them.
    fn twin_hubs_nquads(leaves: usize) -> String {
        (0..leaves)
            .map(|i| format!("_:a <urn:p> _:l{i} .\n_:b <urn:p> _:l{i} .\n"))
            .collect()
    }

    #[test]
    fn short_lists_of_identical_values_are_canonicalised() {
        assert_eq!(
            canonicalize_nquads(&chain_nquads(30))
                .unwrap()
                .lines()
                .count(),
            61
        );
        let production = ContextSet::production().unwrap();
        let doc = json!({
            "@context": {"@vocab": "https://example.com/", "scores": {"@container": "@list"}},
            "@id": "urn:x",
            "scores": vec![1; 20],
        });
        let canon = canonicalize_jsonld(&doc, &production).unwrap();
        assert_eq!(canon.lines().count(), 41);
        assert!(canon.starts_with("<urn:x> <https://example.com/scores> _:c14n"));
    }

    #[test]
    fn a_document_that_loads_contexts_over_and_over_is_refused() {
        let production = ContextSet::production().unwrap();
        let items: Vec<Value> = (0..300)
            .map(
                |i| json!({"@context": CREDENTIALS_V2, "id": format!("urn:item:{i}"), "name": "x"}),
            )
            .collect();
        let doc = json!({"@context": [CREDENTIALS_V2, {"items": "https://example.com/items"}], "items": items});
        let start = Instant::now();
        let error = canonicalize_jsonld(&doc, &production).unwrap_err();
        assert!(
            error.to_string().contains("more than 256 JSON-LD contexts"),
            "{error}"
        );
        assert!(start.elapsed() < FAST);
    }

    #[test]
    fn blank_node_bombs_are_refused_fast() {
        let production = ContextSet::production().unwrap();
        type Bomb = Box<dyn Fn() -> Result<String, CredentialError>>;
        let cases: Vec<(&str, Bomb)> = vec![
            (
                "tree of 255 (N-Quads)",
                Box::new(|| canonicalize_nquads(&tree_bomb_nquads(7))),
            ),
            (
                "tree of 4095 (N-Quads)",
                Box::new(|| canonicalize_nquads(&tree_bomb_nquads(11))),
            ),
            (
                "tree of 1023 (JSON-LD)",
                Box::new(move || canonicalize_jsonld(&tree_bomb_jsonld(9), &production)),
            ),
            (
                "clique of 8",
                Box::new(|| canonicalize_nquads(&clique_nquads(8))),
            ),
            (
                "clique of 10",
                Box::new(|| canonicalize_nquads(&clique_nquads(10))),
            ),
            (
                "clique of 40",
                Box::new(|| canonicalize_nquads(&clique_nquads(40))),
            ),
            (
                "clique of 100",
                Box::new(|| canonicalize_nquads(&clique_nquads(100))),
            ),
            (
                "chain of 1000 alike",
                Box::new(|| canonicalize_nquads(&chain_nquads(1000))),
            ),
            (
                "twin hubs sharing 10 leaves",
                Box::new(|| canonicalize_nquads(&twin_hubs_nquads(10))),
            ),
            (
                "twin hubs sharing 300 leaves",
                Box::new(|| canonicalize_nquads(&twin_hubs_nquads(300))),
            ),
        ];
        for (name, run) in cases {
            let start = Instant::now();
            let result = run();
            let elapsed = start.elapsed();
            println!("{name}: {elapsed:?} {result:?}");
            assert!(
                matches!(result, Err(CredentialError::Canonicalization(_))),
                "{name}: {result:?}"
            );
            assert!(elapsed < FAST, "{name}: {elapsed:?}");
        }
    }

    #[test]
    fn many_blank_nodes_that_are_told_apart_are_fine() {
        // 2000 blank nodes, each with its own literal: no tie, no Hash N-Degree Quads at all.
        let nquads: String = (0..2000)
            .map(|i| format!("<urn:s> <urn:p> _:b{i} .\n_:b{i} <urn:v> \"{i}\" .\n"))
            .collect();
        let start = Instant::now();
        let canon = canonicalize_nquads(&nquads).unwrap();
        assert_eq!(canon.lines().count(), 4000);
        assert!(start.elapsed() < FAST);
        // Many identical leaves of one identified node are tied but independent: cheap, accepted.
        let leaves: String = (0..500)
            .map(|i| format!("<urn:s> <urn:p> _:l{i} .\n"))
            .collect();
        assert_eq!(canonicalize_nquads(&leaves).unwrap().lines().count(), 500);
        // A small symmetric graph (the suite's "circle" and "diamond" kind) is still canonicalised.
        assert!(canonicalize_nquads(&tree_bomb_nquads(3)).is_ok());
    }

    #[test]
    fn works_from_a_thread_with_a_2_mib_stack_like_tokio_workers() {
        // pollster drives the JSON-LD processor; no runtime is needed or created. The deep work runs
        // on a thread of its own, so a caller on a 2 MiB stack (tokio's default) is safe even with
        // the deepest document and the deepest RDFC-1.0 recursion the limits allow.
        let handle = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(|| {
                let doc = read_json("vc-di-eddsa/TestVectors/unsigned.json");
                let first =
                    canonicalize_jsonld(&doc, &ContextSet::with_examples().unwrap()).unwrap();
                // The deepest JSON-LD nesting the limits allow.
                let mut deep = json!({"@id": "urn:leaf", "name": "leaf"});
                for _ in 0..62 {
                    deep = json!({"next": deep});
                }
                let deep = json!({"@context": {"@vocab": "https://example.com/"}, "next": deep});
                assert_eq!(
                    canonicalize_jsonld(&deep, &ContextSet::production().unwrap())
                        .unwrap()
                        .lines()
                        .count(),
                    64
                );
                // The deepest recursion the limits allow: 128 linked blank nodes that look alike.
                (first, canonicalize_nquads(&chain_nquads(128)))
            })
            .unwrap();
        let (first, chain) = handle.join().unwrap();
        assert!(first.starts_with("<did:example:abcdefgh>"));
        assert!(chain.is_ok() || matches!(chain, Err(CredentialError::Canonicalization(_))));
    }
}
