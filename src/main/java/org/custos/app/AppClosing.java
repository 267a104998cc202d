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
    private volatile Thread thread;

    /**
     * @param stopWork    on the FX thread: tells the work under way to stop
     * @param closeCaches on a thread of its own: waits for the background work and closes the caches, telling the
     *                    consumer what takes long (said on the window)
     * @param exit        on the FX thread, once the caches are closed (or closing them failed)
     */
    AppClosing(Scene scene, Runnable stopWork, Consumer<Consumer<String>> closeCaches, Runnable exit) {
        this.scene = scene;
        this.stopWork = stopWork;
        this.closeCaches = closeCaches;
        this.exit = exit;
    }

    /** On the FX thread: starts closing (once; asked again while closing, nothing more happens). */
    void start() {
        if (thread != null) {
            return;
        }
        stopWork.run();
        scene.setRoot(StartScreens.waiting("Closing Custos: waiting for the work under way to stop …"));
        // a thread of its own: the shared executor is what it waits for, and shuts down
        Thread t = new Thread(() -> {
            try {
                closeCaches.accept(m -> StartScreens.say(scene, m));
            } catch (RuntimeException | Error e) {
                Log.LOG.error("Closing the cache failed", e);
            } finally {
                Platform.runLater(exit);
            }
        }, "custos-closing");
        thread = t;
        t.start();
    }

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
