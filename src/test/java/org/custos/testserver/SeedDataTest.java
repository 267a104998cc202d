package org.custos.testserver;

import ca.uhn.fhir.context.FhirContext;
import org.custos.TestData;
import org.custos.demo.DemoGenerator;
import org.custos.fhir.ResourceValidator;
import org.custos.fhir.ValidationProblem;
import org.hl7.fhir.dstu3.model.Consent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo hospital's Consents pass the STU3 validator without an error: a person who opens one in the editor of the
 * demo server can save it (an actor role the validator refuses, as "PROV" in v3 RoleCode instead of RoleClass was, blocks every save).
 */
class SeedDataTest {
    @Test
    void theDemoConsentsHaveNoValidationError() {
        FhirContext ctx = TestData.FHIR.context();
        DemoGenerator gen = new DemoGenerator(ctx, 7);
        List<Consent> consents = SeedData.consents(gen, gen.directory());
        ResourceValidator validator = new ResourceValidator(TestData.FHIR);
        // the first six cover every status, every policy rule and the "except" rule
        for (Consent c : consents.subList(0, 6)) {
            String json = ctx.newJsonParser().encodeResourceToString(c);
            List<ValidationProblem> errors = validator.validate(json, "Consent").stream()
                .filter(ValidationProblem::isError).toList();
            assertThat(errors).as(c.getIdElement().getIdPart()).isEmpty();
        }
    }
}
