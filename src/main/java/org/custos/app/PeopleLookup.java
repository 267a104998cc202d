package org.custos.app;

import org.custos.cache.Cache;
import org.custos.cache.Origins;
import org.custos.consent.ConsentEditorViewModel;
import org.custos.fhir.Cancellation;
import org.custos.fhir.FhirServerException;
import org.custos.fhir.PeopleSearch;
import org.custos.fhir.ServerProfile;
import org.custos.people.PeopleDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The suggestions of a reference field: the people directory (the cache) first, then what the origin's server finds
 * (when the origin is a server profile's and the server answers within {@link PeopleSearch#DEFAULT_DEADLINE}),
 * without duplicates. People the server found are stored in the cache under its origin, as a sync would, so that
 * their names show in lists from then on.
 *
 * <p>Called on ControlsFX's suggestion thread, which it interrupts when the user types on. The work therefore runs
 * on threads of its own that nobody interrupts (an interrupt inside H2's file I/O can damage the cache, see
 * build-notes); an interrupted caller stops waiting, cancels the server search cooperatively and gets nothing.
 */
final class PeopleLookup {
    private static final Logger LOG = LoggerFactory.getLogger(PeopleLookup.class);
    static final int LIMIT = 25;
    /** A server that did not answer is not asked again for this long (typing on must not wait for it each time). */
    static final Duration QUIET = Duration.ofSeconds(30);

    private final Cache cache;
    private final PeopleDirectory people;
    private final Supplier<List<ServerProfile>> profiles;
    private final Duration deadline;
    private final ExecutorService work = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "people-lookup");
        t.setDaemon(true);
        return t;
    });
    /** Normalized base URL → System.nanoTime() until which that server is not asked. */
    private final Map<String, Long> quietUntil = new ConcurrentHashMap<>();

    PeopleLookup(Cache cache, Supplier<List<ServerProfile>> profiles) {
        this(cache, profiles, PeopleSearch.DEFAULT_DEADLINE);
    }

    PeopleLookup(Cache cache, Supplier<List<ServerProfile>> profiles, Duration deadline) {
        this.cache = cache;
        this.people = new PeopleDirectory(cache);
        this.profiles = profiles;
        this.deadline = deadline;
    }

    /**
     * The people of {@code origin} (null: of every origin, and every server profile's server) of this FHIR type
     * (null: every people type) matching {@code text}: the cache's first, then the servers'. Never waits much longer
     * than the deadline; nothing on interrupt.
     */
    List<ConsentEditorViewModel.Suggestion> find(String origin, String type, String text) {
        Cancellation cancel = new Cancellation();
        Future<List<ConsentEditorViewModel.Suggestion>> f = work.submit(() -> lookup(origin, type, text, cancel));
        try {
            return f.get(deadline.toMillis() + 3000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            cancel.cancel();
            Thread.currentThread().interrupt();
            return List.of();
        } catch (TimeoutException e) {
            cancel.cancel();
            return List.of();
        } catch (ExecutionException e) {
            LOG.warn("Looking up people for '{}' failed", text, e.getCause());
            return List.of();
        }
    }

    private List<ConsentEditorViewModel.Suggestion> lookup(String origin, String type, String text,
                                                           Cancellation cancel) throws Exception {
        Set<PeopleDirectory.PersonType> types = type == null ? EnumSet.allOf(PeopleDirectory.PersonType.class)
                : EnumSet.of(PeopleDirectory.PersonType.of(type));
        String home = origin == null ? null : Origins.normalize(origin);
        List<ConsentEditorViewModel.Suggestion> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (PeopleDirectory.Person p : people.search(home, text, types, LIMIT)) {
            if (seen.add(p.origin() + "|" + p.reference())) {
                out.add(suggestion(p.reference(), p.display(), p.identifiers(), p.origin(), home == null));
            }
        }
        // the servers: the origin's, or (no origin) every profile's; in parallel, each within the deadline
        List<ServerProfile> servers = profiles.get().stream()
                .filter(p -> home == null || Origins.normalize(p.baseUrl()).equals(home))
                .filter(p -> !quiet(Origins.normalize(p.baseUrl())))
                .toList();
        List<Future<List<PeopleSearch.Found>>> asked = new ArrayList<>();
        List<String> types2 = types.stream().map(PeopleDirectory.PersonType::fhirType).toList();
        for (ServerProfile p : servers) {
            asked.add(work.submit(() -> new PeopleSearch(p, deadline, 10).search(text, types2, cancel)));
        }
        for (int i = 0; i < servers.size(); i++) {
            String base = Origins.normalize(servers.get(i).baseUrl());
            List<PeopleSearch.Found> found;
            try {
                found = asked.get(i).get(deadline.toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof FhirServerException fe) {
                    LOG.info("No people search on {}: {}", base, fe.getMessage());
                    quietUntil.put(base, System.nanoTime() + QUIET.toNanos());
                } else {
                    LOG.warn("People search on {} failed", base, e.getCause());
                }
                continue;
            } catch (TimeoutException e) {
                quietUntil.put(base, System.nanoTime() + QUIET.toNanos());
                continue;
            }
            for (PeopleSearch.Found p : found) {
                if (cancel.isCancelled()) {
                    return out;
                }
                store(base, p);
                if (out.size() < LIMIT && seen.add(base + "|" + p.reference())) {
                    out.add(suggestion(p.reference(), p.display(), p.identifiers(), base, home == null));
                }
            }
        }
        return out;
    }

    /** Whether the server of this base URL failed a moment ago (see {@link #QUIET}). */
    private boolean quiet(String base) {
        Long until = quietUntil.get(base);
        return until != null && until - System.nanoTime() > 0;
    }

    /** Keeps a person a server found, under its origin (as a sync would): its name shows in lists from now on. */
    private void store(String base, PeopleSearch.Found p) {
        try {
            cache.resources().upsertFromServer(base, p.json(), base + "/" + p.reference());
        } catch (RuntimeException e) {
            LOG.warn("Could not keep {} of {} in the cache: {}", p.reference(), base, e.getMessage());
        }
    }

    private static ConsentEditorViewModel.Suggestion suggestion(String reference, String display, String identifiers,
                                                                String origin, boolean sayOrigin) {
        String ids = identifiers == null || identifiers.isEmpty() ? null : ConsentWiring.identifierValues(identifiers);
        // where no origin was given (the consent list's patient field), the same reference may come from several
        String detail = !sayOrigin ? ids : ids == null ? origin : ids + " · " + origin;
        return new ConsentEditorViewModel.Suggestion(reference, display, detail, origin);
    }
}
