//! The analysis of a fetched page, and the record types a check produces:
//! what the article says, whether it changed, and how (text and claims).
//! Pure: the pipeline fetches and stores, this decides.

use std::collections::HashMap;

use crate::core::claims::{self, Claim, ClaimChange, FactValue, Revision, Story};
use crate::core::compare::{self, TextDiff};
use crate::core::disclosure::{self, Declared, Disclosure, NoticeKind};
use crate::core::extract::{self, Article, ExtractOptions};

/// Validators from the previous fetch, sent back for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What the claim engine found in a new version.
#[derive(Debug, Clone, Default)]
pub struct ClaimData {
    pub claims: Vec<Claim>,
    /// Claim changes since the previous version.
    pub changes: Vec<ClaimChange>,
    /// The story facts this version states, each with its sentence.
    pub facts: Vec<(FactValue, String)>,
    /// Fact values that changed since the previous version.
    pub revisions: Vec<Revision>,
    /// The [`analysis_version`] the claims were found with, if known.
    pub analysis_version: Option<i64>,
    /// The version's sentences in order (what the store keeps its text as);
    /// empty when not known.
    pub sentences: Vec<claims::Sentence>,
    /// What the page declares about its own revisions (its correction and
    /// update notices, its visible "Updated" line): kept with the version so
    /// the next change's disclosure is told against it. Notices are never
    /// claims: their sentences carry no claim and no fact value.
    pub declared: Declared,
}

/// The version a new page is compared with.
#[derive(Debug, Clone, Copy)]
pub struct Previous<'a> {
    pub title: Option<&'a str>,
    pub text: &'a str,
    pub content_hash: &'a str,
    /// The claims stored with the previous version (as stored, JSON), in
    /// sentence order, and the analysis version they were found with: read
    /// back instead of analysing the previous text again. Parsed only when
    /// the page did change, so an unchanged page costs no parse.
    pub claims: Option<&'a [String]>,
    pub analysis_version: Option<i64>,
    /// The versions just before it, newest first: a page that returns to
    /// one of them alternates (a headline A/B test) rather than changes.
    pub earlier: &'a [Earlier],
    /// Its declared modification time (`Article::modified`).
    pub modified: Option<&'a str>,
    /// What its page declared (notices, "Updated" line), when stored; else
    /// found again in its text.
    pub declared: Option<&'a Declared>,
}

/// A recent version before the previous one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Earlier {
    pub id: i64,
    pub number: i64,
    pub content_hash: String,
    pub title: Option<String>,
}

/// What a fetched page turned out to be.
#[derive(Debug)]
pub enum Analysis {
    /// Not an article: a consent wall, paywall, captcha or error page, or a
    /// text far shorter than the previous version. A failed extraction,
    /// never a new version and never "text removed".
    Refused { reason: String },
    /// The same headline and text as the previous version.
    Unchanged,
    /// The same headline and text as a recent version before the previous
    /// one: the page alternates between versions already stored.
    Returns { to: Earlier },
    /// A new version: the first, or one that differs from the previous.
    New(Box<NewContent>),
}

/// A new version's content and what changed since the previous one.
#[derive(Debug)]
pub struct NewContent {
    pub article: Article,
    pub content_hash: String,
    pub claims: ClaimData,
    /// The text diff against the previous version (none for a first version).
    pub diff: Option<TextDiff>,
    /// How the page disclosed the change, and the notice's text.
    pub disclosure: Disclosure,
    pub notice: Option<String>,
}

/// One side of a comparison: a version's headline, text, claim analysis
/// and what its page declares about its revisions.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    pub title: Option<&'a str>,
    pub text: &'a str,
    pub analysis: &'a claims::Analysis,
    pub declared: &'a Declared,
    pub modified: Option<&'a str>,
    /// The story facts the analysis states (`claims::fact_values`).
    pub facts: &'a [FactValue],
}

/// What changed between two versions, as every report tells it: the text
/// diff, the claim changes (notices left out), the story facts revised,
/// and how the page disclosed the change.
#[derive(Debug, Clone)]
pub struct Compared {
    pub diff: TextDiff,
    pub changes: Vec<ClaimChange>,
    pub revisions: Vec<Revision>,
    pub disclosure: Disclosure,
    pub notice: Option<String>,
}

/// Compares two analysed versions: the one path both the pipeline and
/// `claimwatch compare` take. Both analyses must already be without notice
/// claims ([`without_notices`]).
pub fn compare_versions(old: Side<'_>, new: Side<'_>) -> Compared {
    // Both texts are split once: the claim analyses' sentences are the
    // comparison's too, unless a text was cut to the engine's bounds.
    let diff = if within_bounds(old.text) && within_bounds(new.text) {
        compare::compare_sentences(
            old.title,
            &old.analysis.sentences,
            new.title,
            &new.analysis.sentences,
        )
    } else {
        compare::compare_articles(old.title, old.text, new.title, new.text)
    };
    let changes = claim_changes_of(old.analysis, new.analysis);
    let revisions = claims::fact_revisions(old.facts, new.facts);
    let (disclosure, notice) = if diff.is_empty() {
        (Disclosure::None, None)
    } else {
        disclosure::decide(old.declared, old.modified, new.declared, new.modified)
    };
    Compared {
        diff,
        changes,
        revisions,
        disclosure,
        notice,
    }
}

/// Takes the claims on notice sentences out of an analysis ("An earlier
/// version of this article misstated …" is a notice, not a claim), and
/// gives which sentences are notices.
pub fn without_notices(a: &mut claims::Analysis) -> Vec<Option<NoticeKind>> {
    let mask = disclosure::notice_mask(&a.sentences);
    a.claims
        .retain(|c| mask.get(c.sentence).copied().flatten().is_none());
    mask
}

/// An analysis of a text, without notice claims.
pub fn analysed(text: &str, story: &Story) -> claims::Analysis {
    let mut a = claims::analyse(text, story);
    without_notices(&mut a);
    a
}

/// The content hash of an extracted article: headline and body.
pub fn content_hash(article: &Article) -> String {
    let mut h = blake3::Hasher::new();
    h.update(article.title.as_deref().unwrap_or("").as_bytes());
    h.update(b"\n\x00\n");
    h.update(article.text.as_bytes());
    h.finalize().to_hex().to_string()
}

/// The claim changes between two analysed texts, most significant first,
/// without changes to notice sentences.
fn claim_changes_of(old: &claims::Analysis, new: &claims::Analysis) -> Vec<ClaimChange> {
    let (old_mask, new_mask) = (
        disclosure::notice_mask(&old.sentences),
        disclosure::notice_mask(&new.sentences),
    );
    let notice = |mask: &[Option<NoticeKind>], i: Option<usize>| {
        i.and_then(|i| mask.get(i).copied().flatten()).is_some()
    };
    let mut changes = claims::compare_claims(old, new);
    changes.retain(|c| !notice(&new_mask, c.new_sentence) && !notice(&old_mask, c.old_sentence));
    changes.sort_by_key(|c| std::cmp::Reverse(c.kind.significance()));
    changes
}

/// The claim changes between two texts, most significant first: what the
/// pipeline stores with a change, for any two versions.
pub fn claim_changes(old: &str, new: &str, story: &Story) -> Vec<ClaimChange> {
    claim_changes_of(&analysed(old, story), &analysed(new, story))
}

/// What a stored version declared, found again in its text: for versions
/// stored before notices were kept, and for `diff` between any two.
pub fn declared_in_text(text: &str) -> Declared {
    disclosure::declared(&claims::split_sentences(text), &[])
}

/// A page's article and its content hash: all a check needs to know
/// whether the page is its latest version again, before anything else of
/// that version is read or analysed.
#[derive(Debug)]
pub struct Extracted {
    pub article: Article,
    pub content_hash: String,
}

/// Extracts a page's article and hashes it (no sentence splitting, no
/// claims).
pub fn extract_page(html: &str, url: Option<&str>, opts: &ExtractOptions) -> Extracted {
    let article = extract::extract(html, url, opts);
    let content_hash = content_hash(&article);
    Extracted {
        article,
        content_hash,
    }
}

/// Extracts a page, checks that the extraction is an article, finds its
/// claims, and compares both with the previous version.
pub fn analyse(
    html: &str,
    url: Option<&str>,
    opts: &ExtractOptions,
    story: &Story,
    previous: Option<Previous<'_>>,
) -> Analysis {
    analyse_extracted(extract_page(html, url, opts), html, story, previous)
}

/// [`analyse`] for a page already extracted by [`extract_page`]. A page
/// whose hash is the latest version's is `Unchanged` before anything else
/// is looked at: its text was accepted as an article when it was stored.
pub fn analyse_extracted(
    Extracted {
        article,
        content_hash: hash,
    }: Extracted,
    html: &str,
    story: &Story,
    previous: Option<Previous<'_>>,
) -> Analysis {
    if previous.is_some_and(|p| p.content_hash == hash) {
        return Analysis::Unchanged;
    }
    let previous_chars = previous.map(|p| p.text.chars().count());
    if let Err(failure) = extract::assess(&article, html, previous_chars) {
        return Analysis::Refused {
            reason: format!("extraction failed: {failure}"),
        };
    }
    if let Some(e) = previous.and_then(|p| p.earlier.iter().find(|e| e.content_hash == hash)) {
        return Analysis::Returns { to: e.clone() };
    }
    // Only sentences the previous version did not have are analysed: its
    // own analysis is read back from the store, never recomputed.
    let version = analysis_version(story);
    let old = previous.and_then(|p| previous_analysis(&p, version));
    let mut analysis = analyse_reusing(&article.text, story, old.as_ref());
    without_notices(&mut analysis);
    let boxes = extract::notice::around_body(html);
    let declared = disclosure::declared(&analysis.sentences, &boxes);
    let facts = claims::fact_values(&analysis, story);
    let mut changes = Vec::new();
    let mut revisions = Vec::new();
    let mut disclosure = (Disclosure::None, None);
    let diff = previous.map(|p| {
        let mut old = old.unwrap_or_else(|| claims::analyse(p.text, story));
        without_notices(&mut old);
        let found;
        let old_declared = match p.declared {
            Some(d) => d,
            None => {
                found = disclosure::declared(&old.sentences, &[]);
                &found
            }
        };
        let old_facts = claims::fact_values(&old, story);
        let compared = compare_versions(
            Side {
                title: p.title,
                text: p.text,
                analysis: &old,
                declared: old_declared,
                modified: p.modified,
                facts: &old_facts,
            },
            Side {
                title: article.title.as_deref(),
                text: &article.text,
                analysis: &analysis,
                declared: &declared,
                modified: article.modified.as_deref(),
                facts: &facts,
            },
        );
        changes = compared.changes;
        revisions = compared.revisions;
        disclosure = (compared.disclosure, compared.notice);
        compared.diff
    });
    let facts = facts
        .into_iter()
        .map(|f| {
            let sentence = analysis
                .sentences
                .get(f.sentence)
                .map(|s| s.text.clone())
                .unwrap_or_default();
            (f, sentence)
        })
        .collect();
    Analysis::New(Box::new(NewContent {
        article,
        content_hash: hash,
        claims: ClaimData {
            claims: analysis.claims,
            changes,
            facts,
            revisions,
            analysis_version: Some(version),
            sentences: analysis.sentences,
            declared,
        },
        diff,
        disclosure: disclosure.0,
        notice: disclosure.1,
    }))
}

/// The version of the claim engine's analysis of a sentence. Bump it when
/// what `claims` finds in a sentence changes (new facets, a new detector):
/// stored analyses of another version are then computed again, once, instead
/// of being read back.
pub const ANALYSIS_VERSION: u32 = 2;

/// The analysis version stored with every version's claims: the engine's
/// [`ANALYSIS_VERSION`] and a fingerprint of the story (its entities,
/// aliases and facts shape facets and claim keys). Claims stored under
/// another analysis version are never reused.
pub fn analysis_version(story: &Story) -> i64 {
    let json = serde_json::to_vec(story).unwrap_or_default();
    let h = blake3::hash(&json);
    let b = h.as_bytes();
    let fingerprint = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    (i64::from(ANALYSIS_VERSION) << 32) | i64::from(fingerprint)
}

/// Analyses `text` for claims, reading back the analysis of every sentence
/// the previous version (`old`, its sentences and stored claims) already
/// had: only sentences it did not have are scored and get facets. Gives
/// exactly what [`claims::analyse`] gives.
pub fn analyse_reusing(
    text: &str,
    story: &Story,
    old: Option<&claims::Analysis>,
) -> claims::Analysis {
    let Some(old) = old else {
        return claims::analyse(text, story);
    };
    if !within_bounds(text) {
        // Only pathological pages are cut: analyse those from scratch.
        return claims::analyse(text, story);
    }
    let known: HashMap<&str, Option<&Claim>> = old
        .sentences
        .iter()
        .enumerate()
        .map(|(i, s)| (s.text.as_str(), old.claim_at(i)))
        .collect();
    let sentences = claims::split_sentences(text);
    let claims = sentences
        .iter()
        .enumerate()
        .filter(|(_, s)| s.text.len() <= claims::MAX_SENTENCE)
        .filter_map(|(i, s)| match known.get(s.text.as_str()) {
            Some(found) => found.map(|c| Claim {
                sentence: i,
                ..c.clone()
            }),
            None => {
                let d = claims::score_sentence(&s.text);
                d.claim.then(|| claims::make_claim(i, &s.text, d, story))
            }
        })
        .collect();
    claims::Analysis { sentences, claims }
}

/// Whether [`claims::analyse`] reads `text` whole (no cut to its bounds).
fn within_bounds(text: &str) -> bool {
    text.len() <= claims::MAX_TEXT && text.split("\n\n").all(|p| p.len() <= claims::MAX_PARAGRAPH)
}

/// The previous version's analysis read back: its sentences (split again,
/// which is cheap) and its stored claims, placed at the sentences that carry
/// them. `None` when its claims were not stored under the current analysis
/// version, or do not match its text.
fn previous_analysis(p: &Previous<'_>, version: i64) -> Option<claims::Analysis> {
    if p.analysis_version != Some(version) || !within_bounds(p.text) {
        return None;
    }
    // A stored claim that does not parse means the text is analysed again.
    let stored: Vec<Claim> = p
        .claims?
        .iter()
        .map(|j| serde_json::from_str(j).ok())
        .collect::<Option<_>>()?;
    let sentences = claims::split_sentences(p.text);
    let by_text: HashMap<&str, &Claim> = stored.iter().map(|c| (c.text.as_str(), c)).collect();
    let mut found = std::collections::HashSet::new();
    let claims: Vec<Claim> = sentences
        .iter()
        .enumerate()
        .filter(|(_, s)| s.text.len() <= claims::MAX_SENTENCE)
        .filter_map(|(i, s)| {
            let c = by_text.get(s.text.as_str())?;
            found.insert(s.text.as_str());
            Some(Claim {
                sentence: i,
                ..(*c).clone()
            })
        })
        .collect();
    // Every stored claim is a sentence of this text, or they were not
    // written for it: then it is analysed again.
    (found.len() == by_text.len()).then_some(claims::Analysis { sentences, claims })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "Amazon will invest $50 billion in OpenAI, the companies said on Monday.\n\n\
        The deal values OpenAI at $300 billion. Shares rose 4% in early trading.\n\n\
        Analysts were surprised. \"It is a big bet,\" one said.";
    const NEW: &str = "Amazon will invest $40 billion in OpenAI, the companies said on Monday.\n\n\
        The deal values OpenAI at $300 billion. Shares rose 4% in early trading.\n\n\
        Microsoft declined to comment on Tuesday. \"It is a big bet,\" one said.";

    fn story() -> Story {
        Story {
            entities: vec!["Amazon".into(), "OpenAI".into(), "Microsoft".into()],
            ..Default::default()
        }
    }

    #[test]
    fn reusing_the_previous_analysis_gives_what_analysing_afresh_gives() {
        let story = story();
        let old = claims::analyse(OLD, &story);
        assert!(!old.claims.is_empty());
        assert_eq!(
            analyse_reusing(NEW, &story, Some(&old)),
            claims::analyse(NEW, &story)
        );
    }

    #[test]
    fn stored_claims_are_read_back_only_under_the_same_analysis_version() {
        let story = story();
        let old = claims::analyse(OLD, &story);
        let version = analysis_version(&story);
        let stored = as_stored(&old.claims);
        let p = |v| Previous {
            title: None,
            text: OLD,
            content_hash: "h",
            claims: Some(&stored),
            analysis_version: v,
            earlier: &[],
            modified: None,
            declared: None,
        };
        assert_eq!(
            previous_analysis(&p(Some(version)), version).as_ref(),
            Some(&old)
        );
        assert!(previous_analysis(&p(Some(version + 1)), version).is_none());
        assert!(previous_analysis(&p(None), version).is_none());
        assert_ne!(analysis_version(&Story::default()), version);
        // Claims that do not match the text are not trusted.
        let mut wrong = old.claims.clone();
        wrong[0].text = "something else".into();
        let wrong = as_stored(&wrong);
        let q = Previous {
            claims: Some(&wrong),
            ..p(Some(version))
        };
        assert!(previous_analysis(&q, version).is_none());
        // Nor are claims that no longer parse.
        let garbled = vec!["{not json".to_string()];
        let g = Previous {
            claims: Some(&garbled),
            ..p(Some(version))
        };
        assert!(previous_analysis(&g, version).is_none());
    }

    fn as_stored(claims: &[Claim]) -> Vec<String> {
        claims
            .iter()
            .map(|c| serde_json::to_string(c).unwrap())
            .collect()
    }
}
