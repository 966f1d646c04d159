//! Guards against bogus versions: an extraction that is not the article.
//!
//! A page that serves a consent wall, a paywall teaser, a captcha or an error
//! instead of the story, or an extraction that suddenly lost most of the text,
//! must not become a new version: the diff would report "text removed" when
//! nothing was removed.
//!
//! Walls are recognised by what they say, and only when the extracted text is
//! short: a real article that mentions "subscribe" or "cookies" in its footer
//! is long, and is never flagged.

use std::sync::LazyLock;

use regex::Regex;

use super::Article;

/// Why an extraction is not stored as a new version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractFailure {
    #[error("no article text was found in the page")]
    Empty,
    #[error(
        "extracted text has {chars} characters, less than half of the previous version's {previous}: \
         most likely a partial extraction, not a real removal"
    )]
    TooShort { chars: usize, previous: usize },
    #[error("the page is a cookie or consent wall, not the article")]
    ConsentWall,
    #[error("the page is behind a paywall: only a teaser or a subscribe prompt was served")]
    Paywall,
    #[error("the page is a captcha or bot check, not the article")]
    Captcha,
    #[error("the page is an error page ({0})")]
    ErrorPage(String),
}

/// A new version must keep at least this share of the previous one's text.
///
/// Edits to a news story add, reword or trim paragraphs; they rarely delete
/// half of it. Extraction going wrong (a teaser, a sidebar, one container of a
/// split body) typically keeps well under a third. Half sits between the two.
pub const MIN_SHARE_OF_PREVIOUS: f64 = 0.5;

/// Extracted text shorter than this may be a wall; longer text is an article
/// whatever its page says around it.
const WALL_MAX_CHARS: usize = 1500;

/// Below this, signals in the page's markup (not only the text) count.
const TINY_CHARS: usize = 300;

fn re(s: &str) -> Regex {
    Regex::new(s).expect("static regex")
}

static CAPTCHA_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(are you a (robot|human)|verify (that )?you('| a)re (a )?(human|not a robot)|i('| a)m not a robot|prove you('| a)re (human|not a robot)|complete the security check|checking (if the site connection is secure|your browser)|unusual traffic from your (computer|network)|press (&|and) hold|attention required|access to this page has been denied|enable javascript and cookies to continue|bot (check|detection)|captcha)\b",
    )
});
static CAPTCHA_MARKUP: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)(class|id)="[^"]*\b(g-recaptcha|h-captcha|cf-challenge|challenge-form|px-captcha|captcha-container)\b|captcha-delivery\.com|/cdn-cgi/challenge-platform/"#,
    )
});
static CONSENT_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(cookies?|consent|we value your privacy|your privacy choices|privacy (settings|preferences)|before you continue|accept all|reject all|manage (options|preferences|settings)|legitimate interest|our (\d+ )?partners|personali[sz]ed (ads|content))\b",
    )
});
static PAYWALL_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(subscribe (now )?to (continue|read|keep reading|unlock)|to continue reading|continue reading (with|by) (a )?subscri|already (a|an) (subscriber|member)|subscribers? only|for (paid |paying )?subscribers|exclusive(ly)? for (subscribers|members)|(sign|log) ?in to (continue|read|keep reading)|create a free account to|you('ve| have) (reached|used) (your|all) (\w+ )?(free )?(articles?|stories)|free articles? (remaining|left)|unlock (this|the full) (article|story)|this (article|story|content) is (only )?(available|reserved) (to|for) (subscribers|members)|start your (free )?(trial|subscription)|become a (subscriber|member) to)\b",
    )
});
static ERROR_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(^|\W)(40[0-9]|41[0-9]|50[0-9])(\W|$)|\b(page|article|story|content) (was )?not found\b|\bnot found\b|\b(page|article|story) (does not|doesn't|no longer) exists?\b|\baccess denied\b|\bforbidden\b|\b(internal )?server error\b|\bservice (temporarily )?unavailable\b|\bbad gateway\b|\bsomething went wrong\b|\berror\b",
    )
});
static ERROR_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(page (you('| a)re|you were) looking for|(page|article|story) (was )?not found|(page|article|story) (does not|doesn't|no longer) exists?|404 error|error 404|access denied|internal server error|service (temporarily )?unavailable|bad gateway|has been (removed|deleted)|may have been (moved|removed|deleted)|you don't have permission to access)\b",
    )
});
static TITLE: LazyLock<Regex> = LazyLock::new(|| re(r"(?is)<title[^>]*>(.{0,500}?)</title>"));

fn page_title(html: &str) -> String {
    // The title sits in the head: no need to scan a whole large page.
    let mut end = html.len().min(200_000);
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    TITLE
        .captures(&html[..end])
        .and_then(|c| c.get(1))
        .map(|m| super::text::collapse(m.as_str()))
        .unwrap_or_default()
}

/// Decides whether `article` (extracted from `html`) may be stored as a new
/// version. `previous_text_chars` is the length in characters of the text of
/// the document's last stored version, if any.
pub fn assess(
    article: &Article,
    html: &str,
    previous_text_chars: Option<usize>,
) -> Result<(), ExtractFailure> {
    let text = article.text.as_str();
    let chars = text.chars().count();
    let title = page_title(html);
    let headline = article.title.as_deref().unwrap_or("");
    let short = chars < WALL_MAX_CHARS;
    let tiny = chars < TINY_CHARS;

    if short {
        if CAPTCHA_TEXT.is_match(&title)
            || CAPTCHA_TEXT.is_match(text)
            || (tiny && CAPTCHA_MARKUP.is_match(html))
        {
            return Err(ExtractFailure::Captcha);
        }
        if ERROR_TITLE.is_match(&title) && (tiny || ERROR_TEXT.is_match(text))
            || (tiny && ERROR_TEXT.is_match(text))
        {
            let reason = if title.is_empty() {
                text.chars().take(80).collect()
            } else {
                title.chars().take(80).collect()
            };
            return Err(ExtractFailure::ErrorPage(reason));
        }
        // Consent walls talk about little else: several distinct consent terms
        // in a short text where most paragraphs are about consent (a short
        // story that reports on cookie rules has other paragraphs too), or a
        // page title about cookies.
        if reads_like_consent(text)
            || CONSENT_TEXT.is_match(&title) && !CONSENT_TEXT.is_match(headline)
        {
            return Err(ExtractFailure::ConsentWall);
        }
        if PAYWALL_TEXT.is_match(text) {
            return Err(ExtractFailure::Paywall);
        }
    }
    if text.trim().is_empty() {
        return Err(ExtractFailure::Empty);
    }
    if let Some(previous) = previous_text_chars
        && (chars as f64) < previous as f64 * MIN_SHARE_OF_PREVIOUS
    {
        return Err(ExtractFailure::TooShort { chars, previous });
    }
    Ok(())
}

/// Whether a short text is about consent and little else: several distinct
/// consent terms where most paragraphs are about consent (a short story that
/// reports on cookie rules has other paragraphs too), or one term in a very
/// short text that is mostly about it.
pub(super) fn reads_like_consent(text: &str) -> bool {
    let chars = text.chars().count();
    if chars >= WALL_MAX_CHARS {
        return false;
    }
    let consent_terms = distinct_matches(&CONSENT_TEXT, text);
    let share = consent_share(text);
    (consent_terms >= 3 && share >= 0.5) || (consent_terms >= 1 && chars < 600 && share > 0.5)
}

fn distinct_matches(re: &Regex, text: &str) -> usize {
    let mut seen: Vec<String> = Vec::new();
    for m in re.find_iter(text) {
        let k = m.as_str().to_lowercase();
        if !seen.contains(&k) {
            seen.push(k);
        }
    }
    seen.len()
}

/// Share of paragraphs that speak about consent.
fn consent_share(text: &str) -> f64 {
    let paras: Vec<&str> = text
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .collect();
    if paras.is_empty() {
        return 0.0;
    }
    paras.iter().filter(|p| CONSENT_TEXT.is_match(p)).count() as f64 / paras.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn art(text: &str) -> Article {
        Article {
            text: text.to_string(),
            ..Default::default()
        }
    }

    fn long_text() -> String {
        "A real paragraph of an article about an investment, with figures and quotes. ".repeat(40)
    }

    #[test]
    fn too_short_against_previous() {
        let a = art(&"word ".repeat(100));
        assert_eq!(assess(&a, "", Some(400)), Ok(()));
        assert_eq!(
            assess(&a, "", Some(2000)),
            Err(ExtractFailure::TooShort {
                chars: a.text.chars().count(),
                previous: 2000
            })
        );
        assert_eq!(assess(&art("  "), "", None), Err(ExtractFailure::Empty));
    }

    #[test]
    fn long_articles_mentioning_walls_pass() {
        let mut t = long_text();
        t.push_str(
            "\n\nSubscribe to continue reading our newsletter. We use cookies. Accept all. 404.",
        );
        let html = "<title>Error 404 and cookies</title><div class=\"g-recaptcha\"></div>";
        assert_eq!(assess(&art(&t), html, None), Ok(()));
    }

    #[test]
    fn walls_are_named() {
        assert_eq!(
            assess(
                &art(
                    "We value your privacy. We and our partners use cookies. Accept all or manage preferences."
                ),
                "<title>Example News</title>",
                None
            ),
            Err(ExtractFailure::ConsentWall)
        );
        assert_eq!(
            assess(
                &art("The first lines of a story.\n\nSubscribe now to continue reading."),
                "<title>Story</title>",
                None
            ),
            Err(ExtractFailure::Paywall)
        );
        assert_eq!(
            assess(
                &art(""),
                "<title>Just a moment...</title><div id=\"cf-challenge\">",
                None
            ),
            Err(ExtractFailure::Captcha)
        );
        assert!(matches!(
            assess(
                &art("Sorry, the page you are looking for"),
                "<title>Page not found</title>",
                None
            ),
            Err(ExtractFailure::ErrorPage(_))
        ));
    }
}
