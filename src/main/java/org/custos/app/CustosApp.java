package org.custos.app;

import atlantafx.base.theme.PrimerLight;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.image.Image;
import javafx.stage.Stage;
import org.custos.cache.Cache;
import org.custos.cache.CacheKeys;
import org.custos.cache.DataDirs;
import org.custos.fhir.ProfileStore;
import org.custos.servers.ServersViewModel;
import org.custos.fhir.Fhir;
import org.custos.ui.FxTaskRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.zip.GZIPInputStream;

/**
 * The composition root: builds every service with {@code new}, shows the window at once, opens the cache and
 * warms HAPI in the background, then puts the main view in place.
 */
public final class CustosApp extends Application {
    /** Made on first use, after the first window shows: Logback's set-up is not on the way to it. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(CustosApp.class);
    }
    static final String DEMO_RESOURCE = "/org/custos/demo/demo-audit.ndjson.gz";
    /** Provenance of the demo patients' documents (a derivation chain each, one with a cycle): made by a script. */
    static final String DEMO_PROVENANCE = "/org/custos/demo/demo-provenance.ndjson";

    private FxTaskRunner tasks;
    private org.custos.fhir.Secrets secrets;

    private volatile Cache cache;
    /** The staff cache after a patient's sign-in replaced the staff window: closed when Custos closes. */
    private volatile Cache staffCache;
    private MainViewModel main;
    private MainWindow window;
    private ServersViewModel servers;
    private int smokeExitCode;
    private long firstFrameMs = -1;
    /** The one profile store of the app: it holds the sign-ins in memory, shared by every window. */
    private ProfileStore profileStore;
    /** The staff window's outbox schedule (cancelled when patient mode replaces the window). */
    private org.custos.ui.TaskRunner.Handle consentSending;
    /** The staff cache file, the FHIR context, the options: kept for a switch to patient mode. */
    private Path staffDb;
    private java.util.concurrent.CompletableFuture<Fhir> fhir;
    private AppOptions options;
    /** The settings key of the profile whose patient signed in last (patient mode at the next start). */
    static final String PATIENT_PROFILE = "patient.profile";

    private record Opened(Fhir fhir, Cache cache) {
    }

    /** What ends the app once closing has closed the caches (tests give their own: the toolkit stays up). */
    private final Runnable exit;
    /** The command line when started by a test (not launched: no parameters), else null. */
    private final java.util.List<String> args;

    /** Runs first in the opening of the cache (tests hold the opening there; nothing in the app). */
    private final Runnable beforeOpening;

    public CustosApp() {
        this(Platform::exit, null, () -> { });
    }

    CustosApp(Runnable exit, java.util.List<String> args, Runnable beforeOpening) {
        this.exit = exit;
        this.args = args;
        this.beforeOpening = beforeOpening;
    }

    /** The main window (the tool windows are hidden when Custos closes). */
    private Stage primaryStage;
    /** While closing: hides a window that work ending then opens (removed in stop(), for tests' toolkit). */
    private javafx.collections.ListChangeListener<javafx.stage.Window> lateWindows;

    @Override
    public void start(Stage stage) {
        primaryStage = stage;
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        AppOptions options = AppOptions.parse(args != null ? args : getParameters().getRaw());
        Path dbFile = DataDirs.cacheFile(options.db());

        Scene scene = new Scene(StartScreens.waiting("Opening the cache " + dbFile + " …"), 1280, 800);
        scene.getStylesheets().add(CustosApp.class.getResource("/org/custos/ui/custos.css").toExternalForm());
        stage.setScene(scene);
        stage.setTitle("Custos");
        scene.addPostLayoutPulseListener(() -> {
            if (firstFrameMs < 0) {
                firstFrameMs = sinceProcessStart(); // the first frame is laid out; it is drawn right after
            }
        });
        stage.show();
        closing = new AppClosing(scene, this::stopWork, this::closeCaches, exit);
        stage.setOnCloseRequest(e -> {
            e.consume(); // the window stays up until the caches are closed (AppClosing)
            // an open consent editor with unsaved changes asks before the app closes
            if (window == null || window.consentView().closeEditors()) {
                closing.start();
            }
        });
        long shownMs = sinceProcessStart();
        // the icons (six PNGs to decode) right after the window, not on the way to it
        for (int size : new int[]{16, 32, 48, 64, 128, 256}) {
            stage.getIcons().add(new Image(CustosApp.class.getResourceAsStream("icon-" + size + ".png")));
        }
        tasks = new FxTaskRunner();

        // HAPI's context and model scan (~1 s) run beside the cache opening (Flyway) on the second core; the main
        // view waits only for the context, and the first FHIR parse waits for the scan if it is still going
        java.util.concurrent.CompletableFuture<Fhir> fhirReady = new java.util.concurrent.CompletableFuture<>();
        tasks.submit(null, p -> {
            // logged here, so that Logback sets itself up on this thread, not on the FX thread before the first frame
            Log.LOG.info("First window shown {} ms after the process started", shownMs);
            Fhir f;
            try {
                f = new Fhir();
            } catch (RuntimeException | Error e) {
                fhirReady.completeExceptionally(e);
                throw e;
            }
            fhirReady.complete(f);
            f.warmUp();
            return null;
        }, done -> Log.LOG.info("FHIR parsers ready {} ms after the process started", sinceProcessStart()),
                error -> Log.LOG.warn("FHIR warm-up failed", error));
        secrets = org.custos.fhir.Secrets.forThisUser(DataDirs.dataDir());
        staffDb = dbFile;
        fhir = fhirReady;
        this.options = options;
        // patient mode: asked for (--patient), or chosen by the last sign-in, which was a patient's (not with --staff)
        // (--smoke, the installers' check, is always the staff window)
        String remembered = options.staff() || options.smoke() ? null : settings().get(PATIENT_PROFILE, null);
        String patientName = options.patient() != null ? options.patient() : remembered;
        if (patientName == null) {
            openCache(stage, scene, dbFile, fhirReady, options, shownMs, false);
            return;
        }
        // the profile first (its keyring entry off the UI thread), then the patient's own record in a cache of its own
        // beside the staff one, named by server and patient (never the staff cache, nor another's)
        tasks.submit("Reading the profile " + patientName, p -> profiles().find(patientName), found -> {
            if (closing()) {
                return;
            }
            if ((found.isEmpty() || !found.get().patientMode()) && options.patient() == null) {
                settings().remove(PATIENT_PROFILE); // that profile is gone or no longer a patient's: staff window
                openCache(stage, scene, dbFile, fhirReady, options, shownMs, false);
                return;
            }
            if (found.isEmpty() || !found.get().patientMode()) {
                scene.setRoot(StartScreens.failure(new IllegalArgumentException(found.isEmpty() ? "There is no "
                        + "server profile named " + patientName + "." : "The profile " + patientName + " is not in "
                        + "patient mode: give it its patient in the Servers tab first.")));
                return;
            }
            patientProfile = found.get();
            if (!options.files().isEmpty()) {
                Log.LOG.warn("Patient mode imports no files: {} not imported (start with --staff to import them)",
                        options.files());
            }
            openCache(stage, scene, PatientWindow.cacheFile(dbFile, patientProfile), fhirReady, options, shownMs,
                    false);
        }, error -> {
            if (!closing()) {
                scene.setRoot(StartScreens.failure(error));
            }
        });
    }

    /** Patient mode's window, once shown. */
    private PatientWindow patientWindow;

    /** Patient mode's profile (--patient), once read. */
    private org.custos.fhir.ServerProfile patientProfile;

    private synchronized ProfileStore profiles() {
        if (profileStore == null) {
            profileStore = new ProfileStore(java.util.prefs.Preferences.userRoot().node(
                    org.custos.fhir.ProfileStore.USER_NODE), secrets);
        }
        return profileStore;
    }

    /** Opens the cache in the background (encrypting or decrypting it first if the Servers tab asked), then the window. */
    private void openCache(Stage stage, Scene scene, Path dbFile,
                           java.util.concurrent.CompletableFuture<Fhir> fhirReady, AppOptions options, long shownMs,
                           boolean setAsideFirst) {
        CacheOpening opening = new CacheOpening(org.custos.sync.CacheKeyring.keys(secrets), settings());
        tasks.submit("Opening the cache", p -> {
            beforeOpening.run();
            Cache c = opening.open(dbFile, setAsideFirst, m -> {
                p.update(0, 0, m);
                // encrypting, compacting: the start screen says what takes the time (not the closing screen)
                StartScreens.say(scene, m, () -> !closing());
            });
            c.openNotice().ifPresent(n -> Log.LOG.info("Opening the cache: {}", n));
            cache = c;
            return new Opened(fhirReady.join(), c);
        }, opened -> {
            if (closing()) {
                return; // closed while it opened: closing waited for the opening and closes this cache
            }
            if (patientProfile != null) {
                openPatient(stage, scene, opened, patientProfile);
                return;
            }
            try {
                scene.setRoot(build(opened, scene));
            } catch (RuntimeException e) {
                Log.LOG.error("Cannot build the main window", e);
                scene.setRoot(StartScreens.failure(e));
                return;
            }
            main.start();
            servers.start();
            consentSending = window.startConsents(tasks);
            long readyMs = sinceProcessStart();
            Log.LOG.info("Main window ready {} ms after the process started", readyMs);
            if (options.smoke()) {
                System.out.println("custos: first window after " + shownMs + " ms, first frame after " + firstFrameMs
                        + " ms, main window ready after " + readyMs + " ms (from process start)");
            }
            if (!options.files().isEmpty()) {
                main.importFiles(options.files().stream().map(Path::of).toList());
            }
            if (options.smoke()) {
                smoke(stage);
            }
        }, error -> {
            if (closing()) {
                return; // the window says what closing waits for
            }
            scene.setRoot(error instanceof CacheKeys.LostKeyException
                ? StartScreens.lostKey(error, settings().get(org.custos.servers.CacheProtectionModel.EXPORTED_KEY,
                null), setAside -> {
                    scene.setRoot(StartScreens.waiting((setAside ? "Setting the cache aside and starting a new one"
                            : "Opening the cache again") + " …"));
                    openCache(stage, scene, dbFile, fhirReady, options, shownMs, setAside);
                })
                : StartScreens.failure(error));
        });
    }

    /** Whether closing has started (from the window or File > Quit): what still ends then changes nothing shown. */
    private boolean closing() {
        return closing != null && closing.started();
    }

    /** Patient mode (--patient PROFILE): the patient's home in place of the staff tabs. */
    private void openPatient(Stage stage, Scene scene, Opened o, org.custos.fhir.ServerProfile profile) {
        ProfileStore profiles = profiles();
        java.time.Clock clock = java.time.Clock.systemUTC();
        SystemBrowser browser = new SystemBrowser(getHostServices());
        PatientWindow w = PatientWindow.assemble(o.cache(), o.fhir(), profile, () -> profiles.attach(profile),
                profile.auth() == org.custos.fhir.ServerProfile.AuthKind.SMART
                        ? cancel -> new PatientSignIn(profiles, profile, browser, clock, cancel,
                        () -> settings().remove(PATIENT_PROFILE)) : null,
                tasks, ZoneId.systemDefault(), clock);
        patientWindow = w;
        scene.setRoot(w.view().root());
        stage.setTitle("Custos — your record");
        w.model().start();
        Log.LOG.info("Patient mode for the profile {} ready {} ms after the process started", profile.name(),
                sinceProcessStart());
    }

    /**
     * A patient signed in on the staff window's Servers tab ({@code handed}: that profile with the patient, or a
     * patient's profile signed in there). Their token was not kept for it (see the Servers tab's sign-in). Unless the
     * user keeps an unsaved consent edit, the staff window goes: its tool windows close, its imports, syncs and outbox
     * schedule stop (its cache stays open until Custos closes, for what still runs), and the patient's home opens for
     * a profile of the patient's own ({@link PatientHandOver}) on a cache of its own, where the patient signs in
     * again with patient-level scopes.
     */
    private void toPatientMode(Stage stage, Scene scene, org.custos.fhir.ServerProfile handed) {
        if (closing() || window == null) {
            return; // a sign-in that ended while Custos closes changes nothing
        }
        if (!window.consentView().closeEditors()) {
            Log.LOG.info("A patient signed in to {}; the staff window stays (an unsaved consent edit)", handed.name());
            return;
        }
        hideToolWindows(); // the staff window's tool windows (outbox, checks, alerts, …): nothing of them stays
        main.cancelImport();
        servers.stop();
        if (consentSending != null) {
            consentSending.cancel();
        }
        staffCache = cache;
        cache = null;
        scene.setRoot(StartScreens.waiting("You signed in as a patient: Custos opens your own record …"));
        // (the profiles are read off the UI thread: their secrets come from the keyring)
        tasks.submit("Opening your record", x -> {
            org.custos.fhir.ServerProfile saved = profiles().find(handed.name()).orElse(null);
            org.custos.fhir.ServerProfile mine = saved != null && saved.patientMode() ? saved
                    : PatientHandOver.patientProfile(handed, profiles().list());
            if (mine != saved) {
                profiles().save(mine);
            }
            settings().put(PATIENT_PROFILE, mine.name());
            return mine;
        }, mine -> {
            if (closing()) {
                return;
            }
            main = null;
            servers = null;
            window = null;
            patientProfile = mine;
            Log.LOG.info("A patient signed in to {}: patient mode with the profile {}", handed.name(), mine.name());
            openCache(stage, scene, PatientWindow.cacheFile(staffDb, mine), fhir, options, -1, false);
        }, error -> {
            if (!closing()) {
                scene.setRoot(StartScreens.failure(error));
            }
        });
    }

    private Parent build(Opened o, Scene scene) {
        ProfileStore profiles = profiles();
        MainWindow w = MainWindow.assemble(o.cache(), o.fhir(), tasks, CustosApp::demoData, ZoneId.systemDefault(),
                profiles, settings(),
                new SystemBrowser(getHostServices()));
        main = w.model();
        servers = w.servers();
        window = w;
        // a patient who signs in here sees their own record only: patient mode replaces the staff window
        servers.onPatientSignIn(p -> toPatientMode((Stage) scene.getWindow(), scene, p));
        Parent root = w.view().root();
        w.auditView().installShortcuts(scene);
        return root;
    }

    private static long sinceProcessStart() {
        return ProcessHandle.current().info().startInstant()
                .map(t -> java.time.Duration.between(t, java.time.Instant.now()).toMillis()).orElse(-1L);
    }

    /** The demo AuditEvents and people, then the demo Provenance (documents of six patients, one NDJSON stream). */
    static InputStream demoData() {
        InputStream raw = CustosApp.class.getResourceAsStream(DEMO_RESOURCE);
        InputStream provenance = CustosApp.class.getResourceAsStream(DEMO_PROVENANCE);
        if (raw == null || provenance == null) {
            throw new IllegalStateException("The demo data " + (raw == null ? DEMO_RESOURCE : DEMO_PROVENANCE)
                    + " is missing from this build");
        }
        try {
            return new java.io.SequenceInputStream(java.util.Collections.enumeration(java.util.List.of(
                    new GZIPInputStream(raw, 1 << 16), new java.io.ByteArrayInputStream(new byte[]{'\n'}),
                    provenance)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * --smoke (installer checks): the window is up and the cache open; the demo data is loaded into it (a no-op when
     * it is there already) and must import cleanly. Then the app ends: exit status 0, or 3 when it did not.
     */
    private void smoke(Stage stage) {
        main.lastImportProperty().addListener((o, a, summary) -> {
            boolean ok = stage.isShowing() && summary != null && !summary.problems();
            smokeExitCode = ok ? 0 : 3;
            Log.LOG.info("Smoke start finished: {}", ok ? "OK" : "FAILED");
            System.out.println("custos: smoke start " + (ok ? "OK" : "FAILED") + ": "
                    + (summary == null ? "no summary" : summary.title() + " — " + summary.text().replace('\n', ' ')));
            Platform.exit();
        });
        main.loadDemoData();
    }


    /** The app's settings (the Servers tab's "Encrypt the cache" among them). */
    private static java.util.prefs.Preferences settings() {
        return java.util.prefs.Preferences.userRoot().node("org/custos/settings");
    }

    /** Hides every window but the main one (the tool windows: outbox, checks, alerts, …). */
    private void hideToolWindows() {
        for (javafx.stage.Window w : new java.util.ArrayList<>(javafx.stage.Window.getWindows())) {
            if (w != primaryStage) {
                w.hide();
            }
        }
    }

    /** Closing from the window, with the window up until the caches are closed. */
    private AppClosing closing;

    /**
     * On the FX thread: nothing new starts (not even a timer's tick already on its way), the tool windows go, and an
     * import, a sync, a sign-in, a patient's fetch stop at their next step (stopAll then tells every other task).
     */
    private void stopWork() {
        if (tasks != null) {
            tasks.refuseNewWork();
        }
        hideToolWindows(); // nothing is started from the outbox, checks, alerts windows any more
        // nor from one that work ending now would open (a consent editor, a resource's detail): it goes at once
        if (lateWindows == null) {
            lateWindows = c -> {
                while (c.next()) {
                    for (javafx.stage.Window w : c.getAddedSubList()) {
                        if (w != primaryStage) {
                            Platform.runLater(w::hide);
                        }
                    }
                }
            };
            javafx.stage.Window.getWindows().addListener(lateWindows);
        }
        if (main != null) {
            main.cancelImport(); // an import stops at its next batch: what it wrote is consistent
        }
        if (servers != null) {
            servers.stop(); // a sync stops after the page it is storing, with its checkpoint
        }
        if (patientWindow != null) {
            patientWindow.fetching().cancel(); // the same for the patient's fetch
        }
    }

    /**
     * Waits for the background work to end, however long (an opening of the cache that encrypts or compacts it
     * first goes on to its end), then closes the caches, compacting them when due (what takes the time told to
     * saying).
     */
    private void closeCaches(java.util.function.Consumer<String> saying) {
        if (tasks != null) {
            tasks.stopAll(saying);
        }
        if (cache != null && cache.closeTidily(saying)) {
            Log.LOG.info("Compacted the cache at exit");
        }
        if (staffCache != null && staffCache.closeTidily(saying)) {
            Log.LOG.info("Compacted the staff cache at exit");
        }
    }

    @Override
    public void stop() {
        boolean closedHere;
        try {
            closedHere = closing != null && closing.startedAndFinished();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closedHere = true; // the closing thread goes on; not a second closing beside it
        }
        if (!closedHere) { // not closed from the window (--smoke, the platform ending)
            stopWork();
            closeCaches(m -> { });
        }
        if (lateWindows != null) {
            javafx.stage.Window.getWindows().removeListener(lateWindows);
        }
        if (secrets != null) {
            secrets.close(); // the keyring's D-Bus connection: else the process outlives the window
        }
        if (smokeExitCode != 0) {
            System.exit(smokeExitCode);
        }
    }
}
