import { Parser } from 'htmlparser2'

/**
 * HTML → markdown-flavoured plain text with htmlparser2 (pure JS, no DOM, runs everywhere):
 * drops script/style/noscript/template/svg/iframe/head (keeps <title> separately), headings become
 * `#`-prefixed lines, paragraphs and blocks are separated by blank lines, lists become `- ` / `1. `
 * items (nested ones indented), table rows become lines of cells joined by ` | `, `<pre>` keeps its
 * whitespace inside a ``` fence, links keep their text, entities are decoded.
 */
export function htmlToText(html: string): { text: string; title: string | undefined } {
  const out: string[] = []
  const lists: { ordered: boolean; n: number }[] = []
  let skip = 0
  let pre = 0
  let inTitle = false
  let title = ''
  let titleSeen = false
  let cell = 0
  const parser = new Parser(
    {
      onopentag(name) {
        if (name === 'title') {
          inTitle = !titleSeen // only the document title, not <svg><title>
          return
        }
        if (SKIP.has(name)) {
          skip++
          return
        }
        if (skip) return
        const h = HEADING.exec(name)
        if (h) {
          out.push(`\n\n${'#'.repeat(Number(h[1]))} `)
          return
        }
        switch (name) {
          case 'br':
            out.push(pre ? NL : '\n')
            return
          case 'ul':
          case 'ol':
            if (lists.length === 0) out.push('\n')
            lists.push({ ordered: name === 'ol', n: 0 })
            return
          case 'li': {
            const l = lists[lists.length - 1]
            out.push(`\n${INDENT.repeat(Math.max(0, lists.length - 1))}${l?.ordered ? `${++l.n}. ` : '- '}`)
            return
          }
          case 'tr':
            out.push('\n')
            cell = 0
            return
          case 'td':
          case 'th':
            if (cell++ > 0) out.push(' | ')
            return
          case 'pre':
            pre++
            if (pre === 1) out.push(`\n\n\`\`\`${NL}`)
            return
        }
        if (BLOCK.has(name)) out.push('\n\n')
      },
      ontext(text) {
        const clean = text.replace(MARKERS, '')
        if (inTitle) title += clean
        else if (skip) return
        else if (pre) out.push(clean.replace(/\r\n?|\n/g, NL).replace(/[ \t]/g, SP))
        else out.push(clean.replace(/\s+/g, ' '))
      },
      onclosetag(name) {
        if (name === 'title') {
          if (inTitle) titleSeen = true
          inTitle = false
          return
        }
        if (SKIP.has(name)) {
          skip = Math.max(0, skip - 1)
          return
        }
        if (skip) return
        if (HEADING.test(name)) out.push('\n\n')
        else if (name === 'ul' || name === 'ol') {
          lists.pop()
          out.push('\n')
        } else if (name === 'pre') {
          pre = Math.max(0, pre - 1)
          if (pre === 0) out.push(`${NL}\`\`\`\n\n`)
        } else if (BLOCK.has(name)) out.push('\n\n')
      },
    },
    { decodeEntities: true, lowerCaseTags: true, recognizeSelfClosing: true },
  )
  parser.write(html)
  parser.end()
  const text = out
    .join('')
    .split('\n')
    .map((line) => line.replace(/ {2,}/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
    .replaceAll(NL, '\n')
    .replaceAll(SP, ' ')
    .replaceAll(INDENT, '  ')
  const t = title.replace(/\s+/g, ' ').trim()
  return { text, title: t || undefined }
}

// Private-use markers carry whitespace that line trimming must not touch (pre blocks, list indents).
const NL = '\uE001'
const SP = '\uE002'
const INDENT = '\uE003'
const MARKERS = /[\uE001-\uE003]/g
const HEADING = /^h([1-6])$/
const SKIP = new Set(['script', 'style', 'noscript', 'template', 'svg', 'iframe', 'head', 'object', 'canvas'])
const BLOCK = new Set([
  'p', 'div', 'section', 'article', 'header', 'footer', 'main', 'nav', 'aside', 'blockquote', 'table', 'thead', 'tbody', 'tfoot',
  'dl', 'dt', 'dd', 'figure', 'figcaption', 'form', 'fieldset', 'address', 'details', 'summary', 'hr', 'caption', 'body', 'html',
])
