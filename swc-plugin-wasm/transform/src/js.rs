//! The few JavaScript semantics the Babel plugin relies on implicitly and the
//! SWC plugin must reproduce to give the same labels and the same messages:
//! `String(number)`, `JSON.stringify`, `Number(string)`, `String.prototype.trim`,
//! `typeof`, and the order of `Object.keys`.

use crate::json::{Object, Value};
/// `String(n)`: the shortest decimal that reads back as `n`, as JavaScript
/// prints it (`0.25`, `1e-7`, `1e+21`, `-0` as `0`; Number::toString of
/// ECMA-262). Rust's `{:e}` gives the same shortest digits; only the layout
/// differs.
pub fn number_to_string(n: f64) -> String {
    if n.is_nan() {
        return "NaN".to_string();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    if n == 0.0 {
        return "0".to_string();
    }
    let scientific = format!("{:e}", n.abs());
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let digits = mantissa.replace('.', "");
    let k = digits.len() as i32;
    // n × 10^(point - k) is the number, in ECMA-262's terms.
    let point = exponent.parse::<i32>().unwrap_or(0) + 1;
    let mut out = String::with_capacity(k as usize + 8);
    if n < 0.0 {
        out.push('-');
    }
    if k <= point && point <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (point - k) as usize));
    } else if 0 < point && point <= 21 {
        out.push_str(&digits[..point as usize]);
        out.push('.');
        out.push_str(&digits[point as usize..]);
    } else if -6 < point && point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        if point > 0 {
            out.push('+');
        }
        out.push_str(&(point - 1).to_string());
    }
    out
}

/// `typeof`, as the option errors word it (`null` and arrays apart).
pub fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Array(_) => "an array",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Object(_) => "object",
    }
}

/// `JSON.stringify(value)`, byte for byte.
pub fn json_stringify(value: &Value) -> String {
    let mut out = String::new();
    write_json(value, &mut out);
    out
}

fn write_json(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if n.is_finite() {
                out.push_str(&number_to_string(*n));
            } else {
                out.push_str("null");
            }
        }
        Value::String(s) => quote_json(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, key) in object_keys(map).into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                quote_json(key, out);
                out.push(':');
                write_json(map.get(key).unwrap_or(&Value::Null), out);
            }
            out.push('}');
        }
    }
}

fn quote_json(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `Object.keys` order: array-index keys ascending, then the others in
/// insertion order.
pub fn object_keys(map: &Object) -> Vec<&String> {
    let mut indices: Vec<(u32, &String)> = Vec::new();
    let mut others: Vec<&String> = Vec::new();
    for key in map.keys() {
        match array_index(key) {
            Some(i) => indices.push((i, key)),
            None => others.push(key),
        }
    }
    crate::lean::sort_by_key(&mut indices, |(i, _)| *i);
    indices.into_iter().map(|(_, k)| k).chain(others).collect()
}

/// The canonical array index a property key spells, if any (`"0"`, `"42"`,
/// not `"01"`; below 2^32 - 1).
fn array_index(key: &str) -> Option<u32> {
    let bytes = key.as_bytes();
    let canonical = match bytes {
        [b'0'] => true,
        [b'1'..=b'9', rest @ ..] => rest.iter().all(u8::is_ascii_digit),
        _ => false,
    };
    if !canonical {
        return None;
    }
    key.parse::<u32>().ok().filter(|&i| i != u32::MAX)
}

/// ECMAScript WhiteSpace and LineTerminator, what `trim()` removes.
fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\u{9}' | '\u{a}' | '\u{b}' | '\u{c}' | '\u{d}' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}'
    )
}

/// `s.trim()`.
pub fn trim(s: &str) -> &str {
    s.trim_matches(is_js_space)
}

/// `Number(s)` for a string: decimal, `0x`/`0o`/`0b` integers, `Infinity`,
/// surrounding white space ignored, the empty string is 0, anything else NaN.
pub fn string_to_number(s: &str) -> f64 {
    let t = trim(s);
    if t.is_empty() {
        return 0.0;
    }
    for (prefixes, radix) in [(["0x", "0X"], 16), (["0o", "0O"], 8), (["0b", "0B"], 2)] {
        if let Some(digits) = prefixes.iter().find_map(|p| t.strip_prefix(p)) {
            return parse_radix(digits, radix);
        }
    }
    match t {
        "Infinity" | "+Infinity" => return f64::INFINITY,
        "-Infinity" => return f64::NEG_INFINITY,
        _ => {}
    }
    if is_decimal_literal(t) {
        crate::decimal::parse(t)
    } else {
        f64::NAN
    }
}

fn parse_radix(digits: &str, radix: u32) -> f64 {
    if digits.is_empty() {
        return f64::NAN;
    }
    let mut exact: Option<u128> = Some(0);
    let mut approx = 0.0f64;
    for c in digits.chars() {
        let Some(d) = c.to_digit(radix) else {
            return f64::NAN;
        };
        exact = exact.and_then(|v| v.checked_mul(radix as u128)).and_then(|v| v.checked_add(d as u128));
        approx = approx * radix as f64 + d as f64;
    }
    match exact {
        Some(v) => v as f64,
        None => approx,
    }
}

/// StrDecimalLiteral: `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`
fn is_decimal_literal(t: &str) -> bool {
    let b = t.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        frac_digits = i - frac_start;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn json_stringify(v: &serde_json::Value) -> String {
        super::json_stringify(&crate::json::parse(&v.to_string()).unwrap())
    }

    #[test]
    fn numbers_print_as_javascript_does() {
        for (n, s) in [
            (0.25, "0.25"),
            (10.0, "10"),
            (0.005, "0.005"),
            (1e-7, "1e-7"),
            (1e21, "1e+21"),
            (123456789012345680000.0, "123456789012345680000"),
            (-0.0, "0"),
            (99.9, "99.9"),
            (0.1 + 0.2, "0.30000000000000004"),
            (-1.5, "-1.5"),
            (1e20, "100000000000000000000"),
            (1.5e-6, "0.0000015"),
            (1.5e-7, "1.5e-7"),
            (123.456, "123.456"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (2f64.powi(53), "9007199254740992"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
        ] {
            assert_eq!(number_to_string(n), s);
        }
    }

    #[test]
    fn json_stringify_matches_javascript() {
        assert_eq!(json_stringify(&json!("a\"b\\\n\u{1}")), r#""a\"b\\\n\u0001""#);
        assert_eq!(json_stringify(&json!([1, 2.5, null, true])), "[1,2.5,null,true]");
        assert_eq!(json_stringify(&json!({"b": 1, "1": 2, "a": [3]})), r#"{"1":2,"b":1,"a":[3]}"#);
        assert_eq!(json_stringify(&json!(1e21)), "1e+21");
    }

    #[test]
    fn strings_convert_to_numbers_as_javascript_does() {
        for (s, n) in [
            ("0.25", 0.25),
            (" 1 ", 1.0),
            ("\u{feff}2\n", 2.0),
            (".5", 0.5),
            ("5.", 5.0),
            ("+1e3", 1000.0),
            ("0x10", 16.0),
            ("0b11", 3.0),
            ("0o17", 15.0),
            ("", 0.0),
        ] {
            assert_eq!(string_to_number(s), n, "{s:?}");
        }
        for s in ["abc", "1_000", "0x", "-0x10", "1e", "e5", ".", "inf", "NaN", "1 2", "\u{85}1"] {
            assert!(string_to_number(s).is_nan(), "{s:?}");
        }
        assert_eq!(string_to_number("-Infinity"), f64::NEG_INFINITY);
    }
}
