//! A linear pre-pass that removes what the parser would only build to throw
//! away: the contents of `<script>` (other than JSON-LD) and `<style>`, and
//! comments. On news pages these are often most of the bytes, and the HTML
//! parser is most of the extraction time.
//!
//! The cut points are the ones the HTML tokenizer itself uses (`</script` ends
//! a script, `-->` ends a comment), so the parsed tree is the same except in
//! the rare escaped-script cases, where the difference is only inside scripts.

use std::borrow::Cow;

fn find_ci(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from >= hay.len() || needle.is_empty() {
        return None;
    }
    let first = needle[0].to_ascii_lowercase();
    let mut i = from;
    while i + needle.len() <= hay.len() {
        // Jump to the next candidate first byte.
        let rel = hay[i..]
            .iter()
            .position(|&b| b.to_ascii_lowercase() == first)?;
        i += rel;
        if i + needle.len() > hay.len() {
            return None;
        }
        if hay[i..i + needle.len()].eq_ignore_ascii_case(needle) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Whether the byte after a tag name ends it (`<script>`, `<script src>`).
fn ends_name(b: Option<&u8>) -> bool {
    matches!(
        b,
        None | Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
    )
}

/// Returns `html` with script and style bodies and comments removed.
pub fn strip_noise(html: &str) -> Cow<'_, str> {
    let b = html.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0; // bytes of `html` already handled
    let mut i = 0;
    while let Some(rel) = b[i..].iter().position(|&c| c == b'<') {
        let lt = i + rel;
        let rest = &b[lt + 1..];
        if rest.starts_with(b"!--") {
            // A comment: drop it whole.
            let end = find_ci(b, lt + 4, b"-->").map_or(b.len(), |e| e + 3);
            let o = out.get_or_insert_with(|| String::with_capacity(html.len() / 2));
            o.push_str(&html[copied..lt]);
            copied = end;
            i = end;
            continue;
        }
        let (name, close): (&[u8], &[u8]) = if rest.len() >= 6
            && rest[..6].eq_ignore_ascii_case(b"script")
            && ends_name(rest.get(6))
        {
            (b"script", b"</script")
        } else if rest.len() >= 5
            && rest[..5].eq_ignore_ascii_case(b"style")
            && ends_name(rest.get(5))
        {
            (b"style", b"</style")
        } else {
            i = lt + 1;
            continue;
        };
        let Some(tag_end) = b[lt..].iter().position(|&c| c == b'>').map(|p| lt + p + 1) else {
            break;
        };
        let open_tag = &html[lt..tag_end];
        let body_end = find_ci(b, tag_end, close).unwrap_or(b.len());
        let keep = name == b"script" && open_tag.to_ascii_lowercase().contains("ld+json");
        if !keep && body_end > tag_end {
            let o = out.get_or_insert_with(|| String::with_capacity(html.len() / 2));
            o.push_str(&html[copied..tag_end]);
            copied = body_end;
        }
        i = body_end.max(lt + 1);
    }
    match out {
        None => Cow::Borrowed(html),
        Some(mut o) => {
            o.push_str(&html[copied..]);
            Cow::Owned(o)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_scripts_styles_comments_keeps_json_ld() {
        let html = "<p>a</p><SCRIPT src=x>var s = '<p>no</p>';</SCRIPT><style>p{}</style>\
                    <!-- <p>c</p> --><script type=\"application/ld+json\">{\"a\":1}</script>\
                    <scripts>kept</scripts><p>b</p>";
        assert_eq!(
            strip_noise(html),
            "<p>a</p><SCRIPT src=x></SCRIPT><style></style>\
             <script type=\"application/ld+json\">{\"a\":1}</script><scripts>kept</scripts><p>b</p>"
        );
    }

    #[test]
    fn unterminated_pieces_do_not_panic() {
        for html in [
            "<script",
            "<script>",
            "<!--",
            "<style>x",
            "a<",
            "<script>é",
            "é<!--é",
        ] {
            let _ = strip_noise(html);
        }
        assert!(matches!(strip_noise("<p>plain</p>"), Cow::Borrowed(_)));
    }
}
