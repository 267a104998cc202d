-- Suspicious-access review (issue 13): the rules' settings, the VIP list, the alerts the rules raise as events arrive,
-- and the review kept with them (status, assignee, notes, cases), all in the cache so that nothing is lost on kill -9.
-- Alerts are derived from the events (raw text, the truth) and the settings; the review is the user's own record.

-- the settings of each rule (org.custos.rules.RuleSettings as JSON); a rule without a row has its defaults
CREATE TABLE alert_rule (
  name     VARCHAR(64)   PRIMARY KEY,
  settings VARCHAR(4000) NOT NULL,
  changed  BIGINT        NOT NULL
);

-- patients whose every access is an alert (rule vip): a reference ("Patient/1") or identifier, kept as written and
-- found by its lower-case key
CREATE TABLE vip (
  k         VARCHAR(512)  PRIMARY KEY,
  reference VARCHAR(512)  NOT NULL,
  note      VARCHAR(2000),
  added     BIGINT        NOT NULL
);

-- how far the rules have read: every current audit_event version with pk <= done_to has been evaluated (pks only
-- grow, so new versions and new events are the ones above it); one row
CREATE TABLE alert_progress (done_to BIGINT NOT NULL);
INSERT INTO alert_progress (done_to) VALUES (0);

-- events whose state changed after they were evaluated (their origin deleted them): evaluated again
CREATE TABLE alert_recheck (event_pk BIGINT PRIMARY KEY);

-- work a change started and a kill must not lose: 'rule:<name>' judges every event up to upto again by that rule
-- (its settings changed; done_to: how far it got), 'vip:<key>' judges a new VIP's past access
CREATE TABLE alert_rejudge (
  what    VARCHAR(600) PRIMARY KEY,
  done_to BIGINT       NOT NULL,
  upto    BIGINT       NOT NULL
);

-- what the rules over time windows (volume, failed-logins) read: one row per user and patient of an evaluated event
-- (patient '' when the event names none), failed = a failed login (DICOM 110114, outcome not 0)
CREATE TABLE alert_access (
  origin_id INT          NOT NULL,
  user_key  VARCHAR(512) NOT NULL,
  recorded  BIGINT       NOT NULL,
  patient   VARCHAR(512) NOT NULL,
  event_pk  BIGINT       NOT NULL,
  failed    BOOLEAN      NOT NULL
);
CREATE INDEX alert_access_user ON alert_access(origin_id, user_key, recorded);
-- an event judged again (a recheck, a new version) replaces its rows: found by its key
CREATE INDEX alert_access_event ON alert_access(event_pk);

-- one alert: a rule's finding about one user (and patient) over a span of time. bucket is what makes it one: the local
-- day for the rules about single events, the episode's first event for the window rules, the event for changed or
-- deleted. user_key is the agent's userId value, else its reference; patient as the event names it ('' for none)
CREATE TABLE alert (
  id        BIGINT AUTO_INCREMENT PRIMARY KEY,
  rule      VARCHAR(64)   NOT NULL,
  origin_id INT           NOT NULL,
  user_key  VARCHAR(512)  NOT NULL,
  patient   VARCHAR(512)  NOT NULL,
  bucket    VARCHAR(128)  NOT NULL,
  first_at  BIGINT        NOT NULL,
  last_at   BIGINT        NOT NULL,
  events    INT           NOT NULL,
  detail    VARCHAR(2000) NOT NULL,
  status    VARCHAR(16)   DEFAULT 'new' NOT NULL,   -- new | review | explained | escalated | closed
  assignee  VARCHAR(256),
  case_id   BIGINT,
  created   BIGINT        NOT NULL,
  changed   BIGINT        NOT NULL,
  CONSTRAINT alert_identity UNIQUE (rule, origin_id, user_key, patient, bucket)
);
CREATE INDEX alert_first ON alert(first_at DESC, id DESC);
CREATE INDEX alert_user ON alert(rule, origin_id, user_key, first_at);

-- the events of an alert
CREATE TABLE alert_event (
  alert_id BIGINT NOT NULL,
  event_pk BIGINT NOT NULL,
  PRIMARY KEY (alert_id, event_pk)
);
CREATE INDEX alert_event_pk ON alert_event(event_pk);

-- an investigation: alerts and events grouped, with its own notes
CREATE TABLE review_case (
  id       BIGINT AUTO_INCREMENT PRIMARY KEY,
  title    VARCHAR(500) NOT NULL,
  status   VARCHAR(16)  DEFAULT 'open' NOT NULL,     -- open | closed
  assignee VARCHAR(256),
  created  BIGINT       NOT NULL,
  changed  BIGINT       NOT NULL
);
CREATE TABLE review_case_event (
  case_id  BIGINT NOT NULL,
  event_pk BIGINT NOT NULL,
  PRIMARY KEY (case_id, event_pk)
);

-- notes on an alert or a case, with time and author; also what changed (kind 'status', 'assignee', 'case', 'merge',
-- 'joined'):
-- the review's history, never edited
CREATE TABLE review_note (
  id       BIGINT AUTO_INCREMENT PRIMARY KEY,
  alert_id BIGINT,
  case_id  BIGINT,
  at       BIGINT        NOT NULL,
  author   VARCHAR(256)  NOT NULL,
  kind     VARCHAR(16)   NOT NULL,                   -- note | status | assignee | case | merge | joined
  text     VARCHAR(8000) NOT NULL
);
CREATE INDEX review_note_alert ON review_note(alert_id, at);
CREATE INDEX review_note_case ON review_note(case_id, at);

-- named filter sets of the audit browser
CREATE TABLE saved_search (
  name    VARCHAR(200)  PRIMARY KEY,
  filter  VARCHAR(8000) NOT NULL,
  changed BIGINT        NOT NULL
);
