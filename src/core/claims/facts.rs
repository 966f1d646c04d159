//! Key facts across outlets and versions: the value each article states
//! for each of the story's facts, conflicts between outlets, and revisions
//! of one outlet's value.

use serde::{Deserialize, Serialize};

use super::{Analysis, Certainty, Claim, FactKind, FactSpec, Story};

/// The value an article states for one key fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactValue {
    pub fact: String,
    /// Normalised display: `$50 billion`, `3.5%`, `2025-03-03`, `40,000 GPUs`.
    pub value: String,
    /// The sentence stating it.
    pub sentence: usize,
    /// "up to", "about", ... if the article qualifies the value.
    #[serde(default)]
    pub qualifier: Option<String>,
    #[serde(default)]
    pub certainty: Certainty,
}

/// Outlets disagree on a fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    pub fact: String,
    /// Each distinct value with the outlets stating it (most outlets first).
    pub values: Vec<(String, Vec<String>)>,
}

/// One outlet's value for a fact changed between two versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Revision {
    pub fact: String,
    /// The first value stated in each version (None: not stated).
    pub old: Option<String>,
    pub new: Option<String>,
    /// All values stated in each version, in article order.
    pub old_values: Vec<String>,
    pub new_values: Vec<String>,
}

fn mentions_all(entities: &[String], about: &[String]) -> bool {
    about
        .iter()
        .all(|a| entities.iter().any(|e| e.eq_ignore_ascii_case(a)))
}

/// Distance in bytes from `pos` to the nearest word of the fact's name
/// (compared by their first five letters), for picking among several
/// values in one sentence.
fn distance_to_name(text: &str, pos: usize, spec: &FactSpec) -> usize {
    let stems: Vec<String> = spec
        .name
        .split_whitespace()
        .filter(|w| w.len() >= 4)
        .map(|w| w.to_lowercase().chars().take(5).collect())
        .collect();
    let lower = text.to_lowercase();
    let mut best = usize::MAX;
    for stem in &stems {
        for (p, _) in lower.match_indices(stem.as_str()) {
            best = best.min(p.abs_diff(pos));
        }
    }
    best
}

fn value_of(claim: &Claim, spec: &FactSpec) -> Option<(String, Option<String>)> {
    let pos = |t: &str| claim.text.find(t).unwrap_or(0);
    match spec.kind {
        FactKind::Amount => claim
            .amounts
            .iter()
            .min_by_key(|a| distance_to_name(&claim.text, pos(&a.text), spec))
            .map(|a| (a.display(), a.qualifier.clone())),
        FactKind::Percentage => claim
            .percentages
            .iter()
            .min_by_key(|p| distance_to_name(&claim.text, pos(&p.text), spec))
            .map(|p| (p.display(), p.qualifier.clone())),
        FactKind::Date => claim
            .dates
            .iter()
            .min_by_key(|d| distance_to_name(&claim.text, pos(&d.text), spec))
            .map(|d| (d.normalised.clone(), None)),
        // A count: a number of things, not money, a share or a measure
        // ("40,000 GPUs", "3,400 jobs").
        FactKind::Count => claim
            .quantities
            .iter()
            .filter(|q| q.kind == super::QuantityKind::Count)
            .min_by_key(|q| distance_to_name(&claim.text, pos(&q.text), spec))
            .map(|q| (count_display(q), q.qualifier.clone())),
    }
}

/// A count's value as a fact: the number and its noun, without the
/// qualifier (which the fact value carries separately).
fn count_display(q: &super::Quantity) -> String {
    let mut q = q.clone();
    q.qualifier = None;
    q.display()
}

/// The values an article states for the story's facts, one per distinct
/// value, in article order. A claim states a fact when it (or the claim
/// sentence just before it in the same paragraph) mentions all of the fact's
/// entities and has a value of the fact's kind; denied claims state
/// nothing.
pub fn fact_values(analysis: &Analysis, story: &Story) -> Vec<FactValue> {
    let mut out: Vec<FactValue> = Vec::new();
    for spec in &story.facts {
        for claim in &analysis.claims {
            if claim.certainty == Certainty::Denied {
                continue;
            }
            let mut ents = claim.entities.clone();
            if claim.sentence > 0 {
                let (prev, cur) = (
                    &analysis.sentences[claim.sentence - 1],
                    &analysis.sentences[claim.sentence],
                );
                if prev.paragraph == cur.paragraph && !mentions_all(&ents, &spec.about) {
                    ents.extend(super::facets::entities(&prev.text, story));
                }
            }
            if !mentions_all(&ents, &spec.about) {
                continue;
            }
            let Some((value, qualifier)) = value_of(claim, spec) else {
                continue;
            };
            if out.iter().any(|v| v.fact == spec.name && v.value == value) {
                continue;
            }
            out.push(FactValue {
                fact: spec.name.clone(),
                value,
                sentence: claim.sentence,
                qualifier,
                certainty: claim.certainty,
            });
        }
    }
    out
}

/// Facts on which outlets disagree, given each outlet's current values.
pub fn find_conflicts(current: &[(String, FactValue)]) -> Vec<Conflict> {
    let mut facts: Vec<&str> = Vec::new();
    for (_, v) in current {
        if !facts.contains(&v.fact.as_str()) {
            facts.push(&v.fact);
        }
    }
    let mut out = Vec::new();
    for fact in facts {
        let mut values: Vec<(String, Vec<String>)> = Vec::new();
        for (outlet, v) in current.iter().filter(|(_, v)| v.fact == fact) {
            match values.iter_mut().find(|(val, _)| *val == v.value) {
                Some((_, outlets)) => {
                    if !outlets.contains(outlet) {
                        outlets.push(outlet.clone());
                    }
                }
                None => values.push((v.value.clone(), vec![outlet.clone()])),
            }
        }
        if values.len() > 1 {
            for (_, o) in &mut values {
                o.sort();
            }
            values.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
            out.push(Conflict {
                fact: fact.to_string(),
                values,
            });
        }
    }
    out
}

/// Changes of one outlet's fact values between two versions of its article.
pub fn fact_revisions(old: &[FactValue], new: &[FactValue]) -> Vec<Revision> {
    let mut facts: Vec<&str> = Vec::new();
    for v in old.iter().chain(new) {
        if !facts.contains(&v.fact.as_str()) {
            facts.push(&v.fact);
        }
    }
    let values = |side: &[FactValue], fact: &str| -> Vec<String> {
        let mut v: Vec<&FactValue> = side.iter().filter(|v| v.fact == fact).collect();
        v.sort_by_key(|v| v.sentence);
        v.into_iter().map(|v| v.value.clone()).collect()
    };
    let mut out = Vec::new();
    for fact in facts {
        let (o, n) = (values(old, fact), values(new, fact));
        let mut os = o.clone();
        let mut ns = n.clone();
        os.sort();
        ns.sort();
        if os != ns || o.first() != n.first() {
            out.push(Revision {
                fact: fact.to_string(),
                old: o.first().cloned(),
                new: n.first().cloned(),
                old_values: o,
                new_values: n,
            });
        }
    }
    out
}
