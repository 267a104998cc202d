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
            + "e.action, e.outcome, e.agents, e.patients, e.entities, e.source_site, e.source_observer, e.purpose_codes, "
            + "e.origin_id, e.state";

    /** One AuditEvent ready for the cache; its content hash is computed where it is made (the parsing thread). */
    public record Item(IncomingResource resource, AuditEventRow row, long hash) {
        public Item(IncomingResource resource, AuditEventRow row) {
            this(resource, row, resource.contentHash());
        }
    }

    /**
     * AuditEvents to store with their texts already packed into one raw block and each one's stored values and
     * fingerprint made ({@link #batch}): that work is then done on the thread that makes the batch (an import's
     * parsing thread), not on the one writing to the cache.
     */
    public static final class Batch {
        private final int originId;
        private final List<Item> items;
        private final byte[] block;
        private final Object[][] values;
        private final byte[][] leaves;

        private Batch(int originId, List<Item> items, byte[] block, Object[][] values, byte[][] leaves) {
            this.originId = originId;
            this.items = items;
            this.block = block;
            this.values = values;
            this.leaves = leaves;
        }

        public List<Item> items() {
            return items;
        }
    }

    /**
     * Packs the items' texts for {@link #upsert(int, Batch)}, makes their stored values and fingerprints for this
     * origin, and computes the hash of every string the writer will bind or look up (a String keeps it): H2 hashes
     * each bound VARCHAR for its value cache, and the writer keys its maps by id and agent term, so that work moves
     * off the writing thread too.
     */
    public static Batch batch(int originId, List<Item> items) {
        List<Item> copy = List.copyOf(items);
        Object[][] values = new Object[copy.size()][];
        byte[][] leaves = new byte[copy.size()][];
        Leaf leaf = new Leaf();
        for (int n = 0; n < copy.size(); n++) {
            Item i = copy.get(n);
            values[n] = StoredRows.audit(originId, i);
            leaves[n] = StoredRows.auditLeaf(leaf, values[n], i.resource().utf8());
            for (Object v : values[n]) {
                if (v instanceof String str) {
                    str.hashCode();
                }
            }
            AuditEventRow r = i.row();
            r.patientKeys().forEach(AuditStore::hash);
            r.purposeKeys().forEach(AuditStore::hash);
            r.agentTerms().forEach(AuditStore::hash);
        }
        byte[] block = copy.isEmpty() ? null : RawBlocks.packUtf8(copy.stream().map(i -> i.resource().utf8()).toList());
        return new Batch(originId, copy, block, values, leaves);
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
    private final FactsIds factsIds;
    private final AccessDays accessDays;
    private final AuditWriter writer;
    private final AuditHistory versions;

    AuditStore(Cache cache) {
        this.cache = cache;
        this.factsIds = new FactsIds(cache::connection);
        this.accessDays = new AccessDays(cache);
        this.writer = new AuditWriter(raws, nextPk, factsIds, accessDays);
        this.versions = new AuditHistory(cache, raws);
    }

    /** The kept versions of the events (every version of one, the origins that hold an id). */
    public AuditHistory versions() {
        return versions;
    }

    RawStore raws() {
        return raws;
    }

    FactsIds factsIds() {
        return factsIds;
    }

    AccessDays accessDays() {
        return accessDays;
    }

    void init() {
        try (Connection c = cache.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(pk), 0) FROM audit_event")) {
            rs.next();
            // a key is never given twice, also after a purge removed the newest rows: the ledger knows them all
            nextPk.set(Math.max(rs.getLong(1), Ledger.highestStored(c, Ledger.AUDIT)) + 1);
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
        boolean mine = batch.originId == originId;
        return cache.inTransaction("Writing AuditEvents to the cache", c -> writer.upsert(c, originId, batch.items,
                batch.block, mine ? batch.values : null, mine ? batch.leaves : null));
    }

    /** {@link #upsert} within the caller's transaction. */
    UpsertCounts upsert(Connection c, int originId, List<Item> items) throws SQLException {
        return items.isEmpty() ? UpsertCounts.NONE : writer.upsert(c, originId, items, null);
    }

    /** Flags an event its origin deleted (it stays, with every version); true if it was flagged now. */
    boolean markDeleted(Connection c, int originId, String resId, String deletedVersion, long deletedAt)
            throws SQLException {
        return writer.markDeleted(c, originId, resId, deletedVersion, deletedAt);
    }

    /** Removes up to {@code limit} of this origin's kept versions, with their keys and texts; returns how many. */
    int purgeBatch(Connection c, int originId, int limit) throws SQLException {
        return writer.purge(c, originId, limit);
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
        AuditFilter f = filter.normalized();
        Integer originId = f.origin() == null ? null
                : cache.origins().find(f.origin()).map(Origins.Origin::id).orElse(-1);
        // Custos's own trail is left out unless asked for (or its origin named): a literal, no parameter
        Integer own = f.own() || f.origin() != null ? null : cache.origins().selfId().orElse(null);
        if (f.agent() == null) {
            return new AuditSql(f, AgentIndex.ALL, originId, own);
        }
        try (Connection c = cache.connection()) {
            return new AuditSql(f, AgentIndex.mask(c, AuditExtractor.key(f.agent())), originId, own);
        } catch (SQLException e) {
            throw new CacheException("Searching the cache failed: " + e.getMessage(), e);
        }
    }

    static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    /** The names of every origin in the cache (for an origin filter). */
    public List<String> originNames() {
        return cache.origins().all().stream().map(Origins.Origin::name).toList();
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
                    rows.add(summary(rs, cache.origins()));
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
                    AuditSummary s = summary(rs, cache.origins());
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
            sql = "SELECT LEAST(COUNT(*), ?) FROM audit_event e" + q.where;
        }
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (filter.isEmpty()) {
                ps.setLong(1, cap); // the WHERE of no filter has no parameters
            } else {
                ps.setLong(q.bind(ps), cap);
            }
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

    /**
     * One kept version of an event: its row's pk, versionId and lastUpdated (or nulls), {@link State} bits and text.
     * {@code origin} is the name of the origin it came from.
     */
    public record Version(long pk, String origin, String id, String versionId, Long lastUpdated, int state,
                          String raw) {
        public boolean current() {
            return (state & State.SUPERSEDED) == 0;
        }
    }

    /** The current text of the AuditEvent with this id (from the first origin that holds it). */
    public Optional<String> rawById(String id) {
        try (Connection c = cache.connection()) {
            return raws.textOf(c, "e.res_id = ? AND BITAND(e.state, 1) = 0 ORDER BY e.origin_id", id);
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }

    /** The current text of the AuditEvent with this id in one origin. */
    public Optional<String> rawById(int originId, String id) {
        try (Connection c = cache.connection()) {
            return raws.textOf(c, "e.res_id = ? AND e.origin_id = ? AND BITAND(e.state, 1) = 0", id, originId);
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }

    /** The current version's text of every stored AuditEvent, in the order they were stored. */
    public void forEachRaw(Consumer<String> sink) {
        forEachRaw(true, sink);
    }

    /** {@link #forEachRaw(Consumer)}; Custos's own trail only when {@code own}. */
    public void forEachRaw(boolean own, Consumer<String> sink) {
        int leftOut = own ? -1 : cache.origins().selfId().orElse(-1);
        long after = 0;
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT pk, raw_block, raw_slot, state FROM audit_event WHERE pk > ? AND origin_id <> " + leftOut
                        + " ORDER BY pk LIMIT 1000")) {
            while (true) {
                ps.setLong(1, after);
                int n = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        after = rs.getLong(1);
                        if ((rs.getInt(4) & State.SUPERSEDED) == 0) {
                            sink.accept(raws.read(c, rs.getLong(2), rs.getInt(3)));
                        }
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

    private static AuditSummary summary(ResultSet rs, Origins origins) throws SQLException {
        String site = rs.getString(11);
        String observer = rs.getString(12);
        String source = site == null ? observer : observer == null || observer.equals(site) ? site
                : site + " · " + observer;
        String purposes = rs.getString(13);
        return new AuditSummary(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), source,
                purposes == null ? "" : String.join(", ", java.util.Arrays.stream(purposes.split("\\|"))
                        .filter(x -> !x.isEmpty()).toList()), origins.nameOf(rs.getInt(14)), rs.getInt(15));
    }
}
