package org.custos.audit;

import org.custos.TestData;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The detail tree shows the STU3 elements of the official examples, in words. */
class AuditDetailsTest {
    final AuditDetails details = new AuditDetails(ZoneOffset.UTC);

    private DetailNode example(String name) throws Exception {
        return details.build(Files.readString(TestData.examples().resolve("auditevent").resolve(name)));
    }

    @Test
    void disclosureShowsAgentPolicyLocationNetworkPurposeAndEntitySecurity() throws Exception {
        DetailNode d = example("AuditEvent-example-disclosure.json");
        DetailNode agent1 = d.find("Agent 1").orElseThrow();
        assertThat(agent1.value()).isEqualTo("That guy everyone wishes would be caught (requestor)");
        assertThat(agent1.find("policy").orElseThrow().value()).isEqualTo("http://consent.com/yes");
        assertThat(agent1.find("location").orElseThrow().value()).isEqualTo("Location/1");
        assertThat(agent1.find("network").orElseThrow().value()).contains("custodian.net").contains("machine name");
        assertThat(agent1.find("role").orElseThrow().value()).contains("Source Role ID (110153");
        assertThat(d.find("Agent 2").orElseThrow().find("purposeOfUse").orElseThrow().value())
                .contains("healthcare marketing (HMARKT");
        assertThat(d.find("purposeOfEvent").orElseThrow().value()).contains("HMARKT");
        DetailNode entity2 = d.find("Entity 2").orElseThrow();
        assertThat(entity2.find("securityLabel").orElseThrow().children()).hasSize(3);
        assertThat(entity2.find("lifecycle").orElseThrow().value()).startsWith("Disclosure (11");
        assertThat(entity2.find("identifier").orElseThrow().value()).isEqualTo("What.id");
        assertThat(entity2.find("description").orElseThrow().value()).isEqualTo("data about Everthing important");
        assertThat(d.find("outcome").orElseThrow().value()).isEqualTo("Success (0)");
        assertThat(d.find("Source").orElseThrow().find("type").orElseThrow().value()).contains("Application Server");
    }

    @Test
    void base64QueryAndDetailAreDecoded() throws Exception {
        DetailNode d = example("AuditEvent-example-pixQuery.json");
        String query = d.find("query").orElseThrow().value();
        assertThat(query).startsWith("<?xml").contains("PRPA_IN201309UV02");
        assertThat(d.toString()).contains("1.2.840.114350.1.13.0.1.7.1.1"); // entity.detail, decoded
        DetailNode search = example("AuditEvent-example-search.json");
        assertThat(search.find("query").orElseThrow().value()).isEqualTo("http://fhir-dev.healthintersections.com.au/open/Encounter?participant=13");
    }

    @Test
    void binaryBase64IsNamedAsBinary() {
        assertThat(AuditDetails.decoded("AAECAw==")).startsWith("4 bytes of binary data");
        assertThat(AuditDetails.decoded("not base64!!")).contains("not valid base64");
    }

    @Test
    void everyElementOfEveryExampleIsShown() throws Exception {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        try (var files = Files.list(TestData.examples().resolve("auditevent"))) {
            for (var f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                var json = mapper.readTree(Files.readString(f));
                DetailNode d = details.build(json.toString());
                json.fieldNames().forEachRemaining(field -> {
                    String label = switch (field) {
                        case "resourceType" -> null;
                        case "text" -> "narrative";
                        case "agent" -> "Agent 1";
                        case "source" -> "Source";
                        case "entity" -> "Entity 1";
                        default -> field;
                    };
                    if (label != null) {
                        assertThat(d.find(label)).as("%s: %s", f.getFileName(), field).isPresent();
                    }
                });
                // and inside agents and entities, each element they carry
                for (String part : new String[]{"agent", "entity"}) {
                    int i = 1;
                    for (var item : json.path(part)) {
                        DetailNode section = d.find((part.equals("agent") ? "Agent " : "Entity ") + i++).orElseThrow();
                        item.fieldNames().forEachRemaining(field -> assertThat(section.find(field).isPresent()
                                || section.children().stream().anyMatch(c -> c.label().startsWith(field)))
                                .as("%s: %s.%s", f.getFileName(), part, field).isTrue());
                    }
                }
            }
        }
    }
}
