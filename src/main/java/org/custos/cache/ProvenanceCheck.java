package org.custos.cache;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Part of verify: the Provenance list's rows and filter keys are what the current versions' texts give (recomputed
 * here), each current Provenance (and each one contained in a current resource) has its row, and no other row is
 * there. A row altered or removed outside Custos could otherwise hide a Provenance from the review, or show it under
 * another target or signer. (The last checks of signatures, provenance_verdict, are not evidence: a new check
 * recomputes them.)
 */
final class ProvenanceCheck {
    private ProvenanceCheck() {
    }

    private record Stored(long rk, int origin, Object[] columns) {
    }

    static void check(Connection c, SearchCheck.Reporter r) throws SQLException {
        Map<String, Stored> rows = new HashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT rk, " + ProvenanceIndex.COLUMNS
                + " FROM provenance_search")) {
            while (rs.next()) {
                Object[] cols = new Object[13];
                for (int i = 0; i < 13; i++) {
                    cols[i] = rs.getObject(i + 2);
                }
                rows.put(rs.getLong(2) + ":" + rs.getInt(3), new Stored(rs.getLong(1), rs.getInt(4), cols));
            }
        }
        Map<Long, Set<String>> keys = new HashMap<>();
        // each key with the recorded time a filtered page sorts and cuts by
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT rk, k, recorded FROM "
                + "provenance_ref")) {
            while (rs.next()) {
                keys.computeIfAbsent(rs.getLong(1), k -> new HashSet<>()).add(rs.getString(2) + "@" + rs.getLong(3));
            }
        }
        ObjectMapper mapper = new ObjectMapper();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pk, origin_id, res_type, res_id, "
                + "raw FROM fhir_resource WHERE BITAND(state, 1) = 0 AND (res_type = 'Provenance' OR raw LIKE "
                + "'%\"Provenance\"%')")) {
            while (rs.next()) {
                long pk = rs.getLong(1);
                int origin = rs.getInt(2);
                String what = rs.getString(3) + "/" + rs.getString(4);
                for (ProvenanceExtractor.Row e : ProvenanceExtractor.extract(mapper, rs.getString(3), rs.getString(4),
                        rs.getString(5))) {
                    String where = e.part() == 0 ? what : what + " (its contained Provenance " + e.part() + ")";
                    Stored s = rows.remove(pk + ":" + e.part());
                    if (s == null) {
                        r.report(origin, where, "its Provenance list row is missing: the review does not list it");
                        continue;
                    }
                    Object[] expected = {pk, e.part(), origin, e.provId(), e.container(), e.recorded(),
                        e.periodStart(), e.periodEnd(), e.activity(), e.targets(), e.agents(), e.entities(),
                        e.signatures()};
                    Object[] actual = normalized(s.columns());
                    if (!Arrays.equals(normalized(expected), actual)) {
                        int i = 0;
                        while (i < expected.length && Objects.equals(normalized(expected)[i], actual[i])) {
                            i++;
                        }
                        String col = ProvenanceIndex.COLUMNS.split(",\\s*")[Math.min(i, expected.length - 1)];
                        r.report(origin, where, "its Provenance list row differs from what its text gives (" + col
                                + "): the review would show it wrongly");
                    } else if (!timed(e).equals(keys.getOrDefault(s.rk(), Set.of()))) {
                        r.report(origin, where, "its Provenance filter keys differ from what its text gives: filters "
                                + "by target, agent, entity or activity would miss it or find it wrongly");
                    }
                }
            }
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT v.pk, v.part FROM "
                + "provenance_verdict v LEFT JOIN provenance_search s ON s.pk = v.pk AND s.part = v.part WHERE "
                + "s.pk IS NULL")) {
            while (rs.next()) {
                r.report(null, "kept signature check " + rs.getLong(1) + ":" + rs.getInt(2), "a check for no listed "
                        + "Provenance: the list could show a verdict beside the wrong row");
            }
        }
        for (Map.Entry<String, Stored> left : rows.entrySet()) {
            r.report(left.getValue().origin(), "Provenance list row " + left.getKey(), "a row for no current "
                    + "Provenance: the review would list what the cache does not hold");
        }
    }

    private static Set<String> timed(ProvenanceExtractor.Row e) {
        Set<String> out = new HashSet<>();
        e.keys().forEach(k -> out.add(k + "@" + e.recorded()));
        return out;
    }

    /** Numbers as longs (H2 hands INT and BIGINT back as different types). */
    private static Object[] normalized(Object[] values) {
        Object[] out = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] instanceof Integer n ? Long.valueOf(n) : values[i];
        }
        return out;
    }

}
