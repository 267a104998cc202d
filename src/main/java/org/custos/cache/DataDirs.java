package org.custos.cache;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where Custos keeps its data: XDG_DATA_HOME on Linux, %APPDATA% on Windows, ~/Library/Application Support on macOS.
 * The cache location can be overridden by {@code --db PATH} or the {@value #DB_ENV} environment variable.
 */
public final class DataDirs {
    public static final String DB_ENV = "CUSTOS_DB";

    private DataDirs() {
    }

    public static Path dataDir(Map<String, String> env, String osName, String userHome) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            String appData = env.get("APPDATA");
            return (appData != null && !appData.isBlank() ? Path.of(appData) : Path.of(userHome, "AppData", "Roaming"))
                    .resolve("Custos");
        }
        if (os.contains("mac")) {
            return Path.of(userHome, "Library", "Application Support", "Custos");
        }
        String xdg = env.get("XDG_DATA_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(userHome, ".local", "share")).resolve("custos");
    }

    /** The cache file: the explicit option first, then the environment variable, then the data directory. */
    public static Path cacheFile(String dbOption, Map<String, String> env, String osName, String userHome) {
        if (dbOption != null && !dbOption.isBlank()) {
            return Path.of(dbOption);
        }
        String fromEnv = env.get(DB_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        return dataDir(env, osName, userHome).resolve("cache");
    }

    public static Path cacheFile(String dbOption) {
        return cacheFile(dbOption, System.getenv(), System.getProperty("os.name"), System.getProperty("user.home"));
    }

    public static Path dataDir() {
        return dataDir(System.getenv(), System.getProperty("os.name"), System.getProperty("user.home"));
    }
}
