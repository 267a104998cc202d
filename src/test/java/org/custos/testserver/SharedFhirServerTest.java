package org.custos.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.MethodOutcome;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.Consent;
import org.hl7.fhir.dstu3.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A second class on the extension: it gets the server {@link LocalFhirServerTest} got, not one of its own. */
@ExtendWith(FhirServerExtension.class)
class SharedFhirServerTest {

    @BeforeAll
    static void clean(LocalFhirServer server) {
        LocalFhirServerTest.SHARED.compareAndSet(null, server);
        server.purge();
    }

    @Test
    void reusesTheServerOfTheOtherClass(LocalFhirServer server) {
        assertThat(LocalFhirServerTest.SHARED.get()).isSameAs(server);
        assertThat(FhirServerExtension.serversStarted()).isEqualTo(1);
    }

    @Test
    void purgeLeavesNothingBehind(LocalFhirServer server) {
        Consent c = new Consent();
        c.setId("shared-consent-1");
        c.setStatus(Consent.ConsentState.ACTIVE);
        c.setPatient(new Reference("Patient/shared-pat-1"));
        MethodOutcome created = server.client().update().resource(c).execute();
        assertThat(created.getId().getIdPart()).isEqualTo("shared-consent-1");
        assertThat(count(server, "Consent")).isEqualTo(1);
        assertThat(count(server, "Patient")).as("placeholder for the reference").isEqualTo(1);

        server.setMaxPageSize(10);
        server.purge();

        assertThat(count(server, "Consent")).isZero();
        assertThat(count(server, "Patient")).isZero();
        assertThat(server.resourceCounts().values()).allMatch(n -> n == 0);
        assertThat(server.maxPageSize()).isEqualTo(LocalFhirServer.DEFAULT_MAX_PAGE_SIZE);
        // and ids can be used again
        server.client().update().resource(c).execute();
        assertThat(count(server, "Consent")).isEqualTo(1);
        server.purge();
    }

    static int count(LocalFhirServer server, String type) {
        Bundle b = server.client().search().forResource(type).summaryMode(ca.uhn.fhir.rest.api.SummaryEnum.COUNT)
            .returnBundle(Bundle.class).execute();
        return b.getTotal();
    }
}
