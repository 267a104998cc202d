package org.custos.demo;

import java.util.List;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.SplittableRandom;

/**
 * Picks realistic event times inside [end - days, end]: weekday working hours heavy, evenings lighter,
 * nights and weekends sparse, judged in the hospital's time zone (a fixed parameter, never the machine's default).
 */
final class DemoClock {

    /** Relative activity per hour of day (0..23), max 100. */
    private static final List<Integer> DAY_PROFILE = List.of(
        6, 5, 4, 4, 5, 8, 25, 70, 100, 100, 95, 90, 70, 85, 95, 90, 80, 60, 40, 28, 22, 18, 14, 9);
    /** Break-the-glass and similar emergency access: mostly nights. */
    private static final List<Integer> NIGHT_PROFILE = List.of(
        100, 100, 95, 90, 85, 70, 40, 25, 20, 20, 20, 20, 20, 20, 20, 20, 25, 30, 40, 50, 60, 75, 90, 100);
    private static final int WEEKEND_PERCENT = 35;

    private final long startMillis;
    private final long spanMillis;
    private final ZoneId zone;

    DemoClock(Instant end, int days, ZoneId zone) {
        this.zone = zone;
        long endMillis = end.toEpochMilli();
        this.spanMillis = days * 86_400_000L;
        this.startMillis = endMillis - spanMillis;
    }

    long startMillis() {
        return startMillis;
    }

    long endMillis() {
        return startMillis + spanMillis;
    }

    /** A time in the window, weighted by the working-hours profile (or the night profile). */
    long pick(SplittableRandom rnd, boolean night) {
        List<Integer> profile = night ? NIGHT_PROFILE : DAY_PROFILE;
        long t = 0;
        for (int attempt = 0; attempt < 64; attempt++) {
            t = startMillis + rnd.nextLong(spanMillis + 1);
            ZonedDateTime z = Instant.ofEpochMilli(t).atZone(zone);
            int weight = profile.get(z.getHour());
            DayOfWeek d = z.getDayOfWeek();
            if (!night && (d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY)) {
                weight = weight * WEEKEND_PERCENT / 100;
            }
            if (rnd.nextInt(100) < weight) {
                return t;
            }
        }
        return t;
    }
}
