package org.custos.sync;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.custos.cache.Cache;
import org.custos.cache.Origins;
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
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Reads FHIR files (Bundles and single resources in JSON or XML, NDJSON; any of them gzipped) into the cache.
 * AuditEvent, Consent, Provenance and the people (Patient, Practitioner, Organization, RelatedPerson) are stored; other types are counted as skipped. What cannot be read goes to
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

        /** A line worth showing while the import ends (the cache is being compacted). */
        default void notice(String message) {
        }
    }

    public static final Listener SILENT = new Listener() {
    };
    static final int BATCH = 1000;
    static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private final Cache cache;
    private final Fhir fhir;
    private final ObjectMapper mapper = new ObjectMapper();

    public Importer(Cache cache, Fhir fhir) {
        this.cache = cache;
        this.fhir = fhir;
    }

    /** Custos's own audit trail is written by Custos only: nothing is imported into its origin. */
    private static void refuseOwnTrail(String originName) {
        if (originName != null && Origins.SELF_NAME.equalsIgnoreCase(originName.trim())) {
            throw new IllegalArgumentException("\"" + Origins.SELF_NAME + "\" is Custos's own audit trail: import "
                    + "into another origin.");
        }
    }

    /**
     * After one import (of one file or several): compacts the cache when the import left it far larger than its
     * content ({@link org.custos.cache.CacheCompaction#afterBulkWrite}: 100,000 events leave about 400 MB, a fifth of
     * it data), noted in {@code total}. Once per import, not per file: each compaction copies the whole cache. Not
     * after a cancelled import (the app's exit or next start compacts it).
     */
    public void afterImport(ImportReport total, Listener listener) {
        if (total.wasCancelled() || listener.isCancelled()) {
            return;
        }
        org.custos.cache.CacheCompaction.afterBulkWrite(cache, listener::notice, listener::isCancelled)
                .ifPresent(total::note);
    }

    /** Imports a file into the origin {@value org.custos.cache.Origins#FILES}. */
    public ImportReport importFile(Path file, Listener listener) {
        return importFile(file, Origins.FILES, listener);
    }

    /**
     * Imports a file into the named origin ("files", or e.g. the base URL of the server the file was exported from:
     * then its resources are the same resources as that server's, compared by id and version).
     */
    public ImportReport importFile(Path file, String originName, Listener listener) {
        refuseOwnTrail(originName);
        ImportReport report = new ImportReport();
        int origin = cache.origins().idOf(originName);
        ImportSession s = new ImportSession(cache, origin, file.toAbsolutePath().normalize().toString(), report,
                listener);
        s.file = file;
        try (InputStream in = open(file)) {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".gz")) {
                name = name.substring(0, name.length() - 3);
            }
            read(in, name, s);
        } catch (IOException e) {
            s.quarantineFile("Cannot read the file: " + e.getMessage(), "");
        } catch (RuntimeException e) {
            s.abort();
            throw e;
        }
        s.finish();
        return report;
    }

    /**
     * Imports a stream (the bundled demo data, a download) into the named origin; {@code name} tells the format by
     * its ending, {@code source} says where it came from (kept with what is quarantined).
     */
    public ImportReport importStream(String originName, String source, InputStream in, String name,
                                     Listener listener) {
        refuseOwnTrail(originName);
        ImportReport report = new ImportReport();
        ImportSession s = new ImportSession(cache, cache.origins().idOf(originName), source, report, listener);
        String originLabel = source;
        try {
            read(new BufferedInputStream(in, 1 << 16), name.toLowerCase(Locale.ROOT), s);
        } catch (IOException e) {
            s.quarantineFile("Cannot read " + originLabel + ": " + e.getMessage(), "");
        } catch (RuntimeException e) {
            s.abort();
            throw e;
        }
        s.finish();
        return report;
    }

    /** What a retry of a quarantined item did: imported (the item is gone from the quarantine) or why not. */
    public record Retry(boolean imported, String message) {
    }

    /**
     * Tries a quarantined item again (after a fix in Custos, or after the file was repaired): a whole file that still
     * exists where it came from is imported again from there; otherwise the item's stored text is imported into its
     * origin. When everything in it can be read now, the item leaves the quarantine; otherwise it stays, with the
     * reason it still cannot be read.
     */
    public Retry retry(org.custos.cache.QuarantineItem item) {
        ImportReport r;
        Path file = null;
        try {
            if (item.source() != null && (item.location().equals("whole file") || item.location().endsWith("onward"))
                    && Files.isRegularFile(Path.of(item.source()))) {
                file = Path.of(item.source());
            }
        } catch (java.nio.file.InvalidPathException e) {
            file = null;
        }
        if (file != null) {
            r = importFile(file, item.originName(), SILENT);
        } else {
            r = new ImportReport();
            ImportSession s = new ImportSession(cache, cache.origins().idOf(item.originName()), item.source(), r,
                    SILENT);
            s.keepQuarantined = false;
            String text = item.content() == null ? "" : item.content();
            try {
                read(new BufferedInputStream(new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))),
                        text.stripLeading().startsWith("<") ? "retry.xml" : "retry.json", s);
            } catch (IOException e) {
                s.quarantine(item.location(), null, null, "Cannot read it: " + e.getMessage(), text);
            } catch (RuntimeException e) {
                s.abort();
                throw e;
            }
            s.finish();
        }
        if (r.quarantined() == 0 && r.resources() > 0) {
            cache.quarantine().delete(List.of(item.id()));
            return new Retry(true, "Imported: " + String.join("; ", r.lines()));
        }
        return new Retry(false, r.problems().isEmpty() ? "Nothing in it could be imported."
                : "It still cannot be read: " + r.problems().get(0));
    }

    static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")) {
            return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return in;
    }

    private void read(InputStream in, String name, ImportSession s) throws IOException {
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

    static String head(InputStream in) throws IOException {
        byte[] b = in.readNBytes(64 * 1024);
        return new String(b, StandardCharsets.UTF_8);
    }

    private void readNdjson(InputStream in, ImportSession s) throws IOException {
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

    /**
     * A JSON file: one resource or Bundle, or several top-level JSON values one after the other (e.g. one resource
     * a line in a .json file): every value is read. What cannot be read from some point on (trailing garbage, a
     * value cut short) is quarantined with its position, and what came before it is kept.
     */
    private void readJson(InputStream in, ImportSession s) throws IOException {
        int value = 0;
        int[] entries = {0};
        long valueLine = 1;
        long valueStart = 0;
        long lastEnd = 0;
        boolean inValue = false;
        try (JsonParser p = mapper.createParser(in)) {
            JsonToken t = p.nextToken();
            while (t != null && !s.cancelled()) {
                value++;
                inValue = true;
                entries[0] = 0;
                valueLine = p.currentTokenLocation().getLineNr();
                valueStart = p.currentTokenLocation().getByteOffset();
                String prefix = value == 1 ? "" : "value " + value + " (line " + valueLine + ")";
                if (t != JsonToken.START_OBJECT) {
                    JsonNode junk = p.readValueAsTree();
                    s.quarantine(prefix.isEmpty() ? "value 1 (line " + valueLine + ")" : prefix, null, null,
                            "Not a FHIR resource: a JSON " + junk.getNodeType().toString().toLowerCase(Locale.ROOT)
                                    + " at the top level of the file", junk.toString());
                } else {
                    readObject(p, s, prefix, entries);
                }
                inValue = false;
                lastEnd = p.currentLocation().getByteOffset();
                t = p.nextToken();
            }
        } catch (JsonProcessingException e) {
            long line = e.getLocation().getLineNr();
            String at = "line " + line + ", column " + e.getLocation().getColumnNr();
            String where;
            String before;
            if (!inValue) {
                // after complete values: what follows them cannot be read
                where = "value " + (value + 1) + " (line " + line + ") onward";
                before = " (the " + value + " JSON value" + (value == 1 ? "" : "s") + " before it were read)";
            } else if (entries[0] > 0) {
                where = (value > 1 ? "value " + value + " " : "") + "entry " + entries[0] + " onward";
                before = " (the " + entries[0] + " entries before it were read)";
            } else {
                where = value > 1 ? "value " + value + " (line " + valueLine + ") onward" : "whole file";
                before = value > 1 ? " (the " + (value - 1) + " JSON values before it were read)" : "";
            }
            // kept from where the unreadable part starts: after the last complete value, or the value it breaks
            s.quarantine(where, null, null, "Not valid JSON at " + at + ": " + e.getOriginalMessage() + before,
                    s.textFrom(inValue ? valueStart : lastEnd).stripLeading());
        }
    }

    /** One top-level JSON object: a resource, or a Bundle whose entries are streamed (bounded memory). */
    private void readObject(JsonParser p, ImportSession s, String prefix, int[] entries) throws IOException {
        ObjectNode top = mapper.createObjectNode();
        boolean bundle = false;
        String entryPrefix = prefix.isEmpty() ? "entry " : prefix + " entry ";
        while (p.nextToken() == JsonToken.FIELD_NAME && !s.cancelled()) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if ("entry".equals(field) && bundle && value == JsonToken.START_ARRAY) {
                while (p.nextToken() != JsonToken.END_ARRAY && !s.cancelled()) {
                    s.entry(p.readValueAsTree(), entryPrefix + entries[0]++);
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
            s.resource(top, null, !prefix.isEmpty() ? prefix : bundle ? "bundle" : "whole file");
        }
    }

    private void readXml(Reader xml, ImportSession s) throws IOException {
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
}
