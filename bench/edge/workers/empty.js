// Floor 0: an empty Worker (Miniflare/workerd startup without any code of ours).
export default { fetch: () => new Response('ok') }
