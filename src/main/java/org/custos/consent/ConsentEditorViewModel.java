package org.custos.consent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.custos.ui.TaskRunner;

import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The consent editor: one Consent as a form ({@link ConsentForm}) with undo and redo, validation before save (errors
 * at the field they concern block the save; warnings are shown), and saving through a {@link Store} that sends the
 * consent with the version the user started from — or keeps it in the outbox when the server cannot be reached, or
 * reports a conflict when the server changed meanwhile. Revoke, reinstate and entered-in-error are explicit actions.
 * Saving and settling conflicts live in {@link ConsentSaving}, the undo history in {@link UndoHistory}.
 */
public final class ConsentEditorViewModel {
    private final ObjectMapper mapper = new ObjectMapper();

    public enum Severity { ERROR, WARNING, INFORMATION }

    /** A problem a validator found, at a FHIRPath location. */
    public record Finding(Severity severity, String location, String message) {
        @Override
        public String toString() {
            return (severity == Severity.ERROR ? "Error" : severity == Severity.WARNING ? "Warning" : "Information")
                    + " at " + location + ": " + message;
        }
    }

    /** Checks a consent (the FHIR validator in the app); slow the first time. */
    @FunctionalInterface
    public interface Checker {
        List<Finding> check(String json) throws Exception;
    }

    /** What saving did. */
    public sealed interface Outcome {
        /** The server stored it: this is its version now. */
        record Stored(String versionId, String json) implements Outcome {
        }

        /** The server could not be reached: the consent waits in the outbox and is sent when it can be. */
        record Queued(String reason, Long seq) implements Outcome {
            public Queued(String reason) {
                this(reason, null);
            }
        }

        /** The server holds a newer version than the one the user started from: nothing was written. */
        /** {@code seq}: the outbox entry holding {@code mine} (null: none known); settling the conflict names it. */
        record Conflict(String mine, String theirs, String theirsVersion, Long seq) implements Outcome {
            public Conflict(String mine, String theirs, String theirsVersion) {
                this(mine, theirs, theirsVersion, null);
            }
        }
    }

    /** Where a consent is saved: a server origin, through the outbox. */
    @FunctionalInterface
    public interface Store {
        Outcome save(String origin, String id, String baseVersion, String json) throws Exception;

        /**
         * As {@link #save(String, String, String, String)} for an edit on top of an earlier save of this editor that
         * waits in the outbox (or was sent from it since) as {@code afterSeq}.
         */
        default Outcome save(String origin, String id, String baseVersion, Long afterSeq, String json)
                throws Exception {
            return save(origin, id, baseVersion, json);
        }

        /** The user took the server's version after a conflict: what waits to be sent for it is dropped. */
        default void dropped(String origin, String id, String serverJson) throws Exception {
        }
    }

    /**
     * A person or organization the directory knows, offered for a reference field: {@code reference} means them in
     * {@code origin} (a server's base URL, "files", …; null: not said), as Patient/1 of one server is not another's.
     */
    public record Suggestion(String reference, String display, String detail, String origin) {
        public Suggestion(String reference, String display) {
            this(reference, display, null, null);
        }

        public Suggestion(String reference, String display, String detail) {
            this(reference, display, detail, null);
        }

        @Override
        public String toString() {
            String d = detail == null || detail.isBlank() ? "" : " · " + detail;
            return display == null || display.isBlank() ? reference + d : display + d + " (" + reference + ")";
        }
    }

    /**
     * Finds people and organizations by name, identifier or id (the people directory, and the origin's server when it
     * answers): those of {@code origin} (null: of every origin), of one FHIR type ("Patient"; null: every people type).
     */
    @FunctionalInterface
    public interface People {
        List<Suggestion> find(String origin, String type, String text);

        People NONE = (origin, type, text) -> List.of();
    }

    private final Checker checker;
    private final TaskRunner tasks;
    private final ZoneId zone;
    private final ObjectProperty<ConsentForm> form = new SimpleObjectProperty<>();
    private final StringProperty title = new SimpleStringProperty("");
    private final StringProperty message = new SimpleStringProperty("");
    private final StringProperty origin = new SimpleStringProperty("");
    /** {@link #origin}'s value as a plain field, for {@link #suggest} (called off the FX thread). */
    private volatile String originName = "";
    private final BooleanProperty dirty = new SimpleBooleanProperty(false);
    private final BooleanProperty canUndo = new SimpleBooleanProperty(false);
    private final BooleanProperty canRedo = new SimpleBooleanProperty(false);
    private final BooleanProperty busy = new SimpleBooleanProperty(false);
    private final javafx.beans.property.LongProperty writes = new javafx.beans.property.SimpleLongProperty();
    private final BooleanProperty hasErrors = new SimpleBooleanProperty(false);
    private final ObjectProperty<Outcome.Conflict> conflict = new SimpleObjectProperty<>();
    private final ObjectProperty<ConsentConflictViewModel> conflictScreen = new SimpleObjectProperty<>();
    private final ObservableList<Finding> findings = FXCollections.observableArrayList();
    private final UndoHistory history = new UndoHistory();
    private ObjectNode working;
    private Set<JsonNode> made;
    private ObjectNode saved;
    private ConsentForm.Field lastEdited;
    private final ConsentSaving saving;
    private boolean restoring;

    private final ConsentCodes codes;
    private final People people;
    private ConsentMeaningViewModel meaning;

    public ConsentEditorViewModel(Checker checker, Store store, TaskRunner tasks, ZoneId zone) {
        this(checker, store, ConsentCodes.NONE, People.NONE, tasks, zone);
    }

    public ConsentEditorViewModel(Checker checker, Store store, ConsentCodes codes, People people, TaskRunner tasks,
                                  ZoneId zone) {
        this.checker = checker;
        this.saving = new ConsentSaving(store, tasks, new SavingHost());
        this.codes = codes;
        this.people = people;
        this.tasks = tasks;
        this.zone = zone;
        origin.addListener((obs, before, now) -> originName = now == null ? "" : now);
        meaning(new ConsentMeaningViewModel(null, codes, null, tasks, zone));
    }

    /**
     * What the consent means (summary, changes, simulator), kept up to date with the form; the element that decided
     * the simulator's request is marked in the form ({@link ConsentForm.Node#decided()}). The composition root
     * passes one with names and kept versions.
     */
    public ConsentEditorViewModel meaning(ConsentMeaningViewModel m) {
        meaning = m;
        m.decided().addListener((o, before, now) -> markDecided());
        showMeaning();
        return this;
    }

    public ConsentMeaningViewModel meaning() {
        return meaning;
    }

    private void showMeaning() {
        if (meaning != null && form.get() != null) {
            meaning.show(form.get().document(), origin.get());
        }
    }

    private void markDecided() {
        ConsentForm f = form.get();
        if (f == null || meaning == null) {
            return;
        }
        f.nodes().forEach(n -> n.decided().set(false));
        String path = meaning.decided().get();
        if (path != null && !path.isEmpty()) {
            f.nodeAt(path).decided().set(true);
        }
    }

    /** The codes offered for a value set (empty: none known; the code is typed in). */
    public List<ConsentCodes.Choice> codes(String valueSet) {
        return valueSet == null ? List.of() : codes.codes(valueSet);
    }

    /**
     * People and organizations whose name, identifier or id matches what was typed (called by the auto-completion
     * off the FX thread); nothing for fewer than two characters.
     */
    public List<Suggestion> suggest(String typed) {
        String t = typed == null ? "" : typed.trim();
        if (t.length() < 2) {
            return List.of();
        }
        try {
            // the consent's own origin: a relative reference means a person there (the plain field: this runs off
            // the FX thread, where the property must not be read)
            String o = originName;
            return people.find(o == null || o.isBlank() ? null : o, null, t);
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** A suggestion taken for a Reference group: its reference and display. */
    public void pickReference(ConsentForm.Group reference, Suggestion s) {
        reference.field("reference").value().set(s.reference());
        reference.field("display").value().set(s.display() == null ? "" : s.display());
    }

    /**
     * Opens a consent (its JSON as stored) from an origin. Returns false, and says why, when the text is not a
     * Consent; the editor then keeps what it had.
     */
    public boolean open(String json, String originName) {
        ObjectNode doc;
        try {
            JsonNode n = mapper.readTree(json);
            if (!(n instanceof ObjectNode o) || !"Consent".equals(o.path("resourceType").asText())) {
                message.set("This is not a Consent: " + (n == null ? "empty" : n.path("resourceType").asText("no resourceType")));
                return false;
            }
            doc = o;
        } catch (JsonProcessingException e) {
            message.set("The consent cannot be read: " + e.getOriginalMessage());
            return false;
        }
        origin.set(originName == null ? "" : originName);
        saving.baseVersion(doc.path("meta").path("versionId").asText(null));
        load(doc);
        String baseVersion = saving.baseVersion();
        message.set(baseVersion == null ? "" : "Version " + baseVersion + " from " + origin.get());
        return true;
    }

    /**
     * Opens the user's own edit of a consent that waits in the outbox (not sent yet, no conflict) as outbox entry
     * {@code seq}: the editor shows that text, and a save from here goes on top of that entry (it is sent after it,
     * with the version it gets) rather than on top of the version the edit started from.
     */
    public boolean openWaiting(String json, String originName, long seq) {
        return openWaiting(json, originName, seq, null);
    }

    /**
     * As {@link #openWaiting(String, String, long)}; {@code stuck} (null: none) says why the edit was not sent and
     * waits for the user (the server refused it): the text is shown as unsaved work with that reason, and a save
     * from here replaces that entry (sent again as a new one).
     */
    public boolean openWaiting(String json, String originName, long seq, String stuck) {
        if (!open(json, originName)) {
            return false;
        }
        saving.chainOn(seq);
        if (stuck != null) {
            saved = mapper.createObjectNode();   // the user's text is not on the server
            updateDirty();
            message.set(stuck);
            return true;
        }
        String baseVersion = saving.baseVersion();
        message.set("Edit not sent yet — waiting in the outbox"
                + (baseVersion == null ? "" : " (made on version " + baseVersion + " from " + origin.get() + ")"));
        return true;
    }

    /** Adds a note to the message line (what the list knows about the consent opened). */
    public void note(String text) {
        String m = message.get();
        message.set(m == null || m.isEmpty() ? text : m + " — " + text);
    }

    /** The outbox entry a save from here goes on top of (null: none; it starts from {@link #baseVersion()}). */
    public Long queuedSeq() {
        return saving.queuedSeq();
    }

    /**
     * Opens the user's own unsent text of a consent whose save met a newer version on the server (a conflict found
     * while sending the outbox): the conflict screen is offered at once.
     */
    public boolean openConflict(Outcome.Conflict c, String originName) {
        if (!open(c.mine(), originName)) {
            return false;
        }
        saved = mapper.createObjectNode();   // the user's text is not on the server
        updateDirty();
        saving.showConflict(c);
        return true;
    }

    /** Starts a new consent from a template (not yet on any server), to be saved to {@code originName}. */
    public void create(String templateJson, String originName) {
        try {
            ObjectNode doc = (ObjectNode) mapper.readTree(templateJson);
            doc.remove("meta");
            if (!doc.hasNonNull("id")) {
                doc.put("id", UUID.randomUUID().toString());
            }
            if (!doc.hasNonNull("dateTime")) {
                doc.put("dateTime", OffsetDateTime.now(zone).truncatedTo(ChronoUnit.SECONDS)
                        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
            }
            origin.set(originName == null ? "" : originName);
            load(doc);
            saving.baseVersion(null);
            saved = mapper.createObjectNode();   // nothing saved yet: the new consent is unsaved work
            updateDirty();
            message.set("New consent: not saved yet");
        } catch (JsonProcessingException | ClassCastException e) {
            message.set("The template cannot be read: " + e.getMessage());
        }
    }

    private void load(ObjectNode doc) {
        String version = doc.path("meta").path("versionId").asText(null);
        if (version != null) {
            saving.baseVersion(version);
        }
        working = doc;
        made = ConsentForm.identitySet();
        lastEdited = null;
        rebuild();
        saved = form.get().document();
        history.reset(snapshot());
        findings.clear();
        hasErrors.set(false);
        conflict.set(null);
        updateDirty();
    }

    private void rebuild() {
        form.set(new ConsentForm(working, made, new ConsentForm.Listener() {
            @Override
            public void edited(ConsentForm.Field field, String before) {
                if (restoring) {
                    return;
                }
                if (lastEdited == null || !lastEdited.path().equals(field.path())) {
                    push();
                }
                lastEdited = field;
                history.now(snapshot());
                changed();
            }

            @Override
            public void structureChanged(String what) {
                push();
                lastEdited = null;
                rebuild();
                history.now(snapshot());
                changed();
            }
        }));
        updateTitle();
        showMeaning();
        markDecided();
    }

    private UndoHistory.Snapshot snapshot() {
        return UndoHistory.Snapshot.of(working, made);
    }

    private void push() {
        history.push();
    }

    private void changed() {
        updateDirty();
        updateTitle();
        showMeaning();
        if (!findings.isEmpty()) {
            message.set("Changed since the last check: validate again before saving");
        }
    }

    private void restore(UndoHistory.Snapshot s) {
        UndoHistory.Snapshot c = s.copy();
        working = (ObjectNode) c.tree();
        made = c.made();
        lastEdited = null;
        rebuild();
        history.now(snapshot());
        updateDirty();
    }

    public void undo() {
        UndoHistory.Snapshot s = history.undo();
        if (s != null) {
            restore(s);
        }
    }

    public void redo() {
        UndoHistory.Snapshot s = history.redo();
        if (s != null) {
            restore(s);
        }
    }

    private void updateDirty() {
        dirty.set(form.get() != null && !form.get().document().equals(saved));
        canUndo.set(history.canUndo());
        canRedo.set(history.canRedo());
    }

    private void updateTitle() {
        ConsentForm f = form.get();
        if (f == null) {
            title.set("");
            return;
        }
        String status = f.root().field("status").value().get();
        String patient = f.root().group("patient").field("display").value().get();
        if (patient.isEmpty()) {
            patient = f.root().group("patient").field("reference").value().get();
        }
        title.set("Consent " + working.path("id").asText("(new)") + (status.isEmpty() ? "" : " · " + status)
                + (patient.isEmpty() ? "" : " · " + patient));
    }

    /** The document as it would be saved now. */
    public String json() {
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(form.get().document());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Validates in the background; the problems show at their fields and in the list. */
    public void validate() {
        check(null);
    }

    private void check(Runnable whenValid) {
        if (form.get() == null || busy.get()) {
            return;
        }
        String text = json();
        busy.set(true);
        message.set("Validating…");
        tasks.submit("Validating the consent", p -> checker.check(text), list -> {
            busy.set(false);
            show(list);
            if (hasErrors.get()) {
                message.set(count(Severity.ERROR) + " error(s) — fix them before saving");
            } else if (whenValid != null) {
                whenValid.run();
            } else {
                message.set(list.isEmpty() ? "Valid" : "Valid, with " + count(Severity.WARNING) + " warning(s)");
            }
        }, t -> {
            busy.set(false);
            message.set("Cannot validate: " + t.getMessage());
        });
    }

    /** The style class a finding is drawn with in the list and at its field: errors red, warnings amber. */
    public static String styleClass(Finding f) {
        return switch (f.severity()) {
            case ERROR -> "field-error";
            case WARNING -> "field-warning";
            case INFORMATION -> "field-info";
        };
    }

    /** Every style class {@link #styleClass(Finding)} gives. */
    public static final List<String> FINDING_STYLES = List.of("field-error", "field-warning", "field-info");

    private long count(Severity s) {
        return findings.stream().filter(f -> f.severity() == s).count();
    }

    private void show(List<Finding> list) {
        ConsentForm f = form.get();
        f.nodes().forEach(n -> {
            n.problem().set("");
            n.error().set(false);
            n.warning().set(false);
        });
        for (Finding x : list) {
            if (x.severity() == Severity.INFORMATION) {
                continue;
            }
            ConsentForm.Node n = f.nodeAt(x.location());
            String before = n.problem().get();
            n.problem().set((before.isEmpty() ? "" : before + "\n") + x.severity().name().toLowerCase(java.util.Locale.ROOT)
                    + ": " + x.message());
            n.error().set(n.error().get() || x.severity() == Severity.ERROR);
            n.warning().set(!n.error().get());
        }
        findings.setAll(list);
        hasErrors.set(list.stream().anyMatch(x -> x.severity() == Severity.ERROR));
    }

    /** Validates, then (no errors) saves to the consent's origin with the version the user started from. */
    public void save() {
        if (origin.get().isEmpty()) {
            message.set("Choose the server to save to first");
            return;
        }
        check(() -> saving.save(json()));
    }

    /** Revoke: status inactive, then save. */
    public void revoke() {
        setStatusAndSave("inactive");
    }

    /** Reinstate: status active, then save. */
    public void reinstate() {
        setStatusAndSave("active");
    }

    /** Marks the consent as recorded in error, then saves. */
    public void enteredInError() {
        setStatusAndSave("entered-in-error");
    }

    private void setStatusAndSave(String status) {
        if (form.get() == null) {
            return;
        }
        form.get().root().field("status").value().set(status);
        lastEdited = null;
        save();
    }

    /** Attaches a (signed) source document: its bytes, type and name go into sourceAttachment. */
    public void attachSource(String fileName, String contentType, byte[] data) {
        ConsentForm.Group a = form.get().root().group("sourceAttachment");
        lastEdited = null;
        push();
        restoring = true;
        try {
            a.field("contentType").value().set(contentType == null ? "application/octet-stream" : contentType);
            a.field("title").value().set(fileName);
            a.field("size").value().set(Integer.toString(data.length));
            a.field("data").value().set(Base64.getEncoder().encodeToString(data));
            a.field("hash").value().set(Base64.getEncoder().encodeToString(sha1(data)));
            a.field("creation").value().set(OffsetDateTime.now(zone).truncatedTo(ChronoUnit.SECONDS)
                    .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        } finally {
            restoring = false;
        }
        history.now(snapshot());
        changed();
        message.set("Attached " + fileName + " (" + data.length + " bytes)");
    }

    /** Reads a file in the background and attaches it as the source document. */
    public void attachFile(java.nio.file.Path file) {
        busy.set(true);
        tasks.submit("Reading " + file.getFileName(), p -> {
            long size = java.nio.file.Files.size(file);
            if (size > MAX_ATTACHMENT) {
                throw new java.io.IOException(file.getFileName() + " is " + size / 1_048_576 + " MB; at most "
                        + MAX_ATTACHMENT / 1_048_576 + " MB can be attached");
            }
            String type = java.nio.file.Files.probeContentType(file);
            return new FileRead(java.nio.file.Files.readAllBytes(file), type);
        }, r -> {
            busy.set(false);
            attachSource(file.getFileName().toString(), r.type(), r.data());
        }, t -> {
            busy.set(false);
            message.set("Cannot attach " + file.getFileName() + ": " + t.getMessage());
        });
    }

    private record FileRead(byte[] data, String type) {
    }

    /** The largest source document attached (it travels inside the consent). */
    static final long MAX_ATTACHMENT = 10L * 1_048_576;

    private static byte[] sha1(byte[] data) {
        try {
            return java.security.MessageDigest.getInstance("SHA-1").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The user chose on the conflict screen: the server's version (the edit is dropped, the outbox entry too), or a
     * text to save on top of the server's version (saved at once, with If-Match on the server's version); when the
     * server's text was unknown, drop mine or re-create it.
     */
    public void settle(ConsentConflictViewModel.Choice choice) {
        saving.settle(choice);
    }

    /** What saving does to this editor. */
    private final class SavingHost implements ConsentSaving.Editor {
        @Override
        public String origin() {
            return origin.get();
        }

        @Override
        public String id() {
            return working.path("id").asText();
        }

        @Override
        public void busy(boolean on) {
            busy.set(on);
        }

        @Override
        public void say(String text) {
            message.set(text);
        }

        @Override
        public void load(ObjectNode doc) {
            ConsentEditorViewModel.this.load(doc);
            writes.set(writes.get() + 1);
        }

        @Override
        public void kept() {
            saved = form.get().document();
            updateDirty();
            writes.set(writes.get() + 1);
        }

        @Override
        public void unsaved() {
            saved = mapper.createObjectNode();
            updateDirty();
        }

        @Override
        public void edit(ObjectNode edited) {
            push();
            working = edited;
            made = ConsentForm.identitySet();
            rebuild();
            history.now(snapshot());
            updateDirty();
        }

        @Override
        public void save() {
            ConsentEditorViewModel.this.save();
        }

        @Override
        public void conflict(Outcome.Conflict c, ConsentConflictViewModel screen) {
            conflict.set(c);
            conflictScreen.set(screen);
        }
    }

    /** Which consent this editor holds: origin and id (one editor window per consent). */
    public String key() {
        return origin.get() + "|" + (working == null ? "" : working.path("id").asText());
    }

    /** Whether closing now would lose work (then the view asks first). */
    public boolean needsConfirmationToClose() {
        return dirty.get();
    }

    public ReadOnlyObjectProperty<ConsentForm> form() {
        return form;
    }

    public ReadOnlyStringProperty title() {
        return title;
    }

    public StringProperty message() {
        return message;
    }

    public StringProperty origin() {
        return origin;
    }

    public ReadOnlyBooleanProperty dirty() {
        return dirty;
    }

    public ReadOnlyBooleanProperty canUndo() {
        return canUndo;
    }

    public ReadOnlyBooleanProperty canRedo() {
        return canRedo;
    }

    /** Counts what this editor wrote (stored on the server, put into the outbox, or the server's version taken). */
    public javafx.beans.property.ReadOnlyLongProperty writes() {
        return writes;
    }

    public ReadOnlyBooleanProperty busy() {
        return busy;
    }

    public ReadOnlyBooleanProperty hasErrors() {
        return hasErrors;
    }

    public ReadOnlyObjectProperty<Outcome.Conflict> conflict() {
        return conflict;
    }

    /** The conflict screen to show (set when a save met a newer version on the server; cleared once chosen). */
    public ReadOnlyObjectProperty<ConsentConflictViewModel> conflictScreen() {
        return conflictScreen;
    }

    public ObservableList<Finding> findings() {
        return findings;
    }

    /** The version the edit started from (null: a new consent). */
    public String baseVersion() {
        return saving.baseVersion();
    }
}
