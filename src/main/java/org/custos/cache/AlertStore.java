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

    private static long doneTo(Connection c) throws SQLException {
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

    /** One alert as listed: what the rule found, and where its review stands. */
    public record AlertRow(long id, String rule, int originId, String user, String patient, long first, long last,
                           int events, String detail, String status, String assignee, Long caseId) {
    }

    /**
     * The alerts of these rules (empty: all) overlapping [{@code from}, {@code to}] (ms, inclusive), of one origin when
     * {@code originId} is not null, oldest first, at most {@code limit}.
     */
    public List<AlertRow> list(Set<String> rules, long from, long to, Integer originId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT id, rule, origin_id, user_key, patient, first_at, last_at, events, "
                + "detail, status, assignee, case_id FROM alert WHERE first_at <= ? AND last_at >= ?");
        if (!rules.isEmpty()) {
            sql.append(" AND rule IN (").append(String.join(", ", rules.stream().map(r -> "?").toList())).append(")");
        }
        if (originId != null) {
            sql.append(" AND origin_id = ?");
        }
        sql.append(" ORDER BY first_at, id LIMIT ?");
        List<Object> args = new ArrayList<>(List.of(to, from));
        args.addAll(rules);
        if (originId != null) {
            args.add(originId);
        }
        args.add(limit);
        return rows(sql.toString(), args);
    }

    /** What the review queue shows: rules and statuses (empty: all), an assignee (null: anyone), an origin. */
    public record Queue(Set<String> rules, Set<String> statuses, String assignee, Integer originId) {
        public static final Queue ALL = new Queue(Set.of(), Set.of(), null, null);

        public Queue {
            rules = Set.copyOf(rules);
            statuses = Set.copyOf(statuses);
        }
    }

    /**
     * A page of the queue, newest first: the alerts after ({@code beforeFirst}, {@code beforeId}) in that order (null:
     * from the top), at most {@code limit}.
     */
    public List<AlertRow> queue(Queue q, Long beforeFirst, Long beforeId, int limit) {
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT id, rule, origin_id, user_key, patient, first_at, last_at, "
                + "events, detail, status, assignee, case_id FROM alert WHERE ").append(where(q, args));
        if (beforeFirst != null) {
            sql.append(" AND (first_at < ? OR (first_at = ? AND id < ?))");
            args.add(beforeFirst);
            args.add(beforeFirst);
            args.add(beforeId);
        }
        sql.append(" ORDER BY first_at DESC, id DESC LIMIT ").append(Math.max(1, limit));
        return rows(sql.toString(), args);
    }

    /** How many alerts the queue holds. */
    public long count(Queue q) {
        List<Object> args = new ArrayList<>();
        String sql = "SELECT COUNT(*) FROM alert WHERE " + where(q, args);
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new CacheException("Counting the alerts failed: " + e.getMessage(), e);
        }
    }

    /** One alert, or empty when there is none of that id (any more). */
    public java.util.Optional<AlertRow> get(long id) {
        return rows("SELECT id, rule, origin_id, user_key, patient, first_at, last_at, events, detail, status, "
                + "assignee, case_id FROM alert WHERE id = ?", List.of(id)).stream().findFirst();
    }

    /** The alerts of a case, oldest first. */
    public List<AlertRow> ofCase(long caseId) {
        return rows("SELECT id, rule, origin_id, user_key, patient, first_at, last_at, events, detail, status, "
                + "assignee, case_id FROM alert WHERE case_id = ? ORDER BY first_at, id", List.of(caseId));
    }

    private static String where(Queue q, List<Object> args) {
        StringBuilder w = new StringBuilder("1 = 1");
        if (!q.rules().isEmpty()) {
            w.append(" AND rule IN (").append(String.join(", ", q.rules().stream().map(r -> "?").toList())).append(")");
            args.addAll(q.rules());
        }
        if (!q.statuses().isEmpty()) {
            w.append(" AND status IN (").append(String.join(", ", q.statuses().stream().map(r -> "?").toList()))
                    .append(")");
            args.addAll(q.statuses());
        }
        if (q.assignee() != null) {
            w.append(" AND assignee = ?");
            args.add(q.assignee());
        }
        if (q.originId() != null) {
            w.append(" AND origin_id = ?");
            args.add(q.originId());
        }
        return w.toString();
    }

    private List<AlertRow> rows(String sql, List<Object> args) {
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<AlertRow> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AlertRow(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                            rs.getString(5), rs.getLong(6), rs.getLong(7), rs.getInt(8), rs.getString(9),
                            rs.getString(10), rs.getString(11), rs.getObject(12, Long.class)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new CacheException("Reading the alerts failed: " + e.getMessage(), e);
        }
    }

    /** The stored keys of an alert's events (every version that raised it), in order. */
    public List<Long> eventsOf(long alertId) {
        try (Connection c = cache.connection();
             PreparedStatement ps = c.prepareStatement("SELECT event_pk FROM alert_event WHERE alert_id = ? ORDER BY "
                     + "event_pk")) {
            ps.setLong(1, alertId);
            List<Long> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new CacheException("Reading the alerts failed: " + e.getMessage(), e);
        }
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

    /** Work a change started that a kill must not lose: {@code what} is "rule:NAME" or "vip:KEY". */
    public record Rejudge(String what, long doneTo, long upto) {
    }

    /**
     * Keeps new rule settings and, in the same transaction, removes the unreviewed alerts of the changed rules and
     * records that every event up to now must be judged again by them (see {@link #rejudges}): a kill half-way
     * through leaves the work to be finished, never alerts gone for good.
     */
    public void applySettings(Map<String, String> settings, Set<String> changedRules, long now) {
        cache.durably("Saving the rules' settings", c -> {
            long upto = doneTo(c);
            try (PreparedStatement ps = c.prepareStatement("MERGE INTO alert_rule (name, settings, changed) KEY (name) "
                    + "VALUES (?, ?, ?)")) {
                for (Map.Entry<String, String> e : settings.entrySet()) {
                    ps.setString(1, e.getKey());
                    ps.setString(2, e.getValue());
                    ps.setLong(3, now);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            for (String rule : changedRules) {
                dropUnreviewed(c, rule, null);
                rejudge(c, "rule:" + rule, upto);
            }
            return null;
        });
    }

    /** Puts a patient on the VIP list and records that its past access must be judged; false when it was on it. */
    public boolean addVip(String reference, String note, long now) {
        String ref = reference == null ? "" : reference.trim();
        if (ref.isEmpty() || ref.length() > 512) {
            throw new IllegalArgumentException("A VIP is a patient reference (Patient/id) or identifier of 1 to 512 "
                    + "characters.");
        }
        return cache.durably("Adding " + ref + " to the VIP list", c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM vip WHERE k = ?")) {
                q.setString(1, RuleStore.vipKey(ref));
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        return false;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO vip (k, reference, note, added) VALUES (?, ?, "
                    + "?, ?)")) {
                ps.setString(1, RuleStore.vipKey(ref));
                ps.setString(2, ref);
                ps.setString(3, note == null || note.isBlank() ? null : AuditStore.cut(note.trim(), 2000));
                ps.setLong(4, now);
                ps.executeUpdate();
            }
            rejudge(c, "vip:" + RuleStore.vipKey(ref), doneTo(c));
            return true;
        });
    }

    /** Takes a patient off the VIP list and, in the same transaction, its vip alerts nobody has reviewed. */
    public boolean removeVip(String reference) {
        String ref = reference == null ? "" : reference.trim();
        return cache.durably("Removing " + ref + " from the VIP list", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM vip WHERE k = ?")) {
                ps.setString(1, RuleStore.vipKey(ref));
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM alert_rejudge WHERE what = ?")) {
                ps.setString(1, "vip:" + RuleStore.vipKey(ref));
                ps.executeUpdate();
            }
            dropUnreviewed(c, "vip", ref);
            return true;
        });
    }

    private static void rejudge(Connection c, String what, long upto) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("MERGE INTO alert_rejudge (what, done_to, upto) KEY (what) "
                + "VALUES (?, 0, ?)")) {
            ps.setString(1, what);
            ps.setLong(2, upto);
            ps.executeUpdate();
        }
    }

    /** The judging a change started and that is not finished, oldest first. */
    public List<Rejudge> rejudges() {
        try (Connection c = cache.connection();
             PreparedStatement ps = c.prepareStatement("SELECT what, done_to, upto FROM alert_rejudge ORDER BY what");
             ResultSet rs = ps.executeQuery()) {
            List<Rejudge> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new Rejudge(rs.getString(1), rs.getLong(2), rs.getLong(3)));
            }
            return out;
        } catch (SQLException e) {
            throw new CacheException("Reading the alerts' progress failed: " + e.getMessage(), e);
        }
    }

    /** How far a re-judging got (null: it is finished and goes). */
    public void rejudged(String what, Long doneTo) {
        cache.inTransaction("Recording the alerts' progress", c -> {
            try (PreparedStatement ps = c.prepareStatement(doneTo == null ? "DELETE FROM alert_rejudge WHERE what = ?"
                    : "UPDATE alert_rejudge SET done_to = ? WHERE what = ?")) {
                if (doneTo == null) {
                    ps.setString(1, what);
                } else {
                    ps.setLong(1, doneTo);
                    ps.setString(2, what);
                }
                ps.executeUpdate();
            }
            return null;
        });
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

    private static int dropUnreviewed(Connection c, String rule, String patient) throws SQLException {
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
