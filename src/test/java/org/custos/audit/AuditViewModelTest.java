package org.custos.audit;

import org.custos.TestData;
import org.custos.cache.AuditFilter;
import org.custos.cache.Cache;
import org.custos.demo.DemoGenerator;
import org.custos.sync.Importer;
import org.custos.ui.ImmediateTaskRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit browser's logic without a screen: filters, lazy rows, count, detail. */
class AuditViewModelTest {
    @TempDir
    static Path dir;
    static Cache cache;
    static final Instant END = Instant.parse("2026-03-31T18:00:00Z");

    @BeforeAll
    static void fill() {
        cache = Cache.open(dir.resolve("cache"));
        DemoGenerator gen = new DemoGenerator(TestData.FHIR.context(), 7, END, 90);
        Importer importer = new Importer(cache, TestData.FHIR);
        for (int i = 0; i < 3; i++) {
            String bundle = gen.bundleJson(i * 1000, 1000, i == 0);
            importer.importStream("demo", "test", new ByteArrayInputStream(bundle.getBytes(StandardCharsets.UTF_8)),
                    "b.json", Importer.SILENT);
        }
    }

    @AfterAll
    static void close() {
        cache.close();
    }

    private static AuditViewModel vm() {
        return new AuditViewModel(cache.audit(), TestData.FHIR, new ImmediateTaskRunner(), ZoneOffset.UTC);
    }

    @Test
    void searchCountsEverythingAndLoadsRowsOnDemand() {
        AuditViewModel vm = vm();
        vm.search();
        assertThat(vm.matchCountProperty().get()).isEqualTo(3000);
        assertThat(vm.matchTextProperty().get()).isEqualTo("3,000 events");
        assertThat(vm.rows()).hasSize(3000);
        assertThat(vm.rows().get(0)).isNotNull();
        // a far row is not loaded until asked for, then its page arrives
        int before = vm.pagesLoadedProperty().get();
        assertThat(vm.rows().get(2500)).isNull();
        assertThat(vm.pagesLoadedProperty().get()).isEqualTo(before + 1);
        assertThat(vm.rows().get(2500)).isNotNull();
        assertThat(vm.rows().get(2500).recorded()).isLessThanOrEqualTo(vm.rows().get(0).recorded());
    }

    @Test
    void filtersCombineAndAgreeWithTheCache() {
        AuditViewModel vm = vm();
        vm.purpose.set("BTG");
        vm.search();
        long btg = cache.audit().count(AuditFilter.ALL.withPurpose("BTG"), Long.MAX_VALUE);
        assertThat(btg).isPositive();
        assertThat(vm.matchCountProperty().get()).isEqualTo(btg);
        for (int i = 0; i < btg; i++) {
            vm.rows().get(i);
            assertThat(vm.rows().get(i).breakTheGlass()).as("row %d", i).isTrue();
        }

        vm.clear();
        vm.outcome.set(AuditViewModel.OUTCOMES.get(2)); // minor failure
        vm.action.set(AuditViewModel.ACTIONS.get(5)); // execute: failed logins live here
        vm.from.set(LocalDate.of(2026, 1, 1));
        vm.search();
        assertThat(vm.applied()).isEqualTo(AuditFilter.ALL.withOutcome("4").withAction("E")
                .withFrom(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli()));
        int n = vm.matchCountProperty().get();
        assertThat(n).isPositive().isLessThan(3000);
        for (int i = 0; i < n; i++) {
            vm.rows().get(i);
            assertThat(vm.rows().get(i).outcome()).isEqualTo("4");
            assertThat(vm.rows().get(i).action()).isEqualTo("E");
        }

        vm.clear();
        vm.agent.set("nobody-at-all");
        vm.search();
        assertThat(vm.matchTextProperty().get()).isEqualTo("No events match");
        assertThat(vm.rows()).isEmpty();
    }

    @Test
    void sortingAscendingReversesTheOrder() {
        AuditViewModel vm = vm();
        vm.search();
        long newest = vm.rows().get(0).recorded();
        vm.toggleSort();
        assertThat(vm.ascending.get()).isTrue();
        assertThat(vm.rows().get(0).recorded()).isLessThan(newest);
    }

    @Test
    void selectingARowShowsEveryPartOfTheEvent() {
        AuditViewModel vm = vm();
        vm.search();
        vm.select(0);
        DetailNode d = vm.detailProperty().get();
        assertThat(d).isNotNull();
        assertThat(d.label()).startsWith("AuditEvent/");
        assertThat(d.find("Event")).isPresent();
        assertThat(d.find("Agent 1")).isPresent();
        assertThat(d.find("Source")).isPresent();
        assertThat(d.find("In the cache").orElseThrow().value()).isEqualTo("demo: test");
        assertThat(vm.detailJsonProperty().get()).contains("\"resourceType\" : \"AuditEvent\"");
        assertThat(vm.detailXmlProperty().get()).contains("<AuditEvent xmlns=\"http://hl7.org/fhir\">");
        vm.select(-1);
        assertThat(vm.detailProperty().get()).isNull();
    }

    @Test
    void theViewModelDecidesHowARowIsMarked() {
        AuditViewModel vm = vm();
        java.util.function.BiFunction<String, String, org.custos.cache.AuditSummary> row = (outcome, purposes) ->
                new org.custos.cache.AuditSummary(1, "a", 0, "rest", "read", "R", outcome, "", "", "", "", purposes);
        assertThat(vm.rowStyles(row.apply("0", ""))).isEmpty();
        assertThat(vm.rowStyles(row.apply("4", ""))).containsExactly(AuditViewModel.FAILURE_STYLE);
        assertThat(vm.rowStyles(row.apply("12", "ETREAT"))).containsExactly("failure");
        assertThat(vm.rowStyles(row.apply("0", "ETREAT, BTG"))).containsExactly("btg");
        assertThat(vm.rowStyles(row.apply("8", "BTG"))).containsExactlyInAnyOrder("failure", "btg");
        assertThat(vm.rowStyles(row.apply(null, null))).isEmpty();
        assertThat(vm.rowStyles(null)).isEmpty();
        assertThat(AuditViewModel.ROW_STYLES).containsExactly("failure", "btg");
    }
}
