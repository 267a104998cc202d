package org.custos.sync;

import org.custos.cache.AuditFilter;
import org.custos.cache.AuditSummary;
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
    void aSyncThatLeavesTheCacheFarLargerThanItHoldsCompactsItAndSaysSo(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("swollen");
        Cache.open(file).close();
        org.custos.cache.CacheFixtures.swell(file, null, 120); // dead pages, as a large sync leaves them
        Path h2 = dir.resolve("swollen.mv.db");
        assertThat(java.nio.file.Files.size(h2)).isGreaterThan(120_000_000L);
        List<String> ae = ServerData.auditEvents(server, 30, 1);
        List<String> notices = new java.util.ArrayList<>();
        try (Cache swollen = Cache.open(file)) {
            SyncReport r = new SyncEngine(swollen).sync(profile(50), new SyncEngine.Options(null, FAST),
                    new SyncListener() {
                        @Override
                        public void notice(String type, String message) {
                            notices.add(type + ": " + message);
                        }
                    }, new Cancellation());
            assertThat(r.completed()).as(r.byType().toString()).isTrue();
            assertThat(r.note()).startsWith("Compacted the cache: ");
            assertThat(notices).anySatisfy(n -> assertThat(n).startsWith("Cache: Compacting the cache: "));
            assertThat(java.nio.file.Files.size(h2)).isLessThan(20_000_000L);
            assertThat(ServerData.cachedAuditIds(swollen)).containsExactlyInAnyOrderElementsOf(ae);
            SyncReport again = new SyncEngine(swollen).sync(profile(50), new SyncEngine.Options(null, FAST),
                    SyncListener.NONE, new Cancellation());
            assertThat(again.completed()).isTrue();
            assertThat(again.transferred()).isZero();
            assertThat(again.note()).isEmpty();
        }
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

        // an AuditEvent changed on the server is evidence: flagged, and the version first stored is kept beside it
        assertThat(cache.audit().count(AuditFilter.ALL.withFlagged(true), Long.MAX_VALUE)).isEqualTo(2);
        int origin = new SyncEngine(cache).originOf(profile(100));
        List<org.custos.cache.AuditStore.Version> versions = cache.audit().versions().history(origin, ae.get(0));
        assertThat(versions).hasSize(2);
        assertThat(versions.get(0).current()).isTrue();
        assertThat(versions.get(0).versionId()).isEqualTo("2");
        assertThat(versions.get(0).raw()).contains("changed ");
        assertThat(versions.get(1).versionId()).isEqualTo("1");
        assertThat(versions.get(1).raw()).doesNotContain("changed ");
        assertThat(cache.audit().page(AuditFilter.ALL.withFlagged(true), null, false, 10))
                .allSatisfy(row -> assertThat(row.flags()).isEqualTo("changed on server"));

        // a sync that brings nothing new keeps both versions and adds none
        SyncReport again = sync(profile(100));
        assertThat(again.transferred()).isZero();
        assertThat(cache.audit().versions().history(origin, ae.get(0))).hasSize(2);
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
        // deleted AuditEvents stay, flagged; the deleted Consent leaves the cache, its text with it
        assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(30);
        assertThat(cache.audit().rawById(ae.get(3))).isPresent();
        AuditFilter flagged = AuditFilter.ALL.withFlagged(true);
        assertThat(cache.audit().count(flagged, Long.MAX_VALUE)).isEqualTo(2);
        assertThat(cache.audit().page(flagged, null, false, 10)).extracting(AuditSummary::id)
                .containsExactlyInAnyOrder(ae.get(3), ae.get(4));
        assertThat(cache.audit().page(flagged, null, false, 10))
                .allSatisfy(row -> assertThat(row.flags()).isEqualTo("deleted on server"));
        assertThat(cache.resources().count("Consent")).isEqualTo(3);
        assertThat(cache.resources().raw("Consent", consents.get(0))).isEmpty();
        assertThat(cache.sync().deletedCount("AuditEvent")).isEqualTo(2);
        assertThat(cache.sync().deletedCount("Consent")).isEqualTo(1);

        // a third sync finds the same deletes again and changes nothing
        SyncReport again = sync(profile(50));
        assertThat(again.byType().get("AuditEvent").deleted).isZero();
        assertThat(again.byType().get("Consent").deleted).isZero();
        assertThat(cache.sync().deletedCount("AuditEvent")).isEqualTo(2);
    }

    /**
     * Two servers that number their AuditEvents alike (1, 2, 3…) are two origins: their events never replace each
     * other, one's delete flags only its own event, one's cache window prunes only its own events. The second server
     * is the same HAPI server reached under another base URL (localhost instead of 127.0.0.1) after it was emptied
     * and filled again with other events under the same ids: to the cache it is another server.
     */
    @Test
    void twoServersWithTheSameIdsKeepTheirOwnEvents() {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            ids.add(Integer.toString(i));
        }
        putAuditEvents(ids, "first-server-agent");
        ServerProfile first = profile(25);
        assertThat(sync(first).completed()).isTrue();

        server.purge();
        putAuditEvents(ids, "second-server-agent");
        ServerProfile second = ServerProfile.of("second", server.baseUrl().replace("127.0.0.1", "localhost"))
                .withPaging(25, null, 0);
        SyncReport r = sync(second);
        assertThat(r.completed()).as(r.byType().toString()).isTrue();
        assertThat(r.byType().get("AuditEvent").added).isEqualTo(40);
        assertThat(r.byType().get("AuditEvent").updated).isZero();

        SyncEngine engine = new SyncEngine(cache);
        int one = engine.originOf(first);
        int two = engine.originOf(second);
        assertThat(one).isNotEqualTo(two);
        assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(80);
        assertThat(cache.audit().count(AuditFilter.ALL.withFlagged(true), Long.MAX_VALUE)).isZero();
        AuditFilter fromFirst = AuditFilter.ALL.withOrigin(first.baseUrl());
        AuditFilter fromSecond = AuditFilter.ALL.withOrigin(second.baseUrl());
        assertThat(cache.audit().count(fromFirst.withAgent("first-server-agent"), Long.MAX_VALUE)).isEqualTo(40);
        assertThat(cache.audit().count(fromSecond.withAgent("second-server-agent"), Long.MAX_VALUE)).isEqualTo(40);
        assertThat(cache.audit().versions().history(one, "7")).singleElement().satisfies(v ->
                assertThat(v.raw()).contains("first-server-agent"));
        assertThat(cache.audit().versions().history(two, "7")).singleElement().satisfies(v ->
                assertThat(v.raw()).contains("second-server-agent"));
        assertThat(cache.sync().state(one, "AuditEvent").syncedTo()).isNotNull();
        assertThat(cache.sync().state(two, "AuditEvent").syncedTo()).isNotNull();

        // a delete on the second server flags the second server's event 7 only
        ServerData.delete(server, "AuditEvent", "7");
        assertThat(sync(second).byType().get("AuditEvent").deleted).isEqualTo(1);
        assertThat(cache.audit().page(AuditFilter.ALL.withFlagged(true), null, false, 10))
                .singleElement().satisfies(row -> {
                    assertThat(row.id()).isEqualTo("7");
                    assertThat(row.origin()).isEqualTo(second.baseUrl());
                    assertThat(row.deleted()).isTrue();
                });

        // the second server's cache window lets only its own events go
        assertThat(cache.audit().pruneBefore(two, Long.MAX_VALUE)).isEqualTo(40);
        assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(40);
        assertThat(cache.audit().count(fromFirst, Long.MAX_VALUE)).isEqualTo(40);
    }

    /** PUTs AuditEvents with these ids (client ids: version 1 on an emptied server) whose agent is {@code agent}. */
    private void putAuditEvents(List<String> ids, String agent) {
        org.hl7.fhir.dstu3.model.Bundle tx = new org.hl7.fhir.dstu3.model.Bundle()
                .setType(org.hl7.fhir.dstu3.model.Bundle.BundleType.TRANSACTION);
        List<org.hl7.fhir.dstu3.model.AuditEvent> events = new org.custos.demo.DemoGenerator(server.context(), 99)
                .events(0, ids.size());
        for (int i = 0; i < ids.size(); i++) {
            org.hl7.fhir.dstu3.model.AuditEvent e = events.get(i);
            e.setId(ids.get(i));
            e.getAgentFirstRep().setName(agent);
            tx.addEntry().setResource(e).getRequest().setMethod(org.hl7.fhir.dstu3.model.Bundle.HTTPVerb.PUT)
                    .setUrl("AuditEvent/" + ids.get(i));
        }
        server.client().transaction().withBundle(tx).execute();
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
