-- Volatile memories ("the build is red right now") expire: after expires_at they are no longer
-- retrieved or listed as active, and purgeExpired() forgets them.
ALTER TABLE memories ADD COLUMN expires_at INTEGER;
CREATE INDEX memories_expiry ON memories (tenant_id, expires_at) WHERE expires_at IS NOT NULL;
