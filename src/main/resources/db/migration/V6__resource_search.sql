-- Search columns of the current version of Consents and of the people (Patient, Practitioner, Organization,
-- RelatedPerson), derived from the raw text in fhir_resource (the truth), so that they can be rebuilt: one row per
-- current version (state bit 1 clear), same key as its fhir_resource row. Kept right by ResourceStore whenever a
-- version becomes current or stops being it, is removed by a server's delete or a purge; verify recomputes it.
-- Room for Provenance later (its own res_type, the same columns).
CREATE TABLE resource_search (
  pk           BIGINT       PRIMARY KEY,                 -- fhir_resource.pk of the current version
  origin_id    INT          NOT NULL,
  res_type     VARCHAR(64)  NOT NULL,
  res_id       VARCHAR(128) NOT NULL,
  subject      VARCHAR(512),                             -- Consent.patient as 'Patient/id' (relative, no _history)
  status       VARCHAR(64),                              -- Consent.status; people: 'active' / 'inactive' or null
  codes        VARCHAR      DEFAULT '' NOT NULL,         -- '|code|code|' of Consent.category
  code_text    VARCHAR      DEFAULT '' NOT NULL,         -- what the list shows of them: 'code<US>display' lines
  sort_time    BIGINT       NOT NULL,                    -- Consent.dateTime, else meta.lastUpdated, else 0
  period_start BIGINT,
  period_end   BIGINT,
  display      VARCHAR(1024),                            -- a person's name, a consent's summary
  search_text  VARCHAR      NOT NULL                     -- ' word word ' lower case: everything free text finds
);
CREATE INDEX resource_search_sort ON resource_search(res_type, sort_time DESC, pk DESC, status, origin_id);
CREATE INDEX resource_search_subject ON resource_search(subject, sort_time DESC, pk DESC);
CREATE INDEX resource_search_ref ON resource_search(res_id, res_type);

-- the people directory's words (name parts, identifier values, ids), lower case, one row each: prefix searches
-- walk this index instead of every person's text
CREATE TABLE resource_word (
  k  VARCHAR(256) NOT NULL,
  pk BIGINT       NOT NULL
);
CREATE INDEX resource_word_k ON resource_word(k, pk);
CREATE INDEX resource_word_pk ON resource_word(pk);

-- the rows stored before this are given their search rows right after the migration, batch by batch (restartable:
-- done_to is the last fhir_resource key done), then its row goes (see org.custos.cache.SearchIndex#fill)
CREATE TABLE resource_search_fill (done_to BIGINT NOT NULL);
INSERT INTO resource_search_fill (done_to) VALUES (0);
