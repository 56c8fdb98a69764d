//! Natural logarithm from IEEE basic operations only (+ - * /, correctly rounded everywhere),
//! so `1 + ln(tf)` is bit-identical in wasm and native builds; std's `ln` calls the platform
//! libm, whose last bits differ between targets.

const LN2: f64 = std::f64::consts::LN_2;
const SQRT2: f64 = std::f64::consts::SQRT_2;

/// ln(x) for finite x >= 1 (the only inputs used: term frequencies). Error < 1e-15 relative.
pub fn ln(x: f64) -> f64 {
    if !(x > 1.0) || !x.is_finite() {
        return 0.0;
    }
    let bits = x.to_bits();
    let mut e = ((bits >> 52) & 0x7FF) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000F_FFFF_FFFF_FFFF) | (1023u64 << 52));
    if m > SQRT2 {
        m /= 2.0;
        e += 1;
    }
    // ln(m) = 2 atanh(s), s = (m-1)/(m+1), |s| <= 0.1716: the odd series converges fast.
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut term = s;
    let mut sum = 0.0;
    let mut k = 1.0;
    while k < 40.0 {
        sum += term / k;
        term *= s2;
        k += 2.0;
    }
    e as f64 * LN2 + 2.0 * sum
}

/// Sublinear term frequency weight.
#[inline]
pub fn sublinear_tf(tf: u32) -> f64 {
    if tf <= 1 {
        1.0
    } else {
        1.0 + ln(tf as f64)
    }
}
