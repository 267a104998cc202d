package org.custos.review;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.custos.ui.TaskRunner;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What counts as a disclosure, as the patient access tab's *What counts as a disclosure…* window edits it: the event
 * types and recipient roles that make an event a disclosure, the own organisations a recipient may be without it being
 * one (one per line), and the exempt purposes (codes: separated by lines, commas or spaces). Saved in the cache (the app and
 * {@code custos report disclosures} use it from then on); *Defaults* fills the fields with the defaults, to be saved.
 */
public final class DisclosureSettingsViewModel {
    /** Where the definition is kept. */
    public interface Store {
        /** The kept definition's JSON, when and by whom it was changed; empty: the defaults apply. */
        Optional<Kept> load();

        /** Keeps the definition (JSON). */
        void save(String json);
    }

    /** A kept definition. */
    public record Kept(String json, long changed, String changedBy) {
    }

    private final Store store;
    private final TaskRunner tasks;
    private final ZoneId zone;
    public final StringProperty exportTypes = new SimpleStringProperty("");
    public final StringProperty recipientRoles = new SimpleStringProperty("");
    public final StringProperty ownOrganisations = new SimpleStringProperty("");
    public final StringProperty exemptPurposes = new SimpleStringProperty("");
    private final StringProperty problem = new SimpleStringProperty("");
    private final StringProperty message = new SimpleStringProperty("");
    private final StringProperty state = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty(false);

    public DisclosureSettingsViewModel(Store store, TaskRunner tasks, ZoneId zone) {
        this.store = store;
        this.tasks = tasks;
        this.zone = zone;
        for (StringProperty p : List.of(exportTypes, recipientRoles, ownOrganisations, exemptPurposes)) {
            p.addListener((o, a, b) -> problem.set(String.join(" ", edited().problems())));
        }
        problem.set(String.join(" ", edited().problems())); // empty fields (before a load) cannot be saved
    }

    /** What is wrong with the fields (empty: they can be saved). */
    public ReadOnlyStringProperty problem() { return problem; }
    public ReadOnlyStringProperty message() { return message; }
    /** Whether the defaults apply, or when and by whom the definition was changed. */
    public ReadOnlyStringProperty state() { return state; }
    public BooleanProperty busy() { return busy; }

    /** Reads the kept definition into the fields. */
    public void load() {
        busy.set(true);
        tasks.submit(null, p -> store.load(), kept -> {
            busy.set(false);
            DisclosureDefinition d;
            try {
                d = kept.map(k -> DisclosureDefinition.fromJson(k.json())).orElse(DisclosureDefinition.defaults());
            } catch (IllegalArgumentException e) {
                d = DisclosureDefinition.defaults();
                message.set("The kept definition cannot be read (" + e.getMessage() + "); the defaults are shown.");
            }
            fill(d);
            state.set(kept.map(k -> "Changed " + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(zone)
                    .format(Instant.ofEpochMilli(k.changed())) + (k.changedBy() == null ? "" : " by " + k.changedBy())
                    + ".").orElse("The defaults apply."));
        }, e -> {
            busy.set(false);
            message.set("Cannot read the disclosure definition: " + e.getMessage());
        });
    }

    /** Fills the fields with the defaults (saved only by {@link #save()}). */
    public void defaults() {
        fill(DisclosureDefinition.defaults());
        message.set("The defaults are filled in: save to use them.");
    }

    /** Keeps what the fields say, when they can be used. */
    public void save() {
        DisclosureDefinition d = edited();
        if (!d.problems().isEmpty()) {
            message.set(String.join(" ", d.problems()));
            return;
        }
        busy.set(true);
        tasks.submit("Saving what counts as a disclosure", p -> {
            store.save(d.toJson());
            return store.load();
        }, kept -> {
            busy.set(false);
            fill(d);
            state.set(kept.map(k -> "Changed just now" + (k.changedBy() == null ? "" : " by " + k.changedBy()) + ".")
                    .orElse("The defaults apply."));
            message.set("Saved: the accounting of disclosures (here and custos report disclosures) uses it now.");
        }, e -> {
            busy.set(false);
            message.set("Saving the disclosure definition failed: " + e.getMessage());
        });
    }

    /** The definition the fields describe. */
    DisclosureDefinition edited() {
        return new DisclosureDefinition(entries(exportTypes.get(), CODES), entries(recipientRoles.get(), CODES),
                entries(ownOrganisations.get(), "\n"), entries(exemptPurposes.get(), CODES));
    }

    private void fill(DisclosureDefinition d) {
        exportTypes.set(String.join("\n", d.exportTypes()));
        recipientRoles.set(String.join("\n", d.recipientRoles()));
        ownOrganisations.set(String.join("\n", d.ownOrganisations()));
        exemptPurposes.set(String.join(", ", d.exemptPurposes()));
    }

    /** Codes: one per line or between commas or spaces. Organisations: one per line (a name may hold a comma). */
    private static final String CODES = "[\\n,\\s]+";

    private static List<String> entries(String text, String separators) {
        return text == null ? List.of() : Arrays.stream(text.split(separators)).map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
    }
}
