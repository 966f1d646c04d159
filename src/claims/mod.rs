//! The claim engine: sentences, claim detection, facets, and claim changes
//! between versions. Pure code: values in, values out.

use serde::Serialize;

/// One sentence of an article's text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sentence {
    pub text: String,
    /// Index of the paragraph (blank-line separated) it belongs to.
    pub paragraph: usize,
}

/// Splits article text (paragraphs separated by blank lines) into sentences.
pub fn split_sentences(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    for (pi, para) in text.split("\n\n").enumerate() {
        let mut cur = String::new();
        for word in para.split_whitespace() {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(word);
            if word.ends_with(['.', '!', '?']) {
                out.push(Sentence {
                    text: std::mem::take(&mut cur),
                    paragraph: pi,
                });
            }
        }
        if !cur.is_empty() {
            out.push(Sentence {
                text: cur,
                paragraph: pi,
            });
        }
    }
    out
}
