package org.custos.app;

import org.custos.servers.CacheProtectionModel;

import org.custos.audit.AuditView;
import org.custos.audit.AuditViewModel;
import org.custos.cache.Cache;
import org.custos.consent.ConsentListView;
import org.custos.consent.ConsentListViewModel;
import org.custos.fhir.Fhir;
import org.custos.fhir.ProfileStore;
import org.custos.servers.ServersView;
import org.custos.servers.ServersViewModel;
import org.custos.sources.SourcesView;
import org.custos.sources.SourcesViewModel;
import org.custos.sync.SyncEngine;
import org.custos.sync.Importer;
import org.custos.ui.FxTaskRunner;

import java.io.InputStream;
import java.time.ZoneId;
import java.util.function.Supplier;

/** The main window's parts, wired with plain constructors (used by the app and by the UI tests alike). */
record MainWindow(MainViewModel model, MainView view, AuditView auditView, ServersViewModel servers,
                  SourcesViewModel sources, ConsentWiring consentWiring, ConsentListViewModel consents,
                  ConsentListView consentView, ProvenanceWiring provenance, ReviewWiring review,
                  AlertWiring alerts) {
    static MainWindow assemble(Cache cache, Fhir fhir, FxTaskRunner tasks, Supplier<InputStream> demoData,
                               ZoneId zone, ProfileStore profiles, java.util.prefs.Preferences settings,
                               java.util.function.Consumer<java.net.URI> browser) {
        org.custos.sync.AuditExport exporter = new org.custos.sync.AuditExport(cache);
        // Custos's own audit trail: every search, opened event, export and review decision, before its result shows
        // (the signed-in user, as the authorization server named them; else the operating-system user)
        java.util.function.Supplier<String> user = () -> profiles.signedInUser()
                .orElseGet(() -> System.getProperty("user.name", "?"));
        // (the host name is looked up off the UI thread, when the first act is recorded)
        org.custos.trail.OwnTrail trail = new org.custos.trail.OwnTrail(cache, user,
                org.custos.trail.OwnTrail::installationOfThisMachine, java.time.Clock.systemUTC())
                .sendingTo(profiles::trailReceivers);
        AuditViewModel auditVm = new AuditViewModel(cache.audit(), fhir, tasks, zone, (f, format, out, progress,
                cancelled) -> {
            trail.export("audit browser export (" + format.name().toLowerCase(java.util.Locale.ROOT) + ")",
                    f.toString(), f.patient() == null ? java.util.List.of() : java.util.List.of(f.patient()));
            return exporter.write(f, org.custos.sync.AuditExport.Format.valueOf(format.name()), Long.MAX_VALUE, out,
                    progress, cancelled);
        }).watchedBy(trail).savedIn(new org.custos.audit.SavedSearchesModel.Store() {
            @Override
            public java.util.Map<String, String> all() {
                java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
                cache.review().savedSearches().forEach(s -> out.put(s.name(), s.filter()));
                return out;
            }

            @Override
            public void save(String name, String fields) {
                cache.review().saveSearch(name, fields, System.currentTimeMillis());
            }

            @Override
            public boolean delete(String name) {
                return cache.review().deleteSearch(name);
            }
        });
        Importer importer = new Importer(cache, fhir);
        QuarantineViewModel quarantineVm = new QuarantineViewModel(cache.quarantine(), importer,
                cache.audit()::originNames, tasks);
        MainViewModel main = new MainViewModel(cache, importer, tasks, auditVm, quarantineVm, demoData);
        quarantineVm.onCacheChanged(main::refresh);
        // new data from a sync shows in the browser and the quarantine without a restart
        ServersViewModel servers = new ServersViewModel(profiles, new SyncEngine(cache), tasks, main::refresh, zone);
        servers.openBrowserWith(browser);
        servers.protectCacheWith(new CacheProtectionModel(cache, settings, tasks, profiles::keyring));
        SourcesViewModel sources = new SourcesViewModel(cache.originData(), tasks, main::refresh, zone);
        main.onRefresh(sources::refresh);
        ConsentWiring consentWiring = new ConsentWiring(cache, fhir, profiles, tasks, zone);
        ConsentListViewModel consents = consentWiring.listModel(main::showEvent);
        // after a sync or an import: searched again if the Consents tab shows, else when it is selected
        main.onRefresh(consents::cacheChanged);
        AuditView auditView = new AuditView(auditVm);
        ConsentListView consentView = new ConsentListView(consents);
        ProvenanceWiring provenance = ProvenanceWiring.assemble(cache, fhir, profiles, tasks, zone, settings,
                main::showEventsAbout);
        main.onRefresh(provenance.list()::cacheChanged);
        ReviewWiring review = ReviewWiring.assemble(cache, tasks, zone, main::showEvent, trail);
        main.onRefresh(review.access()::cacheChanged);
        MainView view = new MainView(main, auditView, consentView, provenance.view(), review.accessView(),
                new QuarantineView(quarantineVm), new ServersView(servers), new SourcesView(sources), tasks);
        AlertWiring alerts = AlertWiring.assemble(cache, tasks, zone, java.time.Clock.systemUTC(), user, trail,
                main::showEvent);
        alerts.queue().shownProperty().bind(view.addTab("Alerts", alerts.view().root()).selectedProperty());
        alerts.cases().shownProperty().bind(view.addTab("Cases", alerts.casesView().root()).selectedProperty());
        main.onRefresh(alerts.queue()::cacheChanged);
        return new MainWindow(main, view, auditView, servers, sources, consentWiring, consents, consentView,
                provenance, review, alerts);
    }

    /**
     * Starts what runs in the background once the window shows: the consent screens' value sets and the outbox; the
     * outbox's schedule is returned (cancelled when the window goes).
     */
    org.custos.ui.TaskRunner.Handle startConsents(FxTaskRunner tasks) {
        alerts.start(tasks);
        consentWiring.warmUp();
        consents.search();
        consents.sendPending();
        return tasks.every(java.time.Duration.ofMinutes(1), consents::sendPending);
    }
}
