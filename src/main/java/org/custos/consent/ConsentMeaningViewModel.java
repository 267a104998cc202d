package org.custos.consent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.custos.consent.DecisionRequest;
import org.custos.ui.TaskRunner;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the consent in an editor means: its plain-language summary (kept up to date as the user edits), the changes
 * between its kept versions, and the simulator (actor, role, action, purpose, class, label, date → permit, deny,
 * undecidable or not applicable, with the rule that decided and the reasoning; the deciding element's path is
 * published for the editor to highlight).
 */
public final class ConsentMeaningViewModel {

    /** One kept version of a consent, newest first: its versionId, when it was stored, and its JSON. */
    public record Version(String versionId, String when, String json) {
    }

    /** The kept versions of a consent (the cache; the current one first, then older ones, newest first). */
    @FunctionalInterface
    public interface Versions {
        List<Version> of(String origin, String id) throws Exception;

        Versions NONE = (origin, id) -> List.of();
    }

    /**
     * What a server's {@code _history} holds of a consent: its versions (newest first), whether that is all of them
     * (false: the oldest were not read), and the version it was deleted at when a delete is the newest entry.
     */
    public record History(List<Version> versions, boolean complete, String deletedAt) {
        public History {
            versions = List.copyOf(versions);
        }
    }

    /**
     * The server's {@code _history} of a consent; null when its origin is no server (imported files, the demo data).
     * Read only when the Changes tab is first looked at (a read the server logs: not for every editor opened).
     */
    @FunctionalInterface
    public interface ServerHistory {
        History of(String origin, String id) throws Exception;

        ServerHistory NONE = (origin, id) -> null;
    }

    /** The display name of a reference in an origin (the people directory), empty when unknown. */
    @FunctionalInterface
    public interface Names {
        Optional<String> of(String origin, String reference);

        Names NONE = (origin, reference) -> Optional.empty();
    }

    /** A row of the Changes list: a version, or the editor's own text (versionId null). */
    public record VersionRow(String label, String versionId, JsonNode doc, String name) {
        /** {@code name}: the row in the change's words ("version 2 · 2026-01-02 10:00", without the notes). */
        public VersionRow(String label, String versionId, JsonNode doc) {
            this(label, versionId, doc, label);
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final Names names;
    private Function<String, Optional<String>> namesHere = r -> Optional.empty();
    private final ConsentCodes codes;
    private final Versions versionsSource;
    private final TaskRunner tasks;
    private final ZoneId zone;

    private final ObservableList<ConsentSummary.Sentence> summary = FXCollections.observableArrayList();
    private final StringProperty summaryText = new SimpleStringProperty("");
    private final ObservableList<VersionRow> versions = FXCollections.observableArrayList();
    private final ObjectProperty<VersionRow> chosen = new SimpleObjectProperty<>();
    private final StringProperty changeText = new SimpleStringProperty("");
    private final StringProperty historyNote = new SimpleStringProperty("");
    private ServerHistory serverHistory = ServerHistory.NONE;
    /** Null until read (or when the read failed): then nothing is said of what the cache holds. */
    private List<Version> keptVersions;
    private History serverVersions;
    private boolean historyWanted;
    private String keptProblem;
    private String serverNote = "";
    private boolean historyAsked;
    private String showingOrigin;
    private String showingId;
    private final ObservableList<ConsentChange.Item> changes = FXCollections.observableArrayList();

    private final StringProperty actor = new SimpleStringProperty("");
    private final StringProperty role = new SimpleStringProperty("");
    private final StringProperty action = new SimpleStringProperty("access");
    private final StringProperty purpose = new SimpleStringProperty("");
    private final StringProperty dataClass = new SimpleStringProperty("");
    private final StringProperty label = new SimpleStringProperty("");
    private final StringProperty date = new SimpleStringProperty("");
    private final StringProperty outcome = new SimpleStringProperty("");
    private final StringProperty rule = new SimpleStringProperty("");
    private final ObservableList<String> reasons = FXCollections.observableArrayList();
    private final StringProperty decided = new SimpleStringProperty("");
    private final StringProperty outcomeStyle = new SimpleStringProperty("decision-none");

    /** The style classes the outcome is drawn with. */
    public static final List<String> OUTCOME_STYLES = List.of("decision-permit", "decision-deny",
            "decision-undecidable", "decision-not-applicable", "decision-none");

    private JsonNode doc;
    private String versionsOf = "";
    private List<VersionRow> kept = List.of();
    private long generation;

    public ConsentMeaningViewModel(Names names, ConsentCodes codes, Versions versions, TaskRunner tasks, ZoneId zone) {
        this.names = names == null ? Names.NONE : names;
        this.codes = codes == null ? ConsentCodes.NONE : codes;
        this.versionsSource = versions == null ? Versions.NONE : versions;
        this.tasks = tasks;
        this.zone = zone;
        date.set(LocalDate.now(zone).toString());
        chosen.addListener((o, a, b) -> compareChosen());
    }

    /**
     * The consent as it is now in the editor (after every edit): the summary is made again in the background (names
     * are cache reads); the kept versions are read again when the origin or id changes.
     */
    public void show(JsonNode consent, String origin) {
        doc = consent == null ? null : consent.deepCopy();
        long g = ++generation;
        JsonNode d = doc;
        if (d == null) {
            summary.clear();
            summaryText.set("");
            return;
        }
        String from = origin == null ? "" : origin;
        namesHere = r -> names.of(from, r);
        ConsentSummary s = new ConsentSummary(namesHere, codes);
        tasks.submit(null, p -> s.sentences(d), list -> {
            if (g == generation) {
                summary.setAll(list);
                summaryText.set(String.join("\n", list.stream().map(ConsentSummary.Sentence::text).toList()));
            }
        }, t -> summaryText.set("The summary could not be made: " + t.getMessage()));
        String id = d.path("id").asText("");
        // the version the editor holds is part of the key: after a save the versions are read again
        String key = (origin == null ? "" : origin) + "|" + id + "|" + d.path("meta").path("versionId").asText("");
        if (!key.equals(versionsOf)) {
            versionsOf = key;
            kept = List.of();
            keptVersions = null;
            serverVersions = null;
            historyAsked = false;
            keptProblem = null;
            serverNote = "";
            historyNote.set("");
            showingOrigin = origin;
            showingId = id;
            if (!id.isEmpty() && origin != null && !origin.isEmpty()) {
                tasks.submit(null, p -> versionsSource.of(origin, id), list -> {
                    if (key.equals(versionsOf)) {
                        keptVersions = list;
                        remerge();
                    }
                }, t -> {
                    if (key.equals(versionsOf)) {
                        keptProblem = "The cache's versions could not be read (only the server's can be listed): "
                                + t.getMessage();
                        historyNote.set(notes(serverNote));
                    }
                });
                if (historyWanted) {
                    readServerHistory();
                }
            }
        }
        refreshVersions();
    }

    /**
     * Whether the Changes tab is looked at: while it is, the server's history is read (once per consent and version
     * shown, again after a failed read).
     */
    public void serverHistoryShown(boolean shown) {
        historyWanted = shown;
        if (shown) {
            readServerHistory();
        }
    }

    /** The Changes tab is looked at (see {@link #serverHistoryShown}). */
    public void wantServerHistory() {
        serverHistoryShown(true);
    }

    private String notes(String server) {
        return keptProblem == null ? server : server.isEmpty() ? keptProblem : keptProblem + " " + server;
    }

    private void readServerHistory() {
        String key = versionsOf;
        String origin = showingOrigin;
        String id = showingId;
        if (historyAsked || id == null || id.isEmpty() || origin == null || origin.isEmpty()) {
            return;
        }
        historyAsked = true;
        ServerHistory history = serverHistory;
        serverNote = "Reading the server's history…";
        historyNote.set(notes(serverNote));
        tasks.submit(null, p -> java.util.Optional.ofNullable(history.of(origin, id)), h -> {
            if (key.equals(versionsOf)) {
                serverVersions = h.orElse(null);
                serverNote = h.map(ConsentMeaningViewModel::describe).orElse("");
                historyNote.set(notes(serverNote));
                remerge();
            }
        }, t -> {
            if (key.equals(versionsOf)) {
                historyAsked = false; // looked at again, it is read again
                serverNote = "The server's history could not be read (only the cache's versions are listed): "
                        + t.getMessage();
                historyNote.set(notes(serverNote));
            }
        });
    }

    private static String describe(History h) {
        int n = h.versions().size();
        String s = n == 0 ? "The server's history lists no version of this consent (or it keeps none)."
                : "With the server's history (" + (h.complete() ? "" : "its newest ") + n + " version"
                + (n == 1 ? "" : "s") + (h.complete() ? "" : "; older ones not read") + ").";
        return h.deletedAt() == null ? s : s + " The server deleted this consent (version " + h.deletedAt() + ").";
    }

    private void remerge() {
        kept = rows(ConsentVersions.merge(keptVersions, serverVersions));
        refreshVersions();
    }

    private List<VersionRow> rows(List<ConsentVersions.Listed> list) {
        List<VersionRow> out = new ArrayList<>();
        for (ConsentVersions.Listed l : list) {
            Version v = l.version();
            try {
                String name = "Version " + (v.versionId() == null ? "?" : v.versionId())
                        + (v.when() == null || v.when().isEmpty() ? "" : " · " + v.when());
                out.add(new VersionRow(name + (l.note().isEmpty() ? "" : " · " + l.note()), v.versionId(),
                        mapper.readTree(v.json()), name));
            } catch (Exception unreadable) {
                // a version that cannot be read is left out of the comparison
            }
        }
        return out;
    }

    /** The editor's text (when it differs from the newest kept version) followed by the kept versions. */
    private void refreshVersions() {
        VersionRow was = chosen.get();
        List<VersionRow> rows = new ArrayList<>();
        // the editor's text is listed unless it is one of the versions (the one it was opened from, unchanged)
        String editing = doc == null ? null : doc.path("meta").path("versionId").asText(null);
        boolean isAVersion = doc != null && kept.stream().anyMatch(v -> java.util.Objects.equals(v.versionId(), editing)
                && withoutMeta(v.doc()).equals(withoutMeta(doc)));
        if (doc != null && !isAVersion && (kept.isEmpty() || !withoutMeta(kept.get(0).doc()).equals(withoutMeta(doc)))) {
            rows.add(new VersionRow("This editor's text (not saved)", null, doc));
        }
        rows.addAll(kept);
        versions.setAll(rows);
        VersionRow again = null;
        for (VersionRow r : rows) {
            if (was != null && java.util.Objects.equals(was.versionId(), r.versionId())) {
                again = r;
            }
        }
        chosen.set(again != null ? again : rows.isEmpty() ? null : rows.get(0));
        compareChosen();
    }

    private static JsonNode withoutMeta(JsonNode n) {
        JsonNode c = n.deepCopy();
        if (c instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            o.remove("meta");
            o.remove("text");
        }
        return c;
    }

    /** The change from the version before the chosen one to the chosen one. */
    private void compareChosen() {
        VersionRow now = chosen.get();
        int i = now == null ? -1 : versions.indexOf(now);
        if (i < 0) {
            changes.clear();
            changeText.set(versions.isEmpty() ? "No kept versions of this consent." : "");
            return;
        }
        if (i + 1 >= versions.size()) {
            changes.clear();
            changeText.set(now.name() + " is the earliest listed: there is nothing earlier to compare it with.");
            return;
        }
        VersionRow before = versions.get(i + 1);
        ConsentChange c = new ConsentChange(new ConsentSummary(namesHere, codes));
        List<ConsentChange.Item> items = c.between(before.doc(), now.doc());
        changes.setAll(items);
        changeText.set("From " + lower(before.name()) + " to " + lower(now.name()) + ": "
                + (items.isEmpty() ? "no change in meaning." : ConsentChange.overall(items).word() + ".")
                + String.join("", items.stream().map(x -> "\n[" + x.direction().word() + "] " + x.text()).toList()));
    }

    private static String lower(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
    }

    // ---- the simulator ----

    /** The codes offered for a picker ("CODE — display"); any text may be typed instead. */
    public List<String> choices(String valueSet) {
        return codes.codes(valueSet).stream().map(ConsentCodes.Choice::toString).toList();
    }

    /** Decides the request made of the simulator's fields against the consent as it is in the editor. */
    public void decide() {
        reasons.clear();
        decided.set("");
        outcomeStyle.set("decision-none");
        if (doc == null) {
            outcome.set("");
            rule.set("Open a consent first.");
            return;
        }
        ConsentDecision engine;
        try {
            engine = ConsentDecision.compile(doc);
        } catch (IllegalArgumentException e) {
            outcome.set("");
            rule.set("Custos cannot decide with this consent: " + e.getMessage());
            return;
        }
        DecisionRequest r;
        try {
            r = request();
        } catch (IllegalArgumentException e) {
            outcome.set("");
            rule.set(e.getMessage());
            return;
        }
        ConsentDecision.Result result = engine.decide(r);
        outcome.set(result.outcome().word());
        outcomeStyle.set("decision-" + result.outcome().word());
        rule.set(result.rule());
        reasons.setAll(result.reasons());
        decided.set(result.location());
    }

    /** The request the simulator's fields describe. */
    DecisionRequest request() {
        String a = code(action.get());
        if (a == null) {
            throw new IllegalArgumentException("Choose or type an action (e.g. access)");
        }
        DecisionRequest r = DecisionRequest.of(a);
        String who = trim(actor.get());
        if (who != null) {
            r = r.actor(who, code(role.get()));
        }
        String d = trim(date.get());
        if (d != null) {
            try {
                r = r.at(d);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("The date '" + d + "' is not a date (YYYY-MM-DD or a dateTime)");
            }
        }
        String p = code(purpose.get());
        if (p != null) {
            r = r.purpose(p);
        }
        String c = code(dataClass.get());
        if (c != null) {
            r = r.dataClass(c);
        }
        String l = code(label.get());
        return l == null ? r.labelled() : r.labelled(l);
    }

    /** The code of a picked "CODE — display" or of typed text (SYSTEM|CODE allowed). */
    static String code(String text) {
        String t = trim(text);
        if (t == null) {
            return null;
        }
        int dash = t.indexOf(" — ");
        return dash > 0 ? t.substring(0, dash).trim() : t;
    }

    private static String trim(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** Today in the user's zone, as the date field's default. */
    public void today() {
        date.set(LocalDate.now(zone).toString());
    }

    // ---- properties ----

    public ObservableList<ConsentSummary.Sentence> summary() {
        return summary;
    }

    public ReadOnlyStringProperty summaryText() {
        return summaryText;
    }

    public ObservableList<VersionRow> versions() {
        return versions;
    }

    public ObjectProperty<VersionRow> chosen() {
        return chosen;
    }

    /** Where the listed versions come from: the server's history read, being read, or why it could not be. */
    public ReadOnlyStringProperty historyNote() {
        return historyNote;
    }

    /** The server's history beside the cache's kept versions (read when a consent is shown). */
    public ConsentMeaningViewModel serverHistory(ServerHistory history) {
        this.serverHistory = history == null ? ServerHistory.NONE : history;
        return this;
    }

    public ReadOnlyStringProperty changeText() {
        return changeText;
    }

    public ObservableList<ConsentChange.Item> changes() {
        return changes;
    }

    public StringProperty actor() {
        return actor;
    }

    public StringProperty role() {
        return role;
    }

    public StringProperty action() {
        return action;
    }

    public StringProperty purpose() {
        return purpose;
    }

    public StringProperty dataClass() {
        return dataClass;
    }

    public StringProperty label() {
        return label;
    }

    public StringProperty date() {
        return date;
    }

    public ReadOnlyStringProperty outcome() {
        return outcome;
    }

    public ReadOnlyStringProperty rule() {
        return rule;
    }

    public ObservableList<String> reasons() {
        return reasons;
    }

    /** The style class of the outcome: decision-permit, decision-deny, … (decision-none before a decision). */
    public ReadOnlyStringProperty outcomeStyle() {
        return outcomeStyle;
    }

    /** The path of the element that decided the last simulation ({@code Consent.except[1]}…), "" when none. */
    public ReadOnlyStringProperty decided() {
        return decided;
    }
}
