package org.custos.app;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AppOptionsTest {
    @Test
    void filesFromAFileManagerAreImportedAndOptionsStillRead() {
        AppOptions o = AppOptions.parse(List.of("--db", "/tmp/c", "/home/a/log.ndjson", "--smoke", "b.json"));
        assertThat(o.db()).isEqualTo("/tmp/c");
        assertThat(o.smoke()).isTrue();
        assertThat(o.files()).containsExactly("/home/a/log.ndjson", "b.json");
        assertThat(AppOptions.parse(List.of("--db=/x")).files()).isEmpty();
        assertThat(AppOptions.parse(List.of()).db()).isNull();
    }

    @Test
    void patientModeIsAskedForOrRefused() {
        AppOptions o = AppOptions.parse(List.of("--patient", "Good Health Clinic"));
        assertThat(o.patient()).isEqualTo("Good Health Clinic");
        assertThat(o.staff()).isFalse();
        assertThat(AppOptions.parse(List.of("--patient=me")).patient()).isEqualTo("me");
        assertThat(AppOptions.parse(List.of("--patient= ")).patient()).isNull();
        AppOptions staff = AppOptions.parse(List.of("--staff", "a.json"));
        assertThat(staff.staff()).isTrue();
        assertThat(staff.patient()).isNull();
        assertThat(staff.files()).containsExactly("a.json");
    }
}
