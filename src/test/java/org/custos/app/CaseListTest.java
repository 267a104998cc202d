package org.custos.app;

import org.custos.cache.AlertList;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.custos.TestData;
import org.custos.cache.Cache;
import org.custos.cache.Origins;
import org.custos.review.CaseListViewModel;
import org.custos.rules.AlertEngine;
import org.custos.rules.Events;
import org.custos.rules.RuleSettings;
import org.custos.sync.Importer;
import org.custos.trail.OwnTrail;
import org.custos.ui.ImmediateTaskRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Cases tab as wired in the app, without a screen: a case of an alert, a note, closed, written as a PDF with its
 * events; each of those in Custos's own trail.
 */
class CaseListTest {
    @TempDir
    Path dir;

    @Test
    void aCaseIsNotedClosedAndWrittenAsAPdf() throws Exception {
        try (Cache cache = Cache.open(dir.resolve("cache"))) {
            new AlertEngine(cache, Clock.systemUTC(), ZoneOffset.UTC).apply(RuleSettings.defaults(ZoneOffset.UTC),
                    () -> false, n -> { });
            Path f = Files.writeString(dir.resolve("e.ndjson"), List.of(
                    Events.event("night", "2026-03-04T22:00:00Z").user("owl", "Ozzy Owl").patient("Patient/p1", null))
                    .stream().map(Events::json).collect(Collectors.joining("\n")));
            new Importer(cache, TestData.FHIR).importFile(f, Importer.SILENT);
            OwnTrail trail = new OwnTrail(cache, () -> "officer", "custos@test", Clock.systemUTC());
            CaseListViewModel vm = new CaseListViewModel(AlertWiring.cases(cache, Clock.systemUTC(), ZoneOffset.UTC,
                    trail), new ImmediateTaskRunner(), ZoneOffset.UTC, () -> "officer");
            vm.open("Ozzy Owl at night");
            long caseId = vm.rows().get(0).kase().id();
            AlertList.AlertRow alert = cache.alertList().queue(AlertList.Queue.ALL, null, null, 10).get(0);
            cache.review().addToCase(caseId, List.of(alert.id()), List.of(), "officer", 1L);
            vm.refresh("");
            vm.selected().set(vm.rows().get(0));
            assertThat(vm.alerts()).singleElement().asString().contains("after-hours  owl → Patient/p1");
            vm.noteText.set("Asked the ward.");
            vm.addNote();
            assertThat(vm.notes()).anyMatch(n -> n.endsWith("officer: Asked the ward."));
            vm.toggleClosed();
            assertThat(vm.rows().get(0).status()).isEqualTo("closed");
            assertThat(vm.closedProperty().get()).isTrue();
            Path pdf = dir.resolve("case");
            vm.exportPdf(pdf);
            assertThat(vm.message().get()).isEqualTo("Case " + caseId + " written to " + dir.resolve("case.pdf") + ".");
            try (PDDocument d = Loader.loadPDF(dir.resolve("case.pdf").toFile())) {
                String text = new PDFTextStripper().getText(d);
                assertThat(text).contains("Ozzy Owl at night", "Asked the ward.", "night", "Page 1 of");
            }
            List<String> own = cache.audit().page(org.custos.cache.AuditFilter.ALL.withOrigin(Origins.SELF_NAME),
                    null, true, 100).stream().map(s -> s.type()).toList();
            assertThat(own).contains("Export", "Application Activity", "RESTful Operation");
        }
    }
}
