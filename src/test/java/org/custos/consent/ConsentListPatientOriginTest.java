package org.custos.consent;

import org.custos.ui.ImmediateTaskRunner;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A patient picked in the consent list is (origin, reference): the list asks for that origin's consents only. */
class ConsentListPatientOriginTest {
    private final List<ConsentListViewModel.Query> asked = new ArrayList<>();
    private final List<String> peopleAsked = new ArrayList<>();

    private ConsentListViewModel model() {
        ConsentListViewModel.Source source = new ConsentListViewModel.Source() {
            @Override
            public List<ConsentListViewModel.Row> page(ConsentListViewModel.Query q, ConsentListViewModel.Row after,
                                                       int limit) {
                asked.add(q);
                return List.of();
            }

            @Override
            public long count(ConsentListViewModel.Query q) {
                return 0;
            }

            @Override
            public String text(ConsentListViewModel.Row row) {
                return "{}";
            }
        };
        ConsentListViewModel.Outbox outbox = new ConsentListViewModel.Outbox() {
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
                return Optional.empty();
            }
        };
        ConsentEditorViewModel.People people = (origin, type, text) -> {
            peopleAsked.add(origin + " " + type + " " + text);
            return List.of(new ConsentEditorViewModel.Suggestion("Patient/1", "Anna", null, "https://a.example/fhir"),
                    new ConsentEditorViewModel.Suggestion("Patient/1", "Bram", null, "https://b.example/fhir"));
        };
        return new ConsentListViewModel(source, people, List.of(), List::of, () -> null, outbox,
                new ImmediateTaskRunner());
    }

    @Test
    void aPickedPatientKeepsTheirOriginATypedReferenceMeansEveryOrigin() {
        ConsentListViewModel vm = model();
        List<ConsentEditorViewModel.Suggestion> offered = vm.suggest("Patient/1");
        assertThat(peopleAsked).containsExactly("null Patient Patient/1");
        vm.pickPatient(offered.get(1));
        assertThat(asked.get(asked.size() - 1).patientReference()).isEqualTo("Patient/1");
        assertThat(asked.get(asked.size() - 1).patientOrigin()).isEqualTo("https://b.example/fhir");
        vm.allPatients();
        assertThat(asked.get(asked.size() - 1).patientReference()).isNull();
        assertThat(asked.get(asked.size() - 1).patientOrigin()).isNull();
        vm.patientText().set("Patient/1");
        vm.search();
        assertThat(asked.get(asked.size() - 1).patientOrigin()).isNull();
    }
}
