package org.custos.servers;

import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.custos.cache.SyncState;
import org.custos.sync.SyncReport;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** One resource type in the sync panel: this run's progress, and how the last run ended. */
public final class TypeRow {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private final String type;
    private final StringProperty progress = new SimpleStringProperty("");
    private final DoubleProperty fraction = new SimpleDoubleProperty(0);
    private final StringProperty rate = new SimpleStringProperty("");
    private final StringProperty eta = new SimpleStringProperty("");
    private final StringProperty last = new SimpleStringProperty("never synced");
    private final StringProperty lastDetail = new SimpleStringProperty("");

    TypeRow(String type) {
        this.type = type;
    }

    public String type() { return type; }

    public StringProperty progressProperty() { return progress; }

    /** 0..1, or -1 while the total is unknown. */
    public DoubleProperty fractionProperty() { return fraction; }

    public StringProperty rateProperty() { return rate; }

    public StringProperty etaProperty() { return eta; }

    public StringProperty lastProperty() { return last; }

    /** The last run's counts or failure, in full (a tooltip). */
    public StringProperty lastDetailProperty() { return lastDetail; }

    /** This run's progress: done of total (-1: unknown) at a rate. */
    void showProgress(long done, long total, double perSecond) {
        progress.set(String.format(Locale.ROOT, "%,d%s", done,
                total >= 0 ? String.format(Locale.ROOT, " of %,d", total) : ""));
        fraction.set(total > 0 ? Math.min(1.0, (double) done / total) : -1);
        rate.set(perSecond > 0 ? String.format(Locale.ROOT, "%,.0f/s", perSecond) : "");
        eta.set(total > done && perSecond > 0 ? duration((long) ((total - done) / perSecond)) : "");
    }

    static String duration(long seconds) {
        return seconds >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60,
                seconds % 60) : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }

    /** The last run as its checkpoint records it: when, how it ended, and its counts or failure in full. */
    void showLast(SyncState s, ZoneId zone) {
        last.set(s.lastRunAt() == null ? "never synced" : TIME.format(Instant.ofEpochMilli(s.lastRunAt()).atZone(zone))
                + " · " + s.lastStatus().toLowerCase(Locale.ROOT) + (s.inProgress() ? ", will resume" : ""));
        lastDetail.set(s.lastMessage() == null ? "" : s.lastMessage());
    }

    /** How this run ended for the type. */
    void showResult(SyncReport.TypeResult r) {
        progress.set(r.status.name().toLowerCase(Locale.ROOT) + " · " + briefly(r));
        fraction.set(r.status == SyncReport.Status.COMPLETED ? 1 : fraction.get());
        eta.set("");
    }

    /** "6,000 new, 2 updated" — only what is not zero; "nothing new" when nothing changed. */
    static String briefly(SyncReport.TypeResult r) {
        StringBuilder b = new StringBuilder();
        long[] n = {r.added, r.updated, r.deleted, r.quarantined, r.pruned};
        String[] what = {"new", "updated", "deleted", "quarantined", "outside the window"};
        for (int i = 0; i < n.length; i++) {
            if (n[i] > 0) {
                b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%,d %s", n[i], what[i]));
            }
        }
        if (b.length() == 0) {
            b.append("nothing new");
        }
        return r.unchanged > 0 ? b + String.format(Locale.ROOT, " (%,d unchanged)", r.unchanged) : b.toString();
    }
}
