package org.custos.cli;

import org.custos.cache.Cache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "compact", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Rewrites the cache file to its smallest size (H2 SHUTDOWN COMPACT). A big import leaves the "
                + "file several times larger than its content; this takes seconds per million events.")
final class CompactCommand implements Callable<Integer> {
    @Mixin
    CacheOption cacheOption;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Cache cache = cacheOption.open();
        Path file = cache.file();
        long before = Files.size(file);
        cache.compactAndClose();
        long after = Files.size(file);
        spec.commandLine().getOut().printf("Compacted %s: %,d KB -> %,d KB%n", file, before / 1024, after / 1024);
        return 0;
    }
}
