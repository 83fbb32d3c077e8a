-- Consolidation: runs that turn a tenant's durable memories into a LoRA adapter, stage by stage,
-- each stage committing its rows so that a killed run resumes where it was; the adapter versions
-- they produce, with their manifests; and who decided what (the audit log gains an actor).

-- Adapter files, one row per file a run produced. SQLite is the source of truth: a file is used
-- only if its sha256 matches the row. At most one version per tenant is active.
CREATE TABLE adapter_versions (
  id                INTEGER PRIMARY KEY,
  tenant_id         INTEGER NOT NULL REFERENCES tenants(id),
  version           INTEGER NOT NULL,                 -- 1, 2, ... per tenant: <tenant>.v0007.gguf
  run_id            INTEGER NOT NULL,                 -- the run that trained it
  file              TEXT,                             -- relative to the store's adapter folder; NULL once deleted
  sha256            TEXT NOT NULL,
  base_model_sha256 TEXT NOT NULL,
  training_sha256   TEXT NOT NULL,                    -- the training-data file it was trained on
  parent_version_id INTEGER REFERENCES adapter_versions(id), -- incremental: the version it continued from
  state             TEXT NOT NULL CHECK (state IN ('candidate', 'pending', 'active', 'retired', 'rejected', 'tainted')),
  settings_json     TEXT NOT NULL,
  created_at        INTEGER NOT NULL,
  activated_at      INTEGER,
  UNIQUE (tenant_id, version)
);
CREATE UNIQUE INDEX adapter_versions_one_active ON adapter_versions(tenant_id) WHERE state = 'active';

-- What each version was trained on: the memories (through their units).
CREATE TABLE adapter_manifest (
  version_id INTEGER NOT NULL REFERENCES adapter_versions(id),
  memory_id  INTEGER NOT NULL REFERENCES memories(id),
  unit_id    INTEGER NOT NULL,
  replayed   INTEGER NOT NULL DEFAULT 0,              -- 1: carried over from an earlier version
  PRIMARY KEY (version_id, memory_id)
);
CREATE INDEX adapter_manifest_by_memory ON adapter_manifest(memory_id);

CREATE TABLE consolidation_runs (
  id                   INTEGER PRIMARY KEY,
  tenant_id            INTEGER NOT NULL REFERENCES tenants(id),
  -- running: stages in progress; pending: passed the gate, waits for review; the rest are final.
  state                TEXT NOT NULL CHECK (state IN ('running', 'pending', 'approved', 'rejected', 'failed', 'empty', 'dry-run')),
  stage                TEXT NOT NULL CHECK (stage IN ('select', 'probe', 'write', 'train', 'gate', 'review', 'activate', 'done')),
  mode                 TEXT NOT NULL CHECK (mode IN ('incremental', 'full')),
  settings_json        TEXT NOT NULL,
  from_version_id      INTEGER REFERENCES adapter_versions(id), -- the active version when the run began (NULL: the base)
  candidate_version_id INTEGER REFERENCES adapter_versions(id),
  train_attempt        INTEGER NOT NULL DEFAULT 0,     -- names the trainer's output file, so a killed attempt's file is recognisable
  trainer_pid          INTEGER,                        -- a trainer that outlived a killed run is stopped on resume
  gate_json            TEXT,                           -- the gate's numbers and verdict
  error                TEXT,
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL,
  finished_at          INTEGER
);
CREATE INDEX consolidation_runs_by_tenant ON consolidation_runs(tenant_id, id);
CREATE UNIQUE INDEX consolidation_runs_one_running ON consolidation_runs(tenant_id) WHERE state = 'running';

-- One run per tenant at a time, across processes: the owner renews the heartbeat; a lease whose
-- heartbeat stopped for longer than its ttl may be taken over.
CREATE TABLE consolidation_leases (
  tenant_id    INTEGER PRIMARY KEY REFERENCES tenants(id),
  owner        TEXT NOT NULL,
  run_id       INTEGER,
  heartbeat_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
);

-- Every memory the select stage looked at, with its decision and why.
CREATE TABLE run_memories (
  run_id    INTEGER NOT NULL REFERENCES consolidation_runs(id),
  memory_id INTEGER NOT NULL REFERENCES memories(id),
  decision  TEXT NOT NULL CHECK (decision IN ('selected', 'skipped', 'flagged')),
  reason    TEXT NOT NULL,
  unit_id   INTEGER,
  PRIMARY KEY (run_id, memory_id)
);

-- A unit: the memories of one subject, consolidated together (SEAL's passage).
CREATE TABLE consolidation_units (
  id         INTEGER PRIMARY KEY,
  run_id     INTEGER NOT NULL REFERENCES consolidation_runs(id),
  tenant_id  INTEGER NOT NULL REFERENCES tenants(id),
  subject    TEXT,
  text       TEXT,                                    -- the memories' text; NULL once one of them is forgotten
  written    INTEGER NOT NULL DEFAULT 0,              -- 1 when the write stage committed its self-edits
  created_at INTEGER NOT NULL
);
CREATE INDEX consolidation_units_by_run ON consolidation_units(run_id);
CREATE TABLE unit_memories (
  unit_id   INTEGER NOT NULL REFERENCES consolidation_units(id),
  memory_id INTEGER NOT NULL REFERENCES memories(id),
  PRIMARY KEY (unit_id, memory_id)
);
CREATE INDEX unit_memories_by_memory ON unit_memories(memory_id);

-- Training text a writer produced for a unit. Filtered ones are kept (with why) for review.
CREATE TABLE self_edits (
  id            INTEGER PRIMARY KEY,
  unit_id       INTEGER NOT NULL REFERENCES consolidation_units(id),
  strategy      TEXT NOT NULL,
  writer        TEXT NOT NULL,
  sample        INTEGER NOT NULL,
  text          TEXT,                                 -- a line of training text, or a question for qa
  answer        TEXT,                                 -- qa: the answer
  kept          INTEGER NOT NULL,
  filter_reason TEXT,
  UNIQUE (unit_id, strategy, sample, text)
);

-- A memory's test: a question whose answer is a span of the memory. Kept for every later run.
CREATE TABLE probes (
  id         INTEGER PRIMARY KEY,
  tenant_id  INTEGER NOT NULL REFERENCES tenants(id),
  memory_id  INTEGER NOT NULL REFERENCES memories(id),
  question   TEXT,                                    -- NULL once the memory is forgotten
  answer     TEXT,
  source     TEXT NOT NULL CHECK (source IN ('model', 'template')),
  created_at INTEGER NOT NULL
);
CREATE INDEX probes_by_memory ON probes(memory_id);

-- How a model answered a probe in a run's gate: `model` is 'base', 'reference' (the active
-- version the candidate is compared with) or 'candidate'.
CREATE TABLE probe_results (
  run_id   INTEGER NOT NULL REFERENCES consolidation_runs(id),
  probe_id INTEGER NOT NULL REFERENCES probes(id),
  model    TEXT NOT NULL CHECK (model IN ('base', 'reference', 'candidate')),
  role     TEXT NOT NULL CHECK (role IN ('new', 'retained', 'forgotten')),
  trained  INTEGER NOT NULL DEFAULT 0,                -- the probe's question was training data (not scored)
  correct  INTEGER NOT NULL,
  log_prob REAL NOT NULL,
  answer   TEXT,
  PRIMARY KEY (run_id, probe_id, model)
);

-- Decisions (approve, reject, rollback, auto) name who made them.
ALTER TABLE audit_log ADD COLUMN actor TEXT;
-- Run-level decisions have no memory; this finds them per tenant.
CREATE INDEX audit_by_tenant ON audit_log(tenant_id, id);
