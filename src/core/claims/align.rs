//! Claim changes between two versions of one article.
//!
//! Sentences are aligned in three passes:
//! 1. identical sentences (after whitespace and quote normalisation) in
//!    order, by a longest-common-subsequence diff: unchanged;
//! 2. identical sentences out of that order: `moved`;
//! 3. the rest by word similarity (Dice coefficient over word multisets),
//!    best pairs first, where a candidate is one old sentence against one
//!    new sentence, or against two consecutive sentences on the other side
//!    (a split or a merge). A pair needs a similarity of at least
//!    [`MIN_SIMILARITY`]; a sentence edited in place is thus one change,
//!    not a removal plus an addition.
//!
//! A pair whose quantities differ (amounts, percentages, counts, measures;
//! see [`super::quantity`]) is `amount_changed`, else whose certainty level
//! or certainty markers differ (see [`super::certainty`]) `certainty_changed`,
//! else whose attribution differs `attribution_changed`, else `reworded`.
//! Unpaired sentences are `removed` or `added`.
//!
//! Which sentences are reported: every sentence that is a claim for the
//! detector or has something checkable ([`super::checkable`]) on at least
//! one side, and every pair whose quantities or certainty markers changed.
//! The detector's score ranks; it never hides an edited sentence. Time
//! stamps and bylines ([`super::is_stamp`]) are never reported.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use similar::{Algorithm, DiffTag};

use super::{Analysis, Facets, Story, checkable, claim_key, facets, is_stamp};

/// Least word similarity for two sentences to be one claim reworded.
pub const MIN_SIMILARITY: f64 = 0.5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Reworded,
    AmountChanged,
    CertaintyChanged,
    AttributionChanged,
    Moved,
}

impl ChangeKind {
    /// Higher is more significant: amount > certainty > attribution >
    /// removed > added > reworded > moved.
    pub fn significance(&self) -> u8 {
        match self {
            ChangeKind::AmountChanged => 7,
            ChangeKind::CertaintyChanged => 6,
            ChangeKind::AttributionChanged => 5,
            ChangeKind::Removed => 4,
            ChangeKind::Added => 3,
            ChangeKind::Reworded => 2,
            ChangeKind::Moved => 1,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Reworded => "reworded",
            ChangeKind::AmountChanged => "amount_changed",
            ChangeKind::CertaintyChanged => "certainty_changed",
            ChangeKind::AttributionChanged => "attribution_changed",
            ChangeKind::Moved => "moved",
        }
    }
}

/// Word-level diffs are the comparison module's: one kind of span across
/// text changes and claim changes.
pub use crate::core::compare::{SpanKind as WordSpanKind, WordSpan, word_diff};

/// One facet that differs: e.g. `amount`, `$50 billion` → `$40 billion`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetChange {
    /// `amount`, `percentage`, `quantity`, `date`, `certainty`, `markers`,
    /// `attribution`, `entities`. For `quantity`, `old` and `new` list the
    /// quantities only on that side; for `markers`, `old` lists the
    /// certainty markers removed and `new` those added.
    pub facet: String,
    pub old: String,
    pub new: String,
}

/// One claim change between two versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimChange {
    pub kind: ChangeKind,
    pub old: Option<String>,
    pub new: Option<String>,
    /// Sentence indices on each side (the first one for a split/merge).
    pub old_sentence: Option<usize>,
    pub new_sentence: Option<usize>,
    pub word_diff: Vec<WordSpan>,
    pub facets_changed: Vec<FacetChange>,
    /// The claim's key (new side if any, else old).
    pub key: Option<String>,
}

fn normalise(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(['\u{201C}', '\u{201D}'], "\"")
        .replace(['\u{2018}', '\u{2019}'], "'")
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric() && c != '.' && c != '$' && c != '%')
        .map(|w| w.trim_matches('.'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Dice coefficient over word multisets.
pub fn similarity(a: &str, b: &str) -> f64 {
    let (wa, wb) = (words(a), words(b));
    if wa.is_empty() && wb.is_empty() {
        return 1.0;
    }
    let mut counts: HashMap<&str, i32> = HashMap::new();
    for w in &wa {
        *counts.entry(w).or_default() += 1;
    }
    let mut common = 0;
    for w in &wb {
        if let Some(c) = counts.get_mut(w.as_str())
            && *c > 0
        {
            *c -= 1;
            common += 1;
        }
    }
    2.0 * common as f64 / (wa.len() + wb.len()) as f64
}

/// A set of aligned sentences: `old` indices with `new` indices.
#[derive(Debug, Clone, PartialEq)]
struct Pair {
    old: Vec<usize>,
    new: Vec<usize>,
    moved: bool,
}

fn align(old: &[String], new: &[String]) -> Vec<Pair> {
    let mut pairs = Vec::new();
    let mut old_used = vec![false; old.len()];
    let mut new_used = vec![false; new.len()];
    // 1. identical, in order.
    let ops = similar::capture_diff_slices(Algorithm::Patience, old, new);
    for op in ops {
        if op.tag() == DiffTag::Equal {
            let (o, n) = (op.old_range(), op.new_range());
            for (i, j) in o.zip(n) {
                old_used[i] = true;
                new_used[j] = true;
                pairs.push(Pair {
                    old: vec![i],
                    new: vec![j],
                    moved: false,
                });
            }
        }
    }
    // 2. identical, out of order: moved.
    let mut by_text: HashMap<&str, Vec<usize>> = HashMap::new();
    for (j, s) in new.iter().enumerate() {
        if !new_used[j] {
            by_text.entry(s.as_str()).or_default().push(j);
        }
    }
    for (i, s) in old.iter().enumerate() {
        if old_used[i] {
            continue;
        }
        if let Some(js) = by_text.get_mut(s.as_str())
            && !js.is_empty()
        {
            let j = js.remove(0);
            old_used[i] = true;
            new_used[j] = true;
            pairs.push(Pair {
                old: vec![i],
                new: vec![j],
                moved: true,
            });
        }
    }
    // 3. similar: 1:1, 1:2 (split) and 2:1 (merge) candidates.
    let free_old: Vec<usize> = (0..old.len()).filter(|&i| !old_used[i]).collect();
    let free_new: Vec<usize> = (0..new.len()).filter(|&j| !new_used[j]).collect();
    let mut cands: Vec<(f64, u8, Vec<usize>, Vec<usize>)> = Vec::new();
    for &i in &free_old {
        for &j in &free_new {
            let s = similarity(&old[i], &new[j]);
            if s >= MIN_SIMILARITY {
                cands.push((s, 0, vec![i], vec![j]));
            }
            if j + 1 < new.len() && !new_used[j + 1] {
                let joined = format!("{} {}", new[j], new[j + 1]);
                let s = similarity(&old[i], &joined);
                if s >= MIN_SIMILARITY {
                    cands.push((s, 1, vec![i], vec![j, j + 1]));
                }
            }
            if i + 1 < old.len() && !old_used[i + 1] {
                let joined = format!("{} {}", old[i], old[i + 1]);
                let s = similarity(&joined, &new[j]);
                if s >= MIN_SIMILARITY {
                    cands.push((s, 1, vec![i, i + 1], vec![j]));
                }
            }
        }
    }
    // Best first; on a tie a 1:1 pair, then document order.
    cands.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(a.1.cmp(&b.1))
            .then(a.2.cmp(&b.2))
            .then(a.3.cmp(&b.3))
    });
    for (_, _, o, n) in cands {
        if o.iter().any(|&i| old_used[i]) || n.iter().any(|&j| new_used[j]) {
            continue;
        }
        o.iter().for_each(|&i| old_used[i] = true);
        n.iter().for_each(|&j| new_used[j] = true);
        pairs.push(Pair {
            old: o,
            new: n,
            moved: false,
        });
    }
    for (i, used) in old_used.iter().enumerate() {
        if !used {
            pairs.push(Pair {
                old: vec![i],
                new: vec![],
                moved: false,
            });
        }
    }
    for (j, used) in new_used.iter().enumerate() {
        if !used {
            pairs.push(Pair {
                old: vec![],
                new: vec![j],
                moved: false,
            });
        }
    }
    pairs
}

fn side_facets(a: &Analysis, idx: &[usize], text: &str) -> Facets {
    match idx {
        [i] => match a.claim_at(*i) {
            Some(c) => c.facets(),
            None => facets(text, &Story::default()),
        },
        _ => {
            // A split or merged sentence: the union of the parts' facets.
            let mut f = Facets::default();
            for &i in idx {
                let p = match a.claim_at(i) {
                    Some(c) => c.facets(),
                    None => facets(&a.sentences[i].text, &Story::default()),
                };
                for e in p.entities {
                    if !f.entities.contains(&e) {
                        f.entities.push(e);
                    }
                }
                f.amounts.extend(p.amounts);
                f.percentages.extend(p.percentages);
                f.dates.extend(p.dates);
                f.quantities.extend(p.quantities);
                f.markers.extend(p.markers);
                f.attribution = f.attribution.or(p.attribution);
                if p.certainty != super::Certainty::Stated
                    && f.certainty != super::Certainty::Denied
                {
                    f.certainty = p.certainty;
                }
            }
            f.markers.sort();
            f.markers.dedup();
            f
        }
    }
}

/// Items of `a` not in `b`, as multisets.
fn only_in<'a>(a: &'a [String], b: &[String]) -> Vec<&'a String> {
    let mut rest: Vec<&String> = b.iter().collect();
    a.iter()
        .filter(|x| match rest.iter().position(|y| y == x) {
            Some(k) => {
                rest.swap_remove(k);
                false
            }
            None => true,
        })
        .collect()
}

fn join<T, F: Fn(&T) -> String>(v: &[T], f: F) -> String {
    v.iter().map(f).collect::<Vec<_>>().join(", ")
}

fn facet_changes(o: &Facets, n: &Facets) -> Vec<FacetChange> {
    let mut out = Vec::new();
    fn push(out: &mut Vec<FacetChange>, facet: &str, a: String, b: String) {
        if a != b {
            out.push(FacetChange {
                facet: facet.to_string(),
                old: a,
                new: b,
            });
        }
    }
    let amount = |f: &Facets| {
        join(&f.amounts, |a| match &a.qualifier {
            Some(q) => format!("{q} {}", a.display()),
            None => a.display(),
        })
    };
    push(&mut out, "amount", amount(o), amount(n));
    let pct = |f: &Facets| join(&f.percentages, |p| p.display());
    push(&mut out, "percentage", pct(o), pct(n));
    push(
        &mut out,
        "certainty",
        o.certainty.as_str().into(),
        n.certainty.as_str().into(),
    );
    push(
        &mut out,
        "attribution",
        o.attribution.clone().unwrap_or_default(),
        n.attribution.clone().unwrap_or_default(),
    );
    // Every quantity: a change the money and percentage facets above do not
    // already show (a count, a measure, a scaled number, a range).
    if !out
        .iter()
        .any(|c| c.facet == "amount" || c.facet == "percentage")
    {
        let keys =
            |f: &Facets| -> Vec<String> { f.quantities.iter().map(|q| q.compare_key()).collect() };
        let (ko, kn) = (keys(o), keys(n));
        let (gone, came) = (only_in(&ko, &kn), only_in(&kn, &ko));
        if !gone.is_empty() || !came.is_empty() {
            let show = |f: &Facets, ks: &[String], pick: &[&String]| {
                let mut pick: Vec<&String> = pick.to_vec();
                let mut v = Vec::new();
                for (q, k) in f.quantities.iter().zip(ks) {
                    if let Some(p) = pick.iter().position(|x| *x == k) {
                        pick.swap_remove(p);
                        v.push(q.display());
                    }
                }
                v.join(", ")
            };
            out.push(FacetChange {
                facet: "quantity".into(),
                old: show(o, &ko, &gone),
                new: show(n, &kn, &came),
            });
        }
    }
    if o.markers != n.markers {
        let (gone, came) = (
            only_in(&o.markers, &n.markers),
            only_in(&n.markers, &o.markers),
        );
        let j = |v: Vec<&String>| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
        out.push(FacetChange {
            facet: "markers".into(),
            old: j(gone),
            new: j(came),
        });
    }
    let date = |f: &Facets| join(&f.dates, |d| d.normalised.clone());
    push(&mut out, "date", date(o), date(n));
    push(
        &mut out,
        "entities",
        o.entities.join(", "),
        n.entities.join(", "),
    );
    out
}

/// The claim changes from `old` to `new` (two versions of one article),
/// in the order of the new version (removed claims where they stood).
pub fn compare_claims(old: &Analysis, new: &Analysis) -> Vec<ClaimChange> {
    let old_n: Vec<String> = old.sentences.iter().map(|s| normalise(&s.text)).collect();
    let new_n: Vec<String> = new.sentences.iter().map(|s| normalise(&s.text)).collect();
    let pairs = align(&old_n, &new_n);

    // Where each old sentence went, for placing removals.
    let mut old_to_new: Vec<Option<usize>> = vec![None; old_n.len()];
    for p in &pairs {
        if let (Some(&j), false) = (p.new.first(), p.moved) {
            for &i in &p.old {
                old_to_new[i] = Some(j);
            }
        }
    }
    let mut out: Vec<(f64, ClaimChange)> = Vec::new();
    for p in pairs {
        if p.old.len() == 1 && p.new.len() == 1 && !p.moved && old_n[p.old[0]] == new_n[p.new[0]] {
            continue;
        }
        // Time stamps and bylines are never claims, whatever they hold.
        let stamp =
            |a: &Analysis, idx: &[usize]| idx.iter().all(|&i| is_stamp(&a.sentences[i].text));
        if stamp(old, &p.old) && stamp(new, &p.new) {
            continue;
        }
        let tracked = |a: &Analysis, idx: &[usize]| {
            idx.iter()
                .any(|&i| a.claim_at(i).is_some() || checkable(&a.sentences[i].text))
        };
        let is_tracked = tracked(old, &p.old) || tracked(new, &p.new);
        let text = |a: &Analysis, idx: &[usize]| -> Option<String> {
            (!idx.is_empty()).then(|| {
                idx.iter()
                    .map(|&i| a.sentences[i].text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
        };
        let (ot, nt) = (text(old, &p.old), text(new, &p.new));
        let key = p
            .new
            .iter()
            .find_map(|&j| new.claim_at(j))
            .or_else(|| p.old.iter().find_map(|&i| old.claim_at(i)))
            .map(|c| c.key.clone());
        // A checkable sentence the detector passed over still has a key.
        let key_of = |t: &str| claim_key(t, &facets(t, &Story::default()), &Story::default());
        let key = key.or_else(|| nt.as_deref().or(ot.as_deref()).map(key_of));
        let order = match (p.new.first(), p.old.first()) {
            (Some(&j), _) => j as f64,
            (None, Some(&i)) => {
                // Just after where the previous old sentence ended up.
                let prev = (0..i).rev().find_map(|k| old_to_new[k]);
                prev.map_or(-0.5, |j| j as f64 + 0.5)
            }
            (None, None) => continue,
        };
        let change = match (&ot, &nt) {
            (Some(_), None) | (None, Some(_)) if !is_tracked => continue,
            (Some(o), None) => ClaimChange {
                kind: ChangeKind::Removed,
                old: Some(o.clone()),
                new: None,
                old_sentence: p.old.first().copied(),
                new_sentence: None,
                word_diff: vec![WordSpan {
                    kind: WordSpanKind::Delete,
                    text: o.clone(),
                }],
                facets_changed: vec![],
                key,
            },
            (None, Some(n)) => ClaimChange {
                kind: ChangeKind::Added,
                old: None,
                new: Some(n.clone()),
                old_sentence: None,
                new_sentence: p.new.first().copied(),
                word_diff: vec![WordSpan {
                    kind: WordSpanKind::Insert,
                    text: n.clone(),
                }],
                facets_changed: vec![],
                key,
            },
            (Some(o), Some(n)) => {
                let same = normalise(o) == normalise(n);
                if same && !p.moved {
                    continue;
                }
                let (fo, fn_) = (side_facets(old, &p.old, o), side_facets(new, &p.new, n));
                let changed = if same {
                    vec![]
                } else {
                    facet_changes(&fo, &fn_)
                };
                let has = |f: &str| changed.iter().any(|c| c.facet == f);
                let numbers = has("amount") || has("percentage") || has("quantity");
                let hedging = has("certainty") || has("markers");
                // An untracked sentence (an opinion, say) is still reported
                // when the edit changed one of its numbers or hedges.
                if !is_tracked && !numbers && !hedging {
                    continue;
                }
                let kind = if same {
                    ChangeKind::Moved
                } else if numbers {
                    ChangeKind::AmountChanged
                } else if hedging {
                    ChangeKind::CertaintyChanged
                } else if has("attribution") {
                    ChangeKind::AttributionChanged
                } else {
                    ChangeKind::Reworded
                };
                ClaimChange {
                    kind,
                    old: Some(o.clone()),
                    new: Some(n.clone()),
                    old_sentence: p.old.first().copied(),
                    new_sentence: p.new.first().copied(),
                    word_diff: word_diff(o, n),
                    facets_changed: changed,
                    key,
                }
            }
            (None, None) => continue,
        };
        out.push((order, change));
    }
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out.into_iter().map(|(_, c)| c).collect()
}
