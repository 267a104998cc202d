package org.custos.fhir;

import java.util.Optional;
import java.util.regex.Pattern;

/** A patient as patient mode names it: {@code Patient/<id>}, given as such or as the bare id. */
public final class PatientReference {
    /** The FHIR id characters and length (FHIR R3: {@code [A-Za-z0-9\-\.]{1,64}}). */
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private PatientReference() {
    }

    /**
     * {@code Patient/<id>} for a patient reference given as {@code Patient/<id>} or as the bare id.
     *
     * @throws IllegalArgumentException anything else, said so
     */
    public static String of(String text) {
        String t = text.trim();
        String id = t.startsWith("Patient/") ? t.substring("Patient/".length()) : t;
        if (!FHIR_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("\"" + t + "\" is not a patient reference: give Patient/<id> or the id "
                    + "(letters, digits, '-' and '.', at most 64).");
        }
        return "Patient/" + id;
    }

    /** {@link #of} of a stored value, or null: none stored, or one that is no patient reference (told to {@code why}). */
    static String orNone(String stored, java.util.function.Consumer<String> why) {
        try {
            return stored == null ? null : of(stored);
        } catch (IllegalArgumentException e) {
            why.accept(e.getMessage());
            return null;
        }
    }

    /**
     * What is wrong when a patient signed in ({@code signedInAs}, their {@code fhirUser}) is not the profile's
     * {@code patient}: their token is not for this record. Empty when it is them, or nobody or no patient is named.
     */
    static Optional<String> otherPatient(String patient, String signedInAs) {
        if (signedInAs == null || !signedInAs.startsWith("Patient/")) {
            return Optional.empty();
        }
        int h = signedInAs.indexOf("/_history/");
        String who = h >= 0 ? signedInAs.substring(0, h) : signedInAs;
        return who.equals(patient) ? Optional.empty() : Optional.of("Signed in as " + signedInAs + ", but this "
                + "profile is for " + patient + ": sign in as that patient, or change the profile's patient.");
    }
}
