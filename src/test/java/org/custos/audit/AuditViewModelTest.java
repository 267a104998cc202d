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
import java.util.List;

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
        assertThat(d.find("In the cache").orElseThrow().value()).isEqualTo("demo");
        assertThat(d.find("origin").orElseThrow().value()).isEqualTo("demo (generated demo data, not real events)");
        assertThat(vm.detailJsonProperty().get()).contains("\"resourceType\" : \"AuditEvent\"");
        assertThat(vm.detailXmlProperty().get()).contains("<AuditEvent xmlns=\"http://hl7.org/fhir\">");
        vm.select(-1);
        assertThat(vm.detailProperty().get()).isNull();
    }

    @Test
    void aDetailThatFailsToLoadClearsThePaneAndSaysWhy(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        try (Cache c = Cache.open(tmp.resolve("damaged"))) {
            Importer importer = new Importer(c, TestData.FHIR);
            String good = "{\"resourceType\":\"AuditEvent\",\"id\":\"good\",\"recorded\":\"2025-01-02T00:00:00Z\"}";
            String bad = "{\"resourceType\":\"AuditEvent\",\"id\":\"bad\",\"recorded\":\"2025-01-01T00:00:00Z\"}";
            importer.importStream("files", "t", new ByteArrayInputStream(good.getBytes(StandardCharsets.UTF_8)),
                    "a.json", Importer.SILENT);
            importer.importStream("files", "t", new ByteArrayInputStream(bad.getBytes(StandardCharsets.UTF_8)),
                    "b.json", Importer.SILENT);
            org.custos.cache.CacheDamage.breakRawBlockOf(c, "bad");
            AuditViewModel vm = new AuditViewModel(c.audit(), TestData.FHIR, new ImmediateTaskRunner(),
                    ZoneOffset.UTC);
            vm.search();
            vm.select(0); // "good", the newer one
            assertThat(vm.detailJsonProperty().get()).contains("\"good\"");
            vm.select(1); // "bad": its raw block cannot be read
            assertThat(vm.detailProperty().get()).isNull();
            assertThat(vm.detailJsonProperty().get()).isEmpty();
            assertThat(vm.detailXmlProperty().get()).isEmpty();
            assertThat(vm.detailErrorProperty().get()).startsWith("Cannot show this event:").contains("raw block");
            vm.select(0);
            assertThat(vm.detailErrorProperty().get()).isEmpty();
            assertThat(vm.detailJsonProperty().get()).contains("\"good\"");
        }
    }

    @Test
    void anEventThatCannotBeWrittenAsXmlStillShowsItsDetailsAndJson(@org.junit.jupiter.api.io.TempDir
                                                                    java.nio.file.Path tmp) {
        try (Cache c = Cache.open(tmp.resolve("xml"))) {
            // a narrative that is not XHTML: HAPI cannot write this event as XML
            String odd = "{\"resourceType\":\"AuditEvent\",\"id\":\"odd\",\"text\":{\"status\":\"generated\","
                    + "\"div\":\"<div>unclosed <b>tag</div>\"},\"recorded\":\"2025-01-01T00:00:00Z\","
                    + "\"agent\":[{\"name\":\"Dr Odd\",\"requestor\":true}]}";
            new Importer(c, TestData.FHIR).importStream("files", "t",
                    new ByteArrayInputStream(odd.getBytes(StandardCharsets.UTF_8)), "a.json", Importer.SILENT);
            AuditViewModel vm = new AuditViewModel(c.audit(), TestData.FHIR, new ImmediateTaskRunner(),
                    ZoneOffset.UTC);
            vm.search();
            vm.select(0);
            assertThat(vm.detailErrorProperty().get()).isEmpty();
            assertThat(vm.detailProperty().get()).isNotNull();
            assertThat(vm.detailProperty().get().find("Agent 1")).isPresent();
            assertThat(vm.detailJsonProperty().get()).contains("Dr Odd");
            assertThat(vm.detailXmlProperty().get()).startsWith("This event cannot be written as STU3 XML");
        }
    }

    @Test
    void aRefreshKeepsTheAppliedFilterNotWhatIsTyped(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        try (Cache c = Cache.open(tmp.resolve("refresh"))) {
            Importer importer = new Importer(c, TestData.FHIR);
            DemoGenerator gen = new DemoGenerator(TestData.FHIR.context(), 7, END, 90);
            importer.importStream("files", "t", new ByteArrayInputStream(gen.bundleJson(0, 500, true)
                    .getBytes(StandardCharsets.UTF_8)), "b.json", Importer.SILENT);
            AuditViewModel vm = new AuditViewModel(c.audit(), TestData.FHIR, new ImmediateTaskRunner(),
                    ZoneOffset.UTC);
            vm.outcome.set(AuditViewModel.OUTCOMES.get(2)); // minor failures
            vm.search();
            long failures = c.audit().count(org.custos.cache.AuditFilter.ALL.withOutcome("4"), Long.MAX_VALUE);
            assertThat(vm.matchCountProperty().get()).isEqualTo((int) failures);
            vm.select(0);
            String shown = vm.detailJsonProperty().get();
            // typed, not applied
            vm.outcome.set(AuditViewModel.OUTCOMES.get(0));
            vm.agent.set("nobody-at-all");
            // new events arrive (a sync) and the browser refreshes
            importer.importStream("files", "t", new ByteArrayInputStream(gen.bundleJson(500, 500, false)
                    .getBytes(StandardCharsets.UTF_8)), "b.json", Importer.SILENT);
            vm.refresh();
            long failuresNow = c.audit().count(org.custos.cache.AuditFilter.ALL.withOutcome("4"), Long.MAX_VALUE);
            assertThat(failuresNow).isGreaterThan(failures);
            assertThat(vm.matchCountProperty().get()).isEqualTo((int) failuresNow);
            assertThat(vm.applied().outcome()).isEqualTo("4");
            assertThat(vm.applied().agent()).isNull();
            assertThat(vm.detailJsonProperty().get()).isEqualTo(shown);
        }
    }

    @Test
    void theDetailOfAChangedEventListsEveryVersionWithWhatChanged(@org.junit.jupiter.api.io.TempDir
                                                                  java.nio.file.Path tmp) {
        try (Cache c = Cache.open(tmp.resolve("versions"))) {
            Importer importer = new Importer(c, TestData.FHIR);
            String v1 = "{\"resourceType\":\"AuditEvent\",\"id\":\"ch\",\"meta\":{\"versionId\":\"1\"},"
                    + "\"recorded\":\"2025-01-01T00:00:00Z\",\"outcome\":\"0\",\"agent\":[{\"name\":\"Ann\"}]}";
            String v2 = v1.replace("\"versionId\":\"1\"", "\"versionId\":\"2\"").replace("\"outcome\":\"0\"",
                    "\"outcome\":\"4\"").replace("Ann", "Bea");
            for (String v : List.of(v1, v2)) {
                importer.importStream("http://ehr.example/fhir", "t",
                        new ByteArrayInputStream(v.getBytes(StandardCharsets.UTF_8)), "a.json", Importer.SILENT);
            }
            AuditViewModel vm = new AuditViewModel(c.audit(), TestData.FHIR, new ImmediateTaskRunner(),
                    ZoneOffset.UTC);
            vm.search();
            assertThat(vm.rows()).singleElement().satisfies(r -> assertThat(r.flags()).isEqualTo("changed on server"));
            vm.select(0);
            DetailNode versions = vm.detailProperty().get().find("versions").orElseThrow();
            assertThat(versions.value()).isEqualTo("2 kept");
            assertThat(versions.children()).extracting(DetailNode::label)
                    .containsExactly("version 2 (current)", "version 1");
            assertThat(versions.children().get(0).children()).extracting(DetailNode::label)
                    .contains("meta.versionId", "outcome", "agent[0].name");
            assertThat(versions.children().get(0).children()).extracting(DetailNode::value)
                    .contains("\"0\" → \"4\"", "\"Ann\" → \"Bea\"");
            assertThat(vm.rowStyles(vm.rows().get(0))).contains("flagged", "failure");
        }
    }

    @Test
    void theViewModelDecidesHowARowIsMarked() {
        AuditViewModel vm = vm();
        java.util.function.BiFunction<String, String, org.custos.cache.AuditSummary> row = (outcome, purposes) ->
                new org.custos.cache.AuditSummary(1, "a", 0, "rest", "read", "R", outcome, "", "", "", "", purposes,
                        "files", 0);
        assertThat(vm.rowStyles(row.apply("0", ""))).isEmpty();
        assertThat(vm.rowStyles(row.apply("4", ""))).containsExactly(AuditViewModel.FAILURE_STYLE);
        assertThat(vm.rowStyles(row.apply("12", "ETREAT"))).containsExactly("failure");
        assertThat(vm.rowStyles(row.apply("0", "ETREAT, BTG"))).containsExactly("btg");
        assertThat(vm.rowStyles(row.apply("8", "BTG"))).containsExactlyInAnyOrder("failure", "btg");
        assertThat(vm.rowStyles(row.apply(null, null))).isEmpty();
        assertThat(vm.rowStyles(null)).isEmpty();
        assertThat(vm.rowStyles(new org.custos.cache.AuditSummary(1, "a", 0, "rest", "read", "R", "0", "", "", "", "",
                "", "files", org.custos.cache.State.CHANGED))).containsExactly("flagged");
        assertThat(AuditViewModel.ROW_STYLES).containsExactly("failure", "btg", "flagged");
    }
}
