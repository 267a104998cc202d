package org.custos.sync;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.custos.cache.AuditFilter;
import org.custos.cache.AuditSummary;
import org.custos.cache.Cache;
import org.custos.cache.Keyset;

import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * The AuditEvents a filter finds, written out (the browser's "Export…", issue 13): CSV with the browser's columns
 * (a header row; formula-like cells quoted), or the stored resources themselves — JSON (an array) or NDJSON (one a
 * line) — newest first, a thousand at a time; stops between pages when cancelled.
 */
public final class AuditExport {
    public enum Format { CSV, JSON, NDJSON }

    public static final List<String> HEADER = List.of("recorded", "origin", "id", "type", "subtype", "action",
            "outcome", "agents", "patients", "entities", "source", "purposes", "flags");

    private final Cache cache;

    public AuditExport(Cache cache) {
        this.cache = cache;
    }

    /**
     * Writes up to {@code max} events of {@code filter}; {@code progress} hears how many so far.
     *
     * @return how many were written; fewer than found when {@code cancelled} said so (the caller drops the file)
     */
    public long write(AuditFilter filter, Format format, long max, Writer out, LongConsumer progress,
                      BooleanSupplier cancelled) throws IOException {
        long[] n = {0};
        switch (format) {
            case CSV -> {
                CSVPrinter csv = new CSVPrinter(out, CSVFormat.RFC4180.builder().setHeader(HEADER.toArray(String[]::new))
                        .get());
                pages(filter, max, cancelled, r -> {
                    csv.printRecord(Instant.ofEpochMilli(r.recorded()), safe(r.origin()), safe(r.id()), safe(r.type()),
                            safe(r.subtype()), safe(r.action()), safe(r.outcome()), safe(r.agents()),
                            safe(r.patients()), safe(r.entities()), safe(r.source()), safe(r.purposes()), r.flags());
                    progress.accept(++n[0]);
                });
                csv.flush();
            }
            case JSON, NDJSON -> {
                boolean json = format == Format.JSON;
                if (json) {
                    out.write("[\n");
                }
                pages(filter, max, cancelled, r -> {
                    String raw = cache.audit().raw(r.pk()).orElseThrow(() -> new IOException("the text of AuditEvent/"
                            + r.id() + " is missing from the cache"));
                    if (json && n[0] > 0) {
                        out.write(",\n");
                    }
                    out.write(raw);
                    if (!json) {
                        out.write('\n');
                    }
                    progress.accept(++n[0]);
                });
                if (json) {
                    out.write("\n]\n");
                }
            }
        }
        out.flush();
        return n[0];
    }

    private static String safe(String s) {
        return CsvCells.safe(s);
    }

    private interface RowSink {
        void accept(AuditSummary row) throws IOException;
    }

    private void pages(AuditFilter f, long max, BooleanSupplier cancelled, RowSink sink) throws IOException {
        Keyset after = null;
        long written = 0;
        while (written < max && !cancelled.getAsBoolean()) {
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
