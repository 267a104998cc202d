package org.custos.review;

import org.custos.reports.PdfPages;
import org.custos.cache.AlertList;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.custos.cache.AlertList.AlertRow;
import org.custos.cache.AuditSummary;
import org.custos.cache.Cache;
import org.custos.cache.ReviewStore;
import org.custos.cache.ReviewStore.Note;
import org.custos.cache.State;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One investigation (a case of the review queue) as a PDF (Apache PDFBox): on every page a header with the case's id
 * and title, its status, who produced the report and when, and "Page N of M"; then a summary, the case's alerts, the
 * notes of the case and of each of its alerts in time order, and the events themselves (those added to the case and
 * those of its alerts), oldest first. Times in the zone given.
 */
public final class CaseReport {
    private static final Map<String, String> ACTIONS = Map.of("C", "create", "R", "read", "U", "update",
            "D", "delete", "E", "execute");
    private static final Map<String, String> OUTCOMES = Map.of("0", "success", "4", "minor failure",
            "8", "serious failure", "12", "major failure");

    private final DateTimeFormatter time;
    private final DateTimeFormatter exact;

    public CaseReport(ZoneId zone) {
        this.time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z").withZone(zone);
        this.exact = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z").withZone(zone);
    }

    /**
     * What the report shows of a case: the case, its alerts (oldest first), the notes of the case and of its alerts
     * (oldest first), its events (oldest first), and the names of the alerts' origins by id.
     */
    public record Content(ReviewStore.Case kase, List<AlertRow> alerts, List<Note> notes, List<AuditSummary> events,
                          Map<Integer, String> origins) {
        public Content {
            alerts = List.copyOf(alerts);
            notes = List.copyOf(notes);
            events = List.copyOf(events);
            origins = Map.copyOf(origins);
        }
    }

    /** Reads a case from the cache; an IllegalArgumentException when there is no case of that id. */
    public static Content read(Cache cache, long caseId) {
        ReviewStore review = cache.review();
        ReviewStore.Case kase = review.cases().stream().filter(c -> c.id() == caseId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No case " + caseId));
        List<AlertRow> alerts = cache.alertList().ofCase(caseId);
        List<Note> notes = new ArrayList<>(review.caseNotes(caseId));
        Map<Integer, String> origins = new HashMap<>();
        for (AlertRow a : alerts) {
            notes.addAll(review.alertNotes(a.id()));
            origins.computeIfAbsent(a.originId(), id -> cache.origins().nameOf(id));
        }
        notes.sort(Comparator.comparingLong(Note::at).thenComparingLong(Note::id));
        long[] pks = review.caseEvents(caseId).stream().mapToLong(Long::longValue).toArray();
        List<AuditSummary> events = new ArrayList<>(cache.audit().byPks(pks));
        events.sort(Comparator.comparingLong(AuditSummary::recorded).thenComparingLong(AuditSummary::pk));
        return new Content(kase, alerts, notes, events, origins);
    }

    /** Writes the case as a PDF to {@code out} (which stays open). */
    public void pdf(Content c, String producedBy, Instant producedAt, OutputStream out) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            PdfPages pages = new PdfPages();
            ReviewStore.Case k = c.kase();
            pages.header(pages.bold(), 12, "Case " + k.id() + ": " + k.title());
            pages.header(pages.regular(), PdfPages.SIZE, "Status: " + k.status()
                    + (k.assignee() == null ? "" : " · assigned to " + k.assignee()));
            pages.header(pages.regular(), PdfPages.SIZE - 1, "Produced by " + producedBy + " on "
                    + time.format(producedAt) + " with Custos");
            summary(pages, c);
            alerts(pages, c);
            notes(pages, c);
            events(pages, c);
            pages.writeTo(doc, PdfPages.Numbers.HEADER);
            doc.save(out);
        }
    }

    private void summary(PdfPages pages, Content c) {
        ReviewStore.Case k = c.kase();
        pages.add(pages.bold(), 11, "Summary").keep();
        pages.text("Opened " + time.format(Instant.ofEpochMilli(k.created())) + ", last changed "
                + time.format(Instant.ofEpochMilli(k.changed())) + ".");
        pages.text(count(c.alerts().size(), "alert") + ", " + count(c.events().size(), "event") + ", "
                + count(c.notes().size(), "note") + " (of the case and its alerts).");
        if (!c.events().isEmpty()) {
            pages.text("The events were recorded from " + exact.format(Instant.ofEpochMilli(c.events().get(0)
                    .recorded())) + " to " + exact.format(Instant.ofEpochMilli(c.events().get(c.events().size() - 1)
                    .recorded())) + ".");
        }
        pages.gap(PdfPages.SIZE);
    }

    private void alerts(PdfPages pages, Content c) {
        pages.add(pages.bold(), 11, "Alerts (" + c.alerts().size() + ")").keep();
        if (c.alerts().isEmpty()) {
            pages.text("No alert is in this case.");
        }
        for (AlertRow a : c.alerts()) {
            pages.strong("Alert " + a.id() + " · " + a.rule() + " · status " + a.status() + " · "
                    + (a.assignee() == null ? "not assigned" : "assigned to " + a.assignee())).keep();
            pages.text("    User: " + orNone(a.user()) + " · patient: " + orNone(a.patient()) + " · origin: "
                    + c.origins().getOrDefault(a.originId(), "?")).keep();
            pages.text("    First: " + exact.format(Instant.ofEpochMilli(a.first())) + " · last: "
                    + exact.format(Instant.ofEpochMilli(a.last())) + " · " + count(a.events(), "event")).keep();
            pages.text("    Detail: " + orNone(a.detail()));
            pages.gap(4);
        }
        pages.gap(PdfPages.SIZE);
    }

    private void notes(PdfPages pages, Content c) {
        pages.add(pages.bold(), 11, "Notes (" + c.notes().size() + ")").keep();
        if (c.notes().isEmpty()) {
            pages.text("No note.");
        }
        Map<Long, String> rules = new HashMap<>();
        c.alerts().forEach(a -> rules.put(a.id(), a.rule()));
        for (Note n : c.notes()) {
            String on = n.alertId() == null ? "case" : "alert " + n.alertId()
                    + (rules.containsKey(n.alertId()) ? " (" + rules.get(n.alertId()) + ")" : "");
            pages.strong(time.format(Instant.ofEpochMilli(n.at())) + " · " + n.author() + " · " + n.kind() + " · on "
                    + on).keep();
            pages.text("    " + n.text());
            pages.gap(4);
        }
        pages.gap(PdfPages.SIZE);
    }

    private void events(PdfPages pages, Content c) {
        pages.add(pages.bold(), 11, "Events (" + c.events().size() + ")").keep();
        if (c.events().isEmpty()) {
            pages.text("No event is in this case.");
        }
        int i = 0;
        for (AuditSummary e : c.events()) {
            i++;
            String type = orNone(e.type()) + (e.subtype() == null || e.subtype().isBlank() ? "" : " / " + e.subtype());
            pages.strong(i + ". " + exact.format(Instant.ofEpochMilli(e.recorded())) + " · " + type).keep();
            pages.text("    Action: " + label(e.action(), ACTIONS) + " · outcome: " + label(e.outcome(), OUTCOMES)
                    + (e.purposes().isEmpty() ? "" : " · purpose: " + e.purposes())).keep();
            pages.text("    User/agent: " + orNone(e.agents())).keep();
            pages.text("    Patients: " + orNone(e.patients())).keep();
            String flags = e.flags() + ((e.state() & State.SUPERSEDED) != 0 ? (e.flags().isEmpty() ? "" : ", ")
                    + "an earlier version" : "");
            pages.add(pages.regular(), PdfPages.SIZE - 1, "    Origin: " + orNone(e.origin())
                    + (flags.isEmpty() ? "" : " · " + flags) + " · event id: " + e.id());
            pages.gap(4);
        }
    }

    private static String label(String code, Map<String, String> names) {
        if (code == null || code.isBlank()) {
            return "(none)";
        }
        String name = names.get(code);
        return name == null ? code : code + " (" + name + ")";
    }

    private static String orNone(String s) {
        return s == null || s.isBlank() ? "(none)" : s;
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
