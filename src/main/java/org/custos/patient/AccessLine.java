package org.custos.patient;

import java.time.Instant;
import java.time.LocalDate;

/**
 * One look at the patient's record, in plain words: who (a key that groups the same person, and their name), when,
 * the sentence that says it all, whether it was an emergency ("break the glass") access and why that is allowed,
 * whether it did not succeed (the event's outcome is a failure: refused, or an error).
 */
public record AccessLine(String personKey, String person, Instant when, LocalDate day, String sentence,
                         boolean emergency, String emergencyNote, boolean refused) {
}
