package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which patient keys have day counts ({@code audit_access_summary}, see V8), known in memory so that a write asks
 * nothing of the database for the others. A key's counts are built under the cache's write lock (no write runs
 * meanwhile) and the key is known from inside that transaction on, so every later write of its rows counts too.
 */
final class AccessDays {
    /** Beyond this many keys written since the last {@link #prepare}, it looks for large patients over the index. */
    private static final int TOUCHED_MAX = 10_000;
    private final Cache cache;
    private volatile Set<String> keys;
    private final Set<String> touched = ConcurrentHashMap.newKeySet();
    private volatile boolean touchedTooMany;

    AccessDays(Cache cache) {
        this.cache = cache;
    }

    /** Whether writes of {@code k}'s rows must keep its day counts. */
    boolean counted(String k) {
        return keys().contains(k);
    }

    private Set<String> keys() {
        Set<String> k = keys;
        if (k == null) {
            synchronized (this) {
                if (keys == null) {
                    Set<String> loaded = ConcurrentHashMap.newKeySet();
                    try (Connection c = cache.connection(); Statement st = c.createStatement();
                         ResultSet rs = st.executeQuery("SELECT k FROM audit_access_summary")) {
                        while (rs.next()) {
                            loaded.add(rs.getString(1));
                        }
                    } catch (SQLException e) {
                        throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
                    }
                    keys = loaded;
                }
                k = keys;
            }
        }
        return k;
    }

    /** A write added rows of {@code k}, which has no counts: {@link #prepare} will see whether it needs them now. */
    void touched(String k) {
        synchronized (touched) {
            if (touchedTooMany) {
                return;
            }
            if (touched.size() >= TOUCHED_MAX) {
                touchedTooMany = true;
                touched.clear();
            } else {
                touched.add(k);
            }
        }
    }

    /**
     * Builds the day counts of every patient written since the last call that now has at least {@code threshold}
     * rows and no counts yet (one write transaction each): run after an import or a sync, so that the first check
     * of a large patient finds them ready. Returns how many were built.
     */
    int prepare(int threshold) {
        // taken while no write runs: a key written by a transaction not yet committed stays for the next time
        boolean[] all = {false};
        List<String> candidates = cache.whileNoOneWrites(() -> {
            synchronized (touched) {
                List<String> keys = new ArrayList<>(touched);
                touched.clear();
                all[0] = touchedTooMany;
                touchedTooMany = false;
                return keys;
            }
        });
        int built = 0;
        int done = 0;
        try (Connection c = cache.connection()) {
            if (all[0]) {
                candidates = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT k FROM audit_access GROUP BY k HAVING "
                        + "COUNT(*) >= ?")) {
                    ps.setInt(1, threshold);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            candidates.add(rs.getString(1));
                        }
                    }
                }
            }
            for (String k : candidates) {
                if (!counted(k) && atLeast(c, k, threshold)) {
                    ensure(k);
                    built++;
                }
                done++;
            }
        } catch (SQLException | RuntimeException e) {
            // the ones not looked at yet are looked at the next time
            for (String k : candidates.subList(done, candidates.size())) {
                touched(k);
            }
            throw e instanceof SQLException s ? new CacheException("Reading the cache failed: " + s.getMessage(), s)
                    : (RuntimeException) e;
        }
        return built;
    }

    /** Whether {@code k} has at least {@code n} index rows (counting no further than that). */
    static boolean atLeast(Connection c, String k, int n) throws SQLException {
        if (n <= 0) {
            return true;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM (SELECT 1 FROM audit_access WHERE k = ? "
                + "LIMIT ?) x")) {
            ps.setString(1, k);
            ps.setInt(2, n);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) >= n;
            }
        }
    }

    /** Builds {@code k}'s day counts from its rows unless it has them. */
    void ensure(String k) {
        if (counted(k)) {
            return;
        }
        boolean[] added = {false};
        try {
            cache.inTransaction("Counting the accesses of " + k, c -> {
                // under the write lock: another check may have built them meanwhile; else the next write, after this
                // commit, counts
                if (keys().add(k)) {
                    added[0] = true;
                    build(c, k);
                }
                return null;
            });
        } catch (RuntimeException e) {
            if (added[0]) {
                keys().remove(k); // (only what this call added: a build that committed stays known)
            }
            throw e;
        }
    }

    private static void build(Connection c, String k) throws SQLException {
        String day = AccessIndex.daySql("recorded");
        try (PreparedStatement d = c.prepareStatement("DELETE FROM audit_access_day WHERE k = ?");
             PreparedStatement i = c.prepareStatement("INSERT INTO audit_access_day (k, epoch_day, facts_id, origin_id, "
                     + "n) SELECT k, " + day + ", facts_id, origin_id, COUNT(*) FROM audit_access WHERE k = ? GROUP BY "
                     + "k, " + day + ", facts_id, origin_id");
             PreparedStatement s = c.prepareStatement("MERGE INTO audit_access_summary (k) KEY (k) VALUES (?)")) {
            for (PreparedStatement ps : new PreparedStatement[]{d, i, s}) {
                ps.setString(1, k);
                ps.executeUpdate();
            }
        }
    }
}
