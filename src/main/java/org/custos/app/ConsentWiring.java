package org.custos.app;

import org.custos.cache.Cache;
import org.custos.cache.ConsentStore;
import org.custos.cache.Keyset;
import org.custos.cache.Origins;
import org.custos.cache.OutboxStore;
import org.custos.consent.ConsentCodes;
import org.custos.consent.ConsentEditorViewModel;
import org.custos.consent.ConsentCheck;
import org.custos.consent.ConsentCheckViewModel;
import org.custos.consent.ConsentListViewModel;
import org.custos.consent.ConsentMeaningViewModel;
import org.custos.consent.ConsentTemplates;
import org.custos.consent.OutboxViewModel;
import org.custos.consent.TemplateMenu;
import org.custos.fhir.CodedValues;
import org.custos.fhir.Fhir;
import org.custos.fhir.ProfileStore;
import org.custos.fhir.ResourceValidator;
import org.custos.fhir.InstanceHistory;
import org.custos.fhir.ResourceWriter;
import org.custos.fhir.ServerProfile;
import org.custos.people.PeopleDirectory;
import org.custos.sync.ConsentSaver;
import org.custos.sync.OutboxSender;
import org.custos.ui.TaskRunner;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The consent screens wired to the services below them: the cache's consent list and outbox, the people directory,
 * HAPI's validator and the STU3 value sets, the templates, and the saver that sends through the outbox. Plain
 * adapters from the services' records to the view models' (which know no HAPI and no SQL).
 */
final class ConsentWiring {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd");
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final Cache cache;
    private final ProfileStore profiles;
    private final TaskRunner tasks;
    private final ZoneId zone;
    private final ResourceValidator validator;
    private final PeopleLookup people;
    /** Names in the summaries (per origin: the references are the consent's origin's). */
    private final PeopleDirectory directory;
    private final ConsentSaver saver;
    private final Fhir fhir;
    /** The value sets, loaded once in the background (the editor offers none until they are). */
    private final Map<String, List<ConsentCodes.Choice>> codes = new ConcurrentHashMap<>();

    ConsentWiring(Cache cache, Fhir fhir, ProfileStore profiles, TaskRunner tasks, ZoneId zone) {
        this.cache = cache;
        this.fhir = fhir;
        this.profiles = profiles;
        this.tasks = tasks;
        this.zone = zone;
        this.validator = new ResourceValidator(fhir);
        this.people = new PeopleLookup(cache, profiles::list);
        this.directory = new PeopleDirectory(cache);
        this.saver = new ConsentSaver(cache, fhir, this::profileOf);
    }

    /** Loads the STU3 definitions (several seconds) and the value sets in the background, once. */
    void warmUp() {
        tasks.submit(null, p -> {
            CodedValues values = validator.codedValues();
            for (String url : List.of(ConsentCodes.CATEGORY, ConsentCodes.ACTION, ConsentCodes.ACTOR_ROLE,
                    ConsentCodes.SECURITY_LABEL, ConsentCodes.PURPOSE, ConsentCodes.CONTENT_CLASS)) {
                try {
                    codes.put(url, values.expand(url).stream()
                            .map(c -> new ConsentCodes.Choice(c.system(), c.code(), c.display())).toList());
                } catch (IllegalArgumentException unknown) {
                    codes.put(url, List.of());
                }
            }
            validator.warmUp();
            return null;
        }, x -> { }, t -> org.slf4j.LoggerFactory.getLogger(ConsentWiring.class).warn("Loading the value sets", t));
    }

    private Optional<ServerProfile> profileOf(String origin) {
        return profiles.list().stream().filter(p -> Origins.normalize(p.baseUrl()).equals(origin)).findFirst();
    }

    ConsentListViewModel listModel() {
        return listModel((pk, origin, at) -> { });
    }

    /** The Consent list; {@code showEvent} shows a listed past access in the audit browser. */
    ConsentListViewModel listModel(ConsentCheckViewModel.EventOpener showEvent) {
        ConsentListViewModel list = new ConsentListViewModel(source(), this::find,
                TemplateMenu.of(new ConsentTemplates()),
                () -> profiles.list().stream().map(p -> Origins.normalize(p.baseUrl())).distinct().toList(),
                this::editor, outbox(), vs -> codes.getOrDefault(vs, List.of()), tasks);
        list.names(this::nameOf);
        list.outboxScreens(() -> new OutboxViewModel(new OutboxEntries(cache, saver, zone), tasks));
        list.checkScreens(() -> new ConsentCheckViewModel(new ConsentCheck(cache,
                text -> text.stripLeading().startsWith("<") ? fhir.readOne(text).json() : text), tasks, showEvent,
                zone));
        return list;
    }

    ConsentEditorViewModel editor() {
        return new ConsentEditorViewModel(this::check, store(), vs -> codes.getOrDefault(vs, List.of()), this::find,
                tasks, zone).meaning(meaning());
    }

    /** What a consent means: names from the people directory, versions from the cache's kept versions. */
    ConsentMeaningViewModel meaning() {
        return new ConsentMeaningViewModel(this::nameOf,
                vs -> codes.getOrDefault(vs, List.of()), this::versions, tasks, zone).serverHistory(this::serverHistory);
    }

    private Optional<String> nameOf(String origin, String ref) {
        return Optional.ofNullable(directory.nameOf(origin, List.of(ref)).get(ref));
    }

    /** The consent's versions in its server's _history (up to 100); null for an origin that is no server profile. */
    private ConsentMeaningViewModel.History serverHistory(String origin, String id) {
        Optional<ServerProfile> profile = profileOf(origin);
        if (profile.isEmpty()) {
            return null;
        }
        try (ResourceWriter server = new ResourceWriter(fhir, profile.get())) {
            InstanceHistory h = server.history("Consent", id, 100);
            return new ConsentMeaningViewModel.History(h.versions().stream()
                    .map(s -> new ConsentMeaningViewModel.Version(s.versionId(), s.lastUpdated() == null ? ""
                            : MINUTE.format(s.lastUpdated().atZone(zone)), s.json()))
                    .toList(), h.complete(), h.deletedAt());
        }
    }

    private List<ConsentMeaningViewModel.Version> versions(String origin, String id) {
        return cache.origins().find(origin)
                .map(o -> cache.resources().history(o.id(), "Consent", id).stream()
                        .map(v -> new ConsentMeaningViewModel.Version(v.versionId(),
                                v.lastUpdated() == null ? "" : MINUTE.format(Instant.ofEpochMilli(v.lastUpdated())
                                        .atZone(zone)), v.raw()))
                        .toList())
                .orElse(List.of());
    }

    private List<ConsentEditorViewModel.Finding> check(String json) {
        return validator.validate(json, "Consent").stream()
                .map(p -> new ConsentEditorViewModel.Finding(
                        ConsentEditorViewModel.Severity.valueOf(p.severity().name()), p.location(), p.message()))
                .toList();
    }

    /** The cache's people of the origin, then its server's (see {@link PeopleLookup}). */
    private List<ConsentEditorViewModel.Suggestion> find(String origin, String type, String text) {
        return people.find(origin, type, text);
    }

    /** "system|value, value" → "value, value": the systems are long URLs a person does not need to read here. */
    static String identifierValues(String identifiers) {
        return java.util.Arrays.stream(identifiers.split(",\\s*"))
                .map(i -> i.substring(i.lastIndexOf('|') + 1)).collect(Collectors.joining(", "));
    }

    private ConsentEditorViewModel.Store store() {
        return new ConsentEditorViewModel.Store() {
            @Override
            public ConsentEditorViewModel.Outcome save(String origin, String id, String base, String json) {
                return save(origin, id, base, null, json);
            }

            @Override
            public ConsentEditorViewModel.Outcome save(String origin, String id, String base, Long after,
                                                       String json) {
                ConsentSaver.Result r = saver.save(origin, id, base, after, json);
                if (r instanceof ConsentSaver.Result.Stored s) {
                    return new ConsentEditorViewModel.Outcome.Stored(s.versionId(), s.json());
                }
                if (r instanceof ConsentSaver.Result.Conflict c) {
                    return new ConsentEditorViewModel.Outcome.Conflict(c.mine(), c.theirs(), c.theirsVersion(),
                            c.seq());
                }
                ConsentSaver.Result.Queued q = (ConsentSaver.Result.Queued) r;
                return new ConsentEditorViewModel.Outcome.Queued(q.reason(), q.seq());
            }

            @Override
            public void dropped(String origin, String id, String serverJson) {
                saver.dropMine(origin, id);
            }
        };
    }

    private ConsentListViewModel.Outbox outbox() {
        return new ConsentListViewModel.Outbox() {
            @Override
            public String sendAll(org.custos.ui.TaskRunner.Progress progress) {
                org.custos.fhir.Cancellation cancel = new org.custos.fhir.Cancellation();
                progress.onCancel(cancel::cancel);
                List<OutboxSender.Report> reports = saver.sendAll(cancel);
                int sent = reports.stream().mapToInt(OutboxSender.Report::editsSent).sum();
                int conflicts = reports.stream().mapToInt(r -> r.conflicts().size()).sum();
                return sent + conflicts == 0 ? "" : "Sent " + sent + " waiting edit(s)"
                        + (conflicts == 0 ? "" : "; " + conflicts + " met a newer version: open them to choose");
            }

            @Override
            public String summary() {
                ConsentSaver.Pending p = saver.pending();
                if (p.waiting() + p.needAttention() + p.trailWaiting() == 0) {
                    return "";
                }
                List<String> parts = new java.util.ArrayList<>();
                if (p.waiting() > 0) {
                    parts.add(p.waiting() + " edit(s) waiting to be sent");
                }
                if (p.needAttention() > 0) {
                    parts.add(p.needAttention() + " need(s) your choice");
                }
                if (p.trailWaiting() > 0) {
                    parts.add(p.trailWaiting() + " own audit event(s) waiting to be sent");
                }
                return String.join(" · ", parts);
            }

            @Override
            public Optional<ConsentEditorViewModel.Outcome.Conflict> conflictOf(String origin, String id) {
                return ConsentWiring.conflictOf(cache.outbox().entriesFor(Origins.normalize(origin), "Consent", id));
            }

            @Override
            public Optional<ConsentListViewModel.Waiting> waitingOf(String origin, String id) {
                return ConsentWiring.waitingOf(cache.outbox().entriesFor(Origins.normalize(origin), "Consent", id));
            }
        };
    }

    /**
     * The unsettled conflict of one consent's outbox entries (in order), if any, whether the server's text is known
     * or not: "mine" is the newest open text of the consent (a later edit made on top of the conflicting one, if
     * any: the text a save from the conflict screen replaces), with its entry.
     */
    static Optional<ConsentEditorViewModel.Outcome.Conflict> conflictOf(List<OutboxStore.Entry> entries) {
        List<OutboxStore.Entry> open = entries.stream().filter(e -> e.status().open()).toList();
        Optional<OutboxStore.Entry> conflict = open.stream()
                .filter(e -> e.status() == OutboxStore.Status.CONFLICT).findFirst();
        if (conflict.isEmpty()) {
            return Optional.empty();
        }
        OutboxStore.Entry newest = open.get(open.size() - 1);
        return Optional.of(new ConsentEditorViewModel.Outcome.Conflict(newest.json(), conflict.get().serverJson(),
                conflict.get().serverVersion(), newest.seq()));
    }

    /**
     * The newest open edit of one consent (no conflict among them): waiting to be sent, or refused by the server
     * (then {@code stuck} says so and what to do).
     */
    static Optional<ConsentListViewModel.Waiting> waitingOf(List<OutboxStore.Entry> entries) {
        List<OutboxStore.Entry> open = entries.stream().filter(e -> e.status().open()).toList();
        if (open.isEmpty()) {
            return Optional.empty();
        }
        OutboxStore.Entry newest = open.get(open.size() - 1);
        String stuck = open.stream().filter(e -> e.status() == OutboxStore.Status.FAILED).findFirst()
                .map(f -> "Not sent: the server refused it" + (f.lastMessage() == null ? "" : " ("
                        + f.lastMessage() + ")") + " (outbox entry " + f.seq() + ") — fix and save again, or "
                        + "discard it in the Outbox window").orElse(null);
        return Optional.of(new ConsentListViewModel.Waiting(newest.seq(), newest.json(), stuck));
    }

    private ConsentListViewModel.Source source() {
        ConsentStore store = cache.consents();
        return new ConsentListViewModel.Source() {
            @Override
            public List<ConsentListViewModel.Row> page(ConsentListViewModel.Query q, ConsentListViewModel.Row after,
                                                       int limit) {
                List<ConsentStore.ConsentRow> rows = store.page(filter(q),
                        after == null ? null : new Keyset(after.sortKey(), after.key()), limit);
                Set<String> unsent = new HashSet<>();
                rows.stream().map(ConsentStore.ConsentRow::origin).distinct()
                        .forEach(o -> saver.unsentConsents(o).forEach(id -> unsent.add(o + "|" + id)));
                return rows.stream().map(r -> row(r, unsent.contains(r.origin() + "|" + r.id()))).toList();
            }

            @Override
            public long count(ConsentListViewModel.Query q) {
                return store.count(filter(q));
            }

            @Override
            public String text(ConsentListViewModel.Row row) {
                return store.raw(row.key()).orElseThrow(() -> new IllegalStateException(
                        "it is no longer in the cache (removed or replaced meanwhile)"));
            }

            @Override
            public String current(ConsentListViewModel.Row row) {
                return cache.origins().find(row.origin())
                        .flatMap(o -> cache.resources().history(o.id(), "Consent", row.id()).stream().findFirst())
                        .map(org.custos.cache.AuditStore.Version::raw)
                        .orElseGet(() -> text(row));
            }
        };
    }

    private static ConsentStore.ConsentFilter filter(ConsentListViewModel.Query q) {
        return new ConsentStore.ConsentFilter(q.patientReference(), q.patientOrigin(), q.statuses(),
                q.category() == null || q.category().isBlank() ? Set.of() : Set.of(q.category()),
                q.text() == null || q.text().isBlank() ? null : q.text());
    }

    private ConsentListViewModel.Row row(ConsentStore.ConsentRow r, boolean unsent) {
        String categories = r.categories().stream().map(c -> c.display() != null ? c.display() : c.code())
                .collect(Collectors.joining(", "));
        String period = r.periodStart() == null && r.periodEnd() == null ? ""
                : (r.periodStart() == null ? "…" : day(r.periodStart())) + " – "
                + (r.periodEnd() == null ? "…" : day(r.periodEnd()));
        String when = r.sortTime() == 0 ? "" : MINUTE.format(Instant.ofEpochMilli(r.sortTime()).atZone(zone));
        String flags = String.join(", ", java.util.stream.Stream.of(r.changed() ? "changed at origin" : null,
                unsent ? "edit not sent" : null).filter(java.util.Objects::nonNull).toList());
        return new ConsentListViewModel.Row(r.pk(), r.sortTime(), r.origin(), r.id(), r.versionId(), r.status(),
                categories, r.patient(), r.patientDisplay(), period, when, flags);
    }

    private String day(long epochMs) {
        return DAY.format(Instant.ofEpochMilli(epochMs).atZone(zone));
    }
}
