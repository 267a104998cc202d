package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** Where resources came from: a file, a server, the demo generator. */
public final class Origins {
    private final Cache cache;

    Origins(Cache cache) {
        this.cache = cache;
    }

    /** The id of this origin, created on first use. */
    public synchronized int idOf(String kind, String fullLabel) {
        String label = AuditStore.cut(fullLabel, 2000);
        try (Connection c = cache.connection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM origin WHERE kind = ? AND label = ?")) {
                ps.setString(1, kind);
                ps.setString(2, label);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return rs.getInt(1);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO origin (kind, label, first_seen) VALUES (?, ?, ?)", new String[]{"ID"})) {
                ps.setString(1, kind);
                ps.setString(2, label);
                ps.setLong(3, System.currentTimeMillis());
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        } catch (SQLException e) {
            throw new CacheException("Cannot record the origin " + label + ": " + e.getMessage(), e);
        }
    }

    /** "kind: label" of an origin id. */
    public Optional<String> describe(int id) {
        try (Connection c = cache.connection();
             PreparedStatement ps = c.prepareStatement("SELECT kind, label FROM origin WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1) + ": " + rs.getString(2)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }
}
