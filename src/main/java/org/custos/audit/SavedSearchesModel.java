package org.custos.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.custos.ui.TaskRunner;

import java.io.IOException;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * The audit browser's saved searches: named sets of its filter fields, kept in the cache. Saving takes the fields as
 * they are; choosing one fills the fields and searches. A saved search of an older or unknown shape fills what it
 * can and says what it could not.
 */
public final class SavedSearchesModel {
    /** Where the saved searches are kept: name → the fields as JSON. */
    public interface Store {
        Map<String, String> all();

        void save(String name, String fields);

        boolean delete(String name);
    }

    private final Store store;
    private final TaskRunner tasks;
    private final AuditViewModel browser;
    private final ObservableList<String> names = FXCollections.observableArrayList();
    private final ObjectProperty<String> chosen = new SimpleObjectProperty<>();
    private final StringProperty message = new SimpleStringProperty("");
    private Map<String, String> kept = Map.of();

    public SavedSearchesModel(Store store, TaskRunner tasks, AuditViewModel browser) {
        this.store = store;
        this.tasks = tasks;
        this.browser = browser;
    }

    public ObservableList<String> names() { return names; }
    public ObjectProperty<String> chosen() { return chosen; }
    public ReadOnlyStringProperty message() { return message; }

    /** Reads the saved searches. */
    public void load() {
        tasks.submit(null, p -> store.all(), all -> {
            kept = all;
            names.setAll(all.keySet().stream().sorted(String.CASE_INSENSITIVE_ORDER).toList());
        }, e -> message.set("Reading the saved searches failed: " + e.getMessage()));
    }

    /** Keeps the fields as they are now under {@code name} (replacing a search of that name). */
    public void save(String name) {
        String n = name == null ? "" : name.strip();
        if (n.isEmpty()) {
            message.set("A saved search needs a name.");
            return;
        }
        String fields = fields().toString();
        tasks.submit(null, p -> {
            store.save(n, fields);
            return store.all();
        }, all -> {
            kept = all;
            names.setAll(all.keySet().stream().sorted(String.CASE_INSENSITIVE_ORDER).toList());
            chosen.set(n);
            message.set("Saved as \"" + n + "\".");
        }, e -> message.set("Saving the search failed: " + e.getMessage()));
    }

    /** Fills the fields from the saved search and searches. */
    public void apply(String name) {
        String json = name == null ? null : kept.get(name);
        if (json == null) {
            return;
        }
        try {
            fill(new ObjectMapper().readTree(json));
            message.set("");
        } catch (IOException | RuntimeException e) {
            message.set("The saved search \"" + name + "\" cannot be read: " + e.getMessage());
            return;
        }
        browser.search();
    }

    /** Forgets the chosen saved search. */
    public void deleteChosen() {
        String n = chosen.get();
        if (n == null) {
            return;
        }
        tasks.submit(null, p -> {
            store.delete(n);
            return store.all();
        }, all -> {
            kept = all;
            names.setAll(all.keySet().stream().sorted(String.CASE_INSENSITIVE_ORDER).toList());
            chosen.set(null);
            message.set("Deleted \"" + n + "\".");
        }, e -> message.set("Deleting failed: " + e.getMessage()));
    }

    private ObjectNode fields() {
        ObjectNode o = new ObjectMapper().createObjectNode();
        if (browser.from.get() != null) {
            o.put("from", browser.from.get().toString());
        }
        if (browser.to.get() != null) {
            o.put("to", browser.to.get().toString());
        }
        o.put("agent", browser.agent.get());
        o.put("patient", browser.patient.get());
        o.put("entity", browser.entity.get());
        o.put("type", browser.type.get());
        o.put("subtype", browser.subtype.get());
        o.put("action", browser.action.get() == null ? "" : browser.action.get().code());
        o.put("outcome", browser.outcome.get() == null ? "" : browser.outcome.get().code());
        o.put("source", browser.source.get());
        o.put("purpose", browser.purpose.get());
        o.put("text", browser.text.get());
        o.put("origin", browser.origin.get());
        o.put("flagged", browser.flaggedOnly.get());
        o.put("own", browser.includeOwn.get());
        return o;
    }

    private void fill(JsonNode o) {
        browser.from.set(o.hasNonNull("from") ? LocalDate.parse(o.get("from").asText()) : null);
        browser.to.set(o.hasNonNull("to") ? LocalDate.parse(o.get("to").asText()) : null);
        browser.agent.set(o.path("agent").asText(""));
        browser.patient.set(o.path("patient").asText(""));
        browser.entity.set(o.path("entity").asText(""));
        browser.type.set(o.path("type").asText(""));
        browser.subtype.set(o.path("subtype").asText(""));
        browser.action.set(choice(AuditViewModel.ACTIONS, o.path("action").asText("")));
        browser.outcome.set(choice(AuditViewModel.OUTCOMES, o.path("outcome").asText("")));
        browser.source.set(o.path("source").asText(""));
        browser.purpose.set(o.path("purpose").asText(""));
        browser.text.set(o.path("text").asText(""));
        browser.origin.set(o.path("origin").asText(AuditViewModel.ANY_ORIGIN));
        browser.flaggedOnly.set(o.path("flagged").asBoolean(false));
        browser.includeOwn.set(o.path("own").asBoolean(false));
    }

    private static AuditViewModel.Choice choice(List<AuditViewModel.Choice> choices, String code) {
        return choices.stream().filter(c -> c.code().equals(code)).findFirst().orElse(choices.get(0));
    }
}
