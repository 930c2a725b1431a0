//! `ac_fixed` arithmetic against the real `ac_types` headers (Catapult) compiled by g++.
//!
//! Random instances: operand types A and B and an assignment type Out, each an
//! `ac_fixed<W, I, S, Q, O>` with W in 1..=64, signed or unsigned, I negative, within
//! 0..=W or above W, and every quantization mode (`AC_RND_CONV_ODD` included) and
//! overflow mode (Out cycles through all 32 pairs of modes, A's are random), plus four
//! typed instances (`Fx<AcFixed<..>>`, `Fx<AcUfixed<..>>`, formats fixed at compile
//! time). For every instance, random operand pairs are evaluated in C++ and in lowprec,
//! and compared bit for bit:
//!
//! - the result types of a × b, a + b, a − b, a ÷ b, −a and a × b + a (the headers'
//!   `rt<..>::mult/plus/minus/div`, `rt_unary::neg`: W, I and S); where C++'s type is
//!   wider than 128 bits lowprec must return `ArithError::TooWide` with that width;
//! - the exact values of a × b, a + b, a − b, a ÷ b (b ≠ 0: the header traps on a zero
//!   divisor) and −a, all their bits, and each of them assigned to Out (quantization,
//!   then overflow). `Out = a ± b` is compared even when a ± b is wider than 128 bits
//!   (lowprec's `FixedFormat::from_sum` has no width limit), and so is `Out = a × b + a`;
//! - a << n and a >> n (same type, n < W + 3);
//! - a += b, a −= b, a *= b, a /= b (cast on assignment into A; /= only where the
//!   quotient's type fits 128 bits);
//! - a < b, a == b, a > b.
//!
//! Default run: 64 random instances + 4 typed × 1,500 pairs = 102,000 pairs, about
//! 2.5 million results and 408 result types compared (`LOWPREC_LONG=1`: 388 instances,
//! 582,000 pairs, 14 million results; `LOWPREC_SEED` draws other instances).
//!
//! What the headers do, reproduced by lowprec and checked here:
//!
//! - The result types are ap_fixed's formulas (`ac_fixed<W,I,S>::rt` spells the same
//!   ones); what differs is values: `ac_fixed`'s division divides magnitudes with a spare
//!   sign bit (`iv_div`), so min ÷ −1 LSB is exact where ap_fixed wraps it to min, and
//!   its comparisons are exact for mixed signedness at any width where ap_fixed compares
//!   as C does from 32 bits up. C++ puts no limit on result widths; lowprec stops at 128
//!   bits with `ArithError::TooWide`.
//! - Assignment skips its overflow check when the source type cannot overflow the target
//!   (`ac_fixed(const ac_fixed<..>&)`); for arithmetic results (always `AC_WRAP`) that
//!   never changes a value, so one cast serves arithmetic and casts.
//! - Assignment from multi-word results (65 to 200+ bits) rounds and overflows exactly,
//!   `AC_RND_CONV_ODD` and `AC_SAT_SYM` included; shifts keep the type and wrap.
//!
//! Not compared: a ÷ 0 (the header traps), a ÷ b whose type is wider than 128 bits, and
//! casts the header leaves undefined (see `ac_cast_undefined`: with overflow checking, a
//! target LSB more than 32·(N + 1) bits below the source's makes the header read before
//! its source array; it can saturate a zero).

mod hls;

use hls::{Rng, Script, Unit, build, cpp_type, operand, tokens, wide_bits};
use lowprec::fixed::{
    AcFixed, AcUfixed, ArithError, FixedFormat, FixedParams, FixedType, Fx, OverflowMode,
    Quantization, Wide, WideFormat, modes::*,
};

const AC_O: [OverflowMode; 4] = [
    OverflowMode::Sat,
    OverflowMode::SatZero,
    OverflowMode::SatSym,
    OverflowMode::Wrap,
];

/// A result the header leaves undefined, or that lowprec cannot compute (a quotient
/// wider than 128 bits): not compared.
const DONT_CARE: u64 = u64::MAX - 0x5eed;

fn random_ac(rng: &mut Rng, q: Quantization, o: OverflowMode) -> FixedFormat {
    let w = match rng.below(4) {
        0 => rng.range(1, 8),
        1 => rng.range(9, 32),
        2 => rng.range(33, 63),
        _ => 64,
    };
    let i = match rng.below(4) {
        0 => rng.range(-w - 8, -1),
        1 => rng.range(0, w),
        2 => rng.range(w + 1, 2 * w + 8),
        _ => rng.range(-4, w + 4),
    };
    FixedFormat::new(FixedParams {
        signed: rng.below(3) != 0,
        quantization: q,
        overflow: o,
        ..FixedParams::ac_fixed(w as u32, i as i32)
    })
    .expect("valid")
}

fn random_modes(rng: &mut Rng) -> (Quantization, OverflowMode) {
    (
        Quantization::ALL[rng.below(8) as usize],
        AC_O[rng.below(4) as usize],
    )
}

/// Out = t, then t's bits; or the cast alone when t has no 128-bit value.
fn push_result(v: &mut Vec<u64>, t: Result<Wide, ArithError>, cast: u64) {
    v.push(cast);
    match t {
        Ok(t) => v.extend(wide_bits(&t)),
        Err(_) => v.extend([DONT_CARE, DONT_CARE]),
    }
}

/// The tokens lowprec expects for one pair (runtime API), in the order of [`BODY`].
fn expect(a_f: &FixedFormat, b_f: &FixedFormat, out: &FixedFormat, x: u64, y: u64) -> Vec<u64> {
    let a = Wide::from_bits(a_f, x);
    let b = Wide::from_bits(b_f, y);
    let mut v = Vec::with_capacity(24);
    let p = a.mul(&b).expect("products fit 128 bits");
    push_result(&mut v, Ok(p), p.cast(out));
    push_result(&mut v, a.add(&b), out.from_sum(&a, &b, false));
    push_result(&mut v, a.sub(&b), out.from_sum(&a, &b, true));
    if y == 0 {
        v.extend([0, 0, 0]);
    } else {
        match a.div(&b) {
            Ok(q) => push_result(&mut v, Ok(q), q.cast(out)),
            Err(_) => v.extend([DONT_CARE; 3]),
        }
    }
    let n = a.neg().expect("W + 1 bits");
    push_result(&mut v, Ok(n), n.cast(out));
    let sh = (y % u64::from(a_f.width() + 3)) as u32;
    v.push(a_f.shl(x, sh));
    v.push(a_f.shr(x, sh));
    v.push(a_f.add_assign(x, &b));
    v.push(a_f.sub_assign(x, &b));
    v.push(a_f.mul_assign(x, &b));
    v.push(if y == 0 {
        x
    } else {
        a.div(&b).map_or(DONT_CARE, |q| q.cast(a_f))
    });
    let (lt, eq, gt) = a.header_compare(&b);
    v.extend([u64::from(lt), u64::from(eq), u64::from(gt)]);
    v.push(out.from_sum(&p, &a, false));
    v
}

/// The C++ body for one pair: prints the tokens of [`expect`].
const BODY: &str = "\
{ auto t = a * b; O r = t; c.put(lp::bits(r)); c.out += ','; c.put(lp::bits(t)); c.out += ','; c.put(lp::high_bits(t)); } c.out += ',';
{ auto t = a + b; O r = t; c.put(lp::bits(r)); c.out += ','; c.put(lp::bits(t)); c.out += ','; c.put(lp::high_bits(t)); } c.out += ',';
{ auto t = a - b; O r = t; c.put(lp::bits(r)); c.out += ','; c.put(lp::bits(t)); c.out += ','; c.put(lp::high_bits(t)); } c.out += ',';
if (lp::bits(b) != 0) { auto t = a / b; O r = t; c.put(lp::bits(r)); c.out += ','; c.put(lp::bits(t)); c.out += ','; c.put(lp::high_bits(t)); } else { c.out += \"0,0,0\"; } c.out += ',';
{ auto t = -a; O r = t; c.put(lp::bits(r)); c.out += ','; c.put(lp::bits(t)); c.out += ','; c.put(lp::high_bits(t)); } c.out += ',';
{ ac_int<32, false> n = (unsigned)(lp::bits(b) % (A::width + 3)); A l = a << n; A r = a >> n; c.put(lp::bits(l)); c.out += ','; c.put(lp::bits(r)); } c.out += ',';
{ A r = a; r += b; c.put(lp::bits(r)); c.out += ','; A u = a; u -= b; c.put(lp::bits(u)); c.out += ','; A m = a; m *= b; c.put(lp::bits(m)); c.out += ','; A d = a; if (lp::bits(b) != 0) d /= b; c.put(lp::bits(d)); } c.out += ',';
c.put(a < b); c.out += ','; c.put(a == b); c.out += ','; c.put(a > b); c.out += ',';
{ O r = a * b + a; c.put(lp::bits(r)); }";

/// The C++ description: the result types of *, +, -, /, unary - and a * b + a.
const DESCRIBE: &str = "std::string s = lp::type_of<decltype(A() * B())>(); \
s += ';'; s += lp::type_of<decltype(A() + B())>(); \
s += ';'; s += lp::type_of<decltype(A() - B())>(); \
s += ';'; s += lp::type_of<decltype(A() / B())>(); \
s += ';'; s += lp::type_of<decltype(-A())>(); \
s += ';'; s += lp::type_of<decltype(A() * B() + A())>(); return s;";

/// lowprec's result types, in the order of [`DESCRIBE`].
fn result_types(a: &FixedFormat, b: &FixedFormat) -> Vec<Result<WideFormat, ArithError>> {
    let (wa, wb) = (a.wide(), b.wide());
    vec![
        wa.mul(wb),
        wa.add(wb),
        wa.sub(wb),
        wa.div(wb),
        wa.neg(),
        wa.mul(wb).and_then(|p| p.add(wa)),
    ]
}

/// A C++ result type ⟨W, I, S⟩.
type CppType = (i64, i64, bool);

/// Compares C++'s "W I S;…" with lowprec's types; returns C++'s types and the number of
/// mismatches.
fn check_types(
    cpp: &str,
    want: &[Result<WideFormat, ArithError>],
    what: &str,
) -> (Vec<CppType>, u64) {
    let got: Vec<&str> = cpp.split(';').collect();
    assert_eq!(got.len(), want.len(), "{what}: {cpp}");
    let mut bad = 0;
    let mut types = Vec::new();
    for (g, w) in got.iter().zip(want) {
        let fields: Vec<i64> = g.split(' ').map(|t| t.parse().expect("int")).collect();
        types.push((fields[0], fields[1], fields[2] != 0));
        let ok = match w {
            Ok(f) => {
                fields
                    == [
                        i64::from(f.width()),
                        i64::from(f.int_bits()),
                        i64::from(f.is_signed()),
                    ]
                    && f.family() == lowprec::fixed::Family::AcFixed
            }
            Err(ArithError::TooWide { width }) => fields[0] == *width && *width > 128,
            Err(_) => false,
        };
        if !ok {
            bad += 1;
            eprintln!("{what}: C++ type {g:?}, lowprec {w:?}");
        }
    }
    (types, bad)
}

/// Whether `ac_fixed`'s assignment from an arithmetic result of type `src` (modes
/// `AC_TRN`, `AC_WRAP`) into `to` is undefined in the header.
///
/// `ac_fixed(const ac_fixed<W2,I2,S2,Q2,O2>&)` checks the source bits that do not reach
/// the target's N = ⌈(W + !S)/32⌉ words, from bit B = F2 − F + 32·N up
/// (`iv_equal_zeros_from<B>`, `iv_equal_ones_from<B>`). When the target's LSB lies so far
/// below the source's that B < −32, those read the word before the source's array
/// (`op[B/32]` with B/32 = −1 …, a stack-buffer-underflow under AddressSanitizer) and
/// the overflow decision is garbage: a zero source can saturate. This happens only when
/// the overflow check runs (not `AC_WRAP`). For −32 ≤ B < 0 the reads stay in bounds
/// and happen to test the whole source, which is right.
fn ac_cast_undefined(to: &FixedFormat, src: CppType) -> bool {
    let (w2, i2, s2) = src;
    let (w, i, s) = (
        i64::from(to.width()),
        i64::from(to.int_bits()),
        to.is_signed(),
    );
    let (f, f2) = (w - i, w2 - i2);
    let n = (w + 31 + i64::from(!s)) / 32;
    let q = to.quantization();
    let quan_inc = f2 > f && !(q == Quantization::Trn || (q == Quantization::TrnZero && !s2));
    let sym = s2 && to.overflow() == OverflowMode::SatSym;
    let checks = (!s && s2) || i - i64::from(s) < i2 - i64::from(s2) + i64::from(quan_inc || sym);
    to.overflow() != OverflowMode::Wrap && checks && f2 - f + 32 * n < -32
}

/// The tokens of [`expect`] that are casts: (token, target is Out (else A), index of the
/// source's type in [`DESCRIBE`]).
const CASTS: [(usize, bool, usize); 10] = [
    (0, true, 0),
    (3, true, 1),
    (6, true, 2),
    (9, true, 3),
    (12, true, 4),
    (17, false, 1),
    (18, false, 2),
    (19, false, 0),
    (20, false, 3),
    (24, true, 5),
];

/// The tokens of [`expect`] computed with the typed API (`Fx` operators).
fn typed<A: FixedType, B: FixedType, O: FixedType>(x: u64, y: u64) -> Vec<u64> {
    let (a, b) = (Fx::<A>::from_bits(x), Fx::<B>::from_bits(y));
    let out = Fx::<O>::FORMAT;
    let mut v = Vec::with_capacity(24);
    let p = a * b;
    v.push(Fx::<O>::from_wide(p).to_bits());
    v.extend(wide_bits(&p));
    for t in [a + b, a - b] {
        v.push(Fx::<O>::from_wide(t).to_bits());
        v.extend(wide_bits(&t));
    }
    if y == 0 {
        v.extend([0, 0, 0]);
    } else {
        let q = a / b;
        v.push(Fx::<O>::from_wide(q).to_bits());
        v.extend(wide_bits(&q));
    }
    let n = -a;
    v.push(Fx::<O>::from_wide(n).to_bits());
    v.extend(wide_bits(&n));
    let sh = (y % u64::from(Fx::<A>::FORMAT.width() + 3)) as u32;
    v.push((a << sh).to_bits());
    v.push((a >> sh).to_bits());
    let mut r = a;
    r += b;
    let mut u = a;
    u -= b;
    let mut m = a;
    m *= b;
    let mut d = a;
    if y != 0 {
        d /= b;
    }
    v.extend([r.to_bits(), u.to_bits(), m.to_bits(), d.to_bits()]);
    v.extend([u64::from(a < b), u64::from(a == b), u64::from(a > b)]);
    v.push(out.from_sum(&p, &a.wide(), false));
    v
}

type TypedFn = fn(u64, u64) -> Vec<u64>;

/// One instance: its types, the typed evaluation if any, and its operand pairs.
struct Instance {
    a: FixedFormat,
    b: FixedFormat,
    out: FixedFormat,
    typed: Option<TypedFn>,
    pairs: Vec<(u64, u64)>,
}

fn typed_instance<A: FixedType, B: FixedType, O: FixedType>()
-> (FixedFormat, FixedFormat, FixedFormat, TypedFn) {
    (
        Fx::<A>::FORMAT,
        Fx::<B>::FORMAT,
        Fx::<O>::FORMAT,
        typed::<A, B, O>,
    )
}

/// Random instances and the pairs of each (`LOWPREC_LONG=1`: six times the instances;
/// `LOWPREC_SEED`: another draw).
const INSTANCES: usize = 64;
const PAIRS: usize = 1500;

#[test]
fn ac_arithmetic_against_headers() {
    let long = std::env::var("LOWPREC_LONG").is_ok_and(|v| v == "1");
    let seed = std::env::var("LOWPREC_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(21);
    let mut rng = Rng(seed);
    let typed_list = [
        // min ÷ −1 LSB: exact in ac_fixed (ap_fixed wraps).
        typed_instance::<
            AcFixed<8, 8, AC_RND_CONV_ODD, AC_SAT_SYM>,
            AcFixed<8, 8>,
            AcFixed<12, 6, AC_RND, AC_SAT>,
        >(),
        // 128-bit product and quotient, 97-bit sum.
        typed_instance::<
            AcUfixed<64, 32, AC_RND_INF, AC_SAT>,
            AcFixed<64, 1, AC_TRN_ZERO, AC_SAT_ZERO>,
            AcFixed<64, 40, AC_RND_CONV, AC_WRAP>,
        >(),
        typed_instance::<
            AcFixed<33, -5, AC_RND_MIN_INF, AC_WRAP>,
            AcUfixed<17, 20, AC_RND_ZERO, AC_SAT_SYM>,
            AcUfixed<24, 3, AC_TRN_ZERO, AC_SAT_SYM>,
        >(),
        typed_instance::<
            AcUfixed<1, 0>,
            AcFixed<1, 1, AC_RND_CONV, AC_SAT>,
            AcFixed<3, 1, AC_RND_CONV_ODD, AC_SAT>,
        >(),
    ];
    let mut instances = Vec::new();
    for n in 0..if long { 6 * INSTANCES } else { INSTANCES } {
        let (qa, oa) = random_modes(&mut rng);
        let (qb, ob) = random_modes(&mut rng);
        let a = random_ac(&mut rng, qa, oa);
        let b = random_ac(&mut rng, qb, ob);
        // Out cycles through the 8 × 4 pairs of modes.
        let out = random_ac(&mut rng, Quantization::ALL[n % 8], AC_O[(n / 8) % 4]);
        instances.push(Instance {
            a,
            b,
            out,
            typed: None,
            pairs: Vec::new(),
        });
    }
    for (a, b, out, f) in typed_list {
        instances.push(Instance {
            a,
            b,
            out,
            typed: Some(f),
            pairs: Vec::new(),
        });
    }
    for inst in &mut instances {
        inst.pairs = (0..PAIRS)
            .map(|_| (operand(&inst.a, &mut rng), operand(&inst.b, &mut rng)))
            .collect();
    }

    // Translation units of about 17 instances, compiled two at a time.
    let mut units: Vec<Unit> = (0..instances.len().div_ceil(17))
        .map(|_| Unit::new(true))
        .collect();
    let mut plan: Vec<Vec<(usize, &Instance)>> = vec![Vec::new(); units.len()];
    for (n, inst) in instances.iter().enumerate() {
        let u = n % units.len();
        let id = units[u].entries.len();
        units[u].prelude.push_str(&format!(
            "namespace i{id} {{ typedef {} A; typedef {} B; typedef {} O;\n\
             static void run(lp::Ctx& c) {{ lp::each_pair<A, B>(c, [](lp::Ctx& c, const A& a, const B& b) {{\n{BODY}\n}}); }}\n\
             static std::string describe() {{ {DESCRIBE} }} }}\n",
            cpp_type(&inst.a),
            cpp_type(&inst.b),
            cpp_type(&inst.out),
        ));
        let k = units[u].entry(format!("{{&i{id}::run, &i{id}::describe}}"));
        plan[u].push((k, inst));
    }
    let bins = build(&units);

    let (mut pairs_n, mut results, mut types, mut bad) = (0u64, 0u64, 0u64, 0u64);
    let (mut too_wide, mut skipped) = (0u64, 0u64);
    for (bin, insts) in bins.iter().zip(&plan) {
        let mut script = Script::default();
        let mut lines = Vec::new();
        for &(k, inst) in insts {
            script.pairs(&inst.pairs);
            lines.push((script.run(k), script.describe(k), inst));
        }
        let out = script.execute(bin);
        for (r, d, inst) in lines {
            let what = format!("A = {}, B = {}, Out = {}", inst.a, inst.b, inst.out);
            let want_types = result_types(&inst.a, &inst.b);
            too_wide += want_types.iter().filter(|t| t.is_err()).count() as u64;
            let (cpp_types, b) = check_types(&out[d], &want_types, &what);
            types += cpp_types.len() as u64;
            bad += b;
            // The casts the header leaves undefined, by type.
            let undefined: Vec<usize> = CASTS
                .iter()
                .filter(|&&(_, to_out, t)| {
                    ac_cast_undefined(if to_out { &inst.out } else { &inst.a }, cpp_types[t])
                })
                .map(|&(k, _, _)| k)
                .collect();
            if !undefined.is_empty() {
                eprintln!("{what}: casts {undefined:?} undefined in the header, not compared");
            }
            for (&(x, y), mut got) in inst.pairs.iter().zip(tokens(&out[r])) {
                pairs_n += 1;
                let mut exp = expect(&inst.a, &inst.b, &inst.out, x, y);
                if let Some(f) = inst.typed {
                    let t = f(x, y);
                    if t != exp {
                        bad += 1;
                        eprintln!("{what}, a = {x:#x}, b = {y:#x}: typed {t:x?}, runtime {exp:x?}");
                    }
                }
                for &k in &undefined {
                    exp[k] = DONT_CARE;
                    skipped += 1;
                }
                for (g, e) in got.iter_mut().zip(&exp) {
                    if *e == DONT_CARE {
                        *g = DONT_CARE;
                    } else {
                        results += 1;
                    }
                }
                if got != exp {
                    bad += 1;
                    if bad <= 20 {
                        eprintln!(
                            "{what}, a = {x:#x}, b = {y:#x}:\n  header  {got:x?}\n  lowprec {exp:x?}"
                        );
                    }
                }
            }
        }
    }
    eprintln!(
        "ac arithmetic: {} instances ({} typed), {pairs_n} operand pairs, {results} results and \
         {types} result types ({too_wide} wider than 128 bits) compared ({skipped} undefined \
         casts skipped), {bad} mismatches",
        instances.len(),
        instances.iter().filter(|i| i.typed.is_some()).count()
    );
    assert_eq!(bad, 0);
    assert!(pairs_n >= 90_000);
}
