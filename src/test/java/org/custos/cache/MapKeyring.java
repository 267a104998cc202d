package org.custos.cache;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A keyring for cache keys in memory (the real one is exercised in {@code SecretsTest}): {@link #keeps} false loses
 * what it is given, {@link #available} false is no keyring, {@link #refuses} throws as a denied prompt does.
 */
public final class MapKeyring implements CacheKeys.Keyring {
    public final Map<String, String> entries = new HashMap<>();
    public boolean keeps = true;
    public boolean available = true;
    public boolean refuses;

    @Override
    public Optional<String> get(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    @Override
    public void put(String name, String secret) {
        if (refuses) {
            throw new IllegalStateException("The keyring refused: access denied");
        }
        if (secret == null) {
            entries.remove(name);
        } else if (keeps) {
            entries.put(name, secret);
        }
    }

    @Override
    public boolean available() {
        return available;
    }
}
