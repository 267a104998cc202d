package org.custos.people;

import org.custos.cache.Cache;
import org.custos.cache.PeopleStore;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who is who: the cached Patients, Practitioners, Organizations and RelatedPersons (imported or synced), shared by
 * every feature. Finds people by the prefixes of their name words (any order, any case), an identifier value, their
 * id or their reference, and names references in bulk for lists that would otherwise show "Patient/123". Plain
 * records only (no FHIR model): the names were read from the resources' JSON as they were cached.
 *
 * <p>A person is (origin, reference): {@code Patient/1} of one server is not {@code Patient/1} of another, nor of an
 * import. Names are looked up in the origin of what refers to them; an origin that holds no such person leaves the
 * reference unnamed, never named after another origin's person.
 */
public final class PeopleDirectory {
    /** The kinds of people the directory holds (FHIR resource types). */
    public enum PersonType {
        PATIENT("Patient"), PRACTITIONER("Practitioner"), ORGANIZATION("Organization"), RELATED_PERSON("RelatedPerson");

        private final String fhirType;

        PersonType(String fhirType) {
            this.fhirType = fhirType;
        }

        /** The FHIR resource type, e.g. "RelatedPerson". */
        public String fhirType() {
            return fhirType;
        }

        /** The type of a FHIR resource type name ("Patient"), case-insensitive. */
        public static PersonType of(String fhirType) {
            for (PersonType t : values()) {
                if (t.fhirType.equalsIgnoreCase(fhirType)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("Not a people type: " + fhirType);
        }
    }

    /**
     * One person found.
     *
     * @param reference   "Patient/123"
     * @param display     the name (HumanName text, else prefix given family suffix; an Organization's name), or the
     *                    reference when the resource gives no name
     * @param identifiers its identifiers as "system|value, value" ('' for none)
     * @param origin      where it came from (a server's base URL, "files", …)
     * @param status      "active", "inactive", or null when the resource does not say
     */
    public record Person(PersonType type, String id, String reference, String display, String identifiers,
                         String origin, String status) {
    }

    private final PeopleStore store;

    public PeopleDirectory(Cache cache) {
        this.store = cache.people();
    }

    /**
     * Up to {@code limit} people of these types (null or empty: all) matching {@code text}: every word a prefix of a
     * name word (any order, any case), or an identifier value or id (or a prefix of one), or a reference
     * ("Patient/123", absolute too) found exactly. The shortest matching word first (an exact identifier before
     * longer ones). Blank text finds nobody.
     */
    public List<Person> search(String text, Set<PersonType> types, int limit) {
        return search(null, text, types, limit);
    }

    /**
     * {@link #search(String, Set, int)} among the people of one origin (a server's base URL, "files", …; null: of
     * every origin, each hit carrying its own). An origin the cache does not know holds nobody.
     */
    public List<Person> search(String origin, String text, Set<PersonType> types, int limit) {
        Set<String> ts = types == null || types.isEmpty() ? Set.of()
                : types.stream().map(PersonType::fhirType).collect(Collectors.toSet());
        return store.search(origin, text, ts, limit).stream().map(PeopleDirectory::person).toList();
    }

    /** {@link #search} over every type. */
    public List<Person> search(String text, int limit) {
        return search(text, EnumSet.allOf(PersonType.class), limit);
    }

    /**
     * The display names of the people these references point to ("Patient/123", absolute or versioned too) as
     * {@code origin} (where the references were written) knows them, in one query: reference as given → name. An
     * absolute reference to a server the cache knows is looked up in that server's origin. References the origin
     * holds no person for stay unnamed (absent), even when another origin has one of that reference.
     */
    public Map<String, String> nameOf(String origin, List<String> references) {
        return store.namesOf(origin, references);
    }

    /** The name of one reference in {@code origin}, or the reference itself when that origin has no such person. */
    public String nameOrReference(String origin, String reference) {
        return store.namesOf(origin, List.of(reference)).getOrDefault(reference, reference);
    }

    /** How many people of this type are cached. */
    public long count(PersonType type) {
        return store.count(type.fhirType());
    }

    private static Person person(PeopleStore.Person p) {
        return new Person(PersonType.of(p.type()), p.id(), p.reference(), p.display(),
                p.identifiers() == null ? "" : p.identifiers(), p.origin(),
                p.status() == null ? null : p.status().toLowerCase(Locale.ROOT));
    }
}
