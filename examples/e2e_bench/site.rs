//! A synthetic news site for benchmarks: many realistic article pages
//! (about 88 KB each: head with inline CSS and scripts, navigation, ad slots,
//! related links, comments, footer, and an `<article>` of 600–1,200 words of
//! varied news prose), conditional GET with ETag and Last-Modified,
//! per-request noise outside the article (timestamps, ad ids, request ids,
//! view counts), and edits of a chosen fraction of the articles between passes.
//!
//! Everything is generated from a seed, so a page costs no memory until it is
//! requested and two runs serve the same bytes (noise aside). The server
//! speaks HTTP/1.1 with keep-alive, so a client's connection pool is reused
//! the way it would be against nginx.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

use claimwatch::core::rng::Rng;

const OUTLETS: &[&str] = &[
    "The Harbor Ledger",
    "Techwire Daily",
    "Northgate Post",
    "The Market Courier",
    "Pacific Record",
    "Capital Dispatch",
    "The Evening Signal",
    "Metro Business Review",
];

const SECTIONS: &[&str] = &[
    "World",
    "Business",
    "Technology",
    "Markets",
    "Politics",
    "Science",
    "Climate",
    "Health",
    "Opinion",
    "Sport",
    "Culture",
    "Travel",
    "Style",
    "Food",
    "Real Estate",
    "Personal Finance",
    "Podcasts",
    "Video",
    "Newsletters",
    "Investigations",
];

const ORGS: &[&str] = &[
    "Amazon",
    "OpenAI",
    "Amazon Web Services",
    "Microsoft",
    "Google",
    "Nvidia",
    "Anthropic",
    "Meta",
    "the Federal Trade Commission",
    "the European Commission",
    "SoftBank",
    "Oracle",
];

const PEOPLE: &[(&str, &str)] = &[
    ("Andy Jassy", "chief executive of Amazon"),
    ("Sam Altman", "chief executive of OpenAI"),
    ("Matt Garman", "head of Amazon Web Services"),
    ("Sarah Friar", "OpenAI's chief financial officer"),
    ("Lina Ortega", "an analyst at Bernstein"),
    ("Marcus Feld", "a partner at Lakeshore Capital"),
    ("Helen Okafor", "a competition lawyer in Brussels"),
    ("David Cho", "a professor of economics at Stanford"),
    ("Ingrid Halvorsen", "a portfolio manager at Nordvik Funds"),
    ("Rafael Mendes", "a former FTC official"),
];

const BANKS: &[&str] = &[
    "Morgan Stanley",
    "Goldman Sachs",
    "JPMorgan",
    "Bernstein",
    "Evercore",
    "UBS",
    "Jefferies",
    "Barclays",
];

const REGIONS: &[&str] = &[
    "Brussels",
    "Washington",
    "London",
    "Tokyo",
    "Seoul",
    "Ottawa",
    "Canberra",
    "Berlin",
];

const PURPOSES: &[&str] = &[
    "pay for new data centres in Ohio and Oregon",
    "fund the training of larger models",
    "expand OpenAI's use of Amazon's Trainium chips",
    "support research into model safety",
    "cover several years of cloud computing contracts",
    "speed up the commercial rollout of new products",
    "build out capacity for enterprise customers",
    "secure long-term supplies of electricity",
];

const JUDGEMENTS: &[&str] = &[
    "reshapes the competition among cloud providers",
    "raises questions about OpenAI's ties to Microsoft",
    "is the largest bet yet on generative software",
    "reflects the soaring cost of computing power",
    "could take years to pay off",
    "puts pressure on rivals to respond",
    "was larger than most investors expected",
    "leaves many details of governance unresolved",
];

const CONSEQUENCES: &[&str] = &[
    "that regulators would want to look closely at the terms",
    "that smaller start-ups may struggle to raise money",
    "that energy demand from data centres will keep climbing",
    "that the price of AI services may fall for customers",
    "that Microsoft could seek new concessions",
    "that chip suppliers stand to benefit most",
    "that the deal may be renegotiated if milestones slip",
    "that the companies will compete and cooperate at once",
];

const MOVES: &[&str] = &["rose", "fell", "climbed", "slipped", "jumped", "edged up"];
const SESSIONS: &[&str] = &["early", "late", "pre-market", "after-hours", "midday"];
const DAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const QUOTES: &[&str] = &[
    "We think this is the most important infrastructure build-out of the decade",
    "Nobody should pretend the money comes without strings",
    "Customers have been asking us for exactly this kind of capacity",
    "It is a big number, but the costs of frontier models are bigger",
    "We will be watching how the governance questions are answered",
    "This changes the calculus for every other cloud provider",
    "The timeline is ambitious and the execution risk is real",
    "Our focus remains on safety and on broad access to the technology",
];
const METRICS: &[&str] = &[
    "annual revenue from AI services",
    "spending on data centres",
    "the market for AI chips",
    "OpenAI's valuation",
    "cloud revenue tied to the partnership",
];
const WORDS: &[&str] = &[
    "agreement",
    "investment",
    "capacity",
    "compute",
    "regulators",
    "analysts",
    "shares",
    "billion",
    "contract",
    "partnership",
    "chips",
    "models",
    "customers",
    "revenue",
    "deal",
    "cloud",
    "timeline",
    "governance",
    "board",
    "statement",
];

/// One sentence of news prose from a seed.
fn sentence(r: &mut Rng) -> String {
    let amount = r.range(2, 95);
    let year = r.range(2027, 2034);
    match r.below(10) {
        0 => format!(
            "{} said that the ${amount} billion commitment would {}, according to a person briefed on the talks.",
            cap(r.pick::<&str>(ORGS)),
            r.pick(PURPOSES)
        ),
        1 => {
            let (name, role) = *r.pick(PEOPLE);
            format!(
                "{name}, {role}, said the deal {} and warned {}.",
                r.pick(JUDGEMENTS),
                r.pick(CONSEQUENCES)
            )
        }
        2 => {
            let (name, _) = *r.pick(PEOPLE);
            format!(
                "\u{201c}{},\u{201d} {name} said in an interview on {}.",
                r.pick(QUOTES),
                r.pick(DAYS)
            )
        }
        3 => format!(
            "Shares of {} {} {}.{} percent in {} trading after the announcement.",
            r.pick(&["Amazon", "Microsoft", "Nvidia", "Oracle"]),
            r.pick(MOVES),
            r.range(0, 9),
            r.range(1, 9),
            r.pick(SESSIONS)
        ),
        4 => format!(
            "Analysts at {} estimated that {} could reach ${amount} billion by {year}.",
            r.pick(BANKS),
            r.pick(METRICS)
        ),
        5 => format!(
            "Officials in {} have asked for details of the {}, which {}.",
            r.pick(REGIONS),
            r.pick(WORDS),
            r.pick(JUDGEMENTS)
        ),
        6 => format!(
            "The first tranche of ${} billion is due in {year}, with the rest tied to {} milestones.",
            r.range(2, 20),
            r.pick(&["technical", "commercial", "regulatory", "revenue"])
        ),
        7 => format!(
            "Under the terms, {} will spend about ${amount} billion on {} over {} years.",
            r.pick(&["OpenAI", "Amazon"]),
            r.pick(&[
                "computing capacity",
                "custom chips",
                "data centre leases",
                "research staff"
            ]),
            r.range(3, 10)
        ),
        8 => format!(
            "The {} follows months of negotiations, and people close to both companies said the {} {}.",
            r.pick(WORDS),
            r.pick(WORDS),
            r.pick(JUDGEMENTS)
        ),
        _ => format!(
            "{} has not said whether the {} will change how {} is governed, and a spokesperson declined to comment on {}.",
            cap(r.pick::<&str>(ORGS)),
            r.pick(WORDS),
            r.pick(&["OpenAI", "the joint venture", "the nonprofit board"]),
            r.pick(DAYS)
        ),
    }
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The article of a page at an edit generation: headline and paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenArticle {
    pub headline: String,
    pub byline: String,
    pub paragraphs: Vec<String>,
}

/// The article of page `page` after `generation` edits. Each edit rewrites
/// one or two sentences (a new figure, a new quote) and every third edit adds
/// an update paragraph, the way live coverage changes.
pub fn article(seed: u64, page: usize, generation: u32) -> GenArticle {
    let mut r = Rng::from_parts(&[seed, page as u64, 1]);
    let (name, _) = *r.pick(PEOPLE);
    let headline = format!(
        "{} ${} billion {} OpenAI{}",
        r.pick(&[
            "Amazon puts",
            "Amazon commits",
            "Amazon to invest",
            "AWS parent pledges"
        ]),
        r.pick(&["50", "50", "up to 50"]),
        r.pick(&["into", "in", "behind"]),
        r.pick(&[
            "",
            " as cloud race heats up",
            " in multi-year deal",
            ", filings show"
        ])
    );
    let words_target = r.range(600, 1200);
    let mut sentences: Vec<(usize, String)> = Vec::new();
    let (mut words, mut para) = (0, 0);
    while words < words_target {
        let n = r.range(2, 4);
        for _ in 0..n {
            let s = sentence(&mut r);
            words += s.split_whitespace().count();
            sentences.push((para, s));
        }
        para += 1;
    }
    for g in 1..=generation {
        let mut e = Rng::from_parts(&[seed, page as u64, 2, g as u64]);
        let edits = e.range(1, 2);
        for _ in 0..edits {
            let k = e.below(sentences.len());
            sentences[k].1 = sentence(&mut e);
        }
        if g % 3 == 0 {
            sentences.push((para, format!("Update: {}", sentence(&mut e))));
            para += 1;
        }
    }
    let mut paragraphs: Vec<String> = Vec::new();
    for (p, s) in sentences {
        if p < paragraphs.len() {
            let last = paragraphs.last_mut().expect("non-empty");
            last.push(' ');
            last.push_str(&s);
        } else {
            paragraphs.push(s);
        }
    }
    GenArticle {
        headline,
        byline: name.to_string(),
        paragraphs,
    }
}

/// A run of pseudo-code: identifiers, strings and numbers, roughly as
/// compressible as minified JavaScript.
fn script_text(r: &mut Rng, bytes: usize, out: &mut String) {
    const IDENTS: &[&str] = &[
        "window",
        "document",
        "function",
        "return",
        "var",
        "const",
        "push",
        "config",
        "slot",
        "targeting",
        "consent",
        "analytics",
        "dataLayer",
        "event",
        "timeout",
        "addEventListener",
        "querySelector",
        "length",
        "prototype",
        "callback",
    ];
    let start = out.len();
    while out.len() - start < bytes {
        match r.below(6) {
            0 => {
                let _ = write!(
                    out,
                    "{}.{}_{:x}=",
                    r.pick(IDENTS),
                    r.pick(IDENTS),
                    r.next_u64() & 0xfff
                );
            }
            1 => {
                let _ = write!(
                    out,
                    "\"{}-{:x}\",",
                    r.pick(IDENTS),
                    r.next_u64() & 0xffff_ffff
                );
            }
            2 => {
                let _ = write!(out, "function(a,b){{return a.{}(b)}};", r.pick(IDENTS));
            }
            3 => {
                let _ = write!(out, "{},", r.next_u64() % 100_000);
            }
            4 => {
                let _ = write!(
                    out,
                    "if(!{}.{}){{{}()}}",
                    r.pick(IDENTS),
                    r.pick(IDENTS),
                    r.pick(IDENTS)
                );
            }
            _ => out.push_str(";\n"),
        }
    }
}

/// The parts of an outlet's pages that every article shares.
struct OutletTemplate {
    name: &'static str,
    slug: String,
    /// `<head>` contents after the title: meta, inline CSS, inline scripts.
    head: String,
    /// Masthead and navigation.
    nav: String,
    /// Footer links and legal text.
    footer: String,
}

impl OutletTemplate {
    fn new(seed: u64, index: usize) -> OutletTemplate {
        let name = OUTLETS[index % OUTLETS.len()];
        let slug: String = name
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("-");
        let mut r = Rng::from_parts(&[seed, index as u64, 3]);
        let mut head = String::with_capacity(60_000);
        for i in 0..24 {
            let _ = writeln!(
                head,
                "<meta name=\"{}-{i}\" content=\"{}-{:x}\">",
                r.pick(&["og", "twitter", "article", "parsely", "sailthru"]),
                r.pick(WORDS),
                r.next_u64()
            );
        }
        head.push_str("<style>\n");
        let start = head.len();
        while head.len() - start < 9_000 {
            let _ = writeln!(
                head,
                ".{}-{:x} .{}{{margin:{}px {}px;color:#{:06x};font-size:{}px;display:{}}}",
                r.pick(WORDS),
                r.next_u64() & 0xfff,
                r.pick(WORDS),
                r.below(40),
                r.below(40),
                r.next_u64() & 0xff_ffff,
                r.range(10, 32),
                r.pick(&["block", "flex", "grid", "none", "inline-block"])
            );
        }
        head.push_str("</style>\n");
        for _ in 0..5 {
            head.push_str("<script>");
            let n = r.range(8_000, 13_000);
            script_text(&mut r, n, &mut head);
            head.push_str("</script>\n");
        }
        head.push_str("<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@type\":\"NewsMediaOrganization\",\"name\":\"");
        head.push_str(name);
        head.push_str("\"}</script>\n");

        let mut nav = String::with_capacity(12_000);
        let _ = write!(
            nav,
            "<header class=\"masthead\"><a class=\"logo\" href=\"/\">{name}</a>\n<nav class=\"primary\"><ul>"
        );
        for s in SECTIONS {
            let _ = write!(
                nav,
                "<li class=\"nav-item\"><a href=\"/section/{}\" data-track=\"nav-{:x}\">{s}</a><ul class=\"sub\">",
                s.to_lowercase().replace(' ', "-"),
                r.next_u64() & 0xffff
            );
            for _ in 0..r.range(3, 6) {
                let w = r.pick(WORDS);
                let _ = write!(
                    nav,
                    "<li><a href=\"/section/{w}/{:x}\">{}</a></li>",
                    r.next_u64() & 0xfff,
                    cap(w)
                );
            }
            nav.push_str("</ul></li>\n");
        }
        nav.push_str("</ul></nav></header>\n");

        let mut footer = String::with_capacity(8_000);
        footer.push_str("<footer class=\"site-footer\"><div class=\"cols\">");
        for s in SECTIONS {
            let _ = write!(footer, "<div class=\"col\"><h4>{s}</h4><ul>");
            for _ in 0..4 {
                let w = r.pick(WORDS);
                let _ = write!(
                    footer,
                    "<li><a href=\"/{w}/{:x}\">{}</a></li>",
                    r.next_u64() & 0xffff,
                    cap(w)
                );
            }
            footer.push_str("</ul></div>");
        }
        let _ = writeln!(
            footer,
            "</div><p class=\"legal\">\u{a9} 2026 {name}. All rights reserved. Use of this site constitutes acceptance of our terms of service and privacy policy. Market data delayed at least 15 minutes.</p></footer>"
        );
        OutletTemplate {
            name,
            slug,
            head,
            nav,
            footer,
        }
    }
}

/// The benchmark site: `pages` articles spread over a few outlets, each
/// with its own edit generation.
pub struct BenchSite {
    seed: u64,
    outlets: Vec<OutletTemplate>,
    generations: Vec<AtomicU32>,
    requests: AtomicU64,
    /// False: every page answers 200 without ETag or Last-Modified, as a
    /// site that re-renders every request does (the noise pass).
    validators: AtomicBool,
}

impl BenchSite {
    /// A site of `pages` articles, generated from `seed`.
    pub fn new(pages: usize, seed: u64) -> BenchSite {
        BenchSite {
            seed,
            outlets: (0..OUTLETS.len())
                .map(|i| OutletTemplate::new(seed, i))
                .collect(),
            generations: (0..pages).map(|_| AtomicU32::new(0)).collect(),
            requests: AtomicU64::new(0),
            validators: AtomicBool::new(true),
        }
    }

    /// How many articles the site has.
    pub fn pages(&self) -> usize {
        self.generations.len()
    }

    /// The path of page `i`.
    pub fn path(i: usize) -> String {
        format!("/a/{i}")
    }

    /// How many times page `i` was edited.
    pub fn generation(&self, i: usize) -> u32 {
        self.generations[i].load(Ordering::Relaxed)
    }

    /// Edits exactly `round(pages * fraction)` articles, a different
    /// scattered set for each `round`; returns how many were edited.
    pub fn edit(&self, round: u64, fraction: f64) -> usize {
        let n = self.pages();
        if n == 0 {
            return 0;
        }
        let count = ((n as f64 * fraction).round() as usize).min(n);
        let stride = coprime_stride(n);
        let offset = (round as usize).wrapping_mul(count) % n;
        for k in 0..count {
            let i = ((offset + k) % n * stride) % n;
            self.generations[i].fetch_add(1, Ordering::Relaxed);
        }
        count
    }

    /// Turns ETag and Last-Modified (and so 304s) on or off.
    pub fn set_validators(&self, on: bool) {
        self.validators.store(on, Ordering::Relaxed);
    }

    /// Edits page `i` once.
    pub fn edit_page(&self, i: usize) {
        self.generations[i].fetch_add(1, Ordering::Relaxed);
    }

    /// The ETag of page `i` at its current generation.
    pub fn etag(&self, i: usize) -> String {
        format!("\"{:x}-{}\"", i, self.generation(i))
    }

    /// The Last-Modified date of page `i` at its current generation.
    pub fn last_modified(&self, i: usize) -> String {
        let base = chrono::DateTime::from_timestamp(1_795_000_000, 0).expect("valid time");
        let t = base + chrono::Duration::minutes(17 * i64::from(self.generation(i)));
        t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
    }

    /// The whole page `i` as served now; `noise` varies what a real site
    /// varies per request (ad ids, timestamps, counters).
    pub fn render(&self, i: usize, noise: u64) -> String {
        let outlet = &self.outlets[i % self.outlets.len()];
        let a = article(self.seed, i, self.generation(i));
        let mut n = Rng::from_parts(&[noise, i as u64, 4]);
        let mut r = Rng::from_parts(&[self.seed, i as u64, 5]);
        let mut out = String::with_capacity(96 * 1024);
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>{} | {}</title>\n<link rel=\"canonical\" href=\"https://{}.example/a/{i}\">\n<meta name=\"request-id\" content=\"{:016x}\">\n",
            a.headline,
            outlet.name,
            outlet.slug,
            n.next_u64()
        );
        out.push_str(&outlet.head);
        let _ = write!(
            out,
            "<script>window.__CSRF__=\"{:016x}{:016x}\";window.__RENDERED__={};</script>\n</head><body class=\"article-page\">\n",
            n.next_u64(),
            n.next_u64(),
            1_795_000_000 + noise
        );
        out.push_str(&outlet.nav);
        let _ = writeln!(
            out,
            "<div class=\"ticker\">Updated {:02}:{:02}:{:02} GMT</div>",
            n.below(24),
            n.below(60),
            n.below(60)
        );
        ad_slot(&mut out, &mut n, "leaderboard");
        out.push_str("<main class=\"content\">\n<article class=\"story\">\n");
        let _ = write!(
            out,
            "<h1 class=\"headline\">{}</h1>\n<p class=\"byline\">By <a rel=\"author\" href=\"/staff/{:x}\">{}</a></p>\n<time datetime=\"2026-11-{:02}T{:02}:00:00Z\">November {}, 2026</time>\n<div class=\"story-body\">\n",
            a.headline,
            r.next_u64() & 0xffff,
            a.byline,
            r.range(10, 28),
            r.below(24),
            r.range(10, 28)
        );
        for (k, p) in a.paragraphs.iter().enumerate() {
            let _ = writeln!(out, "<p>{p}</p>");
            if k == 3 {
                ad_slot(&mut out, &mut n, "in-article");
            }
        }
        out.push_str("</div>\n</article>\n");
        ad_slot(&mut out, &mut n, "sidebar");
        out.push_str("<aside class=\"related\"><h2>Related coverage</h2><ul>\n");
        for _ in 0..14 {
            let s = sentence(&mut r);
            let title: String = s.split_whitespace().take(9).collect::<Vec<_>>().join(" ");
            let _ = writeln!(
                out,
                "<li><a href=\"/a/{}\"><img src=\"/img/{:x}.jpg\" alt=\"\" loading=\"lazy\"><span>{title}</span></a></li>",
                r.below(100_000),
                r.next_u64() & 0xff_ffff
            );
        }
        out.push_str("</ul></aside>\n<aside class=\"most-read\"><h2>Most read</h2><ol>\n");
        for _ in 0..8 {
            let s = sentence(&mut n);
            let title: String = s.split_whitespace().take(8).collect::<Vec<_>>().join(" ");
            let _ = writeln!(
                out,
                "<li><a href=\"/a/{}\">{title}</a> <span class=\"views\">{} views</span></li>",
                n.below(100_000),
                n.below(500_000)
            );
        }
        out.push_str("</ol></aside>\n<section class=\"comments\"><h2>Comments</h2>\n");
        for _ in 0..r.range(12, 24) {
            let _ = write!(
                out,
                "<div class=\"comment\" id=\"c{:x}\"><span class=\"user\">reader{}</span><p>",
                r.next_u64() & 0xff_ffff,
                r.below(10_000)
            );
            for _ in 0..r.range(1, 3) {
                out.push_str(&sentence(&mut r));
                out.push(' ');
            }
            out.push_str("</p></div>\n");
        }
        out.push_str("</section>\n</main>\n");
        ad_slot(&mut out, &mut n, "footer");
        out.push_str(&outlet.footer);
        let _ = write!(
            out,
            "<script>window.__PV__={{\"id\":\"{:016x}\",\"t\":{}}};</script>\n</body></html>\n",
            n.next_u64(),
            noise
        );
        out
    }

    /// Answers one request: a page (200 or 304), an edit command, or 404.
    pub fn respond(
        &self,
        path: &str,
        if_none_match: Option<&str>,
    ) -> (u16, Vec<(String, String)>, Vec<u8>) {
        if let Some(rest) = path.strip_prefix("/_edit?") {
            let mut round = 0u64;
            let mut fraction = 0.0f64;
            for kv in rest.split('&') {
                match kv.split_once('=') {
                    Some(("round", v)) => round = v.parse().unwrap_or(0),
                    Some(("fraction", v)) => fraction = v.parse().unwrap_or(0.0),
                    _ => {}
                }
            }
            let n = self.edit(round, fraction);
            return (200, vec![], n.to_string().into_bytes());
        }
        if let Some(rest) = path.strip_prefix("/_validators?on=") {
            self.set_validators(rest != "0");
            return (200, vec![], b"ok".to_vec());
        }
        let Some(i) = path
            .strip_prefix("/a/")
            .and_then(|s| s.parse::<usize>().ok())
            .filter(|&i| i < self.pages())
        else {
            return (404, vec![], b"not found".to_vec());
        };
        let noise = || self.requests.fetch_add(1, Ordering::Relaxed);
        if !self.validators.load(Ordering::Relaxed) {
            return (200, Vec::new(), self.render(i, noise()).into_bytes());
        }
        let etag = self.etag(i);
        let headers = vec![
            ("ETag".to_string(), etag.clone()),
            ("Last-Modified".to_string(), self.last_modified(i)),
        ];
        if if_none_match.is_some_and(|v| v.split(',').any(|t| t.trim() == etag)) {
            return (304, headers, Vec::new());
        }
        (200, headers, self.render(i, noise()).into_bytes())
    }
}

fn ad_slot(out: &mut String, n: &mut Rng, kind: &str) {
    let _ = writeln!(
        out,
        "<div class=\"ad ad-{kind}\" data-ad-id=\"{:012x}\" data-campaign=\"{:06x}\"><iframe src=\"https://ads.example/serve?slot={kind}&amp;id={:x}\" width=\"728\" height=\"90\" title=\"Advertisement\"></iframe><span class=\"ad-label\">Advertisement</span></div>",
        n.next_u64() & 0xffff_ffff_ffff,
        n.next_u64() & 0xff_ffff,
        n.next_u64()
    );
}

/// A stride coprime to `n`, near the golden ratio of `n`, so that stepping by
/// it visits every index once in a scattered order.
fn coprime_stride(n: usize) -> usize {
    fn gcd(a: usize, b: usize) -> usize {
        if b == 0 { a } else { gcd(b, a % b) }
    }
    let mut s = (n as f64 * 0.618).round().max(1.0) as usize;
    while gcd(s, n) != 1 {
        s += 1;
    }
    s
}

/// Serves `site` on `listener` until `shutdown` is cancelled: HTTP/1.1 with
/// keep-alive, `GET /a/{i}` for pages, `GET /_edit?round=R&fraction=F` to edit.
pub async fn serve(listener: TcpListener, site: Arc<BenchSite>, shutdown: CancellationToken) {
    loop {
        let accepted = tokio::select! {
            _ = shutdown.cancelled() => return,
            a = listener.accept() => a,
        };
        let Ok((stream, _)) = accepted else { continue };
        let site = site.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            tokio::select! {
                _ = shutdown.cancelled() => {}
                _ = connection(stream, &site) => {}
            }
        });
    }
}

async fn connection(mut stream: TcpStream, site: &BenchSite) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    loop {
        let end = loop {
            if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break p + 4;
            }
            if buf.len() > 64 * 1024 || stream.read_buf(&mut buf).await? == 0 {
                return Ok(());
            }
        };
        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
        buf.drain(..end);
        let mut lines = head.split("\r\n");
        let mut first = lines.next().unwrap_or("").split_whitespace();
        let method = first.next().unwrap_or("GET").to_string();
        let path = first.next().unwrap_or("/").to_string();
        let (mut inm, mut close) = (None, false);
        for l in lines {
            if let Some((k, v)) = l.split_once(':') {
                let v = v.trim();
                if k.eq_ignore_ascii_case("if-none-match") {
                    inm = Some(v.to_string());
                } else if k.eq_ignore_ascii_case("connection") && v.eq_ignore_ascii_case("close") {
                    close = true;
                }
            }
        }
        let (status, headers, body) = site.respond(&path, inm.as_deref());
        let reason = match status {
            200 => "OK",
            304 => "Not Modified",
            _ => "Not Found",
        };
        let mut out = Vec::with_capacity(body.len() + 256);
        let _ = std::io::Write::write_fmt(
            &mut out,
            format_args!(
                "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n"
            ),
        );
        for (k, v) in &headers {
            let _ = std::io::Write::write_fmt(&mut out, format_args!("{k}: {v}\r\n"));
        }
        let len = if status == 304 { 0 } else { body.len() };
        let _ = std::io::Write::write_fmt(&mut out, format_args!("Content-Length: {len}\r\n\r\n"));
        if status != 304 && method != "HEAD" {
            out.extend_from_slice(&body);
        }
        stream.write_all(&out).await?;
        if close {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_realistic_and_noise_stays_outside_the_article() {
        let site = BenchSite::new(50, 7);
        let sizes: Vec<usize> = (0..50).map(|i| site.render(i, 1).len()).collect();
        let mean = sizes.iter().sum::<usize>() / sizes.len();
        assert!((70_000..110_000).contains(&mean), "mean page size {mean}");
        let a = site.render(3, 1);
        let b = site.render(3, 2);
        assert_ne!(a, b, "noise must make every response distinct");
        let body = |s: &str| {
            let start = s.find("<article").unwrap();
            let end = s.find("</article>").unwrap();
            s[start..end].to_string()
        };
        // The in-article ad slot carries noise: compare paragraphs only.
        let paras = |s: &str| -> Vec<String> {
            body(s)
                .lines()
                .filter(|l| l.starts_with("<p>"))
                .map(str::to_string)
                .collect()
        };
        assert_eq!(paras(&a), paras(&b));
        for i in 0..50 {
            let words: usize = article(7, i, 0)
                .paragraphs
                .iter()
                .map(|p| p.split_whitespace().count())
                .sum();
            assert!((600..1300).contains(&words), "page {i}: {words} words");
        }
    }

    #[test]
    fn edits_touch_exactly_the_fraction_and_change_the_article() {
        let site = BenchSite::new(1000, 1);
        assert_eq!(site.edit(0, 0.1), 100);
        let edited: Vec<usize> = (0..1000).filter(|&i| site.generation(i) == 1).collect();
        assert_eq!(edited.len(), 100);
        assert_ne!(article(1, edited[0], 0), article(1, edited[0], 1));
        assert_eq!(site.edit(1, 0.1), 100);
        let twice = (0..1000).filter(|&i| site.generation(i) == 2).count();
        assert_eq!(twice, 0, "consecutive rounds edit different pages");
    }

    #[test]
    fn etag_match_gives_304() {
        let site = BenchSite::new(2, 1);
        let etag = site.etag(1);
        assert_eq!(site.respond("/a/1", Some(&etag)).0, 304);
        assert_eq!(site.respond("/a/1", None).0, 200);
        site.edit(0, 1.0);
        assert_eq!(site.respond("/a/1", Some(&etag)).0, 200);
        assert_eq!(site.respond("/a/9", None).0, 404);
    }

    #[test]
    fn without_validators_every_request_is_a_fresh_200() {
        let site = BenchSite::new(2, 1);
        let etag = site.etag(1);
        assert_eq!(site.respond("/_validators?on=0", None).0, 200);
        let (status, headers, a) = site.respond("/a/1", Some(&etag));
        assert_eq!(status, 200);
        assert!(headers.is_empty());
        let (_, _, b) = site.respond("/a/1", Some(&etag));
        assert_ne!(a, b, "only the noise differs");
        site.respond("/_validators?on=1", None);
        assert_eq!(site.respond("/a/1", Some(&etag)).0, 304);
    }
}
