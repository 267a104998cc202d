package org.custos.rules;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The suspicious-access rules, by the names the command line and the settings file use. */
public enum Rule {
    AFTER_HOURS("after-hours", "Access to patient data outside working hours (default Mon–Fri 07:00–19:00 in the "
            + "chosen time zone). One alert per user, patient and day."),
    VOLUME("volume", "One user accessing more than N distinct patients within M minutes (default 30 within 60). One "
            + "alert per run of such access."),
    SAME_SURNAME("same-surname", "User and patient share a family name (from the directory, else the names in the "
            + "event). One alert per user, patient and day."),
    VIP("vip", "Any access to a patient on the VIP list. One alert per user, patient and day."),
    BREAK_GLASS("break-glass", "Purpose BTG or ETREAT in purposeOfEvent or an agent's purposeOfUse. One alert per "
            + "user, patient and day."),
    FAILED_LOGINS("failed-logins", "N or more failed logins (DICOM 110114 with an outcome other than 0) by one user "
            + "within M minutes (default 5 within 10). One alert per run of such failures."),
    CHANGED_DELETED("changed-deleted", "An AuditEvent its server changed after Custos stored it, or deleted. One "
            + "alert per event.");

    private final String id;
    private final String description;

    Rule(String id, String description) {
        this.id = id;
        this.description = description;
    }

    /** The name on the command line, in the settings file and in the alerts ("after-hours"). */
    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    public static Optional<Rule> of(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(r -> r.id.equals(n)).findFirst();
    }

    /** The rule names, comma separated (for messages). */
    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(Rule::id).toList());
    }
}
