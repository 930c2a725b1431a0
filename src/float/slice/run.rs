//! The loops: every element of a slice through the kernel that the call's [`Plan`]
//! chose, or through the exact path when there is no plan, in index order.

use super::host::{Host, Word};
use super::lanes::{ByMode, rne_lane, scalar_lane, split_lane};
use super::plan::{Clamp, ClampedFinish, ClampedNanFinish, Finish, FullFinish, Kernel, Plan};
use crate::float::FloatFormat;
use crate::rounding::{Overflow, RandomBits, Round, Rounding, SrKind, Stochastic};

/// Where a kernel's results go: a separate destination, or back into the source.
pub(super) trait Io<H: Host> {
    /// Runs `f` on every element in order and stores what it returns: a code, or the
    /// host bits of a value, zero-extended.
    fn apply(self, f: impl FnMut(H) -> u64);
}

/// Out of place: `out` turns a lane's result into the destination type.
pub(super) struct Copying<'a, H, T, O> {
    pub src: &'a [H],
    pub dst: &'a mut [T],
    pub out: O,
}

impl<H: Host, T, O: Fn(u64) -> T> Io<H> for Copying<'_, H, T, O> {
    #[inline(always)]
    fn apply(self, mut f: impl FnMut(H) -> u64) {
        for (x, d) in self.src.iter().zip(self.dst.iter_mut()) {
            *d = (self.out)(f(*x));
        }
    }
}

/// In place: values only.
pub(super) struct InPlace<'a, H>(pub &'a mut [H]);

impl<H: Host> Io<H> for InPlace<'_, H> {
    #[inline(always)]
    fn apply(self, mut f: impl FnMut(H) -> u64) {
        for x in self.0.iter_mut() {
            *x = H::from_bits(H::Bits::from_u64(f(*x)));
        }
    }
}

/// Rounds every element through the best path for `fmt` and `mode`.
///
/// `#[inline]` keeps the loops compiled inside each public function, as when they
/// shared a module: compiled on its own, LLVM loses track of the shift counts being
/// the same in every vector lane (f64 → binary16 codes ran 20 % slower).
#[inline]
pub(super) fn run<H: Host, R: RandomBits + ?Sized, const VALUE: bool>(
    fmt: &FloatFormat,
    io: impl Io<H>,
    mode: Rounding,
    overflow: Overflow,
    rng: &mut R,
) {
    let Some(plan) = Plan::<H>::new(fmt, mode, overflow) else {
        io.apply(|x| {
            let code = fmt.round(x.exact(), Round::new(mode, overflow), rng).value;
            if VALUE {
                H::from_code(fmt, code).to_bits().to_u64()
            } else {
                code
            }
        });
        return;
    };
    let p = &plan;
    let (finish, clamp) = match if VALUE { p.clamp_value } else { p.clamp_code } {
        Some(c) => (c.finish, c),
        None => (
            Finish::Full,
            Clamp {
                limit: H::ZERO,
                finish: Finish::Full,
                nan_mag: H::Bits::ZERO,
                overflow_mask: H::Bits::ZERO,
                overflow_mag: H::Bits::ZERO,
            },
        ),
    };
    let c = &clamp;
    match (p.kernel, finish) {
        (Kernel::Rne, Finish::Clamped) => {
            io.apply(|x| rne_lane::<H, ClampedFinish, VALUE>(p, c, x).to_u64())
        }
        (Kernel::Rne, Finish::ClampedNan) => {
            io.apply(|x| rne_lane::<H, ClampedNanFinish, VALUE>(p, c, x).to_u64())
        }
        (Kernel::Rne, Finish::Full) => {
            io.apply(|x| rne_lane::<H, FullFinish, VALUE>(p, c, x).to_u64())
        }
        (
            Kernel::Split {
                sub: false,
                rne: true,
            },
            Finish::Clamped,
        ) => io.apply(|x| split_lane::<H, true, false, ClampedFinish, VALUE>(p, c, x).to_u64()),
        (
            Kernel::Split {
                sub: false,
                rne: true,
            },
            Finish::ClampedNan,
        ) => io.apply(|x| split_lane::<H, true, false, ClampedNanFinish, VALUE>(p, c, x).to_u64()),
        (
            Kernel::Split {
                sub: false,
                rne: true,
            },
            Finish::Full,
        ) => io.apply(|x| split_lane::<H, true, false, FullFinish, VALUE>(p, c, x).to_u64()),
        // Only the two kernels above have clamps.
        (
            Kernel::Split {
                sub: true,
                rne: true,
            },
            _,
        ) => io.apply(|x| split_lane::<H, true, true, FullFinish, VALUE>(p, c, x).to_u64()),
        (
            Kernel::Split {
                sub: false,
                rne: false,
            },
            _,
        ) => io.apply(|x| split_lane::<H, false, false, FullFinish, VALUE>(p, c, x).to_u64()),
        (
            Kernel::Split {
                sub: true,
                rne: false,
            },
            _,
        ) => io.apply(|x| split_lane::<H, false, true, FullFinish, VALUE>(p, c, x).to_u64()),
        (Kernel::Scalar, _) => match mode {
            // One loop per stochastic rule, each with its rule as a constant, so that the
            // decision's dispatch on the rule folds away.
            Rounding::Stochastic(Stochastic { kind, bits }) => {
                let sr = |kind| Rounding::Stochastic(Stochastic { kind, bits });
                match kind {
                    SrKind::Proportional => {
                        scalar_run::<H, R, VALUE>(p, io, rng, || sr(SrKind::Proportional))
                    }
                    SrKind::Equal => scalar_run::<H, R, VALUE>(p, io, rng, || sr(SrKind::Equal)),
                    SrKind::P3109A => scalar_run::<H, R, VALUE>(p, io, rng, || sr(SrKind::P3109A)),
                    SrKind::P3109B => scalar_run::<H, R, VALUE>(p, io, rng, || sr(SrKind::P3109B)),
                    SrKind::P3109C => scalar_run::<H, R, VALUE>(p, io, rng, || sr(SrKind::P3109C)),
                }
            }
            _ => scalar_run::<H, R, VALUE>(p, io, rng, || mode),
        },
    }
}

/// The [`scalar_lane`] loop, with the mode that `mode` returns: each caller passes its
/// own closure, so each gets a loop compiled for its mode.
fn scalar_run<H: Host, R: RandomBits + ?Sized, const VALUE: bool>(
    p: &Plan<H>,
    io: impl Io<H>,
    rng: &mut R,
    mode: impl FnOnce() -> Rounding,
) {
    let mut decide = ByMode::new(mode(), rng);
    io.apply(
        #[inline(always)]
        |x| scalar_lane::<H, VALUE>(p, x, &mut decide).to_u64(),
    );
}
