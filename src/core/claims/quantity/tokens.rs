//! The quantity scanner's tokens: words, numbers (with their separators
//! and vulgar fractions) and single symbols, with their byte offsets.

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Tok {
    /// A run of letters (and inner apostrophes or periods, "a.m.").
    Word,
    /// Digits with `,` `.` separators, or a vulgar fraction.
    Num,
    /// One other character (symbols, punctuation).
    Sym,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Token {
    pub kind: Tok,
    pub start: usize,
    pub end: usize,
    /// Whitespace directly before it.
    pub space_before: bool,
}

pub(super) fn fraction(c: char) -> Option<f64> {
    Some(match c {
        '½' => 0.5,
        '¼' => 0.25,
        '¾' => 0.75,
        '⅓' => 1.0 / 3.0,
        '⅔' => 2.0 / 3.0,
        _ => return None,
    })
}

pub(super) fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut it = text.char_indices().peekable();
    let mut space = false;
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        let (kind, mut end) = if c.is_ascii_digit() {
            (Tok::Num, i + 1)
        } else if fraction(c).is_some() {
            (Tok::Num, i + c.len_utf8())
        } else if c.is_alphabetic() {
            (Tok::Word, i + c.len_utf8())
        } else {
            (Tok::Sym, i + c.len_utf8())
        };
        if kind == Tok::Num && c.is_ascii_digit() {
            // 1,000  1.000  2.5  1,234.56 (a separator needs a digit after it)
            while let Some(&(j, d)) = it.peek() {
                let digit_after = text[j + d.len_utf8()..]
                    .chars()
                    .next()
                    .is_some_and(|n| n.is_ascii_digit());
                if d.is_ascii_digit() || ((d == ',' || d == '.') && digit_after) {
                    end = j + d.len_utf8();
                    it.next();
                } else {
                    break;
                }
            }
            if let Some(&(j, d)) = it.peek()
                && fraction(d).is_some()
            {
                end = j + d.len_utf8();
                it.next();
            }
        } else if kind == Tok::Word {
            while let Some(&(j, d)) = it.peek() {
                let letter_after = text[j + d.len_utf8()..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphabetic);
                if d.is_alphabetic() || (matches!(d, '\'' | '\u{2019}' | '.') && letter_after) {
                    end = j + d.len_utf8();
                    it.next();
                } else {
                    break;
                }
            }
        }
        out.push(Token {
            kind,
            start: i,
            end,
            space_before: space,
        });
        space = false;
    }
    out
}

/// The value of a number token: `1,000` and `1.000` (a European thousands
/// separator) are 1000, `2.5` is 2.5, `1½` is 1.5.
pub(super) fn number_value(s: &str) -> Option<f64> {
    let mut chars: Vec<char> = s.chars().collect();
    let mut frac = 0.0;
    if let Some(f) = chars.last().and_then(|&c| fraction(c)) {
        frac = f;
        chars.pop();
        if chars.is_empty() {
            return Some(frac);
        }
    }
    let s: String = chars.into_iter().collect();
    let groups: Vec<&str> = s.split([',', '.']).collect();
    let seps: Vec<char> = s.chars().filter(|c| *c == ',' || *c == '.').collect();
    let v: f64 = if seps.is_empty() {
        s.parse().ok()?
    } else {
        let last = *seps.last().unwrap();
        let all_same = seps.iter().all(|&c| c == last);
        let thousands = groups[1..].iter().all(|g| g.len() == 3);
        if all_same && thousands && (last == ',' || seps.len() > 1 || groups[0] != "0") {
            // 1,000 / 1.000 / 1.000.000
            s.replace([',', '.'], "").parse().ok()?
        } else if last == '.' {
            s.replace(',', "").parse().ok()?
        } else {
            // 2,5 (decimal comma), 1.234,5
            s.replace('.', "").replace(',', ".").parse().ok()?
        }
    };
    Some(v + frac)
}
