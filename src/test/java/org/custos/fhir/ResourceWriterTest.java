package org.custos.fhir;

import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.custos.testserver.TestConsents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Writes to the real HAPI JPA server: create, update with If-Match, conflicts, refusals. */
@ExtendWith(FhirServerExtension.class)
class ResourceWriterTest {
    private final Fhir fhir = new Fhir();

    private ResourceWriter writer(LocalFhirServer server) {
        return new ResourceWriter(fhir, ServerProfile.of("t", server.baseUrl()));
    }

    @Test
    void aNewConsentIsCreatedWithItsClientIdThenUpdatedWithIfMatch(LocalFhirServer server) {
        ResourceWriter w = writer(server);
        String id = ResourceWriter.newId();
        ResourceWriter.Stored first = w.create("Consent", id, TestConsents.json("one"));
        assertThat(first.id()).isEqualTo(id);
        assertThat(first.versionId()).isEqualTo("1");
        assertThat(first.lastUpdated()).isNotNull();
        assertThat(first.json()).contains("\"id\":\"" + id + "\"").contains("policy/one").contains("\"versionId\":\"1\"");

        ResourceWriter.Stored second = w.put("Consent", id, TestConsents.json(id, "1", "two"), "1");
        assertThat(second.versionId()).isEqualTo("2");
        assertThat(TestConsents.history(server, id)).containsExactly("one", "two");
        assertThat(w.read("Consent", id)).get().extracting(ResourceWriter.Stored::versionId).isEqualTo("2");
        // the text returned is the server's own (what a sync stores), meta included
        assertThat(w.read("Consent", id).orElseThrow().json()).isEqualTo(second.json());
    }

    @Test
    void theServersHistoryListsEveryVersionNewestFirstAcrossPages(LocalFhirServer server) {
        ResourceWriter w = writer(server);
        String id = ResourceWriter.newId();
        w.create("Consent", id, TestConsents.json("v1"));
        for (int v = 2; v <= 4; v++) {
            w.put("Consent", id, TestConsents.json(id, String.valueOf(v - 1), "v" + v), String.valueOf(v - 1));
        }
        InstanceHistory h = w.history("Consent", id, 100);
        java.util.List<ResourceWriter.Stored> all = h.versions();
        assertThat(all).extracting(ResourceWriter.Stored::versionId).containsExactly("4", "3", "2", "1");
        assertThat(h.complete()).isTrue();
        assertThat(h.deletedAt()).isNull();
        assertThat(all.get(0).json()).contains("policy/v4");
        assertThat(all.get(3).json()).contains("policy/v1");
        assertThat(all).allSatisfy(s -> assertThat(s.lastUpdated()).isNotNull());
        // pages of two: the second page is followed
        InstanceHistory paged = w.history("Consent", id, 100, 2);
        assertThat(paged.versions()).extracting(ResourceWriter.Stored::versionId).containsExactly("4", "3", "2", "1");
        assertThat(paged.complete()).isTrue();
        // cut at the limit: not all of it, and it says so
        InstanceHistory two = w.history("Consent", id, 2);
        assertThat(two.versions()).extracting(ResourceWriter.Stored::versionId).containsExactly("4", "3");
        assertThat(two.complete()).isFalse();
        assertThat(w.history("Consent", id, 3, 2).versions()).extracting(ResourceWriter.Stored::versionId)
                .containsExactly("4", "3", "2");
        assertThat(w.history("Consent", id, 3, 2).complete()).isFalse();
        InstanceHistory never = w.history("Consent", ResourceWriter.newId(), 10);
        assertThat(never.versions()).isEmpty();
        assertThat(never.complete()).isTrue();
        // deleted on the server: its versions, and the delete as the newest entry
        server.client().delete().resourceById(new org.hl7.fhir.dstu3.model.IdType("Consent", id)).execute();
        InstanceHistory deleted = w.history("Consent", id, 100);
        // (HAPI JPA 8.6 lists the delete and the newest versions but leaves version 1 out once deleted: the
        // server's answer, taken as it is)
        assertThat(deleted.versions()).extracting(ResourceWriter.Stored::versionId).startsWith("4", "3", "2");
        assertThat(deleted.deletedAt()).isEqualTo("5");
    }

    @Test
    void aStaleIfMatchIsAConflictCarryingTheServersVersionAndNothingIsWritten(LocalFhirServer server) {
        ResourceWriter w = writer(server);
        String id = ResourceWriter.newId();
        w.create("Consent", id, TestConsents.json("mine-base"));
        assertThat(TestConsents.putDirectly(server, id, "theirs")).isEqualTo("2");

        VersionConflictException c = catchThrowableOfType(VersionConflictException.class,
                () -> w.put("Consent", id, TestConsents.json(id, "1", "mine"), "1"));
        assertThat(c).isNotNull();
        assertThat(c.status()).isIn(409, 412);
        assertThat(c.expectedVersion()).isEqualTo("1");
        assertThat(c.currentVersion()).isEqualTo("2");
        assertThat(c.currentJson()).contains("policy/theirs");
        assertThat(c.getMessage()).containsIgnoringCase("conflict").contains("version 2").contains("nothing was written");
        // the server is as before: two versions, the current one theirs
        assertThat(TestConsents.history(server, id)).containsExactly("mine-base", "theirs");
        assertThat(TestConsents.current(server, id).getMeta().getVersionId()).isEqualTo("2");
    }

    @Test
    void createRefusesAnIdTheServerHasAndPutWithoutIfMatchIsIdempotent(LocalFhirServer server) {
        ResourceWriter w = writer(server);
        String id = ResourceWriter.newId();
        w.put("Consent", id, TestConsents.json("same"), null);
        // the same new resource sent again (a resend after a crash): stored once
        ResourceWriter.Stored again = w.put("Consent", id, TestConsents.json("same"), null);
        assertThat(again.versionId()).isEqualTo("1");
        assertThat(TestConsents.history(server, id)).containsExactly("same");

        VersionConflictException c = catchThrowableOfType(VersionConflictException.class,
                () -> w.create("Consent", id, TestConsents.json("other")));
        assertThat(c.status()).isZero();
        assertThat(c.currentVersion()).isEqualTo("1");
        assertThat(c.currentJson()).contains("policy/same");
        assertThat(TestConsents.history(server, id)).containsExactly("same");
    }

    @Test
    void clientIdsSuitEveryHapiIdStrategy() {
        // HAPI JPA's default lets clients choose ids that are not all digits; ours never are, and are FHIR ids
        assertThat(new JpaStorageSettings().getResourceClientIdStrategy())
                .isEqualTo(JpaStorageSettings.ClientIdStrategyEnum.ALPHANUMERIC);
        for (int i = 0; i < 100; i++) {
            String id = ResourceWriter.newId();
            assertThat(id).matches("[A-Za-z0-9\\-.]{1,64}").doesNotMatch("\\d+");
        }
        assertThat(ResourceWriter.newId()).isNotEqualTo(ResourceWriter.newId());
    }

    @Test
    void aRejectedResourceIsAFailureWithTheServersWords(LocalFhirServer server) {
        ResourceWriter w = writer(server);
        String id = ResourceWriter.newId();
        String bad = "{\"resourceType\":\"Consent\",\"status\":\"active\",\"patient\":{\"reference\":\"NoSuchType/1\"}}";
        FhirServerException e = catchThrowableOfType(FhirServerException.class, () -> w.put("Consent", id, bad, null));
        assertThat(e.kind()).isEqualTo(FhirServerException.Kind.REJECTED);
        assertThat(e.status()).isBetween(400, 499);
        assertThat(e.getMessage()).contains("rejected").contains("Server says").contains("NoSuchType");
        assertThat(w.read("Consent", id)).isEmpty();
    }

    @Test
    void whatIsNotAConsentIsRefusedBeforeAnythingIsSent(LocalFhirServer server) {
        ResourceWriter w = writer(server);
        assertThatThrownBy(() -> w.put("Consent", ResourceWriter.newId(), "{\"resourceType\":\"Patient\"}", null))
                .isInstanceOf(FhirFormatException.class).hasMessageContaining("Expected a Consent, got a Patient");
        assertThatThrownBy(() -> w.put("Consent", ResourceWriter.newId(), "{not json", null))
                .isInstanceOf(FhirFormatException.class).hasMessageContaining("Not a FHIR STU3 JSON resource");
        assertThatThrownBy(() -> w.put("Consent", "bad id/..", TestConsents.json("x"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Not a FHIR id");
    }

    @Test
    void aServerThatIsDownIsNamedAndSecretsStayOut() {
        String token = "writer-S3cret-token-4711";
        ServerProfile down = ServerProfile.of("t", "http://127.0.0.1:9/fhir")
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2))
                .withAuth(ServerProfile.AuthKind.BEARER, null, token);
        FhirServerException e = catchThrowableOfType(FhirServerException.class, () -> new ResourceWriter(fhir, down)
                .put("Consent", ResourceWriter.newId(), TestConsents.json("x"), null));
        assertThat(e.kind()).isEqualTo(FhirServerException.Kind.UNREACHABLE);
        assertThat(e.getMessage()).contains("Cannot connect to http://127.0.0.1:9/fhir");
        assertThat(Redactor.of(down).leaks(e)).isFalse();

        // credentials over plain http to another machine: nothing is sent
        ServerProfile insecure = ServerProfile.of("t", "http://fhir.example.org/fhir")
                .withAuth(ServerProfile.AuthKind.BEARER, null, token);
        FhirServerException u = catchThrowableOfType(FhirServerException.class, () -> new ResourceWriter(fhir,
                insecure).put("Consent", ResourceWriter.newId(), TestConsents.json("x"), "3"));
        assertThat(u.kind()).isEqualTo(FhirServerException.Kind.UNSAFE);
        assertThat(u.getMessage()).contains("Nothing was sent").doesNotContain(token);
    }

    @Test
    void sameContentIgnoresTheServersMetaIdAndKeyOrderButNotTheNarrativeOrLabels() {
        String a = "{\"resourceType\":\"Consent\",\"id\":\"x\",\"meta\":{\"versionId\":\"3\",\"lastUpdated\":"
                + "\"2026-01-01T00:00:00Z\",\"extension\":[{\"url\":\"http://hapifhir.io/fhir/StructureDefinition/"
                + "resource-meta-source\",\"valueUri\":\"#abc\"}]},"
                + "\"status\":\"active\",\"patient\":{\"reference\":\"Patient/1\"}}";
        String b = "{\"patient\":{\"reference\":\"Patient/1\"},\"status\":\"active\",\"resourceType\":\"Consent\"}";
        String c = "{\"resourceType\":\"Consent\",\"status\":\"inactive\",\"patient\":{\"reference\":\"Patient/1\"}}";
        String narrative = "{\"resourceType\":\"Consent\",\"text\":{\"status\":\"generated\",\"div\":\"<div xmlns="
                + "\\\"http://www.w3.org/1999/xhtml\\\">x</div>\"},\"status\":\"active\",\"patient\":{\"reference\":"
                + "\"Patient/1\"}}";
        String labelled = "{\"resourceType\":\"Consent\",\"meta\":{\"security\":[{\"system\":\"s\",\"code\":\"R\"},"
                + "{\"system\":\"s\",\"code\":\"N\"}]},\"status\":\"active\",\"patient\":{\"reference\":\"Patient/1\"}}";
        String reordered = "{\"resourceType\":\"Consent\",\"meta\":{\"security\":[{\"system\":\"s\",\"code\":\"N\"},"
                + "{\"system\":\"s\",\"code\":\"R\"}]},\"status\":\"active\",\"patient\":{\"reference\":\"Patient/1\"}}";
        assertThat(fhir.sameContent(a, b)).isTrue();
        assertThat(fhir.sameContent(a, c)).isFalse();
        assertThat(fhir.sameContent(a, narrative)).isFalse();
        assertThat(fhir.sameContent(a, labelled)).isFalse();
        assertThat(fhir.sameContent(labelled, reordered)).isTrue();
        assertThat(fhir.sameContent(a, "{broken")).isFalse();
        assertThat(fhir.sameContent(null, a)).isFalse();
    }
}
