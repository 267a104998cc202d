package org.custos.consent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.custos.ui.JsonDiff;

import java.util.List;

/**
 * The conflict screen: the server changed a consent after the user started editing it. It shows the user's version,
 * the server's and their differences, element by element, and lets the user choose: take the server's (the edit is
 * dropped), keep theirs own as a new version on top of the server's, or merge — for each difference, whose value
 * stays. Nothing is written until the user chose; the chosen text is then saved with If-Match on the server's
 * version.
 */
public final class ConsentConflictViewModel {
    private final ObjectMapper mapper = new ObjectMapper();

    /** Whose value a difference keeps in a merge. */
    public enum Side {
        SERVER("Server's"), MINE("Mine");

        private final String label;

        Side(String label) {
            this.label = label;
        }

        /** As the Keep column shows it. */
        @Override
        public String toString() {
            return label;
        }
    }

    /** One difference: the element, the server's value and mine (null: absent), and which one the merge keeps. */
    public static final class Difference {
        private final JsonDiff.Change change;
        private final ObjectProperty<Side> keep = new SimpleObjectProperty<>(Side.MINE);

        Difference(JsonDiff.Change change) {
            this.change = change;
        }

        public String path() {
            return change.path();
        }

        public String server() {
            return change.before() == null ? "(absent)" : change.before();
        }

        public String mine() {
            return change.after() == null ? "(absent)" : change.after();
        }

        public ObjectProperty<Side> keep() {
            return keep;
        }
    }

    /**
     * What the user chose: the text to save on top of the server's version, or null to take the server's (or, when
     * the server's text is unknown, to drop mine). {@code serverJson} is null when the server's text could not be
     * read; {@code serverVersion} may then still be known (or null).
     */
    public record Choice(String toSave, String serverJson, String serverVersion) {
        /** Whether the server's text is known (else: deleted there, or the read failed). */
        public boolean serverKnown() {
            return serverJson != null;
        }
    }

    private static final String EMPTY_SERVER = "{\"resourceType\":\"Consent\"}";

    private final String mine;
    private final String server;
    private final String serverVersion;
    private final ObservableList<Difference> differences = FXCollections.observableArrayList();
    private final StringProperty summary = new SimpleStringProperty("");
    private final ObjectProperty<Choice> choice = new SimpleObjectProperty<>();
    private final BooleanProperty decided = new SimpleBooleanProperty(false);
    private final BooleanProperty serverKnown = new SimpleBooleanProperty();
    private final StringProperty keepMineText = new SimpleStringProperty();

    /** {@code server}: the server's text, null when it could not be read (deleted there, or the read failed). */
    public ConsentConflictViewModel(String mine, String server, String serverVersion) {
        this.mine = mine;
        serverKnown.set(server != null);
        // unknown: compared with an empty consent (every element of mine is shown), but never merged into or taken
        this.server = server == null ? EMPTY_SERVER : server;
        this.serverVersion = serverVersion;
        List<JsonDiff.Change> changes = JsonDiff.between(withoutMeta(this.server), withoutMeta(mine));
        changes.forEach(c -> differences.add(new Difference(c)));
        if (server != null) {
            keepMineText.set("Keep mine as a new version");
            summary.set("The server holds version " + serverVersion + " of this consent, changed after you opened it. "
                    + "Nothing has been written. " + changes.size() + " element(s) differ: choose what to keep.");
        } else {
            keepMineText.set("Re-create mine on the server");
            summary.set("The server's copy of this consent could not be read"
                    + (serverVersion == null ? "" : " (it reported version " + serverVersion + ")")
                    + ": it was deleted on the server, or reading it failed. That is why the server's side is empty; "
                    + "there is nothing to merge with. Nothing has been written. Re-create yours on the server "
                    + "(it is refused if the server does hold the consent), or drop yours.");
        }
    }

    /**
     * The text compared element by element: everything but what the server rewrites on every write (the version id,
     * the last-updated stamp and HAPI's meta extensions such as the request source). The narrative and the meta's
     * tags, security labels and profiles are compared: a change to them is a difference the user chooses.
     */
    private String withoutMeta(String json) {
        try {
            ObjectNode o = (ObjectNode) mapper.readTree(json);
            if (o.get("meta") instanceof ObjectNode m) {
                m.remove(SERVER_META);
                if (m.isEmpty()) {
                    o.remove("meta");
                }
            }
            return mapper.writeValueAsString(o);
        } catch (JsonProcessingException | ClassCastException e) {
            return "{}";
        }
    }

    /** The meta elements the server writes itself (not the user's to choose). */
    private static final List<String> SERVER_META = List.of("versionId", "lastUpdated", "extension");

    public String mineJson() {
        return pretty(mine);
    }

    public String serverJson() {
        return serverKnown.get() ? pretty(server)
                : "(The server's copy could not be read: deleted on the server, or the read failed.)";
    }

    /** False when the server's text could not be read: then only keep mine (re-create) or drop mine are offered. */
    public javafx.beans.property.ReadOnlyBooleanProperty serverKnown() {
        return serverKnown;
    }

    /** The label of the keep-mine choice (a new version on top of the server's, or a re-creation). */
    public javafx.beans.property.ReadOnlyStringProperty keepMineText() {
        return keepMineText;
    }

    private String pretty(String json) {
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(mapper.readTree(json));
        } catch (JsonProcessingException e) {
            return json;
        }
    }

    public ObservableList<Difference> differences() {
        return differences;
    }

    public StringProperty summary() {
        return summary;
    }

    /** Set once the user chose (the editor continues from it). */
    public ObjectProperty<Choice> choice() {
        return choice;
    }

    public BooleanProperty decided() {
        return decided;
    }

    /** Take the server's version: the edit is dropped. Not offered when the server's text is unknown. */
    public void takeServers() {
        if (serverKnown.get()) {
            decide(null);
        }
    }

    /** Drop mine (the server's text being unknown, there is nothing else to take): the edit is given up. */
    public void dropMine() {
        decide(null);
    }

    /**
     * Keep mine as a new version on top of the server's; when the server's text is unknown, re-create mine (saved
     * without the old version's meta, on the version the server reported, or as new when it reported none).
     */
    public void keepMine() {
        differences.forEach(d -> d.keep().set(Side.MINE));
        decide(withServerMeta(mine));
    }

    /** Merge: the server's version with my value for each difference marked MINE (not when it is unknown). */
    public void merge() {
        if (!serverKnown.get()) {
            return;
        }
        List<JsonDiff.Change> mineWins = differences.stream().filter(d -> d.keep().get() == Side.MINE)
                .map(d -> d.change).toList();
        decide(withServerMeta(JsonDiff.apply(server, mineWins)));
    }

    /** The text that a merge with the current choices would save. */
    public String mergedPreview() {
        List<JsonDiff.Change> mineWins = differences.stream().filter(d -> d.keep().get() == Side.MINE)
                .map(d -> d.change).toList();
        return pretty(withServerMeta(JsonDiff.apply(server, mineWins)));
    }

    /**
     * {@code json} with the server's own meta elements (version id, last-updated, its extensions) in place of its
     * own; its tags, security labels and profiles stay as they are (they were chosen).
     */
    private String withServerMeta(String json) {
        try {
            ObjectNode o = (ObjectNode) mapper.readTree(json);
            ObjectNode s = (ObjectNode) mapper.readTree(server);
            ObjectNode meta = o.get("meta") instanceof ObjectNode m ? m : mapper.createObjectNode();
            meta.remove(SERVER_META);
            if (s.get("meta") instanceof ObjectNode sm) {
                for (String k : SERVER_META) {
                    if (sm.has(k)) {
                        meta.set(k, sm.get(k));
                    }
                }
            }
            if (meta.isEmpty()) {
                o.remove("meta");
            } else {
                o.set("meta", meta);
            }
            return mapper.writeValueAsString(o);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("Cannot read the versions: " + e.getMessage(), e);
        }
    }

    private void decide(String toSave) {
        choice.set(new Choice(toSave, serverKnown.get() ? server : null, serverVersion));
        decided.set(true);
    }
}
