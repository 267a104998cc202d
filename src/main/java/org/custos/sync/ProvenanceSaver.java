package org.custos.sync;

import org.custos.cache.Cache;
import org.custos.cache.IncomingResource;
import org.custos.cache.Origins;
import org.custos.cache.OutboxStore;
import org.custos.fhir.Cancellation;
import org.custos.fhir.Fhir;
import org.custos.fhir.ServerProfile;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Keeps a Provenance Custos made (a signature): in the origin of what it signs. Files and demo data are Custos's own,
 * so it is stored there at once. A server's origin holds only what the server has: the Provenance goes into the
 * outbox (kept, in order, across restarts) and is sent at once when the server has a profile; otherwise it waits
 * there until one is set up (the app's next send takes it).
 */
public final class ProvenanceSaver {
    /** What keeping came to. */
    public sealed interface Result {
        /** Stored in the cache under a files or demo origin. */
        record Kept(String origin) implements Result {
        }

        /** The server stored it as {@code versionId}; the cache has it under the server's origin. */
        record Stored(String origin, String versionId) implements Result {
        }

        /** Waiting in the outbox (entry {@code seq}) for its server, and why. */
        record Queued(String origin, long seq, String reason) implements Result {
        }
    }

    private final Cache cache;
    private final Fhir fhir;
    private final Function<String, Optional<ServerProfile>> profiles;

    public ProvenanceSaver(Cache cache, Fhir fhir, Function<String, Optional<ServerProfile>> profiles) {
        this.cache = cache;
        this.fhir = fhir;
        this.profiles = profiles;
    }

    /**
     * Keeps Provenance {@code id} ({@code json}) in {@code origin}.
     *
     * @throws IllegalStateException the server refused it (the message says why; it stays in the outbox as refused)
     */
    public Result keep(String origin, String id, String json) {
        Origins.Origin o = cache.origins().find(origin).orElseThrow(() -> new IllegalArgumentException(
                "No origin " + origin + " in the cache."));
        if (!o.kind().equals("server")) {
            cache.resources().upsert(o.id(), List.of(IncomingResource.fromJson(json, "Provenance/" + id)));
            return new Result.Kept(o.name());
        }
        OutboxStore outbox = cache.outbox();
        long seq = outbox.enqueue(o.name(), "Provenance", id, null, json);
        Optional<ServerProfile> profile = profiles.apply(o.name());
        if (profile.isEmpty()) {
            return new Result.Queued(o.name(), seq, "no server profile for " + o.name() + "; it waits in the outbox "
                    + "until one is set up under Servers");
        }
        OutboxSender.Report report = new OutboxSender(cache, fhir).sendEdits(profile.get(), new Cancellation(),
                OutboxSender.Listener.NONE);
        OutboxStore.Entry e = outbox.get(seq).orElseThrow();
        return switch (e.status()) {
            case SENT -> new Result.Stored(o.name(), e.sentVersion());
            case FAILED, CONFLICT -> throw new IllegalStateException("The server " + o.name() + " refused the "
                    + "Provenance: " + (e.lastMessage() == null ? "no reason given" : e.lastMessage())
                    + " (outbox entry " + seq + ")");
            case DISCARDED -> throw new IllegalStateException("The Provenance was discarded from the outbox.");
            case PENDING, SENDING -> new Result.Queued(o.name(), seq, e.lastMessage() != null ? e.lastMessage()
                    : report.stoppedBecause() != null ? report.stoppedBecause() : "waiting for earlier edits");
        };
    }
}
