// Floor 1: a hand-written tool loop over fetch, no schema library. What any framework must beat.
const tools = [{ type: 'function', function: { name: 'add', description: 'Add two numbers', parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] } } }]
const run = { add: ({ a, b }) => a + b }

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
        const args = JSON.parse(call.function.arguments)
        if (typeof args.a !== 'number' || typeof args.b !== 'number') throw new Error('bad tool input')
        history.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(run[call.function.name](args)) })
      }
    }
    return Response.json({ text: '' })
  },
}
