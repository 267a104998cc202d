package org.custos.consent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.custos.consent.ConsentChange.Direction;
import org.custos.consent.ConsentChange.Item;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Changes between two versions of a consent, classified with the decision engine. */
class ConsentChangeTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final ConsentChange change = new ConsentChange();

    @Test
    void sameConsentNoChange() throws IOException {
        ObjectNode c = example("pkb");
        assertThat(change.between(c, c.deepCopy())).isEmpty();
        assertThat(change.text(c, c)).isEqualTo("No change in meaning.");
    }

    @Test
    void movedEntriesAreNotChanges() throws IOException {
        ObjectNode a = example("Emergency");
        ObjectNode b = a.deepCopy();
        ArrayNode ex = (ArrayNode) b.get("except");
        JsonNode first = ex.remove(0);
        ex.add(first);
        assertThat(change.between(a, b)).isEmpty();
    }

    @Test
    void removingTheEmergencyPermitTightens() throws IOException {
        ObjectNode a = example("Emergency");
        ObjectNode b = a.deepCopy();
        ((ArrayNode) b.get("except")).remove(0);
        List<Item> items = change.between(a, b);
        assertThat(items).singleElement().satisfies(i -> {
            assertThat(i.direction()).isEqualTo(Direction.TIGHTENED);
            assertThat(i.path()).isEqualTo("Consent.except[0]");
            assertThat(i.text()).startsWith("Removed exception 1 (of the earlier version): permit: Good Health "
                    + "Psychiatric Hospital (Organization/2.16.840.1.113883.19.6, custodian) may do anything with the "
                    + "data for emergency treatment (ETREAT)");
        });
    }

    @Test
    void addedDenyTightensAddedPermitLoosensRemovedDenyLoosens() throws IOException {
        ObjectNode basic = example("notThem");
        ObjectNode noDeny = basic.deepCopy();
        noDeny.putArray("except");
        assertThat(change.between(noDeny, basic)).singleElement().satisfies(i -> {
            assertThat(i.direction()).isEqualTo(Direction.TIGHTENED);
            assertThat(i.text()).startsWith("Added exception 1: deny: Fictive Nurse (Practitioner/f204, "
                    + "recipient) may not access or correct the data");
        });
        assertThat(change.between(basic, noDeny)).extracting(Item::direction).containsExactly(Direction.LOOSENED);

        ObjectNode out = example("Out");
        ObjectNode more = out.deepCopy();
        more.putArray("except").add(json("""
                {"type":"permit","purpose":[{"code":"ETREAT"}]}"""));
        assertThat(change.between(out, more)).extracting(Item::direction).containsExactly(Direction.LOOSENED);
    }

    @Test
    void aPermitThatAMoreSpecificOrEquallySpecificDenyOverridesChangesNothing() throws IOException {
        ObjectNode a = example("Emergency");
        ObjectNode b = a.deepCopy();
        // the same actor as the deny, one criterion: between equally specific entries the deny wins
        ((ArrayNode) b.get("except")).add(((ObjectNode) b.get("except").get(1).deepCopy()).put("type", "permit"));
        assertThat(change.between(a, b)).singleElement().extracting(Item::direction).isEqualTo(Direction.NEUTRAL);
    }

    @Test
    void narrowingADenyLoosens() throws IOException {
        ObjectNode a = example("notOrg");
        ObjectNode b = a.deepCopy();
        ((ArrayNode) b.get("except").get(0).get("action")).remove(1); // access or correct -> access
        assertThat(change.between(a, b)).singleElement().satisfies(i -> {
            assertThat(i.direction()).isEqualTo(Direction.LOOSENED);
            assertThat(i.text()).startsWith("Exception 1 changed (action): it was \"deny: Good Health Clinic "
                    + "(Organization/2.16.840.1.113883.19.5, recipient) may not access or correct the data\", now "
                    + "\"deny: Good Health Clinic (Organization/2.16.840.1.113883.19.5, recipient) may not access the "
                    + "data\"");
        });
        ObjectNode c = a.deepCopy();
        ((ObjectNode) c.get("except").get(0)).put("type", "permit");
        assertThat(change.between(a, c)).extracting(Item::direction).containsExactly(Direction.LOOSENED);
    }

    @Test
    void statusChanges() throws IOException {
        ObjectNode a = example("basic");
        assertThat(change.between(a, a.deepCopy().put("status", "inactive"))).singleElement().satisfies(i -> {
            assertThat(i.direction()).isEqualTo(Direction.TIGHTENED);
            assertThat(i.text()).isEqualTo("Revoked (status active → inactive).");
        });
        assertThat(change.between(a.deepCopy().put("status", "rejected"), a)).singleElement().satisfies(i -> {
            assertThat(i.direction()).isEqualTo(Direction.LOOSENED);
            assertThat(i.text()).startsWith("Reinstated");
        });
        assertThat(change.between(a, a.deepCopy().put("status", "entered-in-error")))
                .extracting(Item::direction).containsExactly(Direction.NEUTRAL);
        assertThat(change.between(a.deepCopy().put("status", "draft"), a.deepCopy().put("status", "proposed")))
                .extracting(Item::direction).containsExactly(Direction.NEUTRAL);
    }

    @Test
    void periodsShortenedExtendedMoved() throws IOException {
        ObjectNode a = example("basic"); // 1964-01-01 .. 2016-01-01
        ObjectNode shorter = a.deepCopy();
        ((ObjectNode) shorter.get("period")).put("end", "2015-06-30");
        assertThat(change.between(a, shorter)).singleElement().satisfies(i -> {
            assertThat(i.direction()).isEqualTo(Direction.TIGHTENED);
            assertThat(i.text()).isEqualTo("The period in force changed: shortened (was from 1964-01-01 until "
                    + "2016-01-01; now from 1964-01-01 until 2015-06-30).");
        });
        ObjectNode open = a.deepCopy();
        open.remove("period");
        assertThat(change.between(a, open)).extracting(Item::direction).containsExactly(Direction.LOOSENED);
        ObjectNode moved = a.deepCopy();
        ((ObjectNode) moved.get("period")).put("start", "1970").put("end", "2020");
        assertThat(change.between(a, moved)).extracting(Item::direction).containsExactly(Direction.MIXED);
        ObjectNode data = a.deepCopy();
        data.putObject("dataPeriod").put("start", "2000-01-01");
        assertThat(change.between(a, data)).singleElement().satisfies(i -> {
            assertThat(i.path()).isEqualTo("Consent.dataPeriod");
            assertThat(i.direction()).isEqualTo(Direction.TIGHTENED);
        });
    }

    @Test
    void basePolicy() throws IOException {
        ObjectNode a = example("notThem");
        ObjectNode b = a.deepCopy().put("policyRule", "http://hl7.org/fhir/ConsentPolicy/opt-out");
        assertThat(change.between(a, b)).singleElement().satisfies(i -> {
            assertThat(i.direction()).isEqualTo(Direction.TIGHTENED);
            assertThat(i.text()).isEqualTo("Base policy changed from http://hl7.org/fhir/ConsentPolicy/opt-in "
                    + "(opt-in: permit) to http://hl7.org/fhir/ConsentPolicy/opt-out (opt-out: deny).");
        });
        ObjectNode c = a.deepCopy().put("policyRule", "http://hl7.org/fhir/v3/ActCode#OPTIN");
        assertThat(change.between(a, c)).extracting(Item::direction).containsExactly(Direction.NEUTRAL);
    }

    @Test
    void scopeAndOverall() throws IOException {
        ObjectNode a = example("Out");
        ObjectNode b = a.deepCopy();
        b.remove("actor"); // opt-out for everyone now, not only the hospital: more is denied
        ObjectNode c = b.deepCopy().put("status", "inactive");
        List<Item> items = change.between(a, c);
        assertThat(items).extracting(Item::path).containsExactly("Consent.status", "Consent.actor");
        assertThat(items).extracting(Item::direction).containsExactly(Direction.TIGHTENED, Direction.TIGHTENED);
        assertThat(ConsentChange.overall(items)).isEqualTo(Direction.TIGHTENED);
        assertThat(change.text(a, c)).startsWith("Overall: tightened.\n[tightened] Revoked");
        ObjectNode d = a.deepCopy().put("status", "inactive");
        d.putArray("except").add(json("{\"type\":\"permit\"}"));
        assertThat(ConsentChange.overall(change.between(a, d))).isEqualTo(Direction.MIXED);
    }

    private ObjectNode example(String id) throws IOException {
        return (ObjectNode) mapper.readTree(Path.of("src/test/resources/examples/stu3/consent/"
                + "Consent-consent-example-" + id + ".json").toFile());
    }

    private JsonNode json(String s) throws IOException {
        return mapper.readTree(s);
    }
}
