// Production entry: `npm run build` bundles it. Set LUMOS_TOKEN to serve beyond localhost (bearer auth).
import { serve } from 'lumosai/node'
import type { LumosConfig } from 'lumosai'
import loaded from '../lumos.config.js'

const config: LumosConfig = loaded

const token = process.env.LUMOS_TOKEN
const server = await serve(
  { agents: config.agents, store: config.store },
  { port: Number(process.env.PORT ?? 4111), hostname: process.env.HOST ?? '127.0.0.1', ...(token ? { auth: { tokens: [token] } } : {}) },
)
console.log(`listening on ${server.url}`)
