package org.custos.cache;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * OCB3 authenticated encryption (RFC 7253: AES, a 96-bit nonce, a 128-bit tag) on the JDK's AES in ECB form, which
 * Java 17 runs many blocks at a time on the processor's AES instructions: each 1 KiB block of the encrypted cache is
 * one ECB call over its 64 AES blocks, plus two single-block calls (the nonce's key and the associated data in one, the
 * tag). The JDK's AES-GCM, set up afresh for each block, cost 1.7–1.8 times as much (see the README). Checked
 * against Bouncy Castle's OCB and RFC 7253's test vectors ({@code OcbTest}).
 * <p>
 * 128-bit values are kept as two longs read from their bytes little-endian (the processor's order here): an exclusive or
 * is the same in any byte order, and only doubling and the nonce's stretch, done once per key or per call, need the
 * RFC's big-endian reading. No offsets are stored (a per-key table of their differences from the first instead); the buffer that
 * holds a plaintext xor its offsets while sealing is zeroed after; after opening it holds the ciphertext xor its
 * offsets, which gives nothing without the key — and whoever can read this process's memory has the key anyway (the
 * ciphers hold it), so this is tidiness, not a defence. {@code in} and {@code out} may be the same bytes (not shifted
 * copies). Not thread-safe: one instance per thread (its ciphers and buffers).
 */
final class Ocb {
    static final int NONCE = 12;
    static final int TAG = 16;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    private final Cipher encipher;
    private final Cipher decipher;
    /** L_* and L_$ (RFC 7253 4.1), little-endian longs. */
    private final long lStar0;
    private final long lStar1;
    private final long lDollar0;
    private final long lDollar1;
    /** L_0 … L_63, pairs of little-endian longs. */
    private final long[] l = new long[128];
    /**
     * Offset_i xor Offset_0 for i = 1, 2, … (the xor of L_ntz(1) … L_ntz(i)), pairs: every block's offset without a
     * chain of xors from one to the next. 64 blocks (1 KiB) from the start, grown for a longer call.
     */
    private long[] delta = new long[0];
    private final byte[] in16 = new byte[32];
    private final byte[] out16 = new byte[32];
    private byte[] masked = new byte[1024];
    private long tag0;
    private long tag1;
    /** The plaintext's checksum over the full blocks, from {@link #mask}; zeroed once used. */
    private long check0;
    private long check1;

    Ocb(SecretKey key) throws GeneralSecurityException {
        encipher = Cipher.getInstance("AES/ECB/NoPadding");
        encipher.init(Cipher.ENCRYPT_MODE, key);
        decipher = Cipher.getInstance("AES/ECB/NoPadding");
        decipher.init(Cipher.DECRYPT_MODE, key);
        encipher.doFinal(new byte[16], 0, 16, out16, 0);
        long hi = Long.reverseBytes(get(out16, 0));
        long lo = Long.reverseBytes(get(out16, 8));
        Arrays.fill(out16, (byte) 0);
        lStar0 = Long.reverseBytes(hi);
        lStar1 = Long.reverseBytes(lo);
        long h = doubleHi(hi, lo);
        lo = doubleLo(hi, lo);
        hi = h;
        lDollar0 = Long.reverseBytes(hi);
        lDollar1 = Long.reverseBytes(lo);
        for (int i = 0; i < 64; i++) {
            h = doubleHi(hi, lo);
            lo = doubleLo(hi, lo);
            hi = h;
            l[2 * i] = Long.reverseBytes(hi);
            l[2 * i + 1] = Long.reverseBytes(lo);
        }
        growDelta(64);
    }

    /** Makes {@link #delta} cover at least {@code blocks} blocks. */
    private void growDelta(int blocks) {
        int had = delta.length / 2;
        if (blocks <= had) {
            return;
        }
        long[] d = Arrays.copyOf(delta, 2 * blocks);
        long d0 = had == 0 ? 0 : d[2 * had - 2];
        long d1 = had == 0 ? 0 : d[2 * had - 1];
        for (int i = had; i < blocks; i++) {
            int z = Integer.numberOfTrailingZeros(i + 1);
            d0 ^= l[2 * z];
            d1 ^= l[2 * z + 1];
            d[2 * i] = d0;
            d[2 * i + 1] = d1;
        }
        delta = d;
    }

    /**
     * The key an encrypted cache's blocks are sealed under: HMAC-SHA256 of the cache's key over a label of their own,
     * so that the blocks (OCB3) and the header's check value (AES-GCM under the cache's key) never share a key.
     */
    static SecretKey blockKey(SecretKey cacheKey) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        byte[] raw = cacheKey.getEncoded();
        try {
            mac.init(new SecretKeySpec(raw, "HmacSHA256"));
        } finally {
            Arrays.fill(raw, (byte) 0); // the copy getEncoded() made (the spec keeps its own)
        }
        byte[] k = mac.doFinal("Custos encrypted cache: 1 KiB blocks, AES-256-OCB3, v2".getBytes(
                StandardCharsets.US_ASCII));
        try {
            return new SecretKeySpec(k, "AES");
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** Seals {@code len} bytes of {@code in} into {@code out}: the ciphertext, then the 16-byte tag. */
    void seal(byte[] nonce, int nonceAt, byte[] ad, int adAt, int adLen, byte[] in, int inAt, int len, byte[] out,
              int outAt) throws GeneralSecurityException {
        crypt(true, nonce, nonceAt, ad, adAt, adLen, in, inAt, len, out, outAt);
        set(out, outAt + len, tag0);
        set(out, outAt + len + 8, tag1);
    }

    /**
     * Opens {@code sealedLen} bytes of {@code in} (ciphertext and tag) into {@code out} ({@code sealedLen - 16}
     * bytes); false, with those bytes zeroed, when the tag does not match.
     */
    boolean open(byte[] nonce, int nonceAt, byte[] ad, int adAt, int adLen, byte[] in, int inAt, int sealedLen,
                 byte[] out, int outAt) throws GeneralSecurityException {
        int len = sealedLen - TAG;
        if (len < 0) {
            throw new IllegalArgumentException("shorter than a tag: " + sealedLen + " bytes");
        }
        long expected0 = get(in, inAt + len); // before anything is written: out may overlap in
        long expected1 = get(in, inAt + len + 8);
        crypt(false, nonce, nonceAt, ad, adAt, adLen, in, inAt, len, out, outAt);
        // every bit compared, whatever differs first
        if (((tag0 ^ expected0) | (tag1 ^ expected1)) != 0) {
            Arrays.fill(out, outAt, outAt + len, (byte) 0);
            return false;
        }
        return true;
    }

    /** Enciphers or deciphers {@code len} bytes; the tag is left in {@link #tag0}, {@link #tag1}. */
    private void crypt(boolean encrypt, byte[] nonce, int nonceAt, byte[] ad, int adAt, int adLen, byte[] in,
                       int inAt, int len, byte[] out, int outAt) throws GeneralSecurityException {
        // the nonce block (RFC 7253 4.2, tag length 128: 0^31 · 1 · N) with its last six bits cleared, and, when the
        // associated data is one partial block (the channel's 8-byte block number), that block: one call for both
        in16[0] = 0;
        in16[1] = 0;
        in16[2] = 0;
        in16[3] = 1;
        System.arraycopy(nonce, nonceAt, in16, 4, NONCE);
        int bottom = in16[15] & 0x3F;
        in16[15] &= (byte) 0xC0;
        boolean oneAdBlock = adLen > 0 && adLen < 16;
        if (oneAdBlock) {
            Arrays.fill(in16, 16, 32, (byte) 0);
            System.arraycopy(ad, adAt, in16, 16, adLen);
            in16[16 + adLen] = (byte) 0x80;
            set(in16, 16, get(in16, 16) ^ lStar0);
            set(in16, 24, get(in16, 24) ^ lStar1);
        }
        encipher.doFinal(in16, 0, oneAdBlock ? 32 : 16, out16, 0);
        long kHi = Long.reverseBytes(get(out16, 0));
        long kLo = Long.reverseBytes(get(out16, 8));
        long stretch = kHi ^ ((kHi << 8) | (kLo >>> 56));
        long o0 = Long.reverseBytes(bottom == 0 ? kHi : (kHi << bottom) | (kLo >>> (64 - bottom)));
        long o1 = Long.reverseBytes(bottom == 0 ? kLo : (kLo << bottom) | (stretch >>> (64 - bottom)));
        long sum0;
        long sum1;
        if (oneAdBlock) {
            sum0 = get(out16, 16);
            sum1 = get(out16, 24);
        } else {
            long[] sum = hash(ad, adAt, adLen);
            sum0 = sum[0];
            sum1 = sum[1];
        }
        Arrays.fill(out16, (byte) 0);

        int full = len / 16;
        if (masked.length < full * 16) {
            masked = new byte[full * 16];
        }
        growDelta(full);
        // the full blocks: each xor its offset, one ECB call for all of them straight into out, then xor the offsets
        // again there (from the table: no offset is kept); the plaintext read before out is written (out may be in)
        mask(encrypt, in, inAt, full, o0, o1);
        long check0 = this.check0;
        long check1 = this.check1;
        if (full > 0) {
            (encrypt ? encipher : decipher).doFinal(masked, 0, full * 16, out, outAt);
            if (encrypt) {
                Arrays.fill(masked, 0, full * 16, (byte) 0); // the plaintext xor its offsets
            }
            unmask(!encrypt, out, outAt, full, o0, o1);
            if (!encrypt) {
                check0 = this.check0;
                check1 = this.check1;
            }
            o0 ^= delta[2 * full - 2]; // Offset_full
            o1 ^= delta[2 * full - 1];
        }
        this.check0 = 0;
        this.check1 = 0;
        int rest = len - 16 * full;
        if (rest > 0) { // a last partial block: xor with Pad = ENCIPHER(Offset_*)
            o0 ^= lStar0;
            o1 ^= lStar1;
            set(in16, 0, o0);
            set(in16, 8, o1);
            encipher.doFinal(in16, 0, 16, out16, 0);
            Arrays.fill(in16, (byte) 0);
            int p = 16 * full;
            for (int j = 0; j < rest; j++) {
                byte b = (byte) (in[inAt + p + j] ^ out16[j]);
                in16[j] = encrypt ? in[inAt + p + j] : b;
                out[outAt + p + j] = b;
            }
            in16[rest] = (byte) 0x80;
            check0 ^= get(in16, 0);
            check1 ^= get(in16, 8);
            Arrays.fill(in16, (byte) 0);
            Arrays.fill(out16, (byte) 0);
        }
        // Tag = ENCIPHER(Checksum xor Offset xor L_$) xor HASH(A)
        set(in16, 0, check0 ^ o0 ^ lDollar0);
        set(in16, 8, check1 ^ o1 ^ lDollar1);
        encipher.doFinal(in16, 0, 16, out16, 0);
        tag0 = get(out16, 0) ^ sum0;
        tag1 = get(out16, 8) ^ sum1;
        Arrays.fill(in16, (byte) 0);
    }

    /**
     * Each of the {@code full} blocks of {@code in} xor its offset (Offset_0 xor {@link #delta}) into
     * {@link #masked}; when {@code plainIn}, their checksum into {@link #check0}, {@link #check1}.
     */
    private void mask(boolean plainIn, byte[] in, int inAt, int full, long o0, long o1) {
        byte[] m = masked;
        long[] d = delta;
        long c0 = 0;
        long c1 = 0;
        for (int i = 0; i < full; i++) {
            long f0 = o0 ^ d[2 * i];
            long f1 = o1 ^ d[2 * i + 1];
            int p = 16 * i;
            long v0 = (long) LONG.get(in, inAt + p);
            long v1 = (long) LONG.get(in, inAt + p + 8);
            c0 ^= v0;
            c1 ^= v1;
            LONG.set(m, p, v0 ^ f0);
            LONG.set(m, p + 8, v1 ^ f1);
        }
        check0 = plainIn ? c0 : 0;
        check1 = plainIn ? c1 : 0;
    }

    /**
     * Xors each of the {@code full} blocks of {@code out} with its offset again; when {@code plainOut}, their checksum
     * (the plaintext's) into {@link #check0}, {@link #check1}.
     */
    private void unmask(boolean plainOut, byte[] out, int outAt, int full, long o0, long o1) {
        long[] d = delta;
        long c0 = 0;
        long c1 = 0;
        for (int i = 0; i < full; i++) {
            int p = outAt + 16 * i;
            long v0 = (long) LONG.get(out, p) ^ o0 ^ d[2 * i];
            long v1 = (long) LONG.get(out, p + 8) ^ o1 ^ d[2 * i + 1];
            c0 ^= v0;
            c1 ^= v1;
            LONG.set(out, p, v0);
            LONG.set(out, p + 8, v1);
        }
        if (plainOut) {
            check0 = c0;
            check1 = c1;
        }
    }

    /** HASH(K, A) of RFC 7253 4.1. */
    private long[] hash(byte[] ad, int at, int len) throws GeneralSecurityException {
        long sum0 = 0;
        long sum1 = 0;
        long o0 = 0;
        long o1 = 0;
        byte[] b = new byte[16];
        byte[] e = new byte[16];
        int full = len / 16;
        for (int i = 1; i <= full; i++) {
            int z = Integer.numberOfTrailingZeros(i);
            o0 ^= l[2 * z];
            o1 ^= l[2 * z + 1];
            set(b, 0, get(ad, at + 16 * (i - 1)) ^ o0);
            set(b, 8, get(ad, at + 16 * (i - 1) + 8) ^ o1);
            encipher.doFinal(b, 0, 16, e, 0);
            sum0 ^= get(e, 0);
            sum1 ^= get(e, 8);
        }
        int rest = len - 16 * full;
        if (rest > 0) {
            Arrays.fill(b, (byte) 0);
            System.arraycopy(ad, at + 16 * full, b, 0, rest);
            b[rest] = (byte) 0x80;
            set(b, 0, get(b, 0) ^ o0 ^ lStar0);
            set(b, 8, get(b, 8) ^ o1 ^ lStar1);
            encipher.doFinal(b, 0, 16, e, 0);
            sum0 ^= get(e, 0);
            sum1 ^= get(e, 8);
        }
        return new long[] {sum0, sum1};
    }

    private static long get(byte[] b, int at) {
        return (long) LONG.get(b, at);
    }

    private static void set(byte[] b, int at, long v) {
        LONG.set(b, at, v);
    }

    /** The high half of double(S) (RFC 7253 2): S shifted left one bit … */
    private static long doubleHi(long hi, long lo) {
        return (hi << 1) | (lo >>> 63);
    }

    /** … and the low half, with 0x87 added when the top bit was set. */
    private static long doubleLo(long hi, long lo) {
        return (lo << 1) ^ ((hi >> 63) & 0x87);
    }
}
