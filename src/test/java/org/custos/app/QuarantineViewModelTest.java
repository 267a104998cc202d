package org.custos.app;

import org.custos.TestData;
import org.custos.cache.AuditFilter;
import org.custos.cache.Cache;
import org.custos.cache.QuarantineItem;
import org.custos.sync.Importer;
import org.custos.ui.ImmediateTaskRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The quarantine as a person works through it: every item (paged), filters, retry after a repair, delete. */
class QuarantineViewModelTest {
    @TempDir
    Path dir;

    @Test
    void pagedFilteredRetriedAndDeleted() throws Exception {
        try (Cache cache = Cache.open(dir.resolve("cache"))) {
            Importer importer = new Importer(cache, TestData.FHIR);
            StringBuilder many = new StringBuilder();
            for (int i = 0; i < 600; i++) {
                many.append("{ broken line ").append(i).append('\n');
            }
            Path lines = dir.resolve("many.ndjson");
            Files.writeString(lines, many);
            importer.importFile(lines, Importer.SILENT);
            Path broken = dir.resolve("broken.json");
            Files.writeString(broken, "{ \"resourceType\": \"AuditEvent\", oops");
            importer.importFile(broken, "https://other.example/fhir", Importer.SILENT);
            assertThat(cache.quarantine().count()).isEqualTo(601);

            QuarantineViewModel vm = new QuarantineViewModel(cache.quarantine(), importer,
                    cache.audit()::originNames, new ImmediateTaskRunner());
            vm.refresh();
            assertThat(vm.items()).hasSize(QuarantineViewModel.PAGE);
            assertThat(vm.moreProperty().get()).isTrue();
            assertThat(vm.titleProperty().get()).isEqualTo("Quarantine (601)");
            vm.loadMore();
            assertThat(vm.items()).hasSize(601);
            assertThat(vm.moreProperty().get()).isFalse();
            assertThat(vm.items()).extracting(QuarantineItem::id).doesNotHaveDuplicates();

            vm.origin.set("https://other.example/fhir");
            vm.apply();
            assertThat(vm.items()).singleElement().satisfies(q -> assertThat(q.location()).isEqualTo("whole file"));
            assertThat(vm.summaryProperty().get()).isEqualTo("1 of 601 items");
            vm.origin.set(QuarantineViewModel.ANY_ORIGIN);
            vm.reason.set("NOT VALID json");
            vm.apply();
            assertThat(vm.summaryProperty().get()).isEqualTo("601 items");
            vm.reason.set("no such reason");
            vm.apply();
            assertThat(vm.items()).isEmpty();

            // the broken file is repaired where it came from: a retry imports it and the item goes
            vm.reason.set("");
            vm.origin.set("https://other.example/fhir");
            vm.apply();
            QuarantineItem item = vm.items().get(0);
            vm.retry(item);
            assertThat(vm.messageProperty().get()).startsWith("It still cannot be read");
            assertThat(vm.items()).singleElement();
            Files.writeString(broken, "{\"resourceType\":\"AuditEvent\",\"id\":\"fixed\","
                    + "\"recorded\":\"2025-01-01T00:00:00Z\"}");
            vm.retry(item);
            assertThat(vm.messageProperty().get()).startsWith("Imported: AuditEvent: 1 new");
            assertThat(vm.items()).isEmpty();
            assertThat(cache.audit().count(AuditFilter.ALL.withOrigin("https://other.example/fhir"), 10))
                    .isEqualTo(1);

            // a line retried from its stored text still cannot be read, and is not quarantined twice
            vm.origin.set(QuarantineViewModel.ANY_ORIGIN);
            vm.apply();
            vm.retry(vm.items().get(0));
            assertThat(vm.messageProperty().get()).startsWith("It still cannot be read");
            assertThat(cache.quarantine().count()).isEqualTo(600);

            vm.delete(List.of(vm.items().get(0), vm.items().get(1)));
            assertThat(vm.messageProperty().get()).isEqualTo("Deleted 2 items from the quarantine.");
            assertThat(cache.quarantine().count()).isEqualTo(598);
            assertThat(cache.verifier().run(null, () -> false, (d, t) -> { }).intact()).isTrue();
        }
    }
}
