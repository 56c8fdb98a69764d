//! Hierarchical Navigable Small World graph (Malkov & Yashunin, 2016), hnswlib-style.
//!
//! - Node `i` is slot `i`. Levels are drawn with mult 1/ln(M) from a seeded xorshift64*, so a
//!   given sequence of upserts always builds the same graph.
//! - Layer 0 keeps up to M0 = 2M neighbours, upper layers M. Lists live in flat arrays with a
//!   fixed capacity per node: `links0[i*(M0+1)]` is the count followed by the ids; upper layers
//!   are blocks of (M+1) in `upper`, node i's level-l block at `upper_off[i] + l - 1`.
//! - Neighbours are chosen with the selection heuristic (keep a candidate only if it is closer
//!   to the base than to every neighbour already kept); full lists are re-pruned the same way.
//! - Deleted nodes stay in the graph as routing nodes (never returned) until compaction, which
//!   repairs lists around the deleted nodes or rebuilds when most of the graph is gone.

use super::bits::Bits;
use super::heap::{best_first, BestTop, Cand, WorstTop};
use super::scorer::{with_scorer, Scorer};
use super::store::{grow, Store, View};
use super::visited::Visited;
use crate::error::CoreResult;

pub(crate) const MAX_LEVEL: usize = 16;
pub(crate) const NONE: u32 = u32::MAX;

/// Scratch reused across searches / inserts (never persisted).
#[derive(Clone, Debug, Default)]
pub(crate) struct SearchCtx {
    pub visited: Visited,
    pub cands: BestTop,
    pub results: WorstTop,
    pub sorted: Vec<Cand>,
    pub sel: Vec<Cand>,
    pub tmp: Vec<Cand>,
    pub sel2: Vec<Cand>,
    pub batch: Vec<u32>,
    pub buf_q: Vec<f32>,
    pub buf_e: Vec<f32>,
    pub buf_c: Vec<f32>,
}

/// Which nodes may appear in results (all nodes are traversed).
pub(crate) enum Filter<'a> {
    All,
    Only(&'a Bits),
}

impl<'a> Filter<'a> {
    #[inline]
    fn ok(&self, i: u32) -> bool {
        match self {
            Filter::All => true,
            Filter::Only(b) => b.get(i),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Graph {
    pub m: usize,
    pub m0: usize,
    pub ef_construction: usize,
    pub ml: f64,
    pub rng: u64,
    pub levels: Vec<u8>,
    pub links0: Vec<u32>,
    pub upper_off: Vec<u32>,
    pub upper: Vec<u32>,
    pub entry: u32,
    pub max_level: usize,
    ctx: SearchCtx,
}

impl Graph {
    pub fn new(m: usize, ef_construction: usize, seed: u64) -> Self {
        Graph {
            m,
            m0: 2 * m,
            ef_construction,
            ml: 1.0 / (m as f64).ln(),
            rng: if seed == 0 { 0x9E37_79B9_7F4A_7C15 } else { seed },
            levels: Vec::new(),
            links0: Vec::new(),
            upper_off: Vec::new(),
            upper: Vec::new(),
            entry: NONE,
            max_level: 0,
            ctx: SearchCtx::default(),
        }
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.levels.len()
    }

    pub fn try_reserve(&mut self, extra: usize) -> CoreResult<()> {
        grow(&mut self.levels, extra)?;
        grow(&mut self.upper_off, extra)?;
        grow(&mut self.links0, extra.checked_mul(self.m0 + 1).ok_or_else(super::store::oom)?)
    }

    /// Next level from the seeded generator: floor(-ln(u) * mL).
    pub fn next_level(&mut self) -> usize {
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        let r = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
        let u = ((r >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
        let l = -u.ln() * self.ml;
        if l >= MAX_LEVEL as f64 {
            MAX_LEVEL
        } else {
            l as usize
        }
    }

    /// Appends an empty node with `level` (node id = previous length).
    pub fn push_node(&mut self, level: usize) {
        let level = level.min(MAX_LEVEL);
        self.levels.push(level as u8);
        self.links0.resize(self.links0.len() + self.m0 + 1, 0);
        if level > 0 {
            self.upper_off.push((self.upper.len() / (self.m + 1)) as u32);
            self.upper.resize(self.upper.len() + level * (self.m + 1), 0);
        } else {
            self.upper_off.push(NONE);
        }
    }

    /// Start of node `i`'s list at `level` (count cell), if it exists.
    #[inline]
    fn list_start(&self, i: u32, level: usize) -> Option<(bool, usize)> {
        let iu = i as usize;
        if level == 0 {
            if iu < self.levels.len() {
                return Some((true, iu * (self.m0 + 1)));
            }
            return None;
        }
        let lv = *self.levels.get(iu)? as usize;
        let off = *self.upper_off.get(iu)?;
        if level > lv || off == NONE {
            return None;
        }
        Some((false, (off as usize + level - 1) * (self.m + 1)))
    }

    #[inline]
    pub fn neighbors(&self, i: u32, level: usize) -> &[u32] {
        let (zero, st) = match self.list_start(i, level) {
            Some(x) => x,
            None => return &[],
        };
        let (arr, cap) = if zero { (&self.links0, self.m0) } else { (&self.upper, self.m) };
        match arr.get(st..st + cap + 1) {
            Some(b) => {
                let c = (b[0] as usize).min(cap);
                &b[1..1 + c]
            }
            None => &[],
        }
    }

    pub fn set_neighbors<I: Iterator<Item = u32>>(&mut self, i: u32, level: usize, items: I) {
        let (zero, st) = match self.list_start(i, level) {
            Some(x) => x,
            None => return,
        };
        let cap = if zero { self.m0 } else { self.m };
        let arr = if zero { &mut self.links0 } else { &mut self.upper };
        if let Some(b) = arr.get_mut(st..st + cap + 1) {
            let mut c = 0;
            for x in items.take(cap) {
                b[1 + c] = x;
                c += 1;
            }
            b[0] = c as u32;
        }
    }

    fn append_neighbor(&mut self, i: u32, level: usize, x: u32) {
        let (zero, st) = match self.list_start(i, level) {
            Some(v) => v,
            None => return,
        };
        let cap = if zero { self.m0 } else { self.m };
        let arr = if zero { &mut self.links0 } else { &mut self.upper };
        if let Some(b) = arr.get_mut(st..st + cap + 1) {
            let c = b[0] as usize;
            if c < cap {
                b[1 + c] = x;
                b[0] = (c + 1) as u32;
            }
        }
    }

    /// Greedy walk (ef = 1) on an upper layer.
    fn greedy<S: Scorer>(&self, sc: S, mut ep: Cand, level: usize) -> Cand {
        loop {
            let mut changed = false;
            for &nb in self.neighbors(ep.slot, level) {
                let s = sc.score(nb);
                if s > ep.score {
                    ep = Cand::new(s, nb);
                    changed = true;
                }
            }
            if !changed {
                return ep;
            }
        }
    }

    /// Best-first search on one layer; leaves up to `ef` results (allowed by `filter`) in
    /// `ctx.results`. Non-allowed nodes are still expanded, so a filter never disconnects.
    fn search_layer<S: Scorer>(&self, sc: S, ep: Cand, ef: usize, level: usize, ctx: &mut SearchCtx, filter: &Filter) {
        let SearchCtx { visited, cands, results, batch, .. } = ctx;
        visited.reset(self.len());
        cands.clear();
        results.clear();
        visited.insert(ep.slot);
        cands.push(ep);
        if filter.ok(ep.slot) {
            results.push(ep);
        }
        while let Some(c) = cands.pop() {
            if results.len() >= ef {
                if let Some(w) = results.peek() {
                    if c.score < w.score {
                        break;
                    }
                }
            }
            // Collect the unvisited neighbours first, then score them in one tight loop: the
            // loads of consecutive rows overlap (and are prefetched natively).
            batch.clear();
            for &nb in self.neighbors(c.slot, level) {
                if visited.insert(nb) {
                    batch.push(nb);
                }
            }
            if let Some(&f) = batch.first() {
                sc.prefetch(f);
            }
            for j in 0..batch.len() {
                let nb = batch[j];
                if let Some(&next) = batch.get(j + 1) {
                    sc.prefetch(next);
                }
                let s = sc.score(nb);
                let admit = results.len() < ef || results.peek().map_or(true, |w| s > w.score);
                if admit {
                    let cand = Cand::new(s, nb);
                    cands.push(cand);
                    if filter.ok(nb) {
                        results.push(cand);
                        if results.len() > ef {
                            results.pop();
                        }
                    }
                }
            }
        }
    }

    /// Inserts node `slot` (must equal `len()`) with a fresh random level.
    pub fn insert(&mut self, store: &Store, slot: u32) {
        let level = self.next_level();
        self.insert_at_level(store, slot, level);
    }

    pub fn insert_at_level(&mut self, store: &Store, slot: u32, level: usize) {
        if slot as usize != self.len() {
            return;
        }
        let level = level.min(MAX_LEVEL);
        self.push_node(level);
        if self.entry == NONE {
            self.entry = slot;
            self.max_level = level;
            return;
        }
        let exact = store.has_f32();
        let mut ctx = std::mem::take(&mut self.ctx);
        let mut qbuf = std::mem::take(&mut ctx.buf_q);
        {
            let view = store.node_view(slot, exact, &mut qbuf);
            with_scorer!(store, view, |sc| self.insert_inner(store, sc, exact, slot, level, &mut ctx));
        }
        ctx.buf_q = qbuf;
        self.ctx = ctx;
        if level > self.max_level {
            self.entry = slot;
            self.max_level = level;
        }
    }

    fn insert_inner<S: Scorer>(&mut self, store: &Store, sc: S, exact: bool, slot: u32, level: usize, ctx: &mut SearchCtx) {
        let mut sorted = std::mem::take(&mut ctx.sorted);
        let mut sel = std::mem::take(&mut ctx.sel);
        let mut ep = Cand::new(sc.score(self.entry), self.entry);
        let mut lc = self.max_level;
        while lc > level {
            ep = self.greedy(sc, ep, lc);
            lc -= 1;
        }
        for lc in (0..=level.min(self.max_level)).rev() {
            self.search_layer(sc, ep, self.ef_construction, lc, ctx, &Filter::All);
            ctx.results.drain_sorted_into(&mut sorted);
            if let Some(b) = sorted.first() {
                ep = *b;
            }
            select(store, exact, &sorted, self.m, &mut sel, &mut ctx.buf_c);
            self.set_neighbors(slot, lc, sel.iter().map(|c| c.slot));
            for c in sel.iter() {
                self.connect(store, exact, c.slot, slot, c.score, lc, ctx);
            }
        }
        ctx.sorted = sorted;
        ctx.sel = sel;
    }

    /// Adds the back link e -> q, re-pruning e's list with the heuristic when it is full.
    #[allow(clippy::too_many_arguments)]
    fn connect(&mut self, store: &Store, exact: bool, e: u32, q: u32, score_eq: f32, level: usize, ctx: &mut SearchCtx) {
        let cap = if level == 0 { self.m0 } else { self.m };
        let current = self.neighbors(e, level);
        if current.len() < cap {
            self.append_neighbor(e, level, q);
            return;
        }
        let SearchCtx { tmp, sel2, buf_e, buf_c, .. } = ctx;
        tmp.clear();
        {
            let ev = store.node_view(e, exact, buf_e);
            with_scorer!(store, ev, |sc| {
                for &x in current {
                    tmp.push(Cand::new(sc.score(x), x));
                }
            });
        }
        tmp.push(Cand::new(score_eq, q));
        tmp.sort_unstable_by(best_first);
        select(store, exact, tmp, cap, sel2, buf_c);
        self.set_neighbors(e, level, sel2.iter().map(|c| c.slot));
    }

    /// k-NN search: greedy descent, then best-first on layer 0 with `ef`. Results sorted best
    /// first into `out` (at most `ef`).
    pub fn search(&self, store: &Store, view: View, ef: usize, filter: &Filter, ctx: &mut SearchCtx, out: &mut Vec<Cand>) {
        out.clear();
        if self.entry == NONE || self.entry as usize >= self.len() {
            return;
        }
        with_scorer!(store, view, |sc| {
            let mut ep = Cand::new(sc.score(self.entry), self.entry);
            let mut lc = self.max_level;
            while lc > 0 {
                ep = self.greedy(sc, ep, lc);
                lc -= 1;
            }
            self.search_layer(sc, ep, ef.max(1), 0, ctx, filter);
        });
        ctx.results.drain_sorted_into(out);
    }

    /// Graph over the kept nodes after `remap` (old -> new), built on the OLD store.
    /// Lists that lost a neighbour are refilled from the deleted neighbours' own neighbours and
    /// re-pruned with the heuristic (FreshDiskANN-style consolidation).
    pub fn repaired(&self, store: &Store, remap: &[Option<u32>]) -> Graph {
        let mut g = Graph::new(self.m, self.ef_construction, 1);
        g.rng = self.rng;
        let n_old = self.len().min(remap.len());
        for old in 0..n_old {
            if remap[old].is_some() {
                g.push_node(self.levels[old] as usize);
            }
        }
        let live = |x: u32| -> Option<u32> { remap.get(x as usize).copied().flatten() };
        let exact = store.has_f32();
        let mut ctx = SearchCtx::default();
        let mut mapped: Vec<u32> = Vec::with_capacity(self.m0);
        for level in 0..=self.max_level {
            let cap = if level == 0 { self.m0 } else { self.m };
            for old in 0..n_old {
                let new = match remap[old] {
                    Some(n) => n,
                    None => continue,
                };
                if (self.levels[old] as usize) < level {
                    continue;
                }
                let nb = self.neighbors(old as u32, level);
                mapped.clear();
                if nb.iter().all(|&x| live(x).is_some()) {
                    mapped.extend(nb.iter().filter_map(|&x| live(x)));
                } else {
                    let SearchCtx { visited, tmp, sel, buf_e, buf_c, .. } = &mut ctx;
                    visited.reset(self.len());
                    visited.insert(old as u32);
                    tmp.clear();
                    let view = store.node_view(old as u32, exact, buf_e);
                    for &x in nb {
                        if live(x).is_some() {
                            if visited.insert(x) {
                                tmp.push(Cand::new(store.score(view, x), x));
                            }
                        } else {
                            for &y in self.neighbors(x, level) {
                                if live(y).is_some() && visited.insert(y) {
                                    tmp.push(Cand::new(store.score(view, y), y));
                                }
                            }
                        }
                    }
                    tmp.sort_unstable_by(best_first);
                    select(store, exact, tmp, cap, sel, buf_c);
                    mapped.extend(sel.iter().filter_map(|c| live(c.slot)));
                }
                g.set_neighbors(new, level, mapped.iter().copied());
            }
        }
        match live(self.entry) {
            Some(e) => {
                g.entry = e;
                g.max_level = self.max_level;
            }
            None => g.pick_entry(),
        }
        g
    }

    /// Entry point = first node with the highest level (NONE if empty).
    pub fn pick_entry(&mut self) {
        self.entry = NONE;
        self.max_level = 0;
        for (i, &l) in self.levels.iter().enumerate() {
            if self.entry == NONE || l as usize > self.max_level {
                self.entry = i as u32;
                self.max_level = l as usize;
            }
        }
    }

    /// Fresh graph over all rows of `store`, reusing the given levels (row i gets levels[i]).
    pub fn rebuilt(&self, store: &Store, levels: &[u8]) -> Graph {
        let mut g = Graph::new(self.m, self.ef_construction, 1);
        g.rng = self.rng;
        let _ = g.try_reserve(store.rows);
        for i in 0..store.rows {
            let l = levels.get(i).copied().unwrap_or(0) as usize;
            g.insert_at_level(store, i as u32, l);
        }
        g
    }

    pub fn memory_bytes(&self) -> usize {
        self.levels.capacity() + (self.links0.capacity() + self.upper_off.capacity() + self.upper.capacity()) * 4 + self.ctx.visited.capacity_bytes()
    }

    /// Rebuilds `upper_off` from `levels` (blocks are laid out in node order). Returns the
    /// number of upper blocks, or None on overflow.
    pub fn layout_upper(&mut self) -> Option<usize> {
        self.upper_off.clear();
        let mut blocks = 0usize;
        for &l in &self.levels {
            if l == 0 {
                self.upper_off.push(NONE);
            } else {
                if blocks >= NONE as usize {
                    return None;
                }
                self.upper_off.push(blocks as u32);
                blocks = blocks.checked_add(l as usize)?;
            }
        }
        Some(blocks)
    }
}

/// Neighbour-selection heuristic over candidates sorted best first (scores relative to the
/// base node): keep `c` only if no already-kept neighbour is closer to `c` than the base is.
pub(crate) fn select(store: &Store, exact: bool, cands: &[Cand], m: usize, out: &mut Vec<Cand>, buf: &mut Vec<f32>) {
    out.clear();
    if cands.len() <= m {
        out.extend_from_slice(cands);
        return;
    }
    for &c in cands {
        if out.len() >= m {
            break;
        }
        let v = store.node_view(c.slot, exact, buf);
        let good = with_scorer!(store, v, |sc| out.iter().all(|r| sc.score(r.slot) <= c.score));
        if good {
            out.push(c);
        }
    }
}
