package org.custos.cli;

import org.custos.cache.Cache;
import org.custos.sync.Exporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Writes the cached resources of one type exactly as stored: NDJSON (one per line) or a "
                + "JSON collection Bundle.")
final class ExportCommand implements Callable<Integer> {
    enum Type { AuditEvent, Consent, Provenance }

    enum Fmt { ndjson, json }

    @Option(names = "--type", required = true, description = "AuditEvent, Consent or Provenance")
    Type type;

    @Option(names = "--format", defaultValue = "ndjson", description = "ndjson (default) or json")
    Fmt format;

    @Option(names = "--own", description = "AuditEvents: Custos's own audit trail too (origin \"this Custos\"; "
            + "left out by default)")
    boolean own;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Output file (default: standard output)")
    Path output;

    @Mixin
    CacheOption cacheOption;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (Cache cache = cacheOption.open();
             Writer w = output == null ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
                     : Files.newBufferedWriter(PrivateFiles.create(output), StandardCharsets.UTF_8)) {
            CacheOption.trail(cache).export("custos export " + type + " to " + (output == null ? "standard output"
                    : output.toAbsolutePath()), type.name(), java.util.List.of());
            long n = new Exporter(cache).export(type.name(), format == Fmt.json ? Exporter.Format.JSON
                    : Exporter.Format.NDJSON, own, w);
            if (output != null) {
                spec.commandLine().getErr().println("Wrote " + n + " " + type + " to " + output);
            }
        }
        return 0;
    }
}
