package org.custos.consent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The guided consent makes, for each choice, the same Consent a staff member makes in the expert editor from the same
 * template with the same people filled in (through the editor's own form), tells it in plain words, and shows the
 * decisions the real decision engine takes on it.
 */
class GuidedConsentTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T09:00:00Z"), ZoneOffset.UTC);
    static final ConsentTemplates TEMPLATES = new ConsentTemplates(CLOCK);
    static final ConsentTemplates.Patient PATIENT = new ConsentTemplates.Patient("Patient/p7");
    static final GuidedConsent.Person DR_X = new GuidedConsent.Person("Practitioner/x1", "Dr Xavier Brennan", null);
    static final GuidedConsent.Person CLINIC = new GuidedConsent.Person("Organization/o1", "Good Health Clinic",
            "organisation");
    static final String ORIGIN = "https://fhir.example.org/r3";
    private final GuidedConsent guided = new GuidedConsent(TEMPLATES);
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void eachChoiceGivesTheExpertEditorsConsent() throws Exception {
        for (GuidedConsent.Choice choice : GuidedConsent.Choice.values()) {
            for (List<GuidedConsent.Person> people : choice.needsPeople() ? List.of(List.of(DR_X),
                    List.of(DR_X, CLINIC)) : List.of(List.<GuidedConsent.Person>of())) {
                ObjectNode mine = guided.consent(choice, PATIENT, people);
                ObjectNode expert = expert(choice.kind(), people);
                assertThat(withoutIdAndDate(mine)).as(choice + " " + people).isEqualTo(withoutIdAndDate(expert));
                assertThat(mine.at("/patient/reference").asText()).isEqualTo("Patient/p7");
            }
        }
    }

    /** The expert editor: its template menu for the kind, then the people put in through its form, as a user does. */
    private ObjectNode expert(ConsentTemplates.Kind kind, List<GuidedConsent.Person> people) throws Exception {
        List<String> saved = new ArrayList<>();
        ConsentEditorViewModel vm = new ConsentEditorViewModel(json -> List.of(), (o, id, base, json) -> {
            saved.add(json);
            return new ConsentEditorViewModel.Outcome.Queued("test");
        }, new org.custos.ui.ImmediateTaskRunner(), ZoneOffset.UTC);
        vm.create(TemplateMenu.make(TEMPLATES, kind, PATIENT.reference(), null), ORIGIN);
        if (!people.isEmpty()) {
            ConsentForm.Group rule = vm.form().get().root().items("except").items().get(0);
            for (int i = 0; i < people.size(); i++) {
                if (i > 0) {
                    rule.items("actor").add();
                    rule = vm.form().get().root().items("except").items().get(0);
                    rule.items("actor").items().get(i).group("role").items("coding").add(new ConsentCodes.Choice(
                            ConsentTemplates.PARTICIPATION_TYPE, "IRCP", "information recipient"));
                    rule = vm.form().get().root().items("except").items().get(0);
                }
                GuidedConsent.Person p = people.get(i);
                vm.pickReference(rule.items("actor").items().get(i).group("reference"),
                        new ConsentEditorViewModel.Suggestion(p.reference(), p.name()));
            }
        }
        return (ObjectNode) mapper.readTree(vm.json());
    }

    private static JsonNode withoutIdAndDate(ObjectNode c) {
        ObjectNode copy = c.deepCopy();
        copy.remove("id");
        copy.remove("dateTime");
        return copy;
    }

    @Test
    void allExceptDrXTellsWhatItLeadsTo() {
        ObjectNode c = guided.consent(GuidedConsent.Choice.ALL_EXCEPT, PATIENT, List.of(DR_X));
        assertThat(guided.summary(GuidedConsent.Choice.ALL_EXCEPT, List.of(DR_X))).containsExactly(
                "Everyone who cares for you may see your record, except: Dr Xavier Brennan.",
                "Dr Xavier Brennan may not see any of it.");
        assertThat(guided.decisions(c, GuidedConsent.Choice.ALL_EXCEPT, List.of(DR_X)))
                .extracting(GuidedConsent.Decision::text).containsExactly(
                        "Dr Xavier Brennan could not see your record.",
                        "Dr Xavier Brennan could not see your mental health notes.",
                        "Someone you did not name could see your record.");
        // the consent itself is a draft: the decisions are those it takes once in force
        assertThat(c.get("status").asText()).isEqualTo("draft");
    }

    @Test
    void careTeamLetsOnlyThosePicked() {
        List<GuidedConsent.Person> team = List.of(DR_X, CLINIC);
        ObjectNode c = guided.consent(GuidedConsent.Choice.CARE_TEAM, PATIENT, team);
        assertThat(guided.decisions(c, GuidedConsent.Choice.CARE_TEAM, team))
                .extracting(GuidedConsent.Decision::outcome).containsExactly(ConsentDecision.Outcome.PERMIT,
                        ConsentDecision.Outcome.PERMIT, ConsentDecision.Outcome.PERMIT, ConsentDecision.Outcome.PERMIT,
                        ConsentDecision.Outcome.DENY);
        assertThat(guided.summary(GuidedConsent.Choice.CARE_TEAM, team)).containsExactly(
                "Only these may see your record: Dr Xavier Brennan, Good Health Clinic (organisation).",
                "No one else may see it, unless another of your consents or the law allows it. An organisation "
                        + "counts as itself, not its staff one by one: name the people too.");
        assertThat(guided.describe(c)).isEqualTo("Only these may see your record: Dr Xavier Brennan, Good Health "
                + "Clinic.");
    }

    @Test
    void researchAndEmergencyOnly() {
        ObjectNode research = guided.consent(GuidedConsent.Choice.RESEARCH, PATIENT, List.of());
        assertThat(guided.decisions(research, GuidedConsent.Choice.RESEARCH, List.of()))
                .extracting(GuidedConsent.Decision::text).containsExactly(
                        "Researchers could use your record for research.",
                        "This consent does not decide whether staff caring for you could see your record: your "
                                + "other consents and your care provider's rules do.");
        ObjectNode emergency = guided.consent(GuidedConsent.Choice.EMERGENCY_ONLY, PATIENT, List.of());
        assertThat(guided.decisions(emergency, GuidedConsent.Choice.EMERGENCY_ONLY, List.of()))
                .extracting(GuidedConsent.Decision::text).containsExactly(
                        "Staff treating you in an emergency could see your record.",
                        "Staff caring for you at other times could not see your record.");
        assertThat(guided.describe(research)).isEqualTo(GuidedConsent.Choice.RESEARCH.description());
        assertThat(guided.describe(emergency)).isEqualTo(GuidedConsent.Choice.EMERGENCY_ONLY.description());
    }

    @Test
    void noFhirWordsReachThePatient() {
        List<String> said = new ArrayList<>();
        for (GuidedConsent.Choice choice : GuidedConsent.Choice.values()) {
            List<GuidedConsent.Person> people = choice.needsPeople() ? List.of(DR_X, CLINIC) : List.of();
            ObjectNode c = guided.consent(choice, PATIENT, people);
            said.add(choice.title());
            said.add(choice.description());
            said.addAll(guided.summary(choice, people));
            guided.decisions(c, choice, people).forEach(d -> said.add(d.text()));
            said.add(guided.describe(c));
        }
        said.add(guided.describe(TEMPLATES.shareAllExceptPeriod(PATIENT, java.time.LocalDate.of(2020, 1, 1), null)));
        for (String s : List.of("active", "draft", "inactive", "entered-in-error", "rejected", "proposed", "?")) {
            said.add(GuidedConsent.statusWords(s));
        }
        assertThat(said).isNotEmpty().allSatisfy(s -> assertThat(s)
                .doesNotContainIgnoringCase("consent.")
                .doesNotContain("Practitioner/").doesNotContain("Organization/").doesNotContain("Patient/")
                .doesNotContainIgnoringCase("except[").doesNotContainIgnoringCase("policy")
                .doesNotContainIgnoringCase("opt-in").doesNotContainIgnoringCase("opt-out")
                .doesNotContain("ETREAT").doesNotContain("HRESCH").doesNotContain("IRCP")
                .doesNotContainIgnoringCase("permit").doesNotContainIgnoringCase("deny")
                .doesNotContainIgnoringCase("resource").doesNotContainIgnoringCase("FHIR"));
    }

    @Test
    void aPeopleChoiceWithoutPeopleIsRefused() {
        assertThatThrownBy(() -> guided.consent(GuidedConsent.Choice.ALL_EXCEPT, PATIENT, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
    }
}
