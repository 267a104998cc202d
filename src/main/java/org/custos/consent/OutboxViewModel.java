package org.custos.consent;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.custos.ui.TaskRunner;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The "Outbox…" window: the consent edits not yet on their server, with their state and the last message; a
 * refused (FAILED) one can be tried again, any not being sent can be discarded (after saving its text to a file,
 * if the user wants: the outbox is the only place that holds it), and the waiting ones sent now.
 */
public final class OutboxViewModel {
    /** Where an entry is: waiting, on its way, waiting for the user's choice, refused by the server. */
    public enum State {
        WAITING, SENDING, CONFLICT, FAILED
    }

    /** One entry, as the window shows it. {@code created}: already formatted. {@code json}: what would be sent. */
    public record Item(long seq, String origin, String resource, State state, String base, String created,
                       String message, String json) {
    }

    /** The outbox below the window (the app adapts the cache's outbox and the saver). */
    public interface Entries {
        /** Every entry not sent and not discarded, oldest first. */
        List<Item> list() throws Exception;

        /** A FAILED entry goes back to waiting: the next send tries it. */
        void retry(long seq) throws Exception;

        /** The entry is given up (kept as a record); the server's version stands. */
        void discard(long seq) throws Exception;

        /** An unanswered send is given up (kept as a record): it may be on the server or not. */
        void giveUp(long seq) throws Exception;

        /** Sends what waits; says what happened, in a line (empty: nothing went). */
        /** Sends what waits; {@code progress}: the task's, whose cancel (or the app closing) stops the sending. */
        String sendAll(org.custos.ui.TaskRunner.Progress progress) throws Exception;
    }

    private final Entries entries;
    private final TaskRunner tasks;
    private final ObservableList<Item> items = FXCollections.observableArrayList();
    private final ObjectProperty<Item> selected = new SimpleObjectProperty<>();
    private final StringProperty message = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty(false);
    private final BooleanBinding canRetry;
    private final BooleanBinding canDiscard;

    public OutboxViewModel(Entries entries, TaskRunner tasks) {
        this.entries = entries;
        this.tasks = tasks;
        canRetry = Bindings.createBooleanBinding(() -> !busy.get() && selected.get() != null
                && selected.get().state() == State.FAILED, selected, busy);
        canDiscard = Bindings.createBooleanBinding(() -> !busy.get() && selected.get() != null, selected, busy);
    }

    public ObservableList<Item> items() {
        return items;
    }

    /** The entry the user picked (the view sets it). */
    public ObjectProperty<Item> selected() {
        return selected;
    }

    public StringProperty message() {
        return message;
    }

    public BooleanProperty busy() {
        return busy;
    }

    /** Retry applies to a refused entry only: a conflict needs the user's choice in the consent's editor. */
    public BooleanBinding canRetry() {
        return canRetry;
    }

    /** Any entry can be given up; one on its way to the server only when no send runs (the question says so). */
    public BooleanBinding canDiscard() {
        return canDiscard;
    }

    /** What the discard question says about the selected entry. */
    public String discardQuestion() {
        Item i = selected.get();
        if (i != null && i.state() == State.SENDING) {
            return "Give up outbox entry " + i.seq() + " (" + i.resource() + " for " + i.origin() + ")? It was sent "
                    + "and no clear answer came: it MAY BE ON THE SERVER already, or not. Custos stops trying and "
                    + "stops checking. Its text is kept nowhere else: save it to a file first if you may need it.";
        }
        return i == null ? "" : "Discard outbox entry " + i.seq() + " (" + i.resource() + " for " + i.origin()
                + ", " + i.state() + ")? The server's version stands. Its text is kept nowhere else: save it to a "
                + "file first if you may need it.";
    }

    /** A file name to offer when saving the selected entry's text. */
    public String suggestedFileName() {
        Item i = selected.get();
        return i == null ? "outbox.json" : "outbox-" + i.seq() + "-" + i.resource().replace('/', '-') + ".json";
    }

    /** Lists the entries again. */
    public void refresh() {
        run("Reading the outbox", p -> null, "");
    }

    public void retry() {
        Item i = selected.get();
        if (i == null || i.state() != State.FAILED) {
            message.set("Only a refused (FAILED) entry is tried again; a conflict needs your choice: open the "
                    + "consent.");
            return;
        }
        run("Retrying outbox entry " + i.seq(), p -> {
            entries.retry(i.seq());
            return null;
        }, "Entry " + i.seq() + " waits to be sent again.");
    }

    /**
     * Discards the selected entry; with {@code saveTo} (a file the user chose, replaced if it exists: the save
     * dialog asked) its text is written there first, and when that fails nothing is discarded.
     */
    public void discard(Path saveTo) {
        Item i = selected.get();
        if (i == null) {
            message.set("Choose an entry first.");
            return;
        }
        boolean unanswered = i.state() == State.SENDING;
        run("Discarding outbox entry " + i.seq(), p -> {
            if (saveTo != null) {
                try {
                    Files.writeString(saveTo, i.json(), StandardCharsets.UTF_8);
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("cannot write " + saveTo + " (" + e.getMessage()
                            + "); nothing was discarded", e);
                }
            }
            if (unanswered) {
                entries.giveUp(i.seq());
            } else {
                entries.discard(i.seq());
            }
            return null;
        }, (unanswered ? "Gave up entry " : "Discarded entry ") + i.seq() + (saveTo == null ? "." : "; its text is in " + saveTo + "."));
    }

    /** Sends the waiting entries now. */
    public void sendNow() {
        run("Sending the outbox", p -> {
            String done = entries.sendAll(p);
            return done.isEmpty() ? "Nothing was sent." : done;
        }, null);
    }

    /** Runs {@code work} then lists the entries again; {@code done} (null: what the work returned) as the message. */
    private void run(String title, TaskRunner.Work<String> work, String done) {
        busy.set(true);
        tasks.submit(title, p -> {
            String said = work.run(p);
            return new Listed(said, entries.list());
        }, listed -> {
            busy.set(false);
            selected.set(null);
            items.setAll(listed.items());
            message.set(done != null ? done : listed.said());
        }, t -> {
            busy.set(false);
            message.set(title + " failed: " + t.getMessage());
        });
    }

    private record Listed(String said, List<Item> items) {
    }
}
