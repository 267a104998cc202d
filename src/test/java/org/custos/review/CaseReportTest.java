package org.custos.review;

import org.custos.cache.AlertList;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.custos.TestData;
import org.custos.cache.AlertList.AlertRow;
import org.custos.cache.AlertList.Queue;
import org.custos.cache.AuditFilter;
import org.custos.cache.AuditSummary;
import org.custos.cache.Cache;
import org.custos.cache.ReviewStore;
import org.custos.rules.AlertEngine;
import org.custos.rules.RuleSettings;
import org.custos.sync.Importer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A case as a PDF, from a real cache: events imported (the rules judge them then), alerts from the engine, a case of
 * alerts, extra events and notes, and a case of 300 events over several pages. The PDF's text is read back with
 * PDFBox and checked for the values themselves: the header on every page, the alerts, the notes in time order (a
 * long one wrapped, one with characters the font lacks), every event's id.
 */
class CaseReportTest {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final Instant PRODUCED = Instant.parse("2026-03-10T09:00:00Z");
    static final long T = Instant.parse("2026-03-09T08:00:00Z").toEpochMilli();
    static final String LONG_NOTE = "Spoke with the ward manager about the night accesses. "
            + ("The roster shows no night shift for this user in the week in question, and the user could not name a "
            + "patient care reason. ").repeat(12) + "end-of-long-note";

    @TempDir
    static Path dir;
    static Cache cache;
    static Map<String, Long> pks;

    @BeforeAll
    static void fill() throws Exception {
        cache = Cache.open(dir.resolve("cache"));
        new AlertEngine(cache, Clock.systemUTC(), ZoneOffset.UTC).apply(RuleSettings.defaults(ZoneOffset.UTC),
                () -> false, n -> { });
        List<String> events = new ArrayList<>();
        events.add(event("night-1", "2026-03-04T22:00:00Z", "owl", "Ozzy Owl", "Patient/p1", "Pat One", null));
        events.add(event("night-2", "2026-03-05T23:00:00Z", "owl", "Ozzy Owl", "Patient/p2", "Pat Two", null));
        events.add(event("btg-1", "2026-03-05T10:00:00Z", "er", "Eve Er", "Patient/p3", "Pat Three", "BTG"));
        events.add(event("day-1", "2026-03-05T10:30:00Z", "owl", "Ozzy Owl", "Patient/p1", "Pat One", null));
        // 300 reads of one patient by six users over a working week: nothing suspicious, one long case
        for (int i = 0; i < 300; i++) {
            Instant at = Instant.parse("2026-03-02T08:00:00Z").plusSeconds(86_400L * (i / 60) + 300L * (i % 60));
            events.add(event("work-" + i, at.toString(), "u" + (i % 6), "User" + (i % 6) + " Staff",
                    "Patient/p9", "Pat Nine", null));
        }
        Path f = dir.resolve("events.ndjson");
        Files.writeString(f, String.join("\n", events));
        assertThat(new Importer(cache, TestData.FHIR).importFile(f, Importer.SILENT).quarantined()).isZero();
        pks = cache.audit().page(AuditFilter.ALL, null, true, 10_000).stream()
                .collect(Collectors.toMap(AuditSummary::id, AuditSummary::pk));
        assertThat(pks).hasSize(304);
    }

    @AfterAll
    static void close() {
        cache.close();
    }

    static String event(String id, String recorded, String user, String userName, String patient, String patientName,
                        String purpose) {
        return "{\"resourceType\":\"AuditEvent\",\"id\":\"" + id + "\",\"type\":{\"system\":\"http://dicom.nema.org/"
                + "resources/ontology/DCM\",\"code\":\"110110\",\"display\":\"Patient Record\"},\"subtype\":[{\"system\":"
                + "\"http://hl7.org/fhir/restful-interaction\",\"code\":\"read\",\"display\":\"read\"}],\"action\":\"R\","
                + "\"recorded\":\"" + recorded + "\",\"outcome\":\"0\""
                + (purpose == null ? "" : ",\"purposeOfEvent\":[{\"coding\":[{\"system\":\"http://hl7.org/fhir/v3/"
                + "ActReason\",\"code\":\"" + purpose + "\"}]}]")
                + ",\"agent\":[{\"requestor\":true,\"userId\":{\"value\":\"" + user + "\"},\"name\":\"" + userName
                + "\"},{\"requestor\":false,\"name\":\"EHR App\"}],\"source\":{\"identifier\":{\"value\":\"ehr\"}},"
                + "\"entity\":[{\"reference\":{\"reference\":\"" + patient + "\"},\"type\":{\"system\":\"http://hl7.org/"
                + "fhir/object-type\",\"code\":\"1\"},\"role\":{\"system\":\"http://hl7.org/fhir/object-role\",\"code\":"
                + "\"1\"},\"name\":\"" + patientName + "\"}]}";
    }

    static byte[] pdf(long caseId) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new CaseReport(BERLIN).pdf(CaseReport.read(cache, caseId), "officer", PRODUCED, out);
        return out.toByteArray();
    }

    /** Each page's text, in order. */
    static List<String> pages(byte[] pdf) throws Exception {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            List<String> out = new ArrayList<>();
            PDFTextStripper s = new PDFTextStripper();
            for (int p = 1; p <= doc.getNumberOfPages(); p++) {
                s.setStartPage(p);
                s.setEndPage(p);
                out.add(s.getText(doc));
            }
            return out;
        }
    }

    static void headerOnEveryPage(List<String> pages, String title) {
        for (int p = 0; p < pages.size(); p++) {
            assertThat(pages.get(p)).as("page " + (p + 1)).contains(title, "Status: open",
                    "Produced by officer on 2026-03-10 10:00 CET with Custos",
                    "Page " + (p + 1) + " of " + pages.size());
            assertThat(pages.get(p).split("Page ", -1)).as("one page number on page " + (p + 1)).hasSize(2);
        }
    }

    static Set<String> eventIds(String text) {
        Set<String> ids = new HashSet<>();
        Matcher m = Pattern.compile("event id: (\\S+)\\s*$", Pattern.MULTILINE).matcher(text);
        while (m.find()) {
            assertThat(ids.add(m.group(1))).as("event " + m.group(1) + " listed once").isTrue();
        }
        return ids;
    }

    @Test
    void aCaseWithAlertsEventsAndNotes() throws Exception {
        ReviewStore r = cache.review();
        List<AlertRow> alerts = cache.alertList().queue(Queue.ALL, null, null, 100).stream()
                .filter(a -> a.user().equals("owl") || a.user().equals("er")).toList();
        assertThat(alerts).extracting(AlertRow::rule)
                .containsExactlyInAnyOrder("after-hours", "after-hours", "break-glass");
        AlertRow night = alerts.stream().filter(a -> a.patient().equals("Patient/p1")).findFirst().orElseThrow();
        AlertRow btg = alerts.stream().filter(a -> a.rule().equals("break-glass")).findFirst().orElseThrow();
        r.setStatus(night.id(), "review", "ann", T);
        r.assign(night.id(), "bob", "ann", T + 1_000);
        r.noteAlert(night.id(), "bob", "Asked the ward: no night shift that day.", T + 60_000);
        r.setStatus(night.id(), "escalated", "bob", T + 120_000);
        long id = r.openCase("Ozzy Owl — nights in March (Zoë)", "bob", T + 180_000);
        r.addToCase(id, alerts.stream().map(AlertRow::id).toList(), List.of(pks.get("day-1"), pks.get("work-0")),
                "bob", T + 240_000);
        r.noteCase(id, "bob", LONG_NOTE, T + 300_000);
        r.noteCase(id, "carol", "Patient 王小明 asked ✓ — see 😀 mail\nsecond line of the note", T + 360_000);
        r.noteAlert(btg.id(), "carol", "Emergency confirmed by the ER log.", T + 420_000);

        List<String> pages = pages(pdf(id));
        String title = "Case " + id + ": Ozzy Owl — nights in March (Zoë)";
        headerOnEveryPage(pages, title);
        // (a note changes the case: the last note, at 09:06, is its last change)
        String text = String.join("", pages);
        assertThat(text).contains("Opened 2026-03-09 09:03 CET, last changed 2026-03-09 09:06 CET.",
                "3 alerts, 5 events, ");
        // the alerts: rule, user, patient, first, last, events, detail, status, assignee
        assertThat(text).contains("Alert " + night.id() + " · after-hours · status escalated · assigned to bob",
                "User: owl · patient: Patient/p1 · origin: files",
                "First: 2026-03-04 23:00:00 CET · last: 2026-03-04 23:00:00 CET · 1 event",
                "Detail: " + night.detail(),
                "Alert " + btg.id() + " · break-glass · status new · not assigned", "Detail: purpose BTG");
        // the notes of the case and of its alerts, in time order, with time, author and kind
        List<String> inOrder = List.of("ann · status · on alert " + night.id() + " (after-hours)",
                "new -> review", "ann · assignee · on alert " + night.id(), "(none) -> bob",
                "bob · note · on alert " + night.id(), "Asked the ward: no night shift that day.",
                "review -> escalated", "bob · case · on case", "opened: Ozzy Owl", "added to case " + id,
                "2026-03-09 09:05 CET · bob · note · on case", "Spoke with the ward manager", "end-of-long-note",
                "2026-03-09 09:06 CET · carol · note · on case", "Patient ??? asked ? — see ? mail",
                "second line of the note", "carol · note · on alert " + btg.id() + " (break-glass)",
                "Emergency confirmed by the ER log.");
        int at = -1;
        for (String s : inOrder) {
            int i = text.indexOf(s, at + 1);
            assertThat(i).as("'" + s + "' after what came before").isGreaterThan(at);
            at = i;
        }
        assertThat(text.lines().filter(l -> l.contains("no night shift for this user")).count())
                .as("the long note wrapped over many lines").isGreaterThan(5);
        // the events, oldest first, with their values
        assertThat(eventIds(text)).containsExactlyInAnyOrder("work-0", "night-1", "btg-1", "day-1", "night-2");
        assertThat(text).contains("2026-03-04 23:00:00 CET · Patient Record / read",
                "Action: R (read) · outcome: 0 (success)", "Action: R (read) · outcome: 0 (success) · purpose: BTG",
                "Patients: Patient/p1", "Origin: files · event id: night-1");
        assertThat(text.indexOf("event id: work-0")).isLessThan(text.indexOf("event id: night-1"));
        assertThat(text.indexOf("event id: night-1")).isLessThan(text.indexOf("event id: btg-1"));
        assertThat(text.indexOf("event id: day-1")).isLessThan(text.indexOf("event id: night-2"));
    }

    @Test
    void threeHundredEventsRunOverPagesEachWithTheHeader() throws Exception {
        ReviewStore r = cache.review();
        long id = r.openCase("A week of reads of Pat Nine", "dan", T);
        List<Long> work = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            work.add(pks.get("work-" + i));
        }
        r.addToCase(id, List.of(), work, "dan", T + 1);
        List<String> pages = pages(pdf(id));
        assertThat(pages.size()).isGreaterThan(5);
        headerOnEveryPage(pages, "Case " + id + ": A week of reads of Pat Nine");
        String text = String.join("", pages);
        assertThat(text).contains("0 alerts, 300 events, 2 notes", "No alert is in this case.",
                "The events were recorded from 2026-03-02 09:00:00 CET to 2026-03-06 13:55:00 CET.", "300. ");
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            expected.add("work-" + i);
        }
        assertThat(eventIds(text)).isEqualTo(expected);
        assertThat(pages.get(pages.size() - 1)).contains("event id: work-299");
        for (String page : pages) {
            assertThat(page.lines().filter(l -> l.matches("\\d+\\. 2026-03-0\\d .*")).count())
                    .as("each event's lines together on one page").isEqualTo(eventIds(page).size());
        }
    }

    @Test
    void noSuchCase() {
        assertThatThrownBy(() -> CaseReport.read(cache, 999_999)).hasMessageContaining("No case 999999");
    }
}
