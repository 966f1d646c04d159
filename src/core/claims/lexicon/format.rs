//! How numbers are written back: one way for every display.

/// `3.5`, `50`, `0.125`: at most three decimals, no trailing zeros.
pub fn trim_number(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// `1,234,567`.
pub fn group_thousands(n: i64) -> String {
    let s = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A value with its scale word: `12 million`, `3,400`, `1.5 trillion`.
pub fn scaled(v: f64) -> String {
    let (x, w) = if v.abs() >= 1e12 {
        (v / 1e12, " trillion")
    } else if v.abs() >= 1e9 {
        (v / 1e9, " billion")
    } else if v.abs() >= 1e6 {
        (v / 1e6, " million")
    } else {
        (v, "")
    };
    if w.is_empty() && x.fract() == 0.0 && x.abs() < 1e15 {
        return group_thousands(x as i64);
    }
    format!("{}{w}", trim_number(x))
}
