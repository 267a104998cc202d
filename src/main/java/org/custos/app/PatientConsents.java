package org.custos.app;

import org.custos.cache.Cache;
import org.custos.cache.ConsentStore;
import org.custos.cache.Origins;
import org.custos.cache.OutboxStore;
import org.custos.consent.ConsentEditorViewModel;
import org.custos.consent.ConsentTemplates;
import org.custos.consent.GuidedConsent;
import org.custos.consent.GuidedConsentViewModel;
import org.custos.consent.MyConsentsView;
import org.custos.consent.MyConsentsViewModel;
import org.custos.fhir.Fhir;
import org.custos.fhir.ResourceValidator;
import org.custos.fhir.ServerProfile;
import org.custos.people.PeopleDirectory;
import org.custos.provenance.ProvenanceReview;
import org.custos.provenance.ProvenanceSigner;
import org.custos.provenance.SignerKeys;
import org.custos.sync.ConsentSaver;
import org.custos.sync.OutboxSender;
import org.custos.sync.ProvenanceSaver;
import org.custos.ui.TaskRunner;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * "My consents" of patient mode (issue 15), bound to one patient of one server: the list reads only that patient's
 * consents from the patient's own cache, the guided steps find people only in the directory this computer holds of
 * that server (no server search: nothing of another patient is asked for), save through the consent editor's saver
 * (outbox, If-Match) and sign with the provenance signing of issue 12, the patient as signer.
 */
record PatientConsents(MyConsentsViewModel model, MyConsentsView view, ConsentSaver saver) {
    private static final int FOUND = 25;

    /**
     * @param profile the patient-mode profile as it is now (with its sign-in, when it has one): read at each save
     */
    static PatientConsents assemble(Cache cache, Fhir fhir, Supplier<ServerProfile> profile, TaskRunner tasks,
                                    ZoneId zone) {
        ServerProfile first = profile.get();
        String origin = Origins.normalize(first.baseUrl());
        String patient = first.patient();
        java.util.function.Function<String, Optional<ServerProfile>> mine = o -> Origins.normalize(
                profile.get().baseUrl()).equals(o) ? Optional.of(profile.get()) : Optional.empty();
        ConsentSaver saver = new ConsentSaver(cache, fhir, mine);
        ResourceValidator validator = new ResourceValidator(fhir);
        ConsentEditorViewModel.Store store = (o, id, base, json) -> {
            ConsentSaver.Result r = saver.save(o, id, base, json);
            if (r instanceof ConsentSaver.Result.Stored s) {
                return new ConsentEditorViewModel.Outcome.Stored(s.versionId(), s.json());
            }
            if (r instanceof ConsentSaver.Result.Conflict c) {
                return new ConsentEditorViewModel.Outcome.Conflict(c.mine(), c.theirs(), c.theirsVersion(), c.seq());
            }
            ConsentSaver.Result.Queued q = (ConsentSaver.Result.Queued) r;
            return new ConsentEditorViewModel.Outcome.Queued(q.reason(), q.seq());
        };
        ConsentEditorViewModel.Checker checker = json -> validator.validate(json, "Consent").stream()
                .map(p -> new ConsentEditorViewModel.Finding(ConsentEditorViewModel.Severity.valueOf(
                        p.severity().name()), p.location(), p.message())).toList();
        PeopleDirectory directory = new PeopleDirectory(cache);
        ConsentEditorViewModel.People people = (o, type, text) -> directory.search(origin, text,
                        EnumSet.of(PeopleDirectory.PersonType.PRACTITIONER, PeopleDirectory.PersonType.ORGANIZATION),
                        FOUND).stream()
                .map(p -> new ConsentEditorViewModel.Suggestion(p.reference(), p.display(),
                        p.type() == PeopleDirectory.PersonType.ORGANIZATION ? "organisation" : null, p.origin()))
                .toList();
        ProvenanceReview review = new ProvenanceReview(cache);
        ProvenanceSaver provenance = new ProvenanceSaver(cache, fhir, mine);
        GuidedConsentViewModel.Signer signer = new GuidedConsentViewModel.Signer() {
            @Override
            public String sign(String id, String versionId, java.nio.file.Path key, char[] password) {
                SignerKeys keys = SignerKeys.load(key, null, password);
                String[] made = review.sign(origin, "Consent", id, patient, ProvenanceSigner.Purpose.CONSENT,
                        ProvenanceSigner.Format.JWS, keys);
                // the cache's current version is what was signed: it must be the one this save stored
                if (versionId == null || !made[1].contains("\"Consent/" + id + "/_history/" + versionId + "\"")) {
                    throw new IllegalStateException("your consent changed on the server before it could be signed; "
                            + "look at it in your list, then make it again to sign it");
                }
                ProvenanceSaver.Result r = provenance.keep(origin, made[0], made[1]);
                return r instanceof ProvenanceSaver.Result.Queued ? "Your signature waits on this computer and is "
                        + "sent the next time you fetch your record." : "Your signature is kept with it on the server.";
            }

            @Override
            public String problem(java.nio.file.Path key, char[] password) {
                SignerKeys keys;
                try {
                    keys = SignerKeys.load(key, null, password);
                } catch (IllegalArgumentException e) {
                    return "the key cannot be used: " + e.getMessage();
                }
                // the signature must be tied to the patient: a reviewer's check needs the certificate to name them
                return keys.names(patient, profile.get().baseUrl()) ? null : "the certificate of this key does not "
                        + "name you, so a signature made with it could not be shown to be yours. Use the key your "
                        + "care provider or your e-ID gave you.";
            }
        };
        GuidedConsent guided = new GuidedConsent(new ConsentTemplates());
        GuidedConsentViewModel making = new GuidedConsentViewModel(guided, checker, store, people, signer, tasks,
                origin, new ConsentTemplates.Patient(patient));
        MyConsentsViewModel.Source source = new MyConsentsViewModel.Source() {
            @Override
            public List<MyConsentsViewModel.Kept> consents() {
                return consentsOf(cache, saver, origin, patient);
            }

            @Override
            public void setAside(MyConsentsViewModel.Kept k) {
                // the patient's unsent change of this consent, every open entry of it: discarded, kept as record
                for (OutboxStore.Entry e : open(cache, origin, k.id())) {
                    saver.discard(e.seq());
                }
            }
        };
        MyConsentsViewModel model = new MyConsentsViewModel(source, store, guided, making, tasks, zone, origin);
        return new PatientConsents(model, new MyConsentsView(model), saver);
    }

    /**
     * The patient's consents in the cache (newest first), then their new ones that have not reached the server; each
     * with what became of the patient's last change to it (waiting, or not sent: a conflict or a refusal).
     */
    static List<MyConsentsViewModel.Kept> consentsOf(Cache cache, ConsentSaver saver, String origin, String patient) {
        ConsentStore store = cache.consents();
        Set<String> unsent = new HashSet<>(saver.unsentConsents(origin));
        List<MyConsentsViewModel.Kept> out = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        for (ConsentStore.ConsentRow r : store.page(new ConsentStore.ConsentFilter(patient, origin, Set.of(),
                Set.of(), null), null, 500)) {
            String json = store.raw(r.pk()).orElse(null);
            if (json != null) {
                out.add(new MyConsentsViewModel.Kept(r.id(), r.versionId(), json, true, unsent.contains(r.id())
                        ? pending(open(cache, origin, r.id())) : MyConsentsViewModel.Pending.NONE));
                listed.add(r.id());
            }
        }
        for (String id : unsent) {
            if (listed.contains(id)) {
                continue;
            }
            List<OutboxStore.Entry> open = open(cache, origin, id);
            if (!open.isEmpty() && mentions(open.get(open.size() - 1).json(), patient)) {
                out.add(new MyConsentsViewModel.Kept(id, null, open.get(open.size() - 1).json(), false,
                        pending(open)));
            }
        }
        return out;
    }

    private static List<OutboxStore.Entry> open(Cache cache, String origin, String id) {
        return cache.outbox().entriesFor(origin, "Consent", id).stream().filter(e -> e.status().open()).toList();
    }

    private static MyConsentsViewModel.Pending pending(List<OutboxStore.Entry> open) {
        if (open.stream().anyMatch(e -> e.status() == OutboxStore.Status.CONFLICT)) {
            return MyConsentsViewModel.Pending.CONFLICT;
        }
        if (open.stream().anyMatch(e -> e.status() == OutboxStore.Status.FAILED)) {
            return MyConsentsViewModel.Pending.REFUSED;
        }
        return open.isEmpty() ? MyConsentsViewModel.Pending.NONE : MyConsentsViewModel.Pending.WAITING;
    }

    /**
     * Sends the patient's changes that wait in the outbox (at each fetch and every minute); says how many went, in
     * the patient's words ("" when none).
     */
    String sendWaiting(org.custos.fhir.Cancellation cancel) {
        int sent = saver.sendAll(cancel).stream().mapToInt(OutboxSender.Report::editsSent).sum();
        return sent == 0 ? "" : sent == 1 ? "1 change of your consents was sent." : sent + " changes of your "
                + "consents were sent.";
    }

    /** How many of the patient's consent changes wait to be sent (not those that wait for the patient's choice). */
    int waiting() {
        return (int) saver.pending().waiting();
    }

    private static boolean mentions(String json, String patient) {
        try {
            return patient.equals(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json)
                    .path("patient").path("reference").asText());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return false;
        }
    }
}
