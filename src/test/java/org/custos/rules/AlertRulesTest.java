package org.custos.rules;

import org.custos.cache.AlertList;
import org.custos.TestData;
import org.custos.cache.AlertList.AlertRow;
import org.custos.cache.Cache;
import org.custos.cache.DeletedResource;
import org.custos.cache.Origins;
import org.custos.sync.Importer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.custos.rules.Events.event;

/**
 * The suspicious-access rules on a week of normal work with planted cases, on a real H2 cache: every planted case is
 * found, normal work raises nothing, and each threshold is tried on both sides of its edge. The events arrive by
 * import (the rules judge them then), the VIP list is changed between imports, one event changes and one is deleted
 * at its origin.
 */
class AlertRulesTest {
    @TempDir
    static Path dir;
    static Cache cache;
    static AlertEngine engine;
    static int files;

    static final String MON = "2026-03-02";
    static final String TUE = "2026-03-03";
    static final String WED = "2026-03-04";
    static final String THU = "2026-03-05";
    static final String SAT = "2026-03-07";

    static String at(String day, int seconds) {
        return Instant.parse(day + "T00:00:00Z").plusSeconds(seconds).toString();
    }

    static int hm(int h, int m) {
        return h * 3600 + m * 60;
    }

    static void importEvents(List<Events> events) throws Exception {
        Path f = dir.resolve("events-" + (files++) + ".ndjson");
        Files.writeString(f, events.stream().map(Events::json).collect(Collectors.joining("\n")));
        assertThat(new Importer(cache, TestData.FHIR).importFile(f, Importer.SILENT).quarantined())
                .as("nothing quarantined").isZero();
    }

    /** Ten nurses, each reading 20 patients a weekday between 09:00 and 15:20: nothing in it is suspicious. */
    static List<Events> normalWork() {
        List<Events> out = new ArrayList<>();
        String[] days = {MON, TUE, WED, THU, "2026-03-06"};
        for (int d = 0; d < days.length; d++) {
            for (int u = 0; u < 10; u++) {
                for (int k = 0; k < 20; k++) {
                    int p = (u * 20 + k + d * 7) % 200;
                    out.add(event("work-" + d + "-" + u + "-" + k, at(days[d], hm(9, 0) + k * 1200 + u * 7))
                            .user("u" + u, "Nurse" + u + " Carer" + u).userRef("Practitioner/u" + u)
                            .patient("Patient/p" + p, "Pat" + p + " Family" + p));
                }
                // each logs in once a day, and mistypes the password now and then
                out.add(event("login-" + d + "-" + u, at(days[d], hm(8, 55))).user("u" + u, "Nurse" + u + " Carer" + u)
                        .login("0"));
            }
        }
        return out;
    }

    static List<Events> planted() {
        List<Events> out = new ArrayList<>();
        // after-hours, and the edges of working time (07:00 is in, 19:00 is out)
        out.add(event("night", at(TUE, hm(22, 30))).user("night", "Nina Nightly").patient("Patient/p1", "Pat1 Family1"));
        out.add(event("early", at(TUE, hm(7, 0))).user("early", "Erin Early").patient("Patient/p2", null));
        out.add(event("late-in", at(TUE, hm(19, 0) - 1)).user("late", "Len Late").patient("Patient/p3", null));
        out.add(event("late-out", at(TUE, hm(19, 0))).user("late", "Len Late").patient("Patient/p4", null));
        out.add(event("dawn", at(TUE, hm(7, 0) - 1)).user("dawn", "Dan Dawn").patient("Patient/p5", null));
        out.add(event("weekend", at(SAT, hm(10, 0))).user("weekend", "Wes Weekend").patient("Patient/p6", null));
        // volume: 31 patients in 58 minutes (fires), 30 in 58 (not), 31 over 61 (not), 31 in exactly 60 (fires)
        spread(out, "bulk", 31, 116, hm(10, 0));
        spread(out, "bulkok", 30, 120, hm(10, 0));
        spread(out, "bulkslow", 31, 122, hm(10, 0));
        spread(out, "bulkedge", 31, 120, hm(13, 0));
        // same surname: Smith and Smith (fires), Smithers and Smith (not)
        out.add(event("smith", at(WED, hm(11, 0))).user("jsmith", "Jane Smith").patient("Patient/p7", "Tom Smith"));
        out.add(event("smithers", at(WED, hm(11, 5))).user("asmithers", "Anna Smithers")
                .patient("Patient/p7", "Tom Smith"));
        // a celebrity looked at before anyone put her on the VIP list
        out.add(event("celeb-1", at(WED, hm(12, 0))).user("curious", "Cory Curious")
                .patient("Patient/celeb", "Famous Person"));
        // break the glass: BTG as the event's purpose, ETREAT as the user's; TREAT is no emergency
        out.add(event("btg", at(WED, hm(14, 0))).user("er1", "Eve Emergency").patient("Patient/p8", null)
                .purposeOfEvent("BTG"));
        out.add(event("etreat", at(WED, hm(14, 10))).user("er2", "Ed Emergency").patient("Patient/p9", null)
                .purposeOfUse("ETREAT"));
        out.add(event("treat", at(WED, hm(14, 20))).user("er3", "Em Emergency").patient("Patient/p10", null)
                .purposeOfUse("TREAT"));
        // failed logins: 5 in exactly 10 minutes (fires), 4 in 2 (not), 5 over 12 (not), 6 good ones (not)
        for (int i = 0; i < 5; i++) {
            out.add(event("locked-" + i, at(THU, hm(10, 0) + i * 150)).user("locked", "Lou Locked").login("4"));
            out.add(event("spread-" + i, at(THU, hm(10, 0) + i * 180)).user("spread", "Sam Spread").login("4"));
        }
        for (int i = 0; i < 4; i++) {
            out.add(event("typo-" + i, at(THU, hm(11, 0) + i * 30)).user("typo", "Ty Typo").login("4"));
        }
        for (int i = 0; i < 6; i++) {
            out.add(event("ok-" + i, at(THU, hm(11, 0) + i * 20)).user("okuser", "Olly Okay").login("0"));
        }
        out.add(event("evt-changed", at(THU, hm(12, 0))).user("u0", "Nurse0 Carer0").patient("Patient/p11", null));
        out.add(event("evt-deleted", at(THU, hm(12, 5))).user("u1", "Nurse1 Carer1").patient("Patient/p12", null));
        return out;
    }

    /** {@code n} distinct patients read by {@code user} on Wednesday, {@code gap} seconds apart. */
    static void spread(List<Events> out, String user, int n, int gap, int from) {
        for (int i = 0; i < n; i++) {
            out.add(event(user + "-" + i, at(WED, from + i * gap)).user(user, "Bo " + user)
                    .patient("Patient/" + user + "-" + i, null));
        }
    }

    @BeforeAll
    static void judgeTheWeek() throws Exception {
        cache = Cache.open(dir.resolve("cache"));
        engine = new AlertEngine(cache, Clock.systemUTC(), ZoneOffset.UTC);
        engine.apply(RuleSettings.defaults(ZoneOffset.UTC), () -> false, n -> { });
        List<Events> all = normalWork();
        all.addAll(planted());
        importEvents(all);
        engine.addVip("Patient/celeb", "a famous singer");
        // after the VIP list changed: judged as it arrives
        importEvents(List.of(event("celeb-2", at(THU, hm(9, 30))).user("curious2", "Cleo Curious")
                .patient("Patient/celeb", "Famous Person")));
        // the same event id again with other content: a second version (changed at its origin)
        importEvents(List.of(event("evt-changed", at(THU, hm(12, 0))).user("u0", "Nurse0 Carer0")
                .patient("Patient/p11", null).login("4")));
        int files = cache.origins().idOf(Origins.FILES);
        cache.sync().storeDeletes(cache.sync().state(files, "AuditEvent"), List.of(new DeletedResource("AuditEvent",
                "evt-deleted", null, Instant.parse("2026-03-06T00:00:00Z").toEpochMilli())));
        engine.catchUp(() -> false, n -> { });
    }

    @AfterAll
    static void close() {
        cache.close();
    }

    static List<AlertRow> alerts() {
        return cache.alertList().list(Set.of(), Long.MIN_VALUE, Long.MAX_VALUE, null, 10_000);
    }

    static Set<String> found() {
        return alerts().stream().map(a -> a.rule() + " " + a.user() + " " + a.patient())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void everyPlantedCaseIsFoundAndNormalWorkRaisesNothing() {
        assertThat(found()).containsExactlyInAnyOrder(
                "after-hours night Patient/p1",
                "after-hours late Patient/p4",
                "after-hours dawn Patient/p5",
                "after-hours weekend Patient/p6",
                "volume bulk ",
                "volume bulkedge ",
                "same-surname jsmith Patient/p7",
                "vip curious Patient/celeb",
                "vip curious2 Patient/celeb",
                "break-glass er1 Patient/p8",
                "break-glass er2 Patient/p9",
                "failed-logins locked ",
                "changed-deleted u0 Patient/p11",
                "changed-deleted u1 Patient/p12");
    }

    @Test
    void eachAlertSaysWhatItFoundOverWhichEvents() {
        Map<String, AlertRow> byKey = alerts().stream().collect(Collectors.toMap(a -> a.rule() + " " + a.user(),
                a -> a, (a, b) -> a));
        AlertRow bulk = byKey.get("volume bulk");
        assertThat(bulk.events()).isEqualTo(31);
        assertThat(bulk.first()).isEqualTo(Instant.parse(at(WED, hm(10, 0))).toEpochMilli());
        assertThat(bulk.last()).isEqualTo(Instant.parse(at(WED, hm(10, 0) + 30 * 116)).toEpochMilli());
        assertThat(bulk.detail()).startsWith("31 distinct patients within 60 minutes");
        AlertRow locked = byKey.get("failed-logins locked");
        assertThat(locked.events()).isEqualTo(5);
        assertThat(locked.detail()).startsWith("5 failed logins within 10 minutes");
        assertThat(byKey.get("after-hours night").detail()).isEqualTo("outside Mon–Fri 07:00–19:00 Z");
        assertThat(byKey.get("same-surname jsmith").detail()).isEqualTo("user and patient share the family name smith");
        assertThat(byKey.get("break-glass er2").detail()).isEqualTo("purpose ETREAT");
        assertThat(byKey.get("changed-deleted u0").detail()).startsWith("changed on its server");
        assertThat(byKey.get("changed-deleted u1").detail()).startsWith("deleted on its server");
        assertThat(alerts()).allSatisfy(a -> assertThat(a.status()).isEqualTo("new"));
    }

    @Test
    void judgingAgainChangesNothing() throws Exception {
        List<AlertRow> before = alerts();
        engine.catchUp(() -> false, n -> { });
        // the same file again: the same events, nothing new to judge
        importEvents(planted());
        assertThat(alerts()).isEqualTo(before);
    }
}
