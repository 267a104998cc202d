-- Custos local cache. The raw resource (compact JSON) is the truth; every other column is derived from it
-- and can be rebuilt by a later migration. Times are epoch milliseconds (UTC).

CREATE TABLE origin (
  id         INT AUTO_INCREMENT PRIMARY KEY,
  kind       VARCHAR(16)   NOT NULL,          -- file | server | demo
  label      VARCHAR(2000) NOT NULL,          -- file path or server base URL
  first_seen BIGINT        NOT NULL,
  CONSTRAINT origin_label UNIQUE (kind, label)
);

CREATE TABLE audit_event (
  pk              BIGINT PRIMARY KEY,
  res_id          VARCHAR(128) NOT NULL,
  version_id      VARCHAR(64),
  last_updated    BIGINT,
  origin_id       INT          NOT NULL REFERENCES origin(id),
  content_hash    BIGINT       NOT NULL,
  recorded        BIGINT       NOT NULL,
  type_code       VARCHAR(128),
  type_display    VARCHAR(256),
  subtype_codes   VARCHAR(1024),              -- '|code|code|' for exact-code filters
  subtype_display VARCHAR(1024),
  action          VARCHAR(1),
  outcome         VARCHAR(2),
  source_site     VARCHAR(256),
  source_observer VARCHAR(256),
  purpose_codes   VARCHAR(1024),              -- '|code|code|' of purposeOfEvent and agent.purposeOfUse
  agent_keys      VARCHAR(2048),              -- '|key|key|' lower case: user ids, names, references
  entity_keys     VARCHAR(2048),              -- '|key|key|' lower case: entity references and identifiers
  agents          VARCHAR(2048),              -- what the table shows
  entities        VARCHAR(2048),
  patients        VARCHAR(1024),
  search_text     VARCHAR(8192) NOT NULL,     -- lower-case words free text finds in no other column
  raw_block       BIGINT        NOT NULL,     -- where the raw resource is: audit_raw_block.id
  raw_slot        INT           NOT NULL      -- and its place in that block
);
CREATE UNIQUE INDEX audit_event_res_id ON audit_event(res_id);
CREATE INDEX audit_event_recorded ON audit_event(recorded DESC, pk DESC);

-- the raw resources of one import batch, deflated together (see RawBlocks): apart from the search columns, so
-- scans stay narrow, and one row per batch instead of one per resource
CREATE TABLE audit_raw_block (
  id   BIGINT PRIMARY KEY,
  data VARBINARY NOT NULL
);

-- "who looked at this patient?": one row per patient reference or identifier of an event, lower case
CREATE TABLE audit_patient (
  k        VARCHAR(512) NOT NULL,
  event_pk BIGINT       NOT NULL
);
CREATE INDEX audit_patient_k ON audit_patient(k, event_pk);

-- purposeOfEvent / purposeOfUse codes: few events have one, and "break the glass" must be found at once
CREATE TABLE audit_purpose (
  k        VARCHAR(128) NOT NULL,
  event_pk BIGINT       NOT NULL
);
CREATE INDEX audit_purpose_k ON audit_purpose(k, event_pk);

-- Consent and Provenance: raw storage plus identity for now (their screens come later)
CREATE TABLE fhir_resource (
  pk           BIGINT AUTO_INCREMENT PRIMARY KEY,
  res_type     VARCHAR(64)  NOT NULL,
  res_id       VARCHAR(128) NOT NULL,
  version_id   VARCHAR(64),
  last_updated BIGINT,
  origin_id    INT          NOT NULL REFERENCES origin(id),
  content_hash BIGINT       NOT NULL,
  deleted      BOOLEAN      DEFAULT FALSE NOT NULL,
  raw          VARCHAR      NOT NULL,
  CONSTRAINT fhir_resource_identity UNIQUE (res_type, res_id)
);

-- what could not be read, with where it came from and why; never silently dropped
CREATE TABLE quarantine (
  id           BIGINT AUTO_INCREMENT PRIMARY KEY,
  at           BIGINT        NOT NULL,
  origin_id    INT           NOT NULL REFERENCES origin(id),
  location     VARCHAR(256)  NOT NULL,        -- e.g. 'line 12', 'entry 3', 'whole file'
  res_type     VARCHAR(64),
  res_id       VARCHAR(128),
  reason       VARCHAR(4000) NOT NULL,
  content      VARCHAR       NOT NULL,
  content_hash BIGINT        NOT NULL,
  CONSTRAINT quarantine_once UNIQUE (origin_id, location, content_hash)
);
