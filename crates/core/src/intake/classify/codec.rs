//! The model's bytes: our own small format, so that `core` needs no serialisation crate for
//! megabytes of floats and a model stored in the database can be checked before use.
//!
//! Layout, little-endian:
//! ```text
//! "RZCL"  u16 version (1)
//! u8 hash_bits  u8 char_min  u8 char_max  u8 flags (1 = word bigrams, 2 = folded)  u32 max_chars
//! u32 labels  { u32 length, UTF-8 bytes }*
//! u32 features  { varint bucket delta }*  (first delta from 0; every later one ≥ 1)
//! f32 idf × features   f32 weights × features × labels   f32 bias × labels
//! u64 FNV-1a of everything before it
//! ```
//! The reader checks every length against the bytes left before it allocates, so garbage
//! cannot make it reserve gigabytes, and it refuses non-finite numbers, unsorted or
//! out-of-range buckets, duplicate labels and trailing bytes.

use super::features::FeatureConfig;
use super::{ClassifyError, Model};

const MAGIC: &[u8; 4] = b"RZCL";
const VERSION: u16 = 1;

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

pub(super) fn write(m: &Model) -> Vec<u8> {
    let k = m.labels.len();
    let mut out = Vec::with_capacity(64 + m.buckets.len() * (3 + 4 + 4 * k));
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    let c = &m.config;
    out.extend_from_slice(&[
        c.hash_bits,
        c.char_min,
        c.char_max,
        u8::from(c.word_bigrams) | (u8::from(c.folded) << 1),
    ]);
    out.extend_from_slice(&c.max_chars.to_le_bytes());
    out.extend_from_slice(&(k as u32).to_le_bytes());
    for l in &m.labels {
        out.extend_from_slice(&(l.len() as u32).to_le_bytes());
        out.extend_from_slice(l.as_bytes());
    }
    out.extend_from_slice(&(m.buckets.len() as u32).to_le_bytes());
    let mut prev = 0u32;
    for (i, b) in m.buckets.iter().enumerate() {
        let mut d = if i == 0 { *b } else { b - prev };
        prev = *b;
        loop {
            let low = (d & 0x7f) as u8;
            d >>= 7;
            if d == 0 {
                out.push(low);
                break;
            }
            out.push(low | 0x80);
        }
    }
    for x in m.idf.iter().chain(&m.weights).chain(&m.bias) {
        out.extend_from_slice(&x.to_le_bytes());
    }
    let sum = fnv1a(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ClassifyError> {
        let end = self.at.checked_add(n).ok_or(ClassifyError::Truncated)?;
        let s = self
            .bytes
            .get(self.at..end)
            .ok_or(ClassifyError::Truncated)?;
        self.at = end;
        Ok(s)
    }

    fn left(&self) -> usize {
        self.bytes.len() - self.at
    }

    fn u8(&mut self) -> Result<u8, ClassifyError> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, ClassifyError> {
        let mut b = [0u8; 4];
        b.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(b))
    }

    fn varint(&mut self) -> Result<u32, ClassifyError> {
        let mut v: u64 = 0;
        for shift in (0..35).step_by(7) {
            let b = self.u8()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return u32::try_from(v).map_err(|_| ClassifyError::Corrupt("bucket too large"));
            }
        }
        Err(ClassifyError::Corrupt("varint too long"))
    }

    fn floats(&mut self, n: usize) -> Result<Vec<f32>, ClassifyError> {
        let len = n.checked_mul(4).ok_or(ClassifyError::Truncated)?;
        let raw = self.take(len)?;
        let v: Vec<f32> = raw
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        if v.iter().all(|x| x.is_finite()) {
            Ok(v)
        } else {
            Err(ClassifyError::Corrupt("a number is not finite"))
        }
    }
}

pub(super) fn read(bytes: &[u8]) -> Result<Model, ClassifyError> {
    if bytes.len() < 6 {
        return if MAGIC.starts_with(&bytes[..bytes.len().min(4)]) {
            Err(ClassifyError::Truncated)
        } else {
            Err(ClassifyError::BadMagic)
        };
    }
    if &bytes[..4] != MAGIC {
        return Err(ClassifyError::BadMagic);
    }
    let version = u16::from_le_bytes([bytes[4], bytes[5]]);
    if version != VERSION {
        return Err(ClassifyError::UnsupportedVersion(version));
    }
    if bytes.len() < 14 {
        return Err(ClassifyError::Truncated);
    }
    let (body, sum) = bytes.split_at(bytes.len() - 8);
    let mut s = [0u8; 8];
    s.copy_from_slice(sum);
    if fnv1a(body) != u64::from_le_bytes(s) {
        return Err(ClassifyError::Corrupt("checksum mismatch"));
    }
    let mut r = Reader { bytes: body, at: 6 };
    let hash_bits = r.u8()?;
    let char_min = r.u8()?;
    let char_max = r.u8()?;
    let flags = r.u8()?;
    let max_chars = r.u32()?;
    if !(12..=24).contains(&hash_bits)
        || char_max > 12
        || (char_max > 0 && (char_min == 0 || char_min > char_max))
        || (char_max == 0 && char_min != 0)
        || flags > 3
        || max_chars == 0
    {
        return Err(ClassifyError::Corrupt("feature settings out of range"));
    }
    let config = FeatureConfig {
        hash_bits,
        char_min,
        char_max,
        word_bigrams: flags & 1 != 0,
        folded: flags & 2 != 0,
        max_chars,
    };
    let k = r.u32()? as usize;
    if k < 2 || k > r.left() / 5 {
        return Err(ClassifyError::Corrupt("label count"));
    }
    let mut labels: Vec<String> = Vec::with_capacity(k);
    for _ in 0..k {
        let n = r.u32()? as usize;
        let raw = r.take(n)?;
        let l =
            std::str::from_utf8(raw).map_err(|_| ClassifyError::Corrupt("label is not UTF-8"))?;
        if l.is_empty() {
            return Err(ClassifyError::Corrupt("empty label"));
        }
        if labels.last().is_some_and(|p| p.as_str() >= l) {
            return Err(ClassifyError::Corrupt("labels not sorted and unique"));
        }
        labels.push(l.to_owned());
    }
    let nf = r.u32()? as usize;
    // Each feature needs at least 1 varint byte, 4 for its IDF and 4 per label.
    let per = 5usize.saturating_add(k.saturating_mul(4));
    if nf == 0 || nf > r.left() / per {
        return Err(ClassifyError::Corrupt("feature count"));
    }
    let mut buckets = Vec::with_capacity(nf);
    let limit = 1u64 << hash_bits;
    let mut prev: u64 = 0;
    for i in 0..nf {
        let d = u64::from(r.varint()?);
        if i > 0 && d == 0 {
            return Err(ClassifyError::Corrupt("buckets not increasing"));
        }
        let b = if i == 0 { d } else { prev + d };
        if b >= limit {
            return Err(ClassifyError::Corrupt("bucket out of range"));
        }
        buckets.push(b as u32);
        prev = b;
    }
    let idf = r.floats(nf)?;
    let weights = r.floats(nf.checked_mul(k).ok_or(ClassifyError::Truncated)?)?;
    let bias = r.floats(k)?;
    if r.left() != 0 {
        return Err(ClassifyError::Corrupt("trailing bytes"));
    }
    Ok(Model {
        config,
        labels,
        buckets,
        idf,
        weights,
        bias,
    })
}
