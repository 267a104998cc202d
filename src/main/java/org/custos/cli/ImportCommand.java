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
                + "optionally gzipped. AuditEvent, Consent and Provenance are stored; what cannot be read is "
                + "quarantined with its reason, and the rest goes on.",
                "Exit status: 0 all imported, 2 some resources quarantined, 1 error (e.g. a file missing)."})
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
            org.custos.cache.Origins.normalize(origin);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--origin: " + e.getMessage());
        }
        try (Cache cache = cacheOption.open()) {
            Importer importer = new Importer(cache, new Fhir());
            for (Path f : files) {
                if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                    err.println("custos import: cannot read " + f + " (no such file, or not readable)");
                    missing = true;
                    continue;
                }
                total.addAll(importer.importFile(f, origin, Importer.SILENT));
            }
        }
        total.lines().forEach(out::println);
        if (total.problemCount() > 0) {
            err.println(total.problemCount() + " resource(s) quarantined (see the Quarantine tab in the app):");
            total.problems().stream().limit(20).forEach(p -> err.println("  " + p));
            if (total.problemCount() > 20) {
                err.println("  … and " + (total.problemCount() - 20) + " more");
            }
        }
        return missing ? 1 : total.quarantined() > 0 ? 2 : 0;
    }
}
