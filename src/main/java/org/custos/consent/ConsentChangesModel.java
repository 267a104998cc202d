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
import org.custos.consent.ConsentMeaningViewModel.History;
import org.custos.consent.ConsentMeaningViewModel.ServerHistory;
import org.custos.consent.ConsentMeaningViewModel.Version;
import org.custos.consent.ConsentMeaningViewModel.VersionRow;
import org.custos.consent.ConsentMeaningViewModel.Versions;
import org.custos.ui.TaskRunner;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The Changes tab of {@link ConsentMeaningViewModel}: the consent's versions (the cache's kept ones, and the server's
 * {@code _history} while the tab is looked at, merged by {@link ConsentVersions}) and what changed from the version
 * before the one chosen ({@link ConsentChange}).
 */
final class ConsentChangesModel {
    private final ObjectMapper mapper = new ObjectMapper();
    private final Versions versionsSource;
    private final ConsentCodes codes;
    private final TaskRunner tasks;
    private ServerHistory serverHistory = ServerHistory.NONE;

    private final ObservableList<VersionRow> versions = FXCollections.observableArrayList();
    private final ObjectProperty<VersionRow> chosen = new SimpleObjectProperty<>();
    private final StringProperty changeText = new SimpleStringProperty("");
    private final StringProperty historyNote = new SimpleStringProperty("");
    private final ObservableList<ConsentChange.Item> changes = FXCollections.observableArrayList();

    private JsonNode doc;
    private Function<String, Optional<String>> namesHere = r -> Optional.empty();
    private String versionsOf = "";
    private List<VersionRow> kept = List.of();
    /** Null until read (or when the read failed): then nothing is said of what the cache holds. */
    private List<Version> keptVersions;
    private History serverVersions;
    private boolean historyWanted;
    private boolean historyAsked;
    private String keptProblem;
    private String serverNote = "";
    private String showingOrigin;
    private String showingId;

    ConsentChangesModel(Versions versionsSource, ConsentCodes codes, TaskRunner tasks) {
        this.versionsSource = versionsSource;
        this.codes = codes;
        this.tasks = tasks;
        chosen.addListener((o, a, b) -> compareChosen());
    }

    /** The editor's text now; the versions are read again when the origin, id or version it holds changes. */
    void show(JsonNode d, String origin, Function<String, Optional<String>> names) {
        doc = d;
        namesHere = names;
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
    void serverHistoryShown(boolean shown) {
        historyWanted = shown;
        if (shown) {
            readServerHistory();
        }
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
                serverNote = h.map(ConsentChangesModel::describe).orElse("");
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


    ObservableList<VersionRow> versions() {
        return versions;
    }

    ObjectProperty<VersionRow> chosen() {
        return chosen;
    }

    ReadOnlyStringProperty changeText() {
        return changeText;
    }

    ReadOnlyStringProperty historyNote() {
        return historyNote;
    }

    ObservableList<ConsentChange.Item> changes() {
        return changes;
    }

    void serverHistory(ServerHistory history) {
        this.serverHistory = history == null ? ServerHistory.NONE : history;
    }
}
