package org.custos.consent;

import com.fasterxml.jackson.databind.JsonNode;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.custos.consent.DecisionRequest;
import org.custos.ui.TaskRunner;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
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

    private final Names names;
    private Function<String, Optional<String>> namesHere = r -> Optional.empty();
    private final ConsentCodes codes;
    private final TaskRunner tasks;
    /** The versions and what changed between them (the Changes tab). */
    private final ConsentChangesModel changesModel;
    private final ZoneId zone;

    private final ObservableList<ConsentSummary.Sentence> summary = FXCollections.observableArrayList();
    private final StringProperty summaryText = new SimpleStringProperty("");

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
    private long generation;

    public ConsentMeaningViewModel(Names names, ConsentCodes codes, Versions versions, TaskRunner tasks, ZoneId zone) {
        this.names = names == null ? Names.NONE : names;
        this.codes = codes == null ? ConsentCodes.NONE : codes;
        this.tasks = tasks;
        this.zone = zone;
        this.changesModel = new ConsentChangesModel(versions == null ? Versions.NONE : versions, this.codes, tasks);
        date.set(LocalDate.now(zone).toString());
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
        changesModel.show(d, origin, namesHere);
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
        return changesModel.versions();
    }

    public ObjectProperty<VersionRow> chosen() {
        return changesModel.chosen();
    }

    /** Where the listed versions come from: the server's history read, being read, or why it could not be. */
    public ReadOnlyStringProperty historyNote() {
        return changesModel.historyNote();
    }

    /** The server's history beside the cache's kept versions (read while the Changes tab is looked at). */
    public ConsentMeaningViewModel serverHistory(ServerHistory history) {
        changesModel.serverHistory(history);
        return this;
    }

    /**
     * Whether the Changes tab is looked at: while it is, the server's history is read (once per consent and version
     * shown, again after a failed read).
     */
    public void serverHistoryShown(boolean shown) {
        changesModel.serverHistoryShown(shown);
    }

    /** The Changes tab is looked at (see {@link #serverHistoryShown}). */
    public void wantServerHistory() {
        changesModel.serverHistoryShown(true);
    }

    public ReadOnlyStringProperty changeText() {
        return changesModel.changeText();
    }

    public ObservableList<ConsentChange.Item> changes() {
        return changesModel.changes();
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
