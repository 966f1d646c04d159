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

/// Deepest element nesting kept. Real pages stay under a few hundred; the
/// HTML parser's time grows with the square of the depth (100,000 nested
/// elements take minutes), so tags deeper than this are dropped, keeping
/// their text.
pub const MAX_DEPTH: usize = 512;

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen",
];

/// Elements the parser closes by itself when a sibling starts; they do not
/// pile up, so they are not counted.
const SELF_CLOSING_SIBLINGS: &[&str] = &[
    "p", "li", "dt", "dd", "td", "th", "tr", "option", "optgroup", "rb", "rp", "rt", "tbody",
    "thead", "tfoot", "colgroup", "caption",
];

/// A tag found by [`next_tag`].
struct TagAt<'a> {
    start: usize,
    end: usize,
    name: &'a str,
    closing: bool,
    self_closed: bool,
}

/// The next tag at or after `from`, skipping text. Quoted attribute values
/// may hold `>`.
fn next_tag(html: &str, from: usize) -> Option<TagAt<'_>> {
    let b = html.as_bytes();
    let mut i = from;
    loop {
        let lt = i + b.get(i..)?.iter().position(|&c| c == b'<')?;
        let mut j = lt + 1;
        let closing = b.get(j) == Some(&b'/');
        if closing {
            j += 1;
        }
        let name_start = j;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-' || b[j] == b':') {
            j += 1;
        }
        if j == name_start || !b[name_start].is_ascii_alphabetic() {
            i = lt + 1;
            continue;
        }
        let name = &html[name_start..j];
        let mut quote = 0u8;
        while j < b.len() {
            let c = b[j];
            if quote != 0 {
                if c == quote {
                    quote = 0;
                }
            } else if c == b'"' || c == b'\'' {
                quote = c;
            } else if c == b'>' {
                break;
            }
            j += 1;
        }
        let end = (j + 1).min(b.len());
        let self_closed = j > 0 && j <= b.len() && b.get(j.wrapping_sub(1)) == Some(&b'/');
        return Some(TagAt {
            start: lt,
            end,
            name,
            closing,
            self_closed,
        });
    }
}

fn counted(name: &str) -> bool {
    !VOID.iter().any(|v| v.eq_ignore_ascii_case(name))
        && !SELF_CLOSING_SIBLINGS
            .iter()
            .any(|v| v.eq_ignore_ascii_case(name))
}

fn raw_text(name: &str) -> Option<&'static [u8]> {
    if name.eq_ignore_ascii_case("script") {
        Some(b"</script")
    } else if name.eq_ignore_ascii_case("style") {
        Some(b"</style")
    } else if name.eq_ignore_ascii_case("textarea") {
        Some(b"</textarea")
    } else if name.eq_ignore_ascii_case("title") {
        Some(b"</title")
    } else {
        None
    }
}

/// Walks the tags of `html` tracking nesting depth; returns the deepest
/// level. With `out`, writes `html` without the tags deeper than `max`.
fn walk_depth(html: &str, max: usize, mut out: Option<&mut String>) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut copied = 0;
    let mut i = 0;
    while let Some(t) = next_tag(html, i) {
        i = t.end.max(t.start + 1);
        let mut too_deep = false;
        if counted(t.name) {
            if t.closing {
                too_deep = depth > max;
                depth = depth.saturating_sub(1);
            } else if !t.self_closed {
                depth += 1;
                deepest = deepest.max(depth);
                too_deep = depth > max;
            }
        }
        if too_deep && let Some(o) = out.as_deref_mut() {
            o.push_str(&html[copied..t.start]);
            o.push(' ');
            copied = t.end;
        }
        if !t.closing
            && let Some(close) = raw_text(t.name)
        {
            i = find_ci(html.as_bytes(), i, close).unwrap_or(html.len());
        }
    }
    if let Some(o) = out {
        o.push_str(&html[copied..]);
    }
    deepest
}

/// Returns `html` with tags nested deeper than `max` removed (text kept).
/// Pages within the limit are returned as they are, after one scan.
pub fn limit_depth(html: &str, max: usize) -> Cow<'_, str> {
    if walk_depth(html, max, None) <= max {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    walk_depth(html, max, Some(&mut out));
    Cow::Owned(out)
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

    #[test]
    fn deep_nesting_is_cut_at_the_limit() {
        let html = "<div><span><b>x</b></span></div>";
        assert!(matches!(limit_depth(html, 3), Cow::Borrowed(_)));
        assert_eq!(limit_depth(html, 2), "<div><span> x </span></div>");
        // Void, self-closed and sibling-closing tags and tags inside raw text
        // do not count.
        let html =
            "<div><br><img/><p>a<p>b<script>'<div><div>'</script><title><i><i></title></div>";
        assert!(matches!(limit_depth(html, 2), Cow::Borrowed(_)));
        for html in ["<", "<div", "<div a='>", "</", "<a\"/>", "é<é>"] {
            let _ = limit_depth(html, 0);
        }
    }
}
