package org.custos.ui;

import java.util.function.Consumer;

/**
 * Runs work off the FX thread and reports back on it. View models use only this interface, so their tests run
 * the same code on one thread ({@link ImmediateTaskRunner}) and the app runs it on one shared executor
 * ({@link FxTaskRunner}).
 */
public interface TaskRunner {

    /** What a piece of work may report while it runs, and how it learns it was cancelled. */
    interface Progress {
        void update(long done, long total, String message);

        boolean isCancelled();

        /**
         * {@code r} runs when the work is cancelled (its Cancel, or the app closing), at once if it is already: for
         * work that waits inside something with a cancel of its own (an HTTP request, a browser sign-in). Nothing
         * where the work cannot be cancelled (tests' immediate runner). {@code r} must be quick (it may run on the FX
         * thread): set a flag, count down a latch.
         */
        default void onCancel(Runnable r) {
        }

        /**
         * Whether the user cancelled this work; unlike {@link #isCancelled()}, not when the app closes: for work that
         * should reach its end rather than stop halfway (removing a source).
         */
        default boolean isCancelledByUser() {
            return isCancelled();
        }
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Progress progress) throws Exception;
    }

    /** A handle to cancel cooperatively: the work sees {@link Progress#isCancelled()} between its steps. */
    interface Handle {
        void cancel();
    }

    <T> Handle submit(String title, Work<T> work, Consumer<T> onSuccess, Consumer<Throwable> onFailure);

    /**
     * Runs {@code onUi} on the UI thread every {@code period} until the handle is cancelled (nothing in tests).
     * The action should only start work through {@link #submit}.
     */
    Handle every(java.time.Duration period, Runnable onUi);

    /** Runs on the UI thread (at once when already there or in tests). */
    void onUi(Runnable r);

    void shutdown();
}
