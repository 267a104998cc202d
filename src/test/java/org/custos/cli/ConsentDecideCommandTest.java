package org.custos.cli;

import org.custos.TestData;
import org.custos.cli.CommandLineTest.Run;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.custos.cli.CommandLineTest.run;

/**
 * {@code custos consent decide}: the official examples imported into a real H2 cache file (as {@code custos import}
 * does), then decided from the command line.
 */
class ConsentDecideCommandTest {
    @TempDir
    static Path dir;
    static String db;
    static final String HOSPITAL = "Organization/2.16.840.1.113883.19.6";

    @BeforeAll
    static void importExamples() {
        db = dir.resolve("decide-cache").toString();
        Path consents = TestData.examples().resolve("consent");
        Run json = run("import", consents.resolve("Consent-consent-example-Emergency.json").toString(),
                consents.resolve("Consent-consent-example-pkb.json").toString(), "--db", db);
        assertThat(json.code()).as(json.out() + json.err()).isZero();
        // Emergency once more, as XML under a server's origin: its id is then ambiguous without --origin
        Run xml = run("import", consents.resolve("consent-example-Emergency.xml").toString(), "--origin",
                "https://ehr.example/fhir", "--db", db);
        assertThat(xml.code()).as(xml.out() + xml.err()).isZero();
        Run smart = run("import", consents.resolve("consent-example-smartonfhir.xml").toString(), "--db", db);
        assertThat(smart.code()).as(smart.out() + smart.err()).isZero();
    }

    @Test
    void permitAndDenyNameTheDecidingRule() {
        Run permit = run("consent", "decide", "--consent", "consent-example-Emergency", "--origin", "files",
                "--actor", HOSPITAL, "--role", "CST", "--action", "access", "--purpose", "ETREAT", "--db", db);
        assertThat(permit.code()).as(permit.err()).isZero();
        assertThat(permit.out().lines().toList()).startsWith("permit",
                "rule: Consent.except[0]: permit (actor Organization/2.16.840.1.113883.19.6 (CST); purpose ETREAT)");
        assertThat(permit.out()).contains("consent: Consent/consent-example-Emergency").contains("from files")
                .contains("Of the exceptions that apply, Consent.except[0] is the most specific (2 criteria)");

        Run deny = run("consent", "decide", "--consent", "consent-example-Emergency", "--origin",
                "https://ehr.example/fhir", "--actor", HOSPITAL, "--role", "CST", "--action", "access", "--purpose",
                "http://hl7.org/fhir/v3/ActReason|TREAT", "--db", db);
        assertThat(deny.code()).as(deny.err()).isZero();
        assertThat(deny.out().lines().toList()).startsWith("deny",
                "rule: Consent.except[1]: deny (actor Organization/2.16.840.1.113883.19.6 (CST))");

        Run base = run("consent", "decide", "--consent", "Consent/consent-example-pkb", "--actor", "Organization/ich-non",
                "--role", "PRCP", "--action", "access", "--label", "PSY", "--db", db);
        assertThat(base.code()).isZero();
        assertThat(base.out().lines().toList()).startsWith("deny",
                "rule: base policy (policyRule http://hl7.org/fhir/ConsentPolicy/opt-out): deny");

        Run labelled = run("consent", "decide", "--consent", "consent-example-pkb", "--actor", "Organization/ich-core",
                "--role", "PRCP", "--action", "access", "--label", "N", "--label", "SEX", "--db", db);
        assertThat(labelled.out()).startsWith("permit").contains("rule: Consent.except[3]");
    }

    @Test
    void undecidableAndNotInForceExitZeroToo() {
        Run noPurpose = run("consent", "decide", "--consent", "consent-example-Emergency", "--origin", "files",
                "--actor", HOSPITAL, "--role", "CST", "--action", "access", "--db", db);
        assertThat(noPurpose.code()).isZero();
        assertThat(noPurpose.out()).startsWith("undecidable").contains("rule: Consent.except[0]")
                .contains("purpose of use");

        // the SMART on FHIR consent was in force for half an hour on 2016-06-23 (imported from XML)
        Run inForce = run("consent", "decide", "--consent", "consent-example-smartonfhir", "--actor",
                "Device/app", "--action", "access", "--class", "MedicationRequest", "--date",
                "2016-06-23T17:10:00+10:00", "--db", db);
        assertThat(inForce.out()).as(inForce.err()).startsWith("permit").contains("rule: Consent.except[0]");
        Run now = run("consent", "decide", "--consent", "consent-example-smartonfhir", "--actor", "Device/app",
                "--action", "access", "--class", "MedicationRequest", "--db", db);
        assertThat(now.code()).isZero();
        assertThat(now.out()).startsWith("not-applicable").contains("rule: Consent.period").contains("Not in force");
    }

    @Test
    void errorsExitOne() {
        Run ambiguous = run("consent", "decide", "--consent", "consent-example-Emergency", "--actor", HOSPITAL,
                "--action", "access", "--db", db);
        assertThat(ambiguous.code()).isEqualTo(1);
        assertThat(ambiguous.err()).contains("cached from 2 origins").contains("files")
                .contains("https://ehr.example/fhir").contains("--origin");
        assertThat(ambiguous.out()).isEmpty();

        Run unknown = run("consent", "decide", "--consent", "nope", "--actor", HOSPITAL, "--action", "access",
                "--db", db);
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("Consent/nope is not in the cache");

        Run wrongOrigin = run("consent", "decide", "--consent", "consent-example-pkb", "--origin",
                "https://ehr.example/fhir", "--actor", HOSPITAL, "--action", "access", "--db", db);
        assertThat(wrongOrigin.code()).isEqualTo(1);
        assertThat(wrongOrigin.err()).contains("not in the cache from https://ehr.example/fhir");

        Run badDate = run("consent", "decide", "--consent", "consent-example-pkb", "--actor", HOSPITAL,
                "--action", "access", "--date", "yesterday", "--db", db);
        assertThat(badDate.code()).isEqualTo(1);
        assertThat(badDate.err()).contains("--date");

        Run badActor = run("consent", "decide", "--consent", "consent-example-pkb", "--actor", "the hospital",
                "--action", "access", "--db", db);
        assertThat(badActor.code()).isEqualTo(1);
        assertThat(badActor.err()).contains("--actor");

        Run roles = run("consent", "decide", "--consent", "consent-example-pkb", "--actor", HOSPITAL, "--role",
                "CST", "--role", "PRCP", "--action", "access", "--db", db);
        assertThat(roles.code()).isEqualTo(1);
        assertThat(roles.err()).contains("more --role than --actor");

        Run noAction = run("consent", "decide", "--consent", "consent-example-pkb", "--actor", HOSPITAL, "--db", db);
        assertThat(noAction.code()).isEqualTo(1);
        assertThat(noAction.err()).contains("--action");

        Run help = run("consent", "--help");
        assertThat(help.out()).contains("decide");
    }
}
