package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** What could not be imported, kept with its reason and source; the same item twice is kept once. */
public final class QuarantineStore {
    private static final int MAX_CONTENT = 1_000_000;
    private final Cache cache;

    QuarantineStore(Cache cache) {
        this.cache = cache;
    }

    /**
     * Keeps an item from {@code source} (a file's path, a server's URL) of an origin; returns false when the same
     * content from the same place was already kept.
     */
    public boolean add(int originId, String source, String location, String type, String id, String reason,
                       String content) {
        return cache.inTransaction("Writing to the quarantine",
                c -> add(c, originId, source, location, type, id, reason, content));
    }

    /** {@link #add} within the caller's transaction. */
    static boolean add(Connection c, int originId, String source, String location, String type, String id,
                       String reason, String content) throws SQLException {
        String src = AuditStore.cut(source == null ? "" : source, 2000);
        String kept = content == null ? "" : content.length() > MAX_CONTENT
                ? content.substring(0, MAX_CONTENT) + "\n… (cut at " + MAX_CONTENT + " characters)" : content;
        String loc = AuditStore.cut(location, 256);
        long hash = IncomingResource.hash(kept);
        try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM quarantine WHERE origin_id = ? AND "
                + "location = ? AND content_hash = ? AND source = ?")) {
            q.setInt(1, originId);
            q.setString(2, loc);
            q.setLong(3, hash);
            q.setString(4, src);
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    return false; // kept already, as it was first kept
                }
            }
        }
        Object[] values = {System.currentTimeMillis(), originId, src, loc, AuditStore.cut(type, 64),
            AuditStore.cut(id, 128), AuditStore.cut(reason, 4000), hash, kept};
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO quarantine (" + StoredRows.QUARANTINE_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", new String[]{"ID"})) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            ps.executeUpdate();
            try (ResultSet rs = ps.getGeneratedKeys()) {
                rs.next();
                Ledger.stored(c, originId, Ledger.QUARANTINE, new long[]{rs.getLong(1)},
                        new byte[][]{StoredRows.leaf(new Leaf(), Ledger.QUARANTINE, values)});
            }
        }
        return true;
    }

    public long count() {
        try (Connection c = cache.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM quarantine")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new CacheException("Reading the quarantine failed: " + e.getMessage(), e);
        }
    }

    /** Which items to list: of one origin (null: all) whose reason contains a text (null: any), case ignored. */
    public record Query(String origin, String reason) {
        public static final Query ALL = new Query(null, null);
    }

    /** The newest {@code limit} items. */
    public List<QuarantineItem> latest(int limit) {
        return page(Query.ALL, Long.MAX_VALUE, limit);
    }

    /** Up to {@code limit} items matching the query with an id below {@code beforeId}, newest first (keyset). */
    public List<QuarantineItem> page(Query q, long beforeId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT q.id, q.at, o.name || CASE WHEN q.source IS NULL OR q.source = "
                + "'' OR q.source = o.name THEN '' ELSE ' · ' || q.source END, q.location, q.res_type, q.res_id, "
                + "q.reason, q.content, o.name, q.source FROM quarantine q JOIN origin o ON o.id = q.origin_id "
                + "WHERE q.id < ?");
        List<Object> params = new ArrayList<>(List.of(beforeId));
        where(q, sql, params);
        sql.append(" ORDER BY q.id DESC LIMIT ?");
        params.add(limit);
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            List<QuarantineItem> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new QuarantineItem(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                            rs.getString(10)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new CacheException("Reading the quarantine failed: " + e.getMessage(), e);
        }
    }

    /** How many items match the query. */
    public long count(Query q) {
        StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM quarantine q JOIN origin o ON o.id = q.origin_id "
                + "WHERE TRUE");
        List<Object> params = new ArrayList<>();
        where(q, sql, params);
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the quarantine failed: " + e.getMessage(), e);
        }
    }

    private static void where(Query q, StringBuilder sql, List<Object> params) {
        if (q.origin() != null && !q.origin().isBlank()) {
            sql.append(" AND o.name = ?");
            params.add(Origins.normalize(q.origin()));
        }
        if (q.reason() != null && !q.reason().isBlank()) {
            sql.append(" AND LOWER(q.reason) LIKE ? ESCAPE '\\'");
            params.add("%" + AuditSql.escape(q.reason().trim().toLowerCase(java.util.Locale.ROOT)) + "%");
        }
    }

    /** Removes these items (the user deleted them, or a retry imported them); the ledger records it. */
    public int delete(List<Long> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        return cache.inTransaction("Deleting from the quarantine", c -> {
            java.util.Map<Integer, List<Long>> byOrigin = new java.util.TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, origin_id FROM quarantine WHERE id = ANY(?)")) {
                ps.setArray(1, c.createArrayOf("BIGINT", ids.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byOrigin.computeIfAbsent(rs.getInt(2), k -> new ArrayList<>()).add(rs.getLong(1));
                    }
                }
            }
            int n = 0;
            try (PreparedStatement d = c.prepareStatement("DELETE FROM quarantine WHERE id = ?")) {
                for (var e : byOrigin.entrySet()) {
                    long[] gone = e.getValue().stream().mapToLong(Long::longValue).sorted().toArray();
                    for (long id : gone) {
                        d.setLong(1, id);
                        n += d.executeUpdate();
                    }
                    Ledger.removed(c, Ledger.QUARANTINE_DELETE, e.getKey(), Ledger.QUARANTINE, gone);
                }
            }
            return n;
        });
    }
}
