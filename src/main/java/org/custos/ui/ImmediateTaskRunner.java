package org.custos.ui;

import java.util.function.Consumer;

/** Runs everything at once on the calling thread: for view model tests without a screen. */
public final class ImmediateTaskRunner implements TaskRunner {
    @Override
    public <T> Handle submit(String title, Work<T> work, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
        boolean[] cancelled = {false};
        T result;
        try {
            result = work.run(new Progress() {
                @Override
                public void update(long done, long total, String message) {
                }

                @Override
                public boolean isCancelled() {
                    return cancelled[0];
                }
            });
        } catch (Exception e) {
            onFailure.accept(e);
            return () -> cancelled[0] = true;
        }
        onSuccess.accept(result);
        return () -> cancelled[0] = true;
    }

    /** Tests drive time themselves: nothing is scheduled. */
    @Override
    public Handle every(java.time.Duration period, Runnable onUi) {
        return () -> { };
    }

    @Override
    public void onUi(Runnable r) {
        r.run();
    }

    @Override
    public void shutdown() {
    }
}
