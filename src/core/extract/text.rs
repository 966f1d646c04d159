//! Small text helpers: whitespace, entities, volatile-text removal.

use regex::Regex;

/// Collapses every run of whitespace to one space and trims the ends.
pub fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Decodes the character references that leak into JSON-LD and meta content.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..].find(';').map(|j| j + 1).filter(|&j| j <= 10);
        let decoded = end.and_then(|j| {
            let name = &rest[1..j];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                "ndash" => Some('–'),
                "mdash" => Some('—'),
                "lsquo" => Some('‘'),
                "rsquo" => Some('’'),
                "ldquo" => Some('“'),
                "rdquo" => Some('”'),
                "hellip" => Some('…'),
                _ => {
                    let num = name.strip_prefix('#')?;
                    let n = match num.strip_prefix(['x', 'X']) {
                        Some(h) => u32::from_str_radix(h, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(n)
                }
            }?;
            Some((c, j + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Removes every match of the volatile-text patterns from each paragraph and
/// drops paragraphs left empty.
pub fn remove_volatile(paragraphs: Vec<String>, ignore: &[Regex]) -> Vec<String> {
    if ignore.is_empty() {
        return paragraphs;
    }
    paragraphs
        .into_iter()
        .filter_map(|p| {
            let mut p = p;
            for re in ignore {
                if re.is_match(&p) {
                    p = re.replace_all(&p, " ").into_owned();
                }
            }
            let p = collapse(&p);
            (!p.is_empty()).then_some(p)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("Europa&apos;s &amp; &#8217;x&#x2019; &bogus; & a"),
            "Europa's & ’x’ &bogus; & a"
        );
    }

    #[test]
    fn volatile_text_is_removed() {
        let re = Regex::new(r"Updated \d+ minutes ago").unwrap();
        let out = remove_volatile(
            vec![
                "Updated 5 minutes ago".into(),
                "Text. Updated 12 minutes ago now".into(),
            ],
            &[re],
        );
        assert_eq!(out, ["Text. now"]);
    }
}
