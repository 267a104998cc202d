package org.custos.cache;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Turns an {@link AuditFilter} into a WHERE clause and its parameters. Keyset paging only, never OFFSET. */
final class AuditSql {
    /** Everything free text searches: the words kept only for it, and the other search columns. */
    private static final String FREE_TEXT = "LOWER(CONCAT_WS(' ', e.search_text, e.agent_keys, e.entity_keys, "
            + "e.type_code, e.type_display, e.subtype_codes, e.subtype_display, e.source_site, e.source_observer, "
            + "e.purpose_codes))";
    /** Only current versions are rows of the browser; earlier ones are kept beside them (see {@link State}). */
    final StringBuilder where = new StringBuilder(" WHERE BITAND(e.state, " + State.SUPERSEDED + ") = 0");
    final List<Object> params = new ArrayList<>();

    AuditSql(AuditFilter f) {
        this(f, AgentIndex.ALL, null, null);
    }

    /**
     * {@code agentMask}: the agent bits a match must have one of ({@link AgentIndex#mask}), or all. {@code originId}:
     * the id of the filter's origin, -1 when the cache knows no origin of that name (nothing matches), null for none.
     * {@code leftOut}: an origin whose events are not listed (Custos's own trail), or null.
     */
    AuditSql(AuditFilter f, long agentMask, Integer originId, Integer leftOut) {
        f = f.normalized();
        if (leftOut != null) {
            cond("e.origin_id <> " + leftOut.intValue());
        }
        if (f.origin() != null) {
            cond("e.origin_id = ?", originId == null ? -1 : originId);
        }
        if (f.flagged()) {
            cond("BITAND(e.state, " + (State.CHANGED | State.DELETED) + ") <> 0");
        }
        if (f.from() != null) {
            cond("e.recorded >= ?", f.from());
        }
        if (f.to() != null) {
            cond("e.recorded <= ?", f.to());
        }
        if (f.agent() != null) {
            if (agentMask != AgentIndex.ALL) {
                // tested on the browse index entry: most non-matching events are skipped without reading them
                cond("BITAND(e.agent_bits, CAST(? AS BIGINT)) <> 0", agentMask);
            }
            cond("e.agent_keys LIKE ? ESCAPE '\\'", "%|" + likePrefix(AuditExtractor.key(f.agent())));
        }
        if (f.patient() != null) {
            String p = AuditExtractor.key(f.patient());
            String ref = p.contains("/") ? p : "patient/" + p;
            cond("e.pk IN (SELECT n.event_pk FROM audit_access n WHERE n.k IN (?, ?))", AuditStore.cut(ref, 512),
                    AuditStore.cut(p, 512));
        }
        if (f.entity() != null) {
            cond("e.entity_keys LIKE ? ESCAPE '\\'",
                    "%|" + likePrefix(AuditExtractor.key(stripHistory(f.entity()))));
        }
        if (f.type() != null) {
            cond("(LOWER(e.type_code) = ? OR LOWER(e.type_display) = ?)", AuditExtractor.key(f.type()),
                    AuditExtractor.key(f.type()));
        }
        if (f.subtype() != null) {
            cond("(LOWER(e.subtype_codes) LIKE ? ESCAPE '\\' OR LOWER(e.subtype_display) LIKE ? ESCAPE '\\')",
                    "%|" + escape(AuditExtractor.key(f.subtype())) + "|%",
                    "%" + escape(AuditExtractor.key(f.subtype())) + "%");
        }
        if (f.action() != null) {
            cond("e.action = ?", f.action().toUpperCase(Locale.ROOT));
        }
        if (f.outcome() != null) {
            cond("e.outcome = ?", f.outcome());
        }
        if (f.source() != null) {
            String like = "%" + escape(AuditExtractor.key(f.source())) + "%";
            cond("(LOWER(e.source_site) LIKE ? ESCAPE '\\' OR LOWER(e.source_observer) LIKE ? ESCAPE '\\')", like, like);
        }
        if (f.purpose() != null) {
            cond("e.pk IN (SELECT u.event_pk FROM audit_purpose u WHERE u.k = ?)",
                    AuditStore.cut(AuditExtractor.key(f.purpose()), 128));
        }
        if (f.text() != null) {
            for (String word : AuditExtractor.key(f.text()).split("\\s+")) {
                cond(FREE_TEXT + " LIKE ? ESCAPE '\\'", "%" + escape(word) + "%");
            }
        }
    }

    private static String stripHistory(String ref) {
        return AuditExtractor.stripHistory(ref);
    }

    void keyset(Keyset after, boolean ascending) {
        if (after == null) {
            return;
        }
        // the first conjunct gives H2 an index range to start from; the second breaks ties inside one instant
        if (ascending) {
            cond("e.recorded >= ? AND (e.recorded > ? OR e.pk > ?)", after.recorded(), after.recorded(), after.pk());
        } else {
            cond("e.recorded <= ? AND (e.recorded < ? OR e.pk < ?)", after.recorded(), after.recorded(), after.pk());
        }
    }

    static String order(boolean ascending) {
        return ascending ? " ORDER BY e.recorded, e.pk" : " ORDER BY e.recorded DESC, e.pk DESC";
    }

    private void cond(String sql, Object... values) {
        where.append(" AND ").append(sql);
        params.addAll(List.of(values));
    }

    int bind(PreparedStatement ps) throws SQLException {
        int i = 1;
        for (Object p : params) {
            ps.setObject(i++, p);
        }
        return i;
    }

    static String likePrefix(String s) {
        return escape(s) + "%";
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
