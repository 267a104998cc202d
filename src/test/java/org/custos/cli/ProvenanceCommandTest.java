package org.custos.cli;

import org.custos.TestData;
import org.custos.cli.CommandLineTest.Run;
import org.custos.provenance.SignerFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.custos.cli.CommandLineTest.run;

/**
 * {@code custos provenance sign} and {@code verify} on a real H2 cache file: a consent imported from the official
 * examples is signed with generated keys, verified (exit 0 only when valid), changed, verified again.
 */
class ProvenanceCommandTest {
    @TempDir
    static Path dir;
    static String db;
    static SignerFiles files;
    static final String SERVER = "https://ehr.example/fhir";

    @BeforeAll
    static void importAndMakeKeys() throws Exception {
        db = dir.resolve("prov-cache").toString();
        Path consent = TestData.examples().resolve("consent").resolve("Consent-consent-example-pkb.json");
        Run files1 = run("import", consent.toString(), "--db", db);
        assertThat(files1.code()).as(files1.out() + files1.err()).isZero();
        Run server = run("import", consent.toString(), "--origin", SERVER, "--db", db);
        assertThat(server.code()).as(server.out() + server.err()).isZero();
        Run examples = run("import", TestData.examples().resolve("provenance").resolve("Provenance-signature.json")
                .toString(), "--db", db);
        assertThat(examples.code()).as(examples.out() + examples.err()).isZero();
        files = SignerFiles.write(dir, SERVER + "/Practitioner/d1");
    }

    private static String lastLine(Run r) {
        List<String> lines = r.out().lines().toList();
        return lines.get(lines.size() - 1);
    }

    @Test
    void aSignedConsentVerifiesUntilItChanges() throws Exception {
        // files: the signer must be named absolutely (no server base to resolve a relative reference against)
        Run sign = run("provenance", "sign", "Consent/consent-example-pkb", "--origin", "files", "--key",
                files.key().toString(), "--cert", files.cert().toString(), "--who", SERVER + "/Practitioner/d1",
                "--db", db);
        assertThat(sign.code()).as(sign.out() + sign.err()).isZero();
        assertThat(sign.out()).contains("Kept in the cache under files");
        String ref = lastLine(sign);
        assertThat(ref).matches("Provenance/[0-9a-f-]{36}");

        Run ok = run("provenance", "verify", ref, "--truststore", files.trust().toString(), "--db", db);
        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("signature 1 of 1 (Consent Signature").contains(": valid: the JWS over the "
                + "canonical JSON of Consent/consent-example-pkb");

        Run untrusted = run("provenance", "verify", ref, "--db", db);
        assertThat(untrusted.code()).isEqualTo(1);
        assertThat(untrusted.out()).contains("untrusted signer: no trust store is configured");

        // the consent changes (a newer version with other content arrives): the signature no longer holds
        String changed = Files.readString(TestData.examples().resolve("consent").resolve(
                "Consent-consent-example-pkb.json")).replaceFirst("\"status\": *\"active\"", "\"status\": \"inactive\"")
                .replaceFirst("\\{", "{\"meta\": {\"versionId\": \"2\", \"lastUpdated\": \"2030-01-01T00:00:00Z\"},");
        Path file = Files.writeString(dir.resolve("changed.json"), changed);
        Run imp = run("import", file.toString(), "--db", db);
        assertThat(imp.code()).as(imp.out() + imp.err()).isZero();
        Run bad = run("provenance", "verify", ref, "--truststore", files.trust().toString(), "--db", db);
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out()).contains(": invalid: the signature does not verify over the current content of "
                + "Consent/consent-example-pkb (version 2)");
    }

    @Test
    void aServersResourceIsSignedIntoTheOutboxAndVerifiesThere() {
        Run sign = run("provenance", "sign", "Consent/consent-example-pkb", "--origin", SERVER, "--format", "xml",
                "--key", files.key().toString(), "--cert", files.cert().toString(), "--who", "Practitioner/d1",
                "--db", db);
        assertThat(sign.code()).as(sign.out() + sign.err()).isZero();
        assertThat(sign.out()).contains("Waits in the outbox for " + SERVER);
        Run ok = run("provenance", "verify", lastLine(sign), "--truststore", files.trust().toString(), "--db", db);
        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("not yet on its server: outbox entry").contains(": valid: the XML signature")
                .contains("names " + SERVER + "/Practitioner/d1");
        Run who = run("provenance", "sign", "Consent/consent-example-pkb", "--origin", SERVER, "--key",
                files.key().toString(), "--cert", files.cert().toString(), "--who", "Practitioner/d2", "--db", db);
        Run mismatch = run("provenance", "verify", lastLine(who), "--truststore", files.trust().toString(), "--db", db);
        assertThat(mismatch.code()).isEqualTo(1);
        assertThat(mismatch.out()).contains("signer does not match who");
    }

    @Test
    void anOfficialPlaceholderSignatureCannotBeVerifiedAndMistakesAreNamed() {
        Run placeholder = run("provenance", "verify", "signature", "--db", db);
        assertThat(placeholder.code()).isEqualTo(1);
        assertThat(placeholder.out()).contains("cannot verify");
        Run none = run("provenance", "verify", "no-such", "--db", db);
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).contains("no Provenance/no-such");
        Run ambiguous = run("provenance", "sign", "Consent/consent-example-pkb", "--key", files.key().toString(),
                "--cert", files.cert().toString(), "--who", "Practitioner/d1", "--db", db);
        assertThat(ambiguous.code()).isEqualTo(1);
        assertThat(ambiguous.err()).contains("is in 2 origins");
        Run wrongKey = run("provenance", "sign", "Consent/consent-example-pkb", "--origin", "files", "--key",
                files.otherKey().toString(), "--cert", files.cert().toString(), "--who", "Practitioner/d1", "--db", db);
        assertThat(wrongKey.code()).isEqualTo(1);
        assertThat(wrongKey.err()).contains("does not belong to the certificate");
    }
}
