//! QFX, the quantization-aware-training quantizer: `ap_fixed`/`ac_fixed` of width W with
//! a trainable binary point per group, its exact forward pass and its gradients, on
//! `float` tensors.

use core::ffi::c_int;

use lowprec::fixed::{Family, OverflowMode, Quantization};
use lowprec::qat::{Layout, QatError, Qfx, QfxParams};

use crate::fixed::{LOWPREC_FAMILY_AC_FIXED, LOWPREC_FAMILY_AP_FIXED};
use crate::format::flag;
use crate::{Error, Res, Span, disjoint, guard, input, output, output_span};

/// Layout: one binary point for the whole tensor.
pub const LOWPREC_LAYOUT_PER_TENSOR: u32 = 0;
/// Layout: one per channel, channel-major (element i is in channel i / (n / channels)).
pub const LOWPREC_LAYOUT_CHANNEL_MAJOR: u32 = 1;
/// Layout: one per channel, channel-last (element i is in channel i % channels).
pub const LOWPREC_LAYOUT_CHANNEL_LAST: u32 = 2;

/// A QFX quantizer: W-bit fixed point (`width` 1..=32, `is_signed` 0/1, `family`
/// `LOWPREC_FAMILY_AP_FIXED` or `LOWPREC_FAMILY_AC_FIXED`, `quantization` a
/// `LOWPREC_Q_*`, `overflow` a `LOWPREC_O_*`, `sat_bits` N), one latent binary point per
/// group (`layout` a `LOWPREC_LAYOUT_*` with `channels` groups; `channels` is ignored per
/// tensor), and `grad_scale` 1 to scale each group's ∂L/∂F by 1/√(N·q_max).
///
/// For a group with latent binary point `frac`, F = `frac` rounded to nearest even, and
/// y = x cast into `ap_fixed<W, W − F, Q, O, N>` (or the `ac_fixed` of the same
/// parameters), as a `float`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct lowprec_qfx_t {
    /// The width W, 1 to 32.
    pub width: u32,
    /// 1: signed; 0: unsigned.
    pub is_signed: u32,
    /// `LOWPREC_FAMILY_AP_FIXED` or `LOWPREC_FAMILY_AC_FIXED`.
    pub family: u32,
    /// One of `LOWPREC_Q_*`.
    pub quantization: u32,
    /// One of `LOWPREC_O_*`.
    pub overflow: u32,
    /// The saturation bits N (0 to W).
    pub sat_bits: u32,
    /// One of `LOWPREC_LAYOUT_*`.
    pub layout: u32,
    /// The number of channels (it divides the tensor's length).
    pub channels: usize,
    /// 0 or 1.
    pub grad_scale: u32,
}

impl lowprec_qfx_t {
    fn qfx(&self) -> Result<Qfx, Error> {
        let family = match self.family {
            LOWPREC_FAMILY_AP_FIXED => Family::ApFixed,
            LOWPREC_FAMILY_AC_FIXED => Family::AcFixed,
            _ => return Err(Error::Format),
        };
        let layout = match self.layout {
            LOWPREC_LAYOUT_PER_TENSOR => Layout::PerTensor,
            LOWPREC_LAYOUT_CHANNEL_MAJOR => Layout::ChannelMajor {
                channels: self.channels,
            },
            LOWPREC_LAYOUT_CHANNEL_LAST => Layout::ChannelLast {
                channels: self.channels,
            },
            _ => return Err(Error::Mode),
        };
        let code = |x: u32| u8::try_from(x).ok();
        let p = QfxParams {
            width: self.width,
            signed: flag(self.is_signed).ok_or(Error::Format)?,
            family,
            quantization: code(self.quantization)
                .and_then(Quantization::from_code)
                .ok_or(Error::Format)?,
            overflow: code(self.overflow)
                .and_then(OverflowMode::from_code)
                .ok_or(Error::Format)?,
            sat_bits: self.sat_bits,
            layout,
            grad_scale: flag(self.grad_scale).ok_or(Error::Format)?,
        };
        Qfx::new(p).map_err(|_| Error::Format)
    }
}

fn qat_error(e: QatError) -> Error {
    match e {
        QatError::Length { .. } => Error::Length,
        _ => Error::Param,
    }
}

/// The forward pass: `y[i]` = cast of `x[i]` in its group's format. `frac` holds
/// `n_frac` latent binary points (one per group: 1 per tensor, `channels` per channel).
/// `x == y` runs in place; other overlaps are `LOWPREC_ERR_OVERLAP`. A NaN binary point
/// or a channel count that does not divide `n` is `LOWPREC_ERR_PARAM`; `n_frac` other
/// than the group count is `LOWPREC_ERR_LENGTH`.
///
/// # Safety
/// `frac`, `x` and `y` are NULL (only when their length is 0) or point to `n_frac`, `n`
/// and `n` valid elements (`y` writable).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_qfx_forward(
    q: lowprec_qfx_t,
    frac: *const f32,
    n_frac: usize,
    x: *const f32,
    y: *mut f32,
    n: usize,
) -> c_int {
    guard(|| {
        let q = q.qfx()?;
        let (frac, sf) = input(frac, n_frac)?;
        let sy = output_span(y, n)?;
        if n > 0 && core::ptr::eq(x, y) {
            disjoint(&[sy], &[sf])?;
            return q.forward_in_place(frac, output(y, n)).map_err(qat_error);
        }
        let (x, sx) = input(x, n)?;
        disjoint(&[sy], &[sf, sx])?;
        q.forward(frac, x, output(y, n)).map_err(qat_error)
    })
}

#[allow(clippy::too_many_arguments)]
fn backward(
    q: lowprec_qfx_t,
    frac: *const f32,
    n_frac: usize,
    x: *const f32,
    grad_y: *const f32,
    y: *mut f32,
    grad_x: *mut f32,
    grad_frac: *mut f32,
    n: usize,
) -> Res {
    let q = q.qfx()?;
    let (frac, sf) = input(frac, n_frac)?;
    let (x, sx) = input(x, n)?;
    let (grad_y, sg) = input(grad_y, n)?;
    let sgx = output_span(grad_x, n)?;
    let sgf = output_span(grad_frac, n_frac)?;
    let mut outs: Vec<Span> = vec![sgx, sgf];
    if !y.is_null() {
        outs.push(output_span(y, n)?);
    }
    disjoint(&outs, &[sf, sx, sg])?;
    let (gx, gf) = (output(grad_x, n), output(grad_frac, n_frac));
    if y.is_null() {
        q.backward(frac, x, grad_y, gx, gf).map_err(qat_error)
    } else {
        q.forward_backward(frac, x, grad_y, output(y, n), gx, gf)
            .map_err(qat_error)
    }
}

/// The backward pass by QFX's region table: `grad_x[i]` = ∂L/∂x[i] for `grad_y` =
/// ∂L/∂y, and `grad_frac[g]` = the group's ∂L/∂F summed in `double` (scaled when
/// `grad_scale`). The outputs must not overlap each other or the inputs.
///
/// # Safety
/// `frac` and `grad_frac` are NULL (only when `n_frac` is 0) or point to `n_frac` valid
/// elements; `x`, `grad_y` and `grad_x` likewise with `n`; the outputs are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_qfx_backward(
    q: lowprec_qfx_t,
    frac: *const f32,
    n_frac: usize,
    x: *const f32,
    grad_y: *const f32,
    grad_x: *mut f32,
    grad_frac: *mut f32,
    n: usize,
) -> c_int {
    guard(|| {
        backward(
            q,
            frac,
            n_frac,
            x,
            grad_y,
            core::ptr::null_mut(),
            grad_x,
            grad_frac,
            n,
        )
    })
}

/// Forward and backward in one pass: `y` as `lowprec_qfx_forward` (`y` must not be NULL
/// unless `n` is 0), the gradients as `lowprec_qfx_backward`. No output may overlap
/// another buffer.
///
/// # Safety
/// As `lowprec_qfx_backward`, and `y` points to `n` writable elements.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_qfx_forward_backward(
    q: lowprec_qfx_t,
    frac: *const f32,
    n_frac: usize,
    x: *const f32,
    grad_y: *const f32,
    y: *mut f32,
    grad_x: *mut f32,
    grad_frac: *mut f32,
    n: usize,
) -> c_int {
    guard(|| {
        if y.is_null() && n > 0 {
            return Err(Error::Null);
        }
        let mut empty = [0f32; 0];
        let y = if y.is_null() { empty.as_mut_ptr() } else { y };
        backward(q, frac, n_frac, x, grad_y, y, grad_x, grad_frac, n)
    })
}
