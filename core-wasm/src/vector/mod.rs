//! Vector search engine: exact (flat) and HNSW indexes over f32 or int8 vectors.
//!
//! Scores are always "higher is better": cosine similarity, dot product, or for L2 the negated
//! Euclidean distance. Ties go to the lower slot. See `store.rs` for the data layout,
//! `flat.rs` / `hnsw.rs` for the two search structures and `persist.rs` for snapshots.
//!
//! int8 notes:
//! - Int8PerVector: each vector gets its own scale (absmax / 127).
//! - Int8PerDimension: the per-dimension scales are fixed from the FIRST upsert batch
//!   (absmax of each dimension / 127, after cosine normalisation) and never change; later values
//!   outside that range are clamped to ±127. Make the first batch representative.
//! - Queries are quantized too (symmetric int8 x int8 kernel, see `SYMMETRIC_INT8`).
//! - `rescore = r > 0` keeps the f32 originals and re-ranks the best k*r candidates exactly.

mod bits;
mod flat;
mod heap;
mod hnsw;
mod metric;
mod persist;
mod quant;
#[macro_use]
mod scorer;
mod store;
mod visited;
#[cfg(test)]
mod bench_tests;
#[cfg(test)]
mod tests;

use crate::error::{fail, Code, CoreResult};
use crate::idmap::IdMap;
use bits::Bits;
use heap::{Cand, TopK};
use hnsw::{Filter, Graph, SearchCtx};
use std::cell::RefCell;
use store::{Prepared, Store, View};

pub const MAX_DIMENSIONS: usize = 65536;
pub const MAX_K: usize = 1_000_000;
pub const MAX_EF: usize = 1_000_000;
pub const MAX_RESCORE: usize = 100;
pub const MIN_M: usize = 2;
pub const MAX_M: usize = 256;
/// Highest slot count (slots are u32 and u32::MAX marks "none" inside the graph).
pub const MAX_SLOTS: usize = (u32::MAX - 1) as usize;
/// Seed of the HNSW level generator (fixed: builds are reproducible).
pub const HNSW_SEED: u64 = 0x2545_F491_4F6C_DD1D;
/// Allow-lists with at most this many eligible slots are always scanned exactly.
pub const SMALL_ALLOW: usize = 2048;
/// int8 queries are quantized too (i8 x i8 kernel) rather than kept in f32 (f32 x i8 kernel).
/// Chosen by measurement: see the module report / `tests::int8_recall_report`.
pub const SYMMETRIC_INT8: bool = true;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Metric {
    Cosine = 0,
    Dot = 1,
    L2 = 2,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Quantization {
    None = 0,
    Int8PerVector = 1,
    Int8PerDimension = 2,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum IndexKind {
    Flat = 0,
    Hnsw = 1,
}

impl Metric {
    pub fn from_u32(v: u32) -> CoreResult<Metric> {
        match v {
            0 => Ok(Metric::Cosine),
            1 => Ok(Metric::Dot),
            2 => Ok(Metric::L2),
            _ => fail(Code::InvalidArgument, format!("unknown metric {} (expected 0 = cosine, 1 = dot, 2 = l2)", v)),
        }
    }
}

impl Quantization {
    pub fn from_u32(v: u32) -> CoreResult<Quantization> {
        match v {
            0 => Ok(Quantization::None),
            1 => Ok(Quantization::Int8PerVector),
            2 => Ok(Quantization::Int8PerDimension),
            _ => fail(
                Code::InvalidArgument,
                format!("unknown quantization {} (expected 0 = none, 1 = int8 per vector, 2 = int8 per dimension)", v),
            ),
        }
    }
}

impl IndexKind {
    pub fn from_u32(v: u32) -> CoreResult<IndexKind> {
        match v {
            0 => Ok(IndexKind::Flat),
            1 => Ok(IndexKind::Hnsw),
            _ => fail(Code::InvalidArgument, format!("unknown index kind {} (expected 0 = flat, 1 = hnsw)", v)),
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct VectorConfig {
    pub dimensions: usize,
    pub metric: Metric,
    pub quantization: Quantization,
    pub kind: IndexKind,
    /// HNSW: max neighbours per node on upper layers (layer 0 keeps 2M).
    pub m: usize,
    pub ef_construction: usize,
    pub ef_search: usize,
    /// int8 only: 0 = no exact rescoring; r > 0 keeps f32 originals and rescores the top k*r.
    pub rescore: usize,
}

impl VectorConfig {
    pub fn defaults(dimensions: usize) -> Self {
        VectorConfig {
            dimensions,
            metric: Metric::Cosine,
            quantization: Quantization::None,
            kind: IndexKind::Flat,
            m: 16,
            ef_construction: 200,
            ef_search: 64,
            rescore: 0,
        }
    }

    /// Checks every field (HNSW parameters too, even for Flat, so a config is valid either way).
    pub fn validate(&self) -> CoreResult<()> {
        if self.dimensions < 1 || self.dimensions > MAX_DIMENSIONS {
            return fail(Code::InvalidArgument, format!("dimensions must be between 1 and {}, got {}", MAX_DIMENSIONS, self.dimensions));
        }
        if self.m < MIN_M || self.m > MAX_M {
            return fail(Code::InvalidArgument, format!("m must be between {} and {}, got {}", MIN_M, MAX_M, self.m));
        }
        if self.ef_construction < 1 || self.ef_construction > MAX_EF {
            return fail(Code::InvalidArgument, format!("efConstruction must be between 1 and {}, got {}", MAX_EF, self.ef_construction));
        }
        if self.ef_search < 1 || self.ef_search > MAX_EF {
            return fail(Code::InvalidArgument, format!("efSearch must be between 1 and {}, got {}", MAX_EF, self.ef_search));
        }
        if self.rescore > MAX_RESCORE {
            return fail(Code::InvalidArgument, format!("rescore must be between 0 and {}, got {}", MAX_RESCORE, self.rescore));
        }
        Ok(())
    }
}

/// Search results, best first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hits {
    pub slots: Vec<u32>,
    pub scores: Vec<f32>,
}

impl Hits {
    pub fn len(&self) -> usize {
        self.slots.len()
    }
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

/// Per-search scratch, pooled so `search(&self)` allocates nothing in steady state.
#[derive(Default)]
struct Ctx {
    prep: Prepared,
    search: SearchCtx,
    allow: Bits,
    cands: Vec<Cand>,
}

/// A vector index (flat or HNSW). `search` takes `&self` and reuses pooled scratch buffers
/// through a `RefCell`, so the type is `Send` but not `Sync` (one index, one thread at a time).
pub struct VectorIndex {
    cfg: VectorConfig,
    ids: IdMap,
    /// Live (non-tombstoned) slots.
    live: Bits,
    store: Store,
    graph: Option<Graph>,
    pool: RefCell<Vec<Ctx>>,
}

impl VectorIndex {
    /// Validates the config (see `VectorConfig::validate`) and creates an empty index.
    pub fn new(cfg: VectorConfig) -> CoreResult<VectorIndex> {
        cfg.validate()?;
        let keep_f32 = cfg.quantization != Quantization::None && cfg.rescore > 0;
        let store = Store::new(cfg.dimensions, cfg.metric, cfg.quantization, keep_f32);
        let graph = match cfg.kind {
            IndexKind::Flat => None,
            IndexKind::Hnsw => Some(Graph::new(cfg.m, cfg.ef_construction, HNSW_SEED)),
        };
        Ok(VectorIndex { cfg, ids: IdMap::new(), live: Bits::new(), store, graph, pool: RefCell::new(Vec::new()) })
    }

    pub fn config(&self) -> &VectorConfig {
        &self.cfg
    }

    /// Live vectors.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Slot <-> id table (slots change on `compact`).
    pub fn ids(&self) -> &IdMap {
        &self.ids
    }

    /// Finite values; non-zero for cosine. `what(i)` names the offending vector in messages.
    fn check_vector<F: Fn() -> String>(&self, v: &[f32], what: F) -> CoreResult<()> {
        let mut any = false;
        for (j, x) in v.iter().enumerate() {
            if !x.is_finite() {
                return fail(Code::VectorNotFinite, format!("{} has a non-finite value ({}) at dimension {}", what(), x, j));
            }
            any |= *x != 0.0;
        }
        if !any && self.cfg.metric == Metric::Cosine {
            return fail(Code::ZeroVector, format!("{} is all zeros, which has no direction for cosine similarity", what()));
        }
        Ok(())
    }

    /// Atomic batch insert / replace. Validates ALL ids (`IdMap::validate_batch`) and ALL values
    /// (`data.len() == ids.len() * dim` else DimensionMismatch; NaN/Inf -> VectorNotFinite naming
    /// the vector position; all-zero with cosine -> ZeroVector) and reserves memory before any
    /// change, so an error leaves the index untouched. An existing id gets a new slot and its old
    /// slot is tombstoned. Returns the slot of each id, in order.
    pub fn upsert(&mut self, ids: &[&str], data: &[f32]) -> CoreResult<Vec<u32>> {
        IdMap::validate_batch(ids)?;
        let dim = self.cfg.dimensions;
        let expected = match ids.len().checked_mul(dim) {
            Some(e) => e,
            None => return fail(Code::TooLarge, "batch is too large"),
        };
        if data.len() != expected {
            return fail(
                Code::DimensionMismatch,
                format!("expected {} values ({} ids x {} dimensions), got {}", expected, ids.len(), dim, data.len()),
            );
        }
        for (i, v) in data.chunks_exact(dim).enumerate() {
            self.check_vector(v, || format!("vector at position {} (id \"{}\")", i, ids.get(i).copied().unwrap_or("")))?;
        }
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let n = ids.len();
        match self.ids.slot_count().checked_add(n) {
            Some(t) if t <= MAX_SLOTS => {}
            _ => return fail(Code::TooLarge, "the index would exceed 4294967294 slots; compact or split it"),
        }
        self.store.try_reserve(n)?;
        self.live.try_reserve(n).map_err(|_| store::oom())?;
        if let Some(g) = self.graph.as_mut() {
            g.try_reserve(n)?;
        }
        let mut out = Vec::new();
        out.try_reserve_exact(n).map_err(|_| store::oom())?;

        if self.store.needs_dscale() {
            self.store.init_dscale(data);
        }
        let mut tmp = Vec::with_capacity(dim);
        for (id, v) in ids.iter().zip(data.chunks_exact(dim)) {
            let (slot, prev) = self.ids.insert(id);
            self.live.resize(slot as usize + 1);
            self.live.set(slot);
            if let Some(p) = prev {
                self.live.clear(p);
            }
            self.store.push(v, &mut tmp);
            if let Some(g) = self.graph.as_mut() {
                g.insert(&self.store, slot);
            }
            out.push(slot);
        }
        Ok(out)
    }

    /// Reserves room for `extra` more vectors (exactly, for a first batch), so a following series
    /// of upserts — e.g. a large batch sent in slices — appends without reallocating. Contents are
    /// unchanged; a failed reservation is `OutOfMemory`.
    pub fn reserve(&mut self, extra: usize) -> CoreResult<()> {
        self.store.try_reserve(extra)?;
        self.live.try_reserve(extra).map_err(|_| store::oom())?;
        if let Some(g) = self.graph.as_mut() {
            g.try_reserve(extra)?;
        }
        Ok(())
    }

    /// Tombstones the given ids (unknown ids are ignored). Returns how many were deleted.
    pub fn delete(&mut self, ids: &[&str]) -> usize {
        let mut n = 0;
        for id in ids {
            if let Some(slot) = self.ids.remove(id) {
                self.live.clear(slot);
                n += 1;
            }
        }
        n
    }

    fn check_k(k: usize) -> CoreResult<()> {
        if k < 1 || k > MAX_K {
            return fail(Code::InvalidK, format!("k must be between 1 and {}, got {}", MAX_K, k));
        }
        Ok(())
    }

    fn check_ef(ef: Option<usize>) -> CoreResult<()> {
        match ef {
            Some(e) if e < 1 || e > MAX_EF => fail(Code::InvalidArgument, format!("ef must be between 1 and {}, got {}", MAX_EF, e)),
            _ => Ok(()),
        }
    }

    /// Top `k` (1..=1_000_000, else InvalidK) live vectors, best first, ties to the lower slot.
    /// `allow` restricts results to those slots (stale / out-of-range / duplicate entries are
    /// ignored); `ef` overrides efSearch for HNSW (raised to at least k). Returns
    /// min(k, live matches) hits; an empty index gives empty hits.
    pub fn search(&self, query: &[f32], k: usize, allow: Option<&[u32]>, ef: Option<usize>) -> CoreResult<Hits> {
        Self::check_k(k)?;
        Self::check_ef(ef)?;
        let dim = self.cfg.dimensions;
        if query.len() != dim {
            return fail(Code::DimensionMismatch, format!("query has {} values but the index has {} dimensions", query.len(), dim));
        }
        self.check_vector(query, || "query".to_string())?;
        let mut ctx = self.take_ctx();
        let eligible = self.eligible(allow, &mut ctx.allow);
        let Ctx { prep, search, allow: allow_bits, cands } = &mut ctx;
        self.store.prepare(query, prep);
        let filter = if allow.is_some() { Some(&*allow_bits) } else { None };
        let hits = self.search_prepared(prep, k, filter, eligible, ef, search, cands);
        self.give_ctx(ctx);
        Ok(hits)
    }

    /// `search` for n queries laid out as n*dim values (all validated first). A flat index scans
    /// its data once for the whole batch.
    pub fn search_batch(&self, queries: &[f32], k: usize, allow: Option<&[u32]>, ef: Option<usize>) -> CoreResult<Vec<Hits>> {
        Self::check_k(k)?;
        Self::check_ef(ef)?;
        let dim = self.cfg.dimensions;
        if queries.len() % dim != 0 {
            return fail(
                Code::DimensionMismatch,
                format!("query batch has {} values, which is not a multiple of {} dimensions", queries.len(), dim),
            );
        }
        for (i, q) in queries.chunks_exact(dim).enumerate() {
            self.check_vector(q, || format!("query at position {}", i))?;
        }
        let nq = queries.len() / dim;
        let mut ctx = self.take_ctx();
        let eligible = self.eligible(allow, &mut ctx.allow);
        let filter = if allow.is_some() { Some(&ctx.allow) } else { None };
        let mut out = Vec::with_capacity(nq);
        if self.graph.is_none() && nq > 1 {
            // Flat: one blocked pass over the data for the whole batch.
            let k_eff = k.min(eligible);
            let preps: Vec<Prepared> = queries
                .chunks_exact(dim)
                .map(|q| {
                    let mut p = Prepared::default();
                    self.store.prepare(q, &mut p);
                    p
                })
                .collect();
            if k_eff == 0 {
                out.resize(nq, Hits::default());
            } else {
                let want = self.candidates_wanted(k_eff, eligible);
                let views: Vec<View> = preps.iter().map(|p| self.store.search_view(p)).collect();
                let mut tops: Vec<TopK> = (0..nq).map(|_| TopK::new(want)).collect();
                flat::scan_batch(&self.store, &views, filter.unwrap_or(&self.live), &mut tops);
                for (p, top) in preps.iter().zip(tops) {
                    out.push(self.finish(p, top.into_sorted(), k_eff, false));
                }
            }
        } else {
            let Ctx { prep, search, allow: allow_bits, cands } = &mut ctx;
            let filter = if allow.is_some() { Some(&*allow_bits) } else { None };
            for q in queries.chunks_exact(dim) {
                self.store.prepare(q, prep);
                out.push(self.search_prepared(prep, k, filter, eligible, ef, search, cands));
            }
        }
        self.give_ctx(ctx);
        Ok(out)
    }

    /// Fills `bits` with live & allowed slots (ignoring stale / out-of-range / duplicate ones)
    /// and returns how many are eligible.
    fn eligible(&self, allow: Option<&[u32]>, bits: &mut Bits) -> usize {
        match allow {
            None => self.ids.len(),
            Some(list) => {
                bits.reset(self.store.rows);
                let mut n = 0;
                for &s in list {
                    if self.live.get(s) && bits.set(s) {
                        n += 1;
                    }
                }
                n
            }
        }
    }

    fn rescoring(&self) -> bool {
        self.store.keep_f32 && self.cfg.rescore > 0
    }

    /// How many candidates the first (possibly int8) stage must produce.
    fn candidates_wanted(&self, k: usize, eligible: usize) -> usize {
        if self.rescoring() {
            k.saturating_mul(self.cfg.rescore).min(eligible).max(k)
        } else {
            k
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn search_prepared(
        &self,
        prep: &Prepared,
        k: usize,
        filter: Option<&Bits>,
        eligible: usize,
        ef: Option<usize>,
        sctx: &mut SearchCtx,
        cands: &mut Vec<Cand>,
    ) -> Hits {
        let k = k.min(eligible);
        if k == 0 {
            return Hits::default();
        }
        let ok = filter.unwrap_or(&self.live);
        let want = self.candidates_wanted(k, eligible);
        let ef_eff = ef.unwrap_or(self.cfg.ef_search).max(want);
        let graph = match &self.graph {
            Some(g) if !(filter.is_some() && self.small_allow(eligible, ef_eff)) => g,
            _ => {
                // Exact scan: flat index, or an allow-list small enough that scanning it beats
                // a filtered graph walk.
                if filter.is_some() && self.graph.is_some() && self.store.has_f32() {
                    let mut top = TopK::new(k);
                    flat::scan_slots(&self.store, View::F32(&prep.exact), ok.ones(), &mut top);
                    return self.finish(prep, top.into_sorted(), k, true);
                }
                let view = self.store.search_view(prep);
                let mut top = TopK::new(want);
                if filter.is_some() && eligible.saturating_mul(16) < self.store.rows {
                    flat::scan_slots(&self.store, view, ok.ones(), &mut top);
                } else {
                    flat::scan_all(&self.store, view, ok, &mut top);
                }
                return self.finish(prep, top.into_sorted(), k, !self.store.is_quant());
            }
        };
        let view = self.store.search_view(prep);
        graph.search(&self.store, view, ef_eff.min(graph.len().max(1)), &Filter::Only(ok), sctx, cands);
        cands.truncate(want);
        let list = std::mem::take(cands);
        let hits = self.finish(prep, list, k, !self.store.is_quant());
        hits
    }

    /// Scanning e allowed rows costs e distances; a filtered walk costs about ef*32 distances
    /// divided by the selectivity e/n. Scan when e <= SMALL_ALLOW or e^2 <= 32*ef*n.
    fn small_allow(&self, eligible: usize, ef: usize) -> bool {
        if eligible <= SMALL_ALLOW {
            return true;
        }
        let e = eligible as u128;
        e * e <= 32u128 * ef as u128 * self.store.rows as u128
    }

    /// Rescoring (int8 with originals), truncation to k, public score conversion.
    fn finish(&self, prep: &Prepared, mut cands: Vec<Cand>, k: usize, exact: bool) -> Hits {
        if !exact && self.rescoring() {
            let view = View::F32(&prep.exact);
            for c in cands.iter_mut() {
                *c = Cand::new(self.store.score(view, c.slot), c.slot);
            }
            cands.sort_unstable_by(heap::best_first);
        }
        cands.truncate(k);
        Hits {
            slots: cands.iter().map(|c| c.slot).collect(),
            scores: cands.iter().map(|c| self.store.public_score(c.score)).collect(),
        }
    }

    fn take_ctx(&self) -> Ctx {
        match self.pool.try_borrow_mut() {
            Ok(mut p) => p.pop().unwrap_or_default(),
            Err(_) => Ctx::default(),
        }
    }

    fn give_ctx(&self, mut ctx: Ctx) {
        ctx.cands.clear();
        if let Ok(mut p) = self.pool.try_borrow_mut() {
            if p.len() < 2 {
                p.push(ctx);
            }
        }
    }

    /// Drops tombstones; slots are renumbered (see `IdMap::compact`). The HNSW graph is
    /// repaired around the deleted nodes, or rebuilt when more than half the slots are dead.
    pub fn compact(&mut self) {
        let total = self.ids.slot_count();
        let dead = total - self.ids.len();
        if dead == 0 {
            return;
        }
        let remap = self.ids.compact();
        let new_graph = match &self.graph {
            Some(g) if dead * 2 <= total => Some(g.repaired(&self.store, &remap)),
            _ => None,
        };
        let kept_levels: Vec<u8> = match &self.graph {
            Some(g) if new_graph.is_none() => remap
                .iter()
                .zip(g.levels.iter())
                .filter_map(|(r, &l)| r.map(|_| l))
                .collect(),
            _ => Vec::new(),
        };
        self.store.compact(&remap);
        self.graph = match (new_graph, &self.graph) {
            (Some(g), _) => Some(g),
            (None, Some(old)) => Some(old.rebuilt(&self.store, &kept_levels)),
            (None, None) => None,
        };
        let n = self.ids.slot_count();
        self.live.reset(n);
        for (slot, _) in self.ids.live() {
            self.live.set(slot);
        }
        self.pool.get_mut().clear();
    }

    /// Approximate bytes held: vector data, scales, graph, tombstone bits, id table.
    pub fn memory_bytes(&self) -> usize {
        let ids: usize = self.ids.live().map(|(_, id)| 2 * id.len() + 48).sum::<usize>() + self.ids.slot_count() * 24;
        let pool: usize = match self.pool.try_borrow() {
            Ok(p) => p.iter().map(|c| c.search.visited.capacity_bytes() + c.allow.capacity_bytes()).sum(),
            Err(_) => 0,
        };
        self.store.memory_bytes() + self.graph.as_ref().map_or(0, |g| g.memory_bytes()) + self.live.capacity_bytes() + ids + pool
    }

    /// Snapshot (container kind KIND_VECTOR): config, ids, data, scales/norms, graph.
    pub fn save(&self) -> Vec<u8> {
        persist::save(self)
    }

    /// Restores a snapshot, validating every size, code, scale and neighbour id.
    pub fn load(bytes: &[u8]) -> CoreResult<VectorIndex> {
        persist::load(bytes)
    }
}
