//! The only file with `extern "C"` exports: the contract with `runtime/core/*.ts`.
//!
//! Conventions (ABI_VERSION 1):
//! - Memory: the host allocates input buffers with `lumos_alloc(size)` (16-byte aligned, null on
//!   failure) and releases them with `lumos_free(ptr, size)`.
//! - Status: functions return `i32` 0 on success or an `error::Code` value; the message is at
//!   `lumos_err_ptr()/lumos_err_len()` (UTF-8). Constructors return a handle (u32, 0 = error).
//! - Results: written to one output buffer read through `lumos_out_ptr()/lumos_out_len()`, valid
//!   until the next call. It is a Vec<u32>, so u32/f32 views on it are aligned.
//! - Every pointer/length pair is bounds-checked against linear memory and every integer is
//!   validated here, so bad input becomes an error code, never a trap.

use crate::chunk::{self, ChunkOptions, SizeUnit, Strategy};
use crate::embed::{lexical, LexicalOptions};
use crate::error::{Code, CoreError, CoreResult};
use crate::fusion::{self, Normalization, RankedList};
use crate::keyword::{Bm25Config, KeywordIndex, TokenizerOptions};
use crate::vector::{IndexKind, Metric, Quantization, VectorConfig, VectorIndex};
use std::alloc::{alloc, dealloc, Layout};
use std::cell::RefCell;

pub const ABI_VERSION: u32 = 1;

enum Object {
    Vector(VectorIndex),
    Keyword(KeywordIndex),
}

#[derive(Default)]
struct State {
    objects: Vec<Option<Object>>,
    out: Vec<u32>,
    out_len: usize,
    err: Vec<u8>,
    err_code: u32,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

// ---------- output buffer ----------

/// Collects a result as 4-byte words plus an optional byte tail, then publishes it.
struct Out {
    words: Vec<u32>,
    bytes: Vec<u8>,
}

impl Out {
    fn new() -> Self {
        Out { words: Vec::new(), bytes: Vec::new() }
    }
    fn u32(&mut self, v: u32) {
        self.words.push(v);
    }
    fn u32s(&mut self, v: &[u32]) {
        self.words.extend_from_slice(v);
    }
    fn f32s(&mut self, v: &[f32]) {
        self.words.extend(v.iter().map(|x| x.to_bits()));
    }
    /// Appends UTF-8 to the byte tail; returns (offset, len) within the tail.
    fn text(&mut self, s: &str) -> (u32, u32) {
        let off = self.bytes.len() as u32;
        self.bytes.extend_from_slice(s.as_bytes());
        (off, s.len() as u32)
    }
}

fn publish(out: Out) {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        let Out { mut words, bytes } = out;
        let byte_len = words.len() * 4 + bytes.len();
        for chunk in bytes.chunks(4) {
            let mut w = [0u8; 4];
            w[..chunk.len()].copy_from_slice(chunk);
            words.push(u32::from_le_bytes(w));
        }
        s.out = words;
        s.out_len = byte_len;
    })
}

fn publish_bytes(bytes: &[u8]) {
    let mut out = Out::new();
    out.bytes = bytes.to_vec();
    publish(out)
}

fn status(r: CoreResult<()>) -> i32 {
    match r {
        Ok(()) => 0,
        Err(e) => {
            let code = e.code as i32;
            STATE.with(|s| {
                let mut s = s.borrow_mut();
                s.err = e.message.into_bytes();
                s.err_code = code as u32;
            });
            code
        }
    }
}

fn handle_result(r: CoreResult<u32>) -> u32 {
    match r {
        Ok(h) => h,
        Err(e) => {
            status(Err(e));
            0
        }
    }
}

// ---------- memory ----------

#[no_mangle]
pub extern "C" fn lumos_abi_version() -> u32 {
    ABI_VERSION
}

#[no_mangle]
pub extern "C" fn lumos_alloc(size: usize) -> *mut u8 {
    match Layout::from_size_align(size.max(1), 16) {
        // SAFETY: layout has non-zero size; a null return is passed to the host as failure.
        Ok(layout) => unsafe { alloc(layout) },
        Err(_) => std::ptr::null_mut(),
    }
}

#[no_mangle]
pub extern "C" fn lumos_free(ptr: *mut u8, size: usize) {
    if ptr.is_null() {
        return;
    }
    if let Ok(layout) = Layout::from_size_align(size.max(1), 16) {
        // SAFETY: the host returns pointers it got from lumos_alloc with the same size.
        unsafe { dealloc(ptr, layout) }
    }
}

#[no_mangle]
pub extern "C" fn lumos_out_ptr() -> *const u8 {
    STATE.with(|s| s.borrow().out.as_ptr() as *const u8)
}

#[no_mangle]
pub extern "C" fn lumos_out_len() -> usize {
    STATE.with(|s| s.borrow().out_len)
}

#[no_mangle]
pub extern "C" fn lumos_err_ptr() -> *const u8 {
    STATE.with(|s| s.borrow().err.as_ptr())
}

#[no_mangle]
pub extern "C" fn lumos_err_len() -> usize {
    STATE.with(|s| s.borrow().err.len())
}

/// Code of the last error (constructors return handle 0 and leave their code here).
#[no_mangle]
pub extern "C" fn lumos_err_code() -> u32 {
    STATE.with(|s| s.borrow().err_code)
}

fn memory_bytes() -> usize {
    #[cfg(target_arch = "wasm32")]
    {
        core::arch::wasm32::memory_size(0) * 65536
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        usize::MAX
    }
}

fn check_range(ptr: usize, bytes: usize, align: usize) -> CoreResult<()> {
    if bytes == 0 {
        return Ok(());
    }
    let end = ptr.checked_add(bytes);
    match end {
        Some(e) if ptr != 0 && e <= memory_bytes() && ptr % align == 0 => Ok(()),
        _ => Err(CoreError::new(Code::InvalidArgument, "buffer pointer/length out of bounds or misaligned")),
    }
}

fn bytes_at<'a>(ptr: *const u8, len: usize) -> CoreResult<&'a [u8]> {
    check_range(ptr as usize, len, 1)?;
    if len == 0 {
        return Ok(&[]);
    }
    // SAFETY: range checked against linear memory above.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

fn u32s_at<'a>(ptr: *const u32, n: usize) -> CoreResult<&'a [u32]> {
    let bytes = n.checked_mul(4).ok_or_else(|| CoreError::new(Code::InvalidArgument, "length overflow"))?;
    check_range(ptr as usize, bytes, 4)?;
    if n == 0 {
        return Ok(&[]);
    }
    // SAFETY: range and alignment checked above.
    Ok(unsafe { std::slice::from_raw_parts(ptr, n) })
}

fn f32s_at<'a>(ptr: *const f32, n: usize) -> CoreResult<&'a [f32]> {
    let bytes = n.checked_mul(4).ok_or_else(|| CoreError::new(Code::InvalidArgument, "length overflow"))?;
    check_range(ptr as usize, bytes, 4)?;
    if n == 0 {
        return Ok(&[]);
    }
    // SAFETY: range and alignment checked above.
    Ok(unsafe { std::slice::from_raw_parts(ptr, n) })
}

fn str_at<'a>(ptr: *const u8, len: usize) -> CoreResult<&'a str> {
    std::str::from_utf8(bytes_at(ptr, len)?).map_err(|_| CoreError::new(Code::InvalidUtf8, "text is not valid UTF-8"))
}

/// Splits a UTF-8 blob by `n + 1` offsets into `n` strings.
fn strings_at<'a>(blob_ptr: *const u8, blob_len: usize, offs_ptr: *const u32, n: usize) -> CoreResult<Vec<&'a str>> {
    let blob = bytes_at(blob_ptr, blob_len)?;
    if n == 0 {
        return Ok(Vec::new());
    }
    let offs = u32s_at(offs_ptr, n.checked_add(1).ok_or_else(|| CoreError::new(Code::InvalidArgument, "count overflow"))?)?;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let (a, b) = (offs[i] as usize, offs[i + 1] as usize);
        if a > b || b > blob.len() {
            return Err(CoreError::new(Code::InvalidArgument, "string offsets out of order"));
        }
        let s = std::str::from_utf8(&blob[a..b]).map_err(|_| CoreError::new(Code::InvalidUtf8, "string is not valid UTF-8"))?;
        out.push(s);
    }
    Ok(out)
}

// ---------- handles ----------

fn insert(obj: Object) -> u32 {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.objects.push(Some(obj));
        s.objects.len() as u32
    })
}

fn with_object<T>(h: u32, f: impl FnOnce(&mut Object) -> CoreResult<T>) -> CoreResult<T> {
    // Take the object out while `f` runs so `publish`/`status` can borrow STATE.
    let taken = STATE.with(|s| {
        let mut s = s.borrow_mut();
        let idx = (h as usize).wrapping_sub(1);
        s.objects.get_mut(idx).and_then(|o| o.take())
    });
    let mut obj = taken.ok_or_else(|| CoreError::new(Code::InvalidHandle, "the index was freed or never existed"))?;
    let r = f(&mut obj);
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        let idx = (h as usize) - 1;
        s.objects[idx] = Some(obj);
    });
    r
}

fn with_vector<T>(h: u32, f: impl FnOnce(&mut VectorIndex) -> CoreResult<T>) -> CoreResult<T> {
    with_object(h, |o| match o {
        Object::Vector(v) => f(v),
        _ => Err(CoreError::new(Code::InvalidHandle, "handle is not a vector index")),
    })
}

fn with_keyword<T>(h: u32, f: impl FnOnce(&mut KeywordIndex) -> CoreResult<T>) -> CoreResult<T> {
    with_object(h, |o| match o {
        Object::Keyword(k) => f(k),
        _ => Err(CoreError::new(Code::InvalidHandle, "handle is not a keyword index")),
    })
}

#[no_mangle]
pub extern "C" fn lumos_object_free(h: u32) -> i32 {
    status(STATE.with(|s| {
        let mut s = s.borrow_mut();
        let idx = (h as usize).wrapping_sub(1);
        match s.objects.get_mut(idx) {
            Some(slot @ Some(_)) => {
                *slot = None;
                Ok(())
            }
            _ => Err(CoreError::new(Code::InvalidHandle, "the index was already freed")),
        }
    }))
}

// ---------- results ----------

fn publish_ids(ids: &crate::idmap::IdMap) {
    // [slot_count][off,len per slot (len=u32::MAX for a tombstone)] + utf8 tail
    let mut out = Out::new();
    let n = ids.slot_count();
    out.u32(n as u32);
    let mut pairs = vec![(0u32, u32::MAX); n];
    for (slot, id) in ids.live() {
        pairs[slot as usize] = out.text(id);
    }
    for (o, l) in pairs {
        out.u32(o);
        out.u32(l);
    }
    publish(out)
}

fn publish_hits(slots: &[u32], scores: &[f32]) {
    let mut out = Out::new();
    out.u32(slots.len() as u32);
    out.u32s(slots);
    out.f32s(scores);
    publish(out)
}

/// Hits with their string ids: [n][slots*n][scores*n][off,len per hit] + utf8 tail.
fn write_hits_with_ids(out: &mut Out, ids: &crate::idmap::IdMap, slots: &[u32], scores: &[f32]) {
    out.u32(slots.len() as u32);
    out.u32s(slots);
    out.f32s(scores);
    let pairs: Vec<(u32, u32)> = slots.iter().map(|&s| out.text(ids.id_of(s).unwrap_or(""))).collect();
    for (o, l) in pairs {
        out.u32(o);
        out.u32(l);
    }
}

/// Resolves an allow-list of string ids to live slots (unknown ids are dropped).
fn allow_slots(ids: &crate::idmap::IdMap, allow: Option<Vec<&str>>) -> Option<Vec<u32>> {
    allow.map(|list| list.iter().filter_map(|id| ids.get(id)).collect())
}

fn opt_strings<'a>(ptr: *const u8, len: usize, offs_ptr: *const u32, n: usize, has: u32) -> CoreResult<Option<Vec<&'a str>>> {
    if has == 0 {
        Ok(None)
    } else {
        Ok(Some(strings_at(ptr, len, offs_ptr, n)?))
    }
}

// ---------- vector index ----------

#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn vector_new(dim: u32, metric: u32, quant: u32, kind: u32, m: u32, efc: u32, efs: u32, rescore: u32) -> u32 {
    handle_result((|| {
        let cfg = VectorConfig {
            dimensions: dim as usize,
            metric: Metric::from_u32(metric)?,
            quantization: Quantization::from_u32(quant)?,
            kind: IndexKind::from_u32(kind)?,
            m: m as usize,
            ef_construction: efc as usize,
            ef_search: efs as usize,
            rescore: rescore as usize,
        };
        Ok(insert(Object::Vector(VectorIndex::new(cfg)?)))
    })())
}

#[no_mangle]
pub extern "C" fn vector_upsert(h: u32, ids_ptr: *const u8, ids_len: usize, offs_ptr: *const u32, n: usize, data_ptr: *const f32, data_len: usize) -> i32 {
    status((|| {
        let ids = strings_at(ids_ptr, ids_len, offs_ptr, n)?;
        let data = f32s_at(data_ptr, data_len)?;
        let slots = with_vector(h, |v| v.upsert(&ids, data))?;
        let mut out = Out::new();
        out.u32s(&slots);
        publish(out);
        Ok(())
    })())
}

#[no_mangle]
pub extern "C" fn vector_delete(h: u32, ids_ptr: *const u8, ids_len: usize, offs_ptr: *const u32, n: usize) -> i32 {
    status((|| {
        let ids = strings_at(ids_ptr, ids_len, offs_ptr, n)?;
        let count = with_vector(h, |v| Ok(v.delete(&ids)))?;
        let mut out = Out::new();
        out.u32(count as u32);
        publish(out);
        Ok(())
    })())
}

#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn vector_search(h: u32, q_ptr: *const f32, q_len: usize, k: u32, allow_ptr: *const u8, allow_len: usize, allow_offs: *const u32, allow_n: usize, has_allow: u32, ef: u32) -> i32 {
    status((|| {
        let q = f32s_at(q_ptr, q_len)?;
        let allow = opt_strings(allow_ptr, allow_len, allow_offs, allow_n, has_allow)?;
        let ef = if ef == 0 { None } else { Some(ef as usize) };
        with_vector(h, |v| {
            let slots = allow_slots(v.ids(), allow);
            let hits = v.search(q, k as usize, slots.as_deref(), ef)?;
            let mut out = Out::new();
            write_hits_with_ids(&mut out, v.ids(), &hits.slots, &hits.scores);
            publish(out);
            Ok(())
        })
    })())
}

#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn vector_search_batch(h: u32, q_ptr: *const f32, q_len: usize, k: u32, allow_ptr: *const u8, allow_len: usize, allow_offs: *const u32, allow_n: usize, has_allow: u32, ef: u32) -> i32 {
    status((|| {
        let q = f32s_at(q_ptr, q_len)?;
        let allow = opt_strings(allow_ptr, allow_len, allow_offs, allow_n, has_allow)?;
        let ef = if ef == 0 { None } else { Some(ef as usize) };
        with_vector(h, |v| {
            let slots = allow_slots(v.ids(), allow);
            let all = v.search_batch(q, k as usize, slots.as_deref(), ef)?;
            // [nq] then per query: [n][slots][scores][off,len pairs]; one shared utf8 tail
            let mut out = Out::new();
            out.u32(all.len() as u32);
            for hits in &all {
                write_hits_with_ids(&mut out, v.ids(), &hits.slots, &hits.scores);
            }
            publish(out);
            Ok(())
        })
    })())
}

#[no_mangle]
pub extern "C" fn vector_reserve(h: u32, extra: u32) -> i32 {
    status(with_vector(h, |v| v.reserve(extra as usize)))
}

#[no_mangle]
pub extern "C" fn vector_compact(h: u32) -> i32 {
    status(with_vector(h, |v| {
        v.compact();
        Ok(())
    }))
}

/// Out: [live count, dimensions, metric, quantization, kind, m, efc, efs, rescore, memory lo, memory hi, slot count]
#[no_mangle]
pub extern "C" fn vector_info(h: u32) -> i32 {
    status(with_vector(h, |v| {
        let c = *v.config();
        let mem = v.memory_bytes() as u64;
        let mut out = Out::new();
        out.u32s(&[
            v.len() as u32,
            c.dimensions as u32,
            c.metric as u32,
            c.quantization as u32,
            c.kind as u32,
            c.m as u32,
            c.ef_construction as u32,
            c.ef_search as u32,
            c.rescore as u32,
            mem as u32,
            (mem >> 32) as u32,
            v.ids().slot_count() as u32,
        ]);
        publish(out);
        Ok(())
    }))
}

#[no_mangle]
pub extern "C" fn vector_ids(h: u32) -> i32 {
    status(with_vector(h, |v| {
        publish_ids(v.ids());
        Ok(())
    }))
}

#[no_mangle]
pub extern "C" fn vector_save(h: u32) -> i32 {
    status(with_vector(h, |v| {
        publish_bytes(&v.save());
        Ok(())
    }))
}

#[no_mangle]
pub extern "C" fn vector_load(ptr: *const u8, len: usize) -> u32 {
    handle_result((|| {
        let bytes = bytes_at(ptr, len)?;
        Ok(insert(Object::Vector(VectorIndex::load(bytes)?)))
    })())
}

// ---------- keyword index ----------

const TOK_LOWERCASE: u32 = 1;
const TOK_FOLD: u32 = 2;
const TOK_STOP: u32 = 4;
const TOK_STEM: u32 = 8;
const TOK_CJK: u32 = 16;

fn tokenizer_from_flags(flags: u32) -> TokenizerOptions {
    TokenizerOptions {
        lowercase: flags & TOK_LOWERCASE != 0,
        fold_ascii: flags & TOK_FOLD != 0,
        stop_words: flags & TOK_STOP != 0,
        stem: flags & TOK_STEM != 0,
        cjk_bigrams: flags & TOK_CJK != 0,
    }
}

fn tokenizer_flags(t: &TokenizerOptions) -> u32 {
    (t.lowercase as u32) * TOK_LOWERCASE
        | (t.fold_ascii as u32) * TOK_FOLD
        | (t.stop_words as u32) * TOK_STOP
        | (t.stem as u32) * TOK_STEM
        | (t.cjk_bigrams as u32) * TOK_CJK
}

/// k1/b < 0 select the engine defaults.
#[no_mangle]
pub extern "C" fn keyword_new(k1: f32, b: f32, flags: u32) -> u32 {
    handle_result((|| {
        let d = Bm25Config::defaults();
        let cfg = Bm25Config {
            k1: if k1 < 0.0 { d.k1 } else { k1 },
            b: if b < 0.0 { d.b } else { b },
            tokenizer: tokenizer_from_flags(flags),
        };
        Ok(insert(Object::Keyword(KeywordIndex::new(cfg)?)))
    })())
}

/// Out: [k1 bits, b bits, tokenizer flags] of the engine defaults.
#[no_mangle]
pub extern "C" fn keyword_defaults() -> i32 {
    let d = Bm25Config::defaults();
    let mut out = Out::new();
    out.u32s(&[d.k1.to_bits(), d.b.to_bits(), tokenizer_flags(&d.tokenizer)]);
    publish(out);
    0
}

#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn keyword_upsert(h: u32, ids_ptr: *const u8, ids_len: usize, offs_ptr: *const u32, n: usize, texts_ptr: *const u8, texts_len: usize, text_offs_ptr: *const u32) -> i32 {
    status((|| {
        let ids = strings_at(ids_ptr, ids_len, offs_ptr, n)?;
        let texts = strings_at(texts_ptr, texts_len, text_offs_ptr, n)?;
        let slots = with_keyword(h, |k| k.upsert(&ids, &texts))?;
        let mut out = Out::new();
        out.u32s(&slots);
        publish(out);
        Ok(())
    })())
}

#[no_mangle]
pub extern "C" fn keyword_remove(h: u32, ids_ptr: *const u8, ids_len: usize, offs_ptr: *const u32, n: usize) -> i32 {
    status((|| {
        let ids = strings_at(ids_ptr, ids_len, offs_ptr, n)?;
        let count = with_keyword(h, |k| Ok(k.remove(&ids)))?;
        let mut out = Out::new();
        out.u32(count as u32);
        publish(out);
        Ok(())
    })())
}

#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn keyword_search(h: u32, q_ptr: *const u8, q_len: usize, k: u32, allow_ptr: *const u8, allow_len: usize, allow_offs: *const u32, allow_n: usize, has_allow: u32) -> i32 {
    status((|| {
        let q = str_at(q_ptr, q_len)?;
        let allow = opt_strings(allow_ptr, allow_len, allow_offs, allow_n, has_allow)?;
        with_keyword(h, |ki| {
            let slots = allow_slots(ki.ids(), allow);
            let hits = ki.search(q, k as usize, slots.as_deref())?;
            let mut out = Out::new();
            write_hits_with_ids(&mut out, ki.ids(), &hits.slots, &hits.scores);
            publish(out);
            Ok(())
        })
    })())
}

#[no_mangle]
pub extern "C" fn keyword_compact(h: u32) -> i32 {
    status(with_keyword(h, |k| {
        k.compact();
        Ok(())
    }))
}

/// Out: [live count, k1 bits, b bits, tokenizer flags, memory lo, memory hi, slot count]
#[no_mangle]
pub extern "C" fn keyword_info(h: u32) -> i32 {
    status(with_keyword(h, |k| {
        let c = *k.config();
        let mem = k.memory_bytes() as u64;
        let mut out = Out::new();
        out.u32s(&[k.len() as u32, c.k1.to_bits(), c.b.to_bits(), tokenizer_flags(&c.tokenizer), mem as u32, (mem >> 32) as u32, k.ids().slot_count() as u32]);
        publish(out);
        Ok(())
    }))
}

#[no_mangle]
pub extern "C" fn keyword_ids(h: u32) -> i32 {
    status(with_keyword(h, |k| {
        publish_ids(k.ids());
        Ok(())
    }))
}

#[no_mangle]
pub extern "C" fn keyword_save(h: u32) -> i32 {
    status(with_keyword(h, |k| {
        publish_bytes(&k.save());
        Ok(())
    }))
}

#[no_mangle]
pub extern "C" fn keyword_load(ptr: *const u8, len: usize) -> u32 {
    handle_result((|| {
        let bytes = bytes_at(ptr, len)?;
        Ok(insert(Object::Keyword(KeywordIndex::load(bytes)?)))
    })())
}

/// Out: [count][off,len per token] + utf8 tail.
#[no_mangle]
pub extern "C" fn lumos_tokenize(ptr: *const u8, len: usize, flags: u32) -> i32 {
    status((|| {
        let text = str_at(ptr, len)?;
        let tokens = crate::keyword::tokenize(text, &tokenizer_from_flags(flags));
        let mut out = Out::new();
        out.u32(tokens.len() as u32);
        let mut pairs = Vec::with_capacity(tokens.len());
        for t in &tokens {
            pairs.push(out.text(t));
        }
        for (o, l) in pairs {
            out.u32(o);
            out.u32(l);
        }
        publish(out);
        Ok(())
    })())
}

// ---------- fusion ----------

/// method 0 = RRF (param = k constant), 1 = weighted (param = normalization as f32: 0 none, 1 min-max, 2 z-score).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn lumos_fuse(method: u32, nlists: usize, lens_ptr: *const u32, keys_ptr: *const u32, scores_ptr: *const f32, weights_ptr: *const f32, has_weights: u32, param: f32, top: u32) -> i32 {
    status((|| {
        let lens = u32s_at(lens_ptr, nlists)?;
        let mut total = 0usize;
        for &l in lens {
            total = total.checked_add(l as usize).ok_or_else(|| CoreError::new(Code::InvalidArgument, "length overflow"))?;
        }
        let keys = u32s_at(keys_ptr, total)?;
        let scores = f32s_at(scores_ptr, total)?;
        let weights = if has_weights != 0 { Some(f32s_at(weights_ptr, nlists)?) } else { None };
        let mut lists = Vec::with_capacity(nlists);
        let mut at = 0usize;
        for &l in lens {
            let l = l as usize;
            lists.push(RankedList { keys: &keys[at..at + l], scores: &scores[at..at + l] });
            at += l;
        }
        let fused = match method {
            0 => fusion::rrf(&lists, weights, param, top as usize)?,
            1 => {
                let norm = match param as u32 {
                    0 => Normalization::None,
                    1 => Normalization::MinMax,
                    2 => Normalization::ZScore,
                    _ => return Err(CoreError::new(Code::InvalidArgument, "unknown normalization")),
                };
                fusion::weighted(&lists, weights, norm, top as usize)?
            }
            _ => return Err(CoreError::new(Code::InvalidArgument, "unknown fusion method")),
        };
        publish_hits(&fused.keys, &fused.scores);
        Ok(())
    })())
}

// ---------- chunking ----------

/// n_seps = u32::MAX means "default separators".
/// Out: [n][start*n][end*n][text_off*n][text_len*n (u32::MAX = none)][hdr_first*n][hdr_count*n][H][hdr_off*H][hdr_len*H] + utf8 tail
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn lumos_chunk(text_ptr: *const u8, text_len: usize, strategy: u32, max_size: u32, overlap: u32, min_size: u32, unit: u32, strip_headers: u32, seps_ptr: *const u8, seps_len: usize, seps_offs_ptr: *const u32, n_seps: u32) -> i32 {
    status((|| {
        let text = str_at(text_ptr, text_len)?;
        let separators = if n_seps == u32::MAX {
            None
        } else {
            Some(strings_at(seps_ptr, seps_len, seps_offs_ptr, n_seps as usize)?.into_iter().map(String::from).collect())
        };
        let opts = ChunkOptions {
            strategy: Strategy::from_u32(strategy)?,
            max_size: max_size as usize,
            overlap: overlap as usize,
            min_size: min_size as usize,
            unit: SizeUnit::from_u32(unit)?,
            separators,
            strip_headers: strip_headers != 0,
        };
        let chunks = chunk::chunk(text, &opts)?;
        let n = chunks.len();
        let mut out = Out::new();
        out.u32(n as u32);
        for c in &chunks {
            out.u32(c.start);
        }
        for c in &chunks {
            out.u32(c.end);
        }
        let mut text_pairs = Vec::with_capacity(n);
        let mut hdr_pairs = Vec::new();
        let mut hdr_ranges = Vec::with_capacity(n);
        for c in &chunks {
            text_pairs.push(match &c.text {
                Some(t) => out.text(t),
                None => (0, u32::MAX),
            });
            hdr_ranges.push((hdr_pairs.len() as u32, c.headers.len() as u32));
            for h in &c.headers {
                hdr_pairs.push(out.text(h));
            }
        }
        for p in &text_pairs {
            out.u32(p.0);
        }
        for p in &text_pairs {
            out.u32(p.1);
        }
        for r in &hdr_ranges {
            out.u32(r.0);
        }
        for r in &hdr_ranges {
            out.u32(r.1);
        }
        out.u32(hdr_pairs.len() as u32);
        for p in &hdr_pairs {
            out.u32(p.0);
        }
        for p in &hdr_pairs {
            out.u32(p.1);
        }
        publish(out);
        Ok(())
    })())
}

#[no_mangle]
pub extern "C" fn lumos_estimate_tokens(ptr: *const u8, len: usize) -> i32 {
    status((|| {
        let text = str_at(ptr, len)?;
        let mut out = Out::new();
        out.u32(chunk::estimate_tokens(text) as u32);
        publish(out);
        Ok(())
    })())
}

// ---------- lexical embeddings ----------

const LEX_NO_BIGRAMS: u32 = 256;
const LEX_NO_CHAR_NGRAMS: u32 = 512;
const LEX_KNOWN_FLAGS: u32 = 0x1F | LEX_NO_BIGRAMS | LEX_NO_CHAR_NGRAMS;

fn lexical_flags(o: &LexicalOptions) -> u32 {
    tokenizer_flags(&o.tokenizer) | if o.word_bigrams { 0 } else { LEX_NO_BIGRAMS } | if o.char_ngrams { 0 } else { LEX_NO_CHAR_NGRAMS }
}

/// Out: [default dimensions, default flags, min dimensions, max dimensions].
#[no_mangle]
pub extern "C" fn lumos_lexical_defaults() -> i32 {
    let d = LexicalOptions::default();
    let mut out = Out::new();
    out.u32s(&[d.dimensions as u32, lexical_flags(&d), lexical::MIN_DIMENSIONS as u32, lexical::MAX_DIMENSIONS as u32]);
    publish(out);
    0
}

/// Embeds `n` texts (UTF-8 blob + n+1 offsets). flags: tokenizer bits as in `keyword_new`
/// (1 lowercase, 2 fold, 4 stop words, 8 stem, 16 CJK bigrams) | 256 no word bigrams |
/// 512 no char n-grams; u32::MAX = defaults. Out: n * dims f32, row-major, each row unit length.
#[no_mangle]
pub extern "C" fn lumos_lexical_embed(blob_ptr: *const u8, blob_len: usize, offs_ptr: *const u32, n: usize, dims: u32, flags: u32) -> i32 {
    status((|| {
        let mut opts = LexicalOptions::default();
        if flags != u32::MAX {
            if flags & !LEX_KNOWN_FLAGS != 0 {
                return Err(CoreError::new(Code::InvalidArgument, format!("unknown lexical embedding flags {:#x}", flags & !LEX_KNOWN_FLAGS)));
            }
            opts.tokenizer = tokenizer_from_flags(flags);
            opts.word_bigrams = flags & LEX_NO_BIGRAMS == 0;
            opts.char_ngrams = flags & LEX_NO_CHAR_NGRAMS == 0;
        }
        opts.dimensions = dims as usize;
        let texts = strings_at(blob_ptr, blob_len, offs_ptr, n)?;
        let rows = lexical::embed_batch(&texts, &opts)?;
        let mut out = Out::new();
        out.f32s(&rows);
        publish(out);
        Ok(())
    })())
}
