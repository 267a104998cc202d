package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The privacy officer's review kept with the alerts (V10): each alert's status and assignee, notes with time and
 * author on alerts and cases, the cases (investigations) grouping alerts and events, and the audit browser's saved
 * searches. Every change is one committed transaction (nothing is lost on kill -9) and leaves a note saying what
 * changed, by whom and when: the review's own history, never edited.
 */
public final class ReviewStore {
    /** The statuses of an alert, in the order a review goes. */
    public static final List<String> STATUSES = List.of("new", "review", "explained", "escalated", "closed");
    public static final List<String> CASE_STATUSES = List.of("open", "closed");

    private final Cache cache;

    ReviewStore(Cache cache) {
        this.cache = cache;
    }

    /** A note: on an alert or a case; {@code kind} note, status, assignee, case or merge. */
    public record Note(long id, Long alertId, Long caseId, long at, String author, String kind, String text) {
    }

    /** An investigation. */
    public record Case(long id, String title, String status, String assignee, long created, long changed, int alerts,
                       int events) {
    }

    /** A named filter set of the audit browser (its settings as text). */
    public record SavedSearch(String name, String filter, long changed) {
    }

    /** Sets an alert's status; false when it had it already (nothing is written then). */
    public boolean setStatus(long alertId, String status, String author, long now) {
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("An alert's status is one of " + String.join(", ", STATUSES) + ", not "
                    + status);
        }
        return changeAlert(alertId, "status", status, author, now);
    }

    /** Sets (or with null or blank, clears) who reviews an alert; false when nothing changed. */
    public boolean assign(long alertId, String assignee, String author, long now) {
        String a = assignee == null || assignee.isBlank() ? null : AuditStore.cut(assignee.trim(), 256);
        return changeAlert(alertId, "assignee", a, author, now);
    }

    private boolean changeAlert(long alertId, String column, String value, String author, long now) {
        return cache.durably("Changing alert " + alertId, c -> {
            String old;
            try (PreparedStatement q = c.prepareStatement("SELECT " + column + " FROM alert WHERE id = ?")) {
                q.setLong(1, alertId);
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalArgumentException("No alert " + alertId);
                    }
                    old = rs.getString(1);
                }
            }
            if (java.util.Objects.equals(old, value)) {
                return false;
            }
            try (PreparedStatement u = c.prepareStatement("UPDATE alert SET " + column + " = ?, changed = ? WHERE id = "
                    + "?")) {
                u.setString(1, value);
                u.setLong(2, now);
                u.setLong(3, alertId);
                u.executeUpdate();
            }
            note(c, alertId, null, now, author, column, (old == null ? "(none)" : old) + " → "
                    + (value == null ? "(none)" : value));
            return true;
        });
    }

    /** Adds a note to an alert. */
    public void noteAlert(long alertId, String author, String text, long now) {
        cache.durably("Adding a note to alert " + alertId, c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM alert WHERE id = ?")) {
                q.setLong(1, alertId);
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalArgumentException("Alert " + alertId + " is not in the queue any more (it "
                                + "joined another alert, or its rule's settings changed): read the queue again; the "
                                + "note was not added.");
                    }
                }
            }
            note(c, alertId, null, now, author, "note", checked(text));
            return null;
        });
    }

    /** Adds a note to a case. */
    public void noteCase(long caseId, String author, String text, long now) {
        cache.durably("Adding a note to case " + caseId, c -> {
            caseExists(c, caseId);
            note(c, null, caseId, now, author, "note", checked(text));
            touchCase(c, caseId, now);
            return null;
        });
    }

    private static String checked(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("A note needs some text.");
        }
        if (text.length() > 8000) {
            throw new IllegalArgumentException("A note can have at most 8000 characters (this one has "
                    + text.length() + ").");
        }
        return text.strip();
    }

    private static void note(Connection c, Long alertId, Long caseId, long at, String author, String kind, String text)
            throws SQLException {
        try (PreparedStatement n = c.prepareStatement("INSERT INTO review_note (alert_id, case_id, at, author, kind, "
                + "text) VALUES (?, ?, ?, ?, ?, ?)")) {
            n.setObject(1, alertId);
            n.setObject(2, caseId);
            n.setLong(3, at);
            n.setString(4, AuditStore.cut(author == null || author.isBlank() ? "?" : author, 256));
            n.setString(5, kind);
            n.setString(6, AuditStore.cut(text, 8000));
            n.executeUpdate();
        }
    }

    /** The notes of an alert, oldest first. */
    public List<Note> alertNotes(long alertId) {
        return notes("alert_id", alertId);
    }

    /** The notes of a case, oldest first. */
    public List<Note> caseNotes(long caseId) {
        return notes("case_id", caseId);
    }

    private List<Note> notes(String column, long id) {
        try (Connection c = cache.connection();
             PreparedStatement ps = c.prepareStatement("SELECT id, alert_id, case_id, at, author, kind, text FROM "
                     + "review_note WHERE " + column + " = ? ORDER BY at, id")) {
            ps.setLong(1, id);
            List<Note> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Note(rs.getLong(1), rs.getObject(2, Long.class), rs.getObject(3, Long.class),
                            rs.getLong(4), rs.getString(5), rs.getString(6), rs.getString(7)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new CacheException("Reading the notes failed: " + e.getMessage(), e);
        }
    }

    /** Opens a case; returns its id. */
    public long openCase(String title, String author, long now) {
        String t = title == null ? "" : title.strip();
        if (t.isEmpty() || t.length() > 500) {
            throw new IllegalArgumentException("A case needs a title of 1 to 500 characters.");
        }
        return cache.durably("Opening a case", c -> {
            long id;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO review_case (title, created, changed) VALUES "
                    + "(?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, t);
                ps.setLong(2, now);
                ps.setLong(3, now);
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            note(c, null, id, now, author, "case", "opened: " + t);
            return id;
        });
    }

    /**
     * Puts alerts (their events with them) and single events into a case. An alert is in one case at a time: one
     * of another case moves, and both cases' notes say so.
     */
    public void addToCase(long caseId, Collection<Long> alertIds, Collection<Long> eventPks, String author, long now) {
        cache.durably("Adding to case " + caseId, c -> {
            caseExists(c, caseId);
            for (long alertId : Set.copyOf(alertIds)) {
                Long before;
                try (PreparedStatement q = c.prepareStatement("SELECT case_id FROM alert WHERE id = ?")) {
                    q.setLong(1, alertId);
                    try (ResultSet rs = q.executeQuery()) {
                        if (!rs.next()) {
                            throw new IllegalArgumentException("No alert " + alertId);
                        }
                        before = rs.getObject(1, Long.class);
                    }
                }
                if (before != null && before == caseId) {
                    continue;
                }
                try (PreparedStatement u = c.prepareStatement("UPDATE alert SET case_id = ?, changed = ? WHERE id = ?")) {
                    u.setLong(1, caseId);
                    u.setLong(2, now);
                    u.setLong(3, alertId);
                    u.executeUpdate();
                }
                note(c, alertId, null, now, author, "case", before == null ? "added to case " + caseId
                        : "moved from case " + before + " to case " + caseId);
                note(c, null, caseId, now, author, "case", "alert " + alertId + " added"
                        + (before == null ? "" : " (from case " + before + ")"));
                if (before != null) {
                    note(c, null, before, now, author, "case", "alert " + alertId + " moved to case " + caseId);
                }
            }
            try (PreparedStatement m = c.prepareStatement("MERGE INTO review_case_event (case_id, event_pk) KEY "
                    + "(case_id, event_pk) VALUES (?, ?)")) {
                for (long pk : Set.copyOf(eventPks)) {
                    m.setLong(1, caseId);
                    m.setLong(2, pk);
                    m.executeUpdate();
                }
            }
            if (!eventPks.isEmpty()) {
                note(c, null, caseId, now, author, "case", eventPks.size() + " event(s) added");
            }
            touchCase(c, caseId, now);
            return null;
        });
    }

    /** Sets a case's status (open, closed); false when it had it. */
    public boolean setCaseStatus(long caseId, String status, String author, long now) {
        if (!CASE_STATUSES.contains(status)) {
            throw new IllegalArgumentException("A case is open or closed, not " + status);
        }
        return cache.durably("Changing case " + caseId, c -> {
            String old = caseExists(c, caseId);
            if (old.equals(status)) {
                return false;
            }
            try (PreparedStatement u = c.prepareStatement("UPDATE review_case SET status = ? WHERE id = ?")) {
                u.setString(1, status);
                u.setLong(2, caseId);
                u.executeUpdate();
            }
            note(c, null, caseId, now, author, "status", old + " → " + status);
            touchCase(c, caseId, now);
            return true;
        });
    }

    private static String caseExists(Connection c, long caseId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT status FROM review_case WHERE id = ?")) {
            q.setLong(1, caseId);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("No case " + caseId);
                }
                return rs.getString(1);
            }
        }
    }

    private static void touchCase(Connection c, long caseId, long now) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("UPDATE review_case SET changed = ? WHERE id = ?")) {
            u.setLong(1, now);
            u.setLong(2, caseId);
            u.executeUpdate();
        }
    }

    /** Every case, the most recently changed first, with how many alerts and events it holds. */
    public List<Case> cases() {
        try (Connection c = cache.connection();
             PreparedStatement ps = c.prepareStatement("SELECT k.id, k.title, k.status, k.assignee, k.created, "
                     + "k.changed, (SELECT COUNT(*) FROM alert a WHERE a.case_id = k.id), (SELECT COUNT(DISTINCT "
                     + "ae.event_pk) FROM alert_event ae JOIN alert a ON a.id = ae.alert_id WHERE a.case_id = k.id) + "
                     + "(SELECT COUNT(*) FROM review_case_event e WHERE e.case_id = k.id AND e.event_pk NOT IN (SELECT "
                     + "ae.event_pk FROM alert_event ae JOIN alert a ON a.id = ae.alert_id WHERE a.case_id = k.id)) "
                     + "FROM review_case k "
                     + "ORDER BY k.changed DESC, k.id DESC");
             ResultSet rs = ps.executeQuery()) {
            List<Case> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new Case(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                        rs.getLong(6), rs.getInt(7), rs.getInt(8)));
            }
            return out;
        } catch (SQLException e) {
            throw new CacheException("Reading the cases failed: " + e.getMessage(), e);
        }
    }

    /** The stored keys of a case's events: those added to it and those of its alerts, in order. */
    public List<Long> caseEvents(long caseId) {
        try (Connection c = cache.connection();
             PreparedStatement ps = c.prepareStatement("SELECT event_pk FROM review_case_event WHERE case_id = ? "
                     + "UNION SELECT ae.event_pk FROM alert_event ae JOIN alert a ON a.id = ae.alert_id WHERE "
                     + "a.case_id = ? ORDER BY 1")) {
            ps.setLong(1, caseId);
            ps.setLong(2, caseId);
            List<Long> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new CacheException("Reading the case failed: " + e.getMessage(), e);
        }
    }

    /** Keeps a named filter set (replacing one of that name). */
    public void saveSearch(String name, String filter, long now) {
        String n = name == null ? "" : name.strip();
        if (n.isEmpty() || n.length() > 200) {
            throw new IllegalArgumentException("A saved search needs a name of 1 to 200 characters.");
        }
        cache.durably("Saving search " + n, c -> {
            try (PreparedStatement ps = c.prepareStatement("MERGE INTO saved_search (name, filter, changed) KEY (name) "
                    + "VALUES (?, ?, ?)")) {
                ps.setString(1, n);
                ps.setString(2, AuditStore.cut(filter, 8000));
                ps.setLong(3, now);
                ps.executeUpdate();
            }
            return null;
        });
    }

    public List<SavedSearch> savedSearches() {
        try (Connection c = cache.connection();
             PreparedStatement ps = c.prepareStatement("SELECT name, filter, changed FROM saved_search ORDER BY name");
             ResultSet rs = ps.executeQuery()) {
            List<SavedSearch> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new SavedSearch(rs.getString(1), rs.getString(2), rs.getLong(3)));
            }
            return out;
        } catch (SQLException e) {
            throw new CacheException("Reading the saved searches failed: " + e.getMessage(), e);
        }
    }

    public boolean deleteSearch(String name) {
        return cache.durably("Deleting search " + name, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM saved_search WHERE name = ?")) {
                ps.setString(1, name);
                return ps.executeUpdate() > 0;
            }
        });
    }
}
