package org.custos.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * The tamper-evident record of everything the cache stores, in the order it arrived: a hash chain. Every write
 * transaction adds one entry per table it wrote to: which rows (their keys) with each row's fingerprint
 * ({@link Leaf}), or which rows it removed on purpose (a purge, a cache window, a server-side delete of a Consent).
 * An entry's digest covers all of that; its link is SHA-256 of the previous link and its digest, so changing,
 * removing or inserting an entry anywhere breaks every link after it. {@link Verifier} recomputes it all from the
 * rows as stored. The chain head (last seq and link) can be written down: a later verify given that head proves
 * that nothing up to it was rewritten.
 */
final class Ledger {
    static final String AUDIT = "audit_event";
    static final String RESOURCE = "fhir_resource";
    static final String QUARANTINE = "quarantine";
    static final String TOMBSTONE = "tombstone";
    static final String ORIGIN = "origin";
    /** Rows were stored (keys, fingerprints, state bits). */
    static final String STORED = "STORED";
    /** Rows stored before the ledger existed, recorded when the cache was upgraded. */
    static final String SEALED = "SEALED";
    /** The state bits of stored rows changed (a new version superseded one, an origin reported a delete). */
    static final String STATE = "STATE";
    /** Rows removed on purpose, and why: an origin purged, a server's cache window, a server-side delete of a
     * Consent or Provenance, quarantined items deleted or imported by a retry. */
    static final String PURGE = "PURGE";
    static final String PRUNE = "PRUNE";
    static final String SERVER_DELETE = "SERVER_DELETE";
    static final String QUARANTINE_DELETE = "QUARANTINE_DELETE";

    static boolean removal(String kind) {
        return kind.equals(PURGE) || kind.equals(PRUNE) || kind.equals(SERVER_DELETE)
                || kind.equals(QUARANTINE_DELETE);
    }

    /** How a person reads a removal's reason. */
    static String why(String kind) {
        return switch (kind) {
            case PURGE -> "removed with their origin (purge)";
            case PRUNE -> "left the cache window of their server";
            case SERVER_DELETE -> "deleted on their server (a Consent or Provenance)";
            case QUARANTINE_DELETE -> "deleted from the quarantine (or imported by a retry)";
            default -> kind;
        };
    }
    /** Every digest starts with this: a ledger entry cannot be taken for any other SHA-256 input. */
    private static final String MAGIC = "custos-ledger-1";

    /** The head of the chain: the last entry's seq and link. */
    record Head(long seq, byte[] link) {
        String text() {
            return seq + ":" + HexFormat.of().formatHex(link);
        }
    }

    private Ledger() {
    }

    /** The last entry, or seq 0 and a link of zeros for an empty ledger. */
    static Head head(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, link FROM ledger ORDER BY seq DESC LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new Head(rs.getLong(1), rs.getBytes(2)) : new Head(0, new byte[32]);
        }
    }

    /**
     * Rows written in the caller's transaction: their keys, in order, fingerprints (16 bytes each) and state bits
     * ({@code states} null: all 0).
     */
    static void stored(Connection c, Integer originId, String table, long[] pks, byte[][] leaves, int[] states)
            throws SQLException {
        append(c, STORED, originId, table, pks, leaves, states == null ? new int[pks.length] : states);
    }

    static void stored(Connection c, Integer originId, String table, long[] pks, byte[][] leaves)
            throws SQLException {
        stored(c, originId, table, pks, leaves, null);
    }

    /** State bits of stored rows changed in the caller's transaction. */
    static void state(Connection c, Integer originId, String table, long[] pks, int[] states) throws SQLException {
        append(c, STATE, originId, table, pks, null, states);
    }

    /** Rows removed on purpose in the caller's transaction, and why ({@link #PURGE}, {@link #PRUNE}, …). */
    static void removed(Connection c, String why, Integer originId, String table, long[] pks) throws SQLException {
        if (!removal(why)) {
            throw new IllegalArgumentException("not a removal: " + why);
        }
        append(c, why, originId, table, pks, null, null);
    }

    static void append(Connection c, String kind, Integer originId, String table, long[] pks, byte[][] leaves,
                       int[] states) throws SQLException {
        if (pks.length == 0) {
            return;
        }
        byte[] body = body(pks, leaves, states);
        Head prev = head(c);
        long seq = prev.seq() + 1;
        long at = System.currentTimeMillis();
        byte[] digest = digest(seq, at, kind, originId, table, pks.length, body);
        byte[] link = link(prev.link(), digest);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ledger (seq, at, kind, origin_id, tbl, n, body, "
                + "digest, link) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, seq);
            ps.setLong(2, at);
            ps.setString(3, kind);
            ps.setObject(4, originId);
            ps.setString(5, table);
            ps.setInt(6, pks.length);
            ps.setBytes(7, body);
            ps.setBytes(8, digest);
            ps.setBytes(9, link);
            ps.executeUpdate();
        }
    }

    /** Keys (8 bytes each), each followed by the row's fingerprint (stored rows) and state byte (stored, state). */
    static byte[] body(long[] pks, byte[][] leaves, int[] states) {
        int per = 8 + (leaves == null ? 0 : Leaf.SIZE) + (states == null ? 0 : 1);
        ByteBuffer b = ByteBuffer.allocate(pks.length * per);
        for (int i = 0; i < pks.length; i++) {
            b.putLong(pks[i]);
            if (leaves != null) {
                b.put(leaves[i]);
            }
            if (states != null) {
                b.put((byte) states[i]);
            }
        }
        return b.array();
    }

    /**
     * The newest STORED or SEALED entry of a table: found on the index (tbl, kind, seq) of V12, then read by its key
     * (an ORDER BY seq DESC read the ledger backwards, bodies and all, until it met one).
     */
    static final String HIGHEST_STORED = "SELECT n, body FROM ledger WHERE seq = (SELECT MAX(seq) FROM ledger "
            + "WHERE tbl = ? AND kind IN ('" + STORED + "', '" + SEALED + "'))";

    /** The highest key ever stored in {@code table} (0: none): a key is never given twice, even after a purge. */
    static long highestStored(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(HIGHEST_STORED)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return 0;
                }
                int n = rs.getInt(1);
                byte[] body = rs.getBytes(2);
                int per = body.length / n;
                return ByteBuffer.wrap(body, (n - 1) * per, 8).getLong();
            }
        }
    }

    static byte[] digest(long seq, long at, String kind, Integer originId, String table, int n, byte[] body) {
        MessageDigest sha = Leaf.sha256();
        sha.update(MAGIC.getBytes(StandardCharsets.US_ASCII));
        ByteBuffer b = ByteBuffer.allocate(8 + 8 + 8 + 4);
        b.putLong(seq).putLong(at).putLong(originId == null ? -1 : originId).putInt(n);
        sha.update(b.array());
        sha.update(kind.getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) 0);
        sha.update(table.getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) 0);
        sha.update(body);
        return sha.digest();
    }

    static byte[] link(byte[] previous, byte[] digest) {
        MessageDigest sha = Leaf.sha256();
        sha.update(previous);
        sha.update(digest);
        return sha.digest();
    }
}
