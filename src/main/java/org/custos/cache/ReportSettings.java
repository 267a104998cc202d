package org.custos.cache;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The reports' settings kept in the cache (table {@code report_setting}), by name, as text: what counts as a
 * disclosure ({@code disclosures}). Every change is a new row (the newest applies; the older ones say what applied
 * when), committed and forced to the disk before the method returns.
 */
public final class ReportSettings {
    /** One kept change: its number, its text (null: back to the defaults), when (epoch ms) and by whom. */
    public record Setting(long seq, String text, long changed, String changedBy) {
    }

    private final Cache cache;

    ReportSettings(Cache cache) {
        this.cache = cache;
    }

    /** The setting that applies under {@code name}; empty when none was saved or the last change restored the defaults. */
    public Optional<Setting> get(String name) {
        List<Setting> h = read(name, 1);
        return h.isEmpty() || h.get(0).text() == null ? Optional.empty() : Optional.of(h.get(0));
    }

    /** Every change of {@code name}, newest first. */
    public List<Setting> history(String name) {
        return read(name, Integer.MAX_VALUE);
    }

    private List<Setting> read(String name, int max) {
        List<Setting> out = new ArrayList<>();
        try (var c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT seq, settings, changed, changed_by FROM report_setting WHERE name = ? ORDER BY seq DESC")) {
            ps.setString(1, name);
            ps.setMaxRows(max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Setting(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new CacheException("Reading the report setting " + name + " failed: " + e.getMessage(), e);
        }
    }

    /** Keeps {@code text} as what applies under {@code name} from now on; null text: the defaults again. */
    public void put(String name, String text, String by, long now) {
        cache.durably("Saving the report setting " + name, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO report_setting (name, settings, changed, "
                    + "changed_by) VALUES (?, ?, ?, ?)")) {
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
