package org.custos.sync;

import org.custos.cache.AuditFilter;
import org.custos.cache.Cache;
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
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What real servers and networks do, injected by a proxy in front of the real HAPI server: throttling, expired
 * searches, result caps, links to other hosts, bodies cut short, a server that hangs, refused credentials.
 */
@ExtendWith(FhirServerExtension.class)
class SyncFaultTest {
    private final LocalFhirServer server;
    private Cache cache;
    private FaultProxy proxy;
    private final List<String> notices = new ArrayList<>();

    SyncFaultTest(LocalFhirServer server) {
        this.server = server;
    }

    @BeforeEach
    void setUp(@TempDir Path dir) throws Exception {
        server.purge();
        cache = Cache.open(dir.resolve("cache"));
        proxy = new FaultProxy(server.baseUrl());
    }

    @AfterEach
    void tearDown() {
        proxy.close();
        cache.close();
    }

    private ServerProfile profile(int pageSize) {
        return ServerProfile.of("proxy", proxy.baseUrl()).withPaging(pageSize, java.util.Set.of("AuditEvent"), 0)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    private SyncReport.TypeResult sync(ServerProfile p, RetryPolicy retry) {
        SyncListener l = new SyncListener() {
            @Override
            public void notice(String type, String message) {
                notices.add(message);
            }
        };
        return new SyncEngine(cache).sync(p, new SyncEngine.Options(null, retry), l, new Cancellation())
                .byType().get("AuditEvent");
    }

    private SyncReport.TypeResult sync(ServerProfile p) {
        return sync(p, SyncServerTest.FAST);
    }

    @Test
    void throttlingWithRetryAfterIsWaitedOut() {
        ServerData.auditEvents(server, 60, 11);
        proxy.status(FaultProxy.searchOf("AuditEvent"), 1, 429, "Retry-After", "1");
        proxy.status(FaultProxy.nextPages(), 1, 503, null, null);
        long t0 = System.nanoTime();
        SyncReport.TypeResult r = sync(profile(25));
        assertThat(r.status).as(r.message).isEqualTo(SyncReport.Status.COMPLETED);
        assertThat(r.added).isEqualTo(60);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("waited the second Retry-After asked for")
                .isGreaterThanOrEqualTo(1000);
        assertThat(notices).anyMatch(n -> n.contains("429")).anyMatch(n -> n.contains("503"));
    }

    @Test
    void anExpiredSearchStartsAgainFromTheCheckpoint() {
        ServerData.auditEvents(server, 40, 12);
        ServerData.auditEvents(server, 40, 13);
        proxy.status(FaultProxy.nextPages(), 1, 410, null, null);
        SyncReport.TypeResult r = sync(profile(15));
        assertThat(r.status).as(r.message).isEqualTo(SyncReport.Status.COMPLETED);
        assertThat(r.added).isEqualTo(80);
        assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(80);
        assertThat(notices).anyMatch(n -> n.contains("410") && n.contains("Searching again"));
    }

    @Test
    void aResultCapSmallerThanTheTotalIsWorkedAround() {
        ServerData.auditEvents(server, 30, 14);
        ServerData.auditEvents(server, 30, 15);
        ServerData.auditEvents(server, 30, 16);
        // the second page comes without its next link, though the total says 90: a capped result set
        proxy.rewrite(FaultProxy.nextPages(), 1,
                body -> body.replaceAll("\\{\"relation\":\"next\",\"url\":\"[^\"]*\"},?", ""));
        SyncReport.TypeResult r = sync(profile(20));
        assertThat(r.status).as(r.message).isEqualTo(SyncReport.Status.COMPLETED);
        assertThat(r.added).isEqualTo(90);
        assertThat(notices).anyMatch(n -> n.contains("stopped after 40 of the 90"));
    }

    @Test
    void aNextLinkToAnotherHostIsRefused() {
        ServerData.auditEvents(server, 30, 17);
        proxy.fault(FaultProxy.searchOf("AuditEvent"), 1, FaultProxy.Fault.FOREIGN_NEXT);
        SyncReport.TypeResult r = sync(profile(10));
        assertThat(r.status).isEqualTo(SyncReport.Status.FAILED);
        assertThat(r.message).contains("elsewhere.example").contains("does not follow");
        assertThat(r.added).isEqualTo(10);
        assertThat(proxy.seen()).filteredOn(u -> !u.getPath().endsWith("/metadata")).hasSize(1);
    }

    @Test
    void bodiesCutShortAreFetchedAgain() {
        ServerData.auditEvents(server, 45, 18);
        proxy.fault(FaultProxy.searchOf("AuditEvent"), 1, FaultProxy.Fault.CUT_BODY);
        proxy.fault(FaultProxy.nextPages(), 1, FaultProxy.Fault.DROP_CONNECTION);
        SyncReport.TypeResult r = sync(profile(20));
        assertThat(r.status).as(r.message).isEqualTo(SyncReport.Status.COMPLETED);
        assertThat(r.added).isEqualTo(45);
        assertThat(notices).anyMatch(n -> n.contains("not complete JSON"));
    }

    @Test
    void aServerThatHangsIsGivenUpOnAfterBoundedAttempts() {
        ServerData.auditEvents(server, 10, 19);
        proxy.fault(FaultProxy.searchOf("AuditEvent"), 10, FaultProxy.Fault.HANG);
        ServerProfile p = profile(20).withTimeouts(Duration.ofMillis(500), Duration.ofMillis(500));
        SyncReport.TypeResult r = sync(p, new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(10),
                Duration.ofSeconds(1)));
        assertThat(r.status).isEqualTo(SyncReport.Status.FAILED);
        assertThat(r.message).contains("No ").contains("Gave up after 2 attempts");
    }

    @Test
    void aServerFailingForLongerThanTheRetriesIsReportedNotHidden() {
        ServerData.auditEvents(server, 10, 20);
        proxy.status(FaultProxy.searchOf("AuditEvent"), 100, 500, null, null);
        SyncReport.TypeResult r = sync(profile(20));
        assertThat(r.status).isEqualTo(SyncReport.Status.FAILED);
        assertThat(r.message).contains("500").contains("Gave up after 4 attempts").contains("injected 500");
    }

    @Test
    void refusedCredentialsStopTheSyncWithWhatIsNeeded() {
        ServerData.auditEvents(server, 10, 21);
        proxy.status(u -> true, 100, 401, "WWW-Authenticate", "Bearer realm=\"fhir\"");
        SyncReport report = new SyncEngine(cache).sync(ServerProfile.of("p", proxy.baseUrl()),
                new SyncEngine.Options(null, SyncServerTest.FAST), SyncListener.NONE, new Cancellation());
        SyncReport.TypeResult ae = report.byType().get("AuditEvent");
        assertThat(ae.status).isEqualTo(SyncReport.Status.FAILED);
        assertThat(ae.message).contains("401").contains("bearer token").contains("Bearer realm");
        assertThat(report.byType().get("Consent").message).contains("Not started");
        assertThat(proxy.seen()).hasSize(1);
    }

    @Test
    void aForbiddenTypeFailsAloneAndTheOthersGoOn() {
        ServerData.auditEvents(server, 10, 22);
        ServerData.consents(server, 2);
        proxy.status(FaultProxy.searchOf("Consent"), 100, 403, null, null);
        SyncReport report = new SyncEngine(cache).sync(ServerProfile.of("p", proxy.baseUrl()),
                new SyncEngine.Options(null, SyncServerTest.FAST), SyncListener.NONE, new Cancellation());
        assertThat(report.byType().get("AuditEvent").status).isEqualTo(SyncReport.Status.COMPLETED);
        assertThat(report.byType().get("Consent").status).isEqualTo(SyncReport.Status.FAILED);
        assertThat(report.byType().get("Consent").message).contains("403");
        assertThat(report.byType().get("Provenance").status).isEqualTo(SyncReport.Status.COMPLETED);
        assertThat(report.completed()).isFalse();
    }

    @Test
    void aResourceThatCannotBeReadIsQuarantinedAndTheRestGoesOn() {
        ServerData.auditEvents(server, 20, 23);
        proxy.rewrite(FaultProxy.searchOf("AuditEvent"), 1,
                body -> body.replaceFirst("\"recorded\":\"[^\"]*\"", "\"recorded\":\"the day before yesterday\""));
        SyncReport.TypeResult r = sync(profile(50));
        assertThat(r.status).as(r.message).isEqualTo(SyncReport.Status.COMPLETED);
        assertThat(r.added).isEqualTo(19);
        assertThat(r.quarantined).isEqualTo(1);
        assertThat(cache.quarantine().latest(10)).singleElement()
                .satisfies(q -> assertThat(q.reason()).containsIgnoringCase("recorded"))
                .satisfies(q -> assertThat(q.location()).startsWith("AuditEvent/"));

        // met again in the next sync's overlap: still quarantined once
        proxy.rewrite(FaultProxy.searchOf("AuditEvent"), 1,
                body -> body.replaceFirst("\"recorded\":\"[^\"]*\"", "\"recorded\":\"the day before yesterday\""));
        SyncReport.TypeResult again = sync(profile(50));
        assertThat(again.status).isEqualTo(SyncReport.Status.COMPLETED);
        assertThat(cache.quarantine().count()).isEqualTo(1);
    }

    @Test
    void aServerWithoutHistoryStillSyncsJustWithoutDeletes() {
        ServerData.auditEvents(server, 10, 24);
        proxy.status(u -> u.getPath().endsWith("/_history"), 100, 404, null, null);
        assertThat(sync(profile(50)).status).isEqualTo(SyncReport.Status.COMPLETED);
        ServerData.auditEvents(server, 5, 25);
        SyncReport.TypeResult second = sync(profile(50));
        assertThat(second.status).as(second.message).isEqualTo(SyncReport.Status.COMPLETED);
        assertThat(notices).anyMatch(n -> n.contains("does not list the history"));
        ServerData.auditEvents(server, 5, 26);
        SyncReport.TypeResult third = sync(profile(50));
        assertThat(third.status).isEqualTo(SyncReport.Status.COMPLETED);
        assertThat(third.added).isEqualTo(5);
        assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(20);
    }

    /** Every page's entries in reverse order: a server that ignores _sort. */
    private static String reversed(String body) {
        try {
            com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
            com.fasterxml.jackson.databind.node.ObjectNode b = (com.fasterxml.jackson.databind.node.ObjectNode)
                    m.readTree(body);
            com.fasterxml.jackson.databind.node.ArrayNode entries = (com.fasterxml.jackson.databind.node.ArrayNode)
                    b.path("entry");
            List<com.fasterxml.jackson.databind.JsonNode> list = new ArrayList<>();
            entries.forEach(list::add);
            java.util.Collections.reverse(list);
            entries.removeAll();
            entries.addAll(list);
            return m.writeValueAsString(b);
        } catch (Exception e) {
            return body;
        }
    }

    @Test
    void aServerThatIgnoresTheSortIsSyncedByHalvingItsWindow() {
        ServerData.auditEvents(server, 30, 27);
        ServerData.auditEvents(server, 30, 28);
        ServerData.auditEvents(server, 30, 29);
        // the cap comes first (the second page loses its next link), then every page comes out of order
        proxy.rewrite(FaultProxy.nextPages(), 1, body -> reversed(
                body.replaceAll("\\{\"relation\":\"next\",\"url\":\"[^\"]*\"},?", "")));
        proxy.rewrite(u -> u.getPath().endsWith("/AuditEvent") || FaultProxy.nextPages().test(u), 1000,
                SyncFaultTest::reversed);
        SyncReport.TypeResult r = sync(profile(20));
        assertThat(r.status).as(r.message).isEqualTo(SyncReport.Status.COMPLETED);
        assertThat(r.added).isEqualTo(90);
        assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(90);
        assertThat(notices).anyMatch(n -> n.contains("Splitting the window"));
    }
}
