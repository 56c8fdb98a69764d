//! Vector index snapshots (container kind KIND_VECTOR).
//!
//! Sections: META (config + row count), IDS (IdMap), F32 / CODES / VSCALE / DSCALE / NORM2 (raw
//! little-endian arrays whose sizes follow from META, checked exactly), GRAPH (HNSW only:
//! generator state, entry point, levels, layer-0 lists, upper-layer blocks). Loading is a bulk
//! `from_le_bytes` copy per array plus one validation pass; upper-layer offsets are recomputed
//! from the levels. Anything inconsistent is SnapshotCorrupt, never a panic.

use super::bits::Bits;
use super::hnsw::{Graph, MAX_LEVEL, NONE};
use super::store::Store;
use super::{IndexKind, Metric, Quantization, VectorConfig, VectorIndex, HNSW_SEED};
use crate::error::{Code, CoreError, CoreResult};
use crate::idmap::IdMap;
use crate::snapshot::{ByteReader, ByteWriter, SnapshotReader, SnapshotWriter, KIND_VECTOR};
use std::cell::RefCell;

const TAG_META: u32 = 1;
const TAG_IDS: u32 = 2;
const TAG_F32: u32 = 3;
const TAG_CODES: u32 = 4;
const TAG_VSCALE: u32 = 5;
const TAG_DSCALE: u32 = 6;
const TAG_NORM2: u32 = 7;
const TAG_GRAPH: u32 = 8;
const META_VERSION: u32 = 1;

pub(crate) fn save(idx: &VectorIndex) -> Vec<u8> {
    let cfg = &idx.cfg;
    let st = &idx.store;
    let mut w = SnapshotWriter::new(KIND_VECTOR);

    let mut m = ByteWriter::new();
    m.u32(META_VERSION);
    for v in [cfg.dimensions, cfg.metric as usize, cfg.quantization as usize, cfg.kind as usize, cfg.m, cfg.ef_construction, cfg.ef_search, cfg.rescore] {
        m.u32(v as u32);
    }
    m.u64(st.rows as u64);
    w.section(TAG_META, m.into_inner());

    let mut ids = ByteWriter::new();
    idx.ids.write(&mut ids);
    w.section(TAG_IDS, ids.into_inner());

    if st.has_f32() {
        w.section(TAG_F32, f32_bytes(&st.f32s));
    }
    if st.is_quant() {
        w.section(TAG_CODES, st.codes.iter().map(|&c| c as u8).collect());
        w.section(TAG_DSCALE, f32_bytes(&st.dscale));
    }
    if st.quant == Quantization::Int8PerVector {
        w.section(TAG_VSCALE, f32_bytes(&st.vscale));
    }
    if st.is_quant() && st.metric == Metric::L2 {
        w.section(TAG_NORM2, f32_bytes(&st.norm2));
    }
    if let Some(g) = &idx.graph {
        let mut b = ByteWriter::new();
        b.u64(g.rng);
        b.u32(g.entry);
        b.u32(g.max_level as u32);
        b.bytes(&g.levels);
        b.u32s(&g.links0);
        b.u64(g.upper.len() as u64);
        b.u32s(&g.upper);
        w.section(TAG_GRAPH, b.into_inner());
    }
    w.finish()
}

fn f32_bytes(v: &[f32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len() * 4);
    for x in v {
        out.extend_from_slice(&x.to_le_bytes());
    }
    out
}

fn corrupt(msg: &str) -> CoreError {
    CoreError::new(Code::SnapshotCorrupt, format!("vector snapshot: {}", msg))
}

fn to_corrupt(e: CoreError) -> CoreError {
    if e.code == Code::SnapshotCorrupt {
        e
    } else {
        corrupt(&e.message)
    }
}

/// Reads an array section of exactly `n` f32 values, all finite.
fn f32_section(r: &SnapshotReader, tag: u32, n: usize, what: &str) -> CoreResult<Vec<f32>> {
    let bytes = r.section(tag)?;
    if Some(bytes.len()) != n.checked_mul(4) {
        return Err(corrupt(&format!("{} has {} bytes, expected {} values", what, bytes.len(), n)));
    }
    let v = ByteReader::new(bytes).f32s(n)?;
    if !all_finite(&v) {
        return Err(corrupt(&format!("{} holds a non-finite value", what)));
    }
    Ok(v)
}

/// True if no value is NaN or infinite: the max of the exponent fields over 16 lanes, written
/// branch-free so it vectorises (an early-exit `any` tests one value at a time).
fn all_finite(v: &[f32]) -> bool {
    const EXP: u32 = 0x7f80_0000;
    let mut acc = [0u32; 16];
    let chunks = v.chunks_exact(16);
    let rest = chunks.remainder();
    for c in chunks {
        let c: &[f32; 16] = c.try_into().unwrap_or(&[0.0; 16]);
        for j in 0..16 {
            acc[j] = acc[j].max(c[j].to_bits() & EXP);
        }
    }
    let m = acc.iter().chain(rest.iter().map(|x| x.to_bits() & EXP).collect::<Vec<u32>>().iter()).fold(0, |a, &b| a.max(b));
    m != EXP
}

/// True if some byte is 0x80 (i8 -128), branch-free like `all_finite`.
fn has_minus_128(b: &[u8]) -> bool {
    let mut acc = [0u8; 16];
    let chunks = b.chunks_exact(16);
    let rest = chunks.remainder();
    for c in chunks {
        let c: &[u8; 16] = c.try_into().unwrap_or(&[0; 16]);
        for j in 0..16 {
            acc[j] |= (c[j] == 0x80) as u8;
        }
    }
    acc.iter().chain(rest.iter().map(|&x| (x == 0x80) as u8).collect::<Vec<u8>>().iter()).fold(0, |a, &x| a | x) != 0
}

pub(crate) fn load(bytes: &[u8]) -> CoreResult<VectorIndex> {
    let r = SnapshotReader::open(bytes, KIND_VECTOR)?;

    let mut m = ByteReader::new(r.section(TAG_META)?);
    if m.u32()? != META_VERSION {
        return Err(corrupt("unknown metadata version"));
    }
    let mut f = [0usize; 8];
    for x in f.iter_mut() {
        *x = m.u32()? as usize;
    }
    let rows64 = m.u64()?;
    if m.remaining() != 0 {
        return Err(corrupt("metadata has trailing bytes"));
    }
    let cfg = VectorConfig {
        dimensions: f[0],
        metric: Metric::from_u32(f[1] as u32).map_err(to_corrupt)?,
        quantization: Quantization::from_u32(f[2] as u32).map_err(to_corrupt)?,
        kind: IndexKind::from_u32(f[3] as u32).map_err(to_corrupt)?,
        m: f[4],
        ef_construction: f[5],
        ef_search: f[6],
        rescore: f[7],
    };
    cfg.validate().map_err(to_corrupt)?;
    let dim = cfg.dimensions;
    if rows64 > super::MAX_SLOTS as u64 {
        return Err(corrupt("row count out of range"));
    }
    let rows = rows64 as usize;
    let cells = rows.checked_mul(dim).ok_or_else(|| corrupt("row count out of range"))?;

    let mut idr = ByteReader::new(r.section(TAG_IDS)?);
    let ids = IdMap::read(&mut idr)?;
    if idr.remaining() != 0 || ids.slot_count() != rows {
        return Err(corrupt("id table does not match the row count"));
    }

    let mut idx = VectorIndex::new(cfg).map_err(to_corrupt)?;
    let mut st = Store::new(dim, cfg.metric, cfg.quantization, idx.store.keep_f32);
    st.rows = rows;
    if st.has_f32() {
        st.f32s = f32_section(&r, TAG_F32, cells, "f32 data")?;
    }
    if st.is_quant() {
        let b = r.section(TAG_CODES)?;
        if b.len() != cells {
            return Err(corrupt("int8 data size does not match rows x dimensions"));
        }
        if has_minus_128(b) {
            return Err(corrupt("int8 code -128 is outside the quantizer's range"));
        }
        st.codes = b.iter().map(|&c| c as i8).collect();
        let ds_len = r.section(TAG_DSCALE)?.len() / 4;
        if st.quant == Quantization::Int8PerDimension {
            if ds_len != 0 || rows > 0 {
                let ds = f32_section(&r, TAG_DSCALE, dim, "per-dimension scales")?;
                if ds.iter().any(|&s| !(s > 0.0)) {
                    return Err(corrupt("per-dimension scale is not positive"));
                }
                st.set_dscale(ds);
            }
        } else if ds_len != 0 {
            return Err(corrupt("unexpected per-dimension scales"));
        }
    }
    if st.quant == Quantization::Int8PerVector {
        st.vscale = f32_section(&r, TAG_VSCALE, rows, "per-vector scales")?;
        if st.vscale.iter().any(|&s| s < 0.0) {
            return Err(corrupt("negative per-vector scale"));
        }
    }
    if st.is_quant() && st.metric == Metric::L2 {
        st.norm2 = f32_section(&r, TAG_NORM2, rows, "norms")?;
    }

    let graph = match cfg.kind {
        IndexKind::Flat => {
            if r.has_section(TAG_GRAPH) {
                return Err(corrupt("flat index carries a graph"));
            }
            None
        }
        IndexKind::Hnsw => Some(read_graph(r.section(TAG_GRAPH)?, &cfg, rows)?),
    };

    let mut live = Bits::new();
    live.resize(rows);
    for (slot, _) in ids.live() {
        live.set(slot);
    }
    idx.ids = ids;
    idx.live = live;
    idx.store = st;
    idx.graph = graph;
    idx.pool = RefCell::new(Vec::new());
    Ok(idx)
}

fn read_graph(bytes: &[u8], cfg: &VectorConfig, rows: usize) -> CoreResult<Graph> {
    let mut g = Graph::new(cfg.m, cfg.ef_construction, HNSW_SEED);
    let mut b = ByteReader::new(bytes);
    g.rng = b.u64()?;
    if g.rng == 0 {
        return Err(corrupt("graph generator state is zero"));
    }
    let entry = b.u32()?;
    let max_level = b.u32()? as usize;
    g.levels = b.take(rows)?.to_vec();
    if g.levels.iter().any(|&l| l as usize > MAX_LEVEL) {
        return Err(corrupt("graph level out of range"));
    }
    let stride0 = g.m0 + 1;
    let n0 = rows.checked_mul(stride0).ok_or_else(|| corrupt("graph too large"))?;
    g.links0 = b.u32s(n0)?;
    let blocks = g.layout_upper().ok_or_else(|| corrupt("graph too large"))?;
    let upper_len = b.u64()?;
    let stride = g.m + 1;
    if Some(upper_len) != blocks.checked_mul(stride).map(|x| x as u64) {
        return Err(corrupt("upper layer size does not match node levels"));
    }
    g.upper = b.u32s(upper_len as usize)?;
    if b.remaining() != 0 {
        return Err(corrupt("graph has trailing bytes"));
    }
    check_lists(&g.links0, stride0, rows)?;
    check_lists(&g.upper, stride, rows)?;
    if rows == 0 {
        if entry != NONE || max_level != 0 {
            return Err(corrupt("empty graph has an entry point"));
        }
    } else {
        let top = g.levels.iter().copied().max().unwrap_or(0) as usize;
        match g.levels.get(entry as usize) {
            Some(&l) if l as usize == max_level && max_level == top => {}
            _ => return Err(corrupt("graph entry point is invalid")),
        }
    }
    g.entry = entry;
    g.max_level = max_level;
    Ok(g)
}

/// Every list: count <= capacity and every id < rows.
fn check_lists(arr: &[u32], stride: usize, rows: usize) -> CoreResult<()> {
    for block in arr.chunks_exact(stride) {
        let c = block[0] as usize;
        if c > stride - 1 {
            return Err(corrupt("neighbour count exceeds capacity"));
        }
        if block[1..1 + c].iter().fold(false, |bad, &x| bad | (x as usize >= rows)) {
            return Err(corrupt("neighbour id out of range"));
        }
    }
    Ok(())
}
