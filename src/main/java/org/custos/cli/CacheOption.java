package org.custos.cli;

import org.custos.cache.Cache;
import org.custos.cache.DataDirs;
import picocli.CommandLine.Option;

/** The --db option every command shares. */
final class CacheOption {
    @Option(names = "--db", paramLabel = "PATH",
            description = "Cache file (default: $" + DataDirs.DB_ENV + ", else the user's data folder)")
    String db;

    Cache open() {
        return Cache.open(DataDirs.cacheFile(db));
    }
}
