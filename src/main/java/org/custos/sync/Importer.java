package org.custos.sync;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.custos.cache.AuditExtractor;
import org.custos.cache.AuditStore;
import org.custos.cache.Cache;
import org.custos.cache.IncomingResource;
import org.custos.cache.InvalidResourceException;
import org.custos.cache.UpsertCounts;
import org.custos.fhir.Fhir;
import org.custos.fhir.FhirFormatException;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Reads FHIR files (Bundles and single resources in JSON or XML, NDJSON; any of them gzipped) into the cache.
 * AuditEvent, Consent and Provenance are stored; other types are counted as skipped. What cannot be read goes to
 * the quarantine with its reason and the rest goes on. Each batch of 1,000 is one transaction, so a cancelled
 * import leaves a consistent cache, and importing the same resources again changes nothing.
 */
public final class Importer {
    /** Progress and cooperative cancel; called on the importing thread. */
    public interface Listener {
        default void progress(long resources) {
        }

        default boolean isCancelled() {
            return false;
        }
    }

    public static final Listener SILENT = new Listener() {
    };
    static final int BATCH = 1000;
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private final Cache cache;
    private final Fhir fhir;
    private final ObjectMapper mapper = new ObjectMapper();

    public Importer(Cache cache, Fhir fhir) {
        this.cache = cache;
        this.fhir = fhir;
    }

    public ImportReport importFile(Path file, Listener listener) {
        ImportReport report = new ImportReport();
        int origin = cache.origins().idOf("file", file.toAbsolutePath().normalize().toString());
        Session s = new Session(origin, report, listener);
        s.file = file;
        try (InputStream in = open(file)) {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".gz")) {
                name = name.substring(0, name.length() - 3);
            }
            read(in, name, s);
        } catch (IOException e) {
            s.quarantineFile("Cannot read the file: " + e.getMessage(), "");
        }
        s.finish();
        return report;
    }

    /** Imports a stream (the bundled demo data, a download); {@code name} tells the format by its ending. */
    public ImportReport importStream(String originKind, String originLabel, InputStream in, String name,
                                     Listener listener) {
        ImportReport report = new ImportReport();
        Session s = new Session(cache.origins().idOf(originKind, originLabel), report, listener);
        try {
            read(new BufferedInputStream(in, 1 << 16), name.toLowerCase(Locale.ROOT), s);
        } catch (IOException e) {
            s.quarantineFile("Cannot read " + originLabel + ": " + e.getMessage(), "");
        }
        s.finish();
        return report;
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")) {
            return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return in;
    }

    private void read(InputStream in, String name, Session s) throws IOException {
        if (name.endsWith(".ndjson") || name.endsWith(".jsonl")) {
            readNdjson(in, s);
            return;
        }
        in.mark(4096);
        int first;
        do {
            first = in.read();
        } while (first == ' ' || first == '\n' || first == '\r' || first == '\t' || first == 0xEF || first == 0xBB
                || first == 0xBF);
        in.reset();
        if (first == '<') {
            readXml(new InputStreamReader(in, StandardCharsets.UTF_8), s);
        } else if (first == '{') {
            readJson(in, s);
        } else if (first == -1) {
            s.quarantineFile("The file is empty", "");
        } else {
            s.quarantineFile("Not FHIR JSON, XML or NDJSON: it starts with '" + (char) first + "'", head(in));
        }
    }

    private static String head(InputStream in) throws IOException {
        byte[] b = in.readNBytes(64 * 1024);
        return new String(b, StandardCharsets.UTF_8);
    }

    private void readNdjson(InputStream in, Session s) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        String line;
        long n = 0;
        while ((line = r.readLine()) != null && !s.cancelled()) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            String where = "line " + n;
            JsonNode node;
            try {
                node = mapper.readTree(line);
            } catch (JsonProcessingException e) {
                s.quarantine(where, null, null, "Not valid JSON: " + e.getOriginalMessage(), line);
                continue;
            }
            if (!(node instanceof ObjectNode obj)) {
                s.quarantine(where, null, null, "Not a JSON object", line);
                continue;
            }
            s.resource(obj, null, where);
        }
    }

    private void readJson(InputStream in, Session s) throws IOException {
        int entries = 0;
        try (JsonParser p = mapper.createParser(in)) {
            p.nextToken();
            ObjectNode top = mapper.createObjectNode();
            boolean bundle = false;
            while (p.nextToken() == JsonToken.FIELD_NAME && !s.cancelled()) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("entry".equals(field) && bundle && value == JsonToken.START_ARRAY) {
                    // stream the entries: a Bundle of any size is read with bounded memory
                    while (p.nextToken() != JsonToken.END_ARRAY && !s.cancelled()) {
                        s.entry(p.readValueAsTree(), "entry " + entries++);
                    }
                    continue;
                }
                JsonNode node = p.readValueAsTree();
                top.set(field, node);
                if ("resourceType".equals(field)) {
                    bundle = "Bundle".equals(node.asText());
                }
            }
            if (!s.cancelled()) {
                s.resource(top, null, bundle ? "bundle" : "whole file");
            }
        } catch (JsonProcessingException e) {
            String where = entries > 0 ? "entry " + entries + " onward" : "whole file";
            s.quarantine(where, null, null, "Not valid JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage()
                    + (entries > 0 ? " (the " + entries + " entries before it were read)" : ""), "");
        }
    }

    private void readXml(Reader xml, Session s) throws IOException {
        List<String> resources;
        try {
            resources = fhir.xmlToJsonResources(xml);
        } catch (FhirFormatException e) {
            s.quarantineFile("Not a readable STU3 XML resource: " + e.getMessage(), "");
            return;
        }
        int i = 0;
        for (String json : resources) {
            if (s.cancelled()) {
                break;
            }
            s.resource((ObjectNode) mapper.readTree(json), null, resources.size() == 1 ? "whole file" : "entry " + i);
            i++;
        }
    }

    /**
     * One import: batches, counts, quarantine. Parsing runs on the caller's thread and writing on a second one,
     * at most two batches ahead, so the two overlap on a multi-core machine.
     */
    private final class Session {
        private final java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors
                .newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "custos-import-writer");
                    t.setDaemon(true);
                    return t;
                });
        private final java.util.ArrayDeque<java.util.concurrent.Future<?>> pending = new java.util.ArrayDeque<>();
        private final int origin;
        private final ImportReport report;
        private final Listener listener;
        private final List<AuditStore.Item> audit = new ArrayList<>(BATCH);
        private final List<IncomingResource> others = new ArrayList<>();
        private long done;
        private Path file;

        Session(int origin, ImportReport report, Listener listener) {
            this.origin = origin;
            this.report = report;
            this.listener = listener;
        }

        boolean cancelled() {
            if (listener.isCancelled()) {
                report.cancelled();
                return true;
            }
            return false;
        }

        void entry(JsonNode entry, String where) {
            JsonNode res = entry.get("resource");
            if (res == null || res.isNull()) {
                return; // e.g. a DELETE request entry: nothing to store
            }
            if (!(res instanceof ObjectNode obj)) {
                quarantine(where, null, null, "entry.resource is not a JSON object", entry.toString());
                return;
            }
            String fullUrl = entry.path("fullUrl").asText("");
            String fallback = fullUrl.startsWith("urn:uuid:") ? fullUrl.substring(9) : null;
            resource(obj, fallback, where);
        }

        void resource(ObjectNode tree, String fallbackId, String where) {
            String type = tree.path("resourceType").asText(null);
            if (type == null || type.isBlank()) {
                quarantine(where, null, null, "No resourceType: not a FHIR resource", tree.toString());
                return;
            }
            if ("Bundle".equals(type)) {
                JsonNode entries = tree.path("entry");
                for (int i = 0; i < entries.size(); i++) {
                    entry(entries.get(i), where + (where.startsWith("entry") ? "." : " entry ") + i);
                }
                return;
            }
            if (!type.equals("AuditEvent") && !type.equals("Consent") && !type.equals("Provenance")) {
                synchronized (this) {
                    report.counts(type).skipped++;
                }
                return;
            }
            String json = tree.toString();
            IncomingResource r = IncomingResource.of(tree, json, fallbackId, where);
            if (r.id() == null) {
                r = new IncomingResource(type, "h" + Long.toHexString(r.contentHash()), r.versionId(),
                        r.lastUpdated(), tree, json, where);
            } else if (!FHIR_ID.matcher(r.id()).matches()) {
                quarantine(where, type, r.id(), "'" + r.id() + "' is not a valid FHIR id (letters, digits, '-' "
                        + "and '.', at most 64)", json);
                return;
            }
            if (type.equals("AuditEvent")) {
                try {
                    audit.add(new AuditStore.Item(r, AuditExtractor.extract(tree)));
                } catch (InvalidResourceException e) {
                    quarantine(where, type, r.id(), e.getMessage(), json);
                    return;
                }
                if (audit.size() >= BATCH) {
                    flush();
                }
            } else {
                others.add(r);
                if (others.size() >= BATCH) {
                    flush();
                }
            }
        }

        void flush() {
            if (audit.isEmpty() && others.isEmpty()) {
                return;
            }
            List<AuditStore.Item> a = List.copyOf(audit);
            List<IncomingResource> o = List.copyOf(others);
            audit.clear();
            others.clear();
            pending.add(writer.submit(() -> {
                if (!a.isEmpty()) {
                    add("AuditEvent", cache.audit().upsert(origin, a));
                }
                for (String type : List.of("Consent", "Provenance")) {
                    List<IncomingResource> ofType = o.stream().filter(r -> r.type().equals(type)).toList();
                    if (!ofType.isEmpty()) {
                        add(type, cache.resources().upsert(origin, ofType));
                    }
                }
            }));
            done += a.size() + o.size();
            while (pending.size() > 2) {
                await(pending.removeFirst());
            }
            listener.progress(done);
        }

        /** Writes what is left and waits for the writer; a write failure surfaces here. */
        void finish() {
            try {
                flush();
                while (!pending.isEmpty()) {
                    await(pending.removeFirst());
                }
            } finally {
                writer.shutdown();
            }
        }

        private void await(java.util.concurrent.Future<?> f) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Import interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                // the remaining batches are not written: drop them and report the first failure
                pending.forEach(p -> p.cancel(false));
                pending.clear();
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            }
        }

        private synchronized void add(String type, UpsertCounts c) {
            ImportReport.Counts counts = report.counts(type);
            counts.added += c.added();
            counts.updated += c.updated();
            counts.unchanged += c.unchanged();
        }

        void quarantineFile(String reason, String content) {
            quarantine("whole file", null, null, reason, content);
        }

        /** The start of the file, kept with a file-level problem so the user sees what was there. */
        private String fileHead() {
            if (file == null) {
                return "";
            }
            try (InputStream in = open(file)) {
                return head(in);
            } catch (IOException e) {
                return "";
            }
        }

        void quarantine(String where, String type, String id, String reason, String content) {
            cache.quarantine().add(origin, where, type, id, reason, content.isEmpty() ? fileHead() : content);
            synchronized (this) {
                report.counts(type == null ? "(unreadable)" : type).quarantined++;
            }
            report.problem(where + (id != null ? " (" + type + "/" + id + ")" : "") + ": " + reason);
        }
    }
}
