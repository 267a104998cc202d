package org.custos.app;

import org.custos.cache.Cache;
import org.custos.cache.CacheKeys;
import org.custos.cache.MapKeyring;
import org.custos.servers.CacheProtectionModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.prefs.Preferences;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The app's start with "Encrypt the cache" chosen: the cache is encrypted before it opens, decrypted when the choice
 * is taken back; a conversion that cannot happen (no keyring) opens the cache as it is and says why; a lost key
 * stops the start with the lost-key exception the window answers.
 */
class CacheOpeningTest {
    private final Preferences settings = Preferences.userRoot().node("custos-opening-test-" + UUID.randomUUID());
    private final MapKeyring keyring = new MapKeyring();
    private final Map<String, String> ring = keyring.entries;
    private final CacheKeys keys = new CacheKeys(keyring);

    @TempDir
    Path dir;

    @AfterEach
    void forget() throws Exception {
        settings.removeNode();
    }

    @Test
    void aCacheLeftFarLargerThanItHoldsIsCompactedAtStartAndTheStartSaysSo() throws Exception {
        Path file = dir.resolve("custos");
        try (Cache c = Cache.open(file)) {
            org.custos.cache.CacheFixtures.demoEvents(c, 200);
        }
        org.custos.cache.CacheFixtures.swell(file, null, 120); // as an import from the command line leaves it
        List<String> said = new ArrayList<>();
        try (Cache c = new CacheOpening(keys, settings).open(file, false, said::add)) {
            assertThat(c.audit().count(org.custos.cache.AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(200);
        }
        assertThat(said).anyMatch(s -> s.startsWith("Compacting the cache"));
        assertThat(java.nio.file.Files.size(dir.resolve("custos.mv.db"))).isLessThan(20_000_000L);
    }

    @Test
    void theCacheIsEncryptedAtStartWhenChosenAndDecryptedWhenTakenBack() {
        Path file = dir.resolve("custos");
        List<String> said = new ArrayList<>();
        CacheOpening opening = new CacheOpening(keys, settings);
        try (Cache c = opening.open(file, false, said::add)) {
            assertThat(c.encrypted()).isFalse(); // nothing chosen: as it is
        }
        settings.put(CacheProtectionModel.PREF, CacheProtectionModel.ON);
        try (Cache c = opening.open(file, false, said::add)) {
            assertThat(c.encrypted()).isTrue();
        }
        assertThat(said).anyMatch(s -> s.startsWith("Encrypting the cache"));
        assertThat(ring).hasSize(1);
        settings.put(CacheProtectionModel.PREF, CacheProtectionModel.OFF);
        try (Cache c = opening.open(file, false, said::add)) {
            assertThat(c.encrypted()).isFalse();
        }
        assertThat(ring).isEmpty();
    }

    @Test
    void withoutAKeyringTheCacheOpensAsItIsAndTheReasonIsKept() {
        keyring.available = false;
        settings.put(CacheProtectionModel.PREF, CacheProtectionModel.ON);
        try (Cache c = new CacheOpening(keys, settings).open(dir.resolve("custos"), false, s -> { })) {
            assertThat(c.encrypted()).isFalse();
        }
        assertThat(settings.get(CacheProtectionModel.FAILED, "")).contains("keyring");
    }

    /** A cache encrypted from the command line (no choice on the Servers tab), its key lost: the new one is encrypted. */
    @Test
    void aCacheEncryptedFromTheCommandLineIsReplacedByAnEncryptedOne() {
        Path file = dir.resolve("custos");
        Cache.open(file).close();
        keys.encrypt(file);
        ring.clear();
        try (Cache fresh = new CacheOpening(keys, settings).open(file, true, s -> { })) {
            assertThat(fresh.encrypted()).isTrue();
        }
        assertThat(settings.get(CacheProtectionModel.PREF, "")).isEqualTo(CacheProtectionModel.ON);
    }

    /** A keyring that refuses (a denied prompt, say) must not keep the app from starting. */
    @Test
    void aKeyringThatRefusesLeavesTheCacheAsItIsAndTheAppStarts() {
        keyring.refuses = true;
        settings.put(CacheProtectionModel.PREF, CacheProtectionModel.ON);
        try (Cache c = new CacheOpening(keys, settings).open(dir.resolve("custos"), false, s -> { })) {
            assertThat(c.encrypted()).isFalse();
        }
        assertThat(settings.get(CacheProtectionModel.FAILED, "")).contains("refused");
    }

    @Test
    void aLostKeyStopsTheStartWithTheLostKeyException() throws Exception {
        Path file = dir.resolve("custos");
        settings.put(CacheProtectionModel.PREF, CacheProtectionModel.ON);
        new CacheOpening(keys, settings).open(file, false, s -> { }).close();
        ring.clear();
        assertThatThrownBy(() -> new CacheOpening(keys, settings).open(file, false, s -> { }))
                .isInstanceOf(CacheKeys.LostKeyException.class);
        // the user chose to set it aside: a new cache (encrypted, as chosen), the old file kept beside it
        try (Cache fresh = new CacheOpening(keys, settings).open(file, true, s -> { })) {
            assertThat(fresh.encrypted()).isTrue();
        }
        try (var files = java.nio.file.Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("custos-unreadable-"));
        }
    }
}
