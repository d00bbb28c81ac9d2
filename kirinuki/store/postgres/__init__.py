"""PostgreSQL implementation of the store: the SQLite store's SQL, translated (`dialect`), over
pooled psycopg connections. Imported only when a journal is a `postgresql://` URL."""
