package org.custos.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.custos.cache.AuditFilter;
import org.custos.cache.Cache;
import org.custos.demo.DemoGenerator;
import org.custos.fhir.Cancellation;
import org.custos.fhir.ServerProfile;
import org.custos.fhir.SmartConfiguration;
import org.custos.fhir.SmartLogin;
import org.custos.fhir.SmartTokens;
import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.custos.testserver.PatientSeed;
import org.custos.testserver.TestAuth;
import org.hl7.fhir.dstu3.model.AuditEvent;
import org.hl7.fhir.dstu3.model.Reference;
import org.hl7.fhir.dstu3.model.Resource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Patient mode against the real server: signed in as patient A with patient-level scopes at the SMART-protected
 * {@code /smart/fhir}, whose compartment check (HAPI's AuthorizationInterceptor) refuses anything of another
 * patient, Custos syncs A's AuditEvents and Consents — as many as the server itself finds for A — and nothing of
 * patient B; the same token used as staff (no patient) is refused. A server that answers with more than A's own
 * (here a proxy slipping B's event into A's search) gets B's event not stored, and says so.
 */
@ExtendWith(FhirServerExtension.class)
class PatientModeSyncTest {
    private final MockOAuth2Server oauth = org.custos.testserver.StrictAuthorization.server();
    private LocalFhirServer server;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (server != null) {
            server.guard().distrust();
        }
        oauth.shutdown();
    }

    /** Patient A and B (server ids), 3 events about A, 1 by A, 2 about B, a Consent each. */
    private record Seeded(String a, String b, List<String> eventsOfA, List<String> eventsOfB) {
    }

    private Seeded seed() {
        List<String> patients = server.post(List.of(PatientSeed.patient("Compartment", "Aoife"),
                PatientSeed.patient("Compartment", "Brendan")));
        String a = "Patient/" + patients.get(0);
        String b = "Patient/" + patients.get(1);
        List<AuditEvent> demo = new DemoGenerator(server.context(), 31).events(0, 6);
        List<Resource> ofA = new ArrayList<>();
        List<Resource> ofB = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            AuditEvent e = demo.get(i);
            e.setId((String) null);
            e.getEntity().clear();
            if (i < 3) {
                e.addEntity().setReference(new Reference(a));
                ofA.add(e);
            } else if (i == 3) {
                e.addAgent().setRequestor(true).setReference(new Reference(a)); // A looking at their own record
                ofA.add(e);
            } else {
                e.addEntity().setReference(new Reference(b));
                ofB.add(e);
            }
        }
        List<String> idsOfA = server.post(ofA);
        List<String> idsOfB = server.post(ofB);
        server.post(List.of(PatientSeed.consent(a), PatientSeed.consent(b)));
        return new Seeded(a, b, idsOfA, idsOfB);
    }

    private SmartConfiguration config() {
        return TestAuth.config(oauth);
    }

    private SmartTokens signInAsPatient(String patientId, String scope) throws Exception {
        TestAuth.grantPatient(oauth, "custos-desktop", scope, patientId);
        try (SmartLogin.Pending p = new SmartLogin(Clock.systemUTC()).start(config(), "custos-desktop",
                List.of(scope.split(" ")), server.smartBaseUrl())) {
            TestAuth.follow(TestAuth.authorize(p.browserUri()));
            return p.finish(Duration.ofSeconds(10));
        }
    }

    private static String said(SyncReport r) {
        return r.byType().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue().status + " "
                + e.getValue().message).toList().toString();
    }

    private static SyncReport sync(Cache cache, ServerProfile p) {
        return new SyncEngine(cache).sync(p, new SyncEngine.Options(null, SyncServerTest.FAST), SyncListener.NONE,
                new Cancellation());
    }

    /** How many resources the open server finds for {@code query} (its own count, no Custos involved). */
    private long serverCount(String query) {
        return server.client().search().byUrl(query + "&_summary=count")
                .returnBundle(org.hl7.fhir.dstu3.model.Bundle.class).execute().getTotal();
    }

    @Test
    void aPatientSyncsTheirOwnRecordAndNothingOfAnotherPatient(LocalFhirServer s) throws Exception {
        server = s;
        oauth.start();
        server.guard().trust(oauth, "custos");
        Seeded seeded = seed();
        String idOfA = seeded.a().substring("Patient/".length());
        SmartTokens t = signInAsPatient(idOfA,
                "openid fhirUser launch/patient patient/AuditEvent.read patient/Consent.read");
        assertThat(t.fhirUser()).isEqualTo(seeded.a());
        ServerProfile asPatient = ServerProfile.of("me", server.smartBaseUrl())
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(30))
                .withPaging(2, Set.of("AuditEvent", "Consent", "Patient", "Provenance"), 0)
                .withAuth(ServerProfile.AuthKind.BEARER, null, t.accessToken());
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            // the same token as staff, searching every AuditEvent: the server refuses (others' events would show)
            SyncReport staff = sync(cache, asPatient.withPaging(2, Set.of("AuditEvent"), 0));
            assertThat(staff.completed()).isFalse();
            assertThat(staff.byType().get("AuditEvent").message).contains("403");
            assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isZero();

            SyncReport mine = sync(cache, asPatient.withPatient(idOfA));
            assertThat(mine.completed()).as(said(mine)).isTrue();
            // Patient and Provenance are not synced in patient mode
            assertThat(mine.byType()).containsOnlyKeys("AuditEvent", "Consent");
            long ofA = serverCount("AuditEvent?patient=" + seeded.a());
            assertThat(ofA).isEqualTo(4);
            assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(ofA);
            // three name A as an entity; the fourth has A as its agent
            assertThat(cache.audit().count(AuditFilter.ALL.withPatient(seeded.a()), Long.MAX_VALUE)).isEqualTo(3);
            assertThat(cache.audit().count(AuditFilter.ALL.withPatient(seeded.b()), Long.MAX_VALUE)).isZero();
            assertThat(serverCount("AuditEvent?patient=" + seeded.b())).isEqualTo(2);
            assertThat(cache.resources().count("Consent")).isEqualTo(serverCount("Consent?patient=" + seeded.a()))
                    .isEqualTo(1);
            assertThat(cache.resources().count("Patient")).isZero();
        }
    }

    @Test
    void whatAServerReturnsOfAnotherPatientIsNotStoredAndSaidSo(LocalFhirServer s) throws Exception {
        server = s;
        Seeded seeded = seed();
        ObjectMapper json = new ObjectMapper();
        String eventOfB = server.context().newJsonParser().encodeResourceToString(server.client().read()
                .resource(AuditEvent.class).withId(seeded.eventsOfB().get(0)).execute());
        List<String> notices = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (FaultProxy proxy = new FaultProxy(server.baseUrl()); Cache cache = Cache.open(dir.resolve("c"))) {
            // the server's answer to A's search, with B's event slipped in
            proxy.rewrite(FaultProxy.searchOf("AuditEvent"), 1, body -> {
                try {
                    ObjectNode bundle = (ObjectNode) json.readTree(body);
                    ArrayNode entries = (ArrayNode) bundle.withArray("entry");
                    entries.addObject().set("resource", json.readTree(eventOfB));
                    bundle.put("total", entries.size());
                    return bundle.toString();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            ServerProfile mine = ServerProfile.of("me", proxy.baseUrl()).withPatient(seeded.a())
                    .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(30))
                    .withPaging(100, Set.of("AuditEvent"), 0);
            SyncReport r = new SyncEngine(cache).sync(mine, new SyncEngine.Options(null, SyncServerTest.FAST),
                    new SyncListener() {
                        @Override
                        public void notice(String type, String message) {
                            notices.add(message);
                        }
                    }, new Cancellation());
            assertThat(r.completed()).as(said(r)).isTrue();
            assertThat(proxy.seen()).anyMatch(u -> u.getRawQuery() != null
                    && u.getRawQuery().contains("patient=" + seeded.a()));
            assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(4);
            assertThat(cache.audit().count(AuditFilter.ALL.withPatient(seeded.b()), Long.MAX_VALUE)).isZero();
            assertThat(notices).anyMatch(m -> m.startsWith("1 AuditEvent(s) the server returned are not of "
                    + seeded.a()));
        }
    }
}
