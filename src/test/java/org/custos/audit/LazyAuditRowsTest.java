package org.custos.audit;

import org.custos.TestData;
import org.custos.cache.AuditFilter;
import org.custos.cache.AuditSummary;
import org.custos.cache.Cache;
import org.custos.sync.Importer;
import org.custos.ui.TaskRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The lazy rows when the cache changes between the first page and the key scan. */
class LazyAuditRowsTest {
    @TempDir
    Path dir;
    Cache cache;

    /** Runs submitted work only when told to, in order: lets a test put an import between two steps. */
    static final class SteppedRunner implements TaskRunner {
        final Deque<Runnable> queue = new ArrayDeque<>();

        @Override
        public <T> Handle submit(String title, Work<T> work, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
            queue.add(() -> {
                T result;
                try {
                    result = work.run(new Progress() {
                        @Override
                        public void update(long done, long total, String message) {
                        }

                        @Override
                        public boolean isCancelled() {
                            return false;
                        }
                    });
                } catch (Exception e) {
                    onFailure.accept(e);
                    return;
                }
                onSuccess.accept(result);
            });
            return () -> { };
        }

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

        void runAll() {
            while (!queue.isEmpty()) {
                queue.poll().run();
            }
        }
    }

    @BeforeEach
    void open() {
        cache = Cache.open(dir.resolve("cache"));
    }

    @AfterEach
    void close() {
        cache.close();
    }

    private void importEvents(int from, int to, String day) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < to; i++) {
            b.append("{\"resourceType\":\"AuditEvent\",\"id\":\"r").append(i).append("\",\"recorded\":\"").append(day)
                    .append(String.format("T10:%02d:%02dZ", (i / 60) % 60, i % 60))
                    .append("\",\"agent\":[{\"userId\":{\"value\":\"carol\"},\"requestor\":true}]}\n");
        }
        Path f = dir.resolve("e" + from + ".ndjson");
        Files.writeString(f, b);
        new Importer(cache, TestData.FHIR).importFile(f, Importer.SILENT);
    }

    @Test
    void eventsArrivingBetweenTheFirstPageAndTheScanAreNeitherLostNorShownTwice() throws IOException {
        importEvents(0, 300, "2024-01-01");
        SteppedRunner runner = new SteppedRunner();
        List<Integer> counts = new ArrayList<>();
        LazyAuditRows rows = new LazyAuditRows(cache.audit(), runner, new LazyAuditRows.Listener() {
            @Override
            public void keysLoaded(int count, boolean complete) {
                if (complete) {
                    counts.add(count);
                }
            }

            @Override
            public void pageLoaded(int page) {
            }

            @Override
            public void failed(Throwable t) {
                throw new AssertionError(t);
            }
        });
        AuditFilter agent = AuditFilter.ALL.withAgent("carol"); // read by the storage-order scan
        rows.reset(agent, false);
        runner.queue.poll().run(); // the first page only
        assertThat(rows.size()).isEqualTo(LazyAuditRows.PAGE);
        importEvents(300, 350, "2024-02-01"); // newer events: they belong at the top
        runner.runAll(); // the key scan sees them
        assertThat(counts).containsExactly(350);
        assertThat(rows.size()).isEqualTo(350);
        HashSet<String> ids = new HashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i) == null) {
                runner.runAll();
            }
            AuditSummary r = rows.get(i);
            assertThat(ids.add(r.id())).as("row %d (%s) shown once", i, r.id()).isTrue();
        }
        assertThat(rows.get(0).id()).isEqualTo("r349");
    }
}
