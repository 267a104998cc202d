package org.custos.cache;

import java.nio.charset.StandardCharsets;

import static org.custos.cache.AuditStore.cut;

/**
 * The values of each kind of stored row exactly as written, in one order: the writers bind them and fingerprint
 * them ({@link Leaf}) from the same array, and {@link Verifier} reads the same columns back to fingerprint them
 * again. The state bits (current, changed, deleted) are not part of a row's fingerprint: they follow from the rows
 * and the deletes, and verify checks them that way.
 */
final class StoredRows {
    static final String AUDIT_COLUMNS = "origin_id, res_id, version_id, last_updated, content_hash, recorded, "
            + "type_code, type_display, subtype_codes, subtype_display, action, outcome, source_site, source_observer, "
            + "purpose_codes, agent_keys, entity_keys, agents, entities, patients, patient_keys, search_text, "
            + "agent_bits";
    static final int AUDIT_COUNT = 23;
    static final String RESOURCE_COLUMNS = "res_type, res_id, origin_id, version_id, last_updated, content_hash, raw";
    static final String QUARANTINE_COLUMNS = "at, origin_id, source, location, res_type, res_id, reason, "
            + "content_hash, content";
    static final String TOMBSTONE_COLUMNS = "origin_id, res_type, res_id, version_id, deleted_at";
    static final String ORIGIN_COLUMNS = "id, name, kind, first_seen";

    private StoredRows() {
    }

    /** An AuditEvent version's columns as stored ({@link #AUDIT_COLUMNS}). */
    static Object[] audit(int originId, AuditStore.Item item) {
        IncomingResource r = item.resource();
        AuditEventRow row = item.row();
        return new Object[]{originId, r.id(), cut(r.versionId(), 64), r.lastUpdated(), item.hash(), row.recorded(),
            cut(row.typeCode(), 128), cut(row.typeDisplay(), 256),
            // the search columns whole: a filter finds an event however many agents, entities or words it has
            row.subtypeCodes(), AuditWriter.shown(row.subtypeDisplay(), 1024), cut(row.action(), 1),
            cut(row.outcome(), 2), cut(row.sourceSite(), 256), cut(row.sourceObserver(), 256), row.purposeCodes(),
            row.agentKeys(), row.entityKeys(), AuditWriter.shown(row.agents(), 2048),
            AuditWriter.shown(row.entities(), 2048), AuditWriter.shown(row.patients(), 1024),
            row.patientKeys().isEmpty() ? "" : "|" + String.join("|", row.patientKeys()) + "|", row.searchText(),
            row.agentBits()};
    }

    static byte[] auditLeaf(Leaf leaf, Object[] values, byte[] raw) {
        return leaf.start(Ledger.AUDIT).addAll(values).add(raw).finish();
    }

    static byte[] leaf(Leaf leaf, String table, Object[] values) {
        return leaf.start(table).addAll(values).finish();
    }

    static int columnCount(String table) {
        return switch (table) {
            case Ledger.AUDIT -> AUDIT_COUNT;
            case Ledger.RESOURCE -> 7;
            case Ledger.QUARANTINE -> 9;
            case Ledger.TOMBSTONE -> 5;
            default -> 4;
        };
    }

    /** {@code n} values from column {@code first} on, as the writers bound them (numbers as Long, text as String). */
    static Object[] read(java.sql.ResultSet rs, int first, int n) throws java.sql.SQLException {
        Object[] out = new Object[n];
        for (int i = 0; i < n; i++) {
            Object v = rs.getObject(first + i);
            out[i] = v instanceof Number num ? (Object) num.longValue() : v;
        }
        return out;
    }

    /** The origin a row of {@code table} belongs to, from its values (null for none). */
    static Integer originOf(String table, Object[] values) {
        Object o = switch (table) {
            case Ledger.AUDIT, Ledger.TOMBSTONE -> values[0];
            case Ledger.RESOURCE -> values[2];
            case Ledger.QUARANTINE -> values[1];
            default -> values[0];
        };
        return o == null ? null : ((Number) o).intValue();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
