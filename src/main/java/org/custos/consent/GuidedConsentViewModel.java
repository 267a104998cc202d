package org.custos.consent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.custos.ui.TaskRunner;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The guided consent (issue 15): a patient makes a consent in steps — what they want, whom it is about (picked from
 * the directory), what it means and leads to, then sign and save. The Consent is the expert editor's template for the
 * choice ({@link GuidedConsent}); it is checked by the same validator and saved through the same store as the expert
 * editor's, then signed over the version the server stored.
 */
public final class GuidedConsentViewModel {
    /** The steps, in order. */
    public enum Step {
        CHOOSE("What do you want?"), PEOPLE("Who is it about?"), CHECK("Is this what you want?"),
        SIGN("Sign and save"), DONE("Done");

        private final String title;

        Step(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    /**
     * Signs version {@code versionId} of the consent {@code id}, as the server stored it, with the patient's key (a
     * PKCS#12 file) and its password (null: none); says what became of the signature, in plain words. Refuses (throws)
     * when that version is no longer the one it would sign.
     */
    @FunctionalInterface
    public interface Signer {
        String sign(String consentId, String versionId, Path key, char[] password) throws Exception;

        /**
         * Why the key cannot sign for the patient (it cannot be opened, the password is wrong, its certificate names
         * someone else), in plain words; null when it can. Asked before anything is saved.
         */
        default String problem(Path key, char[] password) {
            return null;
        }
    }

    private final GuidedConsent guided;
    private final ConsentEditorViewModel.Checker checker;
    private final ConsentEditorViewModel.Store store;
    private final ConsentEditorViewModel.People people;
    private final Signer signer;
    private final TaskRunner tasks;
    private final String origin;
    private final ConsentTemplates.Patient patient;

    private final ObjectProperty<Step> step = new SimpleObjectProperty<>(Step.CHOOSE);
    private final ObjectProperty<GuidedConsent.Choice> choice = new SimpleObjectProperty<>();
    private final StringProperty search = new SimpleStringProperty("");
    private final ObservableList<GuidedConsent.Person> found = FXCollections.observableArrayList();
    private final ObservableList<GuidedConsent.Person> chosen = FXCollections.observableArrayList();
    private final ObservableList<String> summary = FXCollections.observableArrayList();
    private final ObservableList<GuidedConsent.Decision> decisions = FXCollections.observableArrayList();
    private final StringProperty keyFile = new SimpleStringProperty("");
    private final StringProperty message = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final BooleanBinding canGoOn;
    private Runnable onSaved = () -> { };
    private long searches;
    /** Counts the guides started: a save finishing after the patient started again does not move the new one on. */
    private long guides;
    private ObjectNode consent;

    /**
     * @param origin  the server the consent is saved to (the patient's)
     * @param patient the patient it is about
     */
    public GuidedConsentViewModel(GuidedConsent guided, ConsentEditorViewModel.Checker checker,
                                  ConsentEditorViewModel.Store store, ConsentEditorViewModel.People people,
                                  Signer signer, TaskRunner tasks, String origin, ConsentTemplates.Patient patient) {
        this.guided = guided;
        this.checker = checker;
        this.store = store;
        this.people = people;
        this.signer = signer;
        this.tasks = tasks;
        this.origin = origin;
        this.patient = patient;
        canGoOn = Bindings.createBooleanBinding(() -> !busy.get() && switch (step.get()) {
            case CHOOSE -> choice.get() != null;
            case PEOPLE -> !chosen.isEmpty();
            case CHECK -> true;
            case SIGN, DONE -> false;
        }, step, choice, chosen, busy);
    }

    /** Tells {@code r} when a consent was saved (the list shows it). */
    public GuidedConsentViewModel onSaved(Runnable r) {
        onSaved = r;
        return this;
    }

    /** Starts again at the first step, with nothing chosen. */
    public void restart() {
        guides++;
        step.set(Step.CHOOSE);
        choice.set(null);
        search.set("");
        found.clear();
        chosen.clear();
        summary.clear();
        decisions.clear();
        message.set("");
        consent = null;
    }

    /** "Step 2 of 4: Who is it about?" (the people step is left out of the count for a choice without people). */
    public String stepText() {
        Step s = step.get();
        if (s == Step.DONE) {
            return "Done";
        }
        boolean people = choice.get() == null || choice.get().needsPeople();
        int total = people ? 4 : 3;
        int n = s.ordinal() + 1 - (!people && s.ordinal() > Step.PEOPLE.ordinal() ? 1 : 0);
        return "Step " + n + " of " + total + ": " + s.title();
    }

    /** On to the next step (when the current one is complete); the check step is made from what was chosen. */
    public void next() {
        if (!canGoOn.get()) {
            message.set(switch (step.get()) {
                case CHOOSE -> "Choose what you want first.";
                case PEOPLE -> "Choose at least one person or organisation first.";
                default -> "";
            });
            return;
        }
        message.set("");
        switch (step.get()) {
            case CHOOSE -> {
                if (choice.get().needsPeople()) {
                    step.set(Step.PEOPLE);
                } else {
                    chosen.clear();
                    check();
                }
            }
            case PEOPLE -> check();
            case CHECK -> step.set(Step.SIGN);
            default -> {
            }
        }
    }

    /** Back one step; nothing chosen is lost. */
    public void back() {
        if (busy.get()) {
            return;
        }
        message.set("");
        step.set(switch (step.get()) {
            case CHOOSE, PEOPLE -> Step.CHOOSE;
            case CHECK -> choice.get() != null && choice.get().needsPeople() ? Step.PEOPLE : Step.CHOOSE;
            case SIGN -> Step.CHECK;
            case DONE -> Step.DONE;
        });
    }

    private void check() {
        List<GuidedConsent.Person> who = List.copyOf(chosen);
        consent = guided.consent(choice.get(), patient, who);
        consent.put("id", UUID.randomUUID().toString());
        summary.setAll(guided.summary(choice.get(), who));
        decisions.setAll(guided.decisions(consent, choice.get(), who));
        step.set(Step.CHECK);
    }

    /** Looks up people and organisations by name in the directory (the patient's server's, as this computer has it). */
    public void find() {
        String text = search.get() == null ? "" : search.get().strip();
        if (text.isEmpty()) {
            found.clear();
            return;
        }
        long gen = ++searches;
        tasks.submit(null, p -> people.find(origin, null, text).stream()
                .filter(s -> s.reference() != null && (s.reference().startsWith("Practitioner/")
                        || s.reference().startsWith("Organization/")))
                .map(s -> new GuidedConsent.Person(s.reference(), s.display(), s.detail())).toList(), list -> {
                    if (gen == searches) {
                        found.setAll(list);
                        message.set(list.isEmpty() ? "No one called \"" + text + "\" is known here." : "");
                    }
                }, e -> message.set("The directory could not be searched: " + e.getMessage()));
    }

    /** Adds someone found to the consent. */
    public void add(GuidedConsent.Person p) {
        if (p != null && chosen.stream().noneMatch(c -> c.reference().equals(p.reference()))) {
            chosen.add(p);
        }
    }

    public void remove(GuidedConsent.Person p) {
        chosen.remove(p);
    }

    /** The Consent as it will be saved (status active), for the check step and tests; null before the check step. */
    public ObjectNode consent() {
        if (consent == null) {
            return null;
        }
        ObjectNode c = consent.deepCopy();
        c.put("status", "active");
        return c;
    }

    /** Checks, saves, then signs with the key file chosen (its password, null for none, is not kept). */
    public void signAndSave(char[] password) {
        if (keyFile.get() == null || keyFile.get().isBlank()) {
            message.set("Choose the file of your signing key first, or save without signing.");
            return;
        }
        finish(Path.of(keyFile.get().strip()), password);
    }

    /** Checks and saves without a signature. */
    public void saveWithoutSigning() {
        finish(null, null);
    }

    private void finish(Path key, char[] password) {
        ObjectNode c = consent();
        if (c == null || busy.get()) {
            return;
        }
        char[] pw = password == null ? null : password.clone();
        String id = c.path("id").asText();
        String json = c.toString();
        busy.set(true);
        message.set("Saving your consent…");
        long guide = guides;
        tasks.submit("Saving your consent", p -> {
            try {
                List<ConsentEditorViewModel.Finding> problems = checker.check(json).stream()
                        .filter(f -> f.severity() == ConsentEditorViewModel.Severity.ERROR).toList();
                if (!problems.isEmpty()) {
                    // the validator's words are FHIR words: the patient is told plainly, the detail goes to the log
                    org.slf4j.LoggerFactory.getLogger(GuidedConsentViewModel.class).warn(
                            "A guided consent did not pass the validator: {}", problems);
                    throw new IllegalStateException("it did not pass the check of a complete consent. Please tell "
                            + "your care provider.");
                }
                String keyProblem = key == null ? null : signer.problem(key, pw);
                if (keyProblem != null) {
                    throw new IllegalStateException(keyProblem);
                }
                ConsentEditorViewModel.Outcome o = store.save(origin, id, null, json);
                if (o instanceof ConsentEditorViewModel.Outcome.Queued) {
                    return "The server cannot be reached now: your consent is kept on this computer and sent the next "
                            + "time you fetch your record. It is not in force until then." + (key == null ? ""
                            : " It is not signed: a signature needs the consent as the server keeps it.");
                }
                if (!(o instanceof ConsentEditorViewModel.Outcome.Stored stored)) {
                    throw new IllegalStateException("the server holds another consent under the same name");
                }
                if (key == null) {
                    return "Your consent is saved. It is in force now.";
                }
                try {
                    return "Your consent is saved and signed. It is in force now. " + signer.sign(id,
                            stored.versionId(), key, pw);
                } catch (Exception e) {
                    return "Your consent is saved and in force, but it could not be signed: " + e.getMessage();
                }
            } finally {
                if (pw != null) {
                    Arrays.fill(pw, '\0');
                }
            }
        }, said -> {
            busy.set(false);
            onSaved.run();
            if (guide == guides) {
                message.set(said);
                step.set(Step.DONE);
            }
        }, e -> {
            busy.set(false);
            if (guide == guides) {
                message.set("Your consent was not saved: " + e.getMessage());
            }
        });
    }

    public ObjectProperty<Step> step() {
        return step;
    }

    public ObjectProperty<GuidedConsent.Choice> choice() {
        return choice;
    }

    public List<GuidedConsent.Choice> choices() {
        return List.of(GuidedConsent.Choice.values());
    }

    public StringProperty search() {
        return search;
    }

    public ObservableList<GuidedConsent.Person> found() {
        return found;
    }

    public ObservableList<GuidedConsent.Person> chosen() {
        return chosen;
    }

    public ObservableList<String> summary() {
        return summary;
    }

    public ObservableList<GuidedConsent.Decision> decisions() {
        return decisions;
    }

    /** The style of a decision's line: allowed, not allowed, or neither (not decided here). */
    public static String styleOf(GuidedConsent.Decision d) {
        return switch (d.outcome()) {
            case PERMIT -> "guided-decision-yes";
            case DENY -> "guided-decision-no";
            case NOT_APPLICABLE, UNDECIDABLE -> "guided-decision-open";
        };
    }

    public StringProperty keyFile() {
        return keyFile;
    }

    public StringProperty message() {
        return message;
    }

    public BooleanProperty busy() {
        return busy;
    }

    public BooleanBinding canGoOn() {
        return canGoOn;
    }
}
