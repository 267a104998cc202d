package org.custos.fhir;

import java.util.Optional;

/** Where the secrets of server profiles are kept: the operating system's keyring, or a file (see {@link Secrets}). */
public interface SecretBackend {
    Optional<String> get(String name);

    /** Keeps {@code secret} under {@code name}; null or empty removes it. */
    void put(String name, String secret);

    default void remove(String name) {
        put(name, null);
    }

    /** Whether this store is the operating system's keyring (refresh tokens are kept only there). */
    default boolean keyring() {
        return false;
    }

    /** Lets go of the keyring (its D-Bus connection would keep the app's process alive after the window closed). */
    default void close() {
    }

    /** What the user should know about where secrets are kept (empty: nothing to worry about). */
    default Optional<String> warning() {
        return Optional.empty();
    }
}
