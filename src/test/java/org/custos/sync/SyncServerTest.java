package org.custos.sync;

import org.custos.cache.AuditFilter;
import org.custos.cache.Cache;
import org.custos.cache.SyncState;
import org.custos.fhir.Cancellation;
import org.custos.fhir.RetryPolicy;
import org.custos.fhir.ServerProfile;
import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The sync engine against the real HAPI FHIR JPA server (in-process, loopback). */
@ExtendWith(FhirServerExtension.class)
class SyncServerTest {
    static final RetryPolicy FAST = new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(50),
            Duration.ofSeconds(2));
    private final LocalFhirServer server;
    private Cache cache;

    SyncServerTest(LocalFhirServer server) {
        this.server = server;
    }

    @BeforeEach
    void clean(@TempDir Path dir) {
        server.purge();
        cache = Cache.open(dir.resolve("cache"));
    }

    @AfterEach
    void close() {
        cache.close();
    }

    private ServerProfile profile(int pageSize) {
        return ServerProfile.of("test", server.baseUrl()).withPaging(pageSize, null, 0);
    }

    private SyncReport sync(ServerProfile p) {
        return new SyncEngine(cache).sync(p, new SyncEngine.Options(null, FAST), SyncListener.NONE,
                new Cancellation());
    }

    private Set<String> cachedAuditIds() {
        return ServerData.cachedAuditIds(cache);
    }

    @Test
    void fullSyncThenASecondSyncTransfersNothingNew() {
        List<String> ae = ServerData.auditEvents(server, 230, 1);
        ServerData.consents(server, 5);
        ServerData.provenances(server, 3);

        SyncReport first = sync(profile(50));
        assertThat(first.completed()).as(first.byType().toString()).isTrue();
        assertThat(first.byType().get("AuditEvent").added).isEqualTo(230);
        assertThat(first.byType().get("AuditEvent").pages).isGreaterThanOrEqualTo(5);
        assertThat(first.byType().get("Consent").added).isEqualTo(5);
        assertThat(first.byType().get("Provenance").added).isEqualTo(3);
        assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(230);
        assertThat(cachedAuditIds()).containsExactlyInAnyOrderElementsOf(ae);
        SyncState s = new SyncEngine(cache).state(profile(50), "AuditEvent");
        assertThat(s.inProgress()).isFalse();
        assertThat(s.syncedTo()).isNotNull();
        assertThat(s.lastStatus()).isEqualTo("COMPLETED");

        SyncReport second = sync(profile(50));
        assertThat(second.completed()).isTrue();
        assertThat(second.transferred()).isZero();
        second.byType().values().forEach(r -> {
            assertThat(r.added).as(r.type).isZero();
            assertThat(r.updated).as(r.type).isZero();
        });
    }

    @Test
    void incrementalSyncBringsNewAndChangedEventsWithoutDuplicates() {
        List<String> ae = ServerData.auditEvents(server, 120, 2);
        assertThat(sync(profile(100)).completed()).isTrue();

        List<String> more = ServerData.auditEvents(server, 40, 3);
        ServerData.touch(server, ae.get(0));
        ServerData.touch(server, ae.get(1));
        SyncReport r = sync(profile(100));

        assertThat(r.completed()).isTrue();
        assertThat(r.byType().get("AuditEvent").added).isEqualTo(40);
        assertThat(r.byType().get("AuditEvent").updated).isEqualTo(2);
        assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(160);
        Set<String> all = new HashSet<>(ae);
        all.addAll(more);
        assertThat(cachedAuditIds()).isEqualTo(all);
        assertThat(cache.audit().rawById(ae.get(0)).orElseThrow()).contains("changed ");
    }

    @Test
    void eventsSharingOneInstantAcrossPageBoundariesAreAllStoredOnce() {
        // one transaction: the server gives all of them the same _lastUpdated; pages of 7 cut through that instant
        List<String> ae = ServerData.auditEvents(server, 50, 4);
        SyncReport r = sync(profile(7));
        assertThat(r.completed()).isTrue();
        assertThat(r.byType().get("AuditEvent").pages).isGreaterThanOrEqualTo(8);
        assertThat(r.byType().get("AuditEvent").added).isEqualTo(50);
        assertThat(cachedAuditIds()).containsExactlyInAnyOrderElementsOf(ae);
    }

    @Test
    void aSyncStoppedMidwayResumesFromItsCheckpoint() {
        List<String> ae = ServerData.auditEvents(server, 150, 5);
        for (int i = 0; i < 3; i++) {
            ServerData.auditEvents(server, 50, 50 + i); // a few distinct _lastUpdated instants
        }
        Cancellation cancel = new Cancellation();
        SyncListener stopAfterThreePages = new SyncListener() {
            int pages;

            @Override
            public void stored(String type) {
                if (type.equals("AuditEvent") && ++pages == 3) {
                    cancel.cancel();
                }
            }
        };
        SyncReport stopped = new SyncEngine(cache).sync(profile(25), new SyncEngine.Options(null, FAST),
                stopAfterThreePages, cancel);
        assertThat(stopped.byType().get("AuditEvent").status).isEqualTo(SyncReport.Status.CANCELLED);
        assertThat(stopped.byType().get("AuditEvent").added).isEqualTo(75);
        SyncState mid = new SyncEngine(cache).state(profile(25), "AuditEvent");
        assertThat(mid.inProgress()).isTrue();
        assertThat(mid.lastStatus()).isEqualTo("CANCELLED");

        SyncReport resumed = sync(profile(25));
        assertThat(resumed.completed()).isTrue();
        SyncReport.TypeResult r = resumed.byType().get("AuditEvent");
        assertThat(r.added).isEqualTo(300 - 75);
        // it went on from the checkpoint instead of starting over: at most the last instant's events again
        assertThat(r.received()).isLessThan(300 - 75 + 150);
        assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(300);
        assertThat(cachedAuditIds()).containsAll(ae);
    }

    @Test
    void deletesOnTheServerReachTheCache() {
        List<String> ae = ServerData.auditEvents(server, 30, 6);
        List<String> consents = ServerData.consents(server, 4);
        assertThat(sync(profile(50)).completed()).isTrue();
        assertThat(cache.resources().count("Consent")).isEqualTo(4);

        ServerData.delete(server, "AuditEvent", ae.get(3));
        ServerData.delete(server, "AuditEvent", ae.get(4));
        ServerData.delete(server, "Consent", consents.get(0));
        SyncReport r = sync(profile(50));

        assertThat(r.completed()).as(r.byType().toString()).isTrue();
        assertThat(r.byType().get("AuditEvent").deleted).isEqualTo(2);
        assertThat(r.byType().get("Consent").deleted).isEqualTo(1);
        assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(28);
        assertThat(cache.audit().rawById(ae.get(3))).isEmpty();
        assertThat(cache.resources().count("Consent")).isEqualTo(3);
        assertThat(cache.sync().deletedCount("AuditEvent")).isEqualTo(2);

        // a third sync finds the same deletes again and changes nothing
        SyncReport again = sync(profile(50));
        assertThat(again.byType().get("AuditEvent").deleted).isZero();
    }

    @Test
    void thePageSizeTheServerCapsIsFollowed() {
        server.setMaxPageSize(20);
        try {
            ServerData.auditEvents(server, 90, 7);
            SyncReport r = sync(profile(1000));
            assertThat(r.completed()).isTrue();
            assertThat(r.byType().get("AuditEvent").added).isEqualTo(90);
            assertThat(r.byType().get("AuditEvent").pages).isEqualTo(5);
        } finally {
            server.setMaxPageSize(1000);
        }
    }

    @Test
    void aCacheWindowKeepsOnlyRecentEventsAndLetsOlderOnesGo() {
        ServerData.auditEvents(server, 200, 8); // recorded over the last 90 days
        assertThat(sync(profile(100)).completed()).isTrue();
        assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(200);
        long cutoff = System.currentTimeMillis() - 30 * 86_400_000L;
        long recent = cache.audit().count(AuditFilter.ALL.withFrom(cutoff), Long.MAX_VALUE);
        assertThat(recent).isBetween(20L, 180L);

        SyncReport narrowed = sync(profile(100).withPaging(100, null, 30));
        assertThat(narrowed.completed()).isTrue();
        assertThat(narrowed.byType().get("AuditEvent").pruned).isEqualTo(200 - recent);
        assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(recent);

        // widened again (all days): the checkpoint of the narrower window does not hide the older events
        SyncReport widened = sync(profile(100));
        assertThat(widened.completed()).isTrue();
        assertThat(widened.byType().get("AuditEvent").added).isEqualTo(200 - recent);
        assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(200);
    }
}
