package org.custos.consent;

import org.custos.TestData;
import org.custos.cache.Cache;
import org.custos.consent.ConsentCheck.Finding;
import org.custos.consent.ConsentCheck.Verdict;
import org.custos.sync.Importer;
import org.custos.ui.ImmediateTaskRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The "Past access" view model, without a screen: the check through the task runner, and the link to an event. */
class ConsentCheckViewModelTest {
    @TempDir
    static Path dir;
    static Cache cache;

    @BeforeAll
    static void fill() throws Exception {
        cache = Cache.open(dir.resolve("cache"));
        Importer importer = new Importer(cache, TestData.FHIR);
        importer.importFile(TestData.examples().resolve("consent/Consent-consent-example-Emergency.json"),
                Importer.SILENT);
        importer.importFile(CheckData.ndjson(dir.resolve("events.ndjson"), CheckData.events()), Importer.SILENT);
    }

    @AfterAll
    static void close() {
        cache.close();
    }

    @Test
    void listsDeniedAndUndecidableEventsAndOpensOneInTheAuditBrowser() {
        List<String> opened = new ArrayList<>();
        ConsentCheckViewModel vm = new ConsentCheckViewModel(new ConsentCheck(cache), new ImmediateTaskRunner(),
                (pk, origin, at) -> opened.add(pk + " " + origin + " " + at), java.time.ZoneOffset.UTC);
        vm.run();
        assertThat(vm.summary().get()).isEqualTo("Choose a patient first.");
        vm.patient().set("Patient/f001");
        vm.to().set(LocalDate.parse("2020-05-31"));
        vm.run();
        assertThat(vm.busy().get()).isFalse();
        assertThat(vm.findings()).extracting(f -> f.eventId() + " " + f.verdict().word())
                .containsExactlyInAnyOrder("e2 denied", "e3 undecidable", "e4 undecidable");
        assertThat(vm.summary().get()).isEqualTo("4 accesses checked: 1 would have been denied, 2 undecidable, "
                + "1 permitted, 0 without a consent in force.");
        Finding denied = vm.findings().stream().filter(f -> f.verdict() == Verdict.DENIED).findFirst().orElseThrow();
        vm.open(denied);
        assertThat(opened).containsExactly(denied.pk() + " files 2020-05-02T10:00:00Z");
    }
}
