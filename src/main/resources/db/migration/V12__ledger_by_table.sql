-- The newest ledger entry of one table (org.custos.cache.Ledger#highestStored, asked by every opening of a cache):
-- without this index H2 read the ledger backwards, bodies and all, until it found one, which for a table with no
-- entry (the resources of a cache that holds only AuditEvents) was the whole ledger: 3.2 MB read at each start of a
-- 100,000-event cache, 30 MB of a million-event one.
CREATE INDEX ledger_table ON ledger(tbl, kind, seq);
