package org.custos.fhir;

import org.custos.TestData;
import org.custos.fhir.ValidationProblem.Severity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The STU3 validator on the official Consent examples, on broken Consents and on text that is no resource. */
class ResourceValidatorTest {
    static ResourceValidator validator;

    @BeforeAll
    static void build() {
        long t0 = System.nanoTime();
        validator = new ResourceValidator(TestData.FHIR);
        long t1 = System.nanoTime();
        validator.warmUp();
        long t2 = System.nanoTime();
        System.out.printf("ResourceValidator: built in %d ms, first validation (warm-up) %d ms%n",
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
    }

    static List<Path> consentExamples() throws IOException {
        try (var files = Files.list(TestData.examples().resolve("consent"))) {
            return files.filter(f -> f.toString().endsWith(".json") || f.toString().endsWith(".xml")).sorted().toList();
        }
    }

    static List<ValidationProblem> errors(List<ValidationProblem> problems) {
        return problems.stream().filter(ValidationProblem::isError).toList();
    }

    @Test
    void everyOfficialConsentExampleIsValidJsonAndXml() throws IOException {
        List<Path> examples = consentExamples();
        assertThat(examples).hasSizeGreaterThanOrEqualTo(29);
        long t0 = System.nanoTime();
        for (Path f : examples) {
            List<ValidationProblem> problems = validator.validate(Files.readString(f), "Consent");
            assertThat(errors(problems)).as(f.getFileName() + ": " + problems).isEmpty();
            assertThat(ResourceValidator.isValid(problems)).isTrue();
        }
        System.out.printf("ResourceValidator: %d consent examples validated warm in %d ms (%.0f ms each)%n",
                examples.size(), (System.nanoTime() - t0) / 1_000_000,
                (System.nanoTime() - t0) / 1e6 / examples.size());
    }

    @Test
    void warningsOfTheExamplesAreTheExpectedOnes() throws IOException {
        Path dir = TestData.examples().resolve("consent");
        // the pkb example's actors have a role from ParticipationType (PRCP), outside the extensible security-role-type
        List<ValidationProblem> pkb = validator.validate(Files.readString(dir.resolve("Consent-consent-example-pkb.json")));
        assertThat(pkb).isNotEmpty().allSatisfy(p -> {
            assertThat(p.severity()).isEqualTo(Severity.WARNING);
            assertThat(p.location()).matches("Consent\\.except\\[\\d+]\\.actor\\[0]\\.role");
            assertThat(p.message()).contains("security-role-type");
            assertThat(p.line()).isPositive();
            assertThat(p.column()).isPositive();
        });
        assertThat(pkb.get(0).location()).isEqualTo("Consent.except[0].actor[0].role");
        // a Dutch zib example names a Nictiz profile and code systems the validator does not hold: warnings, no error
        List<ValidationProblem> zib = validator.validate(Files.readString(dir.resolve("zib-AdvanceDirective-01.xml")));
        assertThat(errors(zib)).isEmpty();
        assertThat(zib).anySatisfy(p -> {
            assertThat(p.severity()).isEqualTo(Severity.WARNING);
            assertThat(p.location()).isEqualTo("Consent.meta.profile[0]");
            assertThat(p.message()).contains("http://nictiz.nl/fhir/StructureDefinition/zib-AdvanceDirective");
        });
        assertThat(zib).anySatisfy(p -> {
            assertThat(p.severity()).isEqualTo(Severity.WARNING);
            assertThat(p.location()).isEqualTo("Consent.category[1]");
            assertThat(p.message()).contains("CodeSystem is unknown");
        });
        assertThat(zib).filteredOn(p -> p.severity() == Severity.INFORMATION)
                .allSatisfy(p -> assertThat(p.message()).startsWith("Unknown extension"));
    }

    static final String VALID = """
            {"resourceType":"Consent","status":"active","patient":{"reference":"Patient/1"},
             "policyRule":"http://hl7.org/fhir/ConsentPolicy/opt-in",
             "except":[{"type":"deny","actor":[{"role":{"coding":[{"system":"http://hl7.org/fhir/v3/ParticipationType",
               "code":"IRCP"}]},"reference":{"reference":"Practitioner/7"}}]}]}""";

    @Test
    void aSmallValidConsentHasNoProblems() {
        assertThat(validator.validate(VALID, "Consent")).isEmpty();
        assertThat(validator.validate("\uFEFF" + VALID, "Consent")).as("after a byte order mark").isEmpty();
        assertThat(validator.validate(null, "Consent")).singleElement().satisfies(p ->
                assertThat(p.message()).contains("empty"));
    }

    @Test
    void aNewValidatorAndItsValueSetsCanBeUsedFromTwoThreadsAtOnce() throws Exception {
        ResourceValidator fresh = new ResourceValidator(TestData.FHIR);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<List<ValidationProblem>> validated = pool.submit(() -> fresh.validate(VALID, "Consent"));
            Future<Integer> expanded = pool.submit(() -> fresh.codedValues().securityLabels().size()
                    + fresh.codedValues().purposesOfUse().size());
            assertThat(validated.get()).isEmpty();
            assertThat(expanded.get()).isGreaterThan(100);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void brokenConsentsGiveAnErrorAtTheRightPlace() {
        assertError(VALID.replace("\"status\":\"active\",", ""), "Consent", "Consent.status: minimum required = 1");
        assertError(VALID.replace("\"active\"", "\"bogus\""), "Consent.status", "'bogus'");
        assertError(VALID.replace("\"deny\"", "\"maybe\""), "Consent.except[0].type", "'maybe'");
        assertError(VALID.replace(",\"reference\":{\"reference\":\"Practitioner/7\"}", ""),
                "Consent.except[0].actor[0]", "Consent.except.actor.reference: minimum required = 1");
        assertError(VALID.replace("\"policyRule\":\"http://hl7.org/fhir/ConsentPolicy/opt-in\",", ""), "Consent",
                "ppc-1");
        assertError(VALID.replace("\"status\":\"active\"", "\"status\":\"active\",\"dateTime\":\"yesterday\""),
                "Consent.dateTime", "yesterday");
        assertError(VALID.replace("\"status\":\"active\"", "\"status\":\"active\",\"colour\":\"blue\""), "Consent",
                "colour");
        // the same in XML
        String xml = """
                <Consent xmlns="http://hl7.org/fhir">
                  <status value="nonsense"/>
                  <patient><reference value="Patient/1"/></patient>
                  <policyRule value="http://hl7.org/fhir/ConsentPolicy/opt-out"/>
                </Consent>""";
        ValidationProblem p = assertError(xml, "Consent.status", "'nonsense'");
        assertThat(p.line()).isEqualTo(2);
    }

    /** The one error at {@code location} whose message contains {@code text}. */
    static ValidationProblem assertError(String text, String location, String messagePart) {
        List<ValidationProblem> problems = validator.validate(text, "Consent");
        List<ValidationProblem> hits = errors(problems).stream().filter(p -> p.location().equals(location)
                && p.message().contains(messagePart)).toList();
        assertThat(hits).as(location + " / " + messagePart + " in " + problems).hasSize(1);
        // a wrong code is said once, not twice
        assertThat(errors(problems).stream().filter(p -> p.location().equals(location)).count())
                .as(problems.toString()).isEqualTo(1);
        return hits.get(0);
    }

    @Test
    void textThatIsNoResourceGivesOneErrorAndNeverThrows() {
        String[][] cases = {
                {"", "empty"},
                {"   \n", "empty"},
                {"nonsense", "neither JSON nor XML"},
                {"{\"resourceType\": \"Consent\",\n \"status\": ", "not valid JSON"},
                {"{\"status\":\"active\"}", "no \"resourceType\""},
                {"[1,2]", "the JSON is not an object"},
                {"\uFEFF", "empty"},
                {"{\"resourceType\":\"Consent\"} trailing", "not valid JSON"},
                {"<Consent xmlns=\"http://hl7.org/fhir\"><status value=\"x\"></Consent>", "not well-formed XML"},
                {"<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><Consent xmlns=\"http://hl7.org/fhir\">&e;"
                        + "</Consent>", "DOCTYPE"},
                {"<Consent><status value=\"active\"/></Consent>", "not in the FHIR namespace"},
        };
        for (String[] c : cases) {
            String text = c[0];
            String part = c[1];
            List<ValidationProblem> problems = validator.validate(text, "Consent");
            assertThat(problems).as(text).hasSize(1);
            assertThat(problems.get(0).isError()).isTrue();
            assertThat(problems.get(0).message()).as(text).contains(part);
        }
        ValidationProblem truncated = validator.validate("{\"resourceType\": \"Consent\",\n \"status\": ").get(0);
        assertThat(truncated.line()).isEqualTo(2);
        assertThat(truncated.describe()).startsWith("ERROR (2:").contains("not valid JSON");
        ValidationProblem xml = validator.validate("<Consent xmlns=\"http://hl7.org/fhir\">\n<status value=\"x\">"
                + "</Consent>").get(0);
        assertThat(xml.line()).isEqualTo(2);
        assertThat(xml.message()).doesNotContain("\n");
    }

    @Test
    void anotherResourceTypeIsNotAConsent() {
        List<ValidationProblem> problems = validator.validate("{\"resourceType\":\"Patient\",\"id\":\"p\"}", "Consent");
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.isError()).isTrue();
            assertThat(p.location()).isEqualTo("Patient");
            assertThat(p.message()).isEqualTo("this is a Patient, not a Consent");
        });
        // without an expected type, any valid resource passes
        assertThat(errors(validator.validate("{\"resourceType\":\"Patient\",\"id\":\"p\"}"))).isEmpty();
        assertThat(validator.validate("<Patient xmlns=\"http://hl7.org/fhir\"/>", "Consent").get(0).message())
                .isEqualTo("this is a Patient, not a Consent");
    }

    @Test
    void oneValidatorServesManyThreadsWithTheSameResults() throws Exception {
        List<Path> examples = consentExamples();
        List<String> texts = new ArrayList<>();
        for (Path f : examples) {
            texts.add(Files.readString(f));
        }
        texts.add(VALID.replace("\"active\"", "\"bogus\""));
        Function<String, String> run = t -> validator.validate(t, "Consent").stream().map(ValidationProblem::describe)
                .collect(Collectors.joining("\n"));
        List<String> sequential = texts.stream().map(run).toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 2; round++) {
                List<Future<String>> futures = new ArrayList<>();
                for (String t : texts) {
                    futures.add(pool.submit(() -> run.apply(t)));
                }
                for (int i = 0; i < texts.size(); i++) {
                    assertThat(futures.get(i).get()).as(String.valueOf(i)).isEqualTo(sequential.get(i));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
