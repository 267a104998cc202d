package org.custos.patient;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.custos.ui.TaskRunner;

/**
 * The patient's home: whose record it is and where it comes from, fetching the record again from the server, and
 * "who looked at my record" below. Everything it reaches is bound to the one patient by the composition root.
 */
public final class PatientHomeViewModel {
    /** Fetches the patient's record from the server into this computer; says what it did, in plain words. */
    public interface Fetcher {
        String fetch() throws Exception;
    }

    private final String server;
    private final Fetcher fetcher;
    private final TaskRunner tasks;
    private final AccessHistoryViewModel history;
    private final StringProperty status = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private Runnable afterFetch = () -> { };

    /** {@code server}: where the record comes from, as the patient knows it (the profile's name). */
    public PatientHomeViewModel(String server, Fetcher fetcher, TaskRunner tasks, AccessHistoryViewModel history) {
        this.server = server;
        this.fetcher = fetcher;
        this.tasks = tasks;
        this.history = history;
    }

    /** Also runs {@code r} (on the UI thread) when the screen starts and after each fetch: the other tabs reload. */
    public PatientHomeViewModel afterFetch(Runnable r) {
        afterFetch = r;
        return this;
    }

    /** What the screen shows first: the record as this computer holds it. */
    public void start() {
        history.load();
        afterFetch.run();
    }

    /** Fetches the record from the server, then shows it again. */
    public void fetch() {
        if (busy.get()) {
            return;
        }
        busy.set(true);
        status.set("Fetching your record from " + server + "…");
        tasks.submit("Fetching your record", p -> fetcher.fetch(), said -> {
            busy.set(false);
            status.set(said);
            history.load();
            afterFetch.run();
        }, e -> {
            busy.set(false);
            status.set("Your record could not be fetched from " + server + ": " + e.getMessage()
                    + " What this computer holds is shown.");
        });
    }

    /** "Your record at …". */
    public String title() {
        return "Your record at " + server;
    }

    public AccessHistoryViewModel history() {
        return history;
    }

    public ReadOnlyStringProperty statusProperty() {
        return status;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy;
    }
}
