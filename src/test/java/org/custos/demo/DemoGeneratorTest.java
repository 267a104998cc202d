package org.custos.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.hl7.fhir.dstu3.model.AuditEvent;
import org.hl7.fhir.dstu3.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.dstu3.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.Patient;
import org.hl7.fhir.dstu3.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoGeneratorTest {

    private static final Instant END = Instant.parse("2025-03-14T17:30:00Z");
    private static final int DAYS = 90;
    private static final int DIRECTORY_SIZE = 1 + 50 + 500;

    private static FhirContext ctx;
    private static DemoGenerator gen;
    private static List<AuditEvent> mix;

    @TempDir
    Path tmp;

    @BeforeAll
    static void setUp() {
        ctx = FhirContext.forDstu3();
        gen = new DemoGenerator(ctx, 42L, END, DAYS);
        // round trip through JSON so the mix assertions see what a reader of the file sees
        Bundle b = parser().parseResource(Bundle.class, gen.bundleJson(0, 5000, false));
        mix = b.getEntry().stream().map(e -> (AuditEvent) e.getResource()).toList();
    }

    private static IParser parser() {
        return ctx.newJsonParser();
    }

    private static List<String> encode(List<? extends Resource> resources) {
        IParser p = parser();
        return resources.stream().map(p::encodeResourceToString).toList();
    }

    @Test
    void sameSeedGivesIdenticalJsonAndOtherSeedDiffers() {
        String a = new DemoGenerator(ctx, 42L, END, DAYS).bundleJson(0, 300, true);
        String b = new DemoGenerator(ctx, 42L, END, DAYS).bundleJson(0, 300, true);
        String c = new DemoGenerator(ctx, 43L, END, DAYS).bundleJson(0, 300, true);
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
        assertThat(encode(new DemoGenerator(ctx, 42L).directory())).isEqualTo(encode(gen.directory()));
        assertThat(encode(new DemoGenerator(ctx, 43L).directory())).isNotEqualTo(encode(gen.directory()));
    }

    @Test
    void outputDoesNotDependOnDefaultTimeZone() {
        TimeZone saved = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata"));
            String india = gen.bundleJson(0, 200, false);
            TimeZone.setDefault(TimeZone.getTimeZone("America/Los_Angeles"));
            String california = gen.bundleJson(0, 200, false);
            assertThat(india).isEqualTo(california);
        } finally {
            TimeZone.setDefault(saved);
        }
    }

    @Test
    void chunksGiveTheSameEventsAsOneRun() {
        List<AuditEvent> whole = gen.events(0, 100);
        List<AuditEvent> chunked = new ArrayList<>(gen.events(0, 50));
        chunked.addAll(gen.events(50, 50));
        assertThat(encode(chunked)).isEqualTo(encode(whole));
        assertThat(encode(gen.events(77, 1))).containsExactly(encode(whole).get(77));
        assertThat(whole.get(5).getIdElement().getIdPart()).isEqualTo("demo-42-5");
        String tail = gen.bundleJson(2000, 1500, false);
        Bundle b = parser().parseResource(Bundle.class, tail);
        assertThat(encode(b.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).toList()))
            .isEqualTo(encode(mix.subList(2000, 3500)));
    }

    @Test
    void bundleParsesBackWithExpectedContent() {
        String json = gen.bundleJson(0, 300, true);
        assertThat(json).doesNotContain("\n").startsWith("{\"resourceType\":\"Bundle\"");
        Bundle b = parser().parseResource(Bundle.class, json);
        assertThat(b.getType()).isEqualTo(Bundle.BundleType.COLLECTION);
        assertThat(b.getEntry()).hasSize(DIRECTORY_SIZE + 300);
        Map<String, Long> byType = b.getEntry().stream()
            .collect(Collectors.groupingBy(e -> e.getResource().fhirType(), Collectors.counting()));
        assertThat(byType).containsEntry("Organization", 1L).containsEntry("Practitioner", 50L)
            .containsEntry("Patient", 500L).containsEntry("AuditEvent", 300L);
        assertThat(b.getEntry().get(0).getResource().getIdElement().getIdPart()).isEqualTo("org-001");
        assertThat(b.getEntry().get(1).getResource().getIdElement().getIdPart()).isEqualTo("prac-001");
        assertThat(b.getEntry().get(51).getResource().getIdElement().getIdPart()).isEqualTo("pat-0001");
        assertThat(b.getEntry().get(DIRECTORY_SIZE).getResource().getIdElement().getIdPart()).isEqualTo("demo-42-0");
        assertThat(parser().parseResource(Bundle.class, gen.bundleJson(10, 20, false)).getEntry()).hasSize(20);
        Patient p = (Patient) b.getEntry().get(51).getResource();
        assertThat(p.getIdentifierFirstRep().getValue()).startsWith("M");
        assertThat(p.getBirthDate()).isNotNull();
        assertThat(p.getNameFirstRep().getFamily()).isNotBlank();
    }

    @Test
    void eventsAreValidAndInsideTheWindow() {
        Instant start = END.minus(DAYS, ChronoUnit.DAYS);
        for (AuditEvent e : mix) {
            assertThat(e.getType().getCode()).isNotBlank();
            assertThat(e.getSubtype()).isNotEmpty();
            assertThat(e.getAction()).isNotNull();
            assertThat(e.getOutcome()).isNotNull();
            assertThat(e.getRecordedElement().getValueAsString()).endsWith("Z");
            Instant t = e.getRecorded().toInstant();
            assertThat(t).isBetween(start, END);
            assertThat(e.getSource().getIdentifier().getValue()).endsWith(".example");
            assertThat(e.getSource().getType()).isNotEmpty();
            assertThat(e.getAgent()).hasSizeGreaterThanOrEqualTo(2);
            assertThat(e.getAgent()).allMatch(a -> a.hasRequestorElement() && a.hasRole() && !a.hasMedia());
            assertThat(e.getAgent().stream().filter(AuditEventAgentComponent::getRequestor)).hasSize(1);
            assertThat(e.getAgentFirstRep().getNetwork().getAddress()).isNotBlank();
            for (AuditEventEntityComponent en : e.getEntity()) {
                assertThat(en.hasName() && en.hasQuery()).as("sev-1 name or query").isFalse();
                assertThat(en.getType().getCode()).isNotBlank();
                assertThat(en.getRole().getCode()).isNotBlank();
            }
        }
        // working hours heavier, weekends lighter, a few night accesses
        long day = mix.stream().filter(e -> hour(e) >= 8 && hour(e) < 17).count();
        long night = mix.stream().filter(e -> hour(e) < 5).count();
        long weekend = mix.stream().filter(e -> weekend(e)).count();
        assertThat(day).isGreaterThan(mix.size() / 2);
        assertThat(night).isPositive().isLessThan(mix.size() / 20);
        assertThat(weekend).isPositive().isLessThan(mix.size() * 2 / 10);
    }

    private static int hour(AuditEvent e) {
        return zoned(e).getHour();
    }

    private static boolean weekend(AuditEvent e) {
        DayOfWeek d = zoned(e).getDayOfWeek();
        return d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY;
    }

    private static ZonedDateTime zoned(AuditEvent e) {
        return e.getRecorded().toInstant().atZone(ZoneOffset.UTC);
    }

    private static long count(Predicate<AuditEvent> p) {
        return mix.stream().filter(p).count();
    }

    private static boolean subtype(AuditEvent e, String code) {
        return e.getSubtype().stream().anyMatch(c -> code.equals(c.getCode()));
    }

    private static boolean purpose(AuditEvent e, String code) {
        return e.getPurposeOfEvent().stream().flatMap(c -> c.getCoding().stream())
            .anyMatch(c -> code.equals(c.getCode()) && "http://hl7.org/fhir/v3/ActReason".equals(c.getSystem()));
    }

    @Test
    void realisticMix() {
        int n = mix.size();
        long logins = count(e -> subtype(e, "110122"));
        long loginFailures = count(e -> subtype(e, "110122") && e.getOutcome() != AuditEvent.AuditEventOutcome._0);
        long invalidPassword = count(e -> subtype(e, "110122") && "Invalid password".equals(e.getOutcomeDesc())
            && e.getOutcome() == AuditEvent.AuditEventOutcome._4);
        assertThat(logins).isBetween(n * 7L / 100, n * 13L / 100);
        assertThat(invalidPassword).isPositive();
        assertThat((double) loginFailures / logins).isBetween(0.03, 0.12);
        assertThat(count(e -> subtype(e, "110123"))).isBetween(n * 5L / 100, n * 11L / 100);
        assertThat(count(e -> subtype(e, "read") || subtype(e, "vread"))).isBetween(n * 42L / 100, n * 56L / 100);
        assertThat(count(e -> subtype(e, "search-type"))).isBetween(n * 12L / 100, n * 19L / 100);
        assertThat(count(e -> e.getAction() == AuditEvent.AuditEventAction.C)).isBetween(n * 6L / 100, n * 10L / 100);
        assertThat(count(e -> e.getAction() == AuditEvent.AuditEventAction.U)).isBetween(n * 4L / 100, n * 8L / 100);
        assertThat(count(e -> e.getAction() == AuditEvent.AuditEventAction.D)).isPositive();
        assertThat(count(e -> subtype(e, "vread"))).isPositive();
        assertThat(count(e -> e.getOutcome() == AuditEvent.AuditEventOutcome._4 && subtype(e, "read"))).isPositive();

        List<AuditEvent> exports = mix.stream().filter(e -> "110106".equals(e.getType().getCode())).toList();
        assertThat(exports).isNotEmpty();
        assertThat(exports).allMatch(e -> e.hasPurposeOfEvent() && e.getAgent().size() == 3
            && e.getAction() == AuditEvent.AuditEventAction.R);
        assertThat(exports).anyMatch(e -> purpose(e, "HPAYMT"));

        List<AuditEvent> btg = mix.stream().filter(e -> purpose(e, "BTG")).toList();
        assertThat(btg).isNotEmpty();
        assertThat(btg).allMatch(e -> e.getAgentFirstRep().getPurposeOfUse().stream()
            .anyMatch(c -> "ETREAT".equals(c.getCodingFirstRep().getCode())));
        assertThat(btg).anyMatch(e -> hour(e) < 6 || hour(e) >= 22);
    }

    @Test
    void searchesCarryDecodableBase64Queries() throws Exception {
        JsonNode bundle = new ObjectMapper().readTree(gen.bundleJson(0, 2000, false));
        List<String> queries = new ArrayList<>();
        int userAgents = 0;
        for (JsonNode entry : bundle.get("entry")) {
            for (JsonNode entity : entry.get("resource").path("entity")) {
                if (entity.has("query")) {
                    queries.add(new String(Base64.getDecoder().decode(entity.get("query").asText()),
                        StandardCharsets.UTF_8));
                }
                for (JsonNode d : entity.path("detail")) {
                    assertThat(d.get("type").asText()).isEqualTo("http-user-agent");
                    Base64.getDecoder().decode(d.get("value").asText());
                    userAgents++;
                }
            }
        }
        assertThat(queries).hasSizeGreaterThan(200);
        assertThat(queries).allMatch(q -> q.matches("[A-Z][A-Za-z]+\\?[^ ]+"));
        assertThat(queries).anyMatch(q -> q.startsWith("Observation?patient=pat-") && q.contains("vital-signs"));
        assertThat(userAgents).isPositive();
    }

    @Test
    void usersPatientsAndCareTeams() {
        Set<String> directoryRefs = gen.directory().stream()
            .map(r -> r.fhirType() + "/" + r.getIdElement().getIdPart()).collect(Collectors.toSet());
        Set<String> users = new HashSet<>();
        Set<String> patients = new HashSet<>();
        for (AuditEvent e : mix) {
            for (AuditEventAgentComponent a : e.getAgent()) {
                if (a.getRequestor()) {
                    users.add(a.getUserId().getValue());
                    assertThat(a.getUserId().getSystem()).isEqualTo("http://example.org/custos-demo/users");
                }
                if (a.hasReference()) {
                    assertThat(directoryRefs).contains(a.getReference().getReference());
                }
            }
            for (AuditEventEntityComponent en : e.getEntity()) {
                String ref = en.getReference().getReference();
                if (ref != null && (ref.startsWith("Patient/") || ref.startsWith("Practitioner/"))) {
                    assertThat(directoryRefs).contains(ref);
                    patients.add(ref);
                }
            }
        }
        assertThat(users).hasSizeGreaterThanOrEqualTo(45);
        assertThat(patients).hasSizeGreaterThanOrEqualTo(400);

        // most patient reads come from the care team; break-the-glass never does
        DemoDirectory model = gen.model();
        Map<String, DemoDirectory.Pat> pats = model.patients.stream()
            .collect(Collectors.toMap(DemoDirectory.Pat::id, Function.identity()));
        Map<String, DemoDirectory.User> byRef = model.users.stream()
            .collect(Collectors.toMap(u -> "Practitioner/" + u.id(), Function.identity()));
        long reads = 0;
        long byTeam = 0;
        for (AuditEvent e : mix) {
            if (!subtype(e, "read") || e.getEntity().isEmpty()) {
                continue;
            }
            DemoDirectory.Pat p = pats.get(e.getEntityFirstRep().getReference().getReferenceElement().getIdPart());
            DemoDirectory.User u = byRef.get(e.getAgentFirstRep().getReference().getReference());
            boolean inTeam = p.inCareTeam(u.index());
            if (purpose(e, "BTG")) {
                assertThat(inTeam).isFalse();
            } else {
                reads++;
                byTeam += inTeam ? 1 : 0;
            }
        }
        assertThat((double) byTeam / reads).isGreaterThan(0.7);
    }

    @Test
    void writesNdjsonAndGzippedJsonAndRejectsOtherSuffixes() throws Exception {
        Path nd = tmp.resolve("audit.ndjson");
        gen.write(nd, 2500);
        List<String> lines = Files.readAllLines(nd, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(DIRECTORY_SIZE + 2500);
        assertThat(parser().parseResource(lines.get(0)).fhirType()).isEqualTo("Organization");
        assertThat(lines.subList(DIRECTORY_SIZE, lines.size())).isEqualTo(encode(mix.subList(0, 2500)));

        Path gz = tmp.resolve("audit.json.gz");
        gen.write(gz, 1200);
        try (var in = new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8)) {
            Bundle b = parser().parseResource(Bundle.class, in);
            assertThat(b.getType()).isEqualTo(Bundle.BundleType.COLLECTION);
            assertThat(b.getEntry()).hasSize(DIRECTORY_SIZE + 1200);
        }

        Path ndgz = tmp.resolve("AUDIT.NDJSON.GZ");
        gen.write(ndgz, 10);
        try (var r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(ndgz)),
            StandardCharsets.UTF_8))) {
            assertThat(r.lines().count()).isEqualTo(DIRECTORY_SIZE + 10);
        }
        Path json = tmp.resolve("audit.json");
        gen.write(json, 0);
        assertThat(parser().parseResource(Bundle.class, Files.readString(json)).getEntry()).hasSize(DIRECTORY_SIZE);

        Path txt = tmp.resolve("audit.txt");
        assertThatThrownBy(() -> gen.write(txt, 10)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(".ndjson").hasMessageContaining(".json.gz");
        assertThat(txt).doesNotExist();
        assertThatThrownBy(() -> gen.write(tmp.resolve("audit.gz"), 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> gen.events(-1, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> gen.bundleJson(0, -5, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DemoGenerator(ctx, 1L, END, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(gen.events(10, 0)).isEmpty();
    }

    @Test
    void workingHoursFollowTheHospitalZone() {
        ZoneId ny = ZoneId.of("America/New_York");
        List<AuditEvent> local = new DemoGenerator(ctx, 42L, END, DAYS, ny).events(0, 2000);
        long busyLocal = local.stream().map(e -> e.getRecorded().toInstant().atZone(ny).getHour())
            .filter(h -> h >= 8 && h < 17).count();
        assertThat(busyLocal).isGreaterThan(1000);
        assertThat(local).allMatch(e -> e.getRecordedElement().getValueAsString().endsWith("Z"));
        assertThat(encode(local)).isNotEqualTo(encode(mix.subList(0, 2000)));
    }

    @Test
    void negativeSeedAndShortWindow() {
        DemoGenerator week = new DemoGenerator(ctx, -5L, END, 7);
        Bundle b = parser().parseResource(Bundle.class, week.bundleJson(0, 500, false));
        assertThat(b.getEntry()).hasSize(500);
        assertThat(b.getEntry().get(3).getResource().getIdElement().getIdPart()).isEqualTo("demo--5-3");
        Instant start = END.minus(7, ChronoUnit.DAYS);
        assertThat(b.getEntry()).allMatch(e -> {
            Instant t = ((AuditEvent) e.getResource()).getRecorded().toInstant();
            return !t.isBefore(start) && !t.isAfter(END);
        });
    }

    @Test
    void generationRate() {
        for (int w = 0; w < 3; w++) {
            gen.bundleJson(100_000 + w * 1000, 1000, false); // warm-up
        }
        int total = 20_000;
        long bytes = 0;
        long t0 = System.nanoTime();
        for (int from = 0; from < total; from += 1000) {
            bytes += gen.bundleJson(from, 1000, false).length();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("DemoGenerator: %d events via bundleJson in chunks of 1000: %.2f s = %.0f events/s, "
            + "%.1f MB JSON (%.0f bytes/event)%n", total, secs, total / secs, bytes / 1e6, (double) bytes / total);
        assertThat(bytes).isPositive();
    }
}
