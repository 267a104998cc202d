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

/**
 * What the suspicious-access rules read and write (V10): the events that arrived since the rules last read
 * ({@link #arrivals}), and in one transaction per batch the alerts they raised, what the window rules read later
 * ({@code alert_access}) and how far they have read ({@link #record}). Recording is idempotent: an event evaluated
 * twice (a recheck, a restart after a kill between batches) leaves the same alerts. The rules themselves live
 * outside the cache (org.custos.rules); this class only stores their findings.
 */
public final class AlertStore {
    private final Cache cache;
    private final RawStore raws;
    /** One evaluation at a time (an import's and the app's would read the same arrivals). */
    private final java.util.concurrent.locks.ReentrantLock evaluating = new java.util.concurrent.locks.ReentrantLock();

    AlertStore(Cache cache, RawStore raws) {
        this.cache = cache;
        this.raws = raws;
    }

    /** A current AuditEvent version to evaluate: its row key, origin, id, recorded (ms), state bits, text (UTF-8). */
    public record Arrival(long pk, int originId, String resId, long recorded, int state, byte[] raw) {
    }

    /**
     * The next events to evaluate: current versions stored after {@code doneTo} (at most {@code limit}), and the
     * events whose state changed since they were evaluated. {@code doneTo} is what {@link #record} moves the
     * progress to.
     */
    public record Arrivals(List<Arrival> events, long doneTo, List<Long> rechecked) {
        public boolean isEmpty() {
            return events.isEmpty() && rechecked.isEmpty();
        }
    }

    /**
     * One finding of a rule about one event. Hits of one identity (rule, origin, user, patient, bucket) are one alert.
     *
     * @param at the event's recorded time (ms)
     */
    public record Hit(String rule, int originId, String user, String patient, String bucket, long at, long eventPk,
                      String detail) {
    }

    /** What the window rules read of an evaluated event: one per user and patient ('' for none). */
    public record Access(int originId, String user, String patient, long recorded, long eventPk, boolean failed) {
    }

    /** A span of one user's accesses a window rule found: its events and what it says about them. */
    public record Episode(long first, long last, List<Long> eventPks, String detail) {
    }

    /**
     * A rule over time windows: which of one user's accesses it reads, how far apart two accesses of one finding can
     * be, and the findings in a run of the user's accesses (sorted by time, then event).
     */
    public interface WindowRule {
        String name();

        long span();

        boolean reads(Access a);

        List<Episode> episodes(List<Access> sorted);
    }

    /** Runs {@code work} while no other evaluation runs (it waits for the one under way). */
    public <T> T exclusively(java.util.function.Supplier<T> work) {
        evaluating.lock();
        try {
            return work.get();
        } finally {
            evaluating.unlock();
        }
    }

    /** How far the rules have read (an audit_event key). */
    public long doneTo() {
        try (Connection c = cache.connection()) {
            return doneTo(c);
        } catch (SQLException e) {
            throw new CacheException("Reading the alerts' progress failed: " + e.getMessage(), e);
        }
    }

    static long doneTo(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT done_to FROM alert_progress");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * Makes the rules read every stored event again (the alerts found stay; judging is idempotent): after the rules
     * themselves changed, or to test that an evaluation goes on where it stopped.
     */
    public void judgeAllAgain() {
        cache.inTransaction("Resetting the alerts' progress", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE alert_progress SET done_to = 0")) {
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The highest audit_event key: how far there is to read. */
    public long newest() {
        try (Connection c = cache.connection();
             PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(pk), 0) FROM audit_event");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }

    /** See {@link Arrivals}. */
    public Arrivals arrivals(int limit) {
        try (Connection c = cache.connection()) {
            long after = doneTo(c);
            Arrivals fresh = stored(c, after, Long.MAX_VALUE, limit);
            List<Arrival> out = new ArrayList<>(fresh.events());
            List<Long> rechecked = new ArrayList<>();
            List<Arrival> again = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT r.event_pk, e.origin_id, e.res_id, e.recorded, "
                    + "e.state, e.raw_block, e.raw_slot FROM alert_recheck r LEFT JOIN audit_event e ON e.pk = "
                    + "r.event_pk ORDER BY r.event_pk LIMIT ?")) {
                ps.setInt(1, limit);
                List<long[]> where = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rechecked.add(rs.getLong(1));
                        if (rs.getString(3) != null && rs.getLong(1) <= after
                                && (rs.getInt(5) & State.SUPERSEDED) == 0) {
                            again.add(new Arrival(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getLong(4),
                                    rs.getInt(5), null));
                            where.add(new long[]{rs.getLong(6), rs.getInt(7)});
                        }
                    }
                }
                out.addAll(withTexts(c, again, where));
            }
            return new Arrivals(List.copyOf(out), fresh.doneTo(), List.copyOf(rechecked));
        } catch (SQLException e) {
            throw new CacheException("Reading the new events failed: " + e.getMessage(), e);
        }
    }

    /**
     * The current versions stored with a key in ({@code after}, {@code upTo}], at most {@code limit} keys read, for
     * evaluating stored events again (a rule's settings changed); {@code doneTo} is the last key read.
     */
    public Arrivals stored(long after, long upTo, int limit) {
        try (Connection c = cache.connection()) {
            return stored(c, after, upTo, limit);
        } catch (SQLException e) {
            throw new CacheException("Reading the events failed: " + e.getMessage(), e);
        }
    }

    private Arrivals stored(Connection c, long after, long upTo, int limit) throws SQLException {
        List<Arrival> out = new ArrayList<>();
        List<long[]> where = new ArrayList<>();
        long last = after;
        try (PreparedStatement ps = c.prepareStatement("SELECT pk, origin_id, res_id, recorded, state, raw_block, "
                + "raw_slot FROM audit_event WHERE pk > ? AND pk <= ? ORDER BY pk LIMIT ?")) {
            ps.setLong(1, after);
            ps.setLong(2, upTo);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    last = rs.getLong(1);
                    if ((rs.getInt(5) & State.SUPERSEDED) != 0) {
                        continue; // an earlier version: its newer one is (or was) current and is read
                    }
                    out.add(new Arrival(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getLong(4), rs.getInt(5),
                            null));
                    where.add(new long[]{rs.getLong(6), rs.getInt(7)});
                }
            }
        }
        return new Arrivals(withTexts(c, out, where), last, List.of());
    }

    /**
     * A purged origin takes what the rules and the review derived from its events with it: its alerts (with their
     * notes and links), the accesses the window rules read, and its events' places in cases and rechecks. Cases and
     * their own notes stay (the investigator's record). Run after the origin's events are gone.
     */
    static void removeOrigin(Connection c, int originId) throws SQLException {
        for (String sql : List.of(
                "DELETE FROM review_note WHERE alert_id IN (SELECT id FROM alert WHERE origin_id = ?)",
                "DELETE FROM alert_event WHERE alert_id IN (SELECT id FROM alert WHERE origin_id = ?)",
                "DELETE FROM alert WHERE origin_id = ?",
                "DELETE FROM alert_access WHERE origin_id = ?")) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setInt(1, originId);
                ps.executeUpdate();
            }
        }
        for (String sql : List.of(
                "DELETE FROM review_case_event r WHERE NOT EXISTS (SELECT 1 FROM audit_event e WHERE e.pk = r.event_pk)",
                "DELETE FROM alert_recheck r WHERE NOT EXISTS (SELECT 1 FROM audit_event e WHERE e.pk = r.event_pk)")) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.executeUpdate();
            }
        }
    }

    /** The arrivals with their texts, each block read once. */
    private List<Arrival> withTexts(Connection c, List<Arrival> in, List<long[]> where) throws SQLException {
        Map<Long, byte[][]> blocks = new HashMap<>();
        List<Arrival> out = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            long block = where.get(i)[0];
            byte[][] texts = blocks.get(block);
            if (texts == null) {
                texts = raws.blockBytes(c, block);
                blocks.clear();
                blocks.put(block, texts);
            }
            int slot = (int) where.get(i)[1];
            Arrival a = in.get(i);
            out.add(new Arrival(a.pk(), a.originId(), a.resId(), a.recorded(), a.state(),
                    slot < texts.length ? texts[slot] : new byte[0]));
        }
        return out;
    }

    /**
     * Stores in one transaction what the rules found in {@code read}: the hits, the accesses (replacing those of the
     * same events, and of earlier versions of a changed event), the window rules' findings around them, and the
     * progress. Alerts only grow: an event never leaves an alert it was found in.
     */
    public void record(Arrivals read, List<Hit> hits, List<Access> accesses, List<WindowRule> windows, long now) {
        cache.inTransaction("Recording alerts", c -> {
            AlertWrites w = new AlertWrites(c, now);
            w.replaceAccesses(read.events(), accesses);
            w.hits(hits);
            for (WindowRule rule : windows) {
                w.windows(rule, accesses.stream().filter(rule::reads).toList());
            }
            if (read.doneTo() > doneTo(c)) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE alert_progress SET done_to = ?")) {
                    ps.setLong(1, read.doneTo());
                    ps.executeUpdate();
                }
            }
            if (!read.rechecked().isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM alert_recheck WHERE event_pk = ?")) {
                    for (long pk : read.rechecked()) {
                        ps.setLong(1, pk);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            return null;
        });
    }

    /** Stores hits found outside the arrival order (a patient just added to the VIP list). */
    public void recordHits(List<Hit> hits, long now) {
        cache.inTransaction("Recording alerts", c -> {
            new AlertWrites(c, now).hits(hits);
            return null;
        });
    }

    /**
     * Recomputes a window rule over every stored access (its settings changed), user by user; stops between users
     * when {@code cancelled} says so. Returns how many users were read.
     */
    public int rebuildWindows(WindowRule rule, long now, BooleanSupplier cancelled) {
        List<Object[]> users = new ArrayList<>();
        try (Connection c = cache.connection();
             PreparedStatement ps = c.prepareStatement("SELECT DISTINCT origin_id, user_key FROM alert_access");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                users.add(new Object[]{rs.getInt(1), rs.getString(2)});
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the accesses failed: " + e.getMessage(), e);
        }
        int n = 0;
        for (Object[] u : users) {
            if (cancelled.getAsBoolean()) {
                break;
            }
            cache.inTransaction("Recording alerts", c -> {
                new AlertWrites(c, now).wholeUser(rule, (Integer) u[0], (String) u[1]);
                return null;
            });
            n++;
        }
        return n;
    }

    /**
     * Removes the alerts of a rule (of one patient when {@code patient} is not null) that nobody has looked at yet:
     * status new, no assignee, no note, in no case. Reviewed alerts stay as they are. Returns how many went.
     */
    public int dropUnreviewed(String rule, String patient) {
        return cache.durably("Removing alerts", c -> dropUnreviewed(c, rule, patient));
    }

    static int dropUnreviewed(Connection c, String rule, String patient) throws SQLException {
        // (a note Custos wrote itself, on a merge or on events that joined, is no review)
        String where = "rule = ? AND status = 'new' AND assignee IS NULL AND case_id IS NULL AND NOT EXISTS "
                + "(SELECT 1 FROM review_note n WHERE n.alert_id = alert.id AND n.kind IN ('note', 'status', "
                + "'assignee', 'case'))" + (patient == null ? "" : " AND LOWER(patient) = ?");
        try (PreparedStatement ev = c.prepareStatement("DELETE FROM alert_event WHERE alert_id IN (SELECT id FROM "
                + "alert WHERE " + where + ")");
             PreparedStatement al = c.prepareStatement("DELETE FROM alert WHERE " + where)) {
            for (PreparedStatement ps : List.of(ev, al)) {
                ps.setString(1, rule);
                if (patient != null) {
                    ps.setString(2, RuleStore.vipKey(patient));
                }
            }
            ev.executeUpdate();
            return al.executeUpdate();
        }
    }
}
