package org.custos.app;

import org.custos.cache.Cache;
import org.custos.cache.PatientEvents;
import org.custos.fhir.Cancellation;
import org.custos.fhir.ServerProfile;
import org.custos.patient.AccessHistory;
import org.custos.patient.AccessHistoryViewModel;
import org.custos.patient.PatientHomeView;
import org.custos.patient.PatientHomeViewModel;
import org.custos.sync.SyncEngine;
import org.custos.sync.SyncListener;
import org.custos.sync.SyncReport;
import org.custos.ui.TaskRunner;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Patient mode's window (issue 15), in place of the staff tabs: one patient profile's record, kept in a cache of its
 * own (never the staff cache), fetched with the profile's patient-mode sync, shown as "who looked at my record". The
 * patient screens reach the cache only through the ports bound here to that one patient.
 */
record PatientWindow(PatientHomeViewModel model, PatientHomeView view, Cancellation fetching,
                     PatientConsents consents) {
    /**
     * The cache file of patient mode for {@code profile}, beside the staff cache {@code staffCache}: named by the
     * profile and by a hash of its server and patient, so that another patient (or server) under the same profile
     * name never opens this patient's cache.
     */
    static Path cacheFile(Path staffCache, ServerProfile profile) {
        String safe = profile.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)",
                "");
        String whose = profile.baseUrl() + "|" + profile.patient();
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(whose.getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
            return staffCache.resolveSibling(staffCache.getFileName() + "-patient-" + (safe.isEmpty() ? "profile"
                    : safe) + "-" + java.util.HexFormat.of().formatHex(h, 0, 8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static PatientWindow assemble(Cache cache, org.custos.fhir.Fhir fhir, ServerProfile profile, TaskRunner tasks,
                                  ZoneId zone, Clock clock) {
        return assemble(cache, fhir, profile, () -> profile, null, tasks, zone, clock);
    }

    /**
     * The patient's window for {@code profile}; {@code current} gives it as it is at each request (with the sign-in
     * made meanwhile), {@code signIn} signs in when the server asks for it (null: it does not).
     */
    static PatientWindow assemble(Cache cache, org.custos.fhir.Fhir fhir, ServerProfile profile,
                                  java.util.function.Supplier<ServerProfile> current,
                                  java.util.function.Function<Cancellation, PatientHomeViewModel.SignIn> signIn,
                                  TaskRunner tasks, ZoneId zone, Clock clock) {
        if (!profile.patientMode()) {
            throw new IllegalArgumentException("The profile " + profile.name() + " is not in patient mode: give it "
                    + "its patient in the Servers tab first.");
        }
        String patient = profile.patient();
        AccessHistoryViewModel history = new AccessHistoryViewModel(new AccessHistoryViewModel.Source() {
            @Override
            public String patient() {
                return patient;
            }

            @Override
            public List<AccessHistory.RecordedEvent> accessEvents() {
                List<AccessHistory.RecordedEvent> out = new ArrayList<>();
                cache.patientEvents().forEach(List.of(PatientEvents.referenceKey(patient)), null, Long.MIN_VALUE,
                        Long.MAX_VALUE, () -> false, e -> out.add(new AccessHistory.RecordedEvent(e.raw(),
                                e.recorded())));
                return out;
            }

            @Override
            public boolean fetched() {
                return new SyncEngine(cache).state(profile, "AuditEvent").syncedTo() != null;
            }
        }, tasks, zone, clock).savingWith(file -> java.nio.file.Files.newOutputStream(
                org.custos.cli.PrivateFiles.create(file)), profile.name());
        // cancelled when the app closes: a fetch stops after the page it is storing, with its checkpoint
        Cancellation fetching = new Cancellation();
        PatientConsents consents = PatientConsents.assemble(cache, fhir, current, tasks, zone);
        // a fetch first sends the patient's consent changes that wait, then syncs (the list then shows both)
        PatientHomeViewModel home = new PatientHomeViewModel(PatientHandOver.serverName(profile), () -> {
            String sent = consents.sendWaiting(fetching);
            String fetched = said(new SyncEngine(cache).sync(current.get(), SyncEngine.Options.DEFAULT,
                    SyncListener.NONE, fetching));
            return sent.isEmpty() ? fetched : sent + " " + fetched;
        }, tasks, history).afterFetch(consents.model()::load);
        tasks.every(java.time.Duration.ofMinutes(1), () -> tasks.submit(null, p -> consents.sendWaiting(fetching),
                said -> {
                    if (!said.isEmpty()) {
                        consents.model().load();
                    }
                }, e -> { }));
        if (signIn != null) {
            PatientHomeViewModel.SignIn s = signIn.apply(fetching);
            if (s instanceof PatientSignIn p) {
                p.changesWaiting(consents::waiting);
            }
            home.signingInWith(s);
        }
        return new PatientWindow(home, new PatientHomeView(home, consents.view().root()), fetching, consents);
    }

    /** What a fetch did, in the patient's words. */
    static String said(SyncReport r) {
        long looks = count(r, "AuditEvent");
        long consents = count(r, "Consent");
        StringBuilder s = new StringBuilder("Fetched: ").append(looks == 1 ? "1 new entry" : looks + " new entries")
                .append(" about who looked at your record, ").append(consents == 1 ? "1 consent" : consents
                        + " consents").append(" new or changed.");
        for (SyncReport.TypeResult t : r.byType().values()) {
            if (t.status != SyncReport.Status.COMPLETED) {
                s.append(" Not everything could be fetched: ").append(t.message);
                break;
            }
        }
        if (!r.note().isEmpty()) {
            s.append(' ').append(r.note());
        }
        return s.toString();
    }

    private static long count(SyncReport r, String type) {
        SyncReport.TypeResult t = r.byType().get(type);
        return t == null ? 0 : t.added + t.updated;
    }
}
