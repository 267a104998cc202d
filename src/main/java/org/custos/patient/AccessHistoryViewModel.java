package org.custos.patient;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.custos.ui.TaskRunner;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * "Who looked at my record": the patient's access history (see {@link AccessHistory}) as a list of headings (a
 * person, or a day) each followed by its accesses, a summary in one sentence, and the choice of grouping. The record
 * comes from a {@link Source} the composition root binds to the one patient.
 */
public final class AccessHistoryViewModel {
    /** Where the patient's record comes from; {@link #accessEvents()} is called off the UI thread. */
    public interface Source {
        /** The patient, {@code Patient/<id>}. */
        String patient();

        /** The AuditEvents of the patient's record that the cache holds. */
        List<AccessHistory.RecordedEvent> accessEvents() throws Exception;

        /** Whether the record was ever fetched (else an empty history means nothing yet, not nobody). */
        default boolean fetched() {
            return true;
        }
    }

    /** Where a saved copy goes: opened for writing (readable only by its owner where the system can say so). */
    public interface Files {
        java.io.OutputStream create(java.nio.file.Path file) throws java.io.IOException;
    }

    /** How the list is grouped. */
    public enum Grouping { BY_PERSON, BY_DAY }

    /** One row: a heading (a person, a day) or an access under it, with its emergency note when it has one. */
    public record Row(boolean heading, String text, boolean emergency, String note, boolean refused) {
        /** What a screen reader says for the row. */
        public String spoken() {
            return (emergency ? "Emergency access. " : "") + text + (note == null ? "" : " " + note);
        }
    }

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEEE d MMMM yyyy", Locale.ENGLISH);

    private final Source source;
    private final TaskRunner tasks;
    private final ZoneId zone;
    private final Clock clock;
    private final ObjectProperty<Grouping> grouping = new SimpleObjectProperty<>(Grouping.BY_PERSON);
    private final ObservableList<Row> rows = FXCollections.observableArrayList();
    private final StringProperty summary = new SimpleStringProperty("");
    private final StringProperty status = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private AccessHistory history;
    private boolean fetched = true;
    private Files files = file -> java.nio.file.Files.newOutputStream(file);
    private String from = "your health service";

    public AccessHistoryViewModel(Source source, TaskRunner tasks, ZoneId zone, Clock clock) {
        this.source = source;
        this.tasks = tasks;
        this.zone = zone;
        this.clock = clock;
        grouping.addListener((o, was, now) -> fill());
    }

    /** Reads the record again (in the background) and shows it. */
    public void load() {
        busy.set(true);
        status.set("Reading your record…");
        tasks.submit("Reading who looked at your record", p -> new Loaded(AccessHistory.of(source.accessEvents(),
                source.patient(), zone, clock), source.fetched()), l -> {
                    history = l.history();
                    fetched = l.fetched();
                    busy.set(false);
                    status.set("");
                    fill();
                }, e -> {
                    busy.set(false);
                    status.set("Your record could not be read: " + e.getMessage());
                });
    }

    private record Loaded(AccessHistory history, boolean fetched) {
    }

    private void fill() {
        List<Row> out = new ArrayList<>();
        if (history == null) {
            rows.setAll(out);
            return;
        }
        if (grouping.get() == Grouping.BY_PERSON) {
            for (Map.Entry<String, List<AccessLine>> e : history.byPerson().entrySet()) {
                int n = e.getValue().size();
                out.add(new Row(true, e.getValue().get(0).person() + " — " + n + (n == 1 ? " time" : " times"),
                        false, null, false));
                e.getValue().forEach(l -> out.add(row(l)));
            }
        } else {
            for (Map.Entry<LocalDate, List<AccessLine>> e : history.byDay().entrySet()) {
                out.add(new Row(true, DAY.format(e.getKey()), false, null, false));
                e.getValue().forEach(l -> out.add(row(l)));
            }
        }
        summary.set(fetched || !history.lines().isEmpty() ? summaryOf(history)
                : "Nothing has been fetched from the server yet: choose Fetch my record."); // first: before the rows
        rows.setAll(out);
    }

    private static Row row(AccessLine l) {
        return new Row(false, l.sentence(), l.emergency(), l.emergencyNote(), l.refused());
    }

    /** Saved copies are made with {@code files}, and name {@code from} as where the record comes from. */
    public AccessHistoryViewModel savingWith(Files files, String from) {
        this.files = files;
        this.from = from;
        return this;
    }

    /** Whether there is something to save. */
    public boolean canSave() {
        return history != null;
    }

    /** Saves the history as shown (by person) as a PDF at {@code file}, in the background; says where it went. */
    public void savePdf(java.nio.file.Path file) {
        AccessHistory h = history;
        if (h == null) {
            status.set("Nothing to save yet: fetch your record first.");
            return;
        }
        busy.set(true);
        tasks.submit("Saving who looked at your record", p -> {
            try (java.io.OutputStream out = files.create(file)) {
                AccessHistoryPdf.write(h, from, clock.instant(), zone, out);
            }
            return file;
        }, f -> {
            busy.set(false);
            status.set("Saved as " + f + ".");
        }, e -> {
            busy.set(false);
            status.set("The PDF could not be saved: " + e.getMessage());
        });
    }

    static String summaryOf(AccessHistory h) {
        int n = h.lines().size();
        StringBuilder s = new StringBuilder();
        if (n == 0) {
            s.append("Nobody has looked at your record in what Custos holds.");
        } else {
            int people = h.byPerson().size();
            s.append(n == 1 ? "1 look" : n + " looks").append(" at your record, by ")
                    .append(people == 1 ? "1 person" : people + " people").append('.');
            long emergencies = h.emergencies();
            if (emergencies > 0) {
                s.append(' ').append(emergencies == 1 ? "1 was" : emergencies + " were")
                        .append(" emergency access, marked below.");
            }
        }
        if (h.ownUses() > 0) {
            s.append(" Your own use of your record is not counted.");
        }
        if (h.unreadable() > 0) {
            s.append(' ').append(h.unreadable() == 1 ? "1 entry" : h.unreadable() + " entries")
                    .append(" of the record could not be read.");
        }
        return s.toString();
    }

    public ObjectProperty<Grouping> groupingProperty() {
        return grouping;
    }

    public ObservableList<Row> rows() {
        return rows;
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary;
    }

    public ReadOnlyStringProperty statusProperty() {
        return status;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy;
    }
}
