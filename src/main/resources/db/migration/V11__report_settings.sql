-- Settings of the reports (org.custos.cache.ReportSettings), every change kept: what counts as a disclosure in the
-- accounting of disclosures ('disclosures'), kept with the cache so that the app and the command line report alike;
-- the newest row of a name applies, the older ones say what applied before (a report names the one it used).
CREATE TABLE report_setting (
  seq        BIGINT AUTO_INCREMENT PRIMARY KEY,
  name       VARCHAR(64)    NOT NULL,
  settings   VARCHAR(20000),             -- JSON; NULL: back to the defaults
  changed    BIGINT         NOT NULL,    -- epoch ms
  changed_by VARCHAR(200)                -- who changed it (the OS user, until sign-in)
);
CREATE INDEX report_setting_name ON report_setting(name, seq DESC);
