//! L-Mul dot and matrix products (`lowprec::lmul`) on random formats, modes, k, l,
//! overflow policies, accumulators, shapes and codes: the fast path (taken by `dot` and
//! `matmul` for an fp32 ties-to-even accumulator and formats whose values are all `f32`)
//! must give the codes and flags of the exact path (`dot_reference`, `matmul_reference`)
//! for every input — NaN, ∞, zeros, subnormals and sums that overflow included — and every
//! call either runs or returns the error its contract names, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lowprec::float::dot::Accumulator;
use lowprec::lmul::{self, LMul, Mode};
use lowprec::{FloatFormat, Overflow, Round, Rounding, SplitMix64};
use lowprec_fuzz::{Bytes, format};

const OVERFLOWS: [Overflow; 3] = [Overflow::Ieee, Overflow::SatFinite, Overflow::SatPropagate];

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    let sel = b.byte();
    // Mostly the presets the fast path serves, sometimes any format.
    let f = match sel % 4 {
        0 => format(&mut b),
        _ => {
            let p = FloatFormat::PRESETS;
            Some(p[usize::from(b.byte()) % p.len()].1)
        }
    };
    let Some(f) = f else { return };
    let mode = if sel & 0x10 == 0 {
        Mode::Guarded
    } else {
        Mode::PaperExact
    };
    let mut lm = LMul::new(f, mode, OVERFLOWS[usize::from(b.byte()) % 3]);
    let k = b.byte();
    if k & 0x80 != 0 {
        lm = lm.with_k(u32::from(k & 0x3F));
    }
    let l = b.byte();
    if l & 0x80 != 0 {
        match lm.with_offset_exponent(u32::from(l & 0x3F)) {
            Ok(x) => lm = x,
            Err(_) => assert!(u32::from(l & 0x3F) > f.man_bits()),
        }
    }
    // The fast path's accumulator most of the time, else another one.
    let acc_sel = b.byte();
    let mut acc = lmul::DEFAULT_ACCUMULATOR;
    acc.round = Round::new(
        if acc_sel & 0x40 == 0 {
            Rounding::TiesToEven
        } else {
            Rounding::TowardZero
        },
        OVERFLOWS[usize::from(acc_sel) % 3],
    );
    acc.round_products = acc_sel & 0x20 != 0;
    if acc_sel & 0x80 != 0 {
        acc = Accumulator::new(FloatFormat::BF16);
    }
    let (m, kk, n) = (
        usize::from(b.byte() % 5),
        usize::from(b.byte() % 80),
        usize::from(b.byte() % 70),
    );
    let mask = f.code_mask();
    let mut code = || {
        // Codes near the specials and the edges of the range as often as random ones.
        let r = b.u64();
        match r % 4 {
            0 => (r >> 8) & mask,
            1 => (f.max_mag() ^ (r >> 8) % 4) & mask | (r >> 40 & 1) * f.sign_bit(),
            2 => ((r >> 8) % 8) | (r >> 40 & 1) * f.sign_bit(),
            _ => (r >> 8) & mask & !0xF,
        }
    };
    let a: Vec<u64> = (0..m * kk).map(|_| code()).collect();
    let bm: Vec<u64> = (0..kk * n).map(|_| code()).collect();
    let mut fast = vec![0u64; m * n];
    let mut exact = vec![0u64; m * n];
    let r1 = lmul::matmul(
        &lm,
        &a,
        &bm,
        &mut fast,
        m,
        kk,
        n,
        &acc,
        &mut SplitMix64::new(1),
    );
    let r2 = lmul::matmul_reference(
        &lm,
        &a,
        &bm,
        &mut exact,
        m,
        kk,
        n,
        &acc,
        &mut SplitMix64::new(1),
    );
    assert_eq!(r1, r2);
    assert_eq!(fast, exact, "{f} {lm:?} {acc:?} {m}×{kk}×{n}");
    if m > 0 {
        let (x, y) = (&a[..kk], &bm[..kk.min(bm.len())]);
        let d1 = lmul::dot(&lm, x, y, &acc, &mut SplitMix64::new(2));
        let d2 = lmul::dot_reference(&lm, x, y, &acc, &mut SplitMix64::new(2));
        assert_eq!(d1, d2, "dot {f} {lm:?} {acc:?}");
    }
    // A wrong shape is an error, not a panic.
    if !a.is_empty() {
        assert!(
            lmul::matmul(
                &lm,
                &a[1..],
                &bm,
                &mut fast,
                m,
                kk,
                n,
                &acc,
                &mut SplitMix64::new(1)
            )
            .is_err()
        );
    }
});
