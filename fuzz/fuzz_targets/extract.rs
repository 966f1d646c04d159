//! HTML extraction on arbitrary bytes: charset decoding as a fetch does it,
//! then the article extractor, with and without per-source selectors.
#![no_main]

use claimwatch::core::extract::{self, ExtractOptions};
use claimwatch::service::fetch;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (html, _) = fetch::decode(data, &Default::default());
    let article = extract::extract(&html, Some("https://example.com/a/b"), &ExtractOptions::default());
    // Extraction returns text that is trimmed paragraphs, never a panic.
    let _ = serde_json_len(&article);
    let opts = ExtractOptions {
        body_selector: Some("article .body, main".into()),
        drop_selectors: vec!["aside".into(), ".ad".into()],
    };
    let _ = extract::extract(&html, None, &opts);
});

fn serde_json_len(a: &extract::Article) -> usize {
    a.text.len() + a.title.as_deref().map_or(0, str::len)
}
