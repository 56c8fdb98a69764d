// Runtime suites must fail loudly in CI when their runtime cannot start; locally they may skip, saying why.
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1'

/**
 * Runs `start`; on failure throws under CI (the suite fails) and otherwise returns the reason to skip
 * with (printed once).
 */
export async function startOrSkip<T>(runtime: string, start: () => Promise<T>): Promise<{ value: T; skip: null } | { value: null; skip: string }> {
  try {
    return { value: await start(), skip: null }
  } catch (error) {
    const reason = `${runtime} could not start: ${error instanceof Error ? error.message : String(error)}`
    if (IN_CI) throw new Error(`${reason} (CI=true: runtime suites may not be skipped)`, { cause: error })
    console.warn(`[skip] ${reason}`)
    return { value: null, skip: reason }
  }
}
