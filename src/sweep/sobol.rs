//! Sobol low-discrepancy sequence (Bratley–Fox / Joe–Kuo), 32-bit, gray-code construction.
//!
//! Direction numbers: S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better
//! two-dimensional projections", SIAM J. Sci. Comput. 30 (2008), file `new-joe-kuo-6.21201`,
//! dimensions 2–32 (dimension 1 is the van der Corput sequence in base 2). The first point (all
//! zeros) is skipped, so point 1 is (0.5, 0.5, …), point 2 is (0.75, 0.25, …), point 3 is
//! (0.25, 0.75, …), as in SciPy's unscrambled `Sobol`.

/// Dimensions supported by the built-in direction numbers.
pub const MAX_DIMENSIONS: usize = 32;

const BITS: usize = 32;

/// `(s, a, m_1..m_s)` for dimensions 2..=32 (Joe–Kuo new-joe-kuo-6.21201).
const JOE_KUO: [(u32, u32, &[u32]); MAX_DIMENSIONS - 1] = [
    (1, 0, &[1]),
    (2, 1, &[1, 3]),
    (3, 1, &[1, 3, 1]),
    (3, 2, &[1, 1, 1]),
    (4, 1, &[1, 1, 3, 3]),
    (4, 4, &[1, 3, 5, 13]),
    (5, 2, &[1, 1, 5, 5, 17]),
    (5, 4, &[1, 1, 5, 5, 5]),
    (5, 7, &[1, 1, 7, 11, 19]),
    (5, 11, &[1, 1, 5, 1, 1]),
    (5, 13, &[1, 1, 1, 3, 11]),
    (5, 14, &[1, 3, 5, 5, 31]),
    (6, 1, &[1, 3, 3, 9, 7, 49]),
    (6, 13, &[1, 1, 1, 15, 21, 21]),
    (6, 16, &[1, 3, 1, 13, 27, 49]),
    (6, 19, &[1, 1, 1, 15, 7, 5]),
    (6, 22, &[1, 3, 1, 15, 13, 25]),
    (6, 25, &[1, 1, 5, 5, 19, 61]),
    (7, 1, &[1, 3, 7, 11, 23, 15, 103]),
    (7, 4, &[1, 3, 7, 13, 13, 15, 69]),
    (7, 7, &[1, 1, 3, 13, 7, 35, 63]),
    (7, 8, &[1, 3, 5, 9, 1, 25, 53]),
    (7, 14, &[1, 3, 1, 13, 9, 35, 107]),
    (7, 19, &[1, 3, 1, 5, 27, 61, 31]),
    (7, 21, &[1, 1, 5, 11, 19, 41, 61]),
    (7, 28, &[1, 3, 5, 3, 3, 13, 69]),
    (7, 31, &[1, 1, 7, 13, 1, 19, 1]),
    (7, 32, &[1, 3, 7, 5, 13, 19, 59]),
    (7, 37, &[1, 1, 3, 9, 25, 29, 41]),
    (7, 41, &[1, 3, 5, 13, 23, 1, 55]),
    (7, 42, &[1, 3, 7, 3, 13, 59, 17]),
];

/// Direction numbers `v_1..v_32` of dimension `d` (0-based), scaled to 32 bits.
fn directions(d: usize) -> [u32; BITS] {
    let mut v = [0u32; BITS];
    if d == 0 {
        for (i, x) in v.iter_mut().enumerate() {
            *x = 1u32 << (BITS - 1 - i);
        }
        return v;
    }
    let (s, a, m) = JOE_KUO[d - 1];
    let s = s as usize;
    for i in 0..s.min(BITS) {
        v[i] = m[i] << (BITS - 1 - i);
    }
    for i in s..BITS {
        v[i] = v[i - s] ^ (v[i - s] >> s);
        for k in 1..s {
            if (a >> (s - 1 - k)) & 1 == 1 {
                v[i] ^= v[i - k];
            }
        }
    }
    v
}

/// Generator of the first `dims` coordinates of the Sobol sequence.
pub struct Sobol {
    dirs: Vec<[u32; BITS]>,
    x: Vec<u32>,
    index: u64,
}

impl Sobol {
    /// Panics if `dims` is 0 or more than [`MAX_DIMENSIONS`].
    pub fn new(dims: usize) -> Sobol {
        assert!(
            (1..=MAX_DIMENSIONS).contains(&dims),
            "Sobol dimensions must be 1..={MAX_DIMENSIONS}"
        );
        Sobol {
            dirs: (0..dims).map(directions).collect(),
            x: vec![0; dims],
            index: 0,
        }
    }
}

impl Iterator for Sobol {
    type Item = Vec<f64>;
    /// The next point, starting with point 1 (point 0 = all zeros is skipped).
    fn next(&mut self) -> Option<Vec<f64>> {
        if self.index >= (1u64 << BITS) - 1 {
            return None;
        }
        // Gray code: point n = point n−1 XOR v_c, c = position of the lowest zero bit of n−1.
        let c = self.index.trailing_ones() as usize;
        self.index += 1;
        for (x, v) in self.x.iter_mut().zip(&self.dirs) {
            *x ^= v[c];
        }
        Some(self.x.iter().map(|&x| x as f64 / 4_294_967_296.0).collect())
    }
}

/// The first `n` Sobol points (skipping point 0) in `dims` dimensions.
pub fn sobol_points(n: usize, dims: usize) -> Vec<Vec<f64>> {
    Sobol::new(dims).take(n).collect()
}
