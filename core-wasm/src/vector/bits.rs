//! Fixed-size bitset over slots: tombstones and allow-lists cost n/8 bytes and one shift per test.

#[derive(Clone, Debug, Default)]
pub struct Bits {
    words: Vec<u64>,
    len: usize,
}

impl Bits {
    pub fn new() -> Self {
        Bits::default()
    }

    /// Grows or shrinks to `len` bits; new bits are clear. Keeps the allocation tight.
    pub fn resize(&mut self, len: usize) {
        let words = (len + 63) / 64;
        self.words.resize(words, 0);
        self.len = len;
        if len % 64 != 0 {
            if let Some(last) = self.words.last_mut() {
                *last &= (1u64 << (len % 64)) - 1;
            }
        }
    }

    /// Clears every bit and sets the length (reuses the allocation).
    pub fn reset(&mut self, len: usize) {
        self.words.clear();
        self.resize(len);
    }

    pub fn try_reserve(&mut self, extra_bits: usize) -> Result<(), std::collections::TryReserveError> {
        let need = (self.len + extra_bits + 63) / 64;
        let extra = need.saturating_sub(self.words.len());
        self.words.try_reserve(extra)
    }

    #[inline]
    pub fn get(&self, i: u32) -> bool {
        match self.words.get((i >> 6) as usize) {
            Some(w) => (w >> (i & 63)) & 1 == 1,
            None => false,
        }
    }

    /// Sets bit `i`; returns true if it was clear. Out-of-range bits are ignored.
    #[inline]
    pub fn set(&mut self, i: u32) -> bool {
        if (i as usize) >= self.len {
            return false;
        }
        match self.words.get_mut((i >> 6) as usize) {
            Some(w) => {
                let mask = 1u64 << (i & 63);
                let was = *w & mask != 0;
                *w |= mask;
                !was
            }
            None => false,
        }
    }

    #[inline]
    pub fn clear(&mut self, i: u32) {
        if let Some(w) = self.words.get_mut((i >> 6) as usize) {
            *w &= !(1u64 << (i & 63));
        }
    }

    /// Set bits in ascending order.
    pub fn ones(&self) -> Ones<'_> {
        Ones { words: &self.words, index: 0, current: self.words.first().copied().unwrap_or(0) }
    }

    pub fn capacity_bytes(&self) -> usize {
        self.words.capacity() * 8
    }
}

pub struct Ones<'a> {
    words: &'a [u64],
    index: usize,
    current: u64,
}

impl<'a> Iterator for Ones<'a> {
    type Item = u32;
    #[inline]
    fn next(&mut self) -> Option<u32> {
        loop {
            if self.current != 0 {
                let bit = self.current.trailing_zeros() as usize;
                self.current &= self.current - 1;
                return Some((self.index * 64 + bit) as u32);
            }
            self.index += 1;
            self.current = *self.words.get(self.index)?;
        }
    }
}
