package org.custos.app;

import org.custos.cache.AlertStore;
import org.custos.cache.AuditSummary;
import org.custos.cache.Cache;
import org.custos.cache.ReviewStore;
import org.custos.review.AlertQueueView;
import org.custos.review.AlertQueueViewModel;
import org.custos.review.RuleSettingsView;
import org.custos.review.RuleSettingsViewModel;
import org.custos.rules.Rule;
import org.custos.rules.RuleSettings;
import org.custos.rules.AlertEngine;
import org.custos.ui.TaskRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The Alerts tab: the review queue over the cache's alerts and review, the rules' engine that judges what arrived
 * while no import ran (at start), and who decides (the signed-in user, else the operating-system user).
 */
record AlertWiring(AlertQueueViewModel queue, AlertQueueView view, AlertEngine engine) {
    static AlertWiring assemble(Cache cache, TaskRunner tasks, ZoneId zone, Clock clock, Supplier<String> author,
                                org.custos.trail.Looks trail, AlertQueueViewModel.EventOpener opener) {
        AlertStore alerts = cache.alerts();
        ReviewStore review = cache.review();
        AlertQueueViewModel.Data data = new AlertQueueViewModel.Data() {
            @Override
            public List<AlertStore.AlertRow> page(AlertStore.Queue q, Long beforeFirst, Long beforeId, int limit) {
                return alerts.queue(q, beforeFirst, beforeId, limit);
            }

            @Override
            public long count(AlertStore.Queue q) {
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
                if (!alerts.get(alertId).map(AlertStore.AlertRow::status).orElse("").equals(status)) {
                    trail.decision("alert status set to " + status, "alert " + alertId, patientsOf(alertId));
                }
                return review.setStatus(alertId, status, by, clock.millis());
            }

            @Override
            public boolean assign(long alertId, String assignee, String by) {
                if (!java.util.Objects.equals(alerts.get(alertId).map(AlertStore.AlertRow::assignee).orElse(null),
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

            /** The alert's patient, as the trail names who the look was about. */
            private List<String> patientsOf(long alertId) {
                return alerts.get(alertId).map(AlertStore.AlertRow::patient).filter(p -> !p.isEmpty())
                        .map(List::of).orElse(List.of());
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
                Set<Rule> changed = engine.apply(s, p::isCancelled, n -> p.update(n, -1, "Judging again"));
                if (!changed.isEmpty()) {
                    trail.decision("alert rule settings changed: " + changed, "rules", List.of());
                }
                return changed;
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
                Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".part");
                try {
                    Files.writeString(tmp, text);
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        }, tasks, ZoneId.systemDefault());
        rules.onSaved(vm::search);
        return new AlertWiring(vm, new AlertQueueView(vm, new RuleSettingsView(rules)), engine);
    }

    /** Judges what arrived while no import or sync ran (a process killed before its rules ran), then lists. */
    void start(TaskRunner tasks) {
        tasks.submit("Judging new events", p -> engine.catchUp(p::isCancelled, n -> p.update(n, -1,
                "Judging new events")), r -> queue.cacheChanged(), e -> queue.cacheChanged());
    }
}
