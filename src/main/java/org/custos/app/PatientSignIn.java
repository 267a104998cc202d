package org.custos.app;

import org.custos.fhir.Cancellation;
import org.custos.fhir.ProfileStore;
import org.custos.fhir.ServerProfile;
import org.custos.fhir.SmartSession;
import org.custos.fhir.SmartSignIn;
import org.custos.patient.PatientHomeViewModel;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The patient's sign-in (SMART on FHIR, patient-level scopes) for the patient's home: through the system browser,
 * or resumed from the refresh token an earlier sign-in left in the keyring. A session signed in as another patient
 * than the profile's is signed out again and refused. The session goes to the profile store, which attaches it to
 * every request of the profile ({@link ProfileStore#attach}).
 */
final class PatientSignIn implements PatientHomeViewModel.SignIn {
    private static final Duration WAIT = Duration.ofMinutes(5);

    private final ProfileStore profiles;
    private final ServerProfile profile;
    private final Consumer<URI> browser;
    private final Clock clock;
    private final Cancellation cancel;
    private final Runnable forgetMode;
    /** How many of the patient's changes still wait to be sent (at sign-out, patient mode is kept while any do). */
    private java.util.function.IntSupplier changesWaiting = () -> 0;

    /** {@code forgetMode}: run at sign-out, so that the next start is not in patient mode (null: nothing). */
    PatientSignIn(ProfileStore profiles, ServerProfile profile, Consumer<URI> browser, Clock clock,
                  Cancellation cancel, Runnable forgetMode) {
        this.forgetMode = forgetMode == null ? () -> { } : forgetMode;
        this.profiles = profiles;
        this.profile = profile;
        this.browser = browser;
        this.clock = clock;
        this.cancel = cancel;
    }

    @Override
    public String signedIn() {
        ServerProfile now = profiles.attach(profile);
        return now.tokens() == null ? null : who(now.tokens().signedInAs());
    }

    @Override
    public String resume() throws Exception {
        var kept = profiles.keptRefreshToken(profile);
        if (kept.isEmpty()) {
            return null;
        }
        SmartSession session = SmartSignIn.resume(profile, kept.get(), profiles.keptUser(profile).orElse(null), clock,
                cancel, profiles.refreshKeeper(profile));
        return keep(session);
    }

    @Override
    public String signIn(Consumer<String> say, Consumer<Runnable> onCancel) throws Exception {
        try (SmartSignIn s = SmartSignIn.start(profile, clock, cancel)) {
            onCancel.accept(s::cancel); // closing the app stops the wait for the browser (at once if it has begun)
            URI uri = s.browserUri();
            browser.accept(uri);
            say.accept("Sign in in your browser. No browser opened? Copy this address into one: " + uri);
            return keep(s.finish(WAIT, profiles.refreshKeeper(profile)));
        }
    }

    /** Tells how many of the patient's changes still wait to be sent. */
    PatientSignIn changesWaiting(java.util.function.IntSupplier waiting) {
        changesWaiting = waiting;
        return this;
    }

    @Override
    public String signOut() {
        String said = profiles.signOut(profile.name());
        int left = changesWaiting.getAsInt();
        if (left > 0) {
            // patient mode stays, so that the next start opens this record and sends them after a sign-in
            return said + " " + (left == 1 ? "1 change of your consents was" : left + " changes of your consents "
                    + "were") + " not sent yet: kept on this computer, Custos opens your record again next time to "
                    + "send " + (left == 1 ? "it" : "them") + " once you sign in.";
        }
        forgetMode.run();
        return said;
    }

    /** The session, kept for the profile when it is this patient's; else signed out and refused. */
    private String keep(SmartSession session) {
        List<String> problems = profile.withSession(session).problems();
        if (!problems.isEmpty()) {
            session.signOut();
            // the details name other people's record ids: the log has them, the patient is told plainly
            org.slf4j.LoggerFactory.getLogger(PatientSignIn.class).warn("A sign-in to {} was refused: {}",
                    profile.name(), problems);
            throw new IllegalStateException("you signed in as someone else than the person this record is for (or "
                    + "the server did not say who you are), so you were signed out again.");
        }
        profiles.signedIn(profile, session);
        return who(session.signedInAs());
    }

    private static String who(String signedInAs) {
        return signedInAs == null ? "(the server did not say who)" : signedInAs;
    }
}
