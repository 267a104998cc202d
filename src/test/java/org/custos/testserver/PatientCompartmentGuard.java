package org.custos.testserver;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import com.nimbusds.jwt.JWTClaimsSet;
import org.hl7.fhir.dstu3.model.IdType;

import java.util.List;

/**
 * The test server's patient compartment, as a production SMART server keeps it: a request made with a patient's
 * token (one {@link SmartGuard} found a {@code patient} claim in) may read that patient's AuditEvents and Consents and
 * write their Consents, write a Provenance that signs a Consent with the patient as its only agent and signer (the
 * guided consent's signature; whether the Consent is the patient's own is not looked up here) and read such a
 * Provenance back, and read the
 * directory's Practitioners and Organizations; anything else — another patient's
 * resource, a search whose results hold one, a type's whole history — is refused (403). HAPI's own
 * {@link AuthorizationInterceptor}, which checks every resource a response would carry. Requests with another token,
 * or none (the open {@code /fhir}), pass untouched.
 */
public final class PatientCompartmentGuard extends AuthorizationInterceptor {
    @Override
    public List<IAuthRule> buildRuleList(RequestDetails request) {
        Object claims = request.getUserData().get(SmartGuard.CLAIMS);
        String patient = claims instanceof JWTClaimsSet c ? SmartGuard.patientOf(c) : null;
        if (patient == null) {
            return new RuleBuilder().allowAll().build();
        }
        IdType owner = new IdType("Patient", patient);
        return new RuleBuilder()
                .allow().metadata().andThen()
                .allow().read().resourcesOfType("AuditEvent").inCompartment("Patient", owner).andThen()
                .allow().read().resourcesOfType("Consent").inCompartment("Patient", owner).andThen()
                .allow().write().resourcesOfType("Consent").inCompartment("Patient", owner).andThen()
                .allow().write().resourcesOfType("Provenance").withAnyId()
                .withTester(new ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester() {
                    @Override
                    public boolean matches(RuleTestRequest t) {
                        return signsAsPatient(t.resource, owner.toUnqualifiedVersionless().getValue());
                    }
                }).andThen()
                // read back by id: only a Provenance the patient signed is returned
                .allow().read().resourcesOfType("Provenance").withAnyId()
                .withTester(new ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester() {
                    @Override
                    public boolean matches(RuleTestRequest t) {
                        return t.resource == null || signsAsPatient(t.resource,
                                owner.toUnqualifiedVersionless().getValue());
                    }

                    @Override
                    public boolean matchesOutput(RuleTestRequest t) {
                        return t.resource == null || signsAsPatient(t.resource,
                                owner.toUnqualifiedVersionless().getValue());
                    }
                }).andThen()
                .allow().read().resourcesOfType("Practitioner").withAnyId().andThen()
                .allow().read().resourcesOfType("Organization").withAnyId().andThen()
                .denyAll("Not in the compartment of Patient/" + patient)
                .build();
    }

    /** A Provenance of Consents whose every agent and signer is {@code patient} (and that has at least one). */
    static boolean signsAsPatient(org.hl7.fhir.instance.model.api.IBaseResource resource, String patient) {
        if (!(resource instanceof org.hl7.fhir.dstu3.model.Provenance p) || p.getAgent().isEmpty()
                || p.getSignature().isEmpty() || p.getTarget().isEmpty()) {
            return false;
        }
        return p.getTarget().stream().allMatch(t -> t.getReference() != null && t.getReference().startsWith("Consent/"))
                && p.getAgent().stream().allMatch(a -> a.hasWhoReference()
                && patient.equals(a.getWhoReference().getReference()))
                && p.getSignature().stream().allMatch(s -> s.hasWhoReference()
                && patient.equals(s.getWhoReference().getReference()));
    }
}
