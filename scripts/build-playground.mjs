// Builds the playground (playground/, preact + htm) into ONE self-contained HTML file with inline JS
// and CSS (no CDN: it works offline): adapters/node/playground/index.html, served by `lumos dev`
// through createApp({ playground: { html } }). Kept out of runtime/ so edge bundles do not carry it.
//   node scripts/build-playground.mjs [--check]   (--check: fail if the committed file is stale)
import { build } from 'esbuild'
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { dirname } from 'node:path'
import { gzipSync } from 'node:zlib'

const OUT = 'adapters/node/playground/index.html'
const result = await build({
  entryPoints: ['playground/main.ts'],
  bundle: true,
  write: false,
  format: 'esm',
  minify: true,
  target: 'es2022',
  platform: 'browser',
  legalComments: 'none',
  logLevel: 'warning',
})
const js = result.outputFiles[0].text.replace(/<\/script/gi, '<\\/script')
const css = (await build({ entryPoints: ['playground/style.css'], bundle: true, write: false, minify: true, logLevel: 'warning' })).outputFiles[0].text
const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Lumos playground</title><link rel="icon" href="data:,">
<style>${css.trim()}</style></head>
<body><div id="app"></div><script type="module">${js.trim()}</script></body></html>
`
if (process.argv.includes('--check')) {
  if (!existsSync(OUT) || readFileSync(OUT, 'utf8') !== html) {
    console.error(`${OUT} is stale: run node scripts/build-playground.mjs`)
    process.exit(1)
  }
  console.log(`${OUT} is up to date`)
} else {
  mkdirSync(dirname(OUT), { recursive: true })
  writeFileSync(OUT, html)
  console.log(`${OUT}: ${html.length} bytes, gzip ${gzipSync(html, { level: 9 }).length} bytes`)
}
