package org.custos.consent;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.custos.consent.ConsentCheck.Counts;
import org.custos.consent.ConsentCheck.Finding;
import org.custos.ui.TaskRunner;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * "Past access" beside a consent: the patient's recorded accesses that its consents (as they were then) would have
 * denied, and those that cannot be decided, each with the deciding rule; {@link #open} shows one in the audit
 * browser (through the callback the composition root gives). The check runs through the {@link TaskRunner}.
 * Opened from the Consent list ("Past access…") for the selected consent's patient.
 */
public final class ConsentCheckViewModel {
    /** At most this many findings are listed (all are counted). */
    public static final int SHOWN = 10_000;

    private final ConsentCheck check;
    private final TaskRunner runner;
    private final EventOpener openEvent;
    private final java.time.ZoneId zone;
    private final StringProperty patient = new SimpleStringProperty("");
    private final ObjectProperty<LocalDate> from = new SimpleObjectProperty<>();
    private final ObjectProperty<LocalDate> to = new SimpleObjectProperty<>();
    private final ObservableList<Finding> findings = FXCollections.observableArrayList();
    private final StringProperty summary = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty(false);
    private TaskRunner.Handle running;

    /** Shows an AuditEvent in the audit browser: its cache key, origin and recorded time (to find its row). */
    @FunctionalInterface
    public interface EventOpener {
        void open(long pk, String origin, Instant recorded);
    }

    /** {@code zone}: the days of the period and the times shown are this zone's (the audit browser's). */
    public ConsentCheckViewModel(ConsentCheck check, TaskRunner runner, EventOpener openEvent, java.time.ZoneId zone) {
        this.check = check;
        this.zone = zone;
        this.runner = runner;
        this.openEvent = openEvent;
    }

    private record Outcome(Counts counts, List<Finding> shown) {
    }

    /** Checks the patient's events in the period (days of the zone given, both ends inclusive). */
    public void run() {
        String p = patient.get() == null ? "" : patient.get().trim();
        if (p.isEmpty()) {
            summary.set("Choose a patient first.");
            return;
        }
        cancel();
        Instant lo = from.get() == null ? null : from.get().atStartOfDay(zone).toInstant();
        Instant hi = to.get() == null ? null : to.get().plusDays(1).atStartOfDay(zone).toInstant().minusMillis(1);
        busy.set(true);
        findings.clear();
        summary.set("Checking the accesses to " + p + "…");
        running = runner.submit("Checking past access of " + p, progress -> {
            List<Finding> shown = new ArrayList<>();
            Counts c = check.check(p, null, lo, hi, progress::isCancelled, f -> {
                if (shown.size() < SHOWN) {
                    shown.add(f);
                }
            });
            return new Outcome(c, shown);
        }, o -> {
            busy.set(false);
            findings.setAll(o.shown());
            Counts c = o.counts();
            summary.set(c.checked() + " accesses checked: " + c.denied() + " would have been denied, "
                    + c.undecidable() + " undecidable, " + c.permitted() + " permitted, " + c.noConsent()
                    + " without a consent in force" + (c.denied() + c.undecidable() > SHOWN ? " (the first " + SHOWN
                    + " listed)" : "") + ".");
        }, e -> {
            busy.set(false);
            summary.set("The check failed: " + e.getMessage());
        });
    }

    public void cancel() {
        if (running != null) {
            running.cancel();
            running = null;
        }
    }

    /** Shows this finding's event in the audit browser. */
    public void open(Finding f) {
        if (f != null) {
            openEvent.open(f.pk(), f.origin(), f.recorded());
        }
    }

    public StringProperty patient() {
        return patient;
    }

    public ObjectProperty<LocalDate> from() {
        return from;
    }

    public ObjectProperty<LocalDate> to() {
        return to;
    }

    public ObservableList<Finding> findings() {
        return findings;
    }

    public StringProperty summary() {
        return summary;
    }

    /** When a finding's access was recorded, as the table shows it (in the zone given). */
    public String when(Finding f) {
        return f.recorded() == null ? "" : java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                .format(f.recorded().atZone(zone));
    }

    public BooleanProperty busy() {
        return busy;
    }
}
