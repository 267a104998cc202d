package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Consent, Provenance and the people (Patient, Practitioner, Organization, RelatedPerson), kept raw with their
 * identity (origin, type, id) and every version that arrived: a version
 * that differs from all kept ones is stored beside them and becomes the current one unless it is older (see
 * {@link State}). When the origin deletes one, its versions leave the cache (their text is taken off disk) and a
 * tombstone remembers the delete. The current version of a Consent or a person has a search row
 * ({@code resource_search}, see {@link SearchIndex}), kept right here whenever the current version changes.
 */
public final class ResourceStore {
    private final Cache cache;
    private final AtomicLong nextPk = new AtomicLong();

    ResourceStore(Cache cache) {
        this.cache = cache;
    }

    void init() {
        try (Connection c = cache.connection(); java.sql.Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(pk), 0) FROM fhir_resource")) {
            rs.next();
            nextPk.set(Math.max(rs.getLong(1), Ledger.highestStored(c, Ledger.RESOURCE)) + 1);
        } catch (SQLException e) {
            throw new CacheException("Cannot read the cache: " + e.getMessage(), e);
        }
    }

    public UpsertCounts upsert(int originId, List<IncomingResource> items) {
        if (items.isEmpty()) {
            return UpsertCounts.NONE;
        }
        return cache.inTransaction("Writing resources to the cache", c -> upsert(c, originId, items));
    }

    /**
     * Stores one resource as a server answered it (its JSON text, meta.versionId included) under that server's
     * origin, as a sync would: the path of a write Custos made itself ({@code custos consent put}).
     */
    public UpsertCounts upsertFromServer(String serverUrl, String json, String location) {
        IncomingResource r = IncomingResource.fromJson(json, location);
        int originId = cache.origins().idOf(serverUrl);
        return upsert(originId, List.of(r));
    }

    private record Kept(long pk, long hash, String versionId, int state, String raw, Long lastUpdated) {
    }

    UpsertCounts upsert(Connection c, int originId, List<IncomingResource> items) throws SQLException {
        int added = 0;
        int updated = 0;
        int unchanged = 0;
        Map<String, List<Kept>> known = new HashMap<>();
        List<Long> pks = new ArrayList<>();
        List<Integer> states = new ArrayList<>();
        List<byte[]> leaves = new ArrayList<>();
        Leaf leaf = new Leaf();
        try (SearchIndex.Writer search = new SearchIndex.Writer(c);
             PreparedStatement find = c.prepareStatement("SELECT pk, content_hash, version_id, state, raw, "
                     + "last_updated FROM fhir_resource USE INDEX (fhir_resource_identity) WHERE res_type = ? AND "
                     + "res_id = ? AND origin_id = ?");
             PreparedStatement ins = c.prepareStatement("INSERT INTO fhir_resource (pk, "
                     + StoredRows.RESOURCE_COLUMNS + ", state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement setState = c.prepareStatement("UPDATE fhir_resource SET state = ? WHERE pk = ?")) {
            for (IncomingResource r : items) {
                String key = r.type() + "/" + r.id();
                List<Kept> kept = known.get(key);
                if (kept == null) {
                    kept = new ArrayList<>();
                    find.setString(1, r.type());
                    find.setString(2, r.id());
                    find.setInt(3, originId);
                    try (ResultSet rs = find.executeQuery()) {
                        while (rs.next()) {
                            kept.add(new Kept(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getInt(4),
                                    rs.getString(5), rs.getObject(6, Long.class)));
                        }
                    }
                    known.put(key, kept);
                }
                long hash = r.contentHash();
                Kept current = kept.stream().filter(k -> (k.state() & State.SUPERSEDED) == 0).findFirst().orElse(null);
                String text = r.json();
                // the 64-bit hash finds candidates; the same version means the same text
                Kept same = kept.stream().filter(k -> k.hash() == hash && k.raw().equals(text)).findFirst()
                        .orElse(null);
                if (same != null) {
                    if (same.equals(current) || current != null && Versions.isOlder(r.versionId(), current.versionId())) {
                        unchanged++;
                    } else {
                        // an earlier text is the origin's word again: it is the current one once more
                        if (current != null) {
                            replace(c, originId, r, kept, current, State.SUPERSEDED, setState, search);
                        }
                        replace(c, originId, r, kept, same, State.CHANGED, setState, search);
                        updated++;
                    }
                    continue;
                }
                int state;
                if (current == null) {
                    state = 0;
                    added++;
                } else if (Versions.isOlder(r.versionId(), current.versionId())) {
                    state = State.SUPERSEDED;
                    replace(c, originId, r, kept, current, current.state() | State.CHANGED, setState, search);
                    updated++;
                } else {
                    state = State.CHANGED;
                    replace(c, originId, r, kept, current, State.SUPERSEDED, setState, search);
                    updated++;
                }
                long pk = nextPk.getAndIncrement();
                Object[] values = {r.type(), r.id(), originId, AuditStore.cut(r.versionId(), 64), r.lastUpdated(),
                    hash, r.json()};
                ins.setLong(1, pk);
                for (int i = 0; i < values.length; i++) {
                    ins.setObject(i + 2, values[i]);
                }
                ins.setInt(9, state);
                ins.executeUpdate();
                kept.add(new Kept(pk, hash, r.versionId(), state, text, r.lastUpdated()));
                if ((state & State.SUPERSEDED) == 0) {
                    search.add(pk, originId, r.type(), r.id(), r.lastUpdated(), text);
                }
                pks.add(pk);
                states.add(state);
                leaves.add(StoredRows.leaf(leaf, Ledger.RESOURCE, values));
            }
        }
        Ledger.stored(c, originId, Ledger.RESOURCE, pks.stream().mapToLong(Long::longValue).toArray(),
                leaves.toArray(byte[][]::new), states.stream().mapToInt(Integer::intValue).toArray());
        return new UpsertCounts(added, updated, unchanged);
    }

    private static void replace(Connection c, int originId, IncomingResource r, List<Kept> kept, Kept old, int state,
                                PreparedStatement setState, SearchIndex.Writer search) throws SQLException {
        kept.set(kept.indexOf(old), new Kept(old.pk(), old.hash(), old.versionId(), state, old.raw(),
                old.lastUpdated()));
        // the search row follows the current version
        boolean wasCurrent = (old.state() & State.SUPERSEDED) == 0;
        boolean isCurrent = (state & State.SUPERSEDED) == 0;
        if (wasCurrent && !isCurrent) {
            search.drop(old.pk());
        } else if (!wasCurrent && isCurrent) {
            search.add(old.pk(), originId, r.type(), r.id(), old.lastUpdated(), old.raw());
        }
        setState.setInt(1, state);
        setState.setLong(2, old.pk());
        setState.executeUpdate();
        Ledger.state(c, originId, Ledger.RESOURCE, new long[]{old.pk()}, new int[]{state});
    }

    /**
     * A resource its origin deleted: its versions leave the cache (their text with them), unless the cache holds a
     * newer version than the deleted one (it came back). Returns whether anything was removed.
     */
    static boolean removeDeleted(Connection c, int originId, String type, String id, String deletedVersion,
                                 long deletedAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT version_id, last_updated FROM fhir_resource "
                + "WHERE res_type = ? AND res_id = ? AND origin_id = ? AND BITAND(state, 1) = 0")) {
            ps.setString(1, type);
            ps.setString(2, id);
            ps.setInt(3, originId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || Versions.isOlder(deletedVersion, rs.getString(1))
                        || Versions.laterThanDelete(deletedVersion, rs.getObject(2, Long.class), deletedAt)) {
                    return false;
                }
            }
        }
        long[] pks = pksOf(c, "SELECT pk FROM fhir_resource WHERE res_type = ? AND res_id = ? AND origin_id = ?",
                type, id, originId);
        SearchIndex.remove(c, pks);
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM fhir_resource WHERE pk = ?")) {
            for (long pk : pks) {
                ps.setLong(1, pk);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        Ledger.removed(c, Ledger.SERVER_DELETE, originId, Ledger.RESOURCE, pks);
        return pks.length > 0;
    }

    /** The keys a query with these parameters finds. */
    static long[] pksOf(Connection c, String sql, Object... params) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** How many resources of this type the cache holds (current versions). */
    public long count(String type) {
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM fhir_resource WHERE res_type = ? AND BITAND(state, 1) = 0")) {
            ps.setString(1, type);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }

    /** The current text of one resource (from the first origin that holds it). */
    public Optional<String> raw(String type, String id) {
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT raw FROM fhir_resource WHERE res_type = ? AND res_id = ? AND BITAND(state, 1) = 0 "
                        + "ORDER BY origin_id LIMIT 1")) {
            ps.setString(1, type);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }

    /** Every kept version of one resource of this origin, newest first (see {@link AuditStore#versionsOf}). */
    public List<AuditStore.Version> history(int originId, String type, String id) {
        List<AuditStore.Version> out = new ArrayList<>();
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT pk, version_id, last_updated, state, raw FROM fhir_resource WHERE res_type = ? AND res_id = ? "
                        + "AND origin_id = ?")) {
            ps.setString(1, type);
            ps.setString(2, id);
            ps.setInt(3, originId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AuditStore.Version(rs.getLong(1), cache.origins().nameOf(originId), id,
                            rs.getString(2), rs.getObject(3, Long.class), rs.getInt(4), rs.getString(5)));
                }
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
        out.sort(Versions.NEWEST_FIRST);
        return out;
    }

    /**
     * "Type/id" of every resource of {@code originId} whose type is not among {@code keptTypes} (the resources kept
     * only because they contain a Provenance).
     */
    public java.util.Set<String> heldOfOtherTypes(int originId, java.util.Collection<String> keptTypes) {
        java.util.Set<String> out = new java.util.HashSet<>();
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT DISTINCT res_type, res_id FROM fhir_resource WHERE origin_id = ?")) {
            ps.setInt(1, originId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!keptTypes.contains(rs.getString(1))) {
                        out.add(rs.getString(1) + "/" + rs.getString(2));
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }

    /** The ids of the origins that hold this resource. */
    public List<Integer> originsHolding(String type, String id) {
        List<Integer> out = new ArrayList<>();
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT DISTINCT origin_id FROM fhir_resource WHERE res_type = ? AND res_id = ? ORDER BY origin_id")) {
            ps.setString(1, type);
            ps.setString(2, id);
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

    /** The current version of every stored resource of this type, in the order they were stored. */
    public void forEachRaw(String type, Consumer<String> sink) {
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT raw FROM fhir_resource WHERE res_type = ? AND BITAND(state, 1) = 0 ORDER BY pk")) {
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
