/**
 * Postgres schema for PostgresStore, one list of statements per version; `$S` is the quoted schema.
 * Append a migration to change it; never edit a shipped one. Keys are `COLLATE "C"` so that ordering
 * is UTF-8 byte order (the Store's code point key order) whatever the database locale.
 */
export const POSTGRES_MIGRATIONS: readonly string[][] = [
  [
    `CREATE TABLE $S.lumos_threads (
      id text COLLATE "C" PRIMARY KEY, resource_id text COLLATE "C" NOT NULL, title text, metadata jsonb NOT NULL,
      created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, last_seq integer NOT NULL)`,
    `CREATE INDEX lumos_threads_by_resource ON $S.lumos_threads (resource_id, updated_at DESC, id)`,
    `CREATE TABLE $S.lumos_messages (
      id text COLLATE "C" PRIMARY KEY, thread_id text COLLATE "C" NOT NULL, resource_id text COLLATE "C" NOT NULL,
      seq integer NOT NULL, role text NOT NULL, content jsonb NOT NULL, created_at timestamptz NOT NULL,
      CONSTRAINT lumos_messages_thread_seq UNIQUE (thread_id, seq))`,
    `CREATE TABLE $S.lumos_working_memory (
      kind text NOT NULL, id text COLLATE "C" NOT NULL, value text NOT NULL, updated_at timestamptz NOT NULL, PRIMARY KEY (kind, id))`,
    `CREATE TABLE $S.lumos_workflow_runs (
      workflow_id text COLLATE "C" NOT NULL, run_id text COLLATE "C" NOT NULL, resource_id text COLLATE "C", status text COLLATE "C" NOT NULL,
      snapshot jsonb NOT NULL, version integer NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
      PRIMARY KEY (workflow_id, run_id))`,
    `CREATE INDEX lumos_workflow_runs_by_time ON $S.lumos_workflow_runs (workflow_id, created_at DESC, run_id)`,
    `CREATE TABLE $S.lumos_blobs (
      key text COLLATE "C" PRIMARY KEY, size bigint NOT NULL, segments integer NOT NULL, chunks integer NOT NULL, updated_at timestamptz NOT NULL)`,
    `CREATE TABLE $S.lumos_blob_chunks (key text COLLATE "C" NOT NULL, idx integer NOT NULL, data bytea NOT NULL, PRIMARY KEY (key, idx))`,
  ],
]
