package org.custos.consent;

import org.custos.ui.ImmediateTaskRunner;
import org.junit.jupiter.api.Test;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Opening a consent from the list: what the editor starts from (the outbox's waiting edit, the newest version). */
class ConsentListViewModelTest {
    static final String ORIGIN = "https://fhir.example.org";

    static String consent(String version, String policy) {
        return """
                {"resourceType":"Consent","id":"c1","meta":{"versionId":"%s"},"status":"active",
                 "patient":{"reference":"Patient/p1"},"policyRule":"http://example.org/policy/%s"}
                """.formatted(version, policy);
    }

    record Save(String base, Long afterSeq, String json) {
    }

    /** The cache: the row was listed with version 1; {@code now} is what the cache holds at open time. */
    static class FakeSource implements ConsentListViewModel.Source {
        String listed = consent("1", "listed");
        String now = listed;

        @Override
        public List<ConsentListViewModel.Row> page(ConsentListViewModel.Query q, ConsentListViewModel.Row after,
                                                   int limit) {
            return after != null ? List.of() : List.of(row());
        }

        @Override
        public long count(ConsentListViewModel.Query q) {
            return 1;
        }

        @Override
        public String text(ConsentListViewModel.Row row) {
            return listed;
        }

        @Override
        public String current(ConsentListViewModel.Row row) {
            return now;
        }
    }

    static ConsentListViewModel.Row row() {
        return new ConsentListViewModel.Row(7, 0, ORIGIN, "c1", "1", "active", "", "Patient/p1", "", "", "", "");
    }

    static final class FakeOutbox implements ConsentListViewModel.Outbox {
        ConsentListViewModel.Waiting waiting;
        ConsentEditorViewModel.Outcome.Conflict conflict;

        @Override
        public String sendAll(org.custos.ui.TaskRunner.Progress progress) {
            return "";
        }

        @Override
        public String summary() {
            return "";
        }

        @Override
        public Optional<ConsentEditorViewModel.Outcome.Conflict> conflictOf(String origin, String id) {
            return Optional.ofNullable(conflict);
        }

        @Override
        public Optional<ConsentListViewModel.Waiting> waitingOf(String origin, String id) {
            return Optional.ofNullable(waiting);
        }
    }

    final List<Save> saves = new ArrayList<>();
    final FakeSource source = new FakeSource();
    final FakeOutbox outbox = new FakeOutbox();

    /** A store whose every save waits in the outbox (entry 43), recorded in {@link #saves}. */
    ConsentEditorViewModel.Store queuing() {
        return new ConsentEditorViewModel.Store() {
            @Override
            public ConsentEditorViewModel.Outcome save(String origin, String id, String base, String json) {
                return save(origin, id, base, null, json);
            }

            @Override
            public ConsentEditorViewModel.Outcome save(String origin, String id, String base, Long afterSeq,
                                                       String json) {
                saves.add(new Save(base, afterSeq, json));
                return new ConsentEditorViewModel.Outcome.Queued("offline", 43L);
            }
        };
    }

    ConsentListViewModel list() {
        return new ConsentListViewModel(source, ConsentEditorViewModel.People.NONE, List.of(), List::of,
                () -> new ConsentEditorViewModel(json -> List.of(), queuing(), new ImmediateTaskRunner(),
                ZoneOffset.UTC), outbox, new ImmediateTaskRunner());
    }

    @Test
    void aConsentWhoseEditWaitsInTheOutboxOpensThatEditAndASaveChainsOnIt() {
        outbox.waiting = new ConsentListViewModel.Waiting(42, consent("1", "waiting"));
        ConsentListViewModel vm = list();
        vm.open(row());
        ConsentEditorViewModel e = vm.editor().get();
        assertThat(e).isNotNull();
        assertThat(e.json()).contains("policy/waiting");
        assertThat(e.message().get()).startsWith("Edit not sent yet — waiting in the outbox");
        assertThat(e.dirty().get()).as("the waiting text is kept already").isFalse();
        assertThat(e.queuedSeq()).isEqualTo(42L);

        e.form().get().root().field("status").value().set("inactive");
        e.save();
        assertThat(saves).hasSize(1);
        assertThat(saves.get(0).afterSeq()).as("on top of the waiting entry, not of version 1 alone").isEqualTo(42L);
        assertThat(saves.get(0).json()).contains("policy/waiting", "inactive");
        assertThat(e.queuedSeq()).isEqualTo(43L);
    }

    @Test
    void aStaleRowOpensTheNewestVersionAndSaysSo() {
        source.now = consent("2", "newer");
        ConsentListViewModel vm = list();
        vm.open(row());
        ConsentEditorViewModel e = vm.editor().get();
        assertThat(e.json()).contains("policy/newer").doesNotContain("policy/listed");
        assertThat(e.baseVersion()).isEqualTo("2");
        assertThat(e.queuedSeq()).isNull();
        assertThat(e.message().get()).contains("Version 2", "the list showed version 1");

        e.form().get().root().field("status").value().set("inactive");
        e.save();
        assertThat(saves.get(0).base()).as("saved on the version opened").isEqualTo("2");
        assertThat(saves.get(0).afterSeq()).isNull();
    }

    @Test
    void anUpToDateRowOpensWithoutANote() {
        ConsentListViewModel vm = list();
        vm.open(row());
        ConsentEditorViewModel e = vm.editor().get();
        assertThat(e.message().get()).isEqualTo("Version 1 from " + ORIGIN);
        assertThat(e.queuedSeq()).isNull();
    }

    @Test
    void aConflictWinsOverAWaitingEdit() {
        outbox.waiting = new ConsentListViewModel.Waiting(42, consent("1", "waiting"));
        outbox.conflict = new ConsentEditorViewModel.Outcome.Conflict(consent("1", "mine"), consent("2", "theirs"),
                "2");
        ConsentListViewModel vm = list();
        vm.open(row());
        ConsentEditorViewModel e = vm.editor().get();
        assertThat(e.json()).contains("policy/mine");
        assertThat(e.conflictScreen().get()).isNotNull();
    }

    @Test
    void theCategoryFilterOffersTheConsentCategoriesOnceLoadedAndTakesTypedCodes() {
        List<ConsentCodes.Choice> loaded = new ArrayList<>();
        List<ConsentListViewModel.Query> asked = new ArrayList<>();
        FakeSource recording = new FakeSource() {
            @Override
            public List<ConsentListViewModel.Row> page(ConsentListViewModel.Query q, ConsentListViewModel.Row after,
                                                       int limit) {
                asked.add(q);
                return List.of();
            }
        };
        ConsentListViewModel vm = new ConsentListViewModel(recording, ConsentEditorViewModel.People.NONE, List.of(),
                List::of, () -> null, outbox,
                vs -> vs.equals(ConsentCodes.CATEGORY) ? List.copyOf(loaded) : List.of(), new ImmediateTaskRunner());
        assertThat(vm.categoryCodes()).as("not loaded yet").isEmpty();
        loaded.add(new ConsentCodes.Choice("http://loinc.org", "59284-0", "Patient Consent"));
        loaded.add(new ConsentCodes.Choice("http://hl7.org/fhir/v3/ActCode", "npp", "notice of privacy practices"));
        assertThat(vm.categoryCodes()).containsExactly("59284-0", "npp");
        assertThat(vm.categoryLabel("59284-0")).isEqualTo("59284-0 — Patient Consent");
        assertThat(vm.categoryLabel("local-code")).isEqualTo("local-code");

        vm.category().set("59284-0");
        vm.search();
        vm.category().set(" local-code ");
        vm.search();
        assertThat(asked).extracting(ConsentListViewModel.Query::category).containsExactly("59284-0", "local-code");
    }

    @Test
    void aCacheChangeRefreshesTheListWhenItShowsAndNotBefore() {
        List<ConsentListViewModel.Query> asked = new ArrayList<>();
        FakeSource recording = new FakeSource() {
            @Override
            public List<ConsentListViewModel.Row> page(ConsentListViewModel.Query q, ConsentListViewModel.Row after,
                                                       int limit) {
                asked.add(q);
                return List.of(row());
            }
        };
        ConsentListViewModel vm = new ConsentListViewModel(recording, ConsentEditorViewModel.People.NONE, List.of(),
                List::of, () -> null, outbox, new ImmediateTaskRunner());
        vm.search();
        assertThat(asked).hasSize(1);

        vm.cacheChanged();
        vm.cacheChanged();
        assertThat(asked).as("not on screen: only marked stale").hasSize(1);
        assertThat(vm.stale()).isTrue();
        vm.shown().set(true);
        assertThat(asked).as("searched once when it shows").hasSize(2);
        assertThat(vm.stale()).isFalse();
        vm.shown().set(false);
        vm.shown().set(true);
        assertThat(asked).as("nothing changed meanwhile").hasSize(2);

        vm.cacheChanged();
        assertThat(asked).as("on screen: searched at once").hasSize(3);
        assertThat(vm.stale()).isFalse();
    }
    @Test
    void whatAnEditorSavesShowsInTheListAtOnce() {
        List<ConsentListViewModel.Query> asked = new ArrayList<>();
        FakeSource recording = new FakeSource() {
            @Override
            public List<ConsentListViewModel.Row> page(ConsentListViewModel.Query q, ConsentListViewModel.Row after,
                                                       int limit) {
                asked.add(q);
                return List.of(row());
            }
        };
        ConsentListViewModel vm = new ConsentListViewModel(recording, ConsentEditorViewModel.People.NONE, List.of(),
                List::of, () -> new ConsentEditorViewModel(json -> List.of(), queuing(), new ImmediateTaskRunner(),
                ZoneOffset.UTC), outbox, new ImmediateTaskRunner());
        vm.shown().set(true);
        vm.search();
        vm.open(row());
        int before = asked.size();
        ConsentEditorViewModel e = vm.editor().get();
        e.form().get().root().field("status").value().set("inactive");
        assertThat(asked).as("editing alone does not search").hasSize(before);
        e.save();
        assertThat(asked).as("the save (into the outbox) searches the list again").hasSize(before + 1);
    }

    @Test
    void theSelectedConsentIsSummarised() {
        ConsentListViewModel list = list();
        list.select(row());
        assertThat(list.summary().get()).startsWith("Active consent: Patient/p1 consents for themself.")
                .contains("Base policy: http://example.org/policy/listed — Custos does not know");
        list.select(null);
        assertThat(list.summary().get()).isEmpty();
        source.listed = "not json";
        list.select(row());
        assertThat(list.summary().get()).startsWith("The summary could not be made");
    }

    @Test
    void theSummaryNamesPeopleFromTheDirectoryOfTheConsentsOrigin() {
        ConsentListViewModel list = list();
        List<String> asked = new ArrayList<>();
        list.names((origin, ref) -> {
            asked.add(origin + " " + ref);
            return origin.equals(ORIGIN) && ref.equals("Patient/p1") ? Optional.of("Pat One") : Optional.empty();
        });
        list.select(row());
        assertThat(list.summary().get()).startsWith("Active consent: Pat One (Patient/p1) consents for themself.");
        assertThat(asked).contains(ORIGIN + " Patient/p1");
        // the same reference of another origin is another person: not named from this one's directory
        list.select(new ConsentListViewModel.Row(8, 0, "https://other.example/fhir", "c1", "1", "active", "",
                "Patient/p1", "", "", "", ""));
        assertThat(list.summary().get()).startsWith("Active consent: Patient/p1 consents for themself.");
    }
}
