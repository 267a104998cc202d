package org.custos.app;

import org.custos.cache.Cache;
import org.custos.cache.CacheException;
import org.custos.cache.CacheKeys;
import org.custos.servers.CacheProtectionModel;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.prefs.Preferences;

/**
 * Opens the app's cache as the Servers tab asked the last time ("Encrypt the cache"): a plain cache is encrypted
 * first, an encrypted one decrypted first, then it is opened with its key from the keyring. A conversion that fails
 * leaves the cache as it was, opens it as it is and says why on the Servers tab.
 */
final class CacheOpening {
    private final CacheKeys keys;
    private final Preferences settings;

    CacheOpening(CacheKeys keys, Preferences settings) {
        this.keys = keys;
        this.settings = settings;
    }

    /**
     * @param setAsideFirst the user chose to set an unreadable cache aside and start a new one
     * @throws CacheKeys.LostKeyException the cache is encrypted and the keyring has no key for it
     */
    Cache open(Path file, boolean setAsideFirst, Consumer<String> progress) {
        String wanted = settings.get(CacheProtectionModel.PREF, "");
        if (setAsideFirst) {
            if (wanted.isEmpty() && CacheKeys.keyId(file).isPresent()) {
                // encrypted from the command line: the new cache that takes its place is encrypted too
                settings.put(CacheProtectionModel.PREF, CacheProtectionModel.ON);
                wanted = CacheProtectionModel.ON;
            }
            Path aside = CacheKeys.setAside(file, java.time.Clock.systemUTC());
            LoggerFactory.getLogger(CacheOpening.class).warn("The cache whose key is lost was set aside as {}", aside);
            progress.accept("Set aside as " + aside + "; starting a new cache …");
        }
        boolean encrypted = CacheKeys.keyId(file).isPresent();
        try {
            if (wanted.equals(CacheProtectionModel.ON) && !encrypted) {
                progress.accept("Encrypting the cache " + file + " …");
                Cache.open(file).close(); // a first start: an empty cache, then encrypted
                keys.encrypt(file);
            } else if (wanted.equals(CacheProtectionModel.OFF) && encrypted) {
                progress.accept("Decrypting the cache " + file + " …");
                keys.decrypt(file);
            }
            settings.remove(CacheProtectionModel.FAILED);
        } catch (CacheException | IllegalStateException e) {
            // (a keyring that refuses throws IllegalStateException): the cache opens as it is, the tab says why
            LoggerFactory.getLogger(CacheOpening.class).warn("Converting the cache failed", e);
            settings.put(CacheProtectionModel.FAILED, String.valueOf(e.getMessage()));
        }
        progress.accept("Opening the cache " + file + " …");
        return keys.openCompacting(file, progress);
    }
}
