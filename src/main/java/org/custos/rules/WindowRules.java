package org.custos.rules;

import org.custos.cache.AlertStore.Access;
import org.custos.cache.AlertStore.Episode;
import org.custos.cache.AlertStore.WindowRule;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules over one user's accesses in a sliding window: {@code volume} (more than N distinct patients, the first
 * and the last access at most M minutes apart) and {@code failed-logins} (N or more failed logins at most M minutes
 * apart). An episode is the union of the windows that break the rule, overlapping ones joined: one alert per run.
 */
final class WindowRules {
    private WindowRules() {
    }

    static WindowRule volume(RuleSettings s) {
        return new Sliding(Rule.VOLUME.id(), s.volumeMinutes() * 60_000L, a -> !a.patient().isEmpty(),
                Access::patient, true, s.volumePatients() + 1, "distinct patients", s.volumeMinutes());
    }

    static WindowRule failedLogins(RuleSettings s) {
        // a failed login naming two patients is one failure: counted by event
        return new Sliding(Rule.FAILED_LOGINS.id(), s.failedMinutes() * 60_000L, Access::failed,
                a -> String.valueOf(a.eventPk()), false, s.failedLogins(), "failed logins", s.failedMinutes());
    }

    /**
     * A window rule counting the distinct keys (patients, or events) of what it reads in every window of
     * {@code span} ms; a window with at least {@code threshold} breaks it.
     */
    private record Sliding(String name, long span, java.util.function.Predicate<Access> reads,
                           java.util.function.Function<Access, String> key, boolean byPatient, int threshold,
                           String what, int minutes) implements WindowRule {
        @Override
        public boolean reads(Access a) {
            return reads.test(a);
        }

        @Override
        public List<Episode> episodes(List<Access> rows) {
            List<Episode> out = new ArrayList<>();
            Map<String, Integer> inWindow = new HashMap<>();
            int count = 0;
            int start = 0;
            int runFrom = -1;
            int runTo = -1;
            int most = 0;
            for (int end = 0; end < rows.size(); end++) {
                count += add(inWindow, rows.get(end), 1);
                while (rows.get(end).recorded() - rows.get(start).recorded() > span) {
                    count += add(inWindow, rows.get(start), -1);
                    start++;
                }
                if (count >= threshold) {
                    if (runFrom >= 0 && start <= runTo) {
                        runTo = end;
                    } else {
                        if (runFrom >= 0) {
                            out.add(episode(rows, runFrom, runTo, most));
                        }
                        runFrom = start;
                        runTo = end;
                        most = 0;
                    }
                    most = Math.max(most, count);
                }
            }
            if (runFrom >= 0) {
                out.add(episode(rows, runFrom, runTo, most));
            }
            return out;
        }

        /** +1 / -1 to the window; how much the count of distinct keys changes. */
        private int add(Map<String, Integer> inWindow, Access a, int delta) {
            String k = key.apply(a);
            int n = inWindow.merge(k, delta, Integer::sum);
            if (n == 0) {
                inWindow.remove(k);
                return -1;
            }
            return delta > 0 && n == 1 ? 1 : 0;
        }

        private Episode episode(List<Access> rows, int from, int to, int most) {
            Set<Long> events = new LinkedHashSet<>();
            Set<String> patients = new LinkedHashSet<>();
            for (int i = from; i <= to; i++) {
                events.add(rows.get(i).eventPk());
                patients.add(rows.get(i).patient());
            }
            String detail = byPatient
                    ? most + " " + what + " within " + minutes + " minutes (" + patients.size() + " in all, "
                    + events.size() + " events)"
                    : most + " " + what + " within " + minutes + " minutes (" + events.size() + " in all)";
            return new Episode(rows.get(from).recorded(), rows.get(to).recorded(), List.copyOf(events), detail);
        }
    }
}
