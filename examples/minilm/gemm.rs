//! `f32` matrix products for the modes that accumulate in `f32` (the reference, bf16,
//! FP8 and the block formats): the `matrixmultiply` crate's SGEMM, which picks its AVX2/FMA
//! kernel at run time. Its summation order is its own (blocked, fused where the CPU has
//! FMA), as a hardware `f32` accumulator's would be; the emulated formats live in the
//! operands, which every mode rounds before calling these functions.

/// `c = a·bᵀ`: `a` is `m × k`, `b` is `n × k` (both row-major, as linear weights are
/// stored), `c` is `m × n`.
pub fn gemm_nt(a: &[f32], b: &[f32], m: usize, n: usize, k: usize, c: &mut [f32]) {
    sgemm(a, b, c, m, k, n, (1, k), (m * k, n * k, m * n));
}

/// `c = a·b`: `a` is `m × k`, `b` is `k × n`, `c` is `m × n`, all row-major.
pub fn gemm_nn(a: &[f32], b: &[f32], m: usize, k: usize, n: usize, c: &mut [f32]) {
    sgemm(a, b, c, m, k, n, (n, 1), (m * k, k * n, m * n));
}

/// `c = a·B` where B's element (p, j) is `b[p·rsb + j·csb]`; `lens` are the lengths
/// the three slices must have.
#[allow(clippy::too_many_arguments)]
fn sgemm(
    a: &[f32],
    b: &[f32],
    c: &mut [f32],
    m: usize,
    k: usize,
    n: usize,
    (rsb, csb): (usize, usize),
    lens: (usize, usize, usize),
) {
    assert_eq!((a.len(), b.len(), c.len()), lens, "matrix shapes");
    if m == 0 || n == 0 {
        return;
    }
    // SAFETY: the assertion above checks that `a` holds m·k values (row stride k), `b`
    // the k·n values its strides address (the largest offset is (k−1)·rsb + (n−1)·csb <
    // k·n), and `c` m·n values (row stride n); the three slices do not overlap (`c` is
    // borrowed mutably). With k = 0 nothing is read and `c` is set to zero.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            k as isize,
            1,
            b.as_ptr(),
            rsb as isize,
            csb as isize,
            0.0,
            c.as_mut_ptr(),
            n as isize,
            1,
        );
    }
}
