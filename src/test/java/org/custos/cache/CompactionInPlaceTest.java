package org.custos.cache;

import org.custos.fhir.Fhir;
import org.custos.sync.ImportReport;
import org.custos.sync.Importer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An import or a sync that leaves the open cache far larger than its content compacts it in place: the file is
 * closed for a moment, copied, checked and put back, and the cache goes on with everything it held; connections in use
 * hold the compaction off, and connections asked for meanwhile wait for it.
 */
class CompactionInPlaceTest {
    @TempDir
    Path dir;

    private static final int SWELL_MB = 120;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anImportThatLeavesTheCacheFarLargerThanItHoldsCompactsItAndTheCacheGoesOn(boolean encrypted)
            throws Exception {
        Path file = dir.resolve("custos");
        Path h2 = dir.resolve("custos.mv.db");
        CacheKey key = encrypted ? CacheKey.random() : null;
        try (Cache cache = Cache.open(file, key)) {
            CacheFixtures.demoEvents(cache, 1_000);
        }
        CacheFixtures.swell(file, key, SWELL_MB); // what a large import leaves: dead pages
        assertThat(Files.size(h2)).isGreaterThan(SWELL_MB * 1_000_000L);
        try (Cache cache = Cache.open(file, key)) {

            // the next import ends by compacting the open cache
            List<String> said = new ArrayList<>();
            Importer.Listener listener = new Importer.Listener() {
                @Override
                public void notice(String message) {
                    said.add(message);
                }
            };
            Importer importer = new Importer(cache, new Fhir());
            ImportReport report = importer.importStream("demo", "bundled demo data", demoStream(2_000),
                    "demo-audit.ndjson", listener);
            Map<String, Long> rowsBefore;
            try (Connection c = cache.connection()) {
                rowsBefore = CacheFixtures.rowCounts(c);
            }
            String headBefore = cache.ledgerHead();
            assertThat(said).isEmpty(); // one file's import does not compact: the import as a whole does
            importer.afterImport(report, listener);
            assertThat(report.counts("AuditEvent").added).isEqualTo(1_000);
            assertThat(said).first().asString().startsWith("Compacting the cache: ");
            assertThat(report.notes()).singleElement().asString().startsWith("Compacted the cache: ")
                    .endsWith(" MB.");
            assertThat(Files.size(h2)).isLessThan(20_000_000L);
            assertThat(cache.encrypted()).isEqualTo(encrypted);

            // everything is there and the cache reads and writes on
            Map<String, Long> rows;
            try (Connection c = cache.connection()) {
                rows = CacheFixtures.rowCounts(c);
            }
            assertThat(rows).containsEntry("audit_event", 2_000L).isEqualTo(rowsBefore);
            assertThat(cache.ledgerHead()).isEqualTo(headBefore);
            Verifier.Result checked = cache.verifier().run(null, () -> false, (d, t) -> { });
            assertThat(checked.intact()).as(checked.problems().toString()).isTrue();
            assertThat(checked.rows()).isGreaterThanOrEqualTo(2_000);
            ImportReport more = importer.importStream("demo", "bundled demo data", demoStream(2_500),
                    "demo-audit.ndjson", Importer.SILENT);
            importer.afterImport(more, Importer.SILENT);
            assertThat(more.counts("AuditEvent").added).isEqualTo(500);
            assertThat(more.notes()).isEmpty(); // small and full now: nothing to compact
        }
        try (Cache cache = Cache.open(file, key)) {
            assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(2_500);
            Verifier.Result checked = cache.verifier().run(null, () -> false, (d, t) -> { });
            assertThat(checked.intact()).as(checked.problems().toString()).isTrue();
        }
    }

    @Test
    void aConnectionInUseHoldsTheCompactionOffAndNothingIsDone() throws Exception {
        Path file = dir.resolve("custos");
        try (Cache cache = Cache.open(file)) {
            CacheFixtures.demoEvents(cache, 100);
            AtomicBoolean ran = new AtomicBoolean();
            try (Connection held = cache.connection()) {
                long t0 = System.nanoTime();
                assertThat(cache.whileClosed(300, () -> true, () -> ran.set(true))).isEqualTo(CacheConnections.Closing.BUSY);
                assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
                assertThat(ran).isFalse();
                assertThat(count(held)).isEqualTo(100); // the held connection still works
            }
            // closed: the next attempt runs at once
            assertThat(cache.whileClosed(300, () -> true, () -> ran.set(true))).isEqualTo(CacheConnections.Closing.DONE);
            assertThat(ran).isTrue();
            assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(100);
        }
    }

    /** The file opened again after a compaction in place is stored at once, as an opening is (CacheTest). */
    @Test
    void theFileOpenedAgainAfterACompactionLeavesNothingForH2sBackgroundWriter() throws Exception {
        Path file = dir.resolve("custos");
        try (Cache cache = Cache.open(file)) {
            CacheFixtures.demoEvents(cache, 100);
            assertThat(cache.whileClosed(1_000, () -> true, () -> { })).isEqualTo(CacheConnections.Closing.DONE);
            assertThat(CacheFixtures.unsavedChanges(cache)).as("changes left unstored by opening the file again")
                    .isFalse();
        }
    }

    @Test
    void aConnectionAskedForWhileTheFileIsClosedWaitsAndThenWorks() throws Exception {
        Path file = dir.resolve("custos");
        try (Cache cache = Cache.open(file)) {
            CacheFixtures.demoEvents(cache, 100);
            AtomicLong workEnded = new AtomicLong();
            AtomicLong gotAt = new AtomicLong();
            CompletableFuture<Long> reader = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try (Connection c = cache.connection()) {
                    gotAt.set(System.nanoTime());
                    reader.complete(count(c));
                } catch (Exception e) {
                    reader.completeExceptionally(e);
                }
            });
            CacheConnections.Closing done = cache.whileClosed(1_000, () -> true, () -> {
                t.start();
                waitUntilWaiting(t); // blocked at the gate: it cannot get past while the file is closed
                assertThat(reader).isNotDone();
                workEnded.set(System.nanoTime());
            });
            assertThat(done).isEqualTo(CacheConnections.Closing.DONE);
            assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo(100);
            assertThat(gotAt.get()).isGreaterThan(workEnded.get());
        }
    }

    @Test
    void twoCompactionsAtOnceTakeTurnsAndTheSecondSeesItIsNoLongerNeeded() throws Exception {
        Path file = dir.resolve("custos");
        try (Cache cache = Cache.open(file)) {
            CacheFixtures.demoEvents(cache, 100);
            CountDownLatch firstRunning = new CountDownLatch(1);
            CountDownLatch letFirstEnd = new CountDownLatch(1);
            AtomicBoolean firstDone = new AtomicBoolean();
            AtomicBoolean secondAsked = new AtomicBoolean();
            CompletableFuture<CacheConnections.Closing> first = CompletableFuture.supplyAsync(() -> cache.whileClosed(1_000,
                    () -> true, () -> {
                        firstRunning.countDown();
                        try {
                            assertThat(letFirstEnd.await(10, TimeUnit.SECONDS)).isTrue();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                        firstDone.set(true);
                    }));
            assertThat(firstRunning.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<CacheConnections.Closing> second = new CompletableFuture<>();
            Thread secondThread = new Thread(() -> second.complete(cache.whileClosed(10_000, () -> {
                secondAsked.set(true);
                return !firstDone.get(); // what afterBulkWrite asks: is the file still large?
            }, () -> { throw new AssertionError("the second compaction ran"); })));
            secondThread.start();
            waitUntilWaiting(secondThread); // waits for the gate the first holds shut
            assertThat(secondAsked).isFalse();
            letFirstEnd.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(CacheConnections.Closing.DONE);
            assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(CacheConnections.Closing.NOT_NEEDED);
            assertThat(secondAsked).isTrue();
            assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(100);
        }
    }

    private static void waitUntilWaiting(Thread t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(t.getState()).isIn(Thread.State.WAITING, Thread.State.TIMED_WAITING);
    }

    @Test
    void aClosedCacheIsNotOpenedAgainByALateCompaction() throws Exception {
        Path file = dir.resolve("custos");
        Cache cache = Cache.open(file);
        CacheFixtures.demoEvents(cache, 10);
        cache.close();
        AtomicBoolean ran = new AtomicBoolean();
        assertThat(cache.whileClosed(300, () -> true, () -> ran.set(true))).isEqualTo(CacheConnections.Closing.CLOSED);
        assertThat(ran).isFalse();
        assertThatThrownBy(() -> cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).hasMessageContaining("closed");
        // the file is free: another opening works
        try (Cache again = Cache.open(file)) {
            assertThat(again.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(10);
        }
    }

    private static long count(Connection c) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM audit_event")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static ByteArrayInputStream demoStream(int n) {
        String demo = String.join("\n", CacheFixtures.demoAuditLines(n)) + "\n";
        return new ByteArrayInputStream(demo.getBytes(StandardCharsets.UTF_8));
    }
}
