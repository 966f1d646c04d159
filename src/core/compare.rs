//! Comparing two versions of an article's text.
//!
//! Pure code: two texts in, a [`TextDiff`] out. The diff is sentence-level
//! (sentences keep their paragraph number) with word-level changes inside each
//! replaced sentence.
//!
//! Every diff runs under a budget of work counted from its input, never
//! from the clock, so the same two versions always give the same diff. A
//! diff whose exact form would cost more than its budget is computed
//! coarsely (a changed run is shown as removed and added rather than
//! aligned item by item) and marked `approximate`; its summary says so,
//! because that must never read as a total rewrite.

use serde::{Deserialize, Serialize};
use similar::{Algorithm, DiffOp as SimOp};

use crate::core::sentences::{Sentence, split_sentences};
use crate::core::stamp::is_stamp;

/// The work one comparison may do, in cells of the edit graphs it explores:
/// aligning a changed run of `a` old and `b` new items (sentences, or the
/// words of a sentence pair) costs at most about `(a + b)²` steps of the
/// diff algorithm, and that is what is counted. Ordinary articles use a few
/// hundred thousand; the budget only stops pathological pages.
pub const DEFAULT_BUDGET: u64 = 50_000_000;

/// Two sentences whose words overlap less than this are shown as one removed
/// and one added sentence rather than as one edited sentence.
const MIN_EDIT_SIMILARITY: f32 = 0.4;

/// The kind of a run of words in a word-level diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpanKind {
    Equal,
    Insert,
    Delete,
}

/// A run of text (words and the spaces between them) of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordSpan {
    pub kind: SpanKind,
    pub text: String,
}

/// One changed sentence. Unchanged sentences are not listed: both versions
/// are stored whole, so context can always be shown from them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Edit {
    /// A sentence that is only in the new version.
    Insert {
        new_index: usize,
        paragraph: usize,
        text: String,
    },
    /// A sentence that is only in the old version.
    Delete {
        old_index: usize,
        paragraph: usize,
        text: String,
    },
    /// A sentence edited in place, with its word-level changes.
    Replace {
        old_index: usize,
        new_index: usize,
        paragraph: usize,
        old: String,
        new: String,
        words: Vec<WordSpan>,
    },
}

/// Counts that summarise a diff.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffStats {
    pub sentences_added: usize,
    pub sentences_removed: usize,
    pub sentences_edited: usize,
    pub words_added: usize,
    pub words_removed: usize,
}

/// A changed headline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TitleChange {
    pub old: Option<String>,
    pub new: Option<String>,
    pub words: Vec<WordSpan>,
}

/// The difference between two versions of an article.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TextDiff {
    /// The headline, when it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<TitleChange>,
    pub edits: Vec<Edit>,
    pub stats: DiffStats,
    /// True when the comparison hit its work budget: the edits are correct
    /// but may be coarser than the real change.
    pub approximate: bool,
}

impl TextDiff {
    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.edits.is_empty() && self.title.is_none()
    }

    /// A one-line summary, e.g. "1 sentence edited, 1 added (+12/-3 words)".
    pub fn summary(&self) -> String {
        let s = &self.stats;
        let mut parts = Vec::new();
        if s.sentences_edited > 0 {
            parts.push(format!(
                "{} {} edited",
                s.sentences_edited,
                plural(s.sentences_edited)
            ));
        }
        if s.sentences_added > 0 {
            parts.push(format!("{} added", s.sentences_added));
        }
        if s.sentences_removed > 0 {
            parts.push(format!("{} removed", s.sentences_removed));
        }
        let headline = if self.title.is_some() {
            "headline changed"
        } else {
            ""
        };
        if parts.is_empty() {
            return if headline.is_empty() {
                "no text change".to_string()
            } else {
                headline.to_string()
            };
        }
        // The first part names the unit; make sure it does when it is not "edited".
        if s.sentences_edited == 0 {
            let n = s.sentences_added.max(s.sentences_removed);
            parts[0] = parts[0].replacen(' ', &format!(" {} ", plural(n)), 1);
        }
        let mut out = parts.join(", ");
        out.push_str(&format!(" (+{}/-{} words)", s.words_added, s.words_removed));
        if !headline.is_empty() {
            out = format!("{headline}; {out}");
        }
        if self.approximate {
            out.push_str(" [approximate: comparison hit its work limit]");
        }
        out
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "sentence" } else { "sentences" }
}

/// Compares two versions of an article: headline and body text.
pub fn compare_articles(
    old_title: Option<&str>,
    old_text: &str,
    new_title: Option<&str>,
    new_text: &str,
) -> TextDiff {
    compare_sentences(
        old_title,
        &split_sentences(old_text),
        new_title,
        &split_sentences(new_text),
    )
}

/// Compares two article texts with the default budget.
pub fn compare(old: &str, new: &str) -> TextDiff {
    compare_with_budget(old, new, DEFAULT_BUDGET)
}

/// Compares two article texts doing at most `budget` units of work (see
/// [`DEFAULT_BUDGET`]); beyond it the diff is coarser and `approximate`.
pub fn compare_with_budget(old: &str, new: &str, budget: u64) -> TextDiff {
    compare_split(
        &split_sentences(old),
        &split_sentences(new),
        &mut Budget::new(budget),
    )
}

/// Compares two articles already split into sentences (as
/// [`split_sentences`] gives them), so a caller that has the sentences does
/// not split the texts again.
pub fn compare_sentences(
    old_title: Option<&str>,
    old: &[Sentence],
    new_title: Option<&str>,
    new: &[Sentence],
) -> TextDiff {
    let mut budget = Budget::new(DEFAULT_BUDGET);
    let mut diff = compare_split(old, new, &mut budget);
    if old_title != new_title {
        let (words, exact) = word_diff_within(
            old_title.unwrap_or(""),
            new_title.unwrap_or(""),
            &mut budget,
        );
        diff.approximate |= !exact;
        diff.title = Some(TitleChange {
            old: old_title.map(str::to_string),
            new: new_title.map(str::to_string),
            words,
        });
    }
    diff
}

/// Work left to a comparison. Counting, not timing: the same inputs always
/// spend the same amount and give the same diff.
struct Budget {
    left: u64,
}

impl Budget {
    fn new(units: u64) -> Budget {
        Budget { left: units }
    }

    /// Spends `cost` if that much is left; false (and nothing spent) if not.
    fn spend(&mut self, cost: u64) -> bool {
        match self.left.checked_sub(cost) {
            Some(left) => {
                self.left = left;
                true
            }
            None => false,
        }
    }
}

/// The lengths of the common prefix and suffix of two slices (not
/// overlapping).
fn common_ends<T: PartialEq>(a: &[T], b: &[T]) -> (usize, usize) {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    (prefix, suffix)
}

/// What aligning the changed middle of `a` and `b` may cost: the common
/// ends are matched in one linear walk, the rest in at most about
/// `(middle of a + middle of b)²` steps.
fn alignment_cost<T: PartialEq>(a: &[T], b: &[T]) -> u64 {
    let (prefix, suffix) = common_ends(a, b);
    let middle = (a.len() + b.len() - 2 * (prefix + suffix)) as u64;
    (a.len() + b.len()) as u64 + middle.saturating_mul(middle)
}

/// The diff operations of `a` against `b`: exact when the budget allows,
/// else the common ends as equal and the middle as one replaced run.
fn diff_ops<T: PartialEq + std::hash::Hash + Eq + Ord>(
    alg: Algorithm,
    a: &[T],
    b: &[T],
    budget: &mut Budget,
) -> (Vec<SimOp>, bool) {
    if budget.spend(alignment_cost(a, b)) {
        return (similar::capture_diff_slices(alg, a, b), true);
    }
    let (prefix, suffix) = common_ends(a, b);
    let mut ops = Vec::with_capacity(3);
    if prefix > 0 {
        ops.push(SimOp::Equal {
            old_index: 0,
            new_index: 0,
            len: prefix,
        });
    }
    let (old_len, new_len) = (a.len() - prefix - suffix, b.len() - prefix - suffix);
    match (old_len, new_len) {
        (0, 0) => {}
        (_, 0) => ops.push(SimOp::Delete {
            old_index: prefix,
            old_len,
            new_index: prefix,
        }),
        (0, _) => ops.push(SimOp::Insert {
            old_index: prefix,
            new_index: prefix,
            new_len,
        }),
        _ => ops.push(SimOp::Replace {
            old_index: prefix,
            old_len,
            new_index: prefix,
            new_len,
        }),
    }
    if suffix > 0 {
        ops.push(SimOp::Equal {
            old_index: a.len() - suffix,
            new_index: b.len() - suffix,
            len: suffix,
        });
    }
    (ops, false)
}

fn compare_split(old_s: &[Sentence], new_s: &[Sentence], budget: &mut Budget) -> TextDiff {
    let old_t: Vec<&str> = old_s.iter().map(|s| s.text.as_str()).collect();
    let new_t: Vec<&str> = new_s.iter().map(|s| s.text.as_str()).collect();
    let (ops, exact) = diff_ops(Algorithm::Patience, &old_t, &new_t, budget);

    let mut diff = TextDiff {
        approximate: !exact,
        ..TextDiff::default()
    };
    for op in ops {
        match op {
            SimOp::Equal { .. } => {}
            SimOp::Delete {
                old_index, old_len, ..
            } => {
                for (i, s) in old_s.iter().enumerate().skip(old_index).take(old_len) {
                    diff.delete(i, s.paragraph, &s.text);
                }
            }
            SimOp::Insert {
                new_index, new_len, ..
            } => {
                for (j, s) in new_s.iter().enumerate().skip(new_index).take(new_len) {
                    diff.insert(j, s.paragraph, &s.text);
                }
            }
            SimOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                // Pair the sentences of a replaced block in order while they
                // still resemble each other; the rest are removed or added.
                let pairs = old_len.min(new_len);
                let mut paired = 0;
                for k in 0..pairs {
                    let (i, j) = (old_index + k, new_index + k);
                    let (words, exact) = word_diff_within(&old_s[i].text, &new_s[j].text, budget);
                    diff.approximate |= !exact;
                    if similarity(&words) < MIN_EDIT_SIMILARITY {
                        break;
                    }
                    diff.replace(
                        i,
                        j,
                        new_s[j].paragraph,
                        &old_s[i].text,
                        &new_s[j].text,
                        words,
                    );
                    paired += 1;
                }
                for (i, s) in old_s
                    .iter()
                    .enumerate()
                    .skip(old_index + paired)
                    .take(old_len - paired)
                {
                    diff.delete(i, s.paragraph, &s.text);
                }
                for (j, s) in new_s
                    .iter()
                    .enumerate()
                    .skip(new_index + paired)
                    .take(new_len - paired)
                {
                    diff.insert(j, s.paragraph, &s.text);
                }
            }
        }
    }
    diff
}

impl TextDiff {
    // A time stamp or byline ("Updated 10:42 AM GMT") that comes, goes or
    // changes is page noise, not an edit of the article.
    fn insert(&mut self, new_index: usize, paragraph: usize, text: &str) {
        if is_stamp(text) {
            return;
        }
        self.stats.sentences_added += 1;
        self.stats.words_added += count_words(text);
        self.edits.push(Edit::Insert {
            new_index,
            paragraph,
            text: text.to_string(),
        });
    }

    fn delete(&mut self, old_index: usize, paragraph: usize, text: &str) {
        if is_stamp(text) {
            return;
        }
        self.stats.sentences_removed += 1;
        self.stats.words_removed += count_words(text);
        self.edits.push(Edit::Delete {
            old_index,
            paragraph,
            text: text.to_string(),
        });
    }

    fn replace(
        &mut self,
        old_index: usize,
        new_index: usize,
        paragraph: usize,
        old: &str,
        new: &str,
        words: Vec<WordSpan>,
    ) {
        if is_stamp(old) && is_stamp(new) {
            return;
        }
        self.stats.sentences_edited += 1;
        for w in &words {
            match w.kind {
                SpanKind::Insert => self.stats.words_added += count_words(&w.text),
                SpanKind::Delete => self.stats.words_removed += count_words(&w.text),
                SpanKind::Equal => {}
            }
        }
        self.edits.push(Edit::Replace {
            old_index,
            new_index,
            paragraph,
            old: old.to_string(),
            new: new.to_string(),
            words,
        });
    }
}

fn count_words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// The share of words two sentences have in common, from their word diff.
fn similarity(words: &[WordSpan]) -> f32 {
    let (mut same, mut total) = (0usize, 0usize);
    for w in words {
        let n = count_words(&w.text);
        total += n;
        if w.kind == SpanKind::Equal {
            same += 2 * n;
            total += n;
        }
    }
    if total == 0 {
        1.0
    } else {
        same as f32 / total as f32
    }
}

/// Word-level diff of two sentences: runs of equal, deleted and inserted
/// words (whitespace stays attached to the run it follows), under the
/// default budget.
pub fn word_diff(old: &str, new: &str) -> Vec<WordSpan> {
    word_diff_within(old, new, &mut Budget::new(DEFAULT_BUDGET)).0
}

/// [`word_diff`] spending from `budget`; false when it was too small and
/// the changed middle is one deleted and one inserted run.
fn word_diff_within(old: &str, new: &str, budget: &mut Budget) -> (Vec<WordSpan>, bool) {
    let a = tokens(old);
    let b = tokens(new);
    let (ops, exact) = diff_ops(Algorithm::Myers, &a, &b, budget);
    let mut spans: Vec<WordSpan> = Vec::new();
    let mut push = |kind: SpanKind, toks: &[&str]| {
        let text: String = toks.concat();
        if text.is_empty() {
            return;
        }
        match spans.last_mut() {
            Some(last) if last.kind == kind => last.text.push_str(&text),
            _ => spans.push(WordSpan { kind, text }),
        }
    };
    for op in ops {
        match op {
            SimOp::Equal { old_index, len, .. } => {
                push(SpanKind::Equal, &a[old_index..old_index + len])
            }
            SimOp::Delete {
                old_index, old_len, ..
            } => push(SpanKind::Delete, &a[old_index..old_index + old_len]),
            SimOp::Insert {
                new_index, new_len, ..
            } => push(SpanKind::Insert, &b[new_index..new_index + new_len]),
            SimOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                push(SpanKind::Delete, &a[old_index..old_index + old_len]);
                push(SpanKind::Insert, &b[new_index..new_index + new_len]);
            }
        }
    }
    (tidy_spaces(spans), exact)
}

/// Splits text into words, each carrying the whitespace that follows it.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = false;
    for (i, c) in text.char_indices() {
        let space = c.is_whitespace();
        if in_space && !space {
            out.push(&text[start..i]);
            start = i;
        }
        in_space = space;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Moves trailing whitespace out of changed runs so markers hug the words:
/// "[-$50 -]" reads worse than "[-$50-] ".
fn tidy_spaces(spans: Vec<WordSpan>) -> Vec<WordSpan> {
    let mut out: Vec<WordSpan> = Vec::with_capacity(spans.len());
    for span in spans {
        if span.kind == SpanKind::Equal {
            match out.last_mut() {
                Some(last) if last.kind == SpanKind::Equal => last.text.push_str(&span.text),
                _ => out.push(span),
            }
            continue;
        }
        let trimmed = span.text.trim_end();
        let tail = &span.text[trimmed.len()..];
        if trimmed.is_empty() {
            // Whitespace-only change: not worth a marker.
            continue;
        }
        out.push(WordSpan {
            kind: span.kind,
            text: trimmed.to_string(),
        });
        if !tail.is_empty() && span.kind == SpanKind::Insert {
            out.push(WordSpan {
                kind: SpanKind::Equal,
                text: " ".to_string(),
            });
        }
    }
    out
}

/// Renders a word diff on one line with wdiff-style markers:
/// `Amazon will invest [-$50-]{+$40+} billion`.
pub fn render_inline(words: &[WordSpan]) -> String {
    let mut out = String::new();
    for w in words {
        match w.kind {
            SpanKind::Equal => out.push_str(&w.text),
            SpanKind::Delete => {
                out.push_str("[-");
                out.push_str(&w.text);
                out.push_str("-]");
            }
            SpanKind::Insert => {
                out.push_str("{+");
                out.push_str(&w.text);
                out.push_str("+}");
            }
        }
    }
    out
}

/// Renders one edit for a log line or a terminal.
pub fn render_edit(edit: &Edit) -> String {
    match edit {
        Edit::Insert { text, .. } => format!("+ {text}"),
        Edit::Delete { text, .. } => format!("- {text}"),
        Edit::Replace { words, .. } => format!("~ {}", render_inline(words)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_texts_have_no_edits() {
        let t = "Amazon will invest $50 billion. OpenAI agreed.\n\nMore later.";
        let d = compare(t, t);
        assert!(d.is_empty());
        assert_eq!(d.summary(), "no text change");
    }

    #[test]
    fn edited_amount_is_one_replaced_sentence_with_the_changed_words() {
        let old = "Amazon will invest $50 billion in OpenAI. The deal spans years.";
        let new = "Amazon will invest $40 billion in OpenAI. The deal spans years.";
        let d = compare(old, new);
        assert_eq!(d.edits.len(), 1);
        let Edit::Replace { words, .. } = &d.edits[0] else {
            panic!("{:?}", d.edits)
        };
        assert_eq!(
            render_inline(words),
            "Amazon will invest [-$50-]{+$40+} billion in OpenAI."
        );
        assert_eq!(d.stats.words_added, 1);
        assert_eq!(d.stats.words_removed, 1);
        assert!(d.summary().starts_with("1 sentence edited"));
    }

    #[test]
    fn unrelated_sentence_is_removed_and_added_not_edited() {
        let old = "Regulators may look at the deal.";
        let new = "Shares of Amazon rose two percent on Friday afternoon.";
        let d = compare(old, new);
        assert_eq!(d.stats.sentences_removed, 1);
        assert_eq!(d.stats.sentences_added, 1);
        assert_eq!(d.stats.sentences_edited, 0);
        assert_eq!(d.summary(), "1 sentence added, 1 removed (+9/-6 words)");
    }

    #[test]
    fn added_paragraph_is_inserted_with_its_paragraph_number() {
        let old = "One. Two.";
        let new = "One. Two.\n\nThree is new.";
        let d = compare(old, new);
        assert_eq!(
            d.edits,
            vec![Edit::Insert {
                new_index: 2,
                paragraph: 1,
                text: "Three is new.".into()
            }]
        );
    }

    fn shuffled_texts() -> (String, String) {
        let old: String = (0..600)
            .map(|i| format!("Sentence number {i} here. "))
            .collect();
        let new: String = (0..600)
            .map(|i| format!("Sentence number {} here. ", i * 7))
            .collect();
        (old, new)
    }

    #[test]
    fn a_diff_over_its_budget_is_coarse_and_marked_approximate() {
        let (old, new) = shuffled_texts();
        let d = compare_with_budget(&old, &new, 1_000);
        assert!(d.approximate);
        assert!(d.summary().contains("approximate"), "{}", d.summary());
        // Coarse, never wrong: every sentence of the old text is accounted
        // for as unchanged (the common start), edited or removed.
        let exact = compare_with_budget(&old, &new, u64::MAX);
        assert!(!exact.approximate);
        assert_ne!(d, exact);
    }

    #[test]
    fn the_same_two_texts_always_give_the_same_diff() {
        // The budget counts work from the input, so neither the machine's
        // load nor repetition changes the result or the approximate flag.
        let (old, new) = shuffled_texts();
        for budget in [1_000, 200_000, DEFAULT_BUDGET] {
            let first = compare_with_budget(&old, &new, budget);
            for _ in 0..3 {
                assert_eq!(compare_with_budget(&old, &new, budget), first);
            }
        }
        let d = compare(&old, &new);
        assert!(
            !d.approximate,
            "an ordinary long text fits the default budget"
        );
        assert_eq!(d, compare(&old, &new));
    }

    #[test]
    fn a_word_diff_over_its_budget_keeps_the_common_ends() {
        let old = "Amazon will invest $50 billion in OpenAI over years.";
        let new = "Amazon will invest $40 billion in OpenAI over years.";
        let (words, exact) = word_diff_within(old, new, &mut Budget::new(10));
        assert!(!exact);
        assert_eq!(
            render_inline(&words),
            "Amazon will invest [-$50-]{+$40+} billion in OpenAI over years."
        );
        let (words, exact) = word_diff_within(
            "one two three four",
            "four three two one",
            &mut Budget::new(0),
        );
        assert!(!exact);
        assert_eq!(
            render_inline(&words),
            "[-one two three four-]{+four three two one+}"
        );
    }

    #[test]
    fn presplit_sentences_give_the_same_diff_as_texts() {
        let old = "Amazon will invest $50 billion. OpenAI agreed.\n\nMore later.";
        let new = "Amazon will invest $40 billion. OpenAI agreed.\n\nMore later. And more.";
        assert_eq!(
            compare_sentences(
                Some("A"),
                &split_sentences(old),
                Some("B"),
                &split_sentences(new)
            ),
            compare_articles(Some("A"), old, Some("B"), new)
        );
    }

    #[test]
    fn headline_change_is_reported_with_the_text() {
        let d = compare_articles(
            Some("Amazon in talks"),
            "Same.",
            Some("Amazon confirms"),
            "Same.",
        );
        assert!(!d.is_empty());
        assert_eq!(d.summary(), "headline changed");
        assert_eq!(
            render_inline(&d.title.unwrap().words),
            "Amazon [-in talks-]{+confirms+}"
        );
    }

    #[test]
    fn tokens_keep_all_text() {
        let t = "  a  b\tc ";
        assert_eq!(tokens(t).concat(), t);
    }
}
