package org.custos.cache;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes of the access index ({@code audit_access}, {@code audit_facts}; see V8) in the caller's transaction: a
 * version that becomes current gets one row per patient key it names, with its {@link AuditFacts}; one that stops
 * being current (superseded, removed) loses them. Not in the ledger: the rows follow from the raw text (and the row's
 * patient keys), and verify recomputes them ({@link #expectedHash}, {@link #sumOf}).
 */
final class AccessIndex {
    private static final int BATCH = 1000;

    private AccessIndex() {
    }

    /** The access writes of one transaction, statements prepared once. */
    static final class Writer implements AutoCloseable {
        private final Connection c;
        private final RawStore raws;
        private final FactsIds ids;
        private final Map<String, Integer> batchIds = new HashMap<>();
        private final AccessDays counted;
        private final ObjectMapper mapper = new ObjectMapper();
        /** Changes of the day counts not yet written. */
        private final Map<Day, Long> days = new HashMap<>();
        private PreparedStatement insert;
        private int pending;

        Writer(Connection c, RawStore raws, FactsIds ids, AccessDays counted) {
            this.c = c;
            this.raws = raws;
            this.ids = ids;
            this.counted = counted;
        }

        /** The id of these (encoded) facts, added to the dictionary when new. */
        int factsId(String facts) throws SQLException {
            Integer id = batchIds.get(facts);
            return id != null ? id : ids.idOf(facts);
        }

        /** Resolves the ids of the facts a batch is about to write, at once (see {@link FactsIds#idsOf}). */
        void prepare(java.util.Collection<String> facts) throws SQLException {
            batchIds.putAll(ids.idsOf(facts));
        }

        /** The rows of current version {@code pk}: one per patient key (as the patient index holds them). */
        void add(long pk, int originId, long recorded, List<String> patientKeys, int id) throws SQLException {
            if (patientKeys.isEmpty()) {
                return;
            }
            if (insert == null) {
                insert = c.prepareStatement("INSERT INTO audit_access (k, recorded, facts_id, origin_id, event_pk) "
                        + "VALUES (?, ?, ?, ?, ?)");
            }
            for (String cut : keys(patientKeys)) {
                insert.setString(1, cut);
                insert.setLong(2, recorded);
                insert.setInt(3, id);
                insert.setInt(4, originId);
                insert.setLong(5, pk);
                insert.addBatch();
                count(cut, recorded, id, originId, 1);
                pending++;
            }
            if (pending >= 500) {
                flush();
            }
        }

        /**
         * The rows of a stored version that became current again: its facts as written with it (else, for a version
         * stored before V8 and not current then, read from its raw text and written to it now).
         */
        void addStored(long pk) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT origin_id, recorded, patient_keys, raw_block, "
                    + "raw_slot, facts_id FROM audit_event WHERE pk = ?")) {
                ps.setLong(1, pk);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        Integer id = rs.getObject(6, Integer.class);
                        if (id == null) {
                            id = factsId(facts(mapper, readOrEmpty(c, raws, rs.getLong(4), rs.getInt(5))));
                            setFactsId(c, pk, id);
                        }
                        add(pk, rs.getInt(1), rs.getLong(2), IndexSums.parts(rs.getString(3)), id);
                    }
                }
            }
        }

        /**
         * The rows of a version that stopped being current (or is about to be removed: its audit_event row must still
         * be there), found by its patient keys, facts and time.
         */
        void drop(long pk) throws SQLException {
            flush();
            long recorded;
            List<String> keys;
            Integer factsId;
            int originId;
            try (PreparedStatement q = c.prepareStatement("SELECT recorded, patient_keys, facts_id, origin_id FROM "
                    + "audit_event WHERE pk = ?")) {
                q.setLong(1, pk);
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        return;
                    }
                    recorded = rs.getLong(1);
                    keys = IndexSums.parts(rs.getString(2));
                    factsId = rs.getObject(3, Integer.class);
                    originId = rs.getInt(4);
                }
            }
            if (factsId == null) {
                return; // stored before V8 and never current since: it has no rows
            }
            try (PreparedStatement d = c.prepareStatement("DELETE FROM audit_access WHERE k = ? AND facts_id = ? "
                    + "AND recorded = ? AND event_pk = ?")) {
                for (String k : keys(keys)) {
                    d.setString(1, k);
                    d.setInt(2, factsId);
                    d.setLong(3, recorded);
                    d.setLong(4, pk);
                    int gone = d.executeUpdate();
                    if (gone > 0) {
                        count(k, recorded, factsId, originId, -gone);
                    } else {
                        dropAnyOf(k, pk);
                    }
                }
            }
        }

        /**
         * The rows of {@code pk} under {@code k} whatever their facts and time: the row's own columns did not find
         * those of a current version (changed outside Custos; verify says so). Walks the key's rows: callers drop
         * current versions only, so this runs only on that anomaly.
         */
        private void dropAnyOf(String k, long pk) throws SQLException {
            try (PreparedStatement q = c.prepareStatement("SELECT recorded, facts_id, origin_id FROM audit_access "
                    + "WHERE k = ? AND event_pk = ?");
                 PreparedStatement d = c.prepareStatement("DELETE FROM audit_access WHERE k = ? AND event_pk = ?")) {
                q.setString(1, k);
                q.setLong(2, pk);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        count(k, rs.getLong(1), rs.getInt(2), rs.getInt(3), -1);
                    }
                }
                d.setString(1, k);
                d.setLong(2, pk);
                d.executeUpdate();
            }
        }

        /** One more (or fewer) row of this key, day, facts and origin, written at {@link #flush}. */
        private void count(String k, long recorded, int factsId, int originId, int delta) {
            if (!counted.counted(k)) {
                if (delta > 0) {
                    counted.touched(k);
                }
                return;
            }
            days.merge(new Day(k, day(recorded), factsId, originId), (long) delta, Long::sum);
        }

        void flush() throws SQLException {
            if (pending > 0) {
                insert.executeBatch();
                pending = 0;
            }
            if (days.isEmpty()) {
                return;
            }
            List<Map.Entry<Day, Long>> changes = new java.util.ArrayList<>(days.entrySet());
            days.clear();
            boolean gone = false;
            try (PreparedStatement m = c.prepareStatement("MERGE INTO audit_access_day t USING (VALUES (CAST(? AS "
                    + "BIGINT), CAST(? AS VARCHAR(512)), CAST(? AS BIGINT), CAST(? AS INT), CAST(? AS INT))) s(n, k, "
                    + "epoch_day, facts_id, origin_id) ON t.k = s.k AND t.epoch_day = s.epoch_day AND t.facts_id = "
                    + "s.facts_id AND t.origin_id = s.origin_id WHEN MATCHED THEN UPDATE SET n = t.n + s.n WHEN NOT "
                    + "MATCHED THEN INSERT (k, epoch_day, facts_id, origin_id, n) VALUES (s.k, s.epoch_day, s.facts_id, "
                    + "s.origin_id, s.n)")) {
                for (Map.Entry<Day, Long> e : changes) {
                    if (e.getValue() != 0) {
                        bindDay(m, e.getValue(), e.getKey());
                        m.addBatch();
                    }
                    gone |= e.getValue() < 0;
                }
                m.executeBatch();
            }
            if (gone) {
                try (PreparedStatement d = c.prepareStatement("DELETE FROM audit_access_day WHERE n <= ? AND k = ? "
                        + "AND epoch_day = ? AND facts_id = ? AND origin_id = ?")) {
                    for (Map.Entry<Day, Long> e : changes) {
                        if (e.getValue() < 0) {
                            bindDay(d, 0, e.getKey());
                            d.addBatch();
                        }
                    }
                    d.executeBatch();
                }
            }
        }

        private static void bindDay(PreparedStatement ps, long n, Day d) throws SQLException {
            ps.setLong(1, n);
            ps.setString(2, d.k());
            ps.setLong(3, d.day());
            ps.setInt(4, d.factsId());
            ps.setInt(5, d.originId());
        }

        @Override
        public void close() throws SQLException {
            try {
                flush();
            } finally {
                for (PreparedStatement ps : new PreparedStatement[]{insert}) {
                    if (ps != null) {
                        ps.close();
                    }
                }
            }
        }
    }

    /**
     * The raw text, or "{}" when it cannot be read (a lost block: the event is indexed with the facts of an empty
     * event, which decide nothing, and verify reports the unreadable text) rather than keeping the cache from opening.
     */
    private static String readOrEmpty(Connection c, RawStore raws, long block, int slot) throws SQLException {
        try {
            return raws.read(c, block, slot);
        } catch (CacheException e) {
            return "{}";
        }
    }

    private static void setFactsId(Connection c, long pk, int id) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("UPDATE audit_event SET facts_id = ? WHERE pk = ?")) {
            u.setInt(1, id);
            u.setLong(2, pk);
            u.executeUpdate();
        }
    }

    /** The index keys of a version's patient keys: each cut as the index holds it, once. */
    static java.util.Set<String> keys(List<String> patientKeys) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (String k : patientKeys) {
            out.add(AuditStore.cut(k, 512));
        }
        return out;
    }

    /** A row of {@code audit_access_day}. */
    record Day(String k, long day, int factsId, int originId) {
    }

    static final long DAY_MS = 86_400_000L;

    /** The UTC day (days since 1970-01-01) of an instant in epoch ms. */
    static long day(long epochMs) {
        return Math.floorDiv(epochMs, DAY_MS);
    }

    /** The encoded facts of an event's raw JSON text; unreadable text gives the facts of an empty event. */
    static String facts(ObjectMapper mapper, String raw) {
        return facts(mapper, raw.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** {@link #facts(ObjectMapper, String)} of the stored bytes (UTF-8). */
    static String facts(ObjectMapper mapper, byte[] raw) {
        try {
            return AuditFacts.read(mapper, raw).encode();
        } catch (IOException | RuntimeException e) {
            return AuditFacts.of(mapper.createObjectNode()).encode();
        }
    }

    /** The UTC day (as {@link #day}) of an epoch-ms column, in SQL. */
    static String daySql(String column) {
        return "CASE WHEN " + column + " >= 0 THEN " + column + " / " + DAY_MS + " ELSE -((-" + column + " - 1) / "
                + DAY_MS + ") - 1 END";
    }

    // ---- the fill after the upgrade to V8 ----

    static boolean fillPending(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM "
                + "audit_access_fill")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    /**
     * Gives every current AuditEvent version stored before V8 its access rows, a thousand versions per transaction
     * with the progress in the same transaction: a fill killed half-way goes on where it stopped at the next open.
     */
    static void fill(Cache cache, RawStore raws, FactsIds ids, AccessDays counted) {
        String what = "Filling the access index of AuditEvents";
        while (cache.inTransaction(what, c -> fillBatch(c, raws, ids, counted))) {
            // next batch
        }
        cache.inTransaction(what, c -> {
            try (Statement st = c.createStatement()) {
                st.execute("DELETE FROM audit_access_fill");
            }
            return null;
        });
    }

    private static boolean fillBatch(Connection c, RawStore raws, FactsIds ids, AccessDays counted)
            throws SQLException {
        long doneTo;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT done_to FROM "
                + "audit_access_fill")) {
            if (!rs.next()) {
                return false;
            }
            doneTo = rs.getLong(1);
        }
        long last = -1;
        try (Writer w = new Writer(c, raws, ids, counted); PreparedStatement ps = c.prepareStatement("SELECT pk, origin_id, "
                + "recorded, patient_keys, raw_block, raw_slot, state FROM audit_event WHERE pk > ? ORDER BY pk LIMIT "
                + BATCH)) {
            ps.setLong(1, doneTo);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    last = rs.getLong(1);
                    List<String> keys = IndexSums.parts(rs.getString(4));
                    if ((rs.getInt(7) & State.SUPERSEDED) == 0) {
                        int id = w.factsId(facts(w.mapper, readOrEmpty(c, raws, rs.getLong(5), rs.getInt(6))));
                        setFactsId(c, last, id);
                        w.add(last, rs.getInt(2), rs.getLong(3), keys, id);
                    }
                }
            }
        }
        if (last < 0) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE audit_access_fill SET done_to = ?")) {
            ps.setLong(1, last);
            ps.executeUpdate();
        }
        return true;
    }
}
