//! Decimal text to the nearest double (ties to even), as JavaScript's
//! `Number("…")` and `JSON.parse` read it.
//!
//! Not `str::parse::<f64>`: its tables are 10 KiB of constant data, which
//! the host copies into fresh memory for every file the plugin transforms.
//! Here a guess from floating-point arithmetic is corrected by comparing,
//! in exact integer arithmetic, the decimal with the midpoints between the
//! guess and its neighbours; the options hold a few short numbers, so the
//! slowness of that check does not matter.

use std::cmp::Ordering;

/// A non-negative integer, little-endian base 2^32.
#[derive(Clone)]
struct Big(Vec<u32>);

impl Big {
    fn from_u64(n: u64) -> Big {
        let mut big = Big(vec![n as u32, (n >> 32) as u32]);
        big.trim();
        big
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn mul_add(&mut self, factor: u32, add: u32) {
        let mut carry = add as u64;
        for word in &mut self.0 {
            let v = *word as u64 * factor as u64 + carry;
            *word = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow10(&mut self, mut n: u32) {
        while n > 0 {
            let step = n.min(9);
            self.mul_add(10u32.pow(step), 0);
            n -= step;
        }
    }

    fn shl(&mut self, bits: u32) {
        let (words, bits) = ((bits / 32) as usize, bits % 32);
        if bits > 0 {
            let mut carry = 0;
            for word in &mut self.0 {
                let v = ((*word as u64) << bits) | carry;
                *word = v as u32;
                carry = v >> 32;
            }
            if carry > 0 {
                self.0.push(carry as u32);
            }
        }
        self.0.splice(0..0, std::iter::repeat_n(0, words));
    }

    fn cmp(&self, other: &Big) -> Ordering {
        self.0.len().cmp(&other.0.len()).then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }
}

/// `[+-]? digits [. digits] [(e|E) [+-]? digits]`, already checked by the
/// caller (either part of the mantissa may be empty, not both).
pub fn parse(text: &str) -> f64 {
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // Beyond ±100000 the value is 0 or Infinity whatever the digits.
    let (exponent_negative, exponent_digits) = match exponent.as_bytes().first() {
        Some(b'-') => (true, &exponent[1..]),
        Some(b'+') => (false, &exponent[1..]),
        _ => (false, exponent),
    };
    let exponent_digits = exponent_digits.trim_start_matches('0');
    let exponent = if exponent_digits.len() > 6 { 100_000 } else { exponent_digits.parse::<i64>().unwrap_or(0) };
    let exponent = if exponent_negative { -exponent } else { exponent };
    let all = || whole.bytes().chain(fraction.bytes());
    let trailing_zeros = all().rev().take_while(|&d| d == b'0').count();
    let digits: Vec<u8> = all().skip_while(|&d| d == b'0').map(|d| d - b'0').collect();
    let digits = &digits[..digits.len().saturating_sub(trailing_zeros)];
    // The value is digits × 10^scale.
    let scale = exponent - fraction.len() as i64 + trailing_zeros as i64;
    let magnitude = if digits.is_empty() { 0.0 } else { nearest(digits, scale) };
    if negative {
        -magnitude
    } else {
        magnitude
    }
}

/// The double nearest to digits × 10^scale (digits without leading or
/// trailing zeros, not empty).
fn nearest(digits: &[u8], scale: i64) -> f64 {
    let decimal_exponent = digits.len() as i64 + scale; // 10^(this - 1) <= value < 10^this
    if decimal_exponent > 310 {
        return f64::INFINITY;
    }
    if decimal_exponent < -330 {
        return 0.0;
    }
    let scale = scale as i32;
    // The guess: the first 19 digits, scaled in floating point.
    let head = &digits[..digits.len().min(19)];
    let lead = head.iter().fold(0u64, |n, &d| n * 10 + d as u64) as f64;
    let shift = scale + (digits.len() - head.len()) as i32;
    // In steps, so that no intermediate overflows or underflows before the end.
    let (mut guess, mut shift) = (lead, shift);
    while shift > 0 {
        let step = shift.min(300);
        guess *= 10f64.powi(step);
        shift -= step;
    }
    while shift < 0 {
        let step = (-shift).min(300);
        guess /= 10f64.powi(step);
        shift += step;
    }
    if !guess.is_finite() {
        guess = f64::MAX;
    }

    let mut value = Big(Vec::new());
    for &d in digits {
        value.mul_add(10, d as u32);
    }
    // Compares value × 10^scale with m × 2^k.
    let compare = |m: u64, k: i32| -> Ordering {
        let mut left = value.clone();
        let mut right = Big::from_u64(m);
        if scale >= 0 {
            left.mul_pow10(scale as u32);
        } else {
            right.mul_pow10((-scale) as u32);
        }
        if k >= 0 {
            right.shl(k as u32);
        } else {
            left.shl((-k) as u32);
        }
        left.cmp(&right)
    };
    loop {
        let bits = guess.to_bits();
        let field = (bits >> 52) as i32;
        let (m, k) = if field == 0 {
            (bits & ((1 << 52) - 1), -1074)
        } else {
            ((bits & ((1 << 52) - 1)) | (1 << 52), field - 1075)
        };
        // Above the midpoint with the next double up: go up.
        match compare(2 * m + 1, k - 1) {
            Ordering::Greater => {
                if guess == f64::MAX {
                    return f64::INFINITY;
                }
                guess = f64::from_bits(bits + 1);
                continue;
            }
            Ordering::Equal => {
                return if m % 2 == 0 {
                    guess
                } else if guess == f64::MAX {
                    f64::INFINITY
                } else {
                    f64::from_bits(bits + 1)
                };
            }
            Ordering::Less => {}
        }
        if bits == 0 {
            return 0.0;
        }
        // Below the midpoint with the next double down: go down. Just above
        // a power of two the gap below is half the gap above.
        let below = if m == 1 << 52 && field > 1 { compare(4 * m - 1, k - 2) } else { compare(2 * m - 1, k - 1) };
        match below {
            Ordering::Less => guess = f64::from_bits(bits - 1),
            Ordering::Equal => return if m % 2 == 0 { guess } else { f64::from_bits(bits - 1) },
            Ordering::Greater => return guess,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn reads_the_nearest_double_as_rust_does() {
        let cases = [
            "0",
            "-0",
            "1",
            "0.1",
            "0.25",
            "99.9",
            "99.95e3",
            "1e-7",
            "1.5e-7",
            "0.005",
            "7.5",
            "10",
            "1e21",
            "1e+21",
            "123456789012345680000",
            "0.30000000000000004",
            "0.1000000000000000055511151231257827",
            "9007199254740993",
            "9007199254740995",
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.7976931348623159e308",
            "2e308",
            "5e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "1e-400",
            "2.2250738585072011e-308",
            "2.2250738585072014e-308",
            "4.9406564584124654e-324",
            ".5",
            "5.",
            "00012.50",
            "1e0000000000000000005",
            "1e-99999999999",
            "3.14159265358979323846264338327950288",
            "0.000000000000000000000000000000000000001",
        ];
        for text in cases {
            let expected: f64 = text.parse().unwrap();
            assert_eq!(parse(text).to_bits(), expected.to_bits(), "{text}");
        }
        // Every double's shortest spelling, and a digit past it, over a spread of magnitudes.
        let mut x = 1.0e-320f64;
        while x < 1.0e300 {
            for text in [format!("{x:e}"), format!("{x:.17e}"), format!("{:.25e}", x * 1.000000001)] {
                let expected: f64 = text.parse().unwrap();
                assert_eq!(parse(&text).to_bits(), expected.to_bits(), "{text}");
            }
            x *= 7.31;
        }
    }
}
