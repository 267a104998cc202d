package org.custos.review;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.custos.rules.Rule;
import org.custos.rules.RuleSettings;
import org.custos.ui.TaskRunner;

import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The suspicious-access rules' settings as the Alerts tab edits them: each rule on or off, working hours and zone,
 * the thresholds, the break-the-glass codes, and the VIP list; saved (the changed rules judge every event again, in
 * the background), exported to and imported from a settings file. Every field is text until saved: {@link #problem}
 * says what is wrong with it, naming the field.
 */
public final class RuleSettingsViewModel {
    /** What the settings are kept in and applied by. */
    public interface Rules {
        RuleSettings settings();

        /** Keeps the settings and judges again what they change; returns the rules judged again. */
        Set<Rule> apply(RuleSettings s, TaskRunner.Progress progress);

        /** Whether judging again was stopped before it finished (it goes on at the next evaluation). */
        boolean unfinished();

        /** The VIP list, one "reference — note" each. */
        List<String> vips();

        boolean addVip(String reference, String note);

        boolean removeVip(String reference);

        String read(Path file) throws java.io.IOException;

        void write(Path file, String text) throws java.io.IOException;
    }

    private final Rules rules;
    private final TaskRunner tasks;
    private final ZoneId defaultZone;
    private final Map<Rule, BooleanProperty> enabled = new EnumMap<>(Rule.class);
    private final Map<DayOfWeek, BooleanProperty> days = new EnumMap<>(DayOfWeek.class);
    public final StringProperty zone = new SimpleStringProperty("");
    public final StringProperty start = new SimpleStringProperty("");
    public final StringProperty end = new SimpleStringProperty("");
    public final StringProperty volumePatients = new SimpleStringProperty("");
    public final StringProperty volumeMinutes = new SimpleStringProperty("");
    public final StringProperty breakGlassCodes = new SimpleStringProperty("");
    public final StringProperty failedLogins = new SimpleStringProperty("");
    public final StringProperty failedMinutes = new SimpleStringProperty("");
    public final StringProperty vipReference = new SimpleStringProperty("");
    public final StringProperty vipNote = new SimpleStringProperty("");
    private final ObservableList<String> vips = FXCollections.observableArrayList();
    private final StringProperty problem = new SimpleStringProperty("");
    private final StringProperty message = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty(false);
    private Runnable onSaved = () -> { };

    public RuleSettingsViewModel(Rules rules, TaskRunner tasks, ZoneId defaultZone) {
        this.rules = rules;
        this.tasks = tasks;
        this.defaultZone = defaultZone;
        for (Rule r : Rule.values()) {
            enabled.put(r, new SimpleBooleanProperty(true));
        }
        for (DayOfWeek d : DayOfWeek.values()) {
            days.put(d, new SimpleBooleanProperty(false));
        }
        for (StringProperty p : List.of(zone, start, end, volumePatients, volumeMinutes, breakGlassCodes,
                failedLogins, failedMinutes)) {
            p.addListener((o, a, b) -> check());
        }
    }

    public BooleanProperty enabled(Rule r) { return enabled.get(r); }
    public BooleanProperty day(DayOfWeek d) { return days.get(d); }
    public ObservableList<String> vips() { return vips; }
    public ReadOnlyStringProperty problem() { return problem; }
    public ReadOnlyStringProperty message() { return message; }
    public BooleanProperty busy() { return busy; }

    /** Runs after settings were saved (the queue reads again). */
    public void onSaved(Runnable r) {
        this.onSaved = r;
    }

    /** Reads the kept settings and the VIP list into the fields. */
    public void load() {
        tasks.submit("Reading the rules' settings", p -> new Loaded(rules.settings(), rules.vips()), l -> {
            show(l.settings);
            vips.setAll(l.vips);
            message.set("");
        }, e -> message.set("Reading the settings failed: " + e.getMessage()));
    }

    private record Loaded(RuleSettings settings, List<String> vips) {
    }

    private void show(RuleSettings s) {
        for (Rule r : Rule.values()) {
            enabled.get(r).set(s.on(r));
        }
        for (DayOfWeek d : DayOfWeek.values()) {
            days.get(d).set(s.workDays().contains(d));
        }
        zone.set(s.zone().getId());
        start.set(s.workStart().toString());
        end.set(s.workEnd().toString());
        volumePatients.set(String.valueOf(s.volumePatients()));
        volumeMinutes.set(String.valueOf(s.volumeMinutes()));
        breakGlassCodes.set(String.join(", ", s.breakGlassCodes()));
        failedLogins.set(String.valueOf(s.failedLogins()));
        failedMinutes.set(String.valueOf(s.failedMinutes()));
    }

    /** The settings the fields describe; empty (and {@link #problem} says why) when a field is wrong. */
    public java.util.Optional<RuleSettings> settings() {
        try {
            Set<Rule> on = EnumSet.noneOf(Rule.class);
            enabled.forEach((r, p) -> {
                if (p.get()) {
                    on.add(r);
                }
            });
            Set<DayOfWeek> work = EnumSet.noneOf(DayOfWeek.class);
            days.forEach((d, p) -> {
                if (p.get()) {
                    work.add(d);
                }
            });
            ZoneId z;
            try {
                z = ZoneId.of(zone.get().trim());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("Time zone: \"" + zone.get() + "\" is not a time zone (e.g. "
                        + "Europe/Berlin, UTC)");
            }
            List<String> codes = java.util.Arrays.stream(breakGlassCodes.get().split("[,\\s]+"))
                    .filter(c -> !c.isBlank()).toList();
            RuleSettings s = new RuleSettings(on, z, work, time("Working hours from", start.get()),
                    time("Working hours to", end.get()), number("Volume: patients", volumePatients.get()),
                    number("Volume: minutes", volumeMinutes.get()), codes,
                    number("Failed logins: count", failedLogins.get()),
                    number("Failed logins: minutes", failedMinutes.get()));
            problem.set("");
            return java.util.Optional.of(s);
        } catch (IllegalArgumentException e) {
            problem.set(e.getMessage());
            return java.util.Optional.empty();
        }
    }

    private void check() {
        settings();
    }

    private static java.time.LocalTime time(String field, String text) {
        try {
            return java.time.LocalTime.parse(text.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(field + ": \"" + text + "\" is not a time (HH:MM)");
        }
    }

    private static int number(String field, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": \"" + text + "\" is not a whole number");
        }
    }

    /** Keeps the settings: the rules they change judge every event again (in the background, with progress). */
    public void save() {
        java.util.Optional<RuleSettings> s = settings();
        if (s.isEmpty()) {
            message.set("Not saved: " + problem.get());
            return;
        }
        busy.set(true);
        message.set("Saving; the changed rules judge every event again…");
        tasks.submit("Judging again with the new settings", p -> new Applied(rules.apply(s.get(), p),
                rules.unfinished()), a -> {
            busy.set(false);
            String rulesText = String.join(", ", a.changed.stream().map(Rule::id).toList());
            message.set(a.changed.isEmpty() ? "Nothing changed." : a.unfinished ? "Saved. Judging again by "
                    + rulesText + " was stopped: their alerts nobody reviewed are back once it goes on (at the next "
                    + "import, sync or start)." : "Saved; judged again: " + rulesText + ".");
            onSaved.run();
        }, e -> {
            busy.set(false);
            message.set("Saving failed: " + e.getMessage());
        });
    }

    /** Writes the settings the fields describe to a file (JSON, see {@link RuleSettings}). */
    public void exportTo(Path file) {
        java.util.Optional<RuleSettings> s = settings();
        if (s.isEmpty()) {
            message.set("Not exported: " + problem.get());
            return;
        }
        tasks.submit("Exporting the settings", p -> {
            rules.write(file, s.get().toFile());
            return file;
        }, f -> message.set("Exported to " + f + "."), e -> message.set("Exporting failed: " + e.getMessage()));
    }

    /** Reads a settings file into the fields (saved only with {@link #save}); a wrong file changes nothing. */
    public void importFrom(Path file) {
        tasks.submit("Reading the settings file", p -> RuleSettings.fromFile(rules.read(file), defaultZone), s -> {
            show(s);
            message.set("Read from " + file + "; Save applies them.");
        }, e -> message.set("Cannot use " + file.getFileName() + ": " + e.getMessage()));
    }

    /** Puts the patient typed on the VIP list (its past access raises alerts at once). */
    public void addVip() {
        String ref = vipReference.get() == null ? "" : vipReference.get().trim();
        if (ref.isEmpty()) {
            message.set("Type the patient's reference (Patient/123) or identifier.");
            return;
        }
        String note = vipNote.get();
        tasks.submit("Adding to the VIP list", p -> new VipChange(rules.addVip(ref, note), rules.vips()), c -> {
            vips.setAll(c.vips);
            vipReference.set("");
            vipNote.set("");
            message.set(c.changed ? ref + " is on the VIP list; its past access was judged." : ref
                    + " was on the VIP list already.");
            onSaved.run();
        }, e -> message.set("Adding failed: " + e.getMessage()));
    }

    /** Takes a patient off the VIP list (its vip alerts nobody reviewed go). */
    public void removeVip(String reference) {
        if (reference == null) {
            return;
        }
        String ref = reference.contains(" — ") ? reference.substring(0, reference.indexOf(" — ")) : reference;
        tasks.submit("Removing from the VIP list", p -> new VipChange(rules.removeVip(ref), rules.vips()), c -> {
            vips.setAll(c.vips);
            message.set(ref + (c.changed ? " is off the VIP list." : " was not on the VIP list."));
            onSaved.run();
        }, e -> message.set("Removing failed: " + e.getMessage()));
    }

    private record VipChange(boolean changed, List<String> vips) {
    }

    private record Applied(Set<Rule> changed, boolean unfinished) {
    }
}
