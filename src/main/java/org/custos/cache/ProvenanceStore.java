package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The cached Provenance as the review reads them: one by id (in every origin that has it, and those still waiting in
 * the outbox to reach their server), and the current content of what they point at (their targets, entities and
 * agents), always within the Provenance's own origin: two origins may use the same ids for different resources.
 */
public final class ProvenanceStore {
    /**
     * A resource's current version: where it is kept, its version and text. {@code outboxSeq}: the outbox entry that
     * holds it when it has not reached its server yet (then {@code pk} is 0), else null.
     */
    public record Current(long pk, int originId, String origin, String originKind, String type, String id,
                          String versionId, String json, Long outboxSeq) {
        /** The server's base URL of a server origin; null for files and demo data. */
        public String serverBase() {
            return "server".equals(originKind) ? origin : null;
        }
    }

    private final Cache cache;

    ProvenanceStore(Cache cache) {
        this.cache = cache;
    }

    /** Provenance {@code id} in every origin that has it (current versions), then any waiting in the outbox. */
    public List<Current> withId(String id) {
        List<Current> out = new ArrayList<>();
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT pk, origin_id, version_id, raw FROM fhir_resource WHERE res_type = 'Provenance' "
                        + "AND res_id = ? AND BITAND(state, 1) = 0 ORDER BY origin_id")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(current(rs.getLong(1), rs.getInt(2), "Provenance", id, rs.getString(3), rs.getString(4),
                            null));
                }
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
        for (OutboxStore.Entry e : cache.outbox().unsent()) {
            if (e.type().equals("Provenance") && e.id().equals(id) && e.status().open()) {
                int originId = cache.origins().find(e.origin()).map(Origins.Origin::id).orElse(-1);
                out.add(current(0, originId, "Provenance", id, null, e.json(), e.seq()));
            }
        }
        return out;
    }

    /** The current version of {@code type/id} in origin {@code originId}. */
    public Optional<Current> current(int originId, String type, String id) {
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT pk, version_id, raw FROM fhir_resource WHERE res_type = ? AND res_id = ? AND origin_id = ? "
                        + "AND BITAND(state, 1) = 0")) {
            ps.setString(1, type);
            ps.setString(2, id);
            ps.setInt(3, originId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(current(rs.getLong(1), originId, type, id, rs.getString(2),
                        rs.getString(3), null)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }

    /** {@code type/id} in every origin that holds a current version of it. */
    public List<Current> everywhere(String type, String id) {
        List<Current> out = new ArrayList<>();
        for (int originId : cache.resources().originsHolding(type, id)) {
            current(originId, type, id).ifPresent(out::add);
        }
        return out;
    }

    private Current current(long pk, int originId, String type, String id, String versionId, String json,
                            Long outboxSeq) {
        Optional<Origins.Origin> o = cache.origins().byId(originId);
        return new Current(pk, originId, o.map(Origins.Origin::name).orElse("?"), o.map(Origins.Origin::kind)
                .orElse("?"), type, id, versionId, json, outboxSeq);
    }
}
