//! Random streams keyed by (seed, replication, entity kind, entity id, purpose, step).
//!
//! One ChaCha8 key per (master seed, replication); the ChaCha stream (nonce) encodes the entity
//! kind, the purpose and an optional sub-key (a shock id hash); the word position encodes the
//! step and the entity id. Each (step, entity) owns a fixed slot (one or two `u64` draws, or 32
//! for sampling sequences), so a draw never depends on how many draws other entities made: removing an entity or a shock
//! leaves everybody else's numbers where they were. Reading entities in increasing id order is
//! sequential in the stream and therefore cheap.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Who draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum EntityKind {
    Country = 1,
    Donor = 2,
    Firm = 3,
    Partnership = 4,
    Pair = 5,
    Institution = 6,
    Cohort = 7,
}

/// What the draw is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Purpose {
    FirmInit = 1,
    EntryScan = 2,
    EntryTaste = 3,
    EntryMode = 4,
    PartnerSample = 5,
    SupplierSample = 6,
    EntryCapital = 7,
    Outcome = 8,
    Termination = 9,
    SupplierSubstitution = 10,
    AffiliateExit = 11,
    DonorBudget = 12,
    TalentRounding = 13,
    ShockExposure = 14,
    Membership = 15,
    OdaProjects = 16,
    AffiliateMargin = 17,
    AidAllocation = 18,
    AidImplementation = 19,
}

/// Slot of a stream with one `u64` per (step, entity).
const NARROW_WORDS_PER_SLOT: u128 = 2;
/// Slot of a stream with two `u64` per (step, entity) (normals, pairs of uniforms).
const WIDE_WORDS_PER_SLOT: u128 = 4;
const SEQUENCE_WORDS_PER_SLOT: u128 = 64;
const MAX_SEQUENTIAL_SKIP_WORDS: u128 = 64;

/// SplitMix64 finaliser, used only to expand seeds into keys.
fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The ChaCha8 key of one replication of one master seed.
pub fn replication_key(master_seed: u64, replication: u32) -> [u8; 32] {
    let mut key = [0u8; 32];
    let mut state = mix64(master_seed) ^ mix64(0xA5A5_0000_0000_0000 | replication as u64);
    for chunk in key.chunks_mut(8) {
        state = mix64(state);
        chunk.copy_from_slice(&state.to_le_bytes());
    }
    key
}

/// A cursor over one (kind, purpose, sub-key) stream. Keep one per purpose in the step scratch.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct Draws {
    rng: ChaCha8Rng,
    /// Word position the generator will read next.
    next_word: u128,
    words_per_slot: u128,
}

impl Draws {
    pub fn new(key: [u8; 32], kind: EntityKind, purpose: Purpose, sub_key: u32) -> Draws {
        let mut rng = ChaCha8Rng::from_seed(key);
        rng.set_stream(((kind as u64) << 48) | ((purpose as u64) << 32) | sub_key as u64);
        rng.set_word_pos(0);
        Draws {
            rng,
            next_word: 0,
            words_per_slot: NARROW_WORDS_PER_SLOT,
        }
    }

    /// A stream whose slots hold two draws (for [`Draws::uniform_pair`] and [`Draws::normal`]).
    pub fn new_wide(key: [u8; 32], kind: EntityKind, purpose: Purpose, sub_key: u32) -> Draws {
        let mut d = Draws::new(key, kind, purpose, sub_key);
        d.words_per_slot = WIDE_WORDS_PER_SLOT;
        d
    }

    /// A stream whose slots hold 32 draws (see [`Draws::uniform_seq`]).
    pub fn new_sequence(key: [u8; 32], kind: EntityKind, purpose: Purpose, sub_key: u32) -> Draws {
        let mut d = Draws::new(key, kind, purpose, sub_key);
        d.words_per_slot = SEQUENCE_WORDS_PER_SLOT;
        d
    }

    fn seek(&mut self, step: u32, id: u32, within_slot: u128) {
        let target = (((step as u128) << 32) | id as u128) * self.words_per_slot + within_slot;
        if target >= self.next_word && target - self.next_word <= MAX_SEQUENTIAL_SKIP_WORDS {
            while self.next_word < target {
                self.rng.next_u32();
                self.next_word += 1;
            }
        } else if target != self.next_word {
            self.rng.set_word_pos(target);
            self.next_word = target;
        }
    }

    fn u64_at(&mut self, step: u32, id: u32, within_slot: u128) -> u64 {
        self.seek(step, id, within_slot);
        self.next_word += 2;
        self.rng.next_u64()
    }

    /// Uniform in [0, 1) for entity `id` at `step` (the slot's first draw).
    pub fn uniform(&mut self, step: u32, id: u32) -> f64 {
        to_unit(self.u64_at(step, id, 0))
    }

    /// Two independent uniforms in [0, 1) from the same slot (wide streams only).
    pub fn uniform_pair(&mut self, step: u32, id: u32) -> (f64, f64) {
        debug_assert!(self.words_per_slot >= WIDE_WORDS_PER_SLOT);
        let a = to_unit(self.u64_at(step, id, 0));
        let b = to_unit(self.u64_at(step, id, 2));
        (a, b)
    }

    /// Standard normal (Box–Muller on the slot's two uniforms).
    pub fn normal(&mut self, step: u32, id: u32) -> f64 {
        let (a, b) = self.uniform_pair(step, id);
        let radius = (-2.0 * (1.0 - a).ln()).sqrt();
        radius * (std::f64::consts::TAU * b).cos()
    }

    /// The `index`-th uniform (0..32) of a longer per-slot sequence, for candidate sampling.
    /// Use a `Draws` made with [`Draws::new_sequence`] for this.
    pub fn uniform_seq(&mut self, step: u32, id: u32, index: u32) -> f64 {
        debug_assert!(self.words_per_slot == SEQUENCE_WORDS_PER_SLOT);
        to_unit(self.u64_at(step, id, 2 * (index as u128 % 32)))
    }
}

fn to_unit(x: u64) -> f64 {
    (x >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Rounds `x ≥ 0` to an integer, up with probability equal to the fraction: keeps expectations
/// and conserves whole people.
pub fn stochastic_round(x: f64, u: f64) -> u64 {
    let floor = x.floor();
    floor as u64 + u64::from(u < x - floor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_addressed_not_sequential() {
        let key = replication_key(7, 0);
        let mut a = Draws::new_wide(key, EntityKind::Firm, Purpose::Outcome, 0);
        let mut b = Draws::new_wide(key, EntityKind::Firm, Purpose::Outcome, 0);
        // a reads entities 0..10 in order, b reads only entity 7: same number for entity 7.
        let mut seen = 0.0;
        for id in 0..10 {
            let u = a.uniform(3, id);
            if id == 7 {
                seen = u;
            }
        }
        assert_eq!(seen, b.uniform(3, 7));
        // Jumping back and forth gives the same numbers.
        assert_eq!(a.uniform(1, 2), b.uniform(1, 2));
    }

    #[test]
    fn streams_differ_by_purpose_replication_and_step() {
        let k0 = replication_key(7, 0);
        let k1 = replication_key(7, 1);
        let u = |k, p, s| Draws::new(k, EntityKind::Firm, p, 0).uniform(s, 5);
        assert_ne!(u(k0, Purpose::Outcome, 1), u(k0, Purpose::Termination, 1));
        assert_ne!(u(k0, Purpose::Outcome, 1), u(k1, Purpose::Outcome, 1));
        assert_ne!(u(k0, Purpose::Outcome, 1), u(k0, Purpose::Outcome, 2));
    }

    #[test]
    fn uniforms_have_the_right_mean_and_normals_the_right_spread() {
        let mut d = Draws::new_wide(
            replication_key(1, 0),
            EntityKind::Pair,
            Purpose::DonorBudget,
            0,
        );
        let n = 20_000;
        let mean: f64 = (0..n).map(|i| d.uniform(0, i)).sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.01, "mean {mean}");
        let var: f64 = (0..n).map(|i| d.normal(1, i).powi(2)).sum::<f64>() / n as f64;
        assert!((var - 1.0).abs() < 0.05, "var {var}");
    }

    #[test]
    fn stochastic_rounding_keeps_the_expectation() {
        assert_eq!(stochastic_round(2.25, 0.3), 2);
        assert_eq!(stochastic_round(2.25, 0.2), 3);
        assert_eq!(stochastic_round(3.0, 0.0), 3);
    }
}
