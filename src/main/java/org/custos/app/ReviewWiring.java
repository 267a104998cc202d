package org.custos.app;

import org.custos.cache.Cache;
import org.custos.review.AccessReview;
import org.custos.review.PatientAccessView;
import org.custos.review.PatientAccessViewModel;
import org.custos.ui.TaskRunner;

import java.time.ZoneId;

/**
 * The privacy officer's screens (issue 13) wired to the services below them: the patient access view reads the cache's
 * patient/access index and the people directory, and opens events in the audit browser.
 */
record ReviewWiring(PatientAccessViewModel access, PatientAccessView accessView) {
    static ReviewWiring assemble(Cache cache, TaskRunner tasks, ZoneId zone,
                                 PatientAccessViewModel.EventOpener showEvent, org.custos.trail.Looks trail) {
        PatientAccessViewModel access = new PatientAccessViewModel(new AccessReview(cache, zone, trail), tasks,
                showEvent, zone);
        org.custos.review.DisclosureExportModel disclosures = new org.custos.review.DisclosureExportModel(
                (patient, origin, file) -> disclosures(cache, zone, trail, patient, origin, file), tasks);
        org.custos.review.DisclosureSettingsViewModel definition = new org.custos.review.DisclosureSettingsViewModel(
                disclosureDefinition(cache, trail), tasks, zone);
        return new ReviewWiring(access, new PatientAccessView(access).reportsWith(disclosures,
                new org.custos.review.DisclosureSettingsView(definition)));
    }

    /**
     * Where the patient access tab keeps what counts as a disclosure: the cache's report setting, each change
     * recorded in Custos's own trail before it is made.
     */
    static org.custos.review.DisclosureSettingsViewModel.Store disclosureDefinition(Cache cache,
                                                                                  org.custos.trail.Looks trail) {
        return new org.custos.review.DisclosureSettingsViewModel.Store() {
            @Override
            public java.util.Optional<org.custos.review.DisclosureSettingsViewModel.Kept> load() {
                return org.custos.review.DisclosureDefinition.kept(cache).map(k ->
                        new org.custos.review.DisclosureSettingsViewModel.Kept(k.text(), k.changed(), k.changedBy()));
            }

            @Override
            public void save(String json) {
                // the whole definition as what the decision is about (the description is cut at 1,000 characters)
                trail.decision("disclosure definition changed", json, java.util.List.of());
                cache.reportSettings().put(org.custos.review.DisclosureDefinition.NAME, json,
                        System.getProperty("user.name", "?"), System.currentTimeMillis());
            }
        };
    }

    /**
     * The index keys a legal report reads a patient by: its reference when it has one (the identifier values the
     * access view adds are kept without their system in the index, and could name another person), else the one
     * identifier the user searched for.
     */
    static java.util.List<String> reportKeys(AccessReview.Subject patient) {
        return patient.reference() != null
                ? java.util.List.of(org.custos.cache.PatientEvents.referenceKey(patient.reference())) : patient.keys();
    }

    /**
     * The accounting of disclosures of one patient of one origin over the six years before now, as a PDF (the same
     * report as {@code custos report disclosures}, with the definition kept in the cache), recorded in Custos's own
     * trail before it is written; the file appears only when complete ({@link WholeFile}). The patient's events are
     * read by {@link #reportKeys}.
     * Returns how many disclosures it holds.
     */
    static int disclosures(Cache cache, ZoneId zone, org.custos.trail.Looks trail, AccessReview.Subject patient,
                           String origin, java.nio.file.Path file) throws java.io.IOException {
        java.time.Instant hi = java.time.Instant.now();
        java.time.Instant lo = hi.atZone(zone).minusYears(6).toInstant();
        Integer originId = cache.origins().find(origin).map(org.custos.cache.Origins.Origin::id).orElseThrow(() ->
                new IllegalArgumentException("the origin " + origin + " is not in the cache any more"));
        String named = patient.named();
        trail.export("accounting of disclosures (pdf) to " + file.toAbsolutePath(), "patient=" + named + " keys="
                + reportKeys(patient) + " from=" + lo + " to=" + hi + " origin=" + origin,
                java.util.List.of(org.custos.trail.Looks.inOrigin(origin, named)));
        // the definition read once: the PDF names the one applied
        org.custos.review.DisclosureDefinition.Applied applied = org.custos.review.DisclosureDefinition.applied(cache,
                zone);
        org.custos.review.Disclosures.Accounting a = new org.custos.review.Disclosures(cache).account(named,
                reportKeys(patient), originId, lo, hi, applied.definition().rule(), () -> false);
        String name = patient.reference() == null ? null
                : cache.people().namesOf(origin, java.util.List.of(named)).get(named);
        String definition = applied.description() + (patient.reference() == null ? ""
                : "; events that name the patient by an identifier only are not included (report that identifier "
                + "on its own)");
        WholeFile.write(file, out -> new org.custos.review.DisclosureReport(zone).pdf(a, name,
                System.getProperty("user.name", "?"), hi, definition, out));
        return a.disclosures().size();
    }
}
