-- The memory core: tenants, episodes, memories with bi-temporal validity and provenance,
-- contradictions, an audit log, full-text search and the change log the vector index follows.

-- A tenant is one namespace: user, agent, session (any may be empty). Every memory, episode and
-- index belongs to exactly one, and every query names one.
CREATE TABLE tenants (
  id          INTEGER PRIMARY KEY,
  namespace   TEXT NOT NULL UNIQUE,            -- the namespace path, joined with '/'
  user_id     TEXT,
  agent_id    TEXT,
  session_id  TEXT,
  created_at  INTEGER NOT NULL                 -- ms since the epoch
);

-- Raw interactions, as recorded.
CREATE TABLE episodes (
  id          INTEGER PRIMARY KEY,
  tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
  role        TEXT NOT NULL,                   -- user / assistant / tool / system / event
  content     TEXT,                            -- NULL once forgotten
  occurred_at INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL
);
CREATE INDEX episodes_by_tenant ON episodes(tenant_id, occurred_at);

CREATE TABLE memories (
  id            INTEGER PRIMARY KEY,           -- also the vector index's label
  tenant_id     INTEGER NOT NULL REFERENCES tenants(id),
  item_key      TEXT,                          -- the LangGraph store key, unique per tenant while active
  text          TEXT,                          -- NULL once deleted: the text leaves SQLite
  value_json    TEXT,                          -- the stored value (LangGraph store), NULL once deleted
  subject       TEXT,                          -- what the memory is about, normalised ("user's favourite colour")
  kind          TEXT NOT NULL CHECK (kind IN ('fact', 'preference', 'procedure', 'event')),
  durability    TEXT NOT NULL CHECK (durability IN ('volatile', 'durable', 'unknown')),
  confidence    REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
  recurrence    INTEGER NOT NULL DEFAULT 1,
  pinned        INTEGER NOT NULL DEFAULT 0,
  status        TEXT NOT NULL CHECK (status IN ('active', 'superseded', 'deleted', 'baked')),
  valid_from    INTEGER NOT NULL,              -- when it became true
  valid_to      INTEGER,                       -- when it stopped being true (NULL: still true)
  recorded_at   INTEGER NOT NULL,              -- when we learnt it
  retired_at    INTEGER,                       -- when we stopped believing it (superseded, deleted)
  superseded_by INTEGER REFERENCES memories(id),
  embedding     BLOB                           -- Float32 vector; NULL once deleted. The index is rebuilt from these.
);
CREATE INDEX memories_by_tenant ON memories(tenant_id, status);
CREATE INDEX memories_by_subject ON memories(tenant_id, subject);
CREATE UNIQUE INDEX memories_active_key ON memories(tenant_id, item_key) WHERE item_key IS NOT NULL AND status = 'active';

-- Provenance: the episodes a memory came from.
CREATE TABLE memory_episodes (
  memory_id  INTEGER NOT NULL REFERENCES memories(id),
  episode_id INTEGER NOT NULL REFERENCES episodes(id),
  PRIMARY KEY (memory_id, episode_id)
);

-- Two memories that cannot both be true. Both stay until a person or a later fact settles it.
CREATE TABLE contradictions (
  id           INTEGER PRIMARY KEY,
  tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
  memory_id    INTEGER NOT NULL REFERENCES memories(id),
  conflicts_with INTEGER NOT NULL REFERENCES memories(id),
  recorded_at  INTEGER NOT NULL,
  resolved_at  INTEGER
);

-- Every change to memories, without their text (so that forgetting leaves no copy here).
CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY,
  tenant_id  INTEGER NOT NULL REFERENCES tenants(id),
  memory_id  INTEGER,
  action     TEXT NOT NULL,                    -- add / update / reinforce / contradict / delete / ...
  detail     TEXT,                             -- JSON, never a memory's text
  at         INTEGER NOT NULL
);
CREATE INDEX audit_by_memory ON audit_log(memory_id);

-- Full-text search (BM25) over active memories' text. Rows are added and removed with the memory.
CREATE VIRTUAL TABLE memories_fts USING fts5(text, tokenize = 'porter unicode61');
-- FTS5's own secure-delete: deleted text is removed from its pages, not only unlinked.
INSERT INTO memories_fts(memories_fts, rank) VALUES ('secure-delete', 1);

-- What the vector index must replay: one row per add or delete, in commit order. An index file
-- records the last seq it contains; opening it replays the rest.
CREATE TABLE vector_log (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  memory_id INTEGER NOT NULL,
  op        TEXT NOT NULL CHECK (op IN ('add', 'retire', 'delete'))  -- retire: superseded, kept for asOf
);
CREATE INDEX vector_log_by_tenant ON vector_log(tenant_id, seq);

-- Which embedder wrote the stored vectors: vectors from another model (or size) cannot be mixed.
CREATE TABLE store_settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
