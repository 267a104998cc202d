package org.custos.cache;

import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Opening a cache whose file holds far more than its content, compacted first. An import or a sync leaves the file
 * several times its compacted size (100,000 events: about 380 MB for 55), and only Custos's tidy close at exit makes
 * it small again. A cache not closed that way (a crash, a killed process, the command line's import and sync, which
 * leave it as they wrote it) would otherwise be browsed in that state, with H2 rewriting it in the background
 * meanwhile: the same first pages then read the file 20–60 % more often (pages H2 drops from its cache to make room
 * for the ones it rewrites) and take longer, encrypted or not. Compacting when it opens costs about 1.2 s per 100,000
 * events (measured in the encryption benchmark) and leaves the file as the tidy close does.
 */
public final class CacheCompaction {
    private CacheCompaction() {
    }

    /**
     * Opens the cache at {@code file} (encrypted with {@code key}, or plain when null) and, when its file holds far
     * more than its content ({@link Cache#worthCompacting}), compacts it first, telling {@code compacting} so before
     * it starts. A compaction that fails leaves the file as it was (H2 writes the compacted copy beside it): the
     * cache is then opened as it is, and the failure logged.
     */
    public static Cache open(Path file, CacheKey key, Consumer<String> compacting) {
        Cache cache = Cache.open(file, key);
        if (cache.openNotice().isPresent()) {
            return cache; // what this opening did (an upgrade) is said first; the compaction waits for the next
        }
        boolean bloated;
        long bytes;
        try {
            bytes = Files.size(cache.file());
            bloated = cache.bloated();
        } catch (java.io.IOException | CacheException e) {
            LoggerFactory.getLogger(CacheCompaction.class).warn("Could not tell whether the cache {} is worth "
                    + "compacting; opened as it is", cache.file(), e);
            return cache;
        }
        if (!bloated) {
            return cache;
        }
        compacting.accept(String.format(Locale.ROOT, "Compacting the cache %s (%,d MB, far more than it holds: it "
                + "was not closed by Custos after an import or a sync) …", cache.file(), bytes >> 20));
        try {
            cache.compactAndClose();
        } catch (CacheException e) {
            LoggerFactory.getLogger(CacheCompaction.class).warn("Compacting the cache {} at opening failed; it is "
                    + "opened as it is", cache.file(), e);
        }
        return Cache.open(file, key);
    }
}
