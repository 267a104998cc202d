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

import static org.assertj.core.api.Assertions.assertThat;

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
            ImportReport report = new Importer(cache, new Fhir()).importStream("demo", "bundled demo data",
                    demoStream(2_000), "demo-audit.ndjson", new Importer.Listener() {
                        @Override
                        public void notice(String message) {
                            said.add(message);
                        }
                    });
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
            assertThat(rows).containsEntry("audit_event", 2_000L);
            Verifier.Result checked = cache.verifier().run(null, () -> false, (d, t) -> { });
            assertThat(checked.intact()).as(checked.problems().toString()).isTrue();
            assertThat(checked.rows()).isGreaterThanOrEqualTo(2_000);
            ImportReport more = new Importer(cache, new Fhir()).importStream("demo", "bundled demo data",
                    demoStream(2_500), "demo-audit.ndjson", Importer.SILENT);
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
                assertThat(cache.whileClosed(300, () -> ran.set(true))).isFalse();
                assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
                assertThat(ran).isFalse();
                assertThat(count(held)).isEqualTo(100); // the held connection still works
            }
            // closed: the next attempt runs at once
            assertThat(cache.whileClosed(300, () -> ran.set(true))).isTrue();
            assertThat(ran).isTrue();
            assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(100);
        }
    }

    @Test
    void aConnectionAskedForWhileTheFileIsClosedWaitsAndThenWorks() throws Exception {
        Path file = dir.resolve("custos");
        try (Cache cache = Cache.open(file)) {
            CacheFixtures.demoEvents(cache, 100);
            CountDownLatch asking = new CountDownLatch(1);
            AtomicBoolean gotOneWhileClosed = new AtomicBoolean();
            AtomicBoolean closedNow = new AtomicBoolean();
            CompletableFuture<Long> reader = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                asking.countDown();
                try (Connection c = cache.connection()) {
                    gotOneWhileClosed.set(closedNow.get());
                    reader.complete(count(c));
                } catch (Exception e) {
                    reader.completeExceptionally(e);
                }
            });
            boolean ran = cache.whileClosed(1_000, () -> {
                closedNow.set(true);
                t.start();
                try {
                    assertThat(asking.await(10, TimeUnit.SECONDS)).isTrue();
                    // the reader is now blocked in the gate (it cannot get past while the file is closed)
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (t.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                    assertThat(t.getState()).isEqualTo(Thread.State.WAITING);
                    assertThat(reader).isNotDone();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                closedNow.set(false);
            });
            assertThat(ran).isTrue();
            assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo(100);
            assertThat(gotOneWhileClosed).isFalse();
        }
    }

    @Test
    void aClosedCacheIsNotOpenedAgainByALateCompaction() throws Exception {
        Path file = dir.resolve("custos");
        Cache cache = Cache.open(file);
        CacheFixtures.demoEvents(cache, 10);
        cache.close();
        AtomicBoolean ran = new AtomicBoolean();
        assertThat(cache.whileClosed(300, () -> ran.set(true))).isFalse();
        assertThat(ran).isFalse();
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
