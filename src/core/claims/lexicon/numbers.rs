//! Numbers written in words and the scale words after a number: the one
//! list the quantity scanner, the money and percentage facets and the
//! detector's "has a number" feature read.

/// A number word: "one" to "ninety", "dozen", "hundred", "half".
pub fn word_number(w: &str) -> Option<f64> {
    Some(match w {
        "one" => 1.0,
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "eleven" => 11.0,
        "twelve" => 12.0,
        "thirteen" => 13.0,
        "fourteen" => 14.0,
        "fifteen" => 15.0,
        "sixteen" => 16.0,
        "seventeen" => 17.0,
        "eighteen" => 18.0,
        "nineteen" => 19.0,
        "twenty" => 20.0,
        "thirty" => 30.0,
        "forty" => 40.0,
        "fifty" => 50.0,
        "sixty" => 60.0,
        "seventy" => 70.0,
        "eighty" => 80.0,
        "ninety" => 90.0,
        "dozen" => 12.0,
        "hundred" => 100.0,
        "half" => 0.5,
        _ => return None,
    })
}

/// Scale words and abbreviations written after a number, Indian lakh and
/// crore included: `12 million`, `$3bn`, `50 lakh`, `Rs 2 crore`.
pub fn scale(w: &str) -> Option<f64> {
    Some(match w {
        "thousand" | "k" => 1e3,
        "lakh" | "lakhs" | "lac" => 1e5,
        "million" | "millions" | "m" | "mn" | "mln" | "mio" => 1e6,
        "crore" | "crores" | "cr" => 1e7,
        "billion" | "billions" | "bn" | "b" | "bln" => 1e9,
        "trillion" | "trillions" | "tn" | "trn" => 1e12,
        "hundred" => 1e2,
        _ => return None,
    })
}

/// Plural scale words that count by themselves: "hundreds of", "millions
/// of", "dozens of".
pub fn plural_scale(w: &str) -> Option<f64> {
    Some(match w {
        "dozens" => 12.0,
        "hundreds" => 100.0,
        "thousands" => 1e3,
        "millions" => 1e6,
        "billions" => 1e9,
        "trillions" => 1e12,
        _ => return None,
    })
}

/// Words that multiply or share out a number: "twice", "doubled", "a
/// quarter". Not quantities by themselves, but a sentence with one has a
/// number in it.
pub fn is_multiplier(w: &str) -> bool {
    matches!(
        w,
        "twice" | "double" | "doubled" | "triple" | "tripled" | "quarter" | "halved"
    )
}

/// Does the (lower-case) word say a number: a number word, a scale word
/// that stands alone ("millions", "dozen"), or a multiplier?
pub fn is_number_word(w: &str) -> bool {
    (word_number(w).is_some() && w != "one")
        || plural_scale(w).is_some()
        || matches!(w, "thousand" | "million" | "billion" | "trillion")
        || is_multiplier(w)
}

/// Words after a number that make it an ordinal ("3rd", "21st").
pub fn is_ordinal_suffix(w: &str) -> bool {
    matches!(w, "st" | "nd" | "rd" | "th")
}
