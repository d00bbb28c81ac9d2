"""The PostgreSQL counterpart of every SQLite migration, by the same number.

`MIGRATIONS[i]` takes a PostgreSQL journal from version i to i + 1, exactly as
`store/sqlite/migrations.MIGRATIONS[i]` does a SQLite one; a test fails when the two lists
differ in length, so a new SQLite migration needs its PostgreSQL step here (the same tables and
columns: integers are BIGINT, text is `COLLATE "C"` so it sorts as SQLite does, blobs BYTEA; an
index on a column that may be NULL is built NULLS FIRST, SQLite's order). Each step runs in one
transaction; the version lives in `kirinuki_schema`.
"""

from __future__ import annotations

# Text compared and sorted by code point, as SQLite's BINARY collation does for UTF-8 text.
_T = 'TEXT COLLATE "C"'

V1 = f"""
CREATE TABLE settings(key {_T} PRIMARY KEY, value {_T} NOT NULL);
CREATE TABLE sources(id BIGINT PRIMARY KEY, site {_T} NOT NULL UNIQUE, name {_T});
CREATE TABLE articles(
    id BIGINT PRIMARY KEY,
    url {_T} NOT NULL UNIQUE,
    source_id BIGINT REFERENCES sources(id),
    title {_T},
    first_seen {_T} NOT NULL,
    etag {_T},
    last_modified {_T}
);
CREATE TABLE article_versions(
    id BIGINT PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    fetched_at {_T} NOT NULL,
    content_hash {_T} NOT NULL,
    title {_T},
    published {_T},
    modified {_T},
    paragraphs {_T} NOT NULL,
    UNIQUE(article_id, content_hash)
);
CREATE TABLE entries(
    id BIGINT PRIMARY KEY,
    key {_T} NOT NULL UNIQUE,
    permalink {_T} UNIQUE,
    published {_T},
    status {_T} NOT NULL CHECK (status IN ('draft', 'published')),
    title {_T},
    bom BIGINT NOT NULL DEFAULT 0,
    newline {_T} NOT NULL DEFAULT E'\\n',
    lead_blank BIGINT NOT NULL DEFAULT 0,
    header {_T} NOT NULL DEFAULT '[]',
    footer {_T},
    footer_blank BIGINT NOT NULL DEFAULT 0,
    created {_T} NOT NULL,
    updated {_T} NOT NULL
);
CREATE INDEX entries_published ON entries(published NULLS FIRST);
CREATE TABLE groups(
    id BIGINT PRIMARY KEY,
    entry_id BIGINT NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    pos BIGINT NOT NULL,
    UNIQUE(entry_id, pos)
);
CREATE TABLE clips(
    id BIGINT PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    pos BIGINT NOT NULL,
    text {_T} NOT NULL,
    blank_after BIGINT NOT NULL DEFAULT 0,
    article_version_id BIGINT REFERENCES article_versions(id) ON DELETE SET NULL,
    sel_exact {_T},
    sel_prefix {_T},
    sel_suffix {_T}
);
CREATE INDEX clips_group ON clips(group_id, pos);
CREATE INDEX clips_version ON clips(article_version_id);
CREATE TABLE related_links(
    id BIGINT PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    pos BIGINT NOT NULL,
    url {_T} NOT NULL,
    quote {_T} NOT NULL DEFAULT '',
    blank_after BIGINT NOT NULL DEFAULT 0,
    target_entry_id BIGINT REFERENCES entries(id) ON DELETE SET NULL
);
CREATE INDEX related_group ON related_links(group_id, pos);
CREATE TABLE tags(id BIGINT PRIMARY KEY, key {_T} NOT NULL UNIQUE, display {_T} NOT NULL);
CREATE TABLE tag_aliases(
    key {_T} PRIMARY KEY,
    tag_id BIGINT NOT NULL REFERENCES tags(id) ON DELETE CASCADE
);
CREATE TABLE tag_lines(
    id BIGINT PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    pos BIGINT NOT NULL,
    blank_after BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX tag_lines_group ON tag_lines(group_id, pos);
CREATE TABLE group_tags(
    tag_line_id BIGINT NOT NULL REFERENCES tag_lines(id) ON DELETE CASCADE,
    pos BIGINT NOT NULL,
    tag_id BIGINT NOT NULL REFERENCES tags(id),
    display {_T} NOT NULL,
    summary {_T} NOT NULL DEFAULT '',
    PRIMARY KEY (tag_line_id, pos)
);
CREATE INDEX group_tags_tag ON group_tags(tag_id);
"""

# The two FTS5 tables become tables of pre-split tokens as `tsvector` with GIN indexes
# (docs/search.md, "PostgreSQL"); the same row ids, the same bodies.
V2_SEARCH = f"""
CREATE TABLE search_bi(rowid BIGINT PRIMARY KEY, body tsvector NOT NULL);
CREATE INDEX search_bi_body ON search_bi USING gin(body) WITH (fastupdate = on);
CREATE TABLE search_uni(rowid BIGINT PRIMARY KEY, body tsvector NOT NULL);
CREATE INDEX search_uni_body ON search_uni USING gin(body) WITH (fastupdate = on);
CREATE TABLE search_docs(
    docid BIGINT PRIMARY KEY,
    clip_id BIGINT NOT NULL UNIQUE,
    entry_id BIGINT NOT NULL,
    stamp BIGINT NOT NULL,
    source_id BIGINT,
    public BIGINT NOT NULL,
    tags {_T} NOT NULL,
    crc BIGINT NOT NULL
);
CREATE TABLE search_meta(key {_T} PRIMARY KEY, value {_T} NOT NULL);
INSERT INTO search_meta(key, value) VALUES ('docs', '0'), ('chars', '0'), ('format', '2');
"""
V3_CAPTURE = f"""
CREATE TABLE article_urls(
    url {_T} PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE
);
CREATE INDEX article_urls_article ON article_urls(article_id);
CREATE TABLE feeds(
    id BIGINT PRIMARY KEY,
    url {_T} NOT NULL UNIQUE,
    title {_T},
    site_url {_T},
    etag {_T},
    last_modified {_T},
    added {_T} NOT NULL,
    polled {_T},
    status {_T}
);
CREATE TABLE inbox(
    id BIGINT PRIMARY KEY,
    article_id BIGINT NOT NULL UNIQUE REFERENCES articles(id) ON DELETE CASCADE,
    feed_id BIGINT REFERENCES feeds(id) ON DELETE SET NULL,
    title {_T},
    published {_T},
    summary {_T},
    added {_T} NOT NULL,
    clipped BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX inbox_newest ON inbox(published DESC NULLS LAST, id DESC);
"""
V4_ANALYSIS = f"""
CREATE TABLE clip_sketches(
    clip_id BIGINT PRIMARY KEY REFERENCES clips(id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    sketch BYTEA NOT NULL
);
CREATE TABLE related_decisions(
    entry_key {_T} NOT NULL,
    other_key {_T} NOT NULL,
    decision {_T} NOT NULL CHECK (decision IN ('pinned', 'rejected')),
    decided {_T} NOT NULL,
    PRIMARY KEY (entry_key, other_key)
);
"""
V5_WEB = f"""
CREATE TABLE web_owner(
    id BIGINT PRIMARY KEY CHECK (id = 1),
    name {_T} NOT NULL,
    password_hash {_T} NOT NULL,
    updated {_T} NOT NULL
);
CREATE TABLE web_sessions(
    token_hash {_T} PRIMARY KEY,
    csrf {_T} NOT NULL,
    created {_T} NOT NULL,
    expires {_T} NOT NULL
);
CREATE TABLE api_tokens(
    id BIGINT PRIMARY KEY,
    token_hash {_T} NOT NULL UNIQUE,
    name {_T} NOT NULL,
    scope {_T} NOT NULL CHECK (scope IN ('api', 'atompub')),
    created {_T} NOT NULL,
    last_used {_T},
    revoked BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE login_failures(id BIGSERIAL PRIMARY KEY, client {_T} NOT NULL, at {_T} NOT NULL);
CREATE INDEX login_failures_client ON login_failures(client, at);
"""
V6_VERSIONS = """
CREATE TABLE clip_versions(
    clip_id BIGINT NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
    earlier_clip_id BIGINT NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
    change TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (clip_id, earlier_clip_id)
);
CREATE INDEX clip_versions_earlier ON clip_versions(earlier_clip_id);
ALTER TABLE clip_sketches ADD COLUMN versions_checked BIGINT NOT NULL DEFAULT 0;
"""
V7_CHROME = f"""
CREATE TABLE entry_chrome(id BIGSERIAL PRIMARY KEY, value {_T} NOT NULL UNIQUE);
INSERT INTO entry_chrome(value)
    SELECT DISTINCT json_build_array(header::json, footer)::text FROM entries
    ON CONFLICT DO NOTHING;
ALTER TABLE entries ADD COLUMN chrome_id BIGINT REFERENCES entry_chrome(id);
UPDATE entries SET chrome_id = (SELECT id FROM entry_chrome
    WHERE value = json_build_array(entries.header::json, entries.footer)::text);
ALTER TABLE entries DROP COLUMN header;
ALTER TABLE entries DROP COLUMN footer;
"""
V8_SEARCH_DRAFTS = """
CREATE INDEX entries_drafts ON entries(id) WHERE status <> 'published';
"""
V9_ID_MARKS = f"""
CREATE TABLE id_marks(name {_T} PRIMARY KEY, last BIGINT NOT NULL);
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
    UNION ALL SELECT 'api_tokens', coalesce(max(id), 0) FROM api_tokens;
"""
V10_RAW_LAYOUT = f"""
ALTER TABLE entries ADD COLUMN raw_layout {_T};
"""
V11_CANONICAL_CLAIM = f"""
ALTER TABLE article_versions ADD COLUMN canonical_claim {_T};
"""
V12_WEB_GUARD = f"""
CREATE TABLE IF NOT EXISTS wsse_nonces(nonce {_T} PRIMARY KEY, expires {_T} NOT NULL);
CREATE TABLE IF NOT EXISTS sign_in_codes(code_hash {_T} PRIMARY KEY, expires {_T} NOT NULL);
"""
V13_TRASH = f"""
CREATE TABLE trash(
    id BIGSERIAL PRIMARY KEY,
    kind {_T} NOT NULL CHECK (kind IN ('entry', 'group', 'clip')),
    entry_id BIGINT NOT NULL,
    key {_T},
    permalink {_T},
    deleted {_T} NOT NULL,
    record {_T} NOT NULL
);
CREATE INDEX trash_entry ON trash(entry_id);
CREATE INDEX trash_key ON trash(key) WHERE key IS NOT NULL;
CREATE INDEX trash_permalink ON trash(permalink) WHERE permalink IS NOT NULL;
CREATE TABLE old_permalinks(
    permalink {_T} PRIMARY KEY,
    entry_id BIGINT NOT NULL,
    moved {_T} NOT NULL
);
CREATE INDEX old_permalinks_entry ON old_permalinks(entry_id);
"""
V14_SEARCH_GROUPING = """
INSERT INTO search_meta(key, value)
    SELECT 'stale', 'it was built before search read 3,800 as 3800'
    WHERE EXISTS (SELECT 1 FROM search_docs)
    ON CONFLICT(key) DO NOTHING;
UPDATE search_meta SET value = '3' WHERE key = 'format';
"""

V15_WATCH = f"""
CREATE TABLE IF NOT EXISTS watches(
    article_id BIGINT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    added {_T} NOT NULL,
    how {_T} NOT NULL CHECK (how IN ('clip', 'manual')),
    active BIGINT NOT NULL DEFAULT 1,
    next_check {_T},
    last_check {_T},
    checks BIGINT NOT NULL DEFAULT 0,
    failures BIGINT NOT NULL DEFAULT 0,
    last_outcome {_T}
);
CREATE INDEX IF NOT EXISTS watches_due ON watches(next_check NULLS FIRST) WHERE active = 1;
CREATE TABLE IF NOT EXISTS watch_events(
    id BIGSERIAL PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    at {_T} NOT NULL,
    outcome {_T} NOT NULL
        CHECK (outcome IN ('unchanged', 'changed', 'gone', 'moved', 'error')),
    status BIGINT,
    url {_T},
    detail {_T},
    version_id BIGINT REFERENCES article_versions(id) ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS watch_events_article ON watch_events(article_id, at);
CREATE INDEX IF NOT EXISTS watch_events_at ON watch_events(at);
CREATE TABLE IF NOT EXISTS watch_hosts(
    host {_T} PRIMARY KEY,
    not_before {_T} NOT NULL,
    reason {_T} NOT NULL
);
ALTER TABLE api_tokens DROP CONSTRAINT IF EXISTS api_tokens_scope_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_scope_check
    CHECK (scope IN ('api', 'atompub', 'feed'));
"""
V16_RAW_COPIES = f"""
CREATE TABLE IF NOT EXISTS raw_copies(
    version_id BIGINT PRIMARY KEY REFERENCES article_versions(id) ON DELETE CASCADE,
    url {_T} NOT NULL,
    status BIGINT NOT NULL,
    reason {_T} NOT NULL,
    http_version {_T} NOT NULL,
    request_headers {_T} NOT NULL,
    headers {_T} NOT NULL,
    body BYTEA,
    body_size BIGINT NOT NULL,
    compression {_T} NOT NULL DEFAULT 'zlib',
    dropped {_T}
);
"""
V17_HATENA_MT = f"""
ALTER TABLE entries ADD COLUMN categories {_T};
ALTER TABLE entries ADD COLUMN origin {_T};
CREATE TABLE entry_categories(
    entry_id BIGINT NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    pos BIGINT NOT NULL,
    tag_id BIGINT NOT NULL REFERENCES tags(id),
    PRIMARY KEY (entry_id, pos)
);
CREATE INDEX entry_categories_tag ON entry_categories(tag_id);
"""
V18_ATOMPUB_OAUTH = f"""
CREATE TABLE IF NOT EXISTS oauth_clients(
    id BIGSERIAL PRIMARY KEY,
    name {_T} NOT NULL,
    consumer_key {_T} NOT NULL UNIQUE,
    consumer_secret {_T} NOT NULL,
    token {_T} NOT NULL UNIQUE,
    token_secret {_T} NOT NULL,
    created {_T} NOT NULL,
    revoked {_T}
);
"""
V19_SUGGESTIONS = f"""
CREATE TABLE IF NOT EXISTS entry_features(
    entry_id BIGINT NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    kind {_T} NOT NULL,
    value {_T} NOT NULL,
    display {_T} NOT NULL,
    PRIMARY KEY (entry_id, kind, value)
);
CREATE INDEX IF NOT EXISTS entry_features_value ON entry_features(kind, value);
CREATE TABLE IF NOT EXISTS entry_suggestions(
    entry_id BIGINT NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    pos BIGINT NOT NULL,
    other_id BIGINT NOT NULL,
    reason {_T} NOT NULL,
    PRIMARY KEY (entry_id, pos)
);
CREATE TABLE IF NOT EXISTS suggestion_state(
    entry_id BIGINT PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
    stamp {_T} NOT NULL,
    gen BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS suggestion_state_gen ON suggestion_state(gen);
"""
V20_STORY = f"""
CREATE TABLE IF NOT EXISTS clip_statements(
    clip_id BIGINT NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
    n BIGINT NOT NULL,
    speaker_key {_T} NOT NULL,
    speaker {_T} NOT NULL,
    mode {_T} NOT NULL,
    PRIMARY KEY (clip_id, n)
);
CREATE TABLE IF NOT EXISTS statements_todo(group_id BIGINT PRIMARY KEY);
INSERT INTO statements_todo(group_id) SELECT id FROM groups ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS analysis_hidden(
    clip_id BIGINT NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
    kind {_T} NOT NULL,
    PRIMARY KEY (clip_id, kind)
);
"""

V21_TEAM = f"""
ALTER TABLE entries ADD COLUMN revision BIGINT NOT NULL DEFAULT 1;
ALTER TABLE entries ADD COLUMN author {_T};
CREATE TABLE users(
    id BIGINT PRIMARY KEY,
    name {_T} NOT NULL UNIQUE,
    password_hash {_T},
    role {_T} NOT NULL CHECK (role IN ('owner', 'editor', 'reader')),
    created {_T} NOT NULL
);
INSERT INTO users(id, name, password_hash, role, created)
    SELECT 1, coalesce((SELECT name FROM web_owner WHERE id = 1), 'owner'),
           (SELECT password_hash FROM web_owner WHERE id = 1), 'owner',
           coalesce((SELECT updated FROM web_owner WHERE id = 1), '');
DROP TABLE web_owner;
ALTER TABLE web_sessions ADD COLUMN user_id BIGINT NOT NULL DEFAULT 1;
ALTER TABLE api_tokens ADD COLUMN user_id BIGINT NOT NULL DEFAULT 1;
INSERT INTO id_marks(name, last) VALUES ('users', 1);
"""

# The search index without token positions (docs/search.md, "PostgreSQL"): a phrase is found
# among the rows holding all its tokens by a substring check of the clip's text in index form
# (`form`), instead of rechecking positions in every candidate's `tsvector` (read from TOAST);
# rows without positions are also cheaper to write. An index built before is rebuilt.
V22_SEARCH_FORM = """
ALTER TABLE search_bi ADD COLUMN form TEXT COLLATE "C" NOT NULL DEFAULT '';
INSERT INTO search_meta(key, value)
    SELECT 'stale', 'it was built with token positions; PostgreSQL now finds phrases in the text'
    WHERE EXISTS (SELECT 1 FROM search_docs)
    ON CONFLICT(key) DO NOTHING;
"""

V23_OAUTH_USER = """
ALTER TABLE oauth_clients ADD COLUMN user_id BIGINT NOT NULL DEFAULT 1;
"""

# The indexes of SQLite's V24 (what a publish reads whole, read from an index).
V24_PUBLISH_SCANS = """
CREATE INDEX IF NOT EXISTS entries_stamps ON entries(id, updated, status, published);
CREATE INDEX IF NOT EXISTS clip_sketches_checked ON clip_sketches(version, versions_checked);
"""

# Each searched word's row ids, kept for every process of the web app and across restarts
# (`kept.py`, docs/search.md "Row ids kept in the journal"): `search_kept` holds a word's
# ascending row ids (8-byte big-endian) as of a generation of the index, `search_changed` the
# row ids each write changed after it (tagged with a generation above the writer's start),
# and `search_kept_floor` the oldest generation whose changes are all there.
V25_SEARCH_KEPT = """
CREATE SEQUENCE search_kept_at;
CREATE TABLE search_kept(
    tbl TEXT NOT NULL,
    expr TEXT NOT NULL,
    generation BIGINT NOT NULL,
    n BIGINT NOT NULL,
    ids BYTEA NOT NULL,
    kept_at BIGINT NOT NULL DEFAULT nextval('search_kept_at'),
    PRIMARY KEY (tbl, expr)
);
CREATE TABLE search_changed(generation BIGINT NOT NULL, rowid BIGINT NOT NULL);
CREATE INDEX search_changed_generation ON search_changed(generation);
CREATE TABLE search_kept_floor(id INTEGER PRIMARY KEY CHECK (id = 1), floor BIGINT NOT NULL);
INSERT INTO search_kept_floor(id, floor) VALUES (1, 0);
"""

# Index i holds the SQL that takes a journal from version i to i + 1 (as in SQLite's list).
MIGRATIONS: list[str] = [V1, V2_SEARCH, V3_CAPTURE, V4_ANALYSIS, V5_WEB,
                         V6_VERSIONS, V7_CHROME, V8_SEARCH_DRAFTS, V9_ID_MARKS,
                         V10_RAW_LAYOUT, V11_CANONICAL_CLAIM, V12_WEB_GUARD,
                         V13_TRASH, V14_SEARCH_GROUPING, V15_WATCH, V16_RAW_COPIES,
                         V17_HATENA_MT, V18_ATOMPUB_OAUTH, V19_SUGGESTIONS, V20_STORY, V21_TEAM,
                         V22_SEARCH_FORM, V23_OAUTH_USER, V24_PUBLISH_SCANS,
                         V25_SEARCH_KEPT]

# Kept beside the migrated tables: the schema's identity and version, the change counter that
# stands for SQLite's `PRAGMA data_version` (bumped by every transaction that writes), and
# SQLite's `unixepoch` of a stored date (AtomPub pages by epoch seconds).
BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS kirinuki_schema(
    id INTEGER PRIMARY KEY CHECK (id = 1),
    app TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS kirinuki_changes(id INTEGER PRIMARY KEY CHECK (id = 1), n BIGINT NOT NULL);
INSERT INTO kirinuki_changes(id, n) VALUES (1, 0) ON CONFLICT DO NOTHING;
CREATE OR REPLACE FUNCTION unixepoch(t text) RETURNS bigint
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    RETURN floor(extract(epoch FROM t::timestamptz))::bigint;
"""
