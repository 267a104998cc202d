package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    /** The signature states the list filters on: none, any, not yet checked, or the last check's verdict. */
    public enum SignatureStatus {
        ANY, UNSIGNED, SIGNED, NOT_CHECKED, VALID, INVALID, UNTRUSTED_SIGNER, WHO_MISMATCH, CERTIFICATE_TIME,
        CANNOT_VERIFY;

    }

    /**
     * What the list shows: references as written are matched without version and server, case-blind ("Consent/1"
     * finds "https://x/fhir/Consent/1/_history/2"); {@code agent} matches who and on behalf of; times in epoch ms
     * (inclusive); null or blank: no condition.
     */
    public record Filter(String target, String agent, String activity, String entity, Long from, Long to,
                         String origin, SignatureStatus status) {
        public static final Filter ALL = new Filter(null, null, null, null, null, null, null, SignatureStatus.ANY);

        public Filter {
            status = status == null ? SignatureStatus.ANY : status;
        }
    }

    /** The last check of a row's signatures: the worst verdict, the reasons, when, and whether a target changed since. */
    public record Check(String verdict, String reasons, long checkedAt, boolean stale) {
    }

    /**
     * One list row: a Provenance ({@code part} 0) or the {@code part}-th Provenance contained in {@code container}.
     * {@code entities} are "role what" lines as written.
     */
    public record Row(long rk, long pk, int part, int originId, String origin, String id, String container,
                      long recorded, Long periodStart, Long periodEnd, String activity, List<String> targets,
                      List<String> agents, List<String> entities, int signatures, Check check) {
        public Keyset keyset() {
            return new Keyset(recorded, rk);
        }
    }

    private final Cache cache;

    ProvenanceStore(Cache cache) {
        this.cache = cache;
    }

    /** Up to {@code limit} rows after {@code after} (null: from the newest), newest recorded first. */
    public List<Row> page(Filter filter, Keyset after, int limit) {
        return page(filter, after, limit, false);
    }

    /**
     * As {@link #page(Filter, Keyset, int)}, oldest first when {@code ascending}. A filter on a reference (target,
     * agent, entity, activity) drives the page from that key's index rows in recorded order, so a common key reads a
     * page, not all its rows (measured: activity "sign" on 100,000, 66 → ~11 ms); an origin filter alone walks the
     * origin index in order.
     */
    public List<Row> page(Filter filter, Keyset after, int limit, boolean ascending) {
        String driver = ProvenanceFilterSql.driver(filter);
        ProvenanceFilterSql.Where w = ProvenanceFilterSql.where(cache, filter, driver);
        String time = driver == null ? "s.recorded" : "r.recorded";
        String key = driver == null ? "s.rk" : "r.rk";
        if (after != null) {
            // the first conjunct gives H2 an index range to start from; the second breaks ties inside one instant
            w.cond(ascending ? time + " >= ? AND (" + time + " > ? OR " + key + " > ?)"
                    : time + " <= ? AND (" + time + " < ? OR " + key + " < ?)", after.recorded(), after.recorded(),
                    after.pk());
        }
        String dir = ascending ? "" : " DESC";
        String lead = driver != null ? "r.k, " : filter.origin() != null && !filter.origin().isBlank()
                ? "s.origin_id, " : "";
        String order = " ORDER BY " + lead + time + dir + ", " + key + dir;
        String from = driver == null ? " FROM provenance_search s" : " FROM provenance_ref r JOIN provenance_search s "
                + "ON s.rk = r.rk";
        String sql = "SELECT s.rk, s.pk, s.part, s.origin_id, s.prov_id, s.container, s.recorded, s.period_start, "
                + "s.period_end, s.activity, s.targets, s.agents, s.entities, s.signatures, v.verdict, v.reasons, "
                + "v.checked_at, v.target_pks" + from + " LEFT JOIN provenance_verdict v ON v.pk = s.pk "
                + "AND v.part = s.part" + w.sql + order + " LIMIT ?";
        List<Row> out = new ArrayList<>();
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = w.bind(ps);
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int originId = rs.getInt(4);
                    List<String> targets = lines(rs.getString(11));
                    Check check = rs.getString(15) == null ? null : new Check(rs.getString(15), rs.getString(16),
                            rs.getLong(17), !rs.getString(18).equals(targetPks(c, originId, targets)));
                    out.add(new Row(rs.getLong(1), rs.getLong(2), rs.getInt(3), originId,
                            cache.origins().nameOf(originId), rs.getString(5), rs.getString(6), rs.getLong(7),
                            rs.getObject(8, Long.class), rs.getObject(9, Long.class), rs.getString(10), targets,
                            lines(rs.getString(12)), lines(rs.getString(13)), rs.getInt(14), check));
                }
            }
        } catch (SQLException e) {
            throw new CacheException("Searching the Provenance failed: " + e.getMessage(), e);
        }
        return out;
    }

    /** How many rows match, counting up to {@code cap} (the list says "more than" beyond it). */
    public long count(Filter filter, long cap) {
        ProvenanceFilterSql.Where w = ProvenanceFilterSql.where(cache, filter, null);
        boolean verdicts = filter.status() != SignatureStatus.ANY && filter.status() != SignatureStatus.SIGNED
                && filter.status() != SignatureStatus.UNSIGNED;
        String sql = "SELECT COUNT(*) FROM (SELECT 1 FROM provenance_search s" + (verdicts ? " LEFT JOIN "
                + "provenance_verdict v ON v.pk = s.pk AND v.part = s.part" : "") + w.sql + " LIMIT ?)";
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = w.bind(ps);
            ps.setLong(i, cap);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new CacheException("Counting the Provenance failed: " + e.getMessage(), e);
        }
    }

    /** The row's Provenance JSON source: the resource that is it or contains it (current version), by row key. */
    public Optional<Current> source(long pk) {
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT origin_id, res_type, res_id, version_id, raw FROM fhir_resource WHERE pk = ? "
                        + "AND BITAND(state, 1) = 0")) {
            ps.setLong(1, pk);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(current(pk, rs.getInt(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), null)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }

    /**
     * Keeps the last check of row (pk, part): the worst verdict's name and the reasons; the target versions it was
     * made against are taken now (a later version of a target makes it stale). Nothing is kept for a version that is
     * no longer current (it has no row).
     */
    public void saveCheck(long pk, int part, String verdict, String reasons, String trust) {
        saveCheck(pk, part, verdict, reasons, trust, null);
    }

    /**
     * As above, naming the versions the check read: {@code used} maps each target read ("Type/id") to the cache key of
     * the version checked against (-1: read from the server); a target it did not read, or one that has another
     * current version by now, makes the kept check stale at once. Null: the current versions are taken.
     */
    public void saveCheck(long pk, int part, String verdict, String reasons, String trust, Map<String, Long> used) {
        cache.inTransaction("Keeping a signature check", c -> {
            int originId;
            List<String> targets;
            try (PreparedStatement ps = c.prepareStatement("SELECT origin_id, targets FROM provenance_search WHERE "
                    + "pk = ? AND part = ?")) {
                ps.setLong(1, pk);
                ps.setInt(2, part);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    originId = rs.getInt(1);
                    targets = lines(rs.getString(2));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("MERGE INTO provenance_verdict (pk, part, verdict, "
                    + "reasons, target_pks, checked_at, trust) KEY (pk, part) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setLong(1, pk);
                ps.setInt(2, part);
                ps.setString(3, verdict);
                ps.setString(4, reasons);
                // a check that read no target (a placeholder blob, a picture) did not depend on their content
                ps.setString(5, used == null || used.isEmpty() ? targetPks(c, originId, targets)
                        : usedPks(targets, used));
                ps.setLong(6, System.currentTimeMillis());
                ps.setString(7, trust == null ? null : AuditStore.cut(trust, 2000));
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * The rows of origin {@code originId} whose target ({@code entity} false) or entity ({@code entity} true) is
     * {@code ref} (matched as the list's filters match), newest first, at most {@code limit}: each as (pk, part) with
     * the text of the resource that is or contains it.
     */
    public List<Pointing> pointingAt(int originId, String ref, boolean entity, int limit) {
        List<Pointing> out = new ArrayList<>();
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT s.pk, s.part, f.raw FROM provenance_search s JOIN fhir_resource f ON f.pk = s.pk "
                        + "WHERE s.origin_id = ? AND s.rk IN (SELECT rk FROM provenance_ref WHERE k = ?) "
                        + "ORDER BY s.recorded DESC, s.rk DESC LIMIT ?")) {
            ps.setInt(1, originId);
            ps.setString(2, (entity ? "e:" : "t:") + ProvenanceExtractor.key(ref));
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Pointing(rs.getLong(1), rs.getInt(2), rs.getString(3)));
                }
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
        return out;
    }

    /** A list row found by what it points at: its keys and the text of the resource that is or contains it. */
    public record Pointing(long pk, int part, String sourceJson) {
    }

    /** Whether origin {@code originId} holds a current {@code Type/id} (any kept type, AuditEvents too). */
    public boolean holds(int originId, String ref) {
        String r = SearchExtractor.reference(ref);
        if (r == null) {
            return false;
        }
        int slash = r.indexOf('/');
        String type = r.substring(0, slash);
        String sql = type.equals("AuditEvent")
                ? "SELECT 1 FROM audit_event WHERE res_id = ? AND origin_id = ? AND BITAND(state, 1) = 0 LIMIT 1"
                : "SELECT 1 FROM fhir_resource WHERE res_type = ? AND res_id = ? AND origin_id = ? "
                + "AND BITAND(state, 1) = 0 LIMIT 1";
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (!type.equals("AuditEvent")) {
                ps.setString(i++, type);
            }
            ps.setString(i++, r.substring(slash + 1));
            ps.setInt(i, originId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }

    /** The keys {@code used} names for these targets, in their order, as {@link #targetPks} writes them. */
    private static String usedPks(List<String> targets, Map<String, Long> used) {
        StringBuilder b = new StringBuilder();
        for (String t : targets) {
            String r = SearchExtractor.reference(t);
            Long pk = r == null || t.contains("://") && !used.containsKey(r) ? null : used.get(r);
            // not read (or read from the server): "?" never equals what the list computes, the check shows stale
            b.append(b.length() == 0 ? "" : " ").append(pk == null || pk < 0 ? "?" : Long.toString(pk));
        }
        return b.toString();
    }

    /** The keys of the current versions of these targets in the origin, "pk pk" ("-" for one not cached). */
    private String targetPks(Connection c, int originId, List<String> targets) throws SQLException {
        StringBuilder b = new StringBuilder();
        String base = cache.origins().byId(originId).filter(o -> o.kind().equals("server")).map(Origins.Origin::name)
                .orElse(null);
        try (PreparedStatement ps = c.prepareStatement("SELECT pk FROM fhir_resource WHERE res_type = ? AND "
                + "res_id = ? AND origin_id = ? AND BITAND(state, 1) = 0")) {
            for (String t : targets) {
                // an absolute reference to another server names nothing of this origin
                String r = t.contains("://") && (base == null || !t.startsWith(base + "/")) ? null
                        : SearchExtractor.reference(t);
                long pk = -1;
                if (r != null) {
                    int slash = r.indexOf('/');
                    ps.setString(1, r.substring(0, slash));
                    ps.setString(2, r.substring(slash + 1));
                    ps.setInt(3, originId);
                    try (ResultSet rs = ps.executeQuery()) {
                        pk = rs.next() ? rs.getLong(1) : -1;
                    }
                }
                b.append(b.length() == 0 ? "" : " ").append(pk < 0 ? "-" : Long.toString(pk));
            }
        }
        return b.toString();
    }

    private static List<String> lines(String s) {
        return s == null || s.isEmpty() ? List.of() : List.of(s.split("\n"));
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
