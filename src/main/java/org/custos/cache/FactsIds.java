package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ids of {@code audit_facts} rows, remembered: a new set of facts is written through a connection of its own and
 * committed at once, so that every id remembered here is in the table whatever becomes of the transaction that
 * asked (a rolled-back import leaves at most an unused row, which is harmless: rows are only ever looked up by id).
 * Thread-safe; two writers asking for the same new facts at once meet at the table's unique index.
 */
final class FactsIds {
    /** Beyond this many the memory starts again (the table still has them all). */
    private static final int REMEMBERED = 100_000;

    /** A connection to the cache, for the own transaction. */
    interface Connections {
        Connection get() throws SQLException;
    }

    private final Connections connections;
    private final ConcurrentHashMap<String, Integer> known = new ConcurrentHashMap<>();

    FactsIds(Connections connections) {
        this.connections = connections;
    }

    int idOf(String facts) throws SQLException {
        Integer id = known.get(facts);
        if (id != null) {
            return id;
        }
        try (Connection c = connections.get()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(true);
            try {
                id = find(c, facts);
                if (id == null) {
                    try {
                        id = insert(c, facts);
                    } catch (SQLIntegrityConstraintViolationException e) {
                        id = find(c, facts); // another writer added the same facts just now
                        if (id == null) {
                            throw e;
                        }
                    }
                }
            } finally {
                c.setAutoCommit(auto);
            }
        }
        if (known.size() >= REMEMBERED) {
            known.clear();
        }
        known.put(facts, id);
        return id;
    }

    /**
     * The ids of many facts at once: those not remembered are looked up, and the new ones added, in one transaction
     * of its own (one commit for a whole batch of events, not one per new facts).
     */
    java.util.Map<String, Integer> idsOf(java.util.Collection<String> all) throws SQLException {
        java.util.Map<String, Integer> out = new java.util.HashMap<>();
        java.util.Set<String> missing = new java.util.LinkedHashSet<>();
        for (String f : all) {
            Integer id = known.get(f);
            if (id != null) {
                out.put(f, id);
            } else {
                missing.add(f);
            }
        }
        if (missing.isEmpty()) {
            return out;
        }
        try (Connection c = connections.get()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                java.util.Map<String, Integer> found = new java.util.HashMap<>();
                for (String f : missing) {
                    Integer id = find(c, f);
                    found.put(f, id != null ? id : insert(c, f));
                }
                c.commit();
                if (known.size() + found.size() >= REMEMBERED) {
                    known.clear();
                }
                known.putAll(found);
                out.putAll(found);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                // (another writer added some of the same facts at once: one by one, each meeting the unique index)
                for (String f : missing) {
                    out.put(f, idOf(f));
                }
            } finally {
                c.setAutoCommit(auto);
            }
        }
        return out;
    }

    private static int insert(Connection c, String facts) throws SQLException {
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO audit_facts (facts) VALUES (?)",
                Statement.RETURN_GENERATED_KEYS)) {
            ins.setString(1, facts);
            ins.executeUpdate();
            try (ResultSet k = ins.getGeneratedKeys()) {
                k.next();
                return k.getInt(1);
            }
        }
    }

    private static Integer find(Connection c, String facts) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM audit_facts WHERE facts = ?")) {
            ps.setString(1, facts);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : null;
            }
        }
    }
}
