package org.custos.app;

import org.custos.TestData;
import org.custos.cache.Cache;
import org.custos.cache.OutboxStore;
import org.custos.consent.ConsentEditorViewModel;
import org.custos.consent.ConsentListViewModel;
import org.custos.fhir.ProfileStore;
import org.custos.fhir.SecretStore;
import org.custos.fhir.ServerProfile;
import org.custos.ui.ImmediateTaskRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.prefs.Preferences;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Opening a consent from the list with the real cache and outbox (the server cannot be reached): a stale row opens
 * the newest cached version, an edit waiting in the outbox opens as that text, and a save from it chains on its entry.
 */
class ConsentWiringTest {
    static final String ORIGIN = "http://127.0.0.1:1/fhir";   // nothing listens there: every send waits
    static final String ID = "wired-1";

    @TempDir
    Path dir;
    final Preferences prefs = Preferences.userRoot().node("custos-wiring-test-" + System.nanoTime());

    @AfterEach
    void removePrefs() throws Exception {
        prefs.removeNode();
    }

    static String consent(String version, String note) {
        return "{\"resourceType\":\"Consent\",\"id\":\"" + ID + "\"" + (version == null ? ""
                : ",\"meta\":{\"versionId\":\"" + version + "\",\"lastUpdated\":\"2026-12-0" + version
                + "T10:00:00Z\"}") + ",\"status\":\"active\",\"patient\":{\"reference\":\"Patient/p-wired\"},"
                + "\"dateTime\":\"2026-12-01T09:00:00Z\",\"policyRule\":\"http://example.org/policy/" + note + "\"}";
    }

    /** A version the server holds, recorded in the cache as a sent outbox entry records it. */
    static void serverHas(Cache cache, String version, String note) {
        long seq = cache.outbox().enqueue(ORIGIN, "Consent", ID, null, consent(null, note));
        cache.outbox().markSent(seq, consent(version, note));
    }

    @Test
    void theListOpensTheNewestVersionThenTheWaitingEditAndASaveChainsOnIt() {
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            ProfileStore profiles = new ProfileStore(prefs, new SecretStore(dir.resolve("secrets")));
            profiles.save(ServerProfile.of("down", ORIGIN).withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2)));
            ConsentWiring wiring = new ConsentWiring(cache, TestData.FHIR, profiles, new ImmediateTaskRunner(),
                    ZoneOffset.UTC);
            serverHas(cache, "1", "first");
            ConsentListViewModel list = wiring.listModel();
            list.search();
            assertThat(list.rows()).hasSize(1);
            ConsentListViewModel.Row row = list.rows().get(0);
            assertThat(row.versionId()).isEqualTo("1");

            // the cache gets version 2 while the list still shows version 1
            serverHas(cache, "2", "second");
            list.open(row);
            ConsentEditorViewModel stale = list.editor().get();
            list.editor().set(null);
            assertThat(stale.json()).contains("policy/second");
            assertThat(stale.baseVersion()).isEqualTo("2");
            assertThat(stale.message().get()).contains("the list showed version 1");

            // an edit saved while the server cannot be reached waits in the outbox
            stale.form().get().root().field("policyRule").value().set("http://example.org/policy/mine");
            stale.save();
            assertThat(stale.message().get()).startsWith("Pending");
            List<OutboxStore.Entry> waiting = cache.outbox().pending(ORIGIN);
            assertThat(waiting).hasSize(1);
            long seq = waiting.get(0).seq();

            // opened again (a new window): the waiting text, and a save goes on top of it
            list.open(row);
            ConsentEditorViewModel again = list.editor().get();
            assertThat(again.json()).contains("policy/mine");
            assertThat(again.message().get()).startsWith("Edit not sent yet — waiting in the outbox");
            assertThat(again.queuedSeq()).isEqualTo(seq);
            again.form().get().root().field("status").value().set("inactive");
            again.save();
            List<OutboxStore.Entry> now = cache.outbox().pending(ORIGIN);
            assertThat(now).hasSize(2);
            assertThat(now.get(1).baseSeq()).as("chained on the waiting entry").isEqualTo(seq);
            assertThat(now.get(1).json()).contains("policy/mine", "inactive");
        }
    }

    private ConsentWiring wiring(Cache cache) {
        ProfileStore profiles = new ProfileStore(prefs, new SecretStore(dir.resolve("secrets")));
        profiles.save(ServerProfile.of("down", ORIGIN).withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2)));
        return new ConsentWiring(cache, TestData.FHIR, profiles, new ImmediateTaskRunner(), ZoneOffset.UTC);
    }

    @Test
    void aRefusedEditOpensAsTheUsersTextWithTheReasonAndASaveFromItReplacesItKeepingItsText() {
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            ConsentWiring wiring = wiring(cache);
            serverHas(cache, "1", "first");
            OutboxStore o = cache.outbox();
            long failed = o.enqueue(ORIGIN, "Consent", ID, "1", consent("1", "refused"));
            o.markSending(failed);
            o.markFailed(failed, "The server refused it (422 Unprocessable Entity)");
            ConsentListViewModel list = wiring.listModel();
            list.search();
            list.open(list.rows().get(0));
            ConsentEditorViewModel e = list.editor().get();
            assertThat(e.json()).contains("policy/refused");
            assertThat(e.message().get()).startsWith("Not sent: the server refused it (The server refused it (422")
                    .contains("outbox entry " + failed).contains("discard it in the Outbox window");
            assertThat(e.dirty().get()).as("not on the server: unsaved work").isTrue();
            assertThat(e.queuedSeq()).isEqualTo(failed);

            e.form().get().root().field("policyRule").value().set("http://example.org/policy/fixed");
            e.save();
            assertThat(o.get(failed).orElseThrow().status()).isEqualTo(OutboxStore.Status.DISCARDED);
            assertThat(o.get(failed).orElseThrow().json()).contains("policy/refused");
            List<OutboxStore.Entry> now = o.pending(ORIGIN);
            assertThat(now).hasSize(1);
            assertThat(now.get(0).json()).contains("policy/fixed");
        }
    }

    @Test
    void anUnreadableConflictOpensOnTheConflictScreenWithTheNewestTextOfTheChain() {
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            ConsentWiring wiring = wiring(cache);
            serverHas(cache, "1", "first");
            OutboxStore o = cache.outbox();
            long a = o.enqueue(ORIGIN, "Consent", ID, "1", consent("1", "A"));
            long b = o.enqueueAfter(a, consent("1", "B"));
            o.markSending(a);
            o.markConflict(a, "2", null, "Version conflict (412); the server's copy could not be read");
            ConsentListViewModel list = wiring.listModel();
            list.search();
            list.open(list.rows().get(0));
            ConsentEditorViewModel e = list.editor().get();
            assertThat(e.conflictScreen().get()).as("the conflict screen is offered").isNotNull();
            assertThat(e.conflict().get().mine()).contains("policy/B");
            assertThat(e.conflict().get().seq()).isEqualTo(b);
            assertThat(e.json()).contains("policy/B");

            // the conflict's and the chain's other entry are not touched by a save that does not name them
            assertThat(o.get(a).orElseThrow().status()).isEqualTo(OutboxStore.Status.CONFLICT);
            e.conflictScreen().get().keepMine();
            assertThat(o.get(a).orElseThrow().status()).isEqualTo(OutboxStore.Status.DISCARDED);
            assertThat(o.get(b).orElseThrow().status()).isEqualTo(OutboxStore.Status.DISCARDED);
            List<OutboxStore.Entry> now = o.pending(ORIGIN);
            assertThat(now).hasSize(1);
            assertThat(now.get(0).json()).contains("policy/B");
            assertThat(now.get(0).baseVersion()).isEqualTo("2");
        }
    }
}
