package org.custos.cache;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.custos.cache.AuditStore.cut;

/**
 * The write side of {@link AuditStore}, within the caller's transaction. AuditEvents are evidence: a version that
 * differs from every one kept of the same (origin, id) is stored beside them, never over them. The newest becomes
 * the current one (flagged {@link State#CHANGED}); the others are {@link State#SUPERSEDED}.
 */
final class AuditWriter {
    private final ObjectMapper mapper = new ObjectMapper();
    private final RawStore raws;
    private final AtomicLong nextPk;
    private final FactsIds facts;
    private final AccessDays counted;

    AuditWriter(RawStore raws, AtomicLong nextPk, FactsIds facts, AccessDays counted) {
        this.raws = raws;
        this.nextPk = nextPk;
        this.facts = facts;
        this.counted = counted;
    }

    /** A version of one event: stored (pk, state) or on its way (the pk it will get). */
    private static final class Version {
        final long pk;
        final long hash;
        final String versionId;
        int state;
        final boolean stored;
        /** Where a stored version's text is, or the text of one on its way. */
        long block;
        int slot;
        byte[] text;

        Version(long pk, long hash, String versionId, int state, boolean stored) {
            this.pk = pk;
            this.hash = hash;
            this.versionId = versionId;
            this.state = state;
            this.stored = stored;
        }

        boolean current() {
            return (state & State.SUPERSEDED) == 0;
        }
    }

    /** One row to insert: an item, its pk and the state it gets. */
    private record Row(AuditStore.Item item, Version version) {
    }

    /**
     * {@code packed}: the raw block of all {@code items}' texts in their order ({@link AuditStore#batch}), or null;
     * it is used when every item is written, else the texts to write are packed here.
     */
    UpsertCounts upsert(Connection c, int originId, List<AuditStore.Item> items, byte[] packed)
            throws SQLException {
        return upsert(c, originId, items, packed, null, null);
    }

    /**
     * {@code preValues} and {@code preLeaves}: every item's stored values and fingerprint, made with the block on the
     * parsing thread ({@link AuditStore#batch}) for this origin, or null.
     */
    UpsertCounts upsert(Connection c, int originId, List<AuditStore.Item> items, byte[] packed, Object[][] preValues,
                        byte[][] preLeaves) throws SQLException {
        Map<String, List<Version>> versions = findExisting(c, originId, items);
        int added = 0;
        int unchanged = 0;
        int updated = 0;
        List<Row> write = new ArrayList<>(items.size());
        Map<Long, Integer> stateChanges = new HashMap<>();
        for (AuditStore.Item item : items) {
            IncomingResource r = item.resource();
            List<Version> kept = versions.computeIfAbsent(r.id(), k -> new ArrayList<>());
            Version current = kept.stream().filter(Version::current).findFirst().orElse(null);
            Version same = null;
            for (Version v : kept) {
                // the 64-bit content hash only finds candidates: the same version means the same bytes
                if (v.hash == item.hash() && Arrays.equals(textOf(c, v), r.utf8())) {
                    same = v;
                    break;
                }
            }
            if (same != null) {
                if (same.current() || current != null && Versions.isOlder(r.versionId(), current.versionId)) {
                    unchanged++; // this very version is kept already
                } else {
                    // an earlier text is the origin's word again (a file without versionIds imported once more)
                    if (current != null) {
                        setState(current, State.SUPERSEDED, stateChanges);
                    }
                    setState(same, State.CHANGED, stateChanges);
                    updated++;
                }
                continue;
            }
            Version mine;
            if (current == null) {
                mine = new Version(nextPk.getAndIncrement(), item.hash(), r.versionId(), 0, false);
                added++;
            } else if (Versions.isOlder(r.versionId(), current.versionId)) {
                // an earlier version than the current one (a late page of an overlapping window): kept beside it
                mine = new Version(nextPk.getAndIncrement(), item.hash(), r.versionId(), State.SUPERSEDED, false);
                setState(current, current.state | State.CHANGED, stateChanges);
                updated++;
            } else {
                // a new current version; the old one stays, superseded (its deleted flag ends: the event is back)
                setState(current, State.SUPERSEDED, stateChanges);
                mine = new Version(nextPk.getAndIncrement(), item.hash(), r.versionId(), State.CHANGED, false);
                updated++;
            }
            mine.text = r.utf8();
            kept.add(mine);
            write.add(new Row(item, mine));
        }
        if (!stateChanges.isEmpty()) {
            long[] changed = new long[stateChanges.size()];
            int[] states = new int[changed.length];
            int n = 0;
            // the access index holds current versions only: a version that stops being current loses its rows, one
            // that becomes current gets them (read before the new states are written; a flag change alone: nothing)
            try (AccessIndex.Writer access = new AccessIndex.Writer(c, raws, facts, counted);
                 PreparedStatement was = c.prepareStatement("SELECT state FROM audit_event WHERE pk = ?")) {
                for (Map.Entry<Long, Integer> e : stateChanges.entrySet()) {
                    was.setLong(1, e.getKey());
                    boolean before;
                    try (ResultSet rs = was.executeQuery()) {
                        before = rs.next() && (rs.getInt(1) & State.SUPERSEDED) == 0;
                    }
                    boolean now = (e.getValue() & State.SUPERSEDED) == 0;
                    if (before && !now) {
                        access.drop(e.getKey());
                    } else if (!before && now) {
                        access.addStored(e.getKey());
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE audit_event SET state = ? WHERE pk = ?")) {
                for (Map.Entry<Long, Integer> e : new java.util.TreeMap<>(stateChanges).entrySet()) {
                    ps.setInt(1, e.getValue());
                    ps.setLong(2, e.getKey());
                    ps.addBatch();
                    changed[n] = e.getKey();
                    states[n++] = e.getValue();
                }
                ps.executeBatch();
            }
            Ledger.state(c, originId, Ledger.AUDIT, changed, states);
        }
        if (write.isEmpty()) {
            return new UpsertCounts(added, updated, unchanged);
        }
        // every item written, in order: the pre-packed block is the items' texts
        boolean all = packed != null && preValues != null && write.size() == items.size();
        long block = raws.write(c, all ? packed
                : RawBlocks.packUtf8(write.stream().map(w -> w.item().resource().utf8()).toList()));
        java.util.Set<String> terms = new java.util.HashSet<>();
        long[] pks = new long[write.size()];
        int[] states = new int[write.size()];
        byte[][] leaves = new byte[write.size()][];
        Leaf leaf = null;
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO audit_event (pk, " + StoredRows.AUDIT_COLUMNS
                + ", raw_block, raw_slot, state, facts_id) VALUES (?" + ",?".repeat(StoredRows.AUDIT_COUNT + 4) + ")");
             PreparedStatement purpose = c.prepareStatement("INSERT INTO audit_purpose (k, event_pk) VALUES (?, ?)");
             AccessIndex.Writer access = new AccessIndex.Writer(c, raws, facts, counted)) {
            access.prepare(write.stream().map(w -> w.item().row().facts()).toList());
            for (int slot = 0; slot < write.size(); slot++) {
                Row w = write.get(slot);
                AuditStore.Item item = w.item();
                long pk = w.version().pk;
                Object[] values = all ? preValues[slot] : StoredRows.audit(originId, item);
                ins.setLong(1, pk);
                for (int i = 0; i < values.length; i++) {
                    ins.setObject(i + 2, values[i]);
                }
                int i = values.length + 2;
                ins.setLong(i++, block);
                ins.setInt(i++, slot);
                ins.setInt(i++, w.version().state);
                int factsId = access.factsId(item.row().facts());
                ins.setInt(i, factsId);
                pks[slot] = pk;
                states[slot] = w.version().state;
                if (all && preLeaves != null) {
                    leaves[slot] = preLeaves[slot];
                } else {
                    leaf = leaf == null ? new Leaf() : leaf;
                    leaves[slot] = StoredRows.auditLeaf(leaf, values, item.resource().utf8());
                }
                terms.addAll(item.row().agentTerms());
                ins.addBatch();
                if ((w.version().state & State.SUPERSEDED) == 0) {
                    access.add(pk, originId, item.row().recorded(), IndexSums.parts((String) values[20]), factsId);
                }
                for (String k : item.row().purposeKeys()) {
                    purpose.setString(1, cut(k, 128));
                    purpose.setLong(2, pk);
                    purpose.addBatch();
                }
            }
            ins.executeBatch();
            purpose.executeBatch();
        }
        Ledger.stored(c, originId, Ledger.AUDIT, pks, leaves, states);
        AgentIndex.remember(c, terms);
        return new UpsertCounts(added, updated, unchanged);
    }

    private byte[] textOf(Connection c, Version v) throws SQLException {
        return v.stored ? raws.readBytes(c, v.block, v.slot) : v.text;
    }

    /** A stored row's new state is written after the decisions; a row of this batch just takes it. */
    private static void setState(Version v, int state, Map<Long, Integer> changes) {
        v.state = state;
        if (v.stored) {
            changes.put(v.pk, state);
        }
    }

    /**
     * Flags the event an origin reported deleted, unless the cache holds a newer version than the deleted one (the
     * event came back). The event and all its versions stay: they are evidence. Returns whether it was flagged now.
     */
    boolean markDeleted(Connection c, int originId, String resId, String deletedVersion, long deletedAt)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pk, version_id, last_updated, state FROM audit_event "
                + "USE INDEX (audit_event_res) WHERE res_id = ? AND origin_id = ? AND BITAND(state, 1) = 0")) {
            ps.setString(1, resId);
            ps.setInt(2, originId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || (rs.getInt(4) & State.DELETED) != 0 || Versions.isOlder(deletedVersion, rs.getString(2))
                        || Versions.laterThanDelete(deletedVersion, rs.getObject(3, Long.class), deletedAt)) {
                    return false;
                }
                int state = rs.getInt(4) | State.DELETED;
                try (PreparedStatement u = c.prepareStatement("UPDATE audit_event SET state = ? WHERE pk = ?")) {
                    u.setInt(1, state);
                    u.setLong(2, rs.getLong(1));
                    u.executeUpdate();
                }
                Ledger.state(c, originId, Ledger.AUDIT, new long[]{rs.getLong(1)}, new int[]{state});
                // the suspicious-access rules read it again (rule changed-deleted)
                try (PreparedStatement r = c.prepareStatement("MERGE INTO alert_recheck (event_pk) KEY (event_pk) "
                        + "VALUES (?)")) {
                    r.setLong(1, rs.getLong(1));
                    r.executeUpdate();
                }
                return true;
            }
        }
    }

    /**
     * Removes up to {@code limit} events of this origin whose current version was recorded before {@code before}
     * (outside a cache window), with all their versions and their texts; returns how many events.
     */
    int pruneBefore(Connection c, int originId, long before, int limit) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT res_id FROM audit_event WHERE recorded < ? "
                + "AND origin_id = ? AND BITAND(state, 1) = 0 LIMIT ?")) {
            ps.setLong(1, before);
            ps.setInt(2, originId);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        java.util.Set<Long> blocks = new java.util.HashSet<>();
        List<Long> removed = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT pk FROM audit_event USE INDEX (audit_event_res) WHERE res_id = ? AND origin_id = ?")) {
            for (String id : ids) {
                ps.setString(1, id);
                ps.setInt(2, originId);
                List<Long> pks = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        pks.add(rs.getLong(1));
                    }
                }
                for (long pk : pks) {
                    blocks.add(delete(c, pk));
                }
                removed.addAll(pks);
            }
        }
        raws.tidy(c, blocks);
        Ledger.removed(c, Ledger.PRUNE, originId, Ledger.AUDIT,
                removed.stream().mapToLong(Long::longValue).sorted().toArray());
        return ids.size();
    }

    /**
     * Removes up to {@code limit} versions of this origin's events, oldest rows first, with their keys and texts;
     * returns how many.
     */
    int purge(Connection c, int originId, int limit) throws SQLException {
        List<Long> pks = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pk FROM audit_event WHERE origin_id = ? ORDER BY pk LIMIT ?")) {
            ps.setInt(1, originId);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pks.add(rs.getLong(1));
                }
            }
        }
        java.util.Set<Long> blocks = new java.util.HashSet<>();
        for (long pk : pks) {
            blocks.add(delete(c, pk));
        }
        raws.tidy(c, blocks);
        Ledger.removed(c, Ledger.PURGE, originId, Ledger.AUDIT, pks.stream().mapToLong(Long::longValue).toArray());
        return pks.size();
    }

    /**
     * Removes one stored version: its row and its patient and purpose keys (derived again from its raw text).
     * Returns its raw block, whose text the caller takes off with {@link RawStore#tidy}.
     */
    long delete(Connection c, long pk) throws SQLException {
        long block;
        String purposeCodes;
        boolean current;
        try (PreparedStatement ps = c.prepareStatement("SELECT raw_block, purpose_codes, state FROM audit_event "
                + "WHERE pk = ?")) {
            ps.setLong(1, pk);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return -1;
                }
                block = rs.getLong(1);
                purposeCodes = rs.getString(2);
                current = (rs.getInt(3) & State.SUPERSEDED) == 0;
            }
        }
        // the index rows as they were written, from the row's own columns (not from parsing its text again, which an
        // older Custos may have read differently)
        deleteKeys(c, "audit_purpose", purposeKeys(purposeCodes), 128, pk);
        if (current) {
            // (an earlier version has no access rows)
            try (AccessIndex.Writer access = new AccessIndex.Writer(c, raws, facts, counted)) {
                access.drop(pk);
            }
        }
        try (PreparedStatement d = c.prepareStatement("DELETE FROM audit_event WHERE pk = ?")) {
            d.setLong(1, pk);
            d.executeUpdate();
        }
        return block;
    }

    /** The purpose keys of a '|a|b|' purpose-codes column: lower case, as the index holds them. */
    static List<String> purposeKeys(String column) {
        List<String> out = new ArrayList<>();
        if (column == null || column.length() < 2) {
            return out;
        }
        for (String k : column.substring(1, column.length() - 1).split("\\|", -1)) {
            if (!k.isEmpty()) {
                out.add(AuditExtractor.key(k));
            }
        }
        return out;
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

    /** A column the table shows: at most {@code max} characters, ending in "…" when cut. */
    static String shown(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** Every kept version of these items' ids in this origin. */
    private static Map<String, List<Version>> findExisting(Connection c, int originId, List<AuditStore.Item> items)
            throws SQLException {
        Map<String, List<Version>> found = new HashMap<>();
        Object[] ids = items.stream().map(i -> i.resource().id()).distinct().toArray();
        // only the ids in the condition: H2 then seeks each in the (res_id, origin_id) index; with the origin in the
        // condition too it walked the whole index, testing each entry against the batch's ids (20x slower imports)
        try (PreparedStatement ps = c.prepareStatement("SELECT res_id, pk, content_hash, version_id, state, origin_id, "
                + "raw_block, raw_slot FROM audit_event WHERE res_id = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("VARCHAR", ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getInt(6) != originId) {
                        continue;
                    }
                    Version v = new Version(rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getInt(5), true);
                    v.block = rs.getLong(7);
                    v.slot = rs.getInt(8);
                    found.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(v);
                }
            }
        }
        return found;
    }
}
