package org.custos.consent;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.custos.ui.TaskRunner;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The Consents tab: find a patient (by name, identifier or id), list their consents — or every patient's — filtered by
 * status, category and text, a page at a time (keyset paging, newest first); open one in the editor; start a new one
 * from a template.
 */
public final class ConsentListViewModel {
    public static final List<String> STATUSES = List.of("draft", "proposed", "active", "rejected", "inactive",
            "entered-in-error");
    static final int PAGE = 200;

    /**
     * What the list asks for: a patient (exact reference, null: all), statuses (empty: all), a category, words; the
     * patient's origin when one was picked (null: that reference in every origin).
     */
    public record Query(String patientReference, Set<String> statuses, String category, String text,
                        String patientOrigin) {
    }

    /** One consent as the table shows it; {@code key} and {@code sortKey} say where the next page starts. */
    public record Row(long key, long sortKey, String origin, String id, String versionId, String status, String categories,
                      String patientReference, String patientName, String period, String dateTime, String flags) {
        public String patient() {
            return patientName == null || patientName.isBlank() ? patientReference
                    : patientName + " (" + patientReference + ")";
        }
    }

    /** The cached consents, as the list needs them. */
    public interface Source {
        /** The next page after {@code after} (null: the first), newest first. */
        List<Row> page(Query q, Row after, int limit) throws Exception;

        long count(Query q) throws Exception;

        /** The text of the version the row was listed with (JSON). */
        String text(Row row) throws Exception;

        /**
         * The text of the newest version of the row's consent (its origin and id) in the cache now: the cache may have
         * got a newer one since the list was read. By default the row's own version.
         */
        default String current(Row row) throws Exception {
            return text(row);
        }
    }

    /**
     * The user's edit of a consent that waits in the outbox (not in conflict): its entry and text; {@code stuck}:
     * why it is not sent and needs the user (the server refused it), null when it just waits.
     */
    public record Waiting(long seq, String json, String stuck) {
        public Waiting(long seq, String json) {
            this(seq, json, null);
        }
    }

    /** The edits that wait to be sent (the outbox). */
    public interface Outbox {
        /** Sends what waits, to every server that can be reached; says what happened, in a line. */
        /** Sends what waits; {@code progress}: the task's, whose cancel (or the app closing) stops the sending. */
        String sendAll(org.custos.ui.TaskRunner.Progress progress) throws Exception;

        /** "2 edits waiting to be sent · 1 needs you" (empty: nothing waits). */
        String summary() throws Exception;

        /** A conflict the user has not settled for this consent, if any: their text, the server's and its version. */
        java.util.Optional<ConsentEditorViewModel.Outcome.Conflict> conflictOf(String origin, String id) throws Exception;

        /** The newest edit of this consent not sent and not in conflict (waiting, or refused: see stuck), if any. */
        default java.util.Optional<Waiting> waitingOf(String origin, String id) throws Exception {
            return java.util.Optional.empty();
        }
    }

    /** A template: a name, what it is for, and the consent it makes for a patient (reference, display). */
    public record Template(String name, String description, TemplateMaker maker) {
        @Override
        public String toString() {
            return name;
        }
    }

    @FunctionalInterface
    public interface TemplateMaker {
        String make(String patientReference, String patientDisplay);
    }

    private final Source source;
    private final ConsentEditorViewModel.People people;
    private final List<Template> templates;
    private final Supplier<List<String>> targets;
    private final Supplier<ConsentEditorViewModel> editors;
    private final TaskRunner tasks;
    private final Outbox outbox;
    private final StringProperty outboxText = new SimpleStringProperty("");
    private Supplier<OutboxViewModel> outboxScreens = () -> null;
    private ConsentMeaningViewModel.Names names = ConsentMeaningViewModel.Names.NONE;
    private Supplier<ConsentCheckViewModel> checkScreens = () -> null;
    private final BooleanProperty canCheck = new SimpleBooleanProperty(false);
    private final ObservableList<Row> rows = FXCollections.observableArrayList();
    private final StringProperty patientText = new SimpleStringProperty("");
    private final ObjectProperty<ConsentEditorViewModel.Suggestion> patient = new SimpleObjectProperty<>();
    private final ObservableList<String> statuses = FXCollections.observableArrayList();
    private final StringProperty category = new SimpleStringProperty("");
    private final ConsentCodes codes;
    private final ObservableList<String> categoryCodes = FXCollections.observableArrayList();
    private final java.util.Map<String, String> categoryDisplays = new java.util.HashMap<>();
    private final StringProperty text = new SimpleStringProperty("");
    private final StringProperty message = new SimpleStringProperty("");
    private final StringProperty countText = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty(false);
    private final BooleanProperty more = new SimpleBooleanProperty(false);
    private final ObjectProperty<ConsentEditorViewModel> editor = new SimpleObjectProperty<>();
    private final StringProperty summary = new SimpleStringProperty("");
    private long summaryGeneration;
    /** Whether the list is on screen (its tab selected); the view binds it. */
    private final BooleanProperty shown = new SimpleBooleanProperty(false);
    /** The cache changed while the list was not on screen: it is searched again when it shows. */
    private boolean stale;
    private Query applied;
    private List<String> knownTargets = List.of();
    private int generation;

    /**
     * @param targets the servers a new consent can be saved to (base URLs of the server profiles)
     * @param editors makes a fresh editor (one per window)
     */
    public ConsentListViewModel(Source source, ConsentEditorViewModel.People people, List<Template> templates,
                                Supplier<List<String>> targets, Supplier<ConsentEditorViewModel> editors,
                                Outbox outbox, TaskRunner tasks) {
        this(source, people, templates, targets, editors, outbox, ConsentCodes.NONE, tasks);
    }

    /** As above, with the value sets: the category filter offers the STU3 consent categories. */
    public ConsentListViewModel(Source source, ConsentEditorViewModel.People people, List<Template> templates,
                                Supplier<List<String>> targets, Supplier<ConsentEditorViewModel> editors,
                                Outbox outbox, ConsentCodes codes, TaskRunner tasks) {
        this.codes = codes;
        this.outbox = outbox;
        shown.addListener((o, before, now) -> {
            if (now && stale) {
                stale = false;
                search();
            }
        });
        this.source = source;
        this.people = people;
        this.templates = List.copyOf(templates);
        this.targets = targets;
        this.editors = editors;
        this.tasks = tasks;
    }

    /** People matching what was typed in the patient field (for its completion; off the FX thread). */
    public List<ConsentEditorViewModel.Suggestion> suggest(String typed) {
        String t = typed == null ? "" : typed.trim();
        if (t.length() < 2) {
            return List.of();
        }
        try {
            return people.find(null, "Patient", t).stream().filter(s -> s.reference().startsWith("Patient/")).toList();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** A patient picked from the suggestions: their consents are listed. */
    public void pickPatient(ConsentEditorViewModel.Suggestion s) {
        patient.set(s);
        patientText.set(s == null ? "" : s.reference());
        search();
    }

    /** Every patient's consents again. */
    public void allPatients() {
        patient.set(null);
        patientText.set("");
        search();
    }

    /**
     * The consent-category codes offered by the category filter (loaded in the background at start: called again when
     * the choice opens, it takes them once they are there). Any other code can still be typed.
     */
    public ObservableList<String> categoryCodes() {
        if (categoryCodes.isEmpty()) {
            List<ConsentCodes.Choice> known = codes.codes(ConsentCodes.CATEGORY);
            known.forEach(c -> categoryDisplays.putIfAbsent(c.code(), c.display()));
            categoryCodes.setAll(known.stream().map(ConsentCodes.Choice::code).distinct().toList());
        }
        return categoryCodes;
    }

    /** How a category code is shown in the filter's choices: "code — display name" (the code alone if unknown). */
    public String categoryLabel(String code) {
        if (code == null) {
            return "";
        }
        String display = categoryDisplays.get(code);
        return display == null || display.isBlank() ? code : code + " — " + display;
    }

    /**
     * The cache changed (a sync or an import completed): the list is searched again at once when it is on screen,
     * otherwise marked stale and searched when it shows (no work, and no second task next to the audit browser's
     * refresh, for a list nobody looks at).
     */
    public void cacheChanged() {
        if (shown.get()) {
            stale = false;
            search();
        } else {
            stale = true;
        }
    }

    /** Whether the list is on screen now (bound by the view to its tab's selection). */
    public BooleanProperty shown() {
        return shown;
    }

    /** Whether the cache changed since the list was last searched while it was not on screen. */
    public boolean stale() {
        return stale;
    }

    /** Lists the consents the filters describe, from the newest. */
    public void search() {
        String typed = patientText.get().trim();
        String ref = typed.isEmpty() ? null : typed.matches("[A-Za-z]+/.+") ? typed : "Patient/" + typed;
        // a picked patient is (origin, reference): their origin's consents only; a typed reference: every origin's
        ConsentEditorViewModel.Suggestion picked = patient.get();
        String origin = ref != null && picked != null && picked.reference().equals(ref) ? picked.origin() : null;
        applied = new Query(ref, new LinkedHashSet<>(statuses), category.get().trim(), text.get().trim(), origin);
        int mine = ++generation;
        Query q = applied;
        busy.set(true);
        message.set("");
        tasks.submit("Listing consents", p -> new Page(source.page(q, null, PAGE), source.count(q), targets.get(),
                outbox.summary()), page -> {
            if (mine != generation) {
                return;
            }
            busy.set(false);
            knownTargets = page.targets();
            outboxText.set(page.outbox());
            rows.setAll(page.rows());
            more.set(page.rows().size() == PAGE);
            countText.set(String.format("%,d consent%s", page.count(), page.count() == 1 ? "" : "s")
                    + (q.patientReference() == null ? "" : " of " + patientLabel(q.patientReference())));
        }, t -> {
            busy.set(false);
            message.set("Cannot list consents: " + t.getMessage());
        });
    }

    private String patientLabel(String ref) {
        ConsentEditorViewModel.Suggestion s = patient.get();
        return s != null && s.reference().equals(ref) ? s.display() + " (" + ref + ")" : ref;
    }

    private record Page(List<Row> rows, long count, List<String> targets, String outbox) {
    }

    private record Opened(String json, ConsentEditorViewModel.Outcome.Conflict conflict, Waiting waiting) {
    }

    /** Sends the edits that wait (called now and then, and when the user asks), then shows what waits still. */
    public void sendPending() {
        tasks.submit(null, p -> {
            String done = outbox.sendAll(p);
            return new String[]{done, outbox.summary()};
        }, r -> {
            outboxText.set(r[1]);
            if (!r[0].isEmpty()) {
                message.set(r[0]);
                if (applied != null) {
                    search();
                }
            }
        }, t -> outboxText.set("Cannot send the waiting edits: " + t.getMessage()));
    }

    /** Makes the view model of an "Outbox…" window (the app sets it; null: none). */
    public void outboxScreens(Supplier<OutboxViewModel> screens) {
        this.outboxScreens = screens;
    }

    public OutboxViewModel outboxScreen() {
        return outboxScreens.get();
    }

    /** Names for the summary's references (per origin: the consent's own origin's directory). */
    public void names(ConsentMeaningViewModel.Names names) {
        this.names = names == null ? ConsentMeaningViewModel.Names.NONE : names;
    }

    /** Where "Past access…" screens come from (the composition root gives the check and the audit browser link). */
    public void checkScreens(Supplier<ConsentCheckViewModel> screens) {
        this.checkScreens = screens;
    }

    /** The past-access screen of the selected consent's patient, or null when it names none. */
    public ConsentCheckViewModel checkScreen(Row row) {
        if (row == null || row.patientReference() == null || row.patientReference().isBlank()) {
            return null;
        }
        ConsentCheckViewModel vm = checkScreens.get();
        if (vm != null) {
            vm.patient().set(row.patientReference());
        }
        return vm;
    }

    /** Whether the selected consent names a patient whose past access can be checked. */
    public BooleanProperty canCheck() {
        return canCheck;
    }

    /** What waits in the outbox, in a line. */
    public StringProperty outboxText() {
        return outboxText;
    }

    /** The next page, after the last row shown. */
    public void loadMore() {
        if (applied == null || rows.isEmpty() || busy.get()) {
            return;
        }
        Row last = rows.get(rows.size() - 1);
        Query q = applied;
        int mine = generation;
        busy.set(true);
        tasks.submit("Listing consents", p -> source.page(q, last, PAGE), page -> {
            if (mine != generation) {
                return;
            }
            busy.set(false);
            rows.addAll(page);
            more.set(page.size() == PAGE);
        }, t -> {
            busy.set(false);
            message.set("Cannot list more consents: " + t.getMessage());
        });
    }

    /**
     * Opens a consent in a new editor ({@link #editor()} is set when it is ready): an unsettled conflict with its
     * conflict screen; else the user's edit that waits in the outbox; else the newest version the cache holds now
     * (which may be newer than the row: the editor says so).
     */
    public void open(Row row) {
        if (row == null) {
            return;
        }
        tasks.submit("Opening consent " + row.id(), p -> {
            ConsentEditorViewModel.Outcome.Conflict c = outbox.conflictOf(row.origin(), row.id()).orElse(null);
            Waiting w = c != null ? null : outbox.waitingOf(row.origin(), row.id()).orElse(null);
            return new Opened(c == null && w == null ? source.current(row) : null, c, w);
        }, opened -> {
            ConsentEditorViewModel e = editors.get();
            boolean ok;
            if (opened.conflict() != null) {
                ok = e.openConflict(opened.conflict(), row.origin());
            } else if (opened.waiting() != null) {
                ok = e.openWaiting(opened.waiting().json(), row.origin(), opened.waiting().seq(),
                        opened.waiting().stuck());
            } else {
                ok = e.open(opened.json(), row.origin());
                if (ok && e.baseVersion() != null && row.versionId() != null
                        && !e.baseVersion().equals(row.versionId())) {
                    e.note("the list showed version " + row.versionId()
                            + "; this is the newer version the cache got since");
                }
            }
            if (ok) {
                followWrites(e);
                editor.set(e);
            } else {
                message.set("Cannot open consent " + row.id() + ": " + e.message().get());
            }
        }, t -> message.set("Cannot open consent " + row.id() + ": " + t.getMessage()));
    }

    /**
     * The plain-language summary of the consent selected in the list (read from the cache in the background, with
     * names from the directory of the consent's origin, see {@link #names}). Empty when nothing is selected.
     */
    public void select(Row row) {
        long g = ++summaryGeneration;
        canCheck.set(row != null && row.patientReference() != null && !row.patientReference().isBlank());
        if (row == null) {
            summary.set("");
            return;
        }
        ConsentMeaningViewModel.Names known = names;
        tasks.submit(null, p -> new ConsentSummary(r -> known.of(row.origin(), r), codes).text(
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(source.text(row))), text -> {
            if (g == summaryGeneration) {
                summary.set(text);
            }
        }, t -> {
            if (g == summaryGeneration) {
                summary.set("The summary could not be made: " + t.getMessage());
            }
        });
    }

    /** The selected consent in plain words. */
    public StringProperty summary() {
        return summary;
    }

    /** What an editor writes shows in the list (searched again when on screen) and in the outbox line. */
    private void followWrites(ConsentEditorViewModel e) {
        e.writes().addListener((obs, before, now) -> cacheChanged());
    }

    /** Starts a new consent from a template, for the patient chosen (if any), to be saved to {@code target}. */
    public void create(Template template, String target) {
        if (target == null || target.isBlank()) {
            message.set("Add a server first (Servers and sync): a consent is saved on a FHIR server");
            return;
        }
        ConsentEditorViewModel.Suggestion picked = patient.get();
        String typed = patientText.get().trim();
        // the picked person only while the field still shows them (typing another patient replaces the pick)
        ConsentEditorViewModel.Suggestion s = picked != null && picked.reference().equals(typed) ? picked : null;
        String ref = s != null ? s.reference() : typed;
        ConsentEditorViewModel e = editors.get();
        e.create(template.maker().make(ref, s == null ? null : s.display()), target);
        followWrites(e);
        editor.set(e);
    }

    public List<Template> templates() {
        return templates;
    }

    /** The servers a new consent can go to (as of the last search: reading the profiles is I/O). */
    public List<String> targets() {
        return knownTargets;
    }

    public ObservableList<Row> rows() {
        return rows;
    }

    public StringProperty patientText() {
        return patientText;
    }

    public ObservableList<String> statuses() {
        return statuses;
    }

    public StringProperty category() {
        return category;
    }

    public StringProperty text() {
        return text;
    }

    public StringProperty message() {
        return message;
    }

    public StringProperty countText() {
        return countText;
    }

    public BooleanProperty busy() {
        return busy;
    }

    public BooleanProperty more() {
        return more;
    }

    /** The editor to show next (the view opens a window for it and clears this). */
    public ObjectProperty<ConsentEditorViewModel> editor() {
        return editor;
    }
}
