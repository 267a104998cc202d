package org.custos.demo;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.FhirVersionEnum;
import ca.uhn.fhir.parser.IParser;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;
import org.hl7.fhir.dstu3.model.AuditEvent;
import org.hl7.fhir.dstu3.model.Resource;

/**
 * Generates a realistic, deterministic STU3 audit log of a simulated hospital: ~50 staff users
 * (Practitioners), 500 Patients with care teams, one Organization, and any number of AuditEvents
 * (logins/logouts, REST reads/searches/creates/updates/deletes, disclosures and break-the-glass access).
 *
 * <p>Every event is a pure function of (seed, end, days, index): event {@code i} has id
 * {@code demo-<seed>-<i>} and is identical whether generated alone, in chunks or all at once.
 * The directory depends on the seed only. Working hours, nights and weekends are judged in the hospital's
 * time zone: UTC unless given; {@code recorded} is always written in UTC ({@code ...Z}).
 * Instances are immutable and thread-safe; the FhirContext passed in is shared, never copied.
 */
public final class DemoGenerator {

    /** Events generated and written per chunk when streaming. */
    static final int CHUNK = 1000;

    private final FhirContext ctx;
    private final long seed;
    private final Instant end;
    private final int days;
    private final ZoneId zone;
    private final DemoDirectory dir;
    private final DemoEventFactory factory;

    /** Deterministic for a given seed and end instant. Events spread over {@code days} days ending at {@code end}. */
    public DemoGenerator(FhirContext ctx, long seed, Instant end, int days) {
        this(ctx, seed, end, days, ZoneOffset.UTC);
    }

    /**
     * As {@link #DemoGenerator(FhirContext, long, Instant, int)}, with the simulated hospital in {@code zone}
     * (e.g. {@code ZoneId.systemDefault()} so that a local viewer sees busy days at local working hours).
     * Deterministic for a given (seed, end, days, zone).
     */
    public DemoGenerator(FhirContext ctx, long seed, Instant end, int days, ZoneId zone) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
        if (ctx.getVersion().getVersion() != FhirVersionEnum.DSTU3) {
            throw new IllegalArgumentException("DemoGenerator needs a DSTU3 FhirContext, got "
                + ctx.getVersion().getVersion());
        }
        this.end = Objects.requireNonNull(end, "end");
        if (days < 1) {
            throw new IllegalArgumentException("days must be >= 1: " + days);
        }
        this.zone = Objects.requireNonNull(zone, "zone");
        this.seed = seed;
        this.days = days;
        this.dir = new DemoDirectory(seed);
        this.factory = new DemoEventFactory(dir, new DemoClock(end, days, zone), seed);
    }

    /** End = now truncated to seconds, 90 days, hospital time zone UTC. */
    public DemoGenerator(FhirContext ctx, long seed) {
        this(ctx, seed, Instant.now().truncatedTo(ChronoUnit.SECONDS), 90);
    }

    public long seed() {
        return seed;
    }

    public Instant end() {
        return end;
    }

    public int days() {
        return days;
    }

    public ZoneId zone() {
        return zone;
    }

    /** Organization org-001, Practitioners prac-001..prac-050, Patients pat-0001..pat-0500 (new objects each call). */
    public List<Resource> directory() {
        return DemoResources.all(dir);
    }

    /** The i-th..(i+n-1)-th events; ids are {@code demo-<seed>-<index>}. */
    public List<AuditEvent> events(int fromIndex, int count) {
        checkRange(fromIndex, count);
        List<AuditEvent> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(factory.event(fromIndex + i));
        }
        return out;
    }

    /** Compact JSON collection Bundle: directory() (if requested) followed by events [fromIndex, fromIndex+count). */
    public String bundleJson(int fromIndex, int count, boolean includeDirectory) {
        checkRange(fromIndex, count);
        StringWriter sw = new StringWriter(count * 2200 + (includeDirectory ? 600_000 : 200));
        try {
            writeBundle(sw, fromIndex, count, includeDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sw.toString();
    }

    /**
     * Writes {@code events} events (indices 0..events-1) preceded by the directory. The format follows the
     * file name: {@code .ndjson} (one resource per line) or {@code .json} (one collection Bundle), each
     * optionally followed by {@code .gz}. Streams in chunks of {@value #CHUNK} events.
     */
    public void write(Path out, int events) throws IOException {
        Objects.requireNonNull(out, "out");
        if (events < 0) {
            throw new IllegalArgumentException("events must be >= 0: " + events);
        }
        Path fileName = out.getFileName();
        String name = fileName == null ? "" : fileName.toString().toLowerCase(Locale.ROOT);
        boolean gzip = name.endsWith(".gz");
        String base = gzip ? name.substring(0, name.length() - 3) : name;
        boolean ndjson;
        if (base.endsWith(".ndjson")) {
            ndjson = true;
        } else if (base.endsWith(".json")) {
            ndjson = false;
        } else {
            throw new IllegalArgumentException("Unsupported demo output file '" + out.getFileName()
                + "': accepted suffixes are .ndjson, .ndjson.gz, .json, .json.gz");
        }
        try (OutputStream file = Files.newOutputStream(out);
             OutputStream os = gzip ? new GZIPOutputStream(file, 1 << 16) : file;
             Writer w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16)) {
            if (ndjson) {
                writeNdjson(w, events);
            } else {
                writeBundle(w, 0, events, true);
            }
        }
    }

    private void writeNdjson(Writer w, int events) throws IOException {
        IParser parser = parser();
        for (Resource r : directory()) {
            w.write(parser.encodeResourceToString(r));
            w.write('\n');
        }
        for (int from = 0; from < events; from += CHUNK) {
            for (AuditEvent e : events(from, Math.min(CHUNK, events - from))) {
                w.write(parser.encodeResourceToString(e));
                w.write('\n');
            }
        }
    }

    private void writeBundle(Writer w, int fromIndex, int count, boolean includeDirectory) throws IOException {
        IParser parser = parser();
        w.write("{\"resourceType\":\"Bundle\",\"id\":\"demo-" + seed + "-bundle-" + fromIndex + "-" + count
            + "\",\"type\":\"collection\",\"entry\":[");
        boolean first = true;
        if (includeDirectory) {
            for (Resource r : directory()) {
                first = entry(w, parser, r, first);
            }
        }
        int stop = fromIndex + count;
        for (int from = fromIndex; from < stop; from += CHUNK) {
            for (AuditEvent e : events(from, Math.min(CHUNK, stop - from))) {
                first = entry(w, parser, e, first);
            }
        }
        w.write("]}");
    }

    private static boolean entry(Writer w, IParser parser, Resource r, boolean first) throws IOException {
        if (!first) {
            w.write(',');
        }
        w.write("{\"fullUrl\":\"");
        w.write(DemoCodes.BASE + r.fhirType() + "/" + r.getIdElement().getIdPart());
        w.write("\",\"resource\":");
        w.write(parser.encodeResourceToString(r));
        w.write('}');
        return false;
    }

    private IParser parser() {
        return ctx.newJsonParser().setPrettyPrint(false);
    }

    private static void checkRange(int fromIndex, int count) {
        if (fromIndex < 0 || count < 0 || (long) fromIndex + count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bad event range: from " + fromIndex + ", count " + count);
        }
    }

    /** The simulated hospital behind the data (care teams etc.), for tests in this package. */
    DemoDirectory model() {
        return dir;
    }
}
