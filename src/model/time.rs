//! Calendar quarters. The model steps one quarter at a time.

use std::fmt;

/// A calendar quarter, stored as `year * 4 + (quarter - 1)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter(pub i32);

impl Quarter {
    pub fn new(year: i32, quarter: u8) -> Quarter {
        Quarter(year * 4 + (quarter as i32 - 1))
    }
    pub fn year(self) -> i32 {
        self.0.div_euclid(4)
    }
    /// 1 to 4.
    pub fn quarter(self) -> u8 {
        (self.0.rem_euclid(4) + 1) as u8
    }
    /// Decimal year at the middle of the quarter (1992Q1 → 1992.125).
    pub fn mid_year(self) -> f64 {
        self.year() as f64 + (self.quarter() as f64 - 0.5) / 4.0
    }
    pub fn plus(self, quarters: i32) -> Quarter {
        Quarter(self.0 + quarters)
    }
    /// Quarters from `earlier` to `self`.
    pub fn since(self, earlier: Quarter) -> i32 {
        self.0 - earlier.0
    }
    /// Parses `1992Q1`, `1992-Q1`, `1992q1` or a bare year `1992` (meaning Q1).
    pub fn parse(text: &str) -> Option<Quarter> {
        let t = text.trim();
        if let Ok(year) = t.parse::<i32>() {
            return (1000..=3000).contains(&year).then(|| Quarter::new(year, 1));
        }
        let upper = t.to_ascii_uppercase();
        let (y, q) = upper.split_once('Q')?;
        let y = y.trim_end_matches('-').parse::<i32>().ok()?;
        let q = q.parse::<u8>().ok()?;
        ((1000..=3000).contains(&y) && (1..=4).contains(&q)).then(|| Quarter::new(y, q))
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year(), self.quarter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarter_round_trips_through_text() {
        let q = Quarter::parse("2017Q4").unwrap();
        assert_eq!((q.year(), q.quarter()), (2017, 4));
        assert_eq!(q.to_string(), "2017Q4");
        assert_eq!(Quarter::parse("1992"), Some(Quarter::new(1992, 1)));
        assert_eq!(Quarter::parse("2019-q2"), Some(Quarter::new(2019, 2)));
        assert_eq!(Quarter::parse("2019Q5"), None);
        assert_eq!(Quarter::parse("soon"), None);
    }

    #[test]
    fn quarter_arithmetic_counts_quarters() {
        let a = Quarter::new(1992, 1);
        let b = Quarter::new(2040, 4);
        assert_eq!(b.since(a) + 1, 196);
        assert_eq!(a.plus(4), Quarter::new(1993, 1));
        assert!((a.mid_year() - 1992.125).abs() < 1e-12);
    }
}
