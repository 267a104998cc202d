package org.custos.rules;

import org.custos.cache.AlertList;
import org.custos.TestData;
import org.custos.cache.AlertList.AlertRow;
import org.custos.cache.AlertList.Queue;
import org.custos.cache.Cache;
import org.custos.cache.ReviewStore;
import org.custos.sync.Importer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.custos.rules.Events.event;

/**
 * The review queue kept in the cache: statuses, assignees and notes with their history, cases with their alerts and
 * events, saved searches; all there after a restart, and a decision made just before a SIGKILL too.
 */
class ReviewQueueTest {
    @TempDir
    Path dir;

    Path withAlerts() throws Exception {
        Path db = dir.resolve("cache");
        try (Cache cache = Cache.open(db)) {
            new AlertEngine(cache, Clock.systemUTC(), ZoneOffset.UTC).apply(RuleSettings.defaults(ZoneOffset.UTC),
                    () -> false, n -> { });
            Path f = dir.resolve("events.ndjson");
            Files.writeString(f, List.of(
                    event("n1", "2026-03-04T22:00:00Z").user("owl", "Ozzy Owl").patient("Patient/p1", null),
                    event("n2", "2026-03-05T23:00:00Z").user("owl", "Ozzy Owl").patient("Patient/p2", null),
                    event("b1", "2026-03-05T10:00:00Z").user("er", "Eve Er").patient("Patient/p3", null)
                            .purposeOfEvent("BTG"),
                    event("ok", "2026-03-05T10:30:00Z").user("er", "Eve Er").patient("Patient/p3", null))
                    .stream().map(Events::json).collect(Collectors.joining("\n")));
            new Importer(cache, TestData.FHIR).importFile(f, Importer.SILENT);
        }
        return db;
    }

    @Test
    void decisionsNotesAndCasesAreThereAfterARestart() throws Exception {
        Path db = withAlerts();
        long t = 1_780_000_000_000L;
        long caseId;
        try (Cache cache = Cache.open(db)) {
            List<AlertRow> queue = cache.alertList().queue(Queue.ALL, null, null, 100);
            assertThat(queue).extracting(AlertRow::rule).containsExactly("after-hours", "break-glass", "after-hours");
            AlertRow night = queue.get(0);
            ReviewStore r = cache.review();
            assertThat(r.setStatus(night.id(), "review", "ann", t)).isTrue();
            assertThat(r.setStatus(night.id(), "review", "ann", t + 1)).as("no change, no note").isFalse();
            assertThat(r.assign(night.id(), "bob", "ann", t + 2)).isTrue();
            r.noteAlert(night.id(), "bob", "Asked the ward: no night shift that day.", t + 3);
            assertThat(r.setStatus(night.id(), "escalated", "bob", t + 4)).isTrue();
            assertThatThrownBy(() -> r.setStatus(night.id(), "ignored", "bob", t)).hasMessageContaining("new, review");
            assertThatThrownBy(() -> r.noteAlert(night.id(), "bob", "  ", t)).hasMessageContaining("needs some text");
            caseId = r.openCase("Ozzy Owl, nights in March", "bob", t + 5);
            r.addToCase(caseId, List.of(night.id(), queue.get(2).id()), List.of(), "bob", t + 6);
            r.noteCase(caseId, "bob", "Interview on Monday.", t + 7);
            r.saveSearch("nights", "{\"from\":\"2026-03-01\"}", t);
        }
        try (Cache cache = Cache.open(db)) {
            ReviewStore r = cache.review();
            AlertRow night = cache.alertList().queue(Queue.ALL, null, null, 100).get(0);
            assertThat(night.status()).isEqualTo("escalated");
            assertThat(night.assignee()).isEqualTo("bob");
            assertThat(night.caseId()).isEqualTo(caseId);
            assertThat(r.alertNotes(night.id())).extracting(n -> n.author() + " " + n.kind() + ": " + n.text())
                    .containsExactly("ann status: new → review", "ann assignee: (none) → bob",
                            "bob note: Asked the ward: no night shift that day.", "bob status: review → escalated",
                            "bob case: added to case " + caseId);
            assertThat(r.cases()).singleElement().satisfies(c -> {
                assertThat(c.title()).isEqualTo("Ozzy Owl, nights in March");
                assertThat(c.alerts()).isEqualTo(2);
                assertThat(c.events()).isEqualTo(2);
            });
            assertThat(r.caseEvents(caseId)).hasSize(2);
            assertThat(r.caseNotes(caseId)).extracting(ReviewStore.Note::text).contains("Interview on Monday.");
            assertThat(r.savedSearches()).extracting(ReviewStore.SavedSearch::name).containsExactly("nights");
            assertThat(cache.alertList().queue(new Queue(Set.of(), Set.of("new"), null, null), null, null, 100))
                    .extracting(AlertRow::rule).containsExactly("break-glass", "after-hours");
            assertThat(cache.alertList().count(new Queue(Set.of("after-hours"), Set.of(), "bob", null))).isEqualTo(1);
        }
    }

    @Test
    void aDecisionMadeJustBeforeAKillIsKept() throws Exception {
        Path db = withAlerts();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ReviewChild.class.getName(),
                db.toString(), "explained", "carol", "Night shift confirmed by the roster.").redirectErrorStream(true)
                .start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.append(line).append('\n');
                if (line.equals("decided")) {
                    p.destroyForcibly(); // SIGKILL: no close, no shutdown hook
                    break;
                }
            }
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out.toString()).contains("decided");
        try (Cache cache = Cache.open(db)) {
            AlertRow a = cache.alertList().get(1).orElseThrow();
            assertThat(a.status()).isEqualTo("explained");
            assertThat(a.assignee()).isEqualTo("carol");
            assertThat(cache.review().alertNotes(1)).extracting(ReviewStore.Note::text)
                    .contains("Night shift confirmed by the roster.");
        }
    }
}
