-- Evidence that holds (issue 9): a cached resource is (origin, type, id); every version of it is kept.
--
-- Origins are named: a server profile's base URL, "files" for imported files (unless the import names another),
-- "demo" for the bundled demo data. Before this, every imported file was an origin of its own: they all become
-- "files", and the file a quarantined item came from is kept in quarantine.source.

ALTER TABLE origin ADD COLUMN name VARCHAR(2000);
UPDATE origin SET name = CASE kind WHEN 'server' THEN label WHEN 'demo' THEN 'demo' ELSE 'files' END;
UPDATE origin SET kind = CASE kind WHEN 'server' THEN 'server' WHEN 'demo' THEN 'demo' ELSE 'files' END;

-- the quarantine keeps where an item came from within its origin (a file's path, a server's URL)
ALTER TABLE quarantine ADD COLUMN source VARCHAR(2000);
UPDATE quarantine q SET source = (SELECT o.label FROM origin o WHERE o.id = q.origin_id);
ALTER TABLE quarantine DROP CONSTRAINT quarantine_once;

-- one origin per name: the lowest id of each name stays, the others point to it
CREATE TABLE origin_merge AS
  SELECT o.id AS old_id, (SELECT MIN(k.id) FROM origin k WHERE k.name = o.name) AS new_id FROM origin o;
DELETE FROM origin_merge WHERE old_id = new_id;
UPDATE audit_event t SET origin_id = (SELECT m.new_id FROM origin_merge m WHERE m.old_id = t.origin_id)
  WHERE origin_id IN (SELECT old_id FROM origin_merge);
UPDATE fhir_resource t SET origin_id = (SELECT m.new_id FROM origin_merge m WHERE m.old_id = t.origin_id)
  WHERE origin_id IN (SELECT old_id FROM origin_merge);
UPDATE quarantine t SET origin_id = (SELECT m.new_id FROM origin_merge m WHERE m.old_id = t.origin_id)
  WHERE origin_id IN (SELECT old_id FROM origin_merge);
UPDATE tombstone t SET origin_id = (SELECT m.new_id FROM origin_merge m WHERE m.old_id = t.origin_id)
  WHERE origin_id IN (SELECT old_id FROM origin_merge);
-- sync checkpoints belong to server origins, whose names were unique already
DELETE FROM origin WHERE id IN (SELECT old_id FROM origin_merge);
DROP TABLE origin_merge;
ALTER TABLE origin DROP CONSTRAINT origin_label;
ALTER TABLE origin DROP COLUMN label;
ALTER TABLE origin ALTER COLUMN name SET NOT NULL;
ALTER TABLE origin ADD CONSTRAINT origin_name UNIQUE (name);
-- the same item from the same place is quarantined once
ALTER TABLE quarantine ADD CONSTRAINT quarantine_once UNIQUE (origin_id, source, location, content_hash);

-- AuditEvents: one row per kept version. state bits: 1 superseded (an earlier version; the browser shows only the
-- current one), 2 changed (the current version of an event that has more than one), 4 deleted (the origin deleted
-- it; the row is kept). Search columns are no longer cut, so a filter finds an event however many agents,
-- entities or words it has. One copy of the table instead of an ALTER per column (each would copy it).
CREATE TABLE audit_event_v5 (
  pk              BIGINT PRIMARY KEY,
  origin_id       INT          NOT NULL REFERENCES origin(id),
  res_id          VARCHAR(128) NOT NULL,
  version_id      VARCHAR(64),
  last_updated    BIGINT,
  state           TINYINT      DEFAULT 0 NOT NULL,
  content_hash    BIGINT       NOT NULL,
  recorded        BIGINT       NOT NULL,
  type_code       VARCHAR(128),
  type_display    VARCHAR(256),
  subtype_codes   VARCHAR,
  subtype_display VARCHAR(1024),
  action          VARCHAR(1),
  outcome         VARCHAR(2),
  source_site     VARCHAR(256),
  source_observer VARCHAR(256),
  purpose_codes   VARCHAR,
  agent_keys      VARCHAR,
  entity_keys     VARCHAR,
  agents          VARCHAR(2048),
  entities        VARCHAR(2048),
  patients        VARCHAR(1024),
  patient_keys    VARCHAR      DEFAULT '' NOT NULL,        -- '|key|key|' of the event's audit_patient rows
  search_text     VARCHAR      NOT NULL,
  raw_block       BIGINT       NOT NULL,
  raw_slot        INT          NOT NULL,
  agent_bits      BIGINT       DEFAULT -1 NOT NULL
);
-- the patient keys of each event, from its audit_patient rows (grouped once, not looked up per event)
CREATE TABLE patient_keys_v5 (event_pk BIGINT PRIMARY KEY, ks VARCHAR NOT NULL);
INSERT INTO patient_keys_v5 (event_pk, ks)
  SELECT event_pk, '|' || LISTAGG(k, '|') WITHIN GROUP (ORDER BY k) || '|' FROM audit_patient GROUP BY event_pk;
INSERT INTO audit_event_v5 (pk, origin_id, res_id, version_id, last_updated, state, content_hash, recorded, type_code,
    type_display, subtype_codes, subtype_display, action, outcome, source_site, source_observer, purpose_codes,
    agent_keys, entity_keys, agents, entities, patients, patient_keys, search_text, raw_block, raw_slot, agent_bits)
  SELECT e.pk, e.origin_id, e.res_id, e.version_id, e.last_updated, 0, e.content_hash, e.recorded, e.type_code,
    e.type_display, e.subtype_codes, e.subtype_display, e.action, e.outcome, e.source_site, e.source_observer,
    e.purpose_codes, e.agent_keys, e.entity_keys, e.agents, e.entities, e.patients, COALESCE(p.ks, ''), e.search_text,
    e.raw_block, e.raw_slot, e.agent_bits
  FROM audit_event e LEFT JOIN patient_keys_v5 p ON p.event_pk = e.pk;
DROP TABLE patient_keys_v5;
DROP TABLE audit_event;
ALTER TABLE audit_event_v5 RENAME TO audit_event;
CREATE INDEX audit_event_res ON audit_event(res_id, origin_id);
-- the browse index carries what the common narrow filters test, now also the state (current versions only) and the
-- origin, so H2 checks them on the index entry
CREATE INDEX audit_event_recorded ON audit_event(recorded DESC, pk DESC, outcome, action, agent_bits, state, origin_id);

-- Consent and Provenance: one row per kept version too (state bits as above). A server-side delete removes the
-- resource's versions (their text leaves the cache) and leaves a tombstone; rows flagged deleted before this go.
ALTER TABLE fhir_resource DROP CONSTRAINT fhir_resource_identity;
DELETE FROM fhir_resource WHERE deleted;
ALTER TABLE fhir_resource DROP COLUMN deleted;
ALTER TABLE fhir_resource ADD COLUMN state TINYINT DEFAULT 0 NOT NULL;
CREATE INDEX fhir_resource_identity ON fhir_resource(res_type, res_id, origin_id);

-- Deletes an origin reported: one row per delete, kept (a resource deleted, created again and deleted again has two)
CREATE TABLE tombstone_v5 (
  id         BIGINT AUTO_INCREMENT PRIMARY KEY,
  origin_id  INT          NOT NULL REFERENCES origin(id),
  res_type   VARCHAR(64)  NOT NULL,
  res_id     VARCHAR(128) NOT NULL,
  version_id VARCHAR(64),
  deleted_at BIGINT       NOT NULL
);
INSERT INTO tombstone_v5 (origin_id, res_type, res_id, version_id, deleted_at)
  SELECT origin_id, res_type, res_id, version_id, deleted_at FROM tombstone ORDER BY deleted_at;
DROP TABLE tombstone;
ALTER TABLE tombstone_v5 RENAME TO tombstone;
CREATE INDEX tombstone_identity ON tombstone(res_type, res_id, origin_id);

-- The tamper-evident record of what was stored and removed, in arrival order (see org.custos.cache.Ledger): one
-- entry per table a write transaction touched, with the keys and fingerprints of its rows; a hash chain links them.
CREATE TABLE ledger (
  seq       BIGINT      PRIMARY KEY,
  at        BIGINT      NOT NULL,
  kind      VARCHAR(32) NOT NULL,          -- STORED | SEALED | STATE | PURGE | PRUNE | SERVER_DELETE | QUARANTINE_DELETE
  origin_id INT,                           -- no foreign key: an entry outlives a purged origin
  tbl       VARCHAR(32) NOT NULL,
  n         INT         NOT NULL,
  body      VARBINARY   NOT NULL,          -- n keys (8 bytes), each followed by its 16-byte fingerprint (STORED, SEALED)
  digest    BINARY(32)  NOT NULL,
  link      BINARY(32)  NOT NULL
);
-- rows stored before the ledger existed are recorded (SEALED) right after this migration, then this goes
CREATE TABLE ledger_seal_pending (tbl VARCHAR(32) PRIMARY KEY, done_to BIGINT NOT NULL);
INSERT INTO ledger_seal_pending (tbl, done_to) VALUES ('origin', 0), ('audit_event', 0), ('fhir_resource', 0),
  ('quarantine', 0), ('tombstone', 0);
