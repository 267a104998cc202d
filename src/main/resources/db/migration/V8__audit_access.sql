-- Past access against consent: what each current AuditEvent says about the access (org.custos.cache.AuditFacts),
-- once per patient it touched, so that a patient's million events are decided by their few distinct facts inside
-- the database instead of one by one from their raw text. Derived from the raw text (the truth) at import, kept
-- right whenever a version becomes current or stops being it, and recomputed by verify.

-- the distinct facts: many events of one user doing one thing share one row; rows are never removed (an unused one
-- is harmless: a new row is committed at once, before the import that asked for it) and never changed
CREATE TABLE audit_facts (
  id    INT AUTO_INCREMENT PRIMARY KEY,
  facts VARCHAR NOT NULL
);
CREATE UNIQUE INDEX audit_facts_text ON audit_facts(facts);

-- one row per patient key (a patient entity's reference, else identifier, lower case, cut to 512) of each current
-- version (state bit 1 clear); it is also the browser's patient index, replacing audit_patient (below)
CREATE TABLE audit_access (
  k         VARCHAR(512) NOT NULL,
  recorded  BIGINT       NOT NULL,
  facts_id  INT          NOT NULL,
  origin_id INT          NOT NULL,
  event_pk  BIGINT       NOT NULL
);
-- one index, facts before time: the check lists the events of the few facts it found denied (a range each, never the
-- patient's other events) and counts a day's events per facts; never reading the table. A version's rows are found
-- by its patient keys, facts and time (audit_event.patient_keys, facts_id, recorded)
CREATE INDEX audit_access_k ON audit_access(k, facts_id, recorded, event_pk, origin_id);

-- the facts of every stored version (current or not), written with it: what finds its access rows again
ALTER TABLE audit_event ADD COLUMN facts_id INT;

-- how many of those rows a patient key has per UTC day (epoch day), facts and origin: a million events of one patient
-- are a few thousand counts, which the check decides without visiting the events (the days a consent changes within
-- are counted from audit_access). Only for the keys in audit_access_summary: a key gets its counts the first time a
-- check asks for it (built in one write transaction), and from then on every write of its rows keeps them right in
-- the same transaction; the other keys cost the import nothing. No row with n = 0.
CREATE TABLE audit_access_day (
  k         VARCHAR(512) NOT NULL,
  epoch_day BIGINT       NOT NULL,
  facts_id  INT          NOT NULL,
  origin_id INT          NOT NULL,
  n         BIGINT       NOT NULL,
  PRIMARY KEY (k, epoch_day, facts_id, origin_id)
);
CREATE TABLE audit_access_summary (
  k VARCHAR(512) PRIMARY KEY
);

-- the events stored before this get their rows right after the migration, batch by batch (restartable: done_to is
-- the last audit_event key done), then this row goes (see org.custos.cache.AccessIndex#fill)
CREATE TABLE audit_access_fill (done_to BIGINT NOT NULL);
INSERT INTO audit_access_fill (done_to) VALUES (0);

-- the patient index of every version (V1) goes: audit_access holds the same keys for the current versions, which are
-- all that the browser lists and the check reads
DROP TABLE audit_patient;
