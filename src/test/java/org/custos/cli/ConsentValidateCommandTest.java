package org.custos.cli;

import org.custos.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code custos consent validate FILE...}: problems on stdout, exit 0 only when every file is a valid Consent. */
class ConsentValidateCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CustosCommand.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void theOfficialExamplesAreValidAndTheirWarningsArePrinted() throws IOException {
        List<String> args = new ArrayList<>(List.of("consent", "validate"));
        try (var files = Files.list(TestData.examples().resolve("consent"))) {
            files.sorted().forEach(f -> args.add(f.toString()));
        }
        Run r = run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        Path pkb = TestData.examples().resolve("consent").resolve("Consent-consent-example-pkb.json");
        assertThat(r.out()).contains(pkb + ": WARNING Consent.except[0].actor[0].role (26:12): None of the codings "
                        + "provided are in the value set 'SecurityRoleType'")
                .contains(pkb + ": valid (12 warning(s))")
                .contains("All " + (args.size() - 2) + " file(s) valid, ")
                .doesNotContain(": ERROR ");
        assertThat(r.err()).startsWith("Validated " + (args.size() - 2) + " file(s) in ");
    }

    @Test
    void anyInvalidOrUnreadableFileExitsOneAndEachProblemIsNamed() throws IOException {
        Path valid = TestData.examples().resolve("consent").resolve("consent-example-notTime.xml");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"resourceType\":\"Consent\",\"status\":\"bogus\",\"patient\":{\"reference\":"
                + "\"Patient/1\"},\"policyRule\":\"http://hl7.org/fhir/ConsentPolicy/opt-in\",\"except\":[{\"type\":"
                + "\"maybe\"}]}");
        Path patient = dir.resolve("patient.json");
        Files.writeString(patient, "{\"resourceType\":\"Patient\",\"id\":\"p1\"}");
        Path broken = dir.resolve("broken.xml");
        Files.writeString(broken, "<Consent xmlns=\"http://hl7.org/fhir\">\n  <status value=\"active\">\n</Consent>");
        Path missing = dir.resolve("missing.json");

        // --quiet: errors only (each validator costs seconds to load: one run covers both)
        Run r = run("consent", "validate", "--quiet", valid.toString(), bad.toString(), patient.toString(), broken.toString(),
                missing.toString(), dir.toString());
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out())
                .doesNotContain("WARNING")
                .contains(valid + ": valid (1 warning(s))")
                .contains(bad + ": ERROR Consent.status (1:43): The value provided ('bogus') was not found in the "
                        + "value set 'ConsentState'")
                .contains(bad + ": ERROR Consent.except[0].type (")
                .contains(bad + ": invalid (2 error(s), 0 warning(s))")
                .contains(patient + ": ERROR Patient: this is a Patient, not a Consent")
                .contains(broken + ": ERROR (3:")
                .contains(missing + ": ERROR cannot read the file: no such file")
                .contains(dir + ": ERROR cannot read the file: it is a folder")
                .contains("5 of 6 file(s) invalid or unreadable: " + bad + ", " + patient + ", " + broken + ", "
                        + missing + ", " + dir + "; 1 valid");
        assertThat(r.out().lines().filter(l -> l.startsWith(bad + ": ERROR"))).hasSize(2);
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void usageErrorsGiveOneLineAndExitOneAsEverywhere() {
        for (String[] args : new String[][]{{"consent", "validate"}, {"consent", "validate", "--bogus", "x.json"},
                {"consent"}, {"consent", "frobnicate"}}) {
            Run r = run(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(r.err().trim().lines().count()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).startsWith("custos");
        }
        Run help = run("consent", "validate", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("FILE").contains("Exit status");
        assertThat(run("consent", "--help").out()).contains("validate");
    }
}
