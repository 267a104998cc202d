package org.custos.cli;

import org.custos.cache.Cache;
import org.custos.cache.DataDirs;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The --db option every command shares. */
final class CacheOption {
    @Option(names = "--db", paramLabel = "PATH",
            description = "Cache file (default: $" + DataDirs.DB_ENV + ", else the user's data folder)")
    String db;
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** Opens the cache; what opening it did (an upgrade, a restore after an interrupted one) goes to stderr. */
    Cache open() {
        Cache cache = Cache.open(DataDirs.cacheFile(db));
        cache.openNotice().ifPresent(notice -> {
            var err = command.commandLine().getErr();
            err.println("custos " + command.name() + ": " + notice);
            err.flush();
        });
        return cache;
    }
}
