package org.custos.trail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a server receiving the trail gets: its own resources by reference, anything else as a name. */
class OwnTrailCopyTest {
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void referencesAreMadeAbsoluteOnlyForServersAndOnlyOnce() {
        assertThat(Looks.inOrigin("https://srv.example/fhir/", "Patient/1")).isEqualTo("https://srv.example/fhir/Patient/1");
        assertThat(Looks.inOrigin("https://srv.example/fhir", "Patient/1/_history/2"))
                .isEqualTo("https://srv.example/fhir/Patient/1/_history/2");
        assertThat(Looks.inOrigin("https://srv.example/fhir", "https://other.example/Patient/1"))
                .isEqualTo("https://other.example/Patient/1");
        assertThat(Looks.inOrigin("demo", "Patient/1")).isEqualTo("Patient/1");
        assertThat(Looks.inOrigin(null, "Patient/1")).isEqualTo("Patient/1");
        assertThat(Looks.inOrigin("https://srv.example/fhir", "MRN-7")).isEqualTo("MRN-7");
    }

    @Test
    void theServersOwnResourcesKeepTheirReferenceWrittenAnyWayOthersBecomeNames() throws Exception {
        ObjectNode ev = (ObjectNode) mapper.readTree("""
                {"resourceType":"AuditEvent","entity":[
                 {"reference":{"reference":"HTTPS://SRV.example/fhir/Patient/1"}},
                 {"reference":{"reference":"https://srv.example/fhir/Patient/2/_history/3"}},
                 {"reference":{"reference":"https://srv.example/fhirx/Patient/3"}},
                 {"reference":{"reference":"Patient/4"}},
                 {"identifier":{"value":"MRN-7"}},
                 {"name":"q","query":"cT0x"}]}""");
        ObjectNode copy = OwnTrail.forServer(ev, "https://srv.example/fhir/");
        var e = copy.path("entity");
        assertThat(e.get(0).path("reference").path("reference").asText()).isEqualTo(
                "HTTPS://SRV.example/fhir/Patient/1");
        assertThat(e.get(1).path("reference").path("reference").asText()).endsWith("/Patient/2/_history/3");
        assertThat(e.get(2).has("reference")).isFalse();
        assertThat(e.get(2).path("name").asText()).isEqualTo("https://srv.example/fhirx/Patient/3 (not a resource of "
                + "this server)");
        assertThat(e.get(3).path("name").asText()).isEqualTo("Patient/4 (not a resource of this server)");
        assertThat(e.get(4).has("identifier")).isFalse();
        assertThat(e.get(4).path("name").asText()).startsWith("identifier MRN-7");
        assertThat(e.get(5)).isEqualTo(ev.path("entity").get(5));
        assertThat(ev.path("entity").get(3).path("reference").path("reference").asText())
                .as("the original is left as it was").isEqualTo("Patient/4");
    }
}
