package org.custos.cache;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Writes of the Provenance list's rows ({@code provenance_search}, {@code provenance_ref}) in the caller's
 * transaction, beside the other search rows ({@link SearchIndex} calls in here): a version that becomes current gets
 * the rows of its Provenance (its own, or those it contains), one that stops being current loses them, and so does
 * the last check of their signatures. Not in the ledger: the rows follow from the raw text.
 */
final class ProvenanceIndex {
    static final String COLUMNS = "pk, part, origin_id, prov_id, container, recorded, period_start, period_end, "
            + "activity, targets, agents, entities, signatures";
    private static final int BATCH = 1000;

    private final Connection c;
    private final ObjectMapper mapper;

    ProvenanceIndex(Connection c, ObjectMapper mapper) {
        this.c = c;
        this.mapper = mapper;
    }

    /** The rows of version {@code pk} (now current), from its text; idempotent (its earlier rows are replaced). */
    void add(long pk, int originId, String type, String id, String raw) throws SQLException {
        List<ProvenanceExtractor.Row> rows = ProvenanceExtractor.extract(mapper, type, id, raw);
        if (rows.isEmpty()) {
            return;
        }
        remove(c, new long[]{pk});
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO provenance_search (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS);
             PreparedStatement ref = c.prepareStatement("INSERT INTO provenance_ref (k, rk, recorded) VALUES (?, ?, ?)")) {
            for (ProvenanceExtractor.Row r : rows) {
                ins.setLong(1, pk);
                ins.setInt(2, r.part());
                ins.setInt(3, originId);
                ins.setString(4, r.provId());
                ins.setString(5, r.container());
                ins.setLong(6, r.recorded());
                ins.setObject(7, r.periodStart());
                ins.setObject(8, r.periodEnd());
                ins.setString(9, r.activity());
                ins.setString(10, r.targets());
                ins.setString(11, r.agents());
                ins.setString(12, r.entities());
                ins.setInt(13, r.signatures());
                ins.executeUpdate();
                long rk;
                try (ResultSet keys = ins.getGeneratedKeys()) {
                    keys.next();
                    rk = keys.getLong(1);
                }
                for (String k : r.keys()) {
                    ref.setString(1, k);
                    ref.setLong(2, rk);
                    ref.setLong(3, r.recorded());
                    ref.addBatch();
                }
            }
            ref.executeBatch();
        }
    }

    /** The rows of these versions go, with their last checks (those that have none are skipped). */
    static void remove(Connection c, long[] pks) throws SQLException {
        try (PreparedStatement r = c.prepareStatement("DELETE FROM provenance_ref WHERE rk IN (SELECT rk FROM "
                + "provenance_search WHERE pk = ?)");
             PreparedStatement s = c.prepareStatement("DELETE FROM provenance_search WHERE pk = ?");
             PreparedStatement v = c.prepareStatement("DELETE FROM provenance_verdict WHERE pk = ?")) {
            for (long pk : pks) {
                for (PreparedStatement ps : new PreparedStatement[]{r, s, v}) {
                    ps.setLong(1, pk);
                    ps.addBatch();
                }
            }
            r.executeBatch();
            s.executeBatch();
            v.executeBatch();
        }
    }

    /** Every row of an origin goes (a purge). */
    static void removeOrigin(Connection c, int originId) throws SQLException {
        try (PreparedStatement r = c.prepareStatement("DELETE FROM provenance_ref WHERE rk IN (SELECT rk FROM "
                + "provenance_search WHERE origin_id = ?)");
             PreparedStatement v = c.prepareStatement("DELETE FROM provenance_verdict WHERE pk IN (SELECT pk FROM "
                     + "provenance_search WHERE origin_id = ?)");
             PreparedStatement s = c.prepareStatement("DELETE FROM provenance_search WHERE origin_id = ?")) {
            for (PreparedStatement ps : new PreparedStatement[]{r, v, s}) {
                ps.setInt(1, originId);
                ps.executeUpdate();
            }
        }
    }

    // ---- the fill after the upgrade to V9 ----

    static boolean fillPending(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM "
                + "provenance_search_fill")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    /**
     * Gives every current Provenance stored before V9 its rows, a thousand versions per transaction with the progress
     * in the same transaction (a fill killed half-way goes on where it stopped). Runs as the cache opens.
     */
    static void fill(Cache cache) {
        ObjectMapper mapper = new ObjectMapper();
        while (cache.inTransaction("Filling the Provenance list", c -> fillBatch(c, mapper))) {
            // next batch
        }
        cache.inTransaction("Filling the Provenance list", c -> {
            try (Statement st = c.createStatement()) {
                st.execute("DELETE FROM provenance_search_fill");
            }
            return null;
        });
    }

    private static boolean fillBatch(Connection c, ObjectMapper mapper) throws SQLException {
        long doneTo;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT done_to FROM "
                + "provenance_search_fill")) {
            if (!rs.next()) {
                return false;
            }
            doneTo = rs.getLong(1);
        }
        long last = -1;
        ProvenanceIndex index = new ProvenanceIndex(c, mapper);
        try (PreparedStatement ps = c.prepareStatement("SELECT pk, origin_id, res_type, res_id, state, raw FROM "
                + "fhir_resource WHERE pk > ? ORDER BY pk LIMIT " + BATCH)) {
            ps.setLong(1, doneTo);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    last = rs.getLong(1);
                    if ((rs.getInt(5) & State.SUPERSEDED) == 0) {
                        index.add(last, rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(6));
                    }
                }
            }
        }
        if (last < 0) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE provenance_search_fill SET done_to = ?")) {
            ps.setLong(1, last);
            ps.executeUpdate();
        }
        return true;
    }
}
