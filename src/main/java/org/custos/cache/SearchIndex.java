package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Writes of the derived search rows ({@code resource_search}, {@code resource_word}) in the caller's transaction: a
 * version that becomes current gets its row, one that stops being current (superseded, removed) loses it. Not in the
 * ledger: the rows follow from the raw text, and {@link SearchCheck} (part of verify) recomputes them.
 */
final class SearchIndex {
    static final String COLUMNS = "pk, origin_id, res_type, res_id, subject, status, codes, code_text, sort_time, "
            + "period_start, period_end, display, search_text";
    private static final int BATCH = 1000;

    private SearchIndex() {
    }

    /**
     * The search writes of one transaction, with their statements prepared once: a version that became current gets
     * its row ({@link #add}), one that stopped being current loses it ({@link #drop}).
     */
    static final class Writer implements AutoCloseable {
        private final Connection c;
        private PreparedStatement insert;
        private PreparedStatement word;
        private int pending;
        private ProvenanceIndex provenance;
        /** Its own (no shared static one): creating it costs far less than the batch it serves. */
        private final com.fasterxml.jackson.databind.ObjectMapper mapper =
                new com.fasterxml.jackson.databind.ObjectMapper();

        Writer(Connection c) {
            this.c = c;
        }

        /** The row of version {@code pk} (now current), from its text; nothing for a type without search rows. */
        void add(long pk, int originId, String type, String id, Long lastUpdated, String raw) throws SQLException {
            SearchRow row = SearchExtractor.extract(mapper, type, id, lastUpdated, raw);
            if (row != null) {
                add(pk, originId, row);
            }
            if (provenance == null) {
                provenance = new ProvenanceIndex(c, mapper);
            }
            provenance.add(pk, originId, type, id, raw);
        }

        void add(long pk, int originId, SearchRow row) throws SQLException {
            if (insert == null) {
                insert = c.prepareStatement("INSERT INTO resource_search (" + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                word = c.prepareStatement("INSERT INTO resource_word (k, pk) VALUES (?, ?)");
            }
            bind(insert, pk, originId, row);
            insert.addBatch();
            for (String w : row.words()) {
                word.setString(1, w);
                word.setLong(2, pk);
                word.addBatch();
            }
            if (++pending >= 500) {
                flush();
            }
        }

        /** Writes the rows added so far (batched: one round per 500 rows rather than per row). */
        void flush() throws SQLException {
            if (pending > 0) {
                insert.executeBatch();
                word.executeBatch();
                pending = 0;
            }
        }

        void drop(long pk) throws SQLException {
            flush();
            remove(c, new long[]{pk});
        }

        /** Writes what is pending; the caller's transaction commits it. */
        @Override
        public void close() throws SQLException {
            if (insert != null) {
                try {
                    flush();
                } finally {
                    insert.close();
                    word.close();
                }
            }
        }
    }

    static void bind(PreparedStatement ps, long pk, int originId, SearchRow r) throws SQLException {
        ps.setLong(1, pk);
        ps.setInt(2, originId);
        ps.setString(3, r.type());
        ps.setString(4, r.id());
        ps.setString(5, r.subject());
        ps.setString(6, r.status());
        ps.setString(7, r.codes());
        ps.setString(8, r.codeText());
        ps.setLong(9, r.sortTime());
        ps.setObject(10, r.periodStart());
        ps.setObject(11, r.periodEnd());
        ps.setString(12, r.display());
        ps.setString(13, r.searchText());
    }

    /** The rows of these versions go (those that have none are skipped), the Provenance list's too. */
    static void remove(Connection c, long[] pks) throws SQLException {
        ProvenanceIndex.remove(c, pks);
        try (PreparedStatement s = c.prepareStatement("DELETE FROM resource_search WHERE pk = ?");
             PreparedStatement w = c.prepareStatement("DELETE FROM resource_word WHERE pk = ?")) {
            for (long pk : pks) {
                s.setLong(1, pk);
                s.addBatch();
                w.setLong(1, pk);
                w.addBatch();
            }
            s.executeBatch();
            w.executeBatch();
        }
    }

    /** Every row of an origin goes (a purge), the Provenance list's too. */
    static void removeOrigin(Connection c, int originId) throws SQLException {
        ProvenanceIndex.removeOrigin(c, originId);
        try (PreparedStatement w = c.prepareStatement("DELETE FROM resource_word WHERE pk IN (SELECT pk FROM "
                + "resource_search WHERE origin_id = ?)");
             PreparedStatement s = c.prepareStatement("DELETE FROM resource_search WHERE origin_id = ?")) {
            w.setInt(1, originId);
            w.executeUpdate();
            s.setInt(1, originId);
            s.executeUpdate();
        }
    }

    // ---- the fill after the upgrade to V6 ----

    static boolean fillPending(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM "
                + "resource_search_fill")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    /**
     * Gives every current version stored before V6 its search row, a thousand versions per transaction with the
     * progress in the same transaction: a fill killed half-way goes on where it stopped at the next open. Runs as
     * the cache opens, before anything else writes.
     */
    static void fill(Cache cache) {
        while (cache.inTransaction("Filling the search columns of Consents and people", SearchIndex::fillBatch)) {
            // next batch
        }
        cache.inTransaction("Filling the search columns of Consents and people", c -> {
            try (Statement st = c.createStatement()) {
                // the table stays, empty (a DROP right after creating it upset a later SHUTDOWN COMPACT of H2)
                st.execute("DELETE FROM resource_search_fill");
            }
            return null;
        });
    }

    private static boolean fillBatch(Connection c) throws SQLException {
        long doneTo;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT done_to FROM "
                + "resource_search_fill")) {
            if (!rs.next()) {
                return false;
            }
            doneTo = rs.getLong(1);
        }
        long last = -1;
        try (Writer w = new Writer(c); PreparedStatement ps = c.prepareStatement("SELECT pk, origin_id, res_type, "
                + "res_id, last_updated, state, raw FROM fhir_resource WHERE pk > ? ORDER BY pk LIMIT " + BATCH)) {
            ps.setLong(1, doneTo);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    last = rs.getLong(1);
                    if ((rs.getInt(6) & State.SUPERSEDED) == 0) {
                        w.add(last, rs.getInt(2), rs.getString(3), rs.getString(4), rs.getObject(5, Long.class),
                                rs.getString(7));
                    }
                }
            }
        }
        if (last < 0) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE resource_search_fill SET done_to = ?")) {
            ps.setLong(1, last);
            ps.executeUpdate();
        }
        return true;
    }
}
