package org.custos.rules;

import org.custos.cache.AlertList;
import org.custos.TestData;
import org.custos.cache.AlertList.AlertRow;
import org.custos.cache.Cache;
import org.custos.sync.Importer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.custos.rules.Events.event;

/**
 * The rules as events arrive in pieces: a run of access split over two imports is one alert, two runs joined by later
 * events become one, a changed setting judges again what it touches (and only the unreviewed alerts go), the VIP list
 * changes, and an evaluation stopped half-way goes on where it stopped.
 */
class AlertArrivalTest {
    @TempDir
    Path dir;
    Cache cache;
    AlertEngine engine;
    int files;

    @BeforeEach
    void open() {
        cache = Cache.open(dir.resolve("cache"));
        engine = new AlertEngine(cache, Clock.systemUTC(), ZoneOffset.UTC);
        engine.apply(RuleSettings.defaults(ZoneOffset.UTC), () -> false, n -> { });
    }

    @AfterEach
    void close() {
        cache.close();
    }

    void importEvents(List<Events> events) throws Exception {
        Path f = dir.resolve("events-" + (files++) + ".ndjson");
        Files.writeString(f, events.stream().map(Events::json).collect(Collectors.joining("\n")));
        assertThat(new Importer(cache, TestData.FHIR).importFile(f, Importer.SILENT).quarantined())
                .as("nothing quarantined").isZero();
    }

    /** {@code n} patients (numbered from {@code first}) read by {@code user}, {@code gap} s apart from {@code from}. */
    static List<Events> reads(String user, int first, int n, String from, int gap) {
        List<Events> out = new ArrayList<>();
        Instant t = Instant.parse(from);
        for (int i = 0; i < n; i++) {
            out.add(event(user + "-" + from.replaceAll("[^0-9]", "") + "-" + i, t.plusSeconds((long) i * gap).toString())
                    .user(user, "Bo Bulk").patient("Patient/x" + (first + i), null));
        }
        return out;
    }

    List<AlertRow> alerts(String rule) {
        return cache.alertList().list(Set.of(rule), Long.MIN_VALUE, Long.MAX_VALUE, null, 10_000);
    }

    /**
     * The copy of an event of this Custos's own trail that the outbox sent to a server, when it comes back (an export
     * of that server imported) is not judged: looking at a VIP's alert must not raise another. The same tag on an
     * event of another origin, or with another time, is judged: a tag alone proves nothing.
     */
    @Test
    void theCopyOfTheOwnTrailSentToAServerIsNotJudgedATagAloneIs() throws Exception {
        assertThat(engine.addVip("Patient/vip1", null)).isTrue();
        String server = "https://audit.example/fhir";
        String id = new org.custos.trail.OwnTrail(cache, () -> "officer", "custos@test", Clock.systemUTC())
                .sendingTo(() -> List.of(server))
                .record(org.custos.trail.OwnTrail.Act.READ, "opened the alert", null, "AuditEvent/e1",
                        List.of("Patient/vip1"));
        cache.outbox().markSending(cache.outbox().pending(server).get(0).seq()); // on its way there
        String raw = cache.audit().rawById(cache.origins().selfId().orElseThrow(), id).orElseThrow();
        String copy = raw.replace("\"id\":\"" + id + "\"", "\"id\":\"srv-1\"");
        String recordedElsewhen = raw.replace("\"id\":\"" + id + "\"", "\"id\":\"srv-2\"")
                .replace("\"value\":\"officer\"", "\"value\":\"someone\"")
                .replaceFirst("\"recorded\":\"[^\"]+\"", "\"recorded\":\"2026-01-01T03:00:00Z\"");
        String stolen = raw.replace("\"id\":\"" + id + "\"", "\"id\":\"other-1\"")
                .replace("\"value\":\"officer\"", "\"value\":\"mallory\"");
        assertThat(copy).contains("srv-1").contains(org.custos.cache.TrailWrites.TAG);
        Path f = dir.resolve("server-copies.ndjson");
        Files.writeString(f, copy + "\n" + recordedElsewhen);
        assertThat(new Importer(cache, TestData.FHIR).importFile(f, server, Importer.SILENT).quarantined()).isZero();
        Path g = dir.resolve("other-server.ndjson");
        Files.writeString(g, stolen);
        assertThat(new Importer(cache, TestData.FHIR).importFile(g, "https://other.example/fhir", Importer.SILENT)
                .quarantined()).isZero();
        engine.catchUp(() -> false, n -> { });
        assertThat(alerts("vip")).extracting(AlertRow::user).containsExactlyInAnyOrder("someone", "mallory");
    }

    @Test
    void aRunSplitOverTwoImportsIsOneAlert() throws Exception {
        importEvents(reads("bulk", 0, 20, "2026-03-04T10:00:00Z", 60));
        assertThat(alerts("volume")).isEmpty();
        importEvents(reads("bulk", 20, 11, "2026-03-04T10:20:00Z", 60));
        assertThat(alerts("volume")).singleElement().satisfies(a -> {
            assertThat(a.events()).isEqualTo(31);
            assertThat(a.first()).isEqualTo(Instant.parse("2026-03-04T10:00:00Z").toEpochMilli());
            assertThat(a.last()).isEqualTo(Instant.parse("2026-03-04T10:30:00Z").toEpochMilli());
        });
        // more of the same run: the alert grows, no second one
        importEvents(reads("bulk", 31, 5, "2026-03-04T10:31:00Z", 60));
        assertThat(alerts("volume")).singleElement().satisfies(a -> assertThat(a.events()).isEqualTo(36));
    }

    @Test
    void twoRunsJoinedByLaterEventsBecomeOneAlertKeepingTheFirstReviewNotes() throws Exception {
        importEvents(reads("bulk", 0, 31, "2026-03-04T09:00:00Z", 30));
        importEvents(reads("bulk", 100, 31, "2026-03-04T12:00:00Z", 30));
        List<AlertRow> two = alerts("volume");
        assertThat(two).hasSize(2);
        cache.review().setStatus(two.get(0).id(), "review", "ann", 1L);
        cache.review().noteAlert(two.get(1).id(), "bob", "Looks like a clinic list.", 2L);
        // the gap between them (09:15 to 12:00) filled by a busy morning: a patient a minute
        importEvents(reads("bulk", 200, 160, "2026-03-04T09:16:00Z", 60));
        List<AlertRow> one = alerts("volume");
        assertThat(one).singleElement().satisfies(a -> {
            assertThat(a.events()).isEqualTo(31 + 31 + 160);
            assertThat(a.first()).isEqualTo(Instant.parse("2026-03-04T09:00:00Z").toEpochMilli());
            assertThat(a.last()).isEqualTo(Instant.parse("2026-03-04T12:15:00Z").toEpochMilli());
            assertThat(a.id()).isEqualTo(two.get(0).id());
            assertThat(a.status()).isEqualTo("review");
        });
        assertThat(cache.review().alertNotes(one.get(0).id())).extracting(n -> n.kind() + ": " + n.text())
                .containsExactly("status: new → review", "note: Looks like a clinic list.",
                        "merge: Alert " + two.get(1).id() + " (new) joined this one: new events connected them.",
                        "joined: 160 event(s) joined this alert after it was reviewed (review).");
    }

    @Test
    void aChangedSettingJudgesAgainWhatItTouches() throws Exception {
        importEvents(reads("calm", 0, 12, "2026-03-04T10:00:00Z", 240));
        importEvents(List.of(event("night", "2026-03-04T20:00:00Z").user("owl", "Ozzy Owl")
                .patient("Patient/x1", null)));
        assertThat(alerts("volume")).isEmpty();
        assertThat(alerts("after-hours")).hasSize(1);
        RuleSettings d = RuleSettings.defaults(ZoneOffset.UTC);
        // 10 patients within 60 minutes are too many now; working time lasts until 21:00
        RuleSettings strict = new RuleSettings(d.enabled(), d.zone(), d.workDays(), d.workStart(),
                java.time.LocalTime.of(21, 0), 10, 60, d.breakGlassCodes(), d.failedLogins(), d.failedMinutes());
        assertThat(engine.apply(strict, () -> false, n -> { })).containsExactlyInAnyOrder(Rule.VOLUME,
                Rule.AFTER_HOURS);
        assertThat(alerts("volume")).singleElement().satisfies(a -> assertThat(a.events()).isEqualTo(12));
        assertThat(alerts("after-hours")).isEmpty();
        // a rule turned off loses its unreviewed alerts and judges nothing new
        engine.apply(strict.with(Rule.VOLUME, false), () -> false, n -> { });
        assertThat(alerts("volume")).isEmpty();
        importEvents(reads("calm", 50, 12, "2026-03-05T10:00:00Z", 60));
        assertThat(alerts("volume")).isEmpty();
        assertThat(engine.settings().on(Rule.VOLUME)).isFalse();
    }

    @Test
    void theVipListFindsPastAccessAndLetsGo() throws Exception {
        importEvents(List.of(event("a", "2026-03-04T10:00:00Z").user("u1", "Al One").patient("Patient/star", null),
                event("b", "2026-03-04T11:00:00Z").user("u1", "Al One").patient("Patient/star", null),
                event("c", "2026-03-05T10:00:00Z").user("u2", "Bea Two").patient("Patient/star", null),
                event("d", "2026-03-05T10:00:00Z").user("u2", "Bea Two").patient("Patient/other", null)));
        assertThat(alerts("vip")).isEmpty();
        assertThat(engine.addVip("patient/STAR", null)).isTrue();
        assertThat(engine.addVip("Patient/star", null)).as("once on the list").isFalse();
        assertThat(alerts("vip")).extracting(a -> a.user() + " " + a.patient() + " " + a.events())
                .containsExactly("u1 Patient/star 2", "u2 Patient/star 1");
        assertThat(engine.removeVip("Patient/star")).isTrue();
        assertThat(alerts("vip")).isEmpty();
        assertThat(engine.removeVip("Patient/star")).isFalse();
    }

    @Test
    void anEvaluationStoppedHalfWayGoesOnWhereItStopped() throws Exception {
        importEvents(reads("bulk", 0, AlertEngine.BATCH + 500, "2026-03-04T10:00:00Z", 1));
        long judged = cache.alerts().doneTo();
        assertThat(judged).as("judged as they arrived").isPositive();
        assertThat(alerts("volume")).singleElement().satisfies(a -> assertThat(a.events())
                .isEqualTo(AlertEngine.BATCH + 500));
        // forget how far the rules read, then stop after the first batch: the rest is judged by the next call
        cache.alerts().judgeAllAgain();
        int[] batches = {0};
        AlertEngine.Result first = engine.catchUp(() -> batches[0] > 0, n -> batches[0]++);
        assertThat(cache.alerts().doneTo()).isLessThan(judged);
        AlertEngine.Result rest = engine.catchUp(() -> false, n -> { });
        assertThat(cache.alerts().doneTo()).isEqualTo(judged);
        // each event judged once: the first call one batch, the second the rest
        assertThat(first.evaluated()).isEqualTo(AlertEngine.BATCH);
        assertThat(rest.evaluated()).isEqualTo(500);
        assertThat(alerts("volume")).singleElement().satisfies(a -> assertThat(a.events())
                .isEqualTo(AlertEngine.BATCH + 500));
    }

    @Test
    void anEventThatJoinsAClosedAlertOpensItAgain() throws Exception {
        importEvents(List.of(event("n1", "2026-03-04T22:00:00Z").user("owl", "Ozzy Owl").patient("Patient/p1", null)));
        AlertRow night = alerts("after-hours").get(0);
        cache.review().setStatus(night.id(), "closed", "ann", 1L);
        importEvents(List.of(event("n2", "2026-03-04T23:50:00Z").user("owl", "Ozzy Owl").patient("Patient/p1", null)));
        assertThat(alerts("after-hours")).singleElement().satisfies(a -> {
            assertThat(a.status()).isEqualTo("review");
            assertThat(a.events()).isEqualTo(2);
        });
        assertThat(cache.review().alertNotes(night.id())).extracting(n -> n.kind() + ": " + n.text()).last()
                .isEqualTo("joined: 1 event(s) joined this alert after it was reviewed (closed); it is under review "
                        + "again.");
    }

    @Test
    void aVipNamedByAnyFormOfItsReferenceIsOneVip() throws Exception {
        importEvents(List.of(event("a", "2026-03-04T10:00:00Z").user("u1", "Al One")
                .patient("https://srv.example/fhir/Patient/abc", null)));
        assertThat(engine.addVip("https://srv.example/fhir/Patient/abc/_history/2", null)).isTrue();
        assertThat(engine.addVip("Patient/abc", null)).as("the same patient").isFalse();
        importEvents(List.of(event("b", "2026-03-05T10:00:00Z").user("u2", "Bea Two").patient("Patient/abc", null)));
        assertThat(alerts("vip")).extracting(a -> a.user() + " " + a.patient())
                .containsExactly("u1 Patient/abc", "u2 Patient/abc");
        assertThat(engine.removeVip("Patient/abc")).isTrue();
        assertThat(alerts("vip")).isEmpty();
    }

    @Test
    void aSettingsChangeStoppedHalfWayIsFinishedByTheNextEvaluation() throws Exception {
        importEvents(reads("calm", 0, 12, "2026-03-04T10:00:00Z", 240));
        RuleSettings d = RuleSettings.defaults(ZoneOffset.UTC);
        RuleSettings strict = new RuleSettings(d.enabled(), d.zone(), d.workDays(), d.workStart(), d.workEnd(), 10,
                60, d.breakGlassCodes(), d.failedLogins(), d.failedMinutes());
        // stopped at once (a cancel, a kill): the settings are kept and the work is recorded, not lost
        engine.apply(strict, () -> true, n -> { });
        assertThat(engine.settings().volumePatients()).isEqualTo(10);
        assertThat(cache.rules().rejudges()).extracting(AlertStoreRejudge::what).containsExactly("rule:volume");
        assertThat(alerts("volume")).isEmpty();
        engine.catchUp(() -> false, n -> { });
        assertThat(cache.rules().rejudges()).isEmpty();
        assertThat(alerts("volume")).singleElement().satisfies(a -> assertThat(a.events()).isEqualTo(12));
    }

    private interface AlertStoreRejudge {
        static String what(org.custos.cache.RuleStore.Rejudge r) {
            return r.what();
        }
    }

    @Test
    void aRunJoiningAClosedOneIsUnderReviewAgain() throws Exception {
        importEvents(reads("bulk", 0, 31, "2026-03-04T09:00:00Z", 30));
        importEvents(reads("bulk", 100, 31, "2026-03-04T12:00:00Z", 30));
        List<AlertRow> two = alerts("volume");
        cache.review().setStatus(two.get(1).id(), "closed", "ann", 1L);
        importEvents(reads("bulk", 200, 160, "2026-03-04T09:16:00Z", 60));
        assertThat(alerts("volume")).singleElement().satisfies(a -> {
            assertThat(a.id()).isEqualTo(two.get(0).id());
            assertThat(a.status()).as("a closed run joined: looked at, so not new").isEqualTo("review");
        });
    }

    @Test
    void aRejudgingStoppedAfterABatchGoesOnFromThere() throws Exception {
        // 2,500 night accesses of one user to 2,500 patients: 2,500 after-hours alerts
        List<Events> nights = new ArrayList<>();
        for (int i = 0; i < AlertEngine.BATCH + 500; i++) {
            nights.add(event("n" + i, Instant.parse("2026-03-04T20:00:00Z").plusSeconds(i).toString())
                    .user("owl", "Ozzy Owl").patient("Patient/y" + i, null));
        }
        importEvents(nights);
        assertThat(alerts("after-hours")).hasSize(AlertEngine.BATCH + 500);
        RuleSettings d = RuleSettings.defaults(ZoneOffset.UTC);
        RuleSettings later = new RuleSettings(d.enabled(), d.zone(), d.workDays(), d.workStart(),
                java.time.LocalTime.of(19, 30), d.volumePatients(), d.volumeMinutes(), d.breakGlassCodes(),
                d.failedLogins(), d.failedMinutes());
        long[] batches = {0};
        engine.apply(later, () -> batches[0] > 0, n -> batches[0]++);
        assertThat(cache.rules().rejudges()).singleElement().satisfies(r -> {
            assertThat(r.what()).isEqualTo("rule:after-hours");
            assertThat(r.doneTo()).as("one batch done").isPositive().isLessThan(r.upto());
        });
        assertThat(alerts("after-hours")).hasSize(AlertEngine.BATCH);
        engine.catchUp(() -> false, n -> { });
        assertThat(cache.rules().rejudges()).isEmpty();
        assertThat(alerts("after-hours")).hasSize(AlertEngine.BATCH + 500);
    }
}
