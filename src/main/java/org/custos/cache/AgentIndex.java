package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes "agent starts with X" cheap without a row per agent: every agent term (a key, or each '|'-separated part
 * of one) sets one of 63 bits in the event's {@code agent_bits}, which the browse index carries; every term ever
 * stored is kept once in {@code audit_agent_key}. A filter looks up the terms starting with X there, and only
 * events with one of their bits are read and tested with the exact LIKE. Events stored before this (bits -1)
 * always pass (bit 63, which no term sets, is in every mask), so the pre-check never hides a match; a few other
 * events pass too (shared bits) and the LIKE removes them.
 */
final class AgentIndex {
    /** The pre-check only pays while a prefix matches a few terms' bits; beyond that the plain scan is used. */
    private static final int MAX_TERMS = 2000;
    private static final int MAX_BITS = 24;
    static final long ALL = -1L;
    /**
     * Never set by a term: rows stored before the bits existed carry -1, so every mask includes this bit and such rows
     * always pass, also when no known term matches (their terms may never have been recorded).
     */
    static final long OLD_ROWS = 1L << 63;

    private AgentIndex() {
    }

    /** The terms of an event's agent keys: each key and, for a key containing '|', each part. */
    static List<String> terms(Collection<String> keys) {
        Set<String> out = new LinkedHashSet<>();
        for (String k : keys) {
            String cut = AuditStore.cut(k, 512);
            out.add(cut);
            if (cut.indexOf('|') >= 0) {
                for (String part : cut.split("\\|")) {
                    if (!part.isEmpty()) {
                        out.add(part);
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    static long bits(Collection<String> terms) {
        long bits = 0;
        for (String t : terms) {
            bits |= 1L << bit(t);
        }
        return bits;
    }

    /** 0..62: bit 63 is {@link #OLD_ROWS}. */
    private static int bit(String term) {
        return ((term.hashCode() * 0x9E3779B9) >>> 26) % 63;
    }

    /** Adds the terms not yet known (one lookup for all, a write only for a new one), in the caller's transaction. */
    static void remember(Connection c, Collection<String> terms) throws SQLException {
        if (terms.isEmpty()) {
            return;
        }
        Set<String> missing = new LinkedHashSet<>(terms);
        try (PreparedStatement ps = c.prepareStatement("SELECT k FROM audit_agent_key WHERE k = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("VARCHAR", terms.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    missing.remove(rs.getString(1));
                }
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        try (PreparedStatement ins = c.prepareStatement("MERGE INTO audit_agent_key KEY (k) VALUES (?)")) {
            for (String t : missing) {
                ins.setString(1, t);
                ins.addBatch();
            }
            ins.executeBatch();
        }
    }

    /**
     * The bits an event must have one of to possibly match agent prefix {@code key}, or {@link #ALL} when the
     * pre-check cannot help (a '|' in the value, too many terms or bits).
     */
    static long mask(Connection c, String key) throws SQLException {
        if (key.isEmpty() || key.length() > 500 || key.indexOf('|') >= 0) {
            return ALL;
        }
        List<String> found = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT k FROM audit_agent_key WHERE k LIKE ? ESCAPE '\\' LIMIT " + (MAX_TERMS + 1))) {
            ps.setString(1, AuditSql.likePrefix(key));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
        }
        if (found.size() > MAX_TERMS) {
            return ALL;
        }
        long mask = bits(found);
        return Long.bitCount(mask) > MAX_BITS ? ALL : mask | OLD_ROWS;
    }
}
