-- The outbox: writes (Consents first) waiting to go to a server, in the order they were made. Nothing in it is lost:
-- an entry stays until it is sent (SENT, kept as the record of what was sent), or the user discards it after a
-- conflict (DISCARDED, kept too). org.custos.cache.OutboxStore; sent by org.custos.sync.OutboxSender.
CREATE TABLE outbox (
  seq            BIGINT AUTO_INCREMENT PRIMARY KEY,
  origin_id      INT          NOT NULL REFERENCES origin(id),   -- the server the entry goes to
  res_type       VARCHAR(64)  NOT NULL,
  res_id         VARCHAR(128) NOT NULL,
  base_version   VARCHAR(64),                 -- the server version the user started from (If-Match); NULL: new
  base_seq       BIGINT,                      -- or: the earlier entry whose result the user started from
  body           VARCHAR      NOT NULL,       -- the JSON to send
  created_at     BIGINT       NOT NULL,
  updated_at     BIGINT       NOT NULL,
  state          VARCHAR(16)  NOT NULL,       -- PENDING | SENDING | SENT | CONFLICT | FAILED | DISCARDED
  attempts       INT          DEFAULT 0 NOT NULL,
  last_message   VARCHAR(2000),               -- why the last attempt did not store it (redacted)
  sent_version   VARCHAR(64),                 -- SENT: the version the server gave it
  server_version VARCHAR(64),                 -- CONFLICT: the server's version then (NULL: it had none)
  server_json    VARCHAR                      -- CONFLICT: the server's text then (NULL: it had none)
);
CREATE INDEX outbox_origin_state ON outbox(origin_id, state, seq);
CREATE INDEX outbox_resource ON outbox(res_type, res_id, origin_id);
