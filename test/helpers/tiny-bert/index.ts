/**
 * Generates a tiny BERT-architecture model in pure JS, with seeded random weights, in the layout
 * transformers.js loads offline: `<root>/<modelId>/{config.json, tokenizer.json,
 * tokenizer_config.json, onnx/model.onnx}`. No weights are downloaded.
 *
 * Graph (ONNX opset 17): word + position + token-type embeddings → LayerNorm → one single-head
 * self-attention block with the attention mask (padding gets exp(-1e4) = 0 weight, so a padded
 * batch gives the same vectors as one text at a time) → residual + LayerNorm → tanh MLP → residual
 * + LayerNorm → `last_hidden_state [batch, sequence, hidden]`.
 * Tokenizer: a real WordPiece BERT tokenizer.json over a small vocabulary (special tokens, common
 * words, single letters and `##` letters so any ASCII word tokenizes without [UNK]).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { rng } from '../random.js'
import { encodeModel, FLOAT, INT64, type Model, type Node, type Tensor } from './onnx.js'

export interface TinyBertOptions {
  /** Default 'lumos/tiny-bert'. */
  modelId?: string
  /** Default 32. */
  hidden?: number
  /** Default 1. */
  seed?: number
  /** Max positions = model_max_length (default 64). */
  maxPositions?: number
}

export interface TinyBert {
  /** The directory to use as transformers.js `localModelPath`. */
  root: string
  modelId: string
  /** The model's own directory. */
  dir: string
  hidden: number
  vocab: string[]
  maxPositions: number
}

const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
const WORDS = `the a an of to and in is it that for on with as are was be by this from or at not can you your we
how do does what when where why which who use used using run runs running workflow workflows agent agents tool tools
memory vector vectors store stores search query queries document documents chunk chunks text embedding embeddings
model models data database index retrieval resume resumed step steps error errors cat cats dog dogs sat mat
hello world quick brown fox jumps over lazy fast slow red blue green day night time year good bad new old`.split(/\s+/)
const LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('')
const PUNCT = '.,!?;:\'"()-/'.split('')
const SUFFIXES = ['##s', '##es', '##ed', '##ing', '##ly', '##er']

export function tinyBertVocab(): string[] {
  const vocab = [...SPECIAL, ...new Set([...WORDS, ...LETTERS, ...PUNCT, ...SUFFIXES, ...LETTERS.map((l) => `##${l}`)])]
  return vocab
}

function model(vocabSize: number, hidden: number, maxPositions: number, seed: number): Model {
  const r = rng(seed)
  const inter = hidden * 2
  const random = (name: string, dims: number[], scale: number): Tensor => {
    const floats = new Float32Array(dims.reduce((a, b) => a * b, 1))
    for (let i = 0; i < floats.length; i++) floats[i] = (r() * 2 - 1) * scale
    return { name, dims, floats }
  }
  const filled = (name: string, dims: number[], value: number): Tensor => ({ name, dims, floats: new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(value) })
  const w = 1 / Math.sqrt(hidden)
  const initializers: Tensor[] = [
    random('word_emb', [vocabSize, hidden], 1),
    random('pos_emb', [maxPositions, hidden], 0.3),
    random('type_emb', [2, hidden], 0.3),
    filled('ln0_g', [hidden], 1),
    filled('ln0_b', [hidden], 0),
    random('wq', [hidden, hidden], w),
    random('wk', [hidden, hidden], w),
    random('wv', [hidden, hidden], w),
    random('wo', [hidden, hidden], w),
    filled('scale', [], 1 / Math.sqrt(hidden)),
    filled('one_f', [], 1),
    filled('mask_neg', [], -10000),
    random('ln1_g', [hidden], 0.2),
    filled('ln1_b', [hidden], 0),
    random('w1', [hidden, inter], w),
    random('b1', [inter], 0.1),
    random('w2', [inter, hidden], 1 / Math.sqrt(inter)),
    random('b2', [hidden], 0.1),
    filled('ln2_g', [hidden], 1),
    random('ln2_b', [hidden], 0.1),
    { name: 'i0', dims: [], ints: [0] },
    { name: 'i1', dims: [], ints: [1] },
    { name: 'axes1', dims: [1], ints: [1] },
  ]
  // LayerNorm gains around 1 (a gain near 0 would flatten the signal)
  const g1 = initializers.find((t) => t.name === 'ln1_g')!
  g1.floats = g1.floats!.map((x) => 1 + x)
  const n = (op: string, inputs: string[], output: string, attributes?: Node['attributes']): Node => ({ op, inputs, outputs: [output], attributes })
  const nodes: Node[] = [
    n('Gather', ['word_emb', 'input_ids'], 'we'),
    n('Shape', ['input_ids'], 'shape'),
    n('Gather', ['shape', 'i1'], 'seq_len', { axis: 0 }),
    n('Range', ['i0', 'seq_len', 'i1'], 'pos_ids'),
    n('Gather', ['pos_emb', 'pos_ids'], 'pe'),
    n('Gather', ['type_emb', 'token_type_ids'], 'te'),
    n('Add', ['we', 'pe'], 'e1'),
    n('Add', ['e1', 'te'], 'e2'),
    n('LayerNormalization', ['e2', 'ln0_g', 'ln0_b'], 'h0', { axis: -1, epsilon: { float: 1e-12 } }),
    n('MatMul', ['h0', 'wq'], 'q'),
    n('MatMul', ['h0', 'wk'], 'k'),
    n('MatMul', ['h0', 'wv'], 'v'),
    n('Transpose', ['k'], 'kt', { perm: [0, 2, 1] }),
    n('MatMul', ['q', 'kt'], 's0'),
    n('Mul', ['s0', 'scale'], 's1'),
    n('Cast', ['attention_mask'], 'mask_f', { to: FLOAT }),
    n('Sub', ['one_f', 'mask_f'], 'mask_inv'),
    n('Mul', ['mask_inv', 'mask_neg'], 'mask_add'),
    n('Unsqueeze', ['mask_add', 'axes1'], 'mask_add3'),
    n('Add', ['s1', 'mask_add3'], 's2'),
    n('Softmax', ['s2'], 'p', { axis: -1 }),
    n('MatMul', ['p', 'v'], 'ctx'),
    n('MatMul', ['ctx', 'wo'], 'ao'),
    n('Add', ['ao', 'h0'], 'r1'),
    n('LayerNormalization', ['r1', 'ln1_g', 'ln1_b'], 'h1', { axis: -1, epsilon: { float: 1e-12 } }),
    n('MatMul', ['h1', 'w1'], 'f1'),
    n('Add', ['f1', 'b1'], 'f2'),
    n('Tanh', ['f2'], 'f3'),
    n('MatMul', ['f3', 'w2'], 'f4'),
    n('Add', ['f4', 'b2'], 'f5'),
    n('Add', ['f5', 'h1'], 'r2'),
    n('LayerNormalization', ['r2', 'ln2_g', 'ln2_b'], 'last_hidden_state', { axis: -1, epsilon: { float: 1e-12 } }),
  ]
  const io = (name: string) => ({ name, elemType: INT64, shape: ['batch_size', 'sequence_length'] })
  return {
    name: 'tiny_bert',
    opset: 17,
    nodes,
    initializers,
    inputs: [io('input_ids'), io('attention_mask'), io('token_type_ids')],
    outputs: [{ name: 'last_hidden_state', elemType: FLOAT, shape: ['batch_size', 'sequence_length', hidden] }],
  }
}

function tokenizerJson(vocab: string[]) {
  const ids = Object.fromEntries(vocab.map((t, i) => [t, i]))
  const special = (content: string) => ({ id: ids[content], content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })
  const tok = (id: string) => ({ id, ids: [ids[id]], tokens: [id] })
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map(special),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': tok('[CLS]'), '[SEP]': tok('[SEP]') },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: ids },
  }
}

/** Writes the model files under `root` and returns where they are. */
export function writeTinyBert(root: string, options: TinyBertOptions = {}): TinyBert {
  const { modelId = 'lumos/tiny-bert', hidden = 32, seed = 1, maxPositions = 64 } = options
  const vocab = tinyBertVocab()
  const dir = join(root, ...modelId.split('/'))
  mkdirSync(join(dir, 'onnx'), { recursive: true })
  const json = (file: string, value: unknown) => writeFileSync(join(dir, file), JSON.stringify(value, null, 1))
  json('config.json', {
    model_type: 'bert',
    architectures: ['BertModel'],
    hidden_size: hidden,
    intermediate_size: hidden * 2,
    num_attention_heads: 1,
    num_hidden_layers: 1,
    vocab_size: vocab.length,
    max_position_embeddings: maxPositions,
    type_vocab_size: 2,
    pad_token_id: 0,
  })
  json('tokenizer_config.json', {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: maxPositions,
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    mask_token: '[MASK]',
  })
  json('tokenizer.json', tokenizerJson(vocab))
  writeFileSync(join(dir, 'onnx', 'model.onnx'), encodeModel(model(vocab.length, hidden, maxPositions, seed)))
  return { root, modelId, dir, hidden, vocab, maxPositions }
}
