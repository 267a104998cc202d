package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Records in the ledger the rows a cache held before the ledger existed (an upgrade from an older Custos), a
 * thousand rows per entry, each batch in its own transaction with its progress: an upgrade killed half-way goes on
 * where it stopped at the next open. Nothing is written to the cache in between, since this runs as the cache opens.
 */
final class Sealer {
    private static final int BATCH = 1000;

    private Sealer() {
    }

    static boolean pending(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM "
                + "INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'LEDGER_SEAL_PENDING'")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    /**
     * Origin names in the form {@link Origins#normalize} gives them: an older Custos kept a server's base URL as typed
     * (host in capitals, say). Two that become one name are merged into the first; a checkpoint both have keeps the
     * first one's (the other server's next sync then starts over, which stores nothing twice).
     */
    static void normalizeOrigins(Cache cache) {
        cache.inTransaction("Naming the cache's origins", c -> {
            java.util.Map<Integer, String> names = new java.util.TreeMap<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, name FROM origin")) {
                while (rs.next()) {
                    names.put(rs.getInt(1), rs.getString(2));
                }
            }
            java.util.Map<String, Integer> byName = new java.util.HashMap<>();
            names.forEach((id, name) -> byName.putIfAbsent(name, id));
            for (var e : names.entrySet()) {
                String n;
                try {
                    n = Origins.normalize(e.getValue());
                } catch (IllegalArgumentException ex) {
                    continue;
                }
                if (n.equals(e.getValue())) {
                    continue;
                }
                Integer into = byName.get(n);
                if (into == null) {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE origin SET name = ? WHERE id = ?")) {
                        ps.setString(1, n);
                        ps.setInt(2, e.getKey());
                        ps.executeUpdate();
                    }
                    byName.put(n, e.getKey());
                    continue;
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM sync_state s WHERE origin_id = ? AND "
                        + "EXISTS (SELECT 1 FROM sync_state t WHERE t.origin_id = ? AND t.res_type = s.res_type)")) {
                    ps.setInt(1, e.getKey());
                    ps.setInt(2, into);
                    ps.executeUpdate();
                }
                // a quarantined item both had is kept once
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM quarantine q WHERE origin_id = ? AND EXISTS "
                        + "(SELECT 1 FROM quarantine t WHERE t.origin_id = ? AND t.source = q.source AND t.location = "
                        + "q.location AND t.content_hash = q.content_hash)")) {
                    ps.setInt(1, e.getKey());
                    ps.setInt(2, into);
                    ps.executeUpdate();
                }
                for (String table : List.of("audit_event", "fhir_resource", "resource_search", "quarantine",
                        "tombstone", "sync_state")) {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET origin_id = ? WHERE "
                            + "origin_id = ?")) {
                        ps.setInt(1, into);
                        ps.setInt(2, e.getKey());
                        ps.executeUpdate();
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM origin WHERE id = ?")) {
                    ps.setInt(1, e.getKey());
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /**
     * Rows an older Custos stored with search columns cut (free text at 8,000 characters, agent and entity keys at
     * 2,048, subtype and purpose codes at 1,024) get them whole again, derived from their raw text, so that a filter
     * finds them however long those are. Few rows reach those lengths; the rest are left as they are.
     */
    static int restoreCutColumns(Cache cache, RawStore raws) {
        return cache.inTransaction("Restoring search columns an older Custos cut", c -> {
            List<long[]> rows = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pk, raw_block, raw_slot, "
                    + "agent_bits FROM audit_event WHERE LENGTH(search_text) >= 8000 OR LENGTH(agent_keys) >= 2048 OR "
                    + "LENGTH(entity_keys) >= 2048 OR LENGTH(subtype_codes) >= 1024 OR LENGTH(purpose_codes) >= 1024")) {
                while (rs.next()) {
                    rows.add(new long[]{rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)});
                }
            }
            com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
            java.util.Set<String> terms = new java.util.HashSet<>();
            int n = 0;
            try (PreparedStatement u = c.prepareStatement("UPDATE audit_event SET subtype_codes = ?, purpose_codes = ?, "
                    + "agent_keys = ?, entity_keys = ?, search_text = ? WHERE pk = ?")) {
                for (long[] r : rows) {
                    AuditEventRow row;
                    try {
                        row = AuditExtractor.extract(mapper.readTree(raws.read(c, r[1], (int) r[2])));
                    } catch (java.io.IOException | RuntimeException e) {
                        continue; // its text cannot be read again: the row stays as it was
                    }
                    u.setString(1, row.subtypeCodes());
                    u.setString(2, row.purposeCodes());
                    u.setString(3, row.agentKeys());
                    u.setString(4, row.entityKeys());
                    u.setString(5, row.searchText());
                    u.setLong(6, r[0]);
                    u.executeUpdate();
                    if (r[3] != AgentIndex.ALL) {
                        terms.addAll(row.agentTerms());
                    }
                    n++;
                }
            }
            AgentIndex.remember(c, terms);
            return n;
        });
    }

    static void run(Cache cache, RawStore raws) {
        for (String table : List.of(Ledger.ORIGIN, Ledger.AUDIT, Ledger.RESOURCE, Ledger.QUARANTINE, Ledger.TOMBSTONE)) {
            while (cache.inTransaction("Recording the cache's earlier rows in its ledger", c -> sealBatch(c, table,
                    raws))) {
                // next batch
            }
        }
        cache.inTransaction("Recording the cache's earlier rows in its ledger", c -> {
            try (Statement st = c.createStatement()) {
                st.execute("DROP TABLE ledger_seal_pending");
            }
            return null;
        });
    }

    /** Seals the next batch of one table; false when there was none left. */
    private static boolean sealBatch(Connection c, String table, RawStore raws) throws SQLException {
        long doneTo;
        try (PreparedStatement ps = c.prepareStatement("SELECT done_to FROM ledger_seal_pending WHERE tbl = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                doneTo = rs.getLong(1);
            }
        }
        String key = table.equals(Ledger.QUARANTINE) || table.equals(Ledger.TOMBSTONE) || table.equals(Ledger.ORIGIN)
                ? "id" : "pk";
        String columns = switch (table) {
            case Ledger.AUDIT -> StoredRows.AUDIT_COLUMNS + ", raw_block, raw_slot, state";
            case Ledger.RESOURCE -> StoredRows.RESOURCE_COLUMNS + ", state";
            case Ledger.QUARANTINE -> StoredRows.QUARANTINE_COLUMNS;
            case Ledger.TOMBSTONE -> StoredRows.TOMBSTONE_COLUMNS;
            default -> StoredRows.ORIGIN_COLUMNS;
        };
        int n = StoredRows.columnCount(table);
        List<Long> pks = new ArrayList<>();
        List<byte[]> leaves = new ArrayList<>();
        List<Integer> states = new ArrayList<>();
        Leaf leaf = new Leaf();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + key + ", " + columns + " FROM " + table + " WHERE "
                + key + " > ? ORDER BY " + key + " LIMIT " + BATCH)) {
            ps.setLong(1, doneTo);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object[] values = StoredRows.read(rs, 2, n);
                    pks.add(rs.getLong(1));
                    if (table.equals(Ledger.AUDIT)) {
                        byte[] raw = StoredRows.utf8(raws.read(c, rs.getLong(n + 2), rs.getInt(n + 3)));
                        leaves.add(StoredRows.auditLeaf(leaf, values, raw));
                        states.add(rs.getInt(n + 4));
                    } else {
                        leaves.add(StoredRows.leaf(leaf, table, values));
                        states.add(table.equals(Ledger.RESOURCE) ? rs.getInt(n + 2) : 0);
                    }
                }
            }
        }
        if (pks.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM ledger_seal_pending WHERE tbl = ?")) {
                ps.setString(1, table);
                ps.executeUpdate();
            }
            return false;
        }
        Ledger.append(c, Ledger.SEALED, null, table, pks.stream().mapToLong(Long::longValue).toArray(),
                leaves.toArray(byte[][]::new), states.stream().mapToInt(Integer::intValue).toArray());
        try (PreparedStatement ps = c.prepareStatement("UPDATE ledger_seal_pending SET done_to = ? WHERE tbl = ?")) {
            ps.setLong(1, pks.get(pks.size() - 1));
            ps.setString(2, table);
            ps.executeUpdate();
        }
        return true;
    }
}
