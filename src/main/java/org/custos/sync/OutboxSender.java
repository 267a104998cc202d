package org.custos.sync;

import org.custos.cache.Cache;
import org.custos.cache.OutboxStore;
import org.custos.cache.OutboxStore.Entry;
import org.custos.cache.OutboxStore.Status;
import org.custos.cache.Origins;
import org.custos.cache.TrailWrites;
import org.custos.fhir.Cancellation;
import org.custos.fhir.Fhir;
import org.custos.fhir.FhirFormatException;
import org.custos.fhir.FhirServerException;
import org.custos.fhir.Redactor;
import org.custos.fhir.ResourceWriter;
import org.custos.fhir.ServerProfile;
import org.custos.fhir.VersionConflictException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Sends one server's outbox entries, in order, each once.
 * <ul>
 * <li>An entry is marked {@code SENDING} (committed, on disk) before its request leaves; when the server has stored
 * it, its version goes into the cache and the entry is {@code SENT} in one transaction.</li>
 * <li>An entry found {@code SENDING} (the process was killed while sending it) is reconciled first: when the
 * server's current content equals the entry's (narrative and meta labels included; the server's version, time and
 * meta source aside), it was stored and is {@code SENT}; otherwise it is sent again with its If-Match.</li>
 * <li>A version conflict (409/412, or a new resource the server has already) stops that entry ({@code CONFLICT},
 * with the server's version and text) and the later entries for the same resource wait; entries for other
 * resources go on. A conflict whose server content equals the entry's is no conflict: it is {@code SENT}.</li>
 * <li>A failure that may pass (unreachable, timeout, 5xx, 429) leaves the entry {@code PENDING} with the reason;
 * when the server cannot be reached at all, or refuses the credentials, the run stops there (the rest stays
 * pending). A refusal of the entry itself (400, 422, ...) makes it {@code FAILED}, with the server's words.</li>
 * <li>Custos's own audit events (the AuditEvents in the outbox) are POSTed, the server choosing the id,
 * conditionally on their tag ({@link TrailWrites#TAG} with their Custos id): one found {@code SENDING} is looked for
 * by that tag before it is sent again, so each is stored once. Nothing of the server's answer goes into the cache.</li>
 * <li>If-Match chaining: an entry edited from an earlier entry's result ({@link Entry#baseSeq()}) is sent with the
 * version the server gave that entry.</li>
 * </ul>
 */
public final class OutboxSender {
    /** Hears about each entry (a screen's progress, a command's lines). */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        /** {@code entry} is about to be sent (it is marked SENDING). */
        default void sending(Entry entry) {
        }

        /** {@code entry} ended this run as {@code result} (SENT, CONFLICT, FAILED, or PENDING after a failure). */
        default void done(Entry entry, Status result, String message) {
        }
    }

    /**
     * What one run did. {@code sent} counts everything sent, {@code trailSent} how many of those were Custos's own
     * audit events; {@code stoppedBecause}: why the run ended before the last entry (null: it did not).
     */
    public record Report(String origin, int sent, int reconciled, List<Problem> conflicts, List<Problem> failures,
                         int waiting, String stoppedBecause, int trailSent) {
        /** One entry that was not sent, and why. */
        public record Problem(long seq, String resource, String message) {
        }

        /** A run that sent nothing: {@code waiting} entries left, and why ({@code null}: no reason to tell). */
        static Report nothingSent(String origin, long waiting, String why) {
            return new Report(origin, 0, 0, List.of(), List.of(), (int) waiting, why, 0);
        }

        /** The user's edits sent (Custos's own audit events go out from the same outbox: not counted). */
        public int editsSent() {
            return sent - trailSent;
        }

        /** Everything that was pending went to the server. */
        public boolean allSent() {
            return conflicts.isEmpty() && failures.isEmpty() && waiting == 0 && stoppedBecause == null;
        }

        public String summary() {
            return "sent " + sent + (reconciled > 0 ? " (" + reconciled + " found on the server already)" : "")
                    + ", conflicts " + conflicts.size() + ", failed " + failures.size() + ", waiting " + waiting
                    + (stoppedBecause == null ? "" : "; stopped: " + stoppedBecause);
        }
    }

    private final Cache cache;
    private final Fhir fhir;

    public OutboxSender(Cache cache, Fhir fhir) {
        this.cache = cache;
        this.fhir = fhir;
    }

    /** Sends the pending entries of the server of {@code profile} (the origin named by its base URL). */
    public Report send(ServerProfile profile, Cancellation cancel, Listener listener) {
        try (ResourceWriter writer = new ResourceWriter(fhir, profile)) {
            return send(writer, cancel, listener);
        }
    }

    /**
     * As {@link #send(ServerProfile, Cancellation, Listener)}, the user's edits only: Custos's own audit events wait
     * for the next full send (a save must not wait behind a backlog of them).
     */
    public Report sendEdits(ServerProfile profile, Cancellation cancel, Listener listener) {
        try (ResourceWriter writer = new ResourceWriter(fhir, profile)) {
            return send(writer, cancel, listener, false);
        }
    }

    /**
     * As {@link #send(ServerProfile, Cancellation, Listener)} with a writer of the caller's. One run per server at a
     * time: while one runs, another for the same server returns at once, having sent nothing.
     */
    public Report send(ResourceWriter writer, Cancellation cancel, Listener listener) {
        return send(writer, cancel, listener, true);
    }

    private Report send(ResourceWriter writer, Cancellation cancel, Listener listener, boolean withTrail) {
        String origin = Origins.normalize(writer.profile().baseUrl());
        Report edits;
        // the edits, then the trail, each under its own claim: a save's edit never waits behind a trail backlog
        if (!cache.outbox().claim(origin)) {
            edits = Report.nothingSent(origin, cache.outbox().pending(origin).stream().filter(e -> !trail(e)).count(),
                    "the outbox of " + origin + " is being sent already");
        } else {
            try {
                edits = sendClaimed(writer, origin, cancel, listener, false);
            } finally {
                cache.outbox().release(origin);
            }
        }
        if (!withTrail) {
            return edits;
        }
        Report trail;
        if (edits.stoppedBecause() != null && !edits.stoppedBecause().endsWith("is being sent already")) {
            // unreachable, refused credentials, cancelled: the trail would meet the same
            trail = Report.nothingSent(origin, cache.outbox().countPendingTrail(origin), null);
        } else if (!cache.outbox().claimTrail(origin)) {
            trail = Report.nothingSent(origin, cache.outbox().countPendingTrail(origin),
                    "the trail of " + origin + " is being sent already");
        } else {
            try {
                trail = sendClaimed(writer, origin, cancel, listener, true);
            } finally {
                cache.outbox().releaseTrail(origin);
            }
        }
        return new Report(origin, edits.sent() + trail.sent(), edits.reconciled() + trail.reconciled(),
                Stream.concat(edits.conflicts().stream(), trail.conflicts().stream()).toList(),
                Stream.concat(edits.failures().stream(), trail.failures().stream()).toList(),
                edits.waiting() + trail.waiting(), edits.stoppedBecause() != null ? edits.stoppedBecause()
                : trail.stoppedBecause(), trail.trailSent());
    }

    /** One part of a server's outbox: its edits ({@code trailPart} false) or Custos's own trail events. */
    private Report sendClaimed(ResourceWriter writer, String origin, Cancellation cancel, Listener listener,
                               boolean trailPart) {
        Redactor redactor = Redactor.of(writer.profile());
        OutboxStore outbox = cache.outbox();
        Run run = new Run();
        // resources whose earlier entry did not go this run: their later entries wait, in order
        Set<String> blocked = new HashSet<>();
        // the trail goes in the order recorded: once one of its events is left waiting (or unanswered), the later
        // ones wait too (one the server refused, FAILED, does not hold the others)
        boolean trailHeld = false;
        for (Entry e : outbox.unsent(origin)) {
            if (trail(e) != trailPart) {
                continue;
            }
            if (trail(e) && trailHeld && e.status() != Status.CONFLICT && e.status() != Status.FAILED) {
                run.waiting++;
                continue;
            }
            String key = e.resource();
            if (e.status() == Status.CONFLICT || e.status() == Status.FAILED) {
                blocked.add(key);
                continue;
            }
            if (blocked.contains(key)) {
                run.waiting++;
                continue;
            }
            if (run.stoppedBecause != null) {
                run.waiting++;
                continue;
            }
            if (cancel.isCancelled()) {
                run.stoppedBecause = "cancelled";
                run.waiting++;
                continue;
            }
            String ifMatch = e.baseVersion();
            if (e.baseSeq() != null) {
                Optional<Entry> base = outbox.get(e.baseSeq());
                if (base.isPresent() && base.get().status() == Status.SENT) {
                    ifMatch = base.get().sentVersion();
                } else if (base.isEmpty() || base.get().status() == Status.DISCARDED) {
                    conflict(writer, e, "Entry " + e.seq() + " was edited from outbox entry " + e.baseSeq()
                            + ", which was discarded: compare it with the server's version.", run, listener, redactor);
                    blocked.add(key);
                    continue;
                } else {
                    // the earlier entry for this resource has not gone (it is later in no list: it would have
                    // blocked this one already unless it belongs to another origin)
                    blocked.add(key);
                    run.waiting++;
                    continue;
                }
            }
            if (!sendOne(writer, e, ifMatch, run, listener, redactor)) {
                blocked.add(key);
                // held only by an event tried this run: one left unanswered by an earlier run, whose check failed
                // again, must not hold the trail for ever
                if (trail(e) && e.status() == Status.PENDING
                        && outbox.get(e.seq()).map(now -> now.status() != Status.FAILED).orElse(true)) {
                    trailHeld = true;
                }
            }
        }
        return new Report(origin, run.sent, run.reconciled, List.copyOf(run.conflicts), List.copyOf(run.failures),
                run.waiting, run.stoppedBecause, run.trailSent);
    }

    private static final class Run {
        int sent;
        int trailSent;
        int reconciled;
        int waiting;
        String stoppedBecause;
        final List<Report.Problem> conflicts = new ArrayList<>();
        final List<Report.Problem> failures = new ArrayList<>();
    }

    /** Sends one entry; returns whether it is SENT now. */
    private boolean sendOne(ResourceWriter writer, Entry e, String ifMatch, Run run, Listener listener,
                            Redactor redactor) {
        OutboxStore outbox = cache.outbox();
        // whether the text may be on the server without Custos knowing: an earlier send got no clear answer (until a
        // read shows the server does not hold it), or this run's write did not get one
        boolean uncertain = e.status() == Status.SENDING;
        boolean writing = false;
        try {
            if (e.status() == Status.SENDING && trail(e)) {
                // a trail event (POSTed, the server chose its id) is looked for by its tag
                Optional<ResourceWriter.Stored> there = writer.findTagged(e.type(), TrailWrites.TAG, e.id());
                if (there.isPresent()) {
                    cache.trail().markPosted(e.seq(), there.get().id(), there.get().versionId());
                    run.sent++;
                    run.trailSent++;
                    run.reconciled++;
                    listener.done(e, Status.SENT, "found on the server (AuditEvent/" + there.get().id() + ")");
                    return true;
                }
                uncertain = false; // searched just now: the server does not hold it
            } else if (e.status() == Status.SENDING) {
                // a run before this one was stopped while sending it: did it arrive?
                Optional<ResourceWriter.Stored> now = writer.read(e.type(), e.id());
                if (now.isPresent() && fhir.sameContent(now.get().json(), e.json())) {
                    outbox.markSent(e.seq(), now.get().json());
                    run.sent++;
                    run.reconciled++;
                    listener.done(e, Status.SENT, "found on the server (version " + now.get().versionId() + ")");
                    return true;
                }
                uncertain = false; // read just now: the server does not hold this text
            }
            if (!outbox.startSending(e.seq())) {
                // discarded or resolved since the list was read: not this run's to send
                run.waiting += outbox.get(e.seq()).map(now -> now.status() == Status.PENDING ? 1 : 0).orElse(0);
                return false;
            }
            listener.sending(e);
            writing = true;
            if (trail(e)) {
                // POSTed, conditional on its tag: stored once even when this is a resend
                ResourceWriter.Stored posted = writer.post(e.type(), e.json(), TrailWrites.TAG, e.id());
                cache.trail().markPosted(e.seq(), posted.id(), posted.versionId());
                run.sent++;
                run.trailSent++;
                listener.done(e, Status.SENT, "stored as AuditEvent/" + posted.id());
                return true;
            }
            ResourceWriter.Stored stored = ifMatch == null ? writer.create(e.type(), e.id(), e.json())
                    : writer.put(e.type(), e.id(), e.json(), ifMatch);
            outbox.markSent(e.seq(), stored.json());
            run.sent++;
            listener.done(e, Status.SENT, "stored as version " + stored.versionId());
            return true;
        } catch (VersionConflictException c) {
            if (c.currentJson() != null && fhir.sameContent(c.currentJson(), e.json())) {
                // the server holds this very content (an earlier send arrived after all): nothing to send
                outbox.markSent(e.seq(), c.currentJson());
                run.sent++;
                run.reconciled++;
                listener.done(e, Status.SENT, "found on the server (version " + c.currentVersion() + ")");
                return true;
            }
            outbox.markConflict(e.seq(), c.currentVersion(), c.currentJson(), redactor.clean(c.getMessage()));
            run.conflicts.add(new Report.Problem(e.seq(), e.resource(), redactor.clean(c.getMessage())));
            listener.done(e, Status.CONFLICT, redactor.clean(c.getMessage()));
            return false;
        } catch (FhirServerException f) {
            String m = redactor.clean(f.getMessage());
            run.failures.add(new Report.Problem(e.seq(), e.resource(), m));
            if (uncertain || writing && mayHaveArrived(f.kind())) {
                // the request may have reached the server: the entry stays SENDING (uncertain); the next send reads
                // the server first, and it cannot be discarded meanwhile
                outbox.markUncertain(e.seq(), m);
                listener.done(e, Status.SENDING, m);
                if (stopsTheRun(f.kind())) {
                    run.stoppedBecause = m;
                }
            } else if (stillPending(f.kind())) {
                outbox.markRetry(e.seq(), m);
                listener.done(e, Status.PENDING, m);
                if (stopsTheRun(f.kind())) {
                    run.stoppedBecause = m;
                }
            } else {
                outbox.markFailed(e.seq(), m);
                listener.done(e, Status.FAILED, m);
            }
            return false;
        } catch (org.custos.cache.CacheException broken) {
            // the server's answer could not be recorded (the cache write failed): the entry stays SENDING (the next
            // send reads the server first); the run goes on with other resources
            String m = "Cannot record the send of " + e.resource() + " in the cache: " + broken.getMessage()
                    + ". It may be on the server: the next send checks.";
            try {
                outbox.markUncertain(e.seq(), m);
            } catch (RuntimeException again) {
                // the entry is SENDING already (marked before the request): that stays
            }
            run.failures.add(new Report.Problem(e.seq(), e.resource(), m));
            listener.done(e, Status.SENDING, m);
            return false;
        } catch (FhirFormatException | IllegalArgumentException bad) {
            // the entry cannot be sent as it is (not a resource of its type, a bad id): the user has to fix it
            String m = "Cannot send " + e.resource() + ": " + redactor.clean(bad.getMessage());
            outbox.markFailed(e.seq(), m);
            run.failures.add(new Report.Problem(e.seq(), e.resource(), m));
            listener.done(e, Status.FAILED, m);
            return false;
        }
    }

    /** Custos's own audit events are the AuditEvents in the outbox (Custos edits no other AuditEvent). */
    private static boolean trail(Entry e) {
        return e.type().equals("AuditEvent");
    }

    /** A conflict found before sending (the entry it was based on is gone): with what the server holds now. */
    private void conflict(ResourceWriter writer, Entry e, String message, Run run, Listener listener,
                          Redactor redactor) {
        ResourceWriter.Stored now = null;
        try {
            now = writer.read(e.type(), e.id()).orElse(null);
        } catch (RuntimeException ex) {
            // recorded without the server's version; the conflict screen can read it again
        }
        String m = redactor.clean(message);
        cache.outbox().markConflict(e.seq(), now == null ? null : now.versionId(), now == null ? null : now.json(), m);
        run.conflicts.add(new Report.Problem(e.seq(), e.resource(), m));
        listener.done(e, Status.CONFLICT, m);
    }

    /**
     * A write that ended so may have been stored: no answer in time, an answer cut off, or a server error (a 502/504
     * from a proxy in front of the server is the classic "it may have arrived").
     */
    private static boolean mayHaveArrived(FhirServerException.Kind k) {
        return k == FhirServerException.Kind.TIMEOUT || k == FhirServerException.Kind.BAD_RESPONSE
                || k == FhirServerException.Kind.SERVER_ERROR;
    }

    /** Failures that may pass by themselves: the entry stays pending. */
    private static boolean stillPending(FhirServerException.Kind k) {
        return k.transientFault() || stopsTheRun(k);
    }

    /** Failures that every further request would meet too: the run stops, the rest stays pending. */
    private static boolean stopsTheRun(FhirServerException.Kind k) {
        return switch (k) {
            case UNREACHABLE, TLS, TIMEOUT, UNAUTHORIZED, FORBIDDEN, UNSAFE, CANCELLED, THROTTLED, WRONG_VERSION,
                 NOT_FHIR -> true;
            default -> false;
        };
    }
}
