"""Capture: fetching pages and feeds, decoding, extracting articles (no store access).

`fetch` talks HTTP behind an SSRF guard, `decode` turns bytes into text, `extract` turns HTML
into an article's metadata and paragraphs, `feeds` reads RSS/Atom/RDF and OPML, `diff` compares
two versions of an article. `journal` composes these with the store.
"""
