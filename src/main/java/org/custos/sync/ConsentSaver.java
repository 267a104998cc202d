package org.custos.sync;

import org.custos.cache.AuditStore;
import org.custos.cache.Cache;
import org.custos.cache.Origins;
import org.custos.cache.OutboxStore;
import org.custos.fhir.Cancellation;
import org.custos.fhir.Fhir;
import org.custos.fhir.ServerProfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Saving a consent the user edited: it goes into the outbox first (so nothing is lost if Custos stops), then the
 * outbox of its server is sent at once. The result says whether the server stored it, or it waits in the outbox
 * (server unreachable; sent later by {@link #sendAll}), or the server holds a newer version (a conflict: nothing was
 * written; the entry waits for the user's choice).
 */
public final class ConsentSaver {
    /** What a save came to. */
    public sealed interface Result {
        record Stored(String versionId, String json) implements Result {
        }

        record Queued(long seq, String reason) implements Result {
        }

        record Conflict(String mine, String theirs, String theirsVersion) implements Result {
        }
    }

    private final Cache cache;
    private final OutboxSender sender;
    private final Function<String, Optional<ServerProfile>> profiles;

    /** {@code profiles}: the server profile of an origin (a normalized base URL), if there is one. */
    public ConsentSaver(Cache cache, Fhir fhir, Function<String, Optional<ServerProfile>> profiles) {
        this.cache = cache;
        this.sender = new OutboxSender(cache, fhir);
        this.profiles = profiles;
    }

    /**
     * Saves {@code json} (Consent {@code id}) to the server {@code origin}, with If-Match on {@code baseVersion} (null:
     * a new consent). An unsettled conflict of the same consent is replaced by this text (the user chose it).
     */
    public Result save(String origin, String id, String baseVersion, String json) {
        return save(origin, id, baseVersion, null, json);
    }

    /**
     * As {@link #save(String, String, String, String)}, for an edit made on top of an earlier save of the same editor
     * that went into the outbox as entry {@code afterSeq} (null: none): it goes on top of the version that entry got
     * (or gets, when it is still waiting), not on top of the version the editor first opened.
     */
    public Result save(String origin, String id, String baseVersion, Long afterSeq, String json) {
        String o = Origins.normalize(origin);
        ServerProfile profile = profiles.apply(o).orElseThrow(() -> new IllegalArgumentException(
                "No server profile for " + o + ": add it under Servers and sync to save consents there"));
        OutboxStore outbox = cache.outbox();
        List<OutboxStore.Entry> open = outbox.entriesFor(o, "Consent", id).stream()
                .filter(e -> e.status().open()).toList();
        long seq;
        Optional<OutboxStore.Entry> earlier = afterSeq == null ? Optional.empty() : outbox.get(afterSeq);
        if (earlier.isPresent() && earlier.get().status() == OutboxStore.Status.SENT) {
            baseVersion = earlier.get().sentVersion();
        }
        Optional<OutboxStore.Entry> stuck = open.stream().filter(e -> e.status() == OutboxStore.Status.CONFLICT
                || e.status() == OutboxStore.Status.FAILED).findFirst();
        OutboxStore.Entry last = open.isEmpty() ? null : open.get(open.size() - 1);
        if (stuck.isPresent()) {
            // the user's text replaces the stuck entry; later waiting texts of the same consent would be sent on
            // top of it and undo the user's choice, so they are discarded (kept as a record)
            seq = stuck.get().seq();
            outbox.resolve(seq, json, baseVersion);
            for (OutboxStore.Entry later : open) {
                if (later.seq() > seq) {
                    outbox.discard(later.seq());
                }
            }
        } else if (last != null && afterSeq != null && afterSeq == last.seq()) {
            // this editor's own earlier edit still waits: this one goes on top of the version it gets
            seq = outbox.enqueueAfter(last.seq(), json);
        } else {
            // anything else (another editor's waiting edit included) goes with the version the edit started from:
            // if that is no longer the server's, the server says so and the user chooses; nothing is overwritten
            seq = outbox.enqueue(o, "Consent", id, baseVersion, json);
        }
        OutboxSender.Report report = sender.send(profile, new Cancellation(), OutboxSender.Listener.NONE);
        OutboxStore.Entry e = outbox.get(seq).orElseThrow();
        return switch (e.status()) {
            case SENT -> new Result.Stored(e.sentVersion(), current(o, id).orElse(json));
            case CONFLICT -> new Result.Conflict(json, e.serverJson(), e.serverVersion());
            case PENDING, SENDING -> new Result.Queued(seq, e.lastMessage() != null ? e.lastMessage()
                    : report.stoppedBecause() != null ? report.stoppedBecause() : "waiting for earlier edits");
            case FAILED -> throw new IllegalStateException(e.lastMessage() == null ? "the server refused it"
                    : e.lastMessage());
            case DISCARDED -> throw new IllegalStateException("the edit was discarded");
        };
    }

    private Optional<String> current(String origin, String id) {
        Optional<Origins.Origin> o = cache.origins().find(origin);
        if (o.isEmpty()) {
            return Optional.empty();
        }
        List<AuditStore.Version> versions = cache.resources().history(o.get().id(), "Consent", id);
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(0).raw());
    }

    /** The user took the server's version of a consent: what waits to be sent for it is discarded (kept as record). */
    public void dropMine(String origin, String id) {
        OutboxStore outbox = cache.outbox();
        for (OutboxStore.Entry e : outbox.entriesFor(Origins.normalize(origin), "Consent", id)) {
            if (e.status().open()) {
                outbox.discard(e.seq());
            }
        }
    }

    /** Sends every server's pending entries (those with a profile); one report per server tried. */
    public List<OutboxSender.Report> sendAll(Cancellation cancel) {
        List<OutboxSender.Report> out = new ArrayList<>();
        for (String origin : cache.outbox().originsWithPending()) {
            if (cancel.isCancelled()) {
                break;
            }
            Optional<ServerProfile> p = profiles.apply(origin);
            p.ifPresent(profile -> out.add(sender.send(profile, cancel, OutboxSender.Listener.NONE)));
        }
        return out;
    }

    /** How many edits wait to be sent, and how many need the user (conflicts, refusals). */
    public record Pending(long waiting, long needAttention) {
    }

    public Pending pending() {
        return new Pending(cache.outbox().countPending(), cache.outbox().countNeedingAttention());
    }

    /** The consents of {@code origin} with edits not yet on the server ("Consent/id"). */
    public List<String> unsentConsents(String origin) {
        return cache.outbox().unsent(Origins.normalize(origin)).stream().filter(e -> e.type().equals("Consent"))
                .map(e -> e.id()).distinct().toList();
    }
}
