package org.custos.consent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.custos.TestData;
import org.custos.consent.ConsentTemplates.Coding;
import org.custos.consent.ConsentTemplates.Kind;
import org.custos.consent.ConsentTemplates.Parameters;
import org.custos.consent.ConsentTemplates.Patient;
import org.custos.fhir.CodedValues;
import org.custos.fhir.ResourceValidator;
import org.custos.fhir.ValidationProblem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every template gives a complete STU3 Consent that the validator passes without errors. */
class ConsentTemplatesTest {
    static ResourceValidator validator;
    static final ConsentTemplates templates = new ConsentTemplates(Clock.fixed(Instant.parse(
            "2026-12-02T10:15:30.123Z"), ZoneOffset.UTC));
    static final Patient PATIENT = new Patient("Patient/f001", "P. van de Heuvel");

    @BeforeAll
    static void build() {
        validator = new ResourceValidator(TestData.FHIR);
    }

    /** Parameters for each kind, taken from the value sets the editor offers. */
    static Parameters parametersFor(Kind kind, CodedValues values) {
        return switch (kind.needs()) {
            case NOTHING -> Parameters.none();
            case ACTOR -> Parameters.actors(List.of(new ConsentTemplates.Actor("Practitioner/12", "Dr. X"),
                    new ConsentTemplates.Actor("Organization/o1", null)));
            case DATA_CLASS -> Parameters.code(coding(values.contentClasses(), "Observation"));
            case SECURITY_LABEL -> Parameters.code(coding(values.securityLabels(), "PSY"));
            case PERIOD -> Parameters.period(LocalDate.of(2020, 1, 1), LocalDate.of(2020, 12, 31));
        };
    }

    static Coding coding(List<CodedValues.Code> list, String code) {
        CodedValues.Code c = list.stream().filter(x -> x.code().equals(code)).findFirst().orElseThrow();
        return new Coding(c.system(), c.code(), c.display());
    }

    @Test
    void everyTemplatePassesTheValidatorWithoutErrorsInJsonText() {
        CodedValues values = validator.codedValues();
        assertThat(templates.kinds()).hasSize(9);
        for (Kind kind : templates.kinds()) {
            ObjectNode consent = templates.create(kind, PATIENT, parametersFor(kind, values));
            List<ValidationProblem> problems = validator.validate(templates.toJson(consent), "Consent");
            assertThat(problems.stream().filter(ValidationProblem::isError).toList())
                    .as(kind + ":\n" + templates.toJson(consent) + "\n" + problems).isEmpty();
            // no other warnings either: every code comes from its value set (LOINC is not shipped with the validator)
            assertThat(problems).as(kind + ": " + problems).allSatisfy(ConsentTemplatesTest::isLoincNotHeld);
            assertThat(consent.get("resourceType").asText()).isEqualTo("Consent");
            assertThat(consent.get("status").asText()).isEqualTo("draft");
            assertThat(consent.at("/patient/reference").asText()).isEqualTo("Patient/f001");
            assertThat(consent.at("/patient/display").asText()).isEqualTo("P. van de Heuvel");
            assertThat(consent.get("dateTime").asText()).isEqualTo("2026-12-02T10:15:30Z");
            assertThat(consent.at("/category/0/coding/0/code").asText()).isEqualTo("59284-0");
            assertThat(consent.get("policyRule").asText()).startsWith("http://hl7.org/fhir/ConsentPolicy/");
            assertThat(kind.title()).isNotBlank();
            assertThat(kind.description()).isNotBlank().endsWith(".");
        }
    }

    @Test
    void whatEachTemplateSays() {
        assertThat(templates.optIn(PATIENT).get("policyRule").asText()).isEqualTo(ConsentTemplates.POLICY_OPT_IN);
        assertThat(templates.optIn(PATIENT).has("except")).isFalse();
        assertThat(templates.optOut(PATIENT).get("policyRule").asText()).isEqualTo(ConsentTemplates.POLICY_OPT_OUT);

        JsonNode actor = templates.shareAllExceptActor(PATIENT, "Organization/o1", null, null).at("/except/0");
        assertThat(actor.get("type").asText()).isEqualTo("deny");
        assertThat(actor.at("/actor/0/reference/reference").asText()).isEqualTo("Organization/o1");
        assertThat(actor.at("/actor/0/role/coding/0/code").asText()).isEqualTo("IRCP");
        assertThat(actor.at("/actor/0/reference").has("display")).isFalse();

        // several actors: one rule, each in the same role (any of them is meant)
        List<ConsentTemplates.Actor> two = List.of(new ConsentTemplates.Actor("Practitioner/12", "Dr. X"),
                new ConsentTemplates.Actor("Organization/o1", null));
        JsonNode except = templates.create(Kind.SHARE_ALL_EXCEPT_ACTOR, PATIENT, Parameters.actors(two));
        assertThat(except.get("policyRule").asText()).isEqualTo(ConsentTemplates.POLICY_OPT_IN);
        assertThat(except.get("except")).hasSize(1);
        assertThat(except.at("/except/0/type").asText()).isEqualTo("deny");
        assertThat(except.at("/except/0/actor")).hasSize(2);
        assertThat(except.at("/except/0/actor/0/reference/display").asText()).isEqualTo("Dr. X");
        assertThat(except.at("/except/0/actor/1/reference/reference").asText()).isEqualTo("Organization/o1");
        assertThat(except.at("/except/0/actor/1/role/coding/0/code").asText()).isEqualTo("IRCP");
        JsonNode only = templates.create(Kind.SHARE_ONLY_WITH_ACTORS, PATIENT, Parameters.actors(two));
        assertThat(only.get("policyRule").asText()).isEqualTo(ConsentTemplates.POLICY_OPT_OUT);
        assertThat(only.at("/except/0/type").asText()).isEqualTo("permit");
        assertThat(only.at("/except/0/actor")).hasSize(2);
        assertThat(only.at("/except/0/actor/0/reference/reference").asText()).isEqualTo("Practitioner/12");

        JsonNode label = templates.shareAllExceptSecurityLabel(PATIENT, new Coding(
                "http://hl7.org/fhir/v3/Confidentiality", "R", "restricted")).at("/except/0");
        assertThat(label.get("type").asText()).isEqualTo("deny");
        assertThat(label.at("/securityLabel/0/code").asText()).isEqualTo("R");

        JsonNode period = templates.shareAllExceptPeriod(PATIENT, null, LocalDate.of(2019, 6, 30)).at("/except/0");
        assertThat(period.at("/dataPeriod/end").asText()).isEqualTo("2019-06-30");
        assertThat(period.at("/dataPeriod").has("start")).isFalse();

        JsonNode research = templates.research(PATIENT);
        assertThat(research.at("/purpose/0/code").asText()).isEqualTo("HRESCH");
        assertThat(research.at("/category/1/coding/0/code").asText()).isEqualTo("RESEARCH");

        JsonNode btg = templates.emergencyAccess(PATIENT);
        assertThat(btg.get("policyRule").asText()).isEqualTo(ConsentTemplates.POLICY_OPT_OUT);
        assertThat(btg.at("/except/0/type").asText()).isEqualTo("permit");
        assertThat(btg.at("/except/0/purpose/0/code").asText()).isEqualTo("ETREAT");

        // a bare id is a Patient id; no display, no display element
        ObjectNode bare = templates.optIn(new Patient("123"));
        assertThat(bare.at("/patient/reference").asText()).isEqualTo("Patient/123");
        assertThat(bare.get("patient").has("display")).isFalse();
        assertThat(validator.validate(templates.toJson(bare), "Consent")).allSatisfy(
                ConsentTemplatesTest::isLoincNotHeld);
    }

    /** The one warning a template gets: the validator holds no LOINC, so it cannot check 59284-0. */
    static void isLoincNotHeld(ValidationProblem p) {
        assertThat(p.severity()).isEqualTo(ValidationProblem.Severity.WARNING);
        assertThat(p.location()).isEqualTo("Consent.category[0]");
        assertThat(p.message()).contains("CodeSystem is unknown").contains("http://loinc.org#59284-0");
    }

    @Test
    void missingParametersAreRefusedSayingWhat() {
        assertThatThrownBy(() -> templates.create(Kind.SHARE_ALL_EXCEPT_ACTOR, PATIENT, Parameters.none()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Practitioner/12");
        assertThatThrownBy(() -> templates.create(Kind.SHARE_ONLY_WITH_ACTORS, PATIENT, Parameters.actors(List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Share only with");
        assertThatThrownBy(() -> templates.create(Kind.SHARE_ALL_EXCEPT_DATA_CLASS, PATIENT, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("class of data");
        assertThatThrownBy(() -> templates.create(Kind.SHARE_ALL_EXCEPT_LABEL, PATIENT, Parameters.none()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("security label");
        assertThatThrownBy(() -> templates.create(Kind.SHARE_ALL_EXCEPT_PERIOD, PATIENT, Parameters.none()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("start or an end");
        assertThatThrownBy(() -> templates.shareAllExceptPeriod(PATIENT, LocalDate.of(2020, 2, 1),
                LocalDate.of(2020, 1, 1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before");
        assertThatThrownBy(() -> new Patient(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("patient's reference");
        assertThatThrownBy(() -> templates.optIn(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
