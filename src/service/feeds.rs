//! Discovery of coverage: `[[feeds]]` (RSS 2.0, RSS 1.0, Atom, via feed-rs)
//! polled on their schedules; new items whose title or summary match the
//! feed's keywords become tracked documents, remembering the feed they came
//! from.
//!
//! A feed is stored as a `sources` row of kind 'feed', and the documents it
//! discovers belong to it. Every item is judged once (`feed_items`). A
//! matching item's link is normalised and then replaced by the page's
//! canonical link, and both URLs lead to the same document
//! (`document_aliases`), so one article seen in two feeds, or with two
//! sets of tracking parameters, is one document.

use std::sync::{Arc, Mutex};

use chrono::Utc;
use rusqlite::Connection;
use url::Url;

use crate::core::urlnorm;
use crate::service::fetch::{Fetched, Validators};
use crate::service::politeness::Polite;
use crate::service::schedule::Schedule;
use crate::service::shared::with_store;
use crate::store::feeds;
pub use crate::store::feeds::Discovered;
use crate::store::{Store, StoreError};

/// A validated feed.
#[derive(Debug, Clone)]
pub struct Feed {
    pub name: String,
    pub url: Url,
    pub schedule: Schedule,
    /// Each entry is a set of words that must all appear (case-insensitive)
    /// in an item's title or summary; an item matches if any entry does.
    /// Empty: every item matches.
    pub keywords: Vec<Vec<String>>,
}

impl Feed {
    /// Whether an item's title or summary matches the keywords.
    pub fn matches(&self, title: &str, summary: &str) -> bool {
        if self.keywords.is_empty() {
            return true;
        }
        let text = format!("{title}\n{summary}").to_lowercase();
        let words: Vec<&str> = text
            .split(|c: char| !c.is_alphanumeric() && c != '$' && c != '.')
            .map(|w| w.trim_end_matches('.'))
            .filter(|w| !w.is_empty())
            .collect();
        self.keywords
            .iter()
            .any(|entry| entry.iter().all(|k| words.contains(&k.as_str())))
    }
}

/// Errors of one feed poll. A poll that fails is reported and retried on
/// the feed's schedule; it never stops the daemon.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("fetching feed {url} failed: {reason}")]
    Fetch { url: String, reason: String },
    #[error("feed {url} could not be parsed: {reason}")]
    Parse { url: String, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for FeedError {
    fn from(e: rusqlite::Error) -> Self {
        FeedError::Store(StoreError::Sql(e))
    }
}

/// One item of a feed, reduced to what discovery needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub guid: String,
    pub url: Option<Url>,
    pub title: String,
    pub summary: String,
}

/// Parses RSS 0.9x/1.0/2.0, Atom or JSON Feed bytes; relative links resolve
/// against `base`.
pub fn parse_items(body: &[u8], base: &Url) -> Result<Vec<Item>, String> {
    let feed = feed_rs::parser::Builder::new()
        .base_uri(Some(base.as_str()))
        .build()
        .parse(body)
        .map_err(|e| e.to_string())?;
    Ok(feed
        .entries
        .into_iter()
        .map(|e| {
            // Atom's rel="alternate" (or no rel) is the article.
            let link = e
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .or(e.links.first())
                .and_then(|l| base.join(&l.href).ok())
                .filter(|u| matches!(u.scheme(), "http" | "https"));
            let summary = e
                .summary
                .map(|t| t.content)
                .or_else(|| e.content.and_then(|c| c.body))
                .unwrap_or_default();
            Item {
                guid: if e.id.is_empty() {
                    link.as_ref().map(|u| u.to_string()).unwrap_or_default()
                } else {
                    e.id
                },
                url: link,
                title: e.title.map(|t| t.content).unwrap_or_default(),
                summary,
            }
        })
        .collect())
}

/// Polls feeds and turns matching new items into documents.
#[derive(Clone)]
pub struct Discovery {
    /// Fetches the configured feeds.
    polite: Polite,
    /// Fetches the articles the feeds point to: URLs nobody configured, so
    /// the daemon gives it the SSRF-guarded client.
    articles: Polite,
    store: Arc<Mutex<Store>>,
}

impl Discovery {
    pub fn new(polite: Polite, store: Arc<Mutex<Store>>) -> Discovery {
        Discovery {
            articles: polite.clone(),
            polite,
            store,
        }
    }

    /// Fetches discovered articles through `articles` from now on.
    pub fn with_article_fetcher(mut self, articles: Polite) -> Discovery {
        self.articles = articles;
        self
    }

    async fn blocking<T, F>(&self, f: F) -> Result<T, FeedError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        Ok(with_store(&self.store, move |s| Ok(f(s.conn())?)).await?)
    }

    /// Polls `feed` once; returns the documents it created. Items already
    /// seen are skipped; a new matching item whose article is already a
    /// document (another feed, a configured source) adds only an alias.
    pub async fn poll(&self, feed: &Feed) -> Result<Vec<Discovered>, FeedError> {
        let (name, url) = (feed.name.clone(), feed.url.to_string());
        let source_id = self
            .blocking(move |c| feeds::ensure_feed(c, &name, &url, Utc::now()))
            .await?;
        let body = match self.polite.fetch(&feed.url, &Validators::default()).await {
            Ok(Fetched::Page(page)) => page.body,
            Ok(Fetched::NotModified { .. }) => return Ok(Vec::new()),
            Err(e) => {
                return Err(FeedError::Fetch {
                    url: feed.url.to_string(),
                    reason: e.to_string(),
                });
            }
        };
        let items = parse_items(&body, &feed.url).map_err(|reason| FeedError::Parse {
            url: feed.url.to_string(),
            reason,
        })?;
        let mut created = Vec::new();
        for item in items {
            let guid = item.guid.clone();
            let seen = self
                .blocking(move |c| feeds::item_seen(c, source_id, &guid))
                .await?;
            if seen {
                continue;
            }
            let matched = feed.matches(&item.title, &item.summary) && item.url.is_some();
            let doc = match (&item.url, matched) {
                (Some(link), true) => Some(self.resolve(feed, source_id, link).await?),
                _ => None,
            };
            let (it, doc_id) = (item.clone(), doc.as_ref().map(|d| d.0));
            self.blocking(move |c| {
                let seen = feeds::SeenItem {
                    guid: &it.guid,
                    url: it.url.as_ref().map(Url::as_str),
                    title: &it.title,
                    matched,
                    document_id: doc_id,
                };
                feeds::record_item(c, source_id, &seen, Utc::now())
            })
            .await?;
            if let Some((document_id, true, url)) = doc {
                tracing::info!(feed = %feed.name, %url, title = %item.title, "discovered coverage: now tracking");
                created.push(Discovered {
                    document_id,
                    feed: feed.name.clone(),
                    url,
                    discovered_at: Utc::now(),
                });
            }
        }
        Ok(created)
    }

    /// The document for a matching item's link: (id, newly created, url).
    async fn resolve(
        &self,
        feed: &Feed,
        source_id: i64,
        link: &Url,
    ) -> Result<(i64, bool, String), FeedError> {
        let link = urlnorm::normalize(link);
        let l = link.to_string();
        if let Some(id) = self.blocking(move |c| feeds::find_document(c, &l)).await? {
            return Ok((id, false, link.to_string()));
        }
        // The canonical link names the article; a fetch that fails keeps
        // the normalised feed link, and the first check records the failure.
        let canonical = match self.articles.fetch(&link, &Validators::default()).await {
            Ok(Fetched::Page(page)) => urlnorm::canonical_link(&page.html, &page.final_url)
                .or_else(|| Some(urlnorm::normalize(&page.final_url)))
                .filter(|u| u.host_str().is_some()),
            _ => None,
        }
        .unwrap_or_else(|| link.clone());
        let (l, c) = (link.to_string(), canonical.to_string());
        tracing::debug!(feed = %feed.name, link = %l, canonical = %c, "resolved item");
        self.blocking(move |conn| {
            let (id, new) = feeds::document_for(conn, source_id, &c, &l, Utc::now())?;
            Ok((id, new, c))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(keywords: &[&str]) -> Feed {
        Feed {
            name: "f".into(),
            url: Url::parse("http://127.0.0.1/feed").unwrap(),
            schedule: Schedule::parse("*/5 * * * *", None).unwrap(),
            keywords: keywords
                .iter()
                .map(|k| k.split_whitespace().map(str::to_lowercase).collect())
                .collect(),
        }
    }

    #[test]
    fn every_word_of_one_entry_must_match() {
        let f = feed(&["Amazon OpenAI", "AWS OpenAI"]);
        assert!(f.matches("Amazon to invest $50 billion in OpenAI", ""));
        assert!(f.matches("Cloud deal", "AWS and openai sign a pact."));
        assert!(!f.matches("Amazon Prime prices rise", "Nothing about AI labs"));
        // Whole words: "Amazonia" is not Amazon.
        assert!(!f.matches("Amazonia and OpenAI", ""));
        assert!(feed(&[]).matches("anything", ""));
    }
}
