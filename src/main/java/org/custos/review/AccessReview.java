package org.custos.review;

import org.custos.access.AccessReader;
import org.custos.cache.Cache;
import org.custos.cache.Origins;
import org.custos.cache.PatientEvents;
import org.custos.people.PeopleDirectory;
import org.custos.people.PeopleDirectory.Person;
import org.custos.people.PeopleDirectory.PersonType;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Who accessed a patient's record (issue 13, the patient access view): finds the patient (directory, reference,
 * identifier), says in which origins the cache holds events of them, and adds up one origin's events
 * ({@link AccessReport}) while reading them from the patient/access index, one page of texts at a time.
 * <p>
 * A patient is a set of patient-index keys: the reference ({@code Patient/123}) and, for a person of the directory,
 * the values of their identifiers (events that name the patient by identifier only). An origin is never mixed with
 * another: the same reference in two origins is two candidates (they may be different people).
 */
public final class AccessReview {
    /** At most this many people are offered while typing. */
    static final int SUGGESTIONS = 15;

    /** A patient of the directory, as offered while typing. */
    public record Suggestion(String reference, String name, String identifiers, String origin) {
        /** What the list of suggestions shows. */
        @Override
        public String toString() {
            return name + " · " + reference + (identifiers.isEmpty() ? "" : " · " + identifiers) + " · " + origin;
        }
    }

    /**
     * Whose accesses are looked for: {@code label} as the user should read it, {@code reference} the patient's
     * reference (null when only an identifier is known), {@code keys} the patient index keys.
     */
    public record Subject(String label, String reference, List<String> keys) {
        /** How a report names the patient: the reference, else the identifier value searched for. */
        public String named() {
            return reference != null ? reference : label.startsWith(IDENTIFIER) ? label.substring(IDENTIFIER.length())
                    : label;
        }
    }

    /** The label of a subject known by an identifier only starts so. */
    static final String IDENTIFIER = "identifier ";

    /** One subject's events in one origin: what the view can show. */
    public record Candidate(Subject subject, String origin, long events) {
    }

    /** What a search found: candidates (most relevant first), or a message saying why there are none. */
    public record Lookup(List<Candidate> candidates, String message) {
    }

    /** How far a reading got: events read of the total. */
    @FunctionalInterface
    public interface Progress {
        void update(long done, long total);
    }

    private final Cache cache;
    private final PeopleDirectory directory;
    private final ZoneId zone;
    private final AccessReader reader = new AccessReader();
    private final org.custos.trail.Looks looks;

    public AccessReview(Cache cache, ZoneId zone) {
        this(cache, zone, null);
    }

    /** As above, telling Custos's own audit trail of each report before it is shown ({@code looks} may be null). */
    public AccessReview(Cache cache, ZoneId zone, org.custos.trail.Looks looks) {
        this.cache = cache;
        this.directory = new PeopleDirectory(cache);
        this.zone = zone;
        this.looks = looks;
    }

    /** Patients of the directory (every origin) matching what is typed: name words, identifier, id or reference. */
    public List<Suggestion> suggest(String typed) {
        String t = typed == null ? "" : typed.trim();
        if (t.length() < 2) {
            return List.of();
        }
        return directory.search(t, EnumSet.of(PersonType.PATIENT), SUGGESTIONS).stream()
                .map(p -> new Suggestion(p.reference(), p.display(), identifierValues(p.identifiers()), p.origin()))
                .toList();
    }

    /** The candidates of a person picked from the suggestions; their own origin first. */
    public Lookup find(Suggestion picked) {
        Subject s = new Subject(picked.name() + " (" + picked.reference() + ")", picked.reference(),
                keys(picked.reference(), picked.identifiers()));
        List<Candidate> found = candidates(s, picked.origin());
        return found.isEmpty() ? new Lookup(found, "No events for " + s.label() + " in the cache.")
                : new Lookup(found, "");
    }

    /**
     * The candidates of typed text: the directory's patients whose reference, id or an identifier is exactly it;
     * the text as a reference ({@code 123} means {@code Patient/123}) and as an identifier value, each on its own
     * (the cache may hold events that name a patient the directory does not know); and, when none of these has
     * events, the one patient whose name matches.
     */
    public Lookup find(String typed) {
        String t = typed == null ? "" : typed.trim();
        if (t.isEmpty()) {
            return new Lookup(List.of(), "Type a patient's name, identifier or reference.");
        }
        List<Person> people = directory.search(t, EnumSet.of(PersonType.PATIENT), 50);
        boolean token = !t.contains(" ") && !t.contains("\t");
        String refKey = token ? PatientEvents.referenceKey(t) : null;
        String idKey = token && !t.contains("/") ? PatientEvents.identifierKey(t) : null;
        List<Subject> subjects = new ArrayList<>();
        Set<List<String>> seen = new java.util.HashSet<>();
        String preferred = null;
        for (Person p : people) {
            List<String> values = Arrays.asList(identifierValues(p.identifiers()).split(",\\s*"));
            boolean exact = PatientEvents.referenceKey(p.reference()).equals(refKey) || p.id().equals(t)
                    || values.stream().anyMatch(v -> v.equalsIgnoreCase(t));
            if (exact) {
                Subject s = new Subject(p.display() + " (" + p.reference() + ")", p.reference(),
                        keys(p.reference(), identifierValues(p.identifiers())));
                if (seen.add(s.keys())) {
                    subjects.add(s);
                    preferred = preferred == null ? p.origin() : preferred;
                }
            }
        }
        Set<String> covered = new LinkedHashSet<>();
        subjects.forEach(s -> covered.addAll(s.keys()));
        if (refKey != null && !covered.contains(refKey)) {
            String ref = t.contains("/") ? t : "Patient/" + t;
            subjects.add(new Subject(ref, ref, List.of(refKey)));
        }
        if (idKey != null && !covered.contains(idKey)) {
            subjects.add(new Subject(IDENTIFIER + t, null, List.of(idKey)));
        }
        List<Candidate> found = new ArrayList<>();
        for (Subject s : subjects) {
            found.addAll(candidates(s, preferred));
        }
        if (found.isEmpty() && !people.isEmpty()) {
            if (people.size() == 1) {
                Person p = people.get(0);
                return find(new Suggestion(p.reference(), p.display(), identifierValues(p.identifiers()),
                        p.origin()));
            }
            return new Lookup(List.of(), String.format("%d patients in the directory match \"%s\": pick one from "
                    + "the suggestions.", people.size(), t));
        }
        if (found.isEmpty()) {
            return new Lookup(List.of(), "No events for \"" + t + "\" in the cache (no patient of that reference or "
                    + "identifier, and none of that name in the directory).");
        }
        return new Lookup(found, "");
    }

    /** The subject's events per origin, {@code preferred} first, then most events first. */
    private List<Candidate> candidates(Subject s, String preferred) {
        List<Candidate> out = new ArrayList<>();
        Map<Integer, Long> counts = cache.patientEvents().countByOrigin(s.keys(), Long.MIN_VALUE, Long.MAX_VALUE);
        counts.forEach((originId, n) -> {
            if (n > 0) {
                out.add(new Candidate(s, cache.origins().nameOf(originId), n));
            }
        });
        out.sort(Comparator.comparing((Candidate c) -> !c.origin().equals(preferred))
                .thenComparing(Comparator.comparingLong(Candidate::events).reversed())
                .thenComparing(Candidate::origin));
        return out;
    }

    /**
     * Adds up the candidate's events recorded within [{@code from}, {@code to}] (epoch ms, inclusive), keeping the
     * newest {@code listCap} of them; stops early (an incomplete report) when {@code cancelled} says so.
     */
    public AccessReport report(Candidate c, long from, long to, int listCap, BooleanSupplier cancelled,
                               Progress progress) {
        Integer originId = cache.origins().find(c.origin()).map(Origins.Origin::id).orElse(null);
        if (looks != null) {
            looks.query("patient access view", "patient=" + c.subject().reference() + " keys=" + c.subject().keys()
                    + " origin=" + c.origin() + (from == Long.MIN_VALUE && to == Long.MAX_VALUE ? ""
                    : " from=" + java.time.Instant.ofEpochMilli(from) + " to=" + java.time.Instant.ofEpochMilli(to)),
                    c.subject().reference() == null ? List.of(c.subject().named())
                            : List.of(org.custos.trail.Looks.inOrigin(c.origin(), c.subject().reference())));
        }
        AccessTally tally = new AccessTally(zone, listCap);
        if (originId == null) { // the origin was removed meanwhile: it holds nothing
            return tally.report(c.origin(), Map.of(), true);
        }
        long total = cache.patientEvents().countByOrigin(c.subject().keys(), from, to).getOrDefault(originId, 0L);
        progress.update(0, total);
        cache.patientEvents().forEach(c.subject().keys(), originId, from, to, cancelled, e -> {
            tally.add(e.pk(), c.origin(), e.id(), e.recorded(), reader.read(e.raw()));
            if (tally.total() % 1000 == 0) {
                progress.update(tally.total(), Math.max(total, tally.total()));
            }
        });
        boolean complete = !cancelled.getAsBoolean();
        Map<String, String> names = directory.nameOf(c.origin(), tally.userReferences());
        return tally.report(c.origin(), names, complete);
    }

    /** The patient's name in the candidate's origin's directory, or null when it holds none. */
    public String directoryName(Candidate c) {
        return c.subject().reference() == null ? null
                : directory.nameOf(c.origin(), List.of(c.subject().reference())).get(c.subject().reference());
    }

    /** The patient index keys of a reference and identifier values ("a, b"). */
    private static List<String> keys(String reference, String identifierValues) {
        Set<String> keys = new LinkedHashSet<>();
        if (reference != null) {
            keys.add(PatientEvents.referenceKey(reference));
        }
        for (String v : identifierValues.split(",\\s*")) {
            if (!v.isBlank()) {
                keys.add(PatientEvents.identifierKey(v));
            }
        }
        return List.copyOf(keys);
    }

    /** "system|value, value" → "value, value". */
    static String identifierValues(String identifiers) {
        if (identifiers == null || identifiers.isBlank()) {
            return "";
        }
        List<String> out = new ArrayList<>();
        for (String i : identifiers.split(",\\s*")) {
            String v = i.substring(i.lastIndexOf('|') + 1).trim();
            if (!v.isEmpty() && !out.contains(v)) {
                out.add(v);
            }
        }
        return String.join(", ", out);
    }

    /** The zone days are counted in. */
    public ZoneId zone() {
        return zone;
    }
}
