package org.custos.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.custos.cache.AuditStore;
import org.custos.cache.Cache;
import org.custos.cache.IncomingResource;
import org.custos.cache.UpsertCounts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One import: batches, counts, quarantine. Parsing runs on the caller's thread and writing on a second one,
 * at most two batches ahead, so the two overlap on a multi-core machine.
 */
final class ImportSession {
    private final java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors
            .newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "custos-import-writer");
                t.setDaemon(true);
                return t;
            });
    private final java.util.ArrayDeque<java.util.concurrent.Future<?>> pending = new java.util.ArrayDeque<>();
    private final Cache cache;
    private final int origin;
    /** "Type/id" of the resources of other types this origin holds or this import keeps (they contain Provenance). */
    private final java.util.Set<String> held;
    private final String source;
    private final ImportReport report;
    private final Importer.Listener listener;
    private final List<AuditStore.Item> audit = new ArrayList<>(Importer.BATCH);
    private final List<IncomingResource> others = new ArrayList<>();
    private long done;
    Path file;
    /** False for a retry of a quarantined item: what still cannot be read is reported, not quarantined again. */
    boolean keepQuarantined = true;

    ImportSession(Cache cache, int origin, String source, ImportReport report, Importer.Listener listener) {
        this.cache = cache;
        this.origin = origin;
        this.source = source;
        this.report = report;
        this.listener = listener;
        this.held = cache.resources().heldOfOtherTypes(origin, Incoming.KEPT_TYPES);
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
        Incoming.Result result = Incoming.sort(tree, type, fallbackId, where);
        if (result instanceof Incoming.Audit a) {
            audit.add(a.item());
            if (audit.size() >= Importer.BATCH) {
                flush();
            }
        } else if (result instanceof Incoming.Other o) {
            if (!Incoming.KEPT_TYPES.contains(type)) {
                synchronized (held) {
                    held.add(type + "/" + o.resource().id());
                }
            }
            others.add(o.resource());
            if (others.size() >= Importer.BATCH) {
                flush();
            }
        } else if (result instanceof Incoming.Bad bad) {
            quarantine(bad.entry().location(), type, bad.entry().id(), bad.entry().reason(), bad.entry().content());
        } else if (heldAlready(type, tree)) {
            // a type Custos keeps only for its contained Provenance: a later version without one still replaces
            // the version the cache holds (otherwise the old one, and its Provenance, would stay current)
            others.add(IncomingResource.of(tree, fallbackId, where));
            if (others.size() >= Importer.BATCH) {
                flush();
            }
        } else {
            synchronized (this) {
                report.counts(type).skipped++;
            }
        }
    }

    /**
     * Whether this origin holds (or this import keeps) a resource of this otherwise skipped type and id: it came with a
     * Provenance. From memory, not a query per resource. (A newest-first history of such a resource within one file
     * keeps its older version with the Provenance: the newer one was skipped before the older arrived.)
     */
    private boolean heldAlready(String type, ObjectNode tree) {
        String id = tree.path("id").asText("");
        synchronized (held) {
            return !id.isEmpty() && held.contains(type + "/" + id);
        }
    }

    void flush() {
        if (audit.isEmpty() && others.isEmpty()) {
            return;
        }
        // the texts are packed here, on the parsing thread, which has time to spare while the writer stores
        AuditStore.Batch a = AuditStore.batch(origin, audit);
        List<IncomingResource> o = List.copyOf(others);
        audit.clear();
        others.clear();
        pending.add(writer.submit(() -> {
            if (!a.items().isEmpty()) {
                add("AuditEvent", cache.audit().upsert(origin, a));
            }
            // the kept types in their order, then any other type (resources that contain a Provenance)
            java.util.Set<String> types = new java.util.LinkedHashSet<>(Incoming.RESOURCE_TYPES);
            o.forEach(r -> types.add(r.type()));
            for (String type : types) {
                List<IncomingResource> ofType = o.stream().filter(r -> r.type().equals(type)).toList();
                if (!ofType.isEmpty()) {
                    add(type, cache.resources().upsert(origin, ofType));
                }
            }
        }));
        done += a.items().size() + o.size();
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
        } catch (RuntimeException e) {
            abort();
            throw e;
        } finally {
            writer.shutdown();
        }
        prepareChecks(cache, !report.wasCancelled(), listener::isCancelled);
    }

    /**
     * Counts the days of the large patients just written (see {@code PatientAccess.prepare}), so that their first
     * check of past access is as fast as the next: after the data is stored, and never at its cost (a failure here
     * is logged; the check counts them itself then).
     */
    static void prepareChecks(Cache cache, java.util.function.BooleanSupplier stop) {
        prepareChecks(cache, true, stop);
    }

    /**
     * As above; the suspicious-access rules judge what arrived only when {@code judge} (a stopped import — Ctrl+C —
     * ends at once: its events are judged by the next import, sync or start, from the rules' progress mark). The
     * judging stops when {@code stop} says so (the app closing; what is left is judged next time).
     */
    static void prepareChecks(Cache cache, boolean judge, java.util.function.BooleanSupplier stop) {
        try {
            int n = cache.patientAccess().prepare();
            if (n > 0) {
                org.slf4j.LoggerFactory.getLogger(ImportSession.class).info("Counted the days of {} large "
                        + "patient(s) for the check of past access", n);
            }
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(ImportSession.class).warn("Counting the days of large patients failed "
                    + "(a check will count them)", e);
        }
        if (!judge) {
            return;
        }
        try {
            // the suspicious-access rules judge what arrived (restartable: what is left is judged next time)
            org.custos.rules.AlertEngine.Result r = new org.custos.rules.AlertEngine(cache, java.time.Clock.systemUTC(),
                    java.time.ZoneId.systemDefault()).catchUp(stop, n -> { });
            if (r.evaluated() > 0) {
                org.slf4j.LoggerFactory.getLogger(ImportSession.class).info("The suspicious-access rules judged {} "
                        + "event(s)", r.evaluated());
            }
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(ImportSession.class).warn("The suspicious-access rules failed (they "
                    + "judge these events next time)", e);
        }
    }

    /** After a failure: drop the batches not yet written, let the one being written end, stop the writer. */
    void abort() {
        pending.forEach(p -> p.cancel(false));
        for (java.util.concurrent.Future<?> f : pending) {
            try {
                if (!f.isCancelled()) {
                    f.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
                // the first failure is the one reported
            }
        }
        pending.clear();
        writer.shutdown();
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

    /**
     * The text of the file from this byte offset (of its decoded content) on, at most 64 KB: what could not be read
     * at its end. Empty when the import has no file or the offset is unknown.
     */
    String textFrom(long byteOffset) {
        if (file == null || byteOffset < 0) {
            return "";
        }
        try (InputStream in = Importer.open(file)) {
            in.skipNBytes(byteOffset);
            return Importer.head(in);
        } catch (IOException e) {
            return "";
        }
    }

    /** The start of the file, kept with a file-level problem so the user sees what was there. */
    private String fileHead() {
        if (file == null) {
            return "";
        }
        try (InputStream in = Importer.open(file)) {
            return Importer.head(in);
        } catch (IOException e) {
            return "";
        }
    }

    void quarantine(String where, String type, String id, String reason, String content) {
        if (keepQuarantined) {
            cache.quarantine().add(origin, source, where, type, id, reason, content.isEmpty() ? fileHead() : content);
        }
        synchronized (this) {
            report.counts(type == null ? "(unreadable)" : type).quarantined++;
        }
        report.problem(where + (id != null ? " (" + type + "/" + id + ")" : "") + ": " + reason);
    }
}
