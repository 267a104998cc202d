package org.custos.sync;

import org.custos.TestData;
import org.custos.cache.AuditFilter;
import org.custos.cache.Cache;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class ImporterTest {
    @TempDir
    Path dir;
    Cache cache;
    Importer importer;

    static String event(String id, String recorded, String user) {
        return "{\"resourceType\":\"AuditEvent\",\"id\":\"" + id + "\",\"type\":{\"code\":\"rest\"},"
                + "\"action\":\"R\",\"recorded\":\"" + recorded + "\",\"outcome\":\"0\","
                + "\"agent\":[{\"userId\":{\"value\":\"" + user + "\"},\"requestor\":true}],"
                + "\"source\":{\"identifier\":{\"value\":\"ehr\"}},"
                + "\"entity\":[{\"reference\":{\"reference\":\"Patient/p1\"}}]}";
    }

    @BeforeEach
    void open() {
        cache = Cache.open(dir.resolve("cache"));
        importer = new Importer(cache, TestData.FHIR);
    }

    @AfterEach
    void close() {
        cache.close();
    }

    @Test
    void aJsonFileWithSeveralTopLevelValuesImportsEveryOne() throws IOException {
        Path f = dir.resolve("three.json");
        Files.writeString(f, event("m1", "2024-01-01T10:00:00Z", "alice") + "\n"
                + event("m2", "2024-01-02T10:00:00Z", "bob") + "\n"
                + event("m3", "2024-01-03T10:00:00Z", "carol") + "\n");
        ImportReport r = importer.importFile(f, Importer.SILENT);
        assertThat(r.counts("AuditEvent").added).isEqualTo(3);
        assertThat(r.quarantined()).isZero();
        assertThat(cache.audit().count(AuditFilter.ALL, 10)).isEqualTo(3);
    }

    @Test
    void trailingGarbageAfterJsonValuesIsQuarantinedWithItsPosition() throws IOException {
        Path f = dir.resolve("garbage.json");
        Files.writeString(f, event("g1", "2024-01-01T10:00:00Z", "alice") + "\n"
                + "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":"
                + event("g2", "2024-01-02T10:00:00Z", "bob") + "}]}\n"
                + "[1, 2]\n"
                + "this is not json at all\n" + event("g3", "2024-01-03T10:00:00Z", "carol"));
        ImportReport r = importer.importFile(f, Importer.SILENT);
        assertThat(r.counts("AuditEvent").added).isEqualTo(2);
        assertThat(r.quarantined()).isEqualTo(2);
        assertThat(r.problems()).anyMatch(p -> p.startsWith("value 3 (line 3)") && p.contains("a JSON array"))
                .anyMatch(p -> p.startsWith("value 4 (line 4) onward") && p.contains("line 4, column")
                        && p.contains("the 3 JSON values before it were read"));
        assertThat(cache.quarantine().latest(10)).anySatisfy(q -> {
            assertThat(q.location()).isEqualTo("value 4 (line 4) onward");
            assertThat(q.content()).startsWith("this is not json at all").contains("carol");
        });
    }

    @Test
    void ndjsonWithBadLinesQuarantinesThemAndImportsTheRest() throws IOException {
        Path f = dir.resolve("log.ndjson");
        Files.writeString(f, String.join("\n",
                event("a1", "2024-01-01T10:00:00Z", "alice"),
                "{ this is not json",
                "",
                "{\"resourceType\":\"AuditEvent\",\"id\":\"norecorded\",\"agent\":[]}",
                event("a2", "2024-01-02T10:00:00+02:00", "bob"),
                "{\"id\":\"x\"}",
                "{\"resourceType\":\"Observation\",\"id\":\"o1\"}",
                "{\"resourceType\":\"AuditEvent\",\"id\":\"bad id!\",\"recorded\":\"2024-01-01T00:00:00Z\"}"));
        ImportReport r = importer.importFile(f, Importer.SILENT);

        assertThat(r.counts("AuditEvent").added).isEqualTo(2);
        assertThat(r.counts("AuditEvent").quarantined).isEqualTo(2);
        assertThat(r.counts("Observation").skipped).isEqualTo(1);
        assertThat(r.quarantined()).isEqualTo(4);
        assertThat(r.problems()).anyMatch(p -> p.startsWith("line 2: Not valid JSON"))
                .anyMatch(p -> p.contains("line 4") && p.contains("recorded is missing"))
                .anyMatch(p -> p.contains("line 6") && p.contains("No resourceType"))
                .anyMatch(p -> p.contains("'bad id!' is not a valid FHIR id"));
        assertThat(cache.quarantine().count()).isEqualTo(4);
        assertThat(cache.quarantine().latest(10)).allSatisfy(q -> {
            assertThat(q.origin()).contains("log.ndjson");
            assertThat(q.content()).isNotBlank();
        });
        assertThat(cache.audit().count(AuditFilter.ALL, 100)).isEqualTo(2);
    }

    @Test
    void reimportIsANoOpAndAChangedVersionReplacesTheOld() throws IOException {
        Path f = dir.resolve("b.json");
        Files.writeString(f, "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
                + "{\"resource\":" + event("e1", "2024-01-01T10:00:00Z", "alice") + "},"
                + "{\"resource\":" + event("e2", "2024-01-01T11:00:00Z", "alice") + "}]}");
        assertThat(importer.importFile(f, Importer.SILENT).counts("AuditEvent").added).isEqualTo(2);
        ImportReport again = importer.importFile(f, Importer.SILENT);
        assertThat(again.counts("AuditEvent").unchanged).isEqualTo(2);
        assertThat(again.counts("AuditEvent").added).isZero();
        assertThat(cache.audit().count(AuditFilter.ALL, 100)).isEqualTo(2);

        Path btg = dir.resolve("btg.ndjson");
        Files.writeString(btg, event("e1", "2024-01-01T10:00:00Z", "alice").replace("\"action\"",
                "\"purposeOfEvent\":[{\"coding\":[{\"code\":\"BTG\"}]}],\"action\"") + "\n");
        assertThat(importer.importFile(btg, Importer.SILENT).counts("AuditEvent").updated).isEqualTo(1);
        assertThat(cache.audit().count(AuditFilter.ALL.withPurpose("BTG"), 100)).isEqualTo(1);

        Path g = dir.resolve("c.ndjson");
        Files.writeString(g, event("e1", "2024-01-01T10:00:00Z", "carol") + "\n");
        assertThat(importer.importFile(g, Importer.SILENT).counts("AuditEvent").updated).isEqualTo(1);
        assertThat(cache.audit().count(AuditFilter.ALL, 100)).isEqualTo(2);
        assertThat(cache.audit().count(AuditFilter.ALL.withAgent("carol"), 100)).isEqualTo(1);
        assertThat(cache.audit().count(AuditFilter.ALL.withAgent("alice"), 100)).isEqualTo(1);
        // the replaced version's keys went with it
        assertThat(cache.audit().count(AuditFilter.ALL.withPurpose("BTG"), 100)).isZero();
        assertThat(cache.audit().count(AuditFilter.ALL.withPatient("p1"), 100)).isEqualTo(2);
    }

    @Test
    void gzipAndTruncatedBundles() throws IOException {
        Path gz = dir.resolve("log.json.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(("{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":"
                    + event("g1", "2024-03-01T00:00:00Z", "x") + "}]}").getBytes(StandardCharsets.UTF_8));
        }
        assertThat(importer.importFile(gz, Importer.SILENT).counts("AuditEvent").added).isEqualTo(1);

        Path cut = dir.resolve("cut.json");
        Files.writeString(cut, "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":"
                + event("t1", "2024-03-01T00:00:00Z", "x") + "},{\"resource\":{\"resourceType\":\"Audit");
        ImportReport r = importer.importFile(cut, Importer.SILENT);
        assertThat(r.counts("AuditEvent").added).isEqualTo(1);
        assertThat(r.quarantined()).isEqualTo(1);
        assertThat(r.problems().get(0)).contains("entry 1 onward").contains("Not valid JSON");

        Path txt = dir.resolve("notes.txt");
        Files.writeString(txt, "hello");
        assertThat(importer.importFile(txt, Importer.SILENT).problems().get(0)).contains("Not FHIR JSON, XML");
        Path missing = dir.resolve("missing.json");
        assertThat(importer.importFile(missing, Importer.SILENT).problems().get(0)).contains("Cannot read the file");
    }

    @Test
    void xmlExternalEntitiesAreNotRead() throws IOException {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "TOP-SECRET-CONTENT");
        Path xml = dir.resolve("xxe.xml");
        Files.writeString(xml, "<?xml version=\"1.0\"?>\n<!DOCTYPE AuditEvent [<!ENTITY x SYSTEM \""
                + secret.toUri() + "\">]>\n<AuditEvent xmlns=\"http://hl7.org/fhir\"><id value=\"xxe\"/>"
                + "<recorded value=\"2024-01-01T00:00:00Z\"/><outcomeDesc value=\"&x;\"/></AuditEvent>");
        ImportReport r = importer.importFile(xml, Importer.SILENT);
        String stored = cache.audit().rawById("xxe").orElse("");
        assertThat(stored).doesNotContain("TOP-SECRET");
        assertThat(cache.quarantine().latest(10)).noneMatch(q -> q.reason().contains("TOP-SECRET"));
        assertThat(r.resources()).isEqualTo(1); // imported without the entity, or quarantined: either way counted
    }

    @Test
    void twoTextsOfAnIdInOneBatchAreBothKeptAndCodesMatchInAnyCase() throws IOException {
        String v1 = event("dup", "2024-05-01T10:00:00Z", "first");
        String v2 = event("dup", "2024-05-01T10:00:00Z", "second");
        Path f = dir.resolve("dups.ndjson");
        Files.writeString(f, v1 + "\n" + v2 + "\n" + v1 + "\n");
        ImportReport dups = importer.importFile(f, Importer.SILENT);
        assertThat(dups.counts("AuditEvent").added).isEqualTo(1);
        assertThat(dups.counts("AuditEvent").updated).isEqualTo(2);
        // the last text is the current one (the first, again); the second is kept beside it, the event is flagged
        assertThat(cache.audit().rawById("dup").orElseThrow()).contains("\"first\"");
        int files = cache.origins().find("files").orElseThrow().id();
        assertThat(cache.audit().versions().history(files, "dup")).extracting(v -> v.raw().contains("\"first\""))
                .containsExactly(true, false);
        assertThat(cache.audit().count(AuditFilter.ALL.withFlagged(true), 10)).isEqualTo(1);

        Path abs = dir.resolve("abs.ndjson");
        Files.writeString(abs, event("abs", "2024-05-01T10:00:00Z", "x")
                .replace("Patient/p1", "https://ehr.example/fhir/Patient/p77/_history/3")
                .replace("\"action\"", "\"purposeOfEvent\":[{\"coding\":[{\"code\":\"BTG\"}]}],\"action\""));
        importer.importFile(abs, Importer.SILENT);
        assertThat(cache.audit().count(AuditFilter.ALL.withPatient("p77"), 10)).isEqualTo(1);
        assertThat(cache.audit().count(AuditFilter.ALL.withPurpose("btg"), 10)).isEqualTo(1);
        assertThat(cache.audit().count(AuditFilter.ALL.withType("REST"), 10)).isEqualTo(2);
        assertThat(cache.audit().page(AuditFilter.ALL.withPatient("p77"), null, false, 1).get(0).breakTheGlass())
                .isTrue();
    }

    @Test
    void aCancelledImportStopsBetweenBatchesAndSaysSo() throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 2500; i++) {
            lines.append(event("c" + i, "2024-06-01T10:00:00Z", "u")).append('\n');
        }
        Path f = dir.resolve("many.ndjson");
        Files.writeString(f, lines);
        ImportReport r = importer.importFile(f, new Importer.Listener() {
            long seen;

            @Override
            public void progress(long resources) {
                seen = resources;
            }

            @Override
            public boolean isCancelled() {
                return seen >= 1000;
            }
        });
        assertThat(r.wasCancelled()).isTrue();
        long stored = cache.audit().count(AuditFilter.ALL, 10_000);
        assertThat(stored).isGreaterThanOrEqualTo(1000).isLessThan(2500).isEqualTo(r.counts("AuditEvent").added);
    }

    @Test
    void versionsOfOneIdSpreadOverManyBatchesEndWithTheLastOneAndNoDuplicates() throws IOException {
        // 3 rounds over the same 1,500 ids, each round a later text: batches of 1,000 cut across the rounds and the
        // writers share the work, yet each id must end with its round-3 text, once
        StringBuilder sb = new StringBuilder();
        for (int round = 1; round <= 3; round++) {
            for (int i = 0; i < 1500; i++) {
                sb.append(event("r" + i, "2024-03-01T10:00:00Z", "user" + round)).append('\n');
            }
        }
        Path f = dir.resolve("rounds.ndjson");
        Files.writeString(f, sb.toString());
        ImportReport r = importer.importFile(f, Importer.SILENT);
        assertThat(r.counts("AuditEvent").added).isEqualTo(1500);
        assertThat(r.counts("AuditEvent").updated).isEqualTo(3000);
        assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(1500);
        for (int i = 0; i < 1500; i += 97) {
            assertThat(cache.audit().rawById("r" + i).orElseThrow()).contains("user3").doesNotContain("user2");
        }
        assertThat(cache.audit().count(AuditFilter.ALL.withAgent("user3"), Long.MAX_VALUE)).isEqualTo(1500);
        assertThat(cache.audit().count(AuditFilter.ALL.withAgent("user1"), Long.MAX_VALUE)).isZero();
        // the patient index lost the replaced versions' keys: no event counted twice
        assertThat(cache.audit().count(AuditFilter.ALL.withPatient("p1"), Long.MAX_VALUE)).isEqualTo(1500);
    }
}
