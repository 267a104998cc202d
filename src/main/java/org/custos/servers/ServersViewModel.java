package org.custos.servers;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.custos.cache.SyncState;
import org.custos.fhir.Cancellation;
import org.custos.fhir.ProfileStore;
import org.custos.fhir.Redactor;
import org.custos.fhir.ServerCheck;
import org.custos.fhir.ServerProfile;
import org.custos.sync.SyncEngine;
import org.custos.sync.SyncListener;
import org.custos.sync.SyncReport;
import org.custos.ui.TaskRunner;

import java.time.Duration;
import java.time.ZoneId;

/**
 * The Servers tab: server profiles (edit, save, delete, test the connection), the sync of the selected one with
 * per-type progress, rate and ETA, cancel, the last result per type, and an optional sync every N minutes.
 */
public final class ServersViewModel {
    private final ProfileStore profiles;
    private final SyncEngine engine;
    private final TaskRunner tasks;
    private final Runnable cacheChanged;
    private final ZoneId zone;
    private CacheProtectionModel cacheProtection;

    private final ObservableList<String> profileNames = FXCollections.observableArrayList();
    private final ObjectProperty<String> selected = new SimpleObjectProperty<>();
    private final ProfileForm form = new ProfileForm();
    private final SignInModel signIn;
    private final StringProperty checkResult = new SimpleStringProperty("");
    private final BooleanProperty checking = new SimpleBooleanProperty(false);
    private final StringProperty message = new SimpleStringProperty("");
    private final BooleanProperty syncing = new SimpleBooleanProperty(false);
    private final ObservableList<TypeRow> types = FXCollections.observableArrayList();
    private Cancellation syncCancel;
    private TaskRunner.Handle schedule;

    public ServersViewModel(ProfileStore profiles, SyncEngine engine, TaskRunner tasks, Runnable cacheChanged,
                            ZoneId zone) {
        this.profiles = profiles;
        this.engine = engine;
        this.tasks = tasks;
        this.cacheChanged = cacheChanged;
        this.zone = zone;
        this.signIn = new SignInModel(profiles, tasks, zone, java.time.Clock.systemUTC());
        for (String t : ServerProfile.SYNC_TYPES) {
            types.add(new TypeRow(t));
        }
        selected.addListener((o, a, b) -> load(b));
    }

    public void start() {
        reloadNames();
    }

    private void reloadNames() {
        reloadNames(null);
    }

    /** Reads the profiles off the UI thread (preferences, decrypting secrets), then selects {@code select}. */
    private void reloadNames(String select) {
        tasks.submit(null, x -> profiles.list(), list -> {
            profileNames.setAll(list.stream().map(ServerProfile::name).toList());
            if (select != null) {
                if (select.equals(selected.get())) {
                    load(select); // the same name saved again: take its new settings (token, interval...)
                } else {
                    selected.set(select);
                }
            } else if (selected.get() == null && !profileNames.isEmpty()) {
                selected.set(profileNames.get(0));
            } else if (profileNames.isEmpty()) {
                newProfile();
            }
        }, t -> message.set("Cannot read the server profiles: " + t.getMessage()));
    }

    /** An empty editor with the usual settings, suggesting the local demo server. */
    public void newProfile() {
        selected.set(null);
        form.fill(ServerProfile.of("Local demo server", "http://127.0.0.1:8091/fhir"));
        message.set("A new profile: fill it in, test the connection, save.");
    }

    private void load(String profileName) {
        if (profileName == null) {
            return;
        }
        tasks.submit(null, x -> profiles.find(profileName), found -> found.ifPresent(p -> {
            form.fill(p);
            signIn.show(p);
            checkResult.set("");
            showLastRuns(p);
            reschedule(p);
        }), t -> message.set("Cannot read the profile " + profileName + ": " + t.getMessage()));
    }

    /** Signs in to the profile in the editor (it is saved first), through the system browser. */
    public void signIn() {
        ServerProfile p = form.edited(message::set);
        if (p == null) {
            return;
        }
        if (p.auth() != ServerProfile.AuthKind.SMART) {
            message.set("Choose \"" + ProfileForm.AUTH_CHOICES.get(ServerProfile.AuthKind.SMART.ordinal()) + "\" to sign in.");
            return;
        }
        String old = selected.get();
        if (old != null && !old.equals(p.name())) {
            message.set("Save the renamed profile first, then sign in.");
            return;
        }
        signIn.signIn(p, message::set, () -> reloadNames(p.name()));
    }

    /** Forgets the sign-in of the selected profile. */
    public void signOut() {
        String n = selected.get();
        if (n != null) {
            signIn.signOut(n, message::set);
        }
    }

    /** "Encrypt the cache" (the app's; none in tests that do not show it). */
    public void protectCacheWith(CacheProtectionModel model) {
        this.cacheProtection = model;
    }

    /** "Encrypt the cache"; null when the screen does not offer it. */
    public CacheProtectionModel cacheProtection() {
        return cacheProtection;
    }

    /** How the system browser is opened for a sign-in. */
    public void openBrowserWith(java.util.function.Consumer<java.net.URI> open) {
        signIn.openBrowserWith(open);
    }

    public SignInModel signInModel() { return signIn; }

    /**
     * Told when a sign-in on this tab is a patient's: the profile with that patient. Custos then shows a patient
     * their own record only (patient mode), never the staff tabs.
     */
    public void onPatientSignIn(java.util.function.Consumer<ServerProfile> c) {
        signIn.onPatientSignIn(c);
    }

    /** The profile editor's fields. */
    public ProfileForm form() { return form; }



    public void save() {
        ServerProfile p = form.edited(message::set);
        if (p == null) {
            return;
        }
        String old = selected.get();
        tasks.submit(null, x -> {
            if (old != null && !old.equals(p.name())) {
                profiles.delete(old);
            }
            profiles.save(p);
            return p;
        }, saved -> {
            reloadNames(saved.name());
            message.set("Saved \"" + saved.name() + "\".");
        }, t -> message.set("Cannot save the profile: " + t.getMessage()));
    }

    public void delete() {
        String n = selected.get();
        if (n == null) {
            return;
        }
        tasks.submit(null, x -> {
            profiles.delete(n);
            return n;
        }, d -> {
            cancelSchedule();
            selected.set(null);
            reloadNames();
            message.set("Deleted \"" + d + "\".");
        }, t -> message.set("Cannot delete the profile: " + t.getMessage()));
    }

    public void testConnection() {
        ServerProfile p = attached(form.edited(message::set));
        if (p == null || checking.get()) {
            return;
        }
        checking.set(true);
        checkResult.set("Testing " + p.baseUrl() + " …");
        tasks.submit("Testing the connection to " + p.baseUrl(), x -> {
            Cancellation c = new Cancellation();
            x.onCancel(c::cancel); // closing the app ends the check's requests
            return ServerCheck.run(p, c);
        }, r -> {
            checking.set(false);
            checkResult.set((r.ok() ? "✔ " : "✘ ") + String.join("\n", r.messages()));
        }, t -> {
            checking.set(false);
            checkResult.set("✘ " + Redactor.of(p).clean(t.getMessage()));
        });
    }

    /** Syncs the profile in the editor (saved or not). */
    public void sync() {
        ServerProfile p = attached(form.edited(message::set));
        if (p == null || syncing.get()) {
            return;
        }
        run(p);
    }

    /** The profile with its name's sign-in, if it has one (the form itself holds no token). */
    private ServerProfile attached(ServerProfile p) {
        return p == null ? null : profiles.attach(p);
    }

    private void run(ServerProfile p) {
        Cancellation cancel = new Cancellation();
        syncCancel = cancel;
        syncing.set(true);
        message.set("Syncing " + p.name() + " …");
        for (TypeRow r : types) {
            boolean on = p.types().contains(r.type());
            r.progressProperty().set(on ? "waiting" : "not synced");
            r.fractionProperty().set(0);
            r.rateProperty().set("");
            r.etaProperty().set("");
        }
        SyncListener listener = new SyncListener() {
            private long lastRefresh = System.nanoTime();
            // each type's rate from its own first page on
            private final long[] start = new long[ServerProfile.SYNC_TYPES.size()];
            private final long[] startDone = new long[ServerProfile.SYNC_TYPES.size()];

            @Override
            public void progress(String type, long done, long total) {
                int i = ServerProfile.SYNC_TYPES.indexOf(type);
                long now = System.nanoTime();
                if (start[i] == 0) {
                    start[i] = now;
                    startDone[i] = done;
                    tasks.onUi(() -> types.get(i).showProgress(done, total, 0));
                    return;
                }
                long got = done - startDone[i];
                double secs = Math.max(0.001, (now - start[i]) / 1e9);
                tasks.onUi(() -> types.get(i).showProgress(done, total, got / secs));
            }

            @Override
            public void notice(String type, String text) {
                tasks.onUi(() -> message.set(type + ": " + text));
            }

            @Override
            public void stored(String type) {
                long now = System.nanoTime();
                if (now - lastRefresh > 10_000_000_000L) {
                    lastRefresh = now;
                    tasks.onUi(cacheChanged);
                }
            }
        };
        tasks.submit("Syncing " + p.name(), x -> {
            x.onCancel(cancel::cancel); // closing the app stops it too (after the page it is storing)
            return engine.sync(p, SyncEngine.Options.DEFAULT, listener, cancel);
        },
                report -> finished(p, report), t -> {
                    syncing.set(false);
                    message.set("The sync failed: " + Redactor.of(p).clean(t.getMessage()));
                    showLastRuns(p);
                    signIn.show(p);
                    cacheChanged.run();
                });
    }

    private void finished(ServerProfile p, SyncReport report) {
        syncing.set(false);
        for (SyncReport.TypeResult r : report.byType().values()) {
            TypeRow row = types.get(ServerProfile.SYNC_TYPES.indexOf(r.type));
            row.showResult(r);
        }
        String outcome = report.completed() ? "Sync of " + p.name() + " completed: " + report.transferred()
                + " changes." : report.cancelled() ? "Sync cancelled: the next one goes on where it stopped."
                : "The sync did not complete: " + report.byType().values().stream()
                .filter(r -> r.status != SyncReport.Status.COMPLETED).map(r -> r.type + ": " + r.message)
                .findFirst().orElse("");
        message.set(report.note().isEmpty() ? outcome : outcome + " " + report.note());
        showLastRuns(p);
        signIn.show(p);
        cacheChanged.run();
    }

    private void showLastRuns(ServerProfile p) {
        tasks.submit(null, x -> ServerProfile.SYNC_TYPES.stream().map(t -> engine.state(p, t)).toList(), states -> {
            for (SyncState s : states) {
                types.get(ServerProfile.SYNC_TYPES.indexOf(s.type())).showLast(s, zone);
            }
        }, t -> message.set("Cannot read the sync state: " + t.getMessage()));
    }

    public void cancelSync() {
        if (syncCancel != null) {
            syncCancel.cancel();
        }
    }

    private void reschedule(ServerProfile p) {
        cancelSchedule();
        if (p.syncEveryMinutes() > 0) {
            schedule = tasks.every(Duration.ofMinutes(p.syncEveryMinutes()), () -> {
                if (!syncing.get()) {
                    run(profiles.attach(p.withSession(null))); // the sign-in as it is now
                }
            });
        }
    }

    private void cancelSchedule() {
        if (schedule != null) {
            schedule.cancel();
            schedule = null;
        }
    }

    /** Stops a running sync, the schedule and a sign-in waiting for the browser (at exit). */
    public void stop() {
        cancelSchedule();
        cancelSync();
        signIn.cancel();
    }

    public ObservableList<String> profileNames() { return profileNames; }

    public ObjectProperty<String> selectedProperty() { return selected; }


    public StringProperty checkResultProperty() { return checkResult; }

    public BooleanProperty checkingProperty() { return checking; }

    public StringProperty messageProperty() { return message; }

    public BooleanProperty syncingProperty() { return syncing; }

    public ObservableList<TypeRow> types() { return types; }
}
