-- Settings of the reports (org.custos.cache.ReportSettings): what counts as a disclosure in the accounting of
-- disclosures ('disclosures'), kept with the cache so that the app and the command line report alike.
CREATE TABLE report_setting (
  name     VARCHAR(64)   PRIMARY KEY,
  settings VARCHAR(20000) NOT NULL,   -- JSON
  changed  BIGINT        NOT NULL,    -- epoch ms
  changed_by VARCHAR(200)              -- who changed it (the OS user, until sign-in)
);
