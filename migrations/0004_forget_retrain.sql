-- Forgetting in the weights: a forgotten memory taints every adapter version trained on it (or
-- continued from one that was), and the tenant is queued for a full retrain from the base without
-- it, which the next consolidation runs.
CREATE TABLE retrain_queue (
  tenant_id  INTEGER PRIMARY KEY REFERENCES tenants(id),
  reason     TEXT NOT NULL,                     -- why (never a memory's text)
  forgotten  INTEGER NOT NULL DEFAULT 0,        -- memories forgotten since the queue entry was made
  queued_at  INTEGER NOT NULL
);
