package org.custos.consent;

import org.custos.TestData;
import org.custos.fhir.ResourceValidator;
import org.custos.ui.ImmediateTaskRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "New consent" menu through the editor and the real validator: each template is valid once what it leaves
 * blank is filled in, and the blanks are errors at their fields until then (the save is blocked).
 */
class TemplateMenuTest {
    static ResourceValidator validator;

    @BeforeAll
    static void build() {
        validator = new ResourceValidator(TestData.FHIR);
    }

    static ConsentEditorViewModel editor(List<String> saved) {
        return new ConsentEditorViewModel(json -> validator.validate(json, "Consent").stream()
                .map(p -> new ConsentEditorViewModel.Finding(ConsentEditorViewModel.Severity.valueOf(p.severity().name()),
                        p.location(), p.message())).toList(),
                (origin, id, base, json) -> {
                    saved.add(json);
                    return new ConsentEditorViewModel.Outcome.Queued("test");
                }, new ImmediateTaskRunner(), ZoneOffset.UTC);
    }

    @Test
    void everyTemplateIsValidOnceItsBlanksAreFilled() {
        List<ConsentListViewModel.Template> menu = TemplateMenu.of(new ConsentTemplates());
        assertThat(menu).extracting(ConsentListViewModel.Template::name).contains("Opt-in", "Opt-out", "Research",
                "Emergency access (break the glass)", "Share all except with …", "Share only with …", "Share all except a kind of data",
                "Share all except labelled data", "Share all except a period");
        for (ConsentListViewModel.Template t : menu) {
            List<String> saved = new ArrayList<>();
            ConsentEditorViewModel vm = editor(saved);
            vm.create(t.maker().make("Patient/f001", "P. van de Heuvel"), "https://fhir.example.org");
            ConsentForm.Group root = vm.form().get().root();
            ConsentForm.Group rule = root.items("except").items().isEmpty() ? null
                    : root.items("except").items().get(0);
            switch (t.name()) {
                case "Share all except with …", "Share only with …" -> {
                    vm.save();
                    assertThat(saved).as(t.name() + ": the blank actor blocks the save").isEmpty();
                    assertThat(vm.hasErrors().get()).isTrue();
                    ConsentForm.Group who = rule.items("actor").items().get(0).group("reference");
                    assertThat(vm.form().get().nodes().stream().filter(n -> n.error().get())
                            .map(ConsentForm.Node::path)).as(t.name()).isNotEmpty()
                            .allMatch(p -> p.startsWith("Consent.except[0]"));
                    who.field("reference").value().set("Practitioner/7");
                }
                case "Share all except a kind of data" -> {
                    ConsentForm.Group c = rule.items("class").items().get(0);
                    c.pick(new ConsentCodes.Choice("http://hl7.org/fhir/resource-types", "Observation", "Observation"));
                }
                case "Share all except labelled data" -> rule.items("securityLabel").items().get(0).pick(
                        new ConsentCodes.Choice("http://hl7.org/fhir/v3/Confidentiality", "R", "restricted"));
                case "Share all except a period" -> {
                    rule.group("dataPeriod").field("start").value().set("2020-01-01");
                    rule.group("dataPeriod").field("end").value().set("2020-12-31");
                }
                default -> {
                }
            }
            vm.save();
            assertThat(vm.findings()).as(t.name() + ": " + vm.findings())
                    .noneMatch(f -> f.severity() == ConsentEditorViewModel.Severity.ERROR);
            assertThat(saved).as(t.name()).hasSize(1);
            assertThat(saved.get(0)).contains("Patient/f001");
        }
    }

    @Test
    void withoutAPatientTheTemplateAsksForOne() {
        List<String> saved = new ArrayList<>();
        ConsentEditorViewModel vm = editor(saved);
        vm.create(TemplateMenu.of(new ConsentTemplates()).get(0).maker().make("", null), "https://fhir.example.org");
        vm.save();
        assertThat(saved).isEmpty();
        assertThat(vm.form().get().root().group("patient").error().get()
                || vm.form().get().root().group("patient").field("reference").error().get()
                || vm.form().get().root().error().get()).isTrue();
        vm.form().get().root().group("patient").field("reference").value().set("Patient/f001");
        vm.save();
        assertThat(saved).hasSize(1);
    }
}
