package org.custos.fhir;

import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.context.support.ValueSetExpansionOptions;
import org.custos.TestData;
import org.custos.fhir.CodedValues.Code;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.dstu3.model.ValueSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The STU3 value sets the Consent editor offers, expanded from HAPI's DSTU3 definitions. */
class CodedValuesTest {
    static CodedValues values;

    @BeforeAll
    static void load() {
        long t0 = System.nanoTime();
        values = new CodedValues(TestData.FHIR);
        values.consentStates();
        System.out.printf("CodedValues: first value set in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    static List<String> codes(List<Code> list) {
        return list.stream().map(Code::code).toList();
    }

    @Test
    void theConsentValueSetsInTheOrderOfTheirDefinitions() {
        assertThat(codes(values.consentStates())).containsExactly("draft", "proposed", "active", "rejected",
                "inactive", "entered-in-error");
        assertThat(values.consentStates()).allSatisfy(c ->
                assertThat(c.system()).isEqualTo("http://hl7.org/fhir/consent-state-codes"));
        assertThat(values.exceptTypes()).containsExactly(
                new Code("http://hl7.org/fhir/consent-except-type", "deny", "Opt Out"),
                new Code("http://hl7.org/fhir/consent-except-type", "permit", "Opt In"));
        assertThat(codes(values.consentActions())).containsExactlyInAnyOrder("collect", "access", "use", "disclose",
                "correct");
        assertThat(codes(values.dataMeanings())).containsExactly("instance", "related", "dependents", "authoredby");
    }

    @Test
    void categoriesPurposesLabelsRolesAndClasses() {
        assertThat(values.consentCategories()).contains(new Code("http://loinc.org", "59284-0", "Patient Consent"))
                .anySatisfy(c -> assertThat(c.code()).isEqualTo("RESEARCH"))
                .anySatisfy(c -> assertThat(c.code()).isEqualTo("EMRGONLY"))
                // v3 ActConsentType, without its abstract root _ActConsentType
                .anySatisfy(c -> assertThat(c.code()).isEqualTo("ICOL"))
                .noneSatisfy(c -> assertThat(c.code()).startsWith("_"));
        assertThat(values.purposesOfUse()).extracting(Code::code).contains("TREAT", "ETREAT", "HRESCH", "HPAYMT");
        assertThat(values.purposesOfUse()).allSatisfy(c ->
                assertThat(c.system()).isEqualTo("http://hl7.org/fhir/v3/ActReason"));
        assertThat(values.securityLabels()).contains(new Code("http://hl7.org/fhir/v3/Confidentiality", "R",
                "restricted"))
                .anySatisfy(c -> assertThat(c.code()).isEqualTo("PSY"))
                .anySatisfy(c -> assertThat(c.code()).isEqualTo("HIV"))
                .anySatisfy(c -> assertThat(c.code()).isEqualTo("ETREAT"))
                .noneSatisfy(c -> assertThat(c.code()).startsWith("_"));
        assertThat(values.actorRoles()).extracting(Code::code).contains("IRCP", "PROV", "GUARD", "CONSENTER", "AUT");
        assertThat(values.contentClasses()).anySatisfy(c -> {
            assertThat(c.system()).isEqualTo("http://hl7.org/fhir/resource-types");
            assertThat(c.code()).isEqualTo("Observation");
        }).anySatisfy(c -> assertThat(c.code()).isEqualTo("application/hl7-cda+xml"));
        for (List<Code> list : List.of(values.consentCategories(), values.consentActions(), values.exceptTypes(),
                values.dataMeanings(), values.securityLabels(), values.purposesOfUse(), values.actorRoles(),
                values.consentStates(), values.contentClasses())) {
            assertThat(list).isNotEmpty().doesNotHaveDuplicates().allSatisfy(c -> {
                assertThat(c.system()).isNotBlank();
                assertThat(c.code()).isNotBlank();
                assertThat(c.display()).isNotBlank();
            });
        }
    }

    @Test
    void everyCodeIsInHapisOwnExpansionOfTheValueSet() {
        IValidationSupport definitions = new DefaultProfileValidationSupport(TestData.FHIR.context());
        ValidationSupportChain chain = new ValidationSupportChain(definitions,
                new InMemoryTerminologyServerValidationSupport(TestData.FHIR.context()));
        for (String url : List.of(CodedValues.CONSENT_CATEGORY, CodedValues.CONSENT_ACTION,
                CodedValues.CONSENT_EXCEPT_TYPE, CodedValues.CONSENT_DATA_MEANING, CodedValues.CONSENT_STATE,
                CodedValues.CONSENT_CONTENT_CLASS, CodedValues.SECURITY_LABELS, CodedValues.PURPOSE_OF_USE,
                CodedValues.SECURITY_ROLE_TYPE)) {
            IValidationSupport.ValueSetExpansionOutcome hapi = chain.expandValueSet(
                    new ValidationSupportContext(chain), new ValueSetExpansionOptions().setCount(100_000), url);
            assertThat(hapi).as(url).isNotNull();
            Set<String> theirs = ((ValueSet) hapi.getValueSet()).getExpansion().getContains().stream()
                    .map(c -> c.getSystem() + "|" + c.getCode()).collect(Collectors.toSet());
            List<String> ours = values.expand(url).stream().map(c -> c.system() + "|" + c.code()).toList();
            assertThat(theirs).as(url).containsAll(ours);
            // HAPI keeps the abstract groupings ("_..."), we leave them out; nothing else differs
            assertThat(theirs.stream().filter(k -> !ours.contains(k)).filter(k -> !k.contains("|_")).toList())
                    .as(url).isEmpty();
        }
    }

    @Test
    void anUnknownValueSetIsRefusedByName() {
        assertThatThrownBy(() -> values.expand("http://example.org/ValueSet/nope"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://example.org/ValueSet/nope");
        // the same list each time (expanded once)
        assertThat(values.securityLabels()).isSameAs(values.securityLabels());
    }
}
