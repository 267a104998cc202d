package org.custos.sync;

import org.custos.cache.Cache;
import org.custos.cache.OutboxStore;
import org.custos.fhir.Cancellation;
import org.custos.fhir.Fhir;
import org.custos.fhir.ResourceWriter;
import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.custos.testserver.TcpRelay;
import org.custos.testserver.TestConsents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.custos.sync.TestProfiles.profile;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Saving from the editor against the real HAPI JPA server: stored, kept pending while offline, conflicts. */
@ExtendWith(FhirServerExtension.class)
class ConsentSaverTest {
    private final Fhir fhir = new Fhir();

    @TempDir
    Path dir;

    @Test
    void aNewConsentIsStoredThenAnEditGoesOnTopAndAStaleOneIsAConflict(LocalFhirServer server) {
        String id = ResourceWriter.newId();
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            ConsentSaver saver = new ConsentSaver(cache, fhir, o -> Optional.of(profile(server.baseUrl())));
            ConsentSaver.Result first = saver.save(server.baseUrl(), id, null, TestConsents.json(id, null, "one"));
            assertThat(first).isInstanceOf(ConsentSaver.Result.Stored.class);
            assertThat(((ConsentSaver.Result.Stored) first).versionId()).isEqualTo("1");
            assertThat(((ConsentSaver.Result.Stored) first).json()).contains("policy/one", "\"versionId\":\"1\"");

            ConsentSaver.Result second = saver.save(server.baseUrl(), id, "1", TestConsents.json(id, "1", "two"));
            assertThat(((ConsentSaver.Result.Stored) second).versionId()).isEqualTo("2");

            // someone else changes it on the server; an edit from version 2 meets version 3
            TestConsents.putDirectly(server, id, "theirs");
            ConsentSaver.Result stale = saver.save(server.baseUrl(), id, "2", TestConsents.json(id, "2", "mine"));
            assertThat(stale).isInstanceOf(ConsentSaver.Result.Conflict.class);
            ConsentSaver.Result.Conflict c = (ConsentSaver.Result.Conflict) stale;
            assertThat(c.theirsVersion()).isEqualTo("3");
            assertThat(c.theirs()).contains("policy/theirs");
            assertThat(TestConsents.history(server, id)).containsExactly("one", "two", "theirs");
            assertThat(saver.pending().needAttention()).isEqualTo(1);

            // the user keeps theirs own on top of version 3: the conflict entry is resolved with it
            ConsentSaver.Result kept = saver.save(server.baseUrl(), id, "3", c.seq(),
                    TestConsents.json(id, "3", "mine"));
            assertThat(((ConsentSaver.Result.Stored) kept).versionId()).isEqualTo("4");
            assertThat(TestConsents.history(server, id)).containsExactly("one", "two", "theirs", "mine");
            assertThat(saver.pending()).isEqualTo(new ConsentSaver.Pending(0, 0, 0));
        }
    }

    @Test
    void offlineEditsWaitInTheOutboxAndAreSentWhenTheServerIsBack(LocalFhirServer server) throws Exception {
        String id = ResourceWriter.newId();
        try (TcpRelay relay = new TcpRelay(server.port()); Cache cache = Cache.open(dir.resolve("c"))) {
            ConsentSaver saver = new ConsentSaver(cache, fhir, o -> Optional.of(profile(relay.baseUrl())));
            relay.down();
            ConsentSaver.Result r = saver.save(relay.baseUrl(), id, null, TestConsents.json(id, null, "offline1"));
            assertThat(r).isInstanceOf(ConsentSaver.Result.Queued.class);
            ConsentSaver.Result r2 = saver.save(relay.baseUrl(), id, null, ((ConsentSaver.Result.Queued) r).seq(),
                    TestConsents.json(id, null, "offline2"));
            assertThat(r2).isInstanceOf(ConsentSaver.Result.Queued.class);
            assertThat(saver.pending().waiting()).isEqualTo(2);
            assertThat(saver.unsentConsents(relay.baseUrl())).containsExactly(id);
            assertThat(saver.sendAll(new Cancellation()).get(0).allSent()).isFalse();

            relay.up();
            assertThat(saver.sendAll(new Cancellation()).get(0).allSent()).isTrue();
            assertThat(TestConsents.history(server, id)).containsExactly("offline1", "offline2");
            assertThat(saver.pending()).isEqualTo(new ConsentSaver.Pending(0, 0, 0));
        }
    }

    @Test
    void anEditNotOnTopOfAWaitingOneMeetsAConflictInsteadOfOverwritingIt(LocalFhirServer server) throws Exception {
        String id = ResourceWriter.newId();
        try (TcpRelay relay = new TcpRelay(server.port()); Cache cache = Cache.open(dir.resolve("c"))) {
            relay.up();
            ConsentSaver saver = new ConsentSaver(cache, fhir, o -> Optional.of(profile(relay.baseUrl())));
            saver.save(relay.baseUrl(), id, null, TestConsents.json(id, null, "v1"));
            relay.down();
            // two editors opened version 1; both save while the server is away
            saver.save(relay.baseUrl(), id, "1", TestConsents.json(id, "1", "first"));
            saver.save(relay.baseUrl(), id, "1", TestConsents.json(id, "1", "second"));
            relay.up();
            saver.sendAll(new Cancellation());
            assertThat(TestConsents.history(server, id)).containsExactly("v1", "first");
            assertThat(saver.pending().needAttention()).as("the second is a conflict for its user").isEqualTo(1);
        }
    }

    @Test
    void takingTheServersVersionDiscardsTheWaitingEdit(LocalFhirServer server) {
        String id = ResourceWriter.newId();
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            ConsentSaver saver = new ConsentSaver(cache, fhir, o -> Optional.of(profile(server.baseUrl())));
            saver.save(server.baseUrl(), id, null, TestConsents.json(id, null, "one"));
            TestConsents.putDirectly(server, id, "theirs");
            assertThat(saver.save(server.baseUrl(), id, "1", TestConsents.json(id, "1", "mine")))
                    .isInstanceOf(ConsentSaver.Result.Conflict.class);
            saver.dropMine(server.baseUrl(), id);
            assertThat(saver.pending()).isEqualTo(new ConsentSaver.Pending(0, 0, 0));
            assertThat(saver.sendAll(new Cancellation())).isEmpty();
            assertThat(TestConsents.history(server, id)).containsExactly("one", "theirs");
        }
    }

    @Test
    void takingTheirsWaitsForARunningSendAndThenDiscardsWhatDidNotGo(LocalFhirServer server) throws Exception {
        String id = ResourceWriter.newId();
        String origin = server.baseUrl();
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            ConsentSaver saver = new ConsentSaver(cache, fhir, o -> Optional.of(profile(origin)),
                    Duration.ofSeconds(20));
            OutboxStore outbox = cache.outbox();
            long seq = outbox.enqueue(origin, "Consent", id, "1", TestConsents.json(id, "1", "mine"));
            // a sender in the middle of its run: it holds the claim and has marked the entry SENDING
            assertThat(outbox.claim(origin)).isTrue();
            outbox.markSending(seq);
            java.util.concurrent.CompletableFuture<Void> drop = java.util.concurrent.CompletableFuture.runAsync(
                    () -> saver.dropMine(origin, id));
            awaitClaimWaiter(outbox, origin);
            assertThat(drop).as("waits for the send").isNotDone();
            assertThat(outbox.get(seq).orElseThrow().status()).isEqualTo(OutboxStore.Status.SENDING);
            // the request met a newer version; the sender ends its run
            outbox.markConflict(seq, "2", null, "Version conflict");
            outbox.release(origin);
            drop.get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(outbox.get(seq).orElseThrow().status()).isEqualTo(OutboxStore.Status.DISCARDED);
            assertThat(saver.sendAll(new Cancellation())).isEmpty();
        }
    }

    @Test
    void takingTheirsSaysSoWhenTheEditArrivedMeanwhileOrTheSendDoesNotEnd(LocalFhirServer server) throws Exception {
        String id = ResourceWriter.newId();
        String origin = server.baseUrl();
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            ConsentSaver saver = new ConsentSaver(cache, fhir, o -> Optional.of(profile(origin)),
                    Duration.ofSeconds(20));
            OutboxStore outbox = cache.outbox();
            long sent = outbox.enqueue(origin, "Consent", id, null, TestConsents.json(id, null, "mine"));
            long later = outbox.enqueueAfter(sent, TestConsents.json(id, null, "mine2"));
            assertThat(outbox.claim(origin)).isTrue();
            outbox.markSending(sent);
            java.util.concurrent.CompletableFuture<Void> drop = java.util.concurrent.CompletableFuture.runAsync(
                    () -> saver.dropMine(origin, id));
            awaitClaimWaiter(outbox, origin);
            outbox.markSent(sent, "{\"resourceType\":\"Consent\",\"id\":\"" + id
                    + "\",\"meta\":{\"versionId\":\"1\"},\"status\":\"active\",\"patient\":{\"reference\":"
                    + "\"Patient/p-outbox\"},\"policyRule\":\"http://example.org/policy/mine\"}");
            outbox.release(origin);
            assertThatThrownBy(() -> drop.get(20, java.util.concurrent.TimeUnit.SECONDS))
                    .hasMessageContaining("reached the server (version 1)")
                    .hasMessageContaining("later waiting edits were discarded");
            assertThat(outbox.get(later).orElseThrow().status()).isEqualTo(OutboxStore.Status.DISCARDED);

            // a send that does not end in time: nothing is discarded, and the message says why
            long next = outbox.enqueue(origin, "Consent", id, "1", TestConsents.json(id, "1", "mine3"));
            ConsentSaver impatient = new ConsentSaver(cache, fhir, o -> Optional.of(profile(origin)),
                    Duration.ofMillis(200));
            assertThat(outbox.claim(origin)).isTrue();
            try {
                assertThatThrownBy(() -> impatient.dropMine(origin, id)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("being sent right now").hasMessageContaining("nothing was discarded");
            } finally {
                outbox.release(origin);
            }
            assertThat(outbox.get(next).orElseThrow().status()).isEqualTo(OutboxStore.Status.PENDING);

            // an entry left SENDING by a stopped Custos: refused until a send finds out whether it arrived
            outbox.markSending(next);
            assertThatThrownBy(() -> impatient.dropMine(origin, id)).hasMessageContaining("Custos stopped");
            assertThat(outbox.get(next).orElseThrow().status()).isEqualTo(OutboxStore.Status.SENDING);

            // ... unless the user gives it up deliberately (it may be on the server): not while a send runs, and
            // only an unanswered send; its text stays as the discarded row
            assertThatThrownBy(() -> impatient.giveUp(later)).hasMessageContaining("not an unanswered send");
            assertThat(outbox.claim(origin)).isTrue();
            try {
                assertThatThrownBy(() -> impatient.giveUp(next)).hasMessageContaining("nothing was discarded");
            } finally {
                outbox.release(origin);
            }
            assertThat(outbox.get(next).orElseThrow().status()).isEqualTo(OutboxStore.Status.SENDING);
            impatient.giveUp(next);
            OutboxStore.Entry given = outbox.get(next).orElseThrow();
            assertThat(given.status()).isEqualTo(OutboxStore.Status.DISCARDED);
            assertThat(given.json()).contains("mine3");
            assertThat(given.lastMessage()).contains("may be on the server");
        }
    }

    @Test
    void aSaveThatDoesNotNameAFailedEditLeavesItAndOneThatNamesItKeepsItsTextAsARecord(LocalFhirServer server) {
        String id = ResourceWriter.newId();
        String origin = server.baseUrl();
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            ConsentSaver saver = new ConsentSaver(cache, fhir, o -> Optional.of(profile(origin)));
            assertThat(saver.save(origin, id, null, TestConsents.json(id, null, "one")))
                    .isInstanceOf(ConsentSaver.Result.Stored.class);
            OutboxStore outbox = cache.outbox();
            long failed = outbox.enqueue(origin, "Consent", id, "1", TestConsents.json(id, "1", "refused"));
            outbox.markSending(failed);
            outbox.markFailed(failed, "The server refused it (422 Unprocessable Entity)");

            // an editor opened on the cache's version saves: refused, the failed edit untouched
            assertThatThrownBy(() -> saver.save(origin, id, "1", TestConsents.json(id, "1", "unrelated")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("outbox entry " + failed)
                    .hasMessageContaining("422").hasMessageContaining("nothing was saved");
            OutboxStore.Entry kept = outbox.get(failed).orElseThrow();
            assertThat(kept.status()).isEqualTo(OutboxStore.Status.FAILED);
            assertThat(kept.json()).contains("policy/refused");
            assertThat(outbox.entriesFor(origin, "Consent", id)).hasSize(2);

            // the editor opened on the failed edit names it: it is replaced by a new entry, its text kept
            ConsentSaver.Result fixed = saver.save(origin, id, "1", failed, TestConsents.json(id, "1", "fixed"));
            assertThat(fixed).isInstanceOf(ConsentSaver.Result.Stored.class);
            assertThat(outbox.get(failed).orElseThrow()).extracting(OutboxStore.Entry::status)
                    .isEqualTo(OutboxStore.Status.DISCARDED);
            assertThat(outbox.get(failed).orElseThrow().json()).contains("policy/refused");
            assertThat(TestConsents.history(server, id)).containsExactly("one", "fixed");
        }
    }

    @Test
    void settlingAConflictWithTheNewestTextOfTheChainKeepsEveryTextAsARecord(LocalFhirServer server)
            throws Exception {
        String id = ResourceWriter.newId();
        try (TcpRelay relay = new TcpRelay(server.port()); Cache cache = Cache.open(dir.resolve("c"))) {
            relay.up();
            String origin = relay.baseUrl();
            ConsentSaver saver = new ConsentSaver(cache, fhir, o -> Optional.of(profile(origin)));
            saver.save(origin, id, null, TestConsents.json(id, null, "v1"));
            relay.down();
            long a = ((ConsentSaver.Result.Queued) saver.save(origin, id, "1", TestConsents.json(id, "1", "A")))
                    .seq();
            TestConsents.putDirectly(server, id, "theirs");
            relay.up();
            // the same editor saves B on top of A: A meets the server's version 2, B waits behind it, and says why
            ConsentSaver.Result queued = saver.save(origin, id, "1", a, TestConsents.json(id, "1", "B"));
            assertThat(queued).isInstanceOf(ConsentSaver.Result.Queued.class);
            long b = ((ConsentSaver.Result.Queued) queued).seq();
            assertThat(((ConsentSaver.Result.Queued) queued).reason()).contains("conflict")
                    .contains("outbox entry " + a);
            OutboxStore outbox = cache.outbox();
            assertThat(outbox.get(a).orElseThrow().status()).isEqualTo(OutboxStore.Status.CONFLICT);
            assertThat(outbox.get(b).orElseThrow().status()).isEqualTo(OutboxStore.Status.PENDING);

            // a save naming an older entry of the chain (not the newest text) is refused, nothing changed
            assertThatThrownBy(() -> saver.save(origin, id, "2", a, TestConsents.json(id, "2", "A2")))
                    .hasMessageContaining("outbox entry " + a);
            assertThat(outbox.get(b).orElseThrow().status()).isEqualTo(OutboxStore.Status.PENDING);
            // settling with the newest text (B, kept on top of the server's version 2): every text stays as a row
            ConsentSaver.Result settled = saver.save(origin, id, "2", b, TestConsents.json(id, "2", "B"));
            assertThat(settled).isInstanceOf(ConsentSaver.Result.Stored.class);
            assertThat(TestConsents.history(server, id)).containsExactly("v1", "theirs", "B");
            assertThat(outbox.get(a).orElseThrow()).extracting(OutboxStore.Entry::status, e -> e.json().contains("A"))
                    .containsExactly(OutboxStore.Status.DISCARDED, true);
            assertThat(outbox.get(b).orElseThrow()).extracting(OutboxStore.Entry::status, e -> e.json().contains("B"))
                    .containsExactly(OutboxStore.Status.DISCARDED, true);
            assertThat(saver.pending()).isEqualTo(new ConsentSaver.Pending(0, 0, 0));
        }
    }

    /** A consent with a narrative and meta labels; {@code div}, {@code tag} and {@code label} vary. */
    private static String labelled(String id, String version, String div, String tag, String label) {
        return "{\"resourceType\":\"Consent\",\"id\":\"" + id + "\",\"meta\":{" + (version == null ? ""
                : "\"versionId\":\"" + version + "\",") + "\"tag\":[{\"system\":\"http://example.org/tags\","
                + "\"code\":\"" + tag + "\"}],\"security\":[{\"system\":\"http://hl7.org/fhir/v3/Confidentiality\","
                + "\"code\":\"" + label + "\"}]},\"text\":{\"status\":\"generated\",\"div\":\"<div xmlns="
                + "\\\"http://www.w3.org/1999/xhtml\\\">" + div + "</div>\"},\"status\":\"active\",\"patient\":"
                + "{\"reference\":\"Patient/p-outbox\"},\"policyRule\":\"http://example.org/policy/labelled\"}";
    }

    @Test
    void sameContentCountsNarrativeTagsAndLabelsButNotWhatTheServerRewrites(LocalFhirServer server) {
        String id = ResourceWriter.newId();
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            ConsentSaver saver = new ConsentSaver(cache, fhir, o -> Optional.of(profile(server.baseUrl())));
            String mine = labelled(id, null, "Shares with the GP", "t1", "N");
            ConsentSaver.Result.Stored stored = (ConsentSaver.Result.Stored) saver.save(server.baseUrl(), id, null,
                    mine);
            String serverJson = new ResourceWriter(fhir, profile(server.baseUrl())).read("Consent", id).orElseThrow()
                    .json();
            // what the server adds or rewrites (version, time, its meta source, key order) does not count
            assertThat(fhir.sameContent(serverJson, mine)).as(serverJson).isTrue();
            assertThat(fhir.sameContent(stored.json(), mine)).as(stored.json()).isTrue();
            assertThat(fhir.sameContent(serverJson, labelled(id, "7", "Shares with the GP", "t1", "N"))).isTrue();
            // a change of the narrative, a tag or a security label alone is a change
            assertThat(fhir.sameContent(serverJson, labelled(id, "1", "Shares with nobody", "t1", "N"))).isFalse();
            assertThat(fhir.sameContent(serverJson, labelled(id, "1", "Shares with the GP", "t2", "N"))).isFalse();
            assertThat(fhir.sameContent(serverJson, labelled(id, "1", "Shares with the GP", "t1", "R"))).isFalse();
        }
    }

    @Test
    void anInterruptedSendOfANarrativeOrLabelChangeIsSentAgainNotTakenAsArrived(LocalFhirServer server) {
        String id = ResourceWriter.newId();
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            ConsentSaver saver = new ConsentSaver(cache, fhir, o -> Optional.of(profile(server.baseUrl())));
            saver.save(server.baseUrl(), id, null, labelled(id, null, "Shares with the GP", "t1", "N"));
            // an edit of the narrative and the security label only, whose send was interrupted before it left
            long seq = cache.outbox().enqueue(server.baseUrl(), "Consent", id, "1",
                    labelled(id, "1", "Shares with nobody", "t1", "R"));
            cache.outbox().markSending(seq);
            assertThat(saver.sendAll(new Cancellation()).get(0).allSent()).isTrue();
            OutboxStore.Entry e = cache.outbox().get(seq).orElseThrow();
            assertThat(e.status()).isEqualTo(OutboxStore.Status.SENT);
            assertThat(e.sentVersion()).as("sent, not taken as arrived").isEqualTo("2");
            org.hl7.fhir.dstu3.model.Consent now = TestConsents.current(server, id);
            assertThat(now.getText().getDivAsString()).contains("Shares with nobody");
            // HAPI JPA keeps the labels of the version before (removing one takes $meta-delete): N stays
            assertThat(now.getMeta().getSecurity()).extracting(c -> c.getCode()).contains("R");
        }
    }

    @Test
    void noProfileForTheOriginIsRefusedWithWhatToDo() {
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            ConsentSaver saver = new ConsentSaver(cache, fhir, o -> Optional.empty());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> saver.save("https://x.example.org/fhir", "a", null,
                    TestConsents.json("a", null, "x"))).hasMessageContaining("Servers and sync");
            assertThat(saver.pending().waiting()).isZero();
        }
    }

    /** Until the discard started in the background waits for the sender's claim (woken by its release). */
    private static void awaitClaimWaiter(OutboxStore outbox, String origin) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!outbox.claimAwaited(origin)) {
            assertThat(System.nanoTime()).as("the discard waits for the send").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
