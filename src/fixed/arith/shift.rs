//! Shifts that keep the type (`a << n`, `a >> n`).

use crate::fixed::format::FixedFormat;

impl FixedFormat {
    /// Shifts left by `n` keeping the type (`a << n` in ap_fixed: raw bits move, the low W
    /// bits are kept; no rounding, no saturation).
    ///
    /// ```
    /// use lowprec::fixed::FixedFormat;
    /// let f = FixedFormat::ap_fixed(8, 4)?;
    /// let x = f.from_f64(1.5);
    /// assert_eq!(f.to_f64(f.shl(x, 2)), 6.0);
    /// assert_eq!(f.to_f64(f.shl(x, 3)), -4.0); // wrapped
    /// assert_eq!(f.to_f64(f.shr(f.from_f64(-1.5), 4)), -0.125); // arithmetic shift
    /// # Ok::<(), lowprec::fixed::FixedFormatError>(())
    /// ```
    #[inline]
    pub const fn shl(&self, bits: u64, n: u32) -> u64 {
        if n >= 64 {
            0
        } else {
            (bits << n) & self.mask()
        }
    }

    /// Shifts right by `n` keeping the type (arithmetic for signed types; bits shifted out
    /// are dropped, no rounding).
    #[inline]
    pub const fn shr(&self, bits: u64, n: u32) -> u64 {
        let raw = self.raw_of(bits);
        let n = if n > 127 { 127 } else { n };
        self.bits_of(raw >> n)
    }
}
