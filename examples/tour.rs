//! A tour of lowprec: `cargo run --example tour`.
//!
//! Prints a format's parameters, one value in every rounding mode, the overflow policies,
//! and the known defects of other libraries (pychop, ml_dtypes, CPFloat, the `float8`
//! crate, QPyTorch) next to lowprec's correctly rounded answers.

use lowprec::float::{Class, Exact};
use lowprec::rounding::{SrKind, Stochastic};
use lowprec::{FloatFormat, NoRandom, Overflow, Round, Rounding, SplitMix64};

fn main() {
    println!("lowprec tour: exact low-precision floating point, rounded once\n");
    format_parameters();
    exact_input();
    rounding_modes();
    overflow_policies();
    peer_defects();
    println!(
        "\nNext, the command-line tool turns lines of numbers into golden vectors:\n\
         \x20 printf '0.1\\n464\\n' | cargo run -q --features cli --bin lowprec -- round --format e4m3fn\n\
         \x20 cargo run -q --features cli --bin lowprec -- formats"
    );
}

/// The value of a code as text: a decimal (exact for these formats), `inf` or `NaN`.
fn value(f: &FloatFormat, code: u64) -> String {
    match f.classify(code) {
        Class::Nan => "NaN".into(),
        Class::Infinite if f.split(code).0 => "-inf".into(),
        Class::Infinite => "inf".into(),
        _ => format!("{}", f.to_f64(code)),
    }
}

/// Rounds `x` (exactly, from its decimal text) and shows the code and its value.
fn show(f: &FloatFormat, x: &str, mode: Rounding, overflow: Overflow) -> String {
    let exact: Exact = x.parse().expect("a valid number");
    let r = f.round(exact, Round::new(mode, overflow), &mut NoRandom);
    let digits = f.width().div_ceil(4) as usize;
    format!("{:#0w$x} = {}", r.value, value(f, r.value), w = digits + 2)
}

fn heading(title: &str) {
    println!("{title}\n{}", "-".repeat(title.chars().count()));
}

fn format_parameters() {
    heading("1. A format: OCP FP8 E4M3FN");
    let f: FloatFormat = "e4m3fn".parse().expect("a preset");
    println!(
        "  {} exponent bits, {} fraction bits, bias {}; no infinity, NaN only at S.1111.111",
        f.exp_bits(),
        f.man_bits(),
        f.bias()
    );
    println!(
        "  max {}   min normal {}   min subnormal {}   epsilon {}   {} codes",
        f.max_value(),
        f.min_normal(),
        f.min_subnormal(),
        f.epsilon(),
        f.num_codes()
    );
    println!(
        "  Any other layout is one string away: \"e5m2\", \"bf16\", \"binary8p3se\" (IEEE P3109),\n\
         \x20 \"e3m4:fn:bias=5\" (custom). `lowprec formats` lists the presets.\n"
    );
}

fn exact_input() {
    heading("2. Exact input");
    println!("  Decimal text is read exactly, never through a binary64, then rounded once:");
    let bf16 = FloatFormat::BF16;
    for x in ["0.1", "1e-400", "2.5e+4000"] {
        println!(
            "  {x:>10} -> bf16 {}",
            show(&bf16, x, Rounding::TiesToEven, Overflow::Ieee)
        );
    }
    println!("  The exact 0.1 starts 0x1.999...p-4; as hex floats, codes print exactly:");
    println!(
        "  bf16 0x3dcd = {}, binary64 0.1 = {}\n",
        bf16.decode(0x3DCD),
        Exact::from_f64(0.1)
    );
}

fn rounding_modes() {
    heading("3. One value, every rounding mode (into E4M3FN)");
    let f = FloatFormat::E4M3FN;
    println!(
        "  0.3 lies between 0.28125 and 0.3125 (60% of the way up); -1.0625 is the exact\n\
         \x20 midpoint of -1 and -1.125, where the five round-to-nearest modes differ.\n"
    );
    println!("  {:<5} {:<36} {:>16} {:>16}", "mode", "", "0.3", "-1.0625");
    let meaning = [
        "nearest, ties to even (IEEE default)",
        "nearest, ties away from zero",
        "nearest, ties toward zero",
        "nearest, ties toward +inf",
        "nearest, ties toward -inf",
        "toward +inf",
        "toward -inf",
        "toward zero",
        "round to odd",
        "nearest, ties to odd",
    ];
    for (mode, what) in Rounding::DETERMINISTIC.into_iter().zip(meaning) {
        println!(
            "  {:<5} {:<36} {:>16} {:>16}",
            mode.name(),
            what,
            show(&f, "0.3", mode, Overflow::Ieee),
            show(&f, "-1.0625", mode, Overflow::Ieee)
        );
    }
    // Stochastic modes: the average of many roundings of 0.3 shows the bias.
    let x: Exact = "0.3".parse().expect("a number");
    let n = 100_000;
    println!("\n  Stochastic modes, mean of {n} roundings of 0.3 (seed 1):");
    let sr = |kind, bits| Rounding::Stochastic(Stochastic { kind, bits });
    let modes = [
        (
            sr(SrKind::Proportional, 64),
            "probability proportional to distance: unbiased",
        ),
        (
            sr(SrKind::Equal, 1),
            "probability 1/2: the mean is the midpoint",
        ),
        (
            sr(SrKind::P3109A, 4),
            "P3109 variant A: distance truncated to 4 bits",
        ),
        (
            sr(SrKind::P3109C, 4),
            "P3109 variant C: distance rounded to 4 bits",
        ),
    ];
    for (mode, what) in modes {
        let mut rng = SplitMix64::new(1);
        let sum: f64 = (0..n)
            .map(|_| f.to_f64(f.round(x, Round::new(mode, Overflow::Ieee), &mut rng).value))
            .sum();
        let mean = sum / f64::from(n);
        let label = match mode {
            Rounding::Stochastic(s) if s.bits == 1 => format!("{} (1 bit)", mode.name()),
            Rounding::Stochastic(s) => format!("{} ({} bits)", mode.name(), s.bits),
            _ => mode.name().to_string(),
        };
        println!("  {label:<17} mean {mean:.5}   {what}");
    }
    println!();
}

fn overflow_policies() {
    heading("4. Overflow policies (round to nearest even)");
    println!(
        "  {:<6} {:<10} {:>14} {:>14} {:>14}",
        "format", "input", "ieee", "satfinite", "satpropagate"
    );
    for (f, name) in [(FloatFormat::E4M3FN, "e4m3fn"), (FloatFormat::E5M2, "e5m2")] {
        for x in ["500", "1e6", "inf", "-inf"] {
            let cells: Vec<String> = [Overflow::Ieee, Overflow::SatFinite, Overflow::SatPropagate]
                .into_iter()
                .map(|o| show(&f, x, Rounding::TiesToEven, o))
                .collect();
            println!(
                "  {name:<6} {x:<10} {:>14} {:>14} {:>14}",
                cells[0], cells[1], cells[2]
            );
        }
    }
    println!(
        "  ieee: overflow gives inf, or NaN where the format has none (E4M3FN, as OCP says);\n\
         \x20 satfinite (OCP): max finite, even for inf; satpropagate (P3109): max finite, but\n\
         \x20 inf stays inf where the format has one.\n\
         \x20 Directed modes that point toward zero give max finite under ieee too:\n\
         \x20 e5m2, 1e6, toward zero -> {}\n",
        show(
            &FloatFormat::E5M2,
            "1e6",
            Rounding::TowardZero,
            Overflow::Ieee
        )
    );
}

fn peer_defects() {
    heading("5. Where other libraries are wrong, and lowprec's answers");
    let rne = Rounding::TiesToEven;
    let ieee = Overflow::Ieee;
    let fp16 = FloatFormat::FP16;
    let e4m3fn = FloatFormat::E4M3FN;

    println!("  pychop 0.6.2, fp16, round to nearest:");
    println!(
        "    70000 -> pychop 0;     lowprec {}  (above the max 65504: overflow is inf, not 0)",
        show(&fp16, "70000", rne, ieee)
    );
    println!(
        "    65520 -> pychop 65536; lowprec {}  (65536 is no fp16 value: 65520, the\n\
         \x20     midpoint of the max 65504 and 2^16, ties to even past the max, to inf)",
        show(&fp16, "65520", rne, ieee)
    );

    let e4m3 = FloatFormat::E4M3;
    println!("  pychop 0.6.2, IEEE-like E4M3 (\"q43\", max 240):");
    println!(
        "    448 -> pychop 0;  lowprec {} (ieee) or {} (satfinite): overflow, never 0",
        show(&e4m3, "448", rne, ieee),
        show(&e4m3, "448", rne, Overflow::SatFinite)
    );

    let x = 1.0 + 2f64.powi(-4) + 2f64.powi(-40);
    let direct = e4m3fn.from_f64(x);
    let via_f32 = e4m3fn.from_f32(x as f32);
    println!(
        "  ml_dtypes 0.6, float64 -> E4M3FN of 1 + 2^-4 + 2^-40 (just above the midpoint of 1 and 1.125):"
    );
    println!(
        "    ml_dtypes goes through float32, which drops 2^-40 and lands on the tie: {}\n\
         \x20   lowprec rounds once from the exact value: {}",
        value(&e4m3fn, via_f32),
        value(&e4m3fn, direct)
    );

    println!(
        "  CPFloat's OCP E4M3 has max 480; the OCP spec's max is {}:",
        e4m3fn.max_value()
    );
    println!(
        "    480 would need code 0x7f, which is E4M3FN's NaN; lowprec rounds 480 to {}",
        show(&e4m3fn, "480", rne, ieee)
    );

    println!("  The `float8` crate's E4M3 MAX is 416 and its \"infinity\" code is a finite value:");
    println!(
        "    0x7d = {}, 0x7e = {} (the true max), 0x7f = {}",
        value(&e4m3fn, 0x7D),
        value(&e4m3fn, 0x7E),
        value(&e4m3fn, 0x7F)
    );

    println!("  QPyTorch's \"nearest\" is ties-away, and it always saturates:");
    println!(
        "    1.0625 -> ties to even {}, ties away {} (QPyTorch)",
        show(&e4m3fn, "1.0625", rne, ieee),
        show(&e4m3fn, "1.0625", Rounding::TiesToAway, ieee)
    );
    println!(
        "    1000   -> OCP default {}, saturated {} (QPyTorch)",
        show(&e4m3fn, "1000", rne, ieee),
        show(&e4m3fn, "1000", rne, Overflow::SatFinite)
    );
}
