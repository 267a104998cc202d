package org.custos.cache;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The reports' settings kept in the cache (table {@code report_setting}), by name, as text: what counts as a
 * disclosure ({@code disclosures}). A change is committed and forced to the disk before the method returns.
 */
public final class ReportSettings {
    /** One kept setting: its text, when (epoch ms) and by whom it was last changed. */
    public record Setting(String text, long changed, String changedBy) {
    }

    private final Cache cache;

    ReportSettings(Cache cache) {
        this.cache = cache;
    }

    /** The setting kept under {@code name}; empty when none was saved (the defaults apply). */
    public Optional<Setting> get(String name) {
        try (var c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT settings, changed, changed_by FROM report_setting WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Setting(rs.getString(1), rs.getLong(2), rs.getString(3)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the report setting " + name + " failed: " + e.getMessage(), e);
        }
    }

    /** Keeps {@code text} under {@code name} (replacing what was kept); null text removes it (the defaults again). */
    public void put(String name, String text, String by, long now) {
        cache.durably("Saving the report setting " + name, c -> {
            if (text == null) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM report_setting WHERE name = ?")) {
                    ps.setString(1, name);
                    ps.executeUpdate();
                }
                return null;
            }
            try (PreparedStatement ps = c.prepareStatement("MERGE INTO report_setting (name, settings, changed, "
                    + "changed_by) KEY (name) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, name);
                ps.setString(2, text);
                ps.setLong(3, now);
                ps.setString(4, AuditStore.cut(by, 200));
                ps.executeUpdate();
            }
            return null;
        });
    }
}
