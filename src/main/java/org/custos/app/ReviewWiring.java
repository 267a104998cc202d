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
        return new ReviewWiring(access, new PatientAccessView(access).reportsWith(disclosures));
    }

    /**
     * The accounting of disclosures of one patient of one origin over the six years before now, as a PDF (the same
     * report as {@code custos report disclosures}, default rule), recorded in Custos's own trail before it is written;
     * the file appears only when complete ({@link WholeFile}). Returns how many disclosures it holds.
     */
    static int disclosures(Cache cache, ZoneId zone, org.custos.trail.Looks trail, String patient, String origin,
                           java.nio.file.Path file) throws java.io.IOException {
        java.time.Instant hi = java.time.Instant.now();
        java.time.Instant lo = hi.atZone(zone).minusYears(6).toInstant();
        Integer originId = cache.origins().find(origin).map(org.custos.cache.Origins.Origin::id).orElseThrow(() ->
                new IllegalArgumentException("the origin " + origin + " is not in the cache any more"));
        trail.export("accounting of disclosures (pdf) to " + file.toAbsolutePath(), "patient=" + patient + " from=" + lo
                + " to=" + hi + " origin=" + origin, java.util.List.of(patient));
        org.custos.review.Disclosures.Accounting a = new org.custos.review.Disclosures(cache).account(patient,
                originId, lo, hi, org.custos.review.DisclosureRule.defaults(), () -> false);
        String name = cache.people().namesOf(origin, java.util.List.of(patient)).get(patient);
        WholeFile.write(file, out -> new org.custos.review.DisclosureReport(zone).pdf(a, name,
                System.getProperty("user.name", "?"), hi, out));
        return a.disclosures().size();
    }
}
