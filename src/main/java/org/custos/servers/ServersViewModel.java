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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

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

    private final ObservableList<String> profileNames = FXCollections.observableArrayList();
    private final ObjectProperty<String> selected = new SimpleObjectProperty<>();
    private final StringProperty name = new SimpleStringProperty("");
    private final StringProperty baseUrl = new SimpleStringProperty("");
    /** Shown while "allow insecure" is on. */
    public static final String INSECURE_WARNING = "⚠ Insecure: the password or token may travel unencrypted over "
            + "plain http, where anyone on the network between here and the server can read and reuse it. Use "
            + "this only for a test server or a network protected otherwise.";
    /** Authentication choices as the screen shows them, in the order of {@link ServerProfile.AuthKind}. */
    public static final List<String> AUTH_CHOICES = List.of("None", "HTTP Basic", "Bearer token",
            "SMART on FHIR (sign in)");
    private final StringProperty auth = new SimpleStringProperty(AUTH_CHOICES.get(0));
    private final StringProperty user = new SimpleStringProperty("");
    private final StringProperty secret = new SimpleStringProperty("");
    /** SMART: the client id Custos is registered under, and the scopes to ask for (empty: what the profile needs). */
    private final StringProperty clientId = new SimpleStringProperty("");
    private final StringProperty scopes = new SimpleStringProperty("");
    private final SignInModel signIn;
    /** TLS for internal servers: a CA file trusted besides Java's own; a client certificate (PKCS#12) and password. */
    private final StringProperty caFile = new SimpleStringProperty("");
    private final StringProperty clientCert = new SimpleStringProperty("");
    private final StringProperty clientCertPassword = new SimpleStringProperty("");
    private final StringProperty pageSize = new SimpleStringProperty("500");
    private final StringProperty timeoutSeconds = new SimpleStringProperty("60");
    private final StringProperty cacheDays = new SimpleStringProperty("0");
    private final StringProperty everyMinutes = new SimpleStringProperty("0");
    private final BooleanProperty syncAudit = new SimpleBooleanProperty(true);
    private final BooleanProperty syncConsent = new SimpleBooleanProperty(true);
    private final BooleanProperty syncProvenance = new SimpleBooleanProperty(true);
    /** The optional people types (Patient, Practitioner, Organization, RelatedPerson): off unless chosen. */
    private final java.util.Map<String, BooleanProperty> syncPeople = new java.util.LinkedHashMap<>();

    {
        for (String t : ServerProfile.PEOPLE_TYPES) {
            syncPeople.put(t, new SimpleBooleanProperty(false));
        }
    }
    private final BooleanProperty allowInsecure = new SimpleBooleanProperty(false);
    /** Custos's own audit trail goes to this server too (from the outbox). */
    private final BooleanProperty sendTrail = new SimpleBooleanProperty(false);
    private final StringProperty insecureWarning = new SimpleStringProperty("");
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
        allowInsecure.addListener((o, a, b) -> insecureWarning.set(b ? INSECURE_WARNING : ""));
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
        fill(ServerProfile.of("Local demo server", "http://127.0.0.1:8091/fhir"));
        message.set("A new profile: fill it in, test the connection, save.");
    }

    private void load(String profileName) {
        if (profileName == null) {
            return;
        }
        tasks.submit(null, x -> profiles.find(profileName), found -> found.ifPresent(p -> {
            fill(p);
            signIn.show(p);
            checkResult.set("");
            showLastRuns(p);
            reschedule(p);
        }), t -> message.set("Cannot read the profile " + profileName + ": " + t.getMessage()));
    }

    private void fill(ServerProfile p) {
        name.set(p.name());
        baseUrl.set(p.baseUrl());
        auth.set(AUTH_CHOICES.get(p.auth().ordinal()));
        user.set(p.user() == null ? "" : p.user());
        clientId.set(p.smart().clientId());
        caFile.set(p.tls().caFile() == null ? "" : p.tls().caFile());
        clientCert.set(p.tls().clientCertFile() == null ? "" : p.tls().clientCertFile());
        clientCertPassword.set(p.tls().clientCertPassword() == null ? "" : p.tls().clientCertPassword());
        scopes.set(p.smart().scopeText());
        secret.set(p.secret() == null ? "" : p.secret());
        pageSize.set(Integer.toString(p.pageSize()));
        timeoutSeconds.set(Long.toString(p.readTimeout().toSeconds()));
        cacheDays.set(Integer.toString(p.cacheDays()));
        everyMinutes.set(Integer.toString(p.syncEveryMinutes()));
        syncAudit.set(p.types().contains("AuditEvent"));
        syncConsent.set(p.types().contains("Consent"));
        syncProvenance.set(p.types().contains("Provenance"));
        syncPeople.forEach((type, chosen) -> chosen.set(p.types().contains(type)));
        allowInsecure.set(p.allowInsecure());
        sendTrail.set(p.sendTrail());
    }

    /** The profile the editor describes, or null (with the reasons in {@link #messageProperty()}). */
    ServerProfile edited() {
        Set<String> t = new LinkedHashSet<>();
        if (syncAudit.get()) {
            t.add("AuditEvent");
        }
        if (syncConsent.get()) {
            t.add("Consent");
        }
        if (syncProvenance.get()) {
            t.add("Provenance");
        }
        syncPeople.forEach((type, chosen) -> {
            if (chosen.get()) {
                t.add(type);
            }
        });
        if (t.isEmpty()) {
            message.set("Choose at least one resource type to sync.");
            return null;
        }
        try {
            ServerProfile p = ServerProfile.of(name.get().trim(), baseUrl.get())
                    .withAuth(authKind(), user.get().trim(), secret.get())
                    .withSmart(org.custos.fhir.SmartClient.of(clientId.get(), scopes.get()))
                    .withTls(new org.custos.fhir.TlsSettings(caFile.get(), clientCert.get(),
                            clientCertPassword.get()))
                    .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(number(timeoutSeconds, "Timeout")))
                    .withPaging(number(pageSize, "Page size"), t, number(cacheDays, "Cache window (days)"))
                    .withSchedule(number(everyMinutes, "Sync every (minutes)"), null)
                    .withAllowInsecure(allowInsecure.get())
                    .withSendTrail(sendTrail.get());
            List<String> problems = p.problems();
            if (!problems.isEmpty()) {
                message.set(String.join(" ", problems));
                return null;
            }
            return p;
        } catch (IllegalArgumentException e) {
            message.set(e.getMessage());
            return null;
        }
    }

    private ServerProfile.AuthKind authKind() {
        int i = AUTH_CHOICES.indexOf(auth.get());
        return ServerProfile.AuthKind.values()[Math.max(0, i)];
    }

    /** Whether the user name field applies (HTTP Basic). */
    public javafx.beans.binding.BooleanBinding needsUserProperty() {
        return auth.isEqualTo(AUTH_CHOICES.get(1));
    }

    /** Whether the secret field applies (Basic or bearer; with SMART, a confidential client's secret). */
    public javafx.beans.binding.BooleanBinding needsSecretProperty() {
        return auth.isNotEqualTo(AUTH_CHOICES.get(0));
    }

    /** Whether the SMART sign-in settings apply. */
    public javafx.beans.binding.BooleanBinding smartProperty() {
        return auth.isEqualTo(AUTH_CHOICES.get(ServerProfile.AuthKind.SMART.ordinal()));
    }

    /** Signs in to the profile in the editor (it is saved first), through the system browser. */
    public void signIn() {
        ServerProfile p = edited();
        if (p == null) {
            return;
        }
        if (p.auth() != ServerProfile.AuthKind.SMART) {
            message.set("Choose \"" + AUTH_CHOICES.get(ServerProfile.AuthKind.SMART.ordinal()) + "\" to sign in.");
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

    /** How the system browser is opened for a sign-in. */
    public void openBrowserWith(java.util.function.Consumer<java.net.URI> open) {
        signIn.openBrowserWith(open);
    }

    public SignInModel signInModel() { return signIn; }

    public StringProperty clientIdProperty() { return clientId; }

    public StringProperty scopesProperty() { return scopes; }

    public StringProperty caFileProperty() { return caFile; }

    public StringProperty clientCertProperty() { return clientCert; }

    public StringProperty clientCertPasswordProperty() { return clientCertPassword; }

    private static int number(StringProperty p, String label) {
        String s = p.get() == null ? "" : p.get().trim();
        try {
            return s.isEmpty() ? 0 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(label + ": '" + s + "' is not a whole number.");
        }
    }

    public void save() {
        ServerProfile p = edited();
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
        ServerProfile p = attached(edited());
        if (p == null || checking.get()) {
            return;
        }
        checking.set(true);
        checkResult.set("Testing " + p.baseUrl() + " …");
        tasks.submit("Testing the connection to " + p.baseUrl(), x -> ServerCheck.run(p, new Cancellation()), r -> {
            checking.set(false);
            checkResult.set((r.ok() ? "✔ " : "✘ ") + String.join("\n", r.messages()));
        }, t -> {
            checking.set(false);
            checkResult.set("✘ " + Redactor.of(p).clean(t.getMessage()));
        });
    }

    /** Syncs the profile in the editor (saved or not). */
    public void sync() {
        ServerProfile p = attached(edited());
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
            private final long[] start = new long[3];
            private final long[] startDone = new long[3];

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
        tasks.submit("Syncing " + p.name(), x -> engine.sync(p, SyncEngine.Options.DEFAULT, listener, cancel),
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
        message.set(report.completed() ? "Sync of " + p.name() + " completed: " + report.transferred()
                + " changes." : report.cancelled() ? "Sync cancelled: the next one goes on where it stopped."
                : "The sync did not complete: " + report.byType().values().stream()
                .filter(r -> r.status != SyncReport.Status.COMPLETED).map(r -> r.type + ": " + r.message)
                .findFirst().orElse(""));
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

    /** Stops a running sync and the schedule (at exit). */
    public void stop() {
        cancelSchedule();
        cancelSync();
    }

    public ObservableList<String> profileNames() { return profileNames; }

    public ObjectProperty<String> selectedProperty() { return selected; }

    public StringProperty nameProperty() { return name; }

    public StringProperty baseUrlProperty() { return baseUrl; }

    public StringProperty authProperty() { return auth; }

    public StringProperty userProperty() { return user; }

    public StringProperty secretProperty() { return secret; }

    public StringProperty pageSizeProperty() { return pageSize; }

    public StringProperty timeoutSecondsProperty() { return timeoutSeconds; }

    public StringProperty cacheDaysProperty() { return cacheDays; }

    public StringProperty everyMinutesProperty() { return everyMinutes; }

    /** Credentials may go over plain http to another host (the user ticked "allow insecure"). */
    public BooleanProperty allowInsecureProperty() { return allowInsecure; }

    public BooleanProperty sendTrailProperty() { return sendTrail; }

    /** The warning to show while insecure connections are allowed; empty otherwise. */
    public StringProperty insecureWarningProperty() { return insecureWarning; }

    public BooleanProperty syncAuditProperty() { return syncAudit; }

    public BooleanProperty syncConsentProperty() { return syncConsent; }

    public BooleanProperty syncProvenanceProperty() { return syncProvenance; }

    /** Whether one of the optional people types is synced (see {@link ServerProfile#PEOPLE_TYPES}). */
    public BooleanProperty syncTypeProperty(String peopleType) {
        BooleanProperty p = syncPeople.get(peopleType);
        if (p == null) {
            throw new IllegalArgumentException("Not a people type: " + peopleType);
        }
        return p;
    }

    public StringProperty checkResultProperty() { return checkResult; }

    public BooleanProperty checkingProperty() { return checking; }

    public StringProperty messageProperty() { return message; }

    public BooleanProperty syncingProperty() { return syncing; }

    public ObservableList<TypeRow> types() { return types; }
}
