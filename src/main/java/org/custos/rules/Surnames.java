package org.custos.rules;

import org.custos.cache.AuditExtractor;

import java.text.Normalizer;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The family names of users and patients for rule same-surname: from the directory of the event's origin (the
 * person's HumanName.family), else from the name the event gives (its last word, titles and suffixes such as "Jr."
 * or "MD" left out). Compared in lower case without accents ("Müller" = "muller"). Directory answers are remembered.
 */
final class Surnames {
    private static final Set<String> SUFFIXES = Set.of("jr", "sr", "ii", "iii", "iv", "md", "phd", "rn", "do", "dds",
            "np", "pa", "msc", "bsc");
    private static final int MAX_REMEMBERED = 200_000;

    /** origin id, references → reference → family names (lower case). */
    private final BiFunction<Integer, Collection<String>, Map<String, Set<String>>> directory;
    private final Map<String, Set<String>> known = new HashMap<>();

    Surnames(BiFunction<Integer, Collection<String>, Map<String, Set<String>>> directory) {
        this.directory = directory;
    }

    /** Asks the directory at once for the references of a batch not yet known (one query per origin). */
    void prefetch(int originId, Collection<String> references) {
        List<String> missing = references.stream().filter(r -> r != null && !known.containsKey(originId + "|" + r))
                .distinct().toList();
        if (missing.isEmpty()) {
            return;
        }
        if (known.size() > MAX_REMEMBERED) {
            known.clear();
        }
        Map<String, Set<String>> found = directory.apply(originId, missing);
        for (String r : missing) {
            Set<String> names = new LinkedHashSet<>();
            found.getOrDefault(r, Set.of()).forEach(n -> names.add(plain(n)));
            known.put(originId + "|" + r, names);
        }
    }

    Set<String> ofUser(int originId, EventSignals.User u) {
        return of(originId, u.reference(), u.name());
    }

    Set<String> ofPatient(int originId, AuditExtractor.PatientRef p) {
        return of(originId, p.value(), p.name());
    }

    private Set<String> of(int originId, String reference, String name) {
        if (reference != null) {
            prefetch(originId, List.of(reference));
            Set<String> fromDirectory = known.get(originId + "|" + reference);
            if (fromDirectory != null && !fromDirectory.isEmpty()) {
                return fromDirectory;
            }
        }
        String last = lastName(name);
        return last == null ? Set.of() : Set.of(last);
    }

    /** The last word of a name that is not a suffix or title, plain; null when there is none. */
    static String lastName(String name) {
        if (name == null) {
            return null;
        }
        String[] words = name.trim().split("[\\s,]+");
        for (int i = words.length - 1; i >= 0; i--) {
            String w = plain(words[i]).replaceAll("[.()]", "");
            if (!w.isEmpty() && !SUFFIXES.contains(w)) {
                // a single word is a name only when the event gives nothing else: too weak to say "same family"
                return words.length > 1 || i > 0 ? w : null;
            }
        }
        return null;
    }

    static String plain(String s) {
        return Normalizer.normalize(s.trim(), Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT);
    }
}
