package org.custos.testserver;

import ca.uhn.fhir.context.FhirContext;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.custos.demo.DemoGenerator;

/**
 * A demo FHIR server to try Custos without one: a HAPI JPA STU3 server in memory on 127.0.0.1, filled with the demo
 * hospital. From a clean clone, one command (Ctrl+C stops it; nothing is kept):
 *
 * <pre>
 * mvn -Pfhir-server process-test-classes
 * </pre>
 *
 * <p>Options: {@code -Dfhir.port=8091} (the default; 0 takes a free port), {@code -Dfhir.events=6000} (the demo
 * AuditEvents to load; 0 loads only the directory, Consents and Provenances), {@code -Dfhir.seed=1} (the demo
 * generator's seed; events end now and span 90 days). It prints {@code Custos demo FHIR server:
 * http://127.0.0.1:8091/fhir} when it is ready: on a 2-core machine about 20-30 s to start and 15-60 s to load the
 * 6000 events (cold JIT; 100-450 AuditEvents/s).
 *
 * <p>With {@code -Dfhir.smart=true} the same data is also served SMART-protected under {@code /smart/fhir}, and an
 * OAuth 2 / OpenID Connect authorization server (mock-oauth2-server) runs on {@code -Dfhir.smart.port=8093}: sign in
 * from a Custos profile with the base URL {@code http://127.0.0.1:8091/smart/fhir}, "SMART on FHIR (sign in)", client
 * id {@code custos-desktop}. The authorization server signs the browser in at once as the demo privacy officer and
 * grants {@code -Dfhir.smart.scopes} (default: read of every type, write of Consent, Provenance and AuditEvent; give
 * fewer to see what Custos says of a missing scope). With {@code -Dfhir.smart.patient=pat-0007} it signs the browser
 * in as that patient instead, with patient-level scopes (patient mode).
 */
public final class LocalFhirServerMain {

    private LocalFhirServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.getInteger("fhir.port", 8091);
        int events = Integer.getInteger("fhir.events", 6000);
        long seed = Long.getLong("fhir.seed", 1L);

        System.out.println("Starting the Custos demo FHIR server on 127.0.0.1:" + port + " ...");
        LocalFhirServer server;
        try {
            server = LocalFhirServer.start(port);
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            System.err.println("Is port " + port + " taken? Another one: -Dfhir.port=8092 (0 picks a free one).");
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "custos-fhir-shutdown"));
        System.out.printf(Locale.ROOT, "Started in %.1f s; loading %d demo events ...%n",
            server.startupTime().toMillis() / 1000.0, events);

        LocalFhirServer.SeedResult r;
        try {
            r = server.seed(new DemoGenerator(FhirContext.forDstu3(), seed), events);
        } catch (RuntimeException e) {
            // Jetty's threads would keep the JVM up with a half-filled server
            e.printStackTrace();
            System.exit(1);
            return;
        }
        Map<String, Long> counts = server.resourceCounts();
        long stored = counts.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf(Locale.ROOT,
            "Loaded %d resources in %.1f s (%d Organization/Practitioner/Patient, %d AuditEvent, %d Consent,"
                + " %d Provenance; %.0f AuditEvents/s) and %d placeholders for what they reference.%n"
                + "On the server: %s%n",
            r.resources(), r.total().toMillis() / 1000.0, r.directory(), r.auditEvents(), r.consents(),
            r.provenances(), r.auditEventsPerSecond(), stored - r.resources(), counts);
        System.out.println("Custos demo FHIR server: " + server.baseUrl());
        if (Boolean.getBoolean("fhir.smart")) {
            smart(server);
        }
        System.out.println("Ctrl+C stops it.");
        stopped.await();
    }

    /** The default demo grant: read everything Custos syncs, write what it writes. */
    static final String DEMO_SCOPES = "openid fhirUser offline_access user/AuditEvent.read user/Consent.read "
            + "user/Provenance.read user/Patient.read user/Practitioner.read user/Organization.read "
            + "user/RelatedPerson.read user/Consent.write user/Provenance.write user/AuditEvent.write";

    /** What a patient signing in is granted ({@code -Dfhir.smart.patient=ID}). */
    private static final String PATIENT_SCOPES = "openid fhirUser offline_access launch/patient patient/AuditEvent.read "
            + "patient/Consent.read patient/Consent.write patient/Provenance.read patient/Provenance.write "
            + "user/Practitioner.read user/Organization.read";

    /** Starts the authorization server and lets the guarded base trust it. */
    private static void smart(LocalFhirServer server) {
        int port = Integer.getInteger("fhir.smart.port", 8093);
        String scopes = System.getProperty("fhir.smart.scopes", "").isBlank() ? DEMO_SCOPES
                : System.getProperty("fhir.smart.scopes").trim();
        com.fasterxml.jackson.databind.node.ObjectNode claims = com.fasterxml.jackson.databind.node.JsonNodeFactory
                .instance.objectNode();
        String patient = System.getProperty("fhir.smart.patient", "").trim();
        claims.putArray("aud").add("custos-desktop");
        if (patient.isEmpty()) {
            claims.put("sub", "demo-privacy-officer");
            claims.put("scope", scopes);
            claims.put("fhirUser", "Practitioner/demo-privacy-officer");
        } else {
            // a patient signs in: patient-level scopes, their patient context (kept to it by PatientCompartmentGuard)
            claims.put("sub", "patient-" + patient);
            claims.put("scope", System.getProperty("fhir.smart.scopes", "").isBlank() ? PATIENT_SCOPES : scopes);
            claims.put("patient", patient);
            claims.put("fhirUser", "Patient/" + patient);
        }
        com.fasterxml.jackson.databind.node.ObjectNode config = com.fasterxml.jackson.databind.node.JsonNodeFactory
                .instance.objectNode();
        config.put("interactiveLogin", false);
        config.put("httpServer", "NettyWrapper");
        com.fasterxml.jackson.databind.node.ObjectNode callback = config.putArray("tokenCallbacks").addObject();
        callback.put("issuerId", "custos");
        callback.put("tokenExpiry", 3600);
        com.fasterxml.jackson.databind.node.ObjectNode mapping = callback.putArray("requestMappings").addObject();
        mapping.put("requestParam", "grant_type");
        mapping.put("match", "*");
        mapping.set("claims", claims);
        no.nav.security.mock.oauth2.MockOAuth2Server oauth = new no.nav.security.mock.oauth2.MockOAuth2Server(
                no.nav.security.mock.oauth2.OAuth2Config.Companion.fromJson(config.toString()));
        try {
            oauth.start(port);
        } catch (RuntimeException e) {
            System.err.println("The authorization server cannot start on port " + port + " (" + e.getMessage()
                    + "); another one: -Dfhir.smart.port=8094.");
            System.exit(1);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(oauth::shutdown, "custos-oauth-shutdown"));
        server.guard().trust(oauth, "custos");
        System.out.println("SMART-protected: " + server.smartBaseUrl() + " (authorization server "
                + oauth.issuerUrl("custos") + "; client id custos-desktop; signs in as " + claims.path("fhirUser")
                .asText() + ", grants: " + claims.path("scope").asText() + ")");
    }
}
