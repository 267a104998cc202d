package org.custos.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.custos.cache.Cache;
import org.custos.cache.CacheException;
import org.custos.consent.ConsentCheck;
import org.custos.consent.ConsentCheck.Counts;
import org.custos.consent.ConsentCheck.Finding;
import org.custos.consent.ConsentCheck.Verdict;
import org.custos.fhir.Fhir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/** {@code custos consent check}: past access against the consents in force at the time (see {@link ConsentCheck}). */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Checks every cached AuditEvent that touched a patient's data against the patient's consents "
                + "(of the event's own origin) as they were when the event was recorded, and prints one line per "
                + "event that would have been denied, with its id and the deciding rule.",
                "Events lacking a fact a consent needs (no purpose, no agent reference, …) are undecidable, never "
                        + "permitted: --undecidable lists them too. Counts go to stderr.",
                "Exit status: 0 checked (whatever was found), 1 error (bad argument, unknown origin, cache)."})
final class ConsentCheckCommand implements Callable<Integer> {
    static final List<String> HEADER = List.of("verdict", "event", "origin", "recorded", "agent", "action",
            "purpose", "consent", "rule", "detail");

    @Option(names = "--patient", paramLabel = "REF", description = "The patient (Patient/id or id)")
    String patient;

    @Option(names = "--all-patients", description = "Every patient a cached consent is about")
    boolean all;

    @Option(names = "--origin", paramLabel = "NAME|URL", description = "Only events (and consents) of this origin")
    String origin;

    @Option(names = "--from", paramLabel = "DATE", description = "Recorded at or after: YYYY-MM-DD (UTC) or a dateTime")
    String from;

    @Option(names = "--to", paramLabel = "DATE", description = "Recorded at or before (a date: to its end)")
    String to;

    @Option(names = "--format", paramLabel = "csv|json", description = "csv (default, with a header) or json (one "
            + "object per line)")
    String format = "csv";

    @Option(names = "--undecidable", description = "Also list the undecidable events (verdict column)")
    boolean undecidable;

    @Mixin
    CacheOption cacheOption;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if ((patient == null) == !all) {
            throw new ParameterException(spec.commandLine(), "give --patient REF or --all-patients");
        }
        if (!format.equals("csv") && !format.equals("json")) {
            throw new ParameterException(spec.commandLine(), "--format: csv or json, not '" + format + "'");
        }
        Instant lo = from == null ? null : CliDates.instant(spec, "--from", from, false, ZoneOffset.UTC);
        Instant hi = to == null ? null : CliDates.instant(spec, "--to", to, true, ZoneOffset.UTC);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Fhir fhir = new Fhir();
        try (Cache cache = cacheOption.open();
             CSVPrinter csv = format.equals("csv") ? new CSVPrinter(out, CSVFormat.RFC4180.builder()
                     .setHeader(HEADER.toArray(String[]::new)).get()) : null) {
            ObjectMapper json = new ObjectMapper();
            ConsentCheck check = new ConsentCheck(cache,
                    text -> text.stripLeading().startsWith("<") ? fhir.readOne(text).json() : text);
            Consumer<Finding> sink = f -> {
                if (f.verdict() == Verdict.DENIED || undecidable) {
                    write(f, csv, json, out);
                }
            };
            CacheOption.trail(cache).query("custos consent check", (all ? "all patients" : "patient=" + patient)
                    + " from=" + lo + " to=" + hi + (origin == null ? "" : " origin=" + origin),
                    all ? java.util.List.of() : java.util.List.of(patient));
            Counts c;
            try {
                c = all ? check.checkAll(origin, lo, hi, () -> false, sink)
                        : check.check(patient, origin, lo, hi, () -> false, sink);
            } catch (IllegalArgumentException e) {
                err.println("custos consent check: " + e.getMessage());
                return 1;
            }
            out.flush();
            for (String n : check.notes()) {
                err.println("custos consent check: note: " + n);
            }
            err.println("checked " + c.checked() + " events: " + c.denied() + " denied, " + c.undecidable()
                    + " undecidable" + (c.unreadable() > 0 ? " (" + c.unreadable() + " unreadable)" : "") + ", "
                    + c.permitted() + " permitted, " + c.noConsent() + " without a consent in force");
            return 0;
        } catch (IOException e) {
            err.println("custos consent check: " + e.getMessage());
            return 1;
        } catch (CacheException e) {
            err.println("custos consent check: " + e.getMessage());
            return 1;
        }
    }

    private static void write(Finding f, CSVPrinter csv, ObjectMapper json, PrintWriter out) {
        String[] v = {f.verdict().word(), f.eventId(), f.origin(), f.recorded().toString(), f.agent(), f.action(),
            f.purpose(), f.consent(), f.rule(), f.detail()};
        try {
            if (csv != null) {
                Object[] safe = new Object[v.length];
                for (int i = 0; i < v.length; i++) {
                    safe[i] = Csv.safe(v[i]);
                }
                csv.printRecord(safe);
            } else {
                ObjectNode o = json.createObjectNode();
                for (int i = 0; i < v.length; i++) {
                    o.put(HEADER.get(i), v[i]);
                }
                out.println(json.writeValueAsString(o));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
