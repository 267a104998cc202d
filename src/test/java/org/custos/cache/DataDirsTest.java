package org.custos.cache;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DataDirsTest {
    @Test
    void eachPlatformHasItsUsualPlace() {
        assertThat(DataDirs.dataDir(Map.of(), "Linux", "/home/ann")).isEqualTo(Path.of("/home/ann/.local/share/custos"));
        assertThat(DataDirs.dataDir(Map.of("XDG_DATA_HOME", "/data"), "Linux", "/home/ann"))
                .isEqualTo(Path.of("/data/custos"));
        assertThat(DataDirs.dataDir(Map.of("APPDATA", "C:/Users/ann/AppData/Roaming"), "Windows 11", "C:/Users/ann"))
                .isEqualTo(Path.of("C:/Users/ann/AppData/Roaming/Custos"));
        assertThat(DataDirs.dataDir(Map.of(), "Mac OS X", "/Users/ann"))
                .isEqualTo(Path.of("/Users/ann/Library/Application Support/Custos"));
    }

    @Test
    void theOptionBeatsTheEnvironmentWhichBeatsTheDefault() {
        Map<String, String> env = Map.of(DataDirs.DB_ENV, "/env/cache");
        assertThat(DataDirs.cacheFile("/opt/c", env, "Linux", "/home/ann")).isEqualTo(Path.of("/opt/c"));
        assertThat(DataDirs.cacheFile(null, env, "Linux", "/home/ann")).isEqualTo(Path.of("/env/cache"));
        assertThat(DataDirs.cacheFile(" ", Map.of(), "Linux", "/home/ann"))
                .isEqualTo(Path.of("/home/ann/.local/share/custos/cache"));
    }
}
