package org.custos.sync;

import org.custos.cache.AuditStore;
import org.custos.cache.Cache;
import org.custos.cache.Origins;
import org.custos.cache.OutboxStore;
import org.custos.fhir.Cancellation;
import org.custos.fhir.Fhir;
import org.custos.fhir.ServerProfile;

import java.time.Duration;
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

        /** {@code seq}: the outbox entry that holds {@code mine} (a save that settles it names it as afterSeq). */
        record Conflict(String mine, String theirs, String theirsVersion, Long seq) implements Result {
            public Conflict(String mine, String theirs, String theirsVersion) {
                this(mine, theirs, theirsVersion, null);
            }
        }
    }

    private final Cache cache;
    private final OutboxSender sender;
    private final Function<String, Optional<ServerProfile>> profiles;
    /** How long a discard waits for a running send of the same server to end. */
    private final Duration claimWait;

    /** {@code profiles}: the server profile of an origin (a normalized base URL), if there is one. */
    public ConsentSaver(Cache cache, Fhir fhir, Function<String, Optional<ServerProfile>> profiles) {
        this(cache, fhir, profiles, Duration.ofSeconds(45));
    }

    /** As above; a discard waits up to {@code claimWait} for a running send (a request may take its timeout). */
    ConsentSaver(Cache cache, Fhir fhir, Function<String, Optional<ServerProfile>> profiles, Duration claimWait) {
        this.cache = cache;
        this.sender = new OutboxSender(cache, fhir);
        this.profiles = profiles;
        this.claimWait = claimWait;
    }

    /**
     * Saves {@code json} (Consent {@code id}) to the server {@code origin}, with If-Match on {@code baseVersion} (null:
     * a new consent). When an edit of the same consent waits for the user's choice (conflict or refusal) this is
     * refused: only a save naming that edit settles it (see below).
     */
    public Result save(String origin, String id, String baseVersion, String json) {
        return save(origin, id, baseVersion, null, json);
    }

    /**
     * As {@link #save(String, String, String, String)}, for an edit made on top of an earlier save of the same editor
     * that went into the outbox as entry {@code afterSeq} (null: none): it goes on top of the version that entry got
     * (or gets, when it is still waiting), not on top of the version the editor first opened. When an entry of the
     * consent waits for the user's choice (a conflict or a refusal), the save settles it only when {@code afterSeq}
     * is the newest open entry of the consent (the text the user was shown): that entry and the ones before it are
     * discarded (kept as rows) and {@code json} goes as a new entry; otherwise it is refused, nothing changed.
     *
     * @throws IllegalStateException an entry waits for the user's choice and this save does not name it
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
            // an entry of this consent waits for the user's choice (conflict or refusal): only a save made from its
            // newest text (the editor names that entry) settles it; anything else would overwrite a text the user
            // was never shown
            if (afterSeq == null || afterSeq != last.seq()) {
                throw new IllegalStateException(stuckMessage(stuck.get(), id));
            }
            // the user's text replaces the stuck entry and the later waiting texts of the same consent (which it was
            // made from): they are discarded, kept as rows, and a new entry holds the user's text
            List<Long> all = open.stream().map(OutboxStore.Entry::seq).toList();
            seq = outbox.resolve(stuck.get().seq(), json, baseVersion, all);
        } else if (last != null && afterSeq != null && afterSeq == last.seq()) {
            // this editor's own earlier edit still waits: this one goes on top of the version it gets
            seq = outbox.enqueueAfter(last.seq(), json);
        } else {
            // anything else (another editor's waiting edit included) goes with the version the edit started from:
            // if that is no longer the server's, the server says so and the user chooses; nothing is overwritten
            seq = outbox.enqueue(o, "Consent", id, baseVersion, json);
        }
        OutboxSender.Report report = sender.sendEdits(profile, new Cancellation(), OutboxSender.Listener.NONE);
        OutboxStore.Entry e = outbox.get(seq).orElseThrow();
        return switch (e.status()) {
            case SENT -> new Result.Stored(e.sentVersion(), stored(o, id, e.sentVersion()).orElse(json));
            case CONFLICT -> new Result.Conflict(json, e.serverJson(), e.serverVersion(), seq);
            case PENDING, SENDING -> new Result.Queued(seq, e.lastMessage() != null ? e.lastMessage()
                    : report.stoppedBecause() != null ? report.stoppedBecause() : blockedBy(o, id, seq));
            case FAILED -> throw new IllegalStateException(e.lastMessage() == null ? "the server refused it"
                    : e.lastMessage());
            case DISCARDED -> throw new IllegalStateException("the edit was discarded");
        };
    }

    /** Why entry {@code seq} waits when the server could be reached: an earlier entry stuck, or earlier edits. */
    private String blockedBy(String origin, String id, long seq) {
        return cache.outbox().entriesFor(origin, "Consent", id).stream()
                .filter(e -> e.seq() < seq && (e.status() == OutboxStore.Status.CONFLICT
                        || e.status() == OutboxStore.Status.FAILED)).findFirst()
                .map(e -> (e.status() == OutboxStore.Status.CONFLICT
                        ? "blocked by a conflict: your earlier edit (outbox entry " + e.seq() + ") met a newer "
                        + "version on the server; open the consent again from the list to choose"
                        : "blocked: your earlier edit (outbox entry " + e.seq() + ") was refused by the server ("
                        + e.lastMessage() + "); open the consent again from the list to fix it"))
                .orElse("waiting for earlier edits");
    }

    /** What a save that does not name the stuck entry {@code e} is told (nothing was changed). */
    static String stuckMessage(OutboxStore.Entry e, String id) {
        String why = e.status() == OutboxStore.Status.CONFLICT
                ? "it met a newer version on the server"
                : "the server refused it" + (e.lastMessage() == null ? "" : " (" + e.lastMessage() + ")");
        return "Consent/" + id + " has an unsent edit that needs your choice (outbox entry " + e.seq() + ": " + why
                + "); nothing was saved and that edit was left as it is. Open the consent again from the list to "
                + "see it and settle it, or discard it in the Outbox window.";
    }

    /**
     * The text the cache keeps of version {@code versionId} of the consent (what the server stored), not its newest
     * version: a sync meanwhile may have brought a newer one, which must not be shown beside this version's number.
     */
    private Optional<String> stored(String origin, String id, String versionId) {
        Optional<Origins.Origin> o = cache.origins().find(origin);
        if (o.isEmpty() || versionId == null) {
            return Optional.empty();
        }
        return cache.resources().history(o.get().id(), "Consent", id).stream()
                .filter(v -> versionId.equals(v.versionId())).map(AuditStore.Version::raw).findFirst();
    }

    /**
     * The user took the server's version of a consent: what waits to be sent for it is discarded (kept as record).
     * Atomic against the sender: it happens while holding the origin's send claim (waiting for a running send to
     * end first), so no entry of it leaves meanwhile.
     *
     * @throws IllegalStateException nothing was discarded (a send of the origin did not end in time, or an edit
     *                               was being sent when Custos stopped: whether it arrived is known after the next
     *                               send); or an edit of this consent reached the server while the user chose (the
     *                               rest is discarded; the message says so)
     */
    public void dropMine(String origin, String id) {
        String o = Origins.normalize(origin);
        java.util.Set<Long> openBefore = new java.util.HashSet<>();
        cache.outbox().entriesFor(o, "Consent", id).stream().filter(e -> e.status().open())
                .forEach(e -> openBefore.add(e.seq()));
        whileNotSending(o, outbox -> {
            List<OutboxStore.Entry> all = outbox.entriesFor(o, "Consent", id);
            List<OutboxStore.Entry> open = all.stream().filter(e -> e.status().open()).toList();
            Optional<OutboxStore.Entry> arrived = all.stream().filter(e -> openBefore.contains(e.seq())
                    && e.status() == OutboxStore.Status.SENT).reduce((a, b) -> b);
            Optional<OutboxStore.Entry> interrupted = open.stream()
                    .filter(e -> e.status() == OutboxStore.Status.SENDING).findFirst();
            if (interrupted.isPresent()) {
                throw new IllegalStateException("Your edit of Consent/" + id + " (outbox entry "
                        + interrupted.get().seq() + ") was being sent and no clear answer came (Custos stopped, or the "
                        + "request timed out or broke); nothing was discarded. "
                        + "Send the waiting edits first: then it is known whether the server has it.");
            }
            for (OutboxStore.Entry e : open) {
                outbox.discard(e.seq());
            }
            if (arrived.isPresent()) {
                throw new IllegalStateException("Your edit of Consent/" + id + " reached the server (version "
                        + arrived.get().sentVersion() + ") while you chose: the server holds it now"
                        + (open.isEmpty() ? "" : "; your later waiting edits were discarded") + ". To go back to "
                        + "the other version, open the consent and save that text again.");
            }
            return null;
        });
    }

    /**
     * Discards outbox entry {@code seq} (pending, conflict or failed), atomic against the sender as
     * {@link #dropMine}. Returns the entry as it was (its text goes nowhere else: keep it first if it matters).
     */
    public OutboxStore.Entry discard(long seq) {
        OutboxStore.Entry before = cache.outbox().get(seq).orElseThrow(() -> new IllegalArgumentException(
                "No outbox entry " + seq + "."));
        return whileNotSending(before.origin(), outbox -> {
            OutboxStore.Entry now = outbox.get(seq).orElseThrow();
            outbox.discard(seq);
            return now;
        });
    }

    /**
     * Gives up an outbox entry that is being sent with no clear answer (a timeout, a server that is gone): the user
     * accepts that it may be on the server or not. Not while a send of its server runs. Returns the entry as it was.
     */
    public OutboxStore.Entry giveUp(long seq) {
        OutboxStore.Entry before = cache.outbox().get(seq).orElseThrow(() -> new IllegalArgumentException(
                "No outbox entry " + seq + "."));
        return whileNotSending(before.origin(), outbox -> {
            OutboxStore.Entry now = outbox.get(seq).orElseThrow();
            if (now.status() != OutboxStore.Status.SENDING) {
                throw new IllegalStateException("Outbox entry " + seq + " is " + now.status() + ", not an unanswered "
                        + "send: discard it instead.");
            }
            outbox.giveUp(seq);
            return now;
        });
    }

    /** Puts a FAILED outbox entry back to pending as it is: the next send tries it again. */
    public void retry(long seq) {
        OutboxStore.Entry e = cache.outbox().get(seq).orElseThrow(() -> new IllegalArgumentException(
                "No outbox entry " + seq + "."));
        if (e.status() != OutboxStore.Status.FAILED) {
            throw new IllegalStateException("Outbox entry " + seq + " is " + e.status() + ": only a failed entry is "
                    + "tried again" + (e.status() == OutboxStore.Status.CONFLICT ? " (a conflict needs your choice: "
                    + "open the consent, or discard the entry)" : "") + ".");
        }
        cache.outbox().retry(seq);
    }

    /** Runs {@code work} holding the send claim of {@code origin} (no send of it runs meanwhile), waiting for it. */
    private <T> T whileNotSending(String origin, Function<OutboxStore, T> work) {
        OutboxStore outbox = cache.outbox();
        try {
            if (!outbox.claim(origin, claimWait)) {
                throw new IllegalStateException("The waiting edits of " + origin + " are being sent right now; "
                        + "nothing was discarded. Try again in a moment.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the send to " + origin + " to end; "
                    + "nothing was discarded.", e);
        }
        try {
            return work.apply(outbox);
        } finally {
            outbox.release(origin);
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

    /**
     * How many edits wait to be sent, how many need the user (conflicts, refusals, Custos's own audit events
     * refused included), and how many of Custos's own audit events wait to be sent.
     */
    public record Pending(long waiting, long needAttention, long trailWaiting) {
    }

    public Pending pending() {
        long trail = cache.outbox().countPendingTrail();
        return new Pending(cache.outbox().countPending() - trail, cache.outbox().countNeedingAttention(), trail);
    }

    /** The consents of {@code origin} with edits not yet on the server ("Consent/id"). */
    public List<String> unsentConsents(String origin) {
        return cache.outbox().unsent(Origins.normalize(origin)).stream().filter(e -> e.type().equals("Consent"))
                .map(e -> e.id()).distinct().toList();
    }
}
