package org.custos.consent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.ui.ImmediateTaskRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guided steps without a screen: what each step needs before Next, the people found and chosen, the check step
 * made of the real decisions, and the end — checked, saved, then signed over what the server stored; a failed
 * signature leaves the saved consent saved and says so; a save refused saves nothing and is not called done.
 */
class GuidedConsentViewModelTest {
    private static final String ORIGIN = "https://fhir.example.org/r3";
    private final ObjectMapper mapper = new ObjectMapper();
    private final List<String> saved = new ArrayList<>();
    private final List<String> signed = new ArrayList<>();
    private final List<ConsentEditorViewModel.Finding> findings = new ArrayList<>();
    private ConsentEditorViewModel.Outcome outcome = new ConsentEditorViewModel.Outcome.Stored("3", "{}");
    private RuntimeException signing;
    private String keyProblem;

    private GuidedConsentViewModel vm() {
        ConsentEditorViewModel.People people = (origin, type, text) -> {
            assertThat(origin).isEqualTo(ORIGIN);
            return List.of(new ConsentEditorViewModel.Suggestion("Practitioner/x1", "Dr Xavier Brennan", null),
                    new ConsentEditorViewModel.Suggestion("Patient/p9", "Another Patient", null),
                    new ConsentEditorViewModel.Suggestion("Organization/o1", "Good Health Clinic", "organisation"));
        };
        return new GuidedConsentViewModel(new GuidedConsent(new ConsentTemplates()), json -> findings,
                (origin, id, base, json) -> {
                    assertThat(origin).isEqualTo(ORIGIN);
                    assertThat(base).as("a new consent: no version to match").isNull();
                    saved.add(json);
                    return outcome;
                }, people, new GuidedConsentViewModel.Signer() {
                    @Override
                    public String sign(String id, String version, Path key, char[] pw) {
                        if (signing != null) {
                            throw signing;
                        }
                        signed.add(id + " v" + version + " " + key + " " + new String(pw));
                        return "Signature kept.";
                    }

                    @Override
                    public String problem(Path key, char[] password) {
                        return keyProblem;
                    }
                }, new ImmediateTaskRunner(), ORIGIN, new ConsentTemplates.Patient("Patient/p7"));
    }

    private GuidedConsentViewModel atSign(GuidedConsentViewModel vm) {
        vm.choice().set(GuidedConsent.Choice.ALL_EXCEPT);
        vm.next();
        vm.search().set("Brennan");
        vm.find();
        vm.add(vm.found().get(0));
        vm.next();
        vm.next();
        return vm;
    }

    @Test
    void eachStepAsksForWhatItNeeds() {
        GuidedConsentViewModel vm = vm();
        assertThat(vm.stepText()).isEqualTo("Step 1 of 4: What do you want?");
        vm.next();
        assertThat(vm.step().get()).isEqualTo(GuidedConsentViewModel.Step.CHOOSE);
        assertThat(vm.message().get()).isEqualTo("Choose what you want first.");
        vm.choice().set(GuidedConsent.Choice.ALL_EXCEPT);
        vm.next();
        assertThat(vm.step().get()).isEqualTo(GuidedConsentViewModel.Step.PEOPLE);
        assertThat(vm.stepText()).isEqualTo("Step 2 of 4: Who is it about?");
        vm.next();
        assertThat(vm.step().get()).isEqualTo(GuidedConsentViewModel.Step.PEOPLE);
        vm.search().set("a");
        vm.find();
        // patients are never offered, even when the directory gives one
        assertThat(vm.found()).extracting(GuidedConsent.Person::reference)
                .containsExactly("Practitioner/x1", "Organization/o1");
        vm.add(vm.found().get(0));
        vm.add(vm.found().get(0));
        assertThat(vm.chosen()).hasSize(1);
        vm.next();
        assertThat(vm.step().get()).isEqualTo(GuidedConsentViewModel.Step.CHECK);
        assertThat(vm.summary()).first().asString().contains("except: Dr Xavier Brennan");
        assertThat(vm.decisions()).extracting(GuidedConsent.Decision::text)
                .contains("Dr Xavier Brennan could not see your mental health notes.");
        assertThat(vm.decisions()).extracting(GuidedConsentViewModel::styleOf)
                .containsExactly("guided-decision-no", "guided-decision-no", "guided-decision-yes");
        assertThat(vm.consent().at("/except/0/actor/0/reference/reference").asText()).isEqualTo("Practitioner/x1");
        assertThat(vm.consent().get("status").asText()).isEqualTo("active");
        vm.back();
        assertThat(vm.step().get()).isEqualTo(GuidedConsentViewModel.Step.PEOPLE);
        assertThat(vm.chosen()).as("nothing chosen is lost going back").hasSize(1);

        GuidedConsentViewModel research = vm();
        research.choice().set(GuidedConsent.Choice.RESEARCH);
        research.next();
        assertThat(research.step().get()).as("no people to pick").isEqualTo(GuidedConsentViewModel.Step.CHECK);
        assertThat(research.stepText()).isEqualTo("Step 2 of 3: Is this what you want?");
    }

    @Test
    void signAndSaveSavesThenSignsWhatWasStored() throws Exception {
        GuidedConsentViewModel vm = atSign(vm());
        assertThat(vm.step().get()).isEqualTo(GuidedConsentViewModel.Step.SIGN);
        vm.signAndSave("pw".toCharArray());
        assertThat(vm.message().get()).startsWith("Choose the file of your signing key");
        assertThat(saved).isEmpty();
        vm.keyFile().set("/keys/me.p12");
        char[] pw = "pw".toCharArray();
        vm.signAndSave(pw);
        assertThat(saved).hasSize(1);
        JsonNode c = mapper.readTree(saved.get(0));
        assertThat(c.get("status").asText()).isEqualTo("active");
        assertThat(c.at("/except/0/type").asText()).isEqualTo("deny");
        assertThat(signed).as("the version the server stored is the one signed")
                .containsExactly(c.get("id").asText() + " v3 " + Path.of("/keys/me.p12") + " pw");
        assertThat(vm.step().get()).isEqualTo(GuidedConsentViewModel.Step.DONE);
        assertThat(vm.message().get()).startsWith("Your consent is saved and signed.");
        assertThat(pw).as("the caller's password is left to the caller").containsExactly('p', 'w');
    }

    @Test
    void aSignatureThatFailsLeavesTheConsentSavedAndSaysSo() {
        signing = new IllegalArgumentException("the password is wrong");
        GuidedConsentViewModel vm = atSign(vm());
        vm.keyFile().set("/keys/me.p12");
        vm.signAndSave("no".toCharArray());
        assertThat(saved).hasSize(1);
        assertThat(vm.step().get()).isEqualTo(GuidedConsentViewModel.Step.DONE);
        assertThat(vm.message().get()).isEqualTo("Your consent is saved and in force, but it could not be signed: "
                + "the password is wrong");
    }

    @Test
    void aSaveEndingAfterThePatientStartedAgainDoesNotMoveTheNewGuideOn() {
        List<Runnable> later = new ArrayList<>();
        ImmediateTaskRunner now = new ImmediateTaskRunner();
        org.custos.ui.TaskRunner deferred = new org.custos.ui.TaskRunner() {
            @Override
            public <T> Handle submit(String title, Work<T> work, java.util.function.Consumer<T> ok,
                                     java.util.function.Consumer<Throwable> failed) {
                later.add(() -> now.submit(title, work, ok, failed));
                return () -> { };
            }

            @Override
            public Handle every(java.time.Duration period, Runnable onUi) {
                return () -> { };
            }

            @Override
            public void onUi(Runnable r) {
                r.run();
            }

            @Override
            public void shutdown() {
            }
        };
        GuidedConsentViewModel vm = new GuidedConsentViewModel(new GuidedConsent(new ConsentTemplates()),
                json -> List.of(), (o, id, base, json) -> {
                    saved.add(json);
                    return outcome;
                }, ConsentEditorViewModel.People.NONE, (id, v, k, pw) -> "", deferred, ORIGIN,
                new ConsentTemplates.Patient("Patient/p7"));
        vm.choice().set(GuidedConsent.Choice.RESEARCH);
        vm.next();
        vm.next();
        vm.saveWithoutSigning();
        vm.restart();
        later.forEach(Runnable::run);
        assertThat(saved).hasSize(1);
        assertThat(vm.step().get()).isEqualTo(GuidedConsentViewModel.Step.CHOOSE);
        assertThat(vm.message().get()).isEmpty();
    }

    @Test
    void aKeyThatCannotSignForThePatientSavesNothing() {
        keyProblem = "the certificate of this key does not name you";
        GuidedConsentViewModel vm = atSign(vm());
        vm.keyFile().set("/keys/someone-else.p12");
        vm.signAndSave("pw".toCharArray());
        assertThat(saved).isEmpty();
        assertThat(signed).isEmpty();
        assertThat(vm.step().get()).isEqualTo(GuidedConsentViewModel.Step.SIGN);
        assertThat(vm.message().get()).isEqualTo("Your consent was not saved: the certificate of this key does not "
                + "name you");
        keyProblem = null;
        vm.saveWithoutSigning();
        assertThat(saved).as("without a key, no key to check").hasSize(1);
    }

    @Test
    void anIncompleteOrRefusedConsentIsNotSaved() {
        findings.add(new ConsentEditorViewModel.Finding(ConsentEditorViewModel.Severity.ERROR, "Consent.patient",
                "missing"));
        GuidedConsentViewModel vm = atSign(vm());
        vm.saveWithoutSigning();
        assertThat(saved).isEmpty();
        assertThat(vm.step().get()).isEqualTo(GuidedConsentViewModel.Step.SIGN);
        assertThat(vm.message().get()).isEqualTo("Your consent was not saved: it did not pass the check of a complete "
                + "consent. Please tell your care provider.");

        findings.clear();
        outcome = new ConsentEditorViewModel.Outcome.Queued("the server cannot be reached", 4L);
        vm.keyFile().set("/keys/me.p12");
        vm.signAndSave(null);
        assertThat(saved).hasSize(1);
        assertThat(signed).as("nothing stored on the server yet: nothing to sign").isEmpty();
        assertThat(vm.message().get()).contains("kept on this computer").contains("not in force until then")
                .contains("It is not signed");
    }
}
