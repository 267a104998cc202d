package org.custos.cli;

import org.custos.cache.AuditStore;
import org.custos.cache.Cache;
import org.custos.cache.Origins;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "history", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Prints every kept version of one cached resource, newest first, one JSON resource a line, as "
                + "stored. A resource that changed at its origin after it was first stored has more than one.",
                "Exit status: 0 printed, 1 not in the cache (or in more than one origin and no --origin given)."})
final class HistoryCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TYPE/ID", description = "e.g. AuditEvent/123, Consent/abc or Provenance/p1")
    String reference;

    @Option(names = "--origin", paramLabel = "NAME|URL",
            description = "The origin it came from, when more than one holds the same type and id")
    String origin;

    @Mixin
    CacheOption cacheOption;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String[] parts = reference.split("/");
        if (parts.length != 2 || !List.of("AuditEvent", "Consent", "Provenance").contains(parts[0])
                || parts[1].isBlank()) {
            throw new ParameterException(spec.commandLine(), "expected AuditEvent/ID, Consent/ID or Provenance/ID: "
                    + reference);
        }
        String type = parts[0];
        String id = parts[1];
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Cache cache = cacheOption.open()) {
            List<Integer> holding = type.equals("AuditEvent") ? cache.audit().versions().originsHolding(id)
                    : cache.resources().originsHolding(type, id);
            int originId;
            if (origin != null) {
                originId = cache.origins().find(origin).map(Origins.Origin::id).orElseThrow(() ->
                        new ParameterException(spec.commandLine(), "no origin '" + origin + "' in this cache"));
                if (!holding.contains(originId)) {
                    err.println("custos history: " + reference + " is not in the cache from " + origin);
                    return 1;
                }
            } else if (holding.isEmpty()) {
                err.println("custos history: " + reference + " is not in the cache");
                return 1;
            } else if (holding.size() > 1) {
                err.println("custos history: " + reference + " is cached from " + holding.size() + " origins ("
                        + String.join(", ", holding.stream().map(cache.origins()::nameOf).toList())
                        + "): choose one with --origin");
                return 1;
            } else {
                originId = holding.get(0);
            }
            List<AuditStore.Version> versions = type.equals("AuditEvent")
                    ? cache.audit().versions().history(originId, id)
                    : cache.resources().history(originId, type, id);
            for (AuditStore.Version v : versions) {
                out.println(v.raw());
            }
            String flags = versions.isEmpty() ? "" : org.custos.cache.State.describe(versions.get(0).state());
            err.println(versions.size() + " version(s) of " + reference + " from " + cache.origins().nameOf(originId)
                    + (flags.isEmpty() ? "" : " (" + flags + " at its origin)"));
        }
        return 0;
    }
}
