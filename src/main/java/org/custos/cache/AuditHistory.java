package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The kept versions of the cached AuditEvents, as a history reads them: every version of one event (the current one
 * first), and which origins hold an id. Split from {@link AuditStore}, which stores and searches them (and keeps
 * the {@link AuditStore.Version} record, which the other resource types' histories share).
 */
public final class AuditHistory {
    private final Cache cache;
    private final RawStore raws;

    AuditHistory(Cache cache, RawStore raws) {
        this.cache = cache;
        this.raws = raws;
    }

    /**
     * Every kept version of the event whose version has row {@code pk} (same origin and id): the current one first,
     * then the earlier ones, newest first (by numeric versionId where both have one, else by arrival).
     */
    public List<AuditStore.Version> versionsOf(long pk) {
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT origin_id, res_id FROM audit_event WHERE pk = ?")) {
            ps.setLong(1, pk);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? versions(c, rs.getInt(1), rs.getString(2)) : List.of();
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }

    /** Every kept version of AuditEvent {@code id} from this origin, as {@link #versionsOf}. */
    public List<AuditStore.Version> history(int originId, String id) {
        try (Connection c = cache.connection()) {
            return versions(c, originId, id);
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }

    /** The ids of the origins that hold AuditEvent {@code id}. */
    public List<Integer> originsHolding(String id) {
        List<Integer> out = new ArrayList<>();
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT DISTINCT origin_id FROM audit_event USE INDEX (audit_event_res) WHERE res_id = ? ORDER BY origin_id")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getInt(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }

    private List<AuditStore.Version> versions(Connection c, int originId, String id) throws SQLException {
        List<AuditStore.Version> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT pk, version_id, last_updated, state, raw_block, raw_slot "
                + "FROM audit_event USE INDEX (audit_event_res) WHERE res_id = ? AND origin_id = ?")) {
            ps.setString(1, id);
            ps.setInt(2, originId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AuditStore.Version(rs.getLong(1), cache.origins().nameOf(originId), id, rs.getString(2),
                            rs.getObject(3, Long.class), rs.getInt(4), raws.read(c, rs.getLong(5), rs.getInt(6))));
                }
            }
        }
        out.sort(Versions.NEWEST_FIRST);
        return out;
    }
}
