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
    /** Rows were stored. */
    static final String STORED = "STORED";
    /** Rows were removed on purpose. */
    static final String REMOVED = "REMOVED";
    /** Rows stored before the ledger existed, recorded when the cache was upgraded. */
    static final String SEALED = "SEALED";
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

    /** Rows written in the caller's transaction: their keys, in order, and fingerprints (16 bytes each). */
    static void stored(Connection c, Integer originId, String table, long[] pks, byte[][] leaves) throws SQLException {
        append(c, STORED, originId, table, pks, leaves);
    }

    /** Rows removed on purpose in the caller's transaction. */
    static void removed(Connection c, Integer originId, String table, long[] pks) throws SQLException {
        if (pks.length > 0) {
            append(c, REMOVED, originId, table, pks, null);
        }
    }

    static void append(Connection c, String kind, Integer originId, String table, long[] pks, byte[][] leaves)
            throws SQLException {
        if (pks.length == 0) {
            return;
        }
        byte[] body = body(pks, leaves);
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

    /** Keys (8 bytes each) followed, for stored rows, by each row's fingerprint. */
    static byte[] body(long[] pks, byte[][] leaves) {
        ByteBuffer b = ByteBuffer.allocate(pks.length * (8 + (leaves == null ? 0 : Leaf.SIZE)));
        for (int i = 0; i < pks.length; i++) {
            b.putLong(pks[i]);
            if (leaves != null) {
                b.put(leaves[i]);
            }
        }
        return b.array();
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
