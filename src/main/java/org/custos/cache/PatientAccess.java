package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The current AuditEvents that touched one patient's data, read from the access index (V8) rather than from their
 * text: first {@link #groups} (the distinct facts, per origin and per stretch of time, counted inside the database),
 * then {@link #forEach} lists the events of the groups asked for. Same events as {@link PatientEvents}: current
 * versions whose patient index names the patient, events their origin deleted included.
 */
public final class PatientAccess {
    private static final int PAGE = 2000;

    /**
     * The events of one patient with the same facts, origin and stretch of time: {@code segment} i is
     * [breaks[i-1], breaks[i]) (0: before breaks[0]; breaks.length: from the last break on). {@code at}: an instant
     * within that stretch and the period asked for (the start of a whole day, or an event's time).
     */
    public record Group(int factsId, AuditFacts facts, int originId, int segment, long at, long count) {
    }

    /** One listed event. */
    public record Event(long pk, int originId, String id, long recorded, int factsId) {
    }

    /**
     * A patient with fewer index rows than this is grouped straight from its rows (a few milliseconds); only one
     * with at least this many gets day counts, which every later write of its events keeps up (a MERGE per event:
     * counting every patient would cost imports a third of their speed).
     */
    public static final int COUNT_FROM = 20_000;

    private final Cache cache;
    private final int countFrom;

    PatientAccess(Cache cache) {
        this(cache, COUNT_FROM);
    }

    private PatientAccess(Cache cache, int countFrom) {
        this.cache = cache;
        this.countFrom = countFrom;
    }

    /**
     * Builds the day counts of the large patients written since the last call (see {@link #COUNT_FROM}), so that
     * their first check finds them: an import or a sync calls it when done. Returns how many patients were counted.
     */
    public int prepare() {
        return cache.audit().accessDays().prepare(countFrom);
    }

    /** The same, with day counts for patients of at least {@code rows} index rows (0: every patient; tests). */
    public PatientAccess countingFrom(int rows) {
        return new PatientAccess(cache, rows);
    }

    /**
     * The groups of {@code patient}'s events recorded within [{@code from}, {@code to}] (epoch ms, inclusive), of
     * {@code originId} when not null, split at {@code breaks} (ascending epoch ms). Whole UTC days are taken from the
     * day counts (built for the patient the first time it is asked for: a write transaction that reads all its
     * rows once); the days a break or an end of the period falls within are counted from the events.
     */
    public List<Group> groups(String patient, Integer originId, long from, long to, long[] breaks) {
        java.util.TreeSet<Long> exact = new java.util.TreeSet<>();
        for (long b : breaks) {
            if (Math.floorMod(b, AccessIndex.DAY_MS) != 0) {
                exact.add(AccessIndex.day(b));
            }
        }
        if (from != Long.MIN_VALUE && Math.floorMod(from, AccessIndex.DAY_MS) != 0) {
            exact.add(AccessIndex.day(from));
        }
        if (to != Long.MAX_VALUE && Math.floorMod(to, AccessIndex.DAY_MS) != AccessIndex.DAY_MS - 1) {
            exact.add(AccessIndex.day(to));
        }
        String k = key(patient);
        Map<List<Integer>, long[]> groups = new java.util.LinkedHashMap<>();
        Map<Long, java.util.Set<Integer>> exactFacts = new java.util.TreeMap<>();
        try (Connection c = cache.connection()) {
            AccessDays days = cache.audit().accessDays();
            if (!days.counted(k) && fewerRowsThan(c, k, countFrom)) {
                rowGroups(c, k, originId, from, to, breaks, groups);
                return withFacts(c, withoutOwn(groups, originId));
            }
            days.ensure(k);
            try (PreparedStatement ps = c.prepareStatement("SELECT epoch_day, facts_id, origin_id, n FROM audit_access_day "
                    + "WHERE k = ? AND epoch_day BETWEEN ? AND ?" + (originId == null ? "" : " AND origin_id = ?"))) {
                ps.setString(1, k);
                ps.setLong(2, AccessIndex.day(from));
                ps.setLong(3, AccessIndex.day(to));
                if (originId != null) {
                    ps.setInt(4, originId);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long day = rs.getLong(1);
                        if (!exact.contains(day)) {
                            long at = day * AccessIndex.DAY_MS;
                            add(groups, rs.getInt(2), rs.getInt(3), segment(breaks, at), at, rs.getLong(4));
                        } else {
                            exactFacts.computeIfAbsent(day, d -> new java.util.TreeSet<>()).add(rs.getInt(2));
                        }
                    }
                }
            }
            for (Map.Entry<Long, java.util.Set<Integer>> e : exactFacts.entrySet()) {
                long day = e.getKey();
                long lo = Math.max(from, day * AccessIndex.DAY_MS);
                long hi = Math.min(to, day * AccessIndex.DAY_MS + AccessIndex.DAY_MS - 1);
                if (lo <= hi) {
                    exactGroups(c, k, e.getValue(), originId, lo, hi, breaks, groups);
                }
            }
            return withFacts(c, withoutOwn(groups, originId));
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }

    /** Custos's own trail is no access to judge (its looks at the patient), unless its origin is asked for. */
    private Map<List<Integer>, long[]> withoutOwn(Map<List<Integer>, long[]> groups, Integer originId) {
        if (originId == null) {
            cache.origins().selfId().ifPresent(self -> groups.keySet().removeIf(g -> g.get(1).equals(self)));
        }
        return groups;
    }

    private static boolean fewerRowsThan(Connection c, String k, int n) throws SQLException {
        return n > 0 && !AccessDays.atLeast(c, k, n);
    }

    /** The groups counted from the index rows of [from, to] (a patient without day counts). */
    private static void rowGroups(Connection c, String k, Integer originId, long from, long to, long[] breaks,
                                  Map<List<Integer>, long[]> groups) throws SQLException {
        String sql = "SELECT a.facts_id, a.origin_id, " + segmentSql(breaks) + " AS seg, MIN(a.recorded), COUNT(*) "
                + "FROM audit_access a WHERE a.k = ? AND a.recorded BETWEEN ? AND ?"
                + (originId == null ? "" : " AND a.origin_id = ?") + " GROUP BY a.facts_id, a.origin_id, seg";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, k, null, from, to, originId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    add(groups, rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getLong(4), rs.getLong(5));
                }
            }
        }
    }

    /** The groups with their facts read. */
    private static List<Group> withFacts(Connection c, Map<List<Integer>, long[]> groups) throws SQLException {
        Map<Integer, AuditFacts> facts = new HashMap<>();
        try (PreparedStatement f = c.prepareStatement("SELECT facts FROM audit_facts WHERE id = ?")) {
            for (List<Integer> g : groups.keySet()) {
                int id = g.get(0);
                if (!facts.containsKey(id)) {
                    f.setInt(1, id);
                    try (ResultSet rs = f.executeQuery()) {
                        if (!rs.next()) {
                            throw new CacheException("The access index names facts " + id + " that the cache "
                                    + "does not hold (run verify)");
                        }
                        facts.put(id, AuditFacts.decode(rs.getString(1)));
                    }
                }
            }
        }
        List<Group> out = new ArrayList<>(groups.size());
        groups.forEach((g, v) -> out.add(new Group(g.get(0), facts.get(g.get(0)), g.get(1), g.get(2), v[0], v[1])));
        return out;
    }

    /** The events of [lo, hi] with these facts, grouped by facts, origin and segment, counted from the index rows. */
    private static void exactGroups(Connection c, String k, java.util.Set<Integer> factsIds, Integer originId, long lo,
                                    long hi, long[] breaks, Map<List<Integer>, long[]> groups) throws SQLException {
        String sql = "SELECT a.origin_id, " + segmentSql(breaks) + " AS seg, MIN(a.recorded), COUNT(*) FROM audit_access a "
                + "WHERE a.k = ? AND a.facts_id = ? AND a.recorded BETWEEN ? AND ?"
                + (originId == null ? "" : " AND a.origin_id = ?") + " GROUP BY a.origin_id, seg";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int factsId : factsIds) {
                bind(ps, k, factsId, lo, hi, originId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        add(groups, factsId, rs.getInt(1), rs.getInt(2), rs.getLong(3), rs.getLong(4));
                    }
                }
            }
        }
    }

    /** Binds "k = ? [AND facts_id = ?] AND recorded BETWEEN ? AND ? [AND origin_id = ?]", in that order. */
    private static void bind(PreparedStatement ps, String k, Integer factsId, long lo, long hi, Integer originId)
            throws SQLException {
        int i = 1;
        ps.setString(i++, k);
        if (factsId != null) {
            ps.setInt(i++, factsId);
        }
        ps.setLong(i++, lo);
        ps.setLong(i++, hi);
        if (originId != null) {
            ps.setInt(i, originId);
        }
    }

    /** The segment of {@code a.recorded} (as {@link #segment}) in SQL. */
    private static String segmentSql(long[] breaks) {
        if (breaks.length == 0) {
            return "0";
        }
        StringBuilder segment = new StringBuilder("CASE");
        for (int i = 0; i < breaks.length; i++) {
            segment.append(" WHEN a.recorded < ").append(breaks[i]).append(" THEN ").append(i);
        }
        return segment.append(" ELSE ").append(breaks.length).append(" END").toString();
    }

    private static void add(Map<List<Integer>, long[]> groups, int factsId, int originId, int segment, long at,
                            long n) {
        long[] v = groups.computeIfAbsent(List.of(factsId, originId, segment), x -> new long[]{at, 0});
        v[0] = Math.min(v[0], at);
        v[1] += n;
    }

    /** The segment of {@link #groups} that {@code t} falls in: how many breaks are at or before it. */
    public static int segment(long[] breaks, long t) {
        int i = java.util.Arrays.binarySearch(breaks, t);
        return i >= 0 ? i + 1 : -i - 1;
    }

    /**
     * The events of a patient with some facts, found and ordered (by recorded, then as stored) but not yet read: what
     * {@link #list} finds and {@link #emit} gives.
     */
    public static final class Listing {
        private final long[] pks;
        private final long[] times;
        private final int[] facts;
        private final int[] origins;
        private final int[] order;

        private Listing(long[] pks, long[] times, int[] facts, int[] origins, int[] order) {
            this.pks = pks;
            this.times = times;
            this.facts = facts;
            this.origins = origins;
            this.order = order;
        }

        public int size() {
            return order.length;
        }
    }

    /**
     * The events of {@code patient} within [{@code from}, {@code to}] (of {@code originId} when not null) whose facts
     * are among {@code factsIds}: the index range of each facts, never the patient's other events.
     */
    public Listing list(String patient, Integer originId, long from, long to, Set<Integer> factsIds,
                        BooleanSupplier cancelled) {
        String k = key(patient);
        long[] pks = new long[16];
        long[] times = new long[16];
        int[] facts = new int[16];
        int[] origins = new int[16];
        int n = 0;
        try (Connection c = cache.connection();
             PreparedStatement ps = c.prepareStatement("SELECT a.event_pk, a.recorded, a.origin_id FROM audit_access a "
                     + "WHERE a.k = ? AND a.facts_id = ? AND a.recorded BETWEEN ? AND ?"
                     + (originId == null ? cache.origins().selfId().map(self -> " AND a.origin_id <> " + self)
                     .orElse("") : " AND a.origin_id = ?"))) {
            for (int f : factsIds) {
                if (cancelled.getAsBoolean()) {
                    break;
                }
                bind(ps, k, f, from, to, originId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (n == pks.length) {
                            pks = java.util.Arrays.copyOf(pks, n * 2);
                            times = java.util.Arrays.copyOf(times, n * 2);
                            facts = java.util.Arrays.copyOf(facts, n * 2);
                            origins = java.util.Arrays.copyOf(origins, n * 2);
                        }
                        pks[n] = rs.getLong(1);
                        times[n] = rs.getLong(2);
                        facts[n] = f;
                        origins[n] = rs.getInt(3);
                        n++;
                    }
                }
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
        long[] t = times;
        long[] p = pks;
        int[] order = java.util.stream.IntStream.range(0, n).boxed()
                .sorted((a, b) -> t[a] != t[b] ? Long.compare(t[a], t[b]) : Long.compare(p[a], p[b]))
                .mapToInt(Integer::intValue).toArray();
        return new Listing(pks, times, facts, origins, order);
    }

    /**
     * Each listed event with its id, oldest first. An event removed since {@link #list} (a purge or
     * the cache window, which need no lock for a reader) is given with a null id rather than left out.
     */
    public long emit(Listing l, BooleanSupplier cancelled, Consumer<Event> sink) {
        long given = 0;
        try (Connection c = cache.connection();
             PreparedStatement ids = c.prepareStatement("SELECT pk, res_id FROM audit_event WHERE pk = ANY(?)")) {
            for (int start = 0; start < l.order.length && !cancelled.getAsBoolean(); start += PAGE) {
                int end = Math.min(l.order.length, start + PAGE);
                Long[] page = new Long[end - start];
                for (int i = start; i < end; i++) {
                    page[i - start] = l.pks[l.order[i]];
                }
                Map<Long, String> resIds = new HashMap<>();
                ids.setObject(1, page);
                try (ResultSet rs = ids.executeQuery()) {
                    while (rs.next()) {
                        resIds.put(rs.getLong(1), rs.getString(2));
                    }
                }
                for (int i = start; i < end; i++) {
                    int x = l.order[i];
                    sink.accept(new Event(l.pks[x], l.origins[x], resIds.get(l.pks[x]), l.times[x], l.facts[x]));
                    given++;
                }
            }
            return given;
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code work} while no write can start: {@link #groups} and {@link #list} inside it see the same events
     * (the counts and the listing of one check agree although an import runs meanwhile; it waits that long).
     */
    public <T> T consistently(java.util.function.Supplier<T> work) {
        return cache.whileNoOneWrites(work);
    }

    private static String key(String patient) {
        return AuditStore.cut(AuditExtractor.key(ConsentStore.patientKey(patient)), 512);
    }
}
