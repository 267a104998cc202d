package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * What the cache holds per origin (the Sources panel, {@code custos purge --dry-run}), and forgetting an origin on
 * purpose: every version of its resources, their texts, search keys, quarantined items, tombstones and checkpoints.
 */
public final class OriginData {
    private static final int BATCH = 1000;
    private final Cache cache;

    OriginData(Cache cache) {
        this.cache = cache;
    }

    /** One origin's share of the cache. {@code lastSync}: the last sync run of any type (epoch ms), or null. */
    public record Summary(Origins.Origin origin, long auditEvents, long auditVersions, long flagged, long consents,
                          long provenances, long quarantined, long deletes, Long firstSeen, Long lastSync,
                          String lastSyncStatus) {
    }

    /** Every origin with its counts, by name. */
    public List<Summary> summaries() {
        Map<Integer, long[]> audit = new HashMap<>();
        Map<Integer, long[]> other = new HashMap<>();
        Map<Integer, Object[]> meta = new HashMap<>();
        try (Connection c = cache.connection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT origin_id, COUNT(*), SUM(CASE WHEN BITAND(state, 1) = 0 "
                    + "THEN 1 ELSE 0 END), SUM(CASE WHEN BITAND(state, 1) = 0 AND BITAND(state, 6) <> 0 THEN 1 ELSE 0 "
                    + "END) FROM audit_event GROUP BY origin_id")) {
                while (rs.next()) {
                    audit.put(rs.getInt(1), new long[]{rs.getLong(2), rs.getLong(3), rs.getLong(4)});
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT origin_id, SUM(CASE WHEN res_type = 'Consent' THEN 1 ELSE 0 "
                    + "END), SUM(CASE WHEN res_type = 'Provenance' THEN 1 ELSE 0 END) FROM fhir_resource "
                    + "WHERE BITAND(state, 1) = 0 GROUP BY origin_id")) {
                while (rs.next()) {
                    other.put(rs.getInt(1), new long[]{rs.getLong(2), rs.getLong(3), 0, 0});
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT origin_id, COUNT(*) FROM quarantine GROUP BY origin_id")) {
                while (rs.next()) {
                    other.computeIfAbsent(rs.getInt(1), k -> new long[4])[2] = rs.getLong(2);
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT origin_id, COUNT(*) FROM tombstone GROUP BY origin_id")) {
                while (rs.next()) {
                    other.computeIfAbsent(rs.getInt(1), k -> new long[4])[3] = rs.getLong(2);
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT o.id, o.first_seen, (SELECT MAX(s.last_run_at) FROM sync_state s "
                    + "WHERE s.origin_id = o.id), (SELECT s.last_status FROM sync_state s WHERE s.origin_id = o.id "
                    + "ORDER BY s.last_run_at DESC NULLS LAST LIMIT 1) FROM origin o")) {
                while (rs.next()) {
                    meta.put(rs.getInt(1), new Object[]{rs.getObject(2, Long.class), rs.getObject(3, Long.class),
                            rs.getString(4)});
                }
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
        List<Summary> out = new ArrayList<>();
        for (Origins.Origin o : cache.origins().all()) {
            long[] a = audit.getOrDefault(o.id(), new long[3]);
            long[] b = other.getOrDefault(o.id(), new long[4]);
            Object[] m = meta.getOrDefault(o.id(), new Object[3]);
            out.add(new Summary(o, a[1], a[0], a[2], b[0], b[1], b[2], b[3], (Long) m[0], (Long) m[1],
                    (String) m[2]));
        }
        return out;
    }

    /** What a purge removed. */
    public record Purged(String origin, long auditVersions, long resources, long quarantined, long tombstones,
                         boolean cancelled) {
        public String describe() {
            return String.format("%,d AuditEvent versions, %,d Consent, Provenance and people versions, "
                            + "%,d quarantined items and "
                            + "%,d deletes of %s%s", auditVersions, resources, quarantined, tombstones, origin,
                    cancelled ? " (cancelled: the rest is still there)" : "");
        }
    }

    /**
     * Removes everything of this origin, a thousand AuditEvent versions per transaction ({@code progress} hears how
     * many so far; {@code cancelled} is asked between batches), then its other resources, quarantined items,
     * tombstones, checkpoints and the origin itself, and the agent names no remaining event has. The texts leave
     * their raw blocks at once; {@code custos compact} (or the app at exit) then rewrites the file without them.
     */
    public Purged purge(String name, BooleanSupplier cancelled, LongConsumer progress) {
        // not while the rules judge: they would store alerts of events the purge is removing
        return cache.alerts().exclusively(() -> purgeNow(name, cancelled, progress));
    }

    private Purged purgeNow(String name, BooleanSupplier cancelled, LongConsumer progress) {
        Origins.Origin o = cache.origins().find(name).orElseThrow(() ->
                new IllegalArgumentException("No origin '" + name + "' in this cache."));
        if (Origins.SELF.equals(o.kind())) {
            throw new IllegalArgumentException("Not purged: \"" + o.name() + "\" is Custos's own audit trail (what "
                    + "its users looked at), which is evidence too.");
        }
        refuseOpenOutbox(o);
        long audit = 0;
        while (true) {
            if (cancelled.getAsBoolean()) {
                if (audit > 0) {
                    cache.purged();
                }
                return new Purged(o.name(), audit, 0, 0, 0, true);
            }
            int n = cache.inTransaction("Removing " + o.name() + "'s AuditEvents",
                    c -> cache.audit().purgeBatch(c, o.id(), BATCH));
            audit += n;
            progress.accept(audit);
            if (n < BATCH) {
                break;
            }
        }
        long[] rest = cache.inTransaction("Removing " + o.name(), c -> {
            long[] counts = new long[3];
            SearchIndex.removeOrigin(c, o.id());
            counts[0] = remove(c, Ledger.RESOURCE, "pk", o.id());
            counts[1] = remove(c, Ledger.QUARANTINE, "id", o.id());
            counts[2] = remove(c, Ledger.TOMBSTONE, "id", o.id());
            delete(c, "DELETE FROM sync_state WHERE origin_id = ?", o.id());
            AlertStore.removeOrigin(c, o.id());
            if (cache.outbox().countOpen(c, o.id()) > 0) {
                throw new IllegalStateException(openOutboxMessage(o, cache.outbox().countOpen(c, o.id())));
            }
            OutboxStore.removeClosed(c, o.id());
            delete(c, "DELETE FROM origin WHERE id = ?", o.id());
            Ledger.removed(c, Ledger.PURGE, o.id(), Ledger.ORIGIN, new long[]{o.id()});
            dropUnusedAgentTerms(c);
            return counts;
        });
        cache.origins().forget(o.id());
        cache.purged();
        return new Purged(o.name(), audit, rest[0], rest[1], rest[2], false);
    }

    /**
     * A purge would lose writes not yet on the server: it is refused while the origin has outbox entries that are
     * not sent or discarded (sent and discarded ones go with the origin).
     */
    private void refuseOpenOutbox(Origins.Origin o) {
        long open = cache.inTransaction("Reading the outbox", c -> cache.outbox().countOpen(c, o.id()));
        if (open > 0) {
            throw new IllegalStateException(openOutboxMessage(o, open));
        }
    }

    private static String openOutboxMessage(Origins.Origin o, long open) {
        return "Not purged: " + o.name() + " has " + open + " write" + (open == 1 ? "" : "s") + " in the outbox "
                + "that " + (open == 1 ? "is" : "are") + " not on the server yet (pending, conflict or failed). Send "
                + "or discard " + (open == 1 ? "it" : "them") + " first; nothing was removed.";
    }

    /** Removes the origin's rows of one table, recording their keys in the ledger; returns how many. */
    private static long remove(Connection c, String table, String key, int originId) throws SQLException {
        long[] pks = ResourceStore.pksOf(c, "SELECT " + key + " FROM " + table + " WHERE origin_id = ? ORDER BY "
                + key, originId);
        delete(c, "DELETE FROM " + table + " WHERE origin_id = ?", originId);
        Ledger.removed(c, Ledger.PURGE, originId, table, pks);
        return pks.length;
    }

    private static long delete(Connection c, String sql, int id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, id);
            return ps.executeUpdate();
        }
    }

    /** The agent names, ids and references that no cached event has any more leave the agent index. */
    private static void dropUnusedAgentTerms(Connection c) throws SQLException {
        Set<String> used = new HashSet<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT agent_keys FROM audit_event")) {
            while (rs.next()) {
                String keys = rs.getString(1);
                if (keys == null || keys.isEmpty()) {
                    continue;
                }
                List<String> list = new ArrayList<>();
                for (String k : keys.substring(1, keys.length() - 1).split("\\|", -1)) {
                    list.add(k);
                }
                used.addAll(AgentIndex.terms(list));
            }
        }
        List<String> unused = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT k FROM audit_agent_key")) {
            while (rs.next()) {
                if (!used.contains(rs.getString(1))) {
                    unused.add(rs.getString(1));
                }
            }
        }
        try (PreparedStatement d = c.prepareStatement("DELETE FROM audit_agent_key WHERE k = ?")) {
            for (String k : unused) {
                d.setString(1, k);
                d.addBatch();
            }
            d.executeBatch();
        }
    }
}
