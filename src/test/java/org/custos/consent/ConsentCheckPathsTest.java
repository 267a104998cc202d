package org.custos.consent;

import org.custos.TestData;
import org.custos.cache.Cache;
import org.custos.cache.Verifier;
import org.custos.consent.ConsentCheck.Counts;
import org.custos.consent.ConsentCheck.Finding;
import org.custos.consent.ConsentCheck.Verdict;
import org.custos.sync.Importer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The check from the access index (events grouped by their facts and by the stretches of time in which no consent
 * changes) gives exactly the answers of the check that reads every event's text; a consent that names data is
 * checked from the text.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsentCheckPathsTest {
    @TempDir
    static Path dir;
    static Cache cache;

    @BeforeAll
    static void fill() throws Exception {
        cache = Cache.open(dir.resolve("cache"));
        Importer importer = CheckData.importBase(cache, dir);
        importer.importFile(CheckData.ndjson(dir.resolve("c34.ndjson"), CheckData.periodAndDataConsents()),
                Importer.SILENT);
        List<String> midDay = CheckData.midDayConsentAndEvents();
        importer.importFile(CheckData.ndjson(dir.resolve("c5v1.ndjson"), List.of(midDay.get(0))), Importer.SILENT);
        importer.importFile(CheckData.ndjson(dir.resolve("c5v2.ndjson"), midDay.subList(1, midDay.size())),
                Importer.SILENT);
        importer.importFile(CheckData.ndjson(dir.resolve("more.ndjson"), CheckData.periodAndDataEvents()),
                Importer.SILENT);
        // e2 again, changed (a new version, now for ETREAT): only the current version is checked
        importer.importFile(CheckData.ndjson(dir.resolve("e2v2.ndjson"), List.of(CheckData.event("e2",
                "2020-05-02T10:00:00Z", "R", "Patient/f001", "Observation/o1",
                List.of(CheckData.HOSPITAL + "|CST|ETREAT"), null).replace("\"id\":\"e2\"",
                "\"id\":\"e2\",\"meta\":{\"versionId\":\"2\"}"))), Importer.SILENT);
    }

    @AfterAll
    static void close() {
        cache.close();
    }

    /** Day counts for every patient checked (this test's patients are small: the default would count from rows). */
    private static List<Finding> run(boolean fromText, String patient, Instant from, Instant to, Counts[] counts) {
        return run(fromText, 0, patient, from, to, counts);
    }

    private static List<Finding> run(boolean fromText, int countFrom, String patient, Instant from, Instant to,
                                     Counts[] counts) {
        List<Finding> found = new ArrayList<>();
        counts[0] = new ConsentCheck(cache, UnaryOperator.identity(), fromText, countFrom).check(patient, null, from,
                to, () -> false, found::add);
        found.sort(Comparator.comparingLong(Finding::pk));
        return found;
    }

    @Test
    @Order(1) // first: no patient has day counts yet, so the rows are what the small-patient way reads
    void theIndexGivesTheAnswersOfTheText() {
        Instant[][] periods = {{null, null}, {Instant.parse("2020-03-01T00:00:00Z"), Instant.parse("2020-05-02T10:00:00Z")},
                {Instant.parse("2020-06-01T11:00:00Z"), Instant.parse("2020-06-01T20:00:00Z")},
                {Instant.parse("1969-01-01T00:00:00Z"), Instant.parse("2020-03-15T06:00:00Z")}};
        for (String patient : List.of("Patient/f001", "Patient/p2", "Patient/p3", "Patient/p4", "Patient/p5",
                "Patient/none")) {
            // a small patient is grouped from its rows; from the first check with day counts on, it has them
            List<List<Finding>> fromRows = new ArrayList<>();
            List<Counts> rowCounts = new ArrayList<>();
            for (Instant[] p : periods) {
                Counts[] byRows = new Counts[1];
                fromRows.add(run(false, Integer.MAX_VALUE, patient, p[0], p[1], byRows));
                rowCounts.add(byRows[0]);
            }
            for (int i = 0; i < periods.length; i++) {
                Instant[] p = periods[i];
                Counts[] byDays = new Counts[1];
                Counts[] byText = new Counts[1];
                List<Finding> a = run(false, 0, patient, p[0], p[1], byDays);
                List<Finding> b = run(true, patient, p[0], p[1], byText);
                assertThat(byDays[0]).as(patient + " " + p[0]).isEqualTo(byText[0]);
                assertThat(a).as(patient + " " + p[0]).isEqualTo(b);
                assertThat(rowCounts.get(i)).as(patient + " " + p[0] + " from rows").isEqualTo(byText[0]);
                assertThat(fromRows.get(i)).as(patient + " " + p[0] + " from rows").isEqualTo(b);
            }
        }
        Counts all = new ConsentCheck(cache).checkAll(null, null, null, () -> false, f -> { });
        assertThat(all.checked()).isEqualTo(5 + 3 + 10 + 2 + 8);
    }

    @Test
    void anExceptionsPeriodDecidesToTheMillisecond() {
        Counts[] c = new Counts[1];
        List<Finding> found = run(false, "Patient/p3", null, null, c);
        // Practitioner/d is permitted from 1 March 00:00 to 31 March 23:59:59.999; Practitioner/x never
        assertThat(c[0]).isEqualTo(new Counts(10, 3, 7, 0, 0, 0));
        assertThat(found).extracting(Finding::eventId)
                .containsExactlyInAnyOrder("q0", "q4", "r0", "r1", "r2", "r3", "r4");
        assertThat(found).allSatisfy(f -> {
            assertThat(f.verdict()).isEqualTo(Verdict.DENIED);
            assertThat(f.rule()).contains("opt-out");
            assertThat(f.consent()).isEqualTo("c3/_history/1");
        });
        // listed oldest first
        List<Finding> inOrder = new ArrayList<>();
        new ConsentCheck(cache).check("Patient/p3", null, null, null, () -> false, inOrder::add);
        assertThat(inOrder).extracting(Finding::recorded).isSorted();
    }

    @Test
    void aConsentChangedTwiceWithinADayDecidesEachEventByTheVersionOfItsTime() {
        Counts[] c = new Counts[1];
        List<Finding> found = run(false, "Patient/p5", null, null, c);
        // 1969 and before 12:00: no version yet; 12:00 to 17:59:59.999 opt-in; from 18:00 opt-out
        assertThat(c[0]).isEqualTo(new Counts(8, 2, 3, 0, 3, 0));
        assertThat(found).extracting(Finding::eventId).containsExactlyInAnyOrder("t5", "t6", "t7");
        assertThat(found).allSatisfy(f -> assertThat(f.consent()).isEqualTo("c5/_history/2"));
        // a period from 12:00 to 18:00 that day: the same events, cut at both ends
        Counts[] cut = new Counts[1];
        run(false, "Patient/p5", Instant.parse("2020-06-01T12:00:00Z"), Instant.parse("2020-06-01T18:00:00Z"), cut);
        assertThat(cut[0]).isEqualTo(new Counts(3, 2, 1, 0, 0, 0));
    }

    @Test
    void aConsentThatNamesDataIsDecidedFromTheEventsText() {
        Counts[] c = new Counts[1];
        List<Finding> found = run(false, "Patient/p4", null, null, c);
        // the index keeps no data references: decided from the text, o9 is denied and o1 permitted (not undecidable)
        assertThat(c[0]).isEqualTo(new Counts(2, 1, 1, 0, 0, 0));
        assertThat(found).singleElement().satisfies(f -> {
            assertThat(f.eventId()).isEqualTo("s1");
            assertThat(f.rule()).startsWith("Consent.except[0]: deny");
        });
    }

    @Test
    void theDayCountsFollowTheWritesAfterTheFirstCheck() throws Exception {
        try (Cache own = Cache.open(dir.resolve("later"))) {
            Importer importer = new Importer(own, TestData.FHIR);
            importer.importFile(CheckData.ndjson(dir.resolve("l-c.ndjson"), CheckData.periodAndDataConsents()),
                    Importer.SILENT);
            importer.importFile(CheckData.ndjson(dir.resolve("l-e.ndjson"), CheckData.periodAndDataEvents()),
                    Importer.SILENT);
            ConsentCheck byIndex = new ConsentCheck(own);
            ConsentCheck byText = new ConsentCheck(own, UnaryOperator.identity(), true);
            assertThat(byIndex.check("Patient/p3", null, null, null, () -> false, f -> { }))
                    .isEqualTo(new Counts(10, 3, 7, 0, 0, 0));
            // after the first check p3 has day counts: later events, a new version and a purge must keep them right
            importer.importFile(CheckData.ndjson(dir.resolve("l-more.ndjson"), List.of(
                    CheckData.event("q9", "2020-03-10T00:00:00Z", "R", "Patient/p3", null,
                            List.of("Practitioner/d||TREAT"), null),
                    // r0 again, now Practitioner/d in March: permitted where its first version was denied
                    CheckData.event("r0", "2020-03-02T00:00:00Z", "R", "Patient/p3", null,
                            List.of("Practitioner/d||TREAT"), null).replace("\"id\":\"r0\"",
                            "\"id\":\"r0\",\"meta\":{\"versionId\":\"2\"}"),
                    CheckData.event("r9", "2020-03-10T00:00:00Z", "R", "Patient/p3", null,
                            List.of("Practitioner/x||TREAT"), null))), Importer.SILENT);
            importer.importFile(CheckData.ndjson(dir.resolve("l-extra.ndjson"), List.of(
                    CheckData.event("x1", "2020-03-10T00:00:00Z", "R", "Patient/p3", null,
                            List.of("Practitioner/x||TREAT"), null))), "extra", Importer.SILENT);
            Counts now = byIndex.check("Patient/p3", null, null, null, () -> false, f -> { });
            assertThat(now).isEqualTo(byText.check("Patient/p3", null, null, null, () -> false, f -> { }));
            // files: 12 events (q9, r9 new); origin "extra" has no consent for p3
            assertThat(now).isEqualTo(new Counts(13, 5, 7, 0, 1, 0));
            assertThat(own.verifier().run(null, () -> false, (d, t) -> { }).intact()).isTrue();
            own.originData().purge("extra", () -> false, n -> { });
            assertThat(byIndex.check("Patient/p3", null, null, null, () -> false, f -> { }))
                    .isEqualTo(new Counts(12, 5, 7, 0, 0, 0));
            Verifier.Result r = own.verifier().run(null, () -> false, (d, t) -> { });
            assertThat(r.intact()).as(r.problems().toString()).isTrue();
        }
    }

    @Test
    void onlyTheCurrentVersionOfAnEventIsChecked() {
        Counts[] c = new Counts[1];
        List<Finding> found = run(false, "Patient/f001", null, null, c);
        // e2's version 2 is for ETREAT: permitted now, where its first version was denied
        assertThat(found).extracting(Finding::eventId).doesNotContain("e2");
        assertThat(c[0].checked()).isEqualTo(5);
        assertThat(c[0].permitted()).isEqualTo(2);
    }
}
