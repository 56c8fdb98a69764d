// Node stores. Their drivers are imported inside open()/connect(), so importing lumosai/node loads neither.
export { LibsqlStore, type LibsqlStoreOptions } from './libsql-store.js'
export { PostgresStore, type PostgresStoreOptions } from './postgres-store.js'
