//! Table-driven tests of the claim engine: sentences, detection, facets,
//! alignment of versions and facts across outlets.

use claimwatch::core::claims::*;

fn story() -> Story {
    Story {
        entities: vec!["Amazon".into(), "OpenAI".into()],
        aliases: vec![
            ("AWS".into(), "Amazon".into()),
            ("Amazon Web Services".into(), "Amazon".into()),
            ("Amazon.com Inc.".into(), "Amazon".into()),
            ("Amazon.com".into(), "Amazon".into()),
        ],
        facts: vec![FactSpec {
            name: "investment amount".into(),
            about: vec!["Amazon".into(), "OpenAI".into()],
            kind: FactKind::Amount,
        }],
    }
}

fn texts(s: &str) -> Vec<String> {
    split_sentences(s).into_iter().map(|s| s.text).collect()
}

// ---- sentences ------------------------------------------------------------

#[test]
fn segmentation_table() {
    let cases: &[(&str, &[&str])] = &[
        ("One. Two.", &["One.", "Two."]),
        (
            "The U.S. economy grew. It was fast.",
            &["The U.S. economy grew.", "It was fast."],
        ),
        (
            "He moved to the U.S. The move was quick.",
            &["He moved to the U.S.", "The move was quick."],
        ),
        (
            "Mr. Smith met Dr. Jones at 5 p.m. on Jan. 5. They talked.",
            &[
                "Mr. Smith met Dr. Jones at 5 p.m. on Jan. 5.",
                "They talked.",
            ],
        ),
        (
            "Amazon.com Inc. raised $1.5bn. Growth was 3.5% this year.",
            &[
                "Amazon.com Inc. raised $1.5bn.",
                "Growth was 3.5% this year.",
            ],
        ),
        (
            "He invested in Acme Inc. The deal closed.",
            &["He invested in Acme Inc.", "The deal closed."],
        ),
        (
            "John F. Kennedy spoke. Then he left.",
            &["John F. Kennedy spoke.", "Then he left."],
        ),
        (
            "\"We are excited.\" The company said so.",
            &["\"We are excited.\"", "The company said so."],
        ),
        (
            "\u{201C}Is it true?\u{201D} she asked. Nobody knew.",
            &["\u{201C}Is it true?\u{201D} she asked.", "Nobody knew."],
        ),
        (
            "He paused... and then went on. Later he left.",
            &["He paused... and then went on.", "Later he left."],
        ),
        (
            "It was over\u{2026} The end came.",
            &["It was over\u{2026}", "The end came."],
        ),
        ("Wait! Really? Yes.", &["Wait!", "Really?", "Yes."]),
        (
            "Amazon bets big on AI\n\nThe deal is large.",
            &["Amazon bets big on AI", "The deal is large."],
        ),
        (
            "Key points\nAmazon will invest. OpenAI agrees.",
            &["Key points", "Amazon will invest.", "OpenAI agrees."],
        ),
        (
            "The figure rose by\nten percent last year.",
            &["The figure rose by ten percent last year."],
        ),
        (
            "It ranked No. 1 in sales. Others lagged.",
            &["It ranked No. 1 in sales.", "Others lagged."],
        ),
        (
            "Prices rose (see chart.) Sales fell.",
            &["Prices rose (see chart.)", "Sales fell."],
        ),
    ];
    for (input, want) in cases {
        assert_eq!(texts(input), *want, "input: {input:?}");
    }
}

#[test]
fn datelines_are_split_off() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "SEATTLE (Reuters) \u{2014} Amazon said it would invest.",
            "SEATTLE (Reuters)",
            "Amazon said it would invest.",
        ),
        (
            "NEW YORK, March 3 (AP) -- Shares rose.",
            "NEW YORK, March 3 (AP)",
            "Shares rose.",
        ),
        (
            "WASHINGTON, D.C. \u{2014} The bill passed.",
            "WASHINGTON, D.C.",
            "The bill passed.",
        ),
        ("(Reuters) - OpenAI agreed.", "(Reuters)", "OpenAI agreed."),
    ];
    for (input, dateline, text) in cases {
        let s = split_sentences(input);
        assert_eq!(s.len(), 1, "{input:?}: {s:?}");
        assert_eq!(s[0].dateline.as_deref(), Some(*dateline), "{input:?}");
        assert_eq!(s[0].text, *text);
        assert_eq!(&input[s[0].start..s[0].end], *text);
    }
    // Not a dateline: an ordinary sentence with a dash.
    let s = split_sentences("Amazon \u{2014} the retailer \u{2014} invested.");
    assert_eq!(s[0].dateline, None);
}

#[test]
fn paragraphs_and_offsets() {
    let text = "First one. Second one.\n\n\n  Third one.\r\n\r\nFourth.";
    let s = split_sentences(text);
    let got: Vec<(&str, usize)> = s.iter().map(|s| (s.text.as_str(), s.paragraph)).collect();
    assert_eq!(
        got,
        vec![
            ("First one.", 0),
            ("Second one.", 0),
            ("Third one.", 1),
            ("Fourth.", 2)
        ]
    );
    for x in &s {
        assert_eq!(&text[x.start..x.end], x.text);
    }
}

// ---- detection --------------------------------------------------------------

#[test]
fn detection_table() {
    let cases: &[(&str, bool)] = &[
        (
            "Amazon said on Monday it would invest $50 billion in OpenAI.",
            true,
        ),
        ("OpenAI's revenue rose 40% to $3.7 billion last year.", true),
        ("Shares of Amazon rose 3.5% in after-hours trading.", true),
        ("Unemployment fell to 4.1 percent in 2019.", true),
        ("The company employs 1.5 million people worldwide.", true),
        ("Sign up for our newsletter.", false),
        ("Click here to subscribe.", false),
        ("Is this the end of the AI boom?", false),
        ("What does it mean for you?", false),
        ("I think that's a terrible idea.", false),
        ("We need to do better.", false),
        ("Thank you.", false),
    ];
    for (text, want) in cases {
        let d = score_sentence(text);
        assert_eq!(d.claim, *want, "{text:?}: {d:?}");
        assert!((0.0..=1.0).contains(&d.score));
    }
}

#[test]
fn detection_reasons() {
    let d = score_sentence("Amazon said it would invest $50 billion in OpenAI.");
    for r in ["amount", "named entity", "attribution"] {
        assert!(d.reasons.iter().any(|x| x == r), "{r}: {:?}", d.reasons);
    }
    let d = score_sentence("Why would anyone do that?");
    assert!(d.reasons.iter().any(|x| x == "question"));
    let d = score_sentence("Sign up for our newsletter");
    assert!(d.reasons.iter().any(|x| x == "boilerplate"));
    assert!(d.score < 0.1);
}

#[test]
fn shipped_model_loads() {
    // The model file is embedded; a rule-only fallback would still score,
    // but the shipped file must parse.
    let bytes = include_bytes!("../models/claims.bin");
    let m = model::LinearModel::from_bytes(bytes).expect("model parses");
    assert!(m.threshold > 0.0 && m.threshold < 1.0);
    let again = model::LinearModel::from_bytes(&m.to_bytes()).unwrap();
    assert_eq!(again.threshold, m.threshold);
}

// ---- facets -------------------------------------------------------------------

#[test]
fn amounts_table() {
    let cases: &[(&str, &str, f64, Option<&str>, &str)] = &[
        (
            "It will invest $50 billion.",
            "USD",
            50e9,
            None,
            "$50 billion",
        ),
        ("It will invest $50bn.", "USD", 50e9, None, "$50 billion"),
        (
            "It will invest 50 billion dollars.",
            "USD",
            50e9,
            None,
            "$50 billion",
        ),
        ("It paid £3.2m for it.", "GBP", 3.2e6, None, "£3.2 million"),
        (
            "It raised €500 million.",
            "EUR",
            500e6,
            None,
            "€500 million",
        ),
        (
            "It will invest up to $50 billion.",
            "USD",
            50e9,
            Some("up to"),
            "$50 billion",
        ),
        (
            "It is worth about $1.5 trillion.",
            "USD",
            1.5e12,
            Some("about"),
            "$1.5 trillion",
        ),
        ("The fine was $750,000.", "USD", 750_000.0, None, "$750,000"),
        ("It raised USD 3bn.", "USD", 3e9, None, "$3 billion"),
        (
            "It raised fifty million pounds.",
            "GBP",
            50e6,
            None,
            "£50 million",
        ),
        (
            "It costs US$2.5 billion.",
            "USD",
            2.5e9,
            None,
            "$2.5 billion",
        ),
        (
            "It spent more than $10B.",
            "USD",
            10e9,
            Some("more than"),
            "$10 billion",
        ),
    ];
    for (text, cur, value, qual, display) in cases {
        let a = facets::amounts(text);
        assert_eq!(a.len(), 1, "{text:?}: {a:?}");
        assert_eq!(a[0].currency, *cur, "{text:?}");
        assert!(
            (a[0].value - value).abs() < 1e-3 * value,
            "{text:?}: {}",
            a[0].value
        );
        assert_eq!(a[0].qualifier.as_deref(), *qual, "{text:?}");
        assert_eq!(a[0].display(), *display, "{text:?}");
    }
    assert!(facets::amounts("He was one of 50 people.").is_empty());
    assert!(facets::amounts("It grew 50%.").is_empty());
}

#[test]
fn amounts_are_the_quantity_scanners_money() {
    // One recogniser: every currency the scanner knows, lakh and crore,
    // and never a currency taken for dollars.
    let cases: &[(&str, &str, f64, &str)] = &[
        (
            "The state spent Rs 5 crore on it.",
            "INR",
            5e7,
            "INR 50 million",
        ),
        ("It cost 2 lakh rupees.", "INR", 2e5, "INR 200,000"),
        (
            "The fine was CHF 12 million.",
            "CHF",
            12e6,
            "CHF 12 million",
        ),
        ("It raised S$40 million.", "SGD", 40e6, "SGD 40 million"),
        ("It paid 3 billion yuan.", "CNY", 3e9, "CNY 3 billion"),
    ];
    for (text, cur, value, display) in cases {
        let a = facets::amounts(text);
        assert_eq!(a.len(), 1, "{text:?}: {a:?}");
        assert_eq!(a[0].currency, *cur, "{text:?}");
        assert!((a[0].value - value).abs() < 1e-3 * value, "{text:?}");
        assert_eq!(a[0].display(), *display, "{text:?}");
        let q: Vec<Quantity> = quantities(text)
            .into_iter()
            .filter(|q| q.kind == QuantityKind::Money)
            .collect();
        assert_eq!(q.len(), 1, "{text:?}");
        assert_eq!(q[0].unit, *cur, "{text:?}");
        // The detector's amount feature is the same recogniser's.
        let d = score_sentence(text);
        assert!(d.reasons.iter().any(|r| r == "amount"), "{text:?}: {d:?}");
    }
}

#[test]
fn percentages_table() {
    let cases: &[(&str, f64, &str)] = &[
        ("Shares rose 3.5%.", 3.5, "3.5%"),
        ("Sales fell 20 percent.", 20.0, "20%"),
        ("Sales fell 12 per cent.", 12.0, "12%"),
        (
            "Rates rose 2 percentage points.",
            2.0,
            "2 percentage points",
        ),
    ];
    for (text, v, display) in cases {
        let p = facets::percentages(text);
        assert_eq!(p.len(), 1, "{text:?}");
        assert_eq!(p[0].value, *v);
        assert_eq!(p[0].display(), *display);
    }
}

#[test]
fn dates_table() {
    let cases: &[(&str, &[&str])] = &[
        ("It closed on March 3, 2025.", &["2025-03-03"]),
        ("It closed on 3 March 2025.", &["2025-03-03"]),
        ("It closed on Jan. 5.", &["01-05"]),
        ("It closed in March 2025.", &["2025-03"]),
        ("It closed on 2025-03-03.", &["2025-03-03"]),
        ("It will close by 2030.", &["2030"]),
        (
            "Results for the third quarter of 2025 were strong.",
            &["2025-Q3"],
        ),
        ("Amazon said on Monday it would invest.", &["monday"]),
        ("It was announced last week.", &["last week"]),
        ("It may close soon.", &[]),
        ("It raised $2025 million.", &[]),
    ];
    for (text, want) in cases {
        let got: Vec<String> = facets::dates(text)
            .into_iter()
            .map(|d| d.normalised)
            .collect();
        assert_eq!(got, *want, "{text:?}");
    }
}

#[test]
fn entities_table() {
    let st = story();
    let cases: &[(&str, &[&str])] = &[
        ("AWS will host OpenAI models.", &["Amazon", "OpenAI"]),
        ("Amazon Web Services said it agreed.", &["Amazon"]),
        ("Amazon's deal with OpenAI is big.", &["Amazon", "OpenAI"]),
        (
            "Microsoft and Google declined to comment.",
            &["Microsoft", "Google"],
        ),
        (
            "Andy Jassy, chief executive of Amazon, spoke.",
            &["Amazon", "Andy Jassy"],
        ),
        ("The Bank of England raised rates.", &["Bank of England"]),
        ("The deal is large.", &[]),
    ];
    for (text, want) in cases {
        assert_eq!(facets::entities(text, &st), *want, "{text:?}");
    }
}

#[test]
fn attribution_table() {
    let st = story();
    let cases: &[(&str, Option<&str>)] = &[
        ("Amazon said it would invest $50 billion.", Some("Amazon")),
        ("AWS said on Monday that it agreed.", Some("Amazon")),
        (
            "The talks are advanced, according to people familiar with the matter.",
            Some("anonymous sources"),
        ),
        (
            "The deal is worth $50 billion, a person familiar with the matter said.",
            Some("anonymous sources"),
        ),
        (
            "The deal is worth $50 billion, according to Bloomberg.",
            Some("Bloomberg"),
        ),
        (
            "\"We are excited,\" said Andy Jassy, Amazon's chief executive.",
            Some("Andy Jassy"),
        ),
        ("\"We are excited,\" Jassy said.", Some("Jassy")),
        (
            "The company said the deal would close soon.",
            Some("the company"),
        ),
        ("Bloomberg reported the talks earlier.", Some("Bloomberg")),
        ("Amazon will invest $50 billion in OpenAI.", None),
        ("It was reported that the deal closed.", None),
    ];
    for (text, want) in cases {
        assert_eq!(facets::attribution(text, &st).as_deref(), *want, "{text:?}");
    }
}

#[test]
fn certainty_table() {
    let cases: &[(&str, Certainty)] = &[
        (
            "Amazon will invest $50 billion in OpenAI.",
            Certainty::Stated,
        ),
        ("Amazon confirmed the investment.", Certainty::Stated),
        (
            "Amazon is reportedly investing $50 billion.",
            Certainty::Hedged,
        ),
        ("Amazon could invest $50 billion.", Certainty::Hedged),
        ("Amazon may invest $50 billion.", Certainty::Hedged),
        (
            "Amazon is in talks to invest $50 billion.",
            Certainty::Hedged,
        ),
        (
            "The deal is expected to close in May 2026.",
            Certainty::Hedged,
        ),
        ("The deal closed on May 5.", Certainty::Stated),
        ("Sources say the deal is done.", Certainty::Hedged),
        ("Amazon denied the report.", Certainty::Denied),
        ("Amazon is not investing in OpenAI.", Certainty::Denied),
        (
            "Amazon has no plans to invest in OpenAI.",
            Certainty::Denied,
        ),
        ("Amazon didn't invest.", Certainty::Denied),
    ];
    for (text, want) in cases {
        assert_eq!(facets::certainty(text), *want, "{text:?}");
    }
    assert_eq!(
        serde_json::to_string(&Certainty::Hedged).unwrap(),
        "\"hedged\""
    );
}

#[test]
fn claim_keys_match_across_wordings() {
    let st = story();
    let a = analyse("Amazon will invest $50 billion in OpenAI.", &st);
    let b = analyse(
        "OpenAI is set to get $50bn from AWS, people familiar with the matter said.",
        &st,
    );
    let c = analyse("Amazon will invest $40 billion in OpenAI.", &st);
    assert_eq!(a.claims.len(), 1);
    assert_eq!(b.claims.len(), 1);
    assert_eq!(a.claims[0].key, b.claims[0].key);
    assert_eq!(a.claims[0].key, "amazon+openai|usd:50000000000");
    assert_ne!(a.claims[0].key, c.claims[0].key);
}

#[test]
fn claims_round_trip_as_json() {
    let a = analyse(
        "Amazon said on Monday it would invest up to $50 billion in OpenAI.",
        &story(),
    );
    let c = &a.claims[0];
    assert_eq!(c.entities, ["Amazon", "OpenAI"]);
    assert_eq!(c.amounts[0].qualifier.as_deref(), Some("up to"));
    assert_eq!(c.attribution.as_deref(), Some("Amazon"));
    let json = serde_json::to_string(c).unwrap();
    assert!(json.contains("\"certainty\":\"stated\""), "{json}");
    let back: Claim = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, c);
}

// ---- alignment ------------------------------------------------------------------

fn changes(old: &str, new: &str) -> Vec<ClaimChange> {
    let st = story();
    compare_claims(&analyse(old, &st), &analyse(new, &st))
}

fn kinds(c: &[ClaimChange]) -> Vec<ChangeKind> {
    c.iter().map(|c| c.kind).collect()
}

const A: &str = "Amazon will invest $50 billion in OpenAI.";
const B: &str = "OpenAI will use AWS as its main cloud provider from 2026.";
const C: &str = "Shares of Amazon rose 3.5% on Tuesday.";

#[test]
fn alignment_table() {
    use ChangeKind::*;
    let cases: &[(&str, String, String, &[ChangeKind])] = &[
        ("unchanged", format!("{A} {B} {C}"), format!("{A} {B} {C}"), &[]),
        (
            "whitespace only",
            format!("{A} {B}"),
            format!("{A}\n{B}"),
            &[],
        ),
        (
            "amount changed in place",
            format!("{A} {B}"),
            format!("Amazon will invest $40 billion in OpenAI. {B}"),
            &[AmountChanged],
        ),
        (
            "certainty changed",
            format!("{A} {B}"),
            format!("Amazon could invest $50 billion in OpenAI. {B}"),
            &[CertaintyChanged],
        ),
        (
            "attribution added",
            format!("{A} {B}"),
            format!("Amazon will invest $50 billion in OpenAI, Reuters reported. {B}"),
            &[AttributionChanged],
        ),
        (
            "reworded",
            B.to_string(),
            "OpenAI will use AWS as its primary cloud provider from 2026.".to_string(),
            &[Reworded],
        ),
        (
            "removed and added",
            format!("{A} {B}"),
            format!("{A} {C}"),
            &[Removed, Added],
        ),
        ("added", A.to_string(), format!("{A} {C}"), &[Added]),
        ("moved", format!("{A} {B} {C}"), format!("{B} {C} {A}"), &[Moved]),
        ("reordered", format!("{A} {B}"), format!("{B} {A}"), &[Moved]),
        (
            "moved across paragraphs",
            format!("{A}\n\n{B}\n\n{C}"),
            format!("{C}\n\n{A}\n\n{B}"),
            &[Moved],
        ),
        (
            "split",
            "Amazon will invest $50 billion in OpenAI, and OpenAI will use AWS as its main cloud provider.".to_string(),
            "Amazon will invest $50 billion in OpenAI. OpenAI will use AWS as its main cloud provider.".to_string(),
            &[Reworded],
        ),
        (
            "merged",
            "Amazon will invest $50 billion in OpenAI. OpenAI will use AWS as its main cloud provider.".to_string(),
            "Amazon will invest $50 billion in OpenAI, and OpenAI will use AWS as its main cloud provider.".to_string(),
            &[Reworded],
        ),
        (
            "edited and new sentence after it",
            A.to_string(),
            format!("Amazon will invest $40 billion in OpenAI. {C}"),
            &[AmountChanged, Added],
        ),
        (
            "non-claims are ignored",
            format!("{A} Sign up for our newsletter."),
            format!("{A} Subscribe to our newsletter."),
            &[],
        ),
    ];
    for (name, old, new, want) in cases {
        let got = changes(old, new);
        assert_eq!(kinds(&got), *want, "{name}: {got:#?}");
    }
}

#[test]
fn change_details() {
    let got = changes(A, "Amazon could invest $40 billion in OpenAI.");
    assert_eq!(got.len(), 1);
    let c = &got[0];
    assert_eq!(c.kind, ChangeKind::AmountChanged);
    assert_eq!(c.old.as_deref(), Some(A));
    let amount = c
        .facets_changed
        .iter()
        .find(|f| f.facet == "amount")
        .unwrap();
    assert_eq!(
        (amount.old.as_str(), amount.new.as_str()),
        ("$50 billion", "$40 billion")
    );
    let cert = c
        .facets_changed
        .iter()
        .find(|f| f.facet == "certainty")
        .unwrap();
    assert_eq!((cert.old.as_str(), cert.new.as_str()), ("stated", "hedged"));
    let spans: Vec<(WordSpanKind, &str)> = c
        .word_diff
        .iter()
        .map(|s| (s.kind, s.text.as_str()))
        .collect();
    assert!(spans.contains(&(WordSpanKind::Delete, "will")), "{spans:?}");
    assert!(
        spans.contains(&(WordSpanKind::Insert, "could")),
        "{spans:?}"
    );
    let json = serde_json::to_string(c).unwrap();
    assert!(json.contains("\"kind\":\"amount_changed\""), "{json}");
}

#[test]
fn significance_order() {
    use ChangeKind::*;
    let mut v = vec![
        Moved,
        Added,
        Reworded,
        Removed,
        AttributionChanged,
        AmountChanged,
        CertaintyChanged,
    ];
    v.sort_by_key(|k| std::cmp::Reverse(k.significance()));
    assert_eq!(
        v,
        vec![
            AmountChanged,
            CertaintyChanged,
            AttributionChanged,
            Removed,
            Added,
            Reworded,
            Moved
        ]
    );
}

#[test]
fn article_versions_fixture() {
    let st = story();
    let v1 = analyse(include_str!("fixtures/claims/article_v1.txt"), &st);
    let v2 = analyse(include_str!("fixtures/claims/article_v2.txt"), &st);
    assert_eq!(
        v1.sentences[1].dateline.as_deref(),
        Some("SEATTLE (Reuters)")
    );
    assert!(!v1.claims.iter().any(|c| c.text.contains("newsletter")));
    let got = changes(
        include_str!("fixtures/claims/article_v1.txt"),
        include_str!("fixtures/claims/article_v2.txt"),
    );
    let find = |k: ChangeKind| got.iter().filter(|c| c.kind == k).count();
    assert!(find(ChangeKind::AmountChanged) >= 2, "{got:#?}");
    assert_eq!(find(ChangeKind::CertaintyChanged), 1, "{got:#?}");
    assert!(find(ChangeKind::Moved) >= 1, "{got:#?}");
    assert_eq!(find(ChangeKind::Added), 0, "{got:#?}");
    assert_eq!(find(ChangeKind::Removed), 0, "{got:#?}");

    let f1 = fact_values(&v1, &st);
    let f2 = fact_values(&v2, &st);
    assert_eq!(f1[0].value, "$50 billion");
    let rev = fact_revisions(&f1, &f2);
    assert_eq!(rev.len(), 1, "{rev:?}");
    assert_eq!(rev[0].old.as_deref(), Some("$50 billion"));
    assert_eq!(rev[0].new.as_deref(), Some("$40 billion"));
}

// ---- facts across outlets --------------------------------------------------------

#[test]
fn fact_values_and_conflicts() {
    let st = story();
    let outlets = [
        ("reuters", "Amazon will invest $50 billion in OpenAI."),
        (
            "bloomberg",
            "OpenAI gets $50bn from AWS, people familiar with the matter said.",
        ),
        ("ft", "Amazon is in talks to invest $40 billion in OpenAI."),
        ("blog", "Amazon had revenue of $600 billion last year."),
    ];
    let mut current = Vec::new();
    for (outlet, text) in outlets {
        for v in fact_values(&analyse(text, &st), &st) {
            current.push((outlet.to_string(), v));
        }
    }
    assert_eq!(current.len(), 3, "{current:?}");
    let ft = &current.iter().find(|(o, _)| o == "ft").unwrap().1;
    assert_eq!(ft.certainty, Certainty::Hedged);
    let conflicts = find_conflicts(&current);
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].fact, "investment amount");
    assert_eq!(
        conflicts[0].values,
        vec![
            (
                "$50 billion".to_string(),
                vec!["bloomberg".to_string(), "reuters".to_string()]
            ),
            ("$40 billion".to_string(), vec!["ft".to_string()]),
        ]
    );
    // Agreement is not a conflict.
    assert!(find_conflicts(&current[..2]).is_empty());
}

#[test]
fn fact_value_picks_the_amount_near_the_fact_name() {
    let st = story();
    let a = analyse(
        "OpenAI, valued at $300 billion, will get an investment of $50 billion from Amazon.",
        &st,
    );
    let v = fact_values(&a, &st);
    assert_eq!(v[0].value, "$50 billion");
    // The entities may be in the previous sentence of the paragraph.
    let a = analyse(
        "Amazon and OpenAI announced a deal on Monday. The investment totals $50 billion.",
        &st,
    );
    assert_eq!(fact_values(&a, &st)[0].value, "$50 billion");
    // Denials state no value.
    let a = analyse("Amazon denied it would invest $50 billion in OpenAI.", &st);
    assert!(fact_values(&a, &st).is_empty());
}

#[test]
fn revisions_table() {
    let fv = |v: &str, s: usize| FactValue {
        fact: "investment amount".into(),
        value: v.into(),
        sentence: s,
        qualifier: None,
        certainty: Certainty::Stated,
    };
    assert!(fact_revisions(&[fv("$50 billion", 0)], &[fv("$50 billion", 3)]).is_empty());
    let r = fact_revisions(&[fv("$50 billion", 0)], &[fv("$40 billion", 0)]);
    assert_eq!(
        (r[0].old.as_deref(), r[0].new.as_deref()),
        (Some("$50 billion"), Some("$40 billion"))
    );
    let r = fact_revisions(&[], &[fv("$40 billion", 0)]);
    assert_eq!(
        (r[0].old.as_deref(), r[0].new.as_deref()),
        (None, Some("$40 billion"))
    );
}

#[test]
fn a_long_article_is_analysed() {
    // A 1,000-word article finds its claims. How fast is a question for a
    // benchmark on a release build, not for a test on a shared machine.
    let para = include_str!("fixtures/claims/article_v1.txt");
    let text = std::iter::repeat_n(para, 16)
        .collect::<Vec<_>>()
        .join("\n\n");
    assert!(text.split_whitespace().count() > 800);
    let a = analyse(&text, &story());
    assert!(!a.claims.is_empty());
}
