//! Maps the user's string ids to dense internal slots (u32) and back.
//!
//! A slot is never reused while its index keeps data for it: a replaced or deleted id leaves a
//! tombstoned slot until the owning index compacts. Slot order is insertion order, which keeps
//! results deterministic.

use crate::error::{fail, Code, CoreResult};
use crate::snapshot::{ByteReader, ByteWriter};
use std::collections::HashMap;

pub const MAX_ID_BYTES: usize = 4096;

#[derive(Default, Clone, Debug)]
pub struct IdMap {
    /// slot -> id; `None` once the slot is tombstoned.
    slots: Vec<Option<String>>,
    by_id: HashMap<String, u32>,
}

impl IdMap {
    pub fn new() -> Self {
        IdMap::default()
    }

    /// Number of live ids.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Number of slots ever handed out (live + tombstoned).
    pub fn slot_count(&self) -> usize {
        self.slots.len()
    }

    pub fn get(&self, id: &str) -> Option<u32> {
        self.by_id.get(id).copied()
    }

    pub fn id_of(&self, slot: u32) -> Option<&str> {
        self.slots.get(slot as usize).and_then(|s| s.as_deref())
    }

    pub fn is_live(&self, slot: u32) -> bool {
        matches!(self.slots.get(slot as usize), Some(Some(_)))
    }

    /// Checks a batch of ids before anything is mutated: non-empty, bounded, no duplicates.
    pub fn validate_batch(ids: &[&str]) -> CoreResult<()> {
        let mut seen: HashMap<&str, usize> = HashMap::with_capacity(ids.len());
        for (i, id) in ids.iter().enumerate() {
            if id.is_empty() {
                return fail(Code::EmptyId, format!("id at position {} is empty", i));
            }
            if id.len() > MAX_ID_BYTES {
                return fail(Code::InvalidArgument, format!("id at position {} is longer than {} bytes", i, MAX_ID_BYTES));
            }
            if let Some(first) = seen.insert(id, i) {
                return fail(Code::DuplicateId, format!("id \"{}\" appears twice in one batch (positions {} and {})", id, first, i));
            }
        }
        Ok(())
    }

    /// Appends a new slot for `id`. Returns (new slot, previous slot of the same id if any);
    /// the previous slot is tombstoned.
    pub fn insert(&mut self, id: &str) -> (u32, Option<u32>) {
        let slot = self.slots.len() as u32;
        self.slots.push(Some(id.to_string()));
        let prev = self.by_id.insert(id.to_string(), slot);
        if let Some(p) = prev {
            self.slots[p as usize] = None;
        }
        (slot, prev)
    }

    /// Removes `id`; returns its slot (now tombstoned) if it was present.
    pub fn remove(&mut self, id: &str) -> Option<u32> {
        let slot = self.by_id.remove(id)?;
        self.slots[slot as usize] = None;
        Some(slot)
    }

    /// Drops tombstones. Returns `remap[old_slot] = Some(new_slot)` for the owner to move data.
    pub fn compact(&mut self) -> Vec<Option<u32>> {
        let mut remap = Vec::with_capacity(self.slots.len());
        let mut next = Vec::with_capacity(self.by_id.len());
        for s in self.slots.drain(..) {
            match s {
                Some(id) => {
                    remap.push(Some(next.len() as u32));
                    next.push(Some(id));
                }
                None => remap.push(None),
            }
        }
        self.slots = next;
        self.by_id.clear();
        for (i, s) in self.slots.iter().enumerate() {
            if let Some(id) = s {
                self.by_id.insert(id.clone(), i as u32);
            }
        }
        remap
    }

    /// Live ids in slot order, as (slot, id).
    pub fn live(&self) -> impl Iterator<Item = (u32, &str)> {
        self.slots.iter().enumerate().filter_map(|(i, s)| s.as_deref().map(|id| (i as u32, id)))
    }

    pub fn write(&self, w: &mut ByteWriter) {
        w.u64(self.slots.len() as u64);
        for s in &self.slots {
            match s {
                Some(id) => {
                    w.u8(1);
                    w.str(id);
                }
                None => w.u8(0),
            }
        }
    }

    pub fn read(r: &mut ByteReader) -> CoreResult<Self> {
        let n = r.count(1)?;
        let mut map = IdMap { slots: Vec::with_capacity(n), by_id: HashMap::with_capacity(n) };
        for i in 0..n {
            match r.u8()? {
                0 => map.slots.push(None),
                1 => {
                    let id = r.str()?;
                    if id.is_empty() || map.by_id.insert(id.to_string(), i as u32).is_some() {
                        return fail(Code::SnapshotCorrupt, "snapshot id table has an empty or duplicate id");
                    }
                    map.slots.push(Some(id.to_string()));
                }
                _ => return fail(Code::SnapshotCorrupt, "snapshot id table is malformed"),
            }
        }
        Ok(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_replace_remove_compact() {
        let mut m = IdMap::new();
        assert_eq!(m.insert("a"), (0, None));
        assert_eq!(m.insert("b"), (1, None));
        assert_eq!(m.insert("a"), (2, Some(0)));
        assert_eq!(m.len(), 2);
        assert!(!m.is_live(0));
        assert_eq!(m.remove("b"), Some(1));
        assert_eq!(m.remove("b"), None);
        let remap = m.compact();
        assert_eq!(remap, vec![None, None, Some(0)]);
        assert_eq!(m.get("a"), Some(0));
        assert_eq!(m.id_of(0), Some("a"));
    }

    #[test]
    fn validate_batch_errors() {
        assert_eq!(IdMap::validate_batch(&["a", ""]).err().unwrap().code, Code::EmptyId);
        assert_eq!(IdMap::validate_batch(&["a", "b", "a"]).err().unwrap().code, Code::DuplicateId);
        assert!(IdMap::validate_batch(&["a", "b"]).is_ok());
    }

    #[test]
    fn serialises() {
        let mut m = IdMap::new();
        m.insert("x");
        m.insert("日本");
        m.remove("x");
        let mut w = ByteWriter::new();
        m.write(&mut w);
        let buf = w.into_inner();
        let back = IdMap::read(&mut ByteReader::new(&buf)).unwrap();
        assert_eq!(back.get("日本"), Some(1));
        assert!(!back.is_live(0));
        assert!(IdMap::read(&mut ByteReader::new(&buf[..buf.len() - 1])).is_err());
    }
}
