package org.custos.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The log folder is the user's alone (POSIX 0700), made so before Logback writes to it. */
class PrivateLogDirTest {

    private static String perms(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    @Test
    void theAppsLogbackConfigurationCreatesTheFolderPrivateBeforeItWrites(@TempDir Path dir) throws Exception {
        assumeTrue(posix(dir));
        Path logs = dir.resolve("data/custos/logs");
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        try {
            ctx.putProperty(PrivateLogDir.PROPERTY, logs.toString());
            JoranConfigurator conf = new JoranConfigurator();
            conf.setContext(ctx);
            conf.doConfigure(PrivateLogDir.class.getResource("/logback.xml"));
            ctx.start();
            ctx.getLogger("org.custos.test").warn("first line");
        } finally {
            ctx.stop();
        }
        assertThat(perms(logs)).isEqualTo("rwx------");
        StringBuilder status = new StringBuilder();
        ctx.getStatusManager().getCopyOfStatusList().forEach(st -> status.append(st).append('\n'));
        assertThat(Files.readString(logs.resolve("custos.log"))).as(status.toString()).contains("first line");
    }

    @Test
    void anExistingFolderIsTightenedAndALinkOrAFileIsRefused(@TempDir Path dir) throws Exception {
        assumeTrue(posix(dir));
        Path open = Files.createDirectory(dir.resolve("open"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(PrivateLogDir.prepare(open)).isEqualTo(open);
        assertThat(perms(open)).isEqualTo("rwx------");

        Path link = Files.createSymbolicLink(dir.resolve("link"), open);
        assertThatThrownBy(() -> PrivateLogDir.prepare(link)).hasMessageContaining("not a folder of its own");
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> PrivateLogDir.prepare(file)).hasMessageContaining("not a folder of its own");
    }

    @Test
    void withoutAUsableFolderTheLogsGoToANewPrivateTemporaryOne(@TempDir Path dir) throws Exception {
        assumeTrue(posix(dir));
        Path link = Files.createSymbolicLink(dir.resolve("link"), dir);
        LoggerContext ctx = new LoggerContext();
        ctx.putProperty(PrivateLogDir.PROPERTY, link.toString());
        PrivateLogDir definer = new PrivateLogDir();
        definer.setContext(ctx);
        Path chosen = Path.of(definer.getPropertyValue());
        try {
            assertThat(chosen).isNotEqualTo(link).isNotEqualTo(dir);
            assertThat(chosen.getFileName().toString()).startsWith("custos-logs-");
            assertThat(perms(chosen)).isEqualTo("rwx------");
        } finally {
            Files.deleteIfExists(chosen);
        }
    }
}
