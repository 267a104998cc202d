package org.custos.consent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.TestData;
import org.custos.consent.ConsentDecision.Outcome;

import org.custos.consent.ConsentDecision.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.custos.consent.ConsentDecision.Outcome.DENY;
import static org.custos.consent.ConsentDecision.Outcome.NOT_APPLICABLE;
import static org.custos.consent.ConsentDecision.Outcome.PERMIT;
import static org.custos.consent.ConsentDecision.Outcome.UNDECIDABLE;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The decision engine against every official STU3 consent example, each case following what the example's
 * narrative ({@code text.div}) says it means, plus edge cases. The same table runs on the XML copies of the
 * examples (converted by HAPI, as the importer does): the decisions must not depend on the format.
 */
class ConsentDecisionTest {
    private final ObjectMapper mapper = new ObjectMapper();

    static final String GOOD_HEALTH_HOSPITAL = "Organization/2.16.840.1.113883.19.6";
    static final String GOOD_HEALTH_CLINIC = "Organization/2.16.840.1.113883.19.5";
    static final String NOW = "2020-05-01";

    /** id of the example, the request, the expected outcome and the element that decides. */
    static Stream<Arguments> examples() {
        return Stream.of(
                // consent-example-Emergency: "An overall Deny consent Directive, with an exception "Permit" of
                // purposeOfUse "ETREAT" at "Good Health" hospital, and exception "Deny" all other purposeOfUse from
                // good health hospital." The permit states actor + purpose (2 criteria), the deny only the actor (1).
                arguments("Emergency", req().actor(GOOD_HEALTH_HOSPITAL, "CST").purpose("ETREAT"), PERMIT,
                        "Consent.except[0]"),
                arguments("Emergency", req().actor(GOOD_HEALTH_HOSPITAL, "CST").purpose("TREAT"), DENY,
                        "Consent.except[1]"),
                arguments("Emergency", req().actor(GOOD_HEALTH_HOSPITAL, "CST")
                        .purpose("http://hl7.org/fhir/v3/ActReason|ETREAT"), PERMIT, "Consent.except[0]"),
                // "... except for Emergency treatment use": without a purpose Custos cannot tell which applies
                arguments("Emergency", req().actor(GOOD_HEALTH_HOSPITAL, "CST"), UNDECIDABLE, "Consent.except[0]"),
                // the exceptions state the custodian role: a request that does not give the role cannot be decided
                arguments("Emergency", req().actor(GOOD_HEALTH_HOSPITAL, null).purpose("ETREAT"), UNDECIDABLE,
                        "Consent.except[0]"),
                // "An overall Deny consent Directive": data held elsewhere falls to the base policy (opt-out)
                arguments("Emergency", req().actor("Organization/elsewhere", "CST").purpose("ETREAT"), DENY,
                        "Consent.policyRule"),

                // consent-example-Out: "wishes to have no data at the Good Health Psychiatric Hospital available for
                // normal treatment use." (opt-out, the hospital as custodian is the consent's scope, Consent.actor)
                arguments("Out", req().actor(GOOD_HEALTH_HOSPITAL, "CST").purpose("TREAT"), DENY,
                        "Consent.policyRule"),
                // the consent controls only data at Good Health: elsewhere it says nothing
                arguments("Out", req().actor("Organization/elsewhere", "CST").purpose("TREAT"), NOT_APPLICABLE,
                        "Consent.actor"),

                // consent-example-basic: "wishes to have all of the PHI collected at the Good Health Psychiatric
                // Hospital available for normal treatment use." (policyRule .../opt-in, period 1964-01-01 – 2016-01-01)
                arguments("basic", req().at("2015-06-01").actor(GOOD_HEALTH_HOSPITAL, "CST").purpose("TREAT"), PERMIT,
                        "Consent.policyRule"),
                arguments("basic", req().at("2016-01-02").actor(GOOD_HEALTH_HOSPITAL, "CST").purpose("TREAT"),
                        NOT_APPLICABLE, "Consent.period"),
                arguments("basic", DecisionRequest.of("access").actor(GOOD_HEALTH_HOSPITAL, "CST"), UNDECIDABLE,
                        "Consent.period"),

                // consent-example-grantor: "Patient ... wishes to provide XXX with read-only access to the data at
                // Good Health Psychiatric Hospital"
                // (opt-out; a permit of action access stating two actors with two roles: both must take part)
                arguments("grantor", req().actor(GOOD_HEALTH_HOSPITAL, "CST").actor("Patient/example", "PRCP"), PERMIT,
                        "Consent.except[0]"),
                // read-only: correcting is not permitted
                arguments("grantor", DecisionRequest.of("correct").at(NOW).actor(GOOD_HEALTH_HOSPITAL, "CST")
                        .actor("Patient/example", "PRCP"), DENY, "Consent.policyRule"),
                // the hospital as custodian alone: who receives is not known, and the permit might apply
                arguments("grantor", req().actor(GOOD_HEALTH_HOSPITAL, "CST"), UNDECIDABLE, "Consent.except[0]"),
                // the recipient, with no custodian given: likewise unknown
                arguments("grantor", req().actor("Patient/example", "PRCP"), UNDECIDABLE, "Consent.except[0]"),
                // data held by another custodian: the permit does not apply
                arguments("grantor", req().actor("Organization/elsewhere", "CST").actor("Patient/example", "PRCP"),
                        DENY, "Consent.policyRule"),
                // nobody else was given access
                arguments("grantor", req().actor(GOOD_HEALTH_HOSPITAL, "CST").actor("Practitioner/other", "PRCP"), DENY,
                        "Consent.policyRule"),

                // consent-example-notAuthor: "wishes to have all of the PHI collected at the Good Health Psychiatric
                // Hospital restricted from disclosure to every provider." (the deny names Good Health Clinic,
                // 2.16.840.1.113883.19.5, as custodian: the encoded reference is what Custos compares)
                arguments("notAuthor", req().actor(GOOD_HEALTH_CLINIC, "CST").actor("Practitioner/any", "PRCP"), DENY,
                        "Consent.except[0]"),
                // "The default policy is one of implied consent for the provision of care" (opt-in)
                arguments("notAuthor", req().actor("Organization/elsewhere", "CST"), PERMIT, "Consent.policyRule"),

                // consent-example-notOrg: "would like to withdraw/withhold consent to disclose any instance of his
                // health information to Good Health Clinic." (deny access and correct, the clinic as recipient)
                arguments("notOrg", req().actor(GOOD_HEALTH_CLINIC, "PRCP"), DENY, "Consent.except[0]"),
                arguments("notOrg", DecisionRequest.of("correct").at(NOW).actor(GOOD_HEALTH_CLINIC, "PRCP"), DENY,
                        "Consent.except[0]"),
                // other providers keep the implied consent
                arguments("notOrg", req().actor("Organization/other-clinic", "PRCP"), PERMIT, "Consent.policyRule"),

                // consent-example-notThem: "she does not want her ex-spouse to have any access to her IIHI."
                arguments("notThem", req().actor("Practitioner/f204", "PRCP"), DENY, "Consent.except[0]"),
                // "P. realizes that she may receive treatment at GHH": other staff still have access
                arguments("notThem", req().actor("Practitioner/f201", "PRCP"), PERMIT, "Consent.policyRule"),

                // consent-example-notThis: "he would like withhold consent to disclose the order and all results
                // associated with that specific order from all other providers" (deny data related to Task/f201)
                arguments("notThis", req().actor("Practitioner/f201", "PRCP").data("Task/f201"), DENY,
                        "Consent.except[0]"),
                arguments("notThis", req().actor("Practitioner/f201", "PRCP").data("Observation/other"), PERMIT,
                        "Consent.policyRule"),
                // which data is asked for decides: without it, undecidable
                arguments("notThis", req().actor("Practitioner/f201", "PRCP"), UNDECIDABLE, "Consent.except[0]"),

                // consent-example-notTime: "wishes to withhold disclosure of all data from a timeframe to any
                // provider." (encoded as except.period 2015-01-01 – 2015-02-01, compared with the request date)
                arguments("notTime", DecisionRequest.of("access").at("2015-01-15").actor("Practitioner/f201", "PRCP"), DENY,
                        "Consent.except[0]"),
                arguments("notTime", DecisionRequest.of("access").at("2015-02-01T23:00:00Z").actor("Practitioner/f201",
                        "PRCP"), DENY, "Consent.except[0]"),
                arguments("notTime", DecisionRequest.of("access").at("2015-03-01").actor("Practitioner/f201", "PRCP"),
                        PERMIT, "Consent.policyRule"),

                // consent-example-pkb ("how to encode this screen shot", Patients Know Best): opt-out, and each team
                // may access data of the listed confidentiality / sensitivity labels only
                arguments("pkb", req().actor("Organization/ich-nmt", "PRCP").labelled("N"), PERMIT,
                        "Consent.except[0]"),
                arguments("pkb", req().actor("Organization/ich-nmt", "PRCP").labelled("PSY"), PERMIT,
                        "Consent.except[1]"),
                // the non-migrated team was not given sexual-health data; the core team was
                arguments("pkb", req().actor("Organization/ich-nmt", "PRCP").labelled("SEX"), DENY,
                        "Consent.policyRule"),
                arguments("pkb", req().actor("Organization/ich-core", "PRCP").labelled("SEX"), PERMIT,
                        "Consent.except[6]"),
                // neuro-oncology has normal data only
                arguments("pkb", req().actor("Organization/ich-non", "PRCP").labelled("PSY"), DENY,
                        "Consent.policyRule"),
                arguments("pkb", req().actor("Organization/ich-non", "PRCP").labelled("N"), PERMIT,
                        "Consent.except[11]"),
                arguments("pkb", req().actor("Organization/ich-nmt", "PRCP"), UNDECIDABLE, "Consent.except[0]"),

                // consent-example-signature (generated narrative): "period : 10/10/2015 --> 10/10/2016",
                // "Actors ... primary information recipient Practitioner/13", "policyRule : .../opt-in", "except
                // type : permit ... author ... Practitioner/xcda-author class : application/hl7-cda+xml code :
                // Summary of episode note ..., Discharge summary"
                arguments("signature", DecisionRequest.of("access").at("2016-01-01").actor("Practitioner/13", "PRCP")
                        .actor("Practitioner/xcda-author", "AUT").dataClass("urn:ietf:bcp:13|application/hl7-cda+xml")
                        .code("http://loinc.org|18842-5"), PERMIT, "Consent.except[0]"),
                // the permit adds nothing to opt-in: what it would need is not given, the base policy permits
                arguments("signature", DecisionRequest.of("access").at("2016-01-01").actor("Practitioner/13", "PRCP"),
                        PERMIT, "Consent.policyRule"),
                arguments("signature", DecisionRequest.of("access").at("2016-10-11").actor("Practitioner/13", "PRCP"),
                        NOT_APPLICABLE, "Consent.period"),
                // the consent is about Practitioner/13 as recipient only
                arguments("signature", DecisionRequest.of("access").at("2016-01-01").actor("Practitioner/99", "PRCP"),
                        NOT_APPLICABLE, "Consent.actor"),

                // consent-example-smartonfhir (generated narrative): "period : 23/06/2016 5:02:33 PM --> 23/06/2016
                // 5:32:33 PM", "policyRule : .../opt-in", "Excepts - Type Action Class * permit Access
                // MedicationRequest"
                arguments("smartonfhir", DecisionRequest.of("access").at("2016-06-23T17:10:00+10:00")
                        .actor("Practitioner/app", null).dataClass("MedicationRequest"), PERMIT, "Consent.except[0]"),
                arguments("smartonfhir", DecisionRequest.of("access").at("2016-06-23T07:10:00Z")
                        .dataClass("http://hl7.org/fhir/resource-types#MedicationRequest"), PERMIT,
                        "Consent.except[0]"),
                // half an hour only
                arguments("smartonfhir", DecisionRequest.of("access").at("2016-06-23T17:40:00+10:00")
                        .dataClass("MedicationRequest"), NOT_APPLICABLE, "Consent.period"),
                // other data: opt-in permits it as well (the STU3 encoding does not restrict it to the class)
                arguments("smartonfhir", DecisionRequest.of("access").at("2016-06-23T17:10:00+10:00")
                        .dataClass("Observation"), PERMIT, "Consent.policyRule"));
    }

    static DecisionRequest req() {
        return DecisionRequest.of("access").at(NOW);
    }

    @ParameterizedTest(name = "{0}: {1} → {2} by {3}")
    @MethodSource("examples")
    void officialExamplesJson(String example, DecisionRequest request, Outcome expected, String location) throws IOException {
        check(json(example), request, expected, location);
    }

    @ParameterizedTest(name = "{0} (XML): {2} by {3}")
    @MethodSource("examples")
    void officialExamplesXml(String example, DecisionRequest request, Outcome expected, String location) throws IOException {
        String name = example.equals("basic") ? "consent-example.xml" : "consent-example-" + example + ".xml";
        String xml = Files.readString(dir().resolve(name));
        List<String> json = TestData.FHIR.xmlToJsonResources(new StringReader(xml));
        assertThat(json).hasSize(1);
        check(mapper.readTree(json.get(0)), request, expected, location);
    }

    @Test
    void everyOfficialConsentExampleIsInTheTable() throws IOException {
        List<String> ids;
        try (Stream<Path> files = Files.list(dir())) {
            ids = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("Consent-consent-example-"))
                    .map(n -> n.substring("Consent-consent-example-".length(), n.length() - ".json".length()))
                    .sorted().toList();
        }
        assertThat(ids).hasSize(12);
        assertThat(examples().map(a -> (String) a.get()[0]).distinct().sorted().toList()).isEqualTo(ids);
    }

    private void check(JsonNode consent, DecisionRequest request, Outcome expected, String location) {
        ConsentDecision d = ConsentDecision.compile(consent);
        Result r = d.decide(request);
        assertThat(r.outcome()).as(String.join("\n", r.reasons())).isEqualTo(expected);
        assertThat(r.location()).as(String.join("\n", r.reasons())).isEqualTo(location);
        assertThat(r.reasons()).isNotEmpty();
        assertThat(d.outcome(request)).isEqualTo(expected);
        if (location.startsWith("Consent.except[")) {
            assertThat(r.except()).isEqualTo(Integer.parseInt(location.replaceAll("\\D", "")));
            assertThat(r.rule()).startsWith(location + ": ");
        } else {
            assertThat(r.except()).isEqualTo(-1);
        }
    }

    // ---- the Nictiz zib examples: treatment directives, not privacy consents ----

    @Test
    void treatmentDirectivesWithoutAPolicyRuleAreUndecidableUnlessAnExceptionDecides() throws IOException {
        for (String f : List.of("zib-AdvanceDirective-01.xml", "zib-AdvanceDirective-02.xml",
                "zib-AdvanceDirective-03.xml", "zib-TreatmentDirective-02.xml")) {
            Result r = decide(xml(f), req());
            assertThat(r.outcome()).as(f).isEqualTo(UNDECIDABLE);
            assertThat(r.location()).as(f).isEqualTo("Consent.policyRule");
            assertThat(r.rule()).as(f).isEqualTo("base policy (policyRule missing)");
        }
        // "Niet toegestaan tenzij" (not allowed unless): a deny stating no criteria, its condition in an extension
        Result r = decide(xml("zib-TreatmentDirective-01.xml"), req());
        assertThat(r.outcome()).isEqualTo(DENY);
        assertThat(r.location()).isEqualTo("Consent.except[0]");
        assertThat(r.rule()).isEqualTo("Consent.except[0]: deny (no criteria: always)");
    }

    // ---- edge cases ----

    @Test
    void aConsentThatIsNotActiveIsNotInForce() {
        for (String status : List.of("draft", "proposed", "rejected", "inactive", "entered-in-error")) {
            Result r = decide(consent(status, "http://hl7.org/fhir/ConsentPolicy/opt-in", ""), req());
            assertThat(r.outcome()).isEqualTo(NOT_APPLICABLE);
            assertThat(r.location()).isEqualTo("Consent.status");
            assertThat(r.reasons()).anyMatch(s -> s.contains("Not in force") && s.contains(status));
        }
    }

    @Test
    void periodBoundsAreInclusiveToTheirPrecision() {
        String c = "{\"resourceType\":\"Consent\",\"status\":\"active\",\"period\":{\"start\":\"2015\","
                + "\"end\":\"2015-06\"},\"policyRule\":\"http://hl7.org/fhir/ConsentPolicy/opt-in\"}";
        assertThat(decide(c, DecisionRequest.of("access").at("2015-01-01T00:00:00Z")).outcome()).isEqualTo(PERMIT);
        assertThat(decide(c, DecisionRequest.of("access").at("2015-06-30T23:59:59Z")).outcome()).isEqualTo(PERMIT);
        assertThat(decide(c, DecisionRequest.of("access").at("2015-07-01")).outcome()).isEqualTo(NOT_APPLICABLE);
        assertThat(decide(c, DecisionRequest.of("access").at("2014-12-31T23:59:59Z")).outcome()).isEqualTo(NOT_APPLICABLE);
    }

    @Test
    void aDenyWinsOverAPermitAsSpecificAndAMoreSpecificEntryOverABroaderOne() {
        String c = consent("active", "http://hl7.org/fhir/ConsentPolicy/opt-out",
                ",\"except\":[{\"type\":\"permit\",\"purpose\":[{\"code\":\"TREAT\"}]},"
                        + "{\"type\":\"deny\",\"securityLabel\":[{\"code\":\"PSY\"}]},"
                        + "{\"type\":\"permit\",\"purpose\":[{\"code\":\"TREAT\"}],\"securityLabel\":[{\"code\":"
                        + "\"PSY\"}],\"actor\":[{\"reference\":{\"reference\":\"Practitioner/psy\"}}]}]");
        Result tie = decide(c, req().purpose("TREAT").labelled("PSY").actor("Practitioner/x", "PRCP"));
        assertThat(tie.outcome()).isEqualTo(DENY);
        assertThat(tie.location()).isEqualTo("Consent.except[1]");
        assertThat(tie.reasons()).anyMatch(s -> s.contains("a deny wins"));
        Result specific = decide(c, req().purpose("TREAT").labelled("PSY").actor("Practitioner/psy", "PRCP"));
        assertThat(specific.outcome()).isEqualTo(PERMIT);
        assertThat(specific.location()).isEqualTo("Consent.except[2]");
        assertThat(decide(c, req().purpose("TREAT").labelled("N")).location()).isEqualTo("Consent.except[0]");
        // a label list given as empty is known (the data carries none): the deny does not apply
        assertThat(decide(c, req().purpose("TREAT").labelled().actor("Practitioner/x", null)).outcome())
                .isEqualTo(PERMIT);
        // labels unknown: the deny (as specific as the permit) might apply
        Result unknown = decide(c, req().purpose("TREAT").actor("Practitioner/x", null));
        assertThat(unknown.outcome()).isEqualTo(UNDECIDABLE);
        assertThat(unknown.location()).isEqualTo("Consent.except[1]");
    }

    @Test
    void aCodeWithoutSystemMatchesAnySystemAndSystemsMustOtherwiseAgree() {
        String c = consent("active", "http://hl7.org/fhir/ConsentPolicy/opt-in",
                ",\"except\":[{\"type\":\"deny\",\"purpose\":[{\"system\":\"http://hl7.org/fhir/v3/ActReason\","
                        + "\"code\":\"HMARKT\"}]}]");
        assertThat(decide(c, req().purpose("HMARKT")).outcome()).isEqualTo(DENY);
        assertThat(decide(c, req().purpose("http://hl7.org/fhir/v3/ActReason|HMARKT")).outcome()).isEqualTo(DENY);
        // the R4 name of the same code system
        assertThat(decide(c, req().purpose("http://terminology.hl7.org/CodeSystem/v3-ActReason|HMARKT")).outcome())
                .isEqualTo(DENY);
        assertThat(decide(c, req().purpose("http://example.org/other|HMARKT")).outcome()).isEqualTo(PERMIT);
        assertThat(decide(c, req().purpose("hmarkt")).outcome()).isEqualTo(PERMIT);
    }

    @Test
    void referencesCompareAsTypeAndId() {
        String c = consent("active", "http://hl7.org/fhir/v3/ActCode#OPTOUT",
                ",\"except\":[{\"type\":\"permit\",\"actor\":[{\"reference\":{\"reference\":"
                        + "\"https://ehr.example/fhir/Practitioner/7/_history/2\"}}]}]");
        assertThat(decide(c, req().actor("Practitioner/7", null))).extracting(Result::outcome, Result::location)
                .containsExactly(PERMIT, "Consent.except[0]");
        assertThat(decide(c, req().actor("http://other.example/Practitioner/7", "PRCP")).outcome())
                .isEqualTo(PERMIT);
        assertThat(decide(c, req().actor("Practitioner/8", null))).extracting(Result::outcome, Result::rule)
                .containsExactly(DENY, "base policy (policyRule http://hl7.org/fhir/v3/ActCode#OPTOUT): deny");
    }

    @Test
    void actorsOfOneEntryAreGroupedByRoleAndEveryRoleMustBeTaken() {
        String c = consent("active", "http://hl7.org/fhir/ConsentPolicy/opt-out",
                ",\"except\":[{\"type\":\"permit\",\"actor\":["
                        + "{\"role\":{\"coding\":[{\"code\":\"PRCP\"}]},\"reference\":{\"reference\":\"Practitioner/a\"}},"
                        + "{\"role\":{\"coding\":[{\"code\":\"PRCP\"}]},\"reference\":{\"reference\":\"Practitioner/b\"}},"
                        + "{\"role\":{\"coding\":[{\"code\":\"CST\"}]},\"reference\":{\"reference\":\"Organization/h\"}},"
                        + "{\"reference\":{\"reference\":\"Device/app\"}}]}]");
        // same role: alternatives; every role and the role-less actor: all needed
        assertThat(decide(c, req().actor("Practitioner/b", "PRCP").actor("Organization/h", "CST")
                .actor("Device/app", "AUT")).outcome()).isEqualTo(PERMIT);
        assertThat(decide(c, req().actor("Practitioner/a", "PRCP").actor("Organization/h", "CST")
                .actor("Device/app", null)).outcome()).isEqualTo(PERMIT);
        // someone else in the CST role: the permit does not apply
        assertThat(decide(c, req().actor("Practitioner/a", "PRCP").actor("Organization/x", "CST")
                .actor("Device/app", null)).outcome()).isEqualTo(DENY);
        // the role-less actor absent (others given): does not apply
        assertThat(decide(c, req().actor("Practitioner/a", "PRCP").actor("Organization/h", "CST")).outcome())
                .isEqualTo(DENY);
        // nobody in the CST role: unknown, and the permit would change the answer
        Result r = decide(c, req().actor("Practitioner/a", "PRCP").actor("Device/app", null));
        assertThat(r.outcome()).isEqualTo(UNDECIDABLE);
        assertThat(r.rule()).contains("Practitioner/a or Practitioner/b (PRCP) and Organization/h (CST) and Device/app");
    }

    @Test
    void anUnknownPolicyRuleDecidesNothingByItself() {
        String c = consent("active", "http://hl7.org/fhir/ConsentPolicy/hipaa-auth",
                ",\"except\":[{\"type\":\"permit\",\"purpose\":[{\"code\":\"TREAT\"}]}]");
        assertThat(decide(c, req().purpose("TREAT")).outcome()).isEqualTo(PERMIT);
        Result r = decide(c, req().purpose("HMARKT"));
        assertThat(r.outcome()).isEqualTo(UNDECIDABLE);
        assertThat(r.location()).isEqualTo("Consent.policyRule");
        assertThat(r.reasons()).anyMatch(s -> s.contains("does not know"));
    }

    @Test
    void aMissingPurposeIsUndecidableOnlyWhenItCouldChangeTheOutcome() {
        String c = consent("active", "http://hl7.org/fhir/ConsentPolicy/opt-in",
                ",\"except\":[{\"type\":\"permit\",\"purpose\":[{\"code\":\"TREAT\"}]},"
                        + "{\"type\":\"deny\",\"purpose\":[{\"code\":\"HMARKT\"}]}]");
        // a permit that might apply changes nothing under opt-in; the deny might
        Result r = decide(c, req());
        assertThat(r.outcome()).isEqualTo(UNDECIDABLE);
        assertThat(r.location()).isEqualTo("Consent.except[1]");
        assertThat(r.reasons()).anyMatch(s -> s.contains("does not give a purpose of use")
                || s.contains("purpose of use"));
        String permitOnly = consent("active", "http://hl7.org/fhir/ConsentPolicy/opt-in",
                ",\"except\":[{\"type\":\"permit\",\"purpose\":[{\"code\":\"TREAT\"}]}]");
        assertThat(decide(permitOnly, req()).outcome()).isEqualTo(PERMIT);
    }

    @Test
    void scopeAndDataPeriod() {
        String c = consent("active", "http://hl7.org/fhir/ConsentPolicy/opt-out",
                ",\"purpose\":[{\"code\":\"TREAT\"}],\"dataPeriod\":{\"start\":\"2010-01-01\"}");
        assertThat(decide(c, req().purpose("TREAT").dataDate("2012-03-04")).outcome()).isEqualTo(DENY);
        assertThat(decide(c, req().purpose("TREAT").dataDate("2009-03-04")).location())
                .isEqualTo("Consent.dataPeriod");
        assertThat(decide(c, req().purpose("TREAT")).outcome()).isEqualTo(UNDECIDABLE);
        assertThat(decide(c, req().purpose("ETREAT").dataDate("2012-03-04")))
                .extracting(Result::outcome, Result::location).containsExactly(NOT_APPLICABLE, "Consent.purpose");
    }

    @Test
    void badConsentsAreRefused() {
        assertThatThrownBy(() -> decide("{\"resourceType\":\"Patient\"}", req()))
                .hasMessageContaining("not a Consent");
        assertThatThrownBy(() -> decide(consent("active", "x", ",\"except\":[{\"type\":\"maybe\"}]"), req()))
                .hasMessageContaining("Consent.except[0].type");
        assertThatThrownBy(() -> decide(consent("active", "x", ",\"dataPeriod\":{\"start\":\"yesterday\"}"), req()))
                .hasMessageContaining("Consent.dataPeriod");
    }

    @Test
    void theQuickOutcomeAgreesWithTheExplainedDecision() throws IOException {
        // outcome() skips building the reasoning (for checking many events); it must answer as decide() does
        ConsentDecision d = ConsentDecision.compile(json("pkb"));
        DecisionRequest[] rs = {req().actor("Organization/ich-nmt", "PRCP").labelled("N"),
                req().actor("Organization/ich-core", "PRCP").labelled("SEX"),
                req().actor("Organization/ich-non", "PRCP").labelled("PSY"),
                req().actor("Organization/ich-non", "PRCP"),
                req()};
        for (DecisionRequest r : rs) {
            assertThat(d.outcome(r)).as(r.toString()).isEqualTo(d.decide(r).outcome());
        }
        assertThat(d.outcome(rs[0])).isEqualTo(PERMIT);
    }

    // ---- helpers ----

    private Result decide(String json, DecisionRequest r) {
        try {
            return ConsentDecision.compile(mapper.readTree(json)).decide(r);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String consent(String status, String rule, String more) {
        return "{\"resourceType\":\"Consent\",\"status\":\"" + status + "\",\"policyRule\":\"" + rule + "\"" + more
                + "}";
    }

    private JsonNode json(String example) throws IOException {
        return mapper.readTree(dir().resolve("Consent-consent-example-" + example + ".json").toFile());
    }

    private String xml(String file) throws IOException {
        return TestData.FHIR.xmlToJsonResources(new StringReader(Files.readString(dir().resolve(file)))).get(0);
    }

    private static Path dir() {
        return TestData.examples().resolve("consent");
    }
}
