package org.custos.cache;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The fingerprint of one stored row: SHA-256 over its values in a fixed, unambiguous encoding (each value typed and
 * length-prefixed), cut to its first 16 bytes. The ledger keeps it; {@code custos verify} computes it again from the
 * row as stored and compares. Numbers are encoded as 8 bytes whatever their column type, text as UTF-8.
 *
 * <p>The encoding is gathered in one reused buffer and digested at once: an import fingerprints every event on its
 * parsing thread, and twenty-odd small digest updates and string copies per event cost more than the digest itself.
 */
final class Leaf {
    static final int SIZE = 16;
    private final MessageDigest sha;
    private byte[] buf = new byte[4096];
    private int len;

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
        len = 0;
        add(table);
        return this;
    }

    private void room(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }

    private void putInt(int v) {
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    Leaf add(Object v) {
        if (v == null) {
            room(1);
            buf[len++] = 0;
        } else if (v instanceof Number n) {
            room(9);
            buf[len++] = 1;
            long x = n.longValue();
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[len++] = (byte) (x >>> shift);
            }
        } else if (v instanceof String s) {
            addString(s);
        } else if (v instanceof byte[] b) {
            room(5 + b.length);
            buf[len++] = 3;
            putInt(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
        } else if (v instanceof Boolean b) {
            room(1);
            buf[len++] = (byte) (b ? 5 : 4);
        } else {
            throw new IllegalArgumentException("No fingerprint encoding for " + v.getClass());
        }
        return this;
    }

    /**
     * Tag 2, the UTF-8 length, the UTF-8 bytes, written straight into the buffer: the bytes of
     * {@code s.getBytes(UTF_8)} (a lone surrogate becomes '?', as there), without making them first.
     */
    private void addString(String s) {
        int n = s.length();
        room(5 + 3 * n);
        int at = len;
        int p = at + 5;
        byte[] b = buf;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                b[p++] = (byte) c;
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | c >> 6);
                b[p++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[p++] = (byte) (0xF0 | cp >> 18);
                b[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
                b[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
                b[p++] = (byte) (0x80 | cp & 0x3F);
            } else if (Character.isSurrogate(c)) {
                b[p++] = '?';
            } else {
                b[p++] = (byte) (0xE0 | c >> 12);
                b[p++] = (byte) (0x80 | c >> 6 & 0x3F);
                b[p++] = (byte) (0x80 | c & 0x3F);
            }
        }
        len = at;
        buf[len++] = 2;
        putInt(p - at - 5);
        len = p;
    }

    Leaf addAll(Object[] values) {
        for (Object v : values) {
            add(v);
        }
        return this;
    }

    /** The fingerprint: the first {@value #SIZE} bytes of the digest. */
    byte[] finish() {
        sha.reset();
        sha.update(buf, 0, len);
        byte[] full = sha.digest();
        return Arrays.copyOf(full, SIZE);
    }
}
