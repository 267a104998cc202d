-- The Provenance list (issue 12): one row per current Provenance, and per Provenance contained in the current version
-- of another resource (part = its place among the contained Provenance, 1-based; 0 for a Provenance of its own),
-- derived from the raw text in fhir_resource (the truth), so it can be rebuilt: kept right by ResourceStore whenever
-- a version becomes current or stops being it; verify recomputes it.
CREATE TABLE provenance_search (
  rk           BIGINT AUTO_INCREMENT PRIMARY KEY,          -- the row's own key (keyset paging: recorded, rk)
  pk           BIGINT       NOT NULL,                      -- fhir_resource.pk of the current version
  part         INT          NOT NULL,
  origin_id    INT          NOT NULL,
  prov_id      VARCHAR(128) NOT NULL,                      -- Provenance.id ('' when it has none)
  container    VARCHAR(256),                               -- 'MedicationRequest/medrx0301' for a contained one
  recorded     BIGINT       NOT NULL,                      -- Provenance.recorded, ms (0 when unreadable)
  period_start BIGINT,
  period_end   BIGINT,
  activity     VARCHAR(1024),                              -- 'code<US>display'
  targets      VARCHAR      NOT NULL,                      -- references as written, one per line
  agents       VARCHAR      NOT NULL,                      -- who (and on behalf of) as written, one per line
  entities     VARCHAR      NOT NULL,                      -- 'role<US>what', one per line
  signatures   INT          NOT NULL,
  CONSTRAINT provenance_search_part UNIQUE (pk, part)
);
CREATE INDEX provenance_search_sort ON provenance_search(recorded DESC, rk DESC);
CREATE INDEX provenance_search_origin ON provenance_search(origin_id, recorded DESC, rk DESC);

-- what the list filters on, one row each, lower case: 't:consent/1' target, 'g:practitioner/1' agent (who or on
-- behalf of), 'e:observation/2' entity, 'a:code' activity (references without version and server, see
-- org.custos.cache.ProvenanceExtractor#key), with the row's recorded time: a filtered page walks this index in order
CREATE TABLE provenance_ref (
  k        VARCHAR(600) NOT NULL,
  rk       BIGINT       NOT NULL,
  recorded BIGINT       NOT NULL
);
CREATE INDEX provenance_ref_k ON provenance_ref(k, recorded DESC, rk DESC);
CREATE INDEX provenance_ref_rk ON provenance_ref(rk);

-- the last check of a row's signatures (derived, never evidence): the worst verdict, the reasons, and the target
-- versions checked against (fhir_resource keys, 'pk pk'): another current version makes the check stale
CREATE TABLE provenance_verdict (
  pk          BIGINT        NOT NULL,
  part        INT           NOT NULL,
  verdict     VARCHAR(32)   NOT NULL,
  reasons     VARCHAR       NOT NULL,
  target_pks  VARCHAR(1000) NOT NULL,
  checked_at  BIGINT        NOT NULL,
  trust       VARCHAR(2000),
  PRIMARY KEY (pk, part)
);

-- rows for the Provenance stored before this, batch by batch after the migration (restartable, see
-- org.custos.cache.ProvenanceIndex#fill)
CREATE TABLE provenance_search_fill (done_to BIGINT NOT NULL);
INSERT INTO provenance_search_fill (done_to) VALUES (0);
