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
        System.out.println("Ctrl+C stops it.");
        stopped.await();
    }
}
