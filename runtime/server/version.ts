/** The package version reported by /api/health and /openapi.json (kept in step with package.json by the release script). */
export const LUMOS_VERSION = '0.1.0'
