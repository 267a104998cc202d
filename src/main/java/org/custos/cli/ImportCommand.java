package org.custos.cli;

import org.custos.cache.Cache;
import org.custos.fhir.Fhir;
import org.custos.sync.ImportReport;
import org.custos.sync.Importer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "import", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Imports FHIR files into the cache: Bundles or single resources (JSON, XML) and NDJSON, "
                + "optionally gzipped. AuditEvent, Consent, Provenance, Patient, Practitioner, Organization and "
                + "RelatedPerson are stored; what cannot be read is "
                + "quarantined with its reason, and the rest goes on.",
                "Ctrl+C stops after the batch being written and closes the cache cleanly; what was read before is kept.",
                "Exit status: 0 all imported, 2 some resources quarantined, 1 error (e.g. a file missing) or stopped."})
final class ImportCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to import")
    List<Path> files;

    @Option(names = "--origin", paramLabel = "NAME|URL", defaultValue = "files",
            description = "The origin the files' resources belong to (default: ${DEFAULT-VALUE}). Name the server a "
                    + "file was exported from (its base URL) to have them compared, by id and version, with what "
                    + "syncing that server brings; resources of different origins never replace each other.")
    String origin;

    @Mixin
    CacheOption cacheOption;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        boolean missing = false;
        ImportReport total = new ImportReport();
        try {
            if (org.custos.cache.Origins.normalize(origin).equals(org.custos.cache.Origins.DEMO)) {
                throw new IllegalArgumentException("'demo' is kept for the bundled demo data (shown as generated, not "
                        + "real): give your files another origin");
            }
            if (org.custos.cache.Origins.normalize(origin).equalsIgnoreCase(org.custos.cache.Origins.SELF_NAME)) {
                throw new IllegalArgumentException("'" + org.custos.cache.Origins.SELF_NAME + "' is Custos's own "
                        + "audit trail, written by Custos only: give your files another origin");
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--origin: " + e.getMessage());
        }
        // Ctrl+C: the import stops after the batch it is writing; the cache is closed and the report printed before
        // the JVM may end (the shutdown waits for this block)
        try (CtrlC ctrlC = new CtrlC("custos-import-stop")) {
            try (Cache cache = cacheOption.open()) {
                Importer importer = new Importer(cache, new Fhir());
                Importer.Listener listener = listener(err, ctrlC);
                for (Path f : files) {
                    if (ctrlC.stopped()) {
                        break;
                    }
                    if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                        err.println("custos import: cannot read " + f + " (no such file, or not readable)");
                        missing = true;
                        continue;
                    }
                    total.addAll(importer.importFile(f, origin, listener));
                }
                importer.afterImport(total, listener);
            }
            if (total.wasCancelled()) {
                err.println("custos import: stopped; what was read before is stored, the cache is closed");
            }
            total.lines().forEach(out::println);
            total.notes().forEach(err::println);
            if (total.problemCount() > 0) {
                err.println(total.problemCount() + " resource(s) quarantined (see the Quarantine tab in the app):");
                total.problems().stream().limit(20).forEach(p -> err.println("  " + p));
                if (total.problemCount() > 20) {
                    err.println("  … and " + (total.problemCount() - 20) + " more");
                }
            }
            out.flush();
            err.flush();
            return missing || total.wasCancelled() ? 1 : total.quarantined() > 0 ? 2 : 0;
        }
    }

    @Option(names = "--quiet", description = "No progress lines on stderr")
    boolean quiet;

    /** Progress on stderr every 2 s (custos.import.progressMillis changes it); Ctrl+C stops after the batch. */
    private Importer.Listener listener(java.io.PrintWriter err, CtrlC ctrlC) {
        long every = Long.getLong("custos.import.progressMillis", 2000) * 1_000_000L;
        return new Importer.Listener() {
            private long last;

            @Override
            public void progress(long resources) {
                long now = System.nanoTime();
                if (!quiet && (last == 0 || now - last >= every)) {
                    last = now;
                    err.println("custos import: " + resources + " resources read");
                    err.flush();
                }
            }

            @Override
            public boolean isCancelled() {
                return ctrlC.stopped();
            }

            @Override
            public void notice(String message) {
                if (!quiet) {
                    err.println("custos import: " + message);
                    err.flush();
                }
            }
        };
    }
}
