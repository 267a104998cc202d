package org.custos.sync;

import org.custos.cache.Cache;
import org.custos.cache.OutboxStore;
import org.custos.cache.OutboxStore.Entry;
import org.custos.cache.OutboxStore.Status;
import org.custos.fhir.Cancellation;
import org.custos.fhir.Fhir;
import org.custos.fhir.ResourceWriter;
import org.custos.fhir.ServerProfile;
import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.custos.testserver.TcpRelay;
import org.custos.testserver.TestConsents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.custos.sync.TestProfiles.profile;

/** The outbox sent to the real HAPI JPA server: order, each once, conflicts, a server that is down, reconciling. */
@ExtendWith(FhirServerExtension.class)
class OutboxSenderTest {
    private final Fhir fhir = new Fhir();

    @TempDir
    Path dir;

    @Test
    void entriesGoInOrderEachOnceAndChainedEditsUseTheVersionTheServerGave(LocalFhirServer server) {
        String a = ResourceWriter.newId();
        String b = ResourceWriter.newId();
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            OutboxStore o = cache.outbox();
            long a1 = o.enqueue(server.baseUrl(), "Consent", a, null, TestConsents.json(a, null, "a1"));
            long b1 = o.enqueue(server.baseUrl(), "Consent", b, null, TestConsents.json(b, null, "b1"));
            long a2 = o.enqueueAfter(a1, TestConsents.json(a, null, "a2"));
            long a3 = o.enqueueAfter(a2, TestConsents.json(a, null, "a3"));
            long b2 = o.enqueueAfter(b1, TestConsents.json(b, null, "b2"));

            List<Long> order = new ArrayList<>();
            OutboxSender.Report r = new OutboxSender(cache, fhir).send(profile(server.baseUrl()), new Cancellation(),
                    new OutboxSender.Listener() {
                        @Override
                        public void sending(Entry entry) {
                            order.add(entry.seq());
                        }
                    });
            assertThat(r.allSent()).as(r.summary()).isTrue();
            assertThat(r.sent()).isEqualTo(5);
            assertThat(order).containsExactly(a1, b1, a2, a3, b2);
            // exactly one server version per entry, in the outbox's order
            assertThat(TestConsents.history(server, a)).containsExactly("a1", "a2", "a3");
            assertThat(TestConsents.history(server, b)).containsExactly("b1", "b2");
            assertThat(o.entries(server.baseUrl())).extracting(Entry::status).containsOnly(Status.SENT);
            assertThat(o.get(a3).orElseThrow().sentVersion()).isEqualTo("3");
            // the cache shows the server's versions
            assertThat(cache.resources().raw("Consent", a)).get().asString().contains("policy/a3")
                    .contains("\"versionId\":\"3\"");
            int origin = cache.origins().find(server.baseUrl()).orElseThrow().id();
            assertThat(cache.resources().history(origin, "Consent", a)).hasSize(3);

            // a second run has nothing to send and sends nothing
            OutboxSender.Report again = new OutboxSender(cache, fhir).send(profile(server.baseUrl()),
                    new Cancellation(), OutboxSender.Listener.NONE);
            assertThat(again.sent()).isZero();
            assertThat(TestConsents.history(server, a)).hasSize(3);
            assertThat(cache.verifier().run(null, () -> false, (d, t) -> { }).intact()).isTrue();
        }
    }

    @Test
    void aConflictStopsThatResourceOnlyAndCarriesTheServersVersion(LocalFhirServer server) {
        String a = ResourceWriter.newId();
        String b = ResourceWriter.newId();
        TestConsents.putDirectly(server, a, "a-server-1");
        TestConsents.putDirectly(server, b, "b-server-1");
        TestConsents.putDirectly(server, a, "a-someone-else"); // a is at version 2 now
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            OutboxStore o = cache.outbox();
            long mine = o.enqueue(server.baseUrl(), "Consent", a, "1", TestConsents.json(a, "1", "a-mine"));
            long mineLater = o.enqueueAfter(mine, TestConsents.json(a, null, "a-mine-later"));
            long other = o.enqueue(server.baseUrl(), "Consent", a, "2", TestConsents.json(a, "2", "a-waits"));
            long bEdit = o.enqueue(server.baseUrl(), "Consent", b, "1", TestConsents.json(b, "1", "b-mine"));

            OutboxSender.Report r = new OutboxSender(cache, fhir).send(profile(server.baseUrl()), new Cancellation(),
                    OutboxSender.Listener.NONE);
            assertThat(r.sent()).as(r.summary()).isEqualTo(1);
            assertThat(r.conflicts()).singleElement().satisfies(p -> {
                assertThat(p.seq()).isEqualTo(mine);
                assertThat(p.message()).containsIgnoringCase("conflict");
            });
            assertThat(r.waiting()).isEqualTo(2);
            Entry c = o.get(mine).orElseThrow();
            assertThat(c.status()).isEqualTo(Status.CONFLICT);
            assertThat(c.serverVersion()).isEqualTo("2");
            assertThat(c.serverJson()).contains("a-someone-else");
            // a is as someone else left it; b went on
            assertThat(TestConsents.history(server, a)).containsExactly("a-server-1", "a-someone-else");
            assertThat(TestConsents.history(server, b)).containsExactly("b-server-1", "b-mine");
            assertThat(o.get(mineLater).orElseThrow().status()).isEqualTo(Status.PENDING);
            assertThat(o.get(other).orElseThrow().status()).isEqualTo(Status.PENDING);
            assertThat(o.get(bEdit).orElseThrow().status()).isEqualTo(Status.SENT);

            // resolved on top of the server's version (replacing the later text made from it, as the saver does):
            // a new entry, after the ones already waiting; "a-waits" (based on version 2) goes first, and the
            // merged text, based on version 2 as well, meets it as a conflict: nothing is overwritten
            long merged = o.resolve(mine, TestConsents.json(a, null, "a-merged"), c.serverVersion(),
                    List.of(mineLater));
            assertThat(o.get(mine).orElseThrow().status()).isEqualTo(Status.DISCARDED);
            assertThat(o.get(mineLater).orElseThrow().status()).isEqualTo(Status.DISCARDED);
            OutboxSender.Report r2 = new OutboxSender(cache, fhir).send(profile(server.baseUrl()), new Cancellation(),
                    OutboxSender.Listener.NONE);
            assertThat(r2.sent()).as(r2.summary()).isEqualTo(1);
            assertThat(r2.conflicts()).extracting(OutboxSender.Report.Problem::seq).containsExactly(merged);
            assertThat(TestConsents.history(server, a)).containsExactly("a-server-1", "a-someone-else", "a-waits");
        }
    }

    @Test
    void aServerThatIsDownLeavesEntriesPendingWithTheReasonThenTheyGoWhenItIsBack(LocalFhirServer server)
            throws Exception {
        String a = ResourceWriter.newId();
        String b = ResourceWriter.newId();
        try (TcpRelay relay = new TcpRelay(server.port()); Cache cache = Cache.open(dir.resolve("c"))) {
            OutboxStore o = cache.outbox();
            long a1 = o.enqueue(relay.baseUrl(), "Consent", a, null, TestConsents.json(a, null, "a1"));
            long b1 = o.enqueue(relay.baseUrl(), "Consent", b, null, TestConsents.json(b, null, "b1"));

            OutboxSender.Report down = new OutboxSender(cache, fhir).send(profile(relay.baseUrl()),
                    new Cancellation(), OutboxSender.Listener.NONE);
            assertThat(down.sent()).isZero();
            String hostPort = relay.baseUrl().substring(0, relay.baseUrl().indexOf("/fhir"));
            assertThat(down.stoppedBecause()).contains("Cannot connect to " + hostPort);
            assertThat(down.waiting()).isEqualTo(1); // the run stopped at the first: the second was not tried
            Entry first = o.get(a1).orElseThrow();
            assertThat(first.status()).isEqualTo(Status.PENDING);
            assertThat(first.lastMessage()).contains("Cannot connect to " + hostPort);
            assertThat(o.countPending(relay.baseUrl())).isEqualTo(2);

            relay.up();
            OutboxSender.Report back = new OutboxSender(cache, fhir).send(profile(relay.baseUrl()),
                    new Cancellation(), OutboxSender.Listener.NONE);
            assertThat(back.allSent()).as(back.summary()).isTrue();
            assertThat(back.sent()).isEqualTo(2);
            assertThat(TestConsents.history(server, a)).containsExactly("a1");
            assertThat(TestConsents.history(server, b)).containsExactly("b1");
            assertThat(o.get(b1).orElseThrow().status()).isEqualTo(Status.SENT);
        }
    }

    @Test
    void anEntryFoundSendingIsReconciledByReadingTheServer(LocalFhirServer server) {
        String arrived = ResourceWriter.newId();
        String lost = ResourceWriter.newId();
        String edited = ResourceWriter.newId();
        TestConsents.putDirectly(server, edited, "e1");
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            OutboxStore o = cache.outbox();
            // killed after the server stored it, before the cache heard: the server has our content
            long s1 = o.enqueue(server.baseUrl(), "Consent", arrived, null, TestConsents.json(arrived, null, "x"));
            o.markSending(s1);
            new ResourceWriter(fhir, profile(server.baseUrl())).put("Consent", arrived,
                    TestConsents.json(arrived, null, "x"), null);
            // killed before the request left: the server has nothing
            long s2 = o.enqueue(server.baseUrl(), "Consent", lost, null, TestConsents.json(lost, null, "y"));
            o.markSending(s2);
            // an update killed after it arrived, and its SENDING mark lost as well (it looks PENDING): the If-Match
            // conflict it meets is with its own content
            long s3 = o.enqueue(server.baseUrl(), "Consent", edited, "1", TestConsents.json(edited, "1", "e2"));
            new ResourceWriter(fhir, profile(server.baseUrl())).put("Consent", edited,
                    TestConsents.json(edited, "1", "e2"), "1");

            OutboxSender.Report r = new OutboxSender(cache, fhir).send(profile(server.baseUrl()), new Cancellation(),
                    OutboxSender.Listener.NONE);
            assertThat(r.allSent()).as(r.summary()).isTrue();
            assertThat(r.sent()).isEqualTo(3);
            assertThat(r.reconciled()).isEqualTo(2);
            assertThat(TestConsents.history(server, arrived)).containsExactly("x");
            assertThat(TestConsents.history(server, lost)).containsExactly("y");
            assertThat(TestConsents.history(server, edited)).containsExactly("e1", "e2");
            assertThat(o.get(s1).orElseThrow().sentVersion()).isEqualTo("1");
            assertThat(o.get(s3).orElseThrow().sentVersion()).isEqualTo("2");
            assertThat(o.get(s2).orElseThrow().status()).isEqualTo(Status.SENT);
        }
    }

    @Test
    void anUnansweredSendStaysUncertainAndCannotBeDiscardedUntilTheNextSendChecks() throws Exception {
        // a "server" that accepts the request and never answers: the read timeout passes
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50,
                java.net.InetAddress.getLoopbackAddress()); Cache cache = Cache.open(dir.resolve("c"))) {
            List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String url = "http://127.0.0.1:" + silent.getLocalPort() + "/fhir";
            OutboxStore o = cache.outbox();
            String id = ResourceWriter.newId();
            long seq = o.enqueue(url, "Consent", id, "1", TestConsents.json(id, "1", "maybe"));
            OutboxSender.Report r = new OutboxSender(cache, fhir).send(ServerProfile.of("t", url)
                    .withTimeouts(java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(1)),
                    new Cancellation(), OutboxSender.Listener.NONE);
            assertThat(r.allSent()).isFalse();
            Entry e = o.get(seq).orElseThrow();
            assertThat(e.status()).as("it may be on the server").isEqualTo(Status.SENDING);
            assertThat(e.lastMessage()).contains("may have been stored anyway");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> o.discard(seq))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("SENDING");
            for (java.net.Socket s : held) {
                s.close();
            }
            silent.close();

            // the next send cannot reach the server at all: nothing was learnt, so the entry stays uncertain (it
            // must not become a plain pending entry that can be discarded while the server may hold it)
            OutboxSender.Report again = new OutboxSender(cache, fhir).send(ServerProfile.of("t", url)
                    .withTimeouts(java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(1)),
                    new Cancellation(), OutboxSender.Listener.NONE);
            assertThat(again.allSent()).isFalse();
            assertThat(o.get(seq).orElseThrow().status()).as("still uncertain").isEqualTo(Status.SENDING);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> o.discard(seq))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("SENDING");
        }
    }

    @Test
    void aRefusedEntryFailsWithTheServersWordsAndItsResourceWaits(LocalFhirServer server) {
        String a = ResourceWriter.newId();
        String b = ResourceWriter.newId();
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            OutboxStore o = cache.outbox();
            long bad = o.enqueue(server.baseUrl(), "Consent", a, null, "{\"resourceType\":\"Consent\",\"status\":"
                    + "\"active\",\"patient\":{\"reference\":\"NoSuchType/1\"}}");
            long after = o.enqueueAfter(bad, TestConsents.json(a, null, "fixed"));
            long fine = o.enqueue(server.baseUrl(), "Consent", b, null, TestConsents.json(b, null, "fine"));
            OutboxSender.Report r = new OutboxSender(cache, fhir).send(profile(server.baseUrl()), new Cancellation(),
                    OutboxSender.Listener.NONE);
            assertThat(r.sent()).isEqualTo(1);
            assertThat(r.failures()).singleElement().satisfies(p -> assertThat(p.message()).contains("NoSuchType"));
            assertThat(o.get(bad).orElseThrow()).satisfies(e -> {
                assertThat(e.status()).isEqualTo(Status.FAILED);
                assertThat(e.lastMessage()).contains("rejected").contains("NoSuchType");
            });
            assertThat(o.get(after).orElseThrow().status()).isEqualTo(Status.PENDING);
            assertThat(o.get(fine).orElseThrow().status()).isEqualTo(Status.SENT);
            assertThat(new ResourceWriter(fhir, profile(server.baseUrl())).read("Consent", a)).isEmpty();
        }
    }

    @Test
    void aSyncAfterSendingFindsTheSameTextsAndAddsNoVersion(LocalFhirServer server) {
        String a = ResourceWriter.newId();
        long before = System.currentTimeMillis() - 60_000;
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            OutboxStore o = cache.outbox();
            long a1 = o.enqueue(server.baseUrl(), "Consent", a, null, TestConsents.json(a, null, "a1"));
            o.enqueueAfter(a1, TestConsents.json(a, null, "a2"));
            assertThat(new OutboxSender(cache, fhir).send(profile(server.baseUrl()), new Cancellation(),
                    OutboxSender.Listener.NONE).sent()).isEqualTo(2);
            int origin = cache.origins().find(server.baseUrl()).orElseThrow().id();
            List<String> cached = cache.resources().history(origin, "Consent", a).stream()
                    .map(org.custos.cache.AuditStore.Version::raw).toList();

            SyncReport sync = new SyncEngine(cache).sync(profile(server.baseUrl()).withPaging(100,
                    java.util.Set.of("Consent"), 0), new SyncEngine.Options(before, SyncServerTest.FAST),
                    SyncListener.NONE, new Cancellation());
            assertThat(sync.completed()).as(sync.of("Consent").message).isTrue();
            // the text the writer kept is the server's own: the sync sees the same version, not a changed one
            assertThat(cache.resources().history(origin, "Consent", a)).extracting(
                    org.custos.cache.AuditStore.Version::raw).containsExactlyElementsOf(cached);
            assertThat(cache.verifier().run(null, () -> false, (d, t) -> { }).intact()).isTrue();
        }
    }

    @Test
    void aServerThatQuotesTheTokenBackLeavesNoSecretInTheOutboxOrTheReport(LocalFhirServer server)
            throws Exception {
        String token = "outbox-T0ken-secret-2468";
        String a = ResourceWriter.newId();
        try (FaultProxy proxy = new FaultProxy(server.baseUrl()); Cache cache = Cache.open(dir.resolve("c"))) {
            proxy.echoAuthorization(u -> true, 100, 401);
            ServerProfile p = profile(proxy.baseUrl()).withAuth(ServerProfile.AuthKind.BEARER, null, token);
            long seq = cache.outbox().enqueue(proxy.baseUrl(), "Consent", a, null, TestConsents.json(a, null, "x"));
            OutboxSender.Report r = new OutboxSender(cache, fhir).send(p, new Cancellation(),
                    OutboxSender.Listener.NONE);
            assertThat(r.sent()).isZero();
            assertThat(r.stoppedBecause()).contains("401").doesNotContain(token);
            assertThat(r.failures()).allSatisfy(f -> assertThat(f.message()).doesNotContain(token));
            Entry e = cache.outbox().get(seq).orElseThrow();
            assertThat(e.status()).isEqualTo(Status.PENDING);
            assertThat(e.lastMessage()).contains("401").doesNotContain(token);
        }
    }

    @Test
    void oneSenderPerServerAtATime(LocalFhirServer server) {
        String a = ResourceWriter.newId();
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            OutboxStore o = cache.outbox();
            o.enqueue(server.baseUrl(), "Consent", a, null, TestConsents.json(a, null, "a1"));
            assertThat(o.claim(server.baseUrl() + "/")).isTrue();
            OutboxSender.Report busy = new OutboxSender(cache, fhir).send(profile(server.baseUrl()),
                    new Cancellation(), OutboxSender.Listener.NONE);
            assertThat(busy.sent()).isZero();
            assertThat(busy.stoppedBecause()).contains("being sent already");
            assertThat(busy.waiting()).isEqualTo(1);
            o.release(server.baseUrl());
            assertThat(new OutboxSender(cache, fhir).send(profile(server.baseUrl()), new Cancellation(),
                    OutboxSender.Listener.NONE).sent()).isEqualTo(1);
            assertThat(TestConsents.history(server, a)).containsExactly("a1");
        }
    }
}
