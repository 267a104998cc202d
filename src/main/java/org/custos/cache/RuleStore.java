package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The suspicious-access rules' settings (text the rules package writes and reads; a rule without a row has its
 * defaults), the VIP list, and the judging again their changes start (V10): a change and the record of that work are
 * one transaction, so a kill leaves the work to be finished, never alerts gone for good.
 */
public final class RuleStore {
    private final Cache cache;

    RuleStore(Cache cache) {
        this.cache = cache;
    }

    /**
     * The key a VIP is kept and matched by, the patient index's: a reference (relative or absolute, versioned or not)
     * as "patient/123" for a Patient, else the reference without version; text without '/' is an identifier value
     * as the events give it. Lower case.
     */
    public static String vipKey(String patient) {
        String p = patient == null ? "" : patient.trim();
        if (p.contains("/")) {
            String ref = AuditExtractor.stripHistory(p);
            String patientRef = AuditExtractor.patientReference(ref);
            p = patientRef != null ? patientRef : ref;
        }
        return AuditStore.cut(AuditExtractor.key(p), 512);
    }

    /** One patient on the VIP list: as written, with a note and when it was added (ms). */
    public record Vip(String reference, String note, long added) {
    }

    /** Every rule's stored settings: name → text. */
    public Map<String, String> settings() {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = cache.connection();
             PreparedStatement ps = c.prepareStatement("SELECT name, settings FROM alert_rule ORDER BY name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
            return out;
        } catch (SQLException e) {
            throw new CacheException("Reading the rules' settings failed: " + e.getMessage(), e);
        }
    }

    /** Keeps a rule's settings (replacing what was kept). */
    public void put(String rule, String settings, long now) {
        cache.durably("Saving the settings of rule " + rule, c -> {
            try (PreparedStatement ps = c.prepareStatement("MERGE INTO alert_rule (name, settings, changed) KEY (name) "
                    + "VALUES (?, ?, ?)")) {
                ps.setString(1, rule);
                ps.setString(2, settings);
                ps.setLong(3, now);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The VIP list, in the order added. */
    public List<Vip> vips() {
        List<Vip> out = new ArrayList<>();
        try (Connection c = cache.connection();
             PreparedStatement ps = c.prepareStatement("SELECT reference, note, added FROM vip ORDER BY added, k");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Vip(rs.getString(1), rs.getString(2), rs.getLong(3)));
            }
            return out;
        } catch (SQLException e) {
            throw new CacheException("Reading the VIP list failed: " + e.getMessage(), e);
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
            long upto = AlertStore.doneTo(c);
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
                AlertStore.dropUnreviewed(c, rule, null);
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
            rejudge(c, "vip:" + RuleStore.vipKey(ref), AlertStore.doneTo(c));
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
            AlertStore.dropUnreviewed(c, "vip", ref);
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
}
