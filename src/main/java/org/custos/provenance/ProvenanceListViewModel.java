package org.custos.provenance;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.custos.cache.Keyset;
import org.custos.cache.ProvenanceStore;
import org.custos.ui.TaskRunner;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The Provenance tab's list (issue 12): filters (target, agent, activity, entity, recorded from/to in the app's zone,
 * origin, signature status), pages of 200 newest recorded first, a count, and the row selected (its detail opens in
 * {@link ProvenanceDetailViewModel}). Every read runs through the task runner; a result that arrives after a newer
 * search started is dropped.
 */
public final class ProvenanceListViewModel {
    public static final String ANY_ORIGIN = "any origin";
    static final int PAGE = 200;
    static final long COUNT_CAP = 100_000;
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    /** The signature states offered, as the list's filter reads them. */
    public enum Status {
        ANY("any signature state", ProvenanceStore.SignatureStatus.ANY),
        UNSIGNED("unsigned", ProvenanceStore.SignatureStatus.UNSIGNED),
        SIGNED("signed", ProvenanceStore.SignatureStatus.SIGNED),
        NOT_CHECKED("signed, not checked yet", ProvenanceStore.SignatureStatus.NOT_CHECKED),
        VALID("last check: valid", ProvenanceStore.SignatureStatus.VALID),
        INVALID("last check: invalid", ProvenanceStore.SignatureStatus.INVALID),
        UNTRUSTED("last check: untrusted signer", ProvenanceStore.SignatureStatus.UNTRUSTED_SIGNER),
        WHO("last check: signer does not match who", ProvenanceStore.SignatureStatus.WHO_MISMATCH),
        TIME("last check: certificate expired or not yet valid", ProvenanceStore.SignatureStatus.CERTIFICATE_TIME),
        CANNOT("last check: cannot verify", ProvenanceStore.SignatureStatus.CANNOT_VERIFY);

        private final String label;
        final ProvenanceStore.SignatureStatus status;

        Status(String label, ProvenanceStore.SignatureStatus status) {
            this.label = label;
            this.status = status;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** One row as the table shows it (texts formatted); {@code row} is what the detail opens. */
    public record Item(ProvenanceStore.Row row, String recorded, String targets, String agents, String activity,
                       String signatures, String origin, String id) {
    }

    public final StringProperty target = new SimpleStringProperty("");
    public final StringProperty agent = new SimpleStringProperty("");
    public final StringProperty activity = new SimpleStringProperty("");
    public final StringProperty entity = new SimpleStringProperty("");
    public final ObjectProperty<LocalDate> from = new SimpleObjectProperty<>();
    public final ObjectProperty<LocalDate> to = new SimpleObjectProperty<>();
    public final StringProperty origin = new SimpleStringProperty(ANY_ORIGIN);
    public final ObjectProperty<Status> status = new SimpleObjectProperty<>(Status.ANY);
    /** Oldest recorded first (the Recorded column's header turns it). */
    public final BooleanProperty ascending = new SimpleBooleanProperty(false);

    private final ProvenanceReview review;
    private final TaskRunner tasks;
    private final ZoneId zone;
    private final ProvenanceDetailViewModel detail;
    private final ObservableList<Item> rows = FXCollections.observableArrayList();
    private final ObservableList<String> origins = FXCollections.observableArrayList(ANY_ORIGIN);
    private final ObjectProperty<Item> selected = new SimpleObjectProperty<>();
    private final StringProperty countText = new SimpleStringProperty("");
    private final StringProperty message = new SimpleStringProperty("");
    private final BooleanProperty more = new SimpleBooleanProperty(false);
    private final BooleanProperty loading = new SimpleBooleanProperty(false);
    private final BooleanProperty shown = new SimpleBooleanProperty(false);
    private ProvenanceStore.Filter applied = ProvenanceStore.Filter.ALL;
    private long generation;
    private boolean stale = true;
    private ProvenanceSignViewModel sign;
    /** Set while a row is replaced by its own newer form: the detail stays as it is. */
    private boolean quietSelect;

    public ProvenanceListViewModel(ProvenanceReview review, ProvenanceDetailViewModel detail, TaskRunner tasks,
                                   ZoneId zone) {
        this.review = review;
        this.detail = detail;
        this.tasks = tasks;
        this.zone = zone;
        selected.addListener((o, a, item) -> {
            if (!quietSelect) {
                detail.open(item == null ? null : item.row());
            }
        });
        detail.onChecked(this::checked);
        shown.addListener((o, a, now) -> {
            if (now && stale) {
                search();
            }
        });
    }

    public ObservableList<Item> rows() { return rows; }

    public ObservableList<String> origins() { return origins; }

    public ObjectProperty<Item> selected() { return selected; }

    public StringProperty countText() { return countText; }

    public StringProperty message() { return message; }

    public BooleanProperty moreProperty() { return more; }

    public BooleanProperty loadingProperty() { return loading; }

    public ProvenanceDetailViewModel detail() { return detail; }

    /** The filter the fields describe (a day's end is its last millisecond, in the app's zone). */
    ProvenanceStore.Filter filter() {
        Long lo = from.get() == null ? null : from.get().atStartOfDay(zone).toInstant().toEpochMilli();
        Long hi = to.get() == null ? null : to.get().plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli() - 1;
        String o = origin.get() == null || origin.get().equals(ANY_ORIGIN) ? null : origin.get();
        return new ProvenanceStore.Filter(blank(target.get()), blank(agent.get()), blank(activity.get()),
                blank(entity.get()), lo, hi, o, status.get() == null ? null : status.get().status);
    }

    /** Lists the first page for the fields' filter, and counts it. */
    public void search() {
        if (from.get() != null && to.get() != null && to.get().isBefore(from.get())) {
            ++generation;
            rows.clear();
            more.set(false);
            countText.set("");
            message.set("The period ends before it starts: nothing to list.");
            return;
        }
        applied = filter();
        long gen = ++generation;
        stale = false;
        loading.set(true);
        message.set("");
        ProvenanceStore.Filter f = applied;
        boolean asc = ascending.get();
        tasks.submit(null, p -> new Object[]{review.page(f, null, PAGE, asc), review.count(f, COUNT_CAP),
                review.origins()}, r -> {
            if (gen != generation) {
                return;
            }
            @SuppressWarnings("unchecked") List<ProvenanceStore.Row> page = (List<ProvenanceStore.Row>) r[0];
            long n = (Long) r[1];
            @SuppressWarnings("unchecked") List<String> names = (List<String>) r[2];
            Item keep = selected.get();
            rows.setAll(page.stream().map(this::item).toList());
            more.set(page.size() == PAGE);
            countText.set(n >= COUNT_CAP ? "more than " + String.format("%,d", COUNT_CAP) + " Provenance"
                    : String.format("%,d Provenance", n));
            String chosen = origin.get();
            origins.setAll(ANY_ORIGIN);
            origins.addAll(names);
            origin.set(chosen);
            loading.set(false);
            if (keep != null) {
                rows.stream().filter(i -> i.row().rk() == keep.row().rk()).findFirst().ifPresent(selected::set);
            }
        }, t -> {
            if (gen == generation) {
                loading.set(false);
                message.set("Cannot list the Provenance: " + t.getMessage());
            }
        });
    }

    /** The next page of the same filter. */
    public void loadMore() {
        if (rows.isEmpty() || !more.get()) {
            return;
        }
        long gen = generation;
        Keyset after = rows.get(rows.size() - 1).row().keyset();
        ProvenanceStore.Filter f = applied;
        boolean asc = ascending.get();
        loading.set(true);
        tasks.submit(null, p -> review.page(f, after, PAGE, asc), page -> {
            if (gen != generation) {
                return;
            }
            rows.addAll(page.stream().map(this::item).toList());
            more.set(page.size() == PAGE);
            loading.set(false);
        }, t -> {
            if (gen == generation) {
                loading.set(false);
                message.set("Cannot list more: " + t.getMessage());
            }
        });
    }

    /** A check was made: its row shows the worst verdict (as the cache now keeps it), the selection stays. */
    private void checked(ProvenanceStore.Row row, List<Verdict> verdicts) {
        Verdict worst = verdicts.stream().max(java.util.Comparator.comparingInt(v -> ProvenanceReview.severity(
                v.kind()))).orElseThrow();
        for (int i = 0; i < rows.size(); i++) {
            ProvenanceStore.Row r = rows.get(i).row();
            if (r.rk() == row.rk()) {
                Item now = item(new ProvenanceStore.Row(r.rk(), r.pk(), r.part(), r.originId(), r.origin(), r.id(),
                        r.container(), r.recorded(), r.periodStart(), r.periodEnd(), r.activity(), r.targets(),
                        r.agents(), r.entities(), r.signatures(), new ProvenanceStore.Check(worst.kind().name(),
                        worst.reason(), System.currentTimeMillis(), false)));
                boolean wasSelected = selected.get() != null && selected.get().row().rk() == row.rk();
                // (the table follows the replaced row and tells the selection: the detail must not open again)
                quietSelect = true;
                try {
                    rows.set(i, now);
                    if (wasSelected) {
                        selected.set(now);
                    }
                } finally {
                    quietSelect = false;
                }
                return;
            }
        }
    }

    /** The signing window's model: it starts from the selected row's first target and origin. */
    public void signing(ProvenanceSignViewModel sign) {
        this.sign = sign;
    }

    /** Prepares the signing window (the view opens it). */
    public void startSigning() {
        if (sign != null) {
            Item i = selected.get();
            sign.start(i == null || i.row().targets().isEmpty() ? null : i.row().targets().get(0),
                    i == null ? null : i.row().origin());
        }
    }

    /** Turns the order (newest or oldest recorded first) and lists again. */
    public void toggleSort() {
        ascending.set(!ascending.get());
        search();
    }

    /** Clears the fields and lists everything. */
    public void clear() {
        for (StringProperty p : List.of(target, agent, activity, entity)) {
            p.set("");
        }
        from.set(null);
        to.set(null);
        origin.set(ANY_ORIGIN);
        status.set(Status.ANY);
        search();
    }

    /** Lists the Provenance of one target (from the graph or elsewhere). */
    public void showTarget(String ref) {
        clear();
        target.set(ref);
        search();
    }

    /** Whether the list is on screen (its tab selected; the view binds it). */
    public BooleanProperty shownProperty() { return shown; }

    /** New data arrived (an import, a sync): listed again now when shown, else when next shown. */
    public void cacheChanged() {
        stale = true;
        if (shown.get()) {
            search();
        }
    }

    private Item item(ProvenanceStore.Row r) {
        String sig;
        if (r.signatures() == 0) {
            sig = "—";
        } else if (r.check() == null) {
            sig = r.signatures() + " · not checked";
        } else {
            sig = r.signatures() + " · " + label(r.check().verdict()) + (r.check().stale()
                    ? " (may be out of date: a target changed, or was read from its server)" : "");
        }
        return new Item(r, r.recorded() == 0 ? "?" : MINUTE.format(Instant.ofEpochMilli(r.recorded()).atZone(zone)),
                String.join(", ", r.targets()), String.join(", ", r.agents()), activity(r.activity()), sig,
                r.origin(), r.container() == null ? r.id() : r.container() + " #" + (r.id().isEmpty() ? r.part()
                : r.id()));
    }

    static String label(String verdictName) {
        try {
            return Verdict.Kind.valueOf(verdictName).label();
        } catch (IllegalArgumentException e) {
            return verdictName;
        }
    }

    private static String activity(String a) {
        if (a == null) {
            return "";
        }
        int us = a.indexOf('\u001F');
        String code = us < 0 ? a : a.substring(0, us);
        String display = us < 0 ? "" : a.substring(us + 1);
        return display.isEmpty() ? code : code.isEmpty() ? display : display + " (" + code + ")";
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
