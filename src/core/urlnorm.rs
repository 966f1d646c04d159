//! URL normalisation, so that one article is one document: tracking
//! parameters and fragments dropped, and the page's canonical link preferred.

use url::Url;

/// Query parameters that only track the reader, never select the article.
fn is_tracking(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("utm_")
        || matches!(
            n.as_str(),
            "fbclid" | "gclid" | "dclid" | "msclkid" | "mc_cid" | "mc_eid" | "ocid" | "cmpid"
        )
}

/// The normal form of an article URL: no fragment, no tracking parameters
/// (the other parameters keep their order), no empty query. Scheme and host
/// case and default ports are already normalised by `Url`.
pub fn normalize(url: &Url) -> Url {
    let mut out = url.clone();
    out.set_fragment(None);
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !is_tracking(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        out.set_query(None);
    } else if kept.len() != url.query_pairs().count() {
        out.query_pairs_mut().clear().extend_pairs(kept);
    }
    out
}

/// The `<link rel="canonical">` of a page, resolved against `base` and
/// normalised; only http(s) links count.
pub fn canonical_link(html: &str, base: &Url) -> Option<Url> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("link[rel~=canonical][href]").ok()?;
    let href = doc.select(&sel).next()?.value().attr("href")?.trim();
    let url = base.join(href).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| normalize(&url))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        normalize(&Url::parse(s).unwrap()).to_string()
    }

    #[test]
    fn tracking_and_fragments_are_dropped() {
        assert_eq!(
            n("https://News.Example.com:443/a?utm_source=rss&utm_medium=feed#comments"),
            "https://news.example.com/a"
        );
        assert_eq!(
            n("https://x.com/story?id=7&utm_campaign=z&page=2"),
            "https://x.com/story?id=7&page=2"
        );
        assert_eq!(n("https://x.com/a?id=1"), "https://x.com/a?id=1");
    }

    #[test]
    fn canonical_link_is_resolved_and_normalised() {
        let base = Url::parse("https://x.com/amp/story?utm_source=a").unwrap();
        let html = r#"<html><head><link rel="canonical" href="/story#top"></head></html>"#;
        assert_eq!(
            canonical_link(html, &base).unwrap().as_str(),
            "https://x.com/story"
        );
        assert_eq!(canonical_link("<p>none</p>", &base), None);
    }
}
