package org.custos.review;

import org.custos.review.AccessReport.AccessUser;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * The patient access view's chart: a report's events per day (of the app's zone), stacked by user or by action,
 * over a range of days. A range too long for a bar per day is bucketed by week, month or year ({@link #unitFor}),
 * and each bar says which days it covers (what clicking it filters to).
 */
public final class Timeline {
    /** Users with their own colour; the others share one series. */
    public static final int TOP_USERS = 8;
    /** Bars per day up to this many days; then per week, per month, per year. */
    static final long MAX_DAYS = 92;
    static final long MAX_WEEKS_DAYS = 731;
    static final long MAX_MONTHS_DAYS = 366L * 15;

    /** What the bars are stacked by. */
    public enum By {
        USER("by user"), ACTION("by action");

        private final String label;

        By(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** How many days one bar covers. */
    public enum Unit {
        DAY("day"), WEEK("week"), MONTH("month"), YEAR("year");

        private final String word;

        Unit(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    /** One bar: the days [from, to] it covers (within the range shown), its count per series, and the sum. */
    public record Bar(String label, LocalDate from, LocalDate to, List<Long> counts, long total) {
    }

    /** The chart of a range: its unit, series names (in stacking order) and bars (oldest first). */
    public record Chart(Unit unit, By by, List<String> series, List<Bar> bars, LocalDate from, LocalDate to) {
        /** The bar of this label, or null. */
        public Bar bar(String label) {
            return bars.stream().filter(b -> b.label().equals(label)).findFirst().orElse(null);
        }

        public long total() {
            return bars.stream().mapToLong(Bar::total).sum();
        }

        /** The tallest bar's count. */
        public long highest() {
            return bars.stream().mapToLong(Bar::total).max().orElse(0);
        }

        /** A whole step for the count axis (1, 2, 5, 10, 20, 50, …): at most eight steps to the top. */
        public long tickUnit() {
            long top = Math.max(1, highest());
            for (long unit = 1; ; unit *= 10) {
                for (long m : new long[]{1, 2, 5}) {
                    if (top <= unit * m * 8) {
                        return unit * m;
                    }
                }
            }
        }

        /** The top of the count axis: a whole number of steps above the tallest bar. */
        public long axisTop() {
            long unit = tickUnit();
            return (Math.max(1, highest()) / unit + 1) * unit;
        }
    }

    private Timeline() {
    }

    /** The bucket for a range of {@code from}..{@code to} (both included). */
    public static Unit unitFor(LocalDate from, LocalDate to) {
        long days = ChronoUnit.DAYS.between(from, to) + 1;
        return days <= MAX_DAYS ? Unit.DAY : days <= MAX_WEEKS_DAYS ? Unit.WEEK
                : days <= MAX_MONTHS_DAYS ? Unit.MONTH : Unit.YEAR;
    }

    /** The chart of {@code report} over the days [from, to], stacked {@code by}. */
    public static Chart of(AccessReport report, By by, LocalDate from, LocalDate to) {
        Unit unit = unitFor(from, to);
        SortedMap<LocalDate, Map<String, Long>> days = by == By.USER ? report.byUserDay() : report.byActionDay();
        List<String> series = new ArrayList<>();
        Map<String, Integer> seriesOf = new HashMap<>();
        int other;
        if (by == By.USER) {
            List<AccessUser> users = report.users();
            Set<String> names = new HashSet<>();
            for (AccessUser u : users.subList(0, Math.min(TOP_USERS, users.size()))) {
                // two users of one name are told apart by their key
                String name = names.add(u.name()) ? u.name() : u.name() + " (" + u.key() + ")";
                seriesOf.put(u.key(), series.size());
                series.add(name);
            }
            other = users.size() > TOP_USERS ? series.size() : -1;
            if (other >= 0) {
                series.add("Other users (" + (users.size() - TOP_USERS) + ")");
            }
        } else {
            TreeSet<String> actions = new TreeSet<>((a, b) -> Integer.compare(actionRank(a), actionRank(b)) != 0
                    ? Integer.compare(actionRank(a), actionRank(b)) : a.compareTo(b));
            days.values().forEach(m -> actions.addAll(m.keySet()));
            for (String a : actions) {
                seriesOf.put(a, series.size());
                series.add(actionName(a));
            }
            other = -1;
        }
        List<Bar> bars = new ArrayList<>();
        for (LocalDate start = bucketStart(unit, from); !start.isAfter(to); start = next(unit, start)) {
            LocalDate lo = start.isBefore(from) ? from : start;
            LocalDate end = next(unit, start).minusDays(1);
            LocalDate hi = end.isAfter(to) ? to : end;
            long[] counts = new long[series.size()];
            for (Map<String, Long> day : days.subMap(lo, hi.plusDays(1)).values()) {
                for (Map.Entry<String, Long> e : day.entrySet()) {
                    Integer s = seriesOf.get(e.getKey());
                    int i = s != null ? s : other;
                    if (i >= 0) {
                        counts[i] += e.getValue();
                    }
                }
            }
            long total = 0;
            List<Long> list = new ArrayList<>(counts.length);
            for (long c : counts) {
                list.add(c);
                total += c;
            }
            bars.add(new Bar(label(unit, start), lo, hi, List.copyOf(list), total));
        }
        return new Chart(unit, by, List.copyOf(series), List.copyOf(bars), from, to);
    }

    private static LocalDate bucketStart(Unit unit, LocalDate d) {
        return switch (unit) {
            case DAY -> d;
            case WEEK -> d.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTH -> d.withDayOfMonth(1);
            case YEAR -> d.withDayOfYear(1);
        };
    }

    private static LocalDate next(Unit unit, LocalDate start) {
        return switch (unit) {
            case DAY -> start.plusDays(1);
            case WEEK -> start.plusWeeks(1);
            case MONTH -> start.plusMonths(1);
            case YEAR -> start.plusYears(1);
        };
    }

    private static String label(Unit unit, LocalDate start) {
        return switch (unit) {
            case DAY -> start.toString();
            // ISO week (2026-W10: Monday to Sunday); the bar's tooltip gives its days
            case WEEK -> String.format("%d-W%02d", start.get(java.time.temporal.IsoFields.WEEK_BASED_YEAR),
                    start.get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case MONTH -> start.toString().substring(0, 7);
            case YEAR -> String.valueOf(start.getYear());
        };
    }

    private static int actionRank(String code) {
        int i = List.of("C", "R", "U", "D", "E").indexOf(code);
        return i >= 0 ? i : code.isEmpty() ? 7 : 6;
    }

    /** An AuditEvent action code in words. */
    public static String actionName(String code) {
        if (code == null || code.isEmpty()) {
            return "No action recorded";
        }
        return switch (code) {
            case "C" -> "Create";
            case "R" -> "Read";
            case "U" -> "Update";
            case "D" -> "Delete";
            case "E" -> "Execute";
            default -> code;
        };
    }
}
