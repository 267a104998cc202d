package org.custos.cache;

import org.custos.cache.AlertStore.Access;
import org.custos.cache.AlertStore.Arrival;
import org.custos.cache.AlertStore.Episode;
import org.custos.cache.AlertStore.Hit;
import org.custos.cache.AlertStore.WindowRule;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The alert writes of one transaction (see {@link AlertStore}). */
final class AlertWrites {
    private final Connection c;
    private final long now;

    AlertWrites(Connection c, long now) {
        this.c = c;
        this.now = now;
    }

    /** Drops the accesses of the evaluated events (and of earlier versions of changed ones), adds the new. */
    void replaceAccesses(List<Arrival> events, List<Access> accesses) throws SQLException {
        try (PreparedStatement byPk = c.prepareStatement("DELETE FROM alert_access WHERE event_pk = ?");
             PreparedStatement older = c.prepareStatement("DELETE FROM alert_access WHERE event_pk IN (SELECT pk "
                     + "FROM audit_event USE INDEX (audit_event_res) WHERE res_id = ? AND origin_id = ? AND "
                     + "pk <> ?)")) {
            for (Arrival a : events) {
                byPk.setLong(1, a.pk());
                byPk.addBatch();
                if ((a.state() & State.CHANGED) != 0) {
                    older.setString(1, a.resId());
                    older.setInt(2, a.originId());
                    older.setLong(3, a.pk());
                    older.executeUpdate();
                }
            }
            byPk.executeBatch();
        }
        if (accesses.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_access (origin_id, user_key, recorded, "
                + "patient, event_pk, failed) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (Access a : accesses) {
                ps.setInt(1, a.originId());
                ps.setString(2, AuditStore.cut(a.user(), 512));
                ps.setLong(3, a.recorded());
                ps.setString(4, AuditStore.cut(a.patient(), 512));
                ps.setLong(5, a.eventPk());
                ps.setBoolean(6, a.failed());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Each identity's hits into its alert (made when new). */
    void hits(List<Hit> hits) throws SQLException {
        Map<List<Object>, List<Hit>> byAlert = new LinkedHashMap<>();
        for (Hit h : hits) {
            byAlert.computeIfAbsent(List.of(h.rule(), h.originId(), AuditStore.cut(h.user(), 512),
                    AuditStore.cut(h.patient(), 512), h.bucket()), k -> new ArrayList<>()).add(h);
        }
        for (Map.Entry<List<Object>, List<Hit>> e : byAlert.entrySet()) {
            List<Hit> hs = e.getValue();
            Hit first = hs.get(0);
            long lo = hs.stream().mapToLong(Hit::at).min().orElseThrow();
            long hi = hs.stream().mapToLong(Hit::at).max().orElseThrow();
            Set<String> details = new LinkedHashSet<>();
            hs.forEach(h -> details.add(h.detail()));
            long id = alertOf(first.rule(), first.originId(), (String) e.getKey().get(2),
                    (String) e.getKey().get(3), first.bucket(), lo, hi, details);
            link(id, hs.stream().map(Hit::eventPk).toList());
        }
    }

    /** The id of the alert of this identity, made or widened to [lo, hi] with these details. */
    private long alertOf(String rule, int originId, String user, String patient, String bucket, long lo, long hi,
                         Set<String> details) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT id, detail FROM alert WHERE rule = ? AND origin_id "
                + "= ? AND user_key = ? AND patient = ? AND bucket = ?")) {
            q.setString(1, rule);
            q.setInt(2, originId);
            q.setString(3, user);
            q.setString(4, patient);
            q.setString(5, bucket);
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    long id = rs.getLong(1);
                    widen(id, lo, hi, merged(rs.getString(2), details));
                    return id;
                }
            }
        }
        return insert(rule, originId, user, patient, bucket, lo, hi, merged("", details));
    }

    private long insert(String rule, int originId, String user, String patient, String bucket, long lo, long hi,
                        String detail) throws SQLException {
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO alert (rule, origin_id, user_key, patient, "
                + "bucket, first_at, last_at, events, detail, created, changed) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, "
                + "?, ?)", java.sql.Statement.RETURN_GENERATED_KEYS)) {
            ins.setString(1, rule);
            ins.setInt(2, originId);
            ins.setString(3, user);
            ins.setString(4, patient);
            ins.setString(5, AuditStore.cut(bucket, 128));
            ins.setLong(6, lo);
            ins.setLong(7, hi);
            ins.setString(8, detail);
            ins.setLong(9, now);
            ins.setLong(10, now);
            ins.executeUpdate();
            try (ResultSet keys = ins.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    private void widen(long id, long lo, long hi, String detail) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("UPDATE alert SET first_at = LEAST(first_at, ?), last_at = "
                + "GREATEST(last_at, ?), detail = ?, changed = ? WHERE id = ?")) {
            u.setLong(1, lo);
            u.setLong(2, hi);
            u.setString(3, detail);
            u.setLong(4, now);
            u.setLong(5, id);
            u.executeUpdate();
        }
    }

    /** The details joined, each once, the old ones first (cut to the column). */
    private static String merged(String old, Set<String> details) {
        StringBuilder b = new StringBuilder(old == null ? "" : old);
        for (String d : details) {
            if (d != null && !d.isBlank() && !(";" + b + ";").replace("; ", ";").contains(";" + d + ";")) {
                b.append(b.length() > 0 ? "; " : "").append(d);
            }
        }
        return AuditStore.cut(b.toString(), 2000);
    }

    /**
     * Adds the events to the alert (each once) and counts its distinct events again. Events that join an alert
     * someone has reviewed are said in its notes, and an explained or closed alert is open again (under review): a
     * decision covers the events it was made on.
     */
    private void link(long id, List<Long> eventPks) throws SQLException {
        int newEvents = 0;
        try (PreparedStatement m = c.prepareStatement("INSERT INTO alert_event (alert_id, event_pk) SELECT ?, ? WHERE "
                + "NOT EXISTS (SELECT 1 FROM alert_event WHERE alert_id = ? AND event_pk = ?)");
             // an event's versions are one event (an alert has one origin): a version whose event is linked already
             // adds nothing to the count. Found through the event's few versions, never the alert's many events
             PreparedStatement other = c.prepareStatement("SELECT COUNT(*) FROM audit_event v JOIN audit_event e ON "
                     + "e.res_id = v.res_id AND e.origin_id = v.origin_id AND e.pk <> v.pk WHERE v.pk = ? AND EXISTS "
                     + "(SELECT 1 FROM alert_event ae WHERE ae.alert_id = ? AND ae.event_pk = e.pk)")) {
            for (long pk : new TreeSet<>(eventPks)) {
                m.setLong(1, id);
                m.setLong(2, pk);
                m.setLong(3, id);
                m.setLong(4, pk);
                if (m.executeUpdate() == 0) {
                    continue;
                }
                other.setLong(1, pk);
                other.setLong(2, id);
                try (ResultSet rs = other.executeQuery()) {
                    if (rs.next() && rs.getLong(1) == 0) {
                        newEvents++;
                    }
                }
            }
        }
        if (newEvents > 0) {
            try (PreparedStatement u = c.prepareStatement("UPDATE alert SET events = events + ? WHERE id = ?")) {
                u.setInt(1, newEvents);
                u.setLong(2, id);
                u.executeUpdate();
            }
        }
        if (newEvents > 0) {
            joined(id, newEvents); // (a later version of an event already in it is no new event)
        }
    }

    /** Counts an alert's distinct events again from its links (after a merge moved another alert's in). */
    private void recount(long id) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("UPDATE alert SET events = (SELECT COUNT(DISTINCT e.res_id) "
                + "FROM alert_event ae JOIN audit_event e ON e.pk = ae.event_pk WHERE ae.alert_id = ?) WHERE id = ?")) {
            u.setLong(1, id);
            u.setLong(2, id);
            u.executeUpdate();
        }
    }

    /** After {@code added} events joined alert {@code id}: a note (and the alert open again) when it was reviewed. */
    private void joined(long id, int added) throws SQLException {
        String status;
        try (PreparedStatement q = c.prepareStatement("SELECT status FROM alert WHERE id = ?")) {
            q.setLong(1, id);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                status = rs.getString(1);
            }
        }
        if (status.equals("new")) {
            return;
        }
        boolean reopen = status.equals("explained") || status.equals("closed");
        if (reopen) {
            try (PreparedStatement u = c.prepareStatement("UPDATE alert SET status = 'review', changed = ? WHERE id = "
                    + "?")) {
                u.setLong(1, now);
                u.setLong(2, id);
                u.executeUpdate();
            }
        }
        note(id, "joined", added + " event(s) joined this alert after it was reviewed (" + status + ")"
                + (reopen ? "; it is under review again." : "."));
    }

    private void note(long alertId, String kind, String text) throws SQLException {
        try (PreparedStatement n = c.prepareStatement("INSERT INTO review_note (alert_id, at, author, kind, text) "
                + "VALUES (?, ?, 'Custos', ?, ?)")) {
            n.setLong(1, alertId);
            n.setLong(2, now);
            n.setString(3, kind);
            n.setString(4, text);
            n.executeUpdate();
        }
    }

    /**
     * The window rule's findings around the new accesses: per user, the times within a span of a new access are read
     * again (never a user's whole history) and the runs found there join the alerts they overlap.
     */
    void windows(WindowRule rule, List<Access> fresh) throws SQLException {
        Map<List<Object>, List<Access>> byUser = new LinkedHashMap<>();
        for (Access a : fresh) {
            byUser.computeIfAbsent(List.of(a.originId(), AuditStore.cut(a.user(), 512)), k -> new ArrayList<>())
                    .add(a);
        }
        for (Map.Entry<List<Object>, List<Access>> e : byUser.entrySet()) {
            int origin = (Integer) e.getKey().get(0);
            String user = (String) e.getKey().get(1);
            for (long[] span : spans(e.getValue(), rule.span())) {
                // every window holding a new access lies within a span of it: only those can have changed. The runs
                // found there join the alerts they overlap (a known run keeps its alert; two joined become one)
                episodes(rule, origin, user, span[0], span[1]);
            }
        }
    }

    /** The rule over all of one user's accesses. */
    void wholeUser(WindowRule rule, int origin, String user) throws SQLException {
        episodes(rule, origin, user, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** The times within {@code span} of each access, overlapping ones merged. */
    private static List<long[]> spans(List<Access> accesses, long span) {
        List<long[]> out = new ArrayList<>();
        List<Access> sorted = new ArrayList<>(accesses);
        sorted.sort(Comparator.comparingLong(Access::recorded));
        for (Access a : sorted) {
            long lo = a.recorded() - span;
            long hi = a.recorded() + span;
            if (!out.isEmpty() && lo <= out.get(out.size() - 1)[1]) {
                out.get(out.size() - 1)[1] = Math.max(out.get(out.size() - 1)[1], hi);
            } else {
                out.add(new long[]{lo, hi});
            }
        }
        return out;
    }

    /** {id, first, last} of the rule's alerts of this user overlapping [lo, hi], oldest first. */
    private List<long[]> alertsWithin(String rule, int origin, String user, long lo, long hi) throws SQLException {
        List<long[]> out = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT id, first_at, last_at FROM alert WHERE rule = ? AND "
                + "origin_id = ? AND user_key = ? AND first_at <= ? AND last_at >= ? ORDER BY id")) {
            q.setString(1, rule);
            q.setInt(2, origin);
            q.setString(3, user);
            q.setLong(4, hi);
            q.setLong(5, lo);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(new long[]{rs.getLong(1), rs.getLong(2), rs.getLong(3)});
                }
            }
        }
        return out;
    }

    /** Reads the user's accesses in [lo, hi] the rule reads, and stores its episodes there. */
    private void episodes(WindowRule rule, int origin, String user, long lo, long hi) throws SQLException {
        List<Access> rows = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT recorded, patient, event_pk, failed FROM alert_access "
                + "WHERE origin_id = ? AND user_key = ? AND recorded BETWEEN ? AND ? ORDER BY recorded, event_pk")) {
            q.setInt(1, origin);
            q.setString(2, user);
            q.setLong(3, lo);
            q.setLong(4, hi);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Access a = new Access(origin, user, rs.getString(2), rs.getLong(1), rs.getLong(3),
                            rs.getBoolean(4));
                    if (rule.reads(a)) {
                        rows.add(a);
                    }
                }
            }
        }
        for (Episode ep : rule.episodes(rows)) {
            List<long[]> touched = alertsWithin(rule.name(), origin, user, ep.first(), ep.last());
            long id;
            if (touched.isEmpty()) {
                id = insert(rule.name(), origin, user, "", String.valueOf(ep.first()), ep.first(), ep.last(),
                        AuditStore.cut(ep.detail(), 2000));
            } else {
                id = touched.get(0)[0];
                widen(id, ep.first(), ep.last(), AuditStore.cut(ep.detail(), 2000));
                for (long[] other : touched.subList(1, touched.size())) {
                    mergeInto(id, other[0]);
                }
            }
            link(id, ep.eventPks());
        }
    }

    /** Alert {@code from} (a later finding the episode joined to {@code into}) moves into {@code into}. */
    private void mergeInto(long into, long from) throws SQLException {
        String status = null;
        Long fromCase = null;
        try (PreparedStatement q = c.prepareStatement("SELECT status, case_id FROM alert WHERE id = ?")) {
            q.setLong(1, from);
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    status = rs.getString(1);
                    fromCase = rs.getObject(2, Long.class);
                }
            }
        }
        // the joined alert keeps the weightier review: escalated over under review over the rest; a decision to
        // explain or close covered fewer events, so it does not carry over
        try (PreparedStatement u = c.prepareStatement("UPDATE alert SET status = CASE WHEN ? = 'escalated' OR status "
                + "= 'escalated' THEN 'escalated' WHEN ? IN ('review', 'explained', 'closed') OR status IN ('review', "
                + "'explained', 'closed') THEN 'review' ELSE status END WHERE id = ?")) {
            u.setString(1, status);
            u.setString(2, status);
            u.setLong(3, into);
            u.executeUpdate();
        }
        for (String sql : List.of("MERGE INTO alert_event (alert_id, event_pk) KEY (alert_id, event_pk) SELECT ?, "
                        + "event_pk FROM alert_event WHERE alert_id = ?",
                "UPDATE review_note SET alert_id = ? WHERE alert_id = ?",
                "UPDATE alert a SET case_id = COALESCE(a.case_id, (SELECT f.case_id FROM alert f WHERE f.id = ?2)), "
                        + "assignee = COALESCE(a.assignee, (SELECT f.assignee FROM alert f WHERE f.id = ?2)) "
                        + "WHERE a.id = ?1")) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, into);
                ps.setLong(2, from);
                ps.executeUpdate();
            }
        }
        try (PreparedStatement n = c.prepareStatement("INSERT INTO review_note (alert_id, at, author, kind, text) "
                + "VALUES (?, ?, 'Custos', 'merge', ?)")) {
            n.setLong(1, into);
            n.setLong(2, now);
            n.setString(3, "Alert " + from + " (" + status + (fromCase == null ? "" : ", case " + fromCase)
                    + ") joined this one: new events connected them.");
            n.executeUpdate();
        }
        for (String sql : List.of("DELETE FROM alert_event WHERE alert_id = ?", "DELETE FROM alert WHERE id = ?")) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, from);
                ps.executeUpdate();
            }
        }
        recount(into);
    }
}
