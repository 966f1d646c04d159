//! The certainty cue lexicon: `cues.tsv` (its header gives the sources
//! and their licences), read once into a table indexed by first word.

use std::collections::HashMap;
use std::sync::LazyLock;

/// What a cue does to the claim's certainty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// The claim is hedged: "reportedly", "may", "it is understood".
    Hedge,
    /// A modal verb that is no hedge by itself: "will", "would", "must".
    Modal,
    /// An intention: "plans to", "set to".
    Intention,
    /// A booster: "confirmed", "announced", "certainly".
    Booster,
    /// A denial: "denied", "rejected the reports".
    Denial,
    /// A negation somewhere in the sentence ("not only").
    Negation,
    /// A negation of the claim itself: "did not", "never", "no plans to".
    NegationClause,
}

/// When a form is the cue in a sentence; the checks are in
/// [`super::context_holds`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Any,
    /// A modal verb, not a noun ("the will of", "a can of") nor the month
    /// ("in May", "May 5"), and "could" not a past ability.
    Modal,
    /// A be-verb before and "to" after: "is said to", not "reported to him".
    BeTo,
    /// "to" after: "expected to", "appears to".
    VerbTo,
    /// A be-verb before: "is expected".
    BeBefore,
    /// "that" after: "estimated that".
    That,
    /// "that" after, or evidence as the subject: "data suggest".
    ThatOrEvidence,
    /// A clause after: "believe the deal", "think that", not "a thought".
    Clause,
    /// After a be-verb or "it": "it is possible", not "a possible deal".
    Predicative,
    /// Not after "no", "without", "beyond": "doubts", not "no doubt".
    NotAfterNo,
    /// Of a report or claim: "rejected the reports", not "rejected the
    /// appeal"; "dismissed it as".
    DenialObject,
    /// After an auxiliary: "did not", "is not".
    AuxBefore,
}

/// One cue: its words (the slot `BE` is any form of "be").
#[derive(Debug, Clone)]
pub struct Cue {
    pub words: Vec<&'static str>,
    pub marker: &'static str,
    pub class: Class,
    pub context: Context,
}

const DATA: &str = include_str!("cues.tsv");

/// Forms of "be" the slot `BE` stands for.
pub const BE: &[&str] = &["is", "are", "was", "were", "be", "been", "being", "'s"];

fn class(s: &str) -> Class {
    match s {
        "hedge" => Class::Hedge,
        "modal" => Class::Modal,
        "intention" => Class::Intention,
        "booster" => Class::Booster,
        "denial" => Class::Denial,
        "negation" => Class::Negation,
        "negation-clause" => Class::NegationClause,
        _ => panic!("cues.tsv: unknown class {s:?}"),
    }
}

fn context(s: &str) -> Context {
    match s {
        "any" => Context::Any,
        "modal" => Context::Modal,
        "be-to" => Context::BeTo,
        "verb-to" => Context::VerbTo,
        "be-before" => Context::BeBefore,
        "that" => Context::That,
        "that-or-evidence" => Context::ThatOrEvidence,
        "clause" => Context::Clause,
        "predicative" => Context::Predicative,
        "not-after-no" => Context::NotAfterNo,
        "denial-object" => Context::DenialObject,
        "aux-before" => Context::AuxBefore,
        _ => panic!("cues.tsv: unknown context {s:?}"),
    }
}

/// Every cue, indexed by its first word (a leading `BE` under each form).
pub static CUES: LazyLock<HashMap<&'static str, Vec<Cue>>> = LazyLock::new(|| {
    let mut map: HashMap<&'static str, Vec<Cue>> = HashMap::new();
    for line in DATA.lines() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&'static str> = line.split('\t').collect();
        let [forms, marker, cls, ctx] = cols[..] else {
            panic!("cues.tsv: a line needs four columns: {line:?}");
        };
        let (class, context) = (class(cls), context(ctx));
        for form in forms.split('|') {
            let words: Vec<&'static str> = form.split(' ').collect();
            let firsts: Vec<&'static str> = if words[0] == "BE" {
                BE.to_vec()
            } else {
                vec![words[0]]
            };
            for first in firsts {
                map.entry(first).or_default().push(Cue {
                    words: words.clone(),
                    marker,
                    class,
                    context,
                });
            }
        }
    }
    map
});

#[cfg(test)]
mod tests {
    #[test]
    fn the_lexicon_parses() {
        let cues = &*super::CUES;
        assert!(cues.len() > 150, "{}", cues.len());
        assert!(cues.contains_key("reportedly"));
        assert!(
            cues["it"]
                .iter()
                .any(|c| c.words == ["it", "BE", "understood"])
        );
    }
}
