package org.custos.sync;

import org.custos.cache.Cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/** Writes cached resources exactly as stored: NDJSON (one per line) or a JSON collection Bundle. */
public final class Exporter {
    public enum Format { NDJSON, JSON }

    private final Cache cache;

    public Exporter(Cache cache) {
        this.cache = cache;
    }

    /** Returns how many resources were written (of AuditEvents: Custos's own trail too). */
    public long export(String type, Format format, Writer out) throws IOException {
        return export(type, format, true, out);
    }

    /** {@link #export(String, Format, Writer)}; of AuditEvents, Custos's own trail only when {@code own}. */
    public long export(String type, Format format, boolean own, Writer out) throws IOException {
        long[] n = {0};
        try {
            if (format == Format.JSON) {
                out.write("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[");
            }
            java.util.function.Consumer<String> sink = raw -> {
                try {
                    if (format == Format.JSON) {
                        out.write(n[0] == 0 ? "\n{\"resource\":" : ",\n{\"resource\":");
                        out.write(raw);
                        out.write('}');
                    } else {
                        out.write(raw);
                        out.write('\n');
                    }
                    n[0]++;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
            if ("AuditEvent".equals(type)) {
                cache.audit().forEachRaw(own, sink);
            } else {
                cache.resources().forEachRaw(type, sink);
            }
            if (format == Format.JSON) {
                out.write("\n]}\n");
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        out.flush();
        return n[0];
    }
}
