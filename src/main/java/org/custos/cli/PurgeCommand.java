package org.custos.cli;

import org.custos.cache.Cache;
import org.custos.cache.OriginData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.concurrent.Callable;

@Command(name = "purge", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Removes everything one origin brought into the cache (the demo data, a decommissioned "
                + "server, files imported by mistake): every version of its AuditEvents, Consents and Provenances, "
                + "its quarantined items, deletes and sync checkpoints. Then the cache file is rewritten "
                + "(as custos compact does), so that the removed texts leave the disk too.",
                "Exit status: 0 removed (or --dry-run printed), 1 no such origin or an error."})
final class PurgeCommand implements Callable<Integer> {
    @Option(names = "--origin", required = true, paramLabel = "NAME|URL",
            description = "The origin to remove: a server's base URL, \"files\", \"demo\" or a name given at import")
    String origin;

    @Option(names = "--dry-run", description = "Only print what the origin holds; remove nothing")
    boolean dryRun;

    @Option(names = "--no-compact", description = "Do not rewrite the file afterwards (the removed texts stay in "
            + "it until custos compact or the app's next compaction)")
    boolean noCompact;

    @Mixin
    CacheOption cacheOption;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Cache cache = cacheOption.open();
        boolean closed = false;
        try {
            var summary = cache.originData().summaries().stream()
                    .filter(s -> cache.origins().find(origin).map(o -> o.id() == s.origin().id()).orElse(false))
                    .findFirst().orElseThrow(() -> new ParameterException(spec.commandLine(), "no origin '" + origin
                            + "' in this cache; it has: " + String.join(", ", cache.audit().originNames())));
            out.printf("%s holds %,d AuditEvents (%,d versions), %,d Consents, %,d Provenances, %,d quarantined "
                            + "items, %,d deletes%n", summary.origin().name(), summary.auditEvents(),
                    summary.auditVersions(), summary.consents(), summary.provenances(), summary.quarantined(),
                    summary.deletes());
            if (dryRun) {
                return 0;
            }
            OriginData.Purged p = cache.originData().purge(origin, () -> false, n -> { });
            out.println("Removed " + p.describe() + ".");
            if (!noCompact) {
                long before = Files.size(cache.file());
                cache.compactAndClose();
                closed = true;
                out.printf("Compacted %s: %,d KB -> %,d KB%n", cache.file(), before / 1024,
                        Files.size(cache.file()) / 1024);
            }
            return 0;
        } finally {
            if (!closed) {
                cache.close();
            }
        }
    }
}
