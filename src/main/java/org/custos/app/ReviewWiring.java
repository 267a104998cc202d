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
        return new ReviewWiring(access, new PatientAccessView(access));
    }
}
