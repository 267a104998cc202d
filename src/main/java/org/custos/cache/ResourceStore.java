package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Resources kept raw with their identity (Consent, Provenance); their search columns come with their screens. */
public final class ResourceStore {
    private final Cache cache;

    ResourceStore(Cache cache) {
        this.cache = cache;
    }

    void init() {
        // nothing to prepare yet
    }

    public UpsertCounts upsert(int originId, List<IncomingResource> items) {
        if (items.isEmpty()) {
            return UpsertCounts.NONE;
        }
        return cache.inTransaction("Writing resources to the cache", c -> upsert(c, originId, items));
    }

    static UpsertCounts upsert(Connection c, int originId, List<IncomingResource> items) throws SQLException {
        int added = 0;
        int updated = 0;
        int unchanged = 0;
        Map<String, Long> seen = new HashMap<>();
        try (PreparedStatement find = c.prepareStatement(
                "SELECT content_hash, version_id, deleted FROM fhir_resource WHERE res_type = ? AND res_id = ?");
             PreparedStatement merge = c.prepareStatement("MERGE INTO fhir_resource (res_type, res_id, version_id, "
                     + "last_updated, origin_id, content_hash, deleted, raw) KEY (res_type, res_id) "
                     + "VALUES (?, ?, ?, ?, ?, ?, FALSE, ?)")) {
            for (IncomingResource r : items) {
                long hash = r.contentHash();
                String key = r.type() + "/" + r.id();
                Long old = seen.get(key);
                boolean older = false;
                if (old == null) {
                    find.setString(1, r.type());
                    find.setString(2, r.id());
                    try (ResultSet rs = find.executeQuery()) {
                        if (rs.next()) {
                            // a flagged (deleted) row counts as absent: the resource was created again
                            old = rs.getBoolean(3) ? null : rs.getLong(1);
                            older = old != null && Versions.isOlder(r.versionId(), rs.getString(2));
                        }
                    }
                }
                if (old != null && (old == hash || older)) {
                    unchanged++;
                    continue;
                }
                if (old == null) {
                    added++;
                } else {
                    updated++;
                }
                seen.put(key, hash);
                merge.setString(1, r.type());
                merge.setString(2, r.id());
                merge.setString(3, AuditStore.cut(r.versionId(), 64));
                merge.setObject(4, r.lastUpdated());
                merge.setInt(5, originId);
                merge.setLong(6, hash);
                merge.setString(7, r.json());
                merge.executeUpdate();
            }
        }
        return new UpsertCounts(added, updated, unchanged);
    }

    /** Flags a resource a server reported deleted, unless the cache holds a newer version; true if flagged. */
    static boolean markDeleted(Connection c, String type, String id, String deletedVersion, long deletedAt)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT version_id, last_updated FROM fhir_resource "
                + "WHERE res_type = ? AND res_id = ? AND NOT deleted")) {
            ps.setString(1, type);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || Versions.isOlder(deletedVersion, rs.getString(1))
                        || Versions.laterThanDelete(deletedVersion, rs.getObject(2, Long.class), deletedAt)) {
                    return false;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE fhir_resource SET deleted = TRUE WHERE res_type = ? AND res_id = ?")) {
            ps.setString(1, type);
            ps.setString(2, id);
            return ps.executeUpdate() > 0;
        }
    }

    public long count(String type) {
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM fhir_resource WHERE res_type = ? AND NOT deleted")) {
            ps.setString(1, type);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }

    /** The stored text of one resource. */
    public java.util.Optional<String> raw(String type, String id) {
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT raw FROM fhir_resource WHERE res_type = ? AND res_id = ?")) {
            ps.setString(1, type);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? java.util.Optional.of(rs.getString(1)) : java.util.Optional.empty();
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }

    /** Every stored resource of this type, in id order. */
    public void forEachRaw(String type, Consumer<String> sink) {
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT raw FROM fhir_resource WHERE res_type = ? AND NOT deleted ORDER BY res_id")) {
            ps.setString(1, type);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }
}
