package org.custos.consent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.cache.AuditFacts;
import org.custos.cache.AuditStore;
import org.custos.cache.Cache;
import org.custos.cache.ConsentStore.ConsentFilter;
import org.custos.cache.ConsentStore.ConsentRow;
import org.custos.cache.Keyset;
import org.custos.cache.Origins;
import org.custos.cache.PatientAccess;
import org.custos.cache.PatientEvents;
import org.custos.consent.ConsentDecision.Outcome;
import org.custos.consent.ConsentDecision.Result;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Past access against consent: every cached AuditEvent that touched a patient's data, decided (see
 * {@link AuditRequests} for how an event becomes a request) against the patient's consents of the event's own
 * origin as they were when it was recorded.
 * <ul>
 * <li><b>In force at T</b>: of each consent, the kept version with the newest {@code meta.lastUpdated} ≤ T; a
 * consent whose versions all came later did not exist yet. A version without lastUpdated (e.g. a file without
 * {@code meta}) stands for any time no dated version covers, and the finding says so. The engine then applies that
 * version's status and period.</li>
 * <li><b>Several consents</b>: a deny from any of them denies the event; otherwise an undecidable one makes it
 * undecidable (it might deny); otherwise a permit permits; when none applies (none in force, or all say
 * not-applicable) the event has "no consent": it is counted, not listed.</li>
 * </ul>
 * Streams the events (nothing is held per event); findings (denied and undecidable) go to a consumer.
 */
public final class ConsentCheck {

    /** The answer for one event. */
    public enum Verdict {
        PERMITTED, DENIED, UNDECIDABLE, NO_CONSENT;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * A denied or undecidable event.
     *
     * @param pk       the event's row in the cache (what the audit browser opens)
     * @param agent    the requesting agent (reference, else user id or name)
     * @param consent  the deciding consent's id, and {@code /_history/N} when its version is known
     * @param rule     the deciding rule (or, when undecidable, the doubtful one)
     * @param detail   why: for an undecidable event the facts it lacks; notes such as a version without lastUpdated
     */
    public record Finding(Verdict verdict, long pk, String origin, String eventId, Instant recorded, String agent,
                          String action, String purpose, String consent, String rule, String detail) {
    }

    /** How many events were checked, and how each was decided. */
    public record Counts(long checked, long permitted, long denied, long undecidable, long noConsent,
                         long unreadable) {
    }

    private final Cache cache;
    private final ObjectMapper mapper = new ObjectMapper();
    private final List<String> notes = new ArrayList<>();
    private final Map<ConsentDecision, Map<DecisionRequest, Result>> explained = new java.util.IdentityHashMap<>();

    private final java.util.function.UnaryOperator<String> toJson;
    private final boolean fromText;
    private final int countFrom;

    /** A check of this cache's events and consents (consents stored as JSON). */
    public ConsentCheck(Cache cache) {
        this(cache, java.util.function.UnaryOperator.identity());
    }

    /** {@code toJson} turns a stored consent's text into JSON (e.g. one stored as XML). */
    public ConsentCheck(Cache cache, java.util.function.UnaryOperator<String> toJson) {
        this(cache, toJson, false);
    }

    /** {@code fromText}: every event read from its text, as for a consent that names data (tests compare both). */
    ConsentCheck(Cache cache, java.util.function.UnaryOperator<String> toJson, boolean fromText) {
        this(cache, toJson, fromText, PatientAccess.COUNT_FROM);
    }

    /** {@code countFrom}: day counts for patients of at least that many events (tests take both ways: 0 and large). */
    ConsentCheck(Cache cache, java.util.function.UnaryOperator<String> toJson, boolean fromText, int countFrom) {
        this.cache = cache;
        this.toJson = toJson;
        this.fromText = fromText;
        this.countFrom = countFrom;
    }

    /** What the check met on its way: consents that could not be read (skipped). */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /**
     * Checks the events of {@code patient} ("Patient/123" or an id) recorded in [from, to] (null: open), of
     * {@code origin} only when given (a name or URL), giving each denied and undecidable event to {@code findings}.
     */
    public Counts check(String patient, String origin, Instant from, Instant to, BooleanSupplier cancelled,
                        Consumer<Finding> findings) {
        Integer originId = originId(origin);
        if (origin != null && originId == null) {
            throw new IllegalArgumentException("The cache has no origin '" + origin + "'");
        }
        Map<Integer, List<ConsentTimeline>> consents = timelines(patient, originId);
        long[] c = new long[6];
        long lo = from == null ? Long.MIN_VALUE : from.toEpochMilli();
        long hi = to == null ? Long.MAX_VALUE : to.toEpochMilli();
        if (fromText || consents.values().stream().flatMap(List::stream).anyMatch(ConsentTimeline::readsData)) {
            // a consent that names data: each event's entity references, read from its text (slow, and rare)
            cache.patientEvents().forEach(patient, originId, lo, hi, cancelled,
                    e -> decide(e, consents.getOrDefault(e.originId(), List.of()), c, findings));
        } else {
            byGroups(patient, originId, lo, hi, consents, cancelled, c, findings);
        }
        return new Counts(c[0], c[1], c[2], c[3], c[4], c[5]);
    }

    /**
     * The check from the access index: the events' distinct facts are decided once per origin and stretch of time
     * in which no consent changes (between two of the consents' versions and period bounds, every event with the
     * same facts gets the same answer), counted in the database; only the groups denied or undecidable are listed.
     */
    private void byGroups(String patient, Integer originId, long lo, long hi, Map<Integer, List<ConsentTimeline>> consents,
                          BooleanSupplier cancelled, long[] c, Consumer<Finding> findings) {
        long[] breaks = ConsentTimeline.breaks(consents.values());
        PatientAccess access = cache.patientAccess().countingFrom(countFrom);
        Map<String, Flagged> flagged = new java.util.HashMap<>();
        // counted and found while no write runs (the same events); read and listed after, writes going on
        PatientAccess.Listing listing = access.consistently(() ->
                byGroups(access, patient, originId, lo, hi, consents, breaks, cancelled, c, flagged));
        access.emit(listing, cancelled, e -> {
            int seg = PatientAccess.segment(breaks, e.recorded());
            Flagged f = flagged.get(e.factsId() + "/" + e.originId() + "/" + seg);
            if (f != null) {
                Instant at = Instant.ofEpochMilli(e.recorded());
                findings.accept(finding(f.decided(), e.pk(), e.originId(), e.id(), at, f.facts().shownAgent(),
                        f.facts().action(), f.request().at(at)));
            }
        });
    }

    private PatientAccess.Listing byGroups(PatientAccess access, String patient, Integer originId, long lo, long hi,
                                           Map<Integer, List<ConsentTimeline>> consents, long[] breaks,
                                           BooleanSupplier cancelled, long[] c, Map<String, Flagged> flagged) {
        Set<Integer> flaggedFacts = new java.util.HashSet<>();
        for (PatientAccess.Group g : access.groups(patient, originId, lo, hi, breaks)) {
            DecisionRequest r = AuditRequests.of(g.facts(), Instant.ofEpochMilli(g.at()), null);
            Decided d = decided(consents.getOrDefault(g.originId(), List.of()), g.at(), r);
            c[0] += g.count();
            c[slot(d)] += g.count();
            if (d != null && (d.best() == Outcome.DENY || d.best() == Outcome.UNDECIDABLE)) {
                flagged.put(g.factsId() + "/" + g.originId() + "/" + g.segment(), new Flagged(g.facts(), r, d));
                flaggedFacts.add(g.factsId());
            }
        }
        return access.list(patient, originId, lo, hi, flaggedFacts, cancelled);
    }

    /** A group's answer, for listing its events. */
    private record Flagged(AuditFacts facts, DecisionRequest request, Decided decided) {
    }


    /** {@link #check} for every patient some cached consent is about (of {@code origin} when given); counts summed. */
    public Counts checkAll(String origin, Instant from, Instant to, BooleanSupplier cancelled,
                           Consumer<Finding> findings) {
        Integer originId = originId(origin);
        long[] sum = new long[6];
        for (String p : patients(originId)) {
            if (cancelled.getAsBoolean()) {
                break;
            }
            Counts k = check(p, origin, from, to, cancelled, findings);
            long[] v = {k.checked(), k.permitted(), k.denied(), k.undecidable(), k.noConsent(), k.unreadable()};
            for (int i = 0; i < 6; i++) {
                sum[i] += v[i];
            }
        }
        return new Counts(sum[0], sum[1], sum[2], sum[3], sum[4], sum[5]);
    }

    /** The patients ("Patient/id") the cached consents are about, of one origin when given. */
    public List<String> patients(Integer originId) {
        Set<String> out = new LinkedHashSet<>();
        forEachConsent(ConsentFilter.ALL, originId, r -> {
            if (r.patient() != null) {
                out.add(r.patient());
            }
        });
        return List.copyOf(out);
    }

    private Integer originId(String origin) {
        return origin == null ? null : cache.origins().find(origin).map(Origins.Origin::id).orElse(null);
    }

    private void forEachConsent(ConsentFilter filter, Integer originId, Consumer<ConsentRow> sink) {
        Keyset after = null;
        while (true) {
            List<ConsentRow> page = cache.consents().page(filter, after, 500);
            for (ConsentRow r : page) {
                Integer id = originId(r.origin());
                if (originId == null || originId.equals(id)) {
                    sink.accept(r);
                }
            }
            if (page.size() < 500) {
                return;
            }
            after = page.get(page.size() - 1).keyset();
        }
    }

    private Map<Integer, List<ConsentTimeline>> timelines(String patient, Integer originId) {
        Map<Integer, List<ConsentTimeline>> out = new LinkedHashMap<>();
        forEachConsent(ConsentFilter.ALL.withPatient(patient), originId, r -> {
            int o = originId(r.origin());
            ConsentTimeline t = timeline(o, r.id());
            if (t != null) {
                out.computeIfAbsent(o, k -> new ArrayList<>()).add(t);
            }
        });
        return out;
    }

    private ConsentTimeline timeline(int originId, String id) {
        List<AuditStore.Version> versions = new ArrayList<>(cache.resources().history(originId, "Consent", id));
        List<AuditStore.Version> dated = new ArrayList<>();
        AuditStore.Version undated = null;
        for (AuditStore.Version v : versions) { // newest first
            if (v.lastUpdated() != null) {
                dated.add(v);
            } else if (undated == null) {
                undated = v;
            }
        }
        dated.sort(java.util.Comparator.comparingLong(AuditStore.Version::lastUpdated));
        List<Long> times = new ArrayList<>();
        List<ConsentDecision> decisions = new ArrayList<>();
        List<String> vids = new ArrayList<>();
        for (AuditStore.Version v : dated) {
            ConsentDecision d = compile(v, id);
            if (d != null) {
                times.add(v.lastUpdated());
                decisions.add(d);
                vids.add(v.versionId());
            }
        }
        ConsentDecision u = undated == null ? null : compile(undated, id);
        if (decisions.isEmpty() && u == null) {
            return null;
        }
        return new ConsentTimeline(id, times.stream().mapToLong(Long::longValue).toArray(),
                decisions.toArray(ConsentDecision[]::new), vids.toArray(String[]::new), u,
                undated == null ? null : undated.versionId());
    }

    private ConsentDecision compile(AuditStore.Version v, String id) {
        try {
            return ConsentDecision.compile(mapper.readTree(toJson.apply(v.raw())));
        } catch (JsonProcessingException | RuntimeException e) {
            notes.add("Consent/" + id + (v.versionId() == null ? "" : "/_history/" + v.versionId())
                    + " of " + v.origin() + " skipped: " + e.getMessage());
            return null;
        }
    }

    private void decide(PatientEvents.Event e, List<ConsentTimeline> consents, long[] c, Consumer<Finding> findings) {
        c[0]++;
        JsonNode ev;
        DecisionRequest r;
        try {
            ev = mapper.readTree(e.raw());
            r = AuditRequests.of(ev, Instant.ofEpochMilli(e.recorded()));
        } catch (JsonProcessingException | IllegalArgumentException x) {
            c[5]++;
            c[3]++;
            findings.accept(new Finding(Verdict.UNDECIDABLE, e.pk(), cache.origins().nameOf(e.originId()), e.id(),
                    Instant.ofEpochMilli(e.recorded()), null, null, null, null, null,
                    "the event cannot be read: " + x.getMessage()));
            return;
        }
        Decided d = decided(consents, e.recorded(), r);
        c[slot(d)]++;
        if (d != null && (d.best() == Outcome.DENY || d.best() == Outcome.UNDECIDABLE)) {
            AuditFacts f = AuditFacts.of(ev);
            findings.accept(finding(d, e.pk(), e.originId(), e.id(), Instant.ofEpochMilli(e.recorded()),
                    f.shownAgent(), f.action(), r));
        }
    }

    /** The answer of a patient's consents to one request at {@code recorded}: the strongest of them, or null. */
    private record Decided(Outcome best, ConsentDecision decider, ConsentTimeline line, String version, boolean undated) {
    }

    private Decided decided(List<ConsentTimeline> consents, long recorded, DecisionRequest r) {
        Decided best = null;
        for (ConsentTimeline t : consents) {
            int i = t.inForce(recorded);
            ConsentDecision d = i >= 0 ? t.decisions()[i] : t.undated();
            if (d == null) {
                continue;
            }
            Outcome o = d.outcome(r);
            if (rank(o) > rank(best == null ? null : best.best())) {
                best = new Decided(o, d, t, i >= 0 ? t.versions()[i] : t.undatedVersion(), i < 0);
            }
        }
        return best;
    }

    /** Where an answer is counted: 1 permitted, 2 denied, 3 undecidable, 4 no consent. */
    private static int slot(Decided d) {
        if (d == null || d.best() == Outcome.NOT_APPLICABLE) {
            return 4;
        }
        return switch (d.best()) {
            case PERMIT -> 1;
            case DENY -> 2;
            default -> 3;
        };
    }

    private Finding finding(Decided d, long pk, int originId, String eventId, Instant recorded, String agent,
                            String action, DecisionRequest r) {
        Result res = explained(d.decider(), r);
        String note = d.undated() ? "consent version without lastUpdated taken as in force" : null;
        String detail = d.best() == Outcome.UNDECIDABLE ? last(res.reasons()) : null;
        if (note != null) {
            detail = detail == null ? note : detail + " (" + note + ")";
        }
        return new Finding(d.best() == Outcome.DENY ? Verdict.DENIED : Verdict.UNDECIDABLE, pk,
                cache.origins().nameOf(originId), eventId, recorded, agent, action,
                r.purpose() == null ? null : r.purpose().code(),
                d.line().id() + (d.version() == null ? "" : "/_history/" + d.version()), res.rule(), detail);
    }

    /**
     * {@link ConsentDecision#decide}, remembered for requests that differ only in what the consent never reads (the
     * reasoning of thousands of alike events is built once).
     */
    private Result explained(ConsentDecision d, DecisionRequest r) {
        if (explained.size() > 10_000) {
            explained.clear();
        }
        return explained.computeIfAbsent(d, k -> new java.util.HashMap<>())
                .computeIfAbsent(d.relevant(r), d::decide);
    }

    /** deny > undecidable > permit > not applicable (> none). */
    private static int rank(Outcome o) {
        if (o == null) {
            return -1;
        }
        return switch (o) {
            case DENY -> 3;
            case UNDECIDABLE -> 2;
            case PERMIT -> 1;
            case NOT_APPLICABLE -> 0;
        };
    }

    private static String last(List<String> reasons) {
        return reasons.isEmpty() ? null : reasons.get(reasons.size() - 1);
    }
}
