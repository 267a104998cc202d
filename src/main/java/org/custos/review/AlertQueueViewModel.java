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
import org.custos.cache.AuditSummary;
import org.custos.cache.ReviewStore;
import org.custos.ui.TaskRunner;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The alert queue (issue 13): the alerts the suspicious-access rules raised, newest first, filtered by status and
 * rule, in pages; the selected alert's events and its review (status, assignee, notes, case). Every read and every
 * decision runs through the task runner; each decision is kept in the cache before the screen says it is done.
 */
public final class AlertQueueViewModel {
    static final int PAGE = 200;
    public static final String ALL_RULES = "all rules";
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    /** Which alerts the queue shows. */
    public enum Show {
        OPEN("open (new, under review, escalated)", Set.of("new", "review", "escalated")),
        NEW("new", Set.of("new")),
        REVIEW("under review", Set.of("review")),
        ESCALATED("escalated", Set.of("escalated")),
        EXPLAINED("explained", Set.of("explained")),
        CLOSED("closed", Set.of("closed")),
        ALL("all", Set.of());

        private final String label;
        final Set<String> statuses;

        Show(String label, Set<String> statuses) {
            this.label = label;
            this.statuses = statuses;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** A status as offered to the reviewer: its stored name and its label. */
    public enum Status {
        NEW("new"), REVIEW("under review"), EXPLAINED("explained"), ESCALATED("escalated"), CLOSED("closed");

        private final String label;

        Status(String label) {
            this.label = label;
        }

        public String stored() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Status of(String stored) {
            return valueOf(stored.toUpperCase(java.util.Locale.ROOT));
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** One row as the table shows it. */
    public record Item(AlertRow row, String rule, String user, String patient, String first, String last, String events,
                       String status, String assignee, String inCase) {
    }

    /** One event of the selected alert. */
    public record EventItem(long pk, String recorded, String what, String agents, String patients, String origin,
                            Instant at) {
    }

    /** Opens an event in the audit browser: its stored key, origin name and time. */
    public interface EventOpener {
        void open(long pk, String origin, Instant recorded);
    }

    /** What the queue reads and writes. */
    public interface Data {
        List<AlertRow> page(AlertList.Queue q, Long beforeFirst, Long beforeId, int limit);

        long count(AlertList.Queue q);

        List<AuditSummary> events(long alertId);

        List<ReviewStore.Note> notes(long alertId);

        boolean setStatus(long alertId, String status, String author);

        boolean assign(long alertId, String assignee, String author);

        void note(long alertId, String text, String author);

        List<ReviewStore.Case> cases();

        long openCase(String title, String author);

        void addToCase(long caseId, long alertId, String author);

        String originName(int originId);
    }

    private final Data data;
    private final TaskRunner tasks;
    private final ZoneId zone;
    private final Supplier<String> author;
    private final EventOpener opener;

    public final ObjectProperty<Show> show = new SimpleObjectProperty<>(Show.OPEN);
    public final StringProperty rule = new SimpleStringProperty(ALL_RULES);
    private final ObservableList<Item> rows = FXCollections.observableArrayList();
    private final ObservableList<String> rules = FXCollections.observableArrayList();
    private final StringProperty countText = new SimpleStringProperty("");
    private final StringProperty message = new SimpleStringProperty("");
    private final BooleanProperty more = new SimpleBooleanProperty(false);
    private final ObjectProperty<Item> selected = new SimpleObjectProperty<>();
    private final StringProperty detail = new SimpleStringProperty("");
    private final ObservableList<EventItem> events = FXCollections.observableArrayList();
    private final ObservableList<String> notes = FXCollections.observableArrayList();
    public final ObjectProperty<Status> status = new SimpleObjectProperty<>();
    public final StringProperty assignee = new SimpleStringProperty("");
    public final StringProperty noteText = new SimpleStringProperty("");
    private final ObservableList<ReviewStore.Case> cases = FXCollections.observableArrayList();
    private long generation;
    private final BooleanProperty shown = new SimpleBooleanProperty(false);
    private boolean stale = true;

    public AlertQueueViewModel(Data data, TaskRunner tasks, ZoneId zone, Supplier<String> author, EventOpener opener) {
        this.data = data;
        this.tasks = tasks;
        this.zone = zone;
        this.author = author;
        this.opener = opener;
        rules.add(ALL_RULES);
        for (org.custos.rules.Rule r : org.custos.rules.Rule.values()) {
            rules.add(r.id());
        }
        selected.addListener((o, a, item) -> load(item));
        shown.addListener((o, a, now) -> {
            if (now && stale) {
                search();
            }
        });
    }

    public ObservableList<Item> rows() { return rows; }
    public ObservableList<String> rules() { return rules; }
    public ReadOnlyStringProperty countText() { return countText; }
    public ReadOnlyStringProperty message() { return message; }
    public BooleanProperty moreProperty() { return more; }
    public ObjectProperty<Item> selected() { return selected; }
    public ReadOnlyStringProperty detail() { return detail; }
    public ObservableList<EventItem> events() { return events; }
    public ObservableList<String> notes() { return notes; }
    public ObservableList<ReviewStore.Case> cases() { return cases; }

    private AlertList.Queue queue() {
        String r = rule.get();
        return new AlertList.Queue(r == null || r.equals(ALL_RULES) ? Set.of() : Set.of(r),
                show.get() == null ? Set.of() : show.get().statuses, null, null);
    }

    /** Reads the first page again (after a filter changed, or new alerts arrived). */
    public void search() {
        search("");
    }

    /** {@link #search()}, then says {@code done} (what the last decision did) unless the list is empty. */
    private void search(String done) {
        stale = false;
        long g = ++generation;
        AlertList.Queue q = queue();
        Long keep = selected.get() == null ? null : selected.get().row().id();
        tasks.submit("Reading the alerts", p -> new Page(data.page(q, null, null, PAGE), data.count(q)), page -> {
            if (g != generation) {
                return;
            }
            rows.setAll(page.rows.stream().map(this::item).toList());
            more.set(page.rows.size() == PAGE);
            countText.set(page.count + (page.count == 1 ? " alert" : " alerts"));
            message.set(page.count == 0 ? "No alerts here. The rules judge events as they are imported or synced."
                    : done);
            Item again = keep == null ? null : rows.stream().filter(i -> i.row().id() == keep).findFirst()
                    .orElse(null);
            selected.set(again);
        }, e -> message.set("Reading the alerts failed: " + e.getMessage()));
    }

    private record Page(List<AlertRow> rows, long count) {
    }

    /** The next page of the same search. */
    public void loadMore() {
        if (rows.isEmpty()) {
            return;
        }
        long g = generation;
        AlertRow last = rows.get(rows.size() - 1).row();
        AlertList.Queue q = queue();
        tasks.submit("Reading more alerts", p -> data.page(q, last.first(), last.id(), PAGE), page -> {
            if (g == generation) {
                rows.addAll(page.stream().map(this::item).toList());
                more.set(page.size() == PAGE);
            }
        }, e -> message.set("Reading the alerts failed: " + e.getMessage()));
    }

    /** After an import or a sync: new alerts may be there (read now if the queue shows, else when it comes forward). */
    public void cacheChanged() {
        if (shown.get()) {
            search();
        } else {
            stale = true;
        }
    }

    /** Whether the queue's tab is in front (bound by the view). */
    public BooleanProperty shownProperty() {
        return shown;
    }

    private Item item(AlertRow a) {
        return new Item(a, a.rule(), a.user().isEmpty() ? "(unknown)" : a.user(), a.patient(), time(a.first()),
                time(a.last()), String.valueOf(a.events()), Status.of(a.status()).toString(),
                a.assignee() == null ? "" : a.assignee(), a.caseId() == null ? "" : "case " + a.caseId());
    }

    private String time(long ms) {
        return MINUTE.format(Instant.ofEpochMilli(ms).atZone(zone));
    }

    private void load(Item item) {
        events.clear();
        notes.clear();
        if (item == null) {
            detail.set("");
            status.set(null);
            assignee.set("");
            return;
        }
        AlertRow a = item.row();
        String description = org.custos.rules.Rule.of(a.rule()).map(org.custos.rules.Rule::description).orElse("");
        detail.set(a.rule() + ": " + a.detail() + "\nUser " + item.user() + (a.patient().isEmpty() ? ""
                : ", patient " + a.patient()) + ", " + a.events() + (a.events() == 1 ? " event" : " events") + " from "
                + item.first() + " to " + item.last() + " (" + data.originName(a.originId()) + ")\n" + description);
        status.set(Status.of(a.status()));
        assignee.set(a.assignee() == null ? "" : a.assignee());
        long id = a.id();
        tasks.submit("Reading the alert", p -> new Loaded(data.events(id), data.notes(id), data.cases()), l -> {
            if (selected.get() == null || selected.get().row().id() != id) {
                return;
            }
            events.setAll(l.events.stream().map(e -> new EventItem(e.pk(), time(e.recorded()),
                    (e.action() == null ? "" : e.action() + " ") + (e.type() == null ? "" : e.type())
                            + (e.failed() ? " (failed: " + e.outcome() + ")" : ""), e.agents(), e.patients(),
                    e.origin(), Instant.ofEpochMilli(e.recorded()))).toList());
            notes.setAll(l.notes.stream().map(this::noteText).toList());
            cases.setAll(l.cases);
        }, e -> message.set("Reading the alert failed: " + e.getMessage()));
    }

    private record Loaded(List<AuditSummary> events, List<ReviewStore.Note> notes, List<ReviewStore.Case> cases) {
    }

    private String noteText(ReviewStore.Note n) {
        return time(n.at()) + "  " + n.author() + (n.kind().equals("note") ? ": " : " (" + n.kind() + "): ")
                + n.text();
    }

    /** Keeps the status and assignee chosen for the selected alert (each change is noted with its author). */
    public void saveDecision() {
        Item item = selected.get();
        if (item == null) {
            return;
        }
        long id = item.row().id();
        Status s = status.get();
        String who = assignee.get();
        String by = author.get();
        tasks.submit("Saving the decision", p -> {
            boolean changed = s != null && data.setStatus(id, s.stored(), by);
            changed |= data.assign(id, who, by);
            return changed;
        }, changed -> search(changed ? "Saved." : "Nothing changed."),
                e -> message.set("Saving failed: " + e.getMessage()));
    }

    /** Adds the note written to the selected alert. */
    public void addNote() {
        Item item = selected.get();
        String text = noteText.get();
        if (item == null || text == null || text.isBlank()) {
            message.set("Write a note first.");
            return;
        }
        long id = item.row().id();
        String by = author.get();
        tasks.submit("Adding the note", p -> {
            data.note(id, text, by);
            return data.notes(id);
        }, list -> {
            noteText.set("");
            if (selected.get() != null && selected.get().row().id() == id) {
                notes.setAll(list.stream().map(this::noteText).toList());
            }
            message.set("Note added.");
        }, e -> message.set("Adding the note failed: " + e.getMessage()));
    }

    /** Puts the selected alert into a case: an existing one, or a new one of this title when {@code caseId} is null. */
    public void addToCase(Long caseId, String newTitle) {
        Item item = selected.get();
        if (item == null) {
            return;
        }
        long id = item.row().id();
        String by = author.get();
        tasks.submit("Adding to the case", p -> {
            long c = caseId != null ? caseId : data.openCase(newTitle, by);
            data.addToCase(c, id, by);
            return c;
        }, c -> search("In case " + c + "."), e -> message.set("Adding to the case failed: " + e.getMessage()));
    }

    /** Opens an event of the selected alert in the audit browser. */
    public void open(EventItem e) {
        if (e != null) {
            opener.open(e.pk(), e.origin(), e.at());
        }
    }

    /** The case titles offered ("3 — title"), with their ids, newest first. */
    public List<String> caseChoices() {
        List<String> out = new ArrayList<>();
        for (ReviewStore.Case c : cases) {
            out.add(c.id() + " — " + c.title());
        }
        return out;
    }

    /** The id of a case choice ("3 — title"), or null. */
    public Long caseOf(String choice) {
        if (choice == null) {
            return null;
        }
        for (ReviewStore.Case c : cases) {
            if (choice.equals(c.id() + " — " + c.title())) {
                return c.id();
            }
        }
        return null;
    }
}
