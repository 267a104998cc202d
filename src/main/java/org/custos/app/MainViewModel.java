package org.custos.app;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.custos.audit.AuditViewModel;
import org.custos.cache.AuditFilter;
import org.custos.cache.Cache;
import org.custos.sync.ImportReport;
import org.custos.sync.Importer;
import org.custos.ui.TaskRunner;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/** The main window: importing, the bundled demo data, whether the cache is empty, what the last import did. */
public final class MainViewModel {
    /** The outcome of an import, for the summary dialog. */
    public record ImportSummary(String title, String text, boolean problems) {
    }

    private final Cache cache;
    private final Importer importer;
    private final TaskRunner tasks;
    private final AuditViewModel audit;
    private final QuarantineViewModel quarantine;
    private final Supplier<InputStream> demoData;
    private final BooleanProperty cacheEmpty = new SimpleBooleanProperty(false);
    private final BooleanProperty importing = new SimpleBooleanProperty(false);
    private final StringProperty cacheInfo = new SimpleStringProperty("");
    private final ObjectProperty<ImportSummary> lastImport = new SimpleObjectProperty<>();
    private final StringProperty openNotice = new SimpleStringProperty();
    private TaskRunner.Handle running;

    public MainViewModel(Cache cache, Importer importer, TaskRunner tasks, AuditViewModel audit,
                         QuarantineViewModel quarantine, Supplier<InputStream> demoData) {
        this.cache = cache;
        this.importer = importer;
        this.tasks = tasks;
        this.audit = audit;
        this.quarantine = quarantine;
        this.demoData = demoData;
    }

    /** Loads everything the window shows. */
    public void start() {
        if (openNotice.get() == null) { // once: what opening the cache did (an upgrade, a restore after a crash)
            cache.openNotice().ifPresent(openNotice::set);
        }
        audit.search();
        quarantine.refresh();
        refreshCacheInfo();
    }

    private void refreshCacheInfo() {
        tasks.submit(null, p -> cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE), n -> {
            cacheEmpty.set(n == 0);
            cacheInfo.set(String.format("%,d AuditEvents cached · %s", n, cache.file()));
        }, t -> cacheInfo.set("Cache unreadable: " + t.getMessage()));
    }

    public void importFiles(List<Path> files) {
        if (files == null || files.isEmpty() || importing.get()) {
            return;
        }
        String what = files.size() == 1 ? files.get(0).getFileName().toString() : files.size() + " files";
        run("Importing " + what, p -> {
            ImportReport total = new ImportReport();
            for (Path f : files) {
                if (p.isCancelled()) {
                    break;
                }
                total.addAll(importer.importFile(f, listener(p, "Importing " + f.getFileName())));
            }
            return total;
        }, "Imported " + what);
    }

    public void loadDemoData() {
        if (importing.get()) {
            return;
        }
        run("Loading the demo data", p -> {
            try (InputStream in = demoData.get()) {
                return importer.importStream("demo", "bundled demo data", in, "demo-audit.ndjson",
                        listener(p, "Loading the demo data"));
            }
        }, "Demo data loaded");
    }

    private void run(String title, TaskRunner.Work<ImportReport> work, String doneTitle) {
        importing.set(true);
        running = tasks.submit(title, work, report -> {
            importing.set(false);
            lastImport.set(new ImportSummary(report.wasCancelled() ? "Import cancelled" : doneTitle,
                    describe(report), report.quarantined() > 0));
            start();
        }, t -> {
            importing.set(false);
            lastImport.set(new ImportSummary("Import failed", t.getMessage(), true));
            start();
        });
    }

    private static Importer.Listener listener(TaskRunner.Progress p, String message) {
        return new Importer.Listener() {
            @Override
            public void progress(long resources) {
                p.update(resources, -1, String.format("%s: %,d resources", message, resources));
            }

            @Override
            public boolean isCancelled() {
                return p.isCancelled();
            }
        };
    }

    static String describe(ImportReport r) {
        StringBuilder b = new StringBuilder(String.join("\n", r.lines()));
        if (r.lines().isEmpty()) {
            b.append("Nothing to import was found.");
        }
        if (r.problemCount() > 0) {
            b.append("\n\n").append(r.problemCount()).append(" could not be read and are in the Quarantine tab:");
            r.problems().stream().limit(8).forEach(p -> b.append("\n• ").append(p));
        }
        return b.toString();
    }

    public void cancelImport() {
        if (running != null) {
            running.cancel();
        }
    }

    public BooleanProperty cacheEmptyProperty() { return cacheEmpty; }

    public BooleanProperty importingProperty() { return importing; }

    public StringProperty cacheInfoProperty() { return cacheInfo; }

    public ObjectProperty<ImportSummary> lastImportProperty() { return lastImport; }

    /** What the user should be told about opening the cache (upgraded, restored after a crash); null if nothing. */
    public StringProperty openNoticeProperty() { return openNotice; }

    public AuditViewModel audit() { return audit; }

    public QuarantineViewModel quarantine() { return quarantine; }
}
