//! Binary heaps of (score, slot) candidates. Scores are always "higher is better"; ties go to the
//! lower slot so every result list is deterministic.

use std::cmp::Ordering;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cand {
    pub score: f32,
    pub slot: u32,
}

impl Cand {
    #[inline]
    pub fn new(score: f32, slot: u32) -> Self {
        // NaN would break heap order; it can only come from overflowing inputs and ranks last.
        Cand { score: if score.is_nan() { f32::NEG_INFINITY } else { score }, slot }
    }
}

/// Strictly better: higher score, or equal score and lower slot.
#[inline]
pub fn better(a: Cand, b: Cand) -> bool {
    a.score > b.score || (a.score == b.score && a.slot < b.slot)
}

/// Total order, best first (for final sorts; never inconsistent).
pub fn best_first(a: &Cand, b: &Cand) -> Ordering {
    b.score.total_cmp(&a.score).then(a.slot.cmp(&b.slot))
}

/// `WORST_TOP = true`: the worst candidate is on top (bounded result sets).
/// `WORST_TOP = false`: the best candidate is on top (HNSW candidate queue).
#[derive(Clone, Debug, Default)]
pub struct Heap<const WORST_TOP: bool> {
    v: Vec<Cand>,
}

pub type WorstTop = Heap<true>;
pub type BestTop = Heap<false>;

impl<const WORST_TOP: bool> Heap<WORST_TOP> {
    pub fn new() -> Self {
        Heap { v: Vec::new() }
    }

    /// Should `a` sit above `b`?
    #[inline]
    fn above(a: Cand, b: Cand) -> bool {
        if WORST_TOP {
            better(b, a)
        } else {
            better(a, b)
        }
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.v.len()
    }

    pub fn clear(&mut self) {
        self.v.clear();
    }

    #[inline]
    pub fn peek(&self) -> Option<Cand> {
        self.v.first().copied()
    }

    pub fn reserve(&mut self, n: usize) {
        self.v.reserve(n);
    }

    #[inline]
    pub fn push(&mut self, c: Cand) {
        self.v.push(c);
        let mut i = self.v.len() - 1;
        while i > 0 {
            let p = (i - 1) / 2;
            if Self::above(self.v[i], self.v[p]) {
                self.v.swap(i, p);
                i = p;
            } else {
                break;
            }
        }
    }

    #[inline]
    pub fn pop(&mut self) -> Option<Cand> {
        let last = self.v.pop()?;
        if self.v.is_empty() {
            return Some(last);
        }
        let top = std::mem::replace(&mut self.v[0], last);
        self.sift_down(0);
        Some(top)
    }

    /// Replaces the top element (cheaper than pop + push).
    #[inline]
    pub fn replace_top(&mut self, c: Cand) {
        if let Some(t) = self.v.first_mut() {
            *t = c;
            self.sift_down(0);
        } else {
            self.v.push(c);
        }
    }

    #[inline]
    fn sift_down(&mut self, mut i: usize) {
        let n = self.v.len();
        loop {
            let l = 2 * i + 1;
            if l >= n {
                break;
            }
            let r = l + 1;
            let c = if r < n && Self::above(self.v[r], self.v[l]) { r } else { l };
            if Self::above(self.v[c], self.v[i]) {
                self.v.swap(c, i);
                i = c;
            } else {
                break;
            }
        }
    }

    /// Drains into `out` sorted best first.
    pub fn drain_sorted_into(&mut self, out: &mut Vec<Cand>) {
        out.clear();
        out.extend_from_slice(&self.v);
        self.v.clear();
        out.sort_unstable_by(best_first);
    }
}

/// Keeps the best `k` candidates seen. `floor()` is the score a newcomer must reach, so a scan
/// pays one compare per vector and touches the heap only for real contenders.
#[derive(Clone, Debug)]
pub struct TopK {
    k: usize,
    heap: WorstTop,
    floor: f32,
}

impl TopK {
    /// `k` must already be clamped to the number of possible results (allocation is k entries).
    pub fn new(k: usize) -> Self {
        let mut heap = WorstTop::new();
        heap.reserve(k);
        TopK { k, heap, floor: f32::NEG_INFINITY }
    }

    #[inline]
    pub fn floor(&self) -> f32 {
        self.floor
    }

    #[inline]
    pub fn push(&mut self, c: Cand) {
        if self.k == 0 {
            return;
        }
        if self.heap.len() < self.k {
            self.heap.push(c);
        } else if let Some(top) = self.heap.peek() {
            if better(c, top) {
                self.heap.replace_top(c);
            } else {
                return;
            }
        }
        if self.heap.len() >= self.k {
            if let Some(top) = self.heap.peek() {
                self.floor = top.score;
            }
        }
    }

    /// Best first.
    pub fn into_sorted(mut self) -> Vec<Cand> {
        let mut out = Vec::with_capacity(self.heap.len());
        self.heap.drain_sorted_into(&mut out);
        out
    }
}
