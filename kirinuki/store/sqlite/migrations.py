"""Ordered schema migrations. `SCHEMA_VERSION` is the newest this code understands.

A journal's version lives in `PRAGMA user_version`; a journal newer than this code is refused
rather than misread. Migrations run in one transaction each, so a crash leaves the old schema.
"""

from __future__ import annotations

V1 = """
CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources(id INTEGER PRIMARY KEY, site TEXT NOT NULL UNIQUE, name TEXT);
CREATE TABLE articles(
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    source_id INTEGER REFERENCES sources(id),
    title TEXT,
    first_seen TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT
);
CREATE TABLE article_versions(
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    fetched_at TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    title TEXT,
    published TEXT,
    modified TEXT,
    paragraphs TEXT NOT NULL,
    UNIQUE(article_id, content_hash)
);
CREATE TABLE entries(
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    permalink TEXT UNIQUE,
    published TEXT,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    title TEXT,
    bom INTEGER NOT NULL DEFAULT 0,
    newline TEXT NOT NULL DEFAULT '\n',
    lead_blank INTEGER NOT NULL DEFAULT 0,
    header TEXT NOT NULL DEFAULT '[]',
    footer TEXT,
    footer_blank INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX entries_published ON entries(published);
CREATE TABLE groups(
    id INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    UNIQUE(entry_id, pos)
);
CREATE TABLE clips(
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    text TEXT NOT NULL,
    blank_after INTEGER NOT NULL DEFAULT 0,
    article_version_id INTEGER REFERENCES article_versions(id) ON DELETE SET NULL,
    sel_exact TEXT,
    sel_prefix TEXT,
    sel_suffix TEXT
);
CREATE INDEX clips_group ON clips(group_id, pos);
CREATE INDEX clips_version ON clips(article_version_id);
CREATE TABLE related_links(
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    url TEXT NOT NULL,
    quote TEXT NOT NULL DEFAULT '',
    blank_after INTEGER NOT NULL DEFAULT 0,
    target_entry_id INTEGER REFERENCES entries(id) ON DELETE SET NULL
);
CREATE INDEX related_group ON related_links(group_id, pos);
CREATE TABLE tags(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, display TEXT NOT NULL);
CREATE TABLE tag_aliases(
    key TEXT PRIMARY KEY,
    tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE
);
CREATE TABLE tag_lines(
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    blank_after INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tag_lines_group ON tag_lines(group_id, pos);
CREATE TABLE group_tags(
    tag_line_id INTEGER NOT NULL REFERENCES tag_lines(id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    tag_id INTEGER NOT NULL REFERENCES tags(id),
    display TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tag_line_id, pos)
);
CREATE INDEX group_tags_tag ON group_tags(tag_id);
"""

# Reserved slots, each owned by one capability; an empty string is a no-op step.
V2_SEARCH = """
CREATE VIRTUAL TABLE search_bi USING fts5(body, content='', columnsize=0, tokenize='ascii');
CREATE VIRTUAL TABLE search_uni USING fts5(
    body, content='', columnsize=0, detail=none, tokenize='ascii'
);
INSERT INTO search_bi(search_bi, rank) VALUES ('automerge', 16);
INSERT INTO search_uni(search_uni, rank) VALUES ('automerge', 16);
INSERT INTO search_bi(search_bi, rank) VALUES ('hashsize', 8388608);
INSERT INTO search_uni(search_uni, rank) VALUES ('hashsize', 8388608);
CREATE TABLE search_docs(
    docid INTEGER PRIMARY KEY,
    clip_id INTEGER NOT NULL UNIQUE,
    entry_id INTEGER NOT NULL,
    stamp INTEGER NOT NULL,
    source_id INTEGER,
    public INTEGER NOT NULL,
    tags TEXT NOT NULL,
    crc INTEGER NOT NULL
);
CREATE TABLE search_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO search_meta(key, value) VALUES ('docs', '0'), ('chars', '0'), ('format', '2');
INSERT INTO search_meta(key, value)
    SELECT 'stale', 'the journal was written before it had a search index'
    WHERE EXISTS (SELECT 1 FROM clips);
"""
V3_CAPTURE = """
CREATE TABLE article_urls(
    url TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
);
CREATE INDEX article_urls_article ON article_urls(article_id);
CREATE TABLE feeds(
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT,
    site_url TEXT,
    etag TEXT,
    last_modified TEXT,
    added TEXT NOT NULL,
    polled TEXT,
    status TEXT
);
CREATE TABLE inbox(
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL UNIQUE REFERENCES articles(id) ON DELETE CASCADE,
    feed_id INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
    title TEXT,
    published TEXT,
    summary TEXT,
    added TEXT NOT NULL,
    clipped INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX inbox_newest ON inbox(published DESC, id DESC);
"""
V4_ANALYSIS = """
CREATE TABLE clip_sketches(
    clip_id INTEGER PRIMARY KEY REFERENCES clips(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    sketch BLOB NOT NULL
);
CREATE TABLE related_decisions(
    entry_key TEXT NOT NULL,
    other_key TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('pinned', 'rejected')),
    decided TEXT NOT NULL,
    PRIMARY KEY (entry_key, other_key)
) WITHOUT ROWID;
"""
V5_WEB = """
CREATE TABLE web_owner(
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE TABLE web_sessions(
    token_hash TEXT PRIMARY KEY,
    csrf TEXT NOT NULL,
    created TEXT NOT NULL,
    expires TEXT NOT NULL
);
CREATE TABLE api_tokens(
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('api', 'atompub')),
    created TEXT NOT NULL,
    last_used TEXT,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE login_failures(id INTEGER PRIMARY KEY, client TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX login_failures_client ON login_failures(client, at);
"""
V6_VERSIONS = """
CREATE TABLE clip_versions(
    clip_id INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
    earlier_clip_id INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
    change TEXT NOT NULL,
    PRIMARY KEY (clip_id, earlier_clip_id)
) WITHOUT ROWID;
CREATE INDEX clip_versions_earlier ON clip_versions(earlier_clip_id);
ALTER TABLE clip_sketches ADD COLUMN versions_checked INTEGER NOT NULL DEFAULT 0
"""

# An entry's header and footer lines (the blog's hosts) are the same in almost every entry:
# stored once and referenced, they no longer take room in every entry. `value` is the JSON
# [[[url, blank_after], ...], footer].
V7_CHROME = """
CREATE TABLE entry_chrome(id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);
INSERT OR IGNORE INTO entry_chrome(value)
    SELECT json_array(json(header), footer) FROM entries;
ALTER TABLE entries ADD COLUMN chrome_id INTEGER REFERENCES entry_chrome(id);
UPDATE entries SET chrome_id =
    (SELECT id FROM entry_chrome WHERE value = json_array(json(entries.header), entries.footer));
ALTER TABLE entries DROP COLUMN header;
ALTER TABLE entries DROP COLUMN footer
"""

# Draft entries, found without reading every entry: search for readers leaves out the few
# drafts' clips (a NOT over their entry tokens) instead of intersecting every match with the
# doclist of every published clip (which made counts several times slower).
V8_SEARCH_DRAFTS = """
CREATE INDEX entries_drafts ON entries(id) WHERE status <> 'published'
"""

# Ids are never handed out twice (store/sqlite/ids.py): the highest id each table ever held.
# Seeded from the ids stored now, so every existing id is kept; an id deleted before this
# migration above the highest one left cannot be known and may be handed out once more.
V9_ID_MARKS = """
CREATE TABLE id_marks(name TEXT PRIMARY KEY, last INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO id_marks(name, last)
    SELECT 'entries', coalesce(max(id), 0) FROM entries
    UNION ALL SELECT 'groups', coalesce(max(id), 0) FROM groups
    UNION ALL SELECT 'clips', coalesce(max(id), 0) FROM clips
    UNION ALL SELECT 'tag_lines', coalesce(max(id), 0) FROM tag_lines
    UNION ALL SELECT 'related_links', coalesce(max(id), 0) FROM related_links
    UNION ALL SELECT 'tags', coalesce(max(id), 0) FROM tags
    UNION ALL SELECT 'sources', coalesce(max(id), 0) FROM sources
    UNION ALL SELECT 'articles', coalesce(max(id), 0) FROM articles
    UNION ALL SELECT 'article_versions', coalesce(max(id), 0) FROM article_versions
    UNION ALL SELECT 'feeds', coalesce(max(id), 0) FROM feeds
    UNION ALL SELECT 'inbox', coalesce(max(id), 0) FROM inbox
    UNION ALL SELECT 'api_tokens', coalesce(max(id), 0) FROM api_tokens
"""

# What the clip text of an entry keeps beyond its structure (text.cliptext.raw_layout): line ends
# other than the entry's usual one, blank lines made of spaces, tag lines written other than
# `#a#b`. JSON, NULL for the usual entry, so it costs nothing where nothing is odd.
V10_RAW_LAYOUT = """
ALTER TABLE entries ADD COLUMN raw_layout TEXT
"""

# The canonical URL a page claimed on another site: not trusted as the article's URL (a page
# could pass itself off as another site's article), recorded with the version it came with.
V11_CANONICAL_CLAIM = """
ALTER TABLE article_versions ADD COLUMN canonical_claim TEXT
"""

# What the web app remembers between requests and worker processes: WSSE nonces seen (by their
# decoded bytes, until their Created time leaves the allowed skew) and one-time sign-in codes
# (SHA-256 digests, printed by `kirinuki user sign-in-code`).
V12_WEB_GUARD = """
CREATE TABLE IF NOT EXISTS wsse_nonces(nonce TEXT PRIMARY KEY, expires TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sign_in_codes(code_hash TEXT PRIMARY KEY, expires TEXT NOT NULL) WITHOUT ROWID;
"""

# Deleting moves to the trash: an entry, or a group or clip removed from an entry, is kept
# whole as JSON (journal/trash.py) until it is restored or purged; its id stays reserved and
# its key and permalink are not given to another entry. A published entry whose date changed
# keeps its old permalinks answering as redirects (`old_permalinks`).
V13_TRASH = """
CREATE TABLE trash(
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('entry', 'group', 'clip')),
    entry_id INTEGER NOT NULL,
    key TEXT,
    permalink TEXT,
    deleted TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX trash_entry ON trash(entry_id);
CREATE INDEX trash_key ON trash(key) WHERE key IS NOT NULL;
CREATE INDEX trash_permalink ON trash(permalink) WHERE permalink IS NOT NULL;
CREATE TABLE old_permalinks(
    permalink TEXT PRIMARY KEY,
    entry_id INTEGER NOT NULL,
    moved TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX old_permalinks_entry ON old_permalinks(entry_id)
"""

# Search folds digit grouping away (`3,800` reads `3800`, index format 3): an index built
# before holds the commas, so it is marked stale and `kirinuki reindex` rebuilds it (search
# says so until then).
V14_SEARCH_GROUPING = """
INSERT INTO search_meta(key, value)
    SELECT 'stale', 'it was built before search read 3,800 as 3800'
    WHERE EXISTS (SELECT 1 FROM search_docs)
    ON CONFLICT(key) DO NOTHING;
UPDATE search_meta SET value = '3' WHERE key = 'format';
"""

# Watching clipped articles (docs/capture.md, "Watching"): one row per watched article with
# when it is due next, every re-fetch's outcome (`watch_events`), and hosts that asked for a
# pause (429/503 with Retry-After). `IF NOT EXISTS` and the copy keep the script safe to run
# twice. API tokens gain the `feed` scope: a token that can read the changes feed only.
V15_WATCH = """
CREATE TABLE IF NOT EXISTS watches(
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    added TEXT NOT NULL,
    how TEXT NOT NULL CHECK (how IN ('clip', 'manual')),
    active INTEGER NOT NULL DEFAULT 1,
    next_check TEXT,
    last_check TEXT,
    checks INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    last_outcome TEXT
);
CREATE INDEX IF NOT EXISTS watches_due ON watches(next_check) WHERE active = 1;
CREATE TABLE IF NOT EXISTS watch_events(
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    outcome TEXT NOT NULL
        CHECK (outcome IN ('unchanged', 'changed', 'gone', 'moved', 'error')),
    status INTEGER,
    url TEXT,
    detail TEXT,
    version_id INTEGER REFERENCES article_versions(id) ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS watch_events_article ON watch_events(article_id, at);
CREATE INDEX IF NOT EXISTS watch_events_at ON watch_events(at);
CREATE TABLE IF NOT EXISTS watch_hosts(
    host TEXT PRIMARY KEY,
    not_before TEXT NOT NULL,
    reason TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE api_tokens_v15(
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('api', 'atompub', 'feed')),
    created TEXT NOT NULL,
    last_used TEXT,
    revoked INTEGER NOT NULL DEFAULT 0
);
INSERT INTO api_tokens_v15 SELECT id, token_hash, name, scope, created, last_used, revoked
    FROM api_tokens;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_v15 RENAME TO api_tokens
"""

# Each new article version keeps the response it was read from (issue 21): status line and
# headers as JSON pairs, the body zlib-compressed. `body` is NULL once the journal's cap on raw
# copies dropped it (`dropped` says when); a version with no row was stored before this
# migration (or came from a JSON Lines import) and never had a raw copy.
V16_RAW_COPIES = """
CREATE TABLE IF NOT EXISTS raw_copies(
    version_id INTEGER PRIMARY KEY REFERENCES article_versions(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    status INTEGER NOT NULL,
    reason TEXT NOT NULL,
    http_version TEXT NOT NULL,
    request_headers TEXT NOT NULL,
    headers TEXT NOT NULL,
    body BLOB,
    body_size INTEGER NOT NULL,
    compression TEXT NOT NULL DEFAULT 'zlib',
    dropped TEXT
)
"""

# OAuth 1.0a clients of the AtomPub API (`kirinuki hatena oauth add`): a consumer key and an
# access token each. HMAC-SHA1 signs with the two secrets, so the server needs them readable
# (as the WSSE keys): they are kept as written, never shown again, and a client is revoked, not
# deleted, so its id is never given out twice. Nonces seen go to wsse_nonces (`oauth:` keys).
V18_ATOMPUB_OAUTH = """
CREATE TABLE IF NOT EXISTS oauth_clients(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    consumer_key TEXT NOT NULL UNIQUE,
    consumer_secret TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE,
    token_secret TEXT NOT NULL,
    created TEXT NOT NULL,
    revoked TEXT
)
"""

# Hatena fidelity (issue 23): an entry's categories exactly as written, apart from its content
# (`categories`, JSON, NULL: the tags of its tag lines), linked to their tags for tag pages and
# search (`entry_categories`); and what it was imported with (`origin`, JSON: the MT text as
# read, the original body, the fields at import), so it exports back byte for byte.
V17_HATENA_MT = """
ALTER TABLE entries ADD COLUMN categories TEXT;
ALTER TABLE entries ADD COLUMN origin TEXT;
CREATE TABLE entry_categories(
    entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    tag_id INTEGER NOT NULL REFERENCES tags(id),
    PRIMARY KEY (entry_id, pos)
) WITHOUT ROWID;
CREATE INDEX entry_categories_tag ON entry_categories(tag_id)
"""

# Related-entry suggestions stored for the published pages (issue 20): what each published
# entry is about (`entry_features`: tags, people, organisations, places), its strongest earlier
# entries with their one-line reasons (`entry_suggestions`), and for which state of the entry
# they were found (`suggestion_state`: the entry's `updated` then; `gen` grows with every
# computation, so a reader sees which changed).
V19_SUGGESTIONS = """
CREATE TABLE IF NOT EXISTS entry_features(
    entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    display TEXT NOT NULL,
    PRIMARY KEY (entry_id, kind, value)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entry_features_value ON entry_features(kind, value);
CREATE TABLE IF NOT EXISTS entry_suggestions(
    entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    other_id INTEGER NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (entry_id, pos)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS suggestion_state(
    entry_id INTEGER PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
    stamp TEXT NOT NULL,
    gen INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS suggestion_state_gen ON suggestion_state(gen)
"""

# Statements (quotes and reported speech) are found group by group when a publish asks for
# them and kept (a tag's story counts its speakers without reading its clips again): a
# written entry puts its groups in `statements_todo`; the owner can hide a clip's version note
# or its statements from the published site (`analysis_hidden`, kind 'version' or
# 'statements').
V20_STORY = """
CREATE TABLE IF NOT EXISTS clip_statements(
    clip_id INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    speaker_key TEXT NOT NULL,
    speaker TEXT NOT NULL,
    mode TEXT NOT NULL,
    PRIMARY KEY (clip_id, n)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS statements_todo(group_id INTEGER PRIMARY KEY);
INSERT OR IGNORE INTO statements_todo(group_id) SELECT id FROM groups;
CREATE TABLE IF NOT EXISTS analysis_hidden(
    clip_id INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    PRIMARY KEY (clip_id, kind)
) WITHOUT ROWID
"""

# A journal kept by a team (issue 24): `entries.revision` counts the writes of an entry (its
# groups, clips and tags included; a client's If-Match is checked against it) and
# `entries.author` names the account that wrote it last. `users` holds the accounts with their
# role (owner, editor, reader); the single owner of V5 becomes user 1, and sessions and tokens
# belong to a user (the owner's until now). `web_owner` is gone: its row lives on in `users`.
V21_TEAM = """
ALTER TABLE entries ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE entries ADD COLUMN author TEXT;
CREATE TABLE users(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    password_hash TEXT,
    role TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'reader')),
    created TEXT NOT NULL
);
INSERT INTO users(id, name, password_hash, role, created)
    SELECT 1, coalesce((SELECT name FROM web_owner WHERE id = 1), 'owner'),
           (SELECT password_hash FROM web_owner WHERE id = 1), 'owner',
           coalesce((SELECT updated FROM web_owner WHERE id = 1), '');
DROP TABLE web_owner;
ALTER TABLE web_sessions ADD COLUMN user_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE api_tokens ADD COLUMN user_id INTEGER NOT NULL DEFAULT 1;
INSERT INTO id_marks(name, last) VALUES ('users', 1)
"""

# PostgreSQL's search index gained the clip's text form (its V22); nothing changes here.
V22_SEARCH_FORM = "-- PostgreSQL only (store/postgres/migrations.py)"

# An OAuth client acts as the account that authorised it (`kirinuki hatena oauth add --user`),
# with its role, and its writes carry that account as author; clients made before are the
# first owner's, as they acted until now.
V23_OAUTH_USER = """
ALTER TABLE oauth_clients ADD COLUMN user_id INTEGER NOT NULL DEFAULT 1
"""

# What every publish reads whole, from indexes instead of the tables' rows (an entry row holds
# its text, a sketch row its sketch): the entries' stamps, and the count of sketches with the
# unchecked ones (docs/publish.md, session 17). `IF NOT EXISTS`: a journal made at an older
# version by the tests (tests/conftest.py) has them already.
V24_PUBLISH_SCANS = """
CREATE INDEX IF NOT EXISTS entries_stamps ON entries(id, updated, status, published);
CREATE INDEX IF NOT EXISTS clip_sketches_checked ON clip_sketches(version, versions_checked)
"""

# PostgreSQL keeps each searched word's row ids in tables of its own (its V25); nothing here.
V25_SEARCH_KEPT = "-- PostgreSQL only (store/postgres/migrations.py)"

# Index i holds the SQL that takes a journal from version i to i + 1.
MIGRATIONS: list[str] = [V1, V2_SEARCH, V3_CAPTURE, V4_ANALYSIS, V5_WEB,
                        V6_VERSIONS, V7_CHROME, V8_SEARCH_DRAFTS, V9_ID_MARKS,
                        V10_RAW_LAYOUT, V11_CANONICAL_CLAIM, V12_WEB_GUARD,
                        V13_TRASH, V14_SEARCH_GROUPING, V15_WATCH, V16_RAW_COPIES,
                        V17_HATENA_MT, V18_ATOMPUB_OAUTH, V19_SUGGESTIONS, V20_STORY, V21_TEAM,
                        V22_SEARCH_FORM, V23_OAUTH_USER, V24_PUBLISH_SCANS, V25_SEARCH_KEPT]
SCHEMA_VERSION = len(MIGRATIONS)
