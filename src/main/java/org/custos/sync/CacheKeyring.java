package org.custos.sync;

import org.custos.cache.CacheKeys;
import org.custos.fhir.SecretBackend;

import java.util.Optional;

/** The cache's keys kept where the server profiles' secrets are: the operating system's keyring (only there). */
public final class CacheKeyring {
    private CacheKeyring() {
    }

    /** The cache keys of {@code secrets} (the app's and the command line's {@code Secrets.forThisUser}). */
    public static CacheKeys keys(SecretBackend secrets) {
        return new CacheKeys(new CacheKeys.Keyring() {
            @Override
            public Optional<String> get(String name) {
                return secrets.keyring() ? secrets.get(name) : Optional.empty();
            }

            @Override
            public void put(String name, String secret) {
                if (secrets.keyring()) {
                    secrets.put(name, secret);
                }
            }

            @Override
            public boolean available() {
                return secrets.keyring();
            }
        });
    }
}
