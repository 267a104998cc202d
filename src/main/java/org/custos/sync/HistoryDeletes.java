package org.custos.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.custos.cache.DeletedResource;
import org.custos.cache.FhirTimes;
import org.custos.cache.SyncState;
import org.custos.cache.SyncStore;
import org.custos.fhir.Cancellation;
import org.custos.fhir.FhirHttp;
import org.custos.fhir.FhirServerException;
import org.custos.fhir.FhirServerException.Kind;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The deletes of one sync window: the type's {@code _history} since the window's start, of which only the DELETE
 * entries matter (the search brought everything else). Each page's deletes are stored with the checkpoint; a
 * rerun of the scan is harmless, since a resource already gone is not deleted twice.
 */
final class HistoryDeletes {
    private final FhirHttp http;
    private final SyncStore store;
    private final String type;
    private final SyncReport.TypeResult result;
    private final SyncListener listener;
    private final Cancellation cancel;
    private final Clock clock;
    private final int pageSize;

    HistoryDeletes(FhirHttp http, SyncStore store, String type, int pageSize, SyncReport.TypeResult result,
                   SyncListener listener, Cancellation cancel, Clock clock) {
        this.pageSize = pageSize;
        this.http = http;
        this.store = store;
        this.type = type;
        this.result = result;
        this.listener = listener;
        this.cancel = cancel;
        this.clock = clock;
    }

    /** Reads the type's history since {@code since} and applies the deletes in it. */
    void apply(SyncState state, long since) {
        int attempts = 0;
        while (true) {
            try {
                once(state, since);
                return;
            } catch (FhirServerException e) {
                if (e.kind() == Kind.NOT_FOUND || e.kind() == Kind.REJECTED || e.kind() == Kind.FORBIDDEN) {
                    // no history here (not offered, or not for this account): the window is still complete
                    listener.notice(type, "The server does not list the history of " + type + " (" + e.status()
                            + "), so deletes on the server cannot reach the cache.");
                    return;
                }
                if (e.kind() != Kind.GONE || ++attempts > 3) {
                    throw e;
                }
                listener.notice(type, "The server's history listing expired (410); reading it again.");
            }
        }
    }

    private void once(SyncState state, long since) {
        URI next = http.at(type + "/_history?_since=" + Instant.ofEpochMilli(since) + "&_count="
                + pageSize);
        while (next != null) {
            ObjectNode page = http.getJson(next);
            List<DeletedResource> deleted = new ArrayList<>();
            for (JsonNode entry : page.path("entry")) {
                if (!"DELETE".equals(entry.path("request").path("method").asText())) {
                    continue;
                }
                DeletedResource d = deletedOf(entry);
                if (d != null) {
                    deleted.add(d);
                }
            }
            if (!deleted.isEmpty()) {
                int n = store.storeDeletes(state, deleted);
                result.deleted += n;
                if (n > 0) {
                    listener.stored(type);
                }
            }
            if (cancel.isCancelled()) {
                throw new FhirServerException(Kind.CANCELLED, 0, "Cancelled.");
            }
            String href = TypeSync.nextLink(page);
            next = href == null ? null : http.link(href);
        }
    }

    /** "AuditEvent/123/_history/2" (request.url, else fullUrl) into type, id and version. */
    private DeletedResource deletedOf(JsonNode entry) {
        String url = entry.path("request").path("url").asText("");
        if (url.isEmpty()) {
            url = entry.path("fullUrl").asText("");
        }
        int at = url.indexOf(type + "/");
        if (at < 0) {
            return null;
        }
        String[] parts = url.substring(at + type.length() + 1).split("/");
        String id = parts[0].contains("?") ? parts[0].substring(0, parts[0].indexOf('?')) : parts[0];
        String version = parts.length >= 3 && parts[1].equals("_history") ? parts[2] : null;
        if (version == null) {
            // W/"3"
            String etag = entry.path("response").path("etag").asText("").replaceAll("[^0-9A-Za-z.-]|^W", "");
            version = etag.isEmpty() ? null : etag;
        }
        if (id.isEmpty()) {
            return null;
        }
        long when = clock.millis();
        JsonNode lm = entry.path("response").path("lastModified");
        if (lm.isTextual()) {
            try {
                when = FhirTimes.parseInstantMillis(lm.asText());
            } catch (IllegalArgumentException ignored) {
                // keep "now"
            }
        }
        return new DeletedResource(type, id, version, when);
    }
}
