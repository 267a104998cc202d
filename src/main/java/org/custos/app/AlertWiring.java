package org.custos.app;

import org.custos.cache.AlertList;
import org.custos.cache.AuditSummary;
import org.custos.cache.Cache;
import org.custos.cache.ReviewStore;
import org.custos.review.AlertQueueView;
import org.custos.review.AlertQueueViewModel;
import org.custos.review.CaseListView;
import org.custos.review.CaseListViewModel;
import org.custos.review.RuleSettingsView;
import org.custos.review.RuleSettingsViewModel;
import org.custos.rules.Rule;
import org.custos.rules.RuleSettings;
import org.custos.rules.AlertEngine;
import org.custos.ui.TaskRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The Alerts tab: the review queue over the cache's alerts and review, the rules' engine that judges what arrived
 * while no import ran (at start), and who decides (the signed-in user, else the operating-system user).
 */
record AlertWiring(AlertQueueViewModel queue, AlertQueueView view, AlertEngine engine, CaseListViewModel cases,
                   CaseListView casesView) {
    static AlertWiring assemble(Cache cache, TaskRunner tasks, ZoneId zone, Clock clock, Supplier<String> author,
                                org.custos.trail.Looks trail, AlertQueueViewModel.EventOpener opener) {
        AlertList alerts = cache.alertList();
        ReviewStore review = cache.review();
        AlertQueueViewModel.Data data = new AlertQueueViewModel.Data() {
            @Override
            public List<AlertList.AlertRow> page(AlertList.Queue q, Long beforeFirst, Long beforeId, int limit) {
                // the queue names users and patients: listing it is a look too
                trail.query("alert queue listed" + (beforeFirst == null ? "" : " (more)"), "rules=" + q.rules()
                        + " statuses=" + q.statuses() + (beforeFirst == null ? "" : " before=" + beforeFirst + "/"
                        + beforeId), List.of());
                return alerts.queue(q, beforeFirst, beforeId, limit);
            }

            @Override
            public long count(AlertList.Queue q) {
                return alerts.count(q);
            }

            @Override
            public List<AuditSummary> events(long alertId) {
                trail.read("alert opened in the review queue", "alert " + alertId, patientsOf(alertId));
                // an event's earlier versions raised it too; the queue lists the event once, as it is now
                return cache.audit().byPks(alerts.eventsOf(alertId).stream().mapToLong(Long::longValue).toArray())
                        .stream().filter(e -> (e.state() & org.custos.cache.State.SUPERSEDED) == 0).toList();
            }

            @Override
            public List<ReviewStore.Note> notes(long alertId) {
                return review.alertNotes(alertId);
            }

            @Override
            public boolean setStatus(long alertId, String status, String by) {
                if (!alerts.get(alertId).map(AlertList.AlertRow::status).orElse("").equals(status)) {
                    trail.decision("alert status set to " + status, "alert " + alertId, patientsOf(alertId));
                }
                return review.setStatus(alertId, status, by, clock.millis());
            }

            @Override
            public boolean assign(long alertId, String assignee, String by) {
                if (!java.util.Objects.equals(alerts.get(alertId).map(AlertList.AlertRow::assignee).orElse(null),
                        assignee == null || assignee.isBlank() ? null : assignee.trim())) {
                    trail.decision("alert assigned to " + assignee, "alert " + alertId, patientsOf(alertId));
                }
                return review.assign(alertId, assignee, by, clock.millis());
            }

            @Override
            public void note(long alertId, String text, String by) {
                trail.decision("note added to the alert", "alert " + alertId, patientsOf(alertId));
                review.noteAlert(alertId, by, text, clock.millis());
            }

            @Override
            public List<ReviewStore.Case> cases() {
                return review.cases();
            }

            @Override
            public long openCase(String title, String by) {
                trail.decision("case opened: " + title, "cases", List.of());
                return review.openCase(title, by, clock.millis());
            }

            @Override
            public void addToCase(long caseId, long alertId, String by) {
                trail.decision("alert added to case " + caseId, "alert " + alertId, patientsOf(alertId));
                review.addToCase(caseId, List.of(alertId), List.of(), by, clock.millis());
            }

            /** Who the look was about, as the trail names them: the alert's patient, else its events' (window rules). */
            private List<String> patientsOf(long alertId) {
                java.util.Optional<AlertList.AlertRow> a = alerts.get(alertId);
                String p = a.map(AlertList.AlertRow::patient).orElse("");
                return p.isEmpty() ? eventPatients(cache, alerts.eventsOf(alertId))
                        : List.of(org.custos.trail.Looks.inOrigin(cache.origins().nameOf(a.get().originId()), p));
            }

            @Override
            public String originName(int originId) {
                return cache.origins().nameOf(originId);
            }
        };
        AlertQueueViewModel vm = new AlertQueueViewModel(data, tasks, zone, author, opener);
        AlertEngine engine = new AlertEngine(cache, clock, ZoneId.systemDefault());
        RuleSettingsViewModel rules = new RuleSettingsViewModel(new RuleSettingsViewModel.Rules() {
            @Override
            public RuleSettings settings() {
                return engine.settings();
            }

            @Override
            public Set<Rule> apply(RuleSettings s, TaskRunner.Progress p) {
                if (!engine.settings().stored().equals(s.stored())) { // recorded before the change is made
                    trail.decision("alert rule settings changed", "rules", List.of());
                }
                return engine.apply(s, p::isCancelled, n -> p.update(n, -1, "Judging again"));
            }

            @Override
            public boolean unfinished() {
                return engine.unfinished();
            }

            @Override
            public List<String> vips() {
                return cache.rules().vips().stream().map(v -> v.reference() + (v.note() == null ? ""
                        : " — " + v.note())).toList();
            }

            @Override
            public boolean addVip(String reference, String note) {
                trail.decision("put on the VIP list", "VIP list", List.of(reference));
                return engine.addVip(reference, note);
            }

            @Override
            public boolean removeVip(String reference) {
                trail.decision("taken off the VIP list", "VIP list", List.of(reference));
                return engine.removeVip(reference);
            }

            @Override
            public String read(Path file) throws IOException {
                if (Files.size(file) > 1_000_000) {
                    throw new IOException("a settings file is small; this one has " + Files.size(file) + " bytes");
                }
                return Files.readString(file);
            }

            @Override
            public void write(Path file, String text) throws IOException {
                WholeFile.write(file, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
        }, tasks, ZoneId.systemDefault());
        rules.onSaved(vm::search);
        CaseListViewModel cases = new CaseListViewModel(cases(cache, clock, zone, trail), tasks, zone, author);
        return new AlertWiring(vm, new AlertQueueView(vm, new RuleSettingsView(rules)), engine, cases,
                new CaseListView(cases));
    }

    /** The cases over the cache's review, each decision and each PDF in Custos's own trail. */
    static CaseListViewModel.Data cases(Cache cache, Clock clock, ZoneId zone, org.custos.trail.Looks trail) {
        ReviewStore review = cache.review();
        return new CaseListViewModel.Data() {
            @Override
            public List<ReviewStore.Case> cases() {
                return review.cases();
            }

            @Override
            public List<AlertList.AlertRow> alerts(long caseId) {
                trail.read("case opened", "case " + caseId, patients(caseId));
                return cache.alertList().ofCase(caseId);
            }

            @Override
            public List<ReviewStore.Note> notes(long caseId) {
                return review.caseNotes(caseId);
            }

            @Override
            public long open(String title, String author) {
                trail.decision("case opened: " + title, "cases", List.of());
                return review.openCase(title, author, clock.millis());
            }

            @Override
            public void note(long caseId, String text, String author) {
                trail.decision("note added to the case", "case " + caseId, patients(caseId));
                review.noteCase(caseId, author, text, clock.millis());
            }

            @Override
            public boolean status(long caseId, String status, String author) {
                trail.decision("case set " + status, "case " + caseId, patients(caseId));
                return review.setCaseStatus(caseId, status, author, clock.millis());
            }

            @Override
            public void pdf(long caseId, Path file, String author) throws IOException {
                trail.export("case " + caseId + " written as a PDF to " + file.toAbsolutePath(), "case " + caseId,
                        patients(caseId));
                org.custos.review.CaseReport.Content content = org.custos.review.CaseReport.read(cache, caseId);
                WholeFile.write(file, out -> new org.custos.review.CaseReport(zone).pdf(content, author,
                        java.time.Instant.ofEpochMilli(clock.millis()), out));
            }

            private List<String> patients(long caseId) {
                return eventPatients(cache, review.caseEvents(caseId));
            }
        };
    }

    /**
     * The patients of these stored events, each once (at most 500: a trail entry names who a look was about);
     * absolute when the event's origin is a server (see {@code Looks.inOrigin}).
     */
    static List<String> eventPatients(Cache cache, List<Long> pks) {
        return cache.audit().byPks(pks.stream().mapToLong(Long::longValue).toArray()).stream()
                .flatMap(e -> java.util.Arrays.stream(e.patients().split("; ")).filter(x -> !x.isBlank())
                        .map(x -> org.custos.trail.Looks.inOrigin(e.origin(), x)))
                .distinct().limit(500).toList();
    }

    /** Judges what arrived while no import or sync ran (a process killed before its rules ran), then lists. */
    void start(TaskRunner tasks) {
        tasks.submit("Judging new events", p -> engine.catchUp(p::isCancelled, n -> p.update(n, -1,
                "Judging new events")), r -> queue.cacheChanged(), e -> queue.cacheChanged());
    }
}
