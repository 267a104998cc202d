package org.custos.audit;

import org.custos.TestData;
import org.custos.cache.Cache;
import org.custos.ui.ImmediateTaskRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Saved searches of the audit browser: named filter sets kept in the cache, there after a restart, applied whole. */
class SavedSearchesModelTest {
    @TempDir
    Path dir;

    static AuditViewModel browser(Cache cache) {
        return new AuditViewModel(cache.audit(), TestData.FHIR, new ImmediateTaskRunner(), ZoneOffset.UTC)
                .savedIn(new SavedSearchesModel.Store() {
                    @Override
                    public Map<String, String> all() {
                        Map<String, String> out = new LinkedHashMap<>();
                        cache.review().savedSearches().forEach(s -> out.put(s.name(), s.filter()));
                        return out;
                    }

                    @Override
                    public void save(String name, String fields) {
                        cache.review().saveSearch(name, fields, 1L);
                    }

                    @Override
                    public boolean delete(String name) {
                        return cache.review().deleteSearch(name);
                    }
                });
    }

    @Test
    void aSavedSearchComesBackWholeAfterARestart() {
        Path db = dir.resolve("cache");
        try (Cache cache = Cache.open(db)) {
            AuditViewModel vm = browser(cache);
            vm.saved().load();
            vm.from.set(LocalDate.of(2026, 3, 1));
            vm.patient.set("Patient/p1");
            vm.purpose.set("BTG");
            vm.action.set(AuditViewModel.ACTIONS.get(2));
            vm.outcome.set(AuditViewModel.OUTCOMES.get(3));
            vm.flaggedOnly.set(true);
            vm.includeOwn.set(true);
            vm.saved().save("  emergencies of p1 ");
            assertThat(vm.saved().names()).containsExactly("emergencies of p1");
            vm.saved().save("");
            assertThat(vm.saved().message().get()).isEqualTo("A saved search needs a name.");
        }
        try (Cache cache = Cache.open(db)) {
            AuditViewModel vm = browser(cache);
            vm.saved().load();
            assertThat(vm.saved().names()).containsExactly("emergencies of p1");
            vm.saved().apply("emergencies of p1");
            assertThat(vm.filter()).isEqualTo(new org.custos.cache.AuditFilter(LocalDate.of(2026, 3, 1)
                    .atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli(), null, null, "Patient/p1", null, null, null,
                    "R", "8", null, "BTG", null, null, true, true));
            vm.saved().chosen().set("emergencies of p1");
            vm.saved().deleteChosen();
            assertThat(vm.saved().names()).isEmpty();
            assertThat(cache.review().savedSearches()).isEmpty();
        }
    }
}
