package org.custos.fhir;

import com.github.javakeyring.BackendNotSupportedException;
import com.github.javakeyring.Keyring;
import com.github.javakeyring.PasswordAccessException;

import java.util.Optional;

/**
 * The operating system's keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows), through
 * java-keyring; entries under the service "Custos".
 */
final class OsKeyring implements SecretBackend {
    static final String SERVICE = "Custos";
    private final Keyring keyring;

    private OsKeyring(Keyring keyring) {
        this.keyring = keyring;
    }

    /**
     * The keyring, if one answers: a probe entry is written, read back and deleted.
     *
     * @throws IllegalStateException why there is none, in words
     */
    static OsKeyring open() {
        Keyring k;
        try {
            k = Keyring.create();
        } catch (BackendNotSupportedException | RuntimeException | LinkageError e) {
            throw new IllegalStateException(e.getMessage() == null ? "no keyring service answers" : e.getMessage());
        }
        String probe = "probe-" + java.util.UUID.randomUUID();
        try {
            k.setPassword(SERVICE, probe, "probe");
            String back = k.getPassword(SERVICE, probe);
            k.deletePassword(SERVICE, probe);
            if (!"probe".equals(back)) {
                throw new IllegalStateException("the keyring did not give back what was put in it");
            }
        } catch (PasswordAccessException | RuntimeException e) {
            throw new IllegalStateException("the keyring (" + k.getKeyringStorageType() + ") cannot be used ("
                    + e.getMessage() + "); it may be locked");
        }
        return new OsKeyring(k);
    }

    String kind() {
        return String.valueOf(keyring.getKeyringStorageType());
    }

    @Override
    public synchronized Optional<String> get(String name) {
        try {
            String v = keyring.getPassword(SERVICE, name);
            return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
        } catch (PasswordAccessException e) {
            return Optional.empty(); // java-keyring says "not found" so too
        }
    }

    @Override
    public synchronized void put(String name, String secret) {
        try {
            if (secret == null || secret.isEmpty()) {
                if (get(name).isPresent()) {
                    keyring.deletePassword(SERVICE, name);
                }
            } else {
                keyring.setPassword(SERVICE, name, secret);
            }
        } catch (PasswordAccessException e) {
            throw new IllegalStateException("The keyring (" + kind() + ") refused to keep a secret: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public boolean keyring() {
        return true;
    }

    @Override
    public synchronized void close() {
        try {
            keyring.close();
        } catch (Exception e) {
            // closing: nothing to do about it
        }
    }
}
