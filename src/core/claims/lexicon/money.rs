//! Currencies: symbols and codes written before a number, names written
//! after it, and the display of an amount. The one list of currencies; an
//! unknown currency is never taken for dollars.

/// Currency symbols and codes written before a number (lower case).
pub fn currency_before(s: &str) -> Option<&'static str> {
    Some(match s {
        "$" | "us$" | "usd" => "USD",
        "c$" | "ca$" | "cad" => "CAD",
        "a$" | "au$" | "aud" => "AUD",
        "hk$" | "hkd" => "HKD",
        "nz$" | "nzd" => "NZD",
        "s$" | "sgd" => "SGD",
        "r$" | "brl" => "BRL",
        "£" | "gbp" => "GBP",
        "€" | "eur" => "EUR",
        "¥" | "jpy" => "JPY",
        "cny" | "rmb" => "CNY",
        "₹" | "rs" | "inr" => "INR",
        "chf" => "CHF",
        "₩" | "krw" => "KRW",
        "₽" | "rub" => "RUB",
        "₦" | "ngn" => "NGN",
        "zar" => "ZAR",
        "mxn" => "MXN",
        "sek" => "SEK",
        "nok" => "NOK",
        "dkk" => "DKK",
        "pln" => "PLN",
        "try" | "₺" => "TRY",
        "aed" => "AED",
        "sar" => "SAR",
        "pkr" => "PKR",
        "idr" => "IDR",
        _ => return None,
    })
}

/// Currency names written after a number (lower case).
pub fn currency_after(w: &str) -> Option<&'static str> {
    Some(match w {
        "dollars" | "dollar" | "usd" => "USD",
        "euros" | "euro" | "eur" => "EUR",
        "pounds" | "sterling" | "gbp" => "GBP",
        "yen" | "jpy" => "JPY",
        "yuan" | "renminbi" | "cny" | "rmb" => "CNY",
        "rupees" | "rupee" | "inr" => "INR",
        "francs" | "chf" => "CHF",
        "won" => "KRW",
        "rubles" | "roubles" => "RUB",
        "naira" => "NGN",
        "rand" => "ZAR",
        "pesos" => "MXN",
        "reais" => "BRL",
        "lira" => "TRY",
        "dirhams" => "AED",
        "riyals" => "SAR",
        _ => return None,
    })
}

/// The symbol an amount is displayed with, if the currency has one we
/// write (`$`, `£`, `€`, `¥`, `C$`, `A$`, `HK$`); others by their code.
fn display_symbol(currency: &str) -> Option<&'static str> {
    Some(match currency {
        "USD" => "$",
        "GBP" => "£",
        "EUR" => "€",
        "JPY" => "¥",
        "CAD" => "C$",
        "AUD" => "A$",
        "HKD" => "HK$",
        _ => return None,
    })
}

/// `$50 billion`, `£3.2 million`, `€500 million`, `$750,000`, `CHF 2
/// billion`.
pub fn format_money(currency: &str, value: f64) -> String {
    let prefix = match display_symbol(currency) {
        Some(s) => s.to_string(),
        None => format!("{currency} "),
    };
    let (scaled, word) = if value >= 1e12 {
        (value / 1e12, " trillion")
    } else if value >= 1e9 {
        (value / 1e9, " billion")
    } else if value >= 1e6 {
        (value / 1e6, " million")
    } else {
        (value, "")
    };
    if word.is_empty() {
        let whole = value.round() as i64;
        if (value - whole as f64).abs() < 1e-9 {
            return format!("{prefix}{}", super::format::group_thousands(whole));
        }
        return format!("{prefix}{value:.2}");
    }
    format!("{prefix}{}{word}", super::format::trim_number(scaled))
}
