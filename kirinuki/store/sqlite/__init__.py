"""SQLite implementation of the store: hand-written SQL, one module per entity."""
