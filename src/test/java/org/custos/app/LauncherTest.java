package org.custos.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** The app's temporary folder (where H2 spills large results) is its own, readable only by its user. */
class LauncherTest {
    @TempDir
    Path dir;

    @Test
    void theTemporaryFolderIsCustossOwnAndPrivate() throws Exception {
        Path data = dir.resolve("data");
        Path tmp = Launcher.privateTemp(data).orElseThrow();
        assertThat(tmp).isEqualTo(data.resolve("tmp"));
        assertThat(Files.getPosixFilePermissions(tmp)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        // a folder left open by an older run is made private again
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Launcher.privateTemp(data);
        assertThat(Files.getPosixFilePermissions(tmp)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }
}
