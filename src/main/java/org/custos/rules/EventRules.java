package org.custos.rules;

import org.custos.cache.AlertStore.Access;
import org.custos.cache.AlertStore.Arrival;
import org.custos.cache.AlertStore.Hit;
import org.custos.cache.AuditExtractor;
import org.custos.cache.State;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The rules that judge one event on its own (after-hours, same-surname, vip, break-glass, changed-deleted), and what
 * the window rules will read of it. Pure: the VIP list and the family names come in from outside.
 */
final class EventRules {
    private final RuleSettings settings;
    private final Predicate<String> vip;
    private final Surnames surnames;

    /**
     * @param vip      whether a patient (its key, {@link org.custos.cache.RuleStore#vipKey}) is on the VIP list
     * @param surnames the family names of users and patients
     */
    EventRules(RuleSettings settings, Predicate<String> vip, Surnames surnames) {
        this.settings = settings;
        this.vip = vip;
        this.surnames = surnames;
    }

    /** The hits of one event, of the rules in {@code rules} that are on. */
    List<Hit> hits(Arrival a, EventSignals s, Set<Rule> rules) {
        List<Hit> out = new ArrayList<>();
        List<String> users = s.users().isEmpty() ? List.of("") : s.users().stream().map(EventSignals.User::key)
                .toList();
        String day = ZonedDateTime.ofInstant(Instant.ofEpochMilli(a.recorded()), settings.zone()).toLocalDate()
                .toString();
        if (rules.contains(Rule.AFTER_HOURS) && !s.patients().isEmpty() && outsideHours(a.recorded())) {
            String detail = "outside " + settings.workingHours();
            eachPair(s, users, (u, p) -> out.add(hit(Rule.AFTER_HOURS, a, u, p, day, detail)));
        }
        if (rules.contains(Rule.VIP)) {
            for (AuditExtractor.PatientRef p : s.patients()) {
                if (vip.test(org.custos.cache.RuleStore.vipKey(p.value()))) {
                    users.forEach(u -> out.add(hit(Rule.VIP, a, u, p.value(), day, "patient on the VIP list")));
                }
            }
        }
        if (rules.contains(Rule.SAME_SURNAME)) {
            for (EventSignals.User u : s.users()) {
                Set<String> mine = surnames.ofUser(a.originId(), u);
                if (mine.isEmpty()) {
                    continue;
                }
                for (AuditExtractor.PatientRef p : s.patients()) {
                    Set<String> shared = new TreeSet<>(surnames.ofPatient(a.originId(), p));
                    shared.retainAll(mine);
                    if (!shared.isEmpty()) {
                        out.add(hit(Rule.SAME_SURNAME, a, u.key(), p.value(), day, "user and patient share the "
                                + "family name " + String.join(", ", shared)));
                    }
                }
            }
        }
        if (rules.contains(Rule.BREAK_GLASS)) {
            // codes compared without case (ActReason codes are upper case; a local system may not be)
            java.util.Set<String> upper = new java.util.HashSet<>();
            s.purposes().forEach(c -> upper.add(c.toUpperCase(java.util.Locale.ROOT)));
            List<String> codes = settings.breakGlassCodes().stream()
                    .filter(c -> upper.contains(c.toUpperCase(java.util.Locale.ROOT))).toList();
            if (!codes.isEmpty()) {
                String detail = "purpose " + String.join(", ", codes);
                List<String> patients = s.patients().isEmpty() ? List.of("")
                        : s.patients().stream().map(AuditExtractor.PatientRef::value).toList();
                for (String u : users) {
                    patients.forEach(p -> out.add(hit(Rule.BREAK_GLASS, a, u, p, day, detail)));
                }
            }
        }
        if (rules.contains(Rule.CHANGED_DELETED) && (a.state() & (State.CHANGED | State.DELETED)) != 0) {
            String what = ((a.state() & State.CHANGED) != 0 ? "changed" : "")
                    + ((a.state() & State.CHANGED) != 0 && (a.state() & State.DELETED) != 0 ? " and " : "")
                    + ((a.state() & State.DELETED) != 0 ? "deleted" : "");
            String p = s.patients().isEmpty() ? "" : s.patients().get(0).value();
            out.add(hit(Rule.CHANGED_DELETED, a, users.get(0), p, "event " + a.resId(), what + " on its server "
                    + "after Custos stored it (AuditEvent/" + a.resId() + ")"));
        }
        return out;
    }

    /** What the window rules read: one per user and patient; a failed login without a patient too. */
    static List<Access> accesses(Arrival a, EventSignals s) {
        List<Access> out = new ArrayList<>();
        boolean failed = s.failedLogin();
        for (EventSignals.User u : s.users()) {
            for (AuditExtractor.PatientRef p : s.patients()) {
                out.add(new Access(a.originId(), u.key(), p.value(), a.recorded(), a.pk(), failed));
            }
            if (s.patients().isEmpty() && failed) {
                out.add(new Access(a.originId(), u.key(), "", a.recorded(), a.pk(), true));
            }
        }
        return out;
    }

    /** Outside the working days and hours in the settings' zone (the end is not working time). */
    boolean outsideHours(long recorded) {
        ZonedDateTime t = ZonedDateTime.ofInstant(Instant.ofEpochMilli(recorded), settings.zone());
        DayOfWeek d = t.getDayOfWeek();
        LocalTime time = t.toLocalTime();
        return !settings.workDays().contains(d) || time.isBefore(settings.workStart())
                || !time.isBefore(settings.workEnd());
    }

    private interface PairSink {
        void accept(String user, String patient);
    }

    private static void eachPair(EventSignals s, List<String> users, PairSink sink) {
        for (String u : users) {
            for (AuditExtractor.PatientRef p : s.patients()) {
                sink.accept(u, p.value());
            }
        }
    }

    private static Hit hit(Rule r, Arrival a, String user, String patient, String bucket, String detail) {
        return new Hit(r.id(), a.originId(), user, patient, bucket, a.recorded(), a.pk(), detail);
    }
}
