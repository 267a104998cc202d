package org.custos.review;

import org.custos.cache.AlertList;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.custos.cache.AlertList.AlertRow;
import org.custos.cache.ReviewStore;
import org.custos.ui.TaskRunner;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The investigations (cases): the list, the selected case's alerts and notes, a note added, the case closed or open
 * again, and the case written out as a PDF with its events. Each change and each PDF is kept before the screen says
 * so; the PDF appears only when complete.
 */
public final class CaseListViewModel {
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    /** One case as the list shows it. */
    public record Item(ReviewStore.Case kase, String title, String status, String alerts, String events,
                       String changed) {
    }

    /** What the cases are read from and written to. */
    public interface Data {
        List<ReviewStore.Case> cases();

        List<AlertRow> alerts(long caseId);

        List<ReviewStore.Note> notes(long caseId);

        long open(String title, String author);

        void note(long caseId, String text, String author);

        boolean status(long caseId, String status, String author);

        /** Writes the case as a PDF to {@code file} (complete or not at all). */
        void pdf(long caseId, Path file, String author) throws java.io.IOException;
    }

    private final Data data;
    private final TaskRunner tasks;
    private final ZoneId zone;
    private final java.util.function.Supplier<String> author;
    private final ObservableList<Item> rows = FXCollections.observableArrayList();
    private final ObjectProperty<Item> selected = new SimpleObjectProperty<>();
    private final ObservableList<String> alerts = FXCollections.observableArrayList();
    private final ObservableList<String> notes = FXCollections.observableArrayList();
    private final StringProperty message = new SimpleStringProperty("");
    private final BooleanProperty closed = new SimpleBooleanProperty(false);
    private final BooleanProperty shown = new SimpleBooleanProperty(false);
    public final StringProperty noteText = new SimpleStringProperty("");

    public CaseListViewModel(Data data, TaskRunner tasks, ZoneId zone, java.util.function.Supplier<String> author) {
        this.data = data;
        this.tasks = tasks;
        this.zone = zone;
        this.author = author;
        selected.addListener((o, a, item) -> load(item));
        shown.addListener((o, a, now) -> {
            if (now) {
                refresh("");
            }
        });
    }

    public ObservableList<Item> rows() { return rows; }
    public ObjectProperty<Item> selected() { return selected; }
    public ObservableList<String> alerts() { return alerts; }
    public ObservableList<String> notes() { return notes; }
    public ReadOnlyStringProperty message() { return message; }
    /** Whether the selected case is closed (the button then opens it again). */
    public BooleanProperty closedProperty() { return closed; }
    public BooleanProperty shownProperty() { return shown; }

    /** Reads the cases again, keeping the selection. */
    public void refresh(String done) {
        Long keep = selected.get() == null ? null : selected.get().kase().id();
        tasks.submit("Reading the cases", p -> data.cases(), list -> {
            rows.setAll(list.stream().map(this::item).toList());
            message.set(list.isEmpty() ? "No cases yet: open one here, or add an alert to a case in the Alerts tab."
                    : done);
            Item again = keep == null ? null : rows.stream().filter(i -> i.kase().id() == keep).findFirst()
                    .orElse(null);
            if (java.util.Objects.equals(again, selected.get())) {
                load(again); // the same case: its alerts and notes may have changed all the same
            } else {
                selected.set(again);
            }
        }, e -> message.set("Reading the cases failed: " + e.getMessage()));
    }

    private Item item(ReviewStore.Case c) {
        return new Item(c, c.id() + " — " + c.title(), c.status(), String.valueOf(c.alerts()),
                String.valueOf(c.events()), time(c.changed()));
    }

    private String time(long ms) {
        return MINUTE.format(Instant.ofEpochMilli(ms).atZone(zone));
    }

    private void load(Item item) {
        alerts.clear();
        notes.clear();
        closed.set(item != null && item.status().equals("closed"));
        if (item == null) {
            return;
        }
        long id = item.kase().id();
        tasks.submit("Reading the case", p -> new Loaded(data.alerts(id), data.notes(id)), l -> {
            if (selected.get() == null || selected.get().kase().id() != id) {
                return;
            }
            alerts.setAll(l.alerts.stream().map(a -> time(a.first()) + "  " + a.rule() + "  " + a.user()
                    + (a.patient().isEmpty() ? "" : " → " + a.patient()) + "  (" + a.events() + " events, "
                    + a.status() + ")").toList());
            notes.setAll(l.notes.stream().map(n -> time(n.at()) + "  " + n.author() + (n.kind().equals("note")
                    ? ": " : " (" + n.kind() + "): ") + n.text()).toList());
        }, e -> message.set("Reading the case failed: " + e.getMessage()));
    }

    private record Loaded(List<AlertRow> alerts, List<ReviewStore.Note> notes) {
    }

    /** Opens a new case. */
    public void open(String title) {
        String by = author.get();
        tasks.submit("Opening a case", p -> data.open(title, by), id -> refresh("Case " + id + " opened."),
                e -> message.set("Opening failed: " + e.getMessage()));
    }

    /** Adds the note written to the selected case. */
    public void addNote() {
        Item item = selected.get();
        String text = noteText.get();
        if (item == null || text == null || text.isBlank()) {
            message.set("Select a case and write a note first.");
            return;
        }
        String by = author.get();
        tasks.submit("Adding the note", p -> {
            data.note(item.kase().id(), text, by);
            return true;
        }, ok -> {
            noteText.set("");
            refresh("Note added.");
        }, e -> message.set("Adding the note failed: " + e.getMessage()));
    }

    /** Closes the selected case, or opens it again when closed. */
    public void toggleClosed() {
        Item item = selected.get();
        if (item == null) {
            return;
        }
        String to = item.status().equals("closed") ? "open" : "closed";
        String by = author.get();
        tasks.submit("Changing the case", p -> data.status(item.kase().id(), to, by),
                changed -> refresh("Case " + item.kase().id() + " is " + to + "."),
                e -> message.set("Changing the case failed: " + e.getMessage()));
    }

    /**
     * The dialog asked before replacing the file chosen; a ".pdf" added afterwards names another file, which is
     * never replaced unasked.
     */
    static void refuseUnchosen(Path chosen, Path target) throws java.io.IOException {
        if (!target.equals(chosen) && java.nio.file.Files.exists(target)) {
            throw new java.io.IOException(target.getFileName() + " exists already: choose it in the dialog to replace "
                    + "it, or name another file");
        }
    }

    /** Writes the selected case as a PDF to {@code file}. */
    public void exportPdf(Path file) {
        Item item = selected.get();
        if (item == null || file == null) {
            return;
        }
        Path target = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".pdf") ? file
                : file.resolveSibling(file.getFileName() + ".pdf");
        String by = author.get();
        message.set("Writing " + target.getFileName() + "…");
        tasks.submit("Writing the case", p -> {
            refuseUnchosen(file, target);
            data.pdf(item.kase().id(), target, by);
            return target;
        }, t -> message.set("Case " + item.kase().id() + " written to " + t + "."),
                e -> message.set("Writing the case failed: " + e.getMessage()));
    }
}
