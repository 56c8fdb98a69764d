import { describe, expect, test } from 'vitest'
import { z } from 'zod'
import { checkTemplate, templateSkeleton, validateWorkingMemory } from './working-memory.js'

const template = '# User\n- Name:\n- **City**: \n\n## Projects\n* Current:\nfree text is not structural\n'

describe('working memory template rule', () => {
  test('skeleton = headings + field labels up to the colon', () => {
    expect(templateSkeleton(template)).toEqual(['# User', '- Name:', '- **City**:', '## Projects', '* Current:'])
  })

  test('values, extra lines and extra sections are free; missing or reordered structure is not', () => {
    expect(checkTemplate(template, '# User\n-   Name: Ada\n- **City**: London\n- Age: 36\n## Projects\n* Current: engine\n# Extra\n')).toEqual([])
    expect(checkTemplate(template, '# User\n- Name: Ada\n## Projects\n* Current: x')).toEqual(['- **City**:'])
    expect(checkTemplate(template, '## Projects\n* Current: x\n# User\n- Name: Ada\n- **City**: L')).toEqual(['## Projects', '* Current:'])
  })

  test('validateWorkingMemory: template and schema modes', async () => {
    await expect(validateWorkingMemory({ template, schema: undefined }, { memory: '' })).rejects.toMatchObject({ code: 'WORKING_MEMORY_INVALID' })
    await expect(validateWorkingMemory({ template, schema: undefined }, { memory: '# User' })).rejects.toMatchObject({ code: 'WORKING_MEMORY_INVALID', details: { issues: [{ path: 'memory' }, {}, {}, {}] } })
    const schema = z.object({ name: z.string() })
    expect(await validateWorkingMemory({ template: undefined, schema }, { memory: { name: 'Ada' } })).toBe('{"name":"Ada"}')
    expect(await validateWorkingMemory({ template: undefined, schema }, { memory: '{"name":"Bo"}' })).toBe('{"name":"Bo"}')
    await expect(validateWorkingMemory({ template: undefined, schema }, { memory: { name: 1 } })).rejects.toMatchObject({ code: 'WORKING_MEMORY_INVALID', details: { issues: [{ path: 'name' }] } })
  })
})
