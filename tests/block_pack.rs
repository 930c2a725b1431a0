//! Packing of element codes, exhaustively: every code in every position of a pack unit
//! (all 16² FP4 byte pairs, all 64⁴ FP6 three-byte units), tails of every length, and
//! every other width against a bit-by-bit reference of the documented layout (code i in
//! bits i·w … i·w + w − 1 of a little-endian bit stream).

use lowprec::block::{BlockError, pack, packed_len, unpack};

/// The documented layout, one bit at a time.
fn reference(width: u32, codes: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; (codes.len() * width as usize).div_ceil(8)];
    for (i, &c) in codes.iter().enumerate() {
        for b in 0..width as usize {
            if c >> b & 1 == 1 {
                let k = i * width as usize + b;
                out[k / 8] |= 1 << (k % 8);
            }
        }
    }
    out
}

#[test]
fn fp4_every_pair() {
    for a in 0..16u8 {
        for b in 0..16u8 {
            let mut p = [0u8; 1];
            pack(4, &[a, b], &mut p).unwrap();
            assert_eq!(p[0], a | b << 4);
            assert_eq!(p.to_vec(), reference(4, &[a, b]));
            let mut u = [0u8; 2];
            unpack(4, &p, &mut u).unwrap();
            assert_eq!(u, [a, b]);
        }
    }
}

#[test]
fn fp6_every_unit() {
    let mut p = [0u8; 3];
    let mut u = [0u8; 4];
    for x in 0..1u32 << 24 {
        let c = [
            (x & 63) as u8,
            (x >> 6 & 63) as u8,
            (x >> 12 & 63) as u8,
            (x >> 18 & 63) as u8,
        ];
        pack(6, &c, &mut p).unwrap();
        // Four 6-bit codes are the 24-bit little-endian integer x.
        assert_eq!(p, [x as u8, (x >> 8) as u8, (x >> 16) as u8]);
        unpack(6, &p, &mut u).unwrap();
        assert_eq!(u, c);
    }
    assert_eq!(reference(6, &[1, 2, 3, 4]), {
        pack(6, &[1, 2, 3, 4], &mut p).unwrap();
        p.to_vec()
    });
}

#[test]
fn every_width_and_tail() {
    let mut seed = 0x1234_5678_9abc_def0u64;
    for width in 1..=8u32 {
        for len in 0..=40usize {
            for _ in 0..50 {
                let codes: Vec<u8> = (0..len)
                    .map(|_| {
                        seed = seed
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        ((seed >> 33) as u32 & ((1 << width) - 1)) as u8
                    })
                    .collect();
                let mut p = vec![0u8; packed_len(width, len)];
                pack(width, &codes, &mut p).unwrap();
                assert_eq!(p, reference(width, &codes), "width {width} len {len}");
                let mut u = vec![0u8; len];
                unpack(width, &p, &mut u).unwrap();
                assert_eq!(u, codes);
            }
        }
    }
}

#[test]
fn high_bits_ignored_and_errors() {
    let mut p = [0u8; 1];
    pack(4, &[0xF1, 0x32], &mut p).unwrap();
    assert_eq!(p, [0x21]);
    assert_eq!(pack(9, &[0], &mut p), Err(BlockError::PackWidth(9)));
    assert_eq!(pack(0, &[0], &mut p), Err(BlockError::PackWidth(0)));
    assert!(matches!(
        pack(6, &[0, 0], &mut p),
        Err(BlockError::Length {
            expected: 2,
            got: 1,
            ..
        })
    ));
    assert!(matches!(
        unpack(4, &[0, 0], &mut [0u8; 2]),
        Err(BlockError::Length { .. })
    ));
}

#[test]
fn fp4_and_fp6_tails_exhaustive() {
    for a in 0..16u8 {
        let mut p = [0u8; 1];
        pack(4, &[a], &mut p).unwrap();
        assert_eq!(p, [a]);
        let mut u = [0u8; 1];
        unpack(4, &p, &mut u).unwrap();
        assert_eq!(u, [a]);
    }
    for len in 1..=3usize {
        for x in 0..1u32 << (6 * len) {
            let c: Vec<u8> = (0..len).map(|i| (x >> (6 * i) & 63) as u8).collect();
            let mut p = vec![0u8; packed_len(6, len)];
            pack(6, &c, &mut p).unwrap();
            assert_eq!(p, reference(6, &c));
            let mut u = vec![0u8; len];
            unpack(6, &p, &mut u).unwrap();
            assert_eq!(u, c);
        }
    }
}
