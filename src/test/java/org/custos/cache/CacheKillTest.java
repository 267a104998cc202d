package org.custos.cache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real process creating or upgrading a cache, killed with SIGKILL ({@code destroyForcibly}) at moments spread over
 * the time that takes: the cache opens afterwards, current, with all its data. Item 8 of issue 9.
 */
class CacheKillTest {
    /** Kill points per test, spread from the child's "opening" to 30 % past the time an unkilled open took. */
    private static final int KILL_POINTS = 10;

    @TempDir
    Path dir;

    /** A JVM that opens the cache at {@code db} ({@link OpenCacheChild}); its output is drained as it comes. */
    private static final class Child {
        final Process process;
        final CompletableFuture<Long> opening = new CompletableFuture<>();
        final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());

        Child(Path db) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            process = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                    System.getProperty("java.class.path"), OpenCacheChild.class.getName(), db.toString())
                    .redirectErrorStream(true).start();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.equals("opening")) {
                            opening.complete(System.nanoTime());
                        }
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the process was killed
                } finally {
                    opening.complete(-1L);
                }
            }, "child-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits until the child starts opening the cache; returns that instant (System.nanoTime). */
        long awaitOpening() throws Exception {
            long t = opening.get(60, TimeUnit.SECONDS);
            assertThat(t).as("the child reached Cache.open: " + lines).isPositive();
            return t;
        }
    }

    /** How long an unkilled child takes from "opening" to its exit, in ms. */
    private static long measure(Path db) throws Exception {
        Child c = new Child(db);
        long t0 = c.awaitOpening();
        assertThat(c.process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(c.process.exitValue()).as(String.join("\n", c.lines)).isZero();
        return ms;
    }

    /** Starts a child on {@code db} and kills it {@code delayMs} after it starts opening; true if it ended first. */
    private static boolean killAfter(Path db, long delayMs) throws Exception {
        Child c = new Child(db);
        c.awaitOpening();
        boolean ended = delayMs > 0 && c.process.waitFor(delayMs, TimeUnit.MILLISECONDS); // waits for the exit
        c.process.destroyForcibly(); // SIGKILL: no shutdown hook, no close
        assertThat(c.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return ended;
    }

    /** What one kill run does: kills a child after {@code delayMs}, checks the cache; returns whether it had ended. */
    private interface KillRun {
        boolean run(long delayMs) throws Exception;
    }

    /**
     * Kill points from 0 to 30 % past the measured time; this machine's speed changes from run to run, so more
     * follow (up to four, each later) until a child was seen to end by itself before its kill: the last moments are
     * covered too.
     */
    private static int killAtSpreadPoints(long measuredMs, KillRun run) throws Exception {
        double step = measuredMs * 1.3 / (KILL_POINTS - 1);
        boolean anyEnded = false;
        int i = 0;
        for (; i < KILL_POINTS || (!anyEnded && i < KILL_POINTS + 4); i++) {
            // the extra ones wait longer each time (1.8, 2.3, 2.8, 3.3 times the measure): a loaded machine can run
            // the children much slower than the measured one
            long delay = i < KILL_POINTS ? Math.round(i * step)
                    : Math.round(measuredMs * (1.3 + 0.5 * (i - KILL_POINTS + 1)));
            anyEnded |= run.run(delay);
        }
        assertThat(anyEnded).as("a child ended before its kill point").isTrue();
        return i;
    }

    private static List<String> files(Path folder) {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".open.lock")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aKillAtAnyMomentOfCreatingANewCacheLeavesOneThatOpens() throws Exception {
        long t0 = System.nanoTime();
        long measured = measure(dir.resolve("measure").resolve("cache"));
        List<String> seen = new ArrayList<>();
        int runs = killAtSpreadPoints(measured, delay -> {
            Path folder = Files.createDirectories(dir.resolve("kill-" + delay));
            boolean ended = killAfter(folder.resolve("cache"), delay);
            seen.add(delay + " ms: " + (ended ? "ended" : "killed") + ", left " + files(folder));
            try (Cache cache = Cache.open(folder.resolve("cache"))) {
                assertThat(CacheUpgradeTest.schemaVersion(cache)).as(seen.get(seen.size() - 1))
                        .isEqualTo(Cache.SCHEMA_VERSION);
                assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isZero();
            }
            assertThat(CacheUpgradeTest.leftovers(folder)).isEmpty();
            return ended;
        });
        System.out.printf("Creation kill test: an unkilled creation took %d ms; %d kill runs, %.1f s in all:%n  %s%n",
                measured, runs, (System.nanoTime() - t0) / 1e9, String.join("\n  ", seen));
    }

    /** The filled cache of the previous schema (CacheFixtures), killed while it is upgraded. */
    @Test
    void aKillAtAnyMomentOfAnUpgradeLeavesTheCacheWithAllItsData() throws Exception {
        long t0 = System.nanoTime();
        Map<String, Long> fixture = CacheFixtures.rowCounts(CacheUpgradeTest.previousFixture(dir, "reference"));
        long measured = measure(CacheUpgradeTest.previousFixture(Files.createDirectories(dir.resolve("measure")),
                "cache"));
        List<String> seen = new ArrayList<>();
        int runs = killAtSpreadPoints(measured, delay -> {
            Path folder = Files.createDirectories(dir.resolve("kill-" + delay));
            Path base = CacheUpgradeTest.previousFixture(folder, "cache");
            boolean ended = killAfter(base, delay);
            String what = delay + " ms: " + (ended ? "ended" : "killed") + ", left " + files(folder);
            try (Cache cache = Cache.open(base)) {
                seen.add(what + " -> " + cache.openNotice().orElse("opened as it was"));
                CacheUpgradeTest.assertHoldsAllOf(cache, fixture);
            }
            assertThat(CacheUpgradeTest.leftovers(folder)).isEmpty();
            return ended;
        });
        System.out.printf("Upgrade kill test (cache-v%d): an unkilled upgrade took %d ms; %d kill runs, %.1f s in all:"
                + "%n  %s%n", CacheUpgradeTest.previousVersion(), measured, runs, (System.nanoTime() - t0) / 1e9,
                String.join("\n  ", seen));
    }
}
