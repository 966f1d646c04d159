//! Sentence splitting, claim detection with facets, and claim comparison on
//! arbitrary text: no panic, no text lost or invented, scores in [0, 1].
#![no_main]

use claimwatch::core::claims;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let sentences = claims::split_sentences(text);
    // Every word of the input is in some sentence, in order.
    let words_in: Vec<&str> = text.split_whitespace().collect();
    let joined: Vec<String> = sentences.iter().map(|s| s.text.clone()).collect();
    let words_out: Vec<&str> = joined.iter().flat_map(|s| s.split_whitespace()).collect();
    assert_eq!(words_in, words_out, "sentence splitting lost or invented text");
    // Paragraphs are separated by blank lines, spaces on them or not: at
    // most one more paragraph than there are blank lines.
    let paragraphs = text.lines().filter(|l| l.trim().is_empty()).count() + 1;
    assert!(sentences.iter().all(|s| s.paragraph < paragraphs));

    // Detection and facets on every sentence.
    let story = claims::Story {
        entities: vec!["Amazon".into(), "OpenAI".into()],
        aliases: vec![("AWS".into(), "Amazon".into())],
        facts: vec![claims::FactSpec {
            name: "investment amount".into(),
            about: vec!["Amazon".into(), "OpenAI".into()],
            kind: claims::FactKind::Amount,
        }],
    };
    let analysis = claims::analyse(text, &story);
    for c in &analysis.claims {
        assert!((0.0..=1.0).contains(&c.score), "score {} out of range", c.score);
    }
    let _ = claims::fact_values(&analysis, &story);

    // Comparing the text with itself changes nothing; with its first half,
    // it must not panic.
    assert!(claims::compare_claims(&analysis, &analysis).is_empty());
    let mut half = text.len() / 2;
    while !text.is_char_boundary(half) {
        half -= 1;
    }
    let other = claims::analyse(&text[..half], &story);
    let _ = claims::compare_claims(&analysis, &other);
});
