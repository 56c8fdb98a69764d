//! Generation-stamped visited set: clearing is one increment, not an O(n) memset per search.

#[derive(Clone, Debug, Default)]
pub struct Visited {
    marks: Vec<u32>,
    gen: u32,
}

impl Visited {
    /// Starts a new traversal over `n` nodes.
    pub fn reset(&mut self, n: usize) {
        if self.marks.len() < n {
            self.marks.resize(n, 0);
        }
        self.gen = self.gen.wrapping_add(1);
        if self.gen == 0 {
            // Wrapped after 4 billion traversals: old stamps could collide, so clear once.
            for m in self.marks.iter_mut() {
                *m = 0;
            }
            self.gen = 1;
        }
    }

    /// Marks `i`; returns true if it was not yet visited in this traversal.
    /// Out-of-range ids count as already visited (they are never expanded).
    #[inline]
    pub fn insert(&mut self, i: u32) -> bool {
        match self.marks.get_mut(i as usize) {
            Some(m) if *m != self.gen => {
                *m = self.gen;
                true
            }
            _ => false,
        }
    }

    pub fn capacity_bytes(&self) -> usize {
        self.marks.capacity() * 4
    }
}
