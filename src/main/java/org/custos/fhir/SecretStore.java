package org.custos.fhir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Properties;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Passwords and tokens of server profiles, kept apart from the preferences: AES-GCM encrypted in a file in the
 * user's data folder, with a random key in a second file, both readable only by the user (on POSIX systems). This
 * keeps secrets out of preference exports, backups of the preferences and casual reading; it does not protect them
 * from programs running as the same user: it is the fallback where no keyring answers ({@link Secrets}).
 */
public final class SecretStore implements SecretBackend {
    private final SecureRandom random = new SecureRandom();
    private final Path file;
    private final Path keyFile;

    public SecretStore(Path dir) {
        this.file = dir.resolve("secrets.properties");
        this.keyFile = dir.resolve("secrets.key");
    }

    @Override
    public synchronized Optional<String> get(String name) {
        Properties p = load();
        String v = p.getProperty(name);
        if (v == null) {
            return Optional.empty();
        }
        try {
            byte[] all = Base64.getDecoder().decode(v);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key(), "AES"), new GCMParameterSpec(128, all, 0, 12));
            return Optional.of(new String(c.doFinal(all, 12, all.length - 12), StandardCharsets.UTF_8));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("The stored secret '" + name + "' cannot be read (" + e.getMessage()
                    + "); enter it again in the server profile.", e);
        }
    }

    @Override
    public synchronized void put(String name, String secret) {
        Properties p = load();
        if (secret == null || secret.isEmpty()) {
            if (p.remove(name) == null) {
                return; // nothing stored, nothing to write (no file for profiles without a secret)
            }
        } else {
            try {
                byte[] iv = new byte[12];
                random.nextBytes(iv);
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key(), "AES"), new GCMParameterSpec(128, iv));
                byte[] enc = c.doFinal(secret.getBytes(StandardCharsets.UTF_8));
                byte[] all = new byte[iv.length + enc.length];
                System.arraycopy(iv, 0, all, 0, iv.length);
                System.arraycopy(enc, 0, all, iv.length, enc.length);
                p.setProperty(name, Base64.getEncoder().encodeToString(all));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Cannot encrypt the secret: " + e.getMessage(), e);
            }
        }
        save(p);
    }

    @Override
    public void remove(String name) {
        put(name, null);
    }

    private Properties load() {
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return p;
    }

    private void save(Properties p) {
        try {
            if (p.isEmpty()) {
                // nothing kept here any more (moved to the keyring, or removed): neither the file nor its key stays
                Files.deleteIfExists(file);
                Files.deleteIfExists(keyFile);
                return;
            }
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "secrets", ".tmp");
            restrict(tmp);
            try (OutputStream out = Files.newOutputStream(tmp)) {
                p.store(out, "Custos server secrets (encrypted; the key is in secrets.key)");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private byte[] key() {
        try {
            if (Files.isRegularFile(keyFile)) {
                return Base64.getDecoder().decode(Files.readString(keyFile).trim());
            }
            byte[] k = new byte[32];
            random.nextBytes(k);
            Files.createDirectories(keyFile.getParent());
            Path tmp = Files.createTempFile(keyFile.getParent(), "secrets", ".key.tmp");
            restrict(tmp);
            Files.writeString(tmp, Base64.getEncoder().encodeToString(k));
            Files.move(tmp, keyFile, StandardCopyOption.ATOMIC_MOVE);
            return k;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot use the key file " + keyFile + ": " + e.getMessage(), e);
        }
    }

    private static void restrict(Path p) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not POSIX (Windows): the file lies in the user's own profile folder
        }
    }
}
