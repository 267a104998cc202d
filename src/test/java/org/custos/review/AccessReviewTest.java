package org.custos.review;

import org.custos.access.AccessReader;
import org.custos.cache.Cache;
import org.custos.review.AccessReport.AccessUser;
import org.custos.review.AccessReport.Purpose;
import org.custos.review.AccessReview.Candidate;
import org.custos.review.AccessReview.Lookup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The patient access view's finding and adding up, on a real H2 cache: per user counts, first and last, purposes,
 * break-the-glass, failed attempts, names from the directory of the events' origin or from the events, several
 * origins never mixed, the day buckets by user and by action, the list's cap, cancelling.
 */
class AccessReviewTest {
    @TempDir
    static java.nio.file.Path dir;
    static Cache cache;
    static AccessReview review;

    @BeforeAll
    static void fill() throws Exception {
        cache = Cache.open(dir.resolve("cache"));
        AccessData.importAll(cache, dir);
        review = new AccessReview(cache, ZoneOffset.UTC);
    }

    @AfterAll
    static void close() {
        cache.close();
    }

    private static AccessReport all(Candidate c) {
        return review.report(c, Long.MIN_VALUE, Long.MAX_VALUE, 100, () -> false, (d, t) -> { });
    }

    private static AccessUser user(AccessReport r, String key) {
        return r.users().stream().filter(u -> u.key().equals(key)).findFirst().orElseThrow(() -> new AssertionError(
                key + " not among " + r.users()));
    }

    @Test
    void aTypedReferenceFindsThePatientInEachOriginApart() {
        Lookup l = review.find("Patient/p1");
        assertThat(l.message()).isEmpty();
        // the directory knows Patient/p1 (in "files"): its identifier MRN-1 is looked for too; its origin first
        assertThat(l.candidates()).extracting(c -> c.subject().label() + " | " + c.origin() + " | " + c.events())
                .containsExactly("Pat One (Patient/p1) | files | 9", "Pat One (Patient/p1) | other-hospital | 2");
        assertThat(l.candidates().get(0).subject().keys()).containsExactly("patient/p1", "mrn-1");
    }

    @Test
    void anIdentifierOrABareIdFindsTheDirectorysPatient() {
        assertThat(review.find("MRN-1").candidates()).extracting(Candidate::origin, Candidate::events)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("files", 9L),
                        org.assertj.core.groups.Tuple.tuple("other-hospital", 2L));
        assertThat(review.find("p1").candidates()).hasSize(2);
        // a name the directory knows one patient of
        assertThat(review.find("Pat").candidates()).extracting(Candidate::events).containsExactly(9L, 2L);
    }

    @Test
    void anIdentifierTheDirectoryDoesNotKnowStillFindsItsEvents() {
        Lookup l = review.find("X-99");
        assertThat(l.candidates()).singleElement().satisfies(c -> {
            assertThat(c.subject().label()).isEqualTo("identifier X-99");
            assertThat(c.subject().reference()).isNull();
            assertThat(c.events()).isEqualTo(1);
        });
        AccessReport r = all(l.candidates().get(0));
        assertThat(r.events()).extracting(AccessReport.AccessEvent::id).containsExactly("x1");
        // a reference nobody has: events of a patient the directory does not know
        assertThat(review.find("Patient/p2").candidates()).singleElement()
                .satisfies(c -> assertThat(c.subject().label()).isEqualTo("Patient/p2"));
    }

    @Test
    void anUnknownPatientSaysSo() {
        Lookup l = review.find("nobody-at-all");
        assertThat(l.candidates()).isEmpty();
        assertThat(l.message()).startsWith("No events for \"nobody-at-all\"");
        assertThat(review.find("  ").message()).startsWith("Type a patient's");
    }

    @Test
    void perUserCountsFirstLastPurposesBreakTheGlassAndFailures() {
        AccessReport r = all(review.find("Patient/p1").candidates().get(0));
        assertThat(r.origin()).isEqualTo("files");
        assertThat(r.total()).isEqualTo(9);
        assertThat(r.complete()).isTrue();
        assertThat(r.users()).extracting(AccessUser::key).containsExactly("dr-ann", "carol",
                AccessReader.NO_AGENT, "Practitioner/bob", "Night Clerk");

        AccessUser ann = user(r, "dr-ann");
        assertThat(ann.name()).isEqualTo("Ann Directory");   // the directory's name, not the events' "Ann Event-Name"
        assertThat(ann.named()).isTrue();
        assertThat(ann.events()).isEqualTo(4);               // a4 names the patient by identifier only
        assertThat(ann.first()).isEqualTo(Instant.parse("2026-03-01T08:00:00Z"));
        assertThat(ann.last()).isEqualTo(Instant.parse("2026-03-06T10:00:00Z"));
        assertThat(ann.roles()).containsExactly("Doctor");
        assertThat(ann.purposes()).containsExactly(new Purpose("TREAT", 2), new Purpose("BTG", 1));
        assertThat(ann.breakTheGlass()).isEqualTo(1);
        assertThat(ann.failed()).isEqualTo(1);

        AccessUser bob = user(r, "Practitioner/bob");        // no user id: the reference is the key
        assertThat(bob.name()).isEqualTo("Bob Events");     // not in the directory: the events' name
        assertThat(bob.named()).isFalse();
        assertThat(bob.breakTheGlass()).isEqualTo(1);       // ETREAT as an agent's purposeOfUse
        assertThat(bob.failed()).isEqualTo(1);              // outcome 8

        AccessUser clerk = user(r, "Night Clerk");          // no requestor: the first agent, by its name
        assertThat(clerk.roles()).containsExactly("Ward clerk");
        assertThat(clerk.failed()).isZero();                // no outcome recorded: not a failure

        AccessUser carol = user(r, "carol");
        assertThat(carol.name()).isEqualTo("carol");        // no name anywhere: the user id
        assertThat(carol.events()).isEqualTo(2);
        assertThat(carol.purposes()).containsExactly(new Purpose("HOPERAT", 1));
        assertThat(carol.breakTheGlass()).isZero();

        assertThat(user(r, AccessReader.NO_AGENT).events()).isEqualTo(1);
        assertThat(r.breakTheGlass()).isEqualTo(2);
        assertThat(r.failed()).isEqualTo(2);
        assertThat(r.patientName()).isEqualTo("Pat Events-Name");
        assertThat(review.directoryName(review.find("Patient/p1").candidates().get(0))).isEqualTo("Pat One");
    }

    @Test
    void anotherOriginsEventsAreNamedFromThatOriginsDirectoryOnly() {
        Candidate other = review.find("Patient/p1").candidates().get(1);
        AccessReport r = all(other);
        assertThat(r.origin()).isEqualTo(AccessData.OTHER);
        assertThat(r.total()).isEqualTo(2);
        // Practitioner/ann is "Ann Directory" in files, but this origin's directory holds nobody
        assertThat(r.users()).singleElement().satisfies(u -> {
            assertThat(u.key()).isEqualTo("Practitioner/ann");
            assertThat(u.name()).isEqualTo("Ann Elsewhere");
            assertThat(u.named()).isFalse();
        });
        assertThat(review.directoryName(other)).isNull();
        assertThat(r.events()).extracting(AccessReport.AccessEvent::origin).containsOnly(AccessData.OTHER);
    }

    @Test
    void eventsPerDayByUserAndByAction() {
        AccessReport r = all(review.find("Patient/p1").candidates().get(0));
        assertThat(r.byUserDay()).containsOnlyKeys(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02"),
                LocalDate.parse("2026-03-03"), LocalDate.parse("2026-03-04"), LocalDate.parse("2026-03-05"),
                LocalDate.parse("2026-03-06"));
        assertThat(r.byUserDay().get(LocalDate.parse("2026-03-04")))
                .isEqualTo(Map.of("carol", 1L, AccessReader.NO_AGENT, 1L));
        assertThat(r.byActionDay().get(LocalDate.parse("2026-03-05"))).isEqualTo(Map.of("U", 1L, "E", 1L));

        Timeline.Chart byUser = Timeline.of(r, Timeline.By.USER, r.firstDay(), r.lastDay());
        assertThat(byUser.unit()).isEqualTo(Timeline.Unit.DAY);
        assertThat(byUser.series()).containsExactly("Ann Directory", "carol", AccessReader.NO_AGENT, "Bob Events",
                "Night Clerk");
        assertThat(byUser.bars()).extracting(Timeline.Bar::label).containsExactly("2026-03-01", "2026-03-02",
                "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06");
        assertThat(byUser.bar("2026-03-01").counts()).containsExactly(2L, 0L, 0L, 0L, 0L);
        assertThat(byUser.bar("2026-03-04").counts()).containsExactly(0L, 1L, 1L, 0L, 0L);
        assertThat(byUser.bar("2026-03-05").counts()).containsExactly(1L, 0L, 0L, 0L, 1L);
        // the count axis: whole steps
        assertThat(byUser.highest()).isEqualTo(2);
        assertThat(byUser.tickUnit()).isEqualTo(1);
        assertThat(byUser.axisTop()).isEqualTo(3);

        Timeline.Chart byAction = Timeline.of(r, Timeline.By.ACTION, r.firstDay(), r.lastDay());
        assertThat(byAction.series()).containsExactly("Create", "Read", "Update", "Execute");
        assertThat(byAction.bar("2026-03-04").counts()).containsExactly(0L, 2L, 0L, 0L);
        assertThat(byAction.bar("2026-03-05").counts()).containsExactly(0L, 0L, 1L, 1L);
        assertThat(byAction.total()).isEqualTo(9);
    }

    @Test
    void longRangesAreBucketedByWeekMonthAndYear() {
        AccessReport r = all(review.find("Patient/p1").candidates().get(0));
        Timeline.Chart weeks = Timeline.of(r, Timeline.By.ACTION, LocalDate.parse("2026-01-01"),
                LocalDate.parse("2026-12-31"));
        assertThat(weeks.unit()).isEqualTo(Timeline.Unit.WEEK);
        // 2026-01-01 is a Thursday: the first bar covers Thursday to Sunday, the rest Monday to Sunday
        assertThat(weeks.bars().get(0).from()).isEqualTo(LocalDate.parse("2026-01-01"));
        assertThat(weeks.bars().get(0).to()).isEqualTo(LocalDate.parse("2026-01-04"));
        assertThat(weeks.bars().get(0).label()).isEqualTo("2026-W01");
        assertThat(weeks.bars().get(weeks.bars().size() - 1).label()).isEqualTo("2026-W53"); // 28 to 31 December
        Timeline.Bar march = weeks.bar("2026-W10");
        assertThat(march.total()).isEqualTo(7); // 2 to 8 March: all but the two of 1 March
        assertThat(weeks.bar("2026-W09").total()).isEqualTo(2);
        assertThat(weeks.total()).isEqualTo(9);

        Timeline.Chart months = Timeline.of(r, Timeline.By.USER, LocalDate.parse("2025-01-01"),
                LocalDate.parse("2027-06-30"));
        assertThat(months.unit()).isEqualTo(Timeline.Unit.MONTH);
        assertThat(months.bars()).hasSize(30);
        assertThat(months.bar("2026-03").total()).isEqualTo(9);
        assertThat(months.tickUnit()).isEqualTo(2);
        assertThat(months.axisTop()).isEqualTo(10);
        assertThat(Timeline.of(r, Timeline.By.USER, LocalDate.parse("2000-01-01"), LocalDate.parse("2030-01-01"))
                .bar("2026").total()).isEqualTo(9);
        assertThat(Timeline.unitFor(LocalDate.parse("2026-01-01"), LocalDate.parse("2026-04-02")))
                .isEqualTo(Timeline.Unit.DAY);   // 92 days
        assertThat(Timeline.unitFor(LocalDate.parse("2026-01-01"), LocalDate.parse("2026-04-03")))
                .isEqualTo(Timeline.Unit.WEEK);
    }

    @Test
    void theListKeepsTheNewestAndCountsAll() {
        Candidate c = review.find("Patient/p1").candidates().get(0);
        AccessReport r = review.report(c, Long.MIN_VALUE, Long.MAX_VALUE, 3, () -> false, (d, t) -> { });
        assertThat(r.total()).isEqualTo(9);
        assertThat(r.events()).extracting(AccessReport.AccessEvent::id).containsExactly("a4", "n1", "a3");
        AccessReport.AccessEvent a3 = r.events().get(2);
        assertThat(a3.user()).isEqualTo("Ann Directory");
        assertThat(a3.type()).isEqualTo("Patient Record · read");
        assertThat(a3.purposes()).containsExactly("BTG");
        assertThat(a3.breakTheGlass()).isTrue();
        assertThat(a3.recorded()).isEqualTo(Instant.parse("2026-03-05T10:00:00Z"));
        // a period: the days of one bar
        AccessReport day = review.report(c, Instant.parse("2026-03-01T00:00:00Z").toEpochMilli(),
                Instant.parse("2026-03-01T23:59:59.999Z").toEpochMilli(), 100, () -> false, (d, t) -> { });
        assertThat(day.total()).isEqualTo(2);
        assertThat(day.users()).extracting(AccessUser::key, AccessUser::events)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("dr-ann", 2L));
    }

    @Test
    void aCancelledReadingSaysItIsIncomplete() {
        Candidate c = review.find("Patient/p1").candidates().get(0);
        long[] progress = {-1, -1};
        AccessReport r = review.report(c, Long.MIN_VALUE, Long.MAX_VALUE, 100, () -> true, (d, t) -> {
            progress[0] = d;
            progress[1] = t;
        });
        assertThat(r.complete()).isFalse();
        assertThat(r.total()).isZero();
        assertThat(progress).containsExactly(0, 9);
    }

    @Test
    void daysAreTheZonesDays() {
        AccessReview tokyo = new AccessReview(cache, ZoneId.of("Asia/Tokyo"));
        AccessReport r = tokyo.report(tokyo.find("Patient/p1").candidates().get(0), Long.MIN_VALUE, Long.MAX_VALUE,
                100, () -> false, (d, t) -> { });
        // 2026-03-01T20:00Z is 2 March in Tokyo; 2026-03-05T23:00Z is 6 March
        assertThat(r.byUserDay().get(LocalDate.parse("2026-03-01"))).isEqualTo(Map.of("dr-ann", 1L));
        assertThat(r.byUserDay().get(LocalDate.parse("2026-03-02"))).isEqualTo(Map.of("dr-ann", 1L,
                "Practitioner/bob", 1L));
        assertThat(r.byUserDay().get(LocalDate.parse("2026-03-06"))).isEqualTo(Map.of("dr-ann", 1L,
                "Night Clerk", 1L));
    }

    @Test
    void manyUsersShareOneSeriesBeyondTheTopEight() {
        AccessTally t = new AccessTally(ZoneOffset.UTC, 10);
        for (int u = 0; u < 11; u++) {
            for (int i = 0; i <= u; i++) {
                t.add(u * 100L + i, "files", "e" + u + "-" + i, Instant.parse("2026-03-01T10:00:00Z").toEpochMilli()
                        + i, AccessReader.of(json("{\"agent\":[{\"requestor\":true,\"userId\":{\"value\":\"u" + u
                        + "\"}}],\"action\":\"R\"}")));
            }
        }
        AccessReport r = t.report("files", Map.of(), true);
        assertThat(r.total()).isEqualTo(66);
        assertThat(r.events()).hasSize(10);
        Timeline.Chart c = Timeline.of(r, Timeline.By.USER, r.firstDay(), r.lastDay());
        assertThat(c.series()).hasSize(9).startsWith("u10", "u9").endsWith("Other users (3)");
        // u0, u1, u2: 1 + 2 + 3 events
        assertThat(c.bars()).singleElement().satisfies(b -> assertThat(b.counts().get(8)).isEqualTo(6L));
    }

    static com.fasterxml.jackson.databind.JsonNode json(String s) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void oddShapesAreReadLeniently() {
        AccessReader.Access a = AccessReader.of(json("{\"agent\":{\"name\":\"not an array\"},\"purposeOfEvent\":"
                + "{\"coding\":[]},\"outcome\":4,\"entity\":\"x\",\"type\":\"rest\"}"));
        assertThat(a.userKey()).isEqualTo(AccessReader.NO_AGENT);
        assertThat(a.purposes()).isEmpty();
        assertThat(a.failed()).isTrue();    // an outcome given as a number is still an outcome
        assertThat(a.type()).isNull();
        AccessReader.Access b = AccessReader.of(json("{\"agent\":[\"x\",{\"role\":\"doctor\",\"userId\":\"flat\","
                + "\"name\":\"N\",\"purposeOfUse\":[{\"coding\":[{\"code\":\"btg\"}]}]}]}"));
        assertThat(b.userKey()).isEqualTo("N");
        assertThat(b.roles()).isEmpty();
        assertThat(b.breakTheGlass()).isTrue();
        assertThat(new AccessReader().read("not json")).isNull();
        AccessTally t = new AccessTally(ZoneOffset.UTC, 5);
        t.add(1, "files", "bad", 0, null);
        assertThat(t.report("files", Map.of(), true).users()).singleElement()
                .satisfies(u -> assertThat(u.key()).isEqualTo(AccessTally.UNREADABLE));
        assertThat(List.of(t.report("files", Map.of(), true).unreadable())).containsExactly(1L);
    }
}
