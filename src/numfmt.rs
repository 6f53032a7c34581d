//! Numbers in output CSV files. Every `f64` cell goes through [`float`], so a type-inferring
//! reader (polars, pandas, R's readr) sees a float column even when its first rows hold whole
//! numbers: `0.0`, never `0`. Integer columns (replication, step, year, quarter, counts) are
//! written with their integer types and stay integers.

/// Rust's shortest round-trip digits, with `.0` appended when they would read as an integer.
pub fn float(v: f64) -> String {
    let mut s = format!("{v}");
    if v.is_finite() && !s.contains(['.', 'e', 'E']) {
        s.push_str(".0");
    }
    s
}

/// [`float`], or an empty cell when undefined.
pub fn opt_float(v: Option<f64>) -> String {
    v.map(float).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_get_a_decimal_point_and_others_round_trip() {
        assert_eq!(float(0.0), "0.0");
        assert_eq!(float(-0.0), "-0.0");
        assert_eq!(float(3.0), "3.0");
        assert_eq!(float(4806624548.9), "4806624548.9");
        assert_eq!(float(1e21), "1000000000000000000000.0");
        assert_eq!(float(0.1), "0.1");
        assert_eq!(opt_float(None), "");
        for v in [0.1, 1.0 / 3.0, 1e-300, 123456789.125, -7.0] {
            assert_eq!(float(v).parse::<f64>().unwrap(), v);
        }
    }
}
