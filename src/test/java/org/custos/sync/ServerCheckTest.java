package org.custos.sync;

import org.custos.fhir.Cancellation;
import org.custos.fhir.ServerCheck;
import org.custos.fhir.ServerProfile;
import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

/** "Test connection" against the real server, and against a proxy that makes it look wrong. */
@ExtendWith(FhirServerExtension.class)
class ServerCheckTest {

    private static ServerCheck.Result check(String url) {
        return ServerCheck.run(ServerProfile.of("t", url), new Cancellation());
    }

    @Test
    void theRealServerIsStu3AndSearchable(LocalFhirServer server) {
        ServerCheck.Result r = check(server.baseUrl());
        assertThat(r.ok()).as(r.messages().toString()).isTrue();
        assertThat(r.fhirVersion()).startsWith("3.0");
        assertThat(r.types()).containsKeys("AuditEvent", "Consent", "Provenance");
        assertThat(r.types().get("AuditEvent").search()).isTrue();
        assertThat(r.types().get("AuditEvent").history()).isTrue();
        assertThat(r.messages().get(0)).contains("STU3").contains("HAPI");
    }

    @Test
    void wrongUrlsNonStu3ServersTlsAndRefusalsAreNamed(LocalFhirServer server) throws Exception {
        URI base = URI.create(server.baseUrl());
        assertThat(check("http://127.0.0.1:" + base.getPort() + "/no-fhir-here").messages().get(0))
                .contains("404").contains("base URL");
        assertThat(check("https://127.0.0.1:" + base.getPort() + "/fhir").messages().get(0))
                .contains("TLS").contains("does not speak TLS on this port");
        try (FaultProxy proxy = new FaultProxy(server.baseUrl())) {
            proxy.rewrite(u -> u.getPath().endsWith("/metadata"), 1,
                    b -> b.replace("\"fhirVersion\":\"3.0.2\"", "\"fhirVersion\":\"4.0.1\""));
            ServerCheck.Result r4 = check(proxy.baseUrl());
            assertThat(r4.ok()).isFalse();
            assertThat(r4.messages().get(0)).contains("R4 (4.0.1)").contains("needs STU3");

            proxy.status(u -> true, 1, 401, "WWW-Authenticate", "Basic realm=\"x\"");
            assertThat(check(proxy.baseUrl()).messages().get(0)).contains("401").contains("HTTP Basic");

            proxy.status(u -> u.getPath().endsWith("/AuditEvent"), 1, 403, null, null);
            ServerCheck.Result forbidden = check(proxy.baseUrl());
            assertThat(forbidden.ok()).isFalse();
            assertThat(forbidden.messages().get(0)).contains("403").contains("read and search rights");
        }
    }

    @Test
    void inPatientModeTheProbeSearchesThePatientsRecordOnly(LocalFhirServer server) throws Exception {
        java.util.List<String> ids = server.post(java.util.List.of(org.custos.testserver.PatientSeed.patient("Probe",
                "Ann")));
        String ann = "Patient/" + ids.get(0);
        try (FaultProxy proxy = new FaultProxy(server.baseUrl())) {
            ServerCheck.Result r = ServerCheck.run(ServerProfile.of("t", proxy.baseUrl()).withPatient(ann),
                    new Cancellation());
            assertThat(r.ok()).as(r.messages().toString()).isTrue();
            assertThat(r.messages()).anyMatch(m -> m.equals("Searching AuditEvent works with these credentials: 0 on "
                    + "the server."));
            assertThat(proxy.seen()).filteredOn(u -> u.getPath().endsWith("/AuditEvent")).isNotEmpty()
                    .allMatch(u -> u.getRawQuery().contains("patient=" + ann));
        }
    }
}
