package org.custos.cli;

import org.custos.cache.Cache;
import org.custos.cache.CacheException;
import org.custos.cache.Origins;
import org.custos.review.DisclosureReport;
import org.custos.review.DisclosureDefinition;
import org.custos.review.Disclosures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code custos report disclosures --patient REF}: the accounting of disclosures as CSV or PDF. */
@Command(name = "disclosures", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"The accounting of disclosures of one patient (HIPAA §164.528) over a period (default: the "
                + "last six years): every cached AuditEvent about the patient that records a disclosure — an Export "
                + "(DICOM 110106), or a Destination agent (DICOM 110152) that is not one of your own organisations "
                + "(--own-org) — unless its purpose is treatment, payment or operations (v3 ActReason TREAT, HPAYMT, "
                + "HOPERAT and their specialisations). An event naming no purpose is counted. That is the default "
                + "definition; the one kept in the cache (the app's Patient access tab: 'What counts as a "
                + "disclosure…') applies when it was changed there, and --own-org adds to its own organisations.",
                "CSV: a header row (" + "date,recipient,disclosed,purpose,event,origin" + "), one row per disclosure. "
                        + "PDF: a header with the patient, the period, who produced it and when; page numbers.",
                "Exit status: 0 written (also when there is no disclosure); 1 an error (bad argument, an existing "
                        + "output file, the cache)."})
final class ReportDisclosuresCommand implements Callable<Integer> {
    @Option(names = "--patient", required = true, paramLabel = "REF", description = "The patient (Patient/id or id)")
    String patient;

    @Option(names = "--from", paramLabel = "DATE", description = "Recorded at or after: YYYY-MM-DD (in --tz) or a "
            + "dateTime (default: six years before --to)")
    String from;

    @Option(names = "--to", paramLabel = "DATE", description = "Recorded at or before (a date: to its end; default now)")
    String to;

    @Option(names = "--format", required = true, paramLabel = "csv|pdf", description = "csv or pdf")
    String format;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "The file to write (a new "
            + "file: an existing one is not overwritten)")
    Path output;

    @Option(names = "--own-org", paramLabel = "REF|NAME", description = "One of your own organisations (its "
            + "reference or name; repeatable, added to those the kept definition names): a Destination that is one of "
            + "them is no disclosure")
    List<String> ownOrgs = List.of();

    @Option(names = "--tz", paramLabel = "ZONE", description = "Time zone of the dates given and printed (default: the "
            + "system's)")
    String tz;

    @Option(names = "--origin", paramLabel = "NAME|URL", description = "The origin whose patient this is (needed when "
            + "several origins hold events of that patient reference: they may be different people)")
    String origin;

    @Mixin
    CacheOption cacheOption;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        if (!format.equals("csv") && !format.equals("pdf")) {
            throw new ParameterException(spec.commandLine(), "--format: csv or pdf, not '" + format + "'");
        }
        ZoneId zone = CliDates.zone(spec, tz);
        Instant now = Instant.now();
        Instant hi = to == null ? now : CliDates.instant(spec, "--to", to, true, zone);
        Instant lo = from == null ? hi.plusMillis(1).atZone(zone).minusYears(6).toInstant()
                : CliDates.instant(spec, "--from", from, false, zone);
        if (hi.isBefore(lo)) {
            throw new ParameterException(spec.commandLine(), "the period ends before it starts");
        }
        if (Files.exists(output)) {
            return fail(err, output + " exists already: name a new file");
        }
        try (Cache cache = cacheOption.open()) {
            Integer originId = null;
            if (origin != null) {
                originId = cache.origins().find(Origins.normalize(origin)).map(Origins.Origin::id).orElse(null);
                if (originId == null) {
                    return fail(err, "no origin " + origin + " in the cache");
                }
            }
            CacheOption.trail(cache).export("custos report disclosures (" + format + ") to " + output.toAbsolutePath(),
                    "patient=" + patient + " from=" + lo + " to=" + hi + (origin == null ? "" : " origin=" + origin),
                    List.of(org.custos.trail.Looks.inOrigin(origin == null ? null : Origins.normalize(origin),
                            patient.contains("/") ? patient : "Patient/" + patient)));
            // the definition read once: the PDF names the one applied
            DisclosureDefinition.Applied applied = DisclosureDefinition.applied(cache, zone);
            DisclosureDefinition definition = applied.definition();
            String definitionText = applied.description();
            Disclosures.Accounting a = new Disclosures(cache).account(patient, originId, lo, hi,
                    definition.withMoreOwnOrganisations(ownOrgs).rule(), () -> false);
            if (origin == null && a.origins().size() > 1) {
                return fail(err, "events of " + patient + " come from " + a.origins().size() + " origins ("
                        + String.join(", ", a.origins()) + "): the same reference may name different people there; "
                        + "name one with --origin");
            }
            DisclosureReport report = new DisclosureReport(zone);
            // written beside the target under a temporary name and moved in when complete: a failure leaves nothing
            Path tmp = Files.createTempFile(output.toAbsolutePath().getParent(), "." + output.getFileName(), ".part");
            try {
                if (format.equals("csv")) {
                    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                        report.csv(a, w);
                    }
                } else {
                    try (OutputStream o = Files.newOutputStream(tmp)) {
                        report.pdf(a, name(cache, a.patient(), a.origins()), System.getProperty("user.name", "?"), now,
                                definitionText + (ownOrgs.isEmpty() ? ""
                                        : ", with the own organisations " + String.join(", ", ownOrgs)), o);
                    }
                }
                Files.move(tmp, output, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            out.println(a.disclosures().size() + " disclosure" + (a.disclosures().size() == 1 ? "" : "s") + " of "
                    + patient + " in " + a.checked() + " recorded accesses, written to " + output);
            if (a.unreadable() > 0) {
                err.println("custos report disclosures: " + a.unreadable() + " events could not be read and are not "
                        + "in the report");
            }
            out.flush();
            return 0;
        } catch (IOException | CacheException e) {
            return fail(err, e.getMessage());
        }
    }

    /** The patient's name in the directory of the origin the events came from; null when it has none. */
    private static String name(Cache cache, String patient, List<String> origins) {
        String ref = patient.contains("/") ? patient : "Patient/" + patient;
        for (String o : origins) {
            Map<String, String> n = cache.people().namesOf(o, List.of(ref));
            if (n.containsKey(ref)) {
                return n.get(ref);
            }
        }
        return null;
    }

    private static int fail(PrintWriter err, String message) {
        err.println("custos report disclosures: " + message);
        err.flush();
        return 1;
    }
}
