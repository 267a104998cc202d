package org.custos.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.TestData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every official STU3 Provenance example (JSON and XML, and the ones contained in other resources) as a reviewer reads it. */
class ProvenanceDetailTest {
    private final ObjectMapper mapper = new ObjectMapper();

    private JsonNode json(String file) throws IOException {
        return mapper.readTree(TestData.examples().resolve("provenance").resolve(file).toFile());
    }

    @Test
    void everyExampleReads() throws IOException {
        List<Map.Entry<String, JsonNode>> all = ProvenanceExamples.every();
        assertThat(all).hasSize(10);
        for (Map.Entry<String, JsonNode> e : all) {
            ProvenanceDetail d = ProvenanceDetail.of(e.getValue(), null);
            assertThat(d.recorded()).as(e.getKey()).isNotBlank();
            assertThat(d.agents()).as(e.getKey()).isNotEmpty().allSatisfy(a -> assertThat(a.who()).isNotBlank());
            // every example but the X-Provenance header body names its target
            if (e.getKey().equals("ProvenanceHeader.json")) {
                assertThat(d.targets()).isEmpty();
            } else {
                assertThat(d.targets()).as(e.getKey()).isNotEmpty().doesNotContain("?");
            }
        }
    }

    @Test
    void theMainExampleElementByElement() throws IOException {
        Map<String, String> directory = Map.of("Practitioner/xcda-author", "Harold Hippocrates",
                "Device/software", "Acme EHR");
        ProvenanceDetail d = ProvenanceDetail.of(json("Provenance-example.json"),
                r -> Optional.ofNullable(directory.get(r)));
        assertThat(d.id()).isEqualTo("example");
        assertThat(d.targets()).containsExactly("Procedure/example/_history/1");
        assertThat(d.period()).isEqualTo("2015-06-27 – 2015-06-28");
        assertThat(d.recorded()).isEqualTo("2015-06-27T08:39:24+10:00");
        assertThat(d.policies()).containsExactly("http://acme.com/fhir/Consent/25");
        assertThat(d.location()).isEqualTo("Location/1");
        assertThat(d.reasons()).containsExactly("Referral (3457005)");
        assertThat(d.agents()).hasSize(2);
        ProvenanceDetail.Agent author = d.agents().get(0);
        assertThat(author.roles()).containsExactly("AUT");
        assertThat(author.who()).isEqualTo("Harold Hippocrates (Practitioner/xcda-author)");
        // "#a1": the other agent of the same Provenance, named
        assertThat(author.onBehalfOf()).isEqualTo("agent a1: Acme EHR (Device/software)");
        assertThat(author.relatedAgentType()).isEqualTo("used");
        assertThat(d.agents().get(1).localId()).isEqualTo("a1");
        assertThat(d.entities()).singleElement().satisfies(e -> {
            assertThat(e.role()).isEqualTo("source");
            // no name in the directory: the reference's own display
            assertThat(e.what()).isEqualTo("CDA Document in XDS repository (DocumentReference/example)");
        });
        assertThat(d.signatures()).isEmpty();
    }

    @Test
    void signaturesAndIdentifiers() throws IOException {
        ProvenanceDetail sig = ProvenanceDetail.of(json("Provenance-signature.json"), null);
        assertThat(sig.activity()).isEqualTo("authenticated (AU)");
        assertThat(sig.agents().get(0).who()).isEqualTo("mailto://hhd@ssa.gov");
        assertThat(sig.signatures()).singleElement().satisfies(s -> {
            assertThat(s.types()).containsExactly("Verification Signature (1.2.840.10065.1.12.1.5)");
            assertThat(s.when()).isEqualTo("2015-08-27T08:39:24+10:00");
            assertThat(s.who()).isEqualTo("Practitioner/xcda-author");
            assertThat(s.contentType()).isEqualTo("application/signature+xml");
            assertThat(s.blobBytes()).isEqualTo(3); // "Li4u": the placeholder "..."
            assertThat(s.blobProblem()).isNull();
        });
        ProvenanceDetail cwl = ProvenanceDetail.of(json("Provenance-example-cwl.json"), null);
        assertThat(cwl.period()).isEqualTo("2016-11-30 – …");
        assertThat(cwl.entities()).singleElement().satisfies(e -> assertThat(e.what()).isEqualTo("lobSTR (CWL) "
                + "https://github.com/common-workflow-language/workflows/blob/master/workflows/lobSTR/"
                + "lobSTR-workflow.cwl"));
    }

    @Test
    void oddShapesAreShownAsAbsentNotThrown() throws IOException {
        ProvenanceDetail d = ProvenanceDetail.of(mapper.readTree("{\"resourceType\":\"Provenance\",\"target\":{},"
                + "\"agent\":[{\"role\":\"x\",\"onBehalfOfUri\":\"#nobody\"}],\"signature\":[{\"blob\":\"***\"},{}],"
                + "\"period\":7,\"reason\":[{}]}"), null);
        assertThat(d.id()).isEmpty();
        assertThat(d.targets()).isEmpty();
        assertThat(d.period()).isNull();
        assertThat(d.agents()).singleElement().satisfies(a -> {
            assertThat(a.who()).isNull();
            assertThat(a.onBehalfOf()).isEqualTo("#nobody (not in this Provenance)");
        });
        assertThat(d.signatures()).extracting(ProvenanceDetail.Signature::blobProblem)
                .satisfiesExactly(p -> assertThat(p).startsWith("the blob is not base64"), p -> assertThat(p)
                        .isEqualTo("no blob"));
        assertThat(d.reasons()).containsExactly("?");
    }

    @Test
    void provenanceContainedInOtherResourcesIsFound() throws IOException {
        Path dir = TestData.examples().resolve("provenance").resolve("contained");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.sorted().toList();
        }
        assertThat(files).hasSize(5);
        for (Path f : files) {
            JsonNode resource = mapper.readTree(f.toFile());
            assertThat(ProvenanceDetail.contained(resource)).as(f.getFileName().toString()).singleElement()
                    .satisfies(p -> {
                        ProvenanceDetail d = ProvenanceDetail.of(p, null);
                        assertThat(d.id()).isEqualTo("signature");
                        assertThat(d.targets()).isNotEmpty();
                        assertThat(d.signatures()).isNotEmpty().allSatisfy(s -> assertThat(s.blobBytes())
                                .isPositive());
                    });
        }
        assertThat(ProvenanceDetail.contained(json("Provenance-example.json"))).isEmpty();
    }
}
