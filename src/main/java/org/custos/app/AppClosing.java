package org.custos.app;

import javafx.application.Platform;
import javafx.scene.Scene;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * Closing Custos from its window: the work under way stops (an import, a sync, a patient's fetch, a check: at their
 * next step), then the background work is waited for ({@code FxTaskRunner.stopAll}: however long, saying what it
 * waits for; an opening of the cache goes on to its end) and the caches close,
 * compacting when due (11–14 s for a million events), with the window still up and saying what takes the time; then
 * Custos exits. Before, the window went at once and the process went on for those seconds, unseen,
 * holding the cache's lock against a Custos started again meanwhile.
 */
final class AppClosing {
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(AppClosing.class);
    }

    private final Scene scene;
    private final Runnable stopWork;
    private final Consumer<Consumer<String>> closeCaches;
    private final Runnable exit;
    private final java.time.Duration patience;
    private final Runnable quitNow;
    private volatile Thread thread;

    /**
     * @param stopWork    on the FX thread: tells the work under way to stop
     * @param closeCaches on a thread of its own: waits for the background work and closes the caches, telling the
     *                    consumer what takes long (said on the window)
     * @param exit        on the FX thread, once the caches are closed (or closing them failed)
     */
    AppClosing(Scene scene, Runnable stopWork, Consumer<Consumer<String>> closeCaches, Runnable exit) {
        this(scene, stopWork, closeCaches, exit, java.time.Duration.ofSeconds(15), AppClosing::halt);
    }

    /**
     * @param patience after this long, the closing screen also offers "Quit without waiting"
     * @param quitNow  what that button does (the app: ends the process at once)
     */
    AppClosing(Scene scene, Runnable stopWork, Consumer<Consumer<String>> closeCaches, Runnable exit,
               java.time.Duration patience, Runnable quitNow) {
        this.scene = scene;
        this.stopWork = stopWork;
        this.closeCaches = closeCaches;
        this.exit = exit;
        this.patience = patience;
        this.quitNow = quitNow;
    }

    /**
     * Ends the process at once, the caches not closed: as a crash would, which H2 recovers from at the next opening
     * (what was not committed is not there: each import batch and sync page is one transaction). Only when the user
     * chooses it over waiting.
     */
    private static void halt() {
        Log.LOG.warn("Quit without waiting for the work under way: the cache was not closed");
        try {
            java.util.prefs.Preferences.userRoot().flush(); // the settings (Java writes them at exit, not at a halt)
        } catch (java.util.prefs.BackingStoreException | RuntimeException e) {
            Log.LOG.warn("The settings could not be written", e);
        }
        Runtime.getRuntime().halt(0);
    }

    /** What the closing screen says now (the button is offered only while it waits for the work under way). */
    private volatile String saying = "";

    /** On the FX thread: starts closing (once; asked again while closing, nothing more happens). */
    void start() {
        if (thread != null) {
            return;
        }
        try {
            stopWork.run();
        } catch (RuntimeException e) {
            Log.LOG.error("Stopping the work under way failed; closing goes on", e);
        }
        saying = WAITING + "the work under way to stop …";
        javafx.scene.Parent screen = StartScreens.waiting(saying);
        scene.setRoot(screen);
        // work that does not stop (a server that answers byte by byte, a keyring waiting for its password): after a
        // while, the user may quit without waiting; not once the work has stopped (the cache's compaction then)
        javafx.animation.PauseTransition wait = new javafx.animation.PauseTransition(
                javafx.util.Duration.millis(patience.toMillis()));
        wait.setOnFinished(e -> {
            if (thread != null && thread.isAlive() && saying.startsWith(WAITING)
                    && screen instanceof javafx.scene.layout.Pane box) {
                javafx.scene.control.Label why = new javafx.scene.control.Label("Quitting without waiting leaves "
                        + "the cache as a crash would: the last second of work may be missing when Custos opens it "
                        + "again, nothing before it.");
                why.setWrapText(true);
                why.setMaxWidth(640);
                why.setTextAlignment(javafx.scene.text.TextAlignment.CENTER);
                javafx.scene.control.Button now = new javafx.scene.control.Button("Quit without waiting");
                now.setId("quit-without-waiting");
                now.setOnAction(x -> quitNow.run());
                box.getChildren().addAll(why, now);
                offered = java.util.List.of(why, now);
            }
        });
        wait.play();
        // a thread of its own: the shared executor is what it waits for, and shuts down
        Thread t = new Thread(() -> {
            try {
                closeCaches.accept(m -> {
                    saying = m;
                    StartScreens.say(scene, m);
                    if (!m.startsWith(WAITING)) {
                        Platform.runLater(() -> { // the work has stopped: nothing to quit without waiting for
                            if (screen instanceof javafx.scene.layout.Pane box) {
                                box.getChildren().removeAll(offered);
                            }
                        });
                    }
                });
            } catch (RuntimeException | Error e) {
                Log.LOG.error("Closing the cache failed", e);
            } finally {
                Platform.runLater(exit);
            }
        }, "custos-closing");
        thread = t;
        t.start();
    }

    private static final String WAITING = org.custos.ui.FxTaskRunner.WAITING_FOR;
    /** The button and its text, once offered (FX thread). */
    private java.util.List<javafx.scene.Node> offered = java.util.List.of();

    /** Whether closing has started. */
    boolean started() {
        return thread != null;
    }

    /**
     * Whether closing started here; if so, waits until the caches are closed (or closing them failed), so that the
     * app's stop() has nothing left to close and does not close them a second time meanwhile.
     */
    boolean startedAndFinished() throws InterruptedException {
        Thread t = thread;
        if (t == null) {
            return false;
        }
        t.join();
        return true;
    }
}
