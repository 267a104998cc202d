package org.custos.app;

import org.custos.TestData;
import org.custos.audit.AuditViewModel;
import org.custos.cache.AuditFilter;
import org.custos.cache.Cache;
import org.custos.sync.Importer;
import org.custos.ui.ImmediateTaskRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The main window's commands without a screen: imports into a chosen origin, the demo data beside real data. */
class MainViewModelTest {
    @TempDir
    Path dir;

    private static MainViewModel vm(Cache cache) {
        ImmediateTaskRunner tasks = new ImmediateTaskRunner();
        Importer importer = new Importer(cache, TestData.FHIR);
        return new MainViewModel(cache, importer, tasks, new AuditViewModel(cache.audit(), TestData.FHIR, tasks,
                ZoneOffset.UTC), new QuarantineViewModel(cache.quarantine(), importer, cache.audit()::originNames,
                tasks), CustosApp::demoData);
    }

    @Test
    void filesGoToTheOriginChosenInTheImportDialogAndDemoIsReserved() throws Exception {
        try (Cache cache = Cache.open(dir.resolve("cache"))) {
            MainViewModel vm = vm(cache);
            Path f = dir.resolve("export.json");
            Files.writeString(f, "{\"resourceType\":\"AuditEvent\",\"id\":\"x1\",\"recorded\":\"2025-01-01T00:00:00Z\"}");
            vm.importFiles(List.of(f), "HTTPS://EHR.example.org/fhir/");
            assertThat(vm.lastImportProperty().get().title()).isEqualTo("Imported export.json into "
                    + "https://ehr.example.org/fhir");
            assertThat(cache.audit().count(AuditFilter.ALL.withOrigin("https://ehr.example.org/fhir"), 10))
                    .isEqualTo(1);
            assertThat(vm.importOrigins()).containsExactly("files", "https://ehr.example.org/fhir");

            vm.importFiles(List.of(f), "demo");
            assertThat(vm.lastImportProperty().get().title()).isEqualTo("Nothing imported");
            assertThat(vm.lastImportProperty().get().text()).contains("kept for the bundled demo data");
            assertThat(cache.audit().count(AuditFilter.ALL, 10)).isEqualTo(1);
        }
    }

    @Test
    void theDemoDataAsksFirstOnACacheWithRealEvents() throws Exception {
        try (Cache cache = Cache.open(dir.resolve("cache"))) {
            MainViewModel vm = vm(cache);
            Path f = dir.resolve("real.json");
            Files.writeString(f, "{\"resourceType\":\"AuditEvent\",\"id\":\"r1\",\"recorded\":\"2025-01-01T00:00:00Z\"}");
            vm.importFiles(List.of(f));
            vm.loadDemoData();
            assertThat(vm.demoQuestionProperty().get()).contains("1 AuditEvents from real sources")
                    .contains("origin \"demo\"");
            assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(1);
            vm.answerDemoQuestion(false);
            assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(1);
            vm.loadDemoData();
            vm.answerDemoQuestion(true);
            assertThat(cache.audit().count(AuditFilter.ALL.withOrigin("demo"), Long.MAX_VALUE)).isEqualTo(6000);
            assertThat(vm.cacheInfoProperty().get()).startsWith("6,001 AuditEvents cached (6,000 of them demo data)");
            // and the demo patients' documents' Provenance, all read (one of its chains has a cycle)
            assertThat(cache.provenance().count(new org.custos.cache.ProvenanceStore.Filter(null, null, null, null,
                    null, null, "demo", null), 1000)).isEqualTo(31);
            assertThat(vm.lastImportProperty().get().problems()).isFalse();
        }
    }
}
