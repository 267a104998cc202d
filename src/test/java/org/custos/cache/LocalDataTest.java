package org.custos.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.TestData;
import org.custos.sync.Importer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The export of what exists only in the cache: the outbox, an investigation with its events and notes, a saved
 * search; synced data is named as the servers name it (base URL, AuditEvent id and version), never by the cache's own
 * row numbers.
 */
class LocalDataTest {
    @TempDir
    Path dir;

    @Test
    void theOutboxAnInvestigationAndItsNotesAreExportedWithTheirEventsNamedAsTheServerNamesThem() throws Exception {
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            String event = "{\"resourceType\":\"AuditEvent\",\"id\":\"ae-9\",\"meta\":{\"versionId\":\"3\"},"
                    + "\"type\":{\"system\":\"http://dicom.nema.org/resources/ontology/DCM\",\"code\":\"110110\"},"
                    + "\"action\":\"R\",\"recorded\":\"2026-11-30T10:00:00Z\",\"agent\":[{\"userId\":{\"value\":"
                    + "\"nurse7\"},\"requestor\":true}],\"source\":{\"identifier\":{\"value\":\"w\"}},"
                    + "\"entity\":[{\"reference\":{\"reference\":\"Patient/p1\"}}]}\n";
            new Importer(cache, TestData.FHIR).importStream("https://fhir.example.org/fhir", "test",
                    new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), "sync.ndjson", Importer.SILENT);
            long pk = cache.audit().page(AuditFilter.ALL, null, false, 10).get(0).pk();
            cache.outbox().enqueue("https://fhir.example.org/fhir", "Consent", "c-1", "2",
                    "{\"resourceType\":\"Consent\",\"id\":\"c-1\",\"status\":\"inactive\"}");
            long caseId = cache.review().openCase("Night looks at p1", "officer", 1_000L);
            cache.review().addToCase(caseId, List.of(), List.of(pk), "officer", 2_000L);
            cache.review().noteCase(caseId, "officer", "Asked the ward manager.", 3_000L);
            cache.review().saveSearch("nights", "agent=nurse7", 4_000L);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            LocalData.Written w = new LocalData(cache).export(out);
            JsonNode doc = new ObjectMapper().readTree(out.toByteArray());

            assertThat(w.rows()).containsEntry("outbox", 1).containsEntry("review_case", 1)
                    .containsEntry("review_case_event", 1).containsEntry("saved_search", 1);
            assertThat(w.rows().get("review_note")).isGreaterThanOrEqualTo(1);
            JsonNode outbox = doc.at("/tables/outbox/0");
            assertThat(outbox.get("origin").asText()).isEqualTo("https://fhir.example.org/fhir");
            assertThat(outbox.get("body").asText()).contains("\"status\":\"inactive\"");
            assertThat(outbox.get("base_version").asText()).isEqualTo("2");
            assertThat(doc.at("/tables/review_case/0/title").asText()).isEqualTo("Night looks at p1");
            JsonNode ev = doc.at("/tables/review_case_event/0/event");
            assertThat(ev.get("origin").asText()).isEqualTo("https://fhir.example.org/fhir");
            assertThat(ev.get("id").asText()).isEqualTo("ae-9");
            assertThat(ev.get("version").asText()).isEqualTo("3");
            assertThat(doc.at("/tables/review_case_event/0").has("event_pk")).isFalse();
            assertThat(doc.at("/tables/review_note").findValuesAsText("text")).contains("Asked the ward manager.");
            assertThat(doc.at("/tables/saved_search/0/filter").asText()).isEqualTo("agent=nurse7");
        }
    }
}
