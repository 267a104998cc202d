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
    public enum Side { SERVER, MINE }

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

    /** What the user chose: the text to save on top of the server's version, or null to take the server's. */
    public record Choice(String toSave, String serverJson, String serverVersion) {
    }

    private final String mine;
    private final String server;
    private final String serverVersion;
    private final ObservableList<Difference> differences = FXCollections.observableArrayList();
    private final StringProperty summary = new SimpleStringProperty("");
    private final ObjectProperty<Choice> choice = new SimpleObjectProperty<>();
    private final BooleanProperty decided = new SimpleBooleanProperty(false);

    public ConsentConflictViewModel(String mine, String server, String serverVersion) {
        this.mine = mine;
        // the server's text could not be read (deleted there, or the read failed): shown as empty, mine can be kept
        this.server = server == null ? "{\"resourceType\":\"Consent\"}" : server;
        this.serverVersion = serverVersion;
        List<JsonDiff.Change> changes = JsonDiff.between(withoutMeta(this.server), withoutMeta(mine));
        changes.forEach(c -> differences.add(new Difference(c)));
        summary.set("The server holds version " + serverVersion + " of this consent, changed after you opened it. "
                + "Nothing has been written. " + changes.size() + " element(s) differ: choose what to keep.");
    }

    private String withoutMeta(String json) {
        try {
            ObjectNode o = (ObjectNode) mapper.readTree(json);
            o.remove("meta");
            o.remove("text");
            return mapper.writeValueAsString(o);
        } catch (JsonProcessingException | ClassCastException e) {
            return "{}";
        }
    }

    public String mineJson() {
        return pretty(mine);
    }

    public String serverJson() {
        return pretty(server);
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

    /** Take the server's version: the edit is dropped. */
    public void takeServers() {
        decide(null);
    }

    /** Keep mine as a new version on top of the server's. */
    public void keepMine() {
        differences.forEach(d -> d.keep().set(Side.MINE));
        decide(withServerMeta(mine));
    }

    /** Merge: the server's version with my value for each difference marked MINE. */
    public void merge() {
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

    private String withServerMeta(String json) {
        try {
            ObjectNode o = (ObjectNode) mapper.readTree(json);
            ObjectNode s = (ObjectNode) mapper.readTree(server);
            if (s.has("meta")) {
                o.set("meta", s.get("meta"));
            } else {
                o.remove("meta");
            }
            return mapper.writeValueAsString(o);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("Cannot read the versions: " + e.getMessage(), e);
        }
    }

    private void decide(String toSave) {
        choice.set(new Choice(toSave, server, serverVersion));
        decided.set(true);
    }
}
