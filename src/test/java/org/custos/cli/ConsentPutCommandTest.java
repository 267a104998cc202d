package org.custos.cli;

import org.custos.cache.Cache;
import org.custos.fhir.ResourceWriter;
import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.custos.testserver.TestConsents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code custos consent put} against the real HAPI server: stored (0), conflict (4), everything else (1). */
@ExtendWith(FhirServerExtension.class)
class ConsentPutCommandTest {
    private static final Pattern STORED = Pattern.compile("Stored Consent/([A-Za-z0-9\\-.]+) version (\\d+) on ");

    @TempDir
    Path dir;

    private Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    @Test
    void aNewConsentIsCreatedThenUpdatedFromXmlAndKeptInTheCacheGiven(LocalFhirServer server) throws IOException {
        CommandLineTest.Run created = CommandLineTest.run("consent", "put",
                file("new.json", TestConsents.json("created")).toString(), "--server", server.baseUrl());
        assertThat(created.code()).as(created.err()).isZero();
        Matcher m = STORED.matcher(created.out());
        assertThat(m.find()).as(created.out()).isTrue();
        String id = m.group(1);
        assertThat(m.group(2)).isEqualTo("1");
        assertThat(TestConsents.history(server, id)).containsExactly("created");

        String xml = "<Consent xmlns=\"http://hl7.org/fhir\"><id value=\"" + id + "\"/><meta><versionId value=\"1\"/>"
                + "</meta><status value=\"active\"/><patient><reference value=\"Patient/p-outbox\"/></patient>"
                + "<policyRule value=\"http://example.org/policy/updated\"/></Consent>";
        Path db = dir.resolve("cache");
        CommandLineTest.Run updated = CommandLineTest.run("consent", "put", file("edit.xml", xml).toString(),
                "--server", server.baseUrl() + "/", "--db", db.toString());
        assertThat(updated.code()).as(updated.err()).isZero();
        assertThat(updated.out()).contains("Stored Consent/" + id + " version 2 on " + server.baseUrl())
                .contains("Kept in the cache");
        assertThat(TestConsents.history(server, id)).containsExactly("created", "updated");
        try (Cache cache = Cache.open(db)) {
            int origin = cache.origins().find(server.baseUrl()).orElseThrow().id();
            assertThat(cache.resources().history(origin, "Consent", id)).singleElement()
                    .satisfies(v -> assertThat(v.versionId()).isEqualTo("2"));
            assertThat(cache.verifier().run(null, () -> false, (d, t) -> { }).intact()).isTrue();
        }
    }

    @Test
    void aNewerVersionOnTheServerIsAConflictExitFourAndNothingIsWritten(LocalFhirServer server) throws IOException {
        String id = ResourceWriter.newId();
        TestConsents.putDirectly(server, id, "v1");
        TestConsents.putDirectly(server, id, "v2-someone-else");

        CommandLineTest.Run stale = CommandLineTest.run("consent", "put",
                file("stale.json", TestConsents.json(id, "1", "mine")).toString(), "--server", server.baseUrl());
        assertThat(stale.code()).isEqualTo(4);
        assertThat(stale.err()).contains("conflict").contains("based on version 1").contains("holds version 2")
                .contains("nothing was written");
        assertThat(stale.out()).isEmpty();
        assertThat(TestConsents.history(server, id)).containsExactly("v1", "v2-someone-else");

        // no meta.versionId but an id the server has: not overwritten either
        CommandLineTest.Run blind = CommandLineTest.run("consent", "put",
                file("blind.json", TestConsents.json(id, null, "blind")).toString(), "--server", server.baseUrl());
        assertThat(blind.code()).isEqualTo(4);
        assertThat(blind.err()).contains("conflict").contains("has Consent/" + id + " already (version 2)");
        assertThat(TestConsents.history(server, id)).containsExactly("v1", "v2-someone-else");
    }

    @Test
    void aFileDoesNotBringBackAConsentDeletedOnTheServer(LocalFhirServer server) throws IOException {
        String id = ResourceWriter.newId();
        TestConsents.putDirectly(server, id, "v1");
        server.client().delete().resourceById("Consent", id).execute();

        CommandLineTest.Run revive = CommandLineTest.run("consent", "put",
                file("revive.json", TestConsents.json(id, null, "revived")).toString(), "--server", server.baseUrl());
        assertThat(revive.code()).isEqualTo(4);
        assertThat(revive.err()).contains("conflict").contains("deleted Consent/" + id).contains("nothing was written");
        assertThat(revive.out()).isEmpty();
        assertThatThrownBy(() -> TestConsents.current(server, id)).as("still deleted")
                .isInstanceOf(ca.uhn.fhir.rest.server.exceptions.ResourceGoneException.class);
    }

    @Test
    void badFilesAndServerFailuresExitOneWithTheReason(LocalFhirServer server) throws IOException {
        String url = server.baseUrl();
        CommandLineTest.Run missing = CommandLineTest.run("consent", "put", dir.resolve("nope.json").toString(),
                "--server", url);
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("Cannot read").contains("nope.json").contains("no such file");

        CommandLineTest.Run garbage = CommandLineTest.run("consent", "put", file("g.json", "{ this is not").toString(),
                "--server", url);
        assertThat(garbage.code()).isEqualTo(1);
        assertThat(garbage.err()).contains("g.json").contains("Not a FHIR STU3 resource");

        CommandLineTest.Run text = CommandLineTest.run("consent", "put", file("t.txt", "hello").toString(),
                "--server", url);
        assertThat(text.code()).isEqualTo(1);
        assertThat(text.err()).contains("Neither JSON nor XML");

        CommandLineTest.Run patient = CommandLineTest.run("consent", "put",
                file("p.json", "{\"resourceType\":\"Patient\",\"id\":\"x\"}").toString(), "--server", url);
        assertThat(patient.code()).isEqualTo(1);
        assertThat(patient.err()).contains("holds a Patient, not a Consent");

        CommandLineTest.Run bundle = CommandLineTest.run("consent", "put",
                file("b.json", "{\"resourceType\":\"Bundle\",\"type\":\"collection\"}").toString(), "--server", url);
        assertThat(bundle.code()).isEqualTo(1);
        assertThat(bundle.err()).contains("A Bundle, not a single resource");

        Path good = file("good.json", TestConsents.json("never-stored"));
        CommandLineTest.Run down = CommandLineTest.run("consent", "put", good.toString(), "--server",
                "http://127.0.0.1:9/fhir", "--timeout", "5");
        assertThat(down.code()).isEqualTo(1);
        assertThat(down.err()).contains("Cannot connect to http://127.0.0.1:9");

        String id = ResourceWriter.newId();
        CommandLineTest.Run rejected = CommandLineTest.run("consent", "put", file("r.json", "{\"resourceType\":"
                + "\"Consent\",\"id\":\"" + id + "\",\"status\":\"active\",\"patient\":{\"reference\":"
                + "\"NoSuchType/1\"}}").toString(), "--server", url);
        assertThat(rejected.code()).isEqualTo(1);
        assertThat(rejected.err()).contains("rejected").contains("Server says").contains("NoSuchType")
                .doesNotContain("conflict");

        CommandLineTest.Run noServer = CommandLineTest.run("consent", "put", good.toString());
        assertThat(noServer.code()).isEqualTo(1);
        assertThat(noServer.err()).contains("--server");

        CommandLineTest.Run noPassword = CommandLineTest.run("consent", "put", good.toString(), "--server", url,
                "--user", "u");
        assertThat(noPassword.code()).isEqualTo(1);
        assertThat(noPassword.err()).contains("--user needs --password-env");
    }

    @Test
    void theConsentGroupListsPut() {
        CommandLineTest.Run help = CommandLineTest.run("consent", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("put");
    }
}
