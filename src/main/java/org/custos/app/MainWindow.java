package org.custos.app;

import org.custos.audit.AuditView;
import org.custos.audit.AuditViewModel;
import org.custos.cache.Cache;
import org.custos.fhir.Fhir;
import org.custos.sync.Importer;
import org.custos.ui.FxTaskRunner;

import java.io.InputStream;
import java.time.ZoneId;
import java.util.function.Supplier;

/** The main window's parts, wired with plain constructors (used by the app and by the UI tests alike). */
record MainWindow(MainViewModel model, MainView view, AuditView auditView) {
    static MainWindow assemble(Cache cache, Fhir fhir, FxTaskRunner tasks, Supplier<InputStream> demoData,
                               ZoneId zone) {
        AuditViewModel auditVm = new AuditViewModel(cache.audit(), fhir, tasks, zone);
        QuarantineViewModel quarantineVm = new QuarantineViewModel(cache.quarantine(), tasks);
        MainViewModel main = new MainViewModel(cache, new Importer(cache, fhir), tasks, auditVm, quarantineVm,
                demoData);
        AuditView auditView = new AuditView(auditVm);
        MainView view = new MainView(main, auditView, new QuarantineView(quarantineVm), tasks);
        return new MainWindow(main, view, auditView);
    }
}
