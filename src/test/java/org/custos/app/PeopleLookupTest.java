package org.custos.app;

import org.custos.cache.Cache;
import org.custos.cache.IncomingResource;
import org.custos.cache.Origins;
import org.custos.consent.ConsentEditorViewModel.Suggestion;
import org.custos.fhir.ServerProfile;
import org.custos.people.PeopleDirectory;
import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.hl7.fhir.dstu3.model.Patient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/** Reference-field suggestions: the cache's people of the origin first, then its server's (kept in the cache). */
@ExtendWith(FhirServerExtension.class)
class PeopleLookupTest {
    private final LocalFhirServer server;
    private Cache cache;
    private String origin;
    private String down;

    PeopleLookupTest(LocalFhirServer server) {
        this.server = server;
    }

    @BeforeEach
    void open(@TempDir Path dir) throws Exception {
        cache = Cache.open(dir.resolve("cache"));
        origin = Origins.normalize(server.baseUrl());
        try (ServerSocket free = new ServerSocket(0)) {
            down = "http://127.0.0.1:" + free.getLocalPort() + "/fhir";
        }
        server.client().update().resource(patient("pl-1", "Lotte", "Lookup")).execute();
        server.client().update().resource(patient("pl-2", "Lotte", "Lindeboom")).execute();
        // the cache already holds pl-1 of the server (as a sync left it), and a pl-2 of an import: another person
        String pl1 = server.context().newJsonParser().encodeResourceToString(server.client().read()
                .resource(Patient.class).withId("pl-1").execute());
        cache.resources().upsertFromServer(origin, pl1, "test");
        cache.resources().upsert(cache.origins().idOf("files"), List.of(IncomingResource.fromJson(
                server.context().newJsonParser().encodeResourceToString(patient("pl-2", "Lotte", "Vals")), "test")));
        cache.resources().upsert(cache.origins().idOf(down), List.of(IncomingResource.fromJson(
                server.context().newJsonParser().encodeResourceToString(patient("pl-9", "Lotte", "Offline")), "test")));
    }

    @AfterEach
    void close() {
        cache.close();
    }

    private static Patient patient(String id, String given, String family) {
        Patient p = new Patient();
        p.setId(id);
        p.addName().setFamily(family).addGiven(given);
        return p;
    }

    private PeopleLookup lookup() {
        return new PeopleLookup(cache, () -> List.of(ServerProfile.of("local", server.baseUrl()),
                ServerProfile.of("down", down)), Duration.ofSeconds(30));
    }

    @Test
    void theOriginsCachedPeopleComeFirstThenItsServersWithoutDuplicatesAndTheServersAreKept() {
        List<Suggestion> found = lookup().find(origin, null, "lotte");
        assertThat(found).extracting(Suggestion::reference, Suggestion::display, Suggestion::origin)
                .containsExactly(tuple("Patient/pl-1", "Lotte Lookup", origin),
                        tuple("Patient/pl-2", "Lotte Lindeboom", origin));
        // the server's pl-2 is now in the cache under the server's origin: its name shows in lists
        PeopleDirectory people = new PeopleDirectory(cache);
        assertThat(people.nameOf(origin, List.of("Patient/pl-2"))).containsEntry("Patient/pl-2", "Lotte Lindeboom");
        assertThat(people.nameOf("files", List.of("Patient/pl-2"))).containsEntry("Patient/pl-2", "Lotte Vals");
        // a type keeps to it
        assertThat(lookup().find(origin, "Practitioner", "lotte")).isEmpty();
    }

    @Test
    void withoutAnOriginEveryOriginIsAskedAndSaidInTheDetail() {
        List<Suggestion> found = lookup().find(null, "Patient", "lotte");
        assertThat(found).extracting(Suggestion::reference, Suggestion::origin).contains(
                tuple("Patient/pl-1", origin), tuple("Patient/pl-2", "files"), tuple("Patient/pl-9", down))
                .doesNotHaveDuplicates();
        assertThat(found).filteredOn(s -> "files".equals(s.origin())).singleElement()
                .satisfies(s -> assertThat(s.detail()).isEqualTo("files"));
    }

    @Test
    void aServerThatIsDownLeavesTheCachedPeopleAndIsNotAskedAgainAtOnce() {
        PeopleLookup lookup = new PeopleLookup(cache, () -> List.of(ServerProfile.of("down", down)));
        long t0 = System.nanoTime();
        assertThat(lookup.find(down, null, "lotte")).extracting(Suggestion::reference)
                .containsExactly("Patient/pl-9");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        long t1 = System.nanoTime();
        assertThat(lookup.find(down, null, "lott")).extracting(Suggestion::reference).containsExactly("Patient/pl-9");
        assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void anInterruptedCallerGetsNothingAndKeepsItsInterrupt() {
        Thread.currentThread().interrupt();
        try {
            assertThat(lookup().find(origin, null, "lotte")).isEmpty();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
