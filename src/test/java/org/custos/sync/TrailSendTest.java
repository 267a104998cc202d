package org.custos.sync;

import org.custos.cache.AuditFilter;
import org.custos.cache.Cache;
import org.custos.cache.OutboxStore;
import org.custos.cache.OutboxStore.Entry;
import org.custos.cache.OutboxStore.Status;
import org.custos.cache.TrailWrites;
import org.custos.fhir.Cancellation;
import org.custos.fhir.Fhir;
import org.custos.fhir.ResourceWriter;
import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.custos.testserver.TcpRelay;
import org.custos.trail.OwnTrail;
import org.hl7.fhir.dstu3.model.AuditEvent;
import org.hl7.fhir.dstu3.model.Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.custos.sync.TestProfiles.profile;

/**
 * Custos's own audit trail sent to a server whose profile says so (the real HAPI JPA server): POSTed from the
 * outbox, in the order recorded, each stored once (also when a send is repeated after its answer was lost), retried
 * when the server is down, and queued in the same commit as the event (a SIGKILL right after keeps both).
 */
@ExtendWith(FhirServerExtension.class)
class TrailSendTest {
    private final Fhir fhir = new Fhir();

    @TempDir
    Path dir;

    private static OwnTrail trail(Cache cache, List<String> sendTo) {
        return new OwnTrail(cache, () -> "officer", "custos@test", Clock.systemUTC()).sendingTo(() -> sendTo);
    }

    /** The server's AuditEvents carrying the trail tag of {@code id}. */
    private static List<AuditEvent> onServer(LocalFhirServer server, String id) {
        Bundle b = server.client().search().forResource(AuditEvent.class).withTag(TrailWrites.TAG, id)
                .returnBundle(Bundle.class).execute();
        List<AuditEvent> out = new ArrayList<>();
        b.getEntry().forEach(e -> out.add((AuditEvent) e.getResource()));
        return out;
    }

    @Test
    void theTrailGoesToTheServerByPostInTheOrderRecordedEachOnce(LocalFhirServer server) {
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            OwnTrail trail = trail(cache, List.of(server.baseUrl()));
            String q = trail.record(OwnTrail.Act.QUERY, "audit browser search", "patient=Patient/p1", null,
                    List.of("Patient/p1"));
            String r = trail.record(OwnTrail.Act.READ, "opened event", null, "AuditEvent/e1", List.of("Patient/p1"));
            String d = trail.record(OwnTrail.Act.DECISION, "alert 4 explained", null, "alert 4", List.of());
            OutboxStore o = cache.outbox();
            assertThat(o.pending(server.baseUrl())).extracting(Entry::id).containsExactly(q, r, d);
            assertThat(o.countPendingTrail()).isEqualTo(3);

            List<String> order = new ArrayList<>();
            OutboxSender.Report rep = new OutboxSender(cache, fhir).send(profile(server.baseUrl()),
                    new Cancellation(), new OutboxSender.Listener() {
                        @Override
                        public void sending(Entry entry) {
                            order.add(entry.id());
                        }
                    });
            assertThat(rep.allSent()).as(rep.summary()).isTrue();
            assertThat(rep.sent()).isEqualTo(3);
            assertThat(rep.trailSent()).isEqualTo(3);
            assertThat(order).containsExactly(q, r, d);
            // each on the server once, with the server's own id (a POST), the content as recorded
            List<String> serverIds = new ArrayList<>();
            List<java.util.Date> storedAt = new ArrayList<>();
            for (String id : List.of(q, r, d)) {
                List<AuditEvent> there = onServer(server, id);
                assertThat(there).as("copies of %s on the server", id).hasSize(1);
                assertThat(there.get(0).getIdElement().getIdPart()).isNotEqualTo(id);
                assertThat(there.get(0).getPurposeOfEventFirstRep().getCodingFirstRep().getCode()).isEqualTo("HCOMPL");
                serverIds.add(there.get(0).getIdElement().getIdPart());
                storedAt.add(there.get(0).getMeta().getLastUpdated());
            }
            assertThat(storedAt).as("stored in the order recorded").isSorted();
            assertThat(onServer(server, q).get(0).getAgentFirstRep().getUserId().getValue()).isEqualTo("officer");
            // a relative reference would name the server's own Patient/p1, another person: it went as a name
            AuditEvent first = onServer(server, q).get(0);
            assertThat(first.getEntity()).noneMatch(e -> e.getReference().hasReference());
            assertThat(first.getEntity()).extracting(AuditEvent.AuditEventEntityComponent::getName)
                    .contains("Patient/p1 (not a resource of this server)");
            assertThat(o.entries(server.baseUrl())).extracting(Entry::status).containsOnly(Status.SENT);
            assertThat(o.get(o.entries(server.baseUrl()).get(0).seq()).orElseThrow().lastMessage())
                    .contains("AuditEvent/" + serverIds.get(0));
            // the cache keeps the trail under "this Custos" only: the server's origin got no copy
            assertThat(cache.audit().count(AuditFilter.ALL.withOrigin(server.baseUrl()), Long.MAX_VALUE)).isZero();
            assertThat(cache.audit().count(AuditFilter.ALL.withOwn(true), Long.MAX_VALUE)).isEqualTo(3);
            assertThat(o.countPendingTrail()).isZero();

            // a second run sends nothing more
            OutboxSender.Report again = new OutboxSender(cache, fhir).send(profile(server.baseUrl()),
                    new Cancellation(), OutboxSender.Listener.NONE);
            assertThat(again.sent()).isZero();
            assertThat(onServer(server, q)).hasSize(1);
            assertThat(cache.verifier().run(null, () -> false, (x, t) -> { }).intact()).isTrue();
        }
    }

    @Test
    void aSendRepeatedAfterItsAnswerWasLostStoresTheEventOnce(LocalFhirServer server) {
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            OwnTrail trail = trail(cache, List.of(server.baseUrl()));
            String marked = trail.record(OwnTrail.Act.QUERY, "search", "q1", null, List.of());
            String unmarked = trail.record(OwnTrail.Act.QUERY, "search", "q2", null, List.of());
            OutboxStore o = cache.outbox();
            List<Entry> entries = o.pending(server.baseUrl());
            try (ResourceWriter w = new ResourceWriter(fhir, profile(server.baseUrl()))) {
                // killed after the POST arrived, before the cache heard: the entry is found SENDING
                o.markSending(entries.get(0).seq());
                w.post("AuditEvent", entries.get(0).json(), TrailWrites.TAG, marked);
                // the same, and the SENDING mark lost as well (it looks PENDING): the conditional POST stores nothing
                w.post("AuditEvent", entries.get(1).json(), TrailWrites.TAG, unmarked);
            }
            assertThat(onServer(server, marked)).hasSize(1);

            OutboxSender.Report rep = new OutboxSender(cache, fhir).send(profile(server.baseUrl()),
                    new Cancellation(), OutboxSender.Listener.NONE);
            assertThat(rep.allSent()).as(rep.summary()).isTrue();
            assertThat(rep.reconciled()).isEqualTo(1);
            assertThat(onServer(server, marked)).as("found by its tag, not sent again").hasSize(1);
            assertThat(onServer(server, unmarked)).as("the conditional create found it").hasSize(1);
            assertThat(o.entries(server.baseUrl())).extracting(Entry::status).containsOnly(Status.SENT);
        }
    }

    @Test
    void aServerThatIsDownKeepsTheTrailWaitingUntilItIsBack(LocalFhirServer server) throws Exception {
        try (TcpRelay relay = new TcpRelay(server.port()); Cache cache = Cache.open(dir.resolve("c"))) {
            relay.down();
            OwnTrail trail = trail(cache, List.of(relay.baseUrl()));
            String a = trail.record(OwnTrail.Act.EXPORT, "export", "all", null, List.of("Patient/p2"));
            String b = trail.record(OwnTrail.Act.READ, "opened", null, "AuditEvent/e2", List.of("Patient/p2"));
            OutboxSender.Report down = new OutboxSender(cache, fhir).send(profile(relay.baseUrl()),
                    new Cancellation(), OutboxSender.Listener.NONE);
            assertThat(down.sent()).isZero();
            assertThat(down.stoppedBecause()).isNotNull();
            assertThat(cache.outbox().pending(relay.baseUrl())).extracting(Entry::status)
                    .containsExactly(Status.PENDING, Status.PENDING);
            assertThat(cache.outbox().pending(relay.baseUrl()).get(0).lastMessage()).contains("Cannot connect");

            relay.up();
            OutboxSender.Report back = new OutboxSender(cache, fhir).send(profile(relay.baseUrl()),
                    new Cancellation(), OutboxSender.Listener.NONE);
            assertThat(back.allSent()).as(back.summary()).isTrue();
            assertThat(onServer(server, a)).hasSize(1);
            assertThat(onServer(server, b)).hasSize(1);
        }
    }

    @Test
    void withoutAProfileThatReceivesItTheTrailStaysInTheCache() {
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            trail(cache, List.of()).record(OwnTrail.Act.QUERY, "search", "q", null, List.of());
            assertThat(cache.outbox().countPending()).isZero();
            assertThat(cache.audit().count(AuditFilter.ALL.withOwn(true), Long.MAX_VALUE)).isEqualTo(1);
        }
    }

    @Test
    void anEventRecordedJustBeforeAKillIsKeptWithItsSending() throws Exception {
        Path db = dir.resolve("killed");
        String url = "http://127.0.0.1:9/fhir";
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), TrailChild.class.getName(),
                db.toString(), url).redirectErrorStream(true).start();
        String id = null;
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.append(line).append('\n');
                if (line.startsWith("recorded ")) {
                    id = line.substring("recorded ".length());
                    p.destroyForcibly(); // SIGKILL: no close, no shutdown hook
                    break;
                }
            }
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(id).as(out.toString()).isNotNull();
        try (Cache cache = Cache.open(db)) {
            assertThat(cache.audit().count(AuditFilter.ALL.withOwn(true), Long.MAX_VALUE)).isEqualTo(1);
            assertThat(cache.outbox().pending(url)).extracting(Entry::id).containsExactly(id);
        }
    }

    @Test
    void onlyTheServersOwnPatientsKeepTheirReferenceInItsCopy(LocalFhirServer server) {
        String p9 = "p9-" + ResourceWriter.newId().substring(0, 8);
        org.hl7.fhir.dstu3.model.Patient patient = new org.hl7.fhir.dstu3.model.Patient();
        patient.setId("Patient/" + p9);
        server.client().update().resource(patient).execute();
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            String id = trail(cache, List.of(server.baseUrl())).record(OwnTrail.Act.QUERY, "patient access view",
                    "patient=" + p9, null, List.of(org.custos.trail.Looks.inOrigin(server.baseUrl(), "Patient/" + p9),
                            "Patient/p1", "MRN-3"));
            OutboxSender.Report rep = new OutboxSender(cache, fhir).send(profile(server.baseUrl()),
                    new Cancellation(), OutboxSender.Listener.NONE);
            assertThat(rep.allSent()).as(rep.summary()).isTrue();
            AuditEvent there = onServer(server, id).get(0);
            assertThat(there.getEntity()).filteredOn(e -> e.getReference().hasReference())
                    .singleElement().satisfies(e -> assertThat(e.getReference().getReference()).endsWith("Patient/"
                            + p9));
            assertThat(there.getEntity()).extracting(AuditEvent.AuditEventEntityComponent::getName).contains(
                    "Patient/p1 (not a resource of this server)",
                    "identifier MRN-3 (of another source than this server)");
            // the cache's own copy keeps what was looked at as it was given
            String own = cache.audit().rawById(cache.origins().selfId().orElseThrow(), id).orElseThrow();
            assertThat(own).contains(server.baseUrl() + "/Patient/" + p9).contains("\"Patient/p1\"")
                    .contains("MRN-3");
        }
    }

    @Test
    void savingAnEditDoesNotWaitBehindTheTrail(LocalFhirServer server) {
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            trail(cache, List.of(server.baseUrl())).record(OwnTrail.Act.QUERY, "search", "q", null, List.of());
            OutboxSender.Report edits = new OutboxSender(cache, fhir).sendEdits(profile(server.baseUrl()),
                    new Cancellation(), OutboxSender.Listener.NONE);
            assertThat(edits.sent()).isZero();
            assertThat(cache.outbox().countPendingTrail()).as("left for the next full send").isEqualTo(1);
            assertThatThrownBy(() -> cache.outbox().enqueue(server.baseUrl(), "AuditEvent", "x", null,
                    "{\"resourceType\":\"AuditEvent\"}")).hasMessageContaining("no AuditEvent but its own");
        }
    }

    @Test
    void anUnansweredSendHoldsTheLaterTrailEventsInOrder(LocalFhirServer server) throws Exception {
        try (FaultProxy proxy = new FaultProxy(server.baseUrl()); Cache cache = Cache.open(dir.resolve("c"))) {
            java.util.function.Predicate<java.net.URI> post = u -> u.getPath().endsWith("/AuditEvent")
                    && (u.getRawQuery() == null || !u.getRawQuery().contains("_tag"));
            proxy.status(post, 1, 502, null, null);
            OwnTrail trail = trail(cache, List.of(proxy.baseUrl()));
            trail.record(OwnTrail.Act.QUERY, "first", "q1", null, List.of());
            trail.record(OwnTrail.Act.QUERY, "second", "q2", null, List.of());
            OutboxSender.Report rep = new OutboxSender(cache, fhir).send(profile(proxy.baseUrl()),
                    new Cancellation(), OutboxSender.Listener.NONE);
            assertThat(rep.sent()).isZero();
            List<Entry> entries = cache.outbox().entries(proxy.baseUrl());
            assertThat(entries.get(0).status()).as("a 502 may have arrived").isEqualTo(Status.SENDING);

            assertThat(entries.get(1).status()).isEqualTo(Status.PENDING);
            assertThat(entries.get(1).attempts()).as("not sent before the first").isZero();
            assertThat(proxy.seen()).as("%s", proxy.seen()).filteredOn(post).hasSize(1);
        }
    }

    @Test
    void aServerThatDoesNotSearchByTagLeavesTheSendUncertain(LocalFhirServer server) throws Exception {
        try (FaultProxy proxy = new FaultProxy(server.baseUrl()); Cache cache = Cache.open(dir.resolve("c"))) {
            String id = trail(cache, List.of(proxy.baseUrl())).record(OwnTrail.Act.QUERY, "search", "q", null,
                    List.of());
            Entry e = cache.outbox().pending(proxy.baseUrl()).get(0);
            cache.outbox().markSending(e.seq());
            // some other AuditEvent is on the server; the proxy answers the tag search with it, its tag changed
            try (ResourceWriter w = new ResourceWriter(fhir, profile(server.baseUrl()))) {
                w.post("AuditEvent", e.json(), TrailWrites.TAG, id);
            }
            proxy.rewrite(u -> u.getRawQuery() != null && u.getRawQuery().contains("_tag"), 1,
                    body -> body.replace(id, "another-event"));
            String later = trail(cache, List.of(proxy.baseUrl())).record(OwnTrail.Act.QUERY, "later", "q2", null,
                    List.of());
            new OutboxSender(cache, fhir).send(profile(proxy.baseUrl()), new Cancellation(),
                    OutboxSender.Listener.NONE);
            Entry after = cache.outbox().get(e.seq()).orElseThrow();
            assertThat(after.status()).as("not taken for sent").isEqualTo(Status.SENDING);
            assertThat(after.lastMessage()).contains("does not search AuditEvent by _tag");
            // an event left uncertain by an earlier run does not hold the later ones for ever: the next was tried
            assertThat(proxy.seen()).as("%s", proxy.seen()).filteredOn(u -> u.getPath().endsWith("/AuditEvent")
                    && (u.getRawQuery() == null || !u.getRawQuery().contains("_tag"))).hasSize(1);
            assertThat(cache.outbox().entries(proxy.baseUrl()).get(1).id()).isEqualTo(later);
        }
    }

    @Test
    void anEventTheServerRefusesFailsWithItsWordsAndDoesNotHoldTheOthers(LocalFhirServer server) throws Exception {
        try (FaultProxy proxy = new FaultProxy(server.baseUrl()); Cache cache = Cache.open(dir.resolve("c"))) {
            java.util.function.Predicate<java.net.URI> post = u -> u.getPath().endsWith("/AuditEvent")
                    && (u.getRawQuery() == null || !u.getRawQuery().contains("_tag"));
            proxy.status(post, 1, 422, null, null);
            OwnTrail trail = trail(cache, List.of(proxy.baseUrl()));
            trail.record(OwnTrail.Act.QUERY, "first", "q1", null, List.of());
            trail.record(OwnTrail.Act.QUERY, "second", "q2", null, List.of());
            OutboxSender.Report rep = new OutboxSender(cache, fhir).send(profile(proxy.baseUrl()),
                    new Cancellation(), OutboxSender.Listener.NONE);
            Entry first = cache.outbox().entries(proxy.baseUrl()).get(0);
            assertThat(first.status()).isEqualTo(Status.FAILED);
            assertThat(first.lastMessage()).contains("422").contains("injected 422");
            assertThat(rep.failures()).extracting(OutboxSender.Report.Problem::seq).contains(first.seq());
            // the second was tried after it (this proxy forwards no POST: what became of it does not matter here)
            assertThat(proxy.seen()).as("%s", proxy.seen()).filteredOn(post).hasSize(2);
        }
    }

    @Test
    void aSyncOfThatServerDoesNotStoreTheTrailAgainButKeepsAnEventThatOnlyCopiedItsTag(LocalFhirServer server) {
        long before = System.currentTimeMillis() - 60_000;
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            OwnTrail trail = trail(cache, List.of(server.baseUrl()));
            String a = trail.record(OwnTrail.Act.QUERY, "search", "q1", null, List.of("Patient/p1"));
            String b = trail.record(OwnTrail.Act.READ, "opened", null, "AuditEvent/e1", List.of("Patient/p1"));
            assertThat(new OutboxSender(cache, fhir).send(profile(server.baseUrl()), new Cancellation(),
                    OutboxSender.Listener.NONE).trailSent()).isEqualTo(2);
            // someone copies a tag of the trail onto an event of their own (another time): not a copy of ours
            String forgedJson = cache.outbox().entries(server.baseUrl()).get(0).json()
                    .replace("\"officer\"", "\"mallory\"").replaceFirst("\"recorded\":\"[^\"]+\"",
                            "\"recorded\":\"2026-01-01T03:00:00Z\"");
            String forged;
            try (ResourceWriter w = new ResourceWriter(fhir, profile(server.baseUrl()))) {
                forged = w.post("AuditEvent", forgedJson.replace(a, "mallory-1"), TrailWrites.TAG, "mallory-1")
                        .id();
            }
            SyncReport sync = new SyncEngine(cache).sync(profile(server.baseUrl()).withPaging(100,
                    java.util.Set.of("AuditEvent"), 0), new SyncEngine.Options(before, SyncServerTest.FAST),
                    SyncListener.NONE, new Cancellation());
            assertThat(sync.completed()).as(sync.of("AuditEvent").message).isTrue();
            int origin = cache.origins().find(server.baseUrl()).orElseThrow().id();
            for (String id : List.of(a, b)) {
                String serverId = onServer(server, id).get(0).getIdElement().getIdPart();
                assertThat(cache.audit().rawById(origin, serverId)).as("the copy of %s", id).isEmpty();
            }
            assertThat(cache.audit().rawById(origin, forged)).as("an event that only copied a tag").isPresent();
            assertThat(sync.of("AuditEvent").skipped).isGreaterThanOrEqualTo(2);
            // the originals stay under "this Custos"
            assertThat(cache.audit().count(AuditFilter.ALL.withOwn(true).withOrigin(
                    org.custos.cache.Origins.SELF_NAME), Long.MAX_VALUE)).isEqualTo(2);
        }
    }
}
