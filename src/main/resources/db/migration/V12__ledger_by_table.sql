-- The newest ledger entry of one table (org.custos.cache.Ledger#highestStored, asked by every opening of a cache):
-- without this index H2 read the ledger backwards, bodies and all, until it found one, which for a table with no
-- entry (the resources of a cache that holds only AuditEvents) was the whole ledger, read at each start: 3.2 MB of a
-- 100,000-event cache, and more as the ledger grows.
CREATE INDEX ledger_table ON ledger(tbl, kind, seq);
