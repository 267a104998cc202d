-- What a checkpoint was made with (the cache window in days, a --since start): a sync with a wider filter must
-- start over, or what the narrower one left out would never be fetched.
ALTER TABLE sync_state ADD COLUMN filter_key VARCHAR(200);
