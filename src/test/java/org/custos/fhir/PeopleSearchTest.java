package org.custos.fhir;

import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.hl7.fhir.dstu3.model.Organization;
import org.hl7.fhir.dstu3.model.Patient;
import org.hl7.fhir.dstu3.model.Practitioner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The people search of reference fields against the real HAPI JPA server, and against one that is not there. */
@ExtendWith(FhirServerExtension.class)
class PeopleSearchTest {
    private static LocalFhirServer server;

    @BeforeAll
    static void people(LocalFhirServer s) {
        server = s;
        Patient p = new Patient();
        p.setId("ps-anna");
        p.addName().setFamily("Zwanenburg").addGiven("Annelies");
        p.addIdentifier().setSystem("urn:oid:2.16.840.1.113883.2.4.6.3").setValue("777700011");
        server.client().update().resource(p).execute();
        Practitioner d = new Practitioner();
        d.setId("ps-doc");
        d.addName().setFamily("Zwanenburg-Kok").addGiven("Annelies").addPrefix("Dr.");
        server.client().update().resource(d).execute();
        Organization o = new Organization();
        o.setId("ps-org");
        o.setName("Zwanenburg Kliniek");
        server.client().update().resource(o).execute();
    }

    private static List<String> refs(List<PeopleSearch.Found> found) {
        return found.stream().map(PeopleSearch.Found::reference).toList();
    }

    @Test
    void findsByNameWordsIdentifierAndReferenceAsPlainRecords() {
        PeopleSearch search = new PeopleSearch(ServerProfile.of("test", server.baseUrl()));
        // warm the server's search path (its first searches are slow) with a generous deadline
        new PeopleSearch(ServerProfile.of("test", server.baseUrl()), Duration.ofSeconds(60), 10)
                .search("zwanenburg", null, new Cancellation());
        new PeopleSearch(ServerProfile.of("test", server.baseUrl()), Duration.ofSeconds(60), 10)
                .search("777700011", null, new Cancellation());
        assertThat(refs(search.search("zwanenburg", null, new Cancellation())))
                .containsExactly("Patient/ps-anna", "Practitioner/ps-doc", "Organization/ps-org");
        List<PeopleSearch.Found> annas = search.search("annel zwanen", Set.of("Patient"), new Cancellation());
        assertThat(annas).singleElement().satisfies(f -> {
            assertThat(f.display()).isEqualTo("Annelies Zwanenburg");
            assertThat(f.identifiers()).isEqualTo("urn:oid:2.16.840.1.113883.2.4.6.3|777700011");
            assertThat(f.json()).contains("\"resourceType\":\"Patient\"").contains("\"versionId\"");
        });
        assertThat(refs(search.search("777700011", null, new Cancellation()))).containsExactly("Patient/ps-anna");
        assertThat(refs(search.search("Practitioner/ps-doc", null, new Cancellation())))
                .containsExactly("Practitioner/ps-doc");
        assertThat(search.search("Practitioner/ps-doc", Set.of("Patient"), new Cancellation())).isEmpty();
        assertThat(search.search("nobody-of-that-name", null, new Cancellation())).isEmpty();
        assertThat(search.search("  ", null, new Cancellation())).isEmpty();
        Cancellation cancelled = new Cancellation();
        cancelled.cancel();
        assertThat(search.search("zwanenburg", null, cancelled)).isEmpty();
    }

    @Test
    void aServerThatIsDownFailsWithinTheDeadline() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        PeopleSearch down = new PeopleSearch(ServerProfile.of("down", "http://127.0.0.1:" + port + "/fhir"));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> down.search("anna", null, new Cancellation()))
                .isInstanceOf(FhirServerException.class)
                .extracting(e -> ((FhirServerException) e).kind()).isEqualTo(FhirServerException.Kind.UNREACHABLE);
        // refused at once; the bound is loose for a loaded build machine (the first HTTP client costs a while)
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aServerThatDoesNotAnswerIsLeftAtTheDeadline() throws Exception {
        // accepts connections, never answers
        try (ServerSocket silent = new ServerSocket(0)) {
            PeopleSearch slow = new PeopleSearch(ServerProfile.of("silent", "http://127.0.0.1:"
                    + silent.getLocalPort() + "/fhir"), Duration.ofMillis(800), 5);
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> slow.search("anna", null, new Cancellation()))
                    .isInstanceOf(FhirServerException.class)
                    .extracting(e -> ((FhirServerException) e).kind()).isEqualTo(FhirServerException.Kind.TIMEOUT);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void identifiersAreToldFromNames() {
        assertThat(PeopleSearch.looksLikeIdentifier("999911120")).isTrue();
        assertThat(PeopleSearch.looksLikeIdentifier("urn:oid:1.2|abc")).isTrue();
        assertThat(PeopleSearch.looksLikeIdentifier("f001")).isTrue();
        assertThat(PeopleSearch.looksLikeIdentifier("anna")).isFalse();
        assertThat(PeopleSearch.looksLikeIdentifier("anna 12")).isFalse();
    }
}
