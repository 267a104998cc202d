package org.custos.cache;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The key of an encrypted cache: 32 random bytes (AES-256), kept in the operating system's keyring, never a typed
 * password (no key derivation from something a person can remember).
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

    /** The AES-256 key the cache's blocks are sealed with. */
    javax.crypto.SecretKey secretKey() {
        return new javax.crypto.spec.SecretKeySpec(key, "AES");
    }

    /**
     * The key's id, written in plain text in the encrypted file's header so the keyring entry that holds the key can
     * be found (16 hex digits of a SHA-256 over the key: says nothing about it).
     */
    public String id() {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            sha.update("custos cache key id\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha.digest(key), 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "CacheKey[hidden]";
    }
}
