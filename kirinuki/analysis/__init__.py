"""Pure analysis of clip text: figures, quotes, duplicates, versions, related entries.

Nothing here does I/O or imports `store` or `capture`; `journal.analysis` feeds these functions
from the store and keeps their results.
"""
