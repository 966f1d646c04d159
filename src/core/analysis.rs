//! The analysis of a fetched page, and the record types a check produces:
//! what the article says, whether it changed, and how (text and claims).
//! Pure: the pipeline fetches and stores, this decides.

use crate::core::claims::{self, Claim, ClaimChange, FactValue, Revision, Story};
use crate::core::compare::{self, TextDiff};
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
}

/// The version a new page is compared with.
#[derive(Debug, Clone, Copy)]
pub struct Previous<'a> {
    pub title: Option<&'a str>,
    pub text: &'a str,
    pub content_hash: &'a str,
    /// The versions just before it, newest first: a page that returns to
    /// one of them alternates (a headline A/B test) rather than changes.
    pub earlier: &'a [Earlier],
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
}

/// The content hash of an extracted article: headline and body.
pub fn content_hash(article: &Article) -> String {
    let mut h = blake3::Hasher::new();
    h.update(article.title.as_deref().unwrap_or("").as_bytes());
    h.update(b"\n\x00\n");
    h.update(article.text.as_bytes());
    h.finalize().to_hex().to_string()
}

/// The claim changes between two analysed texts, most significant first.
fn ranked_changes(old: &claims::Analysis, new: &claims::Analysis) -> Vec<ClaimChange> {
    let mut changes = claims::compare_claims(old, new);
    changes.sort_by_key(|c| std::cmp::Reverse(c.kind.significance()));
    changes
}

/// The claim changes between two texts, most significant first: what the
/// pipeline stores with a change, for any two versions.
pub fn claim_changes(old: &str, new: &str, story: &Story) -> Vec<ClaimChange> {
    ranked_changes(&claims::analyse(old, story), &claims::analyse(new, story))
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
    let article = extract::extract(html, url, opts);
    let previous_chars = previous.map(|p| p.text.chars().count());
    if let Err(failure) = extract::assess(&article, html, previous_chars) {
        return Analysis::Refused {
            reason: format!("extraction failed: {failure}"),
        };
    }
    let hash = content_hash(&article);
    if previous.is_some_and(|p| p.content_hash == hash) {
        return Analysis::Unchanged;
    }
    if let Some(e) = previous.and_then(|p| p.earlier.iter().find(|e| e.content_hash == hash)) {
        return Analysis::Returns { to: e.clone() };
    }
    let analysis = claims::analyse(&article.text, story);
    let facts = claims::fact_values(&analysis, story);
    let mut changes = Vec::new();
    let mut revisions = Vec::new();
    let diff = previous.map(|p| {
        let diff =
            compare::compare_articles(p.title, p.text, article.title.as_deref(), &article.text);
        let old = claims::analyse(p.text, story);
        changes = ranked_changes(&old, &analysis);
        revisions = claims::fact_revisions(&claims::fact_values(&old, story), &facts);
        diff
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
        },
        diff,
    }))
}
