package org.custos.consent;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The cache's kept versions and the server's history as one list: what each listed version says of itself. */
class ConsentVersionsTest {
    private static ConsentMeaningViewModel.Version v(String id, String status) {
        return new ConsentMeaningViewModel.Version(id, "", "{\"resourceType\":\"Consent\",\"meta\":{\"versionId\":\""
                + id + "\"},\"status\":\"" + status + "\"}");
    }

    private static List<String> listed(List<ConsentVersions.Listed> l) {
        return l.stream().map(x -> x.version().versionId() + " " + x.version().json().replaceAll(".*status\":\"", "")
                .replace("\"}", "") + (x.note().isEmpty() ? "" : " | " + x.note())).toList();
    }

    @Test
    void withoutTheServersHistoryTheKeptVersionsSayNothingAboutTheServer() {
        assertThat(listed(ConsentVersions.merge(List.of(v("1", "draft"), v("2", "active")), null)))
                .containsExactly("2 active", "1 draft");
    }

    @Test
    void eachVersionSaysWhereItIsAndWhetherTheTwoCopiesAgree() {
        List<ConsentVersions.Listed> l = ConsentVersions.merge(
                List.of(v("3", "active"), v("2", "active"), v("1", "draft")),
                new ConsentMeaningViewModel.History(List.of(v("10", "inactive"), v("3", "active"), v("2", "rejected")),
                        true, null));
        assertThat(listed(l)).containsExactly(
                "10 inactive | from the server's history (not in the cache)",  // 10 after 3: numbers, not text
                "3 active",
                "2 active | differs from the server's version 2",
                "1 draft | not listed in the server's history");
    }

    @Test
    void onlyTheNewestReadFromTheServerSaysNothingOfOlderVersions() {
        // the server's newest two were read, more were left: version 1 may well be there
        List<ConsentVersions.Listed> l = ConsentVersions.merge(List.of(v("4", "active"), v("1", "draft")),
                new ConsentMeaningViewModel.History(List.of(v("5", "inactive"), v("3", "active")), false, null));
        assertThat(listed(l)).containsExactly(
                "5 inactive | from the server's history (not in the cache)",
                "4 active | not listed in the server's history",
                "3 active | from the server's history (not in the cache)",
                "1 draft");
    }

    @Test
    void withTheCachesVersionsUnknownNothingIsSaidOfThem() {
        assertThat(listed(ConsentVersions.merge(null, new ConsentMeaningViewModel.History(List.of(v("2", "active")),
                true, null)))).containsExactly("2 active | from the server's history");
        // a server with no version of it at all: nothing is said of each cached one (the note above the list says it)
        assertThat(listed(ConsentVersions.merge(List.of(v("1", "draft")), new ConsentMeaningViewModel.History(
                List.of(), true, null)))).containsExactly("1 draft");
    }

    @Test
    void metaAndNarrativeAloneAreNoDifference() {
        assertThat(ConsentVersions.sameContent(new com.fasterxml.jackson.databind.ObjectMapper(), "{\"id\":\"a\",\"meta\":{\"versionId\":\"1\"},\"text\":{\"div\":\"x\"}}",
                "{\"text\":{\"div\":\"y\"},\"id\":\"a\",\"meta\":{\"lastUpdated\":\"2026-01-01T00:00:00Z\"}}")).isTrue();
        assertThat(ConsentVersions.sameContent(new com.fasterxml.jackson.databind.ObjectMapper(), "{\"id\":\"a\"}", "{\"id\":\"b\"}")).isFalse();
    }
}
