package org.custos.cache;

import org.custos.cache.OutboxStore.Entry;
import org.custos.cache.OutboxStore.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The outbox in a real H2 file: order, persistence, states, the cache written with a sent entry, purge. */
class OutboxStoreTest {
    private static final String SERVER = "https://fhir.example.org/fhir";

    @TempDir
    Path dir;

    static String consent(String id, String note) {
        return "{\"resourceType\":\"Consent\",\"id\":\"" + id + "\",\"status\":\"active\",\"patient\":{\"reference\":"
                + "\"Patient/1\"},\"policyRule\":\"http://example.org/policy/" + note + "\"}";
    }

    static String stored(String id, String version, String note) {
        return "{\"resourceType\":\"Consent\",\"id\":\"" + id + "\",\"meta\":{\"versionId\":\"" + version
                + "\",\"lastUpdated\":\"2026-12-02T10:00:0" + version + ".000+00:00\"},\"status\":\"active\","
                + "\"patient\":{\"reference\":\"Patient/1\"},\"policyRule\":\"http://example.org/policy/" + note + "\"}";
    }

    @Test
    void entriesSurviveAReopenInTheirOrderWithEveryField() {
        long a;
        long b;
        long c;
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            OutboxStore o = cache.outbox();
            a = o.enqueue(SERVER + "/", "Consent", "c-1", null, consent("c-1", "a"));
            b = o.enqueue(SERVER, "Consent", "c-2", "7", consent("c-2", "b"));
            c = o.enqueueAfter(a, consent("c-1", "a2"));
            o.markSending(b);
            assertThat(o.countPending()).isEqualTo(3);
        }
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            OutboxStore o = cache.outbox();
            List<Entry> pending = o.pending("HTTPS://FHIR.example.org/fhir/");
            assertThat(pending).extracting(Entry::seq).containsExactly(a, b, c);
            assertThat(pending).extracting(Entry::status).containsExactly(Status.PENDING, Status.SENDING,
                    Status.PENDING);
            Entry first = pending.get(0);
            assertThat(first.origin()).isEqualTo(SERVER);
            assertThat(first.resource()).isEqualTo("Consent/c-1");
            assertThat(first.baseVersion()).isNull();
            assertThat(first.json()).isEqualTo(consent("c-1", "a"));
            assertThat(first.createdAt()).isPositive();
            assertThat(pending.get(1).baseVersion()).isEqualTo("7");
            assertThat(pending.get(1).attempts()).isEqualTo(1);
            assertThat(pending.get(2).baseSeq()).isEqualTo(a);
            assertThat(o.countPending(SERVER)).isEqualTo(3);
            assertThat(o.originsWithPending()).containsExactly(SERVER);
            assertThat(o.pending("https://other.example.org/fhir")).isEmpty();
        }
    }

    @Test
    void aSentEntryStoresTheServersVersionInTheCacheInTheSameTransactionAndVerifyStaysIntact() {
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            OutboxStore o = cache.outbox();
            long seq = o.enqueue(SERVER, "Consent", "c-1", null, consent("c-1", "a"));
            o.markSending(seq);
            o.markSent(seq, stored("c-1", "1", "a"));
            Entry e = o.get(seq).orElseThrow();
            assertThat(e.status()).isEqualTo(Status.SENT);
            assertThat(e.sentVersion()).isEqualTo("1");
            int origin = cache.origins().find(SERVER).orElseThrow().id();
            assertThat(cache.resources().history(origin, "Consent", "c-1")).singleElement()
                    .satisfies(v -> assertThat(v.raw()).contains("policy/a").contains("\"versionId\":\"1\""));
            // an edit sent after it: a second kept version, the current one
            long next = o.enqueue(SERVER, "Consent", "c-1", "1", consent("c-1", "b"));
            o.markSending(next);
            o.markSent(next, stored("c-1", "2", "b"));
            assertThat(cache.resources().raw("Consent", "c-1")).get().asString().contains("policy/b");
            assertThat(o.pending(SERVER)).isEmpty();
            assertThat(o.entries(SERVER)).extracting(Entry::status).containsExactly(Status.SENT, Status.SENT);

            Verifier.Result v = cache.verifier().run(null, () -> false, (d, t) -> { });
            assertThat(v.intact()).as("%s", v.problems()).isTrue();
        }
    }

    @Test
    void conflictsAndFailuresWaitForTheUserAndNothingIsLost() {
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            OutboxStore o = cache.outbox();
            long seq = o.enqueue(SERVER, "Consent", "c-1", "1", consent("c-1", "mine"));
            o.markSending(seq);
            o.markConflict(seq, "2", stored("c-1", "2", "theirs"), "Version conflict (409)");
            Entry c = o.get(seq).orElseThrow();
            assertThat(c.status()).isEqualTo(Status.CONFLICT);
            assertThat(c.serverVersion()).isEqualTo("2");
            assertThat(c.serverJson()).contains("theirs");
            assertThat(c.json()).contains("mine");
            assertThat(o.countNeedingAttention()).isEqualTo(1);
            assertThat(o.needingAttention()).extracting(Entry::seq).containsExactly(seq);
            assertThat(o.pending(SERVER)).isEmpty();
            assertThat(o.unsent(SERVER)).extracting(Entry::seq).containsExactly(seq);
            assertThatThrownBy(() -> o.markSent(seq, stored("c-1", "3", "mine")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("CONFLICT");

            // resolved on top of theirs: a new pending entry based on version 2; the old one is discarded, its
            // text kept in the database (nothing is overwritten)
            long next = o.resolve(seq, consent("c-1", "merged"), "2");
            assertThat(next).isGreaterThan(seq);
            Entry old = o.get(seq).orElseThrow();
            assertThat(old.status()).isEqualTo(Status.DISCARDED);
            assertThat(old.json()).contains("mine").doesNotContain("merged");
            assertThatThrownBy(() -> o.resolve(seq, consent("c-1", "again"), "2"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("DISCARDED");
            Entry r = o.get(next).orElseThrow();
            assertThat(r.status()).isEqualTo(Status.PENDING);
            assertThat(r.baseVersion()).isEqualTo("2");
            assertThat(r.json()).contains("merged");
            assertThat(r.serverJson()).isNull();

            // a failure that may pass stays pending with its reason; a refusal is FAILED until retried
            o.markSending(next);
            o.markRetry(next, "Cannot connect to " + SERVER);
            assertThat(o.get(next).orElseThrow()).extracting(Entry::status, Entry::lastMessage)
                    .containsExactly(Status.PENDING, "Cannot connect to " + SERVER);
            o.markFailed(next, "The server rejected it (422).");
            assertThat(o.get(next).orElseThrow().status()).isEqualTo(Status.FAILED);
            o.retry(next);
            assertThat(o.get(next).orElseThrow().status()).isEqualTo(Status.PENDING);
            o.discard(next);
            assertThat(o.get(next).orElseThrow().status()).isEqualTo(Status.DISCARDED);
            assertThatThrownBy(() -> o.enqueueAfter(next, consent("c-1", "x")))
                    .hasMessageContaining("was discarded");
        }
    }

    @Test
    void badInputIsRefusedWithAMessageAndNothingIsStored() {
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            OutboxStore o = cache.outbox();
            assertThatThrownBy(() -> o.enqueue(SERVER, "Consent", "c-1", null, "{oops"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
            assertThatThrownBy(() -> o.enqueue(SERVER, "Consent", "c-1", null, "{\"resourceType\":\"Patient\"}"))
                    .hasMessageContaining("Expected a Consent to send, got a Patient");
            assertThatThrownBy(() -> o.enqueue(SERVER, "Consent", "a b", null, consent("x", "y")))
                    .hasMessageContaining("Not a FHIR id");
            assertThatThrownBy(() -> o.enqueue("files", "Consent", "c-1", null, consent("c-1", "y")))
                    .hasMessageContaining("not a server's base URL");
            assertThatThrownBy(() -> o.markSending(999)).hasMessageContaining("No outbox entry 999");
            assertThat(o.countPending()).isZero();
        }
    }

    @Test
    void aPurgeIsRefusedWhileWritesAreUnsentAndTakesTheSentOnesWithTheOrigin() {
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            OutboxStore o = cache.outbox();
            long sent = o.enqueue(SERVER, "Consent", "c-1", null, consent("c-1", "a"));
            o.markSending(sent);
            o.markSent(sent, stored("c-1", "1", "a"));
            long open = o.enqueue(SERVER, "Consent", "c-1", "1", consent("c-1", "b"));

            assertThatThrownBy(() -> cache.originData().purge(SERVER, () -> false, n -> { }))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("1 write in the outbox")
                    .hasMessageContaining("nothing was removed");
            assertThat(o.entries(SERVER)).hasSize(2);
            assertThat(cache.resources().count("Consent")).isEqualTo(1);

            o.discard(open);
            OriginData.Purged p = cache.originData().purge(SERVER, () -> false, n -> { });
            assertThat(p.resources()).isEqualTo(1);
            assertThat(o.entries(SERVER)).isEmpty();
            assertThat(o.get(sent)).isEmpty();
            Verifier.Result v = cache.verifier().run(null, () -> false, (d, t) -> { });
            assertThat(v.intact()).as("%s", v.problems()).isTrue();
        }
    }

    @Test
    void discardAndStartSendingAreACompareAndSetOfWhichExactlyOneWins() throws Exception {
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            OutboxStore o = cache.outbox();
            List<Long> seqs = new java.util.ArrayList<>();
            for (int i = 0; i < 40; i++) {
                seqs.add(o.enqueue(SERVER, "Consent", "c-" + i, null, consent("c-" + i, "a")));
            }
            java.util.Set<Long> started = java.util.concurrent.ConcurrentHashMap.newKeySet();
            java.util.Set<Long> discarded = java.util.concurrent.ConcurrentHashMap.newKeySet();
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            Thread sender = new Thread(() -> {
                awaitQuietly(go);
                seqs.forEach(s -> {
                    if (o.startSending(s)) {
                        started.add(s);
                    }
                });
            });
            Thread user = new Thread(() -> {
                awaitQuietly(go);
                for (int i = seqs.size() - 1; i >= 0; i--) {
                    try {
                        o.discard(seqs.get(i));
                        discarded.add(seqs.get(i));
                    } catch (IllegalStateException sending) {
                        assertThat(sending).hasMessageContaining("SENDING");
                    }
                }
            });
            sender.start();
            user.start();
            go.countDown();
            sender.join(30_000);
            user.join(30_000);
            for (long s : seqs) {
                Status now = o.get(s).orElseThrow().status();
                assertThat(started.contains(s)).as("entry %d", s).isNotEqualTo(discarded.contains(s));
                assertThat(now).isEqualTo(started.contains(s) ? Status.SENDING : Status.DISCARDED);
            }
            // a discarded entry is never marked sent, and the cache does not get its text
            long lost = seqs.get(seqs.size() - 1);
            if (o.get(lost).orElseThrow().status() != Status.DISCARDED) {
                o.markFailed(lost, "refused");
                o.discard(lost);
            }
            String id = o.get(lost).orElseThrow().id();
            assertThatThrownBy(() -> o.markSent(lost, stored(id, "1", "a")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("DISCARDED");
            assertThat(o.startSending(lost)).isFalse();
            assertThat(cache.resources().count("Consent")).isZero();
        }
    }

    private static void awaitQuietly(java.util.concurrent.CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
