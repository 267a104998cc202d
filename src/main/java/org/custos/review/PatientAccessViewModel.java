package org.custos.review;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.custos.review.AccessReport.AccessEvent;
import org.custos.review.AccessReport.AccessUser;
import org.custos.review.AccessReview.Candidate;
import org.custos.review.AccessReview.Lookup;
import org.custos.review.AccessReview.Suggestion;
import org.custos.review.Timeline.Bar;
import org.custos.review.Timeline.By;
import org.custos.review.Timeline.Chart;
import org.custos.ui.TaskRunner;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The "Patient access" tab (issue 13): pick a patient (a suggestion of the directory, or a typed name, identifier or
 * reference), choose the origin when the cache holds the patient's events in several, and see who accessed the record:
 * a row per user, a timeline (events per day by user or by action, bucketed by week or month for long ranges; a bar
 * clicked lists only its days; zoom), and the newest events, each opening in the audit browser through the callback
 * the composition root gives. Every read runs through the {@link TaskRunner} (with progress, cancellable); a result
 * that arrives after a newer request started is dropped.
 */
public final class PatientAccessViewModel {
    /** At most this many events are listed (the newest); all are counted. */
    public static final int LIST_CAP = 5_000;
    /** Zooming in stops at this many days. */
    static final int MIN_SPAN = 7;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** Shows an AuditEvent in the audit browser: its cache key, origin and recorded time (to find its row). */
    @FunctionalInterface
    public interface EventOpener {
        void open(long pk, String origin, Instant recorded);
    }

    private final AccessReview review;
    private final TaskRunner tasks;
    private final EventOpener opener;
    private final ZoneId zone;

    private final StringProperty query = new SimpleStringProperty("");
    private final ObservableList<Candidate> candidates = FXCollections.observableArrayList();
    private final ObjectProperty<Candidate> candidate = new SimpleObjectProperty<>();
    private final BooleanProperty severalCandidates = new SimpleBooleanProperty(false);
    private final StringProperty originNote = new SimpleStringProperty("");
    private final StringProperty title = new SimpleStringProperty("");
    private final StringProperty summary = new SimpleStringProperty("");
    private final StringProperty message = new SimpleStringProperty(
            "Type a patient's name, identifier or reference (e.g. Patient/123), or pick one of the suggestions.");
    private final BooleanProperty busy = new SimpleBooleanProperty(false);
    private final DoubleProperty progress = new SimpleDoubleProperty(0);
    private final ObservableList<AccessUser> users = FXCollections.observableArrayList();
    private final ObservableList<AccessEvent> events = FXCollections.observableArrayList();
    private final StringProperty eventsNote = new SimpleStringProperty("");
    private final ObjectProperty<By> by = new SimpleObjectProperty<>(By.USER);
    private final ObjectProperty<Chart> chart = new SimpleObjectProperty<>();
    private final StringProperty chartNote = new SimpleStringProperty("");
    private final ObjectProperty<Bar> filter = new SimpleObjectProperty<>();
    private final StringProperty filterText = new SimpleStringProperty("");
    private final BooleanProperty hasReport = new SimpleBooleanProperty(false);
    /** The range slider: days since the first day with events (0 … rangeMax). */
    private final DoubleProperty rangeMax = new SimpleDoubleProperty(0);
    private final DoubleProperty low = new SimpleDoubleProperty(0);
    private final DoubleProperty high = new SimpleDoubleProperty(0);
    private final BooleanProperty shown = new SimpleBooleanProperty(false);

    /** The whole report of the candidate shown (the chart's), and the one of the filter's days (the tables'). */
    private AccessReport full;
    private AccessReport filtered;
    private String patientName;
    private LocalDate viewFrom;
    private LocalDate viewTo;
    /** The candidate read last (or being read). */
    private Candidate loaded;
    private long generation;
    private TaskRunner.Handle running;
    private boolean adjusting;
    private boolean stale;

    public PatientAccessViewModel(AccessReview review, TaskRunner tasks, EventOpener opener, ZoneId zone) {
        this.review = review;
        this.tasks = tasks;
        this.opener = opener;
        this.zone = zone;
        candidate.addListener((o, before, now) -> {
            if (!adjusting && now != null && !now.equals(loaded)) {
                load(now, false);
            }
        });
        by.addListener((o, a, b) -> rebuildChart());
        low.addListener((o, a, b) -> slid());
        high.addListener((o, a, b) -> slid());
        shown.addListener((o, a, now) -> {
            if (now && stale) {
                cacheChanged();
            }
        });
    }

    // ---- finding the patient ----

    /** Patients of the directory for what is typed (called by the field's auto-completion, off the FX thread). */
    public List<Suggestion> suggest(String typed) {
        try {
            return review.suggest(typed);
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** A suggestion picked: that patient's accesses. */
    public void pick(Suggestion s) {
        if (s == null) {
            return;
        }
        query.set(s.reference());
        lookup("Looking for " + s.name(), () -> review.find(s));
    }

    /** The typed text: a reference, an identifier value, or a name the directory knows one patient of. */
    public void find() {
        String typed = query.get() == null ? "" : query.get().trim();
        lookup("Looking for " + typed, () -> review.find(typed));
    }

    private void lookup(String what, java.util.function.Supplier<Lookup> find) {
        cancel();
        loaded = null;
        long gen = ++generation;
        clearReport();
        busy.set(true);
        progress.set(-1);
        message.set(what + "…");
        running = tasks.submit(null, p -> find.get(), l -> {
            if (gen != generation) {
                return;
            }
            busy.set(false);
            adjusting = true;
            candidates.setAll(l.candidates());
            candidate.set(l.candidates().isEmpty() ? null : l.candidates().get(0));
            adjusting = false;
            severalCandidates.set(l.candidates().size() > 1);
            originNote.set(l.candidates().size() > 1 ? originNote(l.candidates()) : "");
            message.set(l.message());
            if (!l.candidates().isEmpty()) {
                load(l.candidates().get(0), false);
            }
        }, e -> {
            if (gen == generation) {
                busy.set(false);
                message.set("Cannot look for the patient: " + e.getMessage());
            }
        });
    }

    private static String originNote(List<Candidate> cs) {
        return "Found in " + cs.size() + " places; showing the first: choose another above. Origins are never mixed "
                + "(the same reference in two origins may be two people): " + cs.stream()
                .map(c -> c.subject().label() + " in " + c.origin() + " (" + String.format("%,d", c.events()) + ")")
                .collect(Collectors.joining(", ")) + ".";
    }

    /** How the origin choice lists a candidate. */
    public String describe(Candidate c) {
        return c == null ? "" : c.subject().label() + " · " + c.origin() + " · " + String.format("%,d", c.events())
                + (c.events() == 1 ? " event" : " events");
    }

    // ---- reading the accesses ----

    private record Loaded(AccessReport report, String directoryName) {
    }

    /**
     * Reads the candidate's accesses (all of them: the chart's, and the tables' until a bar is clicked).
     * {@code keepView}: after a cache change, the range shown and the filter stay as they were.
     */
    private void load(Candidate c, boolean keepView) {
        cancel();
        loaded = c;
        long gen = ++generation;
        LocalDate keepFrom = keepView ? viewFrom : null;
        LocalDate keepTo = keepView ? viewTo : null;
        Bar keepFilter = keepView ? filter.get() : null;
        clearReport();
        busy.set(true);
        progress.set(0);
        String who = c.subject().label();
        message.set("Reading the accesses to " + who + "…");
        running = tasks.submit("Reading the accesses to " + who, p -> new Loaded(review.report(c, Long.MIN_VALUE,
                Long.MAX_VALUE, LIST_CAP, p::isCancelled, progressOf(p, gen, who)), review.directoryName(c)), l -> {
            if (gen != generation) {
                return;
            }
            busy.set(false);
            if (!l.report().complete()) {
                message.set(String.format("Cancelled after reading %,d accesses: nothing is shown (an incomplete count "
                        + "would mislead). Show again to read them all.", l.report().total()));
                return;
            }
            full = l.report();
            patientName = l.directoryName() != null ? l.directoryName() : full.patientName() != null
                    ? full.patientName() : null;
            hasReport.set(full.total() > 0);
            if (full.total() == 0) {
                message.set("No events for " + who + " in " + c.origin() + ".");
                return;
            }
            message.set("");
            title.set((patientName == null ? who : patientName + " — " + (c.subject().reference() == null
                    ? c.subject().label() : c.subject().reference())) + " · " + c.origin());
            summary.set(summaryOf(full));
            showTables(full);
            setRange(keepFrom, keepTo);
            if (keepFilter != null) {
                filterTo(keepFilter);
            }
        }, e -> {
            if (gen == generation) {
                busy.set(false);
                message.set("Cannot read the accesses: " + e.getMessage());
            }
        });
    }

    /** Progress to the status bar, and to this view's bar (on the FX thread, for the newest request only). */
    private AccessReview.Progress progressOf(TaskRunner.Progress p, long gen, String who) {
        return (done, total) -> {
            p.update(done, total, String.format("Reading the accesses to %s: %,d of %,d", who, done, total));
            tasks.onUi(() -> {
                if (gen == generation && busy.get()) {
                    progress.set(total <= 0 ? -1 : (double) done / total);
                }
            });
        };
    }

    private void clearReport() {
        full = null;
        filtered = null;
        patientName = null;
        hasReport.set(false);
        users.clear();
        events.clear();
        title.set("");
        summary.set("");
        eventsNote.set("");
        filter.set(null);
        filterText.set("");
        chart.set(null);
        chartNote.set("");
        viewFrom = null;
        viewTo = null;
    }

    private void showTables(AccessReport r) {
        users.setAll(r.users());
        events.setAll(r.events());
        eventsNote.set(r.total() > r.events().size()
                ? String.format("Showing the newest %,d of %,d accesses (double-click one to open it in the audit "
                + "browser).", r.events().size(), r.total())
                : String.format("All %,d accesses, newest first (double-click one to open it in the audit browser).",
                r.total()));
    }

    private String summaryOf(AccessReport r) {
        StringBuilder b = new StringBuilder(String.format("%,d %s by %,d %s", r.total(), r.total() == 1 ? "access"
                : "accesses", r.users().size(), r.users().size() == 1 ? "user" : "users"));
        if (r.firstDay() != null) {
            b.append(r.firstDay().equals(r.lastDay()) ? " on " + r.firstDay()
                    : " from " + r.firstDay() + " to " + r.lastDay());
        }
        b.append(String.format(" · %,d break-the-glass · %,d failed", r.breakTheGlass(), r.failed()));
        if (r.unreadable() > 0) {
            b.append(String.format(" · %,d could not be read (counted under \"%s\")", r.unreadable(),
                    AccessTally.UNREADABLE));
        }
        return b.toString();
    }

    /** Stops the reading that runs (nothing is shown of it). */
    public void cancel() {
        if (running != null) {
            running.cancel();
            running = null;
        }
    }

    // ---- the chart: range, zoom, filter ----

    private void setRange(LocalDate keepFrom, LocalDate keepTo) {
        LocalDate first = full.firstDay();
        LocalDate last = full.lastDay();
        adjusting = true;
        rangeMax.set(ChronoUnit.DAYS.between(first, last));
        adjusting = false;
        boolean keep = keepFrom != null && keepTo != null && !keepFrom.isBefore(first) && !keepTo.isAfter(last);
        setView(keep ? keepFrom : first, keep ? keepTo : last);
    }

    private void setView(LocalDate from, LocalDate to) {
        if (full == null || full.firstDay() == null) {
            return;
        }
        LocalDate first = full.firstDay();
        LocalDate last = full.lastDay();
        from = from.isBefore(first) ? first : from.isAfter(last) ? last : from;
        to = to.isAfter(last) ? last : to.isBefore(from) ? from : to;
        viewFrom = from;
        viewTo = to;
        adjusting = true;
        // (the higher first when moving right, the lower first when moving left: a range slider keeps low <= high)
        double lo = ChronoUnit.DAYS.between(first, from);
        double hi = ChronoUnit.DAYS.between(first, to);
        if (lo > high.get()) {
            high.set(hi);
            low.set(lo);
        } else {
            low.set(lo);
            high.set(hi);
        }
        adjusting = false;
        rebuildChart();
    }

    /** The range slider moved. */
    private void slid() {
        if (adjusting || full == null || full.firstDay() == null) {
            return;
        }
        LocalDate first = full.firstDay();
        long lo = Math.round(Math.min(low.get(), high.get()));
        long hi = Math.round(Math.max(low.get(), high.get()));
        LocalDate from = first.plusDays(lo);
        LocalDate to = first.plusDays(hi);
        if (!from.equals(viewFrom) || !to.equals(viewTo)) {
            viewFrom = from;
            viewTo = to;
            rebuildChart();
        }
    }

    private void rebuildChart() {
        if (full == null || viewFrom == null) {
            chart.set(null);
            chartNote.set("");
            return;
        }
        Chart c = Timeline.of(full, by.get(), viewFrom, viewTo);
        chart.set(c);
        long days = ChronoUnit.DAYS.between(viewFrom, viewTo) + 1;
        String range = viewFrom.equals(viewTo) ? viewFrom.toString() : viewFrom + " to " + viewTo;
        chartNote.set(String.format("Accesses per %s, %s · %s (%,d %s, %,d accesses)%s · click a bar to list only its "
                        + "days", c.unit().word(), by.get(), range, days, days == 1 ? "day" : "days", c.total(),
                c.unit() == Timeline.Unit.DAY ? "" : " · bucketed by " + c.unit().word() + " (more than "
                        + Timeline.MAX_DAYS + " days shown): zoom in for days"));
    }

    /** Zooms in (halves the days shown) around the centre. */
    public void zoomIn() {
        zoom(0.5, null);
    }

    /** Zooms out (doubles the days shown) around the centre. */
    public void zoomOut() {
        zoom(2, null);
    }

    /** Zooms in or out around the bar of this label (the mouse wheel over the chart). */
    public void zoomAt(String barLabel, boolean in) {
        Chart c = chart.get();
        Bar b = c == null || barLabel == null ? null : c.bar(barLabel);
        zoom(in ? 0.5 : 2, b == null ? null : b.from());
    }

    private void zoom(double factor, LocalDate anchor) {
        if (viewFrom == null) {
            return;
        }
        long span = ChronoUnit.DAYS.between(viewFrom, viewTo) + 1;
        long all = ChronoUnit.DAYS.between(full.firstDay(), full.lastDay()) + 1;
        long wanted = Math.max(1, Math.min(all, Math.round(span * factor)));
        if (factor < 1) { // zooming in stops at a week (or at what the slider narrowed it to)
            wanted = Math.max(wanted, Math.min(Math.min(MIN_SPAN, all), span));
        }
        LocalDate at = anchor == null ? viewFrom.plusDays(span / 2) : anchor;
        double rel = (double) ChronoUnit.DAYS.between(viewFrom, at) / span;
        LocalDate from = at.minusDays(Math.round(rel * wanted));
        shiftedView(from, wanted);
    }

    /** Moves the days shown back (negative) or on by half their length. */
    public void pan(int direction) {
        if (viewFrom == null) {
            return;
        }
        long span = ChronoUnit.DAYS.between(viewFrom, viewTo) + 1;
        shiftedView(viewFrom.plusDays(Long.signum(direction) * Math.max(1, span / 2)), span);
    }

    /** A view of {@code span} days from {@code from}, moved inside the days with events. */
    private void shiftedView(LocalDate from, long span) {
        LocalDate first = full.firstDay();
        LocalDate last = full.lastDay();
        if (from.isBefore(first)) {
            from = first;
        }
        LocalDate to = from.plusDays(span - 1);
        if (to.isAfter(last)) {
            to = last;
            from = to.minusDays(span - 1);
            from = from.isBefore(first) ? first : from;
        }
        setView(from, to);
    }

    /** Every day with events. */
    public void showAll() {
        if (full != null && full.firstDay() != null) {
            setView(full.firstDay(), full.lastDay());
        }
    }

    /** The bar of this label clicked: the tables list only its days. */
    public void filterTo(String barLabel) {
        Chart c = chart.get();
        Bar b = c == null ? null : c.bar(barLabel);
        if (b != null) {
            filterTo(b);
        }
    }

    private void filterTo(Bar b) {
        Candidate c = candidate.get();
        if (full == null || c == null) {
            return;
        }
        cancel();
        long gen = ++generation;
        filter.set(b);
        String days = b.from().equals(b.to()) ? b.from().toString() : b.from() + " to " + b.to();
        long lo = b.from().atStartOfDay(zone).toInstant().toEpochMilli();
        long hi = b.to().plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli() - 1;
        busy.set(true);
        progress.set(0);
        filterText.set("Only " + days + "…");
        running = tasks.submit("Reading the accesses of " + days, p -> review.report(c, lo, hi, LIST_CAP,
                p::isCancelled, progressOf(p, gen, c.subject().label())), r -> {
            if (gen != generation) {
                return;
            }
            busy.set(false);
            if (!r.complete()) {
                clearFilter();
                return;
            }
            filtered = r;
            showTables(r);
            filterText.set(String.format("Only %s: %,d of %,d accesses", days, r.total(), full.total()));
        }, e -> {
            if (gen == generation) {
                busy.set(false);
                filterText.set("Cannot read the accesses of " + days + ": " + e.getMessage());
            }
        });
    }

    /** What a bar's tooltip says: its days, this series' count and the bar's. */
    public String barTip(Bar b, String series, long count) {
        return b.label() + (b.from().equals(b.to()) ? "" : " (" + b.from() + " to " + b.to() + ")") + "\n" + series
                + ": " + String.format("%,d", count) + "\nAll: " + String.format("%,d", b.total())
                + "\nClick to list only " + (b.from().equals(b.to()) ? "this day" : "these days");
    }

    /** Every day again in the tables. */
    public void clearFilter() {
        if (filter.get() != null) {
            cancel();
            ++generation;
            busy.set(false);
        }
        filter.set(null);
        filtered = null;
        filterText.set("");
        if (full != null) {
            showTables(full);
        }
    }

    /** Whether the tables are filtered to (some of) this bar's days (the chart marks it). */
    public boolean isFiltered(Bar b) {
        Bar f = filter.get();
        return f != null && b != null && !b.from().isAfter(f.to()) && !b.to().isBefore(f.from());
    }

    // ---- the events ----

    /** Shows this event in the audit browser. */
    public void open(AccessEvent e) {
        if (e != null) {
            opener.open(e.pk(), e.origin(), e.recorded());
        }
    }

    /** A time as the tables show it (the app's zone). */
    public String time(Instant t) {
        return t == null ? "" : TIME.format(t.atZone(zone));
    }

    /** The zone the times and days are in, as the column headers name it ("UTC", "CET", …). */
    public String zoneName() {
        return zone.getDisplayName(java.time.format.TextStyle.SHORT, java.util.Locale.getDefault());
    }

    public String roles(AccessUser u) {
        return String.join(", ", u.roles());
    }

    /** "TREAT (12), BTG (1)": the user's purposes, most frequent first. */
    public String purposes(AccessUser u) {
        return u.purposes().stream().map(p -> p.code() + " (" + String.format("%,d", p.events()) + ")")
                .collect(Collectors.joining(", "));
    }

    /** The user's identity as the events give it: user id and reference. */
    public String identity(AccessUser u) {
        if (u.userId() != null && u.reference() != null) {
            return u.userId() + " · " + u.reference();
        }
        return u.userId() != null ? u.userId() : u.reference() != null ? u.reference() : "";
    }

    /** Where the user's name comes from, for its tooltip. */
    public String nameSource(AccessUser u) {
        return u.named() ? "Name from the directory of " + (full == null ? "the origin" : full.origin())
                : "Not in the directory: the name the events give (else the user id or reference)";
    }

    public String action(AccessEvent e) {
        return e.action() == null ? "" : Timeline.actionName(e.action()) + " (" + e.action() + ")";
    }

    /** "0 success", "4 minor failure", … as STU3 names the outcome codes. */
    public String outcome(AccessEvent e) {
        if (e.outcome() == null) {
            return "";
        }
        return switch (e.outcome()) {
            case "0" -> "0 success";
            case "4" -> "4 minor failure";
            case "8" -> "8 serious failure";
            case "12" -> "12 major failure";
            default -> e.outcome();
        };
    }

    public String purposes(AccessEvent e) {
        return String.join(", ", e.purposes());
    }

    // ---- the cache changed ----

    /** After an import or a sync: read again when the tab shows (keeping the range and the filter), else later. */
    public void cacheChanged() {
        Candidate c = candidate.get();
        if (c == null) {
            return;
        }
        if (!shown.get()) {
            stale = true;
            return;
        }
        stale = false;
        load(c, true);
    }

    // ---- properties ----

    public StringProperty query() { return query; }

    public ObservableList<Candidate> candidates() { return candidates; }

    public ObjectProperty<Candidate> candidate() { return candidate; }

    public BooleanProperty severalCandidates() { return severalCandidates; }

    public StringProperty originNote() { return originNote; }

    public StringProperty title() { return title; }

    public StringProperty summary() { return summary; }

    public StringProperty message() { return message; }

    public BooleanProperty busy() { return busy; }

    public DoubleProperty progress() { return progress; }

    public ObservableList<AccessUser> users() { return users; }

    public ObservableList<AccessEvent> events() { return events; }

    public StringProperty eventsNote() { return eventsNote; }

    public ObjectProperty<By> by() { return by; }

    public ObjectProperty<Chart> chart() { return chart; }

    public StringProperty chartNote() { return chartNote; }

    public ObjectProperty<Bar> filter() { return filter; }

    public StringProperty filterText() { return filterText; }

    public BooleanProperty hasReport() { return hasReport; }

    public DoubleProperty rangeMax() { return rangeMax; }

    public DoubleProperty low() { return low; }

    public DoubleProperty high() { return high; }

    /** Whether the tab is on screen (a cache change is read at once then, else when it shows). */
    public BooleanProperty shown() { return shown; }

    /** The report the tables show (the filter's when a bar was clicked). */
    AccessReport shownReport() {
        return filtered != null ? filtered : full;
    }
}
