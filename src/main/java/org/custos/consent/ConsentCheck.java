package org.custos.consent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.cache.AuditStore;
import org.custos.cache.Cache;
import org.custos.cache.ConsentStore.ConsentFilter;
import org.custos.cache.ConsentStore.ConsentRow;
import org.custos.cache.Keyset;
import org.custos.cache.Origins;
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

    /** One consent's kept versions of one origin, oldest first by lastUpdated; an undated one apart. */
    private record Timeline(String id, long[] times, ConsentDecision[] decisions, String[] versions,
                            ConsentDecision undated, String undatedVersion) {
        int inForce(long t) {
            int lo = 0;
            int hi = times.length - 1;
            int found = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (times[mid] <= t) {
                    found = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return found;
        }
    }

    private final Cache cache;
    private final ObjectMapper mapper = new ObjectMapper();
    private final List<String> notes = new ArrayList<>();
    private final Map<ConsentDecision, Map<DecisionRequest, Result>> explained = new java.util.IdentityHashMap<>();

    private final java.util.function.UnaryOperator<String> toJson;

    /** A check of this cache's events and consents (consents stored as JSON). */
    public ConsentCheck(Cache cache) {
        this(cache, java.util.function.UnaryOperator.identity());
    }

    /** {@code toJson} turns a stored consent's text into JSON (e.g. one stored as XML). */
    public ConsentCheck(Cache cache, java.util.function.UnaryOperator<String> toJson) {
        this.cache = cache;
        this.toJson = toJson;
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
        Map<Integer, List<Timeline>> consents = timelines(patient, originId);
        long[] c = new long[6];
        cache.patientEvents().forEach(patient, originId, from == null ? Long.MIN_VALUE : from.toEpochMilli(),
                to == null ? Long.MAX_VALUE : to.toEpochMilli(), cancelled,
                e -> decide(e, consents.getOrDefault(e.originId(), List.of()), c, findings));
        return new Counts(c[0], c[1], c[2], c[3], c[4], c[5]);
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

    private Map<Integer, List<Timeline>> timelines(String patient, Integer originId) {
        Map<Integer, List<Timeline>> out = new LinkedHashMap<>();
        forEachConsent(ConsentFilter.ALL.withPatient(patient), originId, r -> {
            int o = originId(r.origin());
            Timeline t = timeline(o, r.id());
            if (t != null) {
                out.computeIfAbsent(o, k -> new ArrayList<>()).add(t);
            }
        });
        return out;
    }

    private Timeline timeline(int originId, String id) {
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
        return new Timeline(id, times.stream().mapToLong(Long::longValue).toArray(),
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

    private void decide(PatientEvents.Event e, List<Timeline> consents, long[] c, Consumer<Finding> findings) {
        c[0]++;
        JsonNode ev;
        DecisionRequest r;
        try {
            ev = mapper.readTree(e.raw());
            r = AuditRequests.of(ev, Instant.ofEpochMilli(e.recorded()));
        } catch (JsonProcessingException | IllegalArgumentException x) {
            c[5]++;
            c[3]++;
            findings.accept(finding(Verdict.UNDECIDABLE, e, null, null, null, null,
                    "the event cannot be read: " + x.getMessage()));
            return;
        }
        Outcome best = null;
        ConsentDecision decider = null;
        Timeline deciderLine = null;
        String deciderVersion = null;
        boolean undatedUsed = false;
        for (Timeline t : consents) {
            int i = t.inForce(e.recorded());
            ConsentDecision d = i >= 0 ? t.decisions()[i] : t.undated();
            if (d == null) {
                continue;
            }
            Outcome o = d.outcome(r);
            if (rank(o) > rank(best)) {
                best = o;
                decider = d;
                deciderLine = t;
                deciderVersion = i >= 0 ? t.versions()[i] : t.undatedVersion();
                undatedUsed = i < 0;
            }
        }
        if (best == null || best == Outcome.NOT_APPLICABLE) {
            c[4]++;
            return;
        }
        if (best == Outcome.PERMIT) {
            c[1]++;
            return;
        }
        Result res = explained(decider, r);
        String note = undatedUsed ? "consent version without lastUpdated taken as in force" : null;
        String detail = best == Outcome.UNDECIDABLE ? last(res.reasons()) : null;
        if (note != null) {
            detail = detail == null ? note : detail + " (" + note + ")";
        }
        c[best == Outcome.DENY ? 2 : 3]++;
        findings.accept(finding(best == Outcome.DENY ? Verdict.DENIED : Verdict.UNDECIDABLE, e, ev, r,
                deciderLine.id() + (deciderVersion == null ? "" : "/_history/" + deciderVersion), res.rule(), detail));
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

    private Finding finding(Verdict v, PatientEvents.Event e, JsonNode ev, DecisionRequest r, String consent,
                            String rule, String detail) {
        return new Finding(v, e.pk(), cache.origins().nameOf(e.originId()), e.id(), Instant.ofEpochMilli(e.recorded()),
                ev == null ? null : agent(ev), ev == null ? null : FhirValues.text(ev.get("action")),
                r == null || r.purpose() == null ? null : r.purpose().code(), consent, rule, detail);
    }

    /** The requesting agent as shown: reference, else user id, else name (the first agent when none requests). */
    private static String agent(JsonNode ev) {
        JsonNode pick = null;
        for (JsonNode a : ev.path("agent")) {
            if (pick == null || a.path("requestor").asBoolean(false)) {
                pick = a;
                if (a.path("requestor").asBoolean(false)) {
                    break;
                }
            }
        }
        if (pick == null) {
            return null;
        }
        String ref = FhirValues.text(pick.path("reference").get("reference"));
        String user = FhirValues.text(pick.path("userId").get("value"));
        return ref != null ? ref : user != null ? user : FhirValues.text(pick.get("name"));
    }

    private static String last(List<String> reasons) {
        return reasons.isEmpty() ? null : reasons.get(reasons.size() - 1);
    }
}
