package org.custos.cli;

import org.custos.cache.Cache;
import org.custos.cache.FhirTimes;
import org.custos.fhir.Cancellation;
import org.custos.fhir.Redactor;
import org.custos.fhir.RetryPolicy;
import org.custos.fhir.ServerProfile;
import org.custos.sync.SyncEngine;
import org.custos.sync.SyncListener;
import org.custos.sync.SyncReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "sync", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Pulls AuditEvent, Consent and Provenance (and, with --types, Patient, Practitioner, Organization, "
                + "RelatedPerson) from a FHIR STU3 server into the cache: everything "
                + "the first time, then only what changed (by _lastUpdated, with an overlap). Each page is stored "
                + "with a checkpoint: an interrupted sync goes on from there the next time.",
                "Secrets are read from environment variables, never from the command line.",
                "Exit status: 0 the sync completed, 1 it did not (error, server refused, cancelled)."})
final class SyncCommand implements Callable<Integer> {
    @Mixin
    ServerOptions serverOptions;

    @Option(names = "--types", split = ",", paramLabel = "TYPE",
            description = "Resource types (default: AuditEvent,Consent,Provenance; also Patient, Practitioner, "
                    + "Organization, RelatedPerson)")
    List<String> types;

    @Option(names = "--since", paramLabel = "DATE",
            description = "A first sync starts here (date or date-time, UTC); later syncs go on from their checkpoint")
    String since;

    @Option(names = "--page-size", paramLabel = "N", defaultValue = "500",
            description = "Resources per page asked of the server, 1-1000 (default: ${DEFAULT-VALUE})")
    int pageSize;

    @Option(names = "--quiet", description = "No progress lines on stderr")
    boolean quiet;

    @Mixin
    CacheOption cacheOption;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ServerProfile profile = profile();
        List<String> problems = profile.problems();
        if (!problems.isEmpty()) {
            throw new ParameterException(spec.commandLine(), String.join(" ", problems));
        }
        try {
            profile = serverOptions.signedIn(profile, err);
        } catch (org.custos.fhir.SmartException e) {
            err.println("custos sync: " + e.getMessage());
            return 1;
        }
        Long sinceMillis;
        try {
            sinceMillis = since == null ? null : FhirTimes.parseUserTime(since, false);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--since: cannot read '" + since + "' as a date");
        }
        Cancellation cancel = new Cancellation();
        CountDownLatch finished = new CountDownLatch(1);
        // Ctrl+C: stop after the page being stored, so the checkpoint and the cache agree
        Thread hook = new Thread(() -> {
            cancel.cancel();
            try {
                finished.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "custos-sync-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        SyncReport report;
        Redactor redactor = Redactor.of(profile);
        try (Cache cache = cacheOption.open()) {
            report = new SyncEngine(cache).sync(profile, new SyncEngine.Options(sinceMillis, RetryPolicy.DEFAULT),
                    listener(err, redactor), cancel);
        } catch (RuntimeException e) {
            if (redactor.leaks(e)) {
                throw new IllegalStateException(redactor.clean(e.getMessage() == null ? e.toString()
                        : e.getMessage()));
            }
            throw e;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down already
            }
        }
        for (SyncReport.TypeResult r : report.byType().values()) {
            out.printf(Locale.ROOT, "%-11s %s  (%s, %.1f s)%n", r.type, r.counts(), r.status.name().toLowerCase(
                    Locale.ROOT), r.millis / 1000.0);
            if (r.status != SyncReport.Status.COMPLETED) {
                err.println("custos sync: " + r.type + ": " + redactor.clean(r.message));
            }
        }
        if (!report.note().isEmpty()) {
            err.println("custos sync: " + report.note());
        }
        return report.completed() ? 0 : 1;
    }

    private SyncListener listener(PrintWriter err, Redactor redactor) {
        return new SyncListener() {
            private long lastPrint;
            // a progress line at most every 2 s (custos.sync.progressMillis changes it, e.g. for a test)
            private final long every = Long.getLong("custos.sync.progressMillis", 2000) * 1_000_000L;

            @Override
            public void progress(String type, long done, long total) {
                long now = System.nanoTime();
                if (!quiet && (lastPrint == 0 || now - lastPrint >= every)) {
                    lastPrint = now;
                    err.println(type + ": " + done + (total >= 0 ? " of " + total : "") + " received");
                    err.flush();
                }
            }

            @Override
            public void notice(String type, String message) {
                if (!quiet) {
                    err.println(type + ": " + redactor.clean(message));
                    err.flush();
                }
            }
        };
    }

    private ServerProfile profile() {
        Set<String> t = types == null ? null : new LinkedHashSet<>(types.stream().map(String::trim).toList());
        return serverOptions.profile().withPaging(pageSize, t, 0);
    }
}
