package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Test-only: damages a cache the way a broken disk or a hand outside Custos would, to see what the app does. */
public final class CacheDamage {
    private CacheDamage() {
    }

    /** Overwrites the raw block holding the current version of AuditEvent {@code id} with bytes that do not decode. */
    public static void breakRawBlockOf(Cache cache, String id) throws SQLException {
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE audit_raw_block SET data = X'4c00000010ffff' WHERE id = (SELECT raw_block FROM audit_event "
                        + "WHERE res_id = ? AND BITAND(state, 1) = 0)")) {
            ps.setString(1, id);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("no raw block for " + id);
            }
        }
    }
}
