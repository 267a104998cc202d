package org.custos.ui;

import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.concurrent.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The app's one executor for background work, as {@link Task}s. Exposes the latest long task's message and
 * progress for the status bar. Cancel is cooperative only: never interrupts (an interrupt inside H2 can corrupt
 * the file).
 */
public final class FxTaskRunner implements TaskRunner {
    /** Made on first use: the runner is built right after the first window shows, Logback's set-up is not. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(FxTaskRunner.class);
    }
    private final ExecutorService executor;
    private final AtomicInteger running = new AtomicInteger();
    /** The work started and not ended, each with its title (null: not shown) and cancel flag. */
    private final java.util.Map<Task<?>, Started> started = new java.util.concurrent.ConcurrentHashMap<>();

    /** One piece of work under way: its title, and whether it was cancelled by its Cancel or by closing. */
    private static final class Started {
        final String title;
        final java.util.concurrent.atomic.AtomicBoolean byUser = new java.util.concurrent.atomic.AtomicBoolean();
        final java.util.concurrent.atomic.AtomicBoolean byClosing = new java.util.concurrent.atomic.AtomicBoolean();
        private final java.util.List<Runnable> onCancel = new java.util.ArrayList<>();

        Started(String title) {
            this.title = title;
        }

        boolean cancelled() {
            return byUser.get() || byClosing.get();
        }

        void cancel(java.util.concurrent.atomic.AtomicBoolean flag) {
            flag.set(true);
            java.util.List<Runnable> run;
            synchronized (onCancel) {
                run = new java.util.ArrayList<>(onCancel);
                onCancel.clear();
            }
            run.forEach(Started::runQuietly);
        }

        /** A hook that fails does not keep the others (nor closing) from going on. */
        private static void runQuietly(Runnable r) {
            try {
                r.run();
            } catch (RuntimeException e) {
                Log.LOG.warn("A cancel hook failed", e);
            }
        }

        void onCancel(Runnable r) {
            synchronized (onCancel) {
                if (!cancelled()) {
                    onCancel.add(r);
                    return;
                }
            }
            runQuietly(r);
        }
    }
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(0);
    /** Only a clock: it posts to the FX thread, which starts the real work on the executor. */
    private final java.util.concurrent.ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "custos-timer");
                t.setDaemon(true);
                return t;
            });

    public FxTaskRunner() {
        AtomicInteger n = new AtomicInteger();
        executor = Executors.newFixedThreadPool(3, r -> {
            Thread t = new Thread(r, "custos-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public <T> Handle submit(String title, Work<T> work, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
        // cancel is a flag the work reads between its steps; the Task itself is never cancelled, so the work always
        // ends through onSuccess or onFailure (and can report what it did before it stopped)
        Started state = new Started(title);
        Task<T> task = new Task<>() {
            @Override
            protected T call() throws Exception {
                try {
                    return runWork();
                } finally {
                    started.remove(this);
                }
            }

            private T runWork() throws Exception {
                return work.run(new Progress() {
                    @Override
                    public void update(long done, long total, String msg) {
                        updateProgress(done, total <= 0 ? -1 : total);
                        updateMessage(msg);
                    }

                    @Override
                    public boolean isCancelled() {
                        return state.cancelled();
                    }

                    @Override
                    public boolean isCancelledByUser() {
                        return state.byUser.get();
                    }

                    @Override
                    public void onCancel(Runnable r) {
                        state.onCancel(r);
                    }
                });
            }
        };
        boolean shown = title != null && !title.isBlank();
        if (shown) {
            running.incrementAndGet();
            busy.set(true);
            message.unbind();
            progress.unbind();
            message.bind(javafx.beans.binding.Bindings.when(task.messageProperty().isEmpty())
                    .then(title).otherwise(task.messageProperty()));
            progress.bind(task.progressProperty());
        }
        Runnable done = () -> {
            if (shown && running.decrementAndGet() == 0) {
                busy.set(false);
                message.unbind();
                progress.unbind();
                message.set("");
                progress.set(0);
            }
        };
        task.setOnSucceeded(e -> {
            done.run();
            onSuccess.accept(task.getValue());
        });
        task.setOnFailed(e -> {
            done.run();
            Log.LOG.warn("{} failed", title, task.getException());
            onFailure.accept(task.getException());
        });
        started.put(task, state);
        try {
            executor.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            started.remove(task);
            // the app is closing (the executor shut down, on this thread or another): a refresh asked for by a last
            // callback has nothing left to show
            done.run();
            Log.LOG.debug("Not started, the app is closing: {}", title);
            return () -> { };
        }
        return () -> state.cancel(state.byUser);
    }

    @Override
    public Handle every(java.time.Duration period, Runnable onUi) {
        long ms = Math.max(1000, period.toMillis());
        java.util.concurrent.ScheduledFuture<?> f;
        try {
            f = timer.scheduleAtFixedRate(() -> Platform.runLater(onUi), ms, ms, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            return () -> { }; // the app is closing: nothing is scheduled any more
        }
        return () -> f.cancel(false);
    }

    @Override
    public void onUi(Runnable r) {
        if (Platform.isFxApplicationThread()) {
            r.run();
        } else {
            Platform.runLater(r);
        }
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    /**
     * Closing: no new work starts, the work under way is asked to stop at its next step (as its own Cancel does; the
     * opening of the cache, which cannot stop midway, goes on to its end) and is waited for however long it takes —
     * nothing is interrupted, and the caches must not close under it. {@code saying} is told what is still running
     * whenever that changes.
     */
    public void stopAll(Consumer<String> saying) {
        refuseNewWork();
        String said = waitingFor(); // all that runs as closing begins, said before some of it ends at once
        saying.accept(said);
        started.values().forEach(s -> s.cancel(s.byClosing));
        boolean interrupted = false;
        while (!executor.isTerminated()) {
            String now = waitingFor();
            if (!now.equals(said)) {
                saying.accept(now);
                said = now;
            }
            try {
                executor.awaitTermination(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                interrupted = true; // still waited for: the caches must not close under the work
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Closing begins (on the FX thread, before the work under way is told to stop): nothing new starts from here,
     * not even a timer's tick already on its way (a scheduled sync, the outbox).
     */
    public void refuseNewWork() {
        timer.shutdownNow();
        executor.shutdown();
    }

    /** How {@link #stopAll}'s messages begin: while they do, closing still waits for work. */
    public static final String WAITING_FOR = "Closing Custos: waiting for ";

    /** "Closing Custos: waiting for …": the titles of the work still running. */
    String waitingFor() {
        java.util.Set<String> titles = new java.util.TreeSet<>();
        started.values().forEach(s -> {
            if (s.title != null && !s.title.isBlank()) {
                titles.add(s.title);
            }
        });
        return WAITING_FOR + (titles.isEmpty() ? "the work under way"
                : String.join(", ", titles)) + " to stop …";
    }

    @Override
    public void shutdown() {
        timer.shutdownNow();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                Log.LOG.warn("Background work still running at exit");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
