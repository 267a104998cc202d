package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/** AuditEvents in the cache: upsert by id + content, keyset-paged search, raw text. */
public final class AuditStore {
    private static final String SUMMARY_COLS = "e.pk, e.res_id, e.recorded, e.type_display, e.subtype_display, "
            + "e.action, e.outcome, e.agents, e.patients, e.entities, e.source_site, e.source_observer, e.purpose_codes";

    /** One AuditEvent ready for the cache; its content hash is computed where it is made (the parsing thread). */
    public record Item(IncomingResource resource, AuditEventRow row, long hash) {
        public Item(IncomingResource resource, AuditEventRow row) {
            this(resource, row, resource.contentHash());
        }
    }

    /**
     * AuditEvents to store with their texts already packed into one raw block ({@link #batch}): the packing is then
     * done on the thread that makes the batch (an import's parsing thread), not on the one writing to the cache.
     */
    public static final class Batch {
        private final List<Item> items;
        private final byte[] block;

        private Batch(List<Item> items, byte[] block) {
            this.items = items;
            this.block = block;
        }

        public List<Item> items() {
            return items;
        }
    }

    /**
     * Packs the items' texts for {@link #upsert(int, Batch)}, and computes the hash of every string the writer will
     * bind or look up (a String keeps it): H2 hashes each bound VARCHAR for its value cache, and the writer keys its
     * maps by id and agent term, so that work moves off the writing thread too.
     */
    public static Batch batch(List<Item> items) {
        List<Item> copy = List.copyOf(items);
        for (Item i : copy) {
            AuditEventRow r = i.row();
            for (String str : new String[] {i.resource().id(), i.resource().versionId(), r.typeCode(), r.typeDisplay(),
                r.subtypeCodes(), r.subtypeDisplay(), r.action(), r.outcome(), r.sourceSite(), r.sourceObserver(),
                r.purposeCodes(), r.agentKeys(), r.entityKeys(), r.agents(), r.entities(), r.patients(),
                r.searchText()}) {
                hash(str);
            }
            r.patientKeys().forEach(AuditStore::hash);
            r.purposeKeys().forEach(AuditStore::hash);
            r.agentTerms().forEach(AuditStore::hash);
        }
        byte[] block = copy.isEmpty() ? null : RawBlocks.packUtf8(copy.stream().map(i -> i.resource().utf8()).toList());
        return new Batch(copy, block);
    }

    /** Computes (and so keeps in the String) its hash; never optimised away, as it stores into the String. */
    private static void hash(String s) {
        if (s != null) {
            s.hashCode();
        }
    }

    private final Cache cache;
    private final RawStore raws = new RawStore();
    private final AtomicLong nextPk = new AtomicLong();
    private final AuditWriter writer = new AuditWriter(raws, nextPk);

    AuditStore(Cache cache) {
        this.cache = cache;
    }

    void init() {
        try (Connection c = cache.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(pk), 0) FROM audit_event")) {
            rs.next();
            nextPk.set(rs.getLong(1) + 1);
            raws.init(c);
        } catch (SQLException e) {
            throw new CacheException("Cannot read the cache: " + e.getMessage(), e);
        }
    }

    /** Inserts new events, replaces changed ones and leaves identical ones alone, in one transaction. */
    public UpsertCounts upsert(int originId, List<Item> items) {
        if (items.isEmpty()) {
            return UpsertCounts.NONE;
        }
        return cache.inTransaction("Writing AuditEvents to the cache", c -> writer.upsert(c, originId, items, null));
    }

    /** {@link #upsert(int, List)} of a batch made by {@link #batch}. */
    public UpsertCounts upsert(int originId, Batch batch) {
        if (batch.items.isEmpty()) {
            return UpsertCounts.NONE;
        }
        return cache.inTransaction("Writing AuditEvents to the cache",
                c -> writer.upsert(c, originId, batch.items, batch.block));
    }

    /** {@link #upsert} within the caller's transaction. */
    UpsertCounts upsert(Connection c, int originId, List<Item> items) throws SQLException {
        return items.isEmpty() ? UpsertCounts.NONE : writer.upsert(c, originId, items, null);
    }

    boolean deleteById(Connection c, String resId, String deletedVersion, long deletedAt) throws SQLException {
        return writer.deleteById(c, resId, deletedVersion, deletedAt);
    }

    /**
     * Removes this origin's events recorded before {@code before} (a server profile's cache window), a thousand per
     * transaction; returns how many.
     */
    public long pruneBefore(int originId, long before) {
        long total = 0;
        while (true) {
            int n = cache.inTransaction("Removing events outside the cache window",
                    c -> writer.pruneBefore(c, originId, before, 1000));
            total += n;
            if (n < 1000) {
                return total;
            }
        }
    }

    /** The filter as SQL; an agent filter first looks up its terms' bits (see {@link AgentIndex}). */
    private AuditSql sql(AuditFilter filter) {
        String agent = filter.normalized().agent();
        if (agent == null) {
            return new AuditSql(filter);
        }
        try (Connection c = cache.connection()) {
            return new AuditSql(filter, AgentIndex.mask(c, AuditExtractor.key(agent)));
        } catch (SQLException e) {
            throw new CacheException("Searching the cache failed: " + e.getMessage(), e);
        }
    }

    static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    /** The first {@code limit} events after {@code after} (null: from the start), newest first unless ascending. */
    public List<AuditSummary> page(AuditFilter filter, Keyset after, boolean ascending, int limit) {
        AuditSql q = sql(filter);
        q.keyset(after, ascending);
        String sql = "SELECT " + SUMMARY_COLS + " FROM audit_event e" + q.where + AuditSql.order(ascending)
                + " LIMIT ?";
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = q.bind(ps);
            ps.setInt(i, limit);
            List<AuditSummary> rows = new ArrayList<>(Math.min(limit, 1000));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(summary(rs));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new CacheException("Searching the cache failed: " + e.getMessage(), e);
        }
    }

    /**
     * The primary keys of up to {@code limit} matching events after {@code after}, in order; each is passed to
     * {@code pkSink}. Returns the keyset to continue from, or empty when the result is exhausted.
     */
    public Optional<Keyset> keys(AuditFilter filter, Keyset after, boolean ascending, int limit, LongConsumer pkSink) {
        AuditSql q = sql(filter);
        q.keyset(after, ascending);
        String sql = "SELECT e.recorded, e.pk FROM audit_event e" + q.where + AuditSql.order(ascending) + " LIMIT ?";
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = q.bind(ps);
            ps.setInt(i, limit);
            int n = 0;
            long recorded = 0;
            long pk = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    recorded = rs.getLong(1);
                    pk = rs.getLong(2);
                    pkSink.accept(pk);
                    n++;
                }
            }
            return n < limit ? Optional.empty() : Optional.of(new Keyset(recorded, pk));
        } catch (SQLException e) {
            throw new CacheException("Searching the cache failed: " + e.getMessage(), e);
        }
    }

    /**
     * True when the (recorded) index cannot narrow this filter: then walking that index visits rows in random
     * order, and {@link #sortedKeys} (a scan in storage order, sorted here) is several times faster.
     */
    public static boolean scansBetterUnordered(AuditFilter f) {
        AuditFilter n = f.normalized();
        boolean indexed = n.patient() != null || n.purpose() != null;
        boolean onlyTime = n.withFrom(null).withTo(null).isEmpty();
        return !indexed && !onlyTime;
    }

    /**
     * Every matching primary key in display order: read in storage order in chunks (checking {@code cancelled}
     * between them), then sorted by (recorded, pk). Returns null when cancelled.
     */
    public long[] sortedKeys(AuditFilter filter, boolean ascending, java.util.function.BooleanSupplier cancelled) {
        AuditSql q = sql(filter);
        String sql = "SELECT e.recorded, e.pk FROM audit_event e" + q.where + " AND e.pk > ? ORDER BY e.pk LIMIT ?";
        long[] recorded = new long[1024];
        long[] pks = new long[1024];
        int n = 0;
        long after = 0;
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            while (true) {
                if (cancelled.getAsBoolean()) {
                    return null;
                }
                int i = q.bind(ps);
                ps.setLong(i++, after);
                ps.setInt(i, 100_000);
                int got = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (n == pks.length) {
                            recorded = Arrays.copyOf(recorded, n * 2);
                            pks = Arrays.copyOf(pks, n * 2);
                        }
                        recorded[n] = rs.getLong(1);
                        pks[n] = rs.getLong(2);
                        after = pks[n];
                        n++;
                        got++;
                    }
                }
                if (got < 100_000) {
                    break;
                }
            }
        } catch (SQLException e) {
            throw new CacheException("Searching the cache failed: " + e.getMessage(), e);
        }
        long[] r = recorded;
        long[] p = pks;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Comparator<Integer> byKey = (a, b) -> r[a] != r[b] ? Long.compare(r[a], r[b]) : Long.compare(p[a], p[b]);
        Arrays.sort(order, ascending ? byKey : byKey.reversed());
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = p[order[i]];
        }
        return out;
    }

    /** The rows with these primary keys, in the order given (missing ones are left out). */
    public List<AuditSummary> byPks(long[] pks) {
        if (pks.length == 0) {
            return List.of();
        }
        Object[] boxed = Arrays.stream(pks).boxed().toArray();
        Map<Long, AuditSummary> byPk = new HashMap<>();
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT " + SUMMARY_COLS + " FROM audit_event e WHERE e.pk = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("BIGINT", boxed));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    AuditSummary s = summary(rs);
                    byPk.put(s.pk(), s);
                }
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
        List<AuditSummary> out = new ArrayList<>(pks.length);
        for (long pk : pks) {
            AuditSummary s = byPk.get(pk);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** How many events match, counting at most {@code cap} (returns cap when there are at least that many). */
    public long count(AuditFilter filter, long cap) {
        AuditSql q = sql(filter);
        String sql = "SELECT COUNT(*) FROM (SELECT 1 FROM audit_event e" + q.where + " LIMIT ?) x";
        if (filter.isEmpty()) {
            sql = "SELECT LEAST(COUNT(*), ?) FROM audit_event e";
        }
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = filter.isEmpty() ? 1 : q.bind(ps);
            ps.setLong(i, cap);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new CacheException("Counting in the cache failed: " + e.getMessage(), e);
        }
    }

    /** The stored resource text (compact JSON). */
    public Optional<String> raw(long pk) {
        try (Connection c = cache.connection()) {
            return raws.textOf(c, "e.pk = ?", pk);
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }

    /** Where a cached event came from: "file: /path" or "server: URL", its versionId and lastUpdated (or nulls). */
    public record Origin(String from, String versionId, Long lastUpdated) {
    }

    public Optional<Origin> originOf(long pk) {
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT o.kind || ': ' || o.label, e.version_id, e.last_updated FROM audit_event e "
                        + "JOIN origin o ON o.id = e.origin_id WHERE e.pk = ?")) {
            ps.setLong(1, pk);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Origin(rs.getString(1), rs.getString(2),
                        (Long) rs.getObject(3, Long.class))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }

    /** The stored text of the AuditEvent with this id. */
    public Optional<String> rawById(String id) {
        try (Connection c = cache.connection()) {
            return raws.textOf(c, "e.res_id = ?", id);
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }

    /** Every stored AuditEvent's text, in the order they were stored (each block is read once). */
    public void forEachRaw(Consumer<String> sink) {
        long after = 0;
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT pk, raw_block, raw_slot FROM audit_event WHERE pk > ? ORDER BY pk LIMIT 1000")) {
            while (true) {
                ps.setLong(1, after);
                int n = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        after = rs.getLong(1);
                        sink.accept(raws.read(c, rs.getLong(2), rs.getInt(3)));
                        n++;
                    }
                }
                if (n < 1000) {
                    return;
                }
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }

    private static AuditSummary summary(ResultSet rs) throws SQLException {
        String site = rs.getString(11);
        String observer = rs.getString(12);
        String source = site == null ? observer : observer == null || observer.equals(site) ? site
                : site + " · " + observer;
        String purposes = rs.getString(13);
        return new AuditSummary(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), source,
                purposes == null ? "" : String.join(", ", java.util.Arrays.stream(purposes.split("\\|"))
                        .filter(x -> !x.isEmpty()).toList()));
    }
}
