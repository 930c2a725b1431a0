//! Enclosures [lo, hi] of real numbers by two [`Mp`] numbers: interval arithmetic at
//! 64·N bits, in which every function kernel runs. A kernel's result encloses the true
//! value by construction (each operation rounds its lower end down and its upper end up,
//! and each truncated series adds a bound on its tail), so the error bound that Ziv's
//! test needs is the enclosure itself.

use core::cmp::Ordering;

use super::mp::Mp;
use crate::interval::Dir::{Down, Up};

/// An enclosure lo ≤ x ≤ hi.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Iv<const N: usize> {
    /// The lower end.
    pub lo: Mp<N>,
    /// The upper end.
    pub hi: Mp<N>,
}

impl<const N: usize> Iv<N> {
    /// The point x.
    pub fn point(x: Mp<N>) -> Iv<N> {
        Iv { lo: x, hi: x }
    }

    /// The integer k.
    pub fn int(k: i64) -> Iv<N> {
        Iv::point(Mp::from_i64(k))
    }

    /// [lo, hi] of two ends (ordered by the caller).
    pub fn new(lo: Mp<N>, hi: Mp<N>) -> Iv<N> {
        Iv { lo, hi }
    }

    /// Whether every member is > 0.
    pub fn is_pos(&self) -> bool {
        self.lo.sign() == Ordering::Greater
    }

    /// Whether every member is < 0.
    pub fn is_neg(&self) -> bool {
        self.hi.sign() == Ordering::Less
    }

    /// −x.
    pub fn neg(self) -> Iv<N> {
        Iv {
            lo: self.hi.neg(),
            hi: self.lo.neg(),
        }
    }

    /// |x|.
    pub fn abs(self) -> Iv<N> {
        if self.lo.sign() != Ordering::Less {
            self
        } else if self.hi.sign() != Ordering::Greater {
            self.neg()
        } else {
            let hi = if self.lo.cmp_abs(&self.hi) == Ordering::Greater {
                self.lo.abs()
            } else {
                self.hi
            };
            Iv { lo: Mp::ZERO, hi }
        }
    }

    /// x · 2^k.
    pub fn scale(self, k: i64) -> Iv<N> {
        Iv {
            lo: self.lo.scale(k),
            hi: self.hi.scale(k),
        }
    }

    /// x + y.
    pub fn add(&self, y: &Iv<N>) -> Iv<N> {
        Iv {
            lo: Mp::add(&self.lo, &y.lo, Down),
            hi: Mp::add(&self.hi, &y.hi, Up),
        }
    }

    /// x − y.
    pub fn sub(&self, y: &Iv<N>) -> Iv<N> {
        Iv {
            lo: Mp::sub(&self.lo, &y.hi, Down),
            hi: Mp::sub(&self.hi, &y.lo, Up),
        }
    }

    /// x · y.
    pub fn mul(&self, y: &Iv<N>) -> Iv<N> {
        let nonneg = |v: &Iv<N>| v.lo.sign() != Ordering::Less;
        if nonneg(self) && nonneg(y) {
            return Iv {
                lo: Mp::mul(&self.lo, &y.lo, Down),
                hi: Mp::mul(&self.hi, &y.hi, Up),
            };
        }
        let ends = [
            (&self.lo, &y.lo),
            (&self.lo, &y.hi),
            (&self.hi, &y.lo),
            (&self.hi, &y.hi),
        ];
        let mut lo = Mp::mul(ends[0].0, ends[0].1, Down);
        let mut hi = Mp::mul(ends[0].0, ends[0].1, Up);
        for (a, b) in &ends[1..] {
            let l = Mp::mul(a, b, Down);
            let h = Mp::mul(a, b, Up);
            if l.cmp(&lo) == Ordering::Less {
                lo = l;
            }
            if h.cmp(&hi) == Ordering::Greater {
                hi = h;
            }
        }
        Iv { lo, hi }
    }

    /// x².
    pub fn sqr(&self) -> Iv<N> {
        let a = self.abs();
        Iv {
            lo: Mp::mul(&a.lo, &a.lo, Down),
            hi: Mp::mul(&a.hi, &a.hi, Up),
        }
    }

    /// x / y, for y not containing 0 (else the enclosure is meaningless; callers check).
    pub fn div(&self, y: &Iv<N>) -> Iv<N> {
        let ends = [
            (&self.lo, &y.lo),
            (&self.lo, &y.hi),
            (&self.hi, &y.lo),
            (&self.hi, &y.hi),
        ];
        let mut lo = Mp::div(ends[0].0, ends[0].1, Down);
        let mut hi = Mp::div(ends[0].0, ends[0].1, Up);
        for (a, b) in &ends[1..] {
            let l = Mp::div(a, b, Down);
            let h = Mp::div(a, b, Up);
            if l.cmp(&lo) == Ordering::Less {
                lo = l;
            }
            if h.cmp(&hi) == Ordering::Greater {
                hi = h;
            }
        }
        Iv { lo, hi }
    }

    /// x · k.
    pub fn mul_int(&self, k: i64) -> Iv<N> {
        let m = k.unsigned_abs();
        let r = Iv {
            lo: Mp::mul_u64(&self.lo, m, Down),
            hi: Mp::mul_u64(&self.hi, m, Up),
        };
        if k < 0 { r.neg() } else { r }
    }

    /// x / k (k ≠ 0).
    pub fn div_int(&self, k: i64) -> Iv<N> {
        let m = k.unsigned_abs();
        let r = Iv {
            lo: Mp::div_u64(&self.lo, m, Down),
            hi: Mp::div_u64(&self.hi, m, Up),
        };
        if k < 0 { r.neg() } else { r }
    }

    /// √x (negative parts clamped to 0).
    pub fn sqrt(&self) -> Iv<N> {
        Iv {
            lo: Mp::sqrt(&self.lo, Down),
            hi: Mp::sqrt(&self.hi, Up),
        }
    }

    /// [lo − r, hi + r] for r ≥ 0: room for a truncated tail.
    pub fn widen(&self, r: &Mp<N>) -> Iv<N> {
        Iv {
            lo: Mp::sub(&self.lo, r, Down),
            hi: Mp::add(&self.hi, r, Up),
        }
    }

    /// The larger magnitude of the ends: a bound on |x|.
    pub fn mag(&self) -> Mp<N> {
        if self.lo.cmp_abs(&self.hi) == Ordering::Greater {
            self.lo.abs()
        } else {
            self.hi.abs()
        }
    }

    /// The same enclosure at another precision (widened outward when shorter).
    pub fn convert<const M: usize>(&self) -> Iv<M> {
        Iv {
            lo: self.lo.convert(Down),
            hi: self.hi.convert(Up),
        }
    }
}
