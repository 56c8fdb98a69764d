/**
 * SQLite schema of `DurableObjectStore` (the same tables as the Node LibsqlStore). Append a migration
 * to change it; never edit a shipped one. TEXT keys use the BINARY collation (UTF-8 byte order = the
 * Store's code point key order).
 */
export const DO_SQL_MIGRATIONS: readonly string[][] = [
  [
    `CREATE TABLE lumos_threads (
      id TEXT PRIMARY KEY, resource_id TEXT NOT NULL, title TEXT, metadata TEXT NOT NULL,
      created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, last_seq INTEGER NOT NULL)`,
    `CREATE INDEX lumos_threads_by_resource ON lumos_threads (resource_id, updated_at DESC, id)`,
    `CREATE TABLE lumos_messages (
      id TEXT PRIMARY KEY, thread_id TEXT NOT NULL, resource_id TEXT NOT NULL, seq INTEGER NOT NULL,
      role TEXT NOT NULL, content TEXT NOT NULL, created_at INTEGER NOT NULL)`,
    `CREATE UNIQUE INDEX lumos_messages_by_thread ON lumos_messages (thread_id, seq)`,
    `CREATE TABLE lumos_working_memory (
      kind TEXT NOT NULL, id TEXT NOT NULL, value TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (kind, id))`,
    `CREATE TABLE lumos_workflow_runs (
      workflow_id TEXT NOT NULL, run_id TEXT NOT NULL, resource_id TEXT, status TEXT NOT NULL, snapshot TEXT NOT NULL,
      version INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (workflow_id, run_id))`,
    `CREATE INDEX lumos_workflow_runs_by_time ON lumos_workflow_runs (workflow_id, created_at DESC, run_id)`,
    `CREATE TABLE lumos_blobs (
      key TEXT PRIMARY KEY, size INTEGER NOT NULL, segments INTEGER NOT NULL, chunks INTEGER NOT NULL, updated_at INTEGER NOT NULL)`,
    `CREATE TABLE lumos_blob_chunks (key TEXT NOT NULL, idx INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (key, idx))`,
  ],
]
