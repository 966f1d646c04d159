//! What a story is about: its entities, their aliases and its key facts,
//! as the configuration declares them. Read by facets (entities and
//! attribution resolve aliases) and by the story's facts.

use serde::{Deserialize, Serialize};

/// What the story is about: its entities, their aliases and key facts.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Story {
    /// Canonical entity names ("Amazon", "OpenAI").
    pub entities: Vec<String>,
    /// `(alias, canonical)`: "AWS" → "Amazon". An alias written all in
    /// lower case matches in any case; otherwise the case must match.
    pub aliases: Vec<(String, String)>,
    pub facts: Vec<FactSpec>,
}

/// A key fact of the story, e.g. `investment amount` about Amazon and
/// OpenAI, of kind amount.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactSpec {
    pub name: String,
    /// Entities (canonical names) a sentence must mention to state it.
    pub about: Vec<String>,
    pub kind: FactKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FactKind {
    Amount,
    Percentage,
    Date,
    /// A count of things ("number of GPUs", "jobs created").
    Count,
}
