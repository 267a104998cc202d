package org.custos.cache;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

/**
 * The 4 KiB header of an encrypted cache file ({@link EncryptedChannel}): a magic line naming how its blocks are
 * sealed, a check value sealed under the key with AES-GCM and a nonce of its own (a wrong key is told from a right one
 * before anything else is read), and the key's id in plain text (which keyring entry holds the key).
 */
final class EncryptedHeader {
    static final int LENGTH = 4096;

    /** How a file's blocks are sealed, named by its magic line. A new file is always {@link #OCB}. */
    enum Format {
        /** AES-256-GCM, the JDK's; every file written before 2026-12-04 evening (read and written as before). */
        GCM("Custos encrypted cache (AES-256-GCM, 1 KiB blocks) v1\n"),
        /** AES-256-OCB3 ({@link Ocb}). */
        OCB("Custos encrypted cache (AES-256-OCB, 1 KiB blocks) v2\n");

        private final byte[] magic;

        Format(String magic) {
            this.magic = magic.getBytes(StandardCharsets.US_ASCII);
        }

        /** The format whose magic line starts {@code header}, or null. */
        static Format of(byte[] header) {
            for (Format f : values()) {
                if (Arrays.equals(header, 0, f.magic.length, f.magic, 0, f.magic.length)) {
                    return f;
                }
            }
            return null;
        }
    }


    /** The check value: this text sealed under the key. */
    private static final String CHECK = "custos-cache-key-check";
    /** Where the key's id (16 hex digits, see {@link CacheKey#id()}) is, after the check value. */
    private static final int KEY_ID_AT = 256;
    private static final int KEY_ID_LENGTH = 16;

    private EncryptedHeader() {
    }

    /** @throws EncryptedChannel.WrongKeyException {@code base} is not an encrypted cache, or is one under another key */
    static Format check(FileChannel base, SecretKey key, String name) throws IOException {
        byte[] check = CHECK.getBytes(StandardCharsets.US_ASCII);
        if (base.size() < LENGTH) {
            throw new EncryptedChannel.WrongKeyException(name + " is not an encrypted Custos cache (too short for its "
                    + "header).");
        }
        byte[] header = new byte[LENGTH];
        EncryptedChannel.readFully(base, 0, ByteBuffer.wrap(header));
        Format format = Format.of(header);
        if (format == null) {
            throw new EncryptedChannel.WrongKeyException(name + " is not an encrypted Custos cache.");
        }
        int at = format.magic.length;
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(EncryptedChannel.TAG * 8, header, at,
                    EncryptedChannel.NONCE));
            bindFormat(c, format);
            byte[] plain = c.doFinal(header, at + EncryptedChannel.NONCE, check.length + EncryptedChannel.TAG);
            if (!Arrays.equals(plain, check)) {
                throw new EncryptedChannel.WrongKeyException(name + " was encrypted with another key.");
            }
            return format;
        } catch (AEADBadTagException e) {
            throw new EncryptedChannel.WrongKeyException(name + " was encrypted with another key.");
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-GCM is not available: " + e.getMessage(), e);
        }
    }

    /** Writes the header of a new encrypted file in {@code format}. */
    static void write(FileChannel base, SecretKey key, String keyId, SecureRandom random, Format format)
            throws IOException {
        byte[] magic = format.magic;
        byte[] check = CHECK.getBytes(StandardCharsets.US_ASCII);
        byte[] header = new byte[LENGTH];
        System.arraycopy(magic, 0, header, 0, magic.length);
        byte[] nonce = new byte[EncryptedChannel.NONCE];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, header, magic.length, nonce.length);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(EncryptedChannel.TAG * 8, nonce));
            bindFormat(c, format);
            c.doFinal(check, 0, check.length, header, magic.length + nonce.length);
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-GCM is not available: " + e.getMessage(), e);
        }
        System.arraycopy(keyId.getBytes(StandardCharsets.US_ASCII), 0, header, KEY_ID_AT, KEY_ID_LENGTH);
        EncryptedChannel.writeFully(base, 0, ByteBuffer.wrap(header));
    }

    /**
     * From OCB3 on, the magic line is sealed with the check value as associated data: a format line changed outside
     * Custos fails the check instead of having the blocks opened the wrong way. (Files sealed with AES-GCM had
     * nothing bound, and keep it so.)
     */
    private static void bindFormat(Cipher c, Format format) {
        if (format != Format.GCM) {
            c.updateAAD(format.magic);
        }
    }

    /** How {@code file}'s blocks are sealed; empty when it is not an encrypted cache. */
    static Optional<Format> formatOf(Path file) throws IOException {
        return headerOf(file).map(Format::of);
    }

    /**
     * The id of the key {@code file} was encrypted with (see {@link CacheKey#id()}); empty when it is not an
     * encrypted cache (a plain one, or too short to say).
     */
    static Optional<String> keyIdOf(Path file) throws IOException {
        return headerOf(file).filter(h -> Format.of(h) != null)
                .map(h -> new String(h, KEY_ID_AT, KEY_ID_LENGTH, StandardCharsets.US_ASCII));
    }

    /** The first {@link #LENGTH} bytes of {@code file}; empty when it is shorter. */
    private static Optional<byte[]> headerOf(Path file) throws IOException {
        try (FileChannel f = FileChannel.open(file, StandardOpenOption.READ)) {
            if (f.size() < LENGTH) {
                return Optional.empty();
            }
            byte[] header = new byte[LENGTH];
            EncryptedChannel.readFully(f, 0, ByteBuffer.wrap(header));
            return Optional.of(header);
        }
    }
}
