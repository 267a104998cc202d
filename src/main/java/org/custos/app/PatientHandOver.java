package org.custos.app;

import org.custos.fhir.ServerProfile;

import java.util.List;
import java.util.Set;

/**
 * The profile patient mode gets when a patient signs in on a staff profile: a profile of its own (the staff profile
 * is left as it was, signed out), for the same server and client, in patient mode for that patient, syncing what
 * patient mode syncs, with no session: the patient signs in again from the patient's home, asking for patient-level
 * scopes rather than the staff profile's.
 */
final class PatientHandOver {
    /** What the patient's own profile is called after the staff profile's name. */
    static final String SUFFIX = " — my record";

    private PatientHandOver() {
    }

    /** Where the record comes from, as the patient knows it: the profile's name without {@link #SUFFIX} (and count). */
    static String serverName(ServerProfile p) {
        return p.name().replaceFirst(java.util.regex.Pattern.quote(SUFFIX) + "( \\d+)?$", "");
    }

    /**
     * {@code handed}: the staff profile with the patient who signed in; {@code existing}: the profiles there are (a
     * name already used for another server or another patient is not taken over).
     */
    static ServerProfile patientProfile(ServerProfile handed, List<ServerProfile> existing) {
        String base = handed.name() + SUFFIX;
        String name = base;
        for (int i = 2; taken(name, handed, existing); i++) {
            name = base + " " + i;
        }
        // the staff profile's own scopes (if it names any) are not the patient's: patient mode asks for its own
        return handed.withName(name).withPaging(handed.pageSize(), Set.copyOf(ServerProfile.PATIENT_MODE_TYPES),
                        handed.cacheDays()).withSendTrail(false)
                .withSmart(org.custos.fhir.SmartClient.of(handed.smart().clientId(), ""));
    }

    /** A profile of that name exists and is not this very server, client and patient. */
    private static boolean taken(String name, ServerProfile handed, List<ServerProfile> existing) {
        return existing.stream().anyMatch(p -> p.name().equals(name) && !(p.baseUrl().equals(handed.baseUrl())
                && java.util.Objects.equals(p.patient(), handed.patient())
                && p.smart().clientId().equals(handed.smart().clientId())));
    }
}
