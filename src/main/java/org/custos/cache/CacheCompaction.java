package org.custos.cache;

import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * When a cache is worth compacting, and the app's start compacting one left far larger than its content. An import
 * or a sync leaves the file several times its compacted size (100,000 events: about 380 MB, a fifth of it live), and
 * the app's tidy close at exit makes it small again. A cache not closed that way (a crash, a killed process, the
 * command line's import and sync, which leave it as they wrote it) would otherwise be browsed as it is, with H2
 * rewriting it in the background meanwhile, and stay that large until the next exit.
 */
public final class CacheCompaction {
    private CacheCompaction() {
    }

    /**
     * Whether a file is worth compacting: it holds far more than its content (less than half of it live; an import
     * leaves about a fifth). Small files (100 MiB or less) are never worth the wait. The share is H2's own count of
     * the file's live pages, whatever the tables hold.
     */
    public static boolean worthCompacting(long fileBytes, int contentPercent) {
        return fileBytes > NEVER_BELOW && contentPercent < 50;
    }

    /** Files this size or smaller are never worth compacting (and their content need not be asked). */
    private static final long NEVER_BELOW = 100L << 20;

    /** Whether the open cache's file is worth compacting ({@link #worthCompacting}). */
    /**
     * What a closing window says before the compaction at exit: the file and its size (left out if it cannot be
     * read; that never stops the compaction).
     */
    static String closingNotice(Path h2) {
        String size;
        try {
            size = String.format(" (%,d MB)", Files.size(h2) >> 20);
        } catch (IOException e) {
            size = "";
        }
        return "Compacting the cache " + h2 + size + " before Custos closes …";
    }

    static boolean bloated(Cache cache) throws IOException, SQLException {
        long size = Files.size(cache.file());
        return size > NEVER_BELOW && worthCompacting(size, contentPercent(cache));
    }

    /**
     * The share of the cache's file that is live content, in percent: H2's fill rates of the file by its chunks and
     * of the chunks by live pages, multiplied.
     */
    static int contentPercent(Cache cache) throws SQLException {
        try (Connection c = cache.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
                     + "WHERE SETTING_NAME IN ('info.FILL_RATE', 'info.CHUNKS_FILL_RATE')")) {
            int percent = 100;
            int found = 0;
            while (rs.next()) {
                percent = percent * Integer.parseInt(rs.getString(1).trim()) / 100;
                found++;
            }
            if (found != 2) {
                throw new SQLException("H2 did not give the file's fill rates");
            }
            return percent;
        } catch (NumberFormatException e) {
            throw new SQLException("H2's fill rates are not numbers: " + e.getMessage(), e);
        }
    }

    /**
     * Opens the cache at {@code file} (encrypted with {@code key}, or plain when null) and, when it is worth
     * compacting, closes it, tells {@code compacting} so, compacts it and opens it again. The compaction is the one
     * encrypting the cache uses ({@link CacheKeys#compact}): a copy beside the file, every table's rows counted
     * against the original, put in its place only then, while H2's lock keeps other writers out and the lock the
     * openings take keeps other Custos processes from opening it. Whatever stops it (a full disk, another process,
     * rows that differ) leaves the file as it was, logged; the cache then opens as it is. An opening that had
     * something to say (an upgrade) is returned as it is: the compaction waits for the next.
     */
    public static Cache open(Path file, CacheKey key, Consumer<String> compacting) {
        Cache cache = Cache.open(file, key);
        if (cache.openNotice().isPresent()) {
            return cache;
        }
        Path h2 = cache.file();
        Optional<Judged> judged = judge(cache);
        if (judged.isEmpty()) {
            return cache;
        }
        long bytes = judged.get().bytes();
        int content = judged.get().content();
        cache.close();
        try {
            if (lackOfRoom(h2, judged.get()).isPresent()) {
                return Cache.open(file, key);
            }
            compacting.accept(String.format(Locale.ROOT, "Compacting the cache %s: %,d MB, of which only %d %% is "
                    + "data (an import, a sync or a crash leaves it so until Custos closes it) …", h2, bytes >> 20,
                    content));
            long t0 = System.nanoTime();
            CacheFiles.whileNotOpened(h2, () -> CacheKeys.compact(h2, key));
            log().info("Compacted the cache {} at opening: {} MB -> {} MB in {} ms", h2, bytes >> 20,
                    Files.size(h2) >> 20, (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            log().warn("Compacting the cache {} at opening did not happen; it stays as it was", h2, e);
        }
        return Cache.open(file, key);
    }

    /** How long a compaction after a bulk write waits for the connections in use to close before it gives up. */
    static final long WAIT_FOR_IDLE_MS = 10_000;

    /**
     * After an import or a sync: compacts the open cache in place when it is worth compacting ({@link #bloated}),
     * so that neither the running app nor the next command browses a file several times its content (100,000
     * events leave about 380 MB, 1,000,000 about 4 GB) while H2 rewrites it in the background. The compaction is the
     * verified copy of {@link #open}, done while the file is closed for a moment ({@link Cache#whileClosed}):
     * connections asked for meanwhile wait. It tells {@code compacting} before it starts and returns what it did;
     * empty when it was not worth it. It is skipped, logged and said, when the disk lacks the room or other work
     * kept connections open for {@value #WAIT_FOR_IDLE_MS} ms (the tidy close at exit and the next start compact it
     * then); a failure leaves the file as it was.
     */
    public static Optional<String> afterBulkWrite(Cache cache, Consumer<String> compacting) {
        return afterBulkWrite(cache, compacting, () -> false);
    }

    /** {@link #afterBulkWrite(Cache, Consumer)}, not begun when {@code stopping} says so (the work was cancelled). */
    public static Optional<String> afterBulkWrite(Cache cache, Consumer<String> compacting,
                                                  java.util.function.BooleanSupplier stopping) {
        if (stopping.getAsBoolean()) {
            return Optional.empty();
        }
        Path h2 = cache.file();
        Optional<Judged> judged = judge(cache);
        if (judged.isEmpty()) {
            return Optional.empty();
        }
        long bytes = judged.get().bytes();
        int content = judged.get().content();
        try {
            Optional<String> noRoom = lackOfRoom(h2, judged.get());
            if (noRoom.isPresent()) {
                return noRoom;
            }
            String start = String.format(Locale.ROOT, "Compacting the cache: %,d MB, of which only %d %% is data …",
                    bytes >> 20, content);
            long[] t0 = {System.nanoTime()};
            CacheKey key = cache.key();
            if (cache.encrypted() && key == null) {
                return Optional.empty(); // closed meanwhile
            }
            long before = bytes;
            CacheConnections.Closing done = cache.whileClosed(WAIT_FOR_IDLE_MS, () -> stillLarge(h2, before), () -> {
                compacting.accept(start); // said once it begins (the file is closed now)
                t0[0] = System.nanoTime();
                CacheKeys.compact(h2, key);
            });
            switch (done) {
                case BUSY:
                    if (!stillLarge(h2, before)) {
                        return Optional.empty(); // another compaction did it while this one waited
                    }
                    log().info("Not compacting the cache {} now: connections stayed in use", h2);
                    return Optional.of("The cache was not compacted now (it was in use); the app compacts it when "
                            + "it closes or starts (or run custos compact).");
                case NOT_NEEDED:
                    return Optional.empty(); // another compaction came first
                case CLOSED:
                    return Optional.empty();
                default:
                    break;
            }
            long after = Files.size(h2);
            log().info("Compacted the cache {} after an import or a sync: {} MB -> {} MB in {} ms", h2, bytes >> 20,
                    after >> 20, (System.nanoTime() - t0[0]) / 1_000_000);
            return Optional.of(String.format(Locale.ROOT, "Compacted the cache: %,d MB → %,d MB.", bytes >> 20,
                    after >> 20));
        } catch (IOException | RuntimeException e) {
            log().warn("Compacting the cache {} after an import or a sync did not happen", h2, e);
            return Optional.of("The cache was not compacted: " + e.getMessage());
        }
    }

    /** A file judged worth compacting: its size and the share of it that is content. */
    private record Judged(long bytes, int content) {
    }

    /** The open cache's file when it is worth compacting ({@link #worthCompacting}); empty otherwise or unknown. */
    private static Optional<Judged> judge(Cache cache) {
        Path h2 = cache.file();
        try {
            long bytes = Files.size(h2);
            if (bytes <= NEVER_BELOW) {
                return Optional.empty();
            }
            int content = contentPercent(cache);
            return worthCompacting(bytes, content) ? Optional.of(new Judged(bytes, content)) : Optional.empty();
        } catch (IOException | SQLException | CacheException e) {
            log().warn("Could not tell whether the cache {} is worth compacting; left as it is", h2, e);
            return Optional.empty();
        }
    }

    /** What to say when the disk lacks the room for the compacted copy (logged); empty when there is room. */
    private static Optional<String> lackOfRoom(Path h2, Judged j) throws IOException {
        long free = Files.getFileStore(h2.getParent()).getUsableSpace();
        long needed = j.bytes() / 100 * j.content() + (64L << 20);
        if (free >= needed) {
            return Optional.empty();
        }
        log().warn("Not compacting the cache {} ({} MB, {} % content): {} MB free on its disk, {} MB needed", h2,
                j.bytes() >> 20, j.content(), free >> 20, needed >> 20);
        return Optional.of(String.format(Locale.ROOT, "The cache is %,d MB, of which %d %% is data; too little room "
                + "on its disk to compact it now (%,d MB free, %,d MB needed).", j.bytes() >> 20, j.content(),
                free >> 20, needed >> 20));
    }

    /** Whether the file is still about as large as when it was judged worth compacting (none came first). */
    private static boolean stillLarge(Path h2, long judgedAt) {
        try {
            return Files.size(h2) > NEVER_BELOW && Files.size(h2) >= judgedAt / 2;
        } catch (IOException e) {
            return false;
        }
    }

    private static org.slf4j.Logger log() {
        return LoggerFactory.getLogger(CacheCompaction.class);
    }
}
