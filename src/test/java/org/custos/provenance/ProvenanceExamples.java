package org.custos.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.TestData;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The official STU3 Provenance examples kept in the test resources (JSON and XML), read as JSON. */
final class ProvenanceExamples {
    /** Every example, by file name (an XML file may hold several). */
    static List<Map.Entry<String, JsonNode>> every() throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        Path dir = TestData.examples().resolve("provenance");
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                String text = Files.readString(f);
                if (f.toString().endsWith(".xml")) {
                    for (String j : TestData.FHIR.xmlToJsonResources(new StringReader(text))) {
                        out.add(Map.entry(f.getFileName().toString(), mapper.readTree(j)));
                    }
                } else if (f.toString().endsWith(".json")) {
                    out.add(Map.entry(f.getFileName().toString(), mapper.readTree(text)));
                }
            }
        }
        return out;
    }

    /** The Provenance contained in the other resources of the examples ("contained" folder), by file name. */
    static List<Map.Entry<String, JsonNode>> contained() throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(TestData.examples().resolve("provenance").resolve("contained"))) {
            for (Path f : s.sorted().toList()) {
                for (JsonNode p : ProvenanceDetail.contained(mapper.readTree(f.toFile()))) {
                    out.add(Map.entry(f.getFileName().toString(), p));
                }
            }
        }
        return out;
    }

    private ProvenanceExamples() {
    }
}
