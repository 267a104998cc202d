package org.custos.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.TestData;
import org.custos.demo.DemoGenerator;
import org.hl7.fhir.dstu3.model.AuditEvent;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@link AuditFacts#read} (verify's and the fill's reading, which skips what the facts do not need) gives exactly the
 * facts of the whole tree ({@link AuditFacts#of}, the import's reading): if the two ever differed, verify would call
 * an intact cache damaged, or a fill would index rows the import would not.
 */
class AuditFactsReadTest {
    private final ObjectMapper mapper = new ObjectMapper();

    private void same(String json) throws IOException {
        String whole = AuditFacts.of(mapper.readTree(json)).encode();
        String read = AuditFacts.read(mapper, json.getBytes(StandardCharsets.UTF_8)).encode();
        assertEquals(whole, read, json);
    }

    @Test
    void everyOfficialExampleGivesTheSameFacts() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(TestData.examples().resolve("auditevent"))) {
            files = s.sorted().toList();
        }
        int n = 0;
        for (Path f : files) {
            String text = Files.readString(f);
            for (String json : f.toString().endsWith(".xml")
                    ? TestData.FHIR.xmlToJsonResources(new java.io.StringReader(text)) : List.of(text)) {
                same(json);
                n++;
            }
        }
        assertEquals(16, n);
    }

    @Test
    void demoEventsGiveTheSameFacts() throws IOException {
        DemoGenerator gen = new DemoGenerator(TestData.FHIR.context(), 7, Instant.parse("2025-01-01T00:00:00Z"), 30);
        List<String> distinct = new ArrayList<>();
        for (AuditEvent ev : gen.events(0, 2000)) {
            String json = TestData.FHIR.context().newJsonParser().encodeResourceToString(ev);
            same(json);
            String facts = AuditFacts.of(mapper.readTree(json)).encode();
            if (!distinct.contains(facts)) {
                distinct.add(facts);
            }
        }
        // the demo's events are of many kinds (a few facts for all would prove little)
        assertFalse(distinct.size() < 20, "distinct facts: " + distinct.size());
    }

    @Test
    void oddShapesGiveTheSameFacts() throws IOException {
        for (String json : List.of(
                "{}", "[]", "null", "\"text\"", "{\"resourceType\":\"AuditEvent\"}",
                "{\"entity\":{\"reference\":{\"reference\":\"Patient/1\"}}}",
                "{\"entity\":[1,\"x\",null,[{\"reference\":{\"reference\":\"Patient/2\"}}]]}",
                "{\"entity\":[{\"reference\":\"Patient/3\",\"securityLabel\":[{\"code\":\"R\"}],\"detail\":[{\"type\":"
                        + "\"t\",\"value\":\"AAAA\"}],\"query\":\"QUFB\"}],\"agent\":{\"requestor\":true}}",
                "{\"agent\":[{\"requestor\":\"yes\",\"reference\":{\"reference\":\"Practitioner/1/_history/2\"},"
                        + "\"role\":[{\"coding\":[{\"system\":\"s\",\"code\":\"c\"},{\"code\":\"a\\u001eb\"}]}],"
                        + "\"purposeOfUse\":[{\"coding\":[{\"code\":\"TREAT\"}]}],\"name\":\"N\"},{\"userId\":"
                        + "{\"value\":\"u\"},\"requestor\":true}],\"action\":\"R\",\"type\":{\"code\":\"rest\"},"
                        + "\"purposeOfEvent\":[{\"coding\":[{\"system\":\"p\",\"code\":\"HPAYMT\"}]}],"
                        + "\"entity\":[{\"reference\":{\"reference\":\"https://h/fhir/Patient/9\"},\"securityLabel\":"
                        + "[{\"system\":\"x\",\"code\":\"V\"},{\"code\":\"V\",\"system\":\"x\"}]},{\"role\":{\"code\":"
                        + "\"1\"},\"reference\":{\"reference\":\"#c\"}}],\"action\":\"U\"}",
                "{\"agent\":[],\"entity\":[],\"type\":\"rest\",\"purposeOfEvent\":{\"coding\":[]}}",
                // duplicate keys the filter handles as the whole tree does (stored texts have none: written from a tree)
                "{\"entity\":[{\"reference\":{\"reference\":\"Observation/1\"}}],\"entity\":[{\"reference\":"
                        + "{\"reference\":\"Patient/2\"}}]}",
                "{\"action\":\"R\",\"action\":null,\"agent\":[{\"requestor\":true}],\"agent\":{}}")) {
            same(json);
        }
    }
}
