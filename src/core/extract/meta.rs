//! Metadata: headline, byline, dates, canonical URL and language, from JSON-LD,
//! Open Graph and other meta tags, `<link>`, `<time>` and `<html lang>`.
//!
//! Sources are tried from the most to the least deliberate: a page's JSON-LD
//! article object, then its meta tags, then what its markup shows.

use std::collections::HashMap;
use std::sync::LazyLock;

use scraper::{ElementRef, Html, Selector};
use serde_json::Value;

use super::text::{collapse, decode_entities};

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("static selector")
}

static AUTHOR_EL: LazyLock<Selector> = LazyLock::new(|| {
    sel("[rel~=author], [itemprop~=author], .byline, .author-name, .article-author, .byline__name")
});

/// The article object of a page's JSON-LD, reduced to what claimwatch reads.
#[derive(Debug, Default, Clone)]
pub struct LdArticle {
    pub headline: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<String>,
    pub modified: Option<String>,
    pub language: Option<String>,
    pub body: Option<String>,
}

/// Everything the head and markup say about the page.
#[derive(Debug, Default, Clone)]
pub struct Meta {
    pub title: Option<String>,
    pub byline: Option<String>,
    pub published: Option<String>,
    pub modified: Option<String>,
    pub canonical_url: Option<String>,
    pub language: Option<String>,
    /// Candidate headlines (any source) to strip from the top of the body.
    pub headlines: Vec<String>,
    pub ld: LdArticle,
}

const ARTICLE_TYPES: &[&str] = &[
    "article",
    "newsarticle",
    "blogposting",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "askpublicnewsarticle",
    "liveblogposting",
    "techarticle",
    "scholarlyarticle",
    "report",
    "socialmediaposting",
    "posting",
    "review",
    "satiricalarticle",
    "medicalscholarlyarticle",
];

fn type_rank(v: &Value) -> u8 {
    let names: Vec<String> = match v.get("@type") {
        Some(Value::String(s)) => vec![s.to_ascii_lowercase()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str())
            .map(|s| s.to_ascii_lowercase())
            .collect(),
        _ => Vec::new(),
    };
    let names: Vec<&str> = names
        .iter()
        .map(|s| s.rsplit(['/', ':']).next().unwrap_or(s))
        .collect();
    if names.iter().any(|n| ARTICLE_TYPES.contains(n)) {
        2
    } else if names.iter().any(|n| n.ends_with("page")) {
        1
    } else {
        0
    }
}

/// All JSON objects in a value, found iteratively (arrays, `@graph`, nesting).
fn objects(root: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    let mut stack = vec![(root, 0usize)];
    while let Some((v, depth)) = stack.pop() {
        if depth > 8 {
            continue;
        }
        match v {
            Value::Array(a) => stack.extend(a.iter().rev().map(|x| (x, depth + 1))),
            Value::Object(m) => {
                out.push(v);
                if let Some(g) = m.get("@graph") {
                    stack.push((g, depth + 1));
                }
                if let Some(g) = m.get("mainEntity") {
                    stack.push((g, depth + 1));
                }
            }
            _ => {}
        }
    }
    out
}

fn string_of(v: Option<&Value>) -> Option<String> {
    let s = match v? {
        Value::String(s) => s.clone(),
        Value::Array(a) => return a.iter().find_map(|x| string_of(Some(x))),
        Value::Object(m) => return string_of(m.get("@value").or(m.get("name"))),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let s = collapse(&decode_entities(&s));
    (!s.is_empty()).then_some(s)
}

fn names_of(v: Option<&Value>) -> Vec<String> {
    let mut out = Vec::new();
    let Some(v) = v else { return out };
    let items: Vec<&Value> = match v {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    for it in items {
        let name = match it {
            Value::String(s) => Some(s.clone()),
            Value::Object(m) => m.get("name").and_then(|n| string_of(Some(n))),
            _ => None,
        };
        if let Some(n) = name {
            let n = collapse(&decode_entities(&n));
            if !n.is_empty() && !looks_like_url(&n) && !out.contains(&n) {
                out.push(n);
            }
        }
    }
    out
}

fn looks_like_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://") || s.starts_with("//")
}

/// JSON as pages write it: raw newlines and tabs inside strings, HTML comment
/// or CDATA wrappers, a trailing semicolon.
fn lenient_json(raw: &str) -> Option<Value> {
    let t = raw.trim();
    let t = t
        .trim_start_matches("<!--")
        .trim_end_matches("-->")
        .trim()
        .trim_start_matches("//<![CDATA[")
        .trim_end_matches("//]]>")
        .trim()
        .trim_end_matches(';');
    if let Ok(v) = serde_json::from_str::<Value>(t) {
        return Some(v);
    }
    let cleaned: String = t
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    serde_json::from_str(&cleaned).ok()
}

/// What one walk over the document collects for the metadata.
#[derive(Default)]
struct Scan {
    ld_scripts: Vec<String>,
    metas: Vec<(String, String)>,
    canonical: Option<String>,
    title: Option<String>,
    h1: Option<String>,
    time_published: Option<String>,
    time_any: Option<String>,
}

fn scan(doc: &Html) -> Scan {
    let mut sc = Scan::default();
    for node in doc.root_element().descendants() {
        let Some(el) = ElementRef::wrap(node) else {
            continue;
        };
        let v = el.value();
        match v.name() {
            "script"
                if v.attr("type")
                    .is_some_and(|t| t.to_ascii_lowercase().contains("ld+json")) =>
            {
                sc.ld_scripts.push(el.text().collect());
            }
            "meta" => {
                let Some(content) = v.attr("content") else {
                    continue;
                };
                for key in ["property", "name", "itemprop", "http-equiv"] {
                    if let Some(k) = v.attr(key) {
                        for k in k.split_whitespace() {
                            sc.metas.push((k.to_ascii_lowercase(), content.to_string()));
                        }
                    }
                }
            }
            "link"
                if sc.canonical.is_none()
                    && v.attr("rel").is_some_and(|r| {
                        r.split_whitespace()
                            .any(|t| t.eq_ignore_ascii_case("canonical"))
                    }) =>
            {
                sc.canonical = v.attr("href").map(str::to_string);
            }
            "title" if sc.title.is_none() => {
                sc.title = Some(collapse(&el.text().collect::<String>())).filter(|t| !t.is_empty());
            }
            "h1" if sc.h1.is_none() => {
                sc.h1 = Some(collapse(&el.text().collect::<String>())).filter(|t| !t.is_empty());
            }
            "time" => {
                if let Some(dt) = v.attr("datetime").map(collapse).filter(|d| !d.is_empty()) {
                    let published = v.attr("pubdate").is_some()
                        || v.attr("itemprop")
                            .is_some_and(|p| p.contains("datePublished"));
                    if published && sc.time_published.is_none() {
                        sc.time_published = Some(dt.clone());
                    }
                    if sc.time_any.is_none() {
                        sc.time_any = Some(dt);
                    }
                }
            }
            _ => {}
        }
    }
    sc
}

fn ld_article(scripts: &[String]) -> LdArticle {
    let mut best: Option<(u8, usize, Value)> = None;
    for raw in scripts {
        let Some(v) = lenient_json(raw) else {
            continue;
        };
        for o in objects(&v) {
            let rank = type_rank(o);
            if rank == 0 {
                continue;
            }
            let size = o
                .get("articleBody")
                .and_then(|b| b.as_str())
                .map_or(0, str::len);
            let better = match &best {
                None => true,
                Some((r, sz, _)) => rank > *r || (rank == *r && size > *sz),
            };
            if better {
                best = Some((rank, size, o.clone()));
            }
        }
    }
    let Some((rank, _, o)) = best else {
        return LdArticle::default();
    };
    LdArticle {
        headline: string_of(o.get("headline")).or_else(|| {
            if rank == 2 {
                string_of(o.get("name"))
            } else {
                None
            }
        }),
        authors: names_of(o.get("author").or(o.get("creator"))),
        published: string_of(o.get("datePublished")).or_else(|| string_of(o.get("dateCreated"))),
        modified: string_of(o.get("dateModified")),
        language: string_of(o.get("inLanguage")),
        body: o
            .get("articleBody")
            .and_then(|b| b.as_str())
            .map(str::to_string),
    }
}

fn first<'a>(m: &'a HashMap<String, String>, keys: &[&str]) -> Option<&'a String> {
    keys.iter()
        .find_map(|k| m.get(*k))
        .filter(|v| !v.is_empty())
}

fn resolve(href: &str, base: Option<&str>) -> Option<String> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    if let Ok(u) = url::Url::parse(href) {
        return Some(u.to_string());
    }
    let base = url::Url::parse(base?).ok()?;
    base.join(href).ok().map(|u| u.to_string())
}

fn clean_byline(s: &str) -> Option<String> {
    let s = collapse(s);
    let lower = s.to_lowercase();
    let s = if lower.starts_with("by ") {
        s[3..].trim().to_string()
    } else {
        s
    };
    (!s.is_empty() && s.chars().count() <= 120 && !looks_like_url(&s)).then_some(s)
}

pub fn metadata(doc: &Html, url: Option<&str>) -> Meta {
    let sc = scan(doc);
    let ld = ld_article(&sc.ld_scripts);

    let mut m: HashMap<String, String> = HashMap::new();
    for (k, content) in &sc.metas {
        if !m.contains_key(k) {
            m.insert(k.clone(), collapse(&decode_entities(content)));
        }
    }
    let doc_title = sc.title.clone();
    let h1 = sc.h1.clone();

    let og_title = first(&m, &["og:title", "twitter:title", "headline", "dc.title"]).cloned();
    let title = ld
        .headline
        .clone()
        .or_else(|| og_title.clone())
        .or_else(|| h1.clone())
        .or_else(|| doc_title.clone());
    let mut headlines: Vec<String> = Vec::new();
    for h in [&ld.headline, &og_title, &h1, &doc_title]
        .into_iter()
        .flatten()
    {
        if !headlines.contains(h) {
            headlines.push(h.clone());
        }
    }

    let byline = if !ld.authors.is_empty() {
        Some(ld.authors.join(", "))
    } else {
        first(
            &m,
            &[
                "author",
                "article:author",
                "parsely-author",
                "sailthru.author",
                "dc.creator",
                "byl",
            ],
        )
        .and_then(|a| clean_byline(a))
        .or_else(|| {
            doc.select(&AUTHOR_EL)
                .filter(|e| e.value().name() != "link" && e.value().name() != "meta")
                .find_map(|e| clean_byline(&e.text().collect::<String>()))
        })
    };

    let published = ld
        .published
        .clone()
        .or_else(|| {
            first(
                &m,
                &[
                    "article:published_time",
                    "og:article:published_time",
                    "datepublished",
                    "article.published",
                    "pubdate",
                    "publishdate",
                    "publish-date",
                    "published_time",
                    "parsely-pub-date",
                    "sailthru.date",
                    "dc.date.issued",
                    "dcterms.created",
                    "dc.date",
                    "date",
                    "og:published_time",
                ],
            )
            .cloned()
        })
        .or_else(|| sc.time_published.clone())
        .or_else(|| sc.time_any.clone());
    let modified = ld.modified.clone().or_else(|| {
        first(
            &m,
            &[
                "article:modified_time",
                "og:updated_time",
                "datemodified",
                "article.updated",
                "last-modified",
                "dcterms.modified",
                "modified_time",
            ],
        )
        .cloned()
    });

    let canonical_url = sc
        .canonical
        .as_deref()
        .and_then(|h| resolve(h, url))
        .or_else(|| first(&m, &["og:url"]).and_then(|u| resolve(u, url)));

    let language = doc
        .root_element()
        .attr("lang")
        .or_else(|| doc.root_element().attr("xml:lang"))
        .map(str::to_string)
        .or_else(|| {
            first(
                &m,
                &["content-language", "language", "dc.language", "og:locale"],
            )
            .cloned()
        })
        .or_else(|| ld.language.clone())
        .map(|l| l.trim().replace('_', "-"))
        .filter(|l| !l.is_empty());

    Meta {
        title,
        byline,
        published,
        modified,
        canonical_url,
        language,
        headlines,
        ld,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_graph_with_raw_newlines() {
        let html = "<html lang=en_GB><head><script type=\"application/ld+json\">{\"@graph\":[{\"@type\":\"WebSite\",\"name\":\"Site\"},{\"@type\":[\"NewsArticle\"],\"headline\":\"Big &amp; news\",\"author\":[{\"@type\":\"Person\",\"name\":\"Ann Lee\"},{\"name\":\"Bo Chan\"}],\"datePublished\":\"2025-01-02T03:04:05Z\",\"dateModified\":\"2025-01-03\",\"articleBody\":\"Line one.\nLine two.\"}]}</script></head><body></body></html>";
        let doc = Html::parse_document(html);
        let m = metadata(&doc, Some("https://example.com/a/b"));
        assert_eq!(m.title.as_deref(), Some("Big & news"));
        assert_eq!(m.byline.as_deref(), Some("Ann Lee, Bo Chan"));
        assert_eq!(m.published.as_deref(), Some("2025-01-02T03:04:05Z"));
        assert_eq!(m.modified.as_deref(), Some("2025-01-03"));
        assert_eq!(m.language.as_deref(), Some("en-GB"));
        assert!(m.ld.body.unwrap().contains("Line two."));
    }

    #[test]
    fn meta_tags_time_and_relative_canonical() {
        let html = r#"<html><head><meta property="og:title" content="OG title">
            <meta name="author" content="By Jane Roe"><link rel="canonical" href="/story/1">
            <meta http-equiv="content-language" content="fr"></head>
            <body><h1>Shown</h1><time datetime="2024-05-06">May 6</time></body></html>"#;
        let doc = Html::parse_document(html);
        let m = metadata(&doc, Some("https://example.com/x?y=1"));
        assert_eq!(m.title.as_deref(), Some("OG title"));
        assert_eq!(m.byline.as_deref(), Some("Jane Roe"));
        assert_eq!(m.published.as_deref(), Some("2024-05-06"));
        assert_eq!(m.modified, None);
        assert_eq!(
            m.canonical_url.as_deref(),
            Some("https://example.com/story/1")
        );
        assert_eq!(m.language.as_deref(), Some("fr"));
        assert!(m.headlines.contains(&"Shown".to_string()));
    }
}
