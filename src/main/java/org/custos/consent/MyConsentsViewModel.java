package org.custos.consent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.custos.ui.TaskRunner;

import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * "My consents" (issue 15): the patient's consents in plain words, a new one made with the guided steps
 * ({@link GuidedConsentViewModel}), and one withdrawn in one step after a confirmation (status inactive, saved with
 * the version shown: a consent changed on the server meanwhile is not overwritten).
 */
public final class MyConsentsViewModel {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MyConsentsViewModel.class);
    /** What became of the patient's last change to a consent, when it has not reached the server. */
    public enum Pending {
        /** nothing waits */
        NONE,
        /** waiting to be sent */
        WAITING,
        /** the server holds a newer version: not sent */
        CONFLICT,
        /** the server refused it: not sent */
        REFUSED
    }

    /**
     * One of the patient's consents as this computer holds it: as the server has it ({@code onServer}, with its
     * version), or a new one that has not reached the server yet (its text as made); {@code pending}: what became of
     * the patient's last change to it.
     */
    public record Kept(String id, String versionId, String json, boolean onServer, Pending pending) {
        public Kept(String id, String versionId, String json, boolean waiting) {
            this(id, versionId, json, true, waiting ? Pending.WAITING : Pending.NONE);
        }
    }

    /** The patient's consents, as this computer holds them (only theirs: bound so by the composition root). */
    public interface Source {
        List<Kept> consents() throws Exception;

        /** Sets aside the patient's change of a consent that was not sent (a conflict or a refusal); kept as record. */
        default void setAside(Kept k) throws Exception {
            throw new UnsupportedOperationException("nothing to set aside");
        }
    }

    /** A consent as the list shows it. */
    public record Row(Kept kept, String text, String state, String made, boolean canWithdraw) {
        /** The patient's change of it was not sent and waits for their choice. */
        public boolean canSetAside() {
            return kept.pending() == Pending.CONFLICT || kept.pending() == Pending.REFUSED;
        }

        /** The whole row in words, for a screen reader. */
        public String spoken() {
            return text + " " + state + (made.isEmpty() ? "" : ", made " + made) + ".";
        }
    }

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH);

    private final ObjectMapper mapper = new ObjectMapper();
    private final Source source;
    private final ConsentEditorViewModel.Store store;
    private final GuidedConsent guided;
    private final GuidedConsentViewModel making;
    private final TaskRunner tasks;
    private final ZoneId zone;
    private final String origin;
    private final ObservableList<Row> rows = FXCollections.observableArrayList();
    private final ObjectProperty<Row> withdrawing = new SimpleObjectProperty<>();
    private final BooleanProperty creating = new SimpleBooleanProperty();
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final StringProperty message = new SimpleStringProperty("");

    public MyConsentsViewModel(Source source, ConsentEditorViewModel.Store store, GuidedConsent guided,
                               GuidedConsentViewModel making, TaskRunner tasks, ZoneId zone, String origin) {
        this.source = source;
        this.store = store;
        this.guided = guided;
        this.making = making;
        this.tasks = tasks;
        this.zone = zone;
        this.origin = origin;
        making.onSaved(this::load);
    }

    /** Reads the list again. */
    public void load() {
        tasks.submit(null, p -> source.consents(), list -> {
            List<Row> out = new ArrayList<>();
            for (Kept k : list) {
                out.add(row(k));
            }
            rows.setAll(out);
            if (out.isEmpty() && message.get().isEmpty()) {
                message.set("You have no consents here yet.");
            } else if (!out.isEmpty() && message.get().equals("You have no consents here yet.")) {
                message.set("");
            }
        }, e -> {
            LOG.warn("Reading the patient's consents failed", e);
            message.set("Your consents could not be read on this computer. Please try again.");
        });
    }

    private Row row(Kept k) {
        try {
            JsonNode c = mapper.readTree(k.json());
            String status = c.path("status").asText("");
            String words = k.onServer() ? GuidedConsent.statusWords(status) : "Not in force yet";
            String state = switch (k.pending()) {
                case NONE -> words;
                case WAITING -> words + " · your change waits to be sent";
                case CONFLICT -> words + " · your change was not sent: the consent changed on the server meanwhile. "
                        + "Set your change aside, fetch your record, then try again";
                case REFUSED -> words + " · your change was not sent: the server refused it. Set it aside, or ask "
                        + "your care provider";
            };
            return new Row(k, guided.describe(c), state, day(c.path("dateTime").asText("")),
                    "active".equals(status) && k.onServer() && k.pending() == Pending.NONE);
        } catch (Exception e) {
            return new Row(k, "A consent that cannot be read here", "Unknown state", "", false);
        }
    }

    private String day(String dateTime) {
        try {
            return DAY.format(OffsetDateTime.parse(dateTime).atZoneSameInstant(zone));
        } catch (DateTimeParseException e) {
            return dateTime.length() >= 10 ? dateTime.substring(0, 10) : "";
        }
    }

    /** Sets aside the patient's change of {@code r} that was not sent (kept as record, never sent). */
    public void setAside(MyConsentsViewModel.Row r) {
        if (r == null || !r.canSetAside() || busy.get()) {
            return;
        }
        busy.set(true);
        tasks.submit(null, p -> {
            source.setAside(r.kept());
            return null;
        }, x -> {
            busy.set(false);
            message.set("Your change was set aside: the consent is as the server has it. Fetch your record to see "
                    + "its newest version.");
            load();
        }, e -> {
            busy.set(false);
            LOG.warn("Setting a change aside failed", e);
            message.set("Your change could not be set aside now (it is being sent, or this computer could not "
                    + "do it). Fetch your record, then look again.");
        });
    }

    /** The question asked before a withdrawal, or "" when none is asked. */
    public String confirmText() {
        Row r = withdrawing.get();
        return r == null ? "" : "Withdraw this consent? \"" + r.text() + "\" It will no longer be in force. This "
                + "cannot be undone here: to allow it again, make a new consent.";
    }

    /** Starts the guided steps for a new consent. */
    public void create() {
        making.restart();
        creating.set(true);
    }

    /** Back to the list from the guided steps. */
    public void closeGuide() {
        creating.set(false);
        load();
    }

    /** Asks to withdraw {@code r}: nothing happens until {@link #confirmWithdraw()}. */
    public void withdraw(Row r) {
        if (r == null || !r.canWithdraw()) {
            message.set(r == null ? "Choose a consent first." : "Only a consent in force can be withdrawn.");
            return;
        }
        message.set("");
        withdrawing.set(r);
    }

    public void cancelWithdraw() {
        withdrawing.set(null);
        message.set("Nothing was changed.");
    }

    /** Withdraws the consent asked for: status inactive, saved on top of the version shown. */
    public void confirmWithdraw() {
        Row r = withdrawing.get();
        if (r == null || busy.get()) {
            return;
        }
        busy.set(true);
        message.set("Withdrawing your consent…");
        tasks.submit("Withdrawing a consent", p -> {
            ObjectNode c = (ObjectNode) mapper.readTree(r.kept().json());
            c.put("status", "inactive");
            return store.save(origin, r.kept().id(), r.kept().versionId(), c.toString());
        }, o -> {
            busy.set(false);
            withdrawing.set(null);
            if (o instanceof ConsentEditorViewModel.Outcome.Stored) {
                message.set("Withdrawn: this consent is no longer in force.");
            } else if (o instanceof ConsentEditorViewModel.Outcome.Queued) {
                message.set("Withdrawn on this computer: it is sent the next time you fetch your record.");
            } else {
                message.set("Not withdrawn: this consent was changed on the server meanwhile. Fetch your record "
                        + "and look at it again.");
            }
            load();
        }, e -> {
            busy.set(false);
            withdrawing.set(null);
            LOG.warn("Withdrawing a consent failed", e);
            message.set("Not withdrawn: it could not be saved (an earlier change of it may wait for your choice). "
                    + "Fetch your record, then look again.");
        });
    }

    public ObservableList<Row> rows() {
        return rows;
    }

    public ObjectProperty<Row> withdrawing() {
        return withdrawing;
    }

    public BooleanProperty creating() {
        return creating;
    }

    public BooleanProperty busy() {
        return busy;
    }

    public StringProperty message() {
        return message;
    }

    public GuidedConsentViewModel making() {
        return making;
    }
}
