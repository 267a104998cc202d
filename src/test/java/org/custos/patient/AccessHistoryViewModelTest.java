package org.custos.patient;

import org.custos.ui.ImmediateTaskRunner;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The access history's view model, without a screen: read from its source in the background, grouped by person
 * (each heading with its count) or by day, summed up in a sentence; a source that fails says so.
 */
class AccessHistoryViewModelTest {
    private static AccessHistoryViewModel.Source source(List<AccessHistory.RecordedEvent> events) {
        return new AccessHistoryViewModel.Source() {
            @Override
            public String patient() {
                return AccessHistoryTest.ME;
            }

            @Override
            public List<AccessHistory.RecordedEvent> accessEvents() {
                return events;
            }
        };
    }

    @Test
    void theRecordIsListedByPersonOrByDayWithASummary() {
        AccessHistoryViewModel vm = new AccessHistoryViewModel(source(List.of(AccessHistoryTest.LAB,
                AccessHistoryTest.GLASS, AccessHistoryTest.REFUSED, AccessHistoryTest.MINE)),
                new ImmediateTaskRunner(), AccessHistoryTest.ZONE, AccessHistoryTest.NOW);
        assertThat(vm.rows()).isEmpty();
        vm.load();
        assertThat(vm.busyProperty().get()).isFalse();
        assertThat(vm.summaryProperty().get()).isEqualTo("3 looks at your record, by 2 people. 1 was emergency "
                + "access, marked below. Your own use of your record is not counted.");
        assertThat(vm.rows()).extracting(AccessHistoryViewModel.Row::heading).containsExactly(true, false, false,
                true, false);
        assertThat(vm.rows().get(0).text()).isEqualTo("Dr Aoife Jansen (Doctor, Good Health Clinic) — 2 times");
        assertThat(vm.rows().get(3).text()).isEqualTo("Sam Night (Nurse, Custos General Hospital) — 1 time");
        AccessHistoryViewModel.Row glass = vm.rows().get(4);
        assertThat(glass.emergency()).isTrue();
        assertThat(glass.spoken()).startsWith("Emergency access. Sam Night").contains("breaking the glass");

        vm.groupingProperty().set(AccessHistoryViewModel.Grouping.BY_DAY);
        assertThat(vm.rows()).extracting(AccessHistoryViewModel.Row::text).first()
                .isEqualTo("Monday 14 September 2026");
        assertThat(vm.rows()).filteredOn(AccessHistoryViewModel.Row::heading).extracting(
                AccessHistoryViewModel.Row::text).containsExactly("Monday 14 September 2026", "Sunday 2 November 2025");
    }

    @Test
    void anEmptyRecordAndOneThatCannotBeReadAreSaidSo() {
        AccessHistoryViewModel empty = new AccessHistoryViewModel(source(List.of()), new ImmediateTaskRunner(),
                AccessHistoryTest.ZONE, AccessHistoryTest.NOW);
        empty.load();
        assertThat(empty.summaryProperty().get()).isEqualTo("Nobody has looked at your record in what Custos holds.");
        // never fetched: an empty history is nothing yet, not nobody
        AccessHistoryViewModel first = new AccessHistoryViewModel(new AccessHistoryViewModel.Source() {
            @Override
            public String patient() {
                return AccessHistoryTest.ME;
            }

            @Override
            public List<AccessHistory.RecordedEvent> accessEvents() {
                return List.of();
            }

            @Override
            public boolean fetched() {
                return false;
            }
        }, new ImmediateTaskRunner(), AccessHistoryTest.ZONE, AccessHistoryTest.NOW);
        first.load();
        assertThat(first.summaryProperty().get())
                .isEqualTo("Nothing has been fetched from the server yet: choose Fetch my record.");
        AccessHistoryViewModel failing = new AccessHistoryViewModel(new AccessHistoryViewModel.Source() {
            @Override
            public String patient() {
                return AccessHistoryTest.ME;
            }

            @Override
            public List<AccessHistory.RecordedEvent> accessEvents() {
                throw new IllegalStateException("the cache is closed");
            }
        }, new ImmediateTaskRunner(), AccessHistoryTest.ZONE, AccessHistoryTest.NOW);
        failing.load();
        assertThat(failing.statusProperty().get()).isEqualTo("Your record could not be read: the cache is closed");
        assertThat(failing.busyProperty().get()).isFalse();
    }

    @Test
    void theHistoryIsSavedAsAPdfWithTheSameSentences(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        AccessHistoryViewModel vm = new AccessHistoryViewModel(source(List.of(AccessHistoryTest.LAB,
                AccessHistoryTest.GLASS, AccessHistoryTest.REFUSED)), new ImmediateTaskRunner(),
                AccessHistoryTest.ZONE, AccessHistoryTest.NOW).savingWith(f -> java.nio.file.Files.newOutputStream(f),
                "Good Health Clinic");
        java.nio.file.Path pdf = dir.resolve("mine.pdf");
        vm.savePdf(pdf);
        assertThat(vm.statusProperty().get()).isEqualTo("Nothing to save yet: fetch your record first.");
        assertThat(pdf).doesNotExist();
        vm.load();
        vm.savePdf(pdf);
        assertThat(vm.statusProperty().get()).isEqualTo("Saved as " + pdf + ".");
        String text;
        try (org.apache.pdfbox.pdmodel.PDDocument doc = org.apache.pdfbox.Loader.loadPDF(pdf.toFile())) {
            text = new org.apache.pdfbox.text.PDFTextStripper().getText(doc).replaceAll("\\s+", " ");
        }
        assertThat(text).contains("Who looked at my record")
                .contains("From Good Health Clinic, as Custos held it on 3 December 2026 at 10:00.")
                .contains("3 looks at your record, by 2 people. 1 was emergency access")
                .contains("Dr Aoife Jansen (Doctor, Good Health Clinic) read your lab results on 14 September at "
                        + "12:59 for treatment.")
                .contains("Emergency access Sam Night (Nurse, Custos General Hospital) read your visits")
                .contains("breaking the glass")
                .contains("tried to change your prescriptions on 2 November 2025 at 09:05, without success.")
                .contains("Page 1 of 1");
    }
}
