//! Sentence splitting (and, as the claims engine grows, claim detection) on
//! arbitrary text: no panic, and no text lost or invented.
#![no_main]

use claimwatch::claims;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let sentences = claims::split_sentences(text);
    // Every word of the input is in some sentence, in order.
    let words_in: Vec<&str> = text.split_whitespace().collect();
    let joined: Vec<String> = sentences.iter().map(|s| s.text.clone()).collect();
    let words_out: Vec<&str> = joined.iter().flat_map(|s| s.split_whitespace()).collect();
    assert_eq!(words_in, words_out, "sentence splitting lost or invented text");
    let paragraphs = text.split("\n\n").count();
    assert!(sentences.iter().all(|s| s.paragraph < paragraphs));
});
