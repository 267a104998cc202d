package org.custos.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.TextStyle;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The settings of every rule: whether it is on, and its thresholds. Kept in the cache per rule (a rule without kept
 * settings has its defaults) and written to / read from a file as one JSON object keyed by rule name:
 * <pre>
 * {"after-hours": {"enabled": true, "zone": "Europe/Berlin", "days": ["mon","tue","wed","thu","fri"],
 *                  "start": "07:00", "end": "19:00"},
 *  "volume": {"enabled": true, "patients": 30, "minutes": 60},
 *  "same-surname": {"enabled": true}, "vip": {"enabled": true},
 *  "break-glass": {"enabled": true, "codes": ["BTG", "ETREAT"]},
 *  "failed-logins": {"enabled": true, "count": 5, "minutes": 10},
 *  "changed-deleted": {"enabled": true}}
 * </pre>
 * The day of the per-day rules (one alert per user, patient and day) is a day in the after-hours zone.
 */
public record RuleSettings(Set<Rule> enabled, ZoneId zone, Set<DayOfWeek> workDays, LocalTime workStart,
                           LocalTime workEnd, int volumePatients, int volumeMinutes, List<String> breakGlassCodes,
                           int failedLogins, int failedMinutes) {
    public RuleSettings {
        enabled = enabled.isEmpty() ? EnumSet.noneOf(Rule.class) : EnumSet.copyOf(enabled);
        workDays = workDays.isEmpty() ? EnumSet.noneOf(DayOfWeek.class) : EnumSet.copyOf(workDays);
        breakGlassCodes = List.copyOf(breakGlassCodes);
        if (!workStart.isBefore(workEnd)) {
            throw new IllegalArgumentException("after-hours: start " + workStart + " must be before end " + workEnd);
        }
        positive("volume", "patients", volumePatients);
        positive("volume", "minutes", volumeMinutes);
        positive("failed-logins", "count", failedLogins);
        positive("failed-logins", "minutes", failedMinutes);
        if (breakGlassCodes.isEmpty() || breakGlassCodes.stream().anyMatch(c -> c == null || c.isBlank())) {
            throw new IllegalArgumentException("break-glass: codes must name at least one code, none blank");
        }
    }

    private static void positive(String rule, String field, int value) {
        if (value < 1 || value > 100_000) {
            throw new IllegalArgumentException(rule + ": " + field + " must be between 1 and 100000, not " + value);
        }
    }

    /** The defaults: every rule on, Mon–Fri 07:00–19:00 in {@code zone}, 30 patients / 60 min, 5 failures / 10 min. */
    public static RuleSettings defaults(ZoneId zone) {
        return new RuleSettings(EnumSet.allOf(Rule.class), zone, EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
                LocalTime.of(7, 0), LocalTime.of(19, 0), 30, 60, List.of("BTG", "ETREAT"), 5, 10);
    }

    public boolean on(Rule r) {
        return enabled.contains(r);
    }

    /** These settings with one rule on or off. */
    public RuleSettings with(Rule r, boolean on) {
        Set<Rule> e = EnumSet.noneOf(Rule.class);
        e.addAll(enabled);
        if (on) {
            e.add(r);
        } else {
            e.remove(r);
        }
        return new RuleSettings(e, zone, workDays, workStart, workEnd, volumePatients, volumeMinutes, breakGlassCodes,
                failedLogins, failedMinutes);
    }

    /** "Mon–Fri 07:00–19:00 Europe/Berlin" (days listed when they are not a run). */
    public String workingHours() {
        List<DayOfWeek> days = workDays.stream().sorted().toList();
        String d;
        if (days.isEmpty()) {
            d = "no day";
        } else if (days.get(days.size() - 1).getValue() - days.get(0).getValue() == days.size() - 1
                && days.size() > 2) {
            d = shortName(days.get(0)) + "–" + shortName(days.get(days.size() - 1));
        } else {
            d = String.join(", ", days.stream().map(RuleSettings::shortName).toList());
        }
        return d + " " + workStart + "–" + workEnd + " " + zone.getId();
    }

    private static String shortName(DayOfWeek d) {
        return d.getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
    }

    /** Each rule's settings as kept: rule name → JSON. */
    public Map<String, String> stored() {
        Map<String, String> out = new LinkedHashMap<>();
        ObjectNode all = toJson();
        all.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().toString()));
        return out;
    }

    /** The settings file's content. */
    public String toFile() {
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(toJson()) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private ObjectNode toJson() {
        ObjectNode all = new ObjectMapper().createObjectNode();
        for (Rule r : Rule.values()) {
            ObjectNode o = all.putObject(r.id());
            o.put("enabled", on(r));
            switch (r) {
                case AFTER_HOURS -> {
                    o.put("zone", zone.getId());
                    ArrayNode days = o.putArray("days");
                    workDays.stream().sorted().forEach(d -> days.add(shortName(d).toLowerCase(Locale.ROOT)));
                    o.put("start", workStart.toString());
                    o.put("end", workEnd.toString());
                }
                case VOLUME -> {
                    o.put("patients", volumePatients);
                    o.put("minutes", volumeMinutes);
                }
                case BREAK_GLASS -> breakGlassCodes.forEach(o.putArray("codes")::add);
                case FAILED_LOGINS -> {
                    o.put("count", failedLogins);
                    o.put("minutes", failedMinutes);
                }
                default -> {
                }
            }
        }
        return all;
    }

    /** Settings from what the cache keeps (rule name → JSON); what is missing has its default. */
    public static RuleSettings fromStored(Map<String, String> stored, ZoneId defaultZone) {
        ObjectNode all = new ObjectMapper().createObjectNode();
        for (Map.Entry<String, String> e : stored.entrySet()) {
            try {
                all.set(e.getKey(), new ObjectMapper().readTree(e.getValue()));
            } catch (IOException ex) {
                throw new IllegalArgumentException(e.getKey() + ": the kept settings are not JSON: " + ex.getMessage());
            }
        }
        return fromJson(all, defaultZone);
    }

    /**
     * Settings from a settings file; a rule or field it leaves out has its default. Unknown rules and fields, and
     * values of the wrong kind, are refused with a message naming them.
     */
    public static RuleSettings fromFile(String text, ZoneId defaultZone) {
        JsonNode all;
        try {
            all = new ObjectMapper().readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("The settings file is not JSON: " + e.getMessage());
        }
        if (all == null || !all.isObject()) {
            throw new IllegalArgumentException("The settings file must hold one JSON object keyed by rule name ("
                    + Rule.names() + ")");
        }
        return fromJson(all, defaultZone);
    }

    private static RuleSettings fromJson(JsonNode all, ZoneId defaultZone) {
        RuleSettings d = defaults(defaultZone);
        Set<Rule> enabled = EnumSet.noneOf(Rule.class);
        all.fieldNames().forEachRemaining(n -> {
            if (Rule.of(n).isEmpty()) {
                throw new IllegalArgumentException("Unknown rule \"" + n + "\" (known: " + Rule.names() + ")");
            }
        });
        for (Rule r : Rule.values()) {
            JsonNode o = all.get(r.id());
            if (o != null && !o.isObject()) {
                throw new IllegalArgumentException(r.id() + ": must be an object");
            }
            if (o == null || bool(r, o, "enabled", true)) {
                enabled.add(r);
            }
            if (o != null) {
                known(r, o);
            }
        }
        JsonNode ah = all.path(Rule.AFTER_HOURS.id());
        ZoneId zone = d.zone;
        if (ah.has("zone")) {
            try {
                zone = ZoneId.of(text(Rule.AFTER_HOURS, ah, "zone"));
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("after-hours: zone " + ah.get("zone") + " is not a time zone (e.g. "
                        + "Europe/Berlin, UTC)");
            }
        }
        Set<DayOfWeek> days = d.workDays;
        if (ah.has("days")) {
            days = EnumSet.noneOf(DayOfWeek.class);
            if (!ah.get("days").isArray()) {
                throw new IllegalArgumentException("after-hours: days must be a list such as [\"mon\", \"tue\"]");
            }
            for (JsonNode day : ah.get("days")) {
                days.add(day(day.asText()));
            }
        }
        LocalTime start = ah.has("start") ? time("start", text(Rule.AFTER_HOURS, ah, "start")) : d.workStart;
        LocalTime end = ah.has("end") ? time("end", text(Rule.AFTER_HOURS, ah, "end")) : d.workEnd;
        JsonNode vol = all.path(Rule.VOLUME.id());
        JsonNode bg = all.path(Rule.BREAK_GLASS.id());
        List<String> codes = d.breakGlassCodes;
        if (bg.has("codes")) {
            if (!bg.get("codes").isArray()) {
                throw new IllegalArgumentException("break-glass: codes must be a list such as [\"BTG\"]");
            }
            codes = new java.util.ArrayList<>();
            for (JsonNode c : bg.get("codes")) {
                codes.add(c.asText().trim());
            }
        }
        JsonNode fl = all.path(Rule.FAILED_LOGINS.id());
        return new RuleSettings(enabled, zone, days, start, end, number(Rule.VOLUME, vol, "patients", d.volumePatients),
                number(Rule.VOLUME, vol, "minutes", d.volumeMinutes), codes,
                number(Rule.FAILED_LOGINS, fl, "count", d.failedLogins),
                number(Rule.FAILED_LOGINS, fl, "minutes", d.failedMinutes));
    }

    private static final Map<Rule, Set<String>> FIELDS = Map.of(
            Rule.AFTER_HOURS, Set.of("enabled", "zone", "days", "start", "end"),
            Rule.VOLUME, Set.of("enabled", "patients", "minutes"),
            Rule.BREAK_GLASS, Set.of("enabled", "codes"),
            Rule.FAILED_LOGINS, Set.of("enabled", "count", "minutes"));

    private static void known(Rule r, JsonNode o) {
        Set<String> fields = FIELDS.getOrDefault(r, Set.of("enabled"));
        o.fieldNames().forEachRemaining(f -> {
            if (!fields.contains(f)) {
                throw new IllegalArgumentException(r.id() + ": unknown setting \"" + f + "\" (known: "
                        + String.join(", ", fields.stream().sorted().toList()) + ")");
            }
        });
    }

    private static boolean bool(Rule r, JsonNode o, String f, boolean dflt) {
        JsonNode v = o.get(f);
        if (v == null) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(r.id() + ": " + f + " must be true or false");
        }
        return v.asBoolean();
    }

    private static String text(Rule r, JsonNode o, String f) {
        JsonNode v = o.get(f);
        if (!v.isTextual()) {
            throw new IllegalArgumentException(r.id() + ": " + f + " must be a string");
        }
        return v.asText().trim();
    }

    private static int number(Rule r, JsonNode o, String f, int dflt) {
        JsonNode v = o.get(f);
        if (v == null) {
            return dflt;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException(r.id() + ": " + f + " must be a whole number");
        }
        return v.asInt();
    }

    private static LocalTime time(String field, String text) {
        try {
            return LocalTime.parse(text);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("after-hours: " + field + " \"" + text + "\" is not a time (HH:MM)");
        }
    }

    /** A day by its English name or its first three letters, any case. */
    static DayOfWeek day(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (DayOfWeek d : DayOfWeek.values()) {
            String full = d.name().toLowerCase(Locale.ROOT);
            if (t.length() >= 3 && full.startsWith(t)) {
                return d;
            }
        }
        throw new IllegalArgumentException("after-hours: \"" + text + "\" is not a day (mon, tue, …, sun)");
    }
}
