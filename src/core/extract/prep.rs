//! Parsing, with a filter between html5ever's tokenizer and its tree builder.
//!
//! The tokens that only cost time are dropped before the tree builder sees
//! them: comments, the bodies of `<script>` (other than JSON-LD) and
//! `<style>`, and parse errors. On news pages scripts are often most of the
//! bytes, and building the tree is most of the extraction time. Because the
//! filter sits behind the parser's own tokenizer, every cut is exactly where
//! the HTML specification puts it: a `>` inside a quoted attribute, the empty
//! comment `<!-->`, `</script` inside a script's string, all behave as in a
//! browser. There is no second, hand-written scanner to disagree with it.
//!
//! The same filter bounds nesting depth: tags nested deeper than
//! [`MAX_DEPTH`] are dropped (their text is kept), since the tree builder's
//! time grows with the square of the depth.

use std::cell::Cell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::tree_builder::{TreeBuilder, TreeBuilderOpts, TreeSink};
use html5ever::{TokenizerResult, local_name};
use scraper::{Html, HtmlTreeSink};

/// Deepest element nesting kept. Real pages stay under a few hundred; the
/// HTML parser's time grows with the square of the depth (100,000 nested
/// elements take minutes), so tags deeper than this are dropped, keeping
/// their text.
pub const MAX_DEPTH: usize = 512;

/// Parses a whole document the way [`Html::parse_document`] does, without
/// comments, script and style bodies (JSON-LD is kept), and with tags deeper
/// than `max_depth` dropped.
pub fn parse_document(html: &str, max_depth: usize) -> Html {
    let builder = TreeBuilder::new(
        HtmlTreeSink::new(Html::new_document()),
        TreeBuilderOpts::default(),
    );
    let filter = Filter {
        inner: builder,
        dropping_text: Cell::new(false),
        depth: Cell::new(0),
        max_depth,
    };
    let tokenizer = Tokenizer::new(filter, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    // The tokenizer pauses after each `</script>` (where a browser would run
    // it) and at a `<meta>` charset (where a browser may start again in that
    // encoding); the text is decoded already and nothing runs, so go on.
    while !matches!(tokenizer.feed(&input), TokenizerResult::Done) {}
    tokenizer.end();
    tokenizer.sink.inner.sink.finish()
}

/// The token filter in front of the tree builder.
struct Filter<S> {
    inner: S,
    /// Inside the body of a script or style element the tree builder
    /// switched the tokenizer to raw text for: its characters are dropped
    /// until the next tag (in raw text the next tag is the element's end).
    dropping_text: Cell<bool>,
    /// Open counted elements, as the tags say (see [`counted`]).
    depth: Cell<usize>,
    max_depth: usize,
}

impl<S: TokenSink> TokenSink for Filter<S> {
    type Handle = S::Handle;

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<S::Handle> {
        match token {
            Token::CommentToken(_) | Token::ParseError(_) => TokenSinkResult::Continue,
            Token::CharacterTokens(_) | Token::NullCharacterToken if self.dropping_text.get() => {
                TokenSinkResult::Continue
            }
            Token::TagToken(tag) => {
                self.dropping_text.set(false);
                let name = &tag.name;
                if counted(name) {
                    let depth = self.depth.get();
                    let too_deep = match tag.kind {
                        TagKind::StartTag if tag.self_closing => depth >= self.max_depth,
                        TagKind::StartTag => {
                            self.depth.set(depth + 1);
                            depth + 1 > self.max_depth
                        }
                        TagKind::EndTag => {
                            self.depth.set(depth.saturating_sub(1));
                            depth > self.max_depth
                        }
                    };
                    if too_deep {
                        // The tag goes; a space keeps the words apart.
                        return self
                            .inner
                            .process_token(Token::CharacterTokens(" ".into()), line);
                    }
                }
                let drop_body = tag.kind == TagKind::StartTag
                    && (*name == local_name!("style")
                        || (*name == local_name!("script") && !is_json_ld(&tag)));
                let result = self.inner.process_token(Token::TagToken(tag), line);
                if drop_body
                    && matches!(
                        result,
                        TokenSinkResult::RawData(RawKind::ScriptData | RawKind::Rawtext)
                    )
                {
                    self.dropping_text.set(true);
                }
                result
            }
            other => self.inner.process_token(other, line),
        }
    }

    fn end(&self) {
        self.inner.end()
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.inner
            .adjusted_current_node_present_but_not_in_html_namespace()
    }
}

fn is_json_ld(tag: &html5ever::tokenizer::Tag) -> bool {
    tag.attrs.iter().any(|a| {
        a.name.local == local_name!("type") && a.value.to_ascii_lowercase().contains("ld+json")
    })
}

/// Whether an element counts towards the nesting depth. Void elements never
/// nest; elements the parser closes by itself when a sibling starts (`p`,
/// `li`, `td`, ...) do not pile up; raw-text elements are never dropped, so
/// the tokenizer always learns to read their bodies as text.
fn counted(name: &html5ever::LocalName) -> bool {
    !matches!(
        name.as_ref(),
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
            | "keygen"
            | "p"
            | "li"
            | "dt"
            | "dd"
            | "td"
            | "th"
            | "tr"
            | "option"
            | "optgroup"
            | "rb"
            | "rp"
            | "rt"
            | "tbody"
            | "thead"
            | "tfoot"
            | "colgroup"
            | "caption"
            | "script"
            | "style"
            | "textarea"
            | "title"
            | "xmp"
            | "iframe"
            | "noembed"
            | "noframes"
            | "noscript"
            | "plaintext"
    )
}

/// The document's text as the parser reads it, for tests: the text of every
/// element, scripts' and styles' bodies included.
#[cfg(test)]
fn all_text(doc: &Html) -> String {
    doc.root_element().text().collect::<Vec<_>>().concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(html: &str) -> Html {
        parse_document(html, MAX_DEPTH)
    }

    fn texts(html: &str) -> String {
        all_text(&parse(html))
    }

    #[test]
    fn drops_script_and_style_bodies_and_comments_keeps_json_ld() {
        let html = "<p>a</p><SCRIPT src=x>var s = '<p>no</p>';</SCRIPT><style>p{}</style>\
                    <!-- <p>c</p> --><script type=\"application/ld+json\">{\"a\":1}</script>\
                    <scripts>kept</scripts><p>b</p>";
        assert_eq!(texts(html), "a{\"a\":1}keptb");
    }

    /// Regression: the old scanner ended a `<script>` tag at the first `>`,
    /// even inside a quoted attribute, and read the rest of the tag and the
    /// page after it as the script's body.
    #[test]
    fn a_gt_inside_a_quoted_script_attribute_does_not_end_the_tag() {
        let html =
            r#"<p>before</p><script data-x="a>b" src="s.js"></script><p>after the script</p>"#;
        assert_eq!(texts(html), "beforeafter the script");
        let html = "<p>one</p><script data-if='x > 1'>var a = 1;</script><p>two</p>";
        assert_eq!(texts(html), "onetwo");
    }

    /// Regression: `<!-->` is a whole (empty) comment; the old scanner read it
    /// as the start of one and dropped everything up to the next `-->`.
    #[test]
    fn the_empty_comment_ends_where_it_starts() {
        assert_eq!(texts("<p>a</p><!--><p>b</p><!-- c --><p>d</p>"), "abd");
        assert_eq!(texts("<p>a</p><!---><p>b</p>"), "ab");
    }

    /// The tokenizer pauses at a `<meta>` that declares a charset; the parse
    /// goes on after it.
    #[test]
    fn a_charset_meta_does_not_end_the_parse() {
        let html = r#"<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><meta charset="utf-8"></head><body><p>text</p>"#;
        assert_eq!(texts(html), "text");
    }

    #[test]
    fn a_script_string_holding_a_close_tag_ends_the_script_where_a_browser_does() {
        // `</script>` inside a string does end the element (the tokenizer does
        // not read JavaScript); what follows is page text.
        let html = "<script>var s = '</script><p>shown</p>';</script><p>x</p>";
        assert_eq!(texts(html), "shown';x");
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
            "<svg><style/>t</svg>",
            "<",
            "<div",
            "<div a='>",
            "</",
            "<a\"/>",
            "é<é>",
        ] {
            let _ = parse(html);
            let _ = parse_document(html, 0);
        }
    }

    fn depth_of(doc: &Html) -> usize {
        doc.root_element()
            .descendants()
            .filter(|n| n.value().is_element())
            .map(|n| n.ancestors().filter(|a| a.value().is_element()).count())
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn deep_nesting_is_cut_at_the_limit() {
        let html = "<div><span><b>x</b></span></div>";
        let doc = parse_document(html, 2);
        assert_eq!(all_text(&doc).trim(), "x");
        // html, body, div, span: the `<b>` went.
        assert_eq!(depth_of(&doc), 3);
        assert_eq!(depth_of(&parse_document(html, 3)), 4);
        // Void, self-closed and sibling-closing tags and raw-text elements do
        // not count; tags inside a script are no tags at all.
        let html =
            "<div><br><img/><p>a<p>b<script>'<div><div>'</script><title><i><i></title></div>";
        let doc = parse_document(html, 1);
        assert_eq!(
            doc.root_element()
                .descendants()
                .filter(|n| n.value().as_element().is_some_and(|e| e.name() == "p"))
                .count(),
            2
        );
    }
}
