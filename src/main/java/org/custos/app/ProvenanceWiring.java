package org.custos.app;

import org.custos.cache.Cache;
import org.custos.cache.Origins;
import org.custos.fhir.Fhir;
import org.custos.fhir.ProfileStore;
import org.custos.fhir.ResourceWriter;
import org.custos.provenance.SignatureVerifier;
import org.custos.fhir.ServerProfile;
import org.custos.provenance.ProvenanceDetailView;
import org.custos.provenance.ProvenanceDetailViewModel;
import org.custos.provenance.ProvenanceGraphView;
import org.custos.provenance.ProvenanceGraphViewModel;
import org.custos.provenance.ProvenanceListView;
import org.custos.provenance.ProvenanceListViewModel;
import org.custos.provenance.ProvenanceReview;
import org.custos.provenance.ProvenanceSignView;
import org.custos.provenance.ProvenanceSignViewModel;
import org.custos.sync.ProvenanceSaver;
import org.custos.ui.TaskRunner;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.prefs.Preferences;

/**
 * The Provenance screens wired to the services below them: the cache's list and checks, HAPI's XML writer, the trust
 * store remembered in the user's settings, the saver that keeps a signed Provenance (cache or outbox), and the audit
 * browser for the events about a target.
 */
record ProvenanceWiring(ProvenanceListViewModel list, ProvenanceListView view, ProvenanceGraphView graph,
                        ProvenanceDetailView detail) {
    static final String TRUST_KEY = "provenance.truststore";

    static ProvenanceWiring assemble(Cache cache, Fhir fhir, ProfileStore profiles, TaskRunner tasks, ZoneId zone,
                                     Preferences settings, BiConsumer<String, String> eventsAbout) {
        // what the cache does not hold is read from the origin's server, with its profile (each read is audited there)
        ProvenanceReview review = new ProvenanceReview(cache, (origin, type, id) -> profileOf(profiles, origin)
                .flatMap(p -> {
                    // (a failure — refused, unreachable — is not "absent": it goes up with its message)
                    try (ResourceWriter server = new ResourceWriter(fhir, p)) {
                        return server.read(type, id).map(s -> new SignatureVerifier.Target(s.json(), s.versionId()));
                    }
                }));
        ProvenanceDetailViewModel.TrustSettings trust = new ProvenanceDetailViewModel.TrustSettings() {
            @Override
            public Optional<Path> path() {
                return Optional.ofNullable(settings.get(TRUST_KEY, null)).map(Path::of);
            }

            @Override
            public void remember(Path file) {
                settings.put(TRUST_KEY, file.toAbsolutePath().toString());
            }
        };
        ProvenanceGraphViewModel graph = new ProvenanceGraphViewModel(review, tasks);
        ProvenanceDetailViewModel detail = new ProvenanceDetailViewModel(review, tasks, fhir::toXml, trust,
                eventsAbout).graph(graph);
        ProvenanceListViewModel list = new ProvenanceListViewModel(review, detail, tasks, zone);
        ProvenanceSaver saver = new ProvenanceSaver(cache, fhir, origin -> profileOf(profiles, origin));
        ProvenanceSignViewModel sign = new ProvenanceSignViewModel(review, (origin, id, json) -> {
            ProvenanceSaver.Result r = saver.keep(origin, id, json);
            if (r instanceof ProvenanceSaver.Result.Kept k) {
                return "Kept in the cache under " + k.origin() + ".";
            }
            if (r instanceof ProvenanceSaver.Result.Stored s) {
                return "Stored on " + s.origin() + " as version " + s.versionId() + ".";
            }
            ProvenanceSaver.Result.Queued q = (ProvenanceSaver.Result.Queued) r;
            return "Waits in the outbox for " + q.origin() + ": " + q.reason() + ".";
        }, tasks);
        sign.onSigned(list::showTarget);
        list.signing(sign);
        ProvenanceGraphView graphView = new ProvenanceGraphView(graph);
        ProvenanceDetailView detailView = new ProvenanceDetailView(detail, graphView.root());
        ProvenanceListView view = new ProvenanceListView(list, detailView, new ProvenanceSignView(sign));
        return new ProvenanceWiring(list, view, graphView, detailView);
    }

    private static Optional<ServerProfile> profileOf(ProfileStore profiles, String origin) {
        return profiles.list().stream().filter(p -> Origins.normalize(p.baseUrl()).equals(origin)).findFirst();
    }
}
