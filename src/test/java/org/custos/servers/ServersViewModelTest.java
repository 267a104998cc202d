package org.custos.servers;

import org.custos.cache.AuditFilter;
import org.custos.cache.Cache;
import org.custos.fhir.ProfileStore;
import org.custos.fhir.SecretStore;
import org.custos.sync.SyncEngine;
import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.custos.ui.ImmediateTaskRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.prefs.Preferences;

import static org.assertj.core.api.Assertions.assertThat;

/** The Servers tab's view model, without a screen, against the real HAPI server. */
@ExtendWith(FhirServerExtension.class)
class ServersViewModelTest {
    private final Preferences prefs = Preferences.userRoot().node("custos-vm-test-" + UUID.randomUUID());
    private Cache cache;
    private ServersViewModel vm;
    private final AtomicInteger refreshed = new AtomicInteger();

    @BeforeEach
    void setUp(@TempDir Path dir) {
        cache = Cache.open(dir.resolve("cache"));
        vm = new ServersViewModel(new ProfileStore(prefs, new SecretStore(dir)), new SyncEngine(cache),
                new ImmediateTaskRunner(), refreshed::incrementAndGet, ZoneOffset.UTC);
        vm.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        cache.close();
        prefs.removeNode();
    }

    @Test
    void addAProfileTestItSyncAndSeeTheResultPerType(LocalFhirServer server) {
        server.purge();
        server.postAuditEvents(75, 41);

        assertThat(vm.profileNames()).isEmpty();
        assertThat(vm.form().baseUrlProperty().get()).isEqualTo("http://127.0.0.1:8091/fhir");
        vm.form().nameProperty().set("Test server");
        vm.form().baseUrlProperty().set(server.baseUrl());
        vm.form().pageSizeProperty().set("20");
        vm.save();
        assertThat(vm.profileNames()).containsExactly("Test server");
        assertThat(vm.selectedProperty().get()).isEqualTo("Test server");

        vm.testConnection();
        assertThat(vm.checkResultProperty().get()).startsWith("✔").contains("FHIR 3.0").contains("75 on the server");

        vm.sync();
        assertThat(vm.syncingProperty().get()).isFalse();
        assertThat(vm.types().get(0).progressProperty().get()).isEqualTo(
                "completed · 75 new");
        assertThat(vm.types().get(0).fractionProperty().get()).isEqualTo(1.0);
        assertThat(vm.types().get(0).lastProperty().get()).endsWith(" · completed");
        assertThat(vm.types().get(0).lastDetailProperty().get()).isEqualTo(
                "new 75, updated 0, unchanged 0, deleted 0, quarantined 0");
        vm.sync();
        assertThat(vm.types().get(0).progressProperty().get()).isEqualTo("completed · nothing new (75 unchanged)");
        assertThat(vm.messageProperty().get()).contains("completed");
        assertThat(refreshed.get()).isPositive();
        assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(75);
    }

    @Test
    void aPeopleTypeSyncsWithItsProgressShown(LocalFhirServer server) {
        server.purge();
        org.hl7.fhir.dstu3.model.Patient patient = new org.hl7.fhir.dstu3.model.Patient();
        patient.addName().setFamily("Quincewhistle");
        server.post(java.util.List.of(patient));
        vm.form().nameProperty().set("People");
        vm.form().baseUrlProperty().set(server.baseUrl());
        vm.form().syncTypeProperty("Patient").set(true);
        vm.save();
        vm.sync();
        // the progress of the 4th type and beyond (the people) is shown like the first three's
        int row = org.custos.fhir.ServerProfile.SYNC_TYPES.indexOf("Patient");
        assertThat(vm.types().get(row).progressProperty().get()).as(vm.messageProperty().get())
                .isEqualTo("completed · 1 new");
        assertThat(vm.messageProperty().get()).contains("completed");
    }

    @Test
    void wrongInputIsExplainedNotSaved() {
        vm.form().nameProperty().set("x");
        vm.form().baseUrlProperty().set("fhir.example.org");
        vm.save();
        assertThat(vm.messageProperty().get()).contains("http://");
        assertThat(vm.profileNames()).isEmpty();

        vm.form().baseUrlProperty().set("http://127.0.0.1:9/fhir");
        vm.form().pageSizeProperty().set("lots");
        vm.save();
        assertThat(vm.messageProperty().get()).contains("Page size").contains("lots");

        vm.form().pageSizeProperty().set("100");
        vm.form().authProperty().set("HTTP Basic");
        vm.save();
        assertThat(vm.messageProperty().get()).contains("user name");

        vm.form().authProperty().set("None");
        vm.testConnection();
        assertThat(vm.checkResultProperty().get()).startsWith("✘").contains("Cannot connect");
    }

    @Test
    void aProfileIsPutInPatientModeByGivingItsPatientOnceAndAWrongOneIsExplained() {
        vm.form().nameProperty().set("Mine");
        vm.form().baseUrlProperty().set("http://127.0.0.1:8091/fhir");
        vm.form().patientProperty().set("Practitioner/9");
        vm.save();
        assertThat(vm.messageProperty().get()).contains("is not a patient reference");
        assertThat(vm.profileNames()).isEmpty();
        vm.form().patientProperty().set("pat-0007");
        vm.save();
        assertThat(vm.profileNames()).containsExactly("Mine");
        vm.newProfile();
        assertThat(vm.form().patientProperty().get()).isEmpty();
        vm.selectedProperty().set("Mine");
        assertThat(vm.form().patientProperty().get()).isEqualTo("Patient/pat-0007");
        // emptied: staff use again
        vm.form().patientProperty().set("");
        vm.save();
        vm.newProfile();
        vm.selectedProperty().set("Mine");
        assertThat(vm.form().patientProperty().get()).isEmpty();
    }

    @Test
    void thePeopleTypesAreOptionalAndSavedWhenChosen() {
        for (String t : org.custos.fhir.ServerProfile.PEOPLE_TYPES) {
            assertThat(vm.form().syncTypeProperty(t).get()).as(t).isFalse();
        }
        assertThat(vm.form().syncConsentProperty().get()).isTrue();
        vm.form().nameProperty().set("People");
        vm.form().baseUrlProperty().set("http://127.0.0.1:8091/fhir");
        vm.form().syncTypeProperty("Patient").set(true);
        vm.form().syncTypeProperty("Organization").set(true);
        vm.save();
        assertThat(vm.profileNames()).containsExactly("People");
        vm.newProfile();
        assertThat(vm.form().syncTypeProperty("Patient").get()).isFalse();
        vm.selectedProperty().set("People");
        assertThat(vm.form().syncTypeProperty("Patient").get()).isTrue();
        assertThat(vm.form().syncTypeProperty("Organization").get()).isTrue();
        assertThat(vm.form().syncTypeProperty("Practitioner").get()).isFalse();
        assertThat(vm.form().syncAuditProperty().get()).isTrue();
        assertThat(vm.types()).extracting(TypeRow::type).containsExactlyElementsOf(
                org.custos.fhir.ServerProfile.SYNC_TYPES);
    }

    @Test
    void credentialsInTheClearNeedAllowInsecureWhichShowsAWarningAndIsSaved() {
        vm.form().nameProperty().set("Remote");
        vm.form().baseUrlProperty().set("http://fhir.example.org/fhir");
        vm.form().authProperty().set("Bearer token");
        vm.form().secretProperty().set("vm-secret-token-1");
        assertThat(vm.form().insecureWarningProperty().get()).isEmpty();
        vm.save();
        assertThat(vm.messageProperty().get()).contains("plain http").doesNotContain("vm-secret-token-1");
        assertThat(vm.profileNames()).isEmpty();
        vm.testConnection();
        assertThat(vm.checkResultProperty().get()).doesNotContain("Testing");
        vm.sync();
        assertThat(vm.syncingProperty().get()).isFalse();
        assertThat(vm.messageProperty().get()).contains("plain http");

        vm.form().allowInsecureProperty().set(true);
        assertThat(vm.form().insecureWarningProperty().get()).contains("Insecure").contains("unencrypted");
        vm.form().sendTrailProperty().set(true);
        vm.save();
        assertThat(vm.profileNames()).containsExactly("Remote");
        vm.newProfile();
        assertThat(vm.form().allowInsecureProperty().get()).isFalse();
        assertThat(vm.form().sendTrailProperty().get()).as("a new profile does not receive the trail").isFalse();
        assertThat(vm.form().insecureWarningProperty().get()).isEmpty();
        vm.selectedProperty().set("Remote");
        assertThat(vm.form().allowInsecureProperty().get()).isTrue();
        assertThat(vm.form().insecureWarningProperty().get()).isNotEmpty();
        assertThat(vm.form().sendTrailProperty().get()).as("saved with the profile").isTrue();
    }

    @Test
    void aTokenWithALineBreakIsRefusedWithoutShowingIt() {
        vm.form().nameProperty().set("Local");
        vm.form().baseUrlProperty().set("http://127.0.0.1:9/fhir");
        vm.form().authProperty().set("Bearer token");
        vm.form().secretProperty().set("vm-secret-token-2\r");
        vm.testConnection();
        vm.sync();
        vm.save();
        assertThat(vm.messageProperty().get()).contains("bearer token").contains("line break")
                .doesNotContain("vm-secret-token-2");
        assertThat(vm.checkResultProperty().get()).doesNotContain("vm-secret-token-2");
        assertThat(vm.profileNames()).isEmpty();
    }

    @Test
    void durationsReadLikeClocks() {
        assertThat(TypeRow.duration(5)).isEqualTo("0:05");
        assertThat(TypeRow.duration(125)).isEqualTo("2:05");
        assertThat(TypeRow.duration(3725)).isEqualTo("1:02:05");
    }

    /** Runs work at once, like {@link ImmediateTaskRunner}, and keeps what is scheduled so a test can fire it. */
    static final class ClockedRunner implements org.custos.ui.TaskRunner {
        private final ImmediateTaskRunner now = new ImmediateTaskRunner();
        final java.util.List<Runnable> scheduled = new java.util.ArrayList<>();
        final java.util.List<java.time.Duration> periods = new java.util.ArrayList<>();

        @Override
        public <T> Handle submit(String title, Work<T> work, java.util.function.Consumer<T> ok,
                                 java.util.function.Consumer<Throwable> failed) {
            return now.submit(title, work, ok, failed);
        }

        @Override
        public Handle every(java.time.Duration period, Runnable onUi) {
            scheduled.add(onUi);
            periods.add(period);
            return () -> scheduled.remove(onUi);
        }

        @Override
        public void onUi(Runnable r) {
            r.run();
        }

        @Override
        public void shutdown() {
        }
    }

    @Test
    void aProfileWithAnIntervalSyncsInTheBackgroundUntilItIsTurnedOff(LocalFhirServer server, @TempDir Path dir) {
        server.purge();
        ClockedRunner tasks = new ClockedRunner();
        Preferences node = prefs.node("clocked");
        ServersViewModel clocked = new ServersViewModel(new ProfileStore(node, new SecretStore(dir)),
                new SyncEngine(cache), tasks, refreshed::incrementAndGet, ZoneOffset.UTC);
        clocked.start();
        clocked.form().nameProperty().set("Every 15");
        clocked.form().baseUrlProperty().set(server.baseUrl());
        clocked.form().everyMinutesProperty().set("15");
        clocked.save();
        assertThat(tasks.scheduled).hasSize(1);
        assertThat(tasks.periods).containsExactly(java.time.Duration.ofMinutes(15));

        server.postAuditEvents(12, 43);
        tasks.scheduled.get(0).run(); // the timer fires
        assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(12);
        assertThat(clocked.types().get(0).progressProperty().get()).isEqualTo("completed · 12 new");

        clocked.form().everyMinutesProperty().set("0");
        clocked.save();
        assertThat(tasks.scheduled).isEmpty();
    }
}
