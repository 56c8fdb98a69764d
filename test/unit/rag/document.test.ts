import { beforeAll, describe, expect, it } from 'vitest'
import { ready } from '../../helpers/lumos.js'
import { Document, extractMetadata, htmlToText } from '../../../runtime/rag/index.js'
import { MockModel } from '../../../runtime/test/index.js'

beforeAll(async () => {
  await ready()
})

const MD = '# Intro\n\nLumos runs agents.\n\n## Install\n\nRun npm install lumosai.\n\n## Resume\n\nWorkflows resume after suspend.\n'

describe('Document', () => {
  it('markdown chunks carry document metadata, position, header path and stable ids', () => {
    const d = Document.fromMarkdown(MD, { source: 'docs/intro.md', lang: 'en' })
    expect(d.id).toBe('docs/intro.md')
    const chunks = d.chunk({ maxSize: 40 })
    expect(chunks.map((c) => c.id)).toEqual(['docs/intro.md#0', 'docs/intro.md#1', 'docs/intro.md#2', 'docs/intro.md#3'])
    expect(chunks.map((c) => c.text)).toEqual(['# Intro\n\nLumos runs agents.', '## Install\n\nRun npm install lumosai.', '## Resume', 'Workflows resume after suspend.'])
    expect(chunks[1].metadata).toEqual({ source: 'docs/intro.md', lang: 'en', docId: 'docs/intro.md', chunkIndex: 1, start: 29, end: 65, headers: ['# Intro', '## Install'] })
    for (const c of chunks) expect(d.text.slice(c.metadata.start, c.metadata.end)).toBe(c.text)
    // same input, same ids
    expect(Document.fromMarkdown(MD, { source: 'docs/intro.md' }).chunk({ maxSize: 40 }).map((c) => c.id)).toEqual(chunks.map((c) => c.id))
  })

  it('overlap repeats the end of the previous chunk', () => {
    const text = 'one two three four five six seven eight nine ten eleven twelve'
    const chunks = Document.fromText(text, {}, { id: 'd' }).chunk({ maxSize: 20, overlap: 6 })
    for (const c of chunks) expect(c.text.length).toBeLessThanOrEqual(20)
    for (let i = 1; i < chunks.length; i++) expect(chunks[i].metadata.start).toBeLessThan(chunks[i - 1].metadata.end)
    expect(chunks[0].id).toBe('d#0')
    expect(chunks[0].metadata.docId).toBe('d')
  })

  it('default id is a stable content hash; explicit id wins', () => {
    const a = Document.fromText('hello world')
    expect(a.id).toMatch(/^doc-[0-9a-f]{16}$/)
    expect(Document.fromText('hello world').id).toBe(a.id)
    expect(Document.fromText('hello world!').id).not.toBe(a.id)
    expect(Document.fromText('hello', { source: 's' }, { id: 'mine' }).id).toBe('mine')
  })

  it('HTML → markdown-like text: no scripts/styles, headings, lists, tables, pre, entities, title', () => {
    const html = `<!doctype html><html><head><title> My  Page </title><style>p{color:red}</style><script>alert(1)</script></head><body>
<nav><a href="/">Home</a></nav>
<h1>Hello &amp; welcome</h1>
<p>First   paragraph with a <a href="x">link text</a> and&nbsp;entities &lt;tag&gt; &eacute;.</p>
<ul><li>one</li><li>two<ul><li>two.a</li></ul></li></ul>
<ol><li>first</li><li>second</li></ol>
<table><tr><th>Name</th><th>Value</th></tr><tr><td>a</td><td>1</td></tr></table>
<pre>const x = 1
  indented()</pre>
<p>Line<br>break</p><noscript>no</noscript><svg><title>icon</title><path/></svg>
</body></html>`
    expect(htmlToText(html)).toEqual({
      text:
        'Home\n\n# Hello & welcome\n\nFirst paragraph with a link text and entities <tag> é.\n\n- one\n- two\n  - two.a\n\n1. first\n2. second\n\n' +
        'Name | Value\na | 1\n\n```\nconst x = 1\n  indented()\n```\n\nLine\nbreak',
      title: 'My Page',
    })
    const d = Document.fromHTML(html, { source: 'page.html' })
    expect(d.metadata).toEqual({ source: 'page.html', title: 'My Page' })
    expect(Document.fromHTML(html, { title: 'Given' }).metadata.title).toBe('Given')
    const chunks = d.chunk({ maxSize: 80 })
    const para = chunks.find((c) => c.text.includes('First paragraph'))!
    expect(para.metadata.headers).toEqual(['# Hello & welcome'])
    expect(para.metadata.title).toBe('My Page')
    for (const c of chunks) expect(d.text.slice(c.metadata.start, c.metadata.end)).toBe(c.text)
  })

  it('JSON documents are pretty-printed and chunked with the json strategy', () => {
    const d = Document.fromJSON('{"a":1,"b":[1,2]}', { source: 'x.json' })
    expect(d.text).toBe('{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ]\n}')
    expect(d.format).toBe('json')
    expect(Document.fromJSON({ a: 1 }).text).toBe('{\n  "a": 1\n}')
    // the engine's json strategy emits compact JSON per chunk, keeping the path to each part
    const big = Document.fromJSON({ items: [{ a: 'x'.repeat(30) }, { a: 'y'.repeat(30) }, { a: 'z' }] }, {}, { id: 'j' }).chunk({ maxSize: 50 })
    expect(big.map((c) => c.text)).toEqual(['{"items":[{"a":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}]}', '{"items":[{"a":"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"}]}', '{"items":[{"a":"z"}]}'])
    expect(big[2].metadata).toEqual({ docId: 'j', chunkIndex: 2, start: 133, end: 155, headers: ['items'] })
  })

  it('sanitises: CRLF, control characters, lone surrogates', () => {
    const t = Document.fromText('a\r\nb\u0007c\uD800d')
    expect(t.text).toBe('a\nbc\uFFFDd')
  })

  it('rejects empty and binary input with DOCUMENT_INVALID', () => {
    const cases: (() => unknown)[] = [
      () => Document.fromText(''),
      () => Document.fromText('  \n\t '),
      () => Document.fromText(42 as never),
      () => Document.fromText('PK\u0003\u0004\u0000\u0000binary'),
      () => Document.fromText('\uFFFD\uFFFD\uFFFDab\uFFFD\u0001\u0002xyz'),
      () => Document.fromText('\u0001\u0002'),
      () => Document.fromMarkdown(''),
      () => Document.fromHTML('<script>only()</script><style>x{}</style>'),
      () => Document.fromHTML('   '),
      () => Document.fromJSON('{"a":'),
      () => Document.fromJSON({}),
      () => Document.fromJSON([]),
      () => Document.fromJSON(null),
      () => Document.fromText('ok', [] as never),
    ]
    for (const f of cases) expect(f).toThrow(expect.objectContaining({ code: 'DOCUMENT_INVALID' }))
    // a little noise in a long text is kept
    expect(Document.fromText('x'.repeat(100) + '\uFFFD').text.length).toBe(101)
  })
})

describe('extractMetadata', () => {
  it('adds title/summary/keywords/questions from the model answer', async () => {
    const chunks = Document.fromMarkdown(MD, { source: 'docs/intro.md' }).chunk({ maxSize: 40 }).slice(0, 2)
    const model = new MockModel({
      responses: [
        { text: '{"title":"Intro","summary":"What Lumos does.","keywords":["lumos","agents"],"questions":["What is Lumos?"]}' },
        { text: 'Here you go:\n```json\n{"title":" Install ","summary":"How to install.","keywords":["npm"],"questions":[]}\n```' },
      ],
    })
    const out = await extractMetadata(chunks, { model, concurrency: 1 })
    expect(out[0].metadata).toMatchObject({ docId: 'docs/intro.md', title: 'Intro', summary: 'What Lumos does.', keywords: ['lumos', 'agents'], questions: ['What is Lumos?'] })
    expect(out[1].metadata).toMatchObject({ title: 'Install', keywords: ['npm'], questions: [] })
    expect(out[0].text).toBe(chunks[0].text)
    expect(chunks[0].metadata.title).toBeUndefined() // inputs untouched
    expect(model.calls.length).toBe(2)
    const user = model.calls[0].prompt[1]
    expect(user).toEqual({ role: 'user', content: [{ type: 'text', text: chunks[0].text }] })
    expect(model.calls[0].responseFormat).toEqual({ type: 'json' })
  })

  it('only the fields asked, optionally under a key; bad answers → STRUCTURED_OUTPUT_INVALID', async () => {
    const [c] = Document.fromText('some text', {}, { id: 'd' }).chunk()
    const ok = await extractMetadata([c], { model: new MockModel({ responses: [{ text: '{"keywords":["a"]}' }] }), fields: ['keywords'], key: 'extracted' })
    expect(ok[0].metadata).toEqual({ docId: 'd', chunkIndex: 0, start: 0, end: 9, extracted: { keywords: ['a'] } })
    await expect(extractMetadata([c], { model: new MockModel({ responses: [{ text: 'no json here' }] }), fields: ['title'] })).rejects.toMatchObject({ code: 'STRUCTURED_OUTPUT_INVALID' })
    await expect(extractMetadata([c], { model: new MockModel({ responses: [{ text: '{"title":3}' }] }), fields: ['title'] })).rejects.toMatchObject({ code: 'STRUCTURED_OUTPUT_INVALID' })
    await expect(extractMetadata([c], { model: new MockModel(), fields: ['color' as never] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  })
})
