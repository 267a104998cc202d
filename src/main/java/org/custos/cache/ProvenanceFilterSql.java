package org.custos.cache;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The WHERE clause of the Provenance list's filters ({@link ProvenanceStore#page}, {@link ProvenanceStore#count}):
 * which reference key drives a page, and the conditions on the rows, their keys, the period, the origin and the
 * signature state.
 */
final class ProvenanceFilterSql {
    private ProvenanceFilterSql() {
    }

    /** The reference key that drives a filtered page (the first of target, agent, entity, activity), or null. */
    static String driver(ProvenanceStore.Filter f) {
        for (String k : refKeys(f)) {
            if (k != null) {
                return k;
            }
        }
        return null;
    }

    private static List<String> refKeys(ProvenanceStore.Filter f) {
        return java.util.Arrays.asList(key("t:", f.target()), key("g:", f.agent()), key("e:", f.entity()),
                f.activity() == null || f.activity().isBlank() ? null
                        : "a:" + f.activity().trim().toLowerCase(java.util.Locale.ROOT));
    }

    private static String key(String kind, String value) {
        return value == null || value.isBlank() ? null : kind + ProvenanceExtractor.key(value);
    }

    static Where where(Cache cache, ProvenanceStore.Filter f, String driver) {
        Where w = new Where();
        boolean driven = driver != null;
        for (String k : refKeys(f)) {
            if (k == null) {
                continue;
            }
            if (k.equals(driver)) {
                w.cond("r.k = ?", k);
                driver = null;   // (a second filter with the same key is a condition like the others)
            } else {
                w.cond("s.rk IN (SELECT rk FROM provenance_ref WHERE k = ?)", k);
            }
        }
        // with a driving key the period is on its rows too (their recorded is the row's): the index range
        String time = driven ? "r.recorded" : "s.recorded";
        if (f.from() != null) {
            w.cond(time + " >= ?", f.from());
        }
        if (f.to() != null) {
            w.cond(time + " <= ?", f.to());
        }
        if (f.origin() != null && !f.origin().isBlank()) {
            w.cond("s.origin_id = ?", cache.origins().find(f.origin()).map(Origins.Origin::id).orElse(-1));
        }
        switch (f.status()) {
            case ANY -> { }
            case UNSIGNED -> w.cond("s.signatures = 0");
            case SIGNED -> w.cond("s.signatures > 0");
            case NOT_CHECKED -> w.cond("s.signatures > 0 AND v.pk IS NULL");
            default -> w.cond("v.verdict = ?", f.status().name());
        }
        return w;
    }

    /** A WHERE clause and its parameters, in order. */
    static final class Where {
        String sql = "";
        final List<Object> params = new ArrayList<>();

        void cond(String cond, Object... values) {
            sql += (sql.isEmpty() ? " WHERE " : " AND ") + "(" + cond + ")";
            params.addAll(List.of(values));
        }

        int bind(PreparedStatement ps) throws SQLException {
            int i = 1;
            for (Object p : params) {
                ps.setObject(i++, p);
            }
            return i;
        }
    }
}
