//! Residual add: `out[i] = cast_out(a[i] + b[i])`, the exact sum cast once.
//!
//! The golden model of `lowprec::nn::residual_add` in
//! `hls/include/lowprec/nn/residual.h`; the two agree bit for bit
//! (`tests/nn_dense_hls.rs`).
//!
//! ## Contract (both sides)
//! With `a_t`, `b_t` and `out_t` the configuration's types, each element is the exact sum
//! of `a[i]` and `b[i]` (aligned to the finer of the two fraction counts, as C++'s
//! `a[i] + b[i]` computes it in its full-precision result type), then one cast to
//! `out_t` (its quantization, then its overflow mode), as `out[i] = a[i] + b[i];` does.
//! [`Residual::new`] refuses ([`NnError::TooWide`]) types whose aligned sum would need
//! more than 127 bits.
//!
//! ```
//! use lowprec::fixed::FixedFormat;
//! use lowprec::nn::residual;
//! let t = |s: &str| s.parse::<FixedFormat>().unwrap();
//! let (a, b) = ([3i64, -128], [1i64, -1]); // ap_fixed<8,4>: 0.1875, -8; ap_fixed<8,2>: 1/64, -1/64
//! let mut out = [0i64; 2];
//! let out_t = t("ap_fixed<8,4,AP_RND_CONV,AP_SAT>");
//! residual::add(t("ap_fixed<8,4>"), t("ap_fixed<8,2>"), out_t, &a, &b, &mut out)?;
//! assert_eq!(out, [3, -128]); // 0.203125 rounds to 0.1875; -8.015625 saturates
//! # Ok::<(), lowprec::nn::NnError>(())
//! ```

use crate::fixed::FixedFormat;

use super::dense::Cast64;
use super::{Element, NnError, Requant, check_element, check_format, check_len};

/// The types of a [`Residual`] add.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResidualParams {
    /// The first operand's type (`a_t`).
    pub a: FixedFormat,
    /// The second operand's type (`b_t`).
    pub b: FixedFormat,
    /// The output type (`out_t`).
    pub output: FixedFormat,
}

/// An element-wise residual add, planned once.
#[derive(Clone, Copy, Debug)]
pub struct Residual {
    p: ResidualParams,
    a_shift: u32,
    b_shift: u32,
    cast: Requant,
    fast: Option<Cast64>,
}

impl Residual {
    /// Plans the add: checks the types and that the aligned sum fits 127 bits.
    pub fn new(p: ResidualParams) -> Result<Residual, NnError> {
        check_format("a", &p.a)?;
        check_format("b", &p.b)?;
        check_format("output", &p.output)?;
        let (fa, fb) = (i64::from(p.a.frac_bits()), i64::from(p.b.frac_bits()));
        let f = fa.max(fb);
        let bits = (i64::from(p.a.width()) + f - fa).max(i64::from(p.b.width()) + f - fb) + 1;
        if bits > 127 {
            return Err(NnError::TooWide {
                what: "residual: the aligned sum",
            });
        }
        Ok(Residual {
            p,
            a_shift: (f - fa) as u32,
            b_shift: (f - fb) as u32,
            cast: Requant::new(f as i32, p.output),
            fast: Cast64::plan(f as i32, &p.output),
        })
    }

    /// The configuration.
    pub const fn params(&self) -> &ResidualParams {
        &self.p
    }

    /// `out[i] = cast_out(a[i] + b[i])` for every `i` (all three slices of one length).
    pub fn run<A: Element, B: Element, Y: Element>(
        &self,
        a: &[A],
        b: &[B],
        out: &mut [Y],
    ) -> Result<(), NnError> {
        check_element::<A>("a", &self.p.a)?;
        check_element::<B>("b", &self.p.b)?;
        check_element::<Y>("output", &self.p.output)?;
        check_len("b", a.len(), b.len())?;
        check_len("output", a.len(), out.len())?;
        for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
            let s =
                (i128::from(x.to_raw()) << self.a_shift) + (i128::from(y.to_raw()) << self.b_shift);
            // The i64 cast where it applies (see `Cast64`), else the planned one.
            let fast = match &self.fast {
                Some(c) if s.unsigned_abs() < 1 << 61 => c.apply(s as i64),
                _ => None,
            };
            *o = Y::from_raw(fast.unwrap_or_else(|| self.cast.apply(s)));
        }
        Ok(())
    }
}

/// `out[i] = out_fmt(a[i] + b[i])`: [`Residual::new`] and [`Residual::run`] in one call.
pub fn add<A: Element, B: Element, Y: Element>(
    a_fmt: FixedFormat,
    b_fmt: FixedFormat,
    out_fmt: FixedFormat,
    a: &[A],
    b: &[B],
    out: &mut [Y],
) -> Result<(), NnError> {
    Residual::new(ResidualParams {
        a: a_fmt,
        b: b_fmt,
        output: out_fmt,
    })?
    .run(a, b, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against the crate's exact arithmetic (`Wide` sum, then its cast).
    #[test]
    fn residual_is_the_exact_sum_cast_once() {
        use crate::fixed::Fixed;
        let types = [
            "ap_fixed<16,6>",
            "ap_fixed<8,2>",
            "ap_ufixed<10,3>",
            "ap_fixed<12,-2>",
            "ap_fixed<20,24>",
            "ap_fixed<63,20>",
        ];
        let outs = [
            "ap_fixed<16,6,AP_RND_CONV,AP_SAT>",
            "ap_fixed<8,3,AP_RND,AP_WRAP>",
            "ap_ufixed<9,4,AP_TRN,AP_SAT>",
            "ap_fixed<40,20,AP_RND_CONV,AP_SAT_SYM>",
        ];
        let mut seed = 1u64;
        for ta in types {
            for tb in types {
                for to in outs {
                    let (fa, fb, fo): (FixedFormat, FixedFormat, FixedFormat) = (
                        ta.parse().unwrap(),
                        tb.parse().unwrap(),
                        to.parse().unwrap(),
                    );
                    let r = Residual::new(ResidualParams {
                        a: fa,
                        b: fb,
                        output: fo,
                    })
                    .unwrap();
                    let mut a = [0i64; 64];
                    let mut b = [0i64; 64];
                    for i in 0..64 {
                        seed = seed
                            .wrapping_mul(6_364_136_223_846_793_005)
                            .wrapping_add(1_442_695_040_888_963_407);
                        a[i] = fa.raw_of(seed >> (i % 40)) as i64;
                        b[i] = fb.raw_of(seed.rotate_left(17) >> (i % 50)) as i64;
                    }
                    a[0] = fa.max_raw() as i64;
                    b[0] = fb.max_raw() as i64;
                    a[1] = fa.min_raw() as i64;
                    b[1] = fb.min_raw() as i64;
                    let mut out = [0i64; 64];
                    r.run(&a, &b, &mut out).unwrap();
                    for i in 0..64 {
                        let x = Fixed::from_raw(fa, i128::from(a[i])).wide();
                        let y = Fixed::from_raw(fb, i128::from(b[i])).wide();
                        let want = Fixed::from_wide(fo, &x.add(&y).unwrap()).raw();
                        assert_eq!(
                            i128::from(out[i]),
                            want,
                            "{ta} + {tb} -> {to}: {} + {}",
                            a[i],
                            b[i]
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn residual_errors() {
        let t = |s: &str| s.parse::<FixedFormat>().unwrap();
        let wide = ResidualParams {
            a: t("ap_fixed<64,100>"),
            b: t("ap_fixed<64,-40>"),
            output: t("ap_fixed<8,4>"),
        };
        assert!(matches!(Residual::new(wide), Err(NnError::TooWide { .. })));
        let p = ResidualParams {
            a: t("ap_fixed<8,4>"),
            b: t("ap_fixed<8,4>"),
            output: t("ap_fixed<8,4>"),
        };
        let r = Residual::new(p).unwrap();
        let mut out = [0i64; 2];
        assert!(matches!(
            r.run(&[0i64; 2], &[0i64; 3], &mut out),
            Err(NnError::Length { .. })
        ));
    }
}
