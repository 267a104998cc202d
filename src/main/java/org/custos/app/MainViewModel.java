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
import org.custos.cache.Origins;
import org.custos.sync.ImportReport;
import org.custos.sync.Importer;
import org.custos.ui.TaskRunner;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/** The main window: importing, the bundled demo data, whether the cache is empty, what the last import did. */
public final class MainViewModel {
    private final javafx.beans.property.IntegerProperty auditWanted =
            new javafx.beans.property.SimpleIntegerProperty(0);
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
    /** A question for the user before the demo data joins a cache that holds real data (null: none asked). */
    private final StringProperty demoQuestion = new SimpleStringProperty();
    private final java.util.List<Runnable> onRefresh = new java.util.ArrayList<>();
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
        onRefresh.forEach(Runnable::run);
    }

    /**
     * Shows what is new in the cache (an import or a sync stored something): the browser keeps the filter it shows,
     * its selection and its place; the quarantine and the cache line are read again.
     */
    public void refresh() {
        audit.refresh();
        quarantine.refresh();
        refreshCacheInfo();
        onRefresh.forEach(Runnable::run);
    }

    /** Something else to read again whenever the cache changed (e.g. the Sources tab). */
    public void onRefresh(Runnable r) {
        onRefresh.add(r);
    }

    private void refreshCacheInfo() {
        tasks.submit(null, p -> new long[]{cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE),
                cache.audit().count(AuditFilter.ALL.withOrigin(Origins.DEMO), Long.MAX_VALUE)}, n -> {
            cacheEmpty.set(n[0] == 0);
            String demo = n[1] == 0 ? "" : n[1] == n[0] ? " (all demo data)" : String.format(" (%,d of them demo data)",
                    n[1]);
            cacheInfo.set(String.format("%,d AuditEvents cached%s · %s", n[0], demo, cache.file()));
        }, t -> cacheInfo.set("Cache unreadable: " + t.getMessage()));
    }

    /** Imports files into the origin {@value Origins#FILES} (files opened from a file manager, the command line). */
    public void importFiles(List<Path> files) {
        importFiles(files, Origins.FILES);
    }

    /**
     * Imports files into the named origin: "files", or e.g. the base URL of the server they were exported from (then
     * they are compared with what syncing that server brings, by id and version).
     */
    public void importFiles(List<Path> files, String origin) {
        if (files == null || files.isEmpty() || importing.get()) {
            return;
        }
        String into;
        try {
            into = Origins.normalize(origin);
            if (into.equals(Origins.DEMO)) {
                throw new IllegalArgumentException("\"demo\" is kept for the bundled demo data (shown as generated, "
                        + "not real): give your files another origin.");
            }
        } catch (IllegalArgumentException e) {
            lastImport.set(new ImportSummary("Nothing imported", "The origin: " + e.getMessage(), true));
            return;
        }
        String what = files.size() == 1 ? files.get(0).getFileName().toString() : files.size() + " files";
        run("Importing " + what, p -> {
            ImportReport total = new ImportReport();
            for (Path f : files) {
                if (p.isCancelled()) {
                    break;
                }
                total.addAll(importer.importFile(f, into, listener(p, "Importing " + f.getFileName())));
            }
            importer.afterImport(total, listener(p, "Importing " + what));
            return total;
        }, "Imported " + what + (into.equals(Origins.FILES) ? "" : " into " + into));
    }

    /** The origins an import can go to: "files" first, then every other origin but the demo data. */
    public List<String> importOrigins() {
        List<String> out = new java.util.ArrayList<>(List.of(Origins.FILES));
        cache.origins().all().stream().filter(o -> !o.demo() && !o.name().equals(Origins.FILES))
                .forEach(o -> out.add(o.name()));
        return out;
    }

    /**
     * Adds the bundled demo data (origin "demo"). On a cache that holds events from real origins it first asks
     * ({@link #demoQuestionProperty()}): generated events beside real evidence must be a choice, not a surprise.
     */
    public void loadDemoData() {
        if (importing.get()) {
            return;
        }
        tasks.submit(null, p -> cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)
                - cache.audit().count(AuditFilter.ALL.withOrigin(Origins.DEMO), Long.MAX_VALUE), real -> {
            if (real > 0) {
                demoQuestion.set(String.format("The cache holds %,d AuditEvents from real sources. The demo data adds "
                        + "6,000 generated events of a fictional hospital. They are kept apart as the origin "
                        + "\"demo\", labelled as demo data wherever they are shown, and can be removed in the "
                        + "Sources tab.", real));
            } else {
                importDemoData();
            }
        }, t -> lastImport.set(new ImportSummary("Cannot read the cache", t.getMessage(), true)));
    }

    /** The user's answer to {@link #demoQuestionProperty()}. */
    public void answerDemoQuestion(boolean add) {
        demoQuestion.set(null);
        if (add) {
            importDemoData();
        }
    }

    private void importDemoData() {
        if (importing.get()) {
            return;
        }
        run("Loading the demo data", p -> {
            try (InputStream in = demoData.get()) {
                ImportReport r = importer.importStream(Origins.DEMO, "bundled demo data", in, "demo-audit.ndjson",
                        listener(p, "Loading the demo data"));
                importer.afterImport(r, listener(p, "Loading the demo data"));
                return r;
            }
        }, "Demo data loaded");
    }

    private void run(String title, TaskRunner.Work<ImportReport> work, String doneTitle) {
        importing.set(true);
        running = tasks.submit(title, work, report -> {
            importing.set(false);
            lastImport.set(new ImportSummary(report.wasCancelled() ? "Import cancelled" : doneTitle,
                    describe(report), report.quarantined() > 0));
            refresh();
        }, t -> {
            importing.set(false);
            lastImport.set(new ImportSummary("Import failed", t.getMessage(), true));
            refresh();
        });
    }

    private static Importer.Listener listener(TaskRunner.Progress p, String message) {
        return new Importer.Listener() {
            @Override
            public void progress(long resources) {
                p.update(resources, -1, String.format("%s: %,d resources", message, resources));
            }

            @Override
            public void notice(String text) {
                p.update(-1, -1, text);
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
        r.notes().forEach(n -> b.append("\n").append(n));
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

    /**
     * Help › Verify cache: checks everything stored against the ledger (progress in the status bar, Cancel stops it)
     * and shows the outcome with the chain's head to write down.
     */
    public void verifyCache() {
        if (importing.get()) {
            return;
        }
        importing.set(true);
        running = tasks.submit("Verifying the cache", p -> cache.verifier().run(null, p::isCancelled,
                (done, total) -> p.update(done, total, String.format("Verifying the cache: %,d of %,d rows", done,
                        total))), r -> {
            importing.set(false);
            lastImport.set(new ImportSummary(r.cancelled() ? "Verify cancelled" : r.intact() ? "The cache is intact"
                    : "The cache is NOT intact", describe(r), !r.intact()));
        }, t -> {
            importing.set(false);
            lastImport.set(new ImportSummary("Verify failed", t.getMessage(), true));
        });
    }

    static String describe(org.custos.cache.Verifier.Result r) {
        StringBuilder b = new StringBuilder();
        if (r.cancelled()) {
            b.append("Cancelled after ").append(String.format("%,d", r.rows())).append(" rows.\n");
        } else if (r.intact()) {
            b.append(String.format("Every one of the %,d stored rows is as it was stored, nothing recorded is missing "
                    + "and nothing unrecorded was added (%,d ledger entries).%n", r.rows(), r.entries()));
        } else {
            b.append(String.format("%,d problem(s):%n", r.problemCount()));
            r.problems().stream().limit(200).forEach(p -> b.append("• ").append(p.line()).append('\n'));
        }
        if (!r.removedSinceHead().isEmpty()) {
            b.append("\nRemoved by Custos since the head given (check that you recognise each):\n");
            r.removedSinceHead().forEach(l -> b.append("• ").append(l).append('\n'));
        }
        b.append("\nChain head (write it down, or Help › Export chain head…; a later verify given it proves that "
                + "nothing up to here was rewritten):\n").append(r.head());
        return b.toString();
    }

    /** The ledger's head now, for Help › Export chain head…. */
    public String ledgerHead() {
        return cache.ledgerHead();
    }

    public BooleanProperty cacheEmptyProperty() { return cacheEmpty; }

    public BooleanProperty importingProperty() { return importing; }

    public StringProperty cacheInfoProperty() { return cacheInfo; }

    public ObjectProperty<ImportSummary> lastImportProperty() { return lastImport; }

    public StringProperty demoQuestionProperty() { return demoQuestion; }

    /** What the user should be told about opening the cache (upgraded, restored after a crash); null if nothing. */
    public StringProperty openNoticeProperty() { return openNotice; }

    public AuditViewModel audit() { return audit; }

    /** Shows one AuditEvent in the audit browser and brings its tab forward ({@link #auditWantedProperty()}). */
    public void showEvent(long pk, String origin, java.time.Instant recorded) {
        audit.show(pk, origin, recorded);
        auditWanted.set(auditWanted.get() + 1);
    }

    /** Lists the AuditEvents about one resource of an origin in the audit browser and brings its tab forward. */
    public void showEventsAbout(String entity, String origin) {
        audit.showAbout(entity, origin);
        auditWanted.set(auditWanted.get() + 1);
    }

    /** Counts the requests to bring the audit browser forward (the view selects its tab at each). */
    public javafx.beans.property.IntegerProperty auditWantedProperty() { return auditWanted; }

    public QuarantineViewModel quarantine() { return quarantine; }
}
