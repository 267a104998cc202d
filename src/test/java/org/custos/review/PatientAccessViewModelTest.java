package org.custos.review;

import org.custos.access.AccessReader;
import org.custos.cache.Cache;
import org.custos.review.AccessReport.AccessEvent;
import org.custos.review.AccessReport.AccessUser;
import org.custos.ui.ImmediateTaskRunner;
import org.custos.ui.TaskRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The patient access tab's view model on one thread: finding, the origin choice, the tables, the chart, the filter. */
class PatientAccessViewModelTest {
    @TempDir
    static java.nio.file.Path dir;
    static Cache cache;
    PatientAccessViewModel vm;
    final List<String> opened = new ArrayList<>();

    @BeforeAll
    static void fill() throws Exception {
        cache = Cache.open(dir.resolve("cache"));
        AccessData.importAll(cache, dir);
    }

    @AfterAll
    static void close() {
        cache.close();
    }

    @BeforeEach
    void model() {
        vm = new PatientAccessViewModel(new AccessReview(cache, ZoneOffset.UTC), new ImmediateTaskRunner(),
                (pk, origin, at) -> opened.add(pk + " " + origin + " " + at), ZoneOffset.UTC);
    }

    @Test
    void aTypedReferenceShowsTheUsersTheChartAndTheEventsOfTheFirstOrigin() {
        vm.query().set("Patient/p1");
        vm.find();
        assertThat(vm.candidates()).hasSize(2);
        assertThat(vm.severalCandidates().get()).isTrue();
        assertThat(vm.originNote().get()).contains("Pat One (Patient/p1) in files (9)",
                "Pat One (Patient/p1) in other-hospital (2)");
        assertThat(vm.describe(vm.candidate().get())).isEqualTo("Pat One (Patient/p1) · files · 9 events");
        assertThat(vm.title().get()).isEqualTo("Pat One — Patient/p1 · files");
        assertThat(vm.summary().get()).isEqualTo("9 accesses by 5 users from 2026-03-01 to 2026-03-06 · "
                + "2 break-the-glass · 2 failed");
        assertThat(vm.message().get()).isEmpty();
        assertThat(vm.busy().get()).isFalse();
        assertThat(vm.users()).extracting(AccessUser::name).containsExactly("Ann Directory", "carol",
                AccessReader.NO_AGENT, "Bob Events", "Night Clerk");
        AccessUser ann = vm.users().get(0);
        assertThat(vm.purposes(ann)).isEqualTo("TREAT (2), BTG (1)");
        assertThat(vm.identity(ann)).isEqualTo("dr-ann · Practitioner/ann");
        assertThat(vm.time(ann.first())).isEqualTo("2026-03-01 08:00:00");
        assertThat(vm.nameSource(ann)).startsWith("Name from the directory of files");
        assertThat(vm.events()).hasSize(9);
        assertThat(vm.eventsNote().get()).startsWith("All 9 accesses, newest first");
        AccessEvent newest = vm.events().get(0);
        assertThat(newest.id()).isEqualTo("a4");
        assertThat(vm.action(newest)).isEqualTo("Read (R)");
        assertThat(vm.outcome(newest)).isEqualTo("0 success");

        assertThat(vm.chart().get().unit()).isEqualTo(Timeline.Unit.DAY);
        assertThat(vm.chart().get().bars()).hasSize(6);
        assertThat(vm.chartNote().get()).startsWith("Accesses per day, by user · 2026-03-01 to 2026-03-06 (6 days, "
                + "9 accesses)");
        assertThat(vm.rangeMax().get()).isEqualTo(5);
        assertThat(vm.low().get()).isZero();
        assertThat(vm.high().get()).isEqualTo(5);
    }

    @Test
    void anotherOriginIsChosenNeverMixed() {
        vm.query().set("MRN-1");
        vm.find();
        vm.candidate().set(vm.candidates().get(1));
        assertThat(vm.title().get()).isEqualTo("Pat One (Patient/p1) · other-hospital");
        assertThat(vm.users()).extracting(AccessUser::name).containsExactly("Ann Elsewhere");
        assertThat(vm.events()).extracting(AccessEvent::origin).containsOnly(AccessData.OTHER);
    }

    @Test
    void aSuggestionPickedShowsThatPatient() {
        List<AccessReview.Suggestion> s = vm.suggest("Pat On");
        assertThat(s).extracting(AccessReview.Suggestion::reference).containsExactly("Patient/p1");
        assertThat(s.get(0).toString()).isEqualTo("Pat One · Patient/p1 · MRN-1 · files");
        vm.pick(s.get(0));
        assertThat(vm.query().get()).isEqualTo("Patient/p1");
        assertThat(vm.candidate().get().origin()).isEqualTo("files");
        assertThat(vm.users()).hasSize(5);
        assertThat(vm.suggest("x")).isEmpty();
    }

    @Test
    void anUnknownPatientSaysNoEvents() {
        vm.query().set("Patient/nobody");
        vm.find();
        assertThat(vm.candidates()).isEmpty();
        assertThat(vm.message().get()).startsWith("No events for \"Patient/nobody\"");
        assertThat(vm.users()).isEmpty();
        assertThat(vm.chart().get()).isNull();
        assertThat(vm.hasReport().get()).isFalse();
    }

    @Test
    void aBarClickedFiltersTheTablesToItsDaysAndClearingShowsAllAgain() {
        vm.query().set("Patient/p1");
        vm.find();
        vm.filterTo("2026-03-05");
        assertThat(vm.filter().get().from()).isEqualTo(LocalDate.parse("2026-03-05"));
        assertThat(vm.filterText().get()).isEqualTo("Only 2026-03-05: 2 of 9 accesses");
        assertThat(vm.users()).extracting(AccessUser::key, AccessUser::events).containsExactly(
                org.assertj.core.groups.Tuple.tuple("dr-ann", 1L), org.assertj.core.groups.Tuple.tuple("Night Clerk", 1L));
        assertThat(vm.events()).extracting(AccessEvent::id).containsExactly("n1", "a3");
        assertThat(vm.isFiltered(vm.chart().get().bar("2026-03-05"))).isTrue();
        assertThat(vm.isFiltered(vm.chart().get().bar("2026-03-04"))).isFalse();
        // the chart still shows every day
        assertThat(vm.chart().get().total()).isEqualTo(9);
        vm.clearFilter();
        assertThat(vm.filter().get()).isNull();
        assertThat(vm.filterText().get()).isEmpty();
        assertThat(vm.users()).hasSize(5);
        assertThat(vm.events()).hasSize(9);
    }

    @Test
    void byActionZoomPanAndTheSlider() {
        vm.query().set("Patient/p1");
        vm.find();
        vm.by().set(Timeline.By.ACTION);
        assertThat(vm.chart().get().series()).containsExactly("Create", "Read", "Update", "Execute");
        assertThat(vm.chartNote().get()).startsWith("Accesses per day, by action");
        // six days: zooming in stops at the whole (less than a week)
        vm.zoomIn();
        assertThat(vm.chart().get().bars()).hasSize(6);
        // the slider narrows the days shown
        vm.low().set(2);
        vm.high().set(3);
        assertThat(vm.chart().get().bars()).extracting(Timeline.Bar::label).containsExactly("2026-03-03",
                "2026-03-04");
        vm.pan(1);
        assertThat(vm.chart().get().bars()).extracting(Timeline.Bar::label).containsExactly("2026-03-04",
                "2026-03-05");
        assertThat(vm.low().get()).isEqualTo(3);
        vm.pan(-1);
        vm.pan(-1);
        vm.pan(-1);
        assertThat(vm.chart().get().bars()).extracting(Timeline.Bar::label).containsExactly("2026-03-01",
                "2026-03-02");
        vm.zoomOut();
        assertThat(vm.chart().get().bars()).hasSize(4);
        vm.showAll();
        assertThat(vm.chart().get().bars()).hasSize(6);
        assertThat(vm.high().get()).isEqualTo(5);
    }

    /** A cache with 5,100 events of Patient/many over 800 days, by twelve users. */
    static Cache big() throws Exception {
        if (big == null) {
            big = Cache.open(dir.resolve("big"));
            List<String> lines = new ArrayList<>();
            Instant start = Instant.parse("2024-01-01T12:00:00Z");
            for (int i = 0; i < 5_100; i++) {
                lines.add(AccessData.event("m" + i, start.plusSeconds(86_400L * (i % 800) + i).toString(),
                        i % 7 == 0 ? "U" : "R", i % 50 == 0 ? "4" : "0", null,
                        AccessData.patient("Patient/many", null),
                        AccessData.agent(true, "u" + (i % 12), null, "User " + (i % 12), null, null)));
            }
            new org.custos.sync.Importer(big, org.custos.TestData.FHIR).importFile(java.nio.file.Files.writeString(
                    dir.resolve("many.ndjson"), String.join("\n", lines)), org.custos.sync.Importer.SILENT);
        }
        return big;
    }

    static Cache big;

    @AfterAll
    static void closeBig() {
        if (big != null) {
            big.close();
        }
    }

    @Test
    void theListIsCappedAndSaysSoAndLongRangesZoomFromMonthsToDays() throws Exception {
        PatientAccessViewModel m = new PatientAccessViewModel(new AccessReview(big(), ZoneOffset.UTC),
                new ImmediateTaskRunner(), (pk, o, at) -> { }, ZoneOffset.UTC);
        m.query().set("Patient/many");
        m.find();
        assertThat(m.summary().get()).startsWith("5,100 accesses by 12 users from 2024-01-01 to 2026-03-10");
        assertThat(m.events()).hasSize(PatientAccessViewModel.LIST_CAP);
        assertThat(m.eventsNote().get()).startsWith("Showing the newest 5,000 of 5,100 accesses");
        // the newest listed first, and the oldest 100 left out
        assertThat(m.events().get(0).recorded()).isAfterOrEqualTo(m.events().get(1).recorded());
        assertThat(m.users()).hasSize(12);
        assertThat(m.users().stream().mapToLong(AccessUser::events).sum()).isEqualTo(5_100);
        assertThat(m.users().stream().mapToLong(AccessUser::failed).sum()).isEqualTo(102);

        assertThat(m.chart().get().unit()).isEqualTo(Timeline.Unit.MONTH);
        assertThat(m.chartNote().get()).contains("bucketed by month (more than 92 days shown): zoom in for days");
        assertThat(m.chart().get().series()).hasSize(9).endsWith("Other users (4)");
        m.zoomIn();   // 400 days
        assertThat(m.chart().get().unit()).isEqualTo(Timeline.Unit.WEEK);
        m.zoomIn();   // 200
        m.zoomIn();   // 100
        assertThat(m.chart().get().unit()).isEqualTo(Timeline.Unit.WEEK);
        m.zoomIn();   // 50
        assertThat(m.chart().get().unit()).isEqualTo(Timeline.Unit.DAY);
        assertThat(m.chart().get().bars()).hasSize(50);
        // a week's bar clicked lists that week only
        m.zoomOut();
        Timeline.Bar week = m.chart().get().bars().get(3);
        m.filterTo(week.label());
        assertThat(m.users().stream().mapToLong(AccessUser::events).sum()).isEqualTo(week.total());
        assertThat(m.filterText().get()).isEqualTo(String.format("Only %s to %s: %,d of 5,100 accesses", week.from(),
                week.to(), week.total()));
        assertThat(m.eventsNote().get()).startsWith(String.format("All %d accesses", week.total()));
    }

    @Test
    void aDoubleClickedEventOpensInTheAuditBrowser() {
        vm.query().set("Patient/p1");
        vm.find();
        AccessEvent e = vm.events().get(0);
        vm.open(e);
        assertThat(opened).containsExactly(e.pk() + " files 2026-03-06T10:00:00Z");
        vm.open(null);
        assertThat(opened).hasSize(1);
    }

    @Test
    void aCancelledReadingShowsNothingAndSaysSo() {
        // a runner whose work is cancelled as soon as it starts
        TaskRunner cancelling = new TaskRunner() {
            @Override
            public <T> Handle submit(String title, Work<T> work, Consumer<T> ok, Consumer<Throwable> failed) {
                try {
                    ok.accept(work.run(new Progress() {
                        @Override
                        public void update(long done, long total, String message) {
                        }

                        @Override
                        public boolean isCancelled() {
                            return title != null; // the lookup runs, the reading is cancelled
                        }
                    }));
                } catch (Exception e) {
                    failed.accept(e);
                }
                return () -> { };
            }

            @Override
            public Handle every(java.time.Duration period, Runnable onUi) {
                return () -> { };
            }

            @Override
            public void onUi(Runnable r) {
                r.run();
            }

            @Override
            public void shutdown() {
            }
        };
        PatientAccessViewModel m = new PatientAccessViewModel(new AccessReview(cache, ZoneOffset.UTC), cancelling,
                (pk, o, at) -> { }, ZoneOffset.UTC);
        m.query().set("Patient/p1");
        m.find();
        assertThat(m.message().get()).startsWith("Cancelled after reading 0 accesses: nothing is shown");
        assertThat(m.users()).isEmpty();
        assertThat(m.hasReport().get()).isFalse();
        assertThat(m.busy().get()).isFalse();
    }

    @Test
    void aCacheChangeIsReadWhenTheTabShowsKeepingTheFilter() throws Exception {
        try (Cache own = Cache.open(dir.resolve("own-" + System.nanoTime()))) {
            AccessData.importAll(own, dir);
            PatientAccessViewModel m = new PatientAccessViewModel(new AccessReview(own, ZoneOffset.UTC),
                    new ImmediateTaskRunner(), (pk, o, at) -> { }, ZoneOffset.UTC);
            m.query().set("Patient/p1");
            m.find();
            m.zoomIn();
            m.filterTo("2026-03-05");
            java.nio.file.Path f = java.nio.file.Files.writeString(dir.resolve("more-" + System.nanoTime()
                    + ".ndjson"), AccessData.event("late", "2026-03-05T12:00:00Z", "R", "0", null,
                    AccessData.patient("Patient/p1", null), AccessData.agent(true, "carol", null, null, null, null)));
            new org.custos.sync.Importer(own, org.custos.TestData.FHIR).importFile(f, org.custos.sync.Importer.SILENT);
            m.cacheChanged();
            assertThat(m.filterText().get()).isEqualTo("Only 2026-03-05: 2 of 9 accesses"); // not on screen: later
            m.shown().set(true);
            assertThat(m.filterText().get()).isEqualTo("Only 2026-03-05: 3 of 10 accesses");
            assertThat(m.users()).extracting(AccessUser::key).containsExactly("dr-ann", "carol", "Night Clerk");
            m.cacheChanged(); // on screen: at once
            assertThat(m.summary().get()).startsWith("10 accesses by 5 users");
        }
    }
}
