package org.custos.servers;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.cache.Cache;
import org.custos.ui.ImmediateTaskRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;
import java.util.prefs.Preferences;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Encrypt the cache" without a screen: on only with a keyring, and only after the local-only data was saved (a file
 * readable by this user only); the choice is kept for the next start; off again undoes it; a failed save keeps the
 * cache as it is.
 */
class CacheProtectionModelTest {
    private final Preferences settings = Preferences.userRoot().node("custos-cacheprot-test-" + UUID.randomUUID());

    @TempDir
    Path dir;

    @AfterEach
    void forget() throws Exception {
        settings.removeNode();
    }

    @Test
    void encryptionIsChosenOnlyAfterTheLocalDataIsSavedAndKeptForTheNextStart() throws Exception {
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            cache.review().saveSearch("nights", "agent=nurse7", 1L);
            CacheProtectionModel m = new CacheProtectionModel(cache, settings, new ImmediateTaskRunner(), () -> true);
            assertThat(m.encryptProperty().get()).isFalse();
            assertThat(m.availableProperty().get()).isTrue();
            assertThat(m.statusProperty().get()).contains("not encrypted");

            m.toggled(true, () -> null); // the file chooser cancelled: nothing changes
            assertThat(m.encryptProperty().get()).isFalse();
            assertThat(settings.get(CacheProtectionModel.PREF, null)).isNull();

            Path export = dir.resolve("local.json");
            m.toggled(true, () -> export);
            assertThat(m.encryptProperty().get()).isTrue();
            assertThat(settings.get(CacheProtectionModel.PREF, "")).isEqualTo(CacheProtectionModel.ON);
            assertThat(new ObjectMapper().readTree(export.toFile()).at("/tables/saved_search/0/name").asText())
                    .isEqualTo("nights");
            assertThat(Files.getPosixFilePermissions(export)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(m.statusProperty().get()).contains("will be encrypted when Custos next starts")
                    .contains(export.toString());

            m.toggled(false, () -> { throw new AssertionError("no file is asked for to turn it off"); });
            assertThat(m.encryptProperty().get()).isFalse();
            assertThat(settings.get(CacheProtectionModel.PREF, null)).isNull();

            // a file that cannot be written: nothing is chosen
            m.encrypt(dir.resolve("no-such-folder").resolve("x.json"));
            assertThat(m.encryptProperty().get()).isFalse();
            assertThat(settings.get(CacheProtectionModel.PREF, null)).isNull();
            assertThat(m.statusProperty().get()).contains("could not be saved").contains("not encrypted");
        }
    }

    @Test
    void withoutAKeyringTheOptionIsOffAndSaysWhy() throws Exception {
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            CacheProtectionModel m = new CacheProtectionModel(cache, settings, new ImmediateTaskRunner(), () -> false);
            assertThat(m.availableProperty().get()).isFalse();
            assertThat(m.statusProperty().get()).contains("needs the system keyring");
        }
    }
}
