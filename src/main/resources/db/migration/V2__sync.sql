-- Sync with FHIR servers: one checkpoint per server and resource type, and what servers said was deleted.

-- "everything of this type on this server with _lastUpdated < synced_to is in the cache" (before the overlap),
-- plus the window in progress: [window_from, window_to), of which every resource with _lastUpdated < position is
-- stored. Written in the same transaction as the page it follows, so a killed sync resumes without gaps.
CREATE TABLE sync_state (
  origin_id    INT          NOT NULL REFERENCES origin(id),
  res_type     VARCHAR(64)  NOT NULL,
  synced_to    BIGINT,
  window_from  BIGINT,
  window_to    BIGINT,
  position     BIGINT,
  phase        VARCHAR(16),                   -- SEARCH | DELETES while a window is in progress, else NULL
  last_run_at  BIGINT,
  last_status  VARCHAR(16),                   -- COMPLETED | CANCELLED | FAILED
  last_message VARCHAR(2000),
  PRIMARY KEY (origin_id, res_type)
);

-- resources a server reported deleted: AuditEvent rows are removed (their browse indexes stay dense), Consent and
-- Provenance are flagged in fhir_resource; this table remembers each delete so the user can see it
CREATE TABLE tombstone (
  res_type   VARCHAR(64)  NOT NULL,
  res_id     VARCHAR(128) NOT NULL,
  version_id VARCHAR(64),
  origin_id  INT          NOT NULL REFERENCES origin(id),
  deleted_at BIGINT       NOT NULL,
  PRIMARY KEY (res_type, res_id)
);
