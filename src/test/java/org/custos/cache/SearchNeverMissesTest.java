package org.custos.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.custos.TestData;
import org.custos.sync.ImportReport;
import org.custos.sync.Importer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Every filter finds an event however many agents, entities, purposes or words it has: nothing is cut off. */
class SearchNeverMissesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static Cache cache;

    @BeforeAll
    static void fill() throws IOException {
        cache = Cache.open(dir.resolve("cache"));
        StringBuilder ndjson = new StringBuilder();
        ndjson.append(event("many-entities", e -> {
            ArrayNode entities = e.putArray("entity");
            for (int i = 1; i <= 500; i++) {
                entities.addObject().putObject("reference").put("reference", "Observation/many-" + i);
            }
        })).append('\n');
        ndjson.append(event("many-agents", e -> {
            ArrayNode agents = e.putArray("agent");
            for (int i = 1; i <= 300; i++) {
                ObjectNode a = agents.addObject();
                a.put("requestor", i == 1);
                a.put("name", "Agent Number" + i);
                a.putObject("userId").put("value", "user-" + i);
                a.putArray("purposeOfUse").addObject().putArray("coding").addObject().put("code", "PURPOSE" + i);
            }
        })).append('\n');
        ndjson.append(event("many-patients", e -> {
            ArrayNode entities = e.putArray("entity");
            for (int i = 1; i <= 500; i++) {
                entities.addObject().putObject("reference").put("reference", "Patient/pat-many-" + i);
            }
        })).append('\n');
        ndjson.append(event("many-words", e -> {
            StringBuilder words = new StringBuilder();
            for (int i = 1; i <= 10_000; i++) {
                words.append("word").append(i).append(' ');
            }
            words.append("zebrafinale");
            e.put("outcomeDesc", words.toString());
        })).append('\n');
        ndjson.append(event("plain", e -> { })).append('\n');
        Path f = dir.resolve("big.ndjson");
        Files.writeString(f, ndjson);
        ImportReport r = new Importer(cache, TestData.FHIR).importFile(f, Importer.SILENT);
        assertThat(r.quarantined()).as(r.problems().toString()).isZero();
        assertThat(r.counts("AuditEvent").added).isEqualTo(5);
    }

    @AfterAll
    static void close() {
        cache.close();
    }

    private interface Fill {
        void into(ObjectNode event);
    }

    private static String event(String id, Fill fill) {
        ObjectNode e = JSON.createObjectNode();
        e.put("resourceType", "AuditEvent");
        e.put("id", id);
        e.putObject("type").put("code", "rest");
        e.put("recorded", "2026-11-01T10:00:00Z");
        e.putObject("source").putObject("identifier").put("value", "src");
        fill.into(e);
        if (!e.has("agent")) {
            e.putArray("agent").addObject().put("requestor", true).put("name", "Someone");
        }
        return e.toString();
    }

    private static java.util.List<String> ids(AuditFilter f) {
        return cache.audit().page(f, null, false, 100).stream().map(AuditSummary::id).toList();
    }

    @Test
    void anEventWith500EntitiesIsFoundByIts490th() {
        assertThat(ids(AuditFilter.ALL.withEntity("Observation/many-490"))).containsExactly("many-entities");
        assertThat(ids(AuditFilter.ALL.withEntity("Observation/many-500"))).containsExactly("many-entities");
        assertThat(ids(AuditFilter.ALL.withEntity("Observation/many-501"))).isEmpty();
    }

    @Test
    void anEventWith300AgentsIsFoundByIts290thByNameUserIdAndPurpose() {
        assertThat(ids(AuditFilter.ALL.withAgent("Agent Number290"))).containsExactly("many-agents");
        assertThat(ids(AuditFilter.ALL.withAgent("user-299"))).containsExactly("many-agents");
        assertThat(ids(AuditFilter.ALL.withPurpose("PURPOSE290"))).containsExactly("many-agents");
    }

    @Test
    void anEventWith500PatientsIsFoundByIts490th() {
        assertThat(ids(AuditFilter.ALL.withPatient("Patient/pat-many-490"))).containsExactly("many-patients");
        assertThat(ids(AuditFilter.ALL.withPatient("pat-many-500"))).containsExactly("many-patients");
    }

    @Test
    void anEventWith10000WordsIsFoundByItsLast() {
        assertThat(ids(AuditFilter.ALL.withText("zebrafinale"))).containsExactly("many-words");
        assertThat(ids(AuditFilter.ALL.withText("word9999 zebrafinale"))).containsExactly("many-words");
        assertThat(ids(AuditFilter.ALL.withText("zebrafinale nosuchword"))).isEmpty();
    }
}
