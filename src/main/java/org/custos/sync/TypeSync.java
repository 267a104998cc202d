package org.custos.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.custos.cache.AuditStore;
import org.custos.cache.Cache;
import org.custos.cache.FhirTimes;
import org.custos.cache.IncomingResource;
import org.custos.cache.QuarantineEntry;
import org.custos.cache.SyncState;
import org.custos.cache.SyncStore;
import org.custos.cache.UpsertCounts;
import org.custos.fhir.Cancellation;
import org.custos.fhir.FhirHttp;
import org.custos.fhir.FhirServerException;
import org.custos.fhir.FhirServerException.Kind;
import org.custos.fhir.ServerProfile;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The sync of one resource type from one server: the window's search, sorted by {@code _lastUpdated} and paged by
 * the server's {@code next} links, then (on incremental syncs) the type's {@code _history} for deletes.
 *
 * <p>The checkpoint's position means "every resource of the window with {@code _lastUpdated} before it is stored".
 * With a sorted search it follows the last stored resource, so a search that expires (410), stops short of the total
 * it announced (a result cap) or is interrupted starts again from there, inclusively: resources sharing one instant
 * across a page boundary are fetched again and found unchanged, never lost. A server that ignores the sort gets its
 * window halved instead until each half can be paged to its end.
 */
final class TypeSync {
    private static final int MAX_RESTARTS = 20;
    private final SyncStore store;
    private final Cache cache;
    private final int originId;
    private final org.custos.cache.AuditStore auditStore;
    private final FhirHttp http;
    private final ServerProfile profile;
    private final SyncEngine.Options options;
    private final Clock clock;
    private final ServerClock serverClock;
    private final String type;
    private final SyncReport.TypeResult result;
    private final SyncListener listener;
    private final Cancellation cancel;
    private SyncState state;
    private long doneBefore;
    private int stuck;

    TypeSync(Cache cache, FhirHttp http, ServerProfile profile, SyncEngine.Options options, Clock clock,
             ServerClock serverClock, int origin, String type, SyncReport.TypeResult result, SyncListener listener,
             Cancellation cancel) {
        this.serverClock = serverClock;
        this.cache = cache;
        this.originId = origin;
        this.store = cache.sync();
        this.auditStore = cache.audit();
        this.http = http;
        this.profile = profile;
        this.options = options;
        this.clock = clock;
        this.type = type;
        this.result = result;
        this.listener = listener;
        this.cancel = cancel;
        this.state = store.state(origin, type);
    }

    void run() {
        String key = filterKey();
        if (!state.inProgress() && state.syncedTo() != null && !key.equals(state.filterKey())) {
            listener.notice(type, "The filter changed since the last sync (" + state.filterKey() + " → " + key
                    + "): syncing everything it covers again.");
            state = state.startOver();
        }
        if (!state.inProgress()) {
            Long from = state.syncedTo() == null ? options.since()
                    : Long.valueOf(state.syncedTo() - profile.overlap().toMillis());
            state = state.startWindow(from, serverClock.windowEnd(http, profile.overlap(), m -> listener.notice(type, m)),
                    key);
            store.save(state);
        } else {
            listener.notice(type, "Resuming the sync interrupted at " + describe(state.position()) + ".");
        }
        if (SyncState.SEARCH.equals(state.phase())) {
            Long lo = state.position();
            range(lo, state.windowTo());
            state = state.inPhase(SyncState.DELETES);
            store.save(state);
        }
        if (state.windowFrom() != null && !profile.patientMode()) {
            // patient mode: a type's history lists every patient's resources, and a patient's token may not read it
            new HistoryDeletes(http, store, type, profile.pageSize(), result, listener, cancel, clock).apply(state, state.windowFrom());
        }
        state = state.windowDone();
        store.save(state);
        if (type.equals("AuditEvent") && profile.cacheDays() > 0) {
            // the cache window: what was recorded before it leaves the cache (it stays on the server)
            long cutoff = state.syncedTo() - profile.cacheDays() * 86_400_000L;
            long pruned = auditStore.pruneBefore(state.originId(), cutoff);
            if (pruned > 0) {
                result.pruned += pruned;
                listener.notice(type, pruned + " events recorded before " + describe(cutoff) + " left the cache "
                        + "(outside its " + profile.cacheDays() + "-day window).");
                listener.stored(type);
            }
        }
    }

    /** What the window's search is limited by, besides _lastUpdated (a wider one must start over). */
    private String filterKey() {
        // --since only places a first sync's start, as documented; the cache window limits every search
        String days = "days=" + (type.equals("AuditEvent") ? profile.cacheDays() : 0);
        return profile.patientParameter(type).isEmpty() ? days : days + ";" + profile.patientParameter(type)
                .substring(1);
    }

    /** Stores every resource with {@code lo <= _lastUpdated < hi} (lo null: from the beginning). */
    private void range(Long lo, long hi) {
        Long from = lo;
        while (true) {
            Search s = search(from, hi);
            if (s.complete) {
                if (!s.sorted) {
                    state = state.atPosition(hi);
                    store.save(state);
                }
                return;
            }
            Long pos = state.position();
            if (s.sorted && pos != null && (from == null || pos > from)) {
                // progress: a capped server may need many such new starts, each one further on
                stuck = 0;
                listener.notice(type, s.why + " Searching again from " + describe(pos) + ".");
                from = pos;
                continue;
            }
            if (++stuck > MAX_RESTARTS) {
                throw new FhirServerException(Kind.BAD_RESPONSE, 0, "The server's search of " + type + " kept "
                        + "ending early without getting further; gave up after " + MAX_RESTARTS + " new starts.");
            }
            // nothing before the start of this range is known to be missing; nothing after it is known stored
            state = state.atPosition(from);
            store.save(state);
            long a = from == null ? 0 : from;
            if (hi - a <= 1) {
                throw new FhirServerException(Kind.BAD_RESPONSE, 0, s.why + " More " + type + " resources share "
                        + "the instant " + describe(a) + " than the server will page through: they cannot all "
                        + "be synced.");
            }
            long mid = a + (hi - a) / 2;
            listener.notice(type, s.why + " Splitting the window at " + describe(mid) + ".");
            range(from, mid);
            range(mid, hi);
            return;
        }
    }

    /** The outcome of one search: paged to its end, or why not. */
    private record Search(boolean complete, boolean sorted, String why) {
    }

    private Search search(Long lo, long hi) {
        // _total=accurate: the total is what tells a capped result set from a complete one (HAPI leaves it out
        // otherwise); servers that do not know the parameter ignore it
        StringBuilder q = new StringBuilder(type).append("?_sort=_lastUpdated&_total=accurate&_count=")
                .append(profile.pageSize());
        if (lo != null) {
            q.append("&_lastUpdated=ge").append(Instant.ofEpochMilli(lo));
        }
        q.append("&_lastUpdated=lt").append(Instant.ofEpochMilli(hi));
        if (type.equals("AuditEvent") && profile.cacheDays() > 0) {
            q.append("&date=ge").append(Instant.ofEpochMilli(clock.millis()).minusSeconds(
                    profile.cacheDays() * 86_400L));
        }
        q.append(profile.patientParameter(type));
        URI next = http.at(q.toString());
        boolean sorted = true;
        long last = lo == null ? Long.MIN_VALUE : lo;
        long received = 0;
        long total = -1;
        long startDone = doneBefore;
        boolean first = true;
        while (next != null) {
            ObjectNode page;
            try {
                page = http.getJson(next);
            } catch (FhirServerException e) {
                if (e.kind() == Kind.GONE && !first) {
                    return new Search(false, sorted, "The server's search expired (410).");
                }
                if (!first && e.kind().transientFault()) {
                    // the retries on this page are used up: the search may have died on the server side
                    return new Search(false, sorted, "The next page failed: " + e.getMessage());
                }
                throw e;
            }
            if (!"Bundle".equals(page.path("resourceType").asText())) {
                throw new FhirServerException(Kind.NOT_FHIR, 200, "The server answered a search of " + type
                        + " with " + page.path("resourceType").asText("something") + ", not a Bundle.");
            }
            if (page.path("total").isNumber()) {
                // some servers (HAPI among them) state the total only once their search has finished loading
                total = page.path("total").asLong();
            }
            first = false;
            Page p = readPage(page, last);
            sorted &= p.sorted;
            last = Math.max(last, p.maxLastUpdated);
            received += p.entries;
            result.pages++;
            // sorted: everything before the last stored instant is stored. Unsorted (the server ignores _sort):
            // only what lies before this range is known to be complete
            Long position = sorted ? (p.entries > 0 ? Long.valueOf(last) : state.position()) : lo;
            state = state.atPosition(position);
            store(p);
            doneBefore += p.entries;
            listener.progress(type, doneBefore, total < 0 ? -1 : startDone + total);
            if (cancel.isCancelled()) {
                throw new FhirServerException(Kind.CANCELLED, 0, "Cancelled.");
            }
            String href = nextLink(page);
            next = href == null ? null : http.link(href);
        }
        if (total >= 0 && received < total) {
            return new Search(false, sorted, "The server stopped after " + received + " of the " + total + " "
                    + type + " resources it announced (a result cap?).");
        }
        return new Search(true, sorted, "");
    }

    /** One page sorted into what the cache keeps, what it quarantines and what it skips. */
    private static final class Page {
        final List<AuditStore.Item> audit = new ArrayList<>();
        final List<IncomingResource> others = new ArrayList<>();
        final List<QuarantineEntry> bad = new ArrayList<>();
        int entries;
        int skipped;
        int ownCopies;
        int otherPatients;
        boolean sorted = true;
        long maxLastUpdated = Long.MIN_VALUE;
    }

    private Page readPage(ObjectNode bundle, long after) {
        Page p = new Page();
        long prev = after;
        int i = 0;
        for (JsonNode entry : bundle.path("entry")) {
            // where it was: the resource's identity when it has one, so the same bad resource met again (an
            // overlap, a new start) is quarantined once
            JsonNode rid = entry.path("resource").path("id");
            String where = rid.isTextual() ? entry.path("resource").path("resourceType").asText(type) + "/"
                    + rid.asText() + versionSuffix(entry.path("resource")) : type + " search, entry without id "
                    + entry.path("fullUrl").asText("#" + i);
            i++;
            if ("outcome".equals(entry.path("search").path("mode").asText())) {
                continue;
            }
            JsonNode res = entry.get("resource");
            if (!(res instanceof ObjectNode tree)) {
                p.bad.add(new QuarantineEntry(where, type, null, "The entry has no resource object",
                        entry.toString()));
                p.entries++;
                continue;
            }
            p.entries++;
            Long lu = lastUpdated(tree);
            if (lu == null || lu < prev) {
                p.sorted = false;
            } else {
                prev = lu;
                p.maxLastUpdated = Math.max(p.maxLastUpdated, lu);
            }
            String rt = tree.path("resourceType").asText("");
            if (rt.isEmpty()) {
                p.bad.add(new QuarantineEntry(where, type, null, "No resourceType: not a FHIR resource",
                        tree.toString()));
                continue;
            }
            if (!PatientCompartment.holds(profile, tree)) {
                // patient mode: a server that returns more than the patient's own is not believed
                p.otherPatients++;
                continue;
            }
            if (ownCopy(tree)) {
                // this Custos's own trail event, sent here from the outbox: its original is kept under "this Custos"
                // (and the outbox says where it went); stored again it would count a look as an access to the data
                p.ownCopies++;
                continue;
            }
            Incoming.Result r = Incoming.sort(tree, rt, null, where);
            if (r instanceof Incoming.Audit a) {
                p.audit.add(a.item());
            } else if (r instanceof Incoming.Other o) {
                p.others.add(o.resource());
            } else if (r instanceof Incoming.Bad b) {
                p.bad.add(b.entry());
            } else {
                p.skipped++;
            }
        }
        if (p.maxLastUpdated == Long.MIN_VALUE) {
            p.maxLastUpdated = after;
        }
        return p;
    }

    /** Whether {@code tree} is an AuditEvent this Custos's own trail sent to this server (see TrailWrites.sentHere). */
    private boolean ownCopy(ObjectNode tree) {
        if (!"AuditEvent".equals(tree.path("resourceType").asText())) {
            return false;
        }
        for (JsonNode t : tree.path("meta").path("tag")) {
            if (org.custos.cache.TrailWrites.TAG.equals(t.path("system").asText())) {
                try {
                    return cache.trail().sentHere(originId, t.path("code").asText(null),
                            org.custos.cache.FhirTimes.parseInstantMillis(tree.path("recorded").asText("")));
                } catch (RuntimeException e) {
                    return false;
                }
            }
        }
        return false;
    }

    private void store(Page p) {
        SyncStore.PageCounts counts = store.storePage(state, p.audit, p.others, p.bad);
        for (String t : counts.byType().keySet()) {
            UpsertCounts c = counts.of(t);
            result.added += c.added();
            result.updated += c.updated();
            result.unchanged += c.unchanged();
        }
        result.quarantined += p.bad.size();
        result.skipped += p.skipped + p.ownCopies + p.otherPatients;
        if (p.otherPatients > 0) {
            listener.notice(type, p.otherPatients + " " + type + "(s) the server returned are not of "
                    + profile.patient() + " and were not stored (patient mode keeps only the patient's own).");
        }
        if (p.ownCopies > 0) {
            listener.notice(type, p.ownCopies + " AuditEvent(s) of this Custos's own trail, sent here from the outbox, "
                    + "not stored again: the originals are under \"this Custos\".");
        }
        if (!p.audit.isEmpty() || !p.others.isEmpty()) {
            listener.stored(type);
        }
        for (QuarantineEntry q : p.bad) {
            listener.notice(type, "Quarantined " + q.location() + (q.id() == null ? "" : " (" + q.id() + ")") + ": "
                    + q.reason());
        }
    }

    private static String versionSuffix(JsonNode resource) {
        JsonNode v = resource.path("meta").path("versionId");
        return v.isTextual() ? "/_history/" + v.asText() : "";
    }

    private static Long lastUpdated(JsonNode tree) {
        JsonNode lu = tree.path("meta").path("lastUpdated");
        if (!lu.isTextual()) {
            return null;
        }
        try {
            return FhirTimes.parseInstantMillis(lu.asText());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String nextLink(JsonNode bundle) {
        for (JsonNode l : bundle.path("link")) {
            if ("next".equals(l.path("relation").asText())) {
                String url = l.path("url").asText("");
                return url.isBlank() ? null : url;
            }
        }
        return null;
    }

    private static String describe(Long millis) {
        return millis == null ? "the beginning" : Instant.ofEpochMilli(millis).toString();
    }
}
