package org.custos.cache;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import java.security.GeneralSecurityException;

/**
 * One thread's ciphers and buffers for {@link EncryptedChannel}: reused rather than allocated for each of the tens of
 * thousands of reads of a cold pass (no measured gain on its own: see the README). About 130 KiB per thread that
 * reads; the channel zeroes the opened bytes once copied out.
 */
final class ChannelScratch {
    /** Reads up to this many blocks use the kept buffers; a longer one (rare: H2 rewriting chunks) its own. */
    static final int KEPT_BLOCKS = 64;
    private final SecretKey key;
    private Cipher gcm;
    private Ocb ocb;
    private final byte[] aad = new byte[8];
    private final byte[] sealed = new byte[KEPT_BLOCKS * EncryptedChannel.SLOT];
    private final byte[] plain = new byte[KEPT_BLOCKS * EncryptedChannel.BLOCK];

    ChannelScratch(SecretKey key) {
        this.key = key;
    }

    /** OCB3 under the blocks' own key ({@link Ocb#blockKey}), made at its first use on this thread. */
    Ocb ocb() throws GeneralSecurityException {
        if (ocb == null) {
            ocb = new Ocb(Ocb.blockKey(key));
        }
        return ocb;
    }

    /** AES-GCM, for files made before OCB3, made at its first use on this thread. */
    Cipher gcm() throws GeneralSecurityException {
        if (gcm == null) {
            gcm = Cipher.getInstance("AES/GCM/NoPadding");
        }
        return gcm;
    }

    byte[] plain(int blocks) {
        return blocks <= KEPT_BLOCKS ? plain : new byte[blocks * EncryptedChannel.BLOCK];
    }

    byte[] sealed(int blocks) {
        return blocks <= KEPT_BLOCKS ? sealed : new byte[blocks * EncryptedChannel.SLOT];
    }

    /** The block's number as associated data (8 bytes, big-endian). */
    byte[] aad(long block) {
        for (int i = 7; i >= 0; i--) {
            aad[i] = (byte) block;
            block >>>= 8;
        }
        return aad;
    }
}
