//! The bundled demo site: three outlets covering Amazon's $50 billion
//! investment in OpenAI, each article moving through a scripted timeline of
//! versions (two outlets lower the amount to $40 billion: one silently, one
//! with a correction notice), and every response carrying noise (a
//! timestamp, an ad id, a "most read" box, a visitor count) that must never
//! be reported as a change.
//!
//! The same site serves the integration tests.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::service::httpd::{self, Request, Response};
use tokio_util::sync::CancellationToken;

/// One version of a demo article.
#[derive(Debug, Clone)]
pub struct ArticleVersion {
    pub headline: &'static str,
    pub paragraphs: &'static [&'static str],
}

/// One outlet's article and its timeline.
#[derive(Debug, Clone)]
pub struct Outlet {
    /// Used in the URL path and as the source name.
    pub slug: &'static str,
    pub name: &'static str,
    pub byline: &'static str,
    pub versions: &'static [ArticleVersion],
}

/// The outlets of the demo, in the order the config lists them.
pub fn outlets() -> &'static [Outlet] {
    &OUTLETS
}

static OUTLETS: [Outlet; 3] = [
    Outlet {
        slug: "harbor-ledger",
        name: "The Harbor Ledger",
        byline: "Dana Whitfield",
        versions: &[
            ArticleVersion {
                headline: "Amazon in talks to put up to $50 billion into OpenAI",
                paragraphs: &[
                    "SEATTLE — Amazon is in talks to invest up to $50 billion in OpenAI over several years, according to people familiar with the matter.",
                    "The money would fund research, data centres and the commercial rollout of new models, the people said. Neither company commented on Tuesday.",
                    "AWS, Amazon's cloud unit, competes with Microsoft Azure, which has been OpenAI's main cloud provider since 2019.",
                    "Antitrust lawyers said a deal of this size could draw scrutiny from the U.S. Federal Trade Commission and from regulators in Brussels.",
                ],
            },
            ArticleVersion {
                headline: "Amazon confirms $50 billion investment in OpenAI",
                paragraphs: &[
                    "SEATTLE — Amazon will invest $50 billion in OpenAI over several years, the companies said in a joint statement on Tuesday.",
                    "The money would fund research, data centres and the commercial rollout of new models, the people said. Neither company commented on Tuesday.",
                    "AWS, Amazon's cloud unit, competes with Microsoft Azure, which has been OpenAI's main cloud provider since 2019.",
                    "Antitrust lawyers said a deal of this size could draw scrutiny from the U.S. Federal Trade Commission and from regulators in Brussels.",
                ],
            },
            ArticleVersion {
                headline: "Amazon confirms $50 billion investment in OpenAI",
                paragraphs: &[
                    "SEATTLE — Amazon will invest $50 billion in OpenAI over several years, the companies said in a joint statement on Tuesday.",
                    "The capital will fund research, data centres and the commercial rollout of new models, Amazon said.",
                    "AWS, Amazon's cloud unit, competes with Microsoft Azure, which has been OpenAI's main cloud provider since 2019.",
                    "The two companies plan to set up joint committees on research priorities and model safety, according to the statement.",
                ],
            },
        ],
    },
    Outlet {
        slug: "techwire-daily",
        name: "Techwire Daily",
        byline: "Priya Raman",
        versions: &[
            ArticleVersion {
                headline: "Amazon commits $50 billion to OpenAI in multi-year deal",
                paragraphs: &[
                    "Amazon has committed $50 billion to OpenAI in a multi-year investment, the two companies confirmed in a joint statement on Tuesday.",
                    "The funding will support OpenAI's long-term research and the expansion of its computing infrastructure.",
                    "Analysts at Bernstein said the deal gives AWS a seat at the table in decisions about how frontier models are trained and served.",
                ],
            },
            ArticleVersion {
                headline: "Amazon commits $40 billion to OpenAI in multi-year deal",
                paragraphs: &[
                    "Amazon has committed $40 billion to OpenAI in a multi-year investment, the two companies confirmed in a joint statement on Tuesday.",
                    "The funding will support OpenAI's long-term research and the expansion of its computing infrastructure.",
                    "Analysts at Bernstein said the deal gives AWS a seat at the table in decisions about how frontier models are trained and served.",
                ],
            },
            ArticleVersion {
                headline: "Amazon commits $40 billion to OpenAI in multi-year deal",
                paragraphs: &[
                    "Amazon has reportedly committed $40 billion to OpenAI in a multi-year investment, the two companies confirmed in a joint statement on Tuesday.",
                    "The funding will support OpenAI's long-term research and the expansion of its computing infrastructure.",
                    "Analysts at Bernstein said the deal gives AWS a seat at the table in decisions about how frontier models are trained and served.",
                    "Shares of Amazon rose 2.1% in early trading in New York.",
                ],
            },
        ],
    },
    Outlet {
        slug: "market-desk",
        name: "The Market Desk",
        byline: "Tom Okafor",
        versions: &[
            ArticleVersion {
                headline: "What Amazon's $50 billion OpenAI bet means for the cloud",
                paragraphs: &[
                    "Amazon's $50 billion investment in OpenAI is one of the largest single bets ever placed on an AI developer.",
                    "For OpenAI, the money provides runway at a time when training costs for large models have soared.",
                    "The deal could accelerate competition between AWS and Microsoft Azure for enterprise customers.",
                ],
            },
            // The same revision as techwire-daily's, but owned up to: a
            // correction appended at the foot of the article.
            ArticleVersion {
                headline: "What Amazon's $40 billion OpenAI bet means for the cloud",
                paragraphs: &[
                    "Amazon's $40 billion investment in OpenAI ranks among the largest single bets ever placed on an AI developer.",
                    "For OpenAI, the money provides runway at a time when training costs for large models have soared.",
                    "The deal could accelerate competition between AWS and Microsoft Azure for enterprise customers.",
                    "Correction: A previous version of this analysis gave the wrong size for Amazon's commitment.",
                ],
            },
        ],
    },
];

/// Shared state of a running site.
#[derive(Debug, Default)]
struct State {
    /// When set, every article shows this step of its timeline; otherwise an
    /// article advances one step every two requests.
    step: Mutex<Option<usize>>,
    hits: [AtomicU64; 3],
    noise: AtomicU64,
}

/// A running demo site.
pub struct DemoSite {
    pub base_url: String,
    state: Arc<State>,
    shutdown: CancellationToken,
}

impl DemoSite {
    /// Starts the site on a free loopback port.
    pub async fn start() -> std::io::Result<DemoSite> {
        let listener = httpd::bind_loopback().await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let state = Arc::new(State::default());
        let shutdown = CancellationToken::new();
        let st = state.clone();
        let handler: httpd::Handler = Arc::new(move |req: &Request| respond(&st, req));
        tokio::spawn(httpd::serve(listener, handler, shutdown.clone()));
        Ok(DemoSite {
            base_url,
            state,
            shutdown,
        })
    }

    /// The URL of an outlet's article.
    pub fn url(&self, slug: &str) -> String {
        format!("{}/{slug}/amazon-openai-investment", self.base_url)
    }

    /// Pins every article to `step` of its timeline (clamped to its last).
    pub fn set_step(&self, step: usize) {
        *self.state.step.lock().unwrap_or_else(|p| p.into_inner()) = Some(step);
    }

    /// How many requests an outlet's article has had.
    pub fn hits(&self, slug: &str) -> u64 {
        OUTLETS
            .iter()
            .position(|o| o.slug == slug)
            .map_or(0, |i| self.state.hits[i].load(Ordering::Relaxed))
    }
}

impl Drop for DemoSite {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

fn respond(state: &State, req: &Request) -> Response {
    let Some(i) = OUTLETS
        .iter()
        .position(|o| req.path == format!("/{}/amazon-openai-investment", o.slug))
    else {
        return Response::new(404, "text/plain", "not found");
    };
    let outlet = &OUTLETS[i];
    let hits = state.hits[i].fetch_add(1, Ordering::Relaxed);
    let step = state
        .step
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .unwrap_or((hits / 2) as usize);
    let v = step.min(outlet.versions.len() - 1);
    let noise = state.noise.fetch_add(1, Ordering::Relaxed);
    // The market desk supports conditional requests: its ETag names the
    // article version, not the noise, as a well-run CMS would.
    if outlet.slug == "market-desk" {
        let etag = format!("\"md-v{v}\"");
        if req.header("If-None-Match") == Some(etag.as_str()) {
            return Response::new(304, "text/html", "").with_header("ETag", &etag);
        }
        return Response::html(render(outlet, v, noise)).with_header("ETag", &etag);
    }
    Response::html(render(outlet, v, noise))
}

/// Renders one version of an article inside typical page furniture.
pub fn render(outlet: &Outlet, version: usize, noise: u64) -> String {
    let a = &outlet.versions[version];
    let body: String = a
        .paragraphs
        .iter()
        .map(|p| format!("      <p>{}</p>\n", escape(p)))
        .collect();
    let most_read = [
        "Chip makers race to build bigger data centres",
        "Cloud prices: what changed this quarter",
        "The week in markets",
        "How streaming services bundle their plans",
    ];
    let r = noise as usize % most_read.len();
    let most: String = (0..most_read.len())
        .map(|k| {
            format!(
                "<li><a href=\"/read/{k}\">{}</a></li>",
                most_read[(k + r) % most_read.len()]
            )
        })
        .collect();
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{headline} | {name}</title>
  <meta property="og:title" content="{headline}">
  <meta name="author" content="{byline}">
  <meta property="article:published_time" content="2026-11-24T09:00:00Z">
  <link rel="canonical" href="/{slug}/amazon-openai-investment">
  <script>window.__adslot = "ad-{noise:08x}"; window.__rendered = {noise};</script>
</head>
<body>
  <nav><a href="/">Home</a> <a href="/tech">Technology</a> <a href="/markets">Markets</a> <a href="/subscribe">Subscribe</a></nav>
  <div class="ad" id="ad-{noise:08x}">Advertisement · slot {noise:08x}</div>
  <main>
    <article>
      <h1>{headline}</h1>
      <p class="byline">By {byline}</p>
      <time datetime="2026-11-24T09:00:00Z">24 November 2026</time>
{body}    </article>
    <aside class="most-read"><h2>Most read</h2><ol>{most}</ol><p>{visitors} people are reading this now</p></aside>
  </main>
  <footer>Page generated {noise} · © 2026 {name}. Sign up for our newsletter.</footer>
</body>
</html>
"#,
        headline = escape(a.headline),
        name = outlet.name,
        byline = outlet.byline,
        slug = outlet.slug,
        noise = noise,
        visitors = 100 + noise * 37 % 900,
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
