package org.custos.sync;

import org.custos.cache.Cache;
import org.custos.cache.SyncState;
import org.custos.fhir.Cancellation;
import org.custos.fhir.FhirHttp;
import org.custos.fhir.FhirServerException;
import org.custos.fhir.Redactor;
import org.custos.fhir.RetryPolicy;
import org.custos.fhir.ServerProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Pulls AuditEvent, Consent and Provenance from a FHIR server into the cache: a full sync the first time, then
 * incremental ones, each by a {@code _lastUpdated} window that starts a little before the last one ended. Every
 * page is stored with its checkpoint, so a sync that is cancelled, fails or is killed resumes where it stopped.
 * One sync at a time per cache.
 */
public final class SyncEngine {
    private static final Logger LOG = LoggerFactory.getLogger(SyncEngine.class);
    private final Cache cache;
    private final Clock clock;
    private final ReentrantLock running = new ReentrantLock();

    /** Options of one run. {@code since}: a first sync starts there (epoch ms; null: everything). */
    public record Options(Long since, RetryPolicy retry) {
        public static final Options DEFAULT = new Options(null, RetryPolicy.DEFAULT);
    }

    public SyncEngine(Cache cache) {
        this(cache, Clock.systemUTC());
    }

    public SyncEngine(Cache cache, Clock clock) {
        this.cache = cache;
        this.clock = clock;
    }

    /** The origin id under which this server's resources and checkpoints are kept. */
    public int originOf(ServerProfile profile) {
        return cache.origins().idOf(profile.baseUrl());
    }

    /** The last checkpoint of each type of this server. */
    public SyncState state(ServerProfile profile, String type) {
        return cache.sync().state(originOf(profile), type);
    }

    public SyncReport sync(ServerProfile profile, Options options, SyncListener listener, Cancellation cancel) {
        if (!profile.problems().isEmpty()) {
            throw new IllegalArgumentException(String.join(" ", profile.problems()));
        }
        if (!running.tryLock()) {
            throw new IllegalStateException("A sync is already running on this cache.");
        }
        SyncReport done = null;
        try {
            int origin = originOf(profile);
            SyncReport report = new SyncReport();
            boolean stopAll = false;
            org.custos.fhir.ServerConnection client;
            FhirServerException setup = null;
            try {
                client = FhirHttp.newClient(profile);
            } catch (FhirServerException e) {
                client = null; // e.g. the profile's CA file or client certificate cannot be used: said per type
                setup = e;
            }
            Redactor redactor = Redactor.of(profile);
            ServerClock serverClock = new ServerClock(clock);
            for (String type : profile.typesToSync()) {
                SyncReport.TypeResult r = report.of(type);
                if (setup != null) {
                    r.status = SyncReport.Status.FAILED;
                    r.message = setup.getMessage();
                    continue;
                } else if (stopAll || cancel.isCancelled()) {
                    r.status = cancel.isCancelled() ? SyncReport.Status.CANCELLED : SyncReport.Status.FAILED;
                    r.message = cancel.isCancelled() ? "Cancelled before it started." : "Not started: see above.";
                    continue;
                }
                FhirHttp http = new FhirHttp(profile, options.retry(), cancel, m -> listener.notice(type, m), client);
                long t0 = System.nanoTime();
                try {
                    new TypeSync(cache, http, profile, options, clock, serverClock, origin, type, r, listener, cancel)
                            .run();
                } catch (FhirServerException e) {
                    r.status = e.kind() == FhirServerException.Kind.CANCELLED ? SyncReport.Status.CANCELLED
                            : SyncReport.Status.FAILED;
                    r.message = r.status == SyncReport.Status.CANCELLED
                            ? "Cancelled; the next sync goes on from here." : redactor.clean(e.getMessage());
                    // without valid credentials no other type can work either
                    stopAll = e.kind() == FhirServerException.Kind.UNAUTHORIZED;
                    LOG.info("Sync of {} from {}: {}", type, profile.baseUrl(), redactor.clean(e.getMessage()));
                } catch (RuntimeException e) {
                    r.status = SyncReport.Status.FAILED;
                    r.message = redactor.clean(e.getMessage() == null ? e.toString() : e.getMessage());
                    LOG.warn("Sync of {} from {} failed", type, profile.baseUrl(), redactor.clean((Throwable) e));
                }
                r.millis = (System.nanoTime() - t0) / 1_000_000;
                SyncState s = cache.sync().state(origin, type);
                cache.sync().save(s.ran(clock.millis(), r.status.name(),
                        r.status == SyncReport.Status.COMPLETED ? r.counts() : r.message));
            }
            if (!cancel.isCancelled()) {
                done = report;
            }
            return report;
        } finally {
            running.unlock();
            if (done != null) {
                // after the sync lock is released: another sync need not wait for it
                ImportSession.prepareChecks(cache, cancel::isCancelled);
                // a large sync leaves the file several times its content: compacted now rather than browsed so
                SyncReport finished = done;
                org.custos.cache.CacheCompaction.afterBulkWrite(cache, m -> listener.notice("Cache", m),
                                cancel::isCancelled)
                        .ifPresent(finished::note);
            }
        }
    }
}
