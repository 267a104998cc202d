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
import org.custos.testserver.TestConsents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real process sending the outbox, killed with SIGKILL while it sends; the outbox is then sent again from the
 * reopened cache: every entry reaches the server exactly once (one server version per entry, in order).
 */
@ExtendWith(FhirServerExtension.class)
class OutboxKillTest {
    private static final int RESOURCES = 8;
    private static final int EDITS = 3;
    private static final int KILL_AT = 10;

    @Test
    void anOutboxKilledWhileSendingIsSentExactlyOnceAfterwards(LocalFhirServer server, @TempDir Path dir)
            throws Exception {
        Path db = dir.resolve("cache");
        List<String> ids = new ArrayList<>();
        try (Cache cache = Cache.open(db)) {
            OutboxStore o = cache.outbox();
            long[] last = new long[RESOURCES];
            for (int edit = 1; edit <= EDITS; edit++) {
                for (int r = 0; r < RESOURCES; r++) {
                    if (edit == 1) {
                        ids.add(ResourceWriter.newId());
                        last[r] = o.enqueue(server.baseUrl(), "Consent", ids.get(r), null,
                                TestConsents.json(ids.get(r), null, "e1"));
                    } else {
                        last[r] = o.enqueueAfter(last[r], TestConsents.json(ids.get(r), null, "e" + edit));
                    }
                }
            }
            assertThat(o.countPending()).isEqualTo(RESOURCES * EDITS);
        }

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                OutboxSendChild.class.getName(), db.toString(), server.baseUrl())
                .redirectErrorStream(true).start();
        int sending = 0;
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("SENDING ") && ++sending == KILL_AT) {
                    p.destroyForcibly(); // SIGKILL while entry KILL_AT is on its way
                    break;
                }
            }
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(sending).as("the child got as far as entry %d: %s", KILL_AT, lines).isEqualTo(KILL_AT);
        assertThat(p.exitValue()).as("killed, not finished").isNotZero();

        try (Cache cache = Cache.open(db)) {
            OutboxStore o = cache.outbox();
            Map<Status, Long> states = o.entries(server.baseUrl()).stream()
                    .collect(Collectors.groupingBy(Entry::status, Collectors.counting()));
            // what the killed process had committed: the entries before the one being sent, and that one marked
            // SENDING (or SENT, when the child got that far before the kill landed)
            long sent = states.getOrDefault(Status.SENT, 0L);
            assertThat(sent).as("%s", states).isBetween(KILL_AT - 1L, (long) KILL_AT);
            assertThat(states.getOrDefault(Status.SENDING, 0L)).as("%s", states).isEqualTo(KILL_AT - sent);
            assertThat(states.get(Status.PENDING)).isEqualTo(RESOURCES * EDITS - KILL_AT);

            OutboxSender.Report report = new OutboxSender(cache, new Fhir()).send(
                    ServerProfile.of("t", server.baseUrl()), new Cancellation(), OutboxSender.Listener.NONE);
            assertThat(report.allSent()).as(report.summary()).isTrue();
            assertThat(report.sent()).isEqualTo(RESOURCES * EDITS - sent);
            assertThat(o.entries(server.baseUrl())).extracting(Entry::status).containsOnly(Status.SENT);
            for (String id : ids) {
                assertThat(TestConsents.history(server, id)).as(id).containsExactly("e1", "e2", "e3");
            }
            assertThat(cache.verifier().run(null, () -> false, (d, t) -> { }).intact()).isTrue();
        }
    }
}
