package org.custos.rules;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.cache.AlertStore;
import org.custos.cache.AlertStore.Access;
import org.custos.cache.AlertStore.Arrival;
import org.custos.cache.AlertStore.Arrivals;
import org.custos.cache.AlertStore.Hit;
import org.custos.cache.AlertStore.WindowRule;
import org.custos.cache.Cache;
import org.custos.cache.Origins;
import org.custos.cache.RuleStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * Runs the suspicious-access rules over the events as they arrive: {@link #catchUp} reads the events stored since it
 * last read (an import, a sync, or a process killed before it got to them) in batches and stores what the rules
 * found, one transaction per batch. Changing a rule's settings, or the VIP list, re-evaluates what that change
 * touches; nothing else is read again. Events of Custos's own audit trail are never judged.
 */
public final class AlertEngine {
    private static final Logger LOG = LoggerFactory.getLogger(AlertEngine.class);
    static final int BATCH = 2000;
    private static final Set<Rule> PER_EVENT = Set.of(Rule.AFTER_HOURS, Rule.SAME_SURNAME, Rule.VIP,
            Rule.BREAK_GLASS, Rule.CHANGED_DELETED);

    private final Cache cache;
    private final AlertStore store;
    private final RuleStore rules;
    private final Clock clock;
    private final ZoneId defaultZone;
    private final ObjectMapper mapper = new ObjectMapper();

    /** @param defaultZone the after-hours zone while the settings name none (the system's) */
    public AlertEngine(Cache cache, Clock clock, ZoneId defaultZone) {
        this.cache = cache;
        this.store = cache.alerts();
        this.rules = cache.rules();
        this.clock = clock;
        this.defaultZone = defaultZone;
    }

    /** What one evaluation did: events judged, and those whose text could not be read (logged, skipped). */
    public record Result(long evaluated, long unreadable) {
    }

    public RuleSettings settings() {
        return RuleSettings.fromStored(rules.settings(), defaultZone);
    }

    /**
     * Evaluates every event stored since the last evaluation. Stops between batches when {@code cancelled} says so
     * (the next call goes on from there). {@code progress} gets the events judged so far.
     */
    public Result catchUp(BooleanSupplier cancelled, LongConsumer progress) {
        return store.exclusively(() -> {
            keepSettings();
            RuleSettings s = settings();
            resume(s, cancelled, n -> { });
            Judge judge = new Judge(s, EnumSet.copyOf(s.enabled()));
            List<WindowRule> windows = windowRules(s, s.enabled());
            long n = 0;
            long bad = 0;
            while (!cancelled.getAsBoolean()) {
                Arrivals a = store.arrivals(BATCH);
                if (a.isEmpty() && a.doneTo() <= store.doneTo()) {
                    break;
                }
                judge.run(a.events());
                store.record(a, judge.hits, judge.accesses, windows, clock.millis());
                n += a.events().size();
                bad += judge.unreadable;
                progress.accept(n);
            }
            if (bad > 0) {
                LOG.warn("{} event(s) could not be read by the rules (skipped)", bad);
            }
            return new Result(n, bad);
        });
    }

    /**
     * Keeps new settings and judges again by the rules whose settings changed (or that were turned on or off): their
     * alerts nobody has reviewed go, the rest stay, and every event judged so far is judged again by them. What is
     * left when this stops (cancelled, killed) is finished by the next {@link #catchUp}.
     *
     * @return the rules whose settings changed
     */
    public Set<Rule> apply(RuleSettings next, BooleanSupplier cancelled, LongConsumer progress) {
        return store.exclusively(() -> {
            RuleSettings before = settings();
            Map<String, String> was = before.stored();
            Map<String, String> now = next.stored();
            Set<Rule> changed = EnumSet.noneOf(Rule.class);
            for (Rule r : Rule.values()) {
                if (!was.get(r.id()).equals(now.get(r.id()))) {
                    changed.add(r);
                }
            }
            // the day of the per-day rules is a day in the after-hours zone
            if (!before.zone().equals(next.zone())) {
                changed.addAll(EnumSet.of(Rule.SAME_SURNAME, Rule.VIP, Rule.BREAK_GLASS));
            }
            rules.applySettings(now, changed.stream().map(Rule::id).collect(java.util.stream.Collectors.toSet()),
                    clock.millis());
            resume(next, cancelled, progress);
            return changed;
        });
    }

    /** Puts a patient on the VIP list and raises the alerts of its past access; false when it was on it. */
    public boolean addVip(String reference, String note) {
        return store.exclusively(() -> {
            keepSettings();
            if (!rules.addVip(reference, note, clock.millis())) {
                return false;
            }
            resume(settings(), () -> false, n -> { });
            return true;
        });
    }

    /** Takes a patient off the VIP list; its unreviewed vip alerts go (in one transaction). False when it was not. */
    public boolean removeVip(String reference) {
        return store.exclusively(() -> rules.removeVip(reference));
    }

    /** Whether judging a change started (settings, a new VIP) is still to be finished (it was stopped). */
    public boolean unfinished() {
        return !rules.rejudges().isEmpty();
    }

    /**
     * The first time the rules run, their settings are kept as they are then (the default zone is this machine's):
     * a later process in another zone judges by the same days and hours.
     */
    private void keepSettings() {
        if (rules.settings().isEmpty()) {
            rules.applySettings(RuleSettings.defaults(defaultZone).stored(), Set.of(), clock.millis());
        }
    }

    /** Finishes the judging changes started (settings, new VIPs), each idempotent, recording how far it got. */
    private void resume(RuleSettings s, BooleanSupplier cancelled, LongConsumer progress) {
        long n = 0;
        for (RuleStore.Rejudge r : rules.rejudges()) {
            if (cancelled.getAsBoolean()) {
                return;
            }
            if (r.what().startsWith("vip:")) {
                if (s.on(Rule.VIP)) {
                    judgePastAccess(s, r.what().substring(4), r.upto());
                }
                rules.rejudged(r.what(), null);
                continue;
            }
            Rule rule = Rule.of(r.what().substring(5)).orElse(null);
            if (rule == null || !s.on(rule)) {
                rules.rejudged(r.what(), null);
                continue;
            }
            if (PER_EVENT.contains(rule)) {
                Judge judge = new Judge(s, EnumSet.of(rule));
                long after = r.doneTo();
                while (after < r.upto()) {
                    if (cancelled.getAsBoolean()) {
                        return;
                    }
                    Arrivals a = store.stored(after, r.upto(), BATCH);
                    if (a.doneTo() <= after) {
                        break;
                    }
                    judge.run(a.events());
                    store.recordHits(judge.hits, clock.millis());
                    after = a.doneTo();
                    rules.rejudged(r.what(), after);
                    n += a.events().size();
                    progress.accept(n);
                }
            } else {
                for (WindowRule w : windowRules(s, EnumSet.of(rule))) {
                    store.rebuildWindows(w, clock.millis(), cancelled);
                }
                if (cancelled.getAsBoolean()) {
                    return;
                }
            }
            rules.rejudged(r.what(), null);
        }
    }

    /** The VIP rule over the past access to one patient (its index key), of the events judged up to {@code upto}. */
    private void judgePastAccess(RuleSettings s, String key, long upto) {
        Judge judge = new Judge(s, EnumSet.of(Rule.VIP));
        List<Arrival> events = new ArrayList<>();
        cache.patientEvents().forEach(List.of(key), null, Long.MIN_VALUE, Long.MAX_VALUE, () -> false, e -> {
            if (e.pk() <= upto) { // later ones are judged when they are read
                events.add(new Arrival(e.pk(), e.originId(), e.id(), e.recorded(), e.state(),
                        e.raw().getBytes(StandardCharsets.UTF_8)));
            }
            if (events.size() >= BATCH) {
                judge.run(events);
                store.recordHits(judge.hits, clock.millis());
                events.clear();
            }
        });
        judge.run(events);
        store.recordHits(judge.hits, clock.millis());
    }

    private static List<WindowRule> windowRules(RuleSettings s, Set<Rule> rules) {
        List<WindowRule> out = new ArrayList<>();
        if (rules.contains(Rule.VOLUME)) {
            out.add(WindowRules.volume(s));
        }
        if (rules.contains(Rule.FAILED_LOGINS)) {
            out.add(WindowRules.failedLogins(s));
        }
        return out;
    }

    /** Judges batches of events with one set of rules; its lists hold the last batch's findings. */
    private final class Judge {
        private final Set<Rule> rules;
        private final EventRules eventRules;
        private final Surnames surnames;
        List<Hit> hits = List.of();
        List<Access> accesses = List.of();
        long unreadable;

        Judge(RuleSettings s, Set<Rule> rules) {
            this.rules = rules;
            Set<String> vips = new HashSet<>();
            AlertEngine.this.rules.vips().forEach(v -> vips.add(RuleStore.vipKey(v.reference())));
            this.surnames = new Surnames((origin, refs) -> cache.people().familyNames(origin, refs));
            this.eventRules = new EventRules(s, vips::contains, surnames);
        }

        void run(List<Arrival> events) {
            List<Hit> h = new ArrayList<>();
            List<Access> acc = new ArrayList<>();
            unreadable = 0;
            List<EventSignals> signals = new ArrayList<>(events.size());
            for (Arrival a : events) {
                EventSignals s = null;
                // Custos's own trail is never judged (asked per event: the origin may appear during a long run)
                if (!cache.origins().byId(a.originId()).map(o -> Origins.SELF.equals(o.kind())).orElse(false)) {
                    try {
                        s = EventSignals.read(mapper, a.raw());
                        if (s.trailId() != null && cache.trail().sentHere(cache.origins().nameOf(a.originId()),
                                s.trailId(), a.recorded())) {
                            s = null; // the copy this Custos's own trail sent to that server (imported from it)
                        }
                    } catch (IOException | RuntimeException e) {
                        unreadable++;
                        LOG.warn("The rules could not read AuditEvent/{} (stored key {}): {}", a.resId(), a.pk(),
                                e.getMessage());
                    }
                }
                signals.add(s);
            }
            if (rules.contains(Rule.SAME_SURNAME)) {
                prefetch(events, signals);
            }
            for (int i = 0; i < events.size(); i++) {
                EventSignals s = signals.get(i);
                if (s != null) {
                    h.addAll(eventRules.hits(events.get(i), s, rules));
                    acc.addAll(EventRules.accesses(events.get(i), s));
                }
            }
            hits = h;
            accesses = acc;
        }

        /** The directory's family names of the batch's users and patients, one query per origin. */
        private void prefetch(List<Arrival> events, List<EventSignals> signals) {
            Map<Integer, Set<String>> refs = new java.util.HashMap<>();
            for (int i = 0; i < events.size(); i++) {
                EventSignals s = signals.get(i);
                if (s == null || s.patients().isEmpty()) {
                    continue;
                }
                Set<String> r = refs.computeIfAbsent(events.get(i).originId(), k -> new HashSet<>());
                s.users().forEach(u -> r.add(u.reference()));
                s.patients().forEach(p -> r.add(p.value()));
            }
            refs.forEach(surnames::prefetch);
        }
    }
}
