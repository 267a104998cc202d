package org.custos.cache;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.custos.cache.AuditStore.cut;

/** The write side of {@link AuditStore}: upsert by id and content, within the caller's transaction. */
final class AuditWriter {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final RawStore raws;
    private final AtomicLong nextPk;

    AuditWriter(RawStore raws, AtomicLong nextPk) {
        this.raws = raws;
        this.nextPk = nextPk;
    }

    private record Existing(long pk, long hash, String versionId) {
    }

    /**
     * {@code packed}: the raw block of all {@code items}' texts in their order ({@link AuditStore#batch}), or null;
     * it is used when every item is written, else the texts to write are packed here.
     */
    UpsertCounts upsert(Connection c, int originId, List<AuditStore.Item> items, byte[] packed)
            throws SQLException {
        Map<String, Existing> existing = findExisting(c, items);
        int added = 0;
        int unchanged = 0;
        int updated = 0;
        List<AuditStore.Item> write = new ArrayList<>(items.size());
        Map<String, Integer> slotOfId = new HashMap<>();
        for (AuditStore.Item item : items) {
            IncomingResource r = item.resource();
            long hash = item.hash();
            Existing old = existing.get(r.id());
            Integer sameBatch = slotOfId.get(r.id());
            if (old != null && (old.hash() == hash || Versions.isOlder(r.versionId(), old.versionId()))) {
                // the same text, or an older version than the cached one (a late page of an overlapping window)
                unchanged++;
            } else if (sameBatch != null) {
                // the same id twice in one batch: the later text wins
                write.set(sameBatch, item);
                existing.put(r.id(), new Existing(-1, hash, r.versionId()));
                updated++;
            } else {
                if (old != null) {
                    delete(c, old.pk());
                    updated++;
                } else {
                    added++;
                }
                slotOfId.put(r.id(), write.size());
                write.add(item);
                existing.put(r.id(), new Existing(-1, hash, r.versionId()));
            }
        }
        if (write.isEmpty()) {
            return new UpsertCounts(added, updated, unchanged);
        }
        // every item written, none twice (a repeated id makes the list shorter): the list is the items, in order
        boolean all = packed != null && write.size() == items.size();
        long block = raws.write(c, all ? packed
                : RawBlocks.packUtf8(write.stream().map(i -> i.resource().utf8()).toList()));
        java.util.Set<String> terms = new java.util.HashSet<>();
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO audit_event (pk, res_id, version_id, "
                + "last_updated, origin_id, content_hash, recorded, type_code, type_display, subtype_codes, "
                + "subtype_display, action, outcome, source_site, source_observer, purpose_codes, agent_keys, "
                + "entity_keys, agents, entities, patients, search_text, raw_block, raw_slot, agent_bits) "
                + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
             PreparedStatement patient = c.prepareStatement("INSERT INTO audit_patient (k, event_pk) VALUES (?, ?)");
             PreparedStatement purpose = c.prepareStatement("INSERT INTO audit_purpose (k, event_pk) VALUES (?, ?)")) {
            for (int slot = 0; slot < write.size(); slot++) {
                AuditStore.Item item = write.get(slot);
                long pk = nextPk.getAndIncrement();
                bindInsert(ins, pk, originId, item.hash(), item);
                ins.setLong(23, block);
                ins.setInt(24, slot);
                ins.setLong(25, item.row().agentBits());
                terms.addAll(item.row().agentTerms());
                ins.addBatch();
                for (String k : item.row().patientKeys()) {
                    patient.setString(1, cut(k, 512));
                    patient.setLong(2, pk);
                    patient.addBatch();
                }
                for (String k : item.row().purposeKeys()) {
                    purpose.setString(1, cut(k, 128));
                    purpose.setLong(2, pk);
                    purpose.addBatch();
                }
            }
            ins.executeBatch();
            patient.executeBatch();
            purpose.executeBatch();
        }
        AgentIndex.remember(c, terms);
        return new UpsertCounts(added, updated, unchanged);
    }

    /**
     * Removes the event a server reported deleted, unless the cache holds a newer version than the deleted one
     * (the resource came back). Returns whether a row was removed.
     */
    boolean deleteById(Connection c, String resId, String deletedVersion, long deletedAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pk, version_id, last_updated FROM audit_event WHERE res_id = ?")) {
            ps.setString(1, resId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || Versions.isOlder(deletedVersion, rs.getString(2))
                        || Versions.laterThanDelete(deletedVersion, rs.getObject(3, Long.class), deletedAt)) {
                    return false;
                }
                delete(c, rs.getLong(1));
                return true;
            }
        }
    }

    /**
     * Removes up to {@code limit} events of this origin recorded before {@code before} (outside a cache window);
     * returns how many.
     */
    int pruneBefore(Connection c, int originId, long before, int limit) throws SQLException {
        List<Long> pks = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT pk FROM audit_event WHERE recorded < ? "
                + "AND origin_id = ? LIMIT ?")) {
            ps.setLong(1, before);
            ps.setInt(2, originId);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pks.add(rs.getLong(1));
                }
            }
        }
        for (long pk : pks) {
            delete(c, pk);
        }
        return pks.size();
    }

    /** Removes a replaced version: its row and its patient keys (derived again from its raw text). */
    private void delete(Connection c, long pk) throws SQLException {
        String oldRaw = raws.textOf(c, "e.pk = ?", pk).orElse(null);
        if (oldRaw != null) {
            AuditEventRow old;
            try {
                old = AuditExtractor.extract(MAPPER.readTree(oldRaw));
            } catch (java.io.IOException | InvalidResourceException e) {
                old = null;
            }
            if (old != null) {
                deleteKeys(c, "audit_patient", old.patientKeys(), 512, pk);
                deleteKeys(c, "audit_purpose", old.purposeKeys(), 128, pk);
            }
        }
        // its text stays in its block, unreferenced
        try (PreparedStatement d = c.prepareStatement("DELETE FROM audit_event WHERE pk = ?")) {
            d.setLong(1, pk);
            d.executeUpdate();
        }
    }

    private static void deleteKeys(Connection c, String table, List<String> keys, int max, long pk)
            throws SQLException {
        try (PreparedStatement d = c.prepareStatement("DELETE FROM " + table + " WHERE k = ? AND event_pk = ?")) {
            for (String k : keys) {
                d.setString(1, cut(k, max));
                d.setLong(2, pk);
                d.addBatch();
            }
            d.executeBatch();
        }
    }

    private static void bindInsert(PreparedStatement ins, long pk, int originId, long hash, AuditStore.Item item)
            throws SQLException {
        IncomingResource r = item.resource();
        AuditEventRow row = item.row();
        int i = 1;
        ins.setLong(i++, pk);
        ins.setString(i++, r.id());
        ins.setString(i++, cut(r.versionId(), 64));
        ins.setObject(i++, r.lastUpdated());
        ins.setInt(i++, originId);
        ins.setLong(i++, hash);
        ins.setLong(i++, row.recorded());
        ins.setString(i++, cut(row.typeCode(), 128));
        ins.setString(i++, cut(row.typeDisplay(), 256));
        ins.setString(i++, cut(row.subtypeCodes(), 1024));
        ins.setString(i++, cut(row.subtypeDisplay(), 1024));
        ins.setString(i++, cut(row.action(), 1));
        ins.setString(i++, cut(row.outcome(), 2));
        ins.setString(i++, cut(row.sourceSite(), 256));
        ins.setString(i++, cut(row.sourceObserver(), 256));
        ins.setString(i++, cut(row.purposeCodes(), 1024));
        ins.setString(i++, cut(row.agentKeys(), 2048));
        ins.setString(i++, cut(row.entityKeys(), 2048));
        ins.setString(i++, cut(row.agents(), 2048));
        ins.setString(i++, cut(row.entities(), 2048));
        ins.setString(i++, cut(row.patients(), 1024));
        ins.setString(i, cut(row.searchText(), 8192));
    }

    private static Map<String, Existing> findExisting(Connection c, List<AuditStore.Item> items) throws SQLException {
        Map<String, Existing> found = new HashMap<>();
        Object[] ids = items.stream().map(i -> i.resource().id()).distinct().toArray();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT res_id, pk, content_hash, version_id FROM audit_event WHERE res_id = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("VARCHAR", ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), new Existing(rs.getLong(2), rs.getLong(3), rs.getString(4)));
                }
            }
        }
        return found;
    }
}
