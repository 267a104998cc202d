package org.custos.sync;

import org.custos.TestData;
import org.custos.cache.AuditFilter;
import org.custos.cache.Cache;
import org.custos.demo.DemoGenerator;
import org.custos.fhir.Cancellation;
import org.custos.fhir.ServerProfile;
import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An import and a sync writing to one cache at the same time (as the app's background sync and File › Import do):
 * neither loses a batch. Writes take turns through the cache's one writer.
 */
@ExtendWith(FhirServerExtension.class)
class ConcurrentWritesTest {

    @Test
    void anImportAndASyncAtOnceBothStoreEverything(LocalFhirServer server, @TempDir Path dir) throws Exception {
        server.purge();
        for (int i = 0; i < 4; i++) {
            ServerData.auditEvents(server, 250, 300 + i);
        }
        Path file = dir.resolve("demo.ndjson");
        new DemoGenerator(TestData.FHIR.context(), 5).write(file, 20_000);
        try (Cache cache = Cache.open(dir.resolve("cache"))) {
            CountDownLatch syncStoring = new CountDownLatch(1);
            CompletableFuture<SyncReport> sync = CompletableFuture.supplyAsync(() -> new SyncEngine(cache).sync(
                    ServerProfile.of("t", server.baseUrl()).withPaging(50, java.util.Set.of("AuditEvent"), 0),
                    new SyncEngine.Options(null, SyncServerTest.FAST), new SyncListener() {
                        @Override
                        public void stored(String type) {
                            syncStoring.countDown();
                        }
                    }, new Cancellation()));
            // the import starts while the sync is storing pages
            assertThat(syncStoring.await(60, TimeUnit.SECONDS)).isTrue();
            ImportReport imported = new Importer(cache, TestData.FHIR).importFile(file, Importer.SILENT);
            SyncReport synced = sync.get(120, TimeUnit.SECONDS);

            assertThat(synced.completed()).as(synced.byType().toString()).isTrue();
            assertThat(synced.byType().get("AuditEvent").added).isEqualTo(1000);
            assertThat(imported.quarantined()).as(imported.problems().toString()).isZero();
            assertThat(imported.counts("AuditEvent").added).isEqualTo(20_000);
            assertThat(cache.audit().count(AuditFilter.ALL.withOrigin(server.baseUrl()), Long.MAX_VALUE))
                    .isEqualTo(1000);
            assertThat(cache.audit().count(AuditFilter.ALL.withOrigin("files"), Long.MAX_VALUE)).isEqualTo(20_000);
        }
    }
}
