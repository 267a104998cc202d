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

    /** Keeps an item; returns false when the same content from the same place was already kept. */
    public boolean add(int originId, String location, String type, String id, String reason, String content) {
        try (Connection c = cache.connection()) {
            return add(c, originId, location, type, id, reason, content);
        } catch (SQLException e) {
            throw new CacheException("Writing to the quarantine failed: " + e.getMessage(), e);
        }
    }

    /** {@link #add} within the caller's transaction. */
    static boolean add(Connection c, int originId, String location, String type, String id, String reason,
                       String content) throws SQLException {
        String kept = content == null ? "" : content.length() > MAX_CONTENT
                ? content.substring(0, MAX_CONTENT) + "\n… (cut at " + MAX_CONTENT + " characters)" : content;
        try (PreparedStatement ps = c.prepareStatement(
                "MERGE INTO quarantine (at, origin_id, location, res_type, res_id, reason, content, content_hash) "
                        + "KEY (origin_id, location, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            long hash = IncomingResource.hash(kept);
            boolean existed;
            try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM quarantine WHERE origin_id = ? AND "
                    + "location = ? AND content_hash = ?")) {
                q.setInt(1, originId);
                q.setString(2, AuditStore.cut(location, 256));
                q.setLong(3, hash);
                try (ResultSet rs = q.executeQuery()) {
                    existed = rs.next();
                }
            }
            ps.setLong(1, System.currentTimeMillis());
            ps.setInt(2, originId);
            ps.setString(3, AuditStore.cut(location, 256));
            ps.setString(4, AuditStore.cut(type, 64));
            ps.setString(5, AuditStore.cut(id, 128));
            ps.setString(6, AuditStore.cut(reason, 4000));
            ps.setString(7, kept);
            ps.setLong(8, hash);
            ps.executeUpdate();
            return !existed;
        }
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

    /** The newest {@code limit} items. */
    public List<QuarantineItem> latest(int limit) {
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT q.id, q.at, o.kind || ': ' || o.label, q.location, q.res_type, q.res_id, q.reason, q.content "
                        + "FROM quarantine q JOIN origin o ON o.id = q.origin_id ORDER BY q.id DESC LIMIT ?")) {
            ps.setInt(1, limit);
            List<QuarantineItem> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new QuarantineItem(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new CacheException("Reading the quarantine failed: " + e.getMessage(), e);
        }
    }
}
