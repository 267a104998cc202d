package org.custos.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The fingerprint of one stored row: SHA-256 over its values in a fixed, unambiguous encoding (each value typed and
 * length-prefixed), cut to its first 16 bytes. The ledger keeps it; {@code custos verify} computes it again from the
 * row as stored and compares. Numbers are encoded as 8 bytes whatever their column type, text as UTF-8.
 */
final class Leaf {
    static final int SIZE = 16;
    private final MessageDigest sha;
    private final ByteBuffer buf = ByteBuffer.allocate(9);

    Leaf() {
        sha = sha256();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This Java has no SHA-256", e);
        }
    }

    /** Starts a new fingerprint of a row of {@code table}. */
    Leaf start(String table) {
        sha.reset();
        add(table);
        return this;
    }

    Leaf add(Object v) {
        if (v == null) {
            sha.update((byte) 0);
        } else if (v instanceof Number n) {
            buf.clear();
            buf.put((byte) 1).putLong(n.longValue());
            sha.update(buf.array(), 0, 9);
        } else if (v instanceof String s) {
            bytes((byte) 2, s.getBytes(StandardCharsets.UTF_8));
        } else if (v instanceof byte[] b) {
            bytes((byte) 3, b);
        } else if (v instanceof Boolean b) {
            sha.update((byte) (b ? 5 : 4));
        } else {
            throw new IllegalArgumentException("No fingerprint encoding for " + v.getClass());
        }
        return this;
    }

    private void bytes(byte tag, byte[] b) {
        buf.clear();
        buf.put(tag).putInt(b.length);
        sha.update(buf.array(), 0, 5);
        sha.update(b);
    }

    Leaf addAll(Object[] values) {
        for (Object v : values) {
            add(v);
        }
        return this;
    }

    /** The fingerprint: the first {@value #SIZE} bytes of the digest. */
    byte[] finish() {
        byte[] full = sha.digest();
        byte[] out = new byte[SIZE];
        System.arraycopy(full, 0, out, 0, SIZE);
        return out;
    }
}
