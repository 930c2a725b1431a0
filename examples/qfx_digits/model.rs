//! The deployed fixed-point model of the digits experiment: every tensor an ap_fixed
//! type with its raw integers, the exact inference (the golden model that the HLS kernel
//! `hls/include/lowprec/qfx_mlp.h` reproduces bit for bit), and its two files: a lossless
//! text `.model` and the C++ header the kernel includes.
//!
//! The network, with value = raw · 2^−F for every tensor:
//!
//! ```text
//! a1 = relu(s1 ⊙ (W1·x) + b1)   → A1      W1 [n_hid][n_in]
//! a2 = relu(s2 ⊙ (W2·a1) + b2)  → A2      W2 [n_hid][n_hid]
//! r  = a1 + a2                  → R
//! z  = W3·r + b3                → Z       W3 [n_out][n_hid]
//! ```
//!
//! Every sum and product is exact (`i128` raw integers here, ap_fixed types wide enough in
//! C++); the only roundings are the casts marked `→`, each one [`Requant`] (the crate's
//! ap_fixed cast) of the exact intermediate. Sums of terms with different binary points
//! align both to the larger fraction count by a left shift.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::Path;

use lowprec::fixed::{Family, FixedFormat};
use lowprec::nn::Requant;
use lowprec::qat::{KHot, terms};

/// Largest width of an exact intermediate: the golden model computes in `i128`.
const MAX_EXACT_WIDTH: u32 = 120;

/// A quantized tensor: value = raw · 2^−F of `ty`, row-major.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QTensor {
    /// Its type.
    pub ty: FixedFormat,
    /// The raw integers, row-major ([out][in] for the weight matrices).
    pub raw: Vec<i64>,
}

/// The fixed-point network: types, raw parameters and dimensions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixedModel {
    /// The name, a C++ identifier suffix (`w8_qfx`, `w4_khot`).
    pub name: String,
    /// Inputs (64 pixels in the experiment).
    pub n_in: usize,
    /// Hidden width (32 in the experiment).
    pub n_hid: usize,
    /// Outputs (10 classes).
    pub n_out: usize,
    /// The input type x (pixel / 16 is cast into it).
    pub input: FixedFormat,
    /// First layer weights, [n_hid][n_in].
    pub w1: QTensor,
    /// First layer folded scale, [n_hid].
    pub s1: QTensor,
    /// First layer folded shift, [n_hid].
    pub b1: QTensor,
    /// First activation type.
    pub a1: FixedFormat,
    /// Second layer weights, [n_hid][n_hid].
    pub w2: QTensor,
    /// Second layer folded scale, [n_hid].
    pub s2: QTensor,
    /// Second layer folded shift, [n_hid].
    pub b2: QTensor,
    /// Second activation type.
    pub a2: FixedFormat,
    /// Residual sum type.
    pub r: FixedFormat,
    /// Output weights, [n_out][n_hid].
    pub w3: QTensor,
    /// Output bias, [n_out].
    pub b3: QTensor,
    /// Logit type.
    pub z: FixedFormat,
    /// `Some(k)`: W1..W3 have at most k canonical-signed-digit terms per weight, and the
    /// HLS kernel computes their products by shifts and adds.
    pub khot: Option<u32>,
}

/// The type of an exact intermediate: `width` bits, `frac` fraction bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExactType {
    /// Total bits.
    pub width: u32,
    /// Fraction bits (any sign).
    pub frac: i32,
    /// Two's complement or unsigned.
    pub signed: bool,
}

impl ExactType {
    fn of(f: &FixedFormat) -> ExactType {
        ExactType {
            width: f.width(),
            frac: f.frac_bits(),
            signed: f.is_signed(),
        }
    }
    /// Integer bits (width − frac).
    pub fn int_bits(&self) -> i64 {
        i64::from(self.width) - i64::from(self.frac)
    }
    /// The exact product of two values: widths add, fraction bits add.
    fn mul(a: ExactType, b: ExactType) -> ExactType {
        ExactType {
            width: a.width + b.width,
            frac: a.frac + b.frac,
            signed: a.signed || b.signed,
        }
    }
    /// The exact sum of n values of this type: ⌈log2 n⌉ more bits.
    fn sum_of(self, n: usize) -> ExactType {
        ExactType {
            width: self.width + clog2(n),
            ..self
        }
    }
    /// The exact sum of two values: aligned to the larger fraction count, the larger
    /// integer part (one more bit when either is signed, for a signed result), plus a carry.
    fn add(a: ExactType, b: ExactType) -> ExactType {
        let signed = a.signed || b.signed;
        // An unsigned operand in a signed sum needs a sign bit of its own.
        let ib = |t: ExactType| t.int_bits() + i64::from(signed && !t.signed);
        let frac = a.frac.max(b.frac);
        let int = ib(a).max(ib(b)) + 1;
        ExactType {
            width: (int + i64::from(frac)).max(1) as u32,
            frac,
            signed,
        }
    }
    /// The same value range with at least frac − F_to + 1 bits, F_to the fraction bits of
    /// the cast target: the ap_types headers read the source bit F − F_to − 1 when they
    /// round, and assert (in C simulation) when it lies beyond the source's width. Extra
    /// high bits change no value.
    fn reaching(self, to: &FixedFormat) -> ExactType {
        let need = i64::from(self.frac) - i64::from(to.frac_bits()) + 1;
        ExactType {
            width: self.width.max(need.clamp(1, i64::from(u32::MAX)) as u32),
            ..self
        }
    }
    /// The C++ spelling (plain ap_fixed: truncation and wrap never happen, the value fits).
    pub fn cpp(&self) -> String {
        let u = if self.signed { "" } else { "u" };
        format!("ap_{u}fixed<{},{}>", self.width, self.int_bits())
    }
}

/// ⌈log2 n⌉ (0 for n ≤ 1).
fn clog2(n: usize) -> u32 {
    if n <= 1 {
        0
    } else {
        usize::BITS - (n - 1).leading_zeros()
    }
}

/// The exact intermediate types of the inference, in the order it computes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExactTypes {
    /// W1·x.
    pub acc1: ExactType,
    /// s1 ⊙ acc1 + b1 (before relu).
    pub t1: ExactType,
    /// W2·a1.
    pub acc2: ExactType,
    /// s2 ⊙ acc2 + b2 (before relu).
    pub t2: ExactType,
    /// a1 + a2.
    pub res: ExactType,
    /// W3·r.
    pub acc3: ExactType,
    /// acc3 + b3.
    pub t3: ExactType,
}

impl FixedModel {
    /// The exact intermediate types, computed from the operand types and dimensions:
    /// a product of W_a- and W_b-bit values takes W_a + W_b bits (fraction bits add), a
    /// sum of n of them ⌈log2 n⌉ more, and a sum of two aligned values the larger fraction
    /// count plus the larger integer part plus one carry bit; a value cast to a type of F_to
    /// fraction bits has at least F − F_to + 1 bits (see `ExactType::reaching`).
    pub fn exact_types(&self) -> ExactTypes {
        let t = ExactType::of;
        let acc1 = ExactType::mul(t(&self.w1.ty), t(&self.input)).sum_of(self.n_in);
        let t1 =
            ExactType::add(ExactType::mul(t(&self.s1.ty), acc1), t(&self.b1.ty)).reaching(&self.a1);
        let acc2 = ExactType::mul(t(&self.w2.ty), t(&self.a1)).sum_of(self.n_hid);
        let t2 =
            ExactType::add(ExactType::mul(t(&self.s2.ty), acc2), t(&self.b2.ty)).reaching(&self.a2);
        let res = ExactType::add(t(&self.a1), t(&self.a2)).reaching(&self.r);
        let acc3 = ExactType::mul(t(&self.w3.ty), t(&self.r)).sum_of(self.n_hid);
        let t3 = ExactType::add(acc3, t(&self.b3.ty)).reaching(&self.z);
        ExactTypes {
            acc1,
            t1,
            acc2,
            t2,
            res,
            acc3,
            t3,
        }
    }

    /// The named tensors with their expected lengths.
    fn tensors(&self) -> [(&'static str, &QTensor, usize); 8] {
        [
            ("w1", &self.w1, self.n_hid * self.n_in),
            ("s1", &self.s1, self.n_hid),
            ("b1", &self.b1, self.n_hid),
            ("w2", &self.w2, self.n_hid * self.n_hid),
            ("s2", &self.s2, self.n_hid),
            ("b2", &self.b2, self.n_hid),
            ("w3", &self.w3, self.n_out * self.n_hid),
            ("b3", &self.b3, self.n_out),
        ]
    }

    /// Checks the model: a C++ identifier name, nonzero dimensions, tensor sizes, ap_fixed
    /// types (signed parameters and logits, unsigned x, A1, A2, R), raws inside their
    /// types, the K-hot property of W1..W3, and exact intermediates of at most 120 bits.
    pub fn check(&self) -> Result<(), String> {
        let ident = !self.name.is_empty()
            && !self.name.starts_with(|c: char| c.is_ascii_digit())
            && self
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ident {
            return Err(format!("name {:?} is not a C++ identifier", self.name));
        }
        if self.n_in == 0 || self.n_hid == 0 || self.n_out == 0 {
            return Err("a dimension is zero".into());
        }
        let ap = |what: &str, f: &FixedFormat, signed: bool| {
            if f.family() != Family::ApFixed {
                Err(format!("{what}: {f} is not an ap_fixed/ap_ufixed type"))
            } else if f.is_signed() != signed {
                Err(format!(
                    "{what}: {f} must be {}",
                    if signed { "signed" } else { "unsigned" }
                ))
            } else if f.width() > 32 {
                Err(format!("{what}: {f} is wider than 32 bits"))
            } else {
                Ok(())
            }
        };
        ap("input", &self.input, false)?;
        ap("a1", &self.a1, false)?;
        ap("a2", &self.a2, false)?;
        ap("r", &self.r, false)?;
        ap("z", &self.z, true)?;
        for (what, t, len) in self.tensors() {
            ap(what, &t.ty, true)?;
            if t.raw.len() != len {
                return Err(format!("{what}: {} values, expected {len}", t.raw.len()));
            }
            let (lo, hi) = (t.ty.min_raw(), t.ty.max_raw());
            if let Some(v) = t.raw.iter().find(|&&v| !(lo..=hi).contains(&i128::from(v))) {
                return Err(format!("{what}: raw {v} outside {}", t.ty));
            }
        }
        if let Some(k) = self.khot {
            for (what, t) in [("w1", &self.w1), ("w2", &self.w2), ("w3", &self.w3)] {
                if let Some(v) = t
                    .raw
                    .iter()
                    .find(|&&v| terms(i128::from(v), k, KHot::Csd).is_err())
                {
                    return Err(format!("{what}: raw {v} has more than {k} CSD terms"));
                }
            }
        }
        let e = self.exact_types();
        for (what, t) in [
            ("acc1", e.acc1),
            ("t1", e.t1),
            ("acc2", e.acc2),
            ("t2", e.t2),
            ("res", e.res),
            ("acc3", e.acc3),
            ("t3", e.t3),
        ] {
            if t.width > MAX_EXACT_WIDTH {
                return Err(format!(
                    "{what}: exact intermediate of {} bits (binary points too far apart)",
                    t.width
                ));
            }
        }
        Ok(())
    }

    /// The input raws: each pixel / 16 cast into the input type.
    pub fn input_raw(&self, pixels: &[u8]) -> Vec<i128> {
        pixels
            .iter()
            .map(|&p| self.input.raw_of(self.input.from_f64(f64::from(p) / 16.0)))
            .collect()
    }

    /// The logits' raw integers (of type `z`) for one image of `n_in` pixels, by the exact
    /// semantics of the module docs. The model must pass [`check`](Self::check).
    pub fn logits(&self, pixels: &[u8]) -> Vec<i64> {
        assert_eq!(pixels.len(), self.n_in, "pixels per image");
        let x = self.input_raw(pixels);
        let fx = self.input.frac_bits();
        let a1 = scaled_layer(&self.w1, &self.s1, &self.b1, &x, fx, self.a1);
        let a2 = scaled_layer(
            &self.w2,
            &self.s2,
            &self.b2,
            &a1,
            self.a1.frac_bits(),
            self.a2,
        );
        let (f1, f2) = (self.a1.frac_bits(), self.a2.frac_bits());
        let f = f1.max(f2);
        let cast_r = Requant::new(f, self.r);
        let r: Vec<i128> = a1
            .iter()
            .zip(&a2)
            .map(|(&u, &v)| i128::from(cast_r.apply((u << (f - f1)) + (v << (f - f2)))))
            .collect();
        let fr = self.r.frac_bits();
        let fp = self.w3.ty.frac_bits() + fr;
        let fb = self.b3.ty.frac_bits();
        let f = fp.max(fb);
        let cast_z = Requant::new(f, self.z);
        self.w3
            .raw
            .chunks(r.len())
            .zip(&self.b3.raw)
            .map(|(row, &b)| {
                let acc = dot(row, &r);
                cast_z.apply((acc << (f - fp)) + (i128::from(b) << (f - fb)))
            })
            .collect()
    }

    /// The class: the argmax of the logits, ties to the lowest index.
    pub fn predict(&self, pixels: &[u8]) -> usize {
        argmax(&self.logits(pixels))
    }

    /// Writes `dir/<name>.model` (lossless text, read back by [`read`](Self::read)) and
    /// `dir/<name>.h` (the C++ header of the HLS kernel).
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        self.check().map_err(std::io::Error::other)?;
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join(format!("{}.model", self.name)), self.to_text())?;
        std::fs::write(dir.join(format!("{}.h", self.name)), self.header())
    }

    /// The `.model` text: a magic line, then `key value…` lines.
    pub fn to_text(&self) -> String {
        let mut s = String::from("lowprec-qfx-model 1\n");
        let _ = writeln!(s, "name {}", self.name);
        let _ = writeln!(s, "dims {} {} {}", self.n_in, self.n_hid, self.n_out);
        match self.khot {
            Some(k) => {
                let _ = writeln!(s, "khot {k}");
            }
            None => s.push_str("khot none\n"),
        }
        let _ = writeln!(s, "input {}", self.input);
        let _ = writeln!(s, "a1 {}", self.a1);
        let _ = writeln!(s, "a2 {}", self.a2);
        let _ = writeln!(s, "r {}", self.r);
        let _ = writeln!(s, "z {}", self.z);
        for (what, t, _) in self.tensors() {
            let _ = write!(s, "{what} {}", t.ty);
            for v in &t.raw {
                let _ = write!(s, " {v}");
            }
            s.push('\n');
        }
        s
    }

    /// Reads a `.model` file written by [`write`](Self::write), and checks it.
    pub fn read(path: &Path) -> Result<FixedModel, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        FixedModel::from_text(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses the `.model` text, and checks the model.
    pub fn from_text(text: &str) -> Result<FixedModel, String> {
        let mut lines = text.lines();
        if lines.next() != Some("lowprec-qfx-model 1") {
            return Err("not a lowprec-qfx-model 1 file".into());
        }
        let mut fields = std::collections::HashMap::new();
        for line in lines.filter(|l| !l.trim().is_empty()) {
            let mut it = line.split_whitespace();
            let key = it.next().unwrap_or_default();
            let rest: Vec<&str> = it.collect();
            if fields.insert(key, rest).is_some() {
                return Err(format!("{key} given twice"));
            }
        }
        let mut get = |key: &str| fields.remove(key).ok_or(format!("{key} missing"));
        let one = |v: Vec<&str>, key: &str| -> Result<String, String> {
            match v.as_slice() {
                [x] => Ok((*x).to_string()),
                _ => Err(format!("{key}: expected one value")),
            }
        };
        let fmt = |s: &str, key: &str| -> Result<FixedFormat, String> {
            s.parse().map_err(|e| format!("{key}: {s}: {e}"))
        };
        let name = one(get("name")?, "name")?;
        let dims: Vec<usize> = get("dims")?
            .iter()
            .map(|d| d.parse().map_err(|_| format!("dims: {d}")))
            .collect::<Result<_, _>>()?;
        let [n_in, n_hid, n_out] = dims[..] else {
            return Err("dims: expected three values".into());
        };
        let khot = match one(get("khot")?, "khot")?.as_str() {
            "none" => None,
            k => Some(k.parse().map_err(|_| format!("khot: {k}"))?),
        };
        let mut ty = |key: &str| -> Result<FixedFormat, String> {
            let v = one(get(key)?, key)?;
            fmt(&v, key)
        };
        let (input, a1, a2, r, z) = (ty("input")?, ty("a1")?, ty("a2")?, ty("r")?, ty("z")?);
        let mut tensor = |key: &str| -> Result<QTensor, String> {
            let v = get(key)?;
            let (t, raws) = v.split_first().ok_or(format!("{key}: no type"))?;
            Ok(QTensor {
                ty: fmt(t, key)?,
                raw: raws
                    .iter()
                    .map(|x| x.parse().map_err(|_| format!("{key}: {x}")))
                    .collect::<Result<_, _>>()?,
            })
        };
        let m = FixedModel {
            name,
            n_in,
            n_hid,
            n_out,
            input,
            w1: tensor("w1")?,
            s1: tensor("s1")?,
            b1: tensor("b1")?,
            a1,
            w2: tensor("w2")?,
            s2: tensor("s2")?,
            b2: tensor("b2")?,
            a2,
            r,
            w3: tensor("w3")?,
            b3: tensor("b3")?,
            z,
            khot,
        };
        if let Some(k) = fields.keys().next() {
            return Err(format!("unknown field {k}"));
        }
        m.check()?;
        Ok(m)
    }

    /// The C++ struct name: `qfx_digits_<name>`.
    pub fn cpp_name(&self) -> String {
        format!("qfx_digits_{}", self.name)
    }

    /// The C++ header: a struct named [`cpp_name`](Self::cpp_name) with the dimensions,
    /// the typedefs (tensor types and exact intermediates), the weights as exact constants
    /// and, for K-hot models, the (sign, shift) terms of every weight.
    pub fn header(&self) -> String {
        let n = self.cpp_name();
        let e = self.exact_types();
        let mut s = String::new();
        let guard = n.to_uppercase() + "_H";
        let _ = writeln!(
            s,
            "// The fixed-point digits network `{}`: types and quantized parameters for\n\
             // hls/include/lowprec/qfx_mlp.h, written by the qfx_digits example. Every constant\n\
             // is raw * 2^-F of its type, printed as the shortest decimal that reads back as that\n\
             // double, which holds it exactly (at most 32 significant bits).\n\
             #ifndef {guard}\n#define {guard}\n\n#include <ap_fixed.h>\n",
            self.name
        );
        let _ = writeln!(s, "struct {n} {{");
        let _ = writeln!(
            s,
            "  static const int n_in = {};\n  static const int n_hid = {};\n  static const int n_out = {};",
            self.n_in, self.n_hid, self.n_out
        );
        let k = self.khot.unwrap_or(0);
        let _ = writeln!(
            s,
            "  // K of the K-hot weights of W1..W3 (CSD terms per weight); 0: plain weights.\n  static const int khot = {k};\n"
        );
        let _ = writeln!(s, "  // Tensor types.");
        for (t, f) in [
            ("input_t", &self.input),
            ("w1_t", &self.w1.ty),
            ("s1_t", &self.s1.ty),
            ("b1_t", &self.b1.ty),
            ("a1_t", &self.a1),
            ("w2_t", &self.w2.ty),
            ("s2_t", &self.s2.ty),
            ("b2_t", &self.b2.ty),
            ("a2_t", &self.a2),
            ("r_t", &self.r),
            ("w3_t", &self.w3.ty),
            ("b3_t", &self.b3.ty),
            ("z_t", &self.z),
        ] {
            let _ = writeln!(s, "  typedef {f} {t};");
        }
        let _ = writeln!(
            s,
            "\n  // Exact intermediates, wide enough that no sum or product rounds or wraps:\n\
             \x20 // a product of Wa- and Wb-bit operands takes Wa+Wb bits (fraction bits add), a\n\
             \x20 // sum of n products ceil(log2 n) bits more, and a sum of two aligned values the\n\
             \x20 // larger fraction count plus the larger integer part (one more for an unsigned\n\
             \x20 // operand of a signed sum) plus one carry bit. A value cast to a narrower type\n\
             \x20 // of F' fraction bits has at least F - F' + 1 bits, so that ap_fixed's rounding\n\
             \x20 // reads no bit beyond the source's width."
        );
        for (t, x, what) in [
            ("acc1_t", e.acc1, "W1 . x"),
            ("t1_t", e.t1, "s1 * acc1 + b1"),
            ("acc2_t", e.acc2, "W2 . a1"),
            ("t2_t", e.t2, "s2 * acc2 + b2"),
            ("res_t", e.res, "a1 + a2"),
            ("acc3_t", e.acc3, "W3 . r"),
            ("t3_t", e.t3, "acc3 + b3"),
        ] {
            let _ = writeln!(s, "  typedef {} {t}; // {what}", x.cpp());
        }
        let _ = writeln!(s, "\n  // Parameters (defined below).");
        let dims = |t: &str| match t {
            "w1" => format!("[{}][{}]", self.n_hid, self.n_in),
            "w2" => format!("[{}][{}]", self.n_hid, self.n_hid),
            "w3" => format!("[{}][{}]", self.n_out, self.n_hid),
            "b3" => format!("[{}]", self.n_out),
            _ => format!("[{}]", self.n_hid),
        };
        for (what, _, _) in self.tensors() {
            let _ = writeln!(s, "  static const {what}_t {what}{};", dims(what));
        }
        if k > 0 {
            let _ = writeln!(
                s,
                "  // K-hot terms: w = sum over j of sign[j] * 2^shift[j] (raw integers), sign 0\n\
                 \x20 // for an unused term."
            );
            for w in ["w1", "w2", "w3"] {
                let _ = writeln!(s, "  static const signed char {w}_sign{}[{k}];", dims(w));
                let _ = writeln!(s, "  static const unsigned char {w}_shift{}[{k}];", dims(w));
            }
        }
        s.push_str("};\n\n");
        for (what, t, _) in self.tensors() {
            let cols = match what {
                "w1" => self.n_in,
                "w2" | "w3" => self.n_hid,
                _ => t.raw.len(),
            };
            let _ = writeln!(s, "const {n}::{what}_t {n}::{what}{} = {{", dims(what));
            let f = t.ty.frac_bits();
            rows(&mut s, &t.raw, cols, what.starts_with('w'), |v| {
                exact_literal(*v, f)
            });
            s.push_str("};\n");
        }
        if k > 0 {
            for (w, t, cols) in [
                ("w1", &self.w1, self.n_in),
                ("w2", &self.w2, self.n_hid),
                ("w3", &self.w3, self.n_hid),
            ] {
                let ts: Vec<Vec<(i8, u32)>> = t
                    .raw
                    .iter()
                    .map(|&v| {
                        let mut out = vec![(0i8, 0u32); k as usize];
                        if let Ok(tt) = terms(i128::from(v), k, KHot::Csd) {
                            for (slot, term) in out.iter_mut().zip(tt.iter()) {
                                *slot = (if term.negative { -1 } else { 1 }, term.shift);
                            }
                        }
                        out
                    })
                    .collect();
                let _ = writeln!(s, "const signed char {n}::{w}_sign{}[{k}] = {{", dims(w));
                rows(&mut s, &ts, cols, true, |v| {
                    let x: Vec<String> = v.iter().map(|(g, _)| g.to_string()).collect();
                    format!("{{{}}}", x.join(","))
                });
                s.push_str("};\n");
                let _ = writeln!(s, "const unsigned char {n}::{w}_shift{}[{k}] = {{", dims(w));
                rows(&mut s, &ts, cols, true, |v| {
                    let x: Vec<String> = v.iter().map(|(_, h)| h.to_string()).collect();
                    format!("{{{}}}", x.join(","))
                });
                s.push_str("};\n");
            }
        }
        let _ = writeln!(s, "\n#endif // {guard}");
        s
    }
}

/// Writes `values` as C++ initializer rows of `cols` (braced rows when `matrix`).
fn rows<T>(s: &mut String, values: &[T], cols: usize, matrix: bool, lit: impl Fn(&T) -> String) {
    for row in values.chunks(cols.max(1)) {
        let items: Vec<String> = row.iter().map(&lit).collect();
        if matrix {
            let _ = writeln!(s, "  {{{}}},", items.join(", "));
        } else {
            let _ = writeln!(s, "  {},", items.join(", "));
        }
    }
}

/// raw · 2^−frac as a C++ double literal that reads back exactly (the value is a double:
/// |raw| < 2^32 and 2^−frac stays inside the normal exponent range for the checked types).
fn exact_literal(raw: i64, frac: i32) -> String {
    let v = raw as f64 * 2f64.powi(-frac);
    format!("{v:e}")
}

/// Σ w·x over a row (exact).
fn dot(row: &[i64], x: &[i128]) -> i128 {
    row.iter().zip(x).map(|(&w, &v)| i128::from(w) * v).sum()
}

/// One hidden layer: relu(s ⊙ (W·x) + b) cast to `out`, with x raws of `fx` fraction bits.
fn scaled_layer(
    w: &QTensor,
    s: &QTensor,
    b: &QTensor,
    x: &[i128],
    fx: i32,
    out: FixedFormat,
) -> Vec<i128> {
    let fp = s.ty.frac_bits() + w.ty.frac_bits() + fx;
    let fb = b.ty.frac_bits();
    let f = fp.max(fb);
    let cast = Requant::new(f, out);
    w.raw
        .chunks(x.len())
        .zip(s.raw.iter().zip(&b.raw))
        .map(|(row, (&sv, &bv))| {
            let acc = dot(row, x);
            let t = ((i128::from(sv) * acc) << (f - fp)) + (i128::from(bv) << (f - fb));
            i128::from(cast.apply(t.max(0)))
        })
        .collect()
}

/// The index of the largest value, ties to the lowest index.
pub fn argmax(z: &[i64]) -> usize {
    let mut best = 0;
    for (i, &v) in z.iter().enumerate() {
        if v > z[best] {
            best = i;
        }
    }
    best
}
