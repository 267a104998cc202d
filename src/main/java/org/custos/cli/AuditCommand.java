package org.custos.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.custos.cache.AuditFilter;
import org.custos.cache.AuditSummary;
import org.custos.cache.Cache;
import org.custos.cache.FhirTimes;
import org.custos.cache.Keyset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "audit", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Lists cached AuditEvents, newest first, with the browser's filters (all combine with AND).",
                "--agent and --entity match the start of an id, name or reference; --patient matches a Patient "
                        + "reference exactly (\"123\" means Patient/123); --text needs every word; all ignore case.",
                "Dates are UTC: --from 2024-05-01 starts that day, --to 2024-05-01 ends it."})
final class AuditCommand implements Callable<Integer> {
    private static final Set<String> ACTIONS = Set.of("C", "R", "U", "D", "E");
    private static final Set<String> OUTCOMES = Set.of("0", "4", "8", "12");

    enum Fmt { csv, json }

    @Option(names = "--from", paramLabel = "DATE", description = "Recorded at or after (date or date-time)")
    String from;
    @Option(names = "--to", paramLabel = "DATE", description = "Recorded at or before (a date means its end)")
    String to;
    @Option(names = "--agent", paramLabel = "X", description = "Agent user id, name or reference")
    String agent;
    @Option(names = "--patient", paramLabel = "X", description = "Patient reference or identifier")
    String patient;
    @Option(names = "--entity", paramLabel = "X", description = "Any entity reference or identifier")
    String entity;
    @Option(names = "--type", paramLabel = "CODE", description = "Event type code (or display)")
    String type;
    @Option(names = "--subtype", paramLabel = "CODE", description = "Event subtype code")
    String subtype;
    @Option(names = "--action", paramLabel = "C|R|U|D|E", description = "Action code")
    String action;
    @Option(names = "--outcome", paramLabel = "0|4|8|12", description = "Outcome code")
    String outcome;
    @Option(names = "--source", paramLabel = "X", description = "Source site or observer contains")
    String source;
    @Option(names = "--purpose", paramLabel = "CODE", description = "purposeOfEvent / purposeOfUse code, e.g. BTG")
    String purpose;
    @Option(names = "--text", paramLabel = "X", description = "Free text")
    String text;
    @Option(names = "--origin", paramLabel = "NAME|URL",
            description = "Only events from this origin: a server's base URL, \"files\", \"demo\" or a name given "
                    + "at import")
    String origin;
    @Option(names = "--flagged", description = "Only events that changed or were deleted at their origin after they "
            + "were first stored (their earlier versions are kept: see custos history)")
    boolean flagged;

    @Option(names = "--own", description = "List Custos's own audit trail too (what its users searched, opened, "
            + "exported and decided; origin \"this Custos\"): left out by default, so that the same query gives the "
            + "same answer twice")
    boolean own;
    @Option(names = "--limit", paramLabel = "N", description = "At most N events (default: all)")
    Integer limit;
    @Option(names = "--format", defaultValue = "csv", description = "csv (default) or json")
    Fmt format;
    @Option(names = "--count", description = "Print only the number of matching events")
    boolean count;
    @Mixin
    CacheOption cacheOption;
    @Spec
    CommandSpec spec;

    AuditFilter filter() {
        if (action != null && !ACTIONS.contains(action.toUpperCase())) {
            throw new ParameterException(spec.commandLine(), "--action must be one of C, R, U, D, E: " + action);
        }
        if (outcome != null && !OUTCOMES.contains(outcome)) {
            throw new ParameterException(spec.commandLine(), "--outcome must be one of 0, 4, 8, 12: " + outcome);
        }
        if (limit != null && limit < 0) {
            throw new ParameterException(spec.commandLine(), "--limit must not be negative: " + limit);
        }
        return new AuditFilter(time("--from", from, false), time("--to", to, true), agent, patient, entity, type,
                subtype, action, outcome, source, purpose, text, origin, flagged, own).normalized();
    }

    private Long time(String option, String value, boolean endOfDay) {
        if (value == null) {
            return null;
        }
        try {
            return FhirTimes.parseUserTime(value, endOfDay);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + " must be a date (2024-05-01) or date-time "
                    + "(2024-05-01T10:00:00Z): " + value);
        }
    }

    @Override
    public Integer call() throws IOException {
        AuditFilter f = filter();
        PrintWriter out = spec.commandLine().getOut();
        try (Cache cache = cacheOption.open()) {
            if (f.origin() != null && cache.origins().find(f.origin()).isEmpty()) {
                throw new ParameterException(spec.commandLine(), "no origin '" + f.origin() + "' in this cache; it "
                        + "has: " + String.join(", ", cache.audit().originNames()));
            }
            CacheOption.trail(cache).query("custos audit" + (count ? " --count" : ""), f.toString(),
                    f.patient() == null ? java.util.List.of() : java.util.List.of(f.patient()));
            if (count) {
                out.println(cache.audit().count(f, limit == null ? Long.MAX_VALUE : limit));
                return 0;
            }
            long max = limit == null ? Long.MAX_VALUE : limit;
            if (format == Fmt.csv) {
                new org.custos.sync.AuditExport(cache).write(f, org.custos.sync.AuditExport.Format.CSV, max, out,
                        n -> { }, () -> false);
            } else {
                try (JsonGenerator g = new JsonFactory().createGenerator(out).useDefaultPrettyPrinter()) {
                    g.writeStartArray();
                    page(cache, f, max, r -> {
                        g.writeStartObject();
                        g.writeStringField("recorded", Instant.ofEpochMilli(r.recorded()).toString());
                        g.writeStringField("origin", r.origin());
                        g.writeStringField("id", r.id());
                        g.writeStringField("type", r.type());
                        g.writeStringField("subtype", r.subtype());
                        g.writeStringField("action", r.action());
                        g.writeStringField("outcome", r.outcome());
                        g.writeStringField("agents", r.agents());
                        g.writeStringField("patients", r.patients());
                        g.writeStringField("entities", r.entities());
                        g.writeStringField("source", r.source());
                        g.writeStringField("purposes", r.purposes());
                        g.writeStringField("flags", r.flags());
                        g.writeEndObject();
                    });
                    g.writeEndArray();
                }
                out.println();
            }
        }
        return 0;
    }

    private interface RowSink {
        void accept(AuditSummary row) throws IOException;
    }

    private static void page(Cache cache, AuditFilter f, long max, RowSink sink) throws IOException {
        Keyset after = null;
        long written = 0;
        while (written < max) {
            int n = (int) Math.min(1000, max - written);
            List<AuditSummary> rows = cache.audit().page(f, after, false, n);
            for (AuditSummary r : rows) {
                sink.accept(r);
            }
            written += rows.size();
            if (rows.size() < n) {
                return;
            }
            after = Keyset.after(rows.get(rows.size() - 1));
        }
    }
}
