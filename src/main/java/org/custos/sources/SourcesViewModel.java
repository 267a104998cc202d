package org.custos.sources;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.custos.cache.OriginData;
import org.custos.ui.TaskRunner;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The Sources tab: every origin the cache holds data from (servers, imported files, the demo data) with its counts
 * and last sync, and removing one on purpose (the demo data, a decommissioned server).
 */
public final class SourcesViewModel {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    /** One origin as the table shows it. */
    public record Row(String name, String kind, String events, String flagged, String consents, String provenances,
                      String quarantined, String lastSync, OriginData.Summary summary) {
    }

    private final OriginData data;
    private final TaskRunner tasks;
    private final Runnable cacheChanged;
    private final ZoneId zone;
    private final ObservableList<Row> rows = FXCollections.observableArrayList();
    private final StringProperty message = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty(false);

    public SourcesViewModel(OriginData data, TaskRunner tasks, Runnable cacheChanged, ZoneId zone) {
        this.data = data;
        this.tasks = tasks;
        this.cacheChanged = cacheChanged;
        this.zone = zone;
    }

    public void refresh() {
        tasks.submit(null, p -> data.summaries(), list -> rows.setAll(list.stream().map(this::row).toList()),
                t -> message.set("Cannot read the sources: " + t.getMessage()));
    }

    private Row row(OriginData.Summary s) {
        String kind = switch (s.origin().kind()) {
            case "server" -> "FHIR server";
            case "demo" -> "demo data (generated, not real)";
            default -> "imported files";
        };
        String events = String.format("%,d", s.auditEvents()) + (s.auditVersions() > s.auditEvents()
                ? String.format(" (%,d versions)", s.auditVersions()) : "");
        String last = s.lastSync() == null ? (s.origin().kind().equals("server") ? "never" : "")
                : TIME.format(Instant.ofEpochMilli(s.lastSync()).atZone(zone)) + (s.lastSyncStatus() == null ? ""
                : " · " + s.lastSyncStatus().toLowerCase(java.util.Locale.ROOT));
        return new Row(s.origin().name(), kind, events, String.format("%,d", s.flagged()),
                String.format("%,d", s.consents()), String.format("%,d", s.provenances()),
                String.format("%,d", s.quarantined()), last, s);
    }

    /** What removing this origin would take away, in words, for the confirmation. */
    public String confirmation(Row row) {
        OriginData.Summary s = row.summary();
        return String.format("Remove everything that came from %s?%n%n%,d AuditEvents (%,d versions kept), %,d Consents, "
                        + "%,d Provenances, %,d quarantined items and %,d recorded deletes leave the cache.%n%n"
                        + "This cannot be undone: a server can be synced again, a file imported again. The removed "
                        + "texts leave the cache file when Custos rewrites it (it does so when it closes).",
                row.name(), s.auditEvents(), s.auditVersions(), s.consents(), s.provenances(), s.quarantined(),
                s.deletes());
    }

    /** Removes an origin's data (after the user confirmed), in the background, then refreshes every view. */
    public void remove(Row row) {
        if (row == null || busy.get()) {
            return;
        }
        busy.set(true);
        message.set("Removing " + row.name() + " …");
        // only the user's Cancel stops it halfway: closing the app waits for it to end (what was asked is done)
        tasks.submit("Removing " + row.name(), p -> data.purge(row.name(), p::isCancelledByUser,
                n -> p.update(n, row.summary().auditVersions(), String.format("Removing %s: %,d of %,d AuditEvent "
                        + "versions", row.name(), n, row.summary().auditVersions()))), purged -> {
            busy.set(false);
            message.set("Removed " + purged.describe() + ".");
            refresh();
            cacheChanged.run();
        }, t -> {
            busy.set(false);
            message.set("Removing " + row.name() + " failed: " + t.getMessage());
            refresh();
            cacheChanged.run();
        });
    }

    public ObservableList<Row> rows() { return rows; }

    public StringProperty messageProperty() { return message; }

    public BooleanProperty busyProperty() { return busy; }

    List<Row> snapshot() {
        return List.copyOf(rows);
    }
}
