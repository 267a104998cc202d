package org.custos.app;

import org.custos.cache.Cache;
import org.custos.cache.Origins;
import org.custos.consent.MyConsentsViewModel;
import org.custos.fhir.Cancellation;
import org.custos.fhir.ServerProfile;
import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.custos.testserver.PatientSeed;
import org.custos.ui.ImmediateTaskRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "My consents" over the real outbox and the real server: a change waiting in the outbox is listed as such and goes
 * at the next send (then it is listed as the server has it); a change the server refused is listed as not sent, and
 * set aside on the patient's word (kept as record, never sent); another patient's waiting change is not listed.
 */
@ExtendWith(FhirServerExtension.class)
class PatientConsentsTest {
    @TempDir
    Path dir;

    private static String consent(String id, String patient, String status) {
        return "{\"resourceType\":\"Consent\",\"id\":\"" + id + "\",\"status\":\"" + status + "\",\"patient\":"
                + "{\"reference\":\"" + patient + "\"},\"dateTime\":\"2026-12-01T10:00:00Z\",\"policyRule\":"
                + "\"http://hl7.org/fhir/ConsentPolicy/opt-in\"}";
    }

    @Test
    void waitingAndRefusedChangesAreListedSentAndSetAside(LocalFhirServer server) throws Exception {
        List<String> ids = server.post(List.of(PatientSeed.patient("Outbox", "Aoife"),
                PatientSeed.patient("Outbox", "Brendan")));
        String a = "Patient/" + ids.get(0);
        String b = "Patient/" + ids.get(1);
        ServerProfile profile = ServerProfile.of("Clinic", server.baseUrl())
                .withPaging(100, Set.of("AuditEvent", "Consent"), 0).withPatient(a);
        String origin = Origins.normalize(server.baseUrl());
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            cache.origins().idOf(origin);
            PatientConsents consents = PatientConsents.assemble(cache, org.custos.TestData.FHIR, () -> profile,
                    new ImmediateTaskRunner(), ZoneId.of("UTC"));
            // a new consent of A waits in the outbox (made while the server could not be reached); one of B too
            cache.outbox().enqueue(origin, "Consent", "mine-1", null, consent("mine-1", a, "active"));
            cache.outbox().enqueue(origin, "Consent", "theirs-1", null, consent("theirs-1", b, "active"));
            MyConsentsViewModel list = consents.model();
            list.load();
            assertThat(list.rows()).singleElement().satisfies(r -> {
                assertThat(r.kept().id()).isEqualTo("mine-1");
                assertThat(r.state()).isEqualTo("Not in force yet · your change waits to be sent");
                assertThat(r.canWithdraw()).isFalse();
                assertThat(r.canSetAside()).isFalse();
            });
            assertThat(consents.waiting()).isEqualTo(2);

            // the next send: both reach the server (the outbox is the patient's own); A's is listed as the server has it
            assertThat(consents.sendWaiting(new Cancellation())).isEqualTo("2 changes of your consents were sent.");
            list.load();
            assertThat(list.rows()).singleElement().satisfies(r -> {
                assertThat(r.kept().id()).isEqualTo("mine-1");
                assertThat(r.kept().onServer()).isTrue();
                assertThat(r.kept().versionId()).isEqualTo("1");
                assertThat(r.state()).isEqualTo("In force");
                assertThat(r.canWithdraw()).isTrue();
            });

            // a change the server refuses (no such status): listed as not sent, set aside on the patient's word
            cache.outbox().enqueue(origin, "Consent", "mine-2", null, consent("mine-2", a, "no-such-status"));
            consents.sendWaiting(new Cancellation());
            list.load();
            MyConsentsViewModel.Row refused = list.rows().stream().filter(r -> r.kept().id().equals("mine-2"))
                    .findFirst().orElseThrow();
            assertThat(refused.state()).startsWith("Not in force yet · your change was not sent: the server refused");
            assertThat(refused.canSetAside()).isTrue();
            list.setAside(refused);
            assertThat(list.rows()).extracting(r -> r.kept().id()).containsExactly("mine-1");
            assertThat(consents.waiting()).isZero();
            // set aside, not deleted: the outbox keeps it as record
            assertThat(cache.outbox().entriesFor(origin, "Consent", "mine-2")).singleElement()
                    .satisfies(e -> assertThat(e.status().open()).isFalse());
        }
    }
}
