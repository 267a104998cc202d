package org.custos.cache;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The key of an encrypted cache (H2 {@code CIPHER=AES}): 32 random bytes, kept in the operating system's keyring,
 * never a typed password (H2 derives its file key from the password with a weak, fast function: a random key of full
 * strength makes that harmless).
 */
public final class CacheKey {
    private final byte[] key;

    private CacheKey(byte[] key) {
        this.key = key.clone();
    }

    /** A new random key. */
    public static CacheKey random() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return new CacheKey(k);
    }

    /** A key as {@link #text()} wrote it. */
    public static CacheKey of(String text) {
        try {
            byte[] k = HexFormat.of().parseHex(text.trim());
            if (k.length != 32) {
                throw new IllegalArgumentException("a cache key has 32 bytes, this one " + k.length);
            }
            return new CacheKey(k);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Not a cache key (" + e.getMessage() + ").", e);
        }
    }

    /** The key as text, for the keyring. */
    public String text() {
        return HexFormat.of().formatHex(key);
    }

    /** H2's password for an encrypted file: the file password, a space, the (empty) user password. */
    String h2Password() {
        return text() + " ";
    }

    @Override
    public String toString() {
        return "CacheKey[hidden]";
    }
}
