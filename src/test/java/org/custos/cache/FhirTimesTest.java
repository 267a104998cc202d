package org.custos.cache;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FhirTimesTest {
    /** The fast reader must agree with java.time on every instant it accepts, and leave the rest to it. */
    @Test
    void fastReaderAgreesWithJavaTime() {
        Random random = new Random(7);
        for (int i = 0; i < 50_000; i++) {
            long seconds = random.nextLong(-62_000_000_000L, 250_000_000_000L);
            int nanos = random.nextInt(1_000_000_000);
            int offsetMinutes = (random.nextInt(36) - 18) * 60 + (random.nextBoolean() ? 0 : 30);
            ZoneOffset zone = ZoneOffset.ofTotalSeconds(Math.max(-17 * 3600, Math.min(17 * 3600, offsetMinutes * 60)));
            OffsetDateTime t = Instant.ofEpochSecond(seconds, nanos).atOffset(random.nextInt(4) == 0
                    ? ZoneOffset.UTC : zone);
            int digits = random.nextInt(10);
            String text = String.format("%04d-%02d-%02dT%02d:%02d:%02d", t.getYear(), t.getMonthValue(),
                    t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond());
            if (digits > 0) {
                text += "." + String.format("%09d", t.getNano()).substring(0, digits);
            }
            text += t.getOffset().equals(ZoneOffset.UTC) && random.nextBoolean() ? "Z" : t.getOffset().getId()
                    .replace("Z", "+00:00");
            long expected = OffsetDateTime.parse(text).toInstant().toEpochMilli();
            assertEquals(expected, FhirTimes.fastInstant(text), text);
            assertEquals(expected, FhirTimes.parseInstantMillis(text), text);
        }
    }

    @Test
    void unusualShapesFallBackToJavaTime() {
        for (String text : List.of("2013-09-22T00:08:00", "2013-09-22T00:08", "2013-09-22t00:08:00Z",
                "2013-09-22T00:08:00.1234567890Z", "+12013-09-22T00:08:00Z", "2013-09-22T00:08:00+18:00",
                "2013-02-29T00:08:00Z", "2013-09-22T24:00:00Z", "2013-09-22T00:08:00.Z", "2013-09-22T00:08:00+0100")) {
            assertEquals(Long.MIN_VALUE, FhirTimes.fastInstant(text), text);
        }
        assertEquals(Instant.parse("2013-09-22T00:08:00Z").toEpochMilli(),
                FhirTimes.parseInstantMillis("2013-09-22T00:08:00"), "no zone is UTC");
        assertEquals(Instant.parse("2012-02-29T23:59:59.999Z").toEpochMilli(),
                FhirTimes.parseInstantMillis("2012-02-29T23:59:59.999Z"));
        assertThrows(IllegalArgumentException.class, () -> FhirTimes.parseInstantMillis("2013-02-29T00:08:00Z"));
        assertThrows(IllegalArgumentException.class, () -> FhirTimes.parseInstantMillis("2013-09-22T24:00:00Z"));
        assertThrows(IllegalArgumentException.class, () -> FhirTimes.parseInstantMillis("yesterday"));
    }
}
