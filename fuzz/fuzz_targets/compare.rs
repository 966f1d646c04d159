//! Version comparison on two arbitrary texts (split at the first NUL byte):
//! the diff, its summary, its JSON and its rendering never panic, and
//! comparing a text with itself finds no change.
#![no_main]

use claimwatch::core::compare;
use claimwatch::core::wording;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &str| {
    let (old, new) = data.split_once('\0').unwrap_or((data, ""));
    let (old_title, new_title) = (old.lines().next(), new.lines().next());
    let diff = compare::compare_articles(old_title, old, new_title, new);
    let _ = diff.summary();
    let _ = serde_json::to_string(&diff).expect("a diff serialises");
    let _ = wording::render_diff(&diff);
    let _ = compare::word_diff(old, new);
    let same = compare::compare(old, old);
    assert!(same.is_empty(), "a text compared with itself changed");
});
