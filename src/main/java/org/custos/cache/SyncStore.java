package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sync checkpoints, and the writes of a sync: each page of resources and each batch of deletes is stored in one
 * transaction together with the checkpoint that follows it, so the cache and its checkpoint never disagree.
 */
public final class SyncStore {
    private final Cache cache;

    SyncStore(Cache cache) {
        this.cache = cache;
    }

    /** What one page did, per resource type. */
    public record PageCounts(Map<String, UpsertCounts> byType) {
        public UpsertCounts of(String type) {
            return byType.getOrDefault(type, UpsertCounts.NONE);
        }
    }

    public SyncState state(int originId, String type) {
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT synced_to, window_from, window_to, position, phase, last_run_at, last_status, last_message, "
                        + "filter_key "
                        + "FROM sync_state WHERE origin_id = ? AND res_type = ?")) {
            ps.setInt(1, originId);
            ps.setString(2, type);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return SyncState.fresh(originId, type);
                }
                return new SyncState(originId, type, (Long) rs.getObject(1, Long.class), rs.getObject(2, Long.class),
                        rs.getObject(3, Long.class), rs.getObject(4, Long.class), rs.getString(5),
                        rs.getObject(6, Long.class), rs.getString(7), rs.getString(8), rs.getString(9));
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the sync state failed: " + e.getMessage(), e);
        }
    }

    public void save(SyncState s) {
        cache.inTransaction("Saving the sync state", c -> {
            save(c, s);
            return null;
        });
    }

    /** Stores one page of resources, its quarantined entries and the checkpoint after it, in one transaction. */
    public PageCounts storePage(SyncState after, List<AuditStore.Item> audit, List<IncomingResource> others,
                                List<QuarantineEntry> bad) {
        return cache.inTransaction("Storing a page of the sync", c -> {
            Map<String, UpsertCounts> counts = new LinkedHashMap<>();
            if (!audit.isEmpty()) {
                counts.put("AuditEvent", cache.audit().upsert(c, after.originId(), audit));
            }
            Map<String, List<IncomingResource>> byType = new LinkedHashMap<>();
            for (IncomingResource r : others) {
                byType.computeIfAbsent(r.type(), t -> new ArrayList<>()).add(r);
            }
            for (Map.Entry<String, List<IncomingResource>> e : byType.entrySet()) {
                counts.merge(e.getKey(), cache.resources().upsert(c, after.originId(), e.getValue()),
                        UpsertCounts::plus);
            }
            String source = cache.origins().nameOf(after.originId());
            for (QuarantineEntry q : bad) {
                QuarantineStore.add(c, after.originId(), source, q.location(), q.type(), q.id(), q.reason(),
                        q.content());
            }
            save(c, after);
            return new PageCounts(counts);
        });
    }

    /**
     * Applies deletes a server reported and saves the checkpoint after them, in one transaction: an AuditEvent is
     * flagged deleted and kept with all its versions (evidence); a Consent or Provenance leaves the cache. Each delete
     * is remembered in a tombstone. A resource the cache holds in a newer version than the deleted one is left
     * alone. Returns how many were flagged or removed.
     */
    public int storeDeletes(SyncState after, List<DeletedResource> deleted) {
        return cache.inTransaction("Storing deletes of the sync", c -> {
            int n = 0;
            List<Long> pks = new ArrayList<>();
            List<byte[]> leaves = new ArrayList<>();
            Leaf leaf = new Leaf();
            for (DeletedResource d : deleted) {
                boolean gone = d.type().equals("AuditEvent")
                        ? cache.audit().markDeleted(c, after.originId(), d.id(), d.versionId(), d.at())
                        : ResourceStore.removeDeleted(c, after.originId(), d.type(), d.id(), d.versionId(), d.at());
                if (gone) {
                    n++;
                    Object[] values = {after.originId(), d.type(), d.id(), AuditStore.cut(d.versionId(), 64), d.at()};
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO tombstone ("
                            + StoredRows.TOMBSTONE_COLUMNS + ") VALUES (?, ?, ?, ?, ?)", new String[]{"ID"})) {
                        for (int i = 0; i < values.length; i++) {
                            ps.setObject(i + 1, values[i]);
                        }
                        ps.executeUpdate();
                        try (ResultSet rs = ps.getGeneratedKeys()) {
                            rs.next();
                            pks.add(rs.getLong(1));
                            leaves.add(StoredRows.leaf(leaf, Ledger.TOMBSTONE, values));
                        }
                    }
                }
            }
            Ledger.stored(c, after.originId(), Ledger.TOMBSTONE, pks.stream().mapToLong(Long::longValue).toArray(),
                    leaves.toArray(byte[][]::new));
            save(c, after);
            return n;
        });
    }

    /** How many deletes of this type its origins reported (each delete once, also of resources created again). */
    public long deletedCount(String type) {
        try (Connection c = cache.connection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM tombstone WHERE res_type = ?")) {
            ps.setString(1, type);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }

    private static void save(Connection c, SyncState s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("MERGE INTO sync_state (origin_id, res_type, synced_to, "
                + "window_from, window_to, position, phase, last_run_at, last_status, last_message, filter_key) "
                + "KEY (origin_id, res_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setInt(1, s.originId());
            ps.setString(2, s.type());
            ps.setObject(3, s.syncedTo());
            ps.setObject(4, s.windowFrom());
            ps.setObject(5, s.windowTo());
            ps.setObject(6, s.position());
            ps.setString(7, s.phase());
            ps.setObject(8, s.lastRunAt());
            ps.setString(9, s.lastStatus());
            ps.setString(10, AuditStore.cut(s.lastMessage(), 2000));
            ps.setString(11, s.filterKey());
            ps.executeUpdate();
        }
    }
}
