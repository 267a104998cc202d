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

    /**
     * Signing in to a server that asks for it (SMART on FHIR): the browser goes to the server's sign-in page. Every
     * method but {@link #signedIn()} runs in the background.
     */
    public interface SignIn {
        /** Who is signed in now, in words (e.g. "Patient/7"); null when nobody is (read on the UI thread). */
        String signedIn();

        /** Resumes an earlier sign-in kept on this computer, without the browser; who, or null when none was kept. */
        String resume() throws Exception;

        /** Signs in through the browser ({@code say} tells what to do meanwhile); who signed in. */
        /** {@code onCancel}: told how to stop waiting for the browser (the app closing, or a Cancel). */
        String signIn(java.util.function.Consumer<String> say, java.util.function.Consumer<Runnable> onCancel)
                throws Exception;

        /** Signs out (the kept sign-in is forgotten too); what became of it, in words. */
        String signOut() throws Exception;
    }

    private final String server;
    private SignIn signIn;
    private final BooleanProperty needsSignIn = new SimpleBooleanProperty();
    private final BooleanProperty signingIn = new SimpleBooleanProperty();
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

    /** The server asks for a sign-in: {@code s} does it (none: the profile needs none). */
    public PatientHomeViewModel signingInWith(SignIn s) {
        signIn = s;
        return this;
    }

    /** What the screen shows first: the record as this computer holds it; an earlier sign-in is resumed. */
    public void start() {
        history.load();
        afterFetch.run();
        if (signIn != null && signIn.signedIn() == null) {
            needsSignIn.set(true);
            signingIn.set(true);
            status.set("Signing in again as before…");
            tasks.submit(null, p -> signIn.resume(), who -> {
                signingIn.set(false);
                if (who != null) {
                    needsSignIn.set(false);
                    status.set("You are signed in, as before.");
                } else {
                    status.set("Sign in to fetch your record from " + server + ".");
                }
            }, e -> {
                signingIn.set(false);
                status.set("Your earlier sign-in could not be resumed (" + e.getMessage() + "). Sign in again.");
            });
        }
    }

    /** Signs in through the browser. */
    public void signIn() {
        if (signIn == null || signingIn.get()) {
            return;
        }
        signingIn.set(true);
        status.set("Opening the sign-in page of " + server + " in your browser…");
        tasks.submit("Signing in", p -> signIn.signIn(said -> tasks.onUi(() -> status.set(said)), p::onCancel), who -> {
            signingIn.set(false);
            needsSignIn.set(false);
            status.set("You are signed in. Choose Fetch my record.");
        }, e -> {
            signingIn.set(false);
            status.set("You are not signed in: " + e.getMessage());
        });
    }

    /** Signs out: the next fetch asks for a sign-in again; the record this computer holds stays. */
    public void signOut() {
        if (signIn == null || signingIn.get() || busy.get()) {
            return;
        }
        signingIn.set(true);
        tasks.submit(null, p -> signIn.signOut(), said -> {
            signingIn.set(false);
            needsSignIn.set(true);
            status.set("You are signed out. " + said);
        }, e -> {
            signingIn.set(false);
            status.set("Signing out failed: " + e.getMessage());
        });
    }

    /** Whether the server asks for a sign-in at all (a Sign out is offered then). */
    public boolean signsIn() {
        return signIn != null;
    }

    /** Fetches the record from the server, then shows it again. */
    public void fetch() {
        if (busy.get()) {
            return;
        }
        if (signIn != null && signIn.signedIn() == null) {
            needsSignIn.set(true);
            status.set("Sign in first: " + server + " shows your record only to you.");
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

    /** Whether the server asks for a sign-in that has not been made. */
    public ReadOnlyBooleanProperty needsSignInProperty() {
        return needsSignIn;
    }

    public ReadOnlyBooleanProperty signingInProperty() {
        return signingIn;
    }
}
