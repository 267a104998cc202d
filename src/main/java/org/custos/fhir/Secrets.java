package org.custos.fhir;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The secrets of this user's server profiles: in the operating system's keyring when one answers (looked for at
 * first use, off the UI thread), where secrets kept in the older encrypted file move on first read; else in that file
 * ({@link SecretStore}), with a warning — the key lies beside the file, which keeps secrets from a casual look only —
 * and refresh tokens are then not kept at all (a sign-in lasts until Custos closes).
 */
public final class Secrets implements SecretBackend {
    private final SecretStore file;
    private final Supplier<SecretBackend> keyringFinder;
    private volatile SecretBackend keyring;
    /** Why there is no keyring, once looked for (read without the lock: the screen asks while a probe may run). */
    private volatile String noKeyring;

    Secrets(SecretStore file, Supplier<SecretBackend> keyringFinder) {
        this.file = file;
        this.keyringFinder = keyringFinder;
    }

    /** This user's secrets: the OS keyring if there is one, else the file in {@code dataDir}. */
    public static Secrets forThisUser(Path dataDir) {
        return new Secrets(new SecretStore(dataDir), OsKeyring::open);
    }

    private synchronized SecretBackend keyringOrNull() {
        if (keyring == null && noKeyring == null) {
            try {
                keyring = keyringFinder.get();
            } catch (IllegalStateException e) {
                noKeyring = e.getMessage();
            }
        }
        return keyring;
    }

    @Override
    public Optional<String> get(String name) {
        SecretBackend k = keyringOrNull();
        if (k == null) {
            return file.get(name);
        }
        Optional<String> v = k.get(name);
        if (v.isPresent()) {
            return v;
        }
        // kept by an older Custos in the file: moved to the keyring, then out of the file
        Optional<String> old;
        try {
            old = file.get(name);
        } catch (IllegalStateException unreadable) {
            return Optional.empty();
        }
        if (old.isPresent()) {
            k.put(name, old.get());
            file.remove(name);
        }
        return old;
    }

    @Override
    public void put(String name, String secret) {
        SecretBackend k = keyringOrNull();
        if (k == null) {
            file.put(name, secret);
            return;
        }
        k.put(name, secret);
        file.remove(name); // no older copy stays behind
    }

    @Override
    public synchronized void close() {
        if (keyring != null) {
            keyring.close();
        }
    }

    @Override
    public boolean keyring() {
        return keyringOrNull() != null;
    }

    @Override
    public Optional<String> warning() {
        // not looked for here (this may run on the UI thread): only once a secret was read or kept
        String why = noKeyring;
        if (why == null) {
            return Optional.empty();
        }
        return Optional.of("⚠ No keyring here (" + why + "): passwords and tokens are kept in a file "
                + "encrypted with a key beside it — safe from a casual look only — and a sign-in lasts until Custos "
                + "closes. GNOME Keyring, KWallet, the macOS Keychain or Windows Credential Manager keep them safe.");
    }
}
