package org.custos.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.ui.ImmediateTaskRunner;
import org.hl7.fhir.dstu3.model.Consent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ConsentEditorViewModelTest {
    static final Path EXAMPLES = Path.of("src/test/resources/examples/stu3/consent");
    static FhirContext ctx;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void fhir() {
        ctx = FhirContext.forDstu3();
    }

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            return s.filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".xml")).sorted()
                    .toList().stream();
        }
    }

    static String asJson(Path p) throws IOException {
        String text = Files.readString(p, StandardCharsets.UTF_8);
        if (p.toString().endsWith(".xml")) {
            return ctx.newJsonParser().encodeResourceToString(ctx.newXmlParser().parseResource(text));
        }
        return text;
    }

    static ConsentEditorViewModel editor(List<String> savedTexts) {
        return new ConsentEditorViewModel(json -> List.of(), (origin, id, base, json) -> {
            savedTexts.add(json);
            return new ConsentEditorViewModel.Outcome.Stored("2", json);
        }, new ImmediateTaskRunner(), ZoneOffset.UTC);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void everyExampleOpensAndSavesBackEqual(Path file) throws Exception {
        String json = asJson(file);
        List<String> saved = new ArrayList<>();
        ConsentEditorViewModel vm = editor(saved);
        assertThat(vm.open(json, "files")).isTrue();
        assertThat(vm.dirty().get()).isFalse();
        // every element of the form was visited: the form has fields, and whatever it does not model is listed
        assertThat(vm.form().get().nodes()).hasSizeGreaterThan(40);
        vm.save();
        assertThat(saved).hasSize(1);
        IParser p = ctx.newJsonParser();
        Consent before = p.parseResource(Consent.class, json);
        Consent after = p.parseResource(Consent.class, saved.get(0));
        assertThat(after.equalsDeep(before)).as("FHIR-equal after the editor: " + file.getFileName()).isTrue();
        assertThat(JSON.readTree(saved.get(0))).isEqualTo(JSON.readTree(json));
    }

    @Test
    void equalityCheckCanFail() throws Exception {
        // the comparison above detects a change the editor makes
        String json = asJson(EXAMPLES.resolve("Consent-consent-example-notThis.json"));
        List<String> saved = new ArrayList<>();
        ConsentEditorViewModel vm = editor(saved);
        vm.open(json, "files");
        vm.form().get().root().items("except").items().get(0).field("type").value().set("permit");
        assertThat(vm.dirty().get()).isTrue();
        vm.save();
        Consent before = ctx.newJsonParser().parseResource(Consent.class, json);
        Consent after = ctx.newJsonParser().parseResource(Consent.class, saved.get(0));
        assertThat(after.equalsDeep(before)).isFalse();
        assertThat(after.getExceptFirstRep().getType().toCode()).isEqualTo("permit");
    }

    @Test
    void unmodelledContentIsKeptAndListed() throws Exception {
        String json = """
                {"resourceType":"Consent","id":"x","meta":{"versionId":"3"},
                 "extension":[{"url":"http://example.org/e","valueString":"kept"}],
                 "contained":[{"resourceType":"Patient","id":"p1"}],
                 "status":"active","_status":{"extension":[{"url":"http://example.org/s","valueBoolean":true}]},
                 "patient":{"reference":"#p1","identifier":{"value":"keep-me"}},
                 "except":[{"type":"deny","modifierExtension":[{"url":"http://example.org/m","valueCode":"x"}]}]}
                """;
        List<String> saved = new ArrayList<>();
        ConsentEditorViewModel vm = editor(saved);
        vm.open(json, "https://fhir.example.org");
        List<String> kept = vm.form().get().kept().stream().map(ConsentForm.Kept::path).toList();
        assertThat(kept).contains("Consent.id", "Consent.meta", "Consent.extension", "Consent.contained",
                "Consent._status", "Consent.patient.identifier", "Consent.except[0].modifierExtension");
        vm.form().get().root().field("status").value().set("inactive");
        vm.save();
        var out = JSON.readTree(saved.get(0));
        assertThat(out.path("status").asText()).isEqualTo("inactive");
        assertThat(out.path("extension").get(0).path("valueString").asText()).isEqualTo("kept");
        assertThat(out.path("patient").path("identifier").path("value").asText()).isEqualTo("keep-me");
        assertThat(out.path("except").get(0).path("modifierExtension").size()).isEqualTo(1);
        assertThat(out.path("_status").isObject()).isTrue();
        assertThat(out.has("period")).as("empty groups the form made are not saved").isFalse();
    }

    @Test
    void undoAndRedoStepThroughEditsAndStructure() {
        ConsentEditorViewModel vm = editor(new ArrayList<>());
        vm.open("{\"resourceType\":\"Consent\",\"id\":\"a\",\"status\":\"draft\",\"patient\":{\"reference\":\"Patient/1\"}}",
                "files");
        ConsentForm.Field status = vm.form().get().root().field("status");
        status.value().set("propose");
        status.value().set("proposed");           // the same field again: one undo step
        vm.form().get().root().items("except").add();
        ConsentForm.Group rule = vm.form().get().root().items("except").items().get(0);
        rule.field("type").value().set("deny");
        assertThat(vm.json()).contains("\"deny\"", "\"proposed\"");
        assertThat(vm.dirty().get()).isTrue();

        vm.undo();   // the except type
        assertThat(vm.json()).doesNotContain("deny");
        assertThat(vm.form().get().root().items("except").items()).hasSize(1);
        vm.undo();   // the except added
        assertThat(vm.form().get().root().items("except").items()).isEmpty();
        vm.undo();   // the status (both keystrokes)
        assertThat(vm.form().get().root().field("status").value().get()).isEqualTo("draft");
        assertThat(vm.dirty().get()).isFalse();
        assertThat(vm.canUndo().get()).isFalse();
        vm.redo();
        vm.redo();
        vm.redo();
        assertThat(vm.json()).contains("\"deny\"", "\"proposed\"");
        assertThat(vm.canRedo().get()).isFalse();
    }

    @Test
    void problemsShowAtTheirFieldAndErrorsBlockTheSave() {
        List<String> saved = new ArrayList<>();
        List<ConsentEditorViewModel.Finding> findings = new ArrayList<>();
        ConsentEditorViewModel vm = new ConsentEditorViewModel(json -> List.copyOf(findings),
                (origin, id, base, json) -> {
                    saved.add(json);
                    return new ConsentEditorViewModel.Outcome.Stored("1", json);
                }, new ImmediateTaskRunner(), ZoneOffset.UTC);
        vm.open("{\"resourceType\":\"Consent\",\"id\":\"a\",\"status\":\"draft\",\"patient\":{\"reference\":\"Patient/1\"},"
                + "\"except\":[{\"type\":\"deny\",\"actor\":[{\"reference\":{\"reference\":\"x\"}}]}]}", "srv");
        findings.add(new ConsentEditorViewModel.Finding(ConsentEditorViewModel.Severity.ERROR,
                "Consent.except[0].actor[0].role", "minimum required = 1, but only found 0"));
        findings.add(new ConsentEditorViewModel.Finding(ConsentEditorViewModel.Severity.WARNING,
                "Consent", "Best practice: a text"));
        vm.save();
        assertThat(saved).isEmpty();
        assertThat(vm.hasErrors().get()).isTrue();
        ConsentForm.Group actor = vm.form().get().root().items("except").items().get(0).items("actor").items().get(0);
        assertThat(actor.group("role").problem().get()).contains("minimum required");
        assertThat(vm.form().get().root().problem().get()).contains("Best practice");
        assertThat(vm.message().get()).contains("1 error");
        findings.remove(0);
        vm.save();
        assertThat(saved).hasSize(1);
        assertThat(actor.group("role").problem().get()).isEmpty();
    }

    @Test
    void warningsAndErrorsAreToldApartAtTheirFieldsAndInTheList() {
        List<ConsentEditorViewModel.Finding> findings = List.of(
                new ConsentEditorViewModel.Finding(ConsentEditorViewModel.Severity.ERROR,
                        "Consent.except[0].actor[0].role", "minimum required = 1, but only found 0"),
                new ConsentEditorViewModel.Finding(ConsentEditorViewModel.Severity.WARNING,
                        "Consent.status", "status draft is unusual here"),
                new ConsentEditorViewModel.Finding(ConsentEditorViewModel.Severity.WARNING,
                        "Consent.except[0].actor[0].role", "a warning next to the error"));
        ConsentEditorViewModel vm = new ConsentEditorViewModel(json -> findings,
                (origin, id, base, json) -> new ConsentEditorViewModel.Outcome.Stored("1", json),
                new ImmediateTaskRunner(), ZoneOffset.UTC);
        vm.open("{\"resourceType\":\"Consent\",\"id\":\"a\",\"status\":\"draft\",\"patient\":{\"reference\":\"Patient/1\"},"
                + "\"except\":[{\"type\":\"deny\",\"actor\":[{\"reference\":{\"reference\":\"x\"}}]}]}", "srv");
        vm.validate();
        ConsentForm.Group root = vm.form().get().root();
        ConsentForm.Group role = root.items("except").items().get(0).items("actor").items().get(0).group("role");
        assertThat(root.field("status").warning().get()).as("a warning only: amber").isTrue();
        assertThat(root.field("status").error().get()).isFalse();
        assertThat(role.error().get()).as("an error (with a warning): red").isTrue();
        assertThat(role.warning().get()).isFalse();
        assertThat(vm.findings()).extracting(ConsentEditorViewModel::styleClass)
                .containsExactly("field-error", "field-warning", "field-warning");
        assertThat(vm.findings().get(0).toString()).startsWith("Error at Consent.except[0]");
        assertThat(vm.findings().get(1).toString()).startsWith("Warning at Consent.status");

        vm.form().get().root().field("status").value().set("active");
        vm.validate();
        assertThat(root.field("status").warning().get()).as("still warned (same findings)").isTrue();
    }

    @Test
    void revokeSavesWithTheVersionStartedFromAndConflictsAreReported() {
        AtomicReference<String> base = new AtomicReference<>();
        ConsentEditorViewModel vm = new ConsentEditorViewModel(json -> List.of(), (origin, id, b, json) -> {
            base.set(b);
            return new ConsentEditorViewModel.Outcome.Conflict(json, "{\"resourceType\":\"Consent\",\"id\":\"a\","
                    + "\"meta\":{\"versionId\":\"4\"},\"status\":\"active\"}", "4");
        }, new ImmediateTaskRunner(), ZoneOffset.UTC);
        vm.open("{\"resourceType\":\"Consent\",\"id\":\"a\",\"meta\":{\"versionId\":\"3\"},\"status\":\"active\","
                + "\"patient\":{\"reference\":\"Patient/1\"}}", "srv");
        vm.revoke();
        assertThat(base.get()).isEqualTo("3");
        assertThat(vm.conflict().get()).isNotNull();
        assertThat(vm.conflict().get().mine()).contains("inactive");
        assertThat(vm.dirty().get()).as("nothing was saved").isTrue();
    }

    @Test
    void aNewConsentIsUnsavedWorkUntilQueuedOrStored() {
        ConsentEditorViewModel vm = new ConsentEditorViewModel(json -> List.of(),
                (origin, id, b, json) -> new ConsentEditorViewModel.Outcome.Queued("connection refused"),
                new ImmediateTaskRunner(), ZoneOffset.UTC);
        vm.create("{\"resourceType\":\"Consent\",\"status\":\"draft\",\"patient\":{\"reference\":\"Patient/1\"}}", "srv");
        assertThat(vm.needsConfirmationToClose()).isTrue();
        assertThat(vm.json()).contains("\"id\"", "\"dateTime\"");
        vm.save();
        assertThat(vm.message().get()).contains("outbox");
        assertThat(vm.needsConfirmationToClose()).isFalse();
    }

    @Test
    void removingTheLastItemOfAListLeavesNoEmptyArray() {
        ConsentEditorViewModel vm = editor(new ArrayList<>());
        vm.open("{\"resourceType\":\"Consent\",\"id\":\"a\",\"status\":\"active\",\"patient\":{\"reference\":\"Patient/1\"},"
                + "\"actor\":[{\"reference\":{\"reference\":\"Practitioner/1\"}}]}", "files");
        ConsentForm.Items actors = vm.form().get().root().items("actor");
        actors.remove(actors.items().get(0));
        assertThat(vm.json()).doesNotContain("actor");
        vm.undo();
        assertThat(vm.json()).contains("Practitioner/1");
    }

    @Test
    void notAConsentIsRefusedWithAReason() {
        ConsentEditorViewModel vm = editor(new ArrayList<>());
        assertThat(vm.open("{\"resourceType\":\"Patient\"}", "files")).isFalse();
        assertThat(vm.message().get()).contains("not a Consent", "Patient");
        assertThat(vm.open("{oops", "files")).isFalse();
        assertThat(vm.message().get()).contains("cannot be read");
    }

    @Test
    void attachingASourceFillsTheAttachment() throws Exception {
        List<String> saved = new ArrayList<>();
        ConsentEditorViewModel vm = editor(saved);
        vm.open("{\"resourceType\":\"Consent\",\"id\":\"a\",\"status\":\"active\",\"patient\":{\"reference\":\"Patient/1\"}}",
                "srv");
        vm.attachSource("signed.pdf", "application/pdf", "%PDF-1.4 test".getBytes(StandardCharsets.US_ASCII));
        var a = JSON.readTree(vm.json()).path("sourceAttachment");
        assertThat(a.path("contentType").asText()).isEqualTo("application/pdf");
        assertThat(a.path("size").asLong()).isEqualTo(13);
        assertThat(a.path("data").asText()).isEqualTo("JVBERi0xLjQgdGVzdA==");
        vm.undo();
        assertThat(vm.json()).doesNotContain("sourceAttachment");
    }
}
