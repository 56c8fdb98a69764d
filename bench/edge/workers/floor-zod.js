// Floor 2: the same hand-written loop with the tool schema in zod (validation + JSON Schema from zod),
// imported the way zod's documentation writes it. The fair floor for a framework that takes zod tools.
import * as z from 'zod'

const input = z.object({ a: z.number(), b: z.number() })
const tools = [{ type: 'function', function: { name: 'add', description: 'Add two numbers', parameters: z.toJSONSchema(input) } }]

export default {
  async fetch(request, env) {
    const { messages } = await request.json()
    const history = [{ role: 'system', content: 'You add numbers.' }, ...messages]
    for (let step = 0; step < 5; step++) {
      const res = await fetch(`${env.MODEL_URL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${env.OPENAI_API_KEY}` },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: history, tools }),
      })
      const msg = (await res.json()).choices[0].message
      history.push(msg)
      if (!msg.tool_calls?.length) return Response.json({ text: msg.content })
      for (const call of msg.tool_calls) {
        const { a, b } = input.parse(JSON.parse(call.function.arguments))
        history.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(a + b) })
      }
    }
    return Response.json({ text: '' })
  },
}
