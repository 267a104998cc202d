package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The alerts as the review queue, the command line and the reports read them (V10): by period, by queue filter in
 * pages, one by id, those of a case, and an alert's events. Reading only; the rules write them through
 * {@link AlertStore}, the review through {@link ReviewStore}.
 */
public final class AlertList {
    private final Cache cache;

    AlertList(Cache cache) {
        this.cache = cache;
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
}
