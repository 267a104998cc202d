package org.custos.cache;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

/**
 * Every event has exactly one current version; it is flagged changed exactly when more versions are kept, and deleted
 * only when its origin reported a delete. Walks the (id, origin) index in order, one event at a time.
 */
final class CurrentVersions {
    /** Where a problem goes: the origin's id, what (AuditEvent/id), what is wrong. */
    interface Reporter {
        void report(int origin, String what, String detail);
    }

    private CurrentVersions() {
    }

    static void check(Connection c, Reporter r) throws SQLException {
        Set<String> deletes = new HashSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT origin_id, res_id FROM tombstone WHERE res_type = 'AuditEvent'")) {
            while (rs.next()) {
                deletes.add(rs.getInt(1) + "/" + rs.getString(2));
            }
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT res_id, origin_id, state FROM audit_event ORDER BY res_id, origin_id")) {
            String id = null;
            int origin = -1;
            int versions = 0;
            int current = 0;
            int currentState = 0;
            while (true) {
                boolean more = rs.next();
                if (!more || !rs.getString(1).equals(id) || rs.getInt(2) != origin) {
                    if (id != null) {
                        checkState(r, id, origin, versions, current, currentState, deletes);
                    }
                    if (!more) {
                        break;
                    }
                    id = rs.getString(1);
                    origin = rs.getInt(2);
                    versions = 0;
                    current = 0;
                }
                versions++;
                int s = rs.getInt(3);
                if ((s & State.SUPERSEDED) == 0) {
                    current++;
                    currentState = s;
                }
            }
        }
    }

    private static void checkState(Reporter r, String id, int origin, int versions, int current, int state, Set<String> deletes) {
        String what = "AuditEvent/" + id;
        if (current != 1) {
            r.report(origin, what, current == 0 ? "none of its " + versions + " versions is current: the "
                    + "browser does not list it" : current + " versions are current");
        } else if (((state & State.CHANGED) != 0) != (versions > 1)) {
            r.report(origin, what, versions > 1 ? versions + " versions are kept but it is not flagged "
                    + "changed" : "flagged changed, yet only one version is kept");
        } else if ((state & State.DELETED) != 0 && !deletes.contains(origin + "/" + id)) {
            r.report(origin, what, "flagged deleted, yet its origin never reported a delete");
        }
    }
}
