package org.custos.servers;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.custos.fhir.Cancellation;
import org.custos.fhir.ProfileStore;
import org.custos.fhir.ServerProfile;
import org.custos.fhir.SmartScopes;
import org.custos.fhir.SmartSession;
import org.custos.fhir.SmartSignIn;
import org.custos.fhir.SmartTokens;
import org.custos.ui.TaskRunner;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * "Sign in" and "Sign out" of a SMART profile on the Servers tab: the system browser goes to the authorization
 * server, Custos waits for it on its loopback address; then who is signed in, the scopes granted, when the token
 * expires (it is renewed by itself), and the synced types the scopes do not cover, each with the scope it would need.
 */
public final class SignInModel {
    /** How long Custos waits for the browser to come back. */
    static final Duration WAIT = Duration.ofMinutes(5);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final ProfileStore profiles;
    private final TaskRunner tasks;
    private final ZoneId zone;
    private final Clock clock;
    private Consumer<URI> browser = uri -> { };
    private final StringProperty status = new SimpleStringProperty("");
    /** The address the browser was sent to, while Custos waits for it (for copying when no browser opened). */
    private final StringProperty address = new SimpleStringProperty("");
    private final BooleanProperty signedIn = new SimpleBooleanProperty(false);
    private final BooleanProperty signingIn = new SimpleBooleanProperty(false);
    private final AtomicReference<SmartSignIn> pending = new AtomicReference<>();
    private Cancellation cancel;
    private Consumer<ServerProfile> onPatient = p -> { };

    SignInModel(ProfileStore profiles, TaskRunner tasks, ZoneId zone, Clock clock) {
        this.profiles = profiles;
        this.tasks = tasks;
        this.zone = zone;
        this.clock = clock;
    }

    /** How the system browser is opened (the app's host services; the tests play the browser). */
    void openBrowserWith(Consumer<URI> open) {
        this.browser = open;
    }

    /**
     * Signs in to {@code p} (saved first: the session belongs to the saved profile), then tells {@code done}. The
     * address is also shown, for a browser that did not open.
     */
    void signIn(ServerProfile p, Consumer<String> message, Runnable done) {
        if (signingIn.get()) {
            return;
        }
        if (p.patientMode()) {
            // a patient's profile signs in in the patient's home, never here: that opens, nobody signs in here
            status.set("A patient's profile: Custos opens the patient's home, where the patient signs in.");
            onPatient.accept(p);
            return;
        }
        signingIn.set(true);
        Cancellation c = new Cancellation();
        cancel = c;
        status.set("Finding the authorization server of " + p.baseUrl() + " …");
        tasks.submit("Signing in to " + p.name(), x -> {
            profiles.save(p);
            try (SmartSignIn s = SmartSignIn.start(p, clock, c)) {
                pending.set(s);
                if (c.isCancelled()) {
                    s.cancel();
                }
                URI uri = s.browserUri();
                tasks.onUi(() -> {
                    status.set("Sign in in your browser (Custos waits up to " + WAIT.toMinutes() + " minutes). No "
                            + "browser opened? Copy the sign-in address into one.");
                    address.set(uri.toString());
                    browser.accept(uri);
                });
                // the refresh token is held until it is known whose it is: a patient's is never kept for this profile
                HeldKeeper keeper = new HeldKeeper(profiles.refreshKeeper(p));
                SmartSession session = s.finish(WAIT, keeper);
                Optional<String> patient = org.custos.fhir.PatientReference.ofUser(session.signedInAs(),
                        p.baseUrl());
                if (patient.isPresent()) {
                    // a patient: their token is not used here (nor kept); patient mode signs in anew
                    keeper.drop();
                    session.signOut();
                    return new Signed(null, p.withPatient(patient.get()));
                }
                keeper.release();
                profiles.signedIn(p, session);
                return new Signed(describe(p, session), null);
            } finally {
                pending.set(null);
            }
        }, signed -> {
            signingIn.set(false);
            address.set("");
            if (signed.handOver() != null) {
                status.set("You signed in as a patient: Custos opens your own record.");
                message.accept("A patient signed in to " + p.name() + ".");
                done.run();
                onPatient.accept(signed.handOver());
                return;
            }
            signedIn.set(true);
            status.set(signed.text());
            message.accept("Signed in to " + p.name() + ".");
            done.run();
        }, t -> {
            signingIn.set(false);
            address.set("");
            signedIn.set(false);
            status.set("Not signed in. " + t.getMessage());
            message.accept("The sign-in failed: " + t.getMessage());
        });
    }

    /** What a sign-in made here became: the staff sign-in ({@code text}), or a patient's to hand over. */
    private record Signed(String text, ServerProfile handOver) {
    }

    /**
     * Holds a new session's refresh token until it is known whose the session is: then kept as usual
     * ({@link #release}), or dropped ({@link #drop}, a patient's: never kept under a staff profile).
     */
    static final class HeldKeeper implements Consumer<String> {
        private final Consumer<String> real;
        private String held;
        private boolean called;
        private boolean decided;
        private boolean keep;

        HeldKeeper(Consumer<String> real) {
            this.real = real;
        }

        @Override
        public synchronized void accept(String token) {
            if (!decided) {
                held = token;
                called = true;
            } else if (keep) {
                real.accept(token);
            }
        }

        synchronized void release() {
            decided = true;
            keep = true;
            if (called) {
                real.accept(held); // null too: a sign-in without a refresh token forgets an earlier kept one
            }
            held = null;
        }

        synchronized void drop() {
            decided = true;
            keep = false;
            held = null;
        }
    }

    /**
     * Told, on the UI thread, when a sign-in made here is a patient's (their fhirUser is a Patient of this server) or
     * a patient's profile's: the profile with that patient, for patient mode.
     */
    void onPatientSignIn(Consumer<ServerProfile> c) {
        onPatient = c;
    }

    /** Stops waiting for the browser. */
    public void cancel() {
        if (cancel != null) {
            cancel.cancel();
        }
        SmartSignIn s = pending.get();
        if (s != null) {
            s.cancel();
        }
    }

    /** Forgets the profile's tokens (revoked at the authorization server where it can). */
    void signOut(String name, Consumer<String> message) {
        tasks.submit(null, x -> profiles.signOut(name), said -> {
            signedIn.set(false);
            status.set("Not signed in.");
            message.accept(said);
        }, t -> message.accept("Signing out failed: " + t.getMessage()));
    }

    /** Shows the profile's sign-in as it is now (read on the UI thread: the session is in memory). */
    void show(ServerProfile p) {
        if (p == null || p.auth() != ServerProfile.AuthKind.SMART) {
            signedIn.set(false);
            status.set("");
            return;
        }
        Optional<SmartSession> s = profiles.session(p.name());
        signedIn.set(s.isPresent() && p.tokens() != null);
        status.set(s.isPresent() && p.tokens() != null ? describe(p, s.get())
                : "Not signed in: press \"Sign in\" (your browser opens at the server's sign-in page).");
        if (p.patientMode()) {
            // a patient's profile signs in in the patient's home, never in the staff window
            status.set("A patient's profile: its sign-in is made in the patient's home (custos --patient \""
                    + p.name() + "\", or press \"Sign in\" here to open it).");
            return;
        }
        if (s.isEmpty() && !signingIn.get()) {
            resume(p);
        }
    }

    /** An earlier sign-in whose refresh token the keyring kept: resumed without the browser. */
    private void resume(ServerProfile p) {
        signingIn.set(true);
        Cancellation c = new Cancellation();
        cancel = c;
        tasks.submit(null, x -> {
            Optional<String> kept = profiles.keptRefreshToken(p);
            if (kept.isEmpty()) {
                return Optional.<String>empty();
            }
            SmartSession session = SmartSignIn.resume(p, kept.get(), profiles.keptUser(p).orElse(null), clock, c,
                    profiles.refreshKeeper(p));
            if (org.custos.fhir.PatientReference.ofUser(session.signedInAs(), p.baseUrl()).isPresent()) {
                session.replaced(); // a patient's kept sign-in: not resumed in the staff window (the keyring keeps it)
                return Optional.<String>empty();
            }
            profiles.signedIn(p, session);
            return Optional.of(describe(p, session));
        }, resumed -> {
            signingIn.set(false);
            resumed.ifPresent(text -> {
                signedIn.set(true);
                status.set(text);
            });
        }, t -> {
            signingIn.set(false);
            status.set("The earlier sign-in could not be resumed: " + t.getMessage());
        });
    }

    /** Who, which scopes, until when, what the scopes leave out, and where the sign-in is kept. */
    String describe(ServerProfile p, SmartSession session) {
        SmartTokens shown = session.shown();
        StringBuilder b = new StringBuilder("✔ Signed in as ")
                .append(shown.fhirUser() == null ? "(the server did not say who)" : shown.fhirUser());
        b.append(" · scopes: ").append(shown.scopes().isEmpty() ? "not named by the server"
                : String.join(" ", shown.scopes()));
        if (shown.expires() != null) {
            b.append(" · the access token expires ").append(TIME.format(shown.expires().atZone(zone)))
                    .append(" (renewed by itself)");
        }
        profiles.secretsWarning().ifPresent(w -> b.append("\n").append(w));
        List<String> missing = SmartScopes.missing(p, shown.scopes(), SmartScopes.v2(session.configuration()));
        if (!missing.isEmpty()) {
            b.append("\n⚠ Not granted, so the server will refuse syncing: ").append(String.join(", ", missing))
                    .append(". Sign in again asking for these scopes, or ask the server's administrator.");
        }
        return b.toString();
    }

    public StringProperty statusProperty() {
        return status;
    }

    public StringProperty addressProperty() {
        return address;
    }

    public BooleanProperty signedInProperty() {
        return signedIn;
    }

    public BooleanProperty signingInProperty() {
        return signingIn;
    }
}
