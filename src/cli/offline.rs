//! Commands that look at pages and text without a database: `extract`,
//! `extract --lines` and `compare`. For people checking what claimwatch
//! sees and tuning its rules.

use serde::Serialize;

use crate::core::analysis::{self, Side};
use crate::core::claims::{self, Claim, ClaimChange, Facets, Sentence, Story};
use crate::core::compare::TextDiff;
use crate::core::disclosure::{self, Disclosure};
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
    // The claims the pipeline keeps: none on a correction or update notice.
    let analysis = crate::core::analysis::analysed(&article.text, story);
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
    /// How the new page disclosed the change, and its notice.
    pub disclosure: Disclosure,
    pub notice: Option<String>,
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
    /// `{"text_changed": bool, "disclosure": "...", "notice": ..., "claim_changes": [...]}`.
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
            "summary": self.summary(),
            "disclosure": self.disclosure,
            "notice": self.notice,
            "claim_changes": changes,
            "diff": self.diff,
        })
    }

    /// The one-line summary, as a stored change's: the disclosure, the
    /// most significant claim change, the text summary.
    pub fn summary(&self) -> String {
        crate::core::wording::change_summary(&self.claim_changes, &self.diff, self.disclosure)
    }

    /// The report as the log shows it: claim changes, then the text diff.
    pub fn render(&self) -> String {
        let mut out = crate::core::wording::with_disclosure(
            &self.summary(),
            self.disclosure,
            self.notice.as_deref(),
        );
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

/// Compares two saved versions of a page: text, claims and disclosure,
/// through the same comparison as the pipeline.
pub fn compare_pages(old_html: &str, new_html: &str, story: &Story) -> Comparison {
    let opts = ExtractOptions::default();
    let page = |html: &str| {
        let article = extract::extract(html, None, &opts);
        let claims = analysis::analysed(&article.text, story);
        let declared = disclosure::declared(&claims.sentences, &extract::notice::around_body(html));
        let facts = claims::fact_values(&claims, story);
        (article, claims, declared, facts)
    };
    let (old, old_claims, old_declared, old_facts) = page(old_html);
    let (new, new_claims, new_declared, new_facts) = page(new_html);
    fn side<'a>(
        a: &'a Article,
        analysis: &'a claims::Analysis,
        declared: &'a disclosure::Declared,
        facts: &'a [claims::FactValue],
    ) -> Side<'a> {
        Side {
            title: a.title.as_deref(),
            text: &a.text,
            analysis,
            declared,
            modified: a.modified.as_deref(),
            facts,
        }
    }
    let compared = analysis::compare_versions(
        side(&old, &old_claims, &old_declared, &old_facts),
        side(&new, &new_claims, &new_declared, &new_facts),
    );
    Comparison {
        diff: compared.diff,
        claim_changes: compared.changes,
        disclosure: compared.disclosure,
        notice: compared.notice,
    }
}
