package org.custos.cli;

import org.custos.cache.AlertList;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.custos.cache.Cache;
import org.custos.cache.CacheException;
import org.custos.cache.Origins;
import org.custos.rules.AlertEngine;
import org.custos.rules.Rule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code custos alerts}: what the suspicious-access rules found in the cached AuditEvents. */
@Command(name = "alerts", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"The suspicious-access alerts, one row per alert: rule,user,patient,first,last,events,detail "
                + "(user = the agent's userId value, else its reference). The rules judge events as they are imported "
                + "or synced; whatever is not judged yet is judged first.",
                "Rules: after-hours, volume, same-surname, vip, break-glass, failed-logins, changed-deleted (their "
                        + "settings: the app's Alerts tab, or a settings file).",
                "Exit status: 0 listed (also when there is none); 1 an error."})
final class AlertsCommand implements Callable<Integer> {
    static final List<String> HEADER = List.of("rule", "user", "patient", "first", "last", "events", "detail");

    @Option(names = "--rule", paramLabel = "NAME", description = "Only this rule (repeatable)")
    List<String> rules = List.of();

    @Option(names = "--from", paramLabel = "DATE", description = "Alerts reaching into the time from: YYYY-MM-DD (in "
            + "--tz) or a dateTime")
    String from;

    @Option(names = "--to", paramLabel = "DATE", description = "Alerts starting at or before (a date: its end)")
    String to;

    @Option(names = "--tz", paramLabel = "ZONE", description = "Time zone of the dates given and printed (default: the "
            + "system's)")
    String tz;

    @Option(names = "--format", paramLabel = "csv|json", description = "csv (default) or json")
    String format = "csv";

    @Option(names = "--origin", paramLabel = "NAME|URL", description = "Only alerts about events of this origin")
    String origin;

    @Mixin
    CacheOption cacheOption;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!format.equals("csv") && !format.equals("json")) {
            throw new ParameterException(spec.commandLine(), "--format: csv or json, not '" + format + "'");
        }
        Set<String> names = new LinkedHashSet<>();
        for (String r : rules) {
            names.add(Rule.of(r).orElseThrow(() -> new ParameterException(spec.commandLine(), "--rule: no rule '" + r
                    + "' (rules: " + Rule.names() + ")")).id());
        }
        ZoneId zone = CliDates.zone(spec, tz);
        long lo = from == null ? Long.MIN_VALUE : CliDates.instant(spec, "--from", from, false, zone).toEpochMilli();
        long hi = to == null ? Long.MAX_VALUE : CliDates.instant(spec, "--to", to, true, zone).toEpochMilli();
        if (hi < lo) {
            throw new ParameterException(spec.commandLine(), "the period ends before it starts");
        }
        try (Cache cache = cacheOption.open()) {
            Integer originId = null;
            if (origin != null) {
                originId = cache.origins().find(Origins.normalize(origin)).map(Origins.Origin::id).orElse(null);
                if (originId == null) {
                    err.println("custos alerts: no origin " + origin + " in the cache");
                    return 1;
                }
            }
            CacheOption.trail(cache).query("custos alerts", "rules=" + names + " from=" + from + " to=" + to
                    + (origin == null ? "" : " origin=" + origin), List.of());
            AlertEngine.Result judged = new AlertEngine(cache, Clock.systemUTC(), ZoneId.systemDefault())
                    .catchUp(() -> false, n -> { });
            if (judged.unreadable() > 0) {
                err.println("custos alerts: " + judged.unreadable() + " events could not be read by the rules");
            }
            List<AlertList.AlertRow> rows = cache.alertList().list(names, lo, hi, originId, Integer.MAX_VALUE);
            DateTimeFormatter time = DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(zone);
            if (format.equals("csv")) {
                try (CSVPrinter p = new CSVPrinter(out, CSVFormat.RFC4180.builder()
                        .setHeader(HEADER.toArray(String[]::new)).build())) {
                    for (AlertList.AlertRow a : rows) {
                        p.printRecord(a.rule(), Csv.safe(a.user()), Csv.safe(a.patient()),
                                time.format(Instant.ofEpochMilli(a.first())), time.format(Instant.ofEpochMilli(a.last())),
                                a.events(), Csv.safe(a.detail()));
                    }
                }
            } else {
                ObjectMapper m = new ObjectMapper();
                ArrayNode all = m.createArrayNode();
                for (AlertList.AlertRow a : rows) {
                    ObjectNode o = all.addObject();
                    o.put("rule", a.rule());
                    o.put("user", a.user());
                    o.put("patient", a.patient());
                    o.put("first", time.format(Instant.ofEpochMilli(a.first())));
                    o.put("last", time.format(Instant.ofEpochMilli(a.last())));
                    o.put("events", a.events());
                    o.put("detail", a.detail());
                    o.put("origin", cache.origins().nameOf(a.originId()));
                    o.put("status", a.status());
                }
                out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(all));
            }
            out.flush();
            return 0;
        } catch (IOException | CacheException e) {
            err.println("custos alerts: " + e.getMessage());
            err.flush();
            return 1;
        }
    }
}
