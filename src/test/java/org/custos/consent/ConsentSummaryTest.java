package org.custos.consent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The plain-language summary of every official STU3 consent example (the key phrases of what each one's narrative
 * says it means), and edge cases: names from the directory, unknown codes, statuses, unknown policies, half-edited
 * documents, exceptions with several roles.
 */
class ConsentSummaryTest {
    private final ObjectMapper mapper = new ObjectMapper();

    static Stream<Arguments> examples() {
        return Stream.of(
                arguments("Emergency", List.of(
                        "Active consent: P. van de Heuvel (Patient/f001) consents for themself, signed 2015-11-18",
                        "Base policy: opt-out",
                        "everything it covers is denied unless an exception permits it",
                        "Exception 1 (permit): Good Health Psychiatric Hospital (Organization/2.16.840.1.113883.19.6,"
                                + " custodian) may do anything with the data for emergency treatment (ETREAT).",
                        "Exception 2 (deny): apart from what exception 1 permits, Good Health Psychiatric Hospital "
                                + "(Organization/2.16.840.1.113883.19.6, custodian) may not do anything else with "
                                + "the data.",
                        "Purposes concerned: emergency treatment (ETREAT).")),
                arguments("Out", List.of("It covers only requests involving Good Health Psychiatric Hospital "
                                + "(Organization/2.16.840.1.113883.19.6, custodian)",
                        "Base policy: opt-out", "There are no exceptions")),
                arguments("basic", List.of("It is in force from 1964-01-01 until 2016-01-01.",
                        "Base policy: opt-in (http://goodhealth.org/consent/policy/opt-in) — everything it covers is "
                                + "permitted", "There are no exceptions")),
                arguments("grantor", List.of("Exception 1 (permit): it is permitted to access the data when Good "
                        + "Health Psychiatric Hospital (Organization/2.16.840.1.113883.19.6, custodian) gives data to "
                        + "Good Health Clinic (Patient/example, recipient).")),
                arguments("notAuthor", List.of("Base policy: opt-in", "Exception 1 (deny): Good Health Clinic "
                        + "(Organization/2.16.840.1.113883.19.5, custodian) may not do anything with the data.")),
                arguments("notOrg", List.of("Exception 1 (deny): Good Health Clinic "
                        + "(Organization/2.16.840.1.113883.19.5, recipient) may not access or correct the data.")),
                arguments("notThem", List.of("Exception 1 (deny): Fictive Nurse (Practitioner/f204, recipient) may "
                        + "not access or correct the data.")),
                arguments("notThis", List.of("Exception 1 (deny): no one may do anything with data about Task/f201 "
                        + "and what relates to it.", "Data concerned: Task/f201.")),
                arguments("notTime", List.of("Exception 1 (deny): no one may do anything with the data from "
                        + "2015-01-01 until 2015-02-01.")),
                arguments("pkb", List.of("consents for themself, signed 2016-06-16, kept by Patients Know Best "
                                + "(Organization/pkb)", "Base policy: opt-out",
                        "Exception 1 (permit): Non-migrated Team - Imperial College Healthcare (Organization/ich-nmt, "
                                + "recipient) may access data labelled normal (N).",
                        "Exception 7 (permit): Core Information Exchange team - Imperial College Healthcare "
                                + "(Organization/ich-core, recipient) may access data labelled sexuality and "
                                + "reproductive health (SEX).",
                        "Exception 12 (permit): Imperial Collage Healthcare - Neuro-oncology (Organization/ich-non, "
                                + "recipient) may access data labelled normal (N).")),
                arguments("signature", List.of("(category HIPAA-Auth)", "It is in force from 2015-10-10 until "
                                + "2016-10-10.", "It covers only requests involving Practitioner/13 (recipient)",
                        "Exception 1 (permit): Practitioner/xcda-author (author) may do anything with data of class "
                                + "application/hl7-cda+xml, coded 34133-9 or 18842-5.")),
                arguments("smartonfhir", List.of("RelatedPerson/peter consents on behalf of Patient/xcda",
                        "It is in force from 2016-06-23T17:02:33+10:00 until 2016-06-23T17:32:33+10:00.",
                        "Exception 1 (permit): anyone may access data of class MedicationRequest.")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void summarisesEveryOfficialExample(String example, List<String> phrases) throws IOException {
        String text = new ConsentSummary().text(example(example));
        assertThat(text).contains(phrases);
    }

    @Test
    void everyExampleIsCoveredByTheTable() throws IOException {
        try (var files = java.nio.file.Files.list(Path.of("src/test/resources/examples/stu3/consent"))) {
            List<String> ids = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("Consent-consent-example-") && n.endsWith(".json"))
                    .map(n -> n.substring("Consent-consent-example-".length(), n.length() - 5)).sorted().toList();
            assertThat(examples().map(a -> (String) a.get()[0]).sorted().toList()).isEqualTo(ids);
        }
    }

    @Test
    void sentencesNameTheElementTheyAreAbout() throws IOException {
        List<ConsentSummary.Sentence> s = new ConsentSummary().sentences(example("Emergency"));
        assertThat(s).extracting(ConsentSummary.Sentence::path).contains("Consent.status", "Consent.policyRule",
                "Consent.except[0]", "Consent.except[1]");
        assertThat(s.stream().filter(x -> x.path().equals("Consent.except[1]")).findFirst().orElseThrow().text())
                .startsWith("Exception 2 (deny)");
    }

    @Test
    void namesComeFromTheDirectoryBeforeTheConsentsOwnDisplay() throws IOException {
        Map<String, String> directory = Map.of("Practitioner/f204", "Nurse Ratched", "Patient/f001",
                "Pieter van de Heuvel");
        String text = new ConsentSummary(r -> Optional.ofNullable(directory.get(r)), null)
                .text(example("notThem"));
        assertThat(text).contains("Pieter van de Heuvel (Patient/f001) consents",
                "Nurse Ratched (Practitioner/f204, recipient) may not access or correct the data");
    }

    @Test
    void codesShowTheirDisplayFromTheConsentTheValueSetsOrTheCodeItself() throws IOException {
        ConsentCodes codes = vs -> vs.equals(ConsentCodes.PURPOSE)
                ? List.of(new ConsentCodes.Choice("http://hl7.org/fhir/v3/ActReason", "HSYSADMIN",
                "health system administration")) : List.of();
        JsonNode c = json("""
                {"resourceType":"Consent","status":"active","patient":{"reference":"Patient/1"},
                 "policyRule":"http://hl7.org/fhir/ConsentPolicy/opt-in",
                 "except":[{"type":"deny","purpose":[{"code":"HSYSADMIN"},{"code":"XYZ"},
                   {"code":"LOCAL","display":"Local audit"}]}]}""");
        assertThat(new ConsentSummary(null, codes).text(c)).contains("Exception 1 (deny): no one may do anything "
                + "with the data for health system administration (HSYSADMIN), XYZ or Local audit (LOCAL).");
    }

    @Test
    void statusAndUnknownPolicies() throws IOException {
        JsonNode c = json("""
                {"resourceType":"Consent","status":"inactive","patient":{"reference":"Patient/1"},
                 "policyRule":"http://hl7.org/fhir/ConsentPolicy/hipaa-auth"}""");
        String text = new ConsentSummary().text(c);
        assertThat(text).contains("Inactive (no longer in force) consent: Patient/1 consents for themself.",
                "Base policy: http://hl7.org/fhir/ConsentPolicy/hipaa-auth — Custos does not know whether it "
                        + "permits or denies");
        assertThat(new ConsentSummary().text(json("""
                {"resourceType":"Consent","status":"draft"}"""))).contains("Draft (not yet in force) consent: no "
                + "patient is named", "There is no base policy (policyRule is missing)");
    }

    @Test
    void halfEditedExceptionsAreStillDescribed() throws IOException {
        JsonNode c = json("""
                {"resourceType":"Consent","status":"active","policyRule":"opt-in",
                 "except":[{"actor":[{"reference":{"reference":"Practitioner/1"}}]},
                           {"type":"deny","period":{"start":"not a date"}}]}""");
        String text = new ConsentSummary().text(c);
        assertThat(text).contains("Exception 1 (type missing, so it decides nothing): Practitioner/1",
                "Exception 2 (deny): no one may do anything with the data from not a date.",
                "Custos cannot decide with this consent as it is");
    }

    @Test
    void severalRolesMustAllTakePartAndOneRolesActorsAreAlternatives() throws IOException {
        JsonNode c = json("""
                {"resourceType":"Consent","status":"active","policyRule":"opt-out",
                 "except":[{"type":"permit","actor":[
                    {"role":{"coding":[{"code":"AUT"}]},"reference":{"reference":"Practitioner/1"}},
                    {"role":{"coding":[{"code":"PRCP"}]},"reference":{"reference":"Organization/2"}},
                    {"role":{"coding":[{"code":"PRCP"}]},"reference":{"reference":"Organization/3"}}],
                   "action":[{"coding":[{"code":"disclose"}]}],"securityLabel":[{"code":"R"}]}]}""");
        assertThat(new ConsentSummary().text(c)).contains("Exception 1 (permit): it is permitted to disclose data "
                + "labelled restricted (R) when all of Practitioner/1 (author) and Organization/2 or Organization/3 "
                + "(any of them as recipient) take part.");
    }

    @Test
    void notAConsent() throws IOException {
        assertThat(new ConsentSummary().text(json("{\"resourceType\":\"Patient\"}"))).isEqualTo(
                "This is not a Consent.");
    }

    private JsonNode example(String id) throws IOException {
        return mapper.readTree(Path.of("src/test/resources/examples/stu3/consent/Consent-consent-example-" + id
                + ".json").toFile());
    }

    private JsonNode json(String s) throws IOException {
        return mapper.readTree(s);
    }
}
