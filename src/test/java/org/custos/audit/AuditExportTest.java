package org.custos.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.custos.TestData;
import org.custos.cache.AuditFilter;
import org.custos.cache.Cache;
import org.custos.sync.AuditExport;
import org.custos.sync.Importer;
import org.custos.ui.ImmediateTaskRunner;
import org.custos.ui.TaskRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser's "Export…" on a real H2 cache: the applied filter's events as CSV (parsed back), NDJSON and JSON (the
 * stored resources), and a cancelled export that leaves no file.
 */
class AuditExportTest {
    @TempDir
    static Path dir;
    static Cache cache;

    @BeforeAll
    static void fill() throws Exception {
        cache = Cache.open(dir.resolve("export"));
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 2500; i++) {
            b.append("{\"resourceType\":\"AuditEvent\",\"id\":\"e").append(i).append("\",\"recorded\":\"2026-0")
                    .append(1 + i % 9).append("-01T10:00:00Z\",\"agent\":[{\"name\":\"=cmd\",\"requestor\":true}],"
                            + "\"entity\":[{\"reference\":{\"reference\":\"Patient/").append(i % 2 == 0 ? "even" : "odd")
                    .append("\"}}]}\n");
        }
        Path f = Files.writeString(dir.resolve("e.ndjson"), b);
        assertThat(new Importer(cache, TestData.FHIR).importFile(f, Importer.SILENT).quarantined()).isZero();
    }

    @AfterAll
    static void close() {
        cache.close();
    }

    private AuditViewModel vm(TaskRunner tasks) {
        AuditExport exporter = new AuditExport(cache);
        return new AuditViewModel(cache.audit(), TestData.FHIR, tasks, ZoneOffset.UTC, (f, format, out, p, c) ->
                exporter.write(f, AuditExport.Format.valueOf(format.name()), Long.MAX_VALUE, out, p, c));
    }

    @Test
    void theFilteredEventsGoOutAsCsvNdjsonAndJson() throws Exception {
        AuditViewModel vm = vm(new ImmediateTaskRunner());
        vm.patient.set("Patient/even");
        vm.search();
        Path csv = dir.resolve("even.csv");
        vm.exportTo(csv);
        assertThat(vm.export().message().get()).isEqualTo("Exported 1,250 events to " + csv + ".");
        List<CSVRecord> rows;
        try (Reader in = Files.newBufferedReader(csv); CSVParser p = CSVParser.parse(in, CSVFormat.RFC4180.builder()
                .setHeader().setSkipHeaderRecord(true).get())) {
            assertThat(p.getHeaderNames()).isEqualTo(AuditExport.HEADER);
            rows = p.getRecords();
        }
        assertThat(rows).hasSize(1250).allSatisfy(r -> {
            assertThat(r.get("patients")).isEqualTo("Patient/even");
            assertThat(r.get("agents")).startsWith("'=cmd");   // not a formula for a spreadsheet
        });
        Path nd = dir.resolve("even.ndjson");
        vm.exportTo(nd);
        ObjectMapper m = new ObjectMapper();
        try (Stream<String> lines = Files.lines(nd)) {
            List<JsonNode> events = lines.map(l -> {
                try {
                    return m.readTree(l);
                } catch (Exception e) {
                    throw new IllegalStateException(l, e);
                }
            }).toList();
            assertThat(events).hasSize(1250).allSatisfy(e -> assertThat(e.path("id").asText()).matches("e\\d*[02468]"));
        }
        Path json = dir.resolve("even.json");
        vm.exportTo(json);
        JsonNode array = m.readTree(json.toFile());
        assertThat(array.isArray()).isTrue();
        assertThat(array.size()).isEqualTo(1250);
        assertThat(AuditExportModel.formatOf(Path.of("x.JSONL"))).isEqualTo(AuditExportModel.Format.NDJSON);
        // the type chosen in the save dialog decides, its ending added when the name has none
        vm.exportTo(dir.resolve("chosen"), AuditExportModel.Format.NDJSON);
        try (Stream<String> lines = Files.lines(dir.resolve("chosen.ndjson"))) {
            assertThat(lines.count()).isEqualTo(1250);
        }
    }

    @Test
    void aCancelledExportLeavesNoFile() throws Exception {
        // a runner whose work is told it was cancelled once it has reported progress
        TaskRunner cancelling = new TaskRunner() {
            @Override
            public <T> Handle submit(String title, Work<T> work, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
                boolean[] reported = {false};
                try {
                    onSuccess.accept(work.run(new Progress() {
                        @Override
                        public void update(long done, long total, String message) {
                            reported[0] = true;
                        }

                        @Override
                        public boolean isCancelled() {
                            return reported[0];
                        }
                    }));
                } catch (Exception e) {
                    onFailure.accept(e);
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
        AuditViewModel vm = vm(cancelling);
        vm.search();
        Path out = dir.resolve("all.ndjson");
        vm.exportTo(out);
        assertThat(vm.export().message().get()).isEqualTo("Export cancelled: no file was written.");
        assertThat(out).doesNotExist();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
        }
    }
}
