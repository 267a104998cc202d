package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The suspicious-access rules' settings (text the rules package writes and reads; a rule without a row has its
 * defaults) and the VIP list (V10).
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

}
