//! Commands that look at pages and text without a database: `extract`,
//! `extract --lines` and `compare`. For people checking what claimwatch
//! sees and tuning its rules.

use serde::Serialize;

use crate::core::claims::{self, Claim, ClaimChange, Facets, Sentence, Story};
use crate::core::compare::{self, TextDiff};
use crate::core::extract::{self, Article, ExtractOptions};

/// What `claimwatch extract` prints: the article, its sentences and claims.
#[derive(Debug, Serialize)]
pub struct Extracted {
    #[serde(flatten)]
    pub article: Article,
    pub sentences: Vec<Sentence>,
    pub claims: Vec<Claim>,
}

/// Extracts a page and finds its claims.
pub fn extract_page(html: &str, url: Option<&str>, story: &Story) -> Extracted {
    let article = extract::extract(html, url, &ExtractOptions::default());
    let analysis = claims::analyse(&article.text, story);
    Extracted {
        article,
        sentences: analysis.sentences,
        claims: analysis.claims,
    }
}

/// One scored line of `claimwatch extract --lines`.
#[derive(Debug, Serialize)]
pub struct ScoredLine {
    pub text: String,
    pub claim: bool,
    pub score: f32,
    pub reasons: Vec<String>,
    #[serde(flatten)]
    pub facets: Facets,
}

/// Scores each line of plain text as one sentence, in order.
pub fn score_lines(text: &str, story: &Story) -> Vec<ScoredLine> {
    text.lines()
        .map(|line| {
            let line = line.trim();
            let d = claims::score_sentence(line);
            ScoredLine {
                text: line.to_string(),
                claim: d.claim,
                score: d.score,
                reasons: d.reasons,
                facets: claims::facets(line, story),
            }
        })
        .collect()
}

/// The comparison of two saved pages.
#[derive(Debug)]
pub struct Comparison {
    pub diff: TextDiff,
    pub claim_changes: Vec<ClaimChange>,
}

/// A claim change as `compare --json` prints it.
#[derive(Debug, Serialize)]
pub struct ClaimChangeJson<'a> {
    pub kind: claims::ChangeKind,
    pub old: Option<&'a str>,
    pub new: Option<&'a str>,
    pub facets_changed: &'a [claims::FacetChange],
    pub word_diff: &'a [claims::WordSpan],
}

impl Comparison {
    /// `{"text_changed": bool, "claim_changes": [...]}`.
    pub fn to_json(&self) -> serde_json::Value {
        let changes: Vec<ClaimChangeJson> = self
            .claim_changes
            .iter()
            .map(|c| ClaimChangeJson {
                kind: c.kind,
                old: c.old.as_deref(),
                new: c.new.as_deref(),
                facets_changed: &c.facets_changed,
                word_diff: &c.word_diff,
            })
            .collect();
        serde_json::json!({
            "text_changed": !self.diff.is_empty(),
            "summary": self.diff.summary(),
            "claim_changes": changes,
            "diff": self.diff,
        })
    }

    /// The report as the log shows it: claim changes, then the text diff.
    pub fn render(&self) -> String {
        let mut out = self.diff.summary();
        let claims = crate::core::wording::render_claim_changes(&self.claim_changes);
        if !claims.is_empty() {
            out.push('\n');
            out.push_str(&claims);
        }
        let text = crate::core::wording::render_diff(&self.diff);
        if !text.is_empty() {
            out.push('\n');
            out.push_str(&text);
        }
        out
    }
}

/// Compares two saved versions of a page: text and claims.
pub fn compare_pages(old_html: &str, new_html: &str, story: &Story) -> Comparison {
    let opts = ExtractOptions::default();
    let old = extract::extract(old_html, None, &opts);
    let new = extract::extract(new_html, None, &opts);
    let diff = compare::compare_articles(
        old.title.as_deref(),
        &old.text,
        new.title.as_deref(),
        &new.text,
    );
    let mut claim_changes = claims::compare_claims(
        &claims::analyse(&old.text, story),
        &claims::analyse(&new.text, story),
    );
    claim_changes.sort_by_key(|c| std::cmp::Reverse(c.kind.significance()));
    Comparison {
        diff,
        claim_changes,
    }
}
